-- +goose Up
-- Open data (package opendata): what administrators decide about each
-- registered dataset (published or not, its licence), and the versions of
-- each dataset's content. A dataset's slug is its registration's; a row
-- exists once an administrator changed a setting or the dataset was built.
CREATE TABLE open_datasets (
    slug       TEXT PRIMARY KEY,
    published  BOOLEAN NOT NULL DEFAULT FALSE,
    licence    TEXT NOT NULL DEFAULT 'CC-BY-4.0',
    updated_at TIMESTAMPTZ NOT NULL
);

-- One row per content version (created_at: when that content was first
-- built); a rebuild with unchanged content updates built_at and
-- source_version of the latest row.
CREATE TABLE open_dataset_versions (
    slug           TEXT NOT NULL,
    version        INTEGER NOT NULL,
    created_at     TIMESTAMPTZ NOT NULL,
    built_at       TIMESTAMPTZ NOT NULL,
    source_version TEXT NOT NULL,
    checksum       TEXT NOT NULL,
    rows           BIGINT NOT NULL,
    suppressed     BIGINT NOT NULL,
    PRIMARY KEY (slug, version)
);

-- +goose Down
DROP TABLE open_dataset_versions;
DROP TABLE open_datasets;

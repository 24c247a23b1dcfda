-- +goose Up
-- Reported figures (issue 19), after DHIS2's aggregate model: data
-- elements, optionally broken down by a disaggregation (a category
-- combination whose categories and options are kept as JSON, read and
-- written whole); data sets grouping elements, one row per version;
-- validation rules over a data set's element codes; the forms bodies
-- submit per data set and period, and their values.
--
-- A data set in use is changed by a new version (a new row with the same
-- code): forms point at the version they were entered with, so old values
-- stay readable. One form per data set code, body and period, whatever the
-- version. data_values.value holds numeric cells, text the comments of
-- text elements. data_rollup holds the accepted numeric values summed per
-- element, combination, period and each territory a form's body lies in
-- (its own and every ancestor), written when a form is accepted and
-- removed when it is reopened: the analysis reads it, never data_values.

CREATE TABLE disaggregations (
    id         INTEGER PRIMARY KEY,
    code       TEXT NOT NULL UNIQUE,
    name_ky    TEXT NOT NULL,
    name_ru    TEXT NOT NULL,
    name_en    TEXT NOT NULL,
    categories TEXT NOT NULL DEFAULT '[]',
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE data_elements (
    id                INTEGER PRIMARY KEY,
    code              TEXT NOT NULL UNIQUE,
    name_ky           TEXT NOT NULL,
    name_ru           TEXT NOT NULL,
    name_en           TEXT NOT NULL,
    description_ky    TEXT NOT NULL DEFAULT '',
    description_ru    TEXT NOT NULL DEFAULT '',
    description_en    TEXT NOT NULL DEFAULT '',
    value_type        TEXT NOT NULL,
    unit_ky           TEXT NOT NULL DEFAULT '',
    unit_ru           TEXT NOT NULL DEFAULT '',
    unit_en           TEXT NOT NULL DEFAULT '',
    aggregation       TEXT NOT NULL,
    disaggregation_id BIGINT REFERENCES disaggregations(id),
    created_at        TIMESTAMP NOT NULL,
    updated_at        TIMESTAMP NOT NULL
);

CREATE TABLE data_sets (
    id             INTEGER PRIMARY KEY,
    code           TEXT NOT NULL,
    version        INTEGER NOT NULL,
    name_ky        TEXT NOT NULL,
    name_ru        TEXT NOT NULL,
    name_en        TEXT NOT NULL,
    description_ky TEXT NOT NULL DEFAULT '',
    description_ru TEXT NOT NULL DEFAULT '',
    description_en TEXT NOT NULL DEFAULT '',
    period_type    TEXT NOT NULL,
    body_types     TEXT NOT NULL DEFAULT '[]',
    level          TEXT NOT NULL,
    open_days      INTEGER NOT NULL DEFAULT 0,
    deadline_days  INTEGER NOT NULL DEFAULT 0,
    close_days     INTEGER NOT NULL DEFAULT 0,
    sensitive      BOOLEAN NOT NULL DEFAULT FALSE,
    status         TEXT NOT NULL,
    created_at     TIMESTAMP NOT NULL,
    updated_at     TIMESTAMP NOT NULL,
    UNIQUE (code, version)
);

CREATE TABLE data_set_elements (
    data_set_id BIGINT NOT NULL REFERENCES data_sets(id) ON DELETE CASCADE,
    element_id  BIGINT NOT NULL REFERENCES data_elements(id),
    position    INTEGER NOT NULL,
    PRIMARY KEY (data_set_id, element_id)
) WITHOUT ROWID;

CREATE TABLE validation_rules (
    id            INTEGER PRIMARY KEY,
    data_set_code TEXT NOT NULL,
    code          TEXT NOT NULL,
    expression    TEXT NOT NULL,
    severity      TEXT NOT NULL,
    message_ky    TEXT NOT NULL,
    message_ru    TEXT NOT NULL,
    message_en    TEXT NOT NULL,
    created_at    TIMESTAMP NOT NULL,
    updated_at    TIMESTAMP NOT NULL,
    UNIQUE (data_set_code, code)
);

CREATE TABLE data_forms (
    id                 INTEGER PRIMARY KEY,
    data_set_id        BIGINT NOT NULL REFERENCES data_sets(id),
    data_set_code      TEXT NOT NULL,
    body_id            BIGINT NOT NULL REFERENCES bodies(id),
    period             TEXT NOT NULL,
    period_start       TEXT NOT NULL,
    status             TEXT NOT NULL,
    warnings           TEXT NOT NULL DEFAULT '[]',
    comment            TEXT NOT NULL DEFAULT '',
    version            INTEGER NOT NULL DEFAULT 0,
    revision           INTEGER NOT NULL DEFAULT 1,
    submitted_by       BIGINT,
    submitted_at       TIMESTAMP,
    first_submitted_at TIMESTAMP,
    decided_by         BIGINT,
    decided_at         TIMESTAMP,
    created_at         TIMESTAMP NOT NULL,
    updated_at         TIMESTAMP NOT NULL,
    UNIQUE (data_set_code, body_id, period)
);
CREATE INDEX data_forms_body ON data_forms(body_id, period_start);
CREATE INDEX data_forms_status ON data_forms(data_set_code, status, period_start);

CREATE TABLE data_values (
    form_id    BIGINT NOT NULL REFERENCES data_forms(id) ON DELETE CASCADE,
    element_id BIGINT NOT NULL REFERENCES data_elements(id),
    combo      TEXT NOT NULL DEFAULT '',
    value      DOUBLE PRECISION,
    text       TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (form_id, element_id, combo)
) WITHOUT ROWID;

CREATE TABLE data_rollup (
    element_id     BIGINT NOT NULL REFERENCES data_elements(id),
    combo          TEXT NOT NULL,
    territory_code TEXT NOT NULL REFERENCES territories(code),
    period         TEXT NOT NULL,
    value          DOUBLE PRECISION NOT NULL,
    reports        INTEGER NOT NULL,
    PRIMARY KEY (element_id, territory_code, period, combo)
) WITHOUT ROWID;
CREATE INDEX data_rollup_territory ON data_rollup(territory_code, period);

-- +goose Down
DROP TABLE data_rollup;
DROP TABLE data_values;
DROP TABLE data_forms;
DROP TABLE validation_rules;
DROP TABLE data_set_elements;
DROP TABLE data_sets;
DROP TABLE data_elements;
DROP TABLE disaggregations;

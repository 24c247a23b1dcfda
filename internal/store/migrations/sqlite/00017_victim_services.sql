-- +goose Up
-- The victim services directory (§4.5 of the Concept): shelters, crisis
-- and rehabilitation centres, hotlines, the child helpline and legal aid,
-- each attached to the territory it serves. Everything here is public and
-- describes organisations, never people. phones_json and serves_json are
-- JSON arrays of text.

CREATE TABLE victim_services (
    id              INTEGER PRIMARY KEY,
    territory_code  TEXT NOT NULL REFERENCES territories(code),
    kind            TEXT NOT NULL,
    name_ky         TEXT NOT NULL,
    name_ru         TEXT NOT NULL,
    name_en         TEXT NOT NULL,
    address         TEXT NOT NULL DEFAULT '',
    hours           TEXT NOT NULL DEFAULT '',
    phones_json     TEXT NOT NULL DEFAULT '[]',
    serves_json     TEXT NOT NULL DEFAULT '[]',
    lat             REAL,
    lon             REAL,
    free            BOOLEAN NOT NULL DEFAULT FALSE,
    active          BOOLEAN NOT NULL DEFAULT TRUE,
    demo            BOOLEAN NOT NULL DEFAULT FALSE,
    search_text     TEXT NOT NULL DEFAULT '',
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL
);

CREATE INDEX victim_services_territory ON victim_services (territory_code);

-- +goose Down
DROP TABLE victim_services;

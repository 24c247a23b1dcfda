-- +goose Up
-- Offense statistics: depersonalized records, the log of their imports and
-- the monthly aggregate that counts are served from.

-- One row per import attempt, written in its own transaction when the
-- import starts (status running) and updated when it ends: to done in the
-- transaction that stores the records, to failed after that transaction
-- rolled back. A row left running belongs to a process that died; its
-- records were never committed.
CREATE TABLE offense_imports (
    id          INTEGER PRIMARY KEY,
    started_at  TIMESTAMP NOT NULL,
    finished_at TIMESTAMP,
    actor       TEXT NOT NULL,
    user_id     BIGINT,
    file_name   TEXT NOT NULL DEFAULT '',
    sha256      TEXT NOT NULL DEFAULT '',
    format      TEXT NOT NULL DEFAULT '',
    rows_read   BIGINT NOT NULL DEFAULT 0,
    accepted    BIGINT NOT NULL DEFAULT 0,
    rejected    BIGINT NOT NULL DEFAULT 0,
    duplicates  BIGINT NOT NULL DEFAULT 0, -- rows repeating an earlier row of the file
    existing    BIGINT NOT NULL DEFAULT 0, -- rows an earlier import already stored
    inserted    BIGINT NOT NULL DEFAULT 0, -- rows new to the database
    status      TEXT NOT NULL,
    error       TEXT NOT NULL DEFAULT '',
    synthetic   BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE INDEX offense_imports_started ON offense_imports(started_at);

-- Dates are ISO text (YYYY-MM-DD). day is the date statistics count on: the
-- occurrence date, or the registration date when that is unknown; year,
-- month, weekday (0 = Monday, -1 unknown) and hour (-1 unknown) are derived
-- at insert so that queries never parse dates. territory_path is the
-- territory's materialized path, copied for scope filters by prefix.
-- import_id names the import that stored the row (no foreign key: it would
-- cost a lookup per inserted row and the log is never deleted).
CREATE TABLE offenses (
    id              TEXT PRIMARY KEY,
    source          TEXT NOT NULL,
    category        TEXT NOT NULL,
    subgroup        TEXT NOT NULL DEFAULT '',
    article         TEXT NOT NULL DEFAULT '',
    registered_on   TEXT NOT NULL,
    occurred_on     TEXT,
    occurred_minute INTEGER NOT NULL DEFAULT -1,
    day             TEXT NOT NULL,
    year            INTEGER NOT NULL,
    month           INTEGER NOT NULL,
    weekday         INTEGER NOT NULL,
    hour            INTEGER NOT NULL,
    territory_code  TEXT NOT NULL,
    territory_path  TEXT NOT NULL,
    precinct_code   TEXT NOT NULL DEFAULT '',
    lat             DOUBLE PRECISION,
    lon             DOUBLE PRECISION,
    place_type      TEXT NOT NULL DEFAULT '',
    solved          BOOLEAN NOT NULL DEFAULT FALSE,
    damage_kgs      BIGINT,
    synthetic       BOOLEAN NOT NULL DEFAULT FALSE,
    import_id       BIGINT NOT NULL
);
-- Scope (path prefix as a range) and period; precinct pages and rankings.
CREATE INDEX offenses_scope ON offenses(territory_path, day);
CREATE INDEX offenses_precinct ON offenses(precinct_code, day) WHERE precinct_code <> '';

-- Counts by territory, category, source and month, kept in step with
-- offenses by every import in the same transaction. Each record is counted
-- once at each depth of the territory tree: under its country (depth 1),
-- its region (2: oblasts and cities of republican significance) and its
-- district (3: rayons, city districts, cities of regional significance),
-- or under its own territory at the depths below it. A query reads one
-- depth only, so counts by oblast over ten years read the oblast rows, not
-- every district's. territory_path is the path of territory_code; the key
-- starts with depth and path so that a scope is one range of the key and
-- groups by territory come in key order. synthetic counts the demo records
-- among count. The table is WITHOUT ROWID: stored in key order, so that
-- counts are read in key order, with no sort.
CREATE TABLE offense_monthly (
    depth          INTEGER NOT NULL,
    territory_path TEXT NOT NULL,
    territory_code TEXT NOT NULL,
    category       TEXT NOT NULL,
    source         TEXT NOT NULL,
    year           INTEGER NOT NULL,
    month          INTEGER NOT NULL,
    count          INTEGER NOT NULL,
    solved         INTEGER NOT NULL,
    synthetic      INTEGER NOT NULL,
    PRIMARY KEY (depth, territory_path, category, year, month, source)
) WITHOUT ROWID;

-- +goose Down
DROP TABLE offense_monthly;
DROP TABLE offenses;
DROP TABLE offense_imports;

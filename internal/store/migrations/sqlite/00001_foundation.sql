-- +goose Up
-- Installation settings: the key of pseudonymous ids, demo markers.
CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE territories (
    code        TEXT PRIMARY KEY,
    slug        TEXT NOT NULL UNIQUE,
    level       TEXT NOT NULL,
    kind        TEXT NOT NULL,
    parent_code TEXT REFERENCES territories(code),
    path        TEXT NOT NULL,
    name_ky     TEXT NOT NULL,
    name_ru     TEXT NOT NULL,
    name_en     TEXT NOT NULL,
    iso         TEXT NOT NULL DEFAULT '',
    lat         DOUBLE PRECISION,
    lon         DOUBLE PRECISION,
    source      TEXT NOT NULL DEFAULT '',
    search_text TEXT NOT NULL DEFAULT '',
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL
);
CREATE INDEX territories_parent ON territories(parent_code);
CREATE INDEX territories_path ON territories(path);

CREATE TABLE territory_populations (
    territory_code TEXT NOT NULL REFERENCES territories(code) ON DELETE CASCADE,
    year           INTEGER NOT NULL,
    population     BIGINT NOT NULL,
    kind           TEXT NOT NULL DEFAULT '',
    source         TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (territory_code, year)
);

CREATE TABLE territory_boundaries (
    territory_code TEXT PRIMARY KEY REFERENCES territories(code) ON DELETE CASCADE,
    geometry       TEXT NOT NULL,
    source         TEXT NOT NULL DEFAULT '',
    updated_at     TIMESTAMP NOT NULL
);

CREATE TABLE bodies (
    id             INTEGER PRIMARY KEY,
    territory_code TEXT NOT NULL REFERENCES territories(code),
    type           TEXT NOT NULL,
    name_ky        TEXT NOT NULL,
    name_ru        TEXT NOT NULL,
    name_en        TEXT NOT NULL,
    address        TEXT NOT NULL DEFAULT '',
    phone          TEXT NOT NULL DEFAULT '',
    email          TEXT NOT NULL DEFAULT '',
    website        TEXT NOT NULL DEFAULT '',
    contact_person TEXT NOT NULL DEFAULT '',
    direct_phone   TEXT NOT NULL DEFAULT '',
    notes          TEXT NOT NULL DEFAULT '',
    search_text    TEXT NOT NULL DEFAULT '',
    created_at     TIMESTAMP NOT NULL,
    updated_at     TIMESTAMP NOT NULL
);
CREATE INDEX bodies_territory ON bodies(territory_code);

CREATE TABLE users (
    id                   INTEGER PRIMARY KEY,
    login                TEXT NOT NULL UNIQUE,
    name                 TEXT NOT NULL,
    role                 TEXT NOT NULL,
    body_id              BIGINT NOT NULL REFERENCES bodies(id),
    lang                 TEXT NOT NULL DEFAULT 'ky',
    password_hash        TEXT NOT NULL DEFAULT '',
    must_change_password BOOLEAN NOT NULL DEFAULT FALSE,
    disabled             BOOLEAN NOT NULL DEFAULT FALSE,
    created_at           TIMESTAMP NOT NULL,
    updated_at           TIMESTAMP NOT NULL,
    last_login_at        TIMESTAMP
);
CREATE INDEX users_body ON users(body_id);

CREATE TABLE sessions (
    token_hash   TEXT PRIMARY KEY,
    user_id      BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at   TIMESTAMP NOT NULL,
    expires_at   TIMESTAMP NOT NULL,
    last_seen_at TIMESTAMP NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE api_tokens (
    id           INTEGER PRIMARY KEY,
    user_id      BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    token_hash   TEXT NOT NULL UNIQUE,
    created_at   TIMESTAMP NOT NULL,
    last_used_at TIMESTAMP,
    revoked_at   TIMESTAMP
);

CREATE TABLE audit_log (
    id             INTEGER PRIMARY KEY,
    at             TIMESTAMP NOT NULL,
    user_id        BIGINT,
    actor          TEXT NOT NULL,
    action         TEXT NOT NULL,
    entity         TEXT NOT NULL,
    entity_id      TEXT NOT NULL,
    territory_code TEXT NOT NULL DEFAULT '',
    territory_path TEXT NOT NULL DEFAULT '',
    before_json    TEXT,
    after_json     TEXT
);
CREATE INDEX audit_log_at ON audit_log(at);
CREATE INDEX audit_log_entity ON audit_log(entity, entity_id);

-- The audit log is append-only, for every role and every path.
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;

-- +goose Down
DROP TABLE audit_log;
DROP TABLE api_tokens;
DROP TABLE sessions;
DROP TABLE users;
DROP TABLE bodies;
DROP TABLE territory_boundaries;
DROP TABLE territory_populations;
DROP TABLE territories;
DROP TABLE settings;

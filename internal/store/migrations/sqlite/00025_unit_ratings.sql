-- +goose Up
-- Yearly ratings of district police departments by local self-government
-- bodies and coordination commissions (issue 17 item 8): one per rating
-- body, unit and year; each criterion 1–5. The comment is never public;
-- who saved a rating is in the audit log.

CREATE TABLE unit_ratings (
    id             INTEGER PRIMARY KEY,
    unit_code      TEXT NOT NULL REFERENCES territories(code),
    year           INTEGER NOT NULL,
    body_id        BIGINT NOT NULL REFERENCES bodies(id),
    cooperation    INTEGER NOT NULL CHECK (cooperation BETWEEN 1 AND 5),
    commission     INTEGER NOT NULL CHECK (commission BETWEEN 1 AND 5),
    appeals        INTEGER NOT NULL CHECK (appeals BETWEEN 1 AND 5),
    youth_families INTEGER NOT NULL CHECK (youth_families BETWEEN 1 AND 5),
    report_back    INTEGER NOT NULL CHECK (report_back BETWEEN 1 AND 5),
    information    INTEGER NOT NULL CHECK (information BETWEEN 1 AND 5),
    overall        INTEGER NOT NULL CHECK (overall BETWEEN 1 AND 5),
    comment        TEXT NOT NULL DEFAULT '',
    demo           BOOLEAN NOT NULL DEFAULT FALSE,
    created_at     TIMESTAMP NOT NULL,
    updated_at     TIMESTAMP NOT NULL,
    UNIQUE (unit_code, year, body_id)
);
CREATE INDEX unit_ratings_year ON unit_ratings (year, unit_code);

-- +goose Down
DROP TABLE unit_ratings;

-- +goose Up
-- Surveys of residents, the rest of issue 17.

-- One-use invitation codes of a survey that takes one response per code:
-- only the hash of a code is kept (the respondent key its response is
-- counted by), and when it was used.
CREATE TABLE survey_invitations (
    survey_id  BIGINT NOT NULL REFERENCES surveys(id) ON DELETE CASCADE,
    code_hash  TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    used_at    TIMESTAMP,
    PRIMARY KEY (survey_id, code_hash)
);

-- The population margins a wave was raked to and the trimming cap, so
-- that estimates from the raked weights carry intervals that account for
-- the raking.
CREATE TABLE survey_weightings (
    survey_id  BIGINT NOT NULL REFERENCES surveys(id) ON DELETE CASCADE,
    wave       TEXT NOT NULL,
    margins    TEXT NOT NULL,
    cap        REAL NOT NULL,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (survey_id, wave)
);

-- The police unit scorecard's component weights, set by national
-- administrators (none stored: the defaults in code).
CREATE TABLE scorecard_weights (
    component  TEXT PRIMARY KEY,
    weight     REAL NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

-- +goose Down
DROP TABLE scorecard_weights;
DROP TABLE survey_weightings;
DROP TABLE survey_invitations;

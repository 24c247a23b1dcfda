-- +goose Up
-- Surveys of residents (issue 17): a survey and the versions of its
-- questions (a running survey's questions are locked; a change makes a new
-- version), and the responses, each keeping the version it answered.
CREATE TABLE surveys (
    id             INTEGER PRIMARY KEY,
    slug           TEXT NOT NULL UNIQUE,
    form_id        TEXT NOT NULL DEFAULT '',
    title_ky       TEXT NOT NULL DEFAULT '',
    title_ru       TEXT NOT NULL DEFAULT '',
    title_en       TEXT NOT NULL DEFAULT '',
    status         TEXT NOT NULL,
    one_per        TEXT NOT NULL,
    territory_code TEXT NOT NULL REFERENCES territories(code),
    version        INTEGER NOT NULL,
    created_at     TIMESTAMP NOT NULL,
    updated_at     TIMESTAMP NOT NULL
);
CREATE INDEX surveys_territory ON surveys(territory_code);

-- definition is the JSON of the version's sections and questions.
CREATE TABLE survey_versions (
    survey_id  BIGINT NOT NULL REFERENCES surveys(id) ON DELETE CASCADE,
    version    INTEGER NOT NULL,
    definition TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (survey_id, version)
);

-- answers is the JSON of question name → answer as ODK stores it (a
-- multiple choice as its choice names separated by spaces). respondent_key
-- is a hash of the invitation code or device a response is counted by;
-- external_id the submission's id in the file it was imported from.
-- design_weight is the weight the sample gave; weight the one estimates
-- use, after weighting to population margins (raking).
CREATE TABLE survey_responses (
    id             INTEGER PRIMARY KEY,
    survey_id      BIGINT NOT NULL REFERENCES surveys(id) ON DELETE CASCADE,
    version        INTEGER NOT NULL,
    wave           TEXT NOT NULL,
    territory_code TEXT NOT NULL REFERENCES territories(code),
    answers        TEXT NOT NULL,
    weight         REAL NOT NULL,
    design_weight  REAL NOT NULL,
    source         TEXT NOT NULL,
    respondent_key TEXT,
    external_id    TEXT,
    created_at     TIMESTAMP NOT NULL,
    FOREIGN KEY (survey_id, version) REFERENCES survey_versions(survey_id, version)
);
CREATE UNIQUE INDEX survey_responses_respondent ON survey_responses(survey_id, respondent_key);
CREATE UNIQUE INDEX survey_responses_external ON survey_responses(survey_id, external_id);
CREATE INDEX survey_responses_wave ON survey_responses(survey_id, wave, territory_code);

-- +goose Down
DROP TABLE survey_responses;
DROP TABLE survey_versions;
DROP TABLE surveys;

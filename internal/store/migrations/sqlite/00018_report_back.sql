-- +goose Up
-- Report-back meetings of precinct and juvenile inspectors with the
-- residents of a precinct (§4.2, §4.7 task 2 of the Concept). The
-- inspector's name is public (a public official in office); issues and
-- answers are shown publicly only through
-- aldyn.ReportBackMeeting.PublicIssues, which blanks personal-data shapes.
-- quarter is the Bishkek-time quarter of starts_at ("2026-Q3"), written by
-- the store so that counts per precinct per quarter are one GROUP BY on
-- either engine. issues_json holds the issues in their order, each with
-- the id of the resident's report it became, if any.

CREATE TABLE report_back_meetings (
    id              INTEGER PRIMARY KEY,
    precinct_code   TEXT NOT NULL REFERENCES territories(code),
    body_id         BIGINT NOT NULL REFERENCES bodies(id),
    inspector_name  TEXT NOT NULL,
    inspector_role  TEXT NOT NULL,
    starts_at       TIMESTAMP NOT NULL,
    quarter         TEXT NOT NULL,
    place           TEXT NOT NULL,
    status          TEXT NOT NULL,
    not_held_reason TEXT NOT NULL DEFAULT '',
    attendance      INTEGER,
    issues_json     TEXT NOT NULL DEFAULT '[]',
    demo            BOOLEAN NOT NULL DEFAULT FALSE,
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL
);
CREATE INDEX report_back_meetings_precinct ON report_back_meetings (precinct_code, quarter);
CREATE INDEX report_back_meetings_starts ON report_back_meetings (starts_at);

-- +goose Down
DROP TABLE report_back_meetings;

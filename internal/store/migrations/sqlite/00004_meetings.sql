-- +goose Up
-- The work of coordination bodies (§4.3 of the Concept): meetings of the
-- Coordination Council and the coordination commissions with the bodies
-- taking part, their decisions (a decision with a responsible body and a
-- deadline is a task reported on), the reports and questions commissions
-- send up, and the risk register of each plan (§8).
--
-- Dates (a meeting's day, a task's deadline) are ISO text, as in 00002.
-- Scope comes from the bodies' territories, joined at query time. User
-- ids, like audit_log's, carry no foreign key: records outlive accounts.
-- Every change is written to audit_log by the store, in the same
-- transaction.

CREATE TABLE meetings (
    id         INTEGER PRIMARY KEY,
    body_id    BIGINT NOT NULL REFERENCES bodies(id),
    held_on    TEXT NOT NULL,
    agenda_ky  TEXT NOT NULL DEFAULT '',
    agenda_ru  TEXT NOT NULL DEFAULT '',
    agenda_en  TEXT NOT NULL DEFAULT '',
    minutes    TEXT NOT NULL DEFAULT '',
    status     TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX meetings_body_date ON meetings(body_id, held_on);
CREATE INDEX meetings_held_on ON meetings(held_on);

CREATE TABLE meeting_participants (
    meeting_id BIGINT NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
    body_id    BIGINT NOT NULL REFERENCES bodies(id),
    PRIMARY KEY (meeting_id, body_id)
) WITHOUT ROWID;

CREATE TABLE decisions (
    id                  INTEGER PRIMARY KEY,
    meeting_id          BIGINT NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
    text                TEXT NOT NULL,
    responsible_body_id BIGINT REFERENCES bodies(id),
    deadline            TEXT,
    status              TEXT NOT NULL,
    progress            TEXT NOT NULL DEFAULT '',
    created_at          TIMESTAMP NOT NULL,
    updated_at          TIMESTAMP NOT NULL
);
CREATE INDEX decisions_meeting ON decisions(meeting_id);
CREATE INDEX decisions_responsible ON decisions(responsible_body_id, status, deadline);

-- Reports and questions sent up the coordination bodies.
CREATE TABLE questions (
    id           INTEGER PRIMARY KEY,
    kind         TEXT NOT NULL,
    from_body_id BIGINT NOT NULL REFERENCES bodies(id),
    to_body_id   BIGINT NOT NULL REFERENCES bodies(id),
    subject      TEXT NOT NULL,
    text         TEXT NOT NULL,
    answer       TEXT NOT NULL DEFAULT '',
    answered_at  TIMESTAMP,
    answered_by  BIGINT,
    created_by   BIGINT,
    created_at   TIMESTAMP NOT NULL
);
CREATE INDEX questions_from ON questions(from_body_id, created_at);
CREATE INDEX questions_to ON questions(to_body_id, created_at);

-- The risk register of a plan version; concept_n is the Concept's §8 risk
-- an entry was pre-filled from (0 for risks added by hand), once per plan.
CREATE TABLE plan_risks (
    id            INTEGER PRIMARY KEY,
    plan_id       BIGINT NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
    concept_n     INTEGER NOT NULL DEFAULT 0,
    text_ky       TEXT NOT NULL DEFAULT '',
    text_ru       TEXT NOT NULL DEFAULT '',
    text_en       TEXT NOT NULL DEFAULT '',
    mitigation_ky TEXT NOT NULL DEFAULT '',
    mitigation_ru TEXT NOT NULL DEFAULT '',
    mitigation_en TEXT NOT NULL DEFAULT '',
    owner_body_id BIGINT REFERENCES bodies(id),
    likelihood    INTEGER NOT NULL,
    impact        INTEGER NOT NULL,
    status        TEXT NOT NULL,
    created_at    TIMESTAMP NOT NULL,
    updated_at    TIMESTAMP NOT NULL
);
CREATE INDEX plan_risks_plan ON plan_risks(plan_id);
CREATE UNIQUE INDEX plan_risks_concept ON plan_risks(plan_id, concept_n) WHERE concept_n > 0;

-- +goose Down
DROP TABLE plan_risks;
DROP TABLE questions;
DROP TABLE decisions;
DROP TABLE meeting_participants;
DROP TABLE meetings;

-- +goose Up
-- Monitored plans (§4.4, §6, §7 of the Concept): plan versions and their
-- signatures, measures, indicators, reporting cycles, progress reports
-- with their history and evidence files, and notifications.
--
-- Dates (a measure's start and due, a cycle's first and last day) are ISO
-- text in both dialects: they sort and compare as dates and scan alike.
-- territory_path is the plan territory's materialized path, copied for
-- scope filters by prefix. User ids, like audit_log's, carry no foreign
-- key: the records outlive accounts. Child tables keyed by their parent
-- are WITHOUT ROWID: their rows sit in key order, so loading a parent's
-- children is one range read.

-- One row per plan version. evidence_json holds []PlanEvidence and
-- required_json the ids of the bodies that must sign ([]int64): both are
-- read and written whole with the plan.
CREATE TABLE plans (
    id             INTEGER PRIMARY KEY,
    kind           TEXT NOT NULL,
    title_ky       TEXT NOT NULL,
    title_ru       TEXT NOT NULL,
    title_en       TEXT NOT NULL,
    territory_code TEXT NOT NULL REFERENCES territories(code),
    territory_path TEXT NOT NULL,
    owner_body_id  BIGINT NOT NULL REFERENCES bodies(id),
    start_year     INTEGER NOT NULL,
    end_year       INTEGER NOT NULL,
    status         TEXT NOT NULL,
    version        INTEGER NOT NULL,
    parent_id      BIGINT REFERENCES plans(id),
    evidence_json  TEXT NOT NULL DEFAULT '[]',
    required_json  TEXT NOT NULL DEFAULT '[]',
    search_text    TEXT NOT NULL DEFAULT '',
    created_at     TIMESTAMP NOT NULL,
    updated_at     TIMESTAMP NOT NULL
);
CREATE INDEX plans_path ON plans(territory_path);
CREATE INDEX plans_owner ON plans(owner_body_id);
-- One open amendment per plan.
CREATE UNIQUE INDEX plans_open_amendment ON plans(parent_id) WHERE status = 'draft';

CREATE TABLE plan_signatures (
    plan_id   BIGINT NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
    body_id   BIGINT NOT NULL REFERENCES bodies(id),
    user_id   BIGINT NOT NULL,
    signed_at TIMESTAMP NOT NULL,
    PRIMARY KEY (plan_id, body_id)
) WITHOUT ROWID;

CREATE TABLE measures (
    id                  INTEGER PRIMARY KEY,
    plan_id             BIGINT NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
    code                TEXT NOT NULL,
    sort_key            TEXT NOT NULL, -- code with zero-padded parts: "001.010"
    component_code      TEXT NOT NULL DEFAULT '',
    task_code           TEXT NOT NULL DEFAULT '',
    title_ky            TEXT NOT NULL,
    title_ru            TEXT NOT NULL,
    title_en            TEXT NOT NULL,
    description_ky      TEXT NOT NULL DEFAULT '',
    description_ru      TEXT NOT NULL DEFAULT '',
    description_en      TEXT NOT NULL DEFAULT '',
    expected_result_ky  TEXT NOT NULL DEFAULT '',
    expected_result_ru  TEXT NOT NULL DEFAULT '',
    expected_result_en  TEXT NOT NULL DEFAULT '',
    responsible_body_id BIGINT NOT NULL REFERENCES bodies(id),
    start_on            TEXT NOT NULL,
    due_on              TEXT NOT NULL,
    cancelled           BOOLEAN NOT NULL DEFAULT FALSE,
    search_text         TEXT NOT NULL DEFAULT '',
    created_at          TIMESTAMP NOT NULL,
    updated_at          TIMESTAMP NOT NULL,
    UNIQUE (plan_id, code)
);
CREATE INDEX measures_body ON measures(responsible_body_id);

CREATE TABLE measure_co_executors (
    measure_id BIGINT NOT NULL REFERENCES measures(id) ON DELETE CASCADE,
    body_id    BIGINT NOT NULL REFERENCES bodies(id),
    PRIMARY KEY (measure_id, body_id)
) WITHOUT ROWID;
CREATE INDEX measure_co_executors_body ON measure_co_executors(body_id);

CREATE TABLE measure_budget_lines (
    measure_id BIGINT NOT NULL REFERENCES measures(id) ON DELETE CASCADE,
    line_no    INTEGER NOT NULL,
    source     TEXT NOT NULL,
    funder     TEXT NOT NULL DEFAULT '',
    amount_kgs BIGINT NOT NULL,
    PRIMARY KEY (measure_id, line_no)
) WITHOUT ROWID;

CREATE TABLE indicators (
    id               INTEGER PRIMARY KEY,
    plan_id          BIGINT NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
    code             TEXT NOT NULL,
    sort_key         TEXT NOT NULL,
    name_ky          TEXT NOT NULL,
    name_ru          TEXT NOT NULL,
    name_en          TEXT NOT NULL,
    unit             TEXT NOT NULL DEFAULT '',
    higher_is_better BOOLEAN NOT NULL,
    kind             TEXT NOT NULL,
    numerator        TEXT NOT NULL DEFAULT '',
    denominator      TEXT NOT NULL DEFAULT '',
    source           TEXT NOT NULL,
    offense_category TEXT NOT NULL DEFAULT '',
    disaggregation   TEXT NOT NULL,
    verification_ky  TEXT NOT NULL DEFAULT '',
    verification_ru  TEXT NOT NULL DEFAULT '',
    verification_en  TEXT NOT NULL DEFAULT '',
    frequency        TEXT NOT NULL,
    baseline_value   DOUBLE PRECISION NOT NULL,
    baseline_year    INTEGER NOT NULL,
    search_text      TEXT NOT NULL DEFAULT '',
    created_at       TIMESTAMP NOT NULL,
    updated_at       TIMESTAMP NOT NULL,
    UNIQUE (plan_id, code)
);

CREATE TABLE indicator_targets (
    indicator_id BIGINT NOT NULL REFERENCES indicators(id) ON DELETE CASCADE,
    year         INTEGER NOT NULL,
    value        DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (indicator_id, year)
) WITHOUT ROWID;

CREATE TABLE measure_indicators (
    measure_id   BIGINT NOT NULL REFERENCES measures(id) ON DELETE CASCADE,
    indicator_id BIGINT NOT NULL REFERENCES indicators(id) ON DELETE CASCADE,
    PRIMARY KEY (measure_id, indicator_id)
) WITHOUT ROWID;
CREATE INDEX measure_indicators_indicator ON measure_indicators(indicator_id);

CREATE TABLE reporting_cycles (
    id         INTEGER PRIMARY KEY,
    plan_id    BIGINT NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
    period     TEXT NOT NULL,
    from_on    TEXT NOT NULL,
    to_on      TEXT NOT NULL,
    deadline   TIMESTAMP NOT NULL,
    status     TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (plan_id, period)
);

-- The current state of each report; report_versions keeps its history.
-- evidence_json holds the reporter's references ([]string: links,
-- document numbers); uploaded files are report_evidence.
CREATE TABLE reports (
    id                 INTEGER PRIMARY KEY,
    cycle_id           BIGINT NOT NULL REFERENCES reporting_cycles(id),
    measure_id         BIGINT NOT NULL REFERENCES measures(id),
    body_id            BIGINT NOT NULL REFERENCES bodies(id),
    status             TEXT NOT NULL,
    progress           INTEGER NOT NULL DEFAULT 0,
    narrative          TEXT NOT NULL DEFAULT '',
    evidence_json      TEXT NOT NULL DEFAULT '[]',
    comment            TEXT NOT NULL DEFAULT '',
    version            INTEGER NOT NULL DEFAULT 0,
    submitted_by       BIGINT,
    submitted_at       TIMESTAMP,
    first_submitted_at TIMESTAMP,
    decided_by         BIGINT,
    decided_at         TIMESTAMP,
    created_at         TIMESTAMP NOT NULL,
    updated_at         TIMESTAMP NOT NULL,
    UNIQUE (cycle_id, measure_id)
);
CREATE INDEX reports_measure ON reports(measure_id);
CREATE INDEX reports_body ON reports(body_id, status);

CREATE TABLE report_spent (
    report_id  BIGINT NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
    line_no    INTEGER NOT NULL,
    source     TEXT NOT NULL,
    funder     TEXT NOT NULL DEFAULT '',
    amount_kgs BIGINT NOT NULL,
    PRIMARY KEY (report_id, line_no)
) WITHOUT ROWID;

-- The indicator values a report proposes; accepting the report copies
-- them into indicator_values.
CREATE TABLE report_values (
    report_id      BIGINT NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
    indicator_id   BIGINT NOT NULL REFERENCES indicators(id) ON DELETE CASCADE,
    period         TEXT NOT NULL,
    territory_code TEXT NOT NULL DEFAULT '',
    value          DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (report_id, indicator_id, period, territory_code)
) WITHOUT ROWID;

-- Observed values: from accepted reports (report_id set) or computed and
-- entered directly (report_id null). territory_code is '' for the
-- plan-wide value, so it cannot reference territories.
CREATE TABLE indicator_values (
    indicator_id   BIGINT NOT NULL REFERENCES indicators(id) ON DELETE CASCADE,
    period         TEXT NOT NULL,
    territory_code TEXT NOT NULL DEFAULT '',
    value          DOUBLE PRECISION NOT NULL,
    report_id      BIGINT REFERENCES reports(id) ON DELETE SET NULL,
    updated_at     TIMESTAMP NOT NULL,
    PRIMARY KEY (indicator_id, period, territory_code)
) WITHOUT ROWID;

-- A snapshot (the aldyn.Report as JSON) at each submission and decision.
CREATE TABLE report_versions (
    id            INTEGER PRIMARY KEY,
    report_id     BIGINT NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
    version       INTEGER NOT NULL,
    status        TEXT NOT NULL,
    user_id       BIGINT,
    at            TIMESTAMP NOT NULL,
    snapshot_json TEXT NOT NULL
);
CREATE INDEX report_versions_report ON report_versions(report_id, id);

-- Files attached to reports; the web layer stores them on disk under
-- storage_key.
CREATE TABLE report_evidence (
    id           INTEGER PRIMARY KEY,
    report_id    BIGINT NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
    file_name    TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size_bytes   BIGINT NOT NULL,
    sha256       TEXT NOT NULL,
    storage_key  TEXT NOT NULL UNIQUE,
    user_id      BIGINT,
    created_at   TIMESTAMP NOT NULL
);
CREATE INDEX report_evidence_report ON report_evidence(report_id);

-- Notifications go to a user or to every user of a body. text_key is a
-- translation key, args_json its arguments.
CREATE TABLE notifications (
    id         INTEGER PRIMARY KEY,
    user_id    BIGINT REFERENCES users(id) ON DELETE CASCADE,
    body_id    BIGINT REFERENCES bodies(id) ON DELETE CASCADE,
    kind       TEXT NOT NULL,
    text_key   TEXT NOT NULL,
    args_json  TEXT NOT NULL DEFAULT '{}',
    link       TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL,
    read_at    TIMESTAMP,
    CHECK (user_id IS NOT NULL OR body_id IS NOT NULL)
);
CREATE INDEX notifications_user ON notifications(user_id, created_at);
CREATE INDEX notifications_body ON notifications(body_id, created_at);

-- +goose Down
DROP TABLE notifications;
DROP TABLE report_evidence;
DROP TABLE report_versions;
DROP TABLE indicator_values;
DROP TABLE report_values;
DROP TABLE report_spent;
DROP TABLE reports;
DROP TABLE reporting_cycles;
DROP TABLE measure_indicators;
DROP TABLE indicator_targets;
DROP TABLE indicators;
DROP TABLE measure_budget_lines;
DROP TABLE measure_co_executors;
DROP TABLE measures;
DROP TABLE plan_signatures;
DROP TABLE plans;

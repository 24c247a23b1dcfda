-- +goose Up
-- What the plan dashboard reads besides the measures and indicators
-- themselves, kept by the store in the transactions that change it
-- (refreshMeasureSummaries and refreshIndicatorSummaries in plans.go), so
-- that a dashboard load reads a row per measure and indicator instead of
-- every budget line, report, spent line, target and observed value. Data
-- written around the store must be followed by Tx.RefreshDashboard.

-- One row per measure:
--
--   planned_*: its budget lines, summed by source;
--   accepted_*: its latest accepted report, by its cycle's last day, then
--     decision time (a decided report before one without), then id;
--   done_*: its first accepted report at 100 %, by its cycle's first
--     day, then id;
--   spent_*: the spent lines of all its accepted reports, summed by source.
--
-- Report ids carry no foreign key: reports are not deleted, and a
-- deletion must refresh the measure's row anyway.
CREATE TABLE measure_summaries (
    measure_id          BIGINT NOT NULL PRIMARY KEY REFERENCES measures(id) ON DELETE CASCADE,
    planned_republican  BIGINT NOT NULL,
    planned_local       BIGINT NOT NULL,
    planned_partners    BIGINT NOT NULL,
    planned_other       BIGINT NOT NULL,
    accepted_report_id  BIGINT,
    accepted_cycle_id   BIGINT,
    accepted_progress   INTEGER,
    accepted_decided_at TIMESTAMP,
    done_report_id      BIGINT,
    done_cycle_id       BIGINT,
    spent_republican    BIGINT NOT NULL,
    spent_local         BIGINT NOT NULL,
    spent_partners      BIGINT NOT NULL,
    spent_other         BIGINT NOT NULL
) WITHOUT ROWID;

INSERT INTO measure_summaries (measure_id, planned_republican, planned_local, planned_partners, planned_other,
    accepted_report_id, accepted_cycle_id, accepted_progress, accepted_decided_at, done_report_id, done_cycle_id,
    spent_republican, spent_local, spent_partners, spent_other)
SELECT m.id, COALESCE(b.s_rep, 0), COALESCE(b.s_loc, 0), COALESCE(b.s_par, 0), COALESCE(b.s_oth, 0),
    a.id, a.cycle_id, a.progress, a.decided_at, d.id, d.cycle_id,
    COALESCE(s.s_rep, 0), COALESCE(s.s_loc, 0), COALESCE(s.s_par, 0), COALESCE(s.s_oth, 0)
FROM measures m
LEFT JOIN (SELECT x.measure_id,
        SUM(CASE WHEN x.source = 'republican' THEN x.amount_kgs END) AS s_rep,
        SUM(CASE WHEN x.source = 'local' THEN x.amount_kgs END) AS s_loc,
        SUM(CASE WHEN x.source = 'partners' THEN x.amount_kgs END) AS s_par,
        SUM(CASE WHEN x.source = 'other' THEN x.amount_kgs END) AS s_oth
    FROM measure_budget_lines x GROUP BY x.measure_id) b ON b.measure_id = m.id
LEFT JOIN (SELECT r.measure_id, r.id, r.cycle_id, r.progress, r.decided_at,
        ROW_NUMBER() OVER (PARTITION BY r.measure_id ORDER BY c.to_on DESC, r.decided_at DESC NULLS LAST, r.id) AS n
    FROM reports r JOIN reporting_cycles c ON c.id = r.cycle_id
    WHERE r.status = 'accepted') a ON a.measure_id = m.id AND a.n = 1
LEFT JOIN (SELECT r.measure_id, r.id, r.cycle_id,
        ROW_NUMBER() OVER (PARTITION BY r.measure_id ORDER BY c.from_on, r.id) AS n
    FROM reports r JOIN reporting_cycles c ON c.id = r.cycle_id
    WHERE r.status = 'accepted' AND r.progress >= 100) d ON d.measure_id = m.id AND d.n = 1
LEFT JOIN (SELECT r.measure_id,
        SUM(CASE WHEN x.source = 'republican' THEN x.amount_kgs END) AS s_rep,
        SUM(CASE WHEN x.source = 'local' THEN x.amount_kgs END) AS s_loc,
        SUM(CASE WHEN x.source = 'partners' THEN x.amount_kgs END) AS s_par,
        SUM(CASE WHEN x.source = 'other' THEN x.amount_kgs END) AS s_oth
    FROM reports r JOIN report_spent x ON x.report_id = r.id
    WHERE r.status = 'accepted' GROUP BY r.measure_id) s ON s.measure_id = m.id;

-- One row per indicator: its targets as "year:value;…" by year, and the
-- observed value the dashboard takes: of its latest period (periods of
-- one frequency sort as text), plan-wide (territory '' or the plan's),
-- the latest stored (then the greater territory code); NULL if none.
CREATE TABLE indicator_summaries (
    indicator_id   BIGINT NOT NULL PRIMARY KEY REFERENCES indicators(id) ON DELETE CASCADE,
    targets        TEXT NOT NULL,
    period         TEXT,
    territory_code TEXT,
    value          DOUBLE PRECISION
) WITHOUT ROWID;

INSERT INTO indicator_summaries (indicator_id, targets, period, territory_code, value)
SELECT i.id, COALESCE((SELECT string_agg(CAST(t.year AS TEXT) || ':' || CAST(t.value AS TEXT), ';' ORDER BY t.year)
        FROM indicator_targets t WHERE t.indicator_id = i.id), ''),
    x.period, x.territory_code, x.value
FROM indicators i JOIN plans p ON p.id = i.plan_id
LEFT JOIN indicator_values x ON x.indicator_id = i.id AND x.territory_code IN ('', p.territory_code)
    AND NOT EXISTS (SELECT 1 FROM indicator_values y WHERE y.indicator_id = i.id AND y.territory_code IN ('', p.territory_code)
        AND (y.period > x.period OR (y.period = x.period AND (y.updated_at > x.updated_at
            OR (y.updated_at = x.updated_at AND y.territory_code > x.territory_code)))));

-- The dashboard lists measures and indicators in code order.
CREATE INDEX measures_plan_sort ON measures(plan_id, sort_key);
CREATE INDEX indicators_plan_sort ON indicators(plan_id, sort_key);

-- +goose Down
DROP INDEX indicators_plan_sort;
DROP INDEX measures_plan_sort;
DROP TABLE indicator_summaries;
DROP TABLE measure_summaries;

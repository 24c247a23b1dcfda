package store

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/aldyn-kg/aldyn"
)

// The dashboard.

// measureSummary is a row of measure_summaries: what the dashboard needs
// of a measure's budget lines and reports (see 00005_measure_summary.sql).
type measureSummary struct {
	planned                     [4]int64 // by aldyn.BudgetSources index
	acceptedID, acceptedCycleID int64    // zero: nothing accepted
	acceptedProgress            int
	acceptedDecidedAt           *time.Time
	doneID, doneCycleID         int64 // zero: never accepted at 100 %
	spent                       [4]int64
}

// sumBySource sums the amounts of x (measure_budget_lines or
// report_spent) by source, in aldyn.BudgetSources order.
const sumBySource = `SUM(CASE WHEN x.source = 'republican' THEN x.amount_kgs END) AS s_rep,
		SUM(CASE WHEN x.source = 'local' THEN x.amount_kgs END) AS s_loc,
		SUM(CASE WHEN x.source = 'partners' THEN x.amount_kgs END) AS s_par,
		SUM(CASE WHEN x.source = 'other' THEN x.amount_kgs END) AS s_oth`

// measureSummarySQL writes the summaries of the measures m matching %[1]s.
// Its rules are ComputeDashboard's: the latest accepted report by cycle
// end, then decision, then id (the first of equals wins there); the first
// at 100 % by cycle start, then id; amounts in aldyn.BudgetSources.
const measureSummarySQL = `INSERT INTO measure_summaries (measure_id, planned_republican, planned_local, planned_partners, planned_other,
	accepted_report_id, accepted_cycle_id, accepted_progress, accepted_decided_at, done_report_id, done_cycle_id,
	spent_republican, spent_local, spent_partners, spent_other)
SELECT m.id, CAST(COALESCE(b.s_rep, 0) AS BIGINT), CAST(COALESCE(b.s_loc, 0) AS BIGINT), CAST(COALESCE(b.s_par, 0) AS BIGINT),
	CAST(COALESCE(b.s_oth, 0) AS BIGINT), a.id, a.cycle_id, a.progress, a.decided_at, d.id, d.cycle_id,
	CAST(COALESCE(s.s_rep, 0) AS BIGINT), CAST(COALESCE(s.s_loc, 0) AS BIGINT), CAST(COALESCE(s.s_par, 0) AS BIGINT), CAST(COALESCE(s.s_oth, 0) AS BIGINT)
FROM measures m
LEFT JOIN (SELECT x.measure_id, ` + sumBySource + `
	FROM measure_budget_lines x JOIN measures m ON m.id = x.measure_id WHERE %[1]s GROUP BY x.measure_id) b ON b.measure_id = m.id
LEFT JOIN (SELECT r.measure_id, r.id, r.cycle_id, r.progress, r.decided_at,
		ROW_NUMBER() OVER (PARTITION BY r.measure_id ORDER BY c.to_on DESC, r.decided_at DESC NULLS LAST, r.id) AS n
	FROM reports r JOIN reporting_cycles c ON c.id = r.cycle_id JOIN measures m ON m.id = r.measure_id
	WHERE r.status = 'accepted' AND %[1]s) a ON a.measure_id = m.id AND a.n = 1
LEFT JOIN (SELECT r.measure_id, r.id, r.cycle_id, ROW_NUMBER() OVER (PARTITION BY r.measure_id ORDER BY c.from_on, r.id) AS n
	FROM reports r JOIN reporting_cycles c ON c.id = r.cycle_id JOIN measures m ON m.id = r.measure_id
	WHERE r.status = 'accepted' AND r.progress >= 100 AND %[1]s) d ON d.measure_id = m.id AND d.n = 1
LEFT JOIN (SELECT r.measure_id, ` + sumBySource + `
	FROM reports r JOIN report_spent x ON x.report_id = r.id JOIN measures m ON m.id = r.measure_id
	WHERE r.status = 'accepted' AND %[1]s GROUP BY r.measure_id) s ON s.measure_id = m.id
WHERE %[1]s`

// refreshMeasureSummaries rewrites the summaries of the measures m
// matching cond, whose one argument is arg. Every write to a measure's
// budget lines or a report's status refreshes its measure's, in the same
// transaction.
func (tx *Tx) refreshMeasureSummaries(ctx context.Context, cond string, arg any) error {
	if _, err := tx.exec(ctx, `DELETE FROM measure_summaries WHERE measure_id IN (SELECT m.id FROM measures m WHERE `+cond+`)`, arg); err != nil {
		return err
	}
	_, err := tx.exec(ctx, fmt.Sprintf(measureSummarySQL, cond), arg, arg, arg, arg, arg)
	return err
}

// indicatorSummarySQL writes the summaries of the indicators i matching
// %[1]s: targets as "year:value;…" and the value the dashboard takes (the
// latest stored of the latest period, plan-wide).
const indicatorSummarySQL = `INSERT INTO indicator_summaries (indicator_id, targets, period, territory_code, value)
SELECT i.id, COALESCE((SELECT string_agg(CAST(t.year AS TEXT) || ':' || CAST(t.value AS TEXT), ';' ORDER BY t.year)
		FROM indicator_targets t WHERE t.indicator_id = i.id), ''),
	x.period, x.territory_code, x.value
FROM indicators i JOIN plans p ON p.id = i.plan_id
LEFT JOIN indicator_values x ON x.indicator_id = i.id AND x.territory_code IN ('', p.territory_code)
	AND NOT EXISTS (SELECT 1 FROM indicator_values y WHERE y.indicator_id = i.id AND y.territory_code IN ('', p.territory_code)
		AND (y.period > x.period OR (y.period = x.period AND (y.updated_at > x.updated_at
			OR (y.updated_at = x.updated_at AND y.territory_code > x.territory_code)))))
WHERE %[1]s`

// refreshIndicatorSummaries rewrites the summaries of the indicators i
// matching cond, whose one argument is arg. Every write to an indicator's
// targets, to observed values or to a plan's territory refreshes them, in
// the same transaction.
func (tx *Tx) refreshIndicatorSummaries(ctx context.Context, cond string, arg any) error {
	if tx.dialect() == Postgres {
		// Floats as text in the shortest form that reads back exactly.
		if _, err := tx.exec(ctx, `SET LOCAL extra_float_digits = 3`); err != nil {
			return err
		}
	}
	if _, err := tx.exec(ctx, `DELETE FROM indicator_summaries WHERE indicator_id IN (SELECT i.id FROM indicators i WHERE `+cond+`)`, arg); err != nil {
		return err
	}
	_, err := tx.exec(ctx, fmt.Sprintf(indicatorSummarySQL, cond), arg)
	return err
}

// RefreshDashboard rewrites what the store keeps for the dashboard of plan
// planID (the summaries of its measures and indicators), for data written
// around the store: bulk loads, repairs.
func (tx *Tx) RefreshDashboard(ctx context.Context, planID int64) error {
	if err := tx.refreshMeasureSummaries(ctx, "m.plan_id = ?", planID); err != nil {
		return err
	}
	return tx.refreshIndicatorSummaries(ctx, "i.plan_id = ?", planID)
}

// LoadDashboardInput loads what the dashboard of plan planID computes on,
// and no more, in one read snapshot and a query per table, so that
// aldyn.ComputeDashboard gives on it what it gives on the plan's full
// measures, indicators, values, cycles and reports (LoadPlanInput), for
// any now from At on. The store keeps summaries of budget lines, reports,
// targets and values for it (see 00005_measure_summary.sql):
//
//   - Measures have the fields the dashboard and its measure list read:
//     ID, PlanID, Code, ComponentCode, Title, ResponsibleBodyID, Start,
//     Due, Cancelled, and Budget as one line per source with the planned
//     total of that source (no funders). Descriptions, expected results,
//     co-executors, indicator links and timestamps are left empty.
//   - Indicators have ID, PlanID, Code, Name, Unit, HigherIsBetter, the
//     baseline and the targets.
//   - Values are, per indicator, the value the dashboard takes: of its
//     latest period, plan-wide, the latest stored (FindIndicatorValues
//     gives the whole series).
//   - Cycles are all the plan's cycles.
//   - Reports are, per measure and in this order, its latest accepted
//     report, carrying in Spent the spending of all its accepted reports
//     by source; its first accepted report at 100 % if another; and its
//     reports of the cycle latest begun at At and of the cycles after it.
//     They have ID, CycleID, MeasureID, Status, Progress and, the latter
//     (and the former when of those cycles), SubmittedAt, FirstSubmittedAt
//     and DecidedAt; the latest accepted has DecidedAt. FindReports gives
//     every report with every field.
func (db *DB) LoadDashboardInput(ctx context.Context, planID int64) (*aldyn.DashboardInput, error) {
	in := &aldyn.DashboardInput{At: db.Now()}
	err := db.read(ctx, func(r reader) error {
		var err error
		if in.Plan, err = planFinder.one(ctx, r, planID); err != nil {
			return err
		}
		if in.Cycles, err = dashboardCycles(ctx, r, planID); err != nil {
			return err
		}
		nMeasures, nIndicators, err := countPlanContent(ctx, r, planID)
		if err != nil {
			return err
		}
		var sums []measureSummary
		if in.Measures, sums, err = dashboardMeasures(ctx, r, planID, nMeasures); err != nil {
			return err
		}
		if in.Indicators, in.Values, err = dashboardIndicators(ctx, r, planID, nIndicators); err != nil {
			return err
		}
		reports, err := currentReports(ctx, r, in.Cycles, in.At, len(in.Measures))
		if err != nil {
			return err
		}
		in.Reports = dashboardReports(in.Measures, sums, reports)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return in, nil
}

// dashboardCycles loads every cycle of plan planID, by start.
func dashboardCycles(ctx context.Context, r reader, planID int64) ([]aldyn.ReportingCycle, error) {
	var cycles []aldyn.ReportingCycle
	err := scanAll(ctx, r, func(rows *sql.Rows) error {
		c, err := scanCycle(rows)
		if err == nil {
			cycles = append(cycles, *c)
		}
		return err
	}, "SELECT "+cycleCols+" FROM reporting_cycles c WHERE c.plan_id = ? ORDER BY c.from_on, c.id", planID)
	return cycles, err
}

// countPlanContent counts the measures and indicators of plan planID, to
// size their slices: they are large structs.
func countPlanContent(ctx context.Context, r reader, planID int64) (nMeasures, nIndicators int, err error) {
	err = r.queryRow(ctx, `SELECT (SELECT COUNT(*) FROM measures WHERE plan_id = ?), (SELECT COUNT(*) FROM indicators WHERE plan_id = ?)`,
		planID, planID).Scan(&nMeasures, &nIndicators)
	return nMeasures, nIndicators, err
}

// dashboardMeasures loads the measures of plan planID with their
// summaries, n of them.
func dashboardMeasures(ctx context.Context, r reader, planID int64, n int) ([]aldyn.Measure, []measureSummary, error) {
	measures := make([]aldyn.Measure, 0, n)
	sums := make([]measureSummary, 0, n)
	var start, due string
	err := scanAll(ctx, r, func(rows *sql.Rows) error {
		measures = append(measures, aldyn.Measure{})
		sums = append(sums, measureSummary{})
		m, s := &measures[len(measures)-1], &sums[len(sums)-1]
		if err := rows.Scan(intInto[int64]{&m.ID}, &m.Code, &m.ComponentCode, &m.Title.KY, &m.Title.RU, &m.Title.EN,
			intInto[int64]{&m.ResponsibleBodyID}, &start, &due, boolInto{&m.Cancelled},
			intInto[int64]{&s.planned[0]}, intInto[int64]{&s.planned[1]}, intInto[int64]{&s.planned[2]}, intInto[int64]{&s.planned[3]},
			intInto[int64]{&s.acceptedID}, intInto[int64]{&s.acceptedCycleID}, intInto[int]{&s.acceptedProgress}, nullTimeScan{&s.acceptedDecidedAt},
			intInto[int64]{&s.doneID}, intInto[int64]{&s.doneCycleID},
			intInto[int64]{&s.spent[0]}, intInto[int64]{&s.spent[1]}, intInto[int64]{&s.spent[2]}, intInto[int64]{&s.spent[3]}); err != nil {
			return err
		}
		m.PlanID, m.Start, m.Due = planID, parseDate(start), parseDate(due)
		m.Budget = sourceLines(s.planned)
		return nil
	}, `SELECT m.id, m.code, m.component_code, m.title_ky, m.title_ru, m.title_en, m.responsible_body_id, m.start_on, m.due_on, m.cancelled,
		s.planned_republican, s.planned_local, s.planned_partners, s.planned_other,
		s.accepted_report_id, s.accepted_cycle_id, s.accepted_progress, `+timeCol(r, "s.accepted_decided_at")+`, s.done_report_id, s.done_cycle_id,
		s.spent_republican, s.spent_local, s.spent_partners, s.spent_other
		FROM measures m LEFT JOIN measure_summaries s ON s.measure_id = m.id WHERE m.plan_id = ? ORDER BY m.sort_key, m.id`, planID)
	return measures, sums, err
}

// dashboardIndicators loads the indicators of plan planID, n of them,
// with their targets and the value the dashboard takes.
func dashboardIndicators(ctx context.Context, r reader, planID int64, n int) ([]aldyn.Indicator, []aldyn.IndicatorValue, error) {
	indicators := make([]aldyn.Indicator, 0, n)
	values := make([]aldyn.IndicatorValue, 0, n)
	var targets, period, territory string
	var value float64
	err := scanAll(ctx, r, func(rows *sql.Rows) error {
		indicators = append(indicators, aldyn.Indicator{})
		i := &indicators[len(indicators)-1]
		if err := rows.Scan(intInto[int64]{&i.ID}, &i.Code, &i.Name.KY, &i.Name.RU, &i.Name.EN, &i.Unit, boolInto{&i.HigherIsBetter},
			floatInto{&i.BaselineValue}, intInto[int]{&i.BaselineYear}, &i.Kind, &i.Source, &i.OffenseCategory, &i.Frequency,
			&targets, &period, &territory, floatInto{&value}); err != nil {
			return err
		}
		var err error
		if i.Targets, err = parseTargets(targets); err != nil {
			return fmt.Errorf("indicator %d: %w", i.ID, err)
		}
		i.PlanID = planID
		if period != "" { // observed
			values = append(values, aldyn.IndicatorValue{IndicatorID: i.ID, Period: period, TerritoryCode: territory, Value: value})
		}
		return nil
	}, `SELECT i.id, i.code, i.name_ky, i.name_ru, i.name_en, i.unit, i.higher_is_better, i.baseline_value, i.baseline_year,
		i.kind, i.source, i.offense_category, i.frequency, COALESCE(s.targets, ''), COALESCE(s.period, ''), COALESCE(s.territory_code, ''), s.value
		FROM indicators i LEFT JOIN indicator_summaries s ON s.indicator_id = i.id WHERE i.plan_id = ? ORDER BY i.sort_key, i.id`, planID)
	return indicators, values, err
}

// currentReports loads the reports of the cycle latest begun at at
// (aldyn.LatestCycle) and of the cycles after it; about one per measure
// of the nMeasures.
func currentReports(ctx context.Context, r reader, cycles []aldyn.ReportingCycle, at time.Time, nMeasures int) ([]aldyn.Report, error) {
	latest := aldyn.LatestCycle(cycles, at)
	var current []int64
	for _, c := range cycles {
		if latest == nil || !c.From.Before(latest.From) {
			current = append(current, c.ID)
		}
	}
	if len(current) == 0 {
		return nil, nil
	}
	list, args := idList(current)
	reports := make([]aldyn.Report, 0, nMeasures)
	err := scanAll(ctx, r, func(rows *sql.Rows) error {
		reports = append(reports, aldyn.Report{})
		x := &reports[len(reports)-1]
		return rows.Scan(intInto[int64]{&x.ID}, intInto[int64]{&x.CycleID}, intInto[int64]{&x.MeasureID}, strInto[aldyn.ReportStatus]{&x.Status},
			intInto[int]{&x.Progress}, nullTimeScan{&x.SubmittedAt}, nullTimeScan{&x.FirstSubmittedAt}, nullTimeScan{&x.DecidedAt})
	}, `SELECT r.id, r.cycle_id, r.measure_id, r.status, r.progress, `+timeCol(r, "r.submitted_at")+`, `+
		timeCol(r, "r.first_submitted_at")+`, `+timeCol(r, "r.decided_at")+`
		FROM reports r WHERE r.cycle_id IN (`+list+`)`, args...)
	return reports, err
}

// sourceLines returns amounts by aldyn.BudgetSources index as budget
// lines, one per source with an amount.
func sourceLines(amounts [4]int64) []aldyn.BudgetLine {
	var out []aldyn.BudgetLine
	for k, amount := range amounts {
		if amount != 0 {
			out = append(out, aldyn.BudgetLine{Source: aldyn.BudgetSources[k], AmountKGS: amount})
		}
	}
	return out
}

// parseTargets reads indicator_summaries.targets: "year:value;…".
func parseTargets(s string) ([]aldyn.IndicatorTarget, error) {
	out := make([]aldyn.IndicatorTarget, 0, strings.Count(s, ";")+1)
	for s != "" {
		var t string
		t, s, _ = strings.Cut(s, ";")
		y, v, ok := strings.Cut(t, ":")
		year, err1 := strconv.Atoi(y)
		value, err2 := strconv.ParseFloat(v, 64)
		if !ok || err1 != nil || err2 != nil {
			return nil, fmt.Errorf("bad target %q", t)
		}
		out = append(out, aldyn.IndicatorTarget{Year: year, Value: value})
	}
	return out, nil
}

// dashboardReports lays out LoadDashboardInput's reports: per measure, the
// latest accepted report with the spending of all, the first at 100 %,
// then its current reports, each report once.
func dashboardReports(measures []aldyn.Measure, sums []measureSummary, current []aldyn.Report) []aldyn.Report {
	// The current reports of each measure, as lists through next.
	at := make(map[int64]int, len(measures))
	for i := range measures {
		at[measures[i].ID] = i
	}
	head, next := make([]int, len(measures)), make([]int, len(current))
	for i := range head {
		head[i] = -1
	}
	for k := len(current) - 1; k >= 0; k-- {
		if i, ok := at[current[k].MeasureID]; ok {
			head[i], next[k] = k, head[i]
		}
	}
	out := make([]aldyn.Report, 0, len(current)+len(measures))
	for i := range measures {
		m, s := &measures[i], &sums[i]
		// found returns the current report id, or a stand-in from the
		// summary.
		found := func(id, cycleID int64, progress int) aldyn.Report {
			for k := head[i]; k >= 0; k = next[k] {
				if current[k].ID == id {
					return current[k]
				}
			}
			return aldyn.Report{ID: id, CycleID: cycleID, MeasureID: m.ID, Status: aldyn.ReportAccepted, Progress: progress}
		}
		if s.acceptedID != 0 {
			w := found(s.acceptedID, s.acceptedCycleID, s.acceptedProgress)
			if w.DecidedAt == nil {
				w.DecidedAt = s.acceptedDecidedAt
			}
			w.Spent = sourceLines(s.spent)
			out = append(out, w)
		}
		if s.doneID != 0 && s.doneID != s.acceptedID {
			out = append(out, found(s.doneID, s.doneCycleID, aldyn.MeasureDoneProgress))
		}
		for k := head[i]; k >= 0; k = next[k] {
			if x := current[k].ID; x != s.acceptedID && x != s.doneID {
				out = append(out, current[k])
			}
		}
	}
	return out
}

// LoadPlanInput loads a plan whole: every measure with its co-executors,
// budget and description, every indicator and all its values, every cycle
// and every report. The pages that list a plan's content or look back at
// an earlier cycle need it; LoadDashboardInput loads only what the current
// dashboard needs, and is much faster on large plans. Computed on the same
// plan at the same moment, both give the same dashboard.
func (db *DB) LoadPlanInput(ctx context.Context, planID int64) (*aldyn.DashboardInput, error) {
	p, err := db.FindPlanByID(ctx, planID)
	if err != nil {
		return nil, err
	}
	in := &aldyn.DashboardInput{Plan: p, At: db.Now()}
	ms, err := aldyn.AllPages(aldyn.Page{}, func(pg aldyn.Page) ([]*aldyn.Measure, int, error) {
		return db.FindMeasures(ctx, planID, aldyn.MeasureFilter{Page: pg})
	})
	if err != nil {
		return nil, err
	}
	in.Measures = aldyn.Values(ms)
	is, err := aldyn.AllPages(aldyn.Page{}, func(pg aldyn.Page) ([]*aldyn.Indicator, int, error) {
		return db.FindIndicators(ctx, aldyn.IndicatorFilter{PlanID: &planID, Page: pg})
	})
	if err != nil {
		return nil, err
	}
	in.Indicators = aldyn.Values(is)
	if err := scanAll(ctx, db, func(rows *sql.Rows) error {
		var x aldyn.IndicatorValue
		err := rows.Scan(&x.IndicatorID, &x.Period, &x.TerritoryCode, &x.Value)
		in.Values = append(in.Values, x)
		return err
	}, `SELECT x.indicator_id, x.period, x.territory_code, x.value FROM indicator_values x JOIN indicators i ON i.id = x.indicator_id
		WHERE i.plan_id = ? ORDER BY x.indicator_id, x.period, x.territory_code`, planID); err != nil {
		return nil, err
	}
	cs, err := aldyn.AllPages(aldyn.Page{}, func(pg aldyn.Page) ([]*aldyn.ReportingCycle, int, error) {
		return db.FindCycles(ctx, aldyn.CycleFilter{PlanID: &planID, Page: pg})
	})
	if err != nil {
		return nil, err
	}
	in.Cycles = aldyn.Values(cs)
	// Every report in one query (the pages of FindReports would count and
	// skip rows again for each page), with its spent lines.
	var reports []*aldyn.Report
	err = db.read(ctx, func(rd reader) error {
		from := " FROM reports r JOIN reporting_cycles c ON c.id = r.cycle_id JOIN plans p ON p.id = c.plan_id JOIN measures m ON m.id = r.measure_id"
		if err := scanAll(ctx, rd, func(rows *sql.Rows) error {
			r, err := scanReport(rows)
			if err == nil {
				reports = append(reports, r)
			}
			return err
		}, "SELECT "+reportCols+from+" WHERE c.plan_id = ? ORDER BY r.id", planID); err != nil {
			return err
		}
		return loadSpent(ctx, rd, reports, "c.plan_id = ?", " ORDER BY x.report_id, x.line_no", planID)
	})
	if err != nil {
		return nil, err
	}
	in.Reports = make([]aldyn.Report, len(reports))
	for i, r := range reports {
		in.Reports[i] = *r
	}
	return in, nil
}

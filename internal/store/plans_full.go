package store

import (
	"context"
	"database/sql"

	"github.com/aldyn-kg/aldyn"
)

// LoadPlanInput loads a plan whole: every measure with its co-executors,
// budget and description, every indicator and all its values, every cycle
// and every report. The pages that list a plan's content or look back at
// an earlier cycle need it; LoadDashboardInput loads only what the current
// dashboard needs, and is much faster on large plans. Computed on the same
// plan at the same moment, both give the same dashboard.
func (db *DB) LoadPlanInput(ctx context.Context, planID int64) (*DashboardInput, error) {
	p, err := db.FindPlanByID(ctx, planID)
	if err != nil {
		return nil, err
	}
	in := &DashboardInput{Plan: p, At: db.Now()}
	if err := pages(func(pg aldyn.Page) (int, int, error) {
		ms, total, err := db.FindMeasures(ctx, planID, MeasureFilter{Page: pg})
		for _, m := range ms {
			in.Measures = append(in.Measures, *m)
		}
		return len(ms), total, err
	}); err != nil {
		return nil, err
	}
	if err := pages(func(pg aldyn.Page) (int, int, error) {
		is, total, err := db.FindIndicators(ctx, IndicatorFilter{PlanID: &planID, Page: pg})
		for _, i := range is {
			in.Indicators = append(in.Indicators, *i)
		}
		return len(is), total, err
	}); err != nil {
		return nil, err
	}
	if err := scanAll(ctx, db, func(rows *sql.Rows) error {
		var x aldyn.IndicatorValue
		err := rows.Scan(&x.IndicatorID, &x.Period, &x.TerritoryCode, &x.Value)
		in.Values = append(in.Values, x)
		return err
	}, `SELECT x.indicator_id, x.period, x.territory_code, x.value FROM indicator_values x JOIN indicators i ON i.id = x.indicator_id
		WHERE i.plan_id = ? ORDER BY x.indicator_id, x.period, x.territory_code`, planID); err != nil {
		return nil, err
	}
	if err := pages(func(pg aldyn.Page) (int, int, error) {
		cs, total, err := db.FindCycles(ctx, CycleFilter{PlanID: &planID, Page: pg})
		for _, c := range cs {
			in.Cycles = append(in.Cycles, *c)
		}
		return len(cs), total, err
	}); err != nil {
		return nil, err
	}
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

// pages calls find with successive pages of aldyn.MaxLimit items until it
// has had them all.
func pages(find func(aldyn.Page) (n, total int, err error)) error {
	pg := aldyn.Page{Limit: aldyn.MaxLimit}
	for {
		n, total, err := find(pg)
		if err != nil {
			return err
		}
		pg.Offset += n
		if n == 0 || pg.Offset >= total {
			return nil
		}
	}
}

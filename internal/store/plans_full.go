package store

import (
	"context"

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
	for _, i := range in.Indicators {
		xs, err := db.FindIndicatorValues(ctx, i.ID)
		if err != nil {
			return nil, err
		}
		in.Values = append(in.Values, xs...)
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
	if err := pages(func(pg aldyn.Page) (int, int, error) {
		rs, total, err := db.FindReports(ctx, ReportFilter{PlanID: &planID, Page: pg})
		for _, r := range rs {
			in.Reports = append(in.Reports, *r)
		}
		return len(rs), total, err
	}); err != nil {
		return nil, err
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

package datasets

import (
	"context"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/stats"
	"github.com/aldyn-kg/aldyn/internal/store"
)

// IndicatorValues computes the values of a plan indicator whose source is
// reported figures (aldyn.IndicatorDataSets) from the accepted values of
// the plan's territory, for every period of the plan that is over and has
// values: a count, a rate per 100,000 residents a year, or a percentage
// of one reference over another (women among police staff:
// data:staff[female] over data:staff). It answers as
// offenses.IndicatorValues does.
func IndicatorValues(ctx context.Context, db *store.DB, plan *aldyn.Plan, ind *aldyn.Indicator, now time.Time) ([]aldyn.IndicatorValue, error) {
	if ind.Source != aldyn.IndicatorDataSets {
		return nil, aldyn.Errorf(aldyn.EINVALID, "indicator.error.not_computed")
	}
	target := map[string]string{aldyn.FrequencyAnnual: aldyn.PeriodYear, aldyn.FrequencyQuarterly: aldyn.PeriodQuarter,
		aldyn.FrequencyMonthly: aldyn.PeriodMonth}[ind.Frequency]
	num, ok := aldyn.ParseDataRef(ind.Numerator)
	if !ok || target == "" {
		return nil, aldyn.Errorf(aldyn.EINVALID, "datasets.error.indicator_ref")
	}
	nums, err := refValues(ctx, db, plan.TerritoryCode, num, target)
	if err != nil {
		return nil, err
	}
	var dens map[string]float64
	if ind.Kind == aldyn.IndicatorPercent {
		den, ok := aldyn.ParseDataRef(ind.Denominator)
		if !ok {
			return nil, aldyn.Errorf(aldyn.EINVALID, "datasets.error.indicator_ref")
		}
		if dens, err = refValues(ctx, db, plan.TerritoryCode, den, target); err != nil {
			return nil, err
		}
	}
	var pops []aldyn.Population
	if ind.Kind == aldyn.IndicatorRate {
		if pops, err = db.Populations(ctx, plan.TerritoryCode); err != nil {
			return nil, err
		}
	}
	var out []aldyn.IndicatorValue
	for _, p := range planPeriods(plan, target) {
		if !p.End().Before(now) {
			continue // the period is not over
		}
		v, ok := nums[p.String()]
		if !ok {
			continue // nothing accepted: unknown, not zero
		}
		switch ind.Kind {
		case aldyn.IndicatorRate:
			r, ok := stats.AnnualRate(int64(math.Round(v)), p.Start(), p.End().AddDate(0, 0, 1), pops)
			if !ok {
				continue
			}
			v = r.PerYear
		case aldyn.IndicatorPercent:
			d := dens[p.String()]
			if d <= 0 {
				continue
			}
			v = math.Round(v/d*100*100) / 100
		}
		out = append(out, aldyn.IndicatorValue{IndicatorID: ind.ID, Period: indicatorPeriod(p), Value: v})
	}
	return out, nil
}

// refValues is the value of a reference in the territory by period of
// type target.
func refValues(ctx context.Context, db *store.DB, territory string, ref aldyn.ValueRef, target string) (map[string]float64, error) {
	es, _, err := db.FindDataElements(ctx, aldyn.DataElementFilter{Code: &ref.Code, Page: aldyn.Page{Limit: 1}})
	if err != nil {
		return nil, err
	}
	if len(es) == 0 {
		return nil, aldyn.Errorf(aldyn.EINVALID, "datasets.error.element_not_found")
	}
	rows, err := db.FindRollup(ctx, store.RollupFilter{Elements: []string{ref.Code}, Territories: []string{territory}})
	if err != nil {
		return nil, err
	}
	if ref.Option != "" {
		kept := rows[:0]
		for _, r := range rows {
			if comboHasOption(r.Combo, ref.Option) {
				kept = append(kept, r)
			}
		}
		rows = kept
	}
	out := map[string]float64{}
	for _, c := range Pivot(rows, PivotSpec{Elements: map[string]*aldyn.DataElement{ref.Code: es[0]}, PeriodType: target}) {
		if p, err := aldyn.ParsePeriod(c.Period); err == nil && p.Type == target && c.Value != nil {
			out[c.Period] = *c.Value
		}
	}
	return out, nil
}

func comboHasOption(combo, option string) bool {
	for _, o := range strings.Split(combo, ",") {
		if o == option {
			return true
		}
	}
	return false
}

// planPeriods lists the periods of type t in the plan's years.
func planPeriods(plan *aldyn.Plan, t string) []aldyn.Period {
	var out []aldyn.Period
	p := aldyn.PeriodOf(t, time.Date(plan.StartYear, 1, 1, 0, 0, 0, 0, time.UTC))
	for p.Year <= plan.EndYear {
		out = append(out, p)
		p = p.Next()
	}
	return out
}

// indicatorPeriod writes a period as indicator values label them: "2024",
// "2024-Q2", "2024-05".
func indicatorPeriod(p aldyn.Period) string {
	switch p.Type {
	case aldyn.PeriodQuarter:
		return fmt.Sprintf("%d-Q%d", p.Year, p.N)
	case aldyn.PeriodMonth:
		return fmt.Sprintf("%d-%02d", p.Year, p.N)
	}
	return fmt.Sprint(p.Year)
}

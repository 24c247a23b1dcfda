package offenses

import (
	"context"
	"fmt"
	"time"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/stats"
	"github.com/aldyn-kg/aldyn/internal/store"
)

// IndicatorValues computes the values of a plan indicator whose source is
// the offense statistics: for every period of its frequency from the
// plan's first year to the last full period before now, the records of its
// category in the plan's territory, or for rates that count per 100,000
// residents of the territory and year (stats.AnnualRate, so a quarter's
// count is annualised). Periods without records count zero; periods
// without a population give no rate.
func IndicatorValues(ctx context.Context, db *store.DB, plan *aldyn.Plan, ind *aldyn.Indicator, now time.Time) ([]aldyn.IndicatorValue, error) {
	if ind.Source != aldyn.IndicatorOffenses {
		return nil, aldyn.Errorf(aldyn.EINVALID, "indicator.error.not_computed")
	}
	t, err := db.FindTerritoryByCode(ctx, plan.TerritoryCode)
	if err != nil {
		return nil, err
	}
	from := time.Date(plan.StartYear, 1, 1, 0, 0, 0, 0, time.UTC)
	to := time.Date(plan.EndYear+1, 1, 1, 0, 0, 0, 0, time.UTC)
	by := []string{aldyn.ByYear}
	switch ind.Frequency {
	case aldyn.FrequencyQuarterly:
		by = append(by, aldyn.ByQuarter)
	case aldyn.FrequencyMonthly:
		by = append(by, aldyn.ByMonth)
	}
	rows, err := db.OffenseCounts(ctx, aldyn.CountsQuery{By: by, From: &from, To: &to, Under: t.Path, Categories: []string{ind.OffenseCategory}})
	if err != nil {
		return nil, err
	}
	counts := map[string]int64{}
	for _, r := range rows {
		counts[period(ind.Frequency, r.Year, r.Quarter, r.Month)] = r.Count
	}
	pops, err := db.Populations(ctx, plan.TerritoryCode)
	if err != nil {
		return nil, err
	}
	var out []aldyn.IndicatorValue
	for y := plan.StartYear; y <= plan.EndYear; y++ {
		n := 1
		switch ind.Frequency {
		case aldyn.FrequencyQuarterly:
			n = 4
		case aldyn.FrequencyMonthly:
			n = 12
		}
		for i := 1; i <= n; i++ {
			var p string
			switch n {
			case 4:
				p = period(ind.Frequency, y, i, 0)
			case 12:
				p = period(ind.Frequency, y, 0, i)
			default:
				p = period(ind.Frequency, y, 0, 0)
			}
			end, ok := aldyn.PeriodEnd(p)
			if !ok || end.After(now) {
				continue // the period is not over
			}
			v := float64(counts[p])
			if ind.Kind == aldyn.IndicatorRate {
				rate, ok := stats.AnnualRate(counts[p], end.AddDate(0, -12/n, 0), end, pops)
				if !ok {
					continue
				}
				v = rate.PerYear
			}
			out = append(out, aldyn.IndicatorValue{IndicatorID: ind.ID, Period: p, Value: v})
		}
	}
	return out, nil
}

func period(frequency string, year, quarter, month int) string {
	switch frequency {
	case aldyn.FrequencyQuarterly:
		return fmt.Sprintf("%d-Q%d", year, quarter)
	case aldyn.FrequencyMonthly:
		return fmt.Sprintf("%d-%02d", year, month)
	}
	return fmt.Sprint(year)
}

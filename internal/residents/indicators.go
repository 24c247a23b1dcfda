package residents

import (
	"context"
	"math"
	"strconv"
	"time"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/store"
	"github.com/aldyn-kg/aldyn/internal/survey"
)

// IndicatorValues computes the values of a plan indicator whose source is
// the residents' reports: for every ended year of the plan, the share (%)
// of the reports made in the plan's territory that year and answered by
// the end of their due day, among those answered or past their due day at
// now. As the scorecards do, a year with fewer than
// survey.MinRespondents such reports gives no value.
func IndicatorValues(ctx context.Context, db *store.DB, plan *aldyn.Plan, ind *aldyn.Indicator, now time.Time) ([]aldyn.IndicatorValue, error) {
	if ind.Source != aldyn.IndicatorResidents {
		return nil, aldyn.Errorf(aldyn.EINVALID, "indicator.error.not_computed")
	}
	t, err := db.FindTerritoryByCode(ctx, plan.TerritoryCode)
	if err != nil {
		return nil, err
	}
	var out []aldyn.IndicatorValue
	for y := plan.StartYear; y <= plan.EndYear; y++ {
		from, to := time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(y+1, 1, 1, 0, 0, 0, 0, time.UTC)
		if to.After(now) {
			break // the year is not over
		}
		reports, err := db.ResidentReportsMadeIn(ctx, t.Path, from, to)
		if err != nil {
			return nil, err
		}
		var n, onTime int
		for _, r := range reports {
			if counted, ok := r.Timeliness(now); counted {
				n++
				if ok {
					onTime++
				}
			}
		}
		if n >= survey.MinRespondents {
			v := math.Round(1000*float64(onTime)/float64(n)) / 10
			out = append(out, aldyn.IndicatorValue{IndicatorID: ind.ID, Period: strconv.Itoa(y), Value: v})
		}
	}
	return out, nil
}

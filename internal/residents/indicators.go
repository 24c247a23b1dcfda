package residents

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/store"
	"github.com/aldyn-kg/aldyn/internal/survey"
)

// IndicatorValues computes the values of a plan indicator whose source is
// the residents' channel. With the measure aldyn.ResidentMeasureReportBack
// it is the report-back meetings held per precinct (reportBackValues);
// otherwise, for every ended year of the plan, the share (%)
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
	if ind.Numerator == aldyn.ResidentMeasureReportBack {
		return reportBackValues(ctx, db, plan, ind, t.Path, now)
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

// reportBackValues are the report-back meetings of precinct inspectors
// held in the precincts of the plan's territory in each ended year (or
// quarter, for a quarterly indicator) of the plan, divided by the number
// of precincts the territory has; a territory without precincts gives no
// value.
func reportBackValues(ctx context.Context, db *store.DB, plan *aldyn.Plan, ind *aldyn.Indicator, path string, now time.Time) ([]aldyn.IndicatorValue, error) {
	precincts, err := db.CountPrecincts(ctx, path)
	if err != nil || precincts == 0 {
		return nil, err
	}
	type period struct {
		label    string
		from, to time.Time
	}
	var periods []period
	for y := plan.StartYear; y <= plan.EndYear; y++ {
		if ind.Frequency == aldyn.FrequencyQuarterly {
			for q := 1; q <= 4; q++ {
				from := aldyn.QuarterStart(y, q)
				periods = append(periods, period{fmt.Sprintf("%d-Q%d", y, q), from, from.AddDate(0, 3, 0)})
			}
		} else {
			periods = append(periods, period{strconv.Itoa(y), aldyn.QuarterStart(y, 1), aldyn.QuarterStart(y+1, 1)})
		}
	}
	held := aldyn.ReportBackHeld
	var out []aldyn.IndicatorValue
	for _, p := range periods {
		if p.to.After(now) {
			break // the period is not over
		}
		counts, err := db.CountReportBackMeetings(ctx, aldyn.ReportBackFilter{Territory: path, Status: &held, From: &p.from, To: &p.to})
		if err != nil {
			return nil, err
		}
		n := 0
		for _, c := range counts {
			n += c.Held
		}
		v := math.Round(100*float64(n)/float64(precincts)) / 100
		out = append(out, aldyn.IndicatorValue{IndicatorID: ind.ID, Period: p.label, Value: v})
	}
	return out, nil
}

package forecast_test

import (
	"context"
	"testing"
	"time"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/forecast"
	"github.com/aldyn-kg/aldyn/internal/synth"
)

// TestBackTestOnDemoData fits forecasts to the monthly national counts of
// the synthetic demo records (2019–2025, the seed the demo uses) per
// category and checks that the chosen model's back-test error is below the
// seasonal-naive baseline's on the whole and for most categories, printing
// the figures.
func TestBackTestOnDemoData(t *testing.T) {
	start := time.Date(2019, 1, 1, 0, 0, 0, 0, time.UTC)
	series := map[string][]float64{}
	_, err := synth.Generate(context.Background(), synth.Config{Seed: 2022}, nil, func(o *aldyn.Offense) error {
		d := o.Day()
		i := (d.Year()-2019)*12 + int(d.Month()) - 1
		s := series[o.Category]
		for len(s) <= i {
			s = append(s, 0)
		}
		s[i]++
		series[o.Category] = s
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var chosenSum, naiveSum float64
	better := 0
	for _, cat := range aldyn.OffenseCategories {
		res, err := forecast.Forecast(forecast.Series{Start: start, Values: series[cat]}, 12)
		if err != nil {
			t.Fatalf("%s: %v", cat, err)
		}
		var chosen, naive forecast.BackTest
		for _, b := range res.BackTests {
			if b.Model == res.Model {
				chosen = b
			}
			if b.Model == forecast.ModelSeasonalNaive {
				naive = b
			}
		}
		if naive.Origins == 0 || chosen.Origins == 0 {
			t.Fatalf("%s: no back-test (%+v)", cat, res.BackTests)
		}
		t.Logf("%-16s %-22s MAE %8.2f   seasonal naive MAE %8.2f   (%d origins)", cat, res.Model, chosen.MAE, naive.MAE, chosen.Origins)
		chosenSum += chosen.MAE
		naiveSum += naive.MAE
		if chosen.MAE <= naive.MAE {
			better++
		}
	}
	t.Logf("all categories: chosen MAE %.2f, seasonal naive MAE %.2f (%.1f %% lower); chosen model at least as good in %d of %d",
		chosenSum, naiveSum, 100*(1-chosenSum/naiveSum), better, len(aldyn.OffenseCategories))
	if chosenSum >= naiveSum {
		t.Errorf("chosen models' back-test MAE %.2f is not below seasonal naive's %.2f", chosenSum, naiveSum)
	}
	if better < len(aldyn.OffenseCategories)*3/4 {
		t.Errorf("the chosen model beats seasonal naive in only %d of %d categories", better, len(aldyn.OffenseCategories))
	}
}

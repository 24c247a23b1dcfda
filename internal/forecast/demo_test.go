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
// seasonal-naive baseline's on the whole and for most categories, that the
// series are noisy enough for seasonal naive to miss, and that every model
// has a hold-out score, printing the figures (the README's table).
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
	var chosenSum, naiveSum, chosenHold, naiveHold float64
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
		// Noise-free series would let "same month last year" be exact.
		if naive.MAE == 0 || naive.HoldOutMAE == 0 {
			t.Errorf("%s: seasonal naive has rolling MAE %.2f and hold-out MAE %.2f; the demo series are too regular", cat, naive.MAE, naive.HoldOutMAE)
		}
		for _, b := range res.BackTests {
			if b.HoldOutMonths != 12 || b.HoldOutMAE <= 0 || b.HoldOutMASE <= 0 {
				t.Errorf("%s %s: hold-out over %d months, MAE %.2f, MASE %.3f; want 12 months scored", cat, b.Model, b.HoldOutMonths, b.HoldOutMAE, b.HoldOutMASE)
			}
		}
		// A row of the README's table.
		t.Logf("| %s | %s | %.1f | %.1f | %.2f | %.1f | %.1f | %.2f |", cat, res.Model,
			chosen.MAE, naive.MAE, chosen.MASE, chosen.HoldOutMAE, naive.HoldOutMAE, chosen.HoldOutMASE)
		chosenHold += chosen.HoldOutMAE
		naiveHold += naive.HoldOutMAE
		chosenSum += chosen.MAE
		naiveSum += naive.MAE
		if chosen.MAE <= naive.MAE {
			better++
		}
	}
	t.Logf("all categories: chosen MAE %.2f, seasonal naive MAE %.2f (%.1f %% lower); chosen model at least as good in %d of %d",
		chosenSum, naiveSum, 100*(1-chosenSum/naiveSum), better, len(aldyn.OffenseCategories))
	t.Logf("hold-out (last 12 months): chosen MAE %.2f, seasonal naive MAE %.2f (%.1f %% lower)",
		chosenHold, naiveHold, 100*(1-chosenHold/naiveHold))
	if chosenSum >= naiveSum {
		t.Errorf("chosen models' back-test MAE %.2f is not below seasonal naive's %.2f", chosenSum, naiveSum)
	}
	if better < len(aldyn.OffenseCategories)*3/4 {
		t.Errorf("the chosen model beats seasonal naive in only %d of %d categories", better, len(aldyn.OffenseCategories))
	}
}

package forecast_test

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/aldyn-kg/aldyn/internal/forecast"
)

var start = time.Date(2018, time.January, 1, 0, 0, 0, 0, time.UTC)

// MustSeasonalSeries returns n months of Poisson counts around a level of
// base with a yearly cycle of ±amp and a monthly trend.
func MustSeasonalSeries(tb testing.TB, seed uint64, n int, base, amp, trend float64) forecast.Series {
	tb.Helper()
	r := rand.New(rand.NewPCG(seed, 1))
	v := make([]float64, n)
	for i := range v {
		lambda := base + trend*float64(i) + amp*math.Sin(2*math.Pi*float64(i%12)/12)
		if lambda <= 0 {
			tb.Fatalf("month %d: rate %v ≤ 0; choose other parameters", i, lambda)
		}
		v[i] = poisson(r, lambda)
	}
	return forecast.Series{Start: start, Values: v}
}

// poisson draws by inversion (Knuth) for moderate rates.
func poisson(r *rand.Rand, lambda float64) float64 {
	if lambda > 500 {
		return math.Max(0, math.Round(lambda+math.Sqrt(lambda)*r.NormFloat64()))
	}
	limit, k, p := math.Exp(-lambda), 0.0, 1.0
	for {
		p *= r.Float64()
		if p <= limit {
			return k
		}
		k++
	}
}

// MustForecast runs Forecast and fails the test on error.
func MustForecast(tb testing.TB, s forecast.Series, horizon int) forecast.Result {
	tb.Helper()
	res, err := forecast.Forecast(s, horizon)
	if err != nil {
		tb.Fatalf("Forecast(%d months, %d): %v", len(s.Values), horizon, err)
	}
	return res
}

// MustBackTest returns the back-test of model.
func MustBackTest(tb testing.TB, res forecast.Result, model string) forecast.BackTest {
	tb.Helper()
	for _, bt := range res.BackTests {
		if bt.Model == model {
			return bt
		}
	}
	tb.Fatalf("no back-test for %q in %+v", model, res.BackTests)
	return forecast.BackTest{}
}

// MustWellFormed checks the shape every result must have.
func MustWellFormed(tb testing.TB, s forecast.Series, horizon int, res forecast.Result) {
	tb.Helper()
	if len(res.Months) != horizon {
		tb.Fatalf("got %d months, want %d", len(res.Months), horizon)
	}
	for i, m := range res.Months {
		want := s.Start.AddDate(0, len(s.Values)+i, 0)
		if !m.Month.Equal(want) {
			tb.Errorf("month %d: got %v, want %v", i, m.Month, want)
		}
		for _, v := range []float64{m.Mean, m.Lo80, m.Hi80, m.Lo95, m.Hi95} {
			if math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
				tb.Fatalf("month %d: got %+v, want finite values ≥ 0", i, m)
			}
		}
		if m.Lo95 > m.Lo80 || m.Lo80 > m.Hi80 || m.Hi80 > m.Hi95 {
			tb.Errorf("month %d: intervals not nested: %+v", i, m)
		}
	}
	if res.Model == "" || len(res.BackTests) == 0 {
		tb.Errorf("got model %q with %d back-tests, want a model and its back-tests", res.Model, len(res.BackTests))
	}
}

func TestForecastBeatsSeasonalNaive(t *testing.T) {
	tests := []struct {
		name             string
		seed             uint64
		n                int
		base, amp, trend float64
	}{
		{"84 months rising", 1, 84, 60, 20, 0.4},
		{"84 months falling", 2, 84, 120, 30, -0.5},
		{"60 months flat", 3, 60, 40, 12, 0},
		{"120 months rising", 4, 120, 30, 10, 0.3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := MustSeasonalSeries(t, tt.seed, tt.n, tt.base, tt.amp, tt.trend)
			res := MustForecast(t, s, 12)
			MustWellFormed(t, s, 12, res)
			chosen := MustBackTest(t, res, res.Model)
			naive := MustBackTest(t, res, forecast.ModelSeasonalNaive)
			for _, bt := range res.BackTests {
				t.Logf("%-20s MAE %6.2f  MASE %.3f  NaiveMAE %6.2f  origins %d", bt.Model, bt.MAE, bt.MASE, bt.NaiveMAE, bt.Origins)
			}
			if chosen.MAE >= naive.MAE {
				t.Errorf("chosen %s: got MAE %.2f, want below seasonal naive's %.2f", res.Model, chosen.MAE, naive.MAE)
			}
			if chosen.Origins != 12 {
				t.Errorf("got %d origins, want 12", chosen.Origins)
			}
		})
	}
}

func TestForecastCoverage(t *testing.T) {
	const (
		n       = 360
		horizon = 12
	)
	var in80, in95, total int
	for seed := uint64(10); seed < 13; seed++ {
		s := MustSeasonalSeries(t, seed, n, 50, 15, 0.1)
		for cut := 48; cut+horizon <= n; cut += 6 {
			res := MustForecast(t, forecast.Series{Start: s.Start, Values: s.Values[:cut]}, horizon)
			for i, m := range res.Months {
				v := s.Values[cut+i]
				if v >= m.Lo80 && v <= m.Hi80 {
					in80++
				}
				if v >= m.Lo95 && v <= m.Hi95 {
					in95++
				}
				total++
			}
		}
	}
	c80, c95 := float64(in80)/float64(total), float64(in95)/float64(total)
	t.Logf("coverage over %d held-out months: 80%% interval %.3f, 95%% interval %.3f", total, c80, c95)
	if c80 < 0.72 || c80 > 0.88 {
		t.Errorf("80%% interval: got coverage %.3f, want 0.72..0.88", c80)
	}
	if c95 < 0.90 || c95 > 0.99 {
		t.Errorf("95%% interval: got coverage %.3f, want 0.90..0.99", c95)
	}
}

func TestForecastAnomaly(t *testing.T) {
	tests := []struct {
		name   string
		factor float64 // multiplies the last month
		want   bool
	}{
		{"normal", 1, false},
		{"spike", 2, true},
		{"drop", 0.3, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := MustSeasonalSeries(t, 7, 72, 80, 25, 0.2)
			s.Values[len(s.Values)-1] = math.Round(s.Values[len(s.Values)-1] * tt.factor)
			res := MustForecast(t, s, 6)
			if res.Latest == nil || res.Latest.Actual == nil {
				t.Fatalf("got Latest %+v, want a one-step forecast with Actual", res.Latest)
			}
			l := res.Latest
			if want := s.Start.AddDate(0, len(s.Values)-1, 0); !l.Month.Equal(want) {
				t.Errorf("Latest.Month: got %v, want %v", l.Month, want)
			}
			t.Logf("actual %.0f, forecast %.1f, 95%% [%.1f, %.1f]", *l.Actual, l.Mean, l.Lo95, l.Hi95)
			if res.Anomaly != tt.want {
				t.Errorf("got Anomaly %v, want %v", res.Anomaly, tt.want)
			}
		})
	}
}

func TestForecastShortAndZero(t *testing.T) {
	tests := []struct {
		name      string
		values    []float64
		horizon   int
		wantModel []string // any of these
	}{
		{"one month", []float64{7}, 3, []string{forecast.ModelMean}},
		{"two months", []float64{7, 9}, 3, []string{forecast.ModelMean}},
		{"ten months", []float64{5, 8, 6, 7, 9, 4, 6, 8, 7, 5}, 12, []string{forecast.ModelMean, forecast.ModelDrift}},
		{"twenty months", MustSeasonalSeries(t, 5, 20, 20, 8, 0).Values, 6, []string{forecast.ModelSeasonalNaive, forecast.ModelMean, forecast.ModelDrift}},
		{"thirty months", MustSeasonalSeries(t, 6, 30, 20, 8, 0).Values, 24, []string{forecast.ModelSeasonalNaive, forecast.ModelHoltWinters, forecast.ModelHoltWintersLog}},
		{"zeros", make([]float64, 84), 12, []string{forecast.ModelSeasonalNaive, forecast.ModelHoltWinters, forecast.ModelHoltWintersLog}},
		{"short zeros", make([]float64, 5), 3, []string{forecast.ModelMean, forecast.ModelDrift}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := forecast.Series{Start: start, Values: tt.values}
			res := MustForecast(t, s, tt.horizon)
			MustWellFormed(t, s, tt.horizon, res)
			found := false
			for _, m := range tt.wantModel {
				found = found || res.Model == m
			}
			if !found {
				t.Errorf("got model %q, want one of %v", res.Model, tt.wantModel)
			}
			if len(tt.values) > 1 && res.Latest == nil {
				t.Errorf("got no Latest, want a check of the last month")
			}
			allZero := true
			for _, v := range tt.values {
				allZero = allZero && v == 0
			}
			if allZero {
				for _, m := range res.Months {
					if m.Mean != 0 || m.Hi95 != 0 {
						t.Errorf("zeros: got %+v, want all 0", m)
					}
				}
				if res.Anomaly {
					t.Errorf("zeros: got Anomaly, want none")
				}
			}
		})
	}
}

func TestForecastInvalid(t *testing.T) {
	good := []float64{1, 2, 3}
	tests := []struct {
		name    string
		values  []float64
		horizon int
	}{
		{"horizon 0", good, 0},
		{"horizon -3", good, -3},
		{"horizon 25", good, 25},
		{"empty series", nil, 3},
		{"negative count", []float64{1, -1, 2}, 3},
		{"NaN", []float64{1, math.NaN(), 2}, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := forecast.Forecast(forecast.Series{Start: start, Values: tt.values}, tt.horizon)
			if !errors.Is(err, forecast.ErrInvalid) {
				t.Errorf("got error %v, want ErrInvalid", err)
			}
		})
	}
}

func BenchmarkForecast84(b *testing.B) {
	s := MustSeasonalSeries(b, 1, 84, 60, 20, 0.4)
	for b.Loop() {
		if _, err := forecast.Forecast(s, 12); err != nil {
			b.Fatal(err)
		}
	}
}

// TestIntervalsHoldForecastAndWiden is a property test over many series
// (seasonal, trending, with level breaks, short and long, near zero and
// large): every point forecast lies inside its 80 % and 95 % intervals,
// the 80 % interval inside the 95 %, and neither side of an interval comes
// closer to its forecast further ahead.
func TestIntervalsHoldForecastAndWiden(t *testing.T) {
	r := rand.New(rand.NewPCG(14, 5))
	for i := range 300 {
		n := 6 + r.IntN(90)
		base := math.Exp(r.Float64() * 8) // 1 … 3,000 a month
		amp := base * r.Float64() * 0.4
		trend := base * (r.Float64() - 0.5) * 0.02
		s := forecast.Series{Start: start, Values: make([]float64, n)}
		brk := r.IntN(n)
		for j := range s.Values {
			lambda := base + trend*float64(j) + amp*math.Sin(2*math.Pi*float64(j%12)/12)
			if j >= brk && i%3 == 0 {
				lambda *= 0.7 // a level break
			}
			s.Values[j] = poisson(r, math.Max(lambda, 0.5))
		}
		h := 1 + r.IntN(forecast.MaxHorizon)
		res := MustForecast(t, s, h)
		for k, m := range res.Months {
			if !(m.Lo95 <= m.Lo80 && m.Lo80 <= m.Mean && m.Mean <= m.Hi80 && m.Hi80 <= m.Hi95) {
				t.Fatalf("series %d (%d months, %s), month %d: %.2f [%.2f, %.2f] [%.2f, %.2f], want the forecast inside its intervals",
					i, n, res.Model, k+1, m.Mean, m.Lo80, m.Hi80, m.Lo95, m.Hi95)
			}
			if k == 0 {
				continue
			}
			p := res.Months[k-1]
			const eps = 1e-9
			if m.Hi95-m.Mean < p.Hi95-p.Mean-eps || m.Hi80-m.Mean < p.Hi80-p.Mean-eps ||
				(m.Lo95 > 0 && m.Mean-m.Lo95 < p.Mean-p.Lo95-eps) || (m.Lo80 > 0 && m.Mean-m.Lo80 < p.Mean-p.Lo80-eps) {
				t.Fatalf("series %d (%d months, %s): month %d's interval [%.2f, %.2f] around %.2f is narrower than month %d's [%.2f, %.2f] around %.2f",
					i, n, res.Model, k+1, m.Lo95, m.Hi95, m.Mean, k, p.Lo95, p.Hi95, p.Mean)
			}
		}
		if l := res.Latest; l != nil && !(l.Lo95 <= l.Mean && l.Mean <= l.Hi95) {
			t.Fatalf("series %d: latest month %.2f outside [%.2f, %.2f]", i, l.Mean, l.Lo95, l.Hi95)
		}
	}
}

// TestHoldOut: each model is fitted once on all but the last 12 months and
// scored on them. A series whose last year is its previous year plus 10
// gives seasonal naive a hold-out error of exactly 10; a series too short
// to keep a year back has no hold-out.
func TestHoldOut(t *testing.T) {
	var v []float64
	for i := range 48 {
		x := 100 + 20*math.Sin(2*math.Pi*float64(i%12)/12)
		if i >= 36 {
			x += 10
		}
		v = append(v, x)
	}
	res := MustForecast(t, forecast.Series{Start: start, Values: v}, 6)
	naive := MustBackTest(t, res, forecast.ModelSeasonalNaive)
	if naive.HoldOutMonths != 12 || math.Abs(naive.HoldOutMAE-10) > 1e-9 {
		t.Errorf("seasonal naive hold-out: %d months, MAE %v; want 12 months, MAE 10", naive.HoldOutMonths, naive.HoldOutMAE)
	}
	// The fitted 36 months repeat exactly, so the scale is 0 and MASE is
	// left 0 rather than infinite.
	if naive.HoldOutMASE != 0 {
		t.Errorf("hold-out MASE with a zero scale: got %v, want 0", naive.HoldOutMASE)
	}
	for _, b := range res.BackTests {
		if b.HoldOutMonths != 12 {
			t.Errorf("%s: hold-out over %d months, want 12", b.Model, b.HoldOutMonths)
		}
	}
	short := MustForecast(t, forecast.Series{Start: start, Values: v[:20]}, 3)
	for _, b := range short.BackTests {
		if b.Model == forecast.ModelSeasonalNaive && (b.HoldOutMonths != 0 || b.HoldOutMAE != 0) {
			t.Errorf("20 months: seasonal naive hold-out over %d months, want none (8 months cannot fit it)", b.HoldOutMonths)
		}
	}
}

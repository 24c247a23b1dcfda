package forecast

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"time"
)

// MaxHorizon is the longest forecast, in months, that Forecast accepts.
const MaxHorizon = 24

// backTestOrigins is K, the number of rolling origins in the back-test.
const backTestOrigins = 12

// ErrInvalid marks invalid input (a bad horizon or series); callers map it to
// their own "invalid" error code with errors.Is.
var ErrInvalid = errors.New("invalid forecast input")

// Series is a run of monthly counts. Values[i] is the count of the month
// i months after Start, which is the first day of a month in UTC.
type Series struct {
	Start  time.Time
	Values []float64
}

// Month is a forecast for one month: the point forecast (Mean) and its 80 %
// and 95 % prediction intervals. Actual is set when the month's count is
// known.
type Month struct {
	Month                        time.Time
	Mean, Lo80, Hi80, Lo95, Hi95 float64
	Actual                       *float64
}

// BackTest is how one candidate model did in the rolling-origin back-test.
// MAE is the mean absolute error over all origins and horizons; NaiveMAE is
// the in-sample mean absolute error of the seasonal naive method (last
// year's same month) on the data before the first origin, and MASE is
// MAE/NaiveMAE (0 when NaiveMAE is 0). Origins is the number of forecast
// origins; 0 means the series was too short to back-test.
//
// HoldOutMAE is the model's error on a true hold-out: fitted once on all
// but the last 12 months and scored on those 12; HoldOutMASE divides it by
// the seasonal naive method's in-sample error on the fitted months.
// HoldOutMonths is 12, or 0 when the rest is too short to fit the model.
type BackTest struct {
	Model                   string
	MAE, MASE, NaiveMAE     float64
	Origins                 int
	HoldOutMAE, HoldOutMASE float64
	HoldOutMonths           int
}

// holdOut is the number of last months the hold-out test keeps back.
const holdOut = period

// Result is a forecast: the chosen model, one Month per month of the
// horizon, the back-test of every candidate, and the check of the latest
// known month (Latest, a one-step forecast made without it, with Actual
// set; Anomaly is true when Actual is outside its 95 % interval).
type Result struct {
	Model     string
	Months    []Month
	BackTests []BackTest
	Anomaly   bool
	Latest    *Month
}

// btError is one back-test error: actual minus forecast of month target,
// forecast h months ahead.
type btError struct {
	h, target int
	e         float64
}

// Forecast predicts the horizon months (1..MaxHorizon) after s. See the
// package documentation for the method.
func Forecast(s Series, horizon int) (Result, error) {
	if horizon < 1 || horizon > MaxHorizon {
		return Result{}, fmt.Errorf("forecast horizon %d outside 1..%d: %w", horizon, MaxHorizon, ErrInvalid)
	}
	y := s.Values
	if len(y) == 0 {
		return Result{}, fmt.Errorf("forecast of an empty series: %w", ErrInvalid)
	}
	for i, v := range y {
		if math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
			return Result{}, fmt.Errorf("forecast: value %d is %v, want a count ≥ 0: %w", i, v, ErrInvalid)
		}
	}
	n := len(y)
	start := time.Date(s.Start.Year(), s.Start.Month(), 1, 0, 0, 0, 0, time.UTC)

	cands := candidates(n)
	minTrain := 0
	for _, c := range cands {
		minTrain = max(minTrain, c.minTrain)
	}
	k := max(0, min(backTestOrigins, n-minTrain))
	// Prefer the latest origins that still leave a whole horizon to check;
	// short series fall back to the last k months with truncated horizons.
	last := min(n-1, max(n-horizon, minTrain+k-1))
	first := last - k + 1
	if k == 0 {
		first = n
	}
	scale := naiveScale(y[:max(first, 1)])

	res := Result{BackTests: make([]BackTest, len(cands))}
	errs := make([][]btError, len(cands))
	best := 0
	for ci, c := range cands {
		var sum float64
		for o := first; o <= last && k > 0; o++ {
			fc, _ := c.predict(y[:o], min(horizon, n-o))
			for i, f := range fc {
				e := y[o+i] - f
				errs[ci] = append(errs[ci], btError{h: i + 1, target: o + i, e: e})
				sum += math.Abs(e)
			}
		}
		bt := BackTest{Model: c.name, NaiveMAE: scale, Origins: k}
		if len(errs[ci]) > 0 {
			bt.MAE = sum / float64(len(errs[ci]))
		}
		if scale > 0 {
			bt.MASE = bt.MAE / scale
		}
		if train := n - holdOut; train >= c.minTrain {
			fc, _ := c.predict(y[:train], holdOut)
			var sum float64
			for i, f := range fc {
				sum += math.Abs(y[train+i] - f)
			}
			bt.HoldOutMonths = holdOut
			bt.HoldOutMAE = sum / holdOut
			if hs := naiveScale(y[:train]); hs > 0 {
				bt.HoldOutMASE = bt.HoldOutMAE / hs
			}
		}
		res.BackTests[ci] = bt
		if bt.MAE < res.BackTests[best].MAE {
			best = ci
		}
	}
	chosen := cands[best]
	res.Model = chosen.name

	fc, sd := chosen.predict(y, horizon)
	res.Months = make([]Month, horizon)
	// Each side of an interval reaches at least as far from its forecast
	// as at the horizon before: uncertainty does not shrink further ahead,
	// even where fewer or luckier back-test errors say so.
	var down80, up80, down95, up95 float64
	for i, f := range fc {
		m := Month{Month: start.AddDate(0, n+i, 0), Mean: f}
		lo80, hi80, lo95, hi95 := interval(errs[best], i+1, f, sd)
		down80, up80 = max(down80, f-lo80), max(up80, hi80-f)
		down95, up95 = max(down95, f-lo95, down80), max(up95, hi95-f, up80)
		m.Lo80, m.Hi80 = math.Max(0, f-down80), f+up80
		m.Lo95, m.Hi95 = math.Max(0, f-down95), f+up95
		res.Months[i] = m
	}

	if n-1 >= chosen.minTrain {
		// Errors on the latest month itself must not widen its own interval.
		var prior []btError
		for _, e := range errs[best] {
			if e.target < n-1 {
				prior = append(prior, e)
			}
		}
		fc1, sd1 := chosen.predict(y[:n-1], 1)
		actual := y[n-1]
		m := Month{Month: start.AddDate(0, n-1, 0), Mean: fc1[0], Actual: &actual}
		m.Lo80, m.Hi80, m.Lo95, m.Hi95 = interval(prior, 1, fc1[0], sd1)
		res.Latest = &m
		res.Anomaly = actual < m.Lo95 || actual > m.Hi95
	}
	return res, nil
}

// candidates returns the models worth back-testing on n months, the
// preferred one first (it is chosen when nothing can be back-tested).
// Holt–Winters needs two whole years to start and six origins to judge.
func candidates(n int) []method {
	switch {
	case n >= 2*period+6:
		return []method{seasonalNaive, holtWinters, holtWintersLog}
	case n >= period+6:
		return []method{seasonalNaive, meanMethod, driftMethod}
	default:
		return []method{meanMethod, driftMethod}
	}
}

// naiveScale is the in-sample MAE of the seasonal naive method on y, or of
// the naive (last month) method when y is shorter than 13 months.
func naiveScale(y []float64) float64 {
	lag := period
	if len(y) <= period {
		lag = 1
	}
	var sum float64
	for t := lag; t < len(y); t++ {
		sum += math.Abs(y[t] - y[t-lag])
	}
	if len(y) <= lag {
		return 0
	}
	return sum / float64(len(y)-lag)
}

const (
	minEmpirical = 10 // fewer errors than this: normal intervals
	poolSize     = 30 // pool neighbouring horizons until this many errors
)

// interval returns the 80 % and 95 % bounds around point forecast f at
// horizon h, never below 0. With enough back-test errors at h and
// neighbouring horizons, the bounds are f plus the errors' empirical
// quantiles, widened where needed to a t prediction interval from the same
// errors: a handful of recent origins rarely shows the tails, and errors of
// neighbouring horizons often concern the same target month. Otherwise the
// interval is normal with sd·√h, and at least Poisson noise √f.
func interval(errs []btError, h int, f, sd float64) (lo80, hi80, lo95, hi95 float64) {
	maxH := 0
	for _, e := range errs {
		maxH = max(maxH, e.h)
	}
	var pool []float64
	targets := map[int]bool{}
	for w := 1; ; w++ {
		pool = pool[:0]
		clear(targets)
		for _, e := range errs {
			if e.h >= h-w && e.h <= h+w {
				pool = append(pool, e.e)
				targets[e.target] = true
			}
		}
		if len(pool) >= poolSize || (h-w <= 1 && h+w >= maxH) {
			break
		}
	}
	if len(pool) < minEmpirical {
		s := math.Max(sd*math.Sqrt(float64(h)), math.Sqrt(math.Max(f, 0)))
		lo80, hi80 = f-1.2816*s, f+1.2816*s
		lo95, hi95 = f-1.96*s, f+1.96*s
		return math.Max(0, lo80), math.Max(0, hi80), math.Max(0, lo95), math.Max(0, hi95)
	}
	slices.Sort(pool)
	var mu, ss float64
	for _, e := range pool {
		mu += e
	}
	mu /= float64(len(pool))
	for _, e := range pool {
		ss += (e - mu) * (e - mu)
	}
	ne := float64(len(targets)) // effective sample size: distinct target months
	s := math.Sqrt(ss/float64(len(pool)-1)) * math.Sqrt(1+1/ne)
	t80, t95 := studentT(1.2816, ne-1), studentT(1.96, ne-1)
	lo80 = math.Min(f+quantile(pool, 0.10), f+mu-t80*s)
	hi80 = math.Max(f+quantile(pool, 0.90), f+mu+t80*s)
	lo95 = math.Min(f+quantile(pool, 0.025), f+mu-t95*s)
	hi95 = math.Max(f+quantile(pool, 0.975), f+mu+t95*s)
	// A model that has always missed on one side leans its interval that
	// way, but never so far that the forecast falls outside it.
	lo80, hi80 = math.Min(lo80, f), math.Max(hi80, f)
	lo95, hi95 = math.Min(lo95, lo80), math.Max(hi95, hi80)
	return math.Max(0, lo80), math.Max(0, hi80), math.Max(0, lo95), math.Max(0, hi95)
}

// studentT approximates the quantile of Student's t with df degrees of
// freedom whose normal quantile is z (Cornish–Fisher expansion; within
// about 3 % for df ≥ 2).
func studentT(z, df float64) float64 {
	df = math.Max(df, 2)
	z2 := z * z
	return z + z*(z2+1)/(4*df) +
		z*(5*z2*z2+16*z2+3)/(96*df*df) +
		z*(3*z2*z2*z2+19*z2*z2+17*z2-15)/(384*df*df*df)
}

// quantile is the Hyndman–Fan type 6 quantile of sorted x: the order
// statistic at p(n+1), which makes [q(a), q(1−a)] cover 1−2a of a new draw
// on average, clamped to the sample's range.
func quantile(x []float64, p float64) float64 {
	pos := p*float64(len(x)+1) - 1
	if pos <= 0 {
		return x[0]
	}
	if pos >= float64(len(x)-1) {
		return x[len(x)-1]
	}
	i := int(pos)
	frac := pos - float64(i)
	return x[i] + frac*(x[i+1]-x[i])
}

package forecast

import "math"

// period is the seasonal period of monthly data.
const period = 12

// Model names as reported in Result.Model and BackTest.Model.
const (
	ModelSeasonalNaive  = "seasonal_naive"
	ModelHoltWinters    = "holt_winters_damped"
	ModelHoltWintersLog = "holt_winters_log"
	ModelMean           = "mean"
	ModelDrift          = "drift"
)

// method fits itself to y and returns point forecasts for 1..h months after
// y, clamped at zero, and the standard deviation of its in-sample one-step
// residuals (used only when there are too few back-test errors).
type method struct {
	name     string
	minTrain int
	predict  func(y []float64, h int) (fc []float64, sd float64)
}

var (
	seasonalNaive  = method{ModelSeasonalNaive, period, predictSeasonalNaive}
	holtWinters    = method{ModelHoltWinters, 2 * period, predictHoltWinters}
	holtWintersLog = method{ModelHoltWintersLog, 2 * period, predictHoltWintersLog}
	meanMethod     = method{ModelMean, 1, predictMean}
	driftMethod    = method{ModelDrift, 2, predictDrift}
)

func predictSeasonalNaive(y []float64, h int) ([]float64, float64) {
	n := len(y)
	fc := make([]float64, h)
	for i := range fc {
		fc[i] = y[n-period+i%period]
	}
	var ss float64
	for t := period; t < n; t++ {
		d := y[t] - y[t-period]
		ss += d * d
	}
	return fc, rmsOrZero(ss, n-period)
}

func predictMean(y []float64, h int) ([]float64, float64) {
	m := mean(y)
	fc := make([]float64, h)
	var ss float64
	for _, v := range y {
		ss += (v - m) * (v - m)
	}
	for i := range fc {
		fc[i] = m
	}
	return fc, rmsOrZero(ss, len(y)-1)
}

func predictDrift(y []float64, h int) ([]float64, float64) {
	n := len(y)
	slope := (y[n-1] - y[0]) / float64(n-1)
	fc := make([]float64, h)
	for i := range fc {
		fc[i] = math.Max(0, y[n-1]+float64(i+1)*slope)
	}
	var ss float64
	for t := 1; t < n; t++ {
		d := y[t] - y[t-1] - slope
		ss += d * d
	}
	return fc, rmsOrZero(ss, n-2)
}

func predictHoltWinters(y []float64, h int) ([]float64, float64) {
	p := fitHoltWinters(y)
	fc := make([]float64, h)
	st := runHoltWinters(y, p, nil)
	st.forecast(fc)
	for i := range fc {
		fc[i] = math.Max(0, fc[i])
	}
	return fc, rmsOrZero(st.sse, len(y)-4)
}

// predictHoltWintersLog fits on log1p(y), which turns multiplicative
// seasonality and count noise growing with the level into additive terms.
// The back-transformed forecast is a median rather than a mean.
func predictHoltWintersLog(y []float64, h int) ([]float64, float64) {
	z := make([]float64, len(y))
	for i, v := range y {
		z[i] = math.Log1p(v)
	}
	p := fitHoltWinters(z)
	onestep := make([]float64, len(z))
	st := runHoltWinters(z, p, onestep)
	fc := make([]float64, h)
	st.forecast(fc)
	for i := range fc {
		fc[i] = math.Max(0, math.Expm1(fc[i]))
	}
	var ss float64
	for i, v := range y {
		d := v - math.Max(0, math.Expm1(onestep[i]))
		ss += d * d
	}
	return fc, rmsOrZero(ss, len(y)-4)
}

// hwParams are the smoothing parameters of additive Holt–Winters with a
// damped trend.
type hwParams struct{ alpha, beta, gamma, phi float64 }

// hwState is the filter's state after the last observation.
type hwState struct {
	level, trend float64
	season       [period]float64
	n            int // observations consumed; season[t%period] belongs to month t
	phi          float64
	sse          float64
}

func (st *hwState) forecast(fc []float64) {
	damp := 0.0
	pw := 1.0
	for i := range fc {
		pw *= st.phi
		damp += pw
		fc[i] = st.level + damp*st.trend + st.season[(st.n+i)%period]
	}
}

// runHoltWinters filters y (len ≥ 24) with p, starting from a level, trend
// and seasonal profile estimated on the first two years. It returns the final
// state and the sum of squared one-step errors; onestep, if not nil, receives
// the one-step predictions.
func runHoltWinters(y []float64, p hwParams, onestep []float64) hwState {
	var m1, m2 float64
	for i := range period {
		m1 += y[i]
		m2 += y[i+period]
	}
	m1 /= period
	m2 /= period
	st := hwState{phi: p.phi}
	st.trend = (m2 - m1) / period
	// The first-year mean sits at month 5.5; step back to month −1.
	st.level = m1 - 6.5*st.trend
	var sum float64
	for i := range period {
		st.season[i] = (y[i] - m1 + y[i+period] - m2) / 2
		sum += st.season[i]
	}
	for i := range st.season {
		st.season[i] -= sum / period
	}
	a, b, g, phi := p.alpha, p.beta, p.gamma, p.phi
	l, tr := st.level, st.trend
	k := 0
	for t, v := range y {
		s := st.season[k]
		base := l + phi*tr
		pred := base + s
		if onestep != nil {
			onestep[t] = pred
		}
		e := v - pred
		st.sse += e * e
		nl := base + a*e
		tr = phi*tr + b*(nl-l-phi*tr)
		st.season[k] = s + g*(v-base-s)
		l = nl
		if k++; k == period {
			k = 0
		}
	}
	st.level, st.trend, st.n = l, tr, len(y)
	return st
}

// Written in error-correction form the updates above are the usual ones:
// l' = α(y−s) + (1−α)(l+φb), b' = β(l'−l) + (1−β)φb, s' = γ(y−l−φb) + (1−γ)s.

// fitHoltWinters minimises the one-step SSE over (α, β, γ, φ) with
// Nelder–Mead on an unconstrained reparameterisation that keeps
// 0 < α < 1, 0 < β < α, 0 < γ < 1−α and 0.8 ≤ φ ≤ 0.98.
func fitHoltWinters(y []float64) hwParams {
	f := func(x [4]float64) float64 {
		return runHoltWinters(y, toParams(x), nil).sse
	}
	x := nelderMead(f, [4]float64{logit(0.3), logit(0.1), logit(0.15), logit(0.5)}, 80)
	return toParams(x)
}

func toParams(x [4]float64) hwParams {
	a := sigmoid(x[0])
	return hwParams{
		alpha: a,
		beta:  a * sigmoid(x[1]),
		gamma: (1 - a) * sigmoid(x[2]),
		phi:   0.8 + 0.18*sigmoid(x[3]),
	}
}

func sigmoid(x float64) float64 { return 1 / (1 + math.Exp(-x)) }
func logit(p float64) float64   { return math.Log(p / (1 - p)) }

// nelderMead minimises f from x0 with at most maxEval evaluations.
func nelderMead(f func([4]float64) float64, x0 [4]float64, maxEval int) [4]float64 {
	const dim = 4
	var pts [dim + 1][4]float64
	var val [dim + 1]float64
	for i := range pts {
		pts[i] = x0
		if i > 0 {
			pts[i][i-1] += 1.5
		}
		val[i] = f(pts[i])
	}
	evals := dim + 1
	for evals < maxEval {
		// Order: best first, worst last (insertion sort, 5 points).
		for i := 1; i <= dim; i++ {
			for j := i; j > 0 && val[j] < val[j-1]; j-- {
				val[j], val[j-1] = val[j-1], val[j]
				pts[j], pts[j-1] = pts[j-1], pts[j]
			}
		}
		if val[dim]-val[0] <= 1e-8*(math.Abs(val[0])+1e-12) {
			break
		}
		var c [4]float64
		for i := range dim {
			for k := range dim {
				c[k] += pts[i][k] / dim
			}
		}
		at := func(t float64) [4]float64 {
			var p [4]float64
			for k := range dim {
				p[k] = c[k] + t*(pts[dim][k]-c[k])
			}
			return p
		}
		xr := at(-1)
		fr := f(xr)
		evals++
		switch {
		case fr < val[0]:
			xe := at(-2)
			fe := f(xe)
			evals++
			if fe < fr {
				pts[dim], val[dim] = xe, fe
			} else {
				pts[dim], val[dim] = xr, fr
			}
		case fr < val[dim-1]:
			pts[dim], val[dim] = xr, fr
		default:
			t := 0.5
			if fr < val[dim] {
				t = -0.5
			}
			xc := at(t)
			fc := f(xc)
			evals++
			if fc < math.Min(fr, val[dim]) {
				pts[dim], val[dim] = xc, fc
				continue
			}
			for i := 1; i <= dim; i++ {
				for k := range dim {
					pts[i][k] = pts[0][k] + 0.5*(pts[i][k]-pts[0][k])
				}
				val[i] = f(pts[i])
			}
			evals += dim
		}
	}
	best := 0
	for i := range val {
		if val[i] < val[best] {
			best = i
		}
	}
	return pts[best]
}

func mean(y []float64) float64 {
	var s float64
	for _, v := range y {
		s += v
	}
	return s / float64(len(y))
}

// rmsOrZero is sqrt(ss/df), or 0 when there are no degrees of freedom.
func rmsOrZero(ss float64, df int) float64 {
	if df < 1 {
		return 0
	}
	return math.Sqrt(ss / float64(df))
}

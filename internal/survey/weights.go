// Package survey estimates from sample surveys: design weights,
// post-stratification and raking to population margins, weight trimming,
// and weighted means and proportions with confidence intervals by
// linearization, computed as R's survey package computes them (svydesign
// with weights and optional strata and clusters, with-replacement
// approximation; svymean, svyby, postStratify, rake, trimWeights). It is
// pure: slices in, values out, no SQL and no HTTP.
package survey

import (
	"errors"
	"fmt"
	"math"
)

// ErrDesign reports inputs that do not make a survey design: slices of
// different lengths, weights that are not positive and finite, a cell with
// no respondents while its population is not zero.
var ErrDesign = errors.New("survey: invalid design")

// WeightsSummary describes a set of weights as an analyst checks them after
// weighting: their range, the design effect due to unequal weights (Kish:
// n·Σw²/(Σw)²) and the effective sample size it leaves ((Σw)²/Σw²).
type WeightsSummary struct {
	N            int     `json:"n"`
	Sum          float64 `json:"sum"`
	Min          float64 `json:"min"`
	Max          float64 `json:"max"`
	Mean         float64 `json:"mean"`
	DesignEffect float64 `json:"design_effect"`
	EffectiveN   float64 `json:"effective_n"`
}

// Summarize returns the summary of weights w (zero weights, as for
// respondents outside a domain, are left out).
func Summarize(w []float64) WeightsSummary {
	s := WeightsSummary{Min: math.Inf(1), Max: math.Inf(-1)}
	var sq float64
	for _, x := range w {
		if x == 0 {
			continue
		}
		s.N++
		s.Sum += x
		sq += x * x
		s.Min = min(s.Min, x)
		s.Max = max(s.Max, x)
	}
	if s.N == 0 {
		return WeightsSummary{}
	}
	s.Mean = s.Sum / float64(s.N)
	s.EffectiveN = s.Sum * s.Sum / sq
	s.DesignEffect = float64(s.N) / s.EffectiveN
	return s
}

func checkWeights(w []float64) error {
	for i, x := range w {
		if !(x > 0) || math.IsInf(x, 0) {
			return fmt.Errorf("%w: weight %d is %v, not a positive number", ErrDesign, i+1, x)
		}
	}
	return nil
}

// PostStratify returns weights w scaled within each cell so that they add
// up to the cell's population: cell[i] is respondent i's cell (0…len(pop)-1)
// and pop the cells' population totals. A cell with population but no
// respondents cannot be weighted and is an error.
func PostStratify(w []float64, cell []int, pop []float64) ([]float64, error) {
	if len(cell) != len(w) {
		return nil, fmt.Errorf("%w: %d weights, %d cells", ErrDesign, len(w), len(cell))
	}
	sums := make([]float64, len(pop))
	for i, c := range cell {
		if c < 0 || c >= len(pop) {
			return nil, fmt.Errorf("%w: respondent %d is in cell %d of %d", ErrDesign, i+1, c, len(pop))
		}
		sums[c] += w[i]
	}
	for c, s := range sums {
		if s == 0 && pop[c] != 0 {
			return nil, fmt.Errorf("%w: cell %d has a population of %v and no respondents", ErrDesign, c+1, pop[c])
		}
	}
	out := make([]float64, len(w))
	for i, c := range cell {
		out[i] = w[i] * pop[c] / sums[c]
	}
	return out, nil
}

// Margin is one population margin to rake to: Cell[i] is respondent i's
// category (0…len(Pop)-1) and Pop the categories' population totals.
type Margin struct {
	Name string
	Cell []int
	Pop  []float64
}

// RakeOptions bound raking as R's rake() control list does. Epsilon is the
// largest change allowed in any cell of the joint table of all margins
// between two passes for raking to stop; below 1 it is a share of the total
// weight, from 1 up it is in weight units (R's rule; R's default is 1).
type RakeOptions struct {
	MaxIter int
	Epsilon float64
}

// DefaultRakeOptions are those of R's rake(): ten passes, epsilon 1.
var DefaultRakeOptions = RakeOptions{MaxIter: 10, Epsilon: 1}

// RakeResult is the raked weights and how raking went: the passes made,
// whether the joint table settled within epsilon, and the largest change of
// a joint cell after each pass (to show convergence).
type RakeResult struct {
	Weights    []float64 `json:"-"`
	Iterations int       `json:"iterations"`
	Converged  bool      `json:"converged"`
	Deltas     []float64 `json:"deltas"`
	// margins remembers the cells and the weights after each margin's
	// post-stratification in the last pass: the variance of an estimate
	// from raked weights takes them into account, as R's does.
	margins []rakedMargin
}

type rakedMargin struct {
	cell   []int
	ncells int
	w      []float64
}

// Rake adjusts weights w by iterative proportional fitting so that their
// totals match every margin, post-stratifying on each margin in turn until
// the joint table of the margins changes by less than epsilon in a pass, as
// R's rake() does (the same passes and stopping rule give the same weights).
func Rake(w []float64, margins []Margin, opt RakeOptions) (*RakeResult, error) {
	if err := checkWeights(w); err != nil {
		return nil, err
	}
	if len(margins) == 0 {
		return nil, fmt.Errorf("%w: no margins to rake to", ErrDesign)
	}
	if opt.MaxIter <= 0 {
		opt.MaxIter = DefaultRakeOptions.MaxIter
	}
	eps := opt.Epsilon
	if eps <= 0 {
		eps = DefaultRakeOptions.Epsilon
	}
	if eps < 1 {
		var total float64
		for _, x := range w {
			total += x
		}
		eps *= total
	}
	// joint[i] is respondent i's cell in the crossing of all margins; only
	// the crossings that occur are counted.
	joint := make([]int, len(w))
	seen := map[string]int{}
	key := make([]byte, 0, 8*len(margins))
	for i := range w {
		key = key[:0]
		for _, m := range margins {
			if len(m.Cell) != len(w) {
				return nil, fmt.Errorf("%w: margin %s has %d cells for %d weights", ErrDesign, m.Name, len(m.Cell), len(w))
			}
			c := m.Cell[i]
			key = append(key, byte(c), byte(c>>8), byte(c>>16), byte(c>>24))
		}
		j, ok := seen[string(key)]
		if !ok {
			j = len(seen)
			seen[string(key)] = j
		}
		joint[i] = j
	}
	table := func(w []float64) []float64 {
		t := make([]float64, len(seen))
		for i, j := range joint {
			t[j] += w[i]
		}
		return t
	}
	res := &RakeResult{}
	cur := append([]float64(nil), w...)
	old := table(cur)
	for res.Iterations < opt.MaxIter {
		res.margins = res.margins[:0]
		for _, m := range margins {
			next, err := PostStratify(cur, m.Cell, m.Pop)
			if err != nil {
				return nil, fmt.Errorf("margin %s: %w", m.Name, err)
			}
			cur = next
			res.margins = append(res.margins, rakedMargin{cell: m.Cell, ncells: len(m.Pop), w: cur})
		}
		now := table(cur)
		var delta float64
		for j := range now {
			delta = max(delta, math.Abs(now[j]-old[j]))
		}
		res.Deltas = append(res.Deltas, delta)
		if delta < eps {
			res.Converged = true
			break
		}
		old = now
		res.Iterations++
	}
	if res.Converged {
		res.Iterations++
	}
	res.Weights = cur
	return res, nil
}

// Trim caps weights at upper (and raises them to lower), sharing what was
// cut equally among the weights that were within the bounds so that the
// total stays the same, as R's trimWeights() does; strict repeats until no
// weight is outside the bounds after sharing. It returns the new weights
// and how many were trimmed (in any pass).
func Trim(w []float64, lower, upper float64, strict bool) ([]float64, int) {
	out := append([]float64(nil), w...)
	cut := make([]bool, len(w))
	outside := make([]bool, len(w))
	for {
		var trimmings float64
		inside := 0
		for i, x := range out {
			outside[i] = x < lower || x > upper
			if !outside[i] {
				inside++
				continue
			}
			cut[i] = true
			c := max(lower, min(x, upper))
			trimmings += x - c
			out[i] = c
		}
		if inside == len(out) || inside == 0 {
			break
		}
		share := trimmings / float64(inside)
		for i := range out {
			if !outside[i] {
				out[i] += share
			}
		}
		if !strict {
			break
		}
	}
	n := 0
	for _, c := range cut {
		if c {
			n++
		}
	}
	return out, n
}

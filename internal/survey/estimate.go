package survey

import (
	"fmt"
	"math"
	"sort"
)

// Design is a sample as R's svydesign(ids=, strata=, weights=) describes it:
// each respondent's weight, and optionally its stratum and its cluster
// (primary sampling unit). Variances use the with-replacement
// approximation at the first stage, as R does when no fpc is given.
type Design struct {
	weights []float64
	// psu[i] is respondent i's primary sampling unit, numbered 0…npsu-1;
	// stratumOf[p] is unit p's stratum and nPSU[h] the units of stratum h.
	psu       []int
	stratumOf []int
	nPSU      []int
	// raking, when set, makes variances account for the calibration of the
	// weights to population margins (R's "raking" postStrata).
	raking []rakedMargin
	post   *postStratum
}

// NewDesign makes a design from weights w and, when not nil, strata and
// clusters (any integer labels; a cluster is identified within its
// stratum, as svydesign(nest=TRUE) does). A stratum with a single cluster
// cannot give a variance and is an error (R's survey.lonely.psu="fail").
func NewDesign(w []float64, strata, clusters []int) (*Design, error) {
	if err := checkWeights(w); err != nil {
		return nil, err
	}
	n := len(w)
	if strata != nil && len(strata) != n || clusters != nil && len(clusters) != n {
		return nil, fmt.Errorf("%w: %d weights, %d strata, %d clusters", ErrDesign, n, len(strata), len(clusters))
	}
	d := &Design{weights: w, psu: make([]int, n)}
	stratumIdx := map[int]int{}
	type unit struct{ h, c int }
	unitIdx := map[unit]int{}
	for i := range n {
		h, c := 0, i
		if strata != nil {
			h = strata[i]
		}
		if clusters != nil {
			c = clusters[i]
		}
		hi, ok := stratumIdx[h]
		if !ok {
			hi = len(stratumIdx)
			stratumIdx[h] = hi
			d.nPSU = append(d.nPSU, 0)
		}
		p, ok := unitIdx[unit{hi, c}]
		if !ok {
			p = len(d.stratumOf)
			unitIdx[unit{hi, c}] = p
			d.stratumOf = append(d.stratumOf, hi)
			d.nPSU[hi]++
		}
		d.psu[i] = p
	}
	labels := make(map[int]int, len(stratumIdx))
	for h, hi := range stratumIdx {
		labels[hi] = h
	}
	for hi, k := range d.nPSU {
		if k < 2 {
			return nil, fmt.Errorf("%w: stratum %d has a single sampling unit", ErrDesign, labels[hi])
		}
	}
	return d, nil
}

// Weights returns the design's weights.
func (d *Design) Weights() []float64 { return d.weights }

// Raked returns the design with its weights replaced by the result of
// raking them, variances then accounting for the raking as R's do.
func (d *Design) Raked(r *RakeResult) *Design {
	c := *d
	c.weights = r.Weights
	c.raking = r.margins
	c.post = nil
	return &c
}

// RakedTo returns the design whose weights were already raked to margins
// (weights stored after weighting), variances accounting for the raking
// as R's do. R takes out each margin's cell means with the weights after
// that margin's step of the last pass; once raking has converged these
// are the final weights, which stand for them here.
func (d *Design) RakedTo(margins []Margin) (*Design, error) {
	c := *d
	c.post, c.raking = nil, nil
	for _, m := range margins {
		if len(m.Cell) != len(d.weights) {
			return nil, fmt.Errorf("%w: margin %s has %d cells for %d weights", ErrDesign, m.Name, len(m.Cell), len(d.weights))
		}
		c.raking = append(c.raking, rakedMargin{cell: m.Cell, ncells: len(m.Pop), w: d.weights})
	}
	return &c, nil
}

// Estimate is a weighted mean or proportion with its standard error, 95 %
// confidence interval, the respondents behind it (unweighted) and their
// weight; Reliable is false when fewer than MinRespondents answered or the
// relative standard error is above MaxRSE.
type Estimate struct {
	Value       float64 `json:"estimate"`
	SE          float64 `json:"se"`
	CILow       float64 `json:"ci_low"`
	CIHigh      float64 `json:"ci_high"`
	N           float64 `json:"n"`
	UnweightedN int     `json:"unweighted_n"`
	Reliable    bool    `json:"reliable"`
}

// The rules that make an estimate unreliable: too few respondents, or too
// wide an error relative to the estimate.
const (
	MinRespondents = 30
	MaxRSE         = 0.30
)

// z975 is the normal quantile R's confint() uses for a 95 % interval.
const z975 = 1.959963984540054

// RSE is the relative standard error, se/|estimate| (+Inf at zero).
func (e Estimate) RSE() float64 {
	if e.Value == 0 {
		return math.Inf(1)
	}
	return e.SE / math.Abs(e.Value)
}

func finish(e Estimate) Estimate {
	e.CILow = e.Value - z975*e.SE
	e.CIHigh = e.Value + z975*e.SE
	e.Reliable = e.UnweightedN >= MinRespondents && e.RSE() <= MaxRSE
	return e
}

// Mean estimates the weighted mean of y over the respondents for whom
// in(i) is true (nil: everyone); a NaN in y is a missing answer, left out
// as R's na.rm=TRUE does (the respondent stays in the design with weight
// zero, so domains are estimated correctly).
func (d *Design) Mean(y []float64, in func(i int) bool) (Estimate, error) {
	if len(y) != len(d.weights) {
		return Estimate{}, fmt.Errorf("%w: %d answers for %d weights", ErrDesign, len(y), len(d.weights))
	}
	dom := make([]int, len(y))
	for i := range dom {
		if in != nil && !in(i) {
			dom[i] = -1
		}
	}
	return d.domainMeans(y, dom, 1)[0], nil
}

// variances gives the with-replacement variance of the totals of k
// columns of influence values z (respondent i's value for column j at
// z[i*k+j]): cluster totals, centred within strata, scaled by
// n_h/(n_h-1), after removing what calibration to population margins
// explains. Columns are done together so that each pass over the
// respondents serves every domain of a breakdown.
func (d *Design) variances(z []float64, k int) []float64 {
	if d.post != nil {
		d.post.adjust(z, k)
	}
	if len(d.raking) > 0 {
		adjustRaking(z, k, d.raking)
	}
	tot := make([]float64, len(d.stratumOf)*k)
	for i, p := range d.psu {
		row := z[i*k : i*k+k]
		t := tot[p*k : p*k+k]
		for j, v := range row {
			t[j] += v
		}
	}
	mean := make([]float64, len(d.nPSU)*k)
	for p, h := range d.stratumOf {
		for j := range k {
			mean[h*k+j] += tot[p*k+j]
		}
	}
	for h, n := range d.nPSU {
		for j := range k {
			mean[h*k+j] /= float64(n)
		}
	}
	ss := make([]float64, len(d.nPSU)*k)
	for p, h := range d.stratumOf {
		for j := range k {
			e := tot[p*k+j] - mean[h*k+j]
			ss[h*k+j] += e * e
		}
	}
	v := make([]float64, k)
	for h, n := range d.nPSU {
		f := float64(n) / float64(n-1)
		for j := range k {
			v[j] += f * ss[h*k+j]
		}
	}
	return v
}

// Proportions estimates the share of each category of a single-choice
// answer: cat[i] is respondent i's category (0…k-1, negative when
// missing). Each share is the mean of the category's indicator, as
// svymean(~factor(x)) gives.
func (d *Design) Proportions(cat []int, k int, in func(i int) bool) ([]Estimate, error) {
	out := make([]Estimate, k)
	y := make([]float64, len(cat))
	for c := range k {
		for i, v := range cat {
			switch {
			case v < 0:
				y[i] = math.NaN()
			case v == c:
				y[i] = 1
			default:
				y[i] = 0
			}
		}
		e, err := d.Mean(y, in)
		if err != nil {
			return nil, err
		}
		out[c] = e
	}
	return out, nil
}

// Group is one domain's estimate in a breakdown.
type Group struct {
	Key string `json:"key"`
	Estimate
}

// By estimates the mean of y within each domain of a breakdown, as
// svyby(~y, ~by, design, svymean) does: by[i] is respondent i's domain
// (empty when it belongs to none). Domains come back sorted by key.
func (d *Design) By(y []float64, by []string) ([]Group, error) {
	if len(by) != len(y) {
		return nil, fmt.Errorf("%w: %d answers, %d domains", ErrDesign, len(y), len(by))
	}
	idx := map[string]int{}
	dom := make([]int, len(by))
	for i, k := range by {
		if k == "" {
			dom[i] = -1
			continue
		}
		j, ok := idx[k]
		if !ok {
			j = len(idx)
			idx[k] = j
		}
		dom[i] = j
	}
	keys := make([]string, 0, len(idx))
	for k := range idx {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	ests := d.domainMeans(y, dom, len(idx))
	out := make([]Group, 0, len(keys))
	for _, k := range keys {
		out = append(out, Group{Key: k, Estimate: ests[idx[k]]})
	}
	return out, nil
}

// domainMeans estimates the mean of y in each of k domains at once
// (dom[i] is respondent i's domain, negative for none).
func (d *Design) domainMeans(y []float64, dom []int, k int) []Estimate {
	sw := make([]float64, k)
	swy := make([]float64, k)
	n := make([]int, k)
	for i, w := range d.weights {
		j := dom[i]
		if j < 0 || math.IsNaN(y[i]) {
			continue
		}
		sw[j] += w
		swy[j] += w * y[i]
		n[j]++
	}
	mean := make([]float64, k)
	for j := range k {
		mean[j] = swy[j] / sw[j]
	}
	z := make([]float64, len(y)*k)
	for i, w := range d.weights {
		j := dom[i]
		if j < 0 || math.IsNaN(y[i]) {
			continue
		}
		z[i*k+j] = w * (y[i] - mean[j]) / sw[j]
	}
	v := d.variances(z, k)
	out := make([]Estimate, k)
	for j := range k {
		if n[j] == 0 {
			out[j] = Estimate{Value: math.NaN(), SE: math.NaN(), CILow: math.NaN(), CIHigh: math.NaN()}
			continue
		}
		out[j] = finish(Estimate{Value: mean[j], SE: math.Sqrt(v[j]), N: sw[j], UnweightedN: n[j]})
	}
	return out
}

// Difference is the change of an estimate between two independent samples
// (two waves), with its standard error and the two-sided p-value of the
// normal test that there was no change.
type Difference struct {
	Value       float64 `json:"difference"`
	SE          float64 `json:"se"`
	CILow       float64 `json:"ci_low"`
	CIHigh      float64 `json:"ci_high"`
	Z           float64 `json:"z"`
	P           float64 `json:"p"`
	Significant bool    `json:"significant"`
}

// Change tests the change from a to b, two estimates from independent
// samples, at the 5 % level.
func Change(a, b Estimate) Difference {
	d := Difference{Value: b.Value - a.Value, SE: math.Sqrt(a.SE*a.SE + b.SE*b.SE)}
	d.CILow = d.Value - z975*d.SE
	d.CIHigh = d.Value + z975*d.SE
	if d.SE > 0 {
		d.Z = d.Value / d.SE
		d.P = math.Erfc(math.Abs(d.Z) / math.Sqrt2)
	} else {
		d.P = math.NaN()
	}
	d.Significant = d.P < 0.05
	return d
}

// postStratum remembers a post-stratification for the variance: each
// respondent's cell and weights before (old) and after (w).
type postStratum struct {
	cell   []int
	ncells int
	old, w []float64
}

// adjust removes from the k columns of influence values z what the
// post-stratification explains, as R's svyrecvar does for an ordinary
// postStrata.
func (p *postStratum) adjust(z []float64, k int) {
	num := make([]float64, p.ncells*k)
	den := make([]float64, p.ncells)
	for i, c := range p.cell {
		f := p.old[i] / p.w[i]
		for j := range k {
			num[c*k+j] += z[i*k+j] * f
		}
		den[c] += p.old[i]
	}
	for i, c := range p.cell {
		for j := range k {
			z[i*k+j] -= num[c*k+j] / den[c] * p.w[i]
		}
	}
}

// adjustRaking removes from the k columns of z what raking to the margins
// explains: ten rounds of taking out each margin's cell means of z/w,
// scaled back by w, as R's svyrecvar does for "raking" postStrata.
func adjustRaking(z []float64, k int, margins []rakedMargin) {
	for range 10 {
		for _, m := range margins {
			sums := make([]float64, m.ncells*k)
			counts := make([]float64, m.ncells)
			for i, c := range m.cell {
				inv := 1 / m.w[i]
				row := z[i*k : i*k+k]
				s := sums[c*k : c*k+k]
				for j, v := range row {
					s[j] += v * inv
				}
				counts[c]++
			}
			for c, n := range counts {
				for j := range k {
					if n > 0 {
						sums[c*k+j] /= n
					}
				}
			}
			for i, c := range m.cell {
				w := m.w[i]
				row := z[i*k : i*k+k]
				s := sums[c*k : c*k+k]
				for j := range row {
					row[j] -= w * s[j]
				}
			}
		}
	}
}

// PostStratified returns the design with its weights post-stratified to
// the population totals pop of cells cell (see PostStratify), variances
// then accounting for it as R's postStratify() makes them.
func (d *Design) PostStratified(cell []int, pop []float64) (*Design, error) {
	w, err := PostStratify(d.weights, cell, pop)
	if err != nil {
		return nil, err
	}
	c := *d
	c.weights = w
	c.raking = nil
	c.post = &postStratum{cell: cell, ncells: len(pop), old: d.weights, w: w}
	return &c, nil
}

package survey

import (
	"errors"
	"math"
	"math/rand/v2"
	"strconv"
	"testing"
)

func TestSummarize(t *testing.T) {
	s := Summarize([]float64{1, 1, 2, 4, 0})
	// Σw = 8, Σw² = 22: effective n 64/22, design effect 4·22/64.
	if s.N != 4 || s.Min != 1 || s.Max != 4 || s.Sum != 8 || s.Mean != 2 {
		t.Errorf("got %+v, want n 4, min 1, max 4, sum 8, mean 2", s)
	}
	if math.Abs(s.EffectiveN-64.0/22) > 1e-12 || math.Abs(s.DesignEffect-88.0/64) > 1e-12 {
		t.Errorf("got effective n %v, deff %v; want %v, %v", s.EffectiveN, s.DesignEffect, 64.0/22, 88.0/64)
	}
	if eq := Summarize([]float64{3, 3, 3}); eq.DesignEffect != 1 || eq.EffectiveN != 3 {
		t.Errorf("equal weights: got deff %v, effective n %v; want 1 and 3", eq.DesignEffect, eq.EffectiveN)
	}
	if (Summarize(nil) != WeightsSummary{}) {
		t.Error("no weights: want the zero summary")
	}
}

func TestDesignRefusesBadInput(t *testing.T) {
	for _, tt := range []struct {
		name             string
		w                []float64
		strata, clusters []int
	}{
		{"zero weight", []float64{1, 0, 2}, nil, nil},
		{"negative weight", []float64{1, -1, 2}, nil, nil},
		{"NaN weight", []float64{1, math.NaN()}, nil, nil},
		{"infinite weight", []float64{1, math.Inf(1)}, nil, nil},
		{"strata of another length", []float64{1, 2}, []int{1}, nil},
		{"clusters of another length", []float64{1, 2}, nil, []int{1, 2, 3}},
		{"stratum with one cluster", []float64{1, 2, 3, 4}, []int{1, 1, 2, 2}, []int{1, 1, 1, 2}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := NewDesign(tt.w, tt.strata, tt.clusters); !errors.Is(err, ErrDesign) {
				t.Errorf("got %v, want ErrDesign", err)
			}
		})
	}
	if _, err := PostStratify([]float64{1, 1}, []int{0, 0}, []float64{10, 5}); !errors.Is(err, ErrDesign) {
		t.Errorf("cell with population and no respondents: got %v, want ErrDesign", err)
	}
	if _, err := PostStratify([]float64{1, 1}, []int{0, 2}, []float64{10, 5}); !errors.Is(err, ErrDesign) {
		t.Errorf("respondent outside the cells: got %v, want ErrDesign", err)
	}
	if _, err := Rake([]float64{1, 1}, nil, DefaultRakeOptions); !errors.Is(err, ErrDesign) {
		t.Errorf("no margins: got %v, want ErrDesign", err)
	}
	d, _ := NewDesign([]float64{1, 1}, nil, nil)
	if _, err := d.Mean([]float64{1}, nil); !errors.Is(err, ErrDesign) {
		t.Errorf("answers of another length: got %v, want ErrDesign", err)
	}
}

func TestReliability(t *testing.T) {
	mk := func(n int, p float64) Estimate {
		w := make([]float64, n)
		y := make([]float64, n)
		for i := range n {
			w[i] = 1
			if float64(i) < p*float64(n) {
				y[i] = 1
			}
		}
		d, err := NewDesign(w, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		e, err := d.Mean(y, nil)
		if err != nil {
			t.Fatal(err)
		}
		return e
	}
	for _, tt := range []struct {
		name string
		n    int
		p    float64
		want bool
	}{
		{"many respondents, common answer", 400, 0.5, true},
		{"29 respondents", 29, 0.5, false},
		{"30 respondents", 30, 0.5, true},
		{"rare answer, RSE above 30 %", 100, 0.05, false},
		{"no one answered so", 100, 0, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			e := mk(tt.n, tt.p)
			if e.Reliable != tt.want {
				t.Errorf("got reliable %v (n %d, rse %.3f), want %v", e.Reliable, e.UnweightedN, e.RSE(), tt.want)
			}
			if e.UnweightedN != tt.n || math.Abs(e.CIHigh-e.CILow-2*z975*e.SE) > 1e-12 {
				t.Errorf("got n %d, interval %v–%v for se %v", e.UnweightedN, e.CILow, e.CIHigh, e.SE)
			}
		})
	}
}

func TestChange(t *testing.T) {
	a := Estimate{Value: 0.47, SE: 0.01}
	b := Estimate{Value: 0.52, SE: 0.01}
	d := Change(a, b)
	// z = 0.05/√0.0002 = 3.5355; two-sided p = 0.000407.
	if math.Abs(d.Value-0.05) > 1e-12 || math.Abs(d.Z-3.5355339) > 1e-6 || math.Abs(d.P-0.00040695) > 1e-7 || !d.Significant {
		t.Errorf("got %+v, want difference 0.05, z 3.5355, p 0.000407, significant", d)
	}
	if d := Change(a, Estimate{Value: 0.48, SE: 0.01}); d.Significant || math.Abs(d.P-0.4795) > 1e-4 {
		t.Errorf("a change of one point: got %+v, want p 0.4795, not significant", d)
	}
}

func TestRakeMatchesMargins(t *testing.T) {
	f := mustFixture(t)
	margins := []Margin{
		{Name: "region", Cell: cells(t, f.region, "A", "B", "C"), Pop: []float64{30000, 45000, 25000}},
		{Name: "sex", Cell: cells(t, f.sex, "f", "m"), Pop: []float64{52000, 48000}},
	}
	r, err := Rake(f.w, margins, RakeOptions{MaxIter: 100, Epsilon: 1e-10})
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range margins {
		got := make([]float64, len(m.Pop))
		for i, c := range m.Cell {
			got[c] += r.Weights[i]
		}
		for c := range got {
			if math.Abs(got[c]-m.Pop[c]) > 1e-4 {
				t.Errorf("margin %s cell %d: got total %v, want %v", m.Name, c, got[c], m.Pop[c])
			}
		}
	}
	if len(r.Deltas) != r.Iterations || r.Deltas[len(r.Deltas)-1] >= 1e-10*100000 {
		t.Errorf("got %d passes and deltas %v; want one delta per pass, the last below epsilon", r.Iterations, r.Deltas)
	}
	short, err := Rake(f.w, margins, RakeOptions{MaxIter: 1, Epsilon: 1e-12})
	if err != nil {
		t.Fatal(err)
	}
	if short.Converged || short.Iterations != 1 {
		t.Errorf("one pass allowed: got converged %v after %d passes, want not converged after 1", short.Converged, short.Iterations)
	}
}

func TestTrimKeepsTotal(t *testing.T) {
	w := []float64{1, 2, 3, 10, 20}
	got, n := Trim(w, math.Inf(-1), 8, true)
	var sum float64
	for _, x := range got {
		sum += x
		if x > 8+1e-12 {
			t.Errorf("weight %v above the cap 8", x)
		}
	}
	if math.Abs(sum-36) > 1e-9 || n != 5 && n < 2 {
		t.Errorf("got %v (sum %v, %d trimmed), want sum 36", got, sum, n)
	}
	same, n := Trim(w, 0, 100, false)
	if n != 0 || same[4] != 20 {
		t.Errorf("nothing outside the bounds: got %v, %d trimmed", same, n)
	}
}

// syntheticSample is a sample of n respondents over 9 territories, 2 sexes
// and 6 age groups, with a yes/no answer.
func syntheticSample(n int) (w, y []float64, terr, sex, age []int, terrKey []string) {
	rng := rand.New(rand.NewPCG(1, 2))
	w, y = make([]float64, n), make([]float64, n)
	terr, sex, age, terrKey = make([]int, n), make([]int, n), make([]int, n), make([]string, n)
	for i := range n {
		w[i] = 50 + 100*rng.Float64()
		terr[i], sex[i], age[i] = rng.IntN(9), rng.IntN(2), rng.IntN(6)
		terrKey[i] = "T" + strconv.Itoa(terr[i])
		if rng.Float64() < 0.4+0.05*float64(sex[i]) {
			y[i] = 1
		}
	}
	return
}

func benchMargins(terr, sex, age []int) []Margin {
	pop := func(k int, total float64) []float64 {
		p := make([]float64, k)
		for i := range p {
			p[i] = total / float64(k) * (1 + 0.1*float64(i%3))
		}
		var s float64
		for _, x := range p {
			s += x
		}
		for i := range p {
			p[i] *= total / s
		}
		return p
	}
	return []Margin{
		{Name: "territory", Cell: terr, Pop: pop(9, 7e6)},
		{Name: "sex", Cell: sex, Pop: pop(2, 7e6)},
		{Name: "age", Cell: age, Pop: pop(6, 7e6)},
	}
}

// BenchmarkRake100k rakes 100,000 responses to three margins (9 × 2 × 6
// cells) until the joint table moves by less than a millionth of the total.
func BenchmarkRake100k(b *testing.B) {
	w, _, terr, sex, age, _ := syntheticSample(100000)
	m := benchMargins(terr, sex, age)
	b.ResetTimer()
	for b.Loop() {
		r, err := Rake(w, m, RakeOptions{MaxIter: 50, Epsilon: 1e-6})
		if err != nil || !r.Converged {
			b.Fatal(err, r.Converged)
		}
	}
}

// BenchmarkEstimateByTerritory100k estimates a proportion by territory over
// 100,000 raked responses, the variance accounting for the raking.
func BenchmarkEstimateByTerritory100k(b *testing.B) {
	w, y, terr, sex, age, key := syntheticSample(100000)
	r, err := Rake(w, benchMargins(terr, sex, age), RakeOptions{MaxIter: 50, Epsilon: 1e-6})
	if err != nil {
		b.Fatal(err)
	}
	d, err := NewDesign(w, nil, nil)
	if err != nil {
		b.Fatal(err)
	}
	d = d.Raked(r)
	b.ResetTimer()
	for b.Loop() {
		g, err := d.By(y, key)
		if err != nil || len(g) != 9 {
			b.Fatal(err, len(g))
		}
	}
}

package survey

import (
	"encoding/csv"
	"math"
	"os"
	"strconv"
	"strings"
	"testing"
)

// The reference values in testdata were computed by R's survey package
// (testdata/reference.R) on testdata/fixture.csv; Aldyn must give the same
// weights, estimates and standard errors to 1e-6.

type fixture struct {
	id, stratum, psu, psuGlobal []int
	region, sex, age            []string
	w, safe, trust, income      []float64
}

func mustReadCSV(tb testing.TB, path string) []map[string]string {
	tb.Helper()
	f, err := os.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		tb.Fatal(err)
	}
	out := make([]map[string]string, 0, len(recs)-1)
	for _, r := range recs[1:] {
		m := map[string]string{}
		for j, h := range recs[0] {
			m[h] = r[j]
		}
		out = append(out, m)
	}
	return out
}

func num(tb testing.TB, s string) float64 {
	tb.Helper()
	if s == "" || s == "NA" {
		return math.NaN()
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		tb.Fatal(err)
	}
	return v
}

func mustFixture(tb testing.TB) *fixture {
	tb.Helper()
	var f fixture
	for _, r := range mustReadCSV(tb, "testdata/fixture.csv") {
		f.id = append(f.id, int(num(tb, r["id"])))
		f.stratum = append(f.stratum, int(num(tb, r["stratum"])))
		f.psu = append(f.psu, int(num(tb, r["psu"])))
		f.psuGlobal = append(f.psuGlobal, int(num(tb, r["psu_global"])))
		f.region = append(f.region, r["region"])
		f.sex = append(f.sex, r["sex"])
		f.age = append(f.age, r["age"])
		f.w = append(f.w, num(tb, r["w"]))
		f.safe = append(f.safe, num(tb, r["safe"]))
		f.trust = append(f.trust, num(tb, r["trust"]))
		f.income = append(f.income, num(tb, r["income"]))
	}
	return &f
}

// cells numbers the categories of labels in the order of levels.
func cells(tb testing.TB, labels []string, levels ...string) []int {
	tb.Helper()
	idx := map[string]int{}
	for i, l := range levels {
		idx[l] = i
	}
	out := make([]int, len(labels))
	for i, l := range labels {
		c, ok := idx[l]
		if !ok {
			tb.Fatalf("label %q not in %v", l, levels)
		}
		out[i] = c
	}
	return out
}

const tolerance = 1e-6

func near(a, b float64) bool { return math.Abs(a-b) <= tolerance }

func TestMatchesRSurveyPackage(t *testing.T) {
	f := mustFixture(t)
	want := map[string]map[string][2]float64{}
	for _, r := range mustReadCSV(t, "testdata/reference.csv") {
		if want[r["name"]] == nil {
			want[r["name"]] = map[string][2]float64{}
		}
		want[r["name"]][r["key"]] = [2]float64{num(t, r["estimate"]), num(t, r["se"])}
	}
	sex := cells(t, f.sex, "f", "m")
	region := cells(t, f.region, "A", "B", "C")
	age := cells(t, f.age, "18-29", "30-49", "50+")
	popSex := []float64{52000, 48000}
	margins := []Margin{
		{Name: "region", Cell: region, Pop: []float64{30000, 45000, 25000}},
		{Name: "sex", Cell: sex, Pop: popSex},
		{Name: "age", Cell: age, Pop: []float64{28000, 40000, 32000}},
	}

	simple, err := NewDesign(f.w, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	full, err := NewDesign(f.w, f.stratum, f.psu)
	if err != nil {
		t.Fatal(err)
	}
	clus, err := NewDesign(f.w, nil, f.psuGlobal)
	if err != nil {
		t.Fatal(err)
	}
	post, err := full.PostStratified(sex, popSex)
	if err != nil {
		t.Fatal(err)
	}
	raking, err := Rake(f.w, margins, DefaultRakeOptions)
	if err != nil {
		t.Fatal(err)
	}
	tightRaking, err := Rake(f.w, margins, RakeOptions{MaxIter: 50, Epsilon: 1e-9})
	if err != nil {
		t.Fatal(err)
	}
	if !raking.Converged || !tightRaking.Converged || tightRaking.Iterations <= raking.Iterations {
		t.Errorf("raking: converged %v in %d passes, tight %v in %d; want both converged, tight in more passes",
			raking.Converged, raking.Iterations, tightRaking.Converged, tightRaking.Iterations)
	}
	// Weights raked earlier and stored, read back with their margins,
	// give R's intervals under raking too.
	stored, err := NewDesign(tightRaking.Weights, f.stratum, f.psu)
	if err != nil {
		t.Fatal(err)
	}
	storedRaked, err := stored.RakedTo(margins)
	if err != nil {
		t.Fatal(err)
	}
	designs := map[string]*Design{
		"weights": simple, "strata_clusters": full, "clusters": clus, "post_sex": post,
		"raked": full.Raked(raking), "raked_tight": full.Raked(tightRaking),
	}
	storedKeys := 0
	for name, m := range want {
		if strings.HasPrefix(name, "raked_tight/") {
			want["stored_raked/"+strings.TrimPrefix(name, "raked_tight/")] = m
			storedKeys += len(m)
		}
	}
	if storedKeys == 0 {
		t.Fatal("the reference has no raked_tight values")
	}
	designs["stored_raked"] = storedRaked
	// Without the margins, the stored weights' intervals ignore the
	// raking and differ from R's.
	if e, _ := stored.Mean(f.safe, nil); near(e.SE, want["raked_tight/mean/safe"]["safe"][1]) {
		t.Error("the stored weights alone give R's raked standard error: the fixture does not test the raking's residuals")
	}

	checked := 0
	check := func(name, key string, got Estimate) {
		t.Helper()
		w, ok := want[name][key]
		if !ok {
			t.Errorf("%s %s: no reference value", name, key)
			return
		}
		if !near(got.Value, w[0]) || !near(got.SE, w[1]) {
			t.Errorf("%s %s: got %.12g (se %.12g), want %.12g (se %.12g)", name, key, got.Value, got.SE, w[0], w[1])
		}
		checked++
	}
	for prefix, d := range designs {
		for _, v := range []struct {
			name string
			y    []float64
		}{{"safe", f.safe}, {"trust", f.trust}, {"income", f.income}} {
			e, err := d.Mean(v.y, nil)
			if err != nil {
				t.Fatal(err)
			}
			check(prefix+"/mean/"+v.name, v.name, e)
		}
		byRegion, err := d.By(f.safe, f.region)
		if err != nil {
			t.Fatal(err)
		}
		for _, g := range byRegion {
			check(prefix+"/by_region/safe", g.Key, g.Estimate)
		}
		bySex, err := d.By(f.trust, f.sex)
		if err != nil {
			t.Fatal(err)
		}
		for _, g := range bySex {
			check(prefix+"/by_sex/trust", g.Key, g.Estimate)
		}
	}
	level := make([]int, len(f.trust))
	for i, v := range f.trust {
		level[i] = int(v) - 1
	}
	props, err := simple.Proportions(level, 5, nil)
	if err != nil {
		t.Fatal(err)
	}
	for c, e := range props {
		check("weights/mean/trust_level", "factor(trust)"+strconv.Itoa(c+1), e)
	}
	total := 0
	for _, m := range want {
		total += len(m)
	}
	if checked != total {
		t.Errorf("checked %d reference values of %d", checked, total)
	}

	// Weights.
	trimmed, n := Trim(tightRaking.Weights, math.Inf(-1), 260, false)
	strict, _ := Trim(tightRaking.Weights, math.Inf(-1), 260, true)
	if n == 0 {
		t.Error("no weight above the cap of 260: the fixture does not test trimming")
	}
	gotWeights := map[string][]float64{
		"post": post.Weights(), "raked": raking.Weights, "raked_tight": tightRaking.Weights,
		"trimmed": trimmed, "trimmed_strict": strict,
	}
	for i, r := range mustReadCSV(t, "testdata/reference_weights.csv") {
		for name, got := range gotWeights {
			if w := num(t, r[name]); !near(got[i], w) {
				t.Errorf("%s weight of respondent %s: got %.12g, want %.12g", name, r["id"], got[i], w)
			}
		}
	}
}

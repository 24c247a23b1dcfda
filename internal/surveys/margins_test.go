package surveys

import (
	"bytes"
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/aldyn-kg/aldyn/internal/surveyform"
)

// The shipped demo margins pass the checks an uploaded table must pass,
// for the standard survey: three margins of one population.
func TestDemoMargins(t *testing.T) {
	sv := Standard("demo", "41700000000000")
	ms, err := ReadMarginsFor(bytes.NewReader(DemoMarginsCSV()), sv, func(code string) bool { return strings.HasPrefix(code, "417") && len(code) == 14 })
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) != 3 || ms[0].Variable != ByTerritory || ms[1].Variable != "sex" || ms[2].Variable != "age_group" {
		t.Fatalf("got %+v, want territory, sex, age_group", ms)
	}
	var sums []float64
	for _, m := range ms {
		var s float64
		for _, v := range m.Totals {
			s += v
		}
		sums = append(sums, s)
	}
	var districts float64
	for _, d := range DemoDistricts() {
		districts += d.Population
	}
	if len(DemoDistricts()) != len(ms[0].Totals) || districts != sums[0] {
		t.Errorf("demo districts: got %d summing to %.0f, want the territory margin's %d summing to %.0f", len(DemoDistricts()), districts, len(ms[0].Totals), sums[0])
	}
	for i, s := range sums[1:] {
		if math.Abs(s-sums[0]) > 1e-6 {
			t.Errorf("margin %s sums to %.2f, want the territory margin's %.0f", ms[i+1].Variable, s, sums[0])
		}
	}
}

// Raking a demo wave (built from the demo margins) to all three demo
// margins: it converges, every margin cell gets its target share to 1e-6,
// and the headline figures stay those of the Concept.
func TestDemoMarginsRakeDemoWaves(t *testing.T) {
	sv := Standard("demo", "41700000000000")
	for i, w := range DemoWaves {
		rs := Demo(w, DemoDistricts(), uint64(i+1))
		res, err := Weight(sv, rs, DemoMargins(), 0)
		if err != nil {
			t.Fatal(err)
		}
		if !res.Converged || len(res.Cells) != 38+2+6 {
			t.Fatalf("wave %s: converged %v with %d cells, want converged with 46", w.Wave, res.Converged, len(res.Cells))
		}
		for _, c := range res.Cells {
			if math.Abs(c.WeightedShare-c.TargetShare) > 1e-6 {
				t.Errorf("wave %s: %s %s: weighted share %.9f, target %.9f", w.Wave, c.Variable, c.Category, c.WeightedShare, c.TargetShare)
			}
		}
		if res.After.DesignEffect < 1 || res.After.Min <= 0 || res.After.Max < res.After.Min {
			t.Errorf("wave %s: summary %+v", w.Wave, res.After)
		}
		for j, r := range rs {
			r.Weight = res.Weights[j]
		}
		safe, err := Share(mustSample(t, sv, rs), "safe_night", SafeYes, SafeNo, "sex")
		if err != nil {
			t.Fatal(err)
		}
		rep, err := ReportingRate(mustSample(t, sv, rs), "")
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(*safe[0].Estimate-100*w.WomenSafeNight) > 2 || math.Abs(*rep[0].Estimate-100*w.ReportingRate) > 2 {
			t.Errorf("wave %s raked: women safe %.1f, reporting %.1f; want %.1f and %.1f ± 2", w.Wave, *safe[0].Estimate, *rep[0].Estimate,
				100*w.WomenSafeNight, 100*w.ReportingRate)
		}
		t.Logf("wave %s raked to the demo margins in %d passes: deff %.3f; women safe after dark %.1f %%, reporting %.1f %%",
			w.Wave, res.Iterations, res.After.DesignEffect, *safe[0].Estimate, *rep[0].Estimate)
	}
}

// Every rule of a margins table, broken alone, is reported with its row,
// column and reason.
func TestReadMarginsForRules(t *testing.T) {
	sv := Standard("demo", "41700000000000")
	known := func(code string) bool { return code == "41702000000000" || code == "41703000000000" }
	head := "variable,category,population\n"
	good := "territory,41702000000000,100\nterritory,41703000000000,100\n"
	for _, tc := range []struct {
		name, csv string
		want      surveyform.RowError
	}{
		{"unknown column", "variable,category,population,year\n" + good, surveyform.RowError{Row: 1, Column: "year", Reason: "surveys.error.column_unknown"}},
		{"missing column", "variable,population\n", surveyform.RowError{Row: 1, Column: "category", Reason: "surveys.error.column_missing"}},
		{"unknown variable", head + good + "religion,x,200\n", surveyform.RowError{Row: 4, Column: "variable", Reason: "surveys.error.margin_variable_unknown"}},
		{"multiple-choice variable", head + good + "victim_12m,theft,200\n", surveyform.RowError{Row: 4, Column: "variable", Reason: "surveys.error.margin_variable_unknown"}},
		{"unknown choice", head + good + "sex,f,100\nsex,other,100\n", surveyform.RowError{Row: 5, Column: "category", Reason: "surveys.error.margin_category_unknown"}},
		{"unknown territory", head + good + "territory,41799000000000,0\n", surveyform.RowError{Row: 4, Column: "category", Reason: "surveys.error.margin_category_unknown"}},
		{"negative", head + "territory,41702000000000,-1\n", surveyform.RowError{Row: 2, Column: "population", Reason: "surveys.error.population"}},
		{"not a number", head + "territory,41702000000000,1e\n", surveyform.RowError{Row: 2, Column: "population", Reason: "surveys.error.population"}},
		{"not finite", head + "territory,41702000000000,NaN\n", surveyform.RowError{Row: 2, Column: "population", Reason: "surveys.error.population"}},
		{"blank variable", head + ",f,1\n", surveyform.RowError{Row: 2, Column: "variable", Reason: "surveyform.error.required"}},
		{"blank category", head + "sex,,1\n", surveyform.RowError{Row: 2, Column: "category", Reason: "surveyform.error.required"}},
		{"duplicate", head + good + "territory,41702000000000,5\n", surveyform.RowError{Row: 4, Column: "category", Reason: "surveys.error.duplicate_category"}},
		// 200 against 201.01: 0.505 % apart.
		{"sums apart", head + good + "sex,f,100\nsex,m,101.01\n", surveyform.RowError{Row: 4, Column: "population", Reason: "surveys.error.margin_sum"}},
	} {
		_, err := ReadMarginsFor(strings.NewReader(tc.csv), sv, known)
		var rows surveyform.RowErrors
		if !errors.As(err, &rows) || len(rows) != 1 || rows[0] != tc.want {
			t.Errorf("%s: got %v, want exactly %+v", tc.name, err, tc.want)
		}
	}
	// 200 against 200.99: 0.495 % apart, within the tolerance.
	if _, err := ReadMarginsFor(strings.NewReader(head+good+"sex,f,100\nsex,m,100.99\n"), sv, known); err != nil {
		t.Errorf("sums 0.495 %% apart: got %v, want them accepted", err)
	}
	// Every bad row at once, in row order.
	_, err := ReadMarginsFor(strings.NewReader(head+"sex,f,x\nreligion,a,1\nsex,q,1\n"), sv, known)
	var rows surveyform.RowErrors
	if !errors.As(err, &rows) || len(rows) != 3 || rows[0].Row != 2 || rows[1].Row != 3 || rows[2].Row != 4 {
		t.Errorf("three bad rows: got %v", err)
	}
}

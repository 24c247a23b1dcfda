package demo_test

import (
	"context"
	"math"
	"testing"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/demo"
	"github.com/aldyn-kg/aldyn/internal/store/storetest"
	"github.com/aldyn-kg/aldyn/internal/surveys"
)

// The demo national survey, stored and read back, reproduces the
// Concept's figures in both waves; loading twice loads once.
func TestLoadSurveys(t *testing.T) {
	ctx := context.Background()
	db := storetest.MustOpenDB(t)
	if err := db.SeedReference(ctx); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if err := demo.LoadSurveys(ctx, db); err != nil {
			t.Fatal(err)
		}
	}
	sv, err := db.FindSurveyBySlug(ctx, demo.DemoSurveySlug)
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range surveys.DemoWaves {
		wave := w.Wave
		smp, err := surveys.LoadSample(ctx, db, sv, wave)
		if err != nil {
			t.Fatal(err)
		}
		if n := smp.Respondents(); n != 3000 {
			t.Errorf("wave %s: got %d respondents, want 3,000", wave, n)
		}
		safe, err := surveys.Share(smp, "safe_night", surveys.SafeYes, surveys.SafeNo, "sex")
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(*safe[0].Estimate-47) > 2 || safe[0].Group != "f" {
			t.Errorf("wave %s: women feeling safe after dark: got %v %.1f, want 47 ± 2", wave, safe[0].Group, *safe[0].Estimate)
		}
		rep, err := surveys.ReportingRate(smp, "")
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(*rep[0].Estimate-38) > 2 {
			t.Errorf("wave %s: reporting rate: got %.1f, want 38 ± 2", wave, *rep[0].Estimate)
		}
	}
}

// The shipped demo margins' districts are the reference data's districts
// with their latest population, as the application shows them.
func TestDemoMarginsMatchReference(t *testing.T) {
	ctx := context.Background()
	db := storetest.MustOpenDB(t)
	if err := db.SeedReference(ctx); err != nil {
		t.Fatal(err)
	}
	level := aldyn.LevelDistrict
	ts, _, err := db.FindTerritories(ctx, aldyn.TerritoryFilter{Level: &level, Page: aldyn.Page{Limit: aldyn.MaxLimit}})
	if err != nil {
		t.Fatal(err)
	}
	var want []surveys.District
	for _, tr := range ts {
		if tr.Population != nil && *tr.Population > 0 {
			want = append(want, surveys.District{Code: tr.Code, Population: float64(*tr.Population)})
		}
	}
	got := surveys.DemoDistricts()
	if len(got) != len(want) {
		t.Fatalf("got %d demo districts, want the %d districts with a population", len(got), len(want))
	}
	for i := range got {
		if got[i] != want[i] {
			t.Errorf("district %d: got %+v, want %+v (same order, latest population)", i, got[i], want[i])
		}
	}
}

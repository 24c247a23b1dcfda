package demo_test

import (
	"context"
	"testing"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/demo"
	"github.com/aldyn-kg/aldyn/internal/store"
	"github.com/aldyn-kg/aldyn/internal/store/storetest"
)

// TestDemoUnitRatings: the demo rates the police of Alamüdün four times
// (counted in the scorecard) and of Sokuluk once (flagged), every rating
// marked demo, and loading again adds nothing.
func TestDemoUnitRatings(t *testing.T) {
	ctx, db := mustDemoFoundation(t)
	for range 2 {
		if err := demo.LoadUnitRatings(ctx, db); err != nil {
			t.Fatal(err)
		}
	}
	year := db.Now().Year()
	sums, err := db.UnitRatingSummaries(ctx, &year)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]*aldyn.UnitRatingSummary{}
	for _, s := range sums {
		got[s.UnitCode] = s
	}
	// Without the residents' demo, Suzak's ayil okmotu is missing: two.
	for code, want := range map[string]int{demo.Alamudun: 4, demo.Suzak: 2, "41708222000000": 1} {
		if s := got[code]; s == nil || s.Ratings != want || s.Few != (want < aldyn.MinUnitRatings) {
			t.Errorf("%s: got %+v, want %d ratings", code, s, want)
		}
	}
	all, err := db.FindUnitRatings(ctx, aldyn.UnitRatingFilter{Year: &year})
	if err != nil || len(all) != 7 {
		t.Fatalf("got %d ratings (%v), want 7", len(all), err)
	}
	for _, r := range all {
		if !r.Demo {
			t.Errorf("rating %d is not marked demo", r.ID)
		}
	}
}

// mustDemoFoundation opens a database with the reference data and the
// demo's bodies and users.
func mustDemoFoundation(tb testing.TB) (context.Context, *store.DB) {
	tb.Helper()
	ctx := context.Background()
	db := storetest.MustOpenDB(tb)
	if err := db.SeedReference(ctx); err != nil {
		tb.Fatal(err)
	}
	if _, err := demo.Load(ctx, db, func(string) (string, error) { return "x", nil }, func() string { return "password-123" }); err != nil {
		tb.Fatal(err)
	}
	return ctx, db
}

package web_test

import (
	"context"
	"testing"
	"time"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/demo"
)

// demoDay is the day the demo-based tests run on.
func demoDay() time.Time { return time.Date(2026, 12, 6, 9, 0, 0, 0, time.UTC) }

// fakeHash is a password hash cheap enough to create the demo's users in
// tests whose users do not sign in.
func fakeHash(s string) (string, error) { return "h" + s, nil }

// mustLoadDemo loads the demo's bodies, users (their passwords hashed by
// hash, each password) and plans, with their reports, risks and meetings.
func mustLoadDemo(tb testing.TB, f *fixture, hash func(string) (string, error), password string) {
	tb.Helper()
	ctx := context.Background()
	pw := func() string { return password }
	if _, err := demo.Load(ctx, f.db, hash, pw); err != nil {
		tb.Fatal(err)
	}
	if err := demo.LoadPlans(ctx, f.db, hash, pw); err != nil {
		tb.Fatal(err)
	}
}

// mustDemoOffenses loads a share of the demo's offense records for years.
func mustDemoOffenses(tb testing.TB, f *fixture, share float64, years ...int) {
	tb.Helper()
	if _, err := demo.LoadOffenses(context.Background(), f.db, share, years); err != nil {
		tb.Fatal(err)
	}
}

// mustNationalPlan is the id of the demo's national plan.
func mustNationalPlan(tb testing.TB, f *fixture) int64 {
	tb.Helper()
	kind := aldyn.PlanNational
	plans, _, err := f.db.FindPlans(context.Background(), aldyn.PlanFilter{Under: "/", Kind: &kind})
	if err != nil || len(plans) != 1 {
		tb.Fatalf("national plan: %v %v", plans, err)
	}
	return plans[0].ID
}

// mustDemoNationalPlan loads the demo (plans, risks, meetings) and returns
// the national plan's id.
func mustDemoNationalPlan(tb testing.TB, f *fixture) int64 {
	tb.Helper()
	f.db.Now = demoDay
	mustLoadDemo(tb, f, fakeHash, "x")
	return mustNationalPlan(tb, f)
}

package web_test

import (
	"context"
	"testing"
	"time"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/demo"
)

// TestDemoOffenseIndicatorHasData: the national demo plan's indicator 1
// (registered thefts per 100,000 residents, computed from the records) has
// a value on the plan's dashboard once the demo records are loaded,
// without anyone pressing "recompute".
func TestDemoOffenseIndicatorHasData(t *testing.T) {
	f := mustFixture(t)
	ctx := context.Background()
	f.db.Now = func() time.Time { return time.Date(2026, 12, 6, 9, 0, 0, 0, time.UTC) }
	h := func(s string) (string, error) { return "h" + s, nil }
	pw := func() string { return "x" }
	if _, err := demo.Load(ctx, f.db, h, pw); err != nil {
		t.Fatal(err)
	}
	if err := demo.LoadPlans(ctx, f.db, h, pw); err != nil {
		t.Fatal(err)
	}
	if _, err := demo.LoadOffenses(ctx, f.db, 0.02, []int{2024, 2025, 2026}); err != nil {
		t.Fatal(err)
	}
	kind := aldyn.PlanNational
	plans, _, err := f.db.FindPlans(ctx, aldyn.PlanFilter{Under: "/", Kind: &kind})
	if err != nil || len(plans) != 1 {
		t.Fatalf("national plan: %v %v", plans, err)
	}
	var d struct {
		Indicators []struct {
			Code         string   `json:"code"`
			State        string   `json:"state"`
			ActualValue  *float64 `json:"actual_value"`
			ActualPeriod string   `json:"actual_period"`
		} `json:"indicators"`
	}
	mustGetJSON(t, f, adminKG, "/api/v1/plans/"+idStr(plans[0].ID)+"/dashboard", 200, &d)
	for _, ind := range d.Indicators {
		if ind.Code != "1" {
			continue
		}
		if ind.ActualValue == nil || ind.State == string(aldyn.IndicatorNoData) || ind.ActualPeriod != "2025" {
			t.Errorf("indicator 1: %+v, want the 2025 value computed from the records", ind)
		}
		return
	}
	t.Fatalf("no indicator 1 in %+v", d.Indicators)
}

package demo_test

import (
	"context"
	"testing"
	"time"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/demo"
	"github.com/aldyn-kg/aldyn/internal/store"
	"github.com/aldyn-kg/aldyn/internal/store/storetest"
)

func cheapHash(pw string) (string, error) { return "demo-" + pw, nil }

// TestLoadPlans loads the demo foundation and plans twice (the second time
// changes nothing) and checks the dashboards show accepted, returned and
// missing reports in the closed cycles and reports due in the open one.
func TestLoadPlans(t *testing.T) {
	ctx := context.Background()
	db := storetest.MustOpenDB(t)
	if err := db.SeedReference(ctx); err != nil {
		t.Fatal(err)
	}
	pw := func() string { return "x" }
	if _, err := demo.Load(ctx, db, cheapHash, pw); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if err := demo.LoadPlans(ctx, db, cheapHash, pw); err != nil {
			t.Fatal(err)
		}
	}
	plans, n, err := db.FindPlans(ctx, store.PlanFilter{Under: "/", Page: aldyn.Page{Limit: 100}})
	if err != nil {
		t.Fatal(err)
	}
	if n != 5 {
		t.Fatalf("%d demo plans, want the national one and four joint ones", n)
	}
	var national, joint int
	for _, p := range plans {
		if p.Status != aldyn.PlanApproved {
			t.Errorf("plan %q is %s, want approved", p.Title.EN, p.Status)
		}
		if p.Kind == aldyn.PlanNational {
			national++
		} else {
			joint++
		}
		in, err := db.LoadDashboardInput(ctx, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		d := in.Compute(time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC))
		if d.Measures.Total == 0 || d.Budget.PlannedKGS == 0 {
			t.Errorf("plan %q: empty dashboard %+v", p.Title.EN, d.Measures)
		}
		var accepted, returned int
		for _, r := range in.Reports {
			switch r.Status {
			case aldyn.ReportAccepted:
				accepted++
			case aldyn.ReportReturned:
				returned++
			}
		}
		if accepted == 0 {
			t.Errorf("plan %q: no accepted reports", p.Title.EN)
		}
		if p.Kind == aldyn.PlanNational && (returned == 0 || d.Budget.SpentKGS == 0) {
			t.Errorf("national plan: %d returned reports, spent %d", returned, d.Budget.SpentKGS)
		}
		if len(in.Cycles) != 3 {
			t.Errorf("plan %q: %d cycles, want 3", p.Title.EN, len(in.Cycles))
		}
	}
	if national != 1 || joint != 4 {
		t.Errorf("%d national and %d joint plans", national, joint)
	}
}

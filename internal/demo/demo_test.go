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
	plans, n, err := db.FindPlans(ctx, aldyn.PlanFilter{Under: "/", Page: aldyn.Page{Limit: 100}})
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
		d := aldyn.ComputeDashboard(*in, time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC))
		if d.Measures.Total == 0 || d.Budget.PlannedKGS == 0 {
			t.Errorf("plan %q: empty dashboard %+v", p.Title.EN, d.Measures)
		}
		count := func(st aldyn.ReportStatus) int {
			_, n, err := db.FindReports(ctx, aldyn.ReportFilter{PlanID: &p.ID, Status: &st, Under: "/"})
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
		accepted, returned := count(aldyn.ReportAccepted), count(aldyn.ReportReturned)
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
	ms, n, err := db.FindMeetings(ctx, store.MeetingFilter{Under: "/", Page: aldyn.Page{Limit: 100}})
	if err != nil || n != 2 || ms[0].Status != aldyn.MeetingHeld {
		t.Errorf("demo meetings: %d, %v", n, err)
	}
	ds, _, err := db.FindDecisions(ctx, store.DecisionFilter{Under: "/", Page: aldyn.Page{Limit: 100}})
	if err != nil {
		t.Fatal(err)
	}
	var done, overdue int
	for _, d := range ds {
		if d.Status == aldyn.DecisionDone {
			done++
		}
		if d.Overdue {
			overdue++
		}
	}
	if len(ds) != 5 || done != 2 || overdue == 0 {
		t.Errorf("demo decisions: %d, %d done, %d overdue", len(ds), done, overdue)
	}
	risks, err := db.FindPlanRisks(ctx, plans[0].ID)
	if err != nil || len(risks) == 0 {
		t.Errorf("risk register: %d risks, %v", len(risks), err)
	}
}

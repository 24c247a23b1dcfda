package demo_test

import (
	"context"
	"strings"
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
		count := func(st aldyn.ReportStatus) int {
			_, n, err := db.FindReports(ctx, store.ReportFilter{PlanID: &p.ID, Status: &st, Under: "/"})
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

// TestNationalLeadsPlausible: in the demo national plan, measures on
// children and schools are led by the Ministry of Education, road safety
// by the police, courts' staff by the court, officials' crimes by the
// prosecutor; no measure falls to a body by rotation.
func TestNationalLeadsPlausible(t *testing.T) {
	ctx := context.Background()
	db := storetest.MustOpenDB(t)
	if err := db.SeedReference(ctx); err != nil {
		t.Fatal(err)
	}
	pw := func() string { return "x" }
	if _, err := demo.Load(ctx, db, cheapHash, pw); err != nil {
		t.Fatal(err)
	}
	if err := demo.LoadPlans(ctx, db, cheapHash, pw); err != nil {
		t.Fatal(err)
	}
	kind := string(aldyn.PlanNational)
	plans, _, err := db.FindPlans(ctx, store.PlanFilter{Under: "/", Kind: &kind, Page: aldyn.Page{Limit: 10}})
	if err != nil || len(plans) == 0 {
		t.Fatalf("national plan: %v %v", plans, err)
	}
	ms, _, err := db.FindMeasures(ctx, plans[0].ID, store.MeasureFilter{Page: aldyn.Page{Limit: aldyn.MaxLimit}})
	if err != nil {
		t.Fatal(err)
	}
	want := func(code string) string {
		switch {
		case strings.HasPrefix(code, "5.4."):
			return "Ministry of Education and Science of the Kyrgyz Republic"
		case strings.HasPrefix(code, "5.3."), strings.HasPrefix(code, "4.2.1"), strings.HasPrefix(code, "4.7.2"), strings.HasPrefix(code, "5.1."):
			return "Ministry of Internal Affairs of the Kyrgyz Republic"
		case code == "5.6.2" || code == "5.6.3":
			return "Supreme Court of the Kyrgyz Republic"
		case code == "5.6.1":
			return "General Prosecutor's Office of the Kyrgyz Republic"
		}
		return ""
	}
	checked := 0
	for _, m := range ms {
		w := want(m.TaskCode)
		if w == "" {
			continue
		}
		b, err := db.FindBodyByID(ctx, m.ResponsibleBodyID)
		if err != nil {
			t.Fatal(err)
		}
		checked++
		if b.NameEn != w {
			t.Errorf("measure %s (%s): led by %s, want %s", m.Code, m.Title.EN, b.NameEn, w)
		}
	}
	if checked < 10 {
		t.Errorf("checked %d measures, want the plan's children, road, court and prosecutor measures", checked)
	}
}

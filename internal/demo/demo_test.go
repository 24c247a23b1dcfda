package demo_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/demo"
	"github.com/aldyn-kg/aldyn/internal/store/storetest"
)

func cheapHash(pw string) (string, error) { return "demo-" + pw, nil }

// TestLoadPlans loads the demo foundation and plans twice (the second time
// changes nothing) on days of different years and quarters (the store's
// clock), and checks that the plans fit the day: a current national plan
// whose two closed quarters have accepted, returned, late and missing
// reports, an open cycle of the current quarter, nothing dated after the
// day, meetings held and planned, decisions done, overdue and open.
func TestLoadPlans(t *testing.T) {
	for _, now := range []time.Time{
		time.Date(2026, 12, 6, 9, 0, 0, 0, time.UTC),
		time.Date(2028, 3, 15, 9, 0, 0, 0, time.UTC),
		// Early in a quarter: the one before it is still collecting reports.
		time.Date(2027, 1, 5, 9, 0, 0, 0, time.UTC),
	} {
		t.Run(now.Format(time.DateOnly), func(t *testing.T) { testLoadPlans(t, now) })
	}
}

func testLoadPlans(t *testing.T, now time.Time) {
	ctx := context.Background()
	db := storetest.MustOpenDB(t)
	db.Now = func() time.Time { return now }
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
		if now.Year() < p.StartYear || now.Year() > p.EndYear {
			t.Errorf("plan %q runs %d–%d, not in force on %s", p.Title.EN, p.StartYear, p.EndYear, now.Format(time.DateOnly))
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
		d := aldyn.ComputeDashboard(*in, now)
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
		// Two closed cycles, then open ones, the last of them now's.
		var closed, open []aldyn.ReportingCycle
		for _, c := range in.Cycles {
			if c.Status == aldyn.CycleClosed {
				closed = append(closed, c)
			} else {
				open = append(open, c)
			}
			if c.From.After(now) {
				t.Errorf("plan %q: cycle %s starts after now", p.Title.EN, c.Period)
			}
		}
		if len(closed) != 2 || len(open) == 0 || len(open) > 2 || !closed[1].To.Before(open[0].From) {
			t.Errorf("plan %q: cycles %+v; want two closed, then one or two open", p.Title.EN, in.Cycles)
			continue
		}
		if cur := open[len(open)-1]; now.Before(cur.From) || now.After(cur.To.AddDate(0, 0, 1)) {
			t.Errorf("plan %q: the last open cycle %s does not hold %s", p.Title.EN, cur.Period, now.Format(time.DateOnly))
		}
		if p.Kind != aldyn.PlanNational {
			continue
		}
		last := closed[1]
		reported := map[int64]bool{}
		late := 0
		rs, _, err := db.FindReports(ctx, aldyn.ReportFilter{PlanID: &p.ID, Under: "/", Page: aldyn.Page{Limit: aldyn.MaxLimit}})
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rs {
			if r.SubmittedAt != nil && r.SubmittedAt.After(now) || r.CreatedAt.After(now) {
				t.Errorf("report %d is dated after now (%v)", r.ID, r.SubmittedAt)
			}
			if r.CycleID == last.ID {
				reported[r.MeasureID] = true
				if r.FirstSubmittedAt != nil && r.FirstSubmittedAt.After(last.Deadline) {
					late++
				}
			}
		}
		covered := 0
		for i := range in.Measures {
			if last.Covers(&in.Measures[i]) {
				covered++
			}
		}
		if len(reported) == 0 || len(reported) == covered || late == 0 {
			t.Errorf("national plan, last closed cycle %s: %d of %d measures reported, %d late; want some missing and some late",
				last.Period, len(reported), covered, late)
		}
	}
	if national != 1 || joint != 4 {
		t.Errorf("%d national and %d joint plans", national, joint)
	}
	ms, _, err := db.FindMeetings(ctx, aldyn.MeetingFilter{Under: "/", Page: aldyn.Page{Limit: 100}})
	if err != nil {
		t.Fatal(err)
	}
	var held, planned int
	for _, m := range ms {
		switch {
		case m.Status == aldyn.MeetingHeld && m.Date.Before(now):
			held++
		case m.Status == aldyn.MeetingPlanned && m.Date.After(now):
			planned++
		default:
			t.Errorf("meeting on %s is %s on %s", m.Date.Format(time.DateOnly), m.Status, now.Format(time.DateOnly))
		}
	}
	if held != 2 || planned != 2 {
		t.Errorf("demo meetings: %d held, %d planned; want 2 and 2", held, planned)
	}
	ds, _, err := db.FindDecisions(ctx, aldyn.DecisionFilter{Under: "/", Page: aldyn.Page{Limit: 100}})
	if err != nil {
		t.Fatal(err)
	}
	var done, overdue, pending int
	for _, d := range ds {
		switch {
		case d.Status == aldyn.DecisionDone:
			done++
		case d.Overdue:
			overdue++
		case d.Deadline != nil && d.Deadline.After(now):
			pending++
		}
	}
	if len(ds) != 5 || done != 2 || overdue == 0 || pending == 0 {
		t.Errorf("demo decisions: %d, %d done, %d overdue, %d open and not yet due", len(ds), done, overdue, pending)
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
	plans, _, err := db.FindPlans(ctx, aldyn.PlanFilter{Under: "/", Kind: &kind, Page: aldyn.Page{Limit: 10}})
	if err != nil || len(plans) == 0 {
		t.Fatalf("national plan: %v %v", plans, err)
	}
	ms, _, err := db.FindMeasures(ctx, plans[0].ID, aldyn.MeasureFilter{Page: aldyn.Page{Limit: aldyn.MaxLimit}})
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

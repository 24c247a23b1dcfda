package store_test

import (
	"encoding/json"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/store"
)

func TestDashboardFromStore(t *testing.T) {
	f := mustPlanFixture(t)
	p := f.mustPlan(t)
	ind := f.mustIndicator(t, p.ID, "1")
	m1 := f.mustMeasure(t, p.ID, "1", f.police, ind.ID)
	m2 := f.mustMeasure(t, p.ID, "2", f.okmotu)
	m3 := f.mustMeasure(t, p.ID, "3", f.okmotu)
	x := *m3
	x.Cancelled = true
	if err := f.db.UpdateMeasure(f.ctx, f.coord, m3.ID, &x); err != nil {
		t.Fatal(err)
	}
	f.mustApprove(t, p.ID)
	c := f.mustCycle(t, p.ID, "2024-Q1", time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2024, 4, 10, 18, 0, 0, 0, time.UTC))
	report := func(a *aldyn.Actor, m *aldyn.Measure, progress int, at time.Time, spent int64) *aldyn.Report {
		t.Helper()
		f.clock = at
		r := &aldyn.Report{CycleID: c.ID, MeasureID: m.ID, Progress: progress, Narrative: "done",
			Spent: []aldyn.BudgetLine{{Source: aldyn.BudgetLocal, AmountKGS: spent}}}
		if m.ID == m1.ID {
			r.Values = []aldyn.IndicatorValue{{IndicatorID: ind.ID, Period: "2024-Q1", Value: 48}}
		}
		f.mustSaveReport(t, a, r)
		if _, err := f.db.SubmitReport(f.ctx, a, r.ID); err != nil {
			t.Fatal(err)
		}
		return r
	}
	r1 := report(f.policeRep, m1, 100, time.Date(2024, 4, 5, 9, 0, 0, 0, time.UTC), 90000)
	report(f.okmotuRep, m2, 50, time.Date(2024, 4, 12, 9, 0, 0, 0, time.UTC), 7000)
	if _, err := f.db.AcceptReport(f.ctx, f.coord, r1.ID, ""); err != nil {
		t.Fatal(err)
	}

	in, err := f.db.LoadDashboardInput(f.ctx, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(in.Measures) != 3 || len(in.Indicators) != 1 || len(in.Values) != 1 || len(in.Reports) != 2 || len(in.Cycles) != 1 {
		t.Fatalf("input: got %d measures, %d indicators, %d values, %d reports, %d cycles",
			len(in.Measures), len(in.Indicators), len(in.Values), len(in.Reports), len(in.Cycles))
	}
	d := aldyn.ComputeDashboard(*in, time.Date(2024, 4, 15, 0, 0, 0, 0, time.UTC))
	wantMeasures := aldyn.StatusCounts{Total: 3, Done: 1, AtRisk: 1, Cancelled: 1, DoneOnTime: 1}
	if d.Measures != wantMeasures {
		t.Errorf("measures: got %+v, want %+v", d.Measures, wantMeasures)
	}
	if d.Budget.PlannedKGS != 300000 || d.Budget.SpentKGS != 90000 {
		t.Errorf("budget: got planned %d spent %d, want 300000 and 90000", d.Budget.PlannedKGS, d.Budget.SpentKGS)
	}
	wantCycle := aldyn.BodyReporting{Expected: 2, Submitted: 2, Accepted: 1, OnTime: 1, Late: 1}
	if d.Cycle == nil || d.Cycle.Totals != wantCycle {
		t.Errorf("cycle: got %+v, want totals %+v", d.Cycle, wantCycle)
	}
	if d.IndicatorCounts.Total != 1 || d.IndicatorCounts.NoData != 0 || *d.Indicators[0].ActualValue != 48 {
		t.Errorf("indicators: got %+v", d.IndicatorCounts)
	}
}

// TestDashboardSumsAcceptedSpending: across cycles, the dashboard counts
// the spending of every accepted report, the progress of the latest
// accepted one and the reports of the latest cycle, though the store loads
// only the reports that decide them.
func TestDashboardSumsAcceptedSpending(t *testing.T) {
	f := mustPlanFixture(t)
	p := f.mustPlan(t)
	m1 := f.mustMeasure(t, p.ID, "1", f.police)
	m2 := f.mustMeasure(t, p.ID, "2", f.okmotu)
	f.mustApprove(t, p.ID)
	cycle := func(period string, from time.Time) *aldyn.ReportingCycle {
		t.Helper()
		return f.mustCycle(t, p.ID, period, from, from.AddDate(0, 3, 9))
	}
	report := func(a *aldyn.Actor, c *aldyn.ReportingCycle, m *aldyn.Measure, progress int, spent int64, accept bool) {
		t.Helper()
		f.clock = c.To.Add(24 * time.Hour)
		r := &aldyn.Report{CycleID: c.ID, MeasureID: m.ID, Progress: progress, Narrative: "n",
			Spent: []aldyn.BudgetLine{{Source: aldyn.BudgetLocal, AmountKGS: spent}, {Source: aldyn.BudgetRepublican, AmountKGS: spent / 2}}}
		f.mustSaveReport(t, a, r)
		if _, err := f.db.SubmitReport(f.ctx, a, r.ID); err != nil {
			t.Fatal(err)
		}
		if accept {
			if _, err := f.db.AcceptReport(f.ctx, f.coord, r.ID, ""); err != nil {
				t.Fatal(err)
			}
		}
	}
	q1 := cycle("2024-Q1", time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC))
	q2 := cycle("2024-Q2", time.Date(2024, 4, 1, 0, 0, 0, 0, time.UTC))
	q3 := cycle("2024-Q3", time.Date(2024, 7, 1, 0, 0, 0, 0, time.UTC))
	report(f.policeRep, q1, m1, 30, 1000, true)
	report(f.okmotuRep, q1, m2, 20, 2000, true)
	report(f.policeRep, q2, m1, 60, 4000, true)
	report(f.okmotuRep, q2, m2, 40, 8000, false) // submitted, never accepted: not spent
	report(f.policeRep, q3, m1, 90, 16000, true)

	in, err := f.db.LoadDashboardInput(f.ctx, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	d := aldyn.ComputeDashboard(*in, f.clock)
	// Accepted: m1 1000 + 4000 + 16000, m2 2000 (local) and half that from the republican budget.
	if want := int64(21000+2000) * 3 / 2; d.Budget.SpentKGS != want {
		t.Errorf("spent %d, want %d", d.Budget.SpentKGS, want)
	}
	var local int64
	for _, s := range d.Budget.Sources {
		if s.Source == aldyn.BudgetLocal {
			local = s.SpentKGS
		}
	}
	if local != 23000 {
		t.Errorf("spent from local budgets %d, want 23000", local)
	}
	if d.Cycle == nil || d.Cycle.CycleID != q3.ID || d.Cycle.Totals.Accepted != 1 || d.Cycle.Totals.Expected != 2 {
		t.Errorf("latest cycle: %+v", d.Cycle)
	}
	if len(in.Reports) > 2*3 {
		t.Errorf("loaded %d reports for 2 measures, want at most 3 each", len(in.Reports))
	}
	// m1's latest accepted progress is 90 (Q3), m2's 20 (Q1).
	for _, r := range in.Reports {
		if r.Status == aldyn.ReportAccepted && r.MeasureID == m1.ID && r.CycleID == q3.ID && r.Progress != 90 {
			t.Errorf("m1's latest accepted report: %+v", r)
		}
	}
}

// fullDashboard computes the dashboard of plan planID at now the long
// way: aldyn.ComputeDashboard over every measure, indicator, value, cycle
// and report of the plan, loaded whole.
func fullDashboard(t *testing.T, f *planFixture, planID int64, now time.Time) aldyn.Dashboard {
	t.Helper()
	page := aldyn.Page{Limit: aldyn.MaxLimit}
	p, err := f.db.FindPlanByID(f.ctx, planID)
	if err != nil {
		t.Fatal(err)
	}
	ms, _, err := f.db.FindMeasures(f.ctx, planID, aldyn.MeasureFilter{Page: page})
	if err != nil {
		t.Fatal(err)
	}
	is, _, err := f.db.FindIndicators(f.ctx, aldyn.IndicatorFilter{PlanID: &planID, Page: page})
	if err != nil {
		t.Fatal(err)
	}
	cs, _, err := f.db.FindCycles(f.ctx, aldyn.CycleFilter{PlanID: &planID, Page: page})
	if err != nil {
		t.Fatal(err)
	}
	rs, _, err := f.db.FindReports(f.ctx, aldyn.ReportFilter{PlanID: &planID, Page: page})
	if err != nil {
		t.Fatal(err)
	}
	var measures []aldyn.Measure
	for _, m := range ms {
		measures = append(measures, *m)
	}
	var indicators []aldyn.Indicator
	var values []aldyn.IndicatorValue
	for _, i := range is {
		indicators = append(indicators, *i)
		xs, err := f.db.FindIndicatorValues(f.ctx, i.ID)
		if err != nil {
			t.Fatal(err)
		}
		values = append(values, xs...)
	}
	var cycles []aldyn.ReportingCycle
	for _, c := range cs {
		cycles = append(cycles, *c)
	}
	var reports []aldyn.Report
	for _, r := range rs {
		reports = append(reports, *r)
	}
	return aldyn.ComputeDashboard(aldyn.DashboardInput{Plan: p, Measures: measures, Indicators: indicators, Values: values, Reports: reports, Cycles: cycles}, now)
}

// mustSameDashboard checks that LoadDashboardInput, loaded at the
// fixture's clock, computes at each of nows what the full load computes.
func mustSameDashboard(t *testing.T, f *planFixture, what string, planID int64, nows ...time.Time) *aldyn.DashboardInput {
	t.Helper()
	in, err := f.db.LoadDashboardInput(f.ctx, planID)
	if err != nil {
		t.Fatal(err)
	}
	whole, err := f.db.LoadPlanInput(f.ctx, planID)
	if err != nil {
		t.Fatal(err)
	}
	for _, now := range append([]time.Time{f.clock}, nows...) {
		got, want := aldyn.ComputeDashboard(*in, now), fullDashboard(t, f, planID, now)
		if !reflect.DeepEqual(got, want) {
			g, _ := json.Marshal(got)
			w, _ := json.Marshal(want)
			t.Errorf("%s, at %v:\n got %s\nwant %s", what, now, g, w)
		}
		if all := aldyn.ComputeDashboard(*whole, now); !reflect.DeepEqual(all, want) {
			t.Errorf("%s, at %v: LoadPlanInput computes another dashboard", what, now)
		}
	}
	return in
}

// TestDashboardInputMatchesFullLoad: over cycles with accepted, returned,
// resubmitted and late reports, amended values and plan amendments, the
// dashboard computed on what LoadDashboardInput keeps equals the one
// computed on everything, and so does it after the summaries are rebuilt
// by RefreshDashboard and by the migration's back-fill.
func TestDashboardInputMatchesFullLoad(t *testing.T) {
	s := mustDashboardScenario(t)
	s.reportThroughTheYear(t)
	s.checkRebuiltSummaries(t)
	s.checkAmendment(t)
}

// dashboardScenario is an approved plan of three indicators and four
// measures (one cancelled, one of component 5.1 with a budget and due in
// May) with the four quarterly cycles of 2024, for
// TestDashboardInputMatchesFullLoad.
type dashboardScenario struct {
	f              *planFixture
	p              *aldyn.Plan
	ind1, ind3     *aldyn.Indicator
	m1, m2, m3, m4 *aldyn.Measure
	cycles         map[string]*aldyn.ReportingCycle
	reporter       map[int64]*aldyn.Actor // by body id
}

func mustDashboardScenario(t *testing.T) *dashboardScenario {
	f := mustPlanFixture(t)
	p := f.mustPlan(t)
	s := &dashboardScenario{f: f, p: p, cycles: map[string]*aldyn.ReportingCycle{},
		reporter: map[int64]*aldyn.Actor{f.police.ID: f.policeRep, f.okmotu.ID: f.okmotuRep}}
	s.ind1 = f.mustIndicator(t, p.ID, "1")
	ind2 := f.mustIndicator(t, p.ID, "2")
	s.ind3 = f.mustIndicator(t, p.ID, "10")
	s.m1 = f.mustMeasure(t, p.ID, "1", f.police, s.ind1.ID)
	s.m2 = f.mustMeasure(t, p.ID, "2", f.okmotu, ind2.ID)
	s.m3 = f.mustMeasure(t, p.ID, "3", f.police)
	s.m4 = f.mustMeasure(t, p.ID, "1.10", f.okmotu)
	x := *s.m4
	x.ComponentCode, x.TaskCode, x.Due = "5.1", "", time.Date(2024, 5, 31, 0, 0, 0, 0, time.UTC)
	x.Budget = append(x.Budget, aldyn.BudgetLine{Source: aldyn.BudgetRepublican, AmountKGS: 7}, aldyn.BudgetLine{Source: aldyn.BudgetLocal, AmountKGS: 5})
	if err := f.db.UpdateMeasure(f.ctx, f.coord, s.m4.ID, &x); err != nil {
		t.Fatal(err)
	}
	x = *s.m3
	x.Cancelled = true
	if err := f.db.UpdateMeasure(f.ctx, f.coord, s.m3.ID, &x); err != nil {
		t.Fatal(err)
	}
	f.mustApprove(t, p.ID)
	mustSameDashboard(t, f, "approved", p.ID)
	for _, q := range []struct {
		period string
		from   time.Time
	}{{"2024-Q1", time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)}, {"2024-Q2", time.Date(2024, 4, 1, 0, 0, 0, 0, time.UTC)},
		{"2024-Q3", time.Date(2024, 7, 1, 0, 0, 0, 0, time.UTC)}, {"2024-Q4", time.Date(2024, 10, 1, 0, 0, 0, 0, time.UTC)}} {
		s.cycles[q.period] = f.mustCycle(t, p.ID, q.period, q.from, q.from.AddDate(0, 3, 9))
	}
	return s
}

// day is 10:00 on a day of 2024.
func (s *dashboardScenario) day(month, d int) time.Time {
	return time.Date(2024, time.Month(month), d, 10, 0, 0, 0, time.UTC)
}

// save saves, at at, the report of measure m's body for the cycle period.
func (s *dashboardScenario) save(t *testing.T, at time.Time, period string, m *aldyn.Measure, progress int, spent int64, values ...aldyn.IndicatorValue) *aldyn.Report {
	t.Helper()
	s.f.clock = at
	r := &aldyn.Report{CycleID: s.cycles[period].ID, MeasureID: m.ID, Progress: progress, Narrative: "n", Values: values,
		Spent: []aldyn.BudgetLine{{Source: aldyn.BudgetLocal, AmountKGS: spent}, {Source: aldyn.BudgetPartners, Funder: "UNDP", AmountKGS: spent / 4}}}
	s.f.mustSaveReport(t, s.reporter[m.ResponsibleBodyID], r)
	return r
}

// step submits, accepts or returns r at at.
func (s *dashboardScenario) step(t *testing.T, at time.Time, r *aldyn.Report, action string) {
	t.Helper()
	f := s.f
	f.clock = at
	var err error
	switch action {
	case "submit":
		_, err = f.db.SubmitReport(f.ctx, s.reporter[r.BodyID], r.ID)
	case "accept":
		_, err = f.db.AcceptReport(f.ctx, f.coord, r.ID, "")
	case "return":
		_, err = f.db.ReturnReport(f.ctx, f.coord, r.ID, "more detail")
	}
	if err != nil {
		t.Fatalf("%s report %d: %v", action, r.ID, err)
	}
}

// submitThen submits r at the day at and decides it (action) the next day.
func (s *dashboardScenario) submitThen(t *testing.T, at time.Time, r *aldyn.Report, action string) {
	t.Helper()
	s.step(t, at, r, "submit")
	s.step(t, at.AddDate(0, 0, 1), r, action)
}

// reportThroughTheYear reports through the four quarters and checks the
// dashboard at each stage.
func (s *dashboardScenario) reportThroughTheYear(t *testing.T) {
	f := s.f
	// 2024-Q1: m1 accepted at 40 %; m2 returned, resubmitted (late) and
	// accepted at 100 %; m4 accepted at 100 %, so done on time.
	r := s.save(t, s.day(4, 2), "2024-Q1", s.m1, 40, 1000, aldyn.IndicatorValue{IndicatorID: s.ind1.ID, Period: "2024-Q1", Value: 45})
	s.submitThen(t, s.day(4, 3), r, "accept")
	r = s.save(t, s.day(4, 5), "2024-Q1", s.m2, 100, 2000)
	s.submitThen(t, s.day(4, 5), r, "return")
	mustSameDashboard(t, f, "returned", s.p.ID)
	r.Progress = 100
	f.mustSaveReport(t, f.okmotuRep, r)
	s.submitThen(t, s.day(4, 12), r, "accept")
	r = s.save(t, s.day(4, 7), "2024-Q1", s.m4, 100, 3000)
	s.submitThen(t, s.day(4, 7), r, "accept")
	mustSameDashboard(t, f, "2024-Q1", s.p.ID, s.day(4, 20))

	// Observed values: ind1 amended for 2024-Q2, plan-wide twice (the
	// plan's territory last: the full load takes values by territory, the
	// dashboard the latest stored), and for another territory later; ind3
	// only for the plan's territory.
	f.clock = s.day(5, 1)
	if err := f.db.UpsertIndicatorValues(f.ctx, f.coord, []aldyn.IndicatorValue{{IndicatorID: s.ind1.ID, Period: "2024-Q2", Value: 50},
		{IndicatorID: s.ind3.ID, Period: "2024-Q1", TerritoryCode: alamudun, Value: 41.5}}); err != nil {
		t.Fatal(err)
	}
	f.clock = s.day(5, 2)
	if err := f.db.UpsertIndicatorValues(f.ctx, f.coord, []aldyn.IndicatorValue{{IndicatorID: s.ind1.ID, Period: "2024-Q2", Value: 52},
		{IndicatorID: s.ind1.ID, Period: "2024-Q3", TerritoryCode: suzak, Value: 99}}); err != nil {
		t.Fatal(err)
	}
	f.clock = s.day(5, 3)
	if err := f.db.UpsertIndicatorValues(f.ctx, f.coord, []aldyn.IndicatorValue{{IndicatorID: s.ind1.ID, Period: "2024-Q2", TerritoryCode: alamudun, Value: 1.0 / 3}}); err != nil {
		t.Fatal(err)
	}
	mustSameDashboard(t, f, "values", s.p.ID)

	// 2024-Q2: m1 accepted at 70 %, then m4 at 100 % again (done stays
	// 2024-Q1); m3 (cancelled) returned; m2 is done and not expected.
	r = s.save(t, s.day(7, 2), "2024-Q2", s.m1, 70, 4000, aldyn.IndicatorValue{IndicatorID: s.ind1.ID, Period: "2024-Q3", Value: 60})
	s.submitThen(t, s.day(7, 2), r, "accept")
	r = s.save(t, s.day(7, 4), "2024-Q2", s.m4, 100, 500)
	s.submitThen(t, s.day(7, 4), r, "accept")
	r = s.save(t, s.day(7, 6), "2024-Q2", s.m3, 10, 100)
	s.submitThen(t, s.day(7, 6), r, "return")
	mustSameDashboard(t, f, "2024-Q2", s.p.ID, s.day(9, 30))

	// 2024-Q3 begun: m1 submitted late, not decided; m3 a draft. The Q4
	// cycle, not yet begun, gets an early report on m1.
	r = s.save(t, s.day(10, 20), "2024-Q3", s.m1, 80, 8000)
	s.step(t, s.day(10, 20), r, "submit")
	s.save(t, s.day(10, 21), "2024-Q3", s.m3, 20, 0)
	// m4 at 100 % again, after its due date: still done on time, by 2024-Q1.
	r = s.save(t, s.day(10, 22), "2024-Q3", s.m4, 100, 50)
	s.submitThen(t, s.day(10, 22), r, "accept")
	f.clock = s.day(9, 1)
	in := mustSameDashboard(t, f, "2024-Q3", s.p.ID, s.day(9, 15), s.day(10, 2), s.day(12, 31))
	r = s.save(t, s.day(9, 2), "2024-Q4", s.m1, 85, 100)
	s.step(t, s.day(9, 2), r, "submit")
	f.clock = s.day(9, 3)
	mustSameDashboard(t, f, "early Q4 report", s.p.ID, s.day(10, 2), s.day(12, 31))
	if len(in.Reports) > 3*len(in.Measures) {
		t.Errorf("loaded %d reports for %d measures", len(in.Reports), len(in.Measures))
	}
}

// checkRebuiltSummaries checks the dashboard after the summaries are
// rebuilt by RefreshDashboard and by the migration's back-fill.
func (s *dashboardScenario) checkRebuiltSummaries(t *testing.T) {
	f := s.f
	// Rebuilt summaries give the same.
	rebuild := func(stmts ...string) {
		t.Helper()
		if err := f.db.Update(f.ctx, aldyn.System, func(tx *store.Tx) error {
			if len(stmts) == 0 {
				return tx.RefreshDashboard(f.ctx, s.p.ID)
			}
			for _, q := range stmts {
				if err := tx.ExecForTest(f.ctx, q); err != nil {
					return fmt.Errorf("%.60s…: %w", q, err)
				}
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
	}
	rebuild()
	mustSameDashboard(t, f, "RefreshDashboard", s.p.ID, s.day(12, 31))
	stmts := append([]string{"DELETE FROM measure_summaries", "DELETE FROM indicator_summaries"},
		migrationBackFill(t, f.db.Dialect, "measure_summary")...)
	if len(stmts) != 4+map[string]int{store.Postgres: 1}[f.db.Dialect] {
		t.Fatalf("back-fill statements: %q", stmts)
	}
	rebuild(stmts...)
	mustSameDashboard(t, f, "migration back-fill", s.p.ID, s.day(12, 31))
}

// checkAmendment checks the dashboards of an amendment and of the plan it
// amends.
func (s *dashboardScenario) checkAmendment(t *testing.T) {
	f := s.f
	// An amendment copies measures and indicators with their values; its
	// measures and indicators change.
	f.clock = s.day(9, 4)
	n, err := f.db.AmendPlan(f.ctx, f.coord, s.p.ID)
	if err != nil {
		t.Fatal(err)
	}
	mustSameDashboard(t, f, "amendment", n.ID)
	nm, _, err := f.db.FindMeasures(f.ctx, n.ID, aldyn.MeasureFilter{Page: aldyn.Page{Limit: 10}})
	if err != nil {
		t.Fatal(err)
	}
	if err := f.db.DeleteMeasure(f.ctx, f.coord, nm[0].ID); err != nil {
		t.Fatal(err)
	}
	x := *nm[1]
	x.Budget = []aldyn.BudgetLine{{Source: aldyn.BudgetOther, AmountKGS: 123}}
	if err := f.db.UpdateMeasure(f.ctx, f.coord, x.ID, &x); err != nil {
		t.Fatal(err)
	}
	ni, _, err := f.db.FindIndicators(f.ctx, aldyn.IndicatorFilter{PlanID: &n.ID, Page: aldyn.Page{Limit: 10}})
	if err != nil {
		t.Fatal(err)
	}
	y := *ni[0]
	y.Targets = []aldyn.IndicatorTarget{{Year: 2025, Value: 0.1 + 0.2}, {Year: 2024, Value: 55}}
	if err := f.db.UpdateIndicator(f.ctx, f.coord, y.ID, &y); err != nil {
		t.Fatal(err)
	}
	mustSameDashboard(t, f, "amendment changed", n.ID, s.day(12, 31))
	mustSameDashboard(t, f, "after the amendment", s.p.ID, s.day(12, 31))
}

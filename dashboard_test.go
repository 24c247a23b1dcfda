package aldyn_test

import (
	"fmt"
	"math"
	"slices"
	"testing"
	"time"

	"github.com/aldyn-kg/aldyn"
)

func TestMeasureStatus(t *testing.T) {
	m := &aldyn.Measure{Start: date(2025, 1, 1), Due: date(2025, 12, 31)} // 365 days
	accepted := func(p int) *aldyn.Report { return &aldyn.Report{Status: aldyn.ReportAccepted, Progress: p} }
	day := func(n int) time.Time { return date(2025, 1, 1).AddDate(0, 0, n) }
	for _, tc := range []struct {
		name      string
		cancelled bool
		r         *aldyn.Report
		now       time.Time
		want      aldyn.MeasureState
	}{
		{"cancelled wins", true, accepted(100), day(10), aldyn.MeasureCancelled},
		{"done", false, accepted(100), day(400), aldyn.MeasureDone},
		{"done early", false, accepted(100), day(10), aldyn.MeasureDone},
		{"before start", false, nil, date(2024, 12, 31), aldyn.MeasureNotStarted},
		{"started, no report, early", false, nil, day(30), aldyn.MeasureNotStarted},
		{"started, no progress, behind", false, nil, day(100), aldyn.MeasureAtRisk},
		{"progress only submitted is ignored", false, &aldyn.Report{Status: aldyn.ReportSubmitted, Progress: 90}, day(100), aldyn.MeasureAtRisk},
		{"on track", false, accepted(30), day(100), aldyn.MeasureOnTrack},                     // 27.4 % elapsed
		{"lag of 25 points is on track", false, accepted(25), day(182), aldyn.MeasureOnTrack}, // 49.9 % elapsed
		{"lag over 25 points", false, accepted(20), day(182), aldyn.MeasureAtRisk},
		{"due within 30 days, below 75", false, accepted(74), day(340), aldyn.MeasureAtRisk},
		{"due within 30 days, at 75", false, accepted(75), day(340), aldyn.MeasureOnTrack},
		{"last day is not overdue", false, accepted(90), date(2025, 12, 31).Add(23 * time.Hour), aldyn.MeasureOnTrack},
		{"overdue the day after", false, accepted(90), date(2026, 1, 1), aldyn.MeasureOverdue},
		{"overdue without reports", false, nil, date(2026, 3, 1), aldyn.MeasureOverdue},
	} {
		t.Run(tc.name, func(t *testing.T) {
			mm := *m
			mm.Cancelled = tc.cancelled
			if got := aldyn.MeasureStatus(&mm, tc.r, tc.now); got != tc.want {
				t.Errorf("got %s, want %s", got, tc.want)
			}
		})
	}
}

// dashboardFixture: 5 measures, 4 reports, 2 cycles, 3 indicators, seen on
// 2025-07-20, after the deadline of the latest cycle (2025-Q2).
func dashboardFixture() (aldyn.DashboardInput, time.Time) {
	plan := validPlan()
	cycles := []aldyn.ReportingCycle{
		{ID: 2, PlanID: 1, Period: "2025-Q2", From: date(2025, 4, 1), To: date(2025, 6, 30), Deadline: date(2025, 7, 15), Status: aldyn.CycleOpen},
		{ID: 1, PlanID: 1, Period: "2025-Q1", From: date(2025, 1, 1), To: date(2025, 3, 31), Deadline: date(2025, 4, 15), Status: aldyn.CycleClosed},
		{ID: 3, PlanID: 1, Period: "2025-Q3", From: date(2025, 7, 1).AddDate(0, 3, 0), To: date(2025, 12, 31), Deadline: date(2026, 1, 15)}, // not begun
	}
	bl := func(src string, n int64) aldyn.BudgetLine {
		return aldyn.BudgetLine{Source: src, AmountKGS: n, Funder: "f"}
	}
	measures := []aldyn.Measure{
		{ID: 11, Code: "1.1", ComponentCode: "4.1", ResponsibleBodyID: 100, Start: date(2025, 1, 1), Due: date(2025, 6, 30),
			Budget: []aldyn.BudgetLine{bl(aldyn.BudgetRepublican, 1000), bl(aldyn.BudgetLocal, 500)}},
		{ID: 12, Code: "1.2", ComponentCode: "4.1", ResponsibleBodyID: 100, Start: date(2025, 1, 1), Due: date(2025, 12, 31),
			Budget: []aldyn.BudgetLine{bl(aldyn.BudgetLocal, 2000)}},
		{ID: 13, Code: "2.1", ComponentCode: "5.1", ResponsibleBodyID: 200, Start: date(2025, 2, 1), Due: date(2025, 5, 31),
			Budget: []aldyn.BudgetLine{bl(aldyn.BudgetPartners, 3000)}},
		{ID: 14, Code: "2.2", ComponentCode: "", ResponsibleBodyID: 200, Start: date(2025, 6, 1), Due: date(2026, 6, 30),
			Budget: []aldyn.BudgetLine{bl(aldyn.BudgetOther, 400)}},
		{ID: 15, Code: "3.1", ComponentCode: "5.1", ResponsibleBodyID: 300, Start: date(2025, 1, 1), Due: date(2025, 12, 31), Cancelled: true,
			Budget: []aldyn.BudgetLine{bl(aldyn.BudgetRepublican, 700)}},
	}
	reports := []aldyn.Report{
		// M1 completed in Q1, on time.
		{ID: 1, CycleID: 1, MeasureID: 11, BodyID: 100, Status: aldyn.ReportAccepted, Progress: 100,
			Spent: []aldyn.BudgetLine{bl(aldyn.BudgetRepublican, 800)}, FirstSubmittedAt: ptr(date(2025, 4, 10)), DecidedAt: ptr(date(2025, 4, 12))},
		// M2 at 40 %, reported late for Q2.
		{ID: 2, CycleID: 2, MeasureID: 12, BodyID: 100, Status: aldyn.ReportAccepted, Progress: 40,
			Spent: []aldyn.BudgetLine{bl(aldyn.BudgetLocal, 300)}, FirstSubmittedAt: ptr(date(2025, 7, 18)), DecidedAt: ptr(date(2025, 7, 19))},
		// M3 claims 100 %, in time, not yet accepted: neither done nor spent.
		{ID: 3, CycleID: 2, MeasureID: 13, BodyID: 200, Status: aldyn.ReportSubmitted, Progress: 100,
			Spent: []aldyn.BudgetLine{bl(aldyn.BudgetPartners, 1000)}, FirstSubmittedAt: ptr(date(2025, 7, 10))},
		// M4's report is still a draft: missing.
		{ID: 4, CycleID: 2, MeasureID: 14, BodyID: 200, Status: aldyn.ReportDraft, Progress: 10},
		// A report on a measure of another plan is ignored.
		{ID: 5, CycleID: 2, MeasureID: 999, BodyID: 100, Status: aldyn.ReportAccepted, Progress: 100,
			Spent: []aldyn.BudgetLine{bl(aldyn.BudgetLocal, 1_000_000)}},
	}
	indicators := []aldyn.Indicator{
		{ID: 21, Code: "1", HigherIsBetter: false, BaselineValue: 100, BaselineYear: 2023, Targets: []aldyn.IndicatorTarget{{2025, 80}, {2026, 70}}},
		{ID: 22, Code: "2", HigherIsBetter: true, BaselineValue: 47, BaselineYear: 2019, Targets: []aldyn.IndicatorTarget{{2025, 60}}},
		{ID: 23, Code: "3", HigherIsBetter: true, BaselineValue: 0, BaselineYear: 2024, Targets: []aldyn.IndicatorTarget{{2026, 10}}},
	}
	values := []aldyn.IndicatorValue{
		{IndicatorID: 21, Period: "2024", Value: 90},
		{IndicatorID: 21, Period: "2023", Value: 100},
		{IndicatorID: 21, Period: "2024", TerritoryCode: "41705000000011", Value: 50}, // a district: not plan-wide
		{IndicatorID: 22, Period: "2024", TerritoryCode: batken, Value: 48},
		{IndicatorID: 99, Period: "2025", Value: 1},
	}
	return aldyn.DashboardInput{Plan: plan, Measures: measures, Indicators: indicators, Values: values, Reports: reports, Cycles: cycles}, date(2025, 7, 20)
}

func TestComputeDashboard(t *testing.T) {
	d := aldyn.ComputeDashboard(dashboardFixture())

	wantCounts := aldyn.StatusCounts{Total: 5, NotStarted: 1, OnTrack: 1, Overdue: 1, Done: 1, Cancelled: 1, DoneOnTime: 1}
	if d.Measures != wantCounts {
		t.Errorf("measures: got %+v, want %+v", d.Measures, wantCounts)
	}
	wantShares := aldyn.StatusShares{NotStarted: 0.2, OnTrack: 0.2, Overdue: 0.2, Done: 0.2, Cancelled: 0.2, DoneOnTime: 0.25}
	if d.Shares != wantShares {
		t.Errorf("shares: got %+v, want %+v", d.Shares, wantShares)
	}

	wantSources := []aldyn.SourceBudget{
		{Source: aldyn.BudgetRepublican, PlannedKGS: 1000, SpentKGS: 800}, // M5's 700 is cancelled
		{Source: aldyn.BudgetLocal, PlannedKGS: 2500, SpentKGS: 300},
		{Source: aldyn.BudgetPartners, PlannedKGS: 3000, SpentKGS: 0},
		{Source: aldyn.BudgetOther, PlannedKGS: 400, SpentKGS: 0},
	}
	if !slices.Equal(d.Budget.Sources, wantSources) {
		t.Errorf("budget sources: got %+v, want %+v", d.Budget.Sources, wantSources)
	}
	if d.Budget.PlannedKGS != 6900 || d.Budget.SpentKGS != 1100 || math.Abs(d.Budget.SpentShare-1100.0/6900) > 1e-12 {
		t.Errorf("budget: got %+v, want 6900 planned, 1100 spent", d.Budget)
	}

	wantComponents := []aldyn.GroupSummary{
		{ComponentCode: "", Measures: aldyn.StatusCounts{Total: 1, NotStarted: 1}, PlannedKGS: 400},
		{ComponentCode: "4.1", Measures: aldyn.StatusCounts{Total: 2, Done: 1, OnTrack: 1, DoneOnTime: 1}, PlannedKGS: 3500, SpentKGS: 1100},
		{ComponentCode: "5.1", Measures: aldyn.StatusCounts{Total: 2, Overdue: 1, Cancelled: 1}, PlannedKGS: 3000},
	}
	if !slices.Equal(d.Components, wantComponents) {
		t.Errorf("components:\n got %+v\nwant %+v", d.Components, wantComponents)
	}
	wantBodies := []aldyn.GroupSummary{
		{BodyID: 100, Measures: aldyn.StatusCounts{Total: 2, Done: 1, OnTrack: 1, DoneOnTime: 1}, PlannedKGS: 3500, SpentKGS: 1100},
		{BodyID: 200, Measures: aldyn.StatusCounts{Total: 2, Overdue: 1, NotStarted: 1}, PlannedKGS: 3400},
		{BodyID: 300, Measures: aldyn.StatusCounts{Total: 1, Cancelled: 1}},
	}
	if !slices.Equal(d.Bodies, wantBodies) {
		t.Errorf("bodies:\n got %+v\nwant %+v", d.Bodies, wantBodies)
	}

	if d.IndicatorCounts != (aldyn.IndicatorCounts{Total: 3, OnTrack: 1, OffTrack: 1, NoData: 1}) {
		t.Errorf("indicator counts: got %+v", d.IndicatorCounts)
	}
	for _, tc := range []struct {
		i                  int
		target             float64
		targetYear         int
		actual             float64
		period             string
		progress, expected float64
		state              string
	}{
		// 100 → 80 by 2025, 90 in 2024: half way, with half the time gone.
		{0, 80, 2025, 90, "2024", 0.5, 366.0 / 731, aldyn.IndicatorOnTrack},
		// 47 → 60 by 2025, 48 in 2024: 1/13 of the way, 1827/2192 of the time.
		{1, 60, 2025, 48, "2024", 1.0 / 13, 1827.0 / 2192, aldyn.IndicatorOffTrack},
	} {
		p := d.Indicators[tc.i]
		if p.TargetValue == nil || *p.TargetValue != tc.target || p.TargetYear != tc.targetYear ||
			p.ActualValue == nil || *p.ActualValue != tc.actual || p.ActualPeriod != tc.period ||
			math.Abs(*p.Progress-tc.progress) > 1e-9 || math.Abs(*p.Expected-tc.expected) > 1e-9 || p.State != tc.state {
			t.Errorf("indicator %d: got %+v (progress %v, expected %v)", tc.i, p, deref(p.Progress), deref(p.Expected))
		}
	}
	if p := d.Indicators[2]; p.State != aldyn.IndicatorNoData || p.ActualValue != nil || p.TargetYear != 2026 {
		t.Errorf("indicator without values: got %+v", p)
	}

	if d.Cycle == nil || d.Cycle.CycleID != 2 {
		t.Fatalf("cycle: got %+v, want the 2025-Q2 cycle", d.Cycle)
	}
	// M1 was done in Q1 and is not expected; M5 is cancelled.
	wantBodyReporting := []aldyn.BodyReporting{
		{BodyID: 100, Expected: 1, Submitted: 1, Accepted: 1, Late: 1},
		{BodyID: 200, Expected: 2, Submitted: 1, OnTime: 1, Missing: 1},
	}
	if !slices.Equal(d.Cycle.Bodies, wantBodyReporting) {
		t.Errorf("cycle bodies:\n got %+v\nwant %+v", d.Cycle.Bodies, wantBodyReporting)
	}
	if want := (aldyn.BodyReporting{Expected: 3, Submitted: 2, Accepted: 1, OnTime: 1, Late: 1, Missing: 1}); d.Cycle.Totals != want {
		t.Errorf("cycle totals: got %+v, want %+v", d.Cycle.Totals, want)
	}

	t.Run("before the deadline nothing is missing", func(t *testing.T) {
		in, _ := dashboardFixture()
		d := aldyn.ComputeDashboard(in, date(2025, 7, 12))
		if got := d.Cycle.Totals; got.Missing != 0 || got.Pending != 1 || got.Submitted != 2 {
			t.Errorf("got %+v, want 1 pending, 2 submitted, none missing", got)
		}
	})
	t.Run("done late", func(t *testing.T) {
		in, now := dashboardFixture()
		in.Reports[2].Status = aldyn.ReportAccepted // M3 at 100 % in Q2 …
		in.Measures[2].Due = date(2025, 3, 15)      // … but it was due in Q1
		d := aldyn.ComputeDashboard(in, now)
		if d.Measures.Done != 2 || d.Measures.DoneOnTime != 1 || d.Measures.Overdue != 0 {
			t.Errorf("got %+v, want 2 done, 1 on time", d.Measures)
		}
		in.Measures[2].Due = date(2025, 4, 1) // due on the first day of Q2: on time
		d = aldyn.ComputeDashboard(in, now)
		if d.Measures.DoneOnTime != 2 {
			t.Errorf("got %+v, want 2 done on time", d.Measures)
		}
	})
	t.Run("empty plan", func(t *testing.T) {
		d := aldyn.ComputeDashboard(aldyn.DashboardInput{Plan: validPlan()}, date(2025, 1, 1))
		if d.Measures.Total != 0 || d.Cycle != nil || d.Budget.SpentShare != 0 || len(d.Budget.Sources) != 4 {
			t.Errorf("got %+v", d)
		}
	})
}

// benchmarkPlan builds a plan of the size the dashboard must handle:
// 2,000 measures, 4,000 indicators with 5 values each, 10 cycles and
// 20,000 reports.
func benchmarkPlan() (aldyn.DashboardInput, time.Time) {
	plan := validPlan()
	plan.StartYear, plan.EndYear = 2024, 2026
	var cycles []aldyn.ReportingCycle
	for i := range 10 {
		from := date(2024, time.Month(1+3*i), 1)
		cycles = append(cycles, aldyn.ReportingCycle{ID: int64(i + 1), PlanID: 1, Period: fmt.Sprint(i),
			From: from, To: from.AddDate(0, 3, -1), Deadline: from.AddDate(0, 3, 14), Status: aldyn.CycleOpen})
	}
	comps := []string{"4.1", "4.2", "4.3", "4.4", "4.5", "4.6", "4.7", "5.1", "5.2", "5.3", "5.4", "5.5", "5.6", ""}
	measures := make([]aldyn.Measure, 2000)
	for i := range measures {
		start := date(2024, time.Month(1+i%12), 1)
		measures[i] = aldyn.Measure{ID: int64(i + 1), PlanID: 1, Code: fmt.Sprintf("%d.%d", i/50+1, i%50+1),
			ComponentCode: comps[i%len(comps)], ResponsibleBodyID: int64(100 + i%150),
			Start: start, Due: start.AddDate(0, 6+i%18, 0), Cancelled: i%97 == 0,
			Budget: []aldyn.BudgetLine{{Source: aldyn.BudgetSources[i%4], AmountKGS: int64(1000 * (i%50 + 1))}, {Source: aldyn.BudgetLocal, AmountKGS: 500}}}
	}
	indicators := make([]aldyn.Indicator, 4000)
	values := make([]aldyn.IndicatorValue, 0, 20000)
	for i := range indicators {
		indicators[i] = aldyn.Indicator{ID: int64(i + 1), Code: fmt.Sprint(i + 1), HigherIsBetter: i%2 == 0,
			BaselineValue: 100, BaselineYear: 2023, Targets: []aldyn.IndicatorTarget{{2024, 90}, {2025, 80}, {2026, 70}}}
		for y := range 5 {
			values = append(values, aldyn.IndicatorValue{IndicatorID: int64(i + 1), Period: fmt.Sprintf("2024-Q%d", y%4+1), Value: float64(100 - y*3 - i%7)})
		}
	}
	statuses := aldyn.ReportStatuses
	reports := make([]aldyn.Report, 0, 20000)
	for c := range cycles {
		for i := range measures {
			at := cycles[c].Deadline.AddDate(0, 0, i%20-10)
			reports = append(reports, aldyn.Report{ID: int64(len(reports) + 1), CycleID: cycles[c].ID, MeasureID: measures[i].ID,
				BodyID: measures[i].ResponsibleBodyID, Status: statuses[(i+c)%4], Progress: min(100, 10*(c+1)+i%30),
				Spent: []aldyn.BudgetLine{{Source: aldyn.BudgetLocal, AmountKGS: 100}}, FirstSubmittedAt: &at, DecidedAt: &at})
		}
	}
	return aldyn.DashboardInput{Plan: plan, Measures: measures, Indicators: indicators, Values: values, Reports: reports, Cycles: cycles}, date(2026, 4, 20)
}

func BenchmarkComputeDashboard(b *testing.B) {
	in, now := benchmarkPlan()
	b.ReportAllocs()
	for b.Loop() {
		d := aldyn.ComputeDashboard(in, now)
		if d.Measures.Total != 2000 || d.Cycle == nil {
			b.Fatal("unexpected dashboard")
		}
	}
}

func deref(p *float64) any {
	if p == nil {
		return nil
	}
	return *p
}

// TestLatestCycle: the cycle latest begun at a moment, whatever the order
// of the cycles given; none before the first has begun.
func TestLatestCycle(t *testing.T) {
	in, _ := dashboardFixture() // cycles Q2, Q1, then Q3 (from October)
	for _, tc := range []struct {
		at   time.Time
		want int64 // 0: none
	}{
		{date(2024, 12, 31), 0},
		{date(2025, 1, 1), 1},
		{date(2025, 3, 31), 1},
		{date(2025, 4, 1), 2},
		{date(2025, 9, 30), 2},
		{date(2025, 10, 1), 3},
	} {
		t.Run(tc.at.Format(time.DateOnly), func(t *testing.T) {
			var got int64
			if c := aldyn.LatestCycle(in.Cycles, tc.at); c != nil {
				got = c.ID
			}
			if got != tc.want {
				t.Errorf("got cycle %d, want %d", got, tc.want)
			}
		})
	}
}

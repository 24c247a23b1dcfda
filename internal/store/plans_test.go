package store_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/store"
	"github.com/aldyn-kg/aldyn/internal/store/storetest"
)

// planFixture is a district with a coordination commission and two
// bodies that co-own a joint plan, on a clock the test moves.
type planFixture struct {
	db                          *store.DB
	ctx                         context.Context
	clock                       time.Time
	path                        string
	council, police, okmotu     *aldyn.Body
	coord, policeRep, okmotuRep *aldyn.Actor
}

func mustTypedBody(tb testing.TB, db *store.DB, code, typ, name string) *aldyn.Body {
	tb.Helper()
	b := &aldyn.Body{TerritoryCode: code, Type: typ, NameKy: name, NameRu: name, NameEn: name}
	if err := db.CreateBody(context.Background(), aldyn.System, b); err != nil {
		tb.Fatal(err)
	}
	return b
}

func mustPlanFixture(tb testing.TB) *planFixture {
	tb.Helper()
	db := storetest.MustOpenDB(tb)
	f := &planFixture{db: db, ctx: context.Background(), clock: time.Date(2024, 1, 10, 9, 0, 0, 0, time.UTC)}
	db.Now = func() time.Time { return f.clock }
	t, err := db.FindTerritoryByCode(f.ctx, alamudun)
	if err != nil {
		tb.Fatal(err)
	}
	f.path = t.Path
	f.council = mustTypedBody(tb, db, alamudun, "coordination_commission", "Комиссия")
	f.police = mustTypedBody(tb, db, alamudun, "police", "ИИБ")
	f.okmotu = mustTypedBody(tb, db, alamudun, "local_government", "Айыл өкмөтү")
	actor := func(id int64, login, role string, body *aldyn.Body) *aldyn.Actor {
		return &aldyn.Actor{UserID: id, Login: login, Role: role, BodyID: body.ID, TerritoryCode: alamudun, TerritoryPath: f.path}
	}
	f.coord = actor(1, "coord", aldyn.RoleCoordinator, f.council)
	f.policeRep = actor(2, "police", aldyn.RoleReporter, f.police)
	f.okmotuRep = actor(3, "okmotu", aldyn.RoleReporter, f.okmotu)
	return f
}

func (f *planFixture) mustPlan(tb testing.TB) *aldyn.Plan {
	tb.Helper()
	p := &aldyn.Plan{Kind: aldyn.PlanJoint, Title: aldyn.Text{KY: "Биргелешкен план", RU: "Совместный план", EN: "Joint plan"},
		TerritoryCode: alamudun, OwnerBodyID: f.council.ID, StartYear: 2024, EndYear: 2026,
		Evidence:           []aldyn.PlanEvidence{{Kind: aldyn.EvidenceSurvey, Note: "Resident survey, 2023"}},
		RequiredSignatures: []int64{f.police.ID, f.okmotu.ID}}
	if err := f.db.CreatePlan(f.ctx, f.coord, p); err != nil {
		tb.Fatal(err)
	}
	return p
}

func (f *planFixture) mustIndicator(tb testing.TB, planID int64, code string) *aldyn.Indicator {
	tb.Helper()
	ind := &aldyn.Indicator{PlanID: planID, Code: code, Name: aldyn.Text{KY: "Көрсөткүч " + code, RU: "Показатель " + code, EN: "Indicator " + code},
		Unit: "%", HigherIsBetter: true, Kind: aldyn.IndicatorPercent, Source: aldyn.IndicatorManual, Verification: aldyn.Text{EN: "Survey"},
		Frequency: aldyn.FrequencyQuarterly, BaselineValue: 40, BaselineYear: 2023,
		Targets: []aldyn.IndicatorTarget{{Year: 2026, Value: 70}, {Year: 2024, Value: 50}}}
	if err := f.db.CreateIndicator(f.ctx, f.coord, ind); err != nil {
		tb.Fatal(err)
	}
	return ind
}

func (f *planFixture) mustMeasure(tb testing.TB, planID int64, code string, body *aldyn.Body, indicators ...int64) *aldyn.Measure {
	tb.Helper()
	m := &aldyn.Measure{PlanID: planID, Code: code, ComponentCode: "4.3", TaskCode: "4.3.1",
		Title: aldyn.Text{KY: "Иш-чара " + code, RU: "Мероприятие " + code, EN: "Measure " + code}, Description: aldyn.Text{EN: "Patrols"},
		ResponsibleBodyID: body.ID, Start: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), Due: time.Date(2024, 12, 31, 0, 0, 0, 0, time.UTC),
		Budget:         []aldyn.BudgetLine{{Source: aldyn.BudgetLocal, AmountKGS: 100000}, {Source: aldyn.BudgetPartners, Funder: "UNDP", AmountKGS: 50000}},
		ExpectedResult: aldyn.Text{EN: "Fewer thefts"}, IndicatorIDs: indicators}
	if body.ID != f.council.ID {
		m.CoExecutorIDs = []int64{f.council.ID}
	}
	if err := f.db.CreateMeasure(f.ctx, f.coord, m); err != nil {
		tb.Fatal(err)
	}
	return m
}

func (f *planFixture) mustApprove(tb testing.TB, planID int64) *aldyn.Plan {
	tb.Helper()
	for _, a := range []*aldyn.Actor{f.policeRep, f.okmotuRep} {
		if _, err := f.db.SignPlan(f.ctx, a, planID); err != nil {
			tb.Fatal(err)
		}
	}
	p, err := f.db.ApprovePlan(f.ctx, f.coord, planID)
	if err != nil {
		tb.Fatal(err)
	}
	return p
}

func mustCode(tb testing.TB, what string, err error, code string) {
	tb.Helper()
	if got := aldyn.ErrorCode(err); got != code {
		tb.Errorf("%s: got %q (%v), want %q", what, got, err, code)
	}
}

func TestPlanRoundTrip(t *testing.T) {
	f := mustPlanFixture(t)
	p := f.mustPlan(t)
	i1, i2 := f.mustIndicator(t, p.ID, "1"), f.mustIndicator(t, p.ID, "2")
	m10 := f.mustMeasure(t, p.ID, "1.10", f.okmotu, i2.ID)
	m2 := f.mustMeasure(t, p.ID, "1.2", f.police, i1.ID, i2.ID)

	got, err := f.db.FindPlanByID(f.ctx, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, p) {
		t.Errorf("plan: got %+v, want %+v", got, p)
	}
	ms, total, err := f.db.FindMeasures(f.ctx, p.ID, store.MeasureFilter{})
	if err != nil || total != 2 {
		t.Fatalf("measures: got %d, %v; want 2", total, err)
	}
	want := []aldyn.Measure{*m2, *m10} // in code order: 1.2 before 1.10
	for i := range ms {
		if ms[i].ID != want[i].ID || !slices.Equal(ms[i].IndicatorIDs, want[i].IndicatorIDs) {
			t.Errorf("measure %d: got id %d indicators %v, want %d %v", i, ms[i].ID, ms[i].IndicatorIDs, want[i].ID, want[i].IndicatorIDs)
		}
	}
	if d := aldyn.DiffPlans(want, derefMeasures(ms)); len(d) > 0 {
		t.Errorf("measures differ from what was created: %+v", d)
	}
	if ms[0].BudgetTotal() != 150000 || ms[0].Budget[1].Funder != "UNDP" {
		t.Errorf("budget: got %+v", ms[0].Budget)
	}
	inds, _, err := f.db.FindIndicators(f.ctx, store.IndicatorFilter{PlanID: &p.ID})
	if err != nil {
		t.Fatal(err)
	}
	if len(inds) != 2 || !reflect.DeepEqual(inds[0], i1) || !reflect.DeepEqual(inds[1], i2) {
		t.Errorf("indicators: got %+v, want %+v %+v", inds, i1, i2)
	}
	if inds[0].Targets[0].Year != 2024 {
		t.Errorf("targets: got %+v, want sorted by year", inds[0].Targets)
	}
	component := "4.3"
	found, n, err := f.db.FindMeasures(f.ctx, p.ID, store.MeasureFilter{Query: "мероприятие 1.10", ComponentCode: &component, ResponsibleBodyID: &f.okmotu.ID})
	if err != nil || n != 1 || found[0].ID != m10.ID {
		t.Errorf("measure search: got %d %v", n, err)
	}
	if ps, n, err := f.db.FindPlans(f.ctx, store.PlanFilter{Query: "СОВМЕСТНЫЙ"}); err != nil || n != 1 || ps[0].ID != p.ID {
		t.Errorf("plan search: got %d %v", n, err)
	}
}

func derefMeasures(ms []*aldyn.Measure) []aldyn.Measure {
	out := make([]aldyn.Measure, len(ms))
	for i, m := range ms {
		out[i] = *m
	}
	return out
}

func TestPlanCodeConflict(t *testing.T) {
	f := mustPlanFixture(t)
	p, other := f.mustPlan(t), f.mustPlan(t)
	f.mustMeasure(t, p.ID, "1.1", f.police)
	f.mustIndicator(t, p.ID, "1")
	tests := []struct {
		name string
		fn   func() error
		want string
	}{
		{"measure code taken", func() error {
			m := *f.mustMeasure(t, other.ID, "1.2", f.police)
			m.PlanID, m.Code = p.ID, "1.1"
			return f.db.CreateMeasure(f.ctx, f.coord, &m)
		}, aldyn.ECONFLICT},
		{"indicator code taken", func() error {
			ind := *f.mustIndicator(t, other.ID, "2")
			ind.PlanID, ind.Code = p.ID, "1"
			return f.db.CreateIndicator(f.ctx, f.coord, &ind)
		}, aldyn.ECONFLICT},
		{"same code in another plan", func() error {
			f.mustMeasure(t, other.ID, "1.1", f.police)
			return nil
		}, ""},
		{"renamed onto a taken code", func() error {
			m := f.mustMeasure(t, p.ID, "1.3", f.police)
			m.Code = "1.1"
			return f.db.UpdateMeasure(f.ctx, f.coord, m.ID, m)
		}, aldyn.ECONFLICT},
		{"indicator of another plan", func() error {
			ind := f.mustIndicator(t, other.ID, "3")
			m := &aldyn.Measure{PlanID: p.ID, Code: "9", Title: aldyn.Text{EN: "x"}, ResponsibleBodyID: f.police.ID,
				Start: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), Due: time.Date(2024, 2, 1, 0, 0, 0, 0, time.UTC), IndicatorIDs: []int64{ind.ID}}
			return f.db.CreateMeasure(f.ctx, f.coord, m)
		}, aldyn.EINVALID},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { mustCode(t, tt.name, tt.fn(), tt.want) })
	}
}

func TestPlanApprovalAndLock(t *testing.T) {
	f := mustPlanFixture(t)
	p := f.mustPlan(t)
	m := f.mustMeasure(t, p.ID, "1", f.police)
	ind := f.mustIndicator(t, p.ID, "1")

	_, err := f.db.ApprovePlan(f.ctx, f.coord, p.ID)
	mustCode(t, "approve unsigned", err, aldyn.ECONFLICT)
	if _, err := f.db.SignPlan(f.ctx, f.policeRep, p.ID); err != nil {
		t.Fatal(err)
	}
	_, err = f.db.SignPlan(f.ctx, f.policeRep, p.ID)
	mustCode(t, "sign twice", err, aldyn.ECONFLICT)
	_, err = f.db.ApprovePlan(f.ctx, f.coord, p.ID)
	mustCode(t, "approve with a signature missing", err, aldyn.ECONFLICT)

	// A change of content voids the signatures collected.
	upd := *m
	upd.Title.EN = "Changed"
	if err := f.db.UpdateMeasure(f.ctx, f.coord, m.ID, &upd); err != nil {
		t.Fatal(err)
	}
	if got, _ := f.db.FindPlanByID(f.ctx, p.ID); len(got.Signatures) != 0 {
		t.Errorf("after a change: got %d signatures, want none", len(got.Signatures))
	}
	approved := f.mustApprove(t, p.ID)
	if approved.Status != aldyn.PlanApproved {
		t.Fatalf("got status %s, want approved", approved.Status)
	}

	edits := []struct {
		name string
		fn   func() error
	}{
		{"update plan", func() error { q := *p; q.EndYear = 2025; return f.db.UpdatePlan(f.ctx, f.coord, p.ID, &q) }},
		{"create measure", func() error { n := *m; n.Code = "2"; return f.db.CreateMeasure(f.ctx, f.coord, &n) }},
		{"update measure", func() error { n := *m; n.Cancelled = true; return f.db.UpdateMeasure(f.ctx, f.coord, m.ID, &n) }},
		{"delete measure", func() error { return f.db.DeleteMeasure(f.ctx, f.coord, m.ID) }},
		{"create indicator", func() error { n := *ind; n.Code = "2"; return f.db.CreateIndicator(f.ctx, f.coord, &n) }},
		{"update indicator", func() error { n := *ind; n.BaselineValue = 1; return f.db.UpdateIndicator(f.ctx, f.coord, ind.ID, &n) }},
		{"sign", func() error { _, err := f.db.SignPlan(f.ctx, f.okmotuRep, p.ID); return err }},
	}
	for _, e := range edits {
		t.Run(e.name, func(t *testing.T) { mustCode(t, e.name, e.fn(), aldyn.ECONFLICT) })
	}
	got, _ := f.db.FindMeasureByID(f.ctx, m.ID)
	if got.Title.EN != "Changed" || got.Cancelled {
		t.Errorf("locked measure changed: %+v", got)
	}
	closed, err := f.db.ClosePlan(f.ctx, f.coord, p.ID)
	if err != nil || closed.Status != aldyn.PlanClosed {
		t.Errorf("close: got %v %v", closed, err)
	}
}

func TestPlanAmendSupersedes(t *testing.T) {
	f := mustPlanFixture(t)
	p := f.mustPlan(t)
	i1 := f.mustIndicator(t, p.ID, "1")
	f.mustMeasure(t, p.ID, "1.1", f.police, i1.ID)
	f.mustMeasure(t, p.ID, "1.2", f.okmotu)
	_, err := f.db.AmendPlan(f.ctx, f.coord, p.ID)
	mustCode(t, "amend a draft", err, aldyn.ECONFLICT)
	f.mustApprove(t, p.ID)
	if err := f.db.UpsertIndicatorValues(f.ctx, f.coord, []aldyn.IndicatorValue{{IndicatorID: i1.ID, Period: "2024-Q1", Value: 45}}); err != nil {
		t.Fatal(err)
	}

	f.clock = f.clock.Add(time.Hour)
	v2, err := f.db.AmendPlan(f.ctx, f.coord, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if v2.Version != 2 || v2.Status != aldyn.PlanDraft || v2.ParentID == nil || *v2.ParentID != p.ID {
		t.Errorf("amendment: got %+v", v2)
	}
	_, err = f.db.AmendPlan(f.ctx, f.coord, p.ID)
	mustCode(t, "second open amendment", err, aldyn.ECONFLICT)

	old, _, _ := f.db.FindMeasures(f.ctx, p.ID, store.MeasureFilter{})
	copied, _, _ := f.db.FindMeasures(f.ctx, v2.ID, store.MeasureFilter{})
	if len(copied) != 2 || len(aldyn.DiffPlans(derefMeasures(old), derefMeasures(copied))) != 0 {
		t.Errorf("copied measures differ: %v", aldyn.DiffPlans(derefMeasures(old), derefMeasures(copied)))
	}
	inds, _, _ := f.db.FindIndicators(f.ctx, store.IndicatorFilter{PlanID: &v2.ID})
	if len(inds) != 1 || inds[0].ID == i1.ID || !reflect.DeepEqual(inds[0].Targets, i1.Targets) {
		t.Fatalf("copied indicators: got %+v", inds)
	}
	if copied[0].ID == old[0].ID || !slices.Equal(copied[0].IndicatorIDs, []int64{inds[0].ID}) {
		t.Errorf("copied links: got measure %d → %v, want a new measure → [%d]", copied[0].ID, copied[0].IndicatorIDs, inds[0].ID)
	}
	if vs, _ := f.db.FindIndicatorValues(f.ctx, inds[0].ID); len(vs) != 1 || vs[0].Value != 45 {
		t.Errorf("copied values: got %+v", vs)
	}

	// Editing the amendment leaves the approved version alone.
	n := *copied[1]
	n.Cancelled = true
	if err := f.db.UpdateMeasure(f.ctx, f.coord, n.ID, &n); err != nil {
		t.Fatal(err)
	}
	approved := f.mustApprove(t, v2.ID)
	if approved.Status != aldyn.PlanApproved {
		t.Errorf("v2: got %s, want approved", approved.Status)
	}
	if p1, _ := f.db.FindPlanByID(f.ctx, p.ID); p1.Status != aldyn.PlanSuperseded {
		t.Errorf("v1: got %s, want superseded", p1.Status)
	}
	if m, _ := f.db.FindMeasureByID(f.ctx, old[1].ID); m.Cancelled {
		t.Errorf("v1's measure changed with the amendment")
	}
	st := aldyn.PlanApproved
	if ps, n, _ := f.db.FindPlans(f.ctx, store.PlanFilter{Status: &st}); n != 1 || ps[0].ID != v2.ID {
		t.Errorf("approved plans: got %d", n)
	}
}

// mustReportWorld is an approved plan with one measure of the police and
// an open cycle.
func (f *planFixture) mustReportWorld(tb testing.TB) (*aldyn.Plan, *aldyn.Measure, *aldyn.Indicator, *aldyn.ReportingCycle) {
	tb.Helper()
	p := f.mustPlan(tb)
	ind := f.mustIndicator(tb, p.ID, "1")
	m := f.mustMeasure(tb, p.ID, "1", f.police, ind.ID)
	f.mustApprove(tb, p.ID)
	c := &aldyn.ReportingCycle{PlanID: p.ID, Period: "2024-Q1", From: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC),
		To: time.Date(2024, 3, 31, 0, 0, 0, 0, time.UTC), Deadline: time.Date(2024, 4, 10, 18, 0, 0, 0, time.UTC)}
	if err := f.db.CreateCycle(f.ctx, f.coord, c); err != nil {
		tb.Fatal(err)
	}
	return p, m, ind, c
}

func (f *planFixture) auditCount(tb testing.TB, entity string) int {
	tb.Helper()
	_, n, err := f.db.FindAuditEntries(f.ctx, aldyn.AuditFilter{Entity: &entity})
	if err != nil {
		tb.Fatal(err)
	}
	return n
}

func TestReportLifecycleKeepsHistory(t *testing.T) {
	f := mustPlanFixture(t)
	_, m, ind, c := f.mustReportWorld(t)
	f.clock = time.Date(2024, 4, 2, 10, 0, 0, 0, time.UTC)
	r := &aldyn.Report{CycleID: c.ID, MeasureID: m.ID, Progress: 40, Narrative: "Patrols held",
		Spent:  []aldyn.BudgetLine{{Source: aldyn.BudgetLocal, AmountKGS: 20000}},
		Values: []aldyn.IndicatorValue{{IndicatorID: ind.ID, Period: "2024-Q1", Value: 44}}}
	if err := f.db.SaveReport(f.ctx, f.policeRep, r); err != nil {
		t.Fatal(err)
	}
	if r.BodyID != f.police.ID || r.Status != aldyn.ReportDraft {
		t.Fatalf("saved: got body %d status %s", r.BodyID, r.Status)
	}
	dup := &aldyn.Report{CycleID: c.ID, MeasureID: m.ID, Narrative: "again"}
	mustCode(t, "second report for the cycle and measure", f.db.SaveReport(f.ctx, f.policeRep, dup), aldyn.ECONFLICT)

	steps := []struct {
		name    string
		fn      func() (*aldyn.Report, error)
		status  aldyn.ReportStatus
		version int
	}{
		{"submit", func() (*aldyn.Report, error) { return f.db.SubmitReport(f.ctx, f.policeRep, r.ID) }, aldyn.ReportSubmitted, 1},
		{"return", func() (*aldyn.Report, error) {
			return f.db.ReturnReport(f.ctx, f.coord, r.ID, "Attach the patrol log")
		}, aldyn.ReportReturned, 1},
		{"correct and resubmit", func() (*aldyn.Report, error) {
			fix := *r
			fix.Narrative, fix.Evidence = "Patrols held; log attached", []string{"log #12"}
			if err := f.db.SaveReport(f.ctx, f.policeRep, &fix); err != nil {
				return nil, err
			}
			return f.db.SubmitReport(f.ctx, f.policeRep, r.ID)
		}, aldyn.ReportSubmitted, 2},
		{"accept", func() (*aldyn.Report, error) { return f.db.AcceptReport(f.ctx, f.coord, r.ID, "") }, aldyn.ReportAccepted, 2},
	}
	for _, s := range steps {
		f.clock = f.clock.Add(24 * time.Hour)
		got, err := s.fn()
		if err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		if got.Status != s.status || got.Version != s.version {
			t.Errorf("%s: got %s v%d, want %s v%d", s.name, got.Status, got.Version, s.status, s.version)
		}
	}
	got, err := f.db.FindReportByID(f.ctx, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	first := time.Date(2024, 4, 3, 10, 0, 0, 0, time.UTC)
	if got.Narrative != "Patrols held; log attached" || got.FirstSubmittedAt == nil || !got.FirstSubmittedAt.Equal(first) ||
		got.DecidedBy != f.coord.UserID || len(got.Spent) != 1 || len(got.Values) != 1 || !slices.Equal(got.Evidence, []string{"log #12"}) {
		t.Errorf("accepted report: got %+v", got)
	}
	hist, err := f.db.ReportHistory(f.ctx, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	var trail []string
	for _, h := range hist {
		trail = append(trail, string(h.Status)+"/"+string(rune('0'+h.Version)))
	}
	if want := []string{"submitted/1", "returned/1", "submitted/2", "accepted/2"}; !slices.Equal(trail, want) {
		t.Errorf("history: got %v, want %v", trail, want)
	}
	if hist[1].Report.Comment != "Attach the patrol log" || hist[0].Report.Narrative != "Patrols held" {
		t.Errorf("snapshots: got %q, %q", hist[1].Report.Comment, hist[0].Report.Narrative)
	}
	// create, two saves (create, correction), four transitions
	if n := f.auditCount(t, "report"); n != 6 {
		t.Errorf("got %d report audit entries, want 6", n)
	}
	if vs, _ := f.db.FindIndicatorValues(f.ctx, ind.ID); len(vs) != 1 || vs[0].Value != 44 {
		t.Errorf("accepted values: got %+v", vs)
	}
}

// TestSaveReportRevision checks optimistic concurrency on reports: two
// edits made from the same revision, one after the other or at the same
// moment, save the first and refuse the other as stale, which changes
// nothing; an edit naming no revision is invalid.
func TestSaveReportRevision(t *testing.T) {
	f := mustPlanFixture(t)
	_, m, _, c := f.mustReportWorld(t)
	f.clock = time.Date(2024, 4, 2, 10, 0, 0, 0, time.UTC)
	r := &aldyn.Report{CycleID: c.ID, MeasureID: m.ID, Progress: 10, Narrative: "Started"}
	if err := f.db.SaveReport(f.ctx, f.policeRep, r); err != nil {
		t.Fatal(err)
	}
	if r.Revision != 1 {
		t.Fatalf("new report: got revision %d, want 1", r.Revision)
	}
	first, second := *r, *r
	first.Narrative, second.Narrative = "Patrols held (first)", "Patrols held (second)"
	if err := f.db.SaveReport(f.ctx, f.policeRep, &first); err != nil {
		t.Fatal(err)
	}
	if first.Revision != 2 {
		t.Errorf("after a save: got revision %d, want 2", first.Revision)
	}
	err := f.db.SaveReport(f.ctx, f.policeRep, &second)
	mustCode(t, "save from an older revision", err, aldyn.ECONFLICT)
	var e *aldyn.Error
	if !errors.As(err, &e) || e.Message != "report.error.stale" || e.Fields["revision"] == "" {
		t.Errorf("stale save: got %#v, want report.error.stale on field revision", err)
	}
	none := first
	none.Revision = 0
	mustCode(t, "save without a revision", f.db.SaveReport(f.ctx, f.policeRep, &none), aldyn.EINVALID)
	got, err := f.db.FindReportByID(f.ctx, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Narrative != first.Narrative || got.Revision != 2 {
		t.Errorf("after the refused saves: got %q at revision %d, want %q at 2", got.Narrative, got.Revision, first.Narrative)
	}

	// Eight saves from revision 2 at once: one is saved, seven refused.
	const n = 8
	errs := make(chan error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			x := *got
			x.Narrative = fmt.Sprintf("Concurrent edit %d", i)
			errs <- f.db.SaveReport(f.ctx, f.policeRep, &x)
		}()
	}
	wg.Wait()
	close(errs)
	saved := 0
	for err := range errs {
		switch aldyn.ErrorCode(err) {
		case "":
			saved++
		case aldyn.ECONFLICT:
		default:
			t.Errorf("concurrent save: %v", err)
		}
	}
	if saved != 1 {
		t.Errorf("concurrent saves from one revision: %d saved, want 1", saved)
	}
	if got, err := f.db.FindReportByID(f.ctx, r.ID); err != nil || got.Revision != 3 {
		t.Errorf("after the concurrent saves: got revision %v (%v), want 3", got, err)
	}
}

func TestReportIllegalTransitionsChangeNothing(t *testing.T) {
	f := mustPlanFixture(t)
	_, m, _, c := f.mustReportWorld(t)
	f.clock = time.Date(2024, 4, 2, 10, 0, 0, 0, time.UTC)
	r := &aldyn.Report{CycleID: c.ID, MeasureID: m.ID, Progress: 10, Narrative: "Started"}
	if err := f.db.SaveReport(f.ctx, f.policeRep, r); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		before func()
		fn     func() error
		want   string
	}{
		{"accept a draft", nil, func() error { _, err := f.db.AcceptReport(f.ctx, f.coord, r.ID, ""); return err }, aldyn.ECONFLICT},
		{"return a draft", nil, func() error { _, err := f.db.ReturnReport(f.ctx, f.coord, r.ID, "no"); return err }, aldyn.ECONFLICT},
		{"submit for another body", nil, func() error { _, err := f.db.SubmitReport(f.ctx, f.okmotuRep, r.ID); return err }, aldyn.EFORBIDDEN},
		{"save for another body", nil, func() error {
			x := *r
			x.Progress = 90
			return f.db.SaveReport(f.ctx, f.okmotuRep, &x)
		}, aldyn.EFORBIDDEN},
		{"return without comment", func() {
			if _, err := f.db.SubmitReport(f.ctx, f.policeRep, r.ID); err != nil {
				t.Fatal(err)
			}
		}, func() error { _, err := f.db.ReturnReport(f.ctx, f.coord, r.ID, " "); return err }, aldyn.EINVALID},
		{"reporter accepts", nil, func() error { _, err := f.db.AcceptReport(f.ctx, f.okmotuRep, r.ID, ""); return err }, aldyn.EFORBIDDEN},
		{"submit twice", nil, func() error { _, err := f.db.SubmitReport(f.ctx, f.policeRep, r.ID); return err }, aldyn.ECONFLICT},
		{"edit a submitted report", nil, func() error { x := *r; return f.db.SaveReport(f.ctx, f.policeRep, &x) }, aldyn.ECONFLICT},
		{"return an accepted report", func() {
			if _, err := f.db.AcceptReport(f.ctx, f.coord, r.ID, "ok"); err != nil {
				t.Fatal(err)
			}
		}, func() error { _, err := f.db.ReturnReport(f.ctx, f.coord, r.ID, "late doubts"); return err }, aldyn.ECONFLICT},
		{"resubmit an accepted report", nil, func() error { _, err := f.db.SubmitReport(f.ctx, f.policeRep, r.ID); return err }, aldyn.ECONFLICT},
		{"attach to an accepted report", nil, func() error {
			return f.db.AddReportEvidence(f.ctx, f.policeRep, &store.ReportEvidence{ReportID: r.ID, FileName: "a.pdf",
				ContentType: "application/pdf", Size: 1, SHA256: strings.Repeat("0", 64), StorageKey: "k1"})
		}, aldyn.ECONFLICT},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.before != nil {
				tt.before()
			}
			before, _ := f.db.FindReportByID(f.ctx, r.ID)
			hist0, _ := f.db.ReportHistory(f.ctx, r.ID)
			audit0 := f.auditCount(t, "report")
			f.clock = f.clock.Add(time.Hour)
			mustCode(t, tt.name, tt.fn(), tt.want)
			after, _ := f.db.FindReportByID(f.ctx, r.ID)
			hist1, _ := f.db.ReportHistory(f.ctx, r.ID)
			if !reflect.DeepEqual(before, after) || len(hist1) != len(hist0) || f.auditCount(t, "report") != audit0 {
				t.Errorf("refused %s changed the report: %+v → %+v", tt.name, before, after)
			}
		})
	}
}

func TestPlanScope(t *testing.T) {
	f := mustPlanFixture(t)
	p, m, _, c := f.mustReportWorld(t)
	r := &aldyn.Report{CycleID: c.ID, MeasureID: m.ID, Narrative: "x"}
	if err := f.db.SaveReport(f.ctx, f.policeRep, r); err != nil {
		t.Fatal(err)
	}
	other, err := f.db.FindTerritoryByCode(f.ctx, suzak)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		under string
		want  int
	}{{other.Path, 0}, {"\x00", 0}, {f.path, 1}, {"/", 1}} {
		t.Run(tt.under, func(t *testing.T) {
			counts := map[string]func() (int, error){
				"plans": func() (int, error) {
					_, n, err := f.db.FindPlans(f.ctx, store.PlanFilter{Under: tt.under})
					return n, err
				},
				"measures": func() (int, error) {
					_, n, err := f.db.FindMeasures(f.ctx, p.ID, store.MeasureFilter{Under: tt.under})
					return n, err
				},
				"indicators": func() (int, error) {
					_, n, err := f.db.FindIndicators(f.ctx, store.IndicatorFilter{Under: tt.under})
					return n, err
				},
				"cycles": func() (int, error) {
					_, n, err := f.db.FindCycles(f.ctx, store.CycleFilter{Under: tt.under})
					return n, err
				},
				"reports": func() (int, error) {
					_, n, err := f.db.FindReports(f.ctx, store.ReportFilter{Under: tt.under})
					return n, err
				},
			}
			for name, count := range counts {
				if n, err := count(); err != nil || n != tt.want {
					t.Errorf("%s under %q: got %d (%v), want %d", name, tt.under, n, err, tt.want)
				}
			}
		})
	}
	outsider := &aldyn.Actor{UserID: 9, Login: "suzak", Role: aldyn.RoleCoordinator, BodyID: f.council.ID, TerritoryCode: suzak, TerritoryPath: other.Path}
	_, err = f.db.AmendPlan(f.ctx, outsider, p.ID)
	mustCode(t, "amend another district's plan", err, aldyn.EFORBIDDEN)
	_, err = f.db.AcceptReport(f.ctx, outsider, r.ID, "")
	mustCode(t, "review another district's report", err, aldyn.EFORBIDDEN)
	mine := *p
	mine.TerritoryCode = suzak
	mustCode(t, "move a plan out of scope", f.db.CreatePlan(f.ctx, f.coord, &mine), aldyn.EFORBIDDEN)
}

func TestReportEvidenceAndNotifications(t *testing.T) {
	f := mustPlanFixture(t)
	_, m, _, c := f.mustReportWorld(t)
	r := &aldyn.Report{CycleID: c.ID, MeasureID: m.ID, Narrative: "x"}
	if err := f.db.SaveReport(f.ctx, f.policeRep, r); err != nil {
		t.Fatal(err)
	}
	sum := "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
	e := &store.ReportEvidence{ReportID: r.ID, FileName: "photo.jpg", ContentType: "image/jpeg", Size: 1234, SHA256: sum, StorageKey: "ab/cd"}
	if err := f.db.AddReportEvidence(f.ctx, f.policeRep, e); err != nil {
		t.Fatal(err)
	}
	dup := *e
	mustCode(t, "same storage key", f.db.AddReportEvidence(f.ctx, f.policeRep, &dup), aldyn.ECONFLICT)
	mustCode(t, "another body's report", f.db.AddReportEvidence(f.ctx, f.okmotuRep, &store.ReportEvidence{ReportID: r.ID, FileName: "x",
		SHA256: sum, StorageKey: "x"}), aldyn.EFORBIDDEN)
	es, err := f.db.FindEvidence(f.ctx, r.ID)
	if err != nil || len(es) != 1 || !reflect.DeepEqual(es[0], e) {
		t.Errorf("evidence: got %+v %v, want %+v", es, err, e)
	}
	if gone, err := f.db.DeleteReportEvidence(f.ctx, f.policeRep, e.ID); err != nil || gone.StorageKey != "ab/cd" {
		t.Errorf("delete evidence: got %+v %v", gone, err)
	}

	n := &store.Notification{BodyID: f.police.ID, Kind: "report_returned", TextKey: "notify.report_returned",
		Args: map[string]any{"measure": "1"}, Link: "/reports/1"}
	if err := f.db.Notify(f.ctx, f.coord, n); err != nil {
		t.Fatal(err)
	}
	mine := store.NotificationFilter{UserID: f.policeRep.UserID, BodyID: f.police.ID, Unread: true}
	if ns, total, err := f.db.FindNotifications(f.ctx, mine); err != nil || total != 1 || ns[0].Args["measure"] != "1" {
		t.Errorf("notifications: got %d %v", total, err)
	}
	if _, total, _ := f.db.FindNotifications(f.ctx, store.NotificationFilter{UserID: f.okmotuRep.UserID, BodyID: f.okmotu.ID}); total != 0 {
		t.Errorf("another body sees %d notifications", total)
	}
	mustCode(t, "mark another's read", f.db.MarkNotificationRead(f.ctx, f.okmotuRep, n.ID), aldyn.ENOTFOUND)
	if err := f.db.MarkNotificationRead(f.ctx, f.policeRep, n.ID); err != nil {
		t.Fatal(err)
	}
	if _, total, _ := f.db.FindNotifications(f.ctx, mine); total != 0 {
		t.Errorf("after read: got %d unread", total)
	}
}

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
	c := &aldyn.ReportingCycle{PlanID: p.ID, Period: "2024-Q1", From: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC),
		To: time.Date(2024, 3, 31, 0, 0, 0, 0, time.UTC), Deadline: time.Date(2024, 4, 10, 18, 0, 0, 0, time.UTC)}
	if err := f.db.CreateCycle(f.ctx, f.coord, c); err != nil {
		t.Fatal(err)
	}
	report := func(a *aldyn.Actor, m *aldyn.Measure, progress int, at time.Time, spent int64) *aldyn.Report {
		t.Helper()
		f.clock = at
		r := &aldyn.Report{CycleID: c.ID, MeasureID: m.ID, Progress: progress, Narrative: "done",
			Spent: []aldyn.BudgetLine{{Source: aldyn.BudgetLocal, AmountKGS: spent}}}
		if m.ID == m1.ID {
			r.Values = []aldyn.IndicatorValue{{IndicatorID: ind.ID, Period: "2024-Q1", Value: 48}}
		}
		if err := f.db.SaveReport(f.ctx, a, r); err != nil {
			t.Fatal(err)
		}
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
	d := in.Compute(time.Date(2024, 4, 15, 0, 0, 0, 0, time.UTC))
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
		c := &aldyn.ReportingCycle{PlanID: p.ID, Period: period, From: from, To: from.AddDate(0, 3, -1), Deadline: from.AddDate(0, 3, 9)}
		if err := f.db.CreateCycle(f.ctx, f.coord, c); err != nil {
			t.Fatal(err)
		}
		return c
	}
	report := func(a *aldyn.Actor, c *aldyn.ReportingCycle, m *aldyn.Measure, progress int, spent int64, accept bool) {
		t.Helper()
		f.clock = c.To.Add(24 * time.Hour)
		r := &aldyn.Report{CycleID: c.ID, MeasureID: m.ID, Progress: progress, Narrative: "n",
			Spent: []aldyn.BudgetLine{{Source: aldyn.BudgetLocal, AmountKGS: spent}, {Source: aldyn.BudgetRepublican, AmountKGS: spent / 2}}}
		if err := f.db.SaveReport(f.ctx, a, r); err != nil {
			t.Fatal(err)
		}
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
	d := in.Compute(f.clock)
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
	ms, _, err := f.db.FindMeasures(f.ctx, planID, store.MeasureFilter{Page: page})
	if err != nil {
		t.Fatal(err)
	}
	is, _, err := f.db.FindIndicators(f.ctx, store.IndicatorFilter{PlanID: &planID, Page: page})
	if err != nil {
		t.Fatal(err)
	}
	cs, _, err := f.db.FindCycles(f.ctx, store.CycleFilter{PlanID: &planID, Page: page})
	if err != nil {
		t.Fatal(err)
	}
	rs, _, err := f.db.FindReports(f.ctx, store.ReportFilter{PlanID: &planID, Page: page})
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
	return aldyn.ComputeDashboard(p, measures, indicators, values, reports, cycles, now)
}

// mustSameDashboard checks that LoadDashboardInput, loaded at the
// fixture's clock, computes at each of nows what the full load computes.
func mustSameDashboard(t *testing.T, f *planFixture, what string, planID int64, nows ...time.Time) *store.DashboardInput {
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
		got, want := in.Compute(now), fullDashboard(t, f, planID, now)
		if !reflect.DeepEqual(got, want) {
			g, _ := json.Marshal(got)
			w, _ := json.Marshal(want)
			t.Errorf("%s, at %v:\n got %s\nwant %s", what, now, g, w)
		}
		if all := whole.Compute(now); !reflect.DeepEqual(all, want) {
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
	f := mustPlanFixture(t)
	p := f.mustPlan(t)
	ind1 := f.mustIndicator(t, p.ID, "1")
	ind2 := f.mustIndicator(t, p.ID, "2")
	ind3 := f.mustIndicator(t, p.ID, "10")
	m1 := f.mustMeasure(t, p.ID, "1", f.police, ind1.ID)
	m2 := f.mustMeasure(t, p.ID, "2", f.okmotu, ind2.ID)
	m3 := f.mustMeasure(t, p.ID, "3", f.police)
	m4 := f.mustMeasure(t, p.ID, "1.10", f.okmotu)
	x := *m4
	x.ComponentCode, x.TaskCode, x.Due = "5.1", "", time.Date(2024, 5, 31, 0, 0, 0, 0, time.UTC)
	x.Budget = append(x.Budget, aldyn.BudgetLine{Source: aldyn.BudgetRepublican, AmountKGS: 7}, aldyn.BudgetLine{Source: aldyn.BudgetLocal, AmountKGS: 5})
	if err := f.db.UpdateMeasure(f.ctx, f.coord, m4.ID, &x); err != nil {
		t.Fatal(err)
	}
	x = *m3
	x.Cancelled = true
	if err := f.db.UpdateMeasure(f.ctx, f.coord, m3.ID, &x); err != nil {
		t.Fatal(err)
	}
	f.mustApprove(t, p.ID)
	mustSameDashboard(t, f, "approved", p.ID)

	cycles := map[string]*aldyn.ReportingCycle{}
	for _, q := range []struct {
		period string
		from   time.Time
	}{{"2024-Q1", time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)}, {"2024-Q2", time.Date(2024, 4, 1, 0, 0, 0, 0, time.UTC)},
		{"2024-Q3", time.Date(2024, 7, 1, 0, 0, 0, 0, time.UTC)}, {"2024-Q4", time.Date(2024, 10, 1, 0, 0, 0, 0, time.UTC)}} {
		c := &aldyn.ReportingCycle{PlanID: p.ID, Period: q.period, From: q.from, To: q.from.AddDate(0, 3, -1), Deadline: q.from.AddDate(0, 3, 9)}
		if err := f.db.CreateCycle(f.ctx, f.coord, c); err != nil {
			t.Fatal(err)
		}
		cycles[q.period] = c
	}
	reporter := map[int64]*aldyn.Actor{f.police.ID: f.policeRep, f.okmotu.ID: f.okmotuRep}
	save := func(at time.Time, period string, m *aldyn.Measure, progress int, spent int64, values ...aldyn.IndicatorValue) *aldyn.Report {
		t.Helper()
		f.clock = at
		r := &aldyn.Report{CycleID: cycles[period].ID, MeasureID: m.ID, Progress: progress, Narrative: "n", Values: values,
			Spent: []aldyn.BudgetLine{{Source: aldyn.BudgetLocal, AmountKGS: spent}, {Source: aldyn.BudgetPartners, Funder: "UNDP", AmountKGS: spent / 4}}}
		if err := f.db.SaveReport(f.ctx, reporter[m.ResponsibleBodyID], r); err != nil {
			t.Fatal(err)
		}
		return r
	}
	step := func(at time.Time, r *aldyn.Report, action string) {
		t.Helper()
		f.clock = at
		var err error
		switch action {
		case "submit":
			_, err = f.db.SubmitReport(f.ctx, reporter[r.BodyID], r.ID)
		case "accept":
			_, err = f.db.AcceptReport(f.ctx, f.coord, r.ID, "")
		case "return":
			_, err = f.db.ReturnReport(f.ctx, f.coord, r.ID, "more detail")
		}
		if err != nil {
			t.Fatalf("%s report %d: %v", action, r.ID, err)
		}
	}
	day := func(month, d int) time.Time { return time.Date(2024, time.Month(month), d, 10, 0, 0, 0, time.UTC) }

	// 2024-Q1: m1 accepted at 40 %; m2 returned, resubmitted (late) and
	// accepted at 100 %; m4 accepted at 100 %, so done on time.
	r := save(day(4, 2), "2024-Q1", m1, 40, 1000, aldyn.IndicatorValue{IndicatorID: ind1.ID, Period: "2024-Q1", Value: 45})
	step(day(4, 3), r, "submit")
	step(day(4, 4), r, "accept")
	r = save(day(4, 5), "2024-Q1", m2, 100, 2000)
	step(day(4, 5), r, "submit")
	step(day(4, 6), r, "return")
	mustSameDashboard(t, f, "returned", p.ID)
	r.Progress = 100
	if err := f.db.SaveReport(f.ctx, f.okmotuRep, r); err != nil {
		t.Fatal(err)
	}
	step(day(4, 12), r, "submit")
	step(day(4, 13), r, "accept")
	r = save(day(4, 7), "2024-Q1", m4, 100, 3000)
	step(day(4, 7), r, "submit")
	step(day(4, 8), r, "accept")
	mustSameDashboard(t, f, "2024-Q1", p.ID, day(4, 20))

	// Observed values: ind1 amended for 2024-Q2, plan-wide twice (the
	// plan's territory last: the full load takes values by territory, the
	// dashboard the latest stored), and for another territory later; ind3
	// only for the plan's territory.
	f.clock = day(5, 1)
	if err := f.db.UpsertIndicatorValues(f.ctx, f.coord, []aldyn.IndicatorValue{{IndicatorID: ind1.ID, Period: "2024-Q2", Value: 50},
		{IndicatorID: ind3.ID, Period: "2024-Q1", TerritoryCode: alamudun, Value: 41.5}}); err != nil {
		t.Fatal(err)
	}
	f.clock = day(5, 2)
	if err := f.db.UpsertIndicatorValues(f.ctx, f.coord, []aldyn.IndicatorValue{{IndicatorID: ind1.ID, Period: "2024-Q2", Value: 52},
		{IndicatorID: ind1.ID, Period: "2024-Q3", TerritoryCode: suzak, Value: 99}}); err != nil {
		t.Fatal(err)
	}
	f.clock = day(5, 3)
	if err := f.db.UpsertIndicatorValues(f.ctx, f.coord, []aldyn.IndicatorValue{{IndicatorID: ind1.ID, Period: "2024-Q2", TerritoryCode: alamudun, Value: 1.0 / 3}}); err != nil {
		t.Fatal(err)
	}
	mustSameDashboard(t, f, "values", p.ID)

	// 2024-Q2: m1 accepted at 70 %, then m4 at 100 % again (done stays
	// 2024-Q1); m3 (cancelled) returned; m2 is done and not expected.
	r = save(day(7, 2), "2024-Q2", m1, 70, 4000, aldyn.IndicatorValue{IndicatorID: ind1.ID, Period: "2024-Q3", Value: 60})
	step(day(7, 2), r, "submit")
	step(day(7, 3), r, "accept")
	r = save(day(7, 4), "2024-Q2", m4, 100, 500)
	step(day(7, 4), r, "submit")
	step(day(7, 5), r, "accept")
	r = save(day(7, 6), "2024-Q2", m3, 10, 100)
	step(day(7, 6), r, "submit")
	step(day(7, 7), r, "return")
	mustSameDashboard(t, f, "2024-Q2", p.ID, day(9, 30))

	// 2024-Q3 begun: m1 submitted late, not decided; m3 a draft. The Q4
	// cycle, not yet begun, gets an early report on m1.
	r = save(day(10, 20), "2024-Q3", m1, 80, 8000)
	step(day(10, 20), r, "submit")
	save(day(10, 21), "2024-Q3", m3, 20, 0)
	// m4 at 100 % again, after its due date: still done on time, by 2024-Q1.
	r = save(day(10, 22), "2024-Q3", m4, 100, 50)
	step(day(10, 22), r, "submit")
	step(day(10, 23), r, "accept")
	f.clock = day(9, 1)
	in := mustSameDashboard(t, f, "2024-Q3", p.ID, day(9, 15), day(10, 2), day(12, 31))
	r = save(day(9, 2), "2024-Q4", m1, 85, 100)
	step(day(9, 2), r, "submit")
	f.clock = day(9, 3)
	mustSameDashboard(t, f, "early Q4 report", p.ID, day(10, 2), day(12, 31))
	if len(in.Reports) > 3*len(in.Measures) {
		t.Errorf("loaded %d reports for %d measures", len(in.Reports), len(in.Measures))
	}

	// Rebuilt summaries give the same.
	rebuild := func(stmts ...string) {
		t.Helper()
		if err := f.db.Update(f.ctx, aldyn.System, func(tx *store.Tx) error {
			if len(stmts) == 0 {
				return tx.RefreshDashboard(f.ctx, p.ID)
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
	mustSameDashboard(t, f, "RefreshDashboard", p.ID, day(12, 31))
	stmts := append([]string{"DELETE FROM measure_summaries", "DELETE FROM indicator_summaries"},
		migrationBackFill(t, f.db.Dialect, "measure_summary")...)
	if len(stmts) != 4+map[string]int{store.Postgres: 1}[f.db.Dialect] {
		t.Fatalf("back-fill statements: %q", stmts)
	}
	rebuild(stmts...)
	mustSameDashboard(t, f, "migration back-fill", p.ID, day(12, 31))

	// An amendment copies measures and indicators with their values; its
	// measures and indicators change.
	f.clock = day(9, 4)
	n, err := f.db.AmendPlan(f.ctx, f.coord, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	mustSameDashboard(t, f, "amendment", n.ID)
	nm, _, err := f.db.FindMeasures(f.ctx, n.ID, store.MeasureFilter{Page: aldyn.Page{Limit: 10}})
	if err != nil {
		t.Fatal(err)
	}
	if err := f.db.DeleteMeasure(f.ctx, f.coord, nm[0].ID); err != nil {
		t.Fatal(err)
	}
	x = *nm[1]
	x.Budget = []aldyn.BudgetLine{{Source: aldyn.BudgetOther, AmountKGS: 123}}
	if err := f.db.UpdateMeasure(f.ctx, f.coord, x.ID, &x); err != nil {
		t.Fatal(err)
	}
	ni, _, err := f.db.FindIndicators(f.ctx, store.IndicatorFilter{PlanID: &n.ID, Page: aldyn.Page{Limit: 10}})
	if err != nil {
		t.Fatal(err)
	}
	y := *ni[0]
	y.Targets = []aldyn.IndicatorTarget{{Year: 2025, Value: 0.1 + 0.2}, {Year: 2024, Value: 55}}
	if err := f.db.UpdateIndicator(f.ctx, f.coord, y.ID, &y); err != nil {
		t.Fatal(err)
	}
	mustSameDashboard(t, f, "amendment changed", n.ID, day(12, 31))
	mustSameDashboard(t, f, "after the amendment", p.ID, day(12, 31))
}

// TestReportOnMeasureNotBegun: a measure that begins after a cycle ends
// has no report in it; an overdue one still gets its report.
func TestReportOnMeasureNotBegun(t *testing.T) {
	f := mustPlanFixture(t)
	p := f.mustPlan(t)
	late := f.mustMeasure(t, p.ID, "1", f.police)
	x := *late
	x.Start = time.Date(2024, 7, 1, 0, 0, 0, 0, time.UTC)
	if err := f.db.UpdateMeasure(f.ctx, f.coord, late.ID, &x); err != nil {
		t.Fatal(err)
	}
	early := f.mustMeasure(t, p.ID, "2", f.police)
	x = *early
	x.Due = time.Date(2024, 1, 31, 0, 0, 0, 0, time.UTC)
	if err := f.db.UpdateMeasure(f.ctx, f.coord, early.ID, &x); err != nil {
		t.Fatal(err)
	}
	f.mustApprove(t, p.ID)
	c := &aldyn.ReportingCycle{PlanID: p.ID, Period: "2024-Q1", From: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC),
		To: time.Date(2024, 3, 31, 0, 0, 0, 0, time.UTC), Deadline: time.Date(2024, 4, 10, 0, 0, 0, 0, time.UTC)}
	if err := f.db.CreateCycle(f.ctx, f.coord, c); err != nil {
		t.Fatal(err)
	}
	err := f.db.SaveReport(f.ctx, f.policeRep, &aldyn.Report{CycleID: c.ID, MeasureID: late.ID, Progress: 10, Narrative: "n"})
	mustCode(t, "a report on a measure that begins in July", err, aldyn.EINVALID)
	q2 := &aldyn.ReportingCycle{PlanID: p.ID, Period: "2024-Q2", From: time.Date(2024, 4, 1, 0, 0, 0, 0, time.UTC),
		To: time.Date(2024, 6, 30, 0, 0, 0, 0, time.UTC), Deadline: time.Date(2024, 7, 10, 0, 0, 0, 0, time.UTC)}
	if err := f.db.CreateCycle(f.ctx, f.coord, q2); err != nil {
		t.Fatal(err)
	}
	if err := f.db.SaveReport(f.ctx, f.policeRep, &aldyn.Report{CycleID: q2.ID, MeasureID: early.ID, Progress: 100, Narrative: "late"}); err != nil {
		t.Errorf("a report on an overdue measure: %v", err)
	}
}

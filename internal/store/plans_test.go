package store_test

import (
	"context"
	"reflect"
	"slices"
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
	ms, total, err := f.db.FindMeasures(f.ctx, p.ID, aldyn.MeasureFilter{})
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
	inds, _, err := f.db.FindIndicators(f.ctx, aldyn.IndicatorFilter{PlanID: &p.ID})
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
	found, n, err := f.db.FindMeasures(f.ctx, p.ID, aldyn.MeasureFilter{Query: "мероприятие 1.10", ComponentCode: &component, ResponsibleBodyID: &f.okmotu.ID})
	if err != nil || n != 1 || found[0].ID != m10.ID {
		t.Errorf("measure search: got %d %v", n, err)
	}
	if ps, n, err := f.db.FindPlans(f.ctx, aldyn.PlanFilter{Query: "СОВМЕСТНЫЙ"}); err != nil || n != 1 || ps[0].ID != p.ID {
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

	old, _, _ := f.db.FindMeasures(f.ctx, p.ID, aldyn.MeasureFilter{})
	copied, _, _ := f.db.FindMeasures(f.ctx, v2.ID, aldyn.MeasureFilter{})
	if len(copied) != 2 || len(aldyn.DiffPlans(derefMeasures(old), derefMeasures(copied))) != 0 {
		t.Errorf("copied measures differ: %v", aldyn.DiffPlans(derefMeasures(old), derefMeasures(copied)))
	}
	inds, _, _ := f.db.FindIndicators(f.ctx, aldyn.IndicatorFilter{PlanID: &v2.ID})
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
	if ps, n, _ := f.db.FindPlans(f.ctx, aldyn.PlanFilter{Status: &st}); n != 1 || ps[0].ID != v2.ID {
		t.Errorf("approved plans: got %d", n)
	}
}

func TestPlanScope(t *testing.T) {
	f := mustPlanFixture(t)
	p, m, _, c := f.mustReportWorld(t)
	r := &aldyn.Report{CycleID: c.ID, MeasureID: m.ID, Narrative: "x"}
	f.mustSaveReport(t, f.policeRep, r)
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
					_, n, err := f.db.FindPlans(f.ctx, aldyn.PlanFilter{Under: tt.under})
					return n, err
				},
				"measures": func() (int, error) {
					_, n, err := f.db.FindMeasures(f.ctx, p.ID, aldyn.MeasureFilter{Under: tt.under})
					return n, err
				},
				"indicators": func() (int, error) {
					_, n, err := f.db.FindIndicators(f.ctx, aldyn.IndicatorFilter{Under: tt.under})
					return n, err
				},
				"cycles": func() (int, error) {
					_, n, err := f.db.FindCycles(f.ctx, aldyn.CycleFilter{Under: tt.under})
					return n, err
				},
				"reports": func() (int, error) {
					_, n, err := f.db.FindReports(f.ctx, aldyn.ReportFilter{Under: tt.under})
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

// TestPlanLineage finds every version of a plan, from any of them, in one
// query, and no version of another plan.
func TestPlanLineage(t *testing.T) {
	f := mustPlanFixture(t)
	p := f.mustPlan(t)
	f.mustApprove(t, p.ID)
	v2, err := f.db.AmendPlan(f.ctx, f.coord, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	f.mustApprove(t, v2.ID)
	v3, err := f.db.AmendPlan(f.ctx, f.coord, v2.ID)
	if err != nil {
		t.Fatal(err)
	}
	other := f.mustPlan(t)
	want := []int64{p.ID, v2.ID, v3.ID}
	for _, from := range want {
		ps, n, err := f.db.FindPlans(f.ctx, aldyn.PlanFilter{Lineage: &from, Page: aldyn.Page{Limit: aldyn.MaxLimit}})
		if err != nil {
			t.Fatal(err)
		}
		var got []int64
		for _, v := range ps {
			got = append(got, v.ID)
		}
		slices.Sort(got)
		if n != 3 || !slices.Equal(got, want) {
			t.Errorf("lineage of %d: got %v (total %d), want %v", from, got, n, want)
		}
	}
	if ps, n, err := f.db.FindPlans(f.ctx, aldyn.PlanFilter{Lineage: &other.ID}); err != nil || n != 1 || ps[0].ID != other.ID {
		t.Errorf("lineage of another plan: got %d plans (%v), want only itself", n, err)
	}
}

package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/plantemplate"
)

const (
	planCodeChuy = "41708000000000" // the oblast above district A
	planFormType = "application/x-www-form-urlencoded"
	planJSONType = "application/json"
)

// planWorld is the fixture of the plan tests: the bodies a joint plan of
// district A involves and the officers who act for them.
type planWorld struct {
	*fixture
	council, okmotu, kenesh, oblast *aldyn.Body
	coordA                          *aldyn.Actor // the district A coordinator as an actor of the store
}

func mustPlanWorld(tb testing.TB) *planWorld {
	tb.Helper()
	f := mustFixture(tb)
	w := &planWorld{fixture: f}
	w.council = mustPlanBody(tb, f, codeA, "coordination_commission", "Аламүдүн координациялык комиссиясы")
	w.okmotu = mustPlanBody(tb, f, codeA, "local_government", "Лебединовка айыл өкмөтү")
	w.kenesh = mustPlanBody(tb, f, codeA, "local_government", "Лебединовка айылдык кеңеши")
	w.oblast = mustPlanBody(tb, f, planCodeChuy, "coordination_commission", "Чүй облустук комиссиясы")
	f.mustUser(tb, "okmotuReporter", aldyn.RoleReporter, w.okmotu)
	f.mustUser(tb, "keneshReporter", aldyn.RoleReporter, w.kenesh)
	f.mustUser(tb, "coordOblast", aldyn.RoleCoordinator, w.oblast)
	f.mustUser(tb, "coordB", aldyn.RoleCoordinator, f.bodyB)
	w.coordA = w.actorOf(tb, coordinator, aldyn.RoleCoordinator, f.bodyA, codeA)
	return w
}

func mustPlanBody(tb testing.TB, f *fixture, code, typ, name string) *aldyn.Body {
	tb.Helper()
	b := &aldyn.Body{TerritoryCode: code, Type: typ, NameKy: name, NameRu: name + " (ru)", NameEn: name + " (en)",
		ContactPerson: "Secret Contact " + name, DirectPhone: "+996 555 123 456"}
	if err := f.db.CreateBody(context.Background(), aldyn.System, b); err != nil {
		tb.Fatal(err)
	}
	return b
}

// actorOf is the store actor of a fixture user acting in role for body at
// territory code.
func (w *planWorld) actorOf(tb testing.TB, user, role string, b *aldyn.Body, code string) *aldyn.Actor {
	tb.Helper()
	t, err := w.db.FindTerritoryByCode(context.Background(), code)
	if err != nil {
		tb.Fatal(err)
	}
	return &aldyn.Actor{UserID: w.users[user].ID, Login: strings.ToLower(user), Role: role, BodyID: b.ID, TerritoryCode: code, TerritoryPath: t.Path}
}

// mustPlan creates a draft joint plan 2025–2027 of district A signed by
// the given bodies.
func (w *planWorld) mustPlan(tb testing.TB, title string, signatories ...int64) *aldyn.Plan {
	tb.Helper()
	p := &aldyn.Plan{Kind: aldyn.PlanJoint, Title: aldyn.Text{KY: title, RU: title, EN: title}, TerritoryCode: codeA, OwnerBodyID: w.council.ID,
		StartYear: 2025, EndYear: 2027, RequiredSignatures: signatories,
		Evidence: []aldyn.PlanEvidence{{Kind: aldyn.EvidenceSurvey, Note: "SECRET-EVIDENCE survey of 2024 by the okmotu"}}}
	if err := w.db.CreatePlan(context.Background(), w.coordA, p); err != nil {
		tb.Fatal(err)
	}
	return p
}

// mustContent adds two indicators and two measures to a draft.
func (w *planWorld) mustContent(tb testing.TB, p *aldyn.Plan) {
	tb.Helper()
	ctx := context.Background()
	i1 := &aldyn.Indicator{PlanID: p.ID, Code: "1", Name: aldyn.Text{KY: "Түнкү укук бузуулар", RU: "Ночные правонарушения", EN: "Night-time offenses"},
		Unit: "cases", Kind: aldyn.IndicatorNumber, Source: aldyn.IndicatorManual, Disaggregation: aldyn.DisaggregationNone,
		Frequency: aldyn.FrequencyAnnual, Verification: aldyn.Text{RU: "Отчёт ОВД"}, BaselineValue: 40, BaselineYear: 2024,
		Targets: []aldyn.IndicatorTarget{{Year: 2025, Value: 35}, {Year: 2026, Value: 30}}}
	i2 := &aldyn.Indicator{PlanID: p.ID, Code: "2", Name: aldyn.Text{EN: "Thefts per 100,000 residents"}, Unit: "per 100,000", Kind: aldyn.IndicatorRate,
		Source: aldyn.IndicatorOffenses, OffenseCategory: aldyn.CategoryTheft, Disaggregation: aldyn.DisaggregationNone, Frequency: aldyn.FrequencyAnnual,
		Verification: aldyn.Text{EN: "Offense register"}, BaselineValue: 310.5, BaselineYear: 2024, Targets: []aldyn.IndicatorTarget{{Year: 2027, Value: 250}}}
	for _, i := range []*aldyn.Indicator{i1, i2} {
		if err := w.db.CreateIndicator(ctx, w.coordA, i); err != nil {
			tb.Fatal(err)
		}
	}
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }
	for _, m := range []*aldyn.Measure{
		{PlanID: p.ID, Code: "1.1", ComponentCode: "4.3", TaskCode: "4.3.1", Title: aldyn.Text{KY: "Түнкү кезүүлөр", RU: "Ночные дежурства", EN: "Night patrols"},
			ResponsibleBodyID: w.bodyA.ID, CoExecutorIDs: []int64{w.okmotu.ID}, Start: day(2025, 2, 1), Due: day(2025, 12, 31),
			Budget:         []aldyn.BudgetLine{{Source: aldyn.BudgetLocal, AmountKGS: 150000}, {Source: aldyn.BudgetPartners, Funder: "UNDP", AmountKGS: 300000}},
			ExpectedResult: aldyn.Text{RU: "Меньше ночных правонарушений"}, IndicatorIDs: []int64{i1.ID, i2.ID}},
		{PlanID: p.ID, Code: "2", Title: aldyn.Text{KY: "Көчө жарыгы"}, ResponsibleBodyID: w.okmotu.ID, Start: day(2026, 3, 1), Due: day(2026, 9, 30),
			Budget: []aldyn.BudgetLine{{Source: aldyn.BudgetRepublican, AmountKGS: 1000000}}},
	} {
		if err := w.db.CreateMeasure(ctx, w.coordA, m); err != nil {
			tb.Fatal(err)
		}
	}
}

// mustApproved signs p by its signatories (acting as their reporters)
// and approves it.
func (w *planWorld) mustApproved(tb testing.TB, p *aldyn.Plan) {
	tb.Helper()
	ctx := context.Background()
	for _, id := range p.RequiredSignatures {
		a := &aldyn.Actor{UserID: w.users[reporterA].ID, Role: aldyn.RoleReporter, BodyID: id, TerritoryPath: w.coordA.TerritoryPath}
		if _, err := w.db.SignPlan(ctx, a, p.ID); err != nil {
			tb.Fatal(err)
		}
	}
	if _, err := w.db.ApprovePlan(ctx, w.coordA, p.ID); err != nil {
		tb.Fatal(err)
	}
}

func idStr(n int64) string { return strconv.FormatInt(n, 10) }

// getPlan reads a plan through the API as the district A coordinator.
func (w *planWorld) getPlan(tb testing.TB, planID int64) aldyn.Plan {
	tb.Helper()
	resp := w.do(tb, coordinator, "GET", "/api/v1/plans/"+idStr(planID), "", "")
	var p aldyn.Plan
	if err := json.Unmarshal([]byte(readBody(tb, resp)), &p); err != nil || resp.StatusCode != 200 {
		tb.Fatalf("get plan %d: %d %v", planID, resp.StatusCode, err)
	}
	return p
}

// expectStatus sends a request and checks its status.
func (w *planWorld) expectStatus(tb testing.TB, who, method, path, ctype, body string, want int) string {
	tb.Helper()
	resp := w.do(tb, who, method, path, ctype, body)
	b := readBody(tb, resp)
	if resp.StatusCode != want {
		tb.Errorf("%s %s as %s: got status %d, want %d; body %.300s", method, path, who, resp.StatusCode, want, b)
	}
	return b
}

func planFormBody(w *planWorld, title string, signatories ...int64) string {
	v := url.Values{"kind": {"joint"}, "title_ky": {title}, "title_ru": {title}, "territory_code": {codeA}, "owner_body_id": {idStr(w.council.ID)},
		"start_year": {"2025"}, "end_year": {"2027"}, "evidence_kind": {"statistics", ""}, "evidence_note": {"Crime statistics 2021–2024", ""}}
	for _, s := range signatories {
		v.Add("required_signatures", idStr(s))
	}
	return v.Encode()
}

// TestPlanLifecycle walks a joint plan from draft through signatures,
// approval, amendment and closing, checking every illegal move is a 409
// that changes nothing.
func TestPlanLifecycle(t *testing.T) {
	w := mustPlanWorld(t)
	// Created through the form, with inline errors first.
	bad := w.expectStatus(t, coordinator, "POST", "/plans", planFormType, "kind=joint&title_ky=&territory_code="+codeA+"&start_year=2030&end_year=2027", 400)
	if !strings.Contains(bad, "field-error") {
		t.Errorf("invalid form shows no inline errors: %.500s", bad)
	}
	resp := w.do(t, coordinator, "POST", "/plans", planFormType, planFormBody(w, "Биргелешкен план", w.bodyA.ID, w.okmotu.ID))
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("create: got %d, want 303: %.500s", resp.StatusCode, readBody(t, resp))
	}
	planID, err := strconv.ParseInt(strings.TrimPrefix(resp.Header.Get("Location"), "/plans/"), 10, 64)
	if err != nil {
		t.Fatalf("location %q", resp.Header.Get("Location"))
	}
	pid := idStr(planID)
	p := w.getPlan(t, planID)
	if p.Status != aldyn.PlanDraft || p.Version != 1 || len(p.Evidence) != 1 || len(p.RequiredSignatures) != 2 {
		t.Fatalf("created plan: %+v", p)
	}
	w.mustContent(t, &p)

	// unchanged checks a refused move left the plan as it was.
	unchanged := func(before aldyn.Plan) {
		t.Helper()
		after := w.getPlan(t, before.ID)
		if after.Status != before.Status || after.Version != before.Version || len(after.Signatures) != len(before.Signatures) || !after.UpdatedAt.Equal(before.UpdatedAt) {
			t.Errorf("plan changed by a refused move: before %+v, after %+v", before, after)
		}
	}
	before := w.getPlan(t, planID)
	w.expectStatus(t, coordinator, "POST", "/api/v1/plans/"+pid+"/close", "", "", 409)
	w.expectStatus(t, coordinator, "POST", "/api/v1/plans/"+pid+"/amend", "", "", 409)
	w.expectStatus(t, coordinator, "POST", "/plans/"+pid+"/close", "", "", 409)
	// Approval waits for every signatory.
	w.expectStatus(t, coordinator, "POST", "/api/v1/plans/"+pid+"/approve", "", "", 409)
	unchanged(before)
	w.expectStatus(t, coordinator, "POST", "/plans/"+pid+"/sign", "", "", 303)
	before = w.getPlan(t, planID)
	w.expectStatus(t, coordinator, "POST", "/api/v1/plans/"+pid+"/sign", "", "", 409) // twice
	w.expectStatus(t, coordinator, "POST", "/api/v1/plans/"+pid+"/approve", "", "", 409)
	// A body that is not a signatory cannot sign; nor can an analyst.
	w.expectStatus(t, "keneshReporter", "POST", "/api/v1/plans/"+pid+"/sign", "", "", 400)
	w.expectStatus(t, analystA, "POST", "/api/v1/plans/"+pid+"/sign", "", "", 403)
	unchanged(before)
	page := w.expectStatus(t, "okmotuReporter", "GET", "/plans/"+pid, "", "", 200)
	if !strings.Contains(page, `action="/plans/`+pid+`/sign"`) {
		t.Errorf("the okmotu's reporter sees no sign button")
	}
	w.expectStatus(t, "okmotuReporter", "POST", "/api/v1/plans/"+pid+"/sign", "", "", 200)
	w.expectStatus(t, "okmotuReporter", "POST", "/api/v1/plans/"+pid+"/approve", "", "", 403)
	w.expectStatus(t, coordinator, "POST", "/plans/"+pid+"/approve", "", "", 303)
	if got := w.getPlan(t, planID); got.Status != aldyn.PlanApproved {
		t.Fatalf("after approve: status %s", got.Status)
	}

	// An approved plan is locked.
	before = w.getPlan(t, planID)
	ms := mustMeasures(t, w, planID)
	w.expectStatus(t, coordinator, "PUT", "/api/v1/plans/"+pid, planJSONType,
		`{"kind":"joint","title":{"ky":"x"},"territory_code":"`+codeA+`","owner_body_id":`+idStr(w.council.ID)+`,"start_year":2025,"end_year":2027}`, 409)
	w.expectStatus(t, coordinator, "POST", "/plans/"+pid, planFormType, planFormBody(w, "Өзгөртүлгөн"), 409)
	w.expectStatus(t, coordinator, "GET", "/plans/"+pid+"/edit", "", "", 409)
	w.expectStatus(t, coordinator, "POST", "/api/v1/plans/"+pid+"/measures", planJSONType, `{"code":"9","title":{"en":"x"},"responsible_body_id":`+idStr(w.bodyA.ID)+`,"start":"2025-01-01","due":"2025-02-01"}`, 409)
	w.expectStatus(t, coordinator, "GET", "/measures/"+idStr(ms[0].ID)+"/edit", "", "", 409)
	w.expectStatus(t, coordinator, "GET", "/indicators/"+idStr(mustIndicators(t, w, planID)[0].ID)+"/edit", "", "", 409)
	w.expectStatus(t, coordinator, "POST", "/measures/"+idStr(ms[0].ID)+"/delete", "", "", 409)
	w.expectStatus(t, coordinator, "DELETE", "/api/v1/measures/"+idStr(ms[0].ID), "", "", 409)
	w.expectStatus(t, coordinator, "POST", "/api/v1/plans/"+pid+"/approve", "", "", 409)
	w.expectStatus(t, "okmotuReporter", "POST", "/api/v1/plans/"+pid+"/sign", "", "", 409)
	unchanged(before)
	if n := len(mustMeasures(t, w, planID)); n != 2 {
		t.Errorf("measures of the approved plan: %d, want 2", n)
	}

	// Amend: version 2, a draft with copies; one open amendment at a time.
	body := w.expectStatus(t, coordinator, "POST", "/api/v1/plans/"+pid+"/amend", "", "", 201)
	var v2 aldyn.Plan
	if err := json.Unmarshal([]byte(body), &v2); err != nil {
		t.Fatal(err)
	}
	if v2.Version != 2 || v2.Status != aldyn.PlanDraft || v2.ParentID == nil || *v2.ParentID != planID {
		t.Fatalf("amendment: %+v", v2)
	}
	w.expectStatus(t, coordinator, "POST", "/api/v1/plans/"+pid+"/amend", "", "", 409)
	v2ms := mustMeasures(t, w, v2.ID)
	var m11 aldyn.Measure
	for _, m := range v2ms {
		if m.Code == "1.1" {
			m11 = m
		}
	}
	w.expectStatus(t, coordinator, "PUT", "/api/v1/measures/"+idStr(m11.ID), planJSONType, `{"code":"1.1","component_code":"4.3","task_code":"4.3.1","title":{"ky":"Түнкү кезүүлөр жана жарык","en":"Night patrols and lighting"},"responsible_body_id":`+idStr(w.bodyA.ID)+`,"start":"2025-02-01","due":"2026-06-30"}`, 200)
	w.expectStatus(t, coordinator, "POST", "/api/v1/plans/"+idStr(v2.ID)+"/measures", planJSONType, `{"code":"3","component_code":"5.1","title":{"ru":"Профилактика в школах"},"responsible_body_id":`+idStr(w.okmotu.ID)+`,"start":"2026-01-10","due":"2026-12-31","budget":[{"source":"local","amount_kgs":20000}]}`, 201)
	diff := w.expectStatus(t, coordinator, "GET", "/plans/"+idStr(v2.ID)+"/diff", "", "", 200)
	for _, want := range []string{"Түнкү кезүүлөр жана жарык", "change-changed", "change-added", "Профилактика в школах"} {
		if !strings.Contains(diff, want) {
			t.Errorf("diff page lacks %q", want)
		}
	}
	if strings.Contains(diff, "<td>2</td>") {
		t.Errorf("diff page lists the unchanged measure 2")
	}
	jsonDiff := readBody(t, w.doAccept(t, coordinator, "/plans/"+idStr(v2.ID)+"/diff"))
	if !strings.Contains(jsonDiff, `"code":"1.1","kind":"changed"`) || !strings.Contains(jsonDiff, `"code":"3","kind":"added"`) {
		t.Errorf("diff as JSON: %.500s", jsonDiff)
	}
	detail := w.expectStatus(t, coordinator, "GET", "/plans/"+idStr(v2.ID), "", "", 200)
	if !strings.Contains(detail, "/plans/"+idStr(v2.ID)+"/diff") || !strings.Contains(detail, `href="/plans/`+pid+`"`) {
		t.Errorf("plan page lacks versions and diff link")
	}

	// Approving version 2 supersedes version 1; then close it.
	w.expectStatus(t, coordinator, "POST", "/api/v1/plans/"+idStr(v2.ID)+"/sign", "", "", 200)
	w.expectStatus(t, "okmotuReporter", "POST", "/plans/"+idStr(v2.ID)+"/sign", "", "", 303)
	w.expectStatus(t, coordinator, "POST", "/api/v1/plans/"+idStr(v2.ID)+"/approve", "", "", 200)
	if got := w.getPlan(t, planID); got.Status != aldyn.PlanSuperseded {
		t.Errorf("version 1 after approving version 2: %s", got.Status)
	}
	before = w.getPlan(t, planID)
	w.expectStatus(t, coordinator, "POST", "/api/v1/plans/"+pid+"/close", "", "", 409) // superseded
	w.expectStatus(t, coordinator, "POST", "/api/v1/plans/"+pid+"/amend", "", "", 409)
	unchanged(before)
	w.expectStatus(t, coordinator, "POST", "/plans/"+idStr(v2.ID)+"/close", "", "", 303)
	before = w.getPlan(t, v2.ID)
	if before.Status != aldyn.PlanClosed {
		t.Fatalf("closed: %s", before.Status)
	}
	for _, a := range []string{"close", "approve", "amend", "sign"} {
		w.expectStatus(t, coordinator, "POST", "/api/v1/plans/"+idStr(v2.ID)+"/"+a, "", "", 409)
	}
	unchanged(before)
}

func (f *fixture) doAccept(tb testing.TB, who, path string) *http.Response {
	tb.Helper()
	return f.send(tb, who, "GET", path, nil, map[string]string{"Accept": planJSONType})
}

func mustMeasures(tb testing.TB, w *planWorld, planID int64) []aldyn.Measure {
	tb.Helper()
	ms, _, err := w.db.FindMeasures(context.Background(), planID, aldyn.MeasureFilter{Page: aldyn.Page{Limit: aldyn.MaxLimit}})
	if err != nil {
		tb.Fatal(err)
	}
	return copies(ms)
}

func mustIndicators(tb testing.TB, w *planWorld, planID int64) []aldyn.Indicator {
	tb.Helper()
	is, _, err := w.db.FindIndicators(context.Background(), aldyn.IndicatorFilter{PlanID: &planID, Page: aldyn.Page{Limit: aldyn.MaxLimit}})
	if err != nil {
		tb.Fatal(err)
	}
	return copies(is)
}

// copies are the values xs point at.
func copies[T any](xs []*T) []T {
	out := make([]T, len(xs))
	for i, x := range xs {
		out[i] = *x
	}
	return out
}

// TestPlanScope checks territory scope: a district coordinator cannot
// approve or edit an oblast plan, nor see another district's draft.
func TestPlanScope(t *testing.T) {
	w := mustPlanWorld(t)
	ctx := context.Background()
	coordOblast := w.actorOf(t, "coordOblast", aldyn.RoleCoordinator, w.oblast, planCodeChuy)
	op := &aldyn.Plan{Kind: aldyn.PlanJoint, Title: aldyn.Text{RU: "Областной план"}, TerritoryCode: planCodeChuy, OwnerBodyID: w.oblast.ID,
		StartYear: 2025, EndYear: 2027, RequiredSignatures: []int64{w.oblast.ID}}
	if err := w.db.CreatePlan(ctx, coordOblast, op); err != nil {
		t.Fatal(err)
	}
	if _, err := w.db.SignPlan(ctx, coordOblast, op.ID); err != nil {
		t.Fatal(err)
	}
	oid := idStr(op.ID)
	// The oblast draft is not the district's to read: it is not found.
	w.expectStatus(t, coordinator, "POST", "/plans/"+oid+"/approve", "", "", 404)
	w.expectStatus(t, coordinator, "POST", "/api/v1/plans/"+oid+"/approve", "", "", 404)
	w.expectStatus(t, coordinator, "PUT", "/api/v1/plans/"+oid, planJSONType,
		`{"kind":"joint","title":{"ru":"Изменён"},"territory_code":"`+planCodeChuy+`","owner_body_id":`+idStr(w.oblast.ID)+`,"start_year":2025,"end_year":2027}`, 404)
	w.expectStatus(t, coordinator, "POST", "/plans/"+oid, planFormType, "kind=joint&title_ru=x&territory_code="+planCodeChuy+"&owner_body_id="+idStr(w.oblast.ID)+"&start_year=2025&end_year=2027", 404)
	w.expectStatus(t, coordinator, "GET", "/plans/"+oid+"/edit", "", "", 404)
	w.expectStatus(t, coordinator, "POST", "/api/v1/plans/"+oid+"/indicators", planJSONType, `{"code":"1"}`, 404)
	// The district A coordinator cannot create a plan for the oblast.
	w.expectStatus(t, coordinator, "POST", "/api/v1/plans", planJSONType,
		`{"kind":"joint","title":{"ru":"x"},"territory_code":"`+planCodeChuy+`","owner_body_id":`+idStr(w.oblast.ID)+`,"start_year":2025,"end_year":2027}`, 403)
	if got, _ := w.db.FindPlanByID(ctx, op.ID); got.Status != aldyn.PlanDraft || got.Title.RU != "Областной план" {
		t.Errorf("oblast plan changed: %+v", got)
	}
	// The oblast coordinator reads and approves it.
	w.expectStatus(t, "coordOblast", "GET", "/plans/"+oid, "", "", 200)
	w.expectStatus(t, "coordOblast", "POST", "/api/v1/plans/"+oid+"/approve", "", "", 200)

	// A district B coordinator does not see a district A draft.
	pa := w.mustPlan(t, "Draft of A", w.bodyA.ID)
	w.mustContent(t, pa)
	ms := mustMeasures(t, w, pa.ID)
	inds := mustIndicators(t, w, pa.ID)
	for _, path := range []string{"/plans/" + idStr(pa.ID), "/api/v1/plans/" + idStr(pa.ID), "/plans/" + idStr(pa.ID) + "/diff", "/measures/" + idStr(ms[0].ID),
		"/api/v1/measures/" + idStr(ms[0].ID), "/indicators/" + idStr(inds[0].ID), "/api/v1/indicators/" + idStr(inds[0].ID), "/api/v1/plans/" + idStr(pa.ID) + "/measures",
		"/plans/" + idStr(pa.ID) + "/template?format=csv", "/public/plans/" + idStr(pa.ID), "/api/v1/indicators?plan=" + idStr(pa.ID)} {
		w.expectStatus(t, "coordB", "GET", path, "", "", 404)
		w.expectStatus(t, anon, "GET", path, "", "", 404)
	}
	for _, who := range []string{"coordB", anon} {
		for _, path := range []string{"/api/v1/plans", "/plans", "/public/plans"} {
			if b := readBody(t, w.do(t, who, "GET", path, "", "")); strings.Contains(b, "Draft of A") {
				t.Errorf("%s sees the district A draft on %s", who, path)
			}
		}
	}
	if b := readBody(t, w.do(t, coordinator, "GET", "/api/v1/plans?status=draft", "", "")); !strings.Contains(b, "Draft of A") || strings.Contains(b, "Областной") {
		t.Errorf("district A coordinator's plan list: %.400s", b)
	}
	// Nor may they change it (not found either).
	w.expectStatus(t, "coordB", "POST", "/api/v1/plans/"+idStr(pa.ID)+"/approve", "", "", 404)
	w.expectStatus(t, "coordB", "PUT", "/api/v1/measures/"+idStr(ms[0].ID), planJSONType, `{}`, 404)
}

// TestPlanRoutesHideOtherDistrictsPlans sends every route of a plan (its
// cycles, dashboard, measures, template, lifecycle …) for a district A
// draft as users of district B: each answers as for a plan that does not
// exist (404, as the plan page does; 403 for a role refused the route
// whatever the plan), so none learns the draft or its content exists. A
// cycle of a superseded plan (no longer published) is hidden the same way.
func TestPlanRoutesHideOtherDistrictsPlans(t *testing.T) {
	w := mustPlanWorld(t)
	w.mustUser(t, "reporterB", aldyn.RoleReporter, w.bodyB)
	draft := w.mustPlan(t, "Hidden draft of A", w.bodyA.ID)
	w.mustContent(t, draft)
	old := w.mustPlan(t, "Superseded plan of A", w.bodyA.ID)
	w.mustContent(t, old)
	w.mustApproved(t, old)
	c := repCycle(t, w.fixture, old.ID, "2025-Q1", "2025-01-01", "2025-03-31", time.Date(2025, 4, 10, 0, 0, 0, 0, time.UTC))
	amended, err := w.db.AmendPlan(context.Background(), w.coordA, old.ID)
	if err != nil {
		t.Fatal(err)
	}
	w.mustApproved(t, amended)
	outsiders := []string{"coordB", "analystB", "reporterB"}
	n := 0
	for _, rt := range w.web.Routes() {
		if !strings.Contains(rt.Pattern, "/plans/{id}") {
			continue
		}
		n++
		path := strings.Replace(rt.Pattern, "{id}", idStr(draft.ID), 1)
		ctype := planFormType
		if rt.API {
			ctype = planJSONType
		}
		missing := strings.Replace(rt.Pattern, "{id}", "999999", 1)
		for _, who := range outsiders {
			// A role that never may use the route is refused whatever the
			// plan (403); everyone else is told the plan does not exist.
			want := w.do(t, who, rt.Method, missing, ctype, "").StatusCode
			if want != http.StatusNotFound && want != http.StatusForbidden {
				t.Errorf("%s %s as %s: got status %d for a missing plan", rt.Method, missing, who, want)
			}
			body := w.expectStatus(t, who, rt.Method, path, ctype, "", want)
			if strings.Contains(body, "Hidden draft") {
				t.Errorf("%s %s as %s shows the draft: %.300s", rt.Method, path, who, body)
			}
		}
	}
	if n < 20 {
		t.Fatalf("only %d plan routes checked", n)
	}
	for _, who := range outsiders {
		w.expectStatus(t, who, "GET", "/cycles/"+idStr(c.ID), "", "", http.StatusNotFound)
	}
	// The plan's staff still read them.
	w.expectStatus(t, coordinator, "GET", "/plans/"+idStr(draft.ID)+"/cycles", "", "", http.StatusOK)
	w.expectStatus(t, coordinator, "GET", "/api/v1/plans/"+idStr(draft.ID)+"/cycles", "", "", http.StatusOK)
	w.expectStatus(t, coordinator, "GET", "/cycles/"+idStr(c.ID), "", "", http.StatusOK)
}

// TestPlanTemplateRoundTrip exports a plan's measures and indicators and
// imports them into another draft: the same measures and indicators.
func TestPlanTemplateRoundTrip(t *testing.T) {
	w := mustPlanWorld(t)
	src := w.mustPlan(t, "Source", w.bodyA.ID)
	w.mustContent(t, src)
	wantMs, wantInds := mustMeasures(t, w, src.ID), mustIndicators(t, w, src.ID)
	for _, format := range []string{"xlsx", "csv"} {
		t.Run(format, func(t *testing.T) {
			resp := w.do(t, coordinator, "GET", "/plans/"+idStr(src.ID)+"/template?format="+format, "", "")
			file := readBody(t, resp)
			if resp.StatusCode != 200 {
				t.Fatalf("export: %d %s", resp.StatusCode, file)
			}
			dst := w.mustPlan(t, "Destination "+format, w.bodyA.ID)
			ctype, body := uploadFile(t, "plan."+format, []byte(file))
			w.expectStatus(t, coordinator, "POST", "/plans/"+idStr(dst.ID)+"/import", ctype, body, 303)
			gotMs, gotInds := mustMeasures(t, w, dst.ID), mustIndicators(t, w, dst.ID)
			sameContent(t, wantMs, wantInds, gotMs, gotInds)
			// Importing into the plan it came from gives the same plan.
			w.expectStatus(t, coordinator, "POST", "/plans/"+idStr(src.ID)+"/import", ctype, body, 303)
			sameContent(t, wantMs, wantInds, mustMeasures(t, w, src.ID), mustIndicators(t, w, src.ID))
		})
	}
}

// sameContent compares measures and indicators of two plans ignoring ids,
// plans and timestamps (indicator links compared by code).
func sameContent(tb testing.TB, wantMs []aldyn.Measure, wantInds []aldyn.Indicator, gotMs []aldyn.Measure, gotInds []aldyn.Indicator) {
	tb.Helper()
	norm := func(ms []aldyn.Measure, inds []aldyn.Indicator) ([]aldyn.Measure, []aldyn.Indicator) {
		codes := map[int64]string{}
		var is []aldyn.Indicator
		for _, i := range inds {
			codes[i.ID] = i.Code
			i.ID, i.PlanID, i.CreatedAt, i.UpdatedAt = 0, 0, time.Time{}, time.Time{}
			is = append(is, i)
		}
		var out []aldyn.Measure
		for _, m := range ms {
			var links []int64
			for _, x := range m.IndicatorIDs {
				n, _ := strconv.ParseInt(codes[x], 10, 64)
				links = append(links, n)
			}
			m.IndicatorIDs = links
			m.ID, m.PlanID, m.CreatedAt, m.UpdatedAt = 0, 0, time.Time{}, time.Time{}
			out = append(out, m)
		}
		return out, is
	}
	wm, wi := norm(wantMs, wantInds)
	gm, gi := norm(gotMs, gotInds)
	if !reflect.DeepEqual(wm, gm) {
		tb.Errorf("measures:\ngot  %+v\nwant %+v", gm, wm)
	}
	if !reflect.DeepEqual(wi, gi) {
		tb.Errorf("indicators:\ngot  %+v\nwant %+v", gi, wi)
	}
}

// TestPlanTemplateBadRows uploads a template with several bad rows: each
// is listed with sheet, row, column and reason, and nothing changes.
func TestPlanTemplateBadRows(t *testing.T) {
	w := mustPlanWorld(t)
	p := w.mustPlan(t, "Bad rows", w.bodyA.ID)
	w.mustContent(t, p)
	wantMs, wantInds := mustMeasures(t, w, p.ID), mustIndicators(t, w, p.ID)
	var buf bytes.Buffer
	if err := plantemplate.Write(&buf, plantemplate.CSV, wantMs, wantInds, nil); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimRight(buf.String(), "\r\n"), "\n")
	header := strings.Split(strings.TrimRight(lines[0], "\r"), ",")
	col := func(name string) int {
		for i, h := range header {
			if h == name {
				return i
			}
		}
		t.Fatalf("no column %s", name)
		return -1
	}
	// Break cells by rewriting rows of the CSV (no quoted commas in these rows' cells we touch).
	set := func(row int, name, value string) {
		r := csvSplit(lines[row-1])
		r[col(name)] = value
		lines[row-1] = csvJoin(r)
	}
	var mRows, iRows []int
	for n := 2; n <= len(lines); n++ {
		if strings.HasPrefix(lines[n-1], "measures,") {
			mRows = append(mRows, n)
		} else {
			iRows = append(iRows, n)
		}
	}
	set(mRows[0], "responsible_body", "99999")
	set(mRows[1], "start", "31.02.2026")
	set(iRows[0], "targets", "2025 35")
	upload := strings.Join(lines, "\n") + "\n"
	ctype, body := uploadFile(t, "bad.csv", []byte(upload))
	page := w.expectStatus(t, coordinator, "POST", "/plans/"+idStr(p.ID)+"/import", ctype, body, 422)
	for _, want := range [][2]string{{strconv.Itoa(mRows[0]), "responsible_body"}, {strconv.Itoa(mRows[1]), "start"}, {strconv.Itoa(iRows[0]), "targets"}} {
		if !strings.Contains(page, "<td>"+want[0]+"</td><td>"+want[1]+"</td>") {
			t.Errorf("import page does not list row %s column %s", want[0], want[1])
		}
	}
	// The JSON answer names each (sheet, row, column, reason).
	req, _ := http.NewRequest("POST", w.srv.URL+"/plans/"+idStr(p.ID)+"/import", strings.NewReader(body))
	req.Header.Set("Content-Type", ctype)
	req.Header.Set("Accept", planJSONType)
	req.Header.Set("Authorization", "Bearer "+w.tokens[coordinator])
	resp, err := noRedirect().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var res struct {
		Errors []struct {
			Sheet, Column, Reason string
			Row                   int
		}
	}
	if err := json.NewDecoder(resp.Body).Decode(&res); err != nil || resp.StatusCode != 422 {
		t.Fatalf("JSON import: %d %v", resp.StatusCode, err)
	}
	resp.Body.Close()
	got := map[string]bool{}
	for _, e := range res.Errors {
		if e.Reason == "" || e.Sheet == "" {
			t.Errorf("error without sheet or reason: %+v", e)
		}
		got[e.Sheet+"/"+strconv.Itoa(e.Row)+"/"+e.Column] = true
	}
	for _, k := range []string{"measures/" + strconv.Itoa(mRows[0]) + "/responsible_body", "measures/" + strconv.Itoa(mRows[1]) + "/start",
		"indicators/" + strconv.Itoa(iRows[0]) + "/targets"} {
		if !got[k] {
			t.Errorf("errors lack %s: %+v", k, res.Errors)
		}
	}
	sameContent(t, wantMs, wantInds, mustMeasures(t, w, p.ID), mustIndicators(t, w, p.ID))
	// An approved plan takes no import.
	w.mustApproved(t, p)
	good := &bytes.Buffer{}
	plantemplate.Write(good, plantemplate.CSV, wantMs, wantInds, nil)
	ctype, body = uploadFile(t, "good.csv", good.Bytes())
	w.expectStatus(t, coordinator, "POST", "/plans/"+idStr(p.ID)+"/import", ctype, body, 409)
}

func csvSplit(line string) []string {
	line = strings.TrimRight(line, "\r")
	var out []string
	var cur strings.Builder
	quoted := false
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case c == '"' && quoted && i+1 < len(line) && line[i+1] == '"':
			cur.WriteByte('"')
			i++
		case c == '"':
			quoted = !quoted
		case c == ',' && !quoted:
			out = append(out, cur.String())
			cur.Reset()
		default:
			cur.WriteByte(c)
		}
	}
	return append(out, cur.String())
}

func csvJoin(cells []string) string {
	for i, c := range cells {
		if strings.ContainsAny(c, ",\"\n") {
			cells[i] = `"` + strings.ReplaceAll(c, `"`, `""`) + `"`
		}
	}
	return strings.Join(cells, ",")
}

// TestPublicPlanPages checks the transparency pages show approved plans
// with their measures and indicators and never internal fields or drafts.
func TestPublicPlanPages(t *testing.T) {
	w := mustPlanWorld(t)
	p := w.mustPlan(t, "Published plan", w.bodyA.ID, w.okmotu.ID)
	w.mustContent(t, p)
	w.mustApproved(t, p)
	draft := w.mustPlan(t, "Hidden draft", w.bodyA.ID)
	pid := idStr(p.ID)
	ms, inds := mustMeasures(t, w, p.ID), mustIndicators(t, w, p.ID)
	secrets := []string{"SECRET-EVIDENCE", "Secret Contact", "Duty officer", "+996 555", "+996 312", "user_id", "contact_person", "direct_phone", "Hidden draft"}
	for _, path := range []string{"/public/plans", "/public/plans/" + pid, "/plans", "/plans/" + pid, "/api/v1/plans", "/api/v1/plans/" + pid,
		"/api/v1/plans/" + pid + "/measures", "/measures/" + idStr(ms[0].ID), "/api/v1/measures/" + idStr(ms[0].ID), "/indicators/" + idStr(inds[0].ID),
		"/api/v1/indicators/" + idStr(inds[0].ID), "/api/v1/indicators?plan=" + pid, "/public/plans?format=csv", "/plans?format=csv"} {
		body := w.expectStatus(t, anon, "GET", path, "", "", 200)
		for _, s := range secrets {
			if strings.Contains(body, s) {
				t.Errorf("anonymous %s shows %q", path, s)
			}
		}
	}
	pub := readBody(t, w.do(t, anon, "GET", "/public/plans/"+pid, "", ""))
	for _, want := range []string{"Published plan", "Түнкү кезүүлөр", "310", "250", "Түнкү укук бузуулар", "Аламүдүн ИИБ"} {
		if !strings.Contains(pub, want) {
			t.Errorf("public plan page lacks %q", want)
		}
	}
	if !strings.Contains(pub, `class="badge badge-overdue"`) && !strings.Contains(pub, `class="badge badge-not_started"`) &&
		!strings.Contains(pub, `class="badge badge-at_risk"`) && !strings.Contains(pub, `class="badge badge-on_track"`) {
		t.Errorf("public plan page shows no measure status")
	}
	if b := readBody(t, w.do(t, anon, "GET", "/public/plans", "", "")); !strings.Contains(b, "/public/plans/"+pid) {
		t.Errorf("public list lacks the approved plan")
	}
	w.expectStatus(t, anon, "GET", "/public/plans/"+idStr(draft.ID), "", "", 404)
	w.expectStatus(t, anon, "GET", "/plans/"+idStr(draft.ID), "", "", 404)
	w.expectStatus(t, anon, "GET", "/public/plans?status=draft", "", "", 200)
	// Staff of the plan do see the evidence.
	if b := readBody(t, w.do(t, coordinator, "GET", "/plans/"+pid, "", "")); !strings.Contains(b, "SECRET-EVIDENCE") {
		t.Errorf("the coordinator does not see the situation analysis")
	}
}

// TestPlanForms exercises the HTML forms of measures and indicators with
// inline errors.
func TestPlanForms(t *testing.T) {
	w := mustPlanWorld(t)
	p := w.mustPlan(t, "Forms", w.bodyA.ID)
	pid := idStr(p.ID)
	page := w.expectStatus(t, coordinator, "GET", "/plans/"+pid+"/indicators/new", "", "", 200)
	if !strings.Contains(page, `name="targets"`) {
		t.Errorf("indicator form lacks targets")
	}
	bad := w.expectStatus(t, coordinator, "POST", "/plans/"+pid+"/indicators", planFormType, "code=1&name_ru=x&kind=number&source=manual&frequency=annual&baseline_year=2024&targets=2025-3", 400)
	if !strings.Contains(bad, `id="e-targets"`) {
		t.Errorf("no inline error for targets")
	}
	resp := w.do(t, coordinator, "POST", "/plans/"+pid+"/indicators", planFormType, url.Values{"code": {"1"}, "name_ru": {"Кражи"}, "kind": {"number"},
		"source": {"manual"}, "frequency": {"annual"}, "disaggregation": {"none"}, "verification_ru": {"Отчёт"}, "baseline_value": {"12,5"},
		"baseline_year": {"2024"}, "targets": {"2025:10; 2026:8"}, "higher_is_better": {""}}.Encode())
	if resp.StatusCode != 303 {
		t.Fatalf("indicator create: %d %.500s", resp.StatusCode, readBody(t, resp))
	}
	inds := mustIndicators(t, w, p.ID)
	if len(inds) != 1 || inds[0].BaselineValue != 12.5 || len(inds[0].Targets) != 2 || inds[0].Targets[1].Value != 8 {
		t.Fatalf("indicator: %+v", inds)
	}
	page = w.expectStatus(t, coordinator, "GET", "/plans/"+pid+"/measures/new", "", "", 200)
	if !strings.Contains(page, `value="4.3.1"`) {
		t.Errorf("measure form lacks the Concept's tasks")
	}
	bad = w.expectStatus(t, coordinator, "POST", "/plans/"+pid+"/measures", planFormType, "code=1&component_code=4.3&task_code=5.1.1&title_ky=x&start=2024-01-01&due=2025-01-01", 400)
	for _, want := range []string{`id="e-task_code"`, `id="e-responsible_body_id"`} {
		if !strings.Contains(bad, want) {
			t.Errorf("measure form lacks inline error %s", want)
		}
	}
	v := url.Values{"code": {"1.1"}, "task_code": {"4.3.1"}, "title_ky": {"Түнкү кезүүлөр"}, "responsible_body_id": {idStr(w.bodyA.ID)},
		"co_executor_ids": {idStr(w.okmotu.ID)}, "start": {"2025-03-01"}, "due": {"2025-12-31"}, "indicator_ids": {idStr(inds[0].ID)},
		"budget_source": {"local", "partners", ""}, "budget_funder": {"", "UNDP", ""}, "budget_amount": {"150 000", "300000", ""}}
	resp = w.do(t, coordinator, "POST", "/plans/"+pid+"/measures", planFormType, v.Encode())
	if resp.StatusCode != 303 {
		t.Fatalf("measure create: %d %.800s", resp.StatusCode, readBody(t, resp))
	}
	ms := mustMeasures(t, w, p.ID)
	if len(ms) != 1 || ms[0].ComponentCode != "4.3" || ms[0].BudgetTotal() != 450000 || len(ms[0].IndicatorIDs) != 1 || len(ms[0].CoExecutorIDs) != 1 {
		t.Fatalf("measure: %+v", ms)
	}
	detail := w.expectStatus(t, coordinator, "GET", "/plans/"+pid, "", "", 200)
	if !strings.Contains(detail, "Түнкү кезүүлөр") || !strings.Contains(detail, "450") {
		t.Errorf("plan page lacks the measure")
	}
	w.expectStatus(t, coordinator, "GET", "/measures/"+idStr(ms[0].ID)+"/edit", "", "", 200)
	w.expectStatus(t, coordinator, "POST", "/measures/"+idStr(ms[0].ID)+"/delete", "", "", 303)
	if n := len(mustMeasures(t, w, p.ID)); n != 0 {
		t.Errorf("after delete: %d measures", n)
	}
	// Lists: filters, sort and export.
	w.expectStatus(t, coordinator, "GET", "/plans?kind=joint&status=draft&territory="+codeA+"&q=Forms&sort=title_ru&desc=1", "", "", 200)
	w.expectStatus(t, coordinator, "GET", "/plans?format=xlsx", "", "", 200)
	w.expectStatus(t, coordinator, "GET", "/plans?status=nonsense", "", "", 400)
}

func init() {
	moduleCases = append(moduleCases, planMatrixCases)
}

// planMatrixCases covers every plan route for every actor of the access
// matrix. Cases run in order, actor after actor (anonymous, reporterA,
// coordinatorA, analystA, adminA, adminKG): only the district A
// coordinator manages plans, so each state-changing case succeeds once.
func planMatrixCases(tb testing.TB, f *fixture) []matrixCase {
	w := &planWorld{fixture: f}
	w.council = mustPlanBody(tb, f, codeA, "coordination_commission", "Matrix commission")
	w.okmotu = mustPlanBody(tb, f, codeA, "local_government", "Matrix okmotu")
	w.coordA = w.actorOf(tb, coordinator, aldyn.RoleCoordinator, f.bodyA, codeA)
	draft := w.mustPlan(tb, "Matrix draft", f.bodyA.ID)
	w.mustContent(tb, draft)
	ms, inds := mustMeasures(tb, w, draft.ID), mustIndicators(tb, w, draft.ID)
	toSignHTML, toSignAPI := w.mustPlan(tb, "Sign HTML", f.bodyA.ID), w.mustPlan(tb, "Sign API", f.bodyA.ID)
	signed := func(title string) *aldyn.Plan {
		p := w.mustPlan(tb, title, f.bodyA.ID)
		a := &aldyn.Actor{UserID: f.users[reporterA].ID, Role: aldyn.RoleReporter, BodyID: f.bodyA.ID, TerritoryPath: w.coordA.TerritoryPath}
		if _, err := f.db.SignPlan(context.Background(), a, p.ID); err != nil {
			tb.Fatal(err)
		}
		return p
	}
	approveHTML, approveAPI := signed("Approve HTML"), signed("Approve API")
	approved := func(title string) *aldyn.Plan {
		p := w.mustPlan(tb, title, f.bodyA.ID)
		w.mustContent(tb, p)
		w.mustApproved(tb, p)
		return p
	}
	amendHTML, amendAPI, closeHTML, closeAPI, public := approved("Amend HTML"), approved("Amend API"), approved("Close HTML"), approved("Close API"), approved("Public")
	importPlan := w.mustPlan(tb, "Import", f.bodyA.ID)
	var tpl bytes.Buffer
	if err := plantemplate.Write(&tpl, plantemplate.CSV, ms, inds, nil); err != nil {
		tb.Fatal(err)
	}
	upType, upBody := uploadFile(tb, "plan.csv", tpl.Bytes())

	const see, unauth, forbid, notFound = http.StatusSeeOther, http.StatusUnauthorized, http.StatusForbidden, http.StatusNotFound
	// planner: anonymous anon, the coordinator ok, everyone else 403.
	planner := func(anonStatus, ok int) expect {
		return expect{def: forbid, byRole: map[string]int{anon: anonStatus, coordinator: ok}}
	}
	staff := signedIn(notFound, 200) // a draft of district A: its staff and the nation's read it
	sign := expect{def: forbid, byRole: map[string]int{anon: unauth, reporterA: see, coordinator: http.StatusConflict}}
	signAPI := expect{def: forbid, byRole: map[string]int{anon: unauth, reporterA: 200, coordinator: http.StatusConflict}}
	d, m, i := idStr(draft.ID), idStr(ms[0].ID), idStr(inds[0].ID)
	pf := planFormBody(w, "Matrix form plan", f.bodyA.ID)
	planJSON := `{"kind":"joint","title":{"ky":"Матрица"},"territory_code":"` + codeA + `","owner_body_id":` + idStr(w.council.ID) + `,"start_year":2025,"end_year":2027,"required_signatures":[` + idStr(f.bodyA.ID) + `]}`
	measureForm := url.Values{"code": {"7"}, "title_ru": {"Матрица"}, "responsible_body_id": {idStr(f.bodyA.ID)}, "start": {"2025-01-01"}, "due": {"2025-06-30"}}.Encode()
	measureJSON := `{"code":"8","title":{"en":"Matrix"},"responsible_body_id":` + idStr(f.bodyA.ID) + `,"start":"2025-01-01","due":"2025-06-30"}`
	indicatorForm := "code=5&name_ru=Матрица&kind=number&source=manual&frequency=annual&disaggregation=none&verification_ru=Отчёт&baseline_value=1&baseline_year=2024&targets=2025:2"
	indicatorJSON := `{"code":"6","name":{"ru":"Матрица"},"kind":"number","source":"manual","disaggregation":"none","verification":{"ru":"Отчёт"},"frequency":"annual","baseline_value":1,"baseline_year":2024,"targets":[{"year":2025,"value":2}]}`
	victimHTML, victimAPI := idStr(ms[1].ID), ""
	{
		extra := &aldyn.Measure{PlanID: draft.ID, Code: "9", Title: aldyn.Text{EN: "To delete"}, ResponsibleBodyID: f.bodyA.ID,
			Start: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), Due: time.Date(2025, 2, 1, 0, 0, 0, 0, time.UTC)}
		if err := f.db.CreateMeasure(context.Background(), w.coordA, extra); err != nil {
			tb.Fatal(err)
		}
		victimAPI = idStr(extra.ID)
	}
	return []matrixCase{
		{method: "GET", path: "/plans", want: all(200)},
		{method: "GET", path: "/plans/new", want: planner(see, 200)},
		{method: "POST", path: "/plans", ctype: planFormType, body: pf, want: planner(unauth, see)},
		{method: "GET", path: "/plans/" + d, route: "/plans/{id}", want: staff},
		{method: "GET", path: "/plans/" + d + "/edit", route: "/plans/{id}/edit", want: planner(see, 200)},
		{method: "POST", path: "/plans/" + d, route: "/plans/{id}", ctype: planFormType, body: planFormBody(w, "Matrix draft", f.bodyA.ID), want: planner(unauth, see)},
		{method: "GET", path: "/plans/" + idStr(public.ID) + "/diff", route: "/plans/{id}/diff", want: all(200)},
		{method: "POST", path: "/plans/" + idStr(toSignHTML.ID) + "/sign", route: "/plans/{id}/sign", want: sign},
		{method: "POST", path: "/plans/" + idStr(approveHTML.ID) + "/approve", route: "/plans/{id}/approve", want: planner(unauth, see)},
		{method: "POST", path: "/plans/" + idStr(amendHTML.ID) + "/amend", route: "/plans/{id}/amend", want: planner(unauth, see)},
		{method: "POST", path: "/plans/" + idStr(closeHTML.ID) + "/close", route: "/plans/{id}/close", want: planner(unauth, see)},
		{method: "GET", path: "/public/plans", want: all(200)},
		{method: "GET", path: "/public/plans/" + idStr(public.ID), route: "/public/plans/{id}", want: all(200)},

		{method: "GET", path: "/api/v1/plans", want: all(200)},
		{method: "POST", path: "/api/v1/plans", ctype: planJSONType, body: planJSON, want: planner(unauth, 201)},
		{method: "GET", path: "/api/v1/plans/" + d, route: "/api/v1/plans/{id}", want: staff},
		{method: "PUT", path: "/api/v1/plans/" + d, route: "/api/v1/plans/{id}", ctype: planJSONType, body: strings.Replace(planJSON, "Матрица", "Matrix draft", 1), want: planner(unauth, 200)},
		{method: "POST", path: "/api/v1/plans/" + idStr(toSignAPI.ID) + "/sign", route: "/api/v1/plans/{id}/sign", want: signAPI},
		{method: "POST", path: "/api/v1/plans/" + idStr(approveAPI.ID) + "/approve", route: "/api/v1/plans/{id}/approve", want: planner(unauth, 200)},
		{method: "POST", path: "/api/v1/plans/" + idStr(amendAPI.ID) + "/amend", route: "/api/v1/plans/{id}/amend", want: planner(unauth, 201)},
		{method: "POST", path: "/api/v1/plans/" + idStr(closeAPI.ID) + "/close", route: "/api/v1/plans/{id}/close", want: planner(unauth, 200)},

		{method: "GET", path: "/plans/" + d + "/measures/new", route: "/plans/{id}/measures/new", want: planner(see, 200)},
		{method: "POST", path: "/plans/" + d + "/measures", route: "/plans/{id}/measures", ctype: planFormType, body: measureForm, want: planner(unauth, see)},
		{method: "GET", path: "/measures/" + m, route: "/measures/{id}", want: staff},
		{method: "GET", path: "/measures/" + m + "/edit", route: "/measures/{id}/edit", want: planner(see, 200)},
		{method: "POST", path: "/measures/" + m, route: "/measures/{id}", ctype: planFormType,
			body: url.Values{"code": {"1.1"}, "task_code": {"4.3.1"}, "title_ky": {"Түнкү кезүүлөр"}, "responsible_body_id": {idStr(f.bodyA.ID)}, "start": {"2025-02-01"}, "due": {"2025-12-31"}}.Encode(),
			want: planner(unauth, see)},
		{method: "POST", path: "/measures/" + victimHTML + "/delete", route: "/measures/{id}/delete", want: planner(unauth, see)},
		{method: "GET", path: "/plans/" + d + "/indicators/new", route: "/plans/{id}/indicators/new", want: planner(see, 200)},
		{method: "POST", path: "/plans/" + d + "/indicators", route: "/plans/{id}/indicators", ctype: planFormType, body: indicatorForm, want: planner(unauth, see)},
		{method: "GET", path: "/indicators/" + i, route: "/indicators/{id}", want: staff},
		{method: "GET", path: "/indicators/" + i + "/edit", route: "/indicators/{id}/edit", want: planner(see, 200)},
		{method: "POST", path: "/indicators/" + i, route: "/indicators/{id}", ctype: planFormType, body: strings.Replace(indicatorForm, "code=5", "code=1", 1), want: planner(unauth, see)},

		{method: "GET", path: "/api/v1/plans/" + d + "/measures", route: "/api/v1/plans/{id}/measures", want: staff},
		{method: "POST", path: "/api/v1/plans/" + d + "/measures", route: "/api/v1/plans/{id}/measures", ctype: planJSONType, body: measureJSON, want: planner(unauth, 201)},
		{method: "GET", path: "/api/v1/measures/" + m, route: "/api/v1/measures/{id}", want: staff},
		{method: "PUT", path: "/api/v1/measures/" + m, route: "/api/v1/measures/{id}", ctype: planJSONType,
			body: `{"code":"1.1","title":{"ky":"Түнкү кезүүлөр"},"responsible_body_id":` + idStr(f.bodyA.ID) + `,"start":"2025-02-01","due":"2025-12-31"}`, want: planner(unauth, 200)},
		{method: "DELETE", path: "/api/v1/measures/" + victimAPI, route: "/api/v1/measures/{id}", want: planner(unauth, http.StatusNoContent)},
		{method: "GET", path: "/api/v1/indicators?plan=" + idStr(public.ID), route: "/api/v1/indicators", want: all(200)},
		{method: "POST", path: "/api/v1/plans/" + d + "/indicators", route: "/api/v1/plans/{id}/indicators", ctype: planJSONType, body: indicatorJSON, want: planner(unauth, 201)},
		{method: "GET", path: "/api/v1/indicators/" + i, route: "/api/v1/indicators/{id}", want: staff},
		{method: "PUT", path: "/api/v1/indicators/" + i, route: "/api/v1/indicators/{id}", ctype: planJSONType, body: strings.Replace(indicatorJSON, `"6"`, `"1"`, 1), want: planner(unauth, 200)},

		{method: "GET", path: "/plans/" + d + "/template?format=csv", route: "/plans/{id}/template", want: staff},
		{method: "GET", path: "/plans/" + idStr(importPlan.ID) + "/import", route: "/plans/{id}/import", want: planner(see, 200)},
		{method: "POST", path: "/plans/" + idStr(importPlan.ID) + "/import", route: "/plans/{id}/import", ctype: upType, body: upBody, want: planner(unauth, see)},
	}
}

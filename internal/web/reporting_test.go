package web_test

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/i18n"
	"github.com/aldyn-kg/aldyn/internal/store"
	"github.com/aldyn-kg/aldyn/internal/web"
	"github.com/xuri/excelize/v2"
)

// Extra actors of the reporting tests: a reporter and a coordinator of
// body B (district B).
const (
	repReporterB    = "reporterB"
	repCoordinatorB = "coordinatorB"
)

// repTinyPDF is a minimal valid one-page PDF.
const repTinyPDF = "%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n" +
	"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"

// reportingFixture is a running server whose evidence directory is the
// test's, with an approved joint plan of district A.
type reportingFixture struct {
	*fixture
	evidenceDir string
	plan        *aldyn.Plan
	measures    map[string]*aldyn.Measure // by code
	indicators  map[string]*aldyn.Indicator
	cycle       *aldyn.ReportingCycle
}

// repMeasureSpec describes a fixture measure.
type repMeasureSpec struct {
	code, component string
	body            *aldyn.Body
	start, due      string
	budget          []aldyn.BudgetLine
	indicators      []string
}

func repDay(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

// setNow fixes the store's clock.
func (f *fixture) repSetNow(t time.Time) { f.db.Now = func() time.Time { return t } }

func (f *fixture) repActor(name string) *aldyn.Actor { return f.auth.Actor(f.users[name]) }

// repServer replaces the fixture's server by one keeping
// evidence in a temporary directory.
func repServer(tb testing.TB) (*fixture, string) {
	tb.Helper()
	f := mustFixture(tb)
	dir := tb.TempDir()
	s, err := web.New(web.Config{EvidenceDir: dir}, f.db, f.auth, slog.New(slog.NewTextHandler(tbWriter{tb}, &slog.HandlerOptions{Level: slog.LevelError})))
	if err != nil {
		tb.Fatal(err)
	}
	f.web, f.srv = s, httptest.NewServer(s.Handler())
	tb.Cleanup(f.srv.Close)
	f.mustUser(tb, repReporterB, aldyn.RoleReporter, f.bodyB)
	f.mustUser(tb, repCoordinatorB, aldyn.RoleCoordinator, f.bodyB)
	return f, dir
}

// mustPlan creates, signs and approves a joint plan of district A with
// the given indicators and measures, as coordinator A.
func repPlan(tb testing.TB, f *fixture, title string, inds []*aldyn.Indicator, specs []repMeasureSpec) (*aldyn.Plan, map[string]*aldyn.Measure, map[string]*aldyn.Indicator) {
	tb.Helper()
	ctx := context.Background()
	coord := f.repActor(coordinator)
	owner := &aldyn.Body{TerritoryCode: codeA, Type: "coordination_commission", NameKy: "Координациялык комиссия " + title,
		NameRu: "Координационная комиссия " + title, NameEn: "Coordination commission " + title}
	if err := f.db.CreateBody(ctx, aldyn.System, owner); err != nil {
		tb.Fatal(err)
	}
	p := &aldyn.Plan{Kind: aldyn.PlanJoint, Title: aldyn.Text{KY: title + " (ky)", RU: title + " (ru)", EN: title}, TerritoryCode: codeA,
		OwnerBodyID: owner.ID, StartYear: 2025, EndYear: 2026, RequiredSignatures: []int64{f.bodyA.ID}}
	if err := f.db.CreatePlan(ctx, coord, p); err != nil {
		tb.Fatalf("create plan: %v", err)
	}
	byCode := map[string]*aldyn.Indicator{}
	for _, ind := range inds {
		ind.PlanID = p.ID
		if err := f.db.CreateIndicator(ctx, coord, ind); err != nil {
			tb.Fatalf("create indicator %s: %v", ind.Code, err)
		}
		byCode[ind.Code] = ind
	}
	ms := map[string]*aldyn.Measure{}
	for _, s := range specs {
		m := &aldyn.Measure{PlanID: p.ID, Code: s.code, ComponentCode: s.component, Title: aldyn.Text{KY: "Иш-чара " + s.code, RU: "Мероприятие " + s.code, EN: "Measure " + s.code},
			ResponsibleBodyID: s.body.ID, Start: repDay(s.start), Due: repDay(s.due), Budget: s.budget}
		for _, c := range s.indicators {
			m.IndicatorIDs = append(m.IndicatorIDs, byCode[c].ID)
		}
		if err := f.db.CreateMeasure(ctx, coord, m); err != nil {
			tb.Fatalf("create measure %s: %v", s.code, err)
		}
		ms[s.code] = m
	}
	if _, err := f.db.SignPlan(ctx, coord, p.ID); err != nil {
		tb.Fatalf("sign: %v", err)
	}
	p, err := f.db.ApprovePlan(ctx, coord, p.ID)
	if err != nil {
		tb.Fatalf("approve: %v", err)
	}
	return p, ms, byCode
}

func repCycle(tb testing.TB, f *fixture, planID int64, period, from, to string, deadline time.Time) *aldyn.ReportingCycle {
	tb.Helper()
	c := &aldyn.ReportingCycle{PlanID: planID, Period: period, From: repDay(from), To: repDay(to), Deadline: deadline}
	if err := f.db.CreateCycle(context.Background(), f.repActor(coordinator), c); err != nil {
		tb.Fatalf("create cycle: %v", err)
	}
	return c
}

// mustReport saves a report as who and, if status is past draft, submits
// it (as who) and decides on it (as coordinator A).
func repReport(tb testing.TB, f *fixture, who string, r *aldyn.Report, status aldyn.ReportStatus) *aldyn.Report {
	tb.Helper()
	ctx := context.Background()
	if r.Narrative == "" {
		r.Narrative = "Done as planned"
	}
	if err := f.db.SaveReport(ctx, f.repActor(who), r); err != nil {
		tb.Fatalf("save report: %v", err)
	}
	if status == aldyn.ReportDraft {
		return r
	}
	if _, err := f.db.SubmitReport(ctx, f.repActor(who), r.ID); err != nil {
		tb.Fatalf("submit report: %v", err)
	}
	var err error
	switch status {
	case aldyn.ReportAccepted:
		_, err = f.db.AcceptReport(ctx, f.repActor(coordinator), r.ID, "")
	case aldyn.ReportReturned:
		_, err = f.db.ReturnReport(ctx, f.repActor(coordinator), r.ID, "fix it")
	}
	if err != nil {
		tb.Fatalf("decide report: %v", err)
	}
	return r
}

func repID(n int64) string { return strconv.FormatInt(n, 10) }

// call sends a JSON API request and decodes the answer.
func (f *fixture) repCall(tb testing.TB, who, method, path, body string) (int, map[string]any) {
	tb.Helper()
	ctype := ""
	if body != "" {
		ctype = "application/json"
	}
	resp := f.do(tb, who, method, path, ctype, body)
	raw := readBody(tb, resp)
	var m map[string]any
	if strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		if err := json.Unmarshal([]byte(raw), &m); err != nil {
			tb.Fatalf("%s %s: %v in %s", method, path, err, raw)
		}
	}
	return resp.StatusCode, m
}

func repUpload(tb testing.TB, files map[string][]byte) (string, string) {
	tb.Helper()
	var ffs []formFile
	for name, b := range files {
		ffs = append(ffs, formFile{"files", name, b})
	}
	return mustMultipart(tb, nil, ffs...)
}

// simplePlan is a plan with two measures of body A and one of body B, an
// open cycle for 2025-Q2, and the clock at 2025-07-05.
func repSimplePlan(tb testing.TB) *reportingFixture {
	tb.Helper()
	f, dir := repServer(tb)
	f.repSetNow(time.Date(2025, 7, 5, 10, 0, 0, 0, time.UTC))
	p, ms, inds := repPlan(tb, f, "Safe Alamüdün", []*aldyn.Indicator{{Code: "1", Name: aldyn.Text{KY: "Жаштар", RU: "Молодёжь", EN: "Youth reached"},
		Unit: "people", HigherIsBetter: true, Kind: aldyn.IndicatorNumber, Source: aldyn.IndicatorManual,
		Verification: aldyn.Text{KY: "Тизме", RU: "Списки", EN: "Lists"}, Frequency: aldyn.FrequencyQuarterly, BaselineValue: 10, BaselineYear: 2024,
		Targets: []aldyn.IndicatorTarget{{Year: 2025, Value: 20}}}},
		[]repMeasureSpec{
			{code: "1.1", component: "4.1", body: f.bodyA, start: "2025-01-01", due: "2025-12-31",
				budget: []aldyn.BudgetLine{{Source: aldyn.BudgetLocal, AmountKGS: 100000}}, indicators: []string{"1"}},
			{code: "1.2", body: f.bodyA, start: "2025-01-01", due: "2025-12-31"},
			{code: "2.1", body: f.bodyB, start: "2025-01-01", due: "2025-12-31"},
		})
	c := repCycle(tb, f, p.ID, "2025-Q2", "2025-04-01", "2025-06-30", time.Date(2025, 7, 10, 23, 59, 59, 0, time.UTC))
	return &reportingFixture{fixture: f, evidenceDir: dir, plan: p, measures: ms, indicators: inds, cycle: c}
}

// TestReportStateMachineHTTP drives a report through every state by the
// API and tries every illegal move from each state: 409 and nothing
// changed.
func TestReportStateMachineHTTP(t *testing.T) {
	rf := repSimplePlan(t)
	f, m := rf.fixture, rf.measures["1.1"]
	st, created := f.repCall(t, reporterA, "POST", "/api/v1/reports", fmt.Sprintf(`{"cycle_id":%d,"measure_id":%d}`, rf.cycle.ID, m.ID))
	if st != http.StatusCreated {
		t.Fatalf("create draft: got %d %v, want 201", st, created)
	}
	rid := repID(int64(created["id"].(float64)))
	path := "/api/v1/reports/" + rid
	state := func() string {
		t.Helper()
		st, r := f.repCall(t, reporterA, "GET", path, "")
		if st != 200 {
			t.Fatalf("get report: %d", st)
		}
		b, _ := json.Marshal([]any{r["status"], r["version"], r["progress"], r["narrative"], r["comment"], len(r["history"].([]any))})
		return string(b)
	}
	illegal := func(t *testing.T, who, action, body string) {
		t.Helper()
		before := state()
		if st, out := f.repCall(t, who, "POST", path+"/"+action, body); st != http.StatusConflict {
			t.Errorf("%s by %s: got %d %v, want 409", action, who, st, out)
		}
		if after := state(); after != before {
			t.Errorf("%s by %s changed the report: %s → %s", action, who, before, after)
		}
	}
	illegalPut := func(t *testing.T) {
		t.Helper()
		before := state()
		if st, out := f.repCall(t, reporterA, "PUT", path, `{"progress":99,"narrative":"changed","revision":3}`); st != http.StatusConflict {
			t.Errorf("PUT: got %d %v, want 409", st, out)
		}
		if after := state(); after != before {
			t.Errorf("PUT changed the report: %s → %s", before, after)
		}
	}
	t.Run("draft", func(t *testing.T) {
		illegal(t, coordinator, "accept", "")
		illegal(t, coordinator, "return", `{"comment":"why"}`)
		// Submitting without a narrative is invalid, not a transition.
		if st, _ := f.repCall(t, reporterA, "POST", path+"/submit", ""); st != http.StatusBadRequest {
			t.Errorf("submit without narrative: got %d, want 400", st)
		}
		if st, out := f.repCall(t, reporterA, "PUT", path, fmt.Sprintf(`{"revision":1,"progress":40,"narrative":"Trainings held","spent":[{"source":"local","amount_kgs":30000}],
			"values":[{"indicator_id":%d,"period":"2025-Q2","value":15}]}`, rf.indicators["1"].ID)); st != 200 || out["progress"].(float64) != 40 {
			t.Fatalf("save draft: got %d %v", st, out)
		}
	})
	t.Run("submitted", func(t *testing.T) {
		if st, out := f.repCall(t, reporterA, "POST", path+"/submit", ""); st != 200 || out["status"] != "submitted" || out["version"].(float64) != 1 {
			t.Fatalf("submit: got %d %v", st, out)
		}
		illegal(t, reporterA, "submit", "")
		illegal(t, coordinator, "submit", "")
		illegalPut(t)
		// Returning needs a comment.
		if st, _ := f.repCall(t, coordinator, "POST", path+"/return", `{"comment":"  "}`); st != http.StatusBadRequest {
			t.Errorf("return without comment: got %d, want 400", st)
		}
		if st, out := f.repCall(t, coordinator, "POST", path+"/return", `{"comment":"Attach the attendance lists"}`); st != 200 || out["status"] != "returned" {
			t.Fatalf("return: got %d %v", st, out)
		}
	})
	t.Run("returned", func(t *testing.T) {
		illegal(t, coordinator, "accept", "")
		illegal(t, coordinator, "return", `{"comment":"again"}`)
		if st, out := f.repCall(t, reporterA, "PUT", path, fmt.Sprintf(`{"revision":2,"progress":50,"narrative":"Trainings held; lists attached",
			"values":[{"indicator_id":%d,"period":"2025-Q2","value":15}]}`, rf.indicators["1"].ID)); st != 200 || out["comment"] != "Attach the attendance lists" {
			t.Fatalf("edit returned report: got %d %v", st, out)
		}
		if st, out := f.repCall(t, reporterA, "POST", path+"/submit", ""); st != 200 || out["version"].(float64) != 2 {
			t.Fatalf("resubmit: got %d %v", st, out)
		}
		if st, out := f.repCall(t, coordinator, "POST", path+"/accept", `{"comment":"Thank you"}`); st != 200 || out["status"] != "accepted" {
			t.Fatalf("accept: got %d %v", st, out)
		}
	})
	t.Run("accepted", func(t *testing.T) {
		illegal(t, reporterA, "submit", "")
		illegal(t, coordinator, "accept", "")
		illegal(t, coordinator, "return", `{"comment":"too late"}`)
		illegalPut(t)
	})
	t.Run("history", func(t *testing.T) {
		_, r := f.repCall(t, coordinator, "GET", path, "")
		var got []string
		for _, h := range r["history"].([]any) {
			h := h.(map[string]any)
			got = append(got, fmt.Sprintf("%v v%v by %v: %v", h["status"], h["version"], h["by"], h["comment"]))
		}
		want := []string{"submitted v1 by reporterA: <nil>", "returned v1 by coordinatorA: Attach the attendance lists",
			"submitted v2 by reporterA: <nil>", "accepted v2 by coordinatorA: Thank you"}
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("history:\n got %q\nwant %q", got, want)
		}
		// The page shows the same history.
		page := readBody(t, f.do(t, coordinator, "GET", "/reports/"+rid, "", ""))
		for _, s := range []string{"Attach the attendance lists", "Thank you", "reporterA", "coordinatorA"} {
			if !strings.Contains(page, s) {
				t.Errorf("report page lacks %q", s)
			}
		}
		// The accepted value became the indicator's observation.
		vals, err := f.db.FindIndicatorValues(context.Background(), rf.indicators["1"].ID)
		if err != nil || len(vals) != 1 || vals[0].Value != 15 {
			t.Errorf("indicator values after acceptance: %v %v", vals, err)
		}
	})
}

// TestReportConcurrentEdits opens a report's form as two users of its
// body: the first save wins; the second, made from the revision both
// read, answers 409 with the form showing why and keeping its input, and
// saves when sent again. The API refuses a stale revision alike, with a
// message in the reader's language.
func TestReportConcurrentEdits(t *testing.T) {
	rf := repSimplePlan(t)
	f, m := rf.fixture, rf.measures["1.1"]
	form := fmt.Sprintf("/cycles/%d/measures/%d/report", rf.cycle.ID, m.ID)
	revision := regexp.MustCompile(`name="revision" value="(\d+)"`)
	open := func(who string) string {
		t.Helper()
		page := readBody(t, f.do(t, who, "GET", form, "", ""))
		mm := revision.FindStringSubmatch(page)
		if mm == nil {
			t.Fatalf("%s's form has no revision", who)
		}
		return mm[1]
	}
	const ctype = "application/x-www-form-urlencoded"
	save := func(who, rev, narrative string) (int, string) {
		resp := f.do(t, who, "POST", form, ctype, url.Values{"revision": {rev}, "progress": {"30"}, "narrative": {narrative}, "action": {"save"}}.Encode())
		return resp.StatusCode, readBody(t, resp)
	}
	revA, revC := open(reporterA), open(coordinator)
	if revA != "1" || revC != "1" {
		t.Fatalf("revisions read: %s, %s; want 1, 1", revA, revC)
	}
	if st, body := save(reporterA, revA, "Reporter's account"); st != http.StatusSeeOther {
		t.Fatalf("first save: got %d, want 303: %.300s", st, body)
	}
	st, page := save(coordinator, revC, "Coordinator's account")
	if st != http.StatusConflict {
		t.Fatalf("second save from the same revision: got %d, want 409", st)
	}
	loc := i18n.For("ky")
	for _, want := range []string{`id="report-stale"`, html.EscapeString(loc.T("report.error.stale")), "Coordinator&#39;s account", `name="revision" value="2"`} {
		if !strings.Contains(page, want) {
			t.Errorf("conflict page lacks %s", want)
		}
	}
	rs, _, err := f.db.FindReports(context.Background(), aldyn.ReportFilter{CycleID: &rf.cycle.ID, MeasureID: &m.ID})
	if err != nil || len(rs) != 1 || rs[0].Narrative != "Reporter's account" || rs[0].Revision != 2 {
		t.Fatalf("after the refused save: %+v %v", rs, err)
	}
	// Sent again from the form as shown, it is saved over the first.
	if st, body := save(coordinator, "2", "Coordinator's account"); st != http.StatusSeeOther {
		t.Fatalf("save after the conflict: got %d, want 303: %.300s", st, body)
	}
	path := "/api/v1/reports/" + repID(rs[0].ID)
	for lang, want := range map[string]string{"ky": "башка бирөө сактады", "ru": "сохранил кто-то другой", "en": "Someone else saved"} {
		resp := f.send(t, reporterA, "PUT", path, strings.NewReader(`{"revision":2,"progress":40,"narrative":"Stale API edit"}`),
			map[string]string{"Content-Type": "application/json", "Accept-Language": lang})
		body := readBody(t, resp)
		if resp.StatusCode != http.StatusConflict || !strings.Contains(body, want) {
			t.Errorf("stale API edit in %s: got %d %s, want 409 with %q", lang, resp.StatusCode, body, want)
		}
	}
	if st, out := f.repCall(t, reporterA, "PUT", path, `{"progress":40,"narrative":"No revision"}`); st != http.StatusBadRequest {
		t.Errorf("API edit without a revision: got %d %v, want 400", st, out)
	}
	if st, out := f.repCall(t, reporterA, "PUT", path, `{"revision":3,"progress":40,"narrative":"Current API edit"}`); st != http.StatusOK || out["revision"].(float64) != 4 {
		t.Errorf("API edit from the current revision: got %d %v, want 200 at revision 4", st, out)
	}
}

// TestReportScope checks who may write and review: a reporter of another
// body cannot report on body A's measure, a coordinator of another
// district cannot accept, nobody reviews their own submission.
func TestReportScope(t *testing.T) {
	rf := repSimplePlan(t)
	f, m := rf.fixture, rf.measures["1.1"]
	form := fmt.Sprintf("/cycles/%d/measures/%d/report", rf.cycle.ID, m.ID)
	if got := f.do(t, repReporterB, "GET", form, "", "").StatusCode; got != http.StatusForbidden {
		t.Errorf("reporter B opens body A's report form: got %d, want 403", got)
	}
	if got := f.do(t, repReporterB, "POST", form, "application/x-www-form-urlencoded", "progress=10&narrative=x").StatusCode; got != http.StatusForbidden {
		t.Errorf("reporter B saves body A's report: got %d, want 403", got)
	}
	if st, _ := f.repCall(t, repReporterB, "POST", "/api/v1/reports", fmt.Sprintf(`{"cycle_id":%d,"measure_id":%d}`, rf.cycle.ID, m.ID)); st != http.StatusForbidden {
		t.Errorf("reporter B starts body A's report by API: got %d, want 403", st)
	}
	// Reporter A's form page starts the draft.
	if got := f.do(t, reporterA, "GET", form, "", "").StatusCode; got != 200 {
		t.Fatalf("reporter A opens the form: got %d", got)
	}
	rs, _, err := f.db.FindReports(context.Background(), aldyn.ReportFilter{MeasureID: &m.ID, Page: aldyn.Page{Limit: 5}})
	if err != nil || len(rs) != 1 || rs[0].Status != aldyn.ReportDraft {
		t.Fatalf("draft after opening the form: %v %v", rs, err)
	}
	path := "/api/v1/reports/" + repID(rs[0].ID)
	for _, c := range []struct{ who, method, path, body string }{
		{repReporterB, "GET", path, ""}, {repReporterB, "PUT", path, `{"progress":5,"narrative":"x"}`}, {repReporterB, "POST", path + "/submit", ""},
		{repCoordinatorB, "PUT", path, `{"progress":5,"narrative":"x"}`},
	} {
		if st, _ := f.repCall(t, c.who, c.method, c.path, c.body); st != http.StatusForbidden {
			t.Errorf("%s %s %s: got %d, want 403", c.who, c.method, c.path, st)
		}
	}
	if st, _ := f.repCall(t, reporterA, "PUT", path, `{"progress":30,"narrative":"Started","revision":1}`); st != 200 {
		t.Fatalf("save: %d", st)
	}
	if st, _ := f.repCall(t, reporterA, "POST", path+"/submit", ""); st != 200 {
		t.Fatalf("submit: %d", st)
	}
	for _, c := range []struct{ who, action string }{{repCoordinatorB, "accept"}, {repCoordinatorB, "return"}, {reporterA, "accept"}, {analystA, "accept"}, {adminKG, "accept"}} {
		if st, _ := f.repCall(t, c.who, "POST", path+"/"+c.action, `{"comment":"no"}`); st != http.StatusForbidden {
			t.Errorf("%s %s: got %d, want 403", c.who, c.action, st)
		}
	}
	if got := f.do(t, repCoordinatorB, "POST", "/reports/"+repID(rs[0].ID)+"/accept", "application/x-www-form-urlencoded", "").StatusCode; got != http.StatusForbidden {
		t.Errorf("coordinator B accepts by the form: got %d, want 403", got)
	}
	// Four eyes: coordinator A submits a report of body A, and cannot
	// decide on it.
	m2 := rf.measures["1.2"]
	st, out := f.repCall(t, coordinator, "POST", "/api/v1/reports", fmt.Sprintf(`{"cycle_id":%d,"measure_id":%d,"progress":10,"narrative":"By the coordinator"}`, rf.cycle.ID, m2.ID))
	if st != 201 {
		t.Fatalf("coordinator starts a report: %d %v", st, out)
	}
	own := "/api/v1/reports/" + repID(int64(out["id"].(float64)))
	if st, _ := f.repCall(t, coordinator, "POST", own+"/submit", ""); st != 200 {
		t.Fatalf("coordinator submits: %d", st)
	}
	if st, _ := f.repCall(t, coordinator, "POST", own+"/accept", ""); st != http.StatusForbidden {
		t.Errorf("coordinator accepts own report: got %d, want 403", st)
	}
	// Tasks: reporter B sees only body B's measure; coordinator A sees
	// reporter A's submission to review, not its own.
	_, tasks := f.repCall(t, repReporterB, "GET", "/api/v1/tasks", "")
	items := tasks["items"].([]any)
	if len(items) != 1 || items[0].(map[string]any)["measure_code"] != "2.1" || items[0].(map[string]any)["status"] != "not_started" {
		t.Errorf("reporter B's tasks: %v", items)
	}
	_, tasks = f.repCall(t, coordinator, "GET", "/api/v1/tasks", "")
	var reviews []string
	for _, it := range tasks["items"].([]any) {
		if it := it.(map[string]any); it["kind"] == "review" {
			reviews = append(reviews, it["measure_code"].(string))
		}
	}
	if strings.Join(reviews, ",") != "1.1" {
		t.Errorf("coordinator A's reviews: got %v, want [1.1]", reviews)
	}
	if _, tasks = f.repCall(t, repCoordinatorB, "GET", "/api/v1/tasks", ""); strings.Contains(fmt.Sprint(tasks), `review`) {
		t.Errorf("coordinator B sees district A's reviews: %v", tasks)
	}
}

// TestReportingTasksAndNotifications checks opening a cycle notifies the
// responsible bodies, the tasks list orders overdue reports first and shows
// a returned report's comment, and notifications can be marked read.
func TestReportingTasksAndNotifications(t *testing.T) {
	rf := repSimplePlan(t)
	f := rf.fixture
	// A second, overdue cycle opened through the page.
	resp := f.do(t, coordinator, "POST", "/plans/"+repID(rf.plan.ID)+"/cycles", "application/x-www-form-urlencoded",
		"period=2025-Q1&from=2025-01-01&to=2025-03-31&deadline=2025-04-10")
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("open cycle: got %d %s", resp.StatusCode, readBody(t, resp))
	}
	if got := f.do(t, reporterA, "POST", "/plans/"+repID(rf.plan.ID)+"/cycles", "application/x-www-form-urlencoded",
		"period=2025-Q3&from=2025-07-01&to=2025-09-30&deadline=2025-10-10").StatusCode; got != http.StatusForbidden {
		t.Errorf("reporter opens a cycle: got %d, want 403", got)
	}
	if got := f.do(t, coordinator, "POST", "/plans/"+repID(rf.plan.ID)+"/cycles", "application/x-www-form-urlencoded",
		"period=&from=2025-07-01&to=2025-06-01&deadline=x").StatusCode; got != http.StatusBadRequest {
		t.Errorf("invalid cycle: got %d, want 400", got)
	}
	for _, who := range []string{reporterA, repReporterB} {
		ns, total, err := f.db.FindNotifications(context.Background(), store.NotificationFilter{UserID: f.users[who].ID, BodyID: f.users[who].BodyID, Page: aldyn.Page{Limit: 10}})
		if err != nil || total != 1 || ns[0].Kind != "cycle_opened" || ns[0].Args["period"] != "2025-Q1" {
			t.Errorf("%s notifications: %v %d %v", who, ns, total, err)
		}
	}
	// Returned report in Q2 with a comment.
	r12 := repReport(t, f, reporterA, &aldyn.Report{CycleID: rf.cycle.ID, MeasureID: rf.measures["1.2"].ID, Progress: 10}, aldyn.ReportSubmitted)
	if st, out := f.repCall(t, coordinator, "POST", "/api/v1/reports/"+repID(r12.ID)+"/return", `{"comment":"fix it"}`); st != 200 {
		t.Fatalf("return: %d %v", st, out)
	}
	_, tasks := f.repCall(t, reporterA, "GET", "/api/v1/tasks", "")
	var got []string
	for _, it := range tasks["items"].([]any) {
		it := it.(map[string]any)
		got = append(got, fmt.Sprintf("%v %v %v %v", it["period"], it["measure_code"], it["status"], it["overdue"]))
	}
	want := []string{"2025-Q1 1.1 not_started true", "2025-Q1 1.2 not_started true", "2025-Q2 1.1 not_started false", "2025-Q2 1.2 returned false"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("tasks:\n got %q\nwant %q", got, want)
	}
	page := readBody(t, f.do(t, reporterA, "GET", "/tasks", "", ""))
	if !strings.Contains(page, "fix it") || strings.Index(page, "2025-Q1") > strings.Index(page, "2025-Q2") {
		t.Errorf("tasks page: comment shown %v, overdue first %v", strings.Contains(page, "fix it"), strings.Index(page, "2025-Q1") < strings.Index(page, "2025-Q2"))
	}
	// The header counts unread notifications: cycle opened and report returned.
	if !regexp.MustCompile(`unread-count"[^>]*>2<`).MatchString(page) {
		t.Errorf("header does not show 2 unread notifications")
	}
	ns, _, _ := f.db.FindNotifications(context.Background(), store.NotificationFilter{UserID: f.users[reporterA].ID, BodyID: f.bodyA.ID, Page: aldyn.Page{Limit: 10}})
	if got := f.do(t, repReporterB, "POST", "/notifications/"+repID(ns[0].ID)+"/read", "", "").StatusCode; got != http.StatusNotFound {
		t.Errorf("reporter B reads body A's notification: got %d, want 404", got)
	}
	if got := f.do(t, reporterA, "POST", "/notifications/"+repID(ns[0].ID)+"/read", "", "").StatusCode; got != http.StatusSeeOther {
		t.Errorf("mark read: got %d", got)
	}
	if n, _ := f.db.CountUnreadNotifications(context.Background(), f.users[reporterA].ID, f.bodyA.ID); n != 1 {
		t.Errorf("unread after marking one: got %d, want 1", n)
	}
	page = readBody(t, f.do(t, reporterA, "GET", "/notifications", "", ""))
	if !strings.Contains(page, "was returned for correction") && !strings.Contains(page, "кайтарылды") && !strings.Contains(page, "возвращён") {
		t.Errorf("notifications page does not show the returned report")
	}
	// The cycle page lists late and missing reports: Q1's deadline passed.
	cs, _, _ := f.db.FindCycles(context.Background(), aldyn.CycleFilter{PlanID: &rf.plan.ID, Page: aldyn.Page{Limit: 10, Sort: "from"}})
	page = readBody(t, f.do(t, coordinator, "GET", "/cycles/"+repID(cs[0].ID), "", ""))
	if strings.Count(page, `class="badge danger"`) != 3 {
		t.Errorf("Q1 cycle page: want 3 missing reports marked, got %d", strings.Count(page, `class="badge danger"`))
	}
	if got := f.do(t, repCoordinatorB, "POST", "/cycles/"+repID(cs[0].ID)+"/close", "", "").StatusCode; got != http.StatusForbidden {
		t.Errorf("coordinator B closes: got %d, want 403", got)
	}
	if got := f.do(t, coordinator, "POST", "/cycles/"+repID(cs[0].ID)+"/close", "", "").StatusCode; got != http.StatusSeeOther {
		t.Errorf("close: got %d", got)
	}
	if got := f.do(t, coordinator, "POST", "/cycles/"+repID(cs[0].ID)+"/close", "", "").StatusCode; got != http.StatusConflict {
		t.Errorf("close twice: got %d, want 409", got)
	}
	// A closed cycle takes no reports.
	if st, _ := f.repCall(t, reporterA, "POST", "/api/v1/reports", fmt.Sprintf(`{"cycle_id":%d,"measure_id":%d}`, cs[0].ID, rf.measures["1.1"].ID)); st != http.StatusConflict {
		t.Errorf("report in a closed cycle: got %d, want 409", st)
	}
}

// TestReportEvidence checks uploads are typed by content and bounded, kept
// under the evidence directory with random names, served only to the
// allowed, and deletable only while the report is editable.
func TestReportEvidence(t *testing.T) {
	rf := repSimplePlan(t)
	f := rf.fixture
	r := repReport(t, f, reporterA, &aldyn.Report{CycleID: rf.cycle.ID, MeasureID: rf.measures["1.1"].ID, Progress: 20}, aldyn.ReportDraft)
	up := "/api/v1/reports/" + repID(r.ID) + "/evidence"
	post := func(who string, files map[string][]byte) (int, string) {
		ct, body := repUpload(t, files)
		resp := f.do(t, who, "POST", up, ct, body)
		return resp.StatusCode, readBody(t, resp)
	}
	if st, body := post(reporterA, map[string][]byte{"minutes.pdf": []byte("These are the minutes, typed as text.\n")}); st != http.StatusBadRequest {
		t.Errorf("text renamed .pdf: got %d %s, want 400", st, body)
	}
	big := append([]byte("%PDF-1.4\n"), bytes.Repeat([]byte("x"), 10<<20)...)
	if st, body := post(reporterA, map[string][]byte{"big.pdf": big}); st != http.StatusRequestEntityTooLarge {
		t.Errorf("file over 10 MB: got %d %.200s, want 413", st, body)
	}
	if st, _ := post(repReporterB, map[string][]byte{"act.pdf": []byte(repTinyPDF)}); st != http.StatusForbidden {
		t.Errorf("reporter B uploads: got %d, want 403", st)
	}
	png := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89")
	st, body := post(reporterA, map[string][]byte{"act.pdf": []byte(repTinyPDF), "photo.png": png})
	if st != http.StatusCreated {
		t.Fatalf("upload: got %d %s", st, body)
	}
	if strings.Contains(body, "storage_key\":\"") && !strings.Contains(body, `"storage_key":""`) {
		t.Errorf("the API reveals storage keys: %s", body)
	}
	entries, _ := os.ReadDir(rf.evidenceDir)
	if len(entries) != 2 {
		t.Fatalf("files in the evidence directory: %d, want 2 (rejected uploads leave nothing)", len(entries))
	}
	for _, e := range entries {
		if !regexp.MustCompile(`^[0-9a-f]{32}$`).MatchString(e.Name()) {
			t.Errorf("stored name %q is not random hex", e.Name())
		}
	}
	es, err := f.db.FindEvidence(context.Background(), r.ID)
	if err != nil || len(es) != 2 {
		t.Fatalf("evidence records: %v %v", es, err)
	}
	var pdf *store.ReportEvidence
	for _, e := range es {
		if e.FileName == "act.pdf" {
			pdf = e
		}
	}
	if pdf == nil || pdf.ContentType != "application/pdf" {
		t.Fatalf("act.pdf record: %+v", es)
	}
	if b, _ := os.ReadFile(filepath.Join(rf.evidenceDir, pdf.StorageKey)); string(b) != repTinyPDF {
		t.Errorf("stored bytes differ")
	}
	dl := "/evidence/" + repID(pdf.ID)
	for who, want := range map[string]int{reporterA: 200, coordinator: 200, analystA: 200, adminA: 200, adminKG: 200,
		repReporterB: 403, repCoordinatorB: 403, "analystB": 403} {
		resp := f.do(t, who, "GET", dl, "", "")
		b := readBody(t, resp)
		if resp.StatusCode != want {
			t.Errorf("download as %s: got %d, want %d", who, resp.StatusCode, want)
			continue
		}
		if want == 200 && (b != repTinyPDF || !strings.HasPrefix(resp.Header.Get("Content-Disposition"), "attachment") ||
			resp.Header.Get("X-Content-Type-Options") != "nosniff" || resp.Header.Get("Content-Type") != "application/pdf") {
			t.Errorf("download as %s: headers %v", who, resp.Header)
		}
		if want != 200 && strings.Contains(b, "%PDF") {
			t.Errorf("download as %s leaked the file", who)
		}
	}
	if got := f.do(t, anon, "GET", dl, "", "").StatusCode; got != http.StatusSeeOther {
		t.Errorf("anonymous download: got %d, want 303 to the login", got)
	}
	// Five files at most.
	if st, _ := post(reporterA, map[string][]byte{"a.pdf": []byte(repTinyPDF), "b.pdf": []byte(repTinyPDF), "c.pdf": []byte(repTinyPDF), "d.pdf": []byte(repTinyPDF)}); st != http.StatusBadRequest {
		t.Errorf("sixth file: got %d, want 400", st)
	}
	if entries, _ := os.ReadDir(rf.evidenceDir); len(entries) != 2 {
		t.Errorf("a refused batch left %d files", len(entries)-2)
	}
	// Delete while editable: the record and the file go.
	var png1 *store.ReportEvidence
	for _, e := range es {
		if e.FileName == "photo.png" {
			png1 = e
		}
	}
	if got := f.do(t, repReporterB, "POST", "/evidence/"+repID(png1.ID)+"/delete", "", "").StatusCode; got != http.StatusForbidden {
		t.Errorf("reporter B deletes: got %d, want 403", got)
	}
	if got := f.do(t, reporterA, "POST", "/evidence/"+repID(png1.ID)+"/delete", "", "").StatusCode; got != http.StatusSeeOther {
		t.Errorf("delete: got %d", got)
	}
	if _, err := os.Stat(filepath.Join(rf.evidenceDir, png1.StorageKey)); !os.IsNotExist(err) {
		t.Errorf("deleted file still on disk: %v", err)
	}
	// After submission the files are locked.
	if _, err := f.db.SubmitReport(context.Background(), f.repActor(reporterA), r.ID); err != nil {
		t.Fatal(err)
	}
	if got := f.do(t, reporterA, "POST", "/evidence/"+repID(pdf.ID)+"/delete", "", "").StatusCode; got != http.StatusConflict {
		t.Errorf("delete after submission: got %d, want 409", got)
	}
	if st, _ := post(reporterA, map[string][]byte{"late.pdf": []byte(repTinyPDF)}); st != http.StatusConflict {
		t.Errorf("upload after submission: got %d, want 409", st)
	}
	// The report form accepts files too, and refuses a fake in the same way.
	r2 := repReport(t, f, reporterA, &aldyn.Report{CycleID: rf.cycle.ID, MeasureID: rf.measures["1.2"].ID}, aldyn.ReportDraft)
	ctype, body := mustMultipart(t, map[string]string{"progress": "30", "narrative": "Posters printed"}, formFile{"files", "poster.jpg", []byte("GIF89a not a jpeg")})
	resp := f.do(t, reporterA, "POST", fmt.Sprintf("/cycles/%d/measures/%d/report", rf.cycle.ID, rf.measures["1.2"].ID), ctype, body)
	if page := readBody(t, resp); resp.StatusCode != http.StatusBadRequest || !strings.Contains(page, i18n.For("ky").T("reporting.error.file_type_short")) {
		t.Errorf("form with a GIF named .jpg: got %d", resp.StatusCode)
	}
	if got, _ := f.db.FindEvidence(context.Background(), r2.ID); len(got) != 0 {
		t.Errorf("refused file recorded: %v", got)
	}
}

// dashboardFixture is the small plan whose dashboard figures are worked
// out by hand in TestDashboardFigures.
func repDashboardFixture(tb testing.TB) *reportingFixture {
	tb.Helper()
	f, dir := repServer(tb)
	f.repSetNow(time.Date(2025, 7, 1, 9, 0, 0, 0, time.UTC))
	p, ms, inds := repPlan(tb, f, "Dashboard plan", []*aldyn.Indicator{
		{Code: "1", Name: aldyn.Text{KY: "Жаштар", RU: "Молодёжь", EN: "Youth reached"}, Unit: "people", HigherIsBetter: true, Kind: aldyn.IndicatorNumber,
			Source: aldyn.IndicatorManual, Verification: aldyn.Text{KY: "Тизме", RU: "Списки", EN: "Lists"}, Frequency: aldyn.FrequencyQuarterly,
			BaselineValue: 10, BaselineYear: 2024, Targets: []aldyn.IndicatorTarget{{Year: 2025, Value: 20}, {Year: 2026, Value: 30}}},
		{Code: "2", Name: aldyn.Text{KY: "Уурулук", RU: "Кражи", EN: "Thefts"}, Unit: "cases", Kind: aldyn.IndicatorNumber,
			Source: aldyn.IndicatorManual, Verification: aldyn.Text{KY: "ИИМ", RU: "МВД", EN: "Police"}, Frequency: aldyn.FrequencyAnnual,
			BaselineValue: 100, BaselineYear: 2024, Targets: []aldyn.IndicatorTarget{{Year: 2025, Value: 80}}},
	}, []repMeasureSpec{
		{code: "1.1", component: "4.1", body: f.bodyA, start: "2025-01-01", due: "2025-12-31", indicators: []string{"1"},
			budget: []aldyn.BudgetLine{{Source: aldyn.BudgetLocal, AmountKGS: 100000}, {Source: aldyn.BudgetPartners, Funder: "UNDP", AmountKGS: 50000}}},
		{code: "1.2", component: "4.1", body: f.bodyA, start: "2025-01-01", due: "2025-06-30",
			budget: []aldyn.BudgetLine{{Source: aldyn.BudgetRepublican, AmountKGS: 200000}}},
		{code: "2.1", component: "5.1", body: f.bodyB, start: "2025-01-01", due: "2026-12-31",
			budget: []aldyn.BudgetLine{{Source: aldyn.BudgetLocal, AmountKGS: 40000}}},
		{code: "2.2", body: f.bodyB, start: "2025-09-01", due: "2026-06-30",
			budget: []aldyn.BudgetLine{{Source: aldyn.BudgetOther, AmountKGS: 10000}}},
	})
	c := repCycle(tb, f, p.ID, "2025-Q2", "2025-04-01", "2025-06-30", time.Date(2025, 7, 10, 23, 59, 59, 0, time.UTC))
	// 5 July: 1.1 at 50 % with spending and an indicator value, accepted;
	// 2.1 submitted (not decided).
	f.repSetNow(time.Date(2025, 7, 5, 9, 0, 0, 0, time.UTC))
	repReport(tb, f, reporterA, &aldyn.Report{CycleID: c.ID, MeasureID: ms["1.1"].ID, Progress: 50,
		Spent:  []aldyn.BudgetLine{{Source: aldyn.BudgetLocal, AmountKGS: 30000}, {Source: aldyn.BudgetPartners, Funder: "UNDP", AmountKGS: 10000}},
		Values: []aldyn.IndicatorValue{{IndicatorID: inds["1"].ID, Period: "2025-Q2", Value: 15}}}, aldyn.ReportAccepted)
	repReport(tb, f, repReporterB, &aldyn.Report{CycleID: c.ID, MeasureID: ms["2.1"].ID, Progress: 20,
		Spent: []aldyn.BudgetLine{{Source: aldyn.BudgetLocal, AmountKGS: 5000}}}, aldyn.ReportSubmitted)
	// 12 July, after the deadline: 1.2 done, accepted.
	f.repSetNow(time.Date(2025, 7, 12, 9, 0, 0, 0, time.UTC))
	repReport(tb, f, reporterA, &aldyn.Report{CycleID: c.ID, MeasureID: ms["1.2"].ID, Progress: 100,
		Spent: []aldyn.BudgetLine{{Source: aldyn.BudgetRepublican, AmountKGS: 150000}}}, aldyn.ReportAccepted)
	f.repSetNow(time.Date(2025, 7, 15, 0, 0, 0, 0, time.UTC))
	return &reportingFixture{fixture: f, evidenceDir: dir, plan: p, measures: ms, indicators: inds, cycle: c}
}

// TestDashboardFigures compares the dashboard JSON with figures worked out
// by hand for dashboardFixture at 15 July 2025:
//
//	1.1 (A, 4.1): accepted 50 %; 195 of 365 days gone (53 %), lag 3 points → on track
//	1.2 (A, 4.1): accepted 100 % in the Q2 cycle, which began before its due date → done on time
//	2.1 (B, 5.1): nothing accepted; 195 of 730 days gone (27 %) > 25 points → at risk
//	2.2 (B, —):   starts 1 September → not started
//	budget planned: republican 200 000, local 140 000, partners 50 000, other 10 000 = 400 000
//	spent (accepted only): republican 150 000, local 30 000, partners 10 000 = 190 000 (47.5 %)
//	indicator 1: (15 − 10) / (20 − 10) = 0.5 of the way; expected 181/365 by 1 July → on track
//	indicator 2: no value → no data
//	cycle 2025-Q2 (deadline 10 July): A expects 2, both accepted, one on time, one late;
//	B expects 1 (2.2 starts later), submitted on time, not decided.
func TestDashboardFigures(t *testing.T) {
	rf := repDashboardFixture(t)
	f := rf.fixture
	st, d := f.repCall(t, coordinator, "GET", "/api/v1/plans/"+repID(rf.plan.ID)+"/dashboard", "")
	if st != 200 {
		t.Fatalf("dashboard: %d %v", st, d)
	}
	get := func(path string) any {
		var v any = d
		for _, k := range strings.Split(path, ".") {
			switch x := v.(type) {
			case map[string]any:
				v = x[k]
			case []any:
				i, _ := strconv.Atoi(k)
				if i >= len(x) {
					return nil
				}
				v = x[i]
			default:
				return nil
			}
		}
		return v
	}
	bodyA, bodyB := float64(f.bodyA.ID), float64(f.bodyB.ID)
	want := map[string]any{
		"measures.total": 4.0, "measures.done": 1.0, "measures.on_track": 1.0, "measures.at_risk": 1.0, "measures.not_started": 1.0,
		"measures.overdue": 0.0, "measures.cancelled": 0.0, "measures.done_on_time": 1.0,
		"shares.done": 0.25, "shares.on_track": 0.25, "shares.at_risk": 0.25, "shares.not_started": 0.25, "shares.done_on_time": 0.25,
		"budget.planned_kgs": 400000.0, "budget.spent_kgs": 190000.0, "budget.spent_share": 0.475,
		"budget.sources.0.source": "republican", "budget.sources.0.planned_kgs": 200000.0, "budget.sources.0.spent_kgs": 150000.0,
		"budget.sources.1.source": "local", "budget.sources.1.planned_kgs": 140000.0, "budget.sources.1.spent_kgs": 30000.0,
		"budget.sources.2.source": "partners", "budget.sources.2.planned_kgs": 50000.0, "budget.sources.2.spent_kgs": 10000.0,
		"budget.sources.3.source": "other", "budget.sources.3.planned_kgs": 10000.0, "budget.sources.3.spent_kgs": 0.0,
		"components.0.component_code": nil, "components.0.measures.not_started": 1.0, "components.0.planned_kgs": 10000.0,
		"components.1.component_code": "4.1", "components.1.measures.total": 2.0, "components.1.measures.done": 1.0, "components.1.measures.on_track": 1.0,
		"components.1.planned_kgs": 350000.0, "components.1.spent_kgs": 190000.0,
		"components.2.component_code": "5.1", "components.2.measures.at_risk": 1.0, "components.2.planned_kgs": 40000.0, "components.2.spent_kgs": 0.0,
		"bodies.0.body_id": bodyA, "bodies.0.measures.total": 2.0, "bodies.0.planned_kgs": 350000.0, "bodies.0.spent_kgs": 190000.0,
		"bodies.1.body_id": bodyB, "bodies.1.measures.total": 2.0, "bodies.1.planned_kgs": 50000.0, "bodies.1.spent_kgs": 0.0,
		"indicators.0.code": "1", "indicators.0.actual_value": 15.0, "indicators.0.actual_period": "2025-Q2", "indicators.0.target_value": 20.0,
		"indicators.0.progress": 0.5, "indicators.0.state": "on_track",
		"indicators.1.code": "2", "indicators.1.state": "no_data", "indicators.1.actual_value": nil,
		"indicator_counts.total": 2.0, "indicator_counts.on_track": 1.0, "indicator_counts.no_data": 1.0,
		"cycle.period": "2025-Q2", "cycle.totals.expected": 3.0, "cycle.totals.submitted": 3.0, "cycle.totals.accepted": 2.0,
		"cycle.totals.on_time": 2.0, "cycle.totals.late": 1.0, "cycle.totals.missing": 0.0, "cycle.totals.pending": 0.0,
		"cycle.bodies.0.body_id": bodyA, "cycle.bodies.0.expected": 2.0, "cycle.bodies.0.late": 1.0, "cycle.bodies.0.accepted": 2.0,
		"cycle.bodies.1.body_id": bodyB, "cycle.bodies.1.expected": 1.0, "cycle.bodies.1.on_time": 1.0, "cycle.bodies.1.accepted": 0.0,
	}
	for k, w := range want {
		if got := get(k); fmt.Sprint(got) != fmt.Sprint(w) {
			t.Errorf("%s: got %v, want %v", k, got, w)
		}
	}
	if e := get("indicators.0.expected").(float64); e < 181.0/365-1e-9 || e > 181.0/365+1e-9 {
		t.Errorf("indicator 1 expected share: got %v, want 181/365", e)
	}
	if got := get("body_names." + repID(f.bodyA.ID)); got != "Аламүдүн ИИБ" {
		t.Errorf("body name of A (ky by default): %v", got)
	}
	// The page shows the same figures.
	page := readBody(t, f.do(t, coordinator, "GET", "/plans/"+repID(rf.plan.ID)+"/dashboard", "", ""))
	for sel, w := range map[string]string{"dash-total": "4", "dash-done": "1", "dash-on-track": "1", "dash-at-risk": "1", "dash-overdue": "0", "dash-not-started": "1"} {
		if got := repFigure(page, sel); got != w {
			t.Errorf("page #%s: got %q, want %q", sel, got, w)
		}
	}
	// Indicator values without trailing zeros: 15 and 20, not 15,00.
	if !strings.Contains(page, ">15 (2025-Q2)<") || !strings.Contains(page, ">20 (") || strings.Contains(page, "15,00") {
		t.Errorf("dashboard page: indicator 1's actual value and target, want 15 (2025-Q2) and 20")
	}
	for _, s := range []string{`data-chart-option=`, `href="/measures/` + repID(rf.measures["1.2"].ID) + `"`, "/api/v1/plans/" + repID(rf.plan.ID) + "/report?format=pdf"} {
		if !strings.Contains(page, s) {
			t.Errorf("dashboard page lacks %s", s)
		}
	}
	// Before any cycle the figures are those of the plan without reports.
	_, d0 := f.repCall(t, coordinator, "GET", "/api/v1/plans/"+repID(rf.plan.ID)+"/dashboard?cycle="+repID(rf.cycle.ID), "")
	if d0["measures"].(map[string]any)["done"] != 1.0 {
		t.Errorf("dashboard for the Q2 cycle: %v", d0["measures"])
	}
	if st, _ := f.repCall(t, coordinator, "GET", "/api/v1/plans/"+repID(rf.plan.ID)+"/dashboard?cycle=999999", ""); st != 400 {
		t.Errorf("unknown cycle: got %d, want 400", st)
	}
	if st, _ := f.repCall(t, repCoordinatorB, "GET", "/api/v1/plans/"+repID(rf.plan.ID)+"/dashboard", ""); st != 403 {
		t.Errorf("coordinator B reads district A's dashboard: got %d, want 403", st)
	}
}

var repFigureRe = regexp.MustCompile(`id="([a-z-]+)">([^<]*)<`)

// figure returns the text of the element with id sel in page.
func repFigure(page, sel string) string {
	for _, m := range repFigureRe.FindAllStringSubmatch(page, -1) {
		if m[1] == sel {
			return strings.TrimSpace(m[2])
		}
	}
	return ""
}

// TestPlanReportDownloads builds the monitoring report in each format and
// language and reads the figures back: XLSX with excelize, PDF with
// pdftotext, DOCX from word/document.xml.
func TestPlanReportDownloads(t *testing.T) {
	pdftotext, err := exec.LookPath("pdftotext")
	if err != nil {
		t.Fatal("pdftotext is needed: apt-get install poppler-utils")
	}
	rf := repDashboardFixture(t)
	f := rf.fixture
	base := "/api/v1/plans/" + repID(rf.plan.ID) + "/report?cycle=" + repID(rf.cycle.ID)
	fetch := func(format, lang string) []byte {
		t.Helper()
		resp := f.do(t, coordinator, "GET", base+"&format="+format+"&lang="+lang, "", "")
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Disposition"), "attachment") {
			t.Fatalf("%s %s: got %d %v %.300s", format, lang, resp.StatusCode, resp.Header, b)
		}
		return b
	}
	for _, lang := range []string{"ky", "ru", "en"} {
		loc := i18n.For(lang)
		title := rf.plan.Title.In(lang)
		planned, spent := loc.Number(400000), loc.Number(190000)
		t.Run(lang, func(t *testing.T) {
			x, err := excelize.OpenReader(bytes.NewReader(fetch("xlsx", lang)))
			if err != nil {
				t.Fatalf("open XLSX: %v", err)
			}
			defer x.Close()
			var cells []string
			for _, sh := range x.GetSheetList() {
				// Raw values: the cells show "400,000" through #,##0.
				rows, _ := x.GetRows(sh, excelize.Options{RawCellValue: true})
				for _, r := range rows {
					cells = append(cells, strings.Join(r, "|"))
				}
			}
			all := strings.Join(cells, "\n")
			for _, s := range []string{"400000", "190000", "150000", "1.1", "1.2", "2.1", "2.2", "Аламүдүн ИИБ", "Сузак ИИБ"} {
				if lang != "ky" && strings.HasSuffix(s, "ИИБ") {
					continue
				}
				if !strings.Contains(all, s) {
					t.Errorf("XLSX lacks %q", s)
				}
			}
			pdfPath := filepath.Join(t.TempDir(), "r.pdf")
			os.WriteFile(pdfPath, fetch("pdf", lang), 0o600)
			out, err := exec.Command(pdftotext, "-layout", pdfPath, "-").Output()
			if err != nil {
				t.Fatalf("pdftotext: %v", err)
			}
			text := strings.Join(strings.Fields(string(out)), " ")
			for _, s := range []string{title, planned, spent, "2025-Q2"} {
				if !strings.Contains(text, strings.Join(strings.Fields(s), " ")) {
					t.Errorf("PDF text lacks %q", s)
				}
			}
			docx := fetch("docx", lang)
			zr, err := zip.NewReader(bytes.NewReader(docx), int64(len(docx)))
			if err != nil {
				t.Fatalf("open DOCX: %v", err)
			}
			var xml string
			for _, zf := range zr.File {
				if zf.Name == "word/document.xml" {
					rc, _ := zf.Open()
					b, _ := io.ReadAll(rc)
					rc.Close()
					xml = string(b)
				}
			}
			plain := regexp.MustCompile(`<[^>]+>`).ReplaceAllString(xml, " ")
			plain = strings.Join(strings.Fields(plain), " ")
			for _, s := range []string{title, planned, spent} {
				s = strings.Join(strings.Fields(s), " ")
				if !strings.Contains(plain, s) && !strings.Contains(strings.ReplaceAll(plain, " ", ""), strings.ReplaceAll(s, " ", "")) {
					t.Errorf("DOCX text lacks %q", s)
				}
			}
		})
	}
	for _, q := range []string{"format=odt", "format=pdf&lang=de", "format=pdf&cycle=x"} {
		if got := f.do(t, coordinator, "GET", "/api/v1/plans/"+repID(rf.plan.ID)+"/report?"+q, "", "").StatusCode; got != 400 {
			t.Errorf("report with %s: got %d, want 400", q, got)
		}
	}
	if got := f.do(t, repCoordinatorB, "GET", base+"&format=xlsx", "", "").StatusCode; got != 403 {
		t.Errorf("coordinator B downloads district A's report: got %d, want 403", got)
	}
}

// The access matrix cases of the reporting routes.
func init() {
	moduleCases = append(moduleCases, reportingCases)
}

func reportingCases(tb testing.TB, f *fixture) []matrixCase {
	ctx := context.Background()
	f.repSetNow(time.Date(2025, 7, 5, 10, 0, 0, 0, time.UTC))
	var specs []repMeasureSpec
	for i := 1; i <= 9; i++ {
		specs = append(specs, repMeasureSpec{code: "1." + strconv.Itoa(i), body: f.bodyA, start: "2025-01-01", due: "2025-12-31"})
	}
	p, ms, _ := repPlan(tb, f, "Matrix plan", nil, specs)
	c := repCycle(tb, f, p.ID, "2025-Q2", "2025-04-01", "2025-06-30", time.Date(2025, 7, 10, 23, 59, 59, 0, time.UTC))
	toClose := repCycle(tb, f, p.ID, "2025-Q1", "2025-01-01", "2025-03-31", time.Date(2025, 4, 10, 0, 0, 0, 0, time.UTC))
	toCloseAPI := repCycle(tb, f, p.ID, "2024-Q4", "2025-01-01", "2025-01-31", time.Date(2025, 4, 10, 0, 0, 0, 0, time.UTC))
	rep := func(code string, st aldyn.ReportStatus) string {
		return repID(repReport(tb, f, reporterA, &aldyn.Report{CycleID: c.ID, MeasureID: ms[code].ID, Progress: 10}, st).ID)
	}
	draft, submitHTML, submitAPI := rep("1.1", aldyn.ReportDraft), rep("1.2", aldyn.ReportDraft), rep("1.3", aldyn.ReportDraft)
	acceptHTML, returnHTML := rep("1.4", aldyn.ReportSubmitted), rep("1.5", aldyn.ReportSubmitted)
	acceptAPI, returnAPI := rep("1.6", aldyn.ReportSubmitted), rep("1.7", aldyn.ReportSubmitted)
	draftID, _ := strconv.ParseInt(draft, 10, 64)
	// Two files of the draft, on disk where a server without EvidenceDir
	// keeps them.
	dir := filepath.Join(os.TempDir(), "aldyn-evidence")
	os.MkdirAll(dir, 0o750)
	var files []string
	for i := range 2 {
		key := fmt.Sprintf("%016x%016x", time.Now().UnixNano(), i)
		path := filepath.Join(dir, key)
		if err := os.WriteFile(path, []byte(repTinyPDF), 0o600); err != nil {
			tb.Fatal(err)
		}
		tb.Cleanup(func() { os.Remove(path) })
		e := &store.ReportEvidence{ReportID: draftID, FileName: "act.pdf", ContentType: "application/pdf", Size: int64(len(repTinyPDF)),
			SHA256: strings.Repeat("0", 64), StorageKey: key}
		if err := f.db.AddReportEvidence(ctx, f.repActor(reporterA), e); err != nil {
			tb.Fatal(err)
		}
		files = append(files, repID(e.ID))
	}
	n := &store.Notification{BodyID: f.bodyA.ID, Kind: "test", TextKey: "reporting.notify.cycle_opened", Args: map[string]any{"period": "x", "deadline": "y"}}
	if err := f.db.Notify(ctx, aldyn.System, n); err != nil {
		tb.Fatal(err)
	}
	upType, upBody := repUpload(tb, map[string][]byte{"a.pdf": []byte(repTinyPDF)})
	const see, unauth, forbid, notFound, conflict = http.StatusSeeOther, http.StatusUnauthorized, http.StatusForbidden, http.StatusNotFound, http.StatusConflict
	const form, js = "application/x-www-form-urlencoded", "application/json"
	pid, cid := repID(p.ID), repID(c.ID)
	// Coordinator A manages the plan, reporter and coordinator A write
	// body A's reports, and only coordinator A reviews them.
	coordOnly := func(anonStatus, ok int) expect {
		return expect{def: forbid, byRole: map[string]int{anon: anonStatus, coordinator: ok}}
	}
	writers := func(anonStatus, reporter, coord int) expect {
		return expect{def: forbid, byRole: map[string]int{anon: anonStatus, reporterA: reporter, coordinator: coord}}
	}
	formURL := "/cycles/" + cid + "/measures/" + repID(ms["1.1"].ID) + "/report"
	return []matrixCase{
		{method: "GET", path: "/plans/" + pid + "/cycles", route: "/plans/{id}/cycles", want: signedIn(see, 200)},
		{method: "POST", path: "/plans/" + pid + "/cycles", route: "/plans/{id}/cycles", ctype: form,
			body: "period=M-Q3&from=2025-07-01&to=2025-09-30&deadline=2025-10-10", want: coordOnly(unauth, see)},
		{method: "GET", path: "/cycles/" + cid, route: "/cycles/{id}", want: signedIn(see, 200)},
		{method: "POST", path: "/cycles/" + repID(toClose.ID) + "/close", route: "/cycles/{id}/close", want: coordOnly(unauth, see)},
		{method: "GET", path: "/tasks", want: signedIn(see, 200)},
		{method: "GET", path: "/notifications", want: signedIn(see, 200)},
		{method: "POST", path: "/notifications/" + repID(n.ID) + "/read", route: "/notifications/{id}/read",
			want: expect{def: see, byRole: map[string]int{anon: unauth, adminKG: notFound}}},
		{method: "GET", path: formURL, route: "/cycles/{cid}/measures/{mid}/report", want: expect{def: see, byRole: map[string]int{reporterA: 200, coordinator: 200}}},
		{method: "POST", path: formURL, route: "/cycles/{cid}/measures/{mid}/report", ctype: form, body: "progress=15&narrative=Saved&action=save&revision=1",
			want: writers(unauth, see, conflict)}, // the coordinator's save comes after the reporter's
		{method: "GET", path: "/reports/" + draft, route: "/reports/{id}", want: signedIn(see, 200)},
		{method: "POST", path: "/reports/" + submitHTML + "/submit", route: "/reports/{id}/submit", want: writers(unauth, see, conflict)},
		{method: "POST", path: "/reports/" + acceptHTML + "/accept", route: "/reports/{id}/accept", ctype: form, body: "comment=", want: coordOnly(unauth, see)},
		{method: "POST", path: "/reports/" + returnHTML + "/return", route: "/reports/{id}/return", ctype: form, body: "comment=Fix+the+figures", want: coordOnly(unauth, see)},
		{method: "POST", path: "/reports/" + draft + "/evidence", route: "/reports/{id}/evidence", ctype: upType, body: upBody, want: writers(unauth, see, see)},
		{method: "GET", path: "/evidence/" + files[0], route: "/evidence/{id}", want: signedIn(see, 200)},
		{method: "POST", path: "/evidence/" + files[1] + "/delete", route: "/evidence/{id}/delete",
			want: expect{def: notFound, byRole: map[string]int{anon: unauth, reporterA: see}}},
		{method: "GET", path: "/plans/" + pid + "/dashboard", route: "/plans/{id}/dashboard", want: signedIn(see, 200)},

		{method: "GET", path: "/api/v1/plans/" + pid + "/cycles", route: "/api/v1/plans/{id}/cycles", want: signedIn(unauth, 200)},
		{method: "POST", path: "/api/v1/plans/" + pid + "/cycles", route: "/api/v1/plans/{id}/cycles", ctype: js,
			body: `{"period":"API-Q3","from":"2025-07-01","to":"2025-09-30","deadline":"2025-10-10"}`, want: coordOnly(unauth, 201)},
		{method: "POST", path: "/api/v1/cycles/" + repID(toCloseAPI.ID) + "/close", route: "/api/v1/cycles/{id}/close", want: coordOnly(unauth, 200)},
		{method: "GET", path: "/api/v1/tasks", want: signedIn(unauth, 200)},
		{method: "POST", path: "/api/v1/reports", ctype: js, body: fmt.Sprintf(`{"cycle_id":%d,"measure_id":%d}`, c.ID, ms["1.8"].ID),
			want: writers(unauth, 201, conflict)},
		{method: "GET", path: "/api/v1/reports/" + draft, route: "/api/v1/reports/{id}", want: signedIn(unauth, 200)},
		{method: "PUT", path: "/api/v1/reports/" + draft, route: "/api/v1/reports/{id}", ctype: js, body: `{"progress":20,"narrative":"By API","revision":2}`,
			want: writers(unauth, 200, conflict)}, // as the form's: revision 2 is the reporter's form save
		{method: "POST", path: "/api/v1/reports/" + submitAPI + "/submit", route: "/api/v1/reports/{id}/submit", want: writers(unauth, 200, conflict)},
		{method: "POST", path: "/api/v1/reports/" + acceptAPI + "/accept", route: "/api/v1/reports/{id}/accept", want: coordOnly(unauth, 200)},
		{method: "POST", path: "/api/v1/reports/" + returnAPI + "/return", route: "/api/v1/reports/{id}/return", ctype: js, body: `{"comment":"Add the act"}`,
			want: coordOnly(unauth, 200)},
		{method: "POST", path: "/api/v1/reports/" + draft + "/evidence", route: "/api/v1/reports/{id}/evidence", ctype: upType, body: upBody,
			want: writers(unauth, 201, 201)},
		{method: "GET", path: "/api/v1/plans/" + pid + "/dashboard", route: "/api/v1/plans/{id}/dashboard", want: signedIn(unauth, 200)},
		{method: "GET", path: "/api/v1/plans/" + pid + "/report?format=xlsx&lang=ru", route: "/api/v1/plans/{id}/report", want: signedIn(unauth, 200)},
	}
}

// BenchmarkReportingDashboard measures the dashboard API and page of a
// plan with 200 measures and an accepted report on each.
func BenchmarkReportingDashboard(b *testing.B) {
	f, _ := repServer(b)
	f.repSetNow(time.Date(2025, 7, 5, 10, 0, 0, 0, time.UTC))
	var specs []repMeasureSpec
	for i := 1; i <= 200; i++ {
		specs = append(specs, repMeasureSpec{code: fmt.Sprintf("%d.%d", i/10+1, i%10+1), component: "4.1", body: f.bodyA, start: "2025-01-01", due: "2025-12-31",
			budget: []aldyn.BudgetLine{{Source: aldyn.BudgetLocal, AmountKGS: 1000}}})
	}
	p, ms, _ := repPlan(b, f, "Bench plan", nil, specs)
	c := repCycle(b, f, p.ID, "2025-Q2", "2025-04-01", "2025-06-30", time.Date(2025, 7, 10, 23, 59, 59, 0, time.UTC))
	for _, m := range ms {
		repReport(b, f, reporterA, &aldyn.Report{CycleID: c.ID, MeasureID: m.ID, Progress: 50,
			Spent: []aldyn.BudgetLine{{Source: aldyn.BudgetLocal, AmountKGS: 400}}}, aldyn.ReportAccepted)
	}
	for _, path := range []string{"/api/v1/plans/" + repID(p.ID) + "/dashboard", "/plans/" + repID(p.ID) + "/dashboard", "/tasks"} {
		b.Run(path, func(b *testing.B) {
			for b.Loop() {
				resp := f.do(b, coordinator, "GET", path, "", "")
				io.Copy(io.Discard, resp.Body)
				if resp.StatusCode != 200 {
					b.Fatalf("status %d", resp.StatusCode)
				}
			}
		})
	}
}

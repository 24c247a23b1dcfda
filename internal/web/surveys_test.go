package web_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"html"
	"math"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/i18n"
	"github.com/aldyn-kg/aldyn/internal/surveyform"
	"github.com/aldyn-kg/aldyn/internal/surveys"
)

type surveyData struct {
	running, draft *aldyn.Survey // national surveys: the standard one collecting, a draft
}

// mustSurveyData makes a national standard survey that is collecting, with
// demo responses in districts A and B, and a national draft.
func mustSurveyData(tb testing.TB, f *fixture) *surveyData {
	tb.Helper()
	ctx := context.Background()
	d := &surveyData{running: surveys.Standard("national-2026", "41700000000000"), draft: surveys.Standard("draft-2026", "41700000000000")}
	d.running.OnePer = aldyn.OnePerNone
	for _, sv := range []*aldyn.Survey{d.running, d.draft} {
		if err := f.db.CreateSurvey(ctx, aldyn.System, sv); err != nil {
			tb.Fatal(err)
		}
	}
	d.running.Status = aldyn.SurveyRunning
	if err := f.db.UpdateSurvey(ctx, aldyn.System, d.running.ID, d.running); err != nil {
		tb.Fatal(err)
	}
	rs := surveys.Demo(surveys.DemoWave{Wave: "2026", Respondents: 400, WomenSafeNight: 0.47, ReportingRate: 0.38, PoliceTrustBase: 0.4},
		[]surveys.District{{Code: codeA, Population: 190000}, {Code: codeB, Population: 280000}}, 7)
	if _, err := f.db.AddResponses(ctx, aldyn.System, d.running.ID, rs); err != nil {
		tb.Fatal(err)
	}
	return d
}

func surveyID(sv *aldyn.Survey) string { return strconv.FormatInt(sv.ID, 10) }

// badXLSForm is an XLSForm whose one question asks for a phone number.
func badXLSForm(tb testing.TB) []byte {
	tb.Helper()
	sv := &aldyn.Survey{Slug: "bad-form", FormID: "bad_form", Title: aldyn.Text{EN: "Bad"}, Version: 1,
		Questions: []aldyn.SurveyQuestion{{Name: "contact", Type: aldyn.QuestionText, Label: aldyn.Text{EN: "Your phone number"}}}}
	var b bytes.Buffer
	if err := surveyform.Write(&b, sv); err != nil {
		tb.Fatal(err)
	}
	return b.Bytes()
}

// multipartFile is an upload form: content as the field "file" named
// filename, and fields beside it.
func multipartFile(tb testing.TB, filename string, content []byte, fields map[string]string) (string, string) {
	tb.Helper()
	return mustMultipart(tb, fields, formFile{"file", filename, content})
}

func init() {
	moduleCases = append(moduleCases, func(tb testing.TB, f *fixture) []matrixCase {
		d := mustSurveyData(tb, f)
		const see, unauth, forbid, notFound, bad = http.StatusSeeOther, http.StatusUnauthorized, http.StatusForbidden, http.StatusNotFound, http.StatusBadRequest
		// designers: coordinators, analysts and administrators.
		designs := func(anonStatus, ok int) expect {
			return expect{def: ok, byRole: map[string]int{anon: anonStatus, reporterA: forbid}}
		}
		// the national survey is designed by the national administrator only.
		nationalOnly := func(anonStatus, ok int) expect {
			return expect{def: forbid, byRole: map[string]int{anon: anonStatus, adminKG: ok}}
		}
		draftSigned := expect{def: 200, byRole: map[string]int{anon: notFound}}
		xType, xBody := multipartFile(tb, "bad.xlsx", badXLSForm(tb), nil)
		r, dr := surveyID(d.running), surveyID(d.draft)
		badCSV := "sex,age_group\nx,18-24\n"
		return []matrixCase{
			{method: "GET", path: "/surveys", want: all(200)},
			{method: "POST", path: "/surveys/xlsform", ctype: xType, body: xBody, want: designs(unauth, bad)},
			{method: "POST", path: "/surveys/standard", ctype: "application/x-www-form-urlencoded", body: "", want: designs(unauth, see)},
			{method: "POST", path: "/surveys/" + dr + "/status", route: "/surveys/{id}/status", ctype: "application/x-www-form-urlencoded", body: "status=draft",
				want: expect{def: forbid, byRole: map[string]int{anon: unauth, reporterA: forbid, adminKG: see}}},
			{method: "GET", path: "/surveys/national-2026", route: "/surveys/{slug}", want: all(200)},
			{method: "GET", path: "/surveys/draft-2026", route: "/surveys/{slug}", want: draftSigned},
			{method: "POST", path: "/surveys/national-2026", route: "/surveys/{slug}", ctype: "application/x-www-form-urlencoded", body: "sex=x", want: all(bad)},
			{method: "GET", path: "/trust-index", want: all(200)},
			{method: "GET", path: "/api/v1/surveys", want: all(200)},
			{method: "POST", path: "/api/v1/surveys/xlsform", ctype: xType, body: xBody, want: designs(unauth, bad)},
			{method: "GET", path: "/api/v1/surveys/" + r, route: "/api/v1/surveys/{id}", want: all(200)},
			{method: "GET", path: "/api/v1/surveys/" + dr, route: "/api/v1/surveys/{id}", want: draftSigned},
			{method: "GET", path: "/api/v1/surveys/" + r + "/xlsform", route: "/api/v1/surveys/{id}/xlsform", want: all(200)},
			{method: "POST", path: "/api/v1/surveys/" + dr + "/status", route: "/api/v1/surveys/{id}/status", ctype: "application/json", body: `{"status":"draft"}`,
				want: nationalOnly(unauth, 200)},
			{method: "GET", path: "/api/v1/surveys/" + r + "/responses", route: "/api/v1/surveys/{id}/responses", want: signedIn(unauth, 200)},
			{method: "POST", path: "/api/v1/surveys/" + r + "/responses", route: "/api/v1/surveys/{id}/responses", ctype: "text/csv", body: badCSV, want: designs(unauth, bad)},
			{method: "GET", path: "/api/v1/surveys/" + r + "/estimates?question=safe_night", route: "/api/v1/surveys/{id}/estimates", want: signedIn(unauth, 200)},
			{method: "GET", path: "/api/v1/trust-index", want: all(200)},
			{method: "POST", path: "/api/v1/surveys/" + r + "/weighting?wave=2026", route: "/api/v1/surveys/{id}/weighting", ctype: "text/csv",
				body: "variable,category,population\nsex,f,1\n", want: expect{def: forbid, byRole: map[string]int{anon: unauth, adminKG: bad}}},
			{method: "GET", path: "/victimization", want: all(200)},
			{method: "GET", path: "/api/v1/victimization", want: all(200)},
			{method: "GET", path: "/scorecards", want: all(200)},
			{method: "GET", path: "/scorecards?format=xlsx", route: "/scorecards", want: all(200)},
			{method: "GET", path: "/api/v1/scorecards", want: all(200)},
			{method: "GET", path: "/scorecards/units/" + codeA, route: "/scorecards/units/{code}", want: all(200)},
			{method: "GET", path: "/scorecards/units/nowhere", route: "/scorecards/units/{code}", want: all(notFound)},
		}
	})
}

func decodeInto(tb testing.TB, resp *http.Response, v any) {
	tb.Helper()
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		tb.Fatal(err)
	}
}

// A district coordinator sees its district's responses only, and
// estimates over them; the public sees the trust index, not responses.
func TestSurveyScope(t *testing.T) {
	f := mustFixture(t)
	d := mustSurveyData(t, f)
	var list struct {
		Items []aldyn.SurveyResponse `json:"items"`
		Total int                    `json:"total"`
	}
	decodeInto(t, f.do(t, coordinator, "GET", "/api/v1/surveys/"+surveyID(d.running)+"/responses?limit=500", "", ""), &list)
	if list.Total == 0 || list.Total >= 400 {
		t.Fatalf("district A coordinator: got %d responses, want district A's only (some of 400)", list.Total)
	}
	for _, r := range list.Items {
		if r.TerritoryCode != codeA {
			t.Errorf("district A coordinator got a response of %s", r.TerritoryCode)
		}
	}
	var all struct{ Total int }
	decodeInto(t, f.do(t, adminKG, "GET", "/api/v1/surveys/"+surveyID(d.running)+"/responses", "", ""), &all)
	if all.Total != 400 {
		t.Errorf("national administrator: got %d responses, want 400", all.Total)
	}
	var est struct {
		Items []surveys.Row `json:"items"`
	}
	decodeInto(t, f.do(t, coordinator, "GET", "/api/v1/surveys/"+surveyID(d.running)+"/estimates?question=safe_night&by=territory", "", ""), &est)
	for _, r := range est.Items {
		if r.Group != codeA {
			t.Errorf("district A coordinator's estimate by territory has group %s", r.Group)
		}
	}
	var trust struct {
		Definition string
		Items      []map[string]any
	}
	decodeInto(t, f.do(t, anon, "GET", "/api/v1/trust-index?body_type=police", "", ""), &trust)
	if trust.Definition == "" || len(trust.Items) != 3 { // the whole country, district A, district B
		t.Fatalf("public trust index: got %+v, want 3 police rows and the definition", trust)
	}
	for _, r := range trust.Items {
		if _, ok := r["answers"]; ok {
			t.Error("the public trust index carries answers")
		}
		if v, ok := r["value"].(float64); ok && (v < 0 || v > 100 || r["unweighted_n"].(float64) < 30) {
			t.Errorf("trust row %v: a value outside 0–100 or from fewer than 30 respondents", r)
		}
	}
}

func TestSurveyXLSFormAndImport(t *testing.T) {
	f := mustFixture(t)
	// The bad XLSForm: the phone question is reported with its cell.
	ct, body := multipartFile(t, "bad.xlsx", badXLSForm(t), nil)
	resp := f.do(t, adminKG, "POST", "/api/v1/surveys/xlsform", ct, body)
	var problems struct {
		Problems []struct {
			Sheet, Column, Reason string
			Row                   int
		}
	}
	decodeInto(t, resp, &problems)
	if resp.StatusCode != http.StatusBadRequest || len(problems.Problems) != 1 || problems.Problems[0].Sheet != "survey" ||
		problems.Problems[0].Row != 2 || problems.Problems[0].Column != "label::English (en)" {
		t.Fatalf("got %d %+v, want the phone question's label cell (survey row 2)", resp.StatusCode, problems)
	}
	// The standard survey through XLSForm: created, then started.
	var b bytes.Buffer
	if err := surveyform.Write(&b, surveys.Standard("kobo-2026", "41700000000000")); err != nil {
		t.Fatal(err)
	}
	ct, body = multipartFile(t, "standard.xlsx", b.Bytes(), map[string]string{"territory": "41700000000000"})
	resp = f.do(t, adminKG, "POST", "/api/v1/surveys/xlsform", ct, body)
	var sv aldyn.Survey
	decodeInto(t, resp, &sv)
	if resp.StatusCode != http.StatusCreated || len(sv.Questions) == 0 {
		t.Fatalf("got %d, want 201 with the questions", resp.StatusCode)
	}
	id := surveyID(&sv)
	if resp := f.do(t, adminKG, "POST", "/api/v1/surveys/"+id+"/status", "application/json", `{"status":"running"}`); resp.StatusCode != 200 {
		t.Fatalf("start: got %d", resp.StatusCode)
	}
	csv := "district,sex,age_group,settlement_type,safe_day,safe_night,victim_12m,reported,why_not,domestic_violence,trust_police,trust_courts,trust_prosecutors,trust_lsg,trust_ayil_okmotu,inspector_known,_uuid\n" +
		codeA + ",f,25-34,rural,very_safe,rather_unsafe,none,,,no,rather_trust,neutral,neutral,neutral,neutral,no,u1\n" +
		codeB + ",m,35-44,urban,very_safe,very_safe,none,,,no,fully_trust,neutral,neutral,neutral,neutral,no,u2\n"
	var res struct{ Added, Skipped int }
	resp = f.do(t, adminKG, "POST", "/api/v1/surveys/"+id+"/responses?wave=2026", "text/csv", csv)
	decodeInto(t, resp, &res)
	if resp.StatusCode != 200 || res.Added != 2 {
		t.Fatalf("import: got %d %+v, want 2 added", resp.StatusCode, res)
	}
	resp = f.do(t, adminKG, "POST", "/api/v1/surveys/"+id+"/responses?wave=2026", "text/csv", csv)
	decodeInto(t, resp, &res)
	if res.Added != 0 || res.Skipped != 2 {
		t.Errorf("re-import: got %+v, want nothing added", res)
	}
	// A district A coordinator may not import district B's respondents: nothing is kept.
	csvB := strings.ReplaceAll(strings.ReplaceAll(csv, "u1", "u3"), "u2", "u4")
	if resp := f.do(t, coordinator, "POST", "/api/v1/surveys/"+id+"/responses?wave=2026", "text/csv", csvB); resp.StatusCode != http.StatusForbidden {
		t.Errorf("district A coordinator importing district B: got %d, want 403", resp.StatusCode)
	}
	var all struct{ Total int }
	decodeInto(t, f.do(t, adminKG, "GET", "/api/v1/surveys/"+id+"/responses", "", ""), &all)
	if all.Total != 2 {
		t.Errorf("got %d responses, want 2", all.Total)
	}
	// The running survey's questions are locked: XLSForm export still gives them.
	if resp := f.do(t, anon, "GET", "/api/v1/surveys/"+id+"/xlsform", "", ""); resp.StatusCode != 200 ||
		!strings.Contains(resp.Header.Get("Content-Type"), "spreadsheetml") {
		t.Errorf("XLSForm export: got %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
}

// The public form keeps one response per device, drops answers to skipped
// questions and refuses free text shaped like a phone number.
func TestSurveyPublicForm(t *testing.T) {
	f := mustFixture(t)
	ctx := context.Background()
	sv := mustRunningSurvey(t, f, "device-2026", aldyn.OnePerDevice)
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	if resp, err := client.Get(f.srv.URL + "/surveys/device-2026"); err != nil || resp.StatusCode != 200 {
		t.Fatalf("form: %v %v", resp, err)
	}
	form := url.Values{"district": {codeA}, "sex": {"f"}, "age_group": {"25-34"}, "settlement_type": {"rural"}, "safe_day": {"very_safe"},
		"safe_night": {"rather_unsafe"}, "victim_12m": {"theft", "fraud"}, "times_theft": {"1"}, "times_fraud": {"2"}, "times_robbery": {"5"},
		"reported": {"no"}, "why_not": {"other"}, "why_not_other": {"позвоните +996 555 123 456"}, "domestic_violence": {"no"},
		"trust_police": {"rather_trust"}, "trust_courts": {"neutral"}, "trust_prosecutors": {"neutral"}, "trust_lsg": {"neutral"},
		"trust_ayil_okmotu": {"neutral"}, "inspector_known": {"no"}}
	post := func() *http.Response {
		resp, err := client.PostForm(f.srv.URL+"/surveys/device-2026", form)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	if resp := post(); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("a phone number in free text: got %d, want 400", resp.StatusCode)
	}
	form.Set("why_not_other", "не поверят")
	if resp := post(); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("submit: got %d, want 303", resp.StatusCode)
	}
	if resp := post(); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("the same device again: got %d, want 400", resp.StatusCode)
	}
	rs, _, err := f.db.FindResponses(ctx, aldyn.ResponseFilter{SurveyID: sv.ID})
	if err != nil || len(rs) != 1 {
		t.Fatalf("got %d responses (%v), want 1", len(rs), err)
	}
	a := rs[0].Answers
	if _, ok := a["times_robbery"]; ok {
		t.Error("the answer to a skipped question (robbery not selected) was kept")
	}
	if a["victim_12m"] != "theft fraud" || a["why_not_other"] != "не поверят" || rs[0].Source != aldyn.ResponseWeb || rs[0].Version != 1 {
		t.Errorf("got %+v", rs[0])
	}
}

func TestSurveyWeighting(t *testing.T) {
	f := mustFixture(t)
	d := mustSurveyData(t, f)
	id := surveyID(d.running)
	margins := "variable,category,population\nterritory," + codeA + ",190000\nterritory," + codeB + ",280000\nsex,f,240000\nsex,m,230000\n"
	resp := f.do(t, adminKG, "POST", "/api/v1/surveys/"+id+"/weighting?wave=2026&cap=5", "text/csv", margins)
	var res struct {
		Converged bool
		After     struct {
			DesignEffect float64 `json:"design_effect"`
			EffectiveN   float64 `json:"effective_n"`
		}
	}
	decodeInto(t, resp, &res)
	if resp.StatusCode != 200 || !res.Converged || res.After.EffectiveN <= 0 || res.After.EffectiveN > 400 {
		t.Fatalf("got %d %+v", resp.StatusCode, res)
	}
	var women float64
	rs, _, err := f.db.FindResponses(context.Background(), aldyn.ResponseFilter{SurveyID: d.running.ID, Page: aldyn.Page{Limit: aldyn.MaxLimit}})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rs {
		if r.Answers["sex"] == "f" {
			women += r.Weight
		}
		if r.DesignWeight == r.Weight {
			t.Fatalf("response %d: weight left at its design weight", r.ID)
		}
	}
	if women < 239000 || women > 241000 {
		t.Errorf("weighted women: got %.0f, want 240,000", women)
	}
	bad := f.do(t, adminKG, "POST", "/api/v1/surveys/"+id+"/weighting?wave=2026", "text/csv", "variable,category,population\nsex,f,lots\n")
	var problems struct{ Problems []struct{ Row int } }
	decodeInto(t, bad, &problems)
	if bad.StatusCode != 400 || len(problems.Problems) != 1 || problems.Problems[0].Row != 2 {
		t.Errorf("a bad population: got %d %+v, want row 2 reported", bad.StatusCode, problems)
	}
}

// A plan indicator takes its values from a survey: women of district A
// who feel safe after dark, per wave, computed from the responses.
func TestIndicatorComputedFromSurvey(t *testing.T) {
	w := mustPlanWorld(t)
	mustSurveyData(t, w.fixture)
	if w.council == nil {
		w.council = mustPlanBody(t, w.fixture, codeA, "coordination_commission", "Survey commission")
		w.coordA = w.actorOf(t, coordinator, aldyn.RoleCoordinator, w.bodyA, codeA)
	}
	p := w.mustPlan(t, "Survey indicators", w.bodyA.ID)
	ind := &aldyn.Indicator{PlanID: p.ID, Code: "1", Name: aldyn.Text{EN: "Women who feel safe after dark"}, Unit: "%", Kind: aldyn.IndicatorPercent,
		Source: aldyn.IndicatorSurvey, Numerator: "survey:national-2026:safe_night=very_safe,rather_safe;sex=f", Disaggregation: aldyn.DisaggregationNone,
		Frequency: aldyn.FrequencyAnnual, BaselineValue: 47, BaselineYear: 2026, HigherIsBetter: true, Verification: aldyn.Text{EN: "Survey"},
		Targets: []aldyn.IndicatorTarget{{Year: 2028, Value: 55}}}
	if err := w.db.CreateIndicator(context.Background(), w.coordA, ind); err != nil {
		t.Fatal(err)
	}
	var vals []aldyn.IndicatorValue
	resp := w.do(t, coordinator, "POST", "/api/v1/indicators/"+idStr(ind.ID)+"/compute", "", "")
	if err := json.Unmarshal([]byte(readBody(t, resp)), &vals); err != nil || resp.StatusCode != 200 {
		t.Fatalf("compute: %d %v", resp.StatusCode, err)
	}
	// The demo responses of district A: 47 % of its women feel safe after dark (±2 pp, cells rounded).
	if len(vals) != 1 || vals[0].Period != "2026" || vals[0].Value < 42 || vals[0].Value > 52 {
		t.Fatalf("values %+v, want 2026 ≈ 47", vals)
	}
	bad := *ind
	bad.ID, bad.Code, bad.Numerator = 0, "2", "survey:national-2026:safe_night"
	if err := w.db.CreateIndicator(context.Background(), w.coordA, &bad); aldyn.ErrorCode(err) != aldyn.EINVALID {
		t.Errorf("a malformed survey measure: got %v, want EINVALID", err)
	}
	// The indicator's page shows each wave's estimate with its interval,
	// as the survey's estimates give them.
	ests, err := surveys.IndicatorEstimates(context.Background(), w.db, p, ind)
	if err != nil || len(ests) != 1 || ests[0].CILow == nil {
		t.Fatalf("estimates: %+v, %v", ests, err)
	}
	loc := i18n.For("ru")
	page := readBody(t, w.send(t, coordinator, "GET", "/indicators/"+idStr(ind.ID), nil, map[string]string{"Accept-Language": "ru"}))
	for _, want := range []string{loc.T("plans.indicator.survey_waves"), "<td>2026</td>", loc.Decimal(*ests[0].Estimate, 1),
		loc.Decimal(*ests[0].CILow, 1) + "–" + loc.Decimal(*ests[0].CIHigh, 1)} {
		if !strings.Contains(page, want) {
			t.Errorf("the indicator page does not show %q", want)
		}
	}
}

// scorecardsAnswer is the answer of /api/v1/scorecards, the fields the
// tests read.
type scorecardsAnswer struct {
	Wave  string
	Items []struct {
		TerritoryCode string              `json:"territory_code"`
		Values        map[string]*float64 `json:"values"`
		Score         *float64
		Grade         string
		Respondents   int
		Survey        map[string]*struct {
			CILow  *float64 `json:"ci_low"`
			CIHigh *float64 `json:"ci_high"`
		} `json:"survey"`
	}
}

// getScorecards reads the latest wave's scorecards as a visitor.
func getScorecards(t *testing.T, f *fixture) scorecardsAnswer {
	t.Helper()
	var d scorecardsAnswer
	decodeInto(t, f.do(t, anon, "GET", "/api/v1/scorecards", "", ""), &d)
	return d
}

func TestScorecards(t *testing.T) {
	f := mustFixture(t)
	mustSurveyData(t, f)
	d := getScorecards(t, f)
	if d.Wave != "2026" || len(d.Items) != 2 {
		t.Fatalf("got %+v, want districts A and B of wave 2026", d)
	}
	for _, it := range d.Items {
		if it.Respondents < 30 || it.Score == nil || it.Values["trust"] == nil || it.Grade == "" {
			t.Errorf("%s: got %+v, want a score from its respondents' trust", it.TerritoryCode, it)
		}
	}
	resp := f.do(t, anon, "GET", "/scorecards?format=xlsx", "", "")
	if resp.StatusCode != 200 || !strings.Contains(resp.Header.Get("Content-Type"), "spreadsheetml") {
		t.Errorf("XLSX: got %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
}

// TestScorecardUnitPage: each unit of the scorecards table has a public
// page showing the same score, every component with its weight and the
// survey components' intervals, in the reader's language; a unit without
// a scorecard is not found.
func TestScorecardUnitPage(t *testing.T) {
	f := mustFixture(t)
	mustSurveyData(t, f)
	d := getScorecards(t, f)
	if len(d.Items) == 0 {
		t.Fatal("no scorecards")
	}
	list := readBody(t, f.send(t, anon, "GET", "/scorecards", nil, map[string]string{"Accept-Language": "ru"}))
	for _, it := range d.Items {
		if !strings.Contains(list, `href="/scorecards/units/`+it.TerritoryCode+`?wave=`+d.Wave+`"`) {
			t.Errorf("the scorecards table does not link %s's page", it.TerritoryCode)
		}
		for _, lang := range []string{"ky", "ru"} {
			resp := f.send(t, anon, "GET", "/scorecards/units/"+it.TerritoryCode, nil, map[string]string{"Accept-Language": lang})
			page := readBody(t, resp)
			if resp.StatusCode != 200 {
				t.Fatalf("%s %s: got %d", lang, it.TerritoryCode, resp.StatusCode)
			}
			loc := i18n.For(lang)
			for _, c := range []string{"trust", "satisfaction", "local_assessment", "solved", "offense_change", "reports_on_time"} {
				if !strings.Contains(page, html.EscapeString(loc.T("surveys.score.component."+c))) {
					t.Errorf("%s %s: component %s not named", lang, it.TerritoryCode, c)
				}
			}
			if it.Score == nil || !strings.Contains(page, "<strong>"+loc.Decimal(*it.Score, 1)+"</strong>") {
				t.Errorf("%s %s: the score %v is not shown as on the table", lang, it.TerritoryCode, it.Score)
			}
			if tr := it.Survey["trust"]; tr == nil || tr.CILow == nil || !strings.Contains(page, loc.Decimal(*tr.CILow, 1)+"–"+loc.Decimal(*tr.CIHigh, 1)) {
				t.Errorf("%s %s: trust's interval not shown", lang, it.TerritoryCode)
			}
		}
	}
	resp := f.send(t, anon, "GET", "/scorecards/units/nowhere", nil, map[string]string{"Accept-Language": "ru"})
	if page := readBody(t, resp); resp.StatusCode != 404 || !strings.Contains(page, i18n.For("ru").T("surveys.score.unit_not_found")) {
		t.Errorf("unknown unit: got %d", resp.StatusCode)
	}
}

// TestScorecardsResidentReports checks the scorecard's share of residents'
// reports answered on time against fixture reports counted by hand.
func TestScorecardsResidentReports(t *testing.T) {
	f := mustFixture(t)
	mustSurveyData(t, f)
	ctx := context.Background()
	f.repSetNow(time.Date(2026, 6, 15, 12, 0, 0, 0, time.UTC))
	police := mustResidentCategory(t, f, "disorder_public")
	day := func(m time.Month, d int) time.Time { return time.Date(2026, m, d, 9, 0, 0, 0, time.UTC) }
	report := func(territory string, created time.Time, status aldyn.ResidentStatus, answered *time.Time) *aldyn.ResidentReport {
		r := &aldyn.ResidentReport{CategoryID: police.ID, TerritoryCode: territory, Description: "Түнкүсүн аялдаманын жанында мушташ болот",
			Status: status, AnsweredAt: answered, CreatedAt: created, Lang: "ky", Source: "web"}
		if status.Closed() {
			r.Answer = "Патрулдук кароо күчөтүлдү"
		}
		return r
	}
	due := func(created time.Time) time.Time { return aldyn.AddWorkingDays(created, police.DeadlineDays) }
	at := func(t time.Time) *time.Time { return &t }
	var onTime, late, overdue, ignored []*aldyn.ResidentReport
	for i := range 3 { // answered a day or two after they were made
		c := day(3, 2+i)
		onTime = append(onTime, report(codeA, c, aldyn.ResidentAnswered, at(c.AddDate(0, 0, 1))))
	}
	onTime = append(onTime, report(codeA, day(3, 9), aldyn.ResidentAnswered, at(due(day(3, 9)).Add(23*time.Hour)))) // late on the due day
	for i := range 2 {                                                                                              // answered three days after the due day
		c := day(4, 6+i)
		late = append(late, report(codeA, c, aldyn.ResidentAnswered, at(due(c).AddDate(0, 0, 3))))
	}
	overdue = append(overdue, report(codeA, day(4, 1), aldyn.ResidentReceived, nil))                                               // still open, due in April
	ignored = append(ignored, report(codeA, day(6, 12), aldyn.ResidentInProgress, nil))                                            // open, not yet due
	ignored = append(ignored, report(codeA, day(3, 2).AddDate(-1, 0, 0), aldyn.ResidentAnswered, at(day(3, 3).AddDate(-1, 0, 0)))) // the year before
	lateB := report(codeB, day(2, 2), aldyn.ResidentAnswered, at(due(day(2, 2)).AddDate(0, 0, 1)))
	all := append(append(append(append([]*aldyn.ResidentReport{lateB}, onTime...), late...), overdue...), ignored...)
	if err := f.db.LoadResidentReports(ctx, aldyn.System, all); err != nil {
		t.Fatal(err)
	}
	var d struct {
		Components []struct {
			Key    string
			Weight float64
		}
		Items []struct {
			TerritoryCode string              `json:"territory_code"`
			Values        map[string]*float64 `json:"values"`
			Reports       int                 `json:"reports"`
			ReportsFew    bool                `json:"reports_few"`
		}
	}
	decodeInto(t, f.do(t, anon, "GET", "/api/v1/scorecards", "", ""), &d)
	weighted := false
	for _, c := range d.Components {
		weighted = weighted || (c.Key == "reports_on_time" && c.Weight > 0)
	}
	if !weighted {
		t.Errorf("components %+v: want reports_on_time with a published weight", d.Components)
	}
	counted := len(onTime) + len(late) + len(overdue)
	want := map[string][2]float64{codeA: {float64(counted), 100 * float64(len(onTime)) / float64(counted)}, codeB: {1, 0}}
	for _, it := range d.Items {
		w := want[it.TerritoryCode]
		v := it.Values["reports_on_time"]
		if it.Reports != int(w[0]) || v == nil || math.Abs(*v-w[1]) > 0.05 || !it.ReportsFew {
			t.Errorf("%s: got %d reports, share %v, few %v; want %v reports, share %.1f, flagged as too few", it.TerritoryCode, it.Reports, v, it.ReportsFew, w[0], w[1])
		}
	}
	resp := f.do(t, anon, "GET", "/scorecards?format=csv&sep=comma", "", "")
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(readBody(t, resp), "\ufeff"))).ReadAll()
	if err != nil || len(rows) != 3 || len(rows[0]) != 1+len(d.Components)+10 {
		t.Fatalf("CSV: got %v %v, want a header and two units with the reports' count and flag", rows, err)
	}
	for _, row := range rows[1:] {
		// … reports, too few, then the report-back meetings per precinct,
		// held and precincts, then the local ratings and their flag.
		if n := row[len(row)-7]; n != strconv.Itoa(counted) && n != "1" || row[len(row)-6] == "" {
			t.Errorf("CSV row %v: want the reports' count and the too-few flag", row)
		}
	}
}

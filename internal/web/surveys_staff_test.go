package web_test

import (
	"context"
	"encoding/csv"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/i18n"
	"github.com/aldyn-kg/aldyn/internal/surveys"
)

// mustInvitationSurvey makes a national standard survey that takes one
// response per invitation code, collecting, with demo responses in
// districts A and B.
func mustInvitationSurvey(tb testing.TB, f *fixture, slug string) *aldyn.Survey {
	tb.Helper()
	ctx := context.Background()
	sv := mustRunningSurvey(tb, f, slug, aldyn.OnePerInvitation)
	rs := surveys.Demo(surveys.DemoWave{Wave: "2026", Respondents: 200, WomenSafeNight: 0.47, ReportingRate: 0.38, PoliceTrustBase: 0.4},
		[]surveys.District{{Code: codeA, Population: 190000}, {Code: codeB, Population: 280000}}, 3)
	if _, err := f.db.AddResponses(ctx, aldyn.System, sv.ID, rs); err != nil {
		tb.Fatal(err)
	}
	return sv
}

func init() {
	moduleCases = append(moduleCases, func(tb testing.TB, f *fixture) []matrixCase {
		sv := mustInvitationSurvey(tb, f, "staff-pages-2026")
		id := surveyID(sv)
		const see, unauth, forbid, bad = http.StatusSeeOther, http.StatusUnauthorized, http.StatusForbidden, http.StatusBadRequest
		const form = "application/x-www-form-urlencoded"
		return []matrixCase{
			{method: "GET", path: "/surveys/" + id + "/design", route: "/surveys/{id}/design", want: signedIn(see, 200)},
			{method: "GET", path: "/surveys/" + id + "/responses", route: "/surveys/{id}/responses", want: signedIn(see, 200)},
			{method: "GET", path: "/surveys/" + id + "/responses?format=csv", route: "/surveys/{id}/responses", want: signedIn(see, 200)},
			{method: "GET", path: "/surveys/" + id + "/estimates?question=safe_night&by=territory&wave=2026", route: "/surveys/{id}/estimates", want: signedIn(see, 200)},
			// Only designers whose territory covers the (national) survey.
			{method: "POST", path: "/surveys/" + id + "/invitations", route: "/surveys/{id}/invitations", ctype: form, body: "count=2",
				want: expect{def: forbid, byRole: map[string]int{anon: unauth, adminKG: 200}}},
			{method: "GET", path: "/scorecards/weights", want: adminOnly(see, forbid, 200)},
			{method: "POST", path: "/scorecards/weights", ctype: form, body: "weight.trust=2", want: adminOnly(unauth, forbid, bad)},
		}
	})
}

// Invitation codes are generated as a CSV, each taken once: a second
// response with the same code is refused, as is a code never issued.
func TestSurveyInvitationCodes(t *testing.T) {
	f := mustFixture(t)
	sv := mustInvitationSurvey(t, f, "invited-2026")
	id := surveyID(sv)
	resp := f.do(t, adminKG, "POST", "/surveys/"+id+"/invitations", "application/x-www-form-urlencoded", "count=3")
	body := readBody(t, resp)
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/csv") {
		t.Fatalf("generate: got %d %s", resp.StatusCode, body)
	}
	rows, err := csv.NewReader(strings.NewReader(body)).ReadAll()
	if err != nil || len(rows) != 4 || rows[0][0] != "code" {
		t.Fatalf("generated CSV: got %v (%v), want a header and 3 codes", rows, err)
	}
	seen := map[string]bool{}
	for _, r := range rows[1:] {
		if seen[r[0]] || len(r[0]) != 11 {
			t.Errorf("code %q repeated or not of 11 characters", r[0])
		}
		seen[r[0]] = true
	}
	if issued, used, err := f.db.SurveyInvitationCounts(context.Background(), sv.ID); err != nil || issued != 3 || used != 0 {
		t.Fatalf("counts: got %d issued, %d used (%v), want 3, 0", issued, used, err)
	}
	answers := url.Values{"district": {codeA}, "sex": {"f"}, "age_group": {"25-34"}, "settlement_type": {"rural"}, "safe_day": {"very_safe"},
		"safe_night": {"rather_unsafe"}, "victim_12m": {"none"}, "domestic_violence": {"no"}, "trust_police": {"rather_trust"},
		"trust_courts": {"neutral"}, "trust_prosecutors": {"neutral"}, "trust_lsg": {"neutral"}, "trust_ayil_okmotu": {"neutral"}, "inspector_known": {"no"}}
	submit := func(code string) *http.Response {
		a := url.Values{}
		for k, v := range answers {
			a[k] = v
		}
		if code != "" {
			a.Set("invitation", code)
		}
		return f.doEn(t, anon, "POST", "/surveys/invited-2026", "application/x-www-form-urlencoded", a.Encode())
	}
	code := rows[1][0]
	if r := submit(code); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("first use of a code: got %d %s, want 303", r.StatusCode, readBody(t, r))
	}
	for name, tc := range map[string]struct{ code, want string }{
		"second use":   {code, "surveys.error.already_answered"},
		"never issued": {"ZZZZZ-ZZZZZ", "surveys.error.invitation_unknown"},
		"no code":      {"", "surveys.error.invitation_required"},
	} {
		r := submit(tc.code)
		page := readBody(t, r)
		if r.StatusCode != http.StatusBadRequest || !strings.Contains(page, i18n.For("en").T(tc.want)) {
			t.Errorf("%s: got %d, want 400 with %q", name, r.StatusCode, tc.want)
		}
	}
	if _, used, err := f.db.SurveyInvitationCounts(context.Background(), sv.ID); err != nil || used != 1 {
		t.Errorf("used codes: got %d (%v), want 1", used, err)
	}
	_, total, err := f.db.FindResponses(context.Background(), aldyn.ResponseFilter{SurveyID: sv.ID, Under: "/"})
	if err != nil || total != 201 {
		t.Errorf("responses: got %d (%v), want the 200 imported and 1 by code", total, err)
	}
	// Bad requests: a count out of range, and codes for a survey without invitations.
	for _, c := range []string{"count=0", "count=10001", "count=x"} {
		if r := f.do(t, adminKG, "POST", "/surveys/"+id+"/invitations", "application/x-www-form-urlencoded", c); r.StatusCode != http.StatusBadRequest {
			t.Errorf("%s: got %d, want 400", c, r.StatusCode)
		}
	}
	d := mustSurveyData(t, f)
	if r := f.do(t, adminKG, "POST", "/surveys/"+surveyID(d.running)+"/invitations", "application/x-www-form-urlencoded", "count=2"); r.StatusCode != http.StatusBadRequest {
		t.Errorf("codes for a survey without invitations: got %d, want 400", r.StatusCode)
	}
}

// The staff pages of a survey: the design shows skip logic in words; a
// district coordinator's responses and their export hold its district's
// only; estimates withhold cells under the minimum respondents.
func TestSurveyStaffPages(t *testing.T) {
	f := mustFixture(t)
	d := mustSurveyData(t, f)
	id := surveyID(d.running)
	design := readBody(t, f.doEn(t, adminKG, "GET", "/surveys/"+id+"/design", "", ""))
	q := d.running.Question("reported")
	if q == nil || q.Relevant == "" {
		t.Fatal("the standard survey has no skip logic on reported")
	}
	if strings.Contains(design, "${") || !strings.Contains(design, i18n.For("en").T("surveys.staff.asked_when")) {
		t.Error("the design page shows skip logic as raw ${…} references or not at all")
	}
	page := readBody(t, f.doEn(t, coordinator, "GET", "/surveys/"+id+"/responses?limit=500", "", ""))
	tA, errA := f.db.FindTerritoryByCode(context.Background(), codeA)
	tB, errB := f.db.FindTerritoryByCode(context.Background(), codeB)
	if errA != nil || errB != nil {
		t.Fatal(errA, errB)
	}
	if strings.Contains(page, ">"+tB.Name("en")+"<") || !strings.Contains(page, ">"+tA.Name("en")+"<") {
		t.Error("the district A coordinator's responses page shows district B's responses, or none of A's")
	}
	resp := f.do(t, coordinator, "GET", "/surveys/"+id+"/responses?format=csv", "", "")
	body := readBody(t, resp)
	body = strings.TrimPrefix(body, "\ufeff")
	cr := csv.NewReader(strings.NewReader(body))
	if first, _, _ := strings.Cut(body, "\n"); strings.Count(first, ";") > strings.Count(first, ",") {
		cr.Comma = ';' // the Russian-locale Excel dialect
	}
	rows, err := cr.ReadAll()
	if err != nil || len(rows) < 2 {
		t.Fatalf("responses CSV: %v %q", err, body[:min(200, len(body))])
	}
	var want int
	rs, _, err := f.db.FindResponses(context.Background(), aldyn.ResponseFilter{SurveyID: d.running.ID, Under: "/", Page: aldyn.Page{Limit: aldyn.MaxLimit}})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rs {
		if r.TerritoryCode == codeA {
			want++
		}
	}
	if len(rows)-1 != want {
		t.Errorf("coordinator's CSV: got %d rows, want district A's %d", len(rows)-1, want)
	}
	for _, r := range rows[1:] {
		// Long codes are written ="…" so that Excel keeps them as text.
		if strings.TrimSuffix(strings.TrimPrefix(r[2], `="`), `"`) != codeA {
			t.Errorf("coordinator's CSV has a response of %s", r[2])
		}
	}
	// By age group within one district, some cells have fewer than 30
	// respondents: they are withheld, never shown as numbers.
	est := readBody(t, f.doEn(t, coordinator, "GET", "/surveys/"+id+"/estimates?question=safe_night&by=age_group&wave=2026", "", ""))
	wave, err := surveys.LoadSample(context.Background(), f.db, d.running, "2026")
	if err != nil {
		t.Fatal(err)
	}
	rows2, err := surveys.Estimate(wave.Within(func(r *aldyn.SurveyResponse) bool { return r.TerritoryCode == codeA }), "safe_night", "age_group")
	if err != nil {
		t.Fatal(err)
	}
	withheld := 0
	for _, r := range rows2 {
		if r.UnweightedN < 30 {
			withheld++
			if r.Estimate != nil {
				t.Errorf("group %s: an estimate from %d respondents", r.Group, r.UnweightedN)
			}
		}
	}
	if withheld == 0 {
		t.Fatal("no cell under 30 respondents: the test does not test withholding")
	}
	if strings.Count(est, i18n.For("en").T("surveys.withheld")) < withheld {
		t.Errorf("the estimates page marks fewer than the %d withheld cells", withheld)
	}
	if r := f.do(t, adminKG, "GET", "/surveys/"+id+"/estimates?question=safe_night&wave=1999", "", ""); r.StatusCode != http.StatusBadRequest {
		t.Errorf("a wave the survey does not have: got %d, want 400", r.StatusCode)
	}
	if r := f.do(t, adminKG, "GET", "/surveys/"+id+"/estimates?question=nope", "", ""); r.StatusCode != http.StatusBadRequest {
		t.Errorf("an unknown question: got %d, want 400", r.StatusCode)
	}
}

// Estimates of a wave weighted to margins carry intervals that account
// for the raking (the margins are kept with the wave).
func TestSurveyEstimatesUnderRaking(t *testing.T) {
	f := mustFixture(t)
	d := mustSurveyData(t, f)
	id := surveyID(d.running)
	mustRakeWave(t, f, id)
	wt, err := f.db.FindSurveyWeighting(context.Background(), d.running.ID, "2026")
	if err != nil || len(wt.Margins) != 2 {
		t.Fatalf("kept weighting: got %+v (%v), want 2 margins", wt, err)
	}
	var got struct{ Items []surveys.Row }
	decodeInto(t, f.do(t, adminKG, "GET", "/api/v1/surveys/"+id+"/estimates?question=safe_night&wave=2026", "", ""), &got)
	var rs []*aldyn.SurveyResponse
	if err := f.db.EachResponse(context.Background(), aldyn.ResponseFilter{SurveyID: d.running.ID, Wave: ptrTo("2026"), Under: "/"},
		func(r *aldyn.SurveyResponse) error { rs = append(rs, r); return nil }); err != nil {
		t.Fatal(err)
	}
	rakedSample, err := surveys.NewSample(d.running, rs, wt.Margins)
	if err != nil {
		t.Fatal(err)
	}
	raked, err := surveys.Estimate(rakedSample, "safe_night", "")
	if err != nil {
		t.Fatal(err)
	}
	plainSample, err := surveys.NewSample(d.running, rs, nil)
	if err != nil {
		t.Fatal(err)
	}
	plain, err := surveys.Estimate(plainSample, "safe_night", "")
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Items) != len(raked) || len(raked) == 0 {
		t.Fatalf("got %d rows, want %d", len(got.Items), len(raked))
	}
	differ := false
	for i, r := range got.Items {
		if r.SE == nil || raked[i].SE == nil {
			continue
		}
		if *r.SE != *raked[i].SE {
			t.Errorf("%s: se %g, want the raked design's %g", r.Choice, *r.SE, *raked[i].SE)
		}
		differ = differ || *plain[i].SE != *raked[i].SE
	}
	if !differ {
		t.Error("the raked and plain intervals are the same: the test does not test the raking")
	}
}

func ptrTo[T any](v T) *T { return &v }

// Scorecard weights: every bad field reported, nothing saved; good
// weights saved, audited and shown on the scorecard page.
func TestScorecardWeights(t *testing.T) {
	f := mustFixture(t)
	ctx := context.Background()
	post := func(v url.Values) *http.Response {
		return f.doEn(t, adminKG, "POST", "/scorecards/weights", "application/x-www-form-urlencoded", v.Encode())
	}
	good := url.Values{"weight.trust": {"0,4"}, "weight.satisfaction": {"0.1"}, "weight.local_assessment": {"0"}, "weight.solved": {"0.2"}, "weight.offense_change": {"0.1"}, "weight.reports_on_time": {"0.2"}}
	for name, tc := range map[string]struct {
		field, value string
		wantFields   []string
	}{
		"negative":   {"weight.solved", "-0.1", []string{"weight.solved"}},
		"not number": {"weight.trust", "much", []string{"weight.trust"}},
		"above one":  {"weight.trust", "1.5", []string{"weight.trust"}},
		"missing":    {"weight.satisfaction", "", []string{"weight.satisfaction"}},
		"sum":        {"weight.trust", "0.5", aldyn.ScorecardComponents},
	} {
		v := url.Values{}
		for k, x := range good {
			v[k] = x
		}
		v.Set(tc.field, tc.value)
		r := post(v)
		page := readBody(t, r)
		if r.StatusCode != http.StatusBadRequest {
			t.Errorf("%s: got %d, want 400", name, r.StatusCode)
		}
		for _, fld := range tc.wantFields {
			if !strings.HasPrefix(fld, "weight.") {
				fld = "weight." + fld
			}
			if !strings.Contains(page, `id="e-`+fld+`"`) {
				t.Errorf("%s: field %s not reported", name, fld)
			}
		}
	}
	if ws, _ := f.db.ScorecardWeights(ctx); ws[0].Weight != aldyn.DefaultScorecardWeights[0].Weight {
		t.Fatal("a refused form changed the weights")
	}
	// Every bad field at once.
	bad := url.Values{"weight.trust": {"-1"}, "weight.satisfaction": {"x"}, "weight.solved": {"2"}, "weight.offense_change": {"0.1"}, "weight.reports_on_time": {"0.1"}, "weight.local_assessment": {"0"}}
	page := readBody(t, post(bad))
	for _, fld := range []string{"weight.trust", "weight.satisfaction", "weight.solved"} {
		if !strings.Contains(page, `id="e-`+fld+`"`) {
			t.Errorf("all bad at once: %s not reported", fld)
		}
	}
	if r := post(good); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("good weights: got %d %s", r.StatusCode, readBody(t, r))
	}
	ws, err := f.db.ScorecardWeights(ctx)
	if err != nil || ws[0].Component != "trust" || ws[0].Weight != 0.4 {
		t.Fatalf("stored: got %+v (%v)", ws, err)
	}
	entity := "scorecard_weights"
	if _, n, err := f.db.FindAuditEntries(ctx, aldyn.AuditFilter{Entity: &entity}); err != nil || n != 1 {
		t.Errorf("audit entries: got %d (%v), want 1", n, err)
	}
	var sc struct {
		Components []surveys.ScoreComponent
	}
	decodeInto(t, f.do(t, anon, "GET", "/api/v1/scorecards", "", ""), &sc)
	if len(sc.Components) != len(aldyn.ScorecardComponents) || sc.Components[0].Weight != 0.4 {
		t.Errorf("scorecards: got components %+v, want trust weighted 0.4", sc.Components)
	}
	if page := readBody(t, f.doEn(t, anon, "GET", "/scorecards", "", "")); !strings.Contains(page, "0.40") {
		t.Error("the scorecard page does not show the weight set")
	}
	// A district administrator may not set them.
	if r := f.do(t, adminA, "POST", "/scorecards/weights", "application/x-www-form-urlencoded", good.Encode()); r.StatusCode != http.StatusForbidden {
		t.Errorf("district administrator: got %d, want 403", r.StatusCode)
	}
	if err := f.db.SetScorecardWeights(ctx, aldyn.System, []aldyn.ScorecardWeight{{Component: "bogus", Weight: 1}}); err == nil {
		t.Error("an unknown component was stored")
	}
}

// doEn is do with the page asked for in English.
func (f *fixture) doEn(tb testing.TB, who, method, path, contentType, body string) *http.Response {
	tb.Helper()
	return f.send(tb, who, method, path, strings.NewReader(body), map[string]string{"Content-Type": contentType, "Accept-Language": "en"})
}

// mustRunningSurvey stores the national standard survey slug, taking one
// response per onePer, and opens it for responses.
func mustRunningSurvey(tb testing.TB, f *fixture, slug string, onePer aldyn.OnePer) *aldyn.Survey {
	tb.Helper()
	ctx := context.Background()
	sv := surveys.Standard(slug, "41700000000000")
	sv.OnePer = onePer
	if err := f.db.CreateSurvey(ctx, aldyn.System, sv); err != nil {
		tb.Fatal(err)
	}
	sv.Status = aldyn.SurveyRunning
	if err := f.db.UpdateSurvey(ctx, aldyn.System, sv.ID, sv); err != nil {
		tb.Fatal(err)
	}
	return sv
}

package web_test

import (
	"context"
	"html"
	"math"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/i18n"
	"github.com/aldyn-kg/aldyn/internal/surveys"
)

func init() {
	moduleCases = append(moduleCases, func(tb testing.TB, f *fixture) []matrixCase {
		sv := mustInvitationSurvey(tb, f, "weighting-pages-2026")
		id := surveyID(sv)
		const see, unauth, forbid, bad = http.StatusSeeOther, http.StatusUnauthorized, http.StatusForbidden, http.StatusBadRequest
		ctype, body := multipartFile(tb, "margins.csv", []byte("variable,category,population\nsex,f,many\n"), map[string]string{"wave": "2026"})
		// Only designers whose territory covers the (national) survey.
		return []matrixCase{
			{method: "GET", path: "/surveys/" + id + "/weighting", route: "/surveys/{id}/weighting",
				want: expect{def: forbid, byRole: map[string]int{anon: see, adminKG: 200}}},
			{method: "POST", path: "/surveys/" + id + "/weighting", route: "/surveys/{id}/weighting", ctype: ctype, body: body,
				want: expect{def: forbid, byRole: map[string]int{anon: unauth, adminKG: bad}}},
		}
	})
}

// weightingMargins is a consistent margins table of the test survey's
// wave: districts A and B, sex and age group, each summing to 470,000.
func weightingMargins() string {
	return "variable,category,population\n" +
		"territory," + codeA + ",190000\nterritory," + codeB + ",280000\n" +
		"sex,f,242000\nsex,m,228000\n" +
		"age_group,18-24,80000\nage_group,25-34,110000\nage_group,35-44,95000\nage_group,45-54,75000\nage_group,55-64,60000\nage_group,65+,50000\n"
}

// Each rule of a margins table broken alone: the page answers 400 with
// the row, column and reason, and no weight changes.
func TestSurveyWeightingPageRefusesBadMargins(t *testing.T) {
	f := mustFixture(t)
	d := mustSurveyData(t, f)
	id := surveyID(d.running)
	en := i18n.For("en")
	weightsBefore := map[int64]float64{}
	if err := f.db.EachResponse(context.Background(), aldyn.ResponseFilter{SurveyID: d.running.ID, Under: "/"},
		func(r *aldyn.SurveyResponse) error { weightsBefore[r.ID] = r.Weight; return nil }); err != nil {
		t.Fatal(err)
	}
	head := "variable,category,population\n"
	good := "territory," + codeA + ",190000\nterritory," + codeB + ",280000\n"
	for _, tc := range []struct {
		name, csv string
		row       int
		column    string
		reason    string
	}{
		{"unknown column", "variable,category,population,note\n" + good, 1, "note", "surveys.error.column_unknown"},
		{"missing column", "variable,category\nsex,f\n", 1, "population", "surveys.error.column_missing"},
		{"unknown variable", head + good + "income,high,470000\n", 4, "variable", "surveys.error.margin_variable_unknown"},
		{"free-text question as variable", head + good + "why_not_other,x,470000\n", 4, "variable", "surveys.error.margin_variable_unknown"},
		{"unknown category", head + good + "sex,f,235000\nsex,x,235000\n", 5, "category", "surveys.error.margin_category_unknown"},
		{"unknown territory", head + good + "territory,41799999000000,10\n", 4, "category", "surveys.error.margin_category_unknown"},
		{"negative total", head + good + "sex,f,-5\nsex,m,470005\n", 4, "population", "surveys.error.population"},
		{"non-numeric total", head + good + "sex,f,many\nsex,m,235000\n", 4, "population", "surveys.error.population"},
		{"blank total", head + good + "sex,f,\nsex,m,235000\n", 4, "population", "surveys.error.population"},
		{"duplicate category", head + good + "sex,f,235000\nsex,f,235000\n", 5, "category", "surveys.error.duplicate_category"},
		// 470,000 against 473,000: 0.64 % apart.
		{"sums differ by more than 0.5 %", head + good + "sex,f,238000\nsex,m,235000\n", 4, "population", "surveys.error.margin_sum"},
	} {
		ctype, body := multipartFile(t, "margins.csv", []byte(tc.csv), map[string]string{"wave": "2026"})
		resp := f.doEn(t, adminKG, "POST", "/surveys/"+id+"/weighting", ctype, body)
		page := html.UnescapeString(readBody(t, resp))
		want := "<td>" + strconv.Itoa(tc.row) + "</td><td><code>" + tc.column + "</code></td><td>" + en.T(tc.reason) + "</td>"
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(page, want) {
			t.Errorf("%s: got %d, want 400 with row %d, column %s: %q", tc.name, resp.StatusCode, tc.row, tc.column, en.T(tc.reason))
		}
	}
	// The form's own fields: a wave the survey does not have, a cap out
	// of range, no file and no demo margins.
	for name, tc := range map[string]struct {
		fields map[string]string
		file   string
		field  string
		reason string
	}{
		"unknown wave":     {map[string]string{"wave": "1999"}, weightingMargins(), "wave", "surveys.error.wave_unknown"},
		"cap too low":      {map[string]string{"wave": "2026", "cap": "0.5"}, weightingMargins(), "cap", "surveys.error.cap"},
		"cap not a number": {map[string]string{"wave": "2026", "cap": "big"}, weightingMargins(), "cap", "surveys.error.cap"},
		"no file":          {map[string]string{"wave": "2026"}, "", "file", "surveys.error.margins_file"},
	} {
		var ctype, body string
		if tc.file == "" {
			ctype, body = multipartFields(t, tc.fields)
		} else {
			ctype, body = multipartFile(t, "margins.csv", []byte(tc.file), tc.fields)
		}
		resp := f.doEn(t, adminKG, "POST", "/surveys/"+id+"/weighting", ctype, body)
		page := html.UnescapeString(readBody(t, resp))
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(page, `id="e-`+tc.field+`">`+en.T(tc.reason)) {
			t.Errorf("%s: got %d, want 400 with %q at %s", name, resp.StatusCode, en.T(tc.reason), tc.field)
		}
	}
	// The shipped demo margins give a population to districts where the
	// test wave has no respondents: refused, naming the first such cell.
	ctype, body := multipartFields(t, map[string]string{"wave": "2026", "demo": "1"})
	resp := f.doEn(t, adminKG, "POST", "/surveys/"+id+"/weighting", ctype, body)
	page := html.UnescapeString(readBody(t, resp))
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(page, "no respondents") {
		t.Errorf("demo margins on a wave of two districts: got %d, want 400 naming a cell without respondents", resp.StatusCode)
	}
	var rs []*aldyn.SurveyResponse
	if err := f.db.EachResponse(context.Background(), aldyn.ResponseFilter{SurveyID: d.running.ID, Under: "/"},
		func(r *aldyn.SurveyResponse) error { rs = append(rs, r); return nil }); err != nil {
		t.Fatal(err)
	}
	for _, r := range rs {
		if r.Weight != r.DesignWeight && r.Weight != weightsBefore[r.ID] {
			t.Fatalf("response %d: weight changed by a refused weighting", r.ID)
		}
	}
	// Within 0.5 % the sums pass: 470,000 against 472,000 (0.43 %).
	ctype, body = multipartFile(t, "margins.csv", []byte(head+good+"sex,f,237000\nsex,m,235000\n"), map[string]string{"wave": "2026"})
	if resp := f.doEn(t, adminKG, "POST", "/surveys/"+id+"/weighting", ctype, body); resp.StatusCode != 200 {
		t.Errorf("sums 0.43 %% apart: got %d, want 200", resp.StatusCode)
	}
}

// multipartFields is a multipart form of fields only.
func multipartFields(tb testing.TB, fields map[string]string) (string, string) {
	tb.Helper()
	return multipartFile(tb, "", nil, fields)
}

// A successful weighting through the page: the stored weights give every
// margin cell its target population to 1e-6 (relative), the page shows
// the iterations, convergence, weights' range and design effect, and the
// weighting is audited.
func TestSurveyWeightingPageRakes(t *testing.T) {
	f := mustFixture(t)
	d := mustSurveyData(t, f)
	id := surveyID(d.running)
	ctype, body := multipartFile(t, "margins.csv", []byte(weightingMargins()), map[string]string{"wave": "2026"})
	resp := f.doEn(t, adminKG, "POST", "/surveys/"+id+"/weighting", ctype, body)
	page := html.UnescapeString(readBody(t, resp))
	en := i18n.For("en")
	if resp.StatusCode != 200 || !strings.Contains(page, en.T("surveys.weighting.converged_yes")) || !strings.Contains(page, en.T("surveys.weighting.deff")) {
		t.Fatalf("got %d, want 200 with the result", resp.StatusCode)
	}
	margins, err := surveys.ReadMargins(strings.NewReader(weightingMargins()))
	if err != nil {
		t.Fatal(err)
	}
	var rs []*aldyn.SurveyResponse
	if err := f.db.EachResponse(context.Background(), aldyn.ResponseFilter{SurveyID: d.running.ID, Wave: ptrTo("2026"), Under: "/"},
		func(r *aldyn.SurveyResponse) error { rs = append(rs, r); return nil }); err != nil {
		t.Fatal(err)
	}
	var minW, maxW = math.Inf(1), math.Inf(-1)
	for _, m := range margins {
		got := map[string]float64{}
		for _, r := range rs {
			v := r.TerritoryCode
			if m.Variable != surveys.ByTerritory {
				v = r.Answers[m.Variable]
			}
			got[v] += r.Weight
			minW, maxW = math.Min(minW, r.Weight), math.Max(maxW, r.Weight)
		}
		var total, sum float64
		for _, target := range m.Totals {
			total += target
		}
		for _, w := range got {
			sum += w
		}
		for c, target := range m.Totals {
			if math.Abs(got[c]/sum-target/total) > 1e-6 || math.Abs(got[c]-target) > 1e-6*total {
				t.Errorf("%s %s: weighted %.6f (share %.9f), want %.0f (share %.9f) to 1e-6", m.Variable, c, got[c], got[c]/sum, target, target/total)
			}
		}
	}
	if !strings.Contains(page, en.Decimal(minW, 2)) || !strings.Contains(page, en.Decimal(maxW, 2)) {
		t.Errorf("the page does not show the smallest and largest weight %s and %s", en.Decimal(minW, 2), en.Decimal(maxW, 2))
	}
	wt, err := f.db.FindSurveyWeighting(context.Background(), d.running.ID, "2026")
	if err != nil || len(wt.Margins) != 3 || wt.Cap != 0 {
		t.Fatalf("kept weighting: got %+v (%v), want 3 margins and no cap", wt, err)
	}
	entity := "survey_weights"
	entries, _, err := f.db.FindAuditEntries(context.Background(), aldyn.AuditFilter{Entity: &entity, EntityID: &id, Page: aldyn.Page{Limit: 10}})
	if err != nil || len(entries) != 1 {
		t.Errorf("audit: got %d entries (%v), want 1", len(entries), err)
	}
}

package web_test

import (
	"context"
	"math"
	"net/url"
	"testing"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/surveys"
)

// mustRakeWave rakes wave 2026 of survey id to margins of territory and
// sex.
func mustRakeWave(tb testing.TB, f *fixture, id string) {
	tb.Helper()
	margins := "variable,category,population\nterritory," + codeA + ",190000\nterritory," + codeB + ",280000\nsex,f,240000\nsex,m,230000\n"
	if r := f.do(tb, adminKG, "POST", "/api/v1/surveys/"+id+"/weighting?wave=2026", "text/csv", margins); r.StatusCode != 200 {
		tb.Fatalf("weighting: got %d", r.StatusCode)
	}
}

// Every published survey figure is the estimates page's estimate for the
// same question, breakdown and wave — value and interval to 1e-9 — on a
// wave raked to margins: the trust index, victimization prevalence, the
// reporting rate, the scorecard's trust and satisfaction and a survey
// plan indicator (a district and women: domains of the whole wave).
func TestSurveyFiguresOneDesign(t *testing.T) {
	f := mustFixture(t)
	ctx := context.Background()
	d := mustSurveyData(t, f)
	id := surveyID(d.running)
	mustRakeWave(t, f, id)
	estimates := func(who string, q url.Values) []surveys.Row {
		t.Helper()
		q.Set("wave", "2026")
		var got struct{ Items []surveys.Row }
		decodeInto(t, f.do(t, who, "GET", "/api/v1/surveys/"+id+"/estimates?"+q.Encode(), "", ""), &got)
		if len(got.Items) == 0 {
			t.Fatalf("estimates %v: no rows", q)
		}
		return got.Items
	}
	find := func(rows []surveys.Row, group, choice string) surveys.Row {
		t.Helper()
		for _, r := range rows {
			if r.Group == group && r.Choice == choice {
				return r
			}
		}
		t.Fatalf("no estimate of group %q, answer %q in %+v", group, choice, rows)
		return surveys.Row{}
	}
	// same checks a published figure (in scale units of the estimates
	// page's proportion) against the estimates page's row.
	same := func(what string, value, lo, hi *float64, n int, reliable bool, want surveys.Row, scale float64) {
		t.Helper()
		if want.Estimate == nil || value == nil {
			t.Fatalf("%s: withheld (published %v, estimates page %v): the test needs a value", what, value, want.Estimate)
		}
		for _, c := range []struct {
			name      string
			got, want float64
		}{{"value", *value, *want.Estimate * scale}, {"ci_low", *lo, *want.CILow * scale}, {"ci_high", *hi, *want.CIHigh * scale}} {
			if math.Abs(c.got-c.want) > 1e-9 {
				t.Errorf("%s %s: got %.12f, want the estimates page's %.12f", what, c.name, c.got, c.want)
			}
		}
		if n >= 0 && n != want.UnweightedN || reliable != want.Reliable {
			t.Errorf("%s: n %d reliable %v, want %d %v", what, n, reliable, want.UnweightedN, want.Reliable)
		}
	}

	// The trust index, national and by district.
	var trust struct {
		Items []struct {
			TerritoryCode string   `json:"territory_code"`
			Overall       bool     `json:"overall"`
			surveys.Row            // ci_low, ci_high, unweighted_n, reliable; the index's value is "value"
			Value         *float64 `json:"value"`
		}
	}
	decodeInto(t, f.do(t, anon, "GET", "/api/v1/trust-index?wave=2026&body_type=police", "", ""), &trust)
	yesTrust := "rather_trust,fully_trust"
	overall := find(estimates(adminKG, url.Values{"question": {"trust_police"}, "yes": {yesTrust}}), "", "rather_trust fully_trust")
	byTerritory := estimates(adminKG, url.Values{"question": {"trust_police"}, "yes": {yesTrust}, "by": {"territory"}})
	checked := 0
	for _, r := range trust.Items {
		want := overall
		if !r.Overall {
			want = find(byTerritory, r.TerritoryCode, "rather_trust fully_trust")
		}
		same("trust index "+r.TerritoryCode, r.Value, r.CILow, r.CIHigh, r.UnweightedN, r.Reliable, want, 100)
		checked++
	}
	if checked != 3 {
		t.Errorf("trust index of the police: got %d rows, want national and two districts", checked)
	}

	// Victimization prevalence and the reporting rate, national and in
	// district A (a domain of the wave).
	for _, terr := range []struct{ code, group, by string }{{"", "", ""}, {codeA, codeA, "territory"}} {
		var vict struct {
			Items []struct {
				Crimes    []surveys.VictimRow `json:"crimes"`
				Reporting *surveys.Row        `json:"reporting_rate"`
			}
		}
		decodeInto(t, f.do(t, anon, "GET", "/api/v1/victimization?wave=2026&territory="+terr.code, "", ""), &vict)
		if len(vict.Items) != 1 || vict.Items[0].Reporting == nil {
			t.Fatalf("victimization %q: got %+v", terr.code, vict.Items)
		}
		prev := estimates(adminKG, url.Values{"question": {"victim_12m"}, "by": {terr.by}})
		theft := 0
		for _, c := range vict.Items[0].Crimes {
			if c.Crime == "theft" {
				p := c.Prevalence
				same("prevalence of theft in "+terr.code, p.Estimate, p.CILow, p.CIHigh, p.UnweightedN, p.Reliable, find(prev, terr.group, "theft"), 100)
				theft++
			}
		}
		if theft != 1 {
			t.Errorf("victimization %q: %d rows of theft, want 1", terr.code, theft)
		}
		rep := vict.Items[0].Reporting
		want := find(estimates(adminKG, url.Values{"question": {"reported"}, "yes": {"yes"}, "by": {terr.by}}), terr.group, "yes")
		same("reporting rate in "+terr.code, rep.Estimate, rep.CILow, rep.CIHigh, rep.UnweightedN, rep.Reliable, want, 100)
	}

	// The scorecard's survey components of each district.
	var cards struct{ Items []surveys.Scorecard }
	decodeInto(t, f.do(t, anon, "GET", "/api/v1/scorecards?wave=2026", "", ""), &cards)
	sat := estimates(adminKG, url.Values{"question": {"inspector_satisfaction"}, "yes": {"rather_satisfied,very_satisfied"}, "by": {"territory"}})
	if len(cards.Items) != 2 {
		t.Fatalf("scorecards: got %d, want districts A and B", len(cards.Items))
	}
	for _, c := range cards.Items {
		tr, st := c.Survey["trust"], c.Survey["satisfaction"]
		if tr == nil || st == nil {
			t.Fatalf("scorecard %s: no survey estimates: %+v", c.TerritoryCode, c.Survey)
		}
		same("scorecard trust "+c.TerritoryCode, tr.Estimate, tr.CILow, tr.CIHigh, tr.UnweightedN, tr.Reliable,
			find(byTerritory, c.TerritoryCode, "rather_trust fully_trust"), 100)
		same("scorecard satisfaction "+c.TerritoryCode, st.Estimate, st.CILow, st.CIHigh, st.UnweightedN, st.Reliable,
			find(sat, c.TerritoryCode, "rather_satisfied very_satisfied"), 100)
		if v := c.Values["trust"]; v == nil || *v != *tr.Estimate {
			t.Errorf("scorecard %s: trust value %v, want its estimate %v", c.TerritoryCode, v, *tr.Estimate)
		}
	}

	// A plan indicator of district A: women who feel safe at night. The
	// district coordinator's estimates page gives district A's
	// respondents, by sex.
	plan := &aldyn.Plan{TerritoryCode: codeA}
	ind := &aldyn.Indicator{ID: 1, Source: aldyn.IndicatorSurvey, Numerator: "survey:" + d.running.Slug + ":safe_night=very_safe,rather_safe;sex=f"}
	ests, err := surveys.IndicatorEstimates(ctx, f.db, plan, ind)
	if err != nil || len(ests) != 1 {
		t.Fatalf("indicator estimates: %+v, %v", ests, err)
	}
	women := find(estimates(coordinator, url.Values{"question": {"safe_night"}, "yes": {"very_safe,rather_safe"}, "by": {"sex"}}), "f", "very_safe rather_safe")
	e := ests[0]
	same("plan indicator", e.Estimate, e.CILow, e.CIHigh, e.UnweightedN, e.Reliable, women, 100)
	vals, err := surveys.IndicatorValues(ctx, f.db, plan, ind)
	if err != nil || len(vals) != 1 || vals[0].Period != "2026" || math.Abs(vals[0].Value-math.Round(*women.Estimate*1000)/10) > 1e-9 {
		t.Errorf("indicator values: got %+v (%v), want 2026 = %.1f", vals, err, *women.Estimate*100)
	}
}

// The answers counted as yes must be answers of a choice question other
// than "don't know": each rule broken is refused.
func TestSurveyEstimatesYes(t *testing.T) {
	f := mustFixture(t)
	d := mustSurveyData(t, f)
	id := surveyID(d.running)
	for name, q := range map[string]string{
		"not an answer":       "question=trust_police&yes=rather_trust,maybe",
		"don't know":          "question=trust_police&yes=dont_know",
		"a number question":   "question=times_theft&yes=1",
		"an unknown question": "question=nope&yes=yes",
	} {
		t.Run(name, func(t *testing.T) {
			if r := f.do(t, adminKG, "GET", "/api/v1/surveys/"+id+"/estimates?"+q, "", ""); r.StatusCode != 400 {
				t.Errorf("got %d, want 400", r.StatusCode)
			}
		})
	}
	// Both spellings, repeated and comma-separated, give the same share.
	var a, b struct{ Items []surveys.Row }
	decodeInto(t, f.do(t, adminKG, "GET", "/api/v1/surveys/"+id+"/estimates?question=trust_police&yes=rather_trust,fully_trust", "", ""), &a)
	decodeInto(t, f.do(t, adminKG, "GET", "/api/v1/surveys/"+id+"/estimates?question=trust_police&yes=rather_trust&yes=fully_trust", "", ""), &b)
	if len(a.Items) != 1 || len(b.Items) != 1 || a.Items[0].Estimate == nil || *a.Items[0].Estimate != *b.Items[0].Estimate {
		t.Errorf("yes=a,b and yes=a&yes=b: got %+v and %+v", a.Items, b.Items)
	}
}

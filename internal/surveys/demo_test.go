package surveys

import (
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/aldyn-kg/aldyn"

	"github.com/aldyn-kg/aldyn/internal/survey"
	"github.com/aldyn-kg/aldyn/internal/surveyform"
)

func demoDistricts() []District {
	return []District{{"41702000000000", 1100000}, {"41708203000000", 190000}, {"41703220000000", 280000},
		{"41704000000000", 520000}, {"41706000000000", 560000}, {"41707000000000", 300000}, {"41709000000000", 290000}, {"41711000000000", 1300000}}
}

// The demo waves must reproduce the Concept's figures once weighted: 47 %
// of women feeling safe (±2 pp) and a 38 % reporting rate (±2 pp).
func TestDemoReproducesConcept(t *testing.T) {
	sv := Standard("demo", "41700000000000")
	for i, w := range DemoWaves {
		rs := Demo(w, demoDistricts(), uint64(i+1))
		if len(rs) != w.Respondents {
			t.Fatalf("wave %s: got %d respondents, want %d", w.Wave, len(rs), w.Respondents)
		}
		for _, r := range rs {
			clean, v := surveyform.Answers(sv, r.Answers, 2026)
			if len(v) != 0 || len(clean) != len(r.Answers) {
				t.Fatalf("wave %s: a demo response does not pass the survey's checks: %v (%d of %d answers kept)", w.Wave, v, len(clean), len(r.Answers))
			}
		}
		safe, err := Share(mustSample(t, sv, rs), "safe_night", SafeYes, SafeNo, "sex")
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range safe {
			if r.Group == "f" && math.Abs(*r.Estimate-100*w.WomenSafeNight) > 2 {
				t.Errorf("wave %s: women feeling safe after dark: got %.1f %%, want %.1f ± 2", w.Wave, *r.Estimate, 100*w.WomenSafeNight)
			}
		}
		rep, err := ReportingRate(mustSample(t, sv, rs), "")
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(*rep[0].Estimate-100*w.ReportingRate) > 2 {
			t.Errorf("wave %s: reporting rate: got %.1f %%, want %.1f ± 2", w.Wave, *rep[0].Estimate, 100*w.ReportingRate)
		}
		t.Logf("wave %s: women safe after dark %.1f %% [%.1f, %.1f]; reporting rate %.1f %% [%.1f, %.1f]", w.Wave,
			*safe[0].Estimate, *safe[0].CILow, *safe[0].CIHigh, *rep[0].Estimate, *rep[0].CILow, *rep[0].CIHigh)
	}
}

func TestEstimatesWithholdSmallCells(t *testing.T) {
	sv := Standard("demo", "41700000000000")
	rs := Demo(DemoWaves[0], demoDistricts(), 1)
	rows, err := Estimate(mustSample(t, sv, rs[:40]), "safe_night", "sex")
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if r.UnweightedN < 30 && (r.Estimate != nil || r.Reliable) {
			t.Errorf("group %s choice %s from %d respondents: got a value shown", r.Group, r.Choice, r.UnweightedN)
		}
	}
	trust, err := TrustIndex(mustSample(t, sv, rs), ByTerritory)
	if err != nil {
		t.Fatal(err)
	}
	if len(trust) != len(TrustBodies)*len(demoDistricts()) {
		t.Errorf("got %d trust rows, want %d", len(trust), len(TrustBodies)*len(demoDistricts()))
	}
	for _, r := range trust {
		if r.Estimate != nil && (*r.Estimate < 0 || *r.Estimate > 100) {
			t.Errorf("trust index %s %s: got %v, want 0–100", r.BodyType, r.Group, *r.Estimate)
		}
	}
	if _, err := Estimate(mustSample(t, sv, rs), "why_not_other", ""); err == nil {
		t.Error("free text estimated: want it refused")
	}
}

func TestVictimizationAndDarkFigure(t *testing.T) {
	sv := Standard("demo", "41700000000000")
	rs := Demo(DemoWaves[0], demoDistricts(), 1)
	rows, err := Victimization(mustSample(t, sv, rs), "")
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != len(Crimes) {
		t.Fatalf("got %d rows, want one per crime type", len(rows))
	}
	for _, r := range rows {
		if r.Crime == "theft" {
			// The demo makes 7 % of respondents victims of theft, some more than once.
			if p := *r.Prevalence.Estimate; p < 5 || p > 9 {
				t.Errorf("theft prevalence: got %.1f %%, want about 7", p)
			}
			if in := *r.Incidence.Estimate; in < *r.Prevalence.Estimate*1000 {
				t.Errorf("theft incidence %.0f per 100,000 below prevalence %.1f %%", in, *r.Prevalence.Estimate)
			}
		}
	}
	dark, err := DarkFigures(mustSample(t, sv, rs), 5_000_000, map[string]int64{"theft": 20000, "fraud": 9000, "robbery": 500, "robbery_violent": 100})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range dark {
		if d.Ratio == nil || *d.Ratio <= 1 || *d.RatioLo > *d.Ratio || *d.RatioHi < *d.Ratio {
			t.Errorf("%s: got ratio %v [%v, %v], want more offenses than recorded, inside its interval", d.Crime, d.Ratio, d.RatioLo, d.RatioHi)
		}
		if d.Crime == "robbery" && d.Recorded != 600 {
			t.Errorf("robbery: got %d recorded, want both robbery categories (600)", d.Recorded)
		}
	}
	if none, _ := DarkFigures(mustSample(t, sv, rs), 5_000_000, map[string]int64{}); none[0].Ratio != nil {
		t.Error("nothing recorded: got a ratio, want it withheld")
	}
}

func TestWeightToMargins(t *testing.T) {
	sv := Standard("demo", "41700000000000")
	rs := Demo(DemoWaves[0], demoDistricts(), 1)
	for _, r := range rs {
		r.DesignWeight = 1
	}
	csv := "variable,category,population\n"
	for _, d := range demoDistricts() {
		csv += "territory," + d.Code + "," + strconv.FormatFloat(d.Population, 'f', 0, 64) + "\n"
	}
	csv += "sex,f,2340000\nsex,m,2200000\n"
	for _, a := range []string{"18-24", "25-34", "35-44", "45-54", "55-64", "65+"} {
		csv += "age_group," + a + ",756666.67\n"
	}
	margins, err := ReadMargins(strings.NewReader(csv))
	if err != nil {
		t.Fatal(err)
	}
	res, err := Weight(sv, rs, margins, 5)
	if err != nil {
		t.Fatal(err)
	}
	if !res.Converged || res.After.DesignEffect < 1 || res.After.EffectiveN > float64(len(rs)) || res.Before.DesignEffect != 1 {
		t.Errorf("got %+v", res)
	}
	var women float64
	for i, r := range rs {
		if r.Answers["sex"] == "f" {
			women += res.Weights[i]
		}
	}
	if math.Abs(women-2340000) > 2340000*0.01 {
		t.Errorf("weighted women: got %.0f, want 2,340,000 (±1 %% after trimming)", women)
	}
	for _, tt := range []struct{ name, csv string }{
		{"bad population", "variable,category,population\nsex,f,many\n"},
		{"duplicate category", "variable,category,population\nsex,f,1\nsex,f,2\n"},
		{"no population column", "variable,category\nsex,f\n"},
	} {
		if _, err := ReadMargins(strings.NewReader(tt.csv)); err == nil {
			t.Errorf("%s: read without error", tt.name)
		}
	}
	if _, err := Weight(sv, rs, []Margin{{Variable: "sex", Totals: map[string]float64{"f": 1}}}, 0); err == nil {
		t.Error("men outside the margin's categories: weighted without error")
	}
}

func TestScoreUnit(t *testing.T) {
	localAssessment := 70.0
	sv := Standard("demo", "41700000000000")
	rs := Demo(DemoWaves[0], demoDistricts(), 1)
	var unit []*aldyn.SurveyResponse
	for _, r := range rs {
		if r.TerritoryCode == "41702000000000" {
			unit = append(unit, r)
		}
	}
	in := UnitInput{TerritoryCode: "41702000000000", Responses: unit, Registered: 1000, Solved: 450, RegisteredBefore: 1100,
		Reports: survey.MinRespondents + 10, ReportsOnTime: survey.MinRespondents - 2, LocalAssessment: &localAssessment, LocalRatings: aldyn.MinUnitRatings}
	c, err := ScoreUnit(sv, in)
	if err != nil {
		t.Fatal(err)
	}
	onTime := round(100*float64(in.ReportsOnTime)/float64(in.Reports), 1)
	if c.Score == nil || *c.Values["solved"] != 45 || math.Abs(*c.Values["offense_change"]-(50+100.0/11)) > 1e-9 || c.Grade == "" ||
		*c.Values["reports_on_time"] != onTime || c.Reports != in.Reports || c.ReportsFew {
		t.Fatalf("got %+v", c)
	}
	want := 0.0
	for _, comp := range ScoreComponents {
		want += comp.Weight * *c.Values[comp.Key]
	}
	if math.Abs(*c.Score-round(want, 1)) > 1e-9 {
		t.Errorf("score: got %v, want %v", *c.Score, round(want, 1))
	}
	// Too few reports: the share is shown, flagged, and the score is the
	// other components' with their weights rescaled.
	in.Reports, in.ReportsOnTime = survey.MinRespondents-1, 1
	fewReports, err := ScoreUnit(sv, in)
	if err != nil || !fewReports.ReportsFew || fewReports.Values["reports_on_time"] == nil {
		t.Fatalf("%d reports: got %+v, want the share flagged as from too few reports", in.Reports, fewReports)
	}
	want, weights := 0.0, 0.0
	for _, comp := range ScoreComponents {
		if comp.Key != "reports_on_time" {
			want += comp.Weight * *fewReports.Values[comp.Key]
			weights += comp.Weight
		}
	}
	if math.Abs(*fewReports.Score-round(want/weights, 1)) > 1e-9 {
		t.Errorf("score with too few reports: got %v, want %v without the reports' share", *fewReports.Score, round(want/weights, 1))
	}
	// Report-back meetings per precinct are shown, not weighted: the
	// score is the same with them.
	in.ReportBackHeld, in.ReportBackPrecincts = 7, 4
	withRB, err := ScoreUnit(sv, in)
	if err != nil || withRB.ReportBackPerPrecinct == nil || *withRB.ReportBackPerPrecinct != 1.75 || withRB.ReportBackHeld != 7 || withRB.ReportBackPrecincts != 4 {
		t.Fatalf("report-back: got %+v, want 7 held in 4 precincts = 1.75", withRB)
	}
	if *withRB.Score != *fewReports.Score {
		t.Errorf("score with report-back meetings: got %v, want %v (not weighted)", *withRB.Score, *fewReports.Score)
	}
	if noPrecincts, _ := ScoreUnit(sv, UnitInput{TerritoryCode: "x", Responses: unit, ReportBackHeld: 3}); noPrecincts.ReportBackPerPrecinct != nil {
		t.Errorf("no precincts: got %v per precinct, want none", *noPrecincts.ReportBackPerPrecinct)
	}
	few, err := ScoreUnit(sv, UnitInput{TerritoryCode: "x", Responses: unit[:10], Registered: 10, Solved: 5})
	if err != nil || few.Score != nil || few.Values["trust"] != nil {
		t.Errorf("10 respondents: got %+v, want no trust value and no score", few)
	}
}

func mustSample(tb testing.TB, sv *aldyn.Survey, rs []*aldyn.SurveyResponse) *Sample {
	tb.Helper()
	s, err := NewSample(sv, rs, nil)
	if err != nil {
		tb.Fatal(err)
	}
	return s
}

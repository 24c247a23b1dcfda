package surveys

import (
	"math"
	"testing"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/survey"
)

// unitResponses are n respondents of territory code, trusting whose
// answer trust_police is rather_trust, the rest rather_distrust, all
// satisfied with the inspector.
func unitResponses(code string, n, trusting int) []*aldyn.SurveyResponse {
	out := make([]*aldyn.SurveyResponse, n)
	for i := range out {
		a := map[string]string{"trust_police": "rather_distrust", "inspector_satisfaction": "rather_satisfied", "sex": "f"}
		if i < trusting {
			a["trust_police"] = "rather_trust"
		}
		out[i] = &aldyn.SurveyResponse{ID: int64(i + 1), TerritoryCode: code, TerritoryPath: "/41/" + code + "/", Weight: 1 + float64(i%3), Answers: a}
	}
	return out
}

// Unreliable follows one rule everywhere: fewer than 30 respondents
// withholds the figure; a relative standard error above 30 % flags it,
// and the scorecard leaves it out of the score as it leaves out a
// withheld one.
func TestUnreliableEverywhere(t *testing.T) {
	sv := Standard("demo", "41700000000000")
	for _, tt := range []struct {
		name               string
		n, trusting        int
		withheld, reliable bool
	}{
		{"enough respondents, a precise share", 60, 30, false, true},
		{"29 respondents", survey.MinRespondents - 1, 15, true, false},
		{"a rare answer: relative error above 30 %", 40, 1, false, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			rs := append(unitResponses("41702000000000", tt.n, tt.trusting), unitResponses("41703000000000", 50, 25)...)
			wave, err := NewSample(sv, rs, nil)
			if err != nil {
				t.Fatal(err)
			}
			unit := wave.Within(func(r *aldyn.SurveyResponse) bool { return r.TerritoryCode == "41702000000000" })
			trust, err := TrustIndex(wave, ByTerritory)
			if err != nil {
				t.Fatal(err)
			}
			est, err := EstimateShare(unit, "trust_police", TrustYes, "")
			if err != nil || len(est) != 1 {
				t.Fatalf("estimate: %v %v", est, err)
			}
			c, err := ScoreUnit(sv, UnitInput{TerritoryCode: "41702000000000", Wave: wave, Registered: 100, Solved: 50})
			if err != nil {
				t.Fatal(err)
			}
			rows := []Row{trust[0].Row, est[0], *c.Survey["trust"]}
			for i, r := range rows {
				if (r.Estimate == nil) != tt.withheld || r.Reliable != tt.reliable {
					t.Errorf("figure %d: estimate %v reliable %v, want withheld %v reliable %v", i, r.Estimate, r.Reliable, tt.withheld, tt.reliable)
				}
				if r.Estimate != nil {
					if rse := *r.SE / *r.Estimate; (rse <= survey.MaxRSE) != tt.reliable {
						t.Errorf("figure %d: relative error %.2f, reliable %v", i, rse, r.Reliable)
					}
				}
			}
			if (c.Values["trust"] != nil) != tt.reliable || (c.Score != nil) != tt.reliable || c.Respondents != tt.n {
				t.Errorf("scorecard: trust %v score %v respondents %d, want a value and a score only when reliable, %d respondents",
					c.Values["trust"], c.Score, c.Respondents, tt.n)
			}
			if tt.reliable && math.Abs(*c.Values["trust"]-100**est[0].Estimate) > 1e-9 {
				t.Errorf("scorecard trust %v, estimates page %v", *c.Values["trust"], *est[0].Estimate)
			}
		})
	}
}

// A domain keeps the whole wave in the design: its estimate is the
// breakdown's estimate of that group, not that of the group's responses
// taken alone (whose interval differs, as in R's subset() of a design).
func TestSampleDomain(t *testing.T) {
	sv := Standard("demo", "41700000000000")
	rs := append(unitResponses("41702000000000", 80, 30), unitResponses("41703000000000", 120, 70)...)
	wave, err := NewSample(sv, rs, nil)
	if err != nil {
		t.Fatal(err)
	}
	by, err := Share(wave, "trust_police", TrustYes, TrustNo, ByTerritory)
	if err != nil {
		t.Fatal(err)
	}
	dom, err := Share(wave.Within(Under("/41/41702000000000/")), "trust_police", TrustYes, TrustNo, "")
	if err != nil {
		t.Fatal(err)
	}
	alone, err := Share(mustSample(t, sv, rs[:80]), "trust_police", TrustYes, TrustNo, "")
	if err != nil {
		t.Fatal(err)
	}
	if *dom[0].Estimate != *by[0].Estimate || *dom[0].SE != *by[0].SE || by[0].Group != "41702000000000" {
		t.Errorf("domain %+v, breakdown %+v: want the same", dom[0], by[0])
	}
	if *alone[0].Estimate != *dom[0].Estimate || *alone[0].SE == *dom[0].SE {
		t.Errorf("the group alone: se %v, domain %v: want the same share, a different interval", *alone[0].SE, *dom[0].SE)
	}
	if n := wave.Within(Answering("sex", "m")).Respondents(); n != 0 {
		t.Errorf("respondents answering sex=m: got %d, want 0", n)
	}
	if _, err := EstimateShare(wave, "trust_police", []string{DontKnow}, ""); err == nil {
		t.Error(`"don't know" counted as yes: no error`)
	}
}

// A survey that names its strata and clusters gets them in every
// estimate: the trust index by territory equals the R-checked estimator
// (survey.Design, matched to svyby on a stratified cluster design in
// internal/survey/testdata) given the same strata and clusters, and
// differs from the weights-only interval. A stratum with one cluster
// cannot give an interval and is refused, as R's lonely-PSU rule does.
func TestSampleStrataClusters(t *testing.T) {
	sv := Standard("demo", "41700000000000")
	sv.Strata, sv.Clusters = ByTerritory, "settlement_type"
	rs := Demo(DemoWaves[0], demoDistricts(), 5)
	smp, err := NewSample(sv, rs, nil)
	if err != nil {
		t.Fatal(err)
	}
	got, err := TrustIndex(smp, ByTerritory)
	if err != nil {
		t.Fatal(err)
	}
	strata, clusters := map[string]int{}, map[string]int{}
	w, st, cl, y, g := make([]float64, len(rs)), make([]int, len(rs)), make([]int, len(rs)), make([]float64, len(rs)), make([]string, len(rs))
	for i, r := range rs {
		if _, ok := strata[r.TerritoryCode]; !ok {
			strata[r.TerritoryCode] = len(strata)
		}
		if _, ok := clusters[r.Answers["settlement_type"]]; !ok {
			clusters[r.Answers["settlement_type"]] = len(clusters)
		}
		w[i], st[i], cl[i], g[i] = r.Weight, strata[r.TerritoryCode], clusters[r.Answers["settlement_type"]], r.TerritoryCode
		switch a := r.Answers["trust_police"]; {
		case a == "rather_trust" || a == "fully_trust":
			y[i] = 1
		case a == "" || a == DontKnow:
			y[i] = math.NaN()
		}
	}
	d, err := survey.NewDesign(w, st, cl)
	if err != nil {
		t.Fatal(err)
	}
	want, err := d.By(y, g)
	if err != nil {
		t.Fatal(err)
	}
	plain, err := TrustIndex(mustSample(t, Standard("demo", "41700000000000"), rs), ByTerritory)
	if err != nil {
		t.Fatal(err)
	}
	police, differ := 0, false
	for i, r := range got {
		if r.BodyType != "police" || r.Estimate == nil {
			continue
		}
		e := want[police].Estimate
		if r.Group != want[police].Key || math.Abs(*r.Estimate-100*e.Value) > 1e-9 || math.Abs(*r.SE-100*e.SE) > 1e-9 {
			t.Errorf("%s: got %v ± %v, want the design's %v ± %v", r.Group, *r.Estimate, *r.SE, 100*e.Value, 100*e.SE)
		}
		differ = differ || math.Abs(*plain[i].SE-*r.SE) > 1e-9
		police++
	}
	if police != len(want) || !differ {
		t.Errorf("compared %d districts of %d; the clusters changed an interval: %v", police, len(want), differ)
	}
	// Every respondent of one district answers "urban": one cluster in a
	// stratum.
	for _, r := range rs {
		if r.TerritoryCode == "41702000000000" {
			r.Answers["settlement_type"] = "urban"
		}
	}
	if _, err := NewSample(sv, rs, nil); aldyn.ErrorCode(err) != aldyn.EINVALID {
		t.Errorf("a stratum with one cluster: got %v, want invalid", err)
	}
}

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

package surveys

import (
	"math"
	"testing"

	"github.com/aldyn-kg/aldyn"
)

// The local assessment (ratings by local self-government bodies and the
// coordination commission) counts in the score from aldyn.MinUnitRatings
// ratings; below, it is shown flagged and left out, the other weights
// rescaled.
func TestScoreUnitLocalAssessment(t *testing.T) {
	sv := Standard("demo", "41700000000000")
	var unit []*aldyn.SurveyResponse
	for _, r := range Demo(DemoWaves[0], demoDistricts(), 1) {
		if r.TerritoryCode == "41702000000000" {
			unit = append(unit, r)
		}
	}
	local := 87.5
	in := UnitInput{TerritoryCode: "41702000000000", Responses: unit, Registered: 1000, Solved: 450, RegisteredBefore: 1000,
		LocalAssessment: &local, LocalRatings: aldyn.MinUnitRatings}
	scoreWithout := func(c Scorecard, skip ...string) float64 {
		sum, weights := 0.0, 0.0
		for _, comp := range ScoreComponents {
			v := c.Values[comp.Key]
			if v == nil || comp.Key == skip[0] || comp.Key == "reports_on_time" {
				continue
			}
			sum += comp.Weight * *v
			weights += comp.Weight
		}
		return round(sum/weights, 1)
	}
	c, err := ScoreUnit(sv, in)
	if err != nil || c.Values["local_assessment"] == nil || *c.Values["local_assessment"] != 87.5 || c.LocalFew || c.LocalRatings != aldyn.MinUnitRatings {
		t.Fatalf("got %+v (%v), want the local assessment 87.5 from %d ratings", c, err, aldyn.MinUnitRatings)
	}
	if want := scoreWithout(c, ""); *c.Score != want {
		t.Errorf("score: got %v, want %v with the local assessment", *c.Score, want)
	}
	in.LocalRatings = aldyn.MinUnitRatings - 1
	few, err := ScoreUnit(sv, in)
	if err != nil || !few.LocalFew || few.Values["local_assessment"] == nil || few.LocalRatings != aldyn.MinUnitRatings-1 {
		t.Fatalf("got %+v (%v), want the local assessment shown and flagged", few, err)
	}
	if want := scoreWithout(few, "local_assessment"); *few.Score != want || *few.Score == *c.Score {
		t.Errorf("score with too few ratings: got %v, want %v (without the local assessment; %v with it)", *few.Score, want, *c.Score)
	}
	none, err := ScoreUnit(sv, UnitInput{TerritoryCode: "x", Responses: unit})
	if err != nil || none.Values["local_assessment"] != nil || !none.LocalFew {
		t.Errorf("no ratings: got %+v, want no local assessment", none)
	}
	if math.IsNaN(aldyn.RatingScore(3)) || aldyn.RatingScore(1) != 0 || aldyn.RatingScore(5) != 100 || aldyn.RatingScore(3) != 50 {
		t.Errorf("RatingScore: 1 → %v, 3 → %v, 5 → %v; want 0, 50, 100", aldyn.RatingScore(1), aldyn.RatingScore(3), aldyn.RatingScore(5))
	}
}

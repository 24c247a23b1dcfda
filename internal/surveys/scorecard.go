package surveys

import (
	"math"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/survey"
)

// The police unit scorecard (§4.2 task 1 of the Concept, "an external
// evaluation system"): for each district police department, residents'
// opinion from surveys beside indicators from the offense statistics,
// each scored 0–100 and combined with published weights.

// ScoreComponent is one component of the scorecard, its weight and how
// its value becomes a score.
type ScoreComponent struct {
	Key    string  `json:"key"`
	Weight float64 `json:"weight"`
}

// ScoreComponents are the components and weights of the scorecard: trust
// in the police and satisfaction with the precinct inspector (shares of
// residents, %), the share of registered offenses solved (%), the
// change of the registered offense rate from the year before (a fall
// scores above 50, a rise below), and the share of residents' reports
// answered on time (%).
var ScoreComponents = ScoreComponentsOf(aldyn.DefaultScorecardWeights)

// ScoreComponentsOf gives the components with the weights administrators
// set.
func ScoreComponentsOf(ws []aldyn.ScorecardWeight) []ScoreComponent {
	out := make([]ScoreComponent, len(ws))
	for i, w := range ws {
		out[i] = ScoreComponent{Key: w.Component, Weight: w.Weight}
	}
	return out
}

// Grade thresholds of the combined score.
const (
	GoodFrom = 60.0
	FairFrom = 40.0
)

// UnitInput is what a unit's scorecard is computed from: its survey
// respondents, and its registered and solved offenses in the year and the
// year before, and its residents' reports whose deadline has come (or
// that were answered) and how many of them were answered on time.
type UnitInput struct {
	TerritoryCode          string
	Responses              []*aldyn.SurveyResponse
	Registered, Solved     int64
	RegisteredBefore       int64
	Reports, ReportsOnTime int
	// ReportBackHeld report-back meetings of precinct inspectors were held
	// in the unit's ReportBackPrecincts precincts over the last four
	// full quarters.
	ReportBackHeld, ReportBackPrecincts int
	// LocalAssessment is the mean 0–100 of the unit's ratings in the
	// year by local self-government bodies and the coordination
	// commission (aldyn.UnitRatingSummary.Score; nil without any), from
	// LocalRatings ratings.
	LocalAssessment *float64
	LocalRatings    int
	// Wave, when set, is the whole wave the unit's respondents belong to:
	// the unit's shares are then its domain's (respondents whose territory
	// is the unit's), with the wave's design, as the trust index and the
	// estimates page give them; otherwise Responses with their weights.
	Wave *Sample
}

// Scorecard is one unit's scorecard: each component's value (nil when
// withheld or unknown), the combined score over the components known
// (their weights rescaled), and the grade. The share of reports answered
// on time is shown with its count; from fewer than survey.MinRespondents
// reports it is flagged (ReportsFew) and left out of the score, as a
// survey share from too few respondents is.
type Scorecard struct {
	TerritoryCode string              `json:"territory_code"`
	Values        map[string]*float64 `json:"values"`
	Respondents   int                 `json:"respondents"`
	Reports       int                 `json:"reports"`
	ReportsFew    bool                `json:"reports_few"`
	Score         *float64            `json:"score"`
	Grade         string              `json:"grade"` // good, fair, weak, or "" without a score
	// Report-back meetings held per precinct over the last four full
	// quarters: a figure shown beside the components, not weighted into
	// the score (nil where the unit has no precincts).
	ReportBackHeld        int      `json:"report_back_held"`
	ReportBackPrecincts   int      `json:"report_back_precincts"`
	ReportBackPerPrecinct *float64 `json:"report_back_per_precinct"`
	// The local assessment's number of ratings; from fewer than
	// aldyn.MinUnitRatings it is flagged (LocalFew) and left out of the
	// score.
	LocalRatings int  `json:"local_ratings"`
	LocalFew     bool `json:"local_few"`
	// Survey holds the survey components' estimates with their intervals;
	// an unreliable one (survey.MinRespondents, survey.MaxRSE) has no value
	// in Values and is left out of the score.
	Survey map[string]*Row `json:"survey"`
}

// ScoreUnit computes the scorecard of one unit from survey sv with the
// default weights.
func ScoreUnit(sv *aldyn.Survey, in UnitInput) (Scorecard, error) {
	return ScoreUnitWith(sv, in, ScoreComponents)
}

// sample is the unit's respondents: its domain of the wave, or Responses
// alone.
func (in UnitInput) sample(sv *aldyn.Survey) (*Sample, error) {
	if in.Wave == nil {
		return NewSample(sv, in.Responses, nil)
	}
	return in.Wave.Within(func(r *aldyn.SurveyResponse) bool { return r.TerritoryCode == in.TerritoryCode }), nil
}

// ScoreUnitWith computes the scorecard of one unit from survey sv with
// the components' weights comps.
func ScoreUnitWith(sv *aldyn.Survey, in UnitInput, comps []ScoreComponent) (Scorecard, error) {
	c := Scorecard{TerritoryCode: in.TerritoryCode, Values: map[string]*float64{}, Survey: map[string]*Row{}, Reports: in.Reports,
		ReportsFew: in.Reports < survey.MinRespondents, ReportBackHeld: in.ReportBackHeld, ReportBackPrecincts: in.ReportBackPrecincts}
	if in.ReportBackPrecincts > 0 {
		v := round(float64(in.ReportBackHeld)/float64(in.ReportBackPrecincts), 2)
		c.ReportBackPerPrecinct = &v
	}
	smp, err := in.sample(sv)
	if err != nil {
		return c, err
	}
	c.Respondents = smp.Respondents()
	share := func(key, question string, yes, no []string) error {
		if sv.Question(question) == nil {
			return nil
		}
		rows, err := Share(smp, question, yes, no, "")
		if err != nil || len(rows) == 0 {
			return err
		}
		c.Survey[key] = &rows[0]
		if rows[0].Reliable {
			c.Values[key] = rows[0].Estimate
		}
		return nil
	}
	if err := share("trust", "trust_police", TrustYes, TrustNo); err != nil {
		return c, err
	}
	if err := share("satisfaction", "inspector_satisfaction", []string{"rather_satisfied", "very_satisfied"},
		[]string{"very_dissatisfied", "rather_dissatisfied", "neutral"}); err != nil {
		return c, err
	}
	if in.Registered > 0 {
		v := 100 * float64(in.Solved) / float64(in.Registered)
		c.Values["solved"] = &v
	}
	if in.RegisteredBefore > 0 {
		change := 100 * (float64(in.Registered) - float64(in.RegisteredBefore)) / float64(in.RegisteredBefore)
		v := math.Max(0, math.Min(100, 50-change))
		c.Values["offense_change"] = &v
	}
	if in.Reports > 0 {
		v := round(100*float64(in.ReportsOnTime)/float64(in.Reports), 1)
		c.Values["reports_on_time"] = &v
	}
	c.LocalRatings, c.LocalFew = in.LocalRatings, in.LocalRatings < aldyn.MinUnitRatings
	if in.LocalAssessment != nil && in.LocalRatings > 0 {
		v := round(*in.LocalAssessment, 1)
		c.Values["local_assessment"] = &v
	}
	var sum, weights float64
	for _, comp := range comps {
		if comp.Key == "reports_on_time" && c.ReportsFew || comp.Key == "local_assessment" && c.LocalFew {
			continue
		}
		if v := c.Values[comp.Key]; v != nil {
			sum += comp.Weight * *v
			weights += comp.Weight
		}
	}
	// A score needs residents' opinion and at least one indicator.
	if weights > 0 && c.Values["trust"] != nil {
		s := round(sum/weights, 1)
		c.Score = &s
		switch {
		case s >= GoodFrom:
			c.Grade = "good"
		case s >= FairFrom:
			c.Grade = "fair"
		default:
			c.Grade = "weak"
		}
	}
	return c, nil
}

package surveys

import (
	"context"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/store"
)

// IndicatorValues computes the values of a plan indicator whose source is
// a survey: for every wave of the survey its numerator names, the weighted
// share (%) of the plan territory's respondents whose answer is one of the
// measure's (among those answering; only those matching the measure's
// filter). A wave whose share is withheld (fewer than 30 respondents)
// gives no value. The period is the wave.
func IndicatorValues(ctx context.Context, db *store.DB, plan *aldyn.Plan, ind *aldyn.Indicator) ([]aldyn.IndicatorValue, error) {
	if ind.Source != aldyn.IndicatorSurvey {
		return nil, aldyn.Errorf(aldyn.EINVALID, "indicator.error.not_computed")
	}
	m, err := aldyn.ParseSurveyMeasure(ind.Numerator)
	if err != nil {
		return nil, err
	}
	sv, err := db.FindSurveyBySlug(ctx, m.Slug)
	if err != nil {
		return nil, err
	}
	t, err := db.FindTerritoryByCode(ctx, plan.TerritoryCode)
	if err != nil {
		return nil, err
	}
	waves, err := db.SurveyWaves(ctx, sv.ID)
	if err != nil {
		return nil, err
	}
	var out []aldyn.IndicatorValue
	for _, wave := range waves {
		var rs []*aldyn.SurveyResponse
		f := aldyn.ResponseFilter{SurveyID: sv.ID, Wave: &wave, Under: t.Path}
		if err := db.EachResponse(ctx, f, func(r *aldyn.SurveyResponse) error {
			if m.FilterQuestion == "" || r.Answers[m.FilterQuestion] == m.FilterValue {
				rs = append(rs, r)
			}
			return nil
		}); err != nil {
			return nil, err
		}
		q := sv.Question(m.Question)
		if q == nil {
			return nil, aldyn.Errorf(aldyn.EINVALID, "surveys.error.question", "question", m.Question)
		}
		var no []string
		for _, c := range q.Choices {
			if !contains(m.Yes, c.Name) && c.Name != "dont_know" {
				no = append(no, c.Name)
			}
		}
		rows, err := Share(sv, rs, m.Question, m.Yes, no, "")
		if err != nil {
			return nil, err
		}
		if len(rows) == 1 && rows[0].Estimate != nil {
			out = append(out, aldyn.IndicatorValue{IndicatorID: ind.ID, Period: wave, Value: round(*rows[0].Estimate, 1)})
		}
	}
	return out, nil
}

func contains(xs []string, x string) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}

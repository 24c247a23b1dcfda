package surveys

import (
	"context"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/store"
)

// IndicatorValues computes the values of a plan indicator whose source is
// a survey: for every wave of the survey its numerator names, the share
// IndicatorEstimates gives, rounded to 0.1. A wave whose share is withheld
// or unreliable (fewer than 30 respondents, or a relative standard error
// above 30 %) gives no value: an indicator value is a plain number. The
// period is the wave.
func IndicatorValues(ctx context.Context, db *store.DB, plan *aldyn.Plan, ind *aldyn.Indicator) ([]aldyn.IndicatorValue, error) {
	ests, err := IndicatorEstimates(ctx, db, plan, ind)
	if err != nil {
		return nil, err
	}
	var out []aldyn.IndicatorValue
	for _, e := range ests {
		if e.Estimate != nil && e.Reliable {
			out = append(out, aldyn.IndicatorValue{IndicatorID: ind.ID, Period: e.Wave, Value: round(*e.Estimate, 1)})
		}
	}
	return out, nil
}

// WaveRow is an estimate of one wave.
type WaveRow struct {
	Wave string `json:"wave"`
	Row
}

// IndicatorEstimates estimates, for every wave of the survey a survey
// indicator's numerator names, the weighted share (%) of the plan
// territory's respondents whose answer is one of the measure's, among
// those answering other than "don't know" (only those matching the
// measure's filter) — with the wave's design, the plan territory and the
// filter being a domain of the whole wave, as on the estimates page.
func IndicatorEstimates(ctx context.Context, db *store.DB, plan *aldyn.Plan, ind *aldyn.Indicator) ([]WaveRow, error) {
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
	q := sv.Question(m.Question)
	if q == nil {
		return nil, aldyn.Errorf(aldyn.EINVALID, "surveys.error.question", "question", m.Question)
	}
	waves, err := db.SurveyWaves(ctx, sv.ID)
	if err != nil {
		return nil, err
	}
	out := []WaveRow{}
	for _, wave := range waves {
		s, err := LoadSample(ctx, db, sv, wave)
		if err != nil {
			return nil, err
		}
		s = s.Within(Under(t.Path))
		if m.FilterQuestion != "" {
			s = s.Within(Answering(m.FilterQuestion, m.FilterValue))
		}
		rows, err := Share(s, m.Question, m.Yes, Opinions(q, m.Yes), "")
		if err != nil {
			return nil, err
		}
		if len(rows) == 1 {
			out = append(out, WaveRow{Wave: wave, Row: rows[0]})
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

package demo

import (
	"context"
	"fmt"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/store"
	"github.com/aldyn-kg/aldyn/internal/surveys"
)

// DemoSurveySlug is the address of the demo national survey; its presence
// means the demo surveys are loaded.
const DemoSurveySlug = "demo-safety-trust"

// LoadSurveys loads the demo national survey of safety and trust (the
// standard questionnaire) with two synthetic waves of about 3,000
// respondents each, weighted to the demo margins' districts, whose results
// reproduce the Concept's 47 % of women feeling safe and 38 % of victims
// reporting. Its title says the data are synthetic. Loaded once.
func LoadSurveys(ctx context.Context, db *store.DB) error {
	if _, err := db.FindSurveyBySlug(ctx, DemoSurveySlug); err == nil {
		return nil
	} else if aldyn.ErrorCode(err) != aldyn.ENOTFOUND {
		return err
	}
	// The districts and their populations are the shipped demo margins'
	// (internal/surveys/margins/demo.csv), the file the demo waves can be
	// weighted to again on the weighting page; each must be a district here.
	level := aldyn.LevelDistrict
	ts, _, err := db.FindTerritories(ctx, aldyn.TerritoryFilter{Level: &level, Page: aldyn.Page{Limit: aldyn.MaxLimit}})
	if err != nil {
		return err
	}
	known := map[string]bool{}
	for _, t := range ts {
		known[t.Code] = true
	}
	districts := surveys.DemoDistricts()
	for _, d := range districts {
		if !known[d.Code] {
			return fmt.Errorf("demo surveys: the demo margins' territory %s is not a district", d.Code)
		}
	}
	sv := surveys.Standard(DemoSurveySlug, "41700000000000")
	sv.Title = aldyn.Text{KY: sv.Title.KY + " (демо, синтетикалык маалыматтар)", RU: sv.Title.RU + " (демо, синтетические данные)",
		EN: sv.Title.EN + " (demo, synthetic data)"}
	if err := db.CreateSurvey(ctx, aldyn.System, sv); err != nil {
		return err
	}
	sv.Status = aldyn.SurveyRunning
	if err := db.UpdateSurvey(ctx, aldyn.System, sv.ID, sv); err != nil {
		return err
	}
	for i, w := range surveys.DemoWaves {
		if _, err := db.AddResponses(ctx, aldyn.System, sv.ID, surveys.Demo(w, districts, uint64(i+1))); err != nil {
			return fmt.Errorf("demo survey wave %s: %w", w.Wave, err)
		}
	}
	return nil
}

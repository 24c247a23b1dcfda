package surveys

import (
	"context"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/opendata"
)

// The trust index is published as the surveys module shows it: only the
// values it publishes as reliable, with their interval and respondents.
func init() {
	opendata.Register(opendata.Dataset{
		Slug: "survey-trust-index", Theme: opendata.ThemeOfficial, Frequency: opendata.Irregular,
		Keywords:    []string{"survey", "trust", "police", "kyrgyzstan"},
		Title:       opendata.Message("surveys.open.title"),
		Description: opendata.Message("surveys.open.description"),
		Source:      opendata.WritesSource, Build: buildTrustIndex,
	})
}

func buildTrustIndex(ctx context.Context, in opendata.Input) ([]*opendata.Table, error) {
	ts, err := in.DB.TerritoryNames(ctx)
	if err != nil {
		return nil, err
	}
	names := map[string]aldyn.Territory{}
	for _, t := range ts {
		names[t.Code] = t
	}
	list, _, err := in.DB.FindSurveys(ctx, aldyn.SurveyFilter{Page: aldyn.Page{Limit: aldyn.MaxLimit}})
	if err != nil {
		return nil, err
	}
	t := &opendata.Table{Name: "trust-index", Title: opendata.Message("surveys.open.table")}
	t.Fields = append(append([]opendata.Field{opendata.MessageField("surveys.open.field.", "survey", "string"), opendata.MessageField("surveys.open.field.", "wave", "string")}, opendata.TerritoryFields...),
		opendata.MessageField("surveys.open.field.", "body_type", "string"), opendata.MessageField("surveys.open.field.", "trust_index", "number"), opendata.MessageField("surveys.open.field.", "ci_low", "number"), opendata.MessageField("surveys.open.field.", "ci_high", "number"), opendata.MessageField("surveys.open.field.", "n", "integer"))
	for _, sv := range list {
		if sv.Status == aldyn.SurveyDraft || sv.Question(TrustBodies[0].Question) == nil {
			continue
		}
		waves, err := in.DB.SurveyWaves(ctx, sv.ID)
		if err != nil {
			return nil, err
		}
		for _, wave := range waves {
			smp, err := LoadSample(ctx, in.DB, sv, wave)
			if err != nil {
				return nil, err
			}
			for _, by := range []string{"", ByTerritory} {
				rows, err := TrustIndex(smp, by)
				if err != nil {
					return nil, err
				}
				for _, r := range rows {
					if !r.Reliable || r.Estimate == nil {
						continue // the module withholds it: so does the dataset
					}
					code := r.Group
					if by == "" {
						code = sv.TerritoryCode // the survey's whole area
					}
					n := names[code]
					t.Rows = append(t.Rows, []any{sv.Slug, wave, n.Level, code, n.NameKy, n.NameRu, n.NameEn, r.BodyType,
						round(*r.Estimate, 1), round(*r.CILow, 1), round(*r.CIHigh, 1), int64(r.UnweightedN)})
				}
			}
		}
	}
	return []*opendata.Table{t}, nil
}

package web

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/datasets"
	"github.com/aldyn-kg/aldyn/internal/offenses"
	"github.com/aldyn-kg/aldyn/internal/residents"
	"github.com/aldyn-kg/aldyn/internal/store"
	"github.com/aldyn-kg/aldyn/internal/surveys"
)

// Indicators whose source is the offense statistics, reported figures or
// a survey are computed, not typed in: the plan's coordinator recomputes their
// values from the records (e.g. registered thefts per 100,000 residents
// of the district), the accepted data set values or the survey responses.

// indicatorSource computes the values of a plan's indicator from one kind
// of the platform's data; each module that can feed indicators offers one.
type indicatorSource func(ctx context.Context, db *store.DB, plan *aldyn.Plan, ind *aldyn.Indicator, now time.Time) ([]aldyn.IndicatorValue, error)

// indicatorSources are the computed sources by aldyn.Indicator.Source.
var indicatorSources = map[string]indicatorSource{
	aldyn.IndicatorOffenses:  offenses.IndicatorValues,
	aldyn.IndicatorDataSets:  datasets.IndicatorValues,
	aldyn.IndicatorResidents: residents.IndicatorValues,
	aldyn.IndicatorSurvey: func(ctx context.Context, db *store.DB, p *aldyn.Plan, ind *aldyn.Indicator, _ time.Time) ([]aldyn.IndicatorValue, error) {
		return surveys.IndicatorValues(ctx, db, p, ind)
	},
}

// computeIndicator runs the indicator's source; a manual indicator has none.
func (s *Server) computeIndicator(ctx context.Context, plan *aldyn.Plan, ind *aldyn.Indicator, now time.Time) ([]aldyn.IndicatorValue, error) {
	src, ok := indicatorSources[ind.Source]
	if !ok {
		return nil, aldyn.Errorf(aldyn.EINVALID, "indicator.error.not_computed")
	}
	return src(ctx, s.db, plan, ind, now)
}

func (s *Server) indicatorCompute(w http.ResponseWriter, r *http.Request) error {
	if !actor(r).SignedIn() {
		return unauthorized()
	}
	ind, p, internal, err := s.indicatorByPath(r)
	if err != nil {
		return err
	}
	if !internal || !actor(r).CanManagePlan(p.TerritoryPath) {
		return forbidden()
	}
	vals, err := s.computeIndicator(r.Context(), p, ind, time.Now())
	if err != nil {
		return err
	}
	if err := s.db.UpsertIndicatorValues(r.Context(), actor(r), vals); err != nil {
		return err
	}
	if isAPI(r) {
		if vals == nil {
			vals = []aldyn.IndicatorValue{}
		}
		return writeJSON(w, http.StatusOK, vals)
	}
	return redirect(w, r, fmt.Sprintf("/indicators/%d", ind.ID), "plans.indicator.computed")
}

// withComputedIndicators sets the values of the plan's indicators whose
// source is the offense statistics to those the records give at now: a
// dashboard or report shows them without anyone recomputing first, and
// values stored by an earlier recompute or typed into a report do not
// stand in for the records.
func (s *Server) withComputedIndicators(ctx context.Context, in *aldyn.DashboardInput, now time.Time) error {
	computed := map[int64]bool{}
	var vals []aldyn.IndicatorValue
	for i := range in.Indicators {
		ind := &in.Indicators[i]
		if _, ok := indicatorSources[ind.Source]; !ok {
			continue
		}
		v, err := s.computeIndicator(ctx, in.Plan, ind, now)
		if err != nil {
			return fmt.Errorf("indicator %d: %w", ind.ID, err)
		}
		computed[ind.ID] = true
		vals = append(vals, v...)
	}
	if len(computed) == 0 {
		return nil
	}
	for _, v := range in.Values {
		if !computed[v.IndicatorID] {
			vals = append(vals, v)
		}
	}
	in.Values = vals
	return nil
}

func init() {
	apiOps = append(apiOps, apiOp{Method: "POST", Path: "/api/v1/indicators/{id}/compute",
		Summary: "Recompute an indicator whose source is the offense statistics, reported figures, a survey or residents' reports (count, rate per 100,000 or percentage for each ended period of the plan)",
		Tag:     "plans", Access: "coordinator of the plan's territory", Params: []apiParam{idParam}, Response: "IndicatorValues"})
	schemas["IndicatorValues"] = map[string]any{"type": "array", "items": obj(map[string]any{"indicator_id": integer(), "period": str(),
		"territory_code": str(), "value": num()})}
}

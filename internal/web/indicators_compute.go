package web

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/offenses"
)

// Indicators whose source is the offense statistics are computed, not
// typed in: the plan's coordinator recomputes their values from the
// records (e.g. registered thefts per 100,000 residents of the district).

func (s *Server) registerIndicatorCompute() {
	s.handle("POST", "/indicators/{id}/compute", s.indicatorCompute)
	s.handle("POST", "/api/v1/indicators/{id}/compute", s.indicatorCompute)
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
	vals, err := offenses.IndicatorValues(r.Context(), s.db, p, ind, time.Now())
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
		if ind.Source != aldyn.IndicatorOffenses {
			continue
		}
		v, err := offenses.IndicatorValues(ctx, s.db, in.Plan, ind, now)
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
		Summary: "Recompute an indicator whose source is the offense statistics (count or rate per 100,000 for each ended period of the plan)",
		Tag:     "plans", Access: "coordinator of the plan's territory", Params: []apiParam{idParam}, Response: "IndicatorValues"})
	schemas["IndicatorValues"] = map[string]any{"type": "array", "items": obj(map[string]any{"indicator_id": integer(), "period": str(),
		"territory_code": str(), "value": num()})}
}

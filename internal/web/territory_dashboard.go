package web

import (
	"net/http"
	"time"

	"github.com/aldyn-kg/aldyn"
)

// The monitoring dashboard of a territory: every approved plan of the
// territory and of the territories below it, each with its key figures,
// and their totals.

// planFigures are one plan's dashboard figures on the territory dashboard.
type planFigures struct {
	Plan      *aldyn.Plan        `json:"plan"`
	Territory string             `json:"territory_name"`
	Measures  aldyn.StatusCounts `json:"measures"`
	Shares    aldyn.StatusShares `json:"shares"`
	Budget    struct {
		PlannedKGS int64   `json:"planned_kgs"`
		SpentKGS   int64   `json:"spent_kgs"`
		SpentShare float64 `json:"spent_share"`
	} `json:"budget"`
	Reporting *aldyn.BodyReporting `json:"reporting,omitempty"` // the latest cycle's totals
}

// territoryDashboard is the response of /api/v1/monitoring.
type territoryDashboard struct {
	TerritoryCode string             `json:"territory_code"`
	Plans         []planFigures      `json:"plans"`
	Measures      aldyn.StatusCounts `json:"measures"`
	Shares        aldyn.StatusShares `json:"shares"`
	PlannedKGS    int64              `json:"planned_kgs"`
	SpentKGS      int64              `json:"spent_kgs"`
}

func (s *Server) territoryDashboard(r *http.Request) (*territoryDashboard, *aldyn.Territory, error) {
	if err := requireSignedIn(r); err != nil {
		return nil, nil, err
	}
	a := actor(r)
	code := r.URL.Query().Get("territory")
	if code == "" {
		code = a.TerritoryCode
	}
	t, err := s.db.FindTerritoryByCode(r.Context(), code)
	if err != nil {
		return nil, nil, err
	}
	if !a.Covers(t.Path) {
		return nil, nil, aldyn.Errorf(aldyn.ENOTFOUND, "error.not_found")
	}
	approved := aldyn.PlanApproved
	plans, _, err := s.db.FindPlans(r.Context(), aldyn.PlanFilter{Under: t.Path, Status: &approved, Page: aldyn.Page{Limit: aldyn.MaxLimit}})
	if err != nil {
		return nil, nil, err
	}
	names, err := s.territoryNames(r.Context(), info(r).loc.Lang())
	if err != nil {
		return nil, nil, err
	}
	td := &territoryDashboard{TerritoryCode: t.Code, Plans: []planFigures{}}
	now := time.Now()
	for _, p := range plans {
		in, err := s.db.LoadDashboardInput(r.Context(), p.ID)
		if err != nil {
			return nil, nil, err
		}
		d := aldyn.ComputeDashboard(*in, now)
		pf := planFigures{Plan: p, Territory: names[p.TerritoryCode], Measures: d.Measures, Shares: d.Shares}
		pf.Budget.PlannedKGS, pf.Budget.SpentKGS, pf.Budget.SpentShare = d.Budget.PlannedKGS, d.Budget.SpentKGS, d.Budget.SpentShare
		if d.Cycle != nil {
			tot := d.Cycle.Totals
			pf.Reporting = &tot
		}
		td.Plans = append(td.Plans, pf)
		td.PlannedKGS += d.Budget.PlannedKGS
		td.SpentKGS += d.Budget.SpentKGS
		td.Measures.Add(d.Measures)
	}
	td.Shares = td.Measures.Shares()
	return td, t, nil
}

// monitoringPageData is what the monitoring page (monitoring.html) shows:
// the figures of the approved plans under the filter's territory.
type monitoringPageData struct {
	D         *territoryDashboard
	Territory *aldyn.Territory
	Filter    *statsFilterData
}

func (s *Server) territoryDashboardPage(w http.ResponseWriter, r *http.Request) error {
	td, t, err := s.territoryDashboard(r)
	if err != nil {
		return err
	}
	fd, err := s.statsFilterData(r)
	if err != nil {
		return err
	}
	loc := info(r).loc
	return s.render(w, r, http.StatusOK, "monitoring", &page{Title: loc.T("monitoring.title", "territory", t.Name(loc.Lang())), Form: r.URL.Query(),
		Data: &monitoringPageData{D: td, Territory: t, Filter: fd}})
}

func (s *Server) apiTerritoryDashboard(w http.ResponseWriter, r *http.Request) error {
	td, _, err := s.territoryDashboard(r)
	return writeFound(w, td, err)
}

func init() {
	apiOps = append(apiOps, apiOp{Method: "GET", Path: "/api/v1/monitoring",
		Summary: "The monitoring dashboard of a territory: the figures of every approved plan of it and below it, and their totals",
		Tag:     "plans", Access: "signed in (the user's territory)",
		Params: []apiParam{{Name: "territory", In: "query", Type: "string", Description: "SOATE code (default: the user's territory)"}}, Response: "TerritoryDashboard"})
	schemas["TerritoryDashboard"] = obj(map[string]any{"territory_code": str(), "plans": map[string]any{"type": "array", "items": map[string]any{"type": "object"}},
		"measures": map[string]any{"type": "object"}, "shares": map[string]any{"type": "object"}, "planned_kgs": integer(), "spent_kgs": integer()})
}

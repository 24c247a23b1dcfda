package web

import (
	"net/http"
	"net/url"
	"strconv"
	"sync"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/concept"
)

// The risk register of a plan (§8 of the Concept): pre-filled with the
// Concept's risks and mitigations on first view, rated and extended by the
// coordinators who manage the plan, and drawn as a 5 × 5 matrix.

// riskConcept is the Concept whose §8 risks pre-fill every register.
var riskConcept = sync.OnceValues(concept.Load)

// riskPlan loads the plan of the path if the actor may read its register,
// pre-filling the register on first view.
func (s *Server) riskPlan(r *http.Request, planID int64) (*aldyn.Plan, error) {
	if err := requireSignedIn(r); err != nil {
		return nil, err
	}
	p, err := s.db.FindPlanByID(r.Context(), planID)
	if err != nil {
		return nil, err
	}
	if !actor(r).CanSeePlanRisks(p.TerritoryPath) {
		return nil, aldyn.Errorf(aldyn.ENOTFOUND, "plan.error.not_found")
	}
	c, err := riskConcept()
	if err != nil {
		return nil, err
	}
	// The platform fills the register, whoever happens to open it first.
	if _, err := s.db.EnsurePlanRisks(r.Context(), aldyn.System, p.ID, c); err != nil {
		return nil, err
	}
	return p, nil
}

func (s *Server) riskPlanByPath(r *http.Request) (*aldyn.Plan, error) {
	id, err := routeID(r, "id", "plan.error.not_found")
	if err != nil {
		return nil, err
	}
	return s.riskPlan(r, id)
}

// riskPlanToManage is riskPlanByPath for the pages that change the
// register: the actor must manage the plan.
func (s *Server) riskPlanToManage(r *http.Request) (*aldyn.Plan, error) {
	p, err := s.riskPlanByPath(r)
	if err == nil && !actor(r).CanManagePlan(p.TerritoryPath) {
		err = forbidden()
	}
	return p, err
}

// riskToManage is riskByPath for the pages that change the risk: the
// actor must manage its plan.
func (s *Server) riskToManage(r *http.Request) (*aldyn.Risk, *aldyn.Plan, error) {
	rk, p, err := s.riskByPath(r)
	if err == nil && !actor(r).CanManagePlan(p.TerritoryPath) {
		err = forbidden()
	}
	return rk, p, err
}

// riskByPath loads the risk of the path and its plan, if the actor may
// read the plan's register.
func (s *Server) riskByPath(r *http.Request) (*aldyn.Risk, *aldyn.Plan, error) {
	id, err := guardedID(r, requireSignedIn, "risks.error.not_found")
	if err != nil {
		return nil, nil, err
	}
	rk, err := s.db.FindRiskByID(r.Context(), id)
	if err != nil {
		return nil, nil, err
	}
	p, err := s.db.FindPlanByID(r.Context(), rk.PlanID)
	if err != nil {
		return nil, nil, err
	}
	if !actor(r).CanSeePlanRisks(p.TerritoryPath) {
		return nil, nil, aldyn.Errorf(aldyn.ENOTFOUND, "risks.error.not_found")
	}
	return rk, p, nil
}

// riskCell is a cell of the 5 × 5 matrix.
type riskCell struct {
	Likelihood, Impact int
	Level              string
	Numbers            []int // 1-based positions in the register
}

// riskMatrix lays the register out by impact (rows, 5 at the top) and
// likelihood (columns). Closed risks are left out.
func riskMatrix(rs []*aldyn.Risk) [][]riskCell {
	rows := make([][]riskCell, 0, aldyn.RiskScaleMax)
	for i := aldyn.RiskScaleMax; i >= aldyn.RiskScaleMin; i-- {
		row := make([]riskCell, 0, aldyn.RiskScaleMax)
		for l := aldyn.RiskScaleMin; l <= aldyn.RiskScaleMax; l++ {
			row = append(row, riskCell{Likelihood: l, Impact: i, Level: aldyn.RiskLevel(l, i)})
		}
		rows = append(rows, row)
	}
	for n, rk := range rs {
		if rk.Status == aldyn.RiskClosed {
			continue
		}
		c := &rows[aldyn.RiskScaleMax-rk.Impact][rk.Likelihood-aldyn.RiskScaleMin]
		c.Numbers = append(c.Numbers, n+1)
	}
	return rows
}

func (s *Server) risksPage(w http.ResponseWriter, r *http.Request) error {
	p, err := s.riskPlanByPath(r)
	if err != nil {
		return err
	}
	return s.renderRisks(w, r, http.StatusOK, p)
}

// risksPageData is the data of the risks page.
type risksPageData struct {
	Plan    *aldyn.Plan
	Risks   []*aldyn.Risk
	Names   map[int64]*aldyn.Body
	CanEdit bool
	Matrix  [][]riskCell
	Scale   []int
}

func (s *Server) renderRisks(w http.ResponseWriter, r *http.Request, status int, p *aldyn.Plan) error {
	rs, err := s.db.FindPlanRisks(r.Context(), p.ID)
	if err != nil {
		return err
	}
	var ids []int64
	for _, rk := range rs {
		ids = append(ids, rk.OwnerBodyID)
	}
	names, err := s.bodyNames(r.Context(), ids...)
	if err != nil {
		return err
	}
	title := info(r).loc.T("risks.title", map[string]any{"plan": p.Title.In(info(r).lang)})
	return s.render(w, r, status, "risks", &page{Title: title, Data: &risksPageData{
		Plan: p, Risks: rs, Names: names, CanEdit: actor(r).CanManagePlan(p.TerritoryPath), Matrix: riskMatrix(rs),
		Scale: []int{1, 2, 3, 4, 5},
	}})
}

// riskFromForm reads the risk form.
// riskForm is the risk's one form, the form and the API's JSON.
type riskForm struct{ *aldyn.Risk }

func (f riskForm) fields() formFields {
	rk := f.Risk
	return formFields{"text": texts(&rk.Text), "mitigation": texts(&rk.Mitigation), "owner_body_id": whole(&rk.OwnerBodyID, "error.bad_param_short"),
		"likelihood": whole(&rk.Likelihood, "risks.error.scale"), "impact": whole(&rk.Impact, "risks.error.scale"), "status": text(&rk.Status)}
}

func (s *Server) riskCreate(w http.ResponseWriter, r *http.Request) error {
	p, err := s.riskPlanToManage(r)
	if err != nil {
		return err
	}
	rk := &aldyn.Risk{PlanID: p.ID}
	form, readErr := readForm(r, riskForm{rk})
	return submitForm(w, r, form, readErr, func() error { return s.db.CreateRisk(r.Context(), actor(r), rk) },
		func(errs map[string]string) error {
			return s.riskFormPage(w, r, http.StatusBadRequest, nil, p, form, errs)
		},
		func() string { return "/plans/" + strconv.FormatInt(p.ID, 10) + "/risks" }, "common.created")
}

// riskFormPageData is the data of the risk_form page.
type riskFormPageData struct {
	Risk     *aldyn.Risk
	Plan     *aldyn.Plan
	Bodies   []*aldyn.Body
	Statuses []aldyn.RiskStatus
	Scale    []int
}

func (s *Server) riskFormPage(w http.ResponseWriter, r *http.Request, status int, rk *aldyn.Risk, p *aldyn.Plan, form url.Values, errs map[string]string) error {
	bodies, _, err := s.db.FindBodies(r.Context(), aldyn.BodyFilter{Under: p.TerritoryPath, Page: aldyn.Page{Limit: aldyn.MaxLimit, Sort: "territory"}})
	if err != nil {
		return err
	}
	title := info(r).loc.T("risks.add")
	if rk != nil {
		title = info(r).loc.T("risks.edit")
	}
	if form == nil && rk != nil {
		form = showForm(riskForm{rk})
	} else if form == nil {
		form = url.Values{"likelihood": {"3"}, "impact": {"3"}}
	}
	return s.render(w, r, status, "risk_form", &page{Title: title, Form: form, Errors: errs, Data: &riskFormPageData{
		Risk: rk, Plan: p, Bodies: bodies, Statuses: aldyn.RiskStatuses, Scale: []int{1, 2, 3, 4, 5},
	}})
}

func (s *Server) riskNewPage(w http.ResponseWriter, r *http.Request) error {
	p, err := s.riskPlanToManage(r)
	if err != nil {
		return err
	}
	return s.riskFormPage(w, r, http.StatusOK, nil, p, nil, nil)
}

func (s *Server) riskEditPage(w http.ResponseWriter, r *http.Request) error {
	rk, p, err := s.riskToManage(r)
	if err != nil {
		return err
	}
	return s.riskFormPage(w, r, http.StatusOK, rk, p, nil, nil)
}

func (s *Server) riskUpdate(w http.ResponseWriter, r *http.Request) error {
	old, p, err := s.riskToManage(r)
	if err != nil {
		return err
	}
	rk := &aldyn.Risk{}
	form, readErr := readForm(r, riskForm{rk})
	return submitForm(w, r, form, readErr, func() error { return s.db.UpdateRisk(r.Context(), actor(r), old.ID, rk) },
		func(errs map[string]string) error {
			return s.riskFormPage(w, r, http.StatusBadRequest, old, p, form, errs)
		},
		func() string {
			return "/plans/" + strconv.FormatInt(p.ID, 10) + "/risks#risk-" + strconv.FormatInt(old.ID, 10)
		}, "common.saved")
}

// API.

// riskJSON is a risk with its score and level.
type riskJSON struct {
	*aldyn.Risk
	Score int    `json:"score"`
	Level string `json:"level"`
}

func risksJSON(rs []*aldyn.Risk) []riskJSON {
	out := make([]riskJSON, len(rs))
	for i, rk := range rs {
		out[i] = riskJSON{rk, rk.Score(), rk.Level()}
	}
	return out
}

func (s *Server) apiRisks(w http.ResponseWriter, r *http.Request) error {
	p, err := s.riskPlanByPath(r)
	if err != nil {
		return err
	}
	rs, err := s.db.FindPlanRisks(r.Context(), p.ID)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"plan_id": p.ID, "items": risksJSON(rs)})
}

// riskInput is the JSON body of a risk's create and update.
func (s *Server) apiRiskCreate(w http.ResponseWriter, r *http.Request) error {
	p, err := s.riskPlanByPath(r)
	if err != nil {
		return err
	}
	rk := &aldyn.Risk{PlanID: p.ID}
	return saveRiskJSON(w, r, http.StatusCreated, rk, func() error { return s.db.CreateRisk(r.Context(), actor(r), rk) })
}

func (s *Server) apiRiskUpdate(w http.ResponseWriter, r *http.Request) error {
	old, _, err := s.riskByPath(r)
	if err != nil {
		return err
	}
	rk := &aldyn.Risk{}
	return saveRiskJSON(w, r, http.StatusOK, rk, func() error { return s.db.UpdateRisk(r.Context(), actor(r), old.ID, rk) })
}

// saveRiskJSON reads the API's JSON into rk through the risk's one form,
// saves it and answers with it, its score and its level.
func saveRiskJSON(w http.ResponseWriter, r *http.Request, status int, rk *aldyn.Risk, save func() error) error {
	if err := readJSON(r, riskForm{rk}); err != nil {
		return err
	}
	if err := save(); err != nil {
		return err
	}
	return writeJSON(w, status, riskJSON{rk, rk.Score(), rk.Level()})
}

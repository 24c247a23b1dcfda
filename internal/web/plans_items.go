package web

import (
	"context"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/store"
)

// This file serves the measures and indicators of plans: their pages,
// forms and API. They change only while their plan is a draft; the store
// refuses the rest.

func (s *Server) registerPlanItems() {
	s.handle("GET", "/plans/{id}/measures/new", s.measureNewPage)
	s.handle("POST", "/plans/{id}/measures", s.measureCreate)
	s.handle("GET", "/measures/{id}", s.measurePage)
	s.handle("GET", "/measures/{id}/edit", s.measureEditPage)
	s.handle("POST", "/measures/{id}", s.measureUpdate)
	s.handle("POST", "/measures/{id}/delete", s.measureDelete)

	s.handle("GET", "/plans/{id}/indicators/new", s.indicatorNewPage)
	s.handle("POST", "/plans/{id}/indicators", s.indicatorCreate)
	s.handle("GET", "/indicators/{id}", s.indicatorPage)
	s.handle("GET", "/indicators/{id}/edit", s.indicatorEditPage)
	s.handle("POST", "/indicators/{id}", s.indicatorUpdate)

	s.handle("GET", "/api/v1/plans/{id}/measures", s.apiMeasures)
	s.handle("POST", "/api/v1/plans/{id}/measures", s.apiMeasureCreate)
	s.handle("GET", "/api/v1/measures/{id}", s.apiMeasure)
	s.handle("PUT", "/api/v1/measures/{id}", s.apiMeasureUpdate)
	s.handle("DELETE", "/api/v1/measures/{id}", s.apiMeasureDelete)
	s.handle("GET", "/api/v1/indicators", s.apiIndicators)
	s.handle("POST", "/api/v1/plans/{id}/indicators", s.apiIndicatorCreate)
	s.handle("GET", "/api/v1/indicators/{id}", s.apiIndicator)
	s.handle("PUT", "/api/v1/indicators/{id}", s.apiIndicatorUpdate)
}

// measureByPath loads the measure of the path and its plan, found when
// the actor reads the plan.
func (s *Server) measureByPath(r *http.Request) (*aldyn.Measure, *aldyn.Plan, bool, error) {
	return planItemByPath(s, r, "plans.error.measure_not_found", s.db.FindMeasureByID, func(m *aldyn.Measure) int64 { return m.PlanID })
}

// indicatorByPath is measureByPath for an indicator.
func (s *Server) indicatorByPath(r *http.Request) (*aldyn.Indicator, *aldyn.Plan, bool, error) {
	return planItemByPath(s, r, "plans.error.indicator_not_found", s.db.FindIndicatorByID, func(i *aldyn.Indicator) int64 { return i.PlanID })
}

// planItemByPath loads the item (measure or indicator) of the path with
// find, and its plan; both are not found (notFound) unless the actor reads
// the plan, and internal says whether the actor is the plan's staff.
func planItemByPath[T any](s *Server, r *http.Request, notFound string, find func(context.Context, int64) (T, error), planID func(T) int64) (item T, p *aldyn.Plan, internal bool, err error) {
	var zero T
	id, err := routeID(r, "id", notFound)
	if err != nil {
		return zero, nil, false, err
	}
	item, err = find(r.Context(), id)
	if aldyn.ErrorCode(err) == aldyn.ENOTFOUND {
		return zero, nil, false, aldyn.Errorf(aldyn.ENOTFOUND, notFound)
	}
	if err != nil {
		return zero, nil, false, err
	}
	p, internal, err = s.visiblePlan(r.Context(), actor(r), planID(item))
	if err != nil {
		return zero, nil, false, aldyn.Errorf(aldyn.ENOTFOUND, notFound)
	}
	return item, p, internal, nil
}

// draftItem loads the item of the path (with byPath) and its plan for a
// change of the item: as managedDraft, and only for planners.
func draftItem[T any](s *Server, r *http.Request, byPath func(*http.Request) (T, *aldyn.Plan, bool, error), planID func(T) int64) (T, *aldyn.Plan, error) {
	var zero T
	if err := requirePlanner(r); err != nil {
		return zero, nil, err
	}
	item, _, _, err := byPath(r)
	if err != nil {
		return zero, nil, err
	}
	p, err := s.managedDraft(r, planID(item))
	if err != nil {
		return zero, nil, err
	}
	return item, p, nil
}

func (s *Server) draftMeasure(r *http.Request) (*aldyn.Measure, *aldyn.Plan, error) {
	return draftItem(s, r, s.measureByPath, func(m *aldyn.Measure) int64 { return m.PlanID })
}

func (s *Server) draftIndicator(r *http.Request) (*aldyn.Indicator, *aldyn.Plan, error) {
	return draftItem(s, r, s.indicatorByPath, func(i *aldyn.Indicator) int64 { return i.PlanID })
}

// pathDraft loads the plan of the path for a change of its content, as
// managedDraft.
func (s *Server) pathDraft(r *http.Request) (*aldyn.Plan, error) {
	id, err := routeID(r, "id", "plans.error.not_found")
	if err != nil {
		return nil, err
	}
	return s.managedDraft(r, id)
}

// managedDraft loads the plan of the path for a change of its content:
// 404 for those who cannot read it, 403 for those who do not manage it,
// 409 when it is no longer a draft.
func (s *Server) managedDraft(r *http.Request, planID int64) (*aldyn.Plan, error) {
	if err := requirePlanner(r); err != nil {
		return nil, err
	}
	a := actor(r)
	p, _, err := s.visiblePlan(r.Context(), a, planID)
	if err != nil {
		return nil, err
	}
	if !a.CanManagePlan(p.TerritoryPath) {
		return nil, forbidden()
	}
	return p, p.CheckEditable()
}

// Measures: forms.

// budgetRows is how many budget lines the measure form offers.
const budgetRows = 4

func measureFromForm(r *http.Request) (*aldyn.Measure, url.Values, error) {
	if err := r.ParseForm(); err != nil {
		return nil, nil, badParam("form")
	}
	f := r.PostForm
	errs := aldyn.Validation{}
	m := &aldyn.Measure{Code: f.Get("code"), ComponentCode: f.Get("component_code"), TaskCode: f.Get("task_code"),
		Title:          aldyn.Text{KY: f.Get("title_ky"), RU: f.Get("title_ru"), EN: f.Get("title_en")},
		Description:    aldyn.Text{KY: f.Get("description_ky"), RU: f.Get("description_ru"), EN: f.Get("description_en")},
		ExpectedResult: aldyn.Text{KY: f.Get("expected_result_ky"), RU: f.Get("expected_result_ru"), EN: f.Get("expected_result_en")},
		Cancelled:      f.Get("cancelled") != "",
	}
	// A task implies its component.
	if m.TaskCode != "" && m.ComponentCode == "" {
		if c, err := theConcept(); err == nil {
			for _, comp := range c.Components {
				if c.HasTask(comp.Code, m.TaskCode) {
					m.ComponentCode = comp.Code
				}
			}
		}
	}
	m.ResponsibleBodyID = formInt(f, "responsible_body_id", errs)
	m.CoExecutorIDs = formIDs(f, "co_executor_ids", errs)
	m.IndicatorIDs = formIDs(f, "indicator_ids", errs)
	m.Start = formDate(f, "start", errs)
	m.Due = formDate(f, "due", errs)
	sources, funders, amounts := f["budget_source"], f["budget_funder"], f["budget_amount"]
	for i := range max(len(sources), len(amounts)) {
		at := func(vs []string) string {
			if i < len(vs) {
				return strings.TrimSpace(vs[i])
			}
			return ""
		}
		src, amount := at(sources), strings.ReplaceAll(strings.ReplaceAll(at(amounts), " ", ""), "\u00a0", "")
		if src == "" && amount == "" {
			continue
		}
		n, err := strconv.ParseInt(amount, 10, 64)
		if err != nil {
			errs.Add("budget", "plans.error.amount")
			continue
		}
		m.Budget = append(m.Budget, aldyn.BudgetLine{Source: src, Funder: at(funders), AmountKGS: n})
	}
	return m, f, errs.Err()
}

func formIDs(f url.Values, name string, errs aldyn.Validation) []int64 {
	var out []int64
	for _, v := range f[name] {
		if strings.TrimSpace(v) == "" {
			continue
		}
		id, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
		if err != nil {
			errs.Add(name, "error.invalid")
			continue
		}
		if !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	return out
}

func formDate(f url.Values, name string, errs aldyn.Validation) time.Time {
	v := strings.TrimSpace(f.Get(name))
	if v == "" {
		return time.Time{}
	}
	t, err := time.Parse(time.DateOnly, v)
	if err != nil {
		errs.Add(name, "plans.error.date")
	}
	return t
}

func measureForm(m *aldyn.Measure) url.Values {
	form := url.Values{}
	if m == nil {
		return form
	}
	for k, v := range map[string]string{"code": m.Code, "component_code": m.ComponentCode, "task_code": m.TaskCode,
		"title_ky": m.Title.KY, "title_ru": m.Title.RU, "title_en": m.Title.EN,
		"description_ky": m.Description.KY, "description_ru": m.Description.RU, "description_en": m.Description.EN,
		"expected_result_ky": m.ExpectedResult.KY, "expected_result_ru": m.ExpectedResult.RU, "expected_result_en": m.ExpectedResult.EN,
		"responsible_body_id": strconv.FormatInt(m.ResponsibleBodyID, 10), "start": m.Start.Format(time.DateOnly), "due": m.Due.Format(time.DateOnly)} {
		form.Set(k, v)
	}
	if m.Cancelled {
		form.Set("cancelled", "1")
	}
	for _, id := range m.CoExecutorIDs {
		form.Add("co_executor_ids", strconv.FormatInt(id, 10))
	}
	for _, id := range m.IndicatorIDs {
		form.Add("indicator_ids", strconv.FormatInt(id, 10))
	}
	for _, l := range m.Budget {
		form.Add("budget_source", l.Source)
		form.Add("budget_funder", l.Funder)
		form.Add("budget_amount", strconv.FormatInt(l.AmountKGS, 10))
	}
	return form
}

// budgetRow is one line of the budget table of the measure form.
type budgetRow struct{ Source, Funder, Amount string }

func idSet(vs []string) map[int64]bool {
	out := map[int64]bool{}
	for _, v := range vs {
		if id, err := strconv.ParseInt(v, 10, 64); err == nil {
			out[id] = true
		}
	}
	return out
}

func (s *Server) renderMeasureForm(w http.ResponseWriter, r *http.Request, status int, p *aldyn.Plan, m *aldyn.Measure, form url.Values, errs map[string]string) error {
	ctx := r.Context()
	c, err := theConcept()
	if err != nil {
		return err
	}
	bodies, err := s.scopeBodies(ctx, actor(r))
	if err != nil {
		return err
	}
	inds, err := s.allIndicators(ctx, p.ID)
	if err != nil {
		return err
	}
	var rows []budgetRow
	src, fun, amt := form["budget_source"], form["budget_funder"], form["budget_amount"]
	for i := range max(len(src), len(amt)) {
		var b budgetRow
		if i < len(src) {
			b.Source = src[i]
		}
		if i < len(fun) {
			b.Funder = fun[i]
		}
		if i < len(amt) {
			b.Amount = amt[i]
		}
		rows = append(rows, b)
	}
	for len(rows) < budgetRows {
		rows = append(rows, budgetRow{})
	}
	title, action := info(r).loc.T("plans.measure_new"), "/plans/"+strconv.FormatInt(p.ID, 10)+"/measures"
	if m != nil {
		title, action = info(r).loc.T("plans.measure_edit"), "/measures/"+strconv.FormatInt(m.ID, 10)
	}
	return s.render(w, r, status, "plan_measure_form", &page{Title: title, Form: form, Errors: errs, Data: map[string]any{
		"Plan": p, "Measure": m, "Action": action, "Concept": c, "Bodies": bodies, "Indicators": inds, "Budget": rows,
		"Sources": aldyn.BudgetSources, "CoExecutors": idSet(form["co_executor_ids"]), "Linked": idSet(form["indicator_ids"]),
	}})
}

// saveMeasure validates a measure against the Concept and saves it.
func (s *Server) saveMeasure(ctx context.Context, a *aldyn.Actor, p *aldyn.Plan, id int64, m *aldyn.Measure) error {
	c, err := theConcept()
	if err != nil {
		return err
	}
	if err := m.Validate(p, c); err != nil {
		return err
	}
	if id == 0 {
		m.PlanID = p.ID
		return s.db.CreateMeasure(ctx, a, m)
	}
	return s.db.UpdateMeasure(ctx, a, id, m)
}

func (s *Server) measureNewPage(w http.ResponseWriter, r *http.Request) error {
	p, err := s.pathDraft(r)
	if err != nil {
		return err
	}
	return s.renderMeasureForm(w, r, http.StatusOK, p, nil, url.Values{}, nil)
}

func (s *Server) measureCreate(w http.ResponseWriter, r *http.Request) error {
	p, err := s.pathDraft(r)
	if err != nil {
		return err
	}
	m, form, readErr := measureFromForm(r)
	return submitForm(w, r, form, readErr, func() error { return s.saveMeasure(r.Context(), actor(r), p, 0, m) },
		func(errs map[string]string) error {
			return s.renderMeasureForm(w, r, http.StatusBadRequest, p, nil, form, errs)
		},
		func() string { return "/measures/" + strconv.FormatInt(m.ID, 10) }, "common.created")
}

func (s *Server) measurePage(w http.ResponseWriter, r *http.Request) error {
	m, p, internal, err := s.measureByPath(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	c, err := theConcept()
	if err != nil {
		return err
	}
	bodies, err := s.bodiesByID(ctx, append([]int64{m.ResponsibleBodyID}, m.CoExecutorIDs...))
	if err != nil {
		return err
	}
	if !internal {
		for id, b := range bodies {
			bodies[id] = b.Public()
		}
	}
	var inds []*aldyn.Indicator
	for _, id := range m.IndicatorIDs {
		if ind, err := s.db.FindIndicatorByID(ctx, id); err == nil {
			inds = append(inds, ind)
		}
	}
	var co []*aldyn.Body
	for _, id := range m.CoExecutorIDs {
		if b := bodies[id]; b != nil {
			co = append(co, b)
		}
	}
	manage := actor(r).CanManagePlan(p.TerritoryPath) && p.CanEdit()
	return s.render(w, r, http.StatusOK, "plan_measure", &page{Title: m.Code + " " + m.Title.In(info(r).lang), Data: map[string]any{
		"Measure": m, "Plan": p, "Internal": internal, "Component": c.Component(m.ComponentCode), "Task": c.Task(m.TaskCode),
		"Body": bodies[m.ResponsibleBodyID], "CoExecutors": co, "Indicators": inds, "CanEdit": manage,
	}})
}

func (s *Server) measureEditPage(w http.ResponseWriter, r *http.Request) error {
	m, p, err := s.draftMeasure(r)
	if err != nil {
		return err
	}
	return s.renderMeasureForm(w, r, http.StatusOK, p, m, measureForm(m), nil)
}

func (s *Server) measureUpdate(w http.ResponseWriter, r *http.Request) error {
	old, p, err := s.draftMeasure(r)
	if err != nil {
		return err
	}
	m, form, readErr := measureFromForm(r)
	return submitForm(w, r, form, readErr, func() error { return s.saveMeasure(r.Context(), actor(r), p, old.ID, m) },
		func(errs map[string]string) error {
			return s.renderMeasureForm(w, r, http.StatusBadRequest, p, old, form, errs)
		},
		func() string { return "/measures/" + strconv.FormatInt(old.ID, 10) }, "common.saved")
}

func (s *Server) measureDelete(w http.ResponseWriter, r *http.Request) error {
	m, _, err := s.draftMeasure(r)
	if err != nil {
		return err
	}
	if err := s.db.DeleteMeasure(r.Context(), actor(r), m.ID); err != nil {
		return err
	}
	return redirect(w, r, "/plans/"+strconv.FormatInt(m.PlanID, 10), "common.deleted")
}

// Indicators: forms.

// parseTargets reads "2025:10; 2026:8" (also "2025=10", pairs on new
// lines, a decimal comma in values).
func parseTargets(s string) ([]aldyn.IndicatorTarget, bool) {
	var out []aldyn.IndicatorTarget
	for _, part := range strings.FieldsFunc(s, func(r rune) bool { return r == ';' || r == '\n' || r == '\r' }) {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		y, v, ok := strings.Cut(part, ":")
		if !ok {
			y, v, ok = strings.Cut(part, "=") // as the template takes them
		}
		if !ok {
			return nil, false
		}
		year, err := strconv.Atoi(strings.TrimSpace(y))
		if err != nil {
			return nil, false
		}
		val, err := strconv.ParseFloat(strings.ReplaceAll(strings.TrimSpace(v), ",", "."), 64)
		if err != nil || math.IsNaN(val) || math.IsInf(val, 0) {
			return nil, false
		}
		out = append(out, aldyn.IndicatorTarget{Year: year, Value: val})
	}
	return out, true
}

func formatTargets(ts []aldyn.IndicatorTarget) string {
	parts := make([]string, len(ts))
	for i, t := range ts {
		parts[i] = strconv.Itoa(t.Year) + ":" + strconv.FormatFloat(t.Value, 'f', -1, 64)
	}
	return strings.Join(parts, "; ")
}

func indicatorFromForm(r *http.Request) (*aldyn.Indicator, url.Values, error) {
	if err := r.ParseForm(); err != nil {
		return nil, nil, badParam("form")
	}
	f := r.PostForm
	errs := aldyn.Validation{}
	ind := &aldyn.Indicator{Code: f.Get("code"), Unit: f.Get("unit"), Kind: f.Get("kind"), Numerator: f.Get("numerator"), Denominator: f.Get("denominator"),
		Name:           aldyn.Text{KY: f.Get("name_ky"), RU: f.Get("name_ru"), EN: f.Get("name_en")},
		Verification:   aldyn.Text{KY: f.Get("verification_ky"), RU: f.Get("verification_ru"), EN: f.Get("verification_en")},
		HigherIsBetter: f.Get("higher_is_better") != "", Source: f.Get("source"), OffenseCategory: f.Get("offense_category"),
		Disaggregation: f.Get("disaggregation"), Frequency: f.Get("frequency"),
	}
	if v := strings.TrimSpace(f.Get("baseline_value")); v != "" {
		x, err := strconv.ParseFloat(strings.ReplaceAll(v, ",", "."), 64)
		if err != nil {
			errs.Add("baseline_value", "indicator.error.value")
		}
		ind.BaselineValue = x
	}
	ind.BaselineYear = int(formInt(f, "baseline_year", errs))
	ts, ok := parseTargets(f.Get("targets"))
	if !ok {
		errs.Add("targets", "plans.error.targets")
	}
	ind.Targets = ts
	return ind, f, errs.Err()
}

func indicatorForm(ind *aldyn.Indicator) url.Values {
	form := url.Values{}
	if ind == nil {
		form.Set("kind", aldyn.IndicatorNumber)
		form.Set("source", aldyn.IndicatorManual)
		form.Set("disaggregation", aldyn.DisaggregationNone)
		form.Set("frequency", aldyn.FrequencyAnnual)
		return form
	}
	for k, v := range map[string]string{"code": ind.Code, "unit": ind.Unit, "kind": ind.Kind, "numerator": ind.Numerator, "denominator": ind.Denominator,
		"name_ky": ind.Name.KY, "name_ru": ind.Name.RU, "name_en": ind.Name.EN,
		"verification_ky": ind.Verification.KY, "verification_ru": ind.Verification.RU, "verification_en": ind.Verification.EN,
		"source": ind.Source, "offense_category": ind.OffenseCategory, "disaggregation": ind.Disaggregation, "frequency": ind.Frequency,
		"baseline_value": strconv.FormatFloat(ind.BaselineValue, 'f', -1, 64), "baseline_year": strconv.Itoa(ind.BaselineYear),
		"targets": formatTargets(ind.Targets)} {
		form.Set(k, v)
	}
	if ind.HigherIsBetter {
		form.Set("higher_is_better", "1")
	}
	return form
}

func (s *Server) renderIndicatorForm(w http.ResponseWriter, r *http.Request, status int, p *aldyn.Plan, ind *aldyn.Indicator, form url.Values, errs map[string]string) error {
	title, action := info(r).loc.T("plans.indicator_new"), "/plans/"+strconv.FormatInt(p.ID, 10)+"/indicators"
	if ind != nil {
		title, action = info(r).loc.T("plans.indicator_edit"), "/indicators/"+strconv.FormatInt(ind.ID, 10)
	}
	return s.render(w, r, status, "plan_indicator_form", &page{Title: title, Form: form, Errors: errs, Data: map[string]any{
		"Plan": p, "Indicator": ind, "Action": action, "Categories": aldyn.OffenseCategories,
		"Kinds":       []string{aldyn.IndicatorNumber, aldyn.IndicatorPercent, aldyn.IndicatorRate},
		"Sources":     []string{aldyn.IndicatorManual, aldyn.IndicatorOffenses, aldyn.IndicatorSurvey},
		"Frequencies": []string{aldyn.FrequencyAnnual, aldyn.FrequencyQuarterly, aldyn.FrequencyMonthly},
		"Disaggs":     []string{aldyn.DisaggregationNone, aldyn.DisaggregationTerritory},
	}})
}

func (s *Server) indicatorNewPage(w http.ResponseWriter, r *http.Request) error {
	p, err := s.pathDraft(r)
	if err != nil {
		return err
	}
	return s.renderIndicatorForm(w, r, http.StatusOK, p, nil, indicatorForm(nil), nil)
}

func (s *Server) indicatorCreate(w http.ResponseWriter, r *http.Request) error {
	p, err := s.pathDraft(r)
	if err != nil {
		return err
	}
	ind, form, readErr := indicatorFromForm(r)
	return submitForm(w, r, form, readErr, func() error {
		ind.PlanID = p.ID
		return s.db.CreateIndicator(r.Context(), actor(r), ind)
	},
		func(errs map[string]string) error {
			return s.renderIndicatorForm(w, r, http.StatusBadRequest, p, nil, form, errs)
		},
		func() string { return "/indicators/" + strconv.FormatInt(ind.ID, 10) }, "common.created")
}

func (s *Server) indicatorPage(w http.ResponseWriter, r *http.Request) error {
	ind, p, internal, err := s.indicatorByPath(r)
	if err != nil {
		return err
	}
	values, err := s.db.FindIndicatorValues(r.Context(), ind.ID)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "plan_indicator", &page{Title: ind.Code + " " + ind.Name.In(info(r).lang), Data: map[string]any{
		"Indicator": ind, "Plan": p, "Internal": internal, "Values": values,
		"CanEdit":    actor(r).CanManagePlan(p.TerritoryPath) && p.CanEdit(),
		"CanCompute": internal && actor(r).CanManagePlan(p.TerritoryPath),
	}})
}

func (s *Server) indicatorEditPage(w http.ResponseWriter, r *http.Request) error {
	ind, p, err := s.draftIndicator(r)
	if err != nil {
		return err
	}
	return s.renderIndicatorForm(w, r, http.StatusOK, p, ind, indicatorForm(ind), nil)
}

func (s *Server) indicatorUpdate(w http.ResponseWriter, r *http.Request) error {
	old, p, err := s.draftIndicator(r)
	if err != nil {
		return err
	}
	ind, form, readErr := indicatorFromForm(r)
	return submitForm(w, r, form, readErr, func() error { return s.db.UpdateIndicator(r.Context(), actor(r), old.ID, ind) },
		func(errs map[string]string) error {
			return s.renderIndicatorForm(w, r, http.StatusBadRequest, p, old, form, errs)
		},
		func() string { return "/indicators/" + strconv.FormatInt(old.ID, 10) }, "common.saved")
}

// API.

// measureInput is the JSON body of measure create and update; dates are
// YYYY-MM-DD.
type measureInput struct {
	Code              string             `json:"code"`
	ComponentCode     string             `json:"component_code"`
	TaskCode          string             `json:"task_code"`
	Title             aldyn.Text         `json:"title"`
	Description       aldyn.Text         `json:"description"`
	ExpectedResult    aldyn.Text         `json:"expected_result"`
	ResponsibleBodyID int64              `json:"responsible_body_id"`
	CoExecutorIDs     []int64            `json:"co_executor_ids"`
	Start             string             `json:"start"`
	Due               string             `json:"due"`
	Budget            []aldyn.BudgetLine `json:"budget"`
	IndicatorIDs      []int64            `json:"indicator_ids"`
	Cancelled         bool               `json:"cancelled"`
}

func (in measureInput) measure() (*aldyn.Measure, error) {
	errs := aldyn.Validation{}
	date := func(name, v string) time.Time {
		if v == "" {
			return time.Time{}
		}
		t, err := time.Parse(time.DateOnly, v)
		if err != nil {
			errs.Add(name, "plans.error.date")
		}
		return t
	}
	m := &aldyn.Measure{Code: in.Code, ComponentCode: in.ComponentCode, TaskCode: in.TaskCode, Title: in.Title, Description: in.Description,
		ExpectedResult: in.ExpectedResult, ResponsibleBodyID: in.ResponsibleBodyID, CoExecutorIDs: in.CoExecutorIDs,
		Start: date("start", in.Start), Due: date("due", in.Due), Budget: in.Budget, IndicatorIDs: in.IndicatorIDs, Cancelled: in.Cancelled}
	return m, errs.Err()
}

func (s *Server) apiMeasures(w http.ResponseWriter, r *http.Request) error {
	p, _, err := s.planByPath(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	pg, err := pageFromQuery(q)
	if err != nil {
		return err
	}
	if _, ok := store.MeasureSorts[pg.Sort]; pg.Sort != "" && !ok {
		return badParam("sort")
	}
	f := aldyn.MeasureFilter{Query: q.Get("q"), Page: pg}
	if c := q.Get("component"); c != "" {
		f.ComponentCode = &c
	}
	ms, total, err := s.db.FindMeasures(r.Context(), p.ID, f)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, newList(ms, total, f.Page))
}

func (s *Server) apiMeasureCreate(w http.ResponseWriter, r *http.Request) error {
	p, err := s.pathDraft(r)
	if err != nil {
		return err
	}
	return saveJSON(w, r, http.StatusCreated, measureInput.measure, func(ctx context.Context, a *aldyn.Actor, m *aldyn.Measure) error {
		return s.saveMeasure(ctx, a, p, 0, m)
	})
}

func (s *Server) apiMeasure(w http.ResponseWriter, r *http.Request) error {
	m, _, _, err := s.measureByPath(r)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, m)
}

func (s *Server) apiMeasureUpdate(w http.ResponseWriter, r *http.Request) error {
	old, p, err := s.draftMeasure(r)
	if err != nil {
		return err
	}
	return saveJSON(w, r, http.StatusOK, measureInput.measure, func(ctx context.Context, a *aldyn.Actor, m *aldyn.Measure) error {
		return s.saveMeasure(ctx, a, p, old.ID, m)
	})
}

func (s *Server) apiMeasureDelete(w http.ResponseWriter, r *http.Request) error {
	m, _, err := s.draftMeasure(r)
	if err != nil {
		return err
	}
	if err := s.db.DeleteMeasure(r.Context(), actor(r), m.ID); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// indicatorInput is the JSON body of indicator create and update.
type indicatorInput struct {
	Code            string                  `json:"code"`
	Name            aldyn.Text              `json:"name"`
	Unit            string                  `json:"unit"`
	HigherIsBetter  bool                    `json:"higher_is_better"`
	Kind            string                  `json:"kind"`
	Numerator       string                  `json:"numerator"`
	Denominator     string                  `json:"denominator"`
	Source          string                  `json:"source"`
	OffenseCategory string                  `json:"offense_category"`
	Disaggregation  string                  `json:"disaggregation"`
	Verification    aldyn.Text              `json:"verification"`
	Frequency       string                  `json:"frequency"`
	BaselineValue   float64                 `json:"baseline_value"`
	BaselineYear    int                     `json:"baseline_year"`
	Targets         []aldyn.IndicatorTarget `json:"targets"`
}

func (in indicatorInput) indicator() *aldyn.Indicator {
	return &aldyn.Indicator{Code: in.Code, Name: in.Name, Unit: in.Unit, HigherIsBetter: in.HigherIsBetter, Kind: in.Kind, Numerator: in.Numerator,
		Denominator: in.Denominator, Source: in.Source, OffenseCategory: in.OffenseCategory, Disaggregation: in.Disaggregation,
		Verification: in.Verification, Frequency: in.Frequency, BaselineValue: in.BaselineValue, BaselineYear: in.BaselineYear, Targets: in.Targets}
}

// apiIndicators lists the indicators of the plans the actor reads: of its
// territory when signed in, of published plans otherwise; plan and
// territory narrow the list.
func (s *Server) apiIndicators(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	pg, err := pageFromQuery(q)
	if err != nil {
		return err
	}
	if _, ok := store.IndicatorSorts[pg.Sort]; pg.Sort != "" && !ok {
		return badParam("sort")
	}
	a := actor(r)
	f := aldyn.IndicatorFilter{Query: q.Get("q"), Page: pg, Under: a.ScopeUnder()}
	if v := q.Get("plan"); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return badParam("plan")
		}
		if _, _, err := s.visiblePlan(r.Context(), a, id); err != nil {
			return err
		}
		f.PlanID, f.Under = &id, ""
	} else if !a.SignedIn() {
		return aldyn.Errorf(aldyn.EINVALID, "plans.error.plan_required", "param", "plan")
	}
	if c := q.Get("territory"); c != "" {
		t, err := s.db.FindTerritoryByCode(r.Context(), c)
		if err != nil {
			return badParam("territory")
		}
		if f.PlanID == nil && !aldyn.PathContains(a.ScopeUnder(), t.Path) {
			return writeJSON(w, http.StatusOK, newList([]*aldyn.Indicator{}, 0, f.Page))
		}
		f.Under = t.Path // a plan outside the territory lists nothing
	}
	is, total, err := s.db.FindIndicators(r.Context(), f)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, newList(is, total, f.Page))
}

func (s *Server) apiIndicatorCreate(w http.ResponseWriter, r *http.Request) error {
	p, err := s.pathDraft(r)
	if err != nil {
		return err
	}
	return saveJSON(w, r, http.StatusCreated, infallible(indicatorInput.indicator), func(ctx context.Context, a *aldyn.Actor, ind *aldyn.Indicator) error {
		ind.PlanID = p.ID
		return s.db.CreateIndicator(ctx, a, ind)
	})
}

func (s *Server) apiIndicator(w http.ResponseWriter, r *http.Request) error {
	ind, _, _, err := s.indicatorByPath(r)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, ind)
}

func (s *Server) apiIndicatorUpdate(w http.ResponseWriter, r *http.Request) error {
	old, _, err := s.draftIndicator(r)
	if err != nil {
		return err
	}
	return saveJSON(w, r, http.StatusOK, infallible(indicatorInput.indicator), func(ctx context.Context, a *aldyn.Actor, ind *aldyn.Indicator) error {
		return s.db.UpdateIndicator(ctx, a, old.ID, ind)
	})
}

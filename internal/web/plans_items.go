package web

import (
	"context"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/store"
	"github.com/aldyn-kg/aldyn/internal/surveys"
)

// This file serves the measures and indicators of plans: their pages,
// forms and API. They change only while their plan is a draft; the store
// refuses the rest.

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
	if err != nil {
		return zero, nil, false, notFoundAs(err, notFound)
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

// measureForm is the measure's one form: the measure form and the API's
// JSON (dates YYYY-MM-DD). Co-executors and linked indicators are
// repeated values in the form, budget lines repeated budget_source,
// budget_funder and budget_amount values (blank lines are skipped).
type measureForm struct{ *aldyn.Measure }

func (f measureForm) fields() formFields {
	m := f.Measure
	return formFields{"code": text(&m.Code), "component_code": text(&m.ComponentCode), "task_code": text(&m.TaskCode),
		"title": texts(&m.Title), "description": texts(&m.Description), "expected_result": texts(&m.ExpectedResult),
		"responsible_body_id": whole(&m.ResponsibleBodyID, "error.invalid"), "co_executor_ids": ids(&m.CoExecutorIDs, "error.invalid"),
		"indicator_ids": ids(&m.IndicatorIDs, "error.invalid"), "start": day(&m.Start, "plans.error.date"), "due": day(&m.Due, "plans.error.date"),
		"cancelled": check(&m.Cancelled),
		"budget": rows(&m.Budget, []string{"source", "funder", "amount"},
			func(c map[string]string, v aldyn.Validation) (aldyn.BudgetLine, bool) {
				n, err := strconv.ParseInt(strings.NewReplacer(" ", "", "\u00a0", "").Replace(c["amount"]), 10, 64)
				if err != nil {
					v.Add("budget", "plans.error.amount")
				}
				return aldyn.BudgetLine{Source: c["source"], Funder: c["funder"], AmountKGS: n}, err == nil
			},
			func(l aldyn.BudgetLine) []string {
				return []string{l.Source, l.Funder, strconv.FormatInt(l.AmountKGS, 10)}
			}),
	}
}

// measureFromForm reads the measure form; a task implies its component.
func measureFromForm(r *http.Request) (*aldyn.Measure, url.Values, error) {
	m := &aldyn.Measure{}
	form, err := readForm(r, measureForm{m})
	if m.TaskCode != "" && m.ComponentCode == "" {
		if c, err := theConcept(); err == nil {
			for _, comp := range c.Components {
				if c.HasTask(comp.Code, m.TaskCode) {
					m.ComponentCode = comp.Code
				}
			}
		}
	}
	return m, form, err
}

// budgetRow is one line of the budget table of the measure form.
type budgetRow struct{ Source, Funder, Amount string }

// planMeasureFormPageData is the data of the plan_measure_form page.
type planMeasureFormPageData struct {
	Plan        *aldyn.Plan
	Measure     *aldyn.Measure
	Action      string
	Concept     *aldyn.Concept
	Bodies      []*aldyn.Body
	Indicators  []aldyn.Indicator
	Budget      []budgetRow
	Sources     []string
	CoExecutors map[int64]bool
	Linked      map[int64]bool
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
	for _, line := range formTable(form, "budget", "source", "funder", "amount") {
		rows = append(rows, budgetRow{Source: line[0], Funder: line[1], Amount: line[2]})
	}
	for len(rows) < budgetRows {
		rows = append(rows, budgetRow{})
	}
	title, action := info(r).loc.T("plans.measure_new"), "/plans/"+strconv.FormatInt(p.ID, 10)+"/measures"
	if m != nil {
		title, action = info(r).loc.T("plans.measure_edit"), "/measures/"+strconv.FormatInt(m.ID, 10)
	}
	return s.render(w, r, status, "plan_measure_form", &page{Title: title, Form: form, Errors: errs, Data: &planMeasureFormPageData{
		Plan: p, Measure: m, Action: action, Concept: c, Bodies: bodies, Indicators: inds, Budget: rows,
		Sources: aldyn.BudgetSources, CoExecutors: idSet(form["co_executor_ids"]), Linked: idSet(form["indicator_ids"]),
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

// planMeasurePageData is the data of the plan_measure page.
type planMeasurePageData struct {
	Measure     *aldyn.Measure
	Plan        *aldyn.Plan
	Internal    bool
	Component   *aldyn.Component
	Task        *aldyn.Task
	Body        *aldyn.Body
	CoExecutors []*aldyn.Body
	Indicators  []*aldyn.Indicator
	CanEdit     bool
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
	return s.render(w, r, http.StatusOK, "plan_measure", &page{Title: m.Code + " " + m.Title.In(info(r).lang), Data: &planMeasurePageData{
		Measure: m, Plan: p, Internal: internal, Component: c.Component(m.ComponentCode), Task: c.Task(m.TaskCode),
		Body: bodies[m.ResponsibleBodyID], CoExecutors: co, Indicators: inds, CanEdit: manage,
	}})
}

func (s *Server) measureEditPage(w http.ResponseWriter, r *http.Request) error {
	m, p, err := s.draftMeasure(r)
	if err != nil {
		return err
	}
	return s.renderMeasureForm(w, r, http.StatusOK, p, m, showForm(measureForm{m}), nil)
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

// indicatorForm is the indicator's one form: the indicator form and the
// API's JSON. Targets are "2025:10; 2026:8" in the form, an array of
// {"year", "value"} in JSON.
type indicatorForm struct{ *aldyn.Indicator }

func (f indicatorForm) fields() formFields {
	ind := f.Indicator
	return formFields{"code": text(&ind.Code), "name": texts(&ind.Name), "unit": text(&ind.Unit), "higher_is_better": check(&ind.HigherIsBetter),
		"kind": text(&ind.Kind), "numerator": text(&ind.Numerator), "denominator": text(&ind.Denominator), "source": text(&ind.Source),
		"offense_category": text(&ind.OffenseCategory), "disaggregation": text(&ind.Disaggregation), "verification": texts(&ind.Verification),
		"frequency": text(&ind.Frequency), "baseline_value": decimal(&ind.BaselineValue, "indicator.error.value"),
		"baseline_year": whole(&ind.BaselineYear, "error.invalid"), "targets": targets(&ind.Targets)}
}

func indicatorFromForm(r *http.Request) (*aldyn.Indicator, url.Values, error) {
	ind := &aldyn.Indicator{}
	form, err := readForm(r, indicatorForm{ind})
	return ind, form, err
}

// newIndicatorForm is the form of a new indicator: a number entered by
// hand once a year.
func newIndicatorForm() url.Values {
	return url.Values{"kind": {aldyn.IndicatorNumber}, "source": {aldyn.IndicatorManual}, "disaggregation": {aldyn.DisaggregationNone},
		"frequency": {aldyn.FrequencyAnnual}}
}

// targets are an indicator's yearly targets: "2025:10; 2026:8" in a form.
func targets(p *[]aldyn.IndicatorTarget) formField { return targetsField{jsonValue{p}, p} }

type targetsField struct {
	jsonValue
	p *[]aldyn.IndicatorTarget
}

func (t targetsField) read(f url.Values, name string, v aldyn.Validation) {
	ts, ok := parseTargets(f.Get(name))
	if !ok {
		v.Add(name, "plans.error.targets")
	}
	*t.p = ts
}

func (t targetsField) show(f url.Values, name string) { f.Set(name, formatTargets(*t.p)) }

// planIndicatorFormPageData is the data of the plan_indicator_form page.
type planIndicatorFormPageData struct {
	Plan        *aldyn.Plan
	Indicator   *aldyn.Indicator
	Action      string
	Categories  []string
	Kinds       []string
	Sources     []string
	Frequencies []string
	Disaggs     []string
}

func (s *Server) renderIndicatorForm(w http.ResponseWriter, r *http.Request, status int, p *aldyn.Plan, ind *aldyn.Indicator, form url.Values, errs map[string]string) error {
	title, action := info(r).loc.T("plans.indicator_new"), "/plans/"+strconv.FormatInt(p.ID, 10)+"/indicators"
	if ind != nil {
		title, action = info(r).loc.T("plans.indicator_edit"), "/indicators/"+strconv.FormatInt(ind.ID, 10)
	}
	return s.render(w, r, status, "plan_indicator_form", &page{Title: title, Form: form, Errors: errs, Data: &planIndicatorFormPageData{
		Plan: p, Indicator: ind, Action: action, Categories: aldyn.OffenseCategories,
		Kinds:       []string{aldyn.IndicatorNumber, aldyn.IndicatorPercent, aldyn.IndicatorRate},
		Sources:     []string{aldyn.IndicatorManual, aldyn.IndicatorOffenses, aldyn.IndicatorDataSets, aldyn.IndicatorSurvey, aldyn.IndicatorResidents},
		Frequencies: []string{aldyn.FrequencyAnnual, aldyn.FrequencyQuarterly, aldyn.FrequencyMonthly},
		Disaggs:     []string{aldyn.DisaggregationNone, aldyn.DisaggregationTerritory},
	}})
}

func (s *Server) indicatorNewPage(w http.ResponseWriter, r *http.Request) error {
	p, err := s.pathDraft(r)
	if err != nil {
		return err
	}
	return s.renderIndicatorForm(w, r, http.StatusOK, p, nil, newIndicatorForm(), nil)
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

// planIndicatorPageData is the data of the plan_indicator page.
type planIndicatorPageData struct {
	Indicator  *aldyn.Indicator
	Plan       *aldyn.Plan
	Internal   bool
	Values     []aldyn.IndicatorValue
	CanEdit    bool
	CanCompute bool
	// Waves are a survey indicator's estimates per wave, each with its
	// 95 % interval, the respondents and whether it is reliable (only a
	// reliable one becomes a value).
	Waves []surveys.WaveRow
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
	var waves []surveys.WaveRow
	if ind.Source == aldyn.IndicatorSurvey {
		if waves, err = surveys.IndicatorEstimates(r.Context(), s.db, p, ind); err != nil {
			return err
		}
	}
	return s.render(w, r, http.StatusOK, "plan_indicator", &page{Title: ind.Code + " " + ind.Name.In(info(r).lang), Data: &planIndicatorPageData{
		Indicator: ind, Plan: p, Internal: internal, Values: values, Waves: waves,
		CanEdit:    actor(r).CanManagePlan(p.TerritoryPath) && p.CanEdit(),
		CanCompute: internal && actor(r).CanManagePlan(p.TerritoryPath),
	}})
}

func (s *Server) indicatorEditPage(w http.ResponseWriter, r *http.Request) error {
	ind, p, err := s.draftIndicator(r)
	if err != nil {
		return err
	}
	return s.renderIndicatorForm(w, r, http.StatusOK, p, ind, showForm(indicatorForm{ind}), nil)
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

func (s *Server) apiMeasures(w http.ResponseWriter, r *http.Request) error {
	p, _, err := s.planByPath(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	pg, err := sortedPage(q, store.MeasureSorts)
	if err != nil {
		return err
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
	m := &aldyn.Measure{}
	return saveFormJSON(w, r, http.StatusCreated, m, measureForm{m}, func(ctx context.Context, a *aldyn.Actor, m *aldyn.Measure) error {
		return s.saveMeasure(ctx, a, p, 0, m)
	})
}

func (s *Server) apiMeasure(w http.ResponseWriter, r *http.Request) error {
	m, _, _, err := s.measureByPath(r)
	return writeFound(w, m, err)
}

func (s *Server) apiMeasureUpdate(w http.ResponseWriter, r *http.Request) error {
	old, p, err := s.draftMeasure(r)
	if err != nil {
		return err
	}
	m := &aldyn.Measure{}
	return saveFormJSON(w, r, http.StatusOK, m, measureForm{m}, func(ctx context.Context, a *aldyn.Actor, m *aldyn.Measure) error {
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

// apiIndicators lists the indicators of the plans the actor reads: of its
// territory when signed in, of published plans otherwise; plan and
// territory narrow the list.
func (s *Server) apiIndicators(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	pg, err := sortedPage(q, store.IndicatorSorts)
	if err != nil {
		return err
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
	ind := &aldyn.Indicator{}
	return saveFormJSON(w, r, http.StatusCreated, ind, indicatorForm{ind}, func(ctx context.Context, a *aldyn.Actor, ind *aldyn.Indicator) error {
		ind.PlanID = p.ID
		return s.db.CreateIndicator(ctx, a, ind)
	})
}

func (s *Server) apiIndicator(w http.ResponseWriter, r *http.Request) error {
	ind, _, _, err := s.indicatorByPath(r)
	return writeFound(w, ind, err)
}

func (s *Server) apiIndicatorUpdate(w http.ResponseWriter, r *http.Request) error {
	old, _, err := s.draftIndicator(r)
	if err != nil {
		return err
	}
	ind := &aldyn.Indicator{}
	return saveFormJSON(w, r, http.StatusOK, ind, indicatorForm{ind}, func(ctx context.Context, a *aldyn.Actor, ind *aldyn.Indicator) error {
		return s.db.UpdateIndicator(ctx, a, old.ID, ind)
	})
}

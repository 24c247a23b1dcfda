package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/store"
)

// Reported figures (issue 19): the data sets bodies report, the form of a
// body for a period (a grid for disaggregated elements), its submission
// and the coordinator's decision. A body enters only its own forms; the
// coordinators whose territory covers the body decide on them.

// formKey is what a form's path names: the data set's code, the body and
// the period.
type formKey struct {
	Code   string
	Body   *aldyn.Body
	Period aldyn.Period
}

func (k formKey) Path() string {
	return "/data-sets/" + k.Code + "/forms/" + strconv.FormatInt(k.Body.ID, 10) + "/" + k.Period.String()
}

// dataFormTarget reads the form's path, refusing what the actor may not
// see as not found: another body's form outside the actor's scope.
func (s *Server) dataFormTarget(r *http.Request) (formKey, *aldyn.DataSet, error) {
	if err := requireSignedIn(r); err != nil {
		return formKey{}, nil, err
	}
	bodyID, err := routeID(r, "body", "body.error.not_found")
	if err != nil {
		return formKey{}, nil, err
	}
	p, err := aldyn.ParsePeriod(r.PathValue("period"))
	if err != nil {
		return formKey{}, nil, aldyn.Errorf(aldyn.ENOTFOUND, "datasets.error.form_not_found")
	}
	b, err := s.db.FindBodyByID(r.Context(), bodyID)
	if err != nil {
		return formKey{}, nil, err
	}
	if !actor(r).CanSeeDataForm(b.ID, b.Territory.Path) {
		return formKey{}, nil, aldyn.Errorf(aldyn.ENOTFOUND, "datasets.error.form_not_found")
	}
	k := formKey{Code: r.PathValue("code"), Body: b, Period: p}
	ds, err := s.db.FindActiveDataSet(r.Context(), k.Code)
	if err != nil {
		return formKey{}, nil, err
	}
	return k, ds, nil
}

// loadDataForm returns the form of k with the data set version it was
// entered with (the active one for a form not started yet).
func (s *Server) loadDataForm(ctx context.Context, k formKey, active *aldyn.DataSet) (*aldyn.DataForm, *aldyn.DataSet, error) {
	f, err := s.db.FindDataForm(ctx, k.Code, k.Body.ID, k.Period.String())
	if err != nil {
		return nil, nil, err
	}
	if f == nil {
		return &aldyn.DataForm{DataSetID: active.ID, DataSetCode: active.Code, BodyID: k.Body.ID, Period: k.Period.String(), Status: aldyn.ReportDraft,
			Values: []aldyn.DataValue{}, TerritoryCode: k.Body.TerritoryCode, TerritoryPath: k.Body.Territory.Path}, active, nil
	}
	if f.DataSetID == active.ID {
		return f, active, nil
	}
	ds, err := s.db.FindDataSetByID(ctx, f.DataSetID)
	return f, ds, err
}

// dataFormOfPath is the form the path names, with its data set version.
func (s *Server) dataFormOfPath(r *http.Request) (formKey, *aldyn.DataForm, *aldyn.DataSet, error) {
	k, active, err := s.dataFormTarget(r)
	if err != nil {
		return k, nil, nil, err
	}
	f, ds, err := s.loadDataForm(r.Context(), k, active)
	return k, f, ds, err
}

// The form page.

// gridCell is one input of the form.
type gridCell struct {
	Name, Label, Value, Error, Type string
}

// gridRow is a row of an element's grid: the first category's option and
// a cell per combination of the others.
type gridRow struct {
	Label string
	Cells []gridCell
}

// formElement is an element of the form: one cell, or a grid.
type formElement struct {
	Element *aldyn.DataElement
	Columns []string
	Rows    []gridRow
}

type dataFormPageData struct {
	Key        formKey
	Set        *aldyn.DataSet
	Form       *aldyn.DataForm
	Started    bool
	Elements   []formElement
	Editable   bool
	CanReview  bool
	Late       bool
	Deadline   time.Time
	Broken     []aldyn.RuleResult // hard rules of a refused submission
	BodyName   string
	PeriodName string
	// ImportErrors are the bad cells of a refused workbook.
	ImportErrors []string
	// Rules are the validation rules that apply to the form, parsed as the
	// server parses them, for the script that checks them as one types.
	Rules []formRule
}

// formRule is a validation rule as the entry form's script reads it.
type formRule struct {
	Code     string          `json:"code"`
	Severity string          `json:"severity"`
	Message  string          `json:"message"`
	Rule     *aldyn.RuleExpr `json:"rule"`
}

// formRules are the rules of ds that apply to its forms (those whose
// elements the version has), with their messages in lang.
func (s *Server) formRules(ctx context.Context, ds *aldyn.DataSet, lang string) ([]formRule, error) {
	rules, _, err := s.db.FindValidationRules(ctx, aldyn.ValidationRuleFilter{DataSetCode: &ds.Code})
	if err != nil {
		return nil, err
	}
	var out []formRule
	for _, r := range rules {
		x, err := aldyn.ParseRule(r.Expression)
		if err != nil || r.CheckRefs(ds) != nil {
			continue
		}
		out = append(out, formRule{Code: r.Code, Severity: r.Severity, Message: r.Message.In(lang), Rule: x})
	}
	return out, nil
}

func cellName(element, combo string) string { return "cell:" + element + ":" + combo }

// formElements lays the data set's elements out as cells and grids, with
// values from cells (the posted form) or the stored form, and errors.
func formElements(ds *aldyn.DataSet, f *aldyn.DataForm, posted url.Values, errs map[string]string, lang string) []formElement {
	var out []formElement
	for _, e := range ds.Elements {
		fe := formElement{Element: e}
		value := func(combo string) string {
			name := cellName(e.Code, combo)
			if posted != nil {
				return posted.Get(name)
			}
			if v := f.Value(e.Code, combo); v != nil {
				if v.Value != nil {
					return strconv.FormatFloat(*v.Value, 'f', -1, 64)
				}
				return v.Text
			}
			return ""
		}
		cell := func(c aldyn.Combo, label string) gridCell {
			name := cellName(e.Code, c.Key)
			return gridCell{Name: name, Label: label, Value: value(c.Key), Error: errs[name], Type: e.ValueType}
		}
		combos := e.Combos()
		if e.Disaggregation == nil {
			fe.Rows = []gridRow{{Label: e.Name.In(lang), Cells: []gridCell{cell(combos[0], e.Name.In(lang))}}}
			out = append(out, fe)
			continue
		}
		cats := e.Disaggregation.Categories
		perRow := len(combos) / len(cats[0].Options)
		for i, c := range combos[:perRow] {
			_ = i
			fe.Columns = append(fe.Columns, aldyn.Combo{Options: c.Options[1:]}.Name(lang))
		}
		if len(cats) == 1 {
			fe.Columns = nil
			for _, o := range cats[0].Options {
				fe.Columns = append(fe.Columns, o.Name.In(lang))
			}
			row := gridRow{Label: e.Name.In(lang)}
			for _, c := range combos {
				row.Cells = append(row.Cells, cell(c, e.Name.In(lang)+": "+c.Name(lang)))
			}
			fe.Rows = []gridRow{row}
			out = append(out, fe)
			continue
		}
		for i, o := range cats[0].Options {
			row := gridRow{Label: o.Name.In(lang)}
			for _, c := range combos[i*perRow : (i+1)*perRow] {
				row.Cells = append(row.Cells, cell(c, e.Name.In(lang)+": "+c.Name(lang)))
			}
			fe.Rows = append(fe.Rows, row)
		}
		out = append(out, fe)
	}
	return out
}

func (s *Server) dataFormPage(w http.ResponseWriter, r *http.Request) error {
	k, f, ds, err := s.dataFormOfPath(r)
	if err != nil {
		return err
	}
	return s.renderDataForm(w, r, http.StatusOK, k, f, ds, formView{})
}

// formView is what a form page shows beyond the stored form: the posted
// cells and their errors, the hard rules that refused it, the bad cells of
// a refused workbook.
type formView struct {
	posted       url.Values
	errs         map[string]string
	broken       []aldyn.RuleResult
	importErrors []string
}

func (s *Server) renderDataForm(w http.ResponseWriter, r *http.Request, status int, k formKey, f *aldyn.DataForm, ds *aldyn.DataSet, v formView) error {
	a, lang := actor(r), info(r).lang
	d := &dataFormPageData{Key: k, Set: ds, Form: f, Started: f.ID != 0, Elements: formElements(ds, f, v.posted, v.errs, lang),
		Editable: a.CanSubmitReport(k.Body.ID) && f.CanEdit(), CanReview: f.Status == aldyn.ReportSubmitted && a.CanReviewDataForm(k.Body.Territory.Path),
		Late: f.IsLate(ds), Deadline: ds.Deadline(k.Period), Broken: v.broken, BodyName: k.Body.Name(lang), PeriodName: k.Period.Label(),
		ImportErrors: v.importErrors}
	if d.Editable {
		var err error
		if d.Rules, err = s.formRules(r.Context(), ds, lang); err != nil {
			return err
		}
	}
	title := info(r).loc.T("datasets.form.title", map[string]any{"set": ds.Name.In(lang), "period": k.Period.Label()})
	return s.render(w, r, status, "dataset_form", &page{Title: title, Data: d, Errors: v.errs, Form: v.posted})
}

// cellsFromForm reads the posted cells: "cell:<element>:<combo>" → text.
func cellsFromForm(form url.Values) map[string]map[string]string {
	out := map[string]map[string]string{}
	for name, vs := range form {
		rest, ok := strings.CutPrefix(name, "cell:")
		if !ok || len(vs) == 0 {
			continue
		}
		el, combo, _ := strings.Cut(rest, ":")
		if out[el] == nil {
			out[el] = map[string]string{}
		}
		out[el][combo] = vs[0]
	}
	return out
}

func (s *Server) dataFormSave(w http.ResponseWriter, r *http.Request) error {
	k, active, err := s.dataFormTarget(r)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return badParam("form")
	}
	rev, _ := strconv.Atoi(r.PostForm.Get("revision"))
	submit := r.PostForm.Get("action") == "submit"
	_, err = s.db.EnterDataForm(r.Context(), actor(r), store.FormEntry{DataSetCode: k.Code, BodyID: k.Body.ID, Period: k.Period.String(),
		Cells: cellsFromForm(r.PostForm), Revision: rev}, submit)
	if err == nil {
		flash := "common.saved"
		if submit {
			flash = "datasets.form.submitted"
		}
		return redirect(w, r, k.Path(), flash)
	}
	var e *aldyn.Error
	if !asAldynError(err, &e) || (e.Code != aldyn.EINVALID && e.Code != aldyn.ECONFLICT) {
		return err
	}
	f, ds, lerr := s.loadDataForm(r.Context(), k, active)
	if lerr != nil {
		return lerr
	}
	loc := info(r).loc
	errs := mergeErrors(loc, e, nil)
	var broken []aldyn.RuleResult
	if b, ok := e.Args["broken"].([]aldyn.RuleResult); ok {
		broken = b
	}
	errs["form"] = loc.T(e.Message, e.Args)
	status := http.StatusBadRequest
	if e.Code == aldyn.ECONFLICT {
		status = http.StatusConflict
	}
	return s.renderDataForm(w, r, status, k, f, ds, formView{posted: r.PostForm, errs: errs, broken: broken})
}

func asAldynError(err error, e **aldyn.Error) bool {
	x, ok := err.(*aldyn.Error)
	*e = x
	return ok
}

func (s *Server) dataFormDecision(w http.ResponseWriter, r *http.Request, accept bool) error {
	k, f, ds, err := s.dataFormOfPath(r)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return badParam("form")
	}
	if f.ID == 0 {
		return aldyn.Errorf(aldyn.ENOTFOUND, "datasets.error.form_not_found")
	}
	if _, err := s.db.DecideDataForm(r.Context(), actor(r), f.ID, accept, r.PostForm.Get("comment")); err != nil {
		errs, ferr := formErrors(info(r).loc, err)
		if ferr != nil {
			return ferr
		}
		return s.renderDataForm(w, r, http.StatusBadRequest, k, f, ds, formView{errs: errs})
	}
	flash := "datasets.form.accepted"
	if !accept {
		flash = "datasets.form.returned"
	}
	return redirect(w, r, k.Path(), flash)
}

func (s *Server) dataFormAccept(w http.ResponseWriter, r *http.Request) error {
	return s.dataFormDecision(w, r, true)
}

func (s *Server) dataFormReturn(w http.ResponseWriter, r *http.Request) error {
	return s.dataFormDecision(w, r, false)
}

// The lists.

// dataSetRow is a data set on the list, with the actor's body's forms of
// its recent periods when the body reports it.
type dataSetRow struct {
	Set   *aldyn.DataSet
	Forms []periodForm
}

// periodForm is a period a body reports for, and its form's status.
type periodForm struct {
	Period aldyn.Period
	Path   string
	Status string // a ReportStatus, or "not_started"
	Late   bool
}

type dataSetsPageData struct {
	Rows []dataSetRow
	Body *aldyn.Body
}

// recentPeriods lists the last n periods of the data set that are open on
// day now, newest first.
func recentPeriods(ds *aldyn.DataSet, now time.Time, n int) []aldyn.Period {
	var out []aldyn.Period
	p := aldyn.PeriodOf(ds.PeriodType, now)
	for i := 0; len(out) < n && i < n+2; i++ {
		if ds.CheckPeriod(p, now) == nil {
			out = append(out, p)
		}
		p = aldyn.PeriodOf(ds.PeriodType, p.Start().AddDate(0, 0, -1))
	}
	return out
}

func (s *Server) dataSetsPage(w http.ResponseWriter, r *http.Request) error {
	if err := requireSignedIn(r); err != nil {
		return err
	}
	ctx, a := r.Context(), actor(r)
	active := aldyn.DataSetActive
	sets, _, err := s.db.FindDataSets(ctx, aldyn.DataSetFilter{Status: &active, Page: aldyn.Page{Limit: aldyn.MaxLimit}})
	if err != nil {
		return err
	}
	d := &dataSetsPageData{}
	if a.BodyID != 0 {
		if d.Body, err = s.db.FindBodyByID(ctx, a.BodyID); err != nil && aldyn.ErrorCode(err) != aldyn.ENOTFOUND {
			return err
		}
	}
	for _, ds := range sets {
		row := dataSetRow{Set: ds}
		if d.Body != nil && a.CanSubmitReport(d.Body.ID) && ds.Reports(d.Body.Type, d.Body.Territory.Level) {
			code := ds.Code
			forms, _, err := s.db.FindDataForms(ctx, aldyn.DataFormFilter{DataSetCode: &code, BodyID: &d.Body.ID, Page: aldyn.Page{Limit: 12}})
			if err != nil {
				return err
			}
			byPeriod := map[string]*aldyn.DataForm{}
			for _, f := range forms {
				byPeriod[f.Period] = f
			}
			for _, p := range recentPeriods(ds, s.db.Now(), 4) {
				pf := periodForm{Period: p, Status: "not_started", Path: formKey{Code: ds.Code, Body: d.Body, Period: p}.Path()}
				if f := byPeriod[p.String()]; f != nil {
					pf.Status, pf.Late = string(f.Status), f.IsLate(ds)
				}
				row.Forms = append(row.Forms, pf)
			}
		}
		d.Rows = append(d.Rows, row)
	}
	return s.render(w, r, http.StatusOK, "datasets", &page{Title: info(r).loc.T("datasets.title"), Data: d})
}

type dataSetPageData struct {
	Set      *aldyn.DataSet
	Rules    []*aldyn.ValidationRule
	Forms    []*aldyn.DataForm
	Bodies   map[int64]*aldyn.Body
	Pager    pager
	Statuses []aldyn.ReportStatus
}

func (s *Server) dataSetPage(w http.ResponseWriter, r *http.Request) error {
	if err := requireSignedIn(r); err != nil {
		return err
	}
	ctx, a := r.Context(), actor(r)
	code := r.PathValue("code")
	ds, err := s.db.FindActiveDataSet(ctx, code)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	p, err := sortedPage(q, store.DataFormSorts)
	if err != nil {
		return err
	}
	f := aldyn.DataFormFilter{DataSetCode: &code, Under: a.ScopeUnder(), Page: p}
	if a.Is(aldyn.RoleReporter) {
		f.BodyID = &a.BodyID
	}
	if v := q.Get("status"); v != "" {
		st := aldyn.ReportStatus(v)
		if !st.Valid() {
			return badParam("status")
		}
		f.Status = &st
	}
	if v := q.Get("period"); v != "" {
		if _, err := aldyn.ParsePeriod(v); err != nil {
			return badParam("period")
		}
		f.Period = &v
	}
	forms, total, err := s.db.FindDataForms(ctx, f)
	if err != nil {
		return err
	}
	rules, _, err := s.db.FindValidationRules(ctx, aldyn.ValidationRuleFilter{DataSetCode: &code})
	if err != nil {
		return err
	}
	ids := make([]int64, len(forms))
	for i, x := range forms {
		ids[i] = x.BodyID
	}
	bodies, err := s.bodyNames(ctx, ids...)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "dataset", &page{Title: ds.Name.In(info(r).lang), Form: q, Data: &dataSetPageData{
		Set: ds, Rules: rules, Forms: forms, Bodies: bodies, Pager: newPager(f.Page, total), Statuses: aldyn.ReportStatuses}})
}

// The API.

func (s *Server) apiDataElements(w http.ResponseWriter, r *http.Request) error {
	return writeList(w, r, nil, fromQuery(func(q url.Values) (aldyn.DataElementFilter, error) {
		p, err := pageFromQuery(q)
		return aldyn.DataElementFilter{Q: q.Get("q"), Page: p}, err
	}), func(f aldyn.DataElementFilter) aldyn.Page { return f.Page }, s.db.FindDataElements)
}

func (s *Server) apiDataSets(w http.ResponseWriter, r *http.Request) error {
	return writeList(w, r, nil, fromQuery(func(q url.Values) (aldyn.DataSetFilter, error) {
		p, err := pageFromQuery(q)
		f := aldyn.DataSetFilter{Page: p, Latest: q.Get("all_versions") != "true"}
		if v := q.Get("code"); v != "" {
			f.Code = &v
		}
		return f, err
	}), func(f aldyn.DataSetFilter) aldyn.Page { return f.Page }, s.db.FindDataSets)
}

func (s *Server) apiValidationRules(w http.ResponseWriter, r *http.Request) error {
	return writeList(w, r, nil, fromQuery(func(q url.Values) (aldyn.ValidationRuleFilter, error) {
		p, err := pageFromQuery(q)
		f := aldyn.ValidationRuleFilter{Page: p}
		if v := q.Get("data_set"); v != "" {
			f.DataSetCode = &v
		}
		return f, err
	}), func(f aldyn.ValidationRuleFilter) aldyn.Page { return f.Page }, s.db.FindValidationRules)
}

// dataFormOut is a form as the API shows it.
type dataFormOut struct {
	*aldyn.DataForm
	DataSetVersion int       `json:"data_set_version"`
	Started        bool      `json:"started"`
	Late           bool      `json:"late"`
	Deadline       time.Time `json:"deadline"`
}

func (s *Server) writeDataForm(w http.ResponseWriter, r *http.Request, k formKey, active *aldyn.DataSet) error {
	f, ds, err := s.loadDataForm(r.Context(), k, active)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, dataFormOut{DataForm: f, DataSetVersion: ds.Version, Started: f.ID != 0, Late: f.IsLate(ds), Deadline: ds.Deadline(k.Period)})
}

func (s *Server) apiDataForm(w http.ResponseWriter, r *http.Request) error {
	k, active, err := s.dataFormTarget(r)
	if err != nil {
		return err
	}
	return s.writeDataForm(w, r, k, active)
}

// dataFormIn is the JSON body of saving or submitting a form: the cells
// by element code and combination key ("" for an element's total).
type dataFormIn struct {
	Values   map[string]map[string]string `json:"values"`
	Revision int                          `json:"revision"`
}

// apiDataFormEnter saves a form's cells, and with submit submits it.
func (s *Server) apiDataFormEnter(submit bool) func(http.ResponseWriter, *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		k, active, err := s.dataFormTarget(r)
		if err != nil {
			return err
		}
		var in dataFormIn
		if err := decodeJSON(r, &in); err != nil {
			return err
		}
		if _, err := s.db.EnterDataForm(r.Context(), actor(r), store.FormEntry{DataSetCode: k.Code, BodyID: k.Body.ID, Period: k.Period.String(),
			Cells: in.Values, Revision: in.Revision}, submit); err != nil {
			return err
		}
		return s.writeDataForm(w, r, k, active)
	}
}

// apiDataFormDecision accepts a submitted form, or returns it.
func (s *Server) apiDataFormDecision(accept bool) func(http.ResponseWriter, *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		k, active, err := s.dataFormTarget(r)
		if err != nil {
			return err
		}
		comment, err := decisionComment(r)
		if err != nil {
			return err
		}
		f, err := s.db.FindDataForm(r.Context(), k.Code, k.Body.ID, k.Period.String())
		if err != nil {
			return err
		}
		if f == nil {
			return aldyn.Errorf(aldyn.ENOTFOUND, "datasets.error.form_not_found")
		}
		if _, err := s.db.DecideDataForm(r.Context(), actor(r), f.ID, accept, comment); err != nil {
			return err
		}
		return s.writeDataForm(w, r, k, active)
	}
}

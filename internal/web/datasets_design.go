package web

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strconv"

	"github.com/aldyn-kg/aldyn"
)

// Designing reported figures: data elements (with their disaggregation),
// data set versions (a draft changes; an active one changes only by a new
// version) and validation rules, as pages and through the API. National
// administrators only; the store checks it again inside each write.

// The forms: one per entity, read from the pages' forms and the API's JSON.

// dataElementForm is the data element's one form.
type dataElementForm struct{ *aldyn.DataElement }

func (f dataElementForm) fields() formFields {
	e := f.DataElement
	return formFields{"code": text(&e.Code), "name": texts(&e.Name), "description": texts(&e.Description), "value_type": text(&e.ValueType),
		"unit": texts(&e.Unit), "aggregation": text(&e.Aggregation), "disaggregation_id": whole(&e.DisaggregationID, "datasets.error.disaggregation_not_found")}
}

// dataSetForm is the data set's one form; its status changes only by
// activating it.
type dataSetForm struct{ *aldyn.DataSet }

func (f dataSetForm) fields() formFields {
	s := f.DataSet
	return formFields{"code": text(&s.Code), "name": texts(&s.Name), "description": texts(&s.Description), "period_type": text(&s.PeriodType),
		"body_types": choices(&s.BodyTypes), "level": text(&s.Level), "open_days": whole(&s.OpenDays, "datasets.error.days"),
		"deadline_days": whole(&s.DeadlineDays, "datasets.error.days"), "close_days": whole(&s.CloseDays, "datasets.error.days"),
		"sensitive": check(&s.Sensitive), "element_ids": ids(&s.ElementIDs, "error.invalid")}
}

// validationRuleForm is the validation rule's one form.
type validationRuleForm struct{ *aldyn.ValidationRule }

func (f validationRuleForm) fields() formFields {
	r := f.ValidationRule
	return formFields{"data_set_code": text(&r.DataSetCode), "code": text(&r.Code), "expression": text(&r.Expression),
		"severity": text(&r.Severity), "message": texts(&r.Message)}
}

// The API.

// designJSON reads a design object through its form and stores it with
// save, answering status with it as stored.
func designJSON[T any](w http.ResponseWriter, r *http.Request, status int, v *T, form entityForm, save func(context.Context, *aldyn.Actor, *T) error) error {
	if err := requireNationalAdmin(r); err != nil {
		return err
	}
	if err := readJSON(r, form); err != nil {
		return err
	}
	if err := save(r.Context(), actor(r), v); err != nil {
		return err
	}
	return writeJSON(w, status, v)
}

// designUpdateJSON is designJSON for design record {id} (notFound when the
// id names none), stored with update.
func designUpdateJSON[T any](w http.ResponseWriter, r *http.Request, notFound string, v *T, form entityForm,
	update func(context.Context, *aldyn.Actor, int64, *T) error) error {
	id, err := routeID(r, "id", notFound)
	if err != nil {
		return err
	}
	return designJSON(w, r, http.StatusOK, v, form, func(ctx context.Context, a *aldyn.Actor, v *T) error { return update(ctx, a, id, v) })
}

func (s *Server) apiDataElementCreate(w http.ResponseWriter, r *http.Request) error {
	e := &aldyn.DataElement{}
	return designJSON(w, r, http.StatusCreated, e, dataElementForm{e}, s.db.CreateDataElement)
}

func (s *Server) apiDataSetCreate(w http.ResponseWriter, r *http.Request) error {
	ds := &aldyn.DataSet{}
	return designJSON(w, r, http.StatusCreated, ds, dataSetForm{ds}, s.db.CreateDataSet)
}

func (s *Server) apiValidationRuleCreate(w http.ResponseWriter, r *http.Request) error {
	v := &aldyn.ValidationRule{}
	return designJSON(w, r, http.StatusCreated, v, validationRuleForm{v}, s.db.CreateValidationRule)
}

func (s *Server) apiDataSetUpdate(w http.ResponseWriter, r *http.Request) error {
	ds := &aldyn.DataSet{}
	return designUpdateJSON(w, r, "datasets.error.not_found", ds, dataSetForm{ds}, s.db.UpdateDataSet)
}

func (s *Server) apiValidationRuleUpdate(w http.ResponseWriter, r *http.Request) error {
	v := &aldyn.ValidationRule{}
	return designUpdateJSON(w, r, "datasets.error.rule_not_found", v, validationRuleForm{v}, s.db.UpdateValidationRule)
}

func (s *Server) apiDataSetActivate(w http.ResponseWriter, r *http.Request) error {
	id, err := guardedID(r, requireNationalAdmin, "datasets.error.not_found")
	if err != nil {
		return err
	}
	ds, err := s.db.ActivateDataSet(r.Context(), actor(r), id)
	return writeFound(w, ds, err)
}

// apiDataSetNewVersion copies the newest version of the data set of id
// into a new draft.
func (s *Server) apiDataSetNewVersion(w http.ResponseWriter, r *http.Request) error {
	ds, err := s.newDataSetVersion(r)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, ds)
}

func (s *Server) newDataSetVersion(r *http.Request) (*aldyn.DataSet, error) {
	id, err := guardedID(r, requireNationalAdmin, "datasets.error.not_found")
	if err != nil {
		return nil, err
	}
	old, err := s.db.FindDataSetByID(r.Context(), id)
	if err != nil {
		return nil, err
	}
	return s.db.NewDataSetVersion(r.Context(), actor(r), old.Code)
}

// The pages.

// designPageData is the data of the dataset_design page: every
// breakdown (and which are in use), element, version of every data set
// and rule.
type designPageData struct {
	Breakdowns []*aldyn.Disaggregation
	InUse      map[int64]bool
	Elements   []*aldyn.DataElement
	Sets       []*aldyn.DataSet
	Rules      []*aldyn.ValidationRule
}

func (s *Server) designPage(w http.ResponseWriter, r *http.Request) error {
	if err := requireNationalAdmin(r); err != nil {
		return err
	}
	ctx := r.Context()
	all := aldyn.Page{Limit: aldyn.MaxLimit}
	els, _, err := s.db.FindDataElements(ctx, aldyn.DataElementFilter{Page: all})
	if err != nil {
		return err
	}
	sets, _, err := s.db.FindDataSets(ctx, aldyn.DataSetFilter{Page: aldyn.Page{Limit: aldyn.MaxLimit, Sort: "code"}})
	if err != nil {
		return err
	}
	rules, _, err := s.db.FindValidationRules(ctx, aldyn.ValidationRuleFilter{Page: all})
	if err != nil {
		return err
	}
	bds, err := s.db.FindDisaggregations(ctx)
	if err != nil {
		return err
	}
	inUse, err := s.db.DisaggregationsInUse(ctx)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "dataset_design", &page{Title: info(r).loc.T("datasets.design.title"),
		Data: &designPageData{Breakdowns: bds, InUse: inUse, Elements: els, Sets: sets, Rules: rules}})
}

// designFormPageData is the data of the design form pages: the value
// edited (nil when new) and the choices its fields offer.
type designFormPageData struct {
	Action    string
	Element   *aldyn.DataElement
	Set       *aldyn.DataSet
	Rule      *aldyn.ValidationRule
	Breakdown *aldyn.Disaggregation
	// InUse: the data set version is active or retired, or the breakdown
	// is used by one: it changes by a new version (a new breakdown).
	InUse           bool
	Slots           []breakdownSlot // the breakdown form's categories and option rows
	OptionColumns   []string
	Disaggregations []*aldyn.Disaggregation
	Elements        []*aldyn.DataElement
	SetCodes        []string
	Selected        map[int64]bool
	ValueTypes      []string
	Aggregations    []string
	PeriodTypes     []string
	BodyTypes       []string
	Levels          []string
	Severities      []string
}

func (s *Server) renderDesignForm(w http.ResponseWriter, r *http.Request, status int, title string, d *designFormPageData, form url.Values, errs map[string]string) error {
	ctx := r.Context()
	var err error
	if d.Disaggregations, err = s.db.FindDisaggregations(ctx); err != nil {
		return err
	}
	if d.Elements, _, err = s.db.FindDataElements(ctx, aldyn.DataElementFilter{Page: aldyn.Page{Limit: aldyn.MaxLimit}}); err != nil {
		return err
	}
	sets, _, err := s.db.FindDataSets(ctx, aldyn.DataSetFilter{Latest: true, Page: aldyn.Page{Limit: aldyn.MaxLimit, Sort: "code"}})
	if err != nil {
		return err
	}
	for _, x := range sets {
		d.SetCodes = append(d.SetCodes, x.Code)
	}
	d.Selected = idSet(form["element_ids"])
	d.ValueTypes, d.Aggregations, d.PeriodTypes, d.BodyTypes = aldyn.ValueTypes, aldyn.Aggregations, aldyn.PeriodTypes, aldyn.BodyTypes
	d.Levels = []string{aldyn.LevelCountry, aldyn.LevelRegion, aldyn.LevelDistrict, aldyn.LevelCity}
	d.Severities = []string{aldyn.RuleHard, aldyn.RuleSoft}
	return s.render(w, r, status, "dataset_design_form", &page{Title: title, Form: form, Errors: errs, Data: d})
}

// designSave saves a posted design form with save, showing it again with
// every bad field.
func (s *Server) designSave(w http.ResponseWriter, r *http.Request, form entityForm, title string, d *designFormPageData, save func() error, next func() string, flash string) error {
	if err := requireNationalAdmin(r); err != nil {
		return err
	}
	posted, readErr := readForm(r, form)
	readErr = withDomainErrors(readErr, form)
	return submitForm(w, r, posted, readErr, save, func(errs map[string]string) error {
		return s.renderDesignForm(w, r, http.StatusBadRequest, title, d, posted, errs)
	}, next, flash)
}

// withDomainErrors adds to the errors of reading a form those the
// domain's Validate finds in what could be read, so that a form is shown
// again with every bad field at once, not only the unreadable ones.
func withDomainErrors(readErr error, form entityForm) error {
	var e *aldyn.Error
	v, ok := form.(interface{ Validate() error })
	if readErr == nil || !ok || !errors.As(readErr, &e) {
		return readErr
	}
	var d *aldyn.Error
	if errors.As(v.Validate(), &d) {
		for f, k := range d.Fields {
			if _, taken := e.Fields[f]; !taken {
				e.Fields[f] = k
			}
		}
	}
	return e
}

func designPath(kind string, id int64) string {
	return "/data-design/" + kind + "/" + strconv.FormatInt(id, 10)
}

// designByPath loads design record {id} with find, for a national
// administrator.
func designByPath[T any](r *http.Request, notFound string, find func(context.Context, int64) (T, error)) (T, error) {
	return recordByPath(r, requireNationalAdmin, notFound, find, func(*aldyn.Actor, T) bool { return true })
}

// designNew shows the form of a new design record, its fields preset by
// form, titled by the message titleKey.
func (s *Server) designNew(w http.ResponseWriter, r *http.Request, titleKey string, d *designFormPageData, form url.Values) error {
	if err := requireNationalAdmin(r); err != nil {
		return err
	}
	return s.renderDesignForm(w, r, http.StatusOK, info(r).loc.T(titleKey), d, form, nil)
}

func (s *Server) designElementNew(w http.ResponseWriter, r *http.Request) error {
	form := url.Values{"value_type": {aldyn.ValueInteger}, "aggregation": {aldyn.AggregateSum}}
	return s.designNew(w, r, "datasets.design.new_element", &designFormPageData{Action: "/data-design/elements", Element: &aldyn.DataElement{}}, form)
}

func (s *Server) designElementCreate(w http.ResponseWriter, r *http.Request) error {
	e := &aldyn.DataElement{}
	return s.designSave(w, r, dataElementForm{e}, info(r).loc.T("datasets.design.new_element"), &designFormPageData{Action: "/data-design/elements", Element: e},
		func() error { return s.db.CreateDataElement(r.Context(), actor(r), e) },
		func() string { return designPath("elements", e.ID) }, "common.created")
}

func (s *Server) designElementByPath(r *http.Request) (*aldyn.DataElement, error) {
	return designByPath(r, "datasets.error.element_not_found", s.db.FindDataElementByID)
}

func (s *Server) designElementEdit(w http.ResponseWriter, r *http.Request) error {
	e, err := s.designElementByPath(r)
	if err != nil {
		return err
	}
	return s.renderDesignForm(w, r, http.StatusOK, e.Name.In(info(r).lang), &designFormPageData{Action: designPath("elements", e.ID), Element: e}, showForm(dataElementForm{e}), nil)
}

func (s *Server) designElementUpdate(w http.ResponseWriter, r *http.Request) error {
	old, err := s.designElementByPath(r)
	if err != nil {
		return err
	}
	e := &aldyn.DataElement{}
	return s.designSave(w, r, dataElementForm{e}, old.Name.In(info(r).lang), &designFormPageData{Action: designPath("elements", old.ID), Element: old},
		func() error { return s.db.UpdateDataElement(r.Context(), actor(r), old.ID, e) },
		func() string { return designPath("elements", old.ID) }, "common.saved")
}

func (s *Server) designSetNew(w http.ResponseWriter, r *http.Request) error {
	form := url.Values{"period_type": {aldyn.PeriodQuarter}, "level": {aldyn.LevelDistrict}, "deadline_days": {"15"}, "open_days": {"0"}, "close_days": {"0"}}
	return s.designNew(w, r, "datasets.design.new_set", &designFormPageData{Action: "/data-design/sets", Set: &aldyn.DataSet{}}, form)
}

func (s *Server) designSetCreate(w http.ResponseWriter, r *http.Request) error {
	ds := &aldyn.DataSet{}
	return s.designSave(w, r, dataSetForm{ds}, info(r).loc.T("datasets.design.new_set"), &designFormPageData{Action: "/data-design/sets", Set: ds},
		func() error { return s.db.CreateDataSet(r.Context(), actor(r), ds) },
		func() string { return designPath("sets", ds.ID) }, "common.created")
}

func (s *Server) designSetByPath(r *http.Request) (*aldyn.DataSet, error) {
	return designByPath(r, "datasets.error.not_found", s.db.FindDataSetByID)
}

func (s *Server) designSetTitle(r *http.Request, ds *aldyn.DataSet) string {
	return info(r).loc.T("datasets.design.set_title", map[string]any{"name": ds.Name.In(info(r).lang), "version": ds.Version})
}

func (s *Server) designSetEdit(w http.ResponseWriter, r *http.Request) error {
	ds, err := s.designSetByPath(r)
	if err != nil {
		return err
	}
	return s.renderDesignForm(w, r, http.StatusOK, s.designSetTitle(r, ds), &designFormPageData{Action: designPath("sets", ds.ID), Set: ds,
		InUse: ds.Status != aldyn.DataSetDraft}, showForm(dataSetForm{ds}), nil)
}

// designSetUpdate changes a draft version; a version in use is refused
// (409), as the store refuses it.
func (s *Server) designSetUpdate(w http.ResponseWriter, r *http.Request) error {
	old, err := s.designSetByPath(r)
	if err != nil {
		return err
	}
	ds := &aldyn.DataSet{}
	return s.designSave(w, r, dataSetForm{ds}, s.designSetTitle(r, old), &designFormPageData{Action: designPath("sets", old.ID), Set: old},
		func() error { return s.db.UpdateDataSet(r.Context(), actor(r), old.ID, ds) },
		func() string { return designPath("sets", old.ID) }, "common.saved")
}

func (s *Server) designSetActivate(w http.ResponseWriter, r *http.Request) error {
	ds, err := s.designSetByPath(r)
	if err != nil {
		return err
	}
	if _, err := s.db.ActivateDataSet(r.Context(), actor(r), ds.ID); err != nil {
		return err
	}
	return redirect(w, r, designPath("sets", ds.ID), "datasets.design.activated")
}

func (s *Server) designSetNewVersion(w http.ResponseWriter, r *http.Request) error {
	ds, err := s.newDataSetVersion(r)
	if err != nil {
		return err
	}
	return redirect(w, r, designPath("sets", ds.ID), "datasets.design.version_made")
}

func (s *Server) designRuleNew(w http.ResponseWriter, r *http.Request) error {
	form := url.Values{"severity": {aldyn.RuleHard}, "data_set_code": {r.URL.Query().Get("data_set")}}
	return s.designNew(w, r, "datasets.design.new_rule", &designFormPageData{Action: "/data-design/rules", Rule: &aldyn.ValidationRule{}}, form)
}

func (s *Server) designRuleCreate(w http.ResponseWriter, r *http.Request) error {
	v := &aldyn.ValidationRule{}
	return s.designSave(w, r, validationRuleForm{v}, info(r).loc.T("datasets.design.new_rule"), &designFormPageData{Action: "/data-design/rules", Rule: v},
		func() error { return s.db.CreateValidationRule(r.Context(), actor(r), v) },
		func() string { return designPath("rules", v.ID) }, "common.created")
}

func (s *Server) designRuleByPath(r *http.Request) (*aldyn.ValidationRule, error) {
	id, err := guardedID(r, requireNationalAdmin, "datasets.error.rule_not_found")
	if err != nil {
		return nil, err
	}
	rs, _, err := s.db.FindValidationRules(r.Context(), aldyn.ValidationRuleFilter{ID: &id, Page: aldyn.Page{Limit: 1}})
	if err != nil {
		return nil, err
	}
	if len(rs) == 0 {
		return nil, aldyn.Errorf(aldyn.ENOTFOUND, "datasets.error.rule_not_found")
	}
	return rs[0], nil
}

func (s *Server) designRuleEdit(w http.ResponseWriter, r *http.Request) error {
	v, err := s.designRuleByPath(r)
	if err != nil {
		return err
	}
	return s.renderDesignForm(w, r, http.StatusOK, info(r).loc.T("datasets.design.rule_title", map[string]any{"code": v.Code}),
		&designFormPageData{Action: designPath("rules", v.ID), Rule: v}, showForm(validationRuleForm{v}), nil)
}

func (s *Server) designRuleUpdate(w http.ResponseWriter, r *http.Request) error {
	old, err := s.designRuleByPath(r)
	if err != nil {
		return err
	}
	v := &aldyn.ValidationRule{}
	return s.designSave(w, r, validationRuleForm{v}, info(r).loc.T("datasets.design.rule_title", map[string]any{"code": old.Code}),
		&designFormPageData{Action: designPath("rules", old.ID), Rule: old},
		func() error { return s.db.UpdateValidationRule(r.Context(), actor(r), old.ID, v) },
		func() string { return designPath("rules", old.ID) }, "common.saved")
}

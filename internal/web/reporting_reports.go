package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/store"
)

// The report form.

// periodFor is the period label of an indicator value reported for a
// cycle: the period of the indicator's frequency holding the cycle's end.
func periodFor(frequency string, c *aldyn.ReportingCycle) string {
	t := c.To
	switch frequency {
	case aldyn.FrequencyMonthly:
		return t.Format("2006-01")
	case aldyn.FrequencyQuarterly:
		return fmt.Sprintf("%d-Q%d", t.Year(), (int(t.Month())-1)/3+1)
	}
	return strconv.Itoa(t.Year())
}

// formIndicator is an indicator of the measure with its value field.
type formIndicator struct {
	Indicator *aldyn.Indicator
	Period    string
	Field     string
}

// formBudgetLine is a budget line of the measure with its spent field.
type formBudgetLine struct {
	Line  aldyn.BudgetLine
	Field string
}

func (s *Server) measureIndicators(ctx context.Context, m *aldyn.Measure, c *aldyn.ReportingCycle) ([]formIndicator, error) {
	var out []formIndicator
	for _, id := range m.IndicatorIDs {
		ind, err := s.db.FindIndicatorByID(ctx, id)
		if err != nil {
			if aldyn.ErrorCode(err) == aldyn.ENOTFOUND {
				continue
			}
			return nil, err
		}
		out = append(out, formIndicator{Indicator: ind, Period: periodFor(ind.Frequency, c), Field: "value_" + strconv.FormatInt(id, 10)})
	}
	return out, nil
}

func budgetFields(m *aldyn.Measure) []formBudgetLine {
	out := make([]formBudgetLine, len(m.Budget))
	for i, l := range m.Budget {
		out[i] = formBudgetLine{Line: l, Field: "spent_" + strconv.Itoa(i)}
	}
	return out
}

// reportForm is a report's one form: the report form and the API's JSON.
// In the form the amounts spent are one field per budget line of the
// measure (spent_0, …), the indicator values one per indicator
// (value_<id>) and the evidence links one a line; in JSON they are the
// report's lists.
type reportForm struct {
	*aldyn.Report
	budget     []formBudgetLine
	indicators []formIndicator
}

// newReportForm is the form of a report on measure m with the indicators
// of its cycle.
func newReportForm(rp *aldyn.Report, m *aldyn.Measure, inds []formIndicator) reportForm {
	return reportForm{rp, budgetFields(m), inds}
}

func (f reportForm) fields() formFields {
	rp := f.Report
	return formFields{"cycle_id": whole(&rp.CycleID, "error.invalid"), "measure_id": whole(&rp.MeasureID, "error.invalid"),
		"progress": whole(&rp.Progress, "report.error.progress"), "narrative": text(&rp.Narrative), "evidence": lines(&rp.Evidence),
		"spent": spentField(&rp.Spent, f.budget), "values": valuesField(&rp.Values, f.indicators),
		"revision": whole(&rp.Revision, "error.invalid")}
}

// finish makes lists left out empty, not null.
func (f reportForm) finish() {
	if f.Spent == nil {
		f.Spent = []aldyn.BudgetLine{}
	}
	if f.Values == nil {
		f.Values = []aldyn.IndicatorValue{}
	}
}

// cellsField is a list known in advance line by line (the budget lines of
// a measure, the indicators of a cycle), a form field a line: parse reads
// a field filled in, a blank one is skipped, and one parse refuses is the
// field error bad; fill puts the list back into the fields.
type cellsField[L interface{ field() string }, T any] struct {
	jsonValue
	p     *[]T
	lines []L
	bad   string
	parse func(L, string) (T, bool)
	fill  func(f url.Values, lines []L, items []T)
}

func newCellsField[L interface{ field() string }, T any](p *[]T, lines []L, bad string, parse func(L, string) (T, bool), fill func(url.Values, []L, []T)) formField {
	return cellsField[L, T]{jsonValue{p}, p, lines, bad, parse, fill}
}

func (c cellsField[L, T]) read(f url.Values, _ string, v aldyn.Validation) {
	out := []T{}
	for _, l := range c.lines {
		x := strings.TrimSpace(f.Get(l.field()))
		if x == "" {
			continue
		}
		if t, ok := c.parse(l, x); ok {
			out = append(out, t)
		} else {
			v.Add(l.field(), c.bad)
		}
	}
	*c.p = out
}

func (c cellsField[L, T]) show(f url.Values, _ string) { c.fill(f, c.lines, *c.p) }

func (b formBudgetLine) field() string { return b.Field }

func (fi formIndicator) field() string { return fi.Field }

// spentField is the amounts spent, a field per budget line of the measure.
func spentField(p *[]aldyn.BudgetLine, budget []formBudgetLine) formField {
	return newCellsField(p, budget, "reporting.error.amount", func(b formBudgetLine, x string) (aldyn.BudgetLine, bool) {
		n, err := strconv.ParseInt(strings.ReplaceAll(x, " ", ""), 10, 64)
		return aldyn.BudgetLine{Source: b.Line.Source, Funder: b.Line.Funder, AmountKGS: n}, err == nil && n >= 0
	}, showSpent)
}

// showSpent puts each amount into the field of the first budget line of
// its source and funder not yet taken.
func showSpent(f url.Values, budget []formBudgetLine, spent []aldyn.BudgetLine) {
	used := make([]bool, len(spent))
	for _, b := range budget {
		for k, x := range spent {
			if !used[k] && x.Source == b.Line.Source && x.Funder == b.Line.Funder {
				used[k] = true
				f.Set(b.Field, strconv.FormatInt(x.AmountKGS, 10))
				break
			}
		}
	}
}

// valuesField is the indicator values of the cycle, a field per
// indicator.
func valuesField(p *[]aldyn.IndicatorValue, indicators []formIndicator) formField {
	return newCellsField(p, indicators, "indicator.error.value", func(fi formIndicator, x string) (aldyn.IndicatorValue, bool) {
		n, err := strconv.ParseFloat(strings.ReplaceAll(x, ",", "."), 64)
		return aldyn.IndicatorValue{IndicatorID: fi.Indicator.ID, Period: fi.Period, Value: n}, err == nil
	}, func(f url.Values, indicators []formIndicator, values []aldyn.IndicatorValue) {
		for _, fi := range indicators {
			for _, x := range values {
				if x.IndicatorID == fi.Indicator.ID && x.Period == fi.Period {
					f.Set(fi.Field, strconv.FormatFloat(x.Value, 'f', -1, 64))
				}
			}
		}
	})
}

// formTarget loads the cycle and measure of a report form and checks the
// actor writes reports of the measure's body.
func (s *Server) formTarget(r *http.Request) (*aldyn.ReportingCycle, *aldyn.Measure, *aldyn.Plan, *aldyn.Report, error) {
	if err := requireSignedIn(r); err != nil {
		return nil, nil, nil, nil, err
	}
	ctx := r.Context()
	cid, err := routeID(r, "cid", "reporting.error.not_found")
	if err != nil {
		return nil, nil, nil, nil, err
	}
	mid, err := routeID(r, "mid", "reporting.error.not_found")
	if err != nil {
		return nil, nil, nil, nil, err
	}
	notFound := aldyn.Errorf(aldyn.ENOTFOUND, "reporting.error.not_found")
	c, err := s.db.FindCycleByID(ctx, cid)
	if err != nil {
		if aldyn.ErrorCode(err) == aldyn.ENOTFOUND {
			return nil, nil, nil, nil, notFound
		}
		return nil, nil, nil, nil, err
	}
	m, err := s.db.FindMeasureByID(ctx, mid)
	if err != nil || m.PlanID != c.PlanID {
		if err == nil || aldyn.ErrorCode(err) == aldyn.ENOTFOUND {
			return nil, nil, nil, nil, notFound
		}
		return nil, nil, nil, nil, err
	}
	p, err := s.planByID(ctx, c.PlanID)
	if err != nil {
		return nil, nil, nil, nil, err
	}
	rs, _, err := s.db.FindReports(ctx, aldyn.ReportFilter{CycleID: &c.ID, MeasureID: &m.ID, Page: aldyn.Page{Limit: 1}})
	if err != nil {
		return nil, nil, nil, nil, err
	}
	var rp *aldyn.Report
	if len(rs) > 0 {
		if rp, err = s.db.FindReportByID(ctx, rs[0].ID); err != nil {
			return nil, nil, nil, nil, err
		}
	}
	return c, m, p, rp, nil
}

func (s *Server) reportFormPage(w http.ResponseWriter, r *http.Request) error {
	c, m, p, rp, err := s.formTarget(r)
	if err != nil {
		return err
	}
	a := actor(r)
	if !a.CanSubmitReport(m.ResponsibleBodyID) {
		if rp != nil && canViewReport(a, &reportCtx{R: rp, C: c, P: p, M: m}) {
			http.Redirect(w, r, "/reports/"+strconv.FormatInt(rp.ID, 10), http.StatusSeeOther)
			return nil
		}
		return aldyn.Errorf(aldyn.EFORBIDDEN, "report.error.submit_forbidden")
	}
	if rp == nil {
		// Opening the form starts the draft.
		rp = &aldyn.Report{CycleID: c.ID, MeasureID: m.ID}
		if err := s.db.SaveReport(r.Context(), a, rp); err != nil {
			return err
		}
	}
	if !rp.CanEdit() {
		http.Redirect(w, r, "/reports/"+strconv.FormatInt(rp.ID, 10), http.StatusSeeOther)
		return nil
	}
	return s.renderReportForm(w, r, http.StatusOK, &reportCtx{R: rp, C: c, P: p, M: m}, nil, nil)
}

// reportingReportFormPageData is the data of the reporting_report_form page.
type reportingReportFormPageData struct {
	Report     *aldyn.Report
	Cycle      *aldyn.ReportingCycle
	Plan       *aldyn.Plan
	Measure    *aldyn.Measure
	Indicators []formIndicator
	Budget     []formBudgetLine
	Files      []*store.ReportEvidence
	MaxFiles   int
	MaxSize    string
	Body       string
}

func (s *Server) renderReportForm(w http.ResponseWriter, r *http.Request, status int, rc *reportCtx, form url.Values, errs map[string]string) error {
	ctx := r.Context()
	inds, err := s.measureIndicators(ctx, rc.M, rc.C)
	if err != nil {
		return err
	}
	files, err := s.db.FindEvidence(ctx, rc.R.ID)
	if err != nil {
		return err
	}
	if form == nil {
		form = showForm(newReportForm(rc.R, rc.M, inds))
	}
	return s.render(w, r, status, "reporting_report_form", &page{Title: info(r).loc.T("reporting.report.form_title"), Form: form, Errors: errs,
		Data: &reportingReportFormPageData{Report: rc.R, Cycle: rc.C, Plan: rc.P, Measure: rc.M, Indicators: inds, Budget: budgetFields(rc.M),
			Files: files, MaxFiles: maxEvidenceFiles, MaxSize: byteSize(maxEvidenceBytes), Body: s.newBodyNames(r).Name(rc.M.ResponsibleBodyID)}})
}

func (s *Server) reportFormSave(w http.ResponseWriter, r *http.Request) error {
	c, m, p, rp, err := s.formTarget(r)
	if err != nil {
		return err
	}
	ctx, a := r.Context(), actor(r)
	if !a.CanSubmitReport(m.ResponsibleBodyID) {
		return aldyn.Errorf(aldyn.EFORBIDDEN, "report.error.submit_forbidden")
	}
	var form url.Values
	var files []*stagedFile
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/") {
		form, files, err = s.readReportMultipart(r)
	} else {
		err = r.ParseForm()
		form = r.PostForm
	}
	if err != nil {
		if rp != nil && aldyn.ErrorCode(err) == aldyn.EINVALID {
			if errs, ferr := formErrors(info(r).loc, err); ferr == nil {
				return s.renderReportForm(w, r, http.StatusBadRequest, &reportCtx{R: rp, C: c, P: p, M: m}, r.PostForm, errs)
			}
		}
		return err
	}
	begun := rp == nil
	if begun {
		rp = &aldyn.Report{CycleID: c.ID, MeasureID: m.ID}
		if err := s.db.SaveReport(ctx, a, rp); err != nil {
			removeStaged(files)
			return err
		}
	}
	rc := &reportCtx{R: rp, C: c, P: p, M: m}
	inds, err := s.measureIndicators(ctx, m, c)
	if err != nil {
		removeStaged(files)
		return err
	}
	in := &aldyn.Report{}
	err = readValues(form, newReportForm(in, m, inds))
	if err == nil {
		in.ID = rp.ID
		// The revision the form was opened at; a report begun by this
		// very request is at its first.
		if begun {
			in.Revision = rp.Revision
		}
		err = s.db.SaveReport(ctx, a, in)
	}
	if err == nil {
		_, err = s.attachFiles(ctx, a, rp.ID, files)
		files = nil
	}
	if err == nil && form.Get("action") == "submit" {
		_, err = s.submitReport(ctx, a, rp.ID)
		if err == nil {
			return redirect(w, r, "/reports/"+strconv.FormatInt(rp.ID, 10), "reporting.report.submitted")
		}
	}
	if err != nil {
		removeStaged(files)
		errs, ferr := formErrors(info(r).loc, err)
		if ferr != nil {
			return ferr
		}
		// The form shows the report as saved now, so that after a
		// conflict the kept input is saved over the newer revision only
		// when sent again.
		if fresh, e := s.db.FindReportByID(ctx, rp.ID); e == nil {
			rc.R = fresh
		}
		status := http.StatusBadRequest
		if aldyn.ErrorCode(err) == aldyn.ECONFLICT {
			status = http.StatusConflict
		}
		return s.renderReportForm(w, r, status, rc, form, errs)
	}
	return redirect(w, r, "/cycles/"+strconv.FormatInt(c.ID, 10)+"/measures/"+strconv.FormatInt(m.ID, 10)+"/report", "common.saved")
}

// The report page and its decisions.

// historyLine is one submission or decision.
type historyLine struct {
	Version int
	Status  aldyn.ReportStatus
	Who     string
	At      time.Time
	Comment string
}

func (s *Server) reportHistory(ctx context.Context, id int64) ([]historyLine, error) {
	vs, err := s.db.ReportHistory(ctx, id)
	if err != nil {
		return nil, err
	}
	users := map[int64]string{}
	out := make([]historyLine, len(vs))
	for i, v := range vs {
		l := historyLine{Version: v.Version, Status: v.Status, Who: s.userName(ctx, users, v.UserID), At: v.At}
		if v.Status != aldyn.ReportSubmitted {
			l.Comment = v.Report.Comment
		}
		out[i] = l
	}
	return out, nil
}

func (s *Server) reportPage(w http.ResponseWriter, r *http.Request) error {
	rc, err := s.viewableReport(r)
	if err != nil {
		return err
	}
	return s.renderReportPage(w, r, http.StatusOK, rc, nil)
}

// reportingReportPageData is the data of the reporting_report page.
type reportingReportPageData struct {
	Report     *aldyn.Report
	Cycle      *aldyn.ReportingCycle
	Plan       *aldyn.Plan
	Measure    *aldyn.Measure
	History    []historyLine
	Files      []*store.ReportEvidence
	Indicators map[int64]*aldyn.Indicator
	Body       string
	CanEdit    bool
	CanReview  bool
	Late       bool
	FormURL    string
}

func (s *Server) renderReportPage(w http.ResponseWriter, r *http.Request, status int, rc *reportCtx, errs map[string]string) error {
	ctx, a := r.Context(), actor(r)
	hist, err := s.reportHistory(ctx, rc.R.ID)
	if err != nil {
		return err
	}
	var files []*store.ReportEvidence
	if canReadEvidence(a, rc) {
		if files, err = s.db.FindEvidence(ctx, rc.R.ID); err != nil {
			return err
		}
	}
	inds, err := s.measureIndicators(ctx, rc.M, rc.C)
	if err != nil {
		return err
	}
	names := map[int64]*aldyn.Indicator{}
	for _, fi := range inds {
		names[fi.Indicator.ID] = fi.Indicator
	}
	canEdit := a.CanSubmitReport(rc.R.BodyID) && rc.R.CanEdit() && rc.C.Status == aldyn.CycleOpen
	canReview := a.CanReviewReport(rc.P.TerritoryPath) && rc.R.Status == aldyn.ReportSubmitted && rc.R.SubmittedBy != a.UserID
	return s.render(w, r, status, "reporting_report", &page{Title: info(r).loc.T("reporting.report.title", "code", rc.M.Code), Errors: errs, Data: &reportingReportPageData{
		Report: rc.R, Cycle: rc.C, Plan: rc.P, Measure: rc.M, History: hist, Files: files, Indicators: names,
		Body: s.newBodyNames(r).Name(rc.R.BodyID), CanEdit: canEdit, CanReview: canReview, Late: rc.R.IsLate(rc.C),
		FormURL: fmt.Sprintf("/cycles/%d/measures/%d/report", rc.C.ID, rc.M.ID),
	}})
}

// submitReport submits and tells the body's reviewers nothing more: the
// coordinator finds it in their tasks.
func (s *Server) submitReport(ctx context.Context, a *aldyn.Actor, id int64) (*aldyn.Report, error) {
	rp, err := s.db.SubmitReport(ctx, a, id)
	if aldyn.ErrorCode(err) == aldyn.ENOTFOUND {
		return nil, aldyn.Errorf(aldyn.ENOTFOUND, "reporting.error.not_found")
	}
	return rp, err
}

// decide accepts or returns report id and notifies the reporting body.
func (s *Server) decide(ctx context.Context, a *aldyn.Actor, id int64, accept bool, comment string) (*aldyn.Report, error) {
	var rp *aldyn.Report
	var err error
	if accept {
		rp, err = s.db.AcceptReport(ctx, a, id, comment)
	} else {
		rp, err = s.db.ReturnReport(ctx, a, id, comment)
	}
	if err != nil {
		return nil, notFoundAs(err, "reporting.error.not_found")
	}
	key, kind := "reporting.notify.accepted", "report_accepted"
	if !accept {
		key, kind = "reporting.notify.returned", "report_returned"
	}
	m, merr := s.db.FindMeasureByID(ctx, rp.MeasureID)
	code := ""
	if merr == nil {
		code = m.Code
	}
	n := &store.Notification{BodyID: rp.BodyID, Kind: kind, TextKey: key, Args: map[string]any{"code": code},
		Link: "/reports/" + strconv.FormatInt(rp.ID, 10)}
	if err := s.db.Notify(ctx, a, n); err != nil {
		s.log.Warn("notify report decision", "report", rp.ID, "err", err)
	}
	return rp, nil
}

func (s *Server) reportSubmit(w http.ResponseWriter, r *http.Request) error {
	id, err := guardedID(r, requireSignedIn, "reporting.error.not_found")
	if err != nil {
		return err
	}
	if _, err := s.submitReport(r.Context(), actor(r), id); err != nil {
		return err
	}
	return redirect(w, r, "/reports/"+strconv.FormatInt(id, 10), "reporting.report.submitted")
}

func (s *Server) reportDecision(w http.ResponseWriter, r *http.Request, accept bool) error {
	id, err := guardedID(r, requireSignedIn, "reporting.error.not_found")
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return badParam("form")
	}
	if _, err := s.decide(r.Context(), actor(r), id, accept, r.PostForm.Get("comment")); err != nil {
		errs, ferr := formErrors(info(r).loc, err)
		if ferr != nil {
			return ferr
		}
		rc, lerr := s.viewableReport(r)
		if lerr != nil {
			return lerr
		}
		return s.renderReportPage(w, r, http.StatusBadRequest, rc, errs)
	}
	flash := "reporting.report.accepted"
	if !accept {
		flash = "reporting.report.returned"
	}
	return redirect(w, r, "/reports/"+strconv.FormatInt(id, 10), flash)
}

func (s *Server) reportAccept(w http.ResponseWriter, r *http.Request) error {
	return s.reportDecision(w, r, true)
}
func (s *Server) reportReturn(w http.ResponseWriter, r *http.Request) error {
	return s.reportDecision(w, r, false)
}

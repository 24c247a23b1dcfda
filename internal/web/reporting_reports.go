package web

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/store"
)

// Evidence files: PDF, PNG or JPEG as their content says, at most
// maxEvidenceBytes each and maxEvidenceFiles per report.
const (
	maxEvidenceBytes     = 10 << 20
	maxEvidenceFiles     = 5
	evidenceRequestLimit = maxEvidenceFiles*maxEvidenceBytes + 1<<20
	maxFormValueBytes    = 256 << 10
)

var evidenceTypes = map[string]string{"application/pdf": ".pdf", "image/png": ".png", "image/jpeg": ".jpg"}

// evidenceDir is where evidence files live: the configured directory, or
// one in the system's temporary directory.
func (s *Server) evidenceDir() (string, error) {
	dir := s.cfg.EvidenceDir
	if dir == "" {
		dir = filepath.Join(os.TempDir(), "aldyn-evidence")
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return "", fmt.Errorf("evidence directory: %w", err)
	}
	return dir, nil
}

// validStorageKey guards the file system: keys are ours, 32 hex digits.
func validStorageKey(k string) bool {
	if len(k) != 32 {
		return false
	}
	_, err := hex.DecodeString(k)
	return err == nil
}

// stagedFile is an uploaded file written under a random name, not yet
// recorded in the store.
type stagedFile struct {
	store.ReportEvidence
	path string
}

// stageUpload reads one uploaded file into the evidence directory,
// checking its type by content and its size.
func (s *Server) stageUpload(name string, body io.Reader) (*stagedFile, error) {
	head := make([]byte, 512)
	n, err := io.ReadFull(body, head)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return nil, err
	}
	head = head[:n]
	ctype, _, _ := mime.ParseMediaType(http.DetectContentType(head))
	if _, ok := evidenceTypes[ctype]; !ok || n == 0 {
		return nil, &aldyn.Error{Code: aldyn.EINVALID, Message: "reporting.error.file_type", Args: map[string]any{"name": name},
			Fields: map[string]string{"files": "reporting.error.file_type_short"}}
	}
	dir, err := s.evidenceDir()
	if err != nil {
		return nil, err
	}
	var rnd [16]byte
	if _, err := rand.Read(rnd[:]); err != nil {
		return nil, err
	}
	key := hex.EncodeToString(rnd[:])
	path := filepath.Join(dir, key)
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o640)
	if err != nil {
		return nil, err
	}
	h := sha256.New()
	size, err := io.Copy(io.MultiWriter(f, h), io.LimitReader(io.MultiReader(bytes.NewReader(head), body), maxEvidenceBytes+1))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil && size > maxEvidenceBytes {
		err = aldyn.Errorf(aldyn.ETOOLARGE, "reporting.error.file_too_large", "name", name, "limit", byteSize(maxEvidenceBytes))
	}
	if err != nil {
		os.Remove(path)
		return nil, err
	}
	base := filepath.Base(strings.ReplaceAll(name, "\\", "/"))
	if base == "." || base == "/" || base == "" {
		base = "evidence" + evidenceTypes[ctype]
	}
	return &stagedFile{ReportEvidence: store.ReportEvidence{FileName: base, ContentType: ctype, Size: size, SHA256: hex.EncodeToString(h.Sum(nil)),
		StorageKey: key}, path: path}, nil
}

func removeStaged(files []*stagedFile) {
	for _, f := range files {
		os.Remove(f.path)
	}
}

// readReportMultipart reads a multipart form, staging its files (fields
// "files" or "file") and returning its other values.
func (s *Server) readReportMultipart(r *http.Request) (url.Values, []*stagedFile, error) {
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, nil, aldyn.Errorf(aldyn.EINVALID, "error.bad_param", "param", "form")
	}
	vals := url.Values{}
	var files []*stagedFile
	fail := func(err error) (url.Values, []*stagedFile, error) {
		removeStaged(files)
		return nil, nil, err
	}
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			var mbe *http.MaxBytesError
			if errors.As(err, &mbe) {
				return fail(err)
			}
			return fail(aldyn.Errorf(aldyn.EINVALID, "error.bad_param", "param", "form"))
		}
		name := part.FormName()
		if part.FileName() != "" || name == "files" || name == "file" {
			if part.FileName() == "" {
				part.Close()
				continue // an empty file input
			}
			if len(files) >= maxEvidenceFiles {
				part.Close()
				return fail(tooManyFiles())
			}
			f, err := s.stageUpload(part.FileName(), part)
			part.Close()
			if err != nil {
				return fail(err)
			}
			files = append(files, f)
			continue
		}
		b, err := io.ReadAll(io.LimitReader(part, maxFormValueBytes+1))
		part.Close()
		if err != nil {
			return fail(err)
		}
		if len(b) > maxFormValueBytes {
			return fail(aldyn.Errorf(aldyn.ETOOLARGE, "error.too_large", "limit", byteSize(maxFormValueBytes)))
		}
		vals.Add(name, string(b))
	}
	return vals, files, nil
}

func tooManyFiles() error {
	return &aldyn.Error{Code: aldyn.EINVALID, Message: "reporting.error.too_many_files", Args: map[string]any{"max": maxEvidenceFiles},
		Fields: map[string]string{"files": "reporting.error.too_many_files_short"}}
}

// attachFiles records staged files on report id; files not recorded are
// removed.
func (s *Server) attachFiles(ctx context.Context, a *aldyn.Actor, reportID int64, files []*stagedFile) ([]*store.ReportEvidence, error) {
	if len(files) == 0 {
		return nil, nil
	}
	existing, err := s.db.FindEvidence(ctx, reportID)
	if err != nil {
		removeStaged(files)
		return nil, err
	}
	if len(existing)+len(files) > maxEvidenceFiles {
		removeStaged(files)
		return nil, tooManyFiles()
	}
	var out []*store.ReportEvidence
	for i, f := range files {
		e := f.ReportEvidence
		e.ReportID = reportID
		if err := s.db.AddReportEvidence(ctx, a, &e); err != nil {
			removeStaged(files[i:])
			return out, err
		}
		out = append(out, &e)
	}
	return out, nil
}

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

// reportFormValues fills the form from a saved report.
func reportFormValues(rp *aldyn.Report, m *aldyn.Measure, inds []formIndicator) url.Values {
	f := url.Values{}
	f.Set("progress", strconv.Itoa(rp.Progress))
	f.Set("narrative", rp.Narrative)
	f.Set("links", strings.Join(rp.Evidence, "\n"))
	used := make([]bool, len(rp.Spent))
	for i, l := range m.Budget {
		for k, x := range rp.Spent {
			if !used[k] && x.Source == l.Source && x.Funder == l.Funder {
				used[k] = true
				f.Set("spent_"+strconv.Itoa(i), strconv.FormatInt(x.AmountKGS, 10))
				break
			}
		}
	}
	for _, fi := range inds {
		for _, x := range rp.Values {
			if x.IndicatorID == fi.Indicator.ID && x.Period == fi.Period {
				f.Set(fi.Field, strconv.FormatFloat(x.Value, 'f', -1, 64))
			}
		}
	}
	return f
}

// reportFromForm reads the editable fields of a report from the form.
func reportFromForm(f url.Values, m *aldyn.Measure, inds []formIndicator) (*aldyn.Report, error) {
	v := aldyn.Validation{}
	rp := &aldyn.Report{Narrative: f.Get("narrative"), Spent: []aldyn.BudgetLine{}, Values: []aldyn.IndicatorValue{}, Evidence: []string{}}
	if p := strings.TrimSpace(f.Get("progress")); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil {
			v.Add("progress", "report.error.progress")
		}
		rp.Progress = n
	}
	for _, l := range strings.Split(f.Get("links"), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			rp.Evidence = append(rp.Evidence, l)
		}
	}
	for _, b := range budgetFields(m) {
		s := strings.ReplaceAll(strings.TrimSpace(f.Get(b.Field)), " ", "")
		if s == "" {
			continue
		}
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n < 0 {
			v.Add(b.Field, "reporting.error.amount")
			continue
		}
		rp.Spent = append(rp.Spent, aldyn.BudgetLine{Source: b.Line.Source, Funder: b.Line.Funder, AmountKGS: n})
	}
	for _, fi := range inds {
		s := strings.ReplaceAll(strings.TrimSpace(f.Get(fi.Field)), ",", ".")
		if s == "" {
			continue
		}
		x, err := strconv.ParseFloat(s, 64)
		if err != nil {
			v.Add(fi.Field, "indicator.error.value")
			continue
		}
		rp.Values = append(rp.Values, aldyn.IndicatorValue{IndicatorID: fi.Indicator.ID, Period: fi.Period, Value: x})
	}
	return rp, v.Err()
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
		form = reportFormValues(rc.R, rc.M, inds)
	}
	return s.render(w, r, status, "reporting_report_form", &page{Title: info(r).loc.T("reporting.report.form_title"), Form: form, Errors: errs,
		Data: map[string]any{"Report": rc.R, "Cycle": rc.C, "Plan": rc.P, "Measure": rc.M, "Indicators": inds, "Budget": budgetFields(rc.M),
			"Files": files, "MaxFiles": maxEvidenceFiles, "MaxSize": byteSize(maxEvidenceBytes), "Body": s.newBodyNames(r).Name(rc.M.ResponsibleBodyID)}})
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
	in, err := reportFromForm(form, m, inds)
	if err == nil {
		in.ID = rp.ID
		// The revision the form was opened at; a report begun by this
		// very request is at its first.
		in.Revision = rp.Revision
		if !begun {
			in.Revision, _ = strconv.Atoi(form.Get("revision"))
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
	return s.render(w, r, status, "reporting_report", &page{Title: info(r).loc.T("reporting.report.title", "code", rc.M.Code), Errors: errs, Data: map[string]any{
		"Report": rc.R, "Cycle": rc.C, "Plan": rc.P, "Measure": rc.M, "History": hist, "Files": files, "Indicators": names,
		"Body": s.newBodyNames(r).Name(rc.R.BodyID), "CanEdit": canEdit, "CanReview": canReview, "Late": rc.R.IsLate(rc.C),
		"FormURL": fmt.Sprintf("/cycles/%d/measures/%d/report", rc.C.ID, rc.M.ID),
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
		if aldyn.ErrorCode(err) == aldyn.ENOTFOUND {
			return nil, aldyn.Errorf(aldyn.ENOTFOUND, "reporting.error.not_found")
		}
		return nil, err
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
	if err := requireSignedIn(r); err != nil {
		return err
	}
	id, err := routeID(r, "id", "reporting.error.not_found")
	if err != nil {
		return err
	}
	if _, err := s.submitReport(r.Context(), actor(r), id); err != nil {
		return err
	}
	return redirect(w, r, "/reports/"+strconv.FormatInt(id, 10), "reporting.report.submitted")
}

func (s *Server) reportDecision(w http.ResponseWriter, r *http.Request, accept bool) error {
	if err := requireSignedIn(r); err != nil {
		return err
	}
	id, err := routeID(r, "id", "reporting.error.not_found")
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

// Evidence files.

func (s *Server) uploadEvidence(r *http.Request) ([]*store.ReportEvidence, int64, error) {
	if err := requireSignedIn(r); err != nil {
		return nil, 0, err
	}
	rc, err := s.viewableReport(r)
	if err != nil {
		return nil, 0, err
	}
	a := actor(r)
	if !a.CanSubmitReport(rc.R.BodyID) {
		return nil, 0, aldyn.Errorf(aldyn.EFORBIDDEN, "report.error.submit_forbidden")
	}
	if !rc.R.CanEdit() {
		return nil, 0, aldyn.Errorf(aldyn.ECONFLICT, "reporting.error.locked")
	}
	_, files, err := s.readReportMultipart(r)
	if err != nil {
		return nil, 0, err
	}
	if len(files) == 0 {
		return nil, 0, &aldyn.Error{Code: aldyn.EINVALID, Message: "reporting.error.no_file", Fields: map[string]string{"files": "error.required"}}
	}
	es, err := s.attachFiles(r.Context(), a, rc.R.ID, files)
	return es, rc.R.ID, err
}

func (s *Server) reportEvidenceUpload(w http.ResponseWriter, r *http.Request) error {
	_, id, err := s.uploadEvidence(r)
	if err != nil {
		return err
	}
	return redirect(w, r, "/reports/"+strconv.FormatInt(id, 10), "reporting.evidence.added")
}

func (s *Server) apiEvidenceUpload(w http.ResponseWriter, r *http.Request) error {
	es, _, err := s.uploadEvidence(r)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, map[string]any{"items": evidenceOut(es)})
}

// evidenceOut hides where files are stored.
func evidenceOut(es []*store.ReportEvidence) []store.ReportEvidence {
	out := make([]store.ReportEvidence, len(es))
	for i, e := range es {
		out[i] = *e
		out[i].StorageKey = ""
	}
	return out
}

func (s *Server) evidenceByPath(r *http.Request) (*store.ReportEvidence, *reportCtx, error) {
	if err := requireSignedIn(r); err != nil {
		return nil, nil, err
	}
	id, err := routeID(r, "id", "reporting.error.not_found")
	if err != nil {
		return nil, nil, err
	}
	e, err := s.db.FindEvidenceByID(r.Context(), id)
	if err != nil {
		if aldyn.ErrorCode(err) == aldyn.ENOTFOUND {
			return nil, nil, aldyn.Errorf(aldyn.ENOTFOUND, "reporting.error.not_found")
		}
		return nil, nil, err
	}
	rc, err := s.loadReport(r.Context(), e.ReportID)
	if err != nil {
		return nil, nil, err
	}
	if !canReadEvidence(actor(r), rc) {
		return nil, nil, forbidden()
	}
	return e, rc, nil
}

func (s *Server) evidenceDownload(w http.ResponseWriter, r *http.Request) error {
	e, _, err := s.evidenceByPath(r)
	if err != nil {
		return err
	}
	if !validStorageKey(e.StorageKey) {
		return fmt.Errorf("evidence %d: bad storage key", e.ID)
	}
	dir, err := s.evidenceDir()
	if err != nil {
		return err
	}
	f, err := os.Open(filepath.Join(dir, e.StorageKey))
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return aldyn.Errorf(aldyn.ENOTFOUND, "reporting.error.not_found")
		}
		return err
	}
	defer f.Close()
	ctype := e.ContentType
	if _, ok := evidenceTypes[ctype]; !ok {
		ctype = "application/octet-stream"
	}
	h := w.Header()
	h.Set("Content-Type", ctype)
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": e.FileName}))
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "private, no-store")
	h.Set("Content-Length", strconv.FormatInt(e.Size, 10))
	_, err = io.Copy(w, f)
	return err
}

func (s *Server) evidenceDelete(w http.ResponseWriter, r *http.Request) error {
	e, rc, err := s.evidenceByPath(r)
	if err != nil {
		return err
	}
	if _, err := s.db.DeleteReportEvidence(r.Context(), actor(r), e.ID); err != nil {
		return err
	}
	if dir, err := s.evidenceDir(); err == nil && validStorageKey(e.StorageKey) {
		if err := os.Remove(filepath.Join(dir, e.StorageKey)); err != nil && !errors.Is(err, os.ErrNotExist) {
			s.log.Warn("remove evidence file", "evidence", e.ID, "err", err)
		}
	}
	return redirect(w, r, fmt.Sprintf("/cycles/%d/measures/%d/report", rc.C.ID, rc.M.ID), "common.deleted")
}

// The reports API.

// reportInput is the JSON body of a report's editable fields.
type reportInput struct {
	CycleID   int64                  `json:"cycle_id,omitempty"`
	MeasureID int64                  `json:"measure_id,omitempty"`
	Progress  int                    `json:"progress"`
	Narrative string                 `json:"narrative"`
	Evidence  []string               `json:"evidence"`
	Spent     []aldyn.BudgetLine     `json:"spent"`
	Values    []aldyn.IndicatorValue `json:"values"`
	// Revision is the revision of the report read before the edit;
	// required to update (see aldyn.Report.Revision).
	Revision int `json:"revision,omitempty"`
}

func (in reportInput) report() *aldyn.Report {
	rp := &aldyn.Report{CycleID: in.CycleID, MeasureID: in.MeasureID, Progress: in.Progress, Narrative: in.Narrative,
		Evidence: in.Evidence, Spent: in.Spent, Values: in.Values}
	if rp.Spent == nil {
		rp.Spent = []aldyn.BudgetLine{}
	}
	if rp.Values == nil {
		rp.Values = []aldyn.IndicatorValue{}
	}
	return rp
}

// reportOut is a report in the API with its files and history.
type reportOut struct {
	*aldyn.Report
	Files   []store.ReportEvidence `json:"files"`
	History []historyOut           `json:"history"`
}

type historyOut struct {
	Version int                `json:"version"`
	Status  aldyn.ReportStatus `json:"status"`
	By      string             `json:"by"`
	At      time.Time          `json:"at"`
	Comment string             `json:"comment,omitempty"`
}

func (s *Server) reportJSON(ctx context.Context, a *aldyn.Actor, id int64) (*reportOut, error) {
	rc, err := s.loadReport(ctx, id)
	if err != nil {
		return nil, err
	}
	out := &reportOut{Report: rc.R, Files: []store.ReportEvidence{}, History: []historyOut{}}
	if canReadEvidence(a, rc) {
		es, err := s.db.FindEvidence(ctx, id)
		if err != nil {
			return nil, err
		}
		out.Files = evidenceOut(es)
	}
	hist, err := s.reportHistory(ctx, id)
	if err != nil {
		return nil, err
	}
	for _, h := range hist {
		out.History = append(out.History, historyOut{Version: h.Version, Status: h.Status, By: h.Who, At: h.At, Comment: h.Comment})
	}
	return out, nil
}

func (s *Server) apiReport(w http.ResponseWriter, r *http.Request) error {
	rc, err := s.viewableReport(r)
	if err != nil {
		return err
	}
	out, err := s.reportJSON(r.Context(), actor(r), rc.R.ID)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, out)
}

func (s *Server) apiReportCreate(w http.ResponseWriter, r *http.Request) error {
	if err := requireSignedIn(r); err != nil {
		return err
	}
	var in reportInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	rp := in.report()
	if err := s.db.SaveReport(r.Context(), actor(r), rp); err != nil {
		return err
	}
	out, err := s.reportJSON(r.Context(), actor(r), rp.ID)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, out)
}

func (s *Server) apiReportUpdate(w http.ResponseWriter, r *http.Request) error {
	rc, err := s.viewableReport(r)
	if err != nil {
		return err
	}
	var in reportInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	rp := in.report()
	rp.ID, rp.Revision = rc.R.ID, in.Revision
	if err := s.db.SaveReport(r.Context(), actor(r), rp); err != nil {
		return err
	}
	out, err := s.reportJSON(r.Context(), actor(r), rp.ID)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, out)
}

// reportDecisionInput is the JSON body of accept and return.
type reportDecisionInput struct {
	Comment string `json:"comment"`
}

func (s *Server) apiReportAction(w http.ResponseWriter, r *http.Request, act func(ctx context.Context, a *aldyn.Actor, id int64, comment string) error) error {
	if err := requireSignedIn(r); err != nil {
		return err
	}
	id, err := routeID(r, "id", "reporting.error.not_found")
	if err != nil {
		return err
	}
	var in reportDecisionInput
	if r.ContentLength != 0 {
		if err := decodeJSON(r, &in); err != nil {
			return err
		}
	}
	if err := act(r.Context(), actor(r), id, in.Comment); err != nil {
		return err
	}
	out, err := s.reportJSON(r.Context(), actor(r), id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, out)
}

func (s *Server) apiReportSubmit(w http.ResponseWriter, r *http.Request) error {
	return s.apiReportAction(w, r, func(ctx context.Context, a *aldyn.Actor, id int64, _ string) error {
		_, err := s.submitReport(ctx, a, id)
		return err
	})
}

func (s *Server) apiReportAccept(w http.ResponseWriter, r *http.Request) error {
	return s.apiReportAction(w, r, func(ctx context.Context, a *aldyn.Actor, id int64, comment string) error {
		_, err := s.decide(ctx, a, id, true, comment)
		return err
	})
}

func (s *Server) apiReportReturn(w http.ResponseWriter, r *http.Request) error {
	return s.apiReportAction(w, r, func(ctx context.Context, a *aldyn.Actor, id int64, comment string) error {
		_, err := s.decide(ctx, a, id, false, comment)
		return err
	})
}

// The cycles API.

func (s *Server) apiCycles(w http.ResponseWriter, r *http.Request) error {
	p, err := s.pathPlan(r)
	if err != nil {
		return err
	}
	cs, err := s.cycleList(r.Context(), p.ID)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, newList(cs, len(cs), aldyn.Page{Limit: aldyn.MaxLimit}))
}

func (s *Server) apiCycleCreate(w http.ResponseWriter, r *http.Request) error {
	p, err := s.pathPlan(r)
	if err != nil {
		return err
	}
	if !actor(r).CanManagePlan(p.TerritoryPath) {
		return forbidden()
	}
	var in cycleInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	c, err := in.cycle(p.ID)
	if err != nil {
		return err
	}
	if err := s.openCycle(r, c); err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, c)
}

func (s *Server) apiCycleClose(w http.ResponseWriter, r *http.Request) error {
	if err := requireSignedIn(r); err != nil {
		return err
	}
	id, err := routeID(r, "id", "reporting.error.not_found")
	if err != nil {
		return err
	}
	c, err := s.closeCycle(r, id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, c)
}

package web

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"os"
	"slices"
	"sync"
	"time"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/export"
	"github.com/aldyn-kg/aldyn/internal/i18n"
	"github.com/aldyn-kg/aldyn/internal/importer"
	"github.com/aldyn-kg/aldyn/internal/offenses"
)

// Offense imports from the browser: the upload is saved to a temporary
// file, imported in the background, and the page polls its progress; the
// API imports synchronously. Only national analysts and administrators
// import: a file may hold records of any territory.

// maxOffenseUpload bounds an uploaded offense file.
const maxOffenseUpload = 4 << 30

// Column profiles: how the columns of one register's export map to the
// fields of a record, saved by name (audited) and chosen at import.

func (s *Server) apiOffenseProfiles(w http.ResponseWriter, r *http.Request) error {
	if err := requireImporter(r); err != nil {
		return err
	}
	ps, err := offenses.Profiles(r.Context(), s.db)
	return writeFound(w, ps, err)
}

func (s *Server) apiSaveOffenseProfile(w http.ResponseWriter, r *http.Request) error {
	if err := requireImporter(r); err != nil {
		return err
	}
	var p importer.Profile
	if err := decodeJSON(r, &p); err != nil {
		return err
	}
	p.Name = r.PathValue("name")
	if err := offenses.SaveProfile(r.Context(), s.db, actor(r), p); err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, p)
}

// offenseProfileForm saves a profile written as JSON on the imports page.
func (s *Server) offenseProfileForm(w http.ResponseWriter, r *http.Request) error {
	if err := requireImporter(r); err != nil {
		return err
	}
	var p importer.Profile
	loc := info(r).loc
	if err := json.Unmarshal([]byte(r.FormValue("profile_json")), &p); err != nil {
		return s.renderOffenseImports(w, r, http.StatusBadRequest, map[string]string{"profile_json": loc.T("error.malformed_json", "detail", err.Error())})
	}
	p.Name = r.FormValue("name")
	if src := r.FormValue("source"); src != "" && p.Source == "" {
		p.Source = src // the register chosen beside a suggested profile
	}
	if err := offenses.SaveProfile(r.Context(), s.db, actor(r), p); err != nil {
		errs, ferr := formErrors(loc, err)
		if ferr != nil {
			return ferr
		}
		return s.renderOffenseImports(w, r, http.StatusBadRequest, errs)
	}
	return redirect(w, r, "/stats/imports", "stats.import.profile_saved")
}

// importJob is a background import the browser follows.
type importJob struct {
	ID     int64
	UserID int64
	Name   string
	Size   int64

	mu       sync.Mutex
	rows     int64
	bytes    int64
	state    string // running, done, failed
	report   *offenses.Report
	err      error
	finished time.Time
	done     chan struct{} // closed when the import has ended
}

func (j *importJob) progress(rows, bytes int64) {
	j.mu.Lock()
	j.rows, j.bytes = rows, bytes
	j.mu.Unlock()
}

// importJobs holds the jobs of the last hour.
type importJobs struct {
	mu   sync.Mutex
	next int64
	jobs map[int64]*importJob
}

func (js *importJobs) add(j *importJob) {
	js.mu.Lock()
	defer js.mu.Unlock()
	if js.jobs == nil {
		js.jobs = map[int64]*importJob{}
	}
	for id, old := range js.jobs {
		old.mu.Lock()
		stale := !old.finished.IsZero() && time.Since(old.finished) > time.Hour
		old.mu.Unlock()
		if stale {
			delete(js.jobs, id)
		}
	}
	js.next++
	j.ID = js.next
	js.jobs[j.ID] = j
}

// job finds the job of the path for an importer: a job of the actor (any
// job for a national administrator).
func (js *importJobs) job(r *http.Request) (*importJob, error) {
	if err := requireImporter(r); err != nil {
		return nil, err
	}
	id, err := routeID(r, "id", "error.not_found")
	if err != nil {
		return nil, err
	}
	js.mu.Lock()
	j := js.jobs[id]
	js.mu.Unlock()
	a := actor(r)
	if j == nil || j.UserID != a.UserID && !a.Is(aldyn.RoleAdministrator) {
		return nil, aldyn.Errorf(aldyn.ENOTFOUND, "error.not_found")
	}
	return j, nil
}

// importForm reads the options of an import from the query or form.
func importInput(r *http.Request, name string) offenses.Input {
	in := offenses.Input{FileName: name, Profile: r.FormValue("profile"), SkipBad: r.FormValue("skip_bad") != ""}
	if f := r.FormValue("format"); f != "" {
		in.Format = importer.Format(f)
	}
	return in
}

func (s *Server) offenseImportsPage(w http.ResponseWriter, r *http.Request) error {
	if err := requireImporter(r); err != nil {
		return err
	}
	return s.renderOffenseImports(w, r, http.StatusOK, nil)
}

// offenseImportsPageData is the data of the offense_imports page.
type offenseImportsPageData struct {
	Entries  []*aldyn.OffenseImportEntry
	Pager    pager
	Profiles []importer.Profile
}

func (s *Server) renderOffenseImports(w http.ResponseWriter, r *http.Request, status int, errs map[string]string) error {
	p, err := pageFromQuery(r.URL.Query())
	if err != nil {
		return err
	}
	loc := info(r).loc
	if format := r.URL.Query().Get("format"); format != "" {
		t := export.Table{Title: loc.T("stats.import.log"), Columns: []export.Column{{Key: "id", Label: "ID", Kind: export.Int},
			{Key: "started_at", Label: loc.T("stats.import.started"), Kind: export.Date}, {Key: "actor", Label: loc.T("audit.actor")},
			{Key: "file", Label: loc.T("import.file")}, {Key: "sha256", Label: "SHA-256"}, {Key: "rows", Label: loc.T("stats.import.rows"), Kind: export.Int},
			{Key: "inserted", Label: loc.T("stats.import.inserted"), Kind: export.Int}, {Key: "existing", Label: loc.T("stats.import.existing"), Kind: export.Int},
			{Key: "rejected", Label: loc.T("stats.import.rejected"), Kind: export.Int}, {Key: "status", Label: loc.T("common.status")}}}
		return exportList(r, w, format, "offense-imports", t, p, s.db.FindOffenseImports, func(e *aldyn.OffenseImportEntry) []any {
			readableImport(loc, e)
			return []any{e.ID, e.StartedAt, e.Actor, e.FileName, e.SHA256, e.RowsRead, e.Inserted, e.Existing, e.Rejected, loc.T("stats.import.status." + e.Status)}
		})
	}
	entries, total, err := s.db.FindOffenseImports(r.Context(), p)
	if err != nil {
		return err
	}
	for _, e := range entries {
		readableImport(loc, e)
	}
	profiles, err := offenses.Profiles(r.Context(), s.db)
	if err != nil {
		return err
	}
	return s.render(w, r, status, "offense_imports", &page{Title: loc.T("stats.import.title"), Errors: errs, Form: r.Form,
		Data: &offenseImportsPageData{Entries: entries, Pager: newPager(p, total), Profiles: profiles}})
}

// readableImport names in the reader's language what the log records as
// codes: the system that ran an import without a user, and the demo's
// synthetic records, which have no file.
func readableImport(loc *i18n.Localizer, e *aldyn.OffenseImportEntry) {
	if e.UserID == nil && e.Actor == "system" {
		e.Actor = loc.T("audit.system")
	}
	if e.Format == "demo" {
		e.FileName = loc.T("stats.import.demo_records")
	}
}

// offenseImportUpload saves the uploaded file and imports it in the
// background; the browser goes to the job's page.
func (s *Server) offenseImportUpload(w http.ResponseWriter, r *http.Request) error {
	if err := requireImporter(r); err != nil {
		return err
	}
	mr, err := r.MultipartReader()
	if err != nil {
		return badParam("file")
	}
	var tmp *os.File
	var name string
	var size int64
	fields := map[string]string{}
	defer func() {
		if tmp != nil && err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	for {
		part, perr := mr.NextPart()
		if perr == io.EOF {
			break
		}
		if perr != nil {
			err = perr
			return aldyn.Errorf(aldyn.EINVALID, "error.bad_request")
		}
		if part.FormName() != "file" {
			b, _ := io.ReadAll(io.LimitReader(part, 1024))
			fields[part.FormName()] = string(b)
			continue
		}
		if tmp != nil {
			continue
		}
		name = part.FileName()
		if tmp, err = os.CreateTemp(s.cfg.UploadDir, offenses.UploadPattern); err != nil {
			return err
		}
		if size, err = io.Copy(tmp, part); err != nil {
			return err
		}
	}
	if tmp == nil || size == 0 {
		err = errors.New("no file")
		return s.renderOffenseImports(w, r, http.StatusBadRequest, map[string]string{"file": info(r).loc.T("error.required")})
	}
	if _, err = tmp.Seek(0, io.SeekStart); err != nil {
		return err
	}
	in := offenses.Input{FileName: name, Profile: fields["profile"], SkipBad: fields["skip_bad"] != ""}
	a := actor(r)
	job := &importJob{UserID: a.UserID, Name: name, Size: size, state: "running", done: make(chan struct{})}
	s.jobs.add(job)
	in.Progress = job.progress
	go func(f *os.File) {
		defer os.Remove(f.Name())
		defer f.Close()
		rep, err := offenses.Import(context.WithoutCancel(r.Context()), s.db, a, f, in)
		defer close(job.done)
		job.mu.Lock()
		defer job.mu.Unlock()
		job.report, job.err, job.finished = rep, err, time.Now()
		job.state = "done"
		if err != nil {
			job.state = "failed"
			s.log.Info("offense import failed", "file", name, "err", err)
		}
	}(tmp)
	return redirect(w, r, fmt.Sprintf("/stats/imports/jobs/%d", job.ID), "")
}

// jobStatus is what the progress poller and the API see of a job.
type jobStatus struct {
	ID      int64            `json:"id"`
	File    string           `json:"file"`
	State   string           `json:"state"`
	Done    int64            `json:"done"`  // bytes read
	Total   int64            `json:"total"` // bytes in the file
	Rows    int64            `json:"rows"`
	Message string           `json:"message,omitempty"`
	Report  *offenses.Report `json:"report,omitempty"`
}

func (s *Server) jobStatus(r *http.Request, j *importJob) jobStatus {
	j.mu.Lock()
	defer j.mu.Unlock()
	st := jobStatus{ID: j.ID, File: j.Name, State: j.state, Done: j.bytes, Total: j.Size, Rows: j.rows, Report: j.report}
	loc := info(r).loc
	switch {
	case j.err != nil:
		st.Message = translateError(loc, j.err)
	case j.state == "done":
		st.Done = j.Size
		st.Message = loc.T("stats.import.done_message", "inserted", j.report.Inserted, "existing", j.report.Existing)
	default:
		st.Message = loc.Tn("stats.import.rows_read", j.rows)
	}
	return st
}

func (s *Server) apiOffenseImportJob(w http.ResponseWriter, r *http.Request) error {
	j, err := s.jobs.job(r)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, s.jobStatus(r, j))
}

// offenseImportJobPageData is the data of the offense_import_job page.
type offenseImportJobPageData struct {
	Job        jobStatus
	Errors     []rowErrorJSON
	Omitted    int64
	Suggestion *profileSuggestion
}

func (s *Server) offenseImportJobPage(w http.ResponseWriter, r *http.Request) error {
	j, err := s.jobs.job(r)
	if err != nil {
		return err
	}
	st := s.jobStatus(r, j)
	var errs []rowErrorJSON
	var omitted int64
	if st.Report != nil {
		loc := info(r).loc
		shown := st.Report.Errors[:min(len(st.Report.Errors), 100)]
		for _, e := range shown {
			errs = append(errs, rowErrorJSON{RowError: e, Message: loc.T(e.Reason, e.MessageArgs(loc.Lang()))})
		}
		omitted = int64(len(st.Report.Errors)-len(shown)) + st.Report.ErrorsOmitted
	}
	var sug *profileSuggestion
	if st.Report != nil && st.Report.Suggested != nil {
		sug = newProfileSuggestion(*st.Report.Suggested, st.Report.SuggestedMissing)
	}
	return s.render(w, r, http.StatusOK, "offense_import_job", &page{Title: info(r).loc.T("stats.import.job_title", "file", j.Name),
		Data: &offenseImportJobPageData{Job: st, Errors: errs, Omitted: omitted, Suggestion: sug}})
}

// profileSuggestion is the column profile proposed for a file no saved
// profile fits, shown on its import's page to be saved with one click (or
// completed first, when required fields have no column).
type profileSuggestion struct {
	Rows    []struct{ Field, Column string }
	Missing []string
	JSON    string
	// AskSource: the file has no register column, so the profile must
	// say which register it reads.
	AskSource bool
}

func newProfileSuggestion(p importer.Profile, missing []string) *profileSuggestion {
	sg := &profileSuggestion{Missing: missing, AskSource: p.Source == "" && p.Columns[importer.FieldSource] == ""}
	fields := slices.Sorted(maps.Keys(p.Columns))
	for _, f := range fields {
		sg.Rows = append(sg.Rows, struct{ Field, Column string }{f, p.Columns[f]})
	}
	p.Name = ""
	if b, err := json.MarshalIndent(p, "", "  "); err == nil {
		sg.JSON = string(b)
	}
	return sg
}

func (s *Server) offenseImportErrors(w http.ResponseWriter, r *http.Request) error {
	j, err := s.jobs.job(r)
	if err != nil {
		return err
	}
	// The rejected rows are known when the import has ended.
	select {
	case <-j.done:
	case <-r.Context().Done():
		return r.Context().Err()
	}
	st := s.jobStatus(r, j)
	if st.Report == nil {
		return aldyn.Errorf(aldyn.ENOTFOUND, "error.not_found")
	}
	loc := info(r).loc
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="rejected-rows.csv"`)
	return importer.WriteRowErrorsCSV(w, st.Report.Errors, loc.Lang(), func(key string, args map[string]any) string { return loc.T(key, args) })
}

func (s *Server) apiOffenseImports(w http.ResponseWriter, r *http.Request) error {
	return writeList(w, r, requireImporter, fromQuery(pageFromQuery), func(p aldyn.Page) aldyn.Page { return p }, s.db.FindOffenseImports)
}

// apiOffenseImport imports the request body (a CSV, JSON Lines or XLSX
// file; format= or the Content-Type says which) and answers with the
// report: 200 when stored, 422 with the rejected rows when not.
func (s *Server) apiOffenseImport(w http.ResponseWriter, r *http.Request) error {
	if err := requireImporter(r); err != nil {
		return err
	}
	q := r.URL.Query()
	in := offenses.Input{FileName: q.Get("name"), Profile: q.Get("profile"), SkipBad: q.Get("skip_bad") == "1" || q.Get("skip_bad") == "true"}
	switch f := q.Get("format"); {
	case f != "":
		in.Format = importer.Format(f)
	default:
		switch ct := r.Header.Get("Content-Type"); ct {
		case "text/csv", "text/csv; charset=utf-8":
			in.Format = importer.CSV
		case "application/jsonl", "application/x-ndjson":
			in.Format = importer.JSONL
		case "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet":
			in.Format = importer.XLSX
		}
	}
	if in.FileName == "" {
		in.FileName = "api-upload." + string(in.Format)
	}
	rep, err := offenses.Import(r.Context(), s.db, actor(r), r.Body, in)
	if err != nil {
		var ae *aldyn.Error
		if errors.As(err, &ae) && ae.Code == aldyn.EINVALID && rep != nil && len(rep.Errors) > 0 {
			loc := info(r).loc
			return writeJSON(w, http.StatusUnprocessableEntity, map[string]any{
				"error":  map[string]any{"code": ae.Code, "message": loc.T(ae.Message, ae.Args)},
				"report": translatedReport(loc, rep),
			})
		}
		return err
	}
	return writeJSON(w, http.StatusOK, rep)
}

// translateError is the message a user reads for an error.
func translateError(loc *i18n.Localizer, err error) string {
	var e *aldyn.Error
	if !errors.As(err, &e) || e.Code == aldyn.EINTERNAL {
		return loc.T("error.internal")
	}
	return loc.T(e.Message, e.Args)
}

// rowErrorJSON is a rejected row with its reason in the reader's language.
type rowErrorJSON struct {
	importer.RowError
	Message string `json:"message"`
}

// translatedReport is an import report whose rejected rows say why in words.
func translatedReport(loc *i18n.Localizer, rep *offenses.Report) map[string]any {
	errs := make([]rowErrorJSON, len(rep.Errors))
	for i, e := range rep.Errors {
		errs[i] = rowErrorJSON{RowError: e, Message: loc.T(e.Reason, e.MessageArgs(loc.Lang()))}
	}
	return map[string]any{"file_name": rep.FileName, "rows": rep.Rows, "accepted": rep.Accepted, "rejected": rep.Rejected,
		"duplicates": rep.Duplicates, "sha256": rep.SHA256, "errors": errs, "errors_omitted": rep.ErrorsOmitted}
}

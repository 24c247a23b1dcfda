package web

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/export"
	"github.com/aldyn-kg/aldyn/internal/i18n"
	"github.com/aldyn-kg/aldyn/internal/residents"
	"github.com/aldyn-kg/aldyn/internal/store"
)

// The residents' channel, staff side: the scoped list of reports
// (/residents, also on /tasks), one report with its handling (status and
// public answer, internal notes, reassignment, merging, moderation), the
// JSON API, and escalation of overdue reports to the coordination
// commission of their territory.

// residentScope limits a staff list to what the actor handles or covers:
// a reporter its body's reports, others their territory's.
func residentScope(a *aldyn.Actor, f *aldyn.ResidentReportFilter) {
	if f.BodyID = reporterBody(a); f.BodyID == nil {
		f.Under = a.ScopeUnder()
	}
}

// reporterBody is the body whose reports a reporter handles; nil for
// anyone else.
func reporterBody(a *aldyn.Actor) *int64 {
	if !a.Is(aldyn.RoleReporter) {
		return nil
	}
	id := a.BodyID
	return &id
}

func residentFilter(r *http.Request, now time.Time) (aldyn.ResidentReportFilter, error) {
	q := r.URL.Query()
	p, err := pageFromQuery(q)
	if err != nil {
		return aldyn.ResidentReportFilter{}, err
	}
	f := aldyn.ResidentReportFilter{Page: p, Query: q.Get("q")}
	if err := aldyn.CheckSearch(f.Query); err != nil {
		return f, err
	}
	if v := q.Get("status"); v != "" {
		st := aldyn.ResidentStatus(v)
		if !st.Valid() {
			return f, badParam("status")
		}
		f.Status = &st
	}
	if v := q.Get("category"); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return f, badParam("category")
		}
		f.CategoryID = &id
	}
	if q.Get("overdue") == "1" {
		f.OverdueAt = &now
	}
	if q.Get("open") == "1" {
		f.OpenOnly = true
	}
	return f, nil
}

// residentRow is a report in a staff list with its names.
type residentRow struct {
	*aldyn.ResidentReport
	Category *aldyn.ResidentCategory
	Body     *aldyn.Body
	Overdue  bool
}

// staffResidentFilter is the filter of a staff list of reports: the
// query's, within the signed-in actor's scope.
func (s *Server) staffResidentFilter(r *http.Request) (aldyn.ResidentReportFilter, error) {
	if err := requireSignedIn(r); err != nil {
		return aldyn.ResidentReportFilter{}, err
	}
	f, err := residentFilter(r, s.db.Now())
	if err != nil {
		return f, err
	}
	residentScope(actor(r), &f)
	return f, nil
}

func (s *Server) residentRows(ctx context.Context, rs []*aldyn.ResidentReport) ([]residentRow, error) {
	n, err := s.residentNames(ctx, "", rs)
	if err != nil {
		return nil, err
	}
	now := s.db.Now()
	out := make([]residentRow, len(rs))
	for i, r := range rs {
		out[i] = residentRow{ResidentReport: r, Category: n.cats[r.CategoryID], Body: n.bodies[r.BodyID], Overdue: r.IsOverdue(now)}
	}
	return out, nil
}

// residentLookup holds what a list of reports names: the categories, the
// bodies the reports are assigned to and, given a language, the
// territories.
type residentLookup struct {
	cats        map[int64]*aldyn.ResidentCategory
	bodies      map[int64]*aldyn.Body
	territories map[string]string
}

func (s *Server) residentNames(ctx context.Context, lang string, rs []*aldyn.ResidentReport) (*residentLookup, error) {
	cats, err := s.residentCategoryMap(ctx)
	if err != nil {
		return nil, err
	}
	ids := make([]int64, 0, len(rs))
	for _, r := range rs {
		ids = append(ids, r.BodyID)
	}
	n := &residentLookup{cats: cats}
	if n.bodies, err = s.bodyNames(ctx, ids...); err != nil {
		return nil, err
	}
	if lang != "" {
		if n.territories, err = s.territoryNames(ctx, lang); err != nil {
			return nil, err
		}
	}
	return n, nil
}

func (s *Server) residentCategoryMap(ctx context.Context) (map[int64]*aldyn.ResidentCategory, error) {
	cats, err := s.db.FindResidentCategories(ctx, false)
	if err != nil {
		return nil, err
	}
	m := make(map[int64]*aldyn.ResidentCategory, len(cats))
	for _, c := range cats {
		m[c.ID] = c
	}
	return m, nil
}

// openResidentTasks lists the open reports the actor handles, overdue
// first, for /tasks.
func (s *Server) openResidentTasks(ctx context.Context, a *aldyn.Actor) ([]residentRow, int, error) {
	if !a.Is(aldyn.RoleReporter, aldyn.RoleCoordinator, aldyn.RoleAdministrator) {
		return nil, 0, nil
	}
	f := aldyn.ResidentReportFilter{OpenOnly: true, Page: aldyn.Page{Limit: 20, Sort: "due"}}
	residentScope(a, &f)
	rs, total, err := s.db.FindResidentReports(ctx, f)
	if err != nil {
		return nil, 0, err
	}
	rows, err := s.residentRows(ctx, rs)
	return rows, total, err
}

func (s *Server) residentsPage(w http.ResponseWriter, r *http.Request) error {
	f, err := s.staffResidentFilter(r)
	if err != nil {
		return err
	}
	if format := r.URL.Query().Get("format"); format != "" {
		return s.exportResidents(w, r, f, format)
	}
	rs, total, err := s.db.FindResidentReports(r.Context(), f)
	if err != nil {
		return err
	}
	rows, err := s.residentRows(r.Context(), rs)
	if err != nil {
		return err
	}
	cats, err := s.db.FindResidentCategories(r.Context(), false)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "residents", &page{Title: info(r).loc.T("residents.staff.title"), Form: r.URL.Query(), Data: map[string]any{
		"Rows": rows, "Pager": newPager(f.Page, total), "Statuses": aldyn.ResidentStatuses, "Categories": cats,
		"CanEditCategories": requireNationalAdmin(r) == nil,
	}})
}

func (s *Server) exportResidents(w http.ResponseWriter, r *http.Request, f aldyn.ResidentReportFilter, format string) error {
	loc, lang := info(r).loc, info(r).lang
	t := export.Table{Title: loc.T("residents.staff.title"), Columns: []export.Column{
		{Key: "id", Label: "ID", Kind: export.Int},
		{Key: "created", Label: loc.T("residents.received_at")},
		{Key: "category", Label: loc.T("residents.category")},
		{Key: "territory_code", Label: loc.T("common.code")},
		{Key: "body", Label: loc.T("residents.body")},
		{Key: "status", Label: loc.T("common.status")},
		{Key: "due", Label: loc.T("residents.due")},
		{Key: "supporters", Label: loc.T("residents.supporters"), Kind: export.Int},
	}}
	var rows map[int64]residentRow
	return exportList(r, w, format, "resident-reports", t, f.Page, func(ctx context.Context, p aldyn.Page) ([]*aldyn.ResidentReport, int, error) {
		f.Page = p
		rs, total, err := s.db.FindResidentReports(ctx, f)
		if err != nil {
			return nil, 0, err
		}
		rr, err := s.residentRows(ctx, rs)
		rows = map[int64]residentRow{}
		for _, x := range rr {
			rows[x.ID] = x
		}
		return rs, total, err
	}, func(x *aldyn.ResidentReport) []any {
		row := rows[x.ID]
		cat, body := "", ""
		if row.Category != nil {
			cat = row.Category.Name.In(lang)
		}
		if row.Body != nil {
			body = row.Body.Name(lang)
		}
		return []any{x.ID, x.CreatedAt.Format(time.DateOnly), cat, x.TerritoryCode, body, loc.T("residents.status." + string(x.Status)),
			x.DueOn.Format(time.DateOnly), x.Supporters}
	})
}

// residentByPath loads the report of the path for staff who may see it;
// anyone else is told it does not exist.
func (s *Server) residentByPath(r *http.Request) (*aldyn.ResidentReport, error) {
	if err := requireSignedIn(r); err != nil {
		return nil, err
	}
	id, err := routeID(r, "id", "residents.error.not_found")
	if err != nil {
		return nil, err
	}
	rr, err := s.db.FindResidentReportByID(r.Context(), id)
	if err != nil {
		return nil, err
	}
	if !actor(r).CanSeeResident(rr.BodyID, rr.BodyPath, rr.TerritoryPath) {
		return nil, aldyn.Errorf(aldyn.ENOTFOUND, "residents.error.not_found")
	}
	return rr, nil
}

// residentPageData is what templates/resident.html receives.
type residentPageData struct {
	residentRow
	Place       *aldyn.Territory
	Notes       []*aldyn.ResidentNote
	Media       []*store.ResidentMedia
	Duplicates  []residentRow
	Bodies      []*aldyn.Body // bodies it can be reassigned to
	CanHandle   bool
	CanModerate bool
	Next        []aldyn.ResidentStatus
	PhotoMB     int64 // the largest photo of the result, in MB
}

func (s *Server) residentPage(w http.ResponseWriter, r *http.Request) error {
	rr, err := s.residentByPath(r)
	if err != nil {
		return err
	}
	return s.renderResident(w, r, http.StatusOK, rr, nil, nil)
}

func (s *Server) renderResident(w http.ResponseWriter, r *http.Request, status int, rr *aldyn.ResidentReport, form url.Values, errs map[string]string) error {
	ctx, a := r.Context(), actor(r)
	rows, err := s.residentRows(ctx, []*aldyn.ResidentReport{rr})
	if err != nil {
		return err
	}
	d := &residentPageData{residentRow: rows[0], CanHandle: a.CanHandleResident(rr.BodyID, rr.BodyPath),
		CanModerate: a.CanModerateResidents(rr.TerritoryPath) || a.CanHandleResident(rr.BodyID, rr.BodyPath),
		PhotoMB:     residents.MaxPhotoBytes >> 20}
	if d.Place, err = s.db.FindTerritoryByCode(ctx, rr.TerritoryCode); err != nil {
		return err
	}
	if d.Notes, err = s.db.FindResidentNotes(ctx, rr.ID); err != nil {
		return err
	}
	if d.Media, err = s.db.FindResidentMedia(ctx, rr.ID); err != nil {
		return err
	}
	id := rr.ID
	dups, _, err := s.db.FindResidentReports(ctx, aldyn.ResidentReportFilter{DuplicateOf: &id, IncludeMerged: true, Page: aldyn.Page{Limit: aldyn.MaxLimit}})
	if err != nil {
		return err
	}
	if d.Duplicates, err = s.residentRows(ctx, dups); err != nil {
		return err
	}
	for _, to := range aldyn.ResidentStatuses {
		if rr.Status.CanTransition(to) && rr.DuplicateOf == nil {
			d.Next = append(d.Next, to)
		}
	}
	if d.CanHandle && !rr.Status.Closed() {
		all, _, err := s.db.FindBodies(ctx, aldyn.BodyFilter{Page: aldyn.Page{Limit: aldyn.MaxLimit, Sort: "territory"}})
		if err != nil {
			return err
		}
		for _, b := range all {
			if b.ID != rr.BodyID && !aldyn.IsCoordinationBody(b.Type) {
				d.Bodies = append(d.Bodies, b)
			}
		}
	}
	return s.render(w, r, status, "resident", &page{Title: info(r).loc.T("residents.report_title", "id", rr.ID), Data: d, Form: form, Errors: errs})
}

// residentAction runs a change on the report of the path and shows the
// report again, with the change's errors when it was refused.
func (s *Server) residentAction(w http.ResponseWriter, r *http.Request, flash string, do func(rr *aldyn.ResidentReport, form url.Values) error) error {
	rr, err := s.residentByPath(r)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return badParam("form")
	}
	if err := do(rr, r.PostForm); err != nil {
		return s.residentRefused(w, r, rr, r.PostForm, err)
	}
	return redirect(w, r, "/residents/"+strconv.FormatInt(rr.ID, 10), flash)
}

// residentRefused shows the report again with the errors of a change it
// refused; an error that is not the user's is returned.
func (s *Server) residentRefused(w http.ResponseWriter, r *http.Request, rr *aldyn.ResidentReport, form url.Values, err error) error {
	e, ok := err.(*aldyn.Error)
	if !ok || e.Code != aldyn.EINVALID && e.Code != aldyn.ECONFLICT && e.Code != aldyn.ETOOLARGE {
		return err
	}
	loc := info(r).loc
	errs := map[string]string{}
	for f, k := range e.Fields {
		errs[f] = loc.T(k, e.Args)
	}
	if len(errs) == 0 {
		errs["_"] = loc.T(e.Message, e.Args)
	}
	status := http.StatusBadRequest
	if e.Code == aldyn.ETOOLARGE {
		status = http.StatusRequestEntityTooLarge
	}
	return s.renderResident(w, r, status, rr, form, errs)
}

// answerRequestLimit bounds the status form: the answer and one photo of
// the result.
const answerRequestLimit = residents.MaxPhotoBytes + 1<<20

// readAnswerMultipart reads the status form with a photo of the result
// ("photo"), checked by content and stripped of its metadata as residents'
// photos are; a video is refused.
func (s *Server) readAnswerMultipart(r *http.Request) (url.Values, []*residentUpload, error) {
	return multipartForm[*residentUpload]{
		fileFields: []string{"photo"},
		bad:        badParam("form"),
		add: func(files []*residentUpload, name string, body io.Reader) ([]*residentUpload, error) {
			f, err := s.readResidentFile(name, body)
			if err != nil {
				if e, ok := err.(*aldyn.Error); ok && e.Fields != nil {
					e.Fields = map[string]string{"photo": e.Message}
				}
				return files, err
			}
			files = append(files, f)
			if f.ContentType == residents.MP4 {
				return files, invalid("photo", "residents.error.photo_answer_type")
			}
			if len(files) > aldyn.MaxResidentAnswerPhotos {
				return files, invalid("photo", "residents.error.photo_answer_one")
			}
			return files, nil
		},
		remove: removeUploads,
	}.read(r)
}

// residentStatus moves the report on, from a plain form or, with a photo
// of the result, a multipart one.
func (s *Server) residentStatus(w http.ResponseWriter, r *http.Request) error {
	rr, err := s.residentByPath(r)
	if err != nil {
		return err
	}
	var form url.Values
	var files []*residentUpload
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/") {
		form, files, err = s.readAnswerMultipart(r)
	} else if err = r.ParseForm(); err != nil {
		err = badParam("form")
	} else {
		form = r.PostForm
	}
	if err != nil {
		return s.residentRefused(w, r, rr, form, err)
	}
	photos := make([]*store.ResidentMedia, len(files))
	for i, f := range files {
		photos[i] = &f.ResidentMedia
	}
	if _, err := s.db.TransitionResidentReport(r.Context(), actor(r), rr.ID, aldyn.ResidentStatus(form.Get("status")), form.Get("answer"), photos...); err != nil {
		removeUploads(files)
		return s.residentRefused(w, r, rr, form, err)
	}
	return redirect(w, r, "/residents/"+strconv.FormatInt(rr.ID, 10), "common.saved")
}

func (s *Server) residentNote(w http.ResponseWriter, r *http.Request) error {
	return s.residentAction(w, r, "common.saved", func(rr *aldyn.ResidentReport, form url.Values) error {
		return s.db.AddResidentNote(r.Context(), actor(r), &aldyn.ResidentNote{ReportID: rr.ID, Text: form.Get("text")})
	})
}

func (s *Server) residentReassign(w http.ResponseWriter, r *http.Request) error {
	return s.residentAction(w, r, "residents.reassigned", func(rr *aldyn.ResidentReport, form url.Values) error {
		id, err := strconv.ParseInt(form.Get("body_id"), 10, 64)
		if err != nil {
			return invalid("body_id", "error.required")
		}
		return s.db.ReassignResidentReport(r.Context(), actor(r), rr.ID, id, form.Get("reason"))
	})
}

func (s *Server) residentMerge(w http.ResponseWriter, r *http.Request) error {
	return s.residentAction(w, r, "residents.merged", func(rr *aldyn.ResidentReport, form url.Values) error {
		into, err := strconv.ParseInt(strings.TrimPrefix(strings.TrimSpace(form.Get("into")), "#"), 10, 64)
		if err != nil {
			return invalid("into", "error.required")
		}
		return s.db.MergeResidentReports(r.Context(), actor(r), rr.ID, into)
	})
}

func (s *Server) residentModerate(w http.ResponseWriter, r *http.Request) error {
	return s.residentAction(w, r, "common.saved", func(rr *aldyn.ResidentReport, form url.Values) error {
		words := strings.FieldsFunc(form.Get("redactions"), func(c rune) bool { return c == '\n' || c == ';' || c == ',' })
		return s.db.ModerateResidentReport(r.Context(), actor(r), rr.ID, form.Get("published") == "1", words)
	})
}

// Escalation.

// EscalateResidents marks open reports past their deadline as escalated
// and notifies the coordination commission of each one's territory (by
// e-mail too when mail is set up). cmd/aldyn runs it every few minutes.
func (s *Server) EscalateResidents(ctx context.Context, siteURL string) error {
	rs, err := s.db.EscalateOverdueResidentReports(ctx)
	if err != nil {
		return err
	}
	for _, rr := range rs {
		comm, err := s.db.CoordinationBodyFor(ctx, rr.TerritoryPath)
		if err != nil {
			s.log.Warn("overdue resident report: no coordination body above it", "report", rr.ID, "err", err)
			continue
		}
		link := "/residents/" + strconv.FormatInt(rr.ID, 10)
		args := map[string]any{"id": rr.ID, "due": rr.DueOn.Format(time.DateOnly)}
		n := &store.Notification{BodyID: comm.ID, Kind: "resident_overdue", TextKey: "residents.notify.overdue", Args: args, Link: link}
		if err := s.db.Notify(ctx, aldyn.System, n); err != nil {
			return err
		}
		if s.cfg.Mail != nil && comm.Email != "" {
			var subject []string
			var text strings.Builder
			for _, lang := range []string{"ky", "ru"} {
				l := i18n.For(lang)
				subject = append(subject, l.T("residents.notify.mail_subject"))
				text.WriteString(l.T("residents.notify.overdue", args) + "\n" + siteURL + link + "\n\n")
			}
			if err := s.cfg.Mail.Send(ctx, []string{comm.Email}, strings.Join(subject, " / "), text.String()); err != nil {
				s.log.Warn("overdue resident report e-mail", "report", rr.ID, "err", err)
			}
		}
	}
	return nil
}

// API.

func (s *Server) apiResidentCategories(w http.ResponseWriter, r *http.Request) error {
	cats, err := s.db.FindResidentCategories(r.Context(), r.URL.Query().Get("all") != "1")
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"items": cats})
}

func (s *Server) apiResidentReports(w http.ResponseWriter, r *http.Request) error {
	return writeList(w, r, nil, s.staffResidentFilter, func(f aldyn.ResidentReportFilter) aldyn.Page { return f.Page }, s.db.FindResidentReports)
}

func (s *Server) apiResidentReport(w http.ResponseWriter, r *http.Request) error {
	rr, err := s.residentByPath(r)
	if err != nil {
		return err
	}
	notes, err := s.db.FindResidentNotes(r.Context(), rr.ID)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"report": rr, "notes": notes})
}

// residentTransition is the body of POST /api/v1/resident-reports/{id}/transition.
type residentTransition struct {
	Status aldyn.ResidentStatus `json:"status"`
	Text   string               `json:"text"` // the public answer or the reason
}

func (s *Server) apiResidentTransition(w http.ResponseWriter, r *http.Request) error {
	rr, err := s.residentByPath(r)
	if err != nil {
		return err
	}
	var in residentTransition
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	out, err := s.db.TransitionResidentReport(r.Context(), actor(r), rr.ID, in.Status, in.Text)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, out)
}

// RunResidentEscalation escalates overdue reports now and then every
// interval until ctx ends; siteURL prefixes links in e-mails.
func (s *Server) RunResidentEscalation(ctx context.Context, every time.Duration, siteURL string) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if err := s.EscalateResidents(ctx, siteURL); err != nil && ctx.Err() == nil {
			s.log.Error("escalating overdue resident reports", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

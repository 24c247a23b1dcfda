package web

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/export"
	"github.com/aldyn-kg/aldyn/internal/i18n"
	"github.com/aldyn-kg/aldyn/internal/store"
)

// Report-back meetings of precinct inspectors (§4.2, §4.7 task 2 of the
// Concept): the public calendar (/report-back-meetings), the staff list
// with the counts per precinct per quarter, the one form that schedules a
// meeting and records its outcome, and the API. The public sees the
// inspector, the place and time and, after the meeting, the outcome with
// issues and answers through PublicIssues (personal-data shapes blanked).

// requireReportBackStaff lets through those who may schedule meetings:
// reporters (the police body's staff), coordinators and administrators.
func requireReportBackStaff(r *http.Request) error {
	if err := requireSignedIn(r); err != nil {
		return err
	}
	if !actor(r).Is(aldyn.RoleReporter, aldyn.RoleCoordinator, aldyn.RoleAdministrator) {
		return forbidden()
	}
	return nil
}

// reportBackFilter reads a meeting list's filter: territory (a code:
// precincts in it or below), precinct, status, from and to (days, to
// inclusive), paging and sorting.
func (s *Server) reportBackFilter(ctx context.Context, q url.Values) (aldyn.ReportBackFilter, error) {
	p, err := sortedPage(q, store.ReportBackSorts)
	if err != nil {
		return aldyn.ReportBackFilter{}, err
	}
	f := aldyn.ReportBackFilter{Page: p, PrecinctCode: q.Get("precinct")}
	if f.PrecinctCode != "" && !aldyn.ValidTerritoryCode(f.PrecinctCode) {
		return f, badParam("precinct")
	}
	if err := s.territoryParam(ctx, q, &f.Territory); err != nil {
		return f, err
	}
	if err := statusParam(q, &f.Status); err != nil {
		return f, err
	}
	return f, dayRange(q, i18n.Bishkek, &f.From, &f.To)
}

// reportBackNames are the names a list of meetings shows.
type reportBackNames struct {
	Precincts map[string]*aldyn.Territory
	Parents   map[string]*aldyn.Territory
	Bodies    map[int64]*aldyn.Body
}

func (s *Server) reportBackNames(ctx context.Context, ms []*aldyn.ReportBackMeeting) (*reportBackNames, error) {
	n := &reportBackNames{Precincts: map[string]*aldyn.Territory{}, Parents: map[string]*aldyn.Territory{}, Bodies: map[int64]*aldyn.Body{}}
	var ids []int64
	for _, m := range ms {
		ids = append(ids, m.BodyID)
		if _, ok := n.Precincts[m.PrecinctCode]; ok {
			continue
		}
		t, err := s.db.FindTerritoryByCode(ctx, m.PrecinctCode)
		if err != nil {
			return nil, err
		}
		n.Precincts[t.Code] = t
		if _, ok := n.Parents[t.ParentCode]; !ok && t.ParentCode != "" {
			if p, err := s.db.FindTerritoryByCode(ctx, t.ParentCode); err == nil {
				n.Parents[p.Code] = p
			}
		}
	}
	bodies, err := s.bodyNames(ctx, ids...)
	if err != nil {
		return nil, err
	}
	n.Bodies = bodies
	return n, nil
}

// publicReportBack is a meeting as the public may see it.
type publicReportBack struct {
	ID            int64                  `json:"id"`
	PrecinctCode  string                 `json:"precinct_code"`
	Precinct      string                 `json:"precinct"`
	TerritoryCode string                 `json:"territory_code"`
	Territory     string                 `json:"territory"`
	Body          string                 `json:"body"`
	InspectorName string                 `json:"inspector_name"`
	InspectorRole string                 `json:"inspector_role"`
	StartsAt      time.Time              `json:"starts_at"`
	Place         string                 `json:"place"`
	Status        aldyn.ReportBackStatus `json:"status"`
	NotHeldReason string                 `json:"not_held_reason,omitempty"`
	Attendance    *int                   `json:"attendance,omitempty"`
	Issues        []aldyn.PublicIssue    `json:"issues"`
	Upcoming      bool                   `json:"upcoming"`
}

func (n *reportBackNames) public(m *aldyn.ReportBackMeeting, lang string, now time.Time) publicReportBack {
	p := publicReportBack{ID: m.ID, PrecinctCode: m.PrecinctCode, InspectorName: m.InspectorName, InspectorRole: m.InspectorRole,
		StartsAt: m.StartsAt, Place: m.Place, Status: m.Status, NotHeldReason: m.PublicReason(), Attendance: m.Attendance,
		Issues: m.PublicIssues(), Upcoming: m.Upcoming(now)}
	if t := n.Precincts[m.PrecinctCode]; t != nil {
		p.Precinct, p.TerritoryCode = t.Name(lang), t.ParentCode
		if pt := n.Parents[t.ParentCode]; pt != nil {
			p.Territory = pt.Name(lang)
		}
	}
	if b := n.Bodies[m.BodyID]; b != nil {
		p.Body = b.Name(lang)
	}
	return p
}

// findPublicReportBacks finds a page of the meetings of f as the public
// sees them, and how many there are.
func (s *Server) findPublicReportBacks(ctx context.Context, lang string, f aldyn.ReportBackFilter) ([]publicReportBack, int, error) {
	ms, total, err := s.db.FindReportBackMeetings(ctx, f)
	if err != nil {
		return nil, 0, err
	}
	out, err := s.publicReportBacks(ctx, lang, ms)
	return out, total, err
}

func (s *Server) publicReportBacks(ctx context.Context, lang string, ms []*aldyn.ReportBackMeeting) ([]publicReportBack, error) {
	n, err := s.reportBackNames(ctx, ms)
	if err != nil {
		return nil, err
	}
	now := s.db.Now()
	out := make([]publicReportBack, len(ms))
	for i, m := range ms {
		out[i] = n.public(m, lang, now)
	}
	return out, nil
}

// reportBackTerritories are the districts and cities that hold a precinct,
// for the territory filter.
func (s *Server) reportBackTerritories(ctx context.Context, under string) ([]*aldyn.Territory, error) {
	level := aldyn.LevelPrecinct
	ps, err := aldyn.AllPages(aldyn.Page{Sort: "path"}, func(p aldyn.Page) ([]*aldyn.Territory, int, error) {
		return s.db.FindTerritories(ctx, aldyn.TerritoryFilter{Level: &level, Under: under, Page: p})
	})
	if err != nil {
		return nil, err
	}
	var out []*aldyn.Territory
	seen := map[string]bool{}
	for _, p := range ps {
		if seen[p.ParentCode] {
			continue
		}
		seen[p.ParentCode] = true
		if t, err := s.db.FindTerritoryByCode(ctx, p.ParentCode); err == nil {
			out = append(out, t)
		}
	}
	return out, nil
}

// reportBackCalendarPageData is the data of the report_back_calendar page.
type reportBackCalendarPageData struct {
	Upcoming    []publicReportBack
	Past        []publicReportBack
	Pager       pager
	Territories []*aldyn.Territory
	CanManage   bool
}

// reportBackCalendar is the public calendar: the meetings to come, soonest
// first, and a page of those past, newest first, with their outcome.
func (s *Server) reportBackCalendar(w http.ResponseWriter, r *http.Request) error {
	ctx, lang := r.Context(), info(r).lang
	f, err := s.reportBackFilter(ctx, r.URL.Query())
	if err != nil {
		return err
	}
	now := s.db.Now()
	up := f
	up.Status, up.From, up.Page = ptr(aldyn.ReportBackScheduled), &now, aldyn.Page{Limit: aldyn.MaxLimit, Sort: "starts"}
	past := f
	past.To, past.Page.Sort, past.Page.Desc = &now, "starts", true
	d := &reportBackCalendarPageData{CanManage: requireReportBackStaff(r) == nil}
	if d.Upcoming, _, err = s.findPublicReportBacks(ctx, lang, up); err != nil {
		return err
	}
	var total int
	if d.Past, total, err = s.findPublicReportBacks(ctx, lang, past); err != nil {
		return err
	}
	d.Pager = newPager(past.Page, total)
	if d.Territories, err = s.reportBackTerritories(ctx, ""); err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "report_back_calendar", &page{Title: info(r).loc.T("reportback.title"), Form: r.URL.Query(), Data: d})
}

// reportBackCountRow is a line of the counts per precinct per quarter.
type reportBackCountRow struct {
	aldyn.ReportBackCount
	Precinct  string
	Territory string
}

// reportBackManagePageData is the data of the report_back_manage page.
type reportBackManagePageData struct {
	Meetings    []*aldyn.ReportBackMeeting
	Names       *reportBackNames
	Pager       pager
	Counts      []reportBackCountRow
	Territories []*aldyn.Territory
	Statuses    []aldyn.ReportBackStatus
	CanCreate   bool
	Manage      map[int64]bool
	Moderate    map[int64]bool // the actor may moderate the meeting's issues
	Due         map[int64]bool // scheduled, and its time has come: the outcome is awaited
}

// reportBackManage is the staff list of the meetings in the actor's
// territory with the counts per precinct per quarter; format=csv|xlsx
// exports the list, or with table=counts the counts.
func (s *Server) reportBackManage(w http.ResponseWriter, r *http.Request) error {
	if err := requireSignedIn(r); err != nil {
		return err
	}
	ctx, a := r.Context(), actor(r)
	f, err := s.reportBackFilter(ctx, r.URL.Query())
	if err != nil {
		return err
	}
	f.Under = a.ScopeUnder()
	if format := r.URL.Query().Get("format"); format != "" {
		if r.URL.Query().Get("table") == "counts" {
			return s.exportReportBackCounts(w, r, f, format)
		}
		return s.exportReportBack(w, r, f, format)
	}
	if f.Page.Sort == "" {
		f.Page.Sort, f.Page.Desc = "starts", true
	}
	ms, total, err := s.db.FindReportBackMeetings(ctx, f)
	if err != nil {
		return err
	}
	names, err := s.reportBackNames(ctx, ms)
	if err != nil {
		return err
	}
	counts, err := s.reportBackCounts(ctx, f, info(r).lang)
	if err != nil {
		return err
	}
	terrs, err := s.reportBackTerritories(ctx, a.ScopeUnder())
	if err != nil {
		return err
	}
	manage, moderate, due, now := map[int64]bool{}, map[int64]bool{}, map[int64]bool{}, s.db.Now()
	for _, m := range ms {
		manage[m.ID] = a.CanManageReportBack(m.BodyID, m.PrecinctPath)
		moderate[m.ID] = a.CanModerateResidents(m.PrecinctPath)
		due[m.ID] = m.Status == aldyn.ReportBackScheduled && !m.StartsAt.After(now)
	}
	return s.render(w, r, http.StatusOK, "report_back_manage", &page{Title: info(r).loc.T("reportback.manage_title"), Form: r.URL.Query(),
		Data: &reportBackManagePageData{Meetings: ms, Names: names, Pager: newPager(f.Page, total), Counts: counts, Territories: terrs,
			Statuses: aldyn.ReportBackStatuses, CanCreate: requireReportBackStaff(r) == nil, Manage: manage, Moderate: moderate, Due: due}})
}

func (s *Server) reportBackCounts(ctx context.Context, f aldyn.ReportBackFilter, lang string) ([]reportBackCountRow, error) {
	counts, err := s.db.CountReportBackMeetings(ctx, f)
	if err != nil {
		return nil, err
	}
	out := make([]reportBackCountRow, len(counts))
	names := map[string]*aldyn.Territory{}
	for i, c := range counts {
		out[i] = reportBackCountRow{ReportBackCount: c, Precinct: c.PrecinctCode}
		t := names[c.PrecinctCode]
		if t == nil {
			if t, err = s.db.FindTerritoryByCode(ctx, c.PrecinctCode); err != nil {
				return nil, err
			}
			names[c.PrecinctCode] = t
		}
		out[i].Precinct = t.Name(lang)
		if p := names[t.ParentCode]; p != nil {
			out[i].Territory = p.Name(lang)
		} else if p, err := s.db.FindTerritoryByCode(ctx, t.ParentCode); err == nil {
			names[p.Code] = p
			out[i].Territory = p.Name(lang)
		}
	}
	return out, nil
}

func (s *Server) exportReportBackCounts(w http.ResponseWriter, r *http.Request, f aldyn.ReportBackFilter, format string) error {
	if format != "csv" && format != "xlsx" {
		return badParam("format")
	}
	loc := info(r).loc
	rows, err := s.reportBackCounts(r.Context(), f, info(r).lang)
	if err != nil {
		return err
	}
	t := export.Table{Title: loc.T("reportback.counts_title"), Columns: []export.Column{
		{Key: "territory", Label: loc.T("reportback.territory")},
		{Key: "precinct_code", Label: loc.T("common.code")},
		{Key: "precinct", Label: loc.T("reportback.precinct")},
		{Key: "quarter", Label: loc.T("reportback.quarter")},
		{Key: "held", Label: loc.T("reportback.status.held"), Kind: export.Int},
		{Key: "not_held", Label: loc.T("reportback.status.not_held"), Kind: export.Int},
		{Key: "scheduled", Label: loc.T("reportback.status.scheduled"), Kind: export.Int},
		{Key: "attendance", Label: loc.T("reportback.attendance"), Kind: export.Int},
	}}
	for _, c := range rows {
		t.Rows = append(t.Rows, []any{c.Territory, c.PrecinctCode, c.Precinct, c.Period(), c.Held, c.NotHeld, c.Scheduled, c.Attendance})
	}
	return serveTable(w, r, format, "report-back-counts", t)
}

func (s *Server) exportReportBack(w http.ResponseWriter, r *http.Request, f aldyn.ReportBackFilter, format string) error {
	loc, lang := info(r).loc, info(r).lang
	t := export.Table{Title: loc.T("reportback.manage_title"), Columns: []export.Column{
		{Key: "id", Label: "ID", Kind: export.Int},
		{Key: "starts_at", Label: loc.T("reportback.starts_at")},
		{Key: "precinct_code", Label: loc.T("common.code")},
		{Key: "precinct", Label: loc.T("reportback.precinct")},
		{Key: "inspector_name", Label: loc.T("reportback.inspector_name")},
		{Key: "inspector_role", Label: loc.T("reportback.inspector_role")},
		{Key: "place", Label: loc.T("reportback.place")},
		{Key: "status", Label: loc.T("common.status")},
		{Key: "attendance", Label: loc.T("reportback.attendance"), Kind: export.Int},
		{Key: "issues", Label: loc.T("reportback.issues_count"), Kind: export.Int},
		{Key: "not_held_reason", Label: loc.T("reportback.not_held_reason")},
	}}
	precincts := map[string]string{}
	return exportList(r, w, format, "report-back-meetings", t, f.Page, func(ctx context.Context, p aldyn.Page) ([]*aldyn.ReportBackMeeting, int, error) {
		f.Page = p
		ms, total, err := s.db.FindReportBackMeetings(ctx, f)
		if err != nil {
			return nil, 0, err
		}
		for _, m := range ms {
			if _, ok := precincts[m.PrecinctCode]; !ok {
				if t, err := s.db.FindTerritoryByCode(ctx, m.PrecinctCode); err == nil {
					precincts[m.PrecinctCode] = t.Name(lang)
				}
			}
		}
		return ms, total, nil
	}, func(m *aldyn.ReportBackMeeting) []any {
		var att any
		if m.Attendance != nil {
			att = *m.Attendance
		}
		return []any{m.ID, m.StartsAt.In(i18n.Bishkek).Format("2006-01-02 15:04"), m.PrecinctCode, precincts[m.PrecinctCode], m.InspectorName,
			loc.T("reportback.role." + m.InspectorRole), m.Place, loc.T("reportback.status." + string(m.Status)), att, len(m.Issues), m.NotHeldReason}
	})
}

// reportBackForm is the meeting's one form: the page's form and the API's
// JSON. starts_at is a local Bishkek time (YYYY-MM-DDTHH:MM) in the form
// and RFC 3339 in JSON; issues are lines of text, answer and, to make an
// issue a resident's report, a category.
type reportBackForm struct{ *aldyn.ReportBackMeeting }

func (f reportBackForm) fields() formFields {
	m := f.ReportBackMeeting
	return formFields{"precinct_code": text(&m.PrecinctCode), "body_id": whole(&m.BodyID, "error.bad_param_short"),
		"inspector_name": text(&m.InspectorName), "inspector_role": text(&m.InspectorRole), "starts_at": moment(&m.StartsAt, "reportback.error.starts_at"),
		"place": text(&m.Place), "status": text(&m.Status), "not_held_reason": text(&m.NotHeldReason),
		"attendance": optionalWhole(&m.Attendance, "reportback.error.attendance"),
		"issues": rows(&m.Issues, []string{"text", "answer", "category_id", "report_id", "id"},
			func(c map[string]string, v aldyn.Validation) (aldyn.ReportBackIssue, bool) {
				is := aldyn.ReportBackIssue{Text: c["text"], Answer: c["answer"]}
				if c["category_id"] != "" {
					id, err := strconv.ParseInt(c["category_id"], 10, 64)
					if err != nil {
						v.Add("issues", "error.bad_param_short")
						return is, false
					}
					is.CategoryID = id
				}
				if c["report_id"] != "" {
					if id, err := strconv.ParseInt(c["report_id"], 10, 64); err == nil {
						is.ReportID = &id
					}
				}
				// The row the issue is, so that a change keeps its
				// report and moderation; the store checks it.
				if c["id"] != "" {
					if id, err := strconv.ParseInt(c["id"], 10, 64); err == nil {
						is.ID = id
					}
				}
				return is, true
			},
			func(is aldyn.ReportBackIssue) []string {
				cat, rep, id := "", "", ""
				if is.CategoryID > 0 {
					cat = strconv.FormatInt(is.CategoryID, 10)
				}
				if is.ReportID != nil {
					rep = strconv.FormatInt(*is.ReportID, 10)
				}
				if is.ID > 0 {
					id = strconv.FormatInt(is.ID, 10)
				}
				return []string{is.Text, is.Answer, cat, rep, id}
			})}
}

// finish lists no issues as an empty list.
func (f reportBackForm) finish() {
	if f.Issues == nil {
		f.Issues = []aldyn.ReportBackIssue{}
	}
}

// moment is a date and time: YYYY-MM-DDTHH:MM in Bishkek time in a form
// (an <input type="datetime-local">), RFC 3339 in JSON.
func moment(p *time.Time, bad string) formField { return momentField{p, bad} }

type momentField struct {
	p   *time.Time
	bad string
}

func (m momentField) read(f url.Values, name string, v aldyn.Validation) {
	s, ok := posted(f, name)
	if !ok || s == "" {
		return
	}
	t, err := time.ParseInLocation("2006-01-02T15:04", s, i18n.Bishkek)
	if err != nil {
		v.Add(name, m.bad)
		return
	}
	*m.p = t.UTC()
}

func (m momentField) show(f url.Values, name string) {
	if !m.p.IsZero() {
		f.Set(name, m.p.In(i18n.Bishkek).Format("2006-01-02T15:04"))
	}
}

func (m momentField) decode(raw json.RawMessage, name string, v aldyn.Validation) error {
	var s string
	if err := decodeValue(raw, name, &s); err != nil {
		return err
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		v.Add(name, m.bad)
		return nil
	}
	*m.p = t.UTC()
	return nil
}

// reportBackFormPageData is the data of the report_back_form page.
type reportBackFormPageData struct {
	Meeting    *aldyn.ReportBackMeeting
	Precincts  []*aldyn.Territory
	Bodies     []*aldyn.Body
	Roles      []string
	Statuses   []aldyn.ReportBackStatus
	Categories []*aldyn.ResidentCategory
	Issues     [][]string // text, answer, category, report id, issue id; a few blank lines to add
}

func (s *Server) renderReportBackForm(w http.ResponseWriter, r *http.Request, status int, m *aldyn.ReportBackMeeting, form url.Values, errs map[string]string) error {
	ctx, a := r.Context(), actor(r)
	level, police := aldyn.LevelPrecinct, "police"
	precincts, err := aldyn.AllPages(aldyn.Page{Sort: "path"}, func(p aldyn.Page) ([]*aldyn.Territory, int, error) {
		return s.db.FindTerritories(ctx, aldyn.TerritoryFilter{Level: &level, Under: a.ScopeUnder(), Page: p})
	})
	if err != nil {
		return err
	}
	bf := aldyn.BodyFilter{Type: &police, Page: aldyn.Page{Limit: aldyn.MaxLimit, Sort: "territory"}}
	if a.Is(aldyn.RoleReporter) {
		bf.ID = &a.BodyID
	} else {
		bf.Under = a.ScopeUnder()
	}
	bodies, _, err := s.db.FindBodies(ctx, bf)
	if err != nil {
		return err
	}
	cats, err := s.db.FindResidentCategories(ctx, true)
	if err != nil {
		return err
	}
	cats = slices.DeleteFunc(cats, func(c *aldyn.ResidentCategory) bool { return c.Sensitive })
	if form == nil {
		form = url.Values{}
		if m != nil {
			form = showForm(reportBackForm{m})
		} else {
			form.Set("inspector_role", aldyn.InspectorPrecinct)
			if len(bodies) == 1 {
				form.Set("body_id", strconv.FormatInt(bodies[0].ID, 10))
			}
		}
	}
	issues := formTable(form, "issues", "text", "answer", "category_id", "report_id", "id")
	for range 3 {
		issues = append(issues, make([]string, 5))
	}
	title := info(r).loc.T("reportback.new")
	if m != nil {
		title = info(r).loc.T("reportback.edit")
	}
	return s.render(w, r, status, "report_back_form", &page{Title: title, Form: form, Errors: errs, Data: &reportBackFormPageData{
		Meeting: m, Precincts: precincts, Bodies: bodies, Roles: aldyn.InspectorRoles, Statuses: aldyn.ReportBackStatuses, Categories: cats, Issues: issues,
	}})
}

func (s *Server) reportBackNewPage(w http.ResponseWriter, r *http.Request) error {
	if err := requireReportBackStaff(r); err != nil {
		return err
	}
	return s.renderReportBackForm(w, r, http.StatusOK, nil, nil, nil)
}

func (s *Server) reportBackCreate(w http.ResponseWriter, r *http.Request) error {
	if err := requireReportBackStaff(r); err != nil {
		return err
	}
	m := &aldyn.ReportBackMeeting{}
	form, readErr := readForm(r, reportBackForm{m})
	return submitForm(w, r, form, readErr, func() error { return s.db.CreateReportBackMeeting(r.Context(), actor(r), m) },
		func(errs map[string]string) error {
			return s.renderReportBackForm(w, r, http.StatusBadRequest, nil, form, errs)
		},
		func() string { return "/report-back-meetings/manage" }, "common.created")
}

// reportBackByPath loads the meeting of the path for a change: staff who
// may manage it; another territory's meeting is not found.
func (s *Server) reportBackByPath(r *http.Request) (*aldyn.ReportBackMeeting, error) {
	m, err := recordByPath(r, requireReportBackStaff, "reportback.error.not_found", s.db.FindReportBackMeetingByID,
		func(a *aldyn.Actor, m *aldyn.ReportBackMeeting) bool { return a.Covers(m.PrecinctPath) })
	if err != nil {
		return nil, err
	}
	if !actor(r).CanManageReportBack(m.BodyID, m.PrecinctPath) {
		return nil, forbidden()
	}
	return m, nil
}

func (s *Server) reportBackEditPage(w http.ResponseWriter, r *http.Request) error {
	m, err := s.reportBackByPath(r)
	if err != nil {
		return err
	}
	return s.renderReportBackForm(w, r, http.StatusOK, m, nil, nil)
}

func (s *Server) reportBackUpdate(w http.ResponseWriter, r *http.Request) error {
	old, err := s.reportBackByPath(r)
	if err != nil {
		return err
	}
	m := &aldyn.ReportBackMeeting{}
	form, readErr := readForm(r, reportBackForm{m})
	return submitForm(w, r, form, readErr, func() error { return s.db.UpdateReportBackMeeting(r.Context(), actor(r), old.ID, m) },
		func(errs map[string]string) error {
			return s.renderReportBackForm(w, r, http.StatusBadRequest, old, form, errs)
		},
		func() string { return "/report-back-meetings/manage" }, "common.saved")
}

// The API: the public list and one meeting as the public sees them; staff
// create and replace meetings (the outcome included).

func (s *Server) apiReportBackList(w http.ResponseWriter, r *http.Request) error {
	lang := info(r).lang
	filter := func(r *http.Request) (aldyn.ReportBackFilter, error) {
		return s.reportBackFilter(r.Context(), r.URL.Query())
	}
	return writeList(w, r, nil, filter, func(f aldyn.ReportBackFilter) aldyn.Page { return f.Page },
		func(ctx context.Context, f aldyn.ReportBackFilter) ([]publicReportBack, int, error) {
			return s.findPublicReportBacks(ctx, lang, f)
		})
}

func (s *Server) apiReportBack(w http.ResponseWriter, r *http.Request) error {
	id, err := routeID(r, "id", "reportback.error.not_found")
	if err != nil {
		return err
	}
	m, err := s.db.FindReportBackMeetingByID(r.Context(), id)
	if err != nil {
		return err
	}
	items, err := s.publicReportBacks(r.Context(), info(r).lang, []*aldyn.ReportBackMeeting{m})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, items[0])
}

func (s *Server) apiReportBackCreate(w http.ResponseWriter, r *http.Request) error {
	if err := requireReportBackStaff(r); err != nil {
		return err
	}
	m := &aldyn.ReportBackMeeting{}
	return saveFormJSON(w, r, http.StatusCreated, m, reportBackForm{m}, s.db.CreateReportBackMeeting)
}

func (s *Server) apiReportBackUpdate(w http.ResponseWriter, r *http.Request) error {
	old, err := s.reportBackByPath(r)
	if err != nil {
		return err
	}
	m := *old
	return saveFormJSON(w, r, http.StatusOK, &m, reportBackForm{&m}, func(ctx context.Context, a *aldyn.Actor, m *aldyn.ReportBackMeeting) error {
		return s.db.UpdateReportBackMeeting(ctx, a, old.ID, m)
	})
}

// Moderation of the issues raised at a meeting: coordinators and
// administrators covering the precinct publish each issue (or withdraw
// it) and blank the names in it, as they do residents' reports.

// issueModerationForm is the one form of a moderator's decision.
type issueModerationForm struct{ *aldyn.IssueModeration }

func (f issueModerationForm) fields() formFields {
	return formFields{"published": check(&f.Published), "redactions": lines(&f.Redactions)}
}

// reportBackForModeration loads the meeting of the path for a moderator;
// another territory's meeting is not found.
func (s *Server) reportBackForModeration(r *http.Request) (*aldyn.ReportBackMeeting, error) {
	m, err := recordByPath(r, requireReportBackStaff, "reportback.error.not_found", s.db.FindReportBackMeetingByID,
		func(a *aldyn.Actor, m *aldyn.ReportBackMeeting) bool { return a.Covers(m.PrecinctPath) })
	if err != nil {
		return nil, err
	}
	if !actor(r).CanModerateResidents(m.PrecinctPath) {
		return nil, forbidden()
	}
	return m, nil
}

// reportBackIssuesPageData is the data of the report_back_issues page.
type reportBackIssuesPageData struct {
	Meeting publicReportBack
	Issues  []aldyn.ReportBackIssue
	Public  []aldyn.PublicIssue // each issue as the public would read it, once published
	Failed  int64               // the issue whose moderation was refused, shown with the errors
	Posted  url.Values          // what was posted for it
}

// reportBackIssuesPage shows a meeting's issues to a moderator, each with
// its public preview, the names blanked and whether it is published.
func (s *Server) reportBackIssuesPage(w http.ResponseWriter, r *http.Request) error {
	m, err := s.reportBackForModeration(r)
	if err != nil {
		return err
	}
	return s.renderReportBackIssues(w, r, http.StatusOK, m, 0, nil, nil)
}

func (s *Server) renderReportBackIssues(w http.ResponseWriter, r *http.Request, status int, m *aldyn.ReportBackMeeting, failed int64,
	form url.Values, errs map[string]string) error {
	pub, err := s.publicReportBacks(r.Context(), info(r).lang, []*aldyn.ReportBackMeeting{m})
	if err != nil {
		return err
	}
	d := &reportBackIssuesPageData{Meeting: pub[0], Issues: m.Issues, Public: make([]aldyn.PublicIssue, len(m.Issues)), Failed: failed, Posted: form}
	for i, is := range m.Issues {
		d.Public[i] = is.Public()
	}
	return s.render(w, r, status, "report_back_issues", &page{Title: info(r).loc.T("reportback.moderation_title"), Errors: errs, Data: d})
}

// reportBackIssueByPath is the meeting and the issue id of the path, for
// a moderator.
func (s *Server) reportBackIssueByPath(r *http.Request) (*aldyn.ReportBackMeeting, int64, error) {
	m, err := s.reportBackForModeration(r)
	if err != nil {
		return nil, 0, err
	}
	issue, err := routeID(r, "issue", "reportback.error.issue_not_found")
	return m, issue, err
}

func (s *Server) reportBackIssueModerate(w http.ResponseWriter, r *http.Request) error {
	m, issue, err := s.reportBackIssueByPath(r)
	if err != nil {
		return err
	}
	mod := &aldyn.IssueModeration{}
	form, readErr := readForm(r, issueModerationForm{mod})
	next := "/report-back-meetings/" + strconv.FormatInt(m.ID, 10) + "/issues"
	return submitForm(w, r, form, readErr, func() error {
		_, err := s.db.ModerateReportBackIssue(r.Context(), actor(r), m.ID, issue, *mod)
		return err
	}, func(errs map[string]string) error {
		return s.renderReportBackIssues(w, r, http.StatusBadRequest, m, issue, form, errs)
	}, func() string { return next }, "common.saved")
}

// apiReportBackIssues lists a meeting's issues as staff typed them, with
// their moderation, for a moderator.
func (s *Server) apiReportBackIssues(w http.ResponseWriter, r *http.Request) error {
	m, err := s.reportBackForModeration(r)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, m.Issues)
}

func (s *Server) apiReportBackIssueModerate(w http.ResponseWriter, r *http.Request) error {
	m, issue, err := s.reportBackIssueByPath(r)
	if err != nil {
		return err
	}
	mod := &aldyn.IssueModeration{}
	return saveFormJSON(w, r, http.StatusOK, mod, issueModerationForm{mod}, func(ctx context.Context, a *aldyn.Actor, mod *aldyn.IssueModeration) error {
		is, err := s.db.ModerateReportBackIssue(ctx, a, m.ID, issue, *mod)
		if err == nil {
			mod.Published, mod.Redactions = is.Published, is.Redactions
		}
		return err
	})
}

package web

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/export"
	"github.com/aldyn-kg/aldyn/internal/store"
)

// Coordination meetings, their decisions and tasks, and the reports and
// questions commissions send up (§4.3 of the Concept). Meetings are
// internal: every page needs an account, and a meeting outside the
// actor's territory does not exist for it.

// meetingByPath loads the meeting of the path if the actor may see it.
func (s *Server) meetingByPath(r *http.Request) (*aldyn.Meeting, error) {
	return recordByPath(r, requireSignedIn, "meetings.error.not_found", s.db.FindMeetingByID,
		func(a *aldyn.Actor, m *aldyn.Meeting) bool { return a.Covers(m.TerritoryPath) })
}

// meetingFilter reads a meeting list's filter from the query, limited to
// the actor's territory.
func meetingFilter(r *http.Request) (aldyn.MeetingFilter, error) {
	q := r.URL.Query()
	p, err := sortedPage(q, store.MeetingSorts)
	if err != nil {
		return aldyn.MeetingFilter{}, err
	}
	f := aldyn.MeetingFilter{Under: actor(r).ScopeUnder(), Page: p}
	if err := optionalIDParam(q, "body", &f.BodyID); err != nil {
		return f, err
	}
	for name, dst := range map[string]**time.Time{"from": &f.From, "to": &f.To} {
		if v := q.Get(name); v != "" {
			t, ok := parseDay(v)
			if !ok {
				return f, badParam(name)
			}
			*dst = &t
		}
	}
	return f, statusParam(q, &f.Status)
}

// coordinationBodies lists the coordination bodies in the actor's scope.
func (s *Server) coordinationBodies(ctx context.Context, a *aldyn.Actor) ([]*aldyn.Body, error) {
	var out []*aldyn.Body
	for _, t := range []string{"coordination_council", "coordination_commission"} {
		bs, _, err := s.db.FindBodies(ctx, aldyn.BodyFilter{Under: a.ScopeUnder(), Type: &t, Page: aldyn.Page{Limit: aldyn.MaxLimit, Sort: "territory"}})
		if err != nil {
			return nil, err
		}
		out = append(out, bs...)
	}
	return out, nil
}

// bodyNames looks up the bodies with the given ids, for display.
func (s *Server) bodyNames(ctx context.Context, ids ...int64) (map[int64]*aldyn.Body, error) {
	out := map[int64]*aldyn.Body{}
	for _, id := range ids {
		if _, ok := out[id]; ok || id == 0 {
			continue
		}
		b, err := s.db.FindBodyByID(ctx, id)
		if aldyn.ErrorCode(err) == aldyn.ENOTFOUND {
			continue
		} else if err != nil {
			return nil, err
		}
		out[id] = b
	}
	return out, nil
}

// meetingsPageData is the data of the meetings page.
type meetingsPageData struct {
	Meetings  []*aldyn.Meeting
	Pager     pager
	Bodies    []*aldyn.Body
	Names     map[int64]*aldyn.Body
	Statuses  []aldyn.MeetingStatus
	CanCreate bool
}

func (s *Server) meetingsPage(w http.ResponseWriter, r *http.Request) error {
	f, err := listFilter(r, requireSignedIn, meetingFilter)
	if err != nil {
		return err
	}
	if format := r.URL.Query().Get("format"); format != "" {
		return s.exportMeetings(w, r, f, format)
	}
	ms, total, err := s.db.FindMeetings(r.Context(), f)
	if err != nil {
		return err
	}
	a := actor(r)
	bodies, err := s.coordinationBodies(r.Context(), a)
	if err != nil {
		return err
	}
	names := map[int64]*aldyn.Body{}
	for _, b := range bodies {
		names[b.ID] = b
	}
	return s.render(w, r, http.StatusOK, "meetings", &page{Title: info(r).loc.T("meetings.list_title"), Form: r.URL.Query(), Data: &meetingsPageData{
		Meetings: ms, Pager: newPager(f.Page, total), Bodies: bodies, Names: names, Statuses: aldyn.MeetingStatuses,
		CanCreate: a.Is(aldyn.RoleCoordinator, aldyn.RoleAdministrator),
	}})
}

// exportMeetings writes the whole filtered list as CSV or XLSX.
func (s *Server) exportMeetings(w http.ResponseWriter, r *http.Request, f aldyn.MeetingFilter, format string) error {
	loc, lang := info(r).loc, info(r).lang
	t := export.Table{Title: loc.T("meetings.list_title"), Columns: []export.Column{
		{Key: "id", Label: "ID", Kind: export.Int},
		{Key: "date", Label: loc.T("meetings.date")},
		{Key: "body", Label: loc.T("meetings.body")},
		{Key: "territory_code", Label: loc.T("common.code")},
		{Key: "status", Label: loc.T("common.status")},
		{Key: "agenda", Label: loc.T("meetings.agenda")},
		{Key: "participants", Label: loc.T("meetings.participants")},
	}}
	names := map[int64]*aldyn.Body{}
	return exportList(r, w, format, "meetings", t, f.Page, func(ctx context.Context, p aldyn.Page) ([]*aldyn.Meeting, int, error) {
		f.Page = p
		ms, total, err := s.db.FindMeetings(ctx, f)
		if err != nil {
			return nil, 0, err
		}
		for _, m := range ms {
			more, err := s.bodyNames(ctx, append([]int64{m.BodyID}, m.Participants...)...)
			if err != nil {
				return nil, 0, err
			}
			for id, b := range more {
				names[id] = b
			}
		}
		return ms, total, nil
	}, func(m *aldyn.Meeting) []any {
		var parts []string
		for _, id := range m.Participants {
			if b := names[id]; b != nil {
				parts = append(parts, b.Name(lang))
			}
		}
		body := ""
		if b := names[m.BodyID]; b != nil {
			body = b.Name(lang)
		}
		return []any{m.ID, m.Date.Format(time.DateOnly), body, m.TerritoryCode, loc.T("meetings.status." + string(m.Status)), m.Agenda.In(lang),
			strings.Join(parts, "; ")}
	})
}

func (s *Server) meetingPage(w http.ResponseWriter, r *http.Request) error {
	m, err := s.meetingByPath(r)
	if err != nil {
		return err
	}
	return s.renderMeeting(w, r, http.StatusOK, m, nil, nil)
}

// meetingPageData is the data of the meeting page.
type meetingPageData struct {
	Meeting  *aldyn.Meeting
	Names    map[int64]*aldyn.Body
	CanEdit  bool
	Bodies   []*aldyn.Body
	Reports  map[int64]bool
	Statuses []aldyn.DecisionStatus
}

// renderMeeting shows a meeting with its decisions and, for its
// coordinators, the form to add one (with errors when it was refused).
func (s *Server) renderMeeting(w http.ResponseWriter, r *http.Request, status int, m *aldyn.Meeting, form url.Values, errs map[string]string) error {
	a := actor(r)
	ids := append([]int64{m.BodyID}, m.Participants...)
	for _, d := range m.Decisions {
		ids = append(ids, d.ResponsibleBodyID)
	}
	names, err := s.bodyNames(r.Context(), ids...)
	if err != nil {
		return err
	}
	var bodies []*aldyn.Body
	canEdit := a.CanCoordinate(m.TerritoryPath)
	if canEdit {
		if bodies, _, err = s.db.FindBodies(r.Context(), aldyn.BodyFilter{Under: a.ScopeUnder(), Page: aldyn.Page{Limit: aldyn.MaxLimit, Sort: "territory"}}); err != nil {
			return err
		}
	}
	reports := map[int64]bool{}
	for _, d := range m.Decisions {
		reports[d.ID] = a.CanReportOnDecision(d)
	}
	title := info(r).loc.T("meetings.meeting_title", map[string]any{"date": info(r).loc.Date(m.Date)})
	return s.render(w, r, status, "meeting", &page{Title: title, Form: form, Errors: errs, Data: &meetingPageData{
		Meeting: m, Names: names, CanEdit: canEdit, Bodies: bodies, Reports: reports, Statuses: aldyn.DecisionStatuses,
	}})
}

// meetingForm is the meeting's one form: the meeting form and the API's
// JSON (the date YYYY-MM-DD); participants are repeated values in the form.
type meetingForm struct{ *aldyn.Meeting }

func (f meetingForm) fields() formFields {
	m := f.Meeting
	return formFields{"body_id": whole(&m.BodyID, "error.bad_param_short"), "date": day(&m.Date, "error.bad_param_short"),
		"agenda": texts(&m.Agenda), "minutes": text(&m.Minutes), "status": text(&m.Status),
		"participants": ids(&m.Participants, "error.bad_param_short")}
}

// finish lists no participants as an empty list.
func (f meetingForm) finish() {
	if f.Participants == nil {
		f.Participants = []int64{}
	}
}

func meetingFromForm(r *http.Request) (*aldyn.Meeting, url.Values, error) {
	m := &aldyn.Meeting{}
	form, err := readForm(r, meetingForm{m})
	return m, form, err
}

// meetingFormPageData is the data of the meeting_form page.
type meetingFormPageData struct {
	Meeting      *aldyn.Meeting
	Coordination []*aldyn.Body
	Bodies       []*aldyn.Body
	Selected     map[int64]bool
	Statuses     []aldyn.MeetingStatus
}

func (s *Server) renderMeetingForm(w http.ResponseWriter, r *http.Request, status int, title string, m *aldyn.Meeting, form url.Values, errs map[string]string) error {
	a := actor(r)
	coord, err := s.coordinationBodies(r.Context(), a)
	if err != nil {
		return err
	}
	all, _, err := s.db.FindBodies(r.Context(), aldyn.BodyFilter{Under: a.ScopeUnder(), Page: aldyn.Page{Limit: aldyn.MaxLimit, Sort: "territory"}})
	if err != nil {
		return err
	}
	if form == nil {
		form = url.Values{}
		if m != nil {
			form = showForm(meetingForm{m})
		} else if v := r.URL.Query().Get("body"); v != "" {
			form.Set("body_id", v)
		}
	}
	return s.render(w, r, status, "meeting_form", &page{Title: title, Form: form, Errors: errs, Data: &meetingFormPageData{
		Meeting: m, Coordination: coord, Bodies: all, Selected: idSet(form["participants"]), Statuses: aldyn.MeetingStatuses,
	}})
}

func (s *Server) meetingNewPage(w http.ResponseWriter, r *http.Request) error {
	if err := requireCoordinatorOrAdmin(r); err != nil {
		return err
	}
	return s.renderMeetingForm(w, r, http.StatusOK, info(r).loc.T("meetings.new"), nil, nil, nil)
}

func (s *Server) meetingCreate(w http.ResponseWriter, r *http.Request) error {
	if err := requireCoordinatorOrAdmin(r); err != nil {
		return err
	}
	m, form, readErr := meetingFromForm(r)
	return submitForm(w, r, form, readErr, func() error { return s.db.CreateMeeting(r.Context(), actor(r), m) },
		func(errs map[string]string) error {
			return s.renderMeetingForm(w, r, http.StatusBadRequest, info(r).loc.T("meetings.new"), nil, form, errs)
		},
		func() string { return "/meetings/" + strconv.FormatInt(m.ID, 10) }, "common.created")
}

func (s *Server) meetingEditPage(w http.ResponseWriter, r *http.Request) error {
	m, err := s.meetingByPath(r)
	if err != nil {
		return err
	}
	if !actor(r).CanCoordinate(m.TerritoryPath) {
		return forbidden()
	}
	return s.renderMeetingForm(w, r, http.StatusOK, info(r).loc.T("meetings.edit"), m, nil, nil)
}

func (s *Server) meetingUpdate(w http.ResponseWriter, r *http.Request) error {
	old, err := s.meetingByPath(r)
	if err != nil {
		return err
	}
	if !actor(r).CanCoordinate(old.TerritoryPath) {
		return forbidden()
	}
	m, form, readErr := meetingFromForm(r)
	return submitForm(w, r, form, readErr, func() error { return s.db.UpdateMeeting(r.Context(), actor(r), old.ID, m) },
		func(errs map[string]string) error {
			return s.renderMeetingForm(w, r, http.StatusBadRequest, info(r).loc.T("meetings.edit"), old, form, errs)
		},
		func() string { return "/meetings/" + strconv.FormatInt(old.ID, 10) }, "common.saved")
}

// decisionForm is the decision's one form, the forms and the API's JSON:
// its text, and for a task the responsible body and deadline (YYYY-MM-DD);
// status and progress when editing. Fields a form or JSON leave out keep
// their values (a responsible body sends only status and progress).
type decisionForm struct{ *aldyn.Decision }

func (f decisionForm) fields() formFields {
	d := f.Decision
	return formFields{"text": text(&d.Text), "responsible_body_id": whole(&d.ResponsibleBodyID, "error.bad_param_short"),
		"deadline": optionalDay(&d.Deadline, "error.bad_param_short"), "status": text(&d.Status), "progress": text(&d.Progress)}
}

func (s *Server) decisionCreate(w http.ResponseWriter, r *http.Request) error {
	m, err := s.meetingByPath(r)
	if err != nil {
		return err
	}
	d := &aldyn.Decision{MeetingID: m.ID}
	form, readErr := readForm(r, decisionForm{d})
	return submitForm(w, r, form, readErr, func() error { return s.db.CreateDecision(r.Context(), actor(r), d) },
		func(errs map[string]string) error { return s.renderMeeting(w, r, http.StatusBadRequest, m, form, errs) },
		func() string { return "/meetings/" + strconv.FormatInt(m.ID, 10) + "#decisions" }, "common.created")
}

// decisionByPath loads the decision of the path if the actor may see it:
// its meeting or its responsible body lies in the actor's territory.
func (s *Server) decisionByPath(r *http.Request) (*aldyn.Decision, error) {
	return recordByPath(r, requireSignedIn, "meetings.error.decision_not_found", s.db.FindDecisionByID,
		func(a *aldyn.Actor, d *aldyn.Decision) bool {
			return a.Covers(d.MeetingPath) || a.Covers(d.ResponsiblePath)
		})
}

// decisionUpdate takes the progress form of the responsible body (status
// and note) or the full form of the meeting's coordinators: fields not
// posted keep their values.
func (s *Server) decisionUpdate(w http.ResponseWriter, r *http.Request) error {
	old, err := s.decisionByPath(r)
	if err != nil {
		return err
	}
	d := *old
	f, err := readForm(r, decisionForm{&d})
	if err != nil {
		return err
	}
	if err := s.db.UpdateDecision(r.Context(), actor(r), old.ID, &d); err != nil {
		return err
	}
	next := "/meetings/" + strconv.FormatInt(old.MeetingID, 10) + "#decision-" + strconv.FormatInt(old.ID, 10)
	if v := f.Get("next"); v == "/decisions" {
		next = v
	}
	return redirect(w, r, next, "common.saved")
}

// meetingDecisionsPageData is the data of the meeting_decisions page.
type meetingDecisionsPageData struct {
	Decisions []*aldyn.Decision
	Pager     pager
	Names     map[int64]*aldyn.Body
	Reports   map[int64]bool
	Statuses  []aldyn.DecisionStatus
}

func (s *Server) decisionsPage(w http.ResponseWriter, r *http.Request) error {
	if err := requireSignedIn(r); err != nil {
		return err
	}
	q := r.URL.Query()
	p, err := sortedPage(q, store.DecisionSorts)
	if err != nil {
		return err
	}
	a := actor(r)
	f := aldyn.DecisionFilter{TasksOnly: true, Under: a.ScopeUnder(), Page: p}
	switch q.Get("scope") {
	case "", "territory":
	case "mine":
		f.ResponsibleBodyID = &a.BodyID
	default:
		return badParam("scope")
	}
	if v := q.Get("status"); v == "overdue" {
		f.OverdueOnly = true
	} else if v != "" {
		st := aldyn.DecisionStatus(v)
		if !st.Valid() {
			return badParam("status")
		}
		f.Status = &st
	}
	if format := q.Get("format"); format != "" {
		return s.exportDecisions(w, r, format, f)
	}
	ds, total, err := s.db.FindDecisions(r.Context(), f)
	if err != nil {
		return err
	}
	var ids []int64
	reports := map[int64]bool{}
	for _, d := range ds {
		ids = append(ids, d.ResponsibleBodyID, d.MeetingBodyID)
		reports[d.ID] = a.CanReportOnDecision(d) || a.CanCoordinate(d.MeetingPath)
	}
	names, err := s.bodyNames(r.Context(), ids...)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "meeting_decisions", &page{Title: info(r).loc.T("meetings.decisions_title"), Form: q, Data: &meetingDecisionsPageData{
		Decisions: ds, Pager: newPager(f.Page, total), Names: names, Reports: reports, Statuses: aldyn.DecisionStatuses,
	}})
}

// exportDecisions downloads the filtered tasks of decisions as CSV or XLSX.
func (s *Server) exportDecisions(w http.ResponseWriter, r *http.Request, format string, f aldyn.DecisionFilter) error {
	loc := info(r).loc
	lang := loc.Lang()
	t := export.Table{Title: loc.T("meetings.decisions_title"), Columns: []export.Column{
		{Key: "meeting", Label: loc.T("meetings.meeting"), Kind: export.Date}, {Key: "body", Label: loc.T("meetings.body")},
		{Key: "decision", Label: loc.T("meetings.decision_text")}, {Key: "responsible", Label: loc.T("meetings.responsible")},
		{Key: "deadline", Label: loc.T("meetings.deadline"), Kind: export.Date}, {Key: "status", Label: loc.T("common.status")},
		{Key: "overdue", Label: loc.T("meetings.overdue")}, {Key: "progress", Label: loc.T("meetings.progress")}}}
	names := map[int64]string{}
	name := func(id int64) string {
		if n, ok := names[id]; ok {
			return n
		}
		if b, err := s.db.FindBodyByID(r.Context(), id); err == nil {
			names[id] = b.Name(lang)
		}
		return names[id]
	}
	return exportList(r, w, format, "decisions", t, f.Page, func(ctx context.Context, p aldyn.Page) ([]*aldyn.Decision, int, error) {
		f.Page = p
		return s.db.FindDecisions(ctx, f)
	}, func(d *aldyn.Decision) []any {
		var deadline any
		if d.Deadline != nil {
			deadline = *d.Deadline
		}
		overdue := ""
		if d.Overdue {
			overdue = loc.T("meetings.overdue")
		}
		return []any{d.MeetingDate, name(d.MeetingBodyID), d.Text, name(d.ResponsibleBodyID), deadline,
			loc.T("meetings.decision_status." + string(d.Status)), overdue, d.Progress}
	})
}

// Questions.

func questionFilter(r *http.Request) (aldyn.QuestionFilter, error) {
	q := r.URL.Query()
	p, err := sortedPage(q, store.QuestionSorts)
	if err != nil {
		return aldyn.QuestionFilter{}, err
	}
	f := aldyn.QuestionFilter{Under: actor(r).ScopeUnder(), Page: p}
	switch box := q.Get("box"); box {
	case "", aldyn.BoxIn, aldyn.BoxOut:
		f.Box = box
	default:
		return f, badParam("box")
	}
	switch q.Get("answered") {
	case "":
	case "true", "1":
		f.Answered = new(bool)
		*f.Answered = true
	case "false", "0":
		f.Answered = new(bool)
	default:
		return f, badParam("answered")
	}
	return f, nil
}

func (s *Server) questionsPage(w http.ResponseWriter, r *http.Request) error {
	f, err := listFilter(r, requireSignedIn, questionFilter)
	if err != nil {
		return err
	}
	if f.Box == "" {
		f.Box = aldyn.BoxIn
	}
	return s.renderQuestions(w, r, http.StatusOK, f, nil, nil)
}

// meetingQuestionsPageData is the data of the meeting_questions page.
type meetingQuestionsPageData struct {
	Questions []*aldyn.Question
	Pager     pager
	Names     map[int64]*aldyn.Body
	Box       string
	From      []*aldyn.Body
	To        []*aldyn.Body
	Kinds     []string
}

func (s *Server) renderQuestions(w http.ResponseWriter, r *http.Request, status int, f aldyn.QuestionFilter, form url.Values, errs map[string]string) error {
	a := actor(r)
	qs, total, err := s.db.FindQuestions(r.Context(), f)
	if err != nil {
		return err
	}
	var ids []int64
	for _, q := range qs {
		ids = append(ids, q.FromBodyID, q.ToBodyID)
	}
	names, err := s.bodyNames(r.Context(), ids...)
	if err != nil {
		return err
	}
	// The commissions the actor speaks for, and the bodies above them.
	var from, to []*aldyn.Body
	if a.Is(aldyn.RoleCoordinator, aldyn.RoleAdministrator) {
		coord, err := s.coordinationBodies(r.Context(), a)
		if err != nil {
			return err
		}
		for _, b := range coord {
			if b.Type == "coordination_commission" && a.ActsFor(b.ID, b.Territory.Path) {
				from = append(from, b)
			}
		}
		if len(from) > 0 {
			for _, t := range []string{"coordination_council", "coordination_commission"} {
				bs, _, err := s.db.FindBodies(r.Context(), aldyn.BodyFilter{Type: &t, Page: aldyn.Page{Limit: aldyn.MaxLimit, Sort: "territory"}})
				if err != nil {
					return err
				}
				for _, b := range bs {
					if slices.ContainsFunc(from, func(c *aldyn.Body) bool {
						return aldyn.QuestionRoute(c, b, c.Territory.Path, b.Territory.Path) == nil
					}) {
						to = append(to, b)
					}
				}
			}
		}
	}
	return s.render(w, r, status, "meeting_questions", &page{Title: info(r).loc.T("meetings.questions_title"), Form: form, Errors: errs, Data: &meetingQuestionsPageData{
		Questions: qs, Pager: newPager(f.Page, total), Names: names, Box: f.Box, From: from, To: to, Kinds: aldyn.QuestionKinds,
	}})
}

// questionForm is the question's one form, the form and the API's JSON.
type questionForm struct{ *aldyn.Question }

func (f questionForm) fields() formFields {
	q := f.Question
	return formFields{"kind": text(&q.Kind), "from_body_id": whole(&q.FromBodyID, "error.bad_param_short"),
		"to_body_id": whole(&q.ToBodyID, "error.bad_param_short"), "subject": text(&q.Subject), "text": text(&q.Text)}
}

func (s *Server) questionCreate(w http.ResponseWriter, r *http.Request) error {
	if err := requireSignedIn(r); err != nil {
		return err
	}
	q := &aldyn.Question{}
	form, readErr := readForm(r, questionForm{q})
	return submitForm(w, r, form, readErr, func() error { return s.db.CreateQuestion(r.Context(), actor(r), q) },
		func(errs map[string]string) error {
			f := aldyn.QuestionFilter{Under: actor(r).ScopeUnder(), Box: aldyn.BoxOut}
			return s.renderQuestions(w, r, http.StatusBadRequest, f, form, errs)
		},
		func() string { return "/questions/" + strconv.FormatInt(q.ID, 10) }, "meetings.question_sent")
}

// questionByPath loads the question of the path if the actor may see it:
// the sending or the receiving body lies in the actor's territory.
func (s *Server) questionByPath(r *http.Request) (*aldyn.Question, error) {
	return recordByPath(r, requireSignedIn, "meetings.error.question_not_found", s.db.FindQuestionByID,
		func(a *aldyn.Actor, q *aldyn.Question) bool { return a.Covers(q.FromPath) || a.Covers(q.ToPath) })
}

func (s *Server) questionPage(w http.ResponseWriter, r *http.Request) error {
	q, err := s.questionByPath(r)
	if err != nil {
		return err
	}
	return s.renderQuestion(w, r, http.StatusOK, q, nil, nil)
}

// meetingQuestionPageData is the data of the meeting_question page.
type meetingQuestionPageData struct {
	Question  *aldyn.Question
	Names     map[int64]*aldyn.Body
	CanAnswer bool
}

func (s *Server) renderQuestion(w http.ResponseWriter, r *http.Request, status int, q *aldyn.Question, form url.Values, errs map[string]string) error {
	names, err := s.bodyNames(r.Context(), q.FromBodyID, q.ToBodyID)
	if err != nil {
		return err
	}
	return s.render(w, r, status, "meeting_question", &page{Title: q.Subject, Form: form, Errors: errs, Data: &meetingQuestionPageData{
		Question: q, Names: names, CanAnswer: !q.Answered() && actor(r).ActsFor(q.ToBodyID, q.ToPath),
	}})
}

func (s *Server) questionAnswer(w http.ResponseWriter, r *http.Request) error {
	q, err := s.questionByPath(r)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return badParam("form")
	}
	form := r.PostForm
	return submitForm(w, r, form, nil, func() error {
		_, err := s.db.AnswerQuestion(r.Context(), actor(r), q.ID, form.Get("answer"))
		return err
	}, func(errs map[string]string) error {
		return s.renderQuestion(w, r, http.StatusBadRequest, q, form, errs)
	},
		func() string { return "/questions/" + strconv.FormatInt(q.ID, 10) }, "meetings.answer_sent")
}

// API.

func (s *Server) apiMeetings(w http.ResponseWriter, r *http.Request) error {
	return writeList(w, r, requireSignedIn, meetingFilter, func(f aldyn.MeetingFilter) aldyn.Page { return f.Page }, s.db.FindMeetings)
}

func (s *Server) apiMeeting(w http.ResponseWriter, r *http.Request) error {
	m, err := s.meetingByPath(r)
	return writeFound(w, m, err)
}

func (s *Server) apiMeetingCreate(w http.ResponseWriter, r *http.Request) error {
	if err := requireCoordinatorOrAdmin(r); err != nil {
		return err
	}
	m := &aldyn.Meeting{}
	return saveFormJSON(w, r, http.StatusCreated, m, meetingForm{m}, s.db.CreateMeeting)
}

func (s *Server) apiMeetingUpdate(w http.ResponseWriter, r *http.Request) error {
	old, err := s.meetingByPath(r)
	if err != nil {
		return err
	}
	m := &aldyn.Meeting{}
	return saveFormJSON(w, r, http.StatusOK, m, meetingForm{m}, func(ctx context.Context, a *aldyn.Actor, m *aldyn.Meeting) error {
		return s.db.UpdateMeeting(ctx, a, old.ID, m)
	})
}

func (s *Server) apiDecisionCreate(w http.ResponseWriter, r *http.Request) error {
	m, err := s.meetingByPath(r)
	if err != nil {
		return err
	}
	d := &aldyn.Decision{MeetingID: m.ID}
	return saveFormJSON(w, r, http.StatusCreated, d, decisionForm{d}, s.db.CreateDecision)
}

func (s *Server) apiDecisionUpdate(w http.ResponseWriter, r *http.Request) error {
	old, err := s.decisionByPath(r)
	if err != nil {
		return err
	}
	d := *old
	return saveFormJSON(w, r, http.StatusOK, &d, decisionForm{&d}, func(ctx context.Context, a *aldyn.Actor, d *aldyn.Decision) error {
		return s.db.UpdateDecision(ctx, a, old.ID, d)
	})
}

func (s *Server) apiQuestions(w http.ResponseWriter, r *http.Request) error {
	return writeList(w, r, requireSignedIn, questionFilter, func(f aldyn.QuestionFilter) aldyn.Page { return f.Page }, s.db.FindQuestions)
}

func (s *Server) apiQuestionCreate(w http.ResponseWriter, r *http.Request) error {
	if err := requireSignedIn(r); err != nil {
		return err
	}
	q := &aldyn.Question{}
	return saveFormJSON(w, r, http.StatusCreated, q, questionForm{q}, s.db.CreateQuestion)
}

func (s *Server) apiQuestionAnswer(w http.ResponseWriter, r *http.Request) error {
	q, err := s.questionByPath(r)
	if err != nil {
		return err
	}
	var in struct {
		Answer string `json:"answer"`
	}
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	q, err = s.db.AnswerQuestion(r.Context(), actor(r), q.ID, in.Answer)
	return writeFound(w, q, err)
}

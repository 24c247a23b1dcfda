package web

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/i18n"
	"github.com/aldyn-kg/aldyn/internal/store"
)

// This file is the coordinator's home: the open reporting cycles of the
// coordinator's territory with what is due, waiting for review, late and
// missing by body, the coming meetings and the overdue decisions; and the
// reminders sent to bodies whose reports are missing.

// reminderEvery is how often one body may be reminded.
const reminderEvery = 24 * time.Hour

// homeCycle sums one open cycle.
type homeCycle struct {
	Cycle                                             aldyn.ReportingCycle
	PlanTitle                                         aldyn.Text
	Expected, Due, Submitted, Accepted, Late, Missing int
}

// homeBody sums one body's reports over the open cycles.
type homeBody struct {
	BodyID                                  int64
	Name                                    string
	Expected, Due, Submitted, Late, Missing int
}

// coordinatorHome is the page data of the coordinator's home.
type coordinatorHome struct {
	Cycles []*homeCycle
	// Figures over all open cycles.
	Expected, Due, Review, Late, Missing int
	Bodies                               []*homeBody // those with late or missing reports
	Reviews                              []review
	Meetings                             []*aldyn.Meeting
	Decisions                            []*aldyn.Decision
	BodyNames                            map[int64]string
	// Mail says reminders also go by e-mail.
	Mail bool
	// Residents sums the residents' reports of the territory.
	Residents *residentDashboard
}

// reportState classifies one owed report as the cycle page does: late is
// first submitted after the deadline, missing is not submitted once the
// deadline has passed, due is still to be (re)submitted otherwise.
func reportState(t *store.ReportTask, now time.Time) (submitted, due, late, missing bool) {
	submitted = t.FirstSubmittedAt != nil
	late = submitted && t.FirstSubmittedAt.After(t.Cycle.Deadline)
	missing = !submitted && now.After(t.Cycle.Deadline)
	done := t.Status == aldyn.ReportSubmitted || t.Status == aldyn.ReportAccepted
	due = !done && !missing
	return
}

// summarize sums the owed reports by cycle and by body.
func summarize(ts []*store.ReportTask, now time.Time, names *bodyNames) *coordinatorHome {
	h := &coordinatorHome{}
	cycles := map[int64]*homeCycle{}
	bodies := map[int64]*homeBody{}
	for _, t := range ts {
		c := cycles[t.Cycle.ID]
		if c == nil {
			c = &homeCycle{Cycle: t.Cycle, PlanTitle: t.PlanTitle}
			cycles[t.Cycle.ID] = c
			h.Cycles = append(h.Cycles, c)
		}
		b := bodies[t.BodyID]
		if b == nil {
			b = &homeBody{BodyID: t.BodyID, Name: names.Name(t.BodyID)}
			bodies[t.BodyID] = b
		}
		submitted, due, late, missing := reportState(t, now)
		for _, n := range []*int{&c.Expected, &b.Expected, &h.Expected} {
			*n++
		}
		add := func(cond bool, ns ...*int) {
			if cond {
				for _, n := range ns {
					*n++
				}
			}
		}
		add(submitted, &c.Submitted, &b.Submitted)
		add(t.Status == aldyn.ReportAccepted, &c.Accepted)
		add(due, &c.Due, &b.Due, &h.Due)
		add(late, &c.Late, &b.Late, &h.Late)
		add(missing, &c.Missing, &b.Missing, &h.Missing)
	}
	for _, b := range bodies {
		if b.Late+b.Missing > 0 {
			h.Bodies = append(h.Bodies, b)
		}
	}
	// The bodies owing most first, then by name.
	slices.SortFunc(h.Bodies, func(x, y *homeBody) int {
		if x.Missing != y.Missing {
			return y.Missing - x.Missing
		}
		return strings.Compare(x.Name, y.Name)
	})
	return h
}

// coordinatorHomeData gathers the coordinator's home for the request's
// actor.
func (s *Server) coordinatorHomeData(r *http.Request) (*coordinatorHome, error) {
	ctx, a := r.Context(), actor(r)
	under := a.ScopeUnder()
	ts, err := s.db.FindOutstandingReports(ctx, store.ReportTaskFilter{Under: under})
	if err != nil {
		return nil, err
	}
	names := s.newBodyNames(r)
	now := s.db.Now()
	h := summarize(ts, now, names)
	if h.Reviews, err = s.reviewsOf(r); err != nil {
		return nil, err
	}
	h.Review = len(h.Reviews)
	today := now.In(bishkek)
	today = time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, time.UTC)
	planned := aldyn.MeetingPlanned
	if h.Meetings, _, err = s.db.FindMeetings(ctx, aldyn.MeetingFilter{Under: under, From: &today, Status: &planned,
		Page: aldyn.Page{Limit: 5, Sort: "date"}}); err != nil {
		return nil, err
	}
	if h.Decisions, _, err = s.db.FindDecisions(ctx, aldyn.DecisionFilter{Under: under, OverdueOnly: true, Page: aldyn.Page{Limit: 10}}); err != nil {
		return nil, err
	}
	for _, m := range h.Meetings {
		names.Name(m.BodyID)
	}
	for _, d := range h.Decisions {
		names.all(d.MeetingBodyID, d.ResponsibleBodyID)
	}
	h.BodyNames, h.Mail = names.names, s.cfg.Mail != nil
	if h.Residents, err = s.residentDashboardData(r); err != nil {
		return nil, err
	}
	return h, nil
}

func (s *Server) coordinatorHomePage(w http.ResponseWriter, r *http.Request, status int, flash string) error {
	h, err := s.coordinatorHomeData(r)
	if err != nil {
		return err
	}
	return s.render(w, r, status, "home_coordinator", &page{Title: info(r).loc.T("home.coordinator.title"), Data: h, Flash: flash})
}

// reminderSend reminds a body of its missing reports: a notification to
// its users and, with a mail server configured, an e-mail to the body's
// address. A body is reminded at most once in reminderEvery.
func (s *Server) reminderSend(w http.ResponseWriter, r *http.Request) error {
	if err := requireSignedIn(r); err != nil {
		return err
	}
	ctx, a, loc := r.Context(), actor(r), info(r).loc
	if !a.Is(aldyn.RoleCoordinator) {
		return forbidden()
	}
	if err := r.ParseForm(); err != nil {
		return badParam("form")
	}
	bodyID, err := strconv.ParseInt(r.PostForm.Get("body_id"), 10, 64)
	if err != nil || bodyID <= 0 {
		return badParam("body_id")
	}
	// Only what the coordinator monitors: the body's reports on plans of
	// the coordinator's territory.
	ts, err := s.db.FindOutstandingReports(ctx, store.ReportTaskFilter{BodyID: &bodyID, Under: a.ScopeUnder()})
	if err != nil {
		return err
	}
	now := s.db.Now()
	var missing int
	var first time.Time
	for _, t := range ts {
		if _, _, _, m := reportState(t, now); m {
			missing++
			if first.IsZero() || t.Cycle.Deadline.Before(first) {
				first = t.Cycle.Deadline
			}
		}
	}
	if missing == 0 {
		return aldyn.Errorf(aldyn.EINVALID, "reporting.remind.nothing_missing")
	}
	body, err := s.db.FindBodyByID(ctx, bodyID)
	if err != nil {
		return err
	}
	deadline := first.In(bishkek).Format(time.DateOnly)
	n := &store.Notification{BodyID: bodyID, TextKey: "reporting.notify.reminder", Link: "/tasks",
		Args: map[string]any{"count": missing, "deadline": deadline}}
	last, err := s.db.Remind(ctx, a, n, reminderEvery)
	if aldyn.ErrorCode(err) == aldyn.ETOOMANY && last != nil {
		msg := loc.T("reporting.remind.too_soon", "body", body.Name(info(r).lang), "at", loc.DateTime(*last),
			"next", loc.DateTime(last.Add(reminderEvery)))
		return s.coordinatorHomePage(w, r, http.StatusTooManyRequests, msg)
	}
	if err != nil {
		return err
	}
	flash := "reporting.remind.sent"
	if s.cfg.Mail != nil && body.Email != "" {
		flash = "reporting.remind.sent_mail"
		if err := s.mailReminder(ctx, body, missing, deadline, siteURL(r)+"/tasks"); err != nil {
			s.log.Warn("reminder e-mail", "body", body.ID, "err", err)
			flash = "reporting.remind.mail_failed"
		}
	}
	return redirect(w, r, "/", flash)
}

// mailReminder e-mails a reminder to the body in Kyrgyz and Russian, the
// state and the official language.
func (s *Server) mailReminder(ctx context.Context, b *aldyn.Body, missing int, deadline, link string) error {
	var subject []string
	var text strings.Builder
	for _, lang := range []string{"ky", "ru"} {
		l := i18n.For(lang)
		subject = append(subject, l.T("reporting.remind.mail_subject"))
		text.WriteString(l.T("reporting.notify.reminder", "count", missing, "deadline", deadline))
		text.WriteString("\n" + l.T("reporting.remind.mail_link") + " " + link + "\n\n")
	}
	return s.cfg.Mail.Send(ctx, []string{b.Email}, strings.Join(subject, " / "), text.String())
}

// siteURL is the scheme and host the request reached, for links in
// e-mail.
func siteURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// outstanding is a report still owed in an open cycle of the
// coordinator's territory, for the coordinator's task list.
type outstanding struct {
	*store.ReportTask
	Body    string
	Missing bool
}

// outstandingOf lists, for a coordinator, the reports of every body not
// yet submitted (or returned) in the open cycles of the territory,
// missing ones first.
func (s *Server) outstandingOf(r *http.Request) ([]outstanding, error) {
	a := actor(r)
	if !a.Is(aldyn.RoleCoordinator) {
		return nil, nil
	}
	ts, err := s.db.FindOutstandingReports(r.Context(), store.ReportTaskFilter{Under: a.ScopeUnder()})
	if err != nil {
		return nil, err
	}
	names, now := s.newBodyNames(r), s.db.Now()
	var out []outstanding
	for _, t := range ts {
		if _, due, _, missing := reportState(t, now); due || missing {
			out = append(out, outstanding{ReportTask: t, Body: names.Name(t.BodyID), Missing: missing})
		}
	}
	slices.SortStableFunc(out, func(x, y outstanding) int {
		if x.Missing != y.Missing {
			if x.Missing {
				return -1
			}
			return 1
		}
		return 0
	})
	return out, nil
}

package aldyn

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// This file holds the report-back meetings of precinct inspectors (§4.2
// expected result and §4.7 task 2 of the Concept): a precinct or juvenile
// inspector meets the residents of a precinct, tells them what was done
// and hears their issues. The public calendar shows when and where; after
// the meeting, whether it was held, how many came, the issues raised (each
// may become a resident's report, routed as any report) and the answers.

// Inspector roles: the public officials who hold report-back meetings.
const (
	InspectorPrecinct = "precinct_inspector"
	InspectorJuvenile = "juvenile_inspector"
)

// InspectorRoles lists the roles in their order.
var InspectorRoles = []string{InspectorPrecinct, InspectorJuvenile}

// ReportBackStatus is the state of a report-back meeting.
type ReportBackStatus string

// Report-back meeting statuses: scheduled, then held or not held (with a
// reason).
const (
	ReportBackScheduled ReportBackStatus = "scheduled"
	ReportBackHeld      ReportBackStatus = "held"
	ReportBackNotHeld   ReportBackStatus = "not_held"
)

// ReportBackStatuses lists the statuses in their order.
var ReportBackStatuses = []ReportBackStatus{ReportBackScheduled, ReportBackHeld, ReportBackNotHeld}

// Valid reports whether s is a status.
func (s ReportBackStatus) Valid() bool { return slices.Contains(ReportBackStatuses, s) }

// Limits of a report-back meeting, in runes, people and items.
const (
	MaxReportBackText       = 2000
	MaxReportBackIssues     = 50
	MaxReportBackAttendance = 100000
)

// ReportBackIssue is an issue residents raised at a meeting and the
// answer the inspector gave. CategoryID, when set on recording, makes the
// issue a resident's report (ReportID) routed as any report is. Staff type
// the text, so the public reads it only once a moderator publishes it,
// with the words (names) the moderator blanked in Redactions and every
// phone, e-mail and personal-number shape replaced; a change of the text
// or answer withdraws it until it is moderated again.
type ReportBackIssue struct {
	ID         int64    `json:"id,omitempty"`
	Text       string   `json:"text"`
	Answer     string   `json:"answer"`
	CategoryID int64    `json:"category_id,omitempty"`
	ReportID   *int64   `json:"report_id,omitempty"`
	Published  bool     `json:"published"`
	Redactions []string `json:"redactions,omitempty"`
}

// PublicIssue is an issue and its answer as the public reads them.
type PublicIssue struct {
	Text   string `json:"text"`
	Answer string `json:"answer"`
}

// Public is the issue as the public may read it: the words the moderator
// blanked and the personal-data shapes replaced.
func (is ReportBackIssue) Public() PublicIssue {
	return PublicIssue{Text: RedactPersonalData(redactWords(is.Text, is.Redactions)),
		Answer: RedactPersonalData(redactWords(is.Answer, is.Redactions))}
}

// IssueModeration is a moderator's decision on an issue: whether the
// public reads it, and the words (names) blanked in its text and answer.
type IssueModeration struct {
	Published  bool     `json:"published"`
	Redactions []string `json:"redactions"`
}

// MaxRedactionWord is the longest word a moderator may blank, in runes.
const MaxRedactionWord = 100

// CleanRedactions trims the words a moderator blanks and drops the empty
// ones; a word longer than MaxRedactionWord is an error.
func CleanRedactions(words []string) ([]string, error) {
	out := []string{}
	for _, w := range words {
		w = strings.TrimSpace(w)
		if w == "" {
			continue
		}
		if len([]rune(w)) > MaxRedactionWord {
			v := Validation{}
			v.Add("redactions", "error.too_long")
			return nil, v.Err()
		}
		out = append(out, w)
	}
	return out, nil
}

// ReportBackMeeting is a report-back meeting of a precinct or juvenile
// inspector with the residents of a precinct. The inspector's name is
// public: a public official acting in office. Issues and answers are shown
// publicly only with personal-data shapes redacted (PublicIssues).
type ReportBackMeeting struct {
	ID            int64             `json:"id"`
	PrecinctCode  string            `json:"precinct_code"`
	BodyID        int64             `json:"body_id"` // the police body the inspector serves in
	InspectorName string            `json:"inspector_name"`
	InspectorRole string            `json:"inspector_role"`
	StartsAt      time.Time         `json:"starts_at"`
	Place         string            `json:"place"`
	Status        ReportBackStatus  `json:"status"`
	NotHeldReason string            `json:"not_held_reason"`
	Attendance    *int              `json:"attendance,omitempty"`
	Issues        []ReportBackIssue `json:"issues"`
	Demo          bool              `json:"demo,omitempty"`
	CreatedAt     time.Time         `json:"created_at"`
	UpdatedAt     time.Time         `json:"updated_at"`

	// Filled by queries that join the precinct and the body.
	PrecinctPath string `json:"-"`
	BodyPath     string `json:"-"`
}

// Validate checks a meeting's fields at now: a scheduled meeting lies in
// the future, a held one has its attendance, a meeting not held its
// reason, and only a held one has attendance or issues. The store checks
// the precinct and the body.
func (m *ReportBackMeeting) Validate(now time.Time) error {
	m.InspectorName = strings.TrimSpace(m.InspectorName)
	m.Place = strings.TrimSpace(m.Place)
	m.NotHeldReason = strings.TrimSpace(m.NotHeldReason)
	if m.Status == "" {
		m.Status = ReportBackScheduled
	}
	if m.Issues == nil {
		m.Issues = []ReportBackIssue{}
	}
	for i := range m.Issues {
		m.Issues[i].Text = strings.TrimSpace(m.Issues[i].Text)
		m.Issues[i].Answer = strings.TrimSpace(m.Issues[i].Answer)
	}
	v := Validation{}
	v.requireValid("precinct_code", m.PrecinctCode, precinctRe.MatchString(m.PrecinctCode), "reportback.error.precinct")
	v.requireID("body_id", m.BodyID)
	v.requireText("inspector_name", m.InspectorName, 200)
	if !slices.Contains(InspectorRoles, m.InspectorRole) {
		v.Add("inspector_role", "reportback.error.inspector_role")
	}
	if m.StartsAt.IsZero() {
		v.Add("starts_at", "error.required")
	}
	v.requireText("place", m.Place, 300)
	if len([]rune(m.NotHeldReason)) > MaxReportBackText {
		v.Add("not_held_reason", "error.too_long")
	}
	if m.Attendance != nil && (*m.Attendance < 0 || *m.Attendance > MaxReportBackAttendance) {
		v.Add("attendance", "reportback.error.attendance")
	}
	switch m.Status {
	case ReportBackScheduled:
		if !m.StartsAt.IsZero() && !m.StartsAt.After(now) {
			v.Add("starts_at", "reportback.error.past")
		}
		m.outcomeAbsent(v, true)
	case ReportBackHeld:
		if !m.StartsAt.IsZero() && m.StartsAt.After(now) {
			v.Add("status", "reportback.error.future_outcome")
		}
		if m.Attendance == nil {
			v.Add("attendance", "reportback.error.attendance_required")
		}
		if m.NotHeldReason != "" {
			v.Add("not_held_reason", "reportback.error.reason_held")
		}
	case ReportBackNotHeld:
		if !m.StartsAt.IsZero() && m.StartsAt.After(now) {
			v.Add("status", "reportback.error.future_outcome")
		}
		if m.NotHeldReason == "" {
			v.Add("not_held_reason", "reportback.error.reason_required")
		}
		m.outcomeAbsent(v, false)
	default:
		v.Add("status", "reportback.error.status")
	}
	if len(m.Issues) > MaxReportBackIssues {
		v.Add("issues", "reportback.error.too_many_issues")
	}
	for i, is := range m.Issues {
		field := fmt.Sprintf("issues.%d", i)
		switch {
		case is.Text == "":
			v.Add(field, "reportback.error.issue_text")
		case len([]rune(is.Text)) > MaxReportBackText || len([]rune(is.Answer)) > MaxReportBackText:
			v.Add(field, "error.too_long")
		case is.CategoryID < 0:
			v.Add(field, "error.reference")
		case is.CategoryID > 0 && len([]rune(is.Text)) < 10:
			v.Add(field, "residents.error.description_short")
		}
	}
	return v.Err()
}

// outcomeAbsent adds an error for each part of an outcome a meeting that
// was not held (or not yet) cannot have.
func (m *ReportBackMeeting) outcomeAbsent(v Validation, reason bool) {
	if m.Attendance != nil {
		v.Add("attendance", "reportback.error.attendance_not_held")
	}
	if len(m.Issues) > 0 {
		v.Add("issues", "reportback.error.issues_not_held")
	}
	if reason && m.NotHeldReason != "" {
		v.Add("not_held_reason", "reportback.error.reason_scheduled")
	}
}

// CanTransition reports whether a meeting may go from one status to
// another: a scheduled meeting is held or not held; an outcome may be
// corrected (held ↔ not held) but a meeting never goes back to scheduled.
func (from ReportBackStatus) CanTransition(to ReportBackStatus) bool {
	if from == to {
		return true
	}
	return to != ReportBackScheduled
}

// Upcoming reports whether the meeting is still to come at now.
func (m *ReportBackMeeting) Upcoming(now time.Time) bool {
	return m.Status == ReportBackScheduled && m.StartsAt.After(now)
}

// PublicIssues are the issues a moderator published, as the public may
// read them (Public); the others are left out.
func (m *ReportBackMeeting) PublicIssues() []PublicIssue {
	out := []PublicIssue{}
	for _, is := range m.Issues {
		if is.Published {
			out = append(out, is.Public())
		}
	}
	return out
}

// PendingIssues counts the issues awaiting moderation.
func (m *ReportBackMeeting) PendingIssues() int {
	n := 0
	for _, is := range m.Issues {
		if !is.Published {
			n++
		}
	}
	return n
}

// PublicReason is the reason a meeting was not held, redacted as issues are.
func (m *ReportBackMeeting) PublicReason() string { return RedactPersonalData(m.NotHeldReason) }

// CanManageReportBack reports whether the actor may schedule and record a
// meeting of the police body bodyID in the precinct with the given path:
// the body's own staff (reporters), and coordinators and administrators
// covering the precinct.
func (a *Actor) CanManageReportBack(bodyID int64, precinctPath string) bool {
	if a == System {
		return true
	}
	if a.Is(RoleReporter) {
		return a.BodyID == bodyID && a.Covers(precinctPath)
	}
	return a.Is(RoleCoordinator, RoleAdministrator) && a.Covers(precinctPath)
}

// ReportBackFilter selects report-back meetings. Territory keeps those in
// precincts under a territory path; Under limits them to the actor's scope
// (the precinct's path); From and To bound the start (To exclusive).
type ReportBackFilter struct {
	ID           *int64
	PrecinctCode string
	BodyID       *int64
	Territory    string
	Under        string
	Status       *ReportBackStatus
	From, To     *time.Time
	Page
}

// ReportBackCount is the number of meetings of a precinct in a quarter,
// by outcome.
type ReportBackCount struct {
	PrecinctCode string `json:"precinct_code"`
	Year         int    `json:"year"`
	Quarter      int    `json:"quarter"`
	Scheduled    int    `json:"scheduled"`
	Held         int    `json:"held"`
	NotHeld      int    `json:"not_held"`
	Attendance   int    `json:"attendance"`
}

// Period is the quarter's label, "2026-Q3".
func (c ReportBackCount) Period() string { return fmt.Sprintf("%d-Q%d", c.Year, c.Quarter) }

// QuarterOf returns the year and quarter of t in Bishkek time (UTC+6),
// where the meetings take place.
func QuarterOf(t time.Time) (int, int) {
	t = t.In(time.FixedZone("+06", 6*3600))
	return t.Year(), (int(t.Month())-1)/3 + 1
}

// QuarterStart is the first moment of a quarter in Bishkek time.
func QuarterStart(year, quarter int) time.Time {
	return time.Date(year, time.Month(3*(quarter-1)+1), 1, 0, 0, 0, 0, time.FixedZone("+06", 6*3600))
}

// LastQuarters returns the start of the n quarters that ended before the
// quarter holding now, and the end of the last of them (exclusive).
func LastQuarters(now time.Time, n int) (from, to time.Time) {
	y, q := QuarterOf(now)
	to = QuarterStart(y, q)
	return to.AddDate(0, -3*n, 0), to
}

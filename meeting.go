package aldyn

import (
	"slices"
	"strings"
	"time"
)

// This file holds the work of coordination bodies (§4.3 of the Concept):
// meetings of the Coordination Council and the coordination commissions,
// their decisions and the tasks those decisions set, the bottom-up
// channel by which a commission reports or asks the body above it, and
// the risk register of a plan (§8).

// IsCoordinationBody reports whether a body of type t holds coordination
// meetings: the Coordination Council or a coordination commission.
func IsCoordinationBody(t string) bool {
	return t == "coordination_council" || t == "coordination_commission"
}

// CanCoordinate reports whether the actor may hold the meetings of a
// coordination body attached to the territory with the given path:
// coordinators and administrators whose territory covers it.
func (a *Actor) CanCoordinate(bodyPath string) bool {
	return a.Is(RoleCoordinator, RoleAdministrator) && a.Covers(bodyPath)
}

// ActsFor reports whether the actor speaks for a coordination body: a
// coordinator or administrator of that body, or of its very territory (a
// district's coordinator speaks for the district commission, not for the
// commissions of the villages below). The System actor speaks for any
// body, so demo data and tools can send and answer questions.
func (a *Actor) ActsFor(bodyID int64, bodyPath string) bool {
	return a == System || (a.Is(RoleCoordinator, RoleAdministrator) && (a.BodyID == bodyID || a.TerritoryPath == bodyPath))
}

// Text limits of this file, in runes.
const (
	maxMeetingText = 5000
	maxMinutes     = 50000
	maxNote        = 5000
	maxSubject     = 300
)

// MeetingStatus is the state of a meeting.
type MeetingStatus string

// Meeting statuses: a planned meeting is held once; a held meeting stays
// held (its minutes may still be corrected).
const (
	MeetingPlanned MeetingStatus = "planned"
	MeetingHeld    MeetingStatus = "held"
)

// MeetingStatuses lists the meeting statuses.
var MeetingStatuses = []MeetingStatus{MeetingPlanned, MeetingHeld}

// Valid reports whether s is a meeting status.
func (s MeetingStatus) Valid() bool { return slices.Contains(MeetingStatuses, s) }

// CanTransition reports whether a meeting may go from one status to another.
func (from MeetingStatus) CanTransition(to MeetingStatus) bool {
	return from == to || (from == MeetingPlanned && to == MeetingHeld)
}

// Meeting is a meeting of a coordination body.
type Meeting struct {
	ID      int64         `json:"id"`
	BodyID  int64         `json:"body_id"` // the coordination body that meets
	Date    time.Time     `json:"date"`    // a day, UTC midnight
	Agenda  Text          `json:"agenda"`  // in any of the languages
	Minutes string        `json:"minutes"` // in the language they were taken in
	Status  MeetingStatus `json:"status"`
	// Participants are the other bodies taking part.
	Participants []int64   `json:"participants"`
	CreatedAt    time.Time `json:"created_at"`
	UpdatedAt    time.Time `json:"updated_at"`

	// Filled by queries that join the body.
	TerritoryCode string      `json:"territory_code"`
	TerritoryPath string      `json:"-"`
	Decisions     []*Decision `json:"decisions,omitempty"`
}

// MeetingFilter selects meetings. Under limits them to the territory path
// prefix of the meeting body (Actor.ScopeUnder); From and To are days,
// inclusive.
type MeetingFilter struct {
	ID       *int64
	BodyID   *int64
	Under    string
	From, To *time.Time
	Status   *MeetingStatus
	Page
}

// Validate checks a meeting's fields; the store checks the bodies exist
// and that BodyID is a coordination body.
func (m *Meeting) Validate() error {
	m.Agenda = m.Agenda.TrimSpace()
	m.Minutes = strings.TrimSpace(m.Minutes)
	if m.Status == "" {
		m.Status = MeetingPlanned
	}
	v := Validation{}
	v.requireID("body_id", m.BodyID)
	if m.Date.IsZero() {
		v.Add("date", "error.required")
	} else if y := m.Date.Year(); y < ConceptStartYear-1 || y > ConceptEndYear+5 {
		v.Add("date", "meetings.error.date")
	}
	requireText(v, "agenda", m.Agenda, maxMeetingText)
	if len([]rune(m.Minutes)) > maxMinutes {
		v.Add("minutes", "error.too_long")
	}
	if !m.Status.Valid() {
		v.Add("status", "meetings.error.status")
	} else if m.Status == MeetingHeld && m.Minutes == "" {
		v.Add("minutes", "meetings.error.minutes_required")
	}
	if !validIDs(m.Participants) || slices.Contains(m.Participants, m.BodyID) {
		v.Add("participants", "meetings.error.participants")
	}
	return v.Err()
}

// Transition checks that the meeting may change from its status to to and
// sets it.
func (m *Meeting) Transition(to MeetingStatus) error {
	if !m.Status.CanTransition(to) {
		return Errorf(ECONFLICT, "meetings.error.transition", "from", string(m.Status), "to", string(to))
	}
	m.Status = to
	return nil
}

// DecisionStatus is the state of a decision's task.
type DecisionStatus string

// Decision statuses. A task is open until the responsible body reports it
// done or the coordination body cancels it; both are final.
const (
	DecisionOpen      DecisionStatus = "open"
	DecisionDone      DecisionStatus = "done"
	DecisionCancelled DecisionStatus = "cancelled"
)

// DecisionStatuses lists the decision statuses.
var DecisionStatuses = []DecisionStatus{DecisionOpen, DecisionDone, DecisionCancelled}

// Valid reports whether s is a decision status.
func (s DecisionStatus) Valid() bool { return slices.Contains(DecisionStatuses, s) }

// CanTransition reports whether a decision may go from one status to another.
func (from DecisionStatus) CanTransition(to DecisionStatus) bool {
	return from == to || (from == DecisionOpen && (to == DecisionDone || to == DecisionCancelled))
}

// Decision is a decision of a meeting. With a responsible body and a
// deadline it is a task, tracked and reported on like a plan measure.
type Decision struct {
	ID                int64          `json:"id"`
	MeetingID         int64          `json:"meeting_id"`
	Text              string         `json:"text"`
	ResponsibleBodyID int64          `json:"responsible_body_id,omitempty"` // 0: not a task
	Deadline          *time.Time     `json:"deadline,omitempty"`
	Status            DecisionStatus `json:"status"`
	Progress          string         `json:"progress"` // the responsible body's note
	CreatedAt         time.Time      `json:"created_at"`
	UpdatedAt         time.Time      `json:"updated_at"`

	// Filled by queries that join the meeting and the bodies.
	MeetingBodyID   int64     `json:"meeting_body_id"`
	MeetingDate     time.Time `json:"meeting_date"`
	MeetingPath     string    `json:"-"` // territory path of the meeting's body
	ResponsiblePath string    `json:"-"` // territory path of the responsible body
	Overdue         bool      `json:"overdue"`
}

// DecisionFilter selects decisions. Under limits them to those whose
// meeting body or responsible body lies under the path; OverdueOnly keeps
// open tasks past their deadline at the store's clock.
type DecisionFilter struct {
	ID                *int64
	MeetingID         *int64
	ResponsibleBodyID *int64
	Under             string
	TasksOnly         bool
	Status            *DecisionStatus
	OverdueOnly       bool
	Page
}

// IsTask reports whether the decision sets a task.
func (d *Decision) IsTask() bool { return d.ResponsibleBodyID != 0 }

// IsOverdue reports whether a task is past its deadline (the whole
// deadline day counts) and not done or cancelled.
func (d *Decision) IsOverdue(now time.Time) bool {
	return d.IsTask() && d.Deadline != nil && d.Status == DecisionOpen && !now.Before(dayEnd(*d.Deadline))
}

// Validate checks a decision's fields; the store checks the responsible
// body exists.
func (d *Decision) Validate() error {
	d.Text = strings.TrimSpace(d.Text)
	d.Progress = strings.TrimSpace(d.Progress)
	if d.Status == "" {
		d.Status = DecisionOpen
	}
	v := Validation{}
	v.requireText("text", d.Text, maxMeetingText)
	if d.ResponsibleBodyID < 0 {
		v.Add("responsible_body_id", "error.reference")
	}
	if d.IsTask() && d.Deadline == nil {
		v.Add("deadline", "meetings.error.deadline_required")
	}
	if !d.IsTask() && d.Deadline != nil {
		v.Add("responsible_body_id", "meetings.error.responsible_required")
	}
	if !d.Status.Valid() {
		v.Add("status", "meetings.error.status")
	} else if !d.IsTask() && d.Status != DecisionOpen {
		v.Add("status", "meetings.error.not_a_task")
	}
	if len([]rune(d.Progress)) > maxNote {
		v.Add("progress", "error.too_long")
	}
	return v.Err()
}

// Transition checks that the decision may change from its status to to
// and sets it.
func (d *Decision) Transition(to DecisionStatus) error {
	if !to.Valid() {
		return &Error{Code: EINVALID, Message: "error.validation", Fields: map[string]string{"status": "meetings.error.status"}}
	}
	if !d.Status.CanTransition(to) {
		return Errorf(ECONFLICT, "meetings.error.transition", "from", string(d.Status), "to", string(to))
	}
	d.Status = to
	return nil
}

// CanReportOnDecision reports whether the actor reports progress on a task
// for its responsible body: a reporter or coordinator of that body.
func (a *Actor) CanReportOnDecision(d *Decision) bool {
	return d.IsTask() && a.Is(RoleReporter, RoleCoordinator) && a.BodyID == d.ResponsibleBodyID
}

// Question kinds of the bottom-up channel.
const (
	QuestionReport   = "report"   // a report sent up for information
	QuestionQuestion = "question" // a question awaiting an answer
)

// QuestionKinds lists the kinds of questions.
var QuestionKinds = []string{QuestionQuestion, QuestionReport}

// Question is a report or question a coordination commission sends up to
// the Coordination Council or the coordination body above it (§4.3 task 3).
type Question struct {
	ID         int64      `json:"id"`
	Kind       string     `json:"kind"`
	FromBodyID int64      `json:"from_body_id"`
	ToBodyID   int64      `json:"to_body_id"`
	Subject    string     `json:"subject"`
	Text       string     `json:"text"`
	Answer     string     `json:"answer"`
	AnsweredAt *time.Time `json:"answered_at,omitempty"`
	CreatedAt  time.Time  `json:"created_at"`

	// Filled by queries that join the bodies.
	FromPath string `json:"-"`
	ToPath   string `json:"-"`
}

// Question boxes: the inbox holds what bodies in scope received, the
// outbox what they sent.
const (
	BoxIn  = "in"
	BoxOut = "out"
)

// QuestionFilter selects questions. Under limits them to those whose
// sending (BoxOut), receiving (BoxIn) or either (no box) body lies under
// the path.
type QuestionFilter struct {
	ID       *int64
	Under    string
	Box      string
	Answered *bool
	Page
}

// Answered reports whether the receiving body has answered.
func (q *Question) Answered() bool { return q.AnsweredAt != nil }

// Validate checks a question's fields; the store checks the bodies (see
// ValidRoute).
func (q *Question) Validate() error {
	q.Subject = strings.TrimSpace(q.Subject)
	q.Text = strings.TrimSpace(q.Text)
	if q.Kind == "" {
		q.Kind = QuestionQuestion
	}
	v := Validation{}
	if !slices.Contains(QuestionKinds, q.Kind) {
		v.Add("kind", "meetings.error.kind")
	}
	v.requireID("from_body_id", q.FromBodyID)
	v.requireID("to_body_id", q.ToBodyID)
	v.requireText("subject", q.Subject, maxSubject)
	v.requireText("text", q.Text, maxMeetingText)
	return v.Err()
}

// QuestionRoute checks that a question goes up: from a coordination
// commission to a coordination body whose territory lies strictly above
// the commission's.
func QuestionRoute(from, to *Body, fromPath, toPath string) error {
	v := Validation{}
	if from.Type != "coordination_commission" {
		v.Add("from_body_id", "meetings.error.from_commission")
	}
	if !IsCoordinationBody(to.Type) || toPath == fromPath || !PathContains(toPath, fromPath) {
		v.Add("to_body_id", "meetings.error.to_above")
	}
	return v.Err()
}

// SetAnswer records the receiving body's answer; an answer is given once.
func (q *Question) SetAnswer(answer string, now time.Time) error {
	answer = strings.TrimSpace(answer)
	if q.Answered() {
		return Errorf(ECONFLICT, "meetings.error.answered")
	}
	v := Validation{}
	v.requireText("answer", answer, maxMeetingText)
	if err := v.Err(); err != nil {
		return err
	}
	q.Answer, q.AnsweredAt = answer, &now
	return nil
}

// RiskStatus is the state of a plan risk.
type RiskStatus string

// Risk statuses.
const (
	RiskOpen      RiskStatus = "open"      // the risk may occur
	RiskMitigated RiskStatus = "mitigated" // the mitigation is in place
	RiskClosed    RiskStatus = "closed"    // the risk no longer applies
)

// RiskStatuses lists the risk statuses.
var RiskStatuses = []RiskStatus{RiskOpen, RiskMitigated, RiskClosed}

// Valid reports whether s is a risk status.
func (s RiskStatus) Valid() bool { return slices.Contains(RiskStatuses, s) }

// Risk scales: likelihood and impact are rated 1 (lowest) to 5.
const (
	RiskScaleMin = 1
	RiskScaleMax = 5
)

// Risk is an entry of a plan's risk register.
type Risk struct {
	ID          int64      `json:"id"`
	PlanID      int64      `json:"plan_id"`
	ConceptN    int        `json:"concept_n,omitempty"` // the Concept's §8 risk it comes from; 0 if added
	Text        Text       `json:"text"`
	Mitigation  Text       `json:"mitigation"`
	OwnerBodyID int64      `json:"owner_body_id,omitempty"`
	Likelihood  int        `json:"likelihood"`
	Impact      int        `json:"impact"`
	Status      RiskStatus `json:"status"`
	CreatedAt   time.Time  `json:"created_at"`
	UpdatedAt   time.Time  `json:"updated_at"`
}

// Score is likelihood × impact, 1–25.
func (r *Risk) Score() int { return r.Likelihood * r.Impact }

// Risk levels by score.
const (
	RiskLow    = "low"    // 1–4
	RiskMedium = "medium" // 5–12
	RiskHigh   = "high"   // 15–25
)

// Level rates the score as low, medium or high.
func (r *Risk) Level() string { return RiskLevel(r.Likelihood, r.Impact) }

// RiskLevel rates a likelihood and impact as low, medium or high.
func RiskLevel(likelihood, impact int) string {
	switch s := likelihood * impact; {
	case s >= 15:
		return RiskHigh
	case s >= 5:
		return RiskMedium
	}
	return RiskLow
}

// Validate checks a risk's fields; the store checks the owner body exists.
func (r *Risk) Validate() error {
	r.Text, r.Mitigation = r.Text.TrimSpace(), r.Mitigation.TrimSpace()
	if r.Status == "" {
		r.Status = RiskOpen
	}
	v := Validation{}
	requireText(v, "text", r.Text, maxMeetingText)
	if r.Mitigation.maxLen() > maxMeetingText {
		v.Add("mitigation", "error.too_long")
	}
	if r.OwnerBodyID < 0 {
		v.Add("owner_body_id", "error.reference")
	}
	if r.Likelihood < RiskScaleMin || r.Likelihood > RiskScaleMax {
		v.Add("likelihood", "risks.error.scale")
	}
	if r.Impact < RiskScaleMin || r.Impact > RiskScaleMax {
		v.Add("impact", "risks.error.scale")
	}
	if !r.Status.Valid() {
		v.Add("status", "risks.error.status")
	}
	return v.Err()
}

// ConceptRiskRegister returns the Concept's §8 risks and mitigations as the
// first entries of a plan's register, rated 3 × 3 until the plan's owner
// rates them.
func ConceptRiskRegister(planID int64, c *Concept) []*Risk {
	var out []*Risk
	if c == nil {
		return nil
	}
	for _, cr := range c.Risks {
		out = append(out, &Risk{PlanID: planID, ConceptN: cr.N, Text: cr.Risk, Mitigation: cr.Mitigation,
			Likelihood: 3, Impact: 3, Status: RiskOpen})
	}
	return out
}

// CanSeePlanRisks reports whether the actor may read the risk register of
// a plan of the territory with the given path: signed-in users whose
// territory covers the plan, or lies within it (a district sees the
// national plan's register).
func (a *Actor) CanSeePlanRisks(planPath string) bool {
	return a.SignedIn() && (a.Covers(planPath) || PathContains(planPath, a.TerritoryPath))
}

package aldyn

import (
	"math"
	"slices"
	"strings"
	"time"
)

// Reporting cycle statuses.
const (
	CycleOpen   = "open"
	CycleClosed = "closed"
)

// ReportingCycle is a period for which the responsible bodies report on
// the measures of a plan, with a deadline (§7 monitoring).
type ReportingCycle struct {
	ID       int64     `json:"id"`
	PlanID   int64     `json:"plan_id"`
	Period   string    `json:"period"` // label: "2024-Q2", "2024 H1"
	From     time.Time `json:"from"`   // a date: the first day
	To       time.Time `json:"to"`     // a date: the last day
	Deadline time.Time `json:"deadline"`
	Status   string    `json:"status"`
}

// CycleFilter selects reporting cycles. Under limits them to plans of a
// territory path prefix.
type CycleFilter struct {
	ID     *int64
	PlanID *int64
	Under  string
	Status *string
	Page   Page
}

// Validate checks a cycle's fields.
func (c *ReportingCycle) Validate() error {
	c.Period = strings.TrimSpace(c.Period)
	v := Validation{}
	v.requireText("period", c.Period, 50)
	if v.requireOrdered("from", "to", c.From, c.To, "cycle.error.to_before_from") {
		v.requireOrdered("from", "deadline", c.From, c.Deadline, "cycle.error.deadline")
	}
	if c.Status == "" {
		c.Status = CycleOpen
	} else if c.Status != CycleOpen && c.Status != CycleClosed {
		v.Add("status", "cycle.error.status")
	}
	return v.Err()
}

// Covers reports whether a measure ran during the cycle, so that a report
// on it is expected.
func (c *ReportingCycle) Covers(m *Measure) bool {
	return !m.Cancelled && !m.Start.After(c.To) && !m.Due.Before(c.From)
}

// ReportStatus is the state of a progress report.
//
//	draft ──▶ submitted ──▶ accepted (final)
//	              ▲   │
//	              │   ▼
//	            returned (resubmission increments Version)
type ReportStatus string

// Report statuses.
const (
	ReportDraft     ReportStatus = "draft"
	ReportSubmitted ReportStatus = "submitted"
	ReportReturned  ReportStatus = "returned"
	ReportAccepted  ReportStatus = "accepted"
)

// ReportStatuses lists every report status.
var ReportStatuses = []ReportStatus{ReportDraft, ReportSubmitted, ReportReturned, ReportAccepted}

var reportTransitions = map[ReportStatus][]ReportStatus{
	ReportDraft:     {ReportSubmitted},
	ReportSubmitted: {ReportAccepted, ReportReturned},
	ReportReturned:  {ReportSubmitted},
}

// Valid reports whether s is a report status.
func (s ReportStatus) Valid() bool { return slices.Contains(ReportStatuses, s) }

// CanTransition reports whether the report lifecycle allows from → to.
func (from ReportStatus) CanTransition(to ReportStatus) bool {
	return slices.Contains(reportTransitions[from], to)
}

// Report is a responsible body's progress report on a measure for a
// reporting cycle: one per cycle and measure; the store keeps every
// submitted version.
type Report struct {
	ID        int64        `json:"id"`
	CycleID   int64        `json:"cycle_id"`
	MeasureID int64        `json:"measure_id"`
	BodyID    int64        `json:"body_id"`
	Status    ReportStatus `json:"status"`
	// Progress is the measure's cumulative completion, 0–100 %.
	Progress  int    `json:"progress"`
	Narrative string `json:"narrative"`
	// Evidence are references to documents, photos, links.
	Evidence []string `json:"evidence"`
	// Spent is what was spent during the cycle's period (not cumulative).
	Spent  []BudgetLine     `json:"spent"`
	Values []IndicatorValue `json:"values"`
	// Comment is the coordinator's, given when accepting or returning.
	Comment string `json:"comment"`
	Version int    `json:"version"` // 1 on first submission, +1 on each resubmission
	// Revision counts saves of the content (1 when created); an edit
	// carries the revision it was made from and is refused when the report
	// has been saved since.
	Revision int `json:"revision"`

	SubmittedBy      int64      `json:"submitted_by,omitempty"`
	SubmittedAt      *time.Time `json:"submitted_at,omitempty"`       // the latest submission
	FirstSubmittedAt *time.Time `json:"first_submitted_at,omitempty"` // decides lateness
	DecidedBy        int64      `json:"decided_by,omitempty"`
	DecidedAt        *time.Time `json:"decided_at,omitempty"`
	CreatedAt        time.Time  `json:"created_at"`
	UpdatedAt        time.Time  `json:"updated_at"`
}

// ReportFilter selects reports. Under limits them to plans of a territory
// path prefix.
type ReportFilter struct {
	ID        *int64
	PlanID    *int64
	CycleID   *int64
	MeasureID *int64
	BodyID    *int64
	Status    *ReportStatus
	Under     string
	Page      Page
}

// Validate checks the fields a reporter fills in.
func (r *Report) Validate() error {
	r.Narrative, r.Comment = strings.TrimSpace(r.Narrative), strings.TrimSpace(r.Comment)
	v := Validation{}
	v.requireID("cycle_id", r.CycleID)
	v.requireID("measure_id", r.MeasureID)
	v.requireID("body_id", r.BodyID)
	if r.Status == "" {
		r.Status = ReportDraft
	} else if !r.Status.Valid() {
		v.Add("status", "report.error.status")
	}
	if r.Progress < 0 || r.Progress > 100 {
		v.Add("progress", "report.error.progress")
	}
	if len([]rune(r.Narrative)) > 20000 {
		v.Add("narrative", "error.too_long")
	}
	for i := range r.Evidence {
		r.Evidence[i] = strings.TrimSpace(r.Evidence[i])
		if r.Evidence[i] == "" || len([]rune(r.Evidence[i])) > 1000 {
			v.Add("evidence", "error.invalid")
		}
	}
	if len([]rune(r.Comment)) > 5000 {
		v.Add("comment", "error.too_long")
	}
	validateBudget(v, "spent", r.Spent)
	for _, x := range r.Values {
		if x.IndicatorID <= 0 || strings.TrimSpace(x.Period) == "" || math.IsNaN(x.Value) || math.IsInf(x.Value, 0) {
			v.Add("values", "error.invalid")
		}
	}
	return v.Err()
}

// CanEdit reports whether the reporter may still change the report.
func (r *Report) CanEdit() bool { return r.Status == ReportDraft || r.Status == ReportReturned }

// CanSubmitReport reports whether the actor may write and submit reports
// of body: reporters and coordinators of that body.
func (a *Actor) CanSubmitReport(bodyID int64) bool {
	return a.Is(RoleReporter, RoleCoordinator) && bodyID > 0 && a.BodyID == bodyID
}

// CanReviewReport reports whether the actor may accept or return reports
// on a plan of the territory with the given path.
func (a *Actor) CanReviewReport(planTerritoryPath string) bool {
	return a.Is(RoleCoordinator) && a.Covers(planTerritoryPath)
}

// Transition moves the report to status to, refusing what the lifecycle
// does not allow. Submit, Accept and Return are the actions that use it.
func (r *Report) Transition(to ReportStatus) error {
	if !to.Valid() {
		return Errorf(EINVALID, "report.error.status", "status", string(to))
	}
	if !r.Status.CanTransition(to) {
		return Errorf(ECONFLICT, "report.error.illegal_transition", "from", string(r.Status), "to", string(to))
	}
	r.Status = to
	return nil
}

// Submit submits a draft or returned report for the open cycle c.
func (r *Report) Submit(a *Actor, c *ReportingCycle, now time.Time) error {
	if !a.CanSubmitReport(r.BodyID) {
		return Errorf(EFORBIDDEN, "report.error.submit_forbidden")
	}
	if c == nil || c.ID != r.CycleID {
		return Errorf(EINVALID, "report.error.cycle_mismatch")
	}
	if c.Status != CycleOpen {
		return Errorf(ECONFLICT, "report.error.cycle_closed")
	}
	if !r.Status.CanTransition(ReportSubmitted) {
		return Errorf(ECONFLICT, "report.error.illegal_transition", "from", string(r.Status), "to", string(ReportSubmitted))
	}
	if err := r.Validate(); err != nil {
		return err
	}
	if r.Narrative == "" {
		return (Validation{"narrative": "error.required"}).Err()
	}
	resubmission := r.Status == ReportReturned
	_ = r.Transition(ReportSubmitted)
	if resubmission {
		r.Version++
	} else if r.Version < 1 {
		r.Version = 1
	}
	t := now
	r.SubmittedAt, r.SubmittedBy = &t, a.UserID
	if r.FirstSubmittedAt == nil {
		r.FirstSubmittedAt = &t
	}
	r.DecidedAt, r.DecidedBy = nil, 0
	r.UpdatedAt = now
	return nil
}

// Accept accepts a submitted report on a plan of the territory with the
// given path.
func (r *Report) Accept(a *Actor, planTerritoryPath, comment string, now time.Time) error {
	return r.decide(a, planTerritoryPath, ReportAccepted, comment, now)
}

// Return sends a submitted report back to its body for correction; the
// comment saying what to correct is required.
func (r *Report) Return(a *Actor, planTerritoryPath, comment string, now time.Time) error {
	return r.decide(a, planTerritoryPath, ReportReturned, comment, now)
}

func (r *Report) decide(a *Actor, planPath string, to ReportStatus, comment string, now time.Time) error {
	if !a.CanReviewReport(planPath) {
		return Errorf(EFORBIDDEN, "report.error.review_forbidden")
	}
	if !r.Status.CanTransition(to) {
		return Errorf(ECONFLICT, "report.error.illegal_transition", "from", string(r.Status), "to", string(to))
	}
	// Four eyes: nobody decides on what they submitted themselves.
	if r.SubmittedBy != 0 && r.SubmittedBy == a.UserID {
		return Errorf(EFORBIDDEN, "report.error.review_own")
	}
	comment = strings.TrimSpace(comment)
	if to == ReportReturned && comment == "" {
		return (Validation{"comment": "report.error.comment_required"}).Err()
	}
	if len([]rune(comment)) > 5000 {
		return (Validation{"comment": "error.too_long"}).Err()
	}
	_ = r.Transition(to)
	t := now
	r.Comment, r.DecidedAt, r.DecidedBy, r.UpdatedAt = comment, &t, a.UserID, now
	return nil
}

// IsLate reports whether the report was first submitted after the
// cycle's deadline.
func (r *Report) IsLate(c *ReportingCycle) bool {
	t := r.firstSubmitted()
	return t != nil && t.After(c.Deadline)
}

func (r *Report) firstSubmitted() *time.Time {
	if r.FirstSubmittedAt != nil {
		return r.FirstSubmittedAt
	}
	return r.SubmittedAt
}

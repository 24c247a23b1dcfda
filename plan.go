package aldyn

import (
	"slices"
	"strings"
	"time"
)

// This file holds monitored plans (§4.4, §6, §7 of the Concept): the
// National Action Plan and local joint plans, their versions, signatures
// and lifecycle. Their measures (measure.go), indicators (indicator.go),
// reporting cycles and progress reports (report.go), the pure computations
// of the monitoring dashboard (dashboard.go) and the comparison of two
// versions (diff.go) have their own files.

// Plan kinds.
const (
	PlanNational = "national" // National Action Plan, adopted for 3 years (§6)
	PlanJoint    = "joint"    // local joint offense-prevention plan (§4.4 task 1)
)

// The Concept's period; plans monitored by the platform lie within it.
const (
	ConceptStartYear  = 2022
	ConceptEndYear    = 2028
	NationalPlanYears = 3
)

// PlanStatus is the state of a plan version.
//
//	draft ──(all required bodies signed)──▶ approved ──▶ closed
//	                                          │
//	                  Amend: new draft version, ParentID = this one;
//	                  when it is approved this one becomes superseded.
type PlanStatus string

// Plan statuses.
const (
	PlanDraft      PlanStatus = "draft"      // editable; signatures collected
	PlanApproved   PlanStatus = "approved"   // content locked; measures reported on
	PlanSuperseded PlanStatus = "superseded" // replaced by an approved amendment
	PlanClosed     PlanStatus = "closed"     // implementation period over
)

// PlanStatuses lists every plan status.
var PlanStatuses = []PlanStatus{PlanDraft, PlanApproved, PlanSuperseded, PlanClosed}

var planTransitions = map[PlanStatus][]PlanStatus{
	PlanDraft:    {PlanApproved},
	PlanApproved: {PlanSuperseded, PlanClosed},
}

// Evidence kinds: how the situation analysis behind a plan was made
// (statistics, resident surveys, focus groups, …; see local-practice.md).
const (
	EvidenceStatistics = "statistics"
	EvidenceSurvey     = "survey"
	EvidenceFocusGroup = "focus_group"
	EvidenceOther      = "other"
)

// EvidenceKinds lists the evidence kinds.
var EvidenceKinds = []string{EvidenceStatistics, EvidenceSurvey, EvidenceFocusGroup, EvidenceOther}

// PlanEvidence is one source of the situation analysis a plan's priorities
// rest on.
type PlanEvidence struct {
	Kind string `json:"kind"`
	Note string `json:"note"` // what was done, when, by whom; a link
}

// Plan is one version of a monitored plan. Amending an approved plan makes
// a new version (Version+1, ParentID set) that goes through approval again.
type Plan struct {
	ID            int64      `json:"id"`
	Kind          string     `json:"kind"`
	Title         Text       `json:"title"`
	TerritoryCode string     `json:"territory_code"`
	OwnerBodyID   int64      `json:"owner_body_id"` // the Coordination Council or a coordination commission
	StartYear     int        `json:"start_year"`
	EndYear       int        `json:"end_year"`
	Status        PlanStatus `json:"status"`
	Version       int        `json:"version"`
	ParentID      *int64     `json:"parent_id,omitempty"` // the version this one amends

	Evidence []PlanEvidence `json:"evidence"`

	// RequiredSignatures are the bodies that must sign before approval: a
	// joint plan is co-owned (district police, ayil okmotu, ayil kenesh).
	RequiredSignatures []int64         `json:"required_signatures"`
	Signatures         []PlanSignature `json:"signatures"`

	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`

	// TerritoryPath is filled by queries that join the territory; scope
	// checks use it.
	TerritoryPath string `json:"-"`
}

// PlanSignature records that an officer signed a plan version for a body.
type PlanSignature struct {
	BodyID int64     `json:"body_id"`
	UserID int64     `json:"user_id"`
	At     time.Time `json:"at"`
}

// PlanFilter selects plans. Under limits them to a territory path prefix
// (Actor.ScopeUnder); Query matches titles.
type PlanFilter struct {
	ID            *int64
	Under         string
	Kind          *string
	Status        *PlanStatus
	TerritoryCode *string
	ParentID      *int64
	Lineage       *int64 // every version of this plan's lineage: its first version and all amendments of it
	Query         string
	Page          Page
}

// IsPlanKind reports whether s is a plan kind.
func IsPlanKind(s string) bool { return s == PlanNational || s == PlanJoint }

// Valid reports whether s is a plan status.
func (s PlanStatus) Valid() bool { return slices.Contains(PlanStatuses, s) }

// Validate checks a plan's fields; the store checks that the territory and
// bodies exist and that the owner is a coordination body.
func (p *Plan) Validate() error {
	p.Kind = strings.TrimSpace(p.Kind)
	p.TerritoryCode = strings.TrimSpace(p.TerritoryCode)
	p.Title = p.Title.TrimSpace()
	v := Validation{}
	if !IsPlanKind(p.Kind) {
		v.Add("kind", "plan.error.kind")
	}
	requireText(v, "title", p.Title, 500)
	v.requireValid("territory_code", p.TerritoryCode, ValidTerritoryCode(p.TerritoryCode), "error.territory_code")
	v.requireID("owner_body_id", p.OwnerBodyID)
	switch {
	case p.StartYear < ConceptStartYear || p.StartYear > ConceptEndYear:
		v.Add("start_year", "plan.error.year_range")
	case p.EndYear < ConceptStartYear || p.EndYear > ConceptEndYear:
		v.Add("end_year", "plan.error.year_range")
	case p.EndYear < p.StartYear:
		v.Add("end_year", "plan.error.end_before_start")
	case p.Kind == PlanNational && p.EndYear-p.StartYear+1 != NationalPlanYears:
		v.Add("end_year", "plan.error.national_term")
	}
	if p.Status == "" {
		p.Status = PlanDraft
	} else if !p.Status.Valid() {
		v.Add("status", "plan.error.status")
	}
	if p.Version == 0 {
		p.Version = 1
	} else if p.Version < 0 {
		v.Add("version", "error.invalid")
	}
	if p.ParentID != nil && (*p.ParentID <= 0 || *p.ParentID == p.ID) {
		v.Add("parent_id", "error.invalid")
	}
	for i := range p.Evidence {
		e := &p.Evidence[i]
		e.Kind, e.Note = strings.TrimSpace(e.Kind), strings.TrimSpace(e.Note)
		if !slices.Contains(EvidenceKinds, e.Kind) {
			v.Add("evidence", "plan.error.evidence_kind")
		} else if e.Note == "" {
			v.Add("evidence", "plan.error.evidence_note")
		} else if len([]rune(e.Note)) > 2000 {
			v.Add("evidence", "error.too_long")
		}
	}
	if !validIDs(p.RequiredSignatures) {
		v.Add("required_signatures", "error.invalid")
	}
	return v.Err()
}

// CanEdit reports whether the plan's content (fields, measures,
// indicators) may change: only drafts may. The store voids collected
// signatures when a draft's content changes (ClearSignatures).
func (p *Plan) CanEdit() bool { return p.Status == PlanDraft }

// CheckEditable returns the error of an edit of a locked plan.
func (p *Plan) CheckEditable() error {
	if !p.CanEdit() {
		return Errorf(ECONFLICT, "plan.error.locked", "status", string(p.Status))
	}
	return nil
}

// ClearSignatures voids the signatures collected on a draft: what was
// signed is no longer what the plan says.
func (p *Plan) ClearSignatures() { p.Signatures = nil }

// Signed reports whether body has signed the plan.
func (p *Plan) Signed(bodyID int64) bool {
	return slices.ContainsFunc(p.Signatures, func(s PlanSignature) bool { return s.BodyID == bodyID })
}

// MissingSignatures returns the required bodies that have not signed.
func (p *Plan) MissingSignatures() []int64 {
	var out []int64
	for _, id := range p.RequiredSignatures {
		if !p.Signed(id) {
			out = append(out, id)
		}
	}
	return out
}

// Sign records the signature of the actor's body on a draft. An officer
// signs for their own body only, and only bodies required to sign may.
func (p *Plan) Sign(a *Actor, bodyID int64, now time.Time) error {
	if !a.Is(RoleReporter, RoleCoordinator) || a.BodyID != bodyID {
		return Errorf(EFORBIDDEN, "plan.error.sign_forbidden")
	}
	if !p.CanEdit() {
		return Errorf(ECONFLICT, "plan.error.locked", "status", string(p.Status))
	}
	if !slices.Contains(p.RequiredSignatures, bodyID) {
		return Errorf(EINVALID, "plan.error.signatory_not_required", "body_id", bodyID)
	}
	if p.Signed(bodyID) {
		return Errorf(ECONFLICT, "plan.error.already_signed", "body_id", bodyID)
	}
	p.Signatures = append(p.Signatures, PlanSignature{BodyID: bodyID, UserID: a.UserID, At: now})
	p.UpdatedAt = now
	return nil
}

// CanTransition reports whether the lifecycle allows from → to.
func (from PlanStatus) CanTransition(to PlanStatus) bool {
	return slices.Contains(planTransitions[from], to)
}

// Transition moves the plan to status to. Approval requires at least one
// required signatory and every one of their signatures; a plan that amends
// another is approved with Approve, which also supersedes the parent.
func (p *Plan) Transition(to PlanStatus) error {
	if !to.Valid() {
		return Errorf(EINVALID, "plan.error.status", "status", string(to))
	}
	if !p.Status.CanTransition(to) {
		return Errorf(ECONFLICT, "plan.error.illegal_transition", "from", string(p.Status), "to", string(to))
	}
	if to == PlanApproved {
		if len(p.RequiredSignatures) == 0 {
			return Errorf(ECONFLICT, "plan.error.no_signatories")
		}
		if m := p.MissingSignatures(); len(m) > 0 {
			return Errorf(ECONFLICT, "plan.error.signatures_missing", "count", len(m), "body_ids", m)
		}
	}
	p.Status = to
	return nil
}

// Approve approves a draft; when it amends parent, parent becomes
// superseded. parent must be nil for a first version. Nothing changes
// unless both moves are allowed.
func (p *Plan) Approve(parent *Plan, now time.Time) error {
	if p.ParentID != nil {
		if parent == nil || parent.ID != *p.ParentID {
			return Errorf(EINVALID, "plan.error.parent_mismatch")
		}
		if !parent.Status.CanTransition(PlanSuperseded) {
			return Errorf(ECONFLICT, "plan.error.illegal_transition", "from", string(parent.Status), "to", string(PlanSuperseded))
		}
	} else if parent != nil {
		return Errorf(EINVALID, "plan.error.parent_mismatch")
	}
	if err := p.Transition(PlanApproved); err != nil {
		return err
	}
	p.UpdatedAt = now
	if parent != nil {
		parent.Status = PlanSuperseded
		parent.UpdatedAt = now
	}
	return nil
}

// Amend returns a new draft version of an approved plan. The store copies
// its measures and indicators (with new IDs, same codes) and allows one
// open amendment per plan.
func (p *Plan) Amend(now time.Time) (*Plan, error) {
	if p.Status != PlanApproved {
		return nil, Errorf(ECONFLICT, "plan.error.amend_not_approved", "status", string(p.Status))
	}
	parent := p.ID
	n := *p
	n.ID = 0
	n.Status = PlanDraft
	n.Version = p.Version + 1
	n.ParentID = &parent
	n.Evidence = slices.Clone(p.Evidence)
	n.RequiredSignatures = slices.Clone(p.RequiredSignatures)
	n.Signatures = nil
	n.CreatedAt, n.UpdatedAt = now, now
	return &n, nil
}

// CanManagePlan reports whether the actor may create and edit plans of the
// territory with the given path and open or close their reporting cycles:
// coordinators own the plans of their territory.
func (a *Actor) CanManagePlan(territoryPath string) bool {
	return a.Is(RoleCoordinator) && a.Covers(territoryPath)
}

func requireText(v Validation, field string, t Text, maxRunes int) {
	if t.IsZero() {
		v.Add(field, "error.required")
	} else if t.maxLen() > maxRunes {
		v.Add(field, "error.too_long")
	}
}

// validIDs reports whether ids are positive and distinct.
func validIDs(ids []int64) bool {
	for i, id := range ids {
		if id <= 0 || slices.Contains(ids[:i], id) {
			return false
		}
	}
	return true
}

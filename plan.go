package aldyn

import (
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// This file holds monitored plans (§4.4, §6, §7 of the Concept): the
// National Action Plan and local joint plans, their measures, indicators,
// reporting cycles and progress reports, the rules of their lifecycles,
// and the pure computations of the monitoring dashboard.

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
	if p.TerritoryCode == "" {
		v.Add("territory_code", "error.required")
	} else if !ValidTerritoryCode(p.TerritoryCode) {
		v.Add("territory_code", "error.territory_code")
	}
	if p.OwnerBodyID <= 0 {
		v.Add("owner_body_id", "error.required")
	}
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

// Budget sources.
const (
	BudgetRepublican = "republican" // republican budget
	BudgetLocal      = "local"      // local self-government budgets
	BudgetPartners   = "partners"   // development partners, donors, grants
	BudgetOther      = "other"      // other sources not prohibited by law
)

// BudgetSources lists the budget sources in display order.
var BudgetSources = []string{BudgetRepublican, BudgetLocal, BudgetPartners, BudgetOther}

// BudgetLine is an amount from one source, planned for a measure or spent
// on it.
type BudgetLine struct {
	Source    string `json:"source"`
	Funder    string `json:"funder,omitempty"` // e.g. the donor of a small grant; required for partners
	AmountKGS int64  `json:"amount_kgs"`
}

func validateBudget(v Validation, field string, lines []BudgetLine) {
	for i := range lines {
		l := &lines[i]
		l.Source, l.Funder = strings.TrimSpace(l.Source), strings.TrimSpace(l.Funder)
		switch {
		case !slices.Contains(BudgetSources, l.Source):
			v.Add(field, "plan.error.budget_source")
		case l.AmountKGS < 0:
			v.Add(field, "plan.error.budget_negative")
		case l.Source == BudgetPartners && l.Funder == "":
			v.Add(field, "plan.error.budget_funder")
		case len([]rune(l.Funder)) > 300:
			v.Add(field, "error.too_long")
		}
	}
}

func budgetTotal(lines []BudgetLine) int64 {
	var n int64
	for _, l := range lines {
		n += l.AmountKGS
	}
	return n
}

// Measure is an activity of a plan, traced to a task of the Concept where
// it implements one.
type Measure struct {
	ID                int64        `json:"id"`
	PlanID            int64        `json:"plan_id"`
	Code              string       `json:"code"`           // "1.2"; unique within a plan version, kept across versions
	ComponentCode     string       `json:"component_code"` // "4.3", "5.1"; empty when not traced
	TaskCode          string       `json:"task_code"`      // "4.3.1"; empty when not traced to a task
	Title             Text         `json:"title"`
	Description       Text         `json:"description"`
	ResponsibleBodyID int64        `json:"responsible_body_id"`
	CoExecutorIDs     []int64      `json:"co_executor_ids"`
	Start             time.Time    `json:"start"` // a date: the first day
	Due               time.Time    `json:"due"`   // a date: the last day
	Budget            []BudgetLine `json:"budget"`
	ExpectedResult    Text         `json:"expected_result"`
	IndicatorIDs      []int64      `json:"indicator_ids"`
	Cancelled         bool         `json:"cancelled"`
	CreatedAt         time.Time    `json:"created_at"`
	UpdatedAt         time.Time    `json:"updated_at"`
}

var codeRe = regexp.MustCompile(`^[0-9]{1,3}(\.[0-9]{1,3}){0,3}$`)

// BudgetTotal is the planned amount from all sources.
func (m *Measure) BudgetTotal() int64 { return budgetTotal(m.Budget) }

// Validate checks a measure's fields. With p, its dates must lie within
// the plan's years; with c, its component and task must be the Concept's
// and the task must belong to the component.
func (m *Measure) Validate(p *Plan, c *Concept) error {
	m.Code = strings.TrimSpace(m.Code)
	m.ComponentCode, m.TaskCode = strings.TrimSpace(m.ComponentCode), strings.TrimSpace(m.TaskCode)
	m.Title, m.Description, m.ExpectedResult = m.Title.TrimSpace(), m.Description.TrimSpace(), m.ExpectedResult.TrimSpace()
	v := Validation{}
	if m.Code == "" {
		v.Add("code", "error.required")
	} else if !codeRe.MatchString(m.Code) {
		v.Add("code", "plan.error.code")
	}
	switch {
	case m.TaskCode != "" && m.ComponentCode == "":
		v.Add("component_code", "error.required")
	case c == nil:
	case m.ComponentCode != "" && c.Component(m.ComponentCode) == nil:
		v.Add("component_code", "plan.error.component")
	case m.TaskCode != "" && !c.HasTask(m.ComponentCode, m.TaskCode):
		v.Add("task_code", "plan.error.task_component")
	}
	requireText(v, "title", m.Title, 1000)
	if m.Description.maxLen() > 10000 {
		v.Add("description", "error.too_long")
	}
	if m.ExpectedResult.maxLen() > 2000 {
		v.Add("expected_result", "error.too_long")
	}
	if m.ResponsibleBodyID <= 0 {
		v.Add("responsible_body_id", "error.required")
	}
	if !validIDs(m.CoExecutorIDs) || slices.Contains(m.CoExecutorIDs, m.ResponsibleBodyID) {
		v.Add("co_executor_ids", "error.invalid")
	}
	switch {
	case m.Start.IsZero():
		v.Add("start", "error.required")
	case m.Due.IsZero():
		v.Add("due", "error.required")
	case m.Due.Before(m.Start):
		v.Add("due", "plan.error.due_before_start")
	case p != nil && (m.Start.Year() < p.StartYear || m.Start.Year() > p.EndYear):
		v.Add("start", "plan.error.outside_plan")
	case p != nil && (m.Due.Year() < p.StartYear || m.Due.Year() > p.EndYear):
		v.Add("due", "plan.error.outside_plan")
	}
	validateBudget(v, "budget", m.Budget)
	if !validIDs(m.IndicatorIDs) {
		v.Add("indicator_ids", "error.invalid")
	}
	return v.Err()
}

// Indicator kinds.
const (
	IndicatorNumber  = "number"
	IndicatorPercent = "percent"
	IndicatorRate    = "rate_per_100k" // Numerator per 100,000 of Denominator
)

// Indicator sources: entered by reporters, or computed from the offense
// registers.
const (
	IndicatorManual   = "manual"
	IndicatorOffenses = "offenses"
)

// Indicator disaggregations.
const (
	DisaggregationNone      = "none"
	DisaggregationTerritory = "territory"
)

// Frequencies of indicator values and their period labels.
const (
	FrequencyMonthly   = "monthly"   // "2024-05"
	FrequencyQuarterly = "quarterly" // "2024-Q2"
	FrequencyAnnual    = "annual"    // "2024"
)

// DenominatorPopulation is the denominator of rates per resident.
const DenominatorPopulation = "population"

// Indicator measures the achievement of a plan's results (§6, §7): a
// baseline, yearly targets and a means of verification.
type Indicator struct {
	ID              int64             `json:"id"`
	PlanID          int64             `json:"plan_id"`
	Code            string            `json:"code"`
	Name            Text              `json:"name"`
	Unit            string            `json:"unit"`
	HigherIsBetter  bool              `json:"higher_is_better"`
	Kind            string            `json:"kind"`
	Numerator       string            `json:"numerator,omitempty"`   // "offenses:theft" for computed ones
	Denominator     string            `json:"denominator,omitempty"` // "population" for rates
	Source          string            `json:"source"`
	OffenseCategory string            `json:"offense_category,omitempty"` // for Source offenses
	Disaggregation  string            `json:"disaggregation"`
	Verification    Text              `json:"verification"`
	Frequency       string            `json:"frequency"`
	BaselineValue   float64           `json:"baseline_value"`
	BaselineYear    int               `json:"baseline_year"`
	Targets         []IndicatorTarget `json:"targets"`
	CreatedAt       time.Time         `json:"created_at"`
	UpdatedAt       time.Time         `json:"updated_at"`
}

// IndicatorTarget is the value an indicator should reach by the end of a year.
type IndicatorTarget struct {
	Year  int     `json:"year"`
	Value float64 `json:"value"`
}

// IndicatorValue is an observed value of an indicator for a period
// (see the Frequency constants) and a territory; TerritoryCode is empty or
// the plan's territory for the plan-wide value.
type IndicatorValue struct {
	IndicatorID   int64   `json:"indicator_id"`
	Period        string  `json:"period"`
	TerritoryCode string  `json:"territory_code,omitempty"`
	Value         float64 `json:"value"`
}

// Validate checks an indicator's fields. Computed indicators get their
// Numerator (and, for rates, Denominator) set from the category.
func (ind *Indicator) Validate() error {
	ind.Code, ind.Unit = strings.TrimSpace(ind.Code), strings.TrimSpace(ind.Unit)
	ind.Name, ind.Verification = ind.Name.TrimSpace(), ind.Verification.TrimSpace()
	ind.Numerator, ind.Denominator = strings.TrimSpace(ind.Numerator), strings.TrimSpace(ind.Denominator)
	if ind.Disaggregation == "" {
		ind.Disaggregation = DisaggregationNone
	}
	v := Validation{}
	if ind.Code == "" {
		v.Add("code", "error.required")
	} else if !codeRe.MatchString(ind.Code) {
		v.Add("code", "plan.error.code")
	}
	requireText(v, "name", ind.Name, 1000)
	if len([]rune(ind.Unit)) > 50 {
		v.Add("unit", "error.too_long")
	}
	if !slices.Contains([]string{IndicatorNumber, IndicatorPercent, IndicatorRate}, ind.Kind) {
		v.Add("kind", "indicator.error.kind")
	}
	switch ind.Source {
	case IndicatorManual:
		if ind.OffenseCategory != "" {
			v.Add("offense_category", "indicator.error.category_manual")
		}
	case IndicatorOffenses:
		switch {
		case !slices.Contains(OffenseCategories, ind.OffenseCategory):
			v.Add("offense_category", "indicator.error.category")
		case ind.Kind == IndicatorPercent:
			v.Add("kind", "indicator.error.computed_kind")
		default:
			ind.Numerator = "offenses:" + ind.OffenseCategory
			if ind.Kind == IndicatorRate {
				ind.Denominator = DenominatorPopulation
			}
		}
	default:
		v.Add("source", "indicator.error.source")
	}
	if ind.Kind == IndicatorRate && ind.Denominator == "" {
		v.Add("denominator", "error.required")
	}
	if !slices.Contains([]string{DisaggregationNone, DisaggregationTerritory}, ind.Disaggregation) {
		v.Add("disaggregation", "indicator.error.disaggregation")
	}
	requireText(v, "verification", ind.Verification, 2000)
	if !slices.Contains([]string{FrequencyMonthly, FrequencyQuarterly, FrequencyAnnual}, ind.Frequency) {
		v.Add("frequency", "indicator.error.frequency")
	}
	badValue := func(x float64) bool {
		return math.IsNaN(x) || math.IsInf(x, 0) || x < 0 || (ind.Kind == IndicatorPercent && x > 100)
	}
	if badValue(ind.BaselineValue) {
		v.Add("baseline_value", "indicator.error.value")
	}
	// The baseline may predate the Concept (e.g. the 2019 survey) but
	// not the records the platform holds.
	if ind.BaselineYear < 2010 || ind.BaselineYear > ConceptEndYear {
		v.Add("baseline_year", "indicator.error.baseline_year")
	}
	if len(ind.Targets) == 0 {
		v.Add("targets", "error.required")
	}
	slices.SortFunc(ind.Targets, func(a, b IndicatorTarget) int { return a.Year - b.Year })
	for i, t := range ind.Targets {
		switch {
		case t.Year <= ind.BaselineYear || t.Year > ConceptEndYear:
			v.Add("targets", "indicator.error.target_year")
		case i > 0 && ind.Targets[i-1].Year == t.Year:
			v.Add("targets", "indicator.error.target_duplicate")
		case badValue(t.Value):
			v.Add("targets", "indicator.error.value")
		}
	}
	return v.Err()
}

// ValidateValue checks a value observed for the indicator.
func (ind *Indicator) ValidateValue(x *IndicatorValue) error {
	x.Period, x.TerritoryCode = strings.TrimSpace(x.Period), strings.TrimSpace(x.TerritoryCode)
	v := Validation{}
	if x.IndicatorID != ind.ID {
		v.Add("indicator_id", "error.invalid")
	}
	if !ValidPeriod(ind.Frequency, x.Period) {
		v.Add("period", "indicator.error.period")
	}
	if x.TerritoryCode != "" && !ValidTerritoryCode(x.TerritoryCode) {
		v.Add("territory_code", "error.territory_code")
	}
	if math.IsNaN(x.Value) || math.IsInf(x.Value, 0) || x.Value < 0 || (ind.Kind == IndicatorPercent && x.Value > 100) {
		v.Add("value", "indicator.error.value")
	}
	return v.Err()
}

// TargetFor returns the target an indicator is measured against in year:
// that year's target, else the last one before it (the plan's period is
// over), else the first one after it (the first target year is ahead).
func (ind *Indicator) TargetFor(year int) (IndicatorTarget, bool) {
	var before, after *IndicatorTarget
	for i := range ind.Targets {
		t := &ind.Targets[i]
		switch {
		case t.Year == year:
			return *t, true
		case t.Year < year && (before == nil || t.Year > before.Year):
			before = t
		case t.Year > year && (after == nil || t.Year < after.Year):
			after = t
		}
	}
	if before != nil {
		return *before, true
	}
	if after != nil {
		return *after, true
	}
	return IndicatorTarget{}, false
}

// ValidPeriod reports whether period is a label of the frequency:
// "2024", "2024-Q2" or "2024-05".
func ValidPeriod(frequency, period string) bool {
	if _, ok := PeriodEnd(period); !ok {
		return false
	}
	switch frequency {
	case FrequencyAnnual:
		return len(period) == 4
	case FrequencyQuarterly:
		return len(period) == 7 && period[5] == 'Q'
	case FrequencyMonthly:
		return len(period) == 7 && period[5] != 'Q'
	}
	return false
}

// PeriodEnd returns the first instant (UTC) after a period label
// "2024", "2024-Q2" or "2024-05".
func PeriodEnd(period string) (time.Time, bool) {
	if len(period) < 4 {
		return time.Time{}, false
	}
	y, err := strconv.Atoi(period[:4])
	if err != nil || y < 1900 || y > 2200 {
		return time.Time{}, false
	}
	switch {
	case len(period) == 4:
		return time.Date(y+1, 1, 1, 0, 0, 0, 0, time.UTC), true
	case len(period) == 7 && period[4] == '-' && period[5] == 'Q' && period[6] >= '1' && period[6] <= '4':
		q := int(period[6] - '0')
		return time.Date(y, time.Month(3*q+1), 1, 0, 0, 0, 0, time.UTC), true
	case len(period) == 7 && period[4] == '-':
		m, err := strconv.Atoi(period[5:])
		if err != nil || m < 1 || m > 12 || period[5] == '+' || period[5] == '-' {
			return time.Time{}, false
		}
		return time.Date(y, time.Month(m+1), 1, 0, 0, 0, 0, time.UTC), true
	}
	return time.Time{}, false
}

// MaxProgress caps Progress so that one overachieved indicator does not
// dominate averages and charts.
const MaxProgress = 2.0

// Progress is the share of the way from baseline to target that actual
// has covered: 0 at the baseline, 1 at the target, clamped to
// [0, MaxProgress]. It works for targets above and below the baseline;
// higherIsBetter decides only when target equals baseline (keep the
// level): 1 if actual is at least as good, else 0.
func Progress(baseline, target, actual float64, higherIsBetter bool) float64 {
	if math.IsNaN(baseline) || math.IsNaN(target) || math.IsNaN(actual) {
		return 0
	}
	if target == baseline {
		if (higherIsBetter && actual >= target) || (!higherIsBetter && actual <= target) {
			return 1
		}
		return 0
	}
	p := (actual - baseline) / (target - baseline)
	return min(max(p, 0), MaxProgress)
}

// Indicator progress states, the colours of the dashboard.
const (
	IndicatorOnTrack  = "on_track"  // green
	IndicatorAtRisk   = "at_risk"   // amber
	IndicatorOffTrack = "off_track" // red
	IndicatorNoData   = "no_data"   // grey: no value observed yet
)

// Tolerances of IndicatorState, in shares of the baseline–target distance.
const (
	indicatorOnTrackGap = 0.10
	indicatorAtRiskGap  = 0.25
)

// ExpectedShare is the share of the way from baseline to target an
// indicator should have covered by at: time runs from the end of the
// baseline year to the end of the target year.
func ExpectedShare(baselineYear, targetYear int, at time.Time) float64 {
	from := time.Date(baselineYear+1, 1, 1, 0, 0, 0, 0, time.UTC)
	to := time.Date(targetYear+1, 1, 1, 0, 0, 0, 0, time.UTC)
	if !to.After(from) {
		return 1
	}
	return min(max(float64(at.Sub(from))/float64(to.Sub(from)), 0), 1)
}

// IndicatorState compares progress with the expected share: on track when
// it lags by at most 10 points, at risk by at most 25, off track beyond.
func IndicatorState(progress, expected float64) string {
	switch gap := expected - progress; {
	case gap <= indicatorOnTrackGap:
		return IndicatorOnTrack
	case gap <= indicatorAtRiskGap:
		return IndicatorAtRisk
	}
	return IndicatorOffTrack
}

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

// Validate checks a cycle's fields.
func (c *ReportingCycle) Validate() error {
	c.Period = strings.TrimSpace(c.Period)
	v := Validation{}
	if c.Period == "" {
		v.Add("period", "error.required")
	} else if len([]rune(c.Period)) > 50 {
		v.Add("period", "error.too_long")
	}
	switch {
	case c.From.IsZero():
		v.Add("from", "error.required")
	case c.To.IsZero():
		v.Add("to", "error.required")
	case c.To.Before(c.From):
		v.Add("to", "cycle.error.to_before_from")
	case c.Deadline.IsZero():
		v.Add("deadline", "error.required")
	case c.Deadline.Before(c.From):
		v.Add("deadline", "cycle.error.deadline")
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

// Validate checks the fields a reporter fills in.
func (r *Report) Validate() error {
	r.Narrative, r.Comment = strings.TrimSpace(r.Narrative), strings.TrimSpace(r.Comment)
	v := Validation{}
	if r.CycleID <= 0 {
		v.Add("cycle_id", "error.required")
	}
	if r.MeasureID <= 0 {
		v.Add("measure_id", "error.required")
	}
	if r.BodyID <= 0 {
		v.Add("body_id", "error.required")
	}
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

// MeasureState is the derived implementation status of a measure.
type MeasureState string

// Measure states.
const (
	MeasureNotStarted MeasureState = "not_started"
	MeasureOnTrack    MeasureState = "on_track"
	MeasureAtRisk     MeasureState = "at_risk"
	MeasureOverdue    MeasureState = "overdue"
	MeasureDone       MeasureState = "done"
	MeasureCancelled  MeasureState = "cancelled"
)

// MeasureStates lists the states in display order.
var MeasureStates = []MeasureState{MeasureNotStarted, MeasureOnTrack, MeasureAtRisk, MeasureOverdue, MeasureDone, MeasureCancelled}

// Thresholds of MeasureStatus.
const (
	atRiskLagPoints     = 25 // elapsed-time share ahead of progress, in points
	atRiskDueWithin     = 30 * 24 * time.Hour
	atRiskDueProgress   = 75  // progress below which a close due date is a risk
	MeasureDoneProgress = 100 // accepted progress that makes a measure done
)

// MeasureStatus derives a measure's status at now from its latest
// accepted report (nil when none; reports not accepted are ignored).
// Start and Due are dates: the measure runs from the start of Start to the
// end of Due. The first rule that applies wins:
//
//  1. cancelled: the measure is cancelled;
//  2. done: the accepted progress is 100 %;
//  3. overdue: Due has passed;
//  4. not_started: Start has not come;
//  5. at_risk: the share of the Start–Due time elapsed exceeds the
//     accepted progress by more than 25 points, or Due is within 30 days
//     and progress is below 75 %;
//  6. not_started: no progress has been accepted yet;
//  7. on_track otherwise.
func MeasureStatus(m *Measure, latestAccepted *Report, now time.Time) MeasureState {
	progress := 0
	if latestAccepted != nil && latestAccepted.Status == ReportAccepted {
		progress = latestAccepted.Progress
	}
	start, end := dayStart(m.Start), dayEnd(m.Due)
	switch {
	case m.Cancelled:
		return MeasureCancelled
	case progress >= MeasureDoneProgress:
		return MeasureDone
	case !now.Before(end):
		return MeasureOverdue
	case now.Before(start):
		return MeasureNotStarted
	}
	elapsed := 100 * float64(now.Sub(start)) / float64(end.Sub(start))
	if elapsed-float64(progress) > atRiskLagPoints || (end.Sub(now) <= atRiskDueWithin && progress < atRiskDueProgress) {
		return MeasureAtRisk
	}
	if progress == 0 {
		return MeasureNotStarted
	}
	return MeasureOnTrack
}

func dayStart(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, t.Location())
}

func dayEnd(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d+1, 0, 0, 0, 0, t.Location())
}

// StatusCounts counts measures by state.
type StatusCounts struct {
	Total      int `json:"total"`
	NotStarted int `json:"not_started"`
	OnTrack    int `json:"on_track"`
	AtRisk     int `json:"at_risk"`
	Overdue    int `json:"overdue"`
	Done       int `json:"done"`
	Cancelled  int `json:"cancelled"`
	// DoneOnTime are done measures whose first accepted 100 % report is for
	// a cycle that began no later than Due.
	DoneOnTime int `json:"done_on_time"`
}

func (c *StatusCounts) add(s MeasureState) {
	c.Total++
	switch s {
	case MeasureNotStarted:
		c.NotStarted++
	case MeasureOnTrack:
		c.OnTrack++
	case MeasureAtRisk:
		c.AtRisk++
	case MeasureOverdue:
		c.Overdue++
	case MeasureDone:
		c.Done++
	case MeasureCancelled:
		c.Cancelled++
	}
}

// Add adds the counts of o, for totals over several plans.
func (c *StatusCounts) Add(o StatusCounts) {
	c.Total += o.Total
	c.NotStarted += o.NotStarted
	c.OnTrack += o.OnTrack
	c.AtRisk += o.AtRisk
	c.Overdue += o.Overdue
	c.Done += o.Done
	c.Cancelled += o.Cancelled
	c.DoneOnTime += o.DoneOnTime
}

// State is the state of the one measure whose counts c are.
func (c StatusCounts) State() MeasureState {
	switch {
	case c.Cancelled > 0:
		return MeasureCancelled
	case c.Done > 0:
		return MeasureDone
	case c.Overdue > 0:
		return MeasureOverdue
	case c.AtRisk > 0:
		return MeasureAtRisk
	case c.OnTrack > 0:
		return MeasureOnTrack
	}
	return MeasureNotStarted
}

// LatestAccepted picks, of one measure's reports, the one its status rests
// on by ComputeDashboard's rule: the latest accepted by the end of its
// cycle, then by decision time.
func LatestAccepted(reports []Report, cycles map[int64]*ReportingCycle) *Report {
	var best *Report
	var bestTo time.Time
	for i := range reports {
		r := &reports[i]
		if r.Status != ReportAccepted {
			continue
		}
		var to time.Time
		if c := cycles[r.CycleID]; c != nil {
			to = c.To
		} else if r.SubmittedAt != nil {
			to = *r.SubmittedAt
		}
		if best == nil || to.After(bestTo) || to.Equal(bestTo) && laterDecision(r, best) {
			best, bestTo = r, to
		}
	}
	return best
}

// StatusShares are StatusCounts as shares (0–1) of the total; DoneOnTime
// is a share of the measures not cancelled.
type StatusShares struct {
	NotStarted float64 `json:"not_started"`
	OnTrack    float64 `json:"on_track"`
	AtRisk     float64 `json:"at_risk"`
	Overdue    float64 `json:"overdue"`
	Done       float64 `json:"done"`
	Cancelled  float64 `json:"cancelled"`
	DoneOnTime float64 `json:"done_on_time"`
}

// Shares returns the counts as shares.
func (c StatusCounts) Shares() StatusShares {
	share := func(n, of int) float64 {
		if of == 0 {
			return 0
		}
		return float64(n) / float64(of)
	}
	return StatusShares{
		NotStarted: share(c.NotStarted, c.Total), OnTrack: share(c.OnTrack, c.Total), AtRisk: share(c.AtRisk, c.Total),
		Overdue: share(c.Overdue, c.Total), Done: share(c.Done, c.Total), Cancelled: share(c.Cancelled, c.Total),
		DoneOnTime: share(c.DoneOnTime, c.Total-c.Cancelled),
	}
}

// SourceBudget is the planned and spent amounts of one budget source.
type SourceBudget struct {
	Source     string `json:"source"`
	PlannedKGS int64  `json:"planned_kgs"`
	SpentKGS   int64  `json:"spent_kgs"`
}

// BudgetSummary compares planned with spent amounts. Planned counts the
// measures not cancelled; Spent counts accepted reports of all measures.
type BudgetSummary struct {
	Sources    []SourceBudget `json:"sources"` // in BudgetSources order
	PlannedKGS int64          `json:"planned_kgs"`
	SpentKGS   int64          `json:"spent_kgs"`
	SpentShare float64        `json:"spent_share"` // spent / planned; 0 when nothing is planned
}

// GroupSummary is the breakdown of the measures of one Concept component
// (ComponentCode, "" for measures not traced) or one responsible body.
type GroupSummary struct {
	ComponentCode string       `json:"component_code,omitempty"`
	BodyID        int64        `json:"body_id,omitempty"`
	Measures      StatusCounts `json:"measures"`
	PlannedKGS    int64        `json:"planned_kgs"`
	SpentKGS      int64        `json:"spent_kgs"`
}

// IndicatorProgress is an indicator's way from baseline to target.
type IndicatorProgress struct {
	IndicatorID    int64    `json:"indicator_id"`
	Code           string   `json:"code"`
	Name           Text     `json:"name"`
	Unit           string   `json:"unit"`
	HigherIsBetter bool     `json:"higher_is_better"`
	BaselineValue  float64  `json:"baseline_value"`
	BaselineYear   int      `json:"baseline_year"`
	TargetValue    *float64 `json:"target_value,omitempty"`
	TargetYear     int      `json:"target_year,omitempty"`
	ActualValue    *float64 `json:"actual_value,omitempty"`
	ActualPeriod   string   `json:"actual_period,omitempty"`
	Progress       *float64 `json:"progress,omitempty"` // see Progress
	Expected       *float64 `json:"expected,omitempty"` // see ExpectedShare, at the end of ActualPeriod
	State          string   `json:"state"`              // IndicatorOnTrack …
}

// IndicatorCounts counts indicators by state.
type IndicatorCounts struct {
	Total    int `json:"total"`
	OnTrack  int `json:"on_track"`
	AtRisk   int `json:"at_risk"`
	OffTrack int `json:"off_track"`
	NoData   int `json:"no_data"`
}

// BodyReporting is one body's reporting in a cycle.
type BodyReporting struct {
	BodyID    int64 `json:"body_id"`
	Expected  int   `json:"expected"`  // measures of the body running during the cycle, less those done in an earlier cycle
	Submitted int   `json:"submitted"` // reports submitted at least once
	Accepted  int   `json:"accepted"`
	Returned  int   `json:"returned"` // awaiting resubmission
	OnTime    int   `json:"on_time"`  // first submitted by the deadline
	Late      int   `json:"late"`     // first submitted after the deadline
	Missing   int   `json:"missing"`  // not submitted, deadline passed
	Pending   int   `json:"pending"`  // not submitted, deadline not yet passed
}

func (b *BodyReporting) addTo(t *BodyReporting) {
	t.Expected += b.Expected
	t.Submitted += b.Submitted
	t.Accepted += b.Accepted
	t.Returned += b.Returned
	t.OnTime += b.OnTime
	t.Late += b.Late
	t.Missing += b.Missing
	t.Pending += b.Pending
}

// CycleSummary is the completeness of reporting in the latest cycle.
type CycleSummary struct {
	CycleID  int64           `json:"cycle_id"`
	Period   string          `json:"period"`
	Deadline time.Time       `json:"deadline"`
	Totals   BodyReporting   `json:"totals"` // BodyID 0
	Bodies   []BodyReporting `json:"bodies"` // by body id
}

// Dashboard is the monitoring summary of a plan at a moment.
type Dashboard struct {
	PlanID          int64               `json:"plan_id"`
	At              time.Time           `json:"at"`
	Measures        StatusCounts        `json:"measures"`
	Shares          StatusShares        `json:"shares"`
	Budget          BudgetSummary       `json:"budget"`
	Components      []GroupSummary      `json:"components"` // by component code, untraced ("") first
	Bodies          []GroupSummary      `json:"bodies"`     // by responsible body id
	Indicators      []IndicatorProgress `json:"indicators"` // in the order given
	IndicatorCounts IndicatorCounts     `json:"indicator_counts"`
	Cycle           *CycleSummary       `json:"cycle,omitempty"` // the latest cycle begun by At; nil if none
}

// ComputeDashboard summarises a plan at now. It takes the plan's measures,
// indicators and cycles, the current version of every report on its
// measures (one per cycle and measure), and the observed indicator values
// (from accepted reports and computed sources). Reports and values of
// other measures and indicators are ignored. It runs in time linear in
// the input.
//
// A measure's status uses its latest accepted report (by cycle end, then
// decision time); it is done on time when its first accepted 100 % report
// is for a cycle that began by the end of Due. Spending sums the Spent of
// accepted reports. An indicator's actual value is its latest period's
// plan-wide value (empty territory or the plan's), later values of the same
// period winning. The reporting summary is for the cycle with the latest
// From not after now.
func ComputeDashboard(plan *Plan, measures []Measure, indicators []Indicator, values []IndicatorValue,
	reports []Report, cycles []ReportingCycle, now time.Time) Dashboard {
	d := Dashboard{PlanID: plan.ID, At: now}

	cycleByID := make(map[int64]*ReportingCycle, len(cycles))
	var latest *ReportingCycle
	for i := range cycles {
		c := &cycles[i]
		cycleByID[c.ID] = c
		if !c.From.After(now) && (latest == nil || c.From.After(latest.From)) {
			latest = c
		}
	}

	// Per measure: latest accepted report, first accepted 100 % report,
	// spending, and the report of the latest cycle.
	acc := make(map[int64]*measureAcc, len(measures))
	accs := make([]measureAcc, len(measures))
	for i := range measures {
		accs[i].m = &measures[i]
		acc[measures[i].ID] = &accs[i]
	}
	for i := range reports {
		r := &reports[i]
		a := acc[r.MeasureID]
		if a == nil {
			continue
		}
		c := cycleByID[r.CycleID]
		if latest != nil && r.CycleID == latest.ID {
			a.current = r
		}
		if r.Status != ReportAccepted {
			continue
		}
		for _, l := range r.Spent {
			if k := slices.Index(BudgetSources, l.Source); k >= 0 {
				a.spent[k] += l.AmountKGS
			}
		}
		var cFrom, cTo time.Time
		if c != nil {
			cFrom, cTo = c.From, c.To
		} else if r.SubmittedAt != nil {
			cFrom, cTo = *r.SubmittedAt, *r.SubmittedAt
		}
		if a.accepted == nil || cTo.After(a.acceptedTo) || (cTo.Equal(a.acceptedTo) && laterDecision(r, a.accepted)) {
			a.accepted, a.acceptedTo = r, cTo
		}
		if r.Progress >= MeasureDoneProgress && (a.done == nil || cFrom.Before(a.doneFrom)) {
			a.done, a.doneFrom = r, cFrom
		}
	}

	byComponent := map[string]*GroupSummary{}
	byBody := map[int64]*GroupSummary{}
	var planned, spent [4]int64
	for i := range accs {
		a := &accs[i]
		m := a.m
		st := MeasureStatus(m, a.accepted, now)
		onTime := st == MeasureDone && a.done != nil && a.doneFrom.Before(dayEnd(m.Due))
		var mPlanned, mSpent int64
		if !m.Cancelled {
			for _, l := range m.Budget {
				if k := slices.Index(BudgetSources, l.Source); k >= 0 {
					planned[k] += l.AmountKGS
					mPlanned += l.AmountKGS
				}
			}
		}
		for k, x := range a.spent {
			spent[k] += x
			mSpent += x
		}
		g := byComponent[m.ComponentCode]
		if g == nil {
			g = &GroupSummary{ComponentCode: m.ComponentCode}
			byComponent[m.ComponentCode] = g
		}
		b := byBody[m.ResponsibleBodyID]
		if b == nil {
			b = &GroupSummary{BodyID: m.ResponsibleBodyID}
			byBody[m.ResponsibleBodyID] = b
		}
		for _, c := range []*StatusCounts{&d.Measures, &g.Measures, &b.Measures} {
			c.add(st)
			if onTime {
				c.DoneOnTime++
			}
		}
		g.PlannedKGS += mPlanned
		g.SpentKGS += mSpent
		b.PlannedKGS += mPlanned
		b.SpentKGS += mSpent
	}
	d.Shares = d.Measures.Shares()

	d.Budget.Sources = make([]SourceBudget, len(BudgetSources))
	for k, s := range BudgetSources {
		d.Budget.Sources[k] = SourceBudget{Source: s, PlannedKGS: planned[k], SpentKGS: spent[k]}
		d.Budget.PlannedKGS += planned[k]
		d.Budget.SpentKGS += spent[k]
	}
	if d.Budget.PlannedKGS > 0 {
		d.Budget.SpentShare = float64(d.Budget.SpentKGS) / float64(d.Budget.PlannedKGS)
	}

	d.Components = make([]GroupSummary, 0, len(byComponent))
	for _, g := range byComponent {
		d.Components = append(d.Components, *g)
	}
	slices.SortFunc(d.Components, func(a, b GroupSummary) int { return CompareCodes(a.ComponentCode, b.ComponentCode) })
	d.Bodies = make([]GroupSummary, 0, len(byBody))
	for _, g := range byBody {
		d.Bodies = append(d.Bodies, *g)
	}
	slices.SortFunc(d.Bodies, func(a, b GroupSummary) int { return cmpInt64(a.BodyID, b.BodyID) })

	d.Indicators, d.IndicatorCounts = indicatorProgress(plan, indicators, values, now)
	if latest != nil {
		d.Cycle = cycleSummary(latest, accs, now)
	}
	return d
}

// measureAcc gathers what ComputeDashboard needs of one measure's reports.
type measureAcc struct {
	m          *Measure
	accepted   *Report   // latest accepted
	acceptedTo time.Time // end of its cycle
	done       *Report   // first accepted with 100 %
	doneFrom   time.Time // start of its cycle
	spent      [4]int64  // by BudgetSources index
	current    *Report   // in the latest cycle
}

func laterDecision(r, than *Report) bool {
	return r.DecidedAt != nil && (than.DecidedAt == nil || r.DecidedAt.After(*than.DecidedAt))
}

func indicatorProgress(plan *Plan, indicators []Indicator, values []IndicatorValue, now time.Time) ([]IndicatorProgress, IndicatorCounts) {
	type latestValue struct {
		end   time.Time
		value IndicatorValue
		ok    bool
	}
	idx := make(map[int64]int, len(indicators))
	for i := range indicators {
		idx[indicators[i].ID] = i
	}
	latest := make([]latestValue, len(indicators))
	for _, x := range values {
		i, ok := idx[x.IndicatorID]
		if !ok || (x.TerritoryCode != "" && x.TerritoryCode != plan.TerritoryCode) {
			continue
		}
		end, ok := PeriodEnd(x.Period)
		if !ok {
			continue
		}
		// Later values of the same period replace earlier ones.
		if l := &latest[i]; !l.ok || !end.Before(l.end) {
			*l = latestValue{end: end, value: x, ok: true}
		}
	}
	out := make([]IndicatorProgress, len(indicators))
	var counts IndicatorCounts
	for i := range indicators {
		ind := &indicators[i]
		p := IndicatorProgress{
			IndicatorID: ind.ID, Code: ind.Code, Name: ind.Name, Unit: ind.Unit, HigherIsBetter: ind.HigherIsBetter,
			BaselineValue: ind.BaselineValue, BaselineYear: ind.BaselineYear, State: IndicatorNoData,
		}
		t, hasTarget := ind.TargetFor(now.Year())
		if hasTarget {
			p.TargetValue, p.TargetYear = &t.Value, t.Year
		}
		if l := latest[i]; l.ok {
			v := l.value.Value
			p.ActualValue, p.ActualPeriod = &v, l.value.Period
			if hasTarget {
				prog := Progress(ind.BaselineValue, t.Value, v, ind.HigherIsBetter)
				exp := ExpectedShare(ind.BaselineYear, t.Year, l.end)
				p.Progress, p.Expected = &prog, &exp
				p.State = IndicatorState(prog, exp)
			}
		}
		counts.Total++
		switch p.State {
		case IndicatorOnTrack:
			counts.OnTrack++
		case IndicatorAtRisk:
			counts.AtRisk++
		case IndicatorOffTrack:
			counts.OffTrack++
		default:
			counts.NoData++
		}
		out[i] = p
	}
	return out, counts
}

func cycleSummary(c *ReportingCycle, accs []measureAcc, now time.Time) *CycleSummary {
	s := &CycleSummary{CycleID: c.ID, Period: c.Period, Deadline: c.Deadline}
	byBody := map[int64]*BodyReporting{}
	deadlinePassed := now.After(c.Deadline)
	for i := range accs {
		a := &accs[i]
		// Measures completed in an earlier cycle need no more reports.
		if !c.Covers(a.m) || (a.done != nil && a.doneFrom.Before(c.From)) {
			continue
		}
		b := byBody[a.m.ResponsibleBodyID]
		if b == nil {
			b = &BodyReporting{BodyID: a.m.ResponsibleBodyID}
			byBody[a.m.ResponsibleBodyID] = b
		}
		b.Expected++
		r := a.current
		switch {
		case r == nil || r.Status == ReportDraft || r.firstSubmitted() == nil:
			if deadlinePassed {
				b.Missing++
			} else {
				b.Pending++
			}
			continue
		case r.IsLate(c):
			b.Late++
		default:
			b.OnTime++
		}
		b.Submitted++
		switch r.Status {
		case ReportAccepted:
			b.Accepted++
		case ReportReturned:
			b.Returned++
		}
	}
	s.Bodies = make([]BodyReporting, 0, len(byBody))
	for _, b := range byBody {
		s.Bodies = append(s.Bodies, *b)
		b.addTo(&s.Totals)
	}
	slices.SortFunc(s.Bodies, func(a, b BodyReporting) int { return cmpInt64(a.BodyID, b.BodyID) })
	return s
}

// Kinds of MeasureChange.
const (
	ChangeAdded   = "added"
	ChangeRemoved = "removed"
	ChangeChanged = "changed"
)

// MeasureChange is a difference of one measure between two plan versions.
type MeasureChange struct {
	Code   string   `json:"code"`
	Kind   string   `json:"kind"`             // ChangeAdded, ChangeRemoved, ChangeChanged
	Fields []string `json:"fields,omitempty"` // JSON names of the changed fields
	Old    *Measure `json:"old,omitempty"`
	New    *Measure `json:"new,omitempty"`
}

// DiffPlans compares the measures of two versions of a plan, matching
// them by Code, and returns the changes ordered by code. Identifiers and
// timestamps are not compared, nor are IndicatorIDs, which change when a
// version's indicators are copied; co-executors and budget lines are
// compared regardless of order, dates by day.
func DiffPlans(old, new []Measure) []MeasureChange {
	byCode := make(map[string]*Measure, len(old))
	for i := range old {
		byCode[old[i].Code] = &old[i]
	}
	var out []MeasureChange
	seen := make(map[string]bool, len(new))
	for i := range new {
		n := &new[i]
		seen[n.Code] = true
		o := byCode[n.Code]
		if o == nil {
			out = append(out, MeasureChange{Code: n.Code, Kind: ChangeAdded, New: n})
			continue
		}
		if f := measureDiff(o, n); len(f) > 0 {
			out = append(out, MeasureChange{Code: n.Code, Kind: ChangeChanged, Fields: f, Old: o, New: n})
		}
	}
	for i := range old {
		if !seen[old[i].Code] {
			out = append(out, MeasureChange{Code: old[i].Code, Kind: ChangeRemoved, Old: &old[i]})
		}
	}
	slices.SortStableFunc(out, func(a, b MeasureChange) int { return CompareCodes(a.Code, b.Code) })
	return out
}

func measureDiff(o, n *Measure) []string {
	var f []string
	add := func(changed bool, name string) {
		if changed {
			f = append(f, name)
		}
	}
	sameDay := func(a, b time.Time) bool {
		ay, am, ad := a.Date()
		by, bm, bd := b.Date()
		return ay == by && am == bm && ad == bd
	}
	add(o.ComponentCode != n.ComponentCode, "component_code")
	add(o.TaskCode != n.TaskCode, "task_code")
	add(o.Title != n.Title, "title")
	add(o.Description != n.Description, "description")
	add(o.ResponsibleBodyID != n.ResponsibleBodyID, "responsible_body_id")
	add(!sameSet(o.CoExecutorIDs, n.CoExecutorIDs, cmpInt64), "co_executor_ids")
	add(!sameDay(o.Start, n.Start), "start")
	add(!sameDay(o.Due, n.Due), "due")
	add(!sameSet(o.Budget, n.Budget, compareBudgetLines), "budget")
	add(o.ExpectedResult != n.ExpectedResult, "expected_result")
	add(o.Cancelled != n.Cancelled, "cancelled")
	return f
}

func compareBudgetLines(a, b BudgetLine) int {
	if c := strings.Compare(a.Source, b.Source); c != 0 {
		return c
	}
	if c := strings.Compare(a.Funder, b.Funder); c != 0 {
		return c
	}
	return cmpInt64(a.AmountKGS, b.AmountKGS)
}

// sameSet reports whether a and b hold the same elements, in any order.
func sameSet[T any](a, b []T, cmp func(T, T) int) bool {
	if len(a) != len(b) {
		return false
	}
	a, b = slices.Clone(a), slices.Clone(b)
	slices.SortFunc(a, cmp)
	slices.SortFunc(b, cmp)
	return slices.EqualFunc(a, b, func(x, y T) bool { return cmp(x, y) == 0 })
}

func cmpInt64(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// CompareCodes orders dotted codes numerically: "1.2" < "1.10" < "2".
func CompareCodes(a, b string) int {
	for a != "" || b != "" {
		var x, y string
		x, a, _ = strings.Cut(a, ".")
		y, b, _ = strings.Cut(b, ".")
		if x == y {
			continue
		}
		nx, ex := strconv.Atoi(x)
		ny, ey := strconv.Atoi(y)
		switch {
		case x == "":
			return -1
		case y == "":
			return 1
		case ex == nil && ey == nil && nx != ny:
			return cmpInt64(int64(nx), int64(ny))
		}
		return strings.Compare(x, y)
	}
	return 0
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

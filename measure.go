package aldyn

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

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

// MeasureFilter selects measures. Under limits them to plans of a
// territory path prefix; Query matches titles.
type MeasureFilter struct {
	ID                *int64
	PlanID            *int64
	Under             string
	ComponentCode     *string
	ResponsibleBodyID *int64
	Query             string
	Page              Page
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
	v.requireValid("code", m.Code, codeRe.MatchString(m.Code), "plan.error.code")
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
	v.requireID("responsible_body_id", m.ResponsibleBodyID)
	if !validIDs(m.CoExecutorIDs) || slices.Contains(m.CoExecutorIDs, m.ResponsibleBodyID) {
		v.Add("co_executor_ids", "error.invalid")
	}
	if v.requireOrdered("start", "due", m.Start, m.Due, "plan.error.due_before_start") && p != nil {
		switch {
		case m.Start.Year() < p.StartYear || m.Start.Year() > p.EndYear:
			v.Add("start", "plan.error.outside_plan")
		case m.Due.Year() < p.StartYear || m.Due.Year() > p.EndYear:
			v.Add("due", "plan.error.outside_plan")
		}
	}
	validateBudget(v, "budget", m.Budget)
	if !validIDs(m.IndicatorIDs) {
		v.Add("indicator_ids", "error.invalid")
	}
	return v.Err()
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

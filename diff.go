package aldyn

import (
	"slices"
	"strings"
	"time"
)

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

package aldyn_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/aldyn-kg/aldyn"
)

func TestDiffPlans(t *testing.T) {
	base := func(code string) aldyn.Measure {
		m := *validMeasure()
		m.Code = code
		return m
	}
	old := []aldyn.Measure{base("1.1"), base("1.2"), base("1.10"), base("2.1")}
	changed := base("1.2")
	changed.ID = 77                              // ids differ between versions
	changed.IndicatorIDs = []int64{5}            // so do indicator ids
	changed.Due = changed.Due.Add(5 * time.Hour) // same day
	changed.Title.RU = "Мероприятие"
	changed.ResponsibleBodyID = 30
	changed.Budget = []aldyn.BudgetLine{changed.Budget[1], changed.Budget[0]} // same lines, other order
	changed.CoExecutorIDs = []int64{20, 40}
	reordered := base("1.10")
	reordered.Budget = []aldyn.BudgetLine{reordered.Budget[1], reordered.Budget[0]}
	moved := base("2.1")
	moved.Due = date(2026, 3, 31)
	moved.Budget = append(moved.Budget, aldyn.BudgetLine{Source: aldyn.BudgetLocal, AmountKGS: 1})
	moved.Cancelled = true
	new := []aldyn.Measure{base("3.1"), moved, reordered, changed}

	got := aldyn.DiffPlans(old, new)
	type row struct {
		code, kind, fields string
	}
	var rows []row
	for _, c := range got {
		rows = append(rows, row{c.Code, c.Kind, fmt.Sprint(c.Fields)})
		if (c.Kind != aldyn.ChangeAdded) != (c.Old != nil) || (c.Kind != aldyn.ChangeRemoved) != (c.New != nil) {
			t.Errorf("%s %s: Old %v, New %v", c.Code, c.Kind, c.Old != nil, c.New != nil)
		}
	}
	want := []row{
		{"1.1", aldyn.ChangeRemoved, "[]"},
		{"1.2", aldyn.ChangeChanged, "[title responsible_body_id co_executor_ids]"},
		{"2.1", aldyn.ChangeChanged, "[due budget cancelled]"},
		{"3.1", aldyn.ChangeAdded, "[]"},
	}
	if !slices.Equal(rows, want) {
		t.Errorf("got %v, want %v", rows, want)
	}
	if d := aldyn.DiffPlans(old, old); len(d) != 0 {
		t.Errorf("identical versions: got %v", d)
	}
}

func TestCompareCodes(t *testing.T) {
	codes := []string{"2", "1.10", "", "1.2", "1", "1.2.1", "10.1"}
	slices.SortFunc(codes, aldyn.CompareCodes)
	if want := []string{"", "1", "1.2", "1.2.1", "1.10", "2", "10.1"}; !slices.Equal(codes, want) {
		t.Errorf("got %v, want %v", codes, want)
	}
}

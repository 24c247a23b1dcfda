package aldyn_test

import (
	"testing"
	"time"

	"github.com/aldyn-kg/aldyn"
)

func validMeasure() *aldyn.Measure {
	return &aldyn.Measure{
		ID: 1, PlanID: 1, Code: "1.2", ComponentCode: "4.1", TaskCode: "4.1.2",
		Title: aldyn.Text{KY: "Иш-чара"}, ResponsibleBodyID: 10, CoExecutorIDs: []int64{20},
		Start: date(2025, 3, 1), Due: date(2025, 12, 31),
		Budget: []aldyn.BudgetLine{{Source: aldyn.BudgetLocal, AmountKGS: 50000}, {Source: aldyn.BudgetPartners, Funder: "UNODC", AmountKGS: 1000}},
	}
}

func TestMeasureValidate(t *testing.T) {
	c := testConcept()
	for _, tc := range []struct {
		name  string
		edit  func(m *aldyn.Measure)
		field string
	}{
		{"valid", func(m *aldyn.Measure) {}, ""},
		{"not traced", func(m *aldyn.Measure) { m.ComponentCode, m.TaskCode = "", "" }, ""},
		{"component only", func(m *aldyn.Measure) { m.TaskCode = "" }, ""},
		{"one-day measure", func(m *aldyn.Measure) { m.Due = m.Start }, ""},
		{"zero budget", func(m *aldyn.Measure) { m.Budget[0].AmountKGS = 0 }, ""},
		{"task of another component", func(m *aldyn.Measure) { m.ComponentCode = "5.1" }, "task_code"},
		{"unknown task", func(m *aldyn.Measure) { m.TaskCode = "4.1.9" }, "task_code"},
		{"unknown component", func(m *aldyn.Measure) { m.ComponentCode, m.TaskCode = "4.9", "" }, "component_code"},
		{"task without component", func(m *aldyn.Measure) { m.ComponentCode = "" }, "component_code"},
		{"due before start", func(m *aldyn.Measure) { m.Due = m.Start.AddDate(0, 0, -1) }, "due"},
		{"no start", func(m *aldyn.Measure) { m.Start = time.Time{} }, "start"},
		{"outside the plan", func(m *aldyn.Measure) { m.Due = date(2028, 1, 31) }, "due"},
		{"negative budget", func(m *aldyn.Measure) { m.Budget[0].AmountKGS = -1 }, "budget"},
		{"unknown source", func(m *aldyn.Measure) { m.Budget[0].Source = "sponsor" }, "budget"},
		{"partners without funder", func(m *aldyn.Measure) { m.Budget[1].Funder = "" }, "budget"},
		{"no title", func(m *aldyn.Measure) { m.Title = aldyn.Text{} }, "title"},
		{"bad code", func(m *aldyn.Measure) { m.Code = "1.a" }, "code"},
		{"no responsible body", func(m *aldyn.Measure) { m.ResponsibleBodyID = 0 }, "responsible_body_id"},
		{"responsible body as co-executor", func(m *aldyn.Measure) { m.CoExecutorIDs = []int64{10} }, "co_executor_ids"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := validMeasure()
			tc.edit(m)
			MustValidation(t, m.Validate(validPlan(), c), tc.field)
		})
	}
	t.Run("without Concept or plan", func(t *testing.T) {
		m := validMeasure()
		m.ComponentCode, m.Due = "9.9", date(2030, 1, 1)
		m.TaskCode = "9.9.9"
		if err := m.Validate(nil, nil); err != nil {
			t.Fatalf("got %v, want nil", err)
		}
	})
	if got := validMeasure().BudgetTotal(); got != 51000 {
		t.Errorf("BudgetTotal: got %d, want 51000", got)
	}
}

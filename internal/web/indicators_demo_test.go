package web_test

import (
	"testing"

	"github.com/aldyn-kg/aldyn"
)

// TestDemoOffenseIndicatorHasData: the national demo plan's indicator 1
// (registered thefts per 100,000 residents, computed from the records) has
// a value on the plan's dashboard once the demo records are loaded,
// without anyone pressing "recompute".
func TestDemoOffenseIndicatorHasData(t *testing.T) {
	f := mustFixture(t)
	planID := mustDemoNationalPlan(t, f)
	mustDemoOffenses(t, f, 0.02, 2024, 2025, 2026)
	var d struct {
		Indicators []struct {
			Code         string   `json:"code"`
			State        string   `json:"state"`
			ActualValue  *float64 `json:"actual_value"`
			ActualPeriod string   `json:"actual_period"`
		} `json:"indicators"`
	}
	mustGetJSON(t, f, adminKG, "/api/v1/plans/"+idStr(planID)+"/dashboard", 200, &d)
	for _, ind := range d.Indicators {
		if ind.Code != "1" {
			continue
		}
		if ind.ActualValue == nil || ind.State == string(aldyn.IndicatorNoData) || ind.ActualPeriod != "2025" {
			t.Errorf("indicator 1: %+v, want the 2025 value computed from the records", ind)
		}
		return
	}
	t.Fatalf("no indicator 1 in %+v", d.Indicators)
}

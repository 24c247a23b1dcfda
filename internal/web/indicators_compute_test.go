package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"

	"github.com/aldyn-kg/aldyn"
)

// mustComputedIndicator gives a plan of district A an indicator computed
// from the offense statistics: thefts, per 100,000 residents.
func mustComputedIndicator(tb testing.TB, w *planWorld) *aldyn.Indicator {
	tb.Helper()
	if w.council == nil {
		w.council = mustPlanBody(tb, w.fixture, codeA, "coordination_commission", "Compute commission")
		w.coordA = w.actorOf(tb, coordinator, aldyn.RoleCoordinator, w.bodyA, codeA)
	}
	p := w.mustPlan(tb, "Computed", w.bodyA.ID)
	ind := &aldyn.Indicator{PlanID: p.ID, Code: "1", Name: aldyn.Text{EN: "Thefts per 100,000"}, Unit: "100k", Kind: aldyn.IndicatorRate,
		Source: aldyn.IndicatorOffenses, OffenseCategory: aldyn.CategoryTheft, Denominator: "population", Disaggregation: aldyn.DisaggregationNone,
		Frequency: aldyn.FrequencyAnnual, BaselineValue: 10, BaselineYear: 2024, Verification: aldyn.Text{EN: "Register"},
		Targets: []aldyn.IndicatorTarget{{Year: 2027, Value: 5}}}
	if err := w.db.CreateIndicator(context.Background(), w.coordA, ind); err != nil {
		tb.Fatal(err)
	}
	return ind
}

// TestIndicatorComputedFromStatistics: the coordinator recomputes a rate
// indicator from the records of the plan's district: 3 thefts in 2025 in
// district A, whose population the test sets, give the rate.
func TestIndicatorComputedFromStatistics(t *testing.T) {
	w := mustPlanWorld(t)
	ind := mustComputedIndicator(t, w)
	mustImportOffenses(t, w.fixture, "registration_number,source,category,registered_on,territory_code\n"+
		"C-1,crimes,theft,2025-02-01,"+codeA+"\nC-2,crimes,theft,2025-07-01,"+codeA+"\nC-3,crimes,theft,2025-11-30,"+codeA+"\n"+
		"C-4,crimes,fraud,2025-03-01,"+codeA+"\nC-5,crimes,theft,2025-03-01,"+codeB+"\n")
	popType, popBody := multipartBody(t, "populations", "pop.csv", "territory_code,year,population,source\n"+codeA+",2025,150000,NSC\n")
	if resp := w.do(t, adminKG, "POST", "/territories-import", popType, popBody); resp.StatusCode != 200 {
		t.Fatalf("population import: %d %s", resp.StatusCode, readBody(t, resp))
	}
	var vals []aldyn.IndicatorValue
	resp := w.do(t, coordinator, "POST", "/api/v1/indicators/"+idStr(ind.ID)+"/compute", "", "")
	if err := json.Unmarshal([]byte(readBody(t, resp)), &vals); err != nil || resp.StatusCode != 200 {
		t.Fatalf("compute: %d %v", resp.StatusCode, err)
	}
	// 2025 is over; 3 thefts in a district of 150,000: 2 per 100,000.
	if len(vals) == 0 || vals[0].Period != "2025" || vals[0].Value != 2 {
		t.Fatalf("values %+v, want 2025 = 2", vals)
	}
	stored, err := w.db.FindIndicatorValues(context.Background(), ind.ID)
	if err != nil || len(stored) != len(vals) || stored[0].Value != 2 {
		t.Errorf("stored values %+v, %v", stored, err)
	}
	if resp := w.do(t, analystA, "POST", "/api/v1/indicators/"+idStr(ind.ID)+"/compute", "", ""); resp.StatusCode != http.StatusForbidden {
		t.Errorf("an analyst recomputing: %d, want 403", resp.StatusCode)
	}
}

func init() {
	moduleCases = append(moduleCases, func(tb testing.TB, f *fixture) []matrixCase {
		w := &planWorld{fixture: f}
		i := idStr(mustComputedIndicator(tb, w).ID)
		return []matrixCase{
			{method: "POST", path: "/indicators/" + i + "/compute", route: "/indicators/{id}/compute",
				want: expect{def: http.StatusForbidden, byRole: map[string]int{anon: http.StatusUnauthorized, coordinator: http.StatusSeeOther}}},
			{method: "POST", path: "/api/v1/indicators/" + i + "/compute", route: "/api/v1/indicators/{id}/compute",
				want: expect{def: http.StatusForbidden, byRole: map[string]int{anon: http.StatusUnauthorized, coordinator: 200}}},
		}
	})
}

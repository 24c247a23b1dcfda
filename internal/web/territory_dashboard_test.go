package web_test

import (
	"net/http"
	"strings"
	"testing"
)

// TestTerritoryDashboard: Chüy's dashboard lists the approved plans of the
// oblast and of its districts (the demo's Chüy and Alamüdün plans), and its
// totals are the sums of those plans' own dashboards; a district
// coordinator cannot read the oblast's.
func TestTerritoryDashboard(t *testing.T) {
	f := mustFixture(t)
	mustLoadDemo(t, f, fakeHash, "x")
	var td struct {
		Plans []struct {
			Plan struct {
				ID            int64  `json:"id"`
				TerritoryCode string `json:"territory_code"`
			} `json:"plan"`
		} `json:"plans"`
		Measures   struct{ Total, Done, Overdue int } `json:"measures"`
		PlannedKGS int64                              `json:"planned_kgs"`
		SpentKGS   int64                              `json:"spent_kgs"`
	}
	mustGetJSON(t, f, adminKG, "/api/v1/monitoring?territory=41708000000000", 200, &td)
	if len(td.Plans) != 2 {
		t.Fatalf("Chüy's dashboard has %d plans, want the oblast's and Alamüdün's", len(td.Plans))
	}
	var total, done, overdue int
	var planned, spent int64
	for _, p := range td.Plans {
		var d struct {
			Measures struct{ Total, Done, Overdue int } `json:"measures"`
			Budget   struct {
				Planned int64 `json:"planned_kgs"`
				Spent   int64 `json:"spent_kgs"`
			} `json:"budget"`
		}
		mustGetJSON(t, f, adminKG, "/api/v1/plans/"+idStr(p.Plan.ID)+"/dashboard", 200, &d)
		total, done, overdue = total+d.Measures.Total, done+d.Measures.Done, overdue+d.Measures.Overdue
		planned, spent = planned+d.Budget.Planned, spent+d.Budget.Spent
	}
	if td.Measures.Total != total || td.Measures.Done != done || td.Measures.Overdue != overdue || td.PlannedKGS != planned || td.SpentKGS != spent || total != 7 {
		t.Errorf("totals %+v planned %d spent %d; the plans' dashboards sum to %d measures (%d done, %d overdue), %d planned, %d spent; want 7 measures",
			td.Measures, td.PlannedKGS, td.SpentKGS, total, done, overdue, planned, spent)
	}
	mustGetJSON(t, f, coordinator, "/api/v1/monitoring?territory=41708000000000", http.StatusNotFound, nil)
	body := readBody(t, f.do(t, adminKG, "GET", "/monitoring?territory=41708000000000", "", ""))
	if !containsAll(body, "monitoring-plans", "/plans/"+idStr(td.Plans[0].Plan.ID)+"/dashboard") {
		t.Errorf("the page does not list the plans")
	}
}

func containsAll(s string, subs ...string) bool {
	for _, x := range subs {
		if !strings.Contains(s, x) {
			return false
		}
	}
	return true
}

func init() {
	moduleCases = append(moduleCases, func(tb testing.TB, f *fixture) []matrixCase {
		return []matrixCase{
			{method: "GET", path: "/monitoring", want: signedIn(http.StatusSeeOther, 200)},
			{method: "GET", path: "/api/v1/monitoring", want: signedIn(http.StatusUnauthorized, 200)},
		}
	})
}

package web_test

import (
	"context"
	"math"
	"strconv"
	"testing"
	"time"

	"github.com/aldyn-kg/aldyn"
)

// A plan indicator takes its values from residents' reports: the share of
// the reports made in district A answered on time, per ended year of the
// plan, counted here by hand from the fixture reports.
func TestIndicatorComputedFromResidents(t *testing.T) {
	w, p := mustIndicatorPlan(t, "Residents commission", "Residents indicators")
	ctx := context.Background()
	cat := mustResidentCategory(t, w.fixture, "disorder_public")
	y := p.StartYear
	var reports []*aldyn.ResidentReport
	onTime, counted := 0, 0
	for i := range 45 {
		created := time.Date(y, time.Month(1+i%11), 3+i%20, 9, 0, 0, 0, time.UTC)
		due := aldyn.AddWorkingDays(created, cat.DeadlineDays)
		r := &aldyn.ResidentReport{CategoryID: cat.ID, TerritoryCode: codeA, Description: "Кечинде бакта ызы-чуу", Lang: "ky", Source: "web",
			CreatedAt: created, Status: aldyn.ResidentAnswered, Answer: "Текшерилди"}
		switch i % 3 {
		case 0: // answered the day after it was made
			r.AnsweredAt = ptr(created.AddDate(0, 0, 1))
			onTime++
		case 1: // answered two days after the due day
			r.AnsweredAt = ptr(due.AddDate(0, 0, 2))
		default: // never answered, long overdue
			r.Status, r.Answer = aldyn.ResidentReceived, ""
		}
		counted++
		reports = append(reports, r)
	}
	// A report of the year after (not over) and of district B count nowhere.
	reports = append(reports, &aldyn.ResidentReport{CategoryID: cat.ID, TerritoryCode: codeA, Description: "Кечинде бакта ызы-чуу", Lang: "ky", Source: "web",
		CreatedAt: time.Date(y+1, 2, 2, 9, 0, 0, 0, time.UTC), Status: aldyn.ResidentReceived},
		&aldyn.ResidentReport{CategoryID: cat.ID, TerritoryCode: codeB, Description: "Кечинде бакта ызы-чуу", Lang: "ky", Source: "web",
			CreatedAt: time.Date(y, 2, 2, 9, 0, 0, 0, time.UTC), Status: aldyn.ResidentReceived})
	if err := w.db.LoadResidentReports(ctx, aldyn.System, reports); err != nil {
		t.Fatal(err)
	}
	ind := &aldyn.Indicator{PlanID: p.ID, Code: "1", Name: aldyn.Text{EN: "Residents' reports answered on time"}, Unit: "%", Kind: aldyn.IndicatorPercent,
		Source: aldyn.IndicatorResidents, Disaggregation: aldyn.DisaggregationNone, Frequency: aldyn.FrequencyAnnual, BaselineValue: 50, BaselineYear: y,
		HigherIsBetter: true, Verification: aldyn.Text{EN: "Residents' reports"}, Targets: []aldyn.IndicatorTarget{{Year: p.EndYear, Value: 80}}}
	bad := *ind
	bad.Code, bad.Kind = "2", aldyn.IndicatorNumber
	vals := mustComputeIndicator(t, w, ind, &bad, "a count computed from residents' reports")
	want := 100 * float64(onTime) / float64(counted)
	if len(vals) != 1 || vals[0].Period != strconv.Itoa(y) || math.Abs(vals[0].Value-want) > 0.05 {
		t.Fatalf("values %+v, want %d ≈ %.1f only (the next year is not over)", vals, y, want)
	}
}

// mustIndicatorPlan is a plan world with a coordination commission of
// district A (named council) and the coordinator of A as an actor of the
// store, a plan of body A named plan, and the store's clock in the middle
// of the year after the plan's first, which is over.
func mustIndicatorPlan(t *testing.T, council, plan string) (*planWorld, *aldyn.Plan) {
	t.Helper()
	w := mustPlanWorld(t)
	if w.council == nil {
		w.council = mustPlanBody(t, w.fixture, codeA, "coordination_commission", council)
		w.coordA = w.actorOf(t, coordinator, aldyn.RoleCoordinator, w.bodyA, codeA)
	}
	p := w.mustPlan(t, plan, w.bodyA.ID)
	w.repSetNow(time.Date(p.StartYear+1, 6, 15, 12, 0, 0, 0, time.UTC))
	return w, p
}

// mustComputeIndicator checks that the coordinator of A cannot create bad
// (what says why it is refused), creates ind and computes its values
// through the API.
func mustComputeIndicator(t *testing.T, w *planWorld, ind, bad *aldyn.Indicator, what string) []aldyn.IndicatorValue {
	t.Helper()
	ctx := context.Background()
	if err := w.db.CreateIndicator(ctx, w.coordA, bad); aldyn.ErrorCode(err) != aldyn.EINVALID {
		t.Errorf("%s: got %v, want EINVALID", what, err)
	}
	if err := w.db.CreateIndicator(ctx, w.coordA, ind); err != nil {
		t.Fatal(err)
	}
	var vals []aldyn.IndicatorValue
	decodeInto(t, w.do(t, coordinator, "POST", "/api/v1/indicators/"+idStr(ind.ID)+"/compute", "", ""), &vals)
	return vals
}

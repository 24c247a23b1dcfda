package aldyn_test

import (
	"fmt"
	"math"
	"slices"
	"testing"
	"time"

	"github.com/aldyn-kg/aldyn"
)

const (
	batken     = "41705000000000"
	batkenPath = "/41700000000000/41705000000000/"
)

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func ptr[T any](v T) *T { return &v }

// MustErrCode fails unless err is an *aldyn.Error with code and message key.
func MustErrCode(tb testing.TB, err error, code, key string) {
	tb.Helper()
	if got := aldyn.ErrorCode(err); got != code {
		tb.Fatalf("error code: got %q (%v), want %q", got, err, code)
	}
	if key != "" {
		if got := aldyn.ErrorMessage(err); got != key {
			tb.Fatalf("error key: got %q, want %q", got, key)
		}
	}
}

// MustField fails unless err is a validation error on field.
func MustField(tb testing.TB, err error, field string) {
	tb.Helper()
	e, ok := err.(*aldyn.Error)
	if !ok || e.Code != aldyn.EINVALID {
		tb.Fatalf("got %v, want a validation error on %s", err, field)
	}
	if _, ok := e.Fields[field]; !ok {
		tb.Fatalf("got fields %v, want %s", e.Fields, field)
	}
}

func validPlan() *aldyn.Plan {
	return &aldyn.Plan{
		ID: 1, Kind: aldyn.PlanJoint, Title: aldyn.Text{RU: "Совместный план"}, TerritoryCode: batken,
		OwnerBodyID: 5, StartYear: 2025, EndYear: 2027, Status: aldyn.PlanDraft, Version: 1,
		Evidence:           []aldyn.PlanEvidence{{Kind: aldyn.EvidenceSurvey, Note: "resident survey, March 2025"}},
		RequiredSignatures: []int64{10, 20},
	}
}

func officer(userID, bodyID int64, role string) *aldyn.Actor {
	return &aldyn.Actor{UserID: userID, BodyID: bodyID, Role: role, TerritoryCode: batken, TerritoryPath: batkenPath}
}

func TestPlanValidate(t *testing.T) {
	for _, tc := range []struct {
		name  string
		edit  func(p *aldyn.Plan)
		field string // "" when valid
	}{
		{"valid joint", func(p *aldyn.Plan) {}, ""},
		{"joint of one year", func(p *aldyn.Plan) { p.EndYear = p.StartYear }, ""},
		{"national of three years", func(p *aldyn.Plan) { p.Kind, p.StartYear, p.EndYear = aldyn.PlanNational, 2023, 2025 }, ""},
		{"national of two years", func(p *aldyn.Plan) { p.Kind, p.StartYear, p.EndYear = aldyn.PlanNational, 2023, 2024 }, "end_year"},
		{"national of four years", func(p *aldyn.Plan) { p.Kind, p.StartYear, p.EndYear = aldyn.PlanNational, 2023, 2026 }, "end_year"},
		{"end before start", func(p *aldyn.Plan) { p.EndYear = 2024 }, "end_year"},
		{"before the Concept", func(p *aldyn.Plan) { p.StartYear = 2021 }, "start_year"},
		{"after the Concept", func(p *aldyn.Plan) { p.EndYear = 2029 }, "end_year"},
		{"unknown kind", func(p *aldyn.Plan) { p.Kind = "regional" }, "kind"},
		{"no title", func(p *aldyn.Plan) { p.Title = aldyn.Text{KY: "  "} }, "title"},
		{"bad territory", func(p *aldyn.Plan) { p.TerritoryCode = "batken" }, "territory_code"},
		{"no owner", func(p *aldyn.Plan) { p.OwnerBodyID = 0 }, "owner_body_id"},
		{"bad status", func(p *aldyn.Plan) { p.Status = "amended" }, "status"},
		{"bad evidence kind", func(p *aldyn.Plan) { p.Evidence[0].Kind = "rumour" }, "evidence"},
		{"evidence without note", func(p *aldyn.Plan) { p.Evidence[0].Note = "" }, "evidence"},
		{"duplicate signatory", func(p *aldyn.Plan) { p.RequiredSignatures = []int64{10, 10} }, "required_signatures"},
		{"parent is itself", func(p *aldyn.Plan) { p.ParentID = ptr(p.ID) }, "parent_id"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := validPlan()
			tc.edit(p)
			err := p.Validate()
			if tc.field == "" {
				if err != nil {
					t.Fatalf("got %v, want nil", err)
				}
				return
			}
			MustField(t, err, tc.field)
		})
	}
}

func signedPlan(status aldyn.PlanStatus) *aldyn.Plan {
	p := validPlan()
	p.Status = status
	for _, id := range p.RequiredSignatures {
		p.Signatures = append(p.Signatures, aldyn.PlanSignature{BodyID: id, UserID: id * 10})
	}
	return p
}

func TestPlanTransitions(t *testing.T) {
	legal := map[[2]aldyn.PlanStatus]bool{
		{aldyn.PlanDraft, aldyn.PlanApproved}:      true,
		{aldyn.PlanApproved, aldyn.PlanSuperseded}: true,
		{aldyn.PlanApproved, aldyn.PlanClosed}:     true,
	}
	for _, from := range aldyn.PlanStatuses {
		for _, to := range aldyn.PlanStatuses {
			t.Run(fmt.Sprintf("%s→%s", from, to), func(t *testing.T) {
				p := signedPlan(from)
				err := p.Transition(to)
				if legal[[2]aldyn.PlanStatus{from, to}] {
					if err != nil {
						t.Fatalf("got %v, want nil", err)
					}
					if p.Status != to {
						t.Fatalf("got status %s, want %s", p.Status, to)
					}
					return
				}
				MustErrCode(t, err, aldyn.ECONFLICT, "plan.error.illegal_transition")
				if p.Status != from {
					t.Fatalf("got status %s after refusal, want %s", p.Status, from)
				}
			})
		}
	}
	t.Run("unknown status", func(t *testing.T) {
		MustErrCode(t, signedPlan(aldyn.PlanDraft).Transition("amended"), aldyn.EINVALID, "plan.error.status")
	})
}

func TestPlanSignatures(t *testing.T) {
	now := date(2025, 3, 1)
	p := validPlan()
	MustErrCode(t, p.Transition(aldyn.PlanApproved), aldyn.ECONFLICT, "plan.error.signatures_missing")

	MustErrCode(t, p.Sign(officer(1, 30, aldyn.RoleCoordinator), 10, now), aldyn.EFORBIDDEN, "plan.error.sign_forbidden")
	MustErrCode(t, p.Sign(officer(1, 10, aldyn.RoleAnalyst), 10, now), aldyn.EFORBIDDEN, "plan.error.sign_forbidden")
	MustErrCode(t, p.Sign(aldyn.Public, 0, now), aldyn.EFORBIDDEN, "plan.error.sign_forbidden")
	MustErrCode(t, p.Sign(officer(1, 30, aldyn.RoleReporter), 30, now), aldyn.EINVALID, "plan.error.signatory_not_required")

	if err := p.Sign(officer(1, 10, aldyn.RoleReporter), 10, now); err != nil {
		t.Fatal(err)
	}
	MustErrCode(t, p.Sign(officer(2, 10, aldyn.RoleCoordinator), 10, now), aldyn.ECONFLICT, "plan.error.already_signed")
	if got := p.MissingSignatures(); !slices.Equal(got, []int64{20}) {
		t.Fatalf("missing: got %v, want [20]", got)
	}
	err := p.Transition(aldyn.PlanApproved)
	MustErrCode(t, err, aldyn.ECONFLICT, "plan.error.signatures_missing")
	if p.Status != aldyn.PlanDraft {
		t.Fatalf("got status %s, want draft", p.Status)
	}

	if err := p.Sign(officer(3, 20, aldyn.RoleCoordinator), 20, now); err != nil {
		t.Fatal(err)
	}
	if got := p.Signatures[1]; got.BodyID != 20 || got.UserID != 3 || !got.At.Equal(now) {
		t.Fatalf("signature: got %+v", got)
	}
	if err := p.Approve(nil, now); err != nil {
		t.Fatal(err)
	}
	if p.Status != aldyn.PlanApproved || p.CanEdit() {
		t.Fatalf("got status %s, CanEdit %v; want approved and locked", p.Status, p.CanEdit())
	}
	MustErrCode(t, p.CheckEditable(), aldyn.ECONFLICT, "plan.error.locked")
	MustErrCode(t, p.Sign(officer(3, 20, aldyn.RoleCoordinator), 20, now), aldyn.ECONFLICT, "plan.error.locked")

	t.Run("no signatories", func(t *testing.T) {
		p := validPlan()
		p.RequiredSignatures = nil
		MustErrCode(t, p.Transition(aldyn.PlanApproved), aldyn.ECONFLICT, "plan.error.no_signatories")
	})
	t.Run("edit voids signatures", func(t *testing.T) {
		p := signedPlan(aldyn.PlanDraft)
		p.ClearSignatures()
		MustErrCode(t, p.Transition(aldyn.PlanApproved), aldyn.ECONFLICT, "plan.error.signatures_missing")
	})
}

func TestPlanAmend(t *testing.T) {
	now := date(2026, 2, 1)
	old := signedPlan(aldyn.PlanApproved)

	if _, err := signedPlan(aldyn.PlanDraft).Amend(now); err == nil {
		t.Fatal("amending a draft: got nil error")
	} else {
		MustErrCode(t, err, aldyn.ECONFLICT, "plan.error.amend_not_approved")
	}

	n, err := old.Amend(now)
	if err != nil {
		t.Fatal(err)
	}
	if n.ID != 0 || n.Status != aldyn.PlanDraft || n.Version != 2 || n.ParentID == nil || *n.ParentID != old.ID || len(n.Signatures) != 0 {
		t.Fatalf("amendment: got %+v", n)
	}
	if !slices.Equal(n.RequiredSignatures, old.RequiredSignatures) {
		t.Fatalf("required signatures: got %v, want %v", n.RequiredSignatures, old.RequiredSignatures)
	}
	n.RequiredSignatures[0] = 99
	if old.RequiredSignatures[0] == 99 {
		t.Fatal("amendment shares RequiredSignatures with the old version")
	}
	n.RequiredSignatures[0] = 10
	n.ID = 2
	for _, id := range n.RequiredSignatures {
		if err := n.Sign(officer(id, id, aldyn.RoleReporter), id, now); err != nil {
			t.Fatal(err)
		}
	}

	MustErrCode(t, n.Approve(nil, now), aldyn.EINVALID, "plan.error.parent_mismatch")
	other := signedPlan(aldyn.PlanApproved)
	other.ID = 7
	MustErrCode(t, n.Approve(other, now), aldyn.EINVALID, "plan.error.parent_mismatch")
	closed := signedPlan(aldyn.PlanClosed)
	MustErrCode(t, n.Approve(closed, now), aldyn.ECONFLICT, "plan.error.illegal_transition")
	if n.Status != aldyn.PlanDraft || closed.Status != aldyn.PlanClosed {
		t.Fatalf("refused approval changed statuses: %s, %s", n.Status, closed.Status)
	}
	MustErrCode(t, old.Approve(nil, now), aldyn.ECONFLICT, "plan.error.illegal_transition")

	if err := n.Approve(old, now); err != nil {
		t.Fatal(err)
	}
	if n.Status != aldyn.PlanApproved || old.Status != aldyn.PlanSuperseded || !old.UpdatedAt.Equal(now) {
		t.Fatalf("got new %s, old %s; want approved, superseded", n.Status, old.Status)
	}
	if _, err := old.Amend(now); err == nil {
		t.Fatal("amending a superseded plan: got nil error")
	}
}

func TestPlanScope(t *testing.T) {
	if !officer(1, 5, aldyn.RoleCoordinator).CanManagePlan(batkenPath) {
		t.Error("coordinator of the territory: got false")
	}
	if officer(1, 5, aldyn.RoleCoordinator).CanManagePlan("/41700000000000/41708000000000/") {
		t.Error("coordinator of another territory: got true")
	}
	if officer(1, 5, aldyn.RoleReporter).CanManagePlan(batkenPath) || aldyn.Public.CanManagePlan(batkenPath) {
		t.Error("reporter or public: got true")
	}
}

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
			err := m.Validate(validPlan(), c)
			if tc.field == "" {
				if err != nil {
					t.Fatalf("got %v, want nil", err)
				}
				return
			}
			MustField(t, err, tc.field)
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

func validIndicator() *aldyn.Indicator {
	return &aldyn.Indicator{
		ID: 21, PlanID: 1, Code: "1", Name: aldyn.Text{EN: "Theft per 100,000"}, Unit: "per 100k",
		Kind: aldyn.IndicatorRate, Source: aldyn.IndicatorOffenses, OffenseCategory: aldyn.CategoryTheft,
		Verification: aldyn.Text{EN: "ERP"}, Frequency: aldyn.FrequencyAnnual,
		BaselineValue: 100, BaselineYear: 2023, Targets: []aldyn.IndicatorTarget{{2026, 70}, {2025, 80}},
	}
}

func TestIndicatorValidate(t *testing.T) {
	for _, tc := range []struct {
		name  string
		edit  func(i *aldyn.Indicator)
		field string
	}{
		{"valid computed rate", func(i *aldyn.Indicator) {}, ""},
		{"valid manual percent", func(i *aldyn.Indicator) {
			i.Kind, i.Source, i.OffenseCategory, i.BaselineValue = aldyn.IndicatorPercent, aldyn.IndicatorManual, "", 47
		}, ""},
		{"percent over 100", func(i *aldyn.Indicator) {
			i.Kind, i.Source, i.OffenseCategory, i.Targets[0].Value = aldyn.IndicatorPercent, aldyn.IndicatorManual, "", 120
		}, "targets"},
		{"computed percent", func(i *aldyn.Indicator) { i.Kind = aldyn.IndicatorPercent }, "kind"},
		{"unknown category", func(i *aldyn.Indicator) { i.OffenseCategory = "cattle" }, "offense_category"},
		{"manual rate without denominator", func(i *aldyn.Indicator) { i.Source, i.OffenseCategory = aldyn.IndicatorManual, "" }, "denominator"},
		{"unknown source", func(i *aldyn.Indicator) { i.Source = "survey" }, "source"},
		{"unknown frequency", func(i *aldyn.Indicator) { i.Frequency = "weekly" }, "frequency"},
		{"unknown disaggregation", func(i *aldyn.Indicator) { i.Disaggregation = "sex" }, "disaggregation"},
		{"no verification", func(i *aldyn.Indicator) { i.Verification = aldyn.Text{} }, "verification"},
		{"no targets", func(i *aldyn.Indicator) { i.Targets = nil }, "targets"},
		{"target at baseline year", func(i *aldyn.Indicator) { i.Targets[0].Year = 2023 }, "targets"},
		{"duplicate target year", func(i *aldyn.Indicator) { i.Targets[0].Year = 2025 }, "targets"},
		{"NaN baseline", func(i *aldyn.Indicator) { i.BaselineValue = math.NaN() }, "baseline_value"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ind := validIndicator()
			tc.edit(ind)
			err := ind.Validate()
			if tc.field == "" {
				if err != nil {
					t.Fatalf("got %v, want nil", err)
				}
				return
			}
			MustField(t, err, tc.field)
		})
	}
	ind := validIndicator()
	if err := ind.Validate(); err != nil {
		t.Fatal(err)
	}
	if ind.Numerator != "offenses:theft" || ind.Denominator != aldyn.DenominatorPopulation {
		t.Errorf("computed rate: got %q / %q, want offenses:theft / population", ind.Numerator, ind.Denominator)
	}
	if ind.Targets[0].Year != 2025 {
		t.Errorf("targets not sorted: %v", ind.Targets)
	}
	for _, tc := range []struct {
		year, want int
	}{{2024, 2025}, {2025, 2025}, {2026, 2026}, {2028, 2026}} {
		if got, ok := ind.TargetFor(tc.year); !ok || got.Year != tc.want {
			t.Errorf("TargetFor(%d): got %v %v, want %d", tc.year, got, ok, tc.want)
		}
	}
	if err := ind.ValidateValue(&aldyn.IndicatorValue{IndicatorID: 21, Period: "2024", Value: 90}); err != nil {
		t.Errorf("ValidateValue: got %v", err)
	}
	MustField(t, ind.ValidateValue(&aldyn.IndicatorValue{IndicatorID: 21, Period: "2024-Q1", Value: 90}), "period")
	MustField(t, ind.ValidateValue(&aldyn.IndicatorValue{IndicatorID: 21, Period: "2024", Value: -1}), "value")
}

func TestPeriods(t *testing.T) {
	for _, tc := range []struct {
		period, freq string
		end          time.Time
		ok           bool
	}{
		{"2024", aldyn.FrequencyAnnual, date(2025, 1, 1), true},
		{"2024-Q2", aldyn.FrequencyQuarterly, date(2024, 7, 1), true},
		{"2024-Q4", aldyn.FrequencyQuarterly, date(2025, 1, 1), true},
		{"2024-05", aldyn.FrequencyMonthly, date(2024, 6, 1), true},
		{"2024-12", aldyn.FrequencyMonthly, date(2025, 1, 1), true},
		{"2024-13", aldyn.FrequencyMonthly, time.Time{}, false},
		{"2024-Q5", aldyn.FrequencyQuarterly, time.Time{}, false},
		{"2024-+5", aldyn.FrequencyMonthly, time.Time{}, false},
		{"24", aldyn.FrequencyAnnual, time.Time{}, false},
		{"", aldyn.FrequencyAnnual, time.Time{}, false},
	} {
		end, ok := aldyn.PeriodEnd(tc.period)
		if ok != tc.ok || !end.Equal(tc.end) {
			t.Errorf("PeriodEnd(%q): got %v %v, want %v %v", tc.period, end, ok, tc.end, tc.ok)
		}
		if got := aldyn.ValidPeriod(tc.freq, tc.period); got != tc.ok {
			t.Errorf("ValidPeriod(%s, %q): got %v, want %v", tc.freq, tc.period, got, tc.ok)
		}
	}
	if aldyn.ValidPeriod(aldyn.FrequencyMonthly, "2024-Q1") || aldyn.ValidPeriod(aldyn.FrequencyAnnual, "2024-05") {
		t.Error("ValidPeriod accepted a period of another frequency")
	}
}

func TestProgress(t *testing.T) {
	for _, tc := range []struct {
		name                     string
		baseline, target, actual float64
		higher                   bool
		want                     float64
	}{
		{"halfway up", 40, 60, 50, true, 0.5},
		{"halfway down", 100, 80, 90, false, 0.5},
		{"at baseline", 100, 80, 100, false, 0},
		{"target reached", 100, 80, 80, false, 1},
		{"overachieved", 40, 60, 70, true, 1.5},
		{"capped", 40, 60, 200, true, aldyn.MaxProgress},
		{"worse than baseline clamps to 0", 100, 80, 120, false, 0},
		{"keep level, held", 50, 50, 55, true, 1},
		{"keep level, fell", 50, 50, 45, true, 0},
		{"keep level low, held", 5, 5, 4, false, 1},
		{"keep level low, rose", 5, 5, 6, false, 0},
		{"NaN", 5, 10, math.NaN(), true, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := aldyn.Progress(tc.baseline, tc.target, tc.actual, tc.higher); math.Abs(got-tc.want) > 1e-9 {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
	for _, tc := range []struct {
		progress, expected float64
		want               string
	}{
		{0.5, 0.5, aldyn.IndicatorOnTrack},
		{0.41, 0.5, aldyn.IndicatorOnTrack},
		{0.3, 0.5, aldyn.IndicatorAtRisk},
		{0.2, 0.5, aldyn.IndicatorOffTrack},
		{1.5, 1, aldyn.IndicatorOnTrack},
	} {
		if got := aldyn.IndicatorState(tc.progress, tc.expected); got != tc.want {
			t.Errorf("IndicatorState(%v, %v): got %s, want %s", tc.progress, tc.expected, got, tc.want)
		}
	}
	if got := aldyn.ExpectedShare(2023, 2025, date(2025, 1, 1)); math.Abs(got-366.0/731) > 1e-9 {
		t.Errorf("ExpectedShare: got %v, want %v", got, 366.0/731)
	}
	if got := aldyn.ExpectedShare(2023, 2025, date(2020, 1, 1)); got != 0 {
		t.Errorf("ExpectedShare before: got %v, want 0", got)
	}
	if got := aldyn.ExpectedShare(2023, 2025, date(2030, 1, 1)); got != 1 {
		t.Errorf("ExpectedShare after: got %v, want 1", got)
	}
}

func TestCycleValidate(t *testing.T) {
	c := aldyn.ReportingCycle{PlanID: 1, Period: "2025-Q1", From: date(2025, 1, 1), To: date(2025, 3, 31), Deadline: date(2025, 4, 15)}
	if err := c.Validate(); err != nil || c.Status != aldyn.CycleOpen {
		t.Fatalf("got %v, status %s", err, c.Status)
	}
	bad := c
	bad.To = date(2024, 12, 31)
	MustField(t, bad.Validate(), "to")
	bad = c
	bad.Status = "archived"
	MustField(t, bad.Validate(), "status")
	bad = c
	bad.Period = ""
	MustField(t, bad.Validate(), "period")
}

func TestReportTransitions(t *testing.T) {
	legal := map[[2]aldyn.ReportStatus]bool{
		{aldyn.ReportDraft, aldyn.ReportSubmitted}:    true,
		{aldyn.ReportSubmitted, aldyn.ReportAccepted}: true,
		{aldyn.ReportSubmitted, aldyn.ReportReturned}: true,
		{aldyn.ReportReturned, aldyn.ReportSubmitted}: true,
	}
	for _, from := range aldyn.ReportStatuses {
		for _, to := range aldyn.ReportStatuses {
			t.Run(fmt.Sprintf("%s→%s", from, to), func(t *testing.T) {
				r := &aldyn.Report{Status: from}
				err := r.Transition(to)
				if legal[[2]aldyn.ReportStatus{from, to}] {
					if err != nil || r.Status != to {
						t.Fatalf("got %v, status %s; want nil, %s", err, r.Status, to)
					}
					return
				}
				MustErrCode(t, err, aldyn.ECONFLICT, "report.error.illegal_transition")
				if r.Status != from {
					t.Fatalf("got status %s after refusal, want %s", r.Status, from)
				}
			})
		}
	}
	MustErrCode(t, (&aldyn.Report{Status: aldyn.ReportDraft}).Transition("approved"), aldyn.EINVALID, "report.error.status")
}

// TestReportActions walks the actions over every starting status: each
// action is allowed from its legal statuses only.
func TestReportActions(t *testing.T) {
	now := date(2025, 4, 10)
	cycle := &aldyn.ReportingCycle{ID: 3, Period: "2025-Q1", From: date(2025, 1, 1), To: date(2025, 3, 31), Deadline: date(2025, 4, 15), Status: aldyn.CycleOpen}
	reporter := officer(7, 10, aldyn.RoleReporter)
	coord := officer(8, 5, aldyn.RoleCoordinator)
	actions := map[string]struct {
		do    func(r *aldyn.Report) error
		legal []aldyn.ReportStatus
		to    aldyn.ReportStatus
	}{
		"submit": {func(r *aldyn.Report) error { return r.Submit(reporter, cycle, now) }, []aldyn.ReportStatus{aldyn.ReportDraft, aldyn.ReportReturned}, aldyn.ReportSubmitted},
		"accept": {func(r *aldyn.Report) error { return r.Accept(coord, batkenPath, "", now) }, []aldyn.ReportStatus{aldyn.ReportSubmitted}, aldyn.ReportAccepted},
		"return": {func(r *aldyn.Report) error { return r.Return(coord, batkenPath, "add the act", now) }, []aldyn.ReportStatus{aldyn.ReportSubmitted}, aldyn.ReportReturned},
	}
	for name, a := range actions {
		for _, from := range aldyn.ReportStatuses {
			t.Run(name+" from "+string(from), func(t *testing.T) {
				r := &aldyn.Report{ID: 1, CycleID: 3, MeasureID: 11, BodyID: 10, Status: from, Progress: 30, Narrative: "done", Version: 1}
				err := a.do(r)
				if slices.Contains(a.legal, from) {
					if err != nil || r.Status != a.to {
						t.Fatalf("got %v, status %s; want nil, %s", err, r.Status, a.to)
					}
					return
				}
				MustErrCode(t, err, aldyn.ECONFLICT, "report.error.illegal_transition")
			})
		}
	}
}

func TestReportWorkflow(t *testing.T) {
	cycle := &aldyn.ReportingCycle{ID: 3, Period: "2025-Q1", From: date(2025, 1, 1), To: date(2025, 3, 31), Deadline: date(2025, 4, 15), Status: aldyn.CycleOpen}
	newReport := func() *aldyn.Report {
		return &aldyn.Report{ID: 1, CycleID: 3, MeasureID: 11, BodyID: 10, Status: aldyn.ReportDraft, Progress: 30, Narrative: "Two trainings held"}
	}
	reporter := officer(7, 10, aldyn.RoleReporter)
	coord := officer(8, 5, aldyn.RoleCoordinator)
	t1, t2, t3 := date(2025, 4, 10), date(2025, 4, 20), date(2025, 4, 25)

	t.Run("submit refusals", func(t *testing.T) {
		for name, tc := range map[string]struct {
			a    *aldyn.Actor
			c    *aldyn.ReportingCycle
			edit func(r *aldyn.Report)
			code string
			key  string
		}{
			"reporter of another body": {officer(7, 11, aldyn.RoleReporter), cycle, nil, aldyn.EFORBIDDEN, "report.error.submit_forbidden"},
			"analyst of the body":      {officer(7, 10, aldyn.RoleAnalyst), cycle, nil, aldyn.EFORBIDDEN, "report.error.submit_forbidden"},
			"administrator":            {aldyn.System, cycle, nil, aldyn.EFORBIDDEN, "report.error.submit_forbidden"},
			"public":                   {aldyn.Public, cycle, nil, aldyn.EFORBIDDEN, "report.error.submit_forbidden"},
			"closed cycle":             {reporter, &aldyn.ReportingCycle{ID: 3, Status: aldyn.CycleClosed}, nil, aldyn.ECONFLICT, "report.error.cycle_closed"},
			"other cycle":              {reporter, &aldyn.ReportingCycle{ID: 4, Status: aldyn.CycleOpen}, nil, aldyn.EINVALID, "report.error.cycle_mismatch"},
			"no narrative":             {reporter, cycle, func(r *aldyn.Report) { r.Narrative = " " }, aldyn.EINVALID, "error.validation"},
			"progress over 100":        {reporter, cycle, func(r *aldyn.Report) { r.Progress = 101 }, aldyn.EINVALID, "error.validation"},
			"negative spending":        {reporter, cycle, func(r *aldyn.Report) { r.Spent = []aldyn.BudgetLine{{Source: aldyn.BudgetLocal, AmountKGS: -5}} }, aldyn.EINVALID, "error.validation"},
		} {
			t.Run(name, func(t *testing.T) {
				r := newReport()
				if tc.edit != nil {
					tc.edit(r)
				}
				MustErrCode(t, r.Submit(tc.a, tc.c, t1), tc.code, tc.key)
				if r.Status != aldyn.ReportDraft || r.SubmittedAt != nil {
					t.Fatalf("refused submission changed the report: %+v", r)
				}
			})
		}
	})

	r := newReport()
	if err := r.Submit(reporter, cycle, t1); err != nil {
		t.Fatal(err)
	}
	if r.Status != aldyn.ReportSubmitted || r.Version != 1 || !r.SubmittedAt.Equal(t1) || !r.FirstSubmittedAt.Equal(t1) || r.SubmittedBy != 7 {
		t.Fatalf("after submit: got %+v", r)
	}
	if r.CanEdit() {
		t.Fatal("submitted report: CanEdit true")
	}
	if r.IsLate(cycle) {
		t.Fatal("submitted before the deadline: IsLate true")
	}

	MustErrCode(t, r.Accept(reporter, batkenPath, "", t2), aldyn.EFORBIDDEN, "report.error.review_forbidden")
	MustErrCode(t, r.Accept(&aldyn.Actor{UserID: 9, BodyID: 6, Role: aldyn.RoleCoordinator, TerritoryPath: "/41700000000000/41708000000000/"}, batkenPath, "", t2), aldyn.EFORBIDDEN, "report.error.review_forbidden")
	MustErrCode(t, r.Accept(aldyn.System, batkenPath, "", t2), aldyn.EFORBIDDEN, "report.error.review_forbidden")
	MustErrCode(t, r.Accept(officer(7, 10, aldyn.RoleCoordinator), batkenPath, "", t2), aldyn.EFORBIDDEN, "report.error.review_own")
	MustErrCode(t, r.Return(coord, batkenPath, "  ", t2), aldyn.EINVALID, "error.validation")
	if r.Status != aldyn.ReportSubmitted {
		t.Fatalf("refusals changed status to %s", r.Status)
	}

	if err := r.Return(coord, batkenPath, "Attach the training list", t2); err != nil {
		t.Fatal(err)
	}
	if r.Status != aldyn.ReportReturned || r.Comment != "Attach the training list" || r.DecidedBy != 8 || !r.DecidedAt.Equal(t2) || !r.CanEdit() {
		t.Fatalf("after return: got %+v", r)
	}

	if err := r.Submit(reporter, cycle, t3); err != nil {
		t.Fatal(err)
	}
	if r.Version != 2 || !r.SubmittedAt.Equal(t3) || !r.FirstSubmittedAt.Equal(t1) || r.DecidedAt != nil {
		t.Fatalf("after resubmission: got %+v", r)
	}
	if r.IsLate(cycle) {
		t.Fatal("resubmission after the deadline made a report first submitted in time late")
	}

	// A coordinator of a higher territory covers the plan.
	national := &aldyn.Actor{UserID: 9, BodyID: 1, Role: aldyn.RoleCoordinator, TerritoryPath: "/41700000000000/"}
	if err := r.Accept(national, batkenPath, "", t3); err != nil {
		t.Fatal(err)
	}
	if r.Status != aldyn.ReportAccepted || r.CanEdit() {
		t.Fatalf("after accept: got %+v", r)
	}
	for _, err := range []error{r.Submit(reporter, cycle, t3), r.Return(coord, batkenPath, "x", t3), r.Accept(coord, batkenPath, "", t3)} {
		MustErrCode(t, err, aldyn.ECONFLICT, "report.error.illegal_transition")
	}
}

func TestMeasureStatus(t *testing.T) {
	m := &aldyn.Measure{Start: date(2025, 1, 1), Due: date(2025, 12, 31)} // 365 days
	accepted := func(p int) *aldyn.Report { return &aldyn.Report{Status: aldyn.ReportAccepted, Progress: p} }
	day := func(n int) time.Time { return date(2025, 1, 1).AddDate(0, 0, n) }
	for _, tc := range []struct {
		name      string
		cancelled bool
		r         *aldyn.Report
		now       time.Time
		want      aldyn.MeasureState
	}{
		{"cancelled wins", true, accepted(100), day(10), aldyn.MeasureCancelled},
		{"done", false, accepted(100), day(400), aldyn.MeasureDone},
		{"done early", false, accepted(100), day(10), aldyn.MeasureDone},
		{"before start", false, nil, date(2024, 12, 31), aldyn.MeasureNotStarted},
		{"started, no report, early", false, nil, day(30), aldyn.MeasureNotStarted},
		{"started, no progress, behind", false, nil, day(100), aldyn.MeasureAtRisk},
		{"progress only submitted is ignored", false, &aldyn.Report{Status: aldyn.ReportSubmitted, Progress: 90}, day(100), aldyn.MeasureAtRisk},
		{"on track", false, accepted(30), day(100), aldyn.MeasureOnTrack},                     // 27.4 % elapsed
		{"lag of 25 points is on track", false, accepted(25), day(182), aldyn.MeasureOnTrack}, // 49.9 % elapsed
		{"lag over 25 points", false, accepted(20), day(182), aldyn.MeasureAtRisk},
		{"due within 30 days, below 75", false, accepted(74), day(340), aldyn.MeasureAtRisk},
		{"due within 30 days, at 75", false, accepted(75), day(340), aldyn.MeasureOnTrack},
		{"last day is not overdue", false, accepted(90), date(2025, 12, 31).Add(23 * time.Hour), aldyn.MeasureOnTrack},
		{"overdue the day after", false, accepted(90), date(2026, 1, 1), aldyn.MeasureOverdue},
		{"overdue without reports", false, nil, date(2026, 3, 1), aldyn.MeasureOverdue},
	} {
		t.Run(tc.name, func(t *testing.T) {
			mm := *m
			mm.Cancelled = tc.cancelled
			if got := aldyn.MeasureStatus(&mm, tc.r, tc.now); got != tc.want {
				t.Errorf("got %s, want %s", got, tc.want)
			}
		})
	}
}

// dashboardFixture: 5 measures, 4 reports, 2 cycles, 3 indicators, seen on
// 2025-07-20, after the deadline of the latest cycle (2025-Q2).
func dashboardFixture() (*aldyn.Plan, []aldyn.Measure, []aldyn.Indicator, []aldyn.IndicatorValue, []aldyn.Report, []aldyn.ReportingCycle, time.Time) {
	plan := validPlan()
	cycles := []aldyn.ReportingCycle{
		{ID: 2, PlanID: 1, Period: "2025-Q2", From: date(2025, 4, 1), To: date(2025, 6, 30), Deadline: date(2025, 7, 15), Status: aldyn.CycleOpen},
		{ID: 1, PlanID: 1, Period: "2025-Q1", From: date(2025, 1, 1), To: date(2025, 3, 31), Deadline: date(2025, 4, 15), Status: aldyn.CycleClosed},
		{ID: 3, PlanID: 1, Period: "2025-Q3", From: date(2025, 7, 1).AddDate(0, 3, 0), To: date(2025, 12, 31), Deadline: date(2026, 1, 15)}, // not begun
	}
	bl := func(src string, n int64) aldyn.BudgetLine {
		return aldyn.BudgetLine{Source: src, AmountKGS: n, Funder: "f"}
	}
	measures := []aldyn.Measure{
		{ID: 11, Code: "1.1", ComponentCode: "4.1", ResponsibleBodyID: 100, Start: date(2025, 1, 1), Due: date(2025, 6, 30),
			Budget: []aldyn.BudgetLine{bl(aldyn.BudgetRepublican, 1000), bl(aldyn.BudgetLocal, 500)}},
		{ID: 12, Code: "1.2", ComponentCode: "4.1", ResponsibleBodyID: 100, Start: date(2025, 1, 1), Due: date(2025, 12, 31),
			Budget: []aldyn.BudgetLine{bl(aldyn.BudgetLocal, 2000)}},
		{ID: 13, Code: "2.1", ComponentCode: "5.1", ResponsibleBodyID: 200, Start: date(2025, 2, 1), Due: date(2025, 5, 31),
			Budget: []aldyn.BudgetLine{bl(aldyn.BudgetPartners, 3000)}},
		{ID: 14, Code: "2.2", ComponentCode: "", ResponsibleBodyID: 200, Start: date(2025, 6, 1), Due: date(2026, 6, 30),
			Budget: []aldyn.BudgetLine{bl(aldyn.BudgetOther, 400)}},
		{ID: 15, Code: "3.1", ComponentCode: "5.1", ResponsibleBodyID: 300, Start: date(2025, 1, 1), Due: date(2025, 12, 31), Cancelled: true,
			Budget: []aldyn.BudgetLine{bl(aldyn.BudgetRepublican, 700)}},
	}
	reports := []aldyn.Report{
		// M1 completed in Q1, on time.
		{ID: 1, CycleID: 1, MeasureID: 11, BodyID: 100, Status: aldyn.ReportAccepted, Progress: 100,
			Spent: []aldyn.BudgetLine{bl(aldyn.BudgetRepublican, 800)}, FirstSubmittedAt: ptr(date(2025, 4, 10)), DecidedAt: ptr(date(2025, 4, 12))},
		// M2 at 40 %, reported late for Q2.
		{ID: 2, CycleID: 2, MeasureID: 12, BodyID: 100, Status: aldyn.ReportAccepted, Progress: 40,
			Spent: []aldyn.BudgetLine{bl(aldyn.BudgetLocal, 300)}, FirstSubmittedAt: ptr(date(2025, 7, 18)), DecidedAt: ptr(date(2025, 7, 19))},
		// M3 claims 100 %, in time, not yet accepted: neither done nor spent.
		{ID: 3, CycleID: 2, MeasureID: 13, BodyID: 200, Status: aldyn.ReportSubmitted, Progress: 100,
			Spent: []aldyn.BudgetLine{bl(aldyn.BudgetPartners, 1000)}, FirstSubmittedAt: ptr(date(2025, 7, 10))},
		// M4's report is still a draft: missing.
		{ID: 4, CycleID: 2, MeasureID: 14, BodyID: 200, Status: aldyn.ReportDraft, Progress: 10},
		// A report on a measure of another plan is ignored.
		{ID: 5, CycleID: 2, MeasureID: 999, BodyID: 100, Status: aldyn.ReportAccepted, Progress: 100,
			Spent: []aldyn.BudgetLine{bl(aldyn.BudgetLocal, 1_000_000)}},
	}
	indicators := []aldyn.Indicator{
		{ID: 21, Code: "1", HigherIsBetter: false, BaselineValue: 100, BaselineYear: 2023, Targets: []aldyn.IndicatorTarget{{2025, 80}, {2026, 70}}},
		{ID: 22, Code: "2", HigherIsBetter: true, BaselineValue: 47, BaselineYear: 2019, Targets: []aldyn.IndicatorTarget{{2025, 60}}},
		{ID: 23, Code: "3", HigherIsBetter: true, BaselineValue: 0, BaselineYear: 2024, Targets: []aldyn.IndicatorTarget{{2026, 10}}},
	}
	values := []aldyn.IndicatorValue{
		{IndicatorID: 21, Period: "2024", Value: 90},
		{IndicatorID: 21, Period: "2023", Value: 100},
		{IndicatorID: 21, Period: "2024", TerritoryCode: "41705000000011", Value: 50}, // a district: not plan-wide
		{IndicatorID: 22, Period: "2024", TerritoryCode: batken, Value: 48},
		{IndicatorID: 99, Period: "2025", Value: 1},
	}
	return plan, measures, indicators, values, reports, cycles, date(2025, 7, 20)
}

func TestComputeDashboard(t *testing.T) {
	d := aldyn.ComputeDashboard(dashboardFixture())

	wantCounts := aldyn.StatusCounts{Total: 5, NotStarted: 1, OnTrack: 1, Overdue: 1, Done: 1, Cancelled: 1, DoneOnTime: 1}
	if d.Measures != wantCounts {
		t.Errorf("measures: got %+v, want %+v", d.Measures, wantCounts)
	}
	wantShares := aldyn.StatusShares{NotStarted: 0.2, OnTrack: 0.2, Overdue: 0.2, Done: 0.2, Cancelled: 0.2, DoneOnTime: 0.25}
	if d.Shares != wantShares {
		t.Errorf("shares: got %+v, want %+v", d.Shares, wantShares)
	}

	wantSources := []aldyn.SourceBudget{
		{Source: aldyn.BudgetRepublican, PlannedKGS: 1000, SpentKGS: 800}, // M5's 700 is cancelled
		{Source: aldyn.BudgetLocal, PlannedKGS: 2500, SpentKGS: 300},
		{Source: aldyn.BudgetPartners, PlannedKGS: 3000, SpentKGS: 0},
		{Source: aldyn.BudgetOther, PlannedKGS: 400, SpentKGS: 0},
	}
	if !slices.Equal(d.Budget.Sources, wantSources) {
		t.Errorf("budget sources: got %+v, want %+v", d.Budget.Sources, wantSources)
	}
	if d.Budget.PlannedKGS != 6900 || d.Budget.SpentKGS != 1100 || math.Abs(d.Budget.SpentShare-1100.0/6900) > 1e-12 {
		t.Errorf("budget: got %+v, want 6900 planned, 1100 spent", d.Budget)
	}

	wantComponents := []aldyn.GroupSummary{
		{ComponentCode: "", Measures: aldyn.StatusCounts{Total: 1, NotStarted: 1}, PlannedKGS: 400},
		{ComponentCode: "4.1", Measures: aldyn.StatusCounts{Total: 2, Done: 1, OnTrack: 1, DoneOnTime: 1}, PlannedKGS: 3500, SpentKGS: 1100},
		{ComponentCode: "5.1", Measures: aldyn.StatusCounts{Total: 2, Overdue: 1, Cancelled: 1}, PlannedKGS: 3000},
	}
	if !slices.Equal(d.Components, wantComponents) {
		t.Errorf("components:\n got %+v\nwant %+v", d.Components, wantComponents)
	}
	wantBodies := []aldyn.GroupSummary{
		{BodyID: 100, Measures: aldyn.StatusCounts{Total: 2, Done: 1, OnTrack: 1, DoneOnTime: 1}, PlannedKGS: 3500, SpentKGS: 1100},
		{BodyID: 200, Measures: aldyn.StatusCounts{Total: 2, Overdue: 1, NotStarted: 1}, PlannedKGS: 3400},
		{BodyID: 300, Measures: aldyn.StatusCounts{Total: 1, Cancelled: 1}},
	}
	if !slices.Equal(d.Bodies, wantBodies) {
		t.Errorf("bodies:\n got %+v\nwant %+v", d.Bodies, wantBodies)
	}

	if d.IndicatorCounts != (aldyn.IndicatorCounts{Total: 3, OnTrack: 1, OffTrack: 1, NoData: 1}) {
		t.Errorf("indicator counts: got %+v", d.IndicatorCounts)
	}
	for _, tc := range []struct {
		i                  int
		target             float64
		targetYear         int
		actual             float64
		period             string
		progress, expected float64
		state              string
	}{
		// 100 → 80 by 2025, 90 in 2024: half way, with half the time gone.
		{0, 80, 2025, 90, "2024", 0.5, 366.0 / 731, aldyn.IndicatorOnTrack},
		// 47 → 60 by 2025, 48 in 2024: 1/13 of the way, 1827/2192 of the time.
		{1, 60, 2025, 48, "2024", 1.0 / 13, 1827.0 / 2192, aldyn.IndicatorOffTrack},
	} {
		p := d.Indicators[tc.i]
		if p.TargetValue == nil || *p.TargetValue != tc.target || p.TargetYear != tc.targetYear ||
			p.ActualValue == nil || *p.ActualValue != tc.actual || p.ActualPeriod != tc.period ||
			math.Abs(*p.Progress-tc.progress) > 1e-9 || math.Abs(*p.Expected-tc.expected) > 1e-9 || p.State != tc.state {
			t.Errorf("indicator %d: got %+v (progress %v, expected %v)", tc.i, p, deref(p.Progress), deref(p.Expected))
		}
	}
	if p := d.Indicators[2]; p.State != aldyn.IndicatorNoData || p.ActualValue != nil || p.TargetYear != 2026 {
		t.Errorf("indicator without values: got %+v", p)
	}

	if d.Cycle == nil || d.Cycle.CycleID != 2 {
		t.Fatalf("cycle: got %+v, want the 2025-Q2 cycle", d.Cycle)
	}
	// M1 was done in Q1 and is not expected; M5 is cancelled.
	wantBodyReporting := []aldyn.BodyReporting{
		{BodyID: 100, Expected: 1, Submitted: 1, Accepted: 1, Late: 1},
		{BodyID: 200, Expected: 2, Submitted: 1, OnTime: 1, Missing: 1},
	}
	if !slices.Equal(d.Cycle.Bodies, wantBodyReporting) {
		t.Errorf("cycle bodies:\n got %+v\nwant %+v", d.Cycle.Bodies, wantBodyReporting)
	}
	if want := (aldyn.BodyReporting{Expected: 3, Submitted: 2, Accepted: 1, OnTime: 1, Late: 1, Missing: 1}); d.Cycle.Totals != want {
		t.Errorf("cycle totals: got %+v, want %+v", d.Cycle.Totals, want)
	}

	t.Run("before the deadline nothing is missing", func(t *testing.T) {
		plan, ms, inds, vals, reps, cycles, _ := dashboardFixture()
		d := aldyn.ComputeDashboard(plan, ms, inds, vals, reps, cycles, date(2025, 7, 12))
		if got := d.Cycle.Totals; got.Missing != 0 || got.Pending != 1 || got.Submitted != 2 {
			t.Errorf("got %+v, want 1 pending, 2 submitted, none missing", got)
		}
	})
	t.Run("done late", func(t *testing.T) {
		plan, ms, inds, vals, reps, cycles, now := dashboardFixture()
		reps[2].Status = aldyn.ReportAccepted // M3 at 100 % in Q2 …
		ms[2].Due = date(2025, 3, 15)         // … but it was due in Q1
		d := aldyn.ComputeDashboard(plan, ms, inds, vals, reps, cycles, now)
		if d.Measures.Done != 2 || d.Measures.DoneOnTime != 1 || d.Measures.Overdue != 0 {
			t.Errorf("got %+v, want 2 done, 1 on time", d.Measures)
		}
		ms[2].Due = date(2025, 4, 1) // due on the first day of Q2: on time
		d = aldyn.ComputeDashboard(plan, ms, inds, vals, reps, cycles, now)
		if d.Measures.DoneOnTime != 2 {
			t.Errorf("got %+v, want 2 done on time", d.Measures)
		}
	})
	t.Run("empty plan", func(t *testing.T) {
		d := aldyn.ComputeDashboard(validPlan(), nil, nil, nil, nil, nil, date(2025, 1, 1))
		if d.Measures.Total != 0 || d.Cycle != nil || d.Budget.SpentShare != 0 || len(d.Budget.Sources) != 4 {
			t.Errorf("got %+v", d)
		}
	})
}

func deref(p *float64) any {
	if p == nil {
		return nil
	}
	return *p
}

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

// benchmarkPlan builds a plan of the size the dashboard must handle:
// 2,000 measures, 4,000 indicators with 5 values each, 10 cycles and
// 20,000 reports.
func benchmarkPlan() (*aldyn.Plan, []aldyn.Measure, []aldyn.Indicator, []aldyn.IndicatorValue, []aldyn.Report, []aldyn.ReportingCycle, time.Time) {
	plan := validPlan()
	plan.StartYear, plan.EndYear = 2024, 2026
	var cycles []aldyn.ReportingCycle
	for i := range 10 {
		from := date(2024, time.Month(1+3*i), 1)
		cycles = append(cycles, aldyn.ReportingCycle{ID: int64(i + 1), PlanID: 1, Period: fmt.Sprint(i),
			From: from, To: from.AddDate(0, 3, -1), Deadline: from.AddDate(0, 3, 14), Status: aldyn.CycleOpen})
	}
	comps := []string{"4.1", "4.2", "4.3", "4.4", "4.5", "4.6", "4.7", "5.1", "5.2", "5.3", "5.4", "5.5", "5.6", ""}
	measures := make([]aldyn.Measure, 2000)
	for i := range measures {
		start := date(2024, time.Month(1+i%12), 1)
		measures[i] = aldyn.Measure{ID: int64(i + 1), PlanID: 1, Code: fmt.Sprintf("%d.%d", i/50+1, i%50+1),
			ComponentCode: comps[i%len(comps)], ResponsibleBodyID: int64(100 + i%150),
			Start: start, Due: start.AddDate(0, 6+i%18, 0), Cancelled: i%97 == 0,
			Budget: []aldyn.BudgetLine{{Source: aldyn.BudgetSources[i%4], AmountKGS: int64(1000 * (i%50 + 1))}, {Source: aldyn.BudgetLocal, AmountKGS: 500}}}
	}
	indicators := make([]aldyn.Indicator, 4000)
	values := make([]aldyn.IndicatorValue, 0, 20000)
	for i := range indicators {
		indicators[i] = aldyn.Indicator{ID: int64(i + 1), Code: fmt.Sprint(i + 1), HigherIsBetter: i%2 == 0,
			BaselineValue: 100, BaselineYear: 2023, Targets: []aldyn.IndicatorTarget{{2024, 90}, {2025, 80}, {2026, 70}}}
		for y := range 5 {
			values = append(values, aldyn.IndicatorValue{IndicatorID: int64(i + 1), Period: fmt.Sprintf("2024-Q%d", y%4+1), Value: float64(100 - y*3 - i%7)})
		}
	}
	statuses := aldyn.ReportStatuses
	reports := make([]aldyn.Report, 0, 20000)
	for c := range cycles {
		for i := range measures {
			at := cycles[c].Deadline.AddDate(0, 0, i%20-10)
			reports = append(reports, aldyn.Report{ID: int64(len(reports) + 1), CycleID: cycles[c].ID, MeasureID: measures[i].ID,
				BodyID: measures[i].ResponsibleBodyID, Status: statuses[(i+c)%4], Progress: min(100, 10*(c+1)+i%30),
				Spent: []aldyn.BudgetLine{{Source: aldyn.BudgetLocal, AmountKGS: 100}}, FirstSubmittedAt: &at, DecidedAt: &at})
		}
	}
	return plan, measures, indicators, values, reports, cycles, date(2026, 4, 20)
}

func BenchmarkComputeDashboard(b *testing.B) {
	plan, ms, inds, vals, reps, cycles, now := benchmarkPlan()
	b.ReportAllocs()
	for b.Loop() {
		d := aldyn.ComputeDashboard(plan, ms, inds, vals, reps, cycles, now)
		if d.Measures.Total != 2000 || d.Cycle == nil {
			b.Fatal("unexpected dashboard")
		}
	}
}

package aldyn_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/aldyn-kg/aldyn"
)

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

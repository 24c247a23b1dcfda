package store_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/store"
)

// mustReportWorld is an approved plan with one measure of the police and
// an open cycle.
func (f *planFixture) mustReportWorld(tb testing.TB) (*aldyn.Plan, *aldyn.Measure, *aldyn.Indicator, *aldyn.ReportingCycle) {
	tb.Helper()
	p := f.mustPlan(tb)
	ind := f.mustIndicator(tb, p.ID, "1")
	m := f.mustMeasure(tb, p.ID, "1", f.police, ind.ID)
	f.mustApprove(tb, p.ID)
	c := f.mustCycle(tb, p.ID, "2024-Q1", time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2024, 4, 10, 18, 0, 0, 0, time.UTC))
	return p, m, ind, c
}

// mustCycle creates the quarterly cycle period of plan planID, from the
// day from for three months, with its deadline.
func (f *planFixture) mustCycle(tb testing.TB, planID int64, period string, from, deadline time.Time) *aldyn.ReportingCycle {
	tb.Helper()
	c := &aldyn.ReportingCycle{PlanID: planID, Period: period, From: from, To: from.AddDate(0, 3, -1), Deadline: deadline}
	if err := f.db.CreateCycle(f.ctx, f.coord, c); err != nil {
		tb.Fatal(err)
	}
	return c
}

// mustStartedReport is a draft report of the police on the measure of
// mustReportWorld, saved on 2 April 2024 (the clock stays there).
func (f *planFixture) mustStartedReport(tb testing.TB) *aldyn.Report {
	tb.Helper()
	_, m, _, c := f.mustReportWorld(tb)
	f.clock = time.Date(2024, 4, 2, 10, 0, 0, 0, time.UTC)
	r := &aldyn.Report{CycleID: c.ID, MeasureID: m.ID, Progress: 10, Narrative: "Started"}
	f.mustSaveReport(tb, f.policeRep, r)
	return r
}

// mustSaveReport saves r as a.
func (f *planFixture) mustSaveReport(tb testing.TB, a *aldyn.Actor, r *aldyn.Report) {
	tb.Helper()
	if err := f.db.SaveReport(f.ctx, a, r); err != nil {
		tb.Fatal(err)
	}
}

func (f *planFixture) auditCount(tb testing.TB, entity string) int {
	return mustAuditCount(tb, f.db, entity)
}

// mustAuditCount counts the audit entries about entity.
func mustAuditCount(tb testing.TB, db *store.DB, entity string) int {
	tb.Helper()
	_, n, err := db.FindAuditEntries(context.Background(), aldyn.AuditFilter{Entity: &entity})
	if err != nil {
		tb.Fatal(err)
	}
	return n
}

func TestReportLifecycleKeepsHistory(t *testing.T) {
	f := mustPlanFixture(t)
	_, m, ind, c := f.mustReportWorld(t)
	f.clock = time.Date(2024, 4, 2, 10, 0, 0, 0, time.UTC)
	r := &aldyn.Report{CycleID: c.ID, MeasureID: m.ID, Progress: 40, Narrative: "Patrols held",
		Spent:  []aldyn.BudgetLine{{Source: aldyn.BudgetLocal, AmountKGS: 20000}},
		Values: []aldyn.IndicatorValue{{IndicatorID: ind.ID, Period: "2024-Q1", Value: 44}}}
	f.mustSaveReport(t, f.policeRep, r)
	if r.BodyID != f.police.ID || r.Status != aldyn.ReportDraft {
		t.Fatalf("saved: got body %d status %s", r.BodyID, r.Status)
	}
	dup := &aldyn.Report{CycleID: c.ID, MeasureID: m.ID, Narrative: "again"}
	mustCode(t, "second report for the cycle and measure", f.db.SaveReport(f.ctx, f.policeRep, dup), aldyn.ECONFLICT)

	steps := []struct {
		name    string
		fn      func() (*aldyn.Report, error)
		status  aldyn.ReportStatus
		version int
	}{
		{"submit", func() (*aldyn.Report, error) { return f.db.SubmitReport(f.ctx, f.policeRep, r.ID) }, aldyn.ReportSubmitted, 1},
		{"return", func() (*aldyn.Report, error) {
			return f.db.ReturnReport(f.ctx, f.coord, r.ID, "Attach the patrol log")
		}, aldyn.ReportReturned, 1},
		{"correct and resubmit", func() (*aldyn.Report, error) {
			fix := *r
			fix.Narrative, fix.Evidence = "Patrols held; log attached", []string{"log #12"}
			if err := f.db.SaveReport(f.ctx, f.policeRep, &fix); err != nil {
				return nil, err
			}
			return f.db.SubmitReport(f.ctx, f.policeRep, r.ID)
		}, aldyn.ReportSubmitted, 2},
		{"accept", func() (*aldyn.Report, error) { return f.db.AcceptReport(f.ctx, f.coord, r.ID, "") }, aldyn.ReportAccepted, 2},
	}
	for _, s := range steps {
		f.clock = f.clock.Add(24 * time.Hour)
		got, err := s.fn()
		if err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		if got.Status != s.status || got.Version != s.version {
			t.Errorf("%s: got %s v%d, want %s v%d", s.name, got.Status, got.Version, s.status, s.version)
		}
	}
	got, err := f.db.FindReportByID(f.ctx, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	first := time.Date(2024, 4, 3, 10, 0, 0, 0, time.UTC)
	if got.Narrative != "Patrols held; log attached" || got.FirstSubmittedAt == nil || !got.FirstSubmittedAt.Equal(first) ||
		got.DecidedBy != f.coord.UserID || len(got.Spent) != 1 || len(got.Values) != 1 || !slices.Equal(got.Evidence, []string{"log #12"}) {
		t.Errorf("accepted report: got %+v", got)
	}
	hist, err := f.db.ReportHistory(f.ctx, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	var trail []string
	for _, h := range hist {
		trail = append(trail, string(h.Status)+"/"+string(rune('0'+h.Version)))
	}
	if want := []string{"submitted/1", "returned/1", "submitted/2", "accepted/2"}; !slices.Equal(trail, want) {
		t.Errorf("history: got %v, want %v", trail, want)
	}
	if hist[1].Report.Comment != "Attach the patrol log" || hist[0].Report.Narrative != "Patrols held" {
		t.Errorf("snapshots: got %q, %q", hist[1].Report.Comment, hist[0].Report.Narrative)
	}
	// create, two saves (create, correction), four transitions
	if n := f.auditCount(t, "report"); n != 6 {
		t.Errorf("got %d report audit entries, want 6", n)
	}
	if vs, _ := f.db.FindIndicatorValues(f.ctx, ind.ID); len(vs) != 1 || vs[0].Value != 44 {
		t.Errorf("accepted values: got %+v", vs)
	}
}

// TestSaveReportRevision checks optimistic concurrency on reports: two
// edits made from the same revision, one after the other or at the same
// moment, save the first and refuse the other as stale, which changes
// nothing; an edit naming no revision is invalid.
func TestSaveReportRevision(t *testing.T) {
	f := mustPlanFixture(t)
	r := f.mustStartedReport(t)
	if r.Revision != 1 {
		t.Fatalf("new report: got revision %d, want 1", r.Revision)
	}
	first, second := *r, *r
	first.Narrative, second.Narrative = "Patrols held (first)", "Patrols held (second)"
	f.mustSaveReport(t, f.policeRep, &first)
	if first.Revision != 2 {
		t.Errorf("after a save: got revision %d, want 2", first.Revision)
	}
	err := f.db.SaveReport(f.ctx, f.policeRep, &second)
	mustCode(t, "save from an older revision", err, aldyn.ECONFLICT)
	var e *aldyn.Error
	if !errors.As(err, &e) || e.Message != "report.error.stale" || e.Fields["revision"] == "" {
		t.Errorf("stale save: got %#v, want report.error.stale on field revision", err)
	}
	none := first
	none.Revision = 0
	mustCode(t, "save without a revision", f.db.SaveReport(f.ctx, f.policeRep, &none), aldyn.EINVALID)
	got, err := f.db.FindReportByID(f.ctx, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Narrative != first.Narrative || got.Revision != 2 {
		t.Errorf("after the refused saves: got %q at revision %d, want %q at 2", got.Narrative, got.Revision, first.Narrative)
	}

	// Eight saves from revision 2 at once: one is saved, seven refused.
	const n = 8
	errs := make(chan error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			x := *got
			x.Narrative = fmt.Sprintf("Concurrent edit %d", i)
			errs <- f.db.SaveReport(f.ctx, f.policeRep, &x)
		}()
	}
	wg.Wait()
	close(errs)
	saved := 0
	for err := range errs {
		switch aldyn.ErrorCode(err) {
		case "":
			saved++
		case aldyn.ECONFLICT:
		default:
			t.Errorf("concurrent save: %v", err)
		}
	}
	if saved != 1 {
		t.Errorf("concurrent saves from one revision: %d saved, want 1", saved)
	}
	if got, err := f.db.FindReportByID(f.ctx, r.ID); err != nil || got.Revision != 3 {
		t.Errorf("after the concurrent saves: got revision %v (%v), want 3", got, err)
	}
}

func TestReportIllegalTransitionsChangeNothing(t *testing.T) {
	f := mustPlanFixture(t)
	r := f.mustStartedReport(t)
	tests := []struct {
		name   string
		before func()
		fn     func() error
		want   string
	}{
		{"accept a draft", nil, func() error { _, err := f.db.AcceptReport(f.ctx, f.coord, r.ID, ""); return err }, aldyn.ECONFLICT},
		{"return a draft", nil, func() error { _, err := f.db.ReturnReport(f.ctx, f.coord, r.ID, "no"); return err }, aldyn.ECONFLICT},
		{"submit for another body", nil, func() error { _, err := f.db.SubmitReport(f.ctx, f.okmotuRep, r.ID); return err }, aldyn.EFORBIDDEN},
		{"save for another body", nil, func() error {
			x := *r
			x.Progress = 90
			return f.db.SaveReport(f.ctx, f.okmotuRep, &x)
		}, aldyn.EFORBIDDEN},
		{"return without comment", func() {
			if _, err := f.db.SubmitReport(f.ctx, f.policeRep, r.ID); err != nil {
				t.Fatal(err)
			}
		}, func() error { _, err := f.db.ReturnReport(f.ctx, f.coord, r.ID, " "); return err }, aldyn.EINVALID},
		{"reporter accepts", nil, func() error { _, err := f.db.AcceptReport(f.ctx, f.okmotuRep, r.ID, ""); return err }, aldyn.EFORBIDDEN},
		{"submit twice", nil, func() error { _, err := f.db.SubmitReport(f.ctx, f.policeRep, r.ID); return err }, aldyn.ECONFLICT},
		{"edit a submitted report", nil, func() error { x := *r; return f.db.SaveReport(f.ctx, f.policeRep, &x) }, aldyn.ECONFLICT},
		{"return an accepted report", func() {
			if _, err := f.db.AcceptReport(f.ctx, f.coord, r.ID, "ok"); err != nil {
				t.Fatal(err)
			}
		}, func() error { _, err := f.db.ReturnReport(f.ctx, f.coord, r.ID, "late doubts"); return err }, aldyn.ECONFLICT},
		{"resubmit an accepted report", nil, func() error { _, err := f.db.SubmitReport(f.ctx, f.policeRep, r.ID); return err }, aldyn.ECONFLICT},
		{"attach to an accepted report", nil, func() error {
			return f.db.AddReportEvidence(f.ctx, f.policeRep, &store.ReportEvidence{ReportID: r.ID, FileName: "a.pdf",
				ContentType: "application/pdf", Size: 1, SHA256: strings.Repeat("0", 64), StorageKey: "k1"})
		}, aldyn.ECONFLICT},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.before != nil {
				tt.before()
			}
			before, _ := f.db.FindReportByID(f.ctx, r.ID)
			hist0, _ := f.db.ReportHistory(f.ctx, r.ID)
			audit0 := f.auditCount(t, "report")
			f.clock = f.clock.Add(time.Hour)
			mustCode(t, tt.name, tt.fn(), tt.want)
			after, _ := f.db.FindReportByID(f.ctx, r.ID)
			hist1, _ := f.db.ReportHistory(f.ctx, r.ID)
			if !reflect.DeepEqual(before, after) || len(hist1) != len(hist0) || f.auditCount(t, "report") != audit0 {
				t.Errorf("refused %s changed the report: %+v → %+v", tt.name, before, after)
			}
		})
	}
}

func TestReportEvidenceAndNotifications(t *testing.T) {
	f := mustPlanFixture(t)
	_, m, _, c := f.mustReportWorld(t)
	r := &aldyn.Report{CycleID: c.ID, MeasureID: m.ID, Narrative: "x"}
	f.mustSaveReport(t, f.policeRep, r)
	sum := "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
	e := &store.ReportEvidence{ReportID: r.ID, FileName: "photo.jpg", ContentType: "image/jpeg", Size: 1234, SHA256: sum, StorageKey: "ab/cd"}
	if err := f.db.AddReportEvidence(f.ctx, f.policeRep, e); err != nil {
		t.Fatal(err)
	}
	dup := *e
	mustCode(t, "same storage key", f.db.AddReportEvidence(f.ctx, f.policeRep, &dup), aldyn.ECONFLICT)
	mustCode(t, "another body's report", f.db.AddReportEvidence(f.ctx, f.okmotuRep, &store.ReportEvidence{ReportID: r.ID, FileName: "x",
		SHA256: sum, StorageKey: "x"}), aldyn.EFORBIDDEN)
	es, err := f.db.FindEvidence(f.ctx, r.ID)
	if err != nil || len(es) != 1 || !reflect.DeepEqual(es[0], e) {
		t.Errorf("evidence: got %+v %v, want %+v", es, err, e)
	}
	if gone, err := f.db.DeleteReportEvidence(f.ctx, f.policeRep, e.ID); err != nil || gone.StorageKey != "ab/cd" {
		t.Errorf("delete evidence: got %+v %v", gone, err)
	}

	n := &store.Notification{BodyID: f.police.ID, Kind: "report_returned", TextKey: "notify.report_returned",
		Args: map[string]any{"measure": "1"}, Link: "/reports/1"}
	if err := f.db.Notify(f.ctx, f.coord, n); err != nil {
		t.Fatal(err)
	}
	mine := store.NotificationFilter{UserID: f.policeRep.UserID, BodyID: f.police.ID, Unread: true}
	if ns, total, err := f.db.FindNotifications(f.ctx, mine); err != nil || total != 1 || ns[0].Args["measure"] != "1" {
		t.Errorf("notifications: got %d %v", total, err)
	}
	if _, total, _ := f.db.FindNotifications(f.ctx, store.NotificationFilter{UserID: f.okmotuRep.UserID, BodyID: f.okmotu.ID}); total != 0 {
		t.Errorf("another body sees %d notifications", total)
	}
	mustCode(t, "mark another's read", f.db.MarkNotificationRead(f.ctx, f.okmotuRep, n.ID), aldyn.ENOTFOUND)
	if err := f.db.MarkNotificationRead(f.ctx, f.policeRep, n.ID); err != nil {
		t.Fatal(err)
	}
	if _, total, _ := f.db.FindNotifications(f.ctx, mine); total != 0 {
		t.Errorf("after read: got %d unread", total)
	}
}

// TestReportOnMeasureNotBegun: a measure that begins after a cycle ends
// has no report in it; an overdue one still gets its report.
func TestReportOnMeasureNotBegun(t *testing.T) {
	f := mustPlanFixture(t)
	p := f.mustPlan(t)
	late := f.mustMeasure(t, p.ID, "1", f.police)
	x := *late
	x.Start = time.Date(2024, 7, 1, 0, 0, 0, 0, time.UTC)
	if err := f.db.UpdateMeasure(f.ctx, f.coord, late.ID, &x); err != nil {
		t.Fatal(err)
	}
	early := f.mustMeasure(t, p.ID, "2", f.police)
	x = *early
	x.Due = time.Date(2024, 1, 31, 0, 0, 0, 0, time.UTC)
	if err := f.db.UpdateMeasure(f.ctx, f.coord, early.ID, &x); err != nil {
		t.Fatal(err)
	}
	f.mustApprove(t, p.ID)
	c := f.mustCycle(t, p.ID, "2024-Q1", time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2024, 4, 10, 0, 0, 0, 0, time.UTC))
	err := f.db.SaveReport(f.ctx, f.policeRep, &aldyn.Report{CycleID: c.ID, MeasureID: late.ID, Progress: 10, Narrative: "n"})
	mustCode(t, "a report on a measure that begins in July", err, aldyn.EINVALID)
	q2 := f.mustCycle(t, p.ID, "2024-Q2", time.Date(2024, 4, 1, 0, 0, 0, 0, time.UTC), time.Date(2024, 7, 10, 0, 0, 0, 0, time.UTC))
	if err := f.db.SaveReport(f.ctx, f.policeRep, &aldyn.Report{CycleID: q2.ID, MeasureID: early.ID, Progress: 100, Narrative: "late"}); err != nil {
		t.Errorf("a report on an overdue measure: %v", err)
	}
}

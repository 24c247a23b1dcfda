package store_test

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/store"
)

// heldWithIssues records a held meeting in a new precinct with the issues
// given, as the police body's reporter.
func (f *residentFixture) heldWithIssues(tb testing.TB, local string, issues ...aldyn.ReportBackIssue) *aldyn.ReportBackMeeting {
	tb.Helper()
	m := f.meeting(f.mustPrecinct(tb, alamudun, local), f.policeA, f.clock.Add(-48*time.Hour))
	n := 12
	m.Status, m.Attendance, m.Issues = aldyn.ReportBackHeld, &n, issues
	if err := f.db.CreateReportBackMeeting(f.ctx, f.repA, m); err != nil {
		tb.Fatal(err)
	}
	return m
}

// TestReportBackIssueModeration: issues start unpublished, only a
// coordinator or administrator covering the precinct publishes them, with
// names blanked; a changed text is withdrawn, a kept one keeps its report
// and moderation, and every step is audited.
func TestReportBackIssueModeration(t *testing.T) {
	f := mustResidentFixture(t)
	ctx := f.ctx
	m := f.heldWithIssues(t, "MOD1",
		aldyn.ReportBackIssue{Text: "Сыдыков Мирлан коңшуларын коркутат, телефон 0555 111 222", Answer: "Текшерилет", CategoryID: f.cat["disorder_public"].ID},
		aldyn.ReportBackIssue{Text: "Көчөдө жарык жок", Answer: ""})
	got, err := f.db.FindReportBackMeetingByID(ctx, m.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Issues) != 2 || got.Issues[0].ID == 0 || got.Issues[0].ReportID == nil || got.Issues[0].Published || got.PendingIssues() != 2 {
		t.Fatalf("stored issues: %+v", got.Issues)
	}
	if pub := got.PublicIssues(); len(pub) != 0 {
		t.Fatalf("unmoderated issues are public: %+v", pub)
	}
	first := got.Issues[0]

	cases := []struct {
		name  string
		actor *aldyn.Actor
		issue int64
		mod   aldyn.IssueModeration
		code  string
	}{
		{"the reporter who typed it", f.repA, first.ID, aldyn.IssueModeration{Published: true}, aldyn.EFORBIDDEN},
		{"another territory's coordinator", f.coordB, first.ID, aldyn.IssueModeration{Published: true}, aldyn.EFORBIDDEN},
		{"the public", aldyn.Public, first.ID, aldyn.IssueModeration{Published: true}, aldyn.EFORBIDDEN},
		{"an issue of another meeting", f.coordA, first.ID + 1000, aldyn.IssueModeration{Published: true}, aldyn.ENOTFOUND},
		{"a blanked word too long", f.coordA, first.ID, aldyn.IssueModeration{Published: true, Redactions: []string{strings.Repeat("ы", aldyn.MaxRedactionWord+1)}}, aldyn.EINVALID},
		{"the territory's coordinator", f.coordA, first.ID, aldyn.IssueModeration{Published: true, Redactions: []string{" Сыдыков Мирлан ", ""}}, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := f.db.ModerateReportBackIssue(ctx, c.actor, m.ID, c.issue, c.mod)
			if got := aldyn.ErrorCode(err); got != c.code {
				t.Fatalf("got %q (%v), want %q", got, err, c.code)
			}
		})
	}
	got, err = f.db.FindReportBackMeetingByID(ctx, m.ID)
	if err != nil {
		t.Fatal(err)
	}
	pub := got.PublicIssues()
	if len(pub) != 1 || strings.Contains(pub[0].Text, "Сыдыков") || strings.Contains(pub[0].Text, "0555") || !strings.Contains(pub[0].Text, "коңшуларын") {
		t.Fatalf("public issues: got %+v, want the first only, name and phone blanked", pub)
	}
	if r := got.Issues[0].Redactions; len(r) != 1 || r[0] != "Сыдыков Мирлан" {
		t.Errorf("redactions: got %q, want the trimmed name only", r)
	}
	entity, id := "report_back_issue", itoa(first.ID)
	audit, _, err := f.db.FindAuditEntries(ctx, aldyn.AuditFilter{Entity: &entity, EntityID: &id})
	if err != nil || len(audit) != 1 {
		t.Fatalf("audit of the moderation: got %d entries (%v), want 1", len(audit), err)
	}

	// A save that keeps the first issue as it was keeps its moderation and
	// report; the second, rewritten, is new and unpublished.
	upd := *got
	upd.Issues = []aldyn.ReportBackIssue{{ID: first.ID, Text: got.Issues[0].Text, Answer: got.Issues[0].Answer}, {Text: "Көчөдө жарык жок, балдар коркушат"}}
	if err := f.db.UpdateReportBackMeeting(ctx, f.repA, m.ID, &upd); err != nil {
		t.Fatal(err)
	}
	got, _ = f.db.FindReportBackMeetingByID(ctx, m.ID)
	if len(got.Issues) != 2 || got.Issues[0].ID != first.ID || !got.Issues[0].Published || got.Issues[0].ReportID == nil || *got.Issues[0].ReportID != *first.ReportID ||
		got.Issues[1].Published {
		t.Fatalf("after an unchanged save: %+v", got.Issues)
	}
	// A changed answer withdraws the issue until it is moderated again.
	upd.Issues[0].Answer = "Участок инспектору текшерет"
	upd.Issues = upd.Issues[:1]
	if err := f.db.UpdateReportBackMeeting(ctx, f.repA, m.ID, &upd); err != nil {
		t.Fatal(err)
	}
	got, _ = f.db.FindReportBackMeetingByID(ctx, m.ID)
	if len(got.Issues) != 1 || got.Issues[0].Published || len(got.PublicIssues()) != 0 {
		t.Fatalf("after a changed answer: %+v, want one issue, withdrawn", got.Issues)
	}
}

// TestReportBackIssuesMigration: issues stored as JSON in the meeting row
// before the migration become rows, in order, unpublished, with their
// category and report.
func TestReportBackIssuesMigration(t *testing.T) {
	f := mustResidentFixture(t)
	ctx := f.ctx
	m := f.heldWithIssues(t, "MIG1")
	version := int64(24)
	if f.db.Dialect == store.Postgres {
		version = 25
	}
	if err := f.db.ApplyMigrationForTest(ctx, version, false); err != nil {
		t.Fatal(err)
	}
	cat := itoa(f.cat["disorder_public"].ID)
	issues := `[{"text":"Бакта түнкүсүн ызы-чуу","answer":"Рейд","category_id":` + cat + `},{"text":"Жарык жок","answer":""}]`
	if err := f.db.Update(ctx, aldyn.System, func(tx *store.Tx) error {
		return tx.ExecForTest(ctx, "UPDATE report_back_meetings SET issues_json = '"+issues+"' WHERE id = "+itoa(m.ID))
	}); err != nil {
		t.Fatal(err)
	}
	if err := f.db.ApplyMigrationForTest(ctx, version, true); err != nil {
		t.Fatal(err)
	}
	got, err := f.db.FindReportBackMeetingByID(ctx, m.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Issues) != 2 || got.Issues[0].Text != "Бакта түнкүсүн ызы-чуу" || got.Issues[0].Answer != "Рейд" || got.Issues[0].CategoryID != f.cat["disorder_public"].ID ||
		got.Issues[1].Text != "Жарык жок" || got.Issues[1].CategoryID != 0 || got.Issues[0].Published || got.Issues[1].Published {
		t.Fatalf("migrated issues: %+v", got.Issues)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

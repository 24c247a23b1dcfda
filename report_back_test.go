package aldyn

import (
	"strings"
	"testing"
	"time"
)

func TestReportBackMeetingValidate(t *testing.T) {
	now := time.Date(2026, 12, 6, 10, 0, 0, 0, time.UTC)
	future, past := now.Add(72*time.Hour), now.Add(-72*time.Hour)
	n := func(i int) *int { return &i }
	valid := func() *ReportBackMeeting {
		return &ReportBackMeeting{PrecinctCode: "41708203000000-D1", BodyID: 3, InspectorName: "Асанов Бакыт", InspectorRole: InspectorPrecinct,
			StartsAt: future, Place: "Аламүдүн айыл өкмөтүнүн жыйындар залы"}
	}
	held := func() *ReportBackMeeting {
		m := valid()
		m.StartsAt, m.Status, m.Attendance = past, ReportBackHeld, n(42)
		m.Issues = []ReportBackIssue{{Text: "Көчөдө жарык жок", Answer: "Айыл өкмөтүнө кайрылдык"}}
		return m
	}
	if err := valid().Validate(now); err != nil {
		t.Fatalf("valid scheduled meeting: %v", err)
	}
	if err := held().Validate(now); err != nil {
		t.Fatalf("valid held meeting: %v", err)
	}
	cases := []struct {
		name, field, key string
		m                *ReportBackMeeting
		edit             func(m *ReportBackMeeting)
	}{
		{"precinct missing", "precinct_code", "error.required", valid(), func(m *ReportBackMeeting) { m.PrecinctCode = "" }},
		{"precinct not a precinct", "precinct_code", "reportback.error.precinct", valid(), func(m *ReportBackMeeting) { m.PrecinctCode = "41708203000000" }},
		{"body missing", "body_id", "error.required", valid(), func(m *ReportBackMeeting) { m.BodyID = 0 }},
		{"inspector missing", "inspector_name", "error.required", valid(), func(m *ReportBackMeeting) { m.InspectorName = "  " }},
		{"inspector too long", "inspector_name", "error.too_long", valid(), func(m *ReportBackMeeting) { m.InspectorName = strings.Repeat("а", 201) }},
		{"inspector role", "inspector_role", "reportback.error.inspector_role", valid(), func(m *ReportBackMeeting) { m.InspectorRole = "chief" }},
		{"date missing", "starts_at", "error.required", valid(), func(m *ReportBackMeeting) { m.StartsAt = time.Time{} }},
		{"scheduled in the past", "starts_at", "reportback.error.past", valid(), func(m *ReportBackMeeting) { m.StartsAt = past }},
		{"place missing", "place", "error.required", valid(), func(m *ReportBackMeeting) { m.Place = "" }},
		{"place too long", "place", "error.too_long", valid(), func(m *ReportBackMeeting) { m.Place = strings.Repeat("ж", 301) }},
		{"status unknown", "status", "reportback.error.status", valid(), func(m *ReportBackMeeting) { m.Status = "cancelled" }},
		{"scheduled with attendance", "attendance", "reportback.error.attendance_not_held", valid(), func(m *ReportBackMeeting) { m.Attendance = n(3) }},
		{"scheduled with issues", "issues", "reportback.error.issues_not_held", valid(), func(m *ReportBackMeeting) { m.Issues = []ReportBackIssue{{Text: "x"}} }},
		{"scheduled with reason", "not_held_reason", "reportback.error.reason_scheduled", valid(), func(m *ReportBackMeeting) { m.NotHeldReason = "rain" }},
		{"held without attendance", "attendance", "reportback.error.attendance_required", held(), func(m *ReportBackMeeting) { m.Attendance = nil }},
		{"negative attendance", "attendance", "reportback.error.attendance", held(), func(m *ReportBackMeeting) { m.Attendance = n(-1) }},
		{"attendance too large", "attendance", "reportback.error.attendance", held(), func(m *ReportBackMeeting) { m.Attendance = n(MaxReportBackAttendance + 1) }},
		{"held in the future", "status", "reportback.error.future_outcome", held(), func(m *ReportBackMeeting) { m.StartsAt = future }},
		{"held with a reason", "not_held_reason", "reportback.error.reason_held", held(), func(m *ReportBackMeeting) { m.NotHeldReason = "rain" }},
		{"not held without reason", "not_held_reason", "reportback.error.reason_required", held(), func(m *ReportBackMeeting) {
			m.Status, m.Attendance, m.Issues = ReportBackNotHeld, nil, nil
		}},
		{"not held in the future", "status", "reportback.error.future_outcome", held(), func(m *ReportBackMeeting) {
			m.Status, m.Attendance, m.Issues, m.NotHeldReason, m.StartsAt = ReportBackNotHeld, nil, nil, "Жаан", future
		}},
		{"not held with attendance", "attendance", "reportback.error.attendance_not_held", held(), func(m *ReportBackMeeting) {
			m.Status, m.Issues, m.NotHeldReason = ReportBackNotHeld, nil, "Жаан"
		}},
		{"not held with issues", "issues", "reportback.error.issues_not_held", held(), func(m *ReportBackMeeting) {
			m.Status, m.Attendance, m.NotHeldReason = ReportBackNotHeld, nil, "Жаан"
		}},
		{"reason too long", "not_held_reason", "error.too_long", held(), func(m *ReportBackMeeting) {
			m.Status, m.Attendance, m.Issues, m.NotHeldReason = ReportBackNotHeld, nil, nil, strings.Repeat("ж", MaxReportBackText+1)
		}},
		{"issue without text", "issues.0", "reportback.error.issue_text", held(), func(m *ReportBackMeeting) { m.Issues[0].Text = " " }},
		{"issue too long", "issues.0", "error.too_long", held(), func(m *ReportBackMeeting) { m.Issues[0].Text = strings.Repeat("ж", MaxReportBackText+1) }},
		{"answer too long", "issues.0", "error.too_long", held(), func(m *ReportBackMeeting) { m.Issues[0].Answer = strings.Repeat("ж", MaxReportBackText+1) }},
		{"issue category negative", "issues.0", "error.reference", held(), func(m *ReportBackMeeting) { m.Issues[0].CategoryID = -1 }},
		{"issue as report too short", "issues.0", "residents.error.description_short", held(), func(m *ReportBackMeeting) {
			m.Issues[0].Text, m.Issues[0].CategoryID = "жарык", 2
		}},
		{"too many issues", "issues", "reportback.error.too_many_issues", held(), func(m *ReportBackMeeting) {
			for len(m.Issues) <= MaxReportBackIssues {
				m.Issues = append(m.Issues, ReportBackIssue{Text: "суроо"})
			}
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			c.edit(c.m)
			err := c.m.Validate(now)
			e, ok := err.(*Error)
			if !ok || e.Code != EINVALID {
				t.Fatalf("got %v, want a validation error", err)
			}
			if got := e.Fields[c.field]; got != c.key {
				t.Errorf("field %s: got %q, want %q (all: %v)", c.field, got, c.key, e.Fields)
			}
		})
	}
	t.Run("every bad field listed", func(t *testing.T) {
		err := (&ReportBackMeeting{Status: ReportBackHeld, StartsAt: past}).Validate(now)
		e, _ := err.(*Error)
		for _, f := range []string{"precinct_code", "body_id", "inspector_name", "inspector_role", "place", "attendance"} {
			if e == nil || e.Fields[f] == "" {
				t.Errorf("field %s not listed: %v", f, err)
			}
		}
	})
}

func TestReportBackTransitionAndPublic(t *testing.T) {
	if ReportBackHeld.CanTransition(ReportBackScheduled) || ReportBackNotHeld.CanTransition(ReportBackScheduled) {
		t.Error("an outcome went back to scheduled")
	}
	if !ReportBackScheduled.CanTransition(ReportBackHeld) || !ReportBackHeld.CanTransition(ReportBackNotHeld) {
		t.Error("an outcome could not be recorded or corrected")
	}
	m := &ReportBackMeeting{Issues: []ReportBackIssue{
		{Text: "Talant Asanov: call me on +996 555 123 456 or a@b.kg, PIN 21203199001234", Answer: "Wrote to Talant Asanov, 0312 62 45 67", Published: true,
			Redactions: []string{"talant asanov"}},
		{Text: "Not yet moderated: Aibek, 0700 111 222"}},
		NotHeldReason: "inspector ill, call 0555123456"}
	pub := m.PublicIssues()
	if len(pub) != 1 || m.PendingIssues() != 1 {
		t.Fatalf("public issues %+v, pending %d: want the published one only, one pending", pub, m.PendingIssues())
	}
	for _, s := range []string{pub[0].Text, pub[0].Answer, m.PublicReason()} {
		for _, bad := range []string{"555 123 456", "a@b.kg", "21203199001234", "62 45 67", "0555123456", "Talant", "Asanov"} {
			if strings.Contains(s, bad) {
				t.Errorf("public text %q keeps %q", s, bad)
			}
		}
	}
	if m.Issues[0].Text == pub[0].Text {
		t.Error("PublicIssues changed nothing")
	}
}

func TestCleanRedactions(t *testing.T) {
	got, err := CleanRedactions([]string{" Асанов ", "", "  ", "Айгүл"})
	if err != nil || len(got) != 2 || got[0] != "Асанов" || got[1] != "Айгүл" {
		t.Errorf("got %q, %v; want the two names trimmed", got, err)
	}
	if _, err := CleanRedactions([]string{strings.Repeat("ө", MaxRedactionWord+1)}); ErrorCode(err) != EINVALID {
		t.Errorf("a word too long: got %v, want EINVALID", err)
	}
}

func TestCanManageReportBack(t *testing.T) {
	precinct := "/41/41708/41708203000000/41708203000000-D1/"
	cases := []struct {
		a    *Actor
		want bool
	}{
		{System, true},
		{Public, false},
		{&Actor{Role: RoleReporter, BodyID: 7, TerritoryPath: "/41/41708/41708203000000/"}, true},
		{&Actor{Role: RoleReporter, BodyID: 8, TerritoryPath: "/41/41708/41708203000000/"}, false},
		{&Actor{Role: RoleAnalyst, BodyID: 7, TerritoryPath: "/41/41708/41708203000000/"}, false},
		{&Actor{Role: RoleCoordinator, BodyID: 9, TerritoryPath: "/41/41708/"}, true},
		{&Actor{Role: RoleCoordinator, BodyID: 9, TerritoryPath: "/41/41703/"}, false},
		{&Actor{Role: RoleAdministrator, TerritoryPath: "/41/"}, true},
	}
	for i, c := range cases {
		if got := c.a.CanManageReportBack(7, precinct); got != c.want {
			t.Errorf("case %d (%s): got %v, want %v", i, c.a.Role, got, c.want)
		}
	}
}

func TestQuarters(t *testing.T) {
	// 31 March 20:00 UTC is 1 April 02:00 in Bishkek: the second quarter.
	if y, q := QuarterOf(time.Date(2026, 3, 31, 20, 0, 0, 0, time.UTC)); y != 2026 || q != 2 {
		t.Errorf("got %d-Q%d, want 2026-Q2", y, q)
	}
	from, to := LastQuarters(time.Date(2026, 12, 6, 0, 0, 0, 0, time.UTC), 4)
	if !from.Equal(QuarterStart(2025, 4)) || !to.Equal(QuarterStart(2026, 4)) {
		t.Errorf("got %v – %v, want 2025-Q4 to 2026-Q4", from, to)
	}
}

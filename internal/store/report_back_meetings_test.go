package store_test

import (
	"testing"
	"time"

	"github.com/aldyn-kg/aldyn"
)

// mustPrecinct adds a precinct under parent.
func (f *residentFixture) mustPrecinct(tb testing.TB, parent, local string) string {
	tb.Helper()
	code := parent + "-" + local
	t := &aldyn.Territory{Code: code, ParentCode: parent, NameKy: "Участок " + local, NameRu: "Участок " + local, NameEn: "Precinct " + local}
	if err := f.db.CreatePrecinct(f.ctx, aldyn.System, t, nil); err != nil {
		tb.Fatal(err)
	}
	return code
}

func (f *residentFixture) meeting(precinct string, body *aldyn.Body, at time.Time) *aldyn.ReportBackMeeting {
	return &aldyn.ReportBackMeeting{PrecinctCode: precinct, BodyID: body.ID, InspectorName: "Асанов Бакыт", InspectorRole: aldyn.InspectorPrecinct,
		StartsAt: at, Place: "Айыл өкмөтүнүн жыйындар залы"}
}

func TestReportBackMeetingScope(t *testing.T) {
	f := mustResidentFixture(t)
	p1, p2 := f.mustPrecinct(t, alamudun, "P1"), f.mustPrecinct(t, alamudun, "P2")
	pSok := f.mustPrecinct(t, sokuluk, "S1")
	ctx := f.ctx
	{
		cases := []struct {
			name  string
			actor *aldyn.Actor
			m     *aldyn.ReportBackMeeting
			code  string
		}{
			{"the police body's reporter in its precinct", f.repA, f.meeting(p1, f.policeA, f.clock.Add(48*time.Hour)), ""},
			{"a reporter for another body", f.repChui, f.meeting(p1, f.policeA, f.clock.Add(48*time.Hour)), aldyn.EFORBIDDEN},
			{"the territory's coordinator", f.coordA, f.meeting(p2, f.policeA, f.clock.Add(72*time.Hour)), ""},
			{"another territory's coordinator", f.coordB, f.meeting(p2, f.policeA, f.clock.Add(72*time.Hour)), aldyn.EFORBIDDEN},
			{"the public", aldyn.Public, f.meeting(p2, f.policeA, f.clock.Add(72*time.Hour)), aldyn.EFORBIDDEN},
			{"a body that is not police", f.coordA, f.meeting(p1, f.lgA, f.clock.Add(48*time.Hour)), aldyn.EINVALID},
			{"a precinct outside the body's territory", aldyn.System, f.meeting(pSok, f.policeA, f.clock.Add(48*time.Hour)), aldyn.EINVALID},
			{"a district instead of a precinct", aldyn.System, f.meeting(alamudun, f.policeA, f.clock.Add(48*time.Hour)), aldyn.EINVALID},
			{"a date in the past", f.repA, f.meeting(p1, f.policeA, f.clock.Add(-time.Hour)), aldyn.EINVALID},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				err := f.db.CreateReportBackMeeting(ctx, c.actor, c.m)
				if got := aldyn.ErrorCode(err); got != c.code {
					t.Fatalf("got %q (%v), want %q", got, err, c.code)
				}
			})
		}
	}
}

func TestReportBackMeetings(t *testing.T) {
	f := mustResidentFixture(t)
	p1, p2 := f.mustPrecinct(t, alamudun, "P1"), f.mustPrecinct(t, alamudun, "P2")
	ctx := f.ctx
	district, err := f.db.FindTerritoryByCode(ctx, alamudun)
	if err != nil {
		t.Fatal(err)
	}

	// Meetings across two quarters: two in Q1 (one held, one not), one in Q2.
	m1 := f.meeting(p1, f.policeA, f.clock.Add(24*time.Hour))
	if err := f.db.CreateReportBackMeeting(ctx, f.repA, m1); err != nil {
		t.Fatal(err)
	}
	m2 := f.meeting(p1, f.policeA, f.clock.Add(5*24*time.Hour))
	m2.InspectorRole = aldyn.InspectorJuvenile
	if err := f.db.CreateReportBackMeeting(ctx, f.repA, m2); err != nil {
		t.Fatal(err)
	}
	m3 := f.meeting(p2, f.policeA, time.Date(2026, 4, 20, 12, 0, 0, 0, time.UTC))
	if err := f.db.CreateReportBackMeeting(ctx, f.coordA, m3); err != nil {
		t.Fatal(err)
	}

	t.Run("outcome before the meeting is refused", func(t *testing.T) {
		n := 10
		_, err := f.db.RecordReportBackOutcome(ctx, f.repA, m1.ID, &aldyn.ReportBackMeeting{Status: aldyn.ReportBackHeld, Attendance: &n})
		if aldyn.ErrorCode(err) != aldyn.EINVALID {
			t.Fatalf("got %v, want invalid", err)
		}
	})

	f.clock = f.clock.Add(10 * 24 * time.Hour) // both Q1 meetings are past
	n := 37
	held, err := f.db.RecordReportBackOutcome(ctx, f.repA, m1.ID, &aldyn.ReportBackMeeting{Status: aldyn.ReportBackHeld, Attendance: &n,
		Issues: []aldyn.ReportBackIssue{
			{Text: "Мектептин жанында кечинде мас адамдар чогулат, телефон 0555 123 456", Answer: "Кечки рейд уюштурулат", CategoryID: f.cat["disorder_public"].ID},
			{Text: "Жарык жок", Answer: "Айыл өкмөтүнө айтылды"},
		}})
	if err != nil {
		t.Fatal(err)
	}
	t.Run("an issue becomes a routed resident's report", func(t *testing.T) {
		id := held.Issues[0].ReportID
		if id == nil || held.Issues[1].ReportID != nil {
			t.Fatalf("report ids: got %v, %v; want the first issue only", held.Issues[0].ReportID, held.Issues[1].ReportID)
		}
		r, err := f.db.FindResidentReportByID(ctx, *id)
		if err != nil {
			t.Fatal(err)
		}
		if r.BodyID != f.policeA.ID || r.TerritoryCode != p1 || r.Status != aldyn.ResidentReceived {
			t.Errorf("report: body %d territory %s status %s; want body %d in %s, received", r.BodyID, r.TerritoryCode, r.Status, f.policeA.ID, p1)
		}
		// Saving the outcome again keeps the one report.
		again, err := f.db.RecordReportBackOutcome(ctx, f.coordA, m1.ID, &aldyn.ReportBackMeeting{Status: aldyn.ReportBackHeld, Attendance: &n, Issues: held.Issues})
		if err != nil {
			t.Fatal(err)
		}
		if again.Issues[0].ReportID == nil || *again.Issues[0].ReportID != *id {
			t.Errorf("report id after a second save: got %v, want %d", again.Issues[0].ReportID, *id)
		}
		list, total, err := f.db.FindResidentReports(ctx, aldyn.ResidentReportFilter{Territory: "/"})
		if err != nil || total != 1 || len(list) != 1 {
			t.Errorf("reports: got %d (%v), want 1", total, err)
		}
	})
	t.Run("outcome by another territory refused", func(t *testing.T) {
		_, err := f.db.RecordReportBackOutcome(ctx, f.coordB, m2.ID, &aldyn.ReportBackMeeting{Status: aldyn.ReportBackNotHeld, NotHeldReason: "Жаан"})
		if aldyn.ErrorCode(err) != aldyn.EFORBIDDEN {
			t.Fatalf("got %v, want forbidden", err)
		}
	})
	if _, err := f.db.RecordReportBackOutcome(ctx, f.repA, m2.ID, &aldyn.ReportBackMeeting{Status: aldyn.ReportBackNotHeld, NotHeldReason: "Инспектор ооруп калды"}); err != nil {
		t.Fatal(err)
	}
	t.Run("no way back to scheduled", func(t *testing.T) {
		m := *held
		m.Status, m.Attendance, m.Issues, m.StartsAt = aldyn.ReportBackScheduled, nil, nil, f.clock.Add(time.Hour)
		if err := f.db.UpdateReportBackMeeting(ctx, f.repA, m1.ID, &m); aldyn.ErrorCode(err) != aldyn.EINVALID {
			t.Fatalf("got %v, want invalid", err)
		}
	})

	t.Run("find with filters", func(t *testing.T) {
		heldSt, sch := aldyn.ReportBackHeld, aldyn.ReportBackScheduled
		from, to := time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC)
		cases := []struct {
			name string
			f    aldyn.ReportBackFilter
			want []int64
		}{
			{"all, soonest first", aldyn.ReportBackFilter{}, []int64{m1.ID, m2.ID, m3.ID}},
			{"newest first", aldyn.ReportBackFilter{Page: aldyn.Page{Sort: "starts", Desc: true}}, []int64{m3.ID, m2.ID, m1.ID}},
			{"held", aldyn.ReportBackFilter{Status: &heldSt}, []int64{m1.ID}},
			{"scheduled", aldyn.ReportBackFilter{Status: &sch}, []int64{m3.ID}},
			{"precinct", aldyn.ReportBackFilter{PrecinctCode: p2}, []int64{m3.ID}},
			{"territory", aldyn.ReportBackFilter{Territory: district.Path}, []int64{m1.ID, m2.ID, m3.ID}},
			{"period", aldyn.ReportBackFilter{From: &from, To: &to}, []int64{m3.ID}},
			{"scope of another district", aldyn.ReportBackFilter{Under: f.coordB.TerritoryPath}, nil},
			{"public scope", aldyn.ReportBackFilter{Under: aldyn.Public.ScopeUnder()}, nil},
			{"paging", aldyn.ReportBackFilter{Page: aldyn.Page{Limit: 1, Offset: 1}}, []int64{m2.ID}},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				ms, total, err := f.db.FindReportBackMeetings(ctx, c.f)
				if err != nil {
					t.Fatal(err)
				}
				var got []int64
				for _, m := range ms {
					got = append(got, m.ID)
				}
				if len(got) != len(c.want) {
					t.Fatalf("got %v, want %v", got, c.want)
				}
				for i := range got {
					if got[i] != c.want[i] {
						t.Fatalf("got %v, want %v", got, c.want)
					}
				}
				if c.f.Page.Limit == 0 && total != len(c.want) {
					t.Errorf("total %d, want %d", total, len(c.want))
				}
			})
		}
		m, err := f.db.FindReportBackMeetingByID(ctx, m1.ID)
		if err != nil || m.Attendance == nil || *m.Attendance != 37 || len(m.Issues) != 2 || m.PrecinctPath == "" {
			t.Errorf("by id: got %+v (%v)", m, err)
		}
		if _, err := f.db.FindReportBackMeetingByID(ctx, 999999); aldyn.ErrorCode(err) != aldyn.ENOTFOUND {
			t.Errorf("missing: got %v, want not found", err)
		}
	})

	t.Run("counts per precinct per quarter", func(t *testing.T) {
		got, err := f.db.CountReportBackMeetings(ctx, aldyn.ReportBackFilter{Territory: district.Path})
		if err != nil {
			t.Fatal(err)
		}
		want := []aldyn.ReportBackCount{
			{PrecinctCode: p1, Year: 2026, Quarter: 1, Held: 1, NotHeld: 1, Attendance: 37},
			{PrecinctCode: p2, Year: 2026, Quarter: 2, Scheduled: 1},
		}
		if len(got) != len(want) {
			t.Fatalf("got %+v, want %+v", got, want)
		}
		for i := range want {
			if got[i] != want[i] {
				t.Errorf("row %d: got %+v, want %+v", i, got[i], want[i])
			}
		}
		if n, err := f.db.CountPrecincts(ctx, district.Path); err != nil || n != 2 {
			t.Errorf("precincts in Alamüdün: got %d (%v), want 2", n, err)
		}
	})

	t.Run("audited", func(t *testing.T) {
		typ := "report_back_meeting"
		es, _, err := f.db.FindAuditEntries(ctx, aldyn.AuditFilter{Entity: &typ})
		if err != nil {
			t.Fatal(err)
		}
		// Three creations and three outcomes (one saved twice).
		if len(es) != 6 {
			t.Errorf("audit entries: got %d, want 6", len(es))
		}
	})
}

package residents_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/demo"
	"github.com/aldyn-kg/aldyn/internal/opendata"
	"github.com/aldyn-kg/aldyn/internal/store/storetest"
)

// TestReportBackDataset: the dataset counts meetings held, not held and
// planned and the residents who came, per precinct and Bishkek-time
// quarter, and carries no free text: no place, issue, answer, reason or
// name, published or not.
func TestReportBackDataset(t *testing.T) {
	ctx := context.Background()
	db := storetest.MustOpenDB(t)
	now := time.Date(2026, 5, 20, 6, 0, 0, 0, time.UTC)
	db.Now = func() time.Time { return now }
	police := &aldyn.Body{TerritoryCode: demo.Alamudun, Type: "police", NameKy: "ИИБ", NameRu: "ОВД", NameEn: "Police"}
	if err := db.CreateBody(ctx, aldyn.System, police); err != nil {
		t.Fatal(err)
	}
	p1, p2 := demo.Alamudun+"-DS1", demo.Alamudun+"-DS2"
	for _, code := range []string{p1, p2} {
		if err := db.CreatePrecinct(ctx, aldyn.System, &aldyn.Territory{Code: code, ParentCode: demo.Alamudun, NameKy: "Участок " + code[15:], NameRu: "Участок " + code[15:],
			NameEn: "Precinct " + code[15:]}, nil); err != nil {
			t.Fatal(err)
		}
	}
	const secret = "Жашыруун: Асанова Гүлмира 0555 444 333"
	n1, n2 := 40, 15
	meetings := []*aldyn.ReportBackMeeting{
		// Q1 in p1: one held (attendance 40), one not held. 31 March 20:00
		// in Bishkek is still Q1 there though 14:00 UTC.
		{PrecinctCode: p1, StartsAt: time.Date(2026, 2, 10, 12, 0, 0, 0, time.UTC), Status: aldyn.ReportBackHeld, Attendance: &n1,
			Issues: []aldyn.ReportBackIssue{{Text: secret, Answer: secret}}},
		{PrecinctCode: p1, StartsAt: time.Date(2026, 3, 31, 14, 0, 0, 0, time.UTC), Status: aldyn.ReportBackNotHeld, NotHeldReason: secret},
		// Q2 in p1: one held (15); 31 March 19:00 UTC is 1 April in Bishkek.
		{PrecinctCode: p1, StartsAt: time.Date(2026, 3, 31, 19, 0, 0, 0, time.UTC), Status: aldyn.ReportBackHeld, Attendance: &n2},
		// Q2 in p2: planned.
		{PrecinctCode: p2, StartsAt: time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)},
	}
	for _, m := range meetings {
		m.BodyID, m.InspectorName, m.InspectorRole, m.Place = police.ID, "Сатыбалдиев Курман", aldyn.InspectorPrecinct, secret
		if err := db.CreateReportBackMeeting(ctx, aldyn.System, m); err != nil {
			t.Fatal(err)
		}
	}
	// Publishing an issue changes nothing in the dataset.
	if _, err := db.ModerateReportBackIssue(ctx, aldyn.System, meetings[0].ID, meetings[0].Issues[0].ID, aldyn.IssueModeration{Published: true}); err != nil {
		t.Fatal(err)
	}
	d := opendata.Lookup("report-back-meetings-quarterly")
	if d == nil {
		t.Fatal("the dataset is not registered")
	}
	if !d.Title.Complete() || !d.Description.Complete() || !strings.ContainsAny(d.Description.KY, "ңөү") {
		t.Errorf("title or description not in three languages: %+v %+v", d.Title, d.Description)
	}
	tables, err := d.Build(ctx, opendata.Input{DB: db, K: 5, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	if len(tables) != 1 {
		t.Fatalf("got %d tables, want 1", len(tables))
	}
	tb := tables[0]
	idx := map[string]int{}
	for i, f := range tb.Fields {
		idx[f.Name] = i
		if !f.Title.Complete() || !f.Description.Complete() {
			t.Errorf("field %s lacks a title or description in a language", f.Name)
		}
	}
	got := map[string]string{}
	for _, r := range tb.Rows {
		for _, v := range r {
			if s, ok := v.(string); ok && (strings.Contains(s, "Асанова") || strings.Contains(s, "0555") || strings.Contains(s, "Сатыбалдиев")) {
				t.Errorf("the dataset carries free text or a name: %q", s)
			}
		}
		key := fmt.Sprintf("%s %s", r[idx["precinct_code"]], r[idx["quarter_label"]])
		got[key] = fmt.Sprintf("held %d not_held %d planned %d attendance %d district %s", r[idx["held"]], r[idx["not_held"]], r[idx["planned"]], r[idx["attendance"]],
			r[idx["district_code"]])
	}
	want := map[string]string{
		p1 + " 2026-Q1": "held 1 not_held 1 planned 0 attendance 40 district " + demo.Alamudun,
		p1 + " 2026-Q2": "held 1 not_held 0 planned 0 attendance 15 district " + demo.Alamudun,
		p2 + " 2026-Q2": "held 0 not_held 0 planned 1 attendance 0 district " + demo.Alamudun,
	}
	if len(got) != len(want) {
		t.Errorf("rows: got %v, want %v", got, want)
	}
	for k, w := range want {
		if got[k] != w {
			t.Errorf("%s: got %q, want %q", k, got[k], w)
		}
	}
}

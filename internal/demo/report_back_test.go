package demo_test

import (
	"testing"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/demo"
)

// TestDemoReportBackMeetings: the demo has report-back meetings held, not
// held and upcoming (relative to the day it is loaded) in the demo
// precincts, two issues sent on as demo residents' reports, a few issues
// published and a few awaiting moderation, and loading again adds nothing.
func TestDemoReportBackMeetings(t *testing.T) {
	ctx, db := mustDemoFoundation(t)
	for range 2 {
		if err := demo.LoadReportBackMeetings(ctx, db); err != nil {
			t.Fatal(err)
		}
	}
	ms, total, err := db.FindReportBackMeetings(ctx, aldyn.ReportBackFilter{Page: aldyn.Page{Limit: aldyn.MaxLimit}})
	if err != nil {
		t.Fatal(err)
	}
	now := db.Now()
	byStatus, upcoming, reports, published, pending := map[aldyn.ReportBackStatus]int{}, 0, 0, 0, 0
	for _, m := range ms {
		byStatus[m.Status]++
		if m.Upcoming(now) {
			upcoming++
		}
		if !m.Demo {
			t.Errorf("meeting %d is not marked demo", m.ID)
		}
		for _, is := range m.Issues {
			if is.ReportID != nil {
				reports++
			}
			if is.Published {
				published++
			} else {
				pending++
			}
		}
	}
	if total != 12 || byStatus[aldyn.ReportBackHeld] != 6 || byStatus[aldyn.ReportBackNotHeld] != 2 || upcoming != 4 || reports != 2 {
		t.Errorf("got %d meetings %v, %d upcoming, %d reports; want 12 (6 held, 2 not held, 4 upcoming), 2 reports", total, byStatus, upcoming, reports)
	}
	if published != 6 || pending != 2 {
		t.Errorf("got %d issues published and %d pending, want 6 (the first of each held meeting) and 2", published, pending)
	}
}

package demo_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"strings"
	"testing"
	"time"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/demo"
	"github.com/aldyn-kg/aldyn/internal/disclosure"
	"github.com/aldyn-kg/aldyn/internal/opendata"
	_ "github.com/aldyn-kg/aldyn/internal/residents"
	"github.com/aldyn-kg/aldyn/internal/store"
	"github.com/aldyn-kg/aldyn/internal/store/storetest"
)

// TestLoadResidents loads the demo residents' reports twice (the second
// time changes nothing) and checks they are what a demo needs: labelled
// demo, several districts, every status with public answers, overdue
// reports escalated with the commission notified, merged duplicates with
// their "+N", nothing dated after the day, and a quarterly open dataset
// with published (not withheld) counts.
func TestLoadResidents(t *testing.T) {
	ctx := context.Background()
	db := storetest.MustOpenDB(t)
	now := time.Date(2026, 12, 6, 9, 0, 0, 0, time.UTC)
	db.Now = func() time.Time { return now }
	if err := db.SeedReference(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := demo.Load(ctx, db, cheapHash, func() string { return "x" }); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if err := demo.LoadResidents(ctx, db); err != nil {
			t.Fatal(err)
		}
	}
	_, total, err := db.FindResidentReports(ctx, aldyn.ResidentReportFilter{IncludeMerged: true, Page: aldyn.Page{Limit: aldyn.MaxLimit}})
	if err != nil {
		t.Fatal(err)
	}
	if total != demo.ResidentReports {
		t.Fatalf("%d reports, want %d (loaded once)", total, demo.ResidentReports)
	}
	rs, err := aldyn.AllPages(aldyn.Page{}, func(p aldyn.Page) ([]*aldyn.ResidentReport, int, error) {
		return db.FindResidentReports(ctx, aldyn.ResidentReportFilter{IncludeMerged: true, Page: p})
	})
	if err != nil {
		t.Fatal(err)
	}
	statuses := map[aldyn.ResidentStatus]int{}
	places := map[string]bool{}
	var merged, supported, escalated, published, answers int
	for _, r := range rs {
		if !r.Demo || !strings.HasPrefix(r.Description, "[Демо]") {
			t.Fatalf("report %d is not labelled demo", r.ID)
		}
		if r.CreatedAt.After(now) || r.AnsweredAt != nil && r.AnsweredAt.After(now) {
			t.Errorf("report %d dated after the day", r.ID)
		}
		if r.Status.Closed() && r.AnsweredAt == nil {
			t.Errorf("report %d closed without a time", r.ID)
		}
		statuses[r.Status]++
		places[r.TerritoryCode] = true
		if r.DuplicateOf != nil {
			merged++
		}
		if r.Supporters > 0 {
			supported++
		}
		if r.Escalated {
			escalated++
			if !r.IsOverdue(now) {
				t.Errorf("report %d escalated, not overdue", r.ID)
			}
		} else if r.IsOverdue(now) {
			t.Errorf("report %d overdue, not escalated", r.ID)
		}
		if r.Published {
			published++
			if r.Status == aldyn.ResidentAnswered && r.PublicAnswer() != "" {
				answers++
			}
		}
	}
	for _, st := range aldyn.ResidentStatuses {
		if statuses[st] == 0 {
			t.Errorf("no demo report is %s", st)
		}
	}
	if len(places) < 5 {
		t.Errorf("reports in %d territories, want several districts", len(places))
	}
	t.Logf("statuses %v, territories %d, merged %d, with supporters %d, escalated %d, published %d", statuses, len(places), merged, supported, escalated, published)
	if merged == 0 || supported == 0 || escalated == 0 || answers < 100 {
		t.Errorf("merged %d, with supporters %d, escalated %d, published answers %d: want some of each", merged, supported, escalated, answers)
	}
	notes, _, err := db.FindNotifications(ctx, store.NotificationFilter{BodyID: mustBodyByName(t, db, demo.Alamudun, "Координационная комиссия Аламудинского района"), Page: aldyn.Page{Limit: 100}})
	if err != nil {
		t.Fatal(err)
	}
	overdue := 0
	for _, n := range notes {
		if n.Kind == "resident_overdue" {
			overdue++
		}
	}
	if overdue == 0 {
		t.Error("the Alamüdün commission was not notified of an overdue report")
	}
	k, err := disclosure.MinCellCount(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	b := opendata.BuildDataset(ctx, db, opendata.Lookup("resident-reports-quarterly"), opendata.Input{K: k})
	if b.Err != nil {
		t.Fatal(b.Err)
	}
	recs, err := csv.NewReader(bytes.NewReader(b.Resource("counts.csv").Body)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	shown, quarters := 0, map[string]bool{}
	for _, r := range recs[1:] {
		if r[10] != "true" && r[8] != "" && r[8] != "0" {
			shown++
			quarters[r[0]+"-Q"+r[1]] = true
		}
	}
	t.Logf("open dataset: %d counts shown in quarters %v", shown, quarters)
	if shown < 20 || len(quarters) < 4 {
		t.Errorf("the open dataset shows %d counts in %d quarters at k=%d, want a readable table", shown, len(quarters), k)
	}
}

func mustBodyByName(t *testing.T, db *store.DB, code, nameRu string) int64 {
	t.Helper()
	bs, _, err := db.FindBodies(context.Background(), aldyn.BodyFilter{TerritoryCode: &code, Page: aldyn.Page{Limit: aldyn.MaxLimit}})
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range bs {
		if b.NameRu == nameRu {
			return b.ID
		}
	}
	t.Fatalf("no body %q", nameRu)
	return 0
}

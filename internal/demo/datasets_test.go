package demo_test

import (
	"context"
	"testing"
	"time"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/demo"
	"github.com/aldyn-kg/aldyn/internal/store"
	"github.com/aldyn-kg/aldyn/internal/store/storetest"
)

// TestLoadDataSets loads the demo's reported figures and checks they hold
// what the demo promises: two years of accepted forms, some late, some
// returned, some with soft-rule warnings, some waiting for review, and a
// second load changing nothing.
func TestLoadDataSets(t *testing.T) {
	db, ctx := storetest.MustOpenDB(t), context.Background()
	db.Now = func() time.Time { return time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC) }
	pw := func() string { return "x" }
	hash := func(s string) (string, error) { return "h" + s, nil }
	if _, err := demo.Load(ctx, db, hash, pw); err != nil {
		t.Fatal(err)
	}
	if err := demo.LoadDataSets(ctx, db, hash, pw); err != nil {
		t.Fatal(err)
	}
	forms, err := aldyn.AllPages(aldyn.Page{}, func(p aldyn.Page) ([]*aldyn.DataForm, int, error) {
		return db.FindDataForms(ctx, aldyn.DataFormFilter{Page: p})
	})
	if err != nil {
		t.Fatal(err)
	}
	byStatus := map[aldyn.ReportStatus]int{}
	warned, resubmitted, years := 0, 0, map[string]bool{}
	for _, f := range forms {
		byStatus[f.Status]++
		if len(f.Warnings) > 0 {
			warned++
		}
		if f.Version > 1 {
			resubmitted++
		}
		years[f.Period[:4]] = true
	}
	if byStatus[aldyn.ReportAccepted] < 50 || byStatus[aldyn.ReportSubmitted] == 0 || warned == 0 || resubmitted == 0 || len(years) < 2 {
		t.Errorf("demo forms: %d by status %v, %d warned, %d resubmitted, years %v", len(forms), byStatus, warned, resubmitted, years)
	}
	rows, err := db.FindRollup(ctx, store.RollupFilter{Elements: []string{"po_issued"}, Territories: []string{demo.Country}})
	if err != nil || len(rows) == 0 {
		t.Errorf("no national roll-up: %v", err)
	}
	if err := demo.LoadDataSets(ctx, db, hash, pw); err != nil {
		t.Fatal(err)
	}
	_, total, _ := db.FindDataForms(ctx, aldyn.DataFormFilter{})
	if total != len(forms) {
		t.Errorf("a second load changed the forms: %d → %d", len(forms), total)
	}
}

package demo_test

import (
	"context"
	"testing"
	"time"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/demo"
	"github.com/aldyn-kg/aldyn/internal/store/storetest"
)

// TestDemoOffensesRunToLastMonth: loaded on 6 December 2026 (the store's
// clock), the demo records run from January 2019 to November 2026, the
// last complete month, with none in December.
func TestDemoOffensesRunToLastMonth(t *testing.T) {
	ctx := context.Background()
	db := storetest.MustOpenDB(t)
	db.Now = func() time.Time { return time.Date(2026, 12, 6, 9, 0, 0, 0, time.UTC) }
	if err := db.SeedReference(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := demo.LoadOffenses(ctx, db, 0.01, nil); err != nil {
		t.Fatal(err)
	}
	from, to, ok, err := db.OffensePeriod(ctx)
	if err != nil || !ok {
		t.Fatalf("no records: %v", err)
	}
	if want := time.Date(2019, 1, 1, 0, 0, 0, 0, time.UTC); !from.Equal(want) {
		t.Errorf("records start %v, want %v", from, want)
	}
	if want := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC); !to.Equal(want) {
		t.Errorf("records end before %v, want before %v (November 2026 the last month)", to, want)
	}
	rows, err := db.OffenseCounts(ctx, aldyn.CountsQuery{By: []string{aldyn.ByYear, aldyn.ByMonth}})
	if err != nil {
		t.Fatal(err)
	}
	months := map[[2]int]bool{}
	for _, r := range rows {
		months[[2]int{r.Year, r.Month}] = true
	}
	if !months[[2]int{2026, 11}] || months[[2]int{2026, 12}] {
		t.Errorf("November 2026 has records: %v, December: %v; want yes, no", months[[2]int{2026, 11}], months[[2]int{2026, 12}])
	}
}

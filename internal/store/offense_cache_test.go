package store_test

import (
	"context"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/aldyn-kg/aldyn"
)

// TestCountsFromMemoryEqualSQL: the counts summed over the aggregate kept
// in memory equal those the database sums, for every grouping, depth,
// scope, category, source and period tried; and an import seen by another
// handle on the same database (as from the command line) shows at the next
// count, whichever handle or process imported (the check is in the database).
func TestCountsFromMemoryEqualSQL(t *testing.T) {
	ctx := context.Background()
	w, _ := MustImportedWorld(t, "cache", 3000, 500)
	from := time.Date(2021, 3, 1, 0, 0, 0, 0, time.UTC)
	to := time.Date(2023, 8, 1, 0, 0, 0, 0, time.UTC)
	bys := [][]string{nil, {aldyn.ByCategory}, {aldyn.ByTerritory}, {aldyn.ByYear, aldyn.ByMonth}, {aldyn.ByYear, aldyn.ByQuarter},
		{aldyn.ByTerritory, aldyn.ByCategory, aldyn.ByYear, aldyn.ByMonth}, {aldyn.BySource, aldyn.ByCategory}, {aldyn.ByMonth, aldyn.ByTerritory, aldyn.ByMonth}}
	unders := []string{"", w.paths["41708000000000"], w.paths[offDistrict], "\x00"}
	n := 0
	for _, by := range bys {
		for depth := 1; depth <= 3; depth++ {
			for _, under := range unders {
				for _, cats := range [][]string{nil, {aldyn.CategoryTheft, aldyn.CategoryFraud}} {
					for _, period := range []bool{false, true} {
						q := aldyn.CountsQuery{By: by, Depth: depth, Under: under, Categories: cats}
						if period {
							q.From, q.To, q.Source = &from, &to, aldyn.SourceCrimes
						}
						mem, err := w.db.OffenseCounts(ctx, q)
						if err != nil {
							t.Fatal(err)
						}
						sql, err := w.db.OffenseCountsSQLForTest(ctx, q)
						if err != nil {
							t.Fatal(err)
						}
						if len(mem) == 0 && len(sql) == 0 {
							continue
						}
						n++
						if !reflect.DeepEqual(mem, sql) {
							t.Fatalf("%+v: memory %d rows, SQL %d rows; first %v / %v", q, len(mem), len(sql), first(mem), first(sql))
						}
					}
				}
			}
		}
	}
	if n < 100 {
		t.Errorf("only %d non-empty queries compared", n)
	}
	before, err := w.db.OffenseCounts(ctx, aldyn.CountsQuery{})
	if err != nil || len(before) != 1 {
		t.Fatalf("total: %v %v", before, err)
	}
	MustImport(t, w.db, w.MustOffenses(t, "later", 10), 10)
	after, err := w.db.OffenseCounts(ctx, aldyn.CountsQuery{})
	if err != nil || after[0].Count != before[0].Count+10 {
		t.Errorf("after importing 10 more: %v, was %v (%v)", after, before, err)
	}
}

func first(rs []aldyn.CountRow) string {
	if len(rs) == 0 {
		return "none"
	}
	return fmt.Sprintf("%+v", rs[0])
}

package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/aldyn-kg/aldyn"
)

// TestTimeProfileFromAggregateEqualsScan: the weekday × hour table read
// from offense_hourly equals the one counted over the records, for every
// scope, category, register and whole-year period tried, after a first
// import and after one that repeats some records (the paths that count only
// the rows actually inserted).
func TestTimeProfileFromAggregateEqualsScan(t *testing.T) {
	ctx := context.Background()
	w := MustOffenseWorld(t)
	offs := w.MustOffenses(t, "hourly", 2000)
	MustImport(t, w.db, offs[:1500], 500)
	check := func(stage string) {
		t.Helper()
		y2021 := time.Date(2021, 1, 1, 0, 0, 0, 0, time.UTC)
		y2024 := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
		n := 0
		for _, under := range []string{"", "/", w.paths["41708000000000"], w.paths[offDistrict]} {
			for _, cats := range [][]string{nil, {aldyn.CategoryTheft}} {
				for _, src := range []string{"", aldyn.SourceCrimes} {
					for _, period := range [][2]*time.Time{{nil, nil}, {&y2021, &y2024}, {&y2021, nil}} {
						f := aldyn.OffenseFilter{Under: under, Categories: cats, Source: src, From: period[0], To: period[1]}
						g1, u1, err := w.db.OffenseTimeProfile(ctx, f)
						if err != nil {
							t.Fatal(err)
						}
						g2, u2, err := w.db.OffenseTimeProfileScanForTest(ctx, f)
						if err != nil {
							t.Fatal(err)
						}
						if g1 != g2 || u1 != u2 {
							t.Fatalf("%s, %+v: aggregate and scan differ (unknown %d / %d)", stage, f, u1, u2)
						}
						if u2 > 0 || g2 != ([7][24]int{}) {
							n++
						}
					}
				}
			}
		}
		if n < 20 {
			t.Errorf("%s: only %d non-empty tables compared", stage, n)
		}
	}
	check("first import")
	MustImport(t, w.db, offs[1000:], 500) // 500 stored already, 500 new
	check("overlapping import")
}

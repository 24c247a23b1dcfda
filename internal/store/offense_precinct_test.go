package store_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/store"
)

// TestTopPrecinctsAfterOverlappingImport: the precincts' ranking, read
// from offense_precinct_monthly for whole months and from the records
// otherwise, equals the one counted over the records imported, after a
// first import and after one that repeats some records (only the rows
// actually inserted may be counted).
func TestTopPrecinctsAfterOverlappingImport(t *testing.T) {
	ctx := context.Background()
	w := MustOffenseWorld(t)
	offs := w.MustOffenses(t, "precincts", 2000)
	date := func(y, m, d int) *time.Time {
		t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
		return &t
	}
	filters := []aldyn.OffenseFilter{
		{}, {Under: w.paths[offDistrict]}, {Under: w.paths[offOtherDistrict]}, {PrecinctCode: offPrecinctA},
		{From: date(2021, 1, 1), To: date(2022, 1, 1)}, {From: date(2020, 7, 1)}, {To: date(2021, 3, 1), Source: aldyn.SourceCrimes},
		{Categories: []string{aldyn.CategoryTheft}, From: date(2020, 1, 1)},
		{From: date(2020, 7, 15), To: date(2021, 3, 2)}, // not whole months: counted over the records
	}
	check := func(stage string, stored []aldyn.Offense) {
		t.Helper()
		nonEmpty := 0
		for _, f := range filters {
			want := wantTopPrecincts(w.paths, stored, f)
			got, err := w.db.TopPrecincts(ctx, f, 10)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%s, %+v: got %v, want %v", stage, f, got, want)
			}
			if len(want) > 0 {
				nonEmpty++
			}
		}
		if nonEmpty < len(filters)-2 {
			t.Errorf("%s: only %d of %d rankings had precincts", stage, nonEmpty, len(filters))
		}
	}
	MustImport(t, w.db, offs[:1500], 1500)
	check("first import", offs[:1500])
	MustImport(t, w.db, offs[1000:], 500) // 500 stored already, 500 new
	check("overlapping import", offs)

	// The migration's back-fill over the records gives the same.
	stmts := append([]string{"DELETE FROM offense_precinct_monthly"}, migrationBackFill(t, w.db.Dialect, "offense_precinct_monthly")...)
	if len(stmts) != 2 {
		t.Fatalf("back-fill statements: %q", stmts)
	}
	if err := w.db.Update(ctx, aldyn.System, func(tx *store.Tx) error {
		for _, q := range stmts {
			if err := tx.ExecForTest(ctx, q); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	check("migration back-fill", offs)
}

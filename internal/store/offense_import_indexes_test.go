package store_test

import (
	"context"
	"maps"
	"testing"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/store"
	"github.com/aldyn-kg/aldyn/internal/store/storetest"
)

func mustOffenseIndexes(tb testing.TB, db *store.DB) map[string]string {
	tb.Helper()
	m, err := db.OffenseIndexesForTest(context.Background())
	if err != nil {
		tb.Fatal(err)
	}
	if m["offenses_scope"] == "" || m["offenses_precinct"] == "" {
		tb.Fatalf("offenses has indexes %v; want offenses_scope and offenses_precinct among them", m)
	}
	return m
}

// TestDeferredOffenseIndexes: a first load into an empty offenses table
// (SQLite) builds the secondary indexes at Commit; whatever happens to the
// import — committed, rolled back, or the process stopped with them
// dropped — the table ends with the indexes the migrations define, and
// later imports keep them as they go.
func TestDeferredOffenseIndexes(t *testing.T) {
	store.SetImportChunkForTest(t, 1000)
	ctx := context.Background()
	dsn := storetest.MustDSN(t)
	db, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.SeedReference(ctx); err != nil {
		t.Fatal(err)
	}
	want := mustOffenseIndexes(t, db) // as migrated
	w := MustOffenseWorldOn(t, db)
	sqlite := db.Dialect == store.SQLite

	// Rolled back after several batches: no record, the indexes back.
	imp := mustStage(t, db, w.MustOffenses(t, "a", 3000))
	if got := imp.IndexesDeferredForTest(); got != sqlite {
		t.Errorf("first import into an empty table: indexes deferred %v, want %v", got, sqlite)
	}
	if err := imp.Rollback(ctx, "test"); err != nil {
		t.Fatal(err)
	}
	if got := mustOffenseIndexes(t, db); !maps.Equal(got, want) {
		t.Errorf("after rollback: indexes %v; want %v", got, want)
	}
	if n := mustRows(t, db); n != 0 {
		t.Errorf("after rollback: %d rows; want 0", n)
	}

	// Committed: the records counted, the indexes as migrated and used.
	first := w.MustOffenses(t, "b", 3000)
	imp = mustStage(t, db, first)
	if err := imp.Commit(ctx, store.OffenseImportCounts{}); err != nil {
		t.Fatal(err)
	}
	if got := mustOffenseIndexes(t, db); !maps.Equal(got, want) {
		t.Errorf("after commit: indexes %v; want %v", got, want)
	}
	checkCounts(t, w, first, byOblastMonth)
	if n := total(t, db, aldyn.OffenseFilter{TerritoryCode: offDistrict}); n == 0 {
		t.Errorf("no record found by territory after the first load")
	}

	// A later import keeps the indexes.
	imp = mustStage(t, db, w.MustOffenses(t, "c", 2000))
	if imp.IndexesDeferredForTest() {
		t.Errorf("import into a table with records: indexes deferred")
	}
	if err := imp.Commit(ctx, store.OffenseImportCounts{}); err != nil {
		t.Fatal(err)
	}

	// Stopped with the indexes dropped: the next start restores them.
	if sqlite {
		err := db.Update(ctx, aldyn.System, func(tx *store.Tx) error {
			return tx.ExecForTest(ctx, `DROP INDEX offenses_scope; DROP INDEX offenses_precinct`)
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
	if db, err = store.Open(ctx, dsn); err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if got := mustOffenseIndexes(t, db); !maps.Equal(got, want) {
		t.Errorf("after a restart: indexes %v; want %v", got, want)
	}
}

package store_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/store"
)

// TestOffenseIndexFile: the records in memory are saved to a file, and
// the next handle on the same database reads them back from it and reads
// from the database only the imports done since; the file is not used
// when it is damaged, saved for another database or for imports that are
// no longer as they were, and the index read from the database instead
// is the same.
func TestOffenseIndexFile(t *testing.T) {
	ctx := context.Background()
	w, offs := MustImportedWorld(t, "file", 2000, 500)
	file := filepath.Join(t.TempDir(), "offense-index.bin")

	// open starts a handle on the database (or dsn) with the file and
	// waits until its index is up to date.
	open := func(dsn string, imports ...[]aldyn.Offense) *store.DB {
		t.Helper()
		db, err := store.Open(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		for _, offs := range imports {
			MustImport(t, db, offs, 300)
		}
		if err := db.PrepareOffenseIndex(ctx, file); err != nil {
			t.Fatal(err)
		}
		if err := db.WaitOffenseIndexForTest(ctx); err != nil {
			t.Fatal(err)
		}
		return db
	}
	// check says whether db's index holds every record of all, and reads
	// fromFile of them from the file.
	country := aldyn.BBox{MinLon: aldyn.MinLon, MinLat: aldyn.MinLat, MaxLon: aldyn.MaxLon, MaxLat: aldyn.MaxLat}
	check := func(name string, db *store.DB, all []aldyn.Offense, fromFile int) {
		t.Helper()
		if got := db.OffenseIndexFromFileForTest(); got != fromFile {
			t.Errorf("%s: %d records read from the file, want %d", name, got, fromFile)
		}
		want := wantLocations(w, all, aldyn.OffenseFilter{Under: w.paths[offDistrict]}, country)
		got, fromIndex := mustLocations(t, db, aldyn.OffenseFilter{Under: w.paths[offDistrict]}, country)
		if !fromIndex || !reflect.DeepEqual(got, want) || len(want) == 0 {
			t.Errorf("%s: %d locations in the district from the index (%v), want %d", name, len(got), fromIndex, len(want))
		}
		checkIndexCount(t, name, db, len(all))
	}

	first := open(w.db.DSN)
	check("first run, no file", first, offs, 0)
	if st, err := os.Stat(file); err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("index file after the first run: %v, %v", st, err)
	}
	first.Close()

	// An import while no server runs: the next run reads the file and
	// then the new import's records, and saves both.
	later := w.MustOffenses(t, "file-later", 300)
	all := append(offs, later...)
	check("second run", open(w.db.DSN, append(later, offs[:40]...)), all, len(offs))
	saved, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	check("third run", open(w.db.DSN), all, len(all))

	// Not used: a damaged copy, a copy of another database's index, a
	// copy whose imports changed since.
	for name, damage := range map[string]func(){
		"damaged": func() {
			b := append([]byte(nil), saved...)
			b[len(b)/2] ^= 0x10
			os.WriteFile(file, b, 0o600)
		},
		"torn":               func() { os.WriteFile(file, saved[:len(saved)-5000], 0o600) },
		"not a file of ours": func() { os.WriteFile(file, []byte("offense records, perhaps"), 0o600) },
	} {
		damage()
		check(name, open(w.db.DSN), all, 0)
	}
	os.WriteFile(file, saved, 0o600)
	other := MustOffenseWorld(t)
	MustImport(t, other.db, offs, 500)
	check("another database", open(other.db.DSN), offs, 0)

	os.WriteFile(file, saved, 0o600)
	if err := w.db.Update(ctx, aldyn.System, func(tx *store.Tx) error {
		return tx.ExecForTest(ctx, "UPDATE offense_imports SET inserted = inserted + 1 WHERE inserted = 300")
	}); err != nil {
		t.Fatal(err)
	}
	check("an import changed", open(w.db.DSN), all, 0)

	if w.db.Dialect == store.SQLite {
		// The imports as saved, but not their records: later imports are
		// read past the last record's rowid, which must be as it was.
		os.WriteFile(file, saved, 0o600)
		if err := w.db.Update(ctx, aldyn.System, func(tx *store.Tx) error {
			return errors.Join(tx.ExecForTest(ctx, "UPDATE offense_imports SET inserted = inserted - 1 WHERE inserted = 301"),
				tx.ExecForTest(ctx, "DELETE FROM offenses WHERE rowid = (SELECT MAX(rowid) FROM offenses)"))
		}); err != nil {
			t.Fatal(err)
		}
		db := open(w.db.DSN)
		if got := db.OffenseIndexFromFileForTest(); got != 0 {
			t.Errorf("a record gone: %d records read from the file, want 0", got)
		}
		checkIndexCount(t, "a record gone", db, len(all)-1)
	}
}

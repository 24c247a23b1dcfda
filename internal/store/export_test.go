package store

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/aldyn-kg/aldyn"
)

// ExecForTest runs raw SQL in a transaction; tests use it to prove what
// the schema refuses.
func (tx *Tx) ExecForTest(ctx context.Context, q string) error {
	_, err := tx.exec(ctx, q)
	return err
}

// OffenseCountsSQLForTest sums counts in the database, to compare with
// the in-memory aggregate OffenseCounts reads.
func (db *DB) OffenseCountsSQLForTest(ctx context.Context, q aldyn.CountsQuery) ([]aldyn.CountRow, error) {
	return db.offenseCountsSQL(ctx, q)
}

// OffenseTimeProfileScanForTest counts the weekday × hour table over the
// records, to compare with offense_hourly.
func (db *DB) OffenseTimeProfileScanForTest(ctx context.Context, f aldyn.OffenseFilter) ([7][24]int, int, error) {
	return db.offenseTimeProfileScan(ctx, f)
}

// OffenseLocationsSQLForTest reads record locations from the database, to
// compare with the in-memory index.
func (db *DB) OffenseLocationsSQLForTest(ctx context.Context, f aldyn.OffenseFilter, bbox aldyn.BBox, fn func(aldyn.OffensePoint) bool) error {
	return db.offenseLocationsSQL(ctx, f, bbox, fn)
}

// WaitOffenseIndexForTest brings the location index up to date and
// returns when OffenseLocations answers from it and the index is saved,
// if it is saved anywhere.
func (db *DB) WaitOffenseIndexForTest(ctx context.Context) error {
	for range 20 {
		idx, err := db.recordIndex(ctx)
		db.records.wg.Wait()
		if err != nil || idx != nil {
			return err
		}
	}
	return errors.New("the location index did not catch up")
}

// OffenseIndexFromFileForTest is how many records the index read from its
// file when it started.
func (db *DB) OffenseIndexFromFileForTest() int {
	db.records.mu.Lock()
	defer db.records.mu.Unlock()
	return db.records.fromFile
}

// OffenseTimeProfileIndexForTest counts the weekday × hour table over the
// records in memory; ok is false when the index is not up to date.
func (db *DB) OffenseTimeProfileIndexForTest(ctx context.Context, f aldyn.OffenseFilter) (grid [7][24]int, unknown int, ok bool, err error) {
	idx, err := db.recordIndex(ctx)
	if err != nil || idx == nil {
		return grid, 0, false, err
	}
	grid, unknown = idx.timeProfile(f)
	return grid, unknown, true, nil
}

// OffenseRowsForTest counts the rows of offenses, published or not.
func (db *DB) OffenseRowsForTest(ctx context.Context) (n int, err error) {
	err = db.queryRow(ctx, `SELECT COUNT(*) FROM offenses`).Scan(&n)
	return n, err
}

// SetImportChunkForTest makes imports write at most rows records per
// batch until the test ends.
func SetImportChunkForTest(tb testing.TB, rows int) {
	old := importChunkRows
	importChunkRows = rows
	tb.Cleanup(func() { importChunkRows = old })
}

// SetImportLeaseForTest shortens how long an import's beat must stand
// still before another import takes it for dead, until the test ends.
func SetImportLeaseForTest(tb testing.TB, lease time.Duration) {
	old := importLease
	importLease = lease
	tb.Cleanup(func() { importLease = old })
}

// StopBeatForTest stops the import's heartbeat, as if its process hung.
func (imp *OffenseImport) StopBeatForTest() {
	if imp.stopBeat != nil {
		imp.stopBeat()
		imp.stopBeat = nil
	}
}

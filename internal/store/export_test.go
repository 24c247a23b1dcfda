package store

import (
	"context"

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

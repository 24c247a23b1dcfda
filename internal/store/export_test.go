package store

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
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

// OffenseCountsSQLForTest is OffenseCounts summed by the database, to
// compare with the in-memory aggregate OffenseCounts reads: the same rows
// in the same order.
func (db *DB) OffenseCountsSQLForTest(ctx context.Context, q aldyn.CountsQuery) ([]aldyn.CountRow, error) {
	group, read, by, err := countsPlan(q)
	if err != nil {
		return nil, err
	}
	var keys []string
	for _, b := range by {
		switch b {
		case aldyn.ByCategory, aldyn.BySource, aldyn.ByYear, aldyn.ByMonth:
			keys = append(keys, b)
		case aldyn.ByQuarter:
			keys = append(keys, "(month + 2) / 3")
		case aldyn.ByTerritory:
			if read == group {
				keys = append(keys, "territory_path")
			} else {
				keys = append(keys, ancestorPathSQL("territory_path", strconv.Itoa(group)))
			}
		}
	}
	where, args := monthlyWhere(q, read)
	sel, groupBy := "SELECT ", ""
	if len(keys) > 0 {
		sel += strings.Join(keys, ", ") + ", "
		var nums []string
		for i := range keys {
			nums = append(nums, strconv.Itoa(i+1))
		}
		groupBy = " GROUP BY " + strings.Join(nums, ", ")
	}
	// COALESCE for the query without groups over no rows.
	sel += "CAST(COALESCE(SUM(count), 0) AS BIGINT), CAST(COALESCE(SUM(solved), 0) AS BIGINT), CAST(COALESCE(SUM(synthetic), 0) AS BIGINT) FROM offense_monthly"
	rows, err := db.query(ctx, sel+where+groupBy, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []aldyn.CountRow
	for rows.Next() {
		var r aldyn.CountRow
		var category, source, path string
		var year, quarter, month int64
		into := map[string]any{aldyn.ByCategory: &category, aldyn.BySource: &source, aldyn.ByYear: &year, aldyn.ByMonth: &month,
			aldyn.ByQuarter: &quarter, aldyn.ByTerritory: &path}
		var dest []any
		for _, b := range by {
			if d, ok := into[b]; ok {
				dest = append(dest, d)
			}
		}
		if err := rows.Scan(append(dest, &r.Count, &r.Solved, &r.Synthetic)...); err != nil {
			return nil, err
		}
		if r.Count == 0 {
			continue // the query without groups over no rows
		}
		r.Category, r.Source = category, source
		r.Year, r.Quarter, r.Month = int(year), int(quarter), int(month)
		if path != "" {
			r.TerritoryCode = pathCode(path)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	slices.SortFunc(out, compareCountRows)
	return out, nil
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

// OffenseIndexesForTest returns offenses' indexes other than the primary
// key's, by name, with the statement that defines them.
func (db *DB) OffenseIndexesForTest(ctx context.Context) (map[string]string, error) {
	q := `SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'offenses' AND sql IS NOT NULL`
	if db.Dialect == Postgres {
		q = `SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'offenses' AND schemaname = current_schema() AND indexname <> 'offenses_pkey'`
	}
	return scanMap[string, string](ctx, db, q)
}

// IndexesDeferredForTest tells whether the import builds offenses'
// secondary indexes at Commit.
func (imp *OffenseImport) IndexesDeferredForTest() bool { return imp.deferIndexes }

// ApplyMigrationForTest applies (up) or reverts (down) one migration of
// the database's dialect, for tests of what a migration does to rows.
func (db *DB) ApplyMigrationForTest(ctx context.Context, version int64, up bool) error {
	p, err := db.provider(db.w)
	if err != nil {
		return err
	}
	_, err = p.ApplyVersion(ctx, version, up)
	return err
}

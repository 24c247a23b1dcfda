package store

// SQLite's write path of an offense import: multi-row INSERT OR IGNORE
// statements in short batch transactions.

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// flushSQLiteBatch writes the buffered rows in the open transaction, or
// a new one, and commits it when another write waits for the connection
// or it has been open for importTxMax.
func (imp *OffenseImport) flushSQLiteBatch(ctx context.Context) error {
	stmt, ok := imp.stmts[len(imp.buf)]
	if !ok {
		// Prepared on the pool, whose one connection the open
		// transaction holds: end it first.
		if err := imp.endTx(nil); err != nil {
			return err
		}
		var err error
		if stmt, err = imp.sqliteInsert(ctx, len(imp.buf)); err != nil {
			return err
		}
	}
	if imp.tx == nil {
		if err := imp.beginTx(ctx); err != nil {
			return err
		}
	}
	if err := imp.dropOffenseIndexes(ctx); err != nil {
		return imp.endTx(err)
	}
	if err := imp.flushSQLite(ctx, stmt); err != nil {
		return imp.endTx(err)
	}
	if imp.db.w.Stats().WaitCount != imp.txWaits || time.Since(imp.txStart) >= importTxMax {
		return imp.endTx(nil)
	}
	return nil
}

// A first load into an empty offenses table builds the table's secondary
// indexes once, at Commit, instead of row by row: sorting a million keys
// once costs far less than a million insertions into two B-trees (with the
// sqlite3 CLI, 40 % less processor time for a million rows). The import
// drops them in its first batch transaction, while no record is visible
// yet; Commit creates them in the transaction that publishes the import,
// Rollback after deleting the records, and Open (ensureOffenseIndexes)
// after a crash in between. Later imports keep them, as they add few rows
// to many. The statements are the migrations' (TestDeferredOffenseIndexes).
var offenseSecondaryIndexes = [...]struct{ name, create string }{
	{"offenses_scope", `CREATE INDEX IF NOT EXISTS offenses_scope ON offenses(territory_path, day)`},
	{"offenses_precinct", `CREATE INDEX IF NOT EXISTS offenses_precinct ON offenses(precinct_code, day) WHERE precinct_code <> ''`},
}

// dropOffenseIndexes drops the secondary indexes in the open transaction,
// once, when the import defers them.
func (imp *OffenseImport) dropOffenseIndexes(ctx context.Context) error {
	if !imp.deferIndexes || imp.indexesDropped {
		return nil
	}
	for _, ix := range offenseSecondaryIndexes {
		if _, err := imp.tx.ExecContext(ctx, `DROP INDEX IF EXISTS `+ix.name); err != nil {
			return imp.db.normalize(err)
		}
	}
	imp.indexesDropped = true
	return nil
}

// createOffenseIndexes creates the secondary indexes that are missing, in
// ex (a transaction or the write pool).
func createOffenseIndexes(ctx context.Context, ex interface {
	ExecContext(context.Context, string, ...any) (sql.Result, error)
}) error {
	for _, ix := range offenseSecondaryIndexes {
		if _, err := ex.ExecContext(ctx, ix.create); err != nil {
			return err
		}
	}
	return nil
}

// ensureOffenseIndexes restores the secondary indexes an import dropped
// and did not get to create again (the process stopped in between). It
// writes only when one is missing.
func (db *DB) ensureOffenseIndexes(ctx context.Context) error {
	if db.Dialect != SQLite {
		return nil
	}
	var n int
	err := db.w.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_master WHERE type = 'index' AND tbl_name = 'offenses'
		AND name IN ('offenses_scope', 'offenses_precinct')`).Scan(&n)
	if err == nil && n < len(offenseSecondaryIndexes) {
		err = createOffenseIndexes(ctx, db.w)
	}
	if err != nil {
		return fmt.Errorf("offense indexes: %w", db.normalize(err))
	}
	return nil
}

func isoDate(t time.Time) string { return t.Format(time.DateOnly) }

// sqliteInsert returns the statement that inserts n rows, prepared on the
// write pool before the batch's transaction takes its one connection, so
// that it outlives the transaction.
func (imp *OffenseImport) sqliteInsert(ctx context.Context, n int) (*sql.Stmt, error) {
	if stmt, ok := imp.stmts[n]; ok {
		return stmt, nil
	}
	var b strings.Builder
	// OR IGNORE, not ON CONFLICT (id) DO NOTHING: with the NOT NULL
	// constraints able to abort the statement, the upsert form makes
	// SQLite keep a statement journal, a copy of every page the
	// statement changes, which costs a third of the time. Rows are
	// complete by construction (row), so only the primary key can
	// conflict, and the counts come from the rows actually inserted.
	b.WriteString("INSERT OR IGNORE INTO offenses (" + offenseCols + ", import_id) VALUES ")
	row := "(" + strings.Repeat("?, ", offenseInsertCol) + strconv.FormatInt(imp.ID, 10) + ")"
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(row)
	}
	stmt, err := imp.db.w.PrepareContext(ctx, b.String())
	if err != nil {
		return nil, imp.db.normalize(err)
	}
	imp.stmts[n] = stmt
	return stmt, nil
}

func (imp *OffenseImport) flushSQLite(ctx context.Context, stmt *sql.Stmt) error {
	n := len(imp.buf)
	stmt = imp.tx.StmtContext(ctx, stmt)
	defer stmt.Close()
	// In key order, consecutive inserts into the primary key's index
	// find their pages still in the CPU's cache.
	slices.SortFunc(imp.buf, func(a, b offenseRow) int { return strings.Compare(a.o.ID, b.o.ID) })
	args := imp.args[:0]
	for i := range imp.buf {
		r := &imp.buf[i]
		o := &r.o
		var occurred any
		if !o.OccurredOn.IsZero() {
			occurred = isoDate(o.OccurredOn)
		}
		args = append(args, o.ID, o.Source, o.Category, o.Subgroup, o.Article, isoDate(o.RegisteredOn), occurred, o.OccurredMinute,
			isoDate(r.day), r.year, r.month, r.weekday, r.hour, o.TerritoryCode, r.path, o.PrecinctCode,
			o.Lat, o.Lon, o.PlaceType, o.Solved, o.DamageKGS, r.synthetic)
	}
	imp.args = args
	res, err := stmt.ExecContext(ctx, args...)
	clear(args)
	if err != nil {
		return imp.db.normalize(err)
	}
	affected, err := res.RowsAffected()
	if err != nil {
		return err
	}
	imp.inserted += affected
	imp.existing += int64(n) - affected
	if affected == int64(n) {
		// Every row is new: count them from memory.
		imp.countBuffered()
	} else if affected > 0 {
		// Some were stored before: count the rows this statement added,
		// which are the ones past the highest rowid before it (rowids are
		// allocated upwards, and only the import that holds the import
		// slot writes records).
		rows, err := imp.tx.QueryContext(ctx, `SELECT `+countedCols+` FROM offenses WHERE rowid > ?`, imp.lastRowid)
		if err != nil {
			return imp.db.normalize(err)
		}
		got, err := imp.countRows(rows)
		if err != nil {
			return imp.db.normalize(err)
		}
		if got != affected {
			return fmt.Errorf("offense import: %d rows inserted but %d found past rowid %d", affected, got, imp.lastRowid)
		}
	}
	if affected > 0 {
		if imp.lastRowid, err = res.LastInsertId(); err != nil {
			return err
		}
	}
	return nil
}

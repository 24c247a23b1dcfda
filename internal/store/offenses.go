package store

// Offense records, their imports and the counts served from the monthly
// aggregate.
//
// An import commits its records in batches of bounded size, each its own
// short write transaction, so that other writes (a login, a report) wait
// for one batch at most, never for the whole import (with SQLite, every
// write shares one connection). Its records carry its import_id and stay
// out of every count, map and table (offenseFilter, the index in memory)
// while its log row says running; Commit publishes them in one last
// transaction that adds the import's counts to the aggregates
// (offense_monthly, offense_hourly, offense_precinct_monthly) and marks the
// row done. So readers see all of an import or none of it. A record whose
// id is already stored is skipped (SQLite: INSERT OR IGNORE; PostgreSQL:
// COPY until a conflict, then INSERT … ON CONFLICT DO NOTHING), so a record
// an earlier import stored stays as it was and re-importing a file changes
// nothing. A failed import deletes its records, in batches too, before its
// row says failed; the records of a killed one stay hidden until the next
// import deletes them (offense_import_slot.go: one import writes at a
// time, and a live one proves it by its heartbeat).
//
// Territory levels in the aggregate: materialized paths are made of 14-digit
// SOATE codes, "/<country>/<region>/<district>/", so the ancestor at depth d
// of a territory is the first 1+15d characters of its path (the whole path
// when it is shorter: a territory counts as its own ancestor at the depths
// below it), and a path's code is its last 14 characters before the final
// slash. offense_monthly counts every record once at each depth 1–3 (see
// the migration), so that a query reads the rows of one depth.

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aldyn-kg/aldyn"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

// OffenseImportMeta describes the file an import reads.
type OffenseImportMeta struct {
	FileName string
	Format   string // csv, jsonl, xlsx, demo …
	SHA256   string // when known before reading; Commit's counts may set it
	// Synthetic marks every record of the import as synthetic demo data.
	Synthetic bool
	// CacheMiB is the page cache of the SQLite connection while it imports
	// (DefaultImportCacheMiB when 0): more is faster on large tables, whose
	// random primary key is written all over its index.
	CacheMiB int
}

// DefaultImportCacheMiB is the SQLite page cache of an import.
const DefaultImportCacheMiB = 16

// OffenseImportCounts are what the importer counted in the file, recorded
// in the log at Commit.
type OffenseImportCounts struct {
	SHA256     string // of the whole file; replaces the one given at Begin when set
	RowsRead   int64
	Accepted   int64
	Rejected   int64
	Duplicates int64 // rows repeating an earlier row of the file
}

// OffenseImport is an import in progress. It is the importer's Sink
// (Add). Always end it with Commit or Rollback. Between calls it holds no
// connection and no transaction. It is not safe for concurrent use.
type OffenseImport struct {
	ID int64

	db       *DB
	actor    *aldyn.Actor
	meta     OffenseImportMeta
	paths    map[string]string // territory code → path
	chunk    int               // rows per INSERT (SQLite) or COPY (PostgreSQL), and per transaction
	buf      []offenseRow
	finished bool
	inserted int64
	existing int64
	// claimed says the import holds the import slot and so may have
	// written records; stopBeat ends its heartbeat.
	claimed  bool
	stopBeat func()
	// SQLite: the highest rowid of offenses before the import wrote
	// (its records lie past it), and so far.
	firstRowid, lastRowid int64
	// PostgreSQL: whether chunks still go straight into offenses (see
	// flushPostgres).
	direct bool
	ctxErr func() error
	// What Fail logs.
	failCounts *OffenseImportCounts
	failArgs   string

	// The batch transaction in progress, only within a call.
	conn    *sql.Conn
	tx      *sql.Tx
	txStart time.Time

	// The counts of the rows known to be new, one entry per territory ×
	// category × source × month, so bounded whatever the file size; added
	// to offense_monthly at Commit.
	cells     map[cellKey]*cellCount
	hours     map[hourKey]int64          // counts by weekday and hour, see offense_hourly
	precincts map[precinctKey]*cellCount // counts by precinct, see offense_precinct_monthly
	stmts     map[int]*sql.Stmt          // SQLite: prepared on the write pool, by rows
	args      []any
}

type offenseRow struct {
	o             aldyn.Offense
	path          string
	day           time.Time
	year, month   int
	weekday, hour int
	synthetic     bool
}

type cellKey struct {
	depth                  int
	path, category, source string
	year, month            int
}

// hourKey is a row of offense_hourly: records of the country or an
// oblast (depths 1 and 2) and a category in a year by weekday and hour
// (-1 for unknown). Deeper scopes are counted over the records, which
// their path index finds quickly; more keys would cost imports more than
// they save.
type hourKey struct {
	depth               int
	path, category      string
	year, weekday, hour int
}

// precinctKey is a row of offense_precinct_monthly: the records of a
// precinct, a category and a register in a month.
type precinctKey struct {
	code, category, source string
	year, month            int
}

// hourlyDepths are the depths offense_hourly counts records at.
const hourlyDepths = aldyn.DepthRegion

type cellCount struct {
	count, solved, synthetic int64
}

// aggregateDepths are the depths offense_monthly counts records at.
const aggregateDepths = aldyn.DepthDistrict

// Rows of one SQLite INSERT: as many as the statement's parameter limit
// (32766) allows, some 1,500, which SQLite writes in tens of milliseconds;
// PostgreSQL's batches can be larger, as its writers do not wait for each
// other's transactions.
const (
	sqliteMaxVars    = 32766
	offenseInsertCol = 22 // parameters per row; import_id is a literal
	pgCopyRows       = 50000
)

const offenseCols = `id, source, category, subgroup, article, registered_on, occurred_on, occurred_minute, day, year, month, weekday, hour,
	territory_code, territory_path, precinct_code, lat, lon, place_type, solved, damage_kgs, synthetic`

// BeginOffenseImport logs a running import and waits until no other
// import writes (see claimImportSlot).
func (db *DB) BeginOffenseImport(ctx context.Context, actor *aldyn.Actor, meta OffenseImportMeta) (*OffenseImport, error) {
	paths, err := db.TerritoryPaths(ctx)
	if err != nil {
		return nil, fmt.Errorf("begin offense import: %w", err)
	}
	imp := &OffenseImport{db: db, actor: actor, meta: meta, paths: paths, ctxErr: ctx.Err,
		cells: map[cellKey]*cellCount{}, hours: map[hourKey]int64{}, precincts: map[precinctKey]*cellCount{}}
	var uid *int64
	name := "system"
	if actor != nil {
		if actor.UserID != 0 {
			uid = &actor.UserID
		}
		if actor.Login != "" {
			name = actor.Login
		}
	}
	err = db.Update(ctx, actor, func(tx *Tx) error {
		return tx.queryRow(ctx, `INSERT INTO offense_imports (started_at, actor, user_id, file_name, sha256, format, status, synthetic)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			tx.now, name, uid, meta.FileName, meta.SHA256, meta.Format, aldyn.ImportRunning, meta.Synthetic).Scan(&imp.ID)
	})
	if err != nil {
		return nil, fmt.Errorf("begin offense import: %w", db.normalize(err))
	}
	if db.Dialect == Postgres {
		imp.chunk, imp.direct = pgCopyRows, true
	} else {
		imp.chunk, imp.stmts = sqliteMaxVars/offenseInsertCol, map[int]*sql.Stmt{}
	}
	if importChunkRows > 0 {
		imp.chunk = min(imp.chunk, importChunkRows)
	}
	if err := db.claimImportSlot(ctx, imp); err != nil {
		imp.finished = true
		return nil, errors.Join(fmt.Errorf("begin offense import: %w", err), imp.logFailed(ctx, err.Error()))
	}
	return imp, nil
}

// Add stores a batch of records, unpublished until Commit. It implements
// the importer's Sink: it copies what it keeps, and a record whose ID is
// already stored is left as it is and counted as existing. Records are
// written in chunks, each in its own transaction, so an error may concern
// a record of an earlier call; after any error the import must be rolled
// back.
func (imp *OffenseImport) Add(ctx context.Context, batch []aldyn.Offense) error {
	if imp.finished {
		return aldyn.Errorf(aldyn.EINVALID, "import.error.finished")
	}
	for i := range batch {
		r, err := imp.row(&batch[i])
		if err != nil {
			return err
		}
		imp.buf = append(imp.buf, r)
		if len(imp.buf) == imp.chunk {
			if err := imp.flush(ctx); err != nil {
				return imp.endTx(err)
			}
		}
	}
	// No transaction stays open between calls.
	return imp.endTx(nil)
}

// Inserted returns how many records so far were new to the database, and
// how many were already stored by an earlier import; records still
// buffered are not counted yet.
func (imp *OffenseImport) Inserted() (inserted, existing int64) { return imp.inserted, imp.existing }

func invalidOffense(id, field, key string) error {
	return fmt.Errorf("offense %.12s: %w", id, &aldyn.Error{Code: aldyn.EINVALID, Message: "error.validation", Fields: map[string]string{field: key}})
}

var validCategory = func() map[string]bool {
	m := map[string]bool{}
	for _, c := range aldyn.OffenseCategories {
		m[c] = true
	}
	return m
}()

// row checks what the database relies on and derives the stored columns.
func (imp *OffenseImport) row(o *aldyn.Offense) (offenseRow, error) {
	r := offenseRow{o: *o}
	switch {
	case o.ID == "" || len(o.ID) > 128:
		return r, invalidOffense(o.ID, "id", "error.required")
	case o.Source != aldyn.SourceCrimes && o.Source != aldyn.SourceOffenses:
		return r, invalidOffense(o.ID, "source", "import.error.source")
	case !validCategory[o.Category]:
		return r, invalidOffense(o.ID, "category", "import.error.category")
	case o.RegisteredOn.IsZero():
		return r, invalidOffense(o.ID, "registered_on", "error.required")
	case o.OccurredMinute < -1 || o.OccurredMinute >= 24*60:
		return r, invalidOffense(o.ID, "occurred_minute", "import.error.time")
	case (o.Lat == nil) != (o.Lon == nil):
		return r, invalidOffense(o.ID, "lat", "error.latlon_pair")
	}
	path, ok := imp.paths[o.TerritoryCode]
	if !ok || len(o.TerritoryCode) != 14 {
		return r, invalidOffense(o.ID, "territory_code", "import.error.territory_unknown")
	}
	if o.PrecinctCode != "" {
		p, ok := imp.paths[o.PrecinctCode]
		if !ok || !strings.Contains(o.PrecinctCode, "-") {
			return r, invalidOffense(o.ID, "precinct_code", "import.error.precinct_unknown")
		}
		if !strings.HasPrefix(p, path) {
			return r, invalidOffense(o.ID, "precinct_code", "import.error.precinct_territory")
		}
	}
	r.path = path
	// Dates are the calendar dates as written, whatever their location.
	r.o.RegisteredOn = calendarDate(o.RegisteredOn)
	if !o.OccurredOn.IsZero() {
		r.o.OccurredOn = calendarDate(o.OccurredOn)
	}
	r.day = r.o.Day()
	r.year, r.month = r.day.Year(), int(r.day.Month())
	r.weekday, r.hour = r.o.Weekday(), r.o.Hour()
	r.synthetic = o.Synthetic || imp.meta.Synthetic
	return r, nil
}

// calendarDate is t's date at 00:00 UTC.
func calendarDate(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// ancestorPath is the path of the ancestor at depth d of the territory
// with path p, or p itself when p is not deeper than d.
func ancestorPath(p string, d int) string {
	if len(p) > 1+15*d {
		return p[:1+15*d]
	}
	return p
}

// ancestorPathSQL is ancestorPath in SQL, on a column p and a depth d (an
// expression).
func ancestorPathSQL(p, d string) string {
	return "CASE WHEN LENGTH(" + p + ") > 1 + 15 * " + d + " THEN SUBSTR(" + p + ", 1, 1 + 15 * " + d + ") ELSE " + p + " END"
}

// pathCode is the code of the territory with path p.
func pathCode(p string) string {
	if len(p) < 16 {
		return ""
	}
	return p[len(p)-15 : len(p)-1]
}

// pathDepth is the depth of path p: 0 for "/", 1 for the country's.
func pathDepth(p string) int { return max(strings.Count(p, "/")-1, 0) }

func (imp *OffenseImport) flush(ctx context.Context) error {
	if len(imp.buf) == 0 {
		return nil
	}
	var err error
	if imp.db.Dialect == Postgres {
		err = imp.flushPostgres(ctx)
	} else {
		err = imp.flushSQLiteBatch(ctx)
	}
	clear(imp.buf) // drop references to the caller's pointers
	imp.buf = imp.buf[:0]
	return err
}

// flushSQLiteBatch writes the buffered rows in the open transaction, or
// a new one, and commits it once it has been open for importTxTime.
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
	if err := imp.flushSQLite(ctx, stmt); err != nil {
		return imp.endTx(err)
	}
	if time.Since(imp.txStart) >= importTxTime {
		return imp.endTx(nil)
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
		for i := range imp.buf {
			r := &imp.buf[i]
			imp.count(r.path, r.o.PrecinctCode, r.o.Category, r.o.Source, r.year, r.month, r.weekday, r.hour, r.o.Solved, r.synthetic)
		}
	} else if affected > 0 {
		// Some were stored before: count the rows this statement added,
		// which are the ones past the highest rowid before it (rowids are
		// allocated upwards, and only the import that holds the import
		// slot writes records).
		rows, err := imp.tx.QueryContext(ctx, `SELECT territory_path, precinct_code, category, source, year, month, weekday, hour, solved, synthetic
			FROM offenses WHERE rowid > ?`, imp.lastRowid)
		if err != nil {
			return imp.db.normalize(err)
		}
		var got int64
		for rows.Next() {
			var path, precinct, category, source string
			var year, month, weekday, hour int
			var solved, synthetic bool
			if err := rows.Scan(&path, &precinct, &category, &source, &year, &month, &weekday, &hour, &solved, &synthetic); err != nil {
				rows.Close()
				return err
			}
			imp.count(path, precinct, category, source, year, month, weekday, hour, solved, synthetic)
			got++
		}
		if err := errors.Join(rows.Err(), rows.Close()); err != nil {
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

// count adds a new record to the import's monthly and weekday × hour
// counts at every depth, and to its precinct's monthly counts.
func (imp *OffenseImport) count(path, precinct, category, source string, year, month, weekday, hour int, solved, synthetic bool) {
	if precinct != "" {
		addCount(imp.precincts, precinctKey{precinct, category, source, year, month}, solved, false)
	}
	for d := 1; d <= hourlyDepths; d++ {
		imp.hours[hourKey{d, ancestorPath(path, d), category, year, weekday, hour}]++
	}
	for d := 1; d <= aggregateDepths; d++ {
		addCount(imp.cells, cellKey{d, ancestorPath(path, d), category, source, year, month}, solved, synthetic)
	}
}

// addCount adds one record to the counts kept under k.
func addCount[K comparable](m map[K]*cellCount, k K, solved, synthetic bool) {
	c := m[k]
	if c == nil {
		c = &cellCount{}
		m[k] = c
	}
	c.count++
	if solved {
		c.solved++
	}
	if synthetic {
		c.synthetic++
	}
}

const monthlyUpsert = ` ON CONFLICT (depth, territory_path, category, year, month, source) DO UPDATE SET
	count = offense_monthly.count + excluded.count,
	solved = offense_monthly.solved + excluded.solved,
	synthetic = offense_monthly.synthetic + excluded.synthetic`

const precinctUpsert = ` ON CONFLICT (precinct_code, category, year, month, source) DO UPDATE SET
	count = offense_precinct_monthly.count + excluded.count,
	solved = offense_precinct_monthly.solved + excluded.solved`

// flushCells adds the import's counts kept in memory to offense_monthly,
// offense_precinct_monthly and offense_hourly.
func (imp *OffenseImport) flushCells(ctx context.Context) error {
	err := upsertCounts(ctx, imp, imp.cells, "offense_monthly (depth, territory_path, territory_code, category, source, year, month, count, solved, synthetic)",
		monthlyUpsert, func(k cellKey, c *cellCount) []any {
			return []any{k.depth, k.path, pathCode(k.path), k.category, k.source, k.year, k.month, c.count, c.solved, c.synthetic}
		})
	if err == nil {
		err = upsertCounts(ctx, imp, imp.precincts, "offense_precinct_monthly (precinct_code, category, source, year, month, count, solved)",
			precinctUpsert, func(k precinctKey, c *cellCount) []any {
				return []any{k.code, k.category, k.source, k.year, k.month, c.count, c.solved}
			})
	}
	if err != nil {
		return err
	}
	if imp.db.Dialect == Postgres {
		return imp.flushHoursPostgres(ctx)
	}
	return upsertCounts(ctx, imp, imp.hours, "offense_hourly (depth, territory_path, category, year, weekday, hour, count)",
		hourlyUpsert, func(k hourKey, n int64) []any {
			return []any{k.depth, k.path, k.category, k.year, k.weekday, k.hour, n}
		})
}

// upsertCounts adds counts kept in memory to an aggregate table (the
// table and its columns, as INSERT INTO names them), a thousand rows a
// statement, and empties them.
func upsertCounts[K comparable, V any](ctx context.Context, imp *OffenseImport, counts map[K]V, into, upsert string, row func(K, V) []any) error {
	const per = 1000
	table, _, _ := strings.Cut(into, " ")
	var args []any
	n := 0
	flush := func() error {
		if n == 0 {
			return nil
		}
		cols := len(args) / n
		q := "INSERT INTO " + into + " VALUES " +
			strings.TrimSuffix(strings.Repeat("("+strings.TrimSuffix(strings.Repeat("?, ", cols), ", ")+"),", n), ",") + upsert
		if _, err := imp.tx.ExecContext(ctx, imp.db.rebind(q), args...); err != nil {
			return fmt.Errorf("%s: %w", table, imp.db.normalize(err))
		}
		args, n = args[:0], 0
		return nil
	}
	for k, v := range counts {
		args = append(args, row(k, v)...)
		if n++; n == per {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	if err := flush(); err != nil {
		return err
	}
	clear(counts)
	return nil
}

// flushHoursPostgres copies the weekday × hour counts into a temporary
// table and adds them to offense_hourly in one statement: an import of
// records spread over years and territories has about as many of them as
// records, too many for multi-row INSERTs.
func (imp *OffenseImport) flushHoursPostgres(ctx context.Context) error {
	if len(imp.hours) == 0 {
		return nil
	}
	if _, err := imp.tx.ExecContext(ctx, `CREATE TEMP TABLE IF NOT EXISTS hourly_stage (depth integer, territory_path text COLLATE "C",
		category text COLLATE "C", year integer, weekday integer, hour integer, count bigint) ON COMMIT DROP`); err != nil {
		return imp.db.normalize(err)
	}
	keys := make([]hourKey, 0, len(imp.hours))
	for k := range imp.hours {
		keys = append(keys, k)
	}
	err := imp.conn.Raw(func(dc any) error {
		c := dc.(*stdlib.Conn).Conn()
		_, err := c.CopyFrom(ctx, pgx.Identifier{"hourly_stage"}, []string{"depth", "territory_path", "category", "year", "weekday", "hour", "count"},
			pgx.CopyFromSlice(len(keys), func(i int) ([]any, error) {
				k := keys[i]
				return []any{int32(k.depth), k.path, k.category, int32(k.year), int32(k.weekday), int32(k.hour), imp.hours[k]}, nil
			}))
		return err
	})
	if err != nil {
		return fmt.Errorf("offense_hourly: %w", imp.db.normalize(err))
	}
	if _, err := imp.tx.ExecContext(ctx, `INSERT INTO offense_hourly (depth, territory_path, category, year, weekday, hour, count)
		SELECT depth, territory_path, category, year, weekday, hour, count FROM hourly_stage`+hourlyUpsert); err != nil {
		return fmt.Errorf("offense_hourly: %w", imp.db.normalize(err))
	}
	clear(imp.hours)
	return nil
}

const hourlyUpsert = ` ON CONFLICT (depth, territory_path, category, year, weekday, hour) DO UPDATE SET
	count = offense_hourly.count + excluded.count`

var stageCols = strings.Fields(strings.ReplaceAll(offenseCols, ",", " "))

// pgInsert moves the rows of offense_stage into offenses, skipping the
// ids already stored, and returns the ones it inserted for counting.
var pgInsert = `INSERT INTO offenses (` + offenseCols + `, import_id)
	SELECT ` + offenseCols + `, $1 FROM offense_stage
	ON CONFLICT (id) DO NOTHING
	RETURNING territory_path, precinct_code, category, source, year, month, weekday, hour, solved, synthetic`

// flushPostgres stores the buffered rows in one transaction. While no chunk
// of the import has met a stored id, it copies each chunk straight into
// offenses and counts it from memory: COPY is the fastest way in, and first
// imports of a file never conflict. When a COPY meets a stored id it fails
// whole; its transaction is rolled back, and this chunk and the rest of the
// import take the slower path: copy to a temporary table, then INSERT … ON
// CONFLICT DO NOTHING, counting the rows it returns.
func (imp *OffenseImport) flushPostgres(ctx context.Context) error {
	if imp.direct {
		err := imp.inBatch(ctx, func(ctx context.Context) error {
			return imp.copyRows(ctx, "offenses", slices.Concat(stageCols, []string{"import_id"}))
		})
		if err == nil {
			for i := range imp.buf {
				r := &imp.buf[i]
				imp.count(r.path, r.o.PrecinctCode, r.o.Category, r.o.Source, r.year, r.month, r.weekday, r.hour, r.o.Solved, r.synthetic)
			}
			imp.inserted += int64(len(imp.buf))
			return nil
		}
		if aldyn.ErrorCode(imp.db.normalize(err)) != aldyn.ECONFLICT {
			return fmt.Errorf("copy offenses: %w", imp.db.normalize(err))
		}
		imp.direct = false
	}
	return imp.inBatch(ctx, func(ctx context.Context) error {
		if _, err := imp.tx.ExecContext(ctx, `CREATE TEMP TABLE offense_stage (
			id text, source text, category text, subgroup text, article text, registered_on date, occurred_on date,
			occurred_minute integer, day date, year integer, month integer, weekday integer, hour integer,
			territory_code text, territory_path text, precinct_code text, lat double precision, lon double precision,
			place_type text, solved boolean, damage_kgs bigint, synthetic boolean) ON COMMIT DROP`); err != nil {
			return imp.db.normalize(err)
		}
		if err := imp.copyRows(ctx, "offense_stage", stageCols); err != nil {
			return fmt.Errorf("copy offenses: %w", imp.db.normalize(err))
		}
		rows, err := imp.tx.QueryContext(ctx, pgInsert, imp.ID)
		if err != nil {
			return fmt.Errorf("insert offenses: %w", imp.db.normalize(err))
		}
		defer rows.Close()
		var n int64
		for rows.Next() {
			var path, precinct, category, source string
			var year, month, weekday, hour int
			var solved, synthetic bool
			if err := rows.Scan(&path, &precinct, &category, &source, &year, &month, &weekday, &hour, &solved, &synthetic); err != nil {
				return err
			}
			imp.count(path, precinct, category, source, year, month, weekday, hour, solved, synthetic)
			n++
		}
		if err := rows.Err(); err != nil {
			return fmt.Errorf("insert offenses: %w", imp.db.normalize(err))
		}
		imp.inserted += n
		imp.existing += int64(len(imp.buf)) - n
		return nil
	})
}

// copyRows copies the buffered rows into table with COPY, on the import's
// connection and so in its transaction.
func (imp *OffenseImport) copyRows(ctx context.Context, table string, cols []string) error {
	buf := imp.buf
	withImport := len(cols) > len(stageCols)
	row := make([]any, len(cols))
	return imp.conn.Raw(func(dc any) error {
		c := dc.(*stdlib.Conn).Conn()
		_, err := c.CopyFrom(ctx, pgx.Identifier{table}, cols, pgx.CopyFromSlice(len(buf), func(i int) ([]any, error) {
			r := &buf[i]
			o := &r.o
			var occurred any
			if !o.OccurredOn.IsZero() {
				occurred = o.OccurredOn
			}
			row = append(row[:0], o.ID, o.Source, o.Category, o.Subgroup, o.Article, o.RegisteredOn, occurred, int32(o.OccurredMinute),
				r.day, int32(r.year), int32(r.month), int32(r.weekday), int32(r.hour), o.TerritoryCode, r.path, o.PrecinctCode,
				o.Lat, o.Lon, o.PlaceType, o.Solved, o.DamageKGS, r.synthetic)
			if withImport {
				row = append(row, imp.ID)
			}
			return row, nil
		}))
		return err
	})
}

// Commit stores what is still buffered and publishes the import: in one
// transaction, it adds the import's counts to the aggregates and marks the
// log row done with the importer's counts. On error the import is rolled
// back and logged as failed.
func (imp *OffenseImport) Commit(ctx context.Context, c OffenseImportCounts) error {
	if imp.finished {
		return aldyn.Errorf(aldyn.EINVALID, "import.error.finished")
	}
	err := imp.endTx(imp.flush(ctx))
	if err == nil {
		err = imp.inBatch(ctx, func(ctx context.Context) error {
			if err := imp.flushCells(ctx); err != nil {
				return err
			}
			sha := imp.meta.SHA256
			if c.SHA256 != "" {
				sha = c.SHA256
			}
			_, err := imp.tx.ExecContext(ctx, imp.db.rebind(`UPDATE offense_imports SET finished_at = ?, sha256 = ?, rows_read = ?, accepted = ?,
				rejected = ?, duplicates = ?, existing = ?, inserted = ?, status = ?, beat = 0 WHERE id = ?`),
				imp.db.Now(), sha, c.RowsRead, c.Accepted, c.Rejected, c.Duplicates, imp.existing, imp.inserted, aldyn.ImportDone, imp.ID)
			return imp.db.normalize(err)
		})
	}
	if err != nil {
		return errors.Join(fmt.Errorf("commit offense import: %w", err), imp.Rollback(ctx, err.Error()))
	}
	imp.finished = true
	imp.release()
	if imp.db.Dialect == Postgres && imp.inserted >= 10000 {
		// A visibility map that lets counts read the aggregates by an
		// index-only scan, and fresh statistics of them, after a large
		// import; cheap, as the aggregates are small, where autovacuum might
		// wait minutes. (offenses is left to autovacuum: analysing it at
		// every import would cost more than its queries gain.)
		const q = `VACUUM (ANALYZE) offense_monthly, offense_precinct_monthly`
		if _, err := imp.db.w.ExecContext(ctx, q); err != nil {
			imp.db.Log.Warn("after offense import", "statement", q, "err", err)
		}
	}
	return nil
}

// Fail abandons the import as Rollback does, and logs what was read before
// it failed: the file's SHA-256 and counts, and the cause as a message key
// with its arguments (an *aldyn.Error's; error.internal for any other,
// whose text is logged).
func (imp *OffenseImport) Fail(ctx context.Context, c OffenseImportCounts, cause error) error {
	key, args := "error.internal", ""
	var e *aldyn.Error
	if errors.As(cause, &e) && e.Code != aldyn.EINTERNAL {
		key = e.Message
		if len(e.Args) > 0 {
			if b, err := json.Marshal(e.Args); err == nil {
				args = string(b)
			}
		}
	} else if imp.db.Log != nil {
		imp.db.Log.Error("offense import failed", "import", imp.ID, "err", cause)
	}
	imp.failCounts, imp.failArgs = &c, args
	return imp.Rollback(ctx, key)
}

// Rollback abandons the import: it deletes the records it stored, in
// batches, and then the log row says failed, with reason. Readers never
// saw the records. It runs even when ctx is cancelled (a cancelled import
// is a failed one), and does nothing after Commit, so it can be deferred.
// Should it fail too, the records stay hidden and the next import deletes
// them.
func (imp *OffenseImport) Rollback(ctx context.Context, reason string) error {
	if imp.finished {
		return nil
	}
	imp.finished = true
	ctx = context.WithoutCancel(ctx)
	imp.endTx(errors.New("rolled back"))
	imp.release()
	var err error
	if imp.claimed {
		err = imp.db.dropImport(ctx, imp.ID, imp.firstRowid)
	}
	if err != nil {
		return fmt.Errorf("roll back offense import %d: %w", imp.ID, err)
	}
	return imp.logFailed(ctx, reason)
}

// release stops the heartbeat and closes the prepared statements.
func (imp *OffenseImport) release() {
	if imp.stopBeat != nil {
		imp.stopBeat()
		imp.stopBeat = nil
	}
	for _, s := range imp.stmts {
		s.Close()
	}
	clear(imp.stmts)
	if imp.db.Dialect == SQLite && imp.claimed {
		// Give the write connection its usual cache and checkpoints back,
		// and copy the import's pages from the WAL to the database now, on
		// a connection of the read pool, which no writer waits for (a
		// passive checkpoint takes no write lock).
		ctx := context.Background()
		imp.db.w.ExecContext(ctx, `PRAGMA cache_size = -2000`)
		imp.db.w.ExecContext(ctx, `PRAGMA wal_autocheckpoint = 1000`)
		if _, err := imp.db.r.ExecContext(ctx, `PRAGMA wal_checkpoint(PASSIVE)`); err != nil {
			imp.db.Log.Warn("after offense import", "statement", "wal_checkpoint", "err", err)
		}
	}
}

// logFailed marks the log row failed in its own transaction, which runs
// even when ctx is cancelled.
func (imp *OffenseImport) logFailed(ctx context.Context, reason string) error {
	ctx = context.WithoutCancel(ctx)
	return imp.db.Update(ctx, imp.actor, func(tx *Tx) error {
		if c := imp.failCounts; c != nil {
			_, err := tx.exec(ctx, `UPDATE offense_imports SET finished_at = ?, status = ?, error = ?, error_args = ?, sha256 = ?, beat = 0,
				rows_read = ?, accepted = ?, rejected = ?, duplicates = ? WHERE id = ?`,
				tx.now, aldyn.ImportFailed, reason, imp.failArgs, c.SHA256, c.RowsRead, c.Accepted, c.Rejected, c.Duplicates, imp.ID)
			return err
		}
		_, err := tx.exec(ctx, `UPDATE offense_imports SET finished_at = ?, status = ?, error = ?, beat = 0 WHERE id = ?`,
			tx.now, aldyn.ImportFailed, reason, imp.ID)
		return err
	})
}

// FailInterruptedImports marks failed the imports a killed process left
// running, after deleting the records they stored in their committed
// batches (hidden from readers until then). An import is taken for dead
// when its beat stands still over a few beats, since a live one's advances
// every importBeat: a server starting while a CLI import runs leaves that
// import be. It returns how many there were.
func (db *DB) FailInterruptedImports(ctx context.Context) (int64, error) {
	running := func() (map[int64]int64, error) {
		beats := map[int64]int64{}
		err := scanAll(ctx, db, func(rows *sql.Rows) error {
			var id, beat int64
			err := rows.Scan(&id, &beat)
			beats[id] = beat
			return err
		}, `SELECT id, beat FROM offense_imports WHERE status = ?`, aldyn.ImportRunning)
		return beats, db.normalize(err)
	}
	before, err := running()
	if err != nil || len(before) == 0 {
		return 0, err
	}
	select {
	case <-ctx.Done():
		return 0, ctx.Err()
	case <-time.After(3 * importBeat):
	}
	after, err := running()
	if err != nil {
		return 0, err
	}
	var n int64
	for id, beat := range after {
		if b, ok := before[id]; !ok || b != beat {
			continue // alive
		}
		// Revoke the claim, so that the import could write nothing more
		// even if it lived, then delete what it wrote.
		var revoked int64
		err := db.Update(ctx, aldyn.System, func(tx *Tx) error {
			res, err := tx.exec(ctx, `UPDATE offense_imports SET beat = -1 WHERE id = ? AND beat = ? AND status = ?`, id, beat, aldyn.ImportRunning)
			if err == nil {
				revoked, err = res.RowsAffected()
			}
			return err
		})
		if err != nil {
			return n, err
		}
		if revoked == 0 {
			continue
		}
		if err := db.dropImport(ctx, id, 0); err != nil {
			return n, err
		}
		err = db.Update(ctx, aldyn.System, func(tx *Tx) error {
			_, err := tx.exec(ctx, `UPDATE offense_imports SET finished_at = ?, status = ?, error = ?, beat = 0 WHERE id = ?`,
				tx.now, aldyn.ImportFailed, "import.error.interrupted", id)
			return err
		})
		if err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

// FindOffenseImports lists the import log, newest first unless p sorts.
func (db *DB) FindOffenseImports(ctx context.Context, p aldyn.Page) ([]*aldyn.OffenseImportEntry, int, error) {
	var total int
	if err := db.queryRow(ctx, `SELECT COUNT(*) FROM offense_imports`).Scan(&total); err != nil {
		return nil, 0, db.normalize(err)
	}
	if p.Sort == "" {
		p.Sort, p.Desc = "started_at", true
	}
	rows, err := db.query(ctx, `SELECT id, started_at, finished_at, actor, user_id, file_name, sha256, format, rows_read, accepted, rejected,
		duplicates, existing, inserted, status, error, error_args, synthetic FROM offense_imports`+
		orderBy(p, map[string]string{"started_at": "started_at", "id": "id", "file_name": "file_name", "status": "status"}, "started_at")+", id DESC"+
		limitOffset(p))
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var out []*aldyn.OffenseImportEntry
	for rows.Next() {
		var e aldyn.OffenseImportEntry
		var fin sql.NullTime
		var errArgs string
		var uid sql.NullInt64
		if err := rows.Scan(&e.ID, &e.StartedAt, &fin, &e.Actor, &uid, &e.FileName, &e.SHA256, &e.Format, &e.RowsRead, &e.Accepted, &e.Rejected,
			&e.Duplicates, &e.Existing, &e.Inserted, &e.Status, &e.Error, &errArgs, &e.Synthetic); err != nil {
			return nil, 0, err
		}
		if errArgs != "" {
			json.Unmarshal([]byte(errArgs), &e.ErrorArgs)
		}
		e.StartedAt = e.StartedAt.UTC()
		if fin.Valid {
			t := fin.Time.UTC()
			e.FinishedAt = &t
		}
		if uid.Valid {
			e.UserID = &uid.Int64
		}
		out = append(out, &e)
	}
	return out, total, db.normalize(rows.Err())
}

// dateArg is a date parameter: ISO text for SQLite, a time for PostgreSQL.
func (db *DB) dateArg(t time.Time) any {
	if db.Dialect == Postgres {
		return t
	}
	return isoDate(t)
}

// offenseWhere is the WHERE clause of a filter on the offenses table.
func (db *DB) offenseWhere(f aldyn.OffenseFilter) (string, []any) {
	w := db.offenseFilter(f)
	return w.String(), w.args
}

// offenseFilter is the conditions of a filter on the offenses table.
func (db *DB) offenseFilter(f aldyn.OffenseFilter) *where {
	var w where
	w.and(unpublished)
	col := "territory_path"
	if db.Dialect == SQLite && pathDepth(f.Under) < aldyn.DepthDistrict {
		// A scope wider than a district covers a large share of the
		// records, which SQLite, without statistics of the paths, would
		// still fetch one by one through offenses_scope: scanning the
		// table is several times faster then. The unary + keeps it off
		// the index. (PostgreSQL's planner knows the paths' histogram.)
		col = "+territory_path"
	}
	w.pathRange(col, f.Under)
	if f.From != nil {
		w.and("day >= ?", db.dateArg(*f.From))
	}
	if f.To != nil {
		w.and("day < ?", db.dateArg(*f.To))
	}
	w.eqText("territory_code", f.TerritoryCode)
	w.eqText("precinct_code", f.PrecinctCode)
	w.in("category", f.Categories)
	w.eqText("source", f.Source)
	if f.ExcludeSensitive {
		w.and("category <> ? AND subgroup NOT IN (?, ?)", aldyn.CategoryRape, aldyn.SubgroupDomesticViolence, aldyn.SubgroupCrimesAgainstChildren)
	}
	return &w
}

// OffenseTimeProfile counts the records of f by weekday (0 = Monday) and
// hour of the day; unknownHour counts those whose date or time of
// occurrence is unknown.
// It reads offense_hourly when the filter allows, else the records in
// memory (offense_index.go) when they are up to date and f names no
// precinct, else the records in the database.
func (db *DB) OffenseTimeProfile(ctx context.Context, f aldyn.OffenseFilter) (grid [7][24]int, unknownHour int, err error) {
	if q, args, ok := hourlyQuery(f); ok {
		return db.timeProfile(ctx, q, args)
	}
	if f.PrecinctCode == "" {
		idx, err := db.recordIndex(ctx)
		if err != nil {
			return grid, 0, err
		}
		if idx != nil {
			grid, unknownHour = idx.timeProfile(f)
			return grid, unknownHour, nil
		}
	}
	return db.offenseTimeProfileScan(ctx, f)
}

// hourlyQuery is the query of a weekday × hour table over offense_hourly,
// when the filter allows it: the country's or an oblast's scope, categories,
// whole years; a deeper scope, a precinct, a single territory, a register,
// sensitive records left out or a period that does not fall on years need
// the records themselves.
func hourlyQuery(f aldyn.OffenseFilter) (string, []any, bool) {
	yearStart := func(t *time.Time) bool {
		return t == nil || t.Month() == time.January && t.Day() == 1 && t.Hour() == 0 && t.Minute() == 0 && t.Second() == 0 && t.Nanosecond() == 0
	}
	depth := pathDepth(f.Under)
	if f.PrecinctCode != "" || f.TerritoryCode != "" || f.Source != "" || f.ExcludeSensitive || !yearStart(f.From) || !yearStart(f.To) ||
		depth > hourlyDepths || strings.ContainsRune(f.Under, 0) {
		return "", nil, false
	}
	var w where
	w.and("depth = ?", max(depth, aldyn.DepthCountry))
	if f.From != nil {
		w.and("year >= ?", f.From.Year())
	}
	if f.To != nil {
		w.and("year < ?", f.To.Year())
	}
	w.pathRange("territory_path", f.Under)
	w.in("category", f.Categories)
	return `SELECT weekday, hour, CAST(SUM(count) AS BIGINT) FROM offense_hourly` + w.String() + ` GROUP BY weekday, hour`, w.args, true
}

// offenseTimeProfileScan counts the weekday × hour table over the records.
func (db *DB) offenseTimeProfileScan(ctx context.Context, f aldyn.OffenseFilter) (grid [7][24]int, unknownHour int, err error) {
	where, args := db.offenseWhere(f)
	return db.timeProfile(ctx, `SELECT weekday, hour, COUNT(*) FROM offenses`+where+` GROUP BY weekday, hour`, args)
}

func (db *DB) timeProfile(ctx context.Context, q string, args []any) (grid [7][24]int, unknownHour int, err error) {
	rows, err := db.query(ctx, q, args...)
	if err != nil {
		return grid, 0, err
	}
	defer rows.Close()
	for rows.Next() {
		var wd, h, n int
		if err := rows.Scan(&wd, &h, &n); err != nil {
			return grid, 0, err
		}
		if wd < 0 || wd > 6 || h < 0 || h > 23 {
			unknownHour += n
			continue
		}
		grid[wd][h] += n
	}
	return grid, unknownHour, db.normalize(rows.Err())
}

// OffensePoints calls fn with the location of every record of f that has
// one within bbox (nil for anywhere), at most limit of them (0 for no
// limit), streaming them so memory stays constant. It returns how many fn
// received; an error from fn stops the scan and is returned.
func (db *DB) OffensePoints(ctx context.Context, f aldyn.OffenseFilter, bbox *aldyn.BBox, limit int, fn func(aldyn.OffensePoint) error) (int, error) {
	where, args := db.offenseWhere(f)
	q := `SELECT lon, lat, category, subgroup FROM offenses` + where + ` AND lat IS NOT NULL`
	if bbox != nil {
		q += ` AND lon >= ? AND lon <= ? AND lat >= ? AND lat <= ?`
		args = append(args, bbox.MinLon, bbox.MaxLon, bbox.MinLat, bbox.MaxLat)
	}
	if limit > 0 {
		q += " LIMIT " + strconv.Itoa(limit)
	}
	rows, err := db.query(ctx, q, args...)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	n := 0
	var p aldyn.OffensePoint
	var cat, subgroup sql.RawBytes
	for rows.Next() {
		if err := rows.Scan(&p.Lon, &p.Lat, &cat, &subgroup); err != nil {
			return n, err
		}
		p.Category = internCategory(cat)
		p.Sensitive = aldyn.IsSensitive(p.Category, string(subgroup))
		if err := fn(p); err != nil {
			return n, err
		}
		n++
	}
	return n, db.normalize(rows.Err())
}

// internCategory returns the category code as a shared string, so that
// streaming millions of points allocates nothing per point.
func internCategory(b []byte) string {
	for _, c := range aldyn.OffenseCategories {
		if string(b) == c {
			return c
		}
	}
	return string(b)
}

func internSource(b []byte) string {
	switch string(b) {
	case aldyn.SourceCrimes:
		return aldyn.SourceCrimes
	case aldyn.SourceOffenses:
		return aldyn.SourceOffenses
	}
	return string(b)
}

// TopPrecincts ranks the precincts of f by their number of records, most
// first, at most n. It reads offense_precinct_monthly when f allows (see
// precinctMonthlyFilter), else the records of the scope's precincts.
func (db *DB) TopPrecincts(ctx context.Context, f aldyn.OffenseFilter, n int) ([]aldyn.PrecinctCount, error) {
	// The precincts of the scope first (a record's precinct lies within
	// its territory: imports check it): most territories have none, and
	// then nothing more need be read.
	var pw where
	pw.and("level = ?", aldyn.LevelPrecinct)
	pw.pathLike(f.Under, "path")
	pw.eqText("code", f.PrecinctCode)
	var codes []string
	if err := scanAll(ctx, db, func(rows *sql.Rows) error {
		var c string
		err := rows.Scan(&c)
		codes = append(codes, c)
		return err
	}, `SELECT code FROM territories`+pw.String(), pw.args...); err != nil {
		return nil, db.normalize(err)
	}
	if len(codes) == 0 {
		return nil, nil
	}
	var q string
	var args []any
	if w, ok := precinctMonthlyFilter(f); ok {
		w.in("precinct_code", codes)
		q, args = `SELECT precinct_code, SUM(count), SUM(solved) FROM offense_precinct_monthly`+w.String()+` GROUP BY precinct_code`, w.args
	} else {
		w := db.offenseFilter(f)
		w.in("precinct_code", codes)
		q, args = `SELECT precinct_code, COUNT(*), SUM(CASE WHEN solved THEN 1 ELSE 0 END) FROM offenses`+w.String()+
			` AND precinct_code <> '' GROUP BY precinct_code`, w.args
		if db.Dialect == SQLite {
			// Steer SQLite to the precinct index: the scope's path index
			// would read every record of the scope.
			q = strings.Replace(q, " territory_path >= ?", " +territory_path >= ?", 1)
		}
	}
	var out []aldyn.PrecinctCount
	err := scanAll(ctx, db, func(rows *sql.Rows) error {
		var p aldyn.PrecinctCount
		err := rows.Scan(&p.PrecinctCode, &p.Count, &p.Solved)
		out = append(out, p)
		return err
	}, q+` ORDER BY 2 DESC, 1 LIMIT `+strconv.Itoa(max(n, 0)), args...)
	return out, db.normalize(err)
}

// precinctMonthlyFilter is f's conditions on offense_precinct_monthly,
// and whether that table can answer f: whole months, and no condition on
// the records' territory or subgroup (the caller adds the precincts).
func precinctMonthlyFilter(f aldyn.OffenseFilter) (*where, bool) {
	if (f.From != nil && f.From.Day() != 1) || (f.To != nil && f.To.Day() != 1) || f.TerritoryCode != "" || f.ExcludeSensitive {
		return nil, false
	}
	var w where
	w.monthRange(f.From, f.To)
	w.in("category", f.Categories)
	w.eqText("source", f.Source)
	return &w, true
}

// monthlyWhere is the WHERE clause of a counts query on the rows of
// offense_monthly at depth.
func monthlyWhere(q aldyn.CountsQuery, depth int) (string, []any) {
	var w where
	w.and("depth = ?", depth)
	w.monthRange(q.From, q.To)
	w.pathRange("territory_path", q.Under)
	w.in("category", q.Categories)
	w.eqText("source", q.Source)
	return w.String(), w.args
}

// OffenseCounts counts records grouped as q says, from the monthly
// aggregate. Rows come sorted by territory (code), category, source,
// year, quarter and month, whatever the order of q.By: the order the
// aggregate's key gives, so the database need not sort.
//
// It reads the aggregate rows of one depth: the depth territories are
// grouped at (the country's when they are not), or the depth of the scope
// q.Under when that is deeper, so that the scope is a range of paths.
// Counts by oblast over the whole country read the oblasts' rows only.
func (db *DB) OffenseCounts(ctx context.Context, q aldyn.CountsQuery) ([]aldyn.CountRow, error) {
	group, read, by, err := countsPlan(q)
	if err != nil {
		return nil, err
	}
	return db.offenseCountsMemory(ctx, q, group, read, by)
}

// countsPlan checks a counts query and says at which depth territories
// are grouped, which depth of the aggregate is read, and the distinct
// groupings.
func countsPlan(q aldyn.CountsQuery) (group, read int, by []string, err error) {
	group = q.Depth
	if group == 0 {
		group = aldyn.DepthRegion
	}
	if group < aldyn.DepthCountry || group > aggregateDepths {
		return 0, 0, nil, &aldyn.Error{Code: aldyn.EINVALID, Message: "error.validation", Fields: map[string]string{"depth": "stats.error.depth"}}
	}
	read = aldyn.DepthCountry
	if slices.Contains(q.By, aldyn.ByTerritory) {
		read = group
	}
	read = min(max(read, pathDepth(q.Under)), aggregateDepths)
	for _, b := range q.By {
		if slices.Contains(by, b) {
			continue
		}
		switch b {
		case aldyn.ByCategory, aldyn.BySource, aldyn.ByYear, aldyn.ByMonth, aldyn.ByQuarter, aldyn.ByTerritory:
			by = append(by, b)
		default:
			return 0, 0, nil, &aldyn.Error{Code: aldyn.EINVALID, Message: "error.validation", Fields: map[string]string{"by": "stats.error.by"}}
		}
	}
	return group, read, by, nil
}

// countOrder is the order of counts' keys.
var countOrder = []string{aldyn.ByTerritory, aldyn.ByCategory, aldyn.BySource, aldyn.ByYear, aldyn.ByQuarter, aldyn.ByMonth}

// compareCountRows orders rows by territory code, category, source, year,
// quarter and month; keys not grouped by are equal in every row.
func compareCountRows(a, b aldyn.CountRow) int {
	return cmp.Or(strings.Compare(a.TerritoryCode, b.TerritoryCode), strings.Compare(a.Category, b.Category),
		strings.Compare(a.Source, b.Source), cmp.Compare(a.Year, b.Year), cmp.Compare(a.Quarter, b.Quarter), cmp.Compare(a.Month, b.Month))
}

// SolvedShare returns how many records of q (its By is ignored) are solved,
// and how many there are, from the monthly aggregate.
func (db *DB) SolvedShare(ctx context.Context, q aldyn.CountsQuery) (solved, total int64, err error) {
	q.By = nil
	rows, err := db.OffenseCounts(ctx, q)
	if err != nil || len(rows) == 0 {
		return 0, 0, err
	}
	return rows[0].Solved, rows[0].Count, nil
}

// OffenseMonthlySeries returns the monthly counts of the records under a
// territory path prefix, or of a precinct when precinct is set, of one
// category ("" for all), for every month from the first to the last month
// of any record in the database, with zeros for months without records:
// the series forecasts are fitted on. Territories' counts come from the
// monthly aggregate, a precinct's from the precincts' one. With
// excludeSensitive, the sensitive records (aldyn.IsSensitive) are left out,
// which the aggregates cannot do: the records themselves are counted then
// (the web asks so only of a precinct's, for actors who may not see them).
func (db *DB) OffenseMonthlySeries(ctx context.Context, under, precinct, category string, excludeSensitive bool) ([]aldyn.MonthCount, error) {
	var first, last sql.NullInt64
	if err := db.queryRow(ctx, `SELECT MIN(year * 12 + month - 1), MAX(year * 12 + month - 1) FROM offense_monthly WHERE depth = ?`,
		aldyn.DepthCountry).Scan(&first, &last); err != nil {
		return nil, db.normalize(err)
	}
	if !first.Valid {
		return nil, nil
	}
	out := make([]aldyn.MonthCount, last.Int64-first.Int64+1)
	for i := range out {
		m := int(first.Int64) + i
		out[i] = aldyn.MonthCount{Year: m / 12, Month: m%12 + 1}
	}
	add := func(year, month int, n int64) {
		if i := year*12 + month - 1 - int(first.Int64); i >= 0 && i < len(out) {
			out[i].Count += n
		}
	}
	if excludeSensitive {
		f := aldyn.OffenseFilter{Under: under, PrecinctCode: precinct, ExcludeSensitive: true}
		if category != "" {
			f.Categories = []string{category}
		}
		w := db.offenseFilter(f)
		err := scanAll(ctx, db, func(rows *sql.Rows) error {
			var year, month int
			var n int64
			err := rows.Scan(&year, &month, &n)
			add(year, month, n)
			return err
		}, `SELECT year, month, COUNT(*) FROM offenses`+w.String()+` GROUP BY year, month`, w.args...)
		return out, db.normalize(err)
	}
	if precinct != "" {
		// Only a precinct within the scope under has records here.
		var pw where
		pw.and("level = ?", aldyn.LevelPrecinct)
		pw.eqText("code", precinct)
		pw.pathLike(under, "path")
		var found int
		switch err := db.queryRow(ctx, `SELECT COUNT(*) FROM territories`+pw.String(), pw.args...).Scan(&found); {
		case err != nil:
			return nil, db.normalize(err)
		case found == 0:
			return out, nil
		}
		var w where
		w.eqText("precinct_code", precinct)
		w.eqText("category", category)
		err := scanAll(ctx, db, func(rows *sql.Rows) error {
			var year, month int
			var n int64
			err := rows.Scan(&year, &month, &n)
			add(year, month, n)
			return err
		}, `SELECT year, month, SUM(count) FROM offense_precinct_monthly`+w.String()+` GROUP BY year, month`, w.args...)
		return out, db.normalize(err)
	}
	q := aldyn.CountsQuery{By: []string{aldyn.ByYear, aldyn.ByMonth}, Under: under}
	if category != "" {
		q.Categories = []string{category}
	}
	rows, err := db.OffenseCounts(ctx, q)
	if err != nil {
		return nil, err
	}
	for _, r := range rows {
		add(r.Year, r.Month, r.Count)
	}
	return out, nil
}

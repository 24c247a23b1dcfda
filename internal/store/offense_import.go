package store

// The write path of offense imports.
//
// An import commits its records in batches of bounded size, each its own
// write transaction, so that other writes (a login, a report) wait for one
// batch at most, never for the whole import (with SQLite, every write
// shares one connection, and a batch transaction ends as soon as another
// write of the process waits: see importTxMax). Its records carry its import_id and stay
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

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"time"

	"github.com/aldyn-kg/aldyn"
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

// DefaultImportCacheMiB is the SQLite page cache of an import. It holds
// the pages a batch transaction (importTxMax) changes, some 16,000 for a
// batch of 16,384 records into a million, so that they are written to the
// WAL once at its commit, not spilled and read back; and the hot part of
// the primary key's index (README, "Import speed", has the figures; 128
// MiB gained a little more for 130 MB more of peak memory). The cache is
// given back at the end of the import (release).
const DefaultImportCacheMiB = 64

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
	// deferIndexes: the table was empty when the import claimed the
	// slot, so its secondary indexes are built at Commit (SQLite; see
	// offenseSecondaryIndexes); indexesDropped: they are dropped now.
	deferIndexes, indexesDropped bool
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
	txWaits int64       // SQLite: the write pool's WaitCount when tx began
	inTx    atomic.Bool // tx is open; read by the heartbeat

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
// other's transactions: a COPY of the importer's batch (16,384 rows) a
// transaction, which starts the server's work on the first batch read,
// where 50,000 kept it idle while the first three were read (0.76× psql's
// \copy at a million rows, against 1.03× now).
const (
	sqliteMaxVars    = 32766
	offenseInsertCol = 22 // parameters per row; import_id is a literal
	pgCopyRows       = 16384
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
			if imp.indexesDropped {
				if err := createOffenseIndexes(ctx, imp.tx); err != nil {
					return imp.db.normalize(err)
				}
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
	if err == nil && imp.indexesDropped {
		err = imp.db.ensureOffenseIndexes(ctx)
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
		beats, err := scanMap[int64, int64](ctx, db, `SELECT id, beat FROM offense_imports WHERE status = ?`, aldyn.ImportRunning)
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

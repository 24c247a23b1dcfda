// Package store is the only package that speaks SQL. It opens the embedded
// SQLite database or PostgreSQL, applies the versioned migrations embedded
// in the binary, and implements the queries of every module with plain,
// parameterised SQL that both engines accept; the few differences live in
// the dialect seam in this file.
package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/aldyn-kg/aldyn"
	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
	"github.com/pressly/goose/v3"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

//go:embed migrations
var migrations embed.FS

// Dialects.
const (
	SQLite   = "sqlite"
	Postgres = "postgres"
)

// DB is a handle on the database. With SQLite, writes go through one
// connection and reads through a small pool; with PostgreSQL both are the
// same pool.
type DB struct {
	Dialect string
	DSN     string // without secrets? no: callers must not log it; see Redacted
	w, r    *sql.DB
	Now     func() time.Time
	Log     *slog.Logger
	monthly monthlyCache // offense_monthly in memory, see offense_cache.go
	records recCache     // records in memory for maps and time tables, see offense_index.go
	// refGen counts committed changes of territories, boundaries and
	// populations made through this handle (see StatsVersion).
	refGen atomic.Int64
	// residentGen counts committed changes of residents' reports and
	// categories made through this handle (see ResidentsVersion).
	residentGen atomic.Int64
	residentMap residentMapIndex // the public map's points, see resident_map_index.go
	// bg is the context of work the handle does in the background; Close
	// cancels it and waits for that work to end.
	bg     context.Context
	stopBg context.CancelFunc
}

// Open opens the database named by dsn: a postgres:// or postgresql:// URL
// selects PostgreSQL, anything else is a path to an SQLite file (created
// with its directory if missing). Open applies pending migrations.
func Open(ctx context.Context, dsn string) (*DB, error) {
	db := &DB{DSN: dsn, Now: func() time.Time { return time.Now().UTC() }, Log: slog.Default()}
	db.bg, db.stopBg = context.WithCancel(context.Background())
	var err error
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		db.Dialect = Postgres
		if db.w, err = sql.Open("pgx", dsn); err != nil {
			return nil, fmt.Errorf("open postgres: %w", err)
		}
		db.w.SetMaxOpenConns(16)
		db.w.SetMaxIdleConns(8)
		db.w.SetConnMaxIdleTime(5 * time.Minute)
		db.r = db.w
	} else {
		db.Dialect = SQLite
		if err := os.MkdirAll(filepath.Dir(dsn), 0o750); err != nil {
			return nil, fmt.Errorf("create data directory: %w", err)
		}
		// Pragmas sit in the DSN so every pooled connection has them.
		q := "?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)" +
			"&_pragma=synchronous(NORMAL)&_time_format=sqlite"
		if db.w, err = sql.Open("sqlite", "file:"+dsn+q+"&_txlock=immediate"); err != nil {
			return nil, fmt.Errorf("open sqlite: %w", err)
		}
		db.w.SetMaxOpenConns(1)
		if db.r, err = sql.Open("sqlite", "file:"+dsn+q+"&_pragma=query_only(1)"); err != nil {
			return nil, fmt.Errorf("open sqlite: %w", err)
		}
		db.r.SetMaxOpenConns(4)
	}
	if err := db.w.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("connect to %s database: %w", db.Dialect, err)
	}
	if err := db.Migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	if err := db.ensureOffenseIndexes(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// Close ends the background work and closes the connection pools.
func (db *DB) Close() error {
	db.stopBg()
	db.records.wg.Wait()
	db.residentMap.wg.Wait()
	err := db.w.Close()
	if db.r != db.w {
		err = errors.Join(err, db.r.Close())
	}
	return err
}

// Stats returns the connection pool statistics of the write and read pools.
func (db *DB) Stats() (w, r sql.DBStats) { return db.w.Stats(), db.r.Stats() }

// Redacted returns the DSN without a password, for logs.
func Redacted(dsn string) string {
	if u, err := url.Parse(dsn); err == nil && u.User != nil {
		if _, ok := u.User.Password(); ok {
			u.User = url.UserPassword(u.User.Username(), "xxxxx")
		}
		return u.String()
	}
	return dsn
}

// provider reads and applies migrations through pool.
func (db *DB) provider(pool *sql.DB) (*goose.Provider, error) {
	sub, err := fs.Sub(migrations, "migrations/"+db.Dialect)
	if err != nil {
		return nil, err
	}
	d := goose.DialectSQLite3
	if db.Dialect == Postgres {
		d = goose.DialectPostgres
	}
	// 00002 (plans) came after 00003 (offenses) was released: databases
	// already at 3 still get 2.
	return goose.NewProvider(d, pool, sub, goose.WithAllowOutofOrder(true))
}

// Migrate applies pending migrations.
func (db *DB) Migrate(ctx context.Context) error {
	p, err := db.provider(db.w)
	if err != nil {
		return fmt.Errorf("migrations: %w", err)
	}
	res, err := p.Up(ctx)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	for _, r := range res {
		db.Log.Info("migration applied", "version", r.Source.Version, "file", filepath.Base(r.Source.Path), "duration", r.Duration)
	}
	return nil
}

// Version returns the current schema version, read through the read pool
// so that readiness never waits for a write.
func (db *DB) Version(ctx context.Context) (int64, error) {
	p, err := db.provider(db.r)
	if err != nil {
		return 0, err
	}
	return p.GetDBVersion(ctx)
}

// Ping checks the database answers.
func (db *DB) Ping(ctx context.Context) error { return db.r.PingContext(ctx) }

// rebind turns ? placeholders into $n for PostgreSQL. Queries in this
// package never contain a literal question mark.
func (db *DB) rebind(q string) string {
	if db.Dialect != Postgres || !strings.Contains(q, "?") {
		return q
	}
	var b strings.Builder
	n := 0
	for _, c := range q {
		if c == '?' {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteRune(c)
	}
	return b.String()
}

// querier is what reads and writes run on: the read pool or a transaction.
type querier interface {
	ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row
}

// Tx is a write transaction. Every change and its audit entry are written
// in one Tx.
type Tx struct {
	db    *DB
	tx    *sql.Tx
	actor *aldyn.Actor
	now   time.Time
	// refChanged: the transaction writes reference data statistics are
	// computed with; committing it moves StatsVersion.
	refChanged bool
	// residentChanged: the transaction audited a change of a residents'
	// report or category; committing it moves ResidentsVersion.
	residentChanged bool
}

func (tx *Tx) exec(ctx context.Context, q string, args ...any) (sql.Result, error) {
	res, err := tx.tx.ExecContext(ctx, tx.db.rebind(q), args...)
	return res, tx.db.normalize(err)
}

func (tx *Tx) query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	rows, err := tx.tx.QueryContext(ctx, tx.db.rebind(q), args...)
	return rows, tx.db.normalize(err)
}

func (tx *Tx) queryRow(ctx context.Context, q string, args ...any) *sql.Row {
	return tx.tx.QueryRowContext(ctx, tx.db.rebind(q), args...)
}

// Update runs fn in a write transaction on behalf of actor, committing when
// fn returns nil. SQLite busy errors are retried.
func (db *DB) Update(ctx context.Context, actor *aldyn.Actor, fn func(*Tx) error) error {
	var err error
	for attempt := 0; attempt < 5; attempt++ {
		err = db.update(ctx, actor, fn)
		if !isBusy(err) {
			return err
		}
		time.Sleep(time.Duration(50*(attempt+1)) * time.Millisecond)
	}
	return err
}

// updateValid validates v and, when it is valid, runs fn as Update does.
func (db *DB) updateValid(ctx context.Context, actor *aldyn.Actor, v interface{ Validate() error }, fn func(*Tx) error) error {
	if err := v.Validate(); err != nil {
		return err
	}
	return db.Update(ctx, actor, fn)
}

func (db *DB) update(ctx context.Context, actor *aldyn.Actor, fn func(*Tx) error) error {
	sqlTx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return db.normalize(err)
	}
	tx := &Tx{db: db, tx: sqlTx, actor: actor, now: db.Now()}
	if err := fn(tx); err != nil {
		_ = sqlTx.Rollback()
		return err
	}
	if err := sqlTx.Commit(); err != nil {
		return db.normalize(err)
	}
	if tx.refChanged {
		db.refGen.Add(1)
	}
	if tx.residentChanged {
		db.residentGen.Add(1)
	}
	return nil
}

func (db *DB) query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	rows, err := db.r.QueryContext(ctx, db.rebind(q), args...)
	return rows, db.normalize(err)
}

func (db *DB) queryRow(ctx context.Context, q string, args ...any) *sql.Row {
	return db.r.QueryRowContext(ctx, db.rebind(q), args...)
}

// normalize turns driver errors into the domain's codes so callers see one
// error set whichever database runs.
func (db *DB) normalize(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, sql.ErrNoRows) {
		return aldyn.Errorf(aldyn.ENOTFOUND, "error.not_found")
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		switch pgErr.Code {
		case "23505":
			return fmt.Errorf("%w: %v", aldyn.Errorf(aldyn.ECONFLICT, "error.conflict"), err)
		case "23503":
			return fmt.Errorf("%w: %v", aldyn.Errorf(aldyn.EINVALID, "error.reference"), err)
		}
	}
	var sqErr *sqlite.Error
	if errors.As(err, &sqErr) {
		switch sqErr.Code() {
		case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
			return fmt.Errorf("%w: %v", aldyn.Errorf(aldyn.ECONFLICT, "error.conflict"), err)
		case sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY:
			return fmt.Errorf("%w: %v", aldyn.Errorf(aldyn.EINVALID, "error.reference"), err)
		}
	}
	return err
}

// notFound is normalize for the lookup of one row, with sql.ErrNoRows
// reported as ENOTFOUND with the message key key.
func (db *DB) notFound(err error, key string) error {
	if errors.Is(err, sql.ErrNoRows) {
		return aldyn.Errorf(aldyn.ENOTFOUND, key)
	}
	return db.normalize(err)
}

func isBusy(err error) bool {
	var sqErr *sqlite.Error
	if errors.As(err, &sqErr) {
		c := sqErr.Code() & 0xff
		return c == sqlite3.SQLITE_BUSY || c == sqlite3.SQLITE_LOCKED
	}
	return false
}

// likeEscape escapes a user's search text for LIKE … ESCAPE '\'.
func likeEscape(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return r.Replace(s)
}

// orderBy returns a whitelisted ORDER BY clause.
func orderBy(p aldyn.Page, allowed map[string]string, def string) string {
	col, ok := allowed[p.Sort]
	if !ok {
		col = def
	}
	dir := " ASC"
	if p.Desc {
		dir = " DESC"
	}
	// The direction applies to every column of a sort ("at, id" newest
	// first is "at DESC, id DESC", not "at, id DESC").
	cols := strings.Split(col, ",")
	for i, c := range cols {
		cols[i] = strings.TrimSpace(c) + dir
	}
	return " ORDER BY " + strings.Join(cols, ", ")
}

// limitOffset returns the LIMIT/OFFSET clause of a normalized page.
func limitOffset(p aldyn.Page) string {
	p = p.Normalize()
	return fmt.Sprintf(" LIMIT %d OFFSET %d", p.Limit, p.Offset)
}

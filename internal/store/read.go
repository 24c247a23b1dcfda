package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aldyn-kg/aldyn"
)

// This file holds what the loads of every entity share: the reader they
// run on (the read pool, a read snapshot or a write transaction), scanners
// that skip database/sql's reflection, paging, and small conversions.

// reader is what loads run on: the read pool, a read snapshot or a write
// transaction.
type reader interface {
	query(ctx context.Context, q string, args ...any) (*sql.Rows, error)
	queryRow(ctx context.Context, q string, args ...any) *sql.Row
	dialect() string
}

func (db *DB) dialect() string     { return db.Dialect }
func (tx *Tx) dialect() string     { return tx.db.Dialect }
func (s snapshot) dialect() string { return s.db.Dialect }

// timeCol selects a timestamp column. SQLite stores timestamps as text,
// which the driver parses trying layout after layout; selecting the text
// and parsing its one layout (timeScan) makes loads of thousands of rows
// several times faster. PostgreSQL sends timestamps in binary.
func timeCol(r reader, col string) string {
	if r.dialect() == SQLite {
		return "CAST(" + col + " AS TEXT)"
	}
	return col
}

// intInto and strInto scan integers and strings into fields of named or
// sized types without database/sql's reflective conversion (which turns
// an int64 into text and parses it back for an int): the loads of the
// dashboard scan a hundred thousand values.
type intInto[T ~int | ~int64] struct{ p *T }

func (s intInto[T]) Scan(v any) error {
	switch x := v.(type) {
	case int64:
		*s.p = T(x)
	case nil:
		*s.p = 0
	default:
		return fmt.Errorf("scan %T into an integer", v)
	}
	return nil
}

type strInto[T ~string] struct{ p *T }

func (s strInto[T]) Scan(v any) error {
	switch x := v.(type) {
	case string:
		*s.p = T(x)
	case []byte:
		*s.p = T(x)
	default:
		return fmt.Errorf("scan %T into a string", v)
	}
	return nil
}

// jsonInto scans a column of JSON text into *p; jsonOf(p) is one.
type jsonInto[T any] struct{ p *T }

func jsonOf[T any](p *T) jsonInto[T] { return jsonInto[T]{p} }

func (s jsonInto[T]) Scan(v any) error {
	switch x := v.(type) {
	case string:
		return json.Unmarshal([]byte(x), s.p)
	case []byte:
		return json.Unmarshal(x, s.p)
	default:
		return fmt.Errorf("scan %T into JSON", v)
	}
}

// timeScan scans a timestamp selected with timeCol into *t, in UTC.
type timeScan struct{ t *time.Time }

func (s timeScan) Scan(v any) error {
	t, err := scanTimeValue(v)
	if err != nil {
		return err
	}
	if t == nil {
		return fmt.Errorf("scan NULL into a time")
	}
	*s.t = *t
	return nil
}

// nullTimeScan scans a nullable timestamp selected with timeCol into *t.
type nullTimeScan struct{ t **time.Time }

func (s nullTimeScan) Scan(v any) (err error) {
	*s.t, err = scanTimeValue(v)
	return err
}

// sqliteTimeLayouts are the layout the SQLite driver writes
// (_time_format=sqlite) and, for rows written otherwise, ISO forms.
var sqliteTimeLayouts = []string{"2006-01-02 15:04:05.999999999-07:00", time.RFC3339Nano, "2006-01-02 15:04:05.999999999", time.DateOnly}

// parseSQLiteTime parses the driver's layout "2006-01-02 15:04:05.999999999-07:00"
// without time.Parse's generality: a dashboard load parses tens of
// thousands of them.
func parseSQLiteTime(s string) (time.Time, bool) {
	num := func(s string) (int, bool) {
		n := 0
		for i := 0; i < len(s); i++ {
			c := s[i] - '0'
			if c > 9 {
				return 0, false
			}
			n = n*10 + int(c)
		}
		return n, true
	}
	if len(s) < 25 || s[4] != '-' || s[7] != '-' || s[10] != ' ' || s[13] != ':' || s[16] != ':' {
		return time.Time{}, false
	}
	tz := s[len(s)-6:]
	if (tz[0] != '+' && tz[0] != '-') || tz[3] != ':' {
		return time.Time{}, false
	}
	frac, nsec := s[19:len(s)-6], 0
	if frac != "" {
		if frac[0] != '.' || len(frac) > 10 {
			return time.Time{}, false
		}
		n, ok := num(frac[1:])
		if !ok {
			return time.Time{}, false
		}
		for i := len(frac) - 1; i < 9; i++ {
			n *= 10
		}
		nsec = n
	}
	var f [7]int
	for i, r := range [][2]int{{0, 4}, {5, 7}, {8, 10}, {11, 13}, {14, 16}, {17, 19}} {
		n, ok := num(s[r[0]:r[1]])
		if !ok {
			return time.Time{}, false
		}
		f[i] = n
	}
	zh, ok1 := num(tz[1:3])
	zm, ok2 := num(tz[4:6])
	if !ok1 || !ok2 {
		return time.Time{}, false
	}
	off := zh*3600 + zm*60
	if tz[0] == '-' {
		off = -off
	}
	t := time.Date(f[0], time.Month(f[1]), f[2], f[3], f[4], f[5], nsec, time.UTC).Add(-time.Duration(off) * time.Second)
	return t, true
}

func scanTimeValue(v any) (*time.Time, error) {
	var s string
	switch x := v.(type) {
	case nil:
		return nil, nil
	case time.Time:
		u := x.UTC()
		return &u, nil
	case string:
		s = x
	case []byte:
		s = string(x)
	default:
		return nil, fmt.Errorf("scan %T into a time", v)
	}
	if t, ok := parseSQLiteTime(s); ok {
		return &t, nil
	}
	for _, l := range sqliteTimeLayouts {
		if t, err := time.Parse(l, s); err == nil {
			u := t.UTC()
			return &u, nil
		}
	}
	return nil, fmt.Errorf("parse time %q", s)
}

// snapshot is a read-only transaction: the several queries of one load see
// the same state of the database.
type snapshot struct {
	db *DB
	tx *sql.Tx
}

func (s snapshot) query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	rows, err := s.tx.QueryContext(ctx, s.db.rebind(q), args...)
	return rows, s.db.normalize(err)
}

func (s snapshot) queryRow(ctx context.Context, q string, args ...any) *sql.Row {
	return s.tx.QueryRowContext(ctx, s.db.rebind(q), args...)
}

// read runs fn in a read snapshot.
func (db *DB) read(ctx context.Context, fn func(reader) error) error {
	opts := &sql.TxOptions{ReadOnly: true}
	if db.Dialect == Postgres {
		opts.Isolation = sql.LevelRepeatableRead
	}
	tx, err := db.r.BeginTx(ctx, opts)
	if err != nil {
		return db.normalize(err)
	}
	defer tx.Rollback()
	return fn(snapshot{db: db, tx: tx})
}

// readList runs a list query, find with filter f, in one read transaction.
func readList[T, F any](ctx context.Context, db *DB, f F, find func(context.Context, reader, F) ([]T, int, error)) (out []T, total int, err error) {
	err = db.read(ctx, func(r reader) (err error) {
		out, total, err = find(ctx, r, f)
		return err
	})
	return out, total, err
}

// readOne runs a lookup by id, find, in one read transaction.
func readOne[T any](ctx context.Context, db *DB, id int64, find func(context.Context, reader, int64) (T, error)) (v T, err error) {
	err = db.read(ctx, func(r reader) (err error) {
		v, err = find(ctx, r, id)
		return err
	})
	return v, err
}

// scanAll runs a query and calls scan for each row.
func scanAll(ctx context.Context, r reader, scan func(*sql.Rows) error, q string, args ...any) error {
	rows, err := r.query(ctx, q, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := scan(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// scanMap runs a query of two columns and returns the first column's
// values mapped to the second's.
func scanMap[K comparable, V any](ctx context.Context, r reader, q string, args ...any) (map[K]V, error) {
	m := map[K]V{}
	err := scanAll(ctx, r, func(rows *sql.Rows) error {
		var k K
		var v V
		if err := rows.Scan(&k, &v); err != nil {
			return err
		}
		m[k] = v
		return nil
	}, q, args...)
	if err != nil {
		return nil, err
	}
	return m, nil
}

// scanColumn runs a query of one column and returns its values.
func scanColumn[T any](ctx context.Context, r reader, q string, args ...any) ([]T, error) {
	out := []T{}
	err := scanAll(ctx, r, func(rows *sql.Rows) error {
		var v T
		err := rows.Scan(&v)
		out = append(out, v)
		return err
	}, q, args...)
	return out, err
}

// findPage counts the rows that from and where select, and reads the
// page p asks for (its limit and offset) in the order given (an ORDER BY
// clause, with orderArgs for its parameters), each row with scan.
func findPage[T any](ctx context.Context, r reader, cols, from, where string, args []any, order string, orderArgs []any, p aldyn.Page,
	scan func(interface{ Scan(...any) error }) (T, error)) ([]T, int, error) {
	var total int
	if err := r.queryRow(ctx, "SELECT COUNT(*)"+from+where, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	out, err := scanList(ctx, r, scan, "SELECT "+cols+from+where+order+limitOffset(p), append(slices.Clip(args), orderArgs...)...)
	return out, total, err
}

// listQuery is how an entity's Find reads a page: the columns it selects
// and where from, the sorts a page may ask for, and the scanner of a row.
// Every order ends with tie, a unique column, so that pages never overlap.
type listQuery[T any] struct {
	cols    string              // the columns selected, or
	colsFor func(reader) string // the columns, where they differ between the databases (timeCol)
	from    string              // " FROM …"
	sorts   map[string]string   // the sorts a page may ask for (the exported XSorts)
	order   string              // the columns a sort the page does not name falls back to
	newest  string              // the sort, descending, of a page that asks for none ("": order, ascending)
	tie     string              // ", x.id", or "" where order is unique
	scan    func(interface{ Scan(...any) error }) (T, error)
	load    func(ctx context.Context, r reader, page []T) error // fills the child rows of a page read, when set
}

// withLoad returns l filling the child rows of a page read with load.
func withLoad[T any](l listQuery[T], load func(ctx context.Context, r reader, page []T) error) listQuery[T] {
	l.load = load
	return l
}

// page counts the rows w selects and reads the page p asks for.
func (l listQuery[T]) page(ctx context.Context, r reader, w *where, p aldyn.Page) ([]T, int, error) {
	cols := l.cols
	if l.colsFor != nil {
		cols = l.colsFor(r)
	}
	if p.Sort == "" && l.newest != "" {
		p.Sort, p.Desc = l.newest, true
	}
	out, total, err := findPage(ctx, r, cols, l.from, w.String(), w.args, orderBy(p, l.sorts, l.order)+l.tie, nil, p, l.scan)
	if err != nil || len(out) == 0 || l.load == nil {
		return out, total, err
	}
	return out, total, l.load(ctx, r, out)
}

// finder is how an entity's Find and FindByID read: the listQuery of its
// rows; filter, which adds the conditions of a filter f to w and returns
// the page f asks for; the id column, and the message key of an id not
// found.
type finder[T, F any] struct {
	list     listQuery[T]
	filter   func(w *where, f F) aldyn.Page
	idCol    string
	notFound string
}

// find counts the rows f selects and reads the page it asks for.
func (x finder[T, F]) find(ctx context.Context, r reader, f F) ([]T, int, error) {
	var w where
	p := x.filter(&w, f)
	return x.list.page(ctx, r, &w, p)
}

// one reads the row with id, or ENOTFOUND.
func (x finder[T, F]) one(ctx context.Context, r reader, id int64) (T, error) {
	var w where
	w.and(x.idCol+" = ?", id)
	items, _, err := x.list.page(ctx, r, &w, aldyn.Page{Limit: 1})
	return firstFound(items, err, x.notFound)
}

// scanList runs a query and returns its rows, each read with scan.
func scanList[T any](ctx context.Context, r reader, scan func(interface{ Scan(...any) error }) (T, error), q string, args ...any) ([]T, error) {
	out := []T{}
	err := scanAll(ctx, r, func(rows *sql.Rows) error {
		v, err := scan(rows)
		if err == nil {
			out = append(out, v)
		}
		return err
	}, q, args...)
	return out, err
}

// allowed returns v, loaded for a change with error err, or EFORBIDDEN
// when may says the actor may not change it.
func allowed[T any](v T, err error, may func(T) bool) (T, error) {
	var zero T
	if err != nil {
		return zero, err
	}
	if !may(v) {
		return zero, aldyn.Errorf(aldyn.EFORBIDDEN, "error.forbidden")
	}
	return v, nil
}

// byIDOf indexes items by their id.
func byIDOf[T any](items []T, id func(T) int64) map[int64]T {
	m := make(map[int64]T, len(items))
	for _, v := range items {
		m[id(v)] = v
	}
	return m
}

// loadChildren runs q, whose rows hold a parent's id and then a child's
// columns, and appends each child to the list (returned by list) of its
// parent in byID; rows of other parents are skipped. scan returns the
// destinations of a row, given where the parent id and the child go.
func loadChildren[P, C any](ctx context.Context, r reader, byID map[int64]P, list func(P) *[]C, scan func(id *int64, c *C) []any,
	q string, args ...any) error {
	var id int64
	var c C
	dest := scan(&id, &c)
	return scanAll(ctx, r, func(rows *sql.Rows) error {
		c = *new(C)
		if err := rows.Scan(dest...); err != nil {
			return err
		}
		if p, ok := byID[id]; ok {
			l := list(p)
			*l = append(*l, c)
		}
		return nil
	}, q, args...)
}

// childID and budgetLine scan loadChildren rows of a parent id and a
// child's id, or a budget line (source, funder, amount).
func childID(id, c *int64) []any { return []any{intInto[int64]{id}, intInto[int64]{c}} }

func budgetLine(id *int64, l *aldyn.BudgetLine) []any {
	return []any{intInto[int64]{id}, &l.Source, &l.Funder, intInto[int64]{&l.AmountKGS}}
}

// idsOf returns the ids of items.
func idsOf[T any](items []T, id func(T) int64) []int64 {
	ids := make([]int64, len(items))
	for i, v := range items {
		ids[i] = id(v)
	}
	return ids
}

// idsIn is the condition col IN (the ids of items) and its arguments.
func idsIn[T any](col string, items []T, id func(T) int64) (string, []any) {
	in, args := idList(idsOf(items, id))
	return col + " IN (" + in + ")", args
}

// loadIn is the load of a listQuery whose children load reads for the
// parents matching a condition: it loads those of the page read, by the
// condition col IN (their ids).
func loadIn[T any](col string, id func(T) int64,
	load func(ctx context.Context, r reader, page []T, cond string, args ...any) error) func(context.Context, reader, []T) error {
	return func(ctx context.Context, r reader, page []T) error {
		cond, args := idsIn(col, page, id)
		return load(ctx, r, page, cond, args...)
	}
}

// idList returns "?, ?, ?" and the ids as arguments.
func idList(ids []int64) (string, []any) {
	return placeholders(len(ids)), anyOf(ids)
}

func jsonText(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // the domain's plain structs always marshal
	}
	return string(b)
}

func parseDate(s string) time.Time {
	t, _ := time.Parse(time.DateOnly, s)
	return t
}

func nullTime(t sql.NullTime) *time.Time {
	if !t.Valid {
		return nil
	}
	u := t.Time.UTC()
	return &u
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// codeKey is a dotted code with its parts zero-padded, so that text order
// is code order ("1.2" < "1.10").
func codeKey(code string) string {
	parts := strings.Split(code, ".")
	for i, p := range parts {
		if len(p) < 3 {
			parts[i] = strings.Repeat("0", 3-len(p)) + p
		}
	}
	return strings.Join(parts, ".")
}

func idString(id int64) string { return strconv.FormatInt(id, 10) }

func invalidField(field, key string) error {
	return &aldyn.Error{Code: aldyn.EINVALID, Message: "error.validation", Fields: map[string]string{field: key}}
}

// boolInto scans a boolean that SQLite stores as an integer.
type boolInto struct{ p *bool }

func (s boolInto) Scan(v any) error {
	switch x := v.(type) {
	case bool:
		*s.p = x
	case int64:
		*s.p = x != 0
	default:
		return fmt.Errorf("scan %T into a boolean", v)
	}
	return nil
}

// floatInto scans a float without database/sql's reflective conversion.
type floatInto struct{ p *float64 }

func (s floatInto) Scan(v any) error {
	switch x := v.(type) {
	case float64:
		*s.p = x
	case int64:
		*s.p = float64(x)
	case nil:
		*s.p = 0
	default:
		return fmt.Errorf("scan %T into a float", v)
	}
	return nil
}

// firstFound returns the first of the items a find by id returned, or
// ENOTFOUND with the message key notFound when there is none.
func firstFound[T any](items []T, err error, notFound string) (T, error) {
	var zero T
	if err != nil {
		return zero, err
	}
	if len(items) == 0 {
		return zero, aldyn.Errorf(aldyn.ENOTFOUND, notFound)
	}
	return items[0], nil
}

package store

// The counts an import keeps in memory and adds to the aggregates
// (offense_monthly, offense_hourly, offense_precinct_monthly) at Commit.

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

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

// countBuffered counts the buffered rows, all new to the database.
func (imp *OffenseImport) countBuffered() {
	for i := range imp.buf {
		r := &imp.buf[i]
		imp.count(r.path, r.o.PrecinctCode, r.o.Category, r.o.Source, r.year, r.month, r.weekday, r.hour, r.o.Solved, r.synthetic)
	}
}

// countedCols are the columns of the records count needs.
const countedCols = `territory_path, precinct_code, category, source, year, month, weekday, hour, solved, synthetic`

// countRows counts the records rows returns (their countedCols), all new
// to the database, closes rows and returns how many there were.
func (imp *OffenseImport) countRows(rows *sql.Rows) (int64, error) {
	var n int64
	for rows.Next() {
		var path, precinct, category, source string
		var year, month, weekday, hour int
		var solved, synthetic bool
		if err := rows.Scan(&path, &precinct, &category, &source, &year, &month, &weekday, &hour, &solved, &synthetic); err != nil {
			rows.Close()
			return n, err
		}
		imp.count(path, precinct, category, source, year, month, weekday, hour, solved, synthetic)
		n++
	}
	return n, errors.Join(rows.Err(), rows.Close())
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

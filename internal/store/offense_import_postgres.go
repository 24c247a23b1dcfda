package store

// PostgreSQL's write path of an offense import: COPY, or a staged INSERT
// … ON CONFLICT DO NOTHING once a stored id has been met.

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/aldyn-kg/aldyn"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

var stageCols = strings.Fields(strings.ReplaceAll(offenseCols, ",", " "))

// pgInsert moves the rows of offense_stage into offenses, skipping the
// ids already stored, and returns the ones it inserted for counting.
var pgInsert = `INSERT INTO offenses (` + offenseCols + `, import_id)
	SELECT ` + offenseCols + `, $1 FROM offense_stage
	ON CONFLICT (id) DO NOTHING
	RETURNING ` + countedCols

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
			imp.countBuffered()
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
		n, err := imp.countRows(rows)
		if err != nil {
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

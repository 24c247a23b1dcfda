package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/aldyn-kg/aldyn"
)

// monthlyCache keeps offense_monthly in memory, so that counts are summed
// in Go instead of by the database: the aggregate of ten million records is
// some 10^5 rows (a few megabytes), and summing a decade of months by
// oblast and category from memory takes milliseconds where the database's
// own GROUP BY takes tens of them. Only committed imports change the
// aggregate, and each leaves a done entry in offense_imports, so the number
// of those entries and the latest of their ids are the cache's version:
// one indexed query per count checks it, whichever process imported.
type monthlyCache struct {
	mu      sync.Mutex
	version string
	cells   []monthlyCell
}

type monthlyCell struct {
	path                     string
	category, source         string
	depth                    int
	year, month              int
	count, solved, synthetic int64
}

func (db *DB) monthlyVersion(ctx context.Context) (string, error) {
	var n, last int64
	err := db.queryRow(ctx, `SELECT COUNT(*), COALESCE(MAX(id), 0) FROM offense_imports WHERE status = ?`, aldyn.ImportDone).Scan(&n, &last)
	return fmt.Sprintf("%d/%d", n, last), db.normalize(err)
}

// monthlyCells returns the aggregate's rows, from memory when no import
// committed since they were read. The slice must not be changed.
func (db *DB) monthlyCells(ctx context.Context) ([]monthlyCell, error) {
	c := &db.monthly
	c.mu.Lock()
	defer c.mu.Unlock()
	v, err := db.monthlyVersion(ctx)
	if err != nil {
		return nil, err
	}
	if c.cells != nil && c.version == v {
		return c.cells, nil
	}
	rows, err := db.query(ctx, `SELECT depth, territory_path, category, source, year, month, count, solved, synthetic FROM offense_monthly`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	cells := make([]monthlyCell, 0, len(c.cells))
	paths := map[string]string{}
	var path, category, source sql.RawBytes
	var depth, year, month, count, solved, synthetic int64
	for rows.Next() {
		if err := rows.Scan(&depth, &path, &category, &source, &year, &month, &count, &solved, &synthetic); err != nil {
			return nil, db.normalize(err)
		}
		p, ok := paths[string(path)]
		if !ok {
			p = string(path)
			paths[p] = p
		}
		cells = append(cells, monthlyCell{path: p, category: internCategory(category), source: internSource(source), depth: int(depth),
			year: int(year), month: int(month), count: count, solved: solved, synthetic: synthetic})
	}
	if err := rows.Err(); err != nil {
		return nil, db.normalize(err)
	}
	// An import that committed while the rows were read may or may not be
	// in them: keep them only if the version did not move.
	if after, err := db.monthlyVersion(ctx); err == nil && after == v {
		c.cells, c.version = cells, v
	} else {
		c.cells, c.version = nil, ""
	}
	return cells, nil
}

// offenseCountsMemory is OffenseCounts summed over the cached aggregate:
// the same rows in the same order as the SQL (OffenseCountsSQLForTest), which a
// test checks on both engines.
func (db *DB) offenseCountsMemory(ctx context.Context, q aldyn.CountsQuery, group, read int, by []string) ([]aldyn.CountRow, error) {
	cells, err := db.monthlyCells(ctx)
	if err != nil {
		return nil, err
	}
	var from, to int
	if q.From != nil {
		from = q.From.Year()*12 + int(q.From.Month()) - 1
	}
	if q.To != nil {
		to = q.To.Year()*12 + int(q.To.Month()) - 1
	}
	none := strings.ContainsRune(q.Under, 0)
	has := func(k string) bool { return slices.Contains(by, k) }
	byTerr, byCat, bySrc, byYear, byQuarter, byMonth := has(aldyn.ByTerritory), has(aldyn.ByCategory), has(aldyn.BySource),
		has(aldyn.ByYear), has(aldyn.ByQuarter), has(aldyn.ByMonth)
	type key struct {
		path, category, source string
		year, quarter, month   int
	}
	sums := map[key]*aldyn.CountRow{}
	if none {
		return nil, nil
	}
	for i := range cells {
		c := &cells[i]
		if c.depth != read {
			continue
		}
		m := c.year*12 + c.month - 1
		if q.From != nil && m < from || q.To != nil && m >= to {
			continue
		}
		if q.Under != "" && !strings.HasPrefix(c.path, q.Under) {
			continue
		}
		if len(q.Categories) > 0 && !slices.Contains(q.Categories, c.category) {
			continue
		}
		if q.Source != "" && c.source != q.Source {
			continue
		}
		var k key
		if byTerr {
			k.path = c.path
			if read != group {
				k.path = ancestorPath(c.path, group)
			}
		}
		if byCat {
			k.category = c.category
		}
		if bySrc {
			k.source = c.source
		}
		if byYear {
			k.year = c.year
		}
		if byQuarter {
			k.quarter = (c.month + 2) / 3
		}
		if byMonth {
			k.month = c.month
		}
		r := sums[k]
		if r == nil {
			r = &aldyn.CountRow{Category: k.category, Source: k.source, Year: k.year, Quarter: k.quarter, Month: k.month}
			if byTerr {
				r.TerritoryCode = pathCode(k.path)
			}
			sums[k] = r
		}
		r.Count += c.count
		r.Solved += c.solved
		r.Synthetic += c.synthetic
	}
	out := make([]aldyn.CountRow, 0, len(sums))
	for _, r := range sums {
		if r.Count > 0 {
			out = append(out, *r)
		}
	}
	slices.SortFunc(out, compareCountRows)
	return out, nil
}

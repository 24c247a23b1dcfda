package store

// Offense records: their filters, points, and the territory-path helpers.
//
// Territory levels in the aggregate: materialized paths are made of 14-digit
// SOATE codes, "/<country>/<region>/<district>/", so the ancestor at depth d
// of a territory is the first 1+15d characters of its path (the whole path
// when it is shorter: a territory counts as its own ancestor at the depths
// below it), and a path's code is its last 14 characters before the final
// slash. offense_monthly counts every record once at each depth 1–3 (see
// the migration), so that a query reads the rows of one depth.

import (
	"context"
	"database/sql"
	"strconv"
	"strings"
	"time"

	"github.com/aldyn-kg/aldyn"
)

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

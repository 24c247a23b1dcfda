package store

// Counts of offense records: weekday × hour tables, precinct rankings,
// counts by territory, category and period, monthly series; served from
// the aggregates when a filter allows, else from the records.

import (
	"cmp"
	"context"
	"database/sql"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aldyn-kg/aldyn"
)

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
	codes, err := scanColumn[string](ctx, db, `SELECT code FROM territories`+pw.String(), pw.args...)
	if err != nil {
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
	err = scanAll(ctx, db, func(rows *sql.Rows) error {
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
	// addRows adds the counts of a query's rows (year, month, count).
	addRows := func(q string, args []any) error {
		return db.normalize(scanAll(ctx, db, func(rows *sql.Rows) error {
			var year, month int
			var n int64
			err := rows.Scan(&year, &month, &n)
			add(year, month, n)
			return err
		}, q, args...))
	}
	if excludeSensitive {
		f := aldyn.OffenseFilter{Under: under, PrecinctCode: precinct, ExcludeSensitive: true}
		if category != "" {
			f.Categories = []string{category}
		}
		w := db.offenseFilter(f)
		return out, addRows(`SELECT year, month, COUNT(*) FROM offenses`+w.String()+` GROUP BY year, month`, w.args)
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
		return out, addRows(`SELECT year, month, SUM(count) FROM offense_precinct_monthly`+w.String()+` GROUP BY year, month`, w.args)
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

package store

import (
	"strings"
	"time"
)

// where builds the WHERE clause of a query from optional filters: its
// conditions are joined by AND, and its arguments are in their order. It is
// the one way the store writes a filter; an empty one matches every row.
type where struct {
	conds []string
	args  []any
}

// String is the clause, with a leading space: " WHERE …".
func (w *where) String() string {
	if len(w.conds) == 0 {
		return " WHERE 1=1"
	}
	return " WHERE " + strings.Join(w.conds, " AND ")
}

// and adds a condition with its arguments.
func (w *where) and(cond string, args ...any) {
	w.conds = append(w.conds, cond)
	w.args = append(w.args, args...)
}

// eq adds col = *v when v is set.
func eq[T any](w *where, col string, v *T) {
	if v != nil {
		w.and(col+" = ?", *v)
	}
}

// eqString adds col = *v when v is set, for a named string type such as a
// status.
func eqString[S ~string](w *where, col string, v *S) {
	if v != nil {
		w.and(col+" = ?", string(*v))
	}
}

// eqText adds col = v unless v is empty.
func (w *where) eqText(col, v string) {
	if v != "" {
		w.and(col+" = ?", v)
	}
}

// in adds col IN (vals) unless vals is empty.
func (w *where) in(col string, vals []string) {
	if len(vals) == 0 {
		return
	}
	w.and(col+" IN ("+placeholders(len(vals))+")", anyOf(vals)...)
}

// texts converts values of a named string type (a status, a kind) for in.
func texts[S ~string](vals []S) []string {
	out := make([]string, len(vals))
	for i, v := range vals {
		out[i] = string(v)
	}
	return out
}

// anyOf converts values to query arguments.
func anyOf[T any](vals []T) []any {
	out := make([]any, len(vals))
	for i, v := range vals {
		out[i] = v
	}
	return out
}

// placeholders returns "?, ?, ?", n of them.
func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

// timeRange bounds the timestamp column col to [from, to), in UTC; a nil
// bound is open.
func (w *where) timeRange(col string, from, to *time.Time) {
	if from != nil {
		w.and(col+" >= ?", from.UTC())
	}
	if to != nil {
		w.and(col+" < ?", to.UTC())
	}
}

// inIDs adds col IN (ids) when ids is set; a set but empty list matches
// no row.
func (w *where) inIDs(col string, ids []int64) {
	if ids == nil {
		return
	}
	if len(ids) == 0 {
		w.and("1=0")
		return
	}
	in, args := idList(ids)
	w.and(col+" IN ("+in+")", args...)
}

// matchesNothing reports whether a scope prefix is the public's
// match-nothing scope (aldyn.Actor.ScopeUnder): paths hold no NUL, and
// PostgreSQL refuses one in text, so it must not reach the database.
func matchesNothing(prefix string) bool { return strings.ContainsRune(prefix, 0) }

// pathRange keeps the rows whose path column col lies under prefix, as a
// range that both databases answer from an index. On PostgreSQL the column
// must sort bytewise (COLLATE "C"); pathLike serves the others.
func (w *where) pathRange(col, prefix string) {
	switch {
	case prefix == "":
	case matchesNothing(prefix):
		w.and("1=0")
	default:
		end := prefix[:len(prefix)-1] + string(prefix[len(prefix)-1]+1)
		w.and(col+" >= ? AND "+col+" < ?", prefix, end)
	}
}

// ofPlan keeps the items of a plan (cycles, indicators, measures: rows
// joined to their plan p by planCol): those of plan *planID when set, and
// of plans under the territory path prefix.
func (w *where) ofPlan(planCol string, planID *int64, prefix string) {
	eq(w, planCol, planID)
	w.pathRange("p.territory_path", prefix)
}

// pathLike keeps the rows where any of the path columns cols starts with
// prefix, by LIKE, which holds in any collation.
func (w *where) pathLike(prefix string, cols ...string) {
	switch {
	case prefix == "":
	case matchesNothing(prefix):
		w.and("1=0")
	default:
		w.anyLike(likeEscape(prefix)+"%", cols)
	}
}

// search keeps the rows where any of cols, which hold lower-case text,
// contains q (trimmed, and lower-cased in Go so that both databases fold
// Cyrillic alike); a blank q keeps every row.
func (w *where) search(q string, cols ...string) {
	if q = strings.TrimSpace(q); q != "" {
		w.anyLike("%"+likeEscape(strings.ToLower(q))+"%", cols)
	}
}

func (w *where) anyLike(pattern string, cols []string) {
	conds := make([]string, len(cols))
	for i, c := range cols {
		conds[i] = c + ` LIKE ? ESCAPE '\'`
		w.args = append(w.args, pattern)
	}
	if len(conds) == 1 {
		w.conds = append(w.conds, conds[0])
		return
	}
	w.conds = append(w.conds, "("+strings.Join(conds, " OR ")+")")
}

// monthRange bounds the columns year and month to the months from the
// month of from (inclusive) to the month of to (exclusive); a nil bound is
// open.
func (w *where) monthRange(from, to *time.Time) {
	if from != nil {
		w.and("(year, month) >= (?, ?)", from.Year(), int(from.Month()))
	}
	if to != nil {
		w.and("(year, month) < (?, ?)", to.Year(), int(to.Month()))
	}
}

package disclosure

import (
	"errors"
	"math"
	"slices"
)

// Statistical disclosure control of published count tables (open data):
//
//   - primary suppression: a cell counting 1 to k−1 records is withheld;
//     zero is published as zero;
//   - secondary suppression: a withheld cell must not be recomputable from
//     what the table publishes beside it. Every sum the table holds (a row
//     and its total, a column and its total, districts and their oblast,
//     oblasts and the country) is one Sum; a Sum with exactly one withheld
//     member gets a second one withheld — its smallest non-zero member, the
//     cheapest complement, as statistics offices choose, never a zero — until no Sum has
//     exactly one. That alone does not rule out a cell pinned by several
//     sums together, so a linear-algebra audit follows: a withheld cell whose
//     value the published cells determine (it lies in the row space of the
//     sums restricted to the withheld cells) gets one more complement, and
//     the whole repeats until nothing is determined.
//
// Known cells stand for figures published elsewhere (another table's
// margin): they are never withheld here, and count as published.

// Flag says whether and why a cell is withheld.
type Flag uint8

// Flags of a cell. Published tables mark Primary and Secondary alike (as
// "confidential", see Suppressed): telling them apart would tell a reader
// which cells hold 1 to k−1 records.
const (
	Published Flag = iota
	Primary        // 1 to k−1 records
	Secondary      // withheld so that a Primary cell cannot be recomputed
)

// Suppressed reports whether the cell is withheld.
func (f Flag) Suppressed() bool { return f != Published }

// String is the reason shown to administrators.
func (f Flag) String() string {
	switch f {
	case Primary:
		return "primary"
	case Secondary:
		return "secondary"
	}
	return "published"
}

// Sum says that the cell Total equals the sum of the cells Parts.
type Sum struct {
	Total int
	Parts []int
}

// Table is one published table for Suppress: the true count of every cell
// and the sums that hold between them.
type Table struct {
	Values []int64
	Sums   []Sum
	// Known marks cells published elsewhere (nil: none).
	Known []bool
	// ZeroComplements lets a zero be withheld as a complement when a sum
	// has no other: safe only where every cell is in at most one sum (a
	// grid's cells under their district's total), where a withheld zero
	// beside a withheld count leaves the count free between 0 and the
	// total. Where sums overlap, non-negativity could pin cells.
	ZeroComplements bool
}

// ErrUnprotectable is returned when a withheld cell has no complement: every
// other member of its sum is published elsewhere. The caller publishes the
// table at a coarser level instead.
var ErrUnprotectable = errors.New("disclosure: a small cell cannot be protected in this table")

// Suppress returns the flag of every cell of t under minimum count k.
func Suppress(t *Table, k int) ([]Flag, error) {
	flags := make([]Flag, len(t.Values))
	known := func(i int) bool { return t.Known != nil && t.Known[i] }
	for i, v := range t.Values {
		if v > 0 && v < int64(k) && !known(i) {
			flags[i] = Primary
		}
	}
	// sums[i] are the sums cell i takes part in.
	sums := make([][]int, len(t.Values))
	for si, s := range t.Sums {
		sums[s.Total] = append(sums[s.Total], si)
		for _, p := range s.Parts {
			sums[p] = append(sums[p], si)
		}
	}
	members := func(s Sum) []int { return append([]int{s.Total}, s.Parts...) }
	// complement withholds the cheapest published member of s: the
	// smallest count, never a zero (a withheld zero could only grow, and
	// with two of them the non-negative solutions can pin a cell the sums
	// alone do not) nor a known cell. With only positive cells withheld,
	// a cell the sums leave free can always move a little either way, so
	// the audit's linear algebra is exact.
	complement := func(s Sum) bool {
		best, zero := -1, -1
		for _, m := range members(s) {
			if flags[m].Suppressed() || known(m) {
				continue
			}
			if t.Values[m] == 0 {
				if zero < 0 {
					zero = m
				}
				continue
			}
			if best < 0 || t.Values[m] < t.Values[best] {
				best = m
			}
		}
		if best < 0 && t.ZeroComplements {
			best = zero
		}
		if best < 0 {
			return false
		}
		flags[best] = Secondary
		return true
	}
	for {
		// The fixpoint: no sum with exactly one withheld member.
		for changed := true; changed; {
			changed = false
			for _, s := range t.Sums {
				n := 0
				for _, m := range members(s) {
					if flags[m].Suppressed() {
						n++
					}
				}
				if n == 1 {
					if !complement(s) {
						return flags, ErrUnprotectable
					}
					changed = true
				}
			}
		}
		// The audit: complement any withheld cell the sums still
		// determine, in one of its sums or, when those have nothing left
		// to withhold, in a sum of a cell withheld beside it.
		det := determined(t, flags)
		if len(det) == 0 {
			return flags, nil
		}
		for _, c := range det {
			if !complementNear(c, sums, t.Sums, flags, complement) {
				return flags, ErrUnprotectable
			}
		}
	}
}

// complementNear withholds one more cell in a sum of cell c, or of the
// withheld cells reached from c through sums (breadth first).
func complementNear(c int, sumsOf [][]int, all []Sum, flags []Flag, complement func(Sum) bool) bool {
	seen := map[int]bool{c: true}
	queue := []int{c}
	for len(queue) > 0 {
		x := queue[0]
		queue = queue[1:]
		for _, si := range sumsOf[x] {
			if complement(all[si]) {
				return true
			}
		}
		for _, si := range sumsOf[x] {
			for _, m := range append([]int{all[si].Total}, all[si].Parts...) {
				if flags[m].Suppressed() && !seen[m] {
					seen[m] = true
					queue = append(queue, m)
				}
			}
		}
	}
	return false
}

// determined returns the withheld cells whose value follows from the
// published cells and the sums: those whose unit vector lies in the row
// space of the sums restricted to the withheld cells. Sums link withheld
// cells into independent groups (one month's table, say), each solved
// apart by Gauss–Jordan elimination; coefficients are small integers, so
// float64 with a tolerance is exact enough.
func determined(t *Table, flags []Flag) []int {
	parent := map[int]int{}
	var find func(int) int
	find = func(i int) int {
		p, ok := parent[i]
		if !ok || p == i {
			parent[i] = i
			return i
		}
		r := find(p)
		parent[i] = r
		return r
	}
	var rowsOf [][]int // per sum: its withheld members (total first, marked by sign below)
	for _, s := range t.Sums {
		var ws []int
		if flags[s.Total].Suppressed() {
			ws = append(ws, s.Total)
		}
		for _, p := range s.Parts {
			if flags[p].Suppressed() {
				ws = append(ws, p)
			}
		}
		for _, w := range ws[min(1, len(ws)):] {
			parent[find(w)] = find(ws[0])
		}
		rowsOf = append(rowsOf, ws)
	}
	groups := map[int][]int{} // root → sums
	for si, ws := range rowsOf {
		if len(ws) > 0 {
			r := find(ws[0])
			groups[r] = append(groups[r], si)
		}
	}
	var out []int
	for _, sums := range groups {
		out = append(out, solveGroup(t, flags, sums)...)
	}
	slices.Sort(out)
	return out
}

// solveGroup returns the withheld cells of one group of sums that the sums
// determine.
func solveGroup(t *Table, flags []Flag, sums []int) []int {
	col := map[int]int{}
	var cells []int
	use := func(c int) {
		if _, ok := col[c]; !ok && flags[c].Suppressed() {
			col[c] = len(cells)
			cells = append(cells, c)
		}
	}
	for _, si := range sums {
		use(t.Sums[si].Total)
		for _, p := range t.Sums[si].Parts {
			use(p)
		}
	}
	rows := make([][]float64, 0, len(sums))
	for _, si := range sums {
		s := t.Sums[si]
		row := make([]float64, len(cells))
		if j, ok := col[s.Total]; ok {
			row[j]++
		}
		for _, p := range s.Parts {
			if j, ok := col[p]; ok {
				row[j]--
			}
		}
		rows = append(rows, row)
	}
	const eps = 1e-9
	pivotOf := make([]int, len(cells)) // column → row of its pivot, or -1
	for j := range pivotOf {
		pivotOf[j] = -1
	}
	r := 0
	for j := 0; j < len(cells) && r < len(rows); j++ {
		p := -1
		for i := r; i < len(rows); i++ {
			if math.Abs(rows[i][j]) > eps && (p < 0 || math.Abs(rows[i][j]) > math.Abs(rows[p][j])) {
				p = i
			}
		}
		if p < 0 {
			continue
		}
		rows[r], rows[p] = rows[p], rows[r]
		inv := 1 / rows[r][j]
		for c := range rows[r] {
			rows[r][c] *= inv
		}
		for i := range rows {
			if i != r && math.Abs(rows[i][j]) > eps {
				f := rows[i][j]
				for c := j; c < len(rows[i]); c++ {
					rows[i][c] -= f * rows[r][c]
				}
			}
		}
		pivotOf[j] = r
		r++
	}
	var out []int
	for j, pr := range pivotOf {
		if pr < 0 {
			continue // a free variable: never determined
		}
		alone := true
		for c, x := range rows[pr] {
			if c != j && pivotOf[c] < 0 && math.Abs(x) > eps {
				alone = false
				break
			}
		}
		if alone {
			out = append(out, cells[j])
		}
	}
	return out
}

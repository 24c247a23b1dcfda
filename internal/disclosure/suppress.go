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
//     cheapest complement, as statistics offices choose — until no Sum has
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
	// complement withholds the cheapest published member of s other than
	// the known ones: the smallest non-zero, else a zero (which still
	// widens the withheld cell's interval to the sum's total).
	complement := func(s Sum) bool {
		best := -1
		for _, m := range members(s) {
			if flags[m].Suppressed() || known(m) {
				continue
			}
			if best < 0 || rank(t.Values[m]) < rank(t.Values[best]) {
				best = m
			}
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
		// The audit: complement any withheld cell the sums still determine.
		det := determined(t, flags)
		if len(det) == 0 {
			return flags, nil
		}
		progress := false
		for _, c := range det {
			for _, si := range sums[c] {
				if complement(t.Sums[si]) {
					progress = true
					break
				}
			}
		}
		if !progress {
			return flags, ErrUnprotectable
		}
	}
}

// rank orders complements: the smallest non-zero value first, zeros last.
func rank(v int64) int64 {
	if v == 0 {
		return math.MaxInt64
	}
	return v
}

// determined returns the withheld cells whose value follows from the
// published cells and the sums: those whose unit vector lies in the row
// space of the sums restricted to the withheld cells (Gauss–Jordan
// elimination; coefficients are small integers, so float64 with a
// tolerance is exact enough).
func determined(t *Table, flags []Flag) []int {
	col := map[int]int{} // cell → column of the withheld cells
	var cells []int
	for i, f := range flags {
		if f.Suppressed() {
			col[i] = len(cells)
			cells = append(cells, i)
		}
	}
	if len(cells) == 0 {
		return nil
	}
	var rows [][]float64
	for _, s := range t.Sums {
		row := make([]float64, len(cells))
		any := false
		add := func(c int, x float64) {
			if j, ok := col[c]; ok {
				row[j] += x
				any = true
			}
		}
		add(s.Total, 1)
		for _, p := range s.Parts {
			add(p, -1)
		}
		if any {
			rows = append(rows, row)
		}
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
				for c := range rows[i] {
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
	slices.Sort(out)
	return out
}

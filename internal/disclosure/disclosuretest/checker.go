// Package disclosuretest checks published tables the way an attacker would,
// independently of the suppression code in package disclosure: it is given
// what a table publishes, the sums a reader knows hold between its cells
// (derived by the caller from the table's own dimensions, not taken from
// the suppression code), and the true values, and for every withheld cell
// it looks for a second non-negative solution of those sums in which that
// cell has another value. Finding one proves the cell cannot be
// recomputed; not finding one fails the test. Arithmetic is exact
// (math/big rationals).
package disclosuretest

import (
	"fmt"
	"math/big"
)

// Cell is one cell of a published table as a reader sees it, with the true
// value the checker needs to build its witness.
type Cell struct {
	Key        string // for messages
	Suppressed bool
	Published  int64 // the value shown when not Suppressed
	True       int64
	// Unpublished marks a quantity no table shows and none needs to
	// protect (records without a location, say): Suppressed, and never
	// reported as recoverable.
	Unpublished bool
	// Known marks a figure the reader has from elsewhere (a district's
	// total another table publishes): a constant of the sums, not a cell
	// of this table, so not held to k here.
	Known bool
}

// Sum is a relation a reader knows: Total = Σ Parts (cell indexes).
type Sum struct {
	Total int
	Parts []int
}

// Check returns one message per breach: a published value between 1 and
// k−1, a published value that differs from the truth, a sum that does not
// hold, or a withheld cell no alternative solution moves.
func Check(cells []Cell, sums []Sum, k int) []string {
	var out []string
	for _, c := range cells {
		if c.Suppressed {
			continue
		}
		if c.Published > 0 && c.Published < int64(k) && !c.Known {
			out = append(out, fmt.Sprintf("%s: published %d, below %d", c.Key, c.Published, k))
		}
		if c.Published != c.True {
			out = append(out, fmt.Sprintf("%s: published %d, true %d", c.Key, c.Published, c.True))
		}
	}
	for _, s := range sums {
		got := int64(0)
		for _, p := range s.Parts {
			got += cells[p].True
		}
		if got != cells[s.Total].True {
			out = append(out, fmt.Sprintf("sum of %s: parts %d, total %d", cells[s.Total].Key, got, cells[s.Total].True))
		}
	}
	if len(out) > 0 {
		return out
	}
	// Sums link withheld cells into independent groups; each is solved
	// apart.
	parent := map[int]int{}
	var find func(int) int
	find = func(i int) int {
		if p, ok := parent[i]; ok && p != i {
			r := find(p)
			parent[i] = r
			return r
		}
		parent[i] = i
		return i
	}
	for _, s := range sums {
		first := -1
		for _, c := range append([]int{s.Total}, s.Parts...) {
			if !cells[c].Suppressed {
				continue
			}
			if first < 0 {
				first = c
			}
			parent[find(c)] = find(first)
		}
	}
	groupSums := map[int][]Sum{}
	groupVars := map[int][]int{}
	for i, c := range cells {
		if c.Suppressed {
			r := find(i)
			groupVars[r] = append(groupVars[r], i)
		}
	}
	for _, s := range sums {
		for _, c := range append([]int{s.Total}, s.Parts...) {
			if cells[c].Suppressed {
				r := find(c)
				groupSums[r] = append(groupSums[r], s)
				break
			}
		}
	}
	for r, vars := range groupVars {
		out = append(out, checkGroup(cells, vars, groupSums[r])...)
	}
	return out
}

func checkGroup(cells []Cell, vars []int, sums []Sum) []string {
	var out []string
	col := map[int]int{}
	for j, i := range vars {
		col[i] = j
	}
	// The homogeneous system on the withheld cells: a change v of them
	// keeps every sum iff M·v = 0.
	var m [][]*big.Rat
	for _, s := range sums {
		row := make([]*big.Rat, len(vars))
		for j := range row {
			row[j] = new(big.Rat)
		}
		if j, ok := col[s.Total]; ok {
			row[j].Add(row[j], big.NewRat(1, 1))
		}
		for _, p := range s.Parts {
			if j, ok := col[p]; ok {
				row[j].Sub(row[j], big.NewRat(1, 1))
			}
		}
		m = append(m, row)
	}
	basis := nullSpace(m, len(vars))
	for j, cell := range vars {
		if cells[cell].Unpublished {
			continue
		}
		if !movable(cells, vars, basis, j) {
			out = append(out, fmt.Sprintf("%s: withheld, but its value %d follows from the published cells", cells[cell].Key, cells[cell].True))
		}
	}
	return out
}

// movable reports whether some change in the null space moves variable j
// while keeping every withheld cell non-negative: a basis vector, its
// negation, or the sum of the basis vectors moving j, at a small step.
func movable(cells []Cell, vars []int, basis [][]*big.Rat, j int) bool {
	var cands [][]*big.Rat
	sum := make([]*big.Rat, len(vars))
	for i := range sum {
		sum[i] = new(big.Rat)
	}
	for _, b := range basis {
		if b[j].Sign() != 0 {
			cands = append(cands, b)
			for i := range sum {
				sum[i].Add(sum[i], b[i])
			}
		}
	}
	if sum[j].Sign() != 0 {
		cands = append(cands, sum)
	}
	for _, v := range cands {
		for _, sign := range []int64{1, -1} {
			ok := true
			for i, x := range v {
				if x.Sign() == 0 {
					continue
				}
				// At a small step t, a zero cell must not go negative.
				if cells[vars[i]].True == 0 && x.Sign()*int(sign) < 0 {
					ok = false
					break
				}
			}
			if ok {
				return true
			}
		}
	}
	return false
}

// nullSpace returns a basis of {v : m·v = 0} by exact Gauss–Jordan
// elimination.
func nullSpace(m [][]*big.Rat, n int) [][]*big.Rat {
	pivotCol := []int{}
	r := 0
	for c := 0; c < n && r < len(m); c++ {
		p := -1
		for i := r; i < len(m); i++ {
			if m[i][c].Sign() != 0 {
				p = i
				break
			}
		}
		if p < 0 {
			continue
		}
		m[r], m[p] = m[p], m[r]
		inv := new(big.Rat).Inv(m[r][c])
		for k := range m[r] {
			m[r][k].Mul(m[r][k], inv)
		}
		for i := range m {
			if i == r || m[i][c].Sign() == 0 {
				continue
			}
			f := new(big.Rat).Set(m[i][c])
			for k := range m[i] {
				m[i][k].Sub(m[i][k], new(big.Rat).Mul(f, m[r][k]))
			}
		}
		pivotCol = append(pivotCol, c)
		r++
	}
	isPivot := make([]bool, n)
	for _, c := range pivotCol {
		isPivot[c] = true
	}
	var basis [][]*big.Rat
	for f := 0; f < n; f++ {
		if isPivot[f] {
			continue
		}
		v := make([]*big.Rat, n)
		for i := range v {
			v[i] = new(big.Rat)
		}
		v[f].SetInt64(1)
		for ri, pc := range pivotCol {
			v[pc].Neg(m[ri][f])
		}
		basis = append(basis, v)
	}
	return basis
}

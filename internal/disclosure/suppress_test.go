package disclosure_test

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/aldyn-kg/aldyn/internal/disclosure"
	"github.com/aldyn-kg/aldyn/internal/disclosure/disclosuretest"
)

// check runs the independent checker on what Suppress publishes.
func check(t *testing.T, tab *disclosure.Table, flags []disclosure.Flag, sums []disclosuretest.Sum, k int) {
	t.Helper()
	cells := make([]disclosuretest.Cell, len(tab.Values))
	for i, v := range tab.Values {
		cells[i] = disclosuretest.Cell{Key: fmt.Sprint("cell ", i), Suppressed: flags[i].Suppressed(), True: v}
		if !flags[i].Suppressed() {
			cells[i].Published = v
		}
	}
	for _, msg := range disclosuretest.Check(cells, sums, k) {
		t.Error(msg)
	}
}

func toCheckerSums(ss []disclosure.Sum) []disclosuretest.Sum {
	out := make([]disclosuretest.Sum, len(ss))
	for i, s := range ss {
		out[i] = disclosuretest.Sum{Total: s.Total, Parts: s.Parts}
	}
	return out
}

func TestSuppressPrimaryAndZero(t *testing.T) {
	// a + b + c = T with a = 0, b = 3, c = 40, T = 43 and k = 5.
	tab := &disclosure.Table{Values: []int64{0, 3, 40, 43}, Sums: []disclosure.Sum{{Total: 3, Parts: []int{0, 1, 2}}}}
	flags, err := disclosure.Suppress(tab, 5)
	if err != nil {
		t.Fatal(err)
	}
	if flags[0] != disclosure.Published {
		t.Errorf("zero: got %v, want published", flags[0])
	}
	if flags[1] != disclosure.Primary {
		t.Errorf("3: got %v, want primary", flags[1])
	}
	// The complement is the smallest non-zero other member: c (40), not
	// the total (43).
	if flags[2] != disclosure.Secondary || flags[3] != disclosure.Published {
		t.Errorf("complement: got c %v, total %v; want c secondary, total published", flags[2], flags[3])
	}
	check(t, tab, flags, toCheckerSums(tab.Sums), 5)
}

func TestSuppressOnlyZerosBeside(t *testing.T) {
	// a single small cell among zeros: the total is withheld too, or a
	// zero; either way the checker must not recover it.
	tab := &disclosure.Table{Values: []int64{0, 2, 0, 2}, Sums: []disclosure.Sum{{Total: 3, Parts: []int{0, 1, 2}}}}
	flags, err := disclosure.Suppress(tab, 5)
	if err != nil {
		t.Fatal(err)
	}
	check(t, tab, flags, toCheckerSums(tab.Sums), 5)
}

func TestSuppressKnownTotal(t *testing.T) {
	// Cells of a grid whose total (7) another table publishes: one small
	// cell needs a complement among the cells (never a zero).
	tab := &disclosure.Table{Values: []int64{7, 0, 0, 7}, Known: []bool{false, false, false, true},
		Sums: []disclosure.Sum{{Total: 3, Parts: []int{0, 1, 2}}}}
	tab.Values = []int64{3, 0, 4, 7}
	flags, err := disclosure.Suppress(tab, 5)
	if err != nil {
		t.Fatal(err)
	}
	if flags[3].Suppressed() {
		t.Error("a known cell was withheld")
	}
	check(t, tab, flags, toCheckerSums(tab.Sums), 5)

	// One cell alone under a known total cannot be protected.
	lone := &disclosure.Table{Values: []int64{3, 3}, Known: []bool{false, true}, Sums: []disclosure.Sum{{Total: 1, Parts: []int{0}}}}
	if _, err := disclosure.Suppress(lone, 5); err != disclosure.ErrUnprotectable {
		t.Errorf("lone cell: got %v, want ErrUnprotectable", err)
	}
}

// Overlapping sums (the differencing of nested periods): t1 = a + b and
// t2 = a + b + c. Each sum has two withheld cells once a and b are, so the
// one-per-sum rule is satisfied, yet c = t2 − t1. The audit must catch it.
func TestSuppressOverlappingSums(t *testing.T) {
	// cells: a, b, c, t1, t2
	tab := &disclosure.Table{Values: []int64{2, 3, 1, 5, 6}, Sums: []disclosure.Sum{
		{Total: 3, Parts: []int{0, 1}}, {Total: 4, Parts: []int{0, 1, 2}},
	}}
	flags, err := disclosure.Suppress(tab, 5)
	if err == nil {
		check(t, tab, flags, toCheckerSums(tab.Sums), 5)
		return
	}
	// With only these cells there may be no complement left; then the
	// caller must not publish the table, which the error says.
	if err != disclosure.ErrUnprotectable {
		t.Fatal(err)
	}
}

// The checker itself must catch a leak, or its silence proves nothing.
func TestCheckerCatchesLeak(t *testing.T) {
	cells := []disclosuretest.Cell{
		{Key: "a", Suppressed: true, True: 3},
		{Key: "b", Published: 40, True: 40},
		{Key: "T", Published: 43, True: 43},
	}
	sums := []disclosuretest.Sum{{Total: 2, Parts: []int{0, 1}}}
	if msgs := disclosuretest.Check(cells, sums, 5); len(msgs) != 1 {
		t.Errorf("one withheld cell in a sum: got %q, want one breach", msgs)
	}
	// t1 = a + b, t2 = a + b + c with a, b, c withheld: c is recoverable.
	cells = []disclosuretest.Cell{
		{Key: "a", Suppressed: true, True: 2}, {Key: "b", Suppressed: true, True: 3}, {Key: "c", Suppressed: true, True: 1},
		{Key: "t1", Published: 5, True: 5}, {Key: "t2", Published: 6, True: 6},
	}
	sums = []disclosuretest.Sum{{Total: 3, Parts: []int{0, 1}}, {Total: 4, Parts: []int{0, 1, 2}}}
	if msgs := disclosuretest.Check(cells, sums, 5); len(msgs) != 1 {
		t.Errorf("overlapping sums: got %q, want c recoverable", msgs)
	}
	if msgs := disclosuretest.Check([]disclosuretest.Cell{{Key: "x", Published: 2, True: 2}}, nil, 5); len(msgs) != 1 {
		t.Errorf("a published 2: got %q, want one breach", msgs)
	}
}

// hierarchy builds a table the way open data publishes counts: leaves
// (districts) under parents (oblasts) under one country, by categories
// with a total column. It returns the table for Suppress and, built
// separately from the grid's shape, the sums a reader knows.
func hierarchy(rng *rand.Rand, parents, leavesPer, cats int, sparse float64) (*disclosure.Table, []disclosuretest.Sum) {
	rowsN := 1 + parents + parents*leavesPer
	colsN := cats + 1
	idx := func(r, c int) int { return r*colsN + c }
	vals := make([]int64, rowsN*colsN)
	leaf := func(p, l int) int { return 1 + parents + p*leavesPer + l }
	for p := 0; p < parents; p++ {
		for l := 0; l < leavesPer; l++ {
			for c := 0; c < cats; c++ {
				if rng.Float64() < sparse {
					continue
				}
				v := int64(rng.IntN(12))
				vals[idx(leaf(p, l), c)] = v
				vals[idx(1+p, c)] += v
				vals[idx(0, c)] += v
				vals[idx(leaf(p, l), cats)] += v
				vals[idx(1+p, cats)] += v
				vals[idx(0, cats)] += v
			}
		}
	}
	var sums []disclosure.Sum
	var readerSums []disclosuretest.Sum
	for r := 0; r < rowsN; r++ {
		var parts []int
		for c := 0; c < cats; c++ {
			parts = append(parts, idx(r, c))
		}
		sums = append(sums, disclosure.Sum{Total: idx(r, cats), Parts: parts})
	}
	for c := 0; c <= cats; c++ {
		var ob []int
		for p := 0; p < parents; p++ {
			ob = append(ob, idx(1+p, c))
			var ds []int
			for l := 0; l < leavesPer; l++ {
				ds = append(ds, idx(leaf(p, l), c))
			}
			sums = append(sums, disclosure.Sum{Total: idx(1+p, c), Parts: ds})
		}
		sums = append(sums, disclosure.Sum{Total: idx(0, c), Parts: ob})
	}
	// The reader's sums: every row adds up to its total column, every
	// parent to its leaves, the country to its parents — and, since both
	// levels are published, the country to all leaves directly.
	for r := 0; r < rowsN; r++ {
		s := disclosuretest.Sum{Total: idx(r, cats)}
		for c := 0; c < cats; c++ {
			s.Parts = append(s.Parts, idx(r, c))
		}
		readerSums = append(readerSums, s)
	}
	for c := 0; c <= cats; c++ {
		all := disclosuretest.Sum{Total: idx(0, c)}
		ob := disclosuretest.Sum{Total: idx(0, c)}
		for p := 0; p < parents; p++ {
			ob.Parts = append(ob.Parts, idx(1+p, c))
			s := disclosuretest.Sum{Total: idx(1+p, c)}
			for l := 0; l < leavesPer; l++ {
				s.Parts = append(s.Parts, idx(leaf(p, l), c))
				all.Parts = append(all.Parts, idx(leaf(p, l), c))
			}
			readerSums = append(readerSums, s)
		}
		readerSums = append(readerSums, ob, all)
	}
	return &disclosure.Table{Values: vals, Sums: sums}, readerSums
}

func TestSuppressHierarchiesAdversarial(t *testing.T) {
	for seed := uint64(1); seed <= 60; seed++ {
		rng := rand.New(rand.NewPCG(seed, 7))
		parents, leaves, cats := 1+rng.IntN(4), 1+rng.IntN(5), 1+rng.IntN(5)
		sparse := []float64{0, 0.5, 0.8, 0.95}[rng.IntN(4)]
		t.Run(fmt.Sprintf("seed%d_%dx%dx%d_%g", seed, parents, leaves, cats, sparse), func(t *testing.T) {
			tab, reader := hierarchy(rng, parents, leaves, cats, sparse)
			flags, err := disclosure.Suppress(tab, 5)
			if err != nil {
				t.Fatal(err)
			}
			check(t, tab, flags, reader, 5)
		})
	}
}

// Tables the size of a month of district counts: the case that showed
// zero complements let non-negativity pin cells the sums alone did not.
func TestSuppressLargeHierarchies(t *testing.T) {
	for seed := uint64(1); seed <= 6; seed++ {
		rng := rand.New(rand.NewPCG(seed, 9))
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) {
			tab, reader := hierarchy(rng, 9, 7, 11, 0.8)
			flags, err := disclosure.Suppress(tab, 5)
			if err != nil {
				t.Fatal(err)
			}
			for i, f := range flags {
				if f == disclosure.Secondary && tab.Values[i] == 0 {
					t.Errorf("cell %d: a zero withheld as a complement", i)
				}
			}
			check(t, tab, flags, reader, 5)
		})
	}
}

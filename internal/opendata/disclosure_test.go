package opendata_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/demo"
	"github.com/aldyn-kg/aldyn/internal/disclosure"
	"github.com/aldyn-kg/aldyn/internal/disclosure/disclosuretest"
	"github.com/aldyn-kg/aldyn/internal/opendata"
	"github.com/aldyn-kg/aldyn/internal/store"
	"github.com/aldyn-kg/aldyn/internal/store/storetest"
)

// MustDemoDB opens a database with the demo bodies, plans and a sparse
// year of synthetic offense records (sparse on purpose: many small cells
// to suppress).
func MustDemoDB(tb testing.TB) *store.DB {
	tb.Helper()
	ctx := context.Background()
	db := storetest.MustOpenDB(tb)
	db.Now = func() time.Time { return time.Date(2026, 3, 15, 10, 0, 0, 0, time.UTC) }
	pw := func() string { return "x" }
	hash := func(s string) (string, error) { return "h" + s, nil }
	if _, err := demo.Load(ctx, db, hash, pw); err != nil {
		tb.Fatal(err)
	}
	if err := demo.LoadPlans(ctx, db, hash, pw); err != nil {
		tb.Fatal(err)
	}
	if _, err := demo.LoadOffenses(ctx, db, 0.03, []int{2025, 2026}); err != nil {
		tb.Fatal(err)
	}
	return db
}

func mustBuild(tb testing.TB, db *store.DB, slug string, k int) *opendata.Build {
	tb.Helper()
	b := opendata.BuildDataset(context.Background(), db, opendata.Lookup(slug), opendata.Input{K: k})
	if b.Err != nil {
		tb.Fatalf("%s: %v", slug, b.Err)
	}
	return b
}

// col returns the index of a field.
func col(tb testing.TB, t *opendata.Table, name string) int {
	tb.Helper()
	i := slices.IndexFunc(t.Fields, func(f opendata.Field) bool { return f.Name == name })
	if i < 0 {
		tb.Fatalf("%s: no field %s", t.Name, name)
	}
	return i
}

// truth recomputes, apart from the builder, the true count of every cell
// of the offense tables: the records by district, category and month, the
// sensitive subgroups taken out, summed up the territory tree.
type truth struct {
	paths  map[string]string // code → path
	counts map[string]int64  // level|code|category|period → count
}

func mustTruth(tb testing.TB, db *store.DB) *truth {
	ctx := context.Background()
	paths, err := db.TerritoryPaths(ctx)
	if err != nil {
		tb.Fatal(err)
	}
	rows, err := db.OffenseCounts(ctx, aldyn.CountsQuery{By: []string{aldyn.ByTerritory, aldyn.ByCategory, aldyn.ByYear, aldyn.ByMonth}, Depth: aldyn.DepthDistrict})
	if err != nil {
		tb.Fatal(err)
	}
	subs, err := db.SensitiveSubgroupCounts(ctx)
	if err != nil {
		tb.Fatal(err)
	}
	tr := &truth{paths: paths, counts: map[string]int64{}}
	add := func(path, cat string, y, m int, n int64) {
		month := fmt.Sprintf("%04d-%02d", y, m)
		quarter := fmt.Sprintf("%d-Q%d", y, (m-1)/3+1)
		levels := [][2]string{}
		switch len(path) {
		case 46:
			levels = [][2]string{{"district", path}, {"region", path[:31]}, {"country", path[:16]}}
		case 31:
			levels = [][2]string{{"unallocated", path}, {"region", path}, {"country", path[:16]}}
		default:
			levels = [][2]string{{"unallocated", path}, {"country", path[:16]}}
		}
		for _, l := range levels {
			c := l[1][len(l[1])-15 : len(l[1])-1]
			tr.counts[l[0]+"|"+c+"|"+cat+"|"+month] += n
			tr.counts[l[0]+"|"+c+"|"+cat+"|"+quarter] += n
		}
	}
	for _, r := range rows {
		p := paths[r.TerritoryCode]
		if len(p) > 46 {
			p = p[:46]
		}
		add(p, r.Category, r.Year, r.Month, r.Count)
		if r.Category != aldyn.CategoryRape {
			add(p, "total", r.Year, r.Month, r.Count)
		}
	}
	for _, s := range subs {
		p := s.TerritoryPath
		if len(p) > 46 {
			p = p[:46]
		}
		add(p, s.Category, s.Year, s.Month, -s.Count)
		add(p, "total", s.Year, s.Month, -s.Count)
		add(p, s.Subgroup, s.Year, s.Month, s.Count)
	}
	return tr
}

// parentCode is the code of a territory's region (for a district) or the
// country (for a region).
func (tr *truth) parentCode(code string) string {
	p := tr.paths[code]
	return p[len(p)-30 : len(p)-16]
}

// readerView turns a published offense table into the checker's cells and
// the sums a reader can form from its own columns: each territory's
// categories add up to its total, a region's districts (and its
// unallocated row) to the region, the regions (and the country's
// unallocated row) to the country — built here from the territory tree,
// not from the builder's sums.
func readerView(tb testing.TB, tr *truth, t *opendata.Table, period func(row []any) string, series string) ([]disclosuretest.Cell, []disclosuretest.Sum) {
	level, code, cat, count, supp := col(tb, t, "level"), col(tb, t, "territory_code"), col(tb, t, series), col(tb, t, "count"), col(tb, t, opendata.SuppressedField)
	cells := make([]disclosuretest.Cell, len(t.Rows))
	idx := map[string]int{}
	for i, r := range t.Rows {
		id := fmt.Sprintf("%s|%s|%s|%s", r[level], r[code], r[cat], period(r))
		idx[id] = i
		cells[i] = disclosuretest.Cell{Key: t.Name + " " + id, Suppressed: r[supp].(bool), True: tr.counts[id]}
		if !cells[i].Suppressed {
			cells[i].Published = r[count].(int64)
		}
	}
	groups := map[string][]int{}
	var sums []disclosuretest.Sum
	for i, r := range t.Rows {
		lv, c, p, s := r[level].(string), r[code].(string), period(r), r[cat].(string)
		switch lv {
		case "district":
			groups["region|"+tr.parentCode(c)+"|"+s+"|"+p] = append(groups["region|"+tr.parentCode(c)+"|"+s+"|"+p], i)
		case "region":
			groups["country|"+tr.parentCode(c)+"|"+s+"|"+p] = append(groups["country|"+tr.parentCode(c)+"|"+s+"|"+p], i)
		case "unallocated":
			parent := "region"
			if len(tr.paths[c]) == 16 {
				parent = "country"
			}
			groups[parent+"|"+c+"|"+s+"|"+p] = append(groups[parent+"|"+c+"|"+s+"|"+p], i)
		}
		if s != "total" && series == "category" {
			k := "total|" + lv + "|" + c + "|" + p
			groups[k] = append(groups[k], i)
		}
	}
	for k, parts := range groups {
		var total int
		var ok bool
		if k[:6] == "total|" {
			f := splitN(k, 4)
			total, ok = idx[f[1]+"|"+f[2]+"|total|"+f[3]]
		} else {
			total, ok = idx[k]
		}
		if !ok {
			tb.Fatalf("%s: no total row for %s", t.Name, k)
		}
		sums = append(sums, disclosuretest.Sum{Total: total, Parts: parts})
	}
	return cells, sums
}

func splitN(s string, n int) []string {
	var out []string
	for len(out) < n-1 {
		i := 0
		for i < len(s) && s[i] != '|' {
			i++
		}
		out = append(out, s[:i])
		s = s[min(i+1, len(s)):]
	}
	return append(out, s)
}

func monthOf(t *opendata.Table) func([]any) string {
	i := slices.IndexFunc(t.Fields, func(f opendata.Field) bool { return f.Name == "month" })
	return func(r []any) string { return r[i].(string) }
}

func quarterOf(t *opendata.Table) func([]any) string {
	y := slices.IndexFunc(t.Fields, func(f opendata.Field) bool { return f.Name == "year" })
	q := slices.IndexFunc(t.Fields, func(f opendata.Field) bool { return f.Name == "quarter" })
	return func(r []any) string { return fmt.Sprintf("%d-Q%d", r[y], r[q]) }
}

// TestOffenseDatasetsDisclosure checks every published offense table as an
// attacker would, on the demo data, for several minimum counts.
func TestOffenseDatasetsDisclosure(t *testing.T) {
	db := MustDemoDB(t)
	tr := mustTruth(t, db)
	for _, k := range []int{3, 5, 10} {
		t.Run(fmt.Sprint("k", k), func(t *testing.T) {
			monthly := mustBuild(t, db, "offenses-monthly", k).Tables[0]
			sensitive := mustBuild(t, db, "sensitive-offenses-quarterly", k).Tables[0]
			withheld := 0
			for _, tc := range []struct {
				t      *opendata.Table
				period func([]any) string
				series string
			}{{monthly, monthOf(monthly), "category"}, {sensitive, quarterOf(sensitive), "series"}} {
				cells, sums := readerView(t, tr, tc.t, tc.period, tc.series)
				for _, c := range cells {
					if c.Suppressed {
						withheld++
					}
				}
				for _, msg := range disclosuretest.Check(cells, sums, k) {
					t.Error(msg)
				}
			}
			if withheld == 0 {
				t.Error("nothing withheld on sparse demo data: the check proves nothing")
			}
			// Sensitive records never in the monthly table; the sensitive
			// table never below region × quarter.
			cat := col(t, monthly, "category")
			for _, r := range monthly.Rows {
				if s := r[cat].(string); s == aldyn.CategoryRape || s == aldyn.SubgroupDomesticViolence || s == aldyn.SubgroupCrimesAgainstChildren {
					t.Fatalf("monthly table has %s", s)
				}
			}
			lv := col(t, sensitive, "level")
			for _, r := range sensitive.Rows {
				if l := r[lv].(string); l != opendata.LevelCountry && l != opendata.LevelRegion && l != opendata.LevelUnallocated {
					t.Fatalf("sensitive table at level %s", l)
				}
			}
			if slices.ContainsFunc(sensitive.Fields, func(f opendata.Field) bool { return f.Name == "month" }) {
				t.Fatal("sensitive table by month")
			}
		})
	}
}

// TestDifferencingAcrossReleases: the same table published later (a month
// on) covers more periods, and every cell of a period published before is
// published again with the same value and the same flag, so no two
// releases differ by a few records of one period; and within a release
// both territory levels are checked together by the reader's sums above.
func TestDifferencingAcrossReleases(t *testing.T) {
	db := MustDemoDB(t)
	for _, slug := range []string{"offenses-monthly", "sensitive-offenses-quarterly"} {
		before := mustBuild(t, db, slug, 5).Tables[0]
		now := db.Now
		db.Now = func() time.Time { return now().AddDate(0, 4, 0) }
		after := mustBuild(t, db, slug, 5).Tables[0]
		db.Now = now
		cnt, supp := col(t, before, "count"), col(t, before, opendata.SuppressedField)
		seen := map[string][]any{}
		for _, r := range after.Rows {
			seen[fmt.Sprint(r[:cnt])] = r
		}
		for _, r := range before.Rows {
			a, ok := seen[fmt.Sprint(r[:cnt])]
			if !ok {
				t.Fatalf("%s: row %v of the earlier release is gone", slug, r[:cnt])
			}
			if a[cnt] != r[cnt] || a[supp] != r[supp] {
				t.Errorf("%s: %v: earlier %v/%v, later %v/%v", slug, r[:cnt], r[cnt], r[supp], a[cnt], a[supp])
			}
		}
	}
}

// TestOffenseGridDisclosure: the reader knows each district's located
// total of a group and quarter (from the monthly table, at worst); the
// checker, given those totals computed here from the records, must find
// every withheld cell free, and no cell below k is shown. Cells of
// sensitive records never count.
func TestOffenseGridDisclosure(t *testing.T) {
	db := MustDemoDB(t)
	ctx := context.Background()
	// The located, non-sensitive records by district, group and quarter.
	groupOf := map[string]string{"murder": "violent", "grave_harm": "violent", "robbery_violent": "violent", "robbery": "property",
		"theft": "property", "fraud": "property", "extortion": "property", "drugs": "drugs", "hooliganism": "public_order", "traffic": "traffic", "other": "other"}
	totals := map[string]int64{}
	err := db.OpenGridLocations(ctx, time.Time{}, time.Now(), func(l *store.GridLocation) error {
		g, ok := groupOf[l.Category]
		if !ok || aldyn.IsSensitive(l.Category, l.Subgroup) {
			return nil
		}
		p := l.TerritoryPath
		if len(p) > 46 {
			p = p[:46]
		}
		totals[fmt.Sprintf("%s|%s|%d-Q%d", p[len(p)-15:len(p)-1], g, l.Year, (l.Month-1)/3+1)]++
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []int{3, 5, 10} {
		tab := mustBuild(t, db, "offenses-grid-quarterly", k).Tables[0]
		code, grp, cnt, supp := col(t, tab, "territory_code"), col(t, tab, "category_group"), col(t, tab, "count"), col(t, tab, opendata.SuppressedField)
		period := quarterOf(tab)
		var cells []disclosuretest.Cell
		groups := map[string][]int{}
		withheld := 0
		for _, r := range tab.Rows {
			c := disclosuretest.Cell{Key: fmt.Sprint(r[:cnt]), Suppressed: r[supp].(bool)}
			if !c.Suppressed {
				c.Published = r[cnt].(int64)
			} else {
				withheld++
			}
			g := fmt.Sprintf("%s|%s|%s", r[code], r[grp], period(r))
			groups[g] = append(groups[g], len(cells))
			cells = append(cells, c)
		}
		// True values of withheld cells come from the total less the
		// published cells, split as the group of withheld cells allows:
		// the checker needs only a feasible truth, and the sums.
		var sums []disclosuretest.Sum
		for g, parts := range groups {
			total := totals[g]
			rest := total
			var hidden []int
			for _, i := range parts {
				if cells[i].Suppressed {
					hidden = append(hidden, i)
				} else {
					rest -= cells[i].Published
					cells[i].True = cells[i].Published
				}
			}
			if len(hidden) == 1 {
				t.Errorf("k%d %s: one withheld cell in a district's group: it equals %d", k, g, rest)
			}
			for j, i := range hidden {
				if j == 0 {
					cells[i].True = rest
				}
			}
			if rest < 0 {
				t.Errorf("k%d %s: published cells exceed the district's total", k, g)
			}
			cells = append(cells, disclosuretest.Cell{Key: g + " total", Published: total, True: total, Known: true})
			sums = append(sums, disclosuretest.Sum{Total: len(cells) - 1, Parts: parts})
		}
		for _, msg := range disclosuretest.Check(cells, sums, k) {
			t.Errorf("k%d %s", k, msg)
		}
		if withheld == 0 {
			t.Errorf("k%d: nothing withheld on sparse data", k)
		}
	}
}

// TestDifferencingPairs checks every pair of published count tables
// together, as a reader holding both would: the cells and sums of each
// (as above) and the sums that link them. The monthly table and the grid
// are linked — a district's counts of a group's categories over a
// quarter's months equal its grid cells of that group and quarter plus its
// records without a location (unknown to the reader); the sensitive
// table shares no total with either (its records are in neither). No
// withheld cell of either table may follow from the pair.
func TestDifferencingPairs(t *testing.T) {
	db := MustDemoDB(t)
	tr := mustTruth(t, db)
	const k = 5
	monthly := mustBuild(t, db, "offenses-monthly", k).Tables[0]
	sensitive := mustBuild(t, db, "sensitive-offenses-quarterly", k).Tables[0]
	grid := mustBuild(t, db, "offenses-grid-quarterly", k).Tables[0]

	type view struct {
		name  string
		cells []disclosuretest.Cell
		sums  []disclosuretest.Sum
		rows  []int // cell index of each table row
	}
	mv := func(name string, c []disclosuretest.Cell, s []disclosuretest.Sum) view {
		v := view{name: name, cells: c, sums: s}
		for i := range c {
			v.rows = append(v.rows, i)
		}
		return v
	}
	mc, ms := readerView(t, tr, monthly, monthOf(monthly), "category")
	sc, ss := readerView(t, tr, sensitive, quarterOf(sensitive), "series")

	// The grid's cells, their true values split feasibly within each
	// district's located total (the truth of one cell is not needed, only
	// a truth consistent with every sum).
	groupOf := map[string]string{"murder": "violent", "grave_harm": "violent", "robbery_violent": "violent", "robbery": "property",
		"theft": "property", "fraud": "property", "extortion": "property", "drugs": "drugs", "hooliganism": "public_order", "traffic": "traffic", "other": "other"}
	located := map[string]int64{}
	if err := db.OpenGridLocations(context.Background(), time.Time{}, time.Now(), func(l *store.GridLocation) error {
		g, ok := groupOf[l.Category]
		if !ok || aldyn.IsSensitive(l.Category, l.Subgroup) {
			return nil
		}
		p := l.TerritoryPath
		if len(p) > 46 {
			p = p[:46]
		}
		located[fmt.Sprintf("%s|%s|%d-Q%d", p[len(p)-15:len(p)-1], g, l.Year, (l.Month-1)/3+1)]++
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	gcode, ggrp, gcnt, gsupp, glevel := col(t, grid, "territory_code"), col(t, grid, "category_group"), col(t, grid, "count"),
		col(t, grid, opendata.SuppressedField), col(t, grid, "level")
	gperiod := quarterOf(grid)
	var gc []disclosuretest.Cell
	gparts := map[string][]int{} // level|code|group|quarter → grid cells
	for _, r := range grid.Rows {
		c := disclosuretest.Cell{Key: "grid " + fmt.Sprint(r[:gcnt]), Suppressed: r[gsupp].(bool)}
		if !c.Suppressed {
			c.Published, c.True = r[gcnt].(int64), r[gcnt].(int64)
		}
		key := fmt.Sprintf("%s|%s|%s|%s", r[glevel], r[gcode], r[ggrp], gperiod(r))
		gparts[key] = append(gparts[key], len(gc))
		gc = append(gc, c)
	}
	for key, parts := range gparts {
		f := splitN(key, 4)
		rest := located[f[1]+"|"+f[2]+"|"+f[3]]
		var hidden []int
		for _, i := range parts {
			if gc[i].Suppressed {
				hidden = append(hidden, i)
			} else {
				rest -= gc[i].True
			}
		}
		if len(hidden) > 0 {
			gc[hidden[0]].True = rest
		}
	}
	gv := mv("grid", gc, nil)

	// join puts two views' cells in one list and returns the offset of the
	// second's.
	join := func(a, b view) ([]disclosuretest.Cell, []disclosuretest.Sum, int) {
		cells := append(append([]disclosuretest.Cell{}, a.cells...), b.cells...)
		off := len(a.cells)
		sums := append([]disclosuretest.Sum{}, a.sums...)
		for _, s := range b.sums {
			p := make([]int, len(s.Parts))
			for i, x := range s.Parts {
				p[i] = x + off
			}
			sums = append(sums, disclosuretest.Sum{Total: s.Total + off, Parts: p})
		}
		return cells, sums, off
	}
	monthlyV, sensitiveV := mv("monthly", mc, ms), mv("sensitive", sc, ss)
	pairs := []struct{ a, b view }{{monthlyV, sensitiveV}, {monthlyV, gv}, {sensitiveV, gv}}
	for _, p := range pairs {
		cells, sums, off := join(p.a, p.b)
		if p.a.name == "monthly" && p.b.name == "grid" {
			// The link: for each district part of the grid, group and
			// quarter, X = Σ monthly cells of the group's categories in the
			// quarter's months, and X = Σ grid cells + unlocated.
			level, code, cat, month := col(t, monthly, "level"), col(t, monthly, "territory_code"), col(t, monthly, "category"), col(t, monthly, "month")
			byKey := map[string][]int{}
			for i, r := range monthly.Rows {
				g, ok := groupOf[r[cat].(string)]
				if !ok {
					continue
				}
				m, _ := time.Parse("2006-01", r[month].(string))
				key := fmt.Sprintf("%s|%s|%s|%d-Q%d", r[level], r[code], g, m.Year(), (int(m.Month())-1)/3+1)
				byKey[key] = append(byKey[key], i)
			}
			links := 0
			for key, parts := range gparts {
				mparts, ok := byKey[key]
				if !ok {
					t.Fatalf("grid %s has no monthly cells", key)
				}
				var x int64
				for _, i := range mparts {
					x += cells[i].True
				}
				var loc int64
				shifted := make([]int, len(parts))
				for j, i := range parts {
					shifted[j] = i + off
					loc += cells[i+off].True
				}
				if x < loc {
					t.Fatalf("%s: %d located records in the grid, %d in the monthly table", key, loc, x)
				}
				cells = append(cells, disclosuretest.Cell{Key: key + " total", Suppressed: true, Unpublished: true, True: x})
				xi := len(cells) - 1
				cells = append(cells, disclosuretest.Cell{Key: key + " unlocated", Suppressed: true, Unpublished: true, True: x - loc})
				sums = append(sums, disclosuretest.Sum{Total: xi, Parts: mparts},
					disclosuretest.Sum{Total: xi, Parts: append(shifted, len(cells)-1)})
				links++
			}
			if links == 0 {
				t.Fatal("no link between the monthly table and the grid: the pair proves nothing")
			}
		}
		for _, msg := range disclosuretest.Check(cells, sums, k) {
			t.Errorf("%s × %s: %s", p.a.name, p.b.name, msg)
		}
	}
}

// TestMarkedSensitive: a category administrators mark sensitive leaves the
// monthly table and the grid and is published by region and quarter only,
// under the same checks; an unknown code is refused.
func TestMarkedSensitive(t *testing.T) {
	db := MustDemoDB(t)
	ctx := context.Background()
	var e *aldyn.Error
	if err := disclosure.SetMarkedSensitive(ctx, db, aldyn.System, []string{"no_such"}); !errors.As(err, &e) {
		t.Fatalf("unknown category: got %v, want a validation error", err)
	}
	before, err := db.StatsVersion(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := disclosure.SetMarkedSensitive(ctx, db, aldyn.System, []string{aldyn.CategoryExtortion}); err != nil {
		t.Fatal(err)
	}
	if after, _ := db.StatsVersion(ctx); after == before {
		t.Error("marking a category did not move the statistics version: datasets would not be rebuilt")
	}
	marked, err := disclosure.MarkedSensitive(ctx, db)
	if err != nil || !slices.Equal(marked, []string{aldyn.CategoryExtortion}) {
		t.Fatalf("marked: %v %v", marked, err)
	}
	in := opendata.Input{K: 5, Marked: marked}
	monthly := opendata.BuildDataset(ctx, db, opendata.Lookup("offenses-monthly"), in)
	sensitive := opendata.BuildDataset(ctx, db, opendata.Lookup("sensitive-offenses-quarterly"), in)
	if monthly.Err != nil || sensitive.Err != nil {
		t.Fatal(monthly.Err, sensitive.Err)
	}
	cat := col(t, monthly.Tables[0], "category")
	for _, r := range monthly.Tables[0].Rows {
		if r[cat] == aldyn.CategoryExtortion {
			t.Fatal("extortion still in the monthly table")
		}
	}
	series := col(t, sensitive.Tables[0], "series")
	found := false
	for _, r := range sensitive.Tables[0].Rows {
		found = found || r[series] == aldyn.CategoryExtortion
	}
	if !found {
		t.Error("extortion not in the sensitive table")
	}
}

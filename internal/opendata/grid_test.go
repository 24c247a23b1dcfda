package opendata_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/planar"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/disclosure/disclosuretest"
	"github.com/aldyn-kg/aldyn/internal/offenses"
	"github.com/aldyn-kg/aldyn/internal/opendata"
	"github.com/aldyn-kg/aldyn/internal/stats"
	"github.com/aldyn-kg/aldyn/internal/store"
	"github.com/aldyn-kg/aldyn/internal/store/storetest"
	"github.com/aldyn-kg/aldyn/internal/territories"
)

// Two districts of Chüy side by side, their shared boundary a meridian
// through the middle of one grid square (the "border square").
const (
	west = "41708222000000" // Sokuluk
	east = "41708203000000" // Alamüdün
)

type borderFixture struct {
	db         *store.DB
	border     int       // the border square
	boundary   float64   // the meridian between the districts
	westShape  orb.Bound // the districts' boundaries
	eastShape  orb.Bound
	cellWidth  float64
	squareLat  float64 // a latitude in the border square's row
	squareLon0 float64 // the border square's western edge
}

func mustBorderFixture(tb testing.TB) *borderFixture {
	tb.Helper()
	ctx := context.Background()
	db := storetest.MustOpenDB(tb)
	grid, err := stats.NewGrid(aldyn.BBox{MinLon: aldyn.MinLon, MinLat: aldyn.MinLat, MaxLon: aldyn.MaxLon, MaxLat: aldyn.MaxLat}, opendata.GridCellM)
	if err != nil {
		tb.Fatal(err)
	}
	c, ok := grid.Cell(74.5, 42.75)
	if !ok {
		tb.Fatal("74.5, 42.75 is off the grid")
	}
	b := grid.CellBounds(c)
	f := &borderFixture{db: db, border: c, boundary: (b.MinLon + b.MaxLon) / 2, cellWidth: b.MaxLon - b.MinLon,
		squareLat: (b.MinLat + b.MaxLat) / 2, squareLon0: b.MinLon}
	f.westShape = orb.Bound{Min: orb.Point{74.0, 42.6}, Max: orb.Point{f.boundary, 42.95}}
	f.eastShape = orb.Bound{Min: orb.Point{f.boundary, 42.6}, Max: orb.Point{75.0, 42.95}}
	var bs []territories.Boundary
	for i, s := range []struct {
		code string
		b    orb.Bound
	}{{west, f.westShape}, {east, f.eastShape}} {
		g, err := geojson.NewGeometry(s.b.ToPolygon()).MarshalJSON()
		if err != nil {
			tb.Fatal(err)
		}
		bs = append(bs, territories.Boundary{Row: i + 1, Code: s.code, Geometry: g})
	}
	if _, err := db.ImportBoundaries(ctx, aldyn.System, bs, "fixture"); err != nil {
		tb.Fatal(err)
	}
	return f
}

// mustRecords imports n thefts of a district at a point in March 2025.
func (f *borderFixture) mustRecords(tb testing.TB, recs ...record) {
	tb.Helper()
	var b strings.Builder
	b.WriteString("registration_number,source,category,registered_on,occurred_on,territory_code,lat,lon\n")
	n := 0
	for _, r := range recs {
		for range r.n {
			n++
			fmt.Fprintf(&b, "G-%d,crimes,theft,2025-03-10,2025-03-09,%s,%.6f,%.6f\n", n, r.code, r.lat, r.lon)
		}
	}
	if rep, err := offenses.Import(context.Background(), f.db, aldyn.System, strings.NewReader(b.String()), offenses.Input{FileName: "grid.csv"}); err != nil {
		tb.Fatalf("import: %v (%+v)", err, rep.Errors)
	}
}

type record struct {
	code     string
	lat, lon float64
	n        int
}

// gridRow is a row of the grid's 2025 Q1 theft ("property") cells.
type gridRow struct {
	code, cell string
	count      *int64
	suppressed bool
	shape      orb.Geometry
}

func mustGridRows(tb testing.TB, db *store.DB, k int) []gridRow {
	tb.Helper()
	b := mustBuild(tb, db, "offenses-grid-quarterly", k)
	tab := b.Tables[0]
	res := b.Resource("cells.geojson")
	if res == nil {
		tb.Fatal("no cells.geojson")
	}
	fc, err := geojson.UnmarshalFeatureCollection(res.Body)
	if err != nil {
		tb.Fatalf("cells.geojson: %v", err)
	}
	if len(fc.Features) != len(tab.Rows) {
		tb.Fatalf("%d features for %d rows", len(fc.Features), len(tab.Rows))
	}
	year, q, grp, cell, code, cnt, supp := col(tb, tab, "year"), col(tb, tab, "quarter"), col(tb, tab, "category_group"),
		col(tb, tab, "cell"), col(tb, tab, "territory_code"), col(tb, tab, "count"), col(tb, tab, opendata.SuppressedField)
	var out []gridRow
	for i, r := range tab.Rows {
		if r[year] != int64(2025) || r[q] != int64(1) || r[grp] != "property" {
			continue
		}
		gr := gridRow{code: r[code].(string), cell: r[cell].(string), suppressed: r[supp].(bool), shape: fc.Features[i].Geometry}
		if p := fc.Features[i].Properties; p["territory_code"] != gr.code || p["cell"] != gr.cell {
			tb.Fatalf("feature %d is %v, row is %s %s", i, p, gr.code, gr.cell)
		}
		if c, ok := r[cnt].(int64); ok {
			gr.count = &c
		}
		out = append(out, gr)
	}
	return out
}

// TestGridCellsClippedToDistricts: a square the boundary between two
// districts crosses is published as two rows, each the square cut by its
// district's boundary; a record counts in its own district's part even
// when it is geocoded on the other side, or in a square where its
// district holds no ground.
func TestGridCellsClippedToDistricts(t *testing.T) {
	f := mustBorderFixture(t)
	lat := f.squareLat
	f.mustRecords(t,
		record{west, lat, f.boundary - f.cellWidth/4, 6},    // west's part of the border square
		record{west, lat, 74.1, 6},                          // a square of west's alone
		record{west, lat, f.boundary + f.cellWidth/4, 1},    // west's, geocoded over the boundary in the border square
		record{west, lat, f.boundary + f.cellWidth*0.75, 1}, // west's, geocoded in the square east of it, all east's ground
		record{east, lat, f.boundary + f.cellWidth/4, 6},    // east's part of the border square
		record{east, lat, 74.9, 7},                          // a square of east's alone
	)
	rows := mustGridRows(t, f.db, 5)
	borderCell := ""
	counts := map[string]int64{}
	for _, r := range rows {
		if r.suppressed || r.count == nil {
			t.Fatalf("%s %s withheld: every cell here holds 5 or more", r.code, r.cell)
		}
		counts[r.code] += *r.count
		if planar.MultiPolygonContains(asMulti(r.shape), orb.Point{f.boundary - f.cellWidth/4, lat}) ||
			planar.MultiPolygonContains(asMulti(r.shape), orb.Point{f.boundary + f.cellWidth/4, lat}) {
			if borderCell == "" {
				borderCell = r.cell
			}
		}
		// Every row's ground lies in its own district.
		own := f.westShape
		if r.code == east {
			own = f.eastShape
		}
		for _, p := range asMulti(r.shape) {
			for _, ring := range p {
				for _, pt := range ring {
					if pt[0] < own.Min[0]-1e-6 || pt[0] > own.Max[0]+1e-6 || pt[1] < own.Min[1]-1e-6 || pt[1] > own.Max[1]+1e-6 {
						t.Fatalf("%s %s: point %v outside its district %v", r.code, r.cell, pt, own)
					}
				}
			}
		}
	}
	if counts[west] != 14 || counts[east] != 13 {
		t.Errorf("districts count west %d, east %d; want 14 and 13 (no record moves across the boundary)", counts[west], counts[east])
	}
	var inBorder []gridRow
	for _, r := range rows {
		if r.cell == borderCell {
			inBorder = append(inBorder, r)
		}
	}
	if len(inBorder) != 2 || inBorder[0].code == inBorder[1].code {
		t.Fatalf("the border square %s: %d rows, want one per district: %+v", borderCell, len(inBorder), inBorder)
	}
	var square float64 // the square's area, from its two halves
	for _, r := range inBorder {
		want := int64(6)
		if r.code == west {
			want = 8 // its own 6, the one geocoded over the boundary, and the one geocoded a square east
		}
		if *r.count != want {
			t.Errorf("border square, %s: count %d, want %d", r.code, *r.count, want)
		}
		square += planar.Area(r.shape)
	}
	// The two parts are halves of the square: neither is the whole.
	for _, r := range inBorder {
		if a := planar.Area(r.shape); a < 0.45*square || a > 0.55*square {
			t.Errorf("border square, %s: area %.6f of %.6f, want half", r.code, a, square)
		}
	}
	// No row of west's in the square east of the border one.
	for _, r := range rows {
		if r.code == west && planar.MultiPolygonContains(asMulti(r.shape), orb.Point{f.boundary + f.cellWidth*0.75, lat}) {
			t.Errorf("west has a row %s on east's ground", r.cell)
		}
	}
}

// TestGridBorderSuppression: a small count in one district's part of the
// border square is withheld with a complement of that district's, and
// the other district's part of the same square is not touched; the
// independent checker finds every withheld cell free.
func TestGridBorderSuppression(t *testing.T) {
	f := mustBorderFixture(t)
	lat := f.squareLat
	f.mustRecords(t,
		record{west, lat, f.boundary - f.cellWidth/4, 2}, // small: withheld
		record{west, lat, 74.1, 6},
		record{west, lat, 74.25, 9},
		record{east, lat, f.boundary + f.cellWidth/4, 6},
		record{east, lat, 74.9, 7},
	)
	for _, k := range []int{3, 5} {
		rows := mustGridRows(t, f.db, k)
		truth := map[string]int64{}
		var cells []disclosuretest.Cell
		parts := map[string][]int{}
		for _, r := range rows {
			c := disclosuretest.Cell{Key: r.code + " " + r.cell, Suppressed: r.suppressed}
			if !r.suppressed {
				c.Published = *r.count
			}
			if r.code == east && r.suppressed {
				t.Errorf("k%d: east's %s withheld: west's small cell must not reach into east's table", k, r.cell)
			}
			parts[r.code] = append(parts[r.code], len(cells))
			cells = append(cells, c)
		}
		truth[west], truth[east] = 17, 13
		// The true values: what the records put in each row.
		for i := range cells {
			cells[i].True = cells[i].Published
		}
		var sums []disclosuretest.Sum
		for code, ps := range parts {
			rest := truth[code]
			var hidden []int
			for _, i := range ps {
				if cells[i].Suppressed {
					hidden = append(hidden, i)
				} else {
					rest -= cells[i].Published
				}
			}
			if code == west && len(hidden) < 2 {
				t.Fatalf("k%d: west withholds %d cells, want the small one and a complement", k, len(hidden))
			}
			for j, i := range hidden {
				if j == 0 {
					cells[i].True = rest
				}
			}
			cells = append(cells, disclosuretest.Cell{Key: code + " total", Published: truth[code], True: truth[code], Known: true})
			sums = append(sums, disclosuretest.Sum{Total: len(cells) - 1, Parts: ps})
		}
		for _, msg := range disclosuretest.Check(cells, sums, k) {
			t.Errorf("k%d %s", k, msg)
		}
	}
}

func asMulti(g orb.Geometry) orb.MultiPolygon {
	switch g := g.(type) {
	case orb.Polygon:
		return orb.MultiPolygon{g}
	case orb.MultiPolygon:
		return g
	}
	return nil
}

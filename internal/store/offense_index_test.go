package store_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/store"
)

// TestOffenseLocations: the located records a map counts, read from the
// in-memory index, equal those read from the database and those the
// records themselves give, for every filter and box tried, and so do the
// weekday × hour tables; records of a later import show once the index
// has caught up, and until then the database answers, with them.
func TestOffenseLocations(t *testing.T) {
	ctx := context.Background()
	w, offs := MustImportedWorld(t, "loc", 3000, 700)
	if err := w.db.WaitOffenseIndexForTest(ctx); err != nil {
		t.Fatal(err)
	}
	// A box whose edges fall on a record's snapped location, to catch an
	// off-by-one at the edges.
	var edge aldyn.BBox
	for _, o := range offs {
		if o.Lat != nil {
			lon, lat, _ := store.SnapLocation(*o.Lon, *o.Lat)
			edge = aldyn.BBox{MinLon: lon, MinLat: lat - 0.5, MaxLon: lon + 1, MaxLat: lat}
			break
		}
	}
	boxes := map[string]aldyn.BBox{
		"country": {MinLon: aldyn.MinLon, MinLat: aldyn.MinLat, MaxLon: aldyn.MaxLon, MaxLat: aldyn.MaxLat},
		"box":     {MinLon: 72, MinLat: 41, MaxLon: 75, MaxLat: 42.5},
		"edges":   edge,
		"empty":   {MinLon: 69.3, MinLat: 39.2, MaxLon: 69.4, MaxLat: 39.3},
	}
	filters := offenseFilters()
	filters = append(filters, struct {
		name string
		f    aldyn.OffenseFilter
	}{"public", aldyn.OffenseFilter{Under: "\x00"}}, struct {
		name string
		f    aldyn.OffenseFilter
	}{"under district, offenses register", aldyn.OffenseFilter{Under: w.paths[offDistrict], Source: aldyn.SourceOffenses}})
	compared := 0
	for _, tt := range filters {
		for name, box := range boxes {
			want := wantLocations(w, offs, tt.f, box)
			got, fromIndex := mustLocations(t, w.db, tt.f, box)
			indexable := tt.f.PrecinctCode == ""
			if fromIndex != indexable {
				t.Errorf("%s, %s: answered from the index: %v", tt.name, name, fromIndex)
			}
			sql := map[aldyn.OffensePoint]int{}
			if err := w.db.OffenseLocationsSQLForTest(ctx, tt.f, box, func(p aldyn.OffensePoint) bool {
				sql[p]++
				return true
			}); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) || !reflect.DeepEqual(sql, want) {
				t.Errorf("%s, %s: %d locations (database %d), want %d", tt.name, name, len(got), len(sql), len(want))
			}
			if len(want) > 0 {
				compared++
			}
		}
	}
	if compared < 12 {
		t.Errorf("only %d non-empty comparisons", compared)
	}

	// The weekday × hour tables from memory equal those counted in the
	// database, for every filter, with periods to the day.
	from, to := time.Date(2020, 3, 17, 0, 0, 0, 0, time.UTC), time.Date(2021, 11, 2, 0, 0, 0, 0, time.UTC)
	tables := 0
	for _, tt := range filters {
		for _, period := range [][2]*time.Time{{nil, nil}, {&from, &to}, {&from, nil}} {
			f := tt.f
			f.From, f.To = period[0], period[1]
			if f.PrecinctCode != "" {
				continue // the database answers
			}
			mem, memUnknown, ok, err := w.db.OffenseTimeProfileIndexForTest(ctx, f)
			if err != nil || !ok {
				t.Fatalf("%s: index not ready (%v)", tt.name, err)
			}
			scan, scanUnknown, err := w.db.OffenseTimeProfileScanForTest(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			if mem != scan || memUnknown != scanUnknown {
				t.Errorf("%s %v: weekday × hour from memory differs from the database (unknown %d / %d)", tt.name, period, memUnknown, scanUnknown)
			}
			if scanUnknown > 0 {
				tables++
			}
		}
	}
	if tables < 10 {
		t.Errorf("only %d non-empty tables compared", tables)
	}

	// fn stops the scan, on either path.
	for name, read := range map[string]func(func(aldyn.OffensePoint) bool) error{
		"index": func(fn func(aldyn.OffensePoint) bool) error {
			_, err := w.db.OffenseLocations(ctx, aldyn.OffenseFilter{}, boxes["country"], fn)
			return err
		},
		"database": func(fn func(aldyn.OffensePoint) bool) error {
			return w.db.OffenseLocationsSQLForTest(ctx, aldyn.OffenseFilter{}, boxes["country"], fn)
		},
	} {
		n := 0
		if err := read(func(aldyn.OffensePoint) bool { n++; return n < 7 }); err != nil || n != 7 {
			t.Errorf("%s: %d records after fn said stop at the 7th (%v)", name, n, err)
		}
	}

	later := w.MustOffenses(t, "loc-later", 200)
	MustImport(t, w.db, append(later, offs[:50]...), 250)
	all := append(offs, later...)
	box := boxes["country"]
	want := wantLocations(w, all, aldyn.OffenseFilter{}, box)
	got, _ := mustLocations(t, w.db, aldyn.OffenseFilter{}, box) // from either
	if !reflect.DeepEqual(got, want) {
		t.Errorf("right after an import: %d locations, want %d", len(got), len(want))
	}
	if err := w.db.WaitOffenseIndexForTest(ctx); err != nil {
		t.Fatal(err)
	}
	got, fromIndex := mustLocations(t, w.db, aldyn.OffenseFilter{}, box)
	if !fromIndex || !reflect.DeepEqual(got, want) {
		t.Errorf("once caught up: %d locations from the index (%v), want %d", len(got), fromIndex, len(want))
	}
	checkIndexCount(t, "once caught up", w.db, len(all))
}

// checkIndexCount checks that every record, located or not, is in db's
// index once, and no other: its weekday × hour table counts want records
// and equals the database's.
func checkIndexCount(tb testing.TB, name string, db *store.DB, want int) {
	tb.Helper()
	ctx := context.Background()
	mem, memUnknown, ok, err := db.OffenseTimeProfileIndexForTest(ctx, aldyn.OffenseFilter{})
	if err != nil || !ok {
		tb.Fatalf("%s: index not ready (%v)", name, err)
	}
	scan, scanUnknown, err := db.OffenseTimeProfileScanForTest(ctx, aldyn.OffenseFilter{})
	if err != nil {
		tb.Fatal(err)
	}
	n := gridTotal(mem, memUnknown)
	if mem != scan || memUnknown != scanUnknown || n != want {
		tb.Errorf("%s: %d records in memory, want %d; weekday × hour equal to the database: %v", name, n, want, mem == scan && memUnknown == scanUnknown)
	}
}

func mustLocations(tb testing.TB, db *store.DB, f aldyn.OffenseFilter, box aldyn.BBox) (map[aldyn.OffensePoint]int, bool) {
	tb.Helper()
	got := map[aldyn.OffensePoint]int{}
	fromIndex, err := db.OffenseLocations(context.Background(), f, box, func(p aldyn.OffensePoint) bool {
		got[p]++
		return true
	})
	if err != nil {
		tb.Fatal(err)
	}
	return got, fromIndex
}

func wantLocations(w *offenseWorld, offs []aldyn.Offense, f aldyn.OffenseFilter, box aldyn.BBox) map[aldyn.OffensePoint]int {
	want := map[aldyn.OffensePoint]int{}
	for _, o := range offs {
		if o.Lat == nil || !matches(w.paths, o, f) {
			continue
		}
		lon, lat, ok := store.SnapLocation(*o.Lon, *o.Lat)
		if ok && lon >= box.MinLon && lon <= box.MaxLon && lat >= box.MinLat && lat <= box.MaxLat {
			want[aldyn.OffensePoint{Lon: lon, Lat: lat, Category: o.Category, Sensitive: aldyn.IsSensitive(o.Category, o.Subgroup)}]++
		}
	}
	return want
}

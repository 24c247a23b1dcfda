package store_test

import (
	"bufio"
	"cmp"
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/store"
	"github.com/aldyn-kg/aldyn/internal/store/storetest"
)

// Territories the test records fall in: two districts of Chüy region, a
// district of Osh region, and Bishkek city itself (a depth-2 territory,
// so grouping by district counts it under its own code).
const (
	offDistrict      = "41708203000000"
	offOtherDistrict = "41708206000000"
	offBishkek       = "41711000000000"
	offChuiPath      = "/41700000000000/41708000000000/"
	offPrecinctA     = offDistrict + "-1"
	offPrecinctB     = offDistrict + "-2"
)

// offenseWorld is a database with precincts and the paths of its territories.
type offenseWorld struct {
	db    *store.DB
	paths map[string]string
	codes []string // territories records are spread over
}

func MustOffenseWorld(tb testing.TB) *offenseWorld {
	tb.Helper()
	return MustOffenseWorldOn(tb, storetest.MustOpenDB(tb))
}

// MustOffenseWorldOn adds the world's precincts to db, a reference-seeded
// database.
func MustOffenseWorldOn(tb testing.TB, db *store.DB) *offenseWorld {
	tb.Helper()
	ctx := context.Background()
	for _, code := range []string{offPrecinctA, offPrecinctB} {
		p := &aldyn.Territory{Code: code, ParentCode: offDistrict, NameKy: "Участок " + code, NameRu: "Участок " + code, NameEn: "Precinct " + code}
		if err := db.CreatePrecinct(ctx, aldyn.System, p, nil); err != nil {
			tb.Fatalf("create precinct %s: %v", code, err)
		}
	}
	paths, err := db.TerritoryPaths(ctx)
	if err != nil {
		tb.Fatal(err)
	}
	w := &offenseWorld{db: db, paths: paths}
	for _, c := range []string{offDistrict, offOtherDistrict, offBishkek, "41706207000000", "41708000000000"} {
		if _, ok := paths[c]; !ok {
			tb.Fatalf("territory %s is not in the reference data", c)
		}
		w.codes = append(w.codes, c)
	}
	return w
}

// MustOffenses returns n reproducible records with ids prefix-0 … prefix-(n-1)
// spread over the world's territories, 2019–2022, some without occurrence
// date or time, some without location, a few sensitive.
func (w *offenseWorld) MustOffenses(tb testing.TB, prefix string, n int) []aldyn.Offense {
	tb.Helper()
	// Seeded by the prefix alone, so that the first k of n records are the
	// k records of a shorter call.
	h := fnv.New64a()
	h.Write([]byte(prefix))
	rng := rand.New(rand.NewPCG(h.Sum64(), 0))
	start := time.Date(2019, 1, 1, 0, 0, 0, 0, time.UTC)
	out := make([]aldyn.Offense, n)
	for i := range out {
		o := aldyn.Offense{
			ID:             fmt.Sprintf("%s-%d", prefix, i),
			Source:         []string{aldyn.SourceCrimes, aldyn.SourceOffenses}[rng.IntN(2)],
			Category:       aldyn.OffenseCategories[rng.IntN(len(aldyn.OffenseCategories))],
			RegisteredOn:   start.AddDate(0, 0, rng.IntN(4*365)),
			OccurredMinute: rng.IntN(24 * 60),
			TerritoryCode:  w.codes[rng.IntN(len(w.codes))],
			PlaceType:      "street",
			Solved:         rng.IntN(3) == 0,
		}
		if rng.IntN(10) > 0 {
			o.OccurredOn = o.RegisteredOn.AddDate(0, 0, -rng.IntN(4))
		}
		if rng.IntN(7) == 0 {
			o.OccurredMinute = aldyn.UnknownMinute
		}
		if rng.IntN(10) < 7 {
			lat, lon := 40+rng.Float64()*3, 70+rng.Float64()*9
			o.Lat, o.Lon = &lat, &lon
		}
		if o.TerritoryCode == offDistrict && rng.IntN(3) > 0 {
			o.PrecinctCode = []string{offPrecinctA, offPrecinctB}[rng.IntN(3)/2]
		}
		if rng.IntN(8) == 0 {
			o.Subgroup = aldyn.SubgroupDomesticViolence
		}
		if rng.IntN(5) == 0 {
			d := int64(rng.IntN(100000))
			o.DamageKGS = &d
		}
		out[i] = o
	}
	return out
}

// MustImport imports offs in batches and commits, returning what the
// import counted as new and existing.
func MustImport(tb testing.TB, db *store.DB, offs []aldyn.Offense, batch int) (inserted, existing int64) {
	tb.Helper()
	ctx := context.Background()
	imp, err := db.BeginOffenseImport(ctx, aldyn.System, store.OffenseImportMeta{FileName: "test.csv", Format: "csv"})
	if err != nil {
		tb.Fatal(err)
	}
	defer imp.Rollback(ctx, "test failed")
	for len(offs) > 0 {
		part := offs[:min(batch, len(offs))]
		offs = offs[len(part):]
		if err := imp.Add(ctx, part); err != nil {
			tb.Fatalf("add: %v", err)
		}
	}
	if err := imp.Commit(ctx, store.OffenseImportCounts{SHA256: "abc", RowsRead: 1}); err != nil {
		tb.Fatalf("commit: %v", err)
	}
	return imp.Inserted()
}

// MustImportedWorld is an offense world holding the n records
// MustOffenses makes with prefix, imported in batches of batch.
func MustImportedWorld(tb testing.TB, prefix string, n, batch int) (*offenseWorld, []aldyn.Offense) {
	tb.Helper()
	w := MustOffenseWorld(tb)
	offs := w.MustOffenses(tb, prefix, n)
	MustImport(tb, w.db, offs, batch)
	return w, offs
}

// wantCounts computes what OffenseCounts should return for offs, with the
// documented semantics, independently of the database.
func wantCounts(paths map[string]string, offs []aldyn.Offense, q aldyn.CountsQuery) []aldyn.CountRow {
	depth := cmp.Or(q.Depth, aldyn.DepthRegion)
	month := func(t time.Time) int { return t.Year()*12 + int(t.Month()) - 1 }
	m := map[aldyn.CountRow]*aldyn.CountRow{}
	for i := range offs {
		o := &offs[i]
		d := o.Day()
		path := paths[o.TerritoryCode]
		switch {
		case q.From != nil && month(d) < month(*q.From),
			q.To != nil && month(d) >= month(*q.To),
			q.Under != "" && !strings.HasPrefix(path, q.Under),
			len(q.Categories) > 0 && !slices.Contains(q.Categories, o.Category),
			q.Source != "" && o.Source != q.Source:
			continue
		}
		var k aldyn.CountRow
		for _, b := range q.By {
			switch b {
			case aldyn.ByCategory:
				k.Category = o.Category
			case aldyn.BySource:
				k.Source = o.Source
			case aldyn.ByYear:
				k.Year = d.Year()
			case aldyn.ByQuarter:
				k.Quarter = (int(d.Month())-1)/3 + 1
			case aldyn.ByMonth:
				k.Month = int(d.Month())
			case aldyn.ByTerritory:
				segs := strings.Split(strings.Trim(path, "/"), "/")
				if len(segs) >= depth {
					k.TerritoryCode = segs[depth-1]
				} else {
					k.TerritoryCode = o.TerritoryCode
				}
			}
		}
		r := m[k]
		if r == nil {
			c := k
			r = &c
			m[k] = r
		}
		r.Count++
		if o.Solved {
			r.Solved++
		}
		if o.Synthetic {
			r.Synthetic++
		}
	}
	var out []aldyn.CountRow
	for _, r := range m {
		out = append(out, *r)
	}
	slices.SortFunc(out, func(a, b aldyn.CountRow) int {
		return cmp.Or(strings.Compare(a.TerritoryCode, b.TerritoryCode), strings.Compare(a.Category, b.Category),
			strings.Compare(a.Source, b.Source), a.Year-b.Year, a.Quarter-b.Quarter, a.Month-b.Month)
	})
	return out
}

// MustCounts is OffenseCounts that fails the test on error.
func MustCounts(tb testing.TB, db *store.DB, q aldyn.CountsQuery) []aldyn.CountRow {
	tb.Helper()
	rows, err := db.OffenseCounts(context.Background(), q)
	if err != nil {
		tb.Fatalf("counts %+v: %v", q, err)
	}
	return rows
}

func checkCounts(tb testing.TB, w *offenseWorld, offs []aldyn.Offense, q aldyn.CountsQuery) {
	tb.Helper()
	got, want := MustCounts(tb, w.db, q), wantCounts(w.paths, offs, q)
	if (len(got) > 0 || len(want) > 0) && !reflect.DeepEqual(got, want) {
		tb.Errorf("counts by %v: got %d rows, want %d\n got %v\nwant %v", q.By, len(got), len(want), head(got), head(want))
	}
}

func head(rows []aldyn.CountRow) []aldyn.CountRow { return rows[:min(len(rows), 6)] }

// total is the number of stored records: the sum of the time profile,
// read from the offenses table.
func total(tb testing.TB, db *store.DB, f aldyn.OffenseFilter) int {
	tb.Helper()
	// Counted over the records themselves, not offense_hourly: tests ask
	// what the table holds.
	grid, unknown, err := db.OffenseTimeProfileScanForTest(context.Background(), f)
	if err != nil {
		tb.Fatal(err)
	}
	return gridTotal(grid, unknown)
}

// gridTotal is the number of records a weekday × hour table counts, with
// unknown, those of no known time.
func gridTotal(grid [7][24]int, unknown int) int {
	n := unknown
	for _, row := range grid {
		for _, c := range row {
			n += c
		}
	}
	return n
}

var byOblastMonth = aldyn.CountsQuery{By: []string{aldyn.ByCategory, aldyn.ByTerritory, aldyn.ByYear, aldyn.ByMonth}}

func TestOffenseImportDeduplicates(t *testing.T) {
	w := MustOffenseWorld(t)
	first := w.MustOffenses(t, "a", 3000)
	ins, ex := MustImport(t, w.db, first, 700)
	if ins != 3000 || ex != 0 {
		t.Fatalf("first import: got %d inserted, %d existing; want 3000, 0", ins, ex)
	}
	checkCounts(t, w, first, byOblastMonth)

	t.Run("reimport changes nothing", func(t *testing.T) {
		before := MustCounts(t, w.db, byOblastMonth)
		// The same ids with other values: stored records stay as they were.
		again := slices.Clone(first)
		for i := range again {
			again[i].Category, again[i].Solved = aldyn.CategoryTheft, !again[i].Solved
		}
		ins, ex := MustImport(t, w.db, again, 1000)
		if ins != 0 || ex != 3000 {
			t.Fatalf("got %d inserted, %d existing; want 0, 3000", ins, ex)
		}
		if after := MustCounts(t, w.db, byOblastMonth); !reflect.DeepEqual(after, before) {
			t.Errorf("counts changed on re-import: got %v, want %v", head(after), head(before))
		}
		if n := total(t, w.db, aldyn.OffenseFilter{}); n != 3000 {
			t.Errorf("got %d records, want 3000", n)
		}
	})

	t.Run("overlapping import counts only new rows", func(t *testing.T) {
		// Old and new ids interleaved, so that chunks hold both.
		second := w.MustOffenses(t, "b", 2500)
		var mixed []aldyn.Offense
		for i := range second {
			mixed = append(mixed, second[i], first[i])
		}
		ins, ex := MustImport(t, w.db, mixed, 999)
		if ins != 2500 || ex != 2500 {
			t.Fatalf("got %d inserted, %d existing; want 2500, 2500", ins, ex)
		}
		all := append(slices.Clone(first), second...)
		checkCounts(t, w, all, byOblastMonth)
		if n := total(t, w.db, aldyn.OffenseFilter{}); n != len(all) {
			t.Errorf("got %d records, want %d", n, len(all))
		}
	})

	t.Run("duplicates within one batch", func(t *testing.T) {
		third := w.MustOffenses(t, "c", 10)
		dup := append(slices.Clone(third), third[:4]...)
		ins, ex := MustImport(t, w.db, dup, 100)
		if ins != 10 || ex != 4 {
			t.Fatalf("got %d inserted, %d existing; want 10, 4", ins, ex)
		}
	})

	log, n, err := w.db.FindOffenseImports(context.Background(), aldyn.Page{})
	if err != nil {
		t.Fatal(err)
	}
	if n != 4 || len(log) != 4 {
		t.Fatalf("got %d log rows (total %d), want 4", len(log), n)
	}
	// Newest first.
	if got := [2]int64{log[0].Inserted, log[0].Existing}; got != [2]int64{10, 4} {
		t.Errorf("latest log row: got inserted, existing %v, want [10 4]", got)
	}
	for _, e := range log {
		if e.Status != aldyn.ImportDone || e.FinishedAt == nil || e.SHA256 != "abc" || e.Actor != "system" {
			t.Errorf("log row %d: got %+v, want done by system with sha256 abc", e.ID, e)
		}
	}
}

func TestOffenseImportRollback(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name string
		fail func(imp *store.OffenseImport, cancel context.CancelFunc) error
	}{
		{"rollback", func(imp *store.OffenseImport, _ context.CancelFunc) error {
			return imp.Rollback(ctx, "row 7: bad date")
		}},
		{"invalid record", func(imp *store.OffenseImport, _ context.CancelFunc) error {
			err := imp.Add(ctx, []aldyn.Offense{{ID: "x", Source: aldyn.SourceCrimes, Category: aldyn.CategoryTheft, RegisteredOn: time.Now(), TerritoryCode: "41799999999999"}})
			if aldyn.ErrorCode(err) != aldyn.EINVALID {
				t.Errorf("unknown territory: got %v, want %s", err, aldyn.EINVALID)
			}
			return imp.Rollback(ctx, "row 7: bad date")
		}},
		{"cancelled", func(imp *store.OffenseImport, cancel context.CancelFunc) error {
			cancel()
			return imp.Rollback(ctx, "row 7: bad date")
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := MustOffenseWorld(t)
			kept := w.MustOffenses(t, "kept", 500)
			MustImport(t, w.db, kept, 500)
			before := MustCounts(t, w.db, byOblastMonth)

			ictx, cancel := context.WithCancel(ctx)
			defer cancel()
			imp, err := w.db.BeginOffenseImport(ictx, aldyn.System, store.OffenseImportMeta{FileName: "bad.csv"})
			if err != nil {
				t.Fatal(err)
			}
			// New records and records already stored, more than one chunk.
			if err := imp.Add(ictx, append(w.MustOffenses(t, "lost", 4000), kept[:100]...)); err != nil {
				t.Fatal(err)
			}
			if err := tt.fail(imp, cancel); err != nil {
				t.Fatalf("rollback: %v", err)
			}
			if err := imp.Commit(ctx, store.OffenseImportCounts{}); err == nil {
				t.Errorf("commit after rollback: got no error")
			}
			if got := MustCounts(t, w.db, byOblastMonth); !reflect.DeepEqual(got, before) {
				t.Errorf("offense_monthly changed: got %v, want %v", head(got), head(before))
			}
			if n := total(t, w.db, aldyn.OffenseFilter{}); n != len(kept) {
				t.Errorf("got %d records, want %d", n, len(kept))
			}
			log, _, err := w.db.FindOffenseImports(ctx, aldyn.Page{})
			if err != nil {
				t.Fatal(err)
			}
			if e := log[0]; e.FileName != "bad.csv" || e.Status != aldyn.ImportFailed || e.Error != "row 7: bad date" || e.FinishedAt == nil {
				t.Errorf("log: got %+v, want bad.csv failed with the reason", e)
			}
			// The write connection is free again.
			MustImport(t, w.db, w.MustOffenses(t, "after", 10), 10)
		})
	}
}

func TestOffenseImportEmptyRollbackLeavesNothing(t *testing.T) {
	w := MustOffenseWorld(t)
	ctx := context.Background()
	imp, err := w.db.BeginOffenseImport(ctx, aldyn.System, store.OffenseImportMeta{})
	if err != nil {
		t.Fatal(err)
	}
	if err := imp.Add(ctx, w.MustOffenses(t, "x", 100)); err != nil {
		t.Fatal(err)
	}
	if err := imp.Rollback(ctx, "refused"); err != nil {
		t.Fatal(err)
	}
	if rows := MustCounts(t, w.db, byOblastMonth); len(rows) != 0 {
		t.Errorf("offense_monthly: got %d rows, want none", len(rows))
	}
	if n := total(t, w.db, aldyn.OffenseFilter{}); n != 0 {
		t.Errorf("offenses: got %d, want 0", n)
	}
}

func TestOffenseImportRejects(t *testing.T) {
	w := MustOffenseWorld(t)
	ok := w.MustOffenses(t, "ok", 1)[0]
	tests := []struct {
		name  string
		edit  func(o *aldyn.Offense)
		field string
	}{
		{"no id", func(o *aldyn.Offense) { o.ID = "" }, "id"},
		{"source", func(o *aldyn.Offense) { o.Source = "court" }, "source"},
		{"category", func(o *aldyn.Offense) { o.Category = "arson" }, "category"},
		{"no registration date", func(o *aldyn.Offense) { o.RegisteredOn = time.Time{} }, "registered_on"},
		{"minute", func(o *aldyn.Offense) { o.OccurredMinute = 1440 }, "occurred_minute"},
		{"half a location", func(o *aldyn.Offense) { lat := 42.0; o.Lat, o.Lon = &lat, nil }, "lat"},
		{"unknown territory", func(o *aldyn.Offense) { o.TerritoryCode = "41799999999999" }, "territory_code"},
		{"precinct as territory", func(o *aldyn.Offense) { o.TerritoryCode = offPrecinctA }, "territory_code"},
		{"unknown precinct", func(o *aldyn.Offense) { o.PrecinctCode = offDistrict + "-9" }, "precinct_code"},
		{"territory as precinct", func(o *aldyn.Offense) { o.PrecinctCode = offDistrict }, "precinct_code"},
		{"precinct of another territory", func(o *aldyn.Offense) { o.TerritoryCode, o.PrecinctCode = offBishkek, offPrecinctA }, "precinct_code"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			imp, err := w.db.BeginOffenseImport(ctx, aldyn.System, store.OffenseImportMeta{})
			if err != nil {
				t.Fatal(err)
			}
			defer imp.Rollback(ctx, "test")
			o := ok
			tt.edit(&o)
			err = imp.Add(ctx, []aldyn.Offense{o})
			var e *aldyn.Error
			if !errors.As(err, &e) || e.Code != aldyn.EINVALID || e.Fields[tt.field] == "" {
				t.Errorf("got %v, want %s on field %s", err, aldyn.EINVALID, tt.field)
			}
		})
	}
}

func TestOffenseDatesAreCalendarDates(t *testing.T) {
	w := MustOffenseWorld(t)
	bishkekTime := time.FixedZone("KGT", 6*3600)
	// Monday 2021-03-01 00:30 in Bishkek is Sunday in UTC: the date as
	// written counts.
	o := aldyn.Offense{ID: "local", Source: aldyn.SourceCrimes, Category: aldyn.CategoryFraud, TerritoryCode: offBishkek,
		RegisteredOn: time.Date(2021, 3, 1, 0, 0, 0, 0, bishkekTime), OccurredOn: time.Date(2021, 3, 1, 0, 0, 0, 0, bishkekTime), OccurredMinute: 30}
	MustImport(t, w.db, []aldyn.Offense{o}, 1)
	got, _, err := w.db.OffenseTimeProfile(context.Background(), aldyn.OffenseFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if got[0][0] != 1 {
		t.Errorf("got %v, want the record on Monday 00:00", got)
	}
	rows := MustCounts(t, w.db, aldyn.CountsQuery{By: []string{aldyn.ByYear, aldyn.ByMonth}})
	if want := []aldyn.CountRow{{Year: 2021, Month: 3, Count: 1}}; !reflect.DeepEqual(rows, want) {
		t.Errorf("got %v, want %v", rows, want)
	}
}

func TestOffenseCounts(t *testing.T) {
	w := MustOffenseWorld(t)
	offs := w.MustOffenses(t, "n", 4000)
	for i := range offs[:300] {
		offs[i].Synthetic = true
	}
	MustImport(t, w.db, offs, 1500)
	from, to := time.Date(2020, 3, 15, 0, 0, 0, 0, time.UTC), time.Date(2021, 7, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		q    aldyn.CountsQuery
	}{
		{"total", aldyn.CountsQuery{}},
		{"category", aldyn.CountsQuery{By: []string{aldyn.ByCategory}}},
		{"oblast", aldyn.CountsQuery{By: []string{aldyn.ByTerritory}}},
		{"district", aldyn.CountsQuery{By: []string{aldyn.ByTerritory}, Depth: aldyn.DepthDistrict}},
		{"country", aldyn.CountsQuery{By: []string{aldyn.ByTerritory}, Depth: aldyn.DepthCountry}},
		{"year and quarter", aldyn.CountsQuery{By: []string{aldyn.ByYear, aldyn.ByQuarter}}},
		{"month of year", aldyn.CountsQuery{By: []string{aldyn.ByMonth}}},
		{"source", aldyn.CountsQuery{By: []string{aldyn.BySource, aldyn.ByYear}}},
		{"category oblast year month", byOblastMonth},
		{"month then category", aldyn.CountsQuery{By: []string{aldyn.ByYear, aldyn.ByMonth, aldyn.ByCategory}}},
		{"period", aldyn.CountsQuery{By: []string{aldyn.ByYear, aldyn.ByMonth}, From: &from, To: &to}},
		{"categories", aldyn.CountsQuery{By: []string{aldyn.ByTerritory, aldyn.ByCategory}, Depth: aldyn.DepthDistrict,
			Categories: []string{aldyn.CategoryTheft, aldyn.CategoryRape}}},
		{"under Chüy", aldyn.CountsQuery{By: []string{aldyn.ByTerritory}, Depth: aldyn.DepthDistrict, Under: offChuiPath}},
		{"oblast within a district", aldyn.CountsQuery{By: []string{aldyn.ByTerritory, aldyn.ByYear}, Under: "/41700000000000/41708000000000/41708206000000/"}},
		{"country within a region", aldyn.CountsQuery{By: []string{aldyn.ByTerritory, aldyn.ByCategory}, Depth: aldyn.DepthCountry, Under: offChuiPath}},
		{"region-level territory by district", aldyn.CountsQuery{By: []string{aldyn.ByTerritory}, Depth: aldyn.DepthDistrict, Under: "/41700000000000/41711000000000/"}},
		{"under Chüy, offenses register", aldyn.CountsQuery{By: []string{aldyn.ByCategory}, Under: offChuiPath, Source: aldyn.SourceOffenses}},
		{"repeated key", aldyn.CountsQuery{By: []string{aldyn.ByCategory, aldyn.ByCategory}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { checkCounts(t, w, offs, tt.q) })
	}
	t.Run("bad grouping", func(t *testing.T) {
		for _, q := range []aldyn.CountsQuery{{By: []string{"weekday"}}, {Depth: 4}} {
			if _, err := w.db.OffenseCounts(context.Background(), q); aldyn.ErrorCode(err) != aldyn.EINVALID {
				t.Errorf("%+v: got %v, want %s", q, err, aldyn.EINVALID)
			}
		}
	})
	t.Run("solved share", func(t *testing.T) {
		solved, n, err := w.db.SolvedShare(context.Background(), aldyn.CountsQuery{Under: offChuiPath, By: []string{aldyn.ByMonth}})
		if err != nil {
			t.Fatal(err)
		}
		want := wantCounts(w.paths, offs, aldyn.CountsQuery{Under: offChuiPath})[0]
		if solved != want.Solved || n != want.Count {
			t.Errorf("got %d of %d solved, want %d of %d", solved, n, want.Solved, want.Count)
		}
	})
}

func TestOffenseScope(t *testing.T) {
	w, offs := MustImportedWorld(t, "s", 2000, 2000)
	ctx := context.Background()
	tests := []struct {
		name  string
		under string
	}{
		{"district", w.paths[offDistrict]},
		{"other district", w.paths[offOtherDistrict]},
		{"region", offChuiPath},
		{"district with no records", w.paths["41703204000000"]},
		{"public", aldyn.Public.ScopeUnder()},
		{"country", "/"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var want []aldyn.Offense
			for _, o := range offs {
				if strings.HasPrefix(w.paths[o.TerritoryCode], tt.under) {
					want = append(want, o)
				}
			}
			f := aldyn.OffenseFilter{Under: tt.under}
			if n := total(t, w.db, f); n != len(want) {
				t.Errorf("time profile: got %d records, want %d", n, len(want))
			}
			checkCounts(t, w, offs, aldyn.CountsQuery{Under: tt.under, By: []string{aldyn.ByTerritory}, Depth: aldyn.DepthDistrict})
			n, err := w.db.OffensePoints(ctx, f, nil, 0, func(p aldyn.OffensePoint) error { return nil })
			if err != nil {
				t.Fatal(err)
			}
			if wantN := countIf(want, func(o aldyn.Offense) bool { return o.Lat != nil }); n != wantN {
				t.Errorf("points: got %d, want %d", n, wantN)
			}
			top, err := w.db.TopPrecincts(ctx, f, 10)
			if err != nil {
				t.Fatal(err)
			}
			if got, wantN := sumPrecincts(top), countIf(want, func(o aldyn.Offense) bool { return o.PrecinctCode != "" }); got != int64(wantN) {
				t.Errorf("precincts: got %d records, want %d", got, wantN)
			}
		})
	}
}

func countIf(offs []aldyn.Offense, f func(aldyn.Offense) bool) int {
	n := 0
	for _, o := range offs {
		if f(o) {
			n++
		}
	}
	return n
}

func sumPrecincts(ps []aldyn.PrecinctCount) (n int64) {
	for _, p := range ps {
		n += p.Count
	}
	return n
}

// matches is OffenseFilter's meaning, for the tests' expectations.
func matches(paths map[string]string, o aldyn.Offense, f aldyn.OffenseFilter) bool {
	d := o.Day()
	return (f.From == nil || !d.Before(*f.From)) && (f.To == nil || d.Before(*f.To)) &&
		strings.HasPrefix(paths[o.TerritoryCode], f.Under) &&
		(f.TerritoryCode == "" || o.TerritoryCode == f.TerritoryCode) &&
		(f.PrecinctCode == "" || o.PrecinctCode == f.PrecinctCode) &&
		(len(f.Categories) == 0 || slices.Contains(f.Categories, o.Category)) &&
		(f.Source == "" || o.Source == f.Source) &&
		!(f.ExcludeSensitive && aldyn.IsSensitive(o.Category, o.Subgroup))
}

func offenseFilters() []struct {
	name string
	f    aldyn.OffenseFilter
} {
	from, to := time.Date(2020, 2, 29, 0, 0, 0, 0, time.UTC), time.Date(2021, 1, 1, 0, 0, 0, 0, time.UTC)
	return []struct {
		name string
		f    aldyn.OffenseFilter
	}{
		{"all", aldyn.OffenseFilter{}},
		{"period", aldyn.OffenseFilter{From: &from, To: &to}},
		{"territory", aldyn.OffenseFilter{TerritoryCode: offBishkek}},
		{"precinct", aldyn.OffenseFilter{PrecinctCode: offPrecinctB}},
		{"categories and source", aldyn.OffenseFilter{Categories: []string{aldyn.CategoryTheft, aldyn.CategoryFraud}, Source: aldyn.SourceCrimes}},
		{"under, without sensitive", aldyn.OffenseFilter{Under: offChuiPath, ExcludeSensitive: true}},
	}
}

func TestOffenseTimeProfile(t *testing.T) {
	w, offs := MustImportedWorld(t, "t", 3000, 3000)
	for _, tt := range offenseFilters() {
		t.Run(tt.name, func(t *testing.T) {
			var want [7][24]int
			wantUnknown := 0
			for _, o := range offs {
				if !matches(w.paths, o, tt.f) {
					continue
				}
				if o.Weekday() < 0 || o.Hour() < 0 {
					wantUnknown++
				} else {
					want[o.Weekday()][o.Hour()]++
				}
			}
			got, unknown, err := w.db.OffenseTimeProfile(context.Background(), tt.f)
			if err != nil {
				t.Fatal(err)
			}
			if got != want || unknown != wantUnknown {
				t.Errorf("got %v and %d unknown, want %v and %d unknown", got, unknown, want, wantUnknown)
			}
		})
	}
	t.Run("monday morning", func(t *testing.T) {
		// 2021-03-01 was a Monday.
		o := aldyn.Offense{ID: "monday", Source: aldyn.SourceCrimes, Category: aldyn.CategoryTheft, TerritoryCode: offBishkek,
			RegisteredOn: time.Date(2021, 3, 2, 0, 0, 0, 0, time.UTC), OccurredOn: time.Date(2021, 3, 1, 0, 0, 0, 0, time.UTC), OccurredMinute: 9*60 + 59}
		MustImport(t, w.db, []aldyn.Offense{o}, 1)
		got, _, err := w.db.OffenseTimeProfile(context.Background(), aldyn.OffenseFilter{Under: w.paths[offBishkek], Categories: []string{aldyn.CategoryTheft},
			From: &o.OccurredOn, To: &o.RegisteredOn})
		if err != nil {
			t.Fatal(err)
		}
		var want [7][24]int
		want[0][9] = 1
		for _, x := range offs {
			if x.Day().Equal(o.OccurredOn) && x.TerritoryCode == offBishkek && x.Category == aldyn.CategoryTheft && x.Hour() >= 0 {
				want[x.Weekday()][x.Hour()]++
			}
		}
		if got != want {
			t.Errorf("got %v, want Monday 09:00 counted", got)
		}
	})
}

func TestOffensePoints(t *testing.T) {
	w, offs := MustImportedWorld(t, "p", 2000, 2000)
	ctx := context.Background()
	bbox := &aldyn.BBox{MinLon: 72, MinLat: 41, MaxLon: 75, MaxLat: 42.5}
	for _, tt := range offenseFilters() {
		for _, box := range []*aldyn.BBox{nil, bbox} {
			t.Run(fmt.Sprintf("%s bbox %v", tt.name, box != nil), func(t *testing.T) {
				want := map[string]int{}
				for _, o := range offs {
					if o.Lat == nil || !matches(w.paths, o, tt.f) {
						continue
					}
					if box != nil && (*o.Lon < box.MinLon || *o.Lon > box.MaxLon || *o.Lat < box.MinLat || *o.Lat > box.MaxLat) {
						continue
					}
					want[fmt.Sprintf("%.6f %.6f %s", *o.Lon, *o.Lat, o.Category)]++
				}
				got := map[string]int{}
				n, err := w.db.OffensePoints(ctx, tt.f, box, 0, func(p aldyn.OffensePoint) error {
					got[fmt.Sprintf("%.6f %.6f %s", p.Lon, p.Lat, p.Category)]++
					return nil
				})
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(got, want) {
					t.Errorf("got %d points, want %d", n, len(want))
				}
			})
		}
	}
	t.Run("limit", func(t *testing.T) {
		n, err := w.db.OffensePoints(ctx, aldyn.OffenseFilter{}, nil, 7, func(aldyn.OffensePoint) error { return nil })
		if err != nil || n != 7 {
			t.Errorf("got %d points, %v; want 7", n, err)
		}
	})
	t.Run("callback stops the scan", func(t *testing.T) {
		stop := errors.New("enough")
		n, err := w.db.OffensePoints(ctx, aldyn.OffenseFilter{}, nil, 0, func(aldyn.OffensePoint) error { return stop })
		if !errors.Is(err, stop) || n != 0 {
			t.Errorf("got %d points, %v; want 0, %v", n, err, stop)
		}
	})
}

func TestTopPrecincts(t *testing.T) {
	w, offs := MustImportedWorld(t, "q", 2000, 2000)
	for _, tt := range offenseFilters() {
		t.Run(tt.name, func(t *testing.T) {
			want := wantTopPrecincts(w.paths, offs, tt.f)
			got, err := w.db.TopPrecincts(context.Background(), tt.f, 5)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("got %v, want %v", got, want)
			}
			if one, _ := w.db.TopPrecincts(context.Background(), tt.f, 1); len(want) > 0 && (len(one) != 1 || one[0] != want[0]) {
				t.Errorf("top 1: got %v, want %v", one, want[:1])
			}
		})
	}
}

// wantTopPrecincts ranks the precincts of the records that match f by
// count, most first, then by code: what TopPrecincts must return.
func wantTopPrecincts(paths map[string]string, offs []aldyn.Offense, f aldyn.OffenseFilter) []aldyn.PrecinctCount {
	m := map[string]*aldyn.PrecinctCount{}
	for _, o := range offs {
		if o.PrecinctCode == "" || !matches(paths, o, f) {
			continue
		}
		if m[o.PrecinctCode] == nil {
			m[o.PrecinctCode] = &aldyn.PrecinctCount{PrecinctCode: o.PrecinctCode}
		}
		m[o.PrecinctCode].Count++
		if o.Solved {
			m[o.PrecinctCode].Solved++
		}
	}
	var want []aldyn.PrecinctCount
	for _, p := range m {
		want = append(want, *p)
	}
	slices.SortFunc(want, func(a, b aldyn.PrecinctCount) int {
		return cmp.Or(cmp.Compare(b.Count, a.Count), strings.Compare(a.PrecinctCode, b.PrecinctCode))
	})
	return want
}

func TestOffenseMonthlySeries(t *testing.T) {
	w := MustOffenseWorld(t)
	ctx := context.Background()
	if s, err := w.db.OffenseMonthlySeries(ctx, "/", "", "", false); err != nil || len(s) != 0 {
		t.Fatalf("empty database: got %v, %v; want no months", s, err)
	}
	offs := w.MustOffenses(t, "m", 3000)
	// A record long before the others: the series must fill the gap with zeros.
	early := w.MustOffenses(t, "early", 1)[0]
	early.RegisteredOn, early.OccurredOn = time.Date(2017, 6, 10, 0, 0, 0, 0, time.UTC), time.Time{}
	offs = append(offs, early)
	MustImport(t, w.db, offs, 3001)
	for _, tt := range []struct {
		under, precinct, category string
		excludeSensitive          bool
	}{{"/", "", "", false}, {w.paths[offOtherDistrict], "", aldyn.CategoryTheft, false},
		{w.paths[early.TerritoryCode], "", early.Category, false}, {"/", offPrecinctA, "", false}, {w.paths[offDistrict], offPrecinctB, aldyn.CategoryFraud, false},
		{w.paths[offOtherDistrict], offPrecinctA, "", false}, // a precinct outside the scope: no records
		{"/", offPrecinctA, "", true}, {"/", offPrecinctA, aldyn.CategoryRape, true}, {"/", offPrecinctA, aldyn.CategoryOther, true},
		{w.paths[offDistrict], "", "", true}} {

		t.Run(fmt.Sprint(tt.under, " ", tt.precinct, " ", tt.category, " ", tt.excludeSensitive), func(t *testing.T) {
			got, err := w.db.OffenseMonthlySeries(ctx, tt.under, tt.precinct, tt.category, tt.excludeSensitive)
			if err != nil {
				t.Fatal(err)
			}
			want := map[[2]int]int64{}
			for _, o := range offs {
				if strings.HasPrefix(w.paths[o.TerritoryCode], tt.under) && (tt.category == "" || o.Category == tt.category) &&
					(tt.precinct == "" || o.PrecinctCode == tt.precinct) && !(tt.excludeSensitive && aldyn.IsSensitive(o.Category, o.Subgroup)) {
					want[[2]int{o.Day().Year(), int(o.Day().Month())}]++
				}
			}
			if len(got) != 12*5+7 {
				t.Fatalf("got %d months, want %d (2017-06 to 2022-12)", len(got), 12*5+7)
			}
			for i, m := range got {
				if y, mo := 2017+(5+i)/12, (5+i)%12+1; m.Year != y || m.Month != mo || m.Count != want[[2]int{y, mo}] {
					t.Errorf("month %d: got %+v, want %d-%02d with %d", i, m, y, mo, want[[2]int{y, mo}])
				}
			}
		})
	}
}

// TestOffenseImportKilled kills a process in the middle of an import and
// checks readers see the database as it was before: a committed first
// import is intact, and the killed one's committed batches count nowhere.
// The next import waits for the dead one's heartbeat to stand still, takes
// its slot, deletes its records and stores the same ids afresh.
func TestOffenseImportKilled(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "killimport")
	build := exec.Command("go", "build", "-o", bin, "./testdata/killimport")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build helper: %v\n%s", err, out)
	}
	dsn := storetest.MustDSN(t)
	ctx := context.Background()
	db, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.SeedReference(ctx); err != nil {
		t.Fatal(err)
	}
	paths, err := db.TerritoryPaths(ctx)
	if err != nil {
		t.Fatal(err)
	}
	w := &offenseWorld{db: db, paths: paths, codes: []string{offOtherDistrict, offBishkek, "41706207000000"}}
	before := w.MustOffenses(t, "kill", 5000) // the helper makes the same ids, and more
	MustImport(t, db, before, 5000)
	wantCounts := MustCounts(t, db, byOblastMonth)
	db.Close()

	store.SetImportLeaseForTest(t, 3*time.Second)
	rows := 25000
	if db.Dialect == store.Postgres {
		rows = 60000 // more than a batch
	}
	cmd := exec.Command(bin, dsn, fmt.Sprint(rows))
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil || !strings.HasPrefix(line, "ready") {
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatalf("helper: got %q, %v; want ready", line, err)
	}
	t.Logf("helper %s", strings.TrimSpace(line))
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()

	db, err = store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	w.db = db
	if got := MustCounts(t, db, byOblastMonth); !reflect.DeepEqual(got, wantCounts) {
		t.Errorf("offense_monthly after kill: got %v, want %v", head(got), head(wantCounts))
	}
	if n := total(t, db, aldyn.OffenseFilter{}); n != len(before) {
		t.Errorf("offenses after kill: got %d, want %d", n, len(before))
	}
	if n := mustRows(t, db); n <= len(before) {
		t.Errorf("rows after kill: got %d, want more than %d: the killed import's batches still there, hidden", n, len(before))
	}
	log, _, err := db.FindOffenseImports(ctx, aldyn.Page{})
	if err != nil {
		t.Fatal(err)
	}
	if len(log) != 2 || log[0].Status != aldyn.ImportRunning || log[0].Inserted != 0 {
		t.Errorf("log: got %+v, want the killed import still running", log[0])
	}

	tctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	again := w.MustOffenses(t, "kill", 8000)
	imp, err := db.BeginOffenseImport(tctx, aldyn.System, store.OffenseImportMeta{})
	if err != nil {
		t.Fatal(err)
	}
	defer imp.Rollback(ctx, "test")
	if err := imp.Add(tctx, again); err != nil {
		t.Fatal(err)
	}
	if err := imp.Commit(tctx, store.OffenseImportCounts{}); err != nil {
		t.Fatal(err)
	}
	if ins, ex := imp.Inserted(); ins != 3000 || ex != 5000 {
		t.Errorf("import after kill: got %d inserted, %d existing; want 3000, 5000", ins, ex)
	}
	checkCounts(t, w, again, byOblastMonth)
	if n := mustRows(t, db); n != len(again) {
		t.Errorf("rows after the next import: got %d, want %d (the killed import's deleted)", n, len(again))
	}
	if log, _, err = db.FindOffenseImports(ctx, aldyn.Page{Sort: "id"}); err != nil || len(log) != 3 || log[1].Status != aldyn.ImportFailed {
		t.Errorf("log: got %v, %v; want the killed import failed", log, err)
	}
}

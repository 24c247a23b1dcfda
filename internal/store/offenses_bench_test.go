package store_test

import (
	"bufio"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/stats"
	"github.com/aldyn-kg/aldyn/internal/store"
	"github.com/aldyn-kg/aldyn/internal/store/storetest"
)

// benchRows is 200,000, or ALDYN_BENCH_ROWS: at 1,000,000 the indexes no
// longer fit the cache, which is where a gap to the CLI shows.
var benchRows = func() int {
	if n, err := strconv.Atoi(os.Getenv("ALDYN_BENCH_ROWS")); err == nil && n > 0 {
		return n
	}
	return 200_000
}()

// Insert benchmarks import benchRows records into a fresh database per
// iteration, in the importer's batches of 5,000, and report rows/s. Then
// they load the same rows, written as CSV, into the same fresh schema with
// the database's own command-line tool (sqlite3 .import, psql \copy), which
// maintains the same indexes but neither deduplicates nor the monthly
// aggregate, and report its rows/s and the ratio ours/CLI.

func BenchmarkOffenseInsertSQLite(b *testing.B) {
	if os.Getenv(storetest.PostgresEnv) != "" {
		b.Skipf("%s is set: this benchmark runs on SQLite", storetest.PostgresEnv)
	}
	benchmarkOffenseInsert(b)
}

func BenchmarkOffenseInsertPostgres(b *testing.B) {
	if os.Getenv(storetest.PostgresEnv) == "" {
		b.Skipf("set %s to run on PostgreSQL", storetest.PostgresEnv)
	}
	benchmarkOffenseInsert(b)
}

func benchmarkOffenseInsert(b *testing.B) {
	ctx := context.Background()
	w := MustOffenseWorld(b)
	offs := w.MustOffenses(b, "bench", benchRows)
	var elapsed time.Duration
	for b.Loop() {
		b.StopTimer()
		db := MustOpenPrecincts(b)
		b.StartTimer()
		start := time.Now()
		imp, err := db.BeginOffenseImport(ctx, aldyn.System, store.OffenseImportMeta{FileName: "bench.csv"})
		if err != nil {
			b.Fatal(err)
		}
		for part := range slices.Chunk(offs, 5000) {
			if err := imp.Add(ctx, part); err != nil {
				b.Fatal(err)
			}
		}
		if err := imp.Commit(ctx, store.OffenseImportCounts{}); err != nil {
			b.Fatal(err)
		}
		elapsed += time.Since(start)
		b.StopTimer()
		db.Close()
		b.StartTimer()
	}
	ours := float64(benchRows*b.N) / elapsed.Seconds()
	b.ReportMetric(ours, "rows/s")

	b.StopTimer()
	csvPath := filepath.Join(b.TempDir(), "offenses.csv")
	mustWriteOffenseCSV(b, csvPath, w.paths, offs)
	cli, err := cliImport(b, csvPath)
	if err != nil {
		b.Logf("no comparison with the command-line tool: %v", err)
		return
	}
	b.ReportMetric(float64(benchRows)/cli.Seconds(), "cli-rows/s")
	b.ReportMetric(ours/(float64(benchRows)/cli.Seconds()), "x-cli")
}

// MustOpenPrecincts opens a fresh database with the precincts the test
// records use.
func MustOpenPrecincts(tb testing.TB) *store.DB {
	tb.Helper()
	return MustOffenseWorld(tb).db
}

// mustWriteOffenseCSV writes records as the offenses table stores them,
// without a header, in the table's column order.
func mustWriteOffenseCSV(tb testing.TB, path string, paths map[string]string, offs []aldyn.Offense) {
	tb.Helper()
	f, err := os.Create(path)
	if err != nil {
		tb.Fatal(err)
	}
	w := bufio.NewWriter(f)
	b01 := func(v bool) string {
		if v {
			return "1"
		}
		return "0"
	}
	for _, o := range offs {
		occurred, lat, lon, damage := "", "", "", ""
		if !o.OccurredOn.IsZero() {
			occurred = o.OccurredOn.Format(time.DateOnly)
		}
		if o.Lat != nil {
			lat, lon = strconv.FormatFloat(*o.Lat, 'f', -1, 64), strconv.FormatFloat(*o.Lon, 'f', -1, 64)
		}
		if o.DamageKGS != nil {
			damage = strconv.FormatInt(*o.DamageKGS, 10)
		}
		d := o.Day()
		// Text is quoted, so that psql reads "" as an empty string and an
		// unquoted empty field as NULL.
		fmt.Fprintf(w, "%q,%q,%q,%q,%q,%s,%s,%d,%s,%d,%d,%d,%d,%q,%q,%q,%s,%s,%q,%s,%s,%s,1\n",
			o.ID, o.Source, o.Category, o.Subgroup, o.Article, o.RegisteredOn.Format(time.DateOnly), occurred, o.OccurredMinute,
			d.Format(time.DateOnly), d.Year(), int(d.Month()), o.Weekday(), o.Hour(), o.TerritoryCode, paths[o.TerritoryCode], o.PrecinctCode,
			lat, lon, o.PlaceType, b01(o.Solved), damage, b01(o.Synthetic))
	}
	if err := w.Flush(); err != nil {
		tb.Fatal(err)
	}
	if err := f.Close(); err != nil {
		tb.Fatal(err)
	}
}

// cliImport loads the CSV into the offenses table of a fresh, migrated
// database with sqlite3 or psql and returns how long the tool took.
func cliImport(tb testing.TB, csvPath string) (time.Duration, error) {
	tb.Helper()
	dsn := storetest.MustDSN(tb)
	db, err := store.Open(context.Background(), dsn)
	if err != nil {
		tb.Fatal(err)
	}
	db.Close()
	var cmd *exec.Cmd
	if db.Dialect == store.SQLite {
		if _, err := exec.LookPath("sqlite3"); err != nil {
			return 0, err
		}
		cmd = exec.Command("sqlite3", dsn, ".import --csv "+csvPath+" offenses")
	} else {
		if _, err := exec.LookPath("psql"); err != nil {
			return 0, err
		}
		psql, err := storetest.PsqlURL(dsn)
		if err != nil {
			return 0, err
		}
		cmd = exec.Command("psql", "-v", "ON_ERROR_STOP=1", "-q", psql, "-c", `\copy offenses from '`+csvPath+`' csv`)
	}
	start := time.Now()
	out, err := cmd.CombinedOutput()
	d := time.Since(start)
	if err != nil || len(strings.TrimSpace(string(out))) > 0 {
		return 0, fmt.Errorf("%s: %v %s", cmd.Args[0], err, out)
	}
	if db, err = store.Open(context.Background(), dsn); err != nil {
		tb.Fatal(err)
	}
	defer db.Close()
	if n := total(tb, db, aldyn.OffenseFilter{}); n != benchRows {
		tb.Fatalf("%s loaded %d rows, want %d", cmd.Args[0], n, benchRows)
	}
	return d, nil
}

// BenchmarkCountsCategoryMonthOblast counts by category × month × oblast
// over 10 million records and reports the 95th percentile of the query's
// time. The aggregate of 10 million records is the rows they produce in
// offense_monthly, one per territory × category × source × month that has
// any: 200,000 records are imported for real, through the import that
// maintains the aggregate, and the rest are added to the aggregate
// directly (between two imports, so that the last one leaves the
// aggregate as it would after a real import), spread over every leaf territory, 15 category × source pairs
// and ten years (about as many aggregate rows as 10 million records
// spread that way would fill).
func BenchmarkCountsCategoryMonthOblast(b *testing.B) {
	const records, real = 10_000_000, 200_000
	ctx := context.Background()
	w := MustOffenseWorld(b)
	leaves := leafTerritories(w.paths)
	pairs := [][2]string{}
	for _, c := range aldyn.OffenseCategories {
		pairs = append(pairs, [2]string{c, aldyn.SourceCrimes})
		if c == aldyn.CategoryTheft || c == aldyn.CategoryHooliganism || c == aldyn.CategoryTraffic {
			pairs = append(pairs, [2]string{c, aldyn.SourceOffenses})
		}
	}
	const firstYear, years = 2016, 10
	// Real records, spread the same way.
	rng := newBenchRand()
	offs := make([]aldyn.Offense, real)
	for i := range offs {
		p := pairs[rng.IntN(len(pairs))]
		day := time.Date(firstYear, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, rng.IntN(years*365))
		offs[i] = aldyn.Offense{ID: fmt.Sprintf("agg-%d", i), Source: p[1], Category: p[0], RegisteredOn: day, OccurredOn: day,
			OccurredMinute: rng.IntN(1440), TerritoryCode: leaves[rng.IntN(len(leaves))], Solved: rng.IntN(2) == 0}
	}
	// Most before the direct rows, the rest after them, so that the
	// aggregate ends as an import leaves it (PostgreSQL: vacuumed and
	// analysed by the import's Commit).
	MustImport(b, w.db, offs[:real-1000], 5000)
	// The other records, straight into the aggregate, counted once at
	// each depth as the import counts them.
	type cell struct {
		depth          int
		path, cat, src string
		month          int
	}
	agg := map[cell]int{}
	cells := len(leaves) * len(pairs) * years * 12
	perCell := (records - real) / cells
	left := records - real - perCell*cells
	for _, t := range leaves {
		for _, p := range pairs {
			for m := 0; m < years*12; m++ {
				n := perCell
				if left > 0 {
					n++
					left--
				}
				for d := 1; d <= 3; d++ {
					agg[cell{d, benchAncestor(w.paths[t], d), p[0], p[1], m}] += n
				}
			}
		}
	}
	var values []string
	flush := func() {
		if len(values) == 0 {
			return
		}
		q := `INSERT INTO offense_monthly (depth, territory_path, territory_code, category, source, year, month, count, solved, synthetic) VALUES ` +
			strings.Join(values, ",") + ` ON CONFLICT (depth, territory_path, category, year, month, source) DO UPDATE SET
			count = offense_monthly.count + excluded.count, solved = offense_monthly.solved + excluded.solved`
		if err := w.db.Update(ctx, aldyn.System, func(tx *store.Tx) error { return tx.ExecForTest(ctx, q) }); err != nil {
			b.Fatal(err)
		}
		values = values[:0]
	}
	for c, n := range agg {
		code := c.path[len(c.path)-15 : len(c.path)-1]
		values = append(values, fmt.Sprintf("(%d,'%s','%s','%s','%s',%d,%d,%d,%d,0)", c.depth, c.path, code, c.cat, c.src, firstYear+c.month/12, c.month%12+1, n, n/3))
		if len(values) == 1000 {
			flush()
		}
	}
	flush()
	MustImport(b, w.db, offs[real-1000:], 5000)
	all := MustCounts(b, w.db, aldyn.CountsQuery{})
	if len(all) != 1 || all[0].Count != records {
		b.Fatalf("got %v records in the aggregate, want %d", all, records)
	}
	b.Logf("%d leaf territories; %d aggregate rows for %d records, %d of them at the oblasts' depth", len(leaves), len(agg), records,
		countDepth(agg, func(c cell) bool { return c.depth == 2 }))

	from, to := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, bq := range []struct {
		name string
		q    aldyn.CountsQuery
	}{
		{"ten years", byOblastMonth},
		{"one year", aldyn.CountsQuery{By: byOblastMonth.By, From: &from, To: &to}},
		{"one year in Chüy", aldyn.CountsQuery{By: byOblastMonth.By, From: &from, To: &to, Under: offChuiPath}},
	} {
		b.Run(strings.ReplaceAll(bq.name, " ", "-"), func(b *testing.B) {
			var times []time.Duration
			var rows int
			for b.Loop() {
				start := time.Now()
				r, err := w.db.OffenseCounts(ctx, bq.q)
				if err != nil {
					b.Fatal(err)
				}
				times = append(times, time.Since(start))
				rows = len(r)
			}
			slices.Sort(times)
			p95 := times[min(len(times)-1, len(times)*95/100)]
			b.ReportMetric(float64(p95.Microseconds())/1000, "p95-ms")
			b.ReportMetric(float64(rows), "rows")
		})
	}
}

// leafTerritories are the administrative units without children: where
// records are registered.
func leafTerritories(paths map[string]string) []string {
	var out []string
	for code, p := range paths {
		if len(code) != 14 {
			continue
		}
		leaf := true
		for c, q := range paths {
			if len(c) == 14 && c != code && strings.HasPrefix(q, p) {
				leaf = false
				break
			}
		}
		if leaf {
			out = append(out, code)
		}
	}
	slices.Sort(out)
	return out
}

func newBenchRand() *rand.Rand { return rand.New(rand.NewPCG(7, 11)) }

// benchAncestor is the path of the ancestor at depth d of the territory
// with path p, or p when it is not deeper.
func benchAncestor(p string, d int) string {
	segs := strings.Split(strings.Trim(p, "/"), "/")
	if len(segs) <= d {
		return p
	}
	return "/" + strings.Join(segs[:d], "/") + "/"
}

func countDepth[K comparable](m map[K]int, f func(K) bool) int {
	n := 0
	for k := range m {
		if f(k) {
			n++
		}
	}
	return n
}

// BenchmarkHotspotsNational counts a million located records into the
// grid of a map of the whole country and computes Gi* over it, as
// /api/v1/stats/hotspots does: with the locations read from the in-memory
// index (index), and from the database (database). It reports the time of
// one map and the records read per second.
func BenchmarkHotspotsNational(b *testing.B) {
	const n = 1_000_000
	ctx := context.Background()
	w := MustOffenseWorld(b)
	importRandomPoints(b, w, "pt", n)
	if err := w.db.WaitOffenseIndexForTest(ctx); err != nil {
		b.Fatal(err)
	}
	country := aldyn.BBox{MinLon: aldyn.MinLon, MinLat: aldyn.MinLat, MaxLon: aldyn.MaxLon, MaxLat: aldyn.MaxLat}
	for _, bc := range []struct {
		name  string
		read  func(aldyn.BBox, func(aldyn.OffensePoint) bool) error
		cellM float64
	}{
		{"index/cell-20km", func(box aldyn.BBox, fn func(aldyn.OffensePoint) bool) error {
			_, err := w.db.OffenseLocations(ctx, aldyn.OffenseFilter{Under: "/"}, box, fn)
			return err
		}, stats.CellForZoom(7)},
		{"index/cell-1km", func(box aldyn.BBox, fn func(aldyn.OffensePoint) bool) error {
			_, err := w.db.OffenseLocations(ctx, aldyn.OffenseFilter{Under: "/"}, box, fn)
			return err
		}, 1000},
		{"database/cell-20km", func(box aldyn.BBox, fn func(aldyn.OffensePoint) bool) error {
			return w.db.OffenseLocationsSQLForTest(ctx, aldyn.OffenseFilter{Under: "/"}, box, fn)
		}, stats.CellForZoom(7)},
	} {
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				g, err := stats.NewGrid(country, bc.cellM)
				if err != nil {
					b.Fatal(err)
				}
				if err := bc.read(g.Extent(), func(p aldyn.OffensePoint) bool {
					g.Add(p.Lon, p.Lat)
					return true
				}); err != nil {
					b.Fatal(err)
				}
				if got := slices.Max(g.Counts); got == 0 {
					b.Fatal("empty grid")
				}
				hs := stats.GiStar(g, 1)
				if len(hs) == 0 {
					b.Fatal("no cells")
				}
			}
			b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/map")
			b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "records/s")
		})
	}
}

// importRandomPoints imports n records located uniformly over the
// country's box, across its leaf territories, with IDs prefix-0….
func importRandomPoints(tb testing.TB, w *offenseWorld, prefix string, n int) {
	tb.Helper()
	ctx := context.Background()
	leaves := leafTerritories(w.paths)
	rng := newBenchRand()
	day := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	imp, err := w.db.BeginOffenseImport(ctx, aldyn.System, store.OffenseImportMeta{FileName: prefix})
	if err != nil {
		tb.Fatal(err)
	}
	batch := make([]aldyn.Offense, 0, 5000)
	for i := 0; i < n; i++ {
		lat, lon := aldyn.MinLat+rng.Float64()*(aldyn.MaxLat-aldyn.MinLat), aldyn.MinLon+rng.Float64()*(aldyn.MaxLon-aldyn.MinLon)
		batch = append(batch, aldyn.Offense{ID: fmt.Sprintf("%s-%d", prefix, i), Source: aldyn.SourceCrimes, Category: aldyn.OffenseCategories[i%12],
			RegisteredOn: day.AddDate(0, 0, i%365), OccurredMinute: -1, TerritoryCode: leaves[i%len(leaves)], Lat: &lat, Lon: &lon})
		if len(batch) == cap(batch) || i == n-1 {
			if err := imp.Add(ctx, batch); err != nil {
				tb.Fatal(err)
			}
			batch = batch[:0]
		}
	}
	if err := imp.Commit(ctx, store.OffenseImportCounts{}); err != nil {
		tb.Fatal(err)
	}
}

// BenchmarkOffenseIndexCatchUp times how long the records in memory take
// to catch up with an import of 1,000 records into a database of a
// million: the time maps and tables read the database instead.
func BenchmarkOffenseIndexCatchUp(b *testing.B) {
	ctx := context.Background()
	w := MustOffenseWorld(b)
	importRandomPoints(b, w, "base", 1_000_000)
	if err := w.db.WaitOffenseIndexForTest(ctx); err != nil {
		b.Fatal(err)
	}
	i := 0
	for b.Loop() {
		b.StopTimer()
		importRandomPoints(b, w, fmt.Sprintf("more%d", i), 1000)
		i++
		b.StartTimer()
		if err := w.db.WaitOffenseIndexForTest(ctx); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/catch-up")
}

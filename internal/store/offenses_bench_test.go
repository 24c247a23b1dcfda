package store_test

import (
	"bufio"
	"context"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/store"
	"github.com/aldyn-kg/aldyn/internal/store/storetest"
)

const benchRows = 200_000

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
		u, err := url.Parse(dsn)
		if err != nil {
			return 0, err
		}
		q := u.Query()
		q.Set("options", "-csearch_path="+q.Get("search_path"))
		q.Del("search_path")
		u.RawQuery = q.Encode()
		cmd = exec.Command("psql", "-v", "ON_ERROR_STOP=1", "-q", u.String(), "-c", `\copy offenses from '`+csvPath+`' csv`)
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

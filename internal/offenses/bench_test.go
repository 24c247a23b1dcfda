package offenses_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/offenses"
	"github.com/aldyn-kg/aldyn/internal/store/storetest"
)

// BenchmarkImportCSV imports a CSV file of 200,000 rows end to end (read,
// check, depersonalize, store with the monthly aggregate) into a fresh
// database per iteration, on SQLite or, with ALDYN_TEST_POSTGRES, on
// PostgreSQL, and reports rows/s, and as a ratio to the database's CLI
// loading the same file as text into a bare table (x-raw-cli).
// internal/store's insert benchmarks compare the storing part with the
// sqlite3 CLI's .import and psql's \copy into the same schema.
func BenchmarkImportCSV(b *testing.B) {
	rows := 200_000 // or ALDYN_BENCH_ROWS, as in internal/store's insert benchmarks
	if n, err := strconv.Atoi(os.Getenv("ALDYN_BENCH_ROWS")); err == nil && n > 0 {
		rows = n
	}
	file := csvFile(rows)
	b.SetBytes(int64(len(file)))
	var elapsed time.Duration
	for b.Loop() {
		b.StopTimer()
		db := storetest.MustOpenDB(b)
		ctx := context.Background()
		if err := db.SeedReference(ctx); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		start := time.Now()
		rep, err := offenses.Import(ctx, db, aldyn.System, bytes.NewReader(file), offenses.Input{FileName: "bench.csv"})
		elapsed += time.Since(start)
		if err != nil || rep.Inserted != int64(rows) {
			b.Fatalf("import: %v, %d inserted", err, rep.Inserted)
		}
	}
	ours := float64(rows*b.N) / elapsed.Seconds()
	b.ReportMetric(ours, "rows/s")

	// The database's own command-line tool loading the same file into a
	// table of its columns as text, with no key, no index and no check:
	// the ceiling of loading this file at all.
	b.StopTimer()
	path := filepath.Join(b.TempDir(), "raw.csv")
	if err := os.WriteFile(path, file, 0o600); err != nil {
		b.Fatal(err)
	}
	d, err := rawCLILoad(b, path)
	if err != nil {
		b.Logf("no command-line comparison: %v", err)
		return
	}
	cli := float64(rows) / d.Seconds()
	b.ReportMetric(cli, "raw-cli-rows/s")
	b.ReportMetric(ours/cli, "x-raw-cli")
}

// rawCLILoad times sqlite3's .import (or psql's \copy, with
// ALDYN_TEST_POSTGRES) of a CSV file with a header into a new table of
// text columns named by that header.
func rawCLILoad(tb testing.TB, path string) (time.Duration, error) {
	dsn := storetest.MustDSN(tb)
	var cmd *exec.Cmd
	if os.Getenv(storetest.PostgresEnv) == "" {
		if _, err := exec.LookPath("sqlite3"); err != nil {
			return 0, err
		}
		cmd = exec.Command("sqlite3", filepath.Join(filepath.Dir(dsn), "raw.db"), ".import --csv "+path+" raw")
	} else {
		if _, err := exec.LookPath("psql"); err != nil {
			return 0, err
		}
		psql, err := storetest.PsqlURL(dsn)
		if err != nil {
			return 0, err
		}
		f, err := os.Open(path)
		if err != nil {
			return 0, err
		}
		header, err := csv.NewReader(f).Read()
		f.Close()
		if err != nil {
			return 0, err
		}
		create := exec.Command("psql", "-v", "ON_ERROR_STOP=1", "-q", psql, "-c",
			"CREATE TABLE raw ("+strings.Join(header, " text, ")+" text)")
		if out, err := create.CombinedOutput(); err != nil {
			return 0, fmt.Errorf("psql: %v %s", err, out)
		}
		cmd = exec.Command("psql", "-v", "ON_ERROR_STOP=1", "-q", psql, "-c", `\copy raw from '`+path+`' csv header`)
	}
	start := time.Now()
	out, err := cmd.CombinedOutput()
	if err != nil || len(strings.TrimSpace(string(out))) > 0 {
		return 0, fmt.Errorf("%s: %v %s", cmd.Args[0], err, out)
	}
	return time.Since(start), nil
}

// csvFile writes n plausible records across Bishkek's and Chüy's codes.
func csvFile(n int) []byte {
	var buf bytes.Buffer
	buf.WriteString("registration_number,source,category,registered_on,occurred_on,occurred_time,territory_code,lat,lon,place_type,solved\n")
	cats := aldyn.OffenseCategories
	terr := []string{"41711000000000", "41708000000000", "41708203000000", "41703225000000"}
	for i := range n {
		day := time.Date(2019, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, i%2500)
		fmt.Fprintf(&buf, "KBR-%09d,crimes,%s,%s,%s,%02d:%02d,%s,%.5f,%.5f,street,%d\n", i, cats[i%len(cats)],
			day.AddDate(0, 0, 1).Format(time.DateOnly), day.Format(time.DateOnly), i%24, i%60, terr[i%len(terr)],
			42.8+float64(i%1000)/10000, 74.5+float64(i%997)/10000, i%2)
	}
	return buf.Bytes()
}

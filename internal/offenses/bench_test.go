package offenses_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/offenses"
	"github.com/aldyn-kg/aldyn/internal/store"
	"github.com/aldyn-kg/aldyn/internal/store/storetest"
)

// BenchmarkImportCSV imports a CSV file of 200,000 rows (or
// ALDYN_BENCH_ROWS) end to end, as `aldyn import offenses` does (read,
// check, pseudonymise, classify, store with the aggregates), into a fresh
// database per iteration, on SQLite or, with ALDYN_TEST_POSTGRES, on
// PostgreSQL, and reports rows/s and the peak resident memory of the
// process while it imports (peak-rss-MiB, Linux; the file itself, held in
// memory by the benchmark, is part of it).
//
// Then, in the same run, the database's own command-line tool loads the
// same rows, as the import stored them, into the offenses table of another
// fresh database with the same schema and the same indexes (sqlite3's
// .import, psql's \copy): cli-rows/s, and x-cli the ratio ours/CLI. The
// CLI neither reads the police layout, checks, pseudonymises, classifies
// nor counts the aggregates; it only stores.
func BenchmarkImportCSV(b *testing.B) {
	rows := 200_000 // or ALDYN_BENCH_ROWS, as in internal/store's insert benchmarks
	if n, err := strconv.Atoi(os.Getenv("ALDYN_BENCH_ROWS")); err == nil && n > 0 {
		rows = n
	}
	file := csvFile(rows)
	b.SetBytes(int64(len(file)))
	var elapsed time.Duration
	var dsn string
	var peak int64
	var cpu time.Duration
	for b.Loop() {
		b.StopTimer()
		dsn = storetest.MustDSN(b)
		db := mustOpenSeeded(b, dsn)
		ctx := context.Background()
		runtime.GC()
		resetPeakRSS()
		cpu0 := processCPU()
		b.StartTimer()
		start := time.Now()
		rep, err := offenses.Import(ctx, db, aldyn.System, bytes.NewReader(file), offenses.Input{FileName: "bench.csv"})
		elapsed += time.Since(start)
		b.StopTimer()
		cpu += processCPU() - cpu0
		peak = max(peak, peakRSS())
		if err != nil || rep.Inserted != int64(rows) {
			b.Fatalf("import: %v, %d inserted", err, rep.Inserted)
		}
		b.StartTimer()
	}
	ours := float64(rows*b.N) / elapsed.Seconds()
	b.ReportMetric(ours, "rows/s")
	if peak > 0 {
		b.ReportMetric(float64(peak)/(1<<20), "peak-rss-MiB")
	}

	b.StopTimer()
	d, cliCPU, err := cliLoadSameRows(b, dsn, rows)
	if err != nil {
		b.Logf("no command-line comparison: %v", err)
		return
	}
	cli := float64(rows) / d.Seconds()
	b.ReportMetric(cli, "cli-rows/s")
	b.ReportMetric(ours/cli, "x-cli")
	// On a busy machine the elapsed times depend on what else runs; the
	// processor time each spent does not, and ours counts all our threads.
	if cliCPU > 0 && cpu > 0 {
		b.ReportMetric(cliCPU.Seconds()/(cpu.Seconds()/float64(b.N)), "x-cli-cpu")
	}
}

// processCPU is the processor time this process has used, user and system.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// mustOpenSeeded opens the database at dsn, migrated and with the
// reference data, closed when the benchmark ends.
func mustOpenSeeded(tb testing.TB, dsn string) *store.DB {
	tb.Helper()
	db, err := store.Open(context.Background(), dsn)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	if err := db.SeedReference(context.Background()); err != nil {
		tb.Fatal(err)
	}
	return db
}

// resetPeakRSS starts the process's peak resident memory (VmHWM) afresh
// from its current size; peakRSS reads it, in bytes (0 where unknown).
func resetPeakRSS() { os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) }

func peakRSS() int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for line := range strings.Lines(string(b)) {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			return kb << 10
		}
	}
	return 0
}

// cliLoadSameRows writes the records the import stored at dsn to a CSV
// file in the offenses table's column order, with the database's CLI, and
// times the CLI loading that file into the offenses table of a fresh,
// migrated and seeded database: the same rows, schema and indexes. It
// returns the time elapsed and, for sqlite3, the processor time it used
// (psql's work is done by the server, whose time it cannot tell).
func cliLoadSameRows(tb testing.TB, dsn string, rows int) (time.Duration, time.Duration, error) {
	path := filepath.Join(tb.TempDir(), "offenses.csv")
	to := storetest.MustDSN(tb)
	mustOpenSeeded(tb, to).Close()
	var dump, load, count *exec.Cmd
	if os.Getenv(storetest.PostgresEnv) == "" {
		if _, err := exec.LookPath("sqlite3"); err != nil {
			return 0, 0, err
		}
		// In the order the import wrote them.
		dump = exec.Command("sqlite3", "-csv", dsn, "SELECT * FROM offenses ORDER BY rowid")
		load = exec.Command("sqlite3", to, ".import --csv "+path+" offenses")
		count = exec.Command("sqlite3", to, "SELECT COUNT(*) FROM offenses")
	} else {
		if _, err := exec.LookPath("psql"); err != nil {
			return 0, 0, err
		}
		from, err := storetest.PsqlURL(dsn)
		if err != nil {
			return 0, 0, err
		}
		into, err := storetest.PsqlURL(to)
		if err != nil {
			return 0, 0, err
		}
		dump = exec.Command("psql", "-v", "ON_ERROR_STOP=1", "-q", from, "-c", `\copy offenses to '`+path+`' csv`)
		load = exec.Command("psql", "-v", "ON_ERROR_STOP=1", "-q", into, "-c", `\copy offenses from '`+path+`' csv`)
		count = exec.Command("psql", "-tA", into, "-c", "SELECT COUNT(*) FROM offenses")
	}
	if dump.Args[0] == "sqlite3" {
		f, err := os.Create(path)
		if err != nil {
			return 0, 0, err
		}
		dump.Stdout = f
		err = dump.Run()
		if err = errors.Join(err, f.Close()); err != nil {
			return 0, 0, fmt.Errorf("sqlite3 dump: %v", err)
		}
	} else if out, err := dump.CombinedOutput(); err != nil {
		return 0, 0, fmt.Errorf("psql dump: %v %s", err, out)
	}
	start := time.Now()
	out, err := load.CombinedOutput()
	d := time.Since(start)
	if err != nil || len(strings.TrimSpace(string(out))) > 0 {
		return 0, 0, fmt.Errorf("%s: %v %s", load.Args[0], err, out)
	}
	var cpu time.Duration
	if load.Args[0] == "sqlite3" {
		cpu = load.ProcessState.UserTime() + load.ProcessState.SystemTime()
	}
	out, err = count.Output()
	if n, _ := strconv.Atoi(strings.TrimSpace(string(out))); err != nil || n != rows {
		return 0, 0, fmt.Errorf("%s loaded %s rows, want %d (%v)", load.Args[0], out, rows, err)
	}
	return d, cpu, nil
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

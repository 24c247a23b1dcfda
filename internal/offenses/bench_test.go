package offenses_test

import (
	"bytes"
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/offenses"
	"github.com/aldyn-kg/aldyn/internal/store/storetest"
)

// BenchmarkImportCSV imports a CSV file of 200,000 rows end to end (read,
// check, depersonalize, store with the monthly aggregate) into a fresh
// database per iteration, on SQLite or, with ALDYN_TEST_POSTGRES, on
// PostgreSQL, and reports rows/s. internal/store's insert benchmarks
// compare the storing part with the sqlite3 CLI's .import and psql's \copy.
func BenchmarkImportCSV(b *testing.B) {
	const rows = 200_000
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
		if err != nil || rep.Inserted != rows {
			b.Fatalf("import: %v, %d inserted", err, rep.Inserted)
		}
	}
	b.ReportMetric(float64(rows*b.N)/elapsed.Seconds(), "rows/s")
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

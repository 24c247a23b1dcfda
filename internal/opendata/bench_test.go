package opendata_test

import (
	"context"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/demo"
	"github.com/aldyn-kg/aldyn/internal/opendata"
	"github.com/aldyn-kg/aldyn/internal/store/storetest"
	"github.com/aldyn-kg/aldyn/internal/synth"
)

// BenchmarkRebuildAfterImport imports ALDYN_BENCH_ROWS synthetic records
// (200,000 by default; 1,000,000 for the figure) as the demo does,
// then rebuilds every registered dataset: tables, suppression, every file.
// first_rebuild_s is the first build after the import (the aggregates read
// from the database); ns/op the later ones.
func BenchmarkRebuildAfterImport(b *testing.B) {
	rows := 200_000
	if n, err := strconv.Atoi(os.Getenv("ALDYN_BENCH_ROWS")); err == nil && n > 0 {
		rows = n
	}
	ctx := context.Background()
	db := storetest.MustOpenDB(b)
	const probe = 0.01
	sum, err := synth.Generate(ctx, synth.Config{Seed: demo.OffenseSeed, Scale: probe}, nil, func(*aldyn.Offense) error { return nil })
	if err != nil || sum.Records == 0 {
		b.Fatal(err)
	}
	n, err := demo.LoadOffenses(ctx, db, probe*float64(rows)/float64(sum.Records), nil)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(n), "records")
	rebuild := func() (cells int) {
		for _, d := range opendata.Datasets() {
			bd := opendata.BuildDataset(ctx, db, d, 5)
			if bd.Err != nil {
				b.Fatal(bd.Err)
			}
			cells += bd.Version.Rows
		}
		return cells
	}
	t0 := time.Now()
	cells := rebuild()
	b.ReportMetric(time.Since(t0).Seconds(), "first_rebuild_s")
	b.ReportMetric(float64(cells), "rows_published")
	b.ResetTimer()
	for range b.N {
		rebuild()
	}
}

package importer_test

import (
	"bytes"
	"context"
	"testing"

	"github.com/aldyn-kg/aldyn/internal/importer"
)

// BenchmarkRunCSV parses and validates 200,000 canonical rows into a sink
// that keeps nothing. The whole import including the database must reach
// 200,000 rows/s, so this part should be well above. rows/s is wall time
// (Run uses every core); cpu-ns/row, the CPU time of all cores per row,
// is the steadier figure on a busy machine.
func BenchmarkRunCSV(b *testing.B) {
	const rows = 200_000
	data := generateCSV(rows)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	cpu := processCPU()
	for b.Loop() {
		res, err := importer.Run(context.Background(), bytes.NewReader(data), importer.CSV, importer.DefaultProfile(), testOptions(), importer.Discard, testTerritories)
		if err != nil || res.Accepted != rows {
			b.Fatalf("got %d accepted, err %v; want %d", res.Accepted, err, rows)
		}
	}
	b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
	if used := processCPU() - cpu; used > 0 {
		b.ReportMetric(float64(used.Nanoseconds())/float64(rows*b.N), "cpu-ns/row")
	}
}

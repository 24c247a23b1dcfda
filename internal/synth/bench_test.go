package synth

import (
	"context"
	"testing"
	"time"

	"github.com/aldyn-kg/aldyn"
)

// BenchmarkGenerate1M generates about a million records over the default
// years. Target: at least a million records a second (the whole demo
// import of a million records must take under a minute).
func BenchmarkGenerate1M(b *testing.B) {
	cfg := Config{Seed: 1, Scale: 1e6 / 573035.0}
	terr, err := RefTerritories()
	if err != nil {
		b.Fatal(err)
	}
	var records int
	var elapsed time.Duration
	b.ReportAllocs()
	for b.Loop() {
		start := time.Now()
		sum, err := Generate(context.Background(), cfg, terr, func(*aldyn.Offense) error { return nil })
		if err != nil {
			b.Fatal(err)
		}
		elapsed += time.Since(start)
		records += sum.Records
	}
	b.ReportMetric(float64(records)/elapsed.Seconds(), "records/s")
	b.ReportMetric(float64(records)/float64(b.N), "records/op")
}

package web_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/demo"
	"github.com/aldyn-kg/aldyn/internal/synth"
)

// BenchmarkStatsLoad serves the statistics API over synthetic records
// (ALDYN_BENCH_RECORDS, default 1,000,000; SQLite, or PostgreSQL with
// ALDYN_TEST_POSTGRES) and hits each /api/v1/stats/* endpoint with
// ALDYN_BENCH_CLIENTS concurrent clients (default 20) for
// ALDYN_BENCH_SECONDS each (default 5), as a national administrator whose
// client accepts gzip. It prints req/s, p50 and p99 per endpoint, the
// first (uncached) answer's time and the bytes sent, beside /healthz as
// the ceiling, and reports the worst p99 as p99-ms.
//
//	go test ./internal/web -run '^$' -bench StatsLoad -benchtime 1x -timeout 30m
func BenchmarkStatsLoad(b *testing.B) {
	records := envInt(b, "ALDYN_BENCH_RECORDS", 1_000_000)
	clients := envInt(b, "ALDYN_BENCH_CLIENTS", 20)
	seconds := envInt(b, "ALDYN_BENCH_SECONDS", 5)
	ctx := context.Background()

	f := mustFixture(b)
	start := time.Now()
	n, err := demo.LoadOffenses(ctx, f.db, mustScaleFor(b, records), nil)
	if err != nil {
		b.Fatal(err)
	}
	fmt.Printf("%d synthetic records loaded in %s\n", n, time.Since(start).Round(time.Second))

	endpoints := []string{
		"/healthz",
		"/api/v1/stats/counts?by=category,month,territory&depth=district",
		"/api/v1/stats/counts?by=category,year",
		"/api/v1/stats/counts?by=territory,year&depth=district&category=theft",
		"/api/v1/stats/timeprofile",
		"/api/v1/stats/timeprofile?territory=" + codeA,
		"/api/v1/stats/hotspots?zoom=7",
		"/api/v1/stats/hotspots?bbox=74.4,42.7,74.9,43.0&density=1",
		"/api/v1/stats/points?bbox=74.55,42.85,74.65,42.9",
		"/api/v1/stats/forecast?category=theft",
		"/api/v1/stats/official",
	}
	tr := &http.Transport{MaxIdleConnsPerHost: clients}
	client := &http.Client{Transport: tr}
	get := func(path string) (int, error) {
		req, _ := http.NewRequest("GET", f.srv.URL+path, nil)
		req.Header.Set("Authorization", "Bearer "+f.tokens[adminKG])
		req.Header.Set("Accept-Encoding", "gzip")
		resp, err := client.Do(req)
		if err != nil {
			return 0, err
		}
		defer resp.Body.Close()
		nb, err := io.Copy(io.Discard, resp.Body)
		if err == nil && resp.StatusCode != http.StatusOK {
			err = fmt.Errorf("GET %s: status %d", path, resp.StatusCode)
		}
		return int(nb), err
	}

	worst := 0.0
	for b.Loop() {
		fmt.Printf("%-72s %9s %9s %9s %10s %10s\n", "endpoint", "req/s", "p50 ms", "p99 ms", "first ms", "bytes")
		for _, ep := range endpoints {
			t0 := time.Now()
			size, err := get(ep)
			if err != nil {
				b.Fatal(err)
			}
			first := time.Since(t0)
			var (
				mu   sync.Mutex
				lats []time.Duration
				wg   sync.WaitGroup
			)
			deadline := time.Now().Add(time.Duration(seconds) * time.Second)
			began := time.Now()
			for range clients {
				wg.Go(func() {
					var mine []time.Duration
					for time.Now().Before(deadline) {
						t := time.Now()
						if _, err := get(ep); err != nil {
							b.Error(err)
							return
						}
						mine = append(mine, time.Since(t))
					}
					mu.Lock()
					lats = append(lats, mine...)
					mu.Unlock()
				})
			}
			wg.Wait()
			elapsed := time.Since(began)
			slices.Sort(lats)
			pct := func(p float64) float64 {
				return float64(lats[min(len(lats)-1, int(p*float64(len(lats))))].Microseconds()) / 1000
			}
			p99 := pct(0.99)
			if ep != "/healthz" {
				worst = max(worst, p99)
			}
			fmt.Printf("%-72s %9.0f %9.2f %9.2f %10.1f %10d\n", ep, float64(len(lats))/elapsed.Seconds(), pct(0.50), p99,
				float64(first.Microseconds())/1000, size)
		}
	}
	b.ReportMetric(worst, "p99-ms")
}

func envInt(tb testing.TB, name string, def int) int {
	tb.Helper()
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n <= 0 {
		tb.Fatalf("%s=%q: want a positive integer", name, v)
	}
	return n
}

// mustScaleFor finds the scale of the synthetic records that gives about
// n of them, from a count at a small scale.
func mustScaleFor(tb testing.TB, n int) float64 {
	tb.Helper()
	const probe = 0.01
	sum, err := synth.Generate(context.Background(), synth.Config{Seed: demo.OffenseSeed, Scale: probe}, nil, func(*aldyn.Offense) error { return nil })
	if err != nil || sum.Records == 0 {
		tb.Fatalf("count synthetic records: %v", err)
	}
	return probe * float64(n) / float64(sum.Records)
}

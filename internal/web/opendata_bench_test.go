package web_test

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aldyn-kg/aldyn/internal/web"
)

// loadRun sends GETs of url from conns connections for d and returns the
// requests a second and the 99th percentile latency.
func loadRun(tb testing.TB, url string, conns int, d time.Duration) (rps float64, p99 time.Duration) {
	tb.Helper()
	tr := &http.Transport{MaxIdleConnsPerHost: conns, MaxConnsPerHost: conns, DisableCompression: true}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr}
	var n atomic.Int64
	var mu sync.Mutex
	var lat []time.Duration
	stop := time.Now().Add(d)
	var wg sync.WaitGroup
	for range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var mine []time.Duration
			for time.Now().Before(stop) {
				t0 := time.Now()
				resp, err := client.Get(url)
				if err != nil {
					tb.Error(err)
					return
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != 200 {
					tb.Errorf("%s: %d", url, resp.StatusCode)
					return
				}
				mine = append(mine, time.Since(t0))
				n.Add(1)
			}
			mu.Lock()
			lat = append(lat, mine...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	slices.Sort(lat)
	if len(lat) == 0 {
		return 0, 0
	}
	return float64(n.Load()) / d.Seconds(), lat[len(lat)*99/100]
}

// BenchmarkOpenDataServe measures, in one run, a static file server
// (net/http's FileServer) serving the bytes of a built CSV, then Aldyn
// serving that CSV and CKAN package_show and package_search, at 50
// connections for ALDYN_BENCH_SECONDS (3 s) each, and reports requests a
// second, p99 and the ratio to the static server. Run with -benchtime=1x.
// mustServer serves the fixture's database through a server configured
// with cfg, until the test ends.
func mustServer(tb testing.TB, f *fixture, cfg web.Config) *httptest.Server {
	tb.Helper()
	s, err := web.New(cfg, f.db, f.auth, slog.New(slog.NewTextHandler(tbWriter{tb}, &slog.HandlerOptions{Level: slog.LevelError})))
	if err != nil {
		tb.Fatal(err)
	}
	srv := httptest.NewServer(s.Handler())
	tb.Cleanup(srv.Close)
	return srv
}

func BenchmarkOpenDataServe(b *testing.B) {
	f := mustFixture(b)
	mustOpenData(b, f)
	srv := mustServer(b, f, web.Config{OpenDataRate: -1})
	const path = "/open/sensitive-offenses-quarterly/counts.csv"
	resp, err := http.Get(srv.URL + path)
	if err != nil {
		b.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	dir := b.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "counts.csv"), body, 0o644); err != nil {
		b.Fatal(err)
	}
	static := httptest.NewServer(http.FileServer(http.Dir(dir)))
	defer static.Close()
	d := 3 * time.Second
	if v, err := time.ParseDuration(os.Getenv("ALDYN_BENCH_SECONDS") + "s"); err == nil && v > 0 {
		d = v
	}
	// Warm both, then measure.
	loadRun(b, static.URL+"/counts.csv", 4, 200*time.Millisecond)
	loadRun(b, srv.URL+path, 4, 200*time.Millisecond)
	b.ResetTimer()
	for range b.N {
		srps, sp99 := loadRun(b, static.URL+"/counts.csv", 50, d)
		b.ReportMetric(srps, "static_req/s")
		b.ReportMetric(float64(sp99.Microseconds())/1000, "static_p99_ms")
		b.ReportMetric(float64(len(body)), "payload_bytes")
		for _, c := range []struct{ name, url string }{
			{"csv", path},
			{"package_show", "/api/3/action/package_show?id=offenses-monthly"},
			{"package_search", "/api/3/action/package_search?q=crime&rows=5"},
		} {
			rps, p99 := loadRun(b, srv.URL+c.url, 50, d)
			b.ReportMetric(rps, c.name+"_req/s")
			b.ReportMetric(float64(p99.Microseconds())/1000, c.name+"_p99_ms")
			b.ReportMetric(rps/srps, c.name+"_ratio")
		}
	}
}

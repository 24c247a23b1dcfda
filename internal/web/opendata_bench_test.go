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
// (net/http's FileServer) serving the bytes of a built CSV, and Aldyn
// serving that CSV and CKAN package_show and package_search, at 50
// connections for ALDYN_BENCH_SECONDS (3 s) each, in alternating turns,
// and reports requests a second, the worst turn's p99 and the ratio to
// the static server. Run with -benchtime=1x.
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
	// The machine is shared: its load drifts during a run. The servers are
	// measured in turns of d/rounds each, so drift touches all alike, and
	// the figures are each one's requests over all its turns.
	const rounds = 5
	cases := []struct{ name, url string }{
		{"static", static.URL + "/counts.csv"},
		{"csv", srv.URL + path},
		{"package_show", srv.URL + "/api/3/action/package_show?id=offenses-monthly"},
		{"package_search", srv.URL + "/api/3/action/package_search?q=crime&rows=5"},
	}
	for range b.N {
		rps := make([]float64, len(cases))
		p99 := make([]time.Duration, len(cases))
		for range rounds {
			for i, c := range cases {
				r, p := loadRun(b, c.url, 50, d/rounds)
				rps[i] += r / rounds
				p99[i] = max(p99[i], p)
			}
		}
		b.ReportMetric(float64(len(body)), "payload_bytes")
		for i, c := range cases {
			b.ReportMetric(rps[i], c.name+"_req/s")
			b.ReportMetric(float64(p99[i].Microseconds())/1000, c.name+"_p99_ms")
			if i > 0 {
				b.ReportMetric(rps[i]/rps[0], c.name+"_ratio")
			}
		}
	}
}

// discardWriter is a ResponseWriter that keeps the headers and drops the
// body: what serving costs, without a socket's.
type discardWriter struct {
	h    http.Header
	code int
}

func (w *discardWriter) Header() http.Header         { return w.h }
func (w *discardWriter) WriteHeader(code int)        { w.code = code }
func (w *discardWriter) Write(b []byte) (int, error) { return len(b), nil }

// BenchmarkOpenDataHandler measures the CPU time one request costs in
// process, without sockets: a static file server (net/http's FileServer)
// serving the bytes of a built CSV, and Aldyn's whole handler (every
// middleware) serving that CSV plain, gzipped, revalidated (304), and
// CKAN package_show. The machine's load touches both alike, so the ratio
// static ns/op ÷ Aldyn ns/op is the figure to read.
func BenchmarkOpenDataHandler(b *testing.B) {
	f := mustFixture(b)
	mustOpenData(b, f)
	s, err := web.New(web.Config{OpenDataRate: -1}, f.db, f.auth, slog.New(slog.DiscardHandler))
	if err != nil {
		b.Fatal(err)
	}
	h := s.Handler()
	const path = "/open/sensitive-offenses-quarterly/counts.csv"
	get := func(h http.Handler, path string, hdr map[string]string) *discardWriter {
		r := httptest.NewRequest("GET", path, nil)
		for k, v := range hdr {
			r.Header.Set(k, v)
		}
		w := &discardWriter{h: http.Header{}}
		h.ServeHTTP(w, r)
		return w
	}
	warm := get(h, path, nil)
	if warm.code != 200 {
		b.Fatalf("%s: %d", path, warm.code)
	}
	etag := warm.h.Get("ETag")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
	dir := b.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "counts.csv"), rec.Body.Bytes(), 0o644); err != nil {
		b.Fatal(err)
	}
	static := http.FileServer(http.Dir(dir))
	for _, c := range []struct {
		name string
		h    http.Handler
		path string
		hdr  map[string]string
		want int
	}{
		{"static", static, "/counts.csv", nil, 200},
		{"csv", h, path, nil, 200},
		{"csv_gzip", h, path, map[string]string{"Accept-Encoding": "gzip"}, 200},
		{"csv_304", h, path, map[string]string{"If-None-Match": etag}, 304},
		{"package_show", h, "/api/3/action/package_show?id=offenses-monthly", nil, 200},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if w := get(c.h, c.path, c.hdr); w.code != c.want {
					b.Fatalf("%s: %d, want %d", c.path, w.code, c.want)
				}
			}
		})
	}
}

package web_test

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"math/rand/v2"
	"net/http"
	"os"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/web"
)

// photo300KB is a real JPEG of about 300 KB (noise compresses badly).
func photo300KB(tb testing.TB) []byte {
	tb.Helper()
	rng := rand.New(rand.NewPCG(1, 2))
	for side := 300; ; side += 20 {
		img := image.NewRGBA(image.Rect(0, 0, side, side))
		for i := range img.Pix {
			img.Pix[i] = uint8(rng.IntN(256))
		}
		img.Set(0, 0, color.RGBA{1, 2, 3, 255})
		var buf bytes.Buffer
		if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 80}); err != nil {
			tb.Fatal(err)
		}
		if buf.Len() >= 300<<10 {
			return buf.Bytes()
		}
	}
}

func p99(ds []time.Duration) (time.Duration, time.Duration) {
	slices.Sort(ds)
	return ds[len(ds)/2], ds[(len(ds)*99+99)/100-1]
}

// BenchmarkResidentSubmit sends 1,000 reports with a 300 KB photo each
// from 50 concurrent clients to a server on SQLite (or PostgreSQL) and
// reports the median and 99th percentile of a submission's time; every
// report must be stored.
func BenchmarkResidentSubmit(b *testing.B) {
	f := mustFixture(b)
	srv := mustServer(b, f, web.Config{ResidentsPerHour: 1 << 30})
	cat := mustResidentCategory(b, f, "disorder_public")
	photo := photo300KB(b)
	ctype, body := mustMultipart(b, map[string]string{"category_id": mtID(cat.ID), "territory_code": codeA, "description": "Кечинде сейил бакта мас адамдар мушташат"},
		formFile{"files", "IMG.jpg", photo})
	payload := []byte(body)
	const reports, clients = 1000, 50
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: clients}, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	b.ResetTimer()
	var all []time.Duration
	for n := 0; n < b.N; n++ {
		times := make([]time.Duration, reports)
		var wg sync.WaitGroup
		var failed sync.Map
		next := make(chan int, reports)
		for i := 0; i < reports; i++ {
			next <- i
		}
		close(next)
		for c := 0; c < clients; c++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range next {
					start := time.Now()
					resp, err := client.Post(srv.URL+"/report", ctype, bytes.NewReader(payload))
					if err != nil {
						failed.Store(i, err.Error())
						continue
					}
					resp.Body.Close()
					times[i] = time.Since(start)
					if resp.StatusCode != http.StatusSeeOther {
						failed.Store(i, resp.Status)
					}
				}
			}()
		}
		wg.Wait()
		failed.Range(func(k, v any) bool { b.Fatalf("report %v: %v", k, v); return false })
		all = append(all, times...)
	}
	b.StopTimer()
	_, total, err := f.db.FindResidentReports(context.Background(), aldyn.ResidentReportFilter{})
	if err != nil || total != reports*b.N {
		b.Fatalf("stored %d reports, want %d (%v)", total, reports*b.N, err)
	}
	reportLatency(b, "", all)
	b.ReportMetric(float64(len(photo))/1024, "photo_KB")
}

// mustManyReports loads n published reports across the fixture's two
// districts with public points spread over the country.
func mustManyReports(tb testing.TB, f *fixture, n int) {
	tb.Helper()
	ctx := context.Background()
	cats := map[string]int64{}
	for _, code := range []string{"disorder_public", "traffic_violation", "drug_dealing"} {
		c := mustResidentCategory(tb, f, code)
		cats[code] = c.ID
	}
	rng := rand.New(rand.NewPCG(3, 4))
	now := f.db.Now()
	statuses := []aldyn.ResidentStatus{aldyn.ResidentReceived, aldyn.ResidentInProgress, aldyn.ResidentAnswered, aldyn.ResidentRejected}
	for done := 0; done < n; {
		batch := make([]*aldyn.ResidentReport, 0, 10000)
		for i := 0; i < 10000 && done < n; i, done = i+1, done+1 {
			lat, lon := aldyn.MinLat+0.2+rng.Float64()*3.6, aldyn.MinLon+0.3+rng.Float64()*10.5
			cat := cats["disorder_public"]
			if i%3 == 1 {
				cat = cats["traffic_violation"]
			} else if i%10 == 9 {
				cat = cats["drug_dealing"]
			}
			terr := codeA
			if i%2 == 1 {
				terr = codeB
			}
			batch = append(batch, &aldyn.ResidentReport{CategoryID: cat, TerritoryCode: terr, Description: fmt.Sprintf("Отчёт номер %d о проблеме", done),
				PublicLat: &lat, PublicLon: &lon, Status: statuses[i%4], Published: i%5 != 0, Lang: "ru",
				CreatedAt: now.Add(-time.Duration(rng.IntN(120*24)) * time.Hour)})
		}
		if err := f.db.LoadResidentReports(ctx, aldyn.System, batch); err != nil {
			tb.Fatal(err)
		}
	}
}

// benchReports is how many reports the map and Open311 benchmarks load:
// 100,000, or ALDYN_BENCH_RESIDENTS.
var benchReports = func() int {
	if n, err := strconv.Atoi(os.Getenv("ALDYN_BENCH_RESIDENTS")); err == nil && n > 0 {
		return n
	}
	return 100_000
}()

func benchGet(b *testing.B, f *fixture, path string) {
	resp := f.do(b, anon, "GET", path, "", "")
	body := readBody(b, resp)
	if resp.StatusCode != 200 {
		b.Fatalf("%s: %d %s", path, resp.StatusCode, body)
	}
}

// benchGets times b.N GET requests of path.
func benchGets(b *testing.B, f *fixture, path string) []time.Duration {
	times := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for n := 0; n < b.N; n++ {
		start := time.Now()
		benchGet(b, f, path)
		times = append(times, time.Since(start))
	}
	return times
}

// reportLatency reports the median and the 99th percentile of times, as
// <prefix>p50_ms and <prefix>p99_ms.
func reportLatency(b *testing.B, prefix string, times []time.Duration) {
	med, p := p99(times)
	b.ReportMetric(float64(med.Microseconds())/1000, prefix+"p50_ms")
	b.ReportMetric(float64(p.Microseconds())/1000, prefix+"p99_ms")
}

// BenchmarkResidentPublicMap is the public map of 100,000 reports at the
// national extent: cells aggregated, not markers. It reports the first
// answer (the database groups the points while the index of them is read
// in the background: a server's first map after it starts), the time that
// reading takes (index_ms), then, from the index, the answer after one
// moderation (the index reads the changed row; the answers cached at the
// old version are gone), views no answer was cached for (each request
// another box and filter), and repeated views (p50_ms, p99_ms: from the
// cache).
func BenchmarkResidentPublicMap(b *testing.B) {
	f := mustFixture(b)
	mustManyReports(b, f, benchReports)
	ctx := context.Background()
	path := "/api/v1/public-reports/map?bbox=69.2,39.1,80.3,43.3&zoom=6"
	start := time.Now()
	benchGet(b, f, path)
	first := time.Since(start)
	start = time.Now()
	if err := f.db.WaitResidentMap(ctx); err != nil {
		b.Fatal(err)
	}
	index := time.Since(start)
	// One moderation moves the version.
	rs, _, err := f.db.FindResidentReports(ctx, aldyn.ResidentReportFilter{Page: aldyn.Page{Limit: 1}})
	if err != nil || len(rs) != 1 {
		b.Fatal(rs, err)
	}
	if err := f.db.ModerateResidentReport(ctx, aldyn.System, rs[0].ID, !rs[0].Published, nil); err != nil {
		b.Fatal(err)
	}
	start = time.Now()
	benchGet(b, f, path)
	afterWrite := time.Since(start)
	// And once more, the write undone.
	if err := f.db.ModerateResidentReport(ctx, aldyn.System, rs[0].ID, rs[0].Published, nil); err != nil {
		b.Fatal(err)
	}
	start = time.Now()
	benchGet(b, f, path)
	afterWrite2 := time.Since(start)
	// Views never asked before: the box moves and the filter changes.
	cats := []string{"", "&category=disorder_public", "&category=traffic_violation", "&status=answered", "&from=2026-01-01"}
	var views []time.Duration
	for i := 0; i < max(b.N, 20); i++ {
		p := fmt.Sprintf("/api/v1/public-reports/map?bbox=%.3f,39.1,%.3f,43.3&zoom=%d%s", 69.2+float64(i)*0.001, 80.3-float64(i)*0.001, 5+i%3, cats[i%len(cats)])
		start := time.Now()
		benchGet(b, f, p)
		views = append(views, time.Since(start))
	}
	reportLatency(b, "", benchGets(b, f, path))
	b.ReportMetric(float64(first.Microseconds())/1000, "first_ms")
	b.ReportMetric(float64(index.Microseconds())/1000, "index_ms")
	b.ReportMetric(float64(afterWrite.Microseconds())/1000, "after_write_ms")
	b.ReportMetric(float64(afterWrite2.Microseconds())/1000, "after_2nd_write_ms")
	reportLatency(b, "uncached_", views)
}

// BenchmarkOpen311Requests is GET requests.json with filters over 100,000
// reports: repeated requests (p50_ms, p99_ms: answered from the cache at
// the data's version) and requests no answer was cached for (each another
// window and filter: uncached_p50_ms, uncached_p99_ms).
func BenchmarkOpen311Requests(b *testing.B) {
	f := mustFixture(b)
	mustManyReports(b, f, benchReports)
	path := "/open311/v2/requests.json?service_code=disorder_public,traffic_violation&status=open"
	benchGet(b, f, path)
	filters := []string{"service_code=disorder_public,traffic_violation&status=open", "status=closed", "service_code=other",
		"", "service_code=dangerous_road&status=open,closed"}
	end := f.db.Now().UTC()
	var views []time.Duration
	for i := 0; i < max(b.N, 20); i++ {
		// Each view another window: an answer no one asked for before.
		p := fmt.Sprintf("/open311/v2/requests.json?end_date=%s&%s", end.Add(-time.Duration(i)*time.Hour).Format(time.RFC3339), filters[i%len(filters)])
		start := time.Now()
		benchGet(b, f, p)
		views = append(views, time.Since(start))
	}
	reportLatency(b, "", benchGets(b, f, path))
	reportLatency(b, "uncached_", views)
}

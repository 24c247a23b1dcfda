package web_test

import (
	"net/http"
	"net/url"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/aldyn-kg/aldyn/internal/auth"
)

// burst is what n parallel requests got and what memory they took.
type burst struct {
	statuses map[int]int
	peak     uint64 // highest live heap above the live heap before the burst
	total    uint64 // bytes allocated during the burst
}

// mustBurst sends n copies of a request in parallel, each from its own
// client, while sampling the live heap: each sample collects garbage
// first, so the peak counts the memory in use (the hashes running), not
// what the collector has yet to free.
func mustBurst(tb testing.TB, n int, newReq func() (*http.Request, error)) burst {
	tb.Helper()
	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	done := make(chan struct{})
	peakc := make(chan uint64)
	go func() {
		var peak uint64
		var m runtime.MemStats
		for {
			runtime.GC()
			runtime.ReadMemStats(&m)
			peak = max(peak, m.HeapAlloc)
			select {
			case <-done:
				peakc <- peak
				return
			default:
			}
		}
	}()
	var mu sync.Mutex
	statuses := map[int]int{}
	var errs []error
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() {
			req, err := newReq()
			var resp *http.Response
			if err == nil {
				resp, err = noRedirect().Do(req)
			}
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				errs = append(errs, err)
				return
			}
			resp.Body.Close()
			statuses[resp.StatusCode]++
		})
	}
	wg.Wait()
	close(done)
	peak := <-peakc
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	if len(errs) > 0 {
		tb.Fatalf("%d requests failed, first: %v", len(errs), errs[0])
	}
	return burst{statuses: statuses, peak: peak - min(peak, before.HeapAlloc), total: after.TotalAlloc - before.TotalAlloc}
}

// wrongPasswordChange is a password change with a wrong current password,
// sent with who's API token.
func (f *fixture) wrongPasswordChange(who string) func() (*http.Request, error) {
	return func() (*http.Request, error) {
		body := url.Values{"password": {"not the password"}, "new_password": {"a brand new passphrase"}}.Encode()
		req, err := http.NewRequest("POST", f.srv.URL+"/profile/password", strings.NewReader(body))
		if err != nil {
			return nil, err
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Authorization", "Bearer "+f.tokens[who])
		return req, nil
	}
}

// TestPasswordChangeBurst: wrong current passwords are limited as failed
// sign-ins are, and checking them takes no more memory at once than the
// pool of hashes allows.
func TestPasswordChangeBurst(t *testing.T) {
	const mib = 1 << 20
	p := auth.Params{Memory: 16 * 1024, Time: 1, Threads: 1} // 16 MiB per hash
	const pool, perLogin, n = 1, 10, 40
	f := mustFixtureWith(t, auth.Options{Params: &p, MaxConcurrentHashes: pool, PerLogin: perLogin, PerIP: n})
	b := mustBurst(t, n, f.wrongPasswordChange(analystA))
	if b.statuses[http.StatusBadRequest] != perLogin || b.statuses[http.StatusTooManyRequests] != n-perLogin {
		t.Errorf("statuses: got %v, want %d × 400 and %d × 429", b.statuses, perLogin, n-perLogin)
	}
	// Every check allocates the hash's memory once: at most perLogin of them.
	hashMem := uint64(p.Memory) * 1024
	if limit := perLogin*hashMem + 32*mib; b.total > limit {
		t.Errorf("allocated %d MiB, want at most %d MiB (%d checks of %d MiB and some slack)", b.total/mib, limit/mib, perLogin, hashMem/mib)
	}
	// At most pool hashes run at once. A sample may also count the hash
	// that ended while the collector marked and the next one, begun before
	// the sample was read: two more, against the dozens without a pool.
	if limit := (pool+2)*hashMem + 16*mib; b.peak > limit {
		t.Errorf("peak heap above the start: got %d MiB, want at most %d MiB (pool %d × %d MiB)", b.peak/mib, limit/mib, pool, hashMem/mib)
	}
	t.Logf("peak heap +%d MiB, allocated %d MiB, statuses %v", b.peak/mib, b.total/mib, b.statuses)
}

// BenchmarkPasswordChangeBurst sends 40 parallel password changes with a
// wrong current password under the production hash parameters and limits,
// and reports the memory they took. Run it once: go test -run '^$'
// -bench PasswordChangeBurst -benchtime 1x ./internal/web/
func BenchmarkPasswordChangeBurst(b *testing.B) {
	const mib = 1 << 20
	for b.Loop() {
		b.StopTimer()
		f := mustFixtureWith(b, auth.Options{Params: &auth.DefaultParams})
		b.StartTimer()
		r := mustBurst(b, 40, f.wrongPasswordChange(analystA))
		b.ReportMetric(float64(r.peak)/mib, "peak-heap-MiB")
		b.ReportMetric(float64(r.total)/mib, "alloc-MiB")
		b.ReportMetric(float64(r.statuses[http.StatusTooManyRequests]), "429s")
	}
	if hwm := peakRSS(); hwm > 0 {
		b.ReportMetric(float64(hwm)/mib, "peak-RSS-MiB")
	}
}

// peakRSS is the process's peak resident memory (Linux), or 0.
func peakRSS() uint64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for line := range strings.Lines(string(b)) {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.ParseUint(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return kb * 1024
		}
	}
	return 0
}

package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/auth"
	"github.com/aldyn-kg/aldyn/internal/i18n"
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
	// the sample was read, and under load a third not yet collected; the
	// process's live heap also holds what earlier tests' servers still do
	// in the background (an index loading, a cache filling), which reached
	// 19 MiB in a CI run: 32 MiB of slack, against the 640 MiB of 40
	// hashes without a pool.
	if limit := (pool+3)*hashMem + 32*mib; b.peak > limit {
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

// formClient is a client with a cookie jar that does not follow
// redirects, sending forms as a browser does.
type formClient struct {
	tb  testing.TB
	f   *fixture
	c   *http.Client
	hdr http.Header
}

func (f *fixture) formClient(tb testing.TB) *formClient {
	return &formClient{tb: tb, f: f, c: noRedirect(), hdr: http.Header{}}
}

func (b *formClient) send(method, path, form string) *http.Response {
	b.tb.Helper()
	req, err := http.NewRequest(method, b.f.srv.URL+path, strings.NewReader(form))
	if err != nil {
		b.tb.Fatal(err)
	}
	for k, v := range b.hdr {
		req.Header[k] = v
	}
	if form != "" {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := b.c.Do(req)
	if err != nil {
		b.tb.Fatal(err)
	}
	b.tb.Cleanup(func() { resp.Body.Close() })
	return resp
}

// signIn signs in with the login form and checks where it leads.
func (b *formClient) signIn(login, password, wantLocation string) {
	b.tb.Helper()
	resp := b.send("POST", "/login", url.Values{"login": {login}, "password": {password}}.Encode())
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != wantLocation {
		b.tb.Fatalf("sign in as %s: got %d to %q, want 303 to %q", login, resp.StatusCode, resp.Header.Get("Location"), wantLocation)
	}
}

func TestOneTimePasswordMustBeChanged(t *testing.T) {
	f := mustFixture(t)
	ctx := context.Background()
	u := &aldyn.User{Login: "newcomer", Name: "Newcomer", Role: aldyn.RoleAnalyst, BodyID: f.bodyA.ID, MustChangePassword: true}
	oneTime := auth.RandomPassword()
	if err := f.auth.CreateUser(ctx, aldyn.System, u, oneTime); err != nil {
		t.Fatal(err)
	}
	b := f.formClient(t)
	b.hdr.Set("Accept-Language", "ru")
	b.signIn("newcomer", oneTime, "/profile")
	for _, c := range []struct {
		method, path, form string
		status             int
	}{
		{"GET", "/", "", http.StatusSeeOther},
		{"GET", "/bodies", "", http.StatusSeeOther},
		{"GET", "/stats", "", http.StatusSeeOther},
		{"POST", "/profile/tokens", "name=mine", http.StatusSeeOther},
		{"GET", "/api/v1/me", "", http.StatusForbidden},
		{"GET", "/api/v1/bodies", "", http.StatusForbidden},
		{"GET", "/nowhere", "", http.StatusSeeOther},
	} {
		t.Run("refused "+c.method+" "+c.path, func(t *testing.T) {
			resp := b.send(c.method, c.path, c.form)
			if resp.StatusCode != c.status {
				t.Fatalf("got %d, want %d", resp.StatusCode, c.status)
			}
			if c.status == http.StatusSeeOther {
				if got := resp.Header.Get("Location"); got != "/profile" {
					t.Errorf("redirect: got %q, want /profile", got)
				}
				return
			}
			var body struct {
				Error struct{ Code, Message string }
			}
			if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
				t.Fatal(err)
			}
			want := i18n.For("ru").T("auth.password_change_required")
			if body.Error.Code != aldyn.EFORBIDDEN || body.Error.Message != want || !strings.Contains(want, "одноразовый пароль") {
				t.Errorf("error: got %+v, want forbidden %q", body.Error, want)
			}
		})
	}
	if toks, err := f.db.FindAPITokens(ctx, u.ID); err != nil || len(toks) != 0 {
		t.Errorf("tokens of the one-time password: got %d, %v, want none", len(toks), err)
	}
	_, err := f.auth.IssueAPIToken(ctx, aldyn.System, u.ID, "cli")
	if aldyn.ErrorCode(err) != aldyn.EFORBIDDEN {
		t.Errorf("an administrator issuing a token to the one-time password: got %v, want forbidden", err)
	}
	for _, c := range []struct{ path, status string }{
		{"/profile", "200"}, {"/lang/en?next=/profile", "303"}, {"/healthz", "200"}, {"/readyz", "200"}, {"/static/dist/app.css", "200"},
	} {
		if got := strconv.Itoa(b.send("GET", c.path, "").StatusCode); got != c.status {
			t.Errorf("open GET %s: got %s, want %s", c.path, got, c.status)
		}
	}
	if page := readBody(t, b.send("GET", "/profile", "")); strings.Contains(page, `action="/profile/tokens"`) || !strings.Contains(page, `action="/profile/password"`) {
		t.Error("the profile of a one-time password: want the password form and no token form")
	}

	// Changing the password opens everything.
	resp := b.send("POST", "/profile/password", url.Values{"password": {oneTime}, "new_password": {"my own long passphrase"}}.Encode())
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("password change: got %d, want 303; %.300s", resp.StatusCode, readBody(t, resp))
	}
	b.signIn("newcomer", "my own long passphrase", "/")
	if got := b.send("GET", "/bodies", "").StatusCode; got != http.StatusOK {
		t.Errorf("GET /bodies after the change: got %d, want 200", got)
	}
	if got := b.send("POST", "/profile/tokens", "name=mine").StatusCode; got != http.StatusOK {
		t.Errorf("a token after the change: got %d, want 200", got)
	}
}

func TestTokensEndWithResetAndDisable(t *testing.T) {
	f := mustFixture(t)
	me := func(who string) int { return f.do(t, who, "GET", "/api/v1/me", "", "").StatusCode }
	if got := me(analystA); got != http.StatusOK {
		t.Fatalf("before: got %d, want 200", got)
	}
	resp := f.do(t, adminA, "POST", "/users/"+strconv.FormatInt(f.users[analystA].ID, 10)+"/reset-password", "", "")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("reset: got %d, want 200", resp.StatusCode)
	}
	if got := me(analystA); got != http.StatusUnauthorized {
		t.Errorf("token after the administrator's reset: got %d, want 401", got)
	}
	resp = f.do(t, adminA, "PATCH", "/api/v1/users/"+strconv.FormatInt(f.users[coordinator].ID, 10), "application/json", `{"disabled":true}`)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("disable: got %d, want 200", resp.StatusCode)
	}
	if got := me(coordinator); got != http.StatusUnauthorized {
		t.Errorf("token after disabling: got %d, want 401", got)
	}
}

func TestTokenExpiryAndRenewal(t *testing.T) {
	f := mustFixture(t)
	ctx := context.Background()
	toks, err := f.db.FindAPITokens(ctx, f.users[reporterA].ID)
	if err != nil || len(toks) != 1 {
		t.Fatalf("tokens: %v, %v", toks, err)
	}
	loc := i18n.For("en")
	b := f.formClient(t)
	b.hdr.Set("Accept-Language", "en")
	b.signIn("reportera", "correct horse battery", "/")
	b.send("GET", "/lang/en", "") // the page in English, not the user's Kyrgyz
	page := readBody(t, b.send("GET", "/profile", ""))
	if !strings.Contains(page, loc.DateTime(toks[0].ExpiresAt)) || !strings.Contains(page, loc.Tn("user.tokens_hint", 90)) {
		t.Errorf("profile: want the token's expiry %s and the 90 days hint", loc.DateTime(toks[0].ExpiresAt))
	}

	now := time.Now().UTC().Add(91 * 24 * time.Hour)
	f.db.Now = func() time.Time { return now }
	if got := f.do(t, reporterA, "GET", "/api/v1/me", "", "").StatusCode; got != http.StatusUnauthorized {
		t.Errorf("an expired token: got %d, want 401", got)
	}
	b = f.formClient(t)
	b.hdr.Set("Accept-Language", "en")
	b.signIn("reportera", "correct horse battery", "/")
	b.send("GET", "/lang/en", "") // the page in English, not the user's Kyrgyz
	if page := readBody(t, b.send("GET", "/profile", "")); !strings.Contains(page, "("+loc.T("user.token_expired")+")") {
		t.Error("profile: want the token marked expired")
	}
	resp := b.send("POST", "/profile/tokens/"+strconv.FormatInt(toks[0].ID, 10)+"/renew", "")
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("renew: got %d, want 303", resp.StatusCode)
	}
	if got := f.do(t, reporterA, "GET", "/api/v1/me", "", "").StatusCode; got != http.StatusOK {
		t.Errorf("the renewed token: got %d, want 200", got)
	}
	if page := readBody(t, b.send("GET", "/profile", "")); !strings.Contains(page, loc.DateTime(now.Add(90*24*time.Hour))) {
		t.Errorf("profile after renewal: want the expiry %s", loc.DateTime(now.Add(90*24*time.Hour)))
	}
}

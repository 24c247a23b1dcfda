package web_test

import (
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/aldyn-kg/aldyn/internal/web"
)

func TestSecurityHeadersAndMetrics(t *testing.T) {
	f := mustFixture(t)
	resp := f.do(t, anon, "GET", "/bodies", "", "")
	h := resp.Header
	for name, want := range map[string]string{
		"Content-Security-Policy": "script-src 'self'",
		"X-Content-Type-Options":  "nosniff",
		"X-Frame-Options":         "DENY",
	} {
		if !strings.Contains(h.Get(name), want) {
			t.Errorf("%s: got %q, want it to contain %q", name, h.Get(name), want)
		}
	}
	if csp := h.Get("Content-Security-Policy"); !strings.Contains(csp, "frame-ancestors 'none'") || strings.Contains(csp, "unsafe-inline") {
		t.Errorf("CSP: %q", csp)
	}
	if body := readBody(t, resp); strings.Contains(body, "<script>") || strings.Contains(body, " onclick=") {
		t.Error("the page has an inline script")
	}
	metrics := readBody(t, f.do(t, anon, "GET", "/metrics", "", ""))
	for _, want := range []string{`aldyn_http_requests_total{code="200",route="GET /bodies"} 1`, `aldyn_http_request_duration_seconds_bucket{route="GET /bodies"`, "aldyn_db_open_connections"} {
		if !strings.Contains(metrics, want) {
			t.Errorf("metrics lack %q", want)
		}
	}
	if body := readBody(t, f.do(t, anon, "GET", "/readyz", "", "")); !strings.Contains(body, `"status":"ok"`) {
		t.Errorf("readyz: %s", body)
	}
}

// TestMetricsAccess checks each --metrics mode: loopback serves requests
// from this machine but not from elsewhere nor through a proxy here;
// token:<secret> serves the bearer of the secret only, from anywhere;
// public serves everyone. Refused requests find no /metrics (404), or
// are sent to sign in, as any request with a token of no user is (303).
func TestMetricsAccess(t *testing.T) {
	f := mustFixture(t)
	type req struct {
		name, remote, header, value string
		want                        int
	}
	const remote, local, local6 = "198.51.100.7:40000", "127.0.0.1:40000", "[::1]:40000"
	for _, c := range []struct {
		mode string
		reqs []req
	}{
		{"", []req{{"local", local, "", "", 200}, {"remote", remote, "", "", 404}}},
		{"loopback", []req{
			{"local", local, "", "", 200}, {"local IPv6", local6, "", "", 200}, {"remote", remote, "", "", 404},
			{"proxied", local, "X-Forwarded-For", "198.51.100.7", 404}, {"proxied (Forwarded)", local, "Forwarded", "for=198.51.100.7", 404},
		}},
		{"token:s3cret-metrics", []req{
			{"remote with token", remote, "Authorization", "Bearer s3cret-metrics", 200},
			{"remote without token", remote, "", "", 404},
			{"local without token", local, "", "", 404},
			{"remote with wrong token", remote, "Authorization", "Bearer s3cret-metric", 303},
		}},
		{"public", []req{{"remote", remote, "", "", 200}, {"local", local, "", "", 200}}},
	} {
		s, err := web.New(web.Config{Metrics: c.mode}, f.db, f.auth, slog.New(slog.NewTextHandler(tbWriter{t}, &slog.HandlerOptions{Level: slog.LevelError})))
		if err != nil {
			t.Fatal(err)
		}
		h := s.Handler()
		for _, rq := range c.reqs {
			t.Run(c.mode+" "+rq.name, func(t *testing.T) {
				r := httptest.NewRequest("GET", "/metrics", nil)
				r.RemoteAddr = rq.remote
				if rq.header != "" {
					r.Header.Set(rq.header, rq.value)
				}
				w := httptest.NewRecorder()
				h.ServeHTTP(w, r)
				if w.Code != rq.want {
					t.Fatalf("got status %d, want %d", w.Code, rq.want)
				}
				if got := strings.Contains(w.Body.String(), "aldyn_db_open_connections"); got != (rq.want == 200) {
					t.Errorf("metrics in the body: got %v, want %v", got, rq.want == 200)
				}
			})
		}
	}
	for _, bad := range []string{"token:", "everyone", "Loopback"} {
		if _, err := web.New(web.Config{Metrics: bad}, f.db, f.auth, slog.New(slog.DiscardHandler)); err == nil {
			t.Errorf("metrics %q: got no error", bad)
		}
	}
}

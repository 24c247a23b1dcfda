package web_test

import (
	"strings"
	"testing"
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

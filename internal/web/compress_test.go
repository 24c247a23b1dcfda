package web_test

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/aldyn-kg/aldyn/internal/web/static"
)

// get sends a GET with the given headers (no transparent decompression:
// setting Accept-Encoding turns it off) and returns the raw answer.
func (f *fixture) get(tb testing.TB, who, path string, header map[string]string) (*http.Response, []byte) {
	tb.Helper()
	h := map[string]string{"Accept-Encoding": "identity"}
	for k, v := range header {
		h[k] = v
	}
	resp := f.send(tb, who, "GET", path, nil, h)
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		tb.Fatal(err)
	}
	return resp, b
}

func gunzip(tb testing.TB, b []byte) []byte {
	tb.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		tb.Fatalf("not gzip: %v", err)
	}
	out, err := io.ReadAll(zr)
	if err != nil {
		tb.Fatalf("gunzip: %v", err)
	}
	return out
}

// TestCompression: HTML, JSON and GeoJSON go gzipped to clients that
// accept gzip and as they are to others, with Vary either way; tiny
// answers, files compressed already and static assets with their own
// twins are not compressed again.
func TestCompression(t *testing.T) {
	f := mustFixture(t)
	gz := map[string]string{"Accept-Encoding": "gzip, deflate"}
	tests := []struct {
		name, who, path string
		header          map[string]string
		wantEncoding    string
		wantVary        bool
		wantText        string // in the (decompressed) body
	}{
		{"HTML page", anon, "/login", gz, "gzip", true, `id="f-login"`},
		{"HTML page without gzip", anon, "/login", map[string]string{"Accept-Encoding": "identity"}, "", true, `id="f-login"`},
		{"HTML page with gzip refused", anon, "/login", map[string]string{"Accept-Encoding": "gzip;q=0, br"}, "", true, `id="f-login"`},
		{"JSON answer", anon, "/api/v1/openapi.json", gz, "gzip", true, `"openapi"`},
		{"GeoJSON answer", anon, "/api/v1/boundaries", gz, "gzip", true, `"FeatureCollection"`},
		{"JSON error", analystA, "/api/v1/stats/counts?territory=nope", gz, "", true, `"error"`},
		{"tiny answer", anon, "/healthz", gz, "", true, ""},
		{"XLSX is compressed already", adminA, "/bodies?format=xlsx", gz, "", false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, b := f.get(t, tt.who, tt.path, tt.header)
			if got := resp.Header.Get("Content-Encoding"); got != tt.wantEncoding {
				t.Fatalf("Content-Encoding: got %q, want %q (status %d)", got, tt.wantEncoding, resp.StatusCode)
			}
			if got := strings.Contains(resp.Header.Get("Vary"), "Accept-Encoding"); got != tt.wantVary {
				t.Errorf("Vary: got %q, want Accept-Encoding: %v", resp.Header.Get("Vary"), tt.wantVary)
			}
			if tt.wantEncoding == "gzip" {
				if resp.Header.Get("Content-Length") != "" && resp.Header.Get("Content-Length") != "0" && resp.ContentLength != int64(len(b)) {
					t.Errorf("Content-Length %d does not match the %d compressed bytes", resp.ContentLength, len(b))
				}
				plain := gunzip(t, b)
				t.Logf("%s: %d bytes, %d gzipped", tt.path, len(plain), len(b))
				b = plain
			}
			if !strings.Contains(string(b), tt.wantText) {
				t.Errorf("body lacks %q: %.200s", tt.wantText, b)
			}
		})
	}

	t.Run("static asset keeps its own twin", func(t *testing.T) {
		twin, err := os.ReadFile("static/dist/app.js.br")
		if err != nil {
			t.Skip("bundles not built")
		}
		resp, b := f.get(t, anon, static.Path("dist/app.js"), map[string]string{"Accept-Encoding": "gzip, br"})
		if resp.Header.Get("Content-Encoding") != "br" || !bytes.Equal(b, twin) {
			t.Errorf("got %q encoding, %d bytes; want the %d bytes of app.js.br as they are", resp.Header.Get("Content-Encoding"), len(b), len(twin))
		}
	})
}

// TestBoundariesETag: the boundaries answer carries an ETag and a
// revalidation with it costs a 304, compressed or not.
func TestBoundariesETag(t *testing.T) {
	f := mustFixture(t)
	for _, enc := range []string{"identity", "gzip"} {
		t.Run(enc, func(t *testing.T) {
			h := map[string]string{"Accept-Encoding": enc}
			resp, b := f.get(t, anon, "/api/v1/boundaries?lang=ru", h)
			etag := resp.Header.Get("ETag")
			if resp.StatusCode != 200 || etag == "" || len(b) == 0 {
				t.Fatalf("first GET: status %d, ETag %q, %d bytes; want 200 with an ETag", resp.StatusCode, etag, len(b))
			}
			h["If-None-Match"] = etag
			resp, b = f.get(t, anon, "/api/v1/boundaries?lang=ru", h)
			if resp.StatusCode != http.StatusNotModified || len(b) != 0 {
				t.Errorf("revalidation: status %d with %d bytes, want 304 and no body", resp.StatusCode, len(b))
			}
			// Another language is another answer.
			resp, _ = f.get(t, anon, "/api/v1/boundaries?lang=en", h)
			if resp.StatusCode != 200 {
				t.Errorf("other language with the same ETag: status %d, want 200", resp.StatusCode)
			}
		})
	}
}

package static

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"
)

func TestEmbedsPlaceholderAndImages(t *testing.T) {
	// These must be embedded even when the bundles were never built, or the
	// program would not compile on a fresh clone.
	for _, name := range []string{"dist/README.md", "img/favicon.svg"} {
		t.Run(name, func(t *testing.T) {
			if _, err := fs.Stat(FS, name); err != nil {
				t.Fatalf("got %v, want %s embedded", err, name)
			}
		})
	}
}

func TestPath(t *testing.T) {
	b, err := fs.ReadFile(FS, "img/favicon.svg")
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(b)
	favicon := "/static/img/favicon.svg?v=" + hex.EncodeToString(sum[:6])

	tests := []struct {
		name, in, want string
	}{
		{"embedded file gets its content hash", "img/favicon.svg", favicon},
		{"leading slash is tolerated", "/img/favicon.svg", favicon},
		{"missing file gets its plain URL", "dist/nope.js", "/static/dist/nope.js"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Path(tt.in); got != tt.want {
				t.Errorf("Path(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestPathHashChangesWithContent(t *testing.T) {
	a1 := newAssets(fstest.MapFS{"dist/app.js": {Data: []byte("one")}})
	a2 := newAssets(fstest.MapFS{"dist/app.js": {Data: []byte("two")}})
	p1, p2 := a1.path("dist/app.js"), a2.path("dist/app.js")
	if p1 == p2 {
		t.Fatalf("got the same URL %q for different contents, want different", p1)
	}
	if !regexp.MustCompile(`^/static/dist/app\.js\?v=[0-9a-f]{12}$`).MatchString(p1) {
		t.Errorf("got %q, want /static/dist/app.js?v=<12 hex digits>", p1)
	}
}

func TestBuiltMatchesDist(t *testing.T) {
	_, errJS := fs.Stat(FS, "dist/app.js")
	_, errCSS := fs.Stat(FS, "dist/app.css")
	want := errJS == nil && errCSS == nil
	if got := Built(); got != want {
		t.Errorf("Built() = %v, want %v (app.js: %v, app.css: %v)", got, want, errJS, errCSS)
	}
}

// testAssets is a small tree with gzip and brotli twins, independent of
// whether the real bundles were built. (The handler does not read the
// twins, so the brotli one is a stand-in.)
func testAssets(tb testing.TB) (*assets, []byte, []byte) {
	tb.Helper()
	js := []byte(strings.Repeat("console.log('aldyn');\n", 50))
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	if _, err := zw.Write(js); err != nil {
		tb.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		tb.Fatal(err)
	}
	a := newAssets(fstest.MapFS{
		"dist/app.js":     {Data: js},
		"dist/app.js.gz":  {Data: gz.Bytes()},
		"dist/app.js.br":  {Data: brStandIn},
		"img/favicon.svg": {Data: []byte("<svg xmlns='http://www.w3.org/2000/svg'/>")},
	})
	return a, js, gz.Bytes()
}

var brStandIn = []byte("brotli twin")

func TestHandler(t *testing.T) {
	a, js, gz := testAssets(t)
	jsURL := a.path("dist/app.js")
	_, jsVersion, _ := strings.Cut(jsURL, "?v=")
	// jsHeaders are the headers an answer of app.js has: its content type
	// and the pairs of name and value given.
	jsHeaders := func(kv ...string) map[string]string {
		h := map[string]string{"Content-Type": "text/javascript; charset=utf-8"}
		for i := 0; i+1 < len(kv); i += 2 {
			h[kv[i]] = kv[i+1]
		}
		return h
	}

	tests := []struct {
		name        string
		method      string
		target      string
		header      map[string]string
		wantStatus  int
		wantBody    []byte
		wantHeaders map[string]string
	}{
		{
			name: "plain file revalidates", method: "GET", target: "/img/favicon.svg",
			wantStatus: 200,
			wantHeaders: map[string]string{
				"Content-Type":  "image/svg+xml",
				"Cache-Control": "no-cache",
			},
		},
		{
			name: "current version is immutable", method: "GET", target: "/dist/app.js?v=" + jsVersion,
			wantStatus: 200, wantBody: js,
			wantHeaders: jsHeaders("Cache-Control", "public, max-age=31536000, immutable", "Vary", "Accept-Encoding"),
		},
		{
			name: "stale version revalidates", method: "GET", target: "/dist/app.js?v=000000000000",
			wantStatus: 200, wantBody: js,
			wantHeaders: map[string]string{"Cache-Control": "no-cache"},
		},
		{
			name: "gzip twin when accepted", method: "GET", target: "/dist/app.js",
			header:     map[string]string{"Accept-Encoding": "gzip, deflate"},
			wantStatus: 200, wantBody: gz,
			wantHeaders: jsHeaders("Content-Encoding", "gzip"),
		},
		{
			name: "brotli twin preferred", method: "GET", target: "/dist/app.js",
			header:     map[string]string{"Accept-Encoding": "gzip, deflate, br"},
			wantStatus: 200, wantBody: brStandIn,
			wantHeaders: jsHeaders("Content-Encoding", "br", "Vary", "Accept-Encoding"),
		},
		{
			name: "gzip when brotli refused", method: "GET", target: "/dist/app.js",
			header:     map[string]string{"Accept-Encoding": "br;q=0, gzip"},
			wantStatus: 200, wantBody: gz,
			wantHeaders: map[string]string{"Content-Encoding": "gzip"},
		},
		{
			name: "identity when gzip refused", method: "GET", target: "/dist/app.js",
			header:      map[string]string{"Accept-Encoding": "gzip;q=0"},
			wantStatus:  200,
			wantBody:    js,
			wantHeaders: map[string]string{"Content-Encoding": ""},
		},
		{
			name: "matching ETag answers 304", method: "GET", target: "/dist/app.js",
			header:     map[string]string{"If-None-Match": `"` + a.sums["dist/app.js"] + `"`},
			wantStatus: 304,
		},
		{name: "HEAD allowed", method: "HEAD", target: "/img/favicon.svg", wantStatus: 200},
		{name: "unknown file", method: "GET", target: "/dist/other.js", wantStatus: 404},
		{name: "directory is not listed", method: "GET", target: "/dist/", wantStatus: 404},
		{name: "root is not listed", method: "GET", target: "/", wantStatus: 404},
		{name: "no escape upwards", method: "GET", target: "/../static.go", wantStatus: 404},
		{name: "POST refused", method: "POST", target: "/img/favicon.svg", wantStatus: 405},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := httptest.NewRequest(tt.method, "http://x"+tt.target, nil)
			for k, v := range tt.header {
				req.Header.Set(k, v)
			}
			rec := httptest.NewRecorder()
			a.ServeHTTP(rec, req)
			if rec.Code != tt.wantStatus {
				t.Fatalf("status: got %d, want %d", rec.Code, tt.wantStatus)
			}
			for k, want := range tt.wantHeaders {
				if got := rec.Header().Get(k); got != want {
					t.Errorf("%s: got %q, want %q", k, got, want)
				}
			}
			if tt.wantStatus == 200 && rec.Header().Get("ETag") == "" {
				t.Error("ETag: got none, want one")
			}
			if tt.wantBody != nil && !bytes.Equal(rec.Body.Bytes(), tt.wantBody) {
				t.Errorf("body: got %d bytes, want %d", rec.Body.Len(), len(tt.wantBody))
			}
		})
	}
}

func TestHandlerMountedUnderPrefix(t *testing.T) {
	srv := httptest.NewServer(http.StripPrefix(Prefix, Handler()))
	defer srv.Close()
	u := Path("img/favicon.svg")
	res, err := http.Get(srv.URL + u)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode != 200 {
		t.Fatalf("GET %s: got %d, want 200", u, res.StatusCode)
	}
	if !bytes.Contains(body, []byte("<svg")) {
		t.Errorf("GET %s: got %q, want the SVG", u, body)
	}
	if got := res.Header.Get("Cache-Control"); !strings.Contains(got, "immutable") {
		t.Errorf("Cache-Control: got %q, want immutable for a Path URL", got)
	}
}

func TestAccepts(t *testing.T) {
	tests := []struct {
		header string
		want   bool
	}{
		{"", false},
		{"gzip", true},
		{"gzip, deflate, br", true},
		{"br;q=1.0, gzip;q=0.8", true},
		{"GZIP", true},
		{"x-gzip", true},
		{"gzip;q=0", false},
		{"gzip; q=0.0", false},
		{"deflate, br", false},
		{"*", true},
		{"*;q=0", false},
		{"*, gzip;q=0", false},
		{"gzip;q=0, *", false},
		{"identity", false},
	}
	// Brotli follows the same rules, without gzip's x- alias.
	for _, tt := range []struct {
		header string
		want   bool
	}{{"gzip, deflate, br", true}, {"br;q=0, gzip", false}, {"x-br", false}, {"gzip", false}, {"*", true}} {
		if got := Accepts(tt.header, "br"); got != tt.want {
			t.Errorf("Accepts(%q, br) = %v, want %v", tt.header, got, tt.want)
		}
	}
	for _, tt := range tests {
		t.Run(tt.header, func(t *testing.T) {
			if got := Accepts(tt.header, "gzip"); got != tt.want {
				t.Errorf("Accepts(%q, gzip) = %v, want %v", tt.header, got, tt.want)
			}
		})
	}
}

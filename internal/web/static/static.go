// Package static owns the files the web UI serves under /static/: the
// front-end bundles that `go run ./cmd/assets` writes into dist/ and the
// hand-made images in img/. Everything is embedded in the binary, so the
// product needs neither Node nor a CDN at run time.
//
// Names given to Path and Handler are relative to this directory, e.g.
// "dist/app.js" or "img/favicon.svg".
package static

//go:generate go run ../../../cmd/assets

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strconv"
	"strings"
	"time"
)

// FS holds dist/ (build output; its README.md placeholder is committed so the
// pattern matches before the bundles are built) and img/.
//
//go:embed all:dist img
var FS embed.FS

// Prefix is where the web package mounts Handler.
const Prefix = "/static/"

// embedded serves FS; its hashes are computed once, since the files cannot
// change while the binary runs.
var embedded = newAssets(FS)

// assets serves the files of an fs.FS by name with content-hash validators.
type assets struct {
	fsys fs.FS
	sums map[string]string // file name → short content hash
}

func newAssets(fsys fs.FS) *assets {
	a := &assets{fsys: fsys, sums: make(map[string]string)}
	err := fs.WalkDir(fsys, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		a.sums[name] = hex.EncodeToString(sum[:6])
		return nil
	})
	if err != nil {
		// An embed.FS cannot fail to read; reaching this is a toolchain bug.
		panic("static: hash embedded files: " + err.Error())
	}
	return a
}

// Path returns the URL of an embedded file with a content hash in the query
// ("/static/dist/app.js?v=1a2b3c4d5e6f"), so a new build busts browser caches
// while an unchanged file stays cached for a year. A file that is not
// embedded (bundles not built) gets its plain URL, which will answer 404.
func Path(name string) string { return embedded.path(name) }

func (a *assets) path(name string) string {
	name = strings.TrimPrefix(name, "/")
	if sum, ok := a.sums[name]; ok {
		return Prefix + name + "?v=" + sum
	}
	return Prefix + name
}

// Built reports whether the bundles were built into dist/ before compiling.
// The server should log a warning when they were not: pages then render
// without scripts and styles.
func Built() bool {
	_, js := embedded.sums["dist/app.js"]
	_, css := embedded.sums["dist/app.css"]
	return js && css
}

// twins are the precompressed copies the build writes beside a file, in
// order of preference.
var twins = []struct{ ext, coding string }{{".br", "br"}, {".gz", "gzip"}}

// Handler serves the embedded files; mount it with
// http.StripPrefix(Prefix, Handler()). Requests carrying the current
// content hash (?v=…, as Path makes them) are cacheable for a year; others
// must revalidate with the ETag. When the build wrote a brotli or gzip twin
// ("app.js.br", "app.js.gz") and the client accepts its coding, the twin is
// sent instead.
// Directories and unknown names answer 404.
func Handler() http.Handler { return embedded }

func (a *assets) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, http.StatusText(http.StatusMethodNotAllowed), http.StatusMethodNotAllowed)
		return
	}
	name := strings.TrimPrefix(path.Clean("/"+r.URL.Path), "/")
	sum, ok := a.sums[name]
	if !ok {
		http.NotFound(w, r)
		return
	}
	h := w.Header()
	if v := r.URL.Query().Get("v"); v != "" && v == sum {
		h.Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		h.Set("Cache-Control", "no-cache")
	}
	if ct := mime.TypeByExtension(path.Ext(name)); ct != "" {
		h.Set("Content-Type", ct)
	}
	etag := `"` + sum + `"`
	file := name
	if _, ok := a.sums[name+".gz"]; ok {
		h.Add("Vary", "Accept-Encoding")
	}
	// Brotli first: it is the smaller twin.
	for _, tw := range twins {
		twSum, ok := a.sums[name+tw.ext]
		if ok && Accepts(r.Header.Get("Accept-Encoding"), tw.coding) {
			file = name + tw.ext
			etag = `"` + twSum + "-" + tw.coding + `"`
			h.Set("Content-Encoding", tw.coding)
			break
		}
	}
	h.Set("ETag", etag)
	f, err := a.fsys.Open(file)
	if err != nil {
		http.NotFound(w, r)
		return
	}
	defer f.Close()
	rs, ok := f.(io.ReadSeeker)
	if !ok {
		b, err := io.ReadAll(f)
		if err != nil {
			http.Error(w, http.StatusText(http.StatusInternalServerError), http.StatusInternalServerError)
			return
		}
		rs = bytes.NewReader(b)
	}
	http.ServeContent(w, r, name, time.Time{}, rs)
}

// Accepts reports whether an Accept-Encoding header accepts coding
// ("gzip" or "br"), honouring "coding;q=0" and "*": an explicit entry wins
// over the wildcard. The web package's response compression uses it too.
func Accepts(header, coding string) bool {
	codingQ, starQ := -1.0, -1.0
	for part := range strings.SplitSeq(header, ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		q := 1.0
		for p := range strings.SplitSeq(params, ";") {
			k, v, ok := strings.Cut(strings.TrimSpace(p), "=")
			if ok && strings.EqualFold(strings.TrimSpace(k), "q") {
				if f, err := strconv.ParseFloat(strings.TrimSpace(v), 64); err == nil {
					q = f
				}
			}
		}
		name = strings.ToLower(strings.TrimSpace(name))
		switch {
		case name == coding, coding == "gzip" && name == "x-gzip":
			codingQ = q
		case name == "*":
			starQ = q
		}
	}
	if codingQ >= 0 {
		return codingQ > 0
	}
	return starQ > 0
}

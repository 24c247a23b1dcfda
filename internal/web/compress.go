package web

import (
	"bufio"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"mime"
	"net"
	"net/http"
	"strings"
	"sync"

	"github.com/aldyn-kg/aldyn/internal/web/static"
)

// Response compression. HTML pages, JSON and GeoJSON answers are text that
// gzip shrinks five- to tenfold, which is what a district office on a slow
// link waits for. Static assets carry their own precompressed twins
// (package static), and anything a handler encoded itself is left alone.

// minCompressSize: below it gzip's header and the CPU cost outweigh the
// saving.
const minCompressSize = 1024

// compressibleTypes are the media types worth compressing; PDF, XLSX, DOCX
// and images are compressed already.
var compressibleTypes = map[string]bool{
	"text/html": true, "text/plain": true, "text/csv": true, "text/css": true, "text/javascript": true,
	"application/json": true, "application/geo+json": true, "application/problem+json": true,
	"application/javascript": true, "application/xml": true, "image/svg+xml": true,
}

func compressible(contentType string) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	return err == nil && compressibleTypes[mt]
}

var gzipWriters = sync.Pool{New: func() any {
	// Level 5: close to the default's ratio at a good deal less CPU, which
	// the statistics answers under load need.
	zw, _ := gzip.NewWriterLevel(nil, 5)
	return zw
}}

// compress gzips responses of a compressible type for clients that accept
// gzip, and says Vary: Accept-Encoding on them either way.
func (s *Server) compress(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodHead {
			next.ServeHTTP(w, r)
			return
		}
		cw := &compressWriter{ResponseWriter: w, accept: static.Accepts(r.Header.Get("Accept-Encoding"), "gzip")}
		defer cw.finish()
		next.ServeHTTP(cw, r)
	})
}

// compressWriter holds back the first bytes of a response until it knows
// whether to compress: a compressible type, no encoding of its own, a
// status with a body, and more than minCompressSize bytes.
type compressWriter struct {
	http.ResponseWriter
	accept  bool
	status  int
	buf     []byte
	decided bool
	zw      *gzip.Writer
}

func (w *compressWriter) WriteHeader(code int) {
	if w.decided || w.status != 0 {
		return
	}
	if code < 200 {
		w.ResponseWriter.WriteHeader(code) // informational: pass on, wait for the final one
		return
	}
	w.status = code
	if !w.eligible() {
		w.passThrough()
	}
}

func (w *compressWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.WriteHeader(http.StatusOK)
	}
	if w.decided {
		if w.zw != nil {
			return w.zw.Write(b)
		}
		return w.ResponseWriter.Write(b)
	}
	w.buf = append(w.buf, b...)
	if len(w.buf) >= minCompressSize {
		if err := w.startGzip(); err != nil {
			return 0, err
		}
	}
	return len(b), nil
}

// eligible decides from the headers alone whether compression may apply.
func (w *compressWriter) eligible() bool {
	h := w.Header()
	if !compressible(h.Get("Content-Type")) {
		return false
	}
	h.Add("Vary", "Accept-Encoding")
	switch {
	case !w.accept, h.Get("Content-Encoding") != "",
		w.status == http.StatusNoContent, w.status == http.StatusNotModified, w.status == http.StatusPartialContent:
		return false
	}
	return true
}

// passThrough sends what was held back unchanged.
func (w *compressWriter) passThrough() error {
	w.decided = true
	if w.status != 0 {
		w.ResponseWriter.WriteHeader(w.status)
	}
	if len(w.buf) == 0 {
		return nil
	}
	_, err := w.ResponseWriter.Write(w.buf)
	w.buf = nil
	return err
}

func (w *compressWriter) startGzip() error {
	w.decided = true
	h := w.Header()
	h.Set("Content-Encoding", "gzip")
	h.Del("Content-Length")
	// The bytes differ from the identity response, so a strong validator
	// would be wrong; a weak one still answers If-None-Match.
	if et := h.Get("ETag"); et != "" && !strings.HasPrefix(et, "W/") {
		h.Set("ETag", "W/"+et)
	}
	w.ResponseWriter.WriteHeader(w.status)
	w.zw = gzipWriters.Get().(*gzip.Writer)
	w.zw.Reset(w.ResponseWriter)
	_, err := w.zw.Write(w.buf)
	w.buf = nil
	return err
}

// finish sends a short response as it is, or ends the gzip stream.
func (w *compressWriter) finish() {
	if !w.decided {
		if w.status == 0 {
			return // the handler wrote nothing; net/http sends its 200
		}
		_ = w.passThrough()
		return
	}
	if w.zw != nil {
		_ = w.zw.Close()
		w.zw.Reset(nil)
		gzipWriters.Put(w.zw)
		w.zw = nil
	}
}

// Flush sends what is held back (compressed when the response qualifies),
// for handlers that stream.
func (w *compressWriter) Flush() {
	if !w.decided && w.status != 0 {
		// Not decided yet means eligible (WriteHeader passed the others).
		_ = w.startGzip()
	}
	if w.zw != nil {
		_ = w.zw.Flush()
	}
	_ = http.NewResponseController(w.ResponseWriter).Flush()
}

func (w *compressWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	return nil, nil, errors.New("hijacking a compressed response")
}

func (w *compressWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// notModified sets a strong ETag from the body's hash and, when the
// request's If-None-Match names it, answers 304 and returns true. Weak
// comparison, since the compressed form of the answer carries W/.
func notModified(w http.ResponseWriter, r *http.Request, body []byte) bool {
	sum := sha256.Sum256(body)
	etag := `"` + hex.EncodeToString(sum[:12]) + `"`
	w.Header().Set("ETag", etag)
	for c := range strings.SplitSeq(r.Header.Get("If-None-Match"), ",") {
		c = strings.TrimPrefix(strings.TrimSpace(c), "W/")
		if c == etag || c == "*" {
			w.WriteHeader(http.StatusNotModified)
			return true
		}
	}
	return false
}

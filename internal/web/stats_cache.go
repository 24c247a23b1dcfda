package web

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"

	"github.com/aldyn-kg/aldyn/internal/web/static"
)

// Statistics answers change only when an import is published or the
// territories and populations change (store.StatsVersion), yet a national
// counts table is megabytes of JSON summed afresh each time. statsCache
// keeps finished answers, plain and gzipped, until the version moves.
//
// An entry is keyed by the route, the request's parameters that the
// handlers read (sorted), the language (names in answers), and the actor's
// territory and role: role decides whether sensitive records count (in
// cells of at least the minimum count) and whether points are served, so
// two actors share an answer only when they would be given the same one.
// Only successful answers are kept; errors are computed every time.

// statsKeyParams are the query parameters statistics handlers read; others
// do not change an answer and stay out of the key, so junk parameters
// cannot fill the cache.
var statsKeyParams = []string{"territory", "precinct", "category", "source", "from", "to",
	"by", "depth", "bbox", "zoom", "cell_m", "radius", "density", "horizon"}

// Bounds of the cache: enough for the usual tables and maps of many users,
// small beside the records in memory.
const (
	statsCacheMaxBytes   = 64 << 20
	statsCacheMaxEntries = 512
)

type statsCache struct {
	mu      sync.Mutex
	version string
	entries map[string]*statsEntry
	order   []string // keys, oldest first, for eviction
	bytes   int
}

// statsEntry is one answer; ready closes once it is computed, so that
// concurrent requests for it wait for one computation instead of each
// running their own. An answer worth compressing is kept gzipped only
// (a national table of months is megabytes of JSON, a tenth of that
// gzipped) and inflated for the rare client that does not take gzip.
type statsEntry struct {
	ready       chan struct{}
	ok          bool // a 200 answer was stored
	contentType string
	plain       []byte // answers below minCompressSize
	gz          []byte
}

func (e *statsEntry) size() int { return len(e.plain) + len(e.gz) }

func statsCacheKey(r *http.Request) string {
	q := r.URL.Query()
	kept := url.Values{}
	for _, p := range statsKeyParams {
		if v, ok := q[p]; ok {
			kept[p] = v
		}
	}
	a := actor(r)
	return strings.Join([]string{r.URL.Path, kept.Encode(), info(r).lang, a.Role, a.ScopeUnder()}, "\x00")
}

// cachedStats serves h's answers from the cache while the statistics
// version holds.
func (s *Server) cachedStats(h func(http.ResponseWriter, *http.Request) error) func(http.ResponseWriter, *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		version, err := s.db.StatsVersion(r.Context())
		if err != nil {
			return err
		}
		key := statsCacheKey(r)
		e, owner := s.stats.claim(version, key)
		if !owner {
			select {
			case <-e.ready:
			case <-r.Context().Done():
				return r.Context().Err()
			}
			if e.ok {
				writeStatsEntry(w, r, e)
				return nil
			}
			// The computation it waited for failed: compute for itself.
			return h(w, r)
		}
		rec := &bufferedResponse{header: http.Header{}}
		herr := h(rec, r)
		if herr == nil && rec.status() == http.StatusOK && rec.header.Get("Content-Encoding") == "" {
			e.contentType = rec.header.Get("Content-Type")
			if b := rec.body.Bytes(); len(b) < minCompressSize {
				e.plain = b
			} else {
				e.gz = gzipAnswer(b)
			}
			e.ok = true
		}
		s.stats.settle(version, key, e)
		if e.ok {
			writeStatsEntry(w, r, e)
			return nil
		}
		if herr != nil {
			return herr
		}
		rec.replay(w)
		return nil
	}
}

// claim returns the entry of key at version and whether the caller must
// compute it.
func (c *statsCache) claim(version, key string) (*statsEntry, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.version != version {
		c.version, c.entries, c.order, c.bytes = version, map[string]*statsEntry{}, nil, 0
	}
	if e, ok := c.entries[key]; ok {
		return e, false
	}
	e := &statsEntry{ready: make(chan struct{})}
	c.entries[key] = e
	return e, true
}

// settle publishes a computed entry, dropping it when it failed or the
// version moved meanwhile, and evicts the oldest entries beyond the bounds.
func (c *statsCache) settle(version, key string, e *statsEntry) {
	c.mu.Lock()
	defer c.mu.Unlock()
	defer close(e.ready)
	if c.version != version || c.entries[key] != e {
		return
	}
	if !e.ok || e.size() > statsCacheMaxBytes/4 {
		delete(c.entries, key)
		return
	}
	c.order = append(c.order, key)
	c.bytes += e.size()
	for len(c.order) > 0 && (c.bytes > statsCacheMaxBytes || len(c.order) > statsCacheMaxEntries) {
		old := c.order[0]
		c.order = slices.Delete(c.order, 0, 1)
		if oe, ok := c.entries[old]; ok {
			c.bytes -= oe.size()
			delete(c.entries, old)
		}
	}
}

func gzipAnswer(b []byte) []byte {
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.DefaultCompression)
	_, _ = zw.Write(b)
	_ = zw.Close()
	return buf.Bytes()
}

// writeStatsEntry sends a kept answer, gzipped when the client accepts it
// (the compression middleware leaves an encoded answer alone).
func writeStatsEntry(w http.ResponseWriter, r *http.Request, e *statsEntry) {
	h := w.Header()
	h.Set("Content-Type", e.contentType)
	h.Set("Cache-Control", "no-store")
	h.Add("Vary", "Accept-Encoding")
	if e.gz == nil {
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write(e.plain)
		return
	}
	if static.Accepts(r.Header.Get("Accept-Encoding"), "gzip") {
		h.Set("Content-Encoding", "gzip")
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write(e.gz)
		return
	}
	// Kept gzipped only: inflate for this client (it was made here, so it
	// cannot be corrupt).
	zr, err := gzip.NewReader(bytes.NewReader(e.gz))
	if err != nil {
		panic("stats cache: " + err.Error())
	}
	w.WriteHeader(http.StatusOK)
	_, _ = io.Copy(w, zr)
}

// bufferedResponse holds a handler's answer so it can be kept.
type bufferedResponse struct {
	header http.Header
	code   int
	body   bytes.Buffer
}

func (b *bufferedResponse) Header() http.Header { return b.header }
func (b *bufferedResponse) WriteHeader(code int) {
	if b.code == 0 {
		b.code = code
	}
}
func (b *bufferedResponse) Write(p []byte) (int, error) {
	if b.code == 0 {
		b.code = http.StatusOK
	}
	return b.body.Write(p)
}

func (b *bufferedResponse) status() int {
	if b.code == 0 {
		return http.StatusOK
	}
	return b.code
}

// replay sends an answer that was not kept as it was written.
func (b *bufferedResponse) replay(w http.ResponseWriter) {
	for k, v := range b.header {
		w.Header()[k] = v
	}
	w.WriteHeader(b.status())
	_, _ = w.Write(b.body.Bytes())
}

package opendata

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"log/slog"
	"maps"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/disclosure"
	"github.com/aldyn-kg/aldyn/internal/store"
)

// Resource is one file of a built dataset: a table in one format, or the
// dataset's data package.
type Resource struct {
	// ID is unique in the catalogue: "<slug>.<table>.<ext>".
	ID string
	// Name is the file's name under /open/<slug>/: "<table>.<ext>".
	Name      string
	Table     *Table // nil for the data package
	Format    string // CSV, XLSX, JSON, GeoJSON
	MediaType string
	Body      []byte
	// SHA256 is the hex SHA-256 of Body; ETag, a strong validator, is
	// its first 24 digits, quoted.
	SHA256, ETag string
}

// Build is a dataset built: its tables, its files and its version.
type Build struct {
	Dataset   *Dataset
	Tables    []*Table
	Resources []*Resource
	Version   aldyn.OpenDatasetVersion
	// Temporal is the period the tables cover (zero when none).
	From, To time.Time
	// Chart is the dataset page's chart (see Dataset.Chart).
	Chart []ChartPoint
	// Err is why the latest build failed; the dataset is then not served.
	Err error
}

// Resource returns the build's file of a name, or nil.
func (b *Build) Resource(name string) *Resource {
	for _, r := range b.Resources {
		if r.Name == name {
			return r
		}
	}
	return nil
}

// Suppressed counts the rows withheld.
func (b *Build) Suppressed() int {
	n := 0
	for _, t := range b.Tables {
		for _, f := range t.Flags {
			if f.Suppressed() {
				n++
			}
		}
	}
	return n
}

// Snapshot is the catalogue at one moment: every dataset's latest build
// and the administrators' settings.
type Snapshot struct {
	Builds   map[string]*Build
	Settings map[string]aldyn.OpenDatasetSettings
	// Packages are each built dataset's datapackage.json, under its
	// licence.
	Packages map[string]*Resource
	// K is the minimum cell count the builds applied.
	K       int
	sources map[string]string
}

// Published returns the builds of the published datasets that built, in
// registration order.
func (s *Snapshot) Published() []*Build {
	var out []*Build
	for _, d := range registry {
		if b := s.Builds[d.Slug]; b != nil && b.Err == nil && s.Settings[d.Slug].Published {
			out = append(out, b)
		}
	}
	return out
}

// Licence returns a dataset's licence.
func (s *Snapshot) Licence(slug string) string {
	if l := s.Settings[slug].Licence; l != "" {
		return l
	}
	return aldyn.DefaultLicence
}

// Catalogue keeps every dataset built. It compares each dataset's source
// version at most every CheckEvery and rebuilds what changed, so requests
// are answered from memory, never recomputed.
type Catalogue struct {
	db  *store.DB
	log *slog.Logger
	// CheckEvery bounds how often sources are compared (2 s when zero).
	CheckEvery time.Duration
	mu         sync.Mutex // one check and build at a time
	snap       atomic.Pointer[Snapshot]
	checked    atomic.Int64 // when sources were last compared (Unix ns)
	stale      atomic.Bool
}

// NewCatalogue returns a catalogue over db; nothing is built until asked.
func NewCatalogue(db *store.DB, log *slog.Logger) *Catalogue {
	return &Catalogue{db: db, log: log}
}

// Invalidate makes the next Current compare sources and settings again
// (after an administrator's change).
func (c *Catalogue) Invalidate() { c.stale.Store(true) }

// Current returns the catalogue, rebuilding the datasets whose source
// changed since their build.
func (c *Catalogue) Current(ctx context.Context) (*Snapshot, error) {
	every := c.CheckEvery
	if every == 0 {
		every = 2 * time.Second
	}
	fresh := func() bool { return !c.stale.Load() && time.Since(time.Unix(0, c.checked.Load())) < every }
	s := c.snap.Load()
	if s != nil && fresh() {
		return s, nil
	}
	if s != nil && !c.stale.Load() {
		// Only time says to look again: one request compares the sources
		// while the others keep being answered from the snapshot they
		// have, instead of queueing behind the comparison.
		if !c.mu.TryLock() {
			return s, nil
		}
	} else {
		// First build, or an administrator's change: wait for it.
		c.mu.Lock()
	}
	defer c.mu.Unlock()
	if s := c.snap.Load(); s != nil && fresh() {
		return s, nil // another request checked meanwhile
	}
	c.stale.Store(false)
	s, err := c.refresh(ctx, c.snap.Load())
	if err != nil {
		return nil, err
	}
	c.snap.Store(s)
	c.checked.Store(time.Now().UnixNano())
	return s, nil
}

// refresh compares sources and rebuilds what changed.
func (c *Catalogue) refresh(ctx context.Context, old *Snapshot) (*Snapshot, error) {
	settings, err := c.db.OpenDatasetSettings(ctx)
	if err != nil {
		return nil, err
	}
	k, err := disclosure.MinCellCount(ctx, c.db)
	if err != nil {
		return nil, err
	}
	marked, err := disclosure.MarkedSensitive(ctx, c.db)
	if err != nil {
		return nil, err
	}
	s := &Snapshot{Builds: map[string]*Build{}, Settings: settings, K: k, sources: map[string]string{}}
	same := old != nil && old.K == k && maps.Equal(old.Settings, settings)
	for _, d := range registry {
		src, err := d.Source(ctx, c.db)
		if err != nil {
			return nil, err
		}
		src = fmt.Sprintf("%s;k=%d;sensitive=%s", src, k, strings.Join(marked, ","))
		s.sources[d.Slug] = src
		if old != nil && old.sources[d.Slug] == src && old.Builds[d.Slug] != nil {
			s.Builds[d.Slug] = old.Builds[d.Slug]
			continue
		}
		same = false
		b := BuildDataset(ctx, c.db, d, Input{K: k, Marked: marked})
		if b.Err == nil {
			b.Version.SourceVersion = src
			if err := c.db.RecordOpenDatasetBuild(ctx, &b.Version); err != nil {
				return nil, err
			}
		} else if c.log != nil {
			c.log.Error("open dataset build failed", "dataset", d.Slug, "err", b.Err)
		}
		s.Builds[d.Slug] = b
	}
	if same {
		// Nothing changed: keep the snapshot, and what callers keep with it.
		return old, nil
	}
	s.Packages = map[string]*Resource{}
	for slug, b := range s.Builds {
		if b.Err != nil {
			continue
		}
		dp, err := DataPackage(b, s.Licence(slug))
		if err != nil {
			return nil, err
		}
		s.Packages[slug] = dp
	}
	return s, nil
}

// BuildDataset builds one dataset with in's minimum cell count and marked
// categories (its DB and Now are set here): its tables and every file. A
// failed build carries its error.
func BuildDataset(ctx context.Context, db *store.DB, d *Dataset, in Input) *Build {
	b := &Build{Dataset: d, Version: aldyn.OpenDatasetVersion{Slug: d.Slug}}
	in.DB, in.Now = db, db.Now()
	tables, err := d.Build(ctx, in)
	if err != nil {
		b.Err = err
		return b
	}
	b.Tables = tables
	sum := sha256.New()
	for _, t := range tables {
		if err := checkTable(d, t); err != nil {
			b.Err = err
			return b
		}
		b.Version.Rows += len(t.Rows)
		for _, f := range t.Flags {
			if f.Suppressed() {
				b.Version.Suppressed++
			}
		}
		files, err := tableFiles(d, t)
		if err != nil {
			b.Err = err
			return b
		}
		for _, f := range files {
			if f.Format == "CSV" {
				sum.Write(f.Body)
			}
		}
		b.Resources = append(b.Resources, files...)
	}
	b.Version.Checksum = hex.EncodeToString(sum.Sum(nil))
	b.From, b.To = temporal(tables)
	if d.Chart != nil {
		b.Chart = d.Chart.chart(tables)
	}
	return b
}

func newResource(d *Dataset, t *Table, ext, format, media string, body []byte) *Resource {
	name := ext
	if t != nil {
		name = t.Name + "." + ext
	}
	r := &Resource{ID: d.Slug + "." + name, Name: name, Table: t, Format: format, MediaType: media,
		Body: bytes.Clone(body), SHA256: sha256Hex(body)}
	r.ETag = `"` + r.SHA256[:24] + `"`
	return r
}

// temporal is the period the tables' month, or year and quarter, columns
// cover.
func temporal(tables []*Table) (from, to time.Time) {
	for _, t := range tables {
		for fi, f := range t.Fields {
			for _, r := range t.Rows {
				var a, b time.Time
				switch v := r[fi].(type) {
				case string:
					if f.Type != "yearmonth" {
						continue
					}
					m, err := time.Parse("2006-01", v)
					if err != nil {
						continue
					}
					a, b = m, m.AddDate(0, 1, 0)
				case int64:
					if f.Type != "year" || f.Name != "year" {
						continue
					}
					a = time.Date(int(v), 1, 1, 0, 0, 0, 0, time.UTC)
					b = a.AddDate(1, 0, 0)
				default:
					continue
				}
				if from.IsZero() || a.Before(from) {
					from = a
				}
				if b.After(to) {
					to = b
				}
			}
		}
	}
	return from, to
}

func sha256Hex(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

package importer

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"hash/maphash"
	"io"
	"runtime"
	"slices"
	"sync"
	"time"

	"github.com/aldyn-kg/aldyn"
)

// Defaults of Options.
const (
	DefaultBatchSize    = 5000
	DefaultMaxRowErrors = 10000
	// sampleRows are inspected for narrative text before anything reaches
	// the sink.
	sampleRows = 1000
)

// Options tune Run.
type Options struct {
	// Key is the installation's secret for record IDs (see OffenseID), at
	// least MinKeyBytes long. It must never change, or re-imports duplicate.
	Key []byte
	// SkipBad loads the good rows of a file with bad ones; by default any
	// bad row fails the import (after reading the whole file, to report
	// every problem).
	SkipBad bool
	// Progress is called now and then, and at the end, with the rows and
	// bytes read so far.
	Progress func(rows, bytes int64)
	// Now is the clock; dates after its day in Kyrgyzstan are in the future.
	Now func() time.Time
	// Alternatives are profiles to read the file with when profile does
	// not fit its header (see Profile.Fits): the first that fits is used.
	Alternatives []Profile
	// Subgroups are the classification in force (Subgroups when nil): an
	// article must be one of theirs, or of the profile's article map.
	Subgroups    []Subgroup
	BatchSize    int // records per Sink.Add; DefaultBatchSize when 0
	MaxRowErrors int // row errors kept; DefaultMaxRowErrors when 0
}

// Result counts what an import read. Rows = Accepted + Rejected +
// Duplicates, and SHA256 covers the whole file, when Run read it all: when
// it returned nil or import.error.rejected.
type Result struct {
	SHA256     string     `json:"sha256"`     // of the file's bytes as read, hex
	Bytes      int64      `json:"bytes"`      // read
	Charset    string     `json:"charset"`    // how text was decoded (CSV and JSON Lines)
	Rows       int64      `json:"rows"`       // non-blank data rows read
	Accepted   int64      `json:"accepted"`   // valid rows with a new ID; given to the sink unless the import failed
	Rejected   int64      `json:"rejected"`   // rows with at least one problem
	Duplicates int64      `json:"duplicates"` // valid rows whose ID an earlier row of the file had
	Errors     []RowError `json:"errors"`
	Profile    string     `json:"profile"`          // the profile the file was read with
	Header     []string   `json:"header,omitempty"` // the file's column headers (CSV, XLSX)
	// ErrorsOmitted counts row errors beyond Options.MaxRowErrors.
	ErrorsOmitted int64 `json:"errors_omitted"`
}

// Discard is a Sink that keeps nothing: a dry run checks a file.
var Discard Sink = discard{}

type discard struct{}

func (discard) Add(context.Context, []Offense) error { return nil }

// Run imports one file of offense records of the given format, read as the
// profile says, into sink. It refuses the file (*Refusal) as soon as the
// personal-data guard finds personal data in any row or header, and fails
// (EINVALID "import.error.rejected") after reading everything when a row is
// bad and opts.SkipBad is not set. Either way the caller must roll back
// whatever the sink received. terr checks that codes exist (nil checks only
// their shape); Run calls it from several goroutines at once.
//
// Reading, checking and storing overlap: one goroutine reads the file in
// chunks, GOMAXPROCS workers check the chunks, and the calling goroutine
// takes their results in file order, drops duplicates and calls the sink,
// so the sink is only ever called from the caller's goroutine.
func Run(ctx context.Context, src io.Reader, format Format, profile Profile, opts Options, sink Sink, terr Territories) (Result, error) {
	p, err := compile(profile)
	if err != nil {
		return Result{}, fmt.Errorf("import profile %q: %w", profile.Name, err)
	}
	if len(opts.Key) < MinKeyBytes {
		return Result{}, aldyn.Errorf(aldyn.EINTERNAL, "import.error.key")
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.BatchSize <= 0 {
		opts.BatchSize = DefaultBatchSize
	}
	if opts.MaxRowErrors <= 0 {
		opts.MaxRowErrors = DefaultMaxRowErrors
	}
	now := opts.Now().UTC().Add(localOffset)
	im := &run{
		opts:    opts,
		p:       p,
		profile: profile,
		res:     Result{Profile: profile.Name},
		format:  format,
		today:   time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC),
		terr:    terr,
		hr:      &hashingReader{r: src, h: sha256.New()},
		sink:    sink,
	}
	for i := range im.cols {
		im.cols[i] = -1
	}
	err = im.start(ctx)
	if err == nil {
		err = im.merge(ctx)
	}
	im.stop()
	im.res.Bytes = im.hr.n
	im.res.SHA256 = hex.EncodeToString(im.hr.h.Sum(nil))
	if cs, ok := im.rd.(interface{ Charset() string }); ok {
		im.res.Charset = cs.Charset()
	}
	if im.rd != nil {
		im.rd.Close()
	}
	if err == nil && im.failed {
		err = aldyn.Errorf(aldyn.EINVALID, "import.error.rejected", "count", im.res.Rejected)
	}
	return im.res, err
}

// chunkRows is how many rows travel together from the reader to a worker.
const chunkRows = 512

// chunk is a run of rows with one column layout, and a worker's verdict on them.
type chunk struct {
	rows    []int
	reasons []string // a RecordError's reason, "" for rows that were read
	columns []string // a RecordError's column
	vals    []string // len(rows) rows of width values
	width   int
	header  []string
	cols    [numFields]int
	mapped  []bool
	bytes   int64 // file bytes read when the chunk was cut
	end     error // what stopped reading after these rows, if anything

	done     chan struct{} // closed by the worker
	checked  int           // rows checked: all, or up to and including a refusal
	refusal  *Refusal
	offenses []Offense // the valid rows, in order
	keys     []uint64  // their duplicate keys
	errs     []RowError
	rejected int
}

type run struct {
	opts    Options
	p       *compiled
	profile Profile
	format  Format
	today   time.Time
	terr    Territories
	hr      *hashingReader
	rd      Reader
	sink    Sink
	res     Result

	// Owned by the reading goroutine once it runs.
	bound  int // header columns bound and checked so far
	cols   [numFields]int
	mapped []bool

	work  chan *chunk // to the workers
	order chan *chunk // to merge, in file order
	free  chan *chunk
	quit  chan struct{}
	wg    sync.WaitGroup

	failed bool // a bad row in an all-or-nothing import: the sink gets nothing more
}

// start opens the reader, binds a fixed header and starts the goroutines.
func (im *run) start(ctx context.Context) error {
	rd, err := NewReader(im.hr, im.format)
	if err != nil {
		return err
	}
	im.rd = rd
	if im.format != JSONL { // JSON Lines learn their columns line by line
		im.res.Header = slices.Clone(rd.Header())
		if !im.profile.Fits(im.res.Header) {
			// The alternative with most of its columns in the file.
			best, most := -1, -1
			for i, alt := range im.opts.Alternatives {
				if n := alt.fitness(im.res.Header); n > most {
					best, most = i, n
				}
			}
			if best >= 0 && most >= 0 {
				alt := im.opts.Alternatives[best]
				p, err := compile(alt)
				if err != nil {
					return fmt.Errorf("import profile %q: %w", alt.Name, err)
				}
				im.p, im.res.Profile = p, alt.Name
			}
		}
		if err := im.bind(1); err != nil {
			return err
		}
		for _, f := range requiredFields {
			if im.cols[fieldIndex(f)] < 0 {
				return aldyn.Errorf(aldyn.EINVALID, "import.error.no_column", "column", im.p.names[fieldIndex(f)])
			}
		}
		if im.cols[fCategory] < 0 && im.cols[fArticle] < 0 {
			return aldyn.Errorf(aldyn.EINVALID, "import.error.no_column", "column", im.p.names[fCategory])
		}
	}
	articles := articleCategories(im.opts.Subgroups)
	workers := max(1, runtime.GOMAXPROCS(0))
	im.work = make(chan *chunk, workers)
	im.order = make(chan *chunk, 2*workers+2)
	im.free = make(chan *chunk, 3*workers+4)
	im.quit = make(chan struct{})
	im.wg.Add(1 + workers)
	go im.read(ctx)
	for range workers {
		v := &validator{p: im.p, today: im.today, serial: im.format == XLSX, terr: im.terr, articles: articles, ids: newIDHasher(im.opts.Key)}
		go im.check(v)
	}
	return nil
}

// stop ends the goroutines, if they were started, and waits for them.
func (im *run) stop() {
	if im.quit == nil {
		return
	}
	select {
	case <-im.quit:
	default:
		close(im.quit)
	}
	im.wg.Wait()
}

// bind maps the new columns of the header to fields and puts their
// headers to the guard. row is where they were met.
func (im *run) bind(row int) error {
	h := im.rd.Header()
	for i := im.bound; i < len(h); i++ {
		// A file without a header row has data for headers; they are
		// checked as values and never named.
		if r := valueReason(h[i], im.today.Year()); r != "" {
			return &Refusal{Column: columnName(i), Row: row, Reason: r}
		}
		k := headerKey(h[i])
		isMapped := false
		for f := range numFields {
			if im.p.headers[f] != "" && im.p.headers[f] == k {
				if im.cols[f] >= 0 {
					return aldyn.Errorf(aldyn.EINVALID, "import.error.duplicate_column", "column", h[i])
				}
				im.cols[f], isMapped = i, true
			}
		}
		im.mapped = append(im.mapped, isMapped)
		if r := headerReason(h[i], isMapped); r != "" {
			return &Refusal{Column: h[i], Row: row, Reason: r}
		}
	}
	im.bound = len(h)
	return nil
}

func (im *run) newChunk() *chunk {
	var c *chunk
	select {
	case c = <-im.free:
	default:
		c = &chunk{}
	}
	c.done = make(chan struct{})
	c.width = im.bound
	c.header = im.rd.Header()[:im.bound:im.bound]
	c.cols = im.cols
	c.mapped = im.mapped[:im.bound:im.bound]
	return c
}

// add appends a row (with the reason it is malformed, if it is) and its
// values, padded to the chunk's width.
func (c *chunk) add(row int, vals []string, reason, column string) {
	c.rows, c.reasons, c.columns = append(c.rows, row), append(c.reasons, reason), append(c.columns, column)
	c.vals = append(c.vals, vals...)
	for range c.width - len(vals) {
		c.vals = append(c.vals, "")
	}
}

func (c *chunk) reset() {
	clear(c.vals)
	clear(c.offenses)
	clear(c.errs)
	c.rows, c.reasons, c.columns, c.vals = c.rows[:0], c.reasons[:0], c.columns[:0], c.vals[:0]
	c.offenses, c.keys, c.errs = c.offenses[:0], c.keys[:0], c.errs[:0]
	c.checked, c.rejected, c.refusal, c.end = 0, 0, nil, nil
}

// read cuts the file into chunks and sends them to the workers and, in
// order, to merge.
func (im *run) read(ctx context.Context) {
	defer im.wg.Done()
	defer close(im.work)
	defer close(im.order)
	c := im.newChunk()
	send := func() bool {
		c.bytes = im.hr.n
		select {
		case im.work <- c:
		case <-im.quit:
			return false
		}
		select {
		case im.order <- c:
		case <-im.quit:
			return false
		}
		c = im.newChunk()
		return true
	}
	for {
		if len(c.rows) == 0 {
			if err := ctx.Err(); err != nil {
				c.end = err
				send()
				return
			}
		}
		row, vals, err := im.rd.Next()
		if err == io.EOF {
			// The rest of the file (an XLSX has been read whole already)
			// still belongs to its checksum.
			if _, err := io.Copy(io.Discard, im.hr); err != nil {
				c.end = fmt.Errorf("import: read: %w", err)
			}
			send()
			return
		}
		var reason, column string
		malformed := err != nil
		if malformed {
			var re *RecordError
			if !errors.As(err, &re) {
				c.end = fmt.Errorf("import: read: %w", err)
				send()
				return
			}
			// The values of a malformed row, if any, still go to the guard.
			row, reason, column = re.Row, re.Reason, re.Column
		}
		if len(im.rd.Header()) > im.bound {
			// New columns, or a row too long has grown the header: the
			// chunk so far keeps the old layout.
			if len(c.rows) > 0 && !send() {
				return
			}
			if err := im.bind(row); err != nil {
				c.end = err
				send()
				return
			}
			c.width, c.header, c.cols, c.mapped = im.bound, im.rd.Header()[:im.bound:im.bound], im.cols, im.mapped[:im.bound:im.bound]
		}
		if blank(vals) && (!malformed || vals != nil) {
			continue // a blank line; a malformed row is kept even without values
		}
		c.add(row, vals, reason, column)
		if len(c.rows) == chunkRows && !send() {
			return
		}
	}
}

// check runs the guard and the validator over chunks.
func (im *run) check(v *validator) {
	defer im.wg.Done()
	year := im.today.Year()
	var o Offense
	for c := range im.work {
		select {
		case <-im.quit:
			close(c.done)
			continue
		default:
		}
		v.col, v.header = c.cols, c.header
		v.hexIDs = v.hexIDs[:0]
	rows:
		for i, row := range c.rows {
			c.checked++
			vals := c.vals[i*c.width : (i+1)*c.width]
			for j, s := range vals {
				if r := valueReason(s, year); r != "" {
					c.refusal = &Refusal{Column: c.header[j], Row: row, Reason: r}
					break rows
				}
			}
			if c.reasons[i] != "" {
				c.errs = append(c.errs, RowError{Row: row, Column: c.columns[i], Reason: c.reasons[i]})
				c.rejected++
				continue
			}
			if errs, key := v.check(row, vals, &o); len(errs) > 0 {
				c.errs = append(c.errs, errs...)
				c.rejected++
			} else {
				c.offenses, c.keys = append(c.offenses, o), append(c.keys, key)
			}
		}
		ids := string(v.hexIDs)
		for i := range c.offenses {
			c.offenses[i].ID = ids[64*i : 64*i+64]
		}
		close(c.done)
	}
}

// merge takes the checked chunks in file order, counts, drops duplicates
// and feeds the sink.
func (im *run) merge(ctx context.Context) error {
	var (
		res     = &im.res
		opts    = im.opts
		sample  = newTextSample()
		sampled bool
		seen    idSet
		batch   = make([]Offense, 0, min(opts.BatchSize, 1<<16))
	)
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		if err := im.sink.Add(ctx, batch); err != nil {
			return fmt.Errorf("import: store batch: %w", err)
		}
		clear(batch)
		batch = batch[:0]
		return nil
	}
	for c := range im.order {
		<-c.done
		if err := ctx.Err(); err != nil {
			return err
		}
		res.Rows += int64(c.checked)
		if !sampled {
			for i := 0; i < c.checked && res.Rows-int64(c.checked)+int64(i) < sampleRows; i++ {
				if c.reasons[i] == "" {
					sample.add(c.rows[i], c.vals[i*c.width:(i+1)*c.width], c.mapped)
				}
			}
			if res.Rows >= sampleRows {
				sampled = true
				if r := sample.verdict(c.header); r != nil {
					return r
				}
			}
		}
		if c.refusal != nil {
			return c.refusal
		}
		for _, e := range c.errs {
			if len(res.Errors) < opts.MaxRowErrors {
				res.Errors = append(res.Errors, e)
			} else {
				res.ErrorsOmitted++
			}
		}
		res.Rejected += int64(c.rejected)
		if c.rejected > 0 && !opts.SkipBad && !im.failed {
			im.failed = true
			clear(batch)
			batch = batch[:0]
		}
		for i := range c.offenses {
			if !seen.add(c.keys[i]) {
				res.Duplicates++
				continue
			}
			res.Accepted++
			if im.failed {
				continue
			}
			batch = append(batch, c.offenses[i])
			if len(batch) >= opts.BatchSize && sampled {
				if err := flush(); err != nil {
					return err
				}
			}
		}
		if opts.Progress != nil {
			opts.Progress(res.Rows, c.bytes)
		}
		if c.end != nil {
			return c.end
		}
		c.reset()
		select {
		case im.free <- c:
		default:
		}
	}
	if !sampled {
		if r := sample.verdict(im.rd.Header()); r != nil {
			return r
		}
	}
	if !im.failed {
		return flush()
	}
	return nil
}

func fieldIndex(f string) int {
	for i, n := range Fields {
		if n == f {
			return i
		}
	}
	return -1
}

type hashingReader struct {
	r io.Reader
	h hash.Hash
	n int64
}

func (h *hashingReader) Read(p []byte) (int, error) {
	n, err := h.r.Read(p)
	h.h.Write(p[:n])
	h.n += int64(n)
	return n, err
}

// textSample watches the first rows of unmapped columns for narrative
// text: many long values, nearly all different. Article titles are long
// too, but repeat; only hashes of values are kept.
type textSample struct {
	seed  maphash.Seed
	stats []columnSample
}

type columnSample struct {
	nonEmpty, long, firstRow int
	distinct                 map[uint64]struct{}
}

func newTextSample() *textSample { return &textSample{seed: maphash.MakeSeed()} }

func (s *textSample) add(row int, vals []string, mapped []bool) {
	for len(s.stats) < len(vals) {
		s.stats = append(s.stats, columnSample{distinct: map[uint64]struct{}{}})
	}
	for i, val := range vals {
		if i < len(mapped) && mapped[i] || val == "" {
			continue
		}
		c := &s.stats[i]
		c.nonEmpty++
		if longText(val) {
			if c.long == 0 {
				c.firstRow = row
			}
			c.long++
			c.distinct[maphash.String(s.seed, val)] = struct{}{}
		}
	}
}

func (s *textSample) verdict(header []string) *Refusal {
	for i, c := range s.stats {
		if i < len(header) && c.long >= 5 && 2*c.long >= c.nonEmpty && 10*len(c.distinct) >= 9*c.long {
			return &Refusal{Column: header[i], Row: c.firstRow, Reason: GuardFreeText}
		}
	}
	return nil
}

// longText: at least 40 bytes in at least six words.
func longText(v string) bool {
	if len(v) < 40 {
		return false
	}
	words, in := 0, false
	for i := 0; i < len(v); i++ {
		sp := v[i] == ' ' || v[i] == '\t' || v[i] == '\n'
		if !sp && !in {
			words++
		}
		in = !sp
	}
	return words >= 6
}

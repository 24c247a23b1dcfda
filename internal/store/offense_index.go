package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/aldyn-kg/aldyn"
)

// The records in memory, for maps and weekday × hour tables.
//
// A map cell counts the records located in it, and at national extent
// that is every located record: ten million of them take the database
// seconds to hand over, whatever the index; a district's weekday × hour
// table reads a million. So what these need of every record is also kept
// in memory, ten bytes a record (a hundred megabytes for ten million), as
// columns of small integers: the location snapped to a lattice of
// 65,536 × 65,536 nodes over the country's box (about 14 m east–west and
// 7 m north–south, far finer than the smallest map cell of 250 m), the
// day, the weekday and hour, the category, register and sensitivity
// (aldyn.IsSensitive), and the territory. Answering from them is one pass
// of integer comparisons: tens of milliseconds for ten million records.
//
// Both ways of answering, from memory and from the database, place a
// record at its snapped location (SnapLocation), so they give the same
// grid to the last cell and the same tables, which tests check on many
// filters.
//
// Records are only ever added, by imports that each leave a done entry in
// offense_imports when they commit: the index remembers the imports it
// holds and, when others are done, reads their records and appends them,
// in the background. Until the index has caught up, and for a precinct
// (whose records the database finds by their own index), queries read
// the database.

// The lattice over the country's box.
const (
	latticeMax = math.MaxUint16
	lonStep    = (aldyn.MaxLon - aldyn.MinLon) / latticeMax
	latStep    = (aldyn.MaxLat - aldyn.MinLat) / latticeMax
)

// snapLon and snapLat return the lattice coordinate nearest a longitude
// or latitude, and false outside the country's box.
func snapLon(lon float64) (uint16, bool) {
	q := math.Round((lon - aldyn.MinLon) / lonStep)
	return uint16(q), q >= 0 && q <= latticeMax
}

func snapLat(lat float64) (uint16, bool) {
	q := math.Round((lat - aldyn.MinLat) / latStep)
	return uint16(q), q >= 0 && q <= latticeMax
}

func latticeLon(q uint16) float64 { return aldyn.MinLon + float64(q)*lonStep }
func latticeLat(q uint16) float64 { return aldyn.MinLat + float64(q)*latStep }

// SnapLocation returns the lattice node nearest a location, the location
// grids count a record at, and false when the location lies outside the
// country's box (such records are on no map).
func SnapLocation(lon, lat float64) (float64, float64, bool) {
	x, okx := snapLon(lon)
	y, oky := snapLat(lat)
	return latticeLon(x), latticeLat(y), okx && oky
}

// latticeRange returns the lattice coordinates whose location lies within
// [lo, hi], as the half-open range [from, to).
func latticeRange(lo, hi float64, at func(uint16) float64, step, origin float64) (from, to int) {
	from = max(int(math.Floor((lo-origin)/step))-1, 0)
	for from <= latticeMax && at(uint16(from)) < lo {
		from++
	}
	to = min(int(math.Ceil((hi-origin)/step))+2, latticeMax+1)
	for to > from && at(uint16(to-1)) > hi {
		to--
	}
	return from, to
}

// recBlock holds the records of a stretch of the index. Blocks are filled
// in order and never change once full, so a published index shares its
// full blocks with the next.
const recBlockSize = 1 << 16

type recBlock struct {
	x, y, day, terr [recBlockSize]uint16
	kind            [recBlockSize]uint8 // category index | unlocatedBit | sensitiveBit | sourceBit
	when            [recBlockSize]uint8 // weekday<<5 | hour, or unknownWhen
}

// The bits of recBlock.kind above the category's index.
const (
	unlocatedBit = 0x20 // no location (x and y are 0)
	sensitiveBit = 0x40 // aldyn.IsSensitive
	sourceBit    = 0x80 // the offenses register (else crimes)
	categoryMask = 0x1f
)

// unknownWhen is recBlock.when of a record whose weekday or hour is
// unknown: those the weekday × hour table counts apart.
const unknownWhen = 0xff

// recIndex is one immutable state of the index.
type recIndex struct {
	blocks  []*recBlock
	n       int
	paths   []string // territory paths, by terr
	pathIdx map[string]uint16
	imports map[int64]bool // done imports whose records it holds
	// lastRowid is the highest rowid among the records it holds (SQLite):
	// rowids grow with every import, which write one at a time, so later
	// imports' records lie past it, and the index finds them by rowid
	// without reading the table.
	lastRowid int64
}

// epochDay is the number of days from 1970-01-01 to t's date, the day a
// record is filed under; the index holds days 0–65535 (to 2149).
func epochDay(t time.Time) int {
	return int(calendarDate(t).Unix() / 86400)
}

type recCache struct {
	mu      sync.Mutex
	idx     *recIndex
	running bool
	// unusable says why the index cannot hold the records (a category it
	// does not know, a day out of range, too many territories): every
	// query then reads the database.
	unusable string
	wg       sync.WaitGroup
	// file is where the index is saved (see offense_index_file.go), ""
	// for nowhere; saved holds the imports the file holds, and fromFile
	// how many records were read from it at start.
	file     string
	saved    map[int64]bool
	fromFile int
}

// doneImports returns the ids of the done imports.
func (db *DB) doneImports(ctx context.Context) (map[int64]bool, error) {
	rows, err := db.query(ctx, `SELECT id FROM offense_imports WHERE status = ?`, aldyn.ImportDone)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	ids := map[int64]bool{}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, db.normalize(err)
		}
		ids[id] = true
	}
	return ids, db.normalize(rows.Err())
}

// recordIndex returns the index when it holds every done import. Otherwise
// it starts bringing it up to date in the background, unless that is
// already under way, and returns nil.
func (db *DB) recordIndex(ctx context.Context) (*recIndex, error) {
	done, err := db.doneImports(ctx)
	if err != nil {
		return nil, err
	}
	c := &db.records
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.unusable != "" {
		return nil, nil
	}
	if c.idx != nil && sameKeys(c.idx.imports, done) {
		return c.idx, nil
	}
	if !c.running {
		c.running = true
		c.wg.Add(1)
		go func() {
			defer c.wg.Done()
			err := db.refreshIndex(db.bg)
			c.mu.Lock()
			c.running = false
			c.mu.Unlock()
			if err != nil && db.bg.Err() == nil {
				db.Log.Warn("could not load the offense records into memory", "error", err)
			}
		}()
	}
	return nil, nil
}

func sameKeys(a, b map[int64]bool) bool {
	if len(a) != len(b) {
		return false
	}
	for k := range b {
		if !a[k] {
			return false
		}
	}
	return true
}

// refreshIndex reads the records of the done imports the index lacks
// and publishes the index with them. A concurrent import may commit while
// it reads; it publishes only when the done imports did not change
// meanwhile, and reads again otherwise (a few times at most).
func (db *DB) refreshIndex(ctx context.Context) error {
	start := time.Now()
	c := &db.records
	c.mu.Lock()
	file, first := c.file, c.idx == nil && c.saved == nil
	c.mu.Unlock()
	if file != "" && first {
		// At start, the records saved by the last run, if they are still
		// this database's; the imports done since are read below.
		idx, why, err := db.readIndexFile(ctx, file)
		if err != nil {
			return err
		}
		c.mu.Lock()
		c.saved = map[int64]bool{}
		if idx != nil {
			c.idx, c.saved, c.fromFile = idx, idx.imports, idx.n
		}
		c.mu.Unlock()
		if why != "" {
			db.Log.Info("saved offense records not used; reading them from the database", "file", file, "reason", why)
		}
	}
	for attempt := 0; attempt < 3; attempt++ {
		before, err := db.doneImports(ctx)
		if err != nil {
			return err
		}
		c.mu.Lock()
		old := c.idx
		c.mu.Unlock()
		next, err := db.extendIndex(ctx, old, before)
		if err != nil {
			var u unusableIndex
			if errors.As(err, &u) {
				c.mu.Lock()
				c.unusable, c.idx = string(u), nil
				c.mu.Unlock()
				db.Log.Warn("offense records cannot be kept in memory; maps and tables read the database", "reason", string(u))
				return nil
			}
			return err
		}
		after, err := db.doneImports(ctx)
		if err != nil {
			return err
		}
		if sameKeys(before, after) {
			c.mu.Lock()
			c.idx = next
			c.mu.Unlock()
			// Reading the records left garbage several times the
			// index's size: hand its pages back to the system now rather
			// than over the next minutes.
			debug.FreeOSMemory()
			c.mu.Lock()
			fromFile := c.fromFile
			c.mu.Unlock()
			db.Log.Info("offense records in memory", "records", next.n, "from_file", fromFile, "took", time.Since(start).Round(time.Millisecond).String())
			if file != "" && !sameKeys(c.saved, next.imports) {
				if err := db.writeIndexFile(ctx, file, next); err != nil {
					db.Log.Warn("could not save the offense records in memory", "file", file, "error", err)
				} else {
					c.mu.Lock()
					c.saved = next.imports
					c.mu.Unlock()
				}
			}
			return nil
		}
	}
	return nil
}

type unusableIndex string

func (u unusableIndex) Error() string { return string(u) }

// extendIndex returns old with the records of the imports of done it
// lacks (all records when old is nil).
func (db *DB) extendIndex(ctx context.Context, old *recIndex, done map[int64]bool) (*recIndex, error) {
	next := &recIndex{pathIdx: map[string]uint16{}, imports: done}
	cols := `lon, lat, ` + db.epochDaySQL("day") + `, weekday, hour, category, subgroup, source, territory_path`
	if db.Dialect == SQLite {
		cols += ", rowid"
	} else {
		cols += ", 0"
	}
	var q string
	var args []any
	if old == nil {
		q = `SELECT ` + cols + ` FROM offenses WHERE ` + unpublished
	} else {
		next.paths = slices.Clone(old.paths)
		for i, p := range next.paths {
			next.pathIdx[p] = uint16(i)
		}
		var ids []string
		for id := range done {
			if !old.imports[id] {
				ids = append(ids, strconv.FormatInt(id, 10))
			}
		}
		if len(ids) == 0 {
			next.blocks, next.n = old.blocks, old.n
			return next, nil
		}
		for id := range old.imports {
			if !done[id] {
				// An import it holds is no longer done: rebuild.
				return db.extendIndex(ctx, nil, done)
			}
		}
		// The full blocks are shared; the last, partly filled one is
		// copied so that readers of old never see it change.
		next.blocks, next.n, next.lastRowid = slices.Clone(old.blocks), old.n, old.lastRowid
		if k := len(next.blocks); k > 0 && old.n%recBlockSize != 0 {
			b := *next.blocks[k-1]
			next.blocks[k-1] = &b
		}
		q = `SELECT ` + cols + ` FROM offenses WHERE import_id IN (` + strings.Join(ids, ",") + `)`
		if db.Dialect == SQLite {
			q += ` AND rowid > ?`
			args = append(args, old.lastRowid)
		}
	}
	rows, err := db.query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	catIdx := map[string]uint8{}
	for i, c := range aldyn.OffenseCategories {
		catIdx[c] = uint8(i)
	}
	var lon, lat sql.NullFloat64
	var day, weekday, hour, rowid int64
	var cat, subgroup, src, path sql.RawBytes
	for rows.Next() {
		if err := rows.Scan(&lon, &lat, &day, &weekday, &hour, &cat, &subgroup, &src, &path, &rowid); err != nil {
			return nil, db.normalize(err)
		}
		next.lastRowid = max(next.lastRowid, rowid)
		var kind uint8
		x, okx := snapLon(lon.Float64)
		y, oky := snapLat(lat.Float64)
		if !lon.Valid || !lat.Valid || !okx || !oky {
			// Without a location, or outside the country's box: on no
			// map (see SnapLocation), in every table.
			x, y, kind = 0, 0, unlocatedBit
		}
		when := uint8(unknownWhen)
		if weekday >= 0 && weekday < 7 && hour >= 0 && hour < 24 {
			when = uint8(weekday<<5 | hour)
		}
		if day < 0 || day > math.MaxUint16 {
			return nil, unusableIndex(fmt.Sprintf("a record's day %d is outside the index's range", day))
		}
		c, ok := catIdx[string(cat)]
		if !ok {
			return nil, unusableIndex(fmt.Sprintf("unknown category %q", cat))
		}
		kind |= c
		if string(src) == aldyn.SourceOffenses {
			kind |= sourceBit
		}
		if aldyn.IsSensitive(string(cat), string(subgroup)) {
			kind |= sensitiveBit
		}
		t, ok := next.pathIdx[string(path)]
		if !ok {
			if len(next.paths) > math.MaxUint16 {
				return nil, unusableIndex("more territories than the index can number")
			}
			t = uint16(len(next.paths))
			next.paths = append(next.paths, string(path))
			next.pathIdx[string(path)] = t
		}
		i := next.n % recBlockSize
		if i == 0 {
			next.blocks = append(next.blocks, new(recBlock))
		}
		b := next.blocks[len(next.blocks)-1]
		b.x[i], b.y[i], b.day[i], b.kind[i], b.when[i], b.terr[i] = x, y, uint16(day), kind, when, t
		next.n++
	}
	return next, db.normalize(rows.Err())
}

// epochDaySQL is the number of days from 1970-01-01 to a date column.
func (db *DB) epochDaySQL(col string) string {
	if db.Dialect == Postgres {
		return "(" + col + " - DATE '1970-01-01')"
	}
	return "CAST(julianday(" + col + ") - 2440587.5 AS INTEGER)"
}

// PrepareOffenseIndex starts loading the records into memory in the
// background, so that the first map need not read the database. When file
// is not "", the records are read from it if it holds this database's
// index as saved by an earlier run, and the index is saved there whenever
// it changes (see offense_index_file.go).
func (db *DB) PrepareOffenseIndex(ctx context.Context, file string) error {
	c := &db.records
	c.mu.Lock()
	c.file = file
	c.mu.Unlock()
	_, err := db.recordIndex(ctx)
	return err
}

// OffenseLocations calls fn with every record of f located within bbox
// (edges included), at its location snapped to the lattice (SnapLocation),
// until fn returns false; from the in-memory index when it is up to date
// and can answer f (not for a precinct), from the database otherwise. It
// reports whether the index answered.
func (db *DB) OffenseLocations(ctx context.Context, f aldyn.OffenseFilter, bbox aldyn.BBox, fn func(aldyn.OffensePoint) bool) (fromIndex bool, err error) {
	if f.PrecinctCode == "" {
		idx, err := db.recordIndex(ctx)
		if err != nil {
			return false, err
		}
		if idx != nil {
			idx.scan(f, bbox, fn)
			return true, nil
		}
	}
	return false, db.offenseLocationsSQL(ctx, f, bbox, fn)
}

var errStop = errors.New("stop")

// offenseLocationsSQL is OffenseLocations read from the database.
func (db *DB) offenseLocationsSQL(ctx context.Context, f aldyn.OffenseFilter, bbox aldyn.BBox, fn func(aldyn.OffensePoint) bool) error {
	// Records up to a lattice step outside the box may snap into it.
	wide := aldyn.BBox{MinLon: bbox.MinLon - 2*lonStep, MaxLon: bbox.MaxLon + 2*lonStep,
		MinLat: bbox.MinLat - 2*latStep, MaxLat: bbox.MaxLat + 2*latStep}
	_, err := db.OffensePoints(ctx, f, &wide, 0, func(p aldyn.OffensePoint) error {
		lon, lat, ok := SnapLocation(p.Lon, p.Lat)
		if ok && lon >= bbox.MinLon && lon <= bbox.MaxLon && lat >= bbox.MinLat && lat <= bbox.MaxLat {
			p.Lon, p.Lat = lon, lat
			if !fn(p) {
				return errStop
			}
		}
		return nil
	})
	if errors.Is(err, errStop) {
		return nil
	}
	return err
}

// recFilter is an aldyn.OffenseFilter compiled for the index: the
// territories, the kinds and the days it takes.
type recFilter struct {
	terr   []bool
	kinds  [256]bool
	d0, d1 int
}

// compile returns f for the index, and false when f matches nothing. With
// located, records without a location are left out.
func (idx *recIndex) compile(f aldyn.OffenseFilter, located bool) (*recFilter, bool) {
	if strings.ContainsRune(f.Under, 0) {
		return nil, false // the public's match-nothing scope
	}
	rf := &recFilter{terr: make([]bool, len(idx.paths)), d0: 0, d1: math.MaxUint16 + 1}
	for i, p := range idx.paths {
		rf.terr[i] = strings.HasPrefix(p, f.Under) && (f.TerritoryCode == "" || pathCode(p) == f.TerritoryCode)
	}
	for i, c := range aldyn.OffenseCategories {
		if len(f.Categories) > 0 && !slices.Contains(f.Categories, c) {
			continue
		}
		for _, src := range []uint8{0, sourceBit} {
			if src == 0 && f.Source == aldyn.SourceOffenses || src == sourceBit && f.Source == aldyn.SourceCrimes {
				continue
			}
			for _, loc := range []uint8{0, unlocatedBit} {
				if loc != 0 && located {
					continue
				}
				rf.kinds[uint8(i)|src|loc] = !(f.ExcludeSensitive && c == aldyn.CategoryRape)
				rf.kinds[uint8(i)|src|loc|sensitiveBit] = !f.ExcludeSensitive
			}
		}
	}
	if f.From != nil {
		rf.d0 = max(rf.d0, epochDay(*f.From))
	}
	if f.To != nil {
		rf.d1 = min(rf.d1, epochDay(*f.To))
	}
	return rf, rf.d0 < rf.d1
}

// scan calls fn for the located records of f within bbox until it
// returns false.
func (idx *recIndex) scan(f aldyn.OffenseFilter, bbox aldyn.BBox, fn func(aldyn.OffensePoint) bool) {
	rf, ok := idx.compile(f, true)
	x0, x1 := latticeRange(bbox.MinLon, bbox.MaxLon, latticeLon, lonStep, aldyn.MinLon)
	y0, y1 := latticeRange(bbox.MinLat, bbox.MaxLat, latticeLat, latStep, aldyn.MinLat)
	if !ok || x0 >= x1 || y0 >= y1 {
		return
	}
	for bi, b := range idx.blocks {
		n := min(idx.n-bi*recBlockSize, recBlockSize)
		for i := 0; i < n; i++ {
			x, y, d := int(b.x[i]), int(b.y[i]), int(b.day[i])
			if x < x0 || x >= x1 || y < y0 || y >= y1 || d < rf.d0 || d >= rf.d1 || !rf.kinds[b.kind[i]] || !rf.terr[b.terr[i]] {
				continue
			}
			p := aldyn.OffensePoint{Lon: latticeLon(b.x[i]), Lat: latticeLat(b.y[i]), Category: aldyn.OffenseCategories[b.kind[i]&categoryMask],
				Sensitive: b.kind[i]&sensitiveBit != 0}
			if !fn(p) {
				return
			}
		}
	}
}

// timeProfile counts the records of f by weekday and hour of the day, as
// OffenseTimeProfile does.
func (idx *recIndex) timeProfile(f aldyn.OffenseFilter) (grid [7][24]int, unknownHour int) {
	rf, ok := idx.compile(f, false)
	if !ok {
		return grid, 0
	}
	var counts [256]int
	for bi, b := range idx.blocks {
		n := min(idx.n-bi*recBlockSize, recBlockSize)
		for i := 0; i < n; i++ {
			if d := int(b.day[i]); d >= rf.d0 && d < rf.d1 && rf.kinds[b.kind[i]] && rf.terr[b.terr[i]] {
				counts[b.when[i]]++
			}
		}
	}
	for w, n := range counts {
		if w == unknownWhen {
			unknownHour = n
		} else if n > 0 {
			grid[w>>5][w&31] = n
		}
	}
	return grid, unknownHour
}

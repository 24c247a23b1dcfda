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

// Locations for grids and hot spots.
//
// A map cell counts the records located in it, and at national extent
// that is every located record: ten million of them take the database
// seconds to hand over, whatever the index. So the locations are also
// kept in memory, nine bytes a record (ninety megabytes for ten million),
// as columns of small integers: the location snapped to a lattice of
// 65,536 × 65,536 nodes over the country's box (about 14 m east–west and
// 7 m north–south, far finer than the smallest map cell of 250 m), the
// day, the category, register and sensitivity (aldyn.IsSensitive), and
// the territory. Counting a grid over them is one pass of integer
// comparisons: tens of milliseconds for ten million records.
//
// Both ways of answering, from memory and from the database, count a
// record at its snapped location (SnapLocation), so they give the same
// grid to the last cell, which a test checks on many filters.
//
// Records are only ever added, by imports that each leave a done entry in
// offense_imports when they commit: the index remembers the imports it
// holds and, when others are done, reads their records and appends them,
// in the background. Until the index has caught up, and for a precinct,
// OffenseLocations reads the database.

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

// locBlock holds the located records of a stretch of the index. Blocks
// are filled in order and never change once full, so a published index
// shares its full blocks with the next.
const locBlockSize = 1 << 16

type locBlock struct {
	x, y, day, terr [locBlockSize]uint16
	kind            [locBlockSize]uint8 // category index | sensitiveBit | sourceBit
}

// The bits of locBlock.kind above the category's index.
const (
	sensitiveBit = 0x40 // aldyn.IsSensitive
	sourceBit    = 0x80 // the offenses register (else crimes)
	categoryMask = 0x3f
)

// locIndex is one immutable state of the index.
type locIndex struct {
	blocks  []*locBlock
	n       int
	paths   []string // territory paths, by terr
	pathIdx map[string]uint16
	imports map[int64]bool // done imports whose records it holds
}

// epochDay is the number of days from 1970-01-01 to t's date, the day a
// record is filed under; the index holds days 0–65535 (to 2149).
func epochDay(t time.Time) int {
	return int(calendarDate(t).Unix() / 86400)
}

type locCache struct {
	mu      sync.Mutex
	idx     *locIndex
	running bool
	// unusable says why the index cannot hold the records (a category it
	// does not know, a day out of range, too many territories): every
	// query then reads the database.
	unusable string
	wg       sync.WaitGroup
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

// locations returns the index when it holds every done import. Otherwise
// it starts bringing it up to date in the background, unless that is
// already under way, and returns nil.
func (db *DB) locations(ctx context.Context) (*locIndex, error) {
	done, err := db.doneImports(ctx)
	if err != nil {
		return nil, err
	}
	c := &db.locs
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
			err := db.refreshLocations(db.bg)
			c.mu.Lock()
			c.running = false
			c.mu.Unlock()
			if err != nil && db.bg.Err() == nil {
				db.Log.Warn("offense location index", "error", err)
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

// refreshLocations reads the records of the done imports the index lacks
// and publishes the index with them. A concurrent import may commit while
// it reads; it publishes only when the done imports did not change
// meanwhile, and reads again otherwise (a few times at most).
func (db *DB) refreshLocations(ctx context.Context) error {
	start := time.Now()
	for attempt := 0; attempt < 3; attempt++ {
		before, err := db.doneImports(ctx)
		if err != nil {
			return err
		}
		c := &db.locs
		c.mu.Lock()
		old := c.idx
		c.mu.Unlock()
		next, err := db.extendLocations(ctx, old, before)
		if err != nil {
			var u unusableIndex
			if errors.As(err, &u) {
				c.mu.Lock()
				c.unusable, c.idx = string(u), nil
				c.mu.Unlock()
				db.Log.Warn("offense location index unusable, maps read the database", "reason", string(u))
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
			db.Log.Info("offense locations in memory", "records", next.n, "took", time.Since(start).Round(time.Millisecond).String())
			return nil
		}
	}
	return nil
}

type unusableIndex string

func (u unusableIndex) Error() string { return string(u) }

// extendLocations returns old with the located records of the imports of
// done it lacks (all records when old is nil).
func (db *DB) extendLocations(ctx context.Context, old *locIndex, done map[int64]bool) (*locIndex, error) {
	next := &locIndex{pathIdx: map[string]uint16{}, imports: done}
	var q string
	if old == nil {
		q = `SELECT lon, lat, ` + db.epochDaySQL("day") + `, category, subgroup, source, territory_path FROM offenses WHERE lat IS NOT NULL`
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
				return db.extendLocations(ctx, nil, done)
			}
		}
		// The full blocks are shared; the last, partly filled one is
		// copied so that readers of old never see it change.
		next.blocks, next.n = slices.Clone(old.blocks), old.n
		if k := len(next.blocks); k > 0 && old.n%locBlockSize != 0 {
			b := *next.blocks[k-1]
			next.blocks[k-1] = &b
		}
		q = `SELECT lon, lat, ` + db.epochDaySQL("day") + `, category, subgroup, source, territory_path FROM offenses
			WHERE lat IS NOT NULL AND import_id IN (` + strings.Join(ids, ",") + `)`
	}
	rows, err := db.query(ctx, q)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	catIdx := map[string]uint8{}
	for i, c := range aldyn.OffenseCategories {
		catIdx[c] = uint8(i)
	}
	var lon, lat float64
	var day int64
	var cat, subgroup, src, path sql.RawBytes
	for rows.Next() {
		if err := rows.Scan(&lon, &lat, &day, &cat, &subgroup, &src, &path); err != nil {
			return nil, db.normalize(err)
		}
		x, okx := snapLon(lon)
		y, oky := snapLat(lat)
		if !okx || !oky {
			continue // on no map (see SnapLocation)
		}
		if day < 0 || day > math.MaxUint16 {
			return nil, unusableIndex(fmt.Sprintf("a record's day %d is outside the index's range", day))
		}
		kind, ok := catIdx[string(cat)]
		if !ok {
			return nil, unusableIndex(fmt.Sprintf("unknown category %q", cat))
		}
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
		i := next.n % locBlockSize
		if i == 0 {
			next.blocks = append(next.blocks, new(locBlock))
		}
		b := next.blocks[len(next.blocks)-1]
		b.x[i], b.y[i], b.day[i], b.kind[i], b.terr[i] = x, y, uint16(day), kind, t
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

// PrepareOffenseLocations starts loading the record locations into memory
// in the background, so that the first map need not read the database.
func (db *DB) PrepareOffenseLocations(ctx context.Context) error {
	_, err := db.locations(ctx)
	return err
}

// OffenseLocations calls fn with every record of f located within bbox
// (edges included), at its location snapped to the lattice (SnapLocation),
// until fn returns false; from the in-memory index when it is up to date
// and can answer f (not for a precinct), from the database otherwise. It
// reports whether the index answered.
func (db *DB) OffenseLocations(ctx context.Context, f aldyn.OffenseFilter, bbox aldyn.BBox, fn func(aldyn.OffensePoint) bool) (fromIndex bool, err error) {
	if f.PrecinctCode == "" {
		idx, err := db.locations(ctx)
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

// scan calls fn for the records of f within bbox until it returns false.
func (idx *locIndex) scan(f aldyn.OffenseFilter, bbox aldyn.BBox, fn func(aldyn.OffensePoint) bool) {
	if strings.ContainsRune(f.Under, 0) {
		return // the public's match-nothing scope
	}
	x0, x1 := latticeRange(bbox.MinLon, bbox.MaxLon, latticeLon, lonStep, aldyn.MinLon)
	y0, y1 := latticeRange(bbox.MinLat, bbox.MaxLat, latticeLat, latStep, aldyn.MinLat)
	if x0 >= x1 || y0 >= y1 {
		return
	}
	terr := make([]bool, len(idx.paths))
	for i, p := range idx.paths {
		terr[i] = strings.HasPrefix(p, f.Under) && (f.TerritoryCode == "" || pathCode(p) == f.TerritoryCode)
	}
	var kinds [256]bool
	for i, c := range aldyn.OffenseCategories {
		if len(f.Categories) > 0 && !slices.Contains(f.Categories, c) {
			continue
		}
		for _, src := range []uint8{0, sourceBit} {
			if src == 0 && f.Source == aldyn.SourceOffenses || src == sourceBit && f.Source == aldyn.SourceCrimes {
				continue
			}
			kinds[uint8(i)|src] = !(f.ExcludeSensitive && c == aldyn.CategoryRape)
			kinds[uint8(i)|src|sensitiveBit] = !f.ExcludeSensitive
		}
	}
	d0, d1 := 0, math.MaxUint16+1
	if f.From != nil {
		d0 = max(d0, epochDay(*f.From))
	}
	if f.To != nil {
		d1 = min(d1, epochDay(*f.To))
	}
	for bi, b := range idx.blocks {
		n := min(idx.n-bi*locBlockSize, locBlockSize)
		for i := 0; i < n; i++ {
			x, y, d := int(b.x[i]), int(b.y[i]), int(b.day[i])
			if x < x0 || x >= x1 || y < y0 || y >= y1 || d < d0 || d >= d1 || !kinds[b.kind[i]] || !terr[b.terr[i]] {
				continue
			}
			p := aldyn.OffensePoint{Lon: latticeLon(b.x[i]), Lat: latticeLat(b.y[i]), Category: aldyn.OffenseCategories[b.kind[i]&categoryMask]}
			if !fn(p) {
				return
			}
		}
	}
}

package store

import (
	"cmp"
	"context"
	"database/sql"
	"math"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/aldyn-kg/aldyn"
)

// The public map's points in memory.
//
// The public map at national extent counts every published report: a
// hundred thousand of them take the database most of a second to group
// on a loaded machine, for every new view and filter. What the map needs
// of a report (its public point, category, status, day and territory) is
// also kept in memory, about 60 bytes a report, and a view is one pass
// over it: a few milliseconds for a hundred thousand.
//
// The index is read whole in the background on the first map asked for
// (a second or more for a hundred thousand reports on a loaded machine);
// until it is ready, the database answers, with the same cells (tests
// check both ways on many filters). Reports are added and changed, never
// deleted. Before answering, the index reads the rows changed since it last read (a new id, or an update
// time at or after the newest it saw: both index look-ups), so changes
// made by another process count too; a report no longer published, or
// merged, leaves it. Public categories and territory paths are read at
// each answer, as they are few.

// residentPoint is one published report on the public map.
type residentPoint struct {
	id        int64
	lat, lon  float64
	category  int64
	status    aldyn.ResidentStatus
	created   time.Time
	territory string
}

type residentMapIndex struct {
	mu      sync.Mutex
	wg      sync.WaitGroup // the background read
	loading bool
	loaded  bool
	maxID   int64
	updated time.Time // the newest update time read
	points  map[int64]residentPoint
}

// refresh reads the rows changed since the last read into the index: two
// look-ups, each answered by its own index (an OR of both would read the
// table whole on SQLite).
func (x *residentMapIndex) refresh(ctx context.Context, db *DB) error {
	maxID, updated := x.maxID, x.updated
	changed := map[int64]*residentPoint{}
	if err := x.read(ctx, db, " WHERE r.id > ?", []any{x.maxID}, changed, &maxID, &updated); err != nil {
		return err
	}
	if err := x.read(ctx, db, " WHERE r.updated_at >= ?", []any{x.updated}, changed, &maxID, &updated); err != nil {
		return err
	}
	if x.points == nil {
		x.points = make(map[int64]residentPoint, len(changed))
	}
	for id, p := range changed {
		if p == nil {
			delete(x.points, id)
		} else {
			x.points[id] = *p
		}
	}
	x.loaded, x.maxID, x.updated = true, maxID, updated
	return nil
}

// build reads every report into a new index in the background, and makes
// it the index when done.
func (x *residentMapIndex) build(db *DB) {
	defer x.wg.Done()
	var maxID int64
	var updated time.Time
	changed := map[int64]*residentPoint{}
	err := x.read(db.bg, db, "", nil, changed, &maxID, &updated)
	x.mu.Lock()
	defer x.mu.Unlock()
	x.loading = false
	if err != nil {
		if db.bg.Err() == nil {
			db.Log.Warn("could not load the residents' map into memory", "error", err)
		}
		return
	}
	x.points = make(map[int64]residentPoint, len(changed))
	for id, p := range changed {
		if p != nil {
			x.points[id] = *p
		}
	}
	x.loaded, x.maxID, x.updated = true, maxID, updated
}

// read reads the rows the condition selects into changed: a point, or
// nil for a report no longer on the public map.
func (x *residentMapIndex) read(ctx context.Context, db *DB, cond string, args []any, changed map[int64]*residentPoint, maxID *int64, updated *time.Time) error {
	err := scanAll(ctx, db, func(rows *sql.Rows) error {
		var p residentPoint
		var lat, lon sql.NullFloat64
		var dup sql.NullInt64
		var published bool
		var status string
		var up time.Time
		if err := rows.Scan(&p.id, &lat, &lon, &p.category, &status, &p.created, &p.territory, boolInto{&published}, &dup, &up); err != nil {
			return err
		}
		p.status, p.created, up = aldyn.ResidentStatus(status), p.created.UTC(), up.UTC()
		*maxID = max(*maxID, p.id)
		if up.After(*updated) {
			*updated = up
		}
		if published && !dup.Valid && lat.Valid && lon.Valid {
			p.lat, p.lon = lat.Float64, lon.Float64
			changed[p.id] = &p
		} else {
			changed[p.id] = nil
		}
		return nil
	}, `SELECT r.id, r.pub_lat, r.pub_lon, r.category_id, r.status, r.created_at, r.territory_code, r.published, r.duplicate_of, r.updated_at
		FROM resident_reports r`+cond, args...)
	return db.normalize(err)
}

// ResidentMapCells aggregates the public points of the reports f selects
// (published, in a public category, not merged; by f's category, status,
// period and territory) inside the box (west, south, east, north) into
// square cells of size degrees, so that a map of any extent gets at most a
// few hundred features. The grid is fixed to whole multiples of size, so
// cells do not move as the map pans. Cells come ordered by latitude, then
// longitude; each at the mean of its points.
func (db *DB) ResidentMapCells(ctx context.Context, f aldyn.ResidentReportFilter, box [4]float64, size float64) ([]MapCell, error) {
	cats, err := db.FindResidentCategories(ctx, false)
	if err != nil {
		return nil, err
	}
	public := map[int64]bool{}
	for _, c := range cats {
		if c.Public && (f.CategoryID == nil || *f.CategoryID == c.ID) {
			public[c.ID] = true
		}
	}
	var inTerritory map[string]bool
	if f.Territory != "" {
		paths, err := db.TerritoryPaths(ctx)
		if err != nil {
			return nil, err
		}
		inTerritory = map[string]bool{}
		for code, p := range paths {
			if strings.HasPrefix(p, f.Territory) {
				inTerritory[code] = true
			}
		}
	}
	x := &db.residentMap
	x.mu.Lock()
	defer x.mu.Unlock()
	if !x.loaded {
		if !x.loading && db.bg.Err() == nil {
			x.loading = true
			x.wg.Add(1)
			go x.build(db)
		}
		return db.residentMapCellsSQL(ctx, f, box, size)
	}
	if err := x.refresh(ctx, db); err != nil {
		return nil, err
	}
	type acc struct {
		n          int
		lat, lon   float64
		minID      int64
		cLat, cLon int64
	}
	cells := map[[2]int64]*acc{}
	for _, p := range x.points {
		if !public[p.category] || p.lat < box[1] || p.lat > box[3] || p.lon < box[0] || p.lon > box[2] ||
			(f.Status != nil && p.status != *f.Status) || (f.From != nil && p.created.Before(*f.From)) ||
			(f.To != nil && !p.created.Before(*f.To)) || (inTerritory != nil && !inTerritory[p.territory]) {
			continue
		}
		// As the database does: a cast truncates, and Kyrgyzstan lies at
		// positive latitudes and longitudes.
		k := [2]int64{int64(math.Floor(p.lat / size)), int64(math.Floor(p.lon / size))}
		c := cells[k]
		if c == nil {
			c = &acc{minID: p.id, cLat: k[0], cLon: k[1]}
			cells[k] = c
		}
		c.n++
		c.lat += p.lat
		c.lon += p.lon
		c.minID = min(c.minID, p.id)
	}
	list := make([]*acc, 0, len(cells))
	for _, c := range cells {
		list = append(list, c)
	}
	slices.SortFunc(list, func(a, b *acc) int {
		if a.cLat != b.cLat {
			return cmp.Compare(a.cLat, b.cLat)
		}
		return cmp.Compare(a.cLon, b.cLon)
	})
	out := make([]MapCell, len(list))
	for i, c := range list {
		out[i] = MapCell{Lat: c.lat / float64(c.n), Lon: c.lon / float64(c.n), Count: c.n}
		if c.n == 1 {
			out[i].ID = c.minID
		}
	}
	return out, nil
}

// WaitResidentMap starts reading the public map's index if nothing has
// and waits until it is read, for benchmarks and tools that time the map
// once it answers from memory.
func (db *DB) WaitResidentMap(ctx context.Context) error {
	if _, err := db.ResidentMapCells(ctx, aldyn.ResidentReportFilter{}, [4]float64{}, 1); err != nil {
		return err
	}
	db.residentMap.wg.Wait()
	return nil
}

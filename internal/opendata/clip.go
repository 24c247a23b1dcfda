package opendata

import (
	"context"
	"math"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/clip/smartclip"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/planar"

	"github.com/aldyn-kg/aldyn/internal/country"
	"github.com/aldyn-kg/aldyn/internal/stats"
	"github.com/aldyn-kg/aldyn/internal/store"
)

// territoryPieces cuts grid cells by territory boundaries: the piece of a
// cell a territory holds is (cell square ∩ its boundary). A territory
// without a boundary of its own is cut by its nearest ancestor's (the
// oblast's, which the reference data always has); with none, by the
// country's border.
type territoryPieces struct {
	grid   *stats.Grid
	shapes map[string]orb.MultiPolygon // path → boundary, outer rings CCW
	pieces map[pieceKey]orb.MultiPolygon
}

type pieceKey struct {
	boundary string // the path whose boundary cuts
	cell     int
}

func loadPieces(ctx context.Context, db *store.DB, grid *stats.Grid) (*territoryPieces, error) {
	bs, err := db.FindBoundaries(ctx, "/")
	if err != nil {
		return nil, err
	}
	p := &territoryPieces{grid: grid, shapes: map[string]orb.MultiPolygon{}, pieces: map[pieceKey]orb.MultiPolygon{}}
	for _, b := range bs {
		g, err := geojson.UnmarshalGeometry(b.Geometry)
		if err != nil {
			continue // a boundary that does not parse cuts nothing: its ancestor's does
		}
		var mp orb.MultiPolygon
		switch g := g.Geometry().(type) {
		case orb.Polygon:
			mp = orb.MultiPolygon{g}
		case orb.MultiPolygon:
			mp = g
		default:
			continue
		}
		mp = mp.Clone()
		for _, poly := range mp {
			for i, r := range poly {
				want := orb.CCW
				if i > 0 {
					want = orb.CW
				}
				if r.Orientation() != want {
					r.Reverse()
				}
			}
		}
		p.shapes[b.Territory.Path] = mp
	}
	return p, nil
}

// boundaryOf is the path whose boundary cuts a territory's pieces: its own
// or its nearest ancestor's; "" when none has one.
func (p *territoryPieces) boundaryOf(path string) string {
	for d := depth(path); d >= 1; d-- {
		if a := ancestor(path, d); p.shapes[a] != nil {
			return a
		}
	}
	return ""
}

// piece is the part of a cell inside the boundary of path b (see
// boundaryOf); nil when the cell lies outside it.
func (p *territoryPieces) piece(b string, cell int) orb.MultiPolygon {
	k := pieceKey{b, cell}
	if mp, ok := p.pieces[k]; ok {
		return mp
	}
	cb := p.grid.CellBounds(cell)
	box := orb.Bound{Min: orb.Point{cb.MinLon, cb.MinLat}, Max: orb.Point{cb.MaxLon, cb.MaxLat}}
	var out orb.MultiPolygon
	if b == "" {
		out = country.ClipBound(box)
	} else {
		out = clipToBound(box, p.shapes[b])
	}
	p.pieces[k] = out
	return out
}

// clipToBound is mp ∩ box: nil when they do not overlap.
func clipToBound(box orb.Bound, mp orb.MultiPolygon) orb.MultiPolygon {
	var out orb.MultiPolygon
	for _, poly := range mp {
		if !poly.Bound().Intersects(box) {
			continue
		}
		// smartclip modifies its input: clip a copy.
		cut := smartclip.Polygon(box, poly.Clone(), orb.CCW)
		if cut == nil {
			// No edge crosses the box: it lies wholly inside the polygon
			// (or in a hole, or outside).
			if planar.PolygonContains(poly, box.Center()) {
				out = append(out, box.ToPolygon())
			}
			continue
		}
		for _, c := range cut {
			if math.Abs(planar.Area(c)) > 0 {
				out = append(out, c)
			}
		}
	}
	return out
}

// nearestPiece returns, for a cell where the territory cut by boundary b
// holds no ground (a record geocoded just outside its own territory), the
// nearest cell where it does, so that the record stays in its territory
// rather than being counted in ground that is another's. ok is false when
// the territory holds no cell within reach.
func (p *territoryPieces) nearestPiece(b string, cell int) (int, bool) {
	if p.piece(b, cell) != nil {
		return cell, true
	}
	nx, ny := p.grid.NX, p.grid.NY
	cx, cy := cell%nx, cell/nx
	cb := p.grid.CellBounds(cell)
	centre := orb.Point{(cb.MinLon + cb.MaxLon) / 2, (cb.MinLat + cb.MaxLat) / 2}
	best, bestD := -1, math.Inf(1)
	// Search rings of cells outward; a piece found in ring r may be
	// farther than one in ring r+1 (cells are not round), so look one
	// ring beyond the first find.
	found := -1
	for r := 1; r <= 64 && (found < 0 || r <= found+1); r++ {
		for y := cy - r; y <= cy+r; y++ {
			for x := cx - r; x <= cx+r; x++ {
				if (x != cx-r && x != cx+r && y != cy-r && y != cy+r) || x < 0 || y < 0 || x >= nx || y >= ny {
					continue
				}
				c := y*nx + x
				pc := p.piece(b, c)
				if pc == nil {
					continue
				}
				if found < 0 {
					found = r
				}
				if d := distance(pc, centre); d < bestD {
					best, bestD = c, d
				}
			}
		}
	}
	return best, best >= 0
}

// distance is the planar distance from a point to a multipolygon's
// boundary, 0 inside.
func distance(mp orb.MultiPolygon, pt orb.Point) float64 {
	if planar.MultiPolygonContains(mp, pt) {
		return 0
	}
	return planar.DistanceFrom(mp, pt)
}

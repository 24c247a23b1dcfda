// Package country holds the outline of the Kyrgyz Republic, dissolved from
// the embedded oblast boundaries (internal/refdata/kg-adm1.geojson), and the
// geometry the maps need of it: clipping grid cells to the border and
// telling whether a shape lies within the country.
package country

import (
	"encoding/json"
	"fmt"
	"math"
	"sync"

	"github.com/aldyn-kg/aldyn/internal/refdata"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/clip/smartclip"
	"github.com/paulmach/orb/planar"
)

var (
	once    sync.Once
	outline orb.Polygon
	bound   orb.Bound
	onceErr error
)

// Outline returns the country's outline: the outer ring (counter-clockwise)
// then its holes (the enclaves of neighbouring states in Batken oblast).
// The result is shared: callers must not modify it.
func Outline() orb.Polygon {
	once.Do(func() {
		outline, onceErr = dissolve(refdata.MustRead("kg-adm1.geojson"))
		if onceErr == nil {
			bound = outline.Bound()
		}
	})
	if onceErr != nil {
		// The file is embedded and checked by the tests: a failure here is
		// a broken build, not bad input.
		panic("country: " + onceErr.Error())
	}
	return outline
}

// dissolve merges the oblast polygons into one by dropping every edge two
// oblasts share (the files come from one source, so shared borders have the
// same vertices, walked in opposite directions) and chaining the rest.
func dissolve(geojson []byte) (orb.Polygon, error) {
	var fc struct {
		Features []struct {
			Geometry struct {
				Type        string          `json:"type"`
				Coordinates json.RawMessage `json:"coordinates"`
			} `json:"geometry"`
		} `json:"features"`
	}
	if err := json.Unmarshal(geojson, &fc); err != nil {
		return nil, err
	}
	type edge struct{ a, b orb.Point }
	var edges []edge
	seen := map[edge]bool{}
	for _, f := range fc.Features {
		var polys [][][][2]float64
		switch f.Geometry.Type {
		case "Polygon":
			var p [][][2]float64
			if err := json.Unmarshal(f.Geometry.Coordinates, &p); err != nil {
				return nil, err
			}
			polys = append(polys, p)
		case "MultiPolygon":
			if err := json.Unmarshal(f.Geometry.Coordinates, &polys); err != nil {
				return nil, err
			}
		default:
			return nil, fmt.Errorf("unexpected geometry %q", f.Geometry.Type)
		}
		for _, p := range polys {
			for _, r := range p {
				for i := 1; i < len(r); i++ {
					e := edge{orb.Point(r[i-1]), orb.Point(r[i])}
					if e.a != e.b {
						edges = append(edges, e)
						seen[e] = true
					}
				}
			}
		}
	}
	next := map[orb.Point][]orb.Point{}
	var starts []edge
	for _, e := range edges {
		if seen[edge{e.b, e.a}] {
			continue // an inner border
		}
		next[e.a] = append(next[e.a], e.b)
		starts = append(starts, e)
	}
	used := map[edge]bool{}
	var rings []orb.Ring
	for _, s := range starts {
		if used[s] {
			continue
		}
		r := orb.Ring{s.a}
		cur := s
		for !used[cur] {
			used[cur] = true
			r = append(r, cur.b)
			var nb *orb.Point
			for _, p := range next[cur.b] {
				if !used[edge{cur.b, p}] {
					nb = &p
					break
				}
			}
			if nb == nil {
				break
			}
			cur = edge{cur.b, *nb}
		}
		if !r.Closed() || len(r) < 4 {
			return nil, fmt.Errorf("outline ring from %v does not close", s.a)
		}
		rings = append(rings, r)
	}
	if len(rings) == 0 {
		return nil, fmt.Errorf("no outline")
	}
	// The largest ring is the border; the others are holes in it.
	big := 0
	for i, r := range rings {
		if math.Abs(planar.Area(r)) > math.Abs(planar.Area(rings[big])) {
			big = i
		}
	}
	rings[0], rings[big] = rings[big], rings[0]
	for i, r := range rings {
		want := orb.CW
		if i == 0 {
			want = orb.CCW
		}
		if r.Orientation() != want {
			r.Reverse()
		}
	}
	return orb.Polygon(rings), nil
}

// ClipBound returns the part of the country inside b: nil when b lies
// wholly outside, b itself when wholly inside, else the clipped pieces.
func ClipBound(b orb.Bound) orb.MultiPolygon {
	c := Outline()
	if !bound.Intersects(b) {
		return nil
	}
	var mp orb.MultiPolygon
	if nearBorder(c, b) {
		// smartclip modifies its input: clip a copy.
		mp = smartclip.Polygon(b, c.Clone(), orb.CCW)
	}
	if mp == nil {
		// No edge of the outline crosses b: it is all in or all out.
		if inside(c, b.Center()) {
			return orb.MultiPolygon{b.ToPolygon()}
		}
		return nil
	}
	out := mp[:0]
	for _, p := range mp {
		if planar.Area(p) > 0 {
			out = append(out, p)
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// inside reports whether p lies in polygon c by the even-odd rule over
// all its rings, so holes count as outside. Unlike planar.PolygonContains
// it does not recompute the rings' bounds on every call.
func inside(c orb.Polygon, p orb.Point) bool {
	in := false
	for _, r := range c {
		for i, j := 0, len(r)-1; i < len(r); j, i = i, i+1 {
			a, b := r[i], r[j]
			if (a[1] > p[1]) != (b[1] > p[1]) && p[0] < (b[0]-a[0])*(p[1]-a[1])/(b[1]-a[1])+a[0] {
				in = !in
			}
		}
	}
	return in
}

// nearBorder reports whether an edge of the outline may cross b: most
// cells lie far from the border and need no clipping.
func nearBorder(c orb.Polygon, b orb.Bound) bool {
	for _, r := range c {
		for i := 1; i < len(r); i++ {
			p, q := r[i-1], r[i]
			if min(p[0], q[0]) <= b.Max[0] && max(p[0], q[0]) >= b.Min[0] &&
				min(p[1], q[1]) <= b.Max[1] && max(p[1], q[1]) >= b.Min[1] {
				return true
			}
		}
	}
	return false
}

// Contains reports whether every vertex of g lies in the country or
// within tolerance degrees of its border. The border is Natural Earth's at
// 1:10m, a few hundred metres off the real one in places, so shapes
// drawn on a detailed map need the margin.
func Contains(g orb.Geometry, tolerance float64) bool {
	c := Outline()
	ok := true
	visit(g, func(p orb.Point) {
		if !ok || inside(c, p) {
			return
		}
		ok = distanceToBorder(c, p) <= tolerance
	})
	return ok
}

func visit(g orb.Geometry, fn func(orb.Point)) {
	switch g := g.(type) {
	case orb.Point:
		fn(g)
	case orb.Ring:
		for _, p := range g {
			fn(p)
		}
	case orb.Polygon:
		for _, r := range g {
			visit(r, fn)
		}
	case orb.MultiPolygon:
		for _, p := range g {
			visit(p, fn)
		}
	}
}

// distanceToBorder is the planar distance in degrees from p to the
// nearest edge of the outline.
func distanceToBorder(c orb.Polygon, p orb.Point) float64 {
	best := math.Inf(1)
	for _, r := range c {
		for i := 1; i < len(r); i++ {
			best = min(best, planar.DistanceFromSegment(r[i-1], r[i], p))
		}
	}
	return best
}

package residents

import (
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/planar"
)

// Area is a territory's boundary, as stored (GeoJSON geometry).
type Area struct {
	Code     string
	Path     string
	Geometry []byte
}

// Contains reports whether the polygon or multipolygon g holds the point;
// a geometry that is not one holds nothing.
func Contains(g []byte, lat, lon float64) bool {
	geom, err := geojson.UnmarshalGeometry(g)
	if err != nil {
		return false
	}
	pt := orb.Point{lon, lat}
	switch p := geom.Geometry().(type) {
	case orb.Polygon:
		return planar.PolygonContains(p, pt)
	case orb.MultiPolygon:
		return planar.MultiPolygonContains(p, pt)
	}
	return false
}

// Locate returns the most specific of areas (the longest path) holding
// the point, and false when none does.
func Locate(areas []Area, lat, lon float64) (Area, bool) {
	var best Area
	found := false
	for _, a := range areas {
		if (!found || len(a.Path) > len(best.Path)) && Contains(a.Geometry, lat, lon) {
			best, found = a, true
		}
	}
	return best, found
}

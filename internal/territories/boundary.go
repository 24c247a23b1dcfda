package territories

import (
	"bytes"
	"encoding/json"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/country"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
)

// Limits of a precinct's boundary drawn or pasted by hand.
const (
	// MaxBoundaryVertices bounds the points of one precinct's boundary: a
	// precinct drawn from a detailed survey has hundreds; tens of
	// thousands would slow every map that shows it.
	MaxBoundaryVertices = 10_000
	// BorderTolerance is how far (degrees, about 2 km) a vertex may lie
	// outside the embedded 1:10m border, which is coarse.
	BorderTolerance = 0.02
)

// ParsePrecinctBoundary reads a precinct's boundary given as GeoJSON: a
// Polygon or MultiPolygon geometry, or a Feature holding one. It returns
// the geometry as stored and the centre of its box (for a precinct with
// no point of its own), or a validation error on the field "boundary".
func ParsePrecinctBoundary(raw []byte) (json.RawMessage, orb.Point, error) {
	raw = bytes.TrimSpace(raw)
	var probe struct {
		Type string `json:"type"`
	}
	if err := json.Unmarshal(raw, &probe); err != nil {
		return nil, orb.Point{}, boundaryError("territory.error.boundary_json")
	}
	var g orb.Geometry
	if probe.Type == "Feature" {
		f, err := geojson.UnmarshalFeature(raw)
		if err != nil {
			return nil, orb.Point{}, boundaryError("territory.error.boundary_json")
		}
		g = f.Geometry
	} else {
		gg, err := geojson.UnmarshalGeometry(raw)
		if err != nil {
			return nil, orb.Point{}, boundaryError("territory.error.boundary_json")
		}
		g = gg.Geometry()
	}
	if reason := checkBoundary(g); reason != "" {
		return nil, orb.Point{}, boundaryError(reason)
	}
	b, err := geojson.NewGeometry(g).MarshalJSON()
	if err != nil {
		return nil, orb.Point{}, err
	}
	c, _ := planarCentroid(g)
	return b, c, nil
}

func boundaryError(reason string) error {
	v := aldyn.Validation{}
	v.Add("boundary", reason)
	return v.Err()
}

// checkBoundary returns why g cannot be a precinct's boundary, or "": a
// polygon or multipolygon of closed rings, of at most MaxBoundaryVertices
// points, within the country.
func checkBoundary(g orb.Geometry) string {
	var polys orb.MultiPolygon
	switch g := g.(type) {
	case orb.Polygon:
		polys = orb.MultiPolygon{g}
	case orb.MultiPolygon:
		polys = g
	default:
		return "import.error.polygon"
	}
	n := 0
	for _, p := range polys {
		if len(p) == 0 {
			return "territory.error.boundary_ring"
		}
		for _, r := range p {
			if len(r) < 4 || !r.Closed() {
				return "territory.error.boundary_ring"
			}
			n += len(r)
		}
	}
	if n > MaxBoundaryVertices {
		return "territory.error.boundary_vertices"
	}
	if !country.Contains(polys, BorderTolerance) {
		return "territory.error.boundary_outside"
	}
	return ""
}

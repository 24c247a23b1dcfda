package residents

import "testing"

func TestLocate(t *testing.T) {
	district := Area{Code: "D", Path: "/kg/d/", Geometry: []byte(`{"type":"Polygon","coordinates":[[[74,42],[75,42],[75,43],[74,43],[74,42]]]}`)}
	precinct := Area{Code: "P", Path: "/kg/d/p/", Geometry: []byte(`{"type":"MultiPolygon","coordinates":[[[[74.5,42.5],[74.6,42.5],[74.6,42.6],[74.5,42.6],[74.5,42.5]]]]}`)}
	areas := []Area{precinct, district}
	if a, ok := Locate(areas, 42.55, 74.55); !ok || a.Code != "P" {
		t.Errorf("inside the precinct: got %v %v", a.Code, ok)
	}
	if a, ok := Locate(areas, 42.8, 74.2); !ok || a.Code != "D" {
		t.Errorf("inside the district only: got %v %v", a.Code, ok)
	}
	if _, ok := Locate(areas, 41, 74.2); ok {
		t.Error("outside every area: found one")
	}
	if Contains([]byte(`{"type":"Point","coordinates":[74.5,42.5]}`), 42.5, 74.5) {
		t.Error("a point holds a point")
	}
}

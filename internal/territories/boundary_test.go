package territories

import (
	"fmt"
	"strings"
	"testing"

	"github.com/aldyn-kg/aldyn/internal/country"
)

func square(lon, lat, d float64) string {
	return fmt.Sprintf("[[%[1]g,%[2]g],[%[3]g,%[2]g],[%[3]g,%[4]g],[%[1]g,%[4]g],[%[1]g,%[2]g]]", lon, lat, lon+d, lat+d)
}

// TestPrecinctsGeoJSONBoundaries: a precinct file is held to the checks of
// a boundary drawn by hand: within the country, closed rings.
func TestPrecinctsGeoJSONBoundaries(t *testing.T) {
	feature := func(code, coords string) string {
		return `{"type":"Feature","properties":{"code":"41708203000000-` + code + `","parent_code":"41708203000000","name_ky":"У","name_ru":"У","name_en":"P"},` +
			`"geometry":{"type":"Polygon","coordinates":[` + coords + `]}}`
	}
	// A square on a vertex of the border: partly over the coarse 1:10m
	// border, which is tolerated.
	v := country.Outline()[0][0]
	gj := `{"type":"FeatureCollection","features":[` +
		feature("IN", square(74.60, 42.90, 0.01)) + "," +
		feature("ALMATY", square(76.90, 43.20, 0.01)) + "," +
		feature("EDGE", square(v[0]-0.005, v[1]-0.005, 0.01)) + `]}`
	ps, issues, err := ParsePrecinctsGeoJSON(strings.NewReader(gj))
	if err != nil {
		t.Fatal(err)
	}
	if len(ps) != 2 || ps[0].Territory.Code != "41708203000000-IN" {
		t.Errorf("got %d precincts %+v, want IN and EDGE", len(ps), ps)
	}
	if len(issues) != 1 || issues[0].Row != 2 || issues[0].Reason != "territory.error.boundary_outside" {
		t.Errorf("issues %+v, want row 2 outside the country", issues)
	}
}

func TestParsePrecinctBoundary(t *testing.T) {
	for _, tc := range []struct {
		name, in, reason string
	}{
		{"polygon", `{"type":"Polygon","coordinates":[` + square(74.60, 42.90, 0.01) + `]}`, ""},
		{"multipolygon", `{"type":"MultiPolygon","coordinates":[[` + square(74.60, 42.90, 0.01) + `],[` + square(74.70, 42.90, 0.01) + `]]}`, ""},
		{"feature", `{"type":"Feature","properties":null,"geometry":{"type":"Polygon","coordinates":[` + square(72.80, 40.50, 0.01) + `]}}`, ""},
		{"in Kazakhstan", `{"type":"Polygon","coordinates":[` + square(76.90, 43.20, 0.01) + `]}`, "territory.error.boundary_outside"},
		{"in the Sokh enclave", `{"type":"Polygon","coordinates":[` + square(71.05, 39.93, 0.02) + `]}`, "territory.error.boundary_outside"},
		{"three points", `{"type":"Polygon","coordinates":[[[74.6,42.9],[74.61,42.9],[74.6,42.9]]]}`, "territory.error.boundary_ring"},
		{"line", `{"type":"LineString","coordinates":[[74.6,42.9],[74.61,42.9]]}`, "import.error.polygon"},
		{"garbage", `{"type":`, "territory.error.boundary_json"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := ParsePrecinctBoundary([]byte(tc.in))
			got := ""
			if err != nil {
				got = fmt.Sprint(err)
			}
			if (tc.reason == "") != (err == nil) || tc.reason != "" && !strings.Contains(fmt.Sprintf("%#v", err), tc.reason) {
				t.Errorf("got %q (%#v), want %q", got, err, tc.reason)
			}
		})
	}
}

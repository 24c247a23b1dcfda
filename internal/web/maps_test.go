package web_test

import (
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/aldyn-kg/aldyn/internal/country"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/planar"
)

// TestHotspotCellsClippedToBorder: a grid cell that straddles the state
// border is drawn only up to it, and no cell paints over a neighbour.
func TestHotspotCellsClippedToBorder(t *testing.T) {
	f := mustFixture(t)
	// Two records near Bishkek, 3 km south of the Kazakh border on the
	// Chüy river, whose 50 km cell reaches into Kazakhstan.
	near := orb.Point{74.60, 42.95}
	if !country.Contains(near, 0) || country.Contains(orb.Point{74.60, 43.40}, 0) {
		t.Fatalf("fixture: %v must be inside and 43.40° N outside the country", near)
	}
	mustImportOffenses(t, f, "registration_number,source,category,registered_on,occurred_on,occurred_time,territory_code,lat,lon,place_type,solved\n"+
		fmt.Sprintf("C-1,crimes,theft,2024-03-05,2024-03-04,10:00,%s,%.4f,%.4f,street,0\n", codeA, near.Lat(), near.Lon())+
		fmt.Sprintf("C-2,crimes,theft,2024-03-06,2024-03-05,11:00,%s,%.4f,%.4f,street,0\n", codeA, near.Lat(), near.Lon()))

	var fc geojson.FeatureCollection
	resp := f.do(t, analystA, "GET", "/api/v1/stats/hotspots?cell_m=50000&bbox=73.5,42.0,75.5,43.3", "", "")
	body := readBody(t, resp)
	if resp.StatusCode != 200 {
		t.Fatalf("hotspots: status %d: %.300s", resp.StatusCode, body)
	}
	if err := json.Unmarshal([]byte(body), &fc); err != nil {
		t.Fatal(err)
	}
	total, found := 0, false
	for _, ft := range fc.Features {
		total += int(ft.Properties.MustFloat64("count", 0))
		if !country.Contains(ft.Geometry, 1e-5) {
			t.Errorf("cell %v reaches outside the country", ft.Geometry.Bound())
		}
		if planar.PolygonContains(asPolygon(ft.Geometry), near) || multiContains(ft.Geometry, near) {
			found = true
			b := ft.Geometry.Bound()
			if a := planar.Area(ft.Geometry); a >= 0.98*planar.Area(b.ToPolygon()) {
				t.Errorf("the cell on the border is not clipped: area %.4f of its box %.4f", a, planar.Area(b.ToPolygon()))
			}
		}
	}
	if !found {
		t.Errorf("no cell holds the records at %v: %.500s", near, body)
	}
	if total != 2 {
		t.Errorf("cells count %d records, want 2", total)
	}
}

func asPolygon(g orb.Geometry) orb.Polygon {
	p, _ := g.(orb.Polygon)
	return p
}

func multiContains(g orb.Geometry, p orb.Point) bool {
	mp, ok := g.(orb.MultiPolygon)
	return ok && planar.MultiPolygonContains(mp, p)
}

// TestSettlementsAPI: the gazetteer is served in the asked language, for
// one oblast, with its licence; bad parameters are refused.
func TestSettlementsAPI(t *testing.T) {
	f := mustFixture(t)
	var fc struct {
		Features []struct {
			Properties struct {
				Name    string `json:"name"`
				MinZoom int    `json:"min_zoom"`
			} `json:"properties"`
		} `json:"features"`
		Meta map[string]any `json:"meta"`
	}
	mustGetJSON(t, f, anon, "/api/v1/settlements?lang=ru&territory=41702000000000", 200, &fc)
	var names []string
	for _, ft := range fc.Features {
		names = append(names, ft.Properties.Name)
	}
	if !slices.Contains(names, "Каракол") || slices.Contains(names, "Бишкек") {
		t.Errorf("Issyk-Kul settlements in Russian: got %v, want Каракол and no Бишкек", names)
	}
	if fc.Meta["licence"] != "CC-BY-4.0" {
		t.Errorf("meta %v, want the CC-BY-4.0 licence named", fc.Meta)
	}
	mustGetJSON(t, f, anon, "/api/v1/settlements?lang=en&q=karak&limit=1", 200, &fc)
	if len(fc.Features) != 1 || fc.Features[0].Properties.Name != "Karakol" {
		t.Errorf("q=karak in English: got %+v, want Karakol alone", fc.Features)
	}
	for _, bad := range []string{"territory=abc", "limit=0", "limit=abc", "limit=5000"} {
		mustGetJSON(t, f, anon, "/api/v1/settlements?"+bad, http.StatusBadRequest, nil)
	}
}

// mustImportSpread stores n thefts of district A spread over a box of
// about 30 × 20 km around Bishkek, returned as CSV rows too.
func mustImportSpread(tb testing.TB, f *fixture, n int) {
	tb.Helper()
	var b strings.Builder
	b.WriteString("registration_number,source,category,registered_on,occurred_on,occurred_time,territory_code,lat,lon,place_type,solved\n")
	for i := range n {
		lat := 42.80 + float64(i%17)*0.012
		lon := 74.40 + float64(i%23)*0.016
		fmt.Fprintf(&b, "S-%d,crimes,theft,2024-03-05,2024-03-04,10:00,%s,%.4f,%.4f,street,0\n", i, codeA, lat, lon)
	}
	mustImportOffenses(tb, f, b.String())
}

// TestPointClusters: at a low zoom the points come as a few clusters
// whose counts add up to every record; close up, one by one.
func TestPointClusters(t *testing.T) {
	f := mustFixture(t)
	const n = 391
	mustImportSpread(t, f, n)
	var fc struct {
		Features []struct {
			Properties map[string]any `json:"properties"`
		} `json:"features"`
		Meta map[string]any `json:"meta"`
	}
	for _, zoom := range []int{6, 9, 11} {
		mustGetJSON(t, f, analystA, fmt.Sprintf("/api/v1/stats/points?zoom=%d", zoom), 200, &fc)
		sum := 0
		for _, ft := range fc.Features {
			sum += int(ft.Properties["count"].(float64))
		}
		if sum != n {
			t.Errorf("zoom %d: clusters count %d records, want %d", zoom, sum, n)
		}
		// 30 × 20 km in cells of 64 px: one cell at zoom 6, a handful at 11.
		if max := map[int]int{6: 4, 9: 12, 11: 120}[zoom]; len(fc.Features) > max || len(fc.Features) == 0 {
			t.Errorf("zoom %d: %d clusters, want 1 to %d", zoom, len(fc.Features), max)
		}
	}
	fc.Meta = nil
	mustGetJSON(t, f, analystA, "/api/v1/stats/points?zoom=14", 200, &fc)
	if len(fc.Features) != n || fc.Meta["clustered"] != nil {
		t.Errorf("zoom 14: %d features (meta %v), want the %d points one by one", len(fc.Features), fc.Meta, n)
	}
	mustGetJSON(t, f, analystA, "/api/v1/stats/points?zoom=x", http.StatusBadRequest, nil)
}

// square is a closed GeoJSON ring of a square of side d degrees at lon, lat.
func square(lon, lat, d float64) string {
	return fmt.Sprintf("[[%[1]g,%[2]g],[%[3]g,%[2]g],[%[3]g,%[4]g],[%[1]g,%[4]g],[%[1]g,%[2]g]]", lon, lat, lon+d, lat+d)
}

// TestPrecinctBoundary: a precinct created through the API keeps the
// boundary given with it, which the boundaries API then serves; a boundary
// outside the country, too detailed, unclosed or not a polygon is refused
// with a translated message on the field (in Kyrgyz, the users' default).
func TestPrecinctBoundary(t *testing.T) {
	f := mustFixture(t)
	body := func(code, boundary string) string {
		return `{"code":"` + codeA + `-` + code + `","parent_code":"` + codeA + `","name_ky":"Участок","name_ru":"Участок","name_en":"Precinct"` +
			`,"boundary":` + boundary + `}`
	}
	var many strings.Builder
	many.WriteString(`{"type":"Polygon","coordinates":[[`)
	for i := range 10_001 {
		fmt.Fprintf(&many, "[%g,%g],", 74.60+0.01*math.Cos(float64(i)/10_001*2*math.Pi), 42.90+0.01*math.Sin(float64(i)/10_001*2*math.Pi))
	}
	many.WriteString(`[74.61,42.90]]]}`)
	for _, tc := range []struct {
		name, boundary, want string
	}{
		{"outside the country (Almaty)", `{"type":"Polygon","coordinates":[` + square(76.90, 43.20, 0.01) + `]}`, "аймагынан чыгып кетет"},
		{"too many points", many.String(), "10 000ден ашпашы керек"},
		{"ring not closed", `{"type":"Polygon","coordinates":[[[74.6,42.9],[74.61,42.9],[74.61,42.91],[74.6,42.91]]]}`, "туюк болушу керек"},
		{"a point", `{"type":"Point","coordinates":[74.6,42.9]}`, "Полигон же мультиполигон"},
		{"GeoJSON форматында эмес", `"x"`, "GeoJSON форматында эмес"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp := f.do(t, adminKG, "POST", "/api/v1/territories", "application/json", body("BAD", tc.boundary))
			got := readBody(t, resp)
			if resp.StatusCode != http.StatusBadRequest || !strings.Contains(got, tc.want) || !strings.Contains(got, `"boundary"`) {
				t.Errorf("status %d %.300s; want 400 naming the boundary field and %q", resp.StatusCode, got, tc.want)
			}
		})
	}
	mustGetJSON(t, f, anon, "/api/v1/territories/"+codeA+"-BAD", http.StatusNotFound, nil)

	// A feature is taken as its geometry; the precinct gets its centre.
	feature := `{"type":"Feature","properties":{},"geometry":{"type":"Polygon","coordinates":[` + square(74.60, 42.90, 0.01) + `]}}`
	resp := f.do(t, adminKG, "POST", "/api/v1/territories", "application/json", body("B1", feature))
	if got := readBody(t, resp); resp.StatusCode != http.StatusCreated {
		t.Fatalf("create with a boundary: status %d %.300s", resp.StatusCode, got)
	}
	var tr struct {
		Lat, Lon float64
	}
	mustGetJSON(t, f, anon, "/api/v1/territories/"+codeA+"-B1", 200, &tr)
	if math.Abs(tr.Lat-42.905) > 1e-9 || math.Abs(tr.Lon-74.605) > 1e-9 {
		t.Errorf("precinct point %v, %v; want the boundary's centre 42.905, 74.605", tr.Lat, tr.Lon)
	}
	var fc geojson.FeatureCollection
	resp = f.do(t, anon, "GET", "/api/v1/boundaries?territory="+codeA+"-B1", "", "")
	if err := json.Unmarshal([]byte(readBody(t, resp)), &fc); err != nil {
		t.Fatal(err)
	}
	if len(fc.Features) != 1 || fc.Features[0].Geometry.Bound() != (orb.Bound{Min: orb.Point{74.60, 42.90}, Max: orb.Point{74.61, 42.91}}) {
		t.Errorf("boundaries of the precinct: %+v, want its square", fc.Features)
	}
}

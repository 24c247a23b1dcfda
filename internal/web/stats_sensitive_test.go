package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/disclosure"
	"github.com/aldyn-kg/aldyn/internal/importer"
	"github.com/aldyn-kg/aldyn/internal/offenses"
	"github.com/aldyn-kg/aldyn/internal/stats"
	"github.com/aldyn-kg/aldyn/internal/store"
)

// seeded is one group of records at one place.
type seeded struct {
	category, article string
	lat, lon          float64
	days              []string // one record per day
	sensitive         bool
}

// The records of TestHotspotsSensitive, in district A. The rapes and the
// domestic violence near the first theft are the reporter's target: two
// and one records, fewer than the minimum cell count; the six rapes up the
// road are enough to show to an analyst.
var sensitiveSeed = []seeded{
	{category: "rape", lat: 42.9000, lon: 74.6000, days: []string{"2024-05-10", "2024-05-10"}, sensitive: true},
	{category: "other", article: "177", lat: 42.9020, lon: 74.6040, days: []string{"2024-05-10"}, sensitive: true},
	{category: "theft", lat: 42.8980, lon: 74.5960, days: []string{"2024-05-10", "2024-05-10", "2024-05-11"}},
	{category: "rape", lat: 42.9500, lon: 74.7000, days: []string{"2024-05-01", "2024-05-02", "2024-05-03", "2024-05-04", "2024-05-05", "2024-05-06"}, sensitive: true},
	{category: "other", lat: 42.9300, lon: 74.6600, days: []string{"2024-05-10", "2024-05-12"}},
}

// mustSeedSensitive imports sensitiveSeed; article 177 is filed under
// domestic violence, as an administrator would set it up.
func mustSeedSensitive(t *testing.T, f *fixture) {
	t.Helper()
	dv := importer.Subgroup{Code: importer.SubgroupDomesticViolence, Category: "other", Source: "crimes",
		NameKy: "Үй-бүлөлүк зомбулук", NameRu: "Семейное насилие", NameEn: "Domestic violence", Articles: []string{"177"}}
	if err := offenses.SaveSubgroup(context.Background(), f.db, aldyn.System, dv); err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	b.WriteString("registration_number,source,category,article,registered_on,occurred_on,occurred_time,territory_code,lat,lon,place_type,solved\n")
	n := 0
	for _, s := range sensitiveSeed {
		for _, d := range s.days {
			n++
			fmt.Fprintf(&b, "S-%d,crimes,%s,%s,%s,%s,21:30,%s,%.4f,%.4f,dwelling,0\n", n, s.category, s.article, d, d, codeA, s.lat, s.lon)
		}
	}
	mustImportOffenses(t, f, b.String())
}

type gridCell struct {
	Geometry struct {
		Coordinates [][][2]float64 `json:"coordinates"`
	} `json:"geometry"`
	Properties struct {
		Count int `json:"count"`
	} `json:"properties"`
}

func (c gridCell) holds(lat, lon float64) bool {
	ring := c.Geometry.Coordinates[0]
	return lon >= ring[0][0] && lon < ring[2][0] && lat >= ring[0][1] && lat < ring[2][1]
}

// gridQuery is one request of the attack.
type gridQuery struct {
	category, period, bbox, size string
}

type gridBody struct {
	Features []gridCell     `json:"features"`
	Meta     map[string]any `json:"meta"`
}

// The boxes of the attack: one around the reporter's target, slid by about
// 6 m at a time, and the whole country.
func attackBoxes() []string {
	var out []string
	for i := range 5 {
		d := float64(i) * 0.00007
		out = append(out, fmt.Sprintf("%.5f,%.5f,%.5f,%.5f", 74.590+d, 42.894+d/2, 74.612+d, 42.906+d/2))
	}
	return out
}

// TestHotspotsSensitive reproduces the attack of issue 13: a reporter (or a
// coordinator) asking the hot-spot grid for rapes, or for "other" with its
// domestic-violence subgroup, of one day, in the smallest cells, sliding
// the box, located a record within metres. Sensitive records now count on
// no one's map but analysts' and administrators', and there only in cells
// holding at least the minimum cell count of them.
func TestHotspotsSensitive(t *testing.T) {
	f := mustFixture(t)
	mustSeedSensitive(t, f)
	var queries []gridQuery
	for _, cat := range []string{"rape", "other", "", "rape,theft"} {
		for _, period := range []string{"&from=2024-05-10&to=2024-05-10", ""} {
			for _, bbox := range attackBoxes() {
				for _, size := range []string{"cell_m=250", "cell_m=300", "cell_m=500", "cell_m=1000", "zoom=18"} {
					queries = append(queries, gridQuery{cat, period, bbox, size})
				}
			}
			for _, size := range []string{"cell_m=50000", "zoom=10"} {
				queries = append(queries, gridQuery{cat, period, "", size})
			}
		}
	}
	path := func(q gridQuery) string {
		p := "/api/v1/stats/hotspots?" + q.size + q.period
		if q.category != "" {
			p += "&category=" + url.QueryEscape(q.category)
		}
		if q.bbox != "" {
			p += "&bbox=" + q.bbox
		}
		return p
	}
	// want counts the seeded records of a query in the lattice's cells the
	// server draws, the sensitive ones of a cell only when they are at
	// least k (k = 0: not at all).
	want := func(q gridQuery, k int) (total int) {
		bbox := aldyn.BBox{MinLon: aldyn.MinLon, MinLat: aldyn.MinLat, MaxLon: aldyn.MaxLon, MaxLat: aldyn.MaxLat}
		if q.bbox != "" {
			fmt.Sscanf(q.bbox, "%g,%g,%g,%g", &bbox.MinLon, &bbox.MinLat, &bbox.MaxLon, &bbox.MaxLat)
		}
		var cell float64
		if z, ok := strings.CutPrefix(q.size, "zoom="); ok {
			var zoom int
			fmt.Sscan(z, &zoom)
			cell = stats.CellForZoom(zoom)
		} else {
			fmt.Sscan(strings.TrimPrefix(q.size, "cell_m="), &cell)
		}
		g, err := stats.NewGrid(bbox, stats.SnapCell(cell))
		if err != nil {
			t.Fatal(err)
		}
		open, sensitive := map[int]int{}, map[int]int{}
		for _, s := range sensitiveSeed {
			if q.category != "" && !strings.Contains(","+q.category+",", ","+s.category+",") {
				continue
			}
			lon, lat, _ := store.SnapLocation(s.lon, s.lat)
			i, ok := g.Cell(lon, lat)
			if !ok {
				continue
			}
			for _, d := range s.days {
				if q.period != "" && d != "2024-05-10" {
					continue
				}
				if s.sensitive {
					sensitive[i]++
				} else {
					open[i]++
				}
			}
		}
		for _, n := range open {
			total += n
		}
		for _, n := range sensitive {
			if k > 0 && n >= k {
				total += n
			}
		}
		return total
	}
	// grid is the answer to q as who and the records its cells count.
	grid := func(t *testing.T, who string, q gridQuery) (g gridBody, total int) {
		t.Helper()
		mustGetJSON(t, f, who, path(q), http.StatusOK, &g)
		for _, c := range g.Features {
			total += c.Properties.Count
		}
		return g, total
	}

	for _, who := range []string{reporterA, coordinator} {
		t.Run(who, func(t *testing.T) {
			for _, q := range queries {
				g, total := grid(t, who, q)
				for _, c := range g.Features {
					for _, s := range sensitiveSeed {
						if s.sensitive && c.holds(s.lat, s.lon) && c.Properties.Count > 0 && !holdsOpen(c, q) {
							t.Errorf("%s: a cell of sensitive records only counts %d", path(q), c.Properties.Count)
						}
					}
				}
				if w := want(q, 0); total != w {
					t.Errorf("%s: the cells count %d records, want the %d that are not sensitive", path(q), total, w)
				}
				if _, ok := g.Meta["sensitive_min_cell_count"]; ok {
					t.Errorf("%s: meta %v names a minimum count for records it leaves out", path(q), g.Meta)
				}
			}
		})
	}

	t.Run(analystA, func(t *testing.T) {
		// The cell of the thefts is the same piece of ground in every slid
		// box: boxes select whole cells of one lattice.
		theftCell := map[string][2]float64{}
		for _, q := range queries {
			g, total := grid(t, analystA, q)
			for _, c := range g.Features {
				if c.holds(42.8980, 74.5960) {
					key := q.size + q.category + q.period
					corner := c.Geometry.Coordinates[0][0]
					if prev, ok := theftCell[key]; ok && prev != corner {
						t.Errorf("%s: the cell of the thefts has its corner at %v, in another box at %v", path(q), corner, prev)
					}
					theftCell[key] = corner
				}
				if c.holds(42.9000, 74.6000) && c.Properties.Count > 0 && !holdsOpen(c, q) {
					t.Errorf("%s: the cell of two rapes shows %d", path(q), c.Properties.Count)
				}
			}
			if w := want(q, disclosure.DefaultMinCellCount); total != w {
				t.Errorf("%s: the cells count %d records, want %d", path(q), total, w)
			}
		}
		// The six rapes show in every cell size, as six.
		for _, size := range []string{"cell_m=250&bbox=74.69,42.94,74.71,42.96", "cell_m=1000&bbox=74.69,42.94,74.71,42.96", "zoom=10"} {
			var g gridBody
			mustGetJSON(t, f, analystA, "/api/v1/stats/hotspots?category=rape&"+size, http.StatusOK, &g)
			found := false
			for _, c := range g.Features {
				if c.holds(42.95, 74.70) {
					found = c.Properties.Count == 6
				}
			}
			if !found {
				t.Errorf("%s: no cell of the six rapes counting 6: %+v", size, g.Features)
			}
			if k := g.Meta["sensitive_min_cell_count"]; k != float64(disclosure.DefaultMinCellCount) {
				t.Errorf("meta names minimum count %v, want %d", k, disclosure.DefaultMinCellCount)
			}
		}
	})

	t.Run("setting", func(t *testing.T) {
		// Seven is more than the six: their cell goes too.
		if err := disclosure.SetMinCellCount(context.Background(), f.db, aldyn.System, 7); err != nil {
			t.Fatal(err)
		}
		var g gridBody
		mustGetJSON(t, f, adminKG, "/api/v1/stats/hotspots?category=rape&cell_m=250&bbox=74.69,42.94,74.71,42.96", http.StatusOK, &g)
		for _, c := range g.Features {
			if c.Properties.Count > 0 {
				t.Errorf("minimum count 7: a cell of rapes counts %d", c.Properties.Count)
			}
		}
	})

	// Points never were of sensitive records, nor for these roles.
	for _, who := range []string{reporterA, coordinator} {
		mustGetJSON(t, f, who, "/api/v1/stats/points?category=rape", http.StatusForbidden, nil)
	}
	var pts struct {
		Features []struct {
			Geometry struct {
				Coordinates [2]float64 `json:"coordinates"`
			} `json:"geometry"`
		} `json:"features"`
	}
	mustGetJSON(t, f, analystA, "/api/v1/stats/points?category=rape,other&from=2024-05-10&to=2024-05-10", http.StatusOK, &pts)
	if len(pts.Features) != 1 {
		t.Errorf("analyst got %d points of rapes and other offences on the day, want the one that is not sensitive", len(pts.Features))
	}
}

// holdsOpen reports whether a cell of query q also holds a place of records
// that are not sensitive (then its count is theirs).
func holdsOpen(c gridCell, q gridQuery) bool {
	for _, s := range sensitiveSeed {
		if !s.sensitive && c.holds(s.lat, s.lon) && (q.category == "" || strings.Contains(","+q.category+",", ","+s.category+",")) {
			return true
		}
	}
	return false
}

func init() {
	moduleCases = append(moduleCases, func(tb testing.TB, f *fixture) []matrixCase {
		nationalAdmin := func(ok int) expect {
			return expect{def: http.StatusForbidden, byRole: map[string]int{anon: http.StatusUnauthorized, adminKG: ok}}
		}
		return []matrixCase{
			{method: "POST", path: "/stats/disclosure", ctype: "application/x-www-form-urlencoded", body: "min_cell_count=5", want: nationalAdmin(http.StatusSeeOther)},
			{method: "GET", path: "/api/v1/stats/disclosure", want: signedIn(http.StatusUnauthorized, 200)},
			{method: "PUT", path: "/api/v1/stats/disclosure", ctype: "application/json", body: `{"min_cell_count":5}`, want: nationalAdmin(200)},
		}
	})
}

// TestDisclosureSetting: national administrators set the minimum cell
// count, within 3–100, by the API or the classification page's form.
func TestDisclosureSetting(t *testing.T) {
	f := mustFixture(t)
	var got struct {
		MinCellCount int `json:"min_cell_count"`
	}
	mustGetJSON(t, f, reporterA, "/api/v1/stats/disclosure", http.StatusOK, &got)
	if got.MinCellCount != disclosure.DefaultMinCellCount {
		t.Errorf("got minimum %d, want the default %d", got.MinCellCount, disclosure.DefaultMinCellCount)
	}
	for _, bad := range []string{`{"min_cell_count":2}`, `{"min_cell_count":101}`, `{"min_cell_count":"7"}`} {
		resp := f.do(t, adminKG, "PUT", "/api/v1/stats/disclosure", "application/json", bad)
		if body := readBody(t, resp); resp.StatusCode != http.StatusBadRequest {
			t.Errorf("PUT %s: status %d, want 400: %s", bad, resp.StatusCode, body)
		}
	}
	resp := f.do(t, adminKG, "PUT", "/api/v1/stats/disclosure", "application/json", `{"min_cell_count":8}`)
	if body := readBody(t, resp); resp.StatusCode != http.StatusOK || !strings.Contains(body, `"min_cell_count":8`) {
		t.Errorf("PUT 8: status %d, %s", resp.StatusCode, body)
	}
	if k, err := disclosure.MinCellCount(context.Background(), f.db); err != nil || k != 8 {
		t.Errorf("stored minimum %d, %v; want 8", k, err)
	}
	// The form says what is wrong, in the user's language (Kyrgyz by default).
	resp = f.do(t, adminKG, "POST", "/stats/disclosure", "application/x-www-form-urlencoded", "min_cell_count=two")
	if body := readBody(t, resp); resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "эң азы 3, эң көбү 100") {
		t.Errorf("form with two: status %d, want 400 with the range: %.2000s", resp.StatusCode, body)
	}
	resp = f.do(t, adminKG, "POST", "/stats/disclosure", "application/x-www-form-urlencoded", "min_cell_count=6")
	if resp.StatusCode != http.StatusSeeOther {
		t.Errorf("form with 6: status %d, want 303", resp.StatusCode)
	}
	if k, _ := disclosure.MinCellCount(context.Background(), f.db); k != 6 {
		t.Errorf("stored minimum %d, want 6", k)
	}
	// The map page tells an analyst the minimum, and a reporter that such
	// records are not on the map.
	if body := readBody(t, f.do(t, analystA, "GET", "/stats/map", "", "")); !strings.Contains(body, "саны 6 же андан көп") {
		t.Errorf("analyst's map page does not name the minimum 6")
	}
	if body := readBody(t, f.do(t, reporterA, "GET", "/stats/map", "", "")); !strings.Contains(body, "бул картада көрсөтүлбөйт") {
		t.Errorf("reporter's map page does not say sensitive records are left out")
	}
}

// TestPrecinctSensitive: a precinct is a small area too. Its weekday × hour
// table, monthly history and place in the precinct ranking leave sensitive
// records out for reporters and coordinators, and count them for analysts.
func TestPrecinctSensitive(t *testing.T) {
	f := mustFixture(t)
	ctx := context.Background()
	p := codeA + "-P1"
	if err := f.db.CreatePrecinct(ctx, aldyn.System, &aldyn.Territory{Code: p, ParentCode: codeA, NameKy: p, NameRu: p, NameEn: p}, nil); err != nil {
		t.Fatal(err)
	}
	dv := importer.Subgroup{Code: importer.SubgroupDomesticViolence, Category: "other", Source: "crimes",
		NameKy: "Үй-бүлөлүк зомбулук", NameRu: "Семейное насилие", NameEn: "Domestic violence", Articles: []string{"177"}}
	if err := offenses.SaveSubgroup(ctx, f.db, aldyn.System, dv); err != nil {
		t.Fatal(err)
	}
	mustImportOffenses(t, f, "registration_number,source,category,article,registered_on,occurred_on,occurred_time,territory_code,precinct_code,lat,lon,place_type,solved\n"+
		"P-1,crimes,rape,,2024-05-10,2024-05-10,21:30,"+codeA+","+p+",42.90,74.60,dwelling,0\n"+
		"P-2,crimes,rape,,2024-05-10,2024-05-10,22:30,"+codeA+","+p+",42.90,74.60,dwelling,0\n"+
		"P-3,crimes,other,177,2024-05-10,2024-05-10,20:00,"+codeA+","+p+",42.90,74.60,dwelling,0\n"+
		"P-4,crimes,theft,,2024-05-10,2024-05-10,10:00,"+codeA+","+p+",42.91,74.61,street,0\n")
	for _, tc := range []struct {
		who              string
		rape, everything int
	}{{reporterA, 0, 1}, {coordinator, 0, 1}, {analystA, 2, 4}, {adminKG, 2, 4}} {
		t.Run(tc.who, func(t *testing.T) {
			for _, c := range []struct {
				query string
				want  int
			}{{"&category=rape&from=2024-05-10&to=2024-05-10", tc.rape}, {"", tc.everything}} {
				var tp struct {
					Total int `json:"total"`
				}
				mustGetJSON(t, f, tc.who, "/api/v1/stats/timeprofile?precinct="+p+c.query, http.StatusOK, &tp)
				if tp.Total != c.want {
					t.Errorf("time profile of the precinct%s: %d records, want %d", c.query, tp.Total, c.want)
				}
				var fr struct {
					History []struct {
						Count int `json:"count"`
					} `json:"history"`
				}
				q := strings.Replace(c.query, "&from=2024-05-10&to=2024-05-10", "", 1)
				mustGetJSON(t, f, tc.who, "/api/v1/stats/forecast?precinct="+p+q, http.StatusOK, &fr)
				n := 0
				for _, m := range fr.History {
					n += m.Count
				}
				if n != c.want {
					t.Errorf("monthly history of the precinct%s: %d records, want %d", q, n, c.want)
				}
			}
			csv := readBody(t, f.do(t, tc.who, "GET", "/stats?category=rape&from=2024-05-10&to=2024-05-10&table=precincts&format=csv", "", ""))
			if got := strings.Contains(csv, p); got != (tc.rape > 0) {
				t.Errorf("precinct ranking of rapes lists the precinct: %v, want %v: %q", got, tc.rape > 0, csv)
			}
		})
	}
}

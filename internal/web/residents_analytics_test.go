package web_test

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aldyn-kg/aldyn"
)

// The residents' analytics' world: a fixed day, a precinct drawn in
// district A, and reports of known dates, answers and points.
type resAnalytics struct {
	now                    time.Time
	precinct               *aldyn.Territory
	a1, a2, a3, a4, a6, b1 *aldyn.ResidentReport
}

// precinctSquare is the precinct's boundary: 42.92–42.94 N, 74.61–74.63 E.
const precinctSquare = `{"type":"Polygon","coordinates":[[[74.61,42.92],[74.63,42.92],[74.63,42.94],[74.61,42.94],[74.61,42.92]]]}`

func mustResidentAnalytics(tb testing.TB, f *fixture) *resAnalytics {
	tb.Helper()
	ctx := context.Background()
	w := &resAnalytics{now: time.Date(2026, 6, 20, 12, 0, 0, 0, time.UTC)}
	f.db.Now = func() time.Time { return w.now }
	w.precinct = &aldyn.Territory{Code: codeA + "-P7", ParentCode: codeA, Level: aldyn.LevelPrecinct, NameKy: "7-участок", NameRu: "Участок 7", NameEn: "Precinct 7"}
	if err := f.db.CreatePrecinct(ctx, aldyn.System, w.precinct, json.RawMessage(precinctSquare)); err != nil {
		tb.Fatal(err)
	}
	cat := mustResidentCategory(tb, f, "disorder_public").ID
	at := func(s string) time.Time {
		t, err := time.Parse("2006-01-02 15:04", s)
		if err != nil {
			tb.Fatal(err)
		}
		return t
	}
	pt := func(v float64) *float64 { return &v }
	report := func(territory, created, answered string, st aldyn.ResidentStatus, lat, lon *float64) *aldyn.ResidentReport {
		r := &aldyn.ResidentReport{CategoryID: cat, TerritoryCode: territory, Description: "Кечинде көчөдө ызы-чуу болот", Status: st,
			CreatedAt: at(created), Lat: lat, Lon: lon, Lang: "ky"}
		if answered != "" {
			a := at(answered)
			r.AnsweredAt, r.Answer = &a, "Текшерилди"
		}
		return r
	}
	// Due days are 10 working days after the report (disorder_public).
	w.a1 = report(codeA, "2026-02-02 09:00", "2026-02-04 09:00", aldyn.ResidentAnswered, pt(42.93), pt(74.62)) // 2 days, on time, in the precinct
	w.a2 = report(codeA, "2026-03-02 09:00", "2026-03-30 09:00", aldyn.ResidentRejected, pt(42.80), pt(74.50)) // 28 days, late
	w.a3 = report(codeA, "2026-05-04 09:00", "", aldyn.ResidentReceived, nil, nil)                             // open, overdue
	w.a4 = report(codeA, "2025-05-01 09:00", "2025-05-02 09:00", aldyn.ResidentAnswered, pt(42.85), pt(74.55)) // before the 12 months
	w.a6 = report(w.precinct.Code, "2026-06-01 09:00", "", aldyn.ResidentInProgress, pt(42.925), pt(74.625))   // made in the precinct, overdue
	w.b1 = report(codeB, "2026-03-10 09:00", "2026-03-11 09:00", aldyn.ResidentAnswered, pt(40.90), pt(72.90)) // 1 day, on time
	if err := f.db.LoadResidentReports(ctx, aldyn.System, []*aldyn.ResidentReport{w.a1, w.a2, w.a3, w.a4, w.a6, w.b1}); err != nil {
		tb.Fatal(err)
	}
	return w
}

func readCSV(tb testing.TB, body string) [][]string {
	tb.Helper()
	rd := csv.NewReader(strings.NewReader(strings.TrimPrefix(body, "\ufeff")))
	rd.FieldsPerRecord = -1
	rows, err := rd.ReadAll()
	if err != nil {
		tb.Fatalf("csv: %v\n%s", err, body)
	}
	return rows
}

// TestResidentDashboard checks the commission dashboard's figures at a
// fixed day: the last quarter is January–March 2026, the 12 months run
// from 21 June 2025 to 20 June 2026.
func TestResidentDashboard(t *testing.T) {
	f := mustFixture(t)
	w := mustResidentAnalytics(t, f)
	get := func(who, path string) string {
		t.Helper()
		resp := f.send(t, who, "GET", path, nil, map[string]string{"Accept-Language": "en"})
		body := readBody(t, resp)
		if resp.StatusCode != 200 {
			t.Fatalf("%s %s: %d %s", who, path, resp.StatusCode, body)
		}
		return body
	}
	// name, then reports, median days and share on time of the quarter,
	// then of the 12 months.
	for _, c := range []struct {
		who, by string
		want    [][]string
	}{
		// District A: the quarter holds a1 (2 days, on time) and a2 (28
		// days, late); the year adds a3 and a6, open past their due day.
		{coordinator, "body", [][]string{
			{"Аламүдүн police", "2", "15", "50.0%", "4", "15", "25.0%"},
			{"Total", "2", "15", "50.0%", "4", "15", "25.0%"}}},
		{coordinator, "territory", [][]string{
			{"Alamüdün District", "2", "15", "50.0%", "3", "15", "33.3%"},
			{"Precinct 7", "0", "", "", "1", "", "0.0%"},
			{"Total", "2", "15", "50.0%", "4", "15", "25.0%"}}},
		// The country adds b1 (1 day, on time): medians of 2, 28 and 1 days.
		{adminKG, "body", [][]string{
			{"Аламүдүн police", "2", "15", "50.0%", "4", "15", "25.0%"},
			{"Сузак police", "1", "1", "100.0%", "1", "1", "100.0%"},
			{"Total", "3", "2", "66.7%", "5", "2", "40.0%"}}},
	} {
		t.Run(c.who+"/"+c.by, func(t *testing.T) {
			rows := readCSV(t, get(c.who, "/residents/dashboard?by="+c.by+"&format=csv"))
			if len(rows) != len(c.want)+1 {
				t.Fatalf("got %d rows, want %d: %q", len(rows), len(c.want)+1, rows)
			}
			if rows[0][1] != "Reports 01/01/2026–31/03/2026" && !strings.HasPrefix(rows[0][1], "Reports ") {
				t.Errorf("header %q", rows[0])
			}
			for i, want := range c.want {
				if strings.Join(rows[i+1], "|") != strings.Join(want, "|") {
					t.Errorf("row %d: got %q, want %q", i+1, rows[i+1], want)
				}
			}
		})
	}
	// The page and the coordinator's home show the totals.
	page := get(coordinator, "/residents/dashboard")
	for _, want := range []string{`id="resdash-body"`, `id="resdash-territory"`, `data-figure="median">15.0<`, `data-figure="on-time">25.0`} {
		if !strings.Contains(page, want) {
			t.Errorf("dashboard lacks %s", want)
		}
	}
	home := get(coordinator, "/")
	if !strings.Contains(home, `id="home-residents"`) || !strings.Contains(home, `data-figure="on-time">50.0`) {
		t.Errorf("coordinator home lacks the residents' figures")
	}
	if resp := f.do(t, coordinator, "GET", "/residents/dashboard?by=body&format=pdf", "", ""); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("format=pdf: %d, want 400", resp.StatusCode)
	}
	if resp := f.do(t, coordinator, "GET", "/residents/dashboard?by=plan&format=csv", "", ""); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("by=plan: %d, want 400", resp.StatusCode)
	}
	_ = w
}

// layerCount sums the counts of the residents' map layer's features.
func layerCount(tb testing.TB, f *fixture, who, query string) (int, []map[string]any) {
	tb.Helper()
	resp := f.do(tb, who, "GET", "/api/v1/stats/residents?"+query, "", "")
	body := readBody(tb, resp)
	if resp.StatusCode != 200 {
		tb.Fatalf("%s %s: %d %s", who, query, resp.StatusCode, body)
	}
	var fc struct {
		Features []struct {
			Geometry struct {
				Coordinates [2]float64 `json:"coordinates"`
			} `json:"geometry"`
			Properties map[string]any `json:"properties"`
		} `json:"features"`
	}
	if err := json.Unmarshal([]byte(body), &fc); err != nil {
		tb.Fatal(err)
	}
	n := 0
	var props []map[string]any
	for _, ft := range fc.Features {
		n += int(ft.Properties["count"].(float64))
		ft.Properties["lon"], ft.Properties["lat"] = ft.Geometry.Coordinates[0], ft.Geometry.Coordinates[1]
		props = append(props, ft.Properties)
	}
	return n, props
}

// TestStatsResidentsLayer checks the residents' layer of the analysts'
// map: scope, period and category group filters, and exact pins for one
// report.
func TestStatsResidentsLayer(t *testing.T) {
	f := mustFixture(t)
	w := mustResidentAnalytics(t, f)
	for _, c := range []struct {
		who, query string
		want       int
	}{
		{coordinator, "zoom=6", 5}, // a1, a2, a3 (at the district's point), a4, a6
		{analystA, "zoom=6", 5},
		{reporterA, "zoom=6", 5}, // the body's reports
		{"analystB", "zoom=6", 1},
		{adminKG, "zoom=6", 6},
		{adminKG, "zoom=6&territory=" + codeB, 1},
		{adminKG, "zoom=6&from=2026-01&to=2026-03", 3},     // a1, a2, b1
		{adminKG, "zoom=6&category=hooliganism", 6},        // disorder_public
		{adminKG, "zoom=6&category=traffic", 0},            // traffic_violation, dangerous_road
		{adminKG, "zoom=6&category=theft", 6},              // no residents' counterpart: unfiltered
		{adminKG, "zoom=6&precinct=" + w.precinct.Code, 1}, // a6, made there
		{adminKG, "zoom=6&bbox=74.6,42.9,74.7,43.0", 2},    // a1 and a6's pins
		{coordinator, "zoom=6&territory=" + codeB, -404},   // outside the scope
		{coordinator, "zoom=99", -400},
	} {
		t.Run(c.who+"?"+c.query, func(t *testing.T) {
			if c.want < 0 {
				if resp := f.do(t, c.who, "GET", "/api/v1/stats/residents?"+c.query, "", ""); resp.StatusCode != -c.want {
					t.Errorf("got %d, want %d", resp.StatusCode, -c.want)
				}
				return
			}
			if got, _ := layerCount(t, f, c.who, c.query); got != c.want {
				t.Errorf("got %d reports, want %d", got, c.want)
			}
		})
	}
	// Close up, a1 is one report at its exact pin, linked to its page.
	_, props := layerCount(t, f, coordinator, "zoom=18&bbox=74.619,42.929,74.621,42.931")
	if len(props) != 1 || props[0]["url"] != "/residents/"+mtID(w.a1.ID) || props[0]["lat"] != 42.93 || props[0]["lon"] != 74.62 {
		t.Errorf("close up: %v, want a1 at 42.93, 74.62", props)
	}
	if resp := f.do(t, anon, "GET", "/api/v1/stats/residents", "", ""); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("anonymous: %d, want 401", resp.StatusCode)
	}
	// The map page offers the layer, with the filter's query.
	resp := f.do(t, coordinator, "GET", "/stats/map?category=theft&residents=1", "", "")
	page := readBody(t, resp)
	if !strings.Contains(page, `data-residents-url="/api/v1/stats/residents?category=theft"`) || !strings.Contains(page, `data-residents-on="1"`) {
		t.Errorf("map page lacks the residents' layer")
	}
}

// TestPrecinctResidents counts the reports located in a precinct over the
// last 12 months: a1 by its pin in the boundary, a6 made there; a2, a3
// and b1 lie elsewhere, a4 is older.
func TestPrecinctResidents(t *testing.T) {
	f := mustFixture(t)
	w := mustResidentAnalytics(t, f)
	resp := f.send(t, coordinator, "GET", "/stats/precincts/"+w.precinct.Code, nil, map[string]string{"Accept-Language": "en"})
	page := readBody(t, resp)
	if resp.StatusCode != 200 {
		t.Fatalf("%d %s", resp.StatusCode, page)
	}
	cat := mustResidentCategory(t, f, "disorder_public")
	// received, in progress, answered, referred, rejected, total
	want := `<tr data-category="` + mtID(cat.ID) + `"><td>Disorder in a public place</td><td class="num">0</td><td class="num">1</td><td class="num">1</td><td class="num">0</td><td class="num">0</td><td class="num">2</td></tr>`
	if !strings.Contains(page, want) {
		i := strings.Index(page, `id="precinct-residents"`)
		t.Errorf("precinct table lacks %s\n%s", want, page[max(i, 0):min(max(i, 0)+1500, len(page))])
	}
	// analyst B does not cover the precinct.
	if resp := f.do(t, "analystB", "GET", "/stats/precincts/"+w.precinct.Code, "", ""); resp.StatusCode != http.StatusNotFound {
		t.Errorf("analystB: %d, want 404", resp.StatusCode)
	}
}

func init() {
	moduleCases = append(moduleCases, func(tb testing.TB, f *fixture) []matrixCase {
		const see, unauth, forbid, notFound = http.StatusSeeOther, http.StatusUnauthorized, http.StatusForbidden, http.StatusNotFound
		staff := expect{def: 200, byRole: map[string]int{anon: see, reporterA: forbid}}
		return []matrixCase{
			{method: "GET", path: "/residents/dashboard", want: staff},
			{method: "GET", path: "/residents/dashboard?by=territory&format=xlsx", route: "/residents/dashboard", want: staff},
			{method: "GET", path: "/api/v1/stats/residents", want: expect{def: 200, byRole: map[string]int{anon: unauth}}},
			{method: "GET", path: "/api/v1/stats/residents?territory=" + codeB, route: "/api/v1/stats/residents",
				want: expect{def: notFound, byRole: map[string]int{anon: unauth, adminKG: 200}}},
		}
	})
}

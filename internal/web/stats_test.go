package web_test

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"html"
	"math"
	"net/http"
	"strings"
	"testing"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/demo"
	"github.com/aldyn-kg/aldyn/internal/offenses"
	"github.com/aldyn-kg/aldyn/internal/stats"
)

// mustImportOffenses stores CSV rows (canonical headers) as the system.
func mustImportOffenses(tb testing.TB, f *fixture, csv string) {
	tb.Helper()
	rep, err := offenses.Import(context.Background(), f.db, aldyn.System, strings.NewReader(csv), offenses.Input{FileName: "fixture.csv"})
	if err != nil {
		tb.Fatalf("import: %v (%+v)", err, rep.Errors)
	}
}

type countsBody struct {
	Rows []struct {
		Category      string   `json:"category"`
		TerritoryCode string   `json:"territory_code"`
		Year          int      `json:"year"`
		Count         int64    `json:"count"`
		Share         float64  `json:"share"`
		YoY           *float64 `json:"yoy_change"`
		Rate          *float64 `json:"rate_per_100k"`
	} `json:"rows"`
	Total int64 `json:"total"`
}

func mustGetJSON(tb testing.TB, f *fixture, who, path string, wantStatus int, v any) {
	tb.Helper()
	resp := f.do(tb, who, "GET", path, "", "")
	body := readBody(tb, resp)
	if resp.StatusCode != wantStatus {
		tb.Fatalf("GET %s as %s: status %d, want %d: %.300s", path, who, resp.StatusCode, wantStatus, body)
	}
	if v != nil {
		if err := json.Unmarshal([]byte(body), v); err != nil {
			tb.Fatalf("GET %s: %v: %.300s", path, err, body)
		}
	}
}

// TestStatsScope: an analyst of one district sees only its records and gets
// nothing (404) when asking for another district; point locations reach
// analysts only, never for sensitive categories, and never the anonymous.
func TestStatsScope(t *testing.T) {
	f := mustFixture(t)
	mustImportOffenses(t, f, "registration_number,source,category,registered_on,occurred_on,occurred_time,territory_code,lat,lon,place_type,solved\n"+
		"A-1,crimes,theft,2023-03-02,2023-03-01,22:15,"+codeA+",42.90,74.60,street,0\n"+
		"A-2,crimes,theft,2024-03-05,2024-03-04,10:00,"+codeA+",42.91,74.61,shop,1\n"+
		"A-3,crimes,rape,2024-04-05,2024-04-04,23:00,"+codeA+",42.92,74.62,dwelling,1\n"+
		"B-1,crimes,fraud,2024-03-05,,,"+codeB+",40.90,73.00,other,0\n")

	var a countsBody
	mustGetJSON(t, f, analystA, "/api/v1/stats/counts?by=territory,category,year&depth=district", 200, &a)
	for _, r := range a.Rows {
		if r.TerritoryCode != codeA {
			t.Errorf("analyst of district A sees a row of %s: %+v", r.TerritoryCode, r)
		}
	}
	if a.Total != 3 {
		t.Errorf("analyst A total %d, want 3", a.Total)
	}
	var yoyChecked bool
	for _, r := range a.Rows {
		if r.Category == "theft" && r.Year == 2024 {
			if r.YoY == nil || *r.YoY != 0 {
				t.Errorf("theft 2024 year-on-year %v, want 0 (1 → 1)", r.YoY)
			}
			yoyChecked = true
		}
	}
	if !yoyChecked {
		t.Errorf("no theft 2024 row: %+v", a.Rows)
	}
	mustGetJSON(t, f, analystA, "/api/v1/stats/counts?territory="+codeB, http.StatusNotFound, nil)
	mustGetJSON(t, f, analystA, "/api/v1/stats/timeprofile?territory="+codeB, http.StatusNotFound, nil)
	mustGetJSON(t, f, analystA, "/api/v1/stats/forecast?territory="+codeB, http.StatusNotFound, nil)
	mustGetJSON(t, f, analystA, "/api/v1/stats/hotspots?territory="+codeB, http.StatusNotFound, nil)

	var b countsBody
	mustGetJSON(t, f, "analystB", "/api/v1/stats/counts?by=category", 200, &b)
	if b.Total != 1 || len(b.Rows) != 1 || b.Rows[0].Category != "fraud" || b.Rows[0].Share != 1 {
		t.Errorf("analyst B counts %+v, want one fraud row with share 1", b)
	}

	var tp stats.TimeProfile
	mustGetJSON(t, f, analystA, "/api/v1/stats/timeprofile?category=theft", 200, &tp)
	// 2023-03-01 was a Wednesday (2), 22:15; 2024-03-04 a Monday (0), 10:00.
	if tp.Total != 2 || tp.Grid[2][22] != 1 || tp.Grid[0][10] != 1 {
		t.Errorf("time profile %+v", tp)
	}

	// The same table downloads as CSV: a row per weekday from Monday, a
	// column per hour.
	raw := readBody(t, f.do(t, analystA, "GET", "/stats?table=timeprofile&format=csv&sep=comma&category=theft", "", ""))
	tab, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(raw, "\ufeff"))).ReadAll()
	if err != nil || len(tab) != 9 || len(tab[0]) != 25 {
		t.Fatalf("time profile CSV: %v, %q", err, raw)
	}
	if tab[3][1+22] != "1" || tab[1][1+10] != "1" || tab[2][1+10] != "0" {
		t.Errorf("time profile CSV: Wednesday 22h %q, Monday 10h %q, Tuesday 10h %q; want 1, 1, 0", tab[3][23], tab[1][11], tab[2][11])
	}

	var hot struct {
		Features []struct {
			Properties struct {
				Count int `json:"count"`
			} `json:"properties"`
		} `json:"features"`
	}
	// The rape counts on no coordinator's map (TestHotspotsSensitive).
	mustGetJSON(t, f, coordinator, "/api/v1/stats/hotspots?cell_m=50000", 200, &hot)
	cells := 0
	for _, ft := range hot.Features {
		cells += ft.Properties.Count
	}
	if cells != 2 {
		t.Errorf("coordinator of A: hot-spot cells count %d records, want the 2 thefts", cells)
	}

	mustGetJSON(t, f, anon, "/api/v1/stats/points", http.StatusUnauthorized, nil)
	mustGetJSON(t, f, anon, "/api/v1/stats/hotspots", http.StatusUnauthorized, nil)
	mustGetJSON(t, f, reporterA, "/api/v1/stats/points", http.StatusForbidden, nil)
	var pts struct {
		Features []struct {
			Properties struct {
				Category string `json:"category"`
			} `json:"properties"`
		} `json:"features"`
	}
	mustGetJSON(t, f, analystA, "/api/v1/stats/points", 200, &pts)
	if len(pts.Features) != 2 {
		t.Errorf("analyst A got %d points, want the 2 thefts", len(pts.Features))
	}
	for _, p := range pts.Features {
		if p.Properties.Category == "rape" {
			t.Error("a sensitive record's location reached the browser")
		}
	}
	body := readBody(t, f.do(t, anon, "GET", "/stats/map", "", ""))
	if strings.Contains(body, "/api/v1/stats/points") {
		t.Error("the anonymous map page refers to point locations")
	}
}

// TestStatsDemoEqualsTable1 loads the synthetic demo records of 2019–2021
// and checks that counts by category and year equal the Concept's Table 1,
// figure by figure, read from the official statistics.
func TestStatsDemoEqualsTable1(t *testing.T) {
	f := mustFixture(t)
	n, err := demo.LoadOffenses(context.Background(), f.db, 1, []int{2019, 2020, 2021})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]float64{} // category/year → Table 1
	keys := map[string]string{
		"registered_crimes_murder_incl_attempts": "murder", "registered_crimes_grievous_bodily_harm": "grave_harm",
		"registered_crimes_rape_incl_attempts": "rape", "registered_crimes_robbery_with_violence": "robbery_violent",
		"registered_crimes_robbery": "robbery", "registered_crimes_theft": "theft", "registered_crimes_fraud": "fraud",
		"registered_crimes_extortion": "extortion", "registered_crimes_drug_trafficking": "drugs",
		"registered_crimes_hooliganism": "hooliganism", "registered_crimes_road_traffic_violations": "traffic",
	}
	totals := map[string]float64{}
	for _, fig := range stats.Official() {
		if fig.Section != "1" || fig.Territory != "KG" {
			continue
		}
		if c, ok := keys[fig.Key]; ok {
			want[c+"/"+fig.Year] = fig.Value
		}
		if fig.Key == "registered_crimes_total" {
			totals[fig.Year] = fig.Value
		}
	}
	var sum float64
	for _, y := range []string{"2019", "2020", "2021"} {
		sum += totals[y]
	}
	if float64(n) != sum {
		t.Errorf("demo loaded %d records, want Table 1's %v", n, sum)
	}
	var c countsBody
	mustGetJSON(t, f, adminKG, "/api/v1/stats/counts?by=category,year", 200, &c)
	got := map[string]float64{}
	listed := map[int]float64{}
	for _, r := range c.Rows {
		got[fmt.Sprintf("%s/%d", r.Category, r.Year)] = float64(r.Count)
		if r.Category != "other" {
			listed[r.Year] += float64(r.Count)
		}
	}
	if len(want) != 33 {
		t.Fatalf("Table 1 has %d category figures, want 11 × 3", len(want))
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: counts %v, Table 1 %v", k, got[k], v)
		}
	}
	for _, y := range []int{2019, 2020, 2021} {
		if o := got[fmt.Sprintf("other/%d", y)]; listed[y]+o != totals[fmt.Sprint(y)] {
			t.Errorf("%d: listed %v + other %v ≠ total %v", y, listed[y], o, totals[fmt.Sprint(y)])
		}
	}
	// Bishkek and Chüy hold about 58 % (the Concept's "approximately 58 %").
	var terr countsBody
	mustGetJSON(t, f, adminKG, "/api/v1/stats/counts?by=territory", 200, &terr)
	var bc float64
	for _, r := range terr.Rows {
		if r.TerritoryCode == "41711000000000" || r.TerritoryCode == "41708000000000" {
			bc += r.Share
		}
	}
	if bc < 0.575 || bc > 0.585 {
		t.Errorf("Bishkek and Chüy share %.4f, want about 0.58", bc)
	}
	t.Logf("demo records %d; Bishkek + Chüy %.2f %%", n, bc*100)
}

func init() {
	moduleCases = append(moduleCases, func(tb testing.TB, f *fixture) []matrixCase {
		const form = "application/x-www-form-urlencoded"
		return []matrixCase{
			{method: "GET", path: "/stats/classification", want: all(200)},
			{method: "GET", path: "/stats/charts/timeprofile", want: signedIn(http.StatusSeeOther, 200)},
			{method: "POST", path: "/stats/classification", ctype: form, body: "code=hooligan_small&category=hooliganism&source=offenses&name_ky=Майда бейбаштык&name_ru=Мелкое хулиганство&name_en=Petty hooliganism&articles=66",
				want: expect{def: http.StatusForbidden, byRole: map[string]int{anon: http.StatusUnauthorized, adminKG: http.StatusSeeOther}}},
			{method: "POST", path: "/stats/classification/hooligan_small/delete", route: "/stats/classification/{code}/delete",
				want: expect{def: http.StatusForbidden, byRole: map[string]int{anon: http.StatusUnauthorized, adminKG: http.StatusSeeOther}}},
			{method: "GET", path: "/api/v1/stats/categories", want: all(200)},
			{method: "PUT", path: "/api/v1/stats/categories/subgroups/petty", route: "/api/v1/stats/categories/subgroups/{code}", ctype: "application/json",
				body: `{"category":"hooliganism","source":"offenses","name_ky":"Майда","name_ru":"Мелкое","name_en":"Petty","articles":["67"]}`,
				want: expect{def: http.StatusForbidden, byRole: map[string]int{anon: http.StatusUnauthorized, adminKG: 200}}},
			{method: "DELETE", path: "/api/v1/stats/categories/subgroups/petty", route: "/api/v1/stats/categories/subgroups/{code}",
				want: expect{def: http.StatusForbidden, byRole: map[string]int{anon: http.StatusUnauthorized, adminKG: http.StatusNoContent}}},
		}
	})
}

// TestPrecinctProfile: a precinct's profile counts its own records: its
// map's grid, its weekday × hour table and the monthly history its
// forecast is fitted on hold the precinct's records, not its district's.
func TestPrecinctProfile(t *testing.T) {
	f := mustFixture(t)
	ctx := context.Background()
	p1, p2 := codeA+"-P1", codeA+"-P2"
	for _, code := range []string{p1, p2} {
		if err := f.db.CreatePrecinct(ctx, aldyn.System, &aldyn.Territory{Code: code, ParentCode: codeA, NameKy: code, NameRu: code, NameEn: code}, nil); err != nil {
			t.Fatal(err)
		}
	}
	var rows strings.Builder
	rows.WriteString("registration_number,source,category,registered_on,occurred_on,occurred_time,territory_code,precinct_code,lat,lon,place_type,solved\n")
	for i := range 60 {
		precinct := []string{p1, p1, p1, p2, p2, ""}[i%6] // 30 in P1, 20 in P2, 10 in neither
		fmt.Fprintf(&rows, "PP-%d,crimes,theft,2023-%02d-11,2023-%02d-10,%02d:05,%s,%s,42.9%d,74.60,street,0\n", i, i%12+1, i%12+1, i%24, codeA, precinct, i%3)
	}
	mustImportOffenses(t, f, rows.String())

	var fr struct {
		PrecinctCode string `json:"precinct_code"`
		History      []struct {
			Count int64 `json:"count"`
		} `json:"history"`
	}
	mustGetJSON(t, f, analystA, "/api/v1/stats/forecast?precinct="+p1, 200, &fr)
	var history int64
	for _, m := range fr.History {
		history += m.Count
	}
	if fr.PrecinctCode != p1 || history != 30 {
		t.Errorf("forecast of %s: precinct %q, %d records in its history, want 30", p1, fr.PrecinctCode, history)
	}
	var grid struct {
		Features []struct {
			Properties struct {
				Count int `json:"count"`
			} `json:"properties"`
		} `json:"features"`
	}
	mustGetJSON(t, f, analystA, "/api/v1/stats/hotspots?zoom=12&precinct="+p2, 200, &grid)
	cells := 0
	for _, c := range grid.Features {
		cells += c.Properties.Count
	}
	if cells != 20 {
		t.Errorf("grid of %s counts %d records, want 20", p2, cells)
	}
	resp := f.do(t, analystA, "GET", "/stats/precincts/"+p1, "", "")
	body := readBody(t, resp)
	if resp.StatusCode != 200 || !strings.Contains(body, ": 30</p>") || !strings.Contains(body, "/api/v1/stats/hotspots?precinct="+p1) {
		t.Errorf("profile of %s: status %d, want its 30 records and its own grid: %.2000s", p1, resp.StatusCode, body)
	}
}

// TestStatsForecastNamesModels: the statistics page names the forecast's
// models in the reader's language, never by their API codes, and shows
// the hold-out of the last 12 months beside the rolling back-test, as the
// API does.
func TestStatsForecastNamesModels(t *testing.T) {
	f := mustFixture(t)
	var rows strings.Builder
	rows.WriteString("registration_number,source,category,registered_on,territory_code,place_type,solved\n")
	for i := range 480 {
		fmt.Fprintf(&rows, "FM-%d,crimes,theft,%d-%02d-11,%s,street,0\n", i, 2021+i/160, i%12+1, codeA)
	}
	mustImportOffenses(t, f, rows.String())
	var fr struct {
		BackTests []struct {
			Model         string `json:"model"`
			Origins       int    `json:"origins"`
			HoldOutMonths int    `json:"hold_out_months"`
		} `json:"back_tests"`
	}
	mustGetJSON(t, f, analystA, "/api/v1/stats/forecast?territory="+codeA, 200, &fr)
	if len(fr.BackTests) != 3 {
		t.Fatalf("36 months: %d models back-tested, want 3", len(fr.BackTests))
	}
	for _, b := range fr.BackTests {
		if b.Origins == 0 || b.HoldOutMonths != 12 {
			t.Errorf("%s: %d rolling origins, hold-out over %d months; want both", b.Model, b.Origins, b.HoldOutMonths)
		}
	}
	want := map[string]string{"ky": "Сезондук жөнөкөй модель", "ru": "Сезонная наивная модель", "en": "Seasonal naive"}
	holdOut := map[string]string{"ky": "Четке калтырылган текшерүү", "ru": "Отложенная проверка", "en": "Hold-out"}
	for lang, name := range want {
		code, page := f.getAs(t, analystA, lang, "/stats?territory="+codeA)
		if code != http.StatusOK || !strings.Contains(page, name) {
			t.Errorf("%s: status %d, the back-test does not name %q", lang, code, name)
		}
		if !strings.Contains(page, holdOut[lang]) {
			t.Errorf("%s: the back-test has no hold-out column %q", lang, holdOut[lang])
		}
		for _, code := range []string{"seasonal_naive", "holt_winters", "stats.forecast.models"} {
			if strings.Contains(page, code) {
				t.Errorf("%s: the page shows %q", lang, code)
			}
		}
	}
}

// TestOfficialPageLanguages: the official statistics and their checks
// read in the reader's language, every figure's words included; only the
// Concept's own Kyrgyz quotes stay as they are.
func TestOfficialPageLanguages(t *testing.T) {
	f := mustFixture(t)
	figs := stats.Official()
	for _, c := range []struct{ lang, formula, indicator string }{
		{"ky", "(уурулук + тоноо + каракчылык + алдамчылык, 2020, §5.2)", "Катталган кылмыштар, бардыгы"},
		{"ru", "(кражи + грабежи + разбои + мошенничества, 2020, §5.2)", "Зарегистрированные преступления, всего"},
		{"en", "(theft + robbery + robbery with violence + fraud, 2020, §5.2)", "Registered crimes, total"},
	} {
		t.Run(c.lang, func(t *testing.T) {
			_, page := f.getAs(t, anon, c.lang, "/stats/official")
			page = html.UnescapeString(page)
			if !strings.Contains(page, c.formula) || !strings.Contains(page, c.indicator) {
				t.Errorf("the page lacks the C1 formula %q or the indicator %q", c.formula, c.indicator)
			}
			// Units agree with their figures (crime index 60, safety index 11.43, factor 2).
			units := map[string][]string{
				"ky": {"60 <small>балл</small>", "11,43 <small>балл</small>", "2 <small>эсе</small>"},
				"ru": {"60 <small>баллов</small>", "11,43 <small>балла</small>", "2 <small>раза</small>"},
				"en": {"60 <small>points</small>", "11.43 <small>points</small>", "2 <small>times</small>"},
			}[c.lang]
			for _, u := range units {
				if !strings.Contains(page, u) {
					t.Errorf("the page lacks %q", u)
				}
			}
			if strings.Contains(page, "stats.official.") {
				t.Errorf("the page shows a message key")
			}
			yoy := map[string]string{"ky": "+14,80", "ru": "+14,80", "en": "+14.80"}[c.lang]
			if !strings.Contains(page, ">"+yoy+"<") {
				t.Errorf("the 2021 change is not written %s", yoy)
			}
			if c.lang == "en" {
				return
			}
			for _, fig := range figs {
				if fig.SourceEN != "Global Finance" && strings.Contains(page, fig.SourceEN) {
					t.Errorf("the page cites %q in English", fig.SourceEN)
				}
				if strings.Contains(page, fig.IndicatorEN) {
					t.Errorf("the page names %q in English", fig.IndicatorEN)
				}
			}
			for _, en := range []string{"not stated", "undated", "registered crimes", "count"} {
				if strings.Contains(page, en) {
					t.Errorf("the page shows %q", en)
				}
			}
		})
	}
	var api struct {
		Checks []struct {
			ID, Formula string
		} `json:"checks"`
	}
	_, body := f.getAs(t, anon, "ru", "/api/v1/stats/official")
	if err := json.Unmarshal([]byte(body), &api); err != nil || len(api.Checks) != 15 || !strings.HasPrefix(api.Checks[0].Formula, "(кражи") {
		t.Errorf("API checks in Russian: %d, first %+v (%v)", len(api.Checks), api.Checks[0], err)
	}
}

// TestStatsRateAnnualised: a territory's rate over several years is the
// count per 100,000 residents and year, each year with its own population
// (or the nearest earlier), and the answer says which population years.
func TestStatsRateAnnualised(t *testing.T) {
	f := mustFixture(t)
	mustImportOffenses(t, f, "registration_number,source,category,registered_on,occurred_on,occurred_time,territory_code,lat,lon,place_type,solved\n"+
		"R-1,crimes,theft,2019-01-02,2019-01-01,10:00,"+codeA+",42.90,74.60,street,0\n"+
		"R-2,crimes,theft,2022-06-02,2022-06-01,10:00,"+codeA+",42.90,74.60,street,0\n"+
		"R-3,crimes,theft,2024-12-02,2024-12-01,10:00,"+codeA+",42.90,74.60,street,0\n")
	pops, err := f.db.Populations(context.Background(), codeA)
	if err != nil {
		t.Fatal(err)
	}
	var personYears float64
	want := map[int]bool{}
	for y := 2019; y <= 2024; y++ {
		p, _, ok := aldyn.PopulationFor(pops, y)
		if !ok {
			t.Fatalf("no population of %s for %d", codeA, y)
		}
		personYears += float64(p.Population)
		want[p.Year] = true
	}
	var c struct {
		PeriodFrom string `json:"period_from"`
		PeriodTo   string `json:"period_to"`
		Rows       []struct {
			TerritoryCode   string   `json:"territory_code"`
			Count           int64    `json:"count"`
			Rate            *float64 `json:"rate_per_100k"`
			PopulationYears []int    `json:"population_years"`
		} `json:"rows"`
	}
	mustGetJSON(t, f, analystA, "/api/v1/stats/counts?by=territory&depth=district&territory="+codeA, 200, &c)
	if len(c.Rows) != 1 || c.Rows[0].Count != 3 || c.Rows[0].Rate == nil {
		t.Fatalf("got %+v, want one row of 3 records with a rate", c)
	}
	if c.PeriodFrom != "2019-01-01" || c.PeriodTo != "2024-12-31" {
		t.Errorf("got period %s – %s, want 2019-01-01 – 2024-12-31", c.PeriodFrom, c.PeriodTo)
	}
	if w := math.Round(3*1e5/personYears*100) / 100; *c.Rows[0].Rate != w {
		t.Errorf("got rate %v, want %v per 100,000 a year", *c.Rows[0].Rate, w)
	}
	if len(c.Rows[0].PopulationYears) != len(want) || len(want) < 2 {
		t.Errorf("got population years %v, want the %d figures of 2019–2024", c.Rows[0].PopulationYears, len(want))
	}
	for _, y := range c.Rows[0].PopulationYears {
		if !want[y] {
			t.Errorf("population year %d was not used for 2019–2024", y)
		}
	}
}

// TestPopulationCitations: the territory page and the statistics page
// name the population figures by their citation in the reader's language,
// and never show the provenance note.
func TestPopulationCitations(t *testing.T) {
	f := mustFixture(t)
	mustImportOffenses(t, f, "registration_number,source,category,registered_on,occurred_on,occurred_time,territory_code,lat,lon,place_type,solved\n"+
		"C-1,crimes,theft,2023-01-02,2023-01-01,10:00,"+codeA+",42.90,74.60,street,0\n")
	get := func(path, lang string) string {
		_, body := f.getAs(t, adminKG, lang, path)
		return body
	}
	for _, tc := range []struct{ lang, census, estimate string }{
		{"ky", "2022-жылкы калкты улуттук каттоо (КР УСК)", "КР УСКнын 2021-жылдын 1-январына карата баалоосу"},
		{"ru", "Национальная перепись населения 2022 г. (НСК КР)", "Оценка НСК КР на 1 января 2021 г."},
		{"en", "National census 2022 (NSC KR)", "NSC KR estimate, 1 January 2021"},
	} {
		t.Run(tc.lang, func(t *testing.T) {
			body := get("/territories/41711000000000", tc.lang)
			for _, want := range []string{tc.census, tc.estimate} {
				if !strings.Contains(body, want) {
					t.Errorf("Bishkek's page in %s lacks %q", tc.lang, want)
				}
			}
			if strings.Contains(body, "wikipedia") {
				t.Errorf("Bishkek's page in %s shows the provenance note", tc.lang)
			}
			// Alamüdün's 2023 rate divides by the 2021 estimate.
			body = get("/stats?depth=district&territory="+codeA, tc.lang)
			if want := map[string]string{"ky": "КР УСКнын баалоосу, 2021-жыл", "ru": "Оценка НСК КР, 2021 г.", "en": "NSC KR estimate, 2021"}[tc.lang]; !strings.Contains(body, want) {
				t.Errorf("statistics page in %s lacks the citation %q", tc.lang, want)
			}
		})
	}
}

// TestStatsPartialYearChange: records that end in November make the last
// year partial; its change compares January–November with the same months
// of the year before (2 records then, 3 now: +50 %), not with the whole
// year (4 records: −25 %), and the page says which months it covers.
func TestStatsPartialYearChange(t *testing.T) {
	f := mustFixture(t)
	csv := "registration_number,source,category,registered_on,occurred_on,occurred_time,territory_code,lat,lon,place_type,solved\n"
	for i, d := range []string{"2025-01-10", "2025-11-10", "2025-12-10", "2025-12-20", "2026-02-10", "2026-05-10", "2026-11-10"} {
		csv += fmt.Sprintf("P-%d,crimes,theft,%s,%s,10:00,%s,42.90,74.60,street,0\n", i, d, d, codeA)
	}
	mustImportOffenses(t, f, csv)
	var c struct {
		Rows []struct {
			Year    int      `json:"year"`
			Count   int64    `json:"count"`
			YoY     *float64 `json:"yoy_change"`
			Partial bool     `json:"partial"`
			From    string   `json:"row_period_from"`
			To      string   `json:"row_period_to"`
		} `json:"rows"`
	}
	mustGetJSON(t, f, analystA, "/api/v1/stats/counts?by=category,year", 200, &c)
	if len(c.Rows) != 2 || c.Rows[1].Year != 2026 || c.Rows[1].Count != 3 {
		t.Fatalf("got %+v, want 2025 and 2026 rows", c.Rows)
	}
	if r := c.Rows[1]; r.YoY == nil || math.Abs(*r.YoY-0.5) > 1e-9 || !r.Partial || r.From != "2026-01-01" || r.To != "2026-11-30" {
		t.Errorf("2026: %+v (change %v); want +50 %% on January–November 2025, partial 2026-01-01 – 2026-11-30", r, r.YoY)
	}
	body := readBody(t, f.do(t, analystA, "GET", "/stats?lang=ru", "", ""))
	if !strings.Contains(body, "2026*") || !strings.Contains(body, "январь–ноябрь") {
		t.Errorf("statistics page does not mark 2026 as January–November")
	}
}

// TestHotspotsCellFromBox: without a zoom, the cell size follows the box
// asked about (a district gets cells of hundreds of metres), not the
// country-wide 40 km.
func TestHotspotsCellFromBox(t *testing.T) {
	f := mustFixture(t)
	var got struct {
		Meta struct {
			CellM float64 `json:"cell_m"`
		} `json:"meta"`
	}
	for _, tc := range []struct {
		query    string
		min, max float64
	}{
		{"bbox=74.5,42.8,74.75,42.95", 500, 1000},
		{"", 16000, 32000},
		{"bbox=74.5,42.8,74.75,42.95&zoom=6", 32000, 32000}, // 40 km snapped to the lattice
		{"bbox=74.5,42.8,74.75,42.95&cell_m=4000", 4000, 4000},
	} {
		mustGetJSON(t, f, analystA, "/api/v1/stats/hotspots?"+tc.query, http.StatusOK, &got)
		if got.Meta.CellM < tc.min || got.Meta.CellM > tc.max {
			t.Errorf("%q: cell %v m, want %v–%v m", tc.query, got.Meta.CellM, tc.min, tc.max)
		}
	}
}

// TestOffenseImportLogReadable: the import log names the system and the
// demo's synthetic records in the reader's language, on the page and in
// its export, not as the codes the log stores ("system", "synthetic demo
// records (seed …)").
func TestOffenseImportLogReadable(t *testing.T) {
	f := mustFixture(t)
	if _, err := demo.LoadOffenses(context.Background(), f.db, 0.001, []int{2021}); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ lang, system, records string }{
		{"ky", "Система", "Демо үчүн түзүлгөн жазуулар"},
		{"ru", "Система", "Записи, созданные для демонстрации"},
	} {
		for _, path := range []string{"/stats/imports", "/stats/imports?format=csv"} {
			_, page := f.getAs(t, adminKG, c.lang, path)
			if !strings.Contains(page, c.system) || !strings.Contains(page, c.records) || strings.Contains(page, "synthetic demo records") || strings.Contains(page, ">system<") || strings.Contains(page, ",system,") {
				t.Errorf("%s %s: want %q and %q: %.3000s", c.lang, path, c.system, c.records, page)
			}
		}
	}
}

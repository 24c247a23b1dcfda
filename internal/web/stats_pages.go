package web

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/disclosure"
	"github.com/aldyn-kg/aldyn/internal/export"
	"github.com/aldyn-kg/aldyn/internal/i18n"
	"github.com/aldyn-kg/aldyn/internal/importer"
	"github.com/aldyn-kg/aldyn/internal/stats"
)

// The statistics pages draw the same figures the API serves; every table
// on them downloads as CSV or XLSX (table=…&format=csv|xlsx).

// maxCompared bounds the territories compared on one chart.
const maxCompared = 6

// statsFilterData is what the filter form offers.
type statsFilterData struct {
	Territories []*aldyn.Territory // regions and districts in scope
	Categories  []importer.Category
}

func (s *Server) statsFilterData(r *http.Request) (*statsFilterData, error) {
	a := actor(r)
	ts, _, err := s.db.FindTerritories(r.Context(), aldyn.TerritoryFilter{Under: a.ScopeUnder(), Page: aldyn.Page{Limit: aldyn.MaxLimit}})
	if err != nil {
		return nil, err
	}
	d := &statsFilterData{Categories: importer.Categories}
	for _, t := range ts {
		if t.Level != aldyn.LevelPrecinct {
			d.Territories = append(d.Territories, t)
		}
	}
	return d, nil
}

// chart is an ECharts option built on the server; the page only draws it.
type chart map[string]any

func lineChart(title string, labels []string, series ...map[string]any) chart {
	x := map[string]any{"type": "category", "data": labels}
	// A few categories (budget sources) each keep their label, wrapped by
	// the page to the band's width, rather than every other one dropped.
	if len(labels) <= 8 {
		x["axisLabel"] = map[string]any{"interval": 0, "overflow": "break"}
	}
	return chart{
		"title":   map[string]any{"text": title, "textStyle": map[string]any{"fontSize": 14}},
		"tooltip": map[string]any{"trigger": "axis"},
		"legend":  map[string]any{"top": 24, "type": "scroll"},
		"grid":    map[string]any{"top": 64, "left": 16, "right": 16, "bottom": 32, "containLabel": true},
		"xAxis":   x,
		"yAxis":   map[string]any{"type": "value"},
		"series":  series,
	}
}

// statsPageData is what the statistics page (stats.html) shows: the
// counts by category, territory and period of the filter, and, when the
// period has records, the trend, the top precincts and the forecast.
type statsPageData struct {
	Filter        *statsFilterData
	Scope         *statsScope
	ByCategory    *countsResult
	CategoryPivot []categoryRow
	ByTerritory   *countsResult
	RateCitations []string // the sources of the territories' populations
	ByPeriod      *countsResult
	Period        string
	Years         []int
	PartialYear   *partialYear
	CanImport     bool

	TrendChart    chart
	TopPrecincts  []aldyn.PrecinctCount
	Names         map[string]string // territory names by code
	Forecast      *forecastResult
	ForecastChart chart
}

func (s *Server) statsPage(w http.ResponseWriter, r *http.Request) error {
	sc, err := s.territoryStatsScope(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	loc := info(r).loc
	lang := loc.Lang()
	period := q.Get("period")
	if period == "" {
		period = aldyn.ByYear
	}
	if period != aldyn.ByYear && period != aldyn.ByQuarter && period != aldyn.ByMonth {
		return badParam("period")
	}
	depth, err := parseDepth(q.Get("depth"))
	if err != nil {
		return err
	}
	if sc.Territory != nil && depth <= pathDepth(sc.Territory.Path) {
		depth = min(pathDepth(sc.Territory.Path)+1, aldyn.DepthDistrict)
	}
	byCat, err := s.counts(r, sc, []string{aldyn.ByCategory, aldyn.ByYear}, depth)
	if err != nil {
		return err
	}
	byTerr, err := s.counts(r, sc, []string{aldyn.ByTerritory}, depth)
	if err != nil {
		return err
	}
	byPeriod, err := s.counts(r, sc, periodBy(period), depth)
	if err != nil {
		return err
	}
	switch table := q.Get("table"); table {
	case "":
	case "timeprofile", "precincts":
		return s.exportStatsDetail(w, r, sc, table)
	default:
		return s.exportStatsTable(w, r, table, byCat, byTerr, byPeriod, period)
	}
	fd, err := s.statsFilterData(r)
	if err != nil {
		return err
	}
	var rateCitations []string
	for _, r := range byTerr.Rows {
		for _, c := range r.Citations {
			if !slices.Contains(rateCitations, c) {
				rateCitations = append(rateCitations, c)
			}
		}
	}
	years := yearsOf(byCat.Rows)
	data := &statsPageData{Filter: fd, ByCategory: byCat, CategoryPivot: pivotByCategory(byCat.Rows, years), ByTerritory: byTerr, RateCitations: rateCitations,
		ByPeriod: byPeriod, Period: period, Years: years, PartialYear: partialYearNote(byCat.Rows, info(r).loc), Scope: sc, CanImport: requireImporter(r) == nil}
	if byPeriod.Total > 0 {
		// Trend of the period, one line per compared territory (the
		// territories of compare=…, or the scope as a whole).
		labels, series, err := s.compareSeries(r, sc, period, depth)
		if err != nil {
			return err
		}
		data.TrendChart = lineChart(loc.T("stats.trend"), labels, series...)
		// The weekday × hour table scans the records: the page asks for it
		// after it has loaded (/stats/charts/timeprofile).
		top, err := s.db.TopPrecincts(r.Context(), sc.byPrecinct(actor(r)), 10)
		if err != nil {
			return err
		}
		names, err := s.territoryNames(r.Context(), lang)
		if err != nil {
			return err
		}
		data.TopPrecincts, data.Names = top, names
		if h, err := parseHorizon(q.Get("horizon")); err == nil {
			fr, err := s.forecast(r, sc, h)
			if err != nil {
				return err
			}
			data.Forecast = fr
			data.ForecastChart = forecastChart(loc, fr)
		}
	}
	return s.render(w, r, http.StatusOK, "stats", &page{Title: loc.T("stats.title"), Form: q, Data: data})
}

func periodBy(period string) []string {
	if period == aldyn.ByYear {
		return []string{aldyn.ByYear}
	}
	return []string{aldyn.ByYear, period}
}

// periodLabel names a period of a count row: 2021, 2021 Q3, 2021-07.
func periodLabel(r aldyn.CountRow) string {
	switch {
	case r.Month > 0:
		return fmt.Sprintf("%04d-%02d", r.Year, r.Month)
	case r.Quarter > 0:
		return fmt.Sprintf("%04d Q%d", r.Year, r.Quarter)
	}
	return fmt.Sprint(r.Year)
}

// partialYear is the last year of rows when the period covers it only in
// part, with the note that says which months and what its change compares.
type partialYear struct {
	Year int
	Note string
}

func partialYearNote(rows []countStatNamed, loc *i18n.Localizer) *partialYear {
	for _, r := range rows {
		if !r.Partial || r.Year == 0 || r.Quarter != 0 || r.Month != 0 {
			continue
		}
		from, err1 := time.Parse(time.DateOnly, r.PeriodFrom)
		to, err2 := time.Parse(time.DateOnly, r.PeriodTo)
		if err1 != nil || err2 != nil {
			continue
		}
		return &partialYear{Year: r.Year, Note: loc.T("stats.partial_year_note", "year", r.Year, "prev", r.Year-1,
			"from", loc.T(fmt.Sprintf("common.month.%d", from.Month())), "to", loc.T(fmt.Sprintf("common.month.%d", to.Month())))}
	}
	return nil
}

// categoryRow is a category's counts per year, for a table with a column
// per year; the change and share are those of the last year.
type categoryRow struct {
	Code, Name string
	Counts     []int64
	Last       countStatNamed
}

func pivotByCategory(rows []countStatNamed, years []int) []categoryRow {
	var out []categoryRow
	for _, r := range rows {
		if len(out) == 0 || out[len(out)-1].Code != r.Category {
			out = append(out, categoryRow{Code: r.Category, Name: r.CategoryName, Counts: make([]int64, len(years))})
		}
		c := &out[len(out)-1]
		c.Counts[slices.Index(years, r.Year)] = r.Count
		if r.Year == years[len(years)-1] {
			c.Last = r
		}
	}
	return out
}

func yearsOf(rows []countStatNamed) []int {
	var ys []int
	for _, r := range rows {
		if !slices.Contains(ys, r.Year) {
			ys = append(ys, r.Year)
		}
	}
	slices.Sort(ys)
	return ys
}

func pathDepth(p string) int { return max(strings.Count(p, "/")-1, 0) }

// compareSeries counts the period series of each compared territory.
func (s *Server) compareSeries(r *http.Request, sc *statsScope, period string, depth int) ([]string, []map[string]any, error) {
	lang := info(r).loc.Lang()
	codes := splitList(r.URL.Query().Get("compare"))
	if len(codes) > maxCompared {
		return nil, nil, badParam("compare")
	}
	type line struct {
		name string
		sc   statsScope
	}
	var lines []line
	for _, code := range codes {
		t, err := s.db.FindTerritoryByCode(r.Context(), code)
		if err != nil || !actor(r).Covers(t.Path) || t.Level == aldyn.LevelPrecinct {
			return nil, nil, badParam("compare")
		}
		c := *sc
		c.Territory, c.Under = t, t.Path
		lines = append(lines, line{t.Name(lang), c})
	}
	if len(lines) == 0 {
		name := info(r).loc.T("stats.all_territories")
		if sc.Territory != nil {
			name = sc.Territory.Name(lang)
		}
		lines = append(lines, line{name, *sc})
	}
	var labels []string
	counts := make([]map[string]int64, len(lines))
	for i, l := range lines {
		res, err := s.counts(r, &l.sc, periodBy(period), depth)
		if err != nil {
			return nil, nil, err
		}
		counts[i] = map[string]int64{}
		for _, row := range res.Rows {
			k := periodLabel(row.CountRow)
			counts[i][k] = row.Count
			if !slices.Contains(labels, k) {
				labels = append(labels, k)
			}
		}
	}
	slices.Sort(labels)
	var series []map[string]any
	for i, l := range lines {
		vals := make([]int64, len(labels))
		for j, k := range labels {
			vals[j] = counts[i][k]
		}
		series = append(series, map[string]any{"name": l.name, "type": "line", "data": vals, "smooth": false})
	}
	return labels, series, nil
}

// timeProfileChartPage serves the statistics page's weekday × hour chart:
// counting it scans the records in scope, which on a large register takes
// longer than the rest of the page.
func (s *Server) timeProfileChartPage(w http.ResponseWriter, r *http.Request) error {
	grid, unknown, err := s.timeProfile(r)
	if err != nil {
		return err
	}
	loc := info(r).loc
	c := timeProfileChart(loc, grid)
	c["title"] = map[string]any{"text": loc.T("stats.time_profile"), "subtext": loc.T("stats.time_unknown", "count", loc.Number(int64(unknown))),
		"textStyle": map[string]any{"fontSize": 14}}
	c["grid"] = map[string]any{"top": 56, "left": 96, "right": 16, "bottom": 72}
	return writeJSON(w, http.StatusOK, c)
}

func weekdayNames(loc *i18n.Localizer) []string {
	out := make([]string, 7)
	for i := range out {
		out[i] = loc.Weekday(time.Weekday((i + 1) % 7)) // Monday first
	}
	return out
}

func timeProfileChart(loc *i18n.Localizer, grid [7][24]int) chart {
	var data [][3]int
	hi := 1
	for d := range 7 {
		for h := range 24 {
			data = append(data, [3]int{h, d, grid[d][h]})
			hi = max(hi, grid[d][h])
		}
	}
	hours := make([]string, 24)
	for h := range hours {
		hours[h] = fmt.Sprintf("%02d", h)
	}
	return chart{
		"title":     map[string]any{"text": loc.T("stats.time_profile"), "textStyle": map[string]any{"fontSize": 14}},
		"tooltip":   map[string]any{"position": "top"},
		"grid":      map[string]any{"top": 40, "left": 96, "right": 16, "bottom": 72},
		"xAxis":     map[string]any{"type": "category", "data": hours, "name": loc.T("stats.hour")},
		"yAxis":     map[string]any{"type": "category", "data": weekdayNames(loc)},
		"visualMap": map[string]any{"min": 0, "max": hi, "calculable": true, "orient": "horizontal", "left": "center", "bottom": 0},
		"series":    []map[string]any{{"type": "heatmap", "data": data}},
	}
}

func forecastChart(loc *i18n.Localizer, fr *forecastResult) chart {
	var labels []string
	n := len(fr.History) + len(fr.Months)
	actual, mean := make([]any, n), make([]any, n)
	lo80, band80, lo95, band95 := make([]any, n), make([]any, n), make([]any, n), make([]any, n)
	for i, m := range fr.History {
		labels = append(labels, m.Month)
		actual[i] = m.Count
	}
	for j, m := range fr.Months {
		i := len(fr.History) + j
		labels = append(labels, m.Month)
		mean[i], lo80[i], band80[i] = m.Mean, m.Lo80, r2(m.Hi80-m.Lo80)
		lo95[i], band95[i] = m.Lo95, r2(m.Hi95-m.Lo95)
	}
	band := func(name, stack string, lo, width []any, color string) []map[string]any {
		return []map[string]any{
			// The colour is the band's, so its legend mark matches it.
			{"name": name, "type": "line", "stack": stack, "data": lo, "lineStyle": map[string]any{"opacity": 0}, "symbol": "none", "color": color, "tooltip": map[string]any{"show": false}},
			{"name": name, "type": "line", "stack": stack, "data": width, "lineStyle": map[string]any{"opacity": 0}, "symbol": "none", "color": color,
				"areaStyle": map[string]any{"color": color}},
		}
	}
	series := append(band(loc.T("stats.forecast.interval95"), "b95", lo95, band95, "rgba(0,94,184,0.12)"),
		band(loc.T("stats.forecast.interval80"), "b80", lo80, band80, "rgba(0,94,184,0.25)")...)
	series = append(series,
		map[string]any{"name": loc.T("stats.forecast.actual"), "type": "line", "data": actual, "color": "#333"},
		map[string]any{"name": loc.T("stats.forecast.mean"), "type": "line", "data": mean, "color": "#005eb8", "lineStyle": map[string]any{"type": "dashed"}})
	c := lineChart(loc.T("stats.forecast.title"), labels, series...)
	c["tooltip"] = map[string]any{"trigger": "axis"}
	return c
}

// joinYears lists the population years a rate used: "2009, 2021".
func joinYears(ys []int) string {
	s := make([]string, len(ys))
	for i, y := range ys {
		s[i] = strconv.Itoa(y)
	}
	return strings.Join(s, ", ")
}

// exportStatsTable downloads one of the statistics page's tables.
func (s *Server) exportStatsTable(w http.ResponseWriter, r *http.Request, table string, byCat, byTerr, byPeriod *countsResult, period string) error {
	format := r.URL.Query().Get("format")
	loc := info(r).loc
	cols := func(first ...export.Column) []export.Column {
		return append(first, export.Column{Key: "count", Label: loc.T("stats.count"), Kind: export.Int},
			export.Column{Key: "share", Label: loc.T("stats.share"), Kind: export.Percent},
			export.Column{Key: "yoy", Label: loc.T("stats.yoy"), Kind: export.Percent},
			export.Column{Key: "rate", Label: loc.T("stats.rate"), Kind: export.Float},
			export.Column{Key: "population_years", Label: loc.T("stats.population_years")},
			export.Column{Key: "solved", Label: loc.T("stats.solved_share"), Kind: export.Percent},
			export.Column{Key: "synthetic", Label: loc.T("stats.synthetic_records"), Kind: export.Int})
	}
	tail := func(r countStatNamed) []any {
		var yoy, rate any
		if r.YoY != nil {
			yoy = *r.YoY
		}
		if r.RatePer100k != nil {
			rate = *r.RatePer100k
		}
		return []any{r.Count, r.Share, yoy, rate, joinYears(r.PopulationYears), r.SolvedShare, r.Synthetic}
	}
	var t export.Table
	switch table {
	case "categories":
		t = export.Table{Title: loc.T("stats.by_category"), Columns: cols(export.Column{Key: "category", Label: loc.T("stats.category")},
			export.Column{Key: "year", Label: loc.T("common.year"), Kind: export.Int})}
		for _, r := range byCat.Rows {
			t.Rows = append(t.Rows, append([]any{r.CategoryName, r.Year}, tail(r)...))
		}
	case "territories":
		t = export.Table{Title: loc.T("stats.by_territory"), Columns: cols(export.Column{Key: "code", Label: loc.T("common.code")},
			export.Column{Key: "territory", Label: loc.T("common.territory")})}
		for _, r := range byTerr.Rows {
			t.Rows = append(t.Rows, append([]any{r.TerritoryCode, r.TerritoryName}, tail(r)...))
		}
	case "periods":
		t = export.Table{Title: loc.T("stats.by_period"), Columns: cols(export.Column{Key: "period", Label: loc.T("stats.period." + period)})}
		for _, r := range byPeriod.Rows {
			t.Rows = append(t.Rows, append([]any{periodLabel(r.CountRow)}, tail(r)...))
		}
	default:
		return badParam("table")
	}
	if format != "csv" && format != "xlsx" {
		return badParam("format")
	}
	return serveTable(w, r, format, "offense-statistics-"+table, t)
}

// statsMapPageData is the data of the stats_map page.
type statsMapPageData struct {
	Filter            *statsFilterData
	Scope             *statsScope
	GridURL           string
	PointsURL         string
	Density           bool
	CanSeePoints      bool
	SensitiveMinCount int
	Focus             mapView
	Residents         residentsLayer
}

func (s *Server) statsMapPage(w http.ResponseWriter, r *http.Request) error {
	sc, err := s.parseStatsScope(r)
	if err != nil {
		return err
	}
	fd, err := s.statsFilterData(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	density := q.Get("layer") == "density"
	api := statsURL("/api/v1/stats/hotspots", q, "layer", "", "points", "")
	if density {
		api = statsURL("/api/v1/stats/hotspots", q, "layer", "", "points", "", "density", "1")
	}
	points := ""
	if actor(r).Is(aldyn.RoleAnalyst, aldyn.RoleAdministrator) && q.Get("points") == "1" {
		points = statsURL("/api/v1/stats/points", q, "points", "", "layer", "")
	}
	// The page says how sensitive records count on the map (recordGrid).
	minCount := 0
	if actor(r).SeesSensitiveRecords() {
		if minCount, err = disclosure.MinCellCount(r.Context(), s.db); err != nil {
			return err
		}
	}
	focus, err := s.mapFocus(r, sc)
	if err != nil {
		return err
	}
	layer, err := s.statsResidentsLayer(r, sc)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "stats_map", &page{Title: info(r).loc.T("stats.map.title"), Form: q,
		Data: &statsMapPageData{Filter: fd, Scope: sc, GridURL: api, PointsURL: points, Density: density,
			CanSeePoints: actor(r).Is(aldyn.RoleAnalyst, aldyn.RoleAdministrator), SensitiveMinCount: minCount,
			Focus: focus, Residents: layer}})
}

// mapView is where a map opens: on a territory (its boundary when it has
// one, else its point at a zoom for its level), or on the whole country
// when Code is empty.
type mapView struct {
	Code string
	Lat  *float64
	Lon  *float64
	Zoom int
}

// mapFocus is the territory a statistics map opens on: the precinct or
// territory chosen in the filter, else the actor's own territory, so that
// choosing a territory zooms to it.
func (s *Server) mapFocus(r *http.Request, sc *statsScope) (mapView, error) {
	t := sc.Territory
	if sc.Precinct != "" {
		p, err := s.db.FindTerritoryByCode(r.Context(), sc.Precinct)
		if err != nil {
			return mapView{}, err
		}
		t = p
	}
	if t == nil {
		// The actor's scope: the last code of its path.
		parts := strings.Split(strings.Trim(actor(r).ScopeUnder(), "/"), "/")
		if code := parts[len(parts)-1]; aldyn.ValidTerritoryCode(code) {
			st, err := s.db.FindTerritoryByCode(r.Context(), code)
			if err != nil && aldyn.ErrorCode(err) != aldyn.ENOTFOUND {
				return mapView{}, err
			}
			t = st
		}
	}
	if t == nil || t.Level == aldyn.LevelCountry {
		return mapView{}, nil
	}
	return mapView{Code: t.Code, Lat: t.Lat, Lon: t.Lon, Zoom: mapZoom(t.Level)}, nil
}

// mapZoom is the zoom that shows a territory of a level whole when only
// its point is known.
func mapZoom(level string) int {
	switch level {
	case aldyn.LevelCountry:
		return 6
	case aldyn.LevelRegion:
		return 8
	case aldyn.LevelPrecinct:
		return 12
	}
	return 10
}

// officialPageData is the data of the official page.
type officialPageData struct {
	Figures []officialFigure
	Checks  []officialCheck
}

func (s *Server) officialPage(w http.ResponseWriter, r *http.Request) error {
	loc := info(r).loc
	figs := stats.Official()
	views := make([]officialFigure, len(figs))
	for i, f := range figs {
		views[i] = localFigure(loc, f)
	}
	return s.render(w, r, http.StatusOK, "official", &page{Title: loc.T("stats.official.title"),
		Data: &officialPageData{Figures: views, Checks: localChecks(loc, stats.OfficialChecks(figs))}})
}

// officialCheck is a check of the official figures in the reader's
// language.
type officialCheck struct {
	ID      string  `json:"id"`
	Formula string  `json:"formula"`
	Stated  string  `json:"stated"`
	Quoted  bool    `json:"-"` // Stated quotes the Concept's Kyrgyz text
	Value   float64 `json:"value"`
	Display string  `json:"display"`
	OK      bool    `json:"ok"`
}

func localChecks(loc *i18n.Localizer, checks []stats.Check) []officialCheck {
	out := make([]officialCheck, len(checks))
	for i, c := range checks {
		v := officialCheck{ID: c.ID, Formula: loc.T("stats.official.check."+c.Formula, c.Args), Stated: c.Stated, Quoted: true,
			Value: c.Value, Display: localNumber(loc, c.Display), OK: c.OK}
		if c.StatedKey != "" {
			v.Stated, v.Quoted = loc.T("stats.official.stated."+c.StatedKey, c.Args), false
		}
		if len(c.Missing) > 0 {
			v.Formula += " (" + loc.T("stats.official.missing", "figures", strings.Join(c.Missing, ", ")) + ")"
		}
		out[i] = v
	}
	return out
}

// localNumber writes a number written plainly ("+14.80", "-7.87", "271")
// the reader's way, with its decimals; anything else as it is.
func localNumber(loc *i18n.Localizer, s string) string {
	sign, plain := "", s
	if strings.HasPrefix(s, "+") {
		sign, plain = "+", s[1:]
	}
	f, err := strconv.ParseFloat(plain, 64)
	if err != nil {
		return s
	}
	_, frac, _ := strings.Cut(plain, ".")
	return sign + loc.Decimal(f, len(frac))
}

// officialFigure is an official figure with its words and value in the
// reader's language.
type officialFigure struct {
	stats.OfficialFigure
	Indicator, Where, When, ValueText, UnitName, Source string
}

// officialSources names the message of each source the official figures
// cite.
var officialSources = map[string]string{
	"official statistics (body not named)":                                "official_unnamed",
	"General Prosecutor's Office (Table 1)":                               "gpo_table1",
	"National Statistics Committee victimization survey (published 2019)": "nsc_survey_2019",
	"not attributed in the text":                                          "not_attributed",
	"registered facts as quoted in §5.2 (not attributed)":                 "s52_registered",
	"MVD (registered in КЖБР)":                                            "mvd_register",
	"practice of the Safe City component (not attributed)":                "safe_city",
	"Concept's own calculation (§5.2)":                                    "concept_calculation",
	"Global Finance":                                                      "global_finance",
	"MVD (Ministry of Internal Affairs)":                                  "mvd",
	"Concept's estimate (not attributed)":                                 "concept_estimate",
	"Concept's estimate using the 2012 study methodology":                 "concept_estimate_2012",
	"international ratings (not named)":                                   "ratings",
	"victimization survey 2015 ('Коомдук коопсуздукту эл аралык изилдөө' / International Crime Victims Survey, Bishkek, 2015)": "icvs_2015",
	"2012 study on domestic-violence cases 'How much does domestic violence cost?' (Үй-бүлөдөгү зомбулук канча турат?)":        "dv_cost_2012",
}

func localFigure(loc *i18n.Localizer, f stats.OfficialFigure) officialFigure {
	v := officialFigure{OfficialFigure: f, Indicator: loc.T("stats.official.indicator." + f.Key),
		Where: loc.T("stats.official.territory." + f.Territory), When: strings.ReplaceAll(f.Year, "-", "–"),
		ValueText: localNumber(loc, strconv.FormatFloat(f.Value, 'f', -1, 64)), Source: f.SourceEN}
	if f.Year == "undated" {
		v.When = loc.T("stats.official.undated")
	}
	if f.Unit != "count" {
		// The unit agrees with the figure (Russian: 60 баллов, 11,43 балла).
		v.UnitName = loc.Tn("stats.official.unit."+f.Unit, strconv.FormatFloat(f.Value, 'f', -1, 64))
	}
	if key, ok := officialSources[f.SourceEN]; ok {
		v.Source = loc.T("stats.official.source." + key)
	}
	return v
}

// precinctPageData is the data of the precinct page.
type precinctPageData struct {
	Precinct    *aldyn.Territory
	Parent      *aldyn.Territory
	TimeProfile stats.TimeProfile
	TimeChart   chart
	// Forecast and ForecastChart are set when the precinct has offenses.
	Forecast      *forecastResult
	ForecastChart chart
	// Residents are the residents' reports located in the precinct.
	Residents *precinctResidents
}

// precinctPage profiles one police precinct: its map, weekday × hour
// table, trend and forecast, within the actor's scope.
func (s *Server) precinctPage(w http.ResponseWriter, r *http.Request) error {
	t, err := s.territoryByPath(r, requireSignedIn)
	if err != nil {
		return err
	}
	if t.Level != aldyn.LevelPrecinct || !actor(r).Covers(t.Path) {
		return aldyn.Errorf(aldyn.ENOTFOUND, "error.not_found")
	}
	loc := info(r).loc
	sc := &statsScope{Precinct: t.Code, Under: actor(r).ScopeUnder(), ExcludeSensitive: !actor(r).SeesSensitiveRecords()}
	grid, unknown, err := s.db.OffenseTimeProfile(r.Context(), sc.filter())
	if err != nil {
		return err
	}
	tp := stats.NewTimeProfile(grid, unknown)
	parent, err := s.db.FindTerritoryByCode(r.Context(), t.ParentCode)
	if err != nil {
		return err
	}
	data := &precinctPageData{Precinct: t, Parent: parent, TimeProfile: tp, TimeChart: timeProfileChart(loc, grid)}
	if data.Residents, err = s.precinctResidentCounts(r, t, parent); err != nil {
		return err
	}
	if tp.Total > 0 {
		fr, err := s.forecast(r, sc, 6)
		if err != nil {
			return err
		}
		data.Forecast, data.ForecastChart = fr, forecastChart(loc, fr)
	}
	return s.render(w, r, http.StatusOK, "precinct", &page{Title: t.Name(loc.Lang()), Data: data})
}

// exportStatsDetail downloads the weekday × hour table or the precincts
// ranked by their records.
func (s *Server) exportStatsDetail(w http.ResponseWriter, r *http.Request, sc *statsScope, table string) error {
	format := r.URL.Query().Get("format")
	if format != "csv" && format != "xlsx" {
		return badParam("format")
	}
	loc := info(r).loc
	var t export.Table
	switch table {
	case "timeprofile":
		grid, unknown, err := s.db.OffenseTimeProfile(r.Context(), sc.filter())
		if err != nil {
			return err
		}
		t = export.Table{Title: loc.T("stats.time_profile"), Columns: []export.Column{{Key: "weekday", Label: loc.T("stats.weekday")}}}
		for h := range 24 {
			t.Columns = append(t.Columns, export.Column{Key: fmt.Sprintf("h%02d", h), Label: fmt.Sprintf("%02d", h), Kind: export.Int})
		}
		for d, name := range weekdayNames(loc) {
			row := []any{name}
			for h := range 24 {
				row = append(row, grid[d][h])
			}
			t.Rows = append(t.Rows, row)
		}
		unknownRow := []any{loc.T("stats.time_unknown_row")}
		for h := range 24 {
			if h == 0 {
				unknownRow = append(unknownRow, unknown)
			} else {
				unknownRow = append(unknownRow, nil)
			}
		}
		t.Rows = append(t.Rows, unknownRow)
	case "precincts":
		top, err := s.db.TopPrecincts(r.Context(), sc.byPrecinct(actor(r)), aldyn.MaxLimit)
		if err != nil {
			return err
		}
		names, err := s.territoryNames(r.Context(), loc.Lang())
		if err != nil {
			return err
		}
		t = export.Table{Title: loc.T("stats.top_precincts"), Columns: []export.Column{{Key: "code", Label: loc.T("common.code")},
			{Key: "precinct", Label: loc.T("stats.precinct")}, {Key: "count", Label: loc.T("stats.count"), Kind: export.Int},
			{Key: "solved", Label: loc.T("stats.solved_share"), Kind: export.Percent}}}
		for _, p := range top {
			share := 0.0
			if p.Count > 0 {
				share = float64(p.Solved) / float64(p.Count)
			}
			t.Rows = append(t.Rows, []any{p.PrecinctCode, names[p.PrecinctCode], p.Count, share})
		}
	}
	return serveTable(w, r, format, "offense-statistics-"+table, t)
}

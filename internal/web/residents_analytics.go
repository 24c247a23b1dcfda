package web

import (
	"context"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/export"
	"github.com/aldyn-kg/aldyn/internal/i18n"
	"github.com/aldyn-kg/aldyn/internal/residents"
	"github.com/aldyn-kg/aldyn/internal/store"
)

// Residents' reports where the state works with them (issue 16, item 9):
// a layer of the analysts' map (/stats/map), the counts of a precinct
// profile, and the coordination commission's dashboard of volume, time to
// the first answer and timeliness by body and by territory. All are
// staff only and within the actor's scope: a reporter sees its body's
// reports, everyone else the reports made in their territory.

// staffResidentScope limits f to what the actor may see on a map or a
// dashboard: a reporter its body's reports, others the reports made in
// their territory (whose exact pins they may see, CanSeeResident).
func staffResidentScope(a *aldyn.Actor, f *aldyn.ResidentReportFilter) {
	f.BodyID = reporterBody(a)
	f.Territory = a.ScopeUnder()
}

// residentCategoryIDs are the residents' categories that match the
// statistics filter's offense categories, and whether the filter applies
// at all: a category group with no residents' category to match leaves
// the layer unfiltered.
func (s *Server) residentCategoryIDs(ctx context.Context, offense []string) ([]int64, bool, error) {
	var codes []string
	for _, c := range offense {
		codes = append(codes, aldyn.ResidentCategoriesFor(c)...)
	}
	if len(codes) == 0 {
		return nil, false, nil
	}
	cats, err := s.db.FindResidentCategories(ctx, false)
	if err != nil {
		return nil, false, err
	}
	var ids []int64
	for _, c := range cats {
		if slices.Contains(codes, c.Code) {
			ids = append(ids, c.ID)
		}
	}
	return ids, true, nil
}

// apiStatsResidents answers the residents' layer of the analysts' map:
// the reports of the statistics filter (territory, precinct, period, and
// the category group where residents' categories match it) in the view,
// in cells of about 40 screen pixels; a cell of one report sits on its
// exact pin and links to the report.
func (s *Server) apiStatsResidents(w http.ResponseWriter, r *http.Request) error {
	sc, err := s.parseStatsScope(r)
	if err != nil {
		return err
	}
	a, q := actor(r), r.URL.Query()
	f := aldyn.ResidentReportFilter{From: sc.From, To: sc.To}
	staffResidentScope(a, &f)
	f.Territory = sc.Under
	if sc.Precinct != "" {
		p, err := s.db.FindTerritoryByCode(r.Context(), sc.Precinct)
		if err != nil {
			return err
		}
		f.Territory = p.Path
	}
	ids, filtered, err := s.residentCategoryIDs(r.Context(), sc.Categories)
	if err != nil {
		return err
	}
	if filtered {
		if len(ids) == 0 {
			ids = []int64{0} // the matching categories were deleted: nothing
		}
		f.CategoryIDs = ids
	}
	box := [4]float64{aldyn.MinLon, aldyn.MinLat, aldyn.MaxLon, aldyn.MaxLat}
	if v := q.Get("bbox"); v != "" {
		b, err := parseBBox(v)
		if err != nil {
			return err
		}
		box = [4]float64{b.MinLon, b.MinLat, b.MaxLon, b.MaxLat}
	}
	zoom, err := mapZoomParam(q.Get("zoom"))
	if err != nil {
		return err
	}
	cells, err := s.db.ResidentStaffMapCells(r.Context(), f, box, mapCellSize(zoom))
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/geo+json")
	w.Header().Set("Cache-Control", "private, no-store")
	return writeJSON(w, http.StatusOK, residentCellFeatures(cells, "/residents/"))
}

// residentCellFeatures draws the cells of a residents' map as points with
// their counts; a cell of one report links to link + its id.
func residentCellFeatures(cells []store.MapCell, link string) featureCollection {
	fc := featureCollection{Type: "FeatureCollection", Features: make([]geoFeature, 0, len(cells))}
	for _, c := range cells {
		props := map[string]any{"count": c.Count}
		if c.ID != 0 {
			props["url"] = link + strconv.FormatInt(c.ID, 10)
			props["name"] = "№ " + strconv.FormatInt(c.ID, 10)
		}
		fc.Features = append(fc.Features, pointFeature(c.Lon, c.Lat, props))
	}
	return fc
}

// pointFeature is a GeoJSON point at lon, lat (rounded to six decimals).
func pointFeature(lon, lat float64, props map[string]any) geoFeature {
	return geoFeature{Type: "Feature",
		Geometry: geoGeometry{Type: "Point", Coordinates: [2]float64{round6(lon), round6(lat)}}, Properties: props}
}

// mapZoomParam reads a map's zoom (0–22), 6 when not given.
func mapZoomParam(v string) (int, error) {
	if v == "" {
		return 6, nil
	}
	z, err := strconv.Atoi(v)
	if err != nil || z < 0 || z > 22 {
		return 0, badParam("zoom")
	}
	return z, nil
}

// mapCellSize is the side in degrees of a cell of about 40 screen pixels
// at zoom (256 px tiles: 360/2^zoom degrees of longitude span 256 px),
// never finer than the public rounding of points.
func mapCellSize(zoom int) float64 {
	return math.Max(360/math.Exp2(float64(zoom))*40/256, 0.001)
}

// residentsLayer is what /stats/map says of its residents' layer.
type residentsLayer struct {
	URL string
	On  bool
	// Unfiltered: the category group chosen has no matching residents'
	// category, so the layer shows every category.
	Unfiltered bool
}

func (s *Server) statsResidentsLayer(r *http.Request, sc *statsScope) (residentsLayer, error) {
	q := r.URL.Query()
	_, filtered, err := s.residentCategoryIDs(r.Context(), sc.Categories)
	if err != nil {
		return residentsLayer{}, err
	}
	return residentsLayer{URL: statsURL("/api/v1/stats/residents", q, "layer", "", "points", "", "residents", ""), On: q.Get("residents") == "1",
		Unfiltered: len(sc.Categories) > 0 && !filtered}, nil
}

// precinctResidents are the residents' reports located in a precinct over
// the last 12 months, by category and status.
type precinctResidents struct {
	From, To   time.Time // To exclusive
	Categories []precinctResidentRow
	Total      residents.CategoryCounts
	Statuses   []aldyn.ResidentStatus
}

type precinctResidentRow struct {
	Name string
	residents.CategoryCounts
}

// precinctResidentCounts counts the reports of the last 12 months located
// in the precinct t (made in it, or with a point inside its boundary)
// that the actor may see.
func (s *Server) precinctResidentCounts(r *http.Request, t *aldyn.Territory, parent *aldyn.Territory) (*precinctResidents, error) {
	ctx, a := r.Context(), actor(r)
	_, _, from, to := residents.Windows(s.db.Now())
	rs, err := s.db.ResidentReportsMadeIn(ctx, parent.Path, from, to)
	if err != nil {
		return nil, err
	}
	var boundary []byte
	bs, err := s.db.FindBoundaries(ctx, t.Path)
	if err != nil {
		return nil, err
	}
	for _, b := range bs {
		if b.Territory.Code == t.Code {
			boundary = b.Geometry
		}
	}
	var seen []*aldyn.ResidentReport
	for _, rr := range residents.InPrecinct(rs, t.Path, boundary) {
		if a.CanSeeResident(rr.BodyID, rr.BodyPath, rr.TerritoryPath) {
			seen = append(seen, rr)
		}
	}
	cats, err := s.db.FindResidentCategories(ctx, false)
	if err != nil {
		return nil, err
	}
	order := make([]int64, len(cats))
	names := map[int64]string{}
	for i, c := range cats {
		order[i], names[c.ID] = c.ID, c.Name.In(info(r).lang)
	}
	counts, total := residents.CountByCategory(seen, order)
	out := &precinctResidents{From: from, To: to, Total: total, Statuses: aldyn.ResidentStatuses}
	for _, c := range counts {
		out.Categories = append(out.Categories, precinctResidentRow{Name: names[c.CategoryID], CategoryCounts: c})
	}
	return out, nil
}

// residentWindow is one period of the dashboard.
type residentWindow struct {
	From, To time.Time // To exclusive
}

// Last is the window's last day.
func (w residentWindow) Last() time.Time { return w.To.AddDate(0, 0, -1) }

// residentDashRow is one line of the dashboard: a body, a territory or
// the total, in the last quarter and the last 12 months.
type residentDashRow struct {
	Key, Name     string
	Link          string
	Quarter, Year residents.Figures
}

// residentDashboard is the commission's dashboard of residents' reports.
type residentDashboard struct {
	Quarter, Year residentWindow
	Total         residentDashRow
	Bodies        []residentDashRow
	Territories   []residentDashRow
}

// residentDashboardData sums the residents' reports made in the actor's
// territory at now.
func (s *Server) residentDashboardData(r *http.Request) (*residentDashboard, error) {
	ctx, a, lang := r.Context(), actor(r), info(r).lang
	now := s.db.Now()
	qFrom, qTo, yFrom, yTo := residents.Windows(now)
	under := a.ScopeUnder()
	from := yFrom
	if qFrom.Before(from) {
		from = qFrom
	}
	rs, err := s.db.ResidentReportsMadeIn(ctx, under, from, yTo)
	if err != nil {
		return nil, err
	}
	var inQ, inY []*aldyn.ResidentReport
	for _, rr := range rs {
		if !rr.CreatedAt.Before(qFrom) && rr.CreatedAt.Before(qTo) {
			inQ = append(inQ, rr)
		}
		if !rr.CreatedAt.Before(yFrom) && rr.CreatedAt.Before(yTo) {
			inY = append(inY, rr)
		}
	}
	byBody := func(rr *aldyn.ResidentReport) string { return strconv.FormatInt(rr.BodyID, 10) }
	// The territory one level below the actor's (or the actor's own for
	// a report made there).
	byTerritory := func(rr *aldyn.ResidentReport) string {
		rest := strings.TrimPrefix(rr.TerritoryPath, under)
		if rest == rr.TerritoryPath {
			return ""
		}
		if code, _, _ := strings.Cut(rest, "/"); code != "" {
			return code
		}
		parts := strings.Split(strings.Trim(under, "/"), "/")
		return parts[len(parts)-1]
	}
	d := &residentDashboard{Quarter: residentWindow{qFrom, qTo}, Year: residentWindow{yFrom, yTo}}
	tq, bq := residents.Summarize(inQ, now, byBody)
	ty, by := residents.Summarize(inY, now, byBody)
	_, terrQ := residents.Summarize(inQ, now, byTerritory)
	_, terrY := residents.Summarize(inY, now, byTerritory)
	d.Total = residentDashRow{Quarter: tq, Year: ty}
	names := s.newBodyNames(r)
	d.Bodies = mergeDashRows(bq, by, func(key string) (string, string) {
		id, _ := strconv.ParseInt(key, 10, 64)
		return names.Name(id), "/bodies/" + key
	})
	tnames, err := s.territoryNames(ctx, lang)
	if err != nil {
		return nil, err
	}
	d.Territories = mergeDashRows(terrQ, terrY, func(key string) (string, string) {
		n := tnames[key]
		if n == "" {
			n = key
		}
		return n, ""
	})
	return d, nil
}

// mergeDashRows joins the groups of both windows into rows, ordered by
// the 12 months' volume (every group of the quarter is one of the year's,
// as the year holds the quarter), then by name.
func mergeDashRows(q, y []residents.Figures, name func(string) (string, string)) []residentDashRow {
	rows := map[string]*residentDashRow{}
	var out []*residentDashRow
	get := func(k string) *residentDashRow {
		if row := rows[k]; row != nil {
			return row
		}
		row := &residentDashRow{Key: k}
		row.Name, row.Link = name(k)
		rows[k] = row
		out = append(out, row)
		return row
	}
	for _, f := range y {
		get(f.Key).Year = f
	}
	for _, f := range q {
		get(f.Key).Quarter = f
	}
	slices.SortStableFunc(out, func(a, b *residentDashRow) int {
		if a.Year.Reports != b.Year.Reports {
			return b.Year.Reports - a.Year.Reports
		}
		return strings.Compare(a.Name, b.Name)
	})
	res := make([]residentDashRow, len(out))
	for i, row := range out {
		res[i] = *row
	}
	return res
}

// canSeeResidentDashboard: the coordination commission's staff, analysts
// and administrators; a body's reporter has its own list on /tasks.
func canSeeResidentDashboard(a *aldyn.Actor) bool {
	return a.Is(aldyn.RoleCoordinator, aldyn.RoleAnalyst, aldyn.RoleAdministrator)
}

func (s *Server) residentDashboardPage(w http.ResponseWriter, r *http.Request) error {
	if err := requireSignedIn(r); err != nil {
		return err
	}
	if !canSeeResidentDashboard(actor(r)) {
		return forbidden()
	}
	d, err := s.residentDashboardData(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	if format := q.Get("format"); format != "" {
		if format != "csv" && format != "xlsx" {
			return badParam("format")
		}
		by := q.Get("by")
		if by != "body" && by != "territory" {
			return badParam("by")
		}
		return serveTable(w, r, format, "residents-dashboard-"+by, residentDashTable(info(r).loc, d, by))
	}
	return s.render(w, r, http.StatusOK, "residents_dashboard", &page{Title: info(r).loc.T("resanalytics.dashboard.title"), Data: d})
}

// residentDashTable is the dashboard's table by body or by territory, the
// total last, for export.
func residentDashTable(loc *i18n.Localizer, d *residentDashboard, by string) export.Table {
	first, title := loc.T("reporting.body"), loc.T("resanalytics.dashboard.by_body")
	rows := d.Bodies
	if by == "territory" {
		first, title, rows = loc.T("common.territory"), loc.T("resanalytics.dashboard.by_territory"), d.Territories
	}
	period := func(w residentWindow) string { return loc.Date(w.From) + "–" + loc.Date(w.Last()) }
	t := export.Table{Title: title, Columns: []export.Column{{Key: "name", Label: first}}}
	for _, p := range []struct{ key, label string }{{"quarter", period(d.Quarter)}, {"year", period(d.Year)}} {
		t.Columns = append(t.Columns,
			export.Column{Key: p.key + "_reports", Label: loc.T("resanalytics.dashboard.reports") + " " + p.label, Kind: export.Int},
			export.Column{Key: p.key + "_median_days", Label: loc.T("resanalytics.dashboard.median_days") + " " + p.label, Kind: export.Float},
			export.Column{Key: p.key + "_on_time", Label: loc.T("resanalytics.dashboard.on_time") + " " + p.label, Kind: export.Percent})
	}
	cells := func(f residents.Figures) []any {
		var med, share any
		if f.MedianDays != nil {
			med = math.Round(*f.MedianDays*10) / 10
		}
		if v, ok := f.OnTimeShare(); ok {
			share = v
		}
		return []any{f.Reports, med, share}
	}
	add := func(name string, row residentDashRow) {
		t.Rows = append(t.Rows, append(append([]any{name}, cells(row.Quarter)...), cells(row.Year)...))
	}
	for _, row := range rows {
		add(row.Name, row)
	}
	add(loc.T("resanalytics.dashboard.total"), d.Total)
	return t
}

// dashFigures is one window's figures as a page shows them.
type dashFigures struct {
	residents.Figures
	Share *float64 // answered on time, nil when nothing counted
}

func showFigures(f residents.Figures) dashFigures {
	d := dashFigures{Figures: f}
	if v, ok := f.OnTimeShare(); ok {
		d.Share = &v
	}
	return d
}

// Q and Y are the row's figures of the quarter and of the 12 months.
func (row residentDashRow) Q() dashFigures { return showFigures(row.Quarter) }
func (row residentDashRow) Y() dashFigures { return showFigures(row.Year) }

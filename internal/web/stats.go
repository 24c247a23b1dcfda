package web

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/country"
	"github.com/aldyn-kg/aldyn/internal/disclosure"
	"github.com/aldyn-kg/aldyn/internal/forecast"
	"github.com/aldyn-kg/aldyn/internal/importer"
	"github.com/aldyn-kg/aldyn/internal/stats"
	"github.com/paulmach/orb"
)

// Statistics: counts, rates and trends, the weekday × hour profile, hot
// spots, forecasts and the official aggregates. Record-level analytics need
// an account and always stay within the actor's territory; the official
// aggregates are published figures and public. Point locations reach only
// analysts and administrators, and never for sensitive records; maps count
// sensitive records only for them, in cells of at least the minimum count
// (recordGrid).

// statsScope is what a statistics request asks about, resolved against
// the actor's territory.
type statsScope struct {
	Territory  *aldyn.Territory // nil: the actor's whole territory
	Under      string           // path prefix every query uses
	Precinct   string
	Categories []string
	Source     string
	From, To   *time.Time // To exclusive
	// ExcludeSensitive leaves sensitive records out of a precinct's
	// figures for actors who may not see them: a precinct is a small area,
	// and its figures of one day could point at a victim.
	ExcludeSensitive bool
}

// parseStatsScope reads territory, precinct, category, source, from and to.
// A territory outside the actor's scope is not found, as if it did not exist.
func (s *Server) parseStatsScope(r *http.Request) (*statsScope, error) {
	if err := requireSignedIn(r); err != nil {
		return nil, err
	}
	q := r.URL.Query()
	a := actor(r)
	sc := &statsScope{Under: a.ScopeUnder()}
	if code := q.Get("territory"); code != "" {
		if !aldyn.ValidTerritoryCode(code) {
			return nil, badParam("territory")
		}
		t, err := s.db.FindTerritoryByCode(r.Context(), code)
		if err != nil {
			return nil, err
		}
		if !a.Covers(t.Path) {
			return nil, aldyn.Errorf(aldyn.ENOTFOUND, "error.not_found")
		}
		if t.Level == aldyn.LevelPrecinct {
			return nil, badParam("territory")
		}
		sc.Territory, sc.Under = t, t.Path
	}
	if p := q.Get("precinct"); p != "" {
		t, err := s.db.FindTerritoryByCode(r.Context(), p)
		if err != nil || t.Level != aldyn.LevelPrecinct {
			return nil, badParam("precinct")
		}
		if !a.Covers(t.Path) {
			return nil, aldyn.Errorf(aldyn.ENOTFOUND, "error.not_found")
		}
		sc.Precinct = p
		sc.ExcludeSensitive = !a.SeesSensitiveRecords()
	}
	for _, c := range splitList(q.Get("category")) {
		if !slices.Contains(aldyn.OffenseCategories, c) {
			return nil, badParam("category")
		}
		sc.Categories = append(sc.Categories, c)
	}
	if src := q.Get("source"); src != "" {
		if src != aldyn.SourceCrimes && src != aldyn.SourceOffenses {
			return nil, badParam("source")
		}
		sc.Source = src
	}
	var err error
	if sc.From, err = parsePeriodBound(q.Get("from"), false); err != nil {
		return nil, badParam("from")
	}
	if sc.To, err = parsePeriodBound(q.Get("to"), true); err != nil {
		return nil, badParam("to")
	}
	if sc.From != nil && sc.To != nil && !sc.From.Before(*sc.To) {
		return nil, badParam("to")
	}
	return sc, nil
}

// territoryStatsScope is parseStatsScope for figures broken down by
// territory, which a precinct does not take.
func (s *Server) territoryStatsScope(r *http.Request) (*statsScope, error) {
	sc, err := s.parseStatsScope(r)
	if err == nil && sc.Precinct != "" {
		return nil, badParam("precinct")
	}
	return sc, err
}

func splitList(v string) []string {
	var out []string
	for _, p := range strings.Split(v, ",") {
		if p = strings.TrimSpace(p); p != "" && !slices.Contains(out, p) {
			out = append(out, p)
		}
	}
	return out
}

// parsePeriodBound reads YYYY, YYYY-MM or YYYY-MM-DD. An upper bound is
// inclusive as written, so it returns the start of the next year, month or
// day.
func parsePeriodBound(v string, upper bool) (*time.Time, error) {
	if v == "" {
		return nil, nil
	}
	for _, f := range []struct {
		layout  string
		y, m, d int
	}{{"2006", 1, 0, 0}, {"2006-01", 0, 1, 0}, {"2006-01-02", 0, 0, 1}} {
		t, err := time.Parse(f.layout, v)
		if err != nil {
			continue
		}
		if t.Year() < 1950 || t.Year() > 2100 {
			return nil, errors.New("year out of range")
		}
		if upper {
			t = t.AddDate(f.y, f.m, f.d)
		}
		return &t, nil
	}
	return nil, errors.New("not a period")
}

func (sc *statsScope) filter() aldyn.OffenseFilter {
	return aldyn.OffenseFilter{From: sc.From, To: sc.To, Under: sc.Under, PrecinctCode: sc.Precinct,
		Categories: sc.Categories, Source: sc.Source, ExcludeSensitive: sc.ExcludeSensitive}
}

// byPrecinct is the filter of figures broken down by precinct, which are
// small areas too (see statsScope.ExcludeSensitive).
func (sc *statsScope) byPrecinct(a *aldyn.Actor) aldyn.OffenseFilter {
	f := sc.filter()
	f.ExcludeSensitive = f.ExcludeSensitive || !a.SeesSensitiveRecords()
	return f
}

func (sc *statsScope) countsQuery(by []string, depth int) aldyn.CountsQuery {
	return aldyn.CountsQuery{By: by, Depth: depth, From: sc.From, To: sc.To, Under: sc.Under, Categories: sc.Categories, Source: sc.Source}
}

// countsResult is the response of /api/v1/stats/counts.
type countsResult struct {
	By []string `json:"by"`
	// PeriodFrom and PeriodTo (inclusive) are the period rates are
	// annualised over: the request's, within the months with records.
	PeriodFrom string           `json:"period_from,omitempty"`
	PeriodTo   string           `json:"period_to,omitempty"`
	Rows       []countStatNamed `json:"rows"`
	Total      int64            `json:"total"`
	Solved     int64            `json:"solved"`
	Synthetic  int64            `json:"synthetic"`
}

type countStatNamed struct {
	stats.CountStat
	TerritoryName string `json:"territory_name,omitempty"`
	CategoryName  string `json:"category_name,omitempty"`
}

var depthNames = map[string]int{"country": aldyn.DepthCountry, "region": aldyn.DepthRegion, "district": aldyn.DepthDistrict}

func (s *Server) counts(r *http.Request, sc *statsScope, by []string, depth int) (*countsResult, error) {
	ctx := r.Context()
	rows, err := s.db.OffenseCounts(ctx, sc.countsQuery(by, depth))
	if err != nil {
		return nil, err
	}
	pops, err := s.db.AllPopulations(ctx)
	if err != nil {
		return nil, err
	}
	from, to, err := s.statsPeriod(ctx, sc)
	if err != nil {
		return nil, err
	}
	popFn := func(code string) []aldyn.Population { return pops[code] }
	names, err := s.territoryNames(ctx, info(r).loc.Lang())
	if err != nil {
		return nil, err
	}
	loc := info(r).loc
	res := &countsResult{By: by, Rows: []countStatNamed{}}
	if from.Before(to) {
		res.PeriodFrom, res.PeriodTo = from.Format(time.DateOnly), to.AddDate(0, 0, -1).Format(time.DateOnly)
	}
	// Table 1's order of categories, not the alphabet's.
	slices.SortStableFunc(rows, func(a, b aldyn.CountRow) int {
		return cmp.Or(strings.Compare(a.TerritoryCode, b.TerritoryCode),
			cmp.Compare(slices.Index(aldyn.OffenseCategories, a.Category), slices.Index(aldyn.OffenseCategories, b.Category)))
	})
	// The last period cut short (this year up to its last complete month)
	// is compared with the same months a year earlier.
	var earlier []aldyn.CountRow
	if ef, et, ok := stats.EarlierWindow(by, from, to); ok {
		q := sc.countsQuery(by, depth)
		q.From, q.To = &ef, &et
		if earlier, err = s.db.OffenseCounts(ctx, q); err != nil {
			return nil, err
		}
	}
	for _, st := range stats.Counts(rows, earlier, by, from, to, popFn) {
		n := countStatNamed{CountStat: st, TerritoryName: names[st.TerritoryCode]}
		if st.Category != "" {
			n.CategoryName = importer.CategoryName(st.Category, loc.Lang())
		}
		res.Rows = append(res.Rows, n)
		res.Total += st.Count
		res.Solved += st.Solved
		res.Synthetic += st.Synthetic
	}
	return res, nil
}

// statsPeriod is the period a statistics request covers: its from and to,
// each limited to the months that have records.
func (s *Server) statsPeriod(ctx context.Context, sc *statsScope) (from, to time.Time, err error) {
	from, to, ok, err := s.db.OffensePeriod(ctx)
	if err != nil || !ok {
		return from, to, err
	}
	if sc.From != nil && sc.From.After(from) {
		from = *sc.From
	}
	if sc.To != nil && sc.To.Before(to) {
		to = *sc.To
	}
	return from, to, nil
}

// territoryNames maps every territory code to its name in lang.
func (s *Server) territoryNames(ctx context.Context, lang string) (map[string]string, error) {
	ts, _, err := s.db.FindTerritories(ctx, aldyn.TerritoryFilter{Page: aldyn.Page{Limit: aldyn.MaxLimit}})
	if err != nil {
		return nil, err
	}
	m := make(map[string]string, len(ts))
	for _, t := range ts {
		m[t.Code] = t.Name(lang)
	}
	return m, nil
}

// parseBy reads the groupings of a counts request.
func parseBy(v string) ([]string, error) {
	by := splitList(v)
	if len(by) == 0 {
		by = []string{aldyn.ByCategory}
	}
	periods := 0
	for _, b := range by {
		switch b {
		case aldyn.ByCategory, aldyn.ByTerritory, aldyn.BySource:
		case aldyn.ByYear, aldyn.ByQuarter, aldyn.ByMonth:
			periods++
		default:
			return nil, badParam("by")
		}
	}
	// A quarter or a month is always within its year.
	if (slices.Contains(by, aldyn.ByQuarter) || slices.Contains(by, aldyn.ByMonth)) && !slices.Contains(by, aldyn.ByYear) {
		by = append(by, aldyn.ByYear)
	}
	if slices.Contains(by, aldyn.ByQuarter) && slices.Contains(by, aldyn.ByMonth) {
		return nil, badParam("by")
	}
	return by, nil
}

func parseDepth(v string) (int, error) {
	if v == "" {
		return aldyn.DepthRegion, nil
	}
	d, ok := depthNames[v]
	if !ok {
		return 0, badParam("depth")
	}
	return d, nil
}

func (s *Server) apiCounts(w http.ResponseWriter, r *http.Request) error {
	sc, err := s.territoryStatsScope(r)
	if err != nil {
		return err
	}
	by, err := parseBy(r.URL.Query().Get("by"))
	if err != nil {
		return err
	}
	depth, err := parseDepth(r.URL.Query().Get("depth"))
	if err != nil {
		return err
	}
	res, err := s.counts(r, sc, by, depth)
	return writeFound(w, res, err)
}

func (s *Server) apiTimeProfile(w http.ResponseWriter, r *http.Request) error {
	grid, unknown, err := s.timeProfile(r)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, stats.NewTimeProfile(grid, unknown))
}

// timeProfile counts the records in the request's statistics scope by
// weekday and hour, and those without an hour.
func (s *Server) timeProfile(r *http.Request) (grid [7][24]int, unknownHour int, err error) {
	sc, err := s.parseStatsScope(r)
	if err != nil {
		return grid, 0, err
	}
	return s.db.OffenseTimeProfile(r.Context(), sc.filter())
}

// Hot-spot grids: cells no smaller than stats.MinCellM, so that a cell
// never stands for a single address, and bounded in number.
const (
	minCellM     = stats.MinCellM
	maxCellM     = 50000
	maxGiRadius  = 5
	maxMapPoints = 20000
)

// parseBBox reads bbox=minLon,minLat,maxLon,maxLat, clipped to the
// country; empty means the whole country.
func parseBBox(v string) (aldyn.BBox, error) {
	country := aldyn.BBox{MinLon: aldyn.MinLon, MinLat: aldyn.MinLat, MaxLon: aldyn.MaxLon, MaxLat: aldyn.MaxLat}
	if v == "" {
		return country, nil
	}
	parts := strings.Split(v, ",")
	if len(parts) != 4 {
		return aldyn.BBox{}, badParam("bbox")
	}
	var f [4]float64
	for i, p := range parts {
		x, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
		if err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
			return aldyn.BBox{}, badParam("bbox")
		}
		f[i] = x
	}
	b := aldyn.BBox{MinLon: max(f[0], country.MinLon), MinLat: max(f[1], country.MinLat), MaxLon: min(f[2], country.MaxLon), MaxLat: min(f[3], country.MaxLat)}
	if f[0] >= f[2] || f[1] >= f[3] {
		return aldyn.BBox{}, badParam("bbox")
	}
	if b.MinLon >= b.MaxLon || b.MinLat >= b.MaxLat {
		// The view is outside the country: an empty box at its corner.
		b = aldyn.BBox{MinLon: country.MinLon, MinLat: country.MinLat, MaxLon: country.MinLon + 0.01, MaxLat: country.MinLat + 0.01}
	}
	return b, nil
}

type geoFeature struct {
	Type       string         `json:"type"`
	Geometry   geoGeometry    `json:"geometry"`
	Properties map[string]any `json:"properties"`
}

type geoGeometry struct {
	Type        string `json:"type"`
	Coordinates any    `json:"coordinates"`
}

type featureCollection struct {
	Type     string         `json:"type"`
	Features []geoFeature   `json:"features"`
	Meta     map[string]any `json:"meta,omitempty"`
}

func round6(v float64) float64 { return math.Round(v*1e6) / 1e6 }

// cellGeometry is a grid cell as drawn: clipped to the country's border,
// so that the map does not paint counts over neighbouring states. A cell
// wholly outside is dropped unless it holds records (the embedded border
// is coarse, and records must not vanish from the map); ok is false when
// it is dropped.
func cellGeometry(b aldyn.BBox, holdsRecords bool) (g geoGeometry, ok bool) {
	ring := func(r orb.Ring) [][2]float64 {
		out := make([][2]float64, len(r))
		for i, p := range r {
			out[i] = [2]float64{round6(p[0]), round6(p[1])}
		}
		return out
	}
	bound := orb.Bound{Min: orb.Point{b.MinLon, b.MinLat}, Max: orb.Point{b.MaxLon, b.MaxLat}}
	mp := country.ClipBound(bound)
	switch {
	case mp == nil && !holdsRecords:
		return g, false
	case mp == nil:
		return geoGeometry{Type: "Polygon", Coordinates: [][][2]float64{ring(bound.ToRing())}}, true
	case len(mp) == 1:
		p := make([][][2]float64, len(mp[0]))
		for i, r := range mp[0] {
			p[i] = ring(r)
		}
		return geoGeometry{Type: "Polygon", Coordinates: p}, true
	}
	out := make([][][][2]float64, len(mp))
	for i, poly := range mp {
		out[i] = make([][][2]float64, len(poly))
		for j, r := range poly {
			out[i][j] = ring(r)
		}
	}
	return geoGeometry{Type: "MultiPolygon", Coordinates: out}, true
}

func (s *Server) apiHotspots(w http.ResponseWriter, r *http.Request) error {
	sc, err := s.parseStatsScope(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	bbox, err := parseBBox(q.Get("bbox"))
	if err != nil {
		return err
	}
	// Without a zoom, the box says how much ground is asked about.
	cell := stats.CellForBox(bbox)
	if v := q.Get("zoom"); v != "" {
		z, err := boundedParam(v, "zoom", 0, 0, 22)
		if err != nil {
			return err
		}
		cell = stats.CellForZoom(z)
	}
	if v := q.Get("cell_m"); v != "" {
		c, err := strconv.ParseFloat(v, 64)
		if err != nil || c < minCellM || c > maxCellM {
			return badParam("cell_m")
		}
		cell = c
	}
	// Cells of the lattice only (stats.SnapCell), so that answers for two
	// sizes or two boxes never split a cell differently.
	cell = stats.SnapCell(cell)
	radius, err := boundedParam(q.Get("radius"), "radius", 1, 0, maxGiRadius)
	if err != nil {
		return err
	}
	g, err := s.recordGrid(r, sc.filter(), bbox, cell)
	if err != nil {
		return err
	}
	// Everything below is computed from the counts as published, so that
	// neither Gi* nor the density reveals a cell left out.
	hs := stats.GiStar(g.Grid, radius)
	var density []float64
	if q.Get("density") == "1" {
		density = stats.Density(g.Grid, 2*cell)
	}
	fc := featureCollection{Type: "FeatureCollection", Features: make([]geoFeature, 0, len(hs)),
		Meta: map[string]any{"cell_m": cell, "radius_cells": radius, "fdr": stats.FDR, "method": "Getis-Ord Gi*, Benjamini-Hochberg"}}
	if g.minCount > 0 {
		fc.Meta["sensitive_min_cell_count"] = g.minCount
	}
	for _, h := range hs {
		geom, ok := cellGeometry(g.CellBounds(h.Cell), h.Count > 0)
		if !ok {
			continue
		}
		props := map[string]any{"count": h.Count, "gi_z": math.Round(h.Z*1000) / 1000, "p": h.P, "hot": h.Hot, "cold": h.Cold}
		if density != nil {
			props["density_km2"] = math.Round(density[h.Cell]*1000) / 1000
		}
		fc.Features = append(fc.Features, geoFeature{Type: "Feature", Geometry: geom, Properties: props})
	}
	w.Header().Set("Content-Type", "application/geo+json")
	return writeJSON(w, http.StatusOK, fc)
}

// publishedGrid is a grid of records as the actor may see it.
type publishedGrid struct {
	*stats.Grid
	// minCount is the minimum count of sensitive records a cell shows
	// them at, 0 when they are left out altogether.
	minCount int
}

// recordGrid counts the records of f located in the cells of the
// lattice that meet bbox. Sensitive records count only for analysts and
// administrators, and only in cells holding at least the minimum cell
// count of them (package disclosure); for everyone else they are left out.
// Either way a cell's count never reveals a handful of them, whatever the
// cell size, period or box.
func (s *Server) recordGrid(r *http.Request, f aldyn.OffenseFilter, bbox aldyn.BBox, cell float64) (*publishedGrid, error) {
	g, err := stats.NewGrid(bbox, cell)
	if err != nil {
		return nil, err
	}
	pg := &publishedGrid{Grid: g}
	if actor(r).SeesSensitiveRecords() {
		if pg.minCount, err = disclosure.MinCellCount(r.Context(), s.db); err != nil {
			return nil, err
		}
	} else {
		f.ExcludeSensitive = true
	}
	var sensitive *stats.Grid
	_, err = s.db.OffenseLocations(r.Context(), f, g.Extent(), func(p aldyn.OffensePoint) bool {
		if !p.Sensitive {
			g.Add(p.Lon, p.Lat)
			return true
		}
		if sensitive == nil {
			// Made as g was, so it cannot fail.
			sensitive, _ = stats.NewGrid(bbox, cell)
		}
		sensitive.Add(p.Lon, p.Lat)
		return true
	})
	if err != nil {
		return nil, err
	}
	if sensitive != nil {
		g.AddSmallest(sensitive, int32(pg.minCount))
	}
	return pg, nil
}

// apiPoints serves record locations, snapped to the lattice of the maps
// (store.SnapLocation), to analysts and administrators, never those of
// sensitive records, at most maxMapPoints of them.
func (s *Server) apiPoints(w http.ResponseWriter, r *http.Request) error {
	sc, err := s.parseStatsScope(r)
	if err != nil {
		return err
	}
	if !actor(r).Is(aldyn.RoleAnalyst, aldyn.RoleAdministrator) {
		return forbidden()
	}
	bbox, err := parseBBox(r.URL.Query().Get("bbox"))
	if err != nil {
		return err
	}
	f := sc.filter()
	f.ExcludeSensitive = true
	if v := r.URL.Query().Get("zoom"); v != "" {
		z, err := boundedParam(v, "zoom", 0, 0, 22)
		if err != nil {
			return err
		}
		if z < clusterBelowZoom {
			return s.writePointClusters(w, r, f, bbox, z)
		}
	}
	fc := featureCollection{Type: "FeatureCollection", Features: []geoFeature{}}
	n := 0
	_, err = s.db.OffenseLocations(r.Context(), f, bbox, func(p aldyn.OffensePoint) bool {
		fc.Features = append(fc.Features, geoFeature{Type: "Feature", Geometry: geoGeometry{Type: "Point", Coordinates: [2]float64{round6(p.Lon), round6(p.Lat)}},
			Properties: map[string]any{"category": p.Category}})
		n++
		return n <= maxMapPoints
	})
	if err != nil {
		return err
	}
	if n > maxMapPoints {
		fc.Features = fc.Features[:maxMapPoints]
		fc.Meta = map[string]any{"truncated": true}
	}
	w.Header().Set("Content-Type", "application/geo+json")
	return writeJSON(w, http.StatusOK, fc)
}

// clusterBelowZoom is the map zoom (about 40 m a pixel at 13) from which
// points are drawn one by one; below it they come as clusters.
const clusterBelowZoom = 13

// clusterPx is the side of a cluster's cell in screen pixels.
const clusterPx = 64

// writePointClusters answers /api/v1/stats/points at a low zoom: the
// points of f in bbox grouped in cells of about clusterPx screen pixels,
// each drawn at the mean place of its points with their count, so that
// the country view shows how many records are where instead of a blob of
// thousands of dots. Every point counts (no cap), so the counts add up to
// the records in view.
func (s *Server) writePointClusters(w http.ResponseWriter, r *http.Request, f aldyn.OffenseFilter, bbox aldyn.BBox, zoom int) error {
	// Web Mercator: 256·2^zoom pixels span 360° of longitude; a degree of
	// latitude is longer by 1/cos(latitude) there.
	stepLon := clusterPx * 360 / (256 * math.Exp2(float64(zoom)))
	stepLat := stepLon * math.Cos((bbox.MinLat+bbox.MaxLat)/2*math.Pi/180)
	type cluster struct {
		n        int
		lon, lat float64
		category string
	}
	cells := map[[2]int]*cluster{}
	var order [][2]int
	_, err := s.db.OffenseLocations(r.Context(), f, bbox, func(p aldyn.OffensePoint) bool {
		k := [2]int{int(math.Floor((p.Lon - bbox.MinLon) / stepLon)), int(math.Floor((p.Lat - bbox.MinLat) / stepLat))}
		c := cells[k]
		if c == nil {
			c = &cluster{category: p.Category}
			cells[k] = c
			order = append(order, k)
		}
		c.n++
		c.lon += p.Lon
		c.lat += p.Lat
		if c.category != p.Category {
			c.category = ""
		}
		return true
	})
	if err != nil {
		return err
	}
	fc := featureCollection{Type: "FeatureCollection", Features: make([]geoFeature, 0, len(cells)),
		Meta: map[string]any{"clustered": true, "cell_deg": round6(stepLon)}}
	for _, k := range order {
		c := cells[k]
		props := map[string]any{"count": c.n}
		if c.category != "" {
			props["category"] = c.category
		}
		fc.Features = append(fc.Features, geoFeature{Type: "Feature",
			Geometry: geoGeometry{Type: "Point", Coordinates: [2]float64{round6(c.lon / float64(c.n)), round6(c.lat / float64(c.n))}}, Properties: props})
	}
	w.Header().Set("Content-Type", "application/geo+json")
	return writeJSON(w, http.StatusOK, fc)
}

// forecastResult is the response of /api/v1/stats/forecast.
type forecastResult struct {
	TerritoryCode string           `json:"territory_code,omitempty"`
	PrecinctCode  string           `json:"precinct_code,omitempty"`
	Category      string           `json:"category,omitempty"`
	Model         string           `json:"model"`
	History       []historyMonth   `json:"history"`
	Months        []forecastMonth  `json:"months"`
	Anomaly       bool             `json:"anomaly"`
	Latest        *forecastMonth   `json:"latest,omitempty"`
	BackTests     []forecastBTJSON `json:"back_tests"`
}

type historyMonth struct {
	Month string `json:"month"`
	Count int64  `json:"count"`
}

type forecastMonth struct {
	Month  string   `json:"month"`
	Mean   float64  `json:"mean"`
	Lo80   float64  `json:"lo80"`
	Hi80   float64  `json:"hi80"`
	Lo95   float64  `json:"lo95"`
	Hi95   float64  `json:"hi95"`
	Actual *float64 `json:"actual,omitempty"`
}

// forecastBTJSON is one model's rolling-origin back-test and, beside it,
// its true hold-out (fitted without the last 12 months, scored on them;
// hold_out_months is 0 when the series is too short).
type forecastBTJSON struct {
	Model         string  `json:"model"`
	MAE           float64 `json:"mae"`
	MASE          float64 `json:"mase"`
	NaiveMAE      float64 `json:"naive_mae"`
	Origins       int     `json:"origins"`
	HoldOutMAE    float64 `json:"hold_out_mae"`
	HoldOutMASE   float64 `json:"hold_out_mase"`
	HoldOutMonths int     `json:"hold_out_months"`
}

func r2(v float64) float64 { return math.Round(v*100) / 100 }

func monthJSON(m forecast.Month) forecastMonth {
	return forecastMonth{Month: m.Month.Format("2006-01"), Mean: r2(m.Mean), Lo80: r2(m.Lo80), Hi80: r2(m.Hi80), Lo95: r2(m.Lo95), Hi95: r2(m.Hi95), Actual: m.Actual}
}

func (s *Server) forecast(r *http.Request, sc *statsScope, horizon int) (*forecastResult, error) {
	if len(sc.Categories) > 1 {
		return nil, badParam("category")
	}
	cat := ""
	if len(sc.Categories) == 1 {
		cat = sc.Categories[0]
	}
	series, err := s.db.OffenseMonthlySeries(r.Context(), sc.Under, sc.Precinct, cat, sc.ExcludeSensitive)
	if err != nil {
		return nil, err
	}
	res := &forecastResult{Category: cat, PrecinctCode: sc.Precinct, History: []historyMonth{}, Months: []forecastMonth{}, BackTests: []forecastBTJSON{}}
	if sc.Territory != nil {
		res.TerritoryCode = sc.Territory.Code
	}
	if len(series) == 0 {
		return res, nil
	}
	fs := forecast.Series{Start: time.Date(series[0].Year, time.Month(series[0].Month), 1, 0, 0, 0, 0, time.UTC)}
	for _, m := range series {
		fs.Values = append(fs.Values, float64(m.Count))
	}
	fr, err := forecast.Forecast(fs, horizon)
	if err != nil {
		if errors.Is(err, forecast.ErrInvalid) {
			return nil, badParam("horizon")
		}
		return nil, err
	}
	res.Model, res.Anomaly = fr.Model, fr.Anomaly
	for _, m := range series[max(0, len(series)-36):] {
		res.History = append(res.History, historyMonth{Month: fmt.Sprintf("%04d-%02d", m.Year, m.Month), Count: m.Count})
	}
	for _, m := range fr.Months {
		res.Months = append(res.Months, monthJSON(m))
	}
	if fr.Latest != nil {
		l := monthJSON(*fr.Latest)
		res.Latest = &l
	}
	for _, b := range fr.BackTests {
		res.BackTests = append(res.BackTests, forecastBTJSON{Model: b.Model, MAE: r2(b.MAE), MASE: math.Round(b.MASE*1000) / 1000, NaiveMAE: r2(b.NaiveMAE), Origins: b.Origins,
			HoldOutMAE: r2(b.HoldOutMAE), HoldOutMASE: math.Round(b.HoldOutMASE*1000) / 1000, HoldOutMonths: b.HoldOutMonths})
	}
	return res, nil
}

func parseHorizon(v string) (int, error) { return boundedParam(v, "horizon", 12, 3, 12) }

// boundedParam reads the whole number v of the parameter name, def when v is
// empty; anything else, or a number outside lo–hi, is a bad parameter.
func boundedParam(v, name string, def, lo, hi int) (int, error) {
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < lo || n > hi {
		return 0, badParam(name)
	}
	return n, nil
}

func (s *Server) apiForecast(w http.ResponseWriter, r *http.Request) error {
	sc, err := s.parseStatsScope(r)
	if err != nil {
		return err
	}
	h, err := parseHorizon(r.URL.Query().Get("horizon"))
	if err != nil {
		return err
	}
	res, err := s.forecast(r, sc, h)
	return writeFound(w, res, err)
}

// officialResult is the response of /api/v1/stats/official.
type officialResult struct {
	Figures []stats.OfficialFigure `json:"figures"`
	Checks  []officialCheck        `json:"checks"`
}

func (s *Server) apiOfficial(w http.ResponseWriter, r *http.Request) error {
	figs := stats.Official()
	return writeJSON(w, http.StatusOK, officialResult{Figures: figs, Checks: localChecks(info(r).loc, stats.OfficialChecks(figs))})
}

// statsURL is the URL of a statistics page with the query q changed by kv.
func statsURL(path string, q url.Values, kv ...string) string {
	v := url.Values{}
	for k, vs := range q {
		v[k] = append([]string(nil), vs...)
	}
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] == "" {
			v.Del(kv[i])
		} else {
			v.Set(kv[i], kv[i+1])
		}
	}
	if e := v.Encode(); e != "" {
		return path + "?" + e
	}
	return path
}

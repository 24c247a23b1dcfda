// Package territories reads the files an administrator imports about
// territories: boundaries (GeoJSON keyed by territory code), population
// tables from the National Statistical Committee (CSV) and police precincts
// (CSV or GeoJSON). It validates every record and reports each problem with
// its row, column and reason; the store applies what it returns.
package territories

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/aldyn-kg/aldyn"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
)

// Issue is one problem with one record: its row (1-based line of a CSV,
// with the header on row 1, or feature number of a GeoJSON file), the
// column or property, and the reason as a translation key.
type Issue struct {
	Row    int    `json:"row"`
	Column string `json:"column"`
	Reason string `json:"reason"`
	Value  string `json:"value,omitempty"`
}

// Boundary is a territory's geometry read from a file.
type Boundary struct {
	Row      int
	Code     string
	Geometry json.RawMessage
}

// MaxFileBytes bounds an import file.
const MaxFileBytes = 64 << 20

func clip(s string) string {
	if r := []rune(s); len(r) > 60 {
		return string(r[:60]) + "…"
	}
	return s
}

// featureCode finds a feature's territory code: the property code (or
// soate / territory_code), else a 14-digit feature id.
func featureCode(f *geojson.Feature) string {
	for _, k := range []string{"code", "territory_code", "soate"} {
		if v, ok := f.Properties[k]; ok {
			switch x := v.(type) {
			case string:
				return strings.TrimSpace(x)
			case float64:
				return strconv.FormatFloat(x, 'f', 0, 64)
			}
		}
	}
	if s, ok := f.ID.(string); ok {
		return s
	}
	return ""
}

// ParseBoundaries reads a GeoJSON FeatureCollection of polygons.
func ParseBoundaries(r io.Reader) ([]Boundary, []Issue, error) {
	b, err := io.ReadAll(io.LimitReader(r, MaxFileBytes+1))
	if err != nil {
		return nil, nil, err
	}
	if len(b) > MaxFileBytes {
		return nil, nil, aldyn.Errorf(aldyn.ETOOLARGE, "error.too_large", "limit", "64 MB")
	}
	fc, err := geojson.UnmarshalFeatureCollection(b)
	if err != nil {
		return nil, []Issue{{Row: 0, Column: "(file)", Reason: "import.error.geojson", Value: clip(err.Error())}}, nil
	}
	var out []Boundary
	var issues []Issue
	for i, f := range fc.Features {
		row := i + 1
		code := featureCode(f)
		if code == "" {
			issues = append(issues, Issue{Row: row, Column: "code", Reason: "error.required"})
			continue
		}
		if !aldyn.ValidTerritoryCode(code) {
			issues = append(issues, Issue{Row: row, Column: "code", Reason: "error.territory_code", Value: clip(code)})
			continue
		}
		switch f.Geometry.(type) {
		case orb.Polygon, orb.MultiPolygon:
		default:
			issues = append(issues, Issue{Row: row, Column: "geometry", Reason: "import.error.polygon", Value: geomType(f.Geometry)})
			continue
		}
		bound := f.Geometry.Bound()
		if bound.Min.Lon() < aldyn.MinLon-1 || bound.Max.Lon() > aldyn.MaxLon+1 || bound.Min.Lat() < aldyn.MinLat-1 || bound.Max.Lat() > aldyn.MaxLat+1 {
			issues = append(issues, Issue{Row: row, Column: "geometry", Reason: "import.error.outside_country"})
			continue
		}
		g, err := geojson.NewGeometry(f.Geometry).MarshalJSON()
		if err != nil {
			return nil, nil, err
		}
		out = append(out, Boundary{Row: row, Code: code, Geometry: g})
	}
	return out, issues, nil
}

func geomType(g orb.Geometry) string {
	if g == nil {
		return "null"
	}
	return g.GeoJSONType()
}

// table reads a headed CSV whose delimiter is a comma or a semicolon
// (Russian-locale Excel), returning the header (lower-cased) and rows.
func table(r io.Reader) ([]string, [][]string, error) {
	br := bufio.NewReader(io.LimitReader(r, MaxFileBytes))
	first, err := br.Peek(4096)
	if err != nil && err != io.EOF && err != bufio.ErrBufferFull {
		return nil, nil, err
	}
	first = bytes.TrimPrefix(first, []byte("\xef\xbb\xbf"))
	line := first
	if i := bytes.IndexByte(first, '\n'); i >= 0 {
		line = first[:i]
	}
	cr := csv.NewReader(br)
	if bytes.Count(line, []byte(";")) > bytes.Count(line, []byte(",")) {
		cr.Comma = ';'
	}
	cr.FieldsPerRecord = -1
	recs, err := cr.ReadAll()
	if err != nil {
		return nil, nil, aldyn.Errorf(aldyn.EINVALID, "import.error.csv", "detail", err.Error())
	}
	if len(recs) == 0 {
		return nil, nil, aldyn.Errorf(aldyn.EINVALID, "import.error.empty")
	}
	head := recs[0]
	for i := range head {
		head[i] = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(head[i], "\ufeff")))
	}
	return head, recs[1:], nil
}

func index(head []string, names ...string) int {
	for i, h := range head {
		for _, n := range names {
			if h == n {
				return i
			}
		}
	}
	return -1
}

func cell(rec []string, i int) string {
	if i < 0 || i >= len(rec) {
		return ""
	}
	return strings.TrimSpace(rec[i])
}

// Populations are the records of a population table with their rows.
type Populations struct {
	Populations []aldyn.Population
	Rows        []int
}

// ParsePopulationsRows is ParsePopulations keeping each record's row.
func ParsePopulationsRows(r io.Reader) (Populations, []Issue, error) {
	var out Populations
	ps, issues, err := parsePopulations(r, &out.Rows)
	out.Populations = ps
	return out, issues, err
}

// ParsePopulations reads a population table with the columns
// territory_code (or code), year, population and source, and optionally kind
// (census or estimate) and citation (the short reference shown to people). Population may be written with spaces or
// non-breaking spaces between thousands.
func ParsePopulations(r io.Reader) ([]aldyn.Population, []Issue, error) {
	return parsePopulations(r, nil)
}

func parsePopulations(r io.Reader, rowNums *[]int) ([]aldyn.Population, []Issue, error) {
	head, rows, err := table(r)
	if err != nil {
		return nil, nil, err
	}
	ci, yi, pi, si, ki := index(head, "territory_code", "code", "soate"), index(head, "year"), index(head, "population"), index(head, "source"), index(head, "kind")
	cti := index(head, "citation")
	var issues []Issue
	for name, i := range map[string]int{"territory_code": ci, "year": yi, "population": pi, "source": si} {
		if i < 0 {
			issues = append(issues, Issue{Row: 1, Column: name, Reason: "import.error.missing_column"})
		}
	}
	if len(issues) > 0 {
		return nil, sortIssues(issues), nil
	}
	var out []aldyn.Population
	seen := map[string]int{}
	for n, rec := range rows {
		row := n + 2
		p := aldyn.Population{TerritoryCode: cell(rec, ci), Source: cell(rec, si), Kind: cell(rec, ki), Citation: cell(rec, cti)}
		bad := false
		add := func(col, reason, val string) {
			issues = append(issues, Issue{Row: row, Column: col, Reason: reason, Value: clip(val)})
			bad = true
		}
		if !aldyn.ValidTerritoryCode(p.TerritoryCode) {
			add("territory_code", "error.territory_code", p.TerritoryCode)
		}
		y, err := strconv.Atoi(cell(rec, yi))
		if err != nil || y < 1897 || y > 2100 {
			add("year", "import.error.year", cell(rec, yi))
		}
		p.Year = y
		raw := strings.NewReplacer(" ", "", "\u00a0", "", "\u202f", "").Replace(cell(rec, pi))
		pop, err := strconv.ParseInt(raw, 10, 64)
		if err != nil || pop <= 0 || pop > 20_000_000 {
			add("population", "import.error.population", cell(rec, pi))
		}
		p.Population = pop
		if p.Source == "" {
			add("source", "error.required", "")
		}
		if p.Kind != "" && p.Kind != "census" && p.Kind != "estimate" {
			add("kind", "import.error.kind", p.Kind)
		}
		key := p.TerritoryCode + "/" + strconv.Itoa(p.Year)
		if first, dup := seen[key]; dup && !bad {
			add("year", "import.error.duplicate", fmt.Sprintf("row %d", first))
		}
		if !bad {
			seen[key] = row
			out = append(out, p)
			if rowNums != nil {
				*rowNums = append(*rowNums, row)
			}
		}
	}
	return out, issues, nil
}

// Precinct is a police precinct read from a file, with its boundary when
// the file is GeoJSON.
type Precinct struct {
	Row       int
	Territory aldyn.Territory
	Geometry  json.RawMessage
}

// ParsePrecinctsCSV reads precincts with the columns code, parent_code,
// name_ky, name_ru, name_en and optionally lat, lon.
func ParsePrecinctsCSV(r io.Reader) ([]Precinct, []Issue, error) {
	head, rows, err := table(r)
	if err != nil {
		return nil, nil, err
	}
	cols := map[string]int{}
	var issues []Issue
	for _, c := range []string{"code", "parent_code", "name_ky", "name_ru", "name_en"} {
		if cols[c] = index(head, c); cols[c] < 0 {
			issues = append(issues, Issue{Row: 1, Column: c, Reason: "import.error.missing_column"})
		}
	}
	cols["lat"], cols["lon"] = index(head, "lat"), index(head, "lon")
	if len(issues) > 0 {
		return nil, issues, nil
	}
	var out []Precinct
	for n, rec := range rows {
		t := aldyn.Territory{Code: cell(rec, cols["code"]), ParentCode: cell(rec, cols["parent_code"]), NameKy: cell(rec, cols["name_ky"]),
			NameRu: cell(rec, cols["name_ru"]), NameEn: cell(rec, cols["name_en"])}
		var rowIssues []Issue
		for _, c := range []string{"lat", "lon"} {
			if v := cell(rec, cols[c]); v != "" {
				f, err := strconv.ParseFloat(strings.Replace(v, ",", ".", 1), 64)
				if err != nil {
					rowIssues = append(rowIssues, Issue{Row: n + 2, Column: c, Reason: "import.error.number", Value: clip(v)})
					continue
				}
				if c == "lat" {
					t.Lat = &f
				} else {
					t.Lon = &f
				}
			}
		}
		rowIssues = append(rowIssues, validatePrecinct(n+2, &t)...)
		if len(rowIssues) > 0 {
			issues = append(issues, rowIssues...)
			continue
		}
		out = append(out, Precinct{Row: n + 2, Territory: t})
	}
	return out, issues, nil
}

// ParsePrecinctsGeoJSON reads precincts as GeoJSON features whose
// properties hold code, parent_code and the three names; the geometry
// becomes the precinct's boundary (polygons) or its point.
func ParsePrecinctsGeoJSON(r io.Reader) ([]Precinct, []Issue, error) {
	b, err := io.ReadAll(io.LimitReader(r, MaxFileBytes))
	if err != nil {
		return nil, nil, err
	}
	fc, err := geojson.UnmarshalFeatureCollection(b)
	if err != nil {
		return nil, []Issue{{Row: 0, Column: "(file)", Reason: "import.error.geojson", Value: clip(err.Error())}}, nil
	}
	var out []Precinct
	var issues []Issue
	for i, f := range fc.Features {
		t := aldyn.Territory{Code: featureCode(f), ParentCode: f.Properties.MustString("parent_code", ""), NameKy: f.Properties.MustString("name_ky", ""),
			NameRu: f.Properties.MustString("name_ru", ""), NameEn: f.Properties.MustString("name_en", "")}
		p := Precinct{Row: i + 1}
		switch g := f.Geometry.(type) {
		case orb.Point:
			lon, lat := g.Lon(), g.Lat()
			t.Lat, t.Lon = &lat, &lon
		case orb.Polygon, orb.MultiPolygon:
			// The same checks as a boundary drawn by hand.
			if reason := checkBoundary(g); reason != "" {
				issues = append(issues, Issue{Row: i + 1, Column: "geometry", Reason: reason, Value: geomType(g)})
				continue
			}
			c, _ := planarCentroid(g)
			lon, lat := c.Lon(), c.Lat()
			t.Lat, t.Lon = &lat, &lon
			p.Geometry, _ = geojson.NewGeometry(g).MarshalJSON()
		case nil:
		default:
			issues = append(issues, Issue{Row: i + 1, Column: "geometry", Reason: "import.error.polygon", Value: geomType(g)})
			continue
		}
		if is := validatePrecinct(i+1, &t); len(is) > 0 {
			issues = append(issues, is...)
			continue
		}
		p.Territory = t
		out = append(out, p)
	}
	return out, issues, nil
}

func planarCentroid(g orb.Geometry) (orb.Point, bool) {
	b := g.Bound()
	return b.Center(), !b.IsEmpty()
}

func validatePrecinct(row int, t *aldyn.Territory) []Issue {
	t.Level, t.Kind = aldyn.LevelPrecinct, aldyn.KindPrecinct
	err := t.ValidatePrecinct()
	if err == nil {
		return nil
	}
	var issues []Issue
	if e, ok := err.(*aldyn.Error); ok {
		for f, k := range e.Fields {
			issues = append(issues, Issue{Row: row, Column: f, Reason: k})
		}
	}
	return sortIssues(issues)
}

func sortIssues(is []Issue) []Issue {
	for i := 1; i < len(is); i++ {
		for j := i; j > 0 && (is[j].Row < is[j-1].Row || (is[j].Row == is[j-1].Row && is[j].Column < is[j-1].Column)); j-- {
			is[j], is[j-1] = is[j-1], is[j]
		}
	}
	return is
}

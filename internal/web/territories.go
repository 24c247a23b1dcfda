package web

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"io"
	"maps"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/export"
	"github.com/aldyn-kg/aldyn/internal/store"
	"github.com/aldyn-kg/aldyn/internal/territories"
)

const importLimit = territories.MaxFileBytes + 1<<20

func territoryFilter(q url.Values) (aldyn.TerritoryFilter, error) {
	p, err := pageFromQuery(q)
	if err != nil {
		return aldyn.TerritoryFilter{}, err
	}
	if p.Sort == "" {
		p.Sort = "path"
	}
	switch p.Sort {
	case "code", "path", "name_ky", "name_ru", "name_en", "level":
	default:
		return aldyn.TerritoryFilter{}, badParam("sort")
	}
	f := aldyn.TerritoryFilter{Query: q.Get("q"), Page: p}
	if l := q.Get("level"); l != "" {
		switch l {
		case aldyn.LevelCountry, aldyn.LevelRegion, aldyn.LevelDistrict, aldyn.LevelCity, aldyn.LevelPrecinct:
			f.Level = &l
		default:
			return f, badParam("level")
		}
	}
	if c := q.Get("parent"); c != "" {
		if !aldyn.ValidTerritoryCode(c) {
			return f, badParam("parent")
		}
		f.ParentCode = &c
	}
	return f, nil
}

// territoriesPageData is the data of the territories page.
type territoriesPageData struct {
	Territories []*aldyn.Territory
	Pager       pager
	Levels      []string
}

func (s *Server) territoriesPage(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	f, err := territoryFilter(q)
	if err != nil {
		return err
	}
	loc, lang := info(r).loc, info(r).lang
	if format := q.Get("format"); format != "" {
		t := export.Table{Title: loc.T("nav.territories"), Columns: []export.Column{{Key: "code", Label: loc.T("common.code")},
			{Key: "name", Label: loc.T("common.name")}, {Key: "name_ky", Label: loc.T("common.name_ky")}, {Key: "name_ru", Label: loc.T("common.name_ru")},
			{Key: "name_en", Label: loc.T("common.name_en")}, {Key: "level", Label: loc.T("common.type")}, {Key: "parent", Label: loc.T("territory.parent")},
			{Key: "population", Label: loc.T("common.population"), Kind: export.Int}, {Key: "population_year", Label: loc.T("common.year"), Kind: export.Int}}}
		return exportList(r, w, format, "territories", t, f.Page, func(ctx context.Context, p aldyn.Page) ([]*aldyn.Territory, int, error) {
			f.Page = p
			return s.db.FindTerritories(ctx, f)
		}, func(x *aldyn.Territory) []any {
			var pop, year any
			if x.Population != nil {
				pop, year = *x.Population, *x.PopulationYear
			}
			return []any{x.Code, x.Name(lang), x.NameKy, x.NameRu, x.NameEn, loc.T("territory.kind." + x.Kind), x.ParentCode, pop, year}
		})
	}
	ts, total, err := s.db.FindTerritories(r.Context(), f)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "territories", &page{Title: loc.T("nav.territories"), Form: q,
		Data: &territoriesPageData{Territories: ts, Pager: newPager(f.Page, total), Levels: []string{aldyn.LevelCountry, aldyn.LevelRegion, aldyn.LevelDistrict, aldyn.LevelCity, aldyn.LevelPrecinct}}})
}

// territoryPageData is the data of the territory page.
type territoryPageData struct {
	Territory    *aldyn.Territory
	Parent       *aldyn.Territory
	Children     []*aldyn.Territory
	Bodies       []*aldyn.Body
	BodyCount    int
	Populations  []aldyn.Population
	Current      aldyn.Population
	CurrentExact bool
	HasCurrent   bool
	CanAdmin     bool
	// The victim services for the territory: its own, those above and
	// below it (the first ten, the most local first).
	VictimServices     []*aldyn.VictimService
	VictimServiceCount int
}

func (s *Server) territoryPage(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	t, err := s.db.FindTerritoryByCode(ctx, r.PathValue("code"))
	if err != nil {
		return err
	}
	children, _, err := s.db.FindTerritories(ctx, aldyn.TerritoryFilter{ParentCode: &t.Code, Page: aldyn.Page{Limit: aldyn.MaxLimit, Sort: "path"}})
	if err != nil {
		return err
	}
	bodies, nBodies, err := s.db.FindBodies(ctx, aldyn.BodyFilter{TerritoryCode: &t.Code, Page: aldyn.Page{Limit: 50}})
	if err != nil {
		return err
	}
	pops, err := s.db.Populations(ctx, t.Code)
	if err != nil {
		return err
	}
	var parent *aldyn.Territory
	if t.ParentCode != "" {
		if parent, err = s.db.FindTerritoryByCode(ctx, t.ParentCode); err != nil {
			return err
		}
	}
	services, nServices, err := s.db.FindVictimServices(ctx, aldyn.VictimServiceFilter{For: t.Path, ActiveOnly: true, Page: aldyn.Page{Limit: 10}})
	if err != nil {
		return err
	}
	cur, exact, ok := aldyn.PopulationFor(pops, time.Now().Year())
	return s.render(w, r, http.StatusOK, "territory", &page{Title: t.Name(info(r).lang), Data: &territoryPageData{
		Territory: t, Parent: parent, Children: children, Bodies: bodies, BodyCount: nBodies, Populations: pops,
		VictimServices: services, VictimServiceCount: nServices,
		Current: cur, CurrentExact: exact, HasCurrent: ok, CanAdmin: actor(r).CanAdminister(t.Path),
	}})
}

// territoryByPath loads the territory whose code is in the path, once
// guard (if any) has let the caller through.
func (s *Server) territoryByPath(r *http.Request, guard func(*http.Request) error) (*aldyn.Territory, error) {
	if guard != nil {
		if err := guard(r); err != nil {
			return nil, err
		}
	}
	return s.db.FindTerritoryByCode(r.Context(), r.PathValue("code"))
}

func (s *Server) precinctNewPage(w http.ResponseWriter, r *http.Request) error {
	parent, err := s.territoryByPath(r, requireAdmin)
	if err != nil {
		return err
	}
	if !actor(r).CanAdminister(parent.Path) {
		return forbidden()
	}
	return s.render(w, r, http.StatusOK, "precinct_form", &page{Title: info(r).loc.T("territory.add_precinct"),
		Form: url.Values{"code": {parent.Code + "-"}}, Data: parent})
}

func (s *Server) precinctCreate(w http.ResponseWriter, r *http.Request) error {
	parent, err := s.territoryByPath(r, requireAdmin)
	if err != nil {
		return err
	}
	t := &aldyn.Territory{}
	f := precinctForm{t, new(string)}
	form, err := readForm(r, f)
	if form == nil {
		return err
	}
	t.ParentCode = parent.Code
	boundary, err := f.check(err)
	if err == nil {
		err = s.db.CreatePrecinct(r.Context(), actor(r), t, boundary)
		if err == nil {
			return redirect(w, r, "/territories/"+url.PathEscape(t.Code), "common.created")
		}
	}
	errs, err := formErrors(info(r).loc, err)
	if err != nil {
		if aldyn.ErrorCode(err) != aldyn.ECONFLICT {
			return err
		}
		errs = map[string]string{"code": info(r).loc.T("error.conflict")}
	}
	return s.render(w, r, http.StatusBadRequest, "precinct_form", &page{Title: info(r).loc.T("territory.add_precinct"), Form: form, Errors: errs, Data: parent})
}

func (s *Server) territoryImportPage(w http.ResponseWriter, r *http.Request) error {
	if err := requireAdmin(r); err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "territory_import", &page{Title: info(r).loc.T("territory.import_title")})
}

// importResult is the outcome of a territory import shown to the user.
type importResult struct {
	Kind     string              `json:"kind"`
	Report   *store.ImportReport `json:"report,omitempty"`
	Rejected []territories.Issue `json:"rejected,omitempty"`
}

// runTerritoryImport parses and applies one import; invalid records fail
// the whole import and nothing is written.
func (s *Server) runTerritoryImport(r *http.Request, kind, filename string, body io.Reader) (*importResult, error) {
	a := actor(r)
	res := &importResult{Kind: kind}
	var err error
	switch kind {
	case "boundaries":
		var bs []territories.Boundary
		if bs, res.Rejected, err = territories.ParseBoundaries(body); err == nil && len(res.Rejected) == 0 {
			res.Report, err = s.db.ImportBoundaries(r.Context(), a, bs, "import: "+filename)
		}
	case "populations":
		var ps territories.Populations
		if ps, res.Rejected, err = territories.ParsePopulationsRows(body); err == nil && len(res.Rejected) == 0 {
			res.Report, err = s.db.ImportPopulations(r.Context(), a, ps.Populations, ps.Rows)
		}
	case "precincts":
		var ps []territories.Precinct
		if strings.HasSuffix(strings.ToLower(filename), ".csv") {
			ps, res.Rejected, err = territories.ParsePrecinctsCSV(body)
		} else {
			ps, res.Rejected, err = territories.ParsePrecinctsGeoJSON(body)
		}
		if err == nil && len(res.Rejected) == 0 {
			res.Report, err = s.db.ImportPrecincts(r.Context(), a, ps)
		}
	default:
		return nil, aldyn.Errorf(aldyn.ENOTFOUND, "error.not_found")
	}
	return res, err
}

func (s *Server) territoryImport(w http.ResponseWriter, r *http.Request) error {
	if err := requireAdmin(r); err != nil {
		return err
	}
	kind := r.FormValue("kind")
	file, hdr, err := formFile(r, "file")
	if err != nil {
		return err
	}
	if file == nil {
		return s.render(w, r, http.StatusBadRequest, "territory_import", &page{Title: info(r).loc.T("territory.import_title"),
			Errors: map[string]string{"file": info(r).loc.T("error.required")}})
	}
	defer file.Close()
	res, err := s.runTerritoryImport(r, kind, hdr.Filename, file)
	if err != nil {
		return err
	}
	status := http.StatusOK
	if len(res.Rejected) > 0 {
		status = http.StatusBadRequest
	}
	return s.render(w, r, status, "territory_import", &page{Title: info(r).loc.T("territory.import_title"), Data: res})
}

// API.

func (s *Server) apiTerritories(w http.ResponseWriter, r *http.Request) error {
	return writeList(w, r, nil, fromQuery(territoryFilter), func(f aldyn.TerritoryFilter) aldyn.Page { return f.Page }, s.db.FindTerritories)
}

func (s *Server) apiTerritory(w http.ResponseWriter, r *http.Request) error {
	t, err := s.territoryByPath(r, nil)
	if err != nil {
		return err
	}
	pops, err := s.db.Populations(r.Context(), t.Code)
	if err != nil {
		return err
	}
	if pops == nil {
		pops = []aldyn.Population{}
	}
	return writeJSON(w, http.StatusOK, struct {
		*aldyn.Territory
		Populations []aldyn.Population `json:"populations"`
	}{t, pops})
}

// apiBoundaries returns the boundaries under a territory (default: all) as
// a GeoJSON FeatureCollection whose properties name each territory in the
// request's language and link to its page.
func (s *Server) apiBoundaries(w http.ResponseWriter, r *http.Request) error {
	under := "/"
	if c := r.URL.Query().Get("territory"); c != "" {
		t, err := s.db.FindTerritoryByCode(r.Context(), c)
		if err != nil {
			return err
		}
		under = t.Path
	}
	lang := info(r).lang
	if l := r.URL.Query().Get("lang"); aldyn.IsLanguage(l) {
		lang = l
	}
	bs, err := s.db.FindBoundaries(r.Context(), under)
	if err != nil {
		return err
	}
	type feature struct {
		Type       string          `json:"type"`
		ID         string          `json:"id"`
		Properties map[string]any  `json:"properties"`
		Geometry   json.RawMessage `json:"geometry"`
	}
	fc := struct {
		Type     string    `json:"type"`
		Features []feature `json:"features"`
	}{Type: "FeatureCollection", Features: []feature{}}
	for _, b := range bs {
		t := b.Territory
		fc.Features = append(fc.Features, feature{Type: "Feature", ID: t.Code, Geometry: b.Geometry, Properties: map[string]any{
			"code": t.Code, "name": t.Name(lang), "level": t.Level, "kind": t.Kind, "url": "/territories/" + t.Code,
		}})
	}
	w.Header().Set("Content-Type", "application/geo+json")
	b, err := json.Marshal(fc)
	if err != nil {
		return err
	}
	// Boundaries change only on import: revalidating with the ETag costs
	// a 304 instead of the whole file.
	w.Header().Set("Cache-Control", "public, max-age=300")
	if notModified(w, r, b) {
		return nil
	}
	_, err = w.Write(b)
	return err
}

// precinctForm is a precinct's one form: the add-precinct form and the
// API's JSON. Its boundary is an optional GeoJSON Polygon or MultiPolygon
// (or a Feature holding one): text in the form, an object in JSON.
type precinctForm struct {
	*aldyn.Territory
	Boundary *string
}

func (f precinctForm) fields() formFields {
	t := f.Territory
	out := textFields(map[string]*string{"code": &t.Code, "parent_code": &t.ParentCode, "name_ky": &t.NameKy, "name_ru": &t.NameRu, "name_en": &t.NameEn})
	out["lat"] = optionalDecimal(&t.Lat, "import.error.number")
	out["lon"] = optionalDecimal(&t.Lon, "import.error.number")
	out["boundary"] = geoJSON(f.Boundary)
	return out
}

func (f precinctForm) finish() { f.Code = strings.TrimSpace(f.Code) }

// check checks the boundary read with readErr, the error of reading the
// rest, and returns the boundary to store; the error lists every bad
// field.
func (f precinctForm) check(readErr error) (json.RawMessage, error) {
	b, err := precinctBoundary(f.Territory, *f.Boundary)
	var read, bad *aldyn.Error
	if !errors.As(readErr, &read) || !errors.As(err, &bad) || len(read.Fields) == 0 || len(bad.Fields) == 0 {
		return b, cmp.Or(readErr, err)
	}
	maps.Copy(bad.Fields, read.Fields)
	return b, bad
}

// geoJSON is GeoJSON: text in a form, the object itself in JSON.
func geoJSON(p *string) formField { return geoJSONField{textField[string]{jsonValue{p}, p}} }

type geoJSONField struct{ textField[string] }

func (g geoJSONField) decode(raw json.RawMessage, _ string, _ aldyn.Validation) error {
	*g.p = string(raw)
	return nil
}

func (s *Server) apiPrecinctCreate(w http.ResponseWriter, r *http.Request) error {
	if err := requireAdmin(r); err != nil {
		return err
	}
	t := &aldyn.Territory{}
	f := precinctForm{t, new(string)}
	boundary, err := f.check(readJSON(r, f))
	if err != nil {
		return err
	}
	if err := s.db.CreatePrecinct(r.Context(), actor(r), t, boundary); err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, t)
}

// precinctBoundary checks a precinct's optional boundary (GeoJSON text;
// empty for none) and, when the precinct has no point, gives it the
// centre of the boundary's box, as importing a precinct file does.
func precinctBoundary(t *aldyn.Territory, raw string) (json.RawMessage, error) {
	if strings.TrimSpace(raw) == "" {
		return nil, nil
	}
	b, c, err := territories.ParsePrecinctBoundary([]byte(raw))
	if err != nil {
		return nil, err
	}
	if t.Lat == nil && t.Lon == nil {
		lat, lon := c.Lat(), c.Lon()
		t.Lat, t.Lon = &lat, &lon
	}
	return b, nil
}

// apiTerritoryImport takes the file as the request body: GeoJSON for
// boundaries and precincts, CSV for populations (and precincts when the
// Content-Type is text/csv).
func (s *Server) apiTerritoryImport(w http.ResponseWriter, r *http.Request) error {
	if err := requireAdmin(r); err != nil {
		return err
	}
	name := "upload.geojson"
	if strings.HasPrefix(r.Header.Get("Content-Type"), "text/csv") {
		name = "upload.csv"
	}
	res, err := s.runTerritoryImport(r, r.PathValue("kind"), name, r.Body)
	if err != nil {
		return err
	}
	if len(res.Rejected) > 0 {
		loc := info(r).loc
		for i := range res.Rejected {
			res.Rejected[i].Reason = loc.T(res.Rejected[i].Reason)
		}
		return writeJSON(w, http.StatusBadRequest, res)
	}
	return writeJSON(w, http.StatusOK, res)
}

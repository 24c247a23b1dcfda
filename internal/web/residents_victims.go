package web

import (
	"context"
	"encoding/json"
	"errors"
	"html/template"
	"io"
	"maps"
	"net/http"
	"net/url"
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/export"
	"github.com/aldyn-kg/aldyn/internal/i18n"
	"github.com/aldyn-kg/aldyn/internal/importer"
	"github.com/aldyn-kg/aldyn/internal/store"
)

// The victim services directory (§4.5 of the Concept): the public list and
// map (/victim-services), one service's page, its place on the report
// form's sensitive categories and on territory pages; editing within scope,
// CSV/XLSX import and export, and the API.

// requireVictimServiceEditor refuses those who may manage victim services
// nowhere: the store checks the territory.
func requireVictimServiceEditor(r *http.Request) error {
	return requireRole(r, aldyn.RoleCoordinator, aldyn.RoleAdministrator)
}

// victimServiceFilter reads the list's filter: territory (a code: its
// services, those below it and those above it), kind, q, all (retired
// ones too, for those who manage them) and the page.
func (s *Server) victimServiceFilter(ctx context.Context, a *aldyn.Actor, q url.Values) (aldyn.VictimServiceFilter, error) {
	p, err := pageFromQuery(q)
	if err != nil {
		return aldyn.VictimServiceFilter{}, err
	}
	if _, ok := store.VictimServiceSorts[p.Sort]; p.Sort != "" && !ok {
		return aldyn.VictimServiceFilter{}, badParam("sort")
	}
	f := aldyn.VictimServiceFilter{Query: q.Get("q"), ActiveOnly: true, Page: p}
	if k := q.Get("kind"); k != "" {
		if !aldyn.IsVictimServiceKind(k) {
			return f, badParam("kind")
		}
		f.Kind = &k
	}
	if c := q.Get("territory"); c != "" {
		t, err := s.db.FindTerritoryByCode(ctx, c)
		if err != nil {
			return f, badParam("territory")
		}
		f.For = t.Path
	}
	if q.Get("all") == "1" && a.Is(aldyn.RoleCoordinator, aldyn.RoleAdministrator) {
		f.ActiveOnly = false
	}
	return f, nil
}

// serviceTerritories are the territories a service may be filed under or
// looked for in: the country, then each region with its districts and
// cities (precincts left out); under limits them to a scope.
func (s *Server) serviceTerritories(ctx context.Context, lang, under string) ([]territoryGroup, error) {
	all, err := aldyn.AllPages(aldyn.Page{Sort: "path"}, func(p aldyn.Page) ([]*aldyn.Territory, int, error) {
		return s.db.FindTerritories(ctx, aldyn.TerritoryFilter{Under: under, Page: p})
	})
	if err != nil {
		return nil, err
	}
	var groups []territoryGroup
	idx := map[string]int{}
	for _, t := range all {
		switch t.Level {
		case aldyn.LevelCountry:
			groups = append(groups, territoryGroup{Label: t.Name(lang), Items: []*aldyn.Territory{t}})
		case aldyn.LevelRegion:
			idx[t.Code] = len(groups)
			groups = append(groups, territoryGroup{Label: t.Name(lang), Items: []*aldyn.Territory{t}})
		}
	}
	for _, t := range all {
		if t.Level != aldyn.LevelDistrict && t.Level != aldyn.LevelCity {
			continue
		}
		i, ok := idx[t.ParentCode]
		if !ok {
			i, idx[t.ParentCode] = len(groups), len(groups)
			groups = append(groups, territoryGroup{Label: t.Name(lang)})
		}
		groups[i].Items = append(groups[i].Items, t)
	}
	return groups, nil
}

// victimServicesPageData is the data of templates/victim_services.html.
type victimServicesPageData struct {
	Services    []*aldyn.VictimService
	Pager       pager
	Kinds       []string
	Territories []territoryGroup
	Place       *aldyn.Territory // the territory filtered by
	MapURL      template.URL     // the map's points: the list's filter
	CanEdit     bool
}

func (s *Server) victimServicesPage(w http.ResponseWriter, r *http.Request) error {
	ctx, q, a := r.Context(), r.URL.Query(), actor(r)
	f, err := s.victimServiceFilter(ctx, a, q)
	if err != nil {
		return err
	}
	if format := q.Get("format"); format != "" {
		return s.exportVictimServices(w, r, f, format)
	}
	vs, total, err := s.db.FindVictimServices(ctx, f)
	if err != nil {
		return err
	}
	groups, err := s.serviceTerritories(ctx, info(r).lang, "")
	if err != nil {
		return err
	}
	d := &victimServicesPageData{Services: vs, Pager: newPager(f.Page, total), Kinds: aldyn.VictimServiceKinds, Territories: groups,
		CanEdit: a.Is(aldyn.RoleCoordinator, aldyn.RoleAdministrator)}
	if c := q.Get("territory"); c != "" {
		if d.Place, err = s.db.FindTerritoryByCode(ctx, c); err != nil {
			return err
		}
	}
	mq := url.Values{}
	for _, k := range []string{"territory", "kind", "q"} {
		if v := q.Get(k); v != "" {
			mq.Set(k, v)
		}
	}
	mq.Set("lang", info(r).lang)
	d.MapURL = template.URL("/api/v1/victim-services/map?" + mq.Encode())
	return s.render(w, r, http.StatusOK, "victim_services", &page{Title: info(r).loc.T("victims.title"), Form: q, Data: d})
}

// exportVictimServices writes the whole filtered list (every page) as CSV
// or XLSX, in the columns the import reads (and a few more to read).
func (s *Server) exportVictimServices(w http.ResponseWriter, r *http.Request, f aldyn.VictimServiceFilter, format string) error {
	loc, lang := info(r).loc, info(r).lang
	t := export.Table{Title: loc.T("victims.title"), Columns: victimServiceExportColumns(loc)}
	yes := func(b bool) string {
		if b {
			return "1"
		}
		return "0"
	}
	return exportList(r, w, format, "victim-services", t, f.Page, func(ctx context.Context, p aldyn.Page) ([]*aldyn.VictimService, int, error) {
		f.Page = p
		return s.db.FindVictimServices(ctx, f)
	}, func(v *aldyn.VictimService) []any {
		var lat, lon any
		if v.Lat != nil {
			lat, lon = *v.Lat, *v.Lon
		}
		return []any{v.ID, v.Name.KY, v.Name.RU, v.Name.EN, v.Kind, v.TerritoryCode, v.Territory.Name(lang), v.Address, v.Hours,
			strings.Join(v.Phones, "; "), strings.Join(v.Serves, "; "), lat, lon, yes(v.Free), yes(v.Active)}
	})
}

// victimServiceByPath loads the service the path names; a retired one only
// for those who may manage it.
func (s *Server) victimServiceByPath(r *http.Request) (*aldyn.VictimService, error) {
	id, err := routeID(r, "id", "victims.error.not_found")
	if err != nil {
		return nil, err
	}
	v, err := s.db.FindVictimServiceByID(r.Context(), id)
	if err != nil {
		return nil, err
	}
	if !v.Active && !actor(r).CanManageVictimService(v.TerritoryPath) {
		return nil, aldyn.Errorf(aldyn.ENOTFOUND, "victims.error.not_found")
	}
	return v, nil
}

// victimServicePageData is the data of templates/victim_service.html.
type victimServicePageData struct {
	Service *aldyn.VictimService
	CanEdit bool
}

func (s *Server) victimServicePage(w http.ResponseWriter, r *http.Request) error {
	v, err := s.victimServiceByPath(r)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "victim_service", &page{Title: v.Name.In(info(r).lang), Data: &victimServicePageData{
		Service: v, CanEdit: actor(r).CanManageVictimService(v.TerritoryPath)}})
}

// victimServiceForm is the service's one form, the form and the API's
// JSON.
type victimServiceForm struct{ *aldyn.VictimService }

func (f victimServiceForm) fields() formFields {
	v := f.VictimService
	return formFields{
		"name":           texts(&v.Name),
		"kind":           text(&v.Kind),
		"territory_code": text(&v.TerritoryCode),
		"address":        text(&v.Address),
		"hours":          text(&v.Hours),
		"phones":         phoneList(&v.Phones),
		"serves":         choices(&v.Serves),
		"lat":            optionalDecimal(&v.Lat, "victims.error.number"),
		"lon":            optionalDecimal(&v.Lon, "victims.error.number"),
		"free":           check(&v.Free),
		"active":         check(&v.Active),
	}
}

// phoneList is a list of phone numbers: one text in a form (numbers
// separated by commas, semicolons or lines), an array in JSON.
func phoneList(p *[]string) formField { return phoneListField{jsonValue{p}, p} }

type phoneListField struct {
	jsonValue
	p *[]string
}

func (l phoneListField) read(f url.Values, name string, _ aldyn.Validation) {
	if f.Has(name) {
		*l.p = aldyn.SplitPhones(f.Get(name))
	}
}

func (l phoneListField) show(f url.Values, name string) { f.Set(name, strings.Join(*l.p, "\n")) }

// victimServiceFormPageData is the data of templates/victim_service_form.html.
type victimServiceFormPageData struct {
	Service     *aldyn.VictimService
	Kinds       []string
	Groups      []string
	Chosen      map[string]bool // the groups ticked
	Territories []territoryGroup
}

func (s *Server) renderVictimServiceForm(w http.ResponseWriter, r *http.Request, status int, title string, v *aldyn.VictimService, form url.Values, errs map[string]string) error {
	ts, err := s.serviceTerritories(r.Context(), info(r).lang, actor(r).ScopeUnder())
	if err != nil {
		return err
	}
	if form == nil {
		if v == nil {
			v = &aldyn.VictimService{Active: true, Free: true}
			form = showForm(victimServiceForm{v})
			v = nil
		} else {
			form = showForm(victimServiceForm{v})
		}
	}
	chosen := map[string]bool{}
	for _, g := range form["serves"] {
		chosen[g] = true
	}
	return s.render(w, r, status, "victim_service_form", &page{Title: title, Form: form, Errors: errs, Data: &victimServiceFormPageData{
		Service: v, Kinds: aldyn.VictimServiceKinds, Groups: aldyn.VictimServiceGroups, Chosen: chosen, Territories: ts}})
}

func (s *Server) victimServiceNewPage(w http.ResponseWriter, r *http.Request) error {
	if err := requireVictimServiceEditor(r); err != nil {
		return err
	}
	return s.renderVictimServiceForm(w, r, http.StatusOK, info(r).loc.T("victims.new"), nil, nil, nil)
}

func (s *Server) victimServiceCreate(w http.ResponseWriter, r *http.Request) error {
	if err := requireVictimServiceEditor(r); err != nil {
		return err
	}
	return s.victimServiceSave(w, r, nil)
}

// victimServiceSave creates a service (old is nil) or updates old, from
// the form or, on the API, from JSON.
func (s *Server) victimServiceSave(w http.ResponseWriter, r *http.Request, old *aldyn.VictimService) error {
	status, title, flash := http.StatusOK, "victims.edit", "common.saved"
	if old == nil {
		status, title, flash = http.StatusCreated, "victims.new", "common.created"
	}
	save := func(v *aldyn.VictimService) error {
		if old == nil {
			return s.db.CreateVictimService(r.Context(), actor(r), v)
		}
		return s.db.UpdateVictimService(r.Context(), actor(r), old.ID, v)
	}
	if isAPI(r) {
		v := &aldyn.VictimService{Active: true}
		if old != nil {
			c := *old
			v = &c
		}
		err := readJSON(r, victimServiceForm{v})
		if err == nil {
			err = save(v)
		}
		if err != nil {
			return err
		}
		return writeJSON(w, status, v)
	}
	v := &aldyn.VictimService{}
	form, readErr := readForm(r, victimServiceForm{v})
	// A value that did not parse stops the save; the service's own rules
	// are checked all the same, so that the form lists every bad field.
	var re *aldyn.Error
	if errors.As(readErr, &re) && re.Fields != nil {
		var ve *aldyn.Error
		if errors.As(v.Validate(), &ve) {
			for f, k := range ve.Fields {
				if _, set := re.Fields[f]; !set {
					re.Fields[f] = k
				}
			}
		}
	}
	return submitForm(w, r, form, readErr, func() error { return save(v) },
		func(errs map[string]string) error {
			return s.renderVictimServiceForm(w, r, http.StatusBadRequest, info(r).loc.T(title), old, form, errs)
		},
		func() string { return "/victim-services/" + strconv.FormatInt(v.ID, 10) }, flash)
}

// managedVictimServiceByPath loads the service for one who may change it.
func (s *Server) managedVictimServiceByPath(r *http.Request) (*aldyn.VictimService, error) {
	if err := requireVictimServiceEditor(r); err != nil {
		return nil, err
	}
	v, err := s.victimServiceByPath(r)
	if err != nil {
		return nil, err
	}
	if !actor(r).CanManageVictimService(v.TerritoryPath) {
		return nil, forbidden()
	}
	return v, nil
}

func (s *Server) victimServiceEditPage(w http.ResponseWriter, r *http.Request) error {
	v, err := s.managedVictimServiceByPath(r)
	if err != nil {
		return err
	}
	return s.renderVictimServiceForm(w, r, http.StatusOK, info(r).loc.T("victims.edit"), v, nil, nil)
}

func (s *Server) victimServiceUpdate(w http.ResponseWriter, r *http.Request) error {
	old, err := s.managedVictimServiceByPath(r)
	if err != nil {
		return err
	}
	return s.victimServiceSave(w, r, old)
}

func (s *Server) victimServiceDelete(w http.ResponseWriter, r *http.Request) error {
	v, err := s.managedVictimServiceByPath(r)
	if err != nil {
		return err
	}
	if err := s.db.DeleteVictimService(r.Context(), actor(r), v.ID); err != nil {
		return err
	}
	return deleted(w, r, "/victim-services")
}

// API.

func (s *Server) apiVictimServices(w http.ResponseWriter, r *http.Request) error {
	return writeList(w, r, nil, func(r *http.Request) (aldyn.VictimServiceFilter, error) {
		return s.victimServiceFilter(r.Context(), actor(r), r.URL.Query())
	}, func(f aldyn.VictimServiceFilter) aldyn.Page { return f.Page }, s.db.FindVictimServices)
}

func (s *Server) apiVictimService(w http.ResponseWriter, r *http.Request) error {
	v, err := s.victimServiceByPath(r)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, v)
}

// apiVictimServicesMap answers the directory's map: the filtered active
// services that have a point, as GeoJSON points linking to their pages.
func (s *Server) apiVictimServicesMap(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	f, err := s.victimServiceFilter(r.Context(), aldyn.Public, q)
	if err != nil {
		return err
	}
	lang := info(r).lang
	vs, err := aldyn.AllPages(aldyn.Page{}, func(p aldyn.Page) ([]*aldyn.VictimService, int, error) {
		f.Page = p
		return s.db.FindVictimServices(r.Context(), f)
	})
	if err != nil {
		return err
	}
	loc := info(r).loc
	fc := featureCollection{Type: "FeatureCollection", Features: []geoFeature{}}
	for _, v := range vs {
		if v.Lat == nil || v.Lon == nil {
			continue
		}
		fc.Features = append(fc.Features, pointFeature(*v.Lon, *v.Lat, map[string]any{
			"name": v.Name.In(lang) + " · " + loc.T("victims.kind."+v.Kind), "url": "/victim-services/" + strconv.FormatInt(v.ID, 10)}))
	}
	b, err := json.Marshal(fc)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/geo+json")
	_, err = w.Write(append(b, '\n'))
	return err
}

// servicesFor are the active services for the territory with the given
// code (its own, those above and below it), or the national ones when
// code is blank; at most limit, the most local first.
func (s *Server) servicesFor(ctx context.Context, code string, limit int) ([]*aldyn.VictimService, int, error) {
	f := aldyn.VictimServiceFilter{ActiveOnly: true, Page: aldyn.Page{Limit: limit}}
	if code == "" {
		country := aldyn.LevelCountry
		ts, _, err := s.db.FindTerritories(ctx, aldyn.TerritoryFilter{Level: &country, Page: aldyn.Page{Limit: 1}})
		if err != nil || len(ts) == 0 {
			return nil, 0, err
		}
		f.TerritoryCode = &ts[0].Code
	} else {
		t, err := s.db.FindTerritoryByCode(ctx, code)
		if err != nil {
			return nil, 0, nil // an unknown code shows the help without services
		}
		f.For = t.Path
	}
	return s.db.FindVictimServices(ctx, f)
}

// victimServiceExportColumns are the columns of the exported list, under
// their labels in loc's language; the import reads them back by label or
// by key.
func victimServiceExportColumns(loc *i18n.Localizer) []export.Column {
	return []export.Column{
		{Key: "id", Label: "ID", Kind: export.Int},
		{Key: "name_ky", Label: loc.T("common.name_ky")},
		{Key: "name_ru", Label: loc.T("common.name_ru")},
		{Key: "name_en", Label: loc.T("common.name_en")},
		{Key: "kind", Label: loc.T("victims.field.kind")},
		{Key: "territory_code", Label: loc.T("common.code")},
		{Key: "territory", Label: loc.T("common.territory")},
		{Key: "address", Label: loc.T("common.address")},
		{Key: "hours", Label: loc.T("victims.field.hours")},
		{Key: "phones", Label: loc.T("victims.field.phones")},
		{Key: "serves", Label: loc.T("victims.field.serves")},
		{Key: "lat", Label: loc.T("victims.field.lat"), Kind: export.Float},
		{Key: "lon", Label: loc.T("victims.field.lon"), Kind: export.Float},
		{Key: "free", Label: loc.T("victims.field.free")},
		{Key: "active", Label: loc.T("victims.field.active")},
	}
}

// victimServiceHeader maps a header cell to a column key: the key itself,
// or the export's label in any language. Columns the export writes only
// to be read (id, the territory's name) map to "" and are skipped.
func victimServiceHeader(h string) (string, bool) {
	h = strings.ToLower(strings.TrimSpace(h))
	for _, lang := range aldyn.Languages {
		for _, c := range victimServiceExportColumns(i18n.For(lang)) {
			if h == c.Key || h == strings.ToLower(c.Label) {
				if c.Key == "id" || c.Key == "territory" {
					return "", true
				}
				return c.Key, true
			}
		}
	}
	return "", false
}

// Import.

// victimServiceColumns are the columns an import reads, in the order the
// export and the template write them; those marked required must be there.
var victimServiceColumns = []struct {
	Name     string
	Required bool
}{
	{"name_ky", true}, {"name_ru", true}, {"name_en", true}, {"kind", true}, {"territory_code", true},
	{"address", false}, {"hours", false}, {"phones", true}, {"serves", true}, {"lat", false}, {"lon", false},
	{"free", false}, {"active", false},
}

// victimServiceImportPageData is the data of templates/victim_service_import.html.
type victimServiceImportPageData struct {
	Issues  []importIssue
	Columns []string
	Result  *store.VictimServiceImport
}

func (s *Server) victimServiceImportPage(w http.ResponseWriter, r *http.Request) error {
	if err := requireVictimServiceEditor(r); err != nil {
		return err
	}
	return s.victimServiceImportResult(w, r, http.StatusOK, nil, nil, nil)
}

func (s *Server) victimServiceImportResult(w http.ResponseWriter, r *http.Request, status int, errs map[string]string, issues []importIssue, res *store.VictimServiceImport) error {
	if wantsJSON(r) || isAPI(r) {
		if res != nil {
			return writeJSON(w, status, res)
		}
		if issues == nil {
			issues = []importIssue{}
		}
		return writeJSON(w, status, map[string]any{"errors": issues, "fields": errs})
	}
	cols := make([]string, len(victimServiceColumns))
	for i, c := range victimServiceColumns {
		cols[i] = c.Name
	}
	return s.render(w, r, status, "victim_service_import", &page{Title: info(r).loc.T("victims.import_title"), Errors: errs,
		Data: &victimServiceImportPageData{Issues: issues, Columns: cols, Result: res}})
}

// parseBool reads a yes/no cell: 1/0, true/false, yes/no in the three
// languages; blank is def.
func parseBool(s string, def bool) (bool, bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "":
		return def, true
	case "1", "true", "yes", "y", "да", "ооба", "x", "+":
		return true, true
	case "0", "false", "no", "n", "нет", "жок", "-":
		return false, true
	}
	return false, false
}

// exportedCell undoes what the CSV export writes to keep Excel from
// changing a cell: ="…" around codes and numbers, and a quote before a
// value that would start a formula (a phone's plus).
func exportedCell(v string) string {
	v = strings.TrimSpace(v)
	if len(v) >= 3 && strings.HasPrefix(v, `="`) && strings.HasSuffix(v, `"`) {
		v = strings.ReplaceAll(v[2:len(v)-1], `""`, `"`)
	}
	if len(v) >= 2 && v[0] == '\'' && strings.ContainsRune("+-=@", rune(v[1])) {
		v = v[1:]
	}
	return v
}

// readVictimServices reads the rows of an import file into services,
// reporting every bad cell: a missing or unknown column, a value that does
// not parse, a rule of the service broken, a territory unknown or out of
// the actor's scope, a service named twice in the file.
func (s *Server) readVictimServices(r *http.Request, rd importer.Reader) ([]*aldyn.VictimService, []int, []importIssue, error) {
	ctx, a, loc := r.Context(), actor(r), info(r).loc
	var issues []importIssue
	add := func(row int, column, value, reason string, args map[string]any) {
		m := map[string]any{"row": row, "column": column, "value": value}
		for k, v := range args {
			m[k] = v
		}
		issues = append(issues, importIssue{Row: row, Column: column, Value: value, Reason: loc.T(reason, m)})
	}
	header := rd.Header()
	col := map[string]int{}
	for i, h := range header {
		name, ok := victimServiceHeader(h)
		if !ok {
			add(1, h, "", "victims.import.unknown_column", nil)
			continue
		}
		if name == "" {
			continue
		}
		if _, dup := col[name]; dup {
			add(1, h, "", "victims.import.repeated_column", nil)
			continue
		}
		col[name] = i
	}
	colLabel := func(key string) string {
		if i, ok := col[key]; ok {
			return header[i]
		}
		return key
	}
	for _, c := range victimServiceColumns {
		if _, ok := col[c.Name]; c.Required && !ok {
			add(1, c.Name, "", "victims.import.missing_column", nil)
		}
	}
	if len(issues) > 0 {
		return nil, nil, issues, nil
	}
	ts, err := aldyn.AllPages(aldyn.Page{}, func(p aldyn.Page) ([]*aldyn.Territory, int, error) {
		return s.db.FindTerritories(ctx, aldyn.TerritoryFilter{Page: p})
	})
	if err != nil {
		return nil, nil, nil, err
	}
	paths := make(map[string]string, len(ts))
	for _, t := range ts {
		paths[t.Code] = t.Path
	}
	var out []*aldyn.VictimService
	var rows []int
	seen := map[string]int{} // territory and folded name → row
	for {
		row, vals, err := rd.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		var re *importer.RecordError
		if errors.As(err, &re) {
			add(re.Row, re.Column, "", re.Reason, nil)
			continue
		} else if err != nil {
			return nil, nil, nil, err
		}
		cell := func(name string) string {
			if i, ok := col[name]; ok && i < len(vals) {
				return exportedCell(vals[i])
			}
			return ""
		}
		v := &aldyn.VictimService{Name: aldyn.Text{KY: cell("name_ky"), RU: cell("name_ru"), EN: cell("name_en")},
			Kind: cell("kind"), TerritoryCode: cell("territory_code"), Address: cell("address"), Hours: cell("hours"),
			Phones: aldyn.SplitPhones(cell("phones")), Serves: aldyn.SplitPhones(cell("serves"))}
		bad := map[string]bool{}
		for _, f := range []struct {
			name string
			p    **float64
		}{{"lat", &v.Lat}, {"lon", &v.Lon}} {
			if c := cell(f.name); c != "" {
				x, err := strconv.ParseFloat(strings.ReplaceAll(c, ",", "."), 64)
				if err != nil {
					add(row, colLabel(f.name), c, "victims.import.number", nil)
					bad[f.name] = true
					continue
				}
				*f.p = &x
			}
		}
		for _, f := range []struct {
			name string
			p    *bool
			def  bool
		}{{"free", &v.Free, false}, {"active", &v.Active, true}} {
			b, ok := parseBool(cell(f.name), f.def)
			if !ok {
				add(row, colLabel(f.name), cell(f.name), "victims.import.yes_no", nil)
			}
			*f.p = b
		}
		if err := v.Validate(); err != nil {
			var e *aldyn.Error
			if !errors.As(err, &e) {
				return nil, nil, nil, err
			}
			for _, f := range slices.Sorted(maps.Keys(e.Fields)) {
				c := f
				if c == "name" {
					c = "name_ky"
				}
				if bad[c] {
					continue // already reported: the number did not parse
				}
				add(row, colLabel(c), cell(c), e.Fields[f], map[string]any{"kinds": strings.Join(aldyn.VictimServiceKinds, ", "),
					"groups": strings.Join(aldyn.VictimServiceGroups, ", "), "max": aldyn.MaxVictimServicePhones})
			}
		}
		if aldyn.ValidTerritoryCode(v.TerritoryCode) {
			p, ok := paths[v.TerritoryCode]
			switch {
			case !ok:
				add(row, colLabel("territory_code"), v.TerritoryCode, "victims.import.territory_unknown", nil)
			case !a.CanManageVictimService(p):
				add(row, colLabel("territory_code"), v.TerritoryCode, "victims.import.territory_scope", nil)
			}
		}
		for _, n := range []string{v.Name.KY, v.Name.RU, v.Name.EN} {
			k := v.TerritoryCode + "|" + strings.Join(strings.Fields(strings.ToLower(n)), " ")
			if n == "" {
				continue
			}
			if first, dup := seen[k]; dup && first != row {
				add(row, colLabel("name_ky"), n, "victims.import.duplicate", map[string]any{"first": first})
				break
			}
			seen[k] = row
		}
		out, rows = append(out, v), append(rows, row)
	}
	if len(out) == 0 && len(issues) == 0 {
		add(2, "", "", "victims.import.no_rows", nil)
	}
	return out, rows, issues, nil
}

// victimServiceImport creates and updates services from a CSV or XLSX
// file: every bad cell is reported with its row and column, and nothing
// is written unless every row is good; a service whose territory already
// has one of the same name is updated, so importing a file twice changes
// nothing the second time.
func (s *Server) victimServiceImport(w http.ResponseWriter, r *http.Request) error {
	if err := requireVictimServiceEditor(r); err != nil {
		return err
	}
	loc := info(r).loc
	// badFile answers that the file itself is wrong, for the reason key.
	badFile := func(key string, args ...any) error {
		return s.victimServiceImportResult(w, r, http.StatusBadRequest, map[string]string{"file": loc.T(key, args...)}, nil, nil)
	}
	// unreadable answers a file the reader refuses (EINVALID) with its
	// reason; any other error goes up.
	unreadable := func(err error) error {
		var e *aldyn.Error
		if errors.As(err, &e) && e.Code == aldyn.EINVALID {
			return badFile(e.Message, e.Args)
		}
		return err
	}
	file, hdr, err := r.FormFile("file")
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return err
		}
		return badFile("error.required")
	}
	defer file.Close()
	format, ok := importer.FormatOf(hdr.Filename)
	if !ok || format == importer.JSONL {
		return badFile("victims.import.format", "format", path.Ext(hdr.Filename))
	}
	rd, err := importer.NewReader(file, format)
	if err != nil {
		return unreadable(err)
	}
	defer rd.Close()
	vs, rows, issues, err := s.readVictimServices(r, rd)
	if err != nil {
		return unreadable(err)
	}
	if len(issues) > 0 {
		return s.victimServiceImportResult(w, r, http.StatusUnprocessableEntity, nil, issues, nil)
	}
	res, err := s.db.ImportVictimServices(r.Context(), actor(r), vs, rows)
	if err != nil {
		var re *store.VictimServiceRowError
		if errors.As(err, &re) {
			return s.victimServiceImportResult(w, r, http.StatusUnprocessableEntity, nil,
				[]importIssue{{Row: re.Row, Reason: loc.T(aldyn.ErrorMessage(re.Err))}}, nil)
		}
		return err
	}
	if isAPI(r) || wantsJSON(r) {
		return writeJSON(w, http.StatusOK, res)
	}
	return s.victimServiceImportResult(w, r, http.StatusOK, nil, nil, &res)
}

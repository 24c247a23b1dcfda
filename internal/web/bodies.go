package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/export"
	"github.com/aldyn-kg/aldyn/internal/store"
)

// bodyFilter reads a body list's filter from the query.
func bodyFilter(q url.Values) (aldyn.BodyFilter, error) {
	p, err := sortedPage(q, store.BodySorts)
	if err != nil {
		return aldyn.BodyFilter{}, err
	}
	f := aldyn.BodyFilter{Query: q.Get("q"), Page: p}
	if t := q.Get("type"); t != "" {
		if !aldyn.IsBodyType(t) {
			return f, badParam("type")
		}
		f.Type = &t
	}
	if c := q.Get("territory"); c != "" {
		if !aldyn.ValidTerritoryCode(c) {
			return f, badParam("territory")
		}
		f.TerritoryCode = &c
	}
	return f, nil
}

// visibleBody hides internal fields from those whose scope does not cover
// the body.
func visibleBody(a *aldyn.Actor, b *aldyn.Body) *aldyn.Body {
	if a.CanSeeInternal(b.Territory.Path) {
		return b
	}
	return b.Public()
}

// bodiesPageData is the data of the bodies page.
type bodiesPageData struct {
	Bodies      []*aldyn.Body
	Pager       pager
	Types       []string
	Territories []*aldyn.Territory
}

func (s *Server) bodiesPage(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	f, err := bodyFilter(q)
	if err != nil {
		return err
	}
	if format := q.Get("format"); format != "" {
		return s.exportBodies(w, r, f, format)
	}
	bs, total, err := s.db.FindBodies(r.Context(), f)
	if err != nil {
		return err
	}
	a := actor(r)
	for i, b := range bs {
		bs[i] = visibleBody(a, b)
	}
	regions, _, err := s.db.FindTerritories(r.Context(), aldyn.TerritoryFilter{Page: aldyn.Page{Limit: aldyn.MaxLimit, Sort: "path"}})
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "bodies", &page{Title: info(r).loc.T("body.list_title"), Form: q, Data: &bodiesPageData{
		Bodies: bs, Pager: newPager(f.Page, total), Types: aldyn.BodyTypes, Territories: regions,
	}})
}

// exportBodies writes the whole filtered list (every page) as CSV or XLSX.
func (s *Server) exportBodies(w http.ResponseWriter, r *http.Request, f aldyn.BodyFilter, format string) error {
	loc, a := info(r).loc, actor(r)
	t := export.Table{Title: loc.T("body.list_title"), Columns: []export.Column{
		{Key: "id", Label: "ID", Kind: export.Int},
		{Key: "name", Label: loc.T("common.name")},
		{Key: "name_ky", Label: loc.T("common.name_ky")},
		{Key: "name_ru", Label: loc.T("common.name_ru")},
		{Key: "name_en", Label: loc.T("common.name_en")},
		{Key: "type", Label: loc.T("common.type")},
		{Key: "territory_code", Label: loc.T("common.code")},
		{Key: "territory", Label: loc.T("common.territory")},
		{Key: "address", Label: loc.T("common.address")},
		{Key: "phone", Label: loc.T("common.phone")},
		{Key: "email", Label: loc.T("common.email")},
		{Key: "website", Label: loc.T("common.website")},
	}}
	lang := info(r).lang
	return exportList(r, w, format, "bodies", t, f.Page, func(ctx context.Context, p aldyn.Page) ([]*aldyn.Body, int, error) {
		f.Page = p
		return s.db.FindBodies(ctx, f)
	}, func(b *aldyn.Body) []any {
		b = visibleBody(a, b)
		return []any{b.ID, b.Name(lang), b.NameKy, b.NameRu, b.NameEn, loc.T("body.type." + b.Type), b.TerritoryCode, b.Territory.Name(lang),
			b.Address, b.Phone, b.Email, b.Website}
	})
}

func (s *Server) bodyByPath(r *http.Request) (*aldyn.Body, error) {
	id, err := routeID(r, "id", "body.error.not_found")
	if err != nil {
		return nil, err
	}
	return s.db.FindBodyByID(r.Context(), id)
}

// bodyPageData is the data of the body page.
type bodyPageData struct {
	Body     *aldyn.Body
	Internal bool
	CanEdit  bool
}

// adminBodyByPath is bodyByPath for administrators.
func (s *Server) adminBodyByPath(r *http.Request) (*aldyn.Body, error) {
	if err := requireAdmin(r); err != nil {
		return nil, err
	}
	return s.bodyByPath(r)
}

func (s *Server) bodyPage(w http.ResponseWriter, r *http.Request) error {
	b, err := s.bodyByPath(r)
	if err != nil {
		return err
	}
	a := actor(r)
	data := &bodyPageData{Body: visibleBody(a, b), Internal: a.CanSeeInternal(b.Territory.Path), CanEdit: a.CanAdminister(b.Territory.Path)}
	return s.render(w, r, http.StatusOK, "body", &page{Title: b.Name(info(r).lang), Data: data})
}

// bodyForm is the body's one form, the form and the API's JSON: its
// fields are the body's own list, aldyn.Body.Fields.
type bodyForm struct{ *aldyn.Body }

func (f bodyForm) fields() formFields { return textFields(f.Body.Fields()) }

func bodyFromForm(r *http.Request) (*aldyn.Body, url.Values, error) {
	b := &aldyn.Body{}
	form, err := readForm(r, bodyForm{b})
	return b, form, err
}

func bodyFromJSON(r *http.Request) (*aldyn.Body, error) {
	b := &aldyn.Body{}
	return b, readJSON(r, bodyForm{b})
}

// bodyFormPageData is the data of the body_form page.
type bodyFormPageData struct {
	Body        *aldyn.Body
	Types       []string
	Territories []*aldyn.Territory
}

func (s *Server) renderBodyForm(w http.ResponseWriter, r *http.Request, status int, title string, b *aldyn.Body, form url.Values, errs map[string]string) error {
	ts, _, err := s.db.FindTerritories(r.Context(), aldyn.TerritoryFilter{Under: actor(r).ScopeUnder(), Page: aldyn.Page{Limit: aldyn.MaxLimit, Sort: "path"}})
	if err != nil {
		return err
	}
	if form == nil {
		form = url.Values{}
		if b != nil {
			form = showForm(bodyForm{b})
		}
	}
	return s.render(w, r, status, "body_form", &page{Title: title, Form: form, Errors: errs, Data: &bodyFormPageData{Body: b, Types: aldyn.BodyTypes, Territories: ts}})
}

func (s *Server) bodyNewPage(w http.ResponseWriter, r *http.Request) error {
	if err := requireAdmin(r); err != nil {
		return err
	}
	return s.renderBodyForm(w, r, http.StatusOK, info(r).loc.T("body.new"), nil, nil, nil)
}

func (s *Server) bodyCreate(w http.ResponseWriter, r *http.Request) error {
	if err := requireAdmin(r); err != nil {
		return err
	}
	return s.bodySave(w, r, nil)
}

// bodySave creates a body (old is nil) or updates old, from the form or,
// on the API, from JSON.
func (s *Server) bodySave(w http.ResponseWriter, r *http.Request, old *aldyn.Body) error {
	status, title, flash := http.StatusOK, "body.edit", "common.saved"
	if old == nil {
		status, title, flash = http.StatusCreated, "body.new", "common.created"
	}
	save := func(b *aldyn.Body) error {
		if old == nil {
			return s.db.CreateBody(r.Context(), actor(r), b)
		}
		return s.db.UpdateBody(r.Context(), actor(r), old.ID, b)
	}
	if isAPI(r) {
		b, err := bodyFromJSON(r)
		if err == nil {
			err = save(b)
		}
		if err != nil {
			return err
		}
		b.Territory = nil
		return writeJSON(w, status, b)
	}
	b, form, readErr := bodyFromForm(r)
	return submitForm(w, r, form, readErr, func() error { return save(b) },
		func(errs map[string]string) error {
			return s.renderBodyForm(w, r, http.StatusBadRequest, info(r).loc.T(title), old, form, errs)
		},
		func() string {
			if old != nil {
				return "/bodies/" + strconv.FormatInt(old.ID, 10)
			}
			return "/bodies/" + strconv.FormatInt(b.ID, 10)
		}, flash)
}

func (s *Server) bodyEditPage(w http.ResponseWriter, r *http.Request) error {
	b, err := s.adminBodyByPath(r)
	if err != nil {
		return err
	}
	if !actor(r).CanAdminister(b.Territory.Path) {
		return forbidden()
	}
	return s.renderBodyForm(w, r, http.StatusOK, info(r).loc.T("body.edit"), b, nil, nil)
}

func (s *Server) bodyUpdate(w http.ResponseWriter, r *http.Request) error {
	old, err := s.adminBodyByPath(r)
	if err != nil {
		return err
	}
	return s.bodySave(w, r, old)
}

func (s *Server) bodyDelete(w http.ResponseWriter, r *http.Request) error {
	b, err := s.adminBodyByPath(r)
	if err != nil {
		return err
	}
	if err := s.db.DeleteBody(r.Context(), actor(r), b.ID); err != nil {
		return err
	}
	return deleted(w, r, "/bodies")
}

// API.

func (s *Server) apiBodies(w http.ResponseWriter, r *http.Request) error {
	return writeList(w, r, nil, fromQuery(bodyFilter), func(f aldyn.BodyFilter) aldyn.Page { return f.Page },
		func(ctx context.Context, f aldyn.BodyFilter) ([]*aldyn.Body, int, error) {
			bs, total, err := s.db.FindBodies(ctx, f)
			for i, b := range bs {
				bs[i] = visibleBody(actor(r), b)
				bs[i].Territory = nil
			}
			return bs, total, err
		})
}

func (s *Server) apiBody(w http.ResponseWriter, r *http.Request) error {
	b, err := s.bodyByPath(r)
	if err != nil {
		return err
	}
	b = visibleBody(actor(r), b)
	b.Territory = nil
	return writeJSON(w, http.StatusOK, b)
}

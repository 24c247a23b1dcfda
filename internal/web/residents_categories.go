package web

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/aldyn-kg/aldyn"
)

// Categories of residents' reports, edited by national administrators
// (/resident-categories): names in three languages, the competent body
// types, the deadline in working days, whether reports may be public and
// whether the category is sensitive (not taken through the public form).
// The page and the API (/api/v1/resident-categories) read one form.

// residentCategoryForm is the category's one form, the page's and the
// API's JSON (ResidentCategoryInput); the code is read on creation only,
// the store keeps it afterwards.
type residentCategoryForm struct{ *aldyn.ResidentCategory }

func (f residentCategoryForm) fields() formFields {
	c := f.ResidentCategory
	return formFields{
		"code":          text(&c.Code),
		"name":          texts(&c.Name),
		"description":   texts(&c.Description),
		"body_types":    choices(&c.BodyTypes),
		"deadline_days": whole(&c.DeadlineDays, "residents.error.deadline_days"),
		"public":        check(&c.Public),
		"sensitive":     check(&c.Sensitive),
		"active":        check(&c.Active),
		"position":      whole(&c.Position, "error.bad_param_short"),
		"attributes":    attributesField{jsonValue{&c.Attributes}, &c.Attributes},
	}
}

// attributesField is a category's questions (Open311 attributes): their
// JSON list in a textarea on the page, the list itself in the API. What
// is not JSON is a field error; the domain checks the rest.
type attributesField struct {
	jsonValue
	p *[]aldyn.CategoryAttribute
}

func (a attributesField) read(f url.Values, name string, v aldyn.Validation) {
	s, ok := posted(f, name)
	if !ok {
		return
	}
	out := []aldyn.CategoryAttribute{}
	if s != "" {
		dec := json.NewDecoder(strings.NewReader(s))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&out); err != nil {
			v.Add(name, "residents.error.attributes_json")
			return
		}
	}
	*a.p = out
}

func (a attributesField) show(f url.Values, name string) {
	if len(*a.p) == 0 {
		f.Set(name, "")
		return
	}
	b, _ := json.MarshalIndent(*a.p, "", "  ") // the domain's plain structs always marshal
	f.Set(name, string(b))
}

// residentCategoryTypes are the body types a category may name: every
// type but the coordination bodies, which do not handle reports.
func residentCategoryTypes() []string {
	var out []string
	for _, t := range aldyn.BodyTypes {
		if !aldyn.IsCoordinationBody(t) {
			out = append(out, t)
		}
	}
	return out
}

// residentCategoriesPageData is what templates/resident_categories.html receives.
type residentCategoriesPageData struct {
	Categories []*aldyn.ResidentCategory
}

func (s *Server) residentCategoriesPage(w http.ResponseWriter, r *http.Request) error {
	if err := requireNationalAdmin(r); err != nil {
		return err
	}
	cats, err := s.db.FindResidentCategories(r.Context(), false)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "resident_categories", &page{Title: info(r).loc.T("residents.categories.title"),
		Data: &residentCategoriesPageData{Categories: cats}})
}

// residentCategoryFormPage is what templates/resident_category_form.html receives.
type residentCategoryFormPage struct {
	Category *aldyn.ResidentCategory // nil for a new one
	Types    []string
}

func (s *Server) renderResidentCategoryForm(w http.ResponseWriter, r *http.Request, status int, c *aldyn.ResidentCategory, form url.Values, errs map[string]string) error {
	title := "residents.categories.new"
	if c != nil {
		title = "residents.categories.edit"
	}
	if form == nil {
		if c != nil {
			form = showForm(residentCategoryForm{c})
		} else {
			form = showForm(residentCategoryForm{&aldyn.ResidentCategory{Active: true, Public: true, DeadlineDays: 10, BodyTypes: []string{}}})
		}
	}
	return s.render(w, r, status, "resident_category_form", &page{Title: info(r).loc.T(title), Form: form, Errors: errs,
		Data: &residentCategoryFormPage{Category: c, Types: residentCategoryTypes()}})
}

func (s *Server) residentCategoryNewPage(w http.ResponseWriter, r *http.Request) error {
	if err := requireNationalAdmin(r); err != nil {
		return err
	}
	return s.renderResidentCategoryForm(w, r, http.StatusOK, nil, nil, nil)
}

func (s *Server) residentCategoryByPath(r *http.Request) (*aldyn.ResidentCategory, error) {
	id, err := guardedID(r, requireNationalAdmin, "residents.error.category_not_found")
	if err != nil {
		return nil, err
	}
	return s.db.FindResidentCategoryByID(r.Context(), id)
}

func (s *Server) residentCategoryEditPage(w http.ResponseWriter, r *http.Request) error {
	c, err := s.residentCategoryByPath(r)
	if err != nil {
		return err
	}
	return s.renderResidentCategoryForm(w, r, http.StatusOK, c, nil, nil)
}

func (s *Server) residentCategoryCreate(w http.ResponseWriter, r *http.Request) error {
	if err := requireNationalAdmin(r); err != nil {
		return err
	}
	return s.residentCategorySave(w, r, nil)
}

func (s *Server) residentCategoryUpdate(w http.ResponseWriter, r *http.Request) error {
	old, err := s.residentCategoryByPath(r)
	if err != nil {
		return err
	}
	return s.residentCategorySave(w, r, old)
}

// residentCategorySave creates a category (old is nil) or replaces old's
// fields, from the page's form or the API's JSON; the store audits it.
func (s *Server) residentCategorySave(w http.ResponseWriter, r *http.Request, old *aldyn.ResidentCategory) error {
	status, flash := http.StatusOK, "common.saved"
	c := &aldyn.ResidentCategory{BodyTypes: []string{}}
	if old == nil {
		status, flash = http.StatusCreated, "common.created"
	} else {
		c.ID, c.Code = old.ID, old.Code
	}
	save := func() error {
		// A sensitive category routes to no one: it sends residents to help.
		if c.Sensitive {
			c.BodyTypes, c.DeadlineDays = []string{}, 0
		}
		if old != nil {
			// Checkboxes come in the page's order; the types kept keep
			// their order of preference.
			slices.SortStableFunc(c.BodyTypes, func(a, b string) int {
				return rank(old.BodyTypes, a) - rank(old.BodyTypes, b)
			})
		}
		if old == nil {
			return s.db.CreateResidentCategory(r.Context(), actor(r), c)
		}
		return s.db.UpdateResidentCategory(r.Context(), actor(r), c)
	}
	if isAPI(r) {
		if err := readJSON(r, residentCategoryForm{c}); err != nil {
			return err
		}
		if old != nil {
			c.ID = old.ID
		}
		if err := save(); err != nil {
			return err
		}
		return writeJSON(w, status, c)
	}
	form, readErr := readForm(r, residentCategoryForm{c})
	if old != nil {
		c.ID, c.Code = old.ID, old.Code
	}
	return submitForm(w, r, form, readErr, save,
		func(errs map[string]string) error {
			return s.renderResidentCategoryForm(w, r, http.StatusBadRequest, old, form, errs)
		},
		func() string { return "/resident-categories#category-" + strconv.FormatInt(c.ID, 10) }, flash)
}

// rank is the place of t in types, those not in it last.
func rank(types []string, t string) int {
	if i := slices.Index(types, t); i >= 0 {
		return i
	}
	return len(types)
}

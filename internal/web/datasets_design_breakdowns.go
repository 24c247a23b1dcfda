package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/aldyn-kg/aldyn"
)

// Designing breakdowns (disaggregations, DHIS2's category combinations):
// one to three categories, each with its options, named in Kyrgyz,
// Russian and English. One in use by an element of a data set version in
// use is read-only, as the store refuses to change it: a new breakdown is
// made from it and chosen in the element of a new data set version.

// disaggregationForm is the breakdown's one form. In a page a category i
// is the fields categories.i.code and categories.i.name_ky/_ru/_en, and
// its option j categories.i.options.j.code and …name_ky/_ru/_en — the
// names the domain's Validate reports its errors under; blank rows and
// categories are left out. In JSON, "categories" is the list itself.
type disaggregationForm struct{ *aldyn.Disaggregation }

func (f disaggregationForm) fields() formFields {
	d := f.Disaggregation
	return formFields{"code": text(&d.Code), "name": texts(&d.Name), "categories": categoriesField{jsonValue{&d.Categories}, &d.Categories}}
}

type categoriesField struct {
	jsonValue
	p *[]aldyn.Category
}

// formRows is how many numbered rows of prefix the form has: the
// highest i with a field prefix+i+"." plus one.
func formRows(f url.Values, prefix string) int {
	n := 0
	for k := range f {
		rest, ok := strings.CutPrefix(k, prefix)
		if !ok {
			continue
		}
		i, _, _ := strings.Cut(rest, ".")
		if x, err := strconv.Atoi(i); err == nil && x >= n {
			n = x + 1
		}
	}
	return n
}

func readTexts(f url.Values, prefix string) aldyn.Text {
	return aldyn.Text{KY: strings.TrimSpace(f.Get(prefix + "_ky")), RU: strings.TrimSpace(f.Get(prefix + "_ru")), EN: strings.TrimSpace(f.Get(prefix + "_en"))}
}

func (c categoriesField) read(f url.Values, name string, _ aldyn.Validation) {
	out := []aldyn.Category{}
	for i := range min(formRows(f, name+"."), aldyn.MaxCategories+1) {
		cp := name + "." + strconv.Itoa(i) + "."
		cat := aldyn.Category{Code: strings.TrimSpace(f.Get(cp + "code")), Name: readTexts(f, cp+"name"), Options: []aldyn.CategoryOption{}}
		for j := range min(formRows(f, cp+"options."), aldyn.MaxOptions+1) {
			op := cp + "options." + strconv.Itoa(j) + "."
			o := aldyn.CategoryOption{Code: strings.TrimSpace(f.Get(op + "code")), Name: readTexts(f, op+"name")}
			if o != (aldyn.CategoryOption{}) {
				cat.Options = append(cat.Options, o)
			}
		}
		if cat.Code != "" || cat.Name != (aldyn.Text{}) || len(cat.Options) > 0 {
			out = append(out, cat)
		}
	}
	*c.p = out
}

func showTexts(f url.Values, prefix string, t aldyn.Text) {
	f.Set(prefix+"_ky", t.KY)
	f.Set(prefix+"_ru", t.RU)
	f.Set(prefix+"_en", t.EN)
}

func (c categoriesField) show(f url.Values, name string) {
	for i, cat := range *c.p {
		cp := name + "." + strconv.Itoa(i) + "."
		f.Set(cp+"code", cat.Code)
		showTexts(f, cp+"name", cat.Name)
		for j, o := range cat.Options {
			op := cp + "options." + strconv.Itoa(j) + "."
			f.Set(op+"code", o.Code)
			showTexts(f, op+"name", o.Name)
		}
	}
}

// breakdownSlot is a category's place in the form: its index and the
// indexes of its option rows (those filled and a few blank ones).
type breakdownSlot struct {
	I    int
	Rows []int
}

// breakdownBlankRows are the blank option rows the form offers below the
// filled ones; saving offers more.
const breakdownBlankRows = 3

// breakdownSlots are the form's places for categories and options: every
// category the form may have, and each one's filled options and a few
// blank rows.
func breakdownSlots(form url.Values) []breakdownSlot {
	out := make([]breakdownSlot, aldyn.MaxCategories)
	for i := range out {
		filled := formRows(form, "categories."+strconv.Itoa(i)+".options.")
		n := min(max(filled+breakdownBlankRows, 2+breakdownBlankRows), aldyn.MaxOptions)
		out[i].I = i
		for j := range n {
			out[i].Rows = append(out[i].Rows, j)
		}
	}
	return out
}

// The API.

func (s *Server) apiDisaggregationCreate(w http.ResponseWriter, r *http.Request) error {
	d := &aldyn.Disaggregation{}
	return designJSON(w, r, http.StatusCreated, d, disaggregationForm{d}, s.db.CreateDisaggregation)
}

func (s *Server) apiDisaggregationUpdate(w http.ResponseWriter, r *http.Request) error {
	d := &aldyn.Disaggregation{}
	return designUpdateJSON(w, r, "datasets.error.disaggregation_not_found", d, disaggregationForm{d}, s.db.UpdateDisaggregation)
}

// The pages.

// renderBreakdownForm shows the breakdown form: d.Breakdown is the
// breakdown edited (ID 0 when new).
func (s *Server) renderBreakdownForm(w http.ResponseWriter, r *http.Request, status int, title string, d *designFormPageData, form url.Values, errs map[string]string) error {
	d.Slots, d.OptionColumns = breakdownSlots(form), []string{"code", "name_ky", "name_ru", "name_en"}
	return s.render(w, r, status, "dataset_design_form", &page{Title: title, Form: form, Errors: errs, Data: d})
}

func (s *Server) designBreakdownNew(w http.ResponseWriter, r *http.Request) error {
	if err := requireNationalAdmin(r); err != nil {
		return err
	}
	form := url.Values{}
	// A new breakdown made from one in use starts as its copy, without
	// its code.
	if from := r.URL.Query().Get("from"); from != "" {
		id, err := strconv.ParseInt(from, 10, 64)
		if err != nil {
			return aldyn.Errorf(aldyn.ENOTFOUND, "datasets.error.disaggregation_not_found")
		}
		old, err := s.db.FindDisaggregationByID(r.Context(), id)
		if err != nil {
			return err
		}
		old.Code = ""
		form = showForm(disaggregationForm{old})
	}
	return s.renderBreakdownForm(w, r, http.StatusOK, info(r).loc.T("datasets.design.new_breakdown"),
		&designFormPageData{Action: "/data-design/breakdowns", Breakdown: &aldyn.Disaggregation{}}, form, nil)
}

// designBreakdownSave saves a posted breakdown form with save. The form
// is shown again from what was read (blank rows dropped), so that each
// error stands at the field its name gives.
func (s *Server) designBreakdownSave(w http.ResponseWriter, r *http.Request, d *aldyn.Disaggregation, title string, data *designFormPageData,
	save func() error, next func() string, flash string) error {
	if err := requireNationalAdmin(r); err != nil {
		return err
	}
	form := disaggregationForm{d}
	posted, readErr := readForm(r, form)
	if posted != nil {
		posted = showForm(form)
	}
	return submitForm(w, r, posted, withDomainErrors(readErr, form), save, func(errs map[string]string) error {
		return s.renderBreakdownForm(w, r, http.StatusBadRequest, title, data, posted, errs)
	}, next, flash)
}

func (s *Server) designBreakdownCreate(w http.ResponseWriter, r *http.Request) error {
	d := &aldyn.Disaggregation{}
	return s.designBreakdownSave(w, r, d, info(r).loc.T("datasets.design.new_breakdown"), &designFormPageData{Action: "/data-design/breakdowns", Breakdown: d},
		func() error { return s.db.CreateDisaggregation(r.Context(), actor(r), d) },
		func() string { return designPath("breakdowns", d.ID) }, "common.created")
}

// designBreakdownByPath is the breakdown of the path's id and whether it
// is in use.
func (s *Server) designBreakdownByPath(r *http.Request) (*aldyn.Disaggregation, bool, error) {
	d, err := designByPath(r, "datasets.error.disaggregation_not_found", s.db.FindDisaggregationByID)
	if err != nil {
		return nil, false, err
	}
	inUse, err := s.db.DisaggregationsInUse(r.Context())
	return d, inUse[d.ID], err
}

func (s *Server) designBreakdownTitle(r *http.Request, d *aldyn.Disaggregation) string {
	return info(r).loc.T("datasets.design.breakdown_title", map[string]any{"name": d.Name.In(info(r).lang)})
}

func (s *Server) designBreakdownEdit(w http.ResponseWriter, r *http.Request) error {
	d, inUse, err := s.designBreakdownByPath(r)
	if err != nil {
		return err
	}
	return s.renderBreakdownForm(w, r, http.StatusOK, s.designBreakdownTitle(r, d),
		&designFormPageData{Action: designPath("breakdowns", d.ID), Breakdown: d, InUse: inUse}, showForm(disaggregationForm{d}), nil)
}

// designBreakdownUpdate changes a breakdown not in use; one in use is
// refused (409), as the store refuses it.
func (s *Server) designBreakdownUpdate(w http.ResponseWriter, r *http.Request) error {
	old, inUse, err := s.designBreakdownByPath(r)
	if err != nil {
		return err
	}
	d := &aldyn.Disaggregation{}
	return s.designBreakdownSave(w, r, d, s.designBreakdownTitle(r, old), &designFormPageData{Action: designPath("breakdowns", old.ID), Breakdown: old, InUse: inUse},
		func() error { return s.db.UpdateDisaggregation(r.Context(), actor(r), old.ID, d) },
		func() string { return designPath("breakdowns", old.ID) }, "common.saved")
}

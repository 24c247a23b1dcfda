package web

import (
	"net/http"
	"strings"

	"github.com/aldyn-kg/aldyn/internal/disclosure"
	"github.com/aldyn-kg/aldyn/internal/importer"
	"github.com/aldyn-kg/aldyn/internal/offenses"
)

// The offense classification: Table 1's categories and their subgroups of
// code articles. Anyone may read it; national administrators edit it.

// categoryJSON is a category with its subgroups.
type categoryJSON struct {
	Code      string              `json:"code"`
	NameKy    string              `json:"name_ky"`
	NameRu    string              `json:"name_ru"`
	NameEn    string              `json:"name_en"`
	Sensitive bool                `json:"sensitive"`
	Subgroups []importer.Subgroup `json:"subgroups"`
}

func (s *Server) categories(r *http.Request) ([]categoryJSON, error) {
	sgs, err := offenses.Classification(r.Context(), s.db)
	if err != nil {
		return nil, err
	}
	out := make([]categoryJSON, 0, len(importer.Categories))
	for _, c := range importer.Categories {
		cj := categoryJSON{Code: c.Code, NameKy: c.NameKy, NameRu: c.NameRu, NameEn: c.NameEn, Sensitive: c.Sensitive, Subgroups: []importer.Subgroup{}}
		for _, sg := range sgs {
			if sg.Category == c.Code {
				cj.Subgroups = append(cj.Subgroups, sg)
			}
		}
		out = append(out, cj)
	}
	return out, nil
}

func (s *Server) classificationPage(w http.ResponseWriter, r *http.Request) error {
	return s.renderClassification(w, r, http.StatusOK, nil)
}

// classificationPageData is the data of the classification page.
type classificationPageData struct {
	Categories   []categoryJSON
	CanEdit      bool
	MinCellCount int
}

func (s *Server) renderClassification(w http.ResponseWriter, r *http.Request, status int, errs map[string]string) error {
	cats, err := s.categories(r)
	if err != nil {
		return err
	}
	k, err := disclosure.MinCellCount(r.Context(), s.db)
	if err != nil {
		return err
	}
	return s.render(w, r, status, "classification", &page{Title: info(r).loc.T("stats.classification.title"), Errors: errs, Form: r.Form,
		Data: &classificationPageData{Categories: cats, CanEdit: requireNationalAdmin(r) == nil, MinCellCount: k}})
}

// subgroupFromForm reads a subgroup; articles are comma- or
// semicolon-separated.
func subgroupFromForm(r *http.Request) importer.Subgroup {
	arts := strings.FieldsFunc(r.FormValue("articles"), func(c rune) bool { return c == ',' || c == ';' })
	return importer.Subgroup{Code: r.FormValue("code"), Category: r.FormValue("category"), Source: r.FormValue("source"),
		NameKy: r.FormValue("name_ky"), NameRu: r.FormValue("name_ru"), NameEn: r.FormValue("name_en"), Articles: arts}
}

func (s *Server) classificationSave(w http.ResponseWriter, r *http.Request) error {
	if err := requireNationalAdmin(r); err != nil {
		return err
	}
	return s.classificationSaved(w, r, offenses.SaveSubgroup(r.Context(), s.db, actor(r), subgroupFromForm(r)))
}

// classificationSaved answers a form posted on the classification page:
// the page again with the form's errors when err has any, else back to it.
func (s *Server) classificationSaved(w http.ResponseWriter, r *http.Request, err error) error {
	if err != nil {
		errs, ferr := formErrors(info(r).loc, err)
		if ferr != nil {
			return ferr
		}
		return s.renderClassification(w, r, http.StatusBadRequest, errs)
	}
	return redirect(w, r, "/stats/classification", "common.saved")
}

// subgroupDelete deletes a subgroup, from the classification page or the API.
func (s *Server) subgroupDelete(w http.ResponseWriter, r *http.Request) error {
	if err := requireNationalAdmin(r); err != nil {
		return err
	}
	if err := offenses.DeleteSubgroup(r.Context(), s.db, actor(r), r.PathValue("code")); err != nil {
		return err
	}
	return deleted(w, r, "/stats/classification")
}

func (s *Server) apiCategories(w http.ResponseWriter, r *http.Request) error {
	cats, err := s.categories(r)
	return writeFound(w, cats, err)
}

// subgroupInput is the JSON of a subgroup to save.
type subgroupInput struct {
	Category string   `json:"category"`
	Source   string   `json:"source"`
	NameKy   string   `json:"name_ky"`
	NameRu   string   `json:"name_ru"`
	NameEn   string   `json:"name_en"`
	Articles []string `json:"articles"`
}

func (s *Server) apiSaveSubgroup(w http.ResponseWriter, r *http.Request) error {
	if err := requireNationalAdmin(r); err != nil {
		return err
	}
	var in subgroupInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	sg := importer.Subgroup{Code: r.PathValue("code"), Category: in.Category, Source: in.Source, NameKy: in.NameKy, NameRu: in.NameRu,
		NameEn: in.NameEn, Articles: in.Articles}
	if err := offenses.SaveSubgroup(r.Context(), s.db, actor(r), sg); err != nil {
		return err
	}
	return s.apiCategories(w, r)
}

func init() {
	apiOps = append(apiOps,
		apiOp{Method: "GET", Path: "/api/v1/stats/categories", Summary: "The offense classification: Table 1's categories and their subgroups of code articles",
			Tag: "statistics", Access: "public", Response: "Categories"},
		apiOp{Method: "PUT", Path: "/api/v1/stats/categories/subgroups/{code}", Summary: "Add or change a subgroup (its articles, names, category)",
			Tag: "statistics", Access: "national administrator", Params: []apiParam{{Name: "code", In: "path", Type: "string", Required: true}},
			Body: "SubgroupInput", Response: "Categories"},
		apiOp{Method: "DELETE", Path: "/api/v1/stats/categories/subgroups/{code}", Summary: "Remove a subgroup (not a sensitive one)",
			Tag: "statistics", Access: "national administrator", Params: []apiParam{{Name: "code", In: "path", Type: "string", Required: true}}, Status: "204"},
	)
	subgroup := obj(map[string]any{"code": str(), "category": str(), "name_ky": str(), "name_ru": str(), "name_en": str(), "source": str(),
		"articles": map[string]any{"type": "array", "items": str()}, "sensitive": boolean()})
	schemas["Categories"] = map[string]any{"type": "array", "items": obj(map[string]any{"code": str(), "name_ky": str(), "name_ru": str(),
		"name_en": str(), "sensitive": boolean(), "subgroups": map[string]any{"type": "array", "items": subgroup}})}
	schemas["SubgroupInput"] = obj(map[string]any{"category": str(), "source": str(), "name_ky": str(), "name_ru": str(), "name_en": str(),
		"articles": map[string]any{"type": "array", "items": str()}}, "category", "source", "name_ky", "name_ru", "name_en")
}

package web

import (
	"bytes"
	"errors"
	"net/http"
	"path"
	"strconv"
	"strings"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/plantemplate"
)

// This file serves the spreadsheet template of a plan: its measures and
// indicators downloaded as XLSX or CSV, and a filled template uploaded to
// replace a draft's content, all or nothing.

// maxTemplateUpload bounds an uploaded template.
const maxTemplateUpload = 10 << 20

// templateBodies returns the plan's measures and the bodies a template
// may name: those in the actor's territory and those the plan already
// names.
func (s *Server) templateBodies(r *http.Request, p *aldyn.Plan) ([]aldyn.Measure, []aldyn.Body, error) {
	ms, err := s.allMeasures(r.Context(), p.ID)
	if err != nil {
		return nil, nil, err
	}
	scope, err := s.scopeBodies(r.Context(), actor(r))
	if err != nil {
		return nil, nil, err
	}
	seen := map[int64]bool{}
	var out []aldyn.Body
	for _, b := range scope {
		seen[b.ID] = true
		out = append(out, *b)
	}
	var ids []int64
	for _, m := range ms {
		ids = append(ids, m.ResponsibleBodyID)
		ids = append(ids, m.CoExecutorIDs...)
	}
	named, err := s.bodiesByID(r.Context(), ids)
	if err != nil {
		return nil, nil, err
	}
	for id, b := range named {
		if !seen[id] {
			seen[id] = true
			out = append(out, *b)
		}
	}
	return ms, out, nil
}

func (s *Server) planTemplate(w http.ResponseWriter, r *http.Request) error {
	p, internal, err := s.planByPath(r)
	if err != nil {
		return err
	}
	if !internal {
		return aldyn.Errorf(aldyn.ENOTFOUND, "plans.error.not_found")
	}
	format := r.URL.Query().Get("format")
	if format == "" {
		format = plantemplate.XLSX
	}
	if format != plantemplate.XLSX && format != plantemplate.CSV {
		return badParam("format")
	}
	ms, bodies, err := s.templateBodies(r, p)
	if err != nil {
		return err
	}
	inds, err := s.allIndicators(r.Context(), p.ID)
	if err != nil {
		return err
	}
	// A body is named in the page's language unless another body shares
	// the name, when its id is written.
	lang := info(r).lang
	count := map[string]int{}
	byID := map[int64]string{}
	for _, b := range bodies {
		seen := map[string]bool{}
		for _, n := range []string{b.NameKy, b.NameRu, b.NameEn} {
			k := strings.ToLower(strings.Join(strings.Fields(n), " "))
			if k != "" && !seen[k] {
				seen[k] = true
				count[k]++
			}
		}
		byID[b.ID] = b.Name(lang)
	}
	name := func(id int64) string {
		n := byID[id]
		if count[strings.ToLower(strings.Join(strings.Fields(n), " "))] != 1 {
			return ""
		}
		return n
	}
	var buf bytes.Buffer
	if err := plantemplate.Write(&buf, format, ms, inds, name); err != nil {
		return err
	}
	ctype := "text/csv; charset=utf-8"
	if format == plantemplate.XLSX {
		ctype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	}
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Content-Disposition", `attachment; filename="plan-`+strconv.FormatInt(p.ID, 10)+"-v"+strconv.Itoa(p.Version)+"."+format+`"`)
	w.Header().Set("Cache-Control", "no-store")
	_, err = w.Write(buf.Bytes())
	return err
}

// importIssue is a template problem as the import page lists it.
type importIssue struct {
	Sheet  string `json:"sheet"`
	Row    int    `json:"row"`
	Column string `json:"column"`
	Reason string `json:"reason"` // translated
	Value  string `json:"value,omitempty"`
}

// planImportPageData is the data of the plan_import page: the plan, and
// what was wrong with an uploaded file.
type planImportPageData struct {
	Plan   *aldyn.Plan
	Issues []importIssue
}

func (s *Server) planImportPage(w http.ResponseWriter, r *http.Request) error {
	p, err := s.pathDraft(r)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "plan_import", &page{Title: info(r).loc.T("plans.import_title"), Data: &planImportPageData{Plan: p}})
}

func (s *Server) planImport(w http.ResponseWriter, r *http.Request) error {
	p, err := s.pathDraft(r)
	if err != nil {
		return err
	}
	loc := info(r).loc
	title := loc.T("plans.import_title")
	file, hdr, err := formFile(r, "file")
	if err != nil {
		return err
	}
	if file == nil {
		return s.importResult(w, r, http.StatusBadRequest, p, title, map[string]string{"file": loc.T("error.required")}, nil)
	}
	defer file.Close()
	format := r.FormValue("format")
	if format == "" {
		format = strings.TrimPrefix(strings.ToLower(path.Ext(hdr.Filename)), ".")
	}
	if format != plantemplate.XLSX && format != plantemplate.CSV {
		return s.importResult(w, r, http.StatusBadRequest, p, title, map[string]string{"file": loc.T("plantemplate.error.format", "format", format)}, nil)
	}
	c, err := theConcept()
	if err != nil {
		return err
	}
	_, bodies, err := s.templateBodies(r, p)
	if err != nil {
		return err
	}
	ms, inds, rowErrs, err := plantemplate.Read(file, format, p, c, plantemplate.ResolveBodies(bodies))
	if err != nil {
		errs, ferr := formErrors(loc, err)
		if ferr == nil {
			return s.importResult(w, r, http.StatusBadRequest, p, title, errs, nil)
		}
		var e *aldyn.Error
		if errors.As(err, &e) && e.Code == aldyn.EINVALID {
			return s.importResult(w, r, http.StatusBadRequest, p, title, map[string]string{"file": loc.T(e.Message, e.Args)}, nil)
		}
		return err
	}
	if len(rowErrs) > 0 {
		issues := make([]importIssue, len(rowErrs))
		for i, e := range rowErrs {
			issues[i] = importIssue{Sheet: e.Sheet, Row: e.Row, Column: e.Column, Value: e.Value,
				Reason: loc.T(e.Reason, map[string]any{"row": e.Row, "column": e.Column, "value": e.Value, "sheet": e.Sheet, "limit": plantemplate.MaxRows})}
		}
		return s.importResult(w, r, http.StatusUnprocessableEntity, p, title, nil, issues)
	}
	if err := s.db.ReplacePlanContent(r.Context(), actor(r), p.ID, ms, inds); err != nil {
		if errs, ferr := formErrors(loc, err); ferr == nil {
			return s.importResult(w, r, http.StatusBadRequest, p, title, errs, nil)
		}
		return err
	}
	if wantsJSON(r) {
		return writeJSON(w, http.StatusOK, map[string]any{"measures": len(ms), "indicators": len(inds)})
	}
	return redirect(w, r, "/plans/"+strconv.FormatInt(p.ID, 10), "plans.imported")
}

func (s *Server) importResult(w http.ResponseWriter, r *http.Request, status int, p *aldyn.Plan, title string, errs map[string]string, issues []importIssue) error {
	if wantsJSON(r) {
		if issues == nil {
			issues = []importIssue{}
		}
		return writeJSON(w, status, map[string]any{"errors": issues, "fields": errs})
	}
	return s.render(w, r, status, "plan_import", &page{Title: title, Errors: errs, Data: &planImportPageData{Plan: p, Issues: issues}})
}

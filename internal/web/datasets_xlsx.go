package web

import (
	"bytes"
	"errors"
	"net/http"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/datasets"
	"github.com/aldyn-kg/aldyn/internal/store"
)

// A form as the official's own Excel: downloaded filled in as it is, and
// uploaded back all or nothing, every bad cell named by sheet, row and
// column.

// maxFormUpload bounds an uploaded form (the workbook's own limit, and the
// multipart envelope around it).
const maxFormUpload = 4<<20 + 64<<10

func (s *Server) dataFormXLSX(w http.ResponseWriter, r *http.Request) error {
	k, f, ds, err := s.dataFormOfPath(r)
	if err != nil {
		return err
	}
	loc, lang := info(r).loc, info(r).lang
	var buf bytes.Buffer
	if err := datasets.WriteFormXLSX(&buf, ds, f, k.Body.Name(lang), lang, datasets.Labels{Title: loc.T("datasets.period"),
		Body: loc.T("reporting.body"), Version: loc.T("datasets.version"), Element: loc.T("datasets.element"),
		Breakdown: loc.T("datasets.disaggregation"), Unit: loc.T("datasets.unit")}); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", `attachment; filename="`+k.Code+"-"+k.Period.String()+`.xlsx"`)
	_, err = w.Write(buf.Bytes())
	return err
}

func (s *Server) dataFormImport(w http.ResponseWriter, r *http.Request) error {
	k, f, ds, err := s.dataFormOfPath(r)
	if err != nil {
		return err
	}
	ctx, a, loc := r.Context(), actor(r), info(r).loc
	if !a.CanSubmitReport(k.Body.ID) {
		return aldyn.Errorf(aldyn.EFORBIDDEN, "datasets.error.entry_forbidden")
	}
	fail := func(msg string, lines []string) error {
		return s.renderDataForm(w, r, http.StatusBadRequest, k, f, ds, formView{errs: map[string]string{"form": msg}, importErrors: lines})
	}
	file, _, err := r.FormFile("file")
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return err
		}
		return fail(loc.T("datasets.xlsx.file_required"), nil)
	}
	defer file.Close()
	cells, bad, err := datasets.ReadFormXLSX(file, ds, k.Period.String())
	if err != nil {
		if aldyn.ErrorCode(err) == aldyn.EINVALID {
			return fail(loc.T(aldyn.ErrorMessage(err)), nil)
		}
		return err
	}
	if len(bad) > 0 {
		lines := make([]string, len(bad))
		for i, b := range bad {
			lines[i] = loc.T("datasets.xlsx.error_line", map[string]any{"sheet": b.Sheet, "row": b.Row, "column": b.Column,
				"reason": loc.T(b.Reason), "value": b.Value})
		}
		return fail(loc.T("datasets.xlsx.refused"), lines)
	}
	if _, err := s.db.EnterDataForm(ctx, a, store.FormEntry{DataSetCode: k.Code, BodyID: k.Body.ID, Period: k.Period.String(),
		Cells: cells, Revision: f.Revision}, false); err != nil {
		if aldyn.ErrorCode(err) == aldyn.EINVALID || aldyn.ErrorCode(err) == aldyn.ECONFLICT {
			return fail(loc.T(aldyn.ErrorMessage(err), errArgs(err)), nil)
		}
		return err
	}
	return redirect(w, r, k.Path(), "datasets.xlsx.imported")
}

func errArgs(err error) map[string]any {
	var e *aldyn.Error
	if errors.As(err, &e) {
		return e.Args
	}
	return nil
}

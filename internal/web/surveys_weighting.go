package web

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"slices"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/i18n"
	"github.com/aldyn-kg/aldyn/internal/surveyform"
	"github.com/aldyn-kg/aldyn/internal/surveys"
)

// The weighting page of one survey (issue 17, item 4): a designer whose
// territory covers the survey (for a national survey: national
// administrators and analysts) chooses a wave, uploads a margins table
// (variable, category, population) or takes the shipped demo margins,
// rakes the wave to them and sees how it went: iterations, convergence,
// the weights' range and design effect, and each margin cell's weighted
// share against its target. Every bad row of the table is reported and
// nothing is changed; a weighting is stored and audited by
// SetResponseWeights, as the API's.

// weightingForm is the weighting's one form: the wave, the trimming cap
// (a multiple of the mean weight; 0 or blank none) and whether to use the
// shipped demo margins instead of an uploaded file ("file").
type weightingForm struct {
	Wave string
	Cap  float64
	Demo bool
}

func (f *weightingForm) fields() formFields {
	return formFields{
		"wave": text(&f.Wave),
		"cap":  decimal(&f.Cap, "surveys.error.cap"),
		"demo": check(&f.Demo),
	}
}

// check is what the form may hold beyond its fields' parsing: a wave of
// the survey and a cap of 1 to 100 (or none).
func (f *weightingForm) check(waves []string) error {
	v := aldyn.Validation{}
	if !slices.Contains(waves, f.Wave) {
		v.Add("wave", "surveys.error.wave_unknown")
	}
	if f.Cap != 0 && (f.Cap < 1 || f.Cap > 100) {
		v.Add("cap", "surveys.error.cap")
	}
	return v.Err()
}

// surveyWeightingData is what templates/survey_weighting.html receives.
type surveyWeightingData struct {
	SurveyTabs
	Waves []string
	// Problems are the bad rows of a refused margins table.
	Problems []problem
	// Error is why the raking itself was refused, translated.
	Error  string
	Result *surveys.WeightingResult
	// Cells are the result's margin cells named for people.
	Cells []weightingCell
	// DemoRows is how many rows the shipped demo margins have.
	DemoRows int
}

// weightingSurvey loads survey {id} for its weighting page: designers
// whose territory covers the survey.
func (s *Server) weightingSurvey(r *http.Request) (*aldyn.Survey, []string, error) {
	sv, err := s.designedSurvey(r)
	if err != nil {
		return nil, nil, err
	}
	waves, err := s.db.SurveyWaves(r.Context(), sv.ID)
	return sv, waves, err
}

// designedSurvey loads survey {id} for a designer whose territory covers
// it; other designers are refused.
func (s *Server) designedSurvey(r *http.Request) (*aldyn.Survey, error) {
	sv, err := s.guardedSurvey(r, requireSurveyDesigner)
	if err != nil {
		return nil, err
	}
	if !actor(r).CanDesignSurvey(sv.TerritoryPath) {
		return nil, forbidden()
	}
	return sv, nil
}

func (s *Server) surveyWeightingPage(w http.ResponseWriter, r *http.Request) error {
	sv, waves, err := s.weightingSurvey(r)
	if err != nil {
		return err
	}
	var f weightingForm
	if len(waves) > 0 {
		f.Wave = waves[len(waves)-1]
	}
	return s.renderWeighting(w, r, http.StatusOK, sv, &surveyWeightingData{Waves: waves}, showForm(&f), nil)
}

func (s *Server) renderWeighting(w http.ResponseWriter, r *http.Request, status int, sv *aldyn.Survey, d *surveyWeightingData, form map[string][]string, errs map[string]string) error {
	d.SurveyTabs = SurveyTabs{sv, "weighting"}
	d.DemoRows = bytes.Count(surveys.DemoMarginsCSV(), []byte("\n")) - 1
	return s.render(w, r, status, "survey_weighting", &page{Title: sv.Title.In(info(r).lang), Data: d, Form: form, Errors: errs})
}

func (s *Server) surveyWeightingRun(w http.ResponseWriter, r *http.Request) error {
	sv, waves, err := s.weightingSurvey(r)
	if err != nil {
		return err
	}
	loc := info(r).loc
	d := &surveyWeightingData{Waves: waves}
	if err := r.ParseMultipartForm(32 << 20); err != nil && !errors.Is(err, http.ErrNotMultipart) {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return err
		}
		return badParam("form")
	}
	form := r.Form
	if r.MultipartForm != nil {
		form = r.MultipartForm.Value
	}
	var f weightingForm
	err = readValues(form, &f)
	if err == nil {
		err = f.check(waves)
	}
	var file io.Reader
	if err == nil {
		if f.Demo {
			file = bytes.NewReader(surveys.DemoMarginsCSV())
		} else if up, _, e := r.FormFile("file"); e == nil {
			defer up.Close()
			file = up
		} else {
			err = invalidFieldErr("file", "surveys.error.margins_file")
		}
	}
	if err != nil {
		errs, err := formErrors(loc, err)
		if err != nil {
			return err
		}
		return s.renderWeighting(w, r, http.StatusBadRequest, sv, d, form, errs)
	}
	paths, err := s.db.TerritoryPaths(r.Context())
	if err != nil {
		return err
	}
	margins, err := surveys.ReadMarginsFor(file, sv, func(code string) bool { _, ok := paths[code]; return ok })
	var rows surveyform.RowErrors
	if errors.As(err, &rows) {
		for _, p := range rows {
			d.Problems = append(d.Problems, problem{Row: p.Row, Column: p.Column, Reason: loc.T(p.Reason)})
		}
		d.Error = loc.Tn("surveys.error.margins_invalid", len(rows))
		return s.renderWeighting(w, r, http.StatusBadRequest, sv, d, form, nil)
	} else if err != nil {
		if aldyn.ErrorCode(err) != aldyn.EINVALID {
			return err
		}
		d.Error = errorText(loc, err)
		return s.renderWeighting(w, r, http.StatusBadRequest, sv, d, form, nil)
	}
	rs, err := s.responsesOf(r.Context(), aldyn.System, sv, f.Wave)
	if err != nil {
		return err
	}
	res, err := surveys.Weight(sv, rs, margins, f.Cap)
	if err != nil {
		if aldyn.ErrorCode(err) != aldyn.EINVALID {
			return err
		}
		d.Error = errorText(loc, err)
		return s.renderWeighting(w, r, http.StatusBadRequest, sv, d, form, nil)
	}
	weights := make(map[int64]float64, len(rs))
	for i, resp := range rs {
		weights[resp.ID] = res.Weights[i]
	}
	if err := s.db.SetResponseWeights(r.Context(), actor(r), sv.ID, weights, &aldyn.SurveyWeighting{Wave: f.Wave, Margins: margins, Cap: f.Cap},
		map[string]any{"wave": f.Wave, "margins": margins, "result": res, "demo_margins": f.Demo}); err != nil {
		return err
	}
	d.Result = res
	d.Cells = s.weightingCells(r, sv, res.Cells)
	return s.renderWeighting(w, r, http.StatusOK, sv, d, form, nil)
}

// weightingCell is a margin cell as the page shows it: the variable and
// category named in the page's language, the shares in percent and the
// difference in percentage points.
type weightingCell struct {
	surveys.MarginCell
	VariableLabel, CategoryLabel   string
	TargetPct, WeightedPct, DiffPP float64
}

// weightingCells names margin cells for people: a territory by its name,
// a question by its label, a choice by its label.
func (s *Server) weightingCells(r *http.Request, sv *aldyn.Survey, cells []surveys.MarginCell) []weightingCell {
	lang := info(r).lang
	out := make([]weightingCell, 0, len(cells))
	for _, c := range cells {
		row := weightingCell{MarginCell: c, VariableLabel: c.Variable, CategoryLabel: c.Category,
			TargetPct: 100 * c.TargetShare, WeightedPct: 100 * c.WeightedShare, DiffPP: 100 * (c.WeightedShare - c.TargetShare)}
		if c.Variable == surveys.ByTerritory {
			row.VariableLabel = info(r).loc.T("surveys.trust.territory")
			if t, err := s.db.FindTerritoryByCode(r.Context(), c.Category); err == nil {
				row.CategoryLabel = t.Name(lang)
			}
		} else if q := sv.Question(c.Variable); q != nil {
			row.VariableLabel = q.Label.In(lang)
			row.CategoryLabel = answerLabel(*q, c.Category, lang)
		}
		out = append(out, row)
	}
	return out
}

// errorText is an error's message translated with its arguments.
func errorText(loc *i18n.Localizer, err error) string {
	var e *aldyn.Error
	if errors.As(err, &e) {
		return loc.T(e.Message, e.Args)
	}
	return err.Error()
}

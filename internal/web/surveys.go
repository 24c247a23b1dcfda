package web

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/importer"
	"github.com/aldyn-kg/aldyn/internal/surveyform"
	"github.com/aldyn-kg/aldyn/internal/surveys"
)

// Surveys of residents (issue 17): the list and design (XLSForm upload,
// the standard questionnaire), the public web form with its skip logic,
// response import from KoboToolbox/ODK exports, estimates, and the public
// trust index.

const maxSurveyUpload = 64 << 20

func init() {
	// hasField reports whether a stored answer (choice names separated by
	// spaces) holds the choice name.
	funcs["hasField"] = func(answer, name string) bool { return slices.Contains(strings.Fields(answer), name) }
}

// requireSurveyDesigner lets through those who may design surveys
// somewhere: coordinators, analysts and administrators.
func requireSurveyDesigner(r *http.Request) error {
	return requireRole(r, aldyn.RoleCoordinator, aldyn.RoleAnalyst, aldyn.RoleAdministrator)
}

// visibleSurveys lists the surveys the actor may see: the public the
// running ones; staff every survey (definitions hold no answers; the
// responses and estimates they see are those of their territory).
func (s *Server) visibleSurveys(r *http.Request, p aldyn.Page) ([]*aldyn.Survey, int, error) {
	f := aldyn.SurveyFilter{Page: p, Running: !actor(r).SignedIn()}
	return s.db.FindSurveys(r.Context(), f)
}

type surveysPageData struct {
	Surveys   []*aldyn.Survey
	Pager     pager
	CanDesign bool
	Territory string
}

// surveysPage lists the surveys the actor may see, as a page or (API) as
// a list.
func (s *Server) surveysPage(w http.ResponseWriter, r *http.Request) error {
	p, err := pageFromQuery(r.URL.Query())
	if err != nil {
		return err
	}
	list, total, err := s.visibleSurveys(r, p)
	if err != nil {
		return err
	}
	if isAPI(r) {
		return writeJSON(w, http.StatusOK, newList(list, total, p))
	}
	a := actor(r)
	return s.render(w, r, http.StatusOK, "surveys", &page{Title: info(r).loc.T("surveys.title"), Data: surveysPageData{
		Surveys: list, Pager: newPager(p, total), CanDesign: a.Is(aldyn.RoleCoordinator, aldyn.RoleAnalyst, aldyn.RoleAdministrator),
		Territory: a.TerritoryCode}})
}

// surveyByID loads survey {id}; the public sees only running surveys.
func (s *Server) surveyByID(r *http.Request) (*aldyn.Survey, error) {
	return s.guardedSurvey(r, func(*http.Request) error { return nil })
}

// guardedSurvey is surveyByID once guard has let the caller through.
func (s *Server) guardedSurvey(r *http.Request, guard func(*http.Request) error) (*aldyn.Survey, error) {
	return recordByPath(r, guard, "surveys.error.not_found", s.db.FindSurveyByID, surveyVisible)
}

// surveyVisible says whether a sees sv: staff every survey, the public
// only running ones.
func surveyVisible(a *aldyn.Actor, sv *aldyn.Survey) bool {
	return a.SignedIn() || sv.Status == aldyn.SurveyRunning
}

func (s *Server) apiSurvey(w http.ResponseWriter, r *http.Request) error {
	sv, err := s.surveyByID(r)
	return writeFound(w, sv, err)
}

func (s *Server) surveyXLSForm(w http.ResponseWriter, r *http.Request) error {
	sv, err := s.surveyByID(r)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := surveyform.Write(&buf, sv); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", `attachment; filename="`+sv.Slug+`.xlsx"`)
	_, err = w.Write(buf.Bytes())
	return err
}

// uploadedFile returns the request's file: the "file" part of a multipart
// form, or the body itself (API clients may post the file as it is).
func uploadedFile(r *http.Request) (io.Reader, string, func(), error) {
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		file, hdr, err := r.FormFile("file")
		if err != nil {
			var mbe *http.MaxBytesError
			if errors.As(err, &mbe) {
				return nil, "", nil, err
			}
			return nil, "", nil, invalidFieldErr("file", "error.required")
		}
		return file, hdr.Filename, func() { file.Close() }, nil
	}
	return r.Body, "", func() {}, nil
}

func invalidFieldErr(field, key string) error {
	return &aldyn.Error{Code: aldyn.EINVALID, Message: "error.validation", Fields: map[string]string{field: key}}
}

// cellProblems is how a refused file's problems are answered: the error
// and every bad cell or row, translated.
type cellProblems struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
	Problems []problem `json:"problems"`
}

type problem struct {
	Sheet  string `json:"sheet,omitempty"`
	Row    int    `json:"row"`
	Column string `json:"column"`
	Reason string `json:"reason"`
}

// fileProblems turns the cell or row errors of a refused file into
// translated problems, or returns nil for any other error.
func fileProblems(r *http.Request, err error) *cellProblems {
	loc := info(r).loc
	var out cellProblems
	var cells surveyform.Errors
	var rows surveyform.RowErrors
	switch {
	case errors.As(err, &cells):
		for _, c := range cells {
			out.Problems = append(out.Problems, problem{Sheet: c.Sheet, Row: c.Row, Column: c.Column, Reason: loc.T(c.Reason)})
		}
	case errors.As(err, &rows):
		for _, c := range rows {
			out.Problems = append(out.Problems, problem{Row: c.Row, Column: c.Column, Reason: loc.T(c.Reason)})
		}
	default:
		return nil
	}
	var e *aldyn.Error
	errors.As(err, &e)
	out.Error.Code, out.Error.Message = e.Code, loc.T(e.Message, e.Args)
	return &out
}

// surveyXLSFormUpload creates a survey from an XLSForm: every bad cell is
// reported and nothing is created.
func (s *Server) surveyXLSFormUpload(w http.ResponseWriter, r *http.Request) error {
	if err := requireSurveyDesigner(r); err != nil {
		return err
	}
	file, _, done, err := uploadedFile(r)
	if err != nil {
		return err
	}
	defer done()
	sv, err := surveyform.Read(file)
	if err == nil {
		sv.TerritoryCode = cmpOr(r.FormValue("territory"), actor(r).TerritoryCode)
		if slug := r.FormValue("slug"); slug != "" {
			sv.Slug = slug
		}
		err = s.db.CreateSurvey(r.Context(), actor(r), sv)
	}
	if err != nil {
		if p := fileProblems(r, err); p != nil {
			if isAPI(r) {
				return writeJSON(w, http.StatusBadRequest, p)
			}
			return s.render(w, r, http.StatusBadRequest, "survey_problems", &page{Title: p.Error.Message, Data: p})
		}
		return err
	}
	if isAPI(r) {
		return writeJSON(w, http.StatusCreated, sv)
	}
	return redirect(w, r, "/surveys", "surveys.created")
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// surveyStandardCreate creates a draft of the standard questionnaire.
func (s *Server) surveyStandardCreate(w http.ResponseWriter, r *http.Request) error {
	if err := requireSurveyDesigner(r); err != nil {
		return err
	}
	slug := strings.TrimSpace(r.FormValue("slug"))
	if slug == "" {
		slug = "safety-" + strconv.Itoa(time.Now().Year()) + "-" + strings.ToLower(randomToken()[:6])
	}
	sv := surveys.Standard(slug, cmpOr(r.FormValue("territory"), actor(r).TerritoryCode))
	if err := s.db.CreateSurvey(r.Context(), actor(r), sv); err != nil {
		return err
	}
	return redirect(w, r, "/surveys", "surveys.created")
}

// surveyStatus starts, closes or reopens a survey.
func (s *Server) surveyStatus(w http.ResponseWriter, r *http.Request) error {
	sv, err := s.guardedSurvey(r, requireSurveyDesigner)
	if err != nil {
		return err
	}
	status := r.FormValue("status")
	if isAPI(r) && status == "" {
		var in struct {
			Status string `json:"status"`
		}
		if err := decodeJSON(r, &in); err != nil {
			return err
		}
		status = in.Status
	}
	sv.Status = aldyn.SurveyStatus(status)
	if err := s.db.UpdateSurvey(r.Context(), actor(r), sv.ID, sv); err != nil {
		return err
	}
	if isAPI(r) {
		return writeJSON(w, http.StatusOK, sv)
	}
	return redirect(w, r, "/surveys", "surveys.status_changed")
}

func randomToken() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// The public form.

type surveyFormData struct {
	Survey     *aldyn.Survey
	Sections   []formSection
	Districts  []*aldyn.Territory
	Invitation bool
	Problems   map[string]string
	Answers    map[string]string
	Done       bool
}

type formSection struct {
	Section   aldyn.SurveySection
	Relevant  string // the parsed condition, JSON, for the browser
	Questions []formQuestion
}

type formQuestion struct {
	aldyn.SurveyQuestion
	Relevant string
}

func relevantJSON(cond string) string {
	e, err := surveyform.ParseRelevant(cond)
	if err != nil || e == nil {
		return ""
	}
	b, _ := json.Marshal(e)
	return string(b)
}

func formSections(sv *aldyn.Survey) []formSection {
	var out []formSection
	byName := map[string]aldyn.SurveySection{}
	for _, sec := range sv.Sections {
		byName[sec.Name] = sec
	}
	for _, q := range sv.Questions {
		if len(out) == 0 || out[len(out)-1].Section.Name != q.Section {
			sec := byName[q.Section]
			sec.Name = q.Section
			out = append(out, formSection{Section: sec, Relevant: relevantJSON(sec.Relevant)})
		}
		last := &out[len(out)-1]
		last.Questions = append(last.Questions, formQuestion{SurveyQuestion: q, Relevant: relevantJSON(q.Relevant)})
	}
	return out
}

// formSurvey loads the survey of a public form: running for the public,
// any for staff (to preview a draft).
func (s *Server) formSurvey(r *http.Request) (*aldyn.Survey, error) {
	slug, now := r.PathValue("slug"), time.Now()
	sv := s.forms.get(slug, now)
	if sv == nil || actor(r).SignedIn() {
		var err error
		if sv, err = s.db.FindSurveyBySlug(r.Context(), slug); err != nil {
			return nil, err
		}
		s.forms.put(slug, sv, now)
	}
	if !surveyVisible(actor(r), sv) {
		return nil, aldyn.Errorf(aldyn.ENOTFOUND, "surveys.error.not_found")
	}
	return sv, nil
}

func (s *Server) renderSurveyForm(w http.ResponseWriter, r *http.Request, status int, sv *aldyn.Survey, d surveyFormData) error {
	districts, _, err := s.db.FindTerritories(r.Context(), aldyn.TerritoryFilter{Level: ptr(aldyn.LevelDistrict), Under: sv.TerritoryPath,
		Page: aldyn.Page{Limit: aldyn.MaxLimit, Sort: "name_" + info(r).lang}})
	if err != nil {
		return err
	}
	d.Survey, d.Sections, d.Districts, d.Invitation = sv, formSections(sv), districts, sv.OnePer == aldyn.OnePerInvitation
	return s.render(w, r, status, "survey_form", &page{Title: sv.Title.In(info(r).lang), Data: d})
}

const respondentCookie = "aldyn_respondent"

func (s *Server) surveyFormPage(w http.ResponseWriter, r *http.Request) error {
	sv, err := s.formSurvey(r)
	if err != nil {
		return err
	}
	if sv.OnePer == aldyn.OnePerDevice {
		if _, err := r.Cookie(respondentCookie); err != nil {
			http.SetCookie(w, &http.Cookie{Name: respondentCookie, Value: randomToken(), Path: "/surveys/", HttpOnly: true,
				SameSite: http.SameSiteLaxMode, MaxAge: 400 * 24 * 3600, Secure: r.TLS != nil})
		}
	}
	return s.renderSurveyForm(w, r, http.StatusOK, sv, surveyFormData{Done: r.URL.Query().Get("done") == "1", Answers: map[string]string{}})
}

// surveySubmit takes one response from the web form: from the public
// (anonymous, one per invitation code or device when the survey says so)
// or from staff typing in an interview.
func (s *Server) surveySubmit(w http.ResponseWriter, r *http.Request) error {
	sv, err := s.formSurvey(r)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return aldyn.Errorf(aldyn.EINVALID, "error.bad_param", "param", "form")
	}
	in := map[string]string{}
	for _, q := range sv.Questions {
		in[q.Name] = strings.Join(r.PostForm[q.Name], " ")
	}
	answers, problems := surveyform.Answers(sv, in, time.Now().Year())
	resp := &aldyn.SurveyResponse{Wave: strconv.Itoa(time.Now().Year()), Answers: answers, Source: aldyn.ResponseWeb,
		TerritoryCode: surveyform.TerritoryAnswer(sv, answers), Version: sv.Version}
	if actor(r).SignedIn() {
		resp.Source = aldyn.ResponseInterview
	} else {
		switch sv.OnePer {
		case aldyn.OnePerInvitation:
			code := strings.TrimSpace(r.PostForm.Get("invitation"))
			if code == "" {
				problems.Add("invitation", "surveys.error.invitation_required")
			}
			resp.RespondentKey = respondentKey(sv.Slug, "invitation:"+code)
		case aldyn.OnePerDevice:
			c, err := r.Cookie(respondentCookie)
			if err != nil || len(c.Value) < 16 {
				problems.Add("invitation", "surveys.error.device_cookie")
			} else {
				resp.RespondentKey = respondentKey(sv.Slug, "device:"+c.Value)
			}
		}
	}
	if len(problems) == 0 {
		if actor(r).SignedIn() {
			_, err = s.db.AddResponses(r.Context(), actor(r), sv.ID, []*aldyn.SurveyResponse{resp})
		} else {
			resp.SurveyID = sv.ID
			err = s.addPublicResponse(r.Context(), resp)
		}
		if err == nil {
			return redirect(w, r, "/surveys/"+url.PathEscape(sv.Slug)+"?done=1", "")
		}
		var ae *aldyn.Error
		switch {
		case aldyn.ErrorCode(err) == aldyn.ECONFLICT:
			problems.Add("invitation", "surveys.error.already_answered")
		case errors.As(err, &ae) && ae.Message == "surveys.error.invitation_unknown":
			problems.Add("invitation", ae.Message)
		default:
			return err
		}
	}
	loc := info(r).loc
	shown := map[string]string{}
	for f, k := range problems {
		shown[f] = loc.T(k)
	}
	return s.renderSurveyForm(w, r, http.StatusBadRequest, sv, surveyFormData{Problems: shown, Answers: in})
}

// respondentKey is what a response is counted by: a hash, so that neither
// invitation codes nor device tokens are stored.
func respondentKey(slug, key string) string {
	h := sha256.Sum256([]byte(slug + "\x00" + key))
	return hex.EncodeToString(h[:])
}

// Responses and estimates.

func (s *Server) apiSurveyResponses(w http.ResponseWriter, r *http.Request) error {
	sv, err := s.guardedSurvey(r, requireSignedIn)
	if err != nil {
		return err
	}
	p, err := pageFromQuery(r.URL.Query())
	if err != nil {
		return err
	}
	f := aldyn.ResponseFilter{SurveyID: sv.ID, Under: actor(r).ScopeUnder(), Page: p}
	if wv := r.URL.Query().Get("wave"); wv != "" {
		f.Wave = &wv
	}
	list, total, err := s.db.FindResponses(r.Context(), f)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, newList(list, total, p))
}

// apiSurveyImport imports responses from a KoboToolbox/ODK export (CSV or
// XLSX), all or nothing; every bad row is reported.
func (s *Server) apiSurveyImport(w http.ResponseWriter, r *http.Request) error {
	sv, err := s.guardedSurvey(r, requireSurveyDesigner)
	if err != nil {
		return err
	}
	file, name, done, err := uploadedFile(r)
	if err != nil {
		return err
	}
	defer done()
	format := importer.Format(r.FormValue("format"))
	if format == "" {
		format = importer.CSV
		if f, ok := importer.FormatOf(name); ok {
			format = f
		} else if strings.Contains(r.Header.Get("Content-Type"), "spreadsheetml") {
			format = importer.XLSX
		}
	}
	if format != importer.CSV && format != importer.XLSX {
		return invalidFieldErr("format", "surveys.error.format")
	}
	wave := cmpOr(strings.TrimSpace(r.FormValue("wave")), strconv.Itoa(time.Now().Year()))
	rs, err := surveyform.ReadResponses(file, format, sv, wave, time.Now().Year())
	var added int
	if err == nil {
		added, err = s.db.AddResponses(r.Context(), actor(r), sv.ID, rs)
	}
	if err != nil {
		if p := fileProblems(r, err); p != nil {
			return writeJSON(w, http.StatusBadRequest, p)
		}
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]int{"added": added, "skipped": len(rs) - added})
}

// responsesOf loads the responses of a survey's wave the actor may see,
// each checked against the version it answered.
func (s *Server) responsesOf(ctx context.Context, a *aldyn.Actor, sv *aldyn.Survey, wave string) ([]*aldyn.SurveyResponse, error) {
	f := aldyn.ResponseFilter{SurveyID: sv.ID, Under: a.ScopeUnder()}
	if !a.SignedIn() {
		f.Under = "" // aggregates only: the public sees published indexes
	}
	if wave != "" {
		f.Wave = &wave
	}
	var out []*aldyn.SurveyResponse
	err := s.db.EachResponse(ctx, f, func(r *aldyn.SurveyResponse) error {
		out = append(out, r)
		return nil
	})
	return out, err
}

func (s *Server) apiSurveyEstimates(w http.ResponseWriter, r *http.Request) error {
	sv, err := s.guardedSurvey(r, requireSignedIn)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	question, by, wave := q.Get("question"), q.Get("by"), q.Get("wave")
	if question == "" {
		return badParam("question")
	}
	rows, err := s.estimate(r, sv, question, by, wave, yesParam(q))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"survey_id": sv.ID, "question": question, "by": by, "wave": wave, "yes": yesParam(q), "items": rows})
}

package web

import (
	"bytes"
	"encoding/csv"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/export"
	"github.com/aldyn-kg/aldyn/internal/i18n"
	"github.com/aldyn-kg/aldyn/internal/survey"
	"github.com/aldyn-kg/aldyn/internal/surveys"
)

// Staff pages of one survey (issue 17): its design (questions, sections,
// skip logic written out, versions, XLSForm), its responses (the actor's
// territory only, paged, CSV/XLSX), its estimates (question, breakdown,
// wave: estimate, interval, n, unweighted n, reliability; nothing from
// fewer than the minimum respondents), and its one-use invitation codes.

// designVariable names a design variable of sv in the request's language:
// the territory, or the question's text.
func designVariable(r *http.Request, sv *aldyn.Survey, name string) string {
	if name == aldyn.ByTerritory {
		return info(r).loc.T("surveys.trust.territory")
	}
	if q := sv.Question(name); q != nil {
		return q.Label.In(info(r).lang)
	}
	return name
}

// staffSurvey loads survey {id} for a staff page: signed-in only.
func (s *Server) staffSurvey(r *http.Request) (*aldyn.Survey, error) {
	return s.guardedSurvey(r, requireSignedIn)
}

type SurveyTabs struct {
	Survey *aldyn.Survey
	Tab    string
}

type surveyVersionRow struct {
	Version   int
	Questions int
	Current   bool
}

type surveyDesignData struct {
	SurveyTabs
	Sections   []designSection
	Versions   []surveyVersionRow
	CanDesign  bool
	Invitation bool
	Issued     int
	Used       int
	// Strata and Clusters name the sample's design variables in the
	// page's language ("" none).
	Strata, Clusters string
}

type designSection struct {
	Name      string
	Label     aldyn.Text
	Relevant  string
	Questions []aldyn.SurveyQuestion
}

func (s *Server) surveyDesignPage(w http.ResponseWriter, r *http.Request) error {
	sv, err := s.staffSurvey(r)
	if err != nil {
		return err
	}
	d := surveyDesignData{SurveyTabs: SurveyTabs{sv, "design"}, CanDesign: actor(r).CanDesignSurvey(sv.TerritoryPath),
		Invitation: sv.OnePer == aldyn.OnePerInvitation}
	d.Strata, d.Clusters = designVariable(r, sv, sv.Strata), designVariable(r, sv, sv.Clusters)
	labels := map[string]aldyn.SurveySection{}
	for _, sec := range sv.Sections {
		labels[sec.Name] = sec
	}
	for _, q := range sv.Questions {
		if len(d.Sections) == 0 || d.Sections[len(d.Sections)-1].Name != q.Section {
			sec := labels[q.Section]
			d.Sections = append(d.Sections, designSection{Name: q.Section, Label: sec.Label, Relevant: sec.Relevant})
		}
		last := &d.Sections[len(d.Sections)-1]
		last.Questions = append(last.Questions, q)
	}
	for v := sv.Version; v >= 1; v-- {
		row := surveyVersionRow{Version: v, Current: v == sv.Version}
		if vs, err := s.db.FindSurveyVersion(r.Context(), sv.ID, v); err == nil {
			row.Questions = len(vs.Questions)
		} else if aldyn.ErrorCode(err) != aldyn.ENOTFOUND {
			return err
		}
		d.Versions = append(d.Versions, row)
	}
	if d.Invitation {
		if d.Issued, d.Used, err = s.db.SurveyInvitationCounts(r.Context(), sv.ID); err != nil {
			return err
		}
	}
	return s.render(w, r, http.StatusOK, "survey_design", &page{Title: sv.Title.In(info(r).lang), Data: d})
}

// readableCondition writes a skip-logic condition for people: question
// names become their labels in the page's language, choice names theirs.
func readableCondition(sv *aldyn.Survey, cond, lang string) string {
	if cond == "" {
		return ""
	}
	out := cond
	for _, q := range sv.Questions {
		ref := "${" + q.Name + "}"
		if !strings.Contains(out, ref) {
			continue
		}
		out = strings.ReplaceAll(out, ref, "«"+q.Label.In(lang)+"»")
		for _, c := range q.Choices {
			out = strings.ReplaceAll(out, "'"+c.Name+"'", "«"+c.Label.In(lang)+"»")
		}
	}
	// The functions and words of XLSForm's syntax, in the page's language.
	loc := i18n.For(lang)
	out = countSelected.ReplaceAllString(out, "$1 "+loc.T("surveys.staff.cond.answered"))
	out = selectedCall.ReplaceAllString(out, "$1 "+loc.T("surveys.staff.cond.includes")+" $2")
	out = strings.ReplaceAll(out, "not(", loc.T("surveys.staff.cond.not")+" (")
	out = strings.ReplaceAll(out, " and ", " "+loc.T("surveys.staff.cond.and")+" ")
	out = strings.ReplaceAll(out, " or ", " "+loc.T("surveys.staff.cond.or")+" ")
	return out
}

var (
	countSelected = regexp.MustCompile(`count-selected\((«[^»]*»)\)\s*>\s*0`)
	selectedCall  = regexp.MustCompile(`selected\((«[^»]*»),\s*(«[^»]*»)\)`)
)

func init() {
	funcs["readableCondition"] = readableCondition
}

// Responses.

type surveyResponsesData struct {
	SurveyTabs
	Responses []*aldyn.SurveyResponse
	Questions []aldyn.SurveyQuestion
	Pager     pager
	Waves     []string
	Wave      string
	Total     int
	// Names are the territories' names by code, for the page's responses.
	Names map[string]string
}

// responseQuestions are the questions shown in the responses table and
// export: the closed ones (free text may be long; it stays in the API).
func responseQuestions(sv *aldyn.Survey) []aldyn.SurveyQuestion {
	var out []aldyn.SurveyQuestion
	for _, q := range sv.Questions {
		if q.Type != aldyn.QuestionText {
			out = append(out, q)
		}
	}
	return out
}

func (s *Server) surveyResponsesPage(w http.ResponseWriter, r *http.Request) error {
	sv, err := s.staffSurvey(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	f := aldyn.ResponseFilter{SurveyID: sv.ID, Under: actor(r).ScopeUnder()}
	wave := q.Get("wave")
	if wave != "" {
		f.Wave = &wave
	}
	loc := info(r).loc
	if format := q.Get("format"); format != "" {
		t := export.Table{Title: sv.Title.In(info(r).lang), Columns: []export.Column{{Key: "id", Label: "id", Kind: export.Int},
			{Key: "wave", Label: loc.T("surveys.wave")}, {Key: "territory", Label: loc.T("surveys.trust.territory")},
			{Key: "version", Label: loc.T("surveys.version"), Kind: export.Int}, {Key: "source", Label: loc.T("surveys.source")},
			{Key: "weight", Label: loc.T("surveys.weight"), Kind: export.Float}}}
		qs := responseQuestions(sv)
		for _, qq := range qs {
			t.Columns = append(t.Columns, export.Column{Key: qq.Name, Label: qq.Name})
		}
		if err := s.db.EachResponse(r.Context(), f, func(resp *aldyn.SurveyResponse) error {
			row := []any{resp.ID, resp.Wave, resp.TerritoryCode, resp.Version, string(resp.Source), resp.Weight}
			for _, qq := range qs {
				row = append(row, resp.Answers[qq.Name])
			}
			t.Rows = append(t.Rows, row)
			return nil
		}); err != nil {
			return err
		}
		return serveTable(w, r, format, sv.Slug+"-responses", t)
	}
	p, err := pageFromQuery(q)
	if err != nil {
		return err
	}
	f.Page = p
	list, total, err := s.db.FindResponses(r.Context(), f)
	if err != nil {
		return err
	}
	waves, err := s.db.SurveyWaves(r.Context(), sv.ID)
	if err != nil {
		return err
	}
	names := map[string]string{}
	for _, resp := range list {
		for _, code := range append([]string{resp.TerritoryCode}, territoryAnswers(sv, resp)...) {
			if _, ok := names[code]; !ok {
				names[code] = s.territoryName(r, code)
			}
		}
	}
	return s.render(w, r, http.StatusOK, "survey_responses", &page{Title: sv.Title.In(info(r).lang), Data: surveyResponsesData{Names: names,
		SurveyTabs: SurveyTabs{sv, "responses"}, Responses: list, Questions: responseQuestions(sv), Pager: newPager(p, total),
		Waves: waves, Wave: wave, Total: total}})
}

// answerLabel shows a stored answer with its choice labels.
func answerLabel(q aldyn.SurveyQuestion, answer, lang string) string {
	if !q.Type.HasChoices() || answer == "" {
		return answer
	}
	var out []string
	for _, a := range strings.Fields(answer) {
		label := a
		for _, c := range q.Choices {
			if c.Name == a {
				label = c.Label.In(lang)
			}
		}
		out = append(out, label)
	}
	return strings.Join(out, "; ")
}

func init() {
	funcs["answerLabel"] = answerLabel
}

// Estimates.

type surveyEstimatesData struct {
	SurveyTabs
	Questions []aldyn.SurveyQuestion
	Breakdown []aldyn.SurveyQuestion
	Waves     []string
	Question  string
	// Choices are the question's answers that may be counted as yes, and
	// Yes those that are.
	Choices   []aldyn.SurveyChoice
	Yes       []string
	YesAnswer string // Yes as a stored multiple answer, for hasField
	// QuestionLabel is the question's text in the page's language.
	QuestionLabel string
	By            string
	Wave          string
	Rows          []estimateRow
	Min           int
}

type estimateRow struct {
	surveys.Row
	GroupLabel  string
	ChoiceLabel string
}

func (s *Server) surveyEstimatesPage(w http.ResponseWriter, r *http.Request) error {
	sv, err := s.staffSurvey(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	d := surveyEstimatesData{SurveyTabs: SurveyTabs{sv, "estimates"}, Question: q.Get("question"), By: q.Get("by"), Wave: q.Get("wave"),
		Yes: yesParam(q), Min: survey.MinRespondents}
	d.YesAnswer = strings.Join(d.Yes, " ")
	if qq := sv.Question(d.Question); qq != nil && qq.Type.HasChoices() {
		for _, c := range qq.Choices {
			if c.Name != surveys.DontKnow {
				d.Choices = append(d.Choices, c)
			}
		}
	}
	for _, qq := range sv.Questions {
		switch qq.Type {
		case aldyn.QuestionText, aldyn.QuestionDate, aldyn.QuestionTerritory:
		default:
			d.Questions = append(d.Questions, qq)
		}
		if qq.Type == aldyn.QuestionSingle || qq.Type == aldyn.QuestionLikert {
			d.Breakdown = append(d.Breakdown, qq)
		}
	}
	if d.Waves, err = s.db.SurveyWaves(r.Context(), sv.ID); err != nil {
		return err
	}
	if d.Wave != "" && !slices.Contains(d.Waves, d.Wave) {
		return badParam("wave")
	}
	if d.Question != "" {
		rows, err := s.estimate(r, sv, d.Question, d.By, d.Wave, d.Yes)
		if err != nil {
			return err
		}
		lang := info(r).lang
		question := sv.Question(d.Question)
		d.QuestionLabel = question.Label.In(lang)
		names := map[string]string{}
		if d.By == surveys.ByTerritory {
			for _, row := range rows {
				if _, ok := names[row.Group]; !ok {
					names[row.Group] = s.territoryName(r, row.Group)
				}
			}
		} else if bq := sv.Question(d.By); bq != nil {
			for _, c := range bq.Choices {
				names[c.Name] = c.Label.In(lang)
			}
		}
		for _, row := range rows {
			er := estimateRow{Row: row, GroupLabel: names[row.Group]}
			if er.GroupLabel == "" {
				er.GroupLabel = row.Group
			}
			if row.Choice != "" {
				er.ChoiceLabel = answerLabel(*question, row.Choice, lang)
			}
			d.Rows = append(d.Rows, er)
		}
	}
	return s.render(w, r, http.StatusOK, "survey_estimates", &page{Title: sv.Title.In(info(r).lang), Data: d})
}

// Invitation codes.

const maxInvitations = 10000

// surveyInvitations makes count one-use invitation codes for a survey that
// takes one response per code and answers them as a CSV, the only time
// the codes are seen: only their hashes are stored.
func (s *Server) surveyInvitations(w http.ResponseWriter, r *http.Request) error {
	sv, err := s.guardedSurvey(r, requireSurveyDesigner)
	if err != nil {
		return err
	}
	n, err := strconv.Atoi(strings.TrimSpace(r.FormValue("count")))
	if err != nil || n < 1 || n > maxInvitations {
		return invalidFieldErr("count", "surveys.error.invitation_count")
	}
	codes := make([]string, n)
	hashes := make([]string, n)
	for i := range codes {
		codes[i] = invitationCode()
		hashes[i] = respondentKey(sv.Slug, "invitation:"+codes[i])
	}
	if err := s.db.AddSurveyInvitations(r.Context(), actor(r), sv.ID, hashes); err != nil {
		return err
	}
	var buf bytes.Buffer
	cw := csv.NewWriter(&buf)
	cw.Write([]string{"code", "link"})
	base := "/surveys/" + url.PathEscape(sv.Slug)
	for _, c := range codes {
		cw.Write([]string{c, base + "?invitation=" + c})
	}
	cw.Flush()
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+sv.Slug+`-invitations.csv"`)
	w.Header().Set("Cache-Control", "no-store")
	_, err = w.Write(buf.Bytes())
	return err
}

// invitationCode is a code a person can type: 10 letters and digits
// without the look-alikes (0/O, 1/I/L), about 50 bits.
func invitationCode() string {
	const alphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
	b := []byte(randomToken())
	out := make([]byte, 0, 11)
	for i := 0; len(out) < 11; i++ {
		if len(out) == 5 {
			out = append(out, '-')
			continue
		}
		v, _ := strconv.ParseUint(string(b[2*i:2*i+2]), 16, 8)
		out = append(out, alphabet[int(v)%len(alphabet)])
	}
	return string(out)
}

// estimate estimates question from wave of survey sv ("" every wave)
// with the design every published survey figure uses (surveys.Sample):
// the respondents of the actor's territory are a domain of the whole
// wave. With yes (answers of a choice question), the share of those
// answers among all but "don't know", as the trust index, the scorecard
// and plan indicators publish it.
func (s *Server) estimate(r *http.Request, sv *aldyn.Survey, question, by, wave string, yes []string) ([]surveys.Row, error) {
	smp, err := surveys.LoadSample(r.Context(), s.db, sv, wave)
	if err != nil {
		return nil, err
	}
	smp = smp.Within(surveys.Under(actor(r).ScopeUnder()))
	if len(yes) > 0 {
		return surveys.EstimateShare(smp, question, yes, by)
	}
	return surveys.Estimate(smp, question, by)
}

// yesParam reads the answers counted as yes: yes=a&yes=b or yes=a,b.
func yesParam(q url.Values) []string {
	var out []string
	for _, v := range q["yes"] {
		for _, y := range strings.Split(v, ",") {
			if y = strings.TrimSpace(y); y != "" && !slices.Contains(out, y) {
				out = append(out, y)
			}
		}
	}
	return out
}

// territoryAnswers are a response's answers to territory questions.
func territoryAnswers(sv *aldyn.Survey, resp *aldyn.SurveyResponse) []string {
	var out []string
	for _, q := range sv.Questions {
		if a := resp.Answers[q.Name]; q.Type == aldyn.QuestionTerritory && a != "" {
			out = append(out, a)
		}
	}
	return out
}

package aldyn

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// This file holds surveys of residents (§4.5 task 1, §5.1, §5.6 of the
// Concept): their questions, sections and skip logic, in the three
// languages, and the versions that keep a running survey's questions
// fixed. Collection, weighting and estimation live in internal/surveyform
// and internal/survey.

// QuestionType is the kind of answer a question takes, named as XLSForm
// names it where XLSForm has the kind.
type QuestionType string

// Question types. A Likert question is a single choice shown as a scale
// (XLSForm: select_one with appearance likert); a territory question takes
// a territory code.
const (
	QuestionSingle    QuestionType = "select_one"
	QuestionMultiple  QuestionType = "select_multiple"
	QuestionLikert    QuestionType = "likert"
	QuestionInteger   QuestionType = "integer"
	QuestionDecimal   QuestionType = "decimal"
	QuestionDate      QuestionType = "date"
	QuestionText      QuestionType = "text"
	QuestionTerritory QuestionType = "territory"
)

// QuestionTypes lists the question types.
var QuestionTypes = []QuestionType{QuestionSingle, QuestionMultiple, QuestionLikert, QuestionInteger,
	QuestionDecimal, QuestionDate, QuestionText, QuestionTerritory}

// Valid reports whether t is a question type.
func (t QuestionType) Valid() bool { return slices.Contains(QuestionTypes, t) }

// HasChoices reports whether answers are chosen from the question's list.
func (t QuestionType) HasChoices() bool {
	return t == QuestionSingle || t == QuestionMultiple || t == QuestionLikert
}

// FreeEntry reports whether the respondent types the answer: what such a
// question asks for is checked for personal data at design time.
func (t QuestionType) FreeEntry() bool {
	return t == QuestionText || t == QuestionInteger || t == QuestionDecimal || t == QuestionDate
}

// SurveyChoice is one answer of a choice question: Name is what is stored.
type SurveyChoice struct {
	Name  string `json:"name"`
	Label Text   `json:"label"`
}

// SurveyQuestion is one question of a survey. Relevant is a skip-logic
// condition in XLSForm syntax (${q} = 'yes' and selected(${m}, 'x')); the
// question is asked only when it holds, and its section's holds.
type SurveyQuestion struct {
	Name     string         `json:"name"`
	Type     QuestionType   `json:"type"`
	Section  string         `json:"section,omitempty"`
	Label    Text           `json:"label"`
	Hint     Text           `json:"hint"`
	Required bool           `json:"required"`
	Relevant string         `json:"relevant,omitempty"`
	ListName string         `json:"list_name,omitempty"`
	Choices  []SurveyChoice `json:"choices,omitempty"`
}

// SurveySection is a group of questions shown together, skipped together when
// its Relevant condition does not hold.
type SurveySection struct {
	Name     string `json:"name"`
	Label    Text   `json:"label"`
	Relevant string `json:"relevant,omitempty"`
}

// SurveyStatus is the state of a survey.
type SurveyStatus string

// Survey statuses: a draft is edited freely; a running survey collects
// responses and its questions are locked (a change makes a new version);
// a closed survey collects nothing more.
const (
	SurveyDraft   SurveyStatus = "draft"
	SurveyRunning SurveyStatus = "running"
	SurveyClosed  SurveyStatus = "closed"
)

// SurveyStatuses lists the survey statuses.
var SurveyStatuses = []SurveyStatus{SurveyDraft, SurveyRunning, SurveyClosed}

// Valid reports whether s is a survey status.
func (s SurveyStatus) Valid() bool { return slices.Contains(SurveyStatuses, s) }

// OnePer says what a respondent of the public form is counted by.
type OnePer string

// One response per invitation code, per device, or no limit (interviews).
const (
	OnePerInvitation OnePer = "invitation"
	OnePerDevice     OnePer = "device"
	OnePerNone       OnePer = "none"
)

// Survey is a questionnaire and its current version.
type Survey struct {
	ID     int64        `json:"id"`
	Slug   string       `json:"slug"` // the public form's address, /surveys/{slug}
	FormID string       `json:"form_id"`
	Title  Text         `json:"title"`
	Status SurveyStatus `json:"status"`
	OnePer OnePer       `json:"one_per"`
	// TerritoryPath is the territory the survey covers (its scope).
	TerritoryPath string `json:"-"`
	TerritoryCode string `json:"territory_code"`
	// Version counts the versions of the questions; responses keep the
	// version they answered.
	Version   int              `json:"version"`
	Sections  []SurveySection  `json:"sections"`
	Questions []SurveyQuestion `json:"questions"`
	// Strata and Clusters name what the sample was stratified and
	// clustered by, when it was: ByTerritory (the respondent's territory)
	// or a question whose answer is the stratum or the primary sampling
	// unit (a cluster is identified within its stratum). Intervals then
	// take them into account, as R's svydesign(ids=~cluster,
	// strata=~stratum, nest=TRUE) does.
	Strata    string    `json:"strata,omitempty"`
	Clusters  string    `json:"clusters,omitempty"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Limits of a survey's definition.
const (
	MaxQuestions    = 500
	MaxChoices      = 300
	maxQuestionText = 2000
	maxRelevant     = 1000
	maxQuestionName = 64
)

var (
	questionName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_.-]*$`)
	surveySlug   = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{1,62}$`)
	choiceName   = regexp.MustCompile(`^[^\s]+$`)
)

// Question returns the question named name, or nil.
func (s *Survey) Question(name string) *SurveyQuestion {
	for i := range s.Questions {
		if s.Questions[i].Name == name {
			return &s.Questions[i]
		}
	}
	return nil
}

// Validate checks a survey's definition: names, types, texts, choices and
// sections; that skip logic refers to earlier questions is checked by
// internal/surveyform, which parses it. Field keys name the question
// ("questions.3.label").
func (s *Survey) Validate() error {
	s.Slug = strings.TrimSpace(s.Slug)
	s.Title = s.Title.TrimSpace()
	if s.Status == "" {
		s.Status = SurveyDraft
	}
	if s.OnePer == "" {
		s.OnePer = OnePerNone
	}
	v := Validation{}
	if !surveySlug.MatchString(s.Slug) {
		v.Add("slug", "surveys.error.slug")
	}
	requireText(v, "title", s.Title, maxQuestionText)
	if !s.Status.Valid() {
		v.Add("status", "surveys.error.status")
	}
	if s.OnePer != OnePerInvitation && s.OnePer != OnePerDevice && s.OnePer != OnePerNone {
		v.Add("one_per", "surveys.error.one_per")
	}
	sections := map[string]bool{}
	for i, sec := range s.Sections {
		f := "sections." + strconv.Itoa(i+1)
		if !questionName.MatchString(sec.Name) || len(sec.Name) > maxQuestionName {
			v.Add(f+".name", "surveys.error.name")
		} else if sections[sec.Name] {
			v.Add(f+".name", "surveys.error.duplicate_name")
		}
		sections[sec.Name] = true
		if sec.Label.maxLen() > maxQuestionText {
			v.Add(f+".label", "error.too_long")
		}
	}
	for field, name := range map[string]string{"strata": s.Strata, "clusters": s.Clusters} {
		if q := s.Question(name); name != "" && name != ByTerritory && (q == nil || q.Type == QuestionMultiple) {
			v.Add(field, "surveys.error.design_variable")
		}
	}
	if len(s.Questions) == 0 {
		v.Add("questions", "surveys.error.no_questions")
	}
	if len(s.Questions) > MaxQuestions {
		v.Add("questions", "surveys.error.too_many_questions")
	}
	names := map[string]bool{}
	for i := range s.Questions {
		q := &s.Questions[i]
		q.Label, q.Hint = q.Label.TrimSpace(), q.Hint.TrimSpace()
		f := "questions." + strconv.Itoa(i+1)
		switch {
		case !questionName.MatchString(q.Name) || len(q.Name) > maxQuestionName:
			v.Add(f+".name", "surveys.error.name")
		case names[q.Name] || sections[q.Name]:
			v.Add(f+".name", "surveys.error.duplicate_name")
		}
		names[q.Name] = true
		if !q.Type.Valid() {
			v.Add(f+".type", "surveys.error.type")
		}
		requireText(v, f+".label", q.Label, maxQuestionText)
		if q.Hint.maxLen() > maxQuestionText {
			v.Add(f+".hint", "error.too_long")
		}
		if len(q.Relevant) > maxRelevant {
			v.Add(f+".relevant", "error.too_long")
		}
		if q.Section != "" && !sections[q.Section] {
			v.Add(f+".section", "surveys.error.section")
		}
		if q.Type.HasChoices() {
			checkChoices(v, f, q.Choices)
		} else if len(q.Choices) > 0 {
			v.Add(f+".choices", "surveys.error.choices_not_allowed")
		}
	}
	return v.Err()
}

func checkChoices(v Validation, f string, cs []SurveyChoice) {
	if len(cs) < 2 {
		v.Add(f+".choices", "surveys.error.too_few_choices")
		return
	}
	if len(cs) > MaxChoices {
		v.Add(f+".choices", "surveys.error.too_many_choices")
		return
	}
	seen := map[string]bool{}
	for j, c := range cs {
		cf := f + ".choices." + strconv.Itoa(j+1)
		if !choiceName.MatchString(c.Name) || len(c.Name) > maxQuestionName {
			v.Add(cf+".name", "surveys.error.choice_name")
		} else if seen[c.Name] {
			v.Add(cf+".name", "surveys.error.duplicate_choice")
		}
		seen[c.Name] = true
		requireText(v, cf+".label", c.Label.TrimSpace(), maxQuestionText)
	}
}

// CanDesignSurvey reports whether the actor may create and change surveys
// of the territory with the given path: coordinators and administrators
// whose territory covers it.
func (a *Actor) CanDesignSurvey(path string) bool {
	return a.Is(RoleCoordinator, RoleAnalyst, RoleAdministrator) && a.Covers(path)
}

// ResponseSource says how a response came in.
type ResponseSource string

// Response sources: the public web form, an interviewer typing in a
// face-to-face or phone interview, a file exported from KoboToolbox or ODK.
const (
	ResponseWeb       ResponseSource = "web"
	ResponseInterview ResponseSource = "interview"
	ResponseImport    ResponseSource = "import"
)

// SurveyResponse is one respondent's answers. Answers maps a question's
// name to the answer as ODK stores it (a multiple choice as its choice
// names separated by spaces); they are never public, only aggregates are.
// TerritoryCode is where the respondent lives (the answer to the survey's
// territory question, else the survey's territory); DesignWeight is the
// weight the sample gave (1 when it is self-weighting) and Weight the one
// estimates use, after weighting to population margins. Wave names the round of
// the survey the response belongs to ("2026").
type SurveyResponse struct {
	ID            int64             `json:"id"`
	SurveyID      int64             `json:"survey_id"`
	Version       int               `json:"version"`
	Wave          string            `json:"wave"`
	TerritoryCode string            `json:"territory_code"`
	TerritoryPath string            `json:"-"`
	Answers       map[string]string `json:"answers"`
	Weight        float64           `json:"weight"`
	DesignWeight  float64           `json:"design_weight"`
	Source        ResponseSource    `json:"source"`
	RespondentKey string            `json:"-"`
	ExternalID    string            `json:"external_id,omitempty"`
	CreatedAt     time.Time         `json:"created_at"`
}

// SurveyFilter selects surveys; Under limits them to a territory path
// prefix (aldyn.Actor.ScopeUnder), Running to those collecting responses.
type SurveyFilter struct {
	ID      *int64
	Slug    *string
	Under   string
	Running bool
	Page
}

// ResponseFilter selects a survey's responses; Under limits them to the
// respondents of a territory (a district coordinator sees its district's).
type ResponseFilter struct {
	SurveyID int64
	Wave     *string
	Under    string
	Page
}

// SurveyMeasure is what a plan indicator computed from a survey measures:
// the weighted share (%) of respondents of the survey at Slug whose answer
// to Question is one of Yes, among those who answered it, optionally only
// among respondents whose answer to FilterQuestion is FilterValue (women:
// sex=f). The plan's territory limits the respondents. Written in the
// indicator's numerator as
//
//	survey:demo-safety-trust:safe_night=very_safe,rather_safe;sex=f
type SurveyMeasure struct {
	Slug, Question string
	Yes            []string
	FilterQuestion string
	FilterValue    string
}

// ParseSurveyMeasure reads a survey measure from an indicator's numerator.
func ParseSurveyMeasure(s string) (SurveyMeasure, error) {
	var m SurveyMeasure
	bad := Errorf(EINVALID, "indicator.error.survey_measure")
	rest, ok := strings.CutPrefix(strings.TrimSpace(s), "survey:")
	if !ok {
		return m, bad
	}
	slug, rest, ok := strings.Cut(rest, ":")
	if !ok || !surveySlug.MatchString(slug) {
		return m, bad
	}
	m.Slug = slug
	main, filter, hasFilter := strings.Cut(rest, ";")
	q, yes, ok := strings.Cut(main, "=")
	if !ok || !questionName.MatchString(q) || yes == "" {
		return m, bad
	}
	m.Question = q
	for _, y := range strings.Split(yes, ",") {
		if !choiceName.MatchString(y) {
			return m, bad
		}
		m.Yes = append(m.Yes, y)
	}
	if hasFilter {
		fq, fv, ok := strings.Cut(filter, "=")
		if !ok || !questionName.MatchString(fq) || !choiceName.MatchString(fv) {
			return m, bad
		}
		m.FilterQuestion, m.FilterValue = fq, fv
	}
	return m, nil
}

// SurveyMargin is a population margin a wave is weighted to: a variable
// ("territory", the respondents' territory codes, or a single-choice
// question such as sex or age_group) and the population of each category.
type SurveyMargin struct {
	Variable string             `json:"variable"`
	Totals   map[string]float64 `json:"totals"`
}

// SurveyWeighting is how a wave's weights were fitted: the margins it was
// raked to and the trimming cap (a multiple of the mean weight; 0 none).
// Estimates of the wave take the raking into account in their intervals.
type SurveyWeighting struct {
	Wave    string         `json:"wave"`
	Margins []SurveyMargin `json:"margins"`
	Cap     float64        `json:"cap"`
}

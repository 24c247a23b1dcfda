package surveyform

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/importer"
)

// maxAnswer bounds a free-text answer, in runes.
const maxAnswer = 2000

// Answers checks one respondent's answers against the survey's questions
// and returns those to keep: every question whose skip logic (its own and
// its section's) holds is checked against its type and choices, and
// required ones must be answered; answers to skipped questions and to no
// question are dropped, as the form hides them. Free text shaped like a
// personal number or phone is refused, as the offense importer refuses it.
// year is the current year (the latest possible year of birth in a PIN).
// Field keys are the question names.
func Answers(sv *aldyn.Survey, in map[string]string, year int) (map[string]string, aldyn.Validation) {
	sections := map[string]*Expr{}
	for _, s := range sv.Sections {
		sections[s.Name], _ = ParseRelevant(s.Relevant)
	}
	out := map[string]string{}
	v := aldyn.Validation{}
	for _, q := range sv.Questions {
		cond, err := ParseRelevant(q.Relevant)
		if err != nil {
			v.Add(q.Name, "surveyform.error.relevant_syntax")
			continue
		}
		if !sections[q.Section].Eval(out) || !cond.Eval(out) {
			continue
		}
		a := strings.TrimSpace(in[q.Name])
		if a == "" {
			if q.Required {
				v.Add(q.Name, "surveys.error.answer_required")
			}
			continue
		}
		clean, reason := answer(q, a, year)
		if reason != "" {
			v.Add(q.Name, reason)
			continue
		}
		out[q.Name] = clean
	}
	return out, v
}

// answer checks one answer to q, returning it as stored or the reason it
// is refused.
func answer(q aldyn.SurveyQuestion, a string, year int) (string, string) {
	has := func(name string) bool {
		return slices.ContainsFunc(q.Choices, func(c aldyn.SurveyChoice) bool { return c.Name == name })
	}
	switch q.Type {
	case aldyn.QuestionSingle, aldyn.QuestionLikert:
		if !has(a) {
			return "", "surveys.error.answer_choice"
		}
	case aldyn.QuestionMultiple:
		var picked []string
		for _, f := range strings.Fields(a) {
			if !has(f) {
				return "", "surveys.error.answer_choice"
			}
			if !slices.Contains(picked, f) {
				picked = append(picked, f)
			}
		}
		a = strings.Join(picked, " ")
	case aldyn.QuestionInteger:
		n, err := strconv.ParseInt(a, 10, 64)
		if err != nil {
			f, ferr := strconv.ParseFloat(a, 64) // spreadsheets write 34 as 34.0
			if ferr != nil || f != float64(int64(f)) {
				return "", "surveys.error.answer_integer"
			}
			n = int64(f)
		}
		a = strconv.FormatInt(n, 10)
	case aldyn.QuestionDecimal:
		f, err := strconv.ParseFloat(strings.Replace(a, ",", ".", 1), 64)
		if err != nil {
			return "", "surveys.error.answer_number"
		}
		a = strconv.FormatFloat(f, 'f', -1, 64)
	case aldyn.QuestionDate:
		d, err := time.Parse(time.DateOnly, a)
		if err != nil && len(a) > 10 {
			d, err = time.Parse(time.DateOnly, a[:10]) // 2026-03-01T00:00:00
		}
		if err != nil {
			return "", "surveys.error.answer_date"
		}
		a = d.Format(time.DateOnly)
	case aldyn.QuestionText:
		if utf8.RuneCountInString(a) > maxAnswer {
			return "", "error.too_long"
		}
		if importer.PersonalValue(a, year) != "" {
			return "", "surveys.error.answer_personal"
		}
	case aldyn.QuestionTerritory:
		if len(a) != 14 || strings.Trim(a, "0123456789") != "" {
			return "", "surveys.error.answer_territory"
		}
	}
	return a, ""
}

// TerritoryAnswer is the answer to the survey's first territory question,
// or "".
func TerritoryAnswer(sv *aldyn.Survey, answers map[string]string) string {
	for _, q := range sv.Questions {
		if q.Type == aldyn.QuestionTerritory {
			return answers[q.Name]
		}
	}
	return ""
}

// RowError is one bad row of a response file: its row as the user sees
// it, the column (the header as written; "" for the whole row) and why.
type RowError struct {
	Row    int    `json:"row"`
	Column string `json:"column"`
	Reason string `json:"reason"`
}

// RowErrors is every bad row of a response file; nothing of it is kept.
type RowErrors []RowError

func (e RowErrors) Error() string {
	return "responses: " + firstFive(e, func(r RowError) string { return fmt.Sprintf("row %d column %q: %s", r.Row, r.Column, r.Reason) })
}

// Unwrap makes the errors an EINVALID *aldyn.Error.
func (e RowErrors) Unwrap() error {
	return &aldyn.Error{Code: aldyn.EINVALID, Message: "surveys.error.responses_invalid", Args: map[string]any{"count": len(e)}}
}

// MaxResponseRows bounds a response file.
const MaxResponseRows = 200000

// Columns of a KoboToolbox or ODK export that identify a submission; the
// first found becomes the response's external id, so that importing the
// same export again adds nothing.
var submissionIDColumns = []string{"_uuid", "meta/instanceid", "instanceid", "_id", "key"}

// weightColumns hold a design weight when the sample is not self-weighting.
var weightColumns = []string{"_weight", "weight", "design_weight"}

// ReadResponses reads responses to sv from a file in the layout
// KoboToolbox and ODK export (CSV or XLSX, the first sheet): one row per
// submission, columns named after the questions (or group/question), choice
// names as values, a multiple choice as names separated by spaces (or one
// 0/1 column per choice, question/choice). Columns that are no question
// (submission metadata) are not kept. All rows are checked; any bad row
// makes the whole file refused with every bad row reported. wave is the
// round the responses belong to; year the current year.
func ReadResponses(r io.Reader, format importer.Format, sv *aldyn.Survey, wave string, year int) ([]*aldyn.SurveyResponse, error) {
	rd, err := importer.NewReader(r, format)
	if err != nil {
		return nil, err
	}
	defer rd.Close()
	header := rd.Header()
	col := map[string]int{} // question name → column
	split := map[string]map[string]int{}
	idCol, weightCol := -1, -1
	questions := map[string]*aldyn.SurveyQuestion{}
	for i := range sv.Questions {
		questions[sv.Questions[i].Name] = &sv.Questions[i]
	}
	for i, h := range header {
		key := strings.TrimSpace(h)
		low := strings.ToLower(key)
		if p := slices.Index(submissionIDColumns, low); p >= 0 {
			if idCol < 0 || p < slices.Index(submissionIDColumns, strings.ToLower(strings.TrimSpace(header[idCol]))) {
				idCol = i
			}
			continue
		}
		if weightCol < 0 && slices.Contains(weightColumns, low) {
			weightCol = i
			continue
		}
		if _, ok := questions[key]; ok {
			col[key] = i
			continue
		}
		// group/question, or question/choice of a split multiple choice.
		parts := strings.Split(key, "/")
		last := parts[len(parts)-1]
		if _, ok := questions[last]; ok {
			col[last] = i
			continue
		}
		if len(parts) >= 2 {
			q := questions[parts[len(parts)-2]]
			if q != nil && q.Type == aldyn.QuestionMultiple {
				if split[q.Name] == nil {
					split[q.Name] = map[string]int{}
				}
				split[q.Name][last] = i
			}
		}
	}
	// A required question asked of everyone needs its column; one asked
	// only under a condition may lack it, and rows where the condition
	// holds are then reported as unanswered.
	conditional := map[string]bool{}
	for _, sec := range sv.Sections {
		conditional[sec.Name] = sec.Relevant != ""
	}
	var errs RowErrors
	for _, q := range sv.Questions {
		if _, ok := col[q.Name]; !ok && split[q.Name] == nil && q.Required && q.Relevant == "" && !conditional[q.Section] {
			errs = append(errs, RowError{Row: 1, Column: q.Name, Reason: "surveys.error.column_missing"})
		}
	}
	if len(errs) > 0 {
		return nil, errs
	}
	headerOf := map[string]string{}
	for name, i := range col {
		headerOf[name] = header[i]
	}
	var out []*aldyn.SurveyResponse
	seen := map[string]bool{}
	hash := sha256.New()
	for {
		row, vals, err := rd.Next()
		if err == io.EOF {
			break
		}
		var re *importer.RecordError
		if errors.As(err, &re) {
			errs = append(errs, RowError{Row: re.Row, Column: re.Column, Reason: re.Reason})
			continue
		} else if err != nil {
			return nil, err
		}
		if len(out)+len(errs) >= MaxResponseRows {
			return nil, RowErrors{{Row: row, Reason: "surveys.error.too_many_responses"}}
		}
		cell := func(i int) string {
			if i < len(vals) {
				return strings.TrimSpace(vals[i])
			}
			return ""
		}
		in := map[string]string{}
		for name, i := range col {
			in[name] = cell(i)
		}
		for name, cols := range split {
			if _, ok := col[name]; ok {
				continue
			}
			var picked []string
			for _, c := range questions[name].Choices {
				if i, ok := cols[c.Name]; ok && (cell(i) == "1" || strings.EqualFold(cell(i), "true")) {
					picked = append(picked, c.Name)
				}
			}
			in[name] = strings.Join(picked, " ")
		}
		answers, v := Answers(sv, in, year)
		for _, name := range sortedKeys(v) {
			column := headerOf[name]
			if column == "" {
				column = name
			}
			errs = append(errs, RowError{Row: row, Column: column, Reason: v[name]})
		}
		resp := &aldyn.SurveyResponse{Wave: wave, Answers: answers, Weight: 1, Source: aldyn.ResponseImport, Version: sv.Version,
			TerritoryCode: TerritoryAnswer(sv, answers)}
		if weightCol >= 0 && cell(weightCol) != "" {
			w, err := strconv.ParseFloat(strings.Replace(cell(weightCol), ",", ".", 1), 64)
			if err != nil || !(w > 0) || w > 1e9 {
				errs = append(errs, RowError{Row: row, Column: header[weightCol], Reason: "surveys.error.weight"})
			}
			resp.Weight = w
		}
		if idCol >= 0 && cell(idCol) != "" {
			resp.ExternalID = cell(idCol)
		} else {
			// Without a submission id, the row's number and content stand
			// for it: the same file imported again adds nothing.
			hash.Reset()
			hash.Write([]byte(strconv.Itoa(row)))
			for _, v := range vals {
				hash.Write([]byte(v))
				hash.Write([]byte{0})
			}
			resp.ExternalID = "sha256:" + hex.EncodeToString(hash.Sum(nil))[:32]
		}
		if seen[resp.ExternalID] {
			errs = append(errs, RowError{Row: row, Column: header[idCol], Reason: "surveys.error.duplicate_submission"})
		}
		seen[resp.ExternalID] = true
		out = append(out, resp)
	}
	if len(errs) > 0 {
		return nil, errs
	}
	if len(out) == 0 {
		return nil, aldyn.Errorf(aldyn.EINVALID, "import.error.empty")
	}
	return out, nil
}

func sortedKeys(v aldyn.Validation) []string {
	keys := make([]string, 0, len(v))
	for k := range v {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

package surveyform

import (
	"errors"
	"strconv"
	"strings"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/importer"
)

// Check checks a survey's definition: the domain's rules (Validate), then
// that every skip-logic condition parses and refers only to questions
// asked before it, and that no question asks for personal data — a
// question named or worded like a name, a personal number, a phone or a
// date of birth is refused at design time (the words are the offense
// importer's personal-data guard's). Field keys name the question
// (questions.3.relevant).
func Check(sv *aldyn.Survey) error {
	v := aldyn.Validation{}
	if err := sv.Validate(); err != nil {
		var e *aldyn.Error
		if !errors.As(err, &e) {
			return err
		}
		for f, k := range e.Fields {
			v.Add(f, k)
		}
	}
	asked := map[string]bool{}
	sectionAt := map[string]int{}
	for i, q := range sv.Questions {
		if _, ok := sectionAt[q.Section]; !ok && q.Section != "" {
			sectionAt[q.Section] = i
		}
	}
	for i, s := range sv.Sections {
		first, ok := sectionAt[s.Name]
		if !ok {
			continue
		}
		before := map[string]bool{}
		for _, q := range sv.Questions[:first] {
			before[q.Name] = true
		}
		checkRelevant(v, "sections."+strconv.Itoa(i+1)+".relevant", s.Relevant, before)
	}
	for i, q := range sv.Questions {
		f := "questions." + strconv.Itoa(i+1)
		checkRelevant(v, f+".relevant", q.Relevant, asked)
		asked[q.Name] = true
		if col := personalQuestion(q); col != "" {
			v.Add(f+"."+col, "surveyform.error.personal")
		}
	}
	return v.Err()
}

func checkRelevant(v aldyn.Validation, field, cond string, asked map[string]bool) {
	e, err := ParseRelevant(cond)
	if err != nil {
		v.Add(field, "surveyform.error.relevant_syntax")
		return
	}
	for _, ref := range e.Refs() {
		if !asked[ref] {
			v.Add(field, "surveyform.error.relevant_unknown")
			return
		}
	}
}

// personalQuestion says where a question would collect personal data
// ("name" or "label", "" when it would not): its name, or the wording of a
// question the respondent types the answer to (a choice question about
// phone fraud asks for no phone number).
func personalQuestion(q aldyn.SurveyQuestion) string {
	if importer.PersonalHeader(strings.NewReplacer("_", " ", ".", " ", "-", " ").Replace(q.Name)) != "" {
		return "name"
	}
	if !q.Type.FreeEntry() {
		return ""
	}
	for i, t := range []string{q.Label.KY, q.Label.RU, q.Label.EN} {
		if importer.PersonalHeader(t) != "" {
			return "label::" + aldyn.Languages[i]
		}
	}
	return ""
}

package aldyn

import (
	"errors"
	"testing"
)

func validSurvey() *Survey {
	yes := []SurveyChoice{{Name: "yes", Label: Text{EN: "Yes"}}, {Name: "no", Label: Text{EN: "No"}}}
	return &Survey{Slug: "safety-2026", Title: Text{EN: "Safety"},
		Sections:  []SurveySection{{Name: "s1", Label: Text{EN: "Safety"}}},
		Questions: []SurveyQuestion{{Name: "safe", Type: QuestionSingle, Section: "s1", Label: Text{EN: "Safe?"}, Choices: yes}}}
}

func TestSurveyValidate(t *testing.T) {
	if err := validSurvey().Validate(); err != nil {
		t.Fatalf("a valid survey: %v", err)
	}
	designed := validSurvey()
	designed.Strata, designed.Clusters = ByTerritory, "safe"
	if err := designed.Validate(); err != nil {
		t.Fatalf("strata by territory, clusters by a question: %v", err)
	}
	for _, tt := range []struct {
		name  string
		edit  func(*Survey)
		field string
	}{
		{"slug with capitals", func(s *Survey) { s.Slug = "Safety" }, "slug"},
		{"no title", func(s *Survey) { s.Title = Text{} }, "title"},
		{"unknown status", func(s *Survey) { s.Status = "paused" }, "status"},
		{"unknown one-per", func(s *Survey) { s.OnePer = "person" }, "one_per"},
		{"no questions", func(s *Survey) { s.Questions = nil }, "questions"},
		{"bad question name", func(s *Survey) { s.Questions[0].Name = "1st" }, "questions.1.name"},
		{"unknown type", func(s *Survey) { s.Questions[0].Type = "geopoint" }, "questions.1.type"},
		{"unknown section", func(s *Survey) { s.Questions[0].Section = "s9" }, "questions.1.section"},
		{"one choice", func(s *Survey) { s.Questions[0].Choices = s.Questions[0].Choices[:1] }, "questions.1.choices"},
		{"choices on a number", func(s *Survey) { s.Questions[0].Type = QuestionInteger }, "questions.1.choices"},
		{"duplicate choice", func(s *Survey) { s.Questions[0].Choices[1].Name = "yes" }, "questions.1.choices.2.name"},
		{"choice without label", func(s *Survey) { s.Questions[0].Choices[1].Label = Text{} }, "questions.1.choices.2.label"},
		{"question named as a section", func(s *Survey) { s.Questions[0].Name = "s1" }, "questions.1.name"},
		{"strata by an unknown question", func(s *Survey) { s.Strata = "region" }, "strata"},
		{"clusters by an unknown question", func(s *Survey) { s.Clusters = "village" }, "clusters"},
		{"clusters by a multiple choice", func(s *Survey) { s.Questions[0].Type, s.Clusters = QuestionMultiple, "safe" }, "clusters"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s := validSurvey()
			tt.edit(s)
			var e *Error
			if err := s.Validate(); !errors.As(err, &e) || e.Fields[tt.field] == "" {
				t.Errorf("got %v, want a problem with %s", err, tt.field)
			}
		})
	}
}

func TestParseSurveyMeasure(t *testing.T) {
	m, err := ParseSurveyMeasure("survey:demo-safety-trust:safe_night=very_safe,rather_safe;sex=f")
	if err != nil || m.Slug != "demo-safety-trust" || m.Question != "safe_night" || len(m.Yes) != 2 || m.FilterQuestion != "sex" || m.FilterValue != "f" {
		t.Errorf("got %+v, %v", m, err)
	}
	if m, err := ParseSurveyMeasure("survey:s1:trust_police=rather_trust,fully_trust"); err != nil || m.FilterQuestion != "" {
		t.Errorf("without a filter: got %+v, %v", m, err)
	}
	for _, bad := range []string{"", "offenses:theft", "survey:Bad:q=a", "survey:s1:q", "survey:s1:q=", "survey:s1:q=a b", "survey:s1:q=a;sex", "survey:s1:1q=a"} {
		if _, err := ParseSurveyMeasure(bad); err == nil {
			t.Errorf("%q: parsed", bad)
		}
	}
}

package aldyn_test

import (
	"testing"

	"github.com/aldyn-kg/aldyn"
)

func TestTextIn(t *testing.T) {
	full := aldyn.Text{KY: "ky", RU: "ru", EN: "en"}
	for _, tc := range []struct {
		name string
		t    aldyn.Text
		lang string
		want string
	}{
		{"ky", full, "ky", "ky"},
		{"ru", full, "ru", "ru"},
		{"en", full, "en", "en"},
		{"unknown lang falls to en", full, "de", "en"},
		{"missing ru falls to en", aldyn.Text{KY: "ky", EN: "en"}, "ru", "en"},
		{"missing ky falls to en", aldyn.Text{RU: "ru", EN: "en"}, "ky", "en"},
		{"missing en falls to ru", aldyn.Text{KY: "ky", RU: "ru"}, "en", "ru"},
		{"only ky", aldyn.Text{KY: "ky"}, "en", "ky"},
		{"empty", aldyn.Text{}, "ru", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.t.In(tc.lang); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

// testConcept is a small taxonomy built as a literal, without Index.
func testConcept() *aldyn.Concept {
	return &aldyn.Concept{Components: []aldyn.Component{
		{Code: "4.1", Kind: aldyn.ComponentKindComponent, Title: aldyn.Text{EN: "Law"}, Tasks: []aldyn.Task{
			{Code: "4.1.1", Title: aldyn.Text{EN: "Improve"}}, {Code: "4.1.2", Title: aldyn.Text{EN: "Monitor"}},
		}},
		{Code: "5.1", Kind: aldyn.ComponentKindPriority, Title: aldyn.Text{EN: "Public places"}, Tasks: []aldyn.Task{
			{Code: "5.1.1", Title: aldyn.Text{EN: "Precinct analysis"}},
		}},
	}}
}

func TestConceptLookups(t *testing.T) {
	c := testConcept()
	if got := c.Component("5.1"); got == nil || got.Kind != aldyn.ComponentKindPriority {
		t.Errorf("Component(5.1): got %v", got)
	}
	if got := c.Task("4.1.2"); got == nil || got.Title.EN != "Monitor" {
		t.Errorf("Task(4.1.2): got %v", got)
	}
	for _, tc := range []struct {
		comp, task string
		want       bool
	}{
		{"4.1", "4.1.1", true},
		{"5.1", "5.1.1", true},
		{"5.1", "4.1.1", false},
		{"4.1", "4.1.9", false},
		{"", "4.1.1", false},
	} {
		if got := c.HasTask(tc.comp, tc.task); got != tc.want {
			t.Errorf("HasTask(%q, %q): got %v, want %v", tc.comp, tc.task, got, tc.want)
		}
	}
	var none *aldyn.Concept
	if none.Component("4.1") != nil || none.Task("4.1.1") != nil || none.HasTask("4.1", "4.1.1") {
		t.Error("nil Concept: lookups should find nothing")
	}
}

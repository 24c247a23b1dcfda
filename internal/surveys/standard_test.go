package surveys

import (
	"bytes"
	"reflect"
	"testing"

	"github.com/aldyn-kg/aldyn/internal/surveyform"
)

func TestStandardSurvey(t *testing.T) {
	sv := Standard("safety-2026", "41700000000000")
	if err := surveyform.Check(sv); err != nil {
		t.Fatalf("the standard survey does not pass its own checks: %v", err)
	}
	for _, q := range sv.Questions {
		if !q.Label.Complete() {
			t.Errorf("question %s lacks a translation: %+v", q.Name, q.Label)
		}
		for _, c := range q.Choices {
			if !c.Label.Complete() {
				t.Errorf("question %s choice %s lacks a translation", q.Name, c.Name)
			}
		}
	}
	var b bytes.Buffer
	if err := surveyform.Write(&b, sv); err != nil {
		t.Fatal(err)
	}
	back, err := surveyform.Read(&b)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back.Questions, sv.Questions) || !reflect.DeepEqual(back.Sections, sv.Sections) || back.Title != sv.Title {
		t.Error("the standard survey does not survive an XLSForm round trip")
	}
}

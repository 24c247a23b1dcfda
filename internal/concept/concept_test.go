package concept_test

import (
	"strings"
	"testing"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/concept"
)

func MustLoad(tb testing.TB) *aldyn.Concept {
	tb.Helper()
	c, err := concept.Load()
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

func TestLoadComponents(t *testing.T) {
	c := MustLoad(t)
	want := []string{"4.1", "4.2", "4.3", "4.4", "4.5", "4.6", "4.7", "5.1", "5.2", "5.3", "5.4", "5.5", "5.6"}
	if len(c.Components) != len(want) {
		t.Fatalf("got %d components, want %d", len(c.Components), len(want))
	}
	ntasks := 0
	for i, comp := range c.Components {
		if comp.Code != want[i] {
			t.Errorf("component %d: got code %s, want %s", i, comp.Code, want[i])
		}
		wantKind := aldyn.ComponentKindComponent
		if strings.HasPrefix(comp.Code, "5.") {
			wantKind = aldyn.ComponentKindPriority
		}
		if comp.Kind != wantKind {
			t.Errorf("%s: got kind %s, want %s", comp.Code, comp.Kind, wantKind)
		}
		if !comp.Title.Complete() {
			t.Errorf("%s: title missing a language: %+v", comp.Code, comp.Title)
		}
		if len(comp.Tasks) == 0 {
			t.Errorf("%s: no tasks", comp.Code)
		}
		for _, task := range comp.Tasks {
			ntasks++
			if !task.Title.Complete() {
				t.Errorf("task %s: title missing a language: %+v", task.Code, task.Title)
			}
			if got := c.Task(task.Code); got == nil || got.Code != task.Code {
				t.Errorf("Task(%s): got %v", task.Code, got)
			}
			if !c.HasTask(comp.Code, task.Code) {
				t.Errorf("HasTask(%s, %s): got false, want true", comp.Code, task.Code)
			}
		}
		if got := c.Component(comp.Code); got == nil || got.Code != comp.Code {
			t.Errorf("Component(%s): got %v", comp.Code, got)
		}
	}
	t.Logf("%d tasks", ntasks)
	if c.Component("4.8") != nil || c.Task("9.9.9") != nil {
		t.Error("lookup of unknown codes: got non-nil")
	}
	if c.HasTask("4.2", "4.1.1") {
		t.Error("HasTask(4.2, 4.1.1): got true, want false")
	}
	if got := c.Task("5.1.3").Title.In("ru"); !strings.Contains(got, "Безопасный город") {
		t.Errorf("5.1.3 ru: got %q", got)
	}
}

func TestLoadResults(t *testing.T) {
	c := MustLoad(t)
	if len(c.Results) != 8 {
		t.Fatalf("got %d results, want 8", len(c.Results))
	}
	for i, r := range c.Results {
		if r.N != i+1 {
			t.Errorf("result %d: got n=%d", i+1, r.N)
		}
		if !r.Title.Complete() {
			t.Errorf("result %d: title missing a language: %+v", r.N, r.Title)
		}
		if strings.Contains(r.Title.KY, "ырасталат") {
			t.Errorf("result %d: ky title still carries the verification clause: %q", r.N, r.Title.KY)
		}
		if !r.Verification.IsZero() && !r.Verification.Complete() {
			t.Errorf("result %d: verification missing a language: %+v", r.N, r.Verification)
		}
	}
	if got, want := c.Results[7].Title.RU, "Полное обеспечение финансирования Национального плана действий"; got != want {
		t.Errorf("result 8 ru: got %q, want %q", got, want)
	}
	if !c.Results[3].Verification.IsZero() {
		t.Errorf("result 4: got verification %+v, want none (the text states none)", c.Results[3].Verification)
	}
}

func TestLoadRisks(t *testing.T) {
	c := MustLoad(t)
	if len(c.Risks) != 3 {
		t.Fatalf("got %d risks, want 3 (§8)", len(c.Risks))
	}
	for i, r := range c.Risks {
		if r.N != i+1 {
			t.Errorf("risk %d: got n=%d", i+1, r.N)
		}
		if !r.Risk.Complete() || !r.Mitigation.Complete() {
			t.Errorf("risk %d: missing a language: %+v", r.N, r)
		}
	}
	if !strings.Contains(c.Risks[0].Risk.EN, "funding") || !strings.Contains(c.Risks[0].Risk.RU, "финансирования") {
		t.Errorf("risk 1: got %+v", c.Risks[0].Risk)
	}
	if !strings.Contains(c.Risks[1].Mitigation.RU, "Координационном совете") {
		t.Errorf("risk 2 mitigation ru: got %q", c.Risks[1].Mitigation.RU)
	}
}

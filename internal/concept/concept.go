// Package concept loads the taxonomy of the Concept of State Policy in the
// Field of Offense Prevention for 2022–2028 (components, thematic
// priorities and their tasks, overall results, risks) from the embedded
// concept.yaml into aldyn.Concept, filling the Russian translations the
// YAML lacks.
package concept

import (
	"fmt"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/refdata"
)

type text struct {
	KY *string `yaml:"ky"`
	RU *string `yaml:"ru"`
	EN *string `yaml:"en"`
}

func (t text) get() aldyn.Text {
	s := func(p *string) string {
		if p == nil {
			return ""
		}
		return strings.TrimSpace(*p)
	}
	return aldyn.Text{KY: s(t.KY), RU: s(t.RU), EN: s(t.EN)}
}

type file struct {
	Components []struct {
		Code  string `yaml:"code"`
		Kind  string `yaml:"kind"`
		Title text   `yaml:"title"`
		Tasks []struct {
			Code  string `yaml:"code"`
			Title text   `yaml:"title"`
		} `yaml:"tasks"`
	} `yaml:"components"`
	Results []struct {
		N            int `yaml:"n"`
		text         `yaml:",inline"`
		Verification text `yaml:"means_of_verification"`
	} `yaml:"overall_results"`
	Risks []struct {
		N          int  `yaml:"n"`
		Risk       text `yaml:"risk"`
		Mitigation text `yaml:"mitigation"`
	} `yaml:"risks"`
}

// kinds maps the YAML's kinds to the domain's.
var kinds = map[string]string{
	"component":         aldyn.ComponentKindComponent,
	"thematic_priority": aldyn.ComponentKindPriority,
}

// Load parses the embedded concept.yaml.
func Load() (*aldyn.Concept, error) { return parse(refdata.MustRead("concept.yaml")) }

func parse(b []byte) (*aldyn.Concept, error) {
	var f file
	if err := yaml.Unmarshal(b, &f); err != nil {
		return nil, fmt.Errorf("concept.yaml: %w", err)
	}
	c := &aldyn.Concept{}
	for _, fc := range f.Components {
		kind, ok := kinds[fc.Kind]
		if !ok {
			return nil, fmt.Errorf("concept.yaml: component %s: unknown kind %q", fc.Code, fc.Kind)
		}
		comp := aldyn.Component{Code: fc.Code, Kind: kind, Title: fc.Title.get()}
		for _, ft := range fc.Tasks {
			if !strings.HasPrefix(ft.Code, fc.Code+".") {
				return nil, fmt.Errorf("concept.yaml: task %s is not numbered under component %s", ft.Code, fc.Code)
			}
			comp.Tasks = append(comp.Tasks, aldyn.Task{Code: ft.Code, Title: ft.Title.get()})
		}
		c.Components = append(c.Components, comp)
	}
	for _, fr := range f.Results {
		r := aldyn.Result{N: fr.N, Title: fr.text.get(), Verification: fr.Verification.get()}
		// The Kyrgyz sentence ends with how the result is confirmed
		// ("…, бул … менен ырасталат"), which is kept apart as Verification.
		if v := r.Verification.KY; v != "" {
			r.Title.KY = strings.TrimSuffix(r.Title.KY, ", бул "+v)
		}
		if r.Title.RU == "" {
			tr, ok := resultsRU[r.N]
			if !ok {
				return nil, fmt.Errorf("concept.yaml: overall result %d has no Russian translation", r.N)
			}
			r.Title.RU = tr.title
			if r.Verification.RU == "" && !r.Verification.IsZero() {
				if tr.verification == "" {
					return nil, fmt.Errorf("concept.yaml: overall result %d: verification has no Russian translation", r.N)
				}
				r.Verification.RU = tr.verification
			}
		}
		c.Results = append(c.Results, r)
	}
	for _, fr := range f.Risks {
		r := aldyn.ConceptRisk{N: fr.N, Risk: fr.Risk.get(), Mitigation: fr.Mitigation.get()}
		if r.Risk.RU == "" || r.Mitigation.RU == "" {
			tr, ok := risksRU[r.N]
			if !ok {
				return nil, fmt.Errorf("concept.yaml: risk %d has no Russian translation", r.N)
			}
			if r.Risk.RU == "" {
				r.Risk.RU = tr.risk
			}
			if r.Mitigation.RU == "" {
				r.Mitigation.RU = tr.mitigation
			}
		}
		c.Risks = append(c.Risks, r)
	}
	c.Index()
	return c, nil
}

package aldyn

import "strings"

// Text is a string in the three languages of the platform.
type Text struct {
	KY string `json:"ky"`
	RU string `json:"ru"`
	EN string `json:"en"`
}

// In returns the text in lang; when that translation is missing it falls
// back to en, then ru, then ky.
func (t Text) In(lang string) string {
	switch lang {
	case "ky":
		if t.KY != "" {
			return t.KY
		}
	case "ru":
		if t.RU != "" {
			return t.RU
		}
	case "en":
		if t.EN != "" {
			return t.EN
		}
	}
	for _, s := range []string{t.EN, t.RU, t.KY} {
		if s != "" {
			return s
		}
	}
	return ""
}

// IsZero reports whether no language has text.
func (t Text) IsZero() bool {
	return strings.TrimSpace(t.KY) == "" && strings.TrimSpace(t.RU) == "" && strings.TrimSpace(t.EN) == ""
}

// Complete reports whether every language has text.
func (t Text) Complete() bool {
	return strings.TrimSpace(t.KY) != "" && strings.TrimSpace(t.RU) != "" && strings.TrimSpace(t.EN) != ""
}

// TrimSpace returns t with every language trimmed.
func (t Text) TrimSpace() Text {
	return Text{KY: strings.TrimSpace(t.KY), RU: strings.TrimSpace(t.RU), EN: strings.TrimSpace(t.EN)}
}

// maxLen is the longest translation in runes.
func (t Text) maxLen() int {
	return max(len([]rune(t.KY)), len([]rune(t.RU)), len([]rune(t.EN)))
}

// Kinds of the Concept's sections that plan measures are traced to.
const (
	ComponentKindComponent = "component" // implementation mechanisms, §4.1–4.7
	ComponentKindPriority  = "priority"  // thematic priorities, §5.1–5.6
)

// Concept is the taxonomy of the Concept of State Policy in the Field of
// Offense Prevention for 2022–2028 that plans are traced to: its
// components and thematic priorities with their tasks, its overall
// results (§7) and its risks (§8). internal/concept loads it.
type Concept struct {
	Components []Component   `json:"components"`
	Results    []Result      `json:"results"`
	Risks      []ConceptRisk `json:"risks"`

	components map[string]*Component
	tasks      map[string]*Task
	taskOf     map[string]string // task code → component code
}

// Component is an implementation mechanism (§4) or a thematic priority (§5).
type Component struct {
	Code  string `json:"code"` // "4.1" … "4.7", "5.1" … "5.6"
	Kind  string `json:"kind"` // ComponentKindComponent or ComponentKindPriority
	Title Text   `json:"title"`
	Tasks []Task `json:"tasks"`
}

// Task is a numbered task of a component or priority.
type Task struct {
	Code  string `json:"code"` // "4.1.1"
	Title Text   `json:"title"`
}

// Result is one of the Concept's overall expected results (§7).
type Result struct {
	N     int  `json:"n"`
	Title Text `json:"title"`
	// Verification is how the Concept says the result is confirmed; empty
	// where the text does not say.
	Verification Text `json:"verification"`
}

// ConceptRisk is a risk of the Concept's implementation and its mitigation (§8).
type ConceptRisk struct {
	N          int  `json:"n"`
	Risk       Text `json:"risk"`
	Mitigation Text `json:"mitigation"`
}

// index builds the lookup maps; it is called lazily so that a Concept
// built as a literal works too. Concept is read-only once loaded, but the
// lazy build is not safe for concurrent first use: loaders call Index.
func (c *Concept) index() {
	if c.components != nil {
		return
	}
	c.components = make(map[string]*Component, len(c.Components))
	c.tasks = map[string]*Task{}
	c.taskOf = map[string]string{}
	for i := range c.Components {
		comp := &c.Components[i]
		c.components[comp.Code] = comp
		for j := range comp.Tasks {
			c.tasks[comp.Tasks[j].Code] = &comp.Tasks[j]
			c.taskOf[comp.Tasks[j].Code] = comp.Code
		}
	}
}

// Index prepares the lookups of Component, Task and HasTask; call it once
// after building a Concept and before sharing it between goroutines.
func (c *Concept) Index() { c.components = nil; c.index() }

// Component returns the component or priority with code, or nil.
func (c *Concept) Component(code string) *Component {
	if c == nil {
		return nil
	}
	c.index()
	return c.components[code]
}

// Task returns the task with code, or nil.
func (c *Concept) Task(code string) *Task {
	if c == nil {
		return nil
	}
	c.index()
	return c.tasks[code]
}

// HasTask reports whether task belongs to component. It has the shape
// Measure.Validate takes.
func (c *Concept) HasTask(component, task string) bool {
	if c == nil {
		return false
	}
	c.index()
	return c.taskOf[task] == component
}

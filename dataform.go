package aldyn

import (
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// DataValue is one cell of a form: an element's value in one combination
// of its disaggregation ("" for an element reported as one total).
// Numeric elements fill Value, text elements Text.
type DataValue struct {
	Element string   `json:"element"`
	Combo   string   `json:"combo"`
	Value   *float64 `json:"value,omitempty"`
	Text    string   `json:"text,omitempty"`
}

// DataForm is what one body reports for one data set and period. It
// follows the plan reports' cycle (ReportStatus): draft, submitted,
// accepted or returned with a comment, resubmitted as a new Version.
type DataForm struct {
	ID          int64        `json:"id"`
	DataSetID   int64        `json:"data_set_id"`
	DataSetCode string       `json:"data_set_code"`
	BodyID      int64        `json:"body_id"`
	Period      string       `json:"period"`
	Status      ReportStatus `json:"status"`
	Values      []DataValue  `json:"values"`
	// Warnings are the soft rules the submitted values break, listed for
	// the coordinator.
	Warnings []RuleResult `json:"warnings"`
	Comment  string       `json:"comment"`
	Version  int          `json:"version"`
	Revision int          `json:"revision"`

	SubmittedBy      int64      `json:"submitted_by,omitempty"`
	SubmittedAt      *time.Time `json:"submitted_at,omitempty"`
	FirstSubmittedAt *time.Time `json:"first_submitted_at,omitempty"`
	DecidedBy        int64      `json:"decided_by,omitempty"`
	DecidedAt        *time.Time `json:"decided_at,omitempty"`
	CreatedAt        time.Time  `json:"created_at"`
	UpdatedAt        time.Time  `json:"updated_at"`

	// The reporting body's territory, filled by loads.
	TerritoryCode string `json:"territory_code"`
	TerritoryPath string `json:"-"`
}

// DataFormFilter selects forms. Under limits them to bodies of a territory
// path prefix.
type DataFormFilter struct {
	ID          *int64
	DataSetCode *string
	BodyID      *int64
	Period      *string
	Status      *ReportStatus
	Under       string
	Page        Page
}

// Value returns the form's cell, or nil.
func (f *DataForm) Value(element, combo string) *DataValue {
	for i := range f.Values {
		if f.Values[i].Element == element && f.Values[i].Combo == combo {
			return &f.Values[i]
		}
	}
	return nil
}

// CanEdit reports whether the body may still change the form.
func (f *DataForm) CanEdit() bool { return f.Status == ReportDraft || f.Status == ReportReturned }

// CellError is what is wrong with one cell of a form.
type CellError struct {
	Element string `json:"element"`
	Combo   string `json:"combo"`
	Key     string `json:"key"` // translation key
}

// booleans are the words yes/no cells take in the three languages.
var booleans = map[string]float64{
	"1": 1, "0": 0, "yes": 1, "no": 0, "true": 1, "false": 0,
	"да": 1, "нет": 0, "ооба": 1, "жок": 0,
}

// ParseValue reads the text of a cell of element e. An empty cell is no
// value (ok with a nil result). The error is a translation key.
func ParseValue(e *DataElement, raw string, sensitive bool) (*DataValue, string) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return nil, ""
	}
	if e.ValueType == ValueText {
		if len([]rune(raw)) > 2000 {
			return nil, "error.too_long"
		}
		if key := ScreenPersonalData(raw, sensitive); key != "" {
			return nil, key
		}
		return &DataValue{Element: e.Code, Text: raw}, ""
	}
	var n float64
	if e.ValueType == ValueBoolean {
		b, ok := booleans[strings.ToLower(raw)]
		if !ok {
			return nil, "datasets.error.value_boolean"
		}
		n = b
	} else {
		// Officials type "1 234,5" as often as "1234.5".
		s := strings.NewReplacer(" ", "", "\u00a0", "", "\u202f", "", ",", ".").Replace(raw)
		s = strings.TrimSuffix(s, "%")
		x, err := strconv.ParseFloat(s, 64)
		if err != nil || math.IsNaN(x) || math.IsInf(x, 0) || math.Abs(x) > 1e12 {
			return nil, "datasets.error.value_number"
		}
		switch e.ValueType {
		case ValueInteger:
			if x != math.Trunc(x) {
				return nil, "datasets.error.value_integer"
			}
		case ValuePercent:
			if x < 0 || x > 100 {
				return nil, "datasets.error.value_percent"
			}
		}
		n = x
	}
	return &DataValue{Element: e.Code, Value: &n}, ""
}

var (
	pinRe   = regexp.MustCompile(`(^|[^0-9])[12][0-9]{13}([^0-9]|$)`)
	phoneLi = regexp.MustCompile(`\+?[0-9][0-9 ()\-]{7,}[0-9]`)
	// Patronymics and the Kyrgyz "son of"/"daughter of" that follow names.
	patronymicRe = regexp.MustCompile(`(?i)\p{L}+(ович|евич|овна|евна|ична|инична)\b|\s(уулу|кызы)\b`)
)

// ScreenPersonalData returns a translation key when text looks like it
// holds a personal number (PIN), a phone number or, in a sensitive data
// set, a person's name (two capitalised words in a row, or a
// patronymic); "" otherwise. Comments of reported figures never carry
// who a case is about.
func ScreenPersonalData(text string, sensitive bool) string {
	if pinRe.MatchString(text) {
		return "datasets.error.text_pin"
	}
	for _, m := range phoneLi.FindAllString(text, -1) {
		digits := 0
		for _, c := range m {
			if c >= '0' && c <= '9' {
				digits++
			}
		}
		if digits >= 9 {
			return "datasets.error.text_phone"
		}
	}
	if !sensitive {
		return ""
	}
	if patronymicRe.MatchString(text) {
		return "datasets.error.text_name"
	}
	words := strings.FieldsFunc(text, func(r rune) bool { return !unicode.IsLetter(r) && r != '-' })
	capital := func(w string) bool {
		r := []rune(w)
		return len(r) >= 2 && unicode.IsUpper(r[0]) && unicode.IsLower(r[1])
	}
	for i := 1; i < len(words); i++ {
		if capital(words[i-1]) && capital(words[i]) {
			return "datasets.error.text_name"
		}
	}
	return ""
}

// SetValues replaces the form's values with those read from raw cells
// (element code → combination key → text), checking each against the
// data set; every bad cell is returned.
func (f *DataForm) SetValues(s *DataSet, raw map[string]map[string]string) []CellError {
	var bad []CellError
	var values []DataValue
	keys := map[string]map[string]bool{}
	for _, e := range s.Elements {
		cells := raw[e.Code]
		keys[e.Code] = map[string]bool{}
		for _, c := range e.Combos() {
			keys[e.Code][c.Key] = true
			v, key := ParseValue(e, cells[c.Key], s.Sensitive)
			if key != "" {
				bad = append(bad, CellError{Element: e.Code, Combo: c.Key, Key: key})
				continue
			}
			if v != nil {
				v.Combo = c.Key
				values = append(values, *v)
			}
		}
	}
	for code, cells := range raw {
		for combo := range cells {
			if !keys[code][combo] {
				bad = append(bad, CellError{Element: code, Combo: combo, Key: "datasets.error.unknown_cell"})
			}
		}
	}
	if len(bad) == 0 {
		f.Values = values
	}
	return bad
}

// CheckEntry refuses a change of the form by someone other than its body
// or after it was submitted.
func (f *DataForm) CheckEntry(a *Actor) error {
	if !a.CanSubmitReport(f.BodyID) {
		return Errorf(EFORBIDDEN, "datasets.error.entry_forbidden")
	}
	if !f.CanEdit() {
		return Errorf(ECONFLICT, "datasets.error.not_editable")
	}
	return nil
}

// Submit submits the form: refused, changing nothing, when it breaks a hard
// rule (the error's "rules" argument holds their messages in the actor's
// language); the soft rules it breaks become its Warnings.
func (f *DataForm) Submit(a *Actor, s *DataSet, rules []*ValidationRule, now time.Time) error {
	if err := f.CheckEntry(a); err != nil {
		return err
	}
	broken := f.CheckRules(s, rules)
	if hard := HardBroken(broken); len(hard) > 0 {
		msgs := make([]string, len(hard))
		for i, r := range hard {
			msgs[i] = r.Message.In(a.Lang)
		}
		e := Errorf(EINVALID, "datasets.error.hard_rules", "rules", strings.Join(msgs, "; "))
		e.Args["broken"] = hard
		return e
	}
	resubmission := f.Status == ReportReturned
	f.Status = ReportSubmitted
	if resubmission {
		f.Version++
	} else if f.Version < 1 {
		f.Version = 1
	}
	f.Warnings = broken
	t := now
	f.SubmittedAt, f.SubmittedBy = &t, a.UserID
	if f.FirstSubmittedAt == nil {
		f.FirstSubmittedAt = &t
	}
	f.DecidedAt, f.DecidedBy, f.UpdatedAt = nil, 0, now
	return nil
}

// CanReviewDataForm reports whether the actor may accept or return forms
// of a body at the territory with the given path: coordinators whose
// territory covers it.
func (a *Actor) CanReviewDataForm(bodyPath string) bool { return a.CanReviewReport(bodyPath) }

// Accept accepts a submitted form.
func (f *DataForm) Accept(a *Actor, comment string, now time.Time) error {
	return f.decide(a, ReportAccepted, comment, now)
}

// Return sends a submitted form back to its body; the comment is required.
func (f *DataForm) Return(a *Actor, comment string, now time.Time) error {
	return f.decide(a, ReportReturned, comment, now)
}

func (f *DataForm) decide(a *Actor, to ReportStatus, comment string, now time.Time) error {
	r := Report{Status: f.Status, SubmittedBy: f.SubmittedBy}
	if err := r.decide(a, f.TerritoryPath, to, comment, now); err != nil {
		return err
	}
	f.Status, f.Comment, f.DecidedAt, f.DecidedBy, f.UpdatedAt = r.Status, r.Comment, r.DecidedAt, r.DecidedBy, now
	return nil
}

// IsLate reports whether the form was first submitted after the deadline.
func (f *DataForm) IsLate(s *DataSet) bool {
	p, err := ParsePeriod(f.Period)
	if err != nil || f.FirstSubmittedAt == nil {
		return false
	}
	return f.FirstSubmittedAt.After(s.Deadline(p).AddDate(0, 0, 1))
}

// CanSeeDataForm reports whether the actor may read the form of a body at
// the territory with the given path: the body's own users, and the
// coordinators, analysts and administrators whose territory covers it.
// Another body's reporter does not see it, even in the same district.
func (a *Actor) CanSeeDataForm(bodyID int64, bodyPath string) bool {
	if a.Is(RoleReporter) {
		return a.BodyID == bodyID
	}
	return a.Is(RoleCoordinator, RoleAnalyst, RoleAdministrator) && a.Covers(bodyPath)
}

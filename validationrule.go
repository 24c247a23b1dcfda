package aldyn

import (
	"strings"
	"time"
)

// Rule severities.
const (
	RuleHard = "hard" // a form breaking it is refused
	RuleSoft = "soft" // a form breaking it is accepted with a warning the coordinator sees
)

// ValidationRule is a check over the values of a data set's form, written
// by an administrator as an expression (see ParseRule), e.g.
// "orders_breached <= orders_issued". It applies to every version of the
// data set whose elements it names.
type ValidationRule struct {
	ID          int64     `json:"id"`
	DataSetCode string    `json:"data_set_code"`
	Code        string    `json:"code"`
	Expression  string    `json:"expression"`
	Severity    string    `json:"severity"`
	Message     Text      `json:"message"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
}

// ValidationRuleFilter selects validation rules.
type ValidationRuleFilter struct {
	ID          *int64
	DataSetCode *string
	Page        Page
}

// Validate checks the rule's fields and parses its expression; CheckRefs
// then checks the elements it names against a data set.
func (r *ValidationRule) Validate() error {
	v := Validation{}
	r.Code, r.DataSetCode, r.Expression = strings.TrimSpace(r.Code), strings.TrimSpace(r.DataSetCode), strings.TrimSpace(r.Expression)
	if !ValidCode(r.Code) {
		v.Add("code", "datasets.error.code")
	}
	if !ValidCode(r.DataSetCode) {
		v.Add("data_set_code", "datasets.error.code")
	}
	if r.Expression == "" {
		v.Add("expression", "error.required")
	} else if _, err := ParseRule(r.Expression); err != nil {
		v.Add("expression", ErrorMessage(err))
	}
	if r.Severity != RuleHard && r.Severity != RuleSoft {
		v.Add("severity", "datasets.error.severity")
	}
	validateText(v, "message", &r.Message, 500)
	return v.Err()
}

// CheckRefs checks that every element the rule names is a numeric element
// of the data set and every option one of its disaggregation's.
func (r *ValidationRule) CheckRefs(s *DataSet) error {
	x, err := ParseRule(r.Expression)
	if err != nil {
		return (Validation{"expression": ErrorMessage(err)}).Err()
	}
	for _, ref := range x.Refs() {
		e := s.Element(ref.Code)
		if e == nil || !e.Numeric() {
			return &Error{Code: EINVALID, Message: "datasets.error.unknown_element", Args: map[string]any{"code": ref.Code},
				Fields: map[string]string{"expression": "datasets.error.unknown_element_short"}}
		}
		if ref.Option != "" && !e.Disaggregation.HasOption(ref.Option) {
			return &Error{Code: EINVALID, Message: "datasets.error.unknown_option", Args: map[string]any{"code": ref.Code, "option": ref.Option},
				Fields: map[string]string{"expression": "datasets.error.unknown_option_short"}}
		}
	}
	return nil
}

// RuleResult is a rule a form breaks.
type RuleResult struct {
	Code       string `json:"code"`
	Expression string `json:"expression"`
	Severity   string `json:"severity"`
	Message    Text   `json:"message"`
}

// CheckRules evaluates rules on the form's values (a missing value counts
// as 0, as an empty cell does in a paper form) and returns those broken.
// A rule naming an element the form's version does not have does not
// apply.
func (f *DataForm) CheckRules(s *DataSet, rules []*ValidationRule) []RuleResult {
	var out []RuleResult
	for _, r := range rules {
		x, err := ParseRule(r.Expression)
		if err != nil || r.CheckRefs(s) != nil {
			continue
		}
		holds, ok := x.Holds(f.sum(s))
		if ok && !holds {
			out = append(out, RuleResult{Code: r.Code, Expression: r.Expression, Severity: r.Severity, Message: r.Message})
		}
	}
	return out
}

// sum returns the getter of rule values: an element's total, or its
// values in the combinations containing an option.
func (f *DataForm) sum(s *DataSet) func(ValueRef) float64 {
	return func(ref ValueRef) float64 {
		e := s.Element(ref.Code)
		total := 0.0
		for _, v := range f.Values {
			if v.Element != ref.Code || v.Value == nil {
				continue
			}
			if ref.Option != "" && !comboHas(e, v.Combo, ref.Option) {
				continue
			}
			total += *v.Value
		}
		return total
	}
}

func comboHas(e *DataElement, key, option string) bool {
	if e == nil || e.Disaggregation == nil {
		return false
	}
	for _, part := range strings.Split(key, ",") {
		if part == option {
			return true
		}
	}
	return false
}

// HardBroken returns the hard rules among results.
func HardBroken(results []RuleResult) []RuleResult {
	var out []RuleResult
	for _, r := range results {
		if r.Severity == RuleHard {
			out = append(out, r)
		}
	}
	return out
}

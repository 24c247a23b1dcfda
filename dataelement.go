package aldyn

import (
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Reported figures (issue 19) follow DHIS2's aggregate model: a data
// element is one figure a body reports (orders issued, participants
// trained), optionally broken down by a disaggregation (sex × age group);
// data sets group elements into a form reported per body and period.

// Value types of a data element.
const (
	ValueInteger = "integer"
	ValueNumber  = "number"
	ValuePercent = "percent"
	ValueBoolean = "boolean" // yes = 1, no = 0
	ValueText    = "text"    // comments only: never counted or shown outside the form
)

// ValueTypes lists every value type.
var ValueTypes = []string{ValueInteger, ValueNumber, ValuePercent, ValueBoolean, ValueText}

// Aggregations: how an element's values combine over bodies, territories
// and periods.
const (
	AggregateSum     = "sum"
	AggregateAverage = "average"
	AggregateLast    = "last" // the latest period's value (staff on a date)
)

// Aggregations lists every aggregation.
var Aggregations = []string{AggregateSum, AggregateAverage, AggregateLast}

var elementCodeRe = regexp.MustCompile(`^[a-z][a-z0-9_]{0,62}$`)
var optionCodeRe = regexp.MustCompile(`^[a-z0-9][a-z0-9_]{0,62}$`)

// ValidCode reports whether s is a data element, data set or rule code:
// lower-case Latin letters, digits and underscores, starting with a letter,
// so that a rule can name it.
func ValidCode(s string) bool { return elementCodeRe.MatchString(s) }

// CategoryOption is one value of a category ("female", "age_14_17").
type CategoryOption struct {
	Code string `json:"code"`
	Name Text   `json:"name"`
}

// Category is one dimension of a disaggregation (sex, age group).
type Category struct {
	Code    string           `json:"code"`
	Name    Text             `json:"name"`
	Options []CategoryOption `json:"options"`
}

// Disaggregation is a category combination (DHIS2's category combo): the
// cells of an element's grid are every combination of one option of each
// category.
type Disaggregation struct {
	ID         int64      `json:"id"`
	Code       string     `json:"code"`
	Name       Text       `json:"name"`
	Categories []Category `json:"categories"`
	CreatedAt  time.Time  `json:"created_at"`
	UpdatedAt  time.Time  `json:"updated_at"`
}

// Limits of a disaggregation, so that a form stays a form.
const (
	MaxCategories = 3
	MaxOptions    = 30
	MaxCombos     = 200
)

// Validate checks a disaggregation's codes, names and size. Each bad
// field of a category or option is reported under its own name,
// "categories.0.code", "categories.0.options.2.name_ky", so that a form
// shows every one; the number of categories and of cells under
// "categories".
func (d *Disaggregation) Validate() error {
	v := Validation{}
	validateCodeName(v, &d.Code, &d.Name)
	if len(d.Categories) == 0 || len(d.Categories) > MaxCategories {
		v.Add("categories", "datasets.error.categories")
	}
	seen := map[string]bool{}
	combos := 1
	for i := range d.Categories {
		c := &d.Categories[i]
		cf := "categories." + strconv.Itoa(i) + "."
		c.Code = strings.TrimSpace(c.Code)
		switch {
		case !ValidCode(c.Code):
			v.Add(cf+"code", "datasets.error.code")
		case seen["c:"+c.Code]:
			v.Add(cf+"code", "datasets.error.category_code")
		}
		seen["c:"+c.Code] = true
		validateText(v, cf+"name", &c.Name, 300)
		if len(c.Options) < 2 || len(c.Options) > MaxOptions {
			v.Add(cf+"options", "datasets.error.options")
		}
		combos *= max(len(c.Options), 1)
		for j := range c.Options {
			o := &c.Options[j]
			of := cf + "options." + strconv.Itoa(j) + "."
			o.Code = strings.TrimSpace(o.Code)
			// Options are unique across the whole combination, so that
			// element[option] names one of them.
			if !optionCodeRe.MatchString(o.Code) || seen["o:"+o.Code] {
				v.Add(of+"code", "datasets.error.option_code")
			}
			seen["o:"+o.Code] = true
			validateText(v, of+"name", &o.Name, 300)
		}
	}
	if combos > MaxCombos {
		v.Add("categories", "datasets.error.too_many_combos")
	}
	return v.Err()
}

// Combo is one cell of a disaggregation: an option of each category, in
// category order. Key is their codes joined with ",".
type Combo struct {
	Key     string           `json:"key"`
	Options []CategoryOption `json:"options"`
}

// Name returns the combination's label in lang ("female, 14–17").
func (c Combo) Name(lang string) string {
	parts := make([]string, len(c.Options))
	for i, o := range c.Options {
		parts[i] = o.Name.In(lang)
	}
	return strings.Join(parts, ", ")
}

// Has reports whether option is part of the combination.
func (c Combo) Has(option string) bool {
	for _, o := range c.Options {
		if o.Code == option {
			return true
		}
	}
	return false
}

// Combos lists every combination, the last category varying fastest. A
// nil disaggregation has the one combination "" (the total).
func (d *Disaggregation) Combos() []Combo {
	if d == nil || len(d.Categories) == 0 {
		return []Combo{{}}
	}
	out := []Combo{{}}
	for _, c := range d.Categories {
		next := make([]Combo, 0, len(out)*len(c.Options))
		for _, prev := range out {
			for _, o := range c.Options {
				opts := append(append([]CategoryOption{}, prev.Options...), o)
				key := o.Code
				if prev.Key != "" {
					key = prev.Key + "," + o.Code
				}
				next = append(next, Combo{Key: key, Options: opts})
			}
		}
		out = next
	}
	return out
}

// HasOption reports whether code is an option of one of the categories.
func (d *Disaggregation) HasOption(code string) bool {
	if d == nil {
		return false
	}
	for _, c := range d.Categories {
		for _, o := range c.Options {
			if o.Code == code {
				return true
			}
		}
	}
	return false
}

// DataElement is one figure a body reports.
type DataElement struct {
	ID          int64  `json:"id"`
	Code        string `json:"code"`
	Name        Text   `json:"name"`
	Description Text   `json:"description"`
	ValueType   string `json:"value_type"`
	Unit        Text   `json:"unit"`
	Aggregation string `json:"aggregation"`
	// DisaggregationID is 0 for an element reported as one total.
	DisaggregationID int64     `json:"disaggregation_id,omitempty"`
	CreatedAt        time.Time `json:"created_at"`
	UpdatedAt        time.Time `json:"updated_at"`

	// Disaggregation is filled by loads that join it.
	Disaggregation *Disaggregation `json:"disaggregation,omitempty"`
}

// DataElementFilter selects data elements.
type DataElementFilter struct {
	ID    *int64
	Code  *string
	Codes []string
	Q     string
	Page  Page
}

// Validate checks a data element's fields; the store checks the
// disaggregation exists.
func (e *DataElement) Validate() error {
	v := Validation{}
	validateCodeName(v, &e.Code, &e.Name)
	for f, t := range map[string]*Text{"description": &e.Description, "unit": &e.Unit} {
		if *t = t.TrimSpace(); t.maxLen() > 2000 {
			v.Add(f, "error.too_long")
		}
	}
	if !oneOf(e.ValueType, ValueTypes) {
		v.Add("value_type", "datasets.error.value_type")
	}
	if e.Aggregation == "" {
		e.Aggregation = AggregateSum
	}
	if !oneOf(e.Aggregation, Aggregations) {
		v.Add("aggregation", "datasets.error.aggregation")
	}
	if e.ValueType == ValueText && e.DisaggregationID != 0 {
		v.Add("disaggregation_id", "datasets.error.text_disaggregated")
	}
	return v.Err()
}

// Numeric reports whether the element's values are counted.
func (e *DataElement) Numeric() bool { return e.ValueType != ValueText }

// Combos lists the cells of the element's grid.
func (e *DataElement) Combos() []Combo { return e.Disaggregation.Combos() }

func oneOf(s string, list []string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// validateText requires the text in the three languages, each at most max
// characters; errors go to field_ky, field_ru, field_en.
func validateText(v Validation, field string, t *Text, max int) {
	*t = t.TrimSpace()
	for lang, s := range map[string]string{"ky": t.KY, "ru": t.RU, "en": t.EN} {
		v.requireText(field+"_"+lang, s, max)
	}
}

// validateCodeName trims and checks the code and the name of a data set,
// a data element or a disaggregation.
func validateCodeName(v Validation, code *string, name *Text) {
	*code = strings.TrimSpace(*code)
	if !ValidCode(*code) {
		v.Add("code", "datasets.error.code")
	}
	validateText(v, "name", name, 300)
}

// DataRefPrefix starts the numerator (and a percentage's denominator) of
// an indicator computed from reported figures: "data:po_issued" or
// "data:staff[female]".
const DataRefPrefix = "data:"

var dataRefRe = regexp.MustCompile(`^data:([a-z][a-z0-9_]{0,62})(?:\[([a-z0-9][a-z0-9_]{0,62})\])?$`)

// ParseDataRef reads a "data:element[option]" reference.
func ParseDataRef(s string) (ValueRef, bool) {
	m := dataRefRe.FindStringSubmatch(strings.TrimSpace(s))
	if m == nil {
		return ValueRef{}, false
	}
	return ValueRef{Code: m[1], Option: m[2]}, true
}

// validateDataRefs checks an indicator computed from reported figures: a
// count (number), a rate per 100,000 residents of a count, or a
// percentage of one reference over another.
func validateDataRefs(v Validation, ind *Indicator) {
	if ind.OffenseCategory != "" {
		v.Add("offense_category", "indicator.error.category_manual")
	}
	if _, ok := ParseDataRef(ind.Numerator); !ok {
		v.Add("numerator", "datasets.error.indicator_ref")
	}
	switch ind.Kind {
	case IndicatorRate:
		ind.Denominator = DenominatorPopulation
	case IndicatorPercent:
		if _, ok := ParseDataRef(ind.Denominator); !ok {
			v.Add("denominator", "datasets.error.indicator_ref")
		}
	default:
		ind.Denominator = ""
	}
}

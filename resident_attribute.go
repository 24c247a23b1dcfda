package aldyn

import (
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Attributes of a residents' report category: the questions a category
// asks beyond the description, as Open311 GeoReport v2 service
// definitions describe them (code, datatype, required, order, description,
// datatype_description and, for the list types, values). The answers are
// stored with the report by attribute code.

// Attribute datatypes, the specification's.
const (
	AttributeString          = "string"
	AttributeNumber          = "number"
	AttributeDatetime        = "datetime"
	AttributeText            = "text"
	AttributeSingleValueList = "singlevaluelist"
	AttributeMultiValueList  = "multivaluelist"
)

// AttributeDatatypes are the datatypes an attribute may have.
var AttributeDatatypes = []string{AttributeString, AttributeNumber, AttributeDatetime, AttributeText,
	AttributeSingleValueList, AttributeMultiValueList}

// Limits of attributes and their answers.
const (
	MaxCategoryAttributes = 20
	MaxAttributeValues    = 50
	maxAttributeString    = 200
	maxAttributeText      = 2000
	maxAttributeLabel     = 500
)

// CategoryAttribute is one question of a category.
type CategoryAttribute struct {
	Code                string           `json:"code"`
	Datatype            string           `json:"datatype"`
	Required            bool             `json:"required"`
	Order               int              `json:"order"`
	Description         Text             `json:"description"`
	DatatypeDescription Text             `json:"datatype_description"`
	Values              []AttributeValue `json:"values"`
}

// AttributeValue is one choice of a list attribute.
type AttributeValue struct {
	Key  string `json:"key"`
	Name Text   `json:"name"`
}

// IsList says whether the attribute's answer is chosen from its values.
func (a *CategoryAttribute) IsList() bool {
	return a.Datatype == AttributeSingleValueList || a.Datatype == AttributeMultiValueList
}

// ValueName is the name of the list value key in lang, or the key.
func (a *CategoryAttribute) ValueName(key, lang string) string {
	for _, v := range a.Values {
		if v.Key == key {
			return v.Name.In(lang)
		}
	}
	return key
}

// validateAttributes checks a category's attributes; every problem is
// an error of the field "attributes" (the first one found).
func validateAttributes(v Validation, as []CategoryAttribute) {
	if len(as) > MaxCategoryAttributes {
		v.Add("attributes", "residents.error.attribute_count")
	}
	codes := map[string]bool{}
	for i := range as {
		a := &as[i]
		a.Code, a.Datatype = strings.TrimSpace(a.Code), strings.TrimSpace(a.Datatype)
		a.Description, a.DatatypeDescription = a.Description.TrimSpace(), a.DatatypeDescription.TrimSpace()
		switch {
		case len(a.Code) > 64 || !categoryCodeRe.MatchString(a.Code):
			v.Add("attributes", "residents.error.attribute_code")
		case codes[a.Code]:
			v.Add("attributes", "residents.error.attribute_code_twice")
		case !slices.Contains(AttributeDatatypes, a.Datatype):
			v.Add("attributes", "residents.error.attribute_datatype")
		case a.Description.KY == "" || a.Description.RU == "" || a.Description.EN == "":
			v.Add("attributes", "residents.error.attribute_description")
		case a.Description.maxLen() > maxAttributeLabel || a.DatatypeDescription.maxLen() > maxAttributeLabel:
			v.Add("attributes", "error.too_long")
		case a.IsList() && len(a.Values) == 0:
			v.Add("attributes", "residents.error.attribute_values")
		case !a.IsList() && len(a.Values) > 0:
			v.Add("attributes", "residents.error.attribute_values_list_only")
		case len(a.Values) > MaxAttributeValues:
			v.Add("attributes", "residents.error.attribute_values_count")
		}
		codes[a.Code] = true
		keys := map[string]bool{}
		for j := range a.Values {
			x := &a.Values[j]
			x.Key, x.Name = strings.TrimSpace(x.Key), x.Name.TrimSpace()
			switch {
			case len(x.Key) > 64 || !categoryCodeRe.MatchString(x.Key):
				v.Add("attributes", "residents.error.attribute_key")
			case keys[x.Key]:
				v.Add("attributes", "residents.error.attribute_key_twice")
			case x.Name.KY == "" || x.Name.RU == "" || x.Name.EN == "":
				v.Add("attributes", "residents.error.attribute_value_name")
			case x.Name.maxLen() > maxAttributeLabel:
				v.Add("attributes", "error.too_long")
			}
			keys[x.Key] = true
		}
	}
	// The order the questions are asked in.
	slices.SortStableFunc(as, func(a, b CategoryAttribute) int { return a.Order - b.Order })
}

// AttributeAnswers are a report's answers by attribute code: one value,
// or several for a multivaluelist.
type AttributeAnswers map[string][]string

// AttributeField is the name of an attribute's answer in a form, in
// Open311's POST requests and in errors: attribute[code].
func AttributeField(code string) string { return "attribute[" + code + "]" }

// attributeZone reads a date and time written without a zone (a form's
// datetime-local) as Bishkek time.
var attributeZone = time.FixedZone("+06", 6*3600)

// CheckAnswers checks answers against the category's attributes and
// returns them cleaned: values trimmed, empty ones and unknown codes left
// out, numbers and dates and times written one way. Each bad answer is an
// error of its field, AttributeField(code).
func (c *ResidentCategory) CheckAnswers(in AttributeAnswers) (AttributeAnswers, error) {
	v := Validation{}
	out := AttributeAnswers{}
	for i := range c.Attributes {
		a := &c.Attributes[i]
		field := AttributeField(a.Code)
		var vals []string
		for _, s := range in[a.Code] {
			if s = strings.TrimSpace(s); s != "" && !slices.Contains(vals, s) {
				vals = append(vals, s)
			}
		}
		if len(vals) == 0 {
			if a.Required {
				v.Add(field, "residents.error.attribute_required")
			}
			continue
		}
		if len(vals) > 1 && a.Datatype != AttributeMultiValueList {
			v.Add(field, "residents.error.attribute_one_value")
			continue
		}
		for k, s := range vals {
			switch a.Datatype {
			case AttributeSingleValueList, AttributeMultiValueList:
				if !slices.ContainsFunc(a.Values, func(x AttributeValue) bool { return x.Key == s }) {
					v.Add(field, "residents.error.attribute_unknown_value")
				}
			case AttributeNumber:
				f, err := strconv.ParseFloat(strings.Replace(s, ",", ".", 1), 64)
				if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
					v.Add(field, "residents.error.attribute_number")
					break
				}
				vals[k] = strconv.FormatFloat(f, 'f', -1, 64)
			case AttributeDatetime:
				t, err := time.Parse(time.RFC3339, s)
				if err != nil {
					t, err = time.ParseInLocation("2006-01-02T15:04", s, attributeZone)
				}
				if err != nil {
					v.Add(field, "residents.error.attribute_datetime")
					break
				}
				vals[k] = t.Format(time.RFC3339)
			case AttributeString:
				if len([]rune(s)) > maxAttributeString {
					v.Add(field, "error.too_long")
				}
			case AttributeText:
				if len([]rune(s)) > maxAttributeText {
					v.Add(field, "error.too_long")
				}
			}
		}
		out[a.Code] = vals
	}
	return out, v.Err()
}

// AttributeAnswer is one answer as a page shows it.
type AttributeAnswer struct {
	Question string `json:"question"`
	Answer   string `json:"answer"`
}

// AnswersIn lists the answers to the category's attributes in their
// order, list values by their names in lang. public leaves out every
// answer but the list ones: only the values an administrator wrote are
// shown on public pages, never what a resident typed, which may name
// people and which moderation does not read.
func (c *ResidentCategory) AnswersIn(answers AttributeAnswers, lang string, public bool) []AttributeAnswer {
	var out []AttributeAnswer
	for i := range c.Attributes {
		a := &c.Attributes[i]
		vals := answers[a.Code]
		if len(vals) == 0 || public && !a.IsList() {
			continue
		}
		names := make([]string, len(vals))
		for k, s := range vals {
			names[k] = s
			if a.IsList() {
				names[k] = a.ValueName(s, lang)
			}
		}
		out = append(out, AttributeAnswer{Question: a.Description.In(lang), Answer: strings.Join(names, ", ")})
	}
	return out
}

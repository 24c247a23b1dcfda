package aldyn_test

import (
	"slices"
	"testing"

	"github.com/aldyn-kg/aldyn"
)

func listAttribute(code string, keys ...string) aldyn.CategoryAttribute {
	a := aldyn.CategoryAttribute{Code: code, Datatype: aldyn.AttributeSingleValueList, Order: 1,
		Description: aldyn.Text{KY: "Коркунучтун түрү", RU: "Вид опасности", EN: "Kind of hazard"}}
	for _, k := range keys {
		a.Values = append(a.Values, aldyn.AttributeValue{Key: k, Name: aldyn.Text{KY: "Жарык жок", RU: "Нет освещения", EN: "No lighting"}})
	}
	return a
}

func attributeCategory(as ...aldyn.CategoryAttribute) *aldyn.ResidentCategory {
	return &aldyn.ResidentCategory{Code: "dangerous_road", Name: aldyn.Text{KY: "Жол", RU: "Дорога", EN: "Road"},
		BodyTypes: []string{"police"}, DeadlineDays: 10, Attributes: as}
}

// TestCategoryAttributesValidate breaks every rule of a category's
// questions once; each is an error of the field "attributes".
func TestCategoryAttributesValidate(t *testing.T) {
	if err := attributeCategory(listAttribute("hazard_kind", "no_lighting", "potholes")).Validate(); err != nil {
		t.Fatalf("a good list question: %v", err)
	}
	cases := []struct {
		name, key string
		change    func(a *aldyn.CategoryAttribute) []aldyn.CategoryAttribute
	}{
		{"unknown datatype", "residents.error.attribute_datatype", func(a *aldyn.CategoryAttribute) []aldyn.CategoryAttribute {
			a.Datatype = "picklist"
			return nil
		}},
		{"list type without values", "residents.error.attribute_values", func(a *aldyn.CategoryAttribute) []aldyn.CategoryAttribute {
			a.Datatype, a.Values = aldyn.AttributeMultiValueList, nil
			return nil
		}},
		{"values on a number", "residents.error.attribute_values_list_only", func(a *aldyn.CategoryAttribute) []aldyn.CategoryAttribute {
			a.Datatype = aldyn.AttributeNumber
			return nil
		}},
		{"code with capitals", "residents.error.attribute_code", func(a *aldyn.CategoryAttribute) []aldyn.CategoryAttribute {
			a.Code = "Hazard Kind"
			return nil
		}},
		{"no code", "residents.error.attribute_code", func(a *aldyn.CategoryAttribute) []aldyn.CategoryAttribute {
			a.Code = ""
			return nil
		}},
		{"code twice", "residents.error.attribute_code_twice", func(a *aldyn.CategoryAttribute) []aldyn.CategoryAttribute {
			return []aldyn.CategoryAttribute{*a, listAttribute(a.Code, "x")}
		}},
		{"key twice", "residents.error.attribute_key_twice", func(a *aldyn.CategoryAttribute) []aldyn.CategoryAttribute {
			a.Values[1].Key = a.Values[0].Key
			return nil
		}},
		{"bad key shape", "residents.error.attribute_key", func(a *aldyn.CategoryAttribute) []aldyn.CategoryAttribute {
			a.Values[0].Key = "no lighting!"
			return nil
		}},
		{"no Kyrgyz wording", "residents.error.attribute_description", func(a *aldyn.CategoryAttribute) []aldyn.CategoryAttribute {
			a.Description.KY = " "
			return nil
		}},
		{"a value without its English name", "residents.error.attribute_value_name", func(a *aldyn.CategoryAttribute) []aldyn.CategoryAttribute {
			a.Values[1].Name.EN = ""
			return nil
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a := listAttribute("hazard_kind", "no_lighting", "potholes")
			as := c.change(&a)
			if as == nil {
				as = []aldyn.CategoryAttribute{a}
			}
			err := attributeCategory(as...).Validate()
			e, ok := err.(*aldyn.Error)
			if !ok || e.Fields["attributes"] != c.key {
				t.Fatalf("got %v, want attributes: %s", err, c.key)
			}
		})
	}
}

// TestCategoryCheckAnswers breaks every rule of the answers once, each an
// error of attribute[code]; good answers come back cleaned.
func TestCategoryCheckAnswers(t *testing.T) {
	text := func(code, dt string, required bool) aldyn.CategoryAttribute {
		return aldyn.CategoryAttribute{Code: code, Datatype: dt, Required: required, Order: 5, Description: aldyn.Text{KY: "Суроо", RU: "Вопрос", EN: "Question"}}
	}
	hazard := listAttribute("hazard_kind", "no_lighting", "potholes")
	hazard.Required = true
	multi := listAttribute("time_of_day", "morning", "night")
	multi.Datatype = aldyn.AttributeMultiValueList
	c := attributeCategory(hazard, multi, text("cars", aldyn.AttributeNumber, false),
		text("seen_at", aldyn.AttributeDatetime, false), text("details", aldyn.AttributeText, false))
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	good := aldyn.AttributeAnswers{"hazard_kind": {" potholes "}, "time_of_day": {"night", "morning", "night"}, "cars": {"3,5"},
		"seen_at": {"2026-03-01T18:30"}, "details": {"Түнкүсүн караңгы"}, "not_asked": {"x"}}
	got, err := c.CheckAnswers(good)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got["hazard_kind"], []string{"potholes"}) || !slices.Equal(got["time_of_day"], []string{"night", "morning"}) ||
		got["cars"][0] != "3.5" || got["seen_at"][0] != "2026-03-01T18:30:00+06:00" || got["not_asked"] != nil {
		t.Fatalf("cleaned answers: %v", got)
	}
	cases := []struct {
		name, field, key string
		answers          aldyn.AttributeAnswers
	}{
		{"required missing", "attribute[hazard_kind]", "residents.error.attribute_required", aldyn.AttributeAnswers{"hazard_kind": {" "}}},
		{"unknown key", "attribute[hazard_kind]", "residents.error.attribute_unknown_value", aldyn.AttributeAnswers{"hazard_kind": {"ufo"}}},
		{"unknown key in a multivaluelist", "attribute[time_of_day]", "residents.error.attribute_unknown_value",
			aldyn.AttributeAnswers{"hazard_kind": {"potholes"}, "time_of_day": {"night", "noon"}}},
		{"two values of a singlevaluelist", "attribute[hazard_kind]", "residents.error.attribute_one_value",
			aldyn.AttributeAnswers{"hazard_kind": {"potholes", "no_lighting"}}},
		{"not a number", "attribute[cars]", "residents.error.attribute_number", aldyn.AttributeAnswers{"hazard_kind": {"potholes"}, "cars": {"many"}}},
		{"not a finite number", "attribute[cars]", "residents.error.attribute_number", aldyn.AttributeAnswers{"hazard_kind": {"potholes"}, "cars": {"NaN"}}},
		{"bad datetime", "attribute[seen_at]", "residents.error.attribute_datetime", aldyn.AttributeAnswers{"hazard_kind": {"potholes"}, "seen_at": {"yesterday"}}},
		{"text too long", "attribute[details]", "error.too_long", aldyn.AttributeAnswers{"hazard_kind": {"potholes"}, "details": {string(make([]rune, 2001))}}},
	}
	for _, k := range cases {
		t.Run(k.name, func(t *testing.T) {
			_, err := c.CheckAnswers(k.answers)
			e, ok := err.(*aldyn.Error)
			if !ok || e.Fields[k.field] != k.key {
				t.Fatalf("got %v, want %s: %s", err, k.field, k.key)
			}
		})
	}
	// Public pages show list answers only, by their names; staff all.
	pub := c.AnswersIn(got, "ru", true)
	if len(pub) != 2 || pub[0].Question != "Вид опасности" || pub[0].Answer != "Нет освещения" {
		t.Errorf("public answers: %+v", pub)
	}
	if all := c.AnswersIn(got, "ky", false); len(all) != 5 || all[4].Answer != "Түнкүсүн караңгы" {
		t.Errorf("staff answers: %+v", all)
	}
}

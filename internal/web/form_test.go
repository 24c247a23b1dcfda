package web

import (
	"encoding/json"
	"maps"
	"net/http/httptest"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aldyn-kg/aldyn"
)

// entityForms are the forms with the API schema of their JSON, each with
// a value whose every field is set.
func entityForms() map[string]entityForm {
	day := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	tx := aldyn.Text{KY: "ky", RU: "ru", EN: "en"}
	attendance, reportID := 12, int64(9)
	return map[string]entityForm{
		"BodyInput": bodyForm{&aldyn.Body{TerritoryCode: "41708203000000", Type: "police", NameKy: "a", NameRu: "b", NameEn: "c", Address: "d", Phone: "+996 312 000 000",
			Email: "e@example.kg", Website: "https://example.kg", ContactPerson: "f", DirectPhone: "+996 312 000 001", Notes: "g"}},
		"PlanInput": planForm{&aldyn.Plan{Kind: aldyn.PlanJoint, Title: tx, TerritoryCode: "41708203000000", OwnerBodyID: 3, StartYear: 2026, EndYear: 2028,
			RequiredSignatures: []int64{3, 5}, Evidence: []aldyn.PlanEvidence{{Kind: "survey", Note: "n1"}, {Kind: "other", Note: "n2"}}}},
		"MeasureInput": measureForm{&aldyn.Measure{Code: "1.1", ComponentCode: "4.3", TaskCode: "4.3.1", Title: tx, Description: tx, ExpectedResult: tx,
			ResponsibleBodyID: 3, CoExecutorIDs: []int64{4, 5}, Start: day, Due: day.AddDate(0, 6, 0), IndicatorIDs: []int64{7}, Cancelled: true,
			Budget: []aldyn.BudgetLine{{Source: "local", Funder: "f", AmountKGS: 1000}, {Source: "partners", AmountKGS: 20}}}},
		"IndicatorInput": indicatorForm{&aldyn.Indicator{Code: "I1", Name: tx, Unit: "u", HigherIsBetter: true, Kind: aldyn.IndicatorRate, Numerator: "n",
			Denominator: "d", Source: aldyn.IndicatorOffenses, OffenseCategory: "theft", Disaggregation: aldyn.DisaggregationTerritory, Verification: tx,
			Frequency: aldyn.FrequencyQuarterly, BaselineValue: 12.5, BaselineYear: 2025, Targets: []aldyn.IndicatorTarget{{Year: 2026, Value: 10}, {Year: 2027, Value: 8.5}}}},
		"MeetingInput":  meetingForm{&aldyn.Meeting{BodyID: 3, Date: day, Agenda: tx, Minutes: "m", Status: aldyn.MeetingStatus("held"), Participants: []int64{4, 5}}},
		"DecisionInput": decisionForm{&aldyn.Decision{Text: "t", ResponsibleBodyID: 4, Deadline: &day, Status: aldyn.DecisionStatus("done"), Progress: "p"}},
		"QuestionInput": questionForm{&aldyn.Question{Kind: "question", FromBodyID: 3, ToBodyID: 4, Subject: "s", Text: "t"}},
		"ResidentCategoryInput": residentCategoryForm{&aldyn.ResidentCategory{Code: "stray_dogs", Name: tx, Description: tx,
			BodyTypes: []string{"police", "local_government"}, DeadlineDays: 12, Public: true, Sensitive: true, Active: true, Position: 7,
			Attributes: []aldyn.CategoryAttribute{{Code: "when", Datatype: aldyn.AttributeSingleValueList, Required: true, Order: 1, Description: tx,
				DatatypeDescription: tx, Values: []aldyn.AttributeValue{{Key: "night", Name: tx}, {Key: "day", Name: tx}}}}}},
		"RiskInput": riskForm{&aldyn.Risk{Text: tx, Mitigation: tx, OwnerBodyID: 3, Likelihood: 4, Impact: 2, Status: aldyn.RiskStatus("open")}},
		"DataElementInput": dataElementForm{&aldyn.DataElement{Code: "po_issued", Name: tx, Description: tx, ValueType: aldyn.ValueInteger, Unit: tx,
			Aggregation: aldyn.AggregateLast, DisaggregationID: 4}},
		"DataSetInput": dataSetForm{&aldyn.DataSet{Code: "po", Name: tx, Description: tx, PeriodType: aldyn.PeriodQuarter, BodyTypes: []string{"court", "police"},
			Level: aldyn.LevelDistrict, OpenDays: 3, DeadlineDays: 15, CloseDays: 30, Sensitive: true, ElementIDs: []int64{5, 2}}},
		"ValidationRuleInput": validationRuleForm{&aldyn.ValidationRule{DataSetCode: "po", Code: "r1", Expression: "a <= b", Severity: aldyn.RuleSoft, Message: tx}},
		"ReportBackMeetingInput": reportBackForm{&aldyn.ReportBackMeeting{PrecinctCode: "41708203000000-P1", BodyID: 3, InspectorName: "n", InspectorRole: aldyn.InspectorJuvenile,
			StartsAt: time.Date(2026, 3, 1, 4, 30, 0, 0, time.UTC), Place: "p", Status: aldyn.ReportBackHeld, NotHeldReason: "r", Attendance: &attendance,
			Issues: []aldyn.ReportBackIssue{{ID: 9, Text: "t1", Answer: "a1", CategoryID: 2, ReportID: &reportID}, {Text: "t2", Answer: "a2"}}}},
		"ReportBackIssueModeration": issueModerationForm{&aldyn.IssueModeration{Published: true, Redactions: []string{"Асанов Бакыт", "Айгүл"}}},
		"VictimServiceInput": victimServiceForm{&aldyn.VictimService{Name: tx, Kind: "shelter", TerritoryCode: "41708203000000", Address: "a", Hours: "h",
			Phones: []string{"+996 312 000 201", "+996 555 000 202"}, Serves: []string{"women", "children"}, Lat: new(42.8), Lon: new(74.6), Free: true, Active: true}},
		"UserInput": userForm{&aldyn.User{Login: "aida", Name: "Aida", Role: aldyn.RoleCoordinator, BodyID: 3, Lang: "ky"}, false},
		"UserPatch": userForm{&aldyn.User{Name: "Aida", Role: aldyn.RoleCoordinator, BodyID: 3, Lang: "ru", Disabled: true}, true},
		"CycleInput": cycleForm{&aldyn.ReportingCycle{Period: "2026-Q1", From: day, To: day.AddDate(0, 1, -1),
			Deadline: time.Date(2026, 4, 10, 17, 59, 59, 0, time.UTC)}}, // the end of 10 April in Bishkek
		"PrecinctInput": precinctForm{&aldyn.Territory{Code: "41708203000000-7", ParentCode: "41708203000000", NameKy: "a", NameRu: "b", NameEn: "c",
			Lat: ptr(42.87), Lon: ptr(74.59)}, new(string)},
		"ReportInput": newReportForm(&aldyn.Report{CycleID: 4, MeasureID: 5, Progress: 40, Narrative: "n", Evidence: []string{"https://example.kg/a", "https://example.kg/b"},
			Spent:  []aldyn.BudgetLine{{Source: "local", AmountKGS: 1000}, {Source: "partners", Funder: "f", AmountKGS: 20}},
			Values: []aldyn.IndicatorValue{{IndicatorID: 7, Period: "2026-Q1", Value: 12.5}}, Revision: 3},
			&aldyn.Measure{Budget: []aldyn.BudgetLine{{Source: "local", AmountKGS: 5000}, {Source: "partners", Funder: "f", AmountKGS: 90}}},
			[]formIndicator{{Indicator: &aldyn.Indicator{ID: 7}, Period: "2026-Q1", Field: "value_7"}}),
	}
}

// TestFormsMatchOpenAPI: an entity's form reads the JSON fields the API
// document names for its input, no more and no fewer.
func TestFormsMatchOpenAPI(t *testing.T) {
	for name, e := range entityForms() {
		schema, ok := schemas[name].(map[string]any)
		if !ok {
			t.Errorf("%s: no schema", name)
			continue
		}
		documented := slices.Sorted(maps.Keys(schema["properties"].(map[string]any)))
		read := slices.Sorted(maps.Keys(e.fields()))
		if !slices.Equal(documented, read) {
			t.Errorf("%s: the document names %v, the form reads %v", name, documented, read)
		}
	}
}

// TestFormRoundTrip: a value shown in its form and posted back, or
// written as JSON and read back, is the value again.
func TestFormRoundTrip(t *testing.T) {
	for name, e := range entityForms() {
		want := reflect.ValueOf(e).Field(0).Elem().Interface()
		fresh := func() entityForm {
			v := reflect.New(reflect.TypeOf(e)).Elem()
			v.Set(reflect.ValueOf(e)) // the form's other fields, such as a user's being new
			v.Field(0).Set(reflect.New(reflect.TypeOf(want)))
			return v.Interface().(entityForm)
		}
		value := func(f entityForm) any { return reflect.ValueOf(f).Field(0).Elem().Interface() }

		r := httptest.NewRequest("POST", "/", strings.NewReader(showForm(e).Encode()))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		got := fresh()
		if _, err := readForm(r, got); err != nil {
			t.Errorf("%s form: %v", name, err)
		} else if !reflect.DeepEqual(value(got), want) {
			t.Errorf("%s form:\n got %+v\nwant %+v", name, value(got), want)
		}

		body := formJSON(t, e)
		r = httptest.NewRequest("POST", "/", strings.NewReader(body))
		got = fresh()
		if err := readJSON(r, got); err != nil {
			t.Errorf("%s JSON %s: %v", name, body, err)
		} else if !reflect.DeepEqual(value(got), want) {
			t.Errorf("%s JSON:\n got %+v\nwant %+v", name, value(got), want)
		}
	}
}

// formJSON is the API's JSON of a form's value: the value's own JSON,
// only the form's fields, days as YYYY-MM-DD.
func formJSON(tb testing.TB, e entityForm) string {
	tb.Helper()
	b, err := json.Marshal(reflect.ValueOf(e).Field(0).Interface())
	if err != nil {
		tb.Fatal(err)
	}
	var all map[string]any
	if err := json.Unmarshal(b, &all); err != nil {
		tb.Fatal(err)
	}
	out := map[string]any{}
	for name := range e.fields() {
		v := all[name]
		if s, ok := v.(string); ok {
			if tm, err := time.Parse(time.RFC3339, s); err == nil && !strings.HasSuffix(name, "_at") {
				v = tm.Format(time.DateOnly)
			}
		}
		out[name] = v
	}
	if b, err = json.Marshal(out); err != nil {
		tb.Fatal(err)
	}
	return string(b)
}

// TestFormRefusesBadValues: a value that cannot be parsed is an error
// naming its field, in a form and in JSON; an unknown JSON field is
// refused.
func TestFormRefusesBadValues(t *testing.T) {
	for _, c := range []struct {
		form, json, field string
	}{
		{"start_year=twenty", `{"start_year":"twenty"}`, "start_year"},
		{"required_signatures=x", `{"required_signatures":["x"]}`, "required_signatures"},
		{"", `{"evidence":[{"kind":"survey","page":1}]}`, "page"},
		{"", `{"colour":"red"}`, "colour"},
	} {
		if c.form != "" {
			r := httptest.NewRequest("POST", "/", strings.NewReader(c.form))
			r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			_, err := readForm(r, planForm{&aldyn.Plan{}})
			if e, ok := err.(*aldyn.Error); !ok || e.Fields[c.field] == "" {
				t.Errorf("form %q: got %v, want an error on %s", c.form, err, c.field)
			}
		}
		err := readJSON(httptest.NewRequest("POST", "/", strings.NewReader(c.json)), planForm{&aldyn.Plan{}})
		if e, ok := err.(*aldyn.Error); !ok || e.Fields[c.field] == "" && e.Args["field"] != c.field {
			t.Errorf("JSON %s: got %v, want an error naming %s", c.json, err, c.field)
		}
	}
	for _, bad := range []string{"deadline=31.12.2026", "responsible_body_id=one"} {
		r := httptest.NewRequest("POST", "/", strings.NewReader(bad))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		field, _, _ := strings.Cut(bad, "=")
		if _, err := readForm(r, decisionForm{&aldyn.Decision{}}); err == nil || err.(*aldyn.Error).Fields[field] == "" {
			t.Errorf("%s: got %v, want an error on %s", bad, err, field)
		}
	}
}

// TestFormRefusesBadValuesOfEachEntity: each form's values that cannot be
// parsed are errors naming their fields.
func TestFormRefusesBadValuesOfEachEntity(t *testing.T) {
	for _, c := range []struct {
		form  entityForm
		body  string
		field string
	}{
		{userForm{&aldyn.User{}, false}, "login=a&body_id=three", "body_id"},
		{cycleForm{&aldyn.ReportingCycle{}}, "from=1.4.2026", "from"},
		{cycleForm{&aldyn.ReportingCycle{}}, "to=2026-13-01", "to"},
		{cycleForm{&aldyn.ReportingCycle{}}, "deadline=tomorrow", "deadline"},
		{precinctForm{&aldyn.Territory{}, new(string)}, "lat=north", "lat"},
		{precinctForm{&aldyn.Territory{}, new(string)}, "lon=74.5.9", "lon"},
		{reportForm{&aldyn.Report{}, nil, nil}, "progress=half", "progress"},
		{reportForm{&aldyn.Report{}, []formBudgetLine{{Field: "spent_0"}}, nil}, "spent_0=-5", "spent_0"},
		{reportForm{&aldyn.Report{}, nil, []formIndicator{{Indicator: &aldyn.Indicator{ID: 7}, Field: "value_7"}}}, "value_7=many", "value_7"},
	} {
		r := httptest.NewRequest("POST", "/", strings.NewReader(c.body))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if _, err := readForm(r, c.form); err == nil || err.(*aldyn.Error).Fields[c.field] == "" {
			t.Errorf("%T %s: got %v, want an error on %s", c.form, c.body, err, c.field)
		}
	}
	// A precinct's bad boundary is reported together with its bad point.
	f := precinctForm{&aldyn.Territory{}, new(string)}
	r := httptest.NewRequest("POST", "/", strings.NewReader("lat=north&boundary=%7B%22type%22%3A%22Point%22%7D"))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	form, err := readForm(r, f)
	if _, err = f.check(err); form == nil || err == nil || err.(*aldyn.Error).Fields["lat"] == "" || err.(*aldyn.Error).Fields["boundary"] == "" {
		t.Errorf("form: got %v, want errors on lat and boundary", err)
	}
}

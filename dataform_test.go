package aldyn

import (
	"testing"
	"time"
)

func testRules() []*ValidationRule {
	return []*ValidationRule{
		{Code: "breach_le_issued", DataSetCode: "protection", Expression: "breached <= issued", Severity: RuleHard,
			Message: Text{"Бузулган буйруктар берилгенден көп болбойт", "Нарушенных предписаний не может быть больше выданных", "Breached orders cannot exceed issued"}},
		{Code: "minors_few", DataSetCode: "protection", Expression: "issued[age_0_17] * 2 <= issued", Severity: RuleSoft,
			Message: Text{"Балдар көп", "Много несовершеннолетних", "Many minors"}},
	}
}

func TestDataFormSetValues(t *testing.T) {
	s := testDataSet()
	f := &DataForm{DataSetID: s.ID, BodyID: 3, Status: ReportDraft}
	bad := f.SetValues(s, map[string]map[string]string{
		"issued":   {"female,age_0_17": "1 200", "male,age_18": "2,5", "female,age_18": ""},
		"breached": {"": "x"},
		"note":     {"": "Асанов Бакыт кайра келди"},
		"unknown":  {"": "1"},
	})
	want := map[string]string{"issued|male,age_18": "datasets.error.value_integer", "breached|": "datasets.error.value_number",
		"note|": "datasets.error.text_name", "unknown|": "datasets.error.unknown_cell"}
	if len(bad) != len(want) {
		t.Fatalf("got %v, want %v", bad, want)
	}
	for _, b := range bad {
		if want[b.Element+"|"+b.Combo] != b.Key {
			t.Errorf("got %v", b)
		}
	}
	if len(f.Values) != 0 {
		t.Errorf("values set despite bad cells: %v", f.Values)
	}
	if bad := f.SetValues(s, map[string]map[string]string{"issued": {"female,age_0_17": "1 200", "male,age_18": "2"}, "breached": {"": "3"}}); len(bad) != 0 {
		t.Fatal(bad)
	}
	if v := f.Value("issued", "female,age_0_17"); v == nil || *v.Value != 1200 {
		t.Errorf("got %v", v)
	}
}

func TestParseValue(t *testing.T) {
	pct := &DataElement{Code: "p", ValueType: ValuePercent}
	yn := &DataElement{Code: "b", ValueType: ValueBoolean}
	num := &DataElement{Code: "n", ValueType: ValueNumber}
	for _, c := range []struct {
		e    *DataElement
		raw  string
		want float64
		key  string
	}{
		{pct, "45,5%", 45.5, ""}, {pct, "101", 0, "datasets.error.value_percent"}, {pct, "-1", 0, "datasets.error.value_percent"},
		{yn, "Ооба", 1, ""}, {yn, "нет", 0, ""}, {yn, "maybe", 0, "datasets.error.value_boolean"},
		{num, "-3.25", -3.25, ""}, {num, "1e400", 0, "datasets.error.value_number"}, {num, "NaN", 0, "datasets.error.value_number"},
	} {
		v, key := ParseValue(c.e, c.raw, false)
		if key != c.key || (key == "" && *v.Value != c.want) {
			t.Errorf("%s %q: got %v %q, want %v %q", c.e.ValueType, c.raw, v, key, c.want, c.key)
		}
	}
}

func TestScreenPersonalData(t *testing.T) {
	for _, c := range []struct {
		text      string
		sensitive bool
		key       string
	}{
		{"Келишим 21204199000123 боюнча", false, "datasets.error.text_pin"},
		{"чалыңыз +996 555 123 456", false, "datasets.error.text_phone"},
		{"чалыңыз 0555123456", false, "datasets.error.text_phone"},
		{"Асанов Бакыт", true, "datasets.error.text_name"},
		{"жабырлануучу Айгүл Асан кызы", true, "datasets.error.text_name"},
		{"потерпевшая Петрова Ивановна", true, "datasets.error.text_name"},
		{"Асанов Бакыт", false, ""},
		{"Отчёт за 2024 год, 15 случаев в Чүй облусу", true, ""},
		{"3 буйрук бузулду", true, ""},
	} {
		if got := ScreenPersonalData(c.text, c.sensitive); got != c.key {
			t.Errorf("%q: got %q, want %q", c.text, got, c.key)
		}
	}
}

func TestDataFormRulesAndCycle(t *testing.T) {
	s := testDataSet()
	now := time.Date(2024, 4, 10, 9, 0, 0, 0, time.UTC)
	reporter := &Actor{UserID: 10, Role: RoleReporter, BodyID: 3, TerritoryPath: "/41700000000000/41702000000000/41702205000000/", Lang: "ky"}
	other := &Actor{UserID: 11, Role: RoleReporter, BodyID: 4, TerritoryPath: reporter.TerritoryPath, Lang: "ru"}
	coord := &Actor{UserID: 20, Role: RoleCoordinator, BodyID: 9, TerritoryPath: "/41700000000000/41702000000000/41702205000000/", Lang: "ru"}
	elsewhere := &Actor{UserID: 21, Role: RoleCoordinator, BodyID: 8, TerritoryPath: "/41700000000000/41702000000000/41702210000000/"}
	f := &DataForm{DataSetID: s.ID, BodyID: 3, Status: ReportDraft, TerritoryPath: "/41700000000000/41702000000000/41702205000000/"}
	f.SetValues(s, map[string]map[string]string{"issued": {"female,age_0_17": "1", "female,age_18": "2"}, "breached": {"": "5"}})

	if err := f.Submit(other, s, testRules(), now); ErrorCode(err) != EFORBIDDEN {
		t.Fatalf("another body submitted: %v", err)
	}
	err := f.Submit(reporter, s, testRules(), now)
	if ErrorCode(err) != EINVALID {
		t.Fatalf("hard rule: got %v", err)
	}
	if e := err.(*Error); e.Args["rules"] != "Бузулган буйруктар берилгенден көп болбойт" {
		t.Errorf("message %v, want the rule's Kyrgyz message", e.Args["rules"])
	}
	if f.Status != ReportDraft || f.SubmittedAt != nil || f.Version != 0 {
		t.Errorf("a refused submission changed the form: %+v", f)
	}

	f.SetValues(s, map[string]map[string]string{"issued": {"female,age_0_17": "3", "female,age_18": "2"}, "breached": {"": "5"}})
	if err := f.Submit(reporter, s, testRules(), now); err != nil {
		t.Fatal(err)
	}
	if f.Status != ReportSubmitted || len(f.Warnings) != 1 || f.Warnings[0].Code != "minors_few" || f.Version != 1 {
		t.Fatalf("got %s warnings %v version %d", f.Status, f.Warnings, f.Version)
	}
	if err := f.CheckEntry(reporter); ErrorCode(err) != ECONFLICT {
		t.Errorf("a submitted form is editable: %v", err)
	}
	if err := f.Accept(elsewhere, "", now); ErrorCode(err) != EFORBIDDEN {
		t.Errorf("a coordinator of another district accepted: %v", err)
	}
	if err := f.Return(coord, "", now); ErrorCode(err) != EINVALID {
		t.Errorf("returned without a comment: %v", err)
	}
	if err := f.Return(coord, "Проверьте возраст", now); err != nil || f.Status != ReportReturned {
		t.Fatalf("return: %v %s", err, f.Status)
	}
	if err := f.Submit(reporter, s, testRules(), now.Add(time.Hour)); err != nil || f.Version != 2 {
		t.Fatalf("resubmit: %v version %d", err, f.Version)
	}
	if err := f.Accept(coord, "", now); err != nil || f.Status != ReportAccepted {
		t.Fatalf("accept: %v %s", err, f.Status)
	}
	if f.IsLate(s) {
		t.Error("on time form late")
	}
	late := time.Date(2024, 4, 16, 1, 0, 0, 0, time.UTC)
	f.Period, f.FirstSubmittedAt = "2024Q1", &late
	if !f.IsLate(s) {
		t.Error("late form on time")
	}
}

func TestValidationRuleRefs(t *testing.T) {
	s := testDataSet()
	for _, c := range []struct {
		expr, key string
	}{
		{"breached <= issued[female]", ""},
		{"breached <= orders", "datasets.error.unknown_element"},
		{"note <= 1", "datasets.error.unknown_element"},
		{"breached <= issued[urban]", "datasets.error.unknown_option"},
		{"breached <= breached[female]", "datasets.error.unknown_option"},
	} {
		r := &ValidationRule{Code: "r", DataSetCode: "protection", Expression: c.expr, Severity: RuleSoft, Message: Text{"a", "b", "c"}}
		if err := r.Validate(); err != nil {
			t.Fatalf("%s: %v", c.expr, err)
		}
		if got := ErrorMessage(r.CheckRefs(s)); (c.key == "" && r.CheckRefs(s) != nil) || (c.key != "" && got != c.key) {
			t.Errorf("%s: got %q, want %q", c.expr, got, c.key)
		}
	}
	r := &ValidationRule{Code: "r", DataSetCode: "protection", Expression: "breached <=", Severity: "fatal"}
	err := r.Validate()
	e, _ := err.(*Error)
	if e == nil || e.Fields["expression"] != "datasets.error.expression_end" || e.Fields["severity"] == "" || e.Fields["message_ky"] == "" {
		t.Errorf("got %v", err)
	}
}

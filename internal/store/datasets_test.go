package store_test

import (
	"testing"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/store"
)

// mustProtectionDataSet designs the quarterly protection orders data set
// reported by district police: orders issued by sex and age, breached,
// and a comment; a hard rule (breached ≤ issued) and a soft one.
func mustProtectionDataSet(tb testing.TB, f *meetingFixture) *aldyn.DataSet {
	tb.Helper()
	admin := &aldyn.Actor{UserID: 99, Role: aldyn.RoleAdministrator, TerritoryPath: "/" + kyrgyzstan + "/"}
	d := &aldyn.Disaggregation{Code: "sex_age", Name: aldyn.Text{KY: "Жынысы жана жашы", RU: "Пол и возраст", EN: "Sex and age"}, Categories: []aldyn.Category{
		{Code: "sex", Name: aldyn.Text{KY: "Жынысы", RU: "Пол", EN: "Sex"}, Options: []aldyn.CategoryOption{
			{Code: "female", Name: aldyn.Text{KY: "аял", RU: "женщины", EN: "female"}}, {Code: "male", Name: aldyn.Text{KY: "эркек", RU: "мужчины", EN: "male"}}}},
		{Code: "age", Name: aldyn.Text{KY: "Жашы", RU: "Возраст", EN: "Age"}, Options: []aldyn.CategoryOption{
			{Code: "age_0_17", Name: aldyn.Text{KY: "0–17", RU: "0–17", EN: "0–17"}}, {Code: "age_18", Name: aldyn.Text{KY: "18+", RU: "18+", EN: "18+"}}}},
	}}
	if err := f.db.CreateDisaggregation(f.ctx, admin, d); err != nil {
		tb.Fatal(err)
	}
	el := func(code, typ string, disagg int64) int64 {
		e := &aldyn.DataElement{Code: code, Name: aldyn.Text{KY: code + " ky", RU: code + " ru", EN: code}, ValueType: typ, DisaggregationID: disagg}
		if err := f.db.CreateDataElement(f.ctx, admin, e); err != nil {
			tb.Fatal(err)
		}
		return e.ID
	}
	s := &aldyn.DataSet{Code: "protection", Name: aldyn.Text{KY: "Коргоо ордерлери", RU: "Охранные ордера", EN: "Protection orders"},
		PeriodType: aldyn.PeriodQuarter, BodyTypes: []string{"police"}, Level: aldyn.LevelDistrict, DeadlineDays: 15, Sensitive: true,
		ElementIDs: []int64{el("issued", aldyn.ValueInteger, d.ID), el("breached", aldyn.ValueInteger, 0), el("note", aldyn.ValueText, 0)}}
	if err := f.db.CreateDataSet(f.ctx, admin, s); err != nil {
		tb.Fatal(err)
	}
	for _, r := range []*aldyn.ValidationRule{
		{DataSetCode: "protection", Code: "breached_le_issued", Expression: "breached <= issued", Severity: aldyn.RuleHard,
			Message: aldyn.Text{KY: "Бузулгандар берилгенден ашпайт", RU: "Нарушенных не больше выданных", EN: "Breached cannot exceed issued"}},
		{DataSetCode: "protection", Code: "minors_half", Expression: "issued[age_0_17] * 2 <= issued", Severity: aldyn.RuleSoft,
			Message: aldyn.Text{KY: "Балдар көп", RU: "Много детей", EN: "Many minors"}},
	} {
		if err := f.db.CreateValidationRule(f.ctx, admin, r); err != nil {
			tb.Fatal(err)
		}
	}
	s, err := f.db.ActivateDataSet(f.ctx, admin, s.ID)
	if err != nil {
		tb.Fatal(err)
	}
	return s
}

func TestDataSetDesign(t *testing.T) {
	f := mustMeetingFixture(t)
	s := mustProtectionDataSet(t, f)
	if s.Status != aldyn.DataSetActive || len(s.Elements) != 3 || s.Elements[0].Disaggregation == nil || len(s.Elements[0].Combos()) != 4 {
		t.Fatalf("got %+v", s)
	}
	admin := &aldyn.Actor{UserID: 99, Role: aldyn.RoleAdministrator, TerritoryPath: "/" + kyrgyzstan + "/"}
	district := &aldyn.Actor{UserID: 98, Role: aldyn.RoleAdministrator, TerritoryPath: f.coordA.TerritoryPath}
	e := &aldyn.DataElement{Code: "trained", Name: aldyn.Text{KY: "a", RU: "b", EN: "c"}, ValueType: aldyn.ValueInteger}
	if err := f.db.CreateDataElement(f.ctx, district, e); aldyn.ErrorCode(err) != aldyn.EFORBIDDEN {
		t.Errorf("a district administrator designed an element: %v", err)
	}
	e.Code = "issued"
	if err := f.db.CreateDataElement(f.ctx, admin, e); err == nil || err.(*aldyn.Error).Fields["code"] != "datasets.error.code_taken" {
		t.Errorf("duplicate code: %v", err)
	}
	bad := &aldyn.ValidationRule{DataSetCode: "protection", Code: "x", Expression: "breached <= orders", Severity: aldyn.RuleHard,
		Message: aldyn.Text{KY: "a", RU: "b", EN: "c"}}
	if err := f.db.CreateValidationRule(f.ctx, admin, bad); aldyn.ErrorMessage(err) != "datasets.error.unknown_element" {
		t.Errorf("rule over an unknown element: %v", err)
	}
	if err := f.db.UpdateDataSet(f.ctx, admin, s.ID, s); aldyn.ErrorCode(err) != aldyn.ECONFLICT {
		t.Errorf("an active data set was edited in place: %v", err)
	}
}

func TestDataFormCycle(t *testing.T) {
	f := mustMeetingFixture(t)
	s := mustProtectionDataSet(t, f)
	f.clock = f.clock.AddDate(0, 1, 0) // 10 April 2025: 2025Q1 is open
	entry := func(cells map[string]map[string]string, rev int) store.FormEntry {
		return store.FormEntry{DataSetCode: "protection", BodyID: f.policeA.ID, Period: "2025Q1", Cells: cells, Revision: rev}
	}
	f.repA.Lang = "ru"

	// A bad cell and a hard rule both leave nothing behind.
	_, err := f.db.EnterDataForm(f.ctx, f.repA, entry(map[string]map[string]string{"issued": {"female,age_18": "два"}}, 0), false)
	if e, ok := err.(*aldyn.Error); !ok || e.Fields["cell:issued:female,age_18"] != "datasets.error.value_number" {
		t.Fatalf("bad cell: %v", err)
	}
	_, err = f.db.EnterDataForm(f.ctx, f.repA, entry(map[string]map[string]string{"issued": {"female,age_18": "2"}, "breached": {"": "3"}}, 0), true)
	if e, ok := err.(*aldyn.Error); !ok || e.Message != "datasets.error.hard_rules" || e.Args["rules"] != "Нарушенных не больше выданных" {
		t.Fatalf("hard rule: %v", err)
	}
	if got, err := f.db.FindDataForm(f.ctx, "protection", f.policeA.ID, "2025Q1"); err != nil || got != nil {
		t.Fatalf("a refused entry left a form: %v %v", got, err)
	}

	// Another body cannot enter this body's form.
	other := &aldyn.Actor{UserID: 7, Role: aldyn.RoleReporter, BodyID: f.commA.ID, TerritoryPath: f.coordA.TerritoryPath}
	if _, err := f.db.EnterDataForm(f.ctx, other, entry(nil, 0), false); aldyn.ErrorCode(err) != aldyn.EFORBIDDEN {
		t.Errorf("another body entered the form: %v", err)
	}

	form, err := f.db.EnterDataForm(f.ctx, f.repA, entry(map[string]map[string]string{"issued": {"female,age_18": "2", "female,age_0_17": "3"}, "breached": {"": "1"},
		"note": {"": "ордерлер үй-бүлөлүк зомбулук боюнча"}}, 0), false)
	if err != nil {
		t.Fatal(err)
	}
	if form.Status != aldyn.ReportDraft || form.Revision != 1 {
		t.Fatalf("draft: %+v", form)
	}
	if _, err := f.db.EnterDataForm(f.ctx, f.repA, entry(map[string]map[string]string{"breached": {"": "1"}}, 0), false); aldyn.ErrorCode(err) != aldyn.ECONFLICT {
		t.Errorf("a stale entry was saved: %v", err)
	}
	form, err = f.db.EnterDataForm(f.ctx, f.repA, entry(map[string]map[string]string{"issued": {"female,age_18": "2", "female,age_0_17": "3"}, "breached": {"": "1"}}, 1), true)
	if err != nil {
		t.Fatal(err)
	}
	if form.Status != aldyn.ReportSubmitted || len(form.Warnings) != 1 || form.Warnings[0].Code != "minors_half" {
		t.Fatalf("submitted: %s %v", form.Status, form.Warnings)
	}

	if _, err := f.db.DecideDataForm(f.ctx, f.coordB, form.ID, true, ""); aldyn.ErrorCode(err) != aldyn.EFORBIDDEN {
		t.Errorf("a coordinator of another district decided: %v", err)
	}
	if _, err := f.db.DecideDataForm(f.ctx, f.coordA, form.ID, false, "Текшериңиз"); err != nil {
		t.Fatal(err)
	}
	form, err = f.db.EnterDataForm(f.ctx, f.repA, entry(map[string]map[string]string{"issued": {"female,age_18": "4", "male,age_18": "1", "female,age_0_17": "2"}, "breached": {"": "1"}}, 3), true)
	if err != nil {
		t.Fatal(err)
	}
	if form.Version != 2 || len(form.Warnings) != 0 {
		t.Fatalf("resubmitted: version %d warnings %v", form.Version, form.Warnings)
	}
	if form, err = f.db.DecideDataForm(f.ctx, f.coordA, form.ID, true, ""); err != nil || form.Status != aldyn.ReportAccepted {
		t.Fatalf("accept: %v", err)
	}
	got, err := f.db.FindDataFormByID(f.ctx, form.ID)
	if err != nil {
		t.Fatal(err)
	}
	if v := got.Value("issued", "female,age_18"); v == nil || *v.Value != 4 || len(got.Values) != 4 {
		t.Errorf("values: %+v", got.Values)
	}

	// A new version drops the comment element; the accepted form keeps its
	// version and its values.
	admin := &aldyn.Actor{UserID: 99, Role: aldyn.RoleAdministrator, TerritoryPath: "/" + kyrgyzstan + "/"}
	next, err := f.db.NewDataSetVersion(f.ctx, admin, "protection")
	if err != nil {
		t.Fatal(err)
	}
	next.ElementIDs = next.ElementIDs[:2]
	if err := f.db.UpdateDataSet(f.ctx, admin, next.ID, next); err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.ActivateDataSet(f.ctx, admin, next.ID); err != nil {
		t.Fatal(err)
	}
	old, err := f.db.FindDataSetByID(f.ctx, s.ID)
	if err != nil || old.Status != aldyn.DataSetRetired || len(old.Elements) != 3 {
		t.Fatalf("old version: %v %+v", err, old)
	}
	if again, err := f.db.FindDataFormByID(f.ctx, form.ID); err != nil || again.DataSetID != s.ID || len(again.Values) != 4 {
		t.Errorf("old form after a new version: %v %+v", err, again)
	}
	f.clock = f.clock.AddDate(0, 3, 0)
	q2, err := f.db.EnterDataForm(f.ctx, f.repA, store.FormEntry{DataSetCode: "protection", BodyID: f.policeA.ID, Period: "2025Q2",
		Cells: map[string]map[string]string{"breached": {"": "0"}}}, false)
	if err != nil || q2.DataSetID != next.ID {
		t.Errorf("new form: %v %+v", err, q2)
	}
}

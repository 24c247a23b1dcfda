package surveyform

import (
	"bytes"
	"errors"
	"reflect"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/aldyn-kg/aldyn"
)

// mustWorkbook writes sheets (name → rows, the first the header) as XLSX.
func mustWorkbook(tb testing.TB, sheets map[string][][]string, order ...string) []byte {
	tb.Helper()
	f := excelize.NewFile()
	defer f.Close()
	for i, name := range order {
		if i == 0 {
			if err := f.SetSheetName("Sheet1", name); err != nil {
				tb.Fatal(err)
			}
		} else if _, err := f.NewSheet(name); err != nil {
			tb.Fatal(err)
		}
		for r, row := range sheets[name] {
			for c, v := range row {
				cell, _ := excelize.CoordinatesToCellName(c+1, r+1)
				if err := f.SetCellStr(name, cell, v); err != nil {
					tb.Fatal(err)
				}
			}
		}
	}
	var b bytes.Buffer
	if err := f.Write(&b); err != nil {
		tb.Fatal(err)
	}
	return b.Bytes()
}

// koboForm is a form as KoboToolbox's form builder exports it: "list name"
// with a space, a plain label column (the default language) beside
// translated ones, begin group / end group with spaces, metadata rows,
// notes, TRUE/FALSE in required.
func koboForm() map[string][][]string {
	return map[string][][]string{
		"survey": {
			{"type", "name", "label", "label::Русский (ru)", "label::Кыргызча (ky)", "hint", "required", "relevant", "appearance", "constraint"},
			{"start", "start", "", "", "", "", "", "", "", ""},
			{"end", "end", "", "", "", "", "", "", "", ""},
			{"today", "today", "", "", "", "", "", "", "", ""},
			{"deviceid", "deviceid", "", "", "", "", "", "", "", ""},
			{"note", "intro", "Thank you", "Спасибо", "Рахмат", "", "", "", "", ""},
			{"select_one_from_file territories.csv", "district", "District", "Район", "Район", "", "TRUE", "", "", ""},
			{"select_one sex", "sex", "Sex", "Пол", "Жынысы", "", "TRUE", "", "", ""},
			{"integer", "age", "Age", "Возраст", "Жашы", "Full years", "TRUE", "", "", ". >= 18"},
			{"begin group", "safety", "Safety", "Безопасность", "Коопсуздук", "", "", "${age} >= 18", "field-list", ""},
			{"select_one safe4", "safe_night", "Walking alone after dark", "Одни в темноте", "Караңгыда жалгыз", "", "TRUE", "", "likert", ""},
			{"end group", "", "", "", "", "", "", "", "", ""},
			{"select_multiple crimes", "victim", "Crimes suffered", "Пострадали от", "Жабыр тарткан", "", "FALSE", "", "", ""},
			{"select_one yes_no", "reported", "Reported?", "Сообщили?", "Кабарладыңызбы?", "", "", "count-selected(${victim}) > 0 and not(selected(${victim}, 'none'))", "", ""},
			{"text", "why_not", "Why not?", "Почему нет?", "Эмне үчүн?", "", "", "${reported} = 'no'", "", ""},
			{"decimal", "loss", "Loss, som", "Ущерб, сом", "Зыяны, сом", "", "", "${reported} != ''", "", ""},
			{"date", "when", "When", "Когда", "Качан", "", "", "", "", ""},
		},
		"choices": {
			{"list name", "name", "label", "label::Русский (ru)", "label::Кыргызча (ky)"},
			{"sex", "f", "Female", "Женский", "Аял"},
			{"sex", "m", "Male", "Мужской", "Эркек"},
			{"safe4", "very_safe", "Very safe", "Очень безопасно", "Абдан коопсуз"},
			{"safe4", "rather_safe", "Rather safe", "Скорее безопасно", "Коопсузураак"},
			{"safe4", "rather_unsafe", "Rather unsafe", "Скорее опасно", "Коркунучтуураак"},
			{"safe4", "very_unsafe", "Very unsafe", "Очень опасно", "Абдан коркунучтуу"},
			{"crimes", "theft", "Theft", "Кража", "Уурулук"},
			{"crimes", "fraud", "Fraud", "Мошенничество", "Алдамчылык"},
			{"crimes", "none", "None", "Нет", "Жок"},
			{"yes_no", "yes", "Yes", "Да", "Ооба"},
			{"yes_no", "no", "No", "Нет", "Жок"},
		},
		"settings": {
			{"form_title", "form_id", "version", "default_language"},
			{"Safety survey", "safety_2026", "2026120601", "English (en)"},
		},
	}
}

func mustRead(tb testing.TB, data []byte) *aldyn.Survey {
	tb.Helper()
	sv, err := Read(bytes.NewReader(data))
	if err != nil {
		tb.Fatal(err)
	}
	return sv
}

func TestReadKoboForm(t *testing.T) {
	sv := mustRead(t, mustWorkbook(t, koboForm(), "survey", "choices", "settings"))
	if sv.FormID != "safety_2026" || sv.Slug != "safety-2026" || sv.Title.EN != "Safety survey" {
		t.Errorf("got form id %q, slug %q, title %+v", sv.FormID, sv.Slug, sv.Title)
	}
	var names []string
	for _, q := range sv.Questions {
		names = append(names, q.Name)
	}
	want := []string{"district", "sex", "age", "safe_night", "victim", "reported", "why_not", "loss", "when"}
	if !reflect.DeepEqual(names, want) {
		t.Fatalf("got questions %v, want %v (metadata and notes left out)", names, want)
	}
	q := sv.Question("safe_night")
	if q.Type != aldyn.QuestionLikert || q.Section != "safety" || !q.Required || len(q.Choices) != 4 ||
		q.Label.KY != "Караңгыда жалгыз" || q.Label.RU != "Одни в темноте" || q.Label.EN != "Walking alone after dark" {
		t.Errorf("safe_night: got %+v", q)
	}
	if len(sv.Sections) != 1 || sv.Sections[0].Relevant != "${age} >= 18" || sv.Sections[0].Label.KY != "Коопсуздук" {
		t.Errorf("got sections %+v", sv.Sections)
	}
	if d := sv.Question("district"); d.Type != aldyn.QuestionTerritory {
		t.Errorf("district: got type %s, want territory", d.Type)
	}
	if v := sv.Question("victim"); v.Type != aldyn.QuestionMultiple || v.Required {
		t.Errorf("victim: got %+v", v)
	}
	if a := sv.Question("age"); a.Type != aldyn.QuestionInteger || a.Hint.EN != "Full years" {
		t.Errorf("age: got %+v", a)
	}
}

func TestXLSFormRoundTrip(t *testing.T) {
	first := mustRead(t, mustWorkbook(t, koboForm(), "survey", "choices", "settings"))
	// The sample's design travels in the settings sheet.
	first.Strata, first.Clusters = "territory", first.Questions[0].Name
	var b bytes.Buffer
	if err := Write(&b, first); err != nil {
		t.Fatal(err)
	}
	second := mustRead(t, b.Bytes())
	// The plain title was English; the export writes it in every column
	// it has, so compare what the survey holds.
	if !reflect.DeepEqual(first, second) {
		t.Errorf("round trip changed the survey:\nfirst  %+v\nsecond %+v", first, second)
	}
	var again bytes.Buffer
	if err := Write(&again, second); err != nil {
		t.Fatal(err)
	}
	if third := mustRead(t, again.Bytes()); !reflect.DeepEqual(second, third) {
		t.Error("a second round trip changed the survey")
	}
}

func TestXLSFormBadCells(t *testing.T) {
	for _, tt := range []struct {
		name   string
		edit   func(map[string][][]string)
		sheet  string
		row    int
		column string
		reason string
	}{
		{"unknown type", func(s map[string][][]string) { s["survey"][7][0] = "geopoint" }, "survey", 8, "type", "surveyform.error.type"},
		{"unknown choice list", func(s map[string][][]string) { s["survey"][7][0] = "select_one gender" }, "survey", 8, "type", "surveyform.error.unknown_list"},
		{"bad required", func(s map[string][][]string) { s["survey"][8][6] = "maybe" }, "survey", 9, "required", "surveyform.error.required_value"},
		{"relevant to a later question", func(s map[string][][]string) { s["survey"][8][7] = "${loss} > 0" }, "survey", 9, "relevant", "surveyform.error.relevant_unknown"},
		{"relevant syntax", func(s map[string][][]string) { s["survey"][8][7] = "${sex} = " }, "survey", 9, "relevant", "surveyform.error.relevant_syntax"},
		{"duplicate question name", func(s map[string][][]string) { s["survey"][8][1] = "sex" }, "survey", 9, "name", "surveys.error.duplicate_name"},
		{"question without a label", func(s map[string][][]string) {
			s["survey"][8][2], s["survey"][8][3], s["survey"][8][4] = "", "", ""
		}, "survey", 9, "label", "error.required"},
		{"asks for a name", func(s map[string][][]string) { s["survey"][15][1] = "respondent_name" }, "survey", 16, "name", "surveyform.error.personal"},
		{"asks for a phone", func(s map[string][][]string) { s["survey"][14][2] = "Your phone number" }, "survey", 15, "label", "surveyform.error.personal"},
		{"asks for a birth date", func(s map[string][][]string) { s["survey"][16][3] = "Дата рождения" }, "survey", 17, "label::Русский (ru)", "surveyform.error.personal"},
		{"phone metadata", func(s map[string][][]string) { s["survey"][4][0] = "phonenumber" }, "survey", 5, "type", "surveyform.error.personal_metadata"},
		{"unclosed group", func(s map[string][][]string) {
			s["survey"][11][0] = "text"
			s["survey"][11][1] = "x"
			s["survey"][11][2] = "X"
		}, "survey", 17, "type", "surveyform.error.unclosed_group"},
		{"duplicate choice", func(s map[string][][]string) { s["choices"][2][1] = "f" }, "choices", 3, "name", "surveyform.error.duplicate_choice"},
		{"choice name with a space", func(s map[string][][]string) { s["choices"][7][1] = "petty theft" }, "choices", 8, "name", "surveyform.error.choice_name"},
		{"choice without a list", func(s map[string][][]string) { s["choices"][7][0] = "" }, "choices", 8, "list name", "surveyform.error.required"},
		{"language the platform lacks", func(s map[string][][]string) { s["choices"][0][3] = "label::Deutsch (de)" }, "choices", 1, "label::Deutsch (de)", "surveyform.error.language"},
		{"unknown default language", func(s map[string][][]string) { s["settings"][1][3] = "Deutsch (de)" }, "settings", 2, "default_language", "surveyform.error.language"},
		{"no type column", func(s map[string][][]string) { s["survey"][0][0] = "kind" }, "survey", 1, "type", "surveyform.error.missing_column"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			form := koboForm()
			tt.edit(form)
			_, err := Read(bytes.NewReader(mustWorkbook(t, form, "survey", "choices", "settings")))
			var errs Errors
			if !errors.As(err, &errs) {
				t.Fatalf("got %v, want cell errors", err)
			}
			for _, e := range errs {
				if e.Sheet == tt.sheet && e.Row == tt.row && e.Column == tt.column && e.Reason == tt.reason {
					return
				}
			}
			t.Errorf("got %+v, want %s row %d column %q: %s", errs, tt.sheet, tt.row, tt.column, tt.reason)
		})
	}
}

func TestPhoneFraudChoiceIsNotPersonal(t *testing.T) {
	form := koboForm()
	form["choices"][8] = []string{"crimes", "phone_fraud", "Fraud by phone or online", "Мошенничество по телефону", "Телефон аркылуу алдамчылык"}
	sv := mustRead(t, mustWorkbook(t, form, "survey", "choices", "settings"))
	if len(sv.Question("victim").Choices) != 3 {
		t.Error("the choice about phone fraud was not kept")
	}
}

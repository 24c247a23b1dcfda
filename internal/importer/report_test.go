package importer_test

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/aldyn-kg/aldyn/internal/importer"
)

func TestWriteRowErrorsCSV(t *testing.T) {
	errs := []importer.RowError{
		{Row: 3, Column: "Дата регистрации", Reason: "import.error.date", Value: "31.02.2024"},
		{Row: 4, Column: "damage_kgs", Reason: "import.error.damage_negative", Value: "-5"},
		{Row: 5, Column: "category", Reason: "import.error.category", Value: `=HYPERLINK("x")`},
		{Row: 7, Reason: "import.error.json"},
	}
	texts := map[string]string{
		"import.row": "Строка", "import.column": "Столбец", "import.reason": "Причина", "import.value": "Значение",
		"import.error.date": "Не дата", "import.error.damage_negative": "Ущерб не может быть отрицательным",
		"import.error.category": "Неизвестная категория", "import.error.json": "Строка не является объектом JSON",
	}
	var calls []string
	translate := func(key string, args map[string]any) string {
		if args != nil {
			calls = append(calls, fmt.Sprint(key, " row=", args["row"]))
		}
		return texts[key]
	}
	var b bytes.Buffer
	if err := importer.WriteRowErrorsCSV(&b, errs, "en", translate); err != nil {
		t.Fatal(err)
	}
	want := "\ufeffСтрока,Столбец,Причина,Значение\n" +
		"3,Дата регистрации,Не дата,31.02.2024\n" +
		"4,damage_kgs,Ущерб не может быть отрицательным,-5\n" +
		"5,category,Неизвестная категория,\"'=HYPERLINK(\"\"x\"\")\"\n" +
		"7,,Строка не является объектом JSON,\n"
	if got := b.String(); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	if len(calls) != 4 || calls[0] != "import.error.date row=3" {
		t.Errorf("got translate calls %q, want one per error with its row", calls)
	}

	b.Reset()
	if err := importer.WriteRowErrorsCSV(&b, errs[:1], "en", nil); err != nil {
		t.Fatal(err)
	}
	if want := "\ufeffimport.row,import.column,import.reason,import.value\n3,Дата регистрации,import.error.date,31.02.2024\n"; b.String() != want {
		t.Errorf("without translation got %q, want the keys %q", b.String(), want)
	}
}

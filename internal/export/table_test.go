package export

import (
	"bytes"
	"encoding/csv"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

func sample() Table {
	return Table{Title: "Органдар: тизме", Columns: []Column{{Key: "name", Label: "Аталышы"}, {Key: "n", Label: "Саны", Kind: Int},
		{Key: "share", Label: "%", Kind: Percent}, {Key: "on", Label: "Күнү", Kind: Date}},
		Rows: [][]any{{"Ысык-Көл облусу, \"өңүт\"", 78405, 25.65, time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)}, {"Чүй", nil, nil, time.Time{}}}}
}

func TestCSV(t *testing.T) {
	var b bytes.Buffer
	if err := WriteCSV(&b, sample()); err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(b.Bytes(), []byte("\ufeff")) {
		t.Error("no byte-order mark")
	}
	rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(b.Bytes(), []byte("\ufeff")))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{{"Аталышы", "Саны", "%", "Күнү"}, {"Ысык-Көл облусу, \"өңүт\"", "78405", "25.65", "2026-11-25"}, {"Чүй", "", "", ""}}
	if strings.Join(flat(rows), "|") != strings.Join(flat(want), "|") {
		t.Errorf("got %q, want %q", rows, want)
	}
}

func flat(r [][]string) []string {
	var out []string
	for _, x := range r {
		out = append(out, strings.Join(x, ";"))
	}
	return out
}

func TestXLSXKeepsTypes(t *testing.T) {
	rec := httptest.NewRecorder()
	if err := Serve(rec, "xlsx", "органдар", sample()); err != nil {
		t.Fatal(err)
	}
	if cd := rec.Header().Get("Content-Disposition"); !strings.Contains(cd, "attachment") || !strings.Contains(cd, "filename*=utf-8''") {
		t.Errorf("Content-Disposition %q", cd)
	}
	x, err := excelize.OpenReader(rec.Body)
	if err != nil {
		t.Fatal(err)
	}
	sheet := x.GetSheetName(0)
	if sheet != "Органдар  тизме" {
		t.Errorf("sheet name %q", sheet)
	}
	if typ, _ := x.GetCellType(sheet, "B2"); typ != excelize.CellTypeNumber && typ != excelize.CellTypeUnset {
		t.Errorf("B2 type %v, want a number", typ)
	}
	if v, _ := x.GetCellValue(sheet, "B2", excelize.Options{RawCellValue: true}); v != "78405" {
		t.Errorf("B2 = %q", v)
	}
	if v, _ := x.GetCellValue(sheet, "A2"); v != "Ысык-Көл облусу, \"өңүт\"" {
		t.Errorf("A2 = %q", v)
	}
	if err := Serve(httptest.NewRecorder(), "pdf", "x", sample()); err == nil {
		t.Error("unknown format: got no error")
	}
}

type role string

func TestCSVNeutralisesFormulas(t *testing.T) {
	tbl := Table{Columns: []Column{{Label: "text"}, {Label: "n", Kind: Int}, {Label: "x", Kind: Float}}, Rows: [][]any{
		{"=1+2", -5, -2.5},
		{"+996 312 000 000", int64(-7), float32(-1.5)},
		{"-2+3+cmd|' /C calc'!A0", nil, nil},
		{"@SUM(A1:A9)", nil, nil},
		{"\t=1", nil, nil},
		{"\r=1", nil, nil},
		{"-5", nil, nil},
		{"+1.5e3", nil, nil},
		{role("=admin"), nil, nil},
		{"Ош - Бишкек", nil, nil},
		{"", nil, nil},
	}}
	var b bytes.Buffer
	if err := WriteCSV(&b, tbl); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(b.Bytes(), []byte("\ufeff")))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"text", "n", "x"},
		{"'=1+2", "-5", "-2.5"},
		{"'+996 312 000 000", "-7", "-1.5"},
		{"'-2+3+cmd|' /C calc'!A0", "", ""},
		{"'@SUM(A1:A9)", "", ""},
		{"'\t=1", "", ""},
		{"'\r=1", "", ""},
		{"-5", "", ""},
		{"+1.5e3", "", ""},
		{"'=admin", "", ""},
		{"Ош - Бишкек", "", ""},
		{"", "", ""},
	}
	if !reflect.DeepEqual(rows, want) {
		t.Errorf("got  %q\nwant %q", rows, want)
	}
	for _, r := range want[1:] {
		if got := PlainCSVText(r[0]); got != PlainCSVText(CSVText(got)) || strings.HasPrefix(got, "'") {
			t.Errorf("PlainCSVText(%q) = %q, not the text written", r[0], got)
		}
	}
}

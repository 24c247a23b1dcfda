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
		Rows: [][]any{{"Ысык-Көл облусу, \"өңүт\"", 78405, 0.2565, time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)}, {"Чүй", nil, nil, time.Time{}}}}
}

func TestCSV(t *testing.T) {
	var b bytes.Buffer
	if err := WriteCSV(&b, sample(), CSVComma); err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(b.Bytes(), []byte("\ufeff")) {
		t.Error("no byte-order mark")
	}
	rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(b.Bytes(), []byte("\ufeff")))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{{"Аталышы", "Саны", "%", "Күнү"}, {"Ысык-Көл облусу, \"өңүт\"", "78405", "25.7%", "2026-11-25"}, {"Чүй", "", "", ""}}
	if strings.Join(flat(rows), "|") != strings.Join(flat(want), "|") {
		t.Errorf("got %q, want %q", rows, want)
	}
}

// TestCSVForExcel: the semicolon dialect has decimal commas and keeps
// codes as text, so Kyrgyz and Russian Excel neither splits a row at a
// decimal comma nor turns "4.1" into 4 January or a SOATE code into
// 4.17E+13.
func TestCSVForExcel(t *testing.T) {
	tab := Table{Columns: []Column{{Key: "code", Label: "Код"}, {Key: "soate", Label: "СОАТЕ"}, {Key: "title", Label: "Аталышы"},
		{Key: "rate", Label: "Rate", Kind: Float}, {Key: "share", Label: "Үлүшү", Kind: Percent}},
		Rows: [][]any{{"4.1", "41711000000000", "Бишкек; борбор", 12.5, 0.046}}}
	var b bytes.Buffer
	if err := WriteCSV(&b, tab, CSVSemicolon); err != nil {
		t.Fatal(err)
	}
	r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(b.Bytes(), []byte("\ufeff"))))
	r.Comma = ';'
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := []string{`="4.1"`, `="41711000000000"`, "Бишкек; борбор", "12,5", "4,6%"}
	if strings.Join(rows[1], "|") != strings.Join(want, "|") {
		t.Errorf("got %q, want %q", rows[1], want)
	}
	for _, c := range []struct {
		sep, lang string
		want      CSVDialect
		ok        bool
	}{
		{"", "ky", CSVSemicolon, true}, {"", "ru", CSVSemicolon, true}, {"", "en", CSVComma, true},
		{"comma", "ru", CSVComma, true}, {"semicolon", "en", CSVSemicolon, true}, {"tab", "ky", CSVDialect{}, false},
	} {
		if got, ok := CSVDialectFor(c.sep, c.lang); got != c.want || ok != c.ok {
			t.Errorf("CSVDialectFor(%q, %q) = %v %v, want %v %v", c.sep, c.lang, got, ok, c.want, c.ok)
		}
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
	if err := Serve(rec, "xlsx", "органдар", sample(), CSVComma); err != nil {
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
	if err := Serve(httptest.NewRecorder(), "pdf", "x", sample(), CSVComma); err == nil {
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
	if err := WriteCSV(&b, tbl, CSVComma); err != nil {
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

// TestWorkbookFormats: quantities with thousands separators, shares as
// percentages, missing values blank, and every sheet filtered and set up
// for printing, with the issuer as the author.
func TestWorkbookFormats(t *testing.T) {
	tab := sample()
	var b bytes.Buffer
	wb := Workbook{Title: "Report", Creator: "Координациялык кеңеш", Cover: &Cover{Sheet: "Титул", Title: "Отчёт", Lines: [][2]string{{"План", "Улуттук план"}}},
		Tables: []*Table{&tab}}
	if err := wb.Write(&b); err != nil {
		t.Fatal(err)
	}
	x, err := excelize.OpenReader(&b)
	if err != nil {
		t.Fatal(err)
	}
	if got := x.GetSheetList(); len(got) != 2 || got[0] != "Титул" {
		t.Fatalf("sheets %q, want the cover first", got)
	}
	if v, _ := x.GetCellValue("Титул", "B3"); v != "Улуттук план" {
		t.Errorf("cover B3 = %q", v)
	}
	sheet := x.GetSheetName(1)
	for cell, want := range map[string]string{"B2": "78,405", "C2": "25.7%", "B3": "", "C3": ""} {
		if v, _ := x.GetCellValue(sheet, cell); v != want {
			t.Errorf("%s shows %q, want %q", cell, v, want)
		}
	}
	props, err := x.GetDocProps()
	if err != nil || props.Creator != "Координациялык кеңеш" || props.Title != "Report" {
		t.Errorf("properties %+v %v", props, err)
	}
	layout, err := x.GetPageLayout(sheet)
	if err != nil || layout.Orientation == nil || *layout.Orientation != "landscape" || layout.FitToWidth == nil || *layout.FitToWidth != 1 {
		t.Errorf("page layout %+v %v", layout, err)
	}
	names := x.GetDefinedName()
	var titles, filter bool
	for _, n := range names {
		titles = titles || n.Name == "_xlnm.Print_Titles" && n.Scope == sheet && strings.HasSuffix(n.RefersTo, "!$1:$1")
		filter = filter || n.Name == "_xlnm._FilterDatabase" && n.Scope == sheet
	}
	if !titles || !filter {
		t.Errorf("defined names %+v: want print titles and an autofilter on %q", names, sheet)
	}
}

// TestCSVExcelCodesCannotRun: in the semicolon dialect codes are kept as
// text by ="…", but never a text holding a quote, which could close the
// string and run a formula; formulas are neutralised as in every dialect.
func TestCSVExcelCodesCannotRun(t *testing.T) {
	tbl := Table{Columns: []Column{{Label: "code"}}, Rows: [][]any{
		{"4.1"}, {"41711000000000"}, {`01"&HYPERLINK("http://evil.example")&"`}, {"=1+2"},
	}}
	var b bytes.Buffer
	if err := WriteCSV(&b, tbl, CSVSemicolon); err != nil {
		t.Fatal(err)
	}
	r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(b.Bytes(), []byte("\ufeff"))))
	r.Comma = ';'
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{{"code"}, {`="4.1"`}, {`="41711000000000"`}, {`01"&HYPERLINK("http://evil.example")&"`}, {"'=1+2"}}
	if !reflect.DeepEqual(rows, want) {
		t.Errorf("got  %q\nwant %q", rows, want)
	}
}

// TestCSVPointerFigures: a figure that may be missing (*float64, *int) is
// written as its value, or blank when missing, never as an address.
func TestCSVPointerFigures(t *testing.T) {
	x, n := 12.5, 7
	tb := Table{Columns: []Column{{Key: "a", Label: "a", Kind: Float}, {Key: "b", Label: "b", Kind: Float}, {Key: "c", Label: "c", Kind: Int}},
		Rows: [][]any{{&x, (*float64)(nil), &n}}}
	var b bytes.Buffer
	if err := WriteCSV(&b, tb, CSVComma); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(b.Bytes(), []byte("\ufeff")))).ReadAll()
	if err != nil || len(rows) != 2 || strings.Join(rows[1], "|") != "12.5||7" {
		t.Errorf("got %q (%v), want 12.5, blank, 7", rows, err)
	}
}

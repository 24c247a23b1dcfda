package importer_test

import (
	"bytes"
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/importer"
	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
)

// record is one row as a reader yields it.
type record struct {
	Row  int
	Vals map[string]string
}

// MustReadAll reads every record of rd, failing on any error.
func MustReadAll(tb testing.TB, rd importer.Reader) []record {
	tb.Helper()
	var out []record
	err := importer.ForEach(rd, func(row int, rec map[string]string) error {
		out = append(out, record{row, rec})
		return nil
	})
	if err != nil {
		tb.Fatalf("read: %v", err)
	}
	return out
}

func cp1251(tb testing.TB, s string) string {
	tb.Helper()
	b, err := charmap.Windows1251.NewEncoder().String(s)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

func utf16LE(tb testing.TB, s string) string {
	tb.Helper()
	b, err := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().String(s)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

func TestCSVReader(t *testing.T) {
	want := []record{
		{2, map[string]string{"Номер": "1", "Категория": "Кража", "Сумма": "1 500,50"}},
		{3, map[string]string{"Номер": "2", "Категория": "Грабёж", "Сумма": ""}},
	}
	tests := []struct {
		name    string
		in      string
		comma   byte
		charset string
	}{
		{"comma utf-8", "Номер,Категория,Сумма\n1,Кража,\"1 500,50\"\n2,Грабёж,\n", ',', "utf-8"},
		{"semicolon utf-8 crlf", "Номер;Категория;Сумма\r\n1;Кража;1 500,50\r\n2;Грабёж;\r\n", ';', "utf-8"},
		{"bom", "\ufeffНомер,Категория,Сумма\n1,Кража,\"1 500,50\"\n2,Грабёж,\n", ',', "utf-8"},
		{"windows-1251 semicolon", cp1251(t, "Номер;Категория;Сумма\r\n1;Кража;1 500,50\r\n2;Грабёж;\r\n"), ';', "windows-1251"},
		{"utf-16 tab", utf16LE(t, "Номер\tКатегория\tСумма\r\n1\tКража\t1 500,50\r\n2\tГрабёж\t\r\n"), '\t', "utf-16"},
		{"no final newline", "Номер,Категория,Сумма\n1,Кража,\"1 500,50\"\n2,Грабёж,", ',', "utf-8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rd, err := importer.NewCSVReader(strings.NewReader(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			if got := MustReadAll(t, rd); !reflect.DeepEqual(got, want) {
				t.Errorf("got %v, want %v", got, want)
			}
			if rd.Comma() != tt.comma {
				t.Errorf("got delimiter %q, want %q", rd.Comma(), tt.comma)
			}
			if rd.Charset() != tt.charset {
				t.Errorf("got charset %q, want %q", rd.Charset(), tt.charset)
			}
		})
	}
}

func TestCSVReaderRows(t *testing.T) {
	// Row numbers are the lines where records start: blank lines count,
	// a quoted field over two lines makes the next record start later.
	in := "a,b\n\n1,\"x,\"\"y\"\"\"\n2,\"two\nlines\"\n3,z,extra\n"
	rd, err := importer.NewCSVReader(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	want := []record{
		{3, map[string]string{"a": "1", "b": `x,"y"`}},
		{4, map[string]string{"a": "2", "b": "two\nlines"}},
		// Row 6 has a cell too many: an error (see TestCSVReaderRowWidth).
	}
	if got := MustReadAll(t, rd); !reflect.DeepEqual(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
	if h := rd.Header(); !reflect.DeepEqual(h, []string{"a", "b", "column 3"}) {
		t.Errorf("got header %q, want a, b, column 3", h)
	}
}

func TestCSVReaderErrors(t *testing.T) {
	tests := []struct {
		name string
		in   string
		key  string
	}{
		{"empty", "", "import.error.empty"},
		{"blank lines only", "\n\n,,\n", "import.error.empty"},
		{"unterminated quote", "a,b\n1,\"open\n2,3\n", "import.error.csv_quote"},
		{"record too long", "a,b\n1,\"" + strings.Repeat("x\n", importer.MaxRecordBytes/2+10) + "\"\n", "import.error.record_too_long"},
		{"line too long", "a,b\n1," + strings.Repeat("x", importer.MaxRecordBytes+10) + "\n", "import.error.record_too_long"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rd, err := importer.NewCSVReader(strings.NewReader(tt.in))
			if err == nil {
				err = importer.ForEach(rd, func(int, map[string]string) error { return nil })
			}
			if got := aldyn.ErrorMessage(err); got != tt.key {
				t.Errorf("got %v (%q), want %q", err, got, tt.key)
			}
		})
	}
}

func TestJSONLReader(t *testing.T) {
	in := "\ufeff{\"a\": \"x\", \"n\": 14, \"b\": true}\n" +
		"\n" +
		"{\"a\": null, \"c\": {\"d\": \"deep\"}, \"arr\": [1, 2]}\n" +
		"not json\n" +
		"[1, 2]\n" +
		"{\"a\": \"last\"}\n"
	rd := importer.NewJSONLReader(strings.NewReader(in))
	var got []record
	var bad []int
	for {
		row, vals, err := rd.Next()
		if err == io.EOF {
			break
		}
		var re *importer.RecordError
		if errors.As(err, &re) {
			bad = append(bad, re.Row)
			continue
		} else if err != nil {
			t.Fatal(err)
		}
		m := map[string]string{}
		for i, h := range rd.Header() {
			if vals[i] != "" {
				m[h] = vals[i]
			}
		}
		got = append(got, record{row, m})
	}
	want := []record{
		{1, map[string]string{"a": "x", "n": "14", "b": "true"}},
		{3, map[string]string{"c.d": "deep", "arr": "[1, 2]"}},
		{6, map[string]string{"a": "last"}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
	if !reflect.DeepEqual(bad, []int{4, 5}) {
		t.Errorf("got bad lines %v, want 4 and 5", bad)
	}
	if h := rd.Header(); !reflect.DeepEqual(h, []string{"a", "n", "b", "c.d", "arr"}) {
		t.Errorf("got header %q", h)
	}
}

// MustXLSX builds a workbook whose first sheet holds rows, starting at A1;
// a nil row is left empty.
func MustXLSX(tb testing.TB, rows [][]any) []byte {
	tb.Helper()
	f := excelize.NewFile()
	defer f.Close()
	for i, r := range rows {
		if r == nil {
			continue
		}
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow("Sheet1", cell, &r); err != nil {
			tb.Fatal(err)
		}
	}
	var b bytes.Buffer
	if err := f.Write(&b); err != nil {
		tb.Fatal(err)
	}
	return b.Bytes()
}

func TestXLSXReader(t *testing.T) {
	data := MustXLSX(t, [][]any{
		{"Номер", "Дата", "Сумма"},
		{"1", 45356, 1500.5},
		nil,
		{"3", "2024-03-05", nil},
	})
	rd, err := importer.NewXLSXReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	defer rd.Close()
	want := []record{
		{2, map[string]string{"Номер": "1", "Дата": "45356", "Сумма": "1500.5"}},
		{4, map[string]string{"Номер": "3", "Дата": "2024-03-05", "Сумма": ""}},
	}
	if got := MustReadAll(t, rd); !reflect.DeepEqual(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

func TestXLSXReaderNotAWorkbook(t *testing.T) {
	_, err := importer.NewXLSXReader(strings.NewReader("a,b\n1,2\n"))
	if got := aldyn.ErrorMessage(err); got != "import.error.xlsx" {
		t.Errorf("got %v, want import.error.xlsx", err)
	}
}

func TestFormatOf(t *testing.T) {
	for name, want := range map[string]importer.Format{"a.CSV": importer.CSV, "b.tsv": importer.CSV, "c.jsonl": importer.JSONL, "d.ndjson": importer.JSONL, "e.xlsx": importer.XLSX} {
		if got, ok := importer.FormatOf(name); !ok || got != want {
			t.Errorf("%s: got %q %v, want %q", name, got, ok, want)
		}
	}
	if _, ok := importer.FormatOf("f.xls"); ok {
		t.Error("f.xls: got a format, want none (old binary Excel is not read)")
	}
}

// TestCSVReaderRowWidth: a row with fewer or more cells than the header is
// an error naming the first missing or extra column, with its values for
// the personal-data guard; empty trailing cells are cells.
func TestCSVReaderRowWidth(t *testing.T) {
	in := "a;b;c\n1;2;3\n1;2\n1;2;;\n1;;\n;\n"
	rd, err := importer.NewCSVReader(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	type got struct {
		row    int
		vals   string
		column string
		reason string
	}
	var all []got
	for {
		row, vals, err := rd.Next()
		if err == io.EOF {
			break
		}
		g := got{row: row, vals: strings.Join(vals, "|")}
		var re *importer.RecordError
		if errors.As(err, &re) {
			g.column, g.reason = re.Column, re.Reason
		} else if err != nil {
			t.Fatal(err)
		}
		all = append(all, g)
	}
	want := []got{
		{2, "1|2|3", "", ""},
		{3, "1|2|", "c", "import.error.row_short"},
		{4, "1|2||", "column 4", "import.error.row_long"},
		{5, "1|||", "", ""}, // the header has grown by the long row's cell
		{6, "|||", "c", "import.error.row_short"},
	}
	if !reflect.DeepEqual(all, want) {
		t.Errorf("got %+v, want %+v", all, want)
	}
}

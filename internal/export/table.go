// Package export is the one way Aldyn writes tables out: CSV and XLSX for
// every list a user sees, and the document builders of generated reports.
package export

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"
)

// Kind tells how a column's values are written.
type Kind int

// Column kinds.
const (
	Text Kind = iota
	Int
	Float
	Percent
	Date
)

// Column is one column of a table.
type Column struct {
	Key   string
	Label string
	Kind  Kind
}

// Table is what every exported list is turned into.
type Table struct {
	Title   string
	Columns []Column
	Rows    [][]any
}

func cellText(v any, k Kind) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case time.Time:
		if x.IsZero() {
			return ""
		}
		if x.Hour() == 0 && x.Minute() == 0 && x.Second() == 0 {
			return x.Format("2006-01-02")
		}
		return x.UTC().Format(time.RFC3339)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case float32:
		return strconv.FormatFloat(float64(x), 'f', -1, 32)
	case bool:
		return strconv.FormatBool(x)
	}
	return fmt.Sprint(v)
}

// formulaStart holds what makes a spreadsheet read a CSV cell as a formula
// (OWASP's list for CSV injection).
const formulaStart = "=+-@\t\r"

// CSVText neutralises a text cell that a spreadsheet would run as a
// formula by putting an apostrophe before it, as OWASP advises; a text that
// is only a number ("-5", "+1.5") stays as it is, since it runs nothing.
// Every CSV writer of Aldyn passes its text cells through it.
func CSVText(s string) string {
	if s == "" || strings.IndexByte(formulaStart, s[0]) < 0 || plainNumber(s) {
		return s
	}
	return "'" + s
}

// PlainCSVText undoes CSVText for a cell of a CSV that Aldyn wrote and a
// user sends back (the plan template).
func PlainCSVText(s string) string {
	if len(s) > 1 && s[0] == '\'' && strings.IndexByte(formulaStart, s[1]) >= 0 && !plainNumber(s[1:]) {
		return s[1:]
	}
	return s
}

func plainNumber(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; !(c >= '0' && c <= '9' || c == '.' || c == '-' || c == '+' || c == 'e' || c == 'E') {
			return false
		}
	}
	_, err := strconv.ParseFloat(s, 64)
	return err == nil
}

// csvCell writes a value as CSV text, neutralising texts; numbers, dates
// and booleans are written as they are.
func csvCell(v any, k Kind) string {
	switch v.(type) {
	case nil, time.Time, bool, int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64, float32, float64:
		return cellText(v, k)
	}
	return CSVText(cellText(v, k))
}

// WriteCSV writes t as RFC 4180 CSV in UTF-8 with a byte-order mark, so
// Excel opens Cyrillic text correctly. Text cells that a spreadsheet would
// run as formulas are neutralised (CSVText).
func WriteCSV(w io.Writer, t Table) error {
	bw := bufio.NewWriter(w)
	bw.WriteString("\ufeff")
	cw := csv.NewWriter(bw)
	head := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		head[i] = c.Label
	}
	if err := cw.Write(head); err != nil {
		return err
	}
	rec := make([]string, len(t.Columns))
	for _, row := range t.Rows {
		for i := range rec {
			rec[i] = ""
			if i < len(row) {
				rec[i] = csvCell(row[i], t.Columns[i].Kind)
			}
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	return bw.Flush()
}

// WriteXLSX writes t as one sheet with a bold, frozen header row; numbers
// stay numbers and dates dates. It streams rows, so big tables are fine.
func WriteXLSX(w io.Writer, t Table) error { return WriteWorkbook(w, &t) }

// WriteWorkbook writes the tables as one workbook, a sheet per table named
// by its title (made unique), each as WriteXLSX writes its sheet.
func WriteWorkbook(w io.Writer, tables ...*Table) error {
	f := excelize.NewFile()
	defer f.Close()
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return err
	}
	dateStyle, _ := f.NewStyle(&excelize.Style{NumFmt: 14})
	pctFmt := "0.00"
	pctStyle, _ := f.NewStyle(&excelize.Style{CustomNumFmt: &pctFmt})
	used := map[string]bool{}
	for i, t := range tables {
		sheet := uniqueSheetName(t.Title, used)
		if i == 0 {
			err = f.SetSheetName("Sheet1", sheet)
		} else {
			_, err = f.NewSheet(sheet)
		}
		if err != nil {
			return fmt.Errorf("xlsx sheet %q: %w", sheet, err)
		}
		if err := writeSheet(f, sheet, t, bold, dateStyle, pctStyle); err != nil {
			return fmt.Errorf("xlsx sheet %q: %w", sheet, err)
		}
	}
	return f.Write(w)
}

func writeSheet(f *excelize.File, sheet string, t *Table, bold, dateStyle, pctStyle int) error {
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return err
	}
	widths := make([]int, len(t.Columns))
	head := make([]any, len(t.Columns))
	for i, c := range t.Columns {
		head[i] = excelize.Cell{StyleID: bold, Value: c.Label}
		widths[i] = len([]rune(c.Label))
	}
	for _, row := range t.Rows {
		for i := range t.Columns {
			if i < len(row) {
				if n := len([]rune(cellText(row[i], t.Columns[i].Kind))); n > widths[i] {
					widths[i] = n
				}
			}
		}
	}
	for i, wd := range widths {
		if err := sw.SetColWidth(i+1, i+1, float64(min(max(wd, 6), 60)+2)); err != nil {
			return err
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	if err := sw.SetRow("A1", head); err != nil {
		return err
	}
	cells := make([]any, len(t.Columns))
	for r, row := range t.Rows {
		for i, c := range t.Columns {
			var v any
			if i < len(row) {
				v = row[i]
			}
			switch x := v.(type) {
			case time.Time:
				if x.IsZero() {
					v = nil
				} else {
					v = excelize.Cell{StyleID: dateStyle, Value: x}
				}
			case string:
				v = x
			default:
				if c.Kind == Percent && v != nil {
					v = excelize.Cell{StyleID: pctStyle, Value: v}
				}
			}
			cells[i] = v
		}
		cell, _ := excelize.CoordinatesToCellName(1, r+2)
		if err := sw.SetRow(cell, cells); err != nil {
			return err
		}
	}
	return sw.Flush()
}

// uniqueSheetName makes a valid sheet name (≤ 31 characters, no
// []:*?/\) that no earlier sheet of the workbook has.
func uniqueSheetName(title string, used map[string]bool) string {
	title = sheetName(title)
	name := title
	for n := 2; used[strings.ToLower(name)]; n++ {
		suffix := " " + strconv.Itoa(n)
		r := []rune(title)
		name = string(r[:min(len(r), 31-len(suffix))]) + suffix
	}
	used[strings.ToLower(name)] = true
	return name
}

// sheetName makes a valid sheet name (≤ 31 characters, no []:*?/\).
func sheetName(title string) string {
	title = strings.Map(func(r rune) rune {
		if strings.ContainsRune(`[]:*?/\`, r) {
			return ' '
		}
		return r
	}, title)
	if r := []rune(title); len(r) > 31 {
		title = string(r[:31])
	}
	if strings.TrimSpace(title) == "" {
		return "Sheet1"
	}
	return title
}

// Serve writes t as a download in format "csv" or "xlsx"; filename has no
// extension and may be non-ASCII (RFC 5987).
func Serve(w http.ResponseWriter, format, filename string, t Table) error {
	name := filename + "." + format
	switch format {
	case "csv":
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	case "xlsx":
		w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	default:
		return fmt.Errorf("export: unknown format %q", format)
	}
	w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": name}))
	w.Header().Set("Cache-Control", "no-store")
	if format == "csv" {
		return WriteCSV(w, t)
	}
	return WriteXLSX(w, t)
}

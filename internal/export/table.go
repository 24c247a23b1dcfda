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

// WriteCSV writes t as RFC 4180 CSV in UTF-8 with a byte-order mark, so
// Excel opens Cyrillic text correctly.
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
				rec[i] = cellText(row[i], t.Columns[i].Kind)
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
func WriteXLSX(w io.Writer, t Table) error {
	f := excelize.NewFile()
	defer f.Close()
	sheet := sheetName(t.Title)
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return err
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return err
	}
	dateStyle, _ := f.NewStyle(&excelize.Style{NumFmt: 14})
	pctFmt := "0.00"
	pctStyle, _ := f.NewStyle(&excelize.Style{CustomNumFmt: &pctFmt})
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
	if err := sw.Flush(); err != nil {
		return err
	}
	return f.Write(w)
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

package planreport

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/aldyn-kg/aldyn/internal/export"
)

// WriteXLSX writes the report as one workbook with a sheet per table,
// styled as export.WriteXLSX styles its single sheet (bold frozen header,
// numbers as numbers, dates as dates), which cannot hold several.
func (r *Report) WriteXLSX(w io.Writer) error {
	f := excelize.NewFile()
	defer f.Close()
	st, err := newXLSXStyles(f)
	if err != nil {
		return err
	}
	used := map[string]bool{}
	for i, t := range r.Tables() {
		name := uniqueSheetName(t.Title, used)
		if i == 0 {
			err = f.SetSheetName("Sheet1", name)
		} else {
			_, err = f.NewSheet(name)
		}
		if err != nil {
			return fmt.Errorf("xlsx sheet %q: %w", name, err)
		}
		if err := writeSheet(f, name, t, st); err != nil {
			return fmt.Errorf("xlsx sheet %q: %w", name, err)
		}
	}
	return f.Write(w)
}

type xlsxStyles struct{ bold, date, pct int }

func newXLSXStyles(f *excelize.File) (xlsxStyles, error) {
	var s xlsxStyles
	var err error
	if s.bold, err = f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}}); err != nil {
		return s, err
	}
	if s.date, err = f.NewStyle(&excelize.Style{NumFmt: 14}); err != nil {
		return s, err
	}
	pct := "0.0"
	s.pct, err = f.NewStyle(&excelize.Style{CustomNumFmt: &pct})
	return s, err
}

func writeSheet(f *excelize.File, sheet string, t *export.Table, st xlsxStyles) error {
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return err
	}
	widths := make([]int, len(t.Columns))
	head := make([]any, len(t.Columns))
	for i, c := range t.Columns {
		head[i] = excelize.Cell{StyleID: st.bold, Value: c.Label}
		widths[i] = len([]rune(c.Label))
	}
	for _, row := range t.Rows {
		for i := range min(len(row), len(widths)) {
			widths[i] = max(widths[i], cellWidth(row[i]))
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
	for n, row := range t.Rows {
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
					v = excelize.Cell{StyleID: st.date, Value: x}
				}
			case float64:
				if c.Kind == export.Percent {
					v = excelize.Cell{StyleID: st.pct, Value: x}
				}
			}
			cells[i] = v
		}
		cell, _ := excelize.CoordinatesToCellName(1, n+2)
		if err := sw.SetRow(cell, cells); err != nil {
			return err
		}
	}
	return sw.Flush()
}

// cellWidth estimates the characters a value takes in its column.
func cellWidth(v any) int {
	switch x := v.(type) {
	case nil:
		return 0
	case string:
		return len([]rune(x))
	case time.Time:
		return 10
	case int:
		return len(strconv.Itoa(x))
	case int64:
		return len(strconv.FormatInt(x, 10))
	}
	return 8
}

// uniqueSheetName makes a valid sheet name (≤ 31 characters, none of
// []:*?/\) that no earlier sheet of the workbook has.
func uniqueSheetName(title string, used map[string]bool) string {
	title = strings.Map(func(r rune) rune {
		if strings.ContainsRune(`[]:*?/\`, r) {
			return ' '
		}
		return r
	}, strings.TrimSpace(title))
	if r := []rune(title); len(r) > 31 {
		title = strings.TrimSpace(string(r[:31]))
	}
	if title == "" {
		title = "Sheet"
	}
	name := title
	for n := 2; used[strings.ToLower(name)]; n++ {
		suffix := " " + strconv.Itoa(n)
		r := []rune(title)
		name = string(r[:min(len(r), 31-len(suffix))]) + suffix
	}
	used[strings.ToLower(name)] = true
	return name
}

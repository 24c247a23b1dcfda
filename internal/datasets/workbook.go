package datasets

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/export"
	"github.com/aldyn-kg/aldyn/internal/workbook"
)

// The XLSX of a form: a cover sheet naming the data set, version, body and
// period, and a sheet "data" with a row per cell of the form. Its columns
// A (element_code), B (combo) and F (value) are what is read back; C–E
// (the element, its breakdown and unit in the reader's language) are for
// the official filling it in.

// Sheet and header names of the form's workbook.
const (
	SheetData     = "data"
	headerElement = "element_code"
	headerCombo   = "combo"
	headerValue   = "value"
	coverDataSet  = "data_set"
	coverPeriod   = "period"
)

// FormXLSXLimits bound an uploaded form: a few thousand cells.
var FormXLSXLimits = workbook.Limits{File: 4 << 20, Unpacked: 32 << 20}

// Labels are the translated texts of the workbook.
type Labels struct {
	Title, Body, Version, Element, Breakdown, Unit string
}

// WriteFormXLSX writes the form of body for period with the values of f.
func WriteFormXLSX(w io.Writer, ds *aldyn.DataSet, f *aldyn.DataForm, bodyName, lang string, l Labels) error {
	t := &export.Table{Title: SheetData, Columns: []export.Column{
		{Key: headerElement, Label: headerElement},
		{Key: headerCombo, Label: headerCombo},
		{Key: "element", Label: l.Element},
		{Key: "breakdown", Label: l.Breakdown},
		{Key: "unit", Label: l.Unit},
		{Key: headerValue, Label: headerValue},
	}}
	for _, e := range ds.Elements {
		for _, c := range e.Combos() {
			var v any
			if x := f.Value(e.Code, c.Key); x != nil {
				if x.Value != nil {
					v = strconv.FormatFloat(*x.Value, 'f', -1, 64)
				} else {
					v = x.Text
				}
			}
			t.Rows = append(t.Rows, []any{e.Code, c.Key, e.Name.In(lang), c.Name(lang), e.Unit.In(lang), v})
		}
	}
	p, _ := aldyn.ParsePeriod(f.Period)
	wb := &export.Workbook{Title: ds.Name.In(lang), Cover: &export.Cover{Sheet: l.Title, Title: ds.Name.In(lang), Lines: [][2]string{
		{coverDataSet, ds.Code}, {coverPeriod, f.Period}, {l.Version, strconv.Itoa(ds.Version)}, {l.Body, bodyName}, {l.Title, p.Label()},
	}}, Tables: []*export.Table{t}}
	return wb.Write(w)
}

// SheetError is what is wrong with one cell of an uploaded workbook.
type SheetError struct {
	Sheet  string `json:"sheet"`
	Row    int    `json:"row"`
	Column string `json:"column"`
	Reason string `json:"reason"` // translation key
	Value  string `json:"value,omitempty"`
}

// ReadFormXLSX reads the cells of a form of data set ds for period from
// an uploaded workbook, checking every row; it returns the cells only
// when nothing is wrong, and otherwise every bad cell.
func ReadFormXLSX(r io.Reader, ds *aldyn.DataSet, period string) (map[string]map[string]string, []SheetError, error) {
	f, err := workbook.Open(r, FormXLSXLimits)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	var errs []SheetError
	add := func(sheet string, row int, col, reason, value string) {
		errs = append(errs, SheetError{Sheet: sheet, Row: row, Column: col, Reason: reason, Value: value})
	}
	data := ""
	for _, name := range f.GetSheetList() {
		if strings.EqualFold(name, SheetData) {
			data = name
			continue
		}
		// The cover, when kept, must be of this data set and period.
		rows, err := f.GetRows(name)
		if err != nil {
			return nil, nil, err
		}
		for i, row := range rows {
			if len(row) < 2 {
				continue
			}
			want := map[string]string{coverDataSet: ds.Code, coverPeriod: period}[strings.TrimSpace(row[0])]
			if want != "" && strings.TrimSpace(row[1]) != want {
				add(name, i+1, "B", "datasets.xlsx.error.other_form", row[1])
			}
		}
	}
	if data == "" {
		add(SheetData, 0, "", "datasets.xlsx.error.no_sheet", "")
		return nil, errs, nil
	}
	rows, err := f.Rows(data)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	cells := map[string]map[string]string{}
	seen := map[[2]string]bool{}
	keys := map[string]map[string]bool{} // valid combinations by element
	n := 0
	for rows.Next() {
		n++
		// Raw values: the form parses numbers itself, and applying the
		// cells' number formats was most of the import's time.
		vals, err := rows.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return nil, nil, err
		}
		if err := workbook.CheckRow(n, vals); err != nil {
			return nil, nil, err
		}
		get := func(i int) string {
			if i < len(vals) {
				return strings.TrimSpace(vals[i])
			}
			return ""
		}
		if n == 1 {
			before := len(errs)
			for i, h := range map[int]string{0: headerElement, 1: headerCombo, 5: headerValue} {
				if !strings.EqualFold(get(i), h) {
					col, _ := excelize.ColumnNumberToName(i + 1)
					add(data, 1, col, "datasets.xlsx.error.header", get(i))
				}
			}
			if len(errs) > before {
				return nil, errs, nil
			}
			continue
		}
		code, combo, value := get(0), get(1), get(5)
		if code == "" && combo == "" && value == "" {
			continue
		}
		e := ds.Element(code)
		if e == nil {
			add(data, n, "A", "datasets.xlsx.error.element", code)
			continue
		}
		if keys[code] == nil {
			keys[code] = map[string]bool{}
			for _, c := range e.Combos() {
				keys[code][c.Key] = true
			}
		}
		if !keys[code][combo] {
			add(data, n, "B", "datasets.xlsx.error.combo", combo)
			continue
		}
		if seen[[2]string{code, combo}] {
			add(data, n, "A", "datasets.xlsx.error.duplicate", code+" "+combo)
			continue
		}
		seen[[2]string{code, combo}] = true
		if _, key := aldyn.ParseValue(e, value, ds.Sensitive); key != "" {
			add(data, n, "F", key, clip(value))
			continue
		}
		if cells[code] == nil {
			cells[code] = map[string]string{}
		}
		cells[code][combo] = value
	}
	if err := rows.Error(); err != nil {
		return nil, nil, fmt.Errorf("read sheet %s: %w", data, err)
	}
	if len(errs) > 0 {
		return nil, errs, nil
	}
	return cells, nil, nil
}

// clip shortens a value quoted in an error.
func clip(s string) string {
	if r := []rune(s); len(r) > 60 {
		return string(r[:60]) + "…"
	}
	return s
}

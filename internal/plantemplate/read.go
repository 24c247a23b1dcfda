package plantemplate

import (
	"bytes"
	"errors"
	"io"
	"regexp"
	"slices"
	"strings"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/export"
	"github.com/aldyn-kg/aldyn/internal/importer"
	"github.com/aldyn-kg/aldyn/internal/workbook"
)

// row is one non-blank row of a sheet.
type row struct {
	sheet string // the sheet it belongs to; "" when a CSV row names none
	n     int    // as the user sees it
	vals  []string
}

// table is a sheet as read: its header and rows.
type table struct {
	sheet     string // "" for the CSV form
	headerRow int
	header    []string // normalised names; "" for a blank header cell
	rows      []row
}

// Read reads a template in format (XLSX or CSV). With plan, measures'
// dates must lie within its years and records get its ID; with concept,
// components and tasks are checked against it; bodies resolves
// responsible_body and co_executors (nil: only ids are taken, unchecked).
//
// It returns every problem found as a RowError and then no records, so
// that the caller imports all or nothing. err is for a file that cannot
// be read at all (*aldyn.Error EINVALID with a translation key).
//
// The records are validated (Measure.Validate, Indicator.Validate), their
// budget lines are in the order of aldyn.BudgetSources, and they have no
// IDs yet, except that indicators are numbered 1…n in file order:
// the measures' IndicatorIDs refer to those numbers, which the caller maps
// to the stored IDs.
func Read(r io.Reader, format string, plan *aldyn.Plan, concept *aldyn.Concept, bodies BodyResolver) (measures []aldyn.Measure, indicators []aldyn.Indicator, errs []RowError, err error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, nil, nil, err
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, nil, nil, aldyn.Errorf(aldyn.EINVALID, "import.error.empty")
	}
	rd := &reader{plan: plan, concept: concept, bodies: bodies}
	var ms, is *table
	switch format {
	case XLSX:
		rd.serial = true
		ms, is, err = rd.readXLSX(data)
	case CSV:
		ms, is, err = rd.readCSV(data)
	default:
		err = aldyn.Errorf(aldyn.EINVALID, "plantemplate.error.format", "format", format)
	}
	if err != nil {
		return nil, nil, nil, err
	}
	// Rows are read only under a sound header: one missing column would
	// otherwise be reported on every row.
	if !rd.badHeader {
		if len(ms.rows)+len(is.rows) == 0 && len(rd.errs) == 0 {
			return nil, nil, nil, aldyn.Errorf(aldyn.EINVALID, "import.error.empty")
		}
		indicators = rd.indicators(is)
		measures = rd.measures(ms)
	}
	if len(rd.errs) > 0 {
		return nil, nil, rd.sorted(), nil
	}
	return measures, indicators, nil, nil
}

// reader holds what Read needs across sheets.
type reader struct {
	plan    *aldyn.Plan
	concept *aldyn.Concept
	bodies  BodyResolver
	serial  bool // date serial numbers are dates (XLSX)
	csv     bool
	errs    []rowError
	// badHeader is set when a sheet is missing or its header is wrong.
	badHeader bool
	indIDs    map[string]int64 // indicator code → number, for every row with a code
}

// rowError is a RowError with its place, to sort by.
type rowError struct {
	RowError
	rank, pos int
}

func (rd *reader) add(sheet string, n int, column string, pos int, reason, value string) {
	rank := 0
	if !rd.csv && sheet == SheetIndicators {
		rank = 1
	}
	rd.errs = append(rd.errs, rowError{RowError{Sheet: sheet, Row: n, Column: column, Reason: reason, Value: clip(value)}, rank, pos})
}

// sorted returns the errors by sheet (a workbook's measures first), row
// and column.
func (rd *reader) sorted() []RowError {
	slices.SortStableFunc(rd.errs, func(a, b rowError) int {
		if a.rank != b.rank {
			return a.rank - b.rank
		}
		if a.Row != b.Row {
			return a.Row - b.Row
		}
		return a.pos - b.pos
	})
	out := make([]RowError, len(rd.errs))
	for i, e := range rd.errs {
		out[i] = e.RowError
	}
	return out
}

func tooMany(sheet string) error {
	return aldyn.Errorf(aldyn.EINVALID, "plantemplate.error.too_many_rows", "sheet", sheet, "limit", MaxRows)
}

func blank(vals []string) bool {
	for _, v := range vals {
		if strings.TrimSpace(v) != "" {
			return false
		}
	}
	return true
}

// The importer names blank header cells "column N".
var syntheticColumn = regexp.MustCompile(`^column [0-9]+$`)

func normaliseHeader(vals []string) []string {
	h := make([]string, len(vals))
	for i, v := range vals {
		v = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(v, "\ufeff")))
		if syntheticColumn.MatchString(v) {
			v = ""
		}
		h[i] = v
	}
	return h
}

// xlsxLimits bound a template workbook: a plan of a few thousand measures
// unpacks to a few megabytes.
var xlsxLimits = workbook.Limits{File: 16 << 20, Unpacked: 64 << 20}

func (rd *reader) readXLSX(data []byte) (ms, is *table, err error) {
	f, err := workbook.Open(bytes.NewReader(data), xlsxLimits)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	names := map[string]string{}
	for _, s := range f.GetSheetList() {
		names[strings.ToLower(strings.TrimSpace(s))] = s
	}
	read := func(sheet string) (*table, error) {
		t := &table{sheet: sheet, headerRow: 1}
		name, ok := names[sheet]
		if !ok {
			rd.add(sheet, 0, "", 0, "plantemplate.error.missing_sheet", sheet)
			rd.badHeader = true
			return t, nil
		}
		rows, err := f.Rows(name)
		if err != nil {
			return nil, aldyn.Errorf(aldyn.EINVALID, "import.error.xlsx", "detail", err.Error())
		}
		defer rows.Close()
		n := 0
		for rows.Next() {
			n++
			cols, err := rows.Columns()
			if err != nil {
				return nil, aldyn.Errorf(aldyn.EINVALID, "import.error.xlsx", "detail", err.Error())
			}
			if err := workbook.CheckRow(n, cols); err != nil {
				return nil, err
			}
			if blank(cols) {
				continue
			}
			if t.header == nil {
				t.header, t.headerRow = normaliseHeader(cols), n
				continue
			}
			if len(t.rows) == MaxRows {
				return nil, tooMany(sheet)
			}
			t.rows = append(t.rows, row{sheet: sheet, n: n, vals: cols})
		}
		if err := rows.Error(); err != nil {
			return nil, aldyn.Errorf(aldyn.EINVALID, "import.error.xlsx", "detail", err.Error())
		}
		rd.checkHeader(t, sheetColumns(sheet))
		return t, nil
	}
	if ms, err = read(SheetMeasures); err != nil {
		return nil, nil, err
	}
	if is, err = read(SheetIndicators); err != nil {
		return nil, nil, err
	}
	return ms, is, nil
}

// readCSV reads the stacked form and splits it into the two sheets, which
// share the file's header.
func (rd *reader) readCSV(data []byte) (ms, is *table, err error) {
	rd.csv = true
	c, err := importer.NewCSVReader(bytes.NewReader(data))
	if err != nil {
		return nil, nil, err
	}
	header := normaliseHeader(c.Header())
	width := len(header)
	ms = &table{sheet: SheetMeasures, headerRow: 1, header: header}
	is = &table{sheet: SheetIndicators, headerRow: 1, header: header}
	file := &table{headerRow: 1, header: header}
	if !rd.checkHeader(file, csvSheetColumns()) {
		return ms, is, nil
	}
	sheetCol := slices.Index(header, SheetColumn)
	for {
		n, vals, err := c.Next()
		if err == io.EOF {
			break
		}
		var re *importer.RecordError
		if errors.As(err, &re) {
			rd.add("", re.Row, "", 0, re.Reason, "")
			continue
		} else if err != nil {
			return nil, nil, err
		}
		if blank(vals) {
			continue
		}
		vals = slices.Clone(vals[:min(len(vals), width)])
		for i, v := range vals {
			vals[i] = export.PlainCSVText(v) // as export.WriteCSV wrote it
		}
		t := ms
		switch s := strings.ToLower(strings.TrimSpace(vals[sheetCol])); s {
		case "measures", "measure":
		case "indicators", "indicator":
			t = is
		default:
			rd.add("", n, SheetColumn, sheetCol, "plantemplate.error.sheet", vals[sheetCol])
			continue
		}
		if len(t.rows) == MaxRows {
			return nil, nil, tooMany(t.sheet)
		}
		t.rows = append(t.rows, row{sheet: t.sheet, n: n, vals: vals})
	}
	return ms, is, nil
}

// columns is the layout of a sheet as checkHeader needs it.
type columns struct {
	allowed  []string
	required []string
	texts    []string // prefixes of texts in three languages, one column at least required
}

func sheetColumns(sheet string) columns {
	if sheet == SheetMeasures {
		return columns{MeasureColumns, requiredMeasureColumns, requiredMeasureTexts}
	}
	return columns{IndicatorColumns, requiredIndicatorColumns, requiredIndicatorTexts}
}

func csvSheetColumns() columns {
	return columns{
		allowed:  csvColumns(),
		required: slices.Concat([]string{SheetColumn}, requiredMeasureColumns, requiredIndicatorColumns[1:]),
		texts:    slices.Concat(requiredMeasureTexts, requiredIndicatorTexts),
	}
}

// checkHeader reports unknown, repeated and missing columns on the header
// row, and whether there were none.
func (rd *reader) checkHeader(t *table, c columns) bool {
	before := len(rd.errs)
	for i, h := range t.header {
		switch {
		case h == "":
		case !slices.Contains(c.allowed, h):
			rd.add(t.sheet, t.headerRow, h, i, "plantemplate.error.unknown_column", h)
		case slices.Index(t.header, h) < i:
			rd.add(t.sheet, t.headerRow, h, i, "import.error.duplicate_column", h)
		}
	}
	missing := func(col string) {
		rd.add(t.sheet, t.headerRow, col, len(t.header)+slices.Index(c.allowed, col), "import.error.missing_column", "")
	}
	for _, col := range c.required {
		if !slices.Contains(t.header, col) {
			missing(col)
		}
	}
	for _, p := range c.texts {
		if !slices.ContainsFunc(t.header, func(h string) bool { return strings.HasPrefix(h, p+"_") }) {
			missing(p + "_ky")
		}
	}
	if len(rd.errs) > before {
		rd.badHeader = true
	}
	return !rd.badHeader
}

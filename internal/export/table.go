// Package export is the one way Aldyn writes tables out: CSV and XLSX for
// every list a user sees, and the document builders of generated reports.
package export

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"image/color"
	"io"
	"math"
	"mime"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"
)

// Kind tells how a column's values are written.
type Kind int

// Column kinds. A Percent value is a fraction (0.046 is 4.6 %), as
// spreadsheets keep percentages; an Int is a quantity (counts, som) and
// gets thousands separators, a Year does not.
const (
	Text Kind = iota
	Int
	Float
	Percent
	Date
	Year
)

// Column is one column of a table.
type Column struct {
	Key   string
	Label string
	Kind  Kind
	// Fill colours the cells whose text is a key of the map (a status
	// written in its fixed colour) in the XLSX; other formats ignore it.
	Fill map[string]color.RGBA
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

// CSVDialect is how a CSV file writes its fields.
type CSVDialect struct {
	Name string // "comma" or "semicolon", as the sep parameter names it
	Sep  rune
	// Excel is for a spreadsheet in Kyrgyz or Russian regional settings:
	// decimal commas, and codes Excel would read as numbers or dates
	// ("4.1", a 14-digit SOATE code) written as ="…" so they stay text.
	Excel bool
	// NoBOM leaves out the byte-order mark, for files read by programs
	// (open data, Frictionless tools) rather than opened in Excel.
	NoBOM bool
}

// The CSV dialects: RFC 4180 with decimal points for programs and
// English Excel, and semicolons with decimal commas for Excel in ky/ru.
var (
	CSVComma     = CSVDialect{Name: "comma", Sep: ','}
	CSVSemicolon = CSVDialect{Name: "semicolon", Sep: ';', Excel: true}
	// CSVData is RFC 4180 in UTF-8 without a byte-order mark: open data.
	CSVData = CSVDialect{Name: "data", Sep: ',', NoBOM: true}
)

// CSVDialectFor returns the dialect named by a sep parameter ("comma",
// "semicolon"), or for "" the one lang's spreadsheets expect.
func CSVDialectFor(sep, lang string) (CSVDialect, bool) {
	switch sep {
	case "comma":
		return CSVComma, true
	case "semicolon":
		return CSVSemicolon, true
	case "":
		if lang == "en" {
			return CSVComma, true
		}
		return CSVSemicolon, true
	}
	return CSVDialect{}, false
}

// PercentDecimals is how many decimals a share has in CSV: "4.6%".
const PercentDecimals = 1

// excelConverts matches text Excel would turn into a number or a date:
// digits with dots, commas, slashes or dashes between them, or a long
// digit string it would round ("41711000000000" → 4.1711E+13).
var excelConverts = regexp.MustCompile(`^[+-]?[0-9]+([.,/:-][0-9]+)*[.]?$|^0[0-9]`)

// csvField writes one cell in dialect d.
func (d CSVDialect) csvField(v any, k Kind) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		// A code kept as text by ="…" must hold no quote, or the
		// formula could be made to run something else.
		if d.Excel && !strings.ContainsRune(x, '"') && excelConverts.MatchString(x) {
			return `="` + x + `"`
		}
		return CSVText(x)
	case float64:
		if k == Percent {
			return d.decimal(strconv.FormatFloat(100*x, 'f', PercentDecimals, 64)) + "%"
		}
		return d.decimal(strconv.FormatFloat(x, 'f', -1, 64))
	case float32:
		return d.csvField(float64(x), k)
	case *float64: // a figure that may be missing, as xlsxCell reads it
		if x == nil {
			return ""
		}
		return d.csvField(*x, k)
	case *int:
		if x == nil {
			return ""
		}
		return d.csvField(*x, k)
	case time.Time, bool, int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64:
		return cellText(v, k)
	}
	return CSVText(cellText(v, k))
}

func (d CSVDialect) decimal(s string) string {
	if d.Excel {
		return strings.Replace(s, ".", ",", 1)
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

// WriteCSV writes t as CSV in dialect d, in UTF-8 with a byte-order mark
// so Excel opens Cyrillic text correctly. Shares are written as
// percentages with PercentDecimals decimals and a "%" sign, which Excel
// reads as percentages.
func WriteCSV(w io.Writer, t Table, d CSVDialect) error {
	bw := bufio.NewWriter(w)
	if !d.NoBOM {
		bw.WriteString("\ufeff")
	}
	cw := csv.NewWriter(bw)
	if d.Sep != 0 {
		cw.Comma = d.Sep
	}
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
				rec[i] = d.csvField(row[i], t.Columns[i].Kind)
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
	return (&Workbook{Tables: tables}).Write(w)
}

// Workbook is a workbook of tables with, optionally, a cover sheet that
// names what the tables are of.
type Workbook struct {
	Title   string
	Creator string // the author in the file's properties; "Aldyn" when empty
	Cover   *Cover
	Tables  []*Table
}

// Cover is the first sheet of a workbook: a title and label/value lines
// (plan, period, date of the figures …).
type Cover struct {
	Sheet string // the sheet's name
	Title string
	Lines [][2]string
}

// Spreadsheet number formats: thousands separators on quantities, one
// decimal on percentages.
const (
	fmtInt     = "#,##0"
	fmtFloat   = "#,##0.00"
	fmtPercent = "0.0%"
	fmtYear    = "0"
)

// Write writes the workbook. Every sheet has a bold header row that is
// frozen, filtered and repeated on each printed page; it prints landscape,
// fitted to the page width.
func (wb *Workbook) Write(w io.Writer) error {
	f := excelize.NewFile()
	defer f.Close()
	creator := wb.Creator
	if creator == "" {
		creator = "Aldyn"
	}
	if err := f.SetDocProps(&excelize.DocProperties{Creator: creator, LastModifiedBy: creator, Title: wb.Title,
		Created: now().UTC().Format(time.RFC3339), Modified: now().UTC().Format(time.RFC3339)}); err != nil {
		return err
	}
	if err := f.SetAppProps(&excelize.AppProperties{Application: "Aldyn"}); err != nil {
		return err
	}
	st, err := newSheetStyles(f)
	if err != nil {
		return err
	}
	used := map[string]bool{}
	first := true
	newSheet := func(title string) (string, error) {
		sheet := uniqueSheetName(title, used)
		var err error
		if first {
			err = f.SetSheetName("Sheet1", sheet)
			first = false
		} else {
			_, err = f.NewSheet(sheet)
		}
		return sheet, err
	}
	if c := wb.Cover; c != nil {
		sheet, err := newSheet(c.Sheet)
		if err == nil {
			err = writeCover(f, sheet, c, st)
		}
		if err != nil {
			return fmt.Errorf("xlsx cover %q: %w", sheet, err)
		}
	}
	for _, t := range wb.Tables {
		sheet, err := newSheet(t.Title)
		if err == nil {
			err = writeSheet(f, sheet, t, &st)
		}
		if err != nil {
			return fmt.Errorf("xlsx sheet %q: %w", sheet, err)
		}
	}
	return f.Write(w)
}

// sheetStyles are the style ids a sheet's cells take.
type sheetStyles struct {
	bold, title, date, integer, float, percent, year int
	fills                                            map[color.RGBA]int // by background, for Column.Fill
	f                                                *excelize.File
}

// fill is the style of a cell filled with c, its text black or white,
// whichever reads better on it.
func (st *sheetStyles) fill(c color.RGBA) (int, error) {
	if id, ok := st.fills[c]; ok {
		return id, nil
	}
	ink := "000000"
	if textOn(c) == color.White {
		ink = "FFFFFF"
	}
	id, err := st.f.NewStyle(&excelize.Style{
		Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{hexRGB(c)}},
		Font: &excelize.Font{Color: ink},
	})
	if err != nil {
		return 0, err
	}
	st.fills[c] = id
	return id, nil
}

// hexRGB writes c as spreadsheets take it: "1B7F3B".
func hexRGB(c color.RGBA) string { return fmt.Sprintf("%02X%02X%02X", c.R, c.G, c.B) }

func newSheetStyles(f *excelize.File) (sheetStyles, error) {
	st := sheetStyles{fills: map[color.RGBA]int{}, f: f}
	var err error
	style := func(s *excelize.Style) int {
		if err != nil {
			return 0
		}
		var id int
		id, err = f.NewStyle(s)
		return id
	}
	num := func(code string) *excelize.Style { return &excelize.Style{CustomNumFmt: &code} }
	st.bold = style(&excelize.Style{Font: &excelize.Font{Bold: true}, Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}})
	st.title = style(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 14}})
	st.date = style(&excelize.Style{NumFmt: 14})
	st.integer = style(num(fmtInt))
	st.float = style(num(fmtFloat))
	st.percent = style(num(fmtPercent))
	st.year = style(num(fmtYear))
	return st, err
}

func writeCover(f *excelize.File, sheet string, c *Cover, st sheetStyles) error {
	if err := f.SetColWidth(sheet, "A", "A", 34); err != nil {
		return err
	}
	if err := f.SetColWidth(sheet, "B", "B", 90); err != nil {
		return err
	}
	if err := f.SetCellValue(sheet, "A1", c.Title); err != nil {
		return err
	}
	if err := f.SetCellStyle(sheet, "A1", "A1", st.title); err != nil {
		return err
	}
	for i, l := range c.Lines {
		r := strconv.Itoa(i + 3)
		if err := f.SetCellValue(sheet, "A"+r, l[0]); err != nil {
			return err
		}
		if err := f.SetCellStyle(sheet, "A"+r, "A"+r, st.bold); err != nil {
			return err
		}
		if err := f.SetCellValue(sheet, "B"+r, l[1]); err != nil {
			return err
		}
	}
	return printSetup(f, sheet, false)
}

// printSetup prints the sheet landscape, fitted to one page wide, with
// the header row (when it has one) on every page.
func printSetup(f *excelize.File, sheet string, header bool) error {
	orient, one, any := "landscape", 1, 0
	if err := f.SetPageLayout(sheet, &excelize.PageLayoutOptions{Orientation: &orient, FitToWidth: &one, FitToHeight: &any}); err != nil {
		return err
	}
	fit := true
	if err := f.SetSheetProps(sheet, &excelize.SheetPropsOptions{FitToPage: &fit}); err != nil {
		return err
	}
	if !header {
		return nil
	}
	return f.SetDefinedName(&excelize.DefinedName{Name: "_xlnm.Print_Titles", RefersTo: "'" + strings.ReplaceAll(sheet, "'", "''") + "'!$1:$1", Scope: sheet})
}

func writeSheet(f *excelize.File, sheet string, t *Table, st *sheetStyles) error {
	// The stream writer writes the worksheet's settings as they are when
	// it starts: filter and print setup go first.
	if len(t.Columns) > 0 {
		last, _ := excelize.CoordinatesToCellName(len(t.Columns), max(len(t.Rows)+1, 2))
		if err := f.AutoFilter(sheet, "A1:"+last, nil); err != nil {
			return err
		}
	}
	if err := printSetup(f, sheet, true); err != nil {
		return err
	}
	for _, c := range t.Columns {
		for _, col := range c.Fill {
			if _, err := st.fill(col); err != nil {
				return err
			}
		}
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return err
	}
	widths := make([]int, len(t.Columns))
	head := make([]any, len(t.Columns))
	for i, c := range t.Columns {
		head[i] = excelize.Cell{StyleID: st.bold, Value: c.Label}
		for _, word := range strings.Fields(c.Label) {
			widths[i] = max(widths[i], len([]rune(word)))
		}
	}
	for _, row := range t.Rows {
		for i := range t.Columns {
			if i < len(row) {
				if n := len([]rune(cellText(row[i], t.Columns[i].Kind))) + 2; n > widths[i] {
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
			cells[i] = xlsxCell(v, c.Kind, *st)
			if s, ok := v.(string); ok && c.Fill != nil {
				if col, ok := c.Fill[s]; ok {
					id, err := st.fill(col)
					if err != nil {
						return err
					}
					cells[i] = excelize.Cell{StyleID: id, Value: s}
				}
			}
		}
		cell, _ := excelize.CoordinatesToCellName(1, r+2)
		if err := sw.SetRow(cell, cells); err != nil {
			return err
		}
	}
	return sw.Flush()
}

// xlsxCell is v as a cell of a column of kind k: missing values blank,
// numbers with their kind's format.
func xlsxCell(v any, k Kind, st sheetStyles) any {
	switch x := v.(type) {
	case nil:
		return nil
	case time.Time:
		if x.IsZero() {
			return nil
		}
		return excelize.Cell{StyleID: st.date, Value: x}
	case *float64:
		if x == nil {
			return nil
		}
		return xlsxCell(*x, k, st)
	case *int:
		if x == nil {
			return nil
		}
		return xlsxCell(*x, k, st)
	case string:
		return x
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return nil
		}
	}
	switch k {
	case Int:
		return excelize.Cell{StyleID: st.integer, Value: v}
	case Float:
		return excelize.Cell{StyleID: st.float, Value: v}
	case Percent:
		return excelize.Cell{StyleID: st.percent, Value: v}
	case Year:
		return excelize.Cell{StyleID: st.year, Value: v}
	}
	return v
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

// Serve writes t as a download in format "csv" (in dialect d) or "xlsx";
// filename has no extension and may be non-ASCII (RFC 5987).
func Serve(w http.ResponseWriter, format, filename string, t Table, d CSVDialect) error {
	name := filename + "." + format
	switch format {
	case "csv":
		w.Header().Set("Content-Type", "text/csv; charset=utf-8; header=present")
	case "xlsx":
		w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	default:
		return fmt.Errorf("export: unknown format %q", format)
	}
	w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": name}))
	w.Header().Set("Cache-Control", "no-store")
	if format == "csv" {
		return WriteCSV(w, t, d)
	}
	return WriteXLSX(w, t)
}

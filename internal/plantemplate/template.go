// Package plantemplate reads and writes plans in the spreadsheet template
// that plans drafted in Excel are loaded from.
//
// # Layout
//
// An XLSX workbook has two sheets, "measures" and "indicators", each with
// one header row of the stable column names below (MeasureColumns,
// IndicatorColumns) and one record per row after it. Column order does not
// matter and names are matched ignoring case; a column not in the layout
// is an error, so that a misspelt name does not lose data silently.
//
// The CSV form is the same two sheets stacked in one file: a first column
// "sheet" says which sheet each row belongs to ("measures" or
// "indicators"), and the header is "sheet", "code", then the other columns
// of measures, then those of indicators; the cells of the other sheet's
// columns stay empty. CSV is read as the offense importer reads it:
// comma, semicolon or tab separated, UTF-8 (with or without BOM), UTF-16
// or Windows-1251.
//
// Cell syntax:
//   - lists (co_executors, indicators) are separated by ";";
//   - responsible_body and co_executors hold a body's id or its exact name
//     in any language (see BodyResolver);
//   - dates are YYYY-MM-DD or DD.MM.YYYY, or date cells in a workbook;
//   - budget_* are whole amounts in soms; a source with several lines holds
//     several amounts separated by ";", and partners_funder names the funder
//     of each budget_partners amount in the same order;
//   - yes/no cells take yes/no, да/нет, ооба/жок, true/false or 1/0;
//   - targets are year:value pairs separated by ";": "2025:10;2026:8";
//   - numbers take a decimal point or comma.
package plantemplate

import (
	"strconv"
	"strings"

	"github.com/aldyn-kg/aldyn"
)

// Formats of the template.
const (
	XLSX = "xlsx"
	CSV  = "csv"
)

// Sheet names, which are also the values of the CSV "sheet" column.
const (
	SheetMeasures   = "measures"
	SheetIndicators = "indicators"
)

// SheetColumn is the first column of the CSV form.
const SheetColumn = "sheet"

// MaxRows bounds the records of one sheet; a plan has tens or hundreds.
const MaxRows = 10000

// MeasureColumns are the columns of the measures sheet in the order Write
// writes them.
var MeasureColumns = []string{
	"code", "component", "task",
	"title_ky", "title_ru", "title_en",
	"description_ky", "description_ru", "description_en",
	"responsible_body", "co_executors", "start", "due",
	"budget_republican", "budget_local", "budget_partners", "partners_funder", "budget_other",
	"expected_result_ky", "expected_result_ru", "expected_result_en",
	"indicators", "cancelled",
}

// IndicatorColumns are the columns of the indicators sheet in the order
// Write writes them.
var IndicatorColumns = []string{
	"code", "name_ky", "name_ru", "name_en", "unit", "kind", "higher_is_better",
	"numerator", "denominator", "source", "offense_category", "disaggregation", "frequency",
	"verification_ky", "verification_ru", "verification_en",
	"baseline_value", "baseline_year", "targets",
}

// Columns a sheet cannot do without; of a text in three languages
// (title_*, name_*, verification_*) one column at least must be present.
var (
	requiredMeasureColumns   = []string{"code", "responsible_body", "start", "due"}
	requiredIndicatorColumns = []string{"code", "kind", "higher_is_better", "source", "frequency", "baseline_value", "baseline_year", "targets"}
	requiredMeasureTexts     = []string{"title"}
	requiredIndicatorTexts   = []string{"name", "verification"}
)

// budgetColumns maps the amount columns to budget sources, in the order
// of aldyn.BudgetSources.
var budgetColumns = []struct{ column, source string }{
	{"budget_republican", aldyn.BudgetRepublican},
	{"budget_local", aldyn.BudgetLocal},
	{"budget_partners", aldyn.BudgetPartners},
	{"budget_other", aldyn.BudgetOther},
}

// csvColumns is the header of the CSV form.
func csvColumns() []string {
	cols := []string{SheetColumn}
	cols = append(cols, MeasureColumns...)
	for _, c := range IndicatorColumns {
		if c != "code" {
			cols = append(cols, c)
		}
	}
	return cols
}

// RowError is one problem with one cell (or the whole row, Column "") of
// a template.
type RowError struct {
	Sheet  string `json:"sheet"`  // SheetMeasures or SheetIndicators; "" for the header of a CSV file
	Row    int    `json:"row"`    // as the user sees it: the header is row 1
	Column string `json:"column"` // the column's name in the layout
	Reason string `json:"reason"` // translation key; its template gets row, column and value
	Value  string `json:"value,omitempty"`
}

// BodyResolver returns the id of the body a cell names, by id or by name
// in any language; ok is false when no body, or more than one, matches.
type BodyResolver func(cell string) (id int64, ok bool)

// ResolveBodies returns a BodyResolver over bodies: a cell is a body's id,
// or its name in ky, ru or en compared ignoring case and repeated spaces.
// A name two bodies share resolves to neither.
func ResolveBodies(bodies []aldyn.Body) BodyResolver {
	ids := make(map[int64]bool, len(bodies))
	names := make(map[string]int64, 3*len(bodies))
	for _, b := range bodies {
		ids[b.ID] = true
		seen := map[string]bool{}
		for _, n := range []string{b.NameKy, b.NameRu, b.NameEn} {
			k := nameKey(n)
			if k == "" || seen[k] {
				continue
			}
			seen[k] = true
			if id, dup := names[k]; dup && id != b.ID {
				names[k] = 0
			} else {
				names[k] = b.ID
			}
		}
	}
	return func(cell string) (int64, bool) {
		if id, err := strconv.ParseInt(strings.TrimSpace(cell), 10, 64); err == nil {
			return id, ids[id]
		}
		id := names[nameKey(cell)]
		return id, id != 0
	}
}

func nameKey(s string) string { return strings.ToLower(strings.Join(strings.Fields(s), " ")) }

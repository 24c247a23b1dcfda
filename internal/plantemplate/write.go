package plantemplate

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/export"
)

const dateLayout = "2006-01-02"

// Write writes measures and indicators in the template's format (XLSX or
// CSV). bodyName names a body by its id for responsible_body and
// co_executors; when it is nil or returns "" (or a name with ";"), the id
// is written. A measure's IndicatorIDs must be among the indicators' IDs.
func Write(w io.Writer, format string, measures []aldyn.Measure, indicators []aldyn.Indicator, bodyName func(int64) string) error {
	codes := make(map[int64]string, len(indicators))
	for _, ind := range indicators {
		codes[ind.ID] = ind.Code
	}
	body := func(id int64) string {
		if bodyName != nil {
			if n := strings.TrimSpace(bodyName(id)); n != "" && !strings.Contains(n, ";") {
				return n
			}
		}
		return strconv.FormatInt(id, 10)
	}
	mrows := make([]map[string]any, len(measures))
	for i := range measures {
		r, err := measureCells(&measures[i], codes, body)
		if err != nil {
			return err
		}
		mrows[i] = r
	}
	irows := make([]map[string]any, len(indicators))
	for i := range indicators {
		irows[i] = indicatorCells(&indicators[i])
	}
	switch format {
	case XLSX:
		return writeXLSX(w, mrows, irows)
	case CSV:
		return writeCSV(w, mrows, irows)
	}
	return aldyn.Errorf(aldyn.EINVALID, "plantemplate.error.format", "format", format)
}

func measureCells(m *aldyn.Measure, codes map[int64]string, body func(int64) string) (map[string]any, error) {
	r := map[string]any{
		"code": m.Code, "component": m.ComponentCode, "task": m.TaskCode,
		"title_ky": m.Title.KY, "title_ru": m.Title.RU, "title_en": m.Title.EN,
		"description_ky": m.Description.KY, "description_ru": m.Description.RU, "description_en": m.Description.EN,
		"expected_result_ky": m.ExpectedResult.KY, "expected_result_ru": m.ExpectedResult.RU, "expected_result_en": m.ExpectedResult.EN,
		"start": m.Start, "due": m.Due,
	}
	if m.ResponsibleBodyID != 0 {
		r["responsible_body"] = body(m.ResponsibleBodyID)
	}
	co := make([]string, len(m.CoExecutorIDs))
	for i, id := range m.CoExecutorIDs {
		co[i] = body(id)
	}
	r["co_executors"] = strings.Join(co, ";")
	var funders []string
	for _, bc := range budgetColumns {
		var amounts []string
		var single int64
		for _, l := range m.Budget {
			if l.Source != bc.source {
				continue
			}
			amounts = append(amounts, strconv.FormatInt(l.AmountKGS, 10))
			single = l.AmountKGS
			if bc.source == aldyn.BudgetPartners {
				funders = append(funders, l.Funder)
			}
		}
		switch len(amounts) {
		case 0:
		case 1:
			r[bc.column] = single
		default:
			r[bc.column] = strings.Join(amounts, ";")
		}
	}
	r["partners_funder"] = strings.Join(funders, ";")
	inds := make([]string, len(m.IndicatorIDs))
	for i, id := range m.IndicatorIDs {
		c, ok := codes[id]
		if !ok {
			return nil, fmt.Errorf("plan template: measure %s: indicator %d is not among the indicators written", m.Code, id)
		}
		inds[i] = c
	}
	r["indicators"] = strings.Join(inds, ";")
	r["cancelled"] = yesNo(m.Cancelled)
	return r, nil
}

func indicatorCells(ind *aldyn.Indicator) map[string]any {
	targets := make([]string, len(ind.Targets))
	for i, t := range ind.Targets {
		targets[i] = strconv.Itoa(t.Year) + ":" + formatFloat(t.Value)
	}
	return map[string]any{
		"code": ind.Code, "name_ky": ind.Name.KY, "name_ru": ind.Name.RU, "name_en": ind.Name.EN,
		"unit": ind.Unit, "kind": ind.Kind, "higher_is_better": yesNo(ind.HigherIsBetter),
		"numerator": ind.Numerator, "denominator": ind.Denominator, "source": ind.Source,
		"offense_category": ind.OffenseCategory, "disaggregation": ind.Disaggregation, "frequency": ind.Frequency,
		"verification_ky": ind.Verification.KY, "verification_ru": ind.Verification.RU, "verification_en": ind.Verification.EN,
		"baseline_value": ind.BaselineValue, "baseline_year": ind.BaselineYear,
		"targets": strings.Join(targets, ";"),
	}
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func formatFloat(x float64) string { return strconv.FormatFloat(x, 'f', -1, 64) }

// cellString is a cell as CSV text.
func cellString(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case time.Time:
		if x.IsZero() {
			return ""
		}
		return x.Format(dateLayout)
	case float64:
		return formatFloat(x)
	case int64:
		return strconv.FormatInt(x, 10)
	case int:
		return strconv.Itoa(x)
	}
	return fmt.Sprint(v)
}

// writeCSV goes through the export package, the one CSV path of tables.
func writeCSV(w io.Writer, mrows, irows []map[string]any) error {
	cols := csvColumns()
	t := export.Table{Title: "plan", Columns: make([]export.Column, len(cols))}
	for i, c := range cols {
		t.Columns[i] = export.Column{Key: c, Label: c}
	}
	add := func(sheet string, rows []map[string]any) {
		for _, r := range rows {
			row := make([]any, len(cols))
			row[0] = sheet
			for i, c := range cols[1:] {
				row[i+1] = cellString(r[c])
			}
			t.Rows = append(t.Rows, row)
		}
	}
	add(SheetMeasures, mrows)
	add(SheetIndicators, irows)
	return export.WriteCSV(w, t, export.CSVComma) // read back by the template import
}

// textColumns hold codes and lists that a spreadsheet must not turn into
// numbers ("1.10" is not 1.1).
var textColumns = map[string]bool{
	"code": true, "component": true, "task": true, "co_executors": true, "responsible_body": true,
	"indicators": true, "targets": true, "partners_funder": true,
}

// writeXLSX writes the two sheets; export.WriteXLSX writes one sheet per
// workbook, so the template builds its workbook here. Amounts and numbers
// stay numbers, dates are date cells, codes are text cells.
func writeXLSX(w io.Writer, mrows, irows []map[string]any) error {
	f := excelize.NewFile()
	defer f.Close()
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return err
	}
	text, err := f.NewStyle(&excelize.Style{NumFmt: 49})
	if err != nil {
		return err
	}
	dateFmt := "yyyy-mm-dd"
	date, err := f.NewStyle(&excelize.Style{CustomNumFmt: &dateFmt})
	if err != nil {
		return err
	}
	if err := f.SetSheetName("Sheet1", SheetMeasures); err != nil {
		return err
	}
	if _, err := f.NewSheet(SheetIndicators); err != nil {
		return err
	}
	for _, s := range []struct {
		name string
		cols []string
		rows []map[string]any
	}{{SheetMeasures, MeasureColumns, mrows}, {SheetIndicators, IndicatorColumns, irows}} {
		for i, c := range s.cols {
			col, _ := excelize.ColumnNumberToName(i + 1)
			if err := f.SetColWidth(s.name, col, col, float64(max(len(c), 12)+2)); err != nil {
				return err
			}
			if textColumns[c] {
				if err := f.SetColStyle(s.name, col, text); err != nil {
					return err
				}
			}
		}
		head := make([]any, len(s.cols))
		for i, c := range s.cols {
			head[i] = c
		}
		if err := f.SetSheetRow(s.name, "A1", &head); err != nil {
			return err
		}
		last, _ := excelize.ColumnNumberToName(len(s.cols))
		if err := f.SetCellStyle(s.name, "A1", last+"1", bold); err != nil {
			return err
		}
		if err := f.SetPanes(s.name, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
			return err
		}
		for r, row := range s.rows {
			for i, c := range s.cols {
				cell, _ := excelize.CoordinatesToCellName(i+1, r+2)
				switch v := row[c].(type) {
				case nil:
				case time.Time:
					if v.IsZero() {
						continue
					}
					if err := f.SetCellValue(s.name, cell, v); err != nil {
						return err
					}
					if err := f.SetCellStyle(s.name, cell, cell, date); err != nil {
						return err
					}
				case string:
					if v == "" {
						continue
					}
					if err := f.SetCellStr(s.name, cell, v); err != nil {
						return err
					}
				default:
					if err := f.SetCellValue(s.name, cell, v); err != nil {
						return err
					}
				}
			}
		}
	}
	f.SetActiveSheet(0)
	return f.Write(w)
}

package planreport

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/aldyn-kg/aldyn/internal/export"
	"github.com/aldyn-kg/aldyn/internal/i18n"
)

// WritePDF writes the report as an A4 PDF narrative.
func (r *Report) WritePDF(w io.Writer) error { return export.WritePDF(w, r.Document()) }

// WriteDOCX writes the report as a Word document.
func (r *Report) WriteDOCX(w io.Writer) error { return export.WriteDOCX(w, r.Document()) }

// Document lays the report out for reading: the narrative, the charts and
// the tables, with numbers and dates written the way the language writes
// them. An A4 page holds about seven columns, so wide tables keep their
// main columns here (the workbook has them all) and the measures' reports
// get a table of their own.
func (r *Report) Document() *export.Document {
	loc := r.loc
	d := &export.Document{Title: r.Title, Subtitle: r.Subtitle, Lang: r.Lang}
	add := func(b ...export.Block) { d.Blocks = append(d.Blocks, b...) }
	table := func(t *export.Table) export.Block { return export.TableBlock{Table: readable(loc, t)} }

	add(export.Heading{Text: tr(loc, "planreport.heading.overview"), Level: 1})
	for _, p := range r.Narrative {
		add(export.Paragraph{Text: p})
	}
	add(table(&r.Summary), table(&r.Budget))
	if r.Dashboard.Budget.PlannedKGS+r.Dashboard.Budget.SpentKGS > 0 {
		add(r.budgetChart)
	}

	add(export.Heading{Text: tr(loc, "planreport.heading.implementation"), Level: 1})
	if len(r.statusChart.Labels) > 0 {
		add(r.statusChart)
	}
	add(table(pick(&r.Components, r.Components.Title, nil, "component+title", "total", "done", "on_track", "at_risk", "overdue", "not_started")))
	add(table(pick(&r.Measures, r.Measures.Title, nil, "code", "measure", "body", "due", "status", "progress")))
	hasText := func(row []any) bool {
		return row[colIndex(&r.Measures, "narrative")] != "" || row[colIndex(&r.Measures, "comment")] != ""
	}
	if reports := pick(&r.Measures, tr(loc, "planreport.table.period_reports"), hasText, "code", "narrative", "comment"); len(reports.Rows) > 0 {
		add(table(reports))
	}

	add(export.Heading{Text: tr(loc, "planreport.heading.reporting"), Level: 1})
	add(table(&r.Bodies))
	if len(r.Lapses.Rows) > 0 {
		add(table(&r.Lapses))
	}

	if len(r.Indicators.Rows) > 0 {
		add(export.Heading{Text: tr(loc, "planreport.heading.indicators"), Level: 1})
		ind := readable(loc, &r.Indicators)
		add(export.TableBlock{Table: pick(ind, ind.Title, nil, "code", "indicator+unit", "baseline+baseline_year",
			"target+target_year", "actual+actual_period", "progress", "state")})
	}
	return d
}

func colIndex(t *export.Table, key string) int {
	for i, c := range t.Columns {
		if c.Key == key {
			return i
		}
	}
	panic("planreport: no column " + key) // a typo in this file
}

// pick returns the rows of t that keep accepts (all when nil) with the
// columns named by keys; "a+b" joins columns a and b into one cell
// "a (b)", or "a b" when a is a code, under a's label.
func pick(t *export.Table, title string, keep func([]any) bool, keys ...string) *export.Table {
	type part struct{ a, b int }
	parts := make([]part, len(keys))
	out := &export.Table{Title: title, Columns: make([]export.Column, len(keys))}
	for i, k := range keys {
		a, b, joined := strings.Cut(k, "+")
		parts[i] = part{colIndex(t, a), -1}
		out.Columns[i] = t.Columns[parts[i].a]
		if joined {
			parts[i].b = colIndex(t, b)
			out.Columns[i].Kind = export.Text
		}
	}
	for _, row := range t.Rows {
		if keep != nil && !keep(row) {
			continue
		}
		cells := make([]any, len(parts))
		for i, p := range parts {
			cells[i] = row[p.a]
			if p.b >= 0 {
				cells[i] = joinCells(row[p.a], row[p.b], t.Columns[p.a].Key == "component")
			}
		}
		out.Rows = append(out.Rows, cells)
	}
	return out
}

func joinCells(a, b any, code bool) any {
	sa, sb := cellString(a), cellString(b)
	switch {
	case sb == "":
		return sa
	case sa == "":
		return sb
	case code:
		return sa + " " + sb
	}
	return sa + " (" + sb + ")"
}

func cellString(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case int:
		return strconv.Itoa(x)
	}
	return fmt.Sprint(v)
}

// readable returns a copy of t whose numbers and dates are text in loc's
// conventions ("1 234,5" in ky and ru); columns keep their kinds, so
// numbers stay right-aligned.
func readable(loc *i18n.Localizer, t *export.Table) *export.Table {
	out := &export.Table{Title: t.Title, Columns: t.Columns, Rows: make([][]any, len(t.Rows))}
	for n, row := range t.Rows {
		cells := make([]any, len(row))
		for i, v := range row {
			var c export.Column
			if i < len(t.Columns) {
				c = t.Columns[i]
			}
			cells[i] = readableCell(loc, v, c)
		}
		out.Rows[n] = cells
	}
	return out
}

func readableCell(loc *i18n.Localizer, v any, c export.Column) any {
	switch x := v.(type) {
	case int:
		if strings.HasSuffix(c.Key, "_year") {
			return strconv.Itoa(x) // a year is not a quantity: no "2 024"
		}
		return loc.Number(int64(x))
	case int64:
		return loc.Number(x)
	case float64:
		if c.Kind == export.Percent {
			return loc.Decimal(x, 1)
		}
		return loc.Decimal(x, decimals(x))
	case time.Time:
		return loc.Date(x)
	}
	return v
}

// decimals is how many of at most two decimals x needs.
func decimals(x float64) int {
	s := strconv.FormatFloat(x, 'f', 2, 64)
	s = strings.TrimRight(s, "0")
	_, frac, _ := strings.Cut(s, ".")
	return len(frac)
}

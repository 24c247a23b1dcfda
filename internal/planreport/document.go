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

// Document lays the report out as the Council hears it: a title page,
// the findings in prose, the measures under the Concept's components and
// tasks, the indicators, the budget, the risks, the follow-up of the
// Council's decisions, the reporting discipline, and an annex with the
// period's reports. Numbers and dates are written the way the language
// writes them.
func (r *Report) Document() *export.Document {
	loc := r.loc
	d := &export.Document{Title: r.Title, Subtitle: r.Subtitle, Lang: r.Lang, Author: r.Issuer, Cover: r.Cover()}
	add := func(b ...export.Block) { d.Blocks = append(d.Blocks, b...) }
	table := func(t *export.Table) export.Block { return export.TableBlock{Table: readable(loc, t)} }
	h := func(level int, key string) { add(export.Heading{Text: tr(loc, key), Level: level}) }
	f := r.findings

	h(1, "planreport.heading.findings")
	for _, p := range r.Narrative {
		add(export.Paragraph{Text: p})
	}

	h(1, "planreport.heading.implementation")
	add(table(&r.Summary))
	if len(r.statusChart.Labels) > 0 {
		add(r.statusChart)
	}
	for _, g := range r.groups {
		title := g.title
		if g.code != "" {
			title = tr(loc, "planreport.heading.component", "code", g.code, "title", g.title)
		}
		add(export.Heading{Text: title, Level: 2})
		for _, t := range g.tasks {
			if t.code != "" {
				text := tr(loc, "planreport.heading.task", "code", t.code, "title", t.title)
				if t.title == "" {
					text = tr(loc, "planreport.heading.task_code", "code", t.code)
				}
				add(export.Heading{Text: text, Level: 3})
			}
			add(table(groupTable(loc, t.rows, r.bodies, r.Lang)))
		}
	}

	if len(r.Indicators.Rows) > 0 {
		h(1, "planreport.heading.indicators")
		add(export.Paragraph{Text: f.indicators})
		ind := readable(loc, &r.Indicators)
		add(export.TableBlock{Table: pick(ind, ind.Title, nil, "code", "indicator+unit", "baseline+baseline_year",
			"target+target_year", "actual+actual_period", "state")})
	}

	h(1, "planreport.heading.budget")
	if f.budget != "" {
		add(export.Paragraph{Text: f.budget})
	}
	add(table(&r.Budget))
	if r.Dashboard.Budget.PlannedKGS+r.Dashboard.Budget.SpentKGS > 0 {
		add(r.budgetChart)
	}
	add(table(&r.BudgetComponents))

	h(1, "planreport.heading.risks")
	add(export.Paragraph{Text: f.risks})
	if len(r.Risks.Rows) > 0 {
		add(table(&r.Risks))
	}

	h(1, "planreport.heading.decisions")
	add(export.Paragraph{Text: f.decisions})
	if len(r.Decisions.Rows) > 0 {
		add(table(&r.Decisions))
	}

	h(1, "planreport.heading.reporting")
	if f.reporting != "" {
		add(export.Paragraph{Text: f.reporting})
	}
	add(table(&r.Bodies))
	if len(r.Lapses.Rows) > 0 {
		add(table(&r.Lapses))
	} else {
		add(export.Paragraph{Text: tr(loc, "planreport.no_lapses")})
	}

	h(1, "planreport.heading.annex")
	hasText := func(row []any) bool {
		return row[colIndex(&r.Measures, "narrative")] != "" || row[colIndex(&r.Measures, "comment")] != ""
	}
	if reports := pick(&r.Measures, tr(loc, "planreport.table.period_reports"), hasText, "code", "narrative", "comment"); len(reports.Rows) > 0 {
		add(table(reports))
	}
	add(table(pick(&r.Measures, tr(loc, "planreport.table.annex"), nil, "code", "measure", "body", "due", "status", "progress", "planned", "spent")))
	return d
}

// Cover is the report's title page.
func (r *Report) Cover() *export.TitlePage {
	loc := r.loc
	c := &export.TitlePage{Issuer: r.Issuer, Kind: tr(loc, "planreport.cover.kind"), Title: r.Title}
	if r.Period != "" {
		c.Lines = append(c.Lines, tr(loc, "planreport.cover.period", "period", r.Period))
	}
	c.Lines = append(c.Lines, tr(loc, "planreport.cover.as_of", "date", loc.Date(r.AsOfDay)),
		tr(loc, "planreport.cover.date", "date", loc.Date(r.Date)))
	c.Place = strings.TrimSpace(r.Place + " " + strconv.Itoa(r.Date.In(i18n.Bishkek).Year()))
	if r.Place != "" {
		c.Place = tr(loc, "planreport.cover.place", "place", r.Place, "year", strconv.Itoa(r.Date.In(i18n.Bishkek).Year()))
	}
	return c
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
		if c.Kind == export.Year {
			return strconv.Itoa(x) // a year is not a quantity: no "2 024"
		}
		return loc.Number(int64(x))
	case int64:
		return loc.Number(x)
	case float64:
		if c.Kind == export.Percent {
			return loc.Decimal(100*x, 1) // the column's label says "%"
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

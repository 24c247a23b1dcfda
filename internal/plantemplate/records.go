package plantemplate

import (
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aldyn-kg/aldyn"
)

// cells is one row being turned into a record.
type cells struct {
	rd   *reader
	t    *table
	r    row
	bad  map[string]bool // columns already reported
	cols []string        // the sheet's layout, to place missing columns
}

func (rd *reader) cells(t *table, r row, layout []string) *cells {
	return &cells{rd: rd, t: t, r: r, bad: map[string]bool{}, cols: layout}
}

func (x *cells) index(col string) int { return slices.Index(x.t.header, col) }

// get returns the trimmed cell under col, "" when the column is absent.
func (x *cells) get(col string) string {
	if i := x.index(col); i >= 0 && i < len(x.r.vals) {
		return strings.TrimSpace(x.r.vals[i])
	}
	return ""
}

func (x *cells) text(prefix string) aldyn.Text {
	return aldyn.Text{KY: x.get(prefix + "_ky"), RU: x.get(prefix + "_ru"), EN: x.get(prefix + "_en")}
}

// fail reports the first problem of a column.
func (x *cells) fail(col, reason, value string) {
	if x.bad[col] {
		return
	}
	x.bad[col] = true
	pos := x.index(col)
	if pos < 0 {
		pos = len(x.t.header) + slices.Index(x.cols, col)
	}
	x.rd.add(x.r.sheet, x.r.n, col, pos, reason, value)
}

// otherSheet reports values in the columns of the other sheet of the CSV
// form.
func (x *cells) otherSheet(other []string) {
	if !x.rd.csv {
		return
	}
	for _, col := range other {
		if col != "code" && x.get(col) != "" {
			x.fail(col, "plantemplate.error.other_sheet", x.get(col))
		}
	}
}

// textColumn is the column a problem with a text in three languages is
// shown on: the longest translation when it is too long, else the first
// of its columns the sheet has.
func (x *cells) textColumn(prefix, reason string) string {
	langs := []string{prefix + "_ky", prefix + "_ru", prefix + "_en"}
	if reason == "error.too_long" {
		best := langs[0]
		for _, c := range langs[1:] {
			if len([]rune(x.get(c))) > len([]rune(x.get(best))) {
				best = c
			}
		}
		return best
	}
	for _, c := range langs {
		if x.index(c) >= 0 {
			return c
		}
	}
	return langs[0]
}

// domain reports the field errors of a record's Validate on their
// columns; fields maps the domain's field names to columns, or to
// "prefix_*" for texts in three languages.
func (x *cells) domain(err error, fields map[string]string) {
	if err == nil {
		return
	}
	var e *aldyn.Error
	if !errors.As(err, &e) || len(e.Fields) == 0 {
		x.rd.add(x.r.sheet, x.r.n, "", -1, aldyn.ErrorMessage(err), "")
		return
	}
	for field, reason := range e.Fields {
		col, ok := fields[field]
		switch {
		case !ok:
			col = field
		case strings.HasSuffix(col, "_*"):
			col = x.textColumn(strings.TrimSuffix(col, "_*"), reason)
		case col == "budget":
			col = "partners_funder" // amounts are checked while read; what is left is the funder
		}
		x.fail(col, reason, x.get(col))
	}
}

// date reads a date cell; "" gives the zero time, which Validate reports.
func (x *cells) date(col string) time.Time {
	s := x.get(col)
	if s == "" {
		return time.Time{}
	}
	d, ok := parseDate(s, x.rd.serial)
	if !ok {
		x.fail(col, "import.error.date", s)
	}
	return d
}

// body resolves a body cell.
func (rd *reader) body(s string) (int64, bool) {
	if rd.bodies != nil {
		return rd.bodies(s)
	}
	id, err := strconv.ParseInt(s, 10, 64)
	return id, err == nil && id > 0
}

var indicatorFields = map[string]string{
	"code": "code", "name": "name_*", "unit": "unit", "kind": "kind", "numerator": "numerator",
	"denominator": "denominator", "source": "source", "offense_category": "offense_category",
	"disaggregation": "disaggregation", "verification": "verification_*", "frequency": "frequency",
	"baseline_value": "baseline_value", "baseline_year": "baseline_year", "targets": "targets",
}

// indicators reads the indicators sheet, numbering the records 1…n and
// remembering the number of each code for the measures.
func (rd *reader) indicators(t *table) []aldyn.Indicator {
	rd.indIDs = map[string]int64{}
	out := make([]aldyn.Indicator, 0, len(t.rows))
	for _, r := range t.rows {
		x := rd.cells(t, r, IndicatorColumns)
		ind := aldyn.Indicator{ID: int64(len(out) + 1)}
		if rd.plan != nil {
			ind.PlanID = rd.plan.ID
		}
		ind.Code = x.get("code")
		if ind.Code != "" {
			if _, dup := rd.indIDs[ind.Code]; dup {
				x.fail("code", "plantemplate.error.duplicate_code", ind.Code)
			} else {
				rd.indIDs[ind.Code] = ind.ID
			}
		}
		ind.Name, ind.Verification = x.text("name"), x.text("verification")
		ind.Unit = x.get("unit")
		ind.Kind = strings.ToLower(x.get("kind"))
		if s := x.get("higher_is_better"); s == "" {
			x.fail("higher_is_better", "error.required", "")
		} else if b, ok := parseYesNo(s); !ok {
			x.fail("higher_is_better", "import.error.solved", s)
		} else {
			ind.HigherIsBetter = b
		}
		ind.Numerator, ind.Denominator = x.get("numerator"), x.get("denominator")
		ind.Source = strings.ToLower(x.get("source"))
		ind.OffenseCategory = strings.ToLower(x.get("offense_category"))
		ind.Disaggregation = strings.ToLower(x.get("disaggregation"))
		ind.Frequency = strings.ToLower(x.get("frequency"))
		if s := x.get("baseline_value"); s == "" {
			x.fail("baseline_value", "error.required", "")
		} else if v, ok := parseNumber(s); !ok {
			x.fail("baseline_value", "import.error.number", s)
		} else {
			ind.BaselineValue = v
		}
		if s := x.get("baseline_year"); s == "" {
			x.fail("baseline_year", "error.required", "")
		} else if y, ok := parseYear(s); !ok {
			x.fail("baseline_year", "import.error.year", s)
		} else {
			ind.BaselineYear = y
		}
		if s := x.get("targets"); s != "" {
			if ts, ok := parseTargets(s); ok {
				ind.Targets = ts
			} else {
				x.fail("targets", "plantemplate.error.targets", s)
			}
		}
		x.otherSheet(MeasureColumns)
		x.domain(ind.Validate(), indicatorFields)
		out = append(out, ind)
	}
	return out
}

var measureFields = map[string]string{
	"code": "code", "component_code": "component", "task_code": "task", "title": "title_*",
	"description": "description_*", "expected_result": "expected_result_*",
	"responsible_body_id": "responsible_body", "co_executor_ids": "co_executors",
	"start": "start", "due": "due", "budget": "budget", "indicator_ids": "indicators",
}

// measures reads the measures sheet; indicators must have been read.
func (rd *reader) measures(t *table) []aldyn.Measure {
	out := make([]aldyn.Measure, 0, len(t.rows))
	codes := map[string]bool{}
	for _, r := range t.rows {
		x := rd.cells(t, r, MeasureColumns)
		var m aldyn.Measure
		if rd.plan != nil {
			m.PlanID = rd.plan.ID
		}
		m.Code = x.get("code")
		if m.Code != "" {
			if codes[m.Code] {
				x.fail("code", "plantemplate.error.duplicate_code", m.Code)
			}
			codes[m.Code] = true
		}
		m.ComponentCode, m.TaskCode = x.get("component"), x.get("task")
		m.Title, m.Description, m.ExpectedResult = x.text("title"), x.text("description"), x.text("expected_result")
		if s := x.get("responsible_body"); s != "" {
			if id, ok := rd.body(s); ok {
				m.ResponsibleBodyID = id
			} else {
				x.fail("responsible_body", "plantemplate.error.body", s)
			}
		}
		for _, s := range splitList(x.get("co_executors")) {
			if id, ok := rd.body(s); ok {
				m.CoExecutorIDs = append(m.CoExecutorIDs, id)
			} else {
				x.fail("co_executors", "plantemplate.error.body", s)
			}
		}
		m.Start, m.Due = x.date("start"), x.date("due")
		rd.budget(x, &m)
		for _, c := range splitList(x.get("indicators")) {
			if id, ok := rd.indIDs[c]; ok {
				m.IndicatorIDs = append(m.IndicatorIDs, id)
			} else {
				x.fail("indicators", "plantemplate.error.indicator_unknown", c)
			}
		}
		if s := x.get("cancelled"); s != "" {
			if b, ok := parseYesNo(s); ok {
				m.Cancelled = b
			} else {
				x.fail("cancelled", "import.error.solved", s)
			}
		}
		x.otherSheet(IndicatorColumns)
		x.domain(m.Validate(rd.plan, rd.concept), measureFields)
		out = append(out, m)
	}
	return out
}

// budget reads the amount columns, in the order of aldyn.BudgetSources,
// and gives the partners' amounts their funders.
func (rd *reader) budget(x *cells, m *aldyn.Measure) {
	var partners []int
	for _, bc := range budgetColumns {
		for _, s := range splitList(x.get(bc.column)) {
			a, ok := parseAmount(s)
			if !ok {
				x.fail(bc.column, "plantemplate.error.amount", s)
				continue
			}
			if bc.source == aldyn.BudgetPartners {
				partners = append(partners, len(m.Budget))
			}
			m.Budget = append(m.Budget, aldyn.BudgetLine{Source: bc.source, AmountKGS: a})
		}
	}
	funders := x.get("partners_funder")
	if funders == "" {
		return
	}
	if x.bad["budget_partners"] {
		return // the funders cannot be matched to the amounts
	}
	list := strings.Split(funders, ";")
	if len(list) != len(partners) {
		x.fail("partners_funder", "plantemplate.error.funders", funders)
		return
	}
	for i, k := range partners {
		m.Budget[k].Funder = strings.TrimSpace(list[i])
	}
}

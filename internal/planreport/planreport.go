// Package planreport builds the monitoring report the Coordination Council
// hears, for one plan and reporting cycle, as XLSX tables or a PDF/DOCX
// narrative, in ky, ru or en.
//
// The figures are aldyn.ComputeDashboard's: the plan-wide ones from one
// call, and each measure's row from a call on that measure alone, so that
// rows always add up to the totals. Evidence file names are internal to
// the reviewing coordinator and never reach the report.
package planreport

import (
	"errors"
	"fmt"
	"image/color"
	"slices"
	"strconv"
	"time"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/export"
	"github.com/aldyn-kg/aldyn/internal/i18n"
)

// Input is what the report is built from: a plan with its measures,
// indicators, observed values, reporting cycles and the current version of
// every report (as aldyn.ComputeDashboard takes them), the cycle to report
// on, and the names of the bodies in the report's language.
type Input struct {
	Plan       *aldyn.Plan
	Cycle      *aldyn.ReportingCycle // nil: the last closed cycle (DefaultCycle)
	Measures   []aldyn.Measure
	Indicators []aldyn.Indicator
	Values     []aldyn.IndicatorValue
	Reports    []aldyn.Report
	Cycles     []aldyn.ReportingCycle
	Bodies     map[int64]string // body id → name in the chosen language
	Concept    *aldyn.Concept   // for component titles; may be nil
	Now        time.Time

	Issuer    string           // the body issuing the report (the plan's owner), in the chosen language
	Place     string           // where it is issued ("Бишкек")
	Risks     []aldyn.Risk     // the plan's risk register
	Decisions []aldyn.Decision // decisions of the issuer's meetings up to Now
}

// Report is the monitoring report of one plan and cycle in one language:
// its figures and the tables every format writes.
type Report struct {
	Lang      string
	Title     string // the plan's title
	Subtitle  string // the cycle and the date of the figures
	Period    string // the cycle's period as people write it ("III квартал 2026 года"); "" without a cycle
	Issuer    string
	Place     string
	Date      time.Time // when the report is drawn up
	Narrative []string  // paragraphs summarising the figures

	Dashboard aldyn.Dashboard     // the plan at the end of the chosen cycle (at Input.Now when it has not ended)
	AsOf      time.Time           // the moment Dashboard is of
	AsOfDay   time.Time           // the last day the figures include
	Cycle     *aldyn.CycleSummary // reporting in the chosen cycle; nil without one

	// The tables, in the order the workbook and documents show them.
	Summary          export.Table // measures by status, with shares
	Budget           export.Table // planned and spent by source
	Components       export.Table // measures by component and status
	Measures         export.Table // one row per measure
	Bodies           export.Table // reporting by responsible body
	Lapses           export.Table // late and missing reports
	Indicators       export.Table // baseline, target, actual, progress
	BudgetComponents export.Table // planned and spent by component
	Risks            export.Table // the plan's risk register
	Decisions        export.Table // the Council's decisions and their follow-up

	groups      []componentGroup
	rows        []measureRow
	bodies      map[int64]string
	findings    findings
	statusChart export.BarChart
	budgetChart export.BarChart
	loc         *i18n.Localizer
}

// Tables returns the report's tables in display order.
func (r *Report) Tables() []*export.Table {
	return []*export.Table{&r.Summary, &r.Measures, &r.Components, &r.Indicators, &r.Budget, &r.BudgetComponents,
		&r.Risks, &r.Decisions, &r.Bodies, &r.Lapses}
}

// measureRow is what one measure's row needs beyond the measure itself.
type measureRow struct {
	m        *aldyn.Measure
	status   aldyn.MeasureState
	progress *int // of the latest accepted report
	planned  int64
	spent    int64
	report   *aldyn.Report       // in the chosen cycle, not a draft
	cycle    aldyn.BodyReporting // this measure's reporting in the chosen cycle
}

// Build computes the dashboard of in.Plan at in.Now and prepares the
// report in lang ("ky", "ru" or "en").
func Build(in Input, lang string) (*Report, error) {
	switch {
	case in.Plan == nil:
		return nil, errors.New("planreport: no plan")
	case in.Now.IsZero():
		return nil, errors.New("planreport: no time of the report")
	case !i18n.Supported(lang):
		return nil, fmt.Errorf("planreport: unsupported language %q", lang)
	}
	loc := i18n.For(lang)
	cycle := in.Cycle
	if cycle == nil {
		cycle = DefaultCycle(in.Cycles, in.Now)
	}

	// The reporting view: the cycles begun up to the chosen one and their
	// reports, judged now (a report due in it and still missing is missing
	// today). The plan's status and budget are those at the end of the
	// chosen cycle, from the same reports, so a report on a closed quarter
	// does not change with what happened after it.
	viewCycles, viewReports, viewAt := in.Cycles, in.Reports, in.Now
	asOf, values := in.Now, in.Values
	if cycle != nil {
		viewCycles, viewReports, viewAt = cycleView(in, cycle)
		if end := cycle.To.AddDate(0, 0, 1); end.Before(in.Now) {
			asOf = end
			values = nil
			for _, v := range in.Values {
				if e, ok := aldyn.PeriodEnd(v.Period); ok && !e.After(asOf) {
					values = append(values, v)
				}
			}
		}
	}
	d := aldyn.ComputeDashboard(aldyn.DashboardInput{Plan: in.Plan, Measures: in.Measures, Indicators: in.Indicators, Values: values, Reports: viewReports, Cycles: viewCycles}, asOf)
	var summary *aldyn.CycleSummary
	if cycle != nil {
		summary = aldyn.ComputeDashboard(aldyn.DashboardInput{Plan: in.Plan, Measures: in.Measures, Reports: viewReports, Cycles: viewCycles}, viewAt).Cycle
	}

	viewByMeasure := groupReports(viewReports)
	cycleByID := make(map[int64]*aldyn.ReportingCycle, len(in.Cycles))
	for i := range in.Cycles {
		cycleByID[in.Cycles[i].ID] = &in.Cycles[i]
	}

	rows := make([]measureRow, len(in.Measures))
	for i := range in.Measures {
		m := &in.Measures[i]
		rs := viewByMeasure[m.ID]
		one := aldyn.ComputeDashboard(aldyn.DashboardInput{Plan: in.Plan, Measures: in.Measures[i : i+1], Reports: rs, Cycles: viewCycles}, asOf)
		row := measureRow{m: m, status: one.Measures.State(), planned: one.Budget.PlannedKGS, spent: one.Budget.SpentKGS}
		if a := aldyn.LatestAccepted(rs, cycleByID); a != nil {
			p := a.Progress
			row.progress = &p
		}
		if cycle != nil {
			one = aldyn.ComputeDashboard(aldyn.DashboardInput{Plan: in.Plan, Measures: in.Measures[i : i+1], Reports: rs, Cycles: viewCycles}, viewAt)
			if one.Cycle != nil && one.Cycle.CycleID == cycle.ID {
				row.cycle = one.Cycle.Totals
			}
			for j := range rs {
				if rs[j].CycleID == cycle.ID && rs[j].Status != aldyn.ReportDraft {
					row.report = &rs[j]
				}
			}
		}
		rows[i] = row
	}
	slices.SortStableFunc(rows, func(a, b measureRow) int { return aldyn.CompareCodes(a.m.Code, b.m.Code) })

	r := &Report{Lang: lang, Title: in.Plan.Title.In(lang), Dashboard: d, AsOf: asOf, Cycle: summary, loc: loc,
		Issuer: in.Issuer, Place: in.Place, Date: in.Now, rows: rows, bodies: in.Bodies, AsOfDay: in.Now}
	if !asOf.Equal(in.Now) {
		r.AsOfDay = cycle.To
	}
	if cycle != nil {
		r.Period = PeriodLabel(loc, cycle.Period)
		r.Subtitle = tr(loc, "planreport.subtitle", "period", r.Period, "from", loc.Date(cycle.From),
			"to", loc.Date(cycle.To), "date", loc.Date(in.Now))
	} else {
		r.Subtitle = tr(loc, "planreport.subtitle_no_cycle", "date", loc.Date(in.Now))
	}
	r.findings = narrative(loc, &d, summary, cycle, in)
	r.Narrative = r.findings.all()
	r.groups = groupByComponent(loc, rows, in.Concept, lang)
	r.BudgetComponents = componentBudgetTable(loc, &d, in.Concept, lang)
	r.Risks = riskTable(loc, in.Risks, in.Bodies, lang)
	r.Decisions = decisionTable(loc, in.Decisions, in.Bodies, in)
	r.Summary = summaryTable(loc, &d)
	r.Budget = budgetTable(loc, &d)
	r.Components = componentTable(loc, &d, in.Concept, lang)
	r.Measures = measureTable(loc, rows, in.Bodies, lang)
	r.Bodies = bodyTable(loc, summary, in.Bodies)
	r.Lapses = lapseTable(loc, rows, in.Bodies, lang)
	r.Indicators = indicatorTable(loc, &d, lang)
	r.statusChart = statusChart(loc, &d)
	r.budgetChart = budgetChart(loc, &d)
	return r, nil
}

// DefaultCycle is the cycle a monitoring report is of unless another is
// asked for: the last closed one (by its end), or, before any is closed,
// the latest begun by now; nil without cycles.
func DefaultCycle(cycles []aldyn.ReportingCycle, now time.Time) *aldyn.ReportingCycle {
	var closed *aldyn.ReportingCycle
	for i := range cycles {
		c := &cycles[i]
		if c.Status == aldyn.CycleClosed && (closed == nil || c.To.After(closed.To)) {
			closed = c
		}
	}
	if closed != nil {
		return closed
	}
	return aldyn.LatestCycle(cycles, now)
}

// cycleView returns the cycles and reports as they stood for cycle c: the
// cycles begun before it and itself, their reports, and the moment to judge
// them at (now, or c's first day if it has not begun).
func cycleView(in Input, c *aldyn.ReportingCycle) ([]aldyn.ReportingCycle, []aldyn.Report, time.Time) {
	cycles := []aldyn.ReportingCycle{*c}
	keep := map[int64]bool{c.ID: true}
	for _, x := range in.Cycles {
		if x.ID != c.ID && x.From.Before(c.From) {
			cycles = append(cycles, x)
			keep[x.ID] = true
		}
	}
	var reports []aldyn.Report
	for _, r := range in.Reports {
		if keep[r.CycleID] {
			reports = append(reports, r)
		}
	}
	at := in.Now
	if c.From.After(at) {
		at = c.From
	}
	return cycles, reports, at
}

func groupReports(reports []aldyn.Report) map[int64][]aldyn.Report {
	out := map[int64][]aldyn.Report{}
	for _, r := range reports {
		out[r.MeasureID] = append(out[r.MeasureID], r)
	}
	return out
}

func statusCount(c aldyn.StatusCounts, s aldyn.MeasureState) int {
	switch s {
	case aldyn.MeasureNotStarted:
		return c.NotStarted
	case aldyn.MeasureOnTrack:
		return c.OnTrack
	case aldyn.MeasureAtRisk:
		return c.AtRisk
	case aldyn.MeasureOverdue:
		return c.Overdue
	case aldyn.MeasureDone:
		return c.Done
	case aldyn.MeasureCancelled:
		return c.Cancelled
	}
	return 0
}

func statusShare(s aldyn.StatusShares, st aldyn.MeasureState) float64 {
	switch st {
	case aldyn.MeasureNotStarted:
		return s.NotStarted
	case aldyn.MeasureOnTrack:
		return s.OnTrack
	case aldyn.MeasureAtRisk:
		return s.AtRisk
	case aldyn.MeasureOverdue:
		return s.Overdue
	case aldyn.MeasureDone:
		return s.Done
	case aldyn.MeasureCancelled:
		return s.Cancelled
	}
	return 0
}

// share is n of total in percentage points, 0 when total is 0.
func share(n, total int) float64 {
	if total == 0 {
		return 0
	}
	return 100 * float64(n) / float64(total)
}

// findings are the report's summary in prose, a paragraph per subject.
type findings struct {
	measures, budget, indicators, reporting, risks, decisions string
}

func (f findings) all() []string {
	var out []string
	for _, p := range []string{f.measures, f.budget, f.indicators, f.reporting, f.risks, f.decisions} {
		if p != "" {
			out = append(out, p)
		}
	}
	return out
}

// narrative writes the findings from the figures, with the plural forms
// each language needs.
func narrative(loc *i18n.Localizer, d *aldyn.Dashboard, s *aldyn.CycleSummary, c *aldyn.ReportingCycle, in Input) findings {
	n := func(x int) string { return loc.Number(int64(x)) }
	m := d.Measures
	var f findings
	f.measures = measuresSentence(loc, m)
	if m.Done > 0 {
		f.measures += " " + loc.Tn("planreport.finding.done_on_time", m.Done, "on_time", n(m.DoneOnTime))
	}
	if b := d.Budget; b.PlannedKGS > 0 || b.SpentKGS > 0 {
		f.budget = tr(loc, "planreport.finding.budget", "planned", loc.Number(b.PlannedKGS),
			"spent", loc.Number(b.SpentKGS), "share", loc.Percent(100*b.SpentShare, 1))
	}
	if ic := d.IndicatorCounts; ic.Total > 0 {
		var items []string
		for _, x := range []struct {
			key string
			n   int
		}{{"on_track", ic.OnTrack}, {"at_risk", ic.AtRisk}, {"off_track", ic.OffTrack}, {"no_data", ic.NoData}} {
			if x.n > 0 {
				items = append(items, loc.Tn("planreport.finding.indicator."+x.key, x.n))
			}
		}
		f.indicators = loc.Tn("planreport.finding.indicators", ic.Total, "list", joinList(loc, items))
	}
	if s != nil && c != nil {
		t := s.Totals
		f.reporting = loc.Tn("planreport.finding.reporting", t.Expected, "period", PeriodLabel(loc, c.Period), "deadline", loc.Date(c.Deadline),
			"submitted", n(t.Submitted), "late", n(t.Late), "accepted", n(t.Accepted),
			"returned", n(t.Returned), "missing", n(t.Missing))
	}
	f.risks = riskSentence(loc, in.Risks)
	f.decisions = decisionSentence(loc, in.Decisions, in)
	return f
}

func col(loc *i18n.Localizer, key string, kind export.Kind) export.Column {
	return export.Column{Key: key, Label: tr(loc, "planreport.col."+key), Kind: kind}
}

func statusLabel(loc *i18n.Localizer, s aldyn.MeasureState) string {
	return tr(loc, "planreport.status."+string(s))
}

// statusFill colours each status, written in loc, with its fixed colour:
// the XLSX shows a status cell as the charts draw it.
func statusFill(loc *i18n.Localizer) map[string]color.RGBA {
	m := make(map[string]color.RGBA, len(aldyn.MeasureStates))
	for _, s := range aldyn.MeasureStates {
		m[statusLabel(loc, s)] = StatusColor(s)
	}
	return m
}

// statusCol is a column of statuses, coloured.
func statusCol(loc *i18n.Localizer, key string) export.Column {
	c := col(loc, key, export.Text)
	c.Fill = statusFill(loc)
	return c
}

func summaryTable(loc *i18n.Localizer, d *aldyn.Dashboard) export.Table {
	t := export.Table{
		Title:   tr(loc, "planreport.table.summary"),
		Columns: []export.Column{statusCol(loc, "figure"), col(loc, "count", export.Int), col(loc, "share", export.Percent)},
	}
	t.Rows = append(t.Rows, []any{tr(loc, "planreport.col.total"), d.Measures.Total, nil})
	for _, s := range aldyn.MeasureStates {
		t.Rows = append(t.Rows, []any{statusLabel(loc, s), statusCount(d.Measures, s), statusShare(d.Shares, s)})
	}
	t.Rows = append(t.Rows, []any{tr(loc, "planreport.status.done_on_time"), d.Measures.DoneOnTime, d.Shares.DoneOnTime})
	return t
}

func budgetTable(loc *i18n.Localizer, d *aldyn.Dashboard) export.Table {
	t := export.Table{
		Title: tr(loc, "planreport.table.budget"),
		Columns: []export.Column{col(loc, "source", export.Text), col(loc, "planned", export.Int),
			col(loc, "spent", export.Int), col(loc, "spent_share", export.Percent)},
	}
	row := func(label string, planned, spent int64) []any {
		var sh any
		if planned > 0 {
			sh = float64(spent) / float64(planned)
		}
		return []any{label, planned, spent, sh}
	}
	for _, s := range d.Budget.Sources {
		t.Rows = append(t.Rows, row(tr(loc, "planreport.budget."+s.Source), s.PlannedKGS, s.SpentKGS))
	}
	t.Rows = append(t.Rows, row(tr(loc, "planreport.col.total"), d.Budget.PlannedKGS, d.Budget.SpentKGS))
	return t
}

func componentTitle(loc *i18n.Localizer, c *aldyn.Concept, code, lang string) string {
	if code == "" {
		return tr(loc, "planreport.untraced")
	}
	if comp := c.Component(code); comp != nil {
		return comp.Title.In(lang)
	}
	return ""
}

func componentTable(loc *i18n.Localizer, d *aldyn.Dashboard, c *aldyn.Concept, lang string) export.Table {
	t := export.Table{
		Title:   tr(loc, "planreport.table.components"),
		Columns: []export.Column{col(loc, "component", export.Text), col(loc, "title", export.Text), col(loc, "total", export.Int)},
	}
	for _, s := range aldyn.MeasureStates {
		t.Columns = append(t.Columns, export.Column{Key: string(s), Label: statusLabel(loc, s), Kind: export.Int})
	}
	t.Columns = append(t.Columns,
		export.Column{Key: "done_on_time", Label: tr(loc, "planreport.status.done_on_time"), Kind: export.Int},
		col(loc, "planned", export.Int), col(loc, "spent", export.Int))
	for _, g := range d.Components {
		row := []any{g.ComponentCode, componentTitle(loc, c, g.ComponentCode, lang), g.Measures.Total}
		for _, s := range aldyn.MeasureStates {
			row = append(row, statusCount(g.Measures, s))
		}
		t.Rows = append(t.Rows, append(row, g.Measures.DoneOnTime, g.PlannedKGS, g.SpentKGS))
	}
	return t
}

func bodyName(bodies map[int64]string, id int64) string {
	if s, ok := bodies[id]; ok && s != "" {
		return s
	}
	return "#" + strconv.FormatInt(id, 10)
}

func measureTable(loc *i18n.Localizer, rows []measureRow, bodies map[int64]string, lang string) export.Table {
	t := export.Table{
		Title: tr(loc, "planreport.table.measures"),
		Columns: []export.Column{
			col(loc, "code", export.Text), col(loc, "component", export.Text), col(loc, "task", export.Text),
			col(loc, "measure", export.Text), col(loc, "body", export.Text), col(loc, "due", export.Date),
			statusCol(loc, "status"), col(loc, "progress", export.Int), col(loc, "planned", export.Int),
			col(loc, "spent", export.Int), col(loc, "narrative", export.Text), col(loc, "comment", export.Text),
		},
		Rows: make([][]any, 0, len(rows)),
	}
	for i := range rows {
		r := &rows[i]
		var progress any
		if r.progress != nil {
			progress = *r.progress
		}
		var narrative, comment string
		if r.report != nil {
			narrative, comment = r.report.Narrative, r.report.Comment
		}
		t.Rows = append(t.Rows, []any{
			r.m.Code, r.m.ComponentCode, r.m.TaskCode, r.m.Title.In(lang), bodyName(bodies, r.m.ResponsibleBodyID),
			r.m.Due, statusLabel(loc, r.status), progress, r.planned, r.spent, narrative, comment,
		})
	}
	return t
}

func bodyTable(loc *i18n.Localizer, s *aldyn.CycleSummary, bodies map[int64]string) export.Table {
	t := export.Table{
		Title: tr(loc, "planreport.table.bodies"),
		Columns: []export.Column{
			col(loc, "body", export.Text), col(loc, "expected", export.Int), col(loc, "submitted", export.Int),
			col(loc, "accepted", export.Int), col(loc, "returned", export.Int), col(loc, "missing", export.Int),
			col(loc, "late", export.Int), col(loc, "pending", export.Int),
		},
	}
	if s == nil {
		return t
	}
	row := func(name string, b aldyn.BodyReporting) []any {
		return []any{name, b.Expected, b.Submitted, b.Accepted, b.Returned, b.Missing, b.Late, b.Pending}
	}
	for _, b := range s.Bodies {
		t.Rows = append(t.Rows, row(bodyName(bodies, b.BodyID), b))
	}
	t.Rows = append(t.Rows, row(tr(loc, "planreport.col.total"), s.Totals))
	return t
}

func lapseTable(loc *i18n.Localizer, rows []measureRow, bodies map[int64]string, lang string) export.Table {
	t := export.Table{
		Title: tr(loc, "planreport.table.lapses"),
		Columns: []export.Column{
			col(loc, "code", export.Text), col(loc, "measure", export.Text), col(loc, "body", export.Text),
			col(loc, "issue", export.Text), col(loc, "first_submitted", export.Date),
		},
	}
	for i := range rows {
		r := &rows[i]
		var issue string
		var first any
		switch {
		case r.cycle.Missing > 0:
			issue = tr(loc, "planreport.issue.missing")
		case r.cycle.Late > 0:
			issue = tr(loc, "planreport.issue.late")
			if r.report != nil && r.report.FirstSubmittedAt != nil {
				first = *r.report.FirstSubmittedAt
			} else if r.report != nil && r.report.SubmittedAt != nil {
				first = *r.report.SubmittedAt
			}
		default:
			continue
		}
		t.Rows = append(t.Rows, []any{r.m.Code, r.m.Title.In(lang), bodyName(bodies, r.m.ResponsibleBodyID), issue, first})
	}
	return t
}

func indicatorTable(loc *i18n.Localizer, d *aldyn.Dashboard, lang string) export.Table {
	t := export.Table{
		Title: tr(loc, "planreport.table.indicators"),
		Columns: []export.Column{
			col(loc, "code", export.Text), col(loc, "indicator", export.Text), col(loc, "unit", export.Text),
			col(loc, "baseline", export.Float), col(loc, "baseline_year", export.Year),
			col(loc, "target", export.Float), col(loc, "target_year", export.Year),
			col(loc, "actual", export.Float), col(loc, "actual_period", export.Text),
			col(loc, "progress", export.Percent), col(loc, "state", export.Text),
		},
		Rows: make([][]any, 0, len(d.Indicators)),
	}
	for _, p := range d.Indicators {
		var target, targetYear, actual, progress any
		if p.TargetValue != nil {
			target, targetYear = *p.TargetValue, p.TargetYear
		}
		if p.ActualValue != nil {
			actual = *p.ActualValue
		}
		if p.Progress != nil {
			progress = *p.Progress
		}
		t.Rows = append(t.Rows, []any{
			p.Code, p.Name.In(lang), p.Unit, p.BaselineValue, p.BaselineYear, target, targetYear,
			actual, p.ActualPeriod, progress, tr(loc, "planreport.indicator."+p.State),
		})
	}
	return t
}

func statusChart(loc *i18n.Localizer, d *aldyn.Dashboard) export.BarChart {
	c := export.BarChart{Title: tr(loc, "planreport.chart.status_by_component"), Horizontal: true}
	for _, g := range d.Components {
		label := g.ComponentCode
		if label == "" {
			label = tr(loc, "planreport.untraced")
		}
		c.Labels = append(c.Labels, label)
	}
	for _, s := range aldyn.MeasureStates {
		if statusCount(d.Measures, s) == 0 {
			continue // an empty series only crowds the legend
		}
		series := export.ChartSeries{Name: statusLabel(loc, s), Color: StatusColor(s)}
		for _, g := range d.Components {
			series.Values = append(series.Values, float64(statusCount(g.Measures, s)))
		}
		c.Series = append(c.Series, series)
	}
	return c
}

func budgetChart(loc *i18n.Localizer, d *aldyn.Dashboard) export.BarChart {
	c := export.BarChart{Title: tr(loc, "planreport.chart.budget"), Unit: tr(loc, "planreport.unit.kgs")}
	planned := export.ChartSeries{Name: tr(loc, "planreport.chart.planned"), Color: PlannedColor}
	spent := export.ChartSeries{Name: tr(loc, "planreport.chart.spent"), Color: SpentColor}
	for _, s := range d.Budget.Sources {
		c.Labels = append(c.Labels, tr(loc, "planreport.budget."+s.Source))
		planned.Values = append(planned.Values, float64(s.PlannedKGS))
		spent.Values = append(spent.Values, float64(s.SpentKGS))
	}
	c.Series = []export.ChartSeries{planned, spent}
	return c
}

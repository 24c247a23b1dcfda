package web

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/concept"
	"github.com/aldyn-kg/aldyn/internal/i18n"
	"github.com/aldyn-kg/aldyn/internal/planreport"
)

// The Concept is read-only once loaded; load it once for every request.
var loadConcept = sync.OnceValues(func() (*aldyn.Concept, error) {
	c, err := concept.Load()
	if err == nil {
		c.Index()
	}
	return c, err
})

// dashboardView is what a dashboard is computed on: the plan's input, as
// it stood for a chosen cycle when one is given.
type dashboardView struct {
	in    *aldyn.DashboardInput
	cycle *aldyn.ReportingCycle // chosen with ?cycle=; nil for the latest
	at    time.Time
}

// monitoredPlan loads a plan whose monitoring the actor may see.
func (s *Server) monitoredPlan(r *http.Request) (*aldyn.Plan, error) {
	p, err := s.pathPlan(r)
	if err != nil {
		return nil, err
	}
	if !canMonitor(actor(r), p) {
		return nil, forbidden()
	}
	return p, nil
}

// monitoredDashboard loads the plan in the path, which the actor must be
// allowed to monitor, its dashboard view and the dashboard computed on it.
func (s *Server) monitoredDashboard(r *http.Request) (*aldyn.Plan, *dashboardView, aldyn.Dashboard, error) {
	p, err := s.monitoredPlan(r)
	if err != nil {
		return nil, nil, aldyn.Dashboard{}, err
	}
	v, err := s.loadDashboardView(r, p)
	if err != nil {
		return nil, nil, aldyn.Dashboard{}, err
	}
	return p, v, aldyn.ComputeDashboard(*v.in, v.at), nil
}

// loadDashboardView loads the plan's input and, with ?cycle=, keeps the
// cycles begun by the chosen one and their reports, so the figures are
// those of the plan as it stood for that cycle.
func (s *Server) loadDashboardView(r *http.Request, p *aldyn.Plan) (*dashboardView, error) {
	q := r.URL.Query().Get("cycle")
	// The figures of today need only what LoadDashboardInput loads; the
	// page's drill-down to every report, and a look back at an earlier
	// cycle, need the plan whole.
	load := s.db.LoadPlanInput
	if q == "" && isAPI(r) {
		load = s.db.LoadDashboardInput
	}
	in, err := load(r.Context(), p.ID)
	if err != nil {
		return nil, err
	}
	if err := s.withComputedIndicators(r.Context(), in, s.db.Now()); err != nil {
		return nil, err
	}
	v := &dashboardView{in: in, at: s.db.Now()}
	if q == "" {
		return v, nil
	}
	id, err := strconv.ParseInt(q, 10, 64)
	if err != nil {
		return nil, badParam("cycle")
	}
	i := slices.IndexFunc(in.Cycles, func(c aldyn.ReportingCycle) bool { return c.ID == id })
	if i < 0 {
		return nil, badParam("cycle")
	}
	c := in.Cycles[i]
	v.cycle = &c
	view := *in
	view.Cycles, view.Reports = nil, nil
	keep := map[int64]bool{}
	for _, x := range in.Cycles {
		if x.ID == c.ID || x.From.Before(c.From) {
			view.Cycles = append(view.Cycles, x)
			keep[x.ID] = true
		}
	}
	for _, x := range in.Reports {
		if keep[x.CycleID] {
			view.Reports = append(view.Reports, x)
		}
	}
	if c.From.After(v.at) {
		v.at = c.From
	}
	v.in = &view
	return v, nil
}

// measureLine is one measure of the dashboard's drill-down.
type measureLine struct {
	Measure  *aldyn.Measure
	Body     string
	State    aldyn.MeasureState
	Progress *int
	Reports  []aldyn.Report // by cycle, latest first
	Cycles   map[int64]*aldyn.ReportingCycle
}

// measureLines computes each measure's state on its own reports, as the
// monitoring report does, so rows add up to the totals.
func measureLines(v *dashboardView, names *bodyNames) []measureLine {
	in := v.in
	byMeasure := map[int64][]aldyn.Report{}
	for _, x := range in.Reports {
		byMeasure[x.MeasureID] = append(byMeasure[x.MeasureID], x)
	}
	cycles := map[int64]*aldyn.ReportingCycle{}
	for i := range in.Cycles {
		cycles[in.Cycles[i].ID] = &in.Cycles[i]
	}
	out := make([]measureLine, len(in.Measures))
	for i := range in.Measures {
		m := &in.Measures[i]
		rs := byMeasure[m.ID]
		d := aldyn.ComputeDashboard(aldyn.DashboardInput{Plan: in.Plan, Measures: in.Measures[i : i+1], Reports: rs, Cycles: in.Cycles}, v.at)
		l := measureLine{Measure: m, Body: names.Name(m.ResponsibleBodyID), State: d.Measures.State(), Cycles: cycles}
		var best *aldyn.Report
		for k := range rs {
			x := &rs[k]
			if x.Status == aldyn.ReportAccepted && (best == nil || cycles[x.CycleID] != nil && cycles[best.CycleID] != nil &&
				cycles[x.CycleID].To.After(cycles[best.CycleID].To)) {
				best = x
			}
		}
		if best != nil {
			p := best.Progress
			l.Progress = &p
		}
		slices.SortFunc(rs, func(a, b aldyn.Report) int {
			ca, cb := cycles[a.CycleID], cycles[b.CycleID]
			if ca == nil || cb == nil {
				return 0
			}
			return cb.From.Compare(ca.From)
		})
		l.Reports = rs
		out[i] = l
	}
	slices.SortStableFunc(out, func(a, b measureLine) int { return aldyn.CompareCodes(a.Measure.Code, b.Measure.Code) })
	return out
}

// dashboardJSON is the dashboard in the API, with the names of the bodies
// it mentions.
type dashboardJSON struct {
	aldyn.Dashboard
	BodyNames map[string]string `json:"body_names"`
}

func (s *Server) apiDashboard(w http.ResponseWriter, r *http.Request) error {
	_, _, d, err := s.monitoredDashboard(r)
	if err != nil {
		return err
	}
	names := s.newBodyNames(r)
	out := dashboardJSON{Dashboard: d, BodyNames: map[string]string{}}
	for _, b := range d.Bodies {
		out.BodyNames[strconv.FormatInt(b.BodyID, 10)] = names.Name(b.BodyID)
	}
	return writeJSON(w, http.StatusOK, out)
}

// indicatorBadge is the badge class of an indicator state.
func indicatorBadge(state string) string {
	switch state {
	case aldyn.IndicatorOnTrack:
		return "ok"
	case aldyn.IndicatorAtRisk:
		return "warn"
	case aldyn.IndicatorOffTrack:
		return "danger"
	}
	return ""
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
	}
	return c.Cancelled
}

func statusChart(loc *i18n.Localizer, d *aldyn.Dashboard) chart {
	var data []map[string]any
	for _, st := range aldyn.MeasureStates {
		if n := statusCount(d.Measures, st); n > 0 {
			data = append(data, map[string]any{"name": loc.T("planreport.status." + string(st)), "value": n,
				"itemStyle": map[string]any{"color": planreport.Hex(planreport.StatusColor(st))}})
		}
	}
	return chart{
		"title":   map[string]any{"text": loc.T("reporting.dashboard.by_status"), "textStyle": map[string]any{"fontSize": 14}},
		"tooltip": map[string]any{"trigger": "item"},
		// Names sit in the legend, which wraps; the slices carry counts,
		// so no long label runs off the chart.
		"legend": map[string]any{"bottom": 0},
		"series": []map[string]any{{"type": "pie", "radius": []string{"35%", "60%"}, "center": []string{"50%", "45%"},
			"label": map[string]any{"formatter": "{c}"}, "data": data}},
	}
}

func budgetChart(loc *i18n.Localizer, d *aldyn.Dashboard) chart {
	labels := make([]string, len(d.Budget.Sources))
	planned, spent := make([]int64, len(d.Budget.Sources)), make([]int64, len(d.Budget.Sources))
	for i, b := range d.Budget.Sources {
		labels[i] = loc.T("reporting.source." + b.Source)
		planned[i], spent[i] = b.PlannedKGS, b.SpentKGS
	}
	c := lineChart(loc.T("reporting.dashboard.budget"), labels,
		map[string]any{"name": loc.T("reporting.dashboard.planned"), "type": "bar", "data": planned, "color": planreport.Hex(planreport.PlannedColor)},
		map[string]any{"name": loc.T("reporting.dashboard.spent"), "type": "bar", "data": spent, "color": planreport.Hex(planreport.SpentColor)})
	return c
}

func indicatorChart(loc *i18n.Localizer, d *aldyn.Dashboard, lang string) chart {
	var labels []string
	var data []map[string]any
	colours := map[string]string{aldyn.IndicatorOnTrack: "#2e7d32", aldyn.IndicatorAtRisk: "#e2a400", aldyn.IndicatorOffTrack: "#c62828"}
	for _, ind := range d.Indicators {
		if ind.Progress == nil {
			continue
		}
		labels = append(labels, ind.Code)
		data = append(data, map[string]any{"value": r2(*ind.Progress * 100), "name": ind.Name.In(lang),
			"itemStyle": map[string]any{"color": colours[ind.State]}})
	}
	c := lineChart(loc.T("reporting.dashboard.indicator_progress"), labels,
		map[string]any{"name": loc.T("reporting.dashboard.progress_pct"), "type": "bar", "data": data, "barMaxWidth": 48})
	c["yAxis"] = map[string]any{"type": "value", "max": 200, "axisLabel": map[string]any{"formatter": "{value} %"}}
	return c
}

// dashboardPageData is what a plan's dashboard (reporting_dashboard.html)
// shows: the computed dashboard D of the chosen cycle, its groups with
// their names, the measures' lines, the charts and the cycles to choose.
type dashboardPageData struct {
	Plan           *aldyn.Plan
	D              aldyn.Dashboard
	Components     []dashboardComponent
	Bodies         []dashboardBody
	CycleBodies    []dashboardCycleBody
	Measures       []measureLine
	Badges         map[string]string // indicator badge class by indicator code
	StatusChart    chart
	BudgetChart    chart
	IndicatorChart chart
	Cycles         []aldyn.ReportingCycle // newest first
	CycleID        string                 // the chosen cycle, "" for the latest begun
	Languages      []string
	FormatNames    map[string]string // the report's download formats
}

// dashboardComponent is a component's figures with its title.
type dashboardComponent struct {
	Group aldyn.GroupSummary
	Title string
}

// dashboardBody is a responsible body's figures with its name.
type dashboardBody struct {
	Group aldyn.GroupSummary
	Name  string
}

// dashboardCycleBody is a body's reporting in the cycle, with its name.
type dashboardCycleBody struct {
	R    aldyn.BodyReporting
	Name string
}

func (s *Server) dashboardPage(w http.ResponseWriter, r *http.Request) error {
	p, v, d, err := s.monitoredDashboard(r)
	if err != nil {
		return err
	}
	loc, lang := info(r).loc, info(r).lang
	names := s.newBodyNames(r)
	c, _ := loadConcept()
	components := make([]dashboardComponent, len(d.Components))
	for i, g := range d.Components {
		title := loc.T("planreport.untraced")
		if comp := c.Component(g.ComponentCode); comp != nil {
			title = comp.Title.In(lang)
		}
		components[i] = dashboardComponent{Group: g, Title: title}
	}
	bodies := make([]dashboardBody, len(d.Bodies))
	for i, g := range d.Bodies {
		bodies[i] = dashboardBody{Group: g, Name: names.Name(g.BodyID)}
	}
	var cycleBodies []dashboardCycleBody
	if d.Cycle != nil {
		for _, b := range d.Cycle.Bodies {
			cycleBodies = append(cycleBodies, dashboardCycleBody{R: b, Name: names.Name(b.BodyID)})
		}
	}
	badges := map[string]string{}
	for _, ind := range d.Indicators {
		badges[ind.Code] = indicatorBadge(ind.State)
	}
	cycleID := ""
	if v.cycle != nil {
		cycleID = strconv.FormatInt(v.cycle.ID, 10)
	}
	cycles := slices.Clone(v.in.Cycles)
	if v.cycle != nil {
		cycles = slices.Clone(cycles[:0])
		full, err := s.cycleList(r.Context(), p.ID)
		if err != nil {
			return err
		}
		for _, x := range full {
			cycles = append(cycles, *x)
		}
	}
	slices.SortFunc(cycles, func(a, b aldyn.ReportingCycle) int { return b.From.Compare(a.From) })
	return s.render(w, r, http.StatusOK, "reporting_dashboard", &page{Title: loc.T("reporting.dashboard.title"), Data: &dashboardPageData{
		Plan: p, D: d, Components: components, Bodies: bodies, CycleBodies: cycleBodies, Measures: measureLines(v, names),
		Badges: badges, StatusChart: statusChart(loc, &d), BudgetChart: budgetChart(loc, &d), IndicatorChart: indicatorChart(loc, &d, lang),
		Cycles: cycles, CycleID: cycleID, Languages: aldyn.Languages,
		FormatNames: map[string]string{"xlsx": "Excel", "pdf": "PDF", "docx": "Word"},
	}})
}

// ReportingPercent formats a 0–1 fraction pointer as a percentage, or a dash.
func (p *page) ReportingPercent(f *float64) string {
	if f == nil {
		return "—"
	}
	return p.ri.loc.Percent(*f*100, 0)
}

// ReportingDec formats a number pointer, or a dash.
func (p *page) ReportingDec(f *float64) string {
	if f == nil {
		return "—"
	}
	return p.IndicatorValue(*f)
}

// The monitoring report download.

var reportFormats = map[string]struct{ ctype, ext string }{
	"xlsx": {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"},
	"pdf":  {"application/pdf", "pdf"},
	"docx": {"application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"},
}

// planReportInput gathers what planreport builds on: the dashboard's
// input with the reports' narratives and comments, and the body names in
// lang.
func (s *Server) planReportInput(ctx context.Context, p *aldyn.Plan, cycleID string, lang string) (*planreport.Input, error) {
	in, err := s.db.LoadPlanInput(ctx, p.ID)
	if err != nil {
		return nil, err
	}
	if err := s.withComputedIndicators(ctx, in, s.db.Now()); err != nil {
		return nil, err
	}
	pin := &planreport.Input{Plan: in.Plan, Measures: in.Measures, Indicators: in.Indicators, Values: in.Values, Cycles: in.Cycles, Now: s.db.Now()}
	if cycleID != "" {
		id, err := strconv.ParseInt(cycleID, 10, 64)
		if err != nil {
			return nil, badParam("cycle")
		}
		i := slices.IndexFunc(in.Cycles, func(c aldyn.ReportingCycle) bool { return c.ID == id })
		if i < 0 {
			return nil, badParam("cycle")
		}
		pin.Cycle = &in.Cycles[i]
	}
	// Every report with its narrative and comment; never the evidence.
	for _, x := range in.Reports {
		x.Evidence = nil
		pin.Reports = append(pin.Reports, x)
	}
	bodies := map[int64]string{}
	for _, m := range in.Measures {
		if _, ok := bodies[m.ResponsibleBodyID]; !ok {
			bodies[m.ResponsibleBodyID] = "#" + strconv.FormatInt(m.ResponsibleBodyID, 10)
			if b, err := s.db.FindBodyByID(ctx, m.ResponsibleBodyID); err == nil {
				bodies[m.ResponsibleBodyID] = b.Name(lang)
			}
		}
	}
	if err := s.reportContext(ctx, p, lang, pin, bodies); err != nil {
		return nil, err
	}
	pin.Bodies = bodies
	if c, err := loadConcept(); err == nil {
		pin.Concept = c
	}
	return pin, nil
}

func (s *Server) apiPlanReport(w http.ResponseWriter, r *http.Request) error {
	p, err := s.monitoredPlan(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	format := q.Get("format")
	if format == "" {
		format = "xlsx"
	}
	f, ok := reportFormats[format]
	if !ok {
		return badParam("format")
	}
	lang := q.Get("lang")
	if lang == "" {
		lang = info(r).lang
	}
	if !i18n.Supported(lang) {
		return badParam("lang")
	}
	in, err := s.planReportInput(r.Context(), p, q.Get("cycle"), lang)
	if err != nil {
		return err
	}
	rep, err := planreport.Build(*in, lang)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	switch format {
	case "xlsx":
		err = rep.WriteXLSX(&buf)
	case "pdf":
		err = rep.WritePDF(&buf)
	case "docx":
		err = rep.WriteDOCX(&buf)
	}
	if err != nil {
		return fmt.Errorf("monitoring report %s: %w", format, err)
	}
	name := fmt.Sprintf("plan-%d-monitoring-%s.%s", p.ID, lang, f.ext)
	h := w.Header()
	h.Set("Content-Type", f.ctype)
	h.Set("Content-Disposition", `attachment; filename="`+name+`"`)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "no-store")
	_, err = w.Write(buf.Bytes())
	return err
}

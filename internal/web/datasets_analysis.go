package web

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/datasets"
	"github.com/aldyn-kg/aldyn/internal/disclosure"
	"github.com/aldyn-kg/aldyn/internal/export"
	"github.com/aldyn-kg/aldyn/internal/store"
)

// The analysis of reported figures: accepted values by element (and
// disaggregation), territory and period, rolled up the territory tree, as
// a pivot page with CSV/XLSX and as a DHIS2-like analytics answer. Values
// of sensitive data sets below the disclosure threshold are suppressed for
// everyone but national users.

// analysisQuery is what a pivot asks for.
type analysisQuery struct {
	Elements   []*aldyn.DataElement
	Under      *aldyn.Territory
	Level      string // "" for the territory itself
	PeriodType string
	From, To   string // periods, inclusive, compared within a type
	ByCombo    bool
	Rates      bool
	Sensitive  bool
}

var analysisLevels = []string{"", aldyn.LevelRegion, aldyn.LevelDistrict}

// readAnalysisQuery reads the pivot's parameters common to the page and
// the API; elements are chosen by the caller.
func (s *Server) readAnalysisQuery(ctx context.Context, q url.Values, defaultPeriod string) (analysisQuery, error) {
	aq := analysisQuery{PeriodType: defaultPeriod, ByCombo: q.Get("disagg") == "true", Rates: q.Get("rates") == "true"}
	code := q.Get("territory")
	if code == "" {
		code = countryCode
	}
	t, err := s.db.FindTerritoryByCode(ctx, code)
	if err != nil {
		return aq, badParam("territory")
	}
	aq.Under = t
	aq.Level = q.Get("level")
	if !slices.Contains(analysisLevels, aq.Level) {
		return aq, badParam("level")
	}
	if v := q.Get("period_type"); v != "" {
		if !slices.Contains(aldyn.PeriodTypes, v) {
			return aq, badParam("period_type")
		}
		aq.PeriodType = v
	}
	for name, dst := range map[string]*string{"from": &aq.From, "to": &aq.To} {
		if v := q.Get(name); v != "" {
			if _, err := aldyn.ParsePeriod(v); err != nil {
				return aq, badParam(name)
			}
			*dst = v
		}
	}
	return aq, nil
}

// runAnalysis reads the roll-up and makes the cells the actor may see.
func (s *Server) runAnalysis(ctx context.Context, a *aldyn.Actor, aq analysisQuery) ([]datasets.Cell, error) {
	f := store.RollupFilter{}
	elems := map[string]*aldyn.DataElement{}
	for _, e := range aq.Elements {
		f.Elements = append(f.Elements, e.Code)
		elems[e.Code] = e
	}
	if aq.Level == "" {
		f.Territories = []string{aq.Under.Code}
	} else {
		f.Under, f.Level = aq.Under.Path, aq.Level
	}
	// Periods of any type compare as text only within their type, so the
	// bounds filter after the pivot.
	rows, err := s.db.FindRollup(ctx, f)
	if err != nil {
		return nil, err
	}
	cells := datasets.Pivot(rows, datasets.PivotSpec{Elements: elems, PeriodType: aq.PeriodType, ByCombo: aq.ByCombo})
	cells = slices.DeleteFunc(cells, func(c datasets.Cell) bool { return !periodWithin(c.Period, aq.From, aq.To) })
	if aq.Rates {
		pops, err := s.db.AllPopulations(ctx)
		if err != nil {
			return nil, err
		}
		datasets.AddRates(cells, elems, pops)
	}
	if aq.Sensitive && !a.National() {
		k, err := disclosure.MinCellCount(ctx, s.db)
		if err != nil {
			return nil, err
		}
		datasets.Suppress(cells, k)
	}
	return cells, nil
}

// periodWithin reports whether period p lies within [from, to], by start
// day (a bound of a shorter type than p's still applies).
func periodWithin(p, from, to string) bool {
	pp, err := aldyn.ParsePeriod(p)
	if err != nil {
		return false
	}
	if from != "" {
		if f, err := aldyn.ParsePeriod(from); err == nil && pp.End().Before(f.Start()) {
			return false
		}
	}
	if to != "" {
		if t, err := aldyn.ParsePeriod(to); err == nil && pp.Start().After(t.End()) {
			return false
		}
	}
	return true
}

// pivotRow is a row of the page's table: an element (and combination) in
// a territory, with a cell per period.
type pivotRow struct {
	Element   *aldyn.DataElement
	Combo     string
	Territory string
	Cells     []*datasets.Cell
}

type analysisPageData struct {
	Set         *aldyn.DataSet
	Query       analysisQuery
	Periods     []aldyn.Period
	Rows        []pivotRow
	Territories map[string]*aldyn.Territory
	ComboNames  map[string]string
	Levels      []string
	PeriodTypes []string
	Suppressed  bool
	// Chart draws the first element's totals over the periods, a line per
	// territory; nil when there is nothing to draw.
	Chart      chart
	ChartLabel string
}

// analysisChart is a line per territory of element's totals over periods,
// suppressed figures left as gaps.
func analysisChart(title string, element *aldyn.DataElement, periods []aldyn.Period, rows []pivotRow, name func(code string) string) chart {
	labels := make([]string, len(periods))
	for i, p := range periods {
		labels[i] = p.Label()
	}
	var series []map[string]any
	for _, row := range rows {
		if row.Element != element || row.Combo != "" {
			continue
		}
		data := make([]any, len(row.Cells))
		for i, c := range row.Cells {
			if c != nil && !c.Suppressed && c.Value != nil {
				data[i] = *c.Value
			}
		}
		series = append(series, map[string]any{"name": name(row.Territory), "type": "line", "data": data, "connectNulls": false})
	}
	if len(series) == 0 {
		return nil
	}
	return lineChart(title, labels, series...)
}

// analysisTable lays the cells out as rows by element, combination and
// territory, with the periods as columns.
func analysisTable(cells []datasets.Cell, elems map[string]*aldyn.DataElement) ([]string, []pivotRow) {
	var periods []string
	for _, c := range cells {
		if !slices.Contains(periods, c.Period) {
			periods = append(periods, c.Period)
		}
	}
	slices.SortFunc(periods, func(a, b string) int {
		pa, _ := aldyn.ParsePeriod(a)
		pb, _ := aldyn.ParsePeriod(b)
		return pa.Start().Compare(pb.Start())
	})
	col := map[string]int{}
	for i, p := range periods {
		col[p] = i
	}
	var rows []pivotRow
	index := map[string]int{}
	for i := range cells {
		c := &cells[i]
		key := c.Element + "|" + c.Combo + "|" + c.Territory
		n, ok := index[key]
		if !ok {
			n = len(rows)
			index[key] = n
			rows = append(rows, pivotRow{Element: elems[c.Element], Combo: c.Combo, Territory: c.Territory, Cells: make([]*datasets.Cell, len(periods))})
		}
		rows[n].Cells[col[c.Period]] = c
	}
	return periods, rows
}

func (s *Server) dataSetAnalysisPage(w http.ResponseWriter, r *http.Request) error {
	if err := requireSignedIn(r); err != nil {
		return err
	}
	ctx, a, lang := r.Context(), actor(r), info(r).lang
	ds, err := s.db.FindActiveDataSet(ctx, r.PathValue("code"))
	if err != nil {
		return err
	}
	q := r.URL.Query()
	if !q.Has("level") {
		q.Set("level", aldyn.LevelRegion)
	}
	aq, err := s.readAnalysisQuery(ctx, q, ds.PeriodType)
	if err != nil {
		return err
	}
	aq.Sensitive = ds.Sensitive
	elems := map[string]*aldyn.DataElement{}
	for _, e := range ds.Elements {
		if !e.Numeric() {
			continue
		}
		elems[e.Code] = e
		if v := q.Get("element"); v == "" || v == e.Code {
			aq.Elements = append(aq.Elements, e)
		}
	}
	if len(aq.Elements) == 0 {
		return badParam("element")
	}
	cells, err := s.runAnalysis(ctx, a, aq)
	if err != nil {
		return err
	}
	periods, rows := analysisTable(cells, elems)
	terrs := map[string]*aldyn.Territory{}
	for _, row := range rows {
		if _, ok := terrs[row.Territory]; !ok {
			t, err := s.db.FindTerritoryByCode(ctx, row.Territory)
			if err != nil {
				return err
			}
			terrs[row.Territory] = t
		}
	}
	combos := map[string]string{}
	for _, e := range aq.Elements {
		for _, c := range e.Combos() {
			combos[c.Key] = c.Name(lang)
		}
	}
	if format := q.Get("format"); format != "" {
		return s.exportAnalysis(w, r, format, ds, periods, rows, terrs, combos, aq.Rates)
	}
	suppressed := slices.ContainsFunc(cells, func(c datasets.Cell) bool { return c.Suppressed })
	ps := make([]aldyn.Period, len(periods))
	for i, p := range periods {
		ps[i], _ = aldyn.ParsePeriod(p)
	}
	d := &analysisPageData{Set: ds, Query: aq, Periods: ps, Rows: rows, Territories: terrs, ComboNames: combos,
		Levels: analysisLevels, PeriodTypes: aldyn.PeriodTypes, Suppressed: suppressed}
	first := aq.Elements[0]
	d.ChartLabel = info(r).loc.T("datasets.analysis.chart_title", map[string]any{"element": first.Name.In(lang)})
	d.Chart = analysisChart(d.ChartLabel, first, ps, rows, func(code string) string {
		if t := terrs[code]; t != nil {
			return t.Name(lang)
		}
		return code
	})
	return s.render(w, r, http.StatusOK, "dataset_analysis", &page{Title: info(r).loc.T("datasets.analysis.title", map[string]any{"set": ds.Name.In(lang)}),
		Form: q, Data: d})
}

// exportAnalysis writes the pivot as one row per element, combination,
// territory and period.
func (s *Server) exportAnalysis(w http.ResponseWriter, r *http.Request, format string, ds *aldyn.DataSet, periods []string, rows []pivotRow,
	terrs map[string]*aldyn.Territory, combos map[string]string, rates bool) error {
	if format != "csv" && format != "xlsx" {
		return badParam("format")
	}
	loc, lang := info(r).loc, info(r).lang
	t := export.Table{Title: ds.Name.In(lang), Columns: []export.Column{
		{Key: "element", Label: loc.T("datasets.element")},
		{Key: "element_code", Label: loc.T("common.code")},
		{Key: "disaggregation", Label: loc.T("datasets.disaggregation")},
		{Key: "territory", Label: loc.T("datasets.territory")},
		{Key: "territory_code", Label: "SOATE"},
		{Key: "period", Label: loc.T("datasets.period")},
		{Key: "value", Label: loc.T("datasets.value"), Kind: export.Float},
		{Key: "previous", Label: loc.T("datasets.previous"), Kind: export.Float},
	}}
	if rates {
		t.Columns = append(t.Columns, export.Column{Key: "rate", Label: loc.T("datasets.rate"), Kind: export.Float})
	}
	for _, row := range rows {
		for i, c := range row.Cells {
			if c == nil {
				continue
			}
			var v, prev, rate any
			if c.Value != nil {
				v = *c.Value
			} else {
				v = loc.T("datasets.suppressed_short")
			}
			if c.Previous != nil {
				prev = *c.Previous
			}
			out := []any{row.Element.Name.In(lang), row.Element.Code, combos[row.Combo], terrs[row.Territory].Name(lang), row.Territory, periods[i], v, prev}
			if rates {
				if c.Rate != nil {
					rate = *c.Rate
				}
				out = append(out, rate)
			}
			t.Rows = append(t.Rows, out)
		}
	}
	return serveTable(w, r, format, "data-"+ds.Code, t)
}

// dataValuesOut is the analytics answer, after DHIS2's: headers, then
// rows of dx (element), co (combination), ou (territory), pe (period),
// value, whether it was suppressed, and the rate per 100,000 a year.
type dataValuesOut struct {
	Headers  []dataValuesHeader `json:"headers"`
	Rows     [][]any            `json:"rows"`
	Height   int                `json:"height"`
	Width    int                `json:"width"`
	MetaData dataValuesMeta     `json:"metaData"`
}

type dataValuesHeader struct {
	Name   string `json:"name"`
	Column string `json:"column"`
	Type   string `json:"valueType"`
}

type dataValuesMeta struct {
	Items map[string]dataValuesItem `json:"items"`
}

type dataValuesItem struct {
	Name string `json:"name"`
}

func (s *Server) apiDataValues(w http.ResponseWriter, r *http.Request) error {
	ctx, a, lang := r.Context(), actor(r), info(r).lang
	q := r.URL.Query()
	codes := strings.Split(q.Get("element"), ",")
	if q.Get("element") == "" {
		return badParam("element")
	}
	es, _, err := s.db.FindDataElements(ctx, aldyn.DataElementFilter{Codes: codes, Page: aldyn.Page{Limit: aldyn.MaxLimit}})
	if err != nil {
		return err
	}
	if len(es) != len(codes) {
		return badParam("element")
	}
	active := aldyn.DataSetActive
	sets, _, err := s.db.FindDataSets(ctx, aldyn.DataSetFilter{Status: &active, Page: aldyn.Page{Limit: aldyn.MaxLimit}})
	if err != nil {
		return err
	}
	aq, err := s.readAnalysisQuery(ctx, q, "")
	if err != nil {
		return err
	}
	for _, e := range es {
		if !e.Numeric() {
			return badParam("element")
		}
		for _, ds := range sets {
			if ds.Element(e.Code) != nil && ds.Sensitive {
				aq.Sensitive = true
			}
		}
	}
	aq.Elements = es
	cells, err := s.runAnalysis(ctx, a, aq)
	if err != nil {
		return err
	}
	if v := q.Get("period"); v != "" {
		want := strings.Split(v, ",")
		cells = slices.DeleteFunc(cells, func(c datasets.Cell) bool { return !slices.Contains(want, c.Period) })
	}
	out := dataValuesOut{Headers: []dataValuesHeader{
		{"dx", "Data", "TEXT"}, {"co", "Disaggregation", "TEXT"}, {"ou", "Territory", "TEXT"}, {"pe", "Period", "TEXT"},
		{"value", "Value", "NUMBER"}, {"suppressed", "Suppressed", "BOOLEAN"}, {"rate", "Per 100,000 a year", "NUMBER"}}, Rows: [][]any{},
		MetaData: dataValuesMeta{Items: map[string]dataValuesItem{}}}
	for _, e := range es {
		out.MetaData.Items[e.Code] = dataValuesItem{Name: e.Name.In(lang)}
		for _, c := range e.Combos() {
			if c.Key != "" {
				out.MetaData.Items[c.Key] = dataValuesItem{Name: c.Name(lang)}
			}
		}
	}
	for _, c := range cells {
		var v any
		if c.Value != nil {
			v = strconv.FormatFloat(*c.Value, 'f', -1, 64)
		}
		var rate any
		if c.Rate != nil {
			rate = strconv.FormatFloat(*c.Rate, 'f', -1, 64)
		}
		out.Rows = append(out.Rows, []any{c.Element, c.Combo, c.Territory, c.Period, v, c.Suppressed, rate})
		if _, ok := out.MetaData.Items[c.Territory]; !ok {
			if t, err := s.db.FindTerritoryByCode(ctx, c.Territory); err == nil {
				out.MetaData.Items[c.Territory] = dataValuesItem{Name: t.Name(lang)}
			}
		}
	}
	out.Height, out.Width = len(out.Rows), len(out.Headers)
	return writeJSON(w, http.StatusOK, out)
}

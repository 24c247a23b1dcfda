package datasets

import (
	"math"
	"slices"
	"strings"
	"time"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/stats"
	"github.com/aldyn-kg/aldyn/internal/store"
)

// Cell is one figure of the analysis: an element (in one combination of
// its disaggregation, or "" for its total) in a territory and period.
type Cell struct {
	Element   string `json:"element"`
	Combo     string `json:"combo"`
	Territory string `json:"territory"`
	Period    string `json:"period"`
	// Value is nil when the cell is suppressed.
	Value      *float64 `json:"value"`
	Reports    int      `json:"reports"`
	Suppressed bool     `json:"suppressed,omitempty"`
	// Previous is the value of the period before, when there is one.
	Previous *float64 `json:"previous,omitempty"`
	// Rate is per 100,000 residents a year (sum elements only).
	Rate *float64 `json:"rate,omitempty"`
}

// PivotSpec says how roll-up rows become cells.
type PivotSpec struct {
	Elements map[string]*aldyn.DataElement
	// PeriodType is the period cells are given for; rows of a shorter
	// period are combined into it by each element's aggregation, rows of a
	// longer one are kept as they are. "" keeps each row's own period.
	PeriodType string
	// ByCombo keeps the disaggregation; otherwise combinations are summed.
	ByCombo bool
}

type cellKey struct{ element, combo, territory, period string }

// Pivot combines roll-up rows (sums over territories already) into cells
// over the spec's periods, sorted by element, combination, territory and
// period, each with the previous period's value when present.
func Pivot(rows []store.RollupRow, spec PivotSpec) []Cell {
	// First the sums of each source period, combinations merged unless
	// kept.
	type src struct {
		value   float64
		reports int
	}
	bySource := map[cellKey]*src{}
	for _, r := range rows {
		k := cellKey{r.Element, "", r.Territory, r.Period}
		if spec.ByCombo {
			k.combo = r.Combo
		}
		s := bySource[k]
		if s == nil {
			s = &src{}
			bySource[k] = s
		}
		s.value += r.Value
		s.reports = max(s.reports, r.Reports)
	}
	// Then each target period by the element's aggregation.
	type acc struct {
		sum, avgSum float64
		n, reports  int
		last        float64
		lastStart   time.Time
		aggregation string
		hasLast     bool
	}
	byTarget := map[cellKey]*acc{}
	for k, s := range bySource {
		p, err := aldyn.ParsePeriod(k.period)
		if err != nil {
			continue
		}
		tp := p
		if spec.PeriodType != "" && aldyn.PeriodOf(spec.PeriodType, p.Start()).Months() >= p.Months() {
			tp = aldyn.PeriodOf(spec.PeriodType, p.Start())
		}
		tk := cellKey{k.element, k.combo, k.territory, tp.String()}
		a := byTarget[tk]
		if a == nil {
			a = &acc{aggregation: aldyn.AggregateSum}
			if e := spec.Elements[k.element]; e != nil {
				a.aggregation = e.Aggregation
			}
			byTarget[tk] = a
		}
		a.sum += s.value
		a.reports += s.reports
		a.n++
		if s.reports > 0 {
			a.avgSum += s.value / float64(s.reports)
		}
		if !a.hasLast || p.Start().After(a.lastStart) {
			a.last, a.lastStart, a.hasLast = s.value, p.Start(), true
		}
	}
	out := make([]Cell, 0, len(byTarget))
	values := make(map[cellKey]float64, len(byTarget))
	for k, a := range byTarget {
		v := a.sum
		switch a.aggregation {
		case aldyn.AggregateAverage:
			v = a.avgSum / float64(a.n)
		case aldyn.AggregateLast:
			v = a.last
		}
		v = math.Round(v*1e6) / 1e6
		values[k] = v
		out = append(out, Cell{Element: k.element, Combo: k.combo, Territory: k.territory, Period: k.period, Value: &v, Reports: a.reports})
	}
	for i := range out {
		c := &out[i]
		p, _ := aldyn.ParsePeriod(c.Period)
		prev := aldyn.PeriodOf(p.Type, p.Start().AddDate(0, 0, -1))
		if v, ok := values[cellKey{c.Element, c.Combo, c.Territory, prev.String()}]; ok {
			c.Previous = &v
		}
	}
	slices.SortFunc(out, func(a, b Cell) int {
		return strings.Compare(a.Element+"\x00"+a.Combo+"\x00"+a.Territory+"\x00"+periodKey(a.Period),
			b.Element+"\x00"+b.Combo+"\x00"+b.Territory+"\x00"+periodKey(b.Period))
	})
	return out
}

// periodKey orders periods by their start, then by length.
func periodKey(s string) string {
	p, err := aldyn.ParsePeriod(s)
	if err != nil {
		return s
	}
	return p.Start().Format(time.DateOnly) + p.Type
}

// AddRates sets the annualised rate per 100,000 residents of every
// unsuppressed cell of a sum element whose territory has population
// figures.
func AddRates(cells []Cell, elements map[string]*aldyn.DataElement, pops map[string][]aldyn.Population) {
	for i := range cells {
		c := &cells[i]
		e := elements[c.Element]
		if c.Value == nil || e == nil || e.Aggregation != aldyn.AggregateSum {
			continue
		}
		p, err := aldyn.ParsePeriod(c.Period)
		if err != nil {
			continue
		}
		if r, ok := stats.AnnualRate(int64(math.Round(*c.Value)), p.Start(), p.End().AddDate(0, 0, 1), pops[c.Territory]); ok {
			v := r.PerYear
			c.Rate = &v
		}
	}
}

// Suppress hides every cell (and previous value) between 1 and k−1, as the
// open-data policy does for sensitive figures, so that a small number
// cannot point at a person.
func Suppress(cells []Cell, k int) {
	small := func(v *float64) bool { return v != nil && *v > 0 && *v < float64(k) }
	for i := range cells {
		c := &cells[i]
		if small(c.Value) {
			c.Value, c.Suppressed, c.Rate = nil, true, nil
		}
		if small(c.Previous) {
			c.Previous = nil
		}
	}
}

package stats

import (
	"math"
	"slices"
	"time"

	"github.com/aldyn-kg/aldyn"
)

// Rate is a count per 100,000 residents a year over a period, and which
// population figures it was divided by.
type Rate struct {
	// PerYear is the count per 100,000 residents and year, to 2 decimals.
	PerYear float64
	// PopulationYears are the years of the population figures used, oldest
	// first; Citations the figures' citations, in the same order, without
	// repeats.
	PopulationYears []int
	Citations       []string
}

// AnnualRate is the one way a rate per 100,000 residents is computed: the
// count of [from, to) divided by the residents' person-years over that
// period, times 100,000. Each calendar year of the period counts with the
// part of it the period covers and its own population figure, or the
// nearest earlier one (the nearest later when there is none earlier), so
// a seven-year count is not divided by one year's population, and a
// month's count is annualised. ok is false when the period is empty or a
// year has no population figure.
func AnnualRate(count int64, from, to time.Time, figs []aldyn.Population) (Rate, bool) {
	if !from.Before(to) {
		return Rate{}, false
	}
	var r Rate
	var personYears float64
	for y := from.Year(); y <= to.Add(-time.Nanosecond).Year(); y++ {
		ys := time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC)
		ye := ys.AddDate(1, 0, 0)
		covered := minTime(to, ye).Sub(maxTime(from, ys))
		if covered <= 0 {
			continue
		}
		p, _, ok := aldyn.PopulationFor(figs, y)
		if !ok || p.Population <= 0 {
			return Rate{}, false
		}
		personYears += float64(p.Population) * float64(covered) / float64(ye.Sub(ys))
		if !slices.Contains(r.PopulationYears, p.Year) {
			r.PopulationYears = append(r.PopulationYears, p.Year)
		}
		if p.Citation != "" && !slices.Contains(r.Citations, p.Citation) {
			r.Citations = append(r.Citations, p.Citation)
		}
	}
	if personYears <= 0 {
		return Rate{}, false
	}
	slices.Sort(r.PopulationYears)
	r.PerYear = math.Round(float64(count)*1e5/personYears*100) / 100
	return r, true
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// RowPeriod is the period [from, to) a counts row stands for: its year,
// quarter or month when grouped by period, clipped to the query's period
// [qFrom, qTo); the query's period otherwise.
func RowPeriod(r aldyn.CountRow, qFrom, qTo time.Time) (from, to time.Time) {
	if r.Year == 0 {
		return qFrom, qTo
	}
	from, to = wholePeriod(r)
	return maxTime(from, qFrom), minTime(to, qTo)
}

// wholePeriod is the whole year, quarter or month of a row grouped by
// period.
func wholePeriod(r aldyn.CountRow) (from, to time.Time) {
	from = time.Date(r.Year, 1, 1, 0, 0, 0, 0, time.UTC)
	switch {
	case r.Month > 0:
		from = from.AddDate(0, r.Month-1, 0)
		return from, from.AddDate(0, 1, 0)
	case r.Quarter > 0:
		from = from.AddDate(0, 3*(r.Quarter-1), 0)
		return from, from.AddDate(0, 3, 0)
	}
	return from, from.AddDate(1, 0, 0)
}

// EarlierWindow is, when the last period of a counts query grouped by
// period is cut short by to (the current year holds January–November, say),
// the same part of that period a year earlier: counted over it, the
// previous year's figures compare like with like (Counts' earlier rows).
// ok is false when by has no period or the last period is whole.
func EarlierWindow(by []string, from, to time.Time) (ef, et time.Time, ok bool) {
	if !slices.Contains(by, aldyn.ByYear) || !from.Before(to) {
		return ef, et, false
	}
	last := to.Add(-time.Nanosecond)
	r := aldyn.CountRow{Year: last.Year()}
	switch {
	case slices.Contains(by, aldyn.ByMonth):
		r.Month = int(last.Month())
	case slices.Contains(by, aldyn.ByQuarter):
		r.Quarter = (int(last.Month())-1)/3 + 1
	}
	ps, pe := wholePeriod(r)
	if pe.Equal(to) && !ps.Before(from) {
		return ef, et, false
	}
	return maxTime(ps, from).AddDate(-1, 0, 0), to.AddDate(-1, 0, 0), true
}

package stats

import (
	"slices"
	"time"

	"github.com/aldyn-kg/aldyn"
)

// CountStat is a row of offense counts with what the platform derives from
// it: the share of the total of its period, the change on the same period
// of the year before, and the rate per 100,000 residents when it is a
// territory's.
type CountStat struct {
	aldyn.CountRow
	// Share of the row's count in the total of the rows of the same period
	// (of all rows when not grouped by period), 0–1.
	Share float64 `json:"share"`
	// SolvedShare is solved / count, 0–1.
	SolvedShare float64 `json:"solved_share"`
	// YoY is the relative change on the same keys a year earlier, when
	// grouped by year (or quarter or month within years) and that row has a
	// count; nil otherwise. A period the query's period cuts short (the
	// current year up to its last complete month) is compared with the same
	// months a year earlier, never with a whole period; nil when those
	// months are not all covered.
	YoY *float64 `json:"yoy_change,omitempty"`
	// Partial marks a row whose year, quarter or month the query's period
	// covers only in part; PeriodFrom and PeriodTo (inclusive) then say
	// which part.
	Partial    bool   `json:"partial,omitempty"`
	PeriodFrom string `json:"row_period_from,omitempty"`
	PeriodTo   string `json:"row_period_to,omitempty"`
	// RatePer100k is the count per 100,000 residents of the row's
	// territory and year (AnnualRate over the row's period), when grouped
	// by territory and the population is known.
	RatePer100k *float64 `json:"rate_per_100k,omitempty"`
	// PopulationYears are the years of the population figures the rate
	// used.
	PopulationYears []int `json:"population_years,omitempty"`
	// Citations are the population figures' citations.
	Citations []string `json:"population_citations,omitempty"`
}

// PopulationFunc returns a territory's population figures.
type PopulationFunc func(code string) []aldyn.Population

// Counts derives shares, year-on-year changes and rates for rows of a
// counts query over the period [from, to): rows of a year, quarter or
// month are rated over that period (within [from, to)), other rows over
// [from, to). earlier are the rows of the same query counted over
// EarlierWindow, which give a period cut short by to its change; nil when
// there is no such window.
func Counts(rows, earlier []aldyn.CountRow, by []string, from, to time.Time, pop PopulationFunc) []CountStat {
	out := make([]CountStat, len(rows))
	type period struct{ y, q, m int }
	type key struct {
		cat, terr, src string
		y, q, m        int
	}
	periodTotal := map[period]int64{}
	index := make(map[key]int, len(rows))
	for i, r := range rows {
		periodTotal[period{r.Year, r.Quarter, r.Month}] += r.Count
		index[key{r.Category, r.TerritoryCode, r.Source, r.Year, r.Quarter, r.Month}] = i
	}
	earlierIndex := make(map[key]int64, len(earlier))
	for _, r := range earlier {
		earlierIndex[key{r.Category, r.TerritoryCode, r.Source, r.Year, r.Quarter, r.Month}] += r.Count
	}
	ef, _, hasEarlier := EarlierWindow(by, from, to)
	byTerritory := slices.Contains(by, aldyn.ByTerritory)
	for i, r := range rows {
		s := CountStat{CountRow: r}
		if t := periodTotal[period{r.Year, r.Quarter, r.Month}]; t > 0 {
			s.Share = float64(r.Count) / float64(t)
		}
		if r.Count > 0 {
			s.SolvedShare = float64(r.Solved) / float64(r.Count)
		}
		if r.Year > 0 {
			prevKey := key{r.Category, r.TerritoryCode, r.Source, r.Year - 1, r.Quarter, r.Month}
			ws, we := wholePeriod(r)
			pf, pt := RowPeriod(r, from, to)
			var prev int64
			switch {
			case pf.Equal(ws) && pt.Equal(we):
				// A whole period is compared with the period a year earlier.
				// (The first months with records are not taken to cut that
				// one short: a district's first record of the year may come
				// in March.)
				if j, ok := index[prevKey]; ok {
					prev = rows[j].Count
				}
			default:
				s.Partial = true
				s.PeriodFrom, s.PeriodTo = pf.Format(time.DateOnly), pt.AddDate(0, 0, -1).Format(time.DateOnly)
				if hasEarlier && pt.Equal(to) && ef.Equal(pf.AddDate(-1, 0, 0)) {
					prev = earlierIndex[prevKey]
				}
			}
			if prev > 0 {
				v := float64(r.Count-prev) / float64(prev)
				s.YoY = &v
			}
		}
		if byTerritory && pop != nil && r.TerritoryCode != "" {
			pf, pt := RowPeriod(r, from, to)
			if rate, ok := AnnualRate(r.Count, pf, pt, pop(r.TerritoryCode)); ok {
				s.RatePer100k = &rate.PerYear
				s.PopulationYears, s.Citations = rate.PopulationYears, rate.Citations
			}
		}
		out[i] = s
	}
	return out
}

// TimeProfile is the 7 × 24 table of counts by weekday (0 Monday … 6
// Sunday) and hour, with the records whose time of day is unknown.
type TimeProfile struct {
	Grid        [7][24]int `json:"grid"`
	UnknownHour int        `json:"unknown_hour"`
	Total       int        `json:"total"`
}

// NewTimeProfile totals a weekday × hour grid.
func NewTimeProfile(grid [7][24]int, unknown int) TimeProfile {
	tp := TimeProfile{Grid: grid, UnknownHour: unknown, Total: unknown}
	for _, row := range grid {
		for _, c := range row {
			tp.Total += c
		}
	}
	return tp
}

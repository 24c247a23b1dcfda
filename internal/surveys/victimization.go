package surveys

import (
	"math"
	"slices"
	"strconv"

	"github.com/aldyn-kg/aldyn"
)

// VictimRow is the victimization by one crime type in one group:
// prevalence, the weighted share (%) of residents who were victims at
// least once in the 12 months before the interview, and incidence, the
// incidents per 100,000 residents in those 12 months.
type VictimRow struct {
	Crime      string `json:"crime"`
	Group      string `json:"group"`
	Prevalence Row    `json:"prevalence"`
	Incidence  Row    `json:"incidence_per_100k"`
}

// Victimization estimates prevalence and incidence of every crime type of
// the standard victimization module, by the breakdown by.
func Victimization(s *Sample, by string) ([]VictimRow, error) {
	if s.sv.Question("victim_12m") == nil {
		return nil, aldyn.Errorf(aldyn.EINVALID, "surveys.error.question", "question", "victim_12m")
	}
	g, err := groups(s, by)
	if err != nil {
		return nil, err
	}
	if s.d == nil {
		return []VictimRow{}, nil
	}
	var out []VictimRow
	prev, inc := make([]float64, len(s.rs)), make([]float64, len(s.rs))
	for _, c := range Crimes {
		for i, r := range s.rs {
			a, ok := r.Answers["victim_12m"]
			switch {
			case !ok:
				prev[i], inc[i] = math.NaN(), math.NaN()
			case picked(a, c.Name, true):
				prev[i] = 1
				inc[i] = 1 // a victim who did not say how often counts once
				if n, err := strconv.ParseFloat(r.Answers["times_"+c.Name], 64); err == nil && n >= 1 {
					inc[i] = n
				}
			default:
				prev[i], inc[i] = 0, 0
			}
		}
		ps, err := s.byGroup(prev, g, by, "", 100)
		if err != nil {
			return nil, err
		}
		is, err := s.byGroup(inc, g, by, "", 100000)
		if err != nil {
			return nil, err
		}
		for j := range ps {
			out = append(out, VictimRow{Crime: c.Name, Group: ps[j].Group, Prevalence: ps[j], Incidence: is[j]})
		}
	}
	return out, nil
}

// RecordedCategories are the offense statistics' categories a crime type
// of the survey is compared with for the dark figure; crime types the
// statistics do not count alike (assault, threats, bribe demands) have
// none. Burglary is counted by the statistics as theft, so the survey's
// theft and burglary together are compared with recorded theft.
var RecordedCategories = map[string][]string{
	"theft":   {"theft"},
	"fraud":   {"fraud"},
	"robbery": {"robbery", "robbery_violent"},
}

// darkCrimes are the survey crime types summed for each compared group.
var darkCrimes = map[string][]string{"theft": {"theft", "burglary"}, "fraud": {"fraud"}, "robbery": {"robbery"}}

// DarkFigure compares the offenses residents say they suffered with those
// recorded: Estimated is incidence × population (with its 95 % interval),
// Recorded the offenses the statistics registered in the same categories,
// territory and year, Ratio how many offenses there were for each one
// recorded. A ratio is withheld when the incidence is, or nothing was
// recorded.
//
// The ratio's interval is the delta method's on the estimated count with
// the recorded count taken as fixed (a register, not a sample): the ratio
// is linear in the estimate, so its standard error is the estimate's
// divided by the recorded count, and its interval the estimate's interval
// divided by it (the lower end no less than 0). The uncertainty of the
// population figure and of the register itself is not in it.
type DarkFigure struct {
	Crime       string   `json:"crime"`
	Categories  []string `json:"categories"`
	Estimated   *float64 `json:"estimated"`
	EstimatedLo *float64 `json:"estimated_ci_low"`
	EstimatedHi *float64 `json:"estimated_ci_high"`
	Recorded    int64    `json:"recorded"`
	Ratio       *float64 `json:"ratio"`
	RatioSE     *float64 `json:"ratio_se"`
	RatioLo     *float64 `json:"ratio_ci_low"`
	RatioHi     *float64 `json:"ratio_ci_high"`
	Reliable    bool     `json:"reliable"`
}

// DarkFigures computes the dark figure of each compared crime group from
// the respondents in sample s's domain (a territory whose population is
// pop and whose recorded offenses by category are recorded).
func DarkFigures(s *Sample, pop float64, recorded map[string]int64) ([]DarkFigure, error) {
	if s.sv.Question("victim_12m") == nil {
		return nil, aldyn.Errorf(aldyn.EINVALID, "surveys.error.question", "question", "victim_12m")
	}
	g, err := groups(s, "")
	if err != nil || s.d == nil {
		return []DarkFigure{}, err
	}
	crimes := make([]string, 0, len(darkCrimes))
	for k := range darkCrimes {
		crimes = append(crimes, k)
	}
	slices.Sort(crimes)
	var out []DarkFigure
	y := make([]float64, len(s.rs))
	for _, grp := range crimes {
		for i, r := range s.rs {
			a, ok := r.Answers["victim_12m"]
			y[i] = 0
			if !ok {
				y[i] = math.NaN()
				continue
			}
			for _, c := range darkCrimes[grp] {
				if picked(a, c, true) {
					n := 1.0
					if v, err := strconv.ParseFloat(r.Answers["times_"+c], 64); err == nil && v >= 1 {
						n = v
					}
					y[i] += n
				}
			}
		}
		rows, err := s.byGroup(y, g, "", "", pop)
		if err != nil {
			return nil, err
		}
		f := DarkFigure{Crime: grp, Categories: RecordedCategories[grp]}
		for _, c := range f.Categories {
			f.Recorded += recorded[c]
		}
		if len(rows) == 0 {
			out = append(out, f)
			continue
		}
		row := rows[0]
		f.Estimated, f.EstimatedLo, f.EstimatedHi, f.Reliable = row.Estimate, row.CILow, row.CIHigh, row.Reliable
		if row.Estimate != nil && f.Recorded > 0 {
			c := float64(f.Recorded)
			r, se := *row.Estimate/c, *row.SE/c
			lo, hi := math.Max(0, *row.CILow/c), *row.CIHigh/c
			f.Ratio, f.RatioSE, f.RatioLo, f.RatioHi = &r, &se, &lo, &hi
		}
		out = append(out, f)
	}
	return out, nil
}

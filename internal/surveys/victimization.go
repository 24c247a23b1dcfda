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
func Victimization(sv *aldyn.Survey, rs []*aldyn.SurveyResponse, by string) ([]VictimRow, error) {
	if sv.Question("victim_12m") == nil {
		return nil, aldyn.Errorf(aldyn.EINVALID, "surveys.error.question", "question", "victim_12m")
	}
	g, err := groups(sv, rs, by)
	if err != nil {
		return nil, err
	}
	if len(rs) == 0 {
		return []VictimRow{}, nil
	}
	d, err := design(rs)
	if err != nil {
		return nil, err
	}
	var out []VictimRow
	prev, inc := make([]float64, len(rs)), make([]float64, len(rs))
	for _, c := range Crimes {
		for i, r := range rs {
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
		ps, err := d.By(prev, g)
		if err != nil {
			return nil, err
		}
		is, err := d.By(inc, g)
		if err != nil {
			return nil, err
		}
		for j := range ps {
			key := ps[j].Key
			if by == "" {
				key = ""
			}
			out = append(out, VictimRow{Crime: c.Name, Group: key, Prevalence: rowOf(key, "", ps[j].Estimate, 100),
				Incidence: rowOf(key, "", is[j].Estimate, 100000)})
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
type DarkFigure struct {
	Crime       string   `json:"crime"`
	Categories  []string `json:"categories"`
	Estimated   *float64 `json:"estimated"`
	EstimatedLo *float64 `json:"estimated_ci_low"`
	EstimatedHi *float64 `json:"estimated_ci_high"`
	Recorded    int64    `json:"recorded"`
	Ratio       *float64 `json:"ratio"`
	RatioLo     *float64 `json:"ratio_ci_low"`
	RatioHi     *float64 `json:"ratio_ci_high"`
	Reliable    bool     `json:"reliable"`
}

// DarkFigures computes the dark figure of each compared crime group from
// all respondents rs of a territory whose population is pop and whose
// recorded offenses by category are recorded.
func DarkFigures(sv *aldyn.Survey, rs []*aldyn.SurveyResponse, pop float64, recorded map[string]int64) ([]DarkFigure, error) {
	if sv.Question("victim_12m") == nil {
		return nil, aldyn.Errorf(aldyn.EINVALID, "surveys.error.question", "question", "victim_12m")
	}
	if len(rs) == 0 {
		return []DarkFigure{}, nil
	}
	d, err := design(rs)
	if err != nil {
		return nil, err
	}
	groups := make([]string, 0, len(darkCrimes))
	for k := range darkCrimes {
		groups = append(groups, k)
	}
	slices.Sort(groups)
	var out []DarkFigure
	y := make([]float64, len(rs))
	for _, grp := range groups {
		for i, r := range rs {
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
		e, err := d.Mean(y, nil)
		if err != nil {
			return nil, err
		}
		f := DarkFigure{Crime: grp, Categories: RecordedCategories[grp]}
		for _, c := range f.Categories {
			f.Recorded += recorded[c]
		}
		row := rowOf("", "", e, pop)
		f.Estimated, f.EstimatedLo, f.EstimatedHi, f.Reliable = row.Estimate, row.CILow, row.CIHigh, row.Reliable
		if row.Estimate != nil && f.Recorded > 0 {
			r, lo, hi := *row.Estimate/float64(f.Recorded), math.Max(0, *row.CILow)/float64(f.Recorded), *row.CIHigh/float64(f.Recorded)
			f.Ratio, f.RatioLo, f.RatioHi = &r, &lo, &hi
		}
		out = append(out, f)
	}
	return out, nil
}

package surveys

import (
	"math"
	"math/rand/v2"
	"strconv"

	"github.com/aldyn-kg/aldyn"
)

// District is a territory demo respondents live in, with its population.
type District struct {
	Code       string
	Population float64
}

// DemoWave describes one synthetic wave: its name, its size, and the
// shares it reproduces — women feeling safe after dark (the Concept's 47 %
// baseline) and victims reporting to the police (the Concept's 62 % not
// reporting, so 38 %).
type DemoWave struct {
	Wave            string
	Respondents     int
	WomenSafeNight  float64
	ReportingRate   float64
	PoliceTrustBase float64
}

// DemoWaves are the two waves of the demo national survey.
var DemoWaves = []DemoWave{
	{Wave: "2025", Respondents: 3000, WomenSafeNight: 0.47, ReportingRate: 0.38, PoliceTrustBase: 0.36},
	{Wave: "2026", Respondents: 3000, WomenSafeNight: 0.485, ReportingRate: 0.39, PoliceTrustBase: 0.39},
}

// counter hands out "yes" to exactly the share p of the calls made with
// the same key, in order (so that each weighting cell holds the share,
// and the weighted share is the target whatever the cells' weights).
type counter map[string]*[2]int

func (c counter) next(key string, p float64) bool {
	s, ok := c[key]
	if !ok {
		s = &[2]int{}
		c[key] = s
	}
	k := s[0]
	s[0]++
	return math.Floor(float64(k+1)*p+0.5) > math.Floor(float64(k)*p+0.5)
}

// Demo makes the synthetic responses of one wave to the standard survey:
// respondents spread over districts by population (the demo uses
// DemoDistricts, the shipped demo margins' territories), their age groups
// drawn by the demo margins' age_group shares, weighted to the districts'
// populations times the demo margins' sex shares, answering so that the
// weighted results reproduce the wave's shares. Synthetic: no real person
// answered.
func Demo(w DemoWave, districts []District, seed uint64) []*aldyn.SurveyResponse {
	rng := rand.New(rand.NewPCG(seed, 17))
	var total float64
	for _, d := range districts {
		total += d.Population
	}
	// Respondents per district by population (largest remainders).
	n := make([]int, len(districts))
	given := 0
	for i, d := range districts {
		n[i] = int(float64(w.Respondents) * d.Population / total)
		given += n[i]
	}
	for i := 0; given < w.Respondents; i = (i + 1) % len(districts) {
		n[i]++
		given++
	}
	// Age groups drawn and sexes weighted by the shipped demo margins.
	ages := []string{"18-24", "25-34", "35-44", "45-54", "55-64", "65+"}
	ageShare := shares(demoMargin("age_group"), ages)
	sexShare := shares(demoMargin("sex"), []string{"f", "m"})
	cut := counter{}
	var out []*aldyn.SurveyResponse
	for di, d := range districts {
		var cell [2][]*aldyn.SurveyResponse
		// A district's own lean, so that maps and breakdowns differ.
		lean := (rng.Float64() - 0.5) * 0.16
		for k := range n[di] {
			sex := "f"
			if k%2 == 1 {
				sex = "m"
			}
			a := map[string]string{"district": d.Code, "sex": sex}
			x := rng.Float64()
			for j, s := range ageShare {
				if x < s || j == len(ages)-1 {
					a["age_group"] = ages[j]
					break
				}
				x -= s
			}
			a["settlement_type"] = "rural"
			if rng.Float64() < 0.35 {
				a["settlement_type"] = "urban"
			}
			key := d.Code + sex
			pick := func(yes bool, safe, unsafe []string) string {
				if yes {
					return safe[rng.IntN(len(safe))]
				}
				return unsafe[rng.IntN(len(unsafe))]
			}
			night := w.WomenSafeNight
			if sex == "m" {
				night = 0.63
			}
			a["safe_night"] = pick(cut.next(key+"night", night), SafeYes, SafeNo)
			a["safe_day"] = pick(rng.Float64() < night+0.28, SafeYes, SafeNo)
			var crimes []string
			for _, c := range Crimes {
				p := map[string]float64{"theft": 0.07, "burglary": 0.025, "robbery": 0.015, "fraud": 0.06, "assault": 0.02, "threats": 0.03, "bribery": 0.025}[c.Name]
				if rng.Float64() < p {
					crimes = append(crimes, c.Name)
					a["times_"+c.Name] = strconv.Itoa(1 + rng.IntN(3)/2)
				}
			}
			if len(crimes) == 0 {
				a["victim_12m"] = "none"
			} else {
				a["victim_12m"] = joinFields(crimes)
				if cut.next(key+"report", w.ReportingRate) {
					a["reported"] = "yes"
				} else {
					a["reported"] = "no"
					reasons := []string{"no_use", "not_serious", "distrust", "fear", "solved_myself", "shame"}
					a["why_not"] = reasons[rng.IntN(len(reasons))]
				}
			}
			a["domestic_violence"] = "no"
			if sex == "f" && rng.Float64() < 0.06 {
				a["domestic_violence"] = "yes"
				a["dv_reported"] = pick(rng.Float64() < 0.25, []string{"yes"}, []string{"no"})
			} else if rng.Float64() < 0.03 {
				a["domestic_violence"] = "refuse"
			}
			for _, b := range TrustBodies {
				p := map[string]float64{"police": w.PoliceTrustBase + lean, "courts": 0.27 + lean/2, "prosecutors": 0.3, "local_government": 0.42, "ayil_okmotu": 0.5}[b.Type]
				switch {
				case rng.Float64() < 0.06:
					a[b.Question] = "dont_know"
				case rng.Float64() < p:
					a[b.Question] = TrustYes[rng.IntN(2)]
				default:
					a[b.Question] = TrustNo[rng.IntN(3)]
				}
			}
			a["inspector_known"] = pick(rng.Float64() < 0.45, []string{"yes"}, []string{"no"})
			if a["inspector_known"] == "yes" {
				sat := []string{"very_dissatisfied", "rather_dissatisfied", "neutral", "rather_satisfied", "very_satisfied"}
				a["inspector_satisfaction"] = sat[min(4, max(0, int(2.6+lean*8+rng.NormFloat64())))]
			}
			if rng.Float64() < 0.6 {
				a["aware_measures"] = []string{"report_meetings", "prevention_centres", "patrols", "cameras", "youth"}[rng.IntN(5)]
			} else {
				a["aware_measures"] = "none"
			}
			r := &aldyn.SurveyResponse{Wave: w.Wave, TerritoryCode: d.Code, Answers: a, Source: aldyn.ResponseInterview,
				ExternalID: "demo-" + w.Wave + "-" + strconv.Itoa(len(out)+1)}
			s := 0
			if sex == "m" {
				s = 1
			}
			cell[s] = append(cell[s], r)
			out = append(out, r)
		}
		// Weights: each district's share of each sex over its respondents.
		for s, c := range cell {
			for _, r := range c {
				r.Weight = d.Population * sexShare[s] / float64(len(c))
			}
		}
	}
	return out
}

func joinFields(fs []string) string {
	s := ""
	for i, f := range fs {
		if i > 0 {
			s += " "
		}
		s += f
	}
	return s
}

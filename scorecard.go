package aldyn

import (
	"math"
	"strconv"
	"strings"
)

// ScorecardWeight is the weight of one component of the police unit
// scorecard in its combined score (§4.2 task 1: "an external evaluation
// system"); national administrators set them and the page shows them.
type ScorecardWeight struct {
	Component string  `json:"component"`
	Weight    float64 `json:"weight"`
}

// ScorecardComponents are the scorecard's components, in the order shown.
var ScorecardComponents = []string{"trust", "satisfaction", "local_assessment", "solved", "offense_change", "reports_on_time"}

// DefaultScorecardWeights are the weights used until an administrator sets
// others: residents' opinion half of the score, the assessment by local
// self-government and the coordination commission a tenth.
var DefaultScorecardWeights = []ScorecardWeight{
	{Component: "trust", Weight: 0.30},
	{Component: "satisfaction", Weight: 0.20},
	{Component: "local_assessment", Weight: 0.10},
	{Component: "solved", Weight: 0.15},
	{Component: "offense_change", Weight: 0.15},
	{Component: "reports_on_time", Weight: 0.10},
}

// weightSumTolerance allows the rounding of weights typed as decimals
// (three thirds) while refusing a sum that is visibly not one.
const weightSumTolerance = 1e-6

// ValidateScorecardWeights checks weights for every component: each
// present once, a finite number from 0 to 1, and together summing to 1.
// Each bad weight is reported by its field ("weight.trust"); a sum other
// than 1 is reported on every weight, as any of them may be the one to
// change.
func ValidateScorecardWeights(ws []ScorecardWeight) error {
	v := Validation{}
	got := map[string]float64{}
	for _, w := range ws {
		f := "weight." + w.Component
		known := false
		for _, c := range ScorecardComponents {
			known = known || c == w.Component
		}
		switch {
		case !known:
			v.Add(f, "surveys.score.error.component")
		case math.IsNaN(w.Weight) || math.IsInf(w.Weight, 0) || w.Weight < 0 || w.Weight > 1:
			v.Add(f, "surveys.score.error.weight")
		}
		if _, dup := got[w.Component]; dup {
			v.Add(f, "surveys.score.error.duplicate")
		}
		got[w.Component] = w.Weight
	}
	var sum float64
	for _, c := range ScorecardComponents {
		w, ok := got[c]
		if !ok {
			v.Add("weight."+c, "error.required")
			continue
		}
		sum += w
	}
	if len(v) == 0 && math.Abs(sum-1) > weightSumTolerance {
		for _, c := range ScorecardComponents {
			v.Add("weight."+c, "surveys.score.error.sum")
		}
	}
	return v.Err()
}

// ParseScorecardWeight reads a weight typed in a form, with a decimal
// point or comma; a weight that cannot be read is NaN, which
// ValidateScorecardWeights reports.
func ParseScorecardWeight(s string) float64 {
	x, err := strconv.ParseFloat(strings.ReplaceAll(strings.TrimSpace(s), ",", "."), 64)
	if err != nil {
		return math.NaN()
	}
	return x
}

package surveys

import (
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/survey"
)

// Row is one estimate of a breakdown: the group (a territory code, or an
// answer of the breakdown question; "" for all respondents), the answer
// whose share is estimated (choice questions), and the estimate with its
// standard error and 95 % interval. An estimate from fewer than
// survey.MinRespondents respondents is withheld (nil): it is never shown
// as a number; Reliable is false then and when the relative standard
// error is above survey.MaxRSE.
type Row struct {
	Group       string   `json:"group"`
	Choice      string   `json:"choice,omitempty"`
	Estimate    *float64 `json:"estimate"`
	SE          *float64 `json:"se"`
	CILow       *float64 `json:"ci_low"`
	CIHigh      *float64 `json:"ci_high"`
	N           float64  `json:"n"`
	UnweightedN int      `json:"unweighted_n"`
	Reliable    bool     `json:"reliable"`
}

func rowOf(group, choice string, e survey.Estimate, scale float64) Row {
	r := Row{Group: group, Choice: choice, N: round(e.N, 1), UnweightedN: e.UnweightedN, Reliable: e.Reliable}
	if e.UnweightedN < survey.MinRespondents || math.IsNaN(e.Value) {
		r.Reliable = false
		return r
	}
	v, se, lo, hi := e.Value*scale, e.SE*scale, e.CILow*scale, e.CIHigh*scale
	r.Estimate, r.SE, r.CILow, r.CIHigh = &v, &se, &lo, &hi
	return r
}

func round(x float64, places int) float64 {
	p := math.Pow(10, float64(places))
	return math.Round(x*p) / p
}

// ByTerritory is the breakdown by the respondents' territory.
const ByTerritory = "territory"

// groups returns each response's group for the breakdown by: its territory
// code, or its answer to the question by ("" when unanswered, leaving it
// out), or "" for everyone when by is empty.
func groups(sv *aldyn.Survey, rs []*aldyn.SurveyResponse, by string) ([]string, error) {
	out := make([]string, len(rs))
	switch by {
	case "":
		for i := range out {
			out[i] = "all"
		}
	case ByTerritory:
		for i, r := range rs {
			out[i] = r.TerritoryCode
		}
	default:
		q := sv.Question(by)
		if q == nil || !(q.Type == aldyn.QuestionSingle || q.Type == aldyn.QuestionLikert || q.Type == aldyn.QuestionTerritory) {
			return nil, aldyn.Errorf(aldyn.EINVALID, "surveys.error.breakdown", "by", by)
		}
		for i, r := range rs {
			out[i] = r.Answers[by]
		}
	}
	return out, nil
}

// prepare finds the question, each response's group and the design an
// estimate needs; the design is nil when there are no responses.
func prepare(sv *aldyn.Survey, rs []*aldyn.SurveyResponse, question, by string, margins []Margin) (*aldyn.SurveyQuestion, []string, *survey.Design, error) {
	q := sv.Question(question)
	if q == nil {
		return nil, nil, nil, aldyn.Errorf(aldyn.EINVALID, "surveys.error.question", "question", question)
	}
	g, err := groups(sv, rs, by)
	if err != nil || len(rs) == 0 {
		return q, g, nil, err
	}
	d, err := design(rs)
	if err != nil || len(margins) == 0 {
		return q, g, d, err
	}
	if ms, ok := marginCells(rs, margins); ok {
		d, err = d.RakedTo(ms)
	}
	return q, g, d, err
}

// marginCells gives each response's category in every margin; ok is
// false when a response has none (it came after the wave was weighted):
// its weight was not raked, so the raking cannot be accounted for.
func marginCells(rs []*aldyn.SurveyResponse, margins []Margin) ([]survey.Margin, bool) {
	out := make([]survey.Margin, 0, len(margins))
	for _, m := range margins {
		cats := make([]string, 0, len(m.Totals))
		for c := range m.Totals {
			cats = append(cats, c)
		}
		sort.Strings(cats)
		idx := make(map[string]int, len(cats))
		pop := make([]float64, len(cats))
		for i, c := range cats {
			idx[c], pop[i] = i, m.Totals[c]
		}
		cell := make([]int, len(rs))
		for i, r := range rs {
			v := r.TerritoryCode
			if m.Variable != ByTerritory {
				v = r.Answers[m.Variable]
			}
			c, ok := idx[v]
			if !ok {
				return nil, false
			}
			cell[i] = c
		}
		out = append(out, survey.Margin{Name: m.Variable, Cell: cell, Pop: pop})
	}
	return out, true
}

func design(rs []*aldyn.SurveyResponse) (*survey.Design, error) {
	w := make([]float64, len(rs))
	for i, r := range rs {
		w[i] = r.Weight
	}
	return survey.NewDesign(w, nil, nil)
}

// Estimate estimates the answers to question from responses rs, by the
// breakdown by: for a choice question the weighted share of each answer
// (multiple choice: of respondents who picked it), for a number the
// weighted mean; respondents who skipped the question are left out.
func Estimate(sv *aldyn.Survey, rs []*aldyn.SurveyResponse, question, by string) ([]Row, error) {
	return EstimateRaked(sv, rs, question, by, nil)
}

// EstimateRaked is Estimate for responses whose weights were raked to
// margins: the intervals take out what the margins explain, as R's
// svymean on a rake()d design does (linearization with the raking's
// residuals). Without margins it is Estimate.
func EstimateRaked(sv *aldyn.Survey, rs []*aldyn.SurveyResponse, question, by string, margins []Margin) ([]Row, error) {
	q, g, d, err := prepare(sv, rs, question, by, margins)
	switch {
	case err != nil:
		return nil, err
	case q.Type == aldyn.QuestionText || q.Type == aldyn.QuestionDate || q.Type == aldyn.QuestionTerritory:
		return nil, aldyn.Errorf(aldyn.EINVALID, "surveys.error.not_estimable", "question", question)
	case d == nil:
		return []Row{}, nil
	}
	y := make([]float64, len(rs))
	var out []Row
	estimate := func(choice string, scale float64) error {
		es, err := d.By(y, g)
		if err != nil {
			return err
		}
		for _, e := range es {
			key := e.Key
			if by == "" {
				key = ""
			}
			out = append(out, rowOf(key, choice, e.Estimate, scale))
		}
		return nil
	}
	if !q.Type.HasChoices() {
		for i, r := range rs {
			y[i] = math.NaN()
			if a, ok := r.Answers[question]; ok {
				if v, err := strconv.ParseFloat(a, 64); err == nil {
					y[i] = v
				}
			}
		}
		return out, estimate("", 1)
	}
	for _, c := range q.Choices {
		for i, r := range rs {
			a, ok := r.Answers[question]
			switch {
			case !ok:
				y[i] = math.NaN()
			case picked(a, c.Name, q.Type == aldyn.QuestionMultiple):
				y[i] = 1
			default:
				y[i] = 0
			}
		}
		if err := estimate(c.Name, 1); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func picked(answer, choice string, multiple bool) bool {
	if !multiple {
		return answer == choice
	}
	for _, f := range strings.Fields(answer) {
		if f == choice {
			return true
		}
	}
	return false
}

// Share estimates, in percent, the weighted share of respondents whose
// answer to question is one of yes among those whose answer is one of yes
// or no (other answers, such as "don't know", and skips left out), by the
// breakdown by.
func Share(sv *aldyn.Survey, rs []*aldyn.SurveyResponse, question string, yes, no []string, by string) ([]Row, error) {
	q, g, d, err := prepare(sv, rs, question, by, nil)
	if err != nil {
		return nil, err
	} else if d == nil {
		return []Row{}, nil
	}
	y := make([]float64, len(rs))
	for i, r := range rs {
		y[i] = math.NaN()
		a := r.Answers[question]
		for _, c := range yes {
			if picked(a, c, q.Type == aldyn.QuestionMultiple) {
				y[i] = 1
			}
		}
		if math.IsNaN(y[i]) {
			for _, c := range no {
				if picked(a, c, q.Type == aldyn.QuestionMultiple) {
					y[i] = 0
				}
			}
		}
	}
	es, err := d.By(y, g)
	if err != nil {
		return nil, err
	}
	out := make([]Row, 0, len(es))
	for _, e := range es {
		key := e.Key
		if by == "" {
			key = ""
		}
		out = append(out, rowOf(key, "", e.Estimate, 100))
	}
	return out, nil
}

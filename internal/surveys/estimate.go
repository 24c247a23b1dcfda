package surveys

import (
	"math"
	"slices"
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
const ByTerritory = aldyn.ByTerritory

// groups returns each response's group for the breakdown by: its territory
// code, or its answer to the question by ("" when unanswered, leaving it
// out), or "all" for everyone when by is empty; a respondent outside the
// sample's domain is in no group.
func groups(s *Sample, by string) ([]string, error) {
	out := make([]string, len(s.rs))
	switch by {
	case "":
		for i := range out {
			out[i] = "all"
		}
	case ByTerritory:
		for i, r := range s.rs {
			out[i] = r.TerritoryCode
		}
	default:
		q := s.sv.Question(by)
		if q == nil || !(q.Type == aldyn.QuestionSingle || q.Type == aldyn.QuestionLikert || q.Type == aldyn.QuestionTerritory) {
			return nil, aldyn.Errorf(aldyn.EINVALID, "surveys.error.breakdown", "by", by)
		}
		for i, r := range s.rs {
			out[i] = r.Answers[by]
		}
	}
	if s.in != nil {
		for i, r := range s.rs {
			if !s.in(r) {
				out[i] = ""
			}
		}
	}
	return out, nil
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

// byGroup estimates the mean of y (NaN: left out) in each group of the
// breakdown by, scaled by scale (100 for percent), with the sample's
// design: the one estimator of every published survey figure.
func (s *Sample) byGroup(y []float64, g []string, by, choice string, scale float64) ([]Row, error) {
	es, err := s.d.By(y, g)
	if err != nil {
		return nil, err
	}
	out := make([]Row, 0, len(es))
	for _, e := range es {
		key := e.Key
		if by == "" {
			key = ""
		}
		out = append(out, rowOf(key, choice, e.Estimate, scale))
	}
	return out, nil
}

// Estimate estimates the answers to question from sample s, by the
// breakdown by: for a choice question the weighted share of each answer
// (multiple choice: of respondents who picked it), for a number the
// weighted mean; respondents who skipped the question are left out.
func Estimate(s *Sample, question, by string) ([]Row, error) {
	q := s.sv.Question(question)
	if q == nil {
		return nil, aldyn.Errorf(aldyn.EINVALID, "surveys.error.question", "question", question)
	}
	g, err := groups(s, by)
	switch {
	case err != nil:
		return nil, err
	case q.Type == aldyn.QuestionText || q.Type == aldyn.QuestionDate || q.Type == aldyn.QuestionTerritory:
		return nil, aldyn.Errorf(aldyn.EINVALID, "surveys.error.not_estimable", "question", question)
	case s.d == nil:
		return []Row{}, nil
	}
	y := make([]float64, len(s.rs))
	if !q.Type.HasChoices() {
		for i, r := range s.rs {
			y[i] = math.NaN()
			if a, ok := r.Answers[question]; ok {
				if v, err := strconv.ParseFloat(a, 64); err == nil {
					y[i] = v
				}
			}
		}
		return s.byGroup(y, g, by, "", 1)
	}
	var out []Row
	for _, c := range q.Choices {
		for i, r := range s.rs {
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
		rows, err := s.byGroup(y, g, by, c.Name, 1)
		if err != nil {
			return nil, err
		}
		out = append(out, rows...)
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
func Share(s *Sample, question string, yes, no []string, by string) ([]Row, error) {
	return share(s, question, yes, no, by, "", 100)
}

// EstimateShare is the estimates page's share of the answers yes of a
// choice question among the respondents who gave any answer but "don't
// know" (Opinions), by the breakdown by: one row per group, its Choice
// the answers yes separated by spaces, the share a proportion (0–1) as the
// page's other shares are. It is the share the trust index, the scorecard
// and plan indicators publish in percent.
func EstimateShare(s *Sample, question string, yes []string, by string) ([]Row, error) {
	q := s.sv.Question(question)
	if q == nil {
		return nil, aldyn.Errorf(aldyn.EINVALID, "surveys.error.question", "question", question)
	}
	if !q.Type.HasChoices() || len(yes) == 0 {
		return nil, aldyn.Errorf(aldyn.EINVALID, "surveys.error.yes", "yes", strings.Join(yes, " "))
	}
	for _, y := range yes {
		if !slices.ContainsFunc(q.Choices, func(c aldyn.SurveyChoice) bool { return c.Name == y }) || y == DontKnow {
			return nil, aldyn.Errorf(aldyn.EINVALID, "surveys.error.yes", "yes", y)
		}
	}
	return share(s, question, yes, Opinions(q, yes), by, strings.Join(yes, " "), 1)
}

func share(s *Sample, question string, yes, no []string, by, choice string, scale float64) ([]Row, error) {
	q := s.sv.Question(question)
	if q == nil {
		return nil, aldyn.Errorf(aldyn.EINVALID, "surveys.error.question", "question", question)
	}
	g, err := groups(s, by)
	if err != nil {
		return nil, err
	} else if s.d == nil {
		return []Row{}, nil
	}
	y := make([]float64, len(s.rs))
	for i, r := range s.rs {
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
	return s.byGroup(y, g, by, choice, scale)
}

package surveys

import (
	"io"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/importer"
	"github.com/aldyn-kg/aldyn/internal/survey"
	"github.com/aldyn-kg/aldyn/internal/surveyform"
)

// Margin is one population margin to weight to (see aldyn.SurveyMargin).
type Margin = aldyn.SurveyMargin

// ReadMargins reads a margins table (CSV: variable, category, population —
// as the analyst prepares it from NSC figures). Every bad row is reported.
func ReadMargins(r io.Reader) ([]Margin, error) {
	return readMargins(r, nil, nil)
}

// MarginSumTolerance is how far the margins' sums may differ from the
// first margin's: they describe one population (0.5 %).
const MarginSumTolerance = 0.005

// ReadMarginsFor reads a margins table to weight survey sv to, reporting
// every bad row with its row, column and reason: a column other than
// variable, category and population; a blank, negative or non-numeric
// population; a variable that is neither territory nor a single-choice
// question of sv; a category that is not a territory (known tells) or not
// a choice of the question; a category given twice; and margins whose
// populations do not sum to the same total within MarginSumTolerance (the
// first row of each such margin is reported).
func ReadMarginsFor(r io.Reader, sv *aldyn.Survey, known func(territory string) bool) ([]Margin, error) {
	if known == nil {
		known = func(string) bool { return true }
	}
	return readMargins(r, sv, known)
}

func readMargins(r io.Reader, sv *aldyn.Survey, known func(string) bool) ([]Margin, error) {
	rd, err := importer.NewReader(r, importer.CSV)
	if err != nil {
		return nil, err
	}
	defer rd.Close()
	col := map[string]int{}
	var errs surveyform.RowErrors
	for i, h := range rd.Header() {
		h = strings.ToLower(strings.TrimSpace(h))
		col[h] = i
		if sv != nil && h != "variable" && h != "category" && h != "population" {
			errs = append(errs, surveyform.RowError{Row: 1, Column: h, Reason: "surveys.error.column_unknown"})
		}
	}
	for _, c := range []string{"variable", "category", "population"} {
		if _, ok := col[c]; !ok {
			errs = append(errs, surveyform.RowError{Row: 1, Column: c, Reason: "surveys.error.column_missing"})
		}
	}
	if len(errs) > 0 {
		return nil, errs
	}
	byVar := map[string]*Margin{}
	firstRow := map[string]int{}
	var order []string
	for {
		row, vals, err := rd.Next()
		if err == io.EOF {
			break
		} else if err != nil {
			return nil, err
		}
		cell := func(c string) string {
			if i := col[c]; i < len(vals) {
				return strings.TrimSpace(vals[i])
			}
			return ""
		}
		v, c := cell("variable"), cell("category")
		p, perr := strconv.ParseFloat(strings.ReplaceAll(strings.ReplaceAll(cell("population"), " ", ""), ",", "."), 64)
		switch {
		case v == "":
			errs = append(errs, surveyform.RowError{Row: row, Column: "variable", Reason: "surveyform.error.required"})
			continue
		case c == "":
			errs = append(errs, surveyform.RowError{Row: row, Column: "category", Reason: "surveyform.error.required"})
			continue
		case perr != nil || p < 0 || math.IsInf(p, 0) || math.IsNaN(p):
			errs = append(errs, surveyform.RowError{Row: row, Column: "population", Reason: "surveys.error.population"})
			continue
		}
		if sv != nil {
			var q *aldyn.SurveyQuestion
			if v != ByTerritory {
				if q = sv.Question(v); q == nil || !(q.Type == aldyn.QuestionSingle || q.Type == aldyn.QuestionLikert) {
					errs = append(errs, surveyform.RowError{Row: row, Column: "variable", Reason: "surveys.error.margin_variable_unknown"})
					continue
				}
			}
			if (q == nil && !known(c)) || (q != nil && !hasChoice(q, c)) {
				errs = append(errs, surveyform.RowError{Row: row, Column: "category", Reason: "surveys.error.margin_category_unknown"})
				continue
			}
		}
		m, ok := byVar[v]
		if !ok {
			m = &Margin{Variable: v, Totals: map[string]float64{}}
			byVar[v] = m
			firstRow[v] = row
			order = append(order, v)
		}
		if _, dup := m.Totals[c]; dup {
			errs = append(errs, surveyform.RowError{Row: row, Column: "category", Reason: "surveys.error.duplicate_category"})
			continue
		}
		m.Totals[c] = p
	}
	if sv != nil && len(errs) == 0 && len(order) > 1 {
		sum := func(m *Margin) float64 {
			var t float64
			for _, v := range m.Totals {
				t += v
			}
			return t
		}
		ref := sum(byVar[order[0]])
		for _, v := range order[1:] {
			if t := sum(byVar[v]); math.Abs(t-ref) > MarginSumTolerance*ref {
				errs = append(errs, surveyform.RowError{Row: firstRow[v], Column: "population", Reason: "surveys.error.margin_sum"})
			}
		}
	}
	if len(errs) > 0 {
		sort.SliceStable(errs, func(i, j int) bool { return errs[i].Row < errs[j].Row })
		return nil, errs
	}
	out := make([]Margin, 0, len(order))
	for _, v := range order {
		out = append(out, *byVar[v])
	}
	return out, nil
}

func hasChoice(q *aldyn.SurveyQuestion, name string) bool {
	for _, c := range q.Choices {
		if c.Name == name {
			return true
		}
	}
	return false
}

// WeightingResult is how weighting went: raking's passes, whether it
// settled, the largest change of a cell after each pass, the trimming cap
// (a multiple of the mean weight) and how many weights it cut, and the
// weights' summary before and after.
type WeightingResult struct {
	Weights    []float64             `json:"-"`
	Iterations int                   `json:"iterations"`
	Converged  bool                  `json:"converged"`
	Deltas     []float64             `json:"deltas"`
	Cap        float64               `json:"cap"`
	Trimmed    int                   `json:"trimmed"`
	Before     survey.WeightsSummary `json:"before"`
	After      survey.WeightsSummary `json:"after"`
	// Cells are every category of every margin: its target population and
	// share against what the final weights give.
	Cells []MarginCell `json:"cells"`
}

// MarginCell is one category of a margin after weighting: the target
// population and its share of the margin's total, and the weighted
// population and share the final weights give it.
type MarginCell struct {
	Variable      string  `json:"variable"`
	Category      string  `json:"category"`
	Target        float64 `json:"target"`
	TargetShare   float64 `json:"target_share"`
	Weighted      float64 `json:"weighted"`
	WeightedShare float64 `json:"weighted_share"`
}

// Weight rakes the design weights of rs to the margins (iterative
// proportional fitting, until no joint cell moves by more than a
// millionth of the total), then trims weights above cap times the mean
// weight (0: no trimming), spreading what was cut over the others.
// Every respondent must fall in a category of every margin.
func Weight(sv *aldyn.Survey, rs []*aldyn.SurveyResponse, margins []Margin, cap float64) (*WeightingResult, error) {
	if len(rs) == 0 || len(margins) == 0 {
		return nil, aldyn.Errorf(aldyn.EINVALID, "surveys.error.nothing_to_weight")
	}
	w := make([]float64, len(rs))
	for i, r := range rs {
		w[i] = r.DesignWeight
		if !(w[i] > 0) {
			w[i] = 1
		}
	}
	ms := make([]survey.Margin, 0, len(margins))
	names := make([][]string, 0, len(margins))
	for _, m := range margins {
		if m.Variable != ByTerritory {
			if q := sv.Question(m.Variable); q == nil || !(q.Type == aldyn.QuestionSingle || q.Type == aldyn.QuestionLikert) {
				return nil, aldyn.Errorf(aldyn.EINVALID, "surveys.error.margin_variable", "variable", m.Variable)
			}
		}
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
				return nil, aldyn.Errorf(aldyn.EINVALID, "surveys.error.margin_category", "variable", m.Variable, "category", v)
			}
			cell[i] = c
		}
		// A category with a population and no respondent cannot be
		// reached: say which, in words, rather than failing in the raking.
		has := make([]bool, len(cats))
		for _, c := range cell {
			has[c] = true
		}
		for c, cat := range cats {
			if !has[c] && pop[c] > 0 {
				return nil, aldyn.Errorf(aldyn.EINVALID, "surveys.error.margin_empty", "variable", m.Variable, "category", cat)
			}
		}
		ms = append(ms, survey.Margin{Name: m.Variable, Cell: cell, Pop: pop})
		names = append(names, cats)
	}
	rk, err := survey.Rake(w, ms, survey.RakeOptions{MaxIter: 100, Epsilon: 1e-6})
	if err != nil {
		return nil, aldyn.Errorf(aldyn.EINVALID, "surveys.error.raking", "detail", err.Error())
	}
	res := &WeightingResult{Iterations: rk.Iterations, Converged: rk.Converged, Deltas: rk.Deltas, Cap: cap, Before: survey.Summarize(w)}
	res.Weights = rk.Weights
	if cap > 0 {
		mean := survey.Summarize(rk.Weights).Mean
		res.Weights, res.Trimmed = survey.Trim(rk.Weights, math.Inf(-1), cap*mean, true)
	}
	res.After = survey.Summarize(res.Weights)
	for k, m := range ms {
		got := make([]float64, len(m.Pop))
		var total, target float64
		for i, c := range m.Cell {
			got[c] += res.Weights[i]
			total += res.Weights[i]
		}
		for _, p := range m.Pop {
			target += p
		}
		for c, cat := range names[k] {
			cell := MarginCell{Variable: m.Name, Category: cat, Target: m.Pop[c], Weighted: got[c]}
			if target > 0 {
				cell.TargetShare = m.Pop[c] / target
			}
			if total > 0 {
				cell.WeightedShare = got[c] / total
			}
			res.Cells = append(res.Cells, cell)
		}
	}
	return res, nil
}

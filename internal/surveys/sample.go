package surveys

import (
	"context"
	"errors"
	"strconv"
	"strings"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/store"
	"github.com/aldyn-kg/aldyn/internal/survey"
)

// Sample is what every published survey figure is estimated from, so that
// the estimates page, the trust index, victimization, the scorecard and
// plan indicators give the same value and interval for the same question,
// breakdown and wave: all respondents of a wave, with one design — the
// stored weights (raked when the wave was weighted, else the design
// weights) and the margins they were raked to, so that intervals account
// for the raking as R's svymean on a rake()d design does, and the
// survey's strata and clusters when it names them (aldyn.Survey.Strata,
// Clusters).
//
// A sample may be limited to a domain (a territory, women, a police
// unit): respondents outside it stay in the design with nothing to
// contribute, as in R's subset() of a design and svyby(), so a domain's
// interval is the same whichever page asks for it.
type Sample struct {
	sv *aldyn.Survey
	rs []*aldyn.SurveyResponse
	d  *survey.Design // nil without responses
	in func(*aldyn.SurveyResponse) bool
}

// NewSample makes the sample of responses rs of survey sv whose weights
// were raked to margins (nil: design weights, or weights not raked).
func NewSample(sv *aldyn.Survey, rs []*aldyn.SurveyResponse, margins []Margin) (*Sample, error) {
	s := &Sample{sv: sv, rs: rs}
	if len(rs) == 0 {
		return s, nil
	}
	w := make([]float64, len(rs))
	for i, r := range rs {
		w[i] = r.Weight
	}
	d, err := survey.NewDesign(w, designLabels(rs, sv.Strata, false), designLabels(rs, sv.Clusters, true))
	if errors.Is(err, survey.ErrDesign) && (sv.Strata != "" || sv.Clusters != "") {
		return nil, aldyn.Errorf(aldyn.EINVALID, "surveys.error.design")
	} else if err != nil {
		return nil, err
	}
	if ms, ok := marginCells(rs, margins); ok && len(ms) > 0 {
		if d, err = d.RakedTo(ms); err != nil {
			return nil, err
		}
	}
	s.d = d
	return s, nil
}

// designLabels numbers each response's value of the design variable name
// (nil when the survey names none): its territory, or its answer. A
// respondent without an answer is a stratum of its own ("") or, for
// clusters (own), a sampling unit of its own.
func designLabels(rs []*aldyn.SurveyResponse, name string, own bool) []int {
	if name == "" {
		return nil
	}
	idx := map[string]int{}
	out := make([]int, len(rs))
	for i, r := range rs {
		v := r.TerritoryCode
		if name != ByTerritory {
			v = r.Answers[name]
		}
		if v == "" && own {
			v = "\x00" + strconv.Itoa(i)
		}
		j, ok := idx[v]
		if !ok {
			j = len(idx)
			idx[v] = j
		}
		out[i] = j
	}
	return out
}

// LoadSample loads the sample of wave of survey sv ("" every wave; the
// waves' raking is then not accounted for, each having its own): all its
// respondents and the margins its weights were raked to.
func LoadSample(ctx context.Context, db *store.DB, sv *aldyn.Survey, wave string) (*Sample, error) {
	f := aldyn.ResponseFilter{SurveyID: sv.ID}
	var margins []Margin
	if wave != "" {
		f.Wave = &wave
		wt, err := db.FindSurveyWeighting(ctx, sv.ID, wave)
		switch {
		case err == nil:
			margins = wt.Margins
		case aldyn.ErrorCode(err) != aldyn.ENOTFOUND:
			return nil, err
		}
	}
	var rs []*aldyn.SurveyResponse
	if err := db.EachResponse(ctx, f, func(r *aldyn.SurveyResponse) error {
		rs = append(rs, r)
		return nil
	}); err != nil {
		return nil, err
	}
	return NewSample(sv, rs, margins)
}

// Survey is the sample's survey.
func (s *Sample) Survey() *aldyn.Survey { return s.sv }

// Responses are the sample's respondents, in its domain or not.
func (s *Sample) Responses() []*aldyn.SurveyResponse { return s.rs }

// Within returns the sample limited to the respondents for whom in holds
// (and who are in s's domain): the design stays the whole wave's.
func (s *Sample) Within(in func(*aldyn.SurveyResponse) bool) *Sample {
	c := *s
	if prev := s.in; prev != nil {
		c.in = func(r *aldyn.SurveyResponse) bool { return prev(r) && in(r) }
	} else {
		c.in = in
	}
	return &c
}

// Respondents counts the respondents in the sample's domain.
func (s *Sample) Respondents() int {
	n := 0
	for _, r := range s.rs {
		if s.in == nil || s.in(r) {
			n++
		}
	}
	return n
}

// Under is the domain of respondents living in the territory at path ("":
// everyone).
func Under(path string) func(*aldyn.SurveyResponse) bool {
	return func(r *aldyn.SurveyResponse) bool { return strings.HasPrefix(r.TerritoryPath, path) }
}

// Answering is the domain of respondents whose answer to question is
// value (women: sex=f).
func Answering(question, value string) func(*aldyn.SurveyResponse) bool {
	return func(r *aldyn.SurveyResponse) bool { return r.Answers[question] == value }
}

// Opinions are the answers of question q that count against yes in a
// share of yes: every other choice but "don't know".
func Opinions(q *aldyn.SurveyQuestion, yes []string) []string {
	var no []string
	for _, c := range q.Choices {
		if !contains(yes, c.Name) && c.Name != DontKnow {
			no = append(no, c.Name)
		}
	}
	return no
}

// DontKnow is the answer left out of shares: no opinion either way.
const DontKnow = "dont_know"

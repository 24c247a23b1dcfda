package web

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/export"
	"github.com/aldyn-kg/aldyn/internal/surveys"
)

// What surveys publish: the trust index, victimization and the dark
// figure, weighting to population margins, and police unit scorecards.

// The trust index.

// trustRow is one published value of the trust index: of all the
// survey's respondents (Overall; TerritoryCode is the survey's territory)
// or of those of one territory.
type trustRow struct {
	SurveyID      int64    `json:"survey_id"`
	Wave          string   `json:"wave"`
	TerritoryCode string   `json:"territory_code"`
	Overall       bool     `json:"overall"`
	BodyType      string   `json:"body_type"`
	Value         *float64 `json:"value"`
	SE            *float64 `json:"se"`
	CILow         *float64 `json:"ci_low"`
	CIHigh        *float64 `json:"ci_high"`
	N             float64  `json:"n"`
	UnweightedN   int      `json:"unweighted_n"`
	Reliable      bool     `json:"reliable"`
}

// surveysAsking lists the surveys past their draft that ask question.
func (s *Server) surveysAsking(ctx context.Context, question string) ([]*aldyn.Survey, error) {
	list, _, err := s.db.FindSurveys(ctx, aldyn.SurveyFilter{Page: aldyn.Page{Limit: aldyn.MaxLimit}})
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(list, func(sv *aldyn.Survey) bool { return sv.Status == aldyn.SurveyDraft || sv.Question(question) == nil }), nil
}

// yearSpan is year y: its first instant and the next year's.
func yearSpan(y int) (from, to time.Time) {
	return time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(y+1, 1, 1, 0, 0, 0, 0, time.UTC)
}

func (s *Server) trustIndex(r *http.Request) ([]trustRow, error) {
	q := r.URL.Query()
	list, err := s.surveysAsking(r.Context(), "trust_police")
	if err != nil {
		return nil, err
	}
	out := []trustRow{}
	for _, sv := range list {
		waves, err := s.db.SurveyWaves(r.Context(), sv.ID)
		if err != nil {
			return nil, err
		}
		for _, wave := range waves {
			if wq := q.Get("wave"); wq != "" && wq != wave {
				continue
			}
			smp, err := surveys.LoadSample(r.Context(), s.db, sv, wave)
			if err != nil {
				return nil, err
			}
			for _, by := range []string{"", surveys.ByTerritory} {
				rows, err := surveys.TrustIndex(smp, by)
				if err != nil {
					return nil, err
				}
				for _, t := range rows {
					code := t.Group
					if by == "" {
						code = sv.TerritoryCode
					}
					if bt := q.Get("body_type"); bt != "" && bt != t.BodyType {
						continue
					}
					if tc := q.Get("territory"); tc != "" && tc != code {
						continue
					}
					out = append(out, trustRow{SurveyID: sv.ID, Wave: wave, TerritoryCode: code, Overall: by == "", BodyType: t.BodyType,
						Value: t.Estimate, SE: t.SE, CILow: t.CILow, CIHigh: t.CIHigh, N: t.N, UnweightedN: t.UnweightedN, Reliable: t.Reliable})
				}
			}
		}
	}
	return out, nil
}

func (s *Server) apiTrustIndex(w http.ResponseWriter, r *http.Request) error {
	rows, err := s.trustIndex(r)
	return writeNoted(w, r, "definition", "surveys.trust.definition", rows, err)
}

// writeNoted answers items with a translated note beside them (note: the
// note's JSON name, key: its message), or returns err, loading items' error.
func writeNoted[T any](w http.ResponseWriter, r *http.Request, note, key string, items T, err error) error {
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{note: info(r).loc.T(key), "items": items})
}

type trustPageData struct {
	Bodies    []trustBody
	Waves     []string
	National  map[string]map[string]*trustRow // body type → wave → row
	Districts []trustDistrict
	LastWave  string
}

type trustBody struct {
	Type string
	Name aldyn.Text
}

type trustDistrict struct {
	Name string
	Row  *trustRow
}

func (s *Server) trustIndexPage(w http.ResponseWriter, r *http.Request) error {
	rows, err := s.trustIndex(r)
	if err != nil {
		return err
	}
	d := trustPageData{National: map[string]map[string]*trustRow{}}
	for _, b := range surveys.TrustBodies {
		d.Bodies = append(d.Bodies, trustBody{Type: b.Type, Name: b.Name})
		d.National[b.Type] = map[string]*trustRow{}
	}
	seen := map[string]bool{}
	for _, t := range rows {
		if !seen[t.Wave] {
			seen[t.Wave] = true
			d.Waves = append(d.Waves, t.Wave)
		}
	}
	slices.Sort(d.Waves)
	if len(d.Waves) > 0 {
		d.LastWave = d.Waves[len(d.Waves)-1]
	}
	for i := range rows {
		t := &rows[i]
		if t.Overall {
			if t.TerritoryCode == countryCode {
				d.National[t.BodyType][t.Wave] = t
			}
			continue
		}
		if t.Wave == d.LastWave && t.BodyType == "police" {
			d.Districts = append(d.Districts, trustDistrict{Name: s.territoryName(r, t.TerritoryCode), Row: t})
		}
	}
	return s.render(w, r, http.StatusOK, "trust_index", &page{Title: info(r).loc.T("surveys.trust.title"), Data: d})
}

// Victimization and the dark figure.

// victimizationResult is the victimization of one survey wave in one
// territory and the dark figure against the offenses recorded there in
// the wave's year.
type victimizationResult struct {
	SurveyID      int64                `json:"survey_id"`
	Title         aldyn.Text           `json:"title"`
	Wave          string               `json:"wave"`
	TerritoryCode string               `json:"territory_code"`
	Year          int                  `json:"year"`
	Population    int64                `json:"population"`
	Crimes        []surveys.VictimRow  `json:"crimes"`
	Reporting     *surveys.Row         `json:"reporting_rate"`
	DarkFigures   []surveys.DarkFigure `json:"dark_figures"`
}

// victimization computes, for every survey with the victimization module
// that has run, each wave's (or the wave asked for) figures in the
// territory asked for (default the survey's).
func (s *Server) victimization(r *http.Request) ([]victimizationResult, error) {
	ctx := r.Context()
	q := r.URL.Query()
	list, err := s.surveysAsking(ctx, "victim_12m")
	if err != nil {
		return nil, err
	}
	out := []victimizationResult{}
	for _, sv := range list {
		terr, err := s.db.FindTerritoryByCode(ctx, cmpOr(q.Get("territory"), sv.TerritoryCode))
		if err != nil {
			return nil, err
		}
		if !aldyn.PathContains(sv.TerritoryPath, terr.Path) {
			continue
		}
		waves, err := s.db.SurveyWaves(ctx, sv.ID)
		if err != nil {
			return nil, err
		}
		pops, err := s.db.Populations(ctx, terr.Code)
		if err != nil {
			return nil, err
		}
		for _, wave := range waves {
			if wq := q.Get("wave"); wq != "" && wq != wave {
				continue
			}
			smp, err := surveys.LoadSample(ctx, s.db, sv, wave)
			if err != nil {
				return nil, err
			}
			smp = smp.Within(surveys.Under(terr.Path)) // the territory is a domain of the whole wave
			res := victimizationResult{SurveyID: sv.ID, Title: sv.Title, Wave: wave, TerritoryCode: terr.Code}
			if res.Crimes, err = surveys.Victimization(smp, ""); err != nil {
				return nil, err
			}
			rep, err := surveys.ReportingRate(smp, "")
			if err != nil {
				return nil, err
			}
			if len(rep) > 0 {
				res.Reporting = &rep[0]
			}
			year, err := strconv.Atoi(wave)
			if p, _, ok := aldyn.PopulationFor(pops, year); err == nil && ok {
				res.Year, res.Population = year, p.Population
				from, to := yearSpan(year)
				var cats []string
				for _, cs := range surveys.RecordedCategories {
					cats = append(cats, cs...)
				}
				counts, err := s.db.OffenseCounts(ctx, aldyn.CountsQuery{By: []string{aldyn.ByCategory}, From: &from, To: &to, Under: terr.Path, Categories: cats})
				if err != nil {
					return nil, err
				}
				recorded := map[string]int64{}
				for _, c := range counts {
					recorded[c.Category] += c.Count
				}
				if res.DarkFigures, err = surveys.DarkFigures(smp, float64(p.Population), recorded); err != nil {
					return nil, err
				}
			}
			out = append(out, res)
		}
	}
	return out, nil
}

func (s *Server) apiVictimization(w http.ResponseWriter, r *http.Request) error {
	res, err := s.victimization(r)
	return writeNoted(w, r, "caveat", "surveys.victim.caveat", res, err)
}

func (s *Server) victimizationPage(w http.ResponseWriter, r *http.Request) error {
	res, err := s.victimization(r)
	if err != nil {
		return err
	}
	names := map[string]aldyn.Text{}
	for _, c := range surveys.Crimes {
		names[c.Name] = c.Short
	}
	return s.render(w, r, http.StatusOK, "victimization", &page{Title: info(r).loc.T("surveys.victim.title"),
		Data: victimizationPageData{Results: res, Crimes: names}})
}

type victimizationPageData struct {
	Results []victimizationResult
	Crimes  map[string]aldyn.Text
}

// apiSurveyWeighting rakes a wave's design weights to the population
// margins posted (CSV: variable, category, population), trims them at the
// stated cap, stores them for the estimates, and reports convergence and
// the weights' summary.
func (s *Server) apiSurveyWeighting(w http.ResponseWriter, r *http.Request) error {
	sv, err := s.designedSurvey(r)
	if err != nil {
		return err
	}
	wave := r.URL.Query().Get("wave")
	if wave == "" {
		return badParam("wave")
	}
	capMult := 0.0
	if c := r.URL.Query().Get("cap"); c != "" {
		if capMult, err = strconv.ParseFloat(c, 64); err != nil || capMult < 1 || capMult > 100 {
			return badParam("cap")
		}
	}
	file, _, done, err := uploadedFile(r)
	if err != nil {
		return err
	}
	defer done()
	paths, err := s.db.TerritoryPaths(r.Context())
	if err != nil {
		return err
	}
	margins, err := surveys.ReadMarginsFor(file, sv, func(code string) bool { _, ok := paths[code]; return ok })
	if err != nil {
		if p := fileProblems(r, err); p != nil {
			p.Error.Message = info(r).loc.Tn("surveys.error.margins_invalid", len(p.Problems))
			return writeJSON(w, http.StatusBadRequest, p)
		}
		return err
	}
	rs, err := s.responsesOf(r.Context(), aldyn.System, sv, wave)
	if err != nil {
		return err
	}
	res, err := surveys.Weight(sv, rs, margins, capMult)
	if err != nil {
		return err
	}
	weights := make(map[int64]float64, len(rs))
	for i, resp := range rs {
		weights[resp.ID] = res.Weights[i]
	}
	if err := s.db.SetResponseWeights(r.Context(), actor(r), sv.ID, weights, &aldyn.SurveyWeighting{Wave: wave, Margins: margins, Cap: capMult},
		map[string]any{"wave": wave, "margins": margins, "result": res}); err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, res)
}

// The police unit scorecard.

type scorecardData struct {
	SurveyID   int64                    `json:"survey_id"`
	Wave       string                   `json:"wave"`
	Year       int                      `json:"year"`
	Components []surveys.ScoreComponent `json:"components"`
	GoodFrom   float64                  `json:"good_from"`
	FairFrom   float64                  `json:"fair_from"`
	Items      []scorecardRow           `json:"items"`
	// local holds the year's local assessments by unit, with their means
	// per criterion, for a unit's page.
	local map[string]*aldyn.UnitRatingSummary
}

type scorecardRow struct {
	surveys.Scorecard
	Name string `json:"name"`
}

// scorecards computes the scorecard of every district with respondents in
// the latest wave (or the wave asked for) of the most recent survey that
// asks about trust in the police.
func (s *Server) scorecards(r *http.Request) (*scorecardData, error) {
	ctx := r.Context()
	list, err := s.surveysAsking(ctx, "trust_police")
	if err != nil {
		return nil, err
	}
	ws, err := s.db.ScorecardWeights(ctx)
	if err != nil {
		return nil, err
	}
	d := &scorecardData{Components: surveys.ScoreComponentsOf(ws), GoodFrom: surveys.GoodFrom, FairFrom: surveys.FairFrom, Items: []scorecardRow{}}
	if len(list) == 0 {
		return d, nil
	}
	sv := list[0]
	waves, err := s.db.SurveyWaves(ctx, sv.ID)
	if err != nil || len(waves) == 0 {
		return d, err
	}
	d.SurveyID, d.Wave = sv.ID, waves[len(waves)-1]
	if wq := r.URL.Query().Get("wave"); wq != "" {
		d.Wave = wq
	}
	smp, err := surveys.LoadSample(ctx, s.db, sv, d.Wave)
	if err != nil {
		return nil, err
	}
	var codes []string
	for _, resp := range smp.Responses() {
		if !slices.Contains(codes, resp.TerritoryCode) {
			codes = append(codes, resp.TerritoryCode)
		}
	}
	d.Year, _ = strconv.Atoi(d.Wave)
	counts := map[int]map[string]aldyn.CountRow{}
	for _, y := range []int{d.Year - 1, d.Year} {
		from, to := yearSpan(y)
		rows, err := s.db.OffenseCounts(ctx, aldyn.CountsQuery{By: []string{aldyn.ByTerritory}, Depth: aldyn.DepthDistrict, From: &from, To: &to, Under: sv.TerritoryPath})
		if err != nil {
			return nil, err
		}
		counts[y] = map[string]aldyn.CountRow{}
		for _, c := range rows {
			counts[y][c.TerritoryCode] = c
		}
	}
	local, err := s.localAssessments(r, d.Year)
	if err != nil {
		return nil, err
	}
	d.local = local
	lang := info(r).lang
	slices.Sort(codes)
	from, to := yearSpan(d.Year)
	clock := s.db.Now()
	rbFrom, rbTo := aldyn.LastQuarters(clock, 4)
	held := aldyn.ReportBackHeld
	for _, code := range codes {
		now, before := counts[d.Year][code], counts[d.Year-1][code]
		in := surveys.UnitInput{TerritoryCode: code, Wave: smp, Registered: now.Count, Solved: now.Solved, RegisteredBefore: before.Count}
		if l := local[code]; l != nil {
			in.LocalAssessment, in.LocalRatings = &l.Score, l.Ratings
		}
		name := code
		if t, err := s.db.FindTerritoryByCode(ctx, code); err == nil {
			name = t.Name(lang)
			reports, err := s.db.PoliceResidentReports(ctx, t.Path, from, to)
			if err != nil {
				return nil, err
			}
			if in.ReportBackPrecincts, err = s.db.CountPrecincts(ctx, t.Path); err != nil {
				return nil, err
			}
			rb, err := s.db.CountReportBackMeetings(ctx, aldyn.ReportBackFilter{Territory: t.Path, Status: &held, From: &rbFrom, To: &rbTo})
			if err != nil {
				return nil, err
			}
			for _, c := range rb {
				in.ReportBackHeld += c.Held
			}
			for _, rep := range reports {
				if counted, onTime := rep.Timeliness(clock); counted {
					in.Reports++
					if onTime {
						in.ReportsOnTime++
					}
				}
			}
		}
		c, err := surveys.ScoreUnitWith(sv, in, d.Components)
		if err != nil {
			return nil, err
		}
		d.Items = append(d.Items, scorecardRow{Scorecard: c, Name: name})
	}
	return d, nil
}

func (s *Server) apiScorecards(w http.ResponseWriter, r *http.Request) error {
	d, err := s.scorecards(r)
	return writeFound(w, d, err)
}

func (s *Server) scorecardsPage(w http.ResponseWriter, r *http.Request) error {
	d, err := s.scorecards(r)
	if err != nil {
		return err
	}
	loc := info(r).loc
	if format := r.URL.Query().Get("format"); format != "" {
		t := export.Table{Title: loc.T("surveys.score.title"), Columns: []export.Column{{Key: "unit", Label: loc.T("surveys.trust.territory")}}}
		for _, c := range d.Components {
			t.Columns = append(t.Columns, export.Column{Key: c.Key, Label: loc.T("surveys.score.component." + c.Key), Kind: export.Float})
		}
		t.Columns = append(t.Columns, export.Column{Key: "score", Label: loc.T("surveys.score.score"), Kind: export.Float},
			export.Column{Key: "grade", Label: loc.T("surveys.score.grade")}, export.Column{Key: "respondents", Label: loc.T("surveys.trust.respondents"), Kind: export.Int},
			export.Column{Key: "reports", Label: loc.T("surveys.score.reports"), Kind: export.Int},
			export.Column{Key: "reports_few", Label: loc.T("surveys.score.reports_few")},
			export.Column{Key: "report_back_per_precinct", Label: loc.T("reportback.score.component"), Kind: export.Float},
			export.Column{Key: "report_back_held", Label: loc.T("reportback.status.held"), Kind: export.Int},
			export.Column{Key: "report_back_precincts", Label: loc.T("reportback.precinct"), Kind: export.Int},
			export.Column{Key: "local_ratings", Label: loc.T("rating.ratings"), Kind: export.Int},
			export.Column{Key: "local_few", Label: loc.T("rating.few")})
		for _, it := range d.Items {
			row := []any{it.Name}
			for _, c := range d.Components {
				row = append(row, it.Values[c.Key])
			}
			grade := ""
			if it.Grade != "" {
				grade = loc.T("surveys.score.grade." + it.Grade)
			}
			few := ""
			if it.ReportsFew {
				few = loc.T("surveys.score.reports_few_yes")
			}
			row = append(row, it.Score, grade, it.Respondents, it.Reports, few, it.ReportBackPerPrecinct, it.ReportBackHeld, it.ReportBackPrecincts,
				it.LocalRatings, localFew(loc.T, it.Scorecard))
			t.Rows = append(t.Rows, row)
		}
		return serveTable(w, r, format, "scorecards-"+d.Wave, t)
	}
	return s.render(w, r, http.StatusOK, "scorecards", &page{Title: loc.T("surveys.score.title"), Data: scorecardsPageData{scorecardData: d,
		CanSetWeights: national(actor(r)) && actor(r).Is(aldyn.RoleAdministrator), LocalMin: aldyn.MinUnitRatings, CanRate: s.ratesUnits(r)}})
}

// scorecardUnitPage is one police unit's scorecard: each component with
// its full name, value, interval and weight, the score, the local
// assessment's means per criterion, and the unit's other waves.
func (s *Server) scorecardUnitPage(w http.ResponseWriter, r *http.Request) error {
	d, err := s.scorecards(r)
	if err != nil {
		return err
	}
	code := r.PathValue("code")
	i := slices.IndexFunc(d.Items, func(it scorecardRow) bool { return it.TerritoryCode == code })
	if i < 0 {
		return aldyn.Errorf(aldyn.ENOTFOUND, "surveys.score.unit_not_found")
	}
	u := scorecardUnitData{scorecardData: d, Unit: d.Items[i], Criteria: aldyn.RatingCriteria, LocalMin: aldyn.MinUnitRatings}
	if d.SurveyID != 0 {
		if u.Waves, err = s.db.SurveyWaves(r.Context(), d.SurveyID); err != nil {
			return err
		}
	}
	u.Local = d.local[code]
	return s.render(w, r, http.StatusOK, "scorecard_unit", &page{Title: u.Unit.Name, Data: u})
}

type scorecardUnitData struct {
	*scorecardData
	Unit     scorecardRow
	Waves    []string
	Criteria []string
	Local    *aldyn.UnitRatingSummary // nil without ratings in the year
	LocalMin int
}

type scorecardsPageData struct {
	*scorecardData
	CanSetWeights bool
	LocalMin      int  // ratings a local assessment needs to count
	CanRate       bool // the actor rates police units for its body
}

// The scorecard's weights, set by national administrators.

type scorecardWeightsData struct {
	Weights []aldyn.ScorecardWeight
}

func (s *Server) scorecardWeightsPage(w http.ResponseWriter, r *http.Request) error {
	if err := requireNationalAdmin(r); err != nil {
		return err
	}
	ws, err := s.db.ScorecardWeights(r.Context())
	if err != nil {
		return err
	}
	form := url.Values{}
	for _, x := range ws {
		form.Set("weight."+x.Component, strconv.FormatFloat(x.Weight, 'f', -1, 64))
	}
	return s.render(w, r, http.StatusOK, "scorecard_weights", &page{Title: info(r).loc.T("surveys.score.weights_title"),
		Data: scorecardWeightsData{Weights: ws}, Form: form})
}

// scorecardWeightsSave stores the weights typed, every bad one reported.
func (s *Server) scorecardWeightsSave(w http.ResponseWriter, r *http.Request) error {
	if err := requireNationalAdmin(r); err != nil {
		return err
	}
	var ws []aldyn.ScorecardWeight
	var form url.Values
	var readErr error
	if err := r.ParseForm(); err != nil {
		readErr = badParam("form")
	}
	form = r.PostForm
	for _, c := range aldyn.ScorecardComponents {
		ws = append(ws, aldyn.ScorecardWeight{Component: c, Weight: aldyn.ParseScorecardWeight(form.Get("weight." + c))})
	}
	return submitForm(w, r, form, readErr, func() error { return s.db.SetScorecardWeights(r.Context(), actor(r), ws) },
		func(errs map[string]string) error {
			return s.render(w, r, http.StatusBadRequest, "scorecard_weights", &page{Title: info(r).loc.T("surveys.score.weights_title"),
				Data: scorecardWeightsData{Weights: ws}, Form: form, Errors: errs})
		}, func() string { return "/scorecards" }, "surveys.score.weights_saved")
}

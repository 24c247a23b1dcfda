package web

import (
	"cmp"
	"encoding/json"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/export"
	"github.com/aldyn-kg/aldyn/internal/surveys"
)

// The assessment of district police departments by local self-government
// and the coordination commission (issue 17 item 8): the yearly rating
// form of a rating body (an ayil okmotu, a city hall, a commission), its
// list of the units it rates, and the public table of the ratings' means
// per unit and year (no comment, no rater), which feeds the scorecard's
// local_assessment component.

// unitRatingForm is the rating's one form: the unit and year (new
// ratings only), a score.<criterion> per criterion, and the comment.
type unitRatingForm struct{ r *aldyn.UnitRating }

func (f unitRatingForm) fields() formFields {
	if f.r.Scores == nil {
		f.r.Scores = map[string]int{}
	}
	out := formFields{"unit_code": text(&f.r.UnitCode), "year": whole(&f.r.Year, "rating.error.year"), "comment": text(&f.r.Comment)}
	for _, c := range aldyn.RatingCriteria {
		out["score."+c] = scoreField{f.r.Scores, c}
	}
	return out
}

// scoreField is one criterion's score, 1–5 (a choice of radio buttons);
// a score that is not a whole number is the field's error.
type scoreField struct {
	m   map[string]int
	key string
}

func (s scoreField) read(f url.Values, name string, v aldyn.Validation) {
	x, ok := posted(f, name)
	if !ok || x == "" {
		return
	}
	n, err := strconv.Atoi(x)
	if err != nil {
		v.Add(name, "rating.error.score")
		return
	}
	s.m[s.key] = n
}

func (s scoreField) show(f url.Values, name string) {
	if n := s.m[s.key]; n != 0 {
		f.Set(name, strconv.Itoa(n))
	}
}

func (s scoreField) decode(raw json.RawMessage, name string, _ aldyn.Validation) error {
	var n int
	if err := decodeValue(raw, name, &n); err != nil {
		return err
	}
	s.m[s.key] = n
	return nil
}

// raterBody is the actor's body when it rates police units: a local
// self-government body or a coordination commission, for a reporter or
// coordinator of it; anyone else is refused.
func (s *Server) raterBody(r *http.Request) (*aldyn.Body, error) {
	if err := requireRole(r, aldyn.RoleReporter, aldyn.RoleCoordinator); err != nil {
		return nil, err
	}
	b, err := s.db.FindBodyByID(r.Context(), actor(r).BodyID)
	if err != nil {
		return nil, err
	}
	if !slices.Contains(aldyn.RaterBodyTypes, b.Type) {
		return nil, forbidden()
	}
	return b, nil
}

// ratesUnits reports whether the actor rates police units for its body.
func (s *Server) ratesUnits(r *http.Request) bool {
	_, err := s.raterBody(r)
	return err == nil
}

// ratableUnits are the districts and cities whose police the body rates:
// those of its territory, and the one its territory lies in.
func (s *Server) ratableUnits(r *http.Request, b *aldyn.Body) ([]*aldyn.Territory, error) {
	ctx := r.Context()
	t, err := s.db.FindTerritoryByCode(ctx, b.TerritoryCode)
	if err != nil {
		return nil, err
	}
	var out []*aldyn.Territory
	for _, code := range strings.Split(strings.Trim(t.Path, "/"), "/") {
		if code == t.Code {
			break
		}
		if up, err := s.db.FindTerritoryByCode(ctx, code); err == nil && slices.Contains(aldyn.RatableLevels, up.Level) {
			out = append(out, up)
		}
	}
	for _, level := range aldyn.RatableLevels {
		ts, _, err := s.db.FindTerritories(ctx, aldyn.TerritoryFilter{Level: &level, Under: t.Path, Page: aldyn.Page{Limit: aldyn.MaxLimit}})
		if err != nil {
			return nil, err
		}
		out = append(out, ts...)
	}
	slices.SortFunc(out, func(a, b *aldyn.Territory) int { return cmp.Compare(a.Path, b.Path) })
	return out, nil
}

type unitRatingsPageData struct {
	Body  *aldyn.Body
	Year  int
	Units []ratableUnit
	Past  []*aldyn.UnitRating
	Names map[string]string
}

// ratableUnit is a unit the body rates, with its rating of the year if
// it gave one.
type ratableUnit struct {
	Unit   *aldyn.Territory
	Rating *aldyn.UnitRating
}

// unitRatingsPage lists the units the actor's body rates, this year's
// rating of each (or a link to give it), and its ratings of past years.
func (s *Server) unitRatingsPage(w http.ResponseWriter, r *http.Request) error {
	b, err := s.raterBody(r)
	if err != nil {
		return err
	}
	units, err := s.ratableUnits(r, b)
	if err != nil {
		return err
	}
	mine, err := s.db.FindUnitRatings(r.Context(), aldyn.UnitRatingFilter{BodyID: &b.ID})
	if err != nil {
		return err
	}
	d := unitRatingsPageData{Body: b, Year: s.db.Now().Year(), Names: map[string]string{}}
	for _, u := range units {
		ru := ratableUnit{Unit: u}
		for _, x := range mine {
			if x.UnitCode == u.Code && x.Year == d.Year {
				ru.Rating = x
			}
		}
		d.Units = append(d.Units, ru)
		d.Names[u.Code] = u.Name(info(r).lang)
	}
	for _, x := range mine {
		if x.Year != d.Year {
			d.Past = append(d.Past, x)
			if _, ok := d.Names[x.UnitCode]; !ok {
				d.Names[x.UnitCode] = s.territoryName(r, x.UnitCode)
			}
		}
	}
	return s.render(w, r, http.StatusOK, "unit_ratings", &page{Title: info(r).loc.T("rating.mine_title"), Data: d})
}

// territoryName is the name of the territory code in the request's
// language, or the code when it is unknown.
func (s *Server) territoryName(r *http.Request, code string) string {
	if t, err := s.db.FindTerritoryByCode(r.Context(), code); err == nil {
		return t.Name(info(r).lang)
	}
	return code
}

type unitRatingFormData struct {
	Rating   *aldyn.UnitRating
	UnitName string
	Body     *aldyn.Body
	Criteria []string
	Scores   []int
	Action   string
	Closed   bool // the year is over: the rating is shown, not edited
	// Fixed are the fields the form sends but does not let change (the
	// unit and year chosen on the list); their errors are shown apart.
	Fixed []string
}

func (s *Server) showUnitRatingForm(w http.ResponseWriter, r *http.Request, status int, b *aldyn.Body, x *aldyn.UnitRating, form url.Values, errs map[string]string) error {
	action := "/unit-ratings"
	if x.ID != 0 {
		action += "/" + strconv.FormatInt(x.ID, 10)
	}
	d := unitRatingFormData{Rating: x, UnitName: s.territoryName(r, x.UnitCode), Body: b, Criteria: aldyn.RatingCriteria,
		Scores: []int{1, 2, 3, 4, 5}, Action: action, Fixed: []string{"unit_code", "year"}, Closed: x.Year < s.db.Now().Year()}
	return s.render(w, r, status, "unit_rating_form", &page{Title: info(r).loc.T("rating.form_title", "unit", d.UnitName, "year", x.Year),
		Data: d, Form: form, Errors: errs})
}

// unitRatingNewPage shows the empty form for this year's rating of the
// unit asked for (?unit=).
func (s *Server) unitRatingNewPage(w http.ResponseWriter, r *http.Request) error {
	b, err := s.raterBody(r)
	if err != nil {
		return err
	}
	x := &aldyn.UnitRating{UnitCode: r.URL.Query().Get("unit"), Year: s.db.Now().Year(), BodyID: b.ID}
	units, err := s.ratableUnits(r, b)
	if err != nil {
		return err
	}
	if !slices.ContainsFunc(units, func(t *aldyn.Territory) bool { return t.Code == x.UnitCode }) {
		return aldyn.Errorf(aldyn.ENOTFOUND, "rating.error.unit")
	}
	return s.showUnitRatingForm(w, r, http.StatusOK, b, x, showForm(unitRatingForm{x}), nil)
}

func (s *Server) unitRatingCreate(w http.ResponseWriter, r *http.Request) error {
	b, err := s.raterBody(r)
	if err != nil {
		return err
	}
	x := &aldyn.UnitRating{BodyID: b.ID}
	form, readErr := readForm(r, unitRatingForm{x})
	x.BodyID = b.ID
	return submitForm(w, r, form, readErr, func() error { return s.db.CreateUnitRating(r.Context(), actor(r), x) },
		func(errs map[string]string) error {
			return s.showUnitRatingForm(w, r, http.StatusBadRequest, b, x, form, errs)
		},
		func() string { return "/unit-ratings" }, "rating.saved")
}

// ownUnitRating loads rating {id} for its rating body only: the comment
// is read by no one else.
func (s *Server) ownUnitRating(r *http.Request) (*aldyn.Body, *aldyn.UnitRating, error) {
	b, err := s.raterBody(r)
	if err != nil {
		return nil, nil, err
	}
	id, err := routeID(r, "id", "rating.error.not_found")
	if err != nil {
		return nil, nil, err
	}
	x, err := s.db.FindUnitRatingByID(r.Context(), id)
	if err != nil {
		return nil, nil, err
	}
	if x.BodyID != b.ID {
		return nil, nil, forbidden()
	}
	return b, x, nil
}

func (s *Server) unitRatingEditPage(w http.ResponseWriter, r *http.Request) error {
	b, x, err := s.ownUnitRating(r)
	if err != nil {
		return err
	}
	return s.showUnitRatingForm(w, r, http.StatusOK, b, x, showForm(unitRatingForm{x}), nil)
}

func (s *Server) unitRatingUpdate(w http.ResponseWriter, r *http.Request) error {
	b, old, err := s.ownUnitRating(r)
	if err != nil {
		return err
	}
	x := &aldyn.UnitRating{ID: old.ID, UnitCode: old.UnitCode, Year: old.Year, BodyID: old.BodyID}
	form, readErr := readForm(r, unitRatingForm{x})
	x.UnitCode, x.Year = old.UnitCode, old.Year
	return submitForm(w, r, form, readErr, func() error { return s.db.UpdateUnitRating(r.Context(), actor(r), old.ID, x) },
		func(errs map[string]string) error {
			return s.showUnitRatingForm(w, r, http.StatusBadRequest, b, x, form, errs)
		},
		func() string { return "/unit-ratings" }, "rating.saved")
}

// The public table.

// unitRatingRow is a published row: a unit's ratings in a year.
type unitRatingRow struct {
	*aldyn.UnitRatingSummary
	Name string `json:"name"`
}

// unitRatingSorts are the public table's sorts: by unit name, year, the
// number of ratings, the local assessment, or a criterion's mean (numbers
// highest first).
func unitRatingLess(sort string) (func(a, b unitRatingRow) int, bool) {
	switch sort {
	case "", "name":
		return func(a, b unitRatingRow) int { return cmp.Or(cmp.Compare(a.Name, b.Name), cmp.Compare(b.Year, a.Year)) }, true
	case "year":
		return func(a, b unitRatingRow) int { return cmp.Or(cmp.Compare(b.Year, a.Year), cmp.Compare(a.Name, b.Name)) }, true
	case "ratings":
		return func(a, b unitRatingRow) int {
			return cmp.Or(cmp.Compare(b.Ratings, a.Ratings), cmp.Compare(a.Name, b.Name))
		}, true
	case "score":
		return func(a, b unitRatingRow) int {
			return cmp.Or(cmp.Compare(b.Score, a.Score), cmp.Compare(a.Name, b.Name))
		}, true
	}
	if slices.Contains(aldyn.RatingCriteria, sort) {
		return func(a, b unitRatingRow) int {
			return cmp.Or(cmp.Compare(b.Means[sort], a.Means[sort]), cmp.Compare(a.Name, b.Name))
		}, true
	}
	return nil, false
}

// unitRatingRows are the published rows of the year asked for (?year=,
// every year without), sorted as asked (?sort=).
func (s *Server) unitRatingRows(r *http.Request) ([]unitRatingRow, error) {
	q := r.URL.Query()
	var year *int
	if y := q.Get("year"); y != "" {
		n, err := strconv.Atoi(y)
		if err != nil {
			return nil, badParam("year")
		}
		year = &n
	}
	less, ok := unitRatingLess(q.Get("sort"))
	if !ok {
		return nil, badParam("sort")
	}
	sums, err := s.db.UnitRatingSummaries(r.Context(), year)
	if err != nil {
		return nil, err
	}
	rows := make([]unitRatingRow, len(sums))
	for i, x := range sums {
		rows[i] = unitRatingRow{UnitRatingSummary: x, Name: s.territoryName(r, x.UnitCode)}
	}
	slices.SortStableFunc(rows, less)
	return rows, nil
}

func (s *Server) apiUnitRatings(w http.ResponseWriter, r *http.Request) error {
	rows, err := s.unitRatingRows(r)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"criteria": aldyn.RatingCriteria, "min_ratings": aldyn.MinUnitRatings, "items": rows})
}

type unitRatingsTableData struct {
	Rows     []unitRatingRow
	Criteria []string
	Years    []int
	Sort     string
	Min      int
}

func (s *Server) unitRatingsTablePage(w http.ResponseWriter, r *http.Request) error {
	rows, err := s.unitRatingRows(r)
	if err != nil {
		return err
	}
	loc := info(r).loc
	if format := r.URL.Query().Get("format"); format != "" {
		t := export.Table{Title: loc.T("rating.table_title"), Columns: []export.Column{{Key: "unit", Label: loc.T("rating.unit")},
			{Key: "year", Label: loc.T("rating.year"), Kind: export.Int}, {Key: "ratings", Label: loc.T("rating.ratings"), Kind: export.Int}}}
		for _, c := range aldyn.RatingCriteria {
			t.Columns = append(t.Columns, export.Column{Key: c, Label: loc.T("rating.criterion." + c), Kind: export.Float})
		}
		t.Columns = append(t.Columns, export.Column{Key: "score", Label: loc.T("surveys.score.component.local_assessment"), Kind: export.Float},
			export.Column{Key: "few", Label: loc.T("rating.few")})
		for _, x := range rows {
			row := []any{x.Name, x.Year, x.Ratings}
			for _, c := range aldyn.RatingCriteria {
				row = append(row, round2(x.Means[c]))
			}
			few := ""
			if x.Few {
				few = loc.T("rating.few_yes")
			}
			t.Rows = append(t.Rows, append(row, round2(x.Score), few))
		}
		return serveTable(w, r, format, "unit-ratings", t)
	}
	all, err := s.db.UnitRatingSummaries(r.Context(), nil)
	if err != nil {
		return err
	}
	d := unitRatingsTableData{Rows: rows, Criteria: aldyn.RatingCriteria, Sort: cmp.Or(r.URL.Query().Get("sort"), "name"), Min: aldyn.MinUnitRatings}
	for _, x := range all {
		if !slices.Contains(d.Years, x.Year) {
			d.Years = append(d.Years, x.Year)
		}
	}
	slices.Sort(d.Years)
	slices.Reverse(d.Years)
	return s.render(w, r, http.StatusOK, "unit_ratings_table", &page{Title: loc.T("rating.table_title"), Data: d, Form: r.URL.Query()})
}

// round2 keeps two decimals of a mean in a download.
func round2(x float64) float64 { return math.Round(x*100) / 100 }

// localAssessments are the year's published ratings by unit code, for the
// scorecard's local_assessment component.
func (s *Server) localAssessments(r *http.Request, year int) (map[string]*aldyn.UnitRatingSummary, error) {
	sums, err := s.db.UnitRatingSummaries(r.Context(), &year)
	if err != nil {
		return nil, err
	}
	out := make(map[string]*aldyn.UnitRatingSummary, len(sums))
	for _, x := range sums {
		out[x.UnitCode] = x
	}
	return out, nil
}

// localFew is the download's mark of a local assessment from too few
// ratings ("" when it counts or there is none).
func localFew(t func(string, ...any) string, c surveys.Scorecard) string {
	if c.LocalFew && c.LocalRatings > 0 {
		return t("rating.few_yes")
	}
	return ""
}

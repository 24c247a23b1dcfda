package web_test

import (
	"context"
	"encoding/json"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aldyn-kg/aldyn"
)

// mustRater adds a body of type typ in territory code and a user of role
// in it, signed in by API token as the actor named name.
func (f *fixture) mustRater(tb testing.TB, name, typ, code, role string) *aldyn.Body {
	tb.Helper()
	b := &aldyn.Body{TerritoryCode: code, Type: typ, NameKy: name + " өкмөтү", NameRu: name + " окмоту", NameEn: name + " okmotu"}
	if err := f.db.CreateBody(context.Background(), aldyn.System, b); err != nil {
		tb.Fatal(err)
	}
	f.mustUser(tb, name, role, b)
	return b
}

// ratingForm is a posted rating: every criterion scored s, then the
// changes given (name, value pairs; an empty value removes the field).
func ratingForm(unit string, year, s int, kv ...string) string {
	v := url.Values{"unit_code": {unit}, "year": {strconv.Itoa(year)}}
	for _, c := range aldyn.RatingCriteria {
		v.Set("score."+c, strconv.Itoa(s))
	}
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] == "" {
			v.Del(kv[i])
		} else {
			v.Set(kv[i], kv[i+1])
		}
	}
	return v.Encode()
}

func init() {
	moduleCases = append(moduleCases, func(tb testing.TB, f *fixture) []matrixCase {
		b := f.mustRater(tb, "matrixAO", "local_government", codeA, aldyn.RoleReporter)
		x := &aldyn.UnitRating{UnitCode: codeA, Year: f.db.Now().Year(), BodyID: b.ID, Scores: map[string]int{}, Comment: "матрица"}
		for _, c := range aldyn.RatingCriteria {
			x.Scores[c] = 4
		}
		if err := f.db.CreateUnitRating(context.Background(), aldyn.System, x); err != nil {
			tb.Fatal(err)
		}
		id := strconv.FormatInt(x.ID, 10)
		const see, unauth, forbid = http.StatusSeeOther, http.StatusUnauthorized, http.StatusForbidden
		const form = "application/x-www-form-urlencoded"
		// Every actor of the matrix is of a police body (or an
		// administrator): none rates police units.
		noRater := func(anonStatus int) expect { return expect{def: forbid, byRole: map[string]int{anon: anonStatus}} }
		return []matrixCase{
			{method: "GET", path: "/scorecards/ratings", want: all(200)},
			{method: "GET", path: "/scorecards/ratings?format=xlsx&sort=score", route: "/scorecards/ratings", want: all(200)},
			{method: "GET", path: "/api/v1/unit-ratings", want: all(200)},
			{method: "GET", path: "/unit-ratings", want: noRater(see)},
			{method: "GET", path: "/unit-ratings/new?unit=" + codeA, route: "/unit-ratings/new", want: noRater(see)},
			{method: "POST", path: "/unit-ratings", ctype: form, body: ratingForm(codeA, f.db.Now().Year(), 5), want: noRater(unauth)},
			{method: "GET", path: "/unit-ratings/" + id, route: "/unit-ratings/{id}", want: noRater(see)},
			{method: "POST", path: "/unit-ratings/" + id, route: "/unit-ratings/{id}", ctype: form, body: ratingForm(codeA, f.db.Now().Year(), 1), want: noRater(unauth)},
		}
	})
}

// TestUnitRatingPages: an ayil okmotu rates the police of its district
// through the form (every bad input reported, a second rating refused, an
// edit kept), another body cannot read or change it, and the published
// table, its downloads, the API and the scorecard carry the means and the
// count but never the comment.
func TestUnitRatingPages(t *testing.T) {
	f := mustFixture(t)
	clock := time.Date(2026, 12, 20, 9, 0, 0, 0, time.UTC)
	f.db.Now = func() time.Time { return clock }
	mustInvitationSurvey(t, f, "ratings-2026")
	const form = "application/x-www-form-urlencoded"
	aoA := f.mustRater(t, "lebedinovka", "local_government", codeA, aldyn.RoleReporter)
	f.mustRater(t, "commissionA", "coordination_commission", codeA, aldyn.RoleCoordinator)
	f.mustRater(t, "aoB", "local_government", codeB, aldyn.RoleReporter)

	list := readBody(t, f.doEn(t, "lebedinovka", "GET", "/unit-ratings", "", ""))
	if !strings.Contains(list, "/unit-ratings/new?unit="+codeA) || strings.Contains(list, "unit="+codeB) {
		t.Fatalf("the ayil okmotu's list: want its district only, got %s", list)
	}
	if r := f.doEn(t, "lebedinovka", "GET", "/unit-ratings/new?unit="+codeB, "", ""); r.StatusCode != http.StatusNotFound {
		t.Errorf("a form for another district: got %d, want 404", r.StatusCode)
	}
	for name, c := range map[string]struct{ body, field string }{
		"score 6":           {ratingForm(codeA, 2026, 4, "score.appeals", "6"), "score.appeals"},
		"score 0":           {ratingForm(codeA, 2026, 4, "score.overall", "0"), "score.overall"},
		"score not a digit": {ratingForm(codeA, 2026, 4, "score.information", "five"), "score.information"},
		"missing criterion": {ratingForm(codeA, 2026, 4, "score.youth_families", ""), "score.youth_families"},
		"PIN in comment":    {ratingForm(codeA, 2026, 4, "comment", "ПИН 21205199700123"), "comment"},
		"closed year":       {ratingForm(codeA, 2025, 4), "year"},
		"another territory": {ratingForm(codeB, 2026, 4), ""},
	} {
		r := f.doEn(t, "lebedinovka", "POST", "/unit-ratings", form, c.body)
		page := readBody(t, r)
		if c.field == "" {
			if r.StatusCode != http.StatusForbidden {
				t.Errorf("%s: got %d, want 403", name, r.StatusCode)
			}
			continue
		}
		if r.StatusCode != http.StatusBadRequest || !strings.Contains(page, `id="e-`+c.field+`"`) {
			t.Errorf("%s: got %d, want 400 with %s reported", name, r.StatusCode, c.field)
		}
	}
	const secret = "Жашыруун: инспектор Асанов келбейт"
	if r := f.doEn(t, "lebedinovka", "POST", "/unit-ratings", form, ratingForm(codeA, 2026, 5, "comment", secret)); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("a good rating: got %d %s", r.StatusCode, readBody(t, r))
	}
	if r := f.doEn(t, "lebedinovka", "POST", "/unit-ratings", form, ratingForm(codeA, 2026, 3)); r.StatusCode != http.StatusConflict {
		t.Errorf("a second rating the same year: got %d, want 409", r.StatusCode)
	}
	year := 2026
	mine, err := f.db.FindUnitRatings(context.Background(), aldyn.UnitRatingFilter{BodyID: &aoA.ID, Year: &year})
	if err != nil || len(mine) != 1 {
		t.Fatalf("stored: got %v %v", mine, err)
	}
	id := strconv.FormatInt(mine[0].ID, 10)
	if r := f.doEn(t, "lebedinovka", "POST", "/unit-ratings/"+id, form, ratingForm(codeA, 2026, 4, "score.appeals", "2", "comment", secret)); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("an edit: got %d %s", r.StatusCode, readBody(t, r))
	}
	for _, who := range []string{"commissionA", "aoB"} {
		if r := f.doEn(t, who, "GET", "/unit-ratings/"+id, "", ""); r.StatusCode != http.StatusForbidden {
			t.Errorf("%s reads another body's rating: got %d, want 403", who, r.StatusCode)
		}
	}
	if r := f.doEn(t, "commissionA", "POST", "/unit-ratings", form, ratingForm(codeA, 2026, 2)); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("the commission's rating: got %d %s", r.StatusCode, readBody(t, r))
	}

	// Published: two ratings of A; means from the stored scores.
	var api struct {
		Items []struct {
			UnitCode string             `json:"unit_code"`
			Ratings  int                `json:"ratings"`
			Means    map[string]float64 `json:"means"`
			Few      bool               `json:"few"`
		} `json:"items"`
	}
	body := readBody(t, f.do(t, anon, "GET", "/api/v1/unit-ratings?year=2026", "", ""))
	if err := json.Unmarshal([]byte(body), &api); err != nil || len(api.Items) != 1 {
		t.Fatalf("API: got %s (%v)", body, err)
	}
	if it := api.Items[0]; it.UnitCode != codeA || it.Ratings != 2 || it.Means["appeals"] != 2 || it.Means["overall"] != 3 || !it.Few {
		t.Errorf("API: got %+v, want 2 ratings, appeals (2+2)/2 = 2, overall (4+2)/2 = 3, flagged few", it)
	}
	for _, path := range []string{"/scorecards/ratings", "/scorecards/ratings?format=csv", "/scorecards/ratings?format=xlsx", "/api/v1/unit-ratings", "/scorecards", "/api/v1/scorecards"} {
		if b := readBody(t, f.do(t, anon, "GET", path, "", "")); strings.Contains(b, "Асанов") || strings.Contains(b, "lebedinovka") {
			t.Errorf("%s publishes the comment or the rater", path)
		}
	}
	if r := f.do(t, anon, "GET", "/scorecards/ratings?sort=speed", "", ""); r.StatusCode != http.StatusBadRequest {
		t.Errorf("an unknown sort: got %d, want 400", r.StatusCode)
	}
	// The scorecard shows the component from 2 ratings, flagged; the
	// third rating brings it into the score.
	scorecardA := func() (float64, int, bool) {
		var sc struct {
			Items []struct {
				TerritoryCode string              `json:"territory_code"`
				Values        map[string]*float64 `json:"values"`
				LocalRatings  int                 `json:"local_ratings"`
				LocalFew      bool                `json:"local_few"`
			} `json:"items"`
		}
		body := readBody(t, f.do(t, anon, "GET", "/api/v1/scorecards", "", ""))
		if err := json.Unmarshal([]byte(body), &sc); err != nil {
			t.Fatal(err)
		}
		for _, it := range sc.Items {
			if it.TerritoryCode == codeA && it.Values["local_assessment"] != nil {
				return *it.Values["local_assessment"], it.LocalRatings, it.LocalFew
			}
		}
		t.Fatalf("no local assessment for A in %s", body)
		return 0, 0, false
	}
	// Scores: lebedinovka 4×6 + 2 = 26, commission 2×7 = 14; 40/14 on 1–5.
	want := math.Round(100*(40.0/14-1)/4*10) / 10
	if v, n, few := scorecardA(); v != want || n != 2 || !few {
		t.Errorf("scorecard: got %v from %d (few %v), want %v from 2, flagged", v, n, few, want)
	}
	f.mustRater(t, "ao2", "local_government", codeA, aldyn.RoleReporter)
	if r := f.doEn(t, "ao2", "POST", "/unit-ratings", form, ratingForm(codeA, 2026, 5)); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("a third rating: got %d", r.StatusCode)
	}
	if _, n, few := scorecardA(); n != 3 || few {
		t.Errorf("scorecard with 3 ratings: got %d (few %v), want counted", n, few)
	}
	page := readBody(t, f.doEn(t, anon, "GET", "/scorecards", "", ""))
	if !strings.Contains(page, "/scorecards/ratings") || !strings.Contains(page, "Assessment by local self-government") {
		t.Errorf("the scorecards page does not show the component or link the ratings table")
	}
	// The year closes: the rating can no longer change.
	clock = time.Date(2027, 1, 2, 9, 0, 0, 0, time.UTC)
	if r := f.doEn(t, "lebedinovka", "POST", "/unit-ratings/"+id, form, ratingForm(codeA, 2026, 1)); r.StatusCode != http.StatusBadRequest {
		t.Errorf("an edit after the year closed: got %d, want 400", r.StatusCode)
	}
}

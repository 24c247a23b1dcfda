package store_test

import (
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/aldyn-kg/aldyn"
)

// allScores gives every criterion the score s.
func allScores(s int) map[string]int {
	m := map[string]int{}
	for _, c := range aldyn.RatingCriteria {
		m[c] = s
	}
	return m
}

func TestUnitRatingRules(t *testing.T) {
	f := mustResidentFixture(t)
	ctx := f.ctx
	year := f.clock.Year()
	lgRater := &aldyn.Actor{UserID: 7, Role: aldyn.RoleReporter, BodyID: f.lgA.ID, TerritoryPath: f.coordA.TerritoryPath}
	rating := func(unit string, body *aldyn.Body, scores map[string]int, comment string) *aldyn.UnitRating {
		return &aldyn.UnitRating{UnitCode: unit, Year: year, BodyID: body.ID, Scores: scores, Comment: comment}
	}
	with := func(c string, s int) map[string]int {
		m := allScores(4)
		m[c] = s
		return m
	}
	without := func(c string) map[string]int {
		m := allScores(4)
		delete(m, c)
		return m
	}
	cases := []struct {
		name  string
		actor *aldyn.Actor
		r     *aldyn.UnitRating
		code  string
		field string
	}{
		{"the ayil okmotu rates its district", lgRater, rating(alamudun, f.lgA, allScores(4), "Бирге иштешүү жакшы"), "", ""},
		{"the district commission's coordinator", f.coordA, rating(alamudun, f.commA, allScores(3), ""), "", ""},
		{"a second rating the same year", lgRater, rating(alamudun, f.lgA, allScores(2), ""), aldyn.ECONFLICT, ""},
		{"a score above 5", f.coordA, rating(alamudun, f.commA, with("appeals", 6), ""), aldyn.EINVALID, "score.appeals"},
		{"a score below 1", f.coordA, rating(alamudun, f.commA, with("overall", -1), ""), aldyn.EINVALID, "score.overall"},
		{"a missing criterion", f.coordA, rating(alamudun, f.commA, without("youth_families"), ""), aldyn.EINVALID, "score.youth_families"},
		{"an unknown criterion", f.coordA, rating(alamudun, f.commA, with("speed", 3), ""), aldyn.EINVALID, "score.speed"},
		{"a PIN in the comment", lgRater, rating(alamudun, f.lgA, allScores(4), "Арыз ээси 21205199700123"), aldyn.EINVALID, "comment"},
		{"a phone in the comment", lgRater, rating(alamudun, f.lgA, allScores(4), "Чалыңыз +996 555 123 456"), aldyn.EINVALID, "comment"},
		{"a closed year", lgRater, &aldyn.UnitRating{UnitCode: alamudun, Year: year - 1, BodyID: f.lgA.ID, Scores: allScores(4)}, aldyn.EINVALID, "year"},
		{"a year to come", lgRater, &aldyn.UnitRating{UnitCode: alamudun, Year: year + 1, BodyID: f.lgA.ID, Scores: allScores(4)}, aldyn.EINVALID, "year"},
		{"a unit outside the rater's territory", f.coordA, rating(sokuluk, f.commA, allScores(4), ""), aldyn.EFORBIDDEN, ""},
		{"another territory's coordinator", f.coordB, rating(alamudun, f.commA, allScores(4), ""), aldyn.EFORBIDDEN, ""},
		{"a police user rates its own unit", f.repA, rating(alamudun, f.policeA, allScores(5), ""), aldyn.EFORBIDDEN, ""},
		{"a region is not a police unit", f.coordA, rating(chui, f.commA, allScores(4), ""), aldyn.EINVALID, "unit_code"},
		{"the public", aldyn.Public, rating(alamudun, f.commA, allScores(4), ""), aldyn.EFORBIDDEN, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := f.db.CreateUnitRating(ctx, c.actor, c.r)
			if got := aldyn.ErrorCode(err); got != c.code {
				t.Fatalf("got %q (%v), want %q", got, err, c.code)
			}
			if c.field != "" {
				var e *aldyn.Error
				if !errors.As(err, &e) || e.Fields[c.field] == "" {
					t.Fatalf("got %v, want an error on %s", err, c.field)
				}
			}
		})
	}
	// The oblast's police is not a rater even of a district of its oblast.
	chuiRep := f.repChui
	if err := f.db.CreateUnitRating(ctx, chuiRep, rating(alamudun, f.policeChui, allScores(5), "")); aldyn.ErrorCode(err) != aldyn.EFORBIDDEN {
		t.Fatalf("a police body rated a unit: %v", err)
	}
}

func TestUnitRatingEditAndSummary(t *testing.T) {
	f := mustResidentFixture(t)
	ctx := f.ctx
	year := f.clock.Year()
	lgRater := &aldyn.Actor{UserID: 7, Role: aldyn.RoleReporter, BodyID: f.lgA.ID, TerritoryPath: f.coordA.TerritoryPath}
	a := &aldyn.UnitRating{UnitCode: alamudun, Year: year, BodyID: f.lgA.ID, Scores: allScores(5), Comment: "Жашыруун пикир: участок инспектору сейрек келет"}
	if err := f.db.CreateUnitRating(ctx, lgRater, a); err != nil {
		t.Fatal(err)
	}
	b := &aldyn.UnitRating{UnitCode: alamudun, Year: year, BodyID: f.commA.ID, Scores: allScores(2)}
	b.Scores["overall"] = 3
	if err := f.db.CreateUnitRating(ctx, f.coordA, b); err != nil {
		t.Fatal(err)
	}
	// Another body may not edit the ayil okmotu's rating.
	if err := f.db.UpdateUnitRating(ctx, f.coordA, a.ID, &aldyn.UnitRating{Scores: allScores(1)}); aldyn.ErrorCode(err) != aldyn.EFORBIDDEN {
		t.Fatalf("another body edited a rating: %v", err)
	}
	upd := &aldyn.UnitRating{Scores: allScores(4), Comment: "Жашыруун пикир: жакшырды"}
	upd.Scores["appeals"] = 5
	if err := f.db.UpdateUnitRating(ctx, lgRater, a.ID, upd); err != nil {
		t.Fatal(err)
	}
	got, err := f.db.FindUnitRatingByID(ctx, a.ID)
	if err != nil || got.Scores["appeals"] != 5 || got.Scores["overall"] != 4 || got.Comment != upd.Comment || got.BodyID != f.lgA.ID {
		t.Fatalf("got %+v %v", got, err)
	}
	// An edit breaking a rule is refused with the field.
	bad := &aldyn.UnitRating{Scores: allScores(4)}
	bad.Scores["information"] = 9
	if err := f.db.UpdateUnitRating(ctx, lgRater, a.ID, bad); aldyn.ErrorCode(err) != aldyn.EINVALID {
		t.Fatalf("got %v, want EINVALID", err)
	}
	// Once the year closes, the rating cannot change.
	f.clock = f.clock.AddDate(1, 0, 0)
	if err := f.db.UpdateUnitRating(ctx, lgRater, a.ID, &aldyn.UnitRating{Scores: allScores(3)}); aldyn.ErrorCode(err) != aldyn.EINVALID {
		t.Fatalf("edited a closed year's rating: %v", err)
	}

	sums, err := f.db.UnitRatingSummaries(ctx, &year)
	if err != nil || len(sums) != 1 {
		t.Fatalf("got %v %v", sums, err)
	}
	s := sums[0]
	// Means from the stored scores: a (4, appeals 5) and b (2, overall 3).
	wantMean := map[string]float64{"appeals": 3.5, "overall": 3.5, "cooperation": 3}
	for c, w := range wantMean {
		if math.Abs(s.Means[c]-w) > 1e-9 {
			t.Errorf("%s: got mean %v, want %v", c, s.Means[c], w)
		}
	}
	// All 14 scores: 4*6+5 + 2*6+3 = 44, mean 44/14 on 1–5.
	want := 100 * (44.0/14 - 1) / 4
	if s.Ratings != 2 || !s.Few || math.Abs(s.Score-want) > 1e-9 || s.UnitCode != alamudun || s.Year != year {
		t.Fatalf("got %+v, want 2 ratings, flagged few, score %v", s, want)
	}
	other := year + 1
	if sums, err := f.db.UnitRatingSummaries(ctx, &other); err != nil || len(sums) != 0 {
		t.Fatalf("another year: got %v %v", sums, err)
	}
	// The rating body's own list holds its comment; the summary has none.
	list, err := f.db.FindUnitRatings(ctx, aldyn.UnitRatingFilter{BodyID: &f.lgA.ID})
	if err != nil || len(list) != 1 || !strings.Contains(list[0].Comment, "жакшырды") {
		t.Fatalf("got %v %v", list, err)
	}
}

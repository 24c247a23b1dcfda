package aldyn

import (
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// UnitRating is the yearly assessment of a district police department by a
// local self-government body (ayil okmotu, city hall) or by the territory's
// coordination commission (issue 17 item 8; §4.2 task 1 of the Concept, "an
// external evaluation system"): each criterion scored 1–5, and a comment
// that only the rating body and administrators read. One rating per rating
// body, unit and year, editable until the year closes.
//
// It is its own small entity rather than a survey response: a survey
// response is anonymous, weighted and keyed by the respondent's territory,
// while a rating is signed by a body, unique per body × unit × year,
// scope-checked against the unit rated and editable.
type UnitRating struct {
	ID        int64          `json:"id"`
	UnitCode  string         `json:"unit_code"` // the district (or city) whose police department is rated
	Year      int            `json:"year"`
	BodyID    int64          `json:"body_id"` // the rating body
	Scores    map[string]int `json:"scores"`  // criterion → 1..5
	Comment   string         `json:"comment,omitempty"`
	Demo      bool           `json:"demo"`
	CreatedAt time.Time      `json:"created_at"`
	UpdatedAt time.Time      `json:"updated_at"`

	// Filled by queries that join the unit's territory and the body.
	UnitPath string `json:"-"`
	BodyPath string `json:"-"`
	BodyType string `json:"-"`
}

// RatingCriteria are the criteria of the rating form, in the order asked.
var RatingCriteria = []string{
	"cooperation",    // cooperation with the local self-government
	"commission",     // participation in the commission's work, fulfilment of its decisions
	"appeals",        // response to residents' appeals
	"youth_families", // prevention work with youth and families at risk
	"report_back",    // report-back to residents
	"information",    // information sharing
	"overall",        // overall assessment
}

// Scores of a criterion, and the ratings a unit needs in a year for its
// local assessment to count in the scorecard's score.
const (
	RatingScoreMin   = 1
	RatingScoreMax   = 5
	MinUnitRatings   = 3
	maxRatingComment = 2000
)

// RaterBodyTypes are the bodies that rate police units.
var RaterBodyTypes = []string{"local_government", "coordination_commission"}

// RatableLevels are the levels of territory whose police department is
// rated: districts and cities of regional significance.
var RatableLevels = []string{LevelDistrict, LevelCity}

// Validate checks a rating: every criterion scored 1–5, no unknown
// criterion, the year the current one at now (a year's ratings close with
// the year), a comment of bounded length without a personal number or a
// phone. Each bad field is reported ("score.appeals", "year", "comment").
func (r *UnitRating) Validate(now time.Time) error {
	r.UnitCode = strings.TrimSpace(r.UnitCode)
	r.Comment = strings.TrimSpace(r.Comment)
	v := Validation{}
	if r.UnitCode == "" {
		v.Add("unit_code", "error.required")
	}
	switch {
	case r.Year == 0:
		v.Add("year", "error.required")
	case r.Year < now.Year():
		v.Add("year", "rating.error.year_closed")
	case r.Year > now.Year():
		v.Add("year", "rating.error.year_future")
	}
	for k := range r.Scores {
		if !slices.Contains(RatingCriteria, k) {
			v.Add("score."+k, "rating.error.criterion")
		}
	}
	for _, c := range RatingCriteria {
		s, ok := r.Scores[c]
		switch {
		case !ok || s == 0:
			v.Add("score."+c, "error.required")
		case s < RatingScoreMin || s > RatingScoreMax:
			v.Add("score."+c, "rating.error.score")
		}
	}
	if utf8.RuneCountInString(r.Comment) > maxRatingComment {
		v.Add("comment", "error.too_long")
	} else if key := ScreenPersonalData(r.Comment, false); key != "" {
		v.Add("comment", key)
	}
	return v.Err()
}

// CanRateUnit reports whether a body of type bodyType at bodyPath may rate
// the police department of the unit at unitPath: a local self-government
// body or a coordination commission, whose territory lies within the unit
// (an ayil okmotu of the district) or holds it (the district's or the
// oblast's commission). A police body never rates, itself or another.
func CanRateUnit(bodyType, bodyPath, unitPath string) bool {
	if !slices.Contains(RaterBodyTypes, bodyType) || bodyPath == "" || unitPath == "" {
		return false
	}
	return PathContains(unitPath, bodyPath) || PathContains(bodyPath, unitPath)
}

// CanRateFor reports whether the actor may save a rating on behalf of the
// body bodyID: a reporter or coordinator of that body (its commission's
// coordinator, an officer of the ayil okmotu), or the platform itself.
func (a *Actor) CanRateFor(bodyID int64) bool {
	if a == System {
		return true
	}
	return a.Is(RoleReporter, RoleCoordinator) && a.BodyID == bodyID
}

// RatingScore turns a mean of 1–5 scores into 0–100.
func RatingScore(mean float64) float64 {
	return 100 * (mean - RatingScoreMin) / (RatingScoreMax - RatingScoreMin)
}

// UnitRatingSummary is what is published of a unit's ratings in a year:
// the number of ratings, the mean per criterion (1–5), and the local
// assessment, the mean of every score turned into 0–100. No comment, no
// rater.
type UnitRatingSummary struct {
	UnitCode string             `json:"unit_code"`
	Year     int                `json:"year"`
	Ratings  int                `json:"ratings"`
	Means    map[string]float64 `json:"means"`
	Score    float64            `json:"score"`
	// Few is set when the unit has fewer than MinUnitRatings ratings:
	// the figure is shown flagged and left out of the scorecard's score.
	Few bool `json:"few"`
}

// SummarizeUnitRatings groups ratings by unit and year, in the order the
// units first appear.
func SummarizeUnitRatings(rs []*UnitRating) []*UnitRatingSummary {
	type key struct {
		code string
		year int
	}
	var out []*UnitRatingSummary
	sums := map[key]*UnitRatingSummary{}
	for _, r := range rs {
		k := key{r.UnitCode, r.Year}
		s := sums[k]
		if s == nil {
			s = &UnitRatingSummary{UnitCode: r.UnitCode, Year: r.Year, Means: map[string]float64{}}
			sums[k] = s
			out = append(out, s)
		}
		s.Ratings++
		for _, c := range RatingCriteria {
			s.Means[c] += float64(r.Scores[c])
		}
	}
	for _, s := range out {
		var all float64
		for _, c := range RatingCriteria {
			all += s.Means[c]
			s.Means[c] /= float64(s.Ratings)
		}
		s.Score = RatingScore(all / float64(s.Ratings*len(RatingCriteria)))
		s.Few = s.Ratings < MinUnitRatings
	}
	return out
}

// UnitRatingFilter selects ratings.
type UnitRatingFilter struct {
	BodyID   *int64
	UnitCode *string
	Year     *int
}

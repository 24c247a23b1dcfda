package aldyn

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Period types of a data set.
const (
	PeriodMonth    = "month"
	PeriodQuarter  = "quarter"
	PeriodHalfYear = "half_year"
	PeriodYear     = "year"
)

// PeriodTypes lists every period type, shortest first.
var PeriodTypes = []string{PeriodMonth, PeriodQuarter, PeriodHalfYear, PeriodYear}

// Period is one reporting period, written as DHIS2 writes it: "202403"
// (March 2024), "2024Q1", "2024S1" (first half-year), "2024".
type Period struct {
	Type string
	Year int
	N    int // month 1–12, quarter 1–4, half 1–2; 0 for a year
}

// ParsePeriod reads a period in DHIS2's form.
func ParsePeriod(s string) (Period, error) {
	bad := Errorf(EINVALID, "datasets.error.period", "period", s)
	if len(s) < 4 {
		return Period{}, bad
	}
	y, err := strconv.Atoi(s[:4])
	if err != nil || y < 1990 || y > 2100 {
		return Period{}, bad
	}
	rest := s[4:]
	num := func(r string, hi int) (int, bool) {
		n, err := strconv.Atoi(r)
		return n, err == nil && n >= 1 && n <= hi && strconv.Itoa(n) == strings.TrimLeft(r, "0")
	}
	switch {
	case rest == "":
		return Period{PeriodYear, y, 0}, nil
	case len(rest) == 2 && rest[0] == 'Q':
		if n, ok := num(rest[1:], 4); ok {
			return Period{PeriodQuarter, y, n}, nil
		}
	case len(rest) == 2 && rest[0] == 'S':
		if n, ok := num(rest[1:], 2); ok {
			return Period{PeriodHalfYear, y, n}, nil
		}
	case len(rest) == 2:
		if n, ok := num(rest, 12); ok {
			return Period{PeriodMonth, y, n}, nil
		}
	}
	return Period{}, bad
}

// periodLayouts are how a period of each type shorter than a year is
// written: in DHIS2's form, and as people write it.
var periodLayouts = map[string][2]string{
	PeriodMonth:    {"%04d%02d", "%04d-%02d"},
	PeriodQuarter:  {"%04dQ%d", "%04d Q%d"},
	PeriodHalfYear: {"%04dS%d", "%04d H%d"},
}

// String writes the period in DHIS2's form.
func (p Period) String() string { return p.format(0, "%04d") }

// format writes the period with its type's layout i, or a year with
// yearLayout.
func (p Period) format(i int, yearLayout string) string {
	if l, ok := periodLayouts[p.Type]; ok {
		return fmt.Sprintf(l[i], p.Year, p.N)
	}
	return fmt.Sprintf(yearLayout, p.Year)
}

// Months is the period's length in months.
func (p Period) Months() int {
	switch p.Type {
	case PeriodMonth:
		return 1
	case PeriodQuarter:
		return 3
	case PeriodHalfYear:
		return 6
	}
	return 12
}

// Start is the period's first day.
func (p Period) Start() time.Time {
	m := 1
	if p.Type != PeriodYear {
		m = (p.N-1)*p.Months() + 1
	}
	return time.Date(p.Year, time.Month(m), 1, 0, 0, 0, 0, time.UTC)
}

// End is the period's last day.
func (p Period) End() time.Time { return p.Start().AddDate(0, p.Months(), -1) }

// Next is the following period of the same type.
func (p Period) Next() Period { return PeriodOf(p.Type, p.Start().AddDate(0, p.Months(), 0)) }

// PeriodOf is the period of type t containing day.
func PeriodOf(t string, day time.Time) Period {
	y, m := day.Year(), int(day.Month())
	switch t {
	case PeriodMonth:
		return Period{t, y, m}
	case PeriodQuarter:
		return Period{t, y, (m-1)/3 + 1}
	case PeriodHalfYear:
		return Period{t, y, (m-1)/6 + 1}
	}
	return Period{PeriodYear, y, 0}
}

// Label is the period as people write it: "2024-03", "2024 Q1", "2024 H1",
// "2024".
func (p Period) Label() string { return p.format(1, "%d") }

// Data set statuses.
//
//	draft ──▶ active ──▶ retired
//
// Only a draft is edited; an active data set changes by a new version (a
// draft copy), which retires the old one when activated. Forms keep the
// version they were entered with, so old values stay readable.
const (
	DataSetDraft   = "draft"
	DataSetActive  = "active"
	DataSetRetired = "retired"
)

// DataSet is a group of data elements reported together by bodies of
// some types, at one territory level, once a period.
type DataSet struct {
	ID          int64    `json:"id"`
	Code        string   `json:"code"`
	Version     int      `json:"version"`
	Name        Text     `json:"name"`
	Description Text     `json:"description"`
	PeriodType  string   `json:"period_type"`
	BodyTypes   []string `json:"body_types"`
	// Level is the level of the territories whose bodies report it.
	Level string `json:"level"`
	// OpenDays: the form opens this many days before the period's end
	// (0: on the day after it). DeadlineDays: submissions are due this many
	// days after the period's end. CloseDays: entry closes this many days
	// after the deadline (0: never; a returned form can always be sent again).
	OpenDays     int    `json:"open_days"`
	DeadlineDays int    `json:"deadline_days"`
	CloseDays    int    `json:"close_days"`
	Sensitive    bool   `json:"sensitive"`
	Status       string `json:"status"`
	// ElementIDs are the data set's elements, in form order.
	ElementIDs []int64   `json:"element_ids"`
	CreatedAt  time.Time `json:"created_at"`
	UpdatedAt  time.Time `json:"updated_at"`

	// Elements are filled by loads that join them, in form order.
	Elements []*DataElement `json:"elements,omitempty"`
}

// DataSetFilter selects data sets. Latest keeps only the newest version of
// each code.
type DataSetFilter struct {
	ID     *int64
	Code   *string
	Status *string
	Latest bool
	Page   Page
}

// Validate checks a data set's fields; the store checks its elements exist.
func (s *DataSet) Validate() error {
	v := Validation{}
	validateCodeName(v, &s.Code, &s.Name)
	if s.Description = s.Description.TrimSpace(); s.Description.maxLen() > 5000 {
		v.Add("description", "error.too_long")
	}
	if !oneOf(s.PeriodType, PeriodTypes) {
		v.Add("period_type", "datasets.error.period_type")
	}
	if len(s.BodyTypes) == 0 {
		v.Add("body_types", "error.required")
	}
	for _, t := range s.BodyTypes {
		if !IsBodyType(t) {
			v.Add("body_types", "body.error.type")
		}
	}
	slices.Sort(s.BodyTypes)
	s.BodyTypes = slices.Compact(s.BodyTypes)
	if !oneOf(s.Level, []string{LevelCountry, LevelRegion, LevelDistrict, LevelCity}) {
		v.Add("level", "datasets.error.level")
	}
	maxDays := 366
	for f, d := range map[string]int{"open_days": s.OpenDays, "deadline_days": s.DeadlineDays, "close_days": s.CloseDays} {
		if d < 0 || d > maxDays {
			v.Add(f, "datasets.error.days")
		}
	}
	if s.Status == "" {
		s.Status = DataSetDraft
	} else if !oneOf(s.Status, []string{DataSetDraft, DataSetActive, DataSetRetired}) {
		v.Add("status", "datasets.error.status")
	}
	if len(s.ElementIDs) == 0 {
		v.Add("element_ids", "datasets.error.no_elements")
	}
	seen := map[int64]bool{}
	for _, id := range s.ElementIDs {
		if id <= 0 || seen[id] {
			v.Add("element_ids", "error.invalid")
		}
		seen[id] = true
	}
	return v.Err()
}

// Opens is the first day a form for period p may be entered.
func (s *DataSet) Opens(p Period) time.Time { return p.End().AddDate(0, 0, 1-s.OpenDays) }

// Deadline is the last day a form for period p is on time.
func (s *DataSet) Deadline(p Period) time.Time { return p.End().AddDate(0, 0, s.DeadlineDays) }

// Closes is the last day a new form for period p may be entered, or the
// zero time when entry never closes.
func (s *DataSet) Closes(p Period) time.Time {
	if s.CloseDays == 0 {
		return time.Time{}
	}
	return s.Deadline(p).AddDate(0, 0, s.CloseDays)
}

// CheckPeriod refuses a period of another type, or one whose form is not
// open on day now.
func (s *DataSet) CheckPeriod(p Period, now time.Time) error {
	if p.Type != s.PeriodType {
		return Errorf(EINVALID, "datasets.error.period_type_mismatch", "period", p.String())
	}
	day := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	if day.Before(s.Opens(p)) {
		return Errorf(ECONFLICT, "datasets.error.not_open", "period", p.Label())
	}
	if c := s.Closes(p); !c.IsZero() && day.After(c) {
		return Errorf(ECONFLICT, "datasets.error.closed", "period", p.Label())
	}
	return nil
}

// Reports reports whether a body of type bodyType at a territory of level
// is expected to report the data set.
func (s *DataSet) Reports(bodyType, level string) bool {
	return slices.Contains(s.BodyTypes, bodyType) && s.Level == level
}

// Element returns the data set's element with the code, or nil.
func (s *DataSet) Element(code string) *DataElement {
	for _, e := range s.Elements {
		if e.Code == code {
			return e
		}
	}
	return nil
}

// National reports whether the actor's territory is the whole country.
func (a *Actor) National() bool {
	return a.SignedIn() && strings.Count(a.TerritoryPath, "/") <= 2
}

// CanDesignDataSets reports whether the actor may define data elements,
// data sets and validation rules: national administrators.
func (a *Actor) CanDesignDataSets() bool { return a.Is(RoleAdministrator) && a.National() }

package aldyn

import (
	"math"
	"net/mail"
	"regexp"
	"slices"
	"strings"
	"time"
)

// This file holds the residents' channel (§4.3 task 3, §4.6 task 1, §4.7 of
// the Concept): reports from the public about a problem, routed to the body
// that can act on it, handled with a deadline and answered publicly.

// ResidentCategory is a kind of problem residents report. BodyTypes are
// the competent body types, in order of preference; DeadlineDays the
// working days the receiving body has to answer. A sensitive category is
// not taken through the public channel: choosing it shows the emergency
// numbers and the victim services instead.
type ResidentCategory struct {
	ID           int64    `json:"id"`
	Code         string   `json:"code"` // stable, the Open311 service_code
	Name         Text     `json:"name"`
	Description  Text     `json:"description"`
	BodyTypes    []string `json:"body_types"`
	DeadlineDays int      `json:"deadline_days"`
	Public       bool     `json:"public"`    // reports may be shown publicly once moderated
	Sensitive    bool     `json:"sensitive"` // not taken: the form sends the resident to help
	Active       bool     `json:"active"`
	Position     int      `json:"position"`
	// Attributes are the questions the category asks beyond the
	// description (Open311 service definition attributes).
	Attributes []CategoryAttribute `json:"attributes"`
	CreatedAt  time.Time           `json:"created_at"`
	UpdatedAt  time.Time           `json:"updated_at"`
}

var categoryCodeRe = regexp.MustCompile(`^[a-z0-9]+(_[a-z0-9]+)*$`)

// Validate checks a category's fields.
func (c *ResidentCategory) Validate() error {
	c.Code = strings.TrimSpace(c.Code)
	c.Name, c.Description = c.Name.TrimSpace(), c.Description.TrimSpace()
	v := Validation{}
	v.requireValid("code", c.Code, len(c.Code) <= 64 && categoryCodeRe.MatchString(c.Code), "residents.error.category_code")
	requireNames(v, c.Name.KY, c.Name.RU, c.Name.EN)
	if c.Description.maxLen() > maxMeetingText {
		v.Add("description", "error.too_long")
	}
	if !c.Sensitive {
		if len(c.BodyTypes) == 0 {
			v.Add("body_types", "error.required")
		}
		if c.DeadlineDays < 1 || c.DeadlineDays > 60 {
			v.Add("deadline_days", "residents.error.deadline_days")
		}
	}
	for _, t := range c.BodyTypes {
		if !IsBodyType(t) || IsCoordinationBody(t) {
			v.Add("body_types", "residents.error.body_type")
		}
	}
	if c.Attributes == nil {
		c.Attributes = []CategoryAttribute{}
	}
	validateAttributes(v, c.Attributes)
	return v.Err()
}

// ResidentStatus is the state of a resident's report.
type ResidentStatus string

// Resident report statuses: a report is received, taken in hand, and
// closed by an answer, a referral to a body outside the platform, or a
// rejection (spam, abuse, a duplicate) with a reason.
const (
	ResidentReceived   ResidentStatus = "received"
	ResidentInProgress ResidentStatus = "in_progress"
	ResidentAnswered   ResidentStatus = "answered"
	ResidentReferred   ResidentStatus = "referred"
	ResidentRejected   ResidentStatus = "rejected"
)

// ResidentStatuses lists the statuses in their order.
var ResidentStatuses = []ResidentStatus{ResidentReceived, ResidentInProgress, ResidentAnswered, ResidentReferred, ResidentRejected}

// Valid reports whether s is a status.
func (s ResidentStatus) Valid() bool { return slices.Contains(ResidentStatuses, s) }

// Closed reports whether s ends the handling of a report.
func (s ResidentStatus) Closed() bool {
	return s == ResidentAnswered || s == ResidentReferred || s == ResidentRejected
}

// CanTransition reports whether a report may go from one status to another:
// forward only, and a closed report stays closed.
func (from ResidentStatus) CanTransition(to ResidentStatus) bool {
	switch from {
	case ResidentReceived:
		return to == ResidentInProgress || to.Closed()
	case ResidentInProgress:
		return to.Closed()
	}
	return false
}

// Limits of a resident's report, in runes and items.
const (
	MaxResidentDescription = 5000
	MaxResidentAnswer      = 5000
	MaxResidentMedia       = 5
	// MaxResidentAnswerPhotos: the body's answer may show the result.
	MaxResidentAnswerPhotos = 1
	TrackingCodeLength      = 20
)

// ResidentSource says how a report came in.
const (
	SourceWeb     = "web"
	SourceOpen311 = "open311"
)

// ResidentReport is a problem reported by a resident. Contact details, the
// exact point and internal notes are never public; Description is shown
// publicly only through PublicText, after moderation.
type ResidentReport struct {
	ID            int64    `json:"id"`
	TrackingCode  string   `json:"-"` // the resident's secret
	CategoryID    int64    `json:"category_id"`
	TerritoryCode string   `json:"territory_code"`
	SettlementID  int      `json:"settlement_id,omitempty"` // a GeoNames id from internal/settlements
	Lat           *float64 `json:"lat,omitempty"`           // the exact pin: staff only
	Lon           *float64 `json:"lon,omitempty"`
	// PublicLat and PublicLon are the point public maps show (PublicPoint
	// of the pin, or the settlement), set when the report is made.
	PublicLat   *float64 `json:"public_lat,omitempty"`
	PublicLon   *float64 `json:"public_lon,omitempty"`
	Address     string   `json:"address"`
	Description string   `json:"description"`
	// Attributes are the answers to the category's attributes, checked
	// against them by ResidentCategory.CheckAnswers when the report is made.
	Attributes   AttributeAnswers `json:"attributes,omitempty"`
	ContactName  string           `json:"contact_name,omitempty"`
	ContactEmail string           `json:"contact_email,omitempty"`
	ContactPhone string           `json:"contact_phone,omitempty"`
	Status       ResidentStatus   `json:"status"`
	BodyID       int64            `json:"body_id"`
	Answer       string           `json:"answer"`        // the public answer
	RejectReason string           `json:"reject_reason"` // shown to the resident
	DuplicateOf  *int64           `json:"duplicate_of,omitempty"`
	Supporters   int              `json:"supporters"` // "me too" and merged duplicates
	// Published: a moderator has read the report and allowed it on the
	// public pages; Redactions are words (names) the moderator blanked.
	Published  bool       `json:"published"`
	Redactions []string   `json:"redactions,omitempty"`
	DueOn      time.Time  `json:"due_on"` // a day: answer by its end
	Escalated  bool       `json:"escalated"`
	Source     string     `json:"source"`
	Demo       bool       `json:"demo,omitempty"`
	Lang       string     `json:"lang"`
	CreatedAt  time.Time  `json:"created_at"`
	UpdatedAt  time.Time  `json:"updated_at"`
	AnsweredAt *time.Time `json:"answered_at,omitempty"`

	// Filled by queries that join the body and territory.
	TerritoryPath string `json:"-"`
	BodyPath      string `json:"-"`
	MediaCount    int    `json:"media_count"`
}

// Validate checks what a resident submits; category, territory and
// body are checked by the store.
func (r *ResidentReport) Validate() error {
	r.Description = strings.TrimSpace(r.Description)
	r.Address = strings.TrimSpace(r.Address)
	r.ContactName = strings.TrimSpace(r.ContactName)
	r.ContactEmail = strings.TrimSpace(r.ContactEmail)
	r.ContactPhone = strings.TrimSpace(r.ContactPhone)
	if r.Status == "" {
		r.Status = ResidentReceived
	}
	if r.Source == "" {
		r.Source = SourceWeb
	}
	if !IsLanguage(r.Lang) {
		r.Lang = "ky"
	}
	v := Validation{}
	v.requireID("category_id", r.CategoryID)
	v.requireValid("territory_code", r.TerritoryCode, ValidTerritoryCode(r.TerritoryCode), "error.reference")
	if r.SettlementID < 0 {
		v.Add("settlement_id", "error.reference")
	}
	validLatLon(v, r.Lat, r.Lon)
	if n := len([]rune(r.Description)); n < 10 {
		v.Add("description", "residents.error.description_short")
	} else if n > MaxResidentDescription {
		v.Add("description", "error.too_long")
	}
	if len([]rune(r.Address)) > 300 {
		v.Add("address", "error.too_long")
	}
	if len([]rune(r.ContactName)) > 200 {
		v.Add("contact_name", "error.too_long")
	}
	if r.ContactEmail != "" {
		if a, err := mail.ParseAddress(r.ContactEmail); err != nil || a.Address != r.ContactEmail || len(r.ContactEmail) > 254 {
			v.Add("contact_email", "error.email")
		}
	}
	if r.ContactPhone != "" && !phoneRe.MatchString(r.ContactPhone) {
		v.Add("contact_phone", "error.phone")
	}
	if !r.Status.Valid() {
		v.Add("status", "residents.error.status")
	}
	return v.Err()
}

// Transition moves the report to status to with the public answer or the
// rejection reason it needs.
func (r *ResidentReport) Transition(to ResidentStatus, text string, now time.Time) error {
	text = strings.TrimSpace(text)
	if !r.Status.CanTransition(to) {
		return Errorf(ECONFLICT, "residents.error.transition", "from", string(r.Status), "to", string(to))
	}
	v := Validation{}
	if len([]rune(text)) > MaxResidentAnswer {
		v.Add("answer", "error.too_long")
	}
	switch to {
	case ResidentAnswered, ResidentReferred:
		if text == "" {
			v.Add("answer", "residents.error.answer_required")
		}
		r.Answer = text
	case ResidentRejected:
		if text == "" {
			v.Add("answer", "residents.error.reason_required")
		}
		r.RejectReason = text
	}
	if err := v.Err(); err != nil {
		return err
	}
	if to.Closed() {
		r.AnsweredAt = &now
	}
	r.Status = to
	return nil
}

// IsOverdue reports whether the report is still open after its due day.
func (r *ResidentReport) IsOverdue(now time.Time) bool {
	return !r.Status.Closed() && r.DuplicateOf == nil && !r.DueOn.IsZero() && !now.Before(dayEnd(r.DueOn))
}

// Timeliness reports whether the report counts towards the share of
// reports answered on time at now (it was closed, or its due day is over)
// and whether it was closed by the end of its due day.
func (r *ResidentReport) Timeliness(now time.Time) (counted, onTime bool) {
	if r.DuplicateOf != nil || r.DueOn.IsZero() {
		return false, false
	}
	if r.Status.Closed() && r.AnsweredAt != nil {
		return true, r.AnsweredAt.Before(dayEnd(r.DueOn))
	}
	return r.IsOverdue(now), false
}

// CanMerge checks that dup may be merged into into: two different reports,
// neither already merged, into an open one handled by the same body.
func CanMerge(dup, into *ResidentReport) error {
	switch {
	case dup.ID == into.ID:
		return Errorf(EINVALID, "residents.error.merge_self")
	case dup.DuplicateOf != nil || into.DuplicateOf != nil:
		return Errorf(ECONFLICT, "residents.error.merge_merged")
	case dup.BodyID != into.BodyID:
		return Errorf(ECONFLICT, "residents.error.merge_body")
	}
	return nil
}

// PublicText is the description as the public may read it: the words the
// moderator blanked and every phone, e-mail and personal-number shape
// replaced.
func (r *ResidentReport) PublicText() string {
	return RedactPersonalData(redactWords(r.Description, r.Redactions))
}

// PublicAnswer is the body's answer with personal-data shapes replaced.
func (r *ResidentReport) PublicAnswer() string { return RedactPersonalData(r.Answer) }

// Redacted is what replaces personal data on public pages.
const Redacted = "[…]"

func redactWords(s string, words []string) string {
	for _, w := range words {
		if w = strings.TrimSpace(w); w != "" {
			s = regexp.MustCompile(`(?i)`+regexp.QuoteMeta(w)).ReplaceAllString(s, Redacted)
		}
	}
	return s
}

var (
	emailShape = regexp.MustCompile(`[\p{L}0-9._%+\-]+@[\p{L}0-9.\-]+\.[\p{L}]{2,}`)
	// A run of at least 7 digits, possibly broken by spaces, dashes, dots,
	// brackets or a leading plus: phones (0555 123 456, +996 (312) 62-45-67)
	// and 14-digit personal numbers alike. Shorter numbers (years, house
	// numbers, counts) stay.
	digitRunShape = regexp.MustCompile(`\+?\(?[0-9](?:[ \-.()]{0,2}[0-9]){6,}`)
)

// RedactPersonalData replaces e-mail addresses and phone and personal
// number shapes in free text. It errs towards blanking: a long number in a
// public text is more often a phone than anything a reader needs.
func RedactPersonalData(s string) string {
	// The shapes need an @ or seven digits: most texts have neither, and
	// skipping the expressions then keeps long public lists fast.
	if strings.IndexByte(s, '@') >= 0 {
		s = emailShape.ReplaceAllString(s, Redacted)
	}
	digits := 0
	for i := 0; i < len(s) && digits < 7; i++ {
		if s[i] >= '0' && s[i] <= '9' {
			digits++
		}
	}
	if digits < 7 {
		return s
	}
	return digitRunShape.ReplaceAllString(s, Redacted)
}

// PublicPoint rounds a point to about 100 m (three decimals of latitude,
// a little more of longitude at Kyrgyzstan's latitudes) so that a public
// map never shows the exact pin. inside reports whether a point lies in
// the report's territory; when the rounded point would leave it, the
// nearest of the grid cell's other corners inside is taken, else the
// territory's own centre (centre, when given).
func PublicPoint(lat, lon float64, inside func(lat, lon float64) bool, centre *[2]float64) (float64, float64) {
	const step = 0.001
	la, lo := math.Round(lat/step)*step, math.Round(lon/step)*step
	if inside == nil || inside(la, lo) {
		return round6(la), round6(lo)
	}
	fl, fo := math.Floor(lat/step)*step, math.Floor(lon/step)*step
	for _, p := range [][2]float64{{fl, fo}, {fl + step, fo}, {fl, fo + step}, {fl + step, fo + step}} {
		if inside(p[0], p[1]) {
			return round6(p[0]), round6(p[1])
		}
	}
	if centre != nil {
		return centre[0], centre[1]
	}
	return round6(la), round6(lo)
}

func round6(f float64) float64 { return math.Round(f*1e6) / 1e6 }

// CanHandleResident reports whether the actor may handle a report routed
// to the body with the given id and territory path: the body's own users,
// coordinators and administrators covering it.
func (a *Actor) CanHandleResident(bodyID int64, bodyPath string) bool {
	if a == System {
		return true
	}
	if a.Is(RoleReporter) {
		return a.BodyID == bodyID
	}
	return a.Is(RoleCoordinator, RoleAdministrator) && a.Covers(bodyPath)
}

// CanSeeResident reports whether the actor may read a report's internal
// fields (contact, exact pin, notes): those who handle it, and analysts
// covering its territory.
func (a *Actor) CanSeeResident(bodyID int64, bodyPath, territoryPath string) bool {
	return a.CanHandleResident(bodyID, bodyPath) || (a.Is(RoleAnalyst, RoleCoordinator, RoleAdministrator) && a.Covers(territoryPath))
}

// CanModerateResidents reports whether the actor may publish reports of
// the territory with the given path and blank names in them.
func (a *Actor) CanModerateResidents(territoryPath string) bool {
	return a == System || (a.Is(RoleCoordinator, RoleAdministrator) && a.Covers(territoryPath))
}

// CanEditResidentCategories: national administrators only (the country
// is the one territory at the top of the tree, "/<code>/").
func (a *Actor) CanEditResidentCategories() bool {
	return a == System || (a.Is(RoleAdministrator) && a.SignedIn() && strings.Count(a.TerritoryPath, "/") == 2)
}

// ResidentNote is an internal note on a report, never shown publicly.
type ResidentNote struct {
	ID        int64     `json:"id"`
	ReportID  int64     `json:"report_id"`
	UserID    int64     `json:"user_id"`
	Author    string    `json:"author"`
	Text      string    `json:"text"`
	CreatedAt time.Time `json:"created_at"`
}

// ResidentReportFilter selects resident reports. Under limits them to the
// path prefix of the receiving body's territory or the report's own
// territory (either); Public limits them to what the public may see.
type ResidentReportFilter struct {
	ID            *int64
	IDs           []int64
	BodyID        *int64
	DuplicateOf   *int64
	CategoryID    *int64
	CategoryIDs   []int64
	Territory     string // a territory path prefix the report lies in
	Under         string // scope: the report's or the body's territory
	Status        *ResidentStatus
	Statuses      []ResidentStatus
	From, To      *time.Time // created, To exclusive
	UpdatedFrom   *time.Time
	Public        bool // published, public category, not merged away
	OpenOnly      bool
	OverdueAt     *time.Time // open and due before this day
	Query         string
	IncludeMerged bool
	Page
}

// BodyCandidate is a body a report could be routed to.
type BodyCandidate struct {
	ID            int64
	Type          string
	TerritoryPath string
}

// RouteResident chooses the body a report lying in the territory with the
// given path goes to: among bodies of the category's types attached to
// that territory or a territory above it, the one nearest the report (the
// deepest path), then the one whose type comes first in types, then the
// lowest id. It returns false when no body fits.
func RouteResident(path string, types []string, bodies []BodyCandidate) (int64, bool) {
	best, bestRank := BodyCandidate{}, -1
	found := false
	for _, b := range bodies {
		rank := slices.Index(types, b.Type)
		if rank < 0 || !PathContains(b.TerritoryPath, path) {
			continue
		}
		switch {
		case !found,
			len(b.TerritoryPath) > len(best.TerritoryPath),
			len(b.TerritoryPath) == len(best.TerritoryPath) && (rank < bestRank || rank == bestRank && b.ID < best.ID):
			best, bestRank, found = b, rank, true
		}
	}
	return best.ID, found
}

// residentCategoriesByOffense matches the statistics' offense categories to
// the residents' categories reporting the same kind of problem, for
// filtering residents' reports beside offense records. Offense categories
// not listed have no residents' counterpart.
var residentCategoriesByOffense = map[string][]string{
	CategoryDrugs:       {"drug_dealing"},
	CategoryHooliganism: {"disorder_public"},
	CategoryTraffic:     {"traffic_violation", "dangerous_road"},
}

// ResidentCategoriesFor returns the codes of the residents' categories
// matching an offense category, none when nothing matches.
func ResidentCategoriesFor(offenseCategory string) []string {
	return residentCategoriesByOffense[offenseCategory]
}

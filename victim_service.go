package aldyn

import (
	"regexp"
	"slices"
	"strings"
	"time"
)

// This file holds the victim services directory (§4.5 of the Concept):
// shelters, crisis and rehabilitation centres, hotlines, the child
// helpline and legal aid, each attached to the territory it serves. The
// directory is public; the residents' report form shows it instead of the
// form for the categories it does not take (violence at home, against a
// child, sexual violence).

// Kinds of victim services.
var VictimServiceKinds = []string{
	"shelter",               // a safe place to stay
	"crisis_centre",         // crisis centre: counselling, support
	"rehabilitation_centre", // rehabilitation centre
	"hotline",               // a telephone line
	"child_helpline",        // the child helpline
	"legal_aid",             // free or paid legal help
	"other",
}

// Groups a victim service serves.
var VictimServiceGroups = []string{"women", "children", "youth", "men", "families", "elderly", "disabled", "everyone"}

// IsVictimServiceKind reports whether s is one of VictimServiceKinds.
func IsVictimServiceKind(s string) bool { return slices.Contains(VictimServiceKinds, s) }

// Limits of a victim service's fields.
const (
	MaxVictimServicePhones = 5
	maxVictimServiceText   = 300
)

// VictimService is one entry of the victim services directory. Everything
// in it is public: it describes an organisation, never a person.
type VictimService struct {
	ID            int64     `json:"id"`
	Name          Text      `json:"name"`
	Kind          string    `json:"kind"`
	TerritoryCode string    `json:"territory_code"`
	Address       string    `json:"address"`
	Hours         string    `json:"hours"`
	Phones        []string  `json:"phones"`
	Serves        []string  `json:"serves"`
	Lat           *float64  `json:"lat,omitempty"`
	Lon           *float64  `json:"lon,omitempty"`
	Free          bool      `json:"free"`
	Active        bool      `json:"active"`
	Demo          bool      `json:"demo,omitempty"`
	CreatedAt     time.Time `json:"created_at"`
	UpdatedAt     time.Time `json:"updated_at"`

	// Filled by queries that join the territory.
	TerritoryPath string     `json:"-"`
	Territory     *Territory `json:"-"`
}

// SplitPhones reads phone numbers written in one cell or field, separated
// by commas, semicolons or new lines.
func SplitPhones(s string) []string {
	var out []string
	for _, p := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ';' || r == '\n' || r == '\r' }) {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// Normalize trims the text fields and drops blank phones and repeated
// groups.
func (s *VictimService) Normalize() {
	s.Name = s.Name.TrimSpace()
	s.Kind = strings.TrimSpace(s.Kind)
	s.TerritoryCode = strings.TrimSpace(s.TerritoryCode)
	s.Address = strings.TrimSpace(s.Address)
	s.Hours = strings.TrimSpace(s.Hours)
	var phones []string
	for _, p := range s.Phones {
		if p = strings.TrimSpace(p); p != "" && !slices.Contains(phones, p) {
			phones = append(phones, p)
		}
	}
	s.Phones = phones
	var groups []string
	for _, g := range s.Serves {
		if g = strings.TrimSpace(g); g != "" && !slices.Contains(groups, g) {
			groups = append(groups, g)
		}
	}
	s.Serves = groups
}

// Validate checks a victim service's fields, listing every bad one; the
// store checks the territory exists.
func (s *VictimService) Validate() error {
	s.Normalize()
	v := Validation{}
	requireNames(v, s.Name.KY, s.Name.RU, s.Name.EN)
	v.requireValid("kind", s.Kind, IsVictimServiceKind(s.Kind), "victims.error.kind")
	v.requireValid("territory_code", s.TerritoryCode, ValidTerritoryCode(s.TerritoryCode), "error.territory_code")
	switch {
	case len(s.Phones) == 0:
		v.Add("phones", "victims.error.phone_required")
	case len(s.Phones) > MaxVictimServicePhones:
		v.Add("phones", "victims.error.too_many_phones")
	default:
		for _, p := range s.Phones {
			if !phoneRe.MatchString(p) && !shortNumberRe.MatchString(p) {
				v.Add("phones", "error.phone")
			}
		}
	}
	if len(s.Serves) == 0 {
		v.Add("serves", "victims.error.serves_required")
	}
	for _, g := range s.Serves {
		if !slices.Contains(VictimServiceGroups, g) {
			v.Add("serves", "victims.error.serves")
		}
	}
	if len([]rune(s.Address)) > maxVictimServiceText {
		v.Add("address", "error.too_long")
	}
	if len([]rune(s.Hours)) > maxVictimServiceText {
		v.Add("hours", "error.too_long")
	}
	validLatLon(v, s.Lat, s.Lon)
	return v.Err()
}

// CanManageVictimService reports whether the actor may add, change or
// remove a victim service of the territory with the given path:
// administrators and coordinators within their territory (a national
// administrator everywhere).
func (a *Actor) CanManageVictimService(territoryPath string) bool {
	return a == System || a.Is(RoleAdministrator, RoleCoordinator) && a.Covers(territoryPath)
}

// VictimServiceFilter selects victim services. For takes a territory path
// and keeps the services of that territory, of every territory below it,
// and of the territories above it (a national hotline serves a district
// too); Under keeps only those whose own territory lies under a path.
type VictimServiceFilter struct {
	ID            *int64
	Kind          *string
	TerritoryCode *string // the services of exactly this territory
	For           string
	Under         string
	ActiveOnly    bool
	Query         string
	Page
}

// shortNumberRe is a short hotline number (three or four digits).
var shortNumberRe = regexp.MustCompile(`^[0-9]{3,4}$`)

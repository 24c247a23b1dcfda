package aldyn

import (
	"net/mail"
	"net/url"
	"regexp"
	"strings"
	"time"
)

// Body types: the prevention subjects of the Concept (§4.3).
var BodyTypes = []string{
	"state",                   // state bodies (ministries, agencies)
	"police",                  // internal affairs bodies
	"prosecutor",              // prosecutor's offices
	"court",                   // courts
	"probation",               // probation bodies
	"local_government",        // local self-government bodies (ayil okmotu, city halls, keneshes)
	"ngo",                     // non-governmental organisations
	"prevention_centre",       // public prevention centres
	"coordination_council",    // the Coordination Council under the Cabinet of Ministers
	"coordination_commission", // coordination commissions of oblasts, districts and cities
}

// IsBodyType reports whether s is one of BodyTypes.
func IsBodyType(s string) bool {
	for _, t := range BodyTypes {
		if t == s {
			return true
		}
	}
	return false
}

// Body is a prevention subject attached to a territory. Public fields are
// shown to anyone; ContactPerson, DirectPhone and Notes only to signed-in
// users whose scope covers the body.
type Body struct {
	ID            int64     `json:"id"`
	TerritoryCode string    `json:"territory_code"`
	Type          string    `json:"type"`
	NameKy        string    `json:"name_ky"`
	NameRu        string    `json:"name_ru"`
	NameEn        string    `json:"name_en"`
	Address       string    `json:"address"`
	Phone         string    `json:"phone"`
	Email         string    `json:"email"`
	Website       string    `json:"website"`
	ContactPerson string    `json:"contact_person,omitempty"`
	DirectPhone   string    `json:"direct_phone,omitempty"`
	Notes         string    `json:"notes,omitempty"`
	CreatedAt     time.Time `json:"created_at"`
	UpdatedAt     time.Time `json:"updated_at"`

	// Territory is filled by queries that join it.
	Territory *Territory `json:"territory,omitempty"`
}

// Name returns the body's name in lang.
func (b *Body) Name(lang string) string { return pick(lang, b.NameKy, b.NameRu, b.NameEn) }

// Public returns a copy without the internal fields.
func (b *Body) Public() *Body {
	c := *b
	c.ContactPerson, c.DirectPhone, c.Notes = "", "", ""
	return &c
}

var phoneRe = regexp.MustCompile(`^\+?[0-9 ()\-]{6,20}$`)

// Fields are the body's editable fields by the names its form, its JSON
// and its Validation use: the one list of them, which the web layer reads
// forms and JSON into.
func (b *Body) Fields() map[string]*string {
	return map[string]*string{"territory_code": &b.TerritoryCode, "type": &b.Type, "name_ky": &b.NameKy, "name_ru": &b.NameRu,
		"name_en": &b.NameEn, "address": &b.Address, "phone": &b.Phone, "email": &b.Email, "website": &b.Website,
		"contact_person": &b.ContactPerson, "direct_phone": &b.DirectPhone, "notes": &b.Notes}
}

// Normalize trims every text field.
func (b *Body) Normalize() {
	for _, p := range b.Fields() {
		*p = strings.TrimSpace(*p)
	}
}

// Validate checks a body's fields; the store checks the territory exists.
func (b *Body) Validate() error {
	b.Normalize()
	v := Validation{}
	v.requireValid("territory_code", b.TerritoryCode, ValidTerritoryCode(b.TerritoryCode), "error.territory_code")
	v.requireValid("type", b.Type, IsBodyType(b.Type), "body.error.type")
	requireNames(v, b.NameKy, b.NameRu, b.NameEn)
	for f, s := range map[string]string{"phone": b.Phone, "direct_phone": b.DirectPhone} {
		if s != "" && !phoneRe.MatchString(s) {
			v.Add(f, "error.phone")
		}
	}
	if b.Email != "" {
		if a, err := mail.ParseAddress(b.Email); err != nil || a.Address != b.Email {
			v.Add("email", "error.email")
		}
	}
	if b.Website != "" {
		if u, err := url.Parse(b.Website); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			v.Add("website", "error.url")
		}
	}
	for f, s := range map[string]string{"address": b.Address, "contact_person": b.ContactPerson, "notes": b.Notes} {
		if len([]rune(s)) > 2000 {
			v.Add(f, "error.too_long")
		}
	}
	return v.Err()
}

// BodyFilter selects bodies.
type BodyFilter struct {
	ID            *int64
	IDs           []int64 // any of these, when set (an empty list matches none)
	TerritoryCode *string // exactly this territory
	Under         string  // territory path prefix: this territory and below
	Type          *string
	Query         string // matches any name
	Page
}

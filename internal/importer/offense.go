// Package importer reads offense records exported from the Unified Register
// of Crimes (ERP/КБР) and the Unified Register of Offenses (ERN/УББР) as CSV,
// JSON Lines or XLSX, refuses files that carry personal data, validates and
// depersonalizes every row, and hands the records in batches to a Sink. It
// owns the offense categories and the mapping of code articles to them.
//
// The importer never writes anything itself: the caller opens a transaction,
// passes a Sink over it to Run, and commits only when Run returns nil. Run may
// call Sink.Add before it knows the file is acceptable (a personal number can
// hide in the last row), so any error means the caller rolls back.
package importer

import (
	"context"
	"time"
)

// Source registers.
const (
	SourceCrimes   = "crimes"   // Unified Register of Crimes (ERP/КБР)
	SourceOffenses = "offenses" // Unified Register of Offenses (ERN/УББР)
)

// Place types: where an offense happened, never more precisely than this.
const (
	PlaceStreet          = "street"
	PlaceDwelling        = "dwelling"
	PlacePublicTransport = "public_transport"
	PlaceShop            = "shop"
	PlaceSchool          = "school"
	PlaceOther           = "other"
)

// PlaceTypes lists the place types in display order.
var PlaceTypes = []string{PlaceStreet, PlaceDwelling, PlacePublicTransport, PlaceShop, PlaceSchool, PlaceOther}

// Offense is one depersonalized record. It holds nothing else on purpose: no
// names, personal numbers, house-level addresses or free text, and not even
// the source registration number, only a keyed hash of it.
type Offense struct {
	// ID is the hex HMAC-SHA256 of the source register and the registration
	// number under the installation's secret (see OffenseID): re-importing a
	// record gives the same ID, and the number cannot be recovered from it.
	ID       string `json:"id"`
	Source   string `json:"source"`
	Category string `json:"category"`
	// Article is the normalized article of the Criminal Code or the Code of
	// Offenses ("122", "205-1"), used to find the category's subgroup.
	Article      string     `json:"article,omitempty"`
	RegisteredOn time.Time  `json:"registered_on"` // a calendar date at 00:00 UTC
	OccurredAt   OccurredAt `json:"occurred_at"`
	// TerritoryCode is the 14-digit SOATE code of the territory.
	TerritoryCode string   `json:"territory_code"`
	PrecinctCode  string   `json:"precinct_code,omitempty"`
	Lat           *float64 `json:"lat,omitempty"`
	Lon           *float64 `json:"lon,omitempty"`
	PlaceType     string   `json:"place_type"`
	Solved        bool     `json:"solved"`
	DamageKGS     *float64 `json:"damage_kgs,omitempty"`
}

// OccurredAt is when an offense happened, as far as the register knows: a
// calendar date in Kyrgyzstan's time (UTC+6) stored at 00:00 UTC, zero when
// the register did not record it, and a time of day when one was recorded.
type OccurredAt struct {
	Date      time.Time     `json:"date"`
	TimeOfDay time.Duration `json:"time_of_day"` // since local midnight; meaningful only when HasTime
	HasTime   bool          `json:"has_time"`
}

// Sink receives the validated records of one import, normally inside a
// database transaction that the caller commits only when Run succeeds.
type Sink interface {
	// Add stores a batch. The slice is reused after Add returns, so Add must
	// copy what it keeps (the pointers inside the records may be kept).
	// Records in one import have distinct IDs; an ID already stored by an
	// earlier import must leave the stored record as it is.
	Add(ctx context.Context, batch []Offense) error
}

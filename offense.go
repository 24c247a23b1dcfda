package aldyn

import "time"

// Offense source registers.
const (
	SourceCrimes   = "crimes"   // Unified Register of Crimes (ERP/КБР)
	SourceOffenses = "offenses" // Unified Register of Offenses (ERN/УББР)
)

// Offense categories: the groups of the Concept's Table 1, with stable codes.
const (
	CategoryMurder         = "murder"          // murder and attempted murder
	CategoryGraveHarm      = "grave_harm"      // grave harm to health
	CategoryRape           = "rape"            // rape and attempted rape
	CategoryRobberyViolent = "robbery_violent" // каракчылык / разбой
	CategoryRobbery        = "robbery"         // тоноо / грабеж
	CategoryTheft          = "theft"
	CategoryFraud          = "fraud"
	CategoryExtortion      = "extortion"
	CategoryDrugs          = "drugs" // illicit drug trafficking
	CategoryHooliganism    = "hooliganism"
	CategoryTraffic        = "traffic" // road traffic safety violations
	CategoryOther          = "other"
)

// OffenseCategories lists the category codes in the order of Table 1.
var OffenseCategories = []string{
	CategoryMurder, CategoryGraveHarm, CategoryRape, CategoryRobberyViolent, CategoryRobbery, CategoryTheft,
	CategoryFraud, CategoryExtortion, CategoryDrugs, CategoryHooliganism, CategoryTraffic, CategoryOther,
}

// Subgroups whose records are sensitive (see IsSensitive).
const (
	SubgroupDomesticViolence      = "domestic_violence"
	SubgroupCrimesAgainstChildren = "crimes_against_children"
)

// IsSensitive reports whether records of a category and subgroup are
// sensitive: their point locations never reach a browser, whoever asks,
// because a point can identify a victim.
func IsSensitive(category, subgroup string) bool {
	return category == CategoryRape || subgroup == SubgroupDomesticViolence || subgroup == SubgroupCrimesAgainstChildren
}

// UnknownMinute is Offense.OccurredMinute when the register did not record
// the time of day.
const UnknownMinute = -1

// Offense is one depersonalized record of the crimes or offenses register.
// It holds nothing else on purpose: no names, personal numbers, house-level
// addresses or free text, and not even the registration number, only a
// keyed hash of it.
type Offense struct {
	// ID is the pseudonymous id: the hex keyed hash of the source register
	// and the registration number, so re-imports deduplicate.
	ID       string `json:"id"`
	Source   string `json:"source"`             // SourceCrimes or SourceOffenses
	Category string `json:"category"`           // one of OffenseCategories
	Subgroup string `json:"subgroup,omitempty"` // e.g. SubgroupDomesticViolence
	Article  string `json:"article,omitempty"`  // normalized code article, e.g. "122" or "205-1"
	// RegisteredOn and OccurredOn are calendar dates at 00:00 UTC.
	// OccurredOn is zero when the register did not record it.
	RegisteredOn time.Time `json:"registered_on"`
	OccurredOn   time.Time `json:"occurred_on"`
	// OccurredMinute is the minute of the day (0–1439, local time) or
	// UnknownMinute.
	OccurredMinute int      `json:"occurred_minute"`
	TerritoryCode  string   `json:"territory_code"`          // 14-digit SOATE code
	PrecinctCode   string   `json:"precinct_code,omitempty"` // optional police precinct
	Lat            *float64 `json:"lat,omitempty"`
	Lon            *float64 `json:"lon,omitempty"`
	PlaceType      string   `json:"place_type"`
	Solved         bool     `json:"solved"`
	DamageKGS      *int64   `json:"damage_kgs,omitempty"`
	// Synthetic marks demo records, labelled as such wherever they are shown.
	Synthetic bool `json:"synthetic,omitempty"`
}

// Day is the date statistics count the offense on: the occurrence date, or
// the registration date when the register did not record when it happened.
// Periods (months, quarters, years) and date filters use it.
func (o *Offense) Day() time.Time {
	if o.OccurredOn.IsZero() {
		return o.RegisteredOn
	}
	return o.OccurredOn
}

// Weekday is the day of the week the offense happened, 0 for Monday to 6
// for Sunday, or -1 when the occurrence date is unknown.
func (o *Offense) Weekday() int {
	if o.OccurredOn.IsZero() {
		return -1
	}
	return (int(o.OccurredOn.Weekday()) + 6) % 7
}

// Hour is the hour of the day the offense happened (0–23), or -1 when the
// time or the date is unknown.
func (o *Offense) Hour() int {
	if o.OccurredOn.IsZero() || o.OccurredMinute < 0 || o.OccurredMinute >= 24*60 {
		return -1
	}
	return o.OccurredMinute / 60
}

// OffenseFilter selects offense records. The caller always sets Under to
// (a path within) the actor's scope.
type OffenseFilter struct {
	// From (inclusive) and To (exclusive) bound the offense's Day.
	From, To *time.Time
	// Under is a territory path prefix, matched against the path of the
	// record's territory (never its precinct: a precinct's path matches
	// nothing; filter by PrecinctCode instead).
	Under         string
	TerritoryCode string
	PrecinctCode  string
	Categories    []string
	Source        string
	// ExcludeSensitive leaves out the records IsSensitive names.
	ExcludeSensitive bool
}

// BBox is a longitude/latitude rectangle (WGS 84), edges included.
type BBox struct {
	MinLon, MinLat, MaxLon, MaxLat float64
}

// OffensePoint is the location of one record, for grids and hot spots.
type OffensePoint struct {
	Lon, Lat float64
	Category string
	// Sensitive is IsSensitive of the record: it joins a grid only where
	// the actor may see such records, in cells of at least the minimum
	// count (see Actor.SeesSensitiveRecords).
	Sensitive bool
}

// Groupings of offense counts (CountsQuery.By).
const (
	ByCategory  = "category"
	ByTerritory = "territory"
	BySource    = "source"
	ByYear      = "year"
	ByQuarter   = "quarter"
	ByMonth     = "month"
)

// Territory depths for grouping counts: the position of a territory in its
// materialized path.
const (
	DepthCountry  = 1
	DepthRegion   = 2 // oblasts and cities of republican significance
	DepthDistrict = 3 // rayons, city districts and cities of regional significance
)

// CountsQuery asks for offense counts grouped by some of category,
// territory, source and period. Counts come from monthly aggregates, so
// From and To count whole months: the months from From's month up to, but
// not including, To's month.
type CountsQuery struct {
	By []string // ByCategory, ByTerritory, BySource, ByYear, ByQuarter, ByMonth
	// Depth is the level territories are grouped at (DepthRegion when 0).
	// A record of a territory above that level is counted under its own
	// territory.
	Depth    int
	From, To *time.Time
	// Under is a territory path prefix; the caller sets the actor's scope.
	// As in OffenseFilter, a precinct's path matches nothing.
	Under      string
	Categories []string
	Source     string
}

// CountRow is one group of a CountsQuery: the keys it was grouped by (the
// others are zero), how many records, how many of them solved, and how many
// of them synthetic demo records.
type CountRow struct {
	Category      string `json:"category,omitempty"`
	TerritoryCode string `json:"territory_code,omitempty"`
	Source        string `json:"source,omitempty"`
	Year          int    `json:"year,omitempty"`
	Quarter       int    `json:"quarter,omitempty"`
	Month         int    `json:"month,omitempty"`
	Count         int64  `json:"count"`
	Solved        int64  `json:"solved"`
	Synthetic     int64  `json:"synthetic,omitempty"`
}

// MonthCount is one month of a series.
type MonthCount struct {
	Year  int   `json:"year"`
	Month int   `json:"month"`
	Count int64 `json:"count"`
}

// PrecinctCount ranks a police precinct by its number of records.
type PrecinctCount struct {
	PrecinctCode string `json:"precinct_code"`
	Count        int64  `json:"count"`
	Solved       int64  `json:"solved"`
}

// Statuses of an offense import.
const (
	ImportRunning = "running"
	ImportDone    = "done"
	ImportFailed  = "failed"
)

// OffenseImportEntry is one line of the offense import log: who imported
// which file when, and what came of it. Duplicates repeat an earlier row of
// the same file; Existing were stored by an earlier import; Inserted are
// new to the database.
type OffenseImportEntry struct {
	ID         int64      `json:"id"`
	StartedAt  time.Time  `json:"started_at"`
	FinishedAt *time.Time `json:"finished_at,omitempty"`
	Actor      string     `json:"actor"`
	UserID     *int64     `json:"user_id,omitempty"`
	FileName   string     `json:"file_name"`
	SHA256     string     `json:"sha256"`
	Format     string     `json:"format"`
	RowsRead   int64      `json:"rows_read"`
	Accepted   int64      `json:"accepted"`
	Rejected   int64      `json:"rejected"`
	Duplicates int64      `json:"duplicates"`
	Existing   int64      `json:"existing"`
	Inserted   int64      `json:"inserted"`
	Status     string     `json:"status"`
	Error      string     `json:"error,omitempty"` // a message key, see ErrorArgs
	// ErrorArgs are the arguments of the Error message.
	ErrorArgs map[string]any `json:"error_args,omitempty"`
	Synthetic bool           `json:"synthetic"`
}

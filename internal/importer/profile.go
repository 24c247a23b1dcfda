package importer

import (
	"fmt"
	"strings"

	"github.com/aldyn-kg/aldyn"
)

// Fields of a record that a profile maps to columns of a file. The names are
// also the canonical headers the default profile accepts.
const (
	FieldRegistrationNumber = "registration_number"
	FieldSource             = "source"
	FieldCategory           = "category"
	FieldArticle            = "article"
	FieldRegisteredOn       = "registered_on"
	FieldOccurredOn         = "occurred_on"
	FieldOccurredTime       = "occurred_time"
	FieldTerritoryCode      = "territory_code"
	FieldPrecinctCode       = "precinct_code"
	FieldLat                = "lat"
	FieldLon                = "lon"
	FieldPlaceType          = "place_type"
	FieldSolved             = "solved"
	FieldDamageKGS          = "damage_kgs"
)

// Fields lists the fields in the order of the canonical file layout.
var Fields = []string{
	FieldRegistrationNumber, FieldSource, FieldCategory, FieldArticle, FieldRegisteredOn,
	FieldOccurredOn, FieldOccurredTime, FieldTerritoryCode, FieldPrecinctCode, FieldLat,
	FieldLon, FieldPlaceType, FieldSolved, FieldDamageKGS,
}

// field indexes, in the order of Fields, for index-based access while importing.
const (
	fRegNum = iota
	fSource
	fCategory
	fArticle
	fRegisteredOn
	fOccurredOn
	fOccurredTime
	fTerritory
	fPrecinct
	fLat
	fLon
	fPlaceType
	fSolved
	fDamage
	numFields
)

// Profile says how the columns of one register's export map to the fields of
// an offense record. It is saved per source as JSON and edited by analysts.
type Profile struct {
	Name string `json:"name"`
	// Source is the register of every record when the file has no source
	// column (or leaves it empty): crimes or offenses.
	Source string `json:"source,omitempty"`
	// Columns maps a field (see Fields) to the header of its column. Headers
	// match case-insensitively. Unmapped fields are not read.
	Columns map[string]string `json:"columns"`
	// DateFormats are the accepted date layouts, tried in order, written with
	// YYYY, MM (two digits), M (one or two), DD, D and literal separators:
	// "YYYY-MM-DD", "D.M.YYYY". Empty means DefaultDateFormats.
	DateFormats []string `json:"date_formats,omitempty"`
	// Decimal is the decimal separator of numbers, "." or ","; empty
	// accepts either.
	Decimal string `json:"decimal,omitempty"`
	// Categories maps the register's own category values (compared
	// case-insensitively) to category codes. Category codes and the names of
	// categories in ky, ru and en are always understood.
	Categories map[string]string `json:"categories,omitempty"`
	// Articles maps normalized articles (see NormalizeArticle) to category
	// codes, for rows whose category column is absent or empty; it takes
	// precedence over the default subgroups.
	Articles map[string]string `json:"articles,omitempty"`
	// PlaceTypes maps the register's own place values to place types, in
	// addition to the codes and the built-in ky/ru/en words.
	PlaceTypes map[string]string `json:"place_types,omitempty"`
}

// DefaultDateFormats are ISO dates and the day-first dates of the region.
// Month-first dates are never guessed: 03/04/2023 is ambiguous.
var DefaultDateFormats = []string{"YYYY-MM-DD", "D.M.YYYY"}

// DefaultProfile accepts files whose headers are the field names.
func DefaultProfile() Profile {
	p := Profile{Name: "default", Columns: map[string]string{}}
	for _, f := range Fields {
		p.Columns[f] = f
	}
	return p
}

// requiredFields must be mapped and present in the file; a category needs
// the category or the article column.
var requiredFields = []string{FieldRegistrationNumber, FieldRegisteredOn, FieldTerritoryCode}

// Validate checks a profile before it is saved or used.
func (p Profile) Validate() error {
	v := aldyn.Validation{}
	if strings.TrimSpace(p.Name) == "" {
		v.Add("name", "error.required")
	}
	if p.Source != "" && p.Source != SourceCrimes && p.Source != SourceOffenses {
		v.Add("source", "import.error.source")
	}
	known := map[string]bool{}
	for _, f := range Fields {
		known[f] = true
	}
	seen := map[string]string{}
	for f, h := range p.Columns {
		if !known[f] {
			v.Add("columns."+f, "import.error.profile_field")
			continue
		}
		k := headerKey(h)
		if k == "" {
			v.Add("columns."+f, "error.required")
		} else if other, dup := seen[k]; dup {
			v.Add("columns."+f, "import.error.profile_duplicate_column")
			v.Add("columns."+other, "import.error.profile_duplicate_column")
		}
		seen[k] = f
	}
	for _, f := range requiredFields {
		if p.Columns[f] == "" {
			v.Add("columns."+f, "error.required")
		}
	}
	if p.Columns[FieldCategory] == "" && p.Columns[FieldArticle] == "" {
		v.Add("columns."+FieldCategory, "error.required")
	}
	for i, d := range p.DateFormats {
		if _, err := compileDateFormat(d); err != nil {
			v.Add(fmt.Sprintf("date_formats.%d", i), "import.error.date_format")
		}
	}
	if p.Decimal != "" && p.Decimal != "." && p.Decimal != "," {
		v.Add("decimal", "import.error.decimal")
	}
	for k, c := range p.Categories {
		if !ValidCategory(c) {
			v.Add("categories."+k, "import.error.category")
		}
	}
	for k, c := range p.Articles {
		if !ValidCategory(c) {
			v.Add("articles."+k, "import.error.category")
		} else if NormalizeArticle(k) == "" {
			v.Add("articles."+k, "import.error.article")
		}
	}
	for k, t := range p.PlaceTypes {
		if !validPlaceType(t) {
			v.Add("place_types."+k, "import.error.place_type")
		}
	}
	return v.Err()
}

func validPlaceType(t string) bool {
	for _, p := range PlaceTypes {
		if p == t {
			return true
		}
	}
	return false
}

// headerKey is how headers are compared: as values are (see foldKey),
// without a byte-order mark.
func headerKey(h string) string {
	return foldKey(strings.TrimPrefix(strings.TrimSpace(h), "\ufeff"))
}

// compiled is a profile ready for use: lookups folded and formats parsed.
type compiled struct {
	source     string
	headers    [numFields]string // header keys; "" when unmapped
	names      [numFields]string // headers as the profile writes them
	dates      []dateFormat
	decimal    byte // 0 accepts both
	categories map[string]string
	articles   map[string]string
	places     map[string]string
}

func compile(p Profile) (*compiled, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	c := &compiled{source: p.Source, categories: map[string]string{}, articles: map[string]string{}, places: map[string]string{}}
	for i, f := range Fields {
		c.headers[i] = headerKey(p.Columns[f])
		c.names[i] = p.Columns[f]
	}
	formats := p.DateFormats
	if len(formats) == 0 {
		formats = DefaultDateFormats
	}
	for _, f := range formats {
		d, _ := compileDateFormat(f)
		c.dates = append(c.dates, d)
	}
	if p.Decimal != "" {
		c.decimal = p.Decimal[0]
	}
	for k, v := range categoryByName {
		c.categories[k] = v
	}
	for _, cat := range Categories {
		c.categories[cat.Code] = cat.Code // looked up before folding, see lookup
		c.categories[foldKey(cat.Code)] = cat.Code
	}
	for k, v := range p.Categories {
		c.categories[foldKey(k)] = v
	}
	for k, v := range p.Articles {
		c.articles[NormalizeArticle(k)] = v
	}
	for k, v := range placeWords {
		c.places[k] = v
	}
	for _, t := range PlaceTypes {
		c.places[t] = t
	}
	for k, v := range p.PlaceTypes {
		c.places[foldKey(k)] = v
	}
	return c, nil
}

// placeWords are the built-in spellings of place types in ky, ru and en.
var placeWords = map[string]string{
	"street": PlaceStreet, "улица": PlaceStreet, "көчө": PlaceStreet,
	"dwelling": PlaceDwelling, "жилище": PlaceDwelling, "квартира": PlaceDwelling, "дом": PlaceDwelling,
	"жилой дом": PlaceDwelling, "үй": PlaceDwelling, "турак жай": PlaceDwelling, "home": PlaceDwelling,
	"public transport": PlacePublicTransport, "общественный транспорт": PlacePublicTransport,
	"транспорт": PlacePublicTransport, "коомдук транспорт": PlacePublicTransport, "transport": PlacePublicTransport,
	"shop": PlaceShop, "магазин": PlaceShop, "дүкөн": PlaceShop, "store": PlaceShop,
	"school": PlaceSchool, "школа": PlaceSchool, "мектеп": PlaceSchool,
	"other": PlaceOther, "иное": PlaceOther, "прочее": PlaceOther, "другое": PlaceOther, "башка": PlaceOther,
}

// lookup finds a source value in a folded map, trying the value as it is
// first so that the usual codes cost no allocation.
func lookup(m map[string]string, v string) (string, bool) {
	if r, ok := m[v]; ok {
		return r, true
	}
	r, ok := m[foldKey(v)]
	return r, ok
}

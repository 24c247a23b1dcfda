package importer

import (
	"fmt"
	"maps"
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

// BuiltinProfiles are the column headers of the usual Russian and Kyrgyz
// exports of the crimes register (ЕРП/КБР) and the offenses register
// (ЕРН/УББР): day-first dates, decimal commas, districts by name.
var BuiltinProfiles = []Profile{
	builtin("erp-ru", SourceCrimes, russianHeaders, "Статья УК"),
	builtin("erp-ky", SourceCrimes, kyrgyzHeaders, "КЖК берене"),
	builtin("ern-ru", SourceOffenses, russianHeaders, "Статья КоП"),
	builtin("ern-ky", SourceOffenses, kyrgyzHeaders, "УБК берене"),
}

var russianHeaders = map[string]string{
	FieldRegistrationNumber: "Регистрационный номер",
	FieldSource:             "Реестр",
	FieldCategory:           "Категория",
	FieldRegisteredOn:       "Дата регистрации",
	FieldOccurredOn:         "Дата совершения",
	FieldOccurredTime:       "Время совершения",
	FieldTerritoryCode:      "Район",
	FieldPrecinctCode:       "Участок",
	FieldLat:                "Широта",
	FieldLon:                "Долгота",
	FieldPlaceType:          "Место совершения",
	FieldSolved:             "Раскрыто",
	FieldDamageKGS:          "Ущерб, сом",
}

var kyrgyzHeaders = map[string]string{
	FieldRegistrationNumber: "Каттоо номери",
	FieldSource:             "Реестр",
	FieldCategory:           "Категория",
	FieldRegisteredOn:       "Катталган күнү",
	FieldOccurredOn:         "Жасалган күнү",
	FieldOccurredTime:       "Жасалган убактысы",
	FieldTerritoryCode:      "Район",
	FieldPrecinctCode:       "Участок",
	FieldLat:                "Кеңдик",
	FieldLon:                "Узундук",
	FieldPlaceType:          "Жасалган жери",
	FieldSolved:             "Ачылды",
	FieldDamageKGS:          "Зыяны, сом",
}

// builtin makes a register's profile; the article column's header (of the
// Criminal Code, УК/КЖК, or the Code of Offenses, КоП/УБК) tells the
// registers' files apart.
func builtin(name, source string, headers map[string]string, article string) Profile {
	cols := maps.Clone(headers)
	cols[FieldArticle] = article
	return Profile{Name: name, Source: source, Columns: cols, DateFormats: []string{"D.M.YYYY", "YYYY-MM-DD"}, Decimal: ","}
}

// fieldSynonyms are further headers Suggest recognises, folded (see
// headerKey); the field names and the built-in profiles' headers count too.
var fieldSynonyms = map[string][]string{
	FieldRegistrationNumber: {"рег. номер", "рег номер", "номер", "№ кусп", "номер кусп", "регистрационный №", "каттоо №", "номери"},
	FieldSource:             {"источник", "register", "реестр"},
	FieldCategory:           {"вид", "вид преступления", "вид правонарушения", "категория преступления", "кылмыштын түрү", "түрү", "category"},
	FieldArticle:            {"статья", "ст.", "ст", "берене", "article"},
	FieldRegisteredOn:       {"дата рег.", "дата рег", "дата регистрации", "каттоо күнү", "катталган датасы", "registered"},
	FieldOccurredOn:         {"дата происшествия", "дата совершения преступления", "жасалган датасы", "occurred"},
	FieldOccurredTime:       {"время", "время совершения", "убактысы", "убакыт", "time"},
	FieldTerritoryCode:      {"район", "территория", "соате", "код соате", "аймак", "territory", "district"},
	FieldPrecinctCode:       {"участок", "уч.", "участковый пункт", "precinct"},
	FieldLat:                {"широта", "кеңдик", "latitude", "lat"},
	FieldLon:                {"долгота", "узундук", "longitude", "lon", "lng"},
	FieldPlaceType:          {"место", "место совершения", "жери", "place"},
	FieldSolved:             {"раскрыто", "раскрыт", "раскрытие", "ачылды", "ачылган", "solved"},
	FieldDamageKGS:          {"ущерб", "ущерб, сом", "ущерб (сом)", "сумма ущерба", "зыян", "зыяны", "damage"},
}

// Fits reports whether a file with this header can be read with the
// profile: every required field's column is there.
func (p Profile) Fits(header []string) bool {
	have := map[string]bool{}
	for _, h := range header {
		have[headerKey(h)] = true
	}
	for _, f := range requiredFields {
		if !have[headerKey(p.Columns[f])] {
			return false
		}
	}
	return have[headerKey(p.Columns[FieldCategory])] && p.Columns[FieldCategory] != "" ||
		have[headerKey(p.Columns[FieldArticle])] && p.Columns[FieldArticle] != ""
}

// fitness is how many of the profile's columns the header has, or -1
// when it does not fit.
func (p Profile) fitness(header []string) int {
	if !p.Fits(header) {
		return -1
	}
	have := map[string]bool{}
	for _, h := range header {
		have[headerKey(h)] = true
	}
	n := 0
	for _, h := range p.Columns {
		if have[headerKey(h)] {
			n++
		}
	}
	return n
}

// Suggest proposes a profile for a file's header: each field mapped to
// the first column whose header is the field's name, a built-in profile's
// header or a known synonym. Missing reports the required fields it could
// not place; the caller shows the rest for the user to complete and save.
func Suggest(header []string) (p Profile, missing []string) {
	p = Profile{Name: "", DateFormats: []string{"D.M.YYYY", "YYYY-MM-DD"}, Columns: map[string]string{}}
	used := map[int]bool{}
	for _, f := range Fields {
		keys := map[string]bool{headerKey(f): true}
		for _, b := range BuiltinProfiles {
			keys[headerKey(b.Columns[f])] = true
		}
		for _, s := range fieldSynonyms[f] {
			keys[headerKey(s)] = true
		}
		for i, h := range header {
			if !used[i] && keys[headerKey(h)] {
				p.Columns[f], used[i] = h, true
				break
			}
		}
	}
	for _, f := range requiredFields {
		if p.Columns[f] == "" {
			missing = append(missing, f)
		}
	}
	if p.Columns[FieldCategory] == "" && p.Columns[FieldArticle] == "" {
		missing = append(missing, FieldCategory)
	}
	return p, missing
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

package aldyn

import (
	"regexp"
	"strings"
)

// Territory levels, from the country down to police precincts.
const (
	LevelCountry  = "country"
	LevelRegion   = "region"   // oblasts and cities of republican significance
	LevelDistrict = "district" // rayons and city districts
	LevelCity     = "city"     // cities of regional significance
	LevelPrecinct = "precinct" // police precincts (administrative areas)
)

// Territory kinds tell units of the same level apart.
const (
	KindCountry        = "country"
	KindOblast         = "oblast"
	KindCityRepublican = "city_republican"
	KindCityDistrict   = "city_district"
	KindRayon          = "rayon"
	KindCityRegional   = "city_regional"
	KindPrecinct       = "precinct"
)

// Territory is a unit of the administrative hierarchy of the Kyrgyz
// Republic, or a police precinct added under one. Code is the 14-digit SOATE
// code of administrative units; precincts have their parent's code followed
// by "-" and a local code.
type Territory struct {
	Code       string   `json:"code"`
	Slug       string   `json:"slug"`
	Level      string   `json:"level"`
	Kind       string   `json:"kind"`
	ParentCode string   `json:"parent_code,omitempty"`
	Path       string   `json:"-"`
	NameKy     string   `json:"name_ky"`
	NameRu     string   `json:"name_ru"`
	NameEn     string   `json:"name_en"`
	ISO        string   `json:"iso,omitempty"`
	Lat        *float64 `json:"lat,omitempty"`
	Lon        *float64 `json:"lon,omitempty"`
	Source     string   `json:"source,omitempty"`
	// Population is the most recent known figure, filled by queries that ask for it.
	Population     *int64 `json:"population,omitempty"`
	PopulationYear *int   `json:"population_year,omitempty"`
}

// Name returns the territory's name in lang, falling back to Kyrgyz.
func (t *Territory) Name(lang string) string { return pick(lang, t.NameKy, t.NameRu, t.NameEn) }

func pick(lang, ky, ru, en string) string {
	switch {
	case lang == "ru" && ru != "":
		return ru
	case lang == "en" && en != "":
		return en
	case ky != "":
		return ky
	case ru != "":
		return ru
	}
	return en
}

var (
	soateRe    = regexp.MustCompile(`^[0-9]{14}$`)
	precinctRe = regexp.MustCompile(`^[0-9]{14}-[A-Za-z0-9]{1,12}$`)
	slugRe     = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
)

// ValidTerritoryCode reports whether code is shaped like a SOATE code or a
// precinct code.
func ValidTerritoryCode(code string) bool {
	return soateRe.MatchString(code) || precinctRe.MatchString(code)
}

// TerritoryPath is the materialized path of a territory under parentPath;
// scope checks compare paths by prefix.
func TerritoryPath(parentPath, code string) string {
	if parentPath == "" {
		parentPath = "/"
	}
	return parentPath + code + "/"
}

// Contains reports whether territory path p covers path q (q is p or lies below it).
func PathContains(p, q string) bool { return p != "" && strings.HasPrefix(q, p) }

// Validate checks a precinct (the only kind of territory created by hand;
// administrative units come from reference data).
func (t *Territory) ValidatePrecinct() error {
	v := Validation{}
	if t.ParentCode == "" {
		v.Add("parent_code", "error.required")
	}
	if !precinctRe.MatchString(t.Code) {
		v.Add("code", "territory.error.precinct_code")
	} else if t.ParentCode != "" && !strings.HasPrefix(t.Code, t.ParentCode+"-") {
		v.Add("code", "territory.error.precinct_prefix")
	}
	if t.Slug != "" && !slugRe.MatchString(t.Slug) {
		v.Add("slug", "territory.error.slug")
	}
	requireNames(v, t.NameKy, t.NameRu, t.NameEn)
	validLatLon(v, t.Lat, t.Lon)
	return v.Err()
}

func requireNames(v Validation, ky, ru, en string) {
	for f, s := range map[string]string{"name_ky": ky, "name_ru": ru, "name_en": en} {
		s = strings.TrimSpace(s)
		v.requireText(f, s, 300)
	}
}

// Kyrgyzstan's bounding box with a small margin.
const (
	MinLon, MaxLon = 69.2, 80.3
	MinLat, MaxLat = 39.1, 43.3
)

func validLatLon(v Validation, lat, lon *float64) {
	if (lat == nil) != (lon == nil) {
		v.Add("lat", "error.latlon_pair")
		return
	}
	if lat != nil && (*lat < MinLat || *lat > MaxLat) {
		v.Add("lat", "error.lat_range")
	}
	if lon != nil && (*lon < MinLon || *lon > MaxLon) {
		v.Add("lon", "error.lon_range")
	}
}

// Population is a territory's population in a year, with its source.
type Population struct {
	TerritoryCode string `json:"territory_code"`
	Year          int    `json:"year"`
	Population    int64  `json:"population"`
	Kind          string `json:"kind,omitempty"` // census or estimate
	Source        string `json:"source,omitempty"`
	// Citation is the short reference shown beside figures computed from
	// the population ("National census 2022 (NSC KR)"); Source is the
	// provenance, for the record.
	Citation string `json:"citation,omitempty"`
}

// PopulationFor chooses, from a territory's figures sorted by year, the one
// for year or else the nearest earlier one. When there is none earlier, the
// nearest later figure is used. Exact tells whether the year matched; the
// caller shows which year was used.
func PopulationFor(figs []Population, year int) (p Population, exact, ok bool) {
	var earlier, later *Population
	for i := range figs {
		f := &figs[i]
		if f.Year <= year && (earlier == nil || f.Year > earlier.Year) {
			earlier = f
		}
		if f.Year > year && (later == nil || f.Year < later.Year) {
			later = f
		}
	}
	switch {
	case earlier != nil:
		return *earlier, earlier.Year == year, true
	case later != nil:
		return *later, false, true
	}
	return Population{}, false, false
}

// TerritoryFilter selects territories.
type TerritoryFilter struct {
	Code       *string
	ParentCode *string
	Level      *string
	Under      string // materialized path prefix
	Query      string
	Page
}

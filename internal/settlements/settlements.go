// Package settlements is the gazetteer Aldyn ships: the towns and villages
// of the Kyrgyz Republic from GeoNames (CC BY 4.0), extracted into kg.json
// by gen.go and embedded, so that maps can name places and forms can offer
// a settlement without internet access. README.md names the source,
// version and licence.
package settlements

//go:generate go run gen.go

import (
	_ "embed"
	"encoding/json"
	"slices"
	"strings"
	"sync"
)

//go:embed kg.json
var raw []byte

// Settlement is one populated place.
type Settlement struct {
	GeonameID int     `json:"geonameid"`
	Name      string  `json:"name"`                // GeoNames' main name, in Latin letters
	NameCyrl  string  `json:"name_cyrl,omitempty"` // the Cyrillic name (GeoNames', or gen.go's where it has none)
	Lat       float64 `json:"lat"`
	Lon       float64 `json:"lon"`
	// Feature is GeoNames' feature code: PPLC the capital, PPLA an oblast
	// centre, PPLA2 a district centre, PPLA3 an ayyl aymak centre, PPL
	// another place, PPLX a section of a city.
	Feature    string `json:"feature"`
	Population int    `json:"population,omitempty"`
	// RegionCode is the SOATE code of the oblast or city of republican
	// significance the place lies in; TerritoryCode the most specific
	// territory known (the town itself when it is a city territory).
	RegionCode    string `json:"region_code,omitempty"`
	TerritoryCode string `json:"territory_code,omitempty"`
}

// Label is the name to show in lang: Cyrillic for Kyrgyz and Russian
// when GeoNames has it, else the Latin name.
func (s *Settlement) Label(lang string) string {
	if lang != "en" && s.NameCyrl != "" {
		return s.NameCyrl
	}
	return s.Name
}

// MinZoom is the lowest web-map zoom at which the place is worth naming:
// the capital and oblast centres from the country view, small villages only
// close up.
func (s *Settlement) MinZoom() int {
	switch {
	case s.Feature == "PPLC" || s.Population >= 200_000:
		return 5
	case s.Feature == "PPLA":
		return 6
	case s.Population >= 40_000:
		return 7
	case s.Feature == "PPLA2" || s.Population >= 10_000:
		return 8
	case s.Population >= 3_000:
		return 9
	}
	return 10
}

// Source says where the list comes from, for credits.
type Source struct {
	Source   string `json:"source"`
	Package  string `json:"package"`
	Licence  string `json:"licence"`
	Credit   string `json:"credit"`
	Modified string `json:"modified"`
}

var load = sync.OnceValues(func() (Source, []Settlement) {
	var f struct {
		Source
		Places []Settlement `json:"places"`
	}
	if err := json.Unmarshal(raw, &f); err != nil {
		// The file is embedded and read by the tests: a broken build.
		panic("settlements: " + err.Error())
	}
	// Biggest first: lists and maps want the important places first.
	slices.SortStableFunc(f.Places, func(a, b Settlement) int {
		if a.MinZoom() != b.MinZoom() {
			return a.MinZoom() - b.MinZoom()
		}
		return b.Population - a.Population
	})
	return f.Source, f.Places
})

// About returns the source of the list.
func About() Source {
	s, _ := load()
	return s
}

// All returns every settlement, biggest first. The slice is shared: do
// not modify it.
func All() []Settlement {
	_, all := load()
	return all
}

// Filter selects settlements; zero fields select everything.
type Filter struct {
	// Query matches the start of any word of the Latin or Cyrillic name,
	// ignoring case ("кара" finds Каракол and Кара-Балта).
	Query string
	// Territory is a SOATE code: places in that region, or that are that
	// town.
	Territory string
	Limit     int
}

// Find returns the settlements that f selects, biggest first.
func Find(f Filter) []Settlement {
	q := fold(strings.TrimSpace(f.Query))
	var out []Settlement
	for _, s := range All() {
		if f.Territory != "" && s.RegionCode != f.Territory && s.TerritoryCode != f.Territory {
			continue
		}
		if q != "" && !wordPrefix(fold(s.Name), q) && !wordPrefix(fold(s.NameCyrl), q) {
			continue
		}
		out = append(out, s)
		if f.Limit > 0 && len(out) == f.Limit {
			break
		}
	}
	return out
}

func wordPrefix(name, q string) bool {
	for {
		if strings.HasPrefix(name, q) {
			return true
		}
		i := strings.IndexAny(name, " -")
		if i < 0 {
			return false
		}
		name = name[i+1:]
	}
}

// fold lowercases and drops the diacritics GeoNames' Latin names carry
// (Üch-Terek, Kara-Dëbë), so that a query typed on any keyboard matches.
func fold(s string) string {
	return strings.NewReplacer("ü", "u", "ö", "o", "ë", "e", "’", "'", "ё", "е").Replace(strings.ToLower(s))
}

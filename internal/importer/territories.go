package importer

import (
	"slices"
	"strings"

	"github.com/aldyn-kg/aldyn"
)

// Territories tells Run which territory and precinct codes exist and what
// names mean. Run calls it for every row, so implementations should answer
// from memory.
type Territories interface {
	// TerritoryExists reports whether code is the SOATE code of a known territory.
	TerritoryExists(code string) bool
	// PrecinctWithin reports whether code is the code of a known police
	// precinct, and whether it lies within the territory (at any depth).
	PrecinctWithin(code, territory string) (known, within bool)
	// TerritoryByName returns the code of the territory a name means
	// ("Аламудинский р-н", "Ысык-Ата району", "г. Бишкек"), or, when
	// several territories have the name, them (code and names) and no code.
	TerritoryByName(name string) (code string, candidates []aldyn.Territory)
	// PrecinctByName returns the code of the precinct within territory
	// that a name or number means ("уч. 4", "участок №4", "4"), or the
	// precincts that fit when several do.
	PrecinctByName(name, territory string) (code string, candidates []aldyn.Territory)
}

// CodeSet is a Territories held in memory: the materialized paths
// (aldyn.TerritoryPath) of the territories and of the precincts, by code,
// and, when made by NewCodeSet, their names.
type CodeSet struct {
	Territories map[string]string
	Precincts   map[string]string

	names     map[string][]string // nameKey → codes of territories
	precincts []namedPrecinct
	named     map[string]aldyn.Territory // code → code and names, for candidates
}

type namedPrecinct struct {
	code, path string
	keys       []string // foldKey of each name, and of the local code
	number     string   // the one number in its names ("3" of "Участок №3"), if any
}

// NewCodeSet indexes territories and precincts (Level precinct) by code and
// by name in every language.
func NewCodeSet(ts []aldyn.Territory) CodeSet {
	s := CodeSet{Territories: map[string]string{}, Precincts: map[string]string{}, names: map[string][]string{}, named: map[string]aldyn.Territory{}}
	for _, t := range ts {
		names := []string{t.NameKy, t.NameRu, t.NameEn}
		s.named[t.Code] = aldyn.Territory{Code: t.Code, NameKy: t.NameKy, NameRu: t.NameRu, NameEn: t.NameEn}
		if t.Level == aldyn.LevelPrecinct {
			s.Precincts[t.Code] = t.Path
			p := namedPrecinct{code: t.Code, path: t.Path}
			if i := strings.IndexByte(t.Code, '-'); i >= 0 {
				p.keys = append(p.keys, foldKey(t.Code[i+1:]))
			}
			for _, n := range names {
				if n == "" {
					continue
				}
				p.keys = append(p.keys, foldKey(n))
				if num, ok := soleNumber(n); ok && (p.number == "" || p.number == num) {
					p.number = num
				} else if ok {
					p.number = "-" // names disagree: match by name only
				}
			}
			s.precincts = append(s.precincts, p)
			continue
		}
		s.Territories[t.Code] = t.Path
		seen := map[string]bool{}
		for _, n := range names {
			k := nameKey(n)
			if k == "" || seen[k] {
				continue
			}
			seen[k] = true
			s.names[k] = append(s.names[k], t.Code)
		}
	}
	for k, codes := range s.names {
		slices.Sort(codes)
		s.names[k] = slices.Compact(codes)
	}
	return s
}

// TerritoryExists implements Territories.
func (s CodeSet) TerritoryExists(code string) bool { _, ok := s.Territories[code]; return ok }

// PrecinctWithin implements Territories.
func (s CodeSet) PrecinctWithin(code, territory string) (known, within bool) {
	p, known := s.Precincts[code]
	t, ok := s.Territories[territory]
	return known, known && ok && strings.HasPrefix(p, t)
}

// TerritoryByName implements Territories.
func (s CodeSet) TerritoryByName(name string) (string, []aldyn.Territory) {
	codes := s.names[nameKey(name)]
	if len(codes) == 1 {
		return codes[0], nil
	}
	return "", s.candidates(codes)
}

func (s CodeSet) candidates(codes []string) []aldyn.Territory {
	var out []aldyn.Territory
	for _, c := range codes {
		out = append(out, s.named[c])
	}
	return out
}

// PrecinctByName implements Territories: a name matches a precinct's name
// in any language or its local code; a number ("уч. 4", "№4", "4")
// matches the precinct whose names carry that number.
func (s CodeSet) PrecinctByName(name, territory string) (string, []aldyn.Territory) {
	tp, ok := s.Territories[territory]
	if !ok {
		return "", nil
	}
	key := foldKey(name)
	num, isNum := soleNumber(name)
	var byName, byNumber []string
	for _, p := range s.precincts {
		if !strings.HasPrefix(p.path, tp) {
			continue
		}
		if slices.Contains(p.keys, key) {
			byName = append(byName, p.code)
		} else if isNum && p.number == num {
			byNumber = append(byNumber, p.code)
		}
	}
	found := byName
	if len(found) == 0 {
		found = byNumber
	}
	if len(found) == 1 {
		return found[0], nil
	}
	slices.Sort(found)
	return "", s.candidates(found)
}

// soleNumber returns the one run of digits in s, without leading zeros.
func soleNumber(s string) (string, bool) {
	num, runs := "", 0
	for i := 0; i < len(s); {
		if !isDigit(s[i]) {
			i++
			continue
		}
		j := i
		for j < len(s) && isDigit(s[j]) {
			j++
		}
		num, runs = s[i:j], runs+1
		i = j
	}
	if runs != 1 {
		return "", false
	}
	if t := strings.TrimLeft(num, "0"); t != "" {
		num = t
	} else {
		num = "0"
	}
	return num, true
}

// territoryWords are the words around a territory's name that say what
// kind of unit it is; a name is compared without them, so "Аламүдүн
// району", "Аламүдүн р-ну" and "Аламүдүн" are one name. Kyrgyz and English
// names keep the same stem for a district, an oblast and a city ("Нарын",
// "Naryn"), which is how a name becomes ambiguous.
var territoryWords = map[string]bool{
	"району": true, "район": true, "районы": true, "рн": true, "р": true, "н": true, "ну": true,
	"облусу": true, "облус": true, "обл": true, "обл.": true, "область": true, "области": true,
	"шаары": true, "шаар": true, "ш.": true, "г.": true, "г": true, "город": true, "города": true,
	"district": true, "region": true, "oblast": true, "rayon": true, "raion": true, "city": true, "of": true,
}

// nameKey is how territory names are compared: folded (see foldKey),
// without the words of territoryWords and punctuation around words.
func nameKey(name string) string {
	var keep []string
	// foldKey made "р-н" two words, р and н.
	for _, w := range strings.Fields(foldKey(name)) {
		w = strings.Trim(w, ",;()\"«»“”")
		if w == "" || territoryWords[w] || territoryWords[strings.TrimSuffix(w, ".")] {
			continue
		}
		keep = append(keep, w)
	}
	return strings.Join(keep, " ")
}

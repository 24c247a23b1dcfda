package importer

import (
	"encoding/csv"
	"encoding/hex"
	"io"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/export"
)

// RowError is one problem with one row of a file.
type RowError struct {
	Row    int    `json:"row"`    // as the user sees it, see Reader.Next
	Column string `json:"column"` // the header as written in the file ("" for the whole row)
	Reason string `json:"reason"` // translation key
	// Value is the offending value, shortened. Registration numbers are
	// never echoed, and a value the personal-data guard objects to never
	// becomes a RowError: the whole file is refused instead.
	Value string `json:"value,omitempty"`
	// Args are further arguments of the reason's message. A key ending in
	// _ky, _ru or _en is the argument without the suffix in that language
	// (names of categories and territories); see MessageArgs.
	Args map[string]string `json:"args,omitempty"`
}

// MessageArgs are the arguments of the error's message in lang: row,
// column, value and Args, the language variants of lang chosen.
func (e RowError) MessageArgs(lang string) map[string]any {
	m := map[string]any{"row": e.Row, "column": e.Column, "value": e.Value}
	for k, v := range e.Args {
		base, l, ok := cutLang(k)
		switch {
		case !ok:
			if _, set := m[k]; !set {
				m[k] = v
			}
		case l == lang, l == "ky" && m[base] == nil:
			m[base] = v // Kyrgyz when lang has no variant
		}
	}
	return m
}

func cutLang(k string) (base, lang string, ok bool) {
	if i := len(k) - 3; i > 0 && k[i] == '_' {
		switch l := k[i+1:]; l {
		case "ky", "ru", "en":
			return k[:i], l, true
		}
	}
	return k, "", false
}

// namesArgs puts the names of territories, "code name", one per language,
// into args under key.
func namesArgs(args map[string]string, key string, ts []aldyn.Territory) {
	for _, lang := range []string{"ky", "ru", "en"} {
		var parts []string
		for _, t := range ts {
			parts = append(parts, t.Code+" "+t.Name(lang))
		}
		args[key+"_"+lang] = strings.Join(parts, "; ")
	}
}

// categoryArgs puts a category's name in each language into args under key.
func categoryArgs(args map[string]string, key, code string) {
	for _, lang := range []string{"ky", "ru", "en"} {
		args[key+"_"+lang] = CategoryName(code, lang)
	}
}

// Dates before this are typing errors, not records.
var minDate = time.Date(1950, 1, 1, 0, 0, 0, 0, time.UTC)

// validator turns the values of one row into an Offense.
type validator struct {
	p      *compiled
	col    [numFields]int // column of each field, -1 when absent
	header []string
	today  time.Time // local date of Now
	serial bool      // spreadsheet serial dates are allowed
	terr   Territories
	// articles are the articles of the classification: register and
	// article → category.
	articles map[[2]string]string
	ids      *idHasher
	errs     []RowError
	row      int       // the row being checked, for its errors
	hexIDs   []byte    // IDs of the valid rows, 64 hex digits each
	slab     []float64 // Lat, Lon and DamageKGS point into it: one allocation per batch, not per row
}

func (v *validator) float(f float64) *float64 {
	if len(v.slab) == cap(v.slab) {
		v.slab = make([]float64, 0, 3*1024)
	}
	v.slab = append(v.slab, f)
	return &v.slab[len(v.slab)-1]
}

func (v *validator) column(f int) string {
	if i := v.col[f]; i >= 0 && i < len(v.header) {
		return v.header[i]
	}
	return Fields[f]
}

func (v *validator) get(vals []string, f int) string {
	i := v.col[f]
	if i < 0 || i >= len(vals) {
		return ""
	}
	return strings.TrimSpace(vals[i])
}

// check fills o, all but its ID, from a row and returns the row's problems
// (valid until the next call), or appends the ID to v.hexIDs and returns
// its duplicate key.
func (v *validator) check(row int, vals []string, o *Offense) ([]RowError, uint64) {
	v.errs, v.row = v.errs[:0], row
	*o = Offense{}
	num := v.checkIdentity(vals, o)
	v.checkClassification(vals, o)
	v.checkDates(vals, o)
	v.checkPlace(vals, o)
	v.checkCoordinates(vals, o)
	v.checkDetails(vals, o)
	if len(v.errs) > 0 {
		return v.errs, 0
	}
	// The ID's hex goes to hexIDs; the caller makes one string of a whole
	// chunk's IDs instead of one allocation per row.
	sum, key := v.ids.sum(o.Source, num)
	v.hexIDs = hex.AppendEncode(v.hexIDs, sum)
	return nil, key
}

// add reports a problem with field f of the row being checked.
func (v *validator) add(f int, reason, val string) {
	v.errs = append(v.errs, RowError{Row: v.row, Column: v.column(f), Reason: reason, Value: clip(val)})
}

// addArgs reports a problem whose message takes arguments.
// byName returns the code a name was found as, or reports it: ambiguous
// (listing the candidates) or unknown.
func (v *validator) byName(f int, name, code string, cands []aldyn.Territory, ambiguous, unknown string) string {
	switch {
	case code != "":
	case len(cands) > 1:
		args := map[string]string{}
		namesArgs(args, "candidates", cands)
		v.addArgs(f, ambiguous, name, args)
	default:
		v.add(f, unknown, name)
	}
	return code
}

func (v *validator) addArgs(f int, reason, val string, args map[string]string) {
	v.add(f, reason, val)
	v.errs[len(v.errs)-1].Args = args
}

// checkIdentity checks the registration number and the register (the
// source), which make the record's ID, and returns the number.
func (v *validator) checkIdentity(vals []string, o *Offense) string {
	num := v.get(vals, fRegNum)
	switch {
	case num == "":
		v.add(fRegNum, "error.required", "")
	case len(num) > 100:
		v.add(fRegNum, "import.error.registration_number", "")
	}

	o.Source = v.p.source
	if s := v.get(vals, fSource); s != "" {
		if src, ok := lookup(sourceWords, s); ok {
			o.Source = src
		} else {
			v.add(fSource, "import.error.source", s)
		}
	} else if o.Source == "" {
		v.add(fSource, "error.required", "")
	}
	return num
}

// checkClassification checks the article and the category.
func (v *validator) checkClassification(vals []string, o *Offense) {
	// An article must be one the classification (or the profile) knows,
	// and agree with the row's category: a number that is not there is a
	// typing error or a code the classification has yet to learn, and
	// either would misfile the record.
	a := v.get(vals, fArticle)
	artCat := ""
	if a != "" {
		if o.Article = NormalizeArticle(a); o.Article == "" {
			v.add(fArticle, "import.error.article", a)
		} else if c, ok := v.p.articles[o.Article]; ok {
			artCat = c
		} else if c, ok := v.articles[[2]string{o.Source, o.Article}]; ok {
			artCat = c
		} else if o.Source != "" {
			v.add(fArticle, "import.error.article_unknown", a)
		}
	}
	if c := v.get(vals, fCategory); c != "" {
		if code, ok := lookup(v.p.categories, c); !ok {
			v.add(fCategory, "import.error.category", c)
		} else if artCat != "" && artCat != code {
			args := map[string]string{"article": o.Article}
			categoryArgs(args, "category", code)
			categoryArgs(args, "expected", artCat)
			v.addArgs(fCategory, "import.error.article_category", c, args)
		} else {
			o.Category = code
		}
	} else if artCat != "" {
		o.Category = artCat
	} else if a == "" {
		v.add(fCategory, "error.required", "")
	}
}

// checkDates checks the dates of registration and occurrence and the
// time of day.
func (v *validator) checkDates(vals []string, o *Offense) {
	regOK := false
	if s := v.get(vals, fRegisteredOn); s == "" {
		v.add(fRegisteredOn, "error.required", "")
	} else if d, _, _, ok := parseDateTime(s, v.p.dates, v.serial); !ok {
		v.add(fRegisteredOn, "import.error.date", s)
	} else if d.After(v.today) {
		v.add(fRegisteredOn, "import.error.date_future", s)
	} else if d.Before(minDate) {
		v.add(fRegisteredOn, "import.error.date_range", s)
	} else {
		o.RegisteredOn, regOK = d, true
	}

	if s := v.get(vals, fOccurredOn); s != "" {
		d, t, hasTime, ok := parseDateTime(s, v.p.dates, v.serial)
		switch {
		case !ok:
			v.add(fOccurredOn, "import.error.date", s)
		case d.After(v.today):
			v.add(fOccurredOn, "import.error.date_future", s)
		case d.Before(minDate):
			v.add(fOccurredOn, "import.error.date_range", s)
		case regOK && d.After(o.RegisteredOn):
			v.add(fOccurredOn, "import.error.occurred_after_registered", s)
		default:
			o.OccurredAt = OccurredAt{Date: d, TimeOfDay: t, HasTime: hasTime}
		}
	}
	if s := v.get(vals, fOccurredTime); s != "" {
		if t, ok := parseTime(s, v.serial); !ok {
			v.add(fOccurredTime, "import.error.time", s)
		} else if v.get(vals, fOccurredOn) == "" {
			v.add(fOccurredTime, "import.error.time_without_date", s)
		} else {
			o.OccurredAt.TimeOfDay, o.OccurredAt.HasTime = t, true
		}
	}
}

// checkPlace checks the territory and the precinct.
func (v *validator) checkPlace(vals []string, o *Offense) {
	if s := v.get(vals, fTerritory); s == "" {
		v.add(fTerritory, "error.required", "")
	} else {
		if e := expandExponent(s); e != "" {
			s = e // a code a spreadsheet stored as a number
		}
		switch {
		case len(s) == 14 && allDigits(s):
			if v.terr != nil && !v.terr.TerritoryExists(s) {
				v.add(fTerritory, "import.error.territory_unknown", s)
			} else {
				o.TerritoryCode = s
			}
		case v.terr == nil || strings.ContainsAny(s, "0123456789"):
			// Names have no digits: this is a code mistyped.
			v.add(fTerritory, "error.territory_code", s)
		default:
			// A name: registers write districts, not codes.
			code, cands := v.terr.TerritoryByName(s)
			o.TerritoryCode = v.byName(fTerritory, s, code, cands, "import.error.territory_ambiguous", "import.error.territory_name")
		}
	}
	if s := v.get(vals, fPrecinct); s != "" {
		switch {
		case !validPrecinctCode(s) && (v.terr == nil || strings.IndexByte(s, '-') == 14 && allDigits(s[:14])):
			v.add(fPrecinct, "import.error.precinct_code", s)
		case !validPrecinctCode(s):
			// A name or a number within the row's territory ("уч. 4").
			if o.TerritoryCode == "" {
				break // the territory's own error says enough
			}
			code, cands := v.terr.PrecinctByName(s, o.TerritoryCode)
			o.PrecinctCode = v.byName(fPrecinct, s, code, cands, "import.error.precinct_ambiguous", "import.error.precinct_name")
		default:
			known, within := true, true
			if v.terr != nil {
				known, within = v.terr.PrecinctWithin(s, o.TerritoryCode)
			}
			switch {
			case !known:
				v.add(fPrecinct, "import.error.precinct_unknown", s)
			case !within && o.TerritoryCode != "":
				v.add(fPrecinct, "import.error.precinct_territory", s)
			default:
				o.PrecinctCode = s
			}
		}
	}
}

// checkCoordinates checks the latitude and longitude, a pair.
func (v *validator) checkCoordinates(vals []string, o *Offense) {
	latS, lonS := v.get(vals, fLat), v.get(vals, fLon)
	lat, latOK := v.number(latS)
	lon, lonOK := v.number(lonS)
	if latS != "" && !latOK {
		v.add(fLat, "import.error.number", latS)
	}
	if lonS != "" && !lonOK {
		v.add(fLon, "import.error.number", lonS)
	}
	switch {
	case latS == "" && lonS == "":
	case latS == "" || lonS == "":
		v.add(fLat, "error.latlon_pair", "")
	case !latOK || !lonOK:
	case inLat(lon) && inLon(lat) && !(inLat(lat) && inLon(lon)):
		v.add(fLat, "import.error.latlon_swapped", latS)
	case !inLat(lat):
		v.add(fLat, "error.lat_range", latS)
	case !inLon(lon):
		v.add(fLon, "error.lon_range", lonS)
	default:
		o.Lat, o.Lon = v.float(lat), v.float(lon)
	}
}

// checkDetails checks the kind of place, whether the offense is solved,
// and the damage.
func (v *validator) checkDetails(vals []string, o *Offense) {
	if s := v.get(vals, fPlaceType); s == "" {
		o.PlaceType = PlaceOther
	} else if t, ok := lookup(v.p.places, s); ok {
		o.PlaceType = t
	} else {
		v.add(fPlaceType, "import.error.place_type", s)
	}

	if s := v.get(vals, fSolved); s != "" {
		if b, ok := lookup(boolWords, s); ok {
			o.Solved = b == "1"
		} else {
			v.add(fSolved, "import.error.solved", s)
		}
	}

	if s := v.get(vals, fDamage); s != "" {
		if d, ok := v.number(s); !ok {
			v.add(fDamage, "import.error.number", s)
		} else if d < 0 {
			v.add(fDamage, "import.error.damage_negative", s)
		} else {
			o.DamageKGS = v.float(d)
		}
	}
}

// number reads a number cell. A workbook's numeric cells hold the number
// itself, written with a point ("42.86069", "1.5E-3"), whatever the
// profile's decimal separator, which is about text; only text cells are
// read as written by people.
func (v *validator) number(s string) (float64, bool) {
	if v.serial && machineNumber(s) {
		if f, ok := fastFloat(s); ok {
			return f, true
		}
		f, err := strconv.ParseFloat(s, 64)
		return f, err == nil && !math.IsInf(f, 0)
	}
	return parseNumber(s, v.p.decimal)
}

// machineNumber reports whether s is a number as a workbook stores it:
// [-]digits[.digits][E[+-]digits].
func machineNumber(s string) bool {
	i := 0
	if i < len(s) && s[i] == '-' {
		i++
	}
	start := i
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	if i == start {
		return false
	}
	if i < len(s) && s[i] == '.' {
		i++
		j := i
		for i < len(s) && isDigit(s[i]) {
			i++
		}
		if i == j {
			return false
		}
	}
	if i < len(s) && (s[i] == 'E' || s[i] == 'e') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		j := i
		for i < len(s) && isDigit(s[i]) {
			i++
		}
		if i == j {
			return false
		}
	}
	return i == len(s)
}

// validPrecinctCode is aldyn.ValidTerritoryCode's precinct shape, a SOATE
// code, a dash and up to 12 letters or digits, without a regular expression:
// it runs for every row.
func validPrecinctCode(s string) bool {
	if len(s) < 16 || len(s) > 27 || s[14] != '-' || !allDigits(s[:14]) {
		return false
	}
	for i := 15; i < len(s); i++ {
		if c := s[i]; !isDigit(c) && !(c|0x20 >= 'a' && c|0x20 <= 'z') {
			return false
		}
	}
	return true
}

func inLat(f float64) bool { return f >= aldyn.MinLat && f <= aldyn.MaxLat }
func inLon(f float64) bool { return f >= aldyn.MinLon && f <= aldyn.MaxLon }

var sourceWords = map[string]string{
	"crimes": SourceCrimes, "crime": SourceCrimes, "erp": SourceCrimes, "ерп": SourceCrimes, "кбр": SourceCrimes,
	"kbr": SourceCrimes, "преступления": SourceCrimes, "преступление": SourceCrimes, "кылмыштар": SourceCrimes, "кылмыш": SourceCrimes,
	"offenses": SourceOffenses, "offences": SourceOffenses, "offense": SourceOffenses, "offence": SourceOffenses,
	"ern": SourceOffenses, "ерн": SourceOffenses, "уббр": SourceOffenses, "ubbr": SourceOffenses,
	"правонарушения": SourceOffenses, "правонарушение": SourceOffenses, "проступки": SourceOffenses,
	"жоруктар": SourceOffenses, "жорук": SourceOffenses, "укук бузуулар": SourceOffenses,
}

var boolWords = map[string]string{
	"1": "1", "true": "1", "yes": "1", "y": "1", "да": "1", "ооба": "1", "+": "1", "solved": "1", "раскрыто": "1", "ачылган": "1",
	"0": "0", "false": "0", "no": "0", "n": "0", "нет": "0", "жок": "0", "-": "0", "unsolved": "0",
	"не раскрыто": "0", "нераскрыто": "0", "ачылган эмес": "0", "ачылбаган": "0",
}

// parseNumber reads a decimal number written with the decimal separator
// dec ('.' or ','; 0 accepts either) and spaces or the other separator
// between thousands: "1 500 000,50", "42.87", "1,234.5". It refuses NaN,
// infinities, exponents and hex, which no register writes.
func parseNumber(s string, dec byte) (float64, bool) {
	if s == "" {
		return 0, false
	}
	simple := true
	for i := 0; i < len(s); i++ {
		if c := s[i]; !isDigit(c) && c != '.' && !(c == '-' && i == 0) {
			simple = false
			break
		}
	}
	if !simple || dec == ',' {
		var b strings.Builder
		seps := strings.Count(s, ".") + strings.Count(s, ",")
		d := dec
		if d == 0 {
			d = '.'
			if li := strings.LastIndexAny(s, ".,"); li >= 0 && s[li] == ',' && (seps == 1 || strings.Contains(s, ".")) {
				d = ','
			}
		}
		for _, r := range s {
			switch {
			case r >= '0' && r <= '9', r == '-' && b.Len() == 0:
				b.WriteRune(r)
			case r == rune(d):
				b.WriteByte('.')
			case r == ' ' || r == '\u00a0' || r == '\u202f' || r == '\'' || (r == '.' || r == ',') && r != rune(d):
			default:
				return 0, false
			}
		}
		s = b.String()
	}
	if s == "" || s == "-" || strings.Count(s, ".") > 1 {
		return 0, false
	}
	if f, ok := fastFloat(s); ok {
		return f, true
	}
	f, err := strconv.ParseFloat(s, 64)
	return f, err == nil
}

// pow10 are the powers of ten a float64 holds exactly.
var pow10 = [...]float64{1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15}

// fastFloat reads [-]digits[.digits] with at most 15 digits: the integer
// and the power of ten are exact, so one division rounds correctly, as
// strconv would, several times faster. It runs three times a row.
func fastFloat(s string) (float64, bool) {
	neg := s[0] == '-'
	if neg {
		s = s[1:]
	}
	var m uint64
	digits, frac, dot := 0, 0, false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case isDigit(c):
			m = m*10 + uint64(c-'0')
			digits++
			if dot {
				frac++
			}
		case c == '.' && !dot:
			dot = true
		default:
			return 0, false
		}
	}
	if digits == 0 || digits > 15 {
		return 0, false
	}
	f := float64(m) / pow10[frac]
	if neg {
		f = -f
	}
	return f, true
}

// clip shortens a value for a report.
func clip(s string) string {
	if len(s) <= 60 {
		return s
	}
	if r := []rune(s); len(r) > 60 {
		return string(r[:60]) + "…"
	}
	return s
}

// WriteRowErrorsCSV writes row errors as a CSV report: UTF-8 with a
// byte-order mark (so that Excel shows Cyrillic), a header and one line per
// error, reasons translated into lang by translate (the key itself when
// nil), which gets the error's MessageArgs. Cells that a spreadsheet would
// run as formulas are prefixed with an apostrophe.
func WriteRowErrorsCSV(w io.Writer, errs []RowError, lang string, translate func(key string, args map[string]any) string) error {
	if translate == nil {
		translate = func(key string, _ map[string]any) string { return key }
	}
	if _, err := io.WriteString(w, "\ufeff"); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	head := []string{
		translate("import.row", nil), translate("import.column", nil),
		translate("import.reason", nil), translate("import.value", nil),
	}
	if err := cw.Write(head); err != nil {
		return err
	}
	for _, e := range errs {
		rec := []string{strconv.Itoa(e.Row), export.CSVText(e.Column), export.CSVText(translate(e.Reason, e.MessageArgs(lang))), export.CSVText(e.Value)}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

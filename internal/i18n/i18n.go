// Package i18n owns the platform's three languages: the message files
// locales/{ky,ru,en}.toml (with one locales/<module>.<lang>.toml per module
// that keeps its messages apart), message lookup with plural forms, the choice of
// language for a request, and number and date formatting.
//
// The message files are embedded and loaded once into one go-i18n bundle at
// start; a broken file stops the program there rather than showing keys to
// users. A *Localizer is immutable and safe for concurrent use, so handlers
// take the one of the request's language from For and bind its T to their
// templates.
package i18n

import (
	"embed"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/BurntSushi/toml"
	goi18n "github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
)

//go:embed locales/*.toml
var locales embed.FS

// Default is the language of a request that names none we have.
const Default = "ky"

// Languages are the supported language codes in the order the language
// switcher shows them; Kyrgyz, the state language, comes first.
var Languages = []string{"ky", "ru", "en"}

// Bishkek is the time zone dates and times are shown in: UTC+6 all year,
// with no daylight saving since 2005. A fixed zone spares the binary the
// tz database.
var Bishkek = time.FixedZone("+06", 6*3600)

var (
	bundle     *goi18n.Bundle
	localizers = map[string]*Localizer{}
	// catalogs holds each language's messages by ID, as go-i18n parsed them.
	catalogs = map[string]map[string]*goi18n.Message{}
)

func init() {
	bundle = goi18n.NewBundle(language.Make(Default))
	bundle.RegisterUnmarshalFunc("toml", toml.Unmarshal)
	for _, l := range Languages {
		cat := map[string]*goi18n.Message{}
		for _, name := range localeFiles(l) {
			mf, err := bundle.LoadMessageFileFS(locales, name)
			if err != nil {
				panic(fmt.Sprintf("i18n: load %s: %v", name, err))
			}
			for _, m := range mf.Messages {
				if _, dup := cat[m.ID]; dup {
					panic(fmt.Sprintf("i18n: %s: message %q is already in another %s file", name, m.ID, l))
				}
				cat[m.ID] = m
			}
		}
		catalogs[l] = cat
		localizers[l] = &Localizer{lang: l, loc: goi18n.NewLocalizer(bundle, l)}
	}
}

// localeFiles are the message files of lang: locales/<lang>.toml first, then
// every locales/<module>.<lang>.toml in name order.
func localeFiles(lang string) []string {
	entries, err := locales.ReadDir("locales")
	if err != nil {
		panic(fmt.Sprintf("i18n: %v", err))
	}
	files := []string{"locales/" + lang + ".toml"}
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), "."+lang+".toml") {
			files = append(files, "locales/"+e.Name())
		}
	}
	return files
}

// Supported reports whether lang is one of Languages.
func Supported(lang string) bool { return slices.Contains(Languages, lang) }

// LanguageName is the name of a language in itself, for the language
// switcher: "Кыргызча", "Русский", "English"; lang itself when unknown.
func LanguageName(lang string) string {
	switch lang {
	case "ky":
		return "Кыргызча"
	case "ru":
		return "Русский"
	case "en":
		return "English"
	}
	return lang
}

// Keys returns the message keys of the Kyrgyz file, sorted. The key test
// guarantees the other languages have the same ones.
func Keys() []string {
	keys := make([]string, 0, len(catalogs[Default]))
	for k := range catalogs[Default] {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// Has reports whether key is a message of the default language.
func Has(key string) bool {
	_, ok := catalogs[Default][key]
	return ok
}

// Localizer translates and formats for one language.
type Localizer struct {
	lang string
	loc  *goi18n.Localizer
}

// For returns the localizer of lang, or of Default for an unknown language.
func For(lang string) *Localizer {
	if l, ok := localizers[lang]; ok {
		return l
	}
	return localizers[Default]
}

// Lang is the localizer's language code.
func (l *Localizer) Lang() string { return l.lang }

// T returns the message key with its template filled from args, given as
// key/value pairs ("year", 2026) or as one map[string]any (or
// map[string]string). A "count" argument selects the plural form of a
// message that has them, and is shown with thousands separators (Number).
// A missing key returns the key itself and is logged once.
func (l *Localizer) T(key string, args ...any) string {
	return l.localize(key, templateData(args))
}

// Tn is T with the count n, which selects the plural form and fills
// {{.count}}. n is any integer type, a float, or a decimal string such as
// "1.5"; text/template can pass whatever a value holds.
func (l *Localizer) Tn(key string, n any, args ...any) string {
	data := templateData(args)
	data["count"] = n
	return l.localize(key, data)
}

func templateData(args []any) map[string]any {
	data := map[string]any{}
	if len(args) == 1 {
		switch m := args[0].(type) {
		case map[string]any:
			for k, v := range m {
				data[k] = v
			}
			return data
		case map[string]string:
			for k, v := range m {
				data[k] = v
			}
			return data
		case nil:
			return data
		}
	}
	for i := 0; i+1 < len(args); i += 2 {
		data[fmt.Sprint(args[i])] = args[i+1]
	}
	return data
}

func (l *Localizer) localize(key string, data map[string]any) string {
	cfg := &goi18n.LocalizeConfig{MessageID: key, TemplateData: data}
	if c, ok := data["count"]; ok {
		pc, shown, ok := pluralCount(c, l)
		if ok {
			data["count"] = shown
			// Only a message with plural forms may take a count: for one
			// without, go-i18n would look for a "one" form and fail on n=1.
			if m := catalogs[l.lang][key]; m != nil && isPlural(m) {
				cfg.PluralCount = pc
			}
		}
	}
	s, err := l.loc.Localize(cfg)
	if err != nil {
		var nf *goi18n.MessageNotFoundErr
		if errors.As(err, &nf) || s == "" {
			// go-i18n would answer with the Kyrgyz text; the key shows the
			// gap instead, and the key test keeps it from shipping.
			logMissing(l.lang, key, err)
			return key
		}
		// A plural form is missing and go-i18n fell back to "other":
		// better than the key, but worth a log line.
		logMissing(l.lang, key, err)
	}
	return s
}

// pluralCount turns a count into what go-i18n accepts for plural selection
// (an integer or a decimal string) and what the text shows.
func pluralCount(c any, l *Localizer) (pc any, shown string, ok bool) {
	switch n := c.(type) {
	case int:
		return n, l.Number(int64(n)), true
	case int8:
		return int64(n), l.Number(int64(n)), true
	case int16:
		return int64(n), l.Number(int64(n)), true
	case int32:
		return int64(n), l.Number(int64(n)), true
	case int64:
		return n, l.Number(n), true
	case uint:
		return strconv.FormatUint(uint64(n), 10), l.groupDigits(strconv.FormatUint(uint64(n), 10)), true
	case uint8:
		return int64(n), l.Number(int64(n)), true
	case uint16:
		return int64(n), l.Number(int64(n)), true
	case uint32:
		return int64(n), l.Number(int64(n)), true
	case uint64:
		return strconv.FormatUint(n, 10), l.groupDigits(strconv.FormatUint(n, 10)), true
	case float32:
		return pluralCount(float64(n), l)
	case float64:
		if math.IsNaN(n) || math.IsInf(n, 0) {
			return nil, "", false
		}
		s := strconv.FormatFloat(n, 'f', -1, 64)
		_, frac, _ := strings.Cut(s, ".")
		return s, l.Decimal(n, len(frac)), true
	case string:
		f, err := strconv.ParseFloat(n, 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			return nil, "", false
		}
		_, frac, _ := strings.Cut(n, ".")
		return n, l.Decimal(f, len(frac)), true
	}
	return nil, "", false
}

func isPlural(m *goi18n.Message) bool {
	return m.Zero != "" || m.One != "" || m.Two != "" || m.Few != "" || m.Many != ""
}

// missing remembers which gaps were logged; bounded so that keys built
// from data cannot grow it without end.
var missing = struct {
	sync.Mutex
	seen map[string]bool
}{seen: map[string]bool{}}

func logMissing(lang, key string, err error) {
	missing.Lock()
	id := lang + ":" + key
	first := !missing.seen[id] && len(missing.seen) < 10000
	if first {
		missing.seen[id] = true
	}
	missing.Unlock()
	if first {
		slog.Warn("i18n: missing translation", "lang", lang, "key", key, "err", err)
	}
}

// Negotiate chooses the language of a request: a remembered choice (the
// cookie) wins when it is a supported language, then the supported
// language with the highest quality in the Accept-Language header (the
// earlier one on a tie; "ru-KG" counts as "ru"), then Default.
func Negotiate(acceptLanguage, cookie string) string {
	if c := strings.ToLower(strings.TrimSpace(cookie)); Supported(c) {
		return c
	}
	best, bestQ := "", 0.0
	for part := range strings.SplitSeq(acceptLanguage, ",") {
		tag, params, _ := strings.Cut(part, ";")
		tag = strings.ToLower(strings.TrimSpace(tag))
		q := 1.0
		if params != "" {
			var ok bool
			if q, ok = quality(params); !ok {
				continue
			}
		}
		base, _, _ := strings.Cut(tag, "-")
		if Supported(base) && q > bestQ {
			best, bestQ = base, q
		}
	}
	if best != "" {
		return best
	}
	return Default
}

// quality reads the q parameter of one Accept-Language entry; ok is false
// when it is malformed, and the entry is then ignored as RFC 9110 allows.
func quality(params string) (q float64, ok bool) {
	q = 1
	for p := range strings.SplitSeq(params, ";") {
		name, v, _ := strings.Cut(strings.TrimSpace(p), "=")
		if !strings.EqualFold(strings.TrimSpace(name), "q") {
			continue
		}
		f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
		if err != nil || f < 0 || f > 1 {
			return 0, false
		}
		q = f
	}
	return q, true
}

// groupSep is the thousands separator: a no-break space in Kyrgyz and
// Russian, as CLDR and browsers' Intl.NumberFormat have it, so that a
// number never breaks across lines; a comma in English.
func (l *Localizer) groupSep() string {
	if l.lang == "en" {
		return ","
	}
	return "\u00a0"
}

func (l *Localizer) decimalSep() string {
	if l.lang == "en" {
		return "."
	}
	return ","
}

// groupDigits puts thousands separators into a string of digits with an
// optional leading minus.
func (l *Localizer) groupDigits(s string) string {
	sign := ""
	if strings.HasPrefix(s, "-") {
		sign, s = "-", s[1:]
	}
	if len(s) <= 3 {
		return sign + s
	}
	sep := l.groupSep()
	var b strings.Builder
	b.Grow(len(s) + len(s)/3*len(sep) + 1)
	b.WriteString(sign)
	for i := range len(s) {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteString(sep)
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// Number formats an integer with thousands separators: "78 405" (no-break
// space) in Kyrgyz and Russian, "78,405" in English.
func (l *Localizer) Number(n int64) string {
	return l.groupDigits(strconv.FormatInt(n, 10))
}

// Decimal formats f rounded to digits decimals, with thousands separators
// and a decimal comma in Kyrgyz and Russian ("1 234,50"), a point in
// English ("1,234.50"). A value that rounds to zero loses its minus; NaN
// and infinities show as "—", as the front end shows them.
func (l *Localizer) Decimal(f float64, digits int) string {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return "—"
	}
	digits = max(digits, 0)
	s := strconv.FormatFloat(f, 'f', digits, 64)
	if strings.HasPrefix(s, "-") && strings.Trim(s, "-0.") == "" {
		s = s[1:]
	}
	whole, frac, _ := strings.Cut(s, ".")
	out := l.groupDigits(whole)
	if frac != "" {
		out += l.decimalSep() + frac
	}
	return out
}

// Percent formats a value given in percentage points (25.65 means 25.65 %)
// with digits decimals: "25,65 %" with a no-break space in Kyrgyz and
// Russian, "25.65%" in English.
func (l *Localizer) Percent(f float64, digits int) string {
	s := l.Decimal(f, digits)
	if s == "—" {
		return s
	}
	if l.lang == "en" {
		return s + "%"
	}
	return s + "\u00a0%"
}

// Date formats the calendar day of t in Bishkek: "25.11.2026" in Kyrgyz
// and Russian, as official documents write it, and "25 Nov 2026" in
// English. The zero time gives "".
func (l *Localizer) Date(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	t = t.In(Bishkek)
	if l.lang == "en" {
		return fmt.Sprintf("%d %s %d", t.Day(), t.Format("Jan"), t.Year())
	}
	return t.Format("02.01.2006")
}

// DateTime formats a moment in Bishkek time to the minute:
// "25.11.2026 09:04", or "25 Nov 2026, 09:04" in English.
func (l *Localizer) DateTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	sep := " "
	if l.lang == "en" {
		sep = ", "
	}
	return l.Date(t) + sep + t.In(Bishkek).Format("15:04")
}

// Kyrgyz official usage takes the month names from Russian; standalone
// names are capitalised as labels (table headers, chart axes, selects).
var monthNames = map[string][12]string{
	"ky": {"Январь", "Февраль", "Март", "Апрель", "Май", "Июнь", "Июль", "Август", "Сентябрь", "Октябрь", "Ноябрь", "Декабрь"},
	"ru": {"Январь", "Февраль", "Март", "Апрель", "Май", "Июнь", "Июль", "Август", "Сентябрь", "Октябрь", "Ноябрь", "Декабрь"},
	"en": {"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"},
}

// Short weekday names, Monday first (CLDR "short" forms; the front end's
// chart locale uses the same).
var weekdayNames = map[string][7]string{
	"ky": {"дш", "шш", "шр", "бш", "жм", "иш", "жк"},
	"ru": {"пн", "вт", "ср", "чт", "пт", "сб", "вс"},
	"en": {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"},
}

// Month returns the standalone name of m ("Ноябрь", "November"), or ""
// for a value outside 1–12.
func (l *Localizer) Month(m time.Month) string {
	if m < time.January || m > time.December {
		return ""
	}
	return monthNames[l.lang][m-1]
}

// Weekday returns the short name of d ("дш", "пн", "Mon" for Monday).
func (l *Localizer) Weekday(d time.Weekday) string {
	if d < time.Sunday || d > time.Saturday {
		return ""
	}
	return weekdayNames[l.lang][(d+6)%7]
}

// Weekdays returns the short weekday names from Monday to Sunday, as week
// tables and day-of-week charts in Kyrgyzstan order them.
func (l *Localizer) Weekdays() []string {
	w := weekdayNames[l.lang]
	return w[:]
}

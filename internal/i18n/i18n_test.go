package i18n

import (
	"bufio"
	"bytes"
	"fmt"
	"log/slog"
	"maps"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode"

	goi18n "github.com/nicksnyder/go-i18n/v2/i18n"
)

const nbsp = "\u00a0"

// pluralForms are the CLDR cardinal forms each language needs; go-i18n
// picks them by the same rules.
var pluralForms = map[string][]string{
	"ky": {"one", "other"},
	"ru": {"one", "few", "many", "other"},
	"en": {"one", "other"},
}

// forms returns a message's non-empty texts by plural form ("" for a
// message without plural forms).
func forms(m *goi18n.Message) map[string]string {
	all := map[string]string{"zero": m.Zero, "one": m.One, "two": m.Two, "few": m.Few, "many": m.Many, "other": m.Other}
	if !isPlural(m) {
		return map[string]string{"": m.Other}
	}
	out := map[string]string{}
	for f, s := range all {
		if s != "" {
			out[f] = s
		}
	}
	return out
}

var placeholder = regexp.MustCompile(`\{\{\s*\.(\w+)\s*\}\}`)

// vars returns the sorted template variables used by any form of m.
func vars(m *goi18n.Message) []string {
	set := map[string]bool{}
	for _, s := range forms(m) {
		for _, sm := range placeholder.FindAllStringSubmatch(s, -1) {
			set[sm[1]] = true
		}
	}
	return slices.Sorted(maps.Keys(set))
}

func TestMessageKeysMatch(t *testing.T) {
	ky := catalogs["ky"]
	if len(ky) < 200 {
		t.Fatalf("ky.toml has %d messages, want the full seed set (200+)", len(ky))
	}
	for _, lang := range Languages {
		t.Run(lang, func(t *testing.T) {
			cat := catalogs[lang]
			for id := range ky {
				if _, ok := cat[id]; !ok {
					t.Errorf("%q is in ky.toml but not in %s.toml", id, lang)
				}
			}
			for id := range cat {
				if _, ok := ky[id]; !ok {
					t.Errorf("%q is in %s.toml but not in ky.toml", id, lang)
				}
			}
		})
	}
}

func TestMessagesNotEmpty(t *testing.T) {
	for _, lang := range Languages {
		for id, m := range catalogs[lang] {
			for f, s := range forms(m) {
				if strings.TrimSpace(s) == "" {
					t.Errorf("%s.toml: %q form %q is empty", lang, id, f)
				}
			}
			if !isPlural(m) && strings.TrimSpace(m.Other) == "" {
				t.Errorf("%s.toml: %q is empty", lang, id)
			}
		}
	}
}

// A plural message must have exactly the forms CLDR gives its language, in
// every language, so no count ever falls back or fails.
func TestPluralFormsComplete(t *testing.T) {
	for id := range catalogs[Default] {
		plural := false
		for _, lang := range Languages {
			if m := catalogs[lang][id]; m != nil && isPlural(m) {
				plural = true
			}
		}
		if !plural {
			continue
		}
		for _, lang := range Languages {
			m := catalogs[lang][id]
			if m == nil {
				continue // reported by TestMessageKeysMatch
			}
			got := slices.Sorted(maps.Keys(forms(m)))
			want := slices.Sorted(slices.Values(pluralForms[lang]))
			if !slices.Equal(got, want) {
				t.Errorf("%s.toml %q: got plural forms %v, want %v", lang, id, got, want)
			}
		}
	}
}

// Every language must use the same template variables for a key, or a
// translation silently drops a value ({{.count}}, {{.field}}).
func TestPlaceholdersMatch(t *testing.T) {
	for id, m := range catalogs[Default] {
		want := vars(m)
		for _, lang := range Languages[1:] {
			if o := catalogs[lang][id]; o != nil {
				if got := vars(o); !slices.Equal(got, want) {
					t.Errorf("%s.toml %q: got variables %v, want %v as in ky.toml", lang, id, got, want)
				}
			}
		}
	}
}

// Every message renders through T in every language with its variables
// filled, and never as the key or with "<no value>".
func TestEveryMessageRenders(t *testing.T) {
	for _, lang := range Languages {
		l := For(lang)
		for id, m := range catalogs[lang] {
			args := map[string]any{}
			for _, v := range vars(m) {
				args[v] = "X"
			}
			counts := []any{nil}
			if isPlural(m) {
				counts = []any{0, 1, 2, 5, 21, "1.5"}
			}
			for _, c := range counts {
				if c != nil {
					args["count"] = c
				}
				got := l.T(id, args)
				if got == id || strings.Contains(got, "<no value>") || strings.Contains(got, "{{") {
					t.Errorf("%s %q (count %v): got %q", lang, id, c, got)
				}
			}
		}
	}
}

// Appended keys must not land inside a TOML table, so the files keep none.
func TestLocaleFilesHaveNoTables(t *testing.T) {
	for _, lang := range Languages {
		for _, name := range localeFiles(lang) {
			b, err := locales.ReadFile(name)
			if err != nil {
				t.Fatal(err)
			}
			sc := bufio.NewScanner(bytes.NewReader(b))
			for n := 1; sc.Scan(); n++ {
				if strings.HasPrefix(strings.TrimSpace(sc.Text()), "[") {
					t.Errorf("%s:%d: got a table header %q, want plural messages as one-line inline tables", name, n, sc.Text())
				}
			}
		}
	}
}

// A Kyrgyz text equal to the Russian one and longer than three words was
// almost certainly never translated. Short ones ("Аналитик", "Gi* z") may
// rightly be the same.
func TestKyrgyzTranslated(t *testing.T) {
	var offenders []string
	for id, m := range catalogs["ky"] {
		ru := catalogs["ru"][id]
		if ru == nil {
			continue
		}
		for f, s := range forms(m) {
			if s == forms(ru)[f] && len(strings.Fields(s)) > 3 {
				offenders = append(offenders, fmt.Sprintf("%s: %q", strings.TrimSpace(id+" "+f), s))
			}
		}
	}
	slices.Sort(offenders)
	if len(offenders) > 0 {
		t.Errorf("ky.toml has %d texts identical to ru.toml; translate them:\n%s", len(offenders), strings.Join(offenders, "\n"))
	}
}

// Letters of neighbouring alphabets slip into Kyrgyz texts through
// keyboards: Kazakh ә ғ қ ұ һ і, Khanty ӊ for ң, Tajik ӯ ӣ ҳ.
func TestKyrgyzLetters(t *testing.T) {
	const foreign = "әӘғҒқҚұҰһҺіІӊӉӯӮӣӢҳҲ"
	for id, m := range catalogs["ky"] {
		for f, s := range forms(m) {
			if i := strings.IndexAny(s, foreign); i >= 0 {
				t.Errorf("ky.toml %q %s: got letter %q in %q, not a Kyrgyz letter", id, f, []rune(s[i:])[0], s)
			}
		}
	}
}

// A word that mixes Latin and Cyrillic letters is a look-alike typo (Latin
// "o" or "c" inside a Cyrillic word), invisible on screen and fatal to search.
func TestNoMixedScriptWords(t *testing.T) {
	for _, lang := range Languages {
		for id, m := range catalogs[lang] {
			for f, s := range forms(m) {
				words := strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) })
				for _, w := range words {
					latin, cyr := false, false
					for _, r := range w {
						latin = latin || unicode.Is(unicode.Latin, r)
						cyr = cyr || unicode.Is(unicode.Cyrillic, r)
					}
					if latin && cyr {
						t.Errorf("%s.toml %q %s: got word %q mixing Latin and Cyrillic letters", lang, id, f, w)
					}
				}
			}
		}
	}
}

func TestSeedKeysPresent(t *testing.T) {
	// Keys the web and store layers use; one per group is enough to catch
	// a dropped section, the full list is in the locale files.
	for _, k := range []string{
		"app.name", "app.tagline", "nav.road_safety", "nav.my_tasks", "common.coming_soon", "common.total",
		"common.population_year", "common.population_nearest", "common.required_hint", "common.skip_to_content",
		"territory.kind.city_republican", "territory.level.precinct", "territory.boundaries_import",
		"territory.populations_import", "territory.import_report", "territory.error.precinct_code",
		"body.type.coordination_commission", "body.internal_fields", "body.error.has_users",
		"user.role.administrator", "user.enable", "user.disable", "user.one_time_password",
		"auth.too_many_attempts", "auth.session_expired", "audit.action.delete", "audit.to",
		"error.validation", "error.method_not_allowed", "error.csrf", "error.wrong_type",
		"home.intro", "home.modules_intro", "health.ok",
	} {
		if !Has(k) {
			t.Errorf("Has(%q): got false, want true", k)
		}
	}
	if Has("no.such.key") {
		t.Error(`Has("no.such.key"): got true, want false`)
	}
	if keys := Keys(); !slices.IsSorted(keys) || len(keys) != len(catalogs[Default]) {
		t.Errorf("Keys(): got %d keys (sorted %v), want %d sorted", len(keys), slices.IsSorted(keys), len(catalogs[Default]))
	}
}

func TestT(t *testing.T) {
	cases := []struct {
		name, lang, key string
		args            []any
		want            string
	}{
		{"ky plain", "ky", "nav.bodies", nil, "Органдар"},
		{"ru plain", "ru", "nav.bodies", nil, "Органы"},
		{"en plain", "en", "nav.bodies", nil, "Bodies"},
		{"pairs", "en", "common.population_year", []any{"year", 2026}, "Population (2026)"},
		{"map", "en", "common.page_of", []any{map[string]any{"page": 2, "pages": 7}}, "Page 2 of 7"},
		{"string map", "ru", "common.page_of", []any{map[string]string{"page": "2", "pages": "7"}}, "Страница 2 из 7"},
		{"nil map", "en", "nav.home", []any{map[string]any(nil)}, "Home"},
		{"ky template", "ky", "common.population_nearest", []any{"year", 2021}, "2021-жылдагы калктын саны, эң жакын мурунку жыл"},
		{"count in pairs", "ru", "common.total", []any{"count", 3}, "Всего 3 записи"},
		{"count in map", "en", "body.error.has_users", []any{map[string]any{"count": int64(1)}}, "The body has 1 user; move them to another body first"},
		// A count given to a message without plural forms must not make
		// go-i18n look for a "one" form.
		{"count on non-plural", "en", "nav.home", []any{"count", 1}, "Home"},
		{"odd args", "en", "nav.home", []any{"dangling"}, "Home"},
		{"missing key", "en", "no.such.key", nil, "no.such.key"},
		{"unknown language", "fr", "nav.bodies", nil, "Органдар"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := For(c.lang).T(c.key, c.args...); got != c.want {
				t.Errorf("T(%q, %v) in %s: got %q, want %q", c.key, c.args, c.lang, got, c.want)
			}
		})
	}
}

func TestTn(t *testing.T) {
	cases := []struct {
		lang string
		n    any
		want string
	}{
		{"ru", 1, "Всего 1 запись"},
		{"ru", 2, "Всего 2 записи"},
		{"ru", 4, "Всего 4 записи"},
		{"ru", 5, "Всего 5 записей"},
		{"ru", 0, "Всего 0 записей"},
		{"ru", 11, "Всего 11 записей"},
		{"ru", 12, "Всего 12 записей"},
		{"ru", 21, "Всего 21 запись"},
		{"ru", 22, "Всего 22 записи"},
		{"ru", 111, "Всего 111 записей"},
		{"ru", int64(12345), "Всего 12" + nbsp + "345 записей"},
		{"ru", uint32(101), "Всего 101 запись"},
		{"ru", 1.5, "Всего 1,5 записи"},
		{"ru", "2.5", "Всего 2,5 записи"},
		{"ky", 1, "Бардыгы 1 жазуу"},
		{"ky", 2, "Бардыгы 2 жазуу"},
		{"ky", 5, "Бардыгы 5 жазуу"},
		{"ky", 78405, "Бардыгы 78" + nbsp + "405 жазуу"},
		{"en", 1, "1 record in total"},
		{"en", 2, "2 records in total"},
		{"en", 0, "0 records in total"},
		{"en", 1000, "1,000 records in total"},
	}
	for _, c := range cases {
		t.Run(fmt.Sprintf("%s %v", c.lang, c.n), func(t *testing.T) {
			if got := For(c.lang).Tn("common.total", c.n); got != c.want {
				t.Errorf("got %q, want %q", got, c.want)
			}
		})
	}
	t.Run("extra args", func(t *testing.T) {
		got := For("ru").Tn("body.error.has_users", 3, "unused", "x")
		if want := "В органе 3 пользователя; сначала переведите их в другой орган"; got != want {
			t.Errorf("got %q, want %q", got, want)
		}
	})
}

func TestMissingKeyLoggedOnce(t *testing.T) {
	var buf bytes.Buffer
	prev := slog.Default()
	slog.SetDefault(slog.New(slog.NewTextHandler(&buf, nil)))
	t.Cleanup(func() { slog.SetDefault(prev) })

	key := "test.missing_logged_once"
	for range 3 {
		if got := For("ru").T(key); got != key {
			t.Fatalf("got %q, want the key %q", got, key)
		}
	}
	if n := strings.Count(buf.String(), "key="+key); n != 1 {
		t.Errorf("got %d log lines naming %s, want 1:\n%s", n, key, buf.String())
	}
	For("en").T(key)
	if n := strings.Count(buf.String(), "key="+key); n != 2 {
		t.Errorf("got %d log lines after a second language, want 2", n)
	}
}

// A count passed to a message without plural forms (as aldyn.Error args
// may carry one) renders quietly, without a plural-form lookup that fails.
func TestCountOnPlainMessageLogsNothing(t *testing.T) {
	var buf bytes.Buffer
	prev := slog.Default()
	slog.SetDefault(slog.New(slog.NewTextHandler(&buf, nil)))
	t.Cleanup(func() { slog.SetDefault(prev) })

	for _, lang := range Languages {
		want := catalogs[lang]["error.validation"].Other
		if got := For(lang).T("error.validation", "count", 1); got != want {
			t.Errorf("%s: got %q, want %q", lang, got, want)
		}
	}
	if buf.Len() > 0 {
		t.Errorf("got log output %q, want none", buf.String())
	}
}

func TestFor(t *testing.T) {
	for _, c := range []struct{ in, want string }{{"ky", "ky"}, {"ru", "ru"}, {"en", "en"}, {"", "ky"}, {"RU", "ky"}, {"de", "ky"}} {
		if got := For(c.in).Lang(); got != c.want {
			t.Errorf("For(%q).Lang(): got %q, want %q", c.in, got, c.want)
		}
	}
	if !Supported("ru") || Supported("kk") {
		t.Errorf("Supported: got ru=%v kk=%v, want true false", Supported("ru"), Supported("kk"))
	}
	for lang, want := range map[string]string{"ky": "Кыргызча", "ru": "Русский", "en": "English", "xx": "xx"} {
		if got := LanguageName(lang); got != want {
			t.Errorf("LanguageName(%q): got %q, want %q", lang, got, want)
		}
	}
}

func TestNumber(t *testing.T) {
	cases := []struct {
		lang string
		n    int64
		want string
	}{
		{"ky", 78405, "78" + nbsp + "405"},
		{"ru", 78405, "78" + nbsp + "405"},
		{"en", 78405, "78,405"},
		{"ky", 0, "0"},
		{"ky", 999, "999"},
		{"ky", 1000, "1" + nbsp + "000"},
		{"en", 7_281_000, "7,281,000"},
		{"ru", -1234567, "-1" + nbsp + "234" + nbsp + "567"},
		{"en", -100, "-100"},
		{"en", -9223372036854775808, "-9,223,372,036,854,775,808"},
	}
	for _, c := range cases {
		t.Run(fmt.Sprintf("%s %d", c.lang, c.n), func(t *testing.T) {
			if got := For(c.lang).Number(c.n); got != c.want {
				t.Errorf("got %q, want %q", got, c.want)
			}
		})
	}
}

func TestDecimalAndPercent(t *testing.T) {
	cases := []struct {
		name, got, want string
	}{
		{"ru decimal", For("ru").Decimal(25.6504, 2), "25,65"},
		{"ky decimal", For("ky").Decimal(1234.5, 2), "1" + nbsp + "234,50"},
		{"en decimal", For("en").Decimal(1234.5, 2), "1,234.50"},
		{"en rounding", For("en").Decimal(2.675, 1), "2.7"},
		{"no digits", For("ru").Decimal(1234.4, 0), "1" + nbsp + "234"},
		{"negative digits", For("en").Decimal(12.3, -1), "12"},
		{"negative", For("ru").Decimal(-0.25, 2), "-0,25"},
		{"negative zero", For("ru").Decimal(-0.001, 2), "0,00"},
		{"large", For("en").Decimal(1e18, 1), "1,000,000,000,000,000,000.0"},
		{"NaN", For("en").Decimal(nan(), 2), "—"},
		{"ky percent", For("ky").Percent(25.65, 2), "25,65" + nbsp + "%"},
		{"ru percent", For("ru").Percent(3, 0), "3" + nbsp + "%"},
		{"en percent", For("en").Percent(25.65, 2), "25.65%"},
		{"percent NaN", For("ru").Percent(nan(), 1), "—"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.got != c.want {
				t.Errorf("got %q, want %q", c.got, c.want)
			}
		})
	}
}

func nan() float64 { var z float64; return z / z }

func TestDates(t *testing.T) {
	utc := time.Date(2026, 11, 25, 3, 4, 0, 0, time.UTC)
	lateUTC := time.Date(2026, 11, 25, 20, 30, 0, 0, time.UTC) // 26 Nov 02:30 in Bishkek
	cases := []struct {
		name, got, want string
	}{
		{"ky date", For("ky").Date(utc), "25.11.2026"},
		{"ru date", For("ru").Date(utc), "25.11.2026"},
		{"en date", For("en").Date(utc), "25 Nov 2026"},
		{"en single-digit day", For("en").Date(time.Date(2026, 3, 5, 0, 0, 0, 0, time.UTC)), "5 Mar 2026"},
		{"date in Bishkek", For("ru").Date(lateUTC), "26.11.2026"},
		{"zero date", For("ky").Date(time.Time{}), ""},
		{"ky datetime", For("ky").DateTime(utc), "25.11.2026 09:04"},
		{"ru datetime", For("ru").DateTime(lateUTC), "26.11.2026 02:30"},
		{"en datetime", For("en").DateTime(utc), "25 Nov 2026, 09:04"},
		{"zero datetime", For("en").DateTime(time.Time{}), ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.got != c.want {
				t.Errorf("got %q, want %q", c.got, c.want)
			}
		})
	}
}

func TestMonthsAndWeekdays(t *testing.T) {
	cases := []struct {
		name, got, want string
	}{
		{"ky january", For("ky").Month(time.January), "Январь"},
		{"ky november", For("ky").Month(time.November), "Ноябрь"},
		{"ru december", For("ru").Month(time.December), "Декабрь"},
		{"en may", For("en").Month(time.May), "May"},
		{"out of range", For("en").Month(13), ""},
		{"ky monday", For("ky").Weekday(time.Monday), "дш"},
		{"ky sunday", For("ky").Weekday(time.Sunday), "жк"},
		{"ru sunday", For("ru").Weekday(time.Sunday), "вс"},
		{"en saturday", For("en").Weekday(time.Saturday), "Sat"},
		{"weekday out of range", For("en").Weekday(9), ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.got != c.want {
				t.Errorf("got %q, want %q", c.got, c.want)
			}
		})
	}
	want := map[string][]string{
		"ky": {"дш", "шш", "шр", "бш", "жм", "иш", "жк"},
		"ru": {"пн", "вт", "ср", "чт", "пт", "сб", "вс"},
		"en": {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"},
	}
	for lang, w := range want {
		got := For(lang).Weekdays()
		if !slices.Equal(got, w) {
			t.Errorf("%s Weekdays(): got %v, want %v", lang, got, w)
		}
		got[0] = "changed"
		if For(lang).Weekdays()[0] != w[0] {
			t.Errorf("%s Weekdays(): a caller's change leaked into the next call", lang)
		}
	}
	for m := time.January; m <= time.December; m++ {
		for _, lang := range Languages {
			if For(lang).Month(m) == "" {
				t.Errorf("%s Month(%d): got empty", lang, m)
			}
		}
	}
}

func TestNegotiate(t *testing.T) {
	cases := []struct{ name, header, cookie, want string }{
		{"nothing", "", "", "ky"},
		{"russian browser", "ru-RU,ru;q=0.9,en-US;q=0.8,en;q=0.7", "", "ru"},
		{"english browser", "en-US,en;q=0.9", "", "en"},
		{"kyrgyz region tag", "ky-KG", "", "ky"},
		{"case and spaces", " RU-kg ; q=0.8 , en ; q=0.5", "", "ru"},
		{"unknown languages", "fr-FR,de;q=0.9", "", "ky"},
		{"highest quality wins", "fr,en;q=0.5,ru;q=0.7", "", "ru"},
		{"order breaks ties", "en;q=0.8,ru;q=0.8", "", "en"},
		{"quality zero refuses", "en;q=0", "", "ky"},
		{"refused one skipped", "en;q=0,ru;q=0.1", "", "ru"},
		{"malformed quality ignored", "en;q=abc,ru;q=0.2", "", "ru"},
		{"quality above one ignored", "en;q=2,ru;q=0.2", "", "ru"},
		{"wildcard", "*", "", "ky"},
		{"garbage", ";;,,;q=", "", "ky"},
		{"cookie wins over header", "ru", "en", "en"},
		{"cookie wins over quality", "ru;q=1", "ky", "ky"},
		{"cookie case", "", "RU", "ru"},
		{"unknown cookie ignored", "ru", "xx", "ru"},
		{"empty cookie", "en", "", "en"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := Negotiate(c.header, c.cookie); got != c.want {
				t.Errorf("Negotiate(%q, %q): got %q, want %q", c.header, c.cookie, got, c.want)
			}
		})
	}
}

func BenchmarkT(b *testing.B) {
	l := For("ru")
	for b.Loop() {
		l.T("nav.bodies")
	}
}

func BenchmarkTn(b *testing.B) {
	l := For("ru")
	for b.Loop() {
		l.Tn("common.total", 12345)
	}
}

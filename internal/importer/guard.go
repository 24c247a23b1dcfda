package importer

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/aldyn-kg/aldyn"
)

// Reasons the personal-data guard refuses a file (translation keys; their
// arguments are column and row).
const (
	GuardPIN          = "import.guard.pin"            // a value shaped like a personal identification number
	GuardPhone        = "import.guard.phone"          // a value shaped like a phone number
	GuardNameHeader   = "import.guard.name_header"    // a column headed like a person's name
	GuardIDHeader     = "import.guard.id_header"      // headed like a personal number or identity document
	GuardPhoneHeader  = "import.guard.phone_header"   // headed like a phone number
	GuardBirthHeader  = "import.guard.birth_header"   // headed like a date or place of birth
	GuardAddress      = "import.guard.address_header" // an unmapped column headed like a house-level address
	GuardFreeTextHead = "import.guard.free_text_header"
	GuardFreeText     = "import.guard.free_text" // an unmapped column holding narrative text
)

// Refusal is the personal-data guard's verdict on a file: nothing of it
// may be kept. It names the column and why, never the value.
type Refusal struct {
	Column string // the header as written in the file
	Row    int    // where the value was found; the header's row for header reasons
	Reason string // translation key, one of the Guard… constants
}

func (r *Refusal) Error() string {
	return fmt.Sprintf("personal data guard: column %q (row %d): %s", r.Column, r.Row, r.Reason)
}

// Unwrap makes a refusal an EINVALID *aldyn.Error for callers that only
// know the domain error.
func (r *Refusal) Unwrap() error {
	return &aldyn.Error{Code: aldyn.EINVALID, Message: r.Reason, Args: map[string]any{"column": r.Column, "row": r.Row}}
}

// headerTokens splits a header into lower-cased words of letters and
// digits; "Аты-жөнү" gives аты, жөнү and "firstName" gives firstname.
func headerTokens(h string) []string {
	return strings.FieldsFunc(strings.ToLower(h), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
}

// Words that make a header personal whatever else it says. Matched against
// single words and against two neighbouring words joined ("first name").
var (
	nameWords = set("fio", "фио", "fullname", "firstname", "lastname", "middlename", "givenname", "familyname",
		"surname", "patronymic", "фамилия", "фамилиясы", "отчество", "атажөнү", "атыжөнү", "жөнү",
		"атасынынаты", "толукаты", "фамилияимяотчество", "имяотчество")
	// A bare "name"-like word is personal unless a word next to it says
	// what thing is named (territory name, name_ru of a category).
	nameAlone  = set("name", "names", "имя", "аты", "ысымы", "ысым")
	thingStems = []string{"categor", "категор", "territor", "аймак", "территор", "region", "регион", "облус", "област",
		"district", "район", "rayon", "oblast", "precinct", "участ", "article", "стать", "берене", "place", "мест",
		"жер", "type", "тип", "түр", "вид", "org", "орган", "мекеме", "учрежд", "body", "unit", "depart", "отдел",
		"бөлүм", "station", "city", "город", "шаар", "village", "село", "айыл", "settlement", "file", "файл", "sheet",
		"лист", "source", "источ", "булак", "crime", "offen", "преступ", "правонаруш", "кылмыш", "укук", "ky", "ru", "en", "kg"}
	idWords    = set("pin", "пин", "инн", "inn", "passport", "паспорт", "паспорту", "паспорттун", "snils", "idnumber", "personalnumber", "персональныйномер", "жекеномер", "жекеномери", "идентификациялыкномер")
	phoneWords = set("phone", "phones", "telephone", "tel", "mobile", "телефон", "телефону", "телефондору", "тел", "моб", "мобильный", "whatsapp", "telegram")
	birthWords = set("birth", "birthday", "birthdate", "dob", "рождения", "рожд", "туулган", "туулгандыгы", "др")
	// Address words refuse an unmapped column; house-level words do too.
	addressWords  = set("address", "addr", "адрес", "адреси", "адресу", "дарек", "дареги", "местожительства", "жашаганжери", "прописка", "регистрацияпоместужительства")
	houseWords    = set("house", "дом", "дома", "үй", "үйү", "квартира", "кв", "apartment", "apt", "flat", "building", "корпус", "подъезд")
	freeTextWords = set("фабула", "описание", "комментарий", "комментарии", "примечание", "обстоятельства", "сүрөттөмө",
		"баяндама", "эскертүү", "түшүндүрмө", "description", "comment", "comments", "note", "notes", "narrative", "remarks",
		"details", "text", "текст", "story")
)

func set(words ...string) map[string]bool {
	m := make(map[string]bool, len(words))
	for _, w := range words {
		m[w] = true
	}
	return m
}

// headerReason says why a header alone refuses the file; mapped columns are
// only checked for the person-identifying kinds, unmapped ones for
// addresses and free text too.
func headerReason(h string, mapped bool) string {
	toks := headerTokens(h)
	if len(toks) == 0 {
		return ""
	}
	words := make([]string, 0, 2*len(toks)+1)
	words = append(words, toks...)
	for i := 0; i+1 < len(toks); i++ {
		words = append(words, toks[i]+toks[i+1])
	}
	words = append(words, strings.Join(toks, ""))
	// Runs of single letters are abbreviations: "Ф.И.О. потерпевшего" → фио.
	for i := 0; i < len(toks); {
		j := i
		for j < len(toks) && utf8.RuneCountInString(toks[j]) == 1 {
			j++
		}
		if j-i > 1 {
			words = append(words, strings.Join(toks[i:j], ""))
		}
		i = max(j, i+1)
	}
	has := func(m map[string]bool) bool {
		for _, w := range words {
			if m[w] {
				return true
			}
		}
		return false
	}
	switch {
	case has(nameWords):
		return GuardNameHeader
	case has(idWords):
		return GuardIDHeader
	case has(phoneWords):
		return GuardPhoneHeader
	case has(birthWords):
		return GuardBirthHeader
	}
	for _, t := range toks {
		if nameAlone[t] && !namesAThing(toks) {
			return GuardNameHeader
		}
	}
	if mapped {
		return ""
	}
	if has(addressWords) {
		return GuardAddress
	}
	for i, t := range toks {
		// "үй-бүлө" is family, not a house.
		if houseWords[t] && !(t == "үй" && i+1 < len(toks) && strings.HasPrefix(toks[i+1], "бүлө")) {
			return GuardAddress
		}
	}
	if has(freeTextWords) {
		return GuardFreeTextHead
	}
	return ""
}

func namesAThing(toks []string) bool {
	for _, t := range toks {
		if nameAlone[t] {
			continue
		}
		for _, s := range thingStems {
			if strings.HasPrefix(t, s) && (len(s) > 2 || t == s) {
				return true
			}
		}
	}
	return false
}

// valueReason says whether a cell holds a personal identification number or
// a phone number, anywhere in it. year is the current year, the latest
// possible year of birth.
func valueReason(v string, year int) string {
	if len(v) < 8 {
		return ""
	}
	digits, plus, exp := 0, false, false
	for i := 0; i < len(v); i++ {
		switch c := v[i]; {
		case isDigit(c):
			digits++
		case c == '+':
			plus = true
		case c == 'e' || c == 'E':
			exp = true
		}
	}
	// Without a plus sign a phone number has at least 10 digits and a
	// personal number 14; with one, 8. Most cells stop here.
	if digits < 8 || digits < 10 && !plus {
		return ""
	}
	v = strings.TrimSpace(v)
	if exp {
		if e := expandExponent(v); e != "" {
			v = e // a number a spreadsheet wrote as 2.1501199012345E+13
		}
	}
	if r := wholeValueReason(v, year); r != "" {
		return r
	}
	// Inside longer text: a 14-digit run that is a PIN, a 12-digit run
	// starting with 996, or "+" followed by eight or more digits.
	for i := 0; i < len(v); {
		c := v[i]
		if c == '+' {
			if n := phoneDigitsAfterPlus(v[i+1:]); n >= 8 && n <= 15 {
				return GuardPhone
			}
			i++
			continue
		}
		if !isDigit(c) {
			i++
			continue
		}
		j := i
		for j < len(v) && isDigit(v[j]) {
			j++
		}
		// The decimals of a number (42.87462187462187) are not an identifier.
		if i >= 2 && (v[i-1] == '.' || v[i-1] == ',') && isDigit(v[i-2]) {
			i = j
			continue
		}
		switch run := v[i:j]; {
		case len(run) == 14 && isPIN(run, year):
			return GuardPIN
		case len(run) == 12 && strings.HasPrefix(run, "996"):
			return GuardPhone
		}
		i = j
	}
	return ""
}

// wholeValueReason looks at a cell made only of digits and the separators
// people write numbers with.
func wholeValueReason(v string, year int) string {
	var d [16]byte
	n, seps := 0, 0
	for i := 0; i < len(v); i++ {
		c := v[i]
		switch {
		case isDigit(c):
			if n == len(d) {
				return ""
			}
			d[n] = c
			n++
		case c == ' ' || c == '-' || c == '(' || c == ')' || (c == '+' && i == 0):
			seps++
		default:
			return ""
		}
	}
	if n < 8 {
		return ""
	}
	ds := string(d[:n])
	switch {
	case n == 14 && isPIN(ds, year):
		return GuardPIN
	case v[0] == '+' && n >= 8:
		return GuardPhone
	case n == 12 && strings.HasPrefix(ds, "996"):
		return GuardPhone
	// Kyrgyz national format 0XXX XXX XXX: operator and area codes start
	// with 2, 3, 5, 7, 8 or 9 after the trunk 0.
	case n == 10 && ds[0] == '0' && strings.IndexByte("235789", ds[1]) >= 0:
		return GuardPhone
	}
	return ""
}

func phoneDigitsAfterPlus(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case isDigit(c):
			n++
		case c == ' ' || c == '-' || c == '(' || c == ')':
			if n == 0 && c != '(' {
				return 0
			}
		default:
			return n
		}
	}
	return n
}

// isPIN reports whether 14 digits are shaped like a Kyrgyz personal
// identification number (ПИН, жеке идентификациялык номер, also the
// taxpayer number of an individual): a first digit of 1 (women) or 2 (men),
// then the date of birth as DDMMYYYY, then five digits (issuing office and
// serial number). We check the first digit and that the date exists
// between 1900 and this year; the last five digits have no check we know of.
func isPIN(d string, year int) bool {
	if len(d) != 14 || (d[0] != '1' && d[0] != '2') {
		return false
	}
	day := int(d[1]-'0')*10 + int(d[2]-'0')
	month := int(d[3]-'0')*10 + int(d[4]-'0')
	y := int(d[5]-'0')*1000 + int(d[6]-'0')*100 + int(d[7]-'0')*10 + int(d[8]-'0')
	return y >= 1900 && y <= year && month >= 1 && month <= 12 && day >= 1 && day <= daysIn(month, y)
}

// expandExponent rewrites a whole number in E-notation as its digits, or
// returns "".
func expandExponent(v string) string {
	if len(v) > 32 || strings.IndexByte(v, 'E') < 0 && strings.IndexByte(v, 'e') < 0 {
		return ""
	}
	f, err := strconv.ParseFloat(strings.Replace(v, ",", ".", 1), 64)
	if err != nil || f < 0 || f >= 1e16 || f != math.Trunc(f) {
		return ""
	}
	return strconv.FormatFloat(f, 'f', 0, 64)
}

// PersonalHeader says why a column header, or a question put to people,
// asks for personal data (a name, a personal number or identity document,
// a phone, a date or place of birth): one of the Guard… keys, or "" when
// it does not. The survey designer refuses such questions with it.
func PersonalHeader(h string) string { return headerReason(h, true) }

// PersonalValue says whether a value holds a personal identification
// number or a phone number (GuardPIN, GuardPhone) or neither (""); year is
// the current year. Free-text survey answers are screened with it.
func PersonalValue(v string, year int) string { return valueReason(v, year) }

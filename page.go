package aldyn

import "unicode/utf8"

// Page is the one pagination and sorting helper every list uses.
type Page struct {
	Offset int
	Limit  int
	Sort   string // a column name the store whitelists per list
	Desc   bool
}

// Limits of a page.
const (
	DefaultLimit = 25
	MaxLimit     = 500
)

// MaxSearchLength is the longest search text (q) a list takes, in
// characters: far more than any name or title, and far below SQLite's limit
// on a LIKE pattern (50,000 bytes), beyond which the query fails.
const MaxSearchLength = 200

// CheckSearch refuses a search text longer than MaxSearchLength.
func CheckSearch(q string) error {
	if utf8.RuneCountInString(q) > MaxSearchLength {
		e := Errorf(EINVALID, "error.search_too_long", "max", MaxSearchLength)
		e.Fields = map[string]string{"q": "error.search_too_long_short"}
		return e
	}
	return nil
}

// Normalize clamps offset and limit to sane values.
func (p Page) Normalize() Page {
	if p.Limit <= 0 {
		p.Limit = DefaultLimit
	}
	if p.Limit > MaxLimit {
		p.Limit = MaxLimit
	}
	if p.Offset < 0 {
		p.Offset = 0
	}
	return p
}

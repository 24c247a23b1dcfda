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

// AllPages collects every item of a list: it asks find for successive
// pages of MaxLimit items, in p's order, until it has the total. It is the
// one paging loop of exports and loaders.
func AllPages[T any](p Page, find func(Page) ([]T, int, error)) ([]T, error) {
	p = Page{Limit: MaxLimit, Sort: p.Sort, Desc: p.Desc}
	var out []T
	for {
		items, total, err := find(p)
		if err != nil {
			return nil, err
		}
		out = append(out, items...)
		p.Offset += len(items)
		if len(items) == 0 || p.Offset >= total {
			return out, nil
		}
	}
}

// Values copies the items pointed to, for inputs held by value; none is nil.
func Values[T any](ps []*T) []T {
	if len(ps) == 0 {
		return nil
	}
	out := make([]T, len(ps))
	for i, p := range ps {
		out[i] = *p
	}
	return out
}

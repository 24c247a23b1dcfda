package aldyn

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

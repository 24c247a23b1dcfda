package opendata

import (
	"github.com/paulmach/orb"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/disclosure"
)

// Cube is a table of counts of records under construction, in long form:
// one row per cell (its key values and its count), and the sums between
// cells a reader can form from what is published (a territory and its
// parts, a row and its total). Table applies the disclosure policy to it:
// primary and secondary suppression (disclosure.Suppress) over those sums.
type Cube struct {
	// ZeroComplements: see disclosure.Table; only for cubes whose cells
	// are each in one sum.
	ZeroComplements bool
	// OmitZeros leaves out the rows of published zeros (a table that says
	// an absent row is zero: the grid's empty cells).
	OmitZeros bool

	keys   [][]any
	counts []int64
	known  []bool
	sums   []disclosure.Sum
	index  map[string]int
	shapes []orb.MultiPolygon
}

// NewCube returns an empty cube.
func NewCube() *Cube { return &Cube{index: map[string]int{}} }

// Add adds a cell under a unique id, with its key values and count, or
// adds count to the cell already there. It returns the cell's index.
func (c *Cube) Add(id string, key []any, count int64) int {
	if i, ok := c.index[id]; ok {
		c.counts[i] += count
		return i
	}
	i := len(c.counts)
	c.index[id] = i
	c.keys = append(c.keys, key)
	c.counts = append(c.counts, count)
	c.known = append(c.known, false)
	c.shapes = append(c.shapes, nil)
	return i
}

// AddKnown adds a cell the table does not publish but a reader knows from
// another table (a margin published there): it constrains the suppression
// and never appears in the table.
func (c *Cube) AddKnown(id string, count int64) int {
	i := c.Add(id, nil, count)
	c.known[i] = true
	return i
}

// SetShape gives a cell its ground, for spatial tables: a grid square cut
// by its territory's boundary.
func (c *Cube) SetShape(i int, s orb.MultiPolygon) { c.shapes[i] = s }

// Lookup returns the index of the cell of an id.
func (c *Cube) Lookup(id string) (int, bool) {
	i, ok := c.index[id]
	return i, ok
}

// Count returns a cell's count.
func (c *Cube) Count(i int) int64 { return c.counts[i] }

// Sum records that cell total is the sum of the cells parts.
func (c *Cube) Sum(total int, parts []int) {
	c.sums = append(c.sums, disclosure.Sum{Total: total, Parts: parts})
}

// Len is the number of cells, known ones included.
func (c *Cube) Len() int { return len(c.counts) }

// Derived computes the figures of a row beside its count (a rate): they
// are withheld with the count.
type Derived struct {
	Fields []Field
	Values func(cell int, count int64) []any
}

// Table applies the disclosure policy with minimum count k and returns the
// table: the key fields, the count field, the derived fields, and the
// suppressed flag; withheld counts and their derived figures are nil.
func (c *Cube) Table(name string, title aldyn.Text, keyFields []Field, count Field, derived Derived, k int, spatial bool) (*Table, error) {
	flags, err := disclosure.Suppress(&disclosure.Table{Values: c.counts, Sums: c.sums, Known: c.known, ZeroComplements: c.ZeroComplements}, k)
	if err != nil {
		return nil, err
	}
	count.Count = true
	t := &Table{Name: name, Title: title}
	t.Fields = append(append(append(append(t.Fields, keyFields...), count), derived.Fields...), Field{
		Name: SuppressedField, Type: "boolean",
		Title: aldyn.Text{KY: "Жашырылган", RU: "Скрыто", EN: "Suppressed"},
		Description: aldyn.Text{
			KY: "true болсо, сан (жана андан эсептелгендер) ачыкка чыгарылбайт: аз санды же аны эсептеп чыгарууга мүмкүн болгон санды коргоо үчүн.",
			RU: "true — число (и то, что из него вычислено) не публикуется: чтобы защитить малое число или не дать его вычислить.",
			EN: "true when the count (and what is computed from it) is withheld, to protect a small count or to keep one from being recomputed.",
		},
	})
	for i := range c.counts {
		if c.known[i] {
			continue
		}
		withheld := flags[i].Suppressed()
		if c.OmitZeros && !withheld && c.counts[i] == 0 {
			continue
		}
		row := append([]any{}, c.keys[i]...)
		var dv []any
		if derived.Values != nil {
			dv = derived.Values(i, c.counts[i])
		}
		if withheld {
			row = append(row, nil)
			row = append(row, make([]any, len(derived.Fields))...)
		} else {
			row = append(row, c.counts[i])
			row = append(row, dv...)
		}
		row = append(row, withheld)
		t.Rows = append(t.Rows, row)
		t.Flags = append(t.Flags, flags[i])
		if spatial {
			t.Shapes = append(t.Shapes, c.shapes[i])
		}
	}
	return t, nil
}

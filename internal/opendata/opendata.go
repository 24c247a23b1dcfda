// Package opendata publishes depersonalised statistics as open datasets: a
// registry of datasets, each built from Aldyn's data into tables when its
// source changes (never per request), with statistical disclosure control
// (package disclosure) applied to every count of records, and written out
// as CSV, XLSX, JSON, GeoJSON and a Frictionless Data Package. The web
// layer serves the built files, the CKAN action API and the DCAT-AP
// catalogue from them.
//
// # Adding a dataset
//
// A module registers its dataset once, in an init function of its own
// package (see datasets.go for the platform's):
//
//	func init() {
//		opendata.Register(opendata.Dataset{
//			Slug: "resident-reports", Theme: opendata.ThemeSafety,
//			Title: aldyn.Text{KY: "…", RU: "…", EN: "…"}, Description: …,
//			Frequency: opendata.Monthly, Keywords: []string{"residents"},
//			Source: opendata.StatsSource, // or its own version function
//			Build:  buildResidentReports, // returns []*opendata.Table
//		})
//	}
//
// A table that counts records about people (Field.Count) must be made by
// Cube.Table, which applies the disclosure policy; Build refuses any other.
package opendata

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"time"

	"github.com/paulmach/orb"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/disclosure"
	"github.com/aldyn-kg/aldyn/internal/i18n"
	"github.com/aldyn-kg/aldyn/internal/store"
)

// Themes group datasets on the portal and are CKAN's groups.
const (
	ThemeOffenses     = "offenses"
	ThemePlans        = "plans"
	ThemeCoordination = "coordination"
	ThemeOfficial     = "official"
)

// Themes lists the themes in the order the portal shows them.
var Themes = []string{ThemeOffenses, ThemeOfficial, ThemePlans, ThemeCoordination}

// Update frequencies (the EU frequency vocabulary's names).
const (
	Monthly   = "MONTHLY"
	Quarterly = "QUARTERLY"
	Irregular = "IRREG"
	Never     = "NEVER"
)

// Dataset is one registration: what a dataset is and how it is built.
type Dataset struct {
	// Slug is the dataset's stable name in URLs and the CKAN API.
	Slug        string
	Title       aldyn.Text
	Description aldyn.Text
	Theme       string // one of Themes
	// Keywords are CKAN's tags: lower-case English words.
	Keywords  []string
	Frequency string
	// Spatial datasets have GeoJSON resources (tables with Shapes).
	Spatial bool
	// Source returns a version of the data the dataset is built from; a
	// build holds until it changes.
	Source func(ctx context.Context, db *store.DB) (string, error)
	// Build makes the dataset's tables.
	Build func(ctx context.Context, in Input) ([]*Table, error)
	// Chart says what the dataset page draws (nil: no chart).
	Chart *ChartSpec
}

// ChartSpec draws the sum of field Y of a table's rows by field X (in the
// order X first appears), over the rows whose fields equal Where; the
// last Points periods only.
type ChartSpec struct {
	Table, X, Y string
	Where       map[string]string
	Points      int
}

// ChartPoint is one bar of a dataset's chart.
type ChartPoint struct {
	Label string
	Value float64
}

// chart computes a spec's bars from a build's tables.
func (c *ChartSpec) chart(tables []*Table) []ChartPoint {
	for _, t := range tables {
		if t.Name != c.Table {
			continue
		}
		idx := map[string]int{}
		for i, f := range t.Fields {
			idx[f.Name] = i
		}
		xi, xok := idx[c.X]
		yi, yok := idx[c.Y]
		if !xok || !yok {
			return nil
		}
		var out []ChartPoint
		at := map[string]int{}
	rows:
		for _, r := range t.Rows {
			for k, v := range c.Where {
				if fmt.Sprint(r[idx[k]]) != v {
					continue rows
				}
			}
			label := fmt.Sprint(r[xi])
			i, ok := at[label]
			if !ok {
				i = len(out)
				at[label] = i
				out = append(out, ChartPoint{Label: label})
			}
			switch v := r[yi].(type) {
			case int64:
				out[i].Value += float64(v)
			case float64:
				out[i].Value += v
			}
		}
		if c.Points > 0 && len(out) > c.Points {
			out = out[len(out)-c.Points:]
		}
		return out
	}
	return nil
}

// Input is what a build gets.
type Input struct {
	DB *store.DB
	// K is the minimum cell count in force (disclosure.MinCellCount).
	K   int
	Now time.Time
	// Marked are the categories administrators marked sensitive
	// (disclosure.MarkedSensitive): see SensitiveCategory.
	Marked []string
}

// Field is one column of a table, as the data dictionary and the Table
// Schema describe it.
type Field struct {
	// Name is the column's name: lower snake case.
	Name string
	// Type is a Table Schema type: string, integer, number, date, year,
	// boolean.
	Type        string
	Title       aldyn.Text
	Description aldyn.Text
	// Unit names the unit of a number ("per 100,000 residents a year").
	Unit string
	// Count marks a count of records about people: the disclosure policy
	// applies to it (see Cube).
	Count bool
}

// Table is one table of a dataset; each is a resource in every format.
type Table struct {
	// Name is the resource's name: lower case, digits, "-" and "_".
	Name   string
	Title  aldyn.Text
	Fields []Field
	// Rows hold one value per field: string, int64, float64, bool,
	// time.Time (a date), or nil for a value withheld or missing.
	Rows [][]any
	// Flags are, when the table is under disclosure control, each row's
	// flag (why its counts are withheld); administrators see them, the
	// published files carry only the "suppressed" column.
	Flags []disclosure.Flag
	// Shapes are, in a spatial table, each row's ground (its GeoJSON
	// geometry): a grid square cut by its territory's boundary.
	Shapes []orb.MultiPolygon
}

// SuppressedField is the column every table under disclosure control
// carries: true where the row's counts (and the figures computed from
// them) are withheld.
const SuppressedField = "suppressed"

var (
	registry []*Dataset
	slugRe   = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
	nameRe   = regexp.MustCompile(`^[a-z0-9_-]+$`)
)

// Register adds a dataset to the catalogue. It panics on a bad or repeated
// registration: that is a programming error found at start-up.
func Register(d Dataset) {
	switch {
	case !slugRe.MatchString(d.Slug):
		panic(fmt.Sprintf("opendata: bad slug %q", d.Slug))
	case Lookup(d.Slug) != nil:
		panic(fmt.Sprintf("opendata: dataset %q registered twice", d.Slug))
	case !d.Title.Complete() || !d.Description.Complete():
		panic(fmt.Sprintf("opendata: dataset %q needs a title and a description in ky, ru and en", d.Slug))
	case !slices.Contains(Themes, d.Theme):
		panic(fmt.Sprintf("opendata: dataset %q: unknown theme %q", d.Slug, d.Theme))
	case d.Source == nil || d.Build == nil:
		panic(fmt.Sprintf("opendata: dataset %q needs Source and Build", d.Slug))
	}
	registry = append(registry, &d)
}

// Datasets returns every registered dataset, in registration order.
func Datasets() []*Dataset { return slices.Clone(registry) }

// Lookup returns the dataset of a slug, or nil.
func Lookup(slug string) *Dataset {
	for _, d := range registry {
		if d.Slug == slug {
			return d
		}
	}
	return nil
}

// checkTable refuses a table that breaks the rules every publication
// keeps.
func checkTable(d *Dataset, t *Table) error {
	if !nameRe.MatchString(t.Name) {
		return fmt.Errorf("opendata: %s: bad table name %q", d.Slug, t.Name)
	}
	counts := false
	for _, f := range t.Fields {
		counts = counts || f.Count
	}
	if counts && (len(t.Flags) != len(t.Rows) || t.Fields[len(t.Fields)-1].Name != SuppressedField) {
		return fmt.Errorf("opendata: %s/%s counts records but was not made by Cube.Table", d.Slug, t.Name)
	}
	if d.Spatial && t.Shapes != nil && len(t.Shapes) != len(t.Rows) {
		return fmt.Errorf("opendata: %s/%s: %d shapes for %d rows", d.Slug, t.Name, len(t.Shapes), len(t.Rows))
	}
	for i, s := range t.Shapes {
		if len(s) == 0 {
			return fmt.Errorf("opendata: %s/%s row %d: no ground", d.Slug, t.Name, i)
		}
	}
	for i, r := range t.Rows {
		if len(r) != len(t.Fields) {
			return fmt.Errorf("opendata: %s/%s row %d: %d values for %d fields", d.Slug, t.Name, i, len(r), len(t.Fields))
		}
	}
	return nil
}

// Message is a message of the locale files in every language: a module's
// titles and descriptions live in its own locale files.
func Message(key string) aldyn.Text {
	return aldyn.Text{KY: i18n.For("ky").T(key), RU: i18n.For("ru").T(key), EN: i18n.For("en").T(key)}
}

// MessageField is a field whose title is the message prefix+name and whose
// description is prefix+name+"_desc".
func MessageField(prefix, name, typ string) Field {
	return Field{Name: name, Type: typ, Title: Message(prefix + name), Description: Message(prefix + name + "_desc")}
}

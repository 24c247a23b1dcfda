package surveys

import (
	"bytes"
	_ "embed"
	"sort"
	"sync"
)

// demoMarginsCSV is the shipped demo margins: districts' populations from
// the reference population table, and an assumed split by sex and age
// group (margins/README.md says which rows and citations, and what is
// assumed).
//
//go:embed margins/demo.csv
var demoMarginsCSV []byte

// DemoMarginsCSV is the shipped demo margins file, as an analyst would
// upload it (variable, category, population).
func DemoMarginsCSV() []byte { return bytes.Clone(demoMarginsCSV) }

var demoMargins = sync.OnceValue(func() []Margin {
	ms, err := ReadMargins(bytes.NewReader(demoMarginsCSV))
	if err != nil {
		panic("surveys: the shipped demo margins do not read: " + err.Error())
	}
	return ms
})

// DemoMargins are the shipped demo margins: territory, sex and age_group.
func DemoMargins() []Margin {
	out := make([]Margin, 0, len(demoMargins()))
	for _, m := range demoMargins() {
		c := Margin{Variable: m.Variable, Totals: make(map[string]float64, len(m.Totals))}
		for k, v := range m.Totals {
			c.Totals[k] = v
		}
		out = append(out, c)
	}
	return out
}

// demoMargin is the shipped demo margin of variable.
func demoMargin(variable string) Margin {
	for _, m := range demoMargins() {
		if m.Variable == variable {
			return m
		}
	}
	panic("surveys: the shipped demo margins have no " + variable)
}

// DemoDistricts are the districts of the demo margins' territory margin
// with their populations, by territory code (the order of the territory
// tree, which the demo's random draws follow).
func DemoDistricts() []District {
	m := demoMargin(ByTerritory)
	out := make([]District, 0, len(m.Totals))
	for code, pop := range m.Totals {
		out = append(out, District{Code: code, Population: pop})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Code < out[j].Code })
	return out
}

// shares are a margin's totals of categories as shares of the margin's
// sum, in the order of categories.
func shares(m Margin, categories []string) []float64 {
	var sum float64
	for _, v := range m.Totals {
		sum += v
	}
	out := make([]float64, len(categories))
	for i, c := range categories {
		out[i] = m.Totals[c] / sum
	}
	return out
}

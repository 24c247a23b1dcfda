package export

import (
	"image/color"
	"math"
	"strconv"
	"strings"
)

// Document is a narrative report: a title page header followed by headings,
// paragraphs, tables and charts, written as PDF by WritePDF and as DOCX by
// WriteDOCX from the same value.
type Document struct {
	Title    string
	Subtitle string
	Lang     string // BCP 47 tag of the text ("ky", "ru", "en"); tells Word which proofing language to use
	Blocks   []Block
}

// Block is one piece of a Document's body: a Heading, Paragraph, TableBlock
// or BarChart value.
type Block interface{ block() }

// Heading starts a section; Level 1 is the largest, levels past 3 are drawn
// as 3.
type Heading struct {
	Text  string
	Level int
}

// Paragraph is running text; "\n" starts a new line.
type Paragraph struct {
	Text string
}

// TableBlock puts an exported table into the document, with its Title as
// caption and its header row repeated on every page it spans.
type TableBlock struct {
	Table *Table
}

// BarChart is a grouped bar chart: one group per label, one bar per series.
// Bars are vertical unless Horizontal is set, which suits long labels.
type BarChart struct {
	Title      string
	Labels     []string
	Series     []ChartSeries
	Unit       string // shown with the values, e.g. "%" or "cases"
	Horizontal bool
}

// ChartSeries is one set of bars; Values line up with BarChart.Labels.
type ChartSeries struct {
	Name   string
	Values []float64
}

func (Heading) block()    {}
func (Paragraph) block()  {}
func (TableBlock) block() {}
func (BarChart) block()   {}

// seriesColors are the bar colours of both writers, colour-blind safe
// (Okabe–Ito).
var seriesColors = []color.RGBA{
	{0, 114, 178, 255},
	{230, 159, 0, 255},
	{0, 158, 115, 255},
	{204, 121, 167, 255},
	{86, 180, 233, 255},
	{213, 94, 0, 255},
	{240, 228, 66, 255},
	{0, 0, 0, 255},
}

func seriesColor(i int) color.RGBA { return seriesColors[i%len(seriesColors)] }

// value returns series s's value for label i, 0 when missing or not finite.
func (c BarChart) value(s, i int) float64 {
	if i < len(c.Series[s].Values) {
		if v := c.Series[s].Values[i]; !math.IsNaN(v) && !math.IsInf(v, 0) {
			return v
		}
	}
	return 0
}

// scale returns the axis range of c: it always includes 0 and ends on a
// round step, so bars start at a visible baseline.
func (c BarChart) scale() (lo, hi, step float64) {
	for s := range c.Series {
		for i := range c.Labels {
			v := c.value(s, i)
			lo, hi = min(lo, v), max(hi, v)
		}
	}
	if hi == lo {
		hi = lo + 1
	}
	step = niceStep((hi - lo) / 5)
	return math.Floor(lo/step) * step, math.Ceil(hi/step) * step, step
}

// niceStep rounds x up to 1, 2 or 5 times a power of ten.
func niceStep(x float64) float64 {
	p := math.Pow(10, math.Floor(math.Log10(x)))
	for _, m := range []float64{1, 2, 5, 10} {
		if m*p >= x {
			return m * p
		}
	}
	return 10 * p
}

// chartTable lists a chart's numbers, so that readers (and screen readers)
// get the values that the picture only shows.
func chartTable(c BarChart) *Table {
	t := &Table{Title: c.Title, Columns: []Column{{Key: "label", Label: "", Kind: Text}}}
	for _, s := range c.Series {
		label := s.Name
		if c.Unit != "" {
			label += ", " + c.Unit
		}
		t.Columns = append(t.Columns, Column{Key: s.Name, Label: label, Kind: Float})
	}
	for i, l := range c.Labels {
		row := []any{l}
		for s := range c.Series {
			row = append(row, c.value(s, i))
		}
		t.Rows = append(t.Rows, row)
	}
	return t
}

// isNumeric reports whether a column's values are right-aligned.
func isNumeric(k Kind) bool { return k == Int || k == Float || k == Percent }

// headingLevel clamps a heading level to 1…3.
func headingLevel(l int) int { return min(max(l, 1), 3) }

// formatValue writes a chart value briefly: at most two decimals.
func formatValue(v float64) string {
	s := strconv.FormatFloat(v, 'f', 2, 64)
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	if s == "-0" {
		s = "0"
	}
	return s
}

// docCellText is cellText for reading: fractions are rounded to two
// decimals, which CSV and XLSX keep in full.
func docCellText(v any, k Kind) string {
	switch x := v.(type) {
	case float64:
		return formatValue(x)
	case float32:
		return formatValue(float64(x))
	}
	return cellText(v, k)
}

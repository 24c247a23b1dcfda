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
	Author   string     // the issuing body: the files' author (PDF Author, DOCX dc:creator)
	Cover    *TitlePage // when set, a page of its own before the body
	Lang     string     // BCP 47 tag of the text ("ky", "ru", "en"); tells Word which proofing language to use
	Blocks   []Block
}

// TitlePage is the first page of an official document: the issuing body
// at the head, the kind of document and its subject in the middle, the
// place and year at the foot.
type TitlePage struct {
	Issuer string   // "Coordination Council on Offense Prevention …"
	Kind   string   // "MONITORING REPORT"
	Title  string   // the plan's title
	Lines  []string // the period, the date of the figures, …
	Place  string   // "Bishkek, 2026"
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
// Bars are vertical unless Horizontal is set: then the series stack into
// one bar per label, which suits parts of a whole (measures by status).
type BarChart struct {
	Title      string
	Labels     []string
	Series     []ChartSeries
	Unit       string // shown with the values, e.g. "%" or "cases"
	Horizontal bool
}

// ChartSeries is one set of bars; Values line up with BarChart.Labels.
// Color, when set, is the series' fixed colour (a status has one colour
// in every chart); otherwise series take the palette in order.
type ChartSeries struct {
	Name   string
	Values []float64
	Color  color.RGBA
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
func isNumeric(k Kind) bool { return k == Int || k == Float || k == Percent || k == Year }

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

package export

import (
	"bytes"
	"fmt"
	"image/color"
	"math"
	"strings"
	"sync"

	"github.com/go-fonts/dejavu/dejavusans"
	"github.com/go-fonts/dejavu/dejavusansbold"
	xfont "golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"

	"github.com/aldyn-kg/aldyn/internal/i18n"
)

// Charts are drawn by gonum/plot, one renderer for the PDF and the DOCX:
// it lays out axes, tick labels and values with a font we give it, so
// DejaVu's ң ө ү draw in both, and the picture carries its own words.

// chartDPI is the resolution of chart pictures: sharp in print at the
// text width, and small enough to keep a report under a megabyte.
const chartDPI = 200

// chartFont is the typeface registered with gonum/plot for chart text.
const chartFont = "DejaVu Sans"

var chartFonts = sync.OnceValue(func() error {
	regular, err := opentype.Parse(dejavusans.TTF)
	if err != nil {
		return err
	}
	bold, err := opentype.Parse(dejavusansbold.TTF)
	if err != nil {
		return err
	}
	font.DefaultCache.Add(font.Collection{
		{Font: font.Font{Typeface: chartFont}, Face: regular},
		{Font: font.Font{Typeface: chartFont, Weight: xfont.WeightBold}, Face: bold},
	})
	// plot.New takes its fonts from here; no other package draws plots.
	plot.DefaultFont = font.Font{Typeface: chartFont}
	return nil
})

// chartHeight is the height in points of c drawn width points wide.
func chartHeight(c BarChart, width float64) float64 {
	legend := legendHeight(c, width)
	if c.Horizontal {
		return float64(len(c.Labels))*22 + 40 + legend
	}
	return 220 + legend
}

// legendRows lays the legend's entries out in rows no wider than width.
func legendRows(c BarChart, width float64) [][]int {
	face := font.DefaultCache.Lookup(font.Font{Typeface: chartFont, Size: 8}, 8)
	var rows [][]int
	x := 0.0
	for s, ser := range c.Series {
		w := 14 + float64(face.Width(ser.Name)) + 12
		if len(rows) == 0 || x+w > width && x > 0 {
			rows = append(rows, nil)
			x = 0
		}
		rows[len(rows)-1] = append(rows[len(rows)-1], s)
		x += w
	}
	return rows
}

func legendHeight(c BarChart, width float64) float64 {
	if err := chartFonts(); err != nil {
		return 0
	}
	return float64(len(legendRows(c, width)))*13 + 6
}

// ChartColor is the colour of series s: its own if set, else the s-th of
// the Okabe–Ito palette.
func (c BarChart) ChartColor(s int) color.RGBA {
	if col := c.Series[s].Color; col.A != 0 {
		return col
	}
	return seriesColor(s)
}

// numberTicks labels the default ticks with the language's thousands and
// decimal separators ("2 500 000", "2,500,000"). With whole set, the axis
// counts things (measures): it has ticks at whole numbers only, never
// "2,5".
type numberTicks struct {
	format func(float64) string
	whole  bool
}

func (t numberTicks) Ticks(lo, hi float64) []plot.Tick {
	ts := plot.DefaultTicks{}.Ticks(lo, hi)
	if t.whole {
		ts = wholeTicks(ts, lo, hi)
	}
	for i := range ts {
		if ts[i].Label != "" {
			ts[i].Label = t.format(ts[i].Value)
		}
	}
	return ts
}

// wholeTicks keeps the ticks at whole numbers; on a short axis (up to ten)
// it labels every whole number instead.
func wholeTicks(ts []plot.Tick, lo, hi float64) []plot.Tick {
	if math.Floor(hi)-math.Ceil(lo) <= 10 {
		ts = nil
	}
	var out []plot.Tick
	labelled := 0
	for _, tk := range ts {
		if tk.Value != math.Trunc(tk.Value) {
			continue
		}
		if tk.Label != "" {
			labelled++
		}
		out = append(out, tk)
	}
	if labelled >= 2 {
		return out
	}
	out = out[:0]
	for v := math.Ceil(lo); v <= math.Floor(hi); v++ {
		out = append(out, plot.Tick{Value: v, Label: "x"})
	}
	return out
}

// whole tells whether every value of c is a whole number (a count).
func (c BarChart) whole() bool {
	for _, s := range c.Series {
		for _, v := range s.Values {
			if v != math.Trunc(v) {
				return false
			}
		}
	}
	return true
}

// chartNumber formats a chart value in lang with at most two decimals.
func chartNumber(lang string) func(float64) string {
	loc := i18n.For(lang)
	return func(v float64) string { return loc.Decimal(v, decimals(v)) }
}

// decimals is how many of at most two decimals x needs.
func decimals(x float64) int {
	s := formatValue(x)
	_, frac, _ := strings.Cut(s, ".")
	return len(frac)
}

// ChartPNG draws c as a PNG picture width points wide, with axes, tick
// labels, the value of every bar and a legend; numbers are written as
// lang writes them. It returns the picture and its height in points.
func ChartPNG(c BarChart, lang string, width float64) ([]byte, float64, error) {
	return chartPNG(c, lang, width, true)
}

// chartPNG is ChartPNG; without words it draws the bars alone, which
// lets a test see what the words add.
func chartPNG(c BarChart, lang string, width float64, words bool) ([]byte, float64, error) {
	if err := chartFonts(); err != nil {
		return nil, 0, fmt.Errorf("chart font: %w", err)
	}
	if len(c.Labels) == 0 || len(c.Series) == 0 {
		return nil, 0, fmt.Errorf("chart %q has no data", c.Title)
	}
	height := chartHeight(c, width)
	p, err := chartPlot(c, lang, width, words)
	if err != nil {
		return nil, 0, err
	}
	canvas := vgimg.NewWith(vgimg.UseWH(vg.Length(width), vg.Length(height)), vgimg.UseDPI(chartDPI), vgimg.UseBackgroundColor(color.White))
	dc := draw.New(canvas)
	legendH := vg.Length(legendHeight(c, width))
	p.Draw(draw.Crop(dc, 0, -4, legendH, 0))
	if words {
		drawLegend(dc, c, width, legendH)
	}
	var buf bytes.Buffer
	if _, err := (vgimg.PngCanvas{Canvas: canvas}).WriteTo(&buf); err != nil {
		return nil, 0, err
	}
	return buf.Bytes(), height, nil
}

// chartPlot lays c out as a plot width points wide: axes, bars and, with
// words, the values.
func chartPlot(c BarChart, lang string, width float64, words bool) (*plot.Plot, error) {
	if err := chartFonts(); err != nil {
		return nil, fmt.Errorf("chart font: %w", err)
	}
	num := chartNumber(lang)
	p := plot.New()
	p.BackgroundColor = color.White
	tick := numberTicks{format: num, whole: c.whole()}
	small := font.Font{Typeface: chartFont, Size: 8}
	p.X.Tick.Label.Font, p.Y.Tick.Label.Font = small, small
	p.X.Label.TextStyle.Font.Size, p.Y.Label.TextStyle.Font.Size = 8, 8
	grid := plotter.NewGrid()
	grid.Horizontal.Color = color.Gray{Y: 220}
	grid.Vertical.Color = color.Gray{Y: 220}
	if c.Horizontal {
		grid.Horizontal.Width = 0
		p.X.Tick.Marker = tick
		p.X.Min = 0
		if c.Unit != "" {
			p.X.Label.Text = c.Unit
		}
	} else {
		grid.Vertical.Width = 0
		p.Y.Tick.Marker = tick
		p.Y.Min = 0
		if c.Unit != "" {
			p.Y.Label.Text = c.Unit
		}
	}
	p.Add(grid)

	n := len(c.Labels)
	label := func(v float64, x, y float64, col color.Color, xAlign draw.XAlignment, yAlign draw.YAlignment, off vg.Point) (*plotter.Labels, error) {
		l, err := plotter.NewLabels(plotter.XYLabels{XYs: plotter.XYs{{X: x, Y: y}}, Labels: []string{num(v)}})
		if err != nil {
			return nil, err
		}
		for i := range l.TextStyle {
			l.TextStyle[i].Font = font.Font{Typeface: chartFont, Size: 7}
			l.TextStyle[i].Color = col
			l.TextStyle[i].XAlign, l.TextStyle[i].YAlign = xAlign, yAlign
		}
		l.Offset = off
		return l, nil
	}
	var hi float64
	if c.Horizontal {
		// Stacked: one bar per label, a segment per series.
		barW := vg.Length(14)
		var below *plotter.BarChart
		sums := make([]float64, n)
		for s := range c.Series {
			vals := make(plotter.Values, n)
			for i := range n {
				vals[int(rowY(n, i))] = c.value(s, i)
			}
			b, err := plotter.NewBarChart(vals, barW)
			if err != nil {
				return nil, err
			}
			b.Horizontal = true
			b.Color = c.ChartColor(s)
			b.LineStyle.Width = 0
			if below != nil {
				b.StackOn(below)
			}
			p.Add(b)
			below = b
			for i := range n {
				sums[i] += c.value(s, i)
			}
		}
		for _, v := range sums {
			hi = max(hi, v)
		}
		p.X.Max = hi * 1.08
		if words && len(c.Series) > 1 {
			start := make([]float64, n)
			for s := range c.Series {
				for i := range n {
					v := c.value(s, i)
					// A value shows inside its segment when it fits there.
					if v > 0 && v/p.X.Max > 0.035 {
						l, err := label(v, start[i]+v/2, rowY(n, i), textOn(c.ChartColor(s)), draw.XCenter, draw.YCenter, vg.Point{})
						if err != nil {
							return nil, err
						}
						p.Add(l)
					}
					start[i] += v
				}
			}
		}
		if words {
			for i, v := range sums {
				xa, off := draw.XLeft, vg.Point{X: 3}
				if v < 0 {
					xa, off = draw.XRight, vg.Point{X: -3}
				}
				l, err := label(v, v, rowY(n, i), color.Black, xa, draw.YCenter, off)
				if err != nil {
					return nil, err
				}
				p.Add(l)
			}
		}
		// The first label on top, as the document lists them.
		top := make([]string, n)
		for i, l := range c.Labels {
			top[int(rowY(n, i))] = l
		}
		p.NominalY(top...)
	} else {
		groupW := vg.Length(width) * 0.6 / vg.Length(n)
		barW := min(groupW/vg.Length(len(c.Series)), 40)
		for s := range c.Series {
			vals := make(plotter.Values, n)
			for i := range n {
				vals[i] = c.value(s, i)
				hi = max(hi, vals[i])
			}
			b, err := plotter.NewBarChart(vals, barW)
			if err != nil {
				return nil, err
			}
			b.Color = c.ChartColor(s)
			b.LineStyle.Width = 0
			b.Offset = barW * (vg.Length(s) - vg.Length(len(c.Series)-1)/2)
			p.Add(b)
			if words {
				for i, v := range vals {
					l, err := label(v, float64(i), v, color.Black, draw.XCenter, draw.YBottom, vg.Point{X: b.Offset, Y: 2})
					if err != nil {
						return nil, err
					}
					p.Add(l)
				}
			}
		}
		p.Y.Max = hi * 1.12
		// Labels wrap at spaces to their category's width.
		face := font.DefaultCache.Lookup(small, 8)
		slot := (width - 60) / float64(n)
		labels := make([]string, n)
		for i, l := range c.Labels {
			labels[i] = wrapLabel(l, slot, func(s string) float64 { return float64(face.Width(s)) })
		}
		p.NominalX(labels...)
		p.X.Min, p.X.Max = -0.5, float64(n)-0.5
	}
	if hi == 0 {
		if c.Horizontal {
			p.X.Max = 1
		} else {
			p.Y.Max = 1
		}
	}
	if !words {
		blank := color.Transparent
		p.X.Tick.Label.Color, p.Y.Tick.Label.Color = blank, blank
		p.X.Label.TextStyle.Color, p.Y.Label.TextStyle.Color = blank, blank
	}

	return p, nil
}

// rowY is where the bar of label i of n sits on a horizontal chart's
// axis, which grows upwards: the first label at the top.
func rowY(n, i int) float64 { return float64(n - 1 - i) }

// drawLegend writes the series' names with their colours in rows across
// the foot of the picture.
func drawLegend(dc draw.Canvas, c BarChart, width float64, h vg.Length) {
	sty := text.Style{Color: color.Black, Font: font.Font{Typeface: chartFont, Size: 8}, Handler: plot.DefaultTextHandler,
		XAlign: draw.XLeft, YAlign: draw.YCenter}
	face := font.DefaultCache.Lookup(sty.Font, 8)
	for r, row := range legendRows(c, width) {
		y := dc.Min.Y + h - 4 - vg.Length(r)*13 - 6
		x := dc.Min.X + 4
		for _, s := range row {
			dc.FillPolygon(c.ChartColor(s), []vg.Point{{X: x, Y: y - 4}, {X: x + 9, Y: y - 4}, {X: x + 9, Y: y + 5}, {X: x, Y: y + 5}})
			dc.FillText(sty, vg.Point{X: x + 13, Y: y}, c.Series[s].Name)
			x += 14 + face.Width(c.Series[s].Name) + 12
		}
	}
}

// textOn is black or white, whichever reads better on col.
func textOn(col color.RGBA) color.Color {
	lum := 0.2126*lin(col.R) + 0.7152*lin(col.G) + 0.0722*lin(col.B)
	if lum > 0.3 {
		return color.Black
	}
	return color.White
}

func lin(c uint8) float64 {
	v := float64(c) / 255
	if v <= 0.04045 {
		return v / 12.92
	}
	return math.Pow((v+0.055)/1.055, 2.4)
}

// wrapLabel breaks a label at spaces into lines no wider than width where
// the words allow.
func wrapLabel(s string, width float64, measure func(string) float64) string {
	var lines []string
	line := ""
	for _, w := range strings.Fields(s) {
		if line != "" && measure(line+" "+w) > width {
			lines = append(lines, line)
			line = w
			continue
		}
		line = strings.TrimSpace(line + " " + w)
	}
	return strings.Join(append(lines, line), "\n")
}

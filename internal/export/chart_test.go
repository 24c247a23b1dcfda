package export

import (
	"bytes"
	"image"
	"image/png"
	"slices"
	"sort"
	"strings"
	"testing"

	"gonum.org/v1/plot"
)

// darkPixels counts the near-black, unsaturated pixels of a PNG: text and
// axes, not the coloured bars.
func darkPixels(tb testing.TB, b []byte) int {
	tb.Helper()
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		tb.Fatal(err)
	}
	return countDark(img)
}

func countDark(img image.Image) int {
	n := 0
	r := img.Bounds()
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			cr, cg, cb, _ := img.At(x, y).RGBA()
			if cr < 0x5000 && cg < 0x5000 && cb < 0x5000 {
				n++
			}
		}
	}
	return n
}

// TestChartCarriesText: the picture a chart becomes has its words in it
// (tick labels, values, legend) — drawn with DejaVu, so far more dark
// pixels than the same chart drawn without them. The DOCX once embedded
// pictures with bars alone.
func TestChartCarriesText(t *testing.T) {
	for _, c := range MustReportDocument(t, 3).Blocks {
		c, ok := c.(BarChart)
		if !ok {
			continue
		}
		t.Run(c.Title, func(t *testing.T) {
			with, _, err := chartPNG(c, "ky", 480, true)
			if err != nil {
				t.Fatal(err)
			}
			without, _, err := chartPNG(c, "ky", 480, false)
			if err != nil {
				t.Fatal(err)
			}
			dw, do := darkPixels(t, with), darkPixels(t, without)
			if dw < do+2000 {
				t.Errorf("got %d dark pixels with words and %d without, want the words to add at least 2000", dw, do)
			}
		})
	}
}

// TestChartTicksGroupThousands: axis labels are written as the language
// writes numbers.
func TestChartTicksGroupThousands(t *testing.T) {
	for lang, want := range map[string]string{"ru": "2\u00a0000\u00a0000", "ky": "2\u00a0000\u00a0000", "en": "2,000,000"} {
		ticks := numberTicks{format: chartNumber(lang)}.Ticks(0, 2_500_000)
		found := false
		for _, tk := range ticks {
			found = found || tk.Label == want
		}
		if !found {
			t.Errorf("%s: ticks %+v lack %q", lang, ticks, want)
		}
	}
}

// TestStatusChartWholeTicksTopDown: a chart of counts (measures by status
// and component) has ticks at whole numbers only — no "2,5" — and a
// horizontal chart lists its labels top-down in the order given, as the
// document lists the components.
func TestStatusChartWholeTicksTopDown(t *testing.T) {
	c := BarChart{Title: "status", Horizontal: true, Labels: []string{"1", "2", "3", "4"},
		Series: []ChartSeries{{Name: "done", Values: []float64{1, 0, 2, 1}}, {Name: "late", Values: []float64{1, 1, 3, 0}}}}
	for _, lang := range []string{"ky", "ru", "en"} {
		p, err := chartPlot(c, lang, 480, true)
		if err != nil {
			t.Fatal(err)
		}
		for _, tk := range p.X.Tick.Marker.Ticks(p.X.Min, p.X.Max) {
			if tk.Label != "" && (tk.Value != float64(int(tk.Value)) || strings.ContainsAny(tk.Label, ",.")) {
				t.Errorf("%s: tick %q at %v on an axis of counts", lang, tk.Label, tk.Value)
			}
		}
		var order []string
		ticks := p.Y.Tick.Marker.Ticks(p.Y.Min, p.Y.Max)
		sort.Slice(ticks, func(i, j int) bool { return ticks[i].Value > ticks[j].Value })
		for _, tk := range ticks {
			if tk.Label != "" {
				order = append(order, tk.Label)
			}
		}
		if strings.Join(order, " ") != "1 2 3 4" {
			t.Errorf("%s: labels top-down %v, want 1 2 3 4", lang, order)
		}
	}
	// A chart of money keeps its decimals where the values have them.
	m := BarChart{Title: "m", Labels: []string{"a"}, Series: []ChartSeries{{Name: "x", Values: []float64{1.1}}}}
	p, err := chartPlot(m, "en", 480, true)
	if err != nil {
		t.Fatal(err)
	}
	if ts := p.Y.Tick.Marker.Ticks(p.Y.Min, p.Y.Max); !slices.ContainsFunc(ts, func(tk plot.Tick) bool { return tk.Label != "" && tk.Value != float64(int(tk.Value)) }) {
		t.Errorf("ticks of 0–1.1: %+v, want fractions among them", ts)
	}
}

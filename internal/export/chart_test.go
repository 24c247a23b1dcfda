package export

import (
	"bytes"
	"image"
	"image/png"
	"testing"
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
		ticks := numberTicks{chartNumber(lang)}.Ticks(0, 2_500_000)
		found := false
		for _, tk := range ticks {
			found = found || tk.Label == want
		}
		if !found {
			t.Errorf("%s: ticks %+v lack %q", lang, ticks, want)
		}
	}
}

package planreport

import (
	"fmt"
	"image/color"

	"github.com/aldyn-kg/aldyn"
)

// statusColors is the one palette of measure statuses: every chart of the
// report (PDF, DOCX) and of the web pages draws a status in its colour, so
// green always means done and red overdue. Done and on track are told
// apart by hue, not by shade (green and blue, after Okabe–Ito).
var statusColors = map[aldyn.MeasureState]color.RGBA{
	aldyn.MeasureDone:       {0x1b, 0x7f, 0x3b, 0xff}, // green
	aldyn.MeasureOnTrack:    {0x00, 0x72, 0xb2, 0xff}, // blue
	aldyn.MeasureAtRisk:     {0xe6, 0x9f, 0x00, 0xff}, // amber
	aldyn.MeasureOverdue:    {0xc6, 0x28, 0x28, 0xff}, // red
	aldyn.MeasureNotStarted: {0xaa, 0xb3, 0xbf, 0xff}, // light grey
	aldyn.MeasureCancelled:  {0x5f, 0x6b, 0x7a, 0xff}, // dark grey
}

// The budget's two series, in every chart that shows them.
var (
	PlannedColor = color.RGBA{0x8f, 0xb5, 0xe6, 0xff}
	SpentColor   = color.RGBA{0x0b, 0x4a, 0x8b, 0xff}
)

// StatusColor is the colour of a measure status.
func StatusColor(s aldyn.MeasureState) color.RGBA { return statusColors[s] }

// Hex writes a colour as CSS and ECharts take it: "#1b7f3b".
func Hex(c color.RGBA) string { return fmt.Sprintf("#%02x%02x%02x", c.R, c.G, c.B) }

package export

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/go-fonts/dejavu/dejavusans"
	"github.com/go-fonts/dejavu/dejavusansbold"
	"github.com/signintech/gopdf"
)

// Page geometry in points: A4 with 2 cm side margins.
const (
	pdfPageW   = 595.28
	pdfPageH   = 841.89
	pdfMarginX = 56.7
	pdfTop     = 56.7
	pdfBottom  = pdfPageH - 56.7
	pdfWidth   = pdfPageW - 2*pdfMarginX

	fontRegular = "DejaVuSans"
	fontBold    = "DejaVuSans-Bold"

	bodySize  = 10.0
	tableSize = 8.5
	cellPadX  = 3.0
	cellPadY  = 2.5
)

// WritePDF writes d as an A4 PDF with DejaVu Sans embedded (so Kyrgyz ң ө ү
// draw and can be copied out), numbered pages, wrapped text, tables whose
// header row repeats on each page, and bar charts drawn as vector shapes.
func WritePDF(w io.Writer, d *Document) error {
	p, err := newPDFWriter(d)
	if err != nil {
		return err
	}
	if err := p.document(d); err != nil {
		return err
	}
	if err := p.gp.FillInPlaceHoldText("pages", strconv.Itoa(p.pages), gopdf.Left); err != nil {
		return fmt.Errorf("pdf: page count: %w", err)
	}
	if _, err := p.gp.WriteTo(w); err != nil {
		return fmt.Errorf("pdf: %w", err)
	}
	return nil
}

type pdfWriter struct {
	gp    *gopdf.GoPdf
	y     float64 // top of the free space on the current page
	pages int
	font  string
	size  float64
}

func newPDFWriter(d *Document) (*pdfWriter, error) {
	gp := &gopdf.GoPdf{}
	gp.Start(gopdf.Config{PageSize: *gopdf.PageSizeA4, Unit: gopdf.UnitPT})
	gp.SetInfo(gopdf.PdfInfo{Title: d.Title, Subject: d.Subtitle, Creator: "Aldyn"})
	if err := gp.AddTTFFontData(fontRegular, dejavusans.TTF); err != nil {
		return nil, fmt.Errorf("pdf: font: %w", err)
	}
	if err := gp.AddTTFFontData(fontBold, dejavusansbold.TTF); err != nil {
		return nil, fmt.Errorf("pdf: font: %w", err)
	}
	gp.SetLineWidth(0.5)
	p := &pdfWriter{gp: gp}
	if err := p.newPage(); err != nil {
		return nil, err
	}
	return p, nil
}

func (p *pdfWriter) setFont(family string, size float64) error {
	if p.font == family && p.size == size {
		return nil
	}
	if err := p.gp.SetFont(family, "", size); err != nil {
		return fmt.Errorf("pdf: %w", err)
	}
	p.font, p.size = family, size
	return nil
}

// newPage starts a page and writes its number, "n / total", at the foot;
// the total is filled in when the document is done.
func (p *pdfWriter) newPage() error {
	p.gp.AddPage()
	p.pages++
	p.gp.SetTextColor(100, 100, 100)
	if err := p.setFont(fontRegular, 8); err != nil {
		return err
	}
	num := strconv.Itoa(p.pages) + " / "
	nw, err := p.gp.MeasureTextWidth(num)
	if err != nil {
		return err
	}
	x := pdfPageW/2 - nw
	// Text, like the placeholder, takes y as the baseline.
	p.gp.SetXY(x, pdfPageH-30)
	if err := p.gp.Text(num); err != nil {
		return err
	}
	p.gp.SetXY(x+nw, pdfPageH-30)
	if err := p.gp.PlaceHolderText("pages", 30); err != nil {
		return err
	}
	p.gp.SetTextColor(0, 0, 0)
	p.y = pdfTop
	return nil
}

// room starts a new page unless h points fit below y; it reports whether
// it did.
func (p *pdfWriter) room(h float64) (bool, error) {
	if p.y+h <= pdfBottom || p.y == pdfTop {
		return false, nil
	}
	return true, p.newPage()
}

func (p *pdfWriter) document(d *Document) error {
	if d.Title != "" {
		if err := p.text(d.Title, fontBold, 18, 6); err != nil {
			return err
		}
	}
	if d.Subtitle != "" {
		p.gp.SetTextColor(80, 80, 80)
		if err := p.text(d.Subtitle, fontRegular, 12, 4); err != nil {
			return err
		}
		p.gp.SetTextColor(0, 0, 0)
	}
	if d.Title != "" || d.Subtitle != "" {
		p.y += 10
	}
	for i, b := range d.Blocks {
		var err error
		switch b := b.(type) {
		case Heading:
			size := [...]float64{15, 13, 11.5}[headingLevel(b.Level)-1]
			p.y += size * 0.6
			// Keep a heading with at least two lines of what follows.
			if _, err = p.room(size*1.3 + 3*bodySize*1.4); err == nil {
				err = p.text(b.Text, fontBold, size, 4)
			}
		case Paragraph:
			err = p.text(b.Text, fontRegular, bodySize, 6)
		case TableBlock:
			if b.Table != nil {
				err = p.table(b.Table)
			}
		case BarChart:
			err = p.chart(b)
		default:
			err = fmt.Errorf("unknown block type %T", b)
		}
		if err != nil {
			return fmt.Errorf("pdf: block %d: %w", i, err)
		}
	}
	return nil
}

// text writes s wrapped to the text width, breaking pages between lines,
// and leaves after points below it.
func (p *pdfWriter) text(s, font string, size, after float64) error {
	if err := p.setFont(font, size); err != nil {
		return err
	}
	lines, err := p.wrap(s, pdfWidth)
	if err != nil {
		return err
	}
	lh := size * 1.4
	for _, l := range lines {
		if _, err := p.room(lh); err != nil {
			return err
		}
		if err := p.setFont(font, size); err != nil { // newPage may have changed it
			return err
		}
		if err := p.cell(pdfMarginX, p.y, pdfWidth, lh, l, gopdf.Left); err != nil {
			return err
		}
		p.y += lh
	}
	p.y += after
	return nil
}

// cell writes one line of text in the box x, y, w, h, vertically centred.
func (p *pdfWriter) cell(x, y, w, h float64, s string, align int) error {
	if s == "" {
		return nil
	}
	p.gp.SetXY(x, y)
	return p.gp.CellWithOption(&gopdf.Rect{W: w, H: h}, s, gopdf.CellOption{Align: align | gopdf.Middle})
}

// wrap breaks s into lines no wider than width in the current font, at
// spaces where it can and inside a word where it must.
func (p *pdfWriter) wrap(s string, width float64) ([]string, error) {
	var lines []string
	for _, para := range strings.Split(s, "\n") {
		// Most table cells fit whole.
		if tw, err := p.gp.MeasureTextWidth(para); err != nil {
			return nil, err
		} else if tw <= width {
			lines = append(lines, strings.Join(strings.Fields(para), " "))
			continue
		}
		var line string
		for _, word := range strings.Fields(para) {
			try := word
			if line != "" {
				try = line + " " + word
			}
			tw, err := p.gp.MeasureTextWidth(try)
			if err != nil {
				return nil, err
			}
			if tw <= width {
				line = try
				continue
			}
			if line != "" {
				lines = append(lines, line)
			}
			// A word wider than the line is cut into pieces that fit.
			line = ""
			for _, r := range word {
				try := line + string(r)
				tw, err := p.gp.MeasureTextWidth(try)
				if err != nil {
					return nil, err
				}
				if tw > width && line != "" {
					lines = append(lines, line)
					try = string(r)
				}
				line = try
			}
		}
		lines = append(lines, line)
	}
	return lines, nil
}

// fitWidths gives each column its natural width when the table fits, and
// otherwise caps the widest columns at a common width so the total is
// avail; the narrow columns keep theirs and the wide ones wrap.
func fitWidths(natural []float64, avail float64) []float64 {
	out := make([]float64, len(natural))
	sum := 0.0
	for _, w := range natural {
		sum += w
	}
	if sum <= avail {
		// Spread the spare width so the table spans the text block.
		for i, w := range natural {
			out[i] = w + (avail-sum)/float64(len(natural))
		}
		return out
	}
	// Find cap c with Σ min(wᵢ, c) = avail, by trying columns from the narrowest.
	rest, n := avail, len(natural)
	sorted := append([]float64(nil), natural...)
	for i := 1; i < len(sorted); i++ {
		for j := i; j > 0 && sorted[j] < sorted[j-1]; j-- {
			sorted[j], sorted[j-1] = sorted[j-1], sorted[j]
		}
	}
	c := avail / float64(n)
	for i, w := range sorted {
		if w*float64(n-i) > rest {
			c = rest / float64(n-i)
			break
		}
		rest -= w
	}
	for i, w := range natural {
		out[i] = min(w, c)
	}
	return out
}

func (p *pdfWriter) table(t *Table) error {
	if len(t.Columns) == 0 {
		return nil
	}
	lh := tableSize * 1.3
	// Measure: natural width is the widest cell, header included.
	natural := make([]float64, len(t.Columns))
	texts := make([][]string, len(t.Rows))
	if err := p.setFont(fontRegular, tableSize); err != nil {
		return err
	}
	for r, row := range t.Rows {
		texts[r] = make([]string, len(t.Columns))
		for i, c := range t.Columns {
			if i < len(row) {
				texts[r][i] = docCellText(row[i], c.Kind)
			}
			w, err := p.gp.MeasureTextWidth(texts[r][i])
			if err != nil {
				return err
			}
			natural[i] = max(natural[i], w)
		}
	}
	if err := p.setFont(fontBold, tableSize); err != nil {
		return err
	}
	for i, c := range t.Columns {
		// A header may wrap at spaces, so its longest word is what counts.
		for _, word := range strings.Fields(c.Label) {
			w, err := p.gp.MeasureTextWidth(word)
			if err != nil {
				return err
			}
			natural[i] = max(natural[i], w)
		}
	}
	for i := range natural {
		natural[i] += 2 * cellPadX
	}
	widths := fitWidths(natural, pdfWidth)

	head := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		head[i] = c.Label
	}
	headLines, err := p.rowLines(head, widths, fontBold)
	if err != nil {
		return err
	}
	headH := rowHeight(headLines, lh)
	maxLines := int((pdfBottom - pdfTop - headH - 2*cellPadY) / lh)

	title := func() error { return nil }
	if t.Title != "" {
		title = func() error { return p.text(t.Title, fontBold, bodySize, 2) }
	}
	var firstH float64
	if len(texts) > 0 {
		l, err := p.rowLines(texts[0], widths, fontRegular)
		if err != nil {
			return err
		}
		firstH = rowHeight(l, lh)
	}
	// Keep the caption and header with the first row.
	if _, err := p.room(bodySize*1.4 + headH + firstH); err != nil {
		return err
	}
	if err := title(); err != nil {
		return err
	}
	if err := p.row(head, headLines, widths, t.Columns, lh, true); err != nil {
		return err
	}
	for _, row := range texts {
		lines, err := p.rowLines(row, widths, fontRegular)
		if err != nil {
			return err
		}
		for i := range lines {
			if len(lines[i]) > maxLines { // a cell taller than a page is cut
				lines[i] = lines[i][:maxLines]
			}
		}
		broke, err := p.room(rowHeight(lines, lh))
		if err != nil {
			return err
		}
		if broke {
			if err := p.row(head, headLines, widths, t.Columns, lh, true); err != nil {
				return err
			}
		}
		if err := p.row(row, lines, widths, t.Columns, lh, false); err != nil {
			return err
		}
	}
	p.y += 8
	return nil
}

func rowHeight(lines [][]string, lh float64) float64 {
	n := 1
	for _, l := range lines {
		n = max(n, len(l))
	}
	return float64(n)*lh + 2*cellPadY
}

func (p *pdfWriter) rowLines(cells []string, widths []float64, font string) ([][]string, error) {
	if err := p.setFont(font, tableSize); err != nil {
		return nil, err
	}
	out := make([][]string, len(cells))
	for i, s := range cells {
		l, err := p.wrap(s, widths[i]-2*cellPadX)
		if err != nil {
			return nil, err
		}
		out[i] = l
	}
	return out, nil
}

// row draws one table row at y: a shaded band for the header, a rule
// below, numbers right-aligned.
func (p *pdfWriter) row(cells []string, lines [][]string, widths []float64, cols []Column, lh float64, header bool) error {
	h := rowHeight(lines, lh)
	font := fontRegular
	if header {
		font = fontBold
		p.gp.SetFillColor(230, 233, 238)
		p.gp.RectFromUpperLeftWithStyle(pdfMarginX, p.y, pdfWidth, h, "F")
	}
	if err := p.setFont(font, tableSize); err != nil {
		return err
	}
	x := pdfMarginX
	for i := range cells {
		align := gopdf.Left
		if isNumeric(cols[i].Kind) {
			align = gopdf.Right
		}
		for j, l := range lines[i] {
			if err := p.cell(x+cellPadX, p.y+cellPadY+float64(j)*lh, widths[i]-2*cellPadX, lh, l, align); err != nil {
				return err
			}
		}
		x += widths[i]
	}
	p.y += h
	p.gp.SetStrokeColor(180, 180, 180)
	p.gp.Line(pdfMarginX, p.y, pdfMarginX+pdfWidth, p.y)
	return nil
}

func (p *pdfWriter) chart(c BarChart) error {
	if len(c.Labels) == 0 || len(c.Series) == 0 {
		return nil
	}
	legendH := 14.0
	var h float64
	if c.Horizontal {
		h = float64(len(c.Labels))*(float64(len(c.Series))*9+6) + 20
	} else {
		h = 200
	}
	total := bodySize*1.4 + h + legendH + 10
	if total <= pdfBottom-pdfTop {
		if _, err := p.room(total); err != nil {
			return err
		}
	} else if _, err := p.room(bodySize*1.4 + legendH + 60); err != nil {
		return err
	}
	if c.Title != "" {
		if err := p.text(c.Title, fontBold, bodySize, 2); err != nil {
			return err
		}
	}
	if err := p.legend(c); err != nil {
		return err
	}
	var err error
	if c.Horizontal {
		err = p.hbars(c)
	} else {
		err = p.vbars(c, h)
	}
	p.y += 10
	return err
}

func (p *pdfWriter) legend(c BarChart) error {
	if err := p.setFont(fontRegular, 8); err != nil {
		return err
	}
	x := pdfMarginX
	items := len(c.Series)
	if c.Unit != "" {
		items++
	}
	for s := range items {
		var name string
		if s < len(c.Series) {
			name = c.Series[s].Name
		} else {
			name = "(" + c.Unit + ")"
		}
		w, err := p.gp.MeasureTextWidth(name)
		if err != nil {
			return err
		}
		if x+12+w > pdfMarginX+pdfWidth && x > pdfMarginX {
			x = pdfMarginX
			p.y += 12
		}
		if s < len(c.Series) {
			col := seriesColor(s)
			p.gp.SetFillColor(col.R, col.G, col.B)
			p.gp.RectFromUpperLeftWithStyle(x, p.y+2, 8, 8, "F")
			x += 11
		}
		if err := p.cell(x, p.y, w+1, 12, name, gopdf.Left); err != nil {
			return err
		}
		x += w + 14
	}
	p.y += 14
	return nil
}

// vbars draws grouped vertical bars in a box h points high, with value
// gridlines on the left and labels under each group.
func (p *pdfWriter) vbars(c BarChart, h float64) error {
	lo, hi, step := c.scale()
	if err := p.setFont(fontRegular, 7); err != nil {
		return err
	}
	axisW := 0.0
	for v := lo; v <= hi+step/2; v += step {
		w, err := p.gp.MeasureTextWidth(formatValue(v))
		if err != nil {
			return err
		}
		axisW = max(axisW, w)
	}
	labelH := 7 * 1.3 * 2
	x0 := pdfMarginX + axisW + 4
	plotW := pdfMarginX + pdfWidth - x0
	top, plotH := p.y+4, h-labelH-8
	yOf := func(v float64) float64 { return top + plotH*(hi-v)/(hi-lo) }
	for v := lo; v <= hi+step/2; v += step {
		y := yOf(v)
		p.gp.SetStrokeColor(220, 220, 220)
		p.gp.Line(x0, y, x0+plotW, y)
		if err := p.cell(pdfMarginX, y-5, axisW, 10, formatValue(v), gopdf.Right); err != nil {
			return err
		}
	}
	groupW := plotW / float64(len(c.Labels))
	barW := groupW * 0.8 / float64(len(c.Series))
	base := yOf(0)
	for i, label := range c.Labels {
		gx := x0 + float64(i)*groupW + groupW*0.1
		for s := range c.Series {
			v := c.value(s, i)
			y1, y2 := yOf(max(v, 0)), yOf(min(v, 0))
			if y2-y1 < 0.01 {
				continue
			}
			col := seriesColor(s)
			p.gp.SetFillColor(col.R, col.G, col.B)
			p.gp.RectFromUpperLeftWithStyle(gx+float64(s)*barW, y1, barW, y2-y1, "F")
		}
		lines, err := p.wrap(label, groupW-2)
		if err != nil {
			return err
		}
		for j, l := range lines[:min(len(lines), 2)] {
			if err := p.cell(x0+float64(i)*groupW+1, top+plotH+3+float64(j)*7*1.3, groupW-2, 7*1.3, l, gopdf.Center); err != nil {
				return err
			}
		}
	}
	p.gp.SetStrokeColor(80, 80, 80)
	p.gp.Line(x0, base, x0+plotW, base)
	p.y += h
	return nil
}

// hbars draws one horizontal group per label, label on the left and each
// bar's value at its end; groups may run onto the next page.
func (p *pdfWriter) hbars(c BarChart) error {
	lo, hi, _ := c.scale()
	if err := p.setFont(fontRegular, 7.5); err != nil {
		return err
	}
	labelW := 0.0
	for _, l := range c.Labels {
		w, err := p.gp.MeasureTextWidth(l)
		if err != nil {
			return err
		}
		labelW = max(labelW, w)
	}
	labelW = min(labelW+4, pdfWidth*0.3)
	valueW := 40.0
	x0 := pdfMarginX + labelW
	if lo < 0 { // room for the values of negative bars, left of them
		x0 += valueW
	}
	plotW := pdfMarginX + pdfWidth - x0 - valueW
	xOf := func(v float64) float64 { return x0 + plotW*(v-lo)/(hi-lo) }
	barH := 9.0
	groupH := float64(len(c.Series))*barH + 6
	for i, label := range c.Labels {
		if broke, err := p.room(groupH); err != nil {
			return err
		} else if broke {
			p.y += 4
		}
		if err := p.setFont(fontRegular, 7.5); err != nil {
			return err
		}
		lines, err := p.wrap(label, labelW-4)
		if err != nil {
			return err
		}
		if err := p.cell(pdfMarginX, p.y, labelW-4, groupH-6, lines[0], gopdf.Right); err != nil {
			return err
		}
		for s := range c.Series {
			v := c.value(s, i)
			x1, x2 := xOf(min(v, 0)), xOf(max(v, 0))
			y := p.y + float64(s)*barH
			if x2-x1 >= 0.01 {
				col := seriesColor(s)
				p.gp.SetFillColor(col.R, col.G, col.B)
				p.gp.RectFromUpperLeftWithStyle(x1, y+1, x2-x1, barH-2, "F")
			}
			vx, align := x2+2, gopdf.Left
			if v < 0 {
				vx, align = x1-2-valueW, gopdf.Right
			}
			if err := p.cell(vx, y, valueW, barH, formatValue(v), align); err != nil {
				return err
			}
		}
		p.gp.SetStrokeColor(80, 80, 80)
		p.gp.Line(xOf(0), p.y-3, xOf(0), p.y+groupH-3)
		p.y += groupH
	}
	return nil
}

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
	lang  string
	tsize float64 // the font size of the table being written
}

func newPDFWriter(d *Document) (*pdfWriter, error) {
	gp := &gopdf.GoPdf{}
	gp.Start(gopdf.Config{PageSize: *gopdf.PageSizeA4, Unit: gopdf.UnitPT})
	gp.SetInfo(gopdf.PdfInfo{Title: d.Title, Subject: d.Subtitle, Author: d.Author, Creator: "Aldyn"})
	if err := gp.AddTTFFontData(fontRegular, dejavusans.TTF); err != nil {
		return nil, fmt.Errorf("pdf: font: %w", err)
	}
	if err := gp.AddTTFFontData(fontBold, dejavusansbold.TTF); err != nil {
		return nil, fmt.Errorf("pdf: font: %w", err)
	}
	gp.SetLineWidth(0.5)
	p := &pdfWriter{gp: gp, lang: d.Lang}
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
	if d.Cover != nil {
		if err := p.cover(d.Cover); err != nil {
			return fmt.Errorf("pdf: title page: %w", err)
		}
	} else if err := p.header(d); err != nil {
		return err
	}
	for i, b := range d.Blocks {
		var err error
		switch b := b.(type) {
		case Heading:
			// Keep the heading with the start of what follows it, so that
			// no heading is left alone at the foot of a page.
			var lead float64
			if lead, err = p.leadHeight(d.Blocks[i:]); err == nil {
				if _, err = p.room(lead); err == nil {
					size := headingSize(b.Level)
					p.y += size * 0.6
					err = p.text(b.Text, fontBold, size, 4)
				}
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

func headingSize(level int) float64 { return [...]float64{15, 13, 11.5}[headingLevel(level)-1] }

// header writes the title and subtitle at the top of the first page.
func (p *pdfWriter) header(d *Document) error {
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
	return nil
}

// cover fills the first page: the issuer at the head, the kind of
// document and its subject in the middle, the place and year at the foot;
// the body starts on the next page.
func (p *pdfWriter) cover(c *TitlePage) error {
	centred := func(s, font string, size, after float64) error {
		if err := p.setFont(font, size); err != nil {
			return err
		}
		lines, err := p.wrap(s, pdfWidth-60)
		if err != nil {
			return err
		}
		lh := size * 1.4
		for _, l := range lines {
			if err := p.cell(pdfMarginX, p.y, pdfWidth, lh, l, gopdf.Center); err != nil {
				return err
			}
			p.y += lh
		}
		p.y += after
		return nil
	}
	if err := centred(c.Issuer, fontBold, 13, 0); err != nil {
		return err
	}
	p.gp.SetStrokeColor(80, 80, 80)
	p.gp.Line(pdfMarginX+60, p.y+6, pdfMarginX+pdfWidth-60, p.y+6)
	p.y = pdfTop + 250
	if err := centred(c.Kind, fontBold, 20, 14); err != nil {
		return err
	}
	if err := centred(c.Title, fontBold, 14, 18); err != nil {
		return err
	}
	for _, l := range c.Lines {
		if err := centred(l, fontRegular, 12, 4); err != nil {
			return err
		}
	}
	p.y = pdfBottom - 30
	if err := centred(c.Place, fontRegular, 12, 0); err != nil {
		return err
	}
	return p.newPage()
}

// leadHeight is the height the first of blocks (a heading) needs on its
// page together with the start of what follows: two lines of a paragraph,
// a table's caption, header and first row, or a whole chart.
func (p *pdfWriter) leadHeight(blocks []Block) (float64, error) {
	if len(blocks) == 0 {
		return 0, nil
	}
	switch b := blocks[0].(type) {
	case Heading:
		size := headingSize(b.Level)
		if err := p.setFont(fontBold, size); err != nil {
			return 0, err
		}
		lines, err := p.wrap(b.Text, pdfWidth)
		if err != nil {
			return 0, err
		}
		rest, err := p.leadHeight(blocks[1:])
		return size*0.6 + float64(len(lines))*size*1.4 + 4 + rest, err
	case Paragraph:
		if err := p.setFont(fontRegular, bodySize); err != nil {
			return 0, err
		}
		lines, err := p.wrap(b.Text, pdfWidth)
		return float64(min(len(lines), 2)) * bodySize * 1.4, err
	case TableBlock:
		if b.Table == nil {
			return 0, nil
		}
		l, err := p.layout(b.Table)
		if err != nil {
			return 0, err
		}
		return p.titleHeight(b.Table.Title) + l.headH + l.firstH, nil
	case BarChart:
		if len(b.Labels) == 0 || len(b.Series) == 0 {
			return 0, nil
		}
		return p.titleHeight(b.Title) + min(chartHeight(b, pdfWidth), pdfBottom-pdfTop-bodySize*1.4-10), nil
	}
	return 0, nil
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
// spaces, and inside a word, with a hyphen, only when the word alone is
// wider than the line.
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
			// A word wider than the line is cut into pieces that fit,
			// each ending in a hyphen; tables give columns their longest
			// word's width where they can, so this is the last resort.
			line = ""
			if tw, err := p.gp.MeasureTextWidth(word); err != nil {
				return nil, err
			} else if tw <= width {
				line = word
				continue
			}
			for _, r := range word {
				try := line + string(r)
				tw, err := p.gp.MeasureTextWidth(try + "-")
				if err != nil {
					return nil, err
				}
				if tw > width && line != "" {
					lines = append(lines, line+"-")
					try = string(r)
				}
				line = try
			}
		}
		lines = append(lines, line)
	}
	return lines, nil
}

// fitWidths gives each column its natural width when the table fits.
// Otherwise each column gets its floor (its longest word, so no word is
// cut) and the width left over is shared in proportion to how much more
// each column wants: long titles get the room, short columns keep theirs.
// Only when even the floors do not fit are they shrunk in proportion.
func fitWidths(natural, floor []float64, avail float64) []float64 {
	n := len(natural)
	out := make([]float64, n)
	sum, floors := 0.0, 0.0
	for i, w := range natural {
		sum += w
		floors += min(floor[i], w)
	}
	switch {
	case sum <= avail:
		// Spread the spare width so the table spans the text block.
		for i, w := range natural {
			out[i] = w + (avail-sum)/float64(n)
		}
	case floors >= avail:
		for i, w := range natural {
			out[i] = min(floor[i], w) * avail / floors
		}
	default:
		k := (avail - floors) / (sum - floors)
		for i, w := range natural {
			f := min(floor[i], w)
			out[i] = f + (w-f)*k
		}
	}
	return out
}

// tableLayout is a table measured for the page.
type tableLayout struct {
	texts     [][]string
	widths    []float64
	head      []string
	headLines [][]string
	headH     float64
	firstH    float64 // the first row's height, 0 without rows
	squeezed  bool    // some column is narrower than its longest word
}

// layout measures t at the largest table font size, down to 6.5 pt, at
// which every column is as wide as its longest word, so that a wide table
// gets smaller type rather than words cut in pieces.
func (p *pdfWriter) layout(t *Table) (*tableLayout, error) {
	for p.tsize = tableSize; ; p.tsize-- {
		l, err := p.layoutAt(t)
		if err != nil || !l.squeezed || p.tsize <= 6.5 {
			return l, err
		}
	}
}

// layoutAt measures t at p.tsize: natural widths from the widest cell, floors from the
// longest word, both header included.
func (p *pdfWriter) layoutAt(t *Table) (*tableLayout, error) {
	lh := p.tsize * 1.3
	natural := make([]float64, len(t.Columns))
	floor := make([]float64, len(t.Columns))
	l := &tableLayout{texts: make([][]string, len(t.Rows))}
	measure := func(i int, s string) error {
		w, err := p.gp.MeasureTextWidth(s)
		if err != nil {
			return err
		}
		natural[i] = max(natural[i], w)
		for _, word := range strings.Fields(s) {
			if w, err = p.gp.MeasureTextWidth(word); err != nil {
				return err
			}
			floor[i] = max(floor[i], w)
		}
		return nil
	}
	if err := p.setFont(fontRegular, p.tsize); err != nil {
		return nil, err
	}
	for r, row := range t.Rows {
		l.texts[r] = make([]string, len(t.Columns))
		for i, c := range t.Columns {
			if i < len(row) {
				l.texts[r][i] = docCellText(row[i], c.Kind)
			}
			if err := measure(i, l.texts[r][i]); err != nil {
				return nil, err
			}
		}
	}
	if err := p.setFont(fontBold, p.tsize); err != nil {
		return nil, err
	}
	l.head = make([]string, len(t.Columns))
	for i, c := range t.Columns {
		l.head[i] = c.Label
		// A header wraps at spaces, so only its longest word counts.
		for _, word := range strings.Fields(c.Label) {
			if err := measure(i, word); err != nil {
				return nil, err
			}
		}
	}
	for i := range natural {
		natural[i] += 2*cellPadX + 0.5
		floor[i] += 2*cellPadX + 0.5
	}
	l.widths = fitWidths(natural, floor, pdfWidth)
	for i := range floor {
		l.squeezed = l.squeezed || l.widths[i] < min(floor[i], natural[i])-0.01
	}
	var err error
	if l.headLines, err = p.rowLines(l.head, l.widths, fontBold); err != nil {
		return nil, err
	}
	l.headH = rowHeight(l.headLines, lh)
	if len(l.texts) > 0 {
		first, err := p.rowLines(l.texts[0], l.widths, fontRegular)
		if err != nil {
			return nil, err
		}
		l.firstH = rowHeight(first, lh)
	}
	return l, nil
}

func (p *pdfWriter) table(t *Table) error {
	if len(t.Columns) == 0 {
		return nil
	}
	l, err := p.layout(t)
	if err != nil {
		return err
	}
	lh := p.tsize * 1.3
	maxLines := int((pdfBottom - pdfTop - l.headH - 2*cellPadY) / lh)
	// Keep the caption and header with the first row.
	if _, err := p.room(p.titleHeight(t.Title) + l.headH + l.firstH); err != nil {
		return err
	}
	if t.Title != "" {
		if err := p.text(t.Title, fontBold, bodySize, 2); err != nil {
			return err
		}
	}
	if err := p.row(l.head, l.headLines, l.widths, t.Columns, lh, true); err != nil {
		return err
	}
	for _, row := range l.texts {
		lines, err := p.rowLines(row, l.widths, fontRegular)
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
			if err := p.row(l.head, l.headLines, l.widths, t.Columns, lh, true); err != nil {
				return err
			}
		}
		if err := p.row(row, lines, l.widths, t.Columns, lh, false); err != nil {
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
	if err := p.setFont(font, p.tsize); err != nil {
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
	if err := p.setFont(font, p.tsize); err != nil {
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

// chart draws c as gonum/plot's picture across the text width, with its
// title above; a chart is never split across pages.
func (p *pdfWriter) chart(c BarChart) error {
	if len(c.Labels) == 0 || len(c.Series) == 0 {
		return nil
	}
	png, h, err := ChartPNG(c, p.lang, pdfWidth)
	if err != nil {
		return err
	}
	h = min(h, pdfBottom-pdfTop-bodySize*1.4-10)
	if _, err := p.room(p.titleHeight(c.Title) + h); err != nil {
		return err
	}
	if c.Title != "" {
		if err := p.text(c.Title, fontBold, bodySize, 2); err != nil {
			return err
		}
	}
	img, err := gopdf.ImageHolderByBytes(png)
	if err != nil {
		return err
	}
	if err := p.gp.ImageByHolder(img, pdfMarginX, p.y, &gopdf.Rect{W: pdfWidth, H: h}); err != nil {
		return err
	}
	p.y += h + 10
	return nil
}

// titleHeight is the height of a bold caption line, 0 without one.
func (p *pdfWriter) titleHeight(title string) float64 {
	if title == "" {
		return 0
	}
	return bodySize*1.4 + 2
}

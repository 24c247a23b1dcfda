package export

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// DOCX geometry: A4 with 2 cm margins, in twentieths of a point (twips)
// and, for pictures, English Metric Units.
const (
	docxPageW   = 11906
	docxPageH   = 16838
	docxMargin  = 1134
	docxWidth   = docxPageW - 2*docxMargin
	emuPerTwip  = 635
	chartPixelW = 1200
)

// WriteDOCX writes d as a minimal Office Open XML document: styles with
// Heading 1–3, real Word tables whose header row repeats on each page,
// charts as embedded PNG pictures followed by a table of their values, and
// a page number in the footer.
func WriteDOCX(w io.Writer, d *Document) error {
	x := &docxWriter{lang: d.Lang}
	x.document(d)
	if x.err != nil {
		return fmt.Errorf("docx: %w", x.err)
	}
	z := zip.NewWriter(w)
	parts := []struct {
		name string
		data []byte
	}{
		{"[Content_Types].xml", []byte(docxContentTypes)},
		{"_rels/.rels", []byte(docxRootRels)},
		{"docProps/core.xml", docxCore(d, now())},
		{"docProps/app.xml", []byte(docxApp)},
		{"word/document.xml", x.body.Bytes()},
		{"word/styles.xml", []byte(docxStyles(d.Lang))},
		{"word/footer1.xml", []byte(docxFooter)},
		{"word/_rels/document.xml.rels", x.rels()},
	}
	for i, img := range x.images {
		parts = append(parts, struct {
			name string
			data []byte
		}{fmt.Sprintf("word/media/chart%d.png", i+1), img})
	}
	for _, p := range parts {
		f, err := z.Create(p.name)
		if err != nil {
			return fmt.Errorf("docx: %w", err)
		}
		if _, err := f.Write(p.data); err != nil {
			return fmt.Errorf("docx: %w", err)
		}
	}
	if err := z.Close(); err != nil {
		return fmt.Errorf("docx: %w", err)
	}
	return nil
}

type docxWriter struct {
	lang   string
	body   bytes.Buffer
	images [][]byte // PNGs, related as rIdImg1…
	err    error
}

func (x *docxWriter) s(parts ...string) {
	for _, p := range parts {
		x.body.WriteString(p)
	}
}

// esc writes s as XML character data or attribute value.
func (x *docxWriter) esc(s string) {
	xml.EscapeText(&x.body, []byte(s))
}

func (x *docxWriter) document(d *Document) {
	x.s(xml.Header, `<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"`,
		` xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"`,
		` xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"`,
		` xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"`,
		` xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture"><w:body>`)
	if c := d.Cover; c != nil {
		x.cover(c)
	} else {
		if d.Title != "" {
			x.para("Title", "", d.Title, false)
		}
		if d.Subtitle != "" {
			x.para("Subtitle", "", d.Subtitle, false)
		}
	}
	for i, b := range d.Blocks {
		switch b := b.(type) {
		case Heading:
			x.para("Heading"+strconv.Itoa(headingLevel(b.Level)), "", b.Text, false)
		case Paragraph:
			x.para("", "", b.Text, false)
		case TableBlock:
			if b.Table != nil {
				x.table(b.Table)
			}
		case BarChart:
			x.chart(b)
		default:
			x.err = fmt.Errorf("block %d: unknown block type %T", i, b)
			return
		}
	}
	x.s(`<w:sectPr><w:footerReference w:type="default" r:id="rIdFooter"/>`,
		`<w:pgSz w:w="`, strconv.Itoa(docxPageW), `" w:h="`, strconv.Itoa(docxPageH), `"/>`)
	m := strconv.Itoa(docxMargin)
	x.s(`<w:pgMar w:top="`, m, `" w:right="`, m, `" w:bottom="`, m, `" w:left="`, m,
		`" w:header="567" w:footer="567" w:gutter="0"/></w:sectPr></w:body></w:document>`)
}

// cover writes the title page, centred, and breaks the page after it.
func (x *docxWriter) cover(c *TitlePage) {
	spaced := func(before int, style, text string, bold bool) {
		x.s(`<w:p><w:pPr>`)
		if style != "" {
			x.s(`<w:pStyle w:val="`, style, `"/>`)
		}
		x.s(`<w:spacing w:before="`, strconv.Itoa(before), `"/><w:jc w:val="center"/></w:pPr>`)
		x.run(text, bold, "")
		x.s(`</w:p>`)
	}
	spaced(0, "", c.Issuer, true)
	spaced(3600, "Title", c.Kind, false)
	spaced(240, "Subtitle", c.Title, true)
	for _, l := range c.Lines {
		spaced(0, "", l, false)
	}
	spaced(5400, "", c.Place, false)
	x.s(`<w:p><w:r><w:br w:type="page"/></w:r></w:p>`)
}

// para writes a paragraph in style (may be empty) with alignment jc (may
// be empty); "\n" in text becomes a line break.
func (x *docxWriter) para(style, jc, text string, bold bool) {
	x.s(`<w:p>`)
	if style != "" || jc != "" {
		x.s(`<w:pPr>`)
		if style != "" {
			x.s(`<w:pStyle w:val="`, style, `"/>`)
		}
		if jc != "" {
			x.s(`<w:jc w:val="`, jc, `"/>`)
		}
		x.s(`</w:pPr>`)
	}
	x.run(text, bold, "")
	x.s(`</w:p>`)
}

// run writes text as one run, bold and in colour (hex, may be empty) if asked.
func (x *docxWriter) run(text string, bold bool, colour string) {
	if text == "" {
		return
	}
	x.s(`<w:r>`)
	if bold || colour != "" {
		x.s(`<w:rPr>`)
		if bold {
			x.s(`<w:b/>`)
		}
		if colour != "" {
			x.s(`<w:color w:val="`, colour, `"/>`)
		}
		x.s(`</w:rPr>`)
	}
	for i, line := range strings.Split(text, "\n") {
		if i > 0 {
			x.s(`<w:br/>`)
		}
		x.s(`<w:t xml:space="preserve">`)
		x.esc(line)
		x.s(`</w:t>`)
	}
	x.s(`</w:r>`)
}

func (x *docxWriter) table(t *Table) {
	if len(t.Columns) == 0 {
		return
	}
	if t.Title != "" {
		x.para("Caption", "", t.Title, false)
	}
	// Column widths from the longest text, about 100 twips a character at
	// 9 pt, fitted to the text width like the PDF's.
	natural := make([]float64, len(t.Columns))
	floor := make([]float64, len(t.Columns))
	measure := func(i int, s string, whole bool) {
		if whole {
			natural[i] = max(natural[i], float64(len([]rune(s))))
		}
		for _, word := range strings.Fields(s) {
			n := float64(len([]rune(word)))
			natural[i], floor[i] = max(natural[i], n), max(floor[i], n)
		}
	}
	for i, c := range t.Columns {
		measure(i, c.Label, false)
	}
	for _, row := range t.Rows {
		for i, c := range t.Columns {
			if i < len(row) {
				measure(i, docCellText(row[i], c.Kind), true)
			}
		}
	}
	for i := range natural {
		natural[i] = natural[i]*100 + 230
		floor[i] = floor[i]*100 + 230
	}
	widths := make([]string, len(natural))
	for i, w := range fitWidths(natural, floor, docxWidth) {
		widths[i] = strconv.Itoa(int(w))
	}
	x.s(`<w:tbl><w:tblPr><w:tblStyle w:val="ReportTable"/><w:tblW w:w="`, strconv.Itoa(docxWidth),
		`" w:type="dxa"/><w:tblLayout w:type="fixed"/><w:tblLook w:val="0420" w:firstRow="1" w:lastRow="0" w:firstColumn="0" w:lastColumn="0" w:noHBand="1" w:noVBand="1"/></w:tblPr><w:tblGrid>`)
	for _, w := range widths {
		x.s(`<w:gridCol w:w="`, w, `"/>`)
	}
	x.s(`</w:tblGrid>`)
	// The header row repeats at the top of each page and never splits.
	x.s(`<w:tr><w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>`)
	for i, c := range t.Columns {
		x.cell(widths[i], c.Label, isNumeric(c.Kind), true)
	}
	x.s(`</w:tr>`)
	for _, row := range t.Rows {
		x.s(`<w:tr><w:trPr><w:cantSplit/></w:trPr>`)
		for i, c := range t.Columns {
			var text string
			if i < len(row) {
				text = docCellText(row[i], c.Kind)
			}
			x.cell(widths[i], text, isNumeric(c.Kind), false)
		}
		x.s(`</w:tr>`)
	}
	x.s(`</w:tbl>`)
	x.para("", "", "", false) // Word needs a paragraph between adjacent tables
}

func (x *docxWriter) cell(width, text string, right, header bool) {
	x.s(`<w:tc><w:tcPr><w:tcW w:w="`, width, `" w:type="dxa"/>`)
	if header {
		x.s(`<w:shd w:val="clear" w:color="auto" w:fill="E6E9EE"/>`)
	}
	x.s(`</w:tcPr><w:p>`)
	if right {
		x.s(`<w:pPr><w:jc w:val="right"/></w:pPr>`)
	}
	x.run(text, header, "")
	x.s(`</w:p></w:tc>`)
}

func (x *docxWriter) chart(c BarChart) {
	if len(c.Labels) == 0 || len(c.Series) == 0 {
		return
	}
	img, h, err := ChartPNG(c, x.lang, float64(docxWidth)/20)
	if err != nil {
		x.err = err
		return
	}
	x.images = append(x.images, img)
	n := strconv.Itoa(len(x.images))
	if c.Title != "" {
		x.para("Caption", "", c.Title, false)
	}
	cx := docxWidth * emuPerTwip
	cy := int(h * 20 * emuPerTwip)
	ext := `cx="` + strconv.Itoa(cx) + `" cy="` + strconv.Itoa(cy) + `"`
	x.s(`<w:p><w:pPr><w:jc w:val="center"/></w:pPr><w:r><w:drawing><wp:inline distT="0" distB="0" distL="0" distR="0"><wp:extent `, ext,
		`/><wp:docPr id="`, n, `" name="Chart `, n, `" descr="`)
	x.esc(c.Title)
	x.s(`"/><wp:cNvGraphicFramePr><a:graphicFrameLocks noChangeAspect="1"/></wp:cNvGraphicFramePr>`,
		`<a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture"><pic:pic>`,
		`<pic:nvPicPr><pic:cNvPr id="`, n, `" name="chart`, n, `.png"/><pic:cNvPicPr/></pic:nvPicPr>`,
		`<pic:blipFill><a:blip r:embed="rIdImg`, n, `"/><a:stretch><a:fillRect/></a:stretch></pic:blipFill>`,
		`<pic:spPr><a:xfrm><a:off x="0" y="0"/><a:ext `, ext, `/></a:xfrm><a:prstGeom prst="rect"><a:avLst/></a:prstGeom></pic:spPr>`,
		`</pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing></w:r></w:p>`)
	// The values again as a table, for screen readers and for copying.
	t := chartTable(c)
	t.Title = ""
	x.table(t)
}

func (x *docxWriter) rels() []byte {
	var b strings.Builder
	b.WriteString(xml.Header)
	b.WriteString(`<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">`)
	b.WriteString(`<Relationship Id="rIdStyles" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>`)
	b.WriteString(`<Relationship Id="rIdFooter" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer" Target="footer1.xml"/>`)
	for i := range x.images {
		fmt.Fprintf(&b, `<Relationship Id="rIdImg%d" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/image" Target="media/chart%d.png"/>`, i+1, i+1)
	}
	b.WriteString(`</Relationships>`)
	return []byte(b.String())
}

// docxLang turns a short language tag into the region form Word expects.
func docxLang(lang string) string {
	switch lang {
	case "ky":
		return "ky-KG"
	case "ru":
		return "ru-RU"
	case "en":
		return "en-GB"
	}
	return lang
}

const docxContentTypes = xml.Header + `<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
	`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>` +
	`<Default Extension="xml" ContentType="application/xml"/>` +
	`<Default Extension="png" ContentType="image/png"/>` +
	`<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>` +
	`<Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>` +
	`<Override PartName="/word/footer1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"/>` +
	`<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>` +
	`<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>` +
	`</Types>`

const docxRootRels = xml.Header + `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
	`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>` +
	`<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>` +
	`<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" Target="docProps/app.xml"/>` +
	`</Relationships>`

const docxFooter = xml.Header + `<w:ftr xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">` +
	`<w:p><w:pPr><w:jc w:val="center"/></w:pPr>` +
	`<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>` +
	`<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>1</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r>` +
	`<w:r><w:t xml:space="preserve"> / </w:t></w:r>` +
	`<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> NUMPAGES </w:instrText></w:r>` +
	`<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>1</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r>` +
	`</w:p></w:ftr>`

func docxStyles(lang string) string {
	var langTag string
	if l := docxLang(lang); l != "" {
		var b bytes.Buffer
		xml.EscapeText(&b, []byte(l))
		langTag = `<w:lang w:val="` + b.String() + `"/>`
	}
	heading := func(n int, size int) string {
		id := "Heading" + strconv.Itoa(n)
		return `<w:style w:type="paragraph" w:styleId="` + id + `"><w:name w:val="heading ` + strconv.Itoa(n) + `"/>` +
			`<w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:uiPriority w:val="9"/><w:qFormat/>` +
			`<w:pPr><w:keepNext/><w:keepLines/><w:spacing w:before="240" w:after="80"/><w:outlineLvl w:val="` + strconv.Itoa(n-1) + `"/></w:pPr>` +
			`<w:rPr><w:b/><w:sz w:val="` + strconv.Itoa(size) + `"/><w:szCs w:val="` + strconv.Itoa(size) + `"/></w:rPr></w:style>`
	}
	border := func(side string) string {
		return `<w:` + side + ` w:val="single" w:sz="4" w:space="0" w:color="B4B4B4"/>`
	}
	return xml.Header + `<w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">` +
		`<w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii="Calibri" w:hAnsi="Calibri" w:eastAsia="Calibri" w:cs="Calibri"/>` +
		`<w:sz w:val="21"/><w:szCs w:val="21"/>` + langTag + `</w:rPr></w:rPrDefault>` +
		`<w:pPrDefault><w:pPr><w:spacing w:after="120" w:line="264" w:lineRule="auto"/></w:pPr></w:pPrDefault></w:docDefaults>` +
		`<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/></w:style>` +
		`<w:style w:type="paragraph" w:styleId="Title"><w:name w:val="Title"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:qFormat/>` +
		`<w:pPr><w:spacing w:after="60"/></w:pPr><w:rPr><w:b/><w:sz w:val="40"/><w:szCs w:val="40"/></w:rPr></w:style>` +
		`<w:style w:type="paragraph" w:styleId="Subtitle"><w:name w:val="Subtitle"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:qFormat/>` +
		`<w:pPr><w:spacing w:after="240"/></w:pPr><w:rPr><w:color w:val="505050"/><w:sz w:val="26"/><w:szCs w:val="26"/></w:rPr></w:style>` +
		heading(1, 32) + heading(2, 26) + heading(3, 23) +
		`<w:style w:type="paragraph" w:styleId="Caption"><w:name w:val="caption"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:qFormat/>` +
		`<w:pPr><w:keepNext/><w:spacing w:before="120" w:after="60"/></w:pPr><w:rPr><w:b/><w:sz w:val="20"/><w:szCs w:val="20"/></w:rPr></w:style>` +
		`<w:style w:type="table" w:default="1" w:styleId="TableNormal"><w:name w:val="Normal Table"/><w:uiPriority w:val="99"/><w:semiHidden/>` +
		`<w:tblPr><w:tblInd w:w="0" w:type="dxa"/><w:tblCellMar><w:top w:w="0" w:type="dxa"/><w:left w:w="108" w:type="dxa"/>` +
		`<w:bottom w:w="0" w:type="dxa"/><w:right w:w="108" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style>` +
		`<w:style w:type="table" w:styleId="ReportTable"><w:name w:val="Report Table"/><w:basedOn w:val="TableNormal"/>` +
		`<w:pPr><w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr><w:rPr><w:sz w:val="18"/><w:szCs w:val="18"/></w:rPr>` +
		`<w:tblPr><w:tblBorders>` + border("top") + border("left") + border("bottom") + border("right") + border("insideH") + border("insideV") +
		`</w:tblBorders><w:tblCellMar><w:left w:w="57" w:type="dxa"/><w:right w:w="57" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style>` +
		`</w:styles>`
}

// now is when documents are written; tests fix it.
var now = time.Now

// docxCore is the document's core properties: its title, subject, author
// (the issuing body) and language, which Word shows in File › Info and
// search indexes read.
func docxCore(d *Document, at time.Time) []byte {
	var b bytes.Buffer
	el := func(name, v string) {
		if v == "" {
			return
		}
		b.WriteString("<" + name + ">")
		xml.EscapeText(&b, []byte(v))
		b.WriteString("</" + name + ">")
	}
	b.WriteString(xml.Header)
	b.WriteString(`<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties"` +
		` xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/"` +
		` xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">`)
	el("dc:title", d.Title)
	el("dc:subject", d.Subtitle)
	el("dc:creator", d.Author)
	el("cp:lastModifiedBy", d.Author)
	el("dc:language", docxLang(d.Lang))
	ts := at.UTC().Format("2006-01-02T15:04:05Z")
	b.WriteString(`<dcterms:created xsi:type="dcterms:W3CDTF">` + ts + `</dcterms:created>`)
	b.WriteString(`<dcterms:modified xsi:type="dcterms:W3CDTF">` + ts + `</dcterms:modified>`)
	b.WriteString(`</cp:coreProperties>`)
	return b.Bytes()
}

const docxApp = xml.Header + `<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">` +
	`<Application>Aldyn</Application></Properties>`

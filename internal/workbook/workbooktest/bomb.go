// Package workbooktest builds hostile workbooks for tests: zips that
// unpack to far more than they weigh, cells of any length, parts that lie
// about their size. They are built in a moment and in little memory: the
// repeated bytes are compressed once and the compressed block repeated.
package workbooktest

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"fmt"
	"hash/crc32"
	"html"
	"strings"
	"testing"
)

// Segment is a piece of a part: Text, then Repeat written Times times.
type Segment struct {
	Text   string
	Repeat string
	Times  int64
}

// Part is a zip entry. Declared, when not 0, is the uncompressed size the
// zip states instead of the true one.
type Part struct {
	Name     string
	Segments []Segment
	Declared uint64
}

// MustZip builds a zip of parts.
func MustZip(tb testing.TB, parts ...Part) []byte {
	tb.Helper()
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, p := range parts {
		var comp bytes.Buffer
		crc := crc32.NewIEEE()
		var size uint64
		for _, s := range p.Segments {
			if s.Text != "" {
				comp.Write(deflated([]byte(s.Text)))
				crc.Write([]byte(s.Text))
				size += uint64(len(s.Text))
			}
			if s.Times == 0 || s.Repeat == "" {
				continue
			}
			// A block of about 1 MiB of repeats, compressed once: each
			// flushed block stands alone, so it can be written again.
			per := max(1, (1<<20)/int64(len(s.Repeat)))
			block := []byte(strings.Repeat(s.Repeat, int(min(per, s.Times))))
			packed := deflated(block)
			n := s.Times / per
			for range n {
				comp.Write(packed)
				crc.Write(block)
			}
			size += uint64(n) * uint64(len(block))
			if rest := s.Times - n*per; rest > 0 {
				tail := []byte(strings.Repeat(s.Repeat, int(rest)))
				comp.Write(deflated(tail))
				crc.Write(tail)
				size += uint64(len(tail))
			}
		}
		// The final, empty block.
		fw, _ := flate.NewWriter(&comp, flate.BestCompression)
		fw.Close()
		declared := size
		if p.Declared != 0 {
			declared = p.Declared
		}
		w, err := zw.CreateRaw(&zip.FileHeader{
			Name: p.Name, Method: zip.Deflate, CRC32: crc.Sum32(),
			CompressedSize64: uint64(comp.Len()), UncompressedSize64: declared,
		})
		if err != nil {
			tb.Fatal(err)
		}
		if _, err := w.Write(comp.Bytes()); err != nil {
			tb.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		tb.Fatal(err)
	}
	return out.Bytes()
}

// deflated compresses b as blocks that end with a sync flush, not a final
// block, so that they can be followed by more.
func deflated(b []byte) []byte {
	var out bytes.Buffer
	fw, _ := flate.NewWriter(&out, flate.BestCompression)
	fw.Write(b)
	fw.Flush()
	return out.Bytes()
}

const (
	sheetHead = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" +
		`<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`
	sheetTail = `</sheetData></worksheet>`
	sstHead   = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" +
		`<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">`
)

// Skeleton is the parts of a one-sheet workbook other than its sheet and
// shared texts.
func Skeleton() []Part {
	text := func(name, s string) Part { return Part{Name: name, Segments: []Segment{{Text: s}}} }
	const rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
	return []Part{
		text("[Content_Types].xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>`+"\n"+
			`<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">`+
			`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>`+
			`<Default Extension="xml" ContentType="application/xml"/>`+
			`<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>`+
			`<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>`+
			`<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>`+
			`</Types>`),
		text("_rels/.rels", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>`+"\n"+
			`<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">`+
			`<Relationship Id="rId1" Type="`+rel+`officeDocument" Target="xl/workbook.xml"/></Relationships>`),
		text("xl/workbook.xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>`+"\n"+
			`<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="`+rel[:len(rel)-1]+`">`+
			`<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>`),
		text("xl/_rels/workbook.xml.rels", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>`+"\n"+
			`<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">`+
			`<Relationship Id="rId1" Type="`+rel+`worksheet" Target="worksheets/sheet1.xml"/>`+
			`<Relationship Id="rId2" Type="`+rel+`sharedStrings" Target="sharedStrings.xml"/></Relationships>`),
	}
}

// HeaderRow is row 1 holding header as inline texts.
func HeaderRow(header []string) string {
	var b strings.Builder
	b.WriteString(`<row r="1">`)
	for i, h := range header {
		fmt.Fprintf(&b, `<c r="%s1" t="inlineStr"><is><t>%s</t></is></c>`, column(i), html.EscapeString(h))
	}
	b.WriteString(`</row>`)
	return b.String()
}

func column(i int) string {
	s := ""
	for i++; i > 0; i = (i - 1) / 26 {
		s = string(rune('A'+(i-1)%26)) + s
	}
	return s
}

// Sheet is a sheet part whose rows are header, then the segments.
func Sheet(header []string, rows ...Segment) Part {
	segs := append([]Segment{{Text: sheetHead + HeaderRow(header)}}, rows...)
	return Part{Name: "xl/worksheets/sheet1.xml", Segments: append(segs, Segment{Text: sheetTail})}
}

// SharedStrings is a table of shared texts made of the segments, each of
// which should hold whole <si> elements.
func SharedStrings(items ...Segment) Part {
	segs := append([]Segment{{Text: sstHead}}, items...)
	return Part{Name: "xl/sharedStrings.xml", Segments: append(segs, Segment{Text: `</sst>`})}
}

// MustHugeCell is a workbook whose cell B2 holds n letters, written in the
// sheet or, with shared, in the table of shared texts.
func MustHugeCell(tb testing.TB, header []string, n int64, shared bool) []byte {
	tb.Helper()
	if shared {
		sheet := Sheet(header, Segment{Text: `<row r="2"><c r="A2" t="inlineStr"><is><t>x</t></is></c><c r="B2" t="s"><v>0</v></c></row>`})
		sst := SharedStrings(Segment{Text: `<si><t>`, Repeat: "A", Times: n}, Segment{Text: `</t></si>`})
		return MustZip(tb, append(Skeleton(), sheet, sst)...)
	}
	sheet := Sheet(header,
		Segment{Text: `<row r="2"><c r="A2" t="inlineStr"><is><t>x</t></is></c><c r="B2" t="inlineStr"><is><t>`, Repeat: "A", Times: n},
		Segment{Text: `</t></is></c></row>`})
	return MustZip(tb, append(Skeleton(), sheet, SharedStrings())...)
}

// ManyCellsRow is a row of ten small cells, without a row number so that it
// can be repeated.
const ManyCellsRow = `<row>` +
	`<c t="inlineStr"><is><t>x</t></is></c><c t="inlineStr"><is><t>x</t></is></c><c t="inlineStr"><is><t>x</t></is></c>` +
	`<c t="inlineStr"><is><t>x</t></is></c><c t="inlineStr"><is><t>x</t></is></c><c t="inlineStr"><is><t>x</t></is></c>` +
	`<c t="inlineStr"><is><t>x</t></is></c><c t="inlineStr"><is><t>x</t></is></c><c t="inlineStr"><is><t>x</t></is></c>` +
	`<c t="inlineStr"><is><t>x</t></is></c></row>`

// MustManyCells is a workbook whose sheet holds rows rows of ten small
// cells; declared, when not 0, is the sheet's size as the zip states it.
func MustManyCells(tb testing.TB, header []string, rows int64, declared uint64) []byte {
	tb.Helper()
	sheet := Sheet(header, Segment{Repeat: ManyCellsRow, Times: rows})
	sheet.Declared = declared
	return MustZip(tb, append(Skeleton(), sheet, SharedStrings())...)
}

// MustRepeatedSharedText is a workbook whose row 2 refers cells times to
// one shared text of n letters: small as written, large once read.
func MustRepeatedSharedText(tb testing.TB, header []string, n, cells int64) []byte {
	tb.Helper()
	sheet := Sheet(header, Segment{Text: `<row r="2">`, Repeat: `<c t="s"><v>0</v></c>`, Times: cells}, Segment{Text: `</row>`})
	sst := SharedStrings(Segment{Text: `<si><t>`, Repeat: "A", Times: n}, Segment{Text: `</t></si>`})
	return MustZip(tb, append(Skeleton(), sheet, sst)...)
}

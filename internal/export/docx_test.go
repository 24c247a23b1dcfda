package export

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"image/png"
	"io"
	"os"
	"path"
	"path/filepath"
	"strings"
	"testing"
)

// MustReadZip returns the files of a zip archive by name.
func MustReadZip(tb testing.TB, b []byte) map[string][]byte {
	tb.Helper()
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		tb.Fatalf("not a zip: %v", err)
	}
	files := map[string][]byte{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			tb.Fatal(err)
		}
		data, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			tb.Fatal(err)
		}
		files[f.Name] = data
	}
	return files
}

// docxText returns the w:t text of document.xml, each w:p outside tables
// on its own line and each table cell followed by a tab, and counts the elements seen by
// local name.
func docxText(tb testing.TB, doc []byte) (string, map[string]int) {
	tb.Helper()
	var b strings.Builder
	count := map[string]int{}
	dec := xml.NewDecoder(bytes.NewReader(doc))
	inText, inCell := false, false
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			tb.Fatalf("document.xml: %v", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			count[t.Name.Local]++
			inText = t.Name.Local == "t"
			inCell = inCell || t.Name.Local == "tc"
		case xml.EndElement:
			inText = false
			switch t.Name.Local {
			case "p":
				if !inCell {
					b.WriteString("\n")
				}
			case "tc":
				inCell = false
				b.WriteString("\t")
			}
		case xml.CharData:
			if inText {
				b.Write(t)
			}
		}
	}
	return b.String(), count
}

func TestWriteDOCX(t *testing.T) {
	const rows = 60
	var buf bytes.Buffer
	if err := WriteDOCX(&buf, MustReportDocument(t, rows)); err != nil {
		t.Fatal(err)
	}
	if dir := os.Getenv("ALDYN_KEEP_PDF"); dir != "" {
		os.WriteFile(filepath.Join(dir, "report.docx"), buf.Bytes(), 0o644)
	}
	files := MustReadZip(t, buf.Bytes())

	t.Run("parts", func(t *testing.T) {
		for _, name := range []string{"[Content_Types].xml", "_rels/.rels", "word/document.xml", "word/styles.xml", "word/_rels/document.xml.rels"} {
			if _, ok := files[name]; !ok {
				t.Errorf("no part %s", name)
			}
		}
		for name, data := range files {
			if strings.HasSuffix(name, ".xml") || strings.HasSuffix(name, ".rels") {
				if err := xml.Unmarshal(data, new(struct{})); err != nil {
					t.Errorf("%s is not XML: %v", name, err)
				}
			}
		}
		ct := string(files["[Content_Types].xml"])
		for _, want := range []string{"wordprocessingml.document.main+xml", `PartName="/word/styles.xml"`, `Extension="png"`} {
			if !strings.Contains(ct, want) {
				t.Errorf("content types lack %s", want)
			}
		}
		for _, id := range []string{"Heading1", "Heading2", "ReportTable"} {
			if !strings.Contains(string(files["word/styles.xml"]), `w:styleId="`+id+`"`) {
				t.Errorf("styles lack %s", id)
			}
		}
	})

	t.Run("relationships resolve", func(t *testing.T) {
		var rels struct {
			Rel []struct {
				ID     string `xml:"Id,attr"`
				Target string `xml:",attr"`
			} `xml:"Relationship"`
		}
		if err := xml.Unmarshal(files["word/_rels/document.xml.rels"], &rels); err != nil {
			t.Fatal(err)
		}
		doc := string(files["word/document.xml"])
		for _, r := range rels.Rel {
			if _, ok := files[path.Join("word", r.Target)]; !ok {
				t.Errorf("relationship %s targets missing %s", r.ID, r.Target)
			}
			if strings.HasPrefix(r.ID, "rIdImg") && !strings.Contains(doc, `r:embed="`+r.ID+`"`) {
				t.Errorf("image %s is not used", r.ID)
			}
		}
	})

	text, count := docxText(t, files["word/document.xml"])
	t.Run("text", func(t *testing.T) {
		for _, want := range wantTexts(rows) {
			if !strings.Contains(text, want) {
				t.Errorf("document text lacks %q", want)
			}
		}
		// The chart's values follow it as a table.
		if !strings.Contains(text, "Ысык-Көл") {
			t.Error("document text lacks the chart's label Ысык-Көл")
		}
		// Cell values land in cells of their own.
		for _, want := range []string{"\t100\t", "\t159\t", "\t73.75\t", "\t2025-04-29\t"} {
			if !strings.Contains(text, want) {
				t.Errorf("document text lacks cell %q", want)
			}
		}
	})

	t.Run("tables", func(t *testing.T) {
		// The report table and the chart value tables, one header each.
		if got, want := count["tbl"], 3; got != want {
			t.Errorf("got %d tables, want %d", got, want)
		}
		if got, want := count["tblHeader"], count["tbl"]; got != want {
			t.Errorf("got %d header rows, want %d", got, want)
		}
		if got, want := count["tr"], (rows+1)+(5+1)+(3+1); got != want {
			t.Errorf("got %d rows, want %d", got, want)
		}
	})

	t.Run("core properties", func(t *testing.T) {
		core := string(files["docProps/core.xml"])
		for _, want := range []string{"<dc:title>Мониторинг отчету 2025</dc:title>", "<dc:creator>Бишкек шаардык кеңеши</dc:creator>", "<dc:language>ky-KG</dc:language>"} {
			if !strings.Contains(core, want) {
				t.Errorf("core.xml lacks %s:\n%s", want, core)
			}
		}
		if !strings.Contains(string(files["_rels/.rels"]), `Target="docProps/core.xml"`) {
			t.Error("core properties are not related from the package")
		}
	})

	t.Run("charts", func(t *testing.T) {
		if got, want := count["inline"], 2; got != want {
			t.Errorf("got %d inline drawings, want %d", got, want)
		}
		for _, name := range []string{"word/media/chart1.png", "word/media/chart2.png"} {
			img, err := png.Decode(bytes.NewReader(files[name]))
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			if b := img.Bounds(); b.Dx() < 100 || b.Dy() < 50 {
				t.Errorf("%s is %v, want a real picture", name, b)
			}
			// Words (ticks, values, legend) are dark pixels; bars alone
			// and a grey axis line give none.
			if n := countDark(img); n < 2000 {
				t.Errorf("%s has %d dark pixels, want the chart's text drawn in it", name, n)
			}
		}
	})
}

func TestWriteDOCXEscapes(t *testing.T) {
	const nasty = `<b>"Ош" & 'Нарын'</b>`
	d := &Document{
		Title:  nasty,
		Blocks: []Block{Paragraph{Text: nasty}, BarChart{Title: nasty, Labels: []string{nasty}, Series: []ChartSeries{{Name: nasty, Values: []float64{1}}}}},
	}
	var buf bytes.Buffer
	if err := WriteDOCX(&buf, d); err != nil {
		t.Fatal(err)
	}
	text, _ := docxText(t, MustReadZip(t, buf.Bytes())["word/document.xml"])
	if got, want := strings.Count(text, nasty), 5; got < want {
		t.Errorf("got %d copies of %q, want at least %d in:\n%s", got, nasty, want, text)
	}
}

func TestWriteDOCXUnknownBlock(t *testing.T) {
	d := &Document{Blocks: []Block{&Heading{Text: "pointer"}}}
	if err := WriteDOCX(io.Discard, d); err == nil {
		t.Fatal("got nil error for a *Heading block, want one")
	}
}

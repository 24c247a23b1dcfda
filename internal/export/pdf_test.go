package export

import (
	"bytes"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// pdfText extracts the text of a PDF with poppler's pdftotext, which reads
// glyphs back through the font's ToUnicode map, as a copy-paste would.
// Pages end with a form feed.
func pdfText(tb testing.TB, pdf []byte) string {
	tb.Helper()
	bin, err := exec.LookPath("pdftotext")
	if err != nil {
		tb.Fatal("pdftotext not found: apt-get install -y poppler-utils")
	}
	path := filepath.Join(tb.TempDir(), "doc.pdf")
	if err := os.WriteFile(path, pdf, 0o644); err != nil {
		tb.Fatal(err)
	}
	out, err := exec.Command(bin, "-enc", "UTF-8", path, "-").Output()
	if err != nil {
		tb.Fatalf("pdftotext: %v", err)
	}
	return string(out)
}

func TestWritePDF(t *testing.T) {
	const rows = 60
	var buf bytes.Buffer
	if err := WritePDF(&buf, MustReportDocument(t, rows)); err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(buf.Bytes(), []byte("%PDF-")) {
		t.Fatalf("got prefix %q, want %%PDF-", buf.Bytes()[:8])
	}
	if dir := os.Getenv("ALDYN_KEEP_PDF"); dir != "" {
		os.WriteFile(filepath.Join(dir, "report.pdf"), buf.Bytes(), 0o644)
	}
	text := pdfText(t, buf.Bytes())
	// pdftotext may join a wrapped paragraph's lines with newlines.
	flat := strings.Join(strings.Fields(text), " ")
	for _, want := range wantTexts(rows) {
		if !strings.Contains(flat, want) {
			t.Errorf("PDF text lacks %q", want)
		}
	}
	pages := strings.Split(strings.TrimRight(text, "\f"), "\f")
	if len(pages) < 2 {
		t.Fatalf("got %d pages, want the %d-row table to break onto a second", len(pages), rows)
	}
	t.Run("header repeated", func(t *testing.T) {
		n := 0
		for _, p := range pages {
			if strings.Contains(p, "Район-") {
				n++
				if !strings.Contains(p, "Саны") {
					t.Errorf("a page with table rows has no header row")
				}
			}
		}
		if n < 2 {
			t.Errorf("table rows on %d pages, want at least 2", n)
		}
	})
	t.Run("page numbers", func(t *testing.T) {
		for i, p := range pages {
			// pdftotext drops the narrow spaces around the slash.
			want := strconv.Itoa(i+1) + "/" + strconv.Itoa(len(pages))
			if !strings.Contains(strings.ReplaceAll(p, " ", ""), want) {
				t.Errorf("page %d lacks %q", i+1, want)
			}
		}
	})
}

func TestWritePDFUnknownBlock(t *testing.T) {
	d := &Document{Blocks: []Block{&Paragraph{Text: "pointer"}}}
	if err := WritePDF(io.Discard, d); err == nil {
		t.Fatal("got nil error for a *Paragraph block, want one")
	}
}

func BenchmarkWritePDF(b *testing.B) {
	d := MustReportDocument(b, 2000)
	for b.Loop() {
		if err := WritePDF(io.Discard, d); err != nil {
			b.Fatal(err)
		}
	}
}

// TestWrapKeepsWords: a word that fits on a line of its own is never cut;
// only a word wider than the line is, and each piece ends in a hyphen.
func TestWrapKeepsWords(t *testing.T) {
	p, err := newPDFWriter(&Document{})
	if err != nil {
		t.Fatal(err)
	}
	if err := p.setFont(fontBold, tableSize); err != nil {
		t.Fatal(err)
	}
	word := "исполнения"
	w, _ := p.gp.MeasureTextWidth(word)
	lines, err := p.wrap("Срок "+word, w+0.01)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(lines, "|"); got != "Срок|"+word {
		t.Errorf("got %q, want the word whole on its own line", got)
	}
	lines, _ = p.wrap("правонарушений", w*0.6)
	for i, l := range lines[:len(lines)-1] {
		if !strings.HasSuffix(l, "-") {
			t.Errorf("line %d %q of a cut word lacks a hyphen", i, l)
		}
	}
	if got := strings.ReplaceAll(strings.Join(lines, ""), "-", ""); got != "правонарушений" {
		t.Errorf("pieces %q do not make the word", lines)
	}
}

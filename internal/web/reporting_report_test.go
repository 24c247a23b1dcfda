package web_test

import (
	"archive/zip"
	"bytes"
	"html"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// pdfPages returns the text of each page of a PDF, by pdftotext.
func pdfPages(tb testing.TB, pdf []byte) []string {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), "r.pdf")
	if err := os.WriteFile(path, pdf, 0o644); err != nil {
		tb.Fatal(err)
	}
	out, err := exec.Command("pdftotext", "-layout", "-enc", "UTF-8", path, "-").Output()
	if err != nil {
		tb.Fatalf("pdftotext (apt-get install poppler-utils): %v", err)
	}
	return strings.Split(strings.TrimRight(string(out), "\f"), "\f")
}

// TestDemoMonitoringReport downloads the demo national plan's monitoring
// report in every language and format and reads it as the Council would:
// a title page, findings in prose, the measures under their components,
// risks, decisions and late reports; no heading alone at a page's foot and
// no word broken without a hyphen. With ALDYN_REPORT_DIR set it keeps the
// files there (see the README for rendering them to pictures).
func TestDemoMonitoringReport(t *testing.T) {
	f := mustFixture(t)
	id := mustDemoNationalPlan(t, f)
	keep := os.Getenv("ALDYN_REPORT_DIR")
	want := map[string][]string{
		"ky": {"Мониторинг боюнча отчет", "Негизги жыйынтыктар", "иш-чаранын", "Тобокелдиктер", "Координациялык кеңештин чечимдеринин аткарылышы", "Тиркеме", "Бишкек"},
		"ru": {"Отчёт о мониторинге", "Основные выводы", "мероприятий плана", "Реестр рисков", "Исполнение решений Координационного совета", "Приложение", "Бишкек"},
		"en": {"Monitoring report", "Summary of findings", "Of the plan's", "Risk register", "Follow-up of the Coordination Council's decisions", "Annex", "Bishkek"},
	}
	heading := map[string]*regexp.Regexp{
		"ky": regexp.MustCompile(`^\s*(\d+\.\d+\. |\d+\.\d+\.\d+-маселе)`),
		"ru": regexp.MustCompile(`^\s*(\d+\.\d+\. |Задача \d)`),
		"en": regexp.MustCompile(`^\s*(\d+\.\d+\. |Task \d)`),
	}
	for _, lang := range []string{"ky", "ru", "en"} {
		for _, format := range []string{"pdf", "docx", "xlsx"} {
			t.Run(lang+"/"+format, func(t *testing.T) {
				resp := f.do(t, adminKG, "GET", "/api/v1/plans/"+idStr(id)+"/report?format="+format+"&lang="+lang, "", "")
				body := []byte(readBody(t, resp))
				if resp.StatusCode != 200 {
					t.Fatalf("got %d: %.300s", resp.StatusCode, body)
				}
				if keep != "" {
					if err := os.WriteFile(filepath.Join(keep, "monitoring-"+lang+"."+format), body, 0o644); err != nil {
						t.Fatal(err)
					}
				}
				switch format {
				case "pdf":
					checkReportPDF(t, body, want[lang], heading[lang])
				case "docx":
					checkReportDOCX(t, body, want[lang])
				case "xlsx":
					checkReportXLSX(t, body)
				}
			})
		}
	}
}

func checkReportPDF(t *testing.T, pdf []byte, want []string, heading *regexp.Regexp) {
	pages := pdfPages(t, pdf)
	all := strings.Join(strings.Fields(strings.Join(pages, " ")), " ")
	for _, w := range want {
		if !strings.Contains(all, w) {
			t.Errorf("PDF lacks %q", w)
		}
	}
	if !strings.Contains(pages[0], "Бишкек") && !strings.Contains(pages[0], "Bishkek") {
		t.Errorf("title page lacks the place:\n%s", pages[0])
	}
	for i, p := range pages {
		var lines []string
		for _, l := range strings.Split(p, "\n") {
			if s := strings.TrimSpace(l); s != "" && !regexp.MustCompile(`^\d+ / \d+$`).MatchString(s) {
				lines = append(lines, l)
			}
		}
		if len(lines) > 0 && heading.MatchString(lines[len(lines)-1]) {
			t.Errorf("page %d ends with the heading %q", i+1, strings.TrimSpace(lines[len(lines)-1]))
		}
		// A word cut without a hyphen leaves a fragment of Cyrillic
		// letters glued to the end of a line and a lowercase start on the
		// next: look for the long words of the demo cut that way.
		for _, w := range []string{"профилактика", "правонарушений", "мероприятий", "координациялык"} {
			for n := 3; n < len([]rune(w))-2; n++ {
				r := []rune(w)
				cut := regexp.MustCompile(`(?i)` + regexp.QuoteMeta(string(r[:n])) + `\s*\n\s*` + regexp.QuoteMeta(string(r[n:])))
				if cut.MatchString(p) {
					t.Errorf("page %d breaks %q as %q / %q", i+1, w, string(r[:n]), string(r[n:]))
				}
			}
		}
	}
}

func checkReportDOCX(t *testing.T, b []byte, want []string) {
	z, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]string{}
	for _, f := range z.File {
		r, _ := f.Open()
		d, _ := io.ReadAll(r)
		files[f.Name] = string(d)
	}
	doc := files["word/document.xml"]
	for _, s := range []string{`<w:pStyle w:val="Heading1"/>`, `<w:pStyle w:val="Heading2"/>`, `<w:pStyle w:val="Heading3"/>`} {
		if !strings.Contains(doc, s) {
			t.Errorf("document has no %s", s)
		}
	}
	text := html.UnescapeString(regexp.MustCompile(`<[^>]+>`).ReplaceAllString(doc, ""))
	for _, w := range want {
		if !strings.Contains(text, w) {
			t.Errorf("DOCX lacks %q", w)
		}
	}
	core := files["docProps/core.xml"]
	if !regexp.MustCompile(`<dc:title>[^<]+</dc:title>`).MatchString(core) || !regexp.MustCompile(`<dc:creator>[^<#]+</dc:creator>`).MatchString(core) {
		t.Errorf("core properties lack a title or the issuing body as creator:\n%s", core)
	}
	if !strings.Contains(files["word/_rels/document.xml.rels"], "media/chart1.png") {
		t.Error("no chart picture")
	}
}

func checkReportXLSX(t *testing.T, b []byte) {
	x, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	sheets := x.GetSheetList()
	cover, _ := x.GetRows(sheets[0])
	if len(cover) < 5 {
		t.Errorf("cover sheet %q has %d rows: %q", sheets[0], len(cover), cover)
	}
	props, _ := x.GetDocProps()
	if props == nil || props.Creator == "" || props.Creator == "xuri" || strings.HasPrefix(props.Creator, "#") {
		t.Errorf("creator %+v, want the issuing body", props)
	}
}

package planreport

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/export"
	"github.com/aldyn-kg/aldyn/internal/i18n"
)

func MustBuild(tb testing.TB, in Input, lang string) *Report {
	tb.Helper()
	r, err := Build(in, lang)
	if err != nil {
		tb.Fatal(err)
	}
	return r
}

func MustOpenXLSX(tb testing.TB, r *Report) *excelize.File {
	tb.Helper()
	var buf bytes.Buffer
	if err := r.WriteXLSX(&buf); err != nil {
		tb.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { f.Close() })
	return f
}

// rawRows returns a sheet's cells unformatted.
func rawRows(tb testing.TB, f *excelize.File, sheet string) [][]string {
	tb.Helper()
	rows, err := f.GetRows(sheet, excelize.Options{RawCellValue: true})
	if err != nil {
		tb.Fatal(err)
	}
	return rows
}

// findRow returns the row whose first cell is first.
func findRow(tb testing.TB, rows [][]string, first string) []string {
	tb.Helper()
	for _, r := range rows {
		if len(r) > 0 && r[0] == first {
			return r
		}
	}
	tb.Fatalf("no row %q", first)
	return nil
}

func wantNumber(tb testing.TB, what, got string, want float64) {
	tb.Helper()
	x, err := strconv.ParseFloat(got, 64)
	if err != nil || math.Abs(x-want) > 1e-6 {
		tb.Errorf("%s: got %q, want %v", what, got, want)
	}
}

func TestWriteXLSX(t *testing.T) {
	r := MustBuild(t, MustFixture(t), "en")
	f := MustOpenXLSX(t, r)

	t.Run("sheets", func(t *testing.T) {
		want := []string{"Cover", "Summary", "Measures", "By component", "Indicators", "Budget by source", "Budget by component",
			"Risk register", "Follow-up of the Council's task", "Reporting by body", "Late and missing reports"}
		if got := f.GetSheetList(); !slices.Equal(got, want) {
			t.Errorf("got sheets %q, want %q", got, want)
		}
		if got := f.GetActiveSheetIndex(); got != 0 {
			t.Errorf("got active sheet %d, want 0", got)
		}
	})
	t.Run("no evidence", func(t *testing.T) {
		for _, sheet := range f.GetSheetList() {
			for _, row := range rawRows(t, f, sheet) {
				for _, cell := range row {
					for _, e := range fixtureEvidence {
						if strings.Contains(cell, e) {
							t.Errorf("sheet %s shows evidence %q", sheet, e)
						}
					}
				}
			}
		}
	})
	t.Run("measures", func(t *testing.T) {
		rows := rawRows(t, f, "Measures")
		wantHead := []string{"Code", "Component", "Task", "Measure", "Responsible body", "Due", "Status", "Progress, %",
			"Planned, KGS", "Spent, KGS", "Report for the period", "Coordinator's comment"}
		if !slices.Equal(rows[0], wantHead) {
			t.Errorf("got header %q, want %q", rows[0], wantHead)
		}
		if got, want := len(rows)-1, 6; got != want {
			t.Fatalf("got %d measures, want %d", got, want)
		}
		var codes []string
		for _, row := range rows[1:] {
			codes = append(codes, row[0])
		}
		if want := []string{"1.1", "1.2", "2.1", "2.2", "3.1", "3.2"}; !slices.Equal(codes, want) {
			t.Errorf("got codes %q, want %q", codes, want)
		}
		m := findRow(t, rows, "1.2")
		if m[3] != "Youth sports clubs" || m[4] != "Tamga ayil okmotu" || m[6] != "On track" {
			t.Errorf("row 1.2: got %q", m)
		}
		wantNumber(t, "1.2 progress", m[7], 60)
		wantNumber(t, "1.2 planned", m[8], 50000)
		wantNumber(t, "1.2 spent", m[9], 30000)
		if m[10] != "Third club opened in Karakol." || m[11] != "Good progress." {
			t.Errorf("row 1.2 narrative, comment: got %q, %q", m[10], m[11])
		}
		for i, col := range []string{"H", "I", "J"} {
			ct, err := f.GetCellType("Measures", col+"3")
			if err != nil {
				t.Fatal(err)
			}
			if ct != excelize.CellTypeUnset && ct != excelize.CellTypeNumber {
				t.Errorf("column %d of row 1.2: got cell type %v, want a number", 8+i, ct)
			}
		}
		// The returned report's comment is shown; the draft's text is not.
		if got := findRow(t, rows, "2.1"); got[6] != "Overdue" || got[11] != "Attach the acceptance act." {
			t.Errorf("row 2.1: got %q", got)
		}
		if got := findRow(t, rows, "2.2"); got[6] != "At risk" || (len(got) > 10 && got[10] != "") {
			t.Errorf("row 2.2: got %q", got)
		}
		if got := findRow(t, rows, "3.2"); got[6] != "Cancelled" {
			t.Errorf("row 3.2: got %q", got)
		}
	})
	t.Run("summary", func(t *testing.T) {
		rows := rawRows(t, f, "Summary")
		for _, c := range []struct {
			label string
			count float64
			share float64
		}{
			{"Done", 1, 1.0 / 6}, {"On track", 2, 2.0 / 6}, {"At risk", 1, 1.0 / 6},
			{"Overdue", 1, 1.0 / 6}, {"Cancelled", 1, 1.0 / 6}, {"Not started", 0, 0},
			{"Done on time", 1, 0.2},
		} {
			row := findRow(t, rows, c.label)
			wantNumber(t, c.label+" count", row[1], c.count)
			wantNumber(t, c.label+" share", row[2], c.share)
		}
		wantNumber(t, "total", findRow(t, rows, "Total")[1], 6)
	})
	t.Run("budget", func(t *testing.T) {
		rows := rawRows(t, f, "Budget by source")
		for _, c := range []struct {
			label          string
			planned, spent float64
		}{
			{"Republican budget", 100000, 90000}, {"Local budgets", 80000, 30000},
			{"Development partners", 200000, 50000}, {"Other sources", 10000, 5000}, {"Total", 390000, 175000},
		} {
			row := findRow(t, rows, c.label)
			wantNumber(t, c.label+" planned", row[1], c.planned)
			wantNumber(t, c.label+" spent", row[2], c.spent)
			wantNumber(t, c.label+" share", row[3], c.spent/c.planned)
		}
	})
	t.Run("bodies", func(t *testing.T) {
		rows := rawRows(t, f, "Reporting by body")
		// due, submitted, accepted, returned, missing, late, pending
		for name, want := range map[string][]float64{
			"Ysyk-Kol district police": {2, 2, 1, 1, 0, 1, 0},
			"Tamga ayil okmotu":        {2, 1, 1, 0, 1, 0, 0},
			"Total":                    {4, 3, 2, 1, 1, 1, 0},
		} {
			row := findRow(t, rows, name)
			for i, w := range want {
				wantNumber(t, name+" "+rows[0][i+1], row[i+1], w)
			}
		}
	})
	t.Run("lapses", func(t *testing.T) {
		rows := rawRows(t, f, "Late and missing reports")
		if got, want := len(rows)-1, 2; got != want {
			t.Fatalf("got %d late or missing reports, want %d: %q", got, want, rows)
		}
		if got := findRow(t, rows, "2.2"); got[3] != "Not submitted" {
			t.Errorf("2.2: got %q", got)
		}
		if got := findRow(t, rows, "3.1"); got[3] != "Submitted late" || len(got) < 5 || got[4] == "" {
			t.Errorf("3.1: got %q", got)
		}
	})
	t.Run("components", func(t *testing.T) {
		rows := rawRows(t, f, "By component")
		// total, not started, on track, at risk, overdue, done, cancelled
		for code, want := range map[string][]float64{
			"4.1": {2, 0, 1, 0, 0, 1, 0},
			"4.3": {2, 0, 0, 1, 1, 0, 0},
			"5.1": {2, 0, 1, 0, 0, 0, 1},
		} {
			row := findRow(t, rows, code)
			if row[1] == "" {
				t.Errorf("component %s has no title", code)
			}
			for i, w := range want {
				wantNumber(t, code+" "+rows[0][i+2], row[i+2], w)
			}
		}
	})
	t.Run("indicators", func(t *testing.T) {
		rows := rawRows(t, f, "Indicators")
		if got, want := len(rows)-1, 4; got != want {
			t.Fatalf("got %d indicators, want %d", got, want)
		}
		i1 := findRow(t, rows, "1")
		wantNumber(t, "1 baseline", i1[3], 200)
		wantNumber(t, "1 baseline year", i1[4], 2023)
		wantNumber(t, "1 target", i1[5], 180)
		wantNumber(t, "1 actual", i1[7], 185)
		wantNumber(t, "1 progress", i1[9], 0.75)
		if i1[10] != "On track" {
			t.Errorf("1 state: got %q, want On track", i1[10])
		}
		if got := findRow(t, rows, "2"); got[10] != "Off track" {
			t.Errorf("2 state: got %q, want Off track", got[10])
		}
		if got := findRow(t, rows, "3"); got[10] != "No data" || got[6] != "2026" {
			t.Errorf("3: got %q, want no data, target year 2026", got)
		}
	})
}

// TestEarlierCycle reports on the closed 2025-Q1 cycle: 1.1, 1.2, 2.1 and
// 3.1 ran in it (2.2 began in April, 3.2 is cancelled); 3.1 has no report.
// TestXLSXStatusColours: in the workbook a status cell is filled with the
// status's fixed colour (StatusColor), as the charts of the PDF and DOCX
// draw it, in every language; other cells keep no fill.
func TestXLSXStatusColours(t *testing.T) {
	for _, lang := range []string{"ky", "ru", "en"} {
		r := MustBuild(t, MustFixture(t), lang)
		f := MustOpenXLSX(t, r)
		fill := func(sheet, cell string) string {
			id, err := f.GetCellStyle(sheet, cell)
			if err != nil {
				t.Fatal(err)
			}
			st, err := f.GetStyle(id)
			if err != nil {
				t.Fatal(err)
			}
			if len(st.Fill.Color) == 0 {
				return ""
			}
			return strings.ToLower(st.Fill.Color[0])
		}
		want := map[string]string{}
		for _, s := range aldyn.MeasureStates {
			want[statusLabel(r.loc, s)] = strings.TrimPrefix(Hex(StatusColor(s)), "#")
		}
		check := func(sheet string, col int, from int) int {
			rows := rawRows(t, f, sheet)
			n := 0
			for i, row := range rows[from:] {
				cell, _ := excelize.CoordinatesToCellName(col+1, i+from+1)
				w, isStatus := want[row[col]]
				got := fill(sheet, cell)
				switch {
				case isStatus && got != w:
					t.Errorf("%s %s!%s %q: fill %q, want %q", lang, sheet, cell, row[col], got, w)
				case !isStatus && got != "":
					t.Errorf("%s %s!%s %q: fill %q, want none", lang, sheet, cell, row[col], got)
				}
				if isStatus {
					n++
				}
			}
			return n
		}
		sheets := f.GetSheetList()
		if n := check(sheets[2], colIndex(&r.Measures, "status"), 1); n != len(r.Measures.Rows) {
			t.Errorf("%s: %d coloured statuses of %d measures", lang, n, len(r.Measures.Rows))
		}
		if n := check(sheets[1], 0, 1); n != len(aldyn.MeasureStates) {
			t.Errorf("%s: %d coloured statuses in the summary, want %d", lang, n, len(aldyn.MeasureStates))
		}
		if got := fill(sheets[2], "A1"); got != "" {
			t.Errorf("%s: the header is filled %q", lang, got)
		}
	}
}

func TestEarlierCycle(t *testing.T) {
	in := MustFixture(t)
	in.Cycle = &in.Cycles[0]
	r := MustBuild(t, in, "en")
	if r.Cycle == nil || r.Cycle.CycleID != 1 {
		t.Fatalf("got cycle %+v, want 2025-Q1", r.Cycle)
	}
	got, want := r.Cycle.Totals, aldyn.BodyReporting{Expected: 4, Submitted: 3, Accepted: 3, OnTime: 3, Missing: 1}
	if got != want {
		t.Errorf("got totals %+v, want %+v", got, want)
	}
	if len(r.Lapses.Rows) != 1 || r.Lapses.Rows[0][0] != "3.1" {
		t.Errorf("got lapses %v, want 3.1 missing", r.Lapses.Rows)
	}
	// Statuses and budget are those at the end of Q1 (1 April 2025), not
	// of 20 July: 2.1 (due 30 June) is not yet overdue; only Q1's accepted
	// reports have spent anything (90 000 + 10 000 + 50 000).
	if m := r.Dashboard.Measures; m.Overdue != 0 || m.Done != 1 || m.OnTrack != 2 {
		t.Errorf("got measures %+v, want none overdue, 1 done, 2 on track", m)
	}
	if r.Dashboard.Budget.SpentKGS != 150000 || !r.AsOf.Equal(day(2025, 4, 1)) {
		t.Errorf("got spent %d as of %v, want 150000 as of 1 April 2025", r.Dashboard.Budget.SpentKGS, r.AsOf)
	}
	if !strings.Contains(r.Subtitle, "Q1 2025") {
		t.Errorf("subtitle %q lacks the cycle", r.Subtitle)
	}
}

// TestDefaultCycleIsLastClosed: without a cycle asked for, the report is
// of the last closed cycle, not of the open one nobody has reported on yet.
func TestDefaultCycleIsLastClosed(t *testing.T) {
	in := MustFixture(t)
	in.Cycle = nil
	r := MustBuild(t, in, "en")
	if r.Cycle == nil || r.Cycle.CycleID != 1 || !strings.Contains(r.Subtitle, "Q1 2025") {
		t.Fatalf("got cycle %+v (%q), want the closed 2025-Q1", r.Cycle, r.Subtitle)
	}
	in.Cycles[0].Status = aldyn.CycleOpen
	if c := DefaultCycle(in.Cycles, in.Now); c == nil || c.ID != 2 {
		t.Errorf("with none closed got %+v, want the latest begun, 2025-Q2", c)
	}
}

// TestRowsAddUp checks the measure rows against the plan's dashboard and
// the progress shown against the status it explains.
func TestRowsAddUp(t *testing.T) {
	in := MustFixture(t)
	r := MustBuild(t, in, "en")
	counts := map[string]int{}
	for _, row := range r.Measures.Rows {
		counts[row[6].(string)]++
	}
	for _, s := range aldyn.MeasureStates {
		if got, want := counts[statusLabel(r.loc, s)], statusCount(r.Dashboard.Measures, s); got != want {
			t.Errorf("%s: got %d rows, want %d", s, got, want)
		}
	}
	cycles := map[int64]*aldyn.ReportingCycle{1: &in.Cycles[0], 2: &in.Cycles[1]}
	byMeasure := groupReports(in.Reports)
	for i := range in.Measures {
		m := &in.Measures[i]
		d := aldyn.ComputeDashboard(aldyn.DashboardInput{Plan: in.Plan, Measures: in.Measures[i : i+1], Reports: byMeasure[m.ID], Cycles: in.Cycles}, in.Now)
		if got, want := aldyn.MeasureStatus(m, aldyn.LatestAccepted(byMeasure[m.ID], cycles), in.Now), d.Measures.State(); got != want {
			t.Errorf("measure %s: status from latestAccepted %s, dashboard %s", m.Code, got, want)
		}
	}
}

// pdfText extracts a PDF's text in drawing order (-raw), so that a table
// cell's wrapped lines come out one after the other.
func pdfText(tb testing.TB, pdf []byte) string {
	tb.Helper()
	bin, err := exec.LookPath("pdftotext")
	if err != nil {
		tb.Fatal("pdftotext not found: apt-get install -y poppler-utils")
	}
	path := filepath.Join(tb.TempDir(), "report.pdf")
	if err := os.WriteFile(path, pdf, 0o644); err != nil {
		tb.Fatal(err)
	}
	out, err := exec.Command(bin, "-raw", "-enc", "UTF-8", path, "-").Output()
	if err != nil {
		tb.Fatalf("pdftotext: %v", err)
	}
	return string(out)
}

func docxText(tb testing.TB, docx []byte) string {
	tb.Helper()
	zr, err := zip.NewReader(bytes.NewReader(docx), int64(len(docx)))
	if err != nil {
		tb.Fatalf("not a zip: %v", err)
	}
	f, err := zr.Open("word/document.xml")
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	var b strings.Builder
	dec := xml.NewDecoder(f)
	inText := false
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
			inText = t.Name.Local == "t"
		case xml.EndElement:
			inText = false
			if t.Name.Local == "p" || t.Name.Local == "tc" {
				b.WriteString("\n")
			}
		case xml.CharData:
			if inText {
				b.Write(t)
			}
		}
	}
	return b.String()
}

// flat joins a document's lines into one line with single spaces, so that
// text wrapped in a PDF matches; no-break spaces count as spaces.
func flat(s string) string {
	return strings.Join(strings.Fields(strings.ReplaceAll(s, "\u00a0", " ")), " ")
}

func TestDocuments(t *testing.T) {
	in := MustFixture(t)
	// Hand-computed: 3 of 6 measures done or on track.
	for _, c := range []struct {
		lang, title, measure, share, heading, period string
	}{
		{"ky", "Ысык-Көл районунун биргелешкен планы", "Жаштар спорт клубдары", "Пландагы 6 иш-чаранын", "Иш-чаралардын аткарылышы", "2025-жылдын II чейреги"},
		{"ru", "Совместный план Иссык-Кульского района", "Молодёжные спортивные клубы", "Из 6 мероприятий плана", "Выполнение мероприятий", "II квартал 2025 года"},
		{"en", "Issyk-Kul District Joint Plan", "Youth sports clubs", "Of the plan's 6 measures", "Implementation of measures", "Q2 2025"},
	} {
		r := MustBuild(t, in, c.lang)
		for _, format := range []string{"pdf", "docx"} {
			t.Run(c.lang+"/"+format, func(t *testing.T) {
				var buf bytes.Buffer
				var text string
				if format == "pdf" {
					if err := r.WritePDF(&buf); err != nil {
						t.Fatal(err)
					}
					text = flat(pdfText(t, buf.Bytes()))
				} else {
					if err := r.WriteDOCX(&buf); err != nil {
						t.Fatal(err)
					}
					text = flat(docxText(t, buf.Bytes()))
				}
				for _, want := range []string{c.title, c.period, c.measure, c.share, c.heading} {
					if !strings.Contains(text, want) {
						t.Errorf("text lacks %q", want)
					}
				}
				if c.lang == "ky" && !strings.ContainsAny(text, "ңөүҢӨҮ") {
					t.Error("Kyrgyz text has no ң, ө or ү")
				}
				for _, e := range fixtureEvidence {
					if strings.Contains(text, e) {
						t.Errorf("text shows evidence %q", e)
					}
				}
				if strings.Contains(text, "Unfinished draft text.") {
					t.Error("text shows a draft's narrative")
				}
				if strings.Contains(text, "planreport.") {
					t.Error("text shows an untranslated key")
				}
			})
		}
	}
}

func headings(d *export.Document) []string {
	var out []string
	for _, b := range d.Blocks {
		if h, ok := b.(export.Heading); ok {
			out = append(out, h.Text)
		}
	}
	return out
}

func TestLanguagesDiffer(t *testing.T) {
	in := MustFixture(t)
	ru, en := headings(MustBuild(t, in, "ru").Document()), headings(MustBuild(t, in, "en").Document())
	if len(ru) == 0 || len(ru) != len(en) {
		t.Fatalf("got headings %q and %q", ru, en)
	}
	for i := range ru {
		if ru[i] == en[i] {
			t.Errorf("heading %d is %q in both ru and en", i, ru[i])
		}
	}
}

func TestBuildErrors(t *testing.T) {
	for name, mod := range map[string]func(*Input, *string){
		"no plan":     func(in *Input, _ *string) { in.Plan = nil },
		"no time":     func(in *Input, _ *string) { in.Now = time.Time{} },
		"no language": func(_ *Input, lang *string) { *lang = "de" },
	} {
		t.Run(name, func(t *testing.T) {
			in, lang := MustFixture(t), "en"
			mod(&in, &lang)
			if _, err := Build(in, lang); err == nil {
				t.Error("got no error")
			}
		})
	}
}

var keyRe = regexp.MustCompile(`"planreport\.[a-z_.]+[a-z_]"`)

// TestMessages checks that every key the code uses, including those built
// from values, is in the locale files (which the i18n tests keep complete
// in every language).
func TestMessages(t *testing.T) {
	used := map[string]bool{}
	files, _ := filepath.Glob("*.go")
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		src, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, k := range keyRe.FindAllString(string(src), -1) {
			k = strings.Trim(k, `"`)
			if !strings.HasSuffix(k, ".") {
				used[k] = true
			}
		}
	}
	// Keys built from values.
	for _, s := range aldyn.MeasureStates {
		used["planreport.status."+string(s)] = true
	}
	for _, s := range []string{aldyn.IndicatorOnTrack, aldyn.IndicatorAtRisk, aldyn.IndicatorOffTrack, aldyn.IndicatorNoData} {
		used["planreport.indicator."+s] = true
	}
	for _, s := range aldyn.BudgetSources {
		used["planreport.budget."+s] = true
	}
	for _, c := range []string{"figure", "count", "share", "source", "planned", "spent", "spent_share", "code", "component",
		"task", "measure", "title", "body", "due", "status", "progress", "narrative", "comment", "total", "expected",
		"submitted", "accepted", "returned", "missing", "late", "pending", "indicator", "unit", "baseline",
		"baseline_year", "target", "target_year", "actual", "actual_period", "state", "issue", "first_submitted"} {
		used["planreport.col."+c] = true
	}
	for k := range used {
		if !i18n.Has(k) {
			t.Errorf("%s is not in the locale files", k)
		}
	}
	t.Logf("%d message keys", len(used))
}

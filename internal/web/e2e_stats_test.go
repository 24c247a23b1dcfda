package web_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserOffenseImport uploads an offense file with a bad row in
// headless Chromium (the import is refused and the rejected rows listed and
// downloadable), then the corrected file, follows its progress to the
// result, and sees the records on the statistics page with its charts and
// on the map.
func TestBrowserOffenseImport(t *testing.T) {
	f := mustFixture(t)
	b := mustBrowserFor(t, f)
	ctx, base, do, text := b.ctx, b.base, b.do, b.text
	var rows strings.Builder
	rows.WriteString("registration_number,source,category,registered_on,occurred_on,occurred_time,territory_code,lat,lon,place_type,solved\n")
	for i := range 300 {
		fmt.Fprintf(&rows, "R-%d,crimes,%s,2024-%02d-10,2024-%02d-09,%02d:30,%s,42.9,74.6,street,%d\n",
			i, []string{"theft", "fraud", "hooliganism"}[i%3], i%12+1, i%12+1, i%24, codeA, i%2)
	}
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.csv")
	good := filepath.Join(dir, "good.csv")
	if err := os.WriteFile(bad, []byte(rows.String()+"R-X,crimes,theft,31.02.2024,,,"+codeA+",,,street,0\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(good, []byte(rows.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	b.login("adminkg", "/stats/imports")
	do(chromedp.WaitVisible(chromedp.CSS("#offense-upload")))

	// A file with one bad date: nothing is imported, the row is listed.
	do(chromedp.SetUploadFiles(chromedp.CSS("#f-file"), []string{bad}),
		chromedp.Submit(chromedp.CSS("#f-file")))
	waitFor(t, ctx, `!!document.querySelector("#import-result")`)
	if st := text("#import-result p"); !strings.Contains(st, "1") {
		t.Errorf("refused import says %q", st)
	}
	if got := text("#rejected-rows tbody"); !strings.Contains(got, "302") || !strings.Contains(got, "registered_on") || !strings.Contains(got, "31.02.2024") {
		t.Errorf("rejected rows %q, want row 302, column registered_on, value 31.02.2024", got)
	}
	csv := string(fetchLink(t, ctx, `a[href$="errors.csv"]`))
	if !strings.Contains(csv, "302,registered_on") {
		t.Errorf("rejected rows CSV %q", csv)
	}
	var c countsBody
	mustGetJSON(t, f, adminKG, "/api/v1/stats/counts", 200, &c)
	if c.Total != 0 {
		t.Fatalf("after the refused import the database holds %d records, want 0", c.Total)
	}

	// The good file: progress, then the result with the counts.
	do(chromedp.Navigate(base+"/stats/imports"),
		chromedp.SetUploadFiles(chromedp.CSS("#f-file"), []string{good}),
		chromedp.Submit(chromedp.CSS("#f-file")))
	waitFor(t, ctx, `document.querySelector("#import-result")?.dataset.state === "done"`)
	if got := text(".figures"); !strings.Contains(got, "300") {
		t.Errorf("import figures %q, want 300 new records", got)
	}

	// The statistics page shows them, with its charts drawn.
	do(chromedp.Navigate(base + "/stats?territory=" + codeA + "&period=month&horizon=3"))
	if got := strings.ReplaceAll(text("#stats-total"), "\u00a0", " "); got != "300" {
		t.Errorf("statistics total %q, want 300", got)
	}
	waitFor(t, ctx, `document.querySelectorAll("[data-chart] canvas").length >= 2`)
	if got := text("#table-categories tbody"); !strings.Contains(got, "100") {
		t.Errorf("categories table %q, want 100 of each", got)
	}

	// The map: the grid of the view is fetched and drawn, and its legend
	// ranges up to the one cell holding all 300 records.
	do(chromedp.Navigate(base + "/stats/map?territory=" + codeA))
	waitFor(t, ctx, `(document.querySelector(".map-legend:not([hidden])")?.textContent || "").includes("300")`)
	waitFor(t, ctx, `!document.querySelector("[data-map]").hasAttribute("aria-busy")`)
	if got := text(".map-legend"); !strings.Contains(got, "1–300") {
		t.Errorf("map legend %q, want the range 1–300", got)
	}
}

package web_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserOpenData reads the open-data portal in headless Chromium in
// Kyrgyz, Russian and English as an anonymous visitor: the catalogue, a
// dataset page with its preview table, chart and data dictionary, a CSV
// download, and the disclosure policy.
func TestBrowserOpenData(t *testing.T) {
	f := mustFixture(t)
	mustOpenData(t, f)
	b := mustBrowserFor(t, f)
	want := map[string]struct{ title, policy string }{
		"ky": {"Ачык маалыматтар", "Нөл нөл катары жарыяланат."},
		"ru": {"Открытые данные", "Ноль публикуется как ноль."},
		"en": {"Open data", "Zero is published as zero."},
	}
	for _, lang := range []string{"ky", "ru", "en"} {
		b.do(chromedp.Navigate(b.base+"/lang/"+lang+"?next=/open"), chromedp.WaitVisible(chromedp.CSS(".open-cards")))
		if got := b.text("h1"); got != want[lang].title {
			t.Errorf("%s: /open heading %q, want %q", lang, got, want[lang].title)
		}
		b.fitsWidth("/open " + lang)
		b.screenshot("open-list-" + lang)
		// Search narrows the list.
		b.do(chromedp.Navigate(b.base+"/open?q=plans&format=CSV"), chromedp.WaitVisible(chromedp.CSS(".open-cards")))
		if n, err := chromedp.Run(b.ctx, chromedp.Evaluate[int](`document.querySelectorAll(".open-card").length`)); err != nil || n != 1 {
			t.Errorf("%s: search for plans lists %d datasets (%v), want 1", lang, n, err)
		}
		b.do(chromedp.Navigate(b.base+"/open/offenses-monthly"), chromedp.WaitVisible(chromedp.CSS(".open-preview")))
		rows, err := chromedp.Run(b.ctx, chromedp.Evaluate[int](`document.querySelectorAll(".open-preview tbody tr").length`))
		if err != nil || rows != 20 {
			t.Errorf("%s: preview rows %d (%v), want 20", lang, rows, err)
		}
		bars, err := chromedp.Run(b.ctx, chromedp.Evaluate[int](`document.querySelectorAll(".open-chart rect").length`))
		if err != nil || bars == 0 {
			t.Errorf("%s: chart bars %d (%v)", lang, bars, err)
		}
		if !strings.Contains(b.text(".open-table"), "rate_per_100k") {
			t.Errorf("%s: the data dictionary lacks rate_per_100k", lang)
		}
		b.fitsWidth("/open/offenses-monthly " + lang)
		b.screenshot("open-dataset-" + lang)
		csv := string(fetchLink(t, b.ctx, `a[data-format="CSV"]`))
		if !strings.HasPrefix(csv, "month,level,territory_code,territory_ky,territory_ru,territory_en,category,count,rate_per_100k,population_year,suppressed\n") {
			t.Errorf("%s: downloaded CSV starts %.120q", lang, csv)
		}
		b.do(chromedp.Navigate(b.base+"/open/policy"), chromedp.WaitVisible(chromedp.CSS(".policy")))
		if !strings.Contains(b.text(".policy"), want[lang].policy) {
			t.Errorf("%s: the policy lacks %q", lang, want[lang].policy)
		}
		b.screenshot("open-policy-" + lang)
	}
	// The administrator publishes and sees what was withheld and why.
	b.login("adminkg", "/open/admin")
	b.do(chromedp.WaitVisible(chromedp.CSS(`form[action="/open/admin/coordination"]`)))
	b.screenshot("open-admin")
	b.do(chromedp.Navigate(b.base+"/open/admin/offenses-monthly"), chromedp.WaitVisible(chromedp.CSS("table.list")))
	if !strings.Contains(b.text("table.list"), "·") {
		t.Error("no withheld cells listed")
	}
	b.screenshot("open-admin-suppressed")
}

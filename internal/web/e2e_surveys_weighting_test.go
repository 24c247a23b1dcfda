package web_test

import (
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/aldyn-kg/aldyn/internal/i18n"
)

// TestBrowserSurveyWeighting weights a wave on the weighting page in
// Kyrgyz and Russian as the national administrator: a margins file is
// chosen and sent, and the result shows convergence and the margin cells'
// table, translated, without message keys, fitting the width.
func TestBrowserSurveyWeighting(t *testing.T) {
	f := mustFixture(t)
	d := mustSurveyData(t, f)
	file := filepath.Join(t.TempDir(), "margins.csv")
	if err := os.WriteFile(file, []byte(weightingMargins()), 0o644); err != nil {
		t.Fatal(err)
	}
	b := &browser{tb: t, ctx: mustBrowserWithin(t, 4*time.Minute), base: f.srv.URL}
	b.do(chromedp.EmulateViewport(1280, 1100))
	b.login("adminkg", "/")
	path := "/surveys/" + surveyID(d.running) + "/weighting"
	for _, lang := range []string{"ky", "ru"} {
		loc := i18n.For(lang)
		b.do(chromedp.Navigate(b.base+"/lang/"+lang+"?next="+url.QueryEscape(path)), chromedp.WaitVisible(chromedp.CSS("#f-file")),
			chromedp.SetUploadFiles(chromedp.CSS("#f-file"), []string{file}),
			chromedp.Click(chromedp.CSS("form[enctype] button[type=submit]")),
			chromedp.WaitVisible(chromedp.CSS("#weighting-result")))
		body := b.text("main")
		for _, key := range []string{"surveys.weighting.converged_yes", "surveys.weighting.cells", "surveys.weighting.deff", "surveys.staff.weighting"} {
			if want := loc.T(key); !strings.Contains(body, want) {
				t.Errorf("%s: %q not on the page", lang, want)
			}
		}
		for _, raw := range []string{"surveys.", "surveyform."} {
			if strings.Contains(body, raw) {
				t.Errorf("%s: an untranslated message key on the page", lang)
			}
		}
		b.fitsWidth(lang + " weighting")
		b.screenshot("survey-weighting-" + lang)
	}
}

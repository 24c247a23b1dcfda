package web_test

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/i18n"
)

// TestBrowserUnitRatingForm: an ayil okmotu's officer rates the police of
// its district in Kyrgyz, another in Russian: a form sent with a criterion
// unscored comes back with the error summary naming it, translated; once
// every criterion is scored the rating is saved and listed as given. The
// public ratings table then shows the district. Screenshots when
// ALDYN_SCREENSHOTS is set.
func TestBrowserUnitRatingForm(t *testing.T) {
	f := mustFixture(t)
	b := &browser{tb: t, ctx: mustBrowserWithin(t, 4*time.Minute), base: f.srv.URL}
	b.do(chromedp.EmulateViewport(1280, 1400))
	for _, lang := range []string{"ky", "ru"} {
		user := "ao" + lang
		f.mustRater(t, user, "local_government", codeA, aldyn.RoleReporter)
		loc := i18n.For(lang)
		b.login(user, "/")
		b.do(chromedp.Navigate(b.base+"/lang/"+lang+"?next="+url.QueryEscape("/unit-ratings/new?unit="+codeA)),
			chromedp.WaitVisible(chromedp.CSS("#f-score\\.cooperation")))
		if body := b.text("main"); !strings.Contains(body, loc.T("rating.criterion.youth_families")) || strings.Contains(body, "rating.") {
			t.Errorf("%s: the form does not show its criteria translated: %s", lang, body)
		}
		b.fitsWidth(lang + " rating form")
		// Every criterion but the last scored 4, then sent.
		for _, c := range aldyn.RatingCriteria[:len(aldyn.RatingCriteria)-1] {
			b.do(chromedp.Click(chromedp.CSS(`input[name="score.` + c + `"][value="4"]`)))
		}
		b.do(chromedp.Submit(chromedp.CSS("#f-comment")), chromedp.WaitVisible(chromedp.CSS("#error-summary")))
		summary := b.text("#error-summary")
		if !strings.Contains(summary, loc.T("error.required")) && !strings.Contains(summary, loc.T("rating.criterion.overall")) {
			t.Errorf("%s: the error summary does not name the unscored criterion: %q", lang, summary)
		}
		if kept, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](`document.querySelector('input[name="score.appeals"][value="4"]').checked`)); err != nil || !kept {
			t.Errorf("%s: the scores given were lost when the form came back", lang)
		}
		b.screenshot("unit-rating-form-error-" + lang)
		b.do(chromedp.Click(chromedp.CSS(`input[name="score.overall"][value="5"]`)),
			chromedp.Submit(chromedp.CSS("#f-comment")), chromedp.WaitVisible(chromedp.CSS(".badge-good")))
		if body := b.text("main"); !strings.Contains(body, loc.T("rating.saved")) && !strings.Contains(b.text("body"), loc.T("rating.saved")) {
			t.Errorf("%s: no confirmation after saving", lang)
		}
		b.screenshot("unit-ratings-" + lang)
		b.do(chromedp.Submit(chromedp.CSS(`form[action="/logout"]`)), chromedp.WaitNotPresent(chromedp.CSS(".user-link")))
	}
	b.do(chromedp.Navigate(b.base+"/lang/ky?next="+url.QueryEscape("/scorecards/ratings")), chromedp.WaitVisible(chromedp.CSS("table")))
	if body := b.text("main"); !strings.Contains(body, "2") || strings.Contains(body, "rating.") {
		t.Errorf("the public table: got %q", body)
	}
	b.fitsWidth("ky ratings table")
	b.screenshot("unit-ratings-table-ky")
}

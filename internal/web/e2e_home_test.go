package web_test

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aldyn-kg/aldyn/internal/i18n"
	"github.com/aldyn-kg/aldyn/internal/web"
	"github.com/chromedp/chromedp"
)

// screenshot saves the whole page as name.png in $ALDYN_SCREENSHOTS, when
// set, for a person to look at.
func (b *browser) screenshot(name string) {
	b.tb.Helper()
	dir := os.Getenv("ALDYN_SCREENSHOTS")
	if dir == "" {
		return
	}
	png, err := chromedp.Run(b.ctx, chromedp.FullScreenshot(100)) // 100: PNG
	if err != nil {
		b.tb.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
		b.tb.Fatal(err)
	}
}

// fitsWidth fails when the page scrolls sideways: wide content must
// scroll within its panel.
func (b *browser) fitsWidth(what string) {
	b.tb.Helper()
	over, err := chromedp.Run(b.ctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth - window.innerWidth`))
	if err != nil {
		b.tb.Fatal(err)
	}
	if over > 0 {
		b.tb.Errorf("%s: the page is %d px wider than the window", what, over)
	}
}

// TestBrowserCoordinatorHomeAndAudit: at 1280 px in Kyrgyz and Russian,
// the coordinator's home shows the figures of the fixture without
// sideways scrolling, a reminder goes out from it, and the administrator
// finds it in the audit log, readable.
func TestBrowserCoordinatorHomeAndAudit(t *testing.T) {
	h := mustHomeFixture(t, web.Config{})
	figures, _, _ := h.want()
	b := mustBrowserFor(t, h.fixture)
	b.do(chromedp.EmulateViewport(1280, 900))
	b.login("coordinatora", "/")
	for _, lang := range []string{"ky", "ru"} {
		b.do(chromedp.Navigate(b.base+"/lang/"+lang+"?next=/"), chromedp.WaitVisible(chromedp.CSS("#home-figures")))
		for _, id := range []string{"home-expected", "home-due", "home-review", "home-late", "home-missing"} {
			if got := b.text("#" + id); got != strconv.Itoa(figures[id]) {
				t.Errorf("%s %s: got %q, want %d", lang, id, got, figures[id])
			}
		}
		if got, want := b.text("h1"), i18n.For(lang).T("home.coordinator.title"); got != want {
			t.Errorf("%s heading: got %q, want %q", lang, got, want)
		}
		b.fitsWidth(lang + " home")
		b.screenshot("home-coordinator-" + lang)
	}
	row := `tr[data-body="` + strconv.FormatInt(h.bodyB.ID, 10) + `"]`
	b.do(chromedp.Click(chromedp.CSS(row+" button.remind")), chromedp.WaitVisible(chromedp.CSS(".flash")))
	if got, want := b.text(".flash"), i18n.For("ru").T("reporting.remind.sent"); got != want {
		t.Errorf("after the reminder: got %q, want %q", got, want)
	}
	b.do(chromedp.Click(chromedp.CSS(row + " button.remind")))
	waitFor(t, b.ctx, `(document.querySelector(".flash")?.innerText || "").includes(`+strconv.Quote(h.bodyB.NameRu)+`)`)
	// The sign-in that follows is the newest entry of the log.
	h.db.Now = func() time.Time { return time.Now().Add(time.Hour) }
	b.do(chromedp.Click(chromedp.CSS(`form[action="/logout"] button`)), chromedp.WaitVisible(chromedp.CSS(`a[href^="/login"]`)))
	b.login("adminkg", "/audit")
	for _, lang := range []string{"ky", "ru"} {
		loc := i18n.For(lang)
		b.do(chromedp.Navigate(b.base+"/lang/"+lang+"?next=/audit"), chromedp.WaitVisible(chromedp.CSS("table.audit")))
		first := b.text("table.audit tbody tr")
		if !strings.Contains(first, loc.T("audit.action.login")) || !strings.Contains(first, "adminKG") {
			t.Errorf("%s: the newest entry is not the administrator's sign-in: %q", lang, first)
		}
		b.fitsWidth(lang + " audit")
		b.screenshot("audit-" + lang)
		b.do(chromedp.Navigate(b.base+"/audit?entity=notification"), chromedp.WaitVisible(chromedp.CSS("table.audit")))
		page := b.text("table.audit")
		for _, want := range []string{loc.T("audit.entity.notification"), "coordinatorA"} {
			if !strings.Contains(page, want) {
				t.Errorf("%s: the audit log lacks %q", lang, want)
			}
		}
		if strings.Contains(page, `{"`) {
			t.Errorf("%s: the audit log shows raw JSON", lang)
		}
		b.fitsWidth(lang + " audit")
		b.screenshot("audit-notifications-" + lang)
	}
}

package web_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserVictimServicesOnReportForm: in Kyrgyz and in Russian, a
// resident on /report opens the categories the form does not take,
// chooses violence at home, chooses a district, and sees the directory's
// services for it (the district's own and the national ones, not another
// district's) with a link to the whole directory, which shows them on its
// list too.
func TestBrowserVictimServicesOnReportForm(t *testing.T) {
	f := mustFixture(t)
	mustVictimServiceIn(t, f, "41700000000000", "child_helpline", "National child line", true)
	mustVictimServiceIn(t, f, codeA, "shelter", "Shelter in A", true)
	mustVictimServiceIn(t, f, codeB, "legal_aid", "Legal aid in B", true)
	names := map[string]map[string]string{
		"ky": {"line": "National child line (ky)", "shelter": "Shelter in A (ky)", "other": "Legal aid in B (ky)", "kind": "Баш калкалоочу жай"},
		"ru": {"line": "National child line (ru)", "shelter": "Shelter in A (ru)", "other": "Legal aid in B (ru)", "kind": "Убежище (шелтер)"},
	}
	for _, lang := range []string{"ky", "ru"} {
		t.Run(lang, func(t *testing.T) {
			b := mustBrowserFor(t, f)
			b.open("/lang/" + lang + "?next=/report")
			b.do(chromedp.Click(chromedp.CSS("details.sensitive-list summary")),
				chromedp.Click(chromedp.CSS(`details.sensitive-list a[href*="violence_home"]`)),
				chromedp.WaitVisible(chromedp.CSS("#sensitive-help")))
			b.do(chromedp.SetValue(chromedp.CSS("#f-place"), codeA),
				chromedp.Click(chromedp.CSS("#sensitive-help form button")),
				// The page the district was chosen on lists the national
				// services already: wait for the one that names the district.
				chromedp.WaitVisible(chromedp.CSS(`#sensitive-help a[href="/victim-services?territory=`+codeA+`"]`)),
				chromedp.WaitVisible(chromedp.CSS("#sensitive-help ul.victim-services")))
			list := b.text("#sensitive-help ul.victim-services")
			n := names[lang]
			for _, want := range []string{n["line"], n["shelter"], n["kind"], "+996 312 000 401"} {
				if !strings.Contains(list, want) {
					t.Errorf("the services shown lack %q: %s", want, list)
				}
			}
			if strings.Contains(list, n["other"]) {
				t.Errorf("another district's service is shown: %s", list)
			}
			if got := b.attr(`#sensitive-help a[href^="/victim-services?"]`, "href"); got != "/victim-services?territory="+codeA {
				t.Errorf("the directory link: got %q", got)
			}
			b.fitsWidth(lang + " /report sensitive")
			b.screenshot("victim-services-report-" + lang)
			b.do(chromedp.Click(chromedp.CSS(`#sensitive-help a[href^="/victim-services?"]`)),
				chromedp.WaitVisible(chromedp.CSS("main ul.victim-services")))
			if list := b.text("main ul.victim-services"); !strings.Contains(list, n["shelter"]) || strings.Contains(list, n["other"]) {
				t.Errorf("the directory: %s", list)
			}
			b.screenshot("victim-services-" + lang)
		})
	}
}

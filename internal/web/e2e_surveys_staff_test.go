package web_test

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/aldyn-kg/aldyn/internal/i18n"
)

// TestBrowserSurveyStaffPages opens a survey's staff pages and the
// scorecard weights in Kyrgyz and Russian as the national administrator:
// each shows its translated heading or tab, no message key, and fits the
// width. Screenshots when ALDYN_SCREENSHOTS is set.
func TestBrowserSurveyStaffPages(t *testing.T) {
	f := mustFixture(t)
	d := mustSurveyData(t, f)
	invited := mustInvitationSurvey(t, f, "browser-invited-2026")
	// Ten pages: more than one test's usual time on a busy machine.
	b := &browser{tb: t, ctx: mustBrowserWithin(t, 8*time.Minute), base: f.srv.URL}
	b.do(chromedp.EmulateViewport(1280, 1100))
	b.login("adminkg", "/")
	pages := []struct{ name, path, key string }{
		{"design", "/surveys/" + surveyID(invited) + "/design", "surveys.invite.title"},
		{"responses", "/surveys/" + surveyID(d.running) + "/responses", "surveys.staff.responses"},
		{"estimates", "/surveys/" + surveyID(d.running) + "/estimates?question=safe_night&by=territory&wave=2026", "surveys.staff.estimates"},
		{"estimates-share", "/surveys/" + surveyID(d.running) + "/estimates?question=trust_police&yes=rather_trust&yes=fully_trust&by=territory&wave=2026",
			"surveys.staff.count_as_yes"},
		{"victimization", "/victimization", "surveys.victim.caveat"},
		{"weights", "/scorecards/weights", "surveys.score.weights_title"},
		{"scorecards", "/scorecards", "surveys.score.method"},
	}
	for _, lang := range []string{"ky", "ru"} {
		for _, p := range pages {
			b.do(chromedp.Navigate(b.base+"/lang/"+lang+"?next="+url.QueryEscape(p.path)), chromedp.WaitVisible(chromedp.CSS("main")))
			body := b.text("main")
			if want := i18n.For(lang).T(p.key); !strings.Contains(body, want) {
				t.Errorf("%s %s: %q not on the page", lang, p.name, want)
			}
			for _, raw := range []string{"surveys.", "surveyform."} {
				if strings.Contains(body, raw) {
					t.Errorf("%s %s: an untranslated message key on the page", lang, p.name)
				}
			}
			b.fitsWidth(lang + " " + p.name)
			b.screenshot("survey-staff-" + p.name + "-" + lang)
		}
	}
}

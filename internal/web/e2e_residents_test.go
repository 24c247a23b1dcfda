package web_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aldyn-kg/aldyn"
	"github.com/chromedp/chromedp"
)

// TestBrowserResidentReport: on a phone, in Kyrgyz and in Russian, a
// resident reports a problem with a photo (a tap on the map sets the pin),
// lands on the tracking page, the receiving body answers on its page, and
// the resident's tracking page shows the answer.
func TestBrowserResidentReport(t *testing.T) {
	f := mustFixture(t)
	ctx := context.Background()
	cat := mustResidentCategory(t, f, "disorder_public")
	photo := filepath.Join(t.TempDir(), "IMG_0042.jpg")
	if err := os.WriteFile(photo, gpsJPEG(t), 0o644); err != nil {
		t.Fatal(err)
	}
	answers := map[string]string{"ky": "Участкалык инспектор барып, кечки кароону күчөттү.", "ru": "Участковый инспектор выехал, вечерние обходы усилены."}
	descriptions := map[string]string{"ky": "Кечинде сейил бакта мас адамдар ызы-чуу салып, мушташат.", "ru": "По вечерам в сквере пьяные шумят и дерутся."}
	for _, lang := range []string{"ky", "ru"} {
		t.Run(lang, func(t *testing.T) {
			b := mustBrowserFor(t, f)
			b.do(phone())
			b.open("/lang/" + lang + "?next=/report")
			b.fitsWidth(lang + " /report")
			b.tapTargets(lang + " /report")
			b.screenshot("phone-resident-form-" + lang)
			// A tap on the map fills the point's fields.
			b.do(chromedp.ScrollIntoView(chromedp.CSS(".map")), chromedp.Click(chromedp.CSS(".map")))
			waitFor(t, b.ctx, `document.querySelector("#f-lat").value !== "" && document.querySelector("#f-lon").value !== ""`)
			// The point is left out: the fixture's district has no boundary to check it against.
			if _, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](`(() => {
			  document.querySelector("#f-lat").value = ""; document.querySelector("#f-lon").value = "";
			  document.querySelector("#f-category_id").value = "`+mtID(cat.ID)+`";
			  document.querySelector("#f-territory_code").value = "`+codeA+`";
			  return true })()`)); err != nil {
				t.Fatal(err)
			}
			b.do(chromedp.SendKeys(chromedp.CSS("#f-description"), descriptions[lang]),
				chromedp.SetUploadFiles(chromedp.CSS("#f-files"), []string{photo}),
				chromedp.Click(chromedp.CSS(".resident-form button[type=submit]")),
				chromedp.WaitVisible(chromedp.CSS("#track-status")))
			url, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](`location.pathname`))
			if err != nil || !strings.HasPrefix(url, "/reports/track/") {
				t.Fatalf("after sending: at %q (%v)", url, err)
			}
			if got := b.text("#track-status"); got == "" {
				t.Error("no status on the tracking page")
			}
			b.fitsWidth(lang + " tracking page")
			b.screenshot("phone-resident-track-" + lang)
			rr, err := f.db.FindResidentReportByCode(ctx, strings.TrimPrefix(url, "/reports/track/"))
			if err != nil || rr.BodyID != f.bodyA.ID || rr.MediaCount != 1 {
				t.Fatalf("stored report %+v %v", rr, err)
			}

			// The receiving body answers on its page.
			b.login("reportera", "/residents/"+mtID(rr.ID))
			b.open("/lang/" + lang + "?next=/residents/" + mtID(rr.ID))
			b.fitsWidth(lang + " staff page")
			if _, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](`(document.querySelector("#f-status").value = "`+string(aldyn.ResidentAnswered)+`") !== ""`)); err != nil {
				t.Fatal(err)
			}
			b.do(chromedp.SendKeys(chromedp.CSS("#f-answer"), answers[lang]),
				chromedp.Click(chromedp.CSS("#status-form button[type=submit]")),
				chromedp.WaitVisible(chromedp.CSS("#answer")))
			b.screenshot("phone-resident-staff-" + lang)

			b.open(url)
			if got := b.text("#track-answer"); !strings.Contains(got, answers[lang]) {
				t.Errorf("tracking page answer: %q", got)
			}
			b.screenshot("phone-resident-answered-" + lang)
		})
	}
}

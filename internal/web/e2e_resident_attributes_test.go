package web_test

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserResidentFormAttributes: on a phone, in Kyrgyz and in Russian, choosing a
// category on /report shows its questions (and only its), a required
// question left out is named at its field, and the answers chosen are
// stored with the report.
func TestBrowserResidentFormAttributes(t *testing.T) {
	f := mustFixture(t)
	road := mustResidentCategory(t, f, "dangerous_road")
	traffic := mustResidentCategory(t, f, "traffic_violation")
	for _, lang := range []string{"ky", "ru"} {
		t.Run(lang, func(t *testing.T) { browseResidentFormAttributes(t, f, lang, road.ID, traffic.ID) })
	}
}

func browseResidentFormAttributes(t *testing.T, f *fixture, lang string, roadID, trafficID int64) {
	ctx := context.Background()
	want := map[string][3]string{
		"ky": {"Жолдун коркунучтуу бөлүгү", "Бул суроого жооп бериңиз", "Мектептин жанында жөө жүргүнчүлөр үчүн өтмөк жок, балдар коркуп өтүшөт."},
		"ru": {"Опасный участок дороги", "Ответьте на этот вопрос", "У школы нет пешеходного перехода, дети боятся переходить дорогу."},
	}[lang]
	b := mustBrowserFor(t, f)
	b.do(phone())
	b.open("/lang/" + lang + "?next=/report")
	visible := func(id int64) bool {
		t.Helper()
		v, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](`(() => { const fs = document.querySelector('[data-attributes-for="`+mtID(id)+`"]');
		  return !fs.hidden && !fs.disabled && fs.offsetHeight > 0 })()`))
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	if visible(roadID) || visible(trafficID) {
		t.Error("questions shown before a category is chosen")
	}
	choose := func(id int64) {
		t.Helper()
		if _, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](`(() => { const s = document.querySelector("#f-category_id");
		  s.value = "`+mtID(id)+`"; s.dispatchEvent(new Event("change", {bubbles: true}));
		  document.querySelector("#f-territory_code").value = "`+codeA+`"; return true })()`)); err != nil {
			t.Fatal(err)
		}
	}
	choose(roadID)
	if !visible(roadID) || visible(trafficID) {
		t.Fatal("choosing a dangerous road section does not show its questions alone")
	}
	if got := b.text(`[data-attributes-for="` + mtID(roadID) + `"] legend`); !strings.Contains(got, want[0]) {
		t.Errorf("legend %q", got)
	}
	b.fitsWidth(lang + " /report with questions")
	b.tapTargets(lang + " /report with questions")
	b.screenshot("phone-resident-attributes-" + lang)
	// Sent without the required answer: named at its field.
	b.do(chromedp.SendKeys(chromedp.CSS("#f-description"), want[2]),
		chromedp.Click(chromedp.CSS(".resident-form button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS("#e-attr-"+mtID(roadID)+"-hazard_kind")))
	if got := b.text("#e-attr-" + mtID(roadID) + "-hazard_kind"); got != want[1] {
		t.Errorf("error at the question: %q", got)
	}
	if !visible(roadID) || visible(trafficID) {
		t.Error("after the error the chosen category's questions are not the ones shown")
	}
	b.fitsWidth(lang + " /report with an error")
	b.screenshot("phone-resident-attributes-error-" + lang)
	// The territory is chosen again (the page came back), the answers given.
	if _, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](`(document.querySelector("#f-territory_code").value = "`+codeA+`") !== ""`)); err != nil {
		t.Fatal(err)
	}
	b.do(chromedp.Click(chromedp.CSS(`input[name="attribute[hazard_kind]"][value="no_crossing"]`)),
		chromedp.Click(chromedp.CSS(`input[name="attribute[near_school]"][value="yes"]`)),
		chromedp.Click(chromedp.CSS(".resident-form button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS("#track-status")))
	url, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](`location.pathname`))
	if err != nil || !strings.HasPrefix(url, "/reports/track/") {
		t.Fatalf("after sending: at %q (%v)", url, err)
	}
	rr, err := f.db.FindResidentReportByCode(ctx, strings.TrimPrefix(url, "/reports/track/"))
	if err != nil || len(rr.Attributes["hazard_kind"]) != 1 || rr.Attributes["hazard_kind"][0] != "no_crossing" || rr.Attributes["near_school"][0] != "yes" {
		t.Fatalf("stored %+v %v", rr, err)
	}
}

package web_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserReportBackCalendar: in Kyrgyz and in Russian, on a desktop
// and a phone, the public calendar lists the upcoming meeting with its
// place and inspector and the past one with its attendance and answers,
// never the personal data written into an issue nor an issue awaiting
// moderation; the territory filter
// keeps the chosen district's meetings only.
func TestBrowserReportBackCalendar(t *testing.T) {
	f := mustFixture(t)
	d := mustReportBackData(t, f)
	heads := map[string][2]string{"ky": {"Алдыдагы жолугушуулар", "милициянын участкалык инспектору"},
		"ru": {"Предстоящие встречи", "участковый инспектор милиции"}}
	for _, lang := range []string{"ky", "ru"} {
		t.Run(lang, func(t *testing.T) {
			b := mustBrowserFor(t, f)
			b.open("/lang/" + lang + "?next=/report-back-meetings")
			if got := b.text("#rb-upcoming"); got != heads[lang][0] {
				t.Errorf("upcoming heading: got %q, want %q", got, heads[lang][0])
			}
			page := b.text("main")
			for _, want := range []string{d.mA.Place, d.mA.InspectorName, heads[lang][1], "54", "Рейд өткөрүлөт"} {
				if !strings.Contains(page, want) {
					t.Errorf("calendar lacks %q", want)
				}
			}
			for _, bad := range []string{rbPhone, rbEmail, rbPIN, rbName, rbPending, "0700 111 333"} {
				if strings.Contains(page, bad) {
					t.Errorf("calendar shows personal data or unmoderated text %q", bad)
				}
			}
			if got, want := b.text(`.nav a[aria-current="page"]`), map[string]string{"ky": "Отчеттук жолугушуулар", "ru": "Отчётные встречи"}[lang]; got != want {
				t.Errorf("current menu entry: got %q, want %q", got, want)
			}
			b.fitsWidth(lang + " /report-back-meetings")
			b.screenshot("report-back-calendar-" + lang)
			// Filter to district B: only its upcoming meeting remains.
			b.do(chromedp.SetValue(chromedp.CSS(`select[name="territory"]`), codeB),
				chromedp.Click(chromedp.CSS(`form.filters button[type="submit"]`)))
			waitFor(t, b.ctx, `location.search.includes("territory=`+codeB+`")`)
			if n, err := chromedp.Run(b.ctx, chromedp.Evaluate[int](`document.querySelectorAll("table.report-back tbody tr").length`)); err != nil || n != 1 {
				t.Errorf("district B upcoming meetings: got %d (%v), want 1", n, err)
			}
			if n, err := chromedp.Run(b.ctx, chromedp.Evaluate[int](`document.querySelectorAll("article.report-back-meeting").length`)); err != nil || n != 0 {
				t.Errorf("district B past meetings: got %d (%v), want 0", n, err)
			}
			b.do(phone())
			b.open("/report-back-meetings")
			b.fitsWidth(lang + " phone /report-back-meetings")
			b.screenshot("phone-report-back-calendar-" + lang)
		})
	}
}

// TestBrowserReportBackModeration: in Kyrgyz and in Russian, the
// coordinator sees each issue as typed and as the public would read it,
// publishes the pending one with a name blanked, and the page fits.
func TestBrowserReportBackModeration(t *testing.T) {
	f := mustFixture(t)
	d := mustReportBackData(t, f)
	path := "/report-back-meetings/" + mtID(d.heldA.ID) + "/issues"
	pending := map[string]string{"ky": "Модерацияны күтүүдө", "ru": "Ждёт модерации"}
	for _, lang := range []string{"ky", "ru"} {
		t.Run(lang, func(t *testing.T) {
			b := mustBrowserFor(t, f)
			b.login(strings.ToLower(coordinator), "/lang/"+lang+"?next="+path)
			b.open(path)
			issue := "#issue-" + mtID(d.heldA.Issues[1].ID)
			if got := b.text(issue + " h2"); !strings.Contains(got, pending[lang]) {
				t.Errorf("pending issue heading: got %q, want it to say %q", got, pending[lang])
			}
			if preview := b.text(issue + " .public-preview"); strings.Contains(preview, "0700 111 333") || strings.Contains(preview, "pending.rb@example.kg") {
				t.Errorf("the public preview shows a phone or an e-mail: %q", preview)
			}
			b.fitsWidth(lang + " " + path)
			b.screenshot("report-back-moderation-" + lang)
			b.do(chromedp.SetValue(chromedp.CSS(issue+" textarea"), "Жумабаев Талант"),
				chromedp.Click(chromedp.CSS(issue+` input[name="published"]`)),
				chromedp.Click(chromedp.CSS(issue+` button[type="submit"]`)))
			waitFor(t, b.ctx, `!!document.querySelector("`+issue+` .badge-published")`)
			if preview := b.text(issue + " .public-preview"); strings.Contains(preview, "Жумабаев") {
				t.Errorf("the name is not blanked in the preview: %q", preview)
			}
			// Withdraw it again for the next language.
			b.do(chromedp.Click(chromedp.CSS(issue+` input[name="published"]`)), chromedp.Click(chromedp.CSS(issue+` button[type="submit"]`)))
			waitFor(t, b.ctx, `!!document.querySelector("`+issue+` .badge-pending")`)
		})
	}
}

package web_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserDataFormWorkflow drives a reported-figures form in headless
// Chromium, in Kyrgyz: district A's police fills the disaggregated
// protection orders grid (a wrong cell is marked as typed), submits more
// breaches than orders and is refused with the rule's Kyrgyz message,
// corrects and submits; the coordinator accepts; the pivot shows the
// figure. Screenshots in ky and ru when ALDYN_SCREENSHOTS is set.
func TestBrowserDataFormWorkflow(t *testing.T) {
	f := mustFixture(t)
	d := mustDataSets(t, f)
	path := formPath(f.bodyA, d.periods[0])
	b := mustBrowserFor(t, f)
	b.do(chromedp.EmulateViewport(1280, 900))
	cell := func(name string) string { return `input[name="` + name + `"]` }
	issued, breached := cell("cell:po_issued:female,age_18_29"), cell("cell:po_breached:female,age_18_29")
	clear := func(sel string) {
		t.Helper()
		if _, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](`(document.querySelector('`+sel+`').value = "") === ""`)); err != nil {
			t.Fatal(err)
		}
	}
	// submit clicks a button and waits for the page it leads to.
	submit := func(sel string) {
		t.Helper()
		if _, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](`(document.documentElement.dataset.stale = "1") === "1"`)); err != nil {
			t.Fatal(err)
		}
		b.do(chromedp.Click(chromedp.CSS(sel)))
		waitFor(t, b.ctx, `document.readyState === "complete" && document.documentElement.dataset.stale !== "1"`)
	}

	b.login("reportera", "/")
	b.do(chromedp.Navigate(b.base+"/lang/ky?next="+path), chromedp.WaitVisible(chromedp.CSS("#data-form")))
	// As typed: a fraction in a whole-number cell is marked at once.
	b.do(chromedp.SendKeys(chromedp.CSS(issued), "2,5"))
	waitFor(t, b.ctx, `document.querySelector('`+issued+`').getAttribute("aria-invalid") === "true"`)
	if got := b.text(`[id="e-cell:po_issued:female,age_18_29"]`); got != "Бүтүн сан жазыңыз." {
		t.Errorf("message as typed: %q", got)
	}
	clear(issued)
	b.do(chromedp.SendKeys(chromedp.CSS(issued), "6"),
		chromedp.SendKeys(chromedp.CSS(cell("cell:po_issued:male,age_30_59")), "2"),
		chromedp.SendKeys(chromedp.CSS(breached), "9"))
	waitFor(t, b.ctx, `!document.querySelector('`+issued+`').hasAttribute("aria-invalid")`)
	if got := b.text(`#el-po_issued tbody tr:first-child [data-row-total]`); got != "6" {
		t.Errorf("row total of women: %q, want 6", got)
	}
	submit("#form-submit")
	if got := b.text("#broken-rules"); got == "" || !strings.Contains(got, "Бузулган ордерлер берилген ордерлерден көп болушу мүмкүн эмес") {
		t.Fatalf("hard rule refusal: %q", got)
	}
	if got := b.attr(breached, "value"); got != "9" {
		t.Errorf("the refused form lost what was typed: %q", got)
	}
	b.screenshot("datasets-form-refused-ky")
	clear(breached)
	b.do(chromedp.SendKeys(chromedp.CSS(breached), "1"))
	submit("#form-submit")
	if got := b.text("#form-status"); got != "Тапшырылды" {
		t.Errorf("status after submitting: %q", got)
	}
	b.screenshot("datasets-form-submitted-ky")
	b.do(chromedp.Click(chromedp.CSS(`form[action="/logout"] button`)))
	waitFor(t, b.ctx, `document.readyState === "complete" && !document.querySelector(".user-link")`)

	b.login("coordinatora", "/")
	b.do(chromedp.Navigate(b.base+"/lang/ky?next="+path), chromedp.WaitVisible(chromedp.CSS("#form-accept")))
	submit("#form-accept")
	if got := b.text("#form-status"); got != "Кабыл алынды" {
		t.Errorf("status after accepting: %q", got)
	}
	for _, lang := range []string{"ky", "ru"} {
		b.do(chromedp.Navigate(b.base+"/lang/"+lang+"?next=/data-sets/protection_orders/analysis%3Flevel%3Ddistrict%26element%3Dpo_issued%26rates%3Dtrue%26from%3D"+d.periods[0]),
			chromedp.WaitVisible(chromedp.CSS("#pivot")))
		if got := b.text("#pivot tbody tr:first-child td.num"); !strings.Contains(got, "8") {
			t.Errorf("%s pivot: %q, want the 8 orders", lang, got)
		}
		// The chart of the element over periods, a line per district,
		// drawn by the charts bundle the statistics pages use.
		waitFor(t, b.ctx, `!!document.querySelector("#analysis-chart canvas")`)
		b.fitsWidth("pivot " + lang)
		b.screenshot("datasets-pivot-" + lang)
		b.do(chromedp.Navigate(b.base + path))
		waitFor(t, b.ctx, `document.readyState === "complete"`)
		b.screenshot("datasets-form-accepted-" + lang)
		b.do(chromedp.Navigate(b.base+"/concept"), chromedp.WaitVisible(chromedp.CSS("#concept-results")))
		b.fitsWidth("concept " + lang)
		b.screenshot("concept-results-" + lang)
	}
}

// TestBrowserDataFormRuleChecks: while a body's official types, in Kyrgyz
// and in Russian, the data set's rules are evaluated in the page from the
// server's parse: more breaches than orders lists the hard rule with its
// message in the reader's language, more repeats the soft one; corrected
// figures clear the list, before anything is sent.
func TestBrowserDataFormRuleChecks(t *testing.T) {
	f := mustFixture(t)
	d := mustDataSets(t, f)
	b := mustBrowserFor(t, f)
	b.do(chromedp.EmulateViewport(1280, 900))
	b.login("reportera", "/")
	cell := func(name string) string { return `input[name="` + name + `"]` }
	// typeIn replaces a cell's text as an official would, key by key.
	typeIn := func(sel, text string) {
		t.Helper()
		if _, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](`(document.querySelector('`+sel+`').value = "") === ""`)); err != nil {
			t.Fatal(err)
		}
		b.do(chromedp.SendKeys(chromedp.CSS(sel), text))
	}
	listed := func(rule string) string {
		return `document.querySelector('#rule-check-list li[data-rule="` + rule + `"]')`
	}
	for i, c := range []struct{ lang, hard, soft, hardBadge string }{
		{"ky", "Бузулган ордерлер берилген ордерлерден көп болушу мүмкүн эмес", "Кайталанган зомбулук берилген ордерлерден көп — текшериңиз", "Форма кабыл алынбайт"},
		{"ru", "Нарушенных ордеров не может быть больше выданных", "Повторного насилия больше, чем выданных ордеров, — проверьте", "Форма не будет принята"},
	} {
		path := formPath(f.bodyA, d.periods[i])
		b.do(chromedp.Navigate(b.base+"/lang/"+c.lang+"?next="+path), chromedp.WaitVisible(chromedp.CSS("#data-form")))
		if got := b.attr("#rule-checks", "hidden"); got == "" {
			waitFor(t, b.ctx, `document.querySelector('#rule-checks').hidden`)
		}
		// 2 + 1 orders, 4 breaches in two cells of other combinations.
		typeIn(cell("cell:po_issued:female,age_18_29"), "2")
		typeIn(cell("cell:po_issued:male,age_30_59"), "1")
		typeIn(cell("cell:po_breached:female,age_0_17"), "3")
		typeIn(cell("cell:po_breached:male,age_60"), "1")
		waitFor(t, b.ctx, listed("breached_le_issued")+` !== null && !document.querySelector('#rule-checks').hidden`)
		if got := b.text(`#rule-check-list li[data-rule="breached_le_issued"]`); !strings.Contains(got, c.hard) || !strings.Contains(got, c.hardBadge) {
			t.Errorf("%s: hard rule listed as %q", c.lang, got)
		}
		typeIn(cell("cell:po_repeat:female,age_18_29"), "4")
		waitFor(t, b.ctx, listed("repeat_le_issued")+` !== null`)
		if got := b.text(`#rule-check-list li[data-rule="repeat_le_issued"]`); !strings.Contains(got, c.soft) {
			t.Errorf("%s: soft rule listed as %q", c.lang, got)
		}
		b.screenshot("datasets-rule-checks-" + c.lang)
		// 3 + 1 = 4 orders: the breaches are now allowed; the repeats too.
		typeIn(cell("cell:po_issued:male,age_30_59"), "2")
		waitFor(t, b.ctx, listed("breached_le_issued")+` === null && `+listed("repeat_le_issued")+` === null`)
		waitFor(t, b.ctx, `document.querySelector('#rule-checks').hidden`)
	}
}

// TestBrowserDesignPages: the national administrator opens the design
// pages in Kyrgyz and Russian, they fit the window, and a new rule posted
// wrong is shown again with its errors summarised and the focus on them.
// Screenshots when ALDYN_SCREENSHOTS is set.
func TestBrowserDesignPages(t *testing.T) {
	f := mustFixture(t)
	mustDataSets(t, f)
	b := mustBrowserFor(t, f)
	b.do(chromedp.EmulateViewport(1280, 1100))
	b.login("adminkg", "/")
	for _, lang := range []string{"ky", "ru"} {
		for _, p := range []struct{ path, name string }{
			{"/data-design", "design"}, {"/data-design/elements/new", "design-element"},
			{"/data-design/sets/new", "design-set"}, {"/data-design/rules/new", "design-rule"},
		} {
			b.do(chromedp.Navigate(b.base+"/lang/"+lang+"?next="+p.path), chromedp.WaitVisible(chromedp.CSS("h1")))
			b.fitsWidth(p.name + " " + lang)
			b.screenshot("datasets-" + p.name + "-" + lang)
		}
		b.do(chromedp.Click(chromedp.CSS("#design-save")))
		waitFor(t, b.ctx, `document.readyState === "complete" && !!document.querySelector("#error-summary")`)
		waitFor(t, b.ctx, `document.activeElement && document.activeElement.id === "error-summary"`)
		if got := b.text("#error-summary"); !strings.Contains(got, map[string]string{"ky": "Коду", "ru": "Код"}[lang]) {
			t.Errorf("%s: error summary %q lacks the code field", lang, got)
		}
		b.screenshot("datasets-design-rule-errors-" + lang)
	}
}

package web_test

import (
	"context"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/demo"
	"github.com/aldyn-kg/aldyn/internal/surveys"
)

// TestBrowserSurveyForm fills the standard survey's public form on a phone
// in Kyrgyz and in Russian: follow-up questions appear only when their
// condition holds, the page does not scroll sideways, and the stored
// response holds no answer to a skipped question.
func TestBrowserSurveyForm(t *testing.T) {
	f := mustFixture(t)
	ctx := context.Background()
	sv := mustRunningSurvey(t, f, "phone-2026", aldyn.OnePerNone)
	b := mustBrowserFor(t, f)
	b.do(phone())
	visible := func(q string) bool {
		t.Helper()
		v, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](`(() => { const el = document.querySelector('[data-question="`+q+`"]');
		  return !!el && !el.hidden && el.getBoundingClientRect().height > 0; })()`))
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	click := func(name, value string) {
		t.Helper()
		b.do(chromedp.Click(chromedp.CSS(`input[name="` + name + `"][value="` + value + `"]`)))
	}
	for _, lang := range []string{"ky", "ru"} {
		b.open("/lang/" + lang + "?next=/surveys/phone-2026")
		if got := b.attr("html", "lang"); got != lang {
			t.Fatalf("page language: got %s, want %s", got, lang)
		}
		for _, q := range []string{"times_theft", "reported", "why_not", "why_not_other", "dv_reported", "inspector_satisfaction"} {
			if visible(q) {
				t.Errorf("%s: %s shown before its condition holds", lang, q)
			}
		}
		if _, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](`(() => { const s = document.querySelector('select[name=district]'); s.selectedIndex = 1;
		  s.dispatchEvent(new Event('change', {bubbles: true})); return true; })()`)); err != nil {
			t.Fatal(err)
		}
		click("sex", "f")
		click("age_group", "25-34")
		click("settlement_type", "rural")
		click("safe_day", "rather_safe")
		click("safe_night", "rather_unsafe")
		click("victim_12m", "theft")
		if !visible("times_theft") || visible("times_fraud") || !visible("reported") {
			t.Errorf("%s: after ticking theft, want times_theft and reported shown, times_fraud hidden", lang)
		}
		b.do(chromedp.SendKeys(chromedp.CSS(`input[name="times_theft"]`), "1"))
		click("reported", "no")
		if !visible("why_not") || visible("why_not_other") {
			t.Errorf("%s: after reported = no, want why_not shown and why_not_other hidden", lang)
		}
		click("why_not", "no_use")
		click("domestic_violence", "no")
		for _, tb := range surveys.TrustBodies {
			click(tb.Question, "rather_trust")
		}
		click("inspector_known", "yes")
		if !visible("inspector_satisfaction") {
			t.Errorf("%s: inspector satisfaction hidden after knowing the inspector", lang)
		}
		click("inspector_known", "no")
		if visible("inspector_satisfaction") {
			t.Errorf("%s: inspector satisfaction still shown after answering no", lang)
		}
		b.fitsWidth("survey form " + lang)
		b.screenshot("survey-form-" + lang)
		b.do(chromedp.Click(chromedp.CSS(`form[data-skip-logic] button[type=submit]`)))
		waitFor(t, b.ctx, `location.search.includes("done=1")`)
		b.screenshot("survey-thanks-" + lang)
	}
	rs, _, err := f.db.FindResponses(ctx, aldyn.ResponseFilter{SurveyID: sv.ID})
	if err != nil || len(rs) != 2 {
		t.Fatalf("got %d responses (%v), want 2", len(rs), err)
	}
	for _, r := range rs {
		if _, ok := r.Answers["inspector_satisfaction"]; ok {
			t.Error("the answer to a question hidden again was kept")
		}
		if r.Answers["times_theft"] != "1" || r.Answers["why_not"] != "no_use" || r.Answers["sex"] != "f" {
			t.Errorf("got answers %v", r.Answers)
		}
	}
}

// TestBrowserTrustIndex opens the public trust index of the demo survey on
// a phone in Kyrgyz and Russian: both waves' values with intervals, the
// definition, and no sideways scrolling.
func TestBrowserTrustIndex(t *testing.T) {
	f := mustFixture(t)
	if err := demo.LoadSurveys(context.Background(), f.db); err != nil {
		t.Fatal(err)
	}
	if _, err := demo.LoadOffenses(context.Background(), f.db, 0.05, []int{2025, 2026}); err != nil {
		t.Fatal(err)
	}
	b := mustBrowserFor(t, f)
	b.do(phone())
	for _, lang := range []string{"ky", "ru"} {
		b.open("/lang/" + lang + "?next=/trust-index")
		if got := b.text("main table th[scope=row]"); got == "" {
			t.Fatalf("%s: no body in the national table", lang)
		}
		if n, err := chromedp.Run(b.ctx, chromedp.Evaluate[int](`document.querySelectorAll("main table strong").length`)); err != nil || n < 10 {
			t.Errorf("%s: got %d values shown (%v), want the five bodies in two waves and the districts", lang, n, err)
		}
		b.fitsWidth("trust index " + lang)
		b.screenshot("trust-index-" + lang)
		b.open("/victimization")
		if n, err := chromedp.Run(b.ctx, chromedp.Evaluate[int](`document.querySelectorAll("main table strong").length`)); err != nil || n < 2*len(surveys.Crimes) {
			t.Errorf("%s victimization: got %d values shown (%v), want the crime types of both waves", lang, n, err)
		}
		b.fitsWidth("victimization " + lang)
		b.screenshot("victimization-" + lang)
		b.open("/scorecards")
		if n, err := chromedp.Run(b.ctx, chromedp.Evaluate[int](`document.querySelectorAll("main table strong").length`)); err != nil || n == 0 {
			t.Errorf("%s scorecards: got %d scores shown (%v)", lang, n, err)
		}
		b.fitsWidth("scorecards " + lang)
		b.screenshot("scorecards-" + lang)
	}
}

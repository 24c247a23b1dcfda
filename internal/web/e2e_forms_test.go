package web_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/aldyn-kg/aldyn"
	"github.com/chromedp/chromedp"
)

// errorSummaryState describes the page after a form came back with errors:
// where the focus is, the summary's links and whether each points at a
// control of a form, and the invalid controls no link points at.
const errorSummaryState = `(() => {
  const box = document.querySelector('[data-error-summary]');
  const links = box ? [...box.querySelectorAll('a')] : [];
  const targets = new Set();
  const bad = [], unnamed = [];
  for (const a of links) {
    const href = a.getAttribute('href') || '';
    const el = href.startsWith('#') ? document.getElementById(href.slice(1)) : null;
    if (!el || !el.matches('input, select, textarea') || !el.closest('form')) bad.push(href + ' «' + a.textContent + '»');
    else {
      targets.add(el);
      // The item names its field: "<label>: <message>", or a message that
      // begins with the label ("Базовый год должен быть …").
      const l = document.querySelector('label[for="' + el.id + '"]') || el.closest('fieldset')?.querySelector('legend');
      const name = l ? l.textContent.replace(/\*/g, '').replace(/\s+/g, ' ').trim() : '';
      const text = a.textContent.trim();
      if (!text.includes(': ') && !(name && text.startsWith(name))) unnamed.push(text);
    }
  }
  const unlinked = [...document.querySelectorAll('main [aria-invalid="true"]')].filter(el => !targets.has(el)).map(el => el.id || el.name);
  return JSON.stringify({
    focused: document.activeElement === box && box !== null,
    texts: links.map(a => a.textContent.trim()),
    bad, unlinked, unnamed,
  });
})()`

type errorSummary struct {
	Focused  bool
	Texts    []string
	Bad      []string
	Unlinked []string
	Unnamed  []string
}

// TestBrowserErrorSummary: every form submitted empty comes back with the
// focus on an error summary whose items are links to existing fields of
// the form, each named by its field's label; every field marked invalid is
// linked from it; following a link focuses the field.
func TestBrowserErrorSummary(t *testing.T) {
	f := mustFixture(t)
	ctx := context.Background()
	coord := f.repActor(coordinator)
	owner := &aldyn.Body{TerritoryCode: codeA, Type: "coordination_commission", NameKy: "Координациялык комиссия",
		NameRu: "Координационная комиссия", NameEn: "Coordination commission"}
	if err := f.db.CreateBody(ctx, aldyn.System, owner); err != nil {
		t.Fatal(err)
	}
	draft := &aldyn.Plan{Kind: aldyn.PlanJoint, Title: aldyn.Text{KY: "Долбоор", RU: "Проект", EN: "Draft"}, TerritoryCode: codeA,
		OwnerBodyID: owner.ID, StartYear: 2026, EndYear: 2027}
	if err := f.db.CreatePlan(ctx, coord, draft); err != nil {
		t.Fatal(err)
	}
	plan := idStr(draft.ID)
	forms := []struct{ who, path string }{
		{adminKG, "/bodies/new"},
		{adminKG, "/users/new"},
		{adminKG, "/territories/" + codeA + "/precincts/new"},
		{coordinator, "/plans/new"},
		{coordinator, "/plans/" + plan + "/measures/new"},
		{coordinator, "/plans/" + plan + "/indicators/new"},
		{coordinator, "/plans/" + plan + "/risks/new"},
		{coordinator, "/meetings/new"},
	}
	bctx := mustBrowser(t)
	for _, lang := range []string{"ky", "ru"} {
		tab, cancel := chromedp.NewContext(bctx, chromedp.WithNewBrowserContext())
		b := &browser{tb: t, ctx: tab, base: f.srv.URL}
		signedIn := ""
		for _, form := range forms {
			if form.who != signedIn {
				if signedIn != "" {
					b.do(chromedp.Navigate(b.base+"/about"), chromedp.Submit(chromedp.CSS(`form[action="/logout"] button`)),
						chromedp.WaitVisible(chromedp.CSS(`a[href^="/login"]`)))
				}
				b.login(strings.ToLower(form.who), "/lang/"+lang)
				signedIn = form.who
			}
			what := lang + " " + form.path
			b.open(form.path)
			// Clear what the form was shown with, then send it.
			b.do(chromedp.Evaluate[chromedp.Void](`(() => {
			  const f = document.querySelector('main form.form[method="post"]');
			  for (const el of f.querySelectorAll('input[type=text], input[type=number], input[type=date], input[type=password], input:not([type]), textarea')) el.value = '';
			  for (const el of f.querySelectorAll('select:not([multiple])')) if (el.options[0] && el.options[0].value === '') el.selectedIndex = 0;
			  f.requestSubmit(f.querySelector('button[type=submit]'));
			})()`))
			waitFor(t, b.ctx, `document.readyState === "complete" && document.querySelector('[data-error-summary]') !== null`)
			out, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](errorSummaryState))
			if err != nil {
				t.Fatal(err)
			}
			var s errorSummary
			if err := json.Unmarshal([]byte(out), &s); err != nil {
				t.Fatal(err)
			}
			if !s.Focused {
				t.Errorf("%s: the focus is not on the error summary", what)
			}
			if len(s.Texts) == 0 {
				t.Errorf("%s: the error summary links to no field", what)
			}
			for _, x := range s.Bad {
				t.Errorf("%s: summary link %s points at no field of the form", what, x)
			}
			for _, x := range s.Unlinked {
				t.Errorf("%s: invalid field %s is not in the summary", what, x)
			}
			for _, x := range s.Unnamed {
				t.Errorf("%s: summary item %q does not name its field", what, x)
			}
			b.screenshot("error-summary-" + strings.NewReplacer("/", "-").Replace(strings.Trim(form.path, "/")) + "-" + lang)
			if len(s.Texts) == 0 {
				continue
			}
			// Following the first link puts the focus in its field.
			ok, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](`(() => {
			  const a = document.querySelector('[data-error-summary] a');
			  a.click();
			  return document.activeElement === document.getElementById(a.getAttribute('href').slice(1));
			})()`))
			if err != nil || !ok {
				t.Errorf("%s: following the summary's first link does not focus its field (%v)", what, err)
			}
		}
		cancel()
	}
}

package web_test

import (
	"encoding/json"
	"html"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aldyn-kg/aldyn/internal/auth"
	"github.com/chromedp/chromedp"
)

// phone is a 390×844 phone at device scale 2, as a mobile browser lays out.
func phone() chromedp.Action[chromedp.Void] {
	return chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2), chromedp.EmulateMobile, chromedp.EmulateTouch, chromedp.EmulatePortrait)
}

// demoPassword is the password of every demo user in these tests.
const demoPassword = "correct horse battery"

// mustDemoSite loads the demo (bodies, users who sign in with demoPassword,
// plans, reports, meetings and a small sample of offenses) and returns the
// national plan's id.
func mustDemoSite(tb testing.TB, f *fixture) int64 {
	tb.Helper()
	f.db.Now = demoDay
	mustLoadDemo(tb, f, auth.Params{Memory: 1024, Time: 1, Threads: 1}.Hash, demoPassword)
	mustDemoOffenses(tb, f, 0.01, 2025, 2026)
	return mustNationalPlan(tb, f)
}

// open navigates to path and waits until the page and its scripts settled.
func (b *browser) open(path string) {
	b.tb.Helper()
	b.do(chromedp.Navigate(b.base + path))
	waitFor(b.tb, b.ctx, `document.readyState === "complete"`)
	// Charts and maps draw after load; give them a frame.
	time.Sleep(300 * time.Millisecond)
}

// smallTargets lists the visible controls of the page smaller than 44×44
// CSS pixels (WCAG 2.5.5). Links inside running text are exempt, as the
// criterion allows; controls in navigation, tables, filters and forms are not.
func (b *browser) smallTargets() []string {
	b.tb.Helper()
	js := `(() => {
	  const sel = "header a, header button, header summary, main button, main .button, main select, main textarea, " +
	    "main input:not([type=hidden]):not([type=checkbox]):not([type=radio]), main th a, main td a, " +
	    "main .pager a, main .exports a, main .page-head a, main .filters a";
	  const out = [];
	  for (const el of document.querySelectorAll(sel)) {
	    const r = el.getBoundingClientRect();
	    if (r.width === 0 || r.height === 0 || getComputedStyle(el).visibility === "hidden") continue;
	    if (r.width < 43.5 || r.height < 43.5) {
	      out.push(el.tagName.toLowerCase() + (el.className ? "." + String(el.className).split(" ").join(".") : "") +
	        " «" + (el.innerText || el.value || el.name || "").trim().slice(0, 30) + "» " + Math.round(r.width) + "×" + Math.round(r.height));
	    }
	  }
	  return out;
	})()`
	out, err := chromedp.Run(b.ctx, chromedp.Evaluate[[]string](js))
	if err != nil {
		b.tb.Fatal(err)
	}
	return out
}

// tapTargets fails the test for each control smaller than 44×44 px.
func (b *browser) tapTargets(what string) {
	b.tb.Helper()
	small := b.smallTargets()
	if len(small) > 0 {
		b.tb.Errorf("%s: %d tap targets under 44×44 px: %s", what, len(small), strings.Join(small, "; "))
	}
}

// tablesNotCut fails for each table of the page that is wider than a box
// around it without a scrolling box in between: such a table is cut off
// (or pushes the page sideways). On a wide screen (1200 px and more) a
// table must not need its scrolling box either: part of it hidden on an
// office PC reads as cut off.
func (b *browser) tablesNotCut(what string) {
	b.tb.Helper()
	js := `(() => {
	  const out = [];
	  for (const t of document.querySelectorAll("main table")) {
	    const tr = t.getBoundingClientRect();
	    if (tr.width === 0) continue;
	    for (let p = t.parentElement; p && p !== document.body; p = p.parentElement) {
	      const ox = getComputedStyle(p).overflowX;
	      if (ox === "auto" || ox === "scroll") {
	        if (window.innerWidth >= 1200 && p.scrollWidth > p.clientWidth + 1) {
	          out.push((t.id || t.className) + " is " + p.scrollWidth + " px in a " + p.clientWidth + " px scrolling " + p.tagName.toLowerCase() + "." + p.className);
	        }
	        break;
	      }
	      const pr = p.getBoundingClientRect();
	      if (tr.right > pr.right + 1 || tr.left < pr.left - 1) {
	        out.push((t.id || t.className) + " is " + Math.round(tr.width) + " px in a " + Math.round(pr.width) + " px " + p.tagName.toLowerCase() + "." + p.className);
	        break;
	      }
	    }
	  }
	  return out;
	})()`
	out, err := chromedp.Run(b.ctx, chromedp.Evaluate[[]string](js))
	if err != nil {
		b.tb.Fatal(err)
	}
	for _, s := range out {
		b.tb.Errorf("%s: table cut off: %s", what, s)
	}
}

// TestBrowserPhoneReporter: a reporter of the demo opens /tasks on a 390 px
// phone, finds "write report" in view as a target of at least 44×44 px,
// fills in the report and submits it, and the page never scrolls sideways.
func TestBrowserPhoneReporter(t *testing.T) {
	f, _ := repServer(t)
	mustDemoSite(t, f)
	b := mustBrowserFor(t, f)
	b.do(phone())
	b.login("alamudun.reporter", "/tasks")
	for _, lang := range []string{"ky", "ru"} {
		b.open("/lang/" + lang + "?next=/tasks")
		b.fitsWidth(lang + " /tasks")
		b.tapTargets(lang + " /tasks")
		b.screenshot("phone-tasks-" + lang)
	}
	// The first action is in view without scrolling sideways and big enough.
	box, err := chromedp.Run(b.ctx, chromedp.Evaluate[[]float64](`(() => {
	  const r = document.querySelector("#tasks a.task-open").getBoundingClientRect();
	  return [r.left, r.right, r.width, r.height, window.innerWidth];
	})()`))
	if err != nil {
		t.Fatalf("no report to write on /tasks: %v", err)
	}
	if box[0] < 0 || box[1] > box[4] || box[2] < 44 || box[3] < 44 {
		t.Errorf("write report: left %.0f right %.0f, %.0f×%.0f px in a %.0f px window; want in view and at least 44×44", box[0], box[1], box[2], box[3], box[4])
	}
	b.do(chromedp.Click(chromedp.CSS("#tasks a.task-open")), chromedp.WaitVisible(chromedp.CSS("#report-form")))
	waitFor(t, b.ctx, `document.readyState === "complete"`)
	b.fitsWidth("report form")
	b.tapTargets("report form")
	b.screenshot("phone-report-form-ru")
	b.do(chromedp.SetValue(chromedp.CSS("#f-progress"), "40"),
		chromedp.SendKeys(chromedp.CSS("#f-narrative"), "Мектептерде үч профилактикалык жолугушуу өттү."))
	b.do(chromedp.Click(chromedp.CSS("#report-submit")), chromedp.WaitVisible(chromedp.CSS("#history")))
	if got := b.text("#report-status"); got == "" {
		t.Errorf("after submitting: no status")
	}
	b.fitsWidth("submitted report")
	b.tapTargets("submitted report")
	b.screenshot("phone-report-ru")
}

// TestBrowserNoSidewaysScroll: the pages people read on phones and office
// PCs in the demo, in Kyrgyz and Russian: at 390 px no page scrolls
// sideways and every control is a 44 px target; at 1280 px no table is cut
// off. With ALDYN_SCREENSHOTS set, each page is saved as a picture.
func TestBrowserNoSidewaysScroll(t *testing.T) {
	f := mustFixture(t)
	plan := mustDemoSite(t, f)
	b := mustBrowserFor(t, f)
	b.login("council.coordinator", "/")
	pages := map[string]string{
		"tasks":        "/tasks",
		"stats":        "/stats",
		"public-plans": "/public/plans",
		"plans":        "/plans",
		"monitoring":   "/monitoring",
		"dashboard":    "/plans/" + idStr(plan) + "/dashboard",
		"meetings":     "/meetings",
	}
	for _, lang := range []string{"ky", "ru"} {
		b.open("/lang/" + lang + "?next=/")
		for name, path := range pages {
			b.do(phone())
			b.open(path)
			b.fitsWidth(lang + " 390 px " + path)
			b.tapTargets(lang + " 390 px " + path)
			b.screenshot("phone-" + name + "-" + lang)
			b.do(chromedp.EmulateViewport(1280, 900))
			b.open(path)
			b.fitsWidth(lang + " 1280 px " + path)
			b.tablesNotCut(lang + " 1280 px " + path)
			b.screenshot("wide-" + name + "-" + lang)
		}
	}
}

// TestDashboardChartsKeepLabels: the demo plan's dashboard charts keep
// their axis labels inside the drawing (containLabel) and show every label
// of a short category axis (budget sources), where ECharts would drop every
// other one on a phone.
func TestDashboardChartsKeepLabels(t *testing.T) {
	f := mustFixture(t)
	plan := mustDemoNationalPlan(t, f)
	for _, lang := range []string{"ky", "ru"} {
		status, page := f.getAs(t, adminKG, lang, "/plans/"+idStr(plan)+"/dashboard")
		if status != 200 {
			t.Fatalf("%s: status %d", lang, status)
		}
		opts := regexp.MustCompile(`data-chart-option="([^"]*)"`).FindAllStringSubmatch(page, -1)
		if len(opts) == 0 {
			t.Fatalf("%s: no charts", lang)
		}
		for _, m := range opts {
			var c struct {
				Grid  *struct{ ContainLabel bool }
				XAxis struct {
					Type      string
					Data      []any
					AxisLabel struct{ Interval *int }
				}
			}
			if err := json.Unmarshal([]byte(html.UnescapeString(m[1])), &c); err != nil {
				t.Fatal(err)
			}
			if c.Grid != nil && !c.Grid.ContainLabel {
				t.Errorf("%s: a chart's grid does not contain its labels", lang)
			}
			if c.XAxis.Type == "category" && len(c.XAxis.Data) <= 8 && (c.XAxis.AxisLabel.Interval == nil || *c.XAxis.AxisLabel.Interval != 0) {
				t.Errorf("%s: a chart of %d categories may drop labels (%v)", lang, len(c.XAxis.Data), c.XAxis.Data)
			}
		}
	}
}

// cardsState tells, for the lists of the page (table.list.cards), how many
// rows there are and which of them did not become a card with its action
// (td.action) first; on a wide screen (wide), which of them are not laid
// out as tables.
const cardsState = `((wide) => {
  const out = [];
  let rows = 0;
  for (const t of document.querySelectorAll("main table.list.cards")) {
    const name = t.id || t.className;
    if (wide) {
      const tr = t.querySelector("tbody tr");
      if (getComputedStyle(t).display !== "table" || (tr && getComputedStyle(tr).display !== "table-row")) out.push(name + ": not laid out as a table");
      rows += t.querySelectorAll("tbody tr").length;
      continue;
    }
    for (const tr of t.querySelectorAll("tbody tr")) {
      rows++;
      if (getComputedStyle(tr).display !== "flex") { out.push(name + ": a row is not a card"); break; }
      const act = tr.querySelector("td.action");
      if (!act || act.offsetHeight === 0) continue;
      const top = act.getBoundingClientRect().top;
      if ([...tr.children].some((td) => td !== act && td.offsetHeight > 0 && td.getBoundingClientRect().top < top - 1)) {
        out.push(name + ": the action is not first in its card");
        break;
      }
    }
  }
  return JSON.stringify({rows, out});
})`

// TestBrowserPhoneCards: the lists people act on (cycles, bodies,
// decisions, risks, questions, users and the coordinator's home) are cards
// on a 390 px phone, with the action first, no page scrolls sideways and
// every control is a 44 px target; at 1280 px they are tables not cut off.
func TestBrowserPhoneCards(t *testing.T) {
	f := mustFixture(t)
	plan := mustDemoSite(t, f)
	bctx := mustBrowserWithin(t, 3*time.Minute)
	for _, lang := range []string{"ky", "ru"} {
		for _, who := range []string{"council.coordinator", "admin"} {
			tab, cancel := chromedp.NewContext(bctx, chromedp.WithNewBrowserContext())
			b := &browser{tb: t, ctx: tab, base: f.srv.URL}
			b.do(chromedp.Navigate(b.base + "/lang/" + lang + "?next=/login"))
			b.login(who, "/lang/"+lang)
			pages := map[string]string{"users": "/users"}
			if who != "admin" {
				b.open("/plans/" + idStr(plan) + "/cycles")
				cycle, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](`document.querySelector("#cycles a").getAttribute("href")`))
				if err != nil {
					t.Fatalf("no cycle of the demo plan: %v", err)
				}
				pages = map[string]string{
					"home": "/", "cycles": "/plans/" + idStr(plan) + "/cycles", "cycle": cycle, "bodies": "/bodies",
					"decisions": "/decisions", "risks": "/plans/" + idStr(plan) + "/risks", "questions": "/questions?box=out",
				}
			}
			for name, path := range pages {
				what := lang + " " + path
				b.do(phone())
				b.open(path)
				cards := func(width string) {
					t.Helper()
					out, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](cardsState+"("+strconv.FormatBool(width != "390")+")"))
					if err != nil {
						t.Fatal(err)
					}
					var s struct {
						Rows int
						Out  []string
					}
					if err := json.Unmarshal([]byte(out), &s); err != nil {
						t.Fatal(err)
					}
					if s.Rows == 0 {
						t.Errorf("%s at %s px: no list of cards", what, width)
					}
					for _, x := range s.Out {
						t.Errorf("%s at %s px: %s", what, width, x)
					}
				}
				cards("390")
				b.fitsWidth(what + " at 390 px")
				b.tapTargets(what + " at 390 px")
				b.screenshot("cards-phone-" + name + "-" + lang)
				b.do(chromedp.EmulateViewport(1280, 900))
				b.open(path)
				cards("1280")
				b.fitsWidth(what + " at 1280 px")
				b.tablesNotCut(what + " at 1280 px")
				b.screenshot("cards-wide-" + name + "-" + lang)
			}
			cancel()
		}
	}
}

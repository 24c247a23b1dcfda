package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aldyn-kg/aldyn"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// axeSource is axe-core's browser bundle, read from the npm package at test
// time: it is a test tool and is never bundled or served to users.
func axeSource(tb testing.TB) string {
	tb.Helper()
	p := filepath.Join("..", "..", "web", "node_modules", "axe-core", "axe.min.js")
	b, err := os.ReadFile(p)
	if err != nil {
		tb.Fatalf("axe-core is needed for the accessibility check: npm ci --prefix web (%v)", err)
	}
	return string(b)
}

// axeRun injects axe-core into the page the browser shows and returns its
// WCAG 2.1 A/AA violations, one line each: rule, impact, targets, help.
const axeRun = `(async () => {
  const r = await axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}, resultTypes: ['violations']});
  const out = [];
  for (const v of r.violations) {
    const targets = v.nodes.slice(0, 5).map(n => n.target.join(' ')).join(' | ');
    out.push(v.id + ' (' + v.impact + ', ' + v.nodes.length + ' nodes): ' + targets + ' — ' + v.help);
  }
  return JSON.stringify(out);
})()`

// regionRun lists the page's scrolling table regions that a keyboard or
// screen-reader user cannot use: each must take the focus (tabindex=0),
// be a region and be labelled (aria-labelledby) by its table's own
// heading or caption, not by the page's title.
const regionRun = `(() => {
  const out = [];
  const h1 = document.querySelector('h1');
  const title = h1 ? h1.textContent.trim() : '';
  const seen = new Set();
  for (const t of document.querySelectorAll('main table')) {
    let box = null;
    for (let p = t.parentElement; p && p.tagName !== 'MAIN'; p = p.parentElement) {
      const ox = getComputedStyle(p).overflowX;
      if (ox === 'auto' || ox === 'scroll' || p.classList.contains('table-wrap')) { box = p; break; }
    }
    if (!box || seen.has(box)) continue;
    seen.add(box);
    const name = (t.id || t.className || 'table');
    if (box.getAttribute('tabindex') !== '0') out.push(name + ': its scrolling box takes no focus');
    if (box.getAttribute('role') !== 'region') out.push(name + ': its scrolling box is not a region');
    const ids = (box.getAttribute('aria-labelledby') || '').split(/\s+/).filter(Boolean);
    if (ids.length === 0) { out.push(name + ': its region is not labelled by a heading or caption (aria-labelledby)'); continue; }
    for (const id of ids) {
      const l = document.getElementById(id);
      const text = l ? l.textContent.trim() : '';
      if (!l) out.push(name + ': its region is labelled by #' + id + ', which is not on the page');
      else if (l === h1 || text === title) out.push(name + ': its region is labelled by the page title');
      else if (!text) out.push(name + ': its region label #' + id + ' is empty');
    }
  }
  return out;
})()`

// pagePaths finds a concrete URL for every GET page of the server's route
// list by following links from the start pages as the given actor, plus
// seeds for pages no link leads to. It returns path by route pattern and
// the patterns left without one.
func pagePaths(tb testing.TB, f *fixture, who string, seeds []string) (map[string]string, []string) {
	tb.Helper()
	// A mux with every GET route tells which pattern a link belongs to.
	mux := http.NewServeMux()
	var patterns []string
	for _, rt := range f.web.Routes() {
		if rt.Method != "GET" || strings.HasPrefix(rt.Pattern, "/api/") || axeNotPages[rt.Pattern] {
			continue
		}
		patterns = append(patterns, rt.Pattern)
		mux.HandleFunc("GET "+rt.Pattern, func(http.ResponseWriter, *http.Request) {})
	}
	found := map[string]string{}
	// Seeds are always read: two of them may share a pattern (an approved
	// plan and a draft one) and lead to different pages.
	queue := append(append([]string{}, seeds...), "/", "/about", "/login")
	isSeed := map[string]bool{}
	for _, s := range seeds {
		isSeed[s] = true
	}
	href := regexp.MustCompile(`href="(/[^"#]*)"`)
	for len(queue) > 0 {
		path := queue[0]
		queue = queue[1:]
		req, _ := http.NewRequest("GET", f.srv.URL+path, nil)
		_, pat := mux.Handler(req)
		if pat == "" || found[strings.TrimPrefix(pat, "GET ")] != "" && !isSeed[path] {
			continue
		}
		resp := f.do(tb, who, "GET", path, "", "")
		body, _ := io.ReadAll(resp.Body)
		if testing.Verbose() && isSeed[path] {
			tb.Logf("%s %s: %d", who, path, resp.StatusCode)
		}
		if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
			continue
		}
		delete(isSeed, path)
		if found[strings.TrimPrefix(pat, "GET ")] == "" {
			found[strings.TrimPrefix(pat, "GET ")] = path
		}
		for _, m := range href.FindAllStringSubmatch(string(body), -1) {
			queue = append(queue, strings.ReplaceAll(m[1], "&amp;", "&"))
		}
	}
	var missing []string
	for _, p := range patterns {
		if found[p] == "" {
			missing = append(missing, p)
		}
	}
	return found, missing
}

// axeNotPages are GET routes that answer with something other than a page.
var axeNotPages = map[string]bool{
	"/healthz": true, "/readyz": true, "/lang/{lang}": true,
	"/stats/imports/jobs/{id}/errors.csv": true, "/evidence/{id}": true, "/plans/{id}/template": true,
	"/stats/charts/timeprofile": true, "/data-sets/{code}/forms/{body}/{period}/xlsx": true,
	"/open/{slug}/{file}": true, "/catalog.jsonld": true, "/catalog.ttl": true,
	"/reports/media/{id}": true, "/open311/v2/{file}": true, "/open311/v2/services/{file}": true, "/open311/v2/requests/{file}": true,
	"/open311/v2/tokens/{file}": true,
}

// TestBrowserAxe runs axe-core (WCAG 2.1 A and AA rules) over every page of
// the route list, for a signed-in national administrator and for an
// anonymous visitor, in Kyrgyz and Russian, on the demo data, and fails
// on any violation, naming rule, impact, targets and page; on each page it
// also checks that every scrolling table region is focusable and labelled
// by its own heading or caption (regionRun).
func TestBrowserAxe(t *testing.T) {
	f := mustFixture(t)
	planID := mustDemoNationalPlan(t, f)
	ctx := context.Background()
	precinct := &aldyn.Territory{Code: codeA + "-P9", ParentCode: codeA, Level: aldyn.LevelPrecinct, NameKy: "9-участок", NameRu: "Участок 9", NameEn: "Precinct 9"}
	if err := f.db.CreatePrecinct(ctx, aldyn.System, precinct, nil); err != nil {
		t.Fatal(err)
	}
	// Pages that need a job, a draft revision and an open cycle with a
	// measure for the reporter's body.
	upType, upBody := multipartBody(t, "offenses", "offenses.csv",
		"registration_number,source,category,registered_on,territory_code\nA-1,crimes,theft,2024-03-02,"+codeA+"\n")
	job := f.do(t, adminKG, "POST", "/stats/imports", upType, upBody).Header.Get("Location")
	p, ms, _ := repPlan(t, f, "Axe", nil,
		[]repMeasureSpec{{code: "1", component: "1", body: f.bodyA, start: "2025-01-01", due: "2026-12-31"}})
	c := repCycle(t, f, p.ID, "2026-Q4", "2026-10-01", "2026-12-31", time.Date(2027, 1, 15, 0, 0, 0, 0, time.UTC))
	f.mustUser(t, "coordkg", aldyn.RoleCoordinator, &aldyn.Body{ID: f.users[adminKG].BodyID})
	rev, err := f.db.AmendPlan(ctx, f.auth.Actor(f.users["coordkg"]), planID)
	if err != nil {
		t.Fatal(err)
	}
	revMeasures, _, err := f.db.FindMeasures(ctx, rev.ID, aldyn.MeasureFilter{})
	if err != nil || len(revMeasures) == 0 {
		t.Fatalf("measures of the revision: %v %v", revMeasures, err)
	}
	revInds, _, err := f.db.FindIndicators(ctx, aldyn.IndicatorFilter{PlanID: &rev.ID})
	if err != nil || len(revInds) == 0 {
		t.Fatalf("indicators of the revision: %v %v", revInds, err)
	}
	ds := mustDataSets(t, f)
	ds.submit(t, f, ds.periods[1], "6")
	sd := mustSurveyData(t, f)
	invited := mustInvitationSurvey(t, f, "axe-invited-2026")
	id := func(n int64) string { return strconv.FormatInt(n, 10) }
	breakdowns, err := f.db.FindDisaggregations(ctx)
	if err != nil || len(breakdowns) == 0 {
		t.Fatalf("shipped breakdowns: %d, %v", len(breakdowns), err)
	}
	seeds := []string{
		"/users/" + id(f.users[analystA].ID),
		"/stats/precincts/" + precinct.Code,
		job,
		"/plans/" + id(planID), "/plans/" + id(planID) + "/cycles", "/plans/" + id(planID) + "/risks",
		"/plans/" + id(rev.ID), "/plans/" + id(p.ID),
		"/measures/" + id(revMeasures[0].ID) + "/edit", "/indicators/" + id(revInds[0].ID) + "/edit",
		"/cycles/" + id(c.ID) + "/measures/" + id(ms["1"].ID) + "/report",
		"/open/offenses-monthly", "/open/admin/offenses-monthly",
		"/report", "/resident-categories",
		"/data-sets/protection_orders", "/data-sets/protection_orders/analysis", formPath(f.bodyA, ds.periods[0]),
		"/data-design", "/data-design/elements/new", "/data-design/sets/new", "/data-design/rules/new",
		"/data-design/breakdowns/new", "/data-design/breakdowns/" + id(breakdowns[0].ID),
		"/surveys/national-2026",
		"/surveys/" + surveyID(sd.running) + "/design", "/surveys/" + surveyID(sd.running) + "/responses",
		"/surveys/" + surveyID(sd.running) + "/estimates?question=safe_night&by=age_group&wave=2026",
		"/surveys/" + surveyID(sd.running) + "/weighting",
		"/surveys/" + surveyID(invited) + "/design", "/scorecards/weights",
		"/scorecards/units/" + codeA, "/scorecards/ratings",
	}
	resident := mustResidentReport(t, f, "disorder_public", codeA)
	if err := f.db.ModerateResidentReport(ctx, aldyn.System, resident.ID, true, nil); err != nil {
		t.Fatal(err)
	}
	seeds = append(seeds, "/reports/track/"+resident.TrackingCode, "/residents/"+id(resident.ID), "/reports/public/"+id(resident.ID),
		"/residents/dashboard")
	rb := mustReportBackData(t, f)
	seeds = append(seeds, "/report-back-meetings/"+id(rb.mA.ID)+"/edit", "/report-back-meetings/"+id(rb.heldA.ID)+"/edit",
		"/report-back-meetings/"+id(rb.heldA.ID)+"/issues")
	service := mustVictimServiceIn(t, f, codeA, "shelter", "Axe shelter", true)
	seeds = append(seeds, "/victim-services", "/victim-services/new", "/victim-services/import", "/victim-services/"+id(service.ID),
		"/victim-services/"+id(service.ID)+"/edit", "/report?category=violence_home&territory="+codeA)
	// Each page is checked once, by the first signed-in actor that
	// reaches it: the coordinator and the reporter open forms an
	// administrator does not.
	// An ayil okmotu's reporter rates the district police: the rating
	// pages are theirs alone.
	ao := f.mustRater(t, "axeao", "local_government", codeA, aldyn.RoleReporter)
	rating := &aldyn.UnitRating{UnitCode: codeA, Year: f.db.Now().Year(), BodyID: ao.ID, Scores: map[string]int{}}
	for _, c := range aldyn.RatingCriteria {
		rating.Scores[c] = 3
	}
	if err := f.db.CreateUnitRating(ctx, aldyn.System, rating); err != nil {
		t.Fatal(err)
	}
	seeds = append(seeds, "/unit-ratings", "/unit-ratings/new?unit="+codeA, "/unit-ratings/"+id(rating.ID))
	signedIn := []string{adminKG, "coordkg", reporterA, "axeao"}
	byActor := map[string]map[string]string{}
	seen := map[string]bool{}
	for _, who := range signedIn {
		paths, _ := pagePaths(t, f, who, seeds)
		byActor[who] = map[string]string{}
		for pat, p := range paths {
			if !seen[pat] {
				seen[pat], byActor[who][pat] = true, p
			}
		}
	}
	var missing []string
	for _, rt := range f.web.Routes() {
		if rt.Method == "GET" && !strings.HasPrefix(rt.Pattern, "/api/") && !axeNotPages[rt.Pattern] && !seen[rt.Pattern] {
			missing = append(missing, rt.Pattern)
		}
	}
	if len(missing) > 0 {
		t.Fatalf("no page found for routes %v: give them fixture data or a seed", missing)
	}
	anonPaths, _ := pagePaths(t, f, anon, seeds)

	src := axeSource(t)
	// One browser; tabs side by side, each in a browser context of its own
	// (its own cookies). axe-core is added once per tab, to run in every
	// document the tab loads, and charts are drawn without animation, so
	// the check does not wait for them.
	bctx := mustBrowserWithin(t, 10*time.Minute)
	// Pages are checked in chunks of a few, each chunk in a tab of its own,
	// so that tabs finish together however many pages an actor opens.
	type axeJob struct {
		lang, who string
		paths     []string
	}
	var axeJobs []axeJob
	// About two chunks per tab the test runs side by side (-parallel):
	// more would each start a renderer and sign in again for little gain.
	total := 0
	for _, who := range signedIn {
		total += len(byActor[who])
	}
	total = 2 * (total + len(anonPaths))
	chunk := max(8, total/(2*max(1, runtime.GOMAXPROCS(0))))
	for _, lang := range []string{"ky", "ru"} {
		for _, who := range append([]string{anon}, signedIn...) {
			paths := anonPaths
			if who != anon {
				paths = byActor[who]
			}
			keys := make([]string, 0, len(paths))
			for k := range paths {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for i := 0; i < len(keys); i += chunk {
				j := axeJob{lang: lang, who: who}
				for _, k := range keys[i:min(i+chunk, len(keys))] {
					j.paths = append(j.paths, paths[k])
				}
				axeJobs = append(axeJobs, j)
			}
		}
	}
	for n, j := range axeJobs {
		lang := j.lang
		t.Run(fmt.Sprintf("%s/%s/%d", lang, j.who, n), func(t *testing.T) {
			t.Parallel()
			tab, cancel := chromedp.NewContext(bctx, chromedp.WithNewBrowserContext())
			defer cancel()
			b := &browser{tb: t, ctx: tab, base: f.srv.URL}
			if _, err := chromedp.Call(tab, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: src}); err != nil {
				t.Fatalf("add axe to the tab: %v", err)
			}
			if _, err := chromedp.Call(tab, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
				Features: []*emulation.MediaFeature{{Name: "prefers-reduced-motion", Value: "reduce"}}}); err != nil {
				t.Fatal(err)
			}
			b.do(chromedp.Navigate(b.base + "/lang/" + lang + "?next=/about"))
			if j.who != anon {
				b.login(strings.ToLower(j.who), "/lang/"+lang)
			}
			for _, path := range j.paths {
				u := b.base + path
				b.do(chromedp.Navigate(u))
				out, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](axeRun, chromedp.EvalAwaitPromise))
				if err != nil {
					t.Fatalf("axe on %s: %v", u, err)
				}
				var vs []string
				if err := json.Unmarshal([]byte(out), &vs); err != nil {
					t.Fatal(err)
				}
				for _, v := range vs {
					t.Errorf("%s %s %s: %s", j.who, lang, path, v)
				}
				regions, err := chromedp.Run(b.ctx, chromedp.Evaluate[[]string](regionRun))
				if err != nil {
					t.Fatalf("table regions on %s: %v", u, err)
				}
				for _, v := range regions {
					t.Errorf("%s %s %s: %s", j.who, lang, path, v)
				}
			}
		})
	}
}

// TestBrowserKeyboardFilters: a filter drop-down changed from the keyboard
// (arrow keys on a closed <select> fire "change" on Windows) does not
// submit its form, and the language switcher comes right after the skip
// link and the brand in the tab order, before the menu.
func TestBrowserKeyboardFilters(t *testing.T) {
	f := mustFixture(t)
	b := mustBrowserFor(t, f)
	b.login("adminkg", "/bodies")
	submitted, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](`(() => {
	  const sel = document.querySelector('.filters select, form select');
	  let submitted = false;
	  sel.form.addEventListener('submit', (e) => { submitted = true; e.preventDefault(); });
	  sel.selectedIndex = sel.options.length - 1;
	  sel.dispatchEvent(new Event('change', {bubbles: true}));
	  return submitted;
	})()`))
	if err != nil {
		t.Fatal(err)
	}
	if submitted {
		t.Error("changing a filter drop-down submitted its form; want it to wait for the Apply button")
	}
	order, err := chromedp.Run(b.ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll('a[href], button, summary, input, select, textarea, [tabindex="0"]')]
	  .filter(e => !e.closest('[hidden]')).slice(0, 4).map(e => e.className + ':' + (e.closest('.lang-switch') ? 'lang' : e.getAttribute('href') || e.tagName))`))
	if err != nil {
		t.Fatal(err)
	}
	if len(order) < 3 || !strings.HasPrefix(order[0], "skip-link") || !strings.HasSuffix(order[2], ":lang") {
		t.Errorf("tab order starts %v; want the skip link, the brand, then the language switcher", order)
	}
}

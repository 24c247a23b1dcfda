package web_test

import (
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// mapBoxes measures the map of the page: the container, the union of the
// boundaries drawn, the territory in focus (if any) and the legend, as
// [left, top, right, bottom] in CSS pixels.
const mapBoxes = `(() => {
  const box = (r) => r ? [r.left, r.top, r.right, r.bottom] : null;
  const map = document.querySelector(".leaflet-container");
  let all = null;
  for (const p of document.querySelectorAll(".leaflet-overlay-pane svg path")) {
    const r = p.getBoundingClientRect();
    if (!all) all = [r.left, r.top, r.right, r.bottom];
    else all = [Math.min(all[0], r.left), Math.min(all[1], r.top), Math.max(all[2], r.right), Math.max(all[3], r.bottom)];
  }
  const focus = document.querySelector("path.map-focus");
  const legend = document.querySelector(".map-legend:not([hidden])");
  return {map: box(map.getBoundingClientRect()), all, focus: focus && box(focus.getBoundingClientRect()),
    legend: legend && box(legend.getBoundingClientRect())};
})()`

type mapMeasure struct {
	Map, All, Focus, Legend []float64
}

func area(b []float64) float64 { return (b[2] - b[0]) * (b[3] - b[1]) }

// within reports whether box b lies in box c, give or take tol pixels.
func within(b, c []float64, tol float64) bool {
	return b[0] >= c[0]-tol && b[1] >= c[1]-tol && b[2] <= c[2]+tol && b[3] <= c[3]+tol
}

// TestBrowserMaps drives the statistics map in Chromium as an analyst
// would: the whole country in view on a desktop and on a phone, with a
// legend that leaves it visible; town names from the embedded gazetteer,
// which a check box hides; choosing a territory in the filter zooms to it;
// points at the country view come as a few clusters whose counts add up.
func TestBrowserMaps(t *testing.T) {
	f := mustFixture(t)
	const n = 391
	mustImportSpread(t, f, n)
	b := mustBrowserFor(t, f)
	ctx := b.ctx
	b.login("adminkg", "/")
	shots := os.Getenv("ALDYN_SCREENSHOTS") // a directory: save what the test sees

	measure := func() mapMeasure {
		t.Helper()
		m, err := chromedp.Run(ctx, chromedp.Evaluate[mapMeasure](mapBoxes))
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	open := func(lang, path string, width, height int64) {
		t.Helper()
		b.do(chromedp.EmulateViewport(width, height), chromedp.Navigate(b.base+"/lang/"+lang+"?next="+path))
		// Boundaries, the grid's legend and the names have all arrived.
		waitFor(t, ctx, `document.querySelectorAll(".leaflet-overlay-pane svg path").length >= 8 &&
		  document.querySelector(".map-legend:not([hidden])") !== null &&
		  document.querySelectorAll(".map-settlement-name").length > 0 &&
		  !document.querySelector(".map[aria-busy]")`)
	}

	for _, lang := range []string{"ky", "ru"} {
		for _, width := range []int64{1280, 390} {
			t.Run(lang+" "+strconv.FormatInt(width, 10)+" px", func(t *testing.T) {
				open(lang, "/stats/map", width, 844)
				m := measure()
				if !within(m.All, m.Map, 2) {
					t.Errorf("the country %v is not wholly in view of the map %v", m.All, m.Map)
				}
				// Fitted: it fills the width or the height (zoom goes by quarter steps).
				if w, h := (m.All[2]-m.All[0])/(m.Map[2]-m.Map[0]), (m.All[3]-m.All[1])/(m.Map[3]-m.Map[1]); w < 0.7 && h < 0.7 {
					t.Errorf("the country fills %.0f %% of the map's width and %.0f %% of its height, want it fitted", w*100, h*100)
				}
				if got := area(m.Legend) / area(m.Map); got > 0.12 {
					t.Errorf("the legend %v covers %.0f %% of the map %v, want at most 12 %%", m.Legend, got*100, m.Map)
				}
				if shots != "" {
					// The map first: a full-page shot resizes the viewport.
					png, err := chromedp.Run(ctx, chromedp.Screenshot(chromedp.CSS(".map")))
					if err != nil {
						t.Fatal(err)
					}
					if err := os.WriteFile(filepath.Join(shots, "map-only-"+lang+"-"+strconv.FormatInt(width, 10)+".png"), png, 0o644); err != nil {
						t.Fatal(err)
					}
					png, err = chromedp.Run(ctx, chromedp.FullScreenshot(100))
					if err != nil {
						t.Fatal(err)
					}
					if err := os.WriteFile(filepath.Join(shots, "stats-map-"+lang+"-"+strconv.FormatInt(width, 10)+".png"), png, 0o644); err != nil {
						t.Fatal(err)
					}
				}
			})
		}
	}

	t.Run("a map resized before anyone moves it fits again", func(t *testing.T) {
		open("ru", "/stats/map", 1280, 844)
		b.do(chromedp.EmulateViewport(390, 844))
		waitFor(t, ctx, `document.querySelector(".leaflet-container").getBoundingClientRect().width < 400`)
		// The refit follows the resize observer's callback.
		waitFor(t, ctx, `(() => {
		  const m = document.querySelector(".leaflet-container").getBoundingClientRect();
		  let l = Infinity, r = -Infinity;
		  for (const p of document.querySelectorAll(".leaflet-overlay-pane svg path")) {
		    const b = p.getBoundingClientRect(); l = Math.min(l, b.left); r = Math.max(r, b.right);
		  }
		  return l >= m.left - 2 && r <= m.right + 2;
		})()`)
		m := measure()
		if w := (m.All[2] - m.All[0]) / (m.Map[2] - m.Map[0]); !within(m.All, m.Map, 2) || w < 0.7 {
			t.Errorf("after the resize the country %v fills %.0f %% of the map %v's width, want it wholly in view and fitted", m.All, w*100, m.Map)
		}
	})

	t.Run("settlements", func(t *testing.T) {
		open("ru", "/stats/map", 1280, 844)
		names, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll(".map-settlement-name")].map((e) => e.textContent)`))
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{"Бишкек", "Ош", "Каракол"} {
			if !slices.Contains(names, want) {
				t.Errorf("names on the country map %q lack %s", names, want)
			}
		}
		if slices.Contains(names, "Тоссор") {
			t.Errorf("a village of 900 people is named at the country view: %q", names)
		}
		if got := b.text(".leaflet-control-attribution"); !strings.Contains(got, "GeoNames") {
			t.Errorf("attribution %q does not credit GeoNames", got)
		}
		// The check box hides the names and their credit, and brings them back.
		b.do(chromedp.Click(chromedp.CSS(".map-toggle input")))
		waitFor(t, ctx, `document.querySelectorAll(".map-settlement-name").length === 0 &&
		  !document.querySelector(".leaflet-control-attribution").textContent.includes("GeoNames")`)
		b.do(chromedp.Click(chromedp.CSS(".map-toggle input")))
		waitFor(t, ctx, `[...document.querySelectorAll(".map-settlement-name")].some((e) => e.textContent === "Каракол")`)
	})

	t.Run("choosing a territory zooms to it", func(t *testing.T) {
		open("ky", "/stats/map", 1280, 844)
		country := measure()
		// Issyk-Kul oblast, chosen in the filter as a user would.
		b.do(chromedp.SetValue(chromedp.CSS(`select[name="territory"]`), "41702000000000"),
			chromedp.Click(chromedp.CSS(`form.filters button[type="submit"], .filters button[type="submit"]`)))
		waitFor(t, ctx, `location.search.includes("territory=41702000000000") && document.querySelector("path.map-focus") !== null &&
		  !document.querySelector(".map[aria-busy]")`)
		// Let the fit finish.
		waitFor(t, ctx, `(() => { const r = document.querySelector("path.map-focus").getBoundingClientRect(); return r.width > 300; })()`)
		m := measure()
		if !within(m.Focus, m.Map, 2) {
			t.Errorf("the oblast %v is not wholly in view of the map %v", m.Focus, m.Map)
		}
		w, h := m.Focus[2]-m.Focus[0], m.Focus[3]-m.Focus[1]
		mw, mh := m.Map[2]-m.Map[0], m.Map[3]-m.Map[1]
		if w < 0.7*mw && h < 0.7*mh {
			t.Errorf("the oblast is %.0f × %.0f px in a %.0f × %.0f map, want it to fill the width or height", w, h, mw, mh)
		}
		if area(m.Focus) < 3*area(country.All)/8 {
			t.Errorf("the oblast is not drawn larger than at the country view")
		}
		if shots != "" {
			png, err := chromedp.Run(ctx, chromedp.Screenshot(chromedp.CSS(".map")))
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(shots, "map-issyk-kul-ky-1280.png"), png, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	})

	// Keyboard and screen-reader users: the zoom buttons are named in the
	// page's language, and every part of the map the Tab key reaches
	// (shapes, markers, controls) has a name; shapes without one stay out
	// of the tab order.
	t.Run("keyboard and screen readers", func(t *testing.T) {
		zoom := map[string][2]string{"ky": {"Чоңойтуу", "Кичирейтүү"}, "ru": {"Приблизить", "Отдалить"}}
		for _, lang := range []string{"ky", "ru"} {
			open(lang, "/stats/map?points=1", 1280, 844)
			waitFor(t, ctx, `document.querySelectorAll(".map-cluster").length > 0`)
			for i, sel := range []string{".leaflet-control-zoom-in", ".leaflet-control-zoom-out"} {
				if got := b.attr(sel, "title"); got != zoom[lang][i] {
					t.Errorf("%s: %s title %q, want %q", lang, sel, got, zoom[lang][i])
				}
				if got := b.attr(sel, "aria-label"); got != zoom[lang][i] {
					t.Errorf("%s: %s aria-label %q, want %q", lang, sel, got, zoom[lang][i])
				}
			}
			unnamed, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`(() => {
			  const out = [];
			  const all = document.querySelectorAll(".leaflet-container, .leaflet-container *");
			  let shapes = 0;
			  for (const el of all) {
			    if (el.closest(".leaflet-overlay-pane")) shapes++;
			    if (el.tabIndex < 0 || el.closest("[hidden]")) continue;
			    const name = (el.getAttribute("aria-label") || el.getAttribute("title") || el.textContent || "").trim() ||
			      (el.id && document.querySelector('label[for="' + el.id + '"]') ? "label" : "") || (el.closest("label") ? "label" : "");
			    if (!name) out.push(el.tagName.toLowerCase() + "." + String(el.getAttribute("class") || "").split(" ").join("."));
			  }
			  if (shapes === 0) out.push("no shapes drawn");
			  return out;
			})()`))
			if err != nil {
				t.Fatal(err)
			}
			for _, u := range unnamed {
				t.Errorf("%s: %s is in the tab order without a name", lang, u)
			}
		}
	})

	t.Run("points cluster at the country view", func(t *testing.T) {
		open("en", "/stats/map?points=1", 1280, 844)
		waitFor(t, ctx, `document.querySelectorAll(".map-cluster").length > 0 && !document.querySelector(".map[aria-busy]")`)
		counts, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll(".map-cluster")].map((e) => e.textContent)`))
		if err != nil {
			t.Fatal(err)
		}
		sum := 0
		for _, c := range counts {
			v, err := strconv.Atoi(c)
			if err != nil {
				t.Fatalf("cluster label %q is not a count", c)
			}
			sum += v
		}
		if len(counts) > 10 {
			t.Errorf("%d markers drawn at the country view, want a few clusters", len(counts))
		}
		if sum != n {
			t.Errorf("clusters count %d records (%v), want %d", sum, counts, n)
		}
		// A click on a cluster zooms in, where it splits.
		b.do(chromedp.Click(chromedp.CSS(".map-cluster")))
		waitFor(t, ctx, `document.querySelectorAll(".map-cluster").length > `+strconv.Itoa(len(counts))+` && !document.querySelector(".map[aria-busy]")`)
	})
}

// TestBrowserPrecinctBoundary: an administrator adds a precinct with its
// boundary on the form; the precinct's page draws that boundary, fitted
// to the map and set apart from its neighbours.
func TestBrowserPrecinctBoundary(t *testing.T) {
	f := mustFixture(t)
	b := mustBrowserFor(t, f)
	ctx := b.ctx
	b.login("adminkg", "/")
	code := codeA + "-MAP1"
	b.do(chromedp.EmulateViewport(1280, 900),
		chromedp.Navigate(b.base+"/lang/en?next=/territories/"+codeA+"/precincts/new"),
		chromedp.WaitVisible(chromedp.CSS("#f-boundary")),
		chromedp.SetValue(chromedp.CSS("#f-code"), code),
		chromedp.SendKeys(chromedp.CSS("#f-name_ky"), "1-участок"),
		chromedp.SendKeys(chromedp.CSS("#f-name_ru"), "Участок 1"),
		chromedp.SendKeys(chromedp.CSS("#f-name_en"), "Precinct 1"),
		// Outside the country first: refused, on the field.
		chromedp.SetValue(chromedp.CSS("#f-boundary"), `{"type":"Polygon","coordinates":[`+square(76.90, 43.20, 0.01)+`]}`),
		chromedp.Submit(chromedp.CSS("#f-boundary")),
		chromedp.WaitVisible(chromedp.CSS("#e-boundary")))
	if got := b.text("#e-boundary"); !strings.Contains(got, "outside the Kyrgyz Republic") {
		t.Errorf("error on the boundary: %q", got)
	}
	b.do(chromedp.SetValue(chromedp.CSS("#f-boundary"), `{"type":"Polygon","coordinates":[`+square(74.60, 42.90, 0.01)+`]}`),
		chromedp.Submit(chromedp.CSS("#f-boundary")))
	waitFor(t, ctx, `location.pathname === "/territories/`+code+`"`)

	b.do(chromedp.Navigate(b.base + "/stats/precincts/" + code))
	waitFor(t, ctx, `document.querySelector("path.map-focus") !== null && document.querySelector("path.map-focus").getBoundingClientRect().width > 100`)
	m, err := chromedp.Run(ctx, chromedp.Evaluate[mapMeasure](mapBoxes))
	if err != nil {
		t.Fatal(err)
	}
	if !within(m.Focus, m.Map, 2) {
		t.Errorf("the precinct %v is not wholly in view of the map %v", m.Focus, m.Map)
	}
	if w, h := (m.Focus[2]-m.Focus[0])/(m.Map[2]-m.Map[0]), (m.Focus[3]-m.Focus[1])/(m.Map[3]-m.Map[1]); w < 0.5 && h < 0.5 {
		t.Errorf("the precinct fills %.0f %% × %.0f %% of the map, want it fitted", w*100, h*100)
	}
}

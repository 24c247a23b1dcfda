package web_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserResidentsLayer turns the residents' reports on and off on
// the analysts' map in Chromium, as a coordinator of district A: off at
// first, the check box brings the district's reports (5, counted on the
// discs and points), and takes them away again.
func TestBrowserResidentsLayer(t *testing.T) {
	f := mustFixture(t)
	w := mustResidentAnalytics(t, f)
	b := mustBrowserFor(t, f)
	ctx := b.ctx
	b.login("coordinatora", "/")
	shots := os.Getenv("ALDYN_SCREENSHOTS")
	for _, lang := range []string{"ky", "ru"} {
		t.Run(lang, func(t *testing.T) {
			b.do(chromedp.EmulateViewport(1280, 900), chromedp.Navigate(b.base+"/lang/"+lang+"?next=/stats/map"))
			waitFor(t, ctx, `document.querySelector(".map-toggle-residents input") !== null && document.querySelectorAll(".leaflet-overlay-pane svg path").length > 0`)
			if on, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.querySelector(".map-toggle-residents input").checked || document.querySelector(".map").dataset.residentsShown === "1"`)); err != nil || on {
				t.Fatalf("the layer is on before anyone asked (%v)", err)
			}
			b.do(chromedp.Click(chromedp.CSS(".map-toggle-residents input")))
			// District A's five reports, in discs of counts and points.
			waitFor(t, ctx, `document.querySelector(".map").dataset.residentsShown === "1" && !document.querySelector(".map[aria-busy]") &&
			  document.querySelector(".map").dataset.residentsCount === "5" && document.querySelectorAll(".map-cluster-residents").length > 0`)
			if shots != "" {
				png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
				if err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(filepath.Join(shots, "stats-map-residents-"+lang+".png"), png, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			if shots != "" {
				// The commission's dashboard, the coordinator's home and the precinct, as seen.
				for name, path := range map[string]string{"residents-dashboard": "/residents/dashboard", "home-coordinator": "/",
					"precinct": "/stats/precincts/" + w.precinct.Code} {
					b.do(chromedp.Navigate(b.base + path))
					waitFor(t, ctx, `document.readyState === "complete"`)
					png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
					if err != nil {
						t.Fatal(err)
					}
					if err := os.WriteFile(filepath.Join(shots, name+"-"+lang+".png"), png, 0o644); err != nil {
						t.Fatal(err)
					}
				}
				b.do(chromedp.Navigate(b.base + "/stats/map?residents=1"))
				waitFor(t, ctx, `document.querySelector(".map").dataset.residentsCount === "5"`)
			}
			b.do(chromedp.Click(chromedp.CSS(".map-toggle-residents input")))
			waitFor(t, ctx, `document.querySelector(".map").dataset.residentsShown === "0" && document.querySelectorAll(".map-cluster-residents").length === 0 &&
			  document.querySelector(".map").dataset.residentsCount === undefined`)
		})
	}
}

package web_test

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/territories"
	"github.com/chromedp/chromedp"
)

// TestBrowserMapNamesAreText: names on maps are data, never markup. Two
// precincts named like HTML are drawn on a precinct's map in headless
// Chromium; hovering each shows its name, literally, in the tooltip, and
// its popup too, and no element of the name gets into the page.
func TestBrowserMapNamesAreText(t *testing.T) {
	f := mustFixture(t)
	names := map[string]string{
		codeA + "-X1": `<img src=x onerror="document.body.dataset.injected=1">`,
		codeA + "-X2": `<b>X</b>`,
	}
	// Two squares side by side, about 800 m across, in district A.
	gj := `{"type":"FeatureCollection","features":[`
	i := 0
	for code, name := range names {
		lon := 74.60 + float64(i)*0.02
		q := strconv.Quote(name)
		if i > 0 {
			gj += ","
		}
		gj += `{"type":"Feature","properties":{"code":"` + code + `","parent_code":"` + codeA + `","name_ky":` + q + `,"name_ru":` + q + `,"name_en":` + q + `},` +
			`"geometry":{"type":"Polygon","coordinates":[[[` + ftoa(lon) + `,42.90],[` + ftoa(lon+0.01) + `,42.90],[` + ftoa(lon+0.01) + `,42.907],[` + ftoa(lon) + `,42.907],[` + ftoa(lon) + `,42.90]]]}}`
		i++
	}
	gj += `]}`
	ps, issues, err := territories.ParsePrecinctsGeoJSON(strings.NewReader(gj))
	if err != nil || len(issues) > 0 {
		t.Fatalf("precincts: %v %+v", err, issues)
	}
	if _, err := f.db.ImportPrecincts(context.Background(), aldyn.System, ps); err != nil {
		t.Fatal(err)
	}

	b := mustBrowserFor(t, f)
	ctx := b.ctx
	b.login(strings.ToLower(analystA), "/")
	for code, name := range names {
		b.do(chromedp.Navigate(b.base + "/stats/precincts/" + code))
		waitFor(t, ctx, `document.querySelectorAll(".leaflet-overlay-pane path.leaflet-interactive").length === 2`)
		// Hover, then click, every precinct drawn: Leaflet opens the
		// tooltip on mouseover and the popup on click.
		hover := `(() => {
		  let shown = [];
		  for (const p of document.querySelectorAll(".leaflet-overlay-pane path.leaflet-interactive")) {
		    const r = p.getBoundingClientRect();
		    const at = {bubbles: true, clientX: r.left + r.width / 2, clientY: r.top + r.height / 2};
		    p.dispatchEvent(new MouseEvent("mouseover", at));
		    p.dispatchEvent(new MouseEvent("mousemove", at));
		    const tips = document.querySelectorAll(".leaflet-tooltip");
		    shown.push(tips.length ? tips[tips.length - 1].textContent : "(no tooltip)");
		    p.dispatchEvent(new MouseEvent("mouseout", at));
		  }
		  return shown;
		})()`
		tips, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](hover))
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Contains(tips, name) {
			t.Errorf("precinct %s: tooltips read %q, want one reading %q", code, tips, name)
		}
		popup := `(() => {
		  const p = [...document.querySelectorAll(".leaflet-overlay-pane path.leaflet-interactive")];
		  const r = p[0].getBoundingClientRect();
		  const at = {bubbles: true, clientX: r.left + r.width / 2, clientY: r.top + r.height / 2};
		  p[0].dispatchEvent(new MouseEvent("click", at));
		  return document.querySelector(".leaflet-popup-content strong")?.textContent ?? "(no popup)";
		})()`
		got, err := chromedp.Run(ctx, chromedp.Evaluate[string](popup))
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := namesByText(names)[got]; !ok {
			t.Errorf("precinct %s: popup reads %q, want one of the names as written", code, got)
		}
		injected, err := chromedp.Run(ctx, chromedp.Evaluate[int](
			`document.querySelectorAll(".leaflet-container img[src='x'], .leaflet-container b").length + (document.body.dataset.injected ? 100 : 0)`))
		if err != nil {
			t.Fatal(err)
		}
		if injected != 0 {
			t.Errorf("precinct %s: %d elements injected from the names into the map", code, injected)
		}
	}
}

func ftoa(v float64) string { return strconv.FormatFloat(v, 'f', 5, 64) }

func namesByText(m map[string]string) map[string]bool {
	out := map[string]bool{}
	for _, n := range m {
		out[n] = true
	}
	return out
}

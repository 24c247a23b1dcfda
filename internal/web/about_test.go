package web_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserAbout opens the about page from the footer in each language
// and checks it names the licence, credits the data in the reader's
// language, lists the bundled components from the embedded notices, fits
// a phone's width, and that the licence and NOTICES.txt it links are served.
func TestBrowserAbout(t *testing.T) {
	f := mustFixture(t)
	b := mustBrowserFor(t, f)
	ctx, base, do, text := b.ctx, b.base, b.do, b.text

	langs := []struct {
		lang, title, licence, credit, kind string
	}{
		{"ky", "Aldyn платформасы жөнүндө", "эркин программалык камсыздоо", "Кыргыз Республикасынын Улуттук статистика комитети", "npm пакети"},
		{"ru", "О платформе Aldyn", "свободное программное обеспечение", "Национальный статистический комитет Кыргызской Республики", "пакет npm"},
		{"en", "About Aldyn", "Aldyn is free software under the Apache License 2.0", "National Statistical Committee of the Kyrgyz Republic", "npm package"},
	}
	for _, l := range langs {
		t.Run(l.lang, func(t *testing.T) {
			do(chromedp.Navigate(base+"/lang/"+l.lang+"?next=/"),
				chromedp.WaitVisible(chromedp.CSS(".site-footer")))
			const link = `.site-footer a[href="/about"]`
			if ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.querySelector('`+link+`') !== null`)); err != nil || !ok {
				t.Fatalf("home page: no %s in the footer (%v)", link, err)
			}
			do(chromedp.Click(chromedp.CSS(link)))
			waitFor(t, ctx, `location.pathname === "/about" && document.readyState === "complete"`)
			if got := text("h1"); got != l.title {
				t.Errorf("heading: got %q, want %q", got, l.title)
			}
			main := text("main")
			for _, want := range []string{l.licence, "Natural Earth", l.credit, "dev"} {
				if !strings.Contains(main, want) {
					t.Errorf("page lacks %q", want)
				}
			}
			table := text("table.notices tbody")
			for _, want := range []string{"echarts", "leaflet", "htmx.org", "DejaVu fonts", "Bitstream-Vera", "Natural Earth boundaries", "github.com/jackc/pgx/v5", l.kind} {
				if !strings.Contains(table, want) {
					t.Errorf("components table lacks %q", want)
				}
			}
		})
	}

	t.Run("linked texts are served", func(t *testing.T) {
		for _, c := range []struct{ link, want string }{
			{`a[href^="/static/dist/NOTICES.txt"]`, "Apache ECharts\nCopyright"},
			{`a[href^="/static/dist/NOTICES.txt"]`, "Bitstream Vera Fonts Copyright"},
			{`a[href^="/static/dist/LICENSE.txt"]`, "TERMS AND CONDITIONS FOR USE, REPRODUCTION, AND DISTRIBUTION"},
		} {
			js := `(async () => {
			  const r = await fetch(document.querySelector('` + c.link + `').href);
			  return r.status + " " + r.headers.get("content-type") + "\n" + await r.text();
			})()`
			got, err := chromedp.Run(ctx, chromedp.Evaluate[string](js, chromedp.EvalAwaitPromise))
			if err != nil {
				t.Fatalf("fetch %s: %v", c.link, err)
			}
			head, body, _ := strings.Cut(got, "\n")
			if head != "200 text/plain; charset=utf-8" || !strings.Contains(body, c.want) {
				t.Errorf("%s: got %q and %d bytes, want 200 text/plain holding %q", c.link, head, len(body), c.want)
			}
		}
	})

	t.Run("fits a phone", func(t *testing.T) {
		do(chromedp.EmulateViewport(390, 844), chromedp.Navigate(base+"/lang/ky?next=/about"))
		waitFor(t, ctx, `document.readyState === "complete"`)
		if over, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth - document.documentElement.clientWidth`)); err != nil || over > 0 {
			t.Errorf("page is %d px wider than a 390 px screen (%v), want the table to scroll in its box", over, err)
		}
	})
}

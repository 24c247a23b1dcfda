package web_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/csv"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/xuri/excelize/v2"
)

// chromiumPath finds Debian's Chromium; browser tests fail (not skip) when
// it is missing, because CI installs it.
func chromiumPath(tb testing.TB) string {
	tb.Helper()
	for _, name := range []string{os.Getenv("ALDYN_CHROMIUM"), "chromium", "chromium-browser", "google-chrome"} {
		if name == "" {
			continue
		}
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	tb.Fatal("Chromium is needed for browser tests: apt-get install chromium (or set ALDYN_CHROMIUM)")
	return ""
}

// mustBrowser opens a tab for one test in the package's headless Chromium.
func mustBrowser(tb testing.TB) context.Context {
	tb.Helper()
	return mustBrowserWithin(tb, 90*time.Second)
}

// sharedChromium is the one headless Chromium of the package's browser
// tests: started by the first of them, stopped by TestMain. Each test
// opens its tabs in a browser context of its own (its own cookies,
// storage and cache), so starting the browser per test would only cost
// time; a browser that died is started again.
var sharedChromium struct {
	mu      sync.Mutex
	ctx     context.Context // the browser's first tab
	cancel  func()
	dataDir string
}

// stopSharedChromium ends the package's Chromium, if one was started.
func stopSharedChromium() {
	sharedChromium.mu.Lock()
	defer sharedChromium.mu.Unlock()
	if sharedChromium.cancel != nil {
		sharedChromium.cancel()
		os.RemoveAll(sharedChromium.dataDir)
		sharedChromium.cancel = nil
	}
}

// chromium returns the context of the running shared Chromium, starting it
// when none runs.
func chromium(tb testing.TB) context.Context {
	tb.Helper()
	sharedChromium.mu.Lock()
	defer sharedChromium.mu.Unlock()
	if sharedChromium.ctx != nil && sharedChromium.ctx.Err() == nil {
		return sharedChromium.ctx
	}
	if sharedChromium.cancel != nil {
		sharedChromium.cancel()
		os.RemoveAll(sharedChromium.dataDir)
	}
	dir, err := os.MkdirTemp("", "aldyn-chromium-")
	if err != nil {
		tb.Fatal(err)
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromiumPath(tb)),
		chromedp.NoSandbox,
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(dir),
	)
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel2 := chromedp.NewContext(actx)
	sharedChromium.ctx, sharedChromium.dataDir = ctx, dir
	sharedChromium.cancel = func() { cancel2(); cancel() }
	if err := chromedp.Do(ctx, chromedp.Navigate("about:blank")); err != nil {
		tb.Fatalf("start chromium: %v", err)
	}
	return ctx
}

// mustBrowserWithin is mustBrowser whose steps all end within d.
func mustBrowserWithin(tb testing.TB, d time.Duration) context.Context {
	tb.Helper()
	ctx, cancel := chromedp.NewContext(chromium(tb), chromedp.WithNewBrowserContext())
	tb.Cleanup(cancel)
	if err := chromedp.Do(ctx, chromedp.Navigate("about:blank")); err != nil {
		tb.Fatalf("open a tab in chromium: %v", err)
	}
	// Bound every later step, so a broken page fails instead of hanging.
	ctx, cancel3 := context.WithTimeout(ctx, d)
	tb.Cleanup(cancel3)
	return ctx
}

// browser drives one headless Chromium for a test against the fixture's
// server; its steps fail the test instead of returning errors.
type browser struct {
	tb   testing.TB
	ctx  context.Context
	base string
}

func mustBrowserFor(tb testing.TB, f *fixture) *browser {
	tb.Helper()
	return &browser{tb: tb, ctx: mustBrowser(tb), base: f.srv.URL}
}

// do runs browser actions.
func (b *browser) do(steps ...chromedp.Action[chromedp.Void]) {
	b.tb.Helper()
	if err := chromedp.Do(b.ctx, steps...); err != nil {
		b.tb.Fatal(err)
	}
}

// text is the trimmed text of the first element sel matches.
func (b *browser) text(sel string) string {
	b.tb.Helper()
	s, err := chromedp.Run(b.ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		b.tb.Fatalf("text of %s: %v", sel, err)
	}
	return strings.TrimSpace(s)
}

// attr is an attribute of the first element sel matches.
func (b *browser) attr(sel, name string) string {
	b.tb.Helper()
	a, err := chromedp.Run(b.ctx, chromedp.AttributeValue(chromedp.CSS(sel), name))
	if err != nil {
		b.tb.Fatalf("attribute %s of %s: %v", name, sel, err)
	}
	return a.Value
}

// login signs in on the login page of next (a path) with the fixture's password.
func (b *browser) login(user, next string) {
	b.tb.Helper()
	b.loginAt("/login?next="+next, user)
}

// loginAt signs in as user, with the fixture's password, on the page at
// path, which shows the login form (perhaps after a redirect).
func (b *browser) loginAt(path, user string) {
	b.tb.Helper()
	b.do(chromedp.Navigate(b.base+path),
		chromedp.WaitVisible(chromedp.CSS("#f-login")),
		chromedp.SendKeys(chromedp.CSS("#f-login"), user),
		chromedp.SendKeys(chromedp.CSS("#f-password"), "correct horse battery"),
		chromedp.Submit(chromedp.CSS("#f-password")),
		chromedp.WaitVisible(chromedp.CSS(".user-link")))
}

// fetchLink downloads the target of a link with the page's own session,
// as the browser does when the user clicks it, and returns the bytes.
func fetchLink(tb testing.TB, ctx context.Context, selector string) []byte {
	tb.Helper()
	js := `(async () => {
	  const a = document.querySelector(` + strconv.Quote(selector) + `);
	  const r = await fetch(a.href, {credentials: "same-origin"});
	  if (!r.ok) throw new Error("status " + r.status);
	  const b = new Uint8Array(await r.arrayBuffer());
	  let s = ""; for (const x of b) s += String.fromCharCode(x);
	  return r.headers.get("content-disposition") + "\n" + btoa(s);
	})()`
	out, err := chromedp.Run(ctx, chromedp.Evaluate[string](js, chromedp.EvalAwaitPromise))
	if err != nil {
		tb.Fatalf("download %s: %v", selector, err)
	}
	disp, b64, _ := strings.Cut(out, "\n")
	if !strings.Contains(disp, "attachment") {
		tb.Errorf("%s: Content-Disposition %q, want an attachment", selector, disp)
	}
	b, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// waitFor evaluates a JavaScript condition until it holds; a navigation in
// progress destroys the page's context, so errors mean "not yet".
func waitFor(tb testing.TB, ctx context.Context, cond string) {
	tb.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		if ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](cond)); err == nil && ok {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	// Say where the browser is and what it shows, to tell a slow server
	// from a page that never changes.
	page, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`location.href + "\n" + document.body.innerText.slice(0, 1000)`))
	tb.Fatalf("waited 15 s for %s; the browser shows %s", cond, page)
}

// TestBrowserBodyWorkflow drives the UI in headless Chromium: log in, read
// pages in Russian and English, submit the body form invalid and then
// valid, find the body in the list and export the list as CSV and XLSX.
func TestBrowserBodyWorkflow(t *testing.T) {
	f := mustFixture(t)
	b := mustBrowserFor(t, f)
	ctx, base, do, text, attr := b.ctx, b.base, b.do, b.text, b.attr
	// Log in as the national administrator.
	b.loginAt("/login", "adminkg")
	if got := text(".user-link"); got != "adminkg" {
		t.Fatalf("after login the header shows %q, want adminkg", got)
	}
	// Kyrgyz is the default; switch to Russian, then English.
	for _, c := range []struct{ lang, want string }{{"ky", "Органдар"}, {"ru", "Органы"}, {"en", "Prevention bodies"}} {
		do(chromedp.Navigate(base + "/bodies"))
		if c.lang != "ky" {
			do(chromedp.Click(chromedp.CSS(`.lang-switch a[hreflang="` + c.lang + `"]`)))
			waitFor(t, ctx, `document.readyState === "complete" && document.documentElement.lang === "`+c.lang+`"`)
		}
		if got, lang := text("h1"), attr("html", "lang"); lang != c.lang || !strings.Contains(got, c.want) {
			t.Errorf("in %s: got heading %q and lang %q, want %q", c.lang, got, lang, c.want)
		}
	}
	// Submit the form invalid (no names, bad e-mail) and see inline errors.
	do(chromedp.Navigate(base+"/bodies/new"),
		chromedp.SetValue(chromedp.CSS("#f-type"), "ngo"),
		chromedp.SetValue(chromedp.CSS("#f-territory_code"), codeA),
		chromedp.SendKeys(chromedp.CSS("#f-email"), "not-an-email"),
		chromedp.Submit(chromedp.CSS("#f-email")),
		chromedp.WaitVisible(chromedp.CSS("#e-name_ky")))
	if got := text("#e-email"); !strings.Contains(got, "name@example.kg") {
		t.Errorf("e-mail error message in English: got %q", got)
	}
	if got := attr("#f-name_ky", "aria-invalid"); got != "true" {
		t.Errorf("name_ky aria-invalid: got %q, want true", got)
	}
	// Now valid: the typed values were kept; fix them.
	name := "Кара-Жыгач жаштар борбору"
	do(chromedp.SetValue(chromedp.CSS("#f-email"), "info@example.kg"),
		chromedp.SendKeys(chromedp.CSS("#f-name_ky"), name),
		chromedp.SendKeys(chromedp.CSS("#f-name_ru"), "Молодёжный центр Кара-Жыгач"),
		chromedp.SendKeys(chromedp.CSS("#f-name_en"), "Kara-Zhygach Youth Centre"),
		chromedp.Submit(chromedp.CSS("#f-name_en")),
		chromedp.WaitVisible(chromedp.CSS(".flash")))
	if got := text("h1"); got != "Kara-Zhygach Youth Centre" {
		t.Errorf("after saving: got heading %q, want the English name", got)
	}
	// Find it in the list by searching.
	do(chromedp.Navigate(base+"/bodies"),
		chromedp.SendKeys(chromedp.CSS(`input[name="q"]`), "kara-zhygach"),
		chromedp.Submit(chromedp.CSS(`input[name="q"]`)))
	waitFor(t, ctx, `document.readyState === "complete" && location.search.includes("q=kara")`)
	if got := text("table.list tbody"); !strings.Contains(got, "Kara-Zhygach Youth Centre") || strings.Contains(got, "Suzak") {
		t.Fatalf("search result: got %q", got)
	}
	// Export and read the files back.
	rows, err := csv.NewReader(bytes.NewReader(fetchLink(t, ctx, `.exports a[href*="format=csv"]`))).ReadAll()
	if err != nil {
		t.Fatalf("read CSV: %v", err)
	}
	if len(rows) != 2 || !strings.Contains(strings.Join(rows[1], "|"), name) {
		t.Errorf("CSV rows: got %q, want a header and the new body", rows)
	}
	x, err := excelize.OpenReader(bytes.NewReader(fetchLink(t, ctx, `.exports a[href*="format=xlsx"]`)))
	if err != nil {
		t.Fatalf("open XLSX: %v", err)
	}
	defer x.Close()
	xrows, err := x.GetRows(x.GetSheetName(0))
	if err != nil {
		t.Fatal(err)
	}
	if len(xrows) != 2 || !strings.Contains(strings.Join(xrows[1], "|"), name) {
		t.Errorf("XLSX rows: got %q, want a header and the new body", xrows)
	}
}

package web_test

import (
	"net/url"
	"path"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/aldyn-kg/aldyn"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// pageLoad is what one page load fetched, as the browser's network events
// report it.
type pageLoad struct {
	bytes   int      // bytes on the wire (headers and compressed bodies)
	scripts []string // file names of the scripts, e.g. "app.js"
	styles  []string
}

// netRecorder sums the bytes of every request of a page load.
type netRecorder struct {
	mu      sync.Mutex
	types   map[network.RequestID]network.ResourceType
	urls    map[network.RequestID]string
	done    map[network.RequestID]float64
	pending int
}

func (r *netRecorder) reset() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.types, r.urls, r.done, r.pending = map[network.RequestID]network.ResourceType{}, map[network.RequestID]string{}, map[network.RequestID]float64{}, 0
}

func (r *netRecorder) event(ev any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	switch e := ev.(type) {
	case *network.EventRequestWillBeSent:
		if _, seen := r.urls[e.RequestID]; !seen {
			r.pending++
		}
		r.urls[e.RequestID], r.types[e.RequestID] = e.Request.URL, e.Type
	case *network.EventLoadingFinished:
		if _, ok := r.urls[e.RequestID]; ok {
			r.done[e.RequestID] = e.EncodedDataLength
			r.pending--
		}
	case *network.EventLoadingFailed:
		if _, ok := r.urls[e.RequestID]; ok {
			r.pending--
		}
	}
}

func (r *netRecorder) idle() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.pending == 0
}

func (r *netRecorder) result() pageLoad {
	r.mu.Lock()
	defer r.mu.Unlock()
	var l pageLoad
	for id, n := range r.done {
		l.bytes += int(n)
		u, err := url.Parse(r.urls[id])
		if err != nil {
			continue
		}
		switch r.types[id] {
		case network.ResourceTypeScript:
			l.scripts = append(l.scripts, path.Base(u.Path))
		case network.ResourceTypeStylesheet:
			l.styles = append(l.styles, path.Base(u.Path))
		}
	}
	slices.Sort(l.scripts)
	slices.Sort(l.styles)
	return l
}

// load opens target with an empty cache, as a first visit does, and waits
// until the page is complete and no request is in flight (charts fetch
// their data after the load event).
func (b *browser) load(rec *netRecorder, target string) pageLoad {
	b.tb.Helper()
	if _, err := chromedp.Call(b.ctx, network.ClearBrowserCache, cdp.Empty{}); err != nil {
		b.tb.Fatal(err)
	}
	// Leave the previous page first: a request it still had in flight (the
	// home page's map boundaries) is cancelled before counting starts.
	b.do(chromedp.Navigate("about:blank"))
	rec.reset()
	b.do(chromedp.Navigate(b.base + target))
	waitFor(b.tb, b.ctx, `document.readyState === "complete"`)
	quiet := 0
	for deadline := time.Now().Add(20 * time.Second); quiet < 5; {
		if time.Now().After(deadline) {
			b.tb.Fatalf("%s: requests still in flight after 20 s", target)
		}
		if rec.idle() {
			quiet++
		} else {
			quiet = 0
		}
		time.Sleep(50 * time.Millisecond)
	}
	return rec.result()
}

// TestBrowserPageWeight loads the pages people work in on slow links with
// an empty cache and checks which scripts they fetch: login, tasks and the
// report form need neither the chart library nor the map library and stay
// within the 60 KB a first visit may cost; the chart and map pages get
// their bundle and draw with it. It logs each page's bytes on the wire.
func TestBrowserPageWeight(t *testing.T) {
	f, _ := repServer(t)
	f.repSetNow(time.Date(2025, 7, 5, 10, 0, 0, 0, time.UTC))
	p, ms, _ := repPlan(t, f, "Weight plan", nil, []repMeasureSpec{
		{code: "1.1", body: f.bodyA, start: "2025-01-01", due: "2025-12-31", budget: []aldyn.BudgetLine{{Source: aldyn.BudgetLocal, AmountKGS: 100000}}},
	})
	mustImportOffenses(t, f, "registration_number,source,category,registered_on,occurred_on,occurred_time,territory_code,lat,lon,place_type,solved\n"+
		"A-1,crimes,theft,2023-03-02,2023-03-01,22:15,"+codeA+",42.90,74.60,street,0\n"+
		"A-2,crimes,theft,2024-03-05,2024-03-04,10:00,"+codeA+",42.91,74.61,shop,1\n")
	c := repCycle(t, f, p.ID, "2025-Q2", "2025-04-01", "2025-06-30", time.Date(2025, 7, 10, 23, 59, 59, 0, time.UTC))

	b := mustBrowserFor(t, f)
	var rec netRecorder
	rec.reset()
	if err := chromedp.Listen(b.ctx, rec.event); err != nil {
		t.Fatal(err)
	}

	pages := []struct {
		name, path string
		login      string // sign in first as this user
		want       []string
		ready      string // true once the page works
		budget     int    // most bytes a first visit may cost; 0: not bounded
	}{
		{"login", "/login", "", []string{"app.js"}, `!!document.querySelector("#f-login")`, 60_000},
		{"tasks", "/tasks", "reportera", []string{"app.js"}, `!!document.querySelector("#tasks a.task-open")`, 60_000},
		{"report form", "/cycles/" + repID(c.ID) + "/measures/" + repID(ms["1.1"].ID) + "/report", "", []string{"app.js"}, `!!document.querySelector("#report-form")`, 60_000},
		{"statistics", "/stats", "analysta", []string{"app.js", "charts.js"}, `!!document.querySelector("[data-chart] canvas")`, 0},
		{"map", "/stats/map", "", []string{"app.js", "map.js"}, `!!document.querySelector("[data-map].leaflet-container")`, 0},
	}
	for _, pg := range pages {
		if pg.login != "" {
			if _, err := chromedp.Call(b.ctx, network.ClearBrowserCookies, cdp.Empty{}); err != nil {
				t.Fatal(err)
			}
			b.login(pg.login, "/")
		}
		l := b.load(&rec, pg.path)
		t.Logf("%-12s %7d bytes on the wire; scripts %v; styles %v", pg.name, l.bytes, l.scripts, l.styles)
		if !slices.Equal(l.scripts, pg.want) {
			t.Errorf("%s: scripts %v, want %v", pg.name, l.scripts, pg.want)
		}
		waitFor(t, b.ctx, pg.ready)
		if pg.budget > 0 && l.bytes > pg.budget {
			t.Errorf("%s: %d bytes on the wire, want at most %d", pg.name, l.bytes, pg.budget)
		}
	}

	// A chart that htmx swaps into a page without the chart bundle loads
	// the bundle on demand and is drawn.
	l := b.load(&rec, "/tasks")
	if slices.Contains(l.scripts, "charts.js") {
		t.Fatalf("tasks: scripts %v before the swap, want no charts.js", l.scripts)
	}
	swap := `htmx.swap("#main", '<div class="chart" id="swapped" data-chart data-chart-option=\'{"xAxis":{"type":"category","data":["a","b"]},"yAxis":{"type":"value"},"series":[{"type":"bar","data":[1,2]}]}\'></div>', {swapStyle: "beforeend"}), true`
	if _, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](swap)); err != nil {
		t.Fatal(err)
	}
	waitFor(t, b.ctx, `!!document.querySelector("#swapped canvas")`)
	if n, err := chromedp.Run(b.ctx, chromedp.Evaluate[int](`document.querySelectorAll('script[data-bundle="charts"]').length`)); err != nil || n != 1 {
		t.Errorf("chart bundle scripts after the swap: %d (%v), want 1", n, err)
	}
}

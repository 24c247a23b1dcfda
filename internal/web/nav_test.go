package web_test

import (
	"html"
	"net/http"
	"regexp"
	"strings"
	"testing"
)

var (
	navRe  = regexp.MustCompile(`(?s)<ul class="nav">(.*?)</ul>`)
	linkRe = regexp.MustCompile(`<a href="([^"]+)"[^>]*>([^<]+)</a>`)
	h1Re   = regexp.MustCompile(`(?s)<h1[^>]*>(.*?)</h1>`)
)

// navLinks returns the menu's paths and labels on a page.
func navLinks(page string) map[string]string {
	out := map[string]string{}
	m := navRe.FindStringSubmatch(page)
	if m == nil {
		return out
	}
	for _, l := range linkRe.FindAllStringSubmatch(m[1], -1) {
		out[l[1]] = html.UnescapeString(l[2])
	}
	return out
}

// TestNavOffersWhatOpens: for every visitor and language, each menu entry
// opens (200, no sign-in page) under a heading that names the entry's
// label;
// a signed-out visitor is offered neither statistics nor meetings; and
// the pages of the full menu left out for a visitor do not open for them.
func TestNavOffersWhatOpens(t *testing.T) {
	f := mustFixture(t)
	all := navLinks(readBody(t, f.do(t, adminKG, "GET", "/", "", "")))
	if len(all) < 8 {
		t.Fatalf("the national administrator's menu has %d entries: %v", len(all), all)
	}
	for _, who := range actorNames {
		for _, lang := range []string{"ky", "ru", "en"} {
			_, home := f.getAs(t, who, lang, "/")
			menu := navLinks(home)
			for path, label := range menu {
				status, page := f.getAs(t, who, lang, path)
				if status != http.StatusOK {
					t.Errorf("%s %s: menu entry %s gives %d", who, lang, path, status)
					continue
				}
				h := h1Re.FindStringSubmatch(page)
				if h == nil || !strings.Contains(strings.ToLower(html.UnescapeString(h[1])), strings.ToLower(label)) {
					t.Errorf("%s %s: %s is %q in the menu, but its heading %q does not say so", who, lang, path, label, h)
				}
			}
			for path := range all {
				if _, ok := menu[path]; ok {
					continue
				}
				if status, _ := f.getAs(t, who, lang, path); status == http.StatusOK {
					t.Errorf("%s %s: %s opens but is not in the menu", who, lang, path)
				}
			}
			if who == anon {
				for _, p := range []string{"/stats", "/meetings", "/monitoring", "/tasks"} {
					if _, ok := menu[p]; ok {
						t.Errorf("signed-out menu offers %s", p)
					}
					if strings.Contains(home, `href="`+p+`"`) {
						t.Errorf("signed-out home links to %s", p)
					}
				}
			}
		}
	}
}

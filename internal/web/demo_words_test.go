package web_test

import (
	"context"
	"html"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/aldyn-kg/aldyn/internal/demo"
	"github.com/aldyn-kg/aldyn/internal/i18n"
)

// TestDemoPagesShowNoMessageIDs walks the demo's pages as a visitor, the
// national administrator and a district coordinator, in Kyrgyz and
// Russian, following the links of each page, and fails on any text a
// reader sees (text and title, aria-label, placeholder, alt, data-label)
// that is a message id left untranslated, such as "residents.status.x":
// a key missing from the locale files, or a code run through T that no
// message names.
func TestDemoPagesShowNoMessageIDs(t *testing.T) {
	f := mustFixture(t)
	ctx := context.Background()
	f.db.Now = demoDay
	mustLoadDemo(t, f, fakeHash, "x")
	pw := func() string { return "x" }
	if err := demo.LoadDataSets(ctx, f.db, fakeHash, pw); err != nil {
		t.Fatal(err)
	}
	for _, load := range []func(context.Context) error{
		func(ctx context.Context) error { return demo.LoadSurveys(ctx, f.db) },
		func(ctx context.Context) error { return demo.LoadResidents(ctx, f.db) },
		func(ctx context.Context) error { return demo.LoadReportBackMeetings(ctx, f.db) },
		func(ctx context.Context) error { return demo.LoadVictimServices(ctx, f.db) },
	} {
		if err := load(ctx); err != nil {
			t.Fatal(err)
		}
	}
	// A message id starts with the module of one of the messages.
	modules := map[string]bool{}
	for _, k := range i18n.Keys() {
		m, _, _ := strings.Cut(k, ".")
		modules[m] = true
	}
	starts := []string{"/", "/concept", "/reports", "/report", "/victim-services", "/report-back-meetings", "/trust-index",
		"/scorecards", "/surveys", "/open", "/stats", "/stats/official", "/public/plans", "/territories", "/victimization",
		"/tasks", "/residents", "/residents/dashboard", "/plans", "/monitoring", "/meetings", "/data-sets", "/stats/imports"}
	for _, who := range []string{anon, adminKG, coordinator} {
		for _, lang := range []string{"ky", "ru"} {
			seen := map[string]bool{}
			queue := append([]string(nil), starts...)
			for len(queue) > 0 && len(seen) < 120 {
				path := queue[0]
				queue = queue[1:]
				if seen[path] {
					continue
				}
				seen[path] = true
				code, page := f.getAs(t, who, lang, path)
				if code != http.StatusOK {
					continue
				}
				for _, id := range rawMessageIDs(page, modules) {
					t.Errorf("%s, %s, %s: shows the message id %q", who, lang, path, id)
				}
				for _, m := range pageLinkRe.FindAllStringSubmatch(page, -1) {
					if p := html.UnescapeString(m[1]); walkable(p) && !seen[p] {
						queue = append(queue, p)
					}
				}
			}
			t.Logf("%s, %s: %d pages", who, lang, len(seen))
		}
	}
}

var (
	pageLinkRe   = regexp.MustCompile(`href="(/[^"#?]*)"`)
	scriptRe     = regexp.MustCompile(`(?s)<(script|style|template)\b.*?</(script|style|template)>`)
	textNodeRe   = regexp.MustCompile(`>([^<]+)<`)
	readAttrRe   = regexp.MustCompile(`\s(?:title|aria-label|placeholder|alt|data-label|data-confirm)="([^"]*)"`)
	messageIDsRe = regexp.MustCompile(`\b[a-z][a-z0-9_]*(?:\.[a-z0-9_]+)+\b`)
)

// walkable reports whether the walk follows a link: pages, not files,
// API answers or actions.
func walkable(p string) bool {
	for _, prefix := range []string{"/static/", "/api/", "/lang/", "/open311/", "/reports/media/", "/evidence/", "/catalog.ttl", "/healthz", "/readyz"} {
		if strings.HasPrefix(p, prefix) {
			return false
		}
	}
	for _, suffix := range []string{".csv", ".xlsx", ".json", ".geojson", ".pdf", ".docx", ".zip", ".ttl", "/xlsx", "/template"} {
		if strings.HasSuffix(p, suffix) {
			return false
		}
	}
	// An open dataset's files sit under its page: /open/{slug}/{file}.
	return !(strings.HasPrefix(p, "/open/") && strings.Count(p, "/") > 2 && !strings.HasPrefix(p, "/open/admin"))
}

// rawMessageIDs lists the words of what a reader sees on page that are
// message ids of one of modules.
func rawMessageIDs(page string, modules map[string]bool) []string {
	page = scriptRe.ReplaceAllString(page, "")
	var texts []string
	for _, m := range textNodeRe.FindAllStringSubmatch(page, -1) {
		texts = append(texts, m[1])
	}
	for _, m := range readAttrRe.FindAllStringSubmatch(page, -1) {
		texts = append(texts, m[1])
	}
	var out []string
	for _, s := range texts {
		for _, w := range messageIDsRe.FindAllString(html.UnescapeString(s), -1) {
			if m, _, _ := strings.Cut(w, "."); modules[m] {
				out = append(out, w)
			}
		}
	}
	return out
}

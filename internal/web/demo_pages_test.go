package web_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/aldyn-kg/aldyn"
)

// TestDemoMonitoringPageInWords: the national demo plan's monitoring page
// names its report downloads and indicator units in the reader's language
// (no "xlsx (ky)", "(100k)", "(count)"), its charts keep their axis labels
// inside the drawing (containLabel) and its status chart labels slices with
// counts, names going to a legend that wraps instead of running off.
func TestDemoMonitoringPageInWords(t *testing.T) {
	f := mustFixture(t)
	ctx := context.Background()
	f.db.Now = demoDay
	mustLoadDemo(t, f, fakeHash, "x")
	kind := aldyn.PlanNational
	plans, _, err := f.db.FindPlans(ctx, aldyn.PlanFilter{Under: "/", Kind: &kind})
	if err != nil || len(plans) != 1 {
		t.Fatalf("national plan: %v %v", plans, err)
	}
	for lang, want := range map[string]string{"ky": "Excel · Кыргызча", "ru": "PDF · На русском", "en": "Word · In English"} {
		code, page := f.getAs(t, adminKG, lang, "/plans/"+idStr(plans[0].ID)+"/dashboard")
		if code != http.StatusOK || !strings.Contains(page, want) {
			t.Errorf("%s: status %d, no download named %q", lang, code, want)
		}
		for _, raw := range []string{">xlsx (", ">pdf (", "(100k)", "(count)"} {
			if strings.Contains(page, raw) {
				t.Errorf("%s: the page shows %q", lang, raw)
			}
		}
		if !strings.Contains(page, "containLabel&#34;:true") || !strings.Contains(page, "formatter&#34;:&#34;{c}") {
			t.Errorf("%s: charts without containLabel or the status chart without count labels", lang)
		}
	}
}

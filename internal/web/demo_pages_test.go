package web_test

import (
	"net/http"
	"strings"
	"testing"
)

// TestDemoMonitoringPageInWords: the national demo plan's monitoring page
// names its report downloads and indicator units in the reader's language
// (no "xlsx (ky)", "(100k)", "(count)"), its charts keep their axis labels
// inside the drawing (containLabel) and its status chart labels slices with
// counts, names going to a legend that wraps instead of running off.
func TestDemoMonitoringPageInWords(t *testing.T) {
	f := mustFixture(t)
	planID := mustDemoNationalPlan(t, f)
	for lang, want := range map[string]string{"ky": "Excel · Кыргызча", "ru": "PDF · На русском", "en": "Word · In English"} {
		code, page := f.getAs(t, adminKG, lang, "/plans/"+idStr(planID)+"/dashboard")
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

package web_test

import (
	"bytes"
	"encoding/json"
	"html"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestOffenseImportSuggestedProfile: a file no saved profile fits gets, on
// its import's page, the mapping Aldyn suggests from its headers and a form
// that saves it as a profile with one click; the file then imports with it.
func TestOffenseImportSuggestedProfile(t *testing.T) {
	f := mustFixture(t)
	csv := "Рег. номер;Вид;Дата рег.;Район\nS-1;Кража;02.03.2024;Аламудунский район\nS-2;Мошенничество;05.03.2024;Аламудунский район\n"
	upload := func(profile string) string {
		t.Helper()
		var b bytes.Buffer
		mw := multipart.NewWriter(&b)
		fw, _ := mw.CreateFormFile("file", "export.csv")
		fw.Write([]byte(csv))
		if profile != "" {
			mw.WriteField("profile", profile)
		}
		mw.Close()
		resp := f.do(t, adminKG, "POST", "/stats/imports", mw.FormDataContentType(), b.String())
		job := resp.Header.Get("Location")
		resp.Body.Close()
		if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(job, "/stats/imports/jobs/") {
			t.Fatalf("upload: status %d, Location %q; want the job's page", resp.StatusCode, job)
		}
		var st struct{ State string }
		for range 600 {
			mustGetJSON(t, f, adminKG, "/api/v1"+job, 200, &st)
			if st.State != "running" {
				break
			}
			time.Sleep(50 * time.Millisecond)
		}
		return job
	}
	job := upload("")
	page := readBody(t, f.do(t, adminKG, "GET", job, "", ""))
	if !strings.Contains(page, "Сунушталган мамычалар профили") || !strings.Contains(page, "<code>registration_number</code></td><td>Рег. номер") {
		t.Fatalf("the job's page shows no suggested profile: %.2000s", page)
	}
	m := regexp.MustCompile(`name="profile_json" value="([^"]*)"`).FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no one-click form (every required field was found): %.2000s", page)
	}
	var p struct{ Columns map[string]string }
	if err := json.Unmarshal([]byte(html.UnescapeString(m[1])), &p); err != nil || p.Columns["territory_code"] != "Район" {
		t.Fatalf("suggested profile %q: %v", m[1], err)
	}
	if !strings.Contains(page, `name="source"`) {
		t.Errorf("the file has no register column, but the form does not ask which register it is")
	}
	form := url.Values{"profile_json": {html.UnescapeString(m[1])}, "name": {"district-export"}, "source": {"crimes"}}
	resp := f.do(t, adminKG, "POST", "/stats/import-profiles", "application/x-www-form-urlencoded", form.Encode())
	if body := readBody(t, resp); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("saving the suggested profile: status %d: %.1000s", resp.StatusCode, body)
	}
	var st struct {
		State, Message string
		Report         struct{ Inserted int64 }
	}
	mustGetJSON(t, f, adminKG, "/api/v1"+upload("district-export"), 200, &st)
	if st.State != "done" || st.Report.Inserted != 2 {
		t.Errorf("import with the saved profile: %+v; want done with 2 records", st)
	}
}

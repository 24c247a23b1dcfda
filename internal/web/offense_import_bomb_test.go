package web_test

import (
	"bytes"
	"encoding/json"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"
	"time"

	wt "github.com/aldyn-kg/aldyn/internal/workbook/workbooktest"
)

// TestOffenseImportXLSXBomb sends a workbook of about 1 MB whose one cell
// unpacks to 1 GB, through the API and through the upload form: both
// refuse it, naming the cell in the reader's language.
func TestOffenseImportXLSXBomb(t *testing.T) {
	f := mustFixture(t)
	bomb := wt.MustHugeCell(t, []string{"registration_number", "source", "category", "registered_on", "territory_code"}, 1_000_000_000, false)
	const want = "2-сап, B мамычасы: уячадагы белгилердин саны 32767 чегинен ашат"
	send := func(t *testing.T, path, ctype string, body []byte) *http.Response {
		t.Helper()
		return f.send(t, adminKG, "POST", path, bytes.NewReader(body), map[string]string{"Content-Type": ctype, "Accept-Language": "ky"})
	}
	t.Run("api", func(t *testing.T) {
		resp := send(t, "/api/v1/stats/imports?name=bomb.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", bomb)
		body := readBody(t, resp)
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, want) {
			t.Errorf("status %d, body %s; want 400 and %q", resp.StatusCode, body, want)
		}
	})
	t.Run("upload form", func(t *testing.T) {
		var b bytes.Buffer
		mw := multipart.NewWriter(&b)
		fw, _ := mw.CreateFormFile("file", "bomb.xlsx")
		fw.Write(bomb)
		mw.Close()
		resp := send(t, "/stats/imports", mw.FormDataContentType(), b.Bytes())
		job := resp.Header.Get("Location")
		if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(job, "/stats/imports/jobs/") {
			t.Fatalf("status %d, Location %q; want the job's page", resp.StatusCode, job)
		}
		var st struct{ State, Message string }
		for range 600 { // the import runs in the background
			req, _ := http.NewRequest("GET", f.srv.URL+"/api/v1"+job, nil)
			req.Header.Set("Accept-Language", "ky")
			req.Header.Set("Authorization", "Bearer "+f.tokens[adminKG])
			r, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			err = json.NewDecoder(r.Body).Decode(&st)
			r.Body.Close()
			if err != nil {
				t.Fatal(err)
			}
			if st.State != "running" {
				break
			}
			time.Sleep(50 * time.Millisecond)
		}
		if st.State != "failed" || !strings.Contains(st.Message, want) {
			t.Errorf("job %s: %q; want failed with %q", st.State, st.Message, want)
		}
	})
}

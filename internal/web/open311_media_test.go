package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/store"
)

// TestOpen311MediaURL: GET requests (list and one) carries media_url, the
// public address of the first photo, for a moderated report in a public
// category, in JSON and in XML; the link serves the photo to anyone. An
// unmoderated report shows no media_url (and no photo address leaks).
func TestOpen311MediaURL(t *testing.T) {
	f := mustFixture(t)
	ctx := context.Background()
	dir := filepath.Join(os.TempDir(), "aldyn-evidence")
	if err := os.MkdirAll(dir, 0o750); err != nil {
		t.Fatal(err)
	}
	photo := func(key string) *store.ResidentMedia {
		if err := os.WriteFile(filepath.Join(dir, key), gpsJPEG(t), 0o640); err != nil {
			t.Fatal(err)
		}
		return &store.ResidentMedia{ContentType: "image/jpeg", Size: 1, SHA256: "x", StorageKey: key}
	}
	pub := mustResidentReport(t, f, "disorder_public", codeA, photo("0311aaaa0311aaaa0311aaaa0311aaaa"))
	hidden := mustResidentReport(t, f, "disorder_public", codeA, photo("0311bbbb0311bbbb0311bbbb0311bbbb"))
	plain := mustResidentReport(t, f, "disorder_public", codeA)
	for _, r := range []*aldyn.ResidentReport{pub, plain} {
		if err := f.db.ModerateResidentReport(ctx, aldyn.System, r.ID, true, nil); err != nil {
			t.Fatal(err)
		}
	}
	media, err := f.db.FindResidentMedia(ctx, pub.ID)
	if err != nil || len(media) != 1 {
		t.Fatal(media, err)
	}
	hiddenMedia, _ := f.db.FindResidentMedia(ctx, hidden.ID)
	want := f.srv.URL + "/reports/media/" + mtID(media[0].ID)
	c := &open311Client{t: t, f: f}

	status, _, body := c.do("GET", "/open311/v2/requests.json", nil)
	if status != 200 {
		t.Fatalf("requests.json: %d %s", status, body)
	}
	var list []struct {
		ID       int64  `json:"service_request_id"`
		MediaURL string `json:"media_url"`
	}
	if err := json.Unmarshal([]byte(body), &list); err != nil {
		t.Fatal(err)
	}
	got := map[int64]string{}
	for _, x := range list {
		got[x.ID] = x.MediaURL
	}
	if got[pub.ID] != want {
		t.Errorf("media_url of the public report %q, want %q", got[pub.ID], want)
	}
	if u, ok := got[plain.ID]; !ok || u != "" {
		t.Errorf("report without a photo: listed %v, media_url %q", ok, u)
	}
	if _, ok := got[hidden.ID]; ok {
		t.Error("an unmoderated report is listed")
	}
	_, _, xmlBody := c.do("GET", "/open311/v2/requests.xml", nil)
	n := checkOpen311XML(t, xmlBody, "service_requests")
	found := false
	for _, r := range n.Children {
		for _, ch := range r.Children {
			if ch.XMLName.Local == "media_url" && strings.TrimSpace(ch.Text) == want {
				found = true
			}
		}
	}
	if !found {
		t.Errorf("requests.xml has no <media_url>%s</media_url>", want)
	}
	_, _, one := c.do("GET", "/open311/v2/requests/"+mtID(pub.ID)+".json", nil)
	if !strings.Contains(one, `"media_url":"`+want+`"`) {
		t.Errorf("requests/{id}.json: %s", one)
	}
	_, _, other := c.do("GET", "/open311/v2/requests/"+mtID(hidden.ID)+".json", nil)
	if strings.Contains(other, "/reports/media/") {
		t.Errorf("an unmoderated report's photo address leaks: %s", other)
	}
	for _, b := range c.bodies {
		if strings.Contains(b, "/reports/media/"+mtID(hiddenMedia[0].ID)) {
			t.Error("the unmoderated photo's address appears")
		}
	}
	resp, err := http.Get(want)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "image/jpeg" {
		t.Errorf("media_url answers %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
}

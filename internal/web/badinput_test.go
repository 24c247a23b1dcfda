package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/aldyn-kg/aldyn"
)

// TestBadInput sends broken requests to the API in each language and
// checks each gets a 4xx with a translated message and writes nothing.
func TestBadInput(t *testing.T) {
	f := mustFixture(t)
	ctx := context.Background()
	count := func() (int, int) {
		_, nb, err := f.db.FindBodies(ctx, aldyn.BodyFilter{})
		if err != nil {
			t.Fatal(err)
		}
		_, na, err := f.db.FindAuditEntries(ctx, aldyn.AuditFilter{})
		if err != nil {
			t.Fatal(err)
		}
		return nb, na
	}
	bodies0, audit0 := count()
	big := `{"type":"ngo","territory_code":"` + codeA + `","name_ky":"` + strings.Repeat("ы", 1<<20) + `"}`
	cases := []struct {
		name, method, path, body string
		status                   int
		field                    string            // a field the error must name, if any
		message                  map[string]string // a fragment of the message per language
	}{
		{"malformed JSON", "POST", "/api/v1/bodies", `{"type":`, 400, "", map[string]string{"en": "not valid JSON", "ru": "JSON", "ky": "JSON"}},
		{"unknown field", "POST", "/api/v1/bodies", `{"type":"ngo","colour":"red"}`, 400, "", map[string]string{"en": "colour", "ru": "colour", "ky": "colour"}},
		{"wrong type", "POST", "/api/v1/bodies", `{"type":5}`, 400, "type", map[string]string{"en": "type", "ru": "type", "ky": "type"}},
		{"trailing data", "POST", "/api/v1/bodies", `{"type":"ngo"} {}`, 400, "", map[string]string{"en": "JSON"}},
		{"oversized body", "POST", "/api/v1/bodies", big, 413, "", map[string]string{"en": "larger", "ru": "MB", "ky": "MB"}},
		{"invalid territory code", "POST", "/api/v1/bodies", `{"type":"ngo","territory_code":"123","name_ky":"а","name_ru":"б","name_en":"c"}`, 400, "territory_code",
			map[string]string{"en": "Check", "ru": "Проверьте"}},
		{"unknown territory", "POST", "/api/v1/bodies", `{"type":"ngo","territory_code":"41799999000000","name_ky":"а","name_ru":"б","name_en":"c"}`, 400, "territory_code", nil},
		{"missing names", "POST", "/api/v1/bodies", `{"type":"ngo","territory_code":"` + codeA + `"}`, 400, "name_ky", nil},
		{"bad type value", "POST", "/api/v1/bodies", `{"type":"bank","territory_code":"` + codeA + `","name_ky":"а","name_ru":"б","name_en":"c"}`, 400, "type", nil},
		{"bad email", "POST", "/api/v1/bodies", `{"type":"ngo","territory_code":"` + codeA + `","name_ky":"а","name_ru":"б","name_en":"c","email":"not-an-email"}`, 400, "email", nil},
		{"bad page parameter", "GET", "/api/v1/bodies?limit=abc", "", 400, "limit", nil},
		{"bad sort", "GET", "/api/v1/bodies?sort=password", "", 400, "sort", nil},
		{"bad territory filter", "GET", "/api/v1/bodies?territory=xyz", "", 400, "territory", nil},
		{"unknown territory page", "GET", "/api/v1/territories/41799999000000", "", 404, "", map[string]string{"en": "territory"}},
		{"user with wrong role", "POST", "/api/v1/users", `{"login":"x1","name":"X","role":"king","body_id":1}`, 400, "role", nil},
		{"user with wrong body type", "POST", "/api/v1/users", `{"login":"x1","name":"X","role":"analyst","body_id":"one"}`, 400, "body_id", nil},
	}
	for _, c := range cases {
		for _, lang := range []string{"ky", "ru", "en"} {
			t.Run(c.name+" "+lang, func(t *testing.T) {
				resp := f.send(t, adminKG, c.method, c.path, strings.NewReader(c.body), map[string]string{"Content-Type": "application/json", "Accept-Language": lang})
				if resp.StatusCode != c.status {
					t.Fatalf("got status %d, want %d", resp.StatusCode, c.status)
				}
				var e struct {
					Error struct {
						Code    string            `json:"code"`
						Message string            `json:"message"`
						Fields  map[string]string `json:"fields"`
					} `json:"error"`
				}
				if err := json.NewDecoder(resp.Body).Decode(&e); err != nil {
					t.Fatalf("error body is not JSON: %v", err)
				}
				if e.Error.Code == "" || e.Error.Message == "" || strings.HasPrefix(e.Error.Message, "error.") {
					t.Errorf("got error %+v, want a code and a translated message", e.Error)
				}
				if frag, ok := c.message[lang]; ok && !strings.Contains(e.Error.Message, frag) {
					t.Errorf("got message %q, want it to contain %q", e.Error.Message, frag)
				}
				if c.field != "" {
					if m := e.Error.Fields[c.field]; m == "" || strings.Contains(m, ".") && !strings.Contains(m, " ") {
						t.Errorf("got fields %v, want a translated message for %q", e.Error.Fields, c.field)
					}
				}
			})
		}
	}
	if b, a := count(); b != bodies0 || a != audit0 {
		t.Errorf("bad input wrote to the database: bodies %d→%d, audit entries %d→%d", bodies0, b, audit0, a)
	}
}

// TestCrossOriginFormRefused checks the CSRF protection: a state-changing
// request a browser marks as cross-site is refused, with a session cookie.
func TestCrossOriginFormRefused(t *testing.T) {
	f := mustFixture(t)
	token, _, err := f.auth.Login(context.Background(), "admina", "correct horse battery", "127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	for _, site := range []string{"cross-site", "same-origin"} {
		req, _ := http.NewRequest("POST", f.srv.URL+"/bodies", strings.NewReader("type=ngo"))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Sec-Fetch-Site", site)
		req.AddCookie(&http.Cookie{Name: "aldyn_session", Value: token})
		resp, err := noRedirect().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		want := http.StatusBadRequest // same-origin reaches validation
		if site == "cross-site" {
			want = http.StatusForbidden
		}
		if resp.StatusCode != want {
			t.Errorf("%s: got status %d, want %d", site, resp.StatusCode, want)
		}
	}
}

// TestSearchTooLong sends an over-long search text (longer than SQLite's
// LIKE pattern limit, which failed the query with a 500) to every list that
// searches, pages and API: each answers 400 with a translated message, and
// a search of the longest allowed length (in Cyrillic, two bytes a
// character) still answers 200.
func TestSearchTooLong(t *testing.T) {
	w := mustPlanWorld(t)
	p := w.mustPlan(t, "Search plan", w.bodyA.ID)
	lists := []string{"/bodies", "/users", "/territories", "/plans", "/public/plans",
		"/api/v1/bodies", "/api/v1/users", "/api/v1/territories", "/api/v1/plans", "/api/v1/indicators",
		"/api/v1/plans/" + idStr(p.ID) + "/measures"}
	long := strings.Repeat("a", 60000)
	longest := strings.Repeat("ы", aldyn.MaxSearchLength)
	want := map[string]string{"ky": "белгиден ашпашы керек", "ru": "не более 200 символов", "en": "at most 200 characters"}
	for _, path := range lists {
		for lang, msg := range want {
			t.Run(path+" "+lang, func(t *testing.T) {
				code, body := w.getAs(t, adminKG, lang, path+"?q="+long)
				if code != http.StatusBadRequest {
					t.Fatalf("got status %d, want 400; body %.300s", code, body)
				}
				if !strings.Contains(body, msg) {
					t.Errorf("message lacks %q: %.500s", msg, body)
				}
			})
		}
		t.Run(path+" longest", func(t *testing.T) {
			if got := w.do(t, adminKG, "GET", path+"?q="+longest, "", "").StatusCode; got != http.StatusOK {
				t.Errorf("q of %d characters: got status %d, want 200", aldyn.MaxSearchLength, got)
			}
		})
	}
}

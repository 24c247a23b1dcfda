package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"unicode"
)

// The targets below are written as they travel in a query string: each
// once decoded is a path that a browser, after http.Redirect cleans it,
// would read as another origin.
var offsiteTargets = []string{
	"/%5Cevil.example",
	"/x/../%5Cevil.example",
	"//evil.example",
	"/%2F%2Fevil.example",
	"/%252F%252Fevil.example",
	"/x/..%252F%255Cevil.example",
	"%2F%5Cevil.example",
	"/%5C/evil.example",
	"/%09/evil.example",
	"/%0A/evil.example",
	"/%250A/evil.example",
	"https://evil.example/",
	"https:evil.example",
	"%2F%2Fevil.example%2F",
	"/%2e%2e/%5Cevil.example",
	"javascript:alert(1)",
	"/%5C%5Cevil.example",
}

// assertLocal checks that a redirect stays on the origin that sent it.
func assertLocal(t *testing.T, resp *http.Response, want string) {
	t.Helper()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("status %d, want 303", resp.StatusCode)
	}
	loc := resp.Header.Get("Location")
	u, err := url.Parse(loc)
	if err != nil || !strings.HasPrefix(loc, "/") || strings.HasPrefix(loc, "//") || u.Host != "" || u.Scheme != "" ||
		strings.ContainsFunc(loc, func(r rune) bool { return r == '\\' || unicode.IsControl(r) }) {
		t.Fatalf("Location %q leaves the site", loc)
	}
	if loc != want {
		t.Errorf("Location %q, want %q", loc, want)
	}
}

func TestLanguageRedirectStaysOnSite(t *testing.T) {
	f := mustFixture(t)
	for _, next := range offsiteTargets {
		t.Run(next, func(t *testing.T) {
			assertLocal(t, f.do(t, anon, "GET", "/lang/ru?next="+next, "", ""), "/")
		})
	}
	t.Run("local path kept", func(t *testing.T) {
		assertLocal(t, f.do(t, anon, "GET", "/lang/ru?next=%2Fbodies%3Fq%3Dx", "", ""), "/bodies?q=x")
	})
}

func TestLoginRedirectStaysOnSite(t *testing.T) {
	f := mustFixture(t)
	login := func(t *testing.T, next string) *http.Response {
		t.Helper()
		body := "login=" + strings.ToLower(reporterA) + "&password=correct+horse+battery&next=" + next
		return f.do(t, "", "POST", "/login", "application/x-www-form-urlencoded", body)
	}
	for _, next := range offsiteTargets {
		t.Run(next, func(t *testing.T) {
			assertLocal(t, login(t, next), "/")
			// The login page carries the target into its form only when local.
			page := readBody(t, f.do(t, anon, "GET", "/login?next="+next, "", ""))
			if want := `name="next" value="/">`; !strings.Contains(page, want) {
				t.Errorf("login form lacks %s", want)
			}
		})
	}
	t.Run("local path kept", func(t *testing.T) {
		assertLocal(t, login(t, "%2Fplans%2F3"), "/plans/3")
	})
}

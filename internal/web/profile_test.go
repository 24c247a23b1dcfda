package web_test

import (
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/aldyn-kg/aldyn/internal/i18n"
)

// TestPasswordChangeSaysSoAndReturns: after changing the password from
// the profile, opened from the bodies list, the user is still signed in,
// back on the bodies list, and told the password has changed.
func TestPasswordChangeSaysSoAndReturns(t *testing.T) {
	f := mustFixture(t)
	b := f.formClient(t)
	b.hdr.Set("Accept-Language", "ru")
	b.signIn("analysta", "correct horse battery", "/")
	page := readBody(t, b.send("GET", "/bodies", ""))
	if !strings.Contains(page, `href="/profile?next=%2fbodies"`) {
		t.Fatalf("the profile link does not carry the page the user is on: %s", regexp.MustCompile(`href="/profile[^"]*"`).FindString(page))
	}
	if page := readBody(t, b.send("GET", "/profile?next=/bodies", "")); !strings.Contains(page, `name="next" value="/bodies"`) {
		t.Fatal("the password form does not carry where to return")
	}
	resp := b.send("POST", "/profile/password", url.Values{"password": {"correct horse battery"}, "new_password": {"a brand new passphrase"}, "next": {"/bodies"}}.Encode())
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/bodies" {
		t.Fatalf("password change: got %d to %q, want 303 to /bodies", resp.StatusCode, resp.Header.Get("Location"))
	}
	resp = b.send("GET", "/bodies", "")
	page = html.UnescapeString(readBody(t, resp))
	want := i18n.For(f.users[analystA].Lang).T("user.password_changed") // the account's language
	if resp.StatusCode != http.StatusOK || !strings.Contains(page, want) {
		t.Errorf("after the change: got %d, flash %q missing: %s", resp.StatusCode, want, between(page, "<main", "</h1>"))
	}
	if !strings.Contains(page, `action="/logout"`) {
		t.Error("after the change the user is signed out")
	}
	// An outside next is not followed.
	resp = b.send("POST", "/profile/password", url.Values{"password": {"a brand new passphrase"}, "new_password": {"another new passphrase"}, "next": {"//evil.example"}}.Encode())
	if got := resp.Header.Get("Location"); got != "/" {
		t.Errorf("next //evil.example: got %q, want /", got)
	}
}

// TestUserFormLanguageNames: the language of a user is chosen by name.
func TestUserFormLanguageNames(t *testing.T) {
	f := mustFixture(t)
	page := readBody(t, f.do(t, adminKG, "GET", "/users/new", "", ""))
	for _, want := range []string{">Кыргызча</option>", ">Русский</option>", ">English</option>"} {
		if !strings.Contains(page, want) {
			t.Errorf("user form lacks %s", want)
		}
	}
}

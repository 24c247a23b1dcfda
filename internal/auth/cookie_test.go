package auth_test

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/aldyn-kg/aldyn/internal/auth"
)

func TestSessionCookie(t *testing.T) {
	for _, c := range []struct {
		name   string
		secure bool
		maxAge time.Duration
		want   string
	}{
		{"TLS", true, 12 * time.Hour, "aldyn_session=tok; Path=/; Max-Age=43200; HttpOnly; Secure; SameSite=Lax"},
		{"plain HTTP", false, 12 * time.Hour, "aldyn_session=tok; Path=/; Max-Age=43200; HttpOnly; SameSite=Lax"},
		{"browser session", true, 0, "aldyn_session=tok; Path=/; HttpOnly; Secure; SameSite=Lax"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := auth.SessionCookie("tok", c.secure, c.maxAge).String(); got != c.want {
				t.Errorf("got %q, want %q", got, c.want)
			}
		})
	}
}

func TestClearCookie(t *testing.T) {
	w := httptest.NewRecorder()
	http.SetCookie(w, auth.ClearCookie(true))
	want := "aldyn_session=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; HttpOnly; Secure; SameSite=Lax"
	if got := w.Header().Get("Set-Cookie"); got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestBearerToken(t *testing.T) {
	for _, c := range []struct{ name, header, want string }{
		{"bearer", "Bearer aldyn_abc", "aldyn_abc"},
		{"scheme in lower case", "bearer aldyn_abc", "aldyn_abc"},
		{"scheme in upper case", "BEARER aldyn_abc", "aldyn_abc"},
		{"extra spaces", "  Bearer   aldyn_abc  ", "aldyn_abc"},
		{"basic", "Basic YWRtaW46cGFzcw==", ""},
		{"scheme only", "Bearer", ""},
		{"scheme and space", "Bearer ", ""},
		{"no scheme", "aldyn_abc", ""},
		{"scheme glued", "Beareraldyn_abc", ""},
		{"missing", "", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", "/api/v1/me", nil)
			if c.header != "" {
				r.Header.Set("Authorization", c.header)
			}
			if got := auth.BearerToken(r); got != c.want {
				t.Errorf("BearerToken(%q): got %q, want %q", c.header, got, c.want)
			}
		})
	}
}

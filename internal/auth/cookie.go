package auth

import (
	"net/http"
	"strings"
	"time"
)

// CookieName is the name of the session cookie.
const CookieName = "aldyn_session"

// SessionCookie returns the cookie that carries a session token: HttpOnly
// so scripts cannot read it, SameSite=Lax so other sites' forms do not send
// it (CSRF protection proper is the web layer's), Path=/ for the whole
// application, and Secure when the site is served over TLS (secure should
// be true then; over plain HTTP a Secure cookie would never come back).
// maxAge should be the session's lifetime, so the browser forgets the
// cookie when the server does; 0 makes it a browser-session cookie.
func SessionCookie(token string, secure bool, maxAge time.Duration) *http.Cookie {
	c := &http.Cookie{Name: CookieName, Value: token, Path: "/", HttpOnly: true, Secure: secure, SameSite: http.SameSiteLaxMode}
	if maxAge > 0 {
		c.MaxAge = int(maxAge / time.Second)
	}
	return c
}

// ClearCookie returns a cookie that makes the browser delete the session
// cookie; its attributes match SessionCookie's so it replaces that one.
func ClearCookie(secure bool) *http.Cookie {
	return &http.Cookie{Name: CookieName, Value: "", Path: "/", HttpOnly: true, Secure: secure, SameSite: http.SameSiteLaxMode,
		MaxAge: -1, Expires: time.Unix(0, 0).UTC()}
}

// BearerToken returns the token of an "Authorization: Bearer <token>"
// header (scheme matched without regard to case, RFC 9110 §11.1), or "".
func BearerToken(r *http.Request) string {
	scheme, tok, ok := strings.Cut(strings.TrimSpace(r.Header.Get("Authorization")), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return ""
	}
	return strings.TrimSpace(tok)
}

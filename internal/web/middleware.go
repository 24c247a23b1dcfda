package web

import (
	"fmt"
	"net/http"
	"net/url"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/auth"
	"github.com/aldyn-kg/aldyn/internal/i18n"
)

const langCookie = "aldyn_lang"

// identify resolves the actor (session cookie or bearer token) and the
// language of the request, and applies cross-origin protection to every
// state-changing request.
func (s *Server) identify(next http.Handler) http.Handler {
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.writeError(w, r, aldyn.Errorf(aldyn.EFORBIDDEN, "error.csrf"))
	}))
	protected := cop.Handler(next)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ri := &reqInfo{actor: aldyn.Public}
		if tok := auth.BearerToken(r); tok != "" {
			if u, err := s.auth.UserFromAPIToken(r.Context(), tok); err == nil {
				ri.user, ri.viaToken = u, true
			} else {
				ri.lang = i18n.Negotiate(r.Header.Get("Accept-Language"), "")
				ri.loc = i18n.For(ri.lang)
				r = r.WithContext(withInfo(r.Context(), ri))
				s.writeError(w, r, unauthorized())
				return
			}
		} else if c, err := r.Cookie(auth.CookieName); err == nil && c.Value != "" && publicMachineGET(r) {
			// Public open data: the session is looked up only if the
			// answer depends on it (an unpublished dataset's preview).
			ri.session = c.Value
		} else if err == nil && c.Value != "" {
			if u, err := s.auth.UserFromSession(r.Context(), c.Value); err == nil {
				ri.user = u
			} else {
				http.SetCookie(w, auth.ClearCookie(s.cfg.Secure))
			}
		}
		if ri.user != nil {
			ri.actor = s.auth.Actor(ri.user)
		}
		cookieLang := ""
		if c, err := r.Cookie(langCookie); err == nil {
			cookieLang = c.Value
		}
		if cookieLang == "" && ri.user != nil && !ri.viaToken {
			cookieLang = ri.user.Lang
		}
		if ri.viaToken || isAPI(r) {
			// Machines choose their language by header only.
			cookieLang = ""
		}
		ri.lang = i18n.Negotiate(r.Header.Get("Accept-Language"), cookieLang)
		ri.loc = i18n.For(ri.lang)
		ri.actor.Lang = ri.lang
		r = r.WithContext(withInfo(r.Context(), ri))
		if ri.viaToken {
			// Bearer requests carry no ambient credentials, so the
			// browser-oriented origin check does not apply to them.
			next.ServeHTTP(w, r)
			return
		}
		protected.ServeHTTP(w, r)
	})
}

// publicMachineGET reports whether r reads open data made for programs:
// files of datasets, the CKAN action API, the DCAT-AP catalogue. They are
// the same for everyone, except previews of unpublished datasets to
// national administrators (openBuild), so a browser's session cookie need
// not cost a database lookup on each of them.
func publicMachineGET(r *http.Request) bool {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		return false
	}
	p := r.URL.Path
	switch {
	case p == "/catalog.jsonld", p == "/catalog.ttl", strings.HasPrefix(p, "/api/3/action/"), strings.HasPrefix(p, "/api/action/"):
		return true
	case strings.HasPrefix(p, "/open/"):
		// /open/{slug}/{file}, not the portal's pages.
		rest := p[len("/open/"):]
		i := strings.IndexByte(rest, '/')
		return i > 0 && rest[:i] != "admin" && i < len(rest)-1 && !strings.Contains(rest[i+1:], "/")
	}
	return false
}

// resolveSession looks up the session publicMachineGET left aside, and
// makes its user the request's actor.
func (s *Server) resolveSession(r *http.Request) {
	ri := info(r)
	if ri.session == "" || ri.user != nil {
		return
	}
	tok := ri.session
	ri.session = ""
	if u, err := s.auth.UserFromSession(r.Context(), tok); err == nil && !u.MustChangePassword {
		ri.user, ri.actor = u, s.auth.Actor(u)
		ri.actor.Lang = ri.lang
	}
}

// readDeadline bounds the reading of every request by cfg.ReadTimeout;
// instrument extends it on upload routes. (The server's own ReadTimeout
// would be one bound for all.)
func (s *Server) readDeadline(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Not every ResponseWriter has a connection (tests' recorders).
		_ = http.NewResponseController(w).SetReadDeadline(time.Now().Add(s.cfg.ReadTimeout))
		next.ServeHTTP(w, r)
	})
}

func isAPI(r *http.Request) bool { return len(r.URL.Path) >= 8 && r.URL.Path[:8] == "/api/v1/" }

// securityHeaders sets the headers every response carries. The CSP allows
// no inline scripts; map tiles may come from the configured tile host.
func (s *Server) securityHeaders(next http.Handler) http.Handler {
	img := "'self' data:"
	if h := tileOrigin(s.cfg.TileURL); h != "" {
		img += " " + h
	}
	csp := "default-src 'self'; script-src 'self'; style-src 'self'; img-src " + img +
		"; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", csp)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=(self)")
		if s.cfg.Secure || r.TLS != nil {
			h.Set("Strict-Transport-Security", "max-age=31536000")
		}
		next.ServeHTTP(w, r)
	})
}

func (s *Server) recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.log.Error("panic", "path", r.URL.Path, "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
				s.writeError(w, r, fmt.Errorf("panic: %v", v))
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// statusWriter records the status code written.
type statusWriter struct {
	http.ResponseWriter
	code int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.code == 0 {
		w.code = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.code == 0 {
		w.code = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// openBeforePasswordChange are the routes open to a user who must still
// replace a one-time password: the profile page with its password form,
// signing in and out, the language and the health checks. Static assets
// are served outside the routes.
var openBeforePasswordChange = map[string]bool{
	"GET /profile": true, "POST /profile/password": true, "GET /login": true, "POST /login": true, "POST /logout": true,
	"GET /lang/{lang}": true, "GET /healthz": true, "GET /readyz": true,
}

// passwordChangeRequired answers every other route for such a user: pages
// go to the profile to change the password, the API refuses. Whoever
// knows only the one-time password (the administrator who set it, or
// anyone it passed through) must not use the account.
func passwordChangeRequired(w http.ResponseWriter, r *http.Request) error {
	if isAPI(r) || wantsJSON(r) {
		return aldyn.Errorf(aldyn.EFORBIDDEN, "auth.password_change_required")
	}
	return redirect(w, r, "/profile", "user.must_change_password")
}

// instrument wraps a route's handler: body size limit, the password
// change a one-time password requires, error rendering, metrics and the
// access log.
func (s *Server) instrument(rt Route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		ri := info(r)
		ri.route = &rt
		if r.Body != nil {
			limit := s.cfg.MaxBodyBytes
			if rt.maxBody > 0 {
				limit = rt.maxBody
				_ = http.NewResponseController(w).SetReadDeadline(start.Add(s.cfg.UploadReadTimeout))
			}
			r.Body = http.MaxBytesReader(w, r.Body, limit)
		}
		sw := &statusWriter{ResponseWriter: w}
		h := rt.handler
		if u := ri.user; u != nil && u.MustChangePassword && !openBeforePasswordChange[rt.Method+" "+rt.Pattern] {
			h = passwordChangeRequired
		}
		if err := h(sw, r); err != nil {
			s.writeError(sw, r, err)
		}
		if sw.code == 0 {
			sw.code = http.StatusOK
		}
		d := time.Since(start)
		label := rt.Method + " " + rt.Pattern
		if rt.Method == "" {
			label = "unmatched"
		}
		s.metrics.requests.WithLabelValues(label, strconv.Itoa(sw.code)).Inc()
		s.metrics.latency.WithLabelValues(label).Observe(d.Seconds())
		s.log.Debug("request", "method", r.Method, "path", r.URL.Path, "status", sw.code, "duration", d, "actor", ri.actor.Login)
	})
}

// tileOrigin returns the scheme and host of a tile URL template for the CSP.
func tileOrigin(tmpl string) string {
	if tmpl == "" {
		return ""
	}
	u, err := url.Parse(strings.NewReplacer("{s}", "a", "{z}", "0", "{x}", "0", "{y}", "0", "{r}", "").Replace(tmpl))
	if err != nil || u.Host == "" {
		return ""
	}
	host := u.Host
	if strings.Contains(tmpl, "{s}.") {
		host = "*." + strings.SplitN(host, ".", 2)[1]
	}
	return u.Scheme + "://" + host
}

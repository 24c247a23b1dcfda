package web

import (
	"context"
	"net"
	"net/http"
	"net/url"
	"time"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/auth"
)

func (s *Server) loginPage(w http.ResponseWriter, r *http.Request) error {
	form := url.Values{"next": {localTarget(r.URL.Query().Get("next"))}}
	return s.render(w, r, http.StatusOK, "login", &page{Title: info(r).loc.T("auth.login_title"), Form: form})
}

func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

func (s *Server) loginSubmit(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return badParam("form")
	}
	login, pw := r.PostForm.Get("login"), r.PostForm.Get("password")
	next := localTarget(r.PostForm.Get("next"))
	token, u, err := s.auth.Login(r.Context(), login, pw, clientIP(r))
	if err != nil {
		code := aldyn.ErrorCode(err)
		if code != aldyn.EUNAUTHORIZED && code != aldyn.ETOOMANY {
			return err
		}
		status := http.StatusUnauthorized
		if code == aldyn.ETOOMANY {
			status = http.StatusTooManyRequests
		}
		e := err.(*aldyn.Error)
		form := url.Values{"login": {login}, "next": {next}}
		return s.render(w, r, status, "login", &page{Title: info(r).loc.T("auth.login_title"), Form: form, Flash: info(r).loc.T(e.Message, e.Args)})
	}
	http.SetCookie(w, auth.SessionCookie(token, s.cfg.Secure || r.TLS != nil, s.auth.SessionTTL()))
	if u.MustChangePassword {
		to := "/profile"
		if next != "/" {
			to += "?next=" + url.QueryEscape(next)
		}
		return redirect(w, r, to, "user.must_change_password")
	}
	return redirect(w, r, next, "")
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) error {
	if c, err := r.Cookie(auth.CookieName); err == nil {
		if err := s.auth.Logout(r.Context(), c.Value); err != nil {
			return err
		}
	}
	http.SetCookie(w, auth.ClearCookie(s.cfg.Secure || r.TLS != nil))
	return redirect(w, r, "/", "auth.logged_out")
}

func (s *Server) profilePage(w http.ResponseWriter, r *http.Request) error {
	return s.renderProfile(w, r, http.StatusOK, nil, "")
}

// profileNext is where to return after the profile: the page the user
// came from (?next= or the password form's field), else home.
func profileNext(r *http.Request) string {
	if v := r.PostFormValue("next"); v != "" {
		return localTarget(v)
	}
	return localTarget(r.URL.Query().Get("next"))
}

// profileData is what the profile page shows.
type profileData struct {
	User   *aldyn.User
	Body   *aldyn.Body
	Tokens []*aldyn.APIToken
	// NewToken is a token just issued, shown this once.
	NewToken string
	// TokensHint says how long tokens are valid and how to renew them.
	TokensHint string
	Now        time.Time
}

func (s *Server) renderProfile(w http.ResponseWriter, r *http.Request, status int, errs map[string]string, newToken string) error {
	u, err := requireUser(r)
	if err != nil {
		return err
	}
	b, err := s.db.FindBodyByID(r.Context(), u.BodyID)
	if err != nil {
		return err
	}
	toks, err := s.db.FindAPITokens(r.Context(), u.ID)
	if err != nil {
		return err
	}
	loc := info(r).loc
	return s.render(w, r, status, "profile", &page{Title: loc.T("nav.profile"), Errors: errs, Form: url.Values{"next": {profileNext(r)}},
		Data: &profileData{User: u, Body: b, Tokens: toks, NewToken: newToken, Now: s.db.Now(),
			TokensHint: loc.Tn("user.tokens_hint", int(s.auth.TokenTTL()/(24*time.Hour)))}})
}

func (s *Server) profilePassword(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireUser(r); err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return badParam("form")
	}
	// The current password is checked as a sign-in is: rate-limited and
	// within the pool of hashes. Too many attempts is the error page's 429.
	if err := s.auth.ChangePassword(r.Context(), actor(r), r.PostForm.Get("password"), r.PostForm.Get("new_password"), clientIP(r)); err != nil {
		errs, err := formErrors(info(r).loc, err)
		if err != nil {
			return err
		}
		return s.renderProfile(w, r, http.StatusBadRequest, errs, "")
	}
	// A new password ends every session, this one too. The user has just
	// proved the new one: a fresh session takes them back where they were.
	next := localTarget(r.PostForm.Get("next"))
	secure := s.cfg.Secure || r.TLS != nil
	token, _, err := s.auth.Login(r.Context(), actor(r).Login, r.PostForm.Get("new_password"), clientIP(r))
	if err != nil {
		http.SetCookie(w, auth.ClearCookie(secure))
		return redirect(w, r, "/login?next="+url.QueryEscape(next), "user.password_changed_sign_in")
	}
	http.SetCookie(w, auth.SessionCookie(token, secure, s.auth.SessionTTL()))
	return redirect(w, r, next, "user.password_changed")
}

func (s *Server) profileTokenCreate(w http.ResponseWriter, r *http.Request) error {
	u, err := requireUser(r)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return badParam("form")
	}
	name := r.PostForm.Get("name")
	if name == "" || len(name) > 100 {
		return s.renderProfile(w, r, http.StatusBadRequest, map[string]string{"name": info(r).loc.T("error.required")}, "")
	}
	tok, err := s.auth.IssueAPIToken(r.Context(), actor(r), u.ID, name)
	if err != nil {
		return err
	}
	return s.renderProfile(w, r, http.StatusOK, nil, tok)
}

// profileTokenAction runs act on the caller's token of the path, then
// goes back to the profile with the message flash.
func (s *Server) profileTokenAction(act func(context.Context, *aldyn.Actor, int64) error, flash string) func(http.ResponseWriter, *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		if _, err := requireUser(r); err != nil {
			return err
		}
		id, err := routeID(r, "id", "error.not_found")
		if err != nil {
			return err
		}
		if err := act(r.Context(), actor(r), id); err != nil {
			return err
		}
		return redirect(w, r, "/profile", flash)
	}
}

// renewToken makes a token valid for the token lifetime from now, keeping
// its value.
func (s *Server) renewToken(ctx context.Context, a *aldyn.Actor, id int64) error {
	_, err := s.auth.RenewAPIToken(ctx, a, id)
	return err
}

// apiMe returns the caller's account, or 401.
func (s *Server) apiMe(w http.ResponseWriter, r *http.Request) error {
	u, err := requireUser(r)
	return writeFound(w, u, err)
}

package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/auth"
	"github.com/aldyn-kg/aldyn/internal/export"
	"github.com/aldyn-kg/aldyn/internal/store"
)

func (s *Server) registerUsers() {
	s.handle("GET", "/users", s.usersPage)
	s.handle("GET", "/users/new", s.userNewPage)
	s.handle("POST", "/users", s.userCreate)
	s.handle("GET", "/users/{id}", s.userPage)
	s.handle("POST", "/users/{id}", s.userUpdate)
	s.handle("POST", "/users/{id}/reset-password", s.userResetPassword)

	s.handle("GET", "/api/v1/users", s.apiUsers)
	s.handle("GET", "/api/v1/users/{id}", s.apiUser)
	s.handle("POST", "/api/v1/users", s.apiUserCreate)
	s.handle("PATCH", "/api/v1/users/{id}", s.apiUserUpdate)
}

// userFilter reads a user list's filter; the list is always limited to
// the administrator's territory.
func userFilter(r *http.Request) (aldyn.UserFilter, error) {
	q := r.URL.Query()
	p, err := pageFromQuery(q)
	if err != nil {
		return aldyn.UserFilter{}, err
	}
	if _, ok := store.UserSorts[p.Sort]; p.Sort != "" && !ok {
		return aldyn.UserFilter{}, badParam("sort")
	}
	f := aldyn.UserFilter{Query: q.Get("q"), Under: actor(r).ScopeUnder(), Page: p}
	if role := q.Get("role"); role != "" {
		if !aldyn.IsRole(role) {
			return f, badParam("role")
		}
		f.Role = &role
	}
	if b := q.Get("body"); b != "" {
		id, err := strconv.ParseInt(b, 10, 64)
		if err != nil {
			return f, badParam("body")
		}
		f.BodyID = &id
	}
	return f, nil
}

// usersPageData is the data of the users page.
type usersPageData struct {
	Users []*aldyn.User
	Pager pager
	Roles []string
}

func (s *Server) usersPage(w http.ResponseWriter, r *http.Request) error {
	if err := requireAdmin(r); err != nil {
		return err
	}
	f, err := userFilter(r)
	if err != nil {
		return err
	}
	loc := info(r).loc
	if format := r.URL.Query().Get("format"); format != "" {
		t := export.Table{Title: loc.T("nav.users"), Columns: []export.Column{{Key: "id", Label: "ID", Kind: export.Int},
			{Key: "login", Label: loc.T("user.login")}, {Key: "name", Label: loc.T("user.name")}, {Key: "role", Label: loc.T("common.type")},
			{Key: "body_id", Label: loc.T("user.body"), Kind: export.Int}, {Key: "territory", Label: loc.T("common.territory")},
			{Key: "disabled", Label: loc.T("user.disabled")}}}
		return exportList(r, w, format, "users", t, f.Page, func(ctx context.Context, p aldyn.Page) ([]*aldyn.User, int, error) {
			f.Page = p
			return s.db.FindUsers(ctx, f)
		}, func(u *aldyn.User) []any {
			return []any{u.ID, u.Login, u.Name, loc.T("user.role." + u.Role), u.BodyID, u.TerritoryCode, yesNo(loc.T, u.Disabled)}
		})
	}
	us, total, err := s.db.FindUsers(r.Context(), f)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "users", &page{Title: loc.T("nav.users"), Form: r.URL.Query(),
		Data: &usersPageData{Users: us, Pager: newPager(f.Page, total), Roles: aldyn.Roles}})
}

func yesNo(t func(string, ...any) string, b bool) string {
	if b {
		return t("common.yes")
	}
	return t("common.no")
}

// scopedUser loads the user in the path and hides users outside the
// administrator's territory as not found.
func (s *Server) scopedUser(r *http.Request) (*aldyn.User, error) {
	return recordByPath(r, requireAdmin, "user.error.not_found", s.db.FindUserByID,
		func(a *aldyn.Actor, u *aldyn.User) bool { return a.CanAdminister(u.TerritoryPath) })
}

// userFormPageData is the data of the user_form page.
type userFormPageData struct {
	User    *aldyn.User
	Roles   []string
	Bodies  []*aldyn.Body
	OneTime string
}

func (s *Server) userForm(w http.ResponseWriter, r *http.Request, status int, u *aldyn.User, form url.Values, errs map[string]string, oneTime string) error {
	bodies, _, err := s.db.FindBodies(r.Context(), aldyn.BodyFilter{Under: actor(r).ScopeUnder(), Page: aldyn.Page{Limit: aldyn.MaxLimit}})
	if err != nil {
		return err
	}
	if form == nil {
		form = url.Values{}
		if u != nil {
			form.Set("name", u.Name)
			form.Set("role", u.Role)
			form.Set("body_id", strconv.FormatInt(u.BodyID, 10))
			form.Set("lang", u.Lang)
			if u.Disabled {
				form.Set("disabled", "1")
			}
		}
	}
	title := info(r).loc.T("user.new")
	if u != nil {
		title = u.Login
	}
	return s.render(w, r, status, "user_form", &page{Title: title, Form: form, Errors: errs,
		Data: &userFormPageData{User: u, Roles: aldyn.Roles, Bodies: bodies, OneTime: oneTime}})
}

func (s *Server) userNewPage(w http.ResponseWriter, r *http.Request) error {
	if err := requireAdmin(r); err != nil {
		return err
	}
	return s.userForm(w, r, http.StatusOK, nil, nil, nil, "")
}

func (s *Server) userCreate(w http.ResponseWriter, r *http.Request) error {
	if err := requireAdmin(r); err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return badParam("form")
	}
	f := r.PostForm
	bodyID, _ := strconv.ParseInt(f.Get("body_id"), 10, 64)
	pw := auth.RandomPassword()
	u := &aldyn.User{Login: f.Get("login"), Name: f.Get("name"), Role: f.Get("role"), BodyID: bodyID, Lang: f.Get("lang"), MustChangePassword: true}
	if err := s.auth.CreateUser(r.Context(), actor(r), u, pw); err != nil {
		errs, err := formErrors(info(r).loc, err)
		if err != nil {
			return err
		}
		return s.userForm(w, r, http.StatusBadRequest, nil, f, errs, "")
	}
	return s.userForm(w, r, http.StatusCreated, u, nil, nil, pw)
}

func (s *Server) userPage(w http.ResponseWriter, r *http.Request) error {
	u, err := s.scopedUser(r)
	if err != nil {
		return err
	}
	return s.userForm(w, r, http.StatusOK, u, nil, nil, "")
}

func (s *Server) userUpdate(w http.ResponseWriter, r *http.Request) error {
	u, err := s.scopedUser(r)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return badParam("form")
	}
	f := r.PostForm
	bodyID, _ := strconv.ParseInt(f.Get("body_id"), 10, 64)
	upd := store.UserUpdate{Name: ptr(f.Get("name")), Role: ptr(f.Get("role")), BodyID: &bodyID, Lang: ptr(f.Get("lang")), Disabled: ptr(f.Get("disabled") == "1")}
	if _, err := s.db.UpdateUser(r.Context(), actor(r), u.ID, upd); err != nil {
		errs, err := formErrors(info(r).loc, err)
		if err != nil {
			return err
		}
		return s.userForm(w, r, http.StatusBadRequest, u, f, errs, "")
	}
	return redirect(w, r, "/users/"+strconv.FormatInt(u.ID, 10), "common.saved")
}

func (s *Server) userResetPassword(w http.ResponseWriter, r *http.Request) error {
	u, err := s.scopedUser(r)
	if err != nil {
		return err
	}
	pw, err := s.auth.ResetPassword(r.Context(), actor(r), u.ID)
	if err != nil {
		return err
	}
	u.MustChangePassword = true
	return s.userForm(w, r, http.StatusOK, u, nil, nil, pw)
}

// API.

func (s *Server) apiUsers(w http.ResponseWriter, r *http.Request) error {
	return writeList(w, r, requireAdmin, userFilter, func(f aldyn.UserFilter) aldyn.Page { return f.Page }, s.db.FindUsers)
}

func (s *Server) apiUser(w http.ResponseWriter, r *http.Request) error {
	u, err := s.scopedUser(r)
	return writeFound(w, u, err)
}

type userInput struct {
	Login  string `json:"login"`
	Name   string `json:"name"`
	Role   string `json:"role"`
	BodyID int64  `json:"body_id"`
	Lang   string `json:"lang"`
}

// apiUserCreate creates a user and returns its one-time password once.
func (s *Server) apiUserCreate(w http.ResponseWriter, r *http.Request) error {
	if err := requireAdmin(r); err != nil {
		return err
	}
	var in userInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	pw := auth.RandomPassword()
	u := &aldyn.User{Login: in.Login, Name: in.Name, Role: in.Role, BodyID: in.BodyID, Lang: in.Lang, MustChangePassword: true}
	if err := s.auth.CreateUser(r.Context(), actor(r), u, pw); err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, struct {
		*aldyn.User
		OneTimePassword string `json:"one_time_password"`
	}{u, pw})
}

type userPatch struct {
	Name     *string `json:"name"`
	Role     *string `json:"role"`
	BodyID   *int64  `json:"body_id"`
	Lang     *string `json:"lang"`
	Disabled *bool   `json:"disabled"`
}

func (s *Server) apiUserUpdate(w http.ResponseWriter, r *http.Request) error {
	u, err := s.scopedUser(r)
	if err != nil {
		return err
	}
	var in userPatch
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	out, err := s.db.UpdateUser(r.Context(), actor(r), u.ID, store.UserUpdate{Name: in.Name, Role: in.Role, BodyID: in.BodyID, Lang: in.Lang, Disabled: in.Disabled})
	return writeFound(w, out, err)
}

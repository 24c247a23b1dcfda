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

// userFilter reads a user list's filter; the list is always limited to
// the administrator's territory.
func userFilter(r *http.Request) (aldyn.UserFilter, error) {
	q := r.URL.Query()
	p, err := sortedPage(q, store.UserSorts)
	if err != nil {
		return aldyn.UserFilter{}, err
	}
	f := aldyn.UserFilter{Query: q.Get("q"), Under: actor(r).ScopeUnder(), Page: p}
	if role := q.Get("role"); role != "" {
		if !aldyn.IsRole(role) {
			return f, badParam("role")
		}
		f.Role = &role
	}
	return f, optionalIDParam(q, "body", &f.BodyID)
}

// usersPageData is the data of the users page.
type usersPageData struct {
	Users []*aldyn.User
	Pager pager
	Roles []string
}

func (s *Server) usersPage(w http.ResponseWriter, r *http.Request) error {
	f, err := listFilter(r, requireAdmin, userFilter)
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

// userForm is a user's one form: the user form and the API's JSON. A
// new user's form sets the login, which stays as it is afterwards; an
// existing user's form may disable the account.
type userForm struct {
	*aldyn.User
	existing bool
}

func (f userForm) fields() formFields {
	u := f.User
	out := formFields{"name": text(&u.Name), "role": text(&u.Role), "body_id": whole(&u.BodyID, "error.invalid"), "lang": text(&u.Lang)}
	if f.existing {
		out["disabled"] = check(&u.Disabled)
	} else {
		out["login"] = text(&u.Login)
	}
	return out
}

// update is the change the form made to old: the fields whose value
// differs (the store lets users change only their own language).
func (f userForm) update(old *aldyn.User) store.UserUpdate {
	u, upd := f.User, store.UserUpdate{}
	if u.Name != old.Name {
		upd.Name = &u.Name
	}
	if u.Role != old.Role {
		upd.Role = &u.Role
	}
	if u.BodyID != old.BodyID {
		upd.BodyID = &u.BodyID
	}
	if u.Lang != old.Lang {
		upd.Lang = &u.Lang
	}
	if u.Disabled != old.Disabled {
		upd.Disabled = &u.Disabled
	}
	return upd
}

// edit is the form of an existing user, on a copy of u.
func edit(u *aldyn.User) userForm {
	c := *u
	return userForm{&c, true}
}

// userFormPageData is the data of the user_form page.
type userFormPageData struct {
	User    *aldyn.User
	Roles   []string
	Bodies  []*aldyn.Body
	OneTime string
}

func (s *Server) renderUserForm(w http.ResponseWriter, r *http.Request, status int, u *aldyn.User, form url.Values, errs map[string]string, oneTime string) error {
	bodies, _, err := s.db.FindBodies(r.Context(), aldyn.BodyFilter{Under: actor(r).ScopeUnder(), Page: aldyn.Page{Limit: aldyn.MaxLimit}})
	if err != nil {
		return err
	}
	if form == nil {
		form = url.Values{}
		if u != nil {
			form = showForm(userForm{u, true})
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
	return s.renderUserForm(w, r, http.StatusOK, nil, nil, nil, "")
}

// createUser creates u with a new one-time password, which it returns.
func (s *Server) createUser(r *http.Request, u *aldyn.User) (string, error) {
	pw := auth.RandomPassword()
	u.MustChangePassword = true
	return pw, s.auth.CreateUser(r.Context(), actor(r), u, pw)
}

func (s *Server) userCreate(w http.ResponseWriter, r *http.Request) error {
	if err := requireAdmin(r); err != nil {
		return err
	}
	u := &aldyn.User{}
	form, err := readForm(r, userForm{u, false})
	if form == nil {
		return err
	}
	var pw string
	if err == nil {
		pw, err = s.createUser(r, u)
	}
	if err != nil {
		return s.userFormAgain(w, r, nil, form, err)
	}
	return s.renderUserForm(w, r, http.StatusCreated, u, nil, nil, pw)
}

// userFormAgain shows the user form again with the errors in its fields.
func (s *Server) userFormAgain(w http.ResponseWriter, r *http.Request, u *aldyn.User, form url.Values, err error) error {
	errs, err := formErrors(info(r).loc, err)
	if err != nil {
		return err
	}
	return s.renderUserForm(w, r, http.StatusBadRequest, u, form, errs, "")
}

func (s *Server) userPage(w http.ResponseWriter, r *http.Request) error {
	u, err := s.scopedUser(r)
	if err != nil {
		return err
	}
	return s.renderUserForm(w, r, http.StatusOK, u, nil, nil, "")
}

func (s *Server) userUpdate(w http.ResponseWriter, r *http.Request) error {
	u, err := s.scopedUser(r)
	if err != nil {
		return err
	}
	f := edit(u)
	form, err := readForm(r, f)
	if form == nil {
		return err
	}
	if err == nil {
		_, err = s.db.UpdateUser(r.Context(), actor(r), u.ID, f.update(u))
	}
	if err != nil {
		return s.userFormAgain(w, r, u, form, err)
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
	return s.renderUserForm(w, r, http.StatusOK, u, nil, nil, pw)
}

// API.

func (s *Server) apiUsers(w http.ResponseWriter, r *http.Request) error {
	return writeList(w, r, requireAdmin, userFilter, func(f aldyn.UserFilter) aldyn.Page { return f.Page }, s.db.FindUsers)
}

func (s *Server) apiUser(w http.ResponseWriter, r *http.Request) error {
	u, err := s.scopedUser(r)
	return writeFound(w, u, err)
}

// apiUserCreate creates a user and returns its one-time password once.
func (s *Server) apiUserCreate(w http.ResponseWriter, r *http.Request) error {
	if err := requireAdmin(r); err != nil {
		return err
	}
	u := &aldyn.User{}
	if err := readJSON(r, userForm{u, false}); err != nil {
		return err
	}
	pw, err := s.createUser(r, u)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, struct {
		*aldyn.User
		OneTimePassword string `json:"one_time_password"`
	}{u, pw})
}

func (s *Server) apiUserUpdate(w http.ResponseWriter, r *http.Request) error {
	u, err := s.scopedUser(r)
	if err != nil {
		return err
	}
	f := edit(u)
	if err := readJSON(r, f); err != nil {
		return err
	}
	out, err := s.db.UpdateUser(r.Context(), actor(r), u.ID, f.update(u))
	return writeFound(w, out, err)
}

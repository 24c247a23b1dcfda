package store

import (
	"context"
	"database/sql"
	"strconv"
	"strings"
	"time"

	"github.com/aldyn-kg/aldyn"
)

const userCols = `u.id, u.login, u.name, u.role, u.body_id, u.lang, u.disabled, u.must_change_password, u.password_hash,
	u.created_at, u.updated_at, u.last_login_at, b.territory_code, t.path`

func scanUser(s interface{ Scan(...any) error }) (*aldyn.User, error) {
	var u aldyn.User
	if err := s.Scan(&u.ID, &u.Login, &u.Name, &u.Role, &u.BodyID, &u.Lang, &u.Disabled, &u.MustChangePassword, &u.PasswordHash,
		&u.CreatedAt, &u.UpdatedAt, &u.LastLoginAt, &u.TerritoryCode, &u.TerritoryPath); err != nil {
		return nil, err
	}
	u.CreatedAt, u.UpdatedAt = u.CreatedAt.UTC(), u.UpdatedAt.UTC()
	return &u, nil
}

const userFrom = ` FROM users u JOIN bodies b ON b.id = u.body_id JOIN territories t ON t.code = b.territory_code `

// UserSorts are the columns a user list can be sorted by.
var UserSorts = map[string]string{"login": "u.login", "name": "u.name", "role": "u.role, u.login", "last_login_at": "u.last_login_at", "id": "u.id"}

var userList = listQuery[*aldyn.User]{cols: userCols, from: userFrom,
	sorts: UserSorts, order: "u.login", scan: scanUser}

// FindUsers lists users matching f.
func (db *DB) FindUsers(ctx context.Context, f aldyn.UserFilter) ([]*aldyn.User, int, error) {
	var w where
	eq(&w, "u.id", f.ID)
	if f.Login != nil {
		w.and("u.login = ?", strings.ToLower(*f.Login))
	}
	eq(&w, "u.body_id", f.BodyID)
	eq(&w, "u.role", f.Role)
	w.pathLike(f.Under, "t.path")
	w.search(f.Query, "u.login", "LOWER(u.name)")
	out, total, err := userList.page(ctx, db, &w, f.Page)
	return out, total, db.normalize(err)
}

// FindUserByID returns one user.
func (db *DB) FindUserByID(ctx context.Context, id int64) (*aldyn.User, error) {
	return db.findUser(ctx, aldyn.UserFilter{ID: &id})
}

// FindUserByLogin returns one user.
func (db *DB) FindUserByLogin(ctx context.Context, login string) (*aldyn.User, error) {
	return db.findUser(ctx, aldyn.UserFilter{Login: &login})
}

func (db *DB) findUser(ctx context.Context, f aldyn.UserFilter) (*aldyn.User, error) {
	f.Limit = 1
	us, _, err := db.FindUsers(ctx, f)
	return firstFound(us, err, "user.error.not_found")
}

func (tx *Tx) user(ctx context.Context, id int64) (*aldyn.User, error) {
	u, err := scanUser(tx.queryRow(ctx, "SELECT "+userCols+userFrom+"WHERE u.id = ?", id))
	return u, tx.db.notFound(err, "user.error.not_found")
}

// auditUser is the audited view of a user: never the password hash.
func auditUser(u *aldyn.User) map[string]any {
	return map[string]any{"id": u.ID, "login": u.Login, "name": u.Name, "role": u.Role, "body_id": u.BodyID, "lang": u.Lang,
		"disabled": u.Disabled, "must_change_password": u.MustChangePassword}
}

// CreateUser inserts a user whose password hash the caller computed.
func (db *DB) CreateUser(ctx context.Context, actor *aldyn.Actor, u *aldyn.User) error {
	return db.updateValid(ctx, actor, u, func(tx *Tx) error { return tx.createUser(ctx, actor, u) })
}

func (tx *Tx) createUser(ctx context.Context, actor *aldyn.Actor, u *aldyn.User) error {
	b, err := tx.body(ctx, u.BodyID)
	if err != nil {
		return &aldyn.Error{Code: aldyn.EINVALID, Message: "error.validation", Fields: map[string]string{"body_id": "body.error.not_found"}}
	}
	if !actor.CanAdminister(b.Territory.Path) {
		return aldyn.Errorf(aldyn.EFORBIDDEN, "error.forbidden")
	}
	u.CreatedAt, u.UpdatedAt, u.TerritoryCode, u.TerritoryPath = tx.now, tx.now, b.TerritoryCode, b.Territory.Path
	if err := tx.queryRow(ctx, `INSERT INTO users (login, name, role, body_id, lang, password_hash, must_change_password, disabled, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, u.Login, u.Name, u.Role, u.BodyID, u.Lang, u.PasswordHash, u.MustChangePassword, u.Disabled,
		tx.now, tx.now).Scan(&u.ID); err != nil {
		if e := tx.db.normalize(err); aldyn.ErrorCode(e) == aldyn.ECONFLICT {
			return &aldyn.Error{Code: aldyn.ECONFLICT, Message: "error.validation", Fields: map[string]string{"login": "user.error.login_taken"}}
		}
		return tx.db.normalize(err)
	}
	return tx.Audit(ctx, aldyn.AuditCreate, "user", strconv.FormatInt(u.ID, 10), b.TerritoryCode, nil, auditUser(u))
}

// UserUpdate holds the fields of a user to change; nil means unchanged.
type UserUpdate struct {
	Name               *string
	Role               *string
	BodyID             *int64
	Lang               *string
	Disabled           *bool
	PasswordHash       *string
	MustChangePassword *bool
}

// apply sets the fields of u that upd changes.
func (upd UserUpdate) apply(u *aldyn.User) {
	setIf(&u.Name, upd.Name)
	setIf(&u.Role, upd.Role)
	setIf(&u.BodyID, upd.BodyID)
	setIf(&u.Lang, upd.Lang)
	setIf(&u.Disabled, upd.Disabled)
	setIf(&u.PasswordHash, upd.PasswordHash)
	setIf(&u.MustChangePassword, upd.MustChangePassword)
}

// setIf sets *dst to *v when v is not nil.
func setIf[T any](dst *T, v *T) {
	if v != nil {
		*dst = *v
	}
}

// UpdateUser changes a user. Users may change their own language and
// password; everything else needs an administrator covering both the old
// and the new body.
func (db *DB) UpdateUser(ctx context.Context, actor *aldyn.Actor, id int64, upd UserUpdate) (*aldyn.User, error) {
	var out *aldyn.User
	err := db.Update(ctx, actor, func(tx *Tx) error {
		old, err := tx.user(ctx, id)
		if err != nil {
			return err
		}
		self := actor.UserID == id && upd.Name == nil && upd.Role == nil && upd.BodyID == nil && upd.Disabled == nil
		if !self && !actor.CanAdminister(old.TerritoryPath) {
			if actor.Covers(old.TerritoryPath) {
				return aldyn.Errorf(aldyn.EFORBIDDEN, "error.forbidden")
			}
			return aldyn.Errorf(aldyn.ENOTFOUND, "user.error.not_found")
		}
		u := *old
		upd.apply(&u)
		if err := u.Validate(); err != nil {
			return err
		}
		if u.BodyID != old.BodyID {
			b, err := tx.body(ctx, u.BodyID)
			if err != nil {
				return &aldyn.Error{Code: aldyn.EINVALID, Message: "error.validation", Fields: map[string]string{"body_id": "body.error.not_found"}}
			}
			if !actor.CanAdminister(b.Territory.Path) {
				return aldyn.Errorf(aldyn.EFORBIDDEN, "error.forbidden")
			}
			u.TerritoryCode, u.TerritoryPath = b.TerritoryCode, b.Territory.Path
		}
		u.UpdatedAt = tx.now
		if _, err := tx.exec(ctx, `UPDATE users SET name = ?, role = ?, body_id = ?, lang = ?, disabled = ?, password_hash = ?, must_change_password = ?, updated_at = ?
			WHERE id = ?`, u.Name, u.Role, u.BodyID, u.Lang, u.Disabled, u.PasswordHash, u.MustChangePassword, tx.now, id); err != nil {
			return err
		}
		if u.Disabled || upd.PasswordHash != nil {
			// A disabled account or a new password ends every session.
			if _, err := tx.exec(ctx, `DELETE FROM sessions WHERE user_id = ?`, id); err != nil {
				return err
			}
		}
		if u.Disabled || (upd.PasswordHash != nil && u.MustChangePassword) {
			// A disabled account or a reset (a new one-time password) also
			// revokes the API tokens: whoever held the account may have made
			// them. A change by the user keeps them.
			if _, err := tx.exec(ctx, `UPDATE api_tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL`, tx.now, id); err != nil {
				return err
			}
		}
		after := auditUser(&u)
		if upd.PasswordHash != nil {
			after["password_changed"] = true
		}
		out = &u
		return tx.Audit(ctx, aldyn.AuditUpdate, "user", strconv.FormatInt(id, 10), u.TerritoryCode, auditUser(old), after)
	})
	return out, err
}

// TouchLogin records a successful login.
func (db *DB) TouchLogin(ctx context.Context, id int64) error {
	return db.Update(ctx, nil, func(tx *Tx) error {
		_, err := tx.exec(ctx, `UPDATE users SET last_login_at = ? WHERE id = ?`, tx.now, id)
		return err
	})
}

// Session is a server-side login session; only the token's hash is stored.
type Session struct {
	TokenHash string
	UserID    int64
	CreatedAt time.Time
	ExpiresAt time.Time
}

// CreateSession stores a new session.
func (db *DB) CreateSession(ctx context.Context, s Session) error {
	return db.Update(ctx, nil, func(tx *Tx) error {
		_, err := tx.exec(ctx, `INSERT INTO sessions (token_hash, user_id, created_at, expires_at, last_seen_at) VALUES (?, ?, ?, ?, ?)`,
			s.TokenHash, s.UserID, tx.now, s.ExpiresAt.UTC(), tx.now)
		return err
	})
}

// FindSessionUser returns the enabled user of an unexpired session.
func (db *DB) FindSessionUser(ctx context.Context, tokenHash string) (*aldyn.User, error) {
	u, err := scanUser(db.queryRow(ctx, "SELECT "+userCols+userFrom+
		"JOIN sessions s ON s.user_id = u.id WHERE s.token_hash = ? AND s.expires_at > ? AND u.disabled = ?", tokenHash, db.Now(), false))
	if err == sql.ErrNoRows {
		return nil, aldyn.Errorf(aldyn.EUNAUTHORIZED, "error.unauthorized")
	}
	return u, db.normalize(err)
}

// DeleteSession ends a session (logout).
func (db *DB) DeleteSession(ctx context.Context, tokenHash string) error {
	return db.Update(ctx, nil, func(tx *Tx) error {
		_, err := tx.exec(ctx, `DELETE FROM sessions WHERE token_hash = ? OR expires_at < ?`, tokenHash, tx.now)
		return err
	})
}

const tokenCols = `id, user_id, name, created_at, expires_at, last_used_at, revoked_at`

func scanToken(s interface{ Scan(...any) error }) (*aldyn.APIToken, error) {
	var t aldyn.APIToken
	if err := s.Scan(&t.ID, &t.UserID, &t.Name, &t.CreatedAt, &t.ExpiresAt, &t.LastUsedAt, &t.RevokedAt); err != nil {
		return nil, err
	}
	t.CreatedAt, t.ExpiresAt = t.CreatedAt.UTC(), t.ExpiresAt.UTC()
	return &t, nil
}

// CreateAPIToken stores the hash of a new token for user userID, valid
// until expiresAt. A user who must still replace a one-time password gets
// no token: it would outlive the password change it skips.
func (db *DB) CreateAPIToken(ctx context.Context, actor *aldyn.Actor, userID int64, name, tokenHash string, expiresAt time.Time) (*aldyn.APIToken, error) {
	t := &aldyn.APIToken{UserID: userID, Name: name, ExpiresAt: expiresAt.UTC()}
	err := db.Update(ctx, actor, func(tx *Tx) error {
		u, err := tx.user(ctx, userID)
		if err != nil {
			return err
		}
		if actor.UserID != userID && !actor.CanAdminister(u.TerritoryPath) {
			return aldyn.Errorf(aldyn.EFORBIDDEN, "error.forbidden")
		}
		if u.MustChangePassword {
			return aldyn.Errorf(aldyn.EFORBIDDEN, "user.error.token_one_time_password")
		}
		t.CreatedAt = tx.now
		if err := tx.queryRow(ctx, `INSERT INTO api_tokens (user_id, name, token_hash, created_at, expires_at) VALUES (?, ?, ?, ?, ?) RETURNING id`,
			userID, name, tokenHash, tx.now, t.ExpiresAt).Scan(&t.ID); err != nil {
			return tx.db.normalize(err)
		}
		return tx.Audit(ctx, aldyn.AuditCreate, "api_token", strconv.FormatInt(t.ID, 10), u.TerritoryCode, nil, t)
	})
	return t, err
}

// updateAPIToken loads an unrevoked token for the owner or an
// administrator of the owner's territory, applies change and audits it.
func (db *DB) updateAPIToken(ctx context.Context, actor *aldyn.Actor, id int64, change func(tx *Tx, t *aldyn.APIToken) error) (*aldyn.APIToken, error) {
	var out *aldyn.APIToken
	err := db.Update(ctx, actor, func(tx *Tx) error {
		t, err := scanToken(tx.queryRow(ctx, `SELECT `+tokenCols+` FROM api_tokens WHERE id = ? AND revoked_at IS NULL`, id))
		if err != nil {
			return tx.db.normalize(err)
		}
		u, err := tx.user(ctx, t.UserID)
		if err != nil {
			return err
		}
		if actor.UserID != t.UserID && !actor.CanAdminister(u.TerritoryPath) {
			return aldyn.Errorf(aldyn.EFORBIDDEN, "error.forbidden")
		}
		before := *t
		if err := change(tx, t); err != nil {
			return err
		}
		out = t
		return tx.Audit(ctx, aldyn.AuditUpdate, "api_token", strconv.FormatInt(id, 10), u.TerritoryCode, before, t)
	})
	return out, err
}

// RevokeAPIToken revokes a token.
func (db *DB) RevokeAPIToken(ctx context.Context, actor *aldyn.Actor, id int64) error {
	_, err := db.updateAPIToken(ctx, actor, id, func(tx *Tx, t *aldyn.APIToken) error {
		t.RevokedAt = &tx.now
		_, err := tx.exec(ctx, `UPDATE api_tokens SET revoked_at = ? WHERE id = ?`, tx.now, id)
		return err
	})
	return err
}

// RenewAPIToken makes an unrevoked token, expired or not, valid until
// expiresAt; the token's value stays the same, so what uses it need not
// change.
func (db *DB) RenewAPIToken(ctx context.Context, actor *aldyn.Actor, id int64, expiresAt time.Time) (*aldyn.APIToken, error) {
	return db.updateAPIToken(ctx, actor, id, func(tx *Tx, t *aldyn.APIToken) error {
		t.ExpiresAt = expiresAt.UTC()
		_, err := tx.exec(ctx, `UPDATE api_tokens SET expires_at = ? WHERE id = ?`, t.ExpiresAt, id)
		return err
	})
}

// FindAPITokens lists a user's tokens.
func (db *DB) FindAPITokens(ctx context.Context, userID int64) ([]*aldyn.APIToken, error) {
	return scanList(ctx, db, scanToken, `SELECT `+tokenCols+` FROM api_tokens WHERE user_id = ? ORDER BY id`, userID)
}

// FindTokenUser returns the enabled user of an unrevoked, unexpired token.
func (db *DB) FindTokenUser(ctx context.Context, tokenHash string) (*aldyn.User, error) {
	u, err := scanUser(db.queryRow(ctx, "SELECT "+userCols+userFrom+
		"JOIN api_tokens k ON k.user_id = u.id WHERE k.token_hash = ? AND k.revoked_at IS NULL AND k.expires_at > ? AND u.disabled = ?",
		tokenHash, db.Now(), false))
	if err == sql.ErrNoRows {
		return nil, aldyn.Errorf(aldyn.EUNAUTHORIZED, "error.unauthorized")
	}
	return u, db.normalize(err)
}

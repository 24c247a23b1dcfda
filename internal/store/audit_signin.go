package store

import (
	"context"

	"github.com/aldyn-kg/aldyn"
)

// Sign-in results recorded in the audit log.
const (
	SignInOK            = "ok"
	SignInWrongPassword = "wrong_password"
	SignInUnknownLogin  = "unknown_login"
	SignInDisabled      = "disabled"
	SignInTooMany       = "too_many"
)

// SignIn is one sign-in attempt. User is the account of Login, nil when
// there is none.
type SignIn struct {
	Login  string
	User   *aldyn.User
	IP     string
	Result string // one of the SignIn… results
}

// maxAuditLogin bounds the login typed that the log keeps: whatever was
// typed is recorded, but not without limit.
const maxAuditLogin = 64

// RecordSignIn appends a sign-in attempt to the audit log: action
// AuditLogin or AuditLoginFailed, entity "session", the login typed, the
// client address and the result; never the password. An attempt on an
// account is filed under the account's territory, so that the
// administrators of that territory see it; one on a login that does not
// exist, under none (national administrators only), and no account is
// created for it.
func (db *DB) RecordSignIn(ctx context.Context, s SignIn) error {
	login := s.Login
	if r := []rune(login); len(r) > maxAuditLogin {
		login = string(r[:maxAuditLogin]) + "…"
	}
	actor := &aldyn.Actor{Login: login, Role: aldyn.RolePublic}
	territory := ""
	if s.User != nil {
		actor = &aldyn.Actor{UserID: s.User.ID, Login: s.User.Login, Role: s.User.Role}
		territory = s.User.TerritoryCode
	}
	action := aldyn.AuditLoginFailed
	if s.Result == SignInOK {
		action = aldyn.AuditLogin
	}
	return db.Update(ctx, actor, func(tx *Tx) error {
		return tx.Audit(ctx, action, "session", login, territory, nil, map[string]string{"ip": s.IP, "result": s.Result})
	})
}

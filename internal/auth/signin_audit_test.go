package auth_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/auth"
	"github.com/aldyn-kg/aldyn/internal/store"
)

// TestSignInsAudited: a sign-in, a wrong password, a disabled account and
// an unknown login are each one audit entry with the login, the address
// and the result; never the password; the unknown login creates no
// account and is filed under no territory.
func TestSignInsAudited(t *testing.T) {
	f := mustFixture(t, auth.Options{})
	ctx := context.Background()
	disabled := f.mustUser(t, "gone", password)
	yes := true
	if _, err := f.db.UpdateUser(ctx, aldyn.System, disabled.ID, store.UserUpdate{Disabled: &yes}); err != nil {
		t.Fatal(err)
	}
	_, users0, err := f.db.FindUsers(ctx, aldyn.UserFilter{})
	if err != nil {
		t.Fatal(err)
	}
	attempts := []struct {
		login, pw, action, result string
		user                      *aldyn.User
	}{
		{"analyst", password, aldyn.AuditLogin, store.SignInOK, f.user},
		{"analyst", "wrong password 1", aldyn.AuditLoginFailed, store.SignInWrongPassword, f.user},
		{"gone", password, aldyn.AuditLoginFailed, store.SignInDisabled, disabled},
		{"nobody.here", "whatever password", aldyn.AuditLoginFailed, store.SignInUnknownLogin, nil},
	}
	for _, a := range attempts {
		f.svc.Login(ctx, a.login, a.pw, "10.1.2.3")
	}
	session := "session"
	es, _, err := f.db.FindAuditEntries(ctx, aldyn.AuditFilter{Entity: &session, Page: aldyn.Page{Limit: 100, Sort: "at"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(es) != len(attempts) {
		t.Fatalf("got %d sign-in entries, want %d", len(es), len(attempts))
	}
	for i, a := range attempts {
		e := es[i]
		var after map[string]string
		if err := json.Unmarshal(e.After, &after); err != nil {
			t.Fatal(err)
		}
		if e.Action != a.action || e.EntityID != a.login || after["ip"] != "10.1.2.3" || after["result"] != a.result {
			t.Errorf("%s: got %s %s %v, want %s %s ip 10.1.2.3 result %s", a.login, e.Action, e.EntityID, after, a.action, a.login, a.result)
		}
		if a.user != nil && (e.UserID == nil || *e.UserID != a.user.ID || e.TerritoryCode != f.body.TerritoryCode) {
			t.Errorf("%s: got user %v territory %q, want user %d territory %s", a.login, e.UserID, e.TerritoryCode, a.user.ID, f.body.TerritoryCode)
		}
		if a.user == nil && (e.UserID != nil || e.TerritoryCode != "") {
			t.Errorf("%s: got user %v territory %q, want none", a.login, e.UserID, e.TerritoryCode)
		}
		if strings.Contains(string(e.After), a.pw) || strings.Contains(string(e.Before), a.pw) {
			t.Errorf("%s: the password is in the log", a.login)
		}
	}
	if _, n, _ := f.db.FindUsers(ctx, aldyn.UserFilter{}); n != users0 {
		t.Errorf("users: got %d, want %d: an unknown login created an account", n, users0)
	}
}

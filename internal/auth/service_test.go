package auth_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/auth"
	"github.com/aldyn-kg/aldyn/internal/store"
	"github.com/aldyn-kg/aldyn/internal/store/storetest"
)

var cheap = &auth.Params{Memory: 1024, Time: 1, Threads: 1}

func TestPasswordHash(t *testing.T) {
	h, err := auth.HashPassword("Бишкек-2026 пароль")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=65536,t=3,p=2$") {
		t.Errorf("got %q, want a PHC argon2id string with the default parameters", h)
	}
	for _, c := range []struct {
		pw   string
		want bool
	}{{"Бишкек-2026 пароль", true}, {"бишкек-2026 пароль", false}, {"", false}} {
		if ok, err := auth.CheckPassword(h, c.pw); err != nil || ok != c.want {
			t.Errorf("CheckPassword(%q): got %v %v, want %v", c.pw, ok, err, c.want)
		}
	}
	tampered := h[:len(h)-2] + "AA"
	if ok, _ := auth.CheckPassword(tampered, "Бишкек-2026 пароль"); ok {
		t.Error("a tampered hash matched")
	}
	if _, err := auth.CheckPassword("plain", "x"); err == nil {
		t.Error("a non-argon2 string: got no error")
	}
	if auth.NeedsRehash(h) || !auth.NeedsRehash(strings.Replace(h, "t=3", "t=1", 1)) {
		t.Error("NeedsRehash is wrong")
	}
	if p := auth.RandomPassword(); len(p) != 20 || strings.ContainsAny(p, "0O1lI") {
		t.Errorf("RandomPassword: got %q", p)
	}
}

type fixture struct {
	db   *store.DB
	svc  *auth.Service
	user *aldyn.User
	now  *time.Time
}

func mustFixture(t *testing.T) *fixture {
	t.Helper()
	db := storetest.MustOpenDB(t)
	now := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
	f := &fixture{db: db, now: &now}
	db.Now = func() time.Time { return *f.now }
	f.svc = auth.NewService(db, auth.Options{Params: cheap, Now: func() time.Time { return *f.now }})
	b := &aldyn.Body{TerritoryCode: "41708203000000", Type: "police", NameKy: "Аламүдүн", NameRu: "Аламудин", NameEn: "Alamudun"}
	if err := db.CreateBody(context.Background(), aldyn.System, b); err != nil {
		t.Fatal(err)
	}
	f.user = &aldyn.User{Login: "analyst", Name: "Analyst", Role: aldyn.RoleAnalyst, BodyID: b.ID}
	if err := f.svc.CreateUser(context.Background(), aldyn.System, f.user, "correct horse battery"); err != nil {
		t.Fatal(err)
	}
	return f
}

func TestSessions(t *testing.T) {
	f := mustFixture(t)
	ctx := context.Background()
	tok, u, err := f.svc.Login(ctx, " Analyst ", "correct horse battery", "10.0.0.1")
	if err != nil || u.ID != f.user.ID {
		t.Fatalf("login: %v", err)
	}
	if got, err := f.svc.UserFromSession(ctx, tok); err != nil || got.Login != "analyst" || got.TerritoryCode != "41708203000000" {
		t.Fatalf("session user: %+v %v", got, err)
	}
	if a := f.svc.Actor(u); a.Role != aldyn.RoleAnalyst || a.TerritoryPath != "/41700000000000/41708000000000/41708203000000/" {
		t.Errorf("actor: %+v", a)
	}
	if err := f.svc.Logout(ctx, tok); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.UserFromSession(ctx, tok); aldyn.ErrorCode(err) != aldyn.EUNAUTHORIZED {
		t.Errorf("after logout: got %v, want unauthorized", err)
	}
	// A session expires after the TTL.
	tok, _, err = f.svc.Login(ctx, "analyst", "correct horse battery", "10.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	*f.now = f.now.Add(f.svc.SessionTTL() + time.Minute)
	if _, err := f.svc.UserFromSession(ctx, tok); aldyn.ErrorCode(err) != aldyn.EUNAUTHORIZED {
		t.Errorf("after expiry: got %v, want unauthorized", err)
	}
	// A disabled user cannot sign in, with the same answer as a wrong password.
	tok, _, _ = f.svc.Login(ctx, "analyst", "correct horse battery", "10.0.0.2")
	disabled := true
	if _, err := f.db.UpdateUser(ctx, aldyn.System, f.user.ID, store.UserUpdate{Disabled: &disabled}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.UserFromSession(ctx, tok); err == nil {
		t.Error("the session of a disabled user still works")
	}
	_, _, err = f.svc.Login(ctx, "analyst", "correct horse battery", "10.0.0.3")
	_, _, err2 := f.svc.Login(ctx, "nobody", "correct horse battery", "10.0.0.3")
	if aldyn.ErrorMessage(err) != "auth.login_failed" || aldyn.ErrorMessage(err2) != "auth.login_failed" {
		t.Errorf("disabled and unknown: got %v and %v, want the same login_failed", err, err2)
	}
}

func TestLoginRateLimit(t *testing.T) {
	f := mustFixture(t)
	ctx := context.Background()
	for i := 0; i < 5; i++ {
		if _, _, err := f.svc.Login(ctx, "analyst", "wrong password!", "10.0.0.9"); aldyn.ErrorCode(err) != aldyn.EUNAUTHORIZED {
			t.Fatalf("attempt %d: got %v", i+1, err)
		}
	}
	_, _, err := f.svc.Login(ctx, "analyst", "correct horse battery", "10.0.0.9")
	if aldyn.ErrorCode(err) != aldyn.ETOOMANY {
		t.Fatalf("sixth attempt, even with the right password: got %v, want too many", err)
	}
	*f.now = f.now.Add(16 * time.Minute)
	if _, _, err := f.svc.Login(ctx, "analyst", "correct horse battery", "10.0.0.9"); err != nil {
		t.Errorf("after the window: got %v, want success", err)
	}
}

func TestAPITokensAndPasswords(t *testing.T) {
	f := mustFixture(t)
	ctx := context.Background()
	tok, err := f.svc.IssueAPIToken(ctx, aldyn.System, f.user.ID, "etl")
	if err != nil || !strings.HasPrefix(tok, auth.APITokenPrefix) {
		t.Fatalf("token %q: %v", tok, err)
	}
	if u, err := f.svc.UserFromAPIToken(ctx, tok); err != nil || u.ID != f.user.ID {
		t.Fatalf("token user: %v", err)
	}
	if _, err := f.svc.UserFromAPIToken(ctx, tok+"x"); err == nil {
		t.Error("a wrong token worked")
	}
	toks, _ := f.db.FindAPITokens(ctx, f.user.ID)
	if err := f.db.RevokeAPIToken(ctx, aldyn.System, toks[0].ID); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.UserFromAPIToken(ctx, tok); err == nil {
		t.Error("a revoked token worked")
	}
	// Disabling a user revokes its tokens.
	tok2, _ := f.svc.IssueAPIToken(ctx, aldyn.System, f.user.ID, "etl2")
	disabled := true
	f.db.UpdateUser(ctx, aldyn.System, f.user.ID, store.UserUpdate{Disabled: &disabled})
	enabled := false
	f.db.UpdateUser(ctx, aldyn.System, f.user.ID, store.UserUpdate{Disabled: &enabled})
	if _, err := f.svc.UserFromAPIToken(ctx, tok2); err == nil {
		t.Error("a token survived disabling its user")
	}
	// A reset gives a one-time password that works and must be changed.
	pw, err := f.svc.ResetPassword(ctx, aldyn.System, f.user.ID)
	if err != nil {
		t.Fatal(err)
	}
	_, u, err := f.svc.Login(ctx, "analyst", pw, "10.0.1.1")
	if err != nil || !u.MustChangePassword {
		t.Fatalf("login with the one-time password: %v, must change %v", err, u != nil && u.MustChangePassword)
	}
	if err := f.svc.SetPassword(ctx, aldyn.System, f.user.ID, "short"); aldyn.ErrorCode(err) != aldyn.EINVALID {
		t.Errorf("short password: got %v", err)
	}
	if err := f.svc.SetPassword(ctx, aldyn.System, f.user.ID, "a new long passphrase"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := f.svc.Login(ctx, "analyst", pw, "10.0.1.1"); err == nil {
		t.Error("the one-time password still works after a change")
	}
	es, _, _ := f.db.FindAuditEntries(ctx, aldyn.AuditFilter{Page: aldyn.Page{Limit: 500}})
	for _, e := range es {
		if strings.Contains(string(e.Before)+string(e.After), "argon2") {
			t.Errorf("the audit log holds a password hash: %s", e.After)
		}
	}
}

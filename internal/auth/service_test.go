package auth_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/auth"
	"github.com/aldyn-kg/aldyn/internal/store"
	"github.com/aldyn-kg/aldyn/internal/store/storetest"
)

const password = "correct horse battery"

// fixture is a database with one body and one analyst whose password is
// password, and a Service whose clock (and the store's) the test moves.
type fixture struct {
	db   *store.DB
	svc  *auth.Service
	body *aldyn.Body
	user *aldyn.User
	now  time.Time
}

func mustFixture(tb testing.TB, opts auth.Options) *fixture {
	tb.Helper()
	ctx := context.Background()
	f := &fixture{db: storetest.MustOpenDB(tb), now: time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)}
	f.db.Now = func() time.Time { return f.now }
	p := cheap
	opts.Params = &p
	f.svc = auth.NewService(f.db, opts) // its clock defaults to f.db.Now
	f.body = &aldyn.Body{TerritoryCode: "41708203000000", Type: "police", NameKy: "Аламүдүн РИИБ", NameRu: "Аламудинский РОВД", NameEn: "Alamudun district police"}
	if err := f.db.CreateBody(ctx, aldyn.System, f.body); err != nil {
		tb.Fatal(err)
	}
	f.user = f.mustUser(tb, "analyst", password)
	return f
}

func (f *fixture) mustUser(tb testing.TB, login, pw string) *aldyn.User {
	tb.Helper()
	u := &aldyn.User{Login: login, Name: strings.ToUpper(login), Role: aldyn.RoleAnalyst, BodyID: f.body.ID, PasswordHash: mustHash(tb, cheap, pw)}
	if err := f.db.CreateUser(context.Background(), aldyn.System, u); err != nil {
		tb.Fatal(err)
	}
	return u
}

func (f *fixture) mustLogin(tb testing.TB, login, pw string) string {
	tb.Helper()
	tok, _, err := f.svc.Login(context.Background(), login, pw, "10.0.0.1")
	if err != nil {
		tb.Fatalf("login %s: %v", login, err)
	}
	return tok
}

func (f *fixture) setDisabled(tb testing.TB, id int64, disabled bool) {
	tb.Helper()
	if _, err := f.db.UpdateUser(context.Background(), aldyn.System, id, store.UserUpdate{Disabled: &disabled}); err != nil {
		tb.Fatal(err)
	}
}

func wantCode(tb testing.TB, what string, err error, code, message string) {
	tb.Helper()
	if aldyn.ErrorCode(err) != code || (message != "" && aldyn.ErrorMessage(err) != message) {
		tb.Errorf("%s: got %v, want %s %q", what, err, code, message)
	}
}

func TestLoginLogout(t *testing.T) {
	f := mustFixture(t, auth.Options{})
	ctx := context.Background()
	tok, u, err := f.svc.Login(ctx, " Analyst ", password, "10.0.0.1")
	if err != nil {
		t.Fatalf("login: %v", err)
	}
	if u.ID != f.user.ID || u.LastLoginAt == nil || !u.LastLoginAt.Equal(f.now) {
		t.Errorf("login returned user %d last login %v, want %d at %v", u.ID, u.LastLoginAt, f.user.ID, f.now)
	}
	if stored, _ := f.db.FindUserByID(ctx, u.ID); stored.LastLoginAt == nil || !stored.LastLoginAt.Equal(f.now) {
		t.Errorf("stored last login: got %v, want %v", stored.LastLoginAt, f.now)
	}
	if len(tok) != 43 || strings.HasPrefix(tok, auth.APITokenPrefix) {
		t.Errorf("session token %q: want 43 base64url characters without the API prefix", tok)
	}
	got, err := f.svc.UserFromSession(ctx, tok)
	if err != nil || got.ID != f.user.ID || got.TerritoryCode != "41708203000000" {
		t.Fatalf("session user: got %+v, %v, want %d", got, err, f.user.ID)
	}
	a := f.svc.Actor(got)
	want := aldyn.Actor{UserID: f.user.ID, Login: "analyst", Role: aldyn.RoleAnalyst, BodyID: f.body.ID, TerritoryCode: "41708203000000",
		TerritoryPath: "/41700000000000/41708000000000/41708203000000/", Lang: "ky"}
	if *a != want {
		t.Errorf("actor: got %+v, want %+v", *a, want)
	}
	if f.svc.Actor(nil) != aldyn.Public {
		t.Error("Actor(nil): want aldyn.Public")
	}
	if _, err := f.svc.UserFromAPIToken(ctx, tok); err == nil {
		t.Error("a session token worked as an API token")
	}
	other := f.mustLogin(t, "analyst", password)
	if err := f.svc.Logout(ctx, tok); err != nil {
		t.Fatal(err)
	}
	_, err = f.svc.UserFromSession(ctx, tok)
	wantCode(t, "after logout", err, aldyn.EUNAUTHORIZED, "error.unauthorized")
	if _, err := f.svc.UserFromSession(ctx, other); err != nil {
		t.Errorf("logout ended another session of the user: %v", err)
	}
	for _, tok := range []string{tok, "", "no-such-token"} {
		if err := f.svc.Logout(ctx, tok); err != nil {
			t.Errorf("Logout(%q) of no session: got %v, want nil", tok, err)
		}
	}
	for _, tok := range []string{"", "x", strings.Repeat("a", 10000)} {
		_, err := f.svc.UserFromSession(ctx, tok)
		wantCode(t, "UserFromSession of a made-up token", err, aldyn.EUNAUTHORIZED, "")
	}
}

func TestSessionExpiry(t *testing.T) {
	for _, c := range []struct {
		name string
		ttl  time.Duration
		want time.Duration
	}{{"default 12 h", 0, 12 * time.Hour}, {"configured 1 h", time.Hour, time.Hour}} {
		t.Run(c.name, func(t *testing.T) {
			f := mustFixture(t, auth.Options{SessionTTL: c.ttl})
			ctx := context.Background()
			if got := f.svc.SessionTTL(); got != c.want {
				t.Fatalf("SessionTTL: got %v, want %v", got, c.want)
			}
			start := f.now
			tok := f.mustLogin(t, "analyst", password)
			f.now = start.Add(c.want - time.Second)
			if _, err := f.svc.UserFromSession(ctx, tok); err != nil {
				t.Errorf("a second before expiry: got %v, want the user", err)
			}
			// Use does not extend a session: the lifetime is absolute.
			f.now = start.Add(c.want)
			_, err := f.svc.UserFromSession(ctx, tok)
			wantCode(t, "at expiry", err, aldyn.EUNAUTHORIZED, "")
		})
	}
}

func TestLoginRefusals(t *testing.T) {
	f := mustFixture(t, auth.Options{PerLogin: 100, PerIP: 100})
	ctx := context.Background()
	disabled := f.mustUser(t, "disabled", password)
	f.setDisabled(t, disabled.ID, true)
	broken := &aldyn.User{Login: "broken", Name: "Broken", Role: aldyn.RoleAnalyst, BodyID: f.body.ID, PasswordHash: "not a hash"}
	if err := f.db.CreateUser(ctx, aldyn.System, broken); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ name, login, pw string }{
		{"wrong password", "analyst", "wrong horse battery"},
		{"empty password", "analyst", ""},
		{"unknown login", "nobody", password},
		{"disabled user with the right password", "disabled", password},
		{"user without a valid hash", "broken", password},
		{"empty login", "", ""},
		{"huge login", strings.Repeat("x", 1<<20), password},
	} {
		t.Run(c.name, func(t *testing.T) {
			tok, u, err := f.svc.Login(ctx, c.login, c.pw, "10.0.0.2")
			wantCode(t, "login", err, aldyn.EUNAUTHORIZED, "auth.login_failed")
			if tok != "" || u != nil {
				t.Errorf("got token %q and user %v with the error", tok, u)
			}
		})
	}
}

func TestDisablingEndsSessions(t *testing.T) {
	f := mustFixture(t, auth.Options{})
	ctx := context.Background()
	tok := f.mustLogin(t, "analyst", password)
	f.setDisabled(t, f.user.ID, true)
	_, err := f.svc.UserFromSession(ctx, tok)
	wantCode(t, "session of a disabled user", err, aldyn.EUNAUTHORIZED, "")
	f.setDisabled(t, f.user.ID, false)
	_, err = f.svc.UserFromSession(ctx, tok)
	wantCode(t, "session of a re-enabled user", err, aldyn.EUNAUTHORIZED, "")
	f.mustLogin(t, "analyst", password)
}

func TestLoginRateLimit(t *testing.T) {
	ctx := context.Background()
	fail := func(tb testing.TB, f *fixture, login, ip string) {
		tb.Helper()
		_, _, err := f.svc.Login(ctx, login, "wrong password!", ip)
		wantCode(tb, "wrong password", err, aldyn.EUNAUTHORIZED, "auth.login_failed")
	}
	minutes := func(err error) any {
		var e *aldyn.Error
		if errors.As(err, &e) {
			return e.Args["minutes"]
		}
		return nil
	}

	t.Run("per login", func(t *testing.T) {
		f := mustFixture(t, auth.Options{})
		f.mustUser(t, "other", password)
		start := f.now
		for i := 0; i < 5; i++ {
			fail(t, f, "analyst", "10.0.0.9")
			f.now = f.now.Add(time.Minute)
		}
		// Minute 5: the first failure leaves the window at minute 15.
		_, _, err := f.svc.Login(ctx, "analyst", password, "10.0.0.10")
		wantCode(t, "sixth attempt with the right password from another address", err, aldyn.ETOOMANY, "auth.too_many_attempts")
		if got := minutes(err); got != 10 {
			t.Errorf("minutes: got %v, want 10", got)
		}
		_, _, err = f.svc.Login(ctx, "ANALYST", password, "10.0.0.10")
		wantCode(t, "same login in other case", err, aldyn.ETOOMANY, "")
		f.mustLogin(t, "other", password) // another login is not affected
		// The window slides: at minute 15 one failure has left it, so one
		// attempt is allowed again, and after it the limit holds again.
		f.now = start.Add(15 * time.Minute)
		fail(t, f, "analyst", "10.0.0.9")
		_, _, err = f.svc.Login(ctx, "analyst", password, "10.0.0.9")
		wantCode(t, "after one more failure", err, aldyn.ETOOMANY, "")
		if got := minutes(err); got != 1 {
			t.Errorf("minutes: got %v, want 1", got)
		}
		f.now = start.Add(30 * time.Minute)
		if _, _, err := f.svc.Login(ctx, "analyst", password, "10.0.0.9"); err != nil {
			t.Errorf("after the window: got %v, want success", err)
		}
	})

	t.Run("success resets the login's count", func(t *testing.T) {
		f := mustFixture(t, auth.Options{})
		for i := 0; i < 4; i++ {
			fail(t, f, "analyst", "10.0.0.9")
		}
		f.mustLogin(t, "analyst", password)
		for i := 0; i < 5; i++ {
			fail(t, f, "analyst", "10.0.0.9")
		}
		_, _, err := f.svc.Login(ctx, "analyst", password, "10.0.0.9")
		wantCode(t, "after five failures since the success", err, aldyn.ETOOMANY, "")
	})

	t.Run("per address", func(t *testing.T) {
		f := mustFixture(t, auth.Options{})
		for i := 0; i < 20; i++ { // 20 different logins, each below its own limit
			fail(t, f, "guess"+string(rune('a'+i)), "2001:db8:1:2::1")
		}
		_, _, err := f.svc.Login(ctx, "analyst", password, "2001:db8:1:2::1")
		wantCode(t, "21st attempt from the address", err, aldyn.ETOOMANY, "auth.too_many_attempts")
		_, _, err = f.svc.Login(ctx, "analyst", password, "2001:db8:1:2:ffff::7")
		wantCode(t, "another address in the same IPv6 /64", err, aldyn.ETOOMANY, "")
		f.mustLogin(t, "analyst", password) // from 10.0.0.1
		f.now = f.now.Add(15 * time.Minute)
		if _, _, err := f.svc.Login(ctx, "analyst", password, "2001:db8:1:2::1"); err != nil {
			t.Errorf("after the window: got %v, want success", err)
		}
	})

	t.Run("configured limits", func(t *testing.T) {
		f := mustFixture(t, auth.Options{PerLogin: 2, Window: time.Hour})
		fail(t, f, "analyst", "10.0.0.9")
		fail(t, f, "analyst", "10.0.0.9")
		_, _, err := f.svc.Login(ctx, "analyst", password, "10.0.0.9")
		wantCode(t, "third attempt", err, aldyn.ETOOMANY, "")
		if got := minutes(err); got != 60 {
			t.Errorf("minutes: got %v, want 60", got)
		}
	})

	t.Run("parallel attempts", func(t *testing.T) {
		// Attempts are counted before the password is checked, so parallel
		// requests get no more than the limit.
		f := mustFixture(t, auth.Options{})
		codes := make(chan string, 30)
		var wg sync.WaitGroup
		for i := 0; i < 30; i++ {
			wg.Go(func() {
				_, _, err := f.svc.Login(ctx, "analyst", "wrong password!", "10.0.0.9")
				codes <- aldyn.ErrorCode(err)
			})
		}
		wg.Wait()
		close(codes)
		got := map[string]int{}
		for c := range codes {
			got[c]++
		}
		if got[aldyn.EUNAUTHORIZED] != 5 || got[aldyn.ETOOMANY] != 25 {
			t.Errorf("30 parallel failures: got %v, want 5 checked and 25 refused", got)
		}
	})

	t.Run("parallel right passwords", func(t *testing.T) {
		// Successes do not count: 40 people of one office (one address)
		// signing in with the same account at once all get in, even after
		// some failures, and the limit still holds for wrong passwords.
		f := mustFixture(t, auth.Options{})
		for i := 0; i < 4; i++ {
			fail(t, f, "analyst", "10.0.0.9")
		}
		run := func(pw string, n int) map[string]int {
			codes := make(chan string, n)
			var wg sync.WaitGroup
			for i := 0; i < n; i++ {
				wg.Go(func() {
					_, _, err := f.svc.Login(ctx, "analyst", pw, "10.0.0.9")
					codes <- aldyn.ErrorCode(err)
				})
			}
			wg.Wait()
			close(codes)
			got := map[string]int{}
			for c := range codes {
				got[c]++
			}
			return got
		}
		if got := run(password, 40); got[""] != 40 {
			t.Errorf("40 parallel right passwords: got %v, want 40 successes", got)
		}
		// The successes reset the login's count: 5 more failures, no more.
		if got := run("wrong password!", 30); got[aldyn.EUNAUTHORIZED] != 5 || got[aldyn.ETOOMANY] != 25 {
			t.Errorf("30 parallel wrong passwords after: got %v, want 5 checked and 25 refused", got)
		}
	})
}

func TestAPITokens(t *testing.T) {
	f := mustFixture(t, auth.Options{})
	ctx := context.Background()
	tok, err := f.svc.IssueAPIToken(ctx, aldyn.System, f.user.ID, " etl ")
	if err != nil || !strings.HasPrefix(tok, auth.APITokenPrefix) || len(tok) != len(auth.APITokenPrefix)+43 {
		t.Fatalf("IssueAPIToken: got %q, %v, want aldyn_ and 43 characters", tok, err)
	}
	toks, err := f.db.FindAPITokens(ctx, f.user.ID)
	if err != nil || len(toks) != 1 || toks[0].Name != "etl" {
		t.Fatalf("stored tokens: got %+v, %v, want one named etl", toks, err)
	}
	if u, err := f.svc.UserFromAPIToken(ctx, tok); err != nil || u.ID != f.user.ID {
		t.Fatalf("token user: got %v, %v, want %d", u, err, f.user.ID)
	}
	for _, c := range []struct{ name, tok string }{
		{"changed last character", flipLast(tok)},
		{"appended character", tok + "x"},
		{"without prefix", strings.TrimPrefix(tok, auth.APITokenPrefix)},
		{"prefix only", auth.APITokenPrefix},
		{"empty", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := f.svc.UserFromAPIToken(ctx, c.tok)
			wantCode(t, "UserFromAPIToken", err, aldyn.EUNAUTHORIZED, "error.unauthorized")
		})
	}
	if _, err := f.svc.UserFromSession(ctx, tok); err == nil {
		t.Error("an API token worked as a session token")
	}

	t.Run("revoked", func(t *testing.T) {
		if err := f.db.RevokeAPIToken(ctx, aldyn.System, toks[0].ID); err != nil {
			t.Fatal(err)
		}
		_, err := f.svc.UserFromAPIToken(ctx, tok)
		wantCode(t, "revoked token", err, aldyn.EUNAUTHORIZED, "")
	})

	t.Run("disabling the user revokes its tokens", func(t *testing.T) {
		tok2, err := f.svc.IssueAPIToken(ctx, aldyn.System, f.user.ID, "etl2")
		if err != nil {
			t.Fatal(err)
		}
		f.setDisabled(t, f.user.ID, true)
		_, err = f.svc.UserFromAPIToken(ctx, tok2)
		wantCode(t, "token of a disabled user", err, aldyn.EUNAUTHORIZED, "")
		f.setDisabled(t, f.user.ID, false)
		_, err = f.svc.UserFromAPIToken(ctx, tok2)
		wantCode(t, "token of a re-enabled user", err, aldyn.EUNAUTHORIZED, "")
	})

	t.Run("names", func(t *testing.T) {
		for _, c := range []struct{ name, field string }{{"", "error.required"}, {"   ", "error.required"}, {strings.Repeat("ө", 101), "error.too_long"}} {
			_, err := f.svc.IssueAPIToken(ctx, aldyn.System, f.user.ID, c.name)
			var e *aldyn.Error
			if !errors.As(err, &e) || e.Code != aldyn.EINVALID || e.Fields["name"] != c.field {
				t.Errorf("name %q: got %v, want invalid with name %s", c.name, err, c.field)
			}
		}
		if _, err := f.svc.IssueAPIToken(ctx, aldyn.System, f.user.ID, strings.Repeat("ө", 100)); err != nil {
			t.Errorf("name of 100 characters: %v", err)
		}
	})

	t.Run("only for oneself or as administrator", func(t *testing.T) {
		other := f.mustUser(t, "other", password)
		_, err := f.svc.IssueAPIToken(ctx, f.svc.Actor(f.user), other.ID, "theirs")
		wantCode(t, "an analyst issuing a token for another user", err, aldyn.EFORBIDDEN, "")
		if _, err := f.svc.IssueAPIToken(ctx, f.svc.Actor(f.user), f.user.ID, "mine"); err != nil {
			t.Errorf("issuing one's own token: %v", err)
		}
	})
}

func TestAPITokenExpiry(t *testing.T) {
	f := mustFixture(t, auth.Options{TokenTTL: 30 * 24 * time.Hour})
	ctx := context.Background()
	me := f.svc.Actor(f.user)
	tok, err := f.svc.IssueAPIToken(ctx, me, f.user.ID, "etl")
	if err != nil {
		t.Fatal(err)
	}
	toks, _ := f.db.FindAPITokens(ctx, f.user.ID)
	if len(toks) != 1 || !toks[0].ExpiresAt.Equal(f.now.Add(30*24*time.Hour)) {
		t.Fatalf("stored tokens: got %+v, want one expiring in 30 days", toks)
	}
	id := toks[0].ID
	f.now = f.now.Add(30*24*time.Hour - time.Second)
	if _, err := f.svc.UserFromAPIToken(ctx, tok); err != nil {
		t.Errorf("a second before expiry: got %v, want the user", err)
	}
	f.now = f.now.Add(time.Second)
	_, err = f.svc.UserFromAPIToken(ctx, tok)
	wantCode(t, "expired token", err, aldyn.EUNAUTHORIZED, "error.unauthorized")
	if toks, _ := f.db.FindAPITokens(ctx, f.user.ID); !toks[0].Expired(f.now) {
		t.Errorf("listed token: Expired at %v got false, want true", f.now)
	}

	t.Run("renewal", func(t *testing.T) {
		other := f.mustUser(t, "other", password)
		_, err := f.svc.RenewAPIToken(ctx, f.svc.Actor(other), id)
		wantCode(t, "another analyst renewing the token", err, aldyn.EFORBIDDEN, "")
		renewed, err := f.svc.RenewAPIToken(ctx, me, id)
		if err != nil || !renewed.ExpiresAt.Equal(f.now.Add(30*24*time.Hour)) {
			t.Fatalf("renew: got %+v, %v, want expiry in 30 days from now", renewed, err)
		}
		if u, err := f.svc.UserFromAPIToken(ctx, tok); err != nil || u.ID != f.user.ID {
			t.Errorf("the renewed token: got %v, %v, want the user", u, err)
		}
		f.now = f.now.Add(29 * 24 * time.Hour)
		if _, err := f.svc.UserFromAPIToken(ctx, tok); err != nil {
			t.Errorf("29 days after renewal: got %v, want the user", err)
		}
		if err := f.db.RevokeAPIToken(ctx, me, id); err != nil {
			t.Fatal(err)
		}
		_, err = f.svc.RenewAPIToken(ctx, me, id)
		wantCode(t, "renewing a revoked token", err, aldyn.ENOTFOUND, "")
		_, err = f.svc.UserFromAPIToken(ctx, tok)
		wantCode(t, "revoked token", err, aldyn.EUNAUTHORIZED, "")
	})
}

// flipLast changes the last character of s to another base64url one.
func flipLast(s string) string {
	c := "A"
	if s[len(s)-1] == 'A' {
		c = "B"
	}
	return s[:len(s)-1] + c
}

func TestPasswords(t *testing.T) {
	f := mustFixture(t, auth.Options{})
	ctx := context.Background()
	old := f.mustLogin(t, "analyst", password)

	tok, err := f.svc.IssueAPIToken(ctx, f.svc.Actor(f.user), f.user.ID, "etl")
	if err != nil {
		t.Fatal(err)
	}
	pw, err := f.svc.ResetPassword(ctx, aldyn.System, f.user.ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.UserFromSession(ctx, old); err == nil {
		t.Error("a session survived the password reset")
	}
	_, err = f.svc.UserFromAPIToken(ctx, tok)
	wantCode(t, "an API token after the password reset", err, aldyn.EUNAUTHORIZED, "")
	_, err = f.svc.IssueAPIToken(ctx, aldyn.System, f.user.ID, "etl")
	wantCode(t, "a token for a user with a one-time password", err, aldyn.EFORBIDDEN, "user.error.token_one_time_password")
	_, _, err = f.svc.Login(ctx, "analyst", password, "10.0.1.1")
	wantCode(t, "old password after reset", err, aldyn.EUNAUTHORIZED, "auth.login_failed")
	_, u, err := f.svc.Login(ctx, "analyst", pw, "10.0.1.1")
	if err != nil || !u.MustChangePassword {
		t.Fatalf("login with the one-time password: got %v, must change %v, want success and true", err, u != nil && u.MustChangePassword)
	}
	stored, _ := f.db.FindUserByID(ctx, f.user.ID)
	if !stored.MustChangePassword {
		t.Errorf("stored MustChangePassword: got false, want true")
	}

	t.Run("policy", func(t *testing.T) {
		for _, bad := range []string{"short", "123456789", strings.Repeat("x", 201)} {
			err := f.svc.SetPassword(ctx, aldyn.System, f.user.ID, bad)
			wantCode(t, "SetPassword("+bad[:min(len(bad), 12)]+")", err, aldyn.EINVALID, "error.validation")
		}
		if _, _, err := f.svc.Login(ctx, "analyst", pw, "10.0.1.1"); err != nil {
			t.Errorf("a refused password replaced the one-time password: %v", err)
		}
	})

	t.Run("set", func(t *testing.T) {
		if err := f.svc.SetPassword(ctx, f.svc.Actor(f.user), f.user.ID, "a new long passphrase"); err != nil {
			t.Fatal(err)
		}
		_, _, err := f.svc.Login(ctx, "analyst", pw, "10.0.1.1")
		wantCode(t, "one-time password after a change", err, aldyn.EUNAUTHORIZED, "")
		_, u, err := f.svc.Login(ctx, "analyst", "a new long passphrase", "10.0.1.1")
		if err != nil || u.MustChangePassword {
			t.Errorf("login with the new password: got %v, must change %v, want success and false", err, u != nil && u.MustChangePassword)
		}
		// Once the password is the user's own, tokens may be issued again,
		// and changing it again keeps them.
		tok, err := f.svc.IssueAPIToken(ctx, f.svc.Actor(f.user), f.user.ID, "etl")
		if err != nil {
			t.Fatalf("a token after the change: %v", err)
		}
		if err := f.svc.SetPassword(ctx, f.svc.Actor(f.user), f.user.ID, "another long passphrase"); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.UserFromAPIToken(ctx, tok); err != nil {
			t.Errorf("a token after the user's own change: got %v, want it to work", err)
		}
	})

	t.Run("others' passwords need an administrator", func(t *testing.T) {
		other := f.mustUser(t, "other", password)
		err := f.svc.SetPassword(ctx, f.svc.Actor(f.user), other.ID, "an analyst's choice")
		wantCode(t, "analyst setting another user's password", err, aldyn.EFORBIDDEN, "")
		_, err = f.svc.ResetPassword(ctx, f.svc.Actor(f.user), other.ID)
		wantCode(t, "analyst resetting another user's password", err, aldyn.EFORBIDDEN, "")
		f.mustLogin(t, "other", password)
	})

	t.Run("no hash in the audit log", func(t *testing.T) {
		es, _, err := f.db.FindAuditEntries(ctx, aldyn.AuditFilter{Page: aldyn.Page{Limit: 500}})
		if err != nil || len(es) == 0 {
			t.Fatalf("audit entries: got %d, %v", len(es), err)
		}
		for _, e := range es {
			if s := string(e.Before) + string(e.After); strings.Contains(s, "argon2") || strings.Contains(s, pw) {
				t.Errorf("the audit log holds a password or its hash: %s", s)
			}
		}
	})
}

func TestChangePassword(t *testing.T) {
	f := mustFixture(t, auth.Options{})
	ctx := context.Background()
	me := f.svc.Actor(f.user)
	fields := func(err error) map[string]string {
		var e *aldyn.Error
		if errors.As(err, &e) {
			return e.Fields
		}
		return nil
	}
	err := f.svc.ChangePassword(ctx, aldyn.Public, password, "a new long passphrase", "10.0.2.1")
	wantCode(t, "anonymous", err, aldyn.EUNAUTHORIZED, "")
	err = f.svc.ChangePassword(ctx, me, password, "short", "10.0.2.1")
	if got := fields(err)["new_password"]; got != "user.error.password_short" {
		t.Errorf("short new password: got %v, want new_password user.error.password_short", err)
	}
	for i := 0; i < 5; i++ {
		err = f.svc.ChangePassword(ctx, me, "wrong password!", "a new long passphrase", "10.0.2.1")
		if got := fields(err)["password"]; aldyn.ErrorCode(err) != aldyn.EINVALID || got != "auth.login_failed" {
			t.Fatalf("wrong current password %d: got %v, want invalid with password auth.login_failed", i+1, err)
		}
	}
	err = f.svc.ChangePassword(ctx, me, password, "a new long passphrase", "10.0.2.1")
	wantCode(t, "sixth attempt", err, aldyn.ETOOMANY, "auth.too_many_attempts")
	_, _, err = f.svc.Login(ctx, "analyst", password, "10.0.2.2")
	wantCode(t, "login after five wrong current passwords", err, aldyn.ETOOMANY, "")
	f.now = f.now.Add(15 * time.Minute)
	if err := f.svc.ChangePassword(ctx, me, password, "a new long passphrase", "10.0.2.1"); err != nil {
		t.Fatalf("after the window: %v", err)
	}
	f.mustLogin(t, "analyst", "a new long passphrase")
}

func TestCreateUser(t *testing.T) {
	f := mustFixture(t, auth.Options{})
	ctx := context.Background()
	u := &aldyn.User{Login: "reporter", Name: "Reporter", Role: aldyn.RoleReporter, BodyID: f.body.ID}
	err := f.svc.CreateUser(ctx, aldyn.System, u, "short")
	wantCode(t, "short password", err, aldyn.EINVALID, "")
	if err := f.svc.CreateUser(ctx, aldyn.System, u, "a long first password"); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(u.PasswordHash, "$argon2id$v=19$m=1024,t=1,p=1$") {
		t.Errorf("hash %q: want the Service's parameters", u.PasswordHash)
	}
	f.mustLogin(t, "reporter", "a long first password")
}

func TestLoginErrorsDoNotCount(t *testing.T) {
	// A login that fails for the server's reasons (here a cancelled
	// request) is not the caller's failed attempt: with a limit of one,
	// the right password still gets in afterwards.
	f := mustFixture(t, auth.Options{PerLogin: 1, PerIP: 1})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, _, err := f.svc.Login(ctx, "analyst", "wrong password!", "10.0.0.1")
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled login: got %v, want context.Canceled", err)
	}
	f.mustLogin(t, "analyst", password)
}

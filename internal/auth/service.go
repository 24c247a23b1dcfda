package auth

import (
	"context"
	"fmt"
	"math"
	"runtime"
	"strings"
	"time"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/store"
)

// Options configure a Service. The zero value gives the defaults.
type Options struct {
	// SessionTTL is the absolute lifetime of a session; default 12 h. A
	// session is not extended by use: one working day, after which the
	// officer signs in again, bounds what a stolen cookie is worth.
	SessionTTL time.Duration
	// TokenTTL is the lifetime of a new or renewed API token; default 90
	// days, so a forgotten token stops working by itself while one in use
	// is renewed a few times a year.
	TokenTTL time.Duration
	// Failed sign-ins allowed within Window per login (default 5) and per
	// client address (default 20; an office often shares one address).
	PerLogin, PerIP int
	Window          time.Duration // default 15 min
	// Now is the clock of session expiry and the rate limit; default the
	// store's clock, so that one clock decides both creating and checking.
	Now func() time.Time
	// Params of new password hashes; nil means DefaultParams. Tests use
	// cheap ones to stay fast.
	Params *Params
	// MaxConcurrentHashes bounds the argon2 computations running at once,
	// each of which takes Params.Memory; default GOMAXPROCS. Requests
	// beyond it wait, so a burst of sign-ins costs time, not memory.
	MaxConcurrentHashes int
}

// Service signs people in and out, resolves session and API tokens to
// users, and sets passwords.
type Service struct {
	db     *store.DB
	opts   Options
	params Params
	limit  *limiter
	slots  chan struct{}
	// dummy is checked for logins that do not exist, so that they take as
	// long as a wrong password for one that does. It matches no password.
	dummy string
}

// NewService returns a Service on db.
func NewService(db *store.DB, opts Options) *Service {
	if opts.SessionTTL <= 0 {
		opts.SessionTTL = 12 * time.Hour
	}
	if opts.TokenTTL <= 0 {
		opts.TokenTTL = 90 * 24 * time.Hour
	}
	if opts.PerLogin <= 0 {
		opts.PerLogin = 5
	}
	if opts.PerIP <= 0 {
		opts.PerIP = 20
	}
	if opts.Window <= 0 {
		opts.Window = 15 * time.Minute
	}
	if opts.Now == nil {
		opts.Now = func() time.Time { return db.Now() }
	}
	if opts.MaxConcurrentHashes <= 0 {
		opts.MaxConcurrentHashes = runtime.GOMAXPROCS(0)
	}
	p := DefaultParams
	if opts.Params != nil {
		p = *opts.Params
	}
	return &Service{db: db, opts: opts, params: p, limit: newLimiter(opts.Now, opts.Window),
		slots: make(chan struct{}, opts.MaxConcurrentHashes),
		dummy: p.encode(make([]byte, saltLen), make([]byte, keyLen))}
}

// SessionTTL is the lifetime of new sessions, for the cookie's Max-Age.
func (s *Service) SessionTTL() time.Duration { return s.opts.SessionTTL }

// TokenTTL is the lifetime of a new or renewed API token.
func (s *Service) TokenTTL() time.Duration { return s.opts.TokenTTL }

// acquire waits for a free hashing slot.
func (s *Service) acquire(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	select {
	case s.slots <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (s *Service) hash(ctx context.Context, pw string) (string, error) {
	if err := s.acquire(ctx); err != nil {
		return "", err
	}
	defer func() { <-s.slots }()
	return s.params.Hash(pw)
}

// check compares pw with encoded. A stored value that is no valid hash
// counts as a mismatch, after the same work as a real check.
func (s *Service) check(ctx context.Context, encoded, pw string) (bool, error) {
	if err := s.acquire(ctx); err != nil {
		return false, err
	}
	defer func() { <-s.slots }()
	ok, err := checkPassword(encoded, pw)
	if err != nil {
		checkPassword(s.dummy, pw)
		return false, nil
	}
	return ok, nil
}

func tooMany(wait time.Duration) error {
	return aldyn.Errorf(aldyn.ETOOMANY, "auth.too_many_attempts", "minutes", max(1, int(math.Ceil(wait.Minutes()))))
}

// verify checks password against the stored hash of the user find
// returns, as a sign-in of login from remoteIP: every password check goes
// through it, so each is within the rate limit and the pool of hashes. An
// unknown user, a wrong password and a disabled account all get
// EUNAUTHORIZED "auth.login_failed" after the same work and count as
// failures; more than PerLogin failures for one login or PerIP from one
// address within Window get ETOOMANY "auth.too_many_attempts" (argument
// "minutes") without a check, even for the right password. Errors that are
// not the caller's fault do not count.
func (s *Service) verify(ctx context.Context, login, remoteIP, password string, find func(context.Context) (*aldyn.User, error)) (*aldyn.User, error) {
	lk := loginKey(login)
	a, wait, err := s.limit.begin(ctx, limitedKey{lk, s.opts.PerLogin}, limitedKey{ipKey(remoteIP), s.opts.PerIP})
	if err != nil {
		return nil, err
	}
	if wait > 0 {
		return nil, tooMany(wait)
	}
	u, err := find(ctx)
	encoded := s.dummy
	if err == nil {
		encoded = u.PasswordHash
	} else if aldyn.ErrorCode(err) != aldyn.ENOTFOUND {
		a.end()
		return nil, err
	}
	ok, err := s.check(ctx, encoded, password)
	if err != nil {
		a.end()
		return nil, err
	}
	if u == nil || !ok || u.Disabled {
		a.fail()
		return nil, aldyn.Errorf(aldyn.EUNAUTHORIZED, "auth.login_failed")
	}
	a.end()
	// The owner got in: earlier failures for this login were most likely
	// theirs. The address keeps its other failures.
	s.limit.reset(lk)
	return u, nil
}

// Login checks a login and password (see verify for the answers and the
// limits) and starts a session, whose token it returns with the user.
func (s *Service) Login(ctx context.Context, login, password, remoteIP string) (string, *aldyn.User, error) {
	login = strings.ToLower(strings.TrimSpace(login))
	u, err := s.verify(ctx, login, remoteIP, password, func(ctx context.Context) (*aldyn.User, error) {
		return s.db.FindUserByLogin(ctx, login)
	})
	if err != nil {
		if rerr := s.recordFailure(ctx, login, remoteIP, err); rerr != nil {
			return "", nil, fmt.Errorf("login: %w", rerr)
		}
		return "", nil, err
	}
	token, hash := NewToken("")
	now := s.opts.Now()
	if err := s.db.CreateSession(ctx, store.Session{TokenHash: hash, UserID: u.ID, ExpiresAt: now.Add(s.opts.SessionTTL)}); err != nil {
		return "", nil, fmt.Errorf("login: %w", err)
	}
	if err := s.db.TouchLogin(ctx, u.ID); err != nil {
		return "", nil, fmt.Errorf("login: %w", err)
	}
	u.LastLoginAt = &now
	if err := s.db.RecordSignIn(ctx, store.SignIn{Login: login, User: u, IP: remoteIP, Result: store.SignInOK}); err != nil {
		return "", nil, fmt.Errorf("login: %w", err)
	}
	return token, u, nil
}

// recordFailure puts a refused sign-in in the audit log, with why it was
// refused; errors that are not a refusal are not sign-in attempts.
func (s *Service) recordFailure(ctx context.Context, login, remoteIP string, err error) error {
	in := store.SignIn{Login: login, IP: remoteIP}
	switch aldyn.ErrorCode(err) {
	case aldyn.ETOOMANY:
		in.Result = store.SignInTooMany
	case aldyn.EUNAUTHORIZED:
		in.Result = store.SignInUnknownLogin
	default:
		return nil
	}
	u, ferr := s.db.FindUserByLogin(ctx, login)
	switch {
	case ferr == nil:
		in.User = u
		if in.Result == store.SignInUnknownLogin {
			in.Result = store.SignInWrongPassword
			if u.Disabled {
				in.Result = store.SignInDisabled
			}
		}
	case aldyn.ErrorCode(ferr) != aldyn.ENOTFOUND:
		return ferr
	}
	return s.db.RecordSignIn(ctx, in)
}

// Logout ends the session of token. Ending a session that does not exist
// is no error.
func (s *Service) Logout(ctx context.Context, token string) error {
	if token == "" {
		return nil
	}
	return s.db.DeleteSession(ctx, HashToken(token))
}

// maxTokenLen is far above the 43 (+ prefix) characters of a real token;
// longer input is refused without hashing it or asking the database.
const maxTokenLen = 128

func unauthorized() error { return aldyn.Errorf(aldyn.EUNAUTHORIZED, "error.unauthorized") }

// UserFromSession returns the enabled user of an unexpired session, or
// EUNAUTHORIZED.
func (s *Service) UserFromSession(ctx context.Context, token string) (*aldyn.User, error) {
	if token == "" || len(token) > maxTokenLen {
		return nil, unauthorized()
	}
	return s.db.FindSessionUser(ctx, HashToken(token))
}

// UserFromAPIToken returns the enabled user of an unrevoked, unexpired API token, or
// EUNAUTHORIZED. A session token is no API token: it lacks the prefix.
func (s *Service) UserFromAPIToken(ctx context.Context, token string) (*aldyn.User, error) {
	if !strings.HasPrefix(token, APITokenPrefix) || len(token) > maxTokenLen {
		return nil, unauthorized()
	}
	return s.db.FindTokenUser(ctx, HashToken(token))
}

// Actor is who u is for scope decisions; aldyn.Public when u is nil.
func (s *Service) Actor(u *aldyn.User) *aldyn.Actor {
	if u == nil {
		return aldyn.Public
	}
	return &aldyn.Actor{UserID: u.ID, Login: u.Login, Role: u.Role, BodyID: u.BodyID, TerritoryCode: u.TerritoryCode,
		TerritoryPath: u.TerritoryPath, Lang: u.Lang}
}

// IssueAPIToken creates an API token named name for user userID, valid
// for TokenTTL, and returns it; it is shown this once, since only its hash
// is kept. Users may issue tokens for themselves, administrators for users
// within their territory; users who must still replace a one-time
// password get none.
func (s *Service) IssueAPIToken(ctx context.Context, actor *aldyn.Actor, userID int64, name string) (string, error) {
	name = strings.TrimSpace(name)
	v := aldyn.Validation{}
	if name == "" {
		v.Add("name", "error.required")
	} else if len([]rune(name)) > 100 {
		v.Add("name", "error.too_long")
	}
	if err := v.Err(); err != nil {
		return "", err
	}
	token, hash := NewToken(APITokenPrefix)
	if _, err := s.db.CreateAPIToken(ctx, actor, userID, name, hash, s.opts.Now().Add(s.opts.TokenTTL)); err != nil {
		return "", err
	}
	return token, nil
}

// RenewAPIToken makes the unrevoked API token id, expired or not, valid
// for TokenTTL from now, keeping its value. Who may renew a token is who
// may revoke it: its owner and administrators of the owner's territory.
func (s *Service) RenewAPIToken(ctx context.Context, actor *aldyn.Actor, id int64) (*aldyn.APIToken, error) {
	return s.db.RenewAPIToken(ctx, actor, id, s.opts.Now().Add(s.opts.TokenTTL))
}

// CreateUser creates u with password pw, which must pass
// aldyn.ValidatePassword.
func (s *Service) CreateUser(ctx context.Context, actor *aldyn.Actor, u *aldyn.User, pw string) error {
	if err := aldyn.ValidatePassword(pw); err != nil {
		return err
	}
	h, err := s.hash(ctx, pw)
	if err != nil {
		return err
	}
	u.PasswordHash = h
	return s.db.CreateUser(ctx, actor, u)
}

// SetPassword gives user userID the password pw, which must pass
// aldyn.ValidatePassword, and clears MustChangePassword. The store ends
// every session of the user. Users may set their own password,
// administrators anyone's within their territory.
func (s *Service) SetPassword(ctx context.Context, actor *aldyn.Actor, userID int64, pw string) error {
	if err := aldyn.ValidatePassword(pw); err != nil {
		return err
	}
	return s.setHash(ctx, actor, userID, pw, false)
}

func (s *Service) setHash(ctx context.Context, actor *aldyn.Actor, userID int64, pw string, mustChange bool) error {
	h, err := s.hash(ctx, pw)
	if err != nil {
		return err
	}
	_, err = s.db.UpdateUser(ctx, actor, userID, store.UserUpdate{PasswordHash: &h, MustChangePassword: &mustChange})
	return err
}

// ChangePassword changes the signed-in actor's own password after checking
// the current one, with the same rate limit as Login. A wrong current
// password is EINVALID with field "password" ("auth.login_failed"); a new
// password the policy refuses is EINVALID with field "new_password".
func (s *Service) ChangePassword(ctx context.Context, actor *aldyn.Actor, current, newPassword, remoteIP string) error {
	if !actor.SignedIn() || actor.UserID == 0 {
		return unauthorized()
	}
	if err := aldyn.ValidatePassword(newPassword); err != nil {
		e := err.(*aldyn.Error)
		return &aldyn.Error{Code: e.Code, Message: e.Message, Fields: map[string]string{"new_password": e.Fields["password"]}}
	}
	u, err := s.verify(ctx, actor.Login, remoteIP, current, func(ctx context.Context) (*aldyn.User, error) {
		return s.db.FindUserByID(ctx, actor.UserID)
	})
	if aldyn.ErrorCode(err) == aldyn.EUNAUTHORIZED {
		return &aldyn.Error{Code: aldyn.EINVALID, Message: "error.validation", Fields: map[string]string{"password": "auth.login_failed"}}
	}
	if err != nil {
		return err
	}
	return s.setHash(ctx, actor, u.ID, newPassword, false)
}

// ResetPassword gives user userID a new one-time password, returned to be
// handed over, and sets MustChangePassword so the user replaces it after
// signing in. The store ends every session of the user and revokes the
// user's API tokens.
func (s *Service) ResetPassword(ctx context.Context, actor *aldyn.Actor, userID int64) (string, error) {
	pw := RandomPassword()
	if err := s.setHash(ctx, actor, userID, pw, true); err != nil {
		return "", err
	}
	return pw, nil
}

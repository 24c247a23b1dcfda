// Package auth owns how people and machines prove who they are: argon2id
// password hashes, server-side sessions, API tokens and the login rate
// limit. The store keeps only hashes of session and API tokens.
package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"math/big"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/store"
	"golang.org/x/crypto/argon2"
)

// Argon2id parameters (OWASP: m=19 MiB, t=2 is the minimum; we use more
// memory). Hashes record their parameters, so they can change later.
type Params struct {
	Memory  uint32 // KiB
	Time    uint32
	Threads uint8
}

// DefaultParams are used for new hashes.
var DefaultParams = Params{Memory: 64 * 1024, Time: 3, Threads: 2}

// HashPassword returns the PHC string of an argon2id hash of pw.
func HashPassword(pw string) (string, error) { return hashWith(DefaultParams, pw) }

func hashWith(p Params, pw string) (string, error) {
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	key := argon2.IDKey([]byte(pw), salt, p.Time, p.Memory, p.Threads, 32)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, p.Memory, p.Time, p.Threads,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key)), nil
}

func decode(encoded string) (p Params, salt, key []byte, err error) {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return p, nil, nil, fmt.Errorf("not an argon2id hash")
	}
	var v int
	if _, err = fmt.Sscanf(parts[2], "v=%d", &v); err != nil || v != argon2.Version {
		return p, nil, nil, fmt.Errorf("unsupported argon2 version")
	}
	if _, err = fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.Memory, &p.Time, &p.Threads); err != nil {
		return p, nil, nil, fmt.Errorf("bad argon2 parameters: %w", err)
	}
	if salt, err = base64.RawStdEncoding.DecodeString(parts[4]); err != nil {
		return p, nil, nil, err
	}
	if key, err = base64.RawStdEncoding.DecodeString(parts[5]); err != nil {
		return p, nil, nil, err
	}
	return p, salt, key, nil
}

// CheckPassword reports whether pw matches the encoded hash, in constant time.
func CheckPassword(encoded, pw string) (bool, error) {
	p, salt, key, err := decode(encoded)
	if err != nil {
		return false, err
	}
	got := argon2.IDKey([]byte(pw), salt, p.Time, p.Memory, p.Threads, uint32(len(key)))
	return subtle.ConstantTimeCompare(got, key) == 1, nil
}

// NeedsRehash reports whether a hash was made with other parameters than
// the current defaults.
func NeedsRehash(encoded string) bool {
	p, _, _, err := decode(encoded)
	return err != nil || p != DefaultParams
}

// RandomPassword returns a one-time password of 20 characters without
// look-alike characters.
func RandomPassword() string {
	const alphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
	b := make([]byte, 20)
	for i := range b {
		n, err := rand.Int(rand.Reader, big.NewInt(int64(len(alphabet))))
		if err != nil {
			panic(err)
		}
		b[i] = alphabet[n.Int64()]
	}
	return string(b)
}

// NewToken returns a random token and its hash. Tokens carry 256 bits of
// randomness, so a plain SHA-256 is enough to store them: a slow hash
// protects guessable secrets, and these are not guessable.
func NewToken(prefix string) (token, hash string) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	token = prefix + base64.RawURLEncoding.EncodeToString(b)
	return token, HashToken(token)
}

// HashToken is how tokens are looked up.
func HashToken(token string) string {
	s := sha256.Sum256([]byte(token))
	return hex.EncodeToString(s[:])
}

// CookieName is the session cookie.
const CookieName = "aldyn_session"

// APITokenPrefix marks API tokens so secret scanners can find leaked ones.
const APITokenPrefix = "aldyn_"

// SessionCookie is the cookie carrying a session token.
func SessionCookie(token string, secure bool, maxAge time.Duration) *http.Cookie {
	return &http.Cookie{Name: CookieName, Value: token, Path: "/", HttpOnly: true, Secure: secure, SameSite: http.SameSiteLaxMode, MaxAge: int(maxAge.Seconds())}
}

// ClearCookie removes the session cookie.
func ClearCookie(secure bool) *http.Cookie {
	return &http.Cookie{Name: CookieName, Value: "", Path: "/", HttpOnly: true, Secure: secure, SameSite: http.SameSiteLaxMode, MaxAge: -1}
}

// BearerToken returns the token of an "Authorization: Bearer" header.
func BearerToken(r *http.Request) string {
	h := r.Header.Get("Authorization")
	if len(h) > 7 && strings.EqualFold(h[:7], "bearer ") {
		return strings.TrimSpace(h[7:])
	}
	return ""
}

// Options configure a Service.
type Options struct {
	SessionTTL time.Duration // absolute lifetime of a session; default 12 h
	// Login limits: failures allowed per login and per address within Window.
	PerLogin, PerIP int
	Window          time.Duration
	Now             func() time.Time
	// Params of new password hashes; nil means DefaultParams. Tests use
	// cheap ones to stay fast.
	Params *Params
}

// Service signs people in and out and resolves tokens to users.
type Service struct {
	db        *store.DB
	opts      Options
	mu        sync.Mutex
	fails     map[string][]time.Time // "login:x" or "ip:y" → failure times
	dummy     string                 // a hash to check unknown logins against, made on first need
	dummyOnce sync.Once
	hashPwd   func(string) (string, error)
}

// NewService returns a Service on db.
func NewService(db *store.DB, opts Options) *Service {
	if opts.SessionTTL == 0 {
		opts.SessionTTL = 12 * time.Hour
	}
	if opts.PerLogin == 0 {
		opts.PerLogin = 5
	}
	if opts.PerIP == 0 {
		opts.PerIP = 20
	}
	if opts.Window == 0 {
		opts.Window = 15 * time.Minute
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	p := DefaultParams
	if opts.Params != nil {
		p = *opts.Params
	}
	s := &Service{db: db, opts: opts, fails: map[string][]time.Time{}, hashPwd: func(pw string) (string, error) { return hashWith(p, pw) }}
	return s
}

// SessionTTL is the lifetime of new sessions.
func (s *Service) SessionTTL() time.Duration { return s.opts.SessionTTL }

// limited reports how long key must wait, pruning old failures.
func (s *Service) limited(key string, max int) time.Duration {
	now := s.opts.Now()
	kept := s.fails[key][:0]
	for _, t := range s.fails[key] {
		if now.Sub(t) < s.opts.Window {
			kept = append(kept, t)
		}
	}
	s.fails[key] = kept
	if len(kept) >= max {
		return s.opts.Window - now.Sub(kept[0])
	}
	return 0
}

// Login checks a login and password and starts a session. Unknown logins,
// wrong passwords and disabled accounts get the same answer.
func (s *Service) Login(ctx context.Context, login, password, ip string) (string, *aldyn.User, error) {
	login = strings.ToLower(strings.TrimSpace(login))
	s.mu.Lock()
	wait := max(s.limited("login:"+login, s.opts.PerLogin), s.limited("ip:"+ip, s.opts.PerIP))
	s.mu.Unlock()
	if wait > 0 {
		return "", nil, aldyn.Errorf(aldyn.ETOOMANY, "auth.too_many_attempts", "minutes", int(wait.Minutes())+1)
	}
	fail := func() (string, *aldyn.User, error) {
		s.mu.Lock()
		now := s.opts.Now()
		s.fails["login:"+login] = append(s.fails["login:"+login], now)
		s.fails["ip:"+ip] = append(s.fails["ip:"+ip], now)
		s.mu.Unlock()
		return "", nil, aldyn.Errorf(aldyn.EUNAUTHORIZED, "auth.login_failed")
	}
	u, err := s.db.FindUserByLogin(ctx, login)
	if aldyn.ErrorCode(err) == aldyn.ENOTFOUND {
		s.dummyOnce.Do(func() { s.dummy, _ = s.hashPwd("unknown-user-dummy-password") })
		CheckPassword(s.dummy, password) // same time as a real check
		return fail()
	} else if err != nil {
		return "", nil, err
	}
	ok, err := CheckPassword(u.PasswordHash, password)
	if err != nil || !ok || u.Disabled {
		return fail()
	}
	token, hash := NewToken("")
	if err := s.db.CreateSession(ctx, store.Session{TokenHash: hash, UserID: u.ID, ExpiresAt: s.opts.Now().Add(s.opts.SessionTTL)}); err != nil {
		return "", nil, err
	}
	if err := s.db.TouchLogin(ctx, u.ID); err != nil {
		return "", nil, err
	}
	s.mu.Lock()
	delete(s.fails, "login:"+login)
	s.mu.Unlock()
	return token, u, nil
}

// Logout ends the session of token.
func (s *Service) Logout(ctx context.Context, token string) error {
	return s.db.DeleteSession(ctx, HashToken(token))
}

// UserFromSession returns the user of a live session.
func (s *Service) UserFromSession(ctx context.Context, token string) (*aldyn.User, error) {
	return s.db.FindSessionUser(ctx, HashToken(token))
}

// UserFromAPIToken returns the user of an unrevoked API token.
func (s *Service) UserFromAPIToken(ctx context.Context, token string) (*aldyn.User, error) {
	if !strings.HasPrefix(token, APITokenPrefix) {
		return nil, aldyn.Errorf(aldyn.EUNAUTHORIZED, "error.unauthorized")
	}
	return s.db.FindTokenUser(ctx, HashToken(token))
}

// Actor is the scope-bearing view of a user.
func (s *Service) Actor(u *aldyn.User) *aldyn.Actor {
	return &aldyn.Actor{UserID: u.ID, Login: u.Login, Role: u.Role, BodyID: u.BodyID, TerritoryCode: u.TerritoryCode, TerritoryPath: u.TerritoryPath, Lang: u.Lang}
}

// IssueAPIToken creates a token for a user and returns it; only its hash is kept.
func (s *Service) IssueAPIToken(ctx context.Context, actor *aldyn.Actor, userID int64, name string) (string, error) {
	token, hash := NewToken(APITokenPrefix)
	if _, err := s.db.CreateAPIToken(ctx, actor, userID, name, hash); err != nil {
		return "", err
	}
	return token, nil
}

// CreateUser creates a user with password pw.
func (s *Service) CreateUser(ctx context.Context, actor *aldyn.Actor, u *aldyn.User, pw string) error {
	if err := aldyn.ValidatePassword(pw); err != nil {
		return err
	}
	h, err := s.hashPwd(pw)
	if err != nil {
		return err
	}
	u.PasswordHash = h
	return s.db.CreateUser(ctx, actor, u)
}

// SetPassword changes a user's password; every session of the user ends.
func (s *Service) SetPassword(ctx context.Context, actor *aldyn.Actor, userID int64, pw string) error {
	if err := aldyn.ValidatePassword(pw); err != nil {
		return err
	}
	h, err := s.hashPwd(pw)
	if err != nil {
		return err
	}
	f := false
	_, err = s.db.UpdateUser(ctx, actor, userID, store.UserUpdate{PasswordHash: &h, MustChangePassword: &f})
	return err
}

// ResetPassword gives a user a new one-time password that must be changed
// after signing in.
func (s *Service) ResetPassword(ctx context.Context, actor *aldyn.Actor, userID int64) (string, error) {
	pw := RandomPassword()
	h, err := s.hashPwd(pw)
	if err != nil {
		return "", err
	}
	t := true
	if _, err := s.db.UpdateUser(ctx, actor, userID, store.UserUpdate{PasswordHash: &h, MustChangePassword: &t}); err != nil {
		return "", err
	}
	return pw, nil
}

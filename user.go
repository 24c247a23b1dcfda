package aldyn

import (
	"regexp"
	"strings"
	"time"
)

// Roles. The public has no account and no role value; Actor.Role is
// RolePublic for anonymous requests.
const (
	RolePublic        = "public"
	RoleReporter      = "reporter"
	RoleCoordinator   = "coordinator"
	RoleAnalyst       = "analyst"
	RoleAdministrator = "administrator"
)

// Roles lists the roles a user account can have.
var Roles = []string{RoleReporter, RoleCoordinator, RoleAnalyst, RoleAdministrator}

// IsRole reports whether s is an account role.
func IsRole(s string) bool {
	for _, r := range Roles {
		if r == s {
			return true
		}
	}
	return false
}

// Languages of the platform; the first is the default.
var Languages = []string{"ky", "ru", "en"}

// IsLanguage reports whether s is one of Languages.
func IsLanguage(s string) bool { return s == "ky" || s == "ru" || s == "en" }

// User is an account of an officer of a prevention body.
type User struct {
	ID                 int64      `json:"id"`
	Login              string     `json:"login"`
	Name               string     `json:"name"`
	Role               string     `json:"role"`
	BodyID             int64      `json:"body_id"`
	Lang               string     `json:"lang"`
	Disabled           bool       `json:"disabled"`
	MustChangePassword bool       `json:"must_change_password"`
	PasswordHash       string     `json:"-"`
	CreatedAt          time.Time  `json:"created_at"`
	UpdatedAt          time.Time  `json:"updated_at"`
	LastLoginAt        *time.Time `json:"last_login_at,omitempty"`

	// Filled by queries that join the body and its territory.
	TerritoryCode string `json:"territory_code"`
	TerritoryPath string `json:"-"`
	Body          *Body  `json:"body,omitempty"`
}

var loginRe = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{1,39}$`)

// Validate checks the fields of a user.
func (u *User) Validate() error {
	u.Login = strings.ToLower(strings.TrimSpace(u.Login))
	u.Name = strings.TrimSpace(u.Name)
	v := Validation{}
	v.requireValid("login", u.Login, loginRe.MatchString(u.Login), "user.error.login")
	v.requireText("name", u.Name, 200)
	if !IsRole(u.Role) {
		v.Add("role", "user.error.role")
	}
	v.requireID("body_id", u.BodyID)
	if u.Lang == "" {
		u.Lang = Languages[0]
	} else if !IsLanguage(u.Lang) {
		v.Add("lang", "error.lang")
	}
	return v.Err()
}

// ValidatePassword enforces the minimum password policy.
func ValidatePassword(pw string) error {
	v := Validation{}
	if n := len([]rune(pw)); n < 10 {
		v.Add("password", "user.error.password_short")
	} else if n > 200 {
		v.Add("password", "error.too_long")
	}
	return v.Err()
}

// UserFilter selects users.
type UserFilter struct {
	ID     *int64
	Login  *string
	BodyID *int64
	Role   *string
	Under  string // territory path prefix of the user's body
	Query  string
	Page
}

// APIToken is a machine credential of a user; only its hash is stored.
type APIToken struct {
	ID         int64      `json:"id"`
	UserID     int64      `json:"user_id"`
	Name       string     `json:"name"`
	CreatedAt  time.Time  `json:"created_at"`
	ExpiresAt  time.Time  `json:"expires_at"`
	LastUsedAt *time.Time `json:"last_used_at,omitempty"`
	RevokedAt  *time.Time `json:"revoked_at,omitempty"`
}

// Expired reports whether t is past its expiry at now.
func (t *APIToken) Expired(now time.Time) bool { return !now.Before(t.ExpiresAt) }

// Package aldyn holds Aldyn's domain: the types of the offense-prevention
// system (territories, prevention bodies, users and roles), their
// validation, and the rules of role and territory scope. It does no I/O and
// imports no other package of the project.
package aldyn

import (
	"errors"
	"fmt"
	"time"
)

// Error codes. Only the web layer maps them to HTTP statuses.
const (
	ECONFLICT     = "conflict"
	EINTERNAL     = "internal"
	EINVALID      = "invalid"
	ENOTFOUND     = "not_found"
	EFORBIDDEN    = "forbidden"
	EUNAUTHORIZED = "unauthorized"
	ETOOLARGE     = "too_large"
	ETOOMANY      = "too_many_requests"
)

// Error is the one error type of the application. Message is a translation
// key (see internal/i18n) with Args for its template; Fields maps input
// field names to translation keys of what is wrong with them.
type Error struct {
	Code    string
	Message string
	Args    map[string]any
	Fields  map[string]string
}

func (e *Error) Error() string {
	if len(e.Fields) > 0 {
		return fmt.Sprintf("aldyn error: code=%s message=%s fields=%v", e.Code, e.Message, e.Fields)
	}
	return fmt.Sprintf("aldyn error: code=%s message=%s", e.Code, e.Message)
}

// Errorf returns an *Error with the code and translation key.
func Errorf(code, message string, args ...any) *Error {
	e := &Error{Code: code, Message: message}
	if len(args) > 0 {
		e.Args = map[string]any{}
		for i := 0; i+1 < len(args); i += 2 {
			e.Args[fmt.Sprint(args[i])] = args[i+1]
		}
	}
	return e
}

// ErrorCode returns the code of the first *Error in err's chain, EINTERNAL
// for any other non-nil error, and "" for nil.
func ErrorCode(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the translation key of err, or "error.internal".
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "error.internal"
}

// Validation collects field errors and becomes an EINVALID *Error.
type Validation map[string]string

// Add records the first problem found with field.
func (v Validation) Add(field, key string) {
	if _, ok := v[field]; !ok {
		v[field] = key
	}
}

// requireText records field as required when s is empty, or too long when
// it has more than max characters.
func (v Validation) requireText(field, s string, max int) {
	if s == "" {
		v.Add(field, "error.required")
	} else if len([]rune(s)) > max {
		v.Add(field, "error.too_long")
	}
}

// requireValid records field as required when s is empty, or as bad (the
// message key) when ok says s is not valid.
func (v Validation) requireValid(field, s string, ok bool, bad string) {
	if s == "" {
		v.Add(field, "error.required")
	} else if !ok {
		v.Add(field, bad)
	}
}

// requireID records field, a reference to another record, as required
// when id is not set.
func (v Validation) requireID(field string, id int64) {
	if id <= 0 {
		v.Add(field, "error.required")
	}
}

// requireOrdered records from and to as required when they are not set,
// and to as bad (the message key) when it comes before from; it reports
// whether both are set and in order.
func (v Validation) requireOrdered(fromField, toField string, from, to time.Time, bad string) bool {
	switch {
	case from.IsZero():
		v.Add(fromField, "error.required")
	case to.IsZero():
		v.Add(toField, "error.required")
	case to.Before(from):
		v.Add(toField, bad)
	default:
		return true
	}
	return false
}

// Err returns nil when nothing was added.
func (v Validation) Err() error {
	if len(v) == 0 {
		return nil
	}
	return &Error{Code: EINVALID, Message: "error.validation", Fields: v}
}

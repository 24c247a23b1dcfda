package aldyn

import (
	"encoding/json"
	"slices"
	"strconv"
	"time"
)

// Audit actions.
const (
	AuditCreate = "create"
	AuditUpdate = "update"
	AuditDelete = "delete"
)

// AuditEntry records one change: who, when, what, and the values before
// and after (JSON). The log is append-only.
type AuditEntry struct {
	ID            int64           `json:"id"`
	At            time.Time       `json:"at"`
	UserID        *int64          `json:"user_id,omitempty"`
	Actor         string          `json:"actor"`
	Action        string          `json:"action"`
	Entity        string          `json:"entity"`
	EntityID      string          `json:"entity_id"`
	TerritoryCode string          `json:"territory_code,omitempty"`
	Before        json.RawMessage `json:"before,omitempty"`
	After         json.RawMessage `json:"after,omitempty"`
}

// AuditFilter selects audit entries.
type AuditFilter struct {
	Entity   *string
	EntityID *string
	Action   *string
	Actor    *string
	From, To *time.Time
	Under    string // territory path prefix
	Page
}

// Sign-in audit actions: recorded by the sign-in service, entity
// "session", entity id the login typed.
const (
	AuditLogin       = "login"
	AuditLoginFailed = "login_failed"
)

// AuditActions lists the actions of the audit log, for filters.
var AuditActions = []string{AuditCreate, AuditUpdate, AuditDelete, AuditLogin, AuditLoginFailed}

// AuditChange is one field of an audit entry: its value before and after
// as text ("" with Had/Has false when the field was or is absent). Nested
// objects give dotted fields ("title.ky").
type AuditChange struct {
	Field          string
	Before, After  string
	HadBefore, Has bool
}

// auditNoise are fields every write touches: the entry's time says it.
var auditNoise = map[string]bool{"updated_at": true, "created_at": true}

// Changes lists the fields of an entry field by field, sorted by name:
// for an update those that differ, for a creation or deletion (or a
// sign-in) every field with a value.
func (e *AuditEntry) Changes() []AuditChange {
	before, after := flattenJSON(e.Before), flattenJSON(e.After)
	names := make([]string, 0, len(before)+len(after))
	for k := range before {
		names = append(names, k)
	}
	for k := range after {
		if _, ok := before[k]; !ok {
			names = append(names, k)
		}
	}
	slices.Sort(names)
	both := e.Before != nil && e.After != nil
	var out []AuditChange
	for _, k := range names {
		b, hadB := before[k]
		a, hasA := after[k]
		if both && hadB == hasA && a == b {
			continue
		}
		if !both && a == "" && b == "" {
			continue
		}
		if auditNoise[k] {
			continue
		}
		out = append(out, AuditChange{Field: k, Before: b, After: a, HadBefore: hadB, Has: hasA})
	}
	return out
}

// flattenJSON reads a JSON object into dotted field names and their
// values as text; arrays stay compact JSON.
func flattenJSON(raw json.RawMessage) map[string]string {
	out := map[string]string{}
	if len(raw) == 0 {
		return out
	}
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		out[""] = string(raw)
		return out
	}
	var walk func(prefix string, v any)
	walk = func(prefix string, v any) {
		switch x := v.(type) {
		case map[string]any:
			if len(x) == 0 && prefix != "" {
				out[prefix] = ""
			}
			for k, y := range x {
				name := k
				if prefix != "" {
					name = prefix + "." + k
				}
				walk(name, y)
			}
		case nil:
			out[prefix] = ""
		case string:
			out[prefix] = x
		case bool:
			out[prefix] = strconv.FormatBool(x)
		case float64:
			out[prefix] = strconv.FormatFloat(x, 'f', -1, 64)
		default:
			b, _ := json.Marshal(x)
			if string(b) == "[]" {
				b = nil
			}
			out[prefix] = string(b)
		}
	}
	walk("", v)
	return out
}

package aldyn

import (
	"encoding/json"
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

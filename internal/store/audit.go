package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/aldyn-kg/aldyn"
)

// Audit appends an entry for a change made in this transaction. before
// and after are marshalled to JSON; nil means "did not exist".
func (tx *Tx) Audit(ctx context.Context, action, entity, entityID, territoryCode string, before, after any) error {
	if strings.HasPrefix(entity, "resident_") {
		tx.residentChanged = true
	}
	var path string
	if territoryCode != "" {
		if err := tx.queryRow(ctx, `SELECT path FROM territories WHERE code = ?`, territoryCode).Scan(&path); err != nil {
			return fmt.Errorf("audit territory %s: %w", territoryCode, tx.db.normalize(err))
		}
	}
	enc := func(v any) (*string, error) {
		if v == nil {
			return nil, nil
		}
		b, err := json.Marshal(v)
		if err != nil {
			return nil, err
		}
		s := string(b)
		return &s, nil
	}
	b, err := enc(before)
	if err != nil {
		return err
	}
	a, err := enc(after)
	if err != nil {
		return err
	}
	var uid *int64
	actor := "system"
	if tx.actor != nil {
		if tx.actor.UserID != 0 {
			uid = &tx.actor.UserID
		}
		if tx.actor.Login != "" {
			actor = tx.actor.Login
		}
	}
	_, err = tx.exec(ctx, `INSERT INTO audit_log (at, user_id, actor, action, entity, entity_id, territory_code, territory_path, before_json, after_json)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, tx.now, uid, actor, action, entity, entityID, territoryCode, path, b, a)
	return err
}

// FindAuditEntries lists audit entries, newest first by default.
func (db *DB) FindAuditEntries(ctx context.Context, f aldyn.AuditFilter) ([]*aldyn.AuditEntry, int, error) {
	var w where
	eq(&w, "entity", f.Entity)
	eq(&w, "entity_id", f.EntityID)
	eq(&w, "action", f.Action)
	eq(&w, "actor", f.Actor)
	w.timeRange("at", f.From, f.To)
	if f.Under != "" && strings.Count(f.Under, "/") <= 2 && !matchesNothing(f.Under) {
		// Entries about the platform itself (no territory) are visible to
		// national administrators only.
		w.and(`(territory_path LIKE ? ESCAPE '\' OR territory_path = '')`, likeEscape(f.Under)+"%")
	} else {
		w.pathLike(f.Under, "territory_path")
	}
	out, total, err := auditList.page(ctx, db, &w, f.Page)
	return out, total, db.normalize(err)
}

var auditList = listQuery[*aldyn.AuditEntry]{cols: "id, at, user_id, actor, action, entity, entity_id, territory_code, before_json, after_json", from: " FROM audit_log",
	sorts: map[string]string{"at": "at, id", "actor": "actor, id", "entity": "entity, id", "action": "action, id"}, order: "at, id", newest: "at", scan: scanAuditEntry}

func scanAuditEntry(s interface{ Scan(...any) error }) (*aldyn.AuditEntry, error) {
	var e aldyn.AuditEntry
	var before, after *string
	var at time.Time
	if err := s.Scan(&e.ID, &at, &e.UserID, &e.Actor, &e.Action, &e.Entity, &e.EntityID, &e.TerritoryCode, &before, &after); err != nil {
		return nil, err
	}
	e.At = at.UTC()
	if before != nil {
		e.Before = json.RawMessage(*before)
	}
	if after != nil {
		e.After = json.RawMessage(*after)
	}
	return &e, nil
}

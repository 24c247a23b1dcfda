package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/aldyn-kg/aldyn"
)

// Notifications.

// Notification tells a user, or every user of a body, of something to do
// or done: a report returned, a deadline near. TextKey is a translation
// key and Args its arguments; Link is a path in the web interface.
type Notification struct {
	ID        int64          `json:"id"`
	UserID    int64          `json:"user_id,omitempty"`
	BodyID    int64          `json:"body_id,omitempty"`
	Kind      string         `json:"kind"`
	TextKey   string         `json:"text_key"`
	Args      map[string]any `json:"args,omitempty"`
	Link      string         `json:"link,omitempty"`
	CreatedAt time.Time      `json:"created_at"`
	ReadAt    *time.Time     `json:"read_at,omitempty"`
}

// NotificationFilter selects the notifications of a user: those addressed
// to UserID and those addressed to BodyID.
type NotificationFilter struct {
	UserID int64
	BodyID int64
	Unread bool
	Page   aldyn.Page
}

// Notify stores notifications, with an audit entry each.
func (db *DB) Notify(ctx context.Context, actor *aldyn.Actor, ns ...*Notification) error {
	for _, n := range ns {
		v := aldyn.Validation{}
		if n.UserID <= 0 && n.BodyID <= 0 {
			v.Add("user_id", "error.required")
		}
		if strings.TrimSpace(n.Kind) == "" {
			v.Add("kind", "error.required")
		}
		if strings.TrimSpace(n.TextKey) == "" {
			v.Add("text_key", "error.required")
		}
		if err := v.Err(); err != nil {
			return err
		}
	}
	return db.Update(ctx, actor, func(tx *Tx) error {
		for _, n := range ns {
			if err := tx.insertNotification(ctx, n); err != nil {
				return err
			}
		}
		return nil
	})
}

// FindNotifications lists the notifications of f's user and body, newest
// first, with the total count.
func (db *DB) FindNotifications(ctx context.Context, f NotificationFilter) ([]*Notification, int, error) {
	var w where
	w.and("(user_id = ? OR body_id = ?)", f.UserID, f.BodyID)
	if f.Unread {
		w.and("read_at IS NULL")
	}
	out, total, err := findPage(ctx, db, "id, user_id, body_id, kind, text_key, args_json, link, created_at, read_at", " FROM notifications",
		w.String(), w.args, " ORDER BY created_at DESC, id DESC", nil, f.Page, scanNotification)
	return out, total, db.normalize(err)
}

func scanNotification(s interface{ Scan(...any) error }) (*Notification, error) {
	var n Notification
	var uid, bid sql.NullInt64
	var argsJSON string
	var read sql.NullTime
	if err := s.Scan(&n.ID, &uid, &bid, &n.Kind, &n.TextKey, &argsJSON, &n.Link, &n.CreatedAt, &read); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(argsJSON), &n.Args); err != nil {
		return nil, fmt.Errorf("notification %d: %w", n.ID, err)
	}
	n.UserID, n.BodyID, n.CreatedAt, n.ReadAt = uid.Int64, bid.Int64, n.CreatedAt.UTC(), nullTime(read)
	return &n, nil
}

// MarkNotificationRead marks notification id read, if it is addressed to
// the actor or the actor's body. Reading is not audited.
func (db *DB) MarkNotificationRead(ctx context.Context, actor *aldyn.Actor, id int64) error {
	return db.Update(ctx, actor, func(tx *Tx) error {
		res, err := tx.exec(ctx, `UPDATE notifications SET read_at = ? WHERE id = ? AND read_at IS NULL AND (user_id = ? OR body_id = ?)`,
			tx.now, id, actor.UserID, actor.BodyID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			var exists int
			err := tx.queryRow(ctx, `SELECT COUNT(*) FROM notifications WHERE id = ? AND (user_id = ? OR body_id = ?)`,
				id, actor.UserID, actor.BodyID).Scan(&exists)
			if err != nil {
				return tx.db.normalize(err)
			}
			if exists == 0 {
				return aldyn.Errorf(aldyn.ENOTFOUND, "notification.error.not_found")
			}
		}
		return nil
	})
}

// CountUnreadNotifications counts the unread notifications of a user and
// their body, for the header's badge.
func (db *DB) CountUnreadNotifications(ctx context.Context, userID, bodyID int64) (int, error) {
	var n int
	err := db.queryRow(ctx, `SELECT COUNT(*) FROM notifications WHERE (user_id = ? OR body_id = ?) AND read_at IS NULL`,
		userID, bodyID).Scan(&n)
	return n, db.normalize(err)
}

// insertNotification stores n with an audit entry.
func (tx *Tx) insertNotification(ctx context.Context, n *Notification) error {
	args := n.Args
	if args == nil {
		args = map[string]any{}
	}
	n.CreatedAt, n.ReadAt = tx.now, nil
	if err := tx.queryRow(ctx, `INSERT INTO notifications (user_id, body_id, kind, text_key, args_json, link, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`, nullID(n.UserID), nullID(n.BodyID), n.Kind, n.TextKey, jsonText(args), n.Link,
		tx.now).Scan(&n.ID); err != nil {
		return tx.db.normalize(err)
	}
	return tx.Audit(ctx, aldyn.AuditCreate, "notification", idString(n.ID), "", nil, n)
}

package store

import (
	"context"

	"github.com/aldyn-kg/aldyn"
)

// DataFormReminder is a reminder of one body's form for one period: kind
// "due" before the deadline, "overdue" after it.
type DataFormReminder struct {
	DataSetCode string
	BodyID      int64
	Period      string
	Kind        string
}

// RemindDataForm sends the body the notification n of reminder r unless r
// has been sent before, and reports whether it was sent now. The record
// of r and the notification are written in one transaction, so a reminder
// reaches a body once however often and however concurrently it runs.
func (db *DB) RemindDataForm(ctx context.Context, actor *aldyn.Actor, r DataFormReminder, n *Notification) (bool, error) {
	sent := false
	err := db.Update(ctx, actor, func(tx *Tx) error {
		res, err := tx.exec(ctx, `INSERT INTO data_form_reminders (data_set_code, body_id, period, kind, sent_at) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (data_set_code, body_id, period, kind) DO NOTHING`, r.DataSetCode, r.BodyID, r.Period, r.Kind, tx.now)
		if err != nil {
			return tx.db.normalize(err)
		}
		if k, _ := res.RowsAffected(); k == 0 {
			return nil
		}
		sent = true
		n.BodyID = r.BodyID
		return tx.insertNotification(ctx, n)
	})
	return sent, err
}

package store

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/aldyn-kg/aldyn"
)

// This file answers the coordinator's home: what every body of a territory
// owes in the open reporting cycles, and the reminders sent to bodies late
// with their reports.

// ReportTaskFilter selects the reports owed in open cycles: of one body,
// of the plans under a territory path prefix, or both.
type ReportTaskFilter struct {
	BodyID *int64
	Under  string // territory path prefix of the plan
}

// FindOutstandingReports lists the reports owed in open cycles matching
// f: one per open cycle and measure running during the cycle (not
// cancelled), with the report's state when started; by deadline, then
// measure code.
func (db *DB) FindOutstandingReports(ctx context.Context, f ReportTaskFilter) ([]*ReportTask, error) {
	var w where
	w.and("c.status = ?", aldyn.CycleOpen)
	eq(&w, "m.responsible_body_id", f.BodyID)
	w.pathRange("p.territory_path", f.Under)
	var out []*ReportTask
	err := scanAll(ctx, db, func(rows *sql.Rows) error {
		var t ReportTask
		var from, to string
		var rid sql.NullInt64
		var status, comment sql.NullString
		var first sql.NullTime
		if err := rows.Scan(&t.Cycle.ID, &t.Cycle.PlanID, &t.Cycle.Period, &from, &to, &t.Cycle.Deadline, &t.Cycle.Status,
			&t.PlanTitle.KY, &t.PlanTitle.RU, &t.PlanTitle.EN, &t.PlanTerritoryPath,
			&t.MeasureID, &t.MeasureCode, &t.MeasureTitle.KY, &t.MeasureTitle.RU, &t.MeasureTitle.EN, &t.BodyID,
			&rid, &status, &comment, &first); err != nil {
			return err
		}
		t.Cycle.From, t.Cycle.To, t.Cycle.Deadline = parseDate(from), parseDate(to), t.Cycle.Deadline.UTC()
		t.ReportID, t.Status, t.Comment = rid.Int64, aldyn.ReportStatus(status.String), comment.String
		t.FirstSubmittedAt = nullTime(first)
		out = append(out, &t)
		return nil
	}, `SELECT c.id, c.plan_id, c.period, c.from_on, c.to_on, c.deadline, c.status,
		p.title_ky, p.title_ru, p.title_en, p.territory_path,
		m.id, m.code, m.title_ky, m.title_ru, m.title_en, m.responsible_body_id,
		r.id, r.status, r.comment, r.first_submitted_at
		FROM reporting_cycles c
		JOIN plans p ON p.id = c.plan_id
		JOIN measures m ON m.plan_id = c.plan_id AND m.cancelled = ?
			AND m.start_on <= c.to_on AND m.due_on >= c.from_on
		LEFT JOIN reports r ON r.cycle_id = c.id AND r.measure_id = m.id`+w.String()+`
		ORDER BY c.deadline, c.id, m.sort_key, m.id`, append([]any{false}, w.args...)...)
	return out, db.normalize(err)
}

// ReminderKind is the kind of the notification a reminder leaves.
const ReminderKind = "reminder"

// Remind leaves notification n, of kind ReminderKind, for body n.BodyID,
// unless the body had a reminder less than every ago: then ETOOMANY
// "reporting.remind.too_soon" with the body's id ("body") and the time of the last
// reminder ("at", RFC 3339) and of the next one possible ("next"). The
// check and the write are one transaction; the notification is audited.
func (db *DB) Remind(ctx context.Context, actor *aldyn.Actor, n *Notification, every time.Duration) (*time.Time, error) {
	if n.BodyID <= 0 {
		return nil, invalidField("body_id", "error.required")
	}
	n.Kind, n.UserID = ReminderKind, 0
	var last *time.Time
	err := db.Update(ctx, actor, func(tx *Tx) error {
		if tx.dialect() == Postgres {
			// Concurrent reminders of one body wait for each other, so
			// both cannot pass the check (SQLite has one writer anyway).
			var id int64
			if err := tx.queryRow(ctx, `SELECT id FROM bodies WHERE id = ? FOR UPDATE`, n.BodyID).Scan(&id); err != nil {
				return tx.db.normalize(err)
			}
		}
		// A column, not MAX(): SQLite keeps the type of a column only.
		var at time.Time
		err := tx.queryRow(ctx, `SELECT created_at FROM notifications WHERE body_id = ? AND kind = ? AND created_at > ?
			ORDER BY created_at DESC LIMIT 1`, n.BodyID, ReminderKind, tx.now.Add(-every)).Scan(&at)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return tx.db.normalize(err)
		}
		if err == nil {
			t := at.UTC()
			last = &t
			return aldyn.Errorf(aldyn.ETOOMANY, "reporting.remind.too_soon", "body", idString(n.BodyID), "at", t.Format(time.RFC3339),
				"next", t.Add(every).Format(time.RFC3339))
		}
		return tx.insertNotification(ctx, n)
	})
	return last, err
}

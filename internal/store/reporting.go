package store

import (
	"context"
	"database/sql"

	"github.com/aldyn-kg/aldyn"
)

// This file holds the reporting queries of the web module "reporting"
// that plans.go does not answer in one query: what a body owes in the
// open reporting cycles of every plan.

// ReportTask is a report a body owes on one of its measures in an open
// reporting cycle. ReportID is zero until the report is started.
type ReportTask struct {
	Cycle             aldyn.ReportingCycle `json:"cycle"`
	PlanTitle         aldyn.Text           `json:"plan_title"`
	PlanTerritoryPath string               `json:"-"`
	MeasureID         int64                `json:"measure_id"`
	MeasureCode       string               `json:"measure_code"`
	MeasureTitle      aldyn.Text           `json:"measure_title"`
	BodyID            int64                `json:"body_id"`
	ReportID          int64                `json:"report_id,omitempty"`
	Status            aldyn.ReportStatus   `json:"status,omitempty"` // empty: not started
	Comment           string               `json:"comment,omitempty"`
}

// FindReportTasks lists the reports body bodyID owes in open cycles: one
// per open cycle and measure of the body running during the cycle (not
// cancelled), with the report's state when started; by deadline, then
// measure code.
func (db *DB) FindReportTasks(ctx context.Context, bodyID int64) ([]*ReportTask, error) {
	var out []*ReportTask
	err := scanAll(ctx, db, func(rows *sql.Rows) error {
		var t ReportTask
		var from, to string
		var rid sql.NullInt64
		var status, comment sql.NullString
		if err := rows.Scan(&t.Cycle.ID, &t.Cycle.PlanID, &t.Cycle.Period, &from, &to, &t.Cycle.Deadline, &t.Cycle.Status,
			&t.PlanTitle.KY, &t.PlanTitle.RU, &t.PlanTitle.EN, &t.PlanTerritoryPath,
			&t.MeasureID, &t.MeasureCode, &t.MeasureTitle.KY, &t.MeasureTitle.RU, &t.MeasureTitle.EN, &t.BodyID,
			&rid, &status, &comment); err != nil {
			return err
		}
		t.Cycle.From, t.Cycle.To, t.Cycle.Deadline = parseDate(from), parseDate(to), t.Cycle.Deadline.UTC()
		t.ReportID, t.Status, t.Comment = rid.Int64, aldyn.ReportStatus(status.String), comment.String
		out = append(out, &t)
		return nil
	}, `SELECT c.id, c.plan_id, c.period, c.from_on, c.to_on, c.deadline, c.status,
		p.title_ky, p.title_ru, p.title_en, p.territory_path,
		m.id, m.code, m.title_ky, m.title_ru, m.title_en, m.responsible_body_id,
		r.id, r.status, r.comment
		FROM reporting_cycles c
		JOIN plans p ON p.id = c.plan_id
		JOIN measures m ON m.plan_id = c.plan_id AND m.responsible_body_id = ? AND m.cancelled = ?
			AND m.start_on <= c.to_on AND m.due_on >= c.from_on
		LEFT JOIN reports r ON r.cycle_id = c.id AND r.measure_id = m.id
		WHERE c.status = ?
		ORDER BY c.deadline, c.id, m.sort_key, m.id`, bodyID, false, aldyn.CycleOpen)
	return out, db.normalize(err)
}

// CountUnreadNotifications counts the unread notifications of a user and
// their body, for the header's badge.
func (db *DB) CountUnreadNotifications(ctx context.Context, userID, bodyID int64) (int, error) {
	var n int
	err := db.queryRow(ctx, `SELECT COUNT(*) FROM notifications WHERE (user_id = ? OR body_id = ?) AND read_at IS NULL`,
		userID, bodyID).Scan(&n)
	return n, db.normalize(err)
}

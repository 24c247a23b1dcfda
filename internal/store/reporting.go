package store

import (
	"context"
	"time"

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
	// FirstSubmittedAt is when the report was first submitted, if ever.
	FirstSubmittedAt *time.Time `json:"first_submitted_at,omitempty"`
}

// FindReportTasks lists the reports body bodyID owes in open cycles (see
// FindOutstandingReports).
func (db *DB) FindReportTasks(ctx context.Context, bodyID int64) ([]*ReportTask, error) {
	return db.FindOutstandingReports(ctx, ReportTaskFilter{BodyID: &bodyID})
}

// CountUnreadNotifications counts the unread notifications of a user and
// their body, for the header's badge.
func (db *DB) CountUnreadNotifications(ctx context.Context, userID, bodyID int64) (int, error) {
	var n int
	err := db.queryRow(ctx, `SELECT COUNT(*) FROM notifications WHERE (user_id = ? OR body_id = ?) AND read_at IS NULL`,
		userID, bodyID).Scan(&n)
	return n, db.normalize(err)
}

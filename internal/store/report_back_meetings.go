package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/aldyn-kg/aldyn"
)

// This file stores report-back meetings of precinct inspectors: their
// scheduling, their outcome (an issue raised may become a resident's
// report, created and routed in the same transaction), and their counts
// per precinct per quarter. Every change is scope-checked and audited in
// its transaction.

const reportBackCols = `m.id, m.precinct_code, m.body_id, m.inspector_name, m.inspector_role, m.starts_at, m.place, m.status,
	m.not_held_reason, m.attendance, m.demo, m.created_at, m.updated_at, t.path, bt.path`

const reportBackFrom = ` FROM report_back_meetings m JOIN territories t ON t.code = m.precinct_code
	JOIN bodies b ON b.id = m.body_id JOIN territories bt ON bt.code = b.territory_code `

func scanReportBack(s interface{ Scan(...any) error }) (*aldyn.ReportBackMeeting, error) {
	var m aldyn.ReportBackMeeting
	var attendance sql.NullInt64
	if err := s.Scan(&m.ID, &m.PrecinctCode, &m.BodyID, &m.InspectorName, &m.InspectorRole, timeScan{&m.StartsAt}, &m.Place, &m.Status,
		&m.NotHeldReason, &attendance, boolInto{&m.Demo}, timeScan{&m.CreatedAt}, timeScan{&m.UpdatedAt}, &m.PrecinctPath, &m.BodyPath); err != nil {
		return nil, err
	}
	if attendance.Valid {
		n := int(attendance.Int64)
		m.Attendance = &n
	}
	m.Issues = []aldyn.ReportBackIssue{}
	m.StartsAt, m.CreatedAt, m.UpdatedAt = m.StartsAt.UTC(), m.CreatedAt.UTC(), m.UpdatedAt.UTC()
	return &m, nil
}

// ReportBackSorts are the columns a list of meetings can be sorted by.
var ReportBackSorts = map[string]string{"starts": "m.starts_at", "precinct": "m.precinct_code, m.starts_at", "status": "m.status, m.starts_at",
	"attendance": "m.attendance, m.starts_at", "id": "m.id"}

func reportBackWhere(f aldyn.ReportBackFilter) where {
	var w where
	eq(&w, "m.id", f.ID)
	eq(&w, "m.body_id", f.BodyID)
	w.eqText("m.precinct_code", f.PrecinctCode)
	w.pathLike(f.Territory, "t.path")
	w.pathLike(f.Under, "t.path")
	if f.Status != nil {
		w.and("m.status = ?", string(*f.Status))
	}
	if f.From != nil {
		w.and("m.starts_at >= ?", f.From.UTC())
	}
	if f.To != nil {
		w.and("m.starts_at < ?", f.To.UTC())
	}
	return w
}

// FindReportBackMeetings lists the meetings matching f, soonest first by
// default, with the total count.
func (db *DB) FindReportBackMeetings(ctx context.Context, f aldyn.ReportBackFilter) ([]*aldyn.ReportBackMeeting, int, error) {
	w := reportBackWhere(f)
	p := f.Page
	if p.Sort == "" {
		p.Sort = "starts"
	}
	out, total, err := findPage(ctx, db, reportBackCols, reportBackFrom, w.String(), w.args, orderBy(p, ReportBackSorts, "m.starts_at")+", m.id", nil, p, scanReportBack)
	if err == nil {
		err = loadReportBackIssues(ctx, db, out)
	}
	return out, total, db.normalize(err)
}

// FindReportBackMeetingByID returns one meeting with its issues.
func (db *DB) FindReportBackMeetingByID(ctx context.Context, id int64) (*aldyn.ReportBackMeeting, error) {
	return findReportBack(ctx, db, db, id)
}

func (tx *Tx) reportBack(ctx context.Context, id int64) (*aldyn.ReportBackMeeting, error) {
	return findReportBack(ctx, tx, tx.db, id)
}

func findReportBack(ctx context.Context, r reader, db *DB, id int64) (*aldyn.ReportBackMeeting, error) {
	m, err := scanReportBack(r.queryRow(ctx, "SELECT "+reportBackCols+reportBackFrom+"WHERE m.id = ?", id))
	if err == nil {
		err = loadReportBackIssues(ctx, r, []*aldyn.ReportBackMeeting{m})
	}
	return m, db.notFound(err, "reportback.error.not_found")
}

// checkReportBackPlace checks that the meeting's precinct is a precinct,
// that its body is a police body whose territory holds the precinct, and
// that the actor may manage meetings of that body there; it sets the
// meeting's paths.
func (tx *Tx) checkReportBackPlace(ctx context.Context, m *aldyn.ReportBackMeeting) error {
	t, err := tx.territory(ctx, m.PrecinctCode)
	if err != nil || t.Level != aldyn.LevelPrecinct {
		return invalidField("precinct_code", "reportback.error.precinct")
	}
	typ, bodyPath, err := tx.referredBody(ctx, m.BodyID)
	if err != nil {
		return err
	}
	if typ != "police" {
		return invalidField("body_id", "reportback.error.body_police")
	}
	if !aldyn.PathContains(bodyPath, t.Path) {
		return invalidField("precinct_code", "reportback.error.precinct_body")
	}
	if !tx.actor.CanManageReportBack(m.BodyID, t.Path) {
		return aldyn.Errorf(aldyn.EFORBIDDEN, "error.forbidden")
	}
	m.PrecinctPath, m.BodyPath = t.Path, bodyPath
	return nil
}

// auditReportBack is the audited view of a meeting.
func auditReportBack(m *aldyn.ReportBackMeeting) map[string]any {
	return map[string]any{"precinct_code": m.PrecinctCode, "body_id": m.BodyID, "inspector_name": m.InspectorName, "inspector_role": m.InspectorRole,
		"starts_at": m.StartsAt, "place": m.Place, "status": m.Status, "not_held_reason": m.NotHeldReason, "attendance": m.Attendance, "issues": m.Issues}
}

// reportBackWrites are the columns a create and an update write, of the
// values reportBackArgs returns.
var reportBackWrites = []string{"precinct_code", "body_id", "inspector_name", "inspector_role", "starts_at", "quarter", "place", "status",
	"not_held_reason", "attendance"}

func reportBackArgs(m *aldyn.ReportBackMeeting) []any {
	return []any{m.PrecinctCode, m.BodyID, m.InspectorName, m.InspectorRole, m.StartsAt.UTC(), quarterLabel(m), m.Place, string(m.Status),
		m.NotHeldReason, m.Attendance}
}

func quarterLabel(m *aldyn.ReportBackMeeting) string {
	y, q := aldyn.QuarterOf(m.StartsAt)
	return fmt.Sprintf("%d-Q%d", y, q)
}

// CreateReportBackMeeting schedules a meeting (or records one already
// held, with its outcome).
func (db *DB) CreateReportBackMeeting(ctx context.Context, actor *aldyn.Actor, m *aldyn.ReportBackMeeting) error {
	if err := m.Validate(db.Now()); err != nil {
		return err
	}
	return db.Update(ctx, actor, func(tx *Tx) error {
		if err := tx.checkReportBackPlace(ctx, m); err != nil {
			return err
		}
		if err := tx.reportIssues(ctx, m, nil); err != nil {
			return err
		}
		m.CreatedAt, m.UpdatedAt = tx.now, tx.now
		if err := tx.queryRow(ctx, insertSQL("report_back_meetings", reportBackWrites, "demo", "created_at", "updated_at"),
			append(reportBackArgs(m), m.Demo, tx.now, tx.now)...).Scan(&m.ID); err != nil {
			return tx.db.normalize(err)
		}
		if err := tx.saveReportBackIssues(ctx, m, nil); err != nil {
			return err
		}
		return tx.Audit(ctx, aldyn.AuditCreate, "report_back_meeting", idString(m.ID), m.PrecinctCode, nil, auditReportBack(m))
	})
}

// UpdateReportBackMeeting replaces a meeting's fields (the schedule, or
// the outcome once it took place). The actor must manage both the meeting
// as it was and as it becomes; a meeting with an outcome never goes back
// to scheduled. Issues already made into reports keep their report.
func (db *DB) UpdateReportBackMeeting(ctx context.Context, actor *aldyn.Actor, id int64, m *aldyn.ReportBackMeeting) error {
	return db.Update(ctx, actor, func(tx *Tx) error {
		old, err := tx.reportBack(ctx, id)
		if err != nil {
			return err
		}
		if !tx.actor.CanManageReportBack(old.BodyID, old.PrecinctPath) {
			return aldyn.Errorf(aldyn.EFORBIDDEN, "error.forbidden")
		}
		if !old.Status.CanTransition(m.Status) {
			return invalidField("status", "reportback.error.transition")
		}
		// A scheduled meeting whose time has come may keep its
		// schedule while only the outcome is awaited; validate a
		// schedule's date only when it changes.
		now := tx.now
		if m.Status == aldyn.ReportBackScheduled && m.StartsAt.Equal(old.StartsAt) && !m.StartsAt.After(now) {
			now = m.StartsAt.Add(-1)
		}
		if err := m.Validate(now); err != nil {
			return err
		}
		if err := tx.checkReportBackPlace(ctx, m); err != nil {
			return err
		}
		if err := tx.reportIssues(ctx, m, old); err != nil {
			return err
		}
		m.ID, m.Demo, m.CreatedAt, m.UpdatedAt = old.ID, old.Demo, old.CreatedAt, tx.now
		if _, err := tx.exec(ctx, updateSQL("report_back_meetings", "id = ?", reportBackWrites, "updated_at"),
			append(reportBackArgs(m), tx.now, m.ID)...); err != nil {
			return err
		}
		if err := tx.saveReportBackIssues(ctx, m, old); err != nil {
			return err
		}
		return tx.Audit(ctx, aldyn.AuditUpdate, "report_back_meeting", idString(m.ID), m.PrecinctCode, auditReportBack(old), auditReportBack(m))
	})
}

// RecordReportBackOutcome records whether a meeting was held, with its
// attendance, issues and answers, or the reason it was not; the schedule
// stays as it is.
func (db *DB) RecordReportBackOutcome(ctx context.Context, actor *aldyn.Actor, id int64, outcome *aldyn.ReportBackMeeting) (*aldyn.ReportBackMeeting, error) {
	old, err := db.FindReportBackMeetingByID(ctx, id)
	if err != nil {
		return nil, err
	}
	if outcome.Status == aldyn.ReportBackScheduled {
		return nil, invalidField("status", "reportback.error.transition")
	}
	m := *old
	m.Status, m.Attendance, m.NotHeldReason, m.Issues = outcome.Status, outcome.Attendance, outcome.NotHeldReason, outcome.Issues
	if err := db.UpdateReportBackMeeting(ctx, actor, id, &m); err != nil {
		return nil, err
	}
	return &m, nil
}

// reportIssues makes each issue that names a category and has no report
// yet into a resident's report in the meeting's precinct, routed as any
// report is; an issue that had a report keeps it. old is the meeting
// before the change (nil for a new one).
func (tx *Tx) reportIssues(ctx context.Context, m, old *aldyn.ReportBackMeeting) error {
	keepIssues(m, old)
	for i := range m.Issues {
		is := &m.Issues[i]
		if is.ReportID != nil || is.CategoryID == 0 {
			continue
		}
		r := &aldyn.ResidentReport{CategoryID: is.CategoryID, TerritoryCode: m.PrecinctCode, Description: is.Text, Lang: "ky",
			Address: m.Place, Demo: m.Demo}
		if err := r.Validate(); err != nil {
			return invalidField(fmt.Sprintf("issues.%d", i), aldyn.ErrorMessage(err))
		}
		code, err := newTrackingCode()
		if err != nil {
			return err
		}
		if err := tx.createResidentReport(ctx, r, nil, code); err != nil {
			var e *aldyn.Error
			if aldyn.ErrorCode(err) == aldyn.EINVALID && errors.As(err, &e) {
				key := e.Message
				for _, k := range e.Fields {
					key = k
				}
				return invalidField(fmt.Sprintf("issues.%d", i), key)
			}
			return err
		}
		is.ReportID = &r.ID
	}
	return nil
}

// CountReportBackMeetings counts the meetings matching f per precinct and
// quarter, by outcome, with the residents who came to those held.
func (db *DB) CountReportBackMeetings(ctx context.Context, f aldyn.ReportBackFilter) ([]aldyn.ReportBackCount, error) {
	f.Page = aldyn.Page{}
	w := reportBackWhere(f)
	var out []aldyn.ReportBackCount
	err := db.read(ctx, func(r reader) error {
		return scanAll(ctx, r, func(rows *sql.Rows) error {
			var c aldyn.ReportBackCount
			var quarter string
			if err := rows.Scan(&c.PrecinctCode, &quarter, &c.Scheduled, &c.Held, &c.NotHeld, &c.Attendance); err != nil {
				return err
			}
			if _, err := fmt.Sscanf(quarter, "%d-Q%d", &c.Year, &c.Quarter); err != nil {
				return fmt.Errorf("quarter %q: %w", quarter, err)
			}
			out = append(out, c)
			return nil
		}, `SELECT m.precinct_code, m.quarter,
				SUM(CASE WHEN m.status = 'scheduled' THEN 1 ELSE 0 END),
				SUM(CASE WHEN m.status = 'held' THEN 1 ELSE 0 END),
				SUM(CASE WHEN m.status = 'not_held' THEN 1 ELSE 0 END),
				COALESCE(SUM(CASE WHEN m.status = 'held' THEN m.attendance ELSE 0 END), 0)`+
			reportBackFrom+w.String()+` GROUP BY m.precinct_code, m.quarter ORDER BY m.precinct_code, m.quarter`, w.args...)
	})
	return out, db.normalize(err)
}

// CountPrecincts counts the precincts under a territory path.
func (db *DB) CountPrecincts(ctx context.Context, under string) (int, error) {
	var n int
	var w where
	w.and("t.level = ?", aldyn.LevelPrecinct)
	w.pathLike(under, "t.path")
	err := db.queryRow(ctx, "SELECT COUNT(*) FROM territories t"+w.String(), w.args...).Scan(&n)
	return n, db.normalize(err)
}

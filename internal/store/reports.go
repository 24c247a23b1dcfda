package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/aldyn-kg/aldyn"
)

// Reports.

// ReportSorts are the columns a report list can be sorted by.
var ReportSorts = map[string]string{"updated_at": "r.updated_at", "submitted_at": "r.submitted_at", "status": "r.status",
	"measure": "m.sort_key", "cycle": "c.from_on", "id": "r.id"}

var reportList = listQuery[*aldyn.Report]{cols: reportCols, from: " FROM reports r JOIN reporting_cycles c ON c.id = r.cycle_id JOIN plans p ON p.id = c.plan_id JOIN measures m ON m.id = r.measure_id",
	sorts: ReportSorts, order: "r.updated_at", tie: ", r.id", scan: scanReport}

const reportCols = `r.id, r.cycle_id, r.measure_id, r.body_id, r.status, r.progress, r.narrative, r.evidence_json, r.comment, r.version,
	r.revision, r.submitted_by, r.submitted_at, r.first_submitted_at, r.decided_by, r.decided_at, r.created_at, r.updated_at`

func scanReport(s interface{ Scan(...any) error }) (*aldyn.Report, error) {
	var r aldyn.Report
	var evidence string
	var submittedBy, decidedBy sql.NullInt64
	var submitted, first, decided sql.NullTime
	if err := s.Scan(&r.ID, &r.CycleID, &r.MeasureID, &r.BodyID, &r.Status, &r.Progress, &r.Narrative, &evidence, &r.Comment, &r.Version,
		&r.Revision, &submittedBy, &submitted, &first, &decidedBy, &decided, &r.CreatedAt, &r.UpdatedAt); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(evidence), &r.Evidence); err != nil {
		return nil, fmt.Errorf("report %d evidence: %w", r.ID, err)
	}
	r.SubmittedBy, r.DecidedBy = submittedBy.Int64, decidedBy.Int64
	r.SubmittedAt, r.FirstSubmittedAt, r.DecidedAt = nullTime(submitted), nullTime(first), nullTime(decided)
	r.CreatedAt, r.UpdatedAt = r.CreatedAt.UTC(), r.UpdatedAt.UTC()
	r.Spent, r.Values = []aldyn.BudgetLine{}, []aldyn.IndicatorValue{}
	return &r, nil
}

// FindReports lists reports matching f, with their spent lines (not their
// values) and the total count.
func (db *DB) FindReports(ctx context.Context, f aldyn.ReportFilter) ([]*aldyn.Report, int, error) {
	return readList(ctx, db, f, func(ctx context.Context, r reader, f aldyn.ReportFilter) ([]*aldyn.Report, int, error) {
		return findReports(ctx, r, f, false)
	})
}

func findReports(ctx context.Context, rd reader, f aldyn.ReportFilter, values bool) ([]*aldyn.Report, int, error) {
	var w where
	eq(&w, "r.id", f.ID)
	eq(&w, "c.plan_id", f.PlanID)
	eq(&w, "r.cycle_id", f.CycleID)
	eq(&w, "r.measure_id", f.MeasureID)
	eq(&w, "r.body_id", f.BodyID)
	eqString(&w, "r.status", f.Status)
	w.pathRange("p.territory_path", f.Under)
	out, total, err := reportList.page(ctx, rd, &w, f.Page)
	if err != nil || len(out) == 0 {
		return out, total, err
	}
	in, idArgs := idList(idsOf(out, reportID))
	if err := loadSpent(ctx, rd, out, "r.id IN ("+in+")", " ORDER BY x.report_id, x.line_no", idArgs...); err != nil {
		return nil, 0, err
	}
	if values {
		err = loadChildren(ctx, rd, byIDOf(out, reportID), func(r *aldyn.Report) *[]aldyn.IndicatorValue { return &r.Values },
			func(id *int64, x *aldyn.IndicatorValue) []any {
				return []any{id, &x.IndicatorID, &x.Period, &x.TerritoryCode, &x.Value}
			},
			"SELECT report_id, indicator_id, period, territory_code, value FROM report_values WHERE report_id IN ("+in+") ORDER BY report_id, indicator_id, period, territory_code", idArgs...)
	}
	return out, total, err
}

// loadSpent fills the spent lines of reports, which are those of the
// reports r matching cond (c is their cycle), in the order given.
func loadSpent(ctx context.Context, rd reader, reports []*aldyn.Report, cond, order string, args ...any) error {
	return loadChildren(ctx, rd, byIDOf(reports, reportID), func(r *aldyn.Report) *[]aldyn.BudgetLine { return &r.Spent }, budgetLine,
		`SELECT x.report_id, x.source, x.funder, x.amount_kgs FROM report_spent x JOIN reports r ON r.id = x.report_id
		JOIN reporting_cycles c ON c.id = r.cycle_id WHERE `+cond+order, args...)
}

func reportID(r *aldyn.Report) int64 { return r.ID }

// FindReportByID returns one report with its spent lines and indicator
// values; its files are listed by FindEvidence.
func (db *DB) FindReportByID(ctx context.Context, id int64) (*aldyn.Report, error) {
	var r *aldyn.Report
	err := db.read(ctx, func(rd reader) (err error) {
		r, err = reportByID(ctx, rd, id)
		return err
	})
	return r, err
}

func reportByID(ctx context.Context, rd reader, id int64) (*aldyn.Report, error) {
	rs, _, err := findReports(ctx, rd, aldyn.ReportFilter{ID: &id, Page: aldyn.Page{Limit: 1}}, true)
	return firstFound(rs, err, "report.error.not_found")
}

// reportFor loads report id with its cycle and plan.
func (tx *Tx) reportFor(ctx context.Context, id int64) (*aldyn.Report, *aldyn.ReportingCycle, *aldyn.Plan, error) {
	r, err := reportByID(ctx, tx, id)
	if err != nil {
		return nil, nil, nil, err
	}
	c, err := cycleFinder.one(ctx, tx, r.CycleID)
	if err != nil {
		return nil, nil, nil, err
	}
	p, err := planFinder.one(ctx, tx, c.PlanID)
	if err != nil {
		return nil, nil, nil, err
	}
	return r, c, p, nil
}

// checkReportValues checks the report's values are of indicators of the
// plan, in their periods.
func (tx *Tx) checkReportValues(ctx context.Context, planID int64, r *aldyn.Report) error {
	inds := map[int64]*aldyn.Indicator{}
	for k := range r.Values {
		x := &r.Values[k]
		ind := inds[x.IndicatorID]
		if ind == nil {
			var err error
			ind, err = indicatorFinder.one(ctx, tx, x.IndicatorID)
			if err != nil && aldyn.ErrorCode(err) != aldyn.ENOTFOUND {
				return err
			}
			if ind == nil || ind.PlanID != planID {
				return invalidField("values", "report.error.indicator_plan")
			}
			inds[ind.ID] = ind
		}
		if err := ind.ValidateValue(x); err != nil {
			return err
		}
	}
	return nil
}

// staleReport refuses an edit made from an older revision of a report.
func staleReport() error {
	e := aldyn.Errorf(aldyn.ECONFLICT, "report.error.stale")
	e.Fields = map[string]string{"revision": "report.error.stale"}
	return e
}

// SaveReport creates a draft report (r.ID zero) or updates the editable
// fields (progress, narrative, evidence references, spent lines, values)
// of a draft or returned report. A report is written by the measure's
// responsible body, which the store sets as r.BodyID. An update carries
// in r.Revision the revision it was made from: when the report has been
// saved since, it is refused (ECONFLICT report.error.stale). r.Revision is
// the report's new revision after a save.
func (db *DB) SaveReport(ctx context.Context, actor *aldyn.Actor, r *aldyn.Report) error {
	return db.Update(ctx, actor, func(tx *Tx) error {
		if r.ID == 0 {
			return tx.createReport(ctx, actor, r)
		}
		return tx.updateReport(ctx, actor, r)
	})
}

// createReport inserts r as a draft of the responsible body of its
// measure.
func (tx *Tx) createReport(ctx context.Context, actor *aldyn.Actor, r *aldyn.Report) error {
	c, err := cycleFinder.one(ctx, tx, r.CycleID)
	if err != nil {
		return invalidField("cycle_id", "cycle.error.not_found")
	}
	m, err := tx.measure(ctx, r.MeasureID)
	if err != nil || m.PlanID != c.PlanID {
		return invalidField("measure_id", "report.error.measure_plan")
	}
	// A measure that has not begun by the cycle's end has nothing
	// to report; an overdue one still does.
	if m.Start.After(c.To) {
		return invalidField("measure_id", "report.error.measure_outside_cycle")
	}
	p, err := planFinder.one(ctx, tx, c.PlanID)
	if err != nil {
		return err
	}
	r.BodyID, r.Status, r.Version, r.Comment = m.ResponsibleBodyID, aldyn.ReportDraft, 0, ""
	r.SubmittedBy, r.SubmittedAt, r.FirstSubmittedAt, r.DecidedBy, r.DecidedAt = 0, nil, nil, 0, nil
	r.CreatedAt, r.Revision = tx.now, 1
	if !actor.CanSubmitReport(r.BodyID) {
		return aldyn.Errorf(aldyn.EFORBIDDEN, "report.error.submit_forbidden")
	}
	if err := tx.checkReportEdit(ctx, c, p, r); err != nil {
		return err
	}
	if err := tx.queryRow(ctx, `INSERT INTO reports (cycle_id, measure_id, body_id, status, progress, narrative, evidence_json, comment,
		version, revision, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		r.CycleID, r.MeasureID, r.BodyID, string(r.Status), r.Progress, r.Narrative, jsonText(r.Evidence), r.Comment, r.Version,
		r.Revision, tx.now, tx.now).Scan(&r.ID); err != nil {
		return tx.db.normalize(err)
	}
	if err := tx.insertReportLines(ctx, r); err != nil {
		return err
	}
	return tx.Audit(ctx, aldyn.AuditCreate, "report", idString(r.ID), p.TerritoryCode, nil, r)
}

// updateReport writes the editable fields of report r.ID, a draft or
// returned one, made from revision r.Revision.
func (tx *Tx) updateReport(ctx context.Context, actor *aldyn.Actor, r *aldyn.Report) error {
	old, c, p, err := tx.reportFor(ctx, r.ID)
	if err != nil {
		return err
	}
	if !actor.CanSubmitReport(old.BodyID) {
		return aldyn.Errorf(aldyn.EFORBIDDEN, "report.error.submit_forbidden")
	}
	if !old.CanEdit() {
		return aldyn.Errorf(aldyn.ECONFLICT, "report.error.locked", "status", string(old.Status))
	}
	if r.Revision <= 0 {
		return invalidField("revision", "report.error.revision_required")
	}
	if r.Revision != old.Revision {
		return staleReport()
	}
	r.Revision = old.Revision + 1
	r.CycleID, r.MeasureID, r.BodyID, r.Status, r.Version, r.Comment = old.CycleID, old.MeasureID, old.BodyID, old.Status, old.Version, old.Comment
	r.SubmittedBy, r.SubmittedAt, r.FirstSubmittedAt, r.DecidedBy, r.DecidedAt = old.SubmittedBy, old.SubmittedAt, old.FirstSubmittedAt, old.DecidedBy, old.DecidedAt
	r.CreatedAt = old.CreatedAt
	if err := tx.checkReportEdit(ctx, c, p, r); err != nil {
		return err
	}
	// The revision in the WHERE holds against a save committed
	// since the read above (PostgreSQL reads committed rows).
	res, err := tx.exec(ctx, `UPDATE reports SET progress = ?, narrative = ?, evidence_json = ?, revision = ?, updated_at = ?
		WHERE id = ? AND revision = ?`, r.Progress, r.Narrative, jsonText(r.Evidence), r.Revision, tx.now, r.ID, old.Revision)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n == 0 {
		return staleReport()
	}
	for _, t := range []string{"report_spent", "report_values"} {
		if _, err := tx.exec(ctx, "DELETE FROM "+t+" WHERE report_id = ?", r.ID); err != nil {
			return err
		}
	}
	if err := tx.insertReportLines(ctx, r); err != nil {
		return err
	}
	return tx.Audit(ctx, aldyn.AuditUpdate, "report", idString(r.ID), p.TerritoryCode, old, r)
}

// checkReportEdit checks what a create and an update of report r both
// need: an open cycle c, and valid fields and values of plan p.
func (tx *Tx) checkReportEdit(ctx context.Context, c *aldyn.ReportingCycle, p *aldyn.Plan, r *aldyn.Report) error {
	if c.Status != aldyn.CycleOpen {
		return aldyn.Errorf(aldyn.ECONFLICT, "report.error.cycle_closed")
	}
	r.UpdatedAt = tx.now
	if r.Evidence == nil {
		r.Evidence = []string{}
	}
	if err := r.Validate(); err != nil {
		return err
	}
	return tx.checkReportValues(ctx, p.ID, r)
}

// insertReportLines writes the spent lines and indicator values of report
// r.
func (tx *Tx) insertReportLines(ctx context.Context, r *aldyn.Report) error {
	for i, l := range r.Spent {
		if _, err := tx.exec(ctx, `INSERT INTO report_spent (report_id, line_no, source, funder, amount_kgs) VALUES (?, ?, ?, ?, ?)`,
			r.ID, i+1, l.Source, l.Funder, l.AmountKGS); err != nil {
			return err
		}
	}
	for _, x := range r.Values {
		if _, err := tx.exec(ctx, `INSERT INTO report_values (report_id, indicator_id, period, territory_code, value) VALUES (?, ?, ?, ?, ?)`,
			r.ID, x.IndicatorID, x.Period, x.TerritoryCode, x.Value); err != nil {
			return err
		}
	}
	return nil
}

// ReportVersion is a snapshot of a report taken when it was submitted,
// accepted or returned.
type ReportVersion struct {
	ID       int64              `json:"id"`
	ReportID int64              `json:"report_id"`
	Version  int                `json:"version"`
	Status   aldyn.ReportStatus `json:"status"`
	UserID   int64              `json:"user_id"`
	At       time.Time          `json:"at"`
	Report   aldyn.Report       `json:"report"`
}

// decideReport runs a transition of report id made by fn and persists
// it: the status fields, a version snapshot, the measure's summary for
// the dashboard and the audit entry, with after, if set, in the same
// transaction.
func (db *DB) decideReport(ctx context.Context, actor *aldyn.Actor, id int64,
	fn func(r *aldyn.Report, c *aldyn.ReportingCycle, p *aldyn.Plan, now time.Time) error,
	after func(tx *Tx, r *aldyn.Report) error) (*aldyn.Report, error) {
	var r *aldyn.Report
	err := db.Update(ctx, actor, func(tx *Tx) error {
		var c *aldyn.ReportingCycle
		var p *aldyn.Plan
		var err error
		if r, c, p, err = tx.reportFor(ctx, id); err != nil {
			return err
		}
		old := *r
		if err := fn(r, c, p, tx.now); err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `UPDATE reports SET status = ?, comment = ?, version = ?, submitted_by = ?, submitted_at = ?,
			first_submitted_at = ?, decided_by = ?, decided_at = ?, updated_at = ? WHERE id = ?`,
			string(r.Status), r.Comment, r.Version, nullID(r.SubmittedBy), r.SubmittedAt, r.FirstSubmittedAt,
			nullID(r.DecidedBy), r.DecidedAt, r.UpdatedAt, id); err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `INSERT INTO report_versions (report_id, version, status, user_id, at, snapshot_json) VALUES (?, ?, ?, ?, ?, ?)`,
			id, r.Version, string(r.Status), nullID(actor.UserID), tx.now, jsonText(r)); err != nil {
			return err
		}
		if after != nil {
			if err := after(tx, r); err != nil {
				return err
			}
		}
		if err := tx.refreshMeasureSummaries(ctx, "m.id = ?", r.MeasureID); err != nil {
			return err
		}
		return tx.Audit(ctx, aldyn.AuditUpdate, "report", idString(id), p.TerritoryCode, &old, r)
	})
	if err != nil {
		return nil, err
	}
	return r, nil
}

// SubmitReport submits draft or returned report id for its open cycle.
func (db *DB) SubmitReport(ctx context.Context, actor *aldyn.Actor, id int64) (*aldyn.Report, error) {
	return db.decideReport(ctx, actor, id, func(r *aldyn.Report, c *aldyn.ReportingCycle, _ *aldyn.Plan, now time.Time) error {
		return r.Submit(actor, c, now)
	}, nil)
}

// AcceptReport accepts submitted report id; its indicator values become
// the observed values of their indicators.
func (db *DB) AcceptReport(ctx context.Context, actor *aldyn.Actor, id int64, comment string) (*aldyn.Report, error) {
	return db.decideReport(ctx, actor, id, func(r *aldyn.Report, _ *aldyn.ReportingCycle, p *aldyn.Plan, now time.Time) error {
		return r.Accept(actor, p.TerritoryPath, comment, now)
	}, func(tx *Tx, r *aldyn.Report) error {
		var ids []int64
		for _, x := range r.Values {
			if err := tx.upsertValue(ctx, x, r.ID); err != nil {
				return err
			}
			if !slices.Contains(ids, x.IndicatorID) {
				ids = append(ids, x.IndicatorID)
			}
		}
		for _, id := range ids {
			if err := tx.refreshIndicatorSummaries(ctx, "i.id = ?", id); err != nil {
				return err
			}
		}
		return nil
	})
}

// ReturnReport returns submitted report id to its body with a comment
// saying what to correct.
func (db *DB) ReturnReport(ctx context.Context, actor *aldyn.Actor, id int64, comment string) (*aldyn.Report, error) {
	return db.decideReport(ctx, actor, id, func(r *aldyn.Report, _ *aldyn.ReportingCycle, p *aldyn.Plan, now time.Time) error {
		return r.Return(actor, p.TerritoryPath, comment, now)
	}, nil)
}

// ReportHistory lists the snapshots of report id, oldest first.
func (db *DB) ReportHistory(ctx context.Context, reportID int64) ([]*ReportVersion, error) {
	var out []*ReportVersion
	err := scanAll(ctx, db, func(rows *sql.Rows) error {
		var v ReportVersion
		var uid sql.NullInt64
		var snap string
		if err := rows.Scan(&v.ID, &v.ReportID, &v.Version, &v.Status, &uid, &v.At, &snap); err != nil {
			return err
		}
		v.UserID, v.At = uid.Int64, v.At.UTC()
		if err := json.Unmarshal([]byte(snap), &v.Report); err != nil {
			return fmt.Errorf("report version %d: %w", v.ID, err)
		}
		out = append(out, &v)
		return nil
	}, `SELECT id, report_id, version, status, user_id, at, snapshot_json FROM report_versions WHERE report_id = ? ORDER BY id`, reportID)
	return out, err
}

// Report evidence files.

// ReportEvidence is a file attached to a report. The web layer stores the
// file under StorageKey; the store keeps its description.
type ReportEvidence struct {
	ID          int64     `json:"id"`
	ReportID    int64     `json:"report_id"`
	FileName    string    `json:"file_name"`
	ContentType string    `json:"content_type"`
	Size        int64     `json:"size"`
	SHA256      string    `json:"sha256"`
	StorageKey  string    `json:"storage_key"`
	UserID      int64     `json:"user_id"`
	CreatedAt   time.Time `json:"created_at"`
}

// editableReport loads report id for a change by its body's reporter.
func (tx *Tx) editableReport(ctx context.Context, id int64) (*aldyn.Report, *aldyn.Plan, error) {
	r, _, p, err := tx.reportFor(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	if !tx.actor.CanSubmitReport(r.BodyID) {
		return nil, nil, aldyn.Errorf(aldyn.EFORBIDDEN, "report.error.submit_forbidden")
	}
	if !r.CanEdit() {
		return nil, nil, aldyn.Errorf(aldyn.ECONFLICT, "report.error.locked", "status", string(r.Status))
	}
	return r, p, nil
}

// AddReportEvidence records a file attached to a draft or returned report
// by its body.
func (db *DB) AddReportEvidence(ctx context.Context, actor *aldyn.Actor, e *ReportEvidence) error {
	e.FileName, e.StorageKey = strings.TrimSpace(e.FileName), strings.TrimSpace(e.StorageKey)
	v := aldyn.Validation{}
	if e.FileName == "" || len([]rune(e.FileName)) > 255 {
		v.Add("file_name", "error.invalid")
	}
	if e.Size < 0 {
		v.Add("size", "error.invalid")
	}
	if len(e.SHA256) != 64 {
		v.Add("sha256", "error.invalid")
	}
	if e.StorageKey == "" {
		v.Add("storage_key", "error.required")
	}
	if err := v.Err(); err != nil {
		return err
	}
	return db.Update(ctx, actor, func(tx *Tx) error {
		_, p, err := tx.editableReport(ctx, e.ReportID)
		if err != nil {
			return err
		}
		e.UserID, e.CreatedAt = actor.UserID, tx.now
		if err := tx.queryRow(ctx, `INSERT INTO report_evidence (report_id, file_name, content_type, size_bytes, sha256, storage_key, user_id, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, e.ReportID, e.FileName, e.ContentType, e.Size, e.SHA256, e.StorageKey,
			nullID(e.UserID), tx.now).Scan(&e.ID); err != nil {
			return tx.db.normalize(err)
		}
		return tx.Audit(ctx, aldyn.AuditCreate, "report_evidence", idString(e.ID), p.TerritoryCode, nil, e)
	})
}

// DeleteReportEvidence removes a file's record from a draft or returned
// report and returns it, so that the caller removes the file.
func (db *DB) DeleteReportEvidence(ctx context.Context, actor *aldyn.Actor, id int64) (*ReportEvidence, error) {
	var e *ReportEvidence
	err := db.Update(ctx, actor, func(tx *Tx) (err error) {
		if e, err = evidenceByID(ctx, tx, id); err != nil {
			return err
		}
		_, p, err := tx.editableReport(ctx, e.ReportID)
		if err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `DELETE FROM report_evidence WHERE id = ?`, id); err != nil {
			return err
		}
		return tx.Audit(ctx, aldyn.AuditDelete, "report_evidence", idString(id), p.TerritoryCode, e, nil)
	})
	return e, err
}

const evidenceCols = `id, report_id, file_name, content_type, size_bytes, sha256, storage_key, user_id, created_at`

func scanEvidence(s interface{ Scan(...any) error }) (*ReportEvidence, error) {
	var e ReportEvidence
	var uid sql.NullInt64
	if err := s.Scan(&e.ID, &e.ReportID, &e.FileName, &e.ContentType, &e.Size, &e.SHA256, &e.StorageKey, &uid, &e.CreatedAt); err != nil {
		return nil, err
	}
	e.UserID, e.CreatedAt = uid.Int64, e.CreatedAt.UTC()
	return &e, nil
}

func evidenceByID(ctx context.Context, r reader, id int64) (*ReportEvidence, error) {
	e, err := scanEvidence(r.queryRow(ctx, `SELECT `+evidenceCols+` FROM report_evidence WHERE id = ?`, id))
	if err == sql.ErrNoRows {
		return nil, aldyn.Errorf(aldyn.ENOTFOUND, "evidence.error.not_found")
	}
	return e, err
}

// FindEvidenceByID returns one file's record; the caller checks the scope
// of its report.
func (db *DB) FindEvidenceByID(ctx context.Context, id int64) (*ReportEvidence, error) {
	e, err := evidenceByID(ctx, db, id)
	return e, db.normalize(err)
}

// FindEvidence lists the files of report reportID in upload order.
func (db *DB) FindEvidence(ctx context.Context, reportID int64) ([]*ReportEvidence, error) {
	var out []*ReportEvidence
	err := scanAll(ctx, db, func(rows *sql.Rows) error {
		e, err := scanEvidence(rows)
		if err == nil {
			out = append(out, e)
		}
		return err
	}, `SELECT `+evidenceCols+` FROM report_evidence WHERE report_id = ? ORDER BY id`, reportID)
	return out, err
}

// Report tasks: what a body owes in the open reporting cycles of every
// plan.

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

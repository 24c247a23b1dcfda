package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base32"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/aldyn-kg/aldyn"
)

// This file stores residents' reports: their creation with routing to a
// body, handling (transitions, notes, reassignment, merging), moderation,
// "me too" marks and escalation of overdue reports. Every change is
// audited in its transaction; the audited view leaves contact details
// out, as the audit log is read more widely than the reports.

const residentReportCols = `r.id, r.tracking_code, r.category_id, r.territory_code, r.settlement_id, r.lat, r.lon, r.pub_lat, r.pub_lon, r.address, r.description,
	r.contact_name, r.contact_email, r.contact_phone, r.status, r.body_id, r.answer, r.reject_reason, r.duplicate_of, r.supporters,
	r.published, r.redactions_json, r.attributes_json, r.due_on, r.escalated, r.source, r.demo, r.lang, r.created_at, r.updated_at, r.answered_at,
	t.path, bt.path, (SELECT COUNT(*) FROM resident_media m WHERE m.report_id = r.id AND m.kind = 'report')`

const residentReportFrom = ` FROM resident_reports r JOIN territories t ON t.code = r.territory_code
	JOIN bodies b ON b.id = r.body_id JOIN territories bt ON bt.code = b.territory_code
	JOIN resident_categories c ON c.id = r.category_id `

func scanResidentReport(s interface{ Scan(...any) error }) (*aldyn.ResidentReport, error) {
	var r aldyn.ResidentReport
	var lat, lon, plat, plon sql.NullFloat64
	var dup sql.NullInt64
	var redactions, attributes, due string
	var answered sql.NullTime
	if err := s.Scan(&r.ID, &r.TrackingCode, &r.CategoryID, &r.TerritoryCode, &r.SettlementID, &lat, &lon, &plat, &plon, &r.Address, &r.Description,
		&r.ContactName, &r.ContactEmail, &r.ContactPhone, &r.Status, &r.BodyID, &r.Answer, &r.RejectReason, &dup, &r.Supporters,
		boolInto{&r.Published}, &redactions, &attributes, &due, boolInto{&r.Escalated}, &r.Source, boolInto{&r.Demo}, &r.Lang, &r.CreatedAt, &r.UpdatedAt, &answered,
		&r.TerritoryPath, &r.BodyPath, &r.MediaCount); err != nil {
		return nil, err
	}
	if lat.Valid && lon.Valid {
		r.Lat, r.Lon = &lat.Float64, &lon.Float64
	}
	if plat.Valid && plon.Valid {
		r.PublicLat, r.PublicLon = &plat.Float64, &plon.Float64
	}
	if dup.Valid {
		r.DuplicateOf = &dup.Int64
	}
	if err := json.Unmarshal([]byte(redactions), &r.Redactions); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(attributes), &r.Attributes); err != nil {
		return nil, err
	}
	r.DueOn = parseDate(due)
	r.CreatedAt, r.UpdatedAt, r.AnsweredAt = r.CreatedAt.UTC(), r.UpdatedAt.UTC(), nullTime(answered)
	return &r, nil
}

// ResidentReportSorts are the columns a list of reports can be sorted by.
var ResidentReportSorts = map[string]string{"created": "r.created_at", "updated": "r.updated_at", "due": "r.due_on", "status": "r.status, r.due_on",
	"id": "r.id"}

var residentReportList = listQuery[*aldyn.ResidentReport]{cols: residentReportCols, from: residentReportFrom,
	sorts: ResidentReportSorts, order: "r.created_at", newest: "created", tie: ", r.id", scan: scanResidentReport}

func residentWhere(f aldyn.ResidentReportFilter) where {
	var w where
	eq(&w, "r.id", f.ID)
	w.inIDs("r.id", f.IDs)
	eq(&w, "r.body_id", f.BodyID)
	eq(&w, "r.duplicate_of", f.DuplicateOf)
	eq(&w, "r.category_id", f.CategoryID)
	w.inIDs("r.category_id", f.CategoryIDs)
	w.pathLike(f.Territory, "t.path")
	w.pathLike(f.Under, "t.path", "bt.path")
	eqString(&w, "r.status", f.Status)
	w.in("r.status", texts(f.Statuses))
	w.timeRange("r.created_at", f.From, f.To)
	if f.UpdatedFrom != nil {
		w.and("r.updated_at >= ?", f.UpdatedFrom.UTC())
	}
	if f.Public {
		w.and("r.published = TRUE AND c.public = TRUE")
	}
	if !f.IncludeMerged && f.ID == nil {
		w.and("r.duplicate_of IS NULL")
	}
	if f.OpenOnly {
		w.in("r.status", []string{string(aldyn.ResidentReceived), string(aldyn.ResidentInProgress)})
	}
	if f.OverdueAt != nil {
		w.in("r.status", []string{string(aldyn.ResidentReceived), string(aldyn.ResidentInProgress)})
		w.and("r.due_on < ?", f.OverdueAt.Format(time.DateOnly))
	}
	if q := strings.TrimSpace(f.Query); q != "" {
		w.and("LOWER(r.description) LIKE ? ESCAPE '\\'", "%"+likeEscape(strings.ToLower(q))+"%")
	}
	return w
}

// FindResidentReports lists reports matching f, newest first by default,
// with the total count. Merged duplicates are left out unless asked for.
func (db *DB) FindResidentReports(ctx context.Context, f aldyn.ResidentReportFilter) ([]*aldyn.ResidentReport, int, error) {
	w := residentWhere(f)
	out, total, err := residentReportList.page(ctx, db, &w, f.Page)
	return out, total, db.normalize(err)
}

// FindResidentReportByID returns one report, merged or not.
func (db *DB) FindResidentReportByID(ctx context.Context, id int64) (*aldyn.ResidentReport, error) {
	r, err := scanResidentReport(db.queryRow(ctx, "SELECT "+residentReportCols+residentReportFrom+"WHERE r.id = ?", id))
	return r, db.notFound(err, "residents.error.not_found")
}

// FindResidentReportByCode returns the report with the tracking code.
func (db *DB) FindResidentReportByCode(ctx context.Context, code string) (*aldyn.ResidentReport, error) {
	if len(code) != aldyn.TrackingCodeLength {
		return nil, aldyn.Errorf(aldyn.ENOTFOUND, "residents.error.not_found")
	}
	r, err := scanResidentReport(db.queryRow(ctx, "SELECT "+residentReportCols+residentReportFrom+"WHERE r.tracking_code = ?", code))
	return r, db.notFound(err, "residents.error.not_found")
}

func (tx *Tx) residentReport(ctx context.Context, id int64) (*aldyn.ResidentReport, error) {
	r, err := scanResidentReport(tx.queryRow(ctx, "SELECT "+residentReportCols+residentReportFrom+"WHERE r.id = ?", id))
	return r, tx.db.notFound(err, "residents.error.not_found")
}

// auditResident is the audited view of a report: no contact details, no
// exact point.
func auditResident(r *aldyn.ResidentReport) map[string]any {
	return map[string]any{"status": r.Status, "body_id": r.BodyID, "category_id": r.CategoryID, "territory_code": r.TerritoryCode,
		"answer": r.Answer, "reject_reason": r.RejectReason, "duplicate_of": r.DuplicateOf, "supporters": r.Supporters,
		"published": r.Published, "redactions": r.Redactions, "due_on": r.DueOn.Format(time.DateOnly), "escalated": r.Escalated}
}

// newTrackingCode is an unguessable code of aldyn.TrackingCodeLength
// letters and digits (100 bits from crypto/rand).
func newTrackingCode() (string, error) {
	var b [aldyn.TrackingCodeLength * 5 / 8]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	return strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b[:])), nil
}

// routeResident finds the body a report in the territory with the given
// path goes to, for the category's body types.
func (tx *Tx) routeResident(ctx context.Context, path string, types []string) (int64, error) {
	if len(types) == 0 {
		return 0, invalidField("category_id", "residents.error.category_sensitive")
	}
	var w where
	w.in("b.type", types)
	w.and("? LIKE t.path || '%'", path)
	var cands []aldyn.BodyCandidate
	err := scanAll(ctx, tx, func(rows *sql.Rows) error {
		var c aldyn.BodyCandidate
		if err := rows.Scan(&c.ID, &c.Type, &c.TerritoryPath); err != nil {
			return err
		}
		cands = append(cands, c)
		return nil
	}, "SELECT b.id, b.type, t.path FROM bodies b JOIN territories t ON t.code = b.territory_code"+w.String(), w.args...)
	if err != nil {
		return 0, err
	}
	id, ok := aldyn.RouteResident(path, types, cands)
	if !ok {
		return 0, aldyn.Errorf(aldyn.EINVALID, "residents.error.no_body")
	}
	return id, nil
}

// ResidentMedia is a photo or video of a report, stored on disk under
// StorageKey with its metadata stripped.
type ResidentMedia struct {
	ID          int64     `json:"id"`
	ReportID    int64     `json:"report_id"`
	Kind        string    `json:"kind"` // "report" or "answer"
	ContentType string    `json:"content_type"`
	Size        int64     `json:"size"`
	SHA256      string    `json:"sha256"`
	StorageKey  string    `json:"-"`
	CreatedAt   time.Time `json:"created_at"`
}

// CreateResidentReport validates a resident's report, routes it to the
// competent body, sets its deadline and tracking code, and stores it with
// its media files, all in one transaction.
func (db *DB) CreateResidentReport(ctx context.Context, actor *aldyn.Actor, r *aldyn.ResidentReport, media []*ResidentMedia) error {
	if err := r.Validate(); err != nil {
		return err
	}
	if len(media) > aldyn.MaxResidentMedia {
		return invalidField("files", "residents.error.too_many_files")
	}
	code, err := newTrackingCode()
	if err != nil {
		return err
	}
	return db.Update(ctx, actor, func(tx *Tx) error { return tx.createResidentReport(ctx, r, media, code) })
}

// createResidentReport routes and stores a validated report with the
// tracking code in tx: the one write path of a resident's report, whether
// it comes from the form, Open311 or an issue raised at a report-back
// meeting.
func (tx *Tx) createResidentReport(ctx context.Context, r *aldyn.ResidentReport, media []*ResidentMedia, code string) error {
	{
		c, err := tx.residentCategory(ctx, r.CategoryID)
		if err != nil || !c.Active {
			return invalidField("category_id", "residents.error.category_not_found")
		}
		if c.Sensitive {
			return invalidField("category_id", "residents.error.category_sensitive")
		}
		if r.Attributes, err = c.CheckAnswers(r.Attributes); err != nil {
			return err
		}
		t, err := tx.territory(ctx, r.TerritoryCode)
		if err != nil {
			return invalidField("territory_code", "territory.error.not_found")
		}
		if t.Level == aldyn.LevelCountry || t.Level == aldyn.LevelRegion && t.Kind == aldyn.KindOblast {
			return invalidField("territory_code", "residents.error.territory_level")
		}
		if r.BodyID, err = tx.routeResident(ctx, t.Path, c.BodyTypes); err != nil {
			return err
		}
		r.TrackingCode, r.TerritoryPath = code, t.Path
		r.CreatedAt, r.UpdatedAt = tx.now, tx.now
		r.DueOn = aldyn.AddWorkingDays(tx.now, c.DeadlineDays)
		if r.Redactions == nil {
			r.Redactions = []string{}
		}
		if err := tx.queryRow(ctx, `INSERT INTO resident_reports (tracking_code, category_id, territory_code, settlement_id, lat, lon, pub_lat, pub_lon, address,
			description, contact_name, contact_email, contact_phone, status, body_id, supporters, published, redactions_json, attributes_json, due_on,
			escalated, source, demo, lang, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			r.TrackingCode, r.CategoryID, r.TerritoryCode, r.SettlementID, r.Lat, r.Lon, r.PublicLat, r.PublicLon, r.Address,
			r.Description, r.ContactName, r.ContactEmail, r.ContactPhone, string(r.Status), r.BodyID, r.Supporters, r.Published,
			jsonText(r.Redactions), jsonText(r.Attributes), r.DueOn.Format(time.DateOnly), r.Escalated, r.Source, r.Demo, r.Lang, tx.now, tx.now).Scan(&r.ID); err != nil {
			return tx.db.normalize(err)
		}
		for _, m := range media {
			m.ReportID, m.Kind = r.ID, "report"
			if err := tx.insertResidentMedia(ctx, m); err != nil {
				return err
			}
		}
		r.MediaCount = len(media)
		return tx.Audit(ctx, aldyn.AuditCreate, "resident_report", idString(r.ID), r.TerritoryCode, nil, auditResident(r))
	}
}

func (tx *Tx) insertResidentMedia(ctx context.Context, m *ResidentMedia) error {
	m.CreatedAt = tx.now
	return tx.db.normalize(tx.queryRow(ctx, `INSERT INTO resident_media (report_id, kind, content_type, size_bytes, sha256, storage_key, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`, m.ReportID, m.Kind, m.ContentType, m.Size, m.SHA256, m.StorageKey, tx.now).Scan(&m.ID))
}

const residentMediaSelect = "SELECT id, report_id, kind, content_type, size_bytes, sha256, storage_key, created_at FROM resident_media"

func scanResidentMedia(s interface{ Scan(...any) error }) (*ResidentMedia, error) {
	var m ResidentMedia
	err := s.Scan(&m.ID, &m.ReportID, &m.Kind, &m.ContentType, &m.Size, &m.SHA256, &m.StorageKey, &m.CreatedAt)
	m.CreatedAt = m.CreatedAt.UTC()
	return &m, err
}

// FindResidentMedia lists the media of a report.
func (db *DB) FindResidentMedia(ctx context.Context, reportID int64) ([]*ResidentMedia, error) {
	out, err := scanList(ctx, db, scanResidentMedia, residentMediaSelect+" WHERE report_id = ? ORDER BY id", reportID)
	return out, db.normalize(err)
}

// FindResidentMediaByID returns one media file's record.
func (db *DB) FindResidentMediaByID(ctx context.Context, id int64) (*ResidentMedia, error) {
	m, err := scanResidentMedia(db.queryRow(ctx, residentMediaSelect+" WHERE id = ?", id))
	return m, db.notFound(err, "residents.error.not_found")
}

// handle loads a report for a change by the actor, who must handle it.
func (tx *Tx) handleResident(ctx context.Context, id int64) (*aldyn.ResidentReport, error) {
	r, err := tx.residentReport(ctx, id)
	if err != nil {
		return nil, err
	}
	if !tx.actor.CanHandleResident(r.BodyID, r.BodyPath) {
		return nil, aldyn.Errorf(aldyn.EFORBIDDEN, "error.forbidden")
	}
	return r, nil
}

func (tx *Tx) saveResident(ctx context.Context, before, r *aldyn.ResidentReport) error {
	r.UpdatedAt = tx.now
	if _, err := tx.exec(ctx, `UPDATE resident_reports SET status = ?, body_id = ?, answer = ?, reject_reason = ?, duplicate_of = ?, supporters = ?,
		published = ?, redactions_json = ?, due_on = ?, escalated = ?, updated_at = ?, answered_at = ? WHERE id = ?`,
		string(r.Status), r.BodyID, r.Answer, r.RejectReason, r.DuplicateOf, r.Supporters, r.Published, jsonText(r.Redactions),
		r.DueOn.Format(time.DateOnly), r.Escalated, tx.now, r.AnsweredAt, r.ID); err != nil {
		return err
	}
	return tx.Audit(ctx, aldyn.AuditUpdate, "resident_report", idString(r.ID), r.TerritoryCode, auditResident(before), auditResident(r))
}

// TransitionResidentReport moves a report to status to, with the public
// answer or the rejection reason text. An answer may carry photos of the
// result (checked and stripped of metadata by the caller, at most
// aldyn.MaxResidentAnswerPhotos), stored with kind "answer" in the same
// transaction.
func (db *DB) TransitionResidentReport(ctx context.Context, actor *aldyn.Actor, id int64, to aldyn.ResidentStatus, text string, photos ...*ResidentMedia) (*aldyn.ResidentReport, error) {
	if len(photos) > 0 && to != aldyn.ResidentAnswered {
		return nil, invalidField("photo", "residents.error.photo_answer_only")
	}
	if len(photos) > aldyn.MaxResidentAnswerPhotos {
		return nil, invalidField("photo", "residents.error.photo_answer_one")
	}
	for _, m := range photos {
		if !strings.HasPrefix(m.ContentType, "image/") {
			return nil, invalidField("photo", "residents.error.photo_answer_type")
		}
	}
	var out *aldyn.ResidentReport
	err := db.Update(ctx, actor, func(tx *Tx) error {
		r, err := tx.handleResident(ctx, id)
		if err != nil {
			return err
		}
		if r.DuplicateOf != nil {
			return aldyn.Errorf(aldyn.ECONFLICT, "residents.error.merged")
		}
		before := *r
		if err := r.Transition(to, text, tx.now); err != nil {
			return err
		}
		out = r
		for _, m := range photos {
			m.ReportID, m.Kind = r.ID, "answer"
			if err := tx.insertResidentMedia(ctx, m); err != nil {
				return err
			}
			if err := tx.Audit(ctx, aldyn.AuditCreate, "resident_media", idString(m.ID), r.TerritoryCode, nil,
				map[string]any{"report_id": r.ID, "kind": m.Kind, "content_type": m.ContentType, "size": m.Size, "sha256": m.SHA256}); err != nil {
				return err
			}
		}
		return tx.saveResident(ctx, &before, r)
	})
	return out, err
}

// ReassignResidentReport sends an open report to another body, with a
// reason kept as an internal note. The receiving body's users and the
// coordinators covering it may reassign.
func (db *DB) ReassignResidentReport(ctx context.Context, actor *aldyn.Actor, id, bodyID int64, reason string) error {
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return invalidField("reason", "residents.error.reason_required")
	}
	return db.Update(ctx, actor, func(tx *Tx) error {
		r, err := tx.handleResident(ctx, id)
		if err != nil {
			return err
		}
		if r.Status.Closed() || r.DuplicateOf != nil {
			return aldyn.Errorf(aldyn.ECONFLICT, "residents.error.closed")
		}
		if bodyID == r.BodyID {
			return invalidField("body_id", "residents.error.same_body")
		}
		b, err := tx.body(ctx, bodyID)
		if err != nil {
			return invalidField("body_id", "body.error.not_found")
		}
		if aldyn.IsCoordinationBody(b.Type) {
			return invalidField("body_id", "residents.error.body_type")
		}
		before := *r
		r.BodyID, r.Status, r.Escalated = b.ID, aldyn.ResidentReceived, false
		if err := tx.saveResident(ctx, &before, r); err != nil {
			return err
		}
		return tx.addResidentNote(ctx, &aldyn.ResidentNote{ReportID: r.ID, Text: "→ " + b.NameKy + " / " + b.NameRu + ": " + reason})
	})
}

// MergeResidentReports merges the duplicate dupID into intoID: the
// duplicate keeps its row and tracking code (which then shows intoID's
// progress), and intoID counts its resident and supporters.
func (db *DB) MergeResidentReports(ctx context.Context, actor *aldyn.Actor, dupID, intoID int64) error {
	return db.Update(ctx, actor, func(tx *Tx) error {
		dup, err := tx.handleResident(ctx, dupID)
		if err != nil {
			return err
		}
		into, err := tx.handleResident(ctx, intoID)
		if err != nil {
			return err
		}
		if err := aldyn.CanMerge(dup, into); err != nil {
			return err
		}
		bd, bi := *dup, *into
		dup.DuplicateOf = &into.ID
		into.Supporters += 1 + dup.Supporters
		if _, err := tx.exec(ctx, "UPDATE resident_reports SET duplicate_of = ? WHERE duplicate_of = ?", into.ID, dup.ID); err != nil {
			return err
		}
		if err := tx.saveResident(ctx, &bd, dup); err != nil {
			return err
		}
		return tx.saveResident(ctx, &bi, into)
	})
}

// SupportResidentReport adds a "me too" from a device (a hash) to a
// report; a device counts once. It returns the report it counted on (a
// merged duplicate passes the mark to its report).
func (db *DB) SupportResidentReport(ctx context.Context, id int64, device string) (added bool, err error) {
	err = db.Update(ctx, aldyn.Public, func(tx *Tx) error {
		r, err := tx.residentReport(ctx, id)
		if err != nil {
			return err
		}
		if r.DuplicateOf != nil {
			if r, err = tx.residentReport(ctx, *r.DuplicateOf); err != nil {
				return err
			}
		}
		var n int
		if err := tx.queryRow(ctx, "SELECT COUNT(*) FROM resident_supports WHERE report_id = ? AND device = ?", r.ID, device).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return nil
		}
		if _, err := tx.exec(ctx, "INSERT INTO resident_supports (report_id, device, created_at) VALUES (?, ?, ?)", r.ID, device, tx.now); err != nil {
			return err
		}
		before := *r
		r.Supporters++
		added = true
		return tx.saveResident(ctx, &before, r)
	})
	return added, err
}

// ModerateResidentReport publishes or withdraws a report and sets the
// words (names) blanked on public pages.
func (db *DB) ModerateResidentReport(ctx context.Context, actor *aldyn.Actor, id int64, publish bool, redactions []string) error {
	clean := []string{}
	for _, w := range redactions {
		if w = strings.TrimSpace(w); w != "" && len([]rune(w)) <= 100 {
			clean = append(clean, w)
		}
	}
	return db.Update(ctx, actor, func(tx *Tx) error {
		r, err := tx.residentReport(ctx, id)
		if err != nil {
			return err
		}
		if !actor.CanModerateResidents(r.TerritoryPath) && !actor.CanHandleResident(r.BodyID, r.BodyPath) {
			return aldyn.Errorf(aldyn.EFORBIDDEN, "error.forbidden")
		}
		before := *r
		r.Published, r.Redactions = publish, clean
		return tx.saveResident(ctx, &before, r)
	})
}

// Notes.

func (tx *Tx) addResidentNote(ctx context.Context, n *aldyn.ResidentNote) error {
	n.CreatedAt = tx.now
	if tx.actor != nil {
		n.UserID, n.Author = tx.actor.UserID, tx.actor.Login
	}
	if n.Author == "" {
		n.Author = "system"
	}
	if err := tx.queryRow(ctx, `INSERT INTO resident_notes (report_id, user_id, author, text, created_at) VALUES (?, ?, ?, ?, ?) RETURNING id`,
		n.ReportID, nullID(n.UserID), n.Author, n.Text, tx.now).Scan(&n.ID); err != nil {
		return tx.db.normalize(err)
	}
	return tx.Audit(ctx, aldyn.AuditCreate, "resident_note", idString(n.ID), "", nil, n)
}

// AddResidentNote adds an internal note to a report the actor handles.
func (db *DB) AddResidentNote(ctx context.Context, actor *aldyn.Actor, n *aldyn.ResidentNote) error {
	n.Text = strings.TrimSpace(n.Text)
	if n.Text == "" {
		return invalidField("text", "error.required")
	} else if len([]rune(n.Text)) > aldyn.MaxResidentAnswer {
		return invalidField("text", "error.too_long")
	}
	return db.Update(ctx, actor, func(tx *Tx) error {
		if _, err := tx.handleResident(ctx, n.ReportID); err != nil {
			return err
		}
		return tx.addResidentNote(ctx, n)
	})
}

// FindResidentNotes lists a report's internal notes, oldest first.
func (db *DB) FindResidentNotes(ctx context.Context, reportID int64) ([]*aldyn.ResidentNote, error) {
	out := []*aldyn.ResidentNote{}
	err := scanAll(ctx, db, func(rows *sql.Rows) error {
		var n aldyn.ResidentNote
		var uid sql.NullInt64
		if err := rows.Scan(&n.ID, &n.ReportID, &uid, &n.Author, &n.Text, &n.CreatedAt); err != nil {
			return err
		}
		n.UserID, n.CreatedAt = uid.Int64, n.CreatedAt.UTC()
		out = append(out, &n)
		return nil
	}, "SELECT id, report_id, user_id, author, text, created_at FROM resident_notes WHERE report_id = ? ORDER BY id", reportID)
	return out, db.normalize(err)
}

// Escalation.

// EscalateOverdueResidentReports marks the open reports past their due day
// as escalated and returns those newly escalated, for notifying the
// coordinators of their territory.
func (db *DB) EscalateOverdueResidentReports(ctx context.Context) ([]*aldyn.ResidentReport, error) {
	var out []*aldyn.ResidentReport
	err := db.Update(ctx, aldyn.System, func(tx *Tx) error {
		now := tx.now
		w := residentWhere(aldyn.ResidentReportFilter{OverdueAt: &now})
		w.and("r.escalated = FALSE")
		ids, err := scanColumn[int64](ctx, tx, "SELECT r.id"+residentReportFrom+w.String()+" ORDER BY r.id", w.args...)
		if err != nil {
			return err
		}
		for _, id := range ids {
			r, err := tx.residentReport(ctx, id)
			if err != nil {
				return err
			}
			// The due day itself is still in time.
			if !r.IsOverdue(now) {
				continue
			}
			before := *r
			r.Escalated = true
			if err := tx.saveResident(ctx, &before, r); err != nil {
				return err
			}
			out = append(out, r)
		}
		return nil
	})
	return out, err
}

// CoordinationBodyFor returns the coordination commission (or council)
// nearest above the territory with the given path, which an overdue
// report is escalated to.
func (db *DB) CoordinationBodyFor(ctx context.Context, path string) (*aldyn.Body, error) {
	b, err := scanBody(db.queryRow(ctx, `SELECT `+bodyCols+` FROM bodies b JOIN territories t ON t.code = b.territory_code
		WHERE b.type IN ('coordination_commission', 'coordination_council') AND ? LIKE t.path || '%'
		ORDER BY LENGTH(t.path) DESC, b.id LIMIT 1`, path))
	return b, db.notFound(err, "body.error.not_found")
}

// MapCell is a cell of the public map: how many reports have their public
// point in it, and where they are on average.
type MapCell struct {
	Lat, Lon float64
	Count    int
	ID       int64 // the report, when the cell holds one
}

// residentMapCellsSQL is ResidentMapCells answered by the database, which
// the in-memory index (resident_map_index.go) must agree with.
func (db *DB) residentMapCellsSQL(ctx context.Context, f aldyn.ResidentReportFilter, box [4]float64, size float64) ([]MapCell, error) {
	// A lean query on one table, answered from the covering index
	// resident_reports_public_point: the public categories are listed
	// first, the territory (when asked) as the codes under its path.
	var w where
	w.and("r.published = TRUE AND r.duplicate_of IS NULL")
	w.and("r.pub_lat >= ? AND r.pub_lat <= ? AND r.pub_lon >= ? AND r.pub_lon <= ?", box[1], box[3], box[0], box[2])
	cats, err := db.FindResidentCategories(ctx, false)
	if err != nil {
		return nil, err
	}
	public := []int64{} // none: a non-public category filters everything out
	for _, c := range cats {
		if c.Public && (f.CategoryID == nil || *f.CategoryID == c.ID) {
			public = append(public, c.ID)
		}
	}
	w.inIDs("r.category_id", public)
	eqString(&w, "r.status", f.Status)
	w.timeRange("r.created_at", f.From, f.To)
	if f.Territory != "" {
		w.and("r.territory_code IN (SELECT t.code FROM territories t WHERE t.path LIKE ? ESCAPE '\\')", likeEscape(f.Territory)+"%")
	}
	return db.mapCells(ctx, "r.pub_lat", "r.pub_lon", " FROM resident_reports r", &w, size)
}

// mapCells counts the reports that from and w select in square cells of
// size degrees by their point (lat, lon), each cell at its reports' mean
// point and naming its report when it holds one.
func (db *DB) mapCells(ctx context.Context, lat, lon, from string, w *where, size float64) ([]MapCell, error) {
	// Kyrgyzstan lies at positive latitudes and longitudes: a cast
	// truncates as floor does, on both databases.
	cell := "CAST(" + lat + " / ? AS INTEGER), CAST(" + lon + " / ? AS INTEGER)"
	if db.Dialect == Postgres {
		cell = "FLOOR(" + lat + " / ?), FLOOR(" + lon + " / ?)"
	}
	var out []MapCell
	err := scanAll(ctx, db, func(rows *sql.Rows) error {
		var c MapCell
		var a, b float64
		if err := rows.Scan(&a, &b, &c.Count, &c.Lat, &c.Lon, &c.ID); err != nil {
			return err
		}
		if c.Count > 1 {
			c.ID = 0
		}
		out = append(out, c)
		return nil
	}, "SELECT "+cell+", COUNT(*), AVG("+lat+"), AVG("+lon+"), MIN(r.id)"+from+w.String()+" GROUP BY 1, 2 ORDER BY 1, 2",
		append([]any{size, size}, w.args...)...)
	return out, db.normalize(err)
}

// LoadResidentReports stores many reports in one transaction, for demo
// data and benchmarks: each is validated and routed as CreateResidentReport
// does, keeps the CreatedAt, Status, Published and public point it is
// given, and the batch is audited as one entry.
func (db *DB) LoadResidentReports(ctx context.Context, actor *aldyn.Actor, rs []*aldyn.ResidentReport) error {
	for i, r := range rs {
		if err := r.Validate(); err != nil {
			return fmt.Errorf("report %d: %w", i, err)
		}
	}
	return db.Update(ctx, actor, func(tx *Tx) error {
		cats := map[int64]*aldyn.ResidentCategory{}
		paths := map[string]string{}
		routes := map[string]int64{}
		for i, r := range rs {
			c := cats[r.CategoryID]
			if c == nil {
				var err error
				if c, err = tx.residentCategory(ctx, r.CategoryID); err != nil {
					return fmt.Errorf("report %d: %w", i, err)
				}
				cats[r.CategoryID] = c
			}
			path, ok := paths[r.TerritoryCode]
			if !ok {
				t, err := tx.territory(ctx, r.TerritoryCode)
				if err != nil {
					return fmt.Errorf("report %d: %w", i, err)
				}
				path, paths[r.TerritoryCode] = t.Path, t.Path
			}
			rk := path + "|" + strconv.FormatInt(c.ID, 10)
			if _, ok := routes[rk]; !ok {
				id, err := tx.routeResident(ctx, path, c.BodyTypes)
				if err != nil {
					return fmt.Errorf("report %d: %w", i, err)
				}
				routes[rk] = id
			}
			if r.BodyID == 0 {
				r.BodyID = routes[rk]
			}
			code, err := newTrackingCode()
			if err != nil {
				return err
			}
			if r.CreatedAt.IsZero() {
				r.CreatedAt = tx.now
			}
			r.TrackingCode, r.UpdatedAt = code, r.CreatedAt
			if r.AnsweredAt != nil && r.AnsweredAt.After(r.UpdatedAt) {
				r.UpdatedAt = *r.AnsweredAt
			}
			r.DueOn = aldyn.AddWorkingDays(r.CreatedAt, c.DeadlineDays)
			if r.Redactions == nil {
				r.Redactions = []string{}
			}
			if err := tx.queryRow(ctx, `INSERT INTO resident_reports (tracking_code, category_id, territory_code, settlement_id, lat, lon, pub_lat, pub_lon,
				address, description, contact_name, contact_email, contact_phone, status, body_id, answer, reject_reason, supporters, published,
				redactions_json, due_on, escalated, source, demo, lang, created_at, updated_at, answered_at)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
				r.TrackingCode, r.CategoryID, r.TerritoryCode, r.SettlementID, r.Lat, r.Lon, r.PublicLat, r.PublicLon,
				r.Address, r.Description, r.ContactName, r.ContactEmail, r.ContactPhone, string(r.Status), r.BodyID, r.Answer, r.RejectReason,
				r.Supporters, r.Published, jsonText(r.Redactions), r.DueOn.Format(time.DateOnly), r.Escalated, r.Source, r.Demo, r.Lang,
				r.CreatedAt, r.UpdatedAt, r.AnsweredAt).Scan(&r.ID); err != nil {
				return fmt.Errorf("report %d: %w", i, tx.db.normalize(err))
			}
		}
		return tx.Audit(ctx, aldyn.AuditCreate, "resident_report", "batch", "", nil, map[string]any{"reports": len(rs)})
	})
}

// PoliceResidentReports lists the reports created in [from, to) that
// belong to the police of the territory under path: routed to a police
// body there, or made there in a category routed to the police. Merged
// duplicates are left out.
func (db *DB) PoliceResidentReports(ctx context.Context, under string, from, to time.Time) ([]*aldyn.ResidentReport, error) {
	under = likeEscape(under) + "%"
	return db.residentReportsMade(ctx, from, to, `((b.type = 'police' AND bt.path LIKE ? ESCAPE '\') OR (c.body_types_json LIKE '%"police"%' AND t.path LIKE ? ESCAPE '\'))`, under, under)
}

// ResidentReportsMadeIn lists the reports made in the territory under path
// and created in [from, to), merged duplicates left out.
func (db *DB) ResidentReportsMadeIn(ctx context.Context, under string, from, to time.Time) ([]*aldyn.ResidentReport, error) {
	return db.residentReportsMade(ctx, from, to, `t.path LIKE ? ESCAPE '\'`, likeEscape(under)+"%")
}

func (db *DB) residentReportsMade(ctx context.Context, from, to time.Time, cond string, args ...any) ([]*aldyn.ResidentReport, error) {
	var w where
	w.and("r.duplicate_of IS NULL")
	w.and("r.created_at >= ?", from.UTC())
	w.and("r.created_at < ?", to.UTC())
	w.and(cond, args...)
	out, err := scanList(ctx, db, scanResidentReport, "SELECT "+residentReportCols+residentReportFrom+w.String()+" ORDER BY r.id", w.args...)
	return out, db.normalize(err)
}

// ResidentReportTally is what the open dataset counts of one report: its
// category, territory path, when it came and whether it was answered by
// the end of its due day. No text, contact or point.
type ResidentReportTally struct {
	CategoryCode  string
	TerritoryPath string
	CreatedAt     time.Time
	OnTime        bool
}

// ResidentReportTallies returns every report of a public category that is
// not a merged duplicate, created before until, for the open dataset.
func (db *DB) ResidentReportTallies(ctx context.Context, until time.Time) ([]ResidentReportTally, error) {
	return scanList(ctx, db, func(s interface{ Scan(...any) error }) (ResidentReportTally, error) {
		var t ResidentReportTally
		var due string
		var answered sql.NullTime
		if err := s.Scan(&t.CategoryCode, &t.TerritoryPath, &t.CreatedAt, &due, &answered); err != nil {
			return t, err
		}
		t.CreatedAt = t.CreatedAt.UTC()
		t.OnTime = answered.Valid && answered.Time.Before(parseDate(due).AddDate(0, 0, 1))
		return t, nil
	}, `SELECT c.code, t.path, r.created_at, r.due_on, r.answered_at FROM resident_reports r
		JOIN territories t ON t.code = r.territory_code JOIN resident_categories c ON c.id = r.category_id
		WHERE c.public AND r.duplicate_of IS NULL AND r.created_at < ? ORDER BY r.id`, until)
}

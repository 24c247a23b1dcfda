package store

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aldyn-kg/aldyn"
)

// Open311Key is an api_key issued to a third-party Open311 client; only
// the key's SHA-256 is stored, so a key is shown once, when created.
type Open311Key struct {
	ID         int64      `json:"id"`
	Name       string     `json:"name"`
	CreatedAt  time.Time  `json:"created_at"`
	RevokedAt  *time.Time `json:"revoked_at,omitempty"`
	LastUsedAt *time.Time `json:"last_used_at,omitempty"`
}

func open311Hash(key string) string {
	h := sha256.Sum256([]byte(key))
	return hex.EncodeToString(h[:])
}

// CreateOpen311Key issues a key named name and returns it in clear.
func (db *DB) CreateOpen311Key(ctx context.Context, actor *aldyn.Actor, name string) (*Open311Key, string, error) {
	name = strings.TrimSpace(name)
	if name == "" || len([]rune(name)) > 200 {
		return nil, "", invalidField("name", "error.required")
	}
	var b [24]byte
	if _, err := rand.Read(b[:]); err != nil {
		return nil, "", err
	}
	key := "o311_" + hex.EncodeToString(b[:])
	k := &Open311Key{Name: name}
	err := db.Update(ctx, actor, func(tx *Tx) error {
		k.CreatedAt = tx.now
		if err := tx.queryRow(ctx, `INSERT INTO open311_keys (name, key_hash, created_at) VALUES (?, ?, ?) RETURNING id`,
			name, open311Hash(key), tx.now).Scan(&k.ID); err != nil {
			return tx.db.normalize(err)
		}
		return tx.Audit(ctx, aldyn.AuditCreate, "open311_key", idString(k.ID), "", nil, k)
	})
	return k, key, err
}

// RevokeOpen311Key stops a key from working.
func (db *DB) RevokeOpen311Key(ctx context.Context, actor *aldyn.Actor, id int64) error {
	return db.Update(ctx, actor, func(tx *Tx) error {
		res, err := tx.exec(ctx, `UPDATE open311_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL`, tx.now, id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return aldyn.Errorf(aldyn.ENOTFOUND, "error.not_found")
		}
		return tx.Audit(ctx, aldyn.AuditUpdate, "open311_key", idString(id), "", nil, map[string]any{"revoked_at": tx.now})
	})
}

// FindOpen311Keys lists the keys, newest first.
func (db *DB) FindOpen311Keys(ctx context.Context) ([]*Open311Key, error) {
	var out []*Open311Key
	err := scanAll(ctx, db, func(rows *sql.Rows) error {
		var k Open311Key
		var rev, used sql.NullTime
		if err := rows.Scan(&k.ID, &k.Name, &k.CreatedAt, &rev, &used); err != nil {
			return err
		}
		k.CreatedAt, k.RevokedAt, k.LastUsedAt = k.CreatedAt.UTC(), nullTime(rev), nullTime(used)
		out = append(out, &k)
		return nil
	}, `SELECT id, name, created_at, revoked_at, last_used_at FROM open311_keys ORDER BY id DESC`)
	return out, db.normalize(err)
}

// Open311KeyFor returns the live key whose clear text is key, noting its
// use; a revoked or unknown key is EUNAUTHORIZED.
func (db *DB) Open311KeyFor(ctx context.Context, key string) (*Open311Key, error) {
	if key == "" || len(key) > 200 {
		return nil, aldyn.Errorf(aldyn.EUNAUTHORIZED, "error.unauthorized")
	}
	var k Open311Key
	var rev sql.NullTime
	err := db.queryRow(ctx, `SELECT id, name, created_at, revoked_at FROM open311_keys WHERE key_hash = ?`, open311Hash(key)).
		Scan(&k.ID, &k.Name, &k.CreatedAt, &rev)
	if errors.Is(err, sql.ErrNoRows) || err == nil && rev.Valid {
		return nil, aldyn.Errorf(aldyn.EUNAUTHORIZED, "error.unauthorized")
	} else if err != nil {
		return nil, db.normalize(err)
	}
	_, err = db.w.ExecContext(ctx, db.rebind(`UPDATE open311_keys SET last_used_at = ? WHERE id = ?`), db.Now(), k.ID)
	return &k, db.normalize(err)
}

// FindOpen311Requests lists the public reports f selects (f.Public is
// implied: moderated, in a public category, not merged), newest first, at
// most limit, without counting them all (Open311 lists carry no total).
// It reads in two steps: the ids from the partial index
// resident_reports_open311 (no table row is read to filter), then the
// rows shown by id, without the joins staff lists need (TerritoryPath,
// BodyPath and MediaCount are left empty; FirstResidentPhotos gives the
// photos).
func (db *DB) FindOpen311Requests(ctx context.Context, f aldyn.ResidentReportFilter, limit int) ([]*aldyn.ResidentReport, error) {
	var public []int64
	cats, err := db.FindResidentCategories(ctx, false)
	if err != nil {
		return nil, err
	}
	for _, c := range cats {
		if c.Public && (f.CategoryIDs == nil || slices.Contains(f.CategoryIDs, c.ID)) {
			public = append(public, c.ID)
		}
	}
	if public == nil {
		public = []int64{}
	}
	var w where
	w.and("r.published = TRUE AND r.duplicate_of IS NULL")
	w.inIDs("r.id", f.IDs)
	w.inIDs("r.category_id", public)
	w.in("r.status", texts(f.Statuses))
	w.timeRange("r.created_at", f.From, f.To)
	var ids []int64
	err = scanAll(ctx, db, func(rows *sql.Rows) error {
		var id int64
		err := rows.Scan(&id)
		ids = append(ids, id)
		return err
	}, "SELECT r.id FROM resident_reports r"+w.String()+" ORDER BY r.created_at DESC, r.id DESC LIMIT "+strconv.Itoa(max(limit, 1)), w.args...)
	if err != nil || len(ids) == 0 {
		return nil, db.normalize(err)
	}
	in, args := idList(ids)
	out, err := scanList(ctx, db, scanResidentReport, "SELECT "+residentReportLeanCols+" FROM resident_reports r WHERE r.id IN ("+in+") ORDER BY r.created_at DESC, r.id DESC", args...)
	return out, db.normalize(err)
}

// residentReportLeanCols are residentReportCols without the joined paths
// and the media count, for scanResidentReport.
const residentReportLeanCols = `r.id, r.tracking_code, r.category_id, r.territory_code, r.settlement_id, r.lat, r.lon, r.pub_lat, r.pub_lon, r.address, r.description,
	r.contact_name, r.contact_email, r.contact_phone, r.status, r.body_id, r.answer, r.reject_reason, r.duplicate_of, r.supporters,
	r.published, r.redactions_json, r.attributes_json, r.due_on, r.escalated, r.source, r.demo, r.lang, r.created_at, r.updated_at, r.answered_at,
	'', '', 0`

// FirstResidentPhotos returns, for each of the reports that has one, the
// id of its first photo of the kind ("report": the resident's, "answer":
// the body's), in one query.
func (db *DB) FirstResidentPhotos(ctx context.Context, kind string, reportIDs []int64) (map[int64]int64, error) {
	if len(reportIDs) == 0 {
		return map[int64]int64{}, nil
	}
	in, args := idList(reportIDs)
	out, err := scanMap[int64, int64](ctx, db, "SELECT report_id, MIN(id) FROM resident_media WHERE kind = ? AND content_type LIKE 'image/%' AND report_id IN ("+in+") GROUP BY report_id",
		append([]any{kind}, args...)...)
	return out, db.normalize(err)
}

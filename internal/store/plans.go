package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aldyn-kg/aldyn"
)

// This file holds monitored plans: plan versions and their signatures,
// measures, indicators and their values, reporting cycles, progress
// reports with their history and evidence files, notifications, and the
// load of what the plan dashboard computes on. The lifecycle rules are the
// domain's (aldyn.Plan, aldyn.Report); the store loads, applies them and
// persists the result with its audit entry in one transaction.

// reader is what loads run on: the read pool, a read snapshot or a write
// transaction.
type reader interface {
	query(ctx context.Context, q string, args ...any) (*sql.Rows, error)
	queryRow(ctx context.Context, q string, args ...any) *sql.Row
	dialect() string
}

func (db *DB) dialect() string     { return db.Dialect }
func (tx *Tx) dialect() string     { return tx.db.Dialect }
func (s snapshot) dialect() string { return s.db.Dialect }

// timeCol selects a timestamp column. SQLite stores timestamps as text,
// which the driver parses trying layout after layout; selecting the text
// and parsing its one layout (timeScan) makes loads of thousands of rows
// several times faster. PostgreSQL sends timestamps in binary.
func timeCol(r reader, col string) string {
	if r.dialect() == SQLite {
		return "CAST(" + col + " AS TEXT)"
	}
	return col
}

// intInto and strInto scan integers and strings into fields of named or
// sized types without database/sql's reflective conversion (which turns
// an int64 into text and parses it back for an int): the loads of the
// dashboard scan a hundred thousand values.
type intInto[T ~int | ~int64] struct{ p *T }

func (s intInto[T]) Scan(v any) error {
	switch x := v.(type) {
	case int64:
		*s.p = T(x)
	case nil:
		*s.p = 0
	default:
		return fmt.Errorf("scan %T into an integer", v)
	}
	return nil
}

type strInto[T ~string] struct{ p *T }

func (s strInto[T]) Scan(v any) error {
	switch x := v.(type) {
	case string:
		*s.p = T(x)
	case []byte:
		*s.p = T(x)
	default:
		return fmt.Errorf("scan %T into a string", v)
	}
	return nil
}

// timeScan scans a timestamp selected with timeCol into *t, in UTC.
type timeScan struct{ t *time.Time }

func (s timeScan) Scan(v any) error {
	t, err := scanTimeValue(v)
	if err != nil {
		return err
	}
	if t == nil {
		return fmt.Errorf("scan NULL into a time")
	}
	*s.t = *t
	return nil
}

// nullTimeScan scans a nullable timestamp selected with timeCol into *t.
type nullTimeScan struct{ t **time.Time }

func (s nullTimeScan) Scan(v any) (err error) {
	*s.t, err = scanTimeValue(v)
	return err
}

// sqliteTimeLayouts are the layout the SQLite driver writes
// (_time_format=sqlite) and, for rows written otherwise, ISO forms.
var sqliteTimeLayouts = []string{"2006-01-02 15:04:05.999999999-07:00", time.RFC3339Nano, "2006-01-02 15:04:05.999999999", time.DateOnly}

// parseSQLiteTime parses the driver's layout "2006-01-02 15:04:05.999999999-07:00"
// without time.Parse's generality: a dashboard load parses tens of
// thousands of them.
func parseSQLiteTime(s string) (time.Time, bool) {
	num := func(s string) (int, bool) {
		n := 0
		for i := 0; i < len(s); i++ {
			c := s[i] - '0'
			if c > 9 {
				return 0, false
			}
			n = n*10 + int(c)
		}
		return n, true
	}
	if len(s) < 25 || s[4] != '-' || s[7] != '-' || s[10] != ' ' || s[13] != ':' || s[16] != ':' {
		return time.Time{}, false
	}
	tz := s[len(s)-6:]
	if (tz[0] != '+' && tz[0] != '-') || tz[3] != ':' {
		return time.Time{}, false
	}
	frac, nsec := s[19:len(s)-6], 0
	if frac != "" {
		if frac[0] != '.' || len(frac) > 10 {
			return time.Time{}, false
		}
		n, ok := num(frac[1:])
		if !ok {
			return time.Time{}, false
		}
		for i := len(frac) - 1; i < 9; i++ {
			n *= 10
		}
		nsec = n
	}
	var f [7]int
	for i, r := range [][2]int{{0, 4}, {5, 7}, {8, 10}, {11, 13}, {14, 16}, {17, 19}} {
		n, ok := num(s[r[0]:r[1]])
		if !ok {
			return time.Time{}, false
		}
		f[i] = n
	}
	zh, ok1 := num(tz[1:3])
	zm, ok2 := num(tz[4:6])
	if !ok1 || !ok2 {
		return time.Time{}, false
	}
	off := zh*3600 + zm*60
	if tz[0] == '-' {
		off = -off
	}
	t := time.Date(f[0], time.Month(f[1]), f[2], f[3], f[4], f[5], nsec, time.UTC).Add(-time.Duration(off) * time.Second)
	return t, true
}

func scanTimeValue(v any) (*time.Time, error) {
	var s string
	switch x := v.(type) {
	case nil:
		return nil, nil
	case time.Time:
		u := x.UTC()
		return &u, nil
	case string:
		s = x
	case []byte:
		s = string(x)
	default:
		return nil, fmt.Errorf("scan %T into a time", v)
	}
	if t, ok := parseSQLiteTime(s); ok {
		return &t, nil
	}
	for _, l := range sqliteTimeLayouts {
		if t, err := time.Parse(l, s); err == nil {
			u := t.UTC()
			return &u, nil
		}
	}
	return nil, fmt.Errorf("parse time %q", s)
}

// snapshot is a read-only transaction: the several queries of one load see
// the same state of the database.
type snapshot struct {
	db *DB
	tx *sql.Tx
}

func (s snapshot) query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	rows, err := s.tx.QueryContext(ctx, s.db.rebind(q), args...)
	return rows, s.db.normalize(err)
}

func (s snapshot) queryRow(ctx context.Context, q string, args ...any) *sql.Row {
	return s.tx.QueryRowContext(ctx, s.db.rebind(q), args...)
}

// read runs fn in a read snapshot.
func (db *DB) read(ctx context.Context, fn func(reader) error) error {
	opts := &sql.TxOptions{ReadOnly: true}
	if db.Dialect == Postgres {
		opts.Isolation = sql.LevelRepeatableRead
	}
	tx, err := db.r.BeginTx(ctx, opts)
	if err != nil {
		return db.normalize(err)
	}
	defer tx.Rollback()
	return fn(snapshot{db: db, tx: tx})
}

// readList runs a list query, find with filter f, in one read transaction.
func readList[T, F any](ctx context.Context, db *DB, f F, find func(context.Context, reader, F) ([]T, int, error)) (out []T, total int, err error) {
	err = db.read(ctx, func(r reader) (err error) {
		out, total, err = find(ctx, r, f)
		return err
	})
	return out, total, err
}

// readOne runs a lookup by id, find, in one read transaction.
func readOne[T any](ctx context.Context, db *DB, id int64, find func(context.Context, reader, int64) (T, error)) (v T, err error) {
	err = db.read(ctx, func(r reader) (err error) {
		v, err = find(ctx, r, id)
		return err
	})
	return v, err
}

// scanAll runs a query and calls scan for each row.
func scanAll(ctx context.Context, r reader, scan func(*sql.Rows) error, q string, args ...any) error {
	rows, err := r.query(ctx, q, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := scan(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// findPage counts the rows that from and where select, and reads the
// page p asks for (its limit and offset) in the order given (an ORDER BY
// clause, with orderArgs for its parameters), each row with scan.
func findPage[T any](ctx context.Context, r reader, cols, from, where string, args []any, order string, orderArgs []any, p aldyn.Page,
	scan func(interface{ Scan(...any) error }) (T, error)) ([]T, int, error) {
	var total int
	if err := r.queryRow(ctx, "SELECT COUNT(*)"+from+where, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	out := []T{}
	err := scanAll(ctx, r, func(rows *sql.Rows) error {
		v, err := scan(rows)
		if err == nil {
			out = append(out, v)
		}
		return err
	}, "SELECT "+cols+from+where+order+limitOffset(p), append(slices.Clip(args), orderArgs...)...)
	return out, total, err
}

// idsOf returns the ids of items.
func idsOf[T any](items []T, id func(T) int64) []int64 {
	ids := make([]int64, len(items))
	for i, v := range items {
		ids[i] = id(v)
	}
	return ids
}

// idList returns "?, ?, ?" and the ids as arguments.
func idList(ids []int64) (string, []any) {
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	return strings.TrimSuffix(strings.Repeat("?, ", len(ids)), ", "), args
}

func jsonText(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // the domain's plain structs always marshal
	}
	return string(b)
}

func parseDate(s string) time.Time {
	t, _ := time.Parse(time.DateOnly, s)
	return t
}

func nullTime(t sql.NullTime) *time.Time {
	if !t.Valid {
		return nil
	}
	u := t.Time.UTC()
	return &u
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// codeKey is a dotted code with its parts zero-padded, so that text order
// is code order ("1.2" < "1.10").
func codeKey(code string) string {
	parts := strings.Split(code, ".")
	for i, p := range parts {
		if len(p) < 3 {
			parts[i] = strings.Repeat("0", 3-len(p)) + p
		}
	}
	return strings.Join(parts, ".")
}

func idString(id int64) string { return strconv.FormatInt(id, 10) }

func invalidField(field, key string) error {
	return &aldyn.Error{Code: aldyn.EINVALID, Message: "error.validation", Fields: map[string]string{field: key}}
}

// Plans.

// PlanFilter selects plans. Under limits them to a territory path prefix
// (aldyn.Actor.ScopeUnder); Query matches titles.
type PlanFilter struct {
	ID            *int64
	Under         string
	Kind          *string
	Status        *aldyn.PlanStatus
	TerritoryCode *string
	ParentID      *int64
	Query         string
	Page          aldyn.Page
}

// PlanSorts are the columns a plan list can be sorted by.
var PlanSorts = map[string]string{"title_ky": "p.title_ky", "title_ru": "p.title_ru", "title_en": "p.title_en",
	"start_year": "p.start_year", "territory": "p.territory_path", "status": "p.status", "updated_at": "p.updated_at", "id": "p.id"}

const planCols = `p.id, p.kind, p.title_ky, p.title_ru, p.title_en, p.territory_code, p.territory_path, p.owner_body_id,
	p.start_year, p.end_year, p.status, p.version, p.parent_id, p.evidence_json, p.required_json, p.created_at, p.updated_at`

func scanPlan(s interface{ Scan(...any) error }) (*aldyn.Plan, error) {
	var p aldyn.Plan
	var parent sql.NullInt64
	var evidence, required string
	if err := s.Scan(&p.ID, &p.Kind, &p.Title.KY, &p.Title.RU, &p.Title.EN, &p.TerritoryCode, &p.TerritoryPath, &p.OwnerBodyID,
		&p.StartYear, &p.EndYear, &p.Status, &p.Version, &parent, &evidence, &required, &p.CreatedAt, &p.UpdatedAt); err != nil {
		return nil, err
	}
	if parent.Valid {
		p.ParentID = &parent.Int64
	}
	if err := json.Unmarshal([]byte(evidence), &p.Evidence); err != nil {
		return nil, fmt.Errorf("plan %d evidence: %w", p.ID, err)
	}
	if err := json.Unmarshal([]byte(required), &p.RequiredSignatures); err != nil {
		return nil, fmt.Errorf("plan %d signatories: %w", p.ID, err)
	}
	p.CreatedAt, p.UpdatedAt = p.CreatedAt.UTC(), p.UpdatedAt.UTC()
	return &p, nil
}

// FindPlans lists plan versions matching f, with their signatures, and
// the total count.
func (db *DB) FindPlans(ctx context.Context, f PlanFilter) ([]*aldyn.Plan, int, error) {
	return readList(ctx, db, f, findPlans)
}

// planWhere adds the conditions of f on plans p to w.
func planWhere(w *where, f PlanFilter) {
	eq(w, "p.id", f.ID)
	w.pathRange("p.territory_path", f.Under)
	eq(w, "p.kind", f.Kind)
	if f.Status != nil {
		w.and("p.status = ?", string(*f.Status))
	}
	eq(w, "p.territory_code", f.TerritoryCode)
	eq(w, "p.parent_id", f.ParentID)
	w.search(f.Query, "p.search_text")
}

func findPlans(ctx context.Context, r reader, f PlanFilter) ([]*aldyn.Plan, int, error) {
	var w where
	planWhere(&w, f)
	args := w.args
	var total int
	if err := r.queryRow(ctx, "SELECT COUNT(*) FROM plans p"+w.String(), args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	var out []*aldyn.Plan
	byID := map[int64]*aldyn.Plan{}
	err := scanAll(ctx, r, func(rows *sql.Rows) error {
		p, err := scanPlan(rows)
		if err == nil {
			out = append(out, p)
			byID[p.ID] = p
		}
		return err
	}, "SELECT "+planCols+" FROM plans p"+w.String()+orderBy(f.Page, PlanSorts, "p.start_year")+", p.version, p.id"+limitOffset(f.Page), args...)
	if err != nil || len(out) == 0 {
		return out, total, err
	}
	ids := make([]int64, len(out))
	for i, p := range out {
		ids[i] = p.ID
	}
	in, idArgs := idList(ids)
	err = scanAll(ctx, r, func(rows *sql.Rows) error {
		var planID int64
		var s aldyn.PlanSignature
		if err := rows.Scan(&planID, &s.BodyID, &s.UserID, &s.At); err != nil {
			return err
		}
		s.At = s.At.UTC()
		p := byID[planID]
		p.Signatures = append(p.Signatures, s)
		return nil
	}, "SELECT plan_id, body_id, user_id, signed_at FROM plan_signatures WHERE plan_id IN ("+in+") ORDER BY plan_id, signed_at, body_id", idArgs...)
	return out, total, err
}

// FindPlanByID returns one plan version with its signatures.
func (db *DB) FindPlanByID(ctx context.Context, id int64) (*aldyn.Plan, error) {
	return readOne(ctx, db, id, planByID)
}

func planByID(ctx context.Context, r reader, id int64) (*aldyn.Plan, error) {
	ps, _, err := findPlans(ctx, r, PlanFilter{ID: &id, Page: aldyn.Page{Limit: 1}})
	if err != nil {
		return nil, err
	}
	if len(ps) == 0 {
		return nil, aldyn.Errorf(aldyn.ENOTFOUND, "plan.error.not_found")
	}
	return ps[0], nil
}

// managedPlan loads a plan the actor changes and checks the actor manages
// plans of its territory.
func (tx *Tx) managedPlan(ctx context.Context, id int64) (*aldyn.Plan, error) {
	p, err := planByID(ctx, tx, id)
	if err != nil {
		return nil, err
	}
	if !tx.actor.CanManagePlan(p.TerritoryPath) {
		return nil, aldyn.Errorf(aldyn.EFORBIDDEN, "error.forbidden")
	}
	return p, nil
}

// checkPlanRefs checks the plan's territory (setting TerritoryPath) is in
// the actor's scope, its owner is a coordination body and its signatories
// exist.
func (tx *Tx) checkPlanRefs(ctx context.Context, p *aldyn.Plan) error {
	t, err := tx.territory(ctx, p.TerritoryCode)
	if err != nil {
		return invalidField("territory_code", "territory.error.not_found")
	}
	if !tx.actor.CanManagePlan(t.Path) {
		return aldyn.Errorf(aldyn.EFORBIDDEN, "error.forbidden")
	}
	p.TerritoryPath = t.Path
	ids := append([]int64{p.OwnerBodyID}, p.RequiredSignatures...)
	in, args := idList(ids)
	types := map[int64]string{}
	if err := scanAll(ctx, tx, func(rows *sql.Rows) error {
		var id int64
		var typ string
		err := rows.Scan(&id, &typ)
		types[id] = typ
		return err
	}, "SELECT id, type FROM bodies WHERE id IN ("+in+")", args...); err != nil {
		return err
	}
	if typ, ok := types[p.OwnerBodyID]; !ok {
		return invalidField("owner_body_id", "body.error.not_found")
	} else if typ != "coordination_council" && typ != "coordination_commission" {
		return invalidField("owner_body_id", "plan.error.owner_not_coordination")
	}
	for _, id := range p.RequiredSignatures {
		if _, ok := types[id]; !ok {
			return invalidField("required_signatures", "body.error.not_found")
		}
	}
	return nil
}

// auditPlan is the audited view of a plan.
func auditPlan(p *aldyn.Plan) *aldyn.Plan {
	c := *p
	return &c
}

// CreatePlan validates and inserts the first version of a plan, a draft.
// Later versions are made with AmendPlan.
func (db *DB) CreatePlan(ctx context.Context, actor *aldyn.Actor, p *aldyn.Plan) error {
	p.ID, p.Status, p.Version, p.ParentID, p.Signatures = 0, aldyn.PlanDraft, 1, nil, nil
	if err := p.Validate(); err != nil {
		return err
	}
	return db.Update(ctx, actor, func(tx *Tx) error {
		if err := tx.checkPlanRefs(ctx, p); err != nil {
			return err
		}
		p.CreatedAt, p.UpdatedAt = tx.now, tx.now
		if err := tx.insertPlan(ctx, p); err != nil {
			return err
		}
		return tx.Audit(ctx, aldyn.AuditCreate, "plan", idString(p.ID), p.TerritoryCode, nil, auditPlan(p))
	})
}

func (tx *Tx) insertPlan(ctx context.Context, p *aldyn.Plan) error {
	if p.Evidence == nil {
		p.Evidence = []aldyn.PlanEvidence{}
	}
	if p.RequiredSignatures == nil {
		p.RequiredSignatures = []int64{}
	}
	err := tx.queryRow(ctx, `INSERT INTO plans (kind, title_ky, title_ru, title_en, territory_code, territory_path, owner_body_id,
		start_year, end_year, status, version, parent_id, evidence_json, required_json, search_text, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		p.Kind, p.Title.KY, p.Title.RU, p.Title.EN, p.TerritoryCode, p.TerritoryPath, p.OwnerBodyID,
		p.StartYear, p.EndYear, string(p.Status), p.Version, p.ParentID, jsonText(p.Evidence), jsonText(p.RequiredSignatures),
		searchText(p.Title.KY, p.Title.RU, p.Title.EN), p.CreatedAt, p.UpdatedAt).Scan(&p.ID)
	return tx.db.normalize(err)
}

// UpdatePlan replaces the fields of draft plan id with those of p. The
// signatures collected are void: what was signed is no longer what the
// plan says.
func (db *DB) UpdatePlan(ctx context.Context, actor *aldyn.Actor, id int64, p *aldyn.Plan) error {
	return db.Update(ctx, actor, func(tx *Tx) error {
		old, err := tx.managedPlan(ctx, id)
		if err != nil {
			return err
		}
		if err := old.CheckEditable(); err != nil {
			return err
		}
		p.ID, p.Status, p.Version, p.ParentID, p.CreatedAt, p.UpdatedAt = id, old.Status, old.Version, old.ParentID, old.CreatedAt, tx.now
		if err := p.Validate(); err != nil {
			return err
		}
		if err := tx.checkPlanRefs(ctx, p); err != nil {
			return err
		}
		p.ClearSignatures()
		if _, err := tx.exec(ctx, `DELETE FROM plan_signatures WHERE plan_id = ?`, id); err != nil {
			return err
		}
		if p.Evidence == nil {
			p.Evidence = []aldyn.PlanEvidence{}
		}
		if p.RequiredSignatures == nil {
			p.RequiredSignatures = []int64{}
		}
		if _, err := tx.exec(ctx, `UPDATE plans SET kind = ?, title_ky = ?, title_ru = ?, title_en = ?, territory_code = ?, territory_path = ?,
			owner_body_id = ?, start_year = ?, end_year = ?, evidence_json = ?, required_json = ?, search_text = ?, updated_at = ? WHERE id = ?`,
			p.Kind, p.Title.KY, p.Title.RU, p.Title.EN, p.TerritoryCode, p.TerritoryPath, p.OwnerBodyID, p.StartYear, p.EndYear,
			jsonText(p.Evidence), jsonText(p.RequiredSignatures), searchText(p.Title.KY, p.Title.RU, p.Title.EN), tx.now, id); err != nil {
			return err
		}
		// The plan-wide values are those of its territory.
		if p.TerritoryCode != old.TerritoryCode {
			if err := tx.refreshIndicatorSummaries(ctx, "i.plan_id = ?", id); err != nil {
				return err
			}
		}
		return tx.Audit(ctx, aldyn.AuditUpdate, "plan", idString(id), p.TerritoryCode, auditPlan(old), auditPlan(p))
	})
}

// planContentChanged voids the signatures of draft plan id after a change
// of its measures or indicators, and marks it updated.
func (tx *Tx) planContentChanged(ctx context.Context, p *aldyn.Plan) error {
	if _, err := tx.exec(ctx, `DELETE FROM plan_signatures WHERE plan_id = ?`, p.ID); err != nil {
		return err
	}
	_, err := tx.exec(ctx, `UPDATE plans SET updated_at = ? WHERE id = ?`, tx.now, p.ID)
	return err
}

// editablePlan loads plan id for a change of its content: the actor must
// manage it and it must be a draft.
func (tx *Tx) editablePlan(ctx context.Context, id int64) (*aldyn.Plan, error) {
	p, err := tx.managedPlan(ctx, id)
	if err != nil {
		if aldyn.ErrorCode(err) == aldyn.ENOTFOUND {
			return nil, invalidField("plan_id", "plan.error.not_found")
		}
		return nil, err
	}
	return p, p.CheckEditable()
}

// SignPlan records the signature of the actor's body on draft plan id.
func (db *DB) SignPlan(ctx context.Context, actor *aldyn.Actor, id int64) (*aldyn.Plan, error) {
	var p *aldyn.Plan
	err := db.Update(ctx, actor, func(tx *Tx) (err error) {
		if p, err = planByID(ctx, tx, id); err != nil {
			return err
		}
		old := auditPlan(p)
		old.Signatures = slices.Clone(p.Signatures)
		if err := p.Sign(actor, actor.BodyID, tx.now); err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `INSERT INTO plan_signatures (plan_id, body_id, user_id, signed_at) VALUES (?, ?, ?, ?)`,
			id, actor.BodyID, actor.UserID, tx.now); err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `UPDATE plans SET updated_at = ? WHERE id = ?`, tx.now, id); err != nil {
			return err
		}
		return tx.Audit(ctx, aldyn.AuditUpdate, "plan", idString(id), p.TerritoryCode, old, auditPlan(p))
	})
	return p, err
}

// setPlanStatus persists a plan's status with its audit entry.
func (tx *Tx) setPlanStatus(ctx context.Context, old aldyn.Plan, p *aldyn.Plan) error {
	if _, err := tx.exec(ctx, `UPDATE plans SET status = ?, updated_at = ? WHERE id = ?`, string(p.Status), tx.now, p.ID); err != nil {
		return err
	}
	p.UpdatedAt = tx.now
	return tx.Audit(ctx, aldyn.AuditUpdate, "plan", idString(p.ID), p.TerritoryCode, &old, auditPlan(p))
}

// ApprovePlan approves draft plan id once every required body signed;
// the version it amends becomes superseded in the same transaction.
func (db *DB) ApprovePlan(ctx context.Context, actor *aldyn.Actor, id int64) (*aldyn.Plan, error) {
	var p *aldyn.Plan
	err := db.Update(ctx, actor, func(tx *Tx) (err error) {
		if p, err = tx.managedPlan(ctx, id); err != nil {
			return err
		}
		var parent *aldyn.Plan
		if p.ParentID != nil {
			if parent, err = planByID(ctx, tx, *p.ParentID); err != nil {
				return err
			}
		}
		old := *p
		var oldParent aldyn.Plan
		if parent != nil {
			oldParent = *parent
		}
		if err := p.Approve(parent, tx.now); err != nil {
			return err
		}
		if parent != nil {
			if err := tx.setPlanStatus(ctx, oldParent, parent); err != nil {
				return err
			}
		}
		return tx.setPlanStatus(ctx, old, p)
	})
	return p, err
}

// ClosePlan closes approved plan id: its implementation period is over.
func (db *DB) ClosePlan(ctx context.Context, actor *aldyn.Actor, id int64) (*aldyn.Plan, error) {
	var p *aldyn.Plan
	err := db.Update(ctx, actor, func(tx *Tx) (err error) {
		if p, err = tx.managedPlan(ctx, id); err != nil {
			return err
		}
		old := *p
		if err := p.Transition(aldyn.PlanClosed); err != nil {
			return err
		}
		return tx.setPlanStatus(ctx, old, p)
	})
	return p, err
}

// AmendPlan makes a new draft version of approved plan id with copies of
// its measures (with their co-executors and budget lines), indicators
// (with their targets and observed values) and the links between them,
// under new ids and the same codes. A plan has at most one open
// amendment. Reporting cycles and reports stay with the version they were
// made for.
func (db *DB) AmendPlan(ctx context.Context, actor *aldyn.Actor, id int64) (*aldyn.Plan, error) {
	var n *aldyn.Plan
	err := db.Update(ctx, actor, func(tx *Tx) error {
		p, err := tx.managedPlan(ctx, id)
		if err != nil {
			return err
		}
		var open int64
		switch err := tx.queryRow(ctx, `SELECT id FROM plans WHERE parent_id = ? AND status = ?`, id, string(aldyn.PlanDraft)).Scan(&open); err {
		case sql.ErrNoRows:
		case nil:
			return aldyn.Errorf(aldyn.ECONFLICT, "plan.error.open_amendment", "plan_id", open)
		default:
			return tx.db.normalize(err)
		}
		if n, err = p.Amend(tx.now); err != nil {
			return err
		}
		if err := tx.insertPlan(ctx, n); err != nil {
			return err
		}
		if err := tx.copyPlanContent(ctx, id, n.ID); err != nil {
			return fmt.Errorf("amend plan %d: %w", id, err)
		}
		return tx.Audit(ctx, aldyn.AuditCreate, "plan", idString(n.ID), n.TerritoryCode, nil, auditPlan(n))
	})
	return n, err
}

// copyPlanContent copies the content of plan from into plan to, matching
// the copies by code.
func (tx *Tx) copyPlanContent(ctx context.Context, from, to int64) error {
	const copiedMeasureCols = `code, sort_key, component_code, task_code, title_ky, title_ru, title_en, description_ky, description_ru, description_en,
		expected_result_ky, expected_result_ru, expected_result_en, responsible_body_id, start_on, due_on, cancelled, search_text`
	const copiedIndicatorCols = `code, sort_key, name_ky, name_ru, name_en, unit, higher_is_better, kind, numerator, denominator, source,
		offense_category, disaggregation, verification_ky, verification_ru, verification_en, frequency, baseline_value, baseline_year, search_text`
	steps := []struct {
		q    string
		args []any
	}{
		{`INSERT INTO measures (plan_id, ` + copiedMeasureCols + `, created_at, updated_at)
			SELECT ?, ` + copiedMeasureCols + `, ?, ? FROM measures WHERE plan_id = ?`, []any{to, tx.now, tx.now, from}},
		{`INSERT INTO measure_co_executors (measure_id, body_id)
			SELECT nm.id, x.body_id FROM measure_co_executors x JOIN measures om ON om.id = x.measure_id
			JOIN measures nm ON nm.plan_id = ? AND nm.code = om.code WHERE om.plan_id = ?`, []any{to, from}},
		{`INSERT INTO measure_budget_lines (measure_id, line_no, source, funder, amount_kgs)
			SELECT nm.id, x.line_no, x.source, x.funder, x.amount_kgs FROM measure_budget_lines x JOIN measures om ON om.id = x.measure_id
			JOIN measures nm ON nm.plan_id = ? AND nm.code = om.code WHERE om.plan_id = ?`, []any{to, from}},
		{`INSERT INTO indicators (plan_id, ` + copiedIndicatorCols + `, created_at, updated_at)
			SELECT ?, ` + copiedIndicatorCols + `, ?, ? FROM indicators WHERE plan_id = ?`, []any{to, tx.now, tx.now, from}},
		{`INSERT INTO indicator_targets (indicator_id, year, value)
			SELECT ni.id, x.year, x.value FROM indicator_targets x JOIN indicators oi ON oi.id = x.indicator_id
			JOIN indicators ni ON ni.plan_id = ? AND ni.code = oi.code WHERE oi.plan_id = ?`, []any{to, from}},
		{`INSERT INTO indicator_values (indicator_id, period, territory_code, value, report_id, updated_at)
			SELECT ni.id, x.period, x.territory_code, x.value, x.report_id, x.updated_at FROM indicator_values x JOIN indicators oi ON oi.id = x.indicator_id
			JOIN indicators ni ON ni.plan_id = ? AND ni.code = oi.code WHERE oi.plan_id = ?`, []any{to, from}},
		{`INSERT INTO measure_indicators (measure_id, indicator_id)
			SELECT nm.id, ni.id FROM measure_indicators x
			JOIN measures om ON om.id = x.measure_id JOIN indicators oi ON oi.id = x.indicator_id
			JOIN measures nm ON nm.plan_id = ? AND nm.code = om.code
			JOIN indicators ni ON ni.plan_id = ? AND ni.code = oi.code WHERE om.plan_id = ?`, []any{to, to, from}},
	}
	for _, s := range steps {
		if _, err := tx.exec(ctx, s.q, s.args...); err != nil {
			return err
		}
	}
	return tx.RefreshDashboard(ctx, to)
}

// Measures.

// MeasureFilter selects measures. Under limits them to plans of a
// territory path prefix; Query matches titles.
type MeasureFilter struct {
	ID                *int64
	PlanID            *int64
	Under             string
	ComponentCode     *string
	ResponsibleBodyID *int64
	Query             string
	Page              aldyn.Page
}

// MeasureSorts are the columns a measure list can be sorted by.
var MeasureSorts = map[string]string{"code": "m.sort_key", "title_ky": "m.title_ky", "title_ru": "m.title_ru", "title_en": "m.title_en",
	"component": "m.component_code, m.sort_key", "body": "m.responsible_body_id, m.sort_key", "start": "m.start_on", "due": "m.due_on", "id": "m.id"}

const measureColsBase = `m.id, m.plan_id, m.code, m.component_code, m.task_code, m.title_ky, m.title_ru, m.title_en,
	m.description_ky, m.description_ru, m.description_en, m.expected_result_ky, m.expected_result_ru, m.expected_result_en,
	m.responsible_body_id, m.start_on, m.due_on, m.cancelled`

func measureCols(r reader) string {
	return measureColsBase + ", " + timeCol(r, "m.created_at") + ", " + timeCol(r, "m.updated_at")
}

func scanMeasure(s interface{ Scan(...any) error }) (*aldyn.Measure, error) {
	var m aldyn.Measure
	var start, due string
	if err := s.Scan(intInto[int64]{&m.ID}, intInto[int64]{&m.PlanID}, &m.Code, &m.ComponentCode, &m.TaskCode, &m.Title.KY, &m.Title.RU, &m.Title.EN,
		&m.Description.KY, &m.Description.RU, &m.Description.EN, &m.ExpectedResult.KY, &m.ExpectedResult.RU, &m.ExpectedResult.EN,
		intInto[int64]{&m.ResponsibleBodyID}, &start, &due, &m.Cancelled, timeScan{&m.CreatedAt}, timeScan{&m.UpdatedAt}); err != nil {
		return nil, err
	}
	m.Start, m.Due = parseDate(start), parseDate(due)
	return &m, nil
}

// FindMeasures lists the measures of plan planID matching f, in code
// order by default, with the total count.
func (db *DB) FindMeasures(ctx context.Context, planID int64, f MeasureFilter) ([]*aldyn.Measure, int, error) {
	f.PlanID = &planID
	return db.findMeasures(ctx, f)
}

func (db *DB) findMeasures(ctx context.Context, f MeasureFilter) ([]*aldyn.Measure, int, error) {
	return readList(ctx, db, f, findMeasures)
}

func findMeasures(ctx context.Context, r reader, f MeasureFilter) ([]*aldyn.Measure, int, error) {
	var w where
	eq(&w, "m.id", f.ID)
	eq(&w, "m.plan_id", f.PlanID)
	w.pathRange("p.territory_path", f.Under)
	eq(&w, "m.component_code", f.ComponentCode)
	eq(&w, "m.responsible_body_id", f.ResponsibleBodyID)
	w.search(f.Query, "m.search_text")
	out, total, err := findPage(ctx, r, measureCols(r), " FROM measures m JOIN plans p ON p.id = m.plan_id", w.String(), w.args,
		orderBy(f.Page, MeasureSorts, "m.sort_key")+", m.id", nil, f.Page, scanMeasure)
	if err != nil || len(out) == 0 {
		return out, total, err
	}
	in, idArgs := idList(idsOf(out, func(m *aldyn.Measure) int64 { return m.ID }))
	return out, total, loadMeasureChildren(ctx, r, out, "m.id IN ("+in+")", idArgs...)
}

// loadMeasureChildren fills the co-executors, budget lines and indicator
// links of measures, which are those of the measures m matching cond.
func loadMeasureChildren(ctx context.Context, r reader, measures []*aldyn.Measure, cond string, args ...any) error {
	byID := make(map[int64]*aldyn.Measure, len(measures))
	for _, m := range measures {
		m.CoExecutorIDs, m.Budget, m.IndicatorIDs = []int64{}, []aldyn.BudgetLine{}, []int64{}
		byID[m.ID] = m
	}
	err := scanAll(ctx, r, func(rows *sql.Rows) error {
		var id, body int64
		if err := rows.Scan(intInto[int64]{&id}, intInto[int64]{&body}); err != nil {
			return err
		}
		if m := byID[id]; m != nil {
			m.CoExecutorIDs = append(m.CoExecutorIDs, body)
		}
		return nil
	}, "SELECT x.measure_id, x.body_id FROM measure_co_executors x JOIN measures m ON m.id = x.measure_id WHERE "+cond+" ORDER BY x.measure_id, x.body_id", args...)
	if err != nil {
		return err
	}
	err = scanAll(ctx, r, func(rows *sql.Rows) error {
		var id int64
		var l aldyn.BudgetLine
		if err := rows.Scan(intInto[int64]{&id}, &l.Source, &l.Funder, intInto[int64]{&l.AmountKGS}); err != nil {
			return err
		}
		if m := byID[id]; m != nil {
			m.Budget = append(m.Budget, l)
		}
		return nil
	}, "SELECT x.measure_id, x.source, x.funder, x.amount_kgs FROM measure_budget_lines x JOIN measures m ON m.id = x.measure_id WHERE "+cond+" ORDER BY x.measure_id, x.line_no", args...)
	if err != nil {
		return err
	}
	return scanAll(ctx, r, func(rows *sql.Rows) error {
		var id, ind int64
		if err := rows.Scan(intInto[int64]{&id}, intInto[int64]{&ind}); err != nil {
			return err
		}
		if m := byID[id]; m != nil {
			m.IndicatorIDs = append(m.IndicatorIDs, ind)
		}
		return nil
	}, "SELECT x.measure_id, x.indicator_id FROM measure_indicators x JOIN measures m ON m.id = x.measure_id WHERE "+cond+" ORDER BY x.measure_id, x.indicator_id", args...)
}

// FindMeasureByID returns one measure with its co-executors, budget and
// indicator links.
func (db *DB) FindMeasureByID(ctx context.Context, id int64) (*aldyn.Measure, error) {
	ms, _, err := db.findMeasures(ctx, MeasureFilter{ID: &id, Page: aldyn.Page{Limit: 1}})
	if err != nil {
		return nil, err
	}
	if len(ms) == 0 {
		return nil, aldyn.Errorf(aldyn.ENOTFOUND, "measure.error.not_found")
	}
	return ms[0], nil
}

func (tx *Tx) measure(ctx context.Context, id int64) (*aldyn.Measure, error) {
	ms, _, err := findMeasures(ctx, tx, MeasureFilter{ID: &id, Page: aldyn.Page{Limit: 1}})
	if err != nil {
		return nil, err
	}
	if len(ms) == 0 {
		return nil, aldyn.Errorf(aldyn.ENOTFOUND, "measure.error.not_found")
	}
	return ms[0], nil
}

// checkPlanIndicators checks that ids are indicators of plan planID.
func (tx *Tx) checkPlanIndicators(ctx context.Context, planID int64, ids []int64) error {
	if len(ids) == 0 {
		return nil
	}
	in, args := idList(ids)
	var n int
	if err := tx.queryRow(ctx, "SELECT COUNT(*) FROM indicators WHERE plan_id = ? AND id IN ("+in+")", append([]any{planID}, args...)...).Scan(&n); err != nil {
		return tx.db.normalize(err)
	}
	if n != len(ids) {
		return invalidField("indicator_ids", "measure.error.indicator_plan")
	}
	return nil
}

// CreateMeasure validates and inserts a measure of a draft plan. Component
// and task codes are checked against the Concept by the caller
// (aldyn.Measure.Validate with the Concept); the store checks the plan's
// years, the bodies and that the indicators are the plan's.
func (db *DB) CreateMeasure(ctx context.Context, actor *aldyn.Actor, m *aldyn.Measure) error {
	return db.Update(ctx, actor, func(tx *Tx) error {
		p, err := tx.editablePlan(ctx, m.PlanID)
		if err != nil {
			return err
		}
		if err := m.Validate(p, nil); err != nil {
			return err
		}
		if err := tx.checkPlanIndicators(ctx, p.ID, m.IndicatorIDs); err != nil {
			return err
		}
		m.ID, m.CreatedAt, m.UpdatedAt = 0, tx.now, tx.now
		if err := tx.queryRow(ctx, `INSERT INTO measures (plan_id, code, sort_key, component_code, task_code, title_ky, title_ru, title_en,
			description_ky, description_ru, description_en, expected_result_ky, expected_result_ru, expected_result_en,
			responsible_body_id, start_on, due_on, cancelled, search_text, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			m.PlanID, m.Code, codeKey(m.Code), m.ComponentCode, m.TaskCode, m.Title.KY, m.Title.RU, m.Title.EN,
			m.Description.KY, m.Description.RU, m.Description.EN, m.ExpectedResult.KY, m.ExpectedResult.RU, m.ExpectedResult.EN,
			m.ResponsibleBodyID, isoDate(m.Start), isoDate(m.Due), m.Cancelled, measureSearch(m), tx.now, tx.now).Scan(&m.ID); err != nil {
			return tx.db.normalize(err)
		}
		if err := tx.insertMeasureChildren(ctx, m); err != nil {
			return err
		}
		if err := tx.planContentChanged(ctx, p); err != nil {
			return err
		}
		return tx.Audit(ctx, aldyn.AuditCreate, "measure", idString(m.ID), p.TerritoryCode, nil, m)
	})
}

func measureSearch(m *aldyn.Measure) string {
	return searchText(m.Code, m.Title.KY, m.Title.RU, m.Title.EN)
}

func (tx *Tx) insertMeasureChildren(ctx context.Context, m *aldyn.Measure) error {
	for _, b := range m.CoExecutorIDs {
		if _, err := tx.exec(ctx, `INSERT INTO measure_co_executors (measure_id, body_id) VALUES (?, ?)`, m.ID, b); err != nil {
			return err
		}
	}
	for i, l := range m.Budget {
		if _, err := tx.exec(ctx, `INSERT INTO measure_budget_lines (measure_id, line_no, source, funder, amount_kgs) VALUES (?, ?, ?, ?, ?)`,
			m.ID, i+1, l.Source, l.Funder, l.AmountKGS); err != nil {
			return err
		}
	}
	for _, ind := range m.IndicatorIDs {
		if _, err := tx.exec(ctx, `INSERT INTO measure_indicators (measure_id, indicator_id) VALUES (?, ?)`, m.ID, ind); err != nil {
			return err
		}
	}
	return tx.refreshMeasureSummaries(ctx, "m.id = ?", m.ID)
}

// UpdateMeasure replaces measure id of a draft plan with m.
func (db *DB) UpdateMeasure(ctx context.Context, actor *aldyn.Actor, id int64, m *aldyn.Measure) error {
	return db.Update(ctx, actor, func(tx *Tx) error {
		old, err := tx.measure(ctx, id)
		if err != nil {
			return err
		}
		p, err := tx.editablePlan(ctx, old.PlanID)
		if err != nil {
			return err
		}
		m.ID, m.PlanID, m.CreatedAt, m.UpdatedAt = id, old.PlanID, old.CreatedAt, tx.now
		if err := m.Validate(p, nil); err != nil {
			return err
		}
		if err := tx.checkPlanIndicators(ctx, p.ID, m.IndicatorIDs); err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `UPDATE measures SET code = ?, sort_key = ?, component_code = ?, task_code = ?, title_ky = ?, title_ru = ?, title_en = ?,
			description_ky = ?, description_ru = ?, description_en = ?, expected_result_ky = ?, expected_result_ru = ?, expected_result_en = ?,
			responsible_body_id = ?, start_on = ?, due_on = ?, cancelled = ?, search_text = ?, updated_at = ? WHERE id = ?`,
			m.Code, codeKey(m.Code), m.ComponentCode, m.TaskCode, m.Title.KY, m.Title.RU, m.Title.EN,
			m.Description.KY, m.Description.RU, m.Description.EN, m.ExpectedResult.KY, m.ExpectedResult.RU, m.ExpectedResult.EN,
			m.ResponsibleBodyID, isoDate(m.Start), isoDate(m.Due), m.Cancelled, measureSearch(m), tx.now, id); err != nil {
			return err
		}
		for _, t := range []string{"measure_co_executors", "measure_budget_lines", "measure_indicators"} {
			if _, err := tx.exec(ctx, "DELETE FROM "+t+" WHERE measure_id = ?", id); err != nil {
				return err
			}
		}
		if err := tx.insertMeasureChildren(ctx, m); err != nil {
			return err
		}
		if err := tx.planContentChanged(ctx, p); err != nil {
			return err
		}
		return tx.Audit(ctx, aldyn.AuditUpdate, "measure", idString(id), p.TerritoryCode, old, m)
	})
}

// DeleteMeasure removes measure id of a draft plan.
func (db *DB) DeleteMeasure(ctx context.Context, actor *aldyn.Actor, id int64) error {
	return db.Update(ctx, actor, func(tx *Tx) error {
		old, err := tx.measure(ctx, id)
		if err != nil {
			return err
		}
		p, err := tx.editablePlan(ctx, old.PlanID)
		if err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `DELETE FROM measures WHERE id = ?`, id); err != nil {
			return err
		}
		if err := tx.planContentChanged(ctx, p); err != nil {
			return err
		}
		return tx.Audit(ctx, aldyn.AuditDelete, "measure", idString(id), p.TerritoryCode, old, nil)
	})
}

// Indicators.

// IndicatorFilter selects indicators. Under limits them to plans of a
// territory path prefix; Query matches codes and names.
type IndicatorFilter struct {
	ID     *int64
	PlanID *int64
	Under  string
	Query  string
	Page   aldyn.Page
}

// IndicatorSorts are the columns an indicator list can be sorted by.
var IndicatorSorts = map[string]string{"code": "i.sort_key", "name_ky": "i.name_ky", "name_ru": "i.name_ru", "name_en": "i.name_en", "id": "i.id"}

const indicatorColsBase = `i.id, i.plan_id, i.code, i.name_ky, i.name_ru, i.name_en, i.unit, i.higher_is_better, i.kind, i.numerator,
	i.denominator, i.source, i.offense_category, i.disaggregation, i.verification_ky, i.verification_ru, i.verification_en,
	i.frequency, i.baseline_value, i.baseline_year`

func indicatorCols(r reader) string {
	return indicatorColsBase + ", " + timeCol(r, "i.created_at") + ", " + timeCol(r, "i.updated_at")
}

func scanIndicator(s interface{ Scan(...any) error }) (*aldyn.Indicator, error) {
	var i aldyn.Indicator
	if err := s.Scan(intInto[int64]{&i.ID}, intInto[int64]{&i.PlanID}, &i.Code, &i.Name.KY, &i.Name.RU, &i.Name.EN, &i.Unit, &i.HigherIsBetter, &i.Kind, &i.Numerator,
		&i.Denominator, &i.Source, &i.OffenseCategory, &i.Disaggregation, &i.Verification.KY, &i.Verification.RU, &i.Verification.EN,
		&i.Frequency, &i.BaselineValue, intInto[int]{&i.BaselineYear}, timeScan{&i.CreatedAt}, timeScan{&i.UpdatedAt}); err != nil {
		return nil, err
	}
	i.Targets = []aldyn.IndicatorTarget{}
	return &i, nil
}

// FindIndicators lists indicators matching f, in code order by default,
// with their targets and the total count.
func (db *DB) FindIndicators(ctx context.Context, f IndicatorFilter) ([]*aldyn.Indicator, int, error) {
	return readList(ctx, db, f, findIndicators)
}

func findIndicators(ctx context.Context, r reader, f IndicatorFilter) ([]*aldyn.Indicator, int, error) {
	var w where
	eq(&w, "i.id", f.ID)
	eq(&w, "i.plan_id", f.PlanID)
	w.pathRange("p.territory_path", f.Under)
	w.search(f.Query, "i.search_text")
	out, total, err := findPage(ctx, r, indicatorCols(r), " FROM indicators i JOIN plans p ON p.id = i.plan_id", w.String(), w.args,
		orderBy(f.Page, IndicatorSorts, "i.sort_key")+", i.id", nil, f.Page, scanIndicator)
	if err != nil || len(out) == 0 {
		return out, total, err
	}
	in, idArgs := idList(idsOf(out, func(i *aldyn.Indicator) int64 { return i.ID }))
	return out, total, loadTargets(ctx, r, out, "i.id IN ("+in+")", idArgs...)
}

// loadTargets fills the targets of indicators, which are those of the
// indicators i matching cond.
func loadTargets(ctx context.Context, r reader, indicators []*aldyn.Indicator, cond string, args ...any) error {
	byID := make(map[int64]*aldyn.Indicator, len(indicators))
	for _, i := range indicators {
		byID[i.ID] = i
	}
	return scanAll(ctx, r, func(rows *sql.Rows) error {
		var id int64
		var t aldyn.IndicatorTarget
		if err := rows.Scan(intInto[int64]{&id}, intInto[int]{&t.Year}, &t.Value); err != nil {
			return err
		}
		if i := byID[id]; i != nil {
			i.Targets = append(i.Targets, t)
		}
		return nil
	}, "SELECT x.indicator_id, x.year, x.value FROM indicator_targets x JOIN indicators i ON i.id = x.indicator_id WHERE "+cond+" ORDER BY x.indicator_id, x.year", args...)
}

// FindIndicatorByID returns one indicator with its targets.
func (db *DB) FindIndicatorByID(ctx context.Context, id int64) (*aldyn.Indicator, error) {
	return readOne(ctx, db, id, indicatorByID)
}

func indicatorByID(ctx context.Context, r reader, id int64) (*aldyn.Indicator, error) {
	is, _, err := findIndicators(ctx, r, IndicatorFilter{ID: &id, Page: aldyn.Page{Limit: 1}})
	if err != nil {
		return nil, err
	}
	if len(is) == 0 {
		return nil, aldyn.Errorf(aldyn.ENOTFOUND, "indicator.error.not_found")
	}
	return is[0], nil
}

func indicatorSearch(i *aldyn.Indicator) string {
	return searchText(i.Code, i.Name.KY, i.Name.RU, i.Name.EN)
}

// CreateIndicator validates and inserts an indicator of a draft plan.
func (db *DB) CreateIndicator(ctx context.Context, actor *aldyn.Actor, ind *aldyn.Indicator) error {
	if err := ind.Validate(); err != nil {
		return err
	}
	return db.Update(ctx, actor, func(tx *Tx) error {
		p, err := tx.editablePlan(ctx, ind.PlanID)
		if err != nil {
			return err
		}
		ind.ID, ind.CreatedAt, ind.UpdatedAt = 0, tx.now, tx.now
		if err := tx.queryRow(ctx, `INSERT INTO indicators (plan_id, code, sort_key, name_ky, name_ru, name_en, unit, higher_is_better, kind,
			numerator, denominator, source, offense_category, disaggregation, verification_ky, verification_ru, verification_en,
			frequency, baseline_value, baseline_year, search_text, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			ind.PlanID, ind.Code, codeKey(ind.Code), ind.Name.KY, ind.Name.RU, ind.Name.EN, ind.Unit, ind.HigherIsBetter, ind.Kind,
			ind.Numerator, ind.Denominator, ind.Source, ind.OffenseCategory, ind.Disaggregation, ind.Verification.KY, ind.Verification.RU, ind.Verification.EN,
			ind.Frequency, ind.BaselineValue, ind.BaselineYear, indicatorSearch(ind), tx.now, tx.now).Scan(&ind.ID); err != nil {
			return tx.db.normalize(err)
		}
		if err := tx.insertTargets(ctx, ind); err != nil {
			return err
		}
		if err := tx.planContentChanged(ctx, p); err != nil {
			return err
		}
		return tx.Audit(ctx, aldyn.AuditCreate, "indicator", idString(ind.ID), p.TerritoryCode, nil, ind)
	})
}

func (tx *Tx) insertTargets(ctx context.Context, ind *aldyn.Indicator) error {
	for _, t := range ind.Targets {
		if _, err := tx.exec(ctx, `INSERT INTO indicator_targets (indicator_id, year, value) VALUES (?, ?, ?)`, ind.ID, t.Year, t.Value); err != nil {
			return err
		}
	}
	return tx.refreshIndicatorSummaries(ctx, "i.id = ?", ind.ID)
}

// UpdateIndicator replaces indicator id of a draft plan with ind.
func (db *DB) UpdateIndicator(ctx context.Context, actor *aldyn.Actor, id int64, ind *aldyn.Indicator) error {
	if err := ind.Validate(); err != nil {
		return err
	}
	return db.Update(ctx, actor, func(tx *Tx) error {
		old, err := indicatorByID(ctx, tx, id)
		if err != nil {
			return err
		}
		p, err := tx.editablePlan(ctx, old.PlanID)
		if err != nil {
			return err
		}
		ind.ID, ind.PlanID, ind.CreatedAt, ind.UpdatedAt = id, old.PlanID, old.CreatedAt, tx.now
		if _, err := tx.exec(ctx, `UPDATE indicators SET code = ?, sort_key = ?, name_ky = ?, name_ru = ?, name_en = ?, unit = ?, higher_is_better = ?,
			kind = ?, numerator = ?, denominator = ?, source = ?, offense_category = ?, disaggregation = ?, verification_ky = ?, verification_ru = ?,
			verification_en = ?, frequency = ?, baseline_value = ?, baseline_year = ?, search_text = ?, updated_at = ? WHERE id = ?`,
			ind.Code, codeKey(ind.Code), ind.Name.KY, ind.Name.RU, ind.Name.EN, ind.Unit, ind.HigherIsBetter,
			ind.Kind, ind.Numerator, ind.Denominator, ind.Source, ind.OffenseCategory, ind.Disaggregation, ind.Verification.KY, ind.Verification.RU,
			ind.Verification.EN, ind.Frequency, ind.BaselineValue, ind.BaselineYear, indicatorSearch(ind), tx.now, id); err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `DELETE FROM indicator_targets WHERE indicator_id = ?`, id); err != nil {
			return err
		}
		if err := tx.insertTargets(ctx, ind); err != nil {
			return err
		}
		if err := tx.planContentChanged(ctx, p); err != nil {
			return err
		}
		return tx.Audit(ctx, aldyn.AuditUpdate, "indicator", idString(id), p.TerritoryCode, old, ind)
	})
}

// UpsertIndicatorValues stores observed values entered by a coordinator of
// the plan or computed from the offense registers, replacing those of the
// same indicator, period and territory. Values of accepted reports are
// stored by AcceptReport.
func (db *DB) UpsertIndicatorValues(ctx context.Context, actor *aldyn.Actor, values []aldyn.IndicatorValue) error {
	if len(values) == 0 {
		return nil
	}
	return db.Update(ctx, actor, func(tx *Tx) error {
		inds := map[int64]*aldyn.Indicator{}
		plans := map[int64]*aldyn.Plan{}
		var order []int64
		for k := range values {
			x := &values[k]
			ind := inds[x.IndicatorID]
			if ind == nil {
				var err error
				if ind, err = indicatorByID(ctx, tx, x.IndicatorID); err != nil {
					if aldyn.ErrorCode(err) == aldyn.ENOTFOUND {
						return invalidField("indicator_id", "indicator.error.not_found")
					}
					return err
				}
				if plans[ind.PlanID] == nil {
					if plans[ind.PlanID], err = tx.managedPlan(ctx, ind.PlanID); err != nil {
						return err
					}
				}
				inds[ind.ID] = ind
				order = append(order, ind.ID)
			}
			if err := ind.ValidateValue(x); err != nil {
				return err
			}
		}
		for _, id := range order {
			var before, after []aldyn.IndicatorValue
			old := map[[2]string]aldyn.IndicatorValue{}
			if err := scanAll(ctx, tx, func(rows *sql.Rows) error {
				x := aldyn.IndicatorValue{IndicatorID: id}
				err := rows.Scan(&x.Period, &x.TerritoryCode, &x.Value)
				old[[2]string{x.Period, x.TerritoryCode}] = x
				return err
			}, `SELECT period, territory_code, value FROM indicator_values WHERE indicator_id = ?`, id); err != nil {
				return err
			}
			for _, x := range values {
				if x.IndicatorID != id {
					continue
				}
				if o, ok := old[[2]string{x.Period, x.TerritoryCode}]; ok {
					before = append(before, o)
				}
				after = append(after, x)
				if err := tx.upsertValue(ctx, x, 0); err != nil {
					return err
				}
			}
			if err := tx.refreshIndicatorSummaries(ctx, "i.id = ?", id); err != nil {
				return err
			}
			p := plans[inds[id].PlanID]
			if err := tx.Audit(ctx, aldyn.AuditUpdate, "indicator_values", idString(id), p.TerritoryCode, before, after); err != nil {
				return err
			}
		}
		return nil
	})
}

const valueUpsert = ` ON CONFLICT (indicator_id, period, territory_code) DO UPDATE SET value = excluded.value,
	report_id = excluded.report_id, updated_at = excluded.updated_at`

func (tx *Tx) upsertValue(ctx context.Context, x aldyn.IndicatorValue, reportID int64) error {
	_, err := tx.exec(ctx, `INSERT INTO indicator_values (indicator_id, period, territory_code, value, report_id, updated_at)
		VALUES (?, ?, ?, ?, ?, ?)`+valueUpsert, x.IndicatorID, x.Period, x.TerritoryCode, x.Value, nullID(reportID), tx.now)
	return err
}

// FindIndicatorValues lists the observed values of an indicator by period
// and territory.
func (db *DB) FindIndicatorValues(ctx context.Context, indicatorID int64) ([]aldyn.IndicatorValue, error) {
	var out []aldyn.IndicatorValue
	err := scanAll(ctx, db, func(rows *sql.Rows) error {
		x := aldyn.IndicatorValue{IndicatorID: indicatorID}
		err := rows.Scan(&x.Period, &x.TerritoryCode, &x.Value)
		out = append(out, x)
		return err
	}, `SELECT period, territory_code, value FROM indicator_values WHERE indicator_id = ? ORDER BY period, territory_code`, indicatorID)
	return out, err
}

// Reporting cycles.

// CycleFilter selects reporting cycles. Under limits them to plans of a
// territory path prefix.
type CycleFilter struct {
	ID     *int64
	PlanID *int64
	Under  string
	Status *string
	Page   aldyn.Page
}

// CycleSorts are the columns a cycle list can be sorted by.
var CycleSorts = map[string]string{"from": "c.from_on", "deadline": "c.deadline", "period": "c.period", "id": "c.id"}

const cycleCols = `c.id, c.plan_id, c.period, c.from_on, c.to_on, c.deadline, c.status`

func scanCycle(s interface{ Scan(...any) error }) (*aldyn.ReportingCycle, error) {
	var c aldyn.ReportingCycle
	var from, to string
	if err := s.Scan(&c.ID, &c.PlanID, &c.Period, &from, &to, &c.Deadline, &c.Status); err != nil {
		return nil, err
	}
	c.From, c.To, c.Deadline = parseDate(from), parseDate(to), c.Deadline.UTC()
	return &c, nil
}

// FindCycles lists reporting cycles matching f, earliest first by
// default, with the total count.
func (db *DB) FindCycles(ctx context.Context, f CycleFilter) ([]*aldyn.ReportingCycle, int, error) {
	return readList(ctx, db, f, findCycles)
}

func findCycles(ctx context.Context, r reader, f CycleFilter) ([]*aldyn.ReportingCycle, int, error) {
	var w where
	eq(&w, "c.id", f.ID)
	eq(&w, "c.plan_id", f.PlanID)
	w.pathRange("p.territory_path", f.Under)
	eq(&w, "c.status", f.Status)
	return findPage(ctx, r, cycleCols, " FROM reporting_cycles c JOIN plans p ON p.id = c.plan_id", w.String(), w.args,
		orderBy(f.Page, CycleSorts, "c.from_on")+", c.id", nil, f.Page, scanCycle)
}

// FindCycleByID returns one reporting cycle.
func (db *DB) FindCycleByID(ctx context.Context, id int64) (*aldyn.ReportingCycle, error) {
	return readOne(ctx, db, id, cycleByID)
}

func cycleByID(ctx context.Context, r reader, id int64) (*aldyn.ReportingCycle, error) {
	cs, _, err := findCycles(ctx, r, CycleFilter{ID: &id, Page: aldyn.Page{Limit: 1}})
	if err != nil {
		return nil, err
	}
	if len(cs) == 0 {
		return nil, aldyn.Errorf(aldyn.ENOTFOUND, "cycle.error.not_found")
	}
	return cs[0], nil
}

// CreateCycle opens a reporting cycle of an approved plan.
func (db *DB) CreateCycle(ctx context.Context, actor *aldyn.Actor, c *aldyn.ReportingCycle) error {
	c.ID, c.Status = 0, aldyn.CycleOpen
	if err := c.Validate(); err != nil {
		return err
	}
	return db.Update(ctx, actor, func(tx *Tx) error {
		p, err := tx.managedPlan(ctx, c.PlanID)
		if err != nil {
			if aldyn.ErrorCode(err) == aldyn.ENOTFOUND {
				return invalidField("plan_id", "plan.error.not_found")
			}
			return err
		}
		if p.Status != aldyn.PlanApproved {
			return aldyn.Errorf(aldyn.ECONFLICT, "cycle.error.plan_not_approved", "status", string(p.Status))
		}
		if err := tx.queryRow(ctx, `INSERT INTO reporting_cycles (plan_id, period, from_on, to_on, deadline, status, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, c.PlanID, c.Period, isoDate(c.From), isoDate(c.To), c.Deadline.UTC(), c.Status,
			tx.now, tx.now).Scan(&c.ID); err != nil {
			return tx.db.normalize(err)
		}
		return tx.Audit(ctx, aldyn.AuditCreate, "cycle", idString(c.ID), p.TerritoryCode, nil, c)
	})
}

// CloseCycle closes reporting cycle id: no more submissions; decisions on
// submitted reports remain possible.
func (db *DB) CloseCycle(ctx context.Context, actor *aldyn.Actor, id int64) (*aldyn.ReportingCycle, error) {
	var c *aldyn.ReportingCycle
	err := db.Update(ctx, actor, func(tx *Tx) (err error) {
		if c, err = cycleByID(ctx, tx, id); err != nil {
			return err
		}
		p, err := tx.managedPlan(ctx, c.PlanID)
		if err != nil {
			return err
		}
		if c.Status != aldyn.CycleOpen {
			return aldyn.Errorf(aldyn.ECONFLICT, "cycle.error.closed")
		}
		old := *c
		c.Status = aldyn.CycleClosed
		if _, err := tx.exec(ctx, `UPDATE reporting_cycles SET status = ?, updated_at = ? WHERE id = ?`, c.Status, tx.now, id); err != nil {
			return err
		}
		return tx.Audit(ctx, aldyn.AuditUpdate, "cycle", idString(id), p.TerritoryCode, &old, c)
	})
	return c, err
}

// Reports.

// ReportFilter selects reports. Under limits them to plans of a territory
// path prefix.
type ReportFilter struct {
	ID        *int64
	PlanID    *int64
	CycleID   *int64
	MeasureID *int64
	BodyID    *int64
	Status    *aldyn.ReportStatus
	Under     string
	Page      aldyn.Page
}

// ReportSorts are the columns a report list can be sorted by.
var ReportSorts = map[string]string{"updated_at": "r.updated_at", "submitted_at": "r.submitted_at", "status": "r.status",
	"measure": "m.sort_key", "cycle": "c.from_on", "id": "r.id"}

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
func (db *DB) FindReports(ctx context.Context, f ReportFilter) ([]*aldyn.Report, int, error) {
	return readList(ctx, db, f, func(ctx context.Context, r reader, f ReportFilter) ([]*aldyn.Report, int, error) {
		return findReports(ctx, r, f, false)
	})
}

func findReports(ctx context.Context, rd reader, f ReportFilter, values bool) ([]*aldyn.Report, int, error) {
	var w where
	eq(&w, "r.id", f.ID)
	eq(&w, "c.plan_id", f.PlanID)
	eq(&w, "r.cycle_id", f.CycleID)
	eq(&w, "r.measure_id", f.MeasureID)
	eq(&w, "r.body_id", f.BodyID)
	if f.Status != nil {
		w.and("r.status = ?", string(*f.Status))
	}
	w.pathRange("p.territory_path", f.Under)
	out, total, err := findPage(ctx, rd, reportCols,
		" FROM reports r JOIN reporting_cycles c ON c.id = r.cycle_id JOIN plans p ON p.id = c.plan_id JOIN measures m ON m.id = r.measure_id",
		w.String(), w.args, orderBy(f.Page, ReportSorts, "r.updated_at")+", r.id", nil, f.Page, scanReport)
	if err != nil || len(out) == 0 {
		return out, total, err
	}
	in, idArgs := idList(idsOf(out, func(r *aldyn.Report) int64 { return r.ID }))
	if err := loadSpent(ctx, rd, out, "r.id IN ("+in+")", " ORDER BY x.report_id, x.line_no", idArgs...); err != nil {
		return nil, 0, err
	}
	if values {
		byID := make(map[int64]*aldyn.Report, len(out))
		for _, r := range out {
			byID[r.ID] = r
		}
		err = scanAll(ctx, rd, func(rows *sql.Rows) error {
			var id int64
			var x aldyn.IndicatorValue
			if err := rows.Scan(&id, &x.IndicatorID, &x.Period, &x.TerritoryCode, &x.Value); err != nil {
				return err
			}
			byID[id].Values = append(byID[id].Values, x)
			return nil
		}, "SELECT report_id, indicator_id, period, territory_code, value FROM report_values WHERE report_id IN ("+in+") ORDER BY report_id, indicator_id, period, territory_code", idArgs...)
	}
	return out, total, err
}

// loadSpent fills the spent lines of reports, which are those of the
// reports r matching cond (c is their cycle), in the order given.
func loadSpent(ctx context.Context, rd reader, reports []*aldyn.Report, cond, order string, args ...any) error {
	byID := make(map[int64]*aldyn.Report, len(reports))
	for _, r := range reports {
		byID[r.ID] = r
	}
	return scanAll(ctx, rd, func(rows *sql.Rows) error {
		var id int64
		var l aldyn.BudgetLine
		if err := rows.Scan(intInto[int64]{&id}, &l.Source, &l.Funder, intInto[int64]{&l.AmountKGS}); err != nil {
			return err
		}
		if r := byID[id]; r != nil {
			r.Spent = append(r.Spent, l)
		}
		return nil
	}, `SELECT x.report_id, x.source, x.funder, x.amount_kgs FROM report_spent x JOIN reports r ON r.id = x.report_id
		JOIN reporting_cycles c ON c.id = r.cycle_id WHERE `+cond+order, args...)
}

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
	rs, _, err := findReports(ctx, rd, ReportFilter{ID: &id, Page: aldyn.Page{Limit: 1}}, true)
	if err != nil {
		return nil, err
	}
	if len(rs) == 0 {
		return nil, aldyn.Errorf(aldyn.ENOTFOUND, "report.error.not_found")
	}
	return rs[0], nil
}

// reportFor loads report id with its cycle and plan.
func (tx *Tx) reportFor(ctx context.Context, id int64) (*aldyn.Report, *aldyn.ReportingCycle, *aldyn.Plan, error) {
	r, err := reportByID(ctx, tx, id)
	if err != nil {
		return nil, nil, nil, err
	}
	c, err := cycleByID(ctx, tx, r.CycleID)
	if err != nil {
		return nil, nil, nil, err
	}
	p, err := planByID(ctx, tx, c.PlanID)
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
			ind, err = indicatorByID(ctx, tx, x.IndicatorID)
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
		var old *aldyn.Report
		var c *aldyn.ReportingCycle
		var p *aldyn.Plan
		var err error
		if r.ID == 0 {
			if c, err = cycleByID(ctx, tx, r.CycleID); err != nil {
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
			if p, err = planByID(ctx, tx, c.PlanID); err != nil {
				return err
			}
			r.BodyID, r.Status, r.Version, r.Comment = m.ResponsibleBodyID, aldyn.ReportDraft, 0, ""
			r.SubmittedBy, r.SubmittedAt, r.FirstSubmittedAt, r.DecidedBy, r.DecidedAt = 0, nil, nil, 0, nil
			r.CreatedAt, r.Revision = tx.now, 1
		} else {
			if old, c, p, err = tx.reportFor(ctx, r.ID); err != nil {
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
		}
		if !actor.CanSubmitReport(r.BodyID) {
			return aldyn.Errorf(aldyn.EFORBIDDEN, "report.error.submit_forbidden")
		}
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
		if err := tx.checkReportValues(ctx, p.ID, r); err != nil {
			return err
		}
		if old == nil {
			if err := tx.queryRow(ctx, `INSERT INTO reports (cycle_id, measure_id, body_id, status, progress, narrative, evidence_json, comment,
				version, revision, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
				r.CycleID, r.MeasureID, r.BodyID, string(r.Status), r.Progress, r.Narrative, jsonText(r.Evidence), r.Comment, r.Version,
				r.Revision, tx.now, tx.now).Scan(&r.ID); err != nil {
				return tx.db.normalize(err)
			}
		} else {
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
		}
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
		if old == nil {
			return tx.Audit(ctx, aldyn.AuditCreate, "report", idString(r.ID), p.TerritoryCode, nil, r)
		}
		return tx.Audit(ctx, aldyn.AuditUpdate, "report", idString(r.ID), p.TerritoryCode, old, r)
	})
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
			if err := tx.Audit(ctx, aldyn.AuditCreate, "notification", idString(n.ID), "", nil, n); err != nil {
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
	where, args := w.String(), w.args
	var total int
	if err := db.queryRow(ctx, "SELECT COUNT(*) FROM notifications"+where, args...).Scan(&total); err != nil {
		return nil, 0, db.normalize(err)
	}
	var out []*Notification
	err := scanAll(ctx, db, func(rows *sql.Rows) error {
		var n Notification
		var uid, bid sql.NullInt64
		var argsJSON string
		var read sql.NullTime
		if err := rows.Scan(&n.ID, &uid, &bid, &n.Kind, &n.TextKey, &argsJSON, &n.Link, &n.CreatedAt, &read); err != nil {
			return err
		}
		if err := json.Unmarshal([]byte(argsJSON), &n.Args); err != nil {
			return fmt.Errorf("notification %d: %w", n.ID, err)
		}
		n.UserID, n.BodyID, n.CreatedAt, n.ReadAt = uid.Int64, bid.Int64, n.CreatedAt.UTC(), nullTime(read)
		out = append(out, &n)
		return nil
	}, `SELECT id, user_id, body_id, kind, text_key, args_json, link, created_at, read_at FROM notifications`+where+
		` ORDER BY created_at DESC, id DESC`+limitOffset(f.Page), args...)
	return out, total, err
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

// The dashboard.

// DashboardInput is what aldyn.ComputeDashboard needs of a plan, and no
// more, loaded so that Compute(now) gives what ComputeDashboard gives on
// the plan's full measures, indicators, values, cycles and reports, for
// any now from At on. The store keeps summaries of budget lines, reports,
// targets and values for it (see 00005_measure_summary.sql):
//
//   - Measures have the fields the dashboard and its measure list read:
//     ID, PlanID, Code, ComponentCode, Title, ResponsibleBodyID, Start,
//     Due, Cancelled, and Budget as one line per source with the planned
//     total of that source (no funders). Descriptions, expected results,
//     co-executors, indicator links and timestamps are left empty.
//   - Indicators have ID, PlanID, Code, Name, Unit, HigherIsBetter, the
//     baseline and the targets.
//   - Values are, per indicator, the value the dashboard takes: of its
//     latest period, plan-wide, the latest stored (FindIndicatorValues
//     gives the whole series).
//   - Cycles are all the plan's cycles.
//   - Reports are, per measure and in this order, its latest accepted
//     report, carrying in Spent the spending of all its accepted reports
//     by source; its first accepted report at 100 % if another; and its
//     reports of the cycle latest begun at At and of the cycles after it.
//     They have ID, CycleID, MeasureID, Status, Progress and, the latter
//     (and the former when of those cycles), SubmittedAt, FirstSubmittedAt
//     and DecidedAt; the latest accepted has DecidedAt. FindReports gives
//     every report with every field.
type DashboardInput struct {
	Plan       *aldyn.Plan
	Measures   []aldyn.Measure
	Indicators []aldyn.Indicator
	Values     []aldyn.IndicatorValue
	Reports    []aldyn.Report
	Cycles     []aldyn.ReportingCycle
	At         time.Time // the database clock when loaded
}

// Compute computes the dashboard at now (not before At).
func (in *DashboardInput) Compute(now time.Time) aldyn.Dashboard {
	return aldyn.ComputeDashboard(in.Plan, in.Measures, in.Indicators, in.Values, in.Reports, in.Cycles, now)
}

// boolInto scans a boolean that SQLite stores as an integer.
type boolInto struct{ p *bool }

func (s boolInto) Scan(v any) error {
	switch x := v.(type) {
	case bool:
		*s.p = x
	case int64:
		*s.p = x != 0
	default:
		return fmt.Errorf("scan %T into a boolean", v)
	}
	return nil
}

// floatInto scans a float without database/sql's reflective conversion.
type floatInto struct{ p *float64 }

func (s floatInto) Scan(v any) error {
	switch x := v.(type) {
	case float64:
		*s.p = x
	case int64:
		*s.p = float64(x)
	case nil:
		*s.p = 0
	default:
		return fmt.Errorf("scan %T into a float", v)
	}
	return nil
}

// measureSummary is a row of measure_summaries: what the dashboard needs
// of a measure's budget lines and reports (see 00005_measure_summary.sql).
type measureSummary struct {
	planned                     [4]int64 // by aldyn.BudgetSources index
	acceptedID, acceptedCycleID int64    // zero: nothing accepted
	acceptedProgress            int
	acceptedDecidedAt           *time.Time
	doneID, doneCycleID         int64 // zero: never accepted at 100 %
	spent                       [4]int64
}

// sumBySource sums the amounts of x (measure_budget_lines or
// report_spent) by source, in aldyn.BudgetSources order.
const sumBySource = `SUM(CASE WHEN x.source = 'republican' THEN x.amount_kgs END) AS s_rep,
		SUM(CASE WHEN x.source = 'local' THEN x.amount_kgs END) AS s_loc,
		SUM(CASE WHEN x.source = 'partners' THEN x.amount_kgs END) AS s_par,
		SUM(CASE WHEN x.source = 'other' THEN x.amount_kgs END) AS s_oth`

// measureSummarySQL writes the summaries of the measures m matching %[1]s.
// Its rules are ComputeDashboard's: the latest accepted report by cycle
// end, then decision, then id (the first of equals wins there); the first
// at 100 % by cycle start, then id; amounts in aldyn.BudgetSources.
const measureSummarySQL = `INSERT INTO measure_summaries (measure_id, planned_republican, planned_local, planned_partners, planned_other,
	accepted_report_id, accepted_cycle_id, accepted_progress, accepted_decided_at, done_report_id, done_cycle_id,
	spent_republican, spent_local, spent_partners, spent_other)
SELECT m.id, CAST(COALESCE(b.s_rep, 0) AS BIGINT), CAST(COALESCE(b.s_loc, 0) AS BIGINT), CAST(COALESCE(b.s_par, 0) AS BIGINT),
	CAST(COALESCE(b.s_oth, 0) AS BIGINT), a.id, a.cycle_id, a.progress, a.decided_at, d.id, d.cycle_id,
	CAST(COALESCE(s.s_rep, 0) AS BIGINT), CAST(COALESCE(s.s_loc, 0) AS BIGINT), CAST(COALESCE(s.s_par, 0) AS BIGINT), CAST(COALESCE(s.s_oth, 0) AS BIGINT)
FROM measures m
LEFT JOIN (SELECT x.measure_id, ` + sumBySource + `
	FROM measure_budget_lines x JOIN measures m ON m.id = x.measure_id WHERE %[1]s GROUP BY x.measure_id) b ON b.measure_id = m.id
LEFT JOIN (SELECT r.measure_id, r.id, r.cycle_id, r.progress, r.decided_at,
		ROW_NUMBER() OVER (PARTITION BY r.measure_id ORDER BY c.to_on DESC, r.decided_at DESC NULLS LAST, r.id) AS n
	FROM reports r JOIN reporting_cycles c ON c.id = r.cycle_id JOIN measures m ON m.id = r.measure_id
	WHERE r.status = 'accepted' AND %[1]s) a ON a.measure_id = m.id AND a.n = 1
LEFT JOIN (SELECT r.measure_id, r.id, r.cycle_id, ROW_NUMBER() OVER (PARTITION BY r.measure_id ORDER BY c.from_on, r.id) AS n
	FROM reports r JOIN reporting_cycles c ON c.id = r.cycle_id JOIN measures m ON m.id = r.measure_id
	WHERE r.status = 'accepted' AND r.progress >= 100 AND %[1]s) d ON d.measure_id = m.id AND d.n = 1
LEFT JOIN (SELECT r.measure_id, ` + sumBySource + `
	FROM reports r JOIN report_spent x ON x.report_id = r.id JOIN measures m ON m.id = r.measure_id
	WHERE r.status = 'accepted' AND %[1]s GROUP BY r.measure_id) s ON s.measure_id = m.id
WHERE %[1]s`

// refreshMeasureSummaries rewrites the summaries of the measures m
// matching cond, whose one argument is arg. Every write to a measure's
// budget lines or a report's status refreshes its measure's, in the same
// transaction.
func (tx *Tx) refreshMeasureSummaries(ctx context.Context, cond string, arg any) error {
	if _, err := tx.exec(ctx, `DELETE FROM measure_summaries WHERE measure_id IN (SELECT m.id FROM measures m WHERE `+cond+`)`, arg); err != nil {
		return err
	}
	_, err := tx.exec(ctx, fmt.Sprintf(measureSummarySQL, cond), arg, arg, arg, arg, arg)
	return err
}

// indicatorSummarySQL writes the summaries of the indicators i matching
// %[1]s: targets as "year:value;…" and the value the dashboard takes (the
// latest stored of the latest period, plan-wide).
const indicatorSummarySQL = `INSERT INTO indicator_summaries (indicator_id, targets, period, territory_code, value)
SELECT i.id, COALESCE((SELECT string_agg(CAST(t.year AS TEXT) || ':' || CAST(t.value AS TEXT), ';' ORDER BY t.year)
		FROM indicator_targets t WHERE t.indicator_id = i.id), ''),
	x.period, x.territory_code, x.value
FROM indicators i JOIN plans p ON p.id = i.plan_id
LEFT JOIN indicator_values x ON x.indicator_id = i.id AND x.territory_code IN ('', p.territory_code)
	AND NOT EXISTS (SELECT 1 FROM indicator_values y WHERE y.indicator_id = i.id AND y.territory_code IN ('', p.territory_code)
		AND (y.period > x.period OR (y.period = x.period AND (y.updated_at > x.updated_at
			OR (y.updated_at = x.updated_at AND y.territory_code > x.territory_code)))))
WHERE %[1]s`

// refreshIndicatorSummaries rewrites the summaries of the indicators i
// matching cond, whose one argument is arg. Every write to an indicator's
// targets, to observed values or to a plan's territory refreshes them, in
// the same transaction.
func (tx *Tx) refreshIndicatorSummaries(ctx context.Context, cond string, arg any) error {
	if tx.dialect() == Postgres {
		// Floats as text in the shortest form that reads back exactly.
		if _, err := tx.exec(ctx, `SET LOCAL extra_float_digits = 3`); err != nil {
			return err
		}
	}
	if _, err := tx.exec(ctx, `DELETE FROM indicator_summaries WHERE indicator_id IN (SELECT i.id FROM indicators i WHERE `+cond+`)`, arg); err != nil {
		return err
	}
	_, err := tx.exec(ctx, fmt.Sprintf(indicatorSummarySQL, cond), arg)
	return err
}

// RefreshDashboard rewrites what the store keeps for the dashboard of plan
// planID (the summaries of its measures and indicators), for data written
// around the store: bulk loads, repairs.
func (tx *Tx) RefreshDashboard(ctx context.Context, planID int64) error {
	if err := tx.refreshMeasureSummaries(ctx, "m.plan_id = ?", planID); err != nil {
		return err
	}
	return tx.refreshIndicatorSummaries(ctx, "i.plan_id = ?", planID)
}

// LoadDashboardInput loads what the dashboard of plan planID computes on
// (see DashboardInput), in one read snapshot and a query per table.
func (db *DB) LoadDashboardInput(ctx context.Context, planID int64) (*DashboardInput, error) {
	in := &DashboardInput{At: db.Now()}
	err := db.read(ctx, func(r reader) error {
		var err error
		if in.Plan, err = planByID(ctx, r, planID); err != nil {
			return err
		}

		if err := scanAll(ctx, r, func(rows *sql.Rows) error {
			c, err := scanCycle(rows)
			if err == nil {
				in.Cycles = append(in.Cycles, *c)
			}
			return err
		}, "SELECT "+cycleCols+" FROM reporting_cycles c WHERE c.plan_id = ? ORDER BY c.from_on, c.id", planID); err != nil {
			return err
		}

		// Sized slices: measures and indicators are large structs.
		var nMeasures, nIndicators int
		if err := r.queryRow(ctx, `SELECT (SELECT COUNT(*) FROM measures WHERE plan_id = ?), (SELECT COUNT(*) FROM indicators WHERE plan_id = ?)`,
			planID, planID).Scan(&nMeasures, &nIndicators); err != nil {
			return err
		}

		// Measures with their summaries.
		in.Measures = make([]aldyn.Measure, 0, nMeasures)
		sums := make([]measureSummary, 0, nMeasures)
		var start, due string
		if err := scanAll(ctx, r, func(rows *sql.Rows) error {
			in.Measures = append(in.Measures, aldyn.Measure{})
			sums = append(sums, measureSummary{})
			m, s := &in.Measures[len(in.Measures)-1], &sums[len(sums)-1]
			if err := rows.Scan(intInto[int64]{&m.ID}, &m.Code, &m.ComponentCode, &m.Title.KY, &m.Title.RU, &m.Title.EN,
				intInto[int64]{&m.ResponsibleBodyID}, &start, &due, boolInto{&m.Cancelled},
				intInto[int64]{&s.planned[0]}, intInto[int64]{&s.planned[1]}, intInto[int64]{&s.planned[2]}, intInto[int64]{&s.planned[3]},
				intInto[int64]{&s.acceptedID}, intInto[int64]{&s.acceptedCycleID}, intInto[int]{&s.acceptedProgress}, nullTimeScan{&s.acceptedDecidedAt},
				intInto[int64]{&s.doneID}, intInto[int64]{&s.doneCycleID},
				intInto[int64]{&s.spent[0]}, intInto[int64]{&s.spent[1]}, intInto[int64]{&s.spent[2]}, intInto[int64]{&s.spent[3]}); err != nil {
				return err
			}
			m.PlanID, m.Start, m.Due = planID, parseDate(start), parseDate(due)
			m.Budget = sourceLines(s.planned)
			return nil
		}, `SELECT m.id, m.code, m.component_code, m.title_ky, m.title_ru, m.title_en, m.responsible_body_id, m.start_on, m.due_on, m.cancelled,
			s.planned_republican, s.planned_local, s.planned_partners, s.planned_other,
			s.accepted_report_id, s.accepted_cycle_id, s.accepted_progress, `+timeCol(r, "s.accepted_decided_at")+`, s.done_report_id, s.done_cycle_id,
			s.spent_republican, s.spent_local, s.spent_partners, s.spent_other
			FROM measures m LEFT JOIN measure_summaries s ON s.measure_id = m.id WHERE m.plan_id = ? ORDER BY m.sort_key, m.id`, planID); err != nil {
			return err
		}

		// Indicators with their targets and the value the dashboard takes.
		in.Indicators = make([]aldyn.Indicator, 0, nIndicators)
		in.Values = make([]aldyn.IndicatorValue, 0, nIndicators)
		var targets, period, territory string
		var value float64
		if err := scanAll(ctx, r, func(rows *sql.Rows) error {
			in.Indicators = append(in.Indicators, aldyn.Indicator{})
			i := &in.Indicators[len(in.Indicators)-1]
			if err := rows.Scan(intInto[int64]{&i.ID}, &i.Code, &i.Name.KY, &i.Name.RU, &i.Name.EN, &i.Unit, boolInto{&i.HigherIsBetter},
				floatInto{&i.BaselineValue}, intInto[int]{&i.BaselineYear}, &i.Kind, &i.Source, &i.OffenseCategory, &i.Frequency,
				&targets, &period, &territory, floatInto{&value}); err != nil {
				return err
			}
			var err error
			if i.Targets, err = parseTargets(targets); err != nil {
				return fmt.Errorf("indicator %d: %w", i.ID, err)
			}
			i.PlanID = planID
			if period != "" { // observed
				in.Values = append(in.Values, aldyn.IndicatorValue{IndicatorID: i.ID, Period: period, TerritoryCode: territory, Value: value})
			}
			return nil
		}, `SELECT i.id, i.code, i.name_ky, i.name_ru, i.name_en, i.unit, i.higher_is_better, i.baseline_value, i.baseline_year,
			i.kind, i.source, i.offense_category, i.frequency, COALESCE(s.targets, ''), COALESCE(s.period, ''), COALESCE(s.territory_code, ''), s.value
			FROM indicators i LEFT JOIN indicator_summaries s ON s.indicator_id = i.id WHERE i.plan_id = ? ORDER BY i.sort_key, i.id`, planID); err != nil {
			return err
		}

		// The reports of the cycle latest begun at At, by ComputeDashboard's
		// rule, and of the cycles after it.
		var latest *aldyn.ReportingCycle
		for i := range in.Cycles {
			c := &in.Cycles[i]
			if !c.From.After(in.At) && (latest == nil || c.From.After(latest.From)) {
				latest = c
			}
		}
		var current []int64
		for _, c := range in.Cycles {
			if latest == nil || !c.From.Before(latest.From) {
				current = append(current, c.ID)
			}
		}
		var reports []aldyn.Report
		if len(current) > 0 {
			list, args := idList(current)
			reports = make([]aldyn.Report, 0, len(in.Measures))
			if err := scanAll(ctx, r, func(rows *sql.Rows) error {
				reports = append(reports, aldyn.Report{})
				x := &reports[len(reports)-1]
				return rows.Scan(intInto[int64]{&x.ID}, intInto[int64]{&x.CycleID}, intInto[int64]{&x.MeasureID}, strInto[aldyn.ReportStatus]{&x.Status},
					intInto[int]{&x.Progress}, nullTimeScan{&x.SubmittedAt}, nullTimeScan{&x.FirstSubmittedAt}, nullTimeScan{&x.DecidedAt})
			}, `SELECT r.id, r.cycle_id, r.measure_id, r.status, r.progress, `+timeCol(r, "r.submitted_at")+`, `+
				timeCol(r, "r.first_submitted_at")+`, `+timeCol(r, "r.decided_at")+`
				FROM reports r WHERE r.cycle_id IN (`+list+`)`, args...); err != nil {
				return err
			}
		}
		in.Reports = dashboardReports(in.Measures, sums, reports)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return in, nil
}

// sourceLines returns amounts by aldyn.BudgetSources index as budget
// lines, one per source with an amount.
func sourceLines(amounts [4]int64) []aldyn.BudgetLine {
	var out []aldyn.BudgetLine
	for k, amount := range amounts {
		if amount != 0 {
			out = append(out, aldyn.BudgetLine{Source: aldyn.BudgetSources[k], AmountKGS: amount})
		}
	}
	return out
}

// parseTargets reads indicator_summaries.targets: "year:value;…".
func parseTargets(s string) ([]aldyn.IndicatorTarget, error) {
	out := make([]aldyn.IndicatorTarget, 0, strings.Count(s, ";")+1)
	for s != "" {
		var t string
		t, s, _ = strings.Cut(s, ";")
		y, v, ok := strings.Cut(t, ":")
		year, err1 := strconv.Atoi(y)
		value, err2 := strconv.ParseFloat(v, 64)
		if !ok || err1 != nil || err2 != nil {
			return nil, fmt.Errorf("bad target %q", t)
		}
		out = append(out, aldyn.IndicatorTarget{Year: year, Value: value})
	}
	return out, nil
}

// dashboardReports lays out DashboardInput.Reports: per measure, the
// latest accepted report with the spending of all, the first at 100 %,
// then its current reports, each report once.
func dashboardReports(measures []aldyn.Measure, sums []measureSummary, current []aldyn.Report) []aldyn.Report {
	// The current reports of each measure, as lists through next.
	at := make(map[int64]int, len(measures))
	for i := range measures {
		at[measures[i].ID] = i
	}
	head, next := make([]int, len(measures)), make([]int, len(current))
	for i := range head {
		head[i] = -1
	}
	for k := len(current) - 1; k >= 0; k-- {
		if i, ok := at[current[k].MeasureID]; ok {
			head[i], next[k] = k, head[i]
		}
	}
	out := make([]aldyn.Report, 0, len(current)+len(measures))
	for i := range measures {
		m, s := &measures[i], &sums[i]
		// found returns the current report id, or a stand-in from the
		// summary.
		found := func(id, cycleID int64, progress int) aldyn.Report {
			for k := head[i]; k >= 0; k = next[k] {
				if current[k].ID == id {
					return current[k]
				}
			}
			return aldyn.Report{ID: id, CycleID: cycleID, MeasureID: m.ID, Status: aldyn.ReportAccepted, Progress: progress}
		}
		if s.acceptedID != 0 {
			w := found(s.acceptedID, s.acceptedCycleID, s.acceptedProgress)
			if w.DecidedAt == nil {
				w.DecidedAt = s.acceptedDecidedAt
			}
			w.Spent = sourceLines(s.spent)
			out = append(out, w)
		}
		if s.doneID != 0 && s.doneID != s.acceptedID {
			out = append(out, found(s.doneID, s.doneCycleID, aldyn.MeasureDoneProgress))
		}
		for k := head[i]; k >= 0; k = next[k] {
			if x := current[k].ID; x != s.acceptedID && x != s.doneID {
				out = append(out, current[k])
			}
		}
	}
	return out
}

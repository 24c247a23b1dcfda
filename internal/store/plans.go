package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/aldyn-kg/aldyn"
)

// This file holds plan versions and their signatures. The lifecycle rules
// are the domain's (aldyn.Plan); the store loads, applies them and
// persists the result with its audit entry in one transaction. A plan's
// measures, indicators, cycles, reports, notifications and dashboard each
// have their own file.

// PlanSorts are the columns a plan list can be sorted by.
var PlanSorts = map[string]string{"title_ky": "p.title_ky", "title_ru": "p.title_ru", "title_en": "p.title_en",
	"start_year": "p.start_year", "territory": "p.territory_path", "status": "p.status", "updated_at": "p.updated_at", "id": "p.id"}

var planList = listQuery[*aldyn.Plan]{cols: planCols, from: " FROM plans p",
	sorts: PlanSorts, order: "p.start_year", tie: ", p.version, p.id", scan: scanPlan}

var planFinder = finder[*aldyn.Plan, aldyn.PlanFilter]{
	list: withLoad(planList, loadSignatures),
	filter: func(w *where, f aldyn.PlanFilter) aldyn.Page {
		planWhere(w, f)
		return f.Page
	},
	idCol: "p.id", notFound: "plan.error.not_found",
}

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
func (db *DB) FindPlans(ctx context.Context, f aldyn.PlanFilter) ([]*aldyn.Plan, int, error) {
	return readList(ctx, db, f, planFinder.find)
}

// planWhere adds the conditions of f on plans p to w.
func planWhere(w *where, f aldyn.PlanFilter) {
	eq(w, "p.id", f.ID)
	w.pathRange("p.territory_path", f.Under)
	eq(w, "p.kind", f.Kind)
	eqString(w, "p.status", f.Status)
	eq(w, "p.territory_code", f.TerritoryCode)
	eq(w, "p.parent_id", f.ParentID)
	if f.Lineage != nil {
		w.and("p.id IN ("+lineageSQL+")", *f.Lineage)
	}
	w.search(f.Query, "p.search_text")
}

// lineageSQL selects the ids of every version in the lineage of the plan
// whose id is its argument: up the parents to the first version, then down
// all its amendments, in one query on both engines.
const lineageSQL = `WITH RECURSIVE up(id, parent_id) AS (
		SELECT id, parent_id FROM plans WHERE id = ?
		UNION ALL SELECT pl.id, pl.parent_id FROM plans pl JOIN up ON pl.id = up.parent_id),
	down(id) AS (
		SELECT id FROM up WHERE parent_id IS NULL
		UNION ALL SELECT pl.id FROM plans pl JOIN down ON pl.parent_id = down.id)
	SELECT id FROM down`

// loadSignatures fills the signatures of plans.
func loadSignatures(ctx context.Context, r reader, plans []*aldyn.Plan) error {
	id := func(p *aldyn.Plan) int64 { return p.ID }
	cond, args := idsIn("plan_id", plans, id)
	return loadChildren(ctx, r, byIDOf(plans, id), func(p *aldyn.Plan) *[]aldyn.PlanSignature { return &p.Signatures },
		func(id *int64, s *aldyn.PlanSignature) []any { return []any{id, &s.BodyID, &s.UserID, timeScan{&s.At}} },
		"SELECT plan_id, body_id, user_id, signed_at FROM plan_signatures WHERE "+cond+" ORDER BY plan_id, signed_at, body_id", args...)
}

// FindPlanByID returns one plan version with its signatures.
func (db *DB) FindPlanByID(ctx context.Context, id int64) (*aldyn.Plan, error) {
	return readOne(ctx, db, id, planFinder.one)
}

// managedPlan loads a plan the actor changes and checks the actor manages
// plans of its territory.
func (tx *Tx) managedPlan(ctx context.Context, id int64) (*aldyn.Plan, error) {
	p, err := planFinder.one(ctx, tx, id)
	return allowed(p, err, func(p *aldyn.Plan) bool { return tx.actor.CanManagePlan(p.TerritoryPath) })
}

// checkPlanRefs checks the plan's territory (setting TerritoryPath) is in
// the actor's scope, its owner is a coordination body and its signatories
// exist.
func (tx *Tx) checkPlanRefs(ctx context.Context, p *aldyn.Plan) error {
	if _, err := tx.placeIn(ctx, p.TerritoryCode, tx.actor.CanManagePlan, &p.TerritoryPath); err != nil {
		return err
	}
	ids := append([]int64{p.OwnerBodyID}, p.RequiredSignatures...)
	in, args := idList(ids)
	types, err := scanMap[int64, string](ctx, tx, "SELECT id, type FROM bodies WHERE id IN ("+in+")", args...)
	if err != nil {
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
	return db.updateValid(ctx, actor, p, func(tx *Tx) error {
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

// planContentChanged voids the signatures of draft plan p after a change
// of its measures or indicators, marks it updated and audits the change
// (action on entity entityID, from before to after) in its territory.
func (tx *Tx) planContentChanged(ctx context.Context, p *aldyn.Plan, action, entity, entityID string, before, after any) error {
	if _, err := tx.exec(ctx, `DELETE FROM plan_signatures WHERE plan_id = ?`, p.ID); err != nil {
		return err
	}
	if _, err := tx.exec(ctx, `UPDATE plans SET updated_at = ? WHERE id = ?`, tx.now, p.ID); err != nil {
		return err
	}
	return tx.Audit(ctx, action, entity, entityID, p.TerritoryCode, before, after)
}

// editablePart loads with load part id of a plan (a measure, an
// indicator), which the actor changes, and its plan (planID), which must
// be a draft the actor manages (Tx.editablePlan).
func editablePart[T any](ctx context.Context, tx *Tx, id int64, load func(context.Context, reader, int64) (T, error), planID func(T) int64) (T, *aldyn.Plan, error) {
	var zero T
	v, err := load(ctx, tx, id)
	if err != nil {
		return zero, nil, err
	}
	p, err := tx.editablePlan(ctx, planID(v))
	if err != nil {
		return zero, nil, err
	}
	return v, p, nil
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
		if p, err = planFinder.one(ctx, tx, id); err != nil {
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
			if parent, err = planFinder.one(ctx, tx, *p.ParentID); err != nil {
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

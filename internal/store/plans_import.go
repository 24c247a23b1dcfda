package store

import (
	"context"

	"github.com/aldyn-kg/aldyn"
)

// This file holds what the plan pages need beyond plans.go: replacing a
// draft's content with a template's in one transaction, and the list of
// plans the public may read.

// ReplacePlanContent replaces the measures and indicators of draft plan
// planID with those given, all or nothing. Indicators carry provisional
// IDs (as plantemplate.Read numbers them) that the measures'
// IndicatorIDs refer to; they are mapped to the stored IDs. The records
// are validated again against the plan.
func (db *DB) ReplacePlanContent(ctx context.Context, actor *aldyn.Actor, planID int64, measures []aldyn.Measure, indicators []aldyn.Indicator) error {
	return db.Update(ctx, actor, func(tx *Tx) error {
		p, err := tx.editablePlan(ctx, planID)
		if err != nil {
			return err
		}
		for _, q := range []string{`DELETE FROM measures WHERE plan_id = ?`, `DELETE FROM indicators WHERE plan_id = ?`} {
			if _, err := tx.exec(ctx, q, planID); err != nil {
				return err
			}
		}
		ids := make(map[int64]int64, len(indicators))
		for i := range indicators {
			ind := &indicators[i]
			provisional := ind.ID
			ind.PlanID = planID
			if err := ind.Validate(); err != nil {
				return err
			}
			if err := tx.insertIndicator(ctx, ind); err != nil {
				return err
			}
			ids[provisional] = ind.ID
		}
		for i := range measures {
			m := &measures[i]
			m.PlanID = planID
			for k, id := range m.IndicatorIDs {
				stored, ok := ids[id]
				if !ok {
					return invalidField("indicator_ids", "measure.error.indicator_plan")
				}
				m.IndicatorIDs[k] = stored
			}
			if err := m.Validate(p, nil); err != nil {
				return err
			}
			if err := tx.insertMeasure(ctx, m); err != nil {
				return err
			}
		}
		return tx.planContentChanged(ctx, p, aldyn.AuditUpdate, "plan", idString(planID), nil,
			map[string]any{"imported_measures": len(measures), "imported_indicators": len(indicators)})
	})
}

// PublicPlanStatuses are the statuses of the plan versions the public
// reads: drafts are work in progress, superseded versions history.
var PublicPlanStatuses = []aldyn.PlanStatus{aldyn.PlanApproved, aldyn.PlanClosed}

// FindPublicPlans lists the approved and closed plans matching f (its
// Status, when set, must be one of them; Under and ID are honoured) with
// the total count, without signatures.
func (db *DB) FindPublicPlans(ctx context.Context, f aldyn.PlanFilter) ([]*aldyn.Plan, int, error) {
	var w where
	w.and("p.status IN (?, ?)", string(aldyn.PlanApproved), string(aldyn.PlanClosed))
	planWhere(&w, f)
	return readList(ctx, db, f.Page, func(ctx context.Context, r reader, p aldyn.Page) ([]*aldyn.Plan, int, error) {
		return planList.page(ctx, r, &w, p)
	})
}

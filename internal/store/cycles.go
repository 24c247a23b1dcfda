package store

import (
	"context"

	"github.com/aldyn-kg/aldyn"
)

// Reporting cycles.

// CycleSorts are the columns a cycle list can be sorted by.
var CycleSorts = map[string]string{"from": "c.from_on", "deadline": "c.deadline", "period": "c.period", "id": "c.id"}

var cycleFinder = finder[*aldyn.ReportingCycle, aldyn.CycleFilter]{
	list: listQuery[*aldyn.ReportingCycle]{cols: cycleCols, from: " FROM reporting_cycles c JOIN plans p ON p.id = c.plan_id",
		sorts: CycleSorts, order: "c.from_on", tie: ", c.id", scan: scanCycle},
	filter: func(w *where, f aldyn.CycleFilter) aldyn.Page {
		eq(w, "c.id", f.ID)
		w.ofPlan("c.plan_id", f.PlanID, f.Under)
		eq(w, "c.status", f.Status)
		return f.Page
	},
	idCol: "c.id", notFound: "cycle.error.not_found",
}

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
func (db *DB) FindCycles(ctx context.Context, f aldyn.CycleFilter) ([]*aldyn.ReportingCycle, int, error) {
	return readList(ctx, db, f, cycleFinder.find)
}

// FindCycleByID returns one reporting cycle.
func (db *DB) FindCycleByID(ctx context.Context, id int64) (*aldyn.ReportingCycle, error) {
	return readOne(ctx, db, id, cycleFinder.one)
}

// CreateCycle opens a reporting cycle of an approved plan.
func (db *DB) CreateCycle(ctx context.Context, actor *aldyn.Actor, c *aldyn.ReportingCycle) error {
	c.ID, c.Status = 0, aldyn.CycleOpen
	return db.updateValid(ctx, actor, c, func(tx *Tx) error {
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
		if c, err = cycleFinder.one(ctx, tx, id); err != nil {
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

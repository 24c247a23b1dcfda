package store

import (
	"context"
	"database/sql"
	"strings"

	"github.com/aldyn-kg/aldyn"
)

// ScorecardWeights returns the police unit scorecard's component weights:
// those national administrators set, else the defaults.
func (db *DB) ScorecardWeights(ctx context.Context) ([]aldyn.ScorecardWeight, error) {
	set := map[string]float64{}
	err := scanAll(ctx, db, func(rows *sql.Rows) error {
		var c string
		var w float64
		if err := rows.Scan(&c, floatInto{&w}); err != nil {
			return err
		}
		set[c] = w
		return nil
	}, "SELECT component, weight FROM scorecard_weights")
	if err != nil {
		return nil, db.normalize(err)
	}
	out := make([]aldyn.ScorecardWeight, len(aldyn.DefaultScorecardWeights))
	copy(out, aldyn.DefaultScorecardWeights)
	if len(set) == 0 {
		return out, nil
	}
	// A component added after the weights were saved (local_assessment)
	// weighs 0 until an administrator gives it a weight: the saved
	// weights keep their sum of 1 and the scores stay as they were.
	for i := range out {
		out[i].Weight = set[out[i].Component]
	}
	return out, nil
}

// SetScorecardWeights replaces the scorecard's weights, validated (every
// bad weight reported), by a national administrator; audited.
func (db *DB) SetScorecardWeights(ctx context.Context, actor *aldyn.Actor, ws []aldyn.ScorecardWeight) error {
	// National administrators only: the country's path is "/code/".
	if !actor.Is(aldyn.RoleAdministrator) || strings.Count(actor.TerritoryPath, "/") > 2 {
		return aldyn.Errorf(aldyn.EFORBIDDEN, "error.forbidden")
	}
	if err := aldyn.ValidateScorecardWeights(ws); err != nil {
		return err
	}
	before, err := db.ScorecardWeights(ctx)
	if err != nil {
		return err
	}
	return db.Update(ctx, actor, func(tx *Tx) error {
		if _, err := tx.exec(ctx, "DELETE FROM scorecard_weights"); err != nil {
			return tx.db.normalize(err)
		}
		for _, w := range ws {
			if _, err := tx.exec(ctx, "INSERT INTO scorecard_weights (component, weight, updated_at) VALUES (?, ?, ?)", w.Component, w.Weight, tx.now); err != nil {
				return tx.db.normalize(err)
			}
		}
		return tx.Audit(ctx, aldyn.AuditUpdate, "scorecard_weights", "scorecard", "", before, ws)
	})
}

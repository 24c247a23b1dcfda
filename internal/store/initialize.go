package store

import (
	"context"

	"github.com/aldyn-kg/aldyn"
)

// Initialize starts a production instance: it creates the national body
// and its first administrator in one transaction, and only on a database
// with no bodies and no users (ECONFLICT otherwise), so that it can never
// add a second administrator behind anyone's back.
func (db *DB) Initialize(ctx context.Context, body *aldyn.Body, admin *aldyn.User) error {
	return db.updateValid(ctx, aldyn.System, body, func(tx *Tx) error {
		var bodies, users int
		if err := tx.queryRow(ctx, `SELECT (SELECT COUNT(*) FROM bodies), (SELECT COUNT(*) FROM users)`).Scan(&bodies, &users); err != nil {
			return tx.db.normalize(err)
		}
		if bodies > 0 || users > 0 {
			return aldyn.Errorf(aldyn.ECONFLICT, "init.error.initialized", "bodies", bodies, "users", users)
		}
		if err := tx.createBody(ctx, body); err != nil {
			return err
		}
		admin.BodyID = body.ID
		if err := admin.Validate(); err != nil {
			return err
		}
		return tx.createUser(ctx, aldyn.System, admin)
	})
}

package store

import "context"

// ExecForTest runs raw SQL in a transaction; tests use it to prove what
// the schema refuses.
func (tx *Tx) ExecForTest(ctx context.Context, q string) error {
	_, err := tx.exec(ctx, q)
	return err
}

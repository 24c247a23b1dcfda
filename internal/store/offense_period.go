package store

import (
	"context"
	"database/sql"
	"time"

	"github.com/aldyn-kg/aldyn"
)

// OffensePeriod returns the first day of the first month with any record
// and the first day of the month after the last one: the period the
// records cover, which statistics without a period of their own (rates
// of a territory over all records) are computed over. ok is false when
// there are no records.
func (db *DB) OffensePeriod(ctx context.Context) (from, to time.Time, ok bool, err error) {
	var first, last sql.NullInt64
	if err := db.queryRow(ctx, `SELECT MIN(year * 12 + month - 1), MAX(year * 12 + month - 1) FROM offense_monthly WHERE depth = ?`,
		aldyn.DepthCountry).Scan(&first, &last); err != nil {
		return from, to, false, db.normalize(err)
	}
	if !first.Valid {
		return from, to, false, nil
	}
	month := func(m int64) time.Time { return time.Date(int(m/12), time.Month(m%12+1), 1, 0, 0, 0, 0, time.UTC) }
	return month(first.Int64), month(last.Int64 + 1), true, nil
}

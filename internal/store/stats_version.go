package store

import (
	"context"
	"strconv"
)

// StatsVersion names the state of the data statistics answers are computed
// from: the offense imports published (read from the database, so an
// import run by another process, such as `aldyn import offenses`, counts)
// and the changes of territories, boundaries and populations committed
// through this handle. Answers computed at one version hold until it
// moves, so callers may keep them that long.
func (db *DB) StatsVersion(ctx context.Context) (string, error) {
	v, err := db.monthlyVersion(ctx)
	if err != nil {
		return "", err
	}
	return v + "/" + strconv.FormatInt(db.refGen.Load(), 10), nil
}

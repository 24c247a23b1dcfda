package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/aldyn-kg/aldyn"
)

// This file answers the analysts' side of residents' reports: the version
// of their data that cached answers are keyed by, and the staff map layer.

// ResidentsVersion names the state of the residents' reports and
// categories (and of territories, through StatsVersion's counter): changes
// committed through this handle move it at once, and changes by another
// process move the newest id or update time it reads. Answers computed at
// one version hold until it moves. Both reads are index look-ups.
func (db *DB) ResidentsVersion(ctx context.Context) (string, error) {
	var maxID sql.NullInt64
	var updated, catUpdated sql.NullString
	// Plain MAX subqueries, so each is one step down its index.
	if err := db.queryRow(ctx, `SELECT (SELECT MAX(id) FROM resident_reports), (SELECT MAX(updated_at) FROM resident_reports),
		(SELECT MAX(updated_at) FROM resident_categories)`).Scan(&maxID, &updated, &catUpdated); err != nil {
		return "", db.normalize(err)
	}
	return fmt.Sprintf("%d/%d/%d/%s/%s", db.residentGen.Load(), db.refGen.Load(), maxID.Int64, updated.String, catUpdated.String), nil
}

// ResidentStaffMapCells aggregates the reports f selects (staff filters:
// unpublished and non-public categories included) into square cells of
// size degrees inside the box (west, south, east, north), placing each
// report at its exact pin, else its public point, else its territory's
// point. It is for staff who may see the reports' pins
// (aldyn.Actor.CanSeeResident); a cell of one report names it.
func (db *DB) ResidentStaffMapCells(ctx context.Context, f aldyn.ResidentReportFilter, box [4]float64, size float64) ([]MapCell, error) {
	w := residentWhere(f)
	const lat, lon = "COALESCE(r.lat, r.pub_lat, t.lat)", "COALESCE(r.lon, r.pub_lon, t.lon)"
	w.and(lat+" >= ? AND "+lat+" <= ? AND "+lon+" >= ? AND "+lon+" <= ?", box[1], box[3], box[0], box[2])
	return db.mapCells(ctx, lat, lon, residentReportFrom, &w, size)
}

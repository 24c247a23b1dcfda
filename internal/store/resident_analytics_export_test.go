package store

import (
	"context"

	"github.com/aldyn-kg/aldyn"
)

// ResidentMapCellsSQL is the public map's cells as the database groups
// them, which the in-memory index must match.
func (db *DB) ResidentMapCellsSQL(ctx context.Context, f aldyn.ResidentReportFilter, box [4]float64, size float64) ([]MapCell, error) {
	return db.residentMapCellsSQL(ctx, f, box, size)
}

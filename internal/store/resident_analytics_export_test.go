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

// WaitResidentMapForTest starts the public map's index if it has not and
// waits until it is read.
func (db *DB) WaitResidentMapForTest(ctx context.Context) error {
	if _, err := db.ResidentMapCells(ctx, aldyn.ResidentReportFilter{}, [4]float64{}, 1); err != nil {
		return err
	}
	db.residentMap.wg.Wait()
	return nil
}

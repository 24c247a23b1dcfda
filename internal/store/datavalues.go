package store

import (
	"context"
	"database/sql"
)

// RollupRow is the sum of the accepted values of an element in one
// combination, territory and period: over every form of a body in the
// territory or below it. Reports counts those forms.
type RollupRow struct {
	Element   string
	Combo     string
	Territory string
	Period    string
	Value     float64
	Reports   int
}

// RollupFilter selects roll-up rows. Elements are codes (at least one).
// Territories keeps the rows of those territories; Parent and Level keep
// those of the territories of Level directly or indirectly under Parent
// (Parent "" for the whole country). Periods are compared as text within a
// period type: From and To are inclusive period strings of the same type.
type RollupFilter struct {
	Elements    []string
	Territories []string
	Under       string // territory path prefix
	Level       string
	From, To    string
}

// FindRollup reads the roll-up of accepted values. The elements and the
// territories are resolved first, so that the roll-up is read through its
// territory index, a few thousand rows, whatever its size.
func (db *DB) FindRollup(ctx context.Context, f RollupFilter) ([]RollupRow, error) {
	if len(f.Elements) == 0 {
		return nil, nil
	}
	var out []RollupRow
	err := db.read(ctx, func(r reader) error {
		var ew where
		ew.in("code", f.Elements)
		codes, err := scanMap[int64, string](ctx, r, "SELECT id, code FROM data_elements"+ew.String(), ew.args...)
		if err != nil {
			return err
		}
		terrs := f.Territories
		if len(terrs) == 0 {
			var tw where
			tw.pathLike(f.Under, "path")
			tw.eqText("level", f.Level)
			if terrs, err = scanColumn[string](ctx, r, "SELECT code FROM territories"+tw.String(), tw.args...); err != nil {
				return err
			}
		}
		if len(codes) == 0 || len(terrs) == 0 {
			return nil
		}
		ids := make([]int64, 0, len(codes))
		for id := range codes {
			ids = append(ids, id)
		}
		var w where
		w.in("r.territory_code", terrs)
		w.inIDs("r.element_id", ids)
		if f.From != "" {
			w.and("r.period >= ?", f.From)
		}
		if f.To != "" {
			w.and("r.period <= ?", f.To)
		}
		return scanAll(ctx, r, func(rows *sql.Rows) error {
			var x RollupRow
			var id int64
			if err := rows.Scan(&id, &x.Combo, &x.Territory, &x.Period, floatInto{&x.Value}, &x.Reports); err != nil {
				return err
			}
			x.Element = codes[id]
			out = append(out, x)
			return nil
		}, `SELECT r.element_id, r.combo, r.territory_code, r.period, r.value, r.reports FROM data_rollup r`+w.String(), w.args...)
	})
	return out, db.normalize(err)
}

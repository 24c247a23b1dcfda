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

// FindRollup reads the roll-up of accepted values.
func (db *DB) FindRollup(ctx context.Context, f RollupFilter) ([]RollupRow, error) {
	var w where
	if len(f.Elements) == 0 {
		return nil, nil
	}
	w.in("e.code", f.Elements)
	w.in("r.territory_code", f.Territories)
	w.pathLike(f.Under, "t.path")
	w.eqText("t.level", f.Level)
	if f.From != "" {
		w.and("r.period >= ?", f.From)
	}
	if f.To != "" {
		w.and("r.period <= ?", f.To)
	}
	var out []RollupRow
	err := db.read(ctx, func(r reader) error {
		return scanAll(ctx, r, func(rows *sql.Rows) error {
			var x RollupRow
			if err := rows.Scan(&x.Element, &x.Combo, &x.Territory, &x.Period, floatInto{&x.Value}, &x.Reports); err != nil {
				return err
			}
			out = append(out, x)
			return nil
		}, `SELECT e.code, r.combo, r.territory_code, r.period, r.value, r.reports
			FROM data_rollup r JOIN data_elements e ON e.id = r.element_id JOIN territories t ON t.code = r.territory_code`+w.String(), w.args...)
	})
	return out, db.normalize(err)
}

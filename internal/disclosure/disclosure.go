// Package disclosure owns the rule that keeps published figures from
// pointing at a victim: a cell, or any small area, counting sensitive
// records (aldyn.IsSensitive) is shown only when it holds at least the
// minimum cell count. The count is one installation setting, shared by
// the maps and the open data, and national administrators change it.
package disclosure

import (
	"context"
	"slices"
	"strconv"
	"strings"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/store"
)

// SettingMinCellCount is the settings key of the minimum cell count.
const SettingMinCellCount = "disclosure.min_cell_count"

// DefaultMinCellCount applies until an administrator sets another.
const DefaultMinCellCount = 5

// The minimum cell count an administrator may set: below 3 a cell would
// still name one or two victims; above 100 the maps of sensitive records
// would be empty everywhere.
const (
	LowestMinCellCount  = 3
	HighestMinCellCount = 100
)

// MinCellCount returns the minimum cell count in force.
func MinCellCount(ctx context.Context, db *store.DB) (int, error) {
	v, ok, err := db.Setting(ctx, SettingMinCellCount)
	if err != nil || !ok {
		return DefaultMinCellCount, err
	}
	k, err := strconv.Atoi(v)
	if err != nil || k < LowestMinCellCount || k > HighestMinCellCount {
		// Only SetMinCellCount writes it; anything else is not trusted to
		// protect less than the default.
		return DefaultMinCellCount, nil
	}
	return k, nil
}

// SetMinCellCount changes the minimum cell count (audited). The caller
// lets only national administrators change it.
func SetMinCellCount(ctx context.Context, db *store.DB, actor *aldyn.Actor, k int) error {
	if k < LowestMinCellCount || k > HighestMinCellCount {
		// The message names the range: 3 to 100.
		v := aldyn.Validation{}
		v.Add("min_cell_count", "stats.disclosure.error.range")
		return v.Err()
	}
	old, err := MinCellCount(ctx, db)
	if err != nil {
		return err
	}
	return db.Update(ctx, actor, func(tx *store.Tx) error {
		if err := tx.SetSetting(ctx, SettingMinCellCount, strconv.Itoa(k)); err != nil {
			return err
		}
		return tx.Audit(ctx, aldyn.AuditUpdate, "setting", SettingMinCellCount, "",
			map[string]int{"min_cell_count": old}, map[string]int{"min_cell_count": k})
	})
}

// SettingSensitiveCategories is the settings key of the categories national
// administrators mark sensitive beside those aldyn.IsSensitive names: open
// data publishes them only by region and quarter, as it does rape.
const SettingSensitiveCategories = "disclosure.sensitive_categories"

// MarkedSensitive returns the categories administrators marked sensitive,
// in aldyn.OffenseCategories order (codes no longer known are dropped).
func MarkedSensitive(ctx context.Context, db *store.DB) ([]string, error) {
	v, ok, err := db.Setting(ctx, SettingSensitiveCategories)
	if err != nil || !ok {
		return nil, err
	}
	marked := strings.Split(v, ",")
	var out []string
	for _, c := range aldyn.OffenseCategories {
		if slices.Contains(marked, c) {
			out = append(out, c)
		}
	}
	return out, nil
}

// SetMarkedSensitive replaces the categories marked sensitive (audited);
// an unknown code is refused. The caller lets only national
// administrators change them.
func SetMarkedSensitive(ctx context.Context, db *store.DB, actor *aldyn.Actor, cats []string) error {
	for _, c := range cats {
		if !slices.Contains(aldyn.OffenseCategories, c) {
			v := aldyn.Validation{}
			v.Add("sensitive", "opendata.error.category")
			return v.Err()
		}
	}
	old, err := MarkedSensitive(ctx, db)
	if err != nil {
		return err
	}
	var keep []string
	for _, c := range aldyn.OffenseCategories {
		if slices.Contains(cats, c) {
			keep = append(keep, c)
		}
	}
	return db.Update(ctx, actor, func(tx *store.Tx) error {
		if err := tx.SetSetting(ctx, SettingSensitiveCategories, strings.Join(keep, ",")); err != nil {
			return err
		}
		return tx.Audit(ctx, aldyn.AuditUpdate, "setting", SettingSensitiveCategories, "",
			map[string][]string{"sensitive_categories": old}, map[string][]string{"sensitive_categories": keep})
	})
}

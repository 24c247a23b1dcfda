package demo

import (
	"context"
	"errors"
	"fmt"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/store"
	"github.com/aldyn-kg/aldyn/internal/synth"
)

// OffensesMarker is the settings key set once the synthetic offense records
// are loaded; its value is the number of records.
const OffensesMarker = "demo.offenses"

// OffenseSeed seeds the synthetic records, so every demo has the same ones.
const OffenseSeed = 2022

// LoadOffenses loads the synthetic offense records (every one marked
// synthetic, and the import logged as such) once: scale 1 gives the
// Concept's Table 1 totals for 2019–2021 exactly; tests use less, or fewer
// years (nil: from 2019 to the last complete month before the store's
// clock says it is now; never later than that month). Records located where the demo has
// precincts are assigned to them (see demoPrecincts). It returns how many
// records were stored.
func LoadOffenses(ctx context.Context, db *store.DB, scale float64, years []int) (int64, error) {
	if _, done, err := db.Setting(ctx, OffensesMarker); err != nil || done {
		return 0, err
	}
	posts, err := ensurePrecincts(ctx, db)
	if err != nil {
		return 0, err
	}
	imp, err := db.BeginOffenseImport(ctx, aldyn.System, store.OffenseImportMeta{
		FileName: fmt.Sprintf("synthetic demo records (seed %d, scale %g)", OffenseSeed, scale), Format: "demo", Synthetic: true, CacheMiB: 64,
	})
	if err != nil {
		return 0, err
	}
	const batchSize = 5000
	batch := make([]aldyn.Offense, 0, batchSize)
	all, until := synth.YearsUntil(db.Now())
	if years == nil {
		years = all
	}
	sum, err := synth.Generate(ctx, synth.Config{Seed: OffenseSeed, Scale: scale, Years: years, Until: until}, nil, func(o *aldyn.Offense) error {
		if ps := posts[o.TerritoryCode]; len(ps) > 0 && o.Lat != nil {
			o.PrecinctCode = nearestPost(ps, *o.Lat, *o.Lon)
		}
		batch = append(batch, *o)
		if len(batch) == batchSize {
			err := imp.Add(ctx, batch)
			batch = batch[:0]
			return err
		}
		return nil
	})
	if err == nil && len(batch) > 0 {
		err = imp.Add(ctx, batch)
	}
	if err == nil {
		err = imp.Commit(ctx, store.OffenseImportCounts{RowsRead: int64(sum.Records), Accepted: int64(sum.Records)})
	}
	if err != nil {
		return 0, errors.Join(fmt.Errorf("synthetic offenses: %w", err), imp.Rollback(ctx, err.Error()))
	}
	n, _ := imp.Inserted()
	err = db.Update(ctx, aldyn.System, func(tx *store.Tx) error { return tx.SetSetting(ctx, OffensesMarker, fmt.Sprint(n)) })
	return n, err
}

package demo

import (
	"context"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/opendata"
	"github.com/aldyn-kg/aldyn/internal/store"
)

// PublishOpenData publishes, under the default licence, every registered
// open dataset no administrator has decided about yet, so a visitor of the
// demo finds the catalogue filled; a dataset an administrator withdrew
// stays withdrawn.
func PublishOpenData(ctx context.Context, db *store.DB) error {
	set, err := db.OpenDatasetSettings(ctx)
	if err != nil {
		return err
	}
	for _, d := range opendata.Datasets() {
		if _, decided := set[d.Slug]; decided {
			continue
		}
		s := &aldyn.OpenDatasetSettings{Slug: d.Slug, Published: true, Licence: aldyn.DefaultLicence}
		if err := db.SaveOpenDatasetSettings(ctx, aldyn.System, s); err != nil {
			return err
		}
	}
	return nil
}

package demo_test

import (
	"context"
	"testing"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/demo"
	"github.com/aldyn-kg/aldyn/internal/opendata"
	"github.com/aldyn-kg/aldyn/internal/store/storetest"
)

// The demo publishes every registered dataset once; a dataset an
// administrator withdrew is not published again by the next start.
func TestPublishOpenData(t *testing.T) {
	ctx := context.Background()
	db := storetest.MustOpenDB(t)
	if err := demo.PublishOpenData(ctx, db); err != nil {
		t.Fatal(err)
	}
	set, err := db.OpenDatasetSettings(ctx)
	if err != nil {
		t.Fatal(err)
	}
	ds := opendata.Datasets()
	if len(ds) == 0 {
		t.Fatal("no dataset registered")
	}
	for _, d := range ds {
		if s, ok := set[d.Slug]; !ok || !s.Published || s.Licence != aldyn.DefaultLicence {
			t.Errorf("%s: got %+v, want published under %s", d.Slug, s, aldyn.DefaultLicence)
		}
	}
	withdrawn := &aldyn.OpenDatasetSettings{Slug: ds[0].Slug, Published: false, Licence: aldyn.DefaultLicence}
	if err := db.SaveOpenDatasetSettings(ctx, aldyn.System, withdrawn); err != nil {
		t.Fatal(err)
	}
	if err := demo.PublishOpenData(ctx, db); err != nil {
		t.Fatal(err)
	}
	if set, err = db.OpenDatasetSettings(ctx); err != nil {
		t.Fatal(err)
	}
	if set[ds[0].Slug].Published {
		t.Errorf("%s: published again after an administrator withdrew it", ds[0].Slug)
	}
}

package store_test

import (
	"context"
	"testing"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/store"
)

// TestStatsVersion: the version statistics answers are kept by moves when
// an import is published and when territories or populations change, and
// stays put for an import rolled back and for reading.
func TestStatsVersion(t *testing.T) {
	ctx := context.Background()
	w := MustOffenseWorld(t)
	db := w.db
	version := func() string {
		t.Helper()
		v, err := db.StatsVersion(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	importRecords := func(prefix string, commit bool) {
		t.Helper()
		imp, err := db.BeginOffenseImport(ctx, aldyn.System, store.OffenseImportMeta{FileName: prefix + ".csv"})
		if err != nil {
			t.Fatal(err)
		}
		if err := imp.Add(ctx, w.MustOffenses(t, prefix, 50)); err != nil {
			t.Fatal(err)
		}
		if commit {
			err = imp.Commit(ctx, store.OffenseImportCounts{})
		} else {
			err = imp.Rollback(ctx, "test")
		}
		if err != nil {
			t.Fatal(err)
		}
	}

	v0 := version()
	if _, _, err := db.FindTerritories(ctx, aldyn.TerritoryFilter{}); err != nil {
		t.Fatal(err)
	}
	if v := version(); v != v0 {
		t.Errorf("after a read: %q, want %q unchanged", v, v0)
	}
	importRecords("rolled-back", false)
	if v := version(); v != v0 {
		t.Errorf("after an import rolled back: %q, want %q unchanged", v, v0)
	}
	importRecords("published", true)
	v1 := version()
	if v1 == v0 {
		t.Errorf("after an import published: still %q, want it moved", v1)
	}
	if _, err := db.ImportPopulations(ctx, aldyn.System, []aldyn.Population{{TerritoryCode: "41708203000000", Year: 2024, Population: 123456}}, []int{2}); err != nil {
		t.Fatal(err)
	}
	v2 := version()
	if v2 == v1 {
		t.Errorf("after a population import: still %q, want it moved", v2)
	}
	p := &aldyn.Territory{Code: "41708203000000-Z9", ParentCode: "41708203000000", NameKy: "Z9", NameRu: "Z9", NameEn: "Z9"}
	if err := db.CreatePrecinct(ctx, aldyn.System, p, nil); err != nil {
		t.Fatal(err)
	}
	if v := version(); v == v2 {
		t.Errorf("after a new precinct: still %q, want it moved", v)
	}
}

package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/store/storetest"
)

func TestOpenDatasetSettingsAndVersions(t *testing.T) {
	ctx := context.Background()
	db := storetest.MustOpenDB(t)
	// A licence not offered is refused, and nothing is stored.
	bad := &aldyn.OpenDatasetSettings{Slug: "x", Published: true, Licence: "GPL-3.0"}
	var e *aldyn.Error
	if err := db.SaveOpenDatasetSettings(ctx, aldyn.System, bad); !errors.As(err, &e) || e.Fields["licence"] == "" {
		t.Fatalf("bad licence: got %v, want a licence error", err)
	}
	if m, err := db.OpenDatasetSettings(ctx); err != nil || len(m) != 0 {
		t.Fatalf("after a refused save: %v %v", m, err)
	}
	s := &aldyn.OpenDatasetSettings{Slug: "x", Published: true, Licence: "CC0-1.0"}
	if err := db.SaveOpenDatasetSettings(ctx, aldyn.System, s); err != nil {
		t.Fatal(err)
	}
	s.Published = false
	if err := db.SaveOpenDatasetSettings(ctx, aldyn.System, s); err != nil {
		t.Fatal(err)
	}
	m, err := db.OpenDatasetSettings(ctx)
	if err != nil || m["x"].Published || m["x"].Licence != "CC0-1.0" {
		t.Fatalf("settings: %+v %v", m, err)
	}
	entity := "open_dataset"
	entries, _, err := db.FindAuditEntries(ctx, aldyn.AuditFilter{Entity: &entity, Under: "/"})
	if err != nil || len(entries) != 2 {
		t.Fatalf("audit of publications: %d %v", len(entries), err)
	}

	// Builds: a new version when the content changes, the same version
	// (built again) when it does not.
	v := &aldyn.OpenDatasetVersion{Slug: "x", SourceVersion: "1", Checksum: "aa", Rows: 10, Suppressed: 2}
	if err := db.RecordOpenDatasetBuild(ctx, v); err != nil || v.Version != 1 {
		t.Fatalf("first build: version %d, %v", v.Version, err)
	}
	again := &aldyn.OpenDatasetVersion{Slug: "x", SourceVersion: "2", Checksum: "aa", Rows: 10, Suppressed: 2}
	if err := db.RecordOpenDatasetBuild(ctx, again); err != nil || again.Version != 1 || !again.CreatedAt.Truncate(time.Millisecond).Equal(v.CreatedAt.Truncate(time.Millisecond)) {
		t.Fatalf("same content: version %d created %v, want 1 and %v (%v)", again.Version, again.CreatedAt, v.CreatedAt, err)
	}
	changed := &aldyn.OpenDatasetVersion{Slug: "x", SourceVersion: "3", Checksum: "bb", Rows: 11, Suppressed: 1}
	if err := db.RecordOpenDatasetBuild(ctx, changed); err != nil || changed.Version != 2 {
		t.Fatalf("changed content: version %d, %v", changed.Version, err)
	}
	vs, err := db.OpenDatasetVersions(ctx, "x")
	if err != nil || len(vs) != 2 || vs[0].Version != 2 || vs[1].SourceVersion != "2" || vs[0].Rows != 11 {
		t.Fatalf("versions: %+v %v", vs, err)
	}
	if w1, err := db.WritesVersion(ctx); err != nil || w1 == "0" {
		t.Fatalf("writes version %q %v", w1, err)
	}
}

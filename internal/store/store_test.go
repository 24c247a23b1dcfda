package store_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/store"
	"github.com/aldyn-kg/aldyn/internal/store/storetest"
)

func TestSeedReference(t *testing.T) {
	db := storetest.MustOpenDB(t)
	ctx := context.Background()
	ts, total, err := db.FindTerritories(ctx, aldyn.TerritoryFilter{Page: aldyn.Page{Limit: 500}})
	if err != nil {
		t.Fatal(err)
	}
	if total != 66 || len(ts) != 66 {
		t.Fatalf("got %d territories (total %d), want 66", len(ts), total)
	}
	chui, err := db.FindTerritoryByCode(ctx, "41708203000000")
	if err != nil {
		t.Fatal(err)
	}
	if want := "/41700000000000/41708000000000/41708203000000/"; chui.Path != want {
		t.Errorf("got path %q, want %q", chui.Path, want)
	}
	if chui.Population == nil || *chui.Population != 188484 || *chui.PopulationYear != 2021 {
		t.Errorf("got population %v/%v, want 188484 in 2021", chui.Population, chui.PopulationYear)
	}
	// Seeding again changes nothing.
	if err := db.SeedReference(ctx); err != nil {
		t.Fatal(err)
	}
	bs, err := db.FindBoundaries(ctx, "/")
	if err != nil {
		t.Fatal(err)
	}
	if len(bs) != 8 {
		t.Errorf("got %d boundaries, want 8", len(bs))
	}
	found, _, err := db.FindTerritories(ctx, aldyn.TerritoryFilter{Query: "ЧҮЙ"})
	if err != nil {
		t.Fatal(err)
	}
	if len(found) == 0 {
		t.Errorf("search for ЧҮЙ found nothing")
	}
}

func TestAuditLogIsAppendOnly(t *testing.T) {
	db := storetest.MustOpenDB(t)
	ctx := context.Background()
	b := &aldyn.Body{TerritoryCode: "41708203000000", Type: "police", NameKy: "Аламүдүн РИИБ", NameRu: "Аламудинский РОВД", NameEn: "Alamüdün District Police"}
	if err := db.CreateBody(ctx, aldyn.System, b); err != nil {
		t.Fatal(err)
	}
	entries, n, err := db.FindAuditEntries(ctx, aldyn.AuditFilter{})
	if err != nil || n != 1 {
		t.Fatalf("got %d entries, err %v; want 1", n, err)
	}
	if entries[0].Action != aldyn.AuditCreate || entries[0].Entity != "body" {
		t.Errorf("got %+v", entries[0])
	}
	for _, q := range []string{"UPDATE audit_log SET actor = 'x'", "DELETE FROM audit_log"} {
		err := db.Update(ctx, aldyn.System, func(tx *store.Tx) error { return tx.ExecForTest(ctx, q) })
		if err == nil {
			t.Errorf("%s: got no error, want the append-only trigger to refuse it", q)
		}
	}
}

// migrationBackFill returns the INSERT and SET statements of the up
// migration of dialect named name (its file name past the version): the
// statements that fill a new table from existing rows, for tests to run
// again over data written since.
func migrationBackFill(tb testing.TB, dialect, name string) []string {
	tb.Helper()
	files, err := filepath.Glob("migrations/" + dialect + "/*_" + name + ".sql")
	if err != nil || len(files) != 1 {
		tb.Fatalf("migration %s of %s: %v %v", name, dialect, files, err)
	}
	up, err := os.ReadFile(files[0])
	if err != nil {
		tb.Fatal(err)
	}
	var stmts []string
	for _, q := range strings.Split(strings.SplitN(string(up), "-- +goose Down", 2)[0], ";\n") {
		var lines []string
		for _, l := range strings.Split(q, "\n") {
			if !strings.HasPrefix(l, "--") {
				lines = append(lines, l)
			}
		}
		if q := strings.TrimSpace(strings.Join(lines, "\n")); strings.HasPrefix(q, "INSERT") || strings.HasPrefix(q, "SET") {
			stmts = append(stmts, q)
		}
	}
	return stmts
}

// TestSeedPopulations: every oblast-level unit has a figure of 2021 or
// later with its citation, and a database seeded from an older table gets
// the missing figures and citations at its next start, keeping what an
// administrator imported.
func TestSeedPopulations(t *testing.T) {
	db := storetest.MustOpenDB(t)
	ctx := context.Background()
	all, err := db.AllPopulations(ctx)
	if err != nil {
		t.Fatal(err)
	}
	regions, _, err := db.FindTerritories(ctx, aldyn.TerritoryFilter{Level: ptr(aldyn.LevelRegion), Page: aldyn.Page{Limit: 50}})
	if err != nil || len(regions) != 9 {
		t.Fatalf("got %d oblast-level units (%v), want 9", len(regions), err)
	}
	for _, r := range regions {
		p, _, ok := aldyn.PopulationFor(all[r.Code], 2025)
		if !ok || p.Year < 2021 || p.Citation == "" {
			t.Errorf("%s: 2025 divides by %+v, want a figure of 2021 or later with a citation", r.Slug, p)
		}
	}
	const bishkek = "41711000000000"
	err = db.Update(ctx, aldyn.System, func(tx *store.Tx) error {
		if err := tx.ExecForTest(ctx, `DELETE FROM territory_populations WHERE territory_code = '`+bishkek+`' AND year = 2023`); err != nil {
			return err
		}
		if err := tx.ExecForTest(ctx, `UPDATE territory_populations SET citation = '' WHERE territory_code = '`+bishkek+`'`); err != nil {
			return err
		}
		return tx.ExecForTest(ctx, `UPDATE territory_populations SET population = 900000, source = 'imported', citation = '' WHERE territory_code = '`+bishkek+`' AND year = 2021`)
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.SeedReference(ctx); err != nil {
		t.Fatal(err)
	}
	pops, err := db.Populations(ctx, bishkek)
	if err != nil {
		t.Fatal(err)
	}
	byYear := map[int]aldyn.Population{}
	for _, p := range pops {
		byYear[p.Year] = p
	}
	if p := byYear[2023]; p.Population == 0 || p.Citation == "" {
		t.Errorf("2023 after a restart: %+v, want the embedded figure back with its citation", p)
	}
	if p := byYear[2009]; p.Citation != "National census 2009 (NSC KR)" {
		t.Errorf("2009 citation %q, want it restored", p.Citation)
	}
	if p := byYear[2021]; p.Population != 900000 || p.Citation != "" {
		t.Errorf("imported 2021 figure became %+v, want it kept", p)
	}
}

func ptr[T any](v T) *T { return &v }

// MustAuditTrail returns the audit entries f selects, oldest first, and
// fails unless there are want of them.
func MustAuditTrail(tb testing.TB, db *store.DB, f aldyn.AuditFilter, want int) []*aldyn.AuditEntry {
	tb.Helper()
	f.Page = aldyn.Page{Sort: "at"}
	es, n, err := db.FindAuditEntries(context.Background(), f)
	if err != nil {
		tb.Fatal(err)
	}
	if n != want {
		tb.Fatalf("got %d audit entries, want %d", n, want)
	}
	return es
}

// auditValues are the values an audit entry records before and after its
// change.
func auditValues(e *aldyn.AuditEntry) (before, after map[string]any) {
	json.Unmarshal(e.Before, &before)
	json.Unmarshal(e.After, &after)
	return before, after
}

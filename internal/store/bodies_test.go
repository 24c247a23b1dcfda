package store_test

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/store"
	"github.com/aldyn-kg/aldyn/internal/store/storetest"
	"github.com/aldyn-kg/aldyn/internal/territories"
)

const alamudun, suzak = "41708203000000", "41703220000000"

func mustBody(tb testing.TB, db *store.DB, code, name string) *aldyn.Body {
	tb.Helper()
	b := &aldyn.Body{TerritoryCode: code, Type: "police", NameKy: name, NameRu: name + " (ru)", NameEn: name + " (en)", ContactPerson: "Duty"}
	if err := db.CreateBody(context.Background(), aldyn.System, b); err != nil {
		tb.Fatal(err)
	}
	return b
}

func TestBodyLifecycleIsAudited(t *testing.T) {
	db := storetest.MustOpenDB(t)
	ctx := context.Background()
	b := mustBody(t, db, alamudun, "Аламүдүн ИИБ")
	upd := *b
	upd.NameEn, upd.Phone = "Alamüdün District Police", "+996 312 55 55 55"
	if err := db.UpdateBody(ctx, aldyn.System, b.ID, &upd); err != nil {
		t.Fatal(err)
	}
	got, err := db.FindBodyByID(ctx, b.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.NameEn != upd.NameEn || got.Phone != upd.Phone || got.Territory.Code != alamudun {
		t.Errorf("got %+v", got)
	}
	if err := db.DeleteBody(ctx, aldyn.System, b.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := db.FindBodyByID(ctx, b.ID); aldyn.ErrorCode(err) != aldyn.ENOTFOUND {
		t.Errorf("after delete: got %v, want not found", err)
	}
	es := MustAuditTrail(t, db, aldyn.AuditFilter{}, 3)
	before, after := auditValues(es[1])
	if es[1].Action != aldyn.AuditUpdate || before["name_en"] != "Аламүдүн ИИБ (en)" || after["name_en"] != "Alamüdün District Police" {
		t.Errorf("update entry: %s before=%v after=%v", es[1].Action, before, after)
	}
	if es[2].Action != aldyn.AuditDelete || es[2].After != nil {
		t.Errorf("delete entry: %+v", es[2])
	}
}

func TestBodyScope(t *testing.T) {
	db := storetest.MustOpenDB(t)
	ctx := context.Background()
	b := mustBody(t, db, alamudun, "A")
	adminA := &aldyn.Actor{UserID: 99, Login: "a", Role: aldyn.RoleAdministrator, TerritoryPath: "/41700000000000/41708000000000/41708203000000/"}
	other := &aldyn.Body{TerritoryCode: suzak, Type: "ngo", NameKy: "x", NameRu: "x", NameEn: "x"}
	if err := db.CreateBody(ctx, adminA, other); aldyn.ErrorCode(err) != aldyn.EFORBIDDEN {
		t.Errorf("create out of scope: got %v, want forbidden", err)
	}
	moved := *b
	moved.TerritoryCode = suzak
	if err := db.UpdateBody(ctx, adminA, b.ID, &moved); aldyn.ErrorCode(err) != aldyn.EFORBIDDEN {
		t.Errorf("move out of scope: got %v, want forbidden", err)
	}
	analyst := *adminA
	analyst.Role = aldyn.RoleAnalyst
	if err := db.DeleteBody(ctx, &analyst, b.ID); aldyn.ErrorCode(err) != aldyn.EFORBIDDEN {
		t.Errorf("analyst delete: got %v, want forbidden", err)
	}
	found, total, err := db.FindBodies(ctx, aldyn.BodyFilter{Query: "(EN)"})
	if err != nil || total != 1 || found[0].ID != b.ID {
		t.Errorf("search: got %d %v", total, err)
	}
}

func TestImportPopulations(t *testing.T) {
	db := storetest.MustOpenDB(t)
	ctx := context.Background()
	adminChui := &aldyn.Actor{UserID: 1, Login: "c", Role: aldyn.RoleAdministrator, TerritoryPath: "/41700000000000/41708000000000/"}
	ps := []aldyn.Population{
		{TerritoryCode: alamudun, Year: 2024, Population: 200000, Source: "NSC"},
		{TerritoryCode: suzak, Year: 2024, Population: 320000, Source: "NSC"},
		{TerritoryCode: "41799999000000", Year: 2024, Population: 1, Source: "NSC"},
	}
	rep, err := db.ImportPopulations(ctx, adminChui, ps, []int{2, 3, 4})
	if err != nil {
		t.Fatal(err)
	}
	want := &store.ImportReport{Matched: 1, Changed: 1, Unmatched: []territories.Issue{
		{Row: 3, Column: "territory_code", Reason: "import.error.out_of_scope", Value: suzak},
		{Row: 4, Column: "territory_code", Reason: "territory.error.not_found", Value: "41799999000000"}}}
	if !reflect.DeepEqual(rep, want) {
		t.Errorf("got %+v, want %+v", rep, want)
	}
	_, audit0, _ := db.FindAuditEntries(ctx, aldyn.AuditFilter{})
	rep, err = db.ImportPopulations(ctx, adminChui, ps, []int{2, 3, 4})
	if err != nil || rep.Changed != 0 || rep.Unchanged != 1 {
		t.Errorf("re-import: got %+v %v, want nothing changed", rep, err)
	}
	if _, audit1, _ := db.FindAuditEntries(ctx, aldyn.AuditFilter{}); audit1 != audit0 {
		t.Errorf("re-import wrote %d audit entries", audit1-audit0)
	}
	pops, _ := db.Populations(ctx, alamudun)
	p, exact, ok := aldyn.PopulationFor(pops, 2025)
	if !ok || exact || p.Year != 2024 || p.Population != 200000 {
		t.Errorf("population for 2025: got %+v exact=%v, want 2024's figure", p, exact)
	}
}

func TestBackupRestoreYieldsIdenticalData(t *testing.T) {
	if os.Getenv(storetest.PostgresEnv) != "" {
		t.Log("backup copies the embedded SQLite database; checked in the SQLite run")
	}
	ctx := context.Background()
	dir := t.TempDir()
	db, err := store.Open(ctx, filepath.Join(dir, "a", "aldyn.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.SeedReference(ctx); err != nil {
		t.Fatal(err)
	}
	for i, code := range []string{alamudun, suzak} {
		mustBody(t, db, code, "Орган "+string(rune('A'+i)))
	}
	backup := filepath.Join(dir, "backup.tar.gz")
	if _, err := db.Backup(ctx, backup, filepath.Join(dir, "a", "evidence")); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Backup(ctx, backup, filepath.Join(dir, "a", "evidence")); err == nil {
		t.Error("second backup to the same file: got no error")
	}
	restored := filepath.Join(dir, "b", "aldyn.db")
	if _, err := store.Restore(ctx, backup, restored, filepath.Join(dir, "b", "evidence"), false); err != nil {
		t.Fatal(err)
	}
	if _, err := store.Restore(ctx, backup, restored, filepath.Join(dir, "b", "evidence"), false); err == nil {
		t.Error("restore over an existing database without force: got no error")
	}
	db2, err := store.Open(ctx, restored)
	if err != nil {
		t.Fatal(err)
	}
	defer db2.Close()
	dump := func(db *store.DB) []any {
		bs, _, err := db.FindBodies(ctx, aldyn.BodyFilter{Page: aldyn.Page{Limit: 500, Sort: "id"}})
		if err != nil {
			t.Fatal(err)
		}
		ts, _, err := db.FindTerritories(ctx, aldyn.TerritoryFilter{Page: aldyn.Page{Limit: 500}})
		if err != nil {
			t.Fatal(err)
		}
		es, _, err := db.FindAuditEntries(ctx, aldyn.AuditFilter{Page: aldyn.Page{Limit: 500}})
		if err != nil {
			t.Fatal(err)
		}
		return []any{bs, ts, es}
	}
	if a, b := dump(db), dump(db2); !reflect.DeepEqual(a, b) {
		t.Errorf("restored data differs from the original")
	}
}

// TestFindBodiesByIDs finds the listed bodies in one query, and none for
// an empty list.
func TestFindBodiesByIDs(t *testing.T) {
	db := storetest.MustOpenDB(t)
	ctx := context.Background()
	a := mustBody(t, db, alamudun, "Биринчи")
	mustBody(t, db, alamudun, "Экинчи")
	c := mustBody(t, db, alamudun, "Үчүнчү")
	bs, n, err := db.FindBodies(ctx, aldyn.BodyFilter{IDs: []int64{c.ID, a.ID, 999999}, Page: aldyn.Page{Sort: "id"}})
	if err != nil {
		t.Fatal(err)
	}
	if n != 2 || len(bs) != 2 || bs[0].ID != a.ID || bs[1].ID != c.ID {
		t.Errorf("got %d bodies (total %d), want %d and %d", len(bs), n, a.ID, c.ID)
	}
	if bs, n, err := db.FindBodies(ctx, aldyn.BodyFilter{IDs: []int64{}}); err != nil || n != 0 || len(bs) != 0 {
		t.Errorf("empty list: got %d bodies (total %d, %v), want none", len(bs), n, err)
	}
}

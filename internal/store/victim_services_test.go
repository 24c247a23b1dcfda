package store_test

import (
	"context"
	"slices"
	"testing"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/store"
	"github.com/aldyn-kg/aldyn/internal/store/storetest"
)

const vsCountry, vsChui = "41700000000000", "41708000000000"

func victimService(code, kind, name string) *aldyn.VictimService {
	return &aldyn.VictimService{TerritoryCode: code, Kind: kind, Name: aldyn.Text{KY: name + " ky", RU: name + " ru", EN: name + " en"},
		Phones: []string{"+996 312 000 201"}, Serves: []string{"women", "children"}, Free: true, Active: true}
}

func mustVictimService(tb testing.TB, db *store.DB, code, kind, name string) *aldyn.VictimService {
	tb.Helper()
	v := victimService(code, kind, name)
	if err := db.CreateVictimService(context.Background(), aldyn.System, v); err != nil {
		tb.Fatal(err)
	}
	return v
}

func names(vs []*aldyn.VictimService) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = v.Name.EN
	}
	return out
}

func mustActor(tb testing.TB, db *store.DB, role, code string) *aldyn.Actor {
	tb.Helper()
	t, err := db.FindTerritoryByCode(context.Background(), code)
	if err != nil {
		tb.Fatal(err)
	}
	return &aldyn.Actor{Login: role + code, Role: role, TerritoryCode: code, TerritoryPath: t.Path}
}

func TestFindVictimServicesForTerritory(t *testing.T) {
	db := storetest.MustOpenDB(t)
	ctx := context.Background()
	mustVictimService(t, db, vsCountry, "hotline", "National hotline")
	mustVictimService(t, db, vsChui, "crisis_centre", "Chui crisis centre")
	mustVictimService(t, db, alamudun, "shelter", "Alamudun shelter")
	mustVictimService(t, db, suzak, "legal_aid", "Suzak legal aid")
	retired := victimService(alamudun, "legal_aid", "Alamudun retired")
	retired.Active = false
	if err := db.CreateVictimService(ctx, aldyn.System, retired); err != nil {
		t.Fatal(err)
	}
	al, err := db.FindTerritoryByCode(ctx, alamudun)
	if err != nil {
		t.Fatal(err)
	}
	ch, err := db.FindTerritoryByCode(ctx, vsChui)
	if err != nil {
		t.Fatal(err)
	}
	shelter := "shelter"
	for _, c := range []struct {
		name string
		f    aldyn.VictimServiceFilter
		want []string
	}{
		// The district's own first, then the region's, then the country's.
		{"district with its ancestors", aldyn.VictimServiceFilter{For: al.Path, ActiveOnly: true},
			[]string{"Alamudun shelter en", "Chui crisis centre en", "National hotline en"}},
		{"retired included", aldyn.VictimServiceFilter{For: al.Path},
			[]string{"Alamudun retired en", "Alamudun shelter en", "Chui crisis centre en", "National hotline en"}},
		// A region: its own, the country's and its districts'.
		{"region with what lies below", aldyn.VictimServiceFilter{For: ch.Path, ActiveOnly: true},
			[]string{"Alamudun shelter en", "Chui crisis centre en", "National hotline en"}},
		{"kind", aldyn.VictimServiceFilter{For: al.Path, Kind: &shelter}, []string{"Alamudun shelter en"}},
		{"under", aldyn.VictimServiceFilter{Under: ch.Path, Page: aldyn.Page{Sort: "name_en"}},
			[]string{"Alamudun retired en", "Alamudun shelter en", "Chui crisis centre en"}},
		{"search", aldyn.VictimServiceFilter{Query: "SUZAK"}, []string{"Suzak legal aid en"}},
		{"sorted by name, descending", aldyn.VictimServiceFilter{ActiveOnly: true, Page: aldyn.Page{Sort: "name_en", Desc: true}},
			[]string{"Suzak legal aid en", "National hotline en", "Chui crisis centre en", "Alamudun shelter en"}},
		{"paged", aldyn.VictimServiceFilter{ActiveOnly: true, Page: aldyn.Page{Sort: "name_en", Limit: 2, Offset: 2}},
			[]string{"National hotline en", "Suzak legal aid en"}},
		{"public scope matches nothing", aldyn.VictimServiceFilter{For: aldyn.Public.ScopeUnder()}, []string{}},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, total, err := db.FindVictimServices(ctx, c.f)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(names(got), c.want) {
				t.Errorf("got %v, want %v", names(got), c.want)
			}
			if c.f.Limit == 0 && total != len(c.want) {
				t.Errorf("got total %d, want %d", total, len(c.want))
			}
			if c.name == "paged" && total != 4 {
				t.Errorf("got total %d, want 4", total)
			}
		})
	}
}

func TestVictimServiceLifecycleIsAuditedAndScoped(t *testing.T) {
	db := storetest.MustOpenDB(t)
	ctx := context.Background()
	coordA := mustActor(t, db, aldyn.RoleCoordinator, alamudun)
	analystA := mustActor(t, db, aldyn.RoleAnalyst, alamudun)
	nationalAdmin := mustActor(t, db, aldyn.RoleAdministrator, vsCountry)

	v := victimService(alamudun, "shelter", "Shelter")
	la, lo := 42.88, 74.69
	v.Lat, v.Lon = &la, &lo
	if err := db.CreateVictimService(ctx, coordA, v); err != nil {
		t.Fatal(err)
	}
	got, err := db.FindVictimServiceByID(ctx, v.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Name != v.Name || !slices.Equal(got.Phones, v.Phones) || !slices.Equal(got.Serves, v.Serves) || *got.Lat != la || !got.Free || !got.Active ||
		got.Territory.Code != alamudun {
		t.Errorf("got %+v, want %+v", got, v)
	}

	// Another district, a national service, an analyst: refused.
	for _, c := range []struct {
		name  string
		actor *aldyn.Actor
		code  string
	}{{"coordinator elsewhere", coordA, suzak}, {"coordinator above", coordA, vsCountry}, {"analyst", analystA, alamudun}} {
		if err := db.CreateVictimService(ctx, c.actor, victimService(c.code, "hotline", "Refused")); aldyn.ErrorCode(err) != aldyn.EFORBIDDEN {
			t.Errorf("%s: got %v, want forbidden", c.name, err)
		}
	}
	// Moving A's service to B is refused to A's coordinator, allowed to
	// the national administrator.
	moved := *got
	moved.TerritoryCode = suzak
	if err := db.UpdateVictimService(ctx, coordA, v.ID, &moved); aldyn.ErrorCode(err) != aldyn.EFORBIDDEN {
		t.Errorf("move by coordinator A: got %v, want forbidden", err)
	}
	if err := db.UpdateVictimService(ctx, analystA, v.ID, got); aldyn.ErrorCode(err) != aldyn.EFORBIDDEN {
		t.Errorf("update by analyst: got %v, want forbidden", err)
	}
	upd := *got
	upd.Hours, upd.Phones = "24/7", []string{"+996 312 000 202", "+996 555 000 203"}
	if err := db.UpdateVictimService(ctx, coordA, v.ID, &upd); err != nil {
		t.Fatal(err)
	}
	if err := db.UpdateVictimService(ctx, nationalAdmin, v.ID, &moved); err != nil {
		t.Fatal(err)
	}
	if err := db.DeleteVictimService(ctx, coordA, v.ID); aldyn.ErrorCode(err) != aldyn.EFORBIDDEN {
		t.Errorf("delete by coordinator A after the move: got %v, want forbidden", err)
	}
	if err := db.DeleteVictimService(ctx, nationalAdmin, v.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := db.FindVictimServiceByID(ctx, v.ID); aldyn.ErrorCode(err) != aldyn.ENOTFOUND {
		t.Errorf("after delete: got %v, want not found", err)
	}
	bad := victimService("41799999999999", "shelter", "Nowhere")
	if err := db.CreateVictimService(ctx, aldyn.System, bad); aldyn.ErrorCode(err) != aldyn.EINVALID {
		t.Errorf("unknown territory: got %v, want invalid", err)
	}

	entity := "victim_service"
	es := MustAuditTrail(t, db, aldyn.AuditFilter{Entity: &entity}, 4) // create, two updates, delete
	before, after := auditValues(es[1])
	if es[1].Action != aldyn.AuditUpdate || before["hours"] != "" || after["hours"] != "24/7" || es[1].Actor != "coordinator"+alamudun {
		t.Errorf("update entry: got %s %v → %v", es[1].Action, before, after)
	}
	if es[3].Action != aldyn.AuditDelete || es[3].TerritoryCode != suzak {
		t.Errorf("delete entry: got %+v", es[3])
	}
}

func TestImportVictimServicesMatchesByNameAndTerritory(t *testing.T) {
	db := storetest.MustOpenDB(t)
	ctx := context.Background()
	coordA := mustActor(t, db, aldyn.RoleCoordinator, alamudun)
	rows := func() []*aldyn.VictimService {
		a := victimService(alamudun, "shelter", "Shelter")
		b := victimService(alamudun, "hotline", "Hotline")
		return []*aldyn.VictimService{a, b}
	}
	res, err := db.ImportVictimServices(ctx, coordA, rows(), []int{2, 3})
	if err != nil {
		t.Fatal(err)
	}
	if res != (store.VictimServiceImport{Created: 2}) {
		t.Errorf("first import: got %+v", res)
	}
	// The same file again changes nothing, not even the audit trail.
	entity := "victim_service"
	_, before, _ := db.FindAuditEntries(ctx, aldyn.AuditFilter{Entity: &entity})
	res, err = db.ImportVictimServices(ctx, coordA, rows(), []int{2, 3})
	if err != nil {
		t.Fatal(err)
	}
	if res != (store.VictimServiceImport{Unchanged: 2}) {
		t.Errorf("re-import: got %+v", res)
	}
	_, after, _ := db.FindAuditEntries(ctx, aldyn.AuditFilter{Entity: &entity})
	if after != before {
		t.Errorf("re-import wrote %d audit entries", after-before)
	}
	// A changed row updates the service its name names (the name in
	// another case, with other spaces).
	rs := rows()
	rs[0].Name.RU = "  SHELTER   RU "
	rs[0].Hours = "9:00–18:00"
	res, err = db.ImportVictimServices(ctx, coordA, rs, []int{2, 3})
	if err != nil {
		t.Fatal(err)
	}
	if res != (store.VictimServiceImport{Updated: 1, Unchanged: 1}) {
		t.Errorf("changed import: got %+v", res)
	}
	all, total, err := db.FindVictimServices(ctx, aldyn.VictimServiceFilter{})
	if err != nil || total != 2 {
		t.Fatalf("got %d services (%v), want 2", total, err)
	}
	// A row out of scope refuses the whole file: nothing is written.
	rs = rows()
	rs = append(rs, victimService(alamudun, "legal_aid", "New in A"), victimService(suzak, "legal_aid", "In B"))
	_, err = db.ImportVictimServices(ctx, coordA, rs, []int{2, 3, 4, 5})
	var re *store.VictimServiceRowError
	if !asRowError(err, &re) || re.Row != 5 || aldyn.ErrorCode(err) != aldyn.EFORBIDDEN {
		t.Errorf("out of scope: got %v, want forbidden at row 5", err)
	}
	if _, n, _ := db.FindVictimServices(ctx, aldyn.VictimServiceFilter{}); n != 2 {
		t.Errorf("after a refused import: got %d services, want 2", n)
	}
	_ = all
}

func asRowError(err error, p **store.VictimServiceRowError) bool {
	e, ok := err.(*store.VictimServiceRowError)
	if ok {
		*p = e
	}
	return ok
}

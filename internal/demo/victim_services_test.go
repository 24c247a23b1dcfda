package demo_test

import (
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/demo"
	"github.com/aldyn-kg/aldyn/internal/residents"
	"github.com/aldyn-kg/aldyn/internal/store/storetest"
)

// TestLoadVictimServices: the demo directory is loaded once, every entry
// marked demo in its flag and in its name in each language, with numbers
// in the demo's 000 range only.
func TestLoadVictimServices(t *testing.T) {
	db := storetest.MustOpenDB(t)
	ctx := context.Background()
	for range 2 {
		if err := demo.LoadVictimServices(ctx, db); err != nil {
			t.Fatal(err)
		}
	}
	vs, n, err := db.FindVictimServices(ctx, aldyn.VictimServiceFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if n != len(demo.VictimServices) || n < 5 {
		t.Fatalf("got %d services, want %d", n, len(demo.VictimServices))
	}
	demoNumber := regexp.MustCompile(`^\+996 \d{3,4} 000 \d{3}$`)
	kinds := map[string]bool{}
	for _, v := range vs {
		kinds[v.Kind] = true
		if !v.Demo || !v.Active || !strings.Contains(v.Name.KY, "(демо)") || !strings.Contains(v.Name.RU, "(демо)") || !strings.Contains(v.Name.EN, "(demo)") {
			t.Errorf("%s: not marked demo", v.Name.EN)
		}
		for _, p := range v.Phones {
			if !demoNumber.MatchString(p) {
				t.Errorf("%s: %q is not a demo number", v.Name.EN, p)
			}
		}
	}
	// Every service has a point on the public map, inside its territory.
	for _, v := range vs {
		if v.Lat == nil || v.Lon == nil {
			t.Errorf("%s: no point for the public map", v.Name.EN)
			continue
		}
		tr, err := db.FindTerritoryByCode(ctx, v.TerritoryCode)
		if err != nil {
			t.Fatal(err)
		}
		bs, err := db.FindBoundaries(ctx, tr.Path)
		if err != nil {
			t.Fatal(err)
		}
		for _, b := range bs {
			if b.Territory.Code == v.TerritoryCode && !residents.Contains(b.Geometry, *v.Lat, *v.Lon) {
				t.Errorf("%s: point %.4f,%.4f outside %s", v.Name.EN, *v.Lat, *v.Lon, v.TerritoryCode)
			}
		}
	}
	if len(kinds) < 5 {
		t.Errorf("got kinds %v, want most kinds shown", kinds)
	}
}

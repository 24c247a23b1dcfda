package demo_test

import (
	"context"
	"strings"
	"testing"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/demo"
	"github.com/aldyn-kg/aldyn/internal/store/storetest"
)

// TestDemoPrecincts: the demo's synthetic records located in Bishkek's
// Leninsky district are spread over its four precincts, every one of them
// (none elsewhere), the precincts rank them, and loading again changes
// nothing.
func TestDemoPrecincts(t *testing.T) {
	ctx := context.Background()
	db := storetest.MustOpenDB(t)
	if err := db.SeedReference(ctx); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if _, err := demo.LoadOffenses(ctx, db, 0.05, []int{2021}); err != nil {
			t.Fatal(err)
		}
	}
	const leninsky = "41711201000000"
	located := 0
	if _, err := db.OffenseLocations(ctx, aldyn.OffenseFilter{TerritoryCode: leninsky},
		aldyn.BBox{MinLon: aldyn.MinLon, MinLat: aldyn.MinLat, MaxLon: aldyn.MaxLon, MaxLat: aldyn.MaxLat},
		func(aldyn.OffensePoint) bool { located++; return true }); err != nil {
		t.Fatal(err)
	}
	top, err := db.TopPrecincts(ctx, aldyn.OffenseFilter{TerritoryCode: leninsky}, 100)
	if err != nil {
		t.Fatal(err)
	}
	var sum int64
	for _, p := range top {
		if !strings.HasPrefix(p.PrecinctCode, leninsky+"-") || p.Count == 0 {
			t.Errorf("precinct %s with %d records in Leninsky", p.PrecinctCode, p.Count)
		}
		sum += p.Count
	}
	if len(top) != 4 || sum != int64(located) || located < 100 {
		t.Errorf("%d precincts hold %d of Leninsky's %d located records, want 4 holding all", len(top), sum, located)
	}
	p, err := db.FindTerritoryByCode(ctx, top[0].PrecinctCode)
	if err != nil || p.Level != aldyn.LevelPrecinct || !strings.Contains(p.NameKy, "участкалык пункту") || !strings.Contains(p.NameEn, "(demo)") {
		t.Errorf("precinct %+v, %v", p, err)
	}
}

package store_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/aldyn-kg/aldyn"
)

// TestResidentMapIndexMatchesDatabase: the public map's cells from memory
// are the database's, to the count, mean point and report, over many
// filters, boxes and cell sizes, before and after reports change
// (published, withdrawn, merged, added) under a fixed clock.
func TestResidentMapIndexMatchesDatabase(t *testing.T) {
	f := mustResidentFixture(t)
	rng := rand.New(rand.NewPCG(7, 8))
	codes := []string{"disorder_public", "drug_dealing", "traffic_violation", "dangerous_road"}
	statuses := []aldyn.ResidentStatus{aldyn.ResidentReceived, aldyn.ResidentInProgress, aldyn.ResidentAnswered}
	add := func(n int) []*aldyn.ResidentReport {
		var rs []*aldyn.ResidentReport
		for i := 0; i < n; i++ {
			lat, lon := 42.5+rng.Float64()*0.8, 73.9+rng.Float64()*1.2
			terr := alamudun
			if i%3 == 0 {
				terr = sokuluk
			}
			var plat, plon *float64
			if i%11 != 0 { // some without a point
				plat, plon = &lat, &lon
			}
			rs = append(rs, &aldyn.ResidentReport{CategoryID: f.cat[codes[i%len(codes)]].ID, TerritoryCode: terr, Description: "Көчөдө түнкүсүн ызы-чуу",
				PublicLat: plat, PublicLon: plon, Status: statuses[i%len(statuses)], Published: i%4 != 0, Lang: "ky",
				CreatedAt: f.clock.Add(-time.Duration(rng.IntN(90*24)) * time.Hour)})
		}
		if err := f.db.LoadResidentReports(f.ctx, aldyn.System, rs); err != nil {
			t.Fatal(err)
		}
		return rs
	}
	rs := add(400)
	id := func(c string) *int64 { v := f.cat[c].ID; return &v }
	answered := aldyn.ResidentAnswered
	from, to := f.clock.AddDate(0, 0, -30), f.clock.AddDate(0, 0, -5)
	chuiT, err := f.db.FindTerritoryByCode(f.ctx, sokuluk)
	if err != nil {
		t.Fatal(err)
	}
	filters := []aldyn.ResidentReportFilter{{}, {CategoryID: id("disorder_public")}, {CategoryID: id("drug_dealing")}, {Status: &answered},
		{From: &from, To: &to}, {Territory: chuiT.Path}}
	boxes := [][4]float64{{aldyn.MinLon, aldyn.MinLat, aldyn.MaxLon, aldyn.MaxLat}, {74.0, 42.6, 74.6, 43.0}}
	compare := func(stage string) int {
		total := 0
		if err := f.db.WaitResidentMap(f.ctx); err != nil {
			t.Fatal(err)
		}
		for fi, flt := range filters {
			for _, box := range boxes {
				for _, size := range []float64{0.879, 0.11, 0.0137, 0.001} {
					mem, err := f.db.ResidentMapCells(f.ctx, flt, box, size)
					if err != nil {
						t.Fatal(err)
					}
					sql, err := f.db.ResidentMapCellsSQL(f.ctx, flt, box, size)
					if err != nil {
						t.Fatal(err)
					}
					name := fmt.Sprintf("%s filter %d box %v size %v", stage, fi, box, size)
					if len(mem) != len(sql) {
						t.Fatalf("%s: %d cells in memory, %d in the database", name, len(mem), len(sql))
					}
					for i := range mem {
						m, s := mem[i], sql[i]
						if m.Count != s.Count || m.ID != s.ID || math.Abs(m.Lat-s.Lat) > 1e-9 || math.Abs(m.Lon-s.Lon) > 1e-9 {
							t.Fatalf("%s: cell %d is %+v in memory, %+v in the database", name, i, m, s)
						}
						total += m.Count
					}
				}
			}
		}
		return total
	}
	before := compare("loaded")
	if before == 0 {
		t.Fatal("no report on the map")
	}
	v1, err := f.db.ResidentsVersion(f.ctx)
	if err != nil {
		t.Fatal(err)
	}
	// Withdraw one, publish another, merge a third, add more: the clock
	// stands still, so only the index's reading of changed rows can tell.
	var pub, unpub *aldyn.ResidentReport
	for _, r := range rs {
		if r.PublicLat != nil && r.CategoryID != f.cat["drug_dealing"].ID {
			if r.Published && pub == nil {
				pub = r
			} else if !r.Published && unpub == nil {
				unpub = r
			}
		}
	}
	if err := f.db.ModerateResidentReport(f.ctx, aldyn.System, pub.ID, false, nil); err != nil {
		t.Fatal(err)
	}
	if err := f.db.ModerateResidentReport(f.ctx, aldyn.System, unpub.ID, true, nil); err != nil {
		t.Fatal(err)
	}
	v2, err := f.db.ResidentsVersion(f.ctx)
	if err != nil || v2 == v1 {
		t.Fatalf("version %q after moderation, was %q (%v)", v2, v1, err)
	}
	var a, b *aldyn.ResidentReport
	for _, r := range rs {
		if r.Published && r.PublicLat != nil && r.ID != unpub.ID && r.BodyID == f.policeA.ID && r.Status != aldyn.ResidentAnswered && r.CategoryID == f.cat["traffic_violation"].ID {
			if a == nil {
				a = r
			} else if b == nil {
				b = r
			}
		}
	}
	if err := f.db.MergeResidentReports(f.ctx, aldyn.System, a.ID, b.ID); err != nil {
		t.Fatal(err)
	}
	add(50)
	after := compare("changed")
	if after == before {
		t.Errorf("the map counts %d reports before and after the changes", after)
	}
	v3, err := f.db.ResidentsVersion(f.ctx)
	if err != nil || v3 == v2 {
		t.Fatalf("version %q after merging and adding, was %q (%v)", v3, v2, err)
	}
	if v4, _ := f.db.ResidentsVersion(f.ctx); v4 != v3 {
		t.Errorf("version moved without a change: %q → %q", v3, v4)
	}
}

package store

import (
	"math/rand/v2"
	"testing"

	"github.com/aldyn-kg/aldyn"
)

// TestLatticeRange: the range latticeRange computes holds exactly the
// lattice coordinates whose location lies within the bounds, edges
// included, for bounds on, between and beyond lattice nodes.
func TestLatticeRange(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	check := func(lo, hi float64, at func(uint16) float64, step, origin float64) {
		from, to := latticeRange(lo, hi, at, step, origin)
		for q := 0; q <= latticeMax; q++ {
			in := at(uint16(q)) >= lo && at(uint16(q)) <= hi
			if in != (q >= from && q < to) {
				t.Fatalf("[%v, %v]: node %d at %v in range [%d, %d) is %v", lo, hi, q, at(uint16(q)), from, to, !in)
			}
		}
	}
	for range 40 {
		a, b := rng.IntN(latticeMax+1), rng.IntN(latticeMax+1)
		if a > b {
			a, b = b, a
		}
		// On nodes, just off them, and between them.
		check(latticeLon(uint16(a)), latticeLon(uint16(b)), latticeLon, lonStep, aldyn.MinLon)
		check(latticeLat(uint16(a))+1e-12, latticeLat(uint16(b))-1e-12, latticeLat, latStep, aldyn.MinLat)
		check(latticeLon(uint16(a))+lonStep/2, latticeLon(uint16(b))+lonStep/3, latticeLon, lonStep, aldyn.MinLon)
	}
	check(aldyn.MinLon-1, aldyn.MaxLon+1, latticeLon, lonStep, aldyn.MinLon)
	check(aldyn.MaxLon+1, aldyn.MaxLon+2, latticeLon, lonStep, aldyn.MinLon)
	check(aldyn.MinLat-2, aldyn.MinLat-1, latticeLat, latStep, aldyn.MinLat)
	if lon, lat, ok := SnapLocation(aldyn.MaxLon, aldyn.MinLat); !ok || lon != latticeLon(latticeMax) || lat != aldyn.MinLat {
		t.Errorf("country corner snaps to %v %v %v", lon, lat, ok)
	}
	if _, _, ok := SnapLocation(aldyn.MaxLon+0.01, 41); ok {
		t.Error("a location east of the country snaps into it")
	}
}

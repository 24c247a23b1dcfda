package stats

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/aldyn-kg/aldyn"
)

func TestDensitySinglePoint(t *testing.T) {
	g, err := NewGrid(kgBBox, 1000)
	if err != nil {
		t.Fatal(err)
	}
	cell, _ := g.Cell(74.6, 42.87)
	g.Add(74.6, 42.87)
	for _, bw := range []float64{50, 1000, 2500, 8000} {
		d := Density(g, bw)
		peak, total := 0, 0.0
		for i, v := range d {
			if v > d[peak] {
				peak = i
			}
			if v < 0 {
				t.Fatalf("bandwidth %v: negative density %v in cell %d", bw, v, i)
			}
			total += v
		}
		if peak != cell {
			t.Errorf("bandwidth %v: peak in cell %d, want %d", bw, peak, cell)
		}
		if mass := total * g.CellAreaKm2(); math.Abs(mass-1) > 1e-9 {
			t.Errorf("bandwidth %v: mass %v, want 1", bw, mass)
		}
		// Symmetric around the point's cell.
		if math.Abs(d[cell-1]-d[cell+1]) > 1e-12 || math.Abs(d[cell-g.NX]-d[cell+g.NX]) > 1e-12 {
			t.Errorf("bandwidth %v: not symmetric", bw)
		}
	}
	// 2.5 km bandwidth on 1 km cells: the peak is about 1/(2π·2.5²) per km².
	if got, want := Density(g, 2500)[cell], 1/(2*math.Pi*2.5*2.5); math.Abs(got-want)/want > 0.02 {
		t.Errorf("peak density %v per km², want about %v", got, want)
	}
}

func TestDensityPreservesMass(t *testing.T) {
	g, err := NewGrid(aldyn.BBox{MinLon: 74.3, MinLat: 42.6, MaxLon: 74.9, MaxLat: 43.1}, 500)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(13, 14))
	n := 0
	for range 5000 {
		// Well inside: the kernel (3σ = 6 km) never reaches the edge.
		if g.Add(74.6+rng.NormFloat64()*0.03, 42.85+rng.NormFloat64()*0.03) {
			n++
		}
	}
	var total float64
	for _, v := range Density(g, 2000) {
		total += v
	}
	if mass := total * g.CellAreaKm2(); math.Abs(mass-float64(n)) > 1e-6 {
		t.Errorf("got mass %v, want %d", mass, n)
	}
	// A tiny bandwidth leaves the counts alone.
	for i, v := range Density(g, 1) {
		if v != float64(g.Counts[i])/g.CellAreaKm2() {
			t.Fatalf("bandwidth 1 m: cell %d got %v, want %v", i, v, float64(g.Counts[i])/g.CellAreaKm2())
		}
	}
}

func BenchmarkDensity(b *testing.B) {
	g, err := NewGrid(kgBBox, 1000)
	if err != nil {
		b.Fatal(err)
	}
	for _, p := range clusteredPoints(1_000_000) {
		g.Add(p[0], p[1])
	}
	b.ResetTimer()
	for b.Loop() {
		Density(g, 3000)
	}
}

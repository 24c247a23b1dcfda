package country

import (
	"math"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
)

func TestOutline(t *testing.T) {
	c := Outline()
	// The border and the three enclaves in Batken oblast (Sokh, Shakhimardan, Vorukh).
	if len(c) != 4 {
		t.Fatalf("got %d rings, want 4 (border and 3 enclaves)", len(c))
	}
	if c[0].Orientation() != orb.CCW {
		t.Errorf("outer ring is not counter-clockwise")
	}
	for name, tc := range map[string]struct {
		p    orb.Point
		want bool
	}{
		"Bishkek":  {orb.Point{74.59, 42.87}, true},
		"Osh":      {orb.Point{72.80, 40.53}, true},
		"Karakol":  {orb.Point{78.39, 42.49}, true},
		"Almaty":   {orb.Point{76.95, 43.24}, false},
		"Tashkent": {orb.Point{69.24, 41.30}, false},
		// Sokh, an Uzbek enclave, is a hole in the outline.
		"Sokh": {orb.Point{71.10, 39.96}, false},
	} {
		if got := planar.PolygonContains(c, tc.p); got != tc.want {
			t.Errorf("%s %v inside: got %v, want %v", name, tc.p, got, tc.want)
		}
	}
}

func cell(lon, lat, size float64) orb.Bound {
	return orb.Bound{Min: orb.Point{lon - size/2, lat - size/2}, Max: orb.Point{lon + size/2, lat + size/2}}
}

func TestClipBound(t *testing.T) {
	inside := cell(74.59, 42.87, 0.02) // Bishkek
	got := ClipBound(inside)
	if len(got) != 1 || math.Abs(planar.Area(got)-planar.Area(inside.ToPolygon())) > 1e-12 {
		t.Errorf("cell inside: got %v, want the cell itself", got)
	}
	if got := ClipBound(cell(76.95, 43.24, 0.02)); got != nil { // Almaty
		t.Errorf("cell outside: got %v, want nil", got)
	}
	if got := ClipBound(cell(71.10, 39.96, 0.01)); got != nil { // inside the Sokh enclave
		t.Errorf("cell in an enclave: got %v, want nil", got)
	}

	// A cell centred on a vertex of the border straddles it: what remains
	// is part of the cell, lies within it and within the country.
	c := Outline()
	for _, v := range []orb.Point{c[0][0], c[0][len(c[0])/3], c[0][2*len(c[0])/3]} {
		b := cell(v[0], v[1], 0.2)
		got := ClipBound(b)
		if got == nil {
			t.Fatalf("cell on the border at %v: clipped away", v)
		}
		a, full := planar.Area(got), planar.Area(b.ToPolygon())
		if !(a > 0.02*full && a < 0.98*full) {
			t.Errorf("cell on the border at %v: area %.5f of %.5f, want a part", v, a, full)
		}
		for _, p := range got {
			for _, r := range p {
				for _, q := range r {
					if !b.Pad(1e-9).Contains(q) {
						t.Errorf("clipped vertex %v outside the cell %v", q, b)
					}
				}
			}
		}
		if !Contains(got, 1e-6) {
			t.Errorf("cell on the border at %v: clipped part leaves the country", v)
		}
		// The centre of the lost part is outside the country.
		if Contains(b.ToPolygon(), 1e-6) {
			t.Errorf("cell on the border at %v reads as wholly inside", v)
		}
	}
}

func TestContains(t *testing.T) {
	in := cell(74.59, 42.87, 0.02).ToPolygon()
	if !Contains(in, 0) {
		t.Errorf("a square in Bishkek is not in the country")
	}
	out := cell(76.95, 43.24, 0.02).ToPolygon()
	if Contains(out, 0.02) {
		t.Errorf("a square in Almaty is in the country")
	}
	// Just across the border: out without a margin, in with one.
	v := Outline()[0][0]
	for _, d := range []orb.Point{{0.003, 0}, {-0.003, 0}, {0, 0.003}, {0, -0.003}} {
		p := orb.Point{v[0] + d[0], v[1] + d[1]}
		if !planar.PolygonContains(Outline(), p) {
			if Contains(p, 0) {
				t.Errorf("%v outside the border is contained without a margin", p)
			}
			if !Contains(p, 0.01) {
				t.Errorf("%v just outside the border is not contained with a 0.01° margin", p)
			}
			return
		}
	}
	t.Fatalf("found no point just outside the border near %v", v)
}

func BenchmarkClipBound(b *testing.B) {
	Outline()
	for b.Loop() {
		// The country's box in cells of about 8 km.
		for lon := 69.2; lon < 80.3; lon += 0.1 {
			for lat := 39.1; lat < 43.3; lat += 0.1 {
				ClipBound(cell(lon, lat, 0.1))
			}
		}
	}
}

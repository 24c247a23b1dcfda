package stats

import (
	"encoding/csv"
	"math"
	"math/rand/v2"
	"os"
	"strconv"
	"testing"

	"github.com/aldyn-kg/aldyn"
)

var kgBBox = aldyn.BBox{MinLon: 69.2, MinLat: 39.1, MaxLon: 80.3, MaxLat: 43.3}

// TestGiStarWeightsPySAL checks Gi* against the values PySAL esda
// publishes for its six-point example (testdata/README.md).
func TestGiStarWeightsPySAL(t *testing.T) {
	f, err := os.Open("testdata/pysal_gistar.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var xs, ys, values, want []float64
	for _, row := range rows[1:] {
		v := make([]float64, 4)
		for i := range v {
			if v[i], err = strconv.ParseFloat(row[i+1], 64); err != nil {
				t.Fatal(err)
			}
		}
		xs, ys, values, want = append(xs, v[0]), append(ys, v[1]), append(values, v[2]), append(want, v[3])
	}
	if len(values) != 6 {
		t.Fatalf("got %d rows, want 6", len(values))
	}
	// libpysal.weights.DistanceBand(points, threshold=15): distance ≤ 15.
	neighbours := make([][]int, len(xs))
	for i := range xs {
		for j := range xs {
			if i != j && math.Hypot(xs[i]-xs[j], ys[i]-ys[j]) <= 15 {
				neighbours[i] = append(neighbours[i], j)
			}
		}
	}
	got := GiStarWeights(values, neighbours)
	var maxDev float64
	for i := range got {
		maxDev = math.Max(maxDev, math.Abs(got[i]-want[i]))
	}
	t.Logf("max deviation from PySAL: %.3g", maxDev)
	// The reference has 8 decimals.
	if maxDev > 1e-8 {
		t.Errorf("got z %v, want %v (max deviation %g)", got, want, maxDev)
	}
}

func TestGiStarWeightsSelfAndDuplicates(t *testing.T) {
	values := []float64{1, 5, 2, 8}
	plain := GiStarWeights(values, [][]int{{1}, {0, 2}, {1, 3}, {2}})
	noisy := GiStarWeights(values, [][]int{{1, 0, 1}, {0, 2, 2, 1}, {1, 3}, {2, 3}})
	for i := range plain {
		if plain[i] != noisy[i] {
			t.Errorf("cell %d: got %v with self and repeated indices, want %v", i, noisy[i], plain[i])
		}
	}
	if z := GiStarWeights([]float64{3, 3, 3}, [][]int{{1}, {0}, {}}); z[0] != 0 || z[2] != 0 {
		t.Errorf("constant values: got %v, want zeros", z)
	}
}

// gridNeighbours lists the (2r+1)² square neighbourhood of every cell,
// cut at the edges, as GiStar defines it.
func gridNeighbours(nx, ny, r int) [][]int {
	nb := make([][]int, nx*ny)
	for y := range ny {
		for x := range nx {
			for dy := -r; dy <= r; dy++ {
				for dx := -r; dx <= r; dx++ {
					if xx, yy := x+dx, y+dy; xx >= 0 && xx < nx && yy >= 0 && yy < ny {
						nb[y*nx+x] = append(nb[y*nx+x], yy*nx+xx)
					}
				}
			}
		}
	}
	return nb
}

// TestGiStarMatchesWeights checks the summed-area-table path against the
// plain neighbour sums, edges included.
func TestGiStarMatchesWeights(t *testing.T) {
	g, err := NewGrid(aldyn.BBox{MinLon: 74.4, MinLat: 42.7, MaxLon: 74.8, MaxLat: 42.95}, 2000)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 3000 {
		g.Add(74.6+rng.NormFloat64()*0.05, 42.85+rng.NormFloat64()*0.03)
	}
	for range 500 {
		g.Add(74.4+rng.Float64()*0.4, 42.7+rng.Float64()*0.25)
	}
	values := make([]float64, len(g.Counts))
	for i, c := range g.Counts {
		values[i] = float64(c)
	}
	for _, r := range []int{0, 1, 2, 5} {
		t.Run("r="+strconv.Itoa(r), func(t *testing.T) {
			want := GiStarWeights(values, gridNeighbours(g.NX, g.NY, r))
			spots := GiStar(g, r)
			withPoints := 0
			for _, s := range spots {
				if math.Abs(s.Z-want[s.Cell]) > 1e-9 {
					t.Fatalf("cell %d: got z %v, want %v", s.Cell, s.Z, want[s.Cell])
				}
				if s.Count != int(g.Counts[s.Cell]) {
					t.Fatalf("cell %d: got count %d, want %d", s.Cell, s.Count, g.Counts[s.Cell])
				}
				if p := math.Erfc(math.Abs(want[s.Cell]) / math.Sqrt2); math.Abs(s.P-p) > 1e-12 {
					t.Fatalf("cell %d: got p %v, want %v", s.Cell, s.P, p)
				}
				if s.Count > 0 {
					withPoints++
				}
			}
			nonEmpty := 0
			for _, c := range g.Counts {
				if c > 0 {
					nonEmpty++
				}
			}
			if withPoints != nonEmpty {
				t.Errorf("got %d cells with points, want %d", withPoints, nonEmpty)
			}
		})
	}
}

func TestGiStarFindsCluster(t *testing.T) {
	g, err := NewGrid(kgBBox, 10000)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(3, 4))
	for range 20000 {
		g.Add(kgBBox.MinLon+rng.Float64()*(kgBBox.MaxLon-kgBBox.MinLon), kgBBox.MinLat+rng.Float64()*(kgBBox.MaxLat-kgBBox.MinLat))
	}
	bishkek, _ := g.Cell(74.6, 42.87)
	for range 2000 {
		g.Add(74.6+rng.NormFloat64()*0.05, 42.87+rng.NormFloat64()*0.04)
	}
	var hot, cold int
	var bishkekHot bool
	for _, s := range GiStar(g, 1) {
		if s.Hot {
			hot++
			b := g.CellBounds(s.Cell)
			if b.MinLon > 75.2 || b.MaxLon < 74.0 || b.MinLat > 43.3 || b.MaxLat < 42.4 {
				t.Errorf("hot spot far from the cluster: cell %d %+v z=%.2f", s.Cell, b, s.Z)
			}
		}
		if s.Cold {
			cold++
		}
		if s.Cell == bishkek {
			bishkekHot = s.Hot
		}
	}
	if !bishkekHot || hot == 0 {
		t.Errorf("got %d hot cells, Bishkek hot %v; want the cluster found", hot, bishkekHot)
	}
	t.Logf("%d hot, %d cold of %d cells", hot, cold, len(g.Counts))
}

func TestGiStarUniformHasNoHotSpots(t *testing.T) {
	g, err := NewGrid(kgBBox, 20000)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(5, 6))
	e := g.Extent()
	for range 50000 {
		g.Add(e.MinLon+rng.Float64()*(e.MaxLon-e.MinLon), e.MinLat+rng.Float64()*(e.MaxLat-e.MinLat))
	}
	for _, s := range GiStar(g, 1) {
		if s.Hot || s.Cold {
			t.Errorf("uniform points: cell %d significant (z=%.2f, p=%.2g)", s.Cell, s.Z, s.P)
		}
	}
	empty, _ := NewGrid(kgBBox, 20000)
	if spots := GiStar(empty, 1); len(spots) != 0 {
		t.Errorf("empty grid: got %d spots, want none", len(spots))
	}
}

// TestBenjaminiHochberg uses the example of Benjamini & Hochberg (1995),
// 15 p values of which the procedure at q = 0.05 rejects four.
func TestBenjaminiHochberg(t *testing.T) {
	p := []float64{0.0001, 0.0004, 0.0019, 0.0095, 0.0201, 0.0278, 0.0298, 0.0344, 0.0459,
		0.3240, 0.4262, 0.5719, 0.6528, 0.7590, 1.0000}
	// Shuffled, to show order does not matter.
	rng := rand.New(rand.NewPCG(7, 8))
	idx := rng.Perm(len(p))
	shuffled := make([]float64, len(p))
	for i, j := range idx {
		shuffled[i] = p[j]
	}
	sig := BenjaminiHochberg(shuffled, 0.05)
	for i, j := range idx {
		if want := j < 4; sig[i] != want {
			t.Errorf("p=%v: got significant %v, want %v", shuffled[i], sig[i], want)
		}
	}
	if got := BenjaminiHochberg([]float64{0.04, 0.04}, 0.05); !got[0] || !got[1] {
		t.Errorf("two p=0.04 at q=0.05: got %v, want both significant", got)
	}
}

func TestNewGrid(t *testing.T) {
	g, err := NewGrid(kgBBox, 1000)
	if err != nil {
		t.Fatal(err)
	}
	// About 930 × 467 km.
	if g.NX < 925 || g.NX > 940 || g.NY < 465 || g.NY > 470 {
		t.Errorf("got %d × %d cells, want about 931 × 467", g.NX, g.NY)
	}
	if _, err := NewGrid(kgBBox, 200); aldyn.ErrorCode(err) != aldyn.ETOOLARGE {
		t.Errorf("200 m cells over the country: got %v, want %s", err, aldyn.ETOOLARGE)
	}
	for name, tc := range map[string]struct {
		b    aldyn.BBox
		cell float64
	}{
		"empty box":     {aldyn.BBox{MinLon: 70, MinLat: 40, MaxLon: 70, MaxLat: 41}, 1000},
		"zero cell":     {kgBBox, 0},
		"NaN":           {aldyn.BBox{MinLon: math.NaN(), MinLat: 40, MaxLon: 71, MaxLat: 41}, 1000},
		"flipped":       {aldyn.BBox{MinLon: 71, MinLat: 40, MaxLon: 70, MaxLat: 41}, 1000},
		"past the pole": {aldyn.BBox{MinLon: 70, MinLat: 40, MaxLon: 71, MaxLat: 91}, 1000},
	} {
		if _, err := NewGrid(tc.b, tc.cell); aldyn.ErrorCode(err) != aldyn.EINVALID {
			t.Errorf("%s: got %v, want %s", name, err, aldyn.EINVALID)
		}
	}
}

func TestGridAddAndCellBounds(t *testing.T) {
	g, err := NewGrid(kgBBox, 5000)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(9, 10))
	for range 1000 {
		lon := kgBBox.MinLon + rng.Float64()*(kgBBox.MaxLon-kgBBox.MinLon)
		lat := kgBBox.MinLat + rng.Float64()*(kgBBox.MaxLat-kgBBox.MinLat)
		i, ok := g.Cell(lon, lat)
		if !ok {
			t.Fatalf("(%v, %v) outside", lon, lat)
		}
		b := g.CellBounds(i)
		const eps = 1e-9
		if lon < b.MinLon-eps || lon > b.MaxLon+eps || lat < b.MinLat-eps || lat > b.MaxLat+eps {
			t.Fatalf("(%v, %v) in cell %d whose bounds are %+v", lon, lat, i, b)
		}
		// A cell is CellM metres high: 5 km is 0.045° of latitude.
		if h := b.MaxLat - b.MinLat; math.Abs(h-5000/(earthRadiusM*math.Pi/180)) > 1e-9 {
			t.Fatalf("cell height %v°", h)
		}
	}
	// Corners and edges belong to the grid.
	for _, c := range [][2]float64{{69.2, 39.1}, {80.3, 43.3}, {69.2, 43.3}, {80.3, 39.1}} {
		if !g.Add(c[0], c[1]) {
			t.Errorf("corner %v not added", c)
		}
	}
	if first, _ := g.Cell(69.2, 39.1); first != 0 {
		t.Errorf("south-west corner in cell %d, want 0", first)
	}
	if last, _ := g.Cell(80.3, 43.3); last != len(g.Counts)-1 {
		t.Errorf("north-east corner in cell %d, want %d", last, len(g.Counts)-1)
	}
	e := g.Extent()
	if e.MinLon > kgBBox.MinLon || e.MinLon < kgBBox.MinLon-0.07 || e.MinLat > kgBBox.MinLat || e.MinLat < kgBBox.MinLat-0.05 ||
		e.MaxLon < kgBBox.MaxLon || e.MaxLon > kgBBox.MaxLon+0.07 || e.MaxLat < kgBBox.MaxLat || e.MaxLat > kgBBox.MaxLat+0.05 {
		t.Errorf("got extent %+v, want the box stretched by less than a 5 km cell on every side", e)
	}
	// A point on the extent's outer edge lies in the lattice's next cell,
	// outside this grid, as it would in a larger one.
	for _, c := range [][2]float64{{69.0, 40}, {75, e.MaxLat + 1e-6}, {e.MaxLon + 1e-6, 40}, {math.NaN(), 40}} {
		if g.Add(c[0], c[1]) {
			t.Errorf("%v added, want outside", c)
		}
	}
	if g.Outside != 4 {
		t.Errorf("got Outside %d, want 4", g.Outside)
	}
}

// TestGridLattice: grids of one cell size share their cells whatever their
// box, so a box slid by a few metres adds or removes whole cells and counts
// every cell it keeps as any other box does; a cell of one size is four of
// the next smaller.
func TestGridLattice(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 14))
	pts := make([][2]float64, 3000)
	for i := range pts {
		pts[i] = [2]float64{74.58 + rng.Float64()*0.04, 42.86 + rng.Float64()*0.03}
	}
	type cellKey struct{ x, y int }
	count := func(g *Grid) map[cellKey]int32 {
		for _, p := range pts {
			g.Add(p[0], p[1])
		}
		m := map[cellKey]int32{}
		for i, c := range g.Counts {
			m[cellKey{g.X0 + i%g.NX, g.Y0 + i/g.NX}] = c
		}
		return m
	}
	for _, cell := range []float64{250, 500, 2000} {
		base := aldyn.BBox{MinLon: 74.585, MinLat: 42.865, MaxLon: 74.615, MaxLat: 42.885}
		ref, err := NewGrid(aldyn.BBox{MinLon: 74.5, MinLat: 42.8, MaxLon: 74.7, MaxLat: 42.95}, cell)
		if err != nil {
			t.Fatal(err)
		}
		want := count(ref)
		for i := range 40 {
			// Slides of about 6 m to 600 m in every direction.
			d := float64(i) * 0.00008
			b := aldyn.BBox{MinLon: base.MinLon + d, MinLat: base.MinLat - d/2, MaxLon: base.MaxLon + d, MaxLat: base.MaxLat - d/2}
			g, err := NewGrid(b, cell)
			if err != nil {
				t.Fatal(err)
			}
			for k, c := range count(g) {
				if c != want[k] {
					t.Fatalf("%v m cells, box slid by %v°: cell %v counts %d, the large box %d", cell, d, k, c, want[k])
				}
			}
			// The cells' corners are the lattice's, not the box's.
			cb := g.CellBounds(0)
			rb := ref.CellBounds((g.Y0-ref.Y0)*ref.NX + g.X0 - ref.X0)
			if math.Abs(cb.MinLon-rb.MinLon) > 1e-9 || math.Abs(cb.MinLat-rb.MinLat) > 1e-9 {
				t.Fatalf("%v m cells, box slid by %v°: first cell %+v, the same cell of the large box %+v", cell, d, cb, rb)
			}
		}
	}
	fine, _ := NewGrid(kgBBox, 500)
	coarse, _ := NewGrid(kgBBox, 1000)
	for _, p := range pts {
		i, _ := fine.Cell(p[0], p[1])
		j, _ := coarse.Cell(p[0], p[1])
		fx, fy := fine.X0+i%fine.NX, fine.Y0+i/fine.NX
		cx, cy := coarse.X0+j%coarse.NX, coarse.Y0+j/coarse.NX
		if fx>>1 != cx || fy>>1 != cy {
			t.Fatalf("point %v: 500 m cell (%d, %d) is not within 1 km cell (%d, %d)", p, fx, fy, cx, cy)
		}
	}
}

func TestSnapCell(t *testing.T) {
	for _, tc := range []struct{ in, want float64 }{
		{0, 250}, {100, 250}, {250, 250}, {300, 250}, {400, 500}, {1000, 1000}, {40000, 32000}, {50000, 64000}, {math.NaN(), 250},
	} {
		if got := SnapCell(tc.in); got != tc.want {
			t.Errorf("SnapCell(%v): got %v, want %v", tc.in, got, tc.want)
		}
	}
}

// TestAddSmallest: cells of the second grid holding fewer than the minimum
// add nothing.
func TestAddSmallest(t *testing.T) {
	g, _ := NewGrid(kgBBox, 20000)
	s, _ := NewGrid(kgBBox, 20000)
	g.Add(74.6, 42.87)
	for range 2 {
		s.Add(74.6, 42.87) // with one other record: 3 in all, 2 of them small
	}
	for range 5 {
		s.Add(72.8, 40.53)
	}
	g.AddSmallest(s, 5)
	bishkek, _ := g.Cell(74.6, 42.87)
	osh, _ := g.Cell(72.8, 40.53)
	if g.Counts[bishkek] != 1 || g.Counts[osh] != 5 {
		t.Errorf("got %d in Bishkek's cell and %d in Osh's, want 1 and 5", g.Counts[bishkek], g.Counts[osh])
	}
}

func TestCellForZoom(t *testing.T) {
	for _, tc := range []struct {
		zoom int
		want float64
	}{{6, 40000}, {7, 20000}, {10, 2500}, {5, 80000}, {14, 156.25}, {15, 100}, {20, 100}} {
		if got := CellForZoom(tc.zoom); got != tc.want {
			t.Errorf("CellForZoom(%d): got %v, want %v", tc.zoom, got, tc.want)
		}
	}
}

func TestCellForBox(t *testing.T) {
	country := aldyn.BBox{MinLon: aldyn.MinLon, MinLat: aldyn.MinLat, MaxLon: aldyn.MaxLon, MaxLat: aldyn.MaxLat}
	for _, tc := range []struct {
		name     string
		box      aldyn.BBox
		min, max float64 // snapped size
	}{
		{"country", country, 16000, 32000},
		{"a district, about 20 km", aldyn.BBox{MinLon: 74.5, MinLat: 42.8, MaxLon: 74.75, MaxLat: 42.95}, 500, 1000},
		{"a town block, 1 km", aldyn.BBox{MinLon: 74.60, MinLat: 42.87, MaxLon: 74.61, MaxLat: 42.88}, MinCellM, MinCellM},
		{"a tall box: its height counts", aldyn.BBox{MinLon: 74.6, MinLat: 40.0, MaxLon: 74.61, MaxLat: 43.0}, 8000, 16000},
	} {
		got := SnapCell(CellForBox(tc.box))
		if got < tc.min || got > tc.max {
			t.Errorf("%s: snapped cell %v m, want %v–%v m", tc.name, got, tc.min, tc.max)
		}
	}
}

// clusteredPoints returns n points over Kyrgyzstan: a fifth spread
// evenly, the rest around its towns.
func clusteredPoints(n int) [][2]float64 {
	towns := [][3]float64{ // lon, lat, spread in degrees
		{74.60, 42.87, 0.08}, {72.80, 40.53, 0.06}, {73.00, 40.93, 0.05}, {78.39, 42.49, 0.04},
		{75.99, 41.43, 0.04}, {72.24, 42.52, 0.04}, {70.76, 40.06, 0.04}, {76.19, 42.65, 0.10},
	}
	rng := rand.New(rand.NewPCG(11, 12))
	pts := make([][2]float64, n)
	for i := range pts {
		if rng.IntN(5) == 0 {
			pts[i] = [2]float64{kgBBox.MinLon + rng.Float64()*(kgBBox.MaxLon-kgBBox.MinLon), kgBBox.MinLat + rng.Float64()*(kgBBox.MaxLat-kgBBox.MinLat)}
			continue
		}
		t := towns[rng.IntN(len(towns))]
		pts[i] = [2]float64{t[0] + rng.NormFloat64()*t[2], t[1] + rng.NormFloat64()*t[2]}
	}
	return pts
}

// BenchmarkGridGiStar1M builds a 1 km grid over the country from a
// million clustered points and computes Gi* with radius 1. Target: < 1 s
// on 2 cores.
func BenchmarkGridGiStar1M(b *testing.B) {
	pts := clusteredPoints(1_000_000)
	b.ResetTimer()
	for b.Loop() {
		g, err := NewGrid(kgBBox, 1000)
		if err != nil {
			b.Fatal(err)
		}
		for _, p := range pts {
			g.Add(p[0], p[1])
		}
		GiStar(g, 1)
	}
}

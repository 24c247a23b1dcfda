package stats

import (
	"math"
	"slices"
)

// FDR is the false discovery rate at which GiStar calls a cell a hot or
// cold spot.
const FDR = 0.05

// HotSpot is the Gi* result of one grid cell.
type HotSpot struct {
	Cell  int     `json:"cell"`
	Count int     `json:"count"`
	Z     float64 `json:"z"`
	P     float64 `json:"p"` // two-sided, from the normal distribution
	// Hot and Cold report significance after the Benjamini–Hochberg
	// correction at FDR over all cells of the grid.
	Hot  bool `json:"hot"`
	Cold bool `json:"cold"`
}

// GiStar computes Getis-Ord Gi* for every cell of g over the square
// neighbourhood of radiusCells cells around it (see the package comment)
// and returns, in cell order, the cells that hold points or are
// significant. The cost is O(cells) whatever the radius.
func GiStar(g *Grid, radiusCells int) []HotSpot {
	nx, ny, n := g.NX, g.NY, len(g.Counts)
	r := max(radiusCells, 0)

	// Summed-area table: sat[(y)*(nx+1)+x] is the sum of the cells left of
	// column x and below row y.
	w := nx + 1
	sat := make([]int64, w*(ny+1))
	var sum, sumSq float64
	for y := range ny {
		var row int64
		for x := range nx {
			c := int64(g.Counts[y*nx+x])
			row += c
			sat[(y+1)*w+x+1] = sat[y*w+x+1] + row
			sumSq += float64(c * c)
		}
		sum += float64(row)
	}

	z := make([]float64, n)
	mean := sum / float64(n)
	s := math.Sqrt(math.Max(sumSq/float64(n)-mean*mean, 0))
	if n > 1 && s > 0 {
		fn := float64(n)
		for y := range ny {
			y0, y1 := max(y-r, 0), min(y+r, ny-1)+1
			for x := range nx {
				x0, x1 := max(x-r, 0), min(x+r, nx-1)+1
				wi := float64((x1 - x0) * (y1 - y0))
				sw := float64(sat[y1*w+x1] - sat[y0*w+x1] - sat[y1*w+x0] + sat[y0*w+x0])
				z[y*nx+x] = giStarZ(sw, wi, mean, s, fn)
			}
		}
	}
	sat = nil

	p := make([]float64, n)
	for i, zi := range z {
		p[i] = twoSidedP(zi)
	}
	sig := BenjaminiHochberg(p, FDR)
	var spots []HotSpot
	for i, c := range g.Counts {
		if c == 0 && !sig[i] {
			continue
		}
		spots = append(spots, HotSpot{
			Cell: i, Count: int(c), Z: z[i], P: p[i],
			Hot: sig[i] && z[i] > 0, Cold: sig[i] && z[i] < 0,
		})
	}
	return spots
}

// giStarZ is Gi* for a neighbourhood of wi cells (binary weights, self
// included) whose values sum to sw, in a set of n values with mean mean
// and (population) standard deviation s.
func giStarZ(sw, wi, mean, s, n float64) float64 {
	den := s * math.Sqrt((n*wi-wi*wi)/(n-1))
	if den <= 0 {
		// The neighbourhood is the whole set: nothing to compare with.
		return 0
	}
	return (sw - mean*wi) / den
}

// GiStarWeights computes Gi* z scores for values with arbitrary binary
// weights: neighbours[i] lists the indices of the neighbours of i, which
// is always counted as its own neighbour, once, whether listed or not;
// repeated indices count once. Mean and standard deviation are taken over
// all values. It panics when the lengths differ or an index is out of
// range, as the caller built both.
func GiStarWeights(values []float64, neighbours [][]int) []float64 {
	n := len(values)
	if len(neighbours) != n {
		panic("stats: GiStarWeights: values and neighbours differ in length")
	}
	var sum, sumSq float64
	for _, v := range values {
		sum += v
		sumSq += v * v
	}
	z := make([]float64, n)
	if n < 2 {
		return z
	}
	fn := float64(n)
	mean := sum / fn
	s := math.Sqrt(math.Max(sumSq/fn-mean*mean, 0))
	if s == 0 {
		return z
	}
	seen := make([]int, n) // seen[j] == i+1 when j is counted for i
	for i, nb := range neighbours {
		seen[i] = i + 1
		sw, wi := values[i], 1.0
		for _, j := range nb {
			if seen[j] != i+1 {
				seen[j] = i + 1
				sw += values[j]
				wi++
			}
		}
		z[i] = giStarZ(sw, wi, mean, s, fn)
	}
	return z
}

// twoSidedP is the probability that a standard normal variable is at
// least |z| away from zero.
func twoSidedP(z float64) float64 {
	return math.Erfc(math.Abs(z) / math.Sqrt2)
}

// BenjaminiHochberg reports which of the p values are significant when the
// false discovery rate is held at q (Benjamini & Hochberg 1995): with the
// values sorted, the k smallest are significant for the largest k with
// p(k) ≤ k·q/m.
func BenjaminiHochberg(p []float64, q float64) []bool {
	m := len(p)
	sig := make([]bool, m)
	// Only values ≤ q can pass (k·q/m ≤ q), and a value's rank among all
	// is its rank among those, so only they are sorted.
	var small []float64
	for _, v := range p {
		if v <= q {
			small = append(small, v)
		}
	}
	slices.Sort(small)
	cut := -1.0
	for k := len(small); k >= 1; k-- {
		if small[k-1] <= float64(k)*q/float64(m) {
			cut = small[k-1]
			break
		}
	}
	for i, v := range p {
		sig[i] = v <= cut
	}
	return sig
}

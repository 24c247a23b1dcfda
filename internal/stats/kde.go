package stats

import "math"

// Density returns a Gaussian kernel density estimate of g's counts, in
// records per km², cell by cell in the order of g.Counts. The kernel's
// standard deviation is bandwidthM metres; it is applied as two 1-D
// convolutions (rows, then columns), cut off at three standard deviations
// and normalised over what is kept, so that away from the edges the
// density integrates to the number of points. Near the edges the mass
// that would fall outside the grid is lost. A bandwidth under a tenth of a
// cell returns the counts as they are, per km².
func Density(g *Grid, bandwidthM float64) []float64 {
	nx, ny := g.NX, g.NY
	out := make([]float64, len(g.Counts))
	perKm2 := 1 / g.CellAreaKm2()
	sigma := bandwidthM / g.CellM
	if !(sigma >= 0.1) { // also NaN
		for i, c := range g.Counts {
			out[i] = float64(c) * perKm2
		}
		return out
	}
	// A kernel wider than the grid adds nothing but work.
	r := min(int(math.Ceil(3*sigma)), max(nx, ny))
	k := make([]float64, 2*r+1)
	var ksum float64
	for d := -r; d <= r; d++ {
		k[d+r] = math.Exp(-float64(d*d) / (2 * sigma * sigma))
		ksum += k[d+r]
	}
	for i := range k {
		k[i] /= ksum
	}

	// Rows: spread every non-empty cell along its row.
	tmp := make([]float64, len(g.Counts))
	for y := range ny {
		row := g.Counts[y*nx : (y+1)*nx]
		dst := tmp[y*nx : (y+1)*nx]
		for x, c := range row {
			if c == 0 {
				continue
			}
			v := float64(c)
			for xx := max(x-r, 0); xx <= min(x+r, nx-1); xx++ {
				dst[xx] += v * k[xx-x+r]
			}
		}
	}
	// Columns, scaling to records per km² on the way.
	for y := range ny {
		src := tmp[y*nx : (y+1)*nx]
		for yy := max(y-r, 0); yy <= min(y+r, ny-1); yy++ {
			w := k[yy-y+r] * perKm2
			dst := out[yy*nx : (yy+1)*nx]
			for x, v := range src {
				dst[x] += v * w
			}
		}
	}
	return out
}

// Package stats computes offense statistics on slices: official aggregates
// and their checks, grids, Getis-Ord Gi* hot spots, kernel density.
//
// It is pure code: no database, no HTTP. Callers pass values in and get
// values back.
//
// # Official statistics
//
// Official parses the embedded official-statistics.csv of package refdata
// and OfficialChecks recomputes, from those rows, every check listed in
// refdata's checks.md.
//
// # Grids
//
// Points arrive as longitude/latitude (WGS 84). Every Grid projects them to
// metres with the same equirectangular projection, centred on the
// country's box:
//
//	x = R·(lon − lon0)·cos(lat0)·π/180,  y = R·(lat − lat0)·π/180
//
// with R = 6 371 008.8 m (the mean Earth radius) and (lon0, lat0) the centre
// of the country's box. Over Kyrgyzstan (about 930 × 470 km, 39–43°N) cell
// widths stay within about ±4 % of their nominal size at its northern and
// southern edges; that is the price of keeping the cells square and the
// arithmetic trivial. The cells are those of a fixed lattice, columns and
// rows of CellM metres counted from the projection's centre, and their
// sizes are MinCellM (250 m) doubled n times (SnapCell): a grid holds the
// lattice cells that meet its box, so two grids of one size share their
// cells and a cell of one size is four of the next smaller. A box moved by
// a few metres therefore adds or removes whole cells and never counts a
// cell's records differently, which matters where cells holding too few
// records are left out (AddSmallest). Points are selected by the cells'
// extent (Grid.Extent) so that no edge cell is partly empty. CellForZoom
// picks a cell size that follows the map zoom: 40 km at zoom 6, halving
// with each zoom level, never below 100 m (callers snap it to the lattice).
//
// # Hot spots
//
// GiStar computes the Getis-Ord Gi* statistic (Getis & Ord 1992; Ord &
// Getis 1995) on the cell counts. The neighbourhood of a cell is the
// (2r+1)×(2r+1) square of cells centred on it, the cell itself included,
// with binary weights and truncated at the grid's edges; the global mean
// and standard deviation are taken over all n cells of the grid, empty ones
// included:
//
//	Gi* = (Σj wij xj − x̄ Wi) / (S · √((n·Wi − Wi²) / (n − 1)))
//
// where Wi is the number of cells in the neighbourhood, x̄ the mean count
// and S = √(Σ xj²/n − x̄²). Gi* is read as a z score; its two-sided p value
// comes from the standard normal distribution, and the Benjamini–Hochberg
// procedure at a false discovery rate q = 0.05 over all n cells decides
// which cells are significant hot (z > 0) or cold (z < 0) spots. Window sums
// come from a summed-area table, so the cost is O(n) whatever the radius.
// GiStarWeights computes the same statistic for arbitrary binary
// neighbourhoods; the tests check it against PySAL's published values.
//
// # Kernel density
//
// Density smooths the cell counts with a Gaussian kernel (separable, cut
// off at three standard deviations) and returns records per km².
package stats

package stats

import (
	"fmt"
	"math"

	"github.com/aldyn-kg/aldyn"
)

// MaxGridCells is the most cells NewGrid accepts: about 32 MB of counts
// and summed-area table, whatever the zoom a map asks for.
const MaxGridCells = 4_000_000

// earthRadiusM is the mean Earth radius (IUGG), in metres.
const earthRadiusM = 6371008.8

// MinCellM is the side of the smallest cell, so that a cell never stands
// for a single address. Every cell size is MinCellM·2ⁿ (SnapCell): a cell
// of one size is then exactly four of the next smaller, and grids of two
// sizes never cut across each other's cells.
const MinCellM = 250

// The lattice every grid's cells lie on: one equirectangular projection
// centred on the country, whatever the box asked for, with cells counted
// from its centre. A cell is the same piece of ground in every grid of its
// size, so moving or resizing the box only adds or removes whole cells and
// never splits one differently (which would let a reader subtract two
// answers and find a record of a cell left out for holding too few).
var (
	latticeLon0 = (aldyn.MinLon + aldyn.MaxLon) / 2
	latticeLat0 = (aldyn.MinLat + aldyn.MaxLat) / 2
)

// Grid counts points in square cells of the country's lattice (see the
// package comment) that cover a bounding box. Cells are numbered row by
// row from the south-west corner: cell i is column i % NX, row i / NX.
type Grid struct {
	// MinX, MinY are the projected coordinates, in metres from the centre
	// of the lattice, of the south-west corner of cell 0; CellM is the side
	// of a cell in metres. X0, Y0 are the lattice column and row of cell 0
	// (MinX = X0·CellM).
	MinX, MinY, CellM float64
	X0, Y0            int
	NX, NY            int
	Counts            []int32
	// BBox is the box the grid was made for. The cells are the lattice's
	// cells that meet it, so the first and last columns and rows may reach
	// past its edges; Extent is the box they cover.
	BBox aldyn.BBox
	// Lon0, Lat0 is the centre of the projection, the same for every grid.
	Lon0, Lat0 float64
	// Outside counts the points Add ignored.
	Outside int

	mPerDegLon, mPerDegLat float64
}

// SnapCell returns the cell size of the lattice nearest m metres (on a
// log scale): MinCellM·2ⁿ, never below MinCellM.
func SnapCell(m float64) float64 {
	if !(m > MinCellM) { // also NaN
		return MinCellM
	}
	return MinCellM * math.Exp2(math.Round(math.Log2(m/MinCellM)))
}

// NewGrid returns an empty grid of cellM-metre cells covering bbox. It
// refuses degenerate boxes and more than MaxGridCells cells.
func NewGrid(bbox aldyn.BBox, cellM float64) (*Grid, error) {
	for _, v := range []float64{bbox.MinLon, bbox.MinLat, bbox.MaxLon, bbox.MaxLat, cellM} {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, aldyn.Errorf(aldyn.EINVALID, "error.bad_param", "param", "bbox")
		}
	}
	if bbox.MinLon >= bbox.MaxLon || bbox.MinLat >= bbox.MaxLat || bbox.MinLat < -85 || bbox.MaxLat > 85 ||
		bbox.MinLon < -180 || bbox.MaxLon > 180 {
		return nil, aldyn.Errorf(aldyn.EINVALID, "error.bad_param", "param", "bbox")
	}
	if cellM <= 0 {
		return nil, aldyn.Errorf(aldyn.EINVALID, "error.bad_param", "param", "cell")
	}
	g := &Grid{CellM: cellM, BBox: bbox, Lon0: latticeLon0, Lat0: latticeLat0}
	g.mPerDegLat = earthRadiusM * math.Pi / 180
	g.mPerDegLon = g.mPerDegLat * math.Cos(g.Lat0*math.Pi/180)
	x0, y0 := g.project(bbox.MinLon, bbox.MinLat)
	x1, y1 := g.project(bbox.MaxLon, bbox.MaxLat)
	cx0, cy0 := math.Floor(x0/cellM), math.Floor(y0/cellM)
	nx := math.Floor(x1/cellM) - cx0 + 1
	ny := math.Floor(y1/cellM) - cy0 + 1
	if nx*ny > MaxGridCells {
		return nil, aldyn.Errorf(aldyn.ETOOLARGE, "error.too_large", "limit", fmt.Sprintf("%d grid cells", MaxGridCells))
	}
	g.X0, g.Y0, g.NX, g.NY = int(cx0), int(cy0), int(nx), int(ny)
	g.MinX, g.MinY = cx0*cellM, cy0*cellM
	g.Counts = make([]int32, g.NX*g.NY)
	return g, nil
}

func (g *Grid) project(lon, lat float64) (x, y float64) {
	return (lon - g.Lon0) * g.mPerDegLon, (lat - g.Lat0) * g.mPerDegLat
}

func (g *Grid) unproject(x, y float64) (lon, lat float64) {
	return g.Lon0 + x/g.mPerDegLon, g.Lat0 + y/g.mPerDegLat
}

// Extent returns the longitude/latitude box the cells cover, a hair
// wider so that rounding never leaves out a point of an edge cell (Cell
// decides). Select the points to Add by Extent, not BBox, or the cells of
// the edge columns and rows, partly empty, read as cold spots and differ
// from the same cells in another box.
func (g *Grid) Extent() aldyn.BBox {
	const hair = 1e-9 // degrees, about 0.1 mm
	minLon, minLat := g.unproject(g.MinX, g.MinY)
	maxLon, maxLat := g.unproject(g.MinX+float64(g.NX)*g.CellM, g.MinY+float64(g.NY)*g.CellM)
	return aldyn.BBox{MinLon: minLon - hair, MinLat: minLat - hair, MaxLon: maxLon + hair, MaxLat: maxLat + hair}
}

// Cell returns the cell holding a point, and false when the point lies
// outside the cells. A point on the edge between two cells belongs to the
// one east or north of it, in every grid alike: the cell is found from the
// point's lattice column and row, not from its place in this grid.
func (g *Grid) Cell(lon, lat float64) (int, bool) {
	x, y := g.project(lon, lat)
	fx := math.Floor(x/g.CellM) - float64(g.X0)
	fy := math.Floor(y/g.CellM) - float64(g.Y0)
	// The negated comparisons also reject NaN.
	if !(fx >= 0 && fx < float64(g.NX) && fy >= 0 && fy < float64(g.NY)) {
		return 0, false
	}
	return int(fy)*g.NX + int(fx), true
}

// Add counts one point, and reports false (counting it in Outside) when it
// lies outside the cells (see Extent).
func (g *Grid) Add(lon, lat float64) bool {
	i, ok := g.Cell(lon, lat)
	if !ok {
		g.Outside++
		return false
	}
	g.Counts[i]++
	return true
}

// CellBounds returns the longitude/latitude corners of cell i.
func (g *Grid) CellBounds(i int) aldyn.BBox {
	ix, iy := i%g.NX, i/g.NX
	x0, y0 := g.MinX+float64(ix)*g.CellM, g.MinY+float64(iy)*g.CellM
	minLon, minLat := g.unproject(x0, y0)
	maxLon, maxLat := g.unproject(x0+g.CellM, y0+g.CellM)
	return aldyn.BBox{MinLon: minLon, MinLat: minLat, MaxLon: maxLon, MaxLat: maxLat}
}

// AddSmallest adds to g the counts of o's cells that hold at least min
// points, and nothing of the others; o must be a grid of the same box and
// cell size. It is how sensitive records join a map: only in cells where
// they are at least min, so that a cell's count never reveals fewer.
func (g *Grid) AddSmallest(o *Grid, min int32) {
	if o.X0 != g.X0 || o.Y0 != g.Y0 || o.NX != g.NX || o.NY != g.NY || o.CellM != g.CellM {
		panic("stats: AddSmallest: grids of different cells")
	}
	for i, c := range o.Counts {
		if c >= min {
			g.Counts[i] += c
		}
	}
}

// CellAreaKm2 is the area of one cell in km².
func (g *Grid) CellAreaKm2() float64 { return g.CellM * g.CellM / 1e6 }

// CellForZoom returns a cell size in metres for a web-map zoom level:
// 40 km at zoom 6 (the whole country on screen), halving with each level
// so that a cell stays about 10–20 screen pixels wide, and never below
// 100 m, finer than the registers' coordinates deserve.
func CellForZoom(zoom int) float64 {
	zoom = max(0, min(zoom, 30))
	return math.Max(100, 40000*math.Pow(2, float64(6-zoom)))
}

// CellsAcrossBox is how many cells CellForBox lays across a box's longer
// side: about as many as CellForZoom gives across the screen.
const CellsAcrossBox = 32

// CellForBox picks a cell size for a box when no zoom says what is on
// screen: CellsAcrossBox cells across its longer side, so that a district
// gets cells of a few hundred metres and the country cells of tens of
// kilometres (callers snap it to the lattice).
func CellForBox(b aldyn.BBox) float64 {
	midLat := (b.MinLat + b.MaxLat) / 2 * math.Pi / 180
	w := (b.MaxLon - b.MinLon) * 111320 * math.Cos(midLat)
	h := (b.MaxLat - b.MinLat) * 110574
	return math.Max(MinCellM, math.Max(w, h)/CellsAcrossBox)
}

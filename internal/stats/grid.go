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

// Grid counts points in square cells of a local equirectangular projection
// centred on a bounding box (see the package comment). Cells are numbered
// row by row from the south-west corner: cell i is column i % NX, row
// i / NX.
type Grid struct {
	// MinX, MinY are the projected coordinates, in metres from the centre
	// of BBox, of the south-west corner of cell 0; CellM is the side of a
	// cell in metres.
	MinX, MinY, CellM float64
	NX, NY            int
	Counts            []int32
	// BBox is the box the grid was made for. The cells cover it and their
	// last column and row may reach past its east and north edges; Extent
	// is the box they cover.
	BBox aldyn.BBox
	// Lon0, Lat0 is the centre of the projection.
	Lon0, Lat0 float64
	// Outside counts the points Add ignored.
	Outside int

	mPerDegLon, mPerDegLat float64
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
	g := &Grid{
		CellM: cellM,
		BBox:  bbox,
		Lon0:  (bbox.MinLon + bbox.MaxLon) / 2,
		Lat0:  (bbox.MinLat + bbox.MaxLat) / 2,
	}
	g.mPerDegLat = earthRadiusM * math.Pi / 180
	g.mPerDegLon = g.mPerDegLat * math.Cos(g.Lat0*math.Pi/180)
	g.MinX, g.MinY = g.project(bbox.MinLon, bbox.MinLat)
	maxX, maxY := g.project(bbox.MaxLon, bbox.MaxLat)
	nx := math.Max(1, math.Ceil((maxX-g.MinX)/cellM))
	ny := math.Max(1, math.Ceil((maxY-g.MinY)/cellM))
	if nx*ny > MaxGridCells {
		return nil, aldyn.Errorf(aldyn.ETOOLARGE, "error.too_large", "limit", fmt.Sprintf("%d grid cells", MaxGridCells))
	}
	g.NX, g.NY = int(nx), int(ny)
	g.Counts = make([]int32, g.NX*g.NY)
	return g, nil
}

func (g *Grid) project(lon, lat float64) (x, y float64) {
	return (lon - g.Lon0) * g.mPerDegLon, (lat - g.Lat0) * g.mPerDegLat
}

func (g *Grid) unproject(x, y float64) (lon, lat float64) {
	return g.Lon0 + x/g.mPerDegLon, g.Lat0 + y/g.mPerDegLat
}

// Extent returns the longitude/latitude box the cells cover: BBox,
// stretched east and north to whole cells. Select the points to Add by
// Extent, not BBox, or the cells of the last column and row, partly empty,
// read as cold spots.
func (g *Grid) Extent() aldyn.BBox {
	minLon, minLat := g.unproject(g.MinX, g.MinY)
	maxLon, maxLat := g.unproject(g.MinX+float64(g.NX)*g.CellM, g.MinY+float64(g.NY)*g.CellM)
	return aldyn.BBox{MinLon: minLon, MinLat: minLat, MaxLon: maxLon, MaxLat: maxLat}
}

// Cell returns the cell holding a point, and false when the point lies
// outside the cells. Points on the outer edges of the last column and row
// belong to them.
func (g *Grid) Cell(lon, lat float64) (int, bool) {
	x, y := g.project(lon, lat)
	fx, fy := (x-g.MinX)/g.CellM, (y-g.MinY)/g.CellM
	// The negated comparisons also reject NaN.
	if !(fx >= 0 && fx <= float64(g.NX) && fy >= 0 && fy <= float64(g.NY)) {
		return 0, false
	}
	ix, iy := min(int(fx), g.NX-1), min(int(fy), g.NY-1)
	return iy*g.NX + ix, true
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

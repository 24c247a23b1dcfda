package opendata

import (
	"context"
	"fmt"
	"slices"

	"github.com/paulmach/orb"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/stats"
	"github.com/aldyn-kg/aldyn/internal/store"
)

// The offense grid: located records counted in square cells of the
// country's lattice (stats.Grid) by category group and quarter.
//
//   - One cell size (GridCellM, 8 km) and whole calendar quarters: fixed
//     levels, so no two releases cut the same ground differently.
//   - A published cell is (grid square ∩ district): each district's part
//     of a square is its own row, its GeoJSON geometry the square cut by
//     the district's boundary (or, for a district without one, by its
//     oblast's). A record counts in its own district's part, never in
//     another's: one geocoded where its district holds no ground of the
//     square (just over the boundary) counts in the nearest square where
//     it does. Records are never moved to a cell centre.
//   - Suppression is decided within each district's own table: a
//     district's cells are one Cube, so no two districts' withheld cells
//     depend on each other.
//   - Each district's cells add up to its located records of the group and
//     quarter, which the monthly table nearly publishes; the grid takes
//     that total as known, and suppression makes sure no withheld cell
//     follows from it (zeros may be complements here: each cell is in one
//     sum only).
//   - Sensitive categories and subgroups are left out.
//   - A district whose records all lie in one cell is left out: that
//     cell would be its total, withheld or not.
//   - A cell of a district with no row counts 0 there (published zeros are
//     left out, but a zero may be withheld as a complement).

// GridCellM is the grid's cell side in metres (a lattice size).
const GridCellM = stats.MinCellM * 32

// GridQuarters is how many whole quarters, up to the last, the grid
// covers.
const GridQuarters = 8

// categoryGroups maps the published categories to the grid's groups.
var categoryGroups = map[string]string{
	aldyn.CategoryMurder: "violent", aldyn.CategoryGraveHarm: "violent", aldyn.CategoryRobberyViolent: "violent",
	aldyn.CategoryRobbery: "property", aldyn.CategoryTheft: "property", aldyn.CategoryFraud: "property", aldyn.CategoryExtortion: "property",
	aldyn.CategoryDrugs: "drugs", aldyn.CategoryHooliganism: "public_order", aldyn.CategoryTraffic: "traffic", aldyn.CategoryOther: "other",
}

func buildOffenseGrid(ctx context.Context, in Input) ([]*Table, error) {
	g, until, err := quarterly(ctx, in)
	if err != nil {
		return nil, err
	}
	from := until.AddDate(0, -3*GridQuarters, 0)
	grid, err := stats.NewGrid(aldyn.BBox{MinLon: aldyn.MinLon, MinLat: aldyn.MinLat, MaxLon: aldyn.MaxLon, MaxLat: aldyn.MaxLat}, GridCellM)
	if err != nil {
		return nil, err
	}
	pieces, err := loadPieces(ctx, in.DB, grid)
	if err != nil {
		return nil, err
	}
	type key struct {
		district string
		group    string
		yq       int
		cell     int
	}
	counts := map[key]int64{}
	err = in.DB.OpenGridLocations(ctx, from, until, func(l *store.GridLocation) error {
		if in.SensitiveCategory(l.Category) || aldyn.IsSensitive(l.Category, l.Subgroup) {
			return nil
		}
		c, ok := grid.Cell(l.Lon, l.Lat)
		if !ok {
			return nil
		}
		counts[key{ancestor(l.TerritoryPath, 3), categoryGroups[l.Category], l.Year*10 + (l.Month-1)/3 + 1, c}]++
		return nil
	})
	if err != nil {
		return nil, err
	}
	// Move the counts of squares where a district holds no ground to its
	// nearest square where it does (see above); per district and square,
	// not per record.
	moved := map[key]int64{}
	cellsOf := map[string][]int{} // district → its cells with any record
	for k, n := range counts {
		b := pieces.boundaryOf(k.district)
		cell, ok := pieces.nearestPiece(b, k.cell)
		if !ok {
			continue // no ground of the district within reach of the grid
		}
		k.cell = cell
		moved[k] += n
		if !slices.Contains(cellsOf[k.district], cell) {
			cellsOf[k.district] = append(cellsOf[k.district], cell)
		}
	}
	counts = moved
	groups := []string{"violent", "property", "drugs", "public_order", "traffic", "other"}
	districts := make([]string, 0, len(cellsOf))
	for d, cs := range cellsOf {
		if len(cs) < 2 {
			// All the district's located records lie in one cell: the
			// cell would equal the district's total whatever is withheld.
			continue
		}
		slices.Sort(cs)
		districts = append(districts, d)
	}
	slices.Sort(districts)
	group := Field{Name: "category_group", Type: "string", Title: aldyn.Text{KY: "Категориялар тобу", RU: "Группа категорий", EN: "Category group"},
		Description: aldyn.Text{
			KY: "violent — зомбулук (киши өлтүрүү, ден соолукка оор зыян, каракчылык); property — мүлккө каршы (тоноо, уурулук, алдамчылык, опузалап талап кылуу); drugs — баңгизат; public_order — бейбаштык; traffic — жол кыймылы; other — башкалар.",
			RU: "violent — насильственные (убийства, тяжкий вред здоровью, разбой); property — имущественные (грабёж, кража, мошенничество, вымогательство); drugs — наркотики; public_order — хулиганство; traffic — дорожное движение; other — прочие.",
			EN: "violent (murder, grave harm, violent robbery); property (robbery, theft, fraud, extortion); drugs; public_order (hooliganism); traffic; other.",
		}}
	cellField := Field{Name: "cell", Type: "string", Title: aldyn.Text{KY: "Уяча", RU: "Ячейка", EN: "Cell"},
		Description: aldyn.Text{
			KY: "Торчонун уячасы: тилкеси_катары, 8 км квадрат, өлкөнүн бирдиктүү торунда. Сап — квадраттын ушул райондун чегиндеги бөлүгү; GeoJSONдо ошол бөлүктүн чектери (район чеги жок болсо — облустун чеги менен кесилген).",
			RU: "Ячейка сетки: столбец_строка, квадрат 8 км в единой сетке страны. Строка — часть квадрата в границах этого района; в GeoJSON — контур этой части (если границы района нет — квадрат, обрезанный границей области).",
			EN: "The grid cell as column_row: an 8 km square of the country's one lattice. A row is the square's part inside this district; the GeoJSON gives that part's outline (the square cut by the oblast's boundary where the district has none).",
		}}
	fields := []Field{fieldYear, fieldQuarter, group, cellField, fieldLevel, fieldCode, fieldNameKy, fieldNameRu, fieldNameEn}
	title := aldyn.Text{KY: "Торчонун уячалары", RU: "Ячейки сетки", EN: "Grid cells"}
	var t *Table
	for _, d := range districts {
		// One district's table: its suppression is decided apart from
		// every other district's.
		c := NewCube()
		c.ZeroComplements, c.OmitZeros = true, true
		tr, ok := g.byPath[d]
		level := LevelDistrict
		if !ok || depth(d) < 3 {
			level = LevelUnallocated
		}
		b := pieces.boundaryOf(d)
		for q := from; q.Before(until); q = q.AddDate(0, 3, 0) {
			y, qn := q.Year(), (int(q.Month())-1)/3+1
			for _, grp := range groups {
				var parts []int
				var total int64
				for _, cell := range cellsOf[d] {
					n := counts[key{d, grp, y*10 + qn, cell}]
					total += n
					i := c.Add(fmt.Sprintf("%d-%d|%s|%d", y, qn, grp, cell), []any{int64(y), int64(qn), grp,
						fmt.Sprintf("%d_%d", grid.X0+cell%grid.NX, grid.Y0+cell/grid.NX), level, code(d), tr.NameKy, tr.NameRu, tr.NameEn}, n)
					c.SetShape(i, pieces.piece(b, cell))
					parts = append(parts, i)
				}
				// The district's located total is taken as known.
				c.Sum(c.AddKnown(fmt.Sprintf("%d-%d|%s|total", y, qn, grp), total), parts)
			}
		}
		dt, err := c.Table("cells", title, fields, fieldCount, Derived{}, in.K, true)
		if err != nil {
			return nil, err
		}
		if t == nil {
			t = dt
			continue
		}
		t.Rows = append(t.Rows, dt.Rows...)
		t.Flags = append(t.Flags, dt.Flags...)
		t.Shapes = append(t.Shapes, dt.Shapes...)
	}
	if t == nil {
		// No district with records in two cells: an empty table.
		var err error
		if t, err = NewCube().Table("cells", title, fields, fieldCount, Derived{}, in.K, true); err != nil {
			return nil, err
		}
		t.Shapes = []orb.MultiPolygon{}
	}
	return []*Table{t}, nil
}

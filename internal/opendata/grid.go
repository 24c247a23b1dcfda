package opendata

import (
	"context"
	"fmt"
	"slices"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/stats"
	"github.com/aldyn-kg/aldyn/internal/store"
)

// The offense grid: located records counted in square cells of the
// country's lattice (stats.Grid) by category group and quarter.
//
//   - One cell size (GridCellM, 8 km) and whole calendar quarters: fixed
//     levels, so no two releases cut the same ground differently.
//   - A cell is counted per district: records are never moved across a
//     district boundary to a cell centre, and each district's part of a
//     cell is its own row (its GeoJSON square is the whole cell).
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
	type key struct {
		district string
		group    string
		yq       int
		cell     int
	}
	counts := map[key]int64{}
	cellsOf := map[string][]int{} // district → its cells with any record
	seen := map[[2]any]bool{}
	err = in.DB.OpenGridLocations(ctx, from, until, func(l *store.GridLocation) error {
		if in.SensitiveCategory(l.Category) || aldyn.IsSensitive(l.Category, l.Subgroup) {
			return nil
		}
		c, ok := grid.Cell(l.Lon, l.Lat)
		if !ok {
			return nil
		}
		d := ancestor(l.TerritoryPath, 3)
		counts[key{d, categoryGroups[l.Category], l.Year*10 + (l.Month-1)/3 + 1, c}]++
		if k := [2]any{d, c}; !seen[k] {
			seen[k] = true
			cellsOf[d] = append(cellsOf[d], c)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
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
	c := NewCube()
	for q := from; q.Before(until); q = q.AddDate(0, 3, 0) {
		y, qn := q.Year(), (int(q.Month())-1)/3+1
		for _, grp := range groups {
			for _, d := range districts {
				t, ok := g.byPath[d]
				level := LevelDistrict
				if !ok || depth(d) < 3 {
					level = LevelUnallocated
				}
				var parts []int
				var total int64
				for _, cell := range cellsOf[d] {
					n := counts[key{d, grp, y*10 + qn, cell}]
					total += n
					b := grid.CellBounds(cell)
					id := fmt.Sprintf("%d-%d|%s|%s|%d", y, qn, grp, d, cell)
					i := c.Add(id, []any{int64(y), int64(qn), grp, fmt.Sprintf("%d_%d", grid.X0+cell%grid.NX, grid.Y0+cell/grid.NX), level, code(d),
						t.NameKy, t.NameRu, t.NameEn}, n)
					c.SetCell(i, b)
					parts = append(parts, i)
				}
				// The district's located total is taken as known.
				c.Sum(c.AddKnown(fmt.Sprintf("%d-%d|%s|%s|total", y, qn, grp, d), total), parts)
			}
		}
	}
	c.ZeroComplements, c.OmitZeros = true, true
	group := Field{Name: "category_group", Type: "string", Title: aldyn.Text{KY: "Категориялар тобу", RU: "Группа категорий", EN: "Category group"},
		Description: aldyn.Text{
			KY: "violent — зомбулук (киши өлтүрүү, ден соолукка оор зыян, каракчылык); property — мүлккө каршы (тоноо, уурулук, алдамчылык, опузалап талап кылуу); drugs — баңгизат; public_order — бейбаштык; traffic — жол кыймылы; other — башкалар.",
			RU: "violent — насильственные (убийства, тяжкий вред здоровью, разбой); property — имущественные (грабёж, кража, мошенничество, вымогательство); drugs — наркотики; public_order — хулиганство; traffic — дорожное движение; other — прочие.",
			EN: "violent (murder, grave harm, violent robbery); property (robbery, theft, fraud, extortion); drugs; public_order (hooliganism); traffic; other.",
		}}
	cellField := Field{Name: "cell", Type: "string", Title: aldyn.Text{KY: "Уяча", RU: "Ячейка", EN: "Cell"},
		Description: aldyn.Text{
			KY: "Торчонун уячасы: тилкеси_катары, 8 км квадрат, өлкөнүн бирдиктүү торунда; GeoJSONдо анын чектери.",
			RU: "Ячейка сетки: столбец_строка, квадрат 8 км в единой сетке страны; в GeoJSON — её границы.",
			EN: "The grid cell as column_row: an 8 km square of the country's one lattice; its bounds are in the GeoJSON.",
		}}
	t, err := c.Table("cells", aldyn.Text{KY: "Торчонун уячалары", RU: "Ячейки сетки", EN: "Grid cells"},
		[]Field{fieldYear, fieldQuarter, group, cellField, fieldLevel, fieldCode, fieldNameKy, fieldNameRu, fieldNameEn}, fieldCount, Derived{}, in.K, true)
	if err != nil {
		return nil, err
	}
	return []*Table{t}, nil
}

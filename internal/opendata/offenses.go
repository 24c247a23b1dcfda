package opendata

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/importer"
	"github.com/aldyn-kg/aldyn/internal/stats"
	"github.com/aldyn-kg/aldyn/internal/store"
)

// The offense datasets. Both publish fixed periods (whole calendar months
// or quarters, up to the last complete month) at fixed territory levels
// (the country, its regions, their districts), never an arbitrary range,
// so that no two published figures differ by a few records (differencing).
//
//   - offenses-monthly: the categories that are not sensitive × country,
//     region and district × month, with each territory's total; the
//     records of the sensitive subgroups are taken out of their category.
//   - sensitive-offenses-quarterly: rape and the sensitive subgroups ×
//     country and region × quarter, with no total across them.

// Levels of the territory column.
const (
	LevelCountry  = "country"
	LevelRegion   = "region"
	LevelDistrict = "district"
	// LevelUnallocated holds the records a register coded to a region or
	// the country without naming a district: the parts of a territory sum
	// to it only with them.
	LevelUnallocated = "unallocated"
)

// TotalCategory is the category column of a territory's total over the
// published categories.
const TotalCategory = "total"

// StatsSource is the Source of datasets built from offense records and
// populations: store.StatsVersion (imports, territories, populations and
// the minimum cell count).
func StatsSource(ctx context.Context, db *store.DB) (string, error) { return db.StatsVersion(ctx) }

// SensitiveCategory reports whether records of a category are published
// only in the sensitive dataset: aldyn.IsSensitive, the classification's
// sensitive categories, and those administrators marked
// (disclosure.MarkedSensitive, in Input.Marked).
func (in Input) SensitiveCategory(code string) bool {
	if aldyn.IsSensitive(code, "") || slices.Contains(in.Marked, code) {
		return true
	}
	for _, c := range importer.Categories {
		if c.Code == code {
			return c.Sensitive
		}
	}
	return false
}

// sensitiveSeries are the rows of the sensitive dataset: the sensitive
// categories, then the sensitive subgroups.
func (in Input) sensitiveSeries() []string {
	var out []string
	for _, c := range aldyn.OffenseCategories {
		if in.SensitiveCategory(c) {
			out = append(out, c)
		}
	}
	return append(out, aldyn.SubgroupDomesticViolence, aldyn.SubgroupCrimesAgainstChildren)
}

// publicCategories are the categories of offenses-monthly.
func (in Input) publicCategories() []string {
	var out []string
	for _, c := range aldyn.OffenseCategories {
		if !in.SensitiveCategory(c) {
			out = append(out, c)
		}
	}
	return out
}

// geography is the territory tree the offense datasets publish: the
// country, its regions and their districts, with names.
type geography struct {
	byPath map[string]aldyn.Territory
	// leaves are the paths of districts (depth 3), regions and the
	// country in path order.
	country   string
	regions   []string
	districts map[string][]string // region path → district paths
	pops      map[string][]aldyn.Population
}

func loadGeography(ctx context.Context, db *store.DB) (*geography, error) {
	ts, err := db.TerritoryNames(ctx)
	if err != nil {
		return nil, err
	}
	pops, err := db.AllPopulations(ctx)
	if err != nil {
		return nil, err
	}
	g := &geography{byPath: map[string]aldyn.Territory{}, districts: map[string][]string{}, pops: pops}
	for _, t := range ts {
		if t.Level == aldyn.LevelPrecinct {
			continue
		}
		switch depth(t.Path) {
		case 1:
			g.country = t.Path
		case 2:
			g.regions = append(g.regions, t.Path)
		case 3:
			g.districts[t.Path[:31]] = append(g.districts[t.Path[:31]], t.Path)
		default:
			continue
		}
		g.byPath[t.Path] = t
	}
	slices.Sort(g.regions)
	for _, ds := range g.districts {
		slices.Sort(ds)
	}
	if g.country == "" {
		return nil, fmt.Errorf("opendata: no country in the territories")
	}
	return g, nil
}

// depth is the depth of a materialised path ("/41…/" is 1).
func depth(path string) int { return max(strings.Count(path, "/")-1, 0) }

// ancestor is the path at depth d of path (path itself when not deeper).
func ancestor(path string, d int) string {
	if len(path) > 1+15*d {
		return path[:1+15*d]
	}
	return path
}

func code(path string) string { return path[len(path)-15 : len(path)-1] }

// territoryKey is the key values of a territory row: level, code, names.
func (g *geography) territoryKey(path, level string) []any {
	t := g.byPath[path]
	return []any{level, t.Code, t.NameKy, t.NameRu, t.NameEn}
}

// Fields shared by the offense tables.
var (
	fieldLevel = Field{Name: "level", Type: "string",
		Title: aldyn.Text{KY: "Деңгээл", RU: "Уровень", EN: "Level"},
		Description: aldyn.Text{
			KY: "country — өлкө, region — облус же республикалык шаар, district — район же шаар; unallocated — райондун аты көрсөтүлбөгөн жазуулар.",
			RU: "country — страна, region — область или город республиканского значения, district — район или город; unallocated — записи без указания района.",
			EN: "country, region (an oblast or a city of republican significance), district (a rayon or a city); unallocated: records the register coded without a district.",
		}}
	fieldCode = Field{Name: "territory_code", Type: "string",
		Title:       aldyn.Text{KY: "СОАТЕ коду", RU: "Код СОАТЕ", EN: "SOATE code"},
		Description: aldyn.Text{KY: "Аймактын 14 орундуу СОАТЕ коду.", RU: "14-значный код территории по СОАТЕ.", EN: "The territory's 14-digit SOATE code."}}
	fieldNameKy = Field{Name: "territory_ky", Type: "string", Title: aldyn.Text{KY: "Аймак (кыргызча)", RU: "Территория (на кыргызском)", EN: "Territory (Kyrgyz)"},
		Description: aldyn.Text{KY: "Аймактын кыргызча аталышы.", RU: "Название территории на кыргызском.", EN: "The territory's name in Kyrgyz."}}
	fieldNameRu = Field{Name: "territory_ru", Type: "string", Title: aldyn.Text{KY: "Аймак (орусча)", RU: "Территория (на русском)", EN: "Territory (Russian)"},
		Description: aldyn.Text{KY: "Аймактын орусча аталышы.", RU: "Название территории на русском.", EN: "The territory's name in Russian."}}
	fieldNameEn = Field{Name: "territory_en", Type: "string", Title: aldyn.Text{KY: "Аймак (англисче)", RU: "Территория (на английском)", EN: "Territory (English)"},
		Description: aldyn.Text{KY: "Аймактын англисче аталышы.", RU: "Название территории на английском.", EN: "The territory's name in English."}}
	fieldCategory = Field{Name: "category", Type: "string",
		Title: aldyn.Text{KY: "Категория", RU: "Категория", EN: "Category"},
		Description: aldyn.Text{
			KY: "Концепциянын 1-таблицасындагы укук бузуулардын категориясынын коду; total — жарыяланган категориялардын жыйындысы.",
			RU: "Код категории правонарушений по таблице 1 Концепции; total — сумма публикуемых категорий.",
			EN: "The offense category's code (Table 1 of the Concept); total: the sum of the published categories.",
		}}
	fieldCount = Field{Name: "count", Type: "integer",
		Title:       aldyn.Text{KY: "Саны", RU: "Число", EN: "Count"},
		Description: aldyn.Text{KY: "Катталган укук бузуулардын саны.", RU: "Число зарегистрированных правонарушений.", EN: "The number of registered offenses."}}
	fieldRate = Field{Name: "rate_per_100k", Type: "number", Unit: "per 100,000 residents a year",
		Title: aldyn.Text{KY: "100 миң тургунга (жылдык)", RU: "На 100 тыс. жителей (в год)", EN: "Per 100,000 residents (annualised)"},
		Description: aldyn.Text{
			KY: "Бир жылга эсептелген 100 000 тургунга туура келген саны; калктын саны population_year жылындагы.",
			RU: "Число на 100 000 жителей в пересчёте на год; численность населения за год population_year.",
			EN: "The count per 100,000 residents, annualised, with the population of population_year.",
		}}
	fieldPopYear = Field{Name: "population_year", Type: "year",
		Title:       aldyn.Text{KY: "Калктын жылы", RU: "Год населения", EN: "Population year"},
		Description: aldyn.Text{KY: "Көрсөткүч эсептелген калктын санынын жылы.", RU: "Год численности населения, по которой вычислен показатель.", EN: "The year of the population figure the rate was computed with."}}
)

// lastCompleteMonth is the start of now's month: periods end there.
func lastCompleteMonth(now time.Time) time.Time {
	return time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC)
}

// dataUntil is the end of the periods published: the start of now's month,
// or the month after the latest month with records when that is earlier
// (months not imported yet are not published as zeros).
func dataUntil(ctx context.Context, db *store.DB, now time.Time) (time.Time, error) {
	until := lastCompleteMonth(now)
	rows, err := db.OffenseCounts(ctx, aldyn.CountsQuery{By: []string{aldyn.ByYear, aldyn.ByMonth}, To: &until})
	if err != nil || len(rows) == 0 {
		return until, err
	}
	last := rows[len(rows)-1]
	return time.Date(last.Year, time.Month(last.Month), 1, 0, 0, 0, 0, time.UTC).AddDate(0, 1, 0), nil
}

func buildOffensesMonthly(ctx context.Context, in Input) ([]*Table, error) {
	g, err := loadGeography(ctx, in.DB)
	if err != nil {
		return nil, err
	}
	until, err := dataUntil(ctx, in.DB, in.Now)
	if err != nil {
		return nil, err
	}
	rows, err := in.DB.OffenseCounts(ctx, aldyn.CountsQuery{By: []string{aldyn.ByTerritory, aldyn.ByCategory, aldyn.ByYear, aldyn.ByMonth},
		Depth: aldyn.DepthDistrict, To: &until})
	if err != nil {
		return nil, err
	}
	subs, err := in.DB.SensitiveSubgroupCounts(ctx)
	if err != nil {
		return nil, err
	}
	paths, err := in.DB.TerritoryPaths(ctx)
	if err != nil {
		return nil, err
	}
	cats := in.publicCategories()
	type leafKey struct {
		path, cat string
		ym        int
	}
	leaves := map[leafKey]int64{}
	first := until
	for _, r := range rows {
		if in.SensitiveCategory(r.Category) {
			continue
		}
		p, ok := paths[r.TerritoryCode]
		if !ok {
			continue
		}
		leaves[leafKey{ancestor(p, 3), r.Category, r.Year*100 + r.Month}] += r.Count
		if m := time.Date(r.Year, time.Month(r.Month), 1, 0, 0, 0, 0, time.UTC); m.Before(first) {
			first = m
		}
	}
	for _, s := range subs {
		// The sensitive subgroups leave their category here.
		k := leafKey{ancestor(s.TerritoryPath, 3), s.Category, s.Year*100 + s.Month}
		if _, ok := leaves[k]; ok {
			leaves[k] -= s.Count
		}
	}
	// Every published cell's count, summed from the leaves: key level,
	// path, category, month.
	type aggKey struct {
		level, path, cat string
		ym               int
	}
	agg := map[aggKey]int64{}
	unalloc := map[string]bool{} // region or country paths with unallocated records
	for k, n := range leaves {
		var at []aggKey
		switch depth(k.path) {
		case 3:
			at = []aggKey{{LevelDistrict, k.path, "", k.ym}, {LevelRegion, k.path[:31], "", k.ym}, {LevelCountry, k.path[:16], "", k.ym}}
		case 2:
			unalloc[k.path] = true
			at = []aggKey{{LevelUnallocated, k.path, "", k.ym}, {LevelRegion, k.path, "", k.ym}, {LevelCountry, k.path[:16], "", k.ym}}
		default:
			unalloc[k.path] = true
			at = []aggKey{{LevelUnallocated, k.path, "", k.ym}, {LevelCountry, k.path, "", k.ym}}
		}
		for _, a := range at {
			a.cat = k.cat
			agg[a] += n
			a.cat = TotalCategory
			agg[a] += n
		}
	}
	c := NewCube()
	for m := first; m.Before(until); m = m.AddDate(0, 1, 0) {
		ym := m.Year()*100 + int(m.Month())
		period := m.Format("2006-01")
		cell := func(path, level, cat string) int {
			id := fmt.Sprintf("%s|%s|%s|%s", period, level, path, cat)
			key := append([]any{period}, g.territoryKey(path, level)...)
			key = append(key, cat)
			return c.Add(id, key, agg[aggKey{level, path, cat, ym}])
		}
		// row adds a territory's categories and total, returning their cells.
		row := func(path, level string) []int {
			out := make([]int, 0, len(cats)+1)
			for _, cat := range append(slices.Clone(cats), TotalCategory) {
				out = append(out, cell(path, level, cat))
			}
			return out
		}
		countryRow := row(g.country, LevelCountry)
		var regionRows [][]int
		for _, rp := range g.regions {
			rr := row(rp, LevelRegion)
			regionRows = append(regionRows, rr)
			var parts [][]int
			for _, dp := range g.districts[rp] {
				parts = append(parts, row(dp, LevelDistrict))
			}
			if unalloc[rp] {
				parts = append(parts, row(rp, LevelUnallocated))
			}
			sumUp(c, rr, parts)
		}
		if unalloc[g.country] {
			regionRows = append(regionRows, row(g.country, LevelUnallocated))
		}
		sumUp(c, countryRow, regionRows)
	}
	// Totals over categories, for every territory row of every month.
	rowsByTerritory := map[string][]int{}
	for i := 0; i < c.Len(); i++ {
		k := c.keys[i]
		id := fmt.Sprint(k[0], k[1], k[2])
		rowsByTerritory[id] = append(rowsByTerritory[id], i)
	}
	for _, cells := range rowsByTerritory {
		// cells are the categories in order, the total last.
		c.Sum(cells[len(cells)-1], cells[:len(cells)-1])
	}
	rate := Derived{Fields: []Field{fieldRate, fieldPopYear}, Values: func(i int, n int64) []any {
		k := c.keys[i]
		if k[1] == LevelUnallocated {
			return []any{nil, nil}
		}
		from, _ := time.Parse("2006-01", k[0].(string))
		r, ok := stats.AnnualRate(n, from, from.AddDate(0, 1, 0), g.pops[k[2].(string)])
		if !ok {
			return []any{nil, nil}
		}
		return []any{r.PerYear, int64(r.PopulationYears[len(r.PopulationYears)-1])}
	}}
	month := Field{Name: "month", Type: "yearmonth",
		Title:       aldyn.Text{KY: "Ай", RU: "Месяц", EN: "Month"},
		Description: aldyn.Text{KY: "Укук бузуу болгон (белгисиз болсо катталган) календардык ай.", RU: "Календарный месяц совершения (если неизвестен — регистрации).", EN: "The calendar month the offense happened (or was registered, when that is unknown)."}}
	t, err := c.Table("counts", aldyn.Text{KY: "Айлар боюнча саны", RU: "Число по месяцам", EN: "Counts by month"},
		[]Field{month, fieldLevel, fieldCode, fieldNameKy, fieldNameRu, fieldNameEn, fieldCategory}, fieldCount, rate, in.K, false)
	if err != nil {
		return nil, err
	}
	return []*Table{t}, nil
}

// sumUp records that each cell of total is the sum of the same cell of
// every row of parts (same category order).
func sumUp(c *Cube, total []int, parts [][]int) {
	for j, tc := range total {
		ps := make([]int, len(parts))
		for i, p := range parts {
			ps[i] = p[j]
		}
		c.Sum(tc, ps)
	}
}

// quarterly loads the geography of a quarterly table and the end of its
// last whole quarter.
func quarterly(ctx context.Context, in Input) (*geography, time.Time, error) {
	g, err := loadGeography(ctx, in.DB)
	if err != nil {
		return nil, time.Time{}, err
	}
	until, err := dataUntil(ctx, in.DB, in.Now)
	if err != nil {
		return nil, time.Time{}, err
	}
	return g, time.Date(until.Year(), time.Month((int(until.Month())-1)/3*3+1), 1, 0, 0, 0, 0, time.UTC), nil
}

var (
	fieldYear = Field{Name: "year", Type: "year", Title: aldyn.Text{KY: "Жыл", RU: "Год", EN: "Year"},
		Description: aldyn.Text{KY: "Календардык жыл.", RU: "Календарный год.", EN: "The calendar year."}}
	fieldQuarter = Field{Name: "quarter", Type: "integer", Title: aldyn.Text{KY: "Чейрек", RU: "Квартал", EN: "Quarter"},
		Description: aldyn.Text{KY: "Жылдын чейреги, 1ден 4кө чейин.", RU: "Квартал года, от 1 до 4.", EN: "The quarter of the year, 1 to 4."}}
)

func buildSensitiveQuarterly(ctx context.Context, in Input) ([]*Table, error) {
	g, until, err := quarterly(ctx, in)
	if err != nil {
		return nil, err
	}
	paths, err := in.DB.TerritoryPaths(ctx)
	if err != nil {
		return nil, err
	}
	type cellKey struct {
		level, path, series string
		yq                  int
	}
	counts := map[cellKey]int64{}
	unalloc := map[string]bool{}
	first := until
	add := func(path, series string, y, m int, n int64) {
		day := time.Date(y, time.Month(m), 1, 0, 0, 0, 0, time.UTC)
		if !day.Before(until) {
			return
		}
		p := ancestor(path, 2)
		yq := y*10 + (m-1)/3 + 1
		if depth(p) < 2 {
			unalloc[p] = true
			counts[cellKey{LevelUnallocated, p, series, yq}] += n
		} else {
			counts[cellKey{LevelRegion, p, series, yq}] += n
		}
		counts[cellKey{LevelCountry, p[:16], series, yq}] += n
		q := time.Date(y, time.Month((m-1)/3*3+1), 1, 0, 0, 0, 0, time.UTC)
		if q.Before(first) {
			first = q
		}
	}
	var sens []string
	for _, cat := range aldyn.OffenseCategories {
		if in.SensitiveCategory(cat) {
			sens = append(sens, cat)
		}
	}
	if len(sens) > 0 {
		rows, err := in.DB.OffenseCounts(ctx, aldyn.CountsQuery{By: []string{aldyn.ByTerritory, aldyn.ByCategory, aldyn.ByYear, aldyn.ByMonth},
			Depth: aldyn.DepthRegion, To: &until, Categories: sens})
		if err != nil {
			return nil, err
		}
		for _, r := range rows {
			if p, ok := paths[r.TerritoryCode]; ok {
				add(p, r.Category, r.Year, r.Month, r.Count)
			}
		}
	}
	subs, err := in.DB.SensitiveSubgroupCounts(ctx)
	if err != nil {
		return nil, err
	}
	for _, s := range subs {
		add(s.TerritoryPath, s.Subgroup, s.Year, s.Month, s.Count)
	}
	c := NewCube()
	series := in.sensitiveSeries()
	for q := first; q.Before(until); q = q.AddDate(0, 3, 0) {
		y, qn := q.Year(), (int(q.Month())-1)/3+1
		for _, s := range series {
			cell := func(path, level string) int {
				id := fmt.Sprintf("%d-%d|%s|%s|%s", y, qn, level, path, s)
				key := append([]any{int64(y), int64(qn)}, g.territoryKey(path, level)...)
				key = append(key, s)
				return c.Add(id, key, counts[cellKey{level, path, s, y*10 + qn}])
			}
			total := cell(g.country, LevelCountry)
			var parts []int
			for _, rp := range g.regions {
				parts = append(parts, cell(rp, LevelRegion))
			}
			if unalloc[g.country] {
				parts = append(parts, cell(g.country, LevelUnallocated))
			}
			c.Sum(total, parts)
		}
	}
	series_ := Field{Name: "series", Type: "string", Title: aldyn.Text{KY: "Катар", RU: "Ряд", EN: "Series"},
		Description: aldyn.Text{
			KY: "rape — зордуктоо; domestic_violence — үй-бүлөлүк зомбулук; crimes_against_children — балдарга каршы кылмыштар (зордуктоодон башкалары).",
			RU: "rape — изнасилование; domestic_violence — семейное насилие; crimes_against_children — преступления против детей (кроме изнасилований).",
			EN: "rape; domestic_violence; crimes_against_children (other than rape).",
		}}
	rate := Derived{Fields: []Field{fieldRate, fieldPopYear}, Values: func(i int, n int64) []any {
		k := c.keys[i]
		if k[2] == LevelUnallocated {
			return []any{nil, nil}
		}
		from := time.Date(int(k[0].(int64)), time.Month(3*(k[1].(int64)-1)+1), 1, 0, 0, 0, 0, time.UTC)
		r, ok := stats.AnnualRate(n, from, from.AddDate(0, 3, 0), g.pops[k[3].(string)])
		if !ok {
			return []any{nil, nil}
		}
		return []any{r.PerYear, int64(r.PopulationYears[len(r.PopulationYears)-1])}
	}}
	t, err := c.Table("counts", aldyn.Text{KY: "Чейректер боюнча саны", RU: "Число по кварталам", EN: "Counts by quarter"},
		[]Field{fieldYear, fieldQuarter, fieldLevel, fieldCode, fieldNameKy, fieldNameRu, fieldNameEn, series_}, fieldCount, rate, in.K, false)
	if err != nil {
		return nil, err
	}
	return []*Table{t}, nil
}

// TerritoryFields are the key fields of a territory row (level, SOATE
// code, names), for other modules' tables: see territoryKey.
var TerritoryFields = []Field{fieldLevel, fieldCode, fieldNameKy, fieldNameRu, fieldNameEn}

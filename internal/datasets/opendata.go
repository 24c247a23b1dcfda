package datasets

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/opendata"
	"github.com/aldyn-kg/aldyn/internal/store"
)

// Reported figures are published as yearly sums of accepted values: the
// non-sensitive shipped data sets only, by element × disaggregation option
// × country, region and district × calendar year, under the disclosure
// policy. Figures of bodies above the districts (a region's own
// department) reach the region only: its unallocated row.
func init() {
	opendata.Register(opendata.Dataset{
		Slug: "reported-figures-yearly", Theme: opendata.ThemeOfficial, Frequency: opendata.Irregular,
		Keywords:    []string{"reporting", "statistics", "police", "kyrgyzstan"},
		Title:       opendata.Message("datasets.open.title"),
		Description: opendata.Message("datasets.open.description"),
		Source:      opendata.WritesSource, Build: buildFiguresYearly,
	})
}

// publicElements returns, for each non-sensitive shipped data set that is
// active, its integer elements that may be summed over a year: element
// code → data set code.
func publicElements(ctx context.Context, db *store.DB) (map[string]string, []string, error) {
	s, err := Concept()
	if err != nil {
		return nil, nil, err
	}
	types := map[string]shippedElement{}
	for _, e := range s.Elements {
		types[e.Code] = e
	}
	out := map[string]string{}
	var order []string
	for _, ds := range s.DataSets {
		if ds.Sensitive {
			continue
		}
		active, err := db.FindActiveDataSet(ctx, ds.Code)
		if err != nil || active.Sensitive {
			continue // not installed, or marked sensitive since
		}
		for _, code := range ds.Elements {
			e := types[code]
			if e.ValueType != "integer" || (e.Aggregation == "last" && ds.PeriodType != aldyn.PeriodYear) {
				continue
			}
			out[code] = ds.Code
			order = append(order, code)
		}
	}
	return out, order, nil
}

func buildFiguresYearly(ctx context.Context, in opendata.Input) ([]*opendata.Table, error) {
	elems, order, err := publicElements(ctx, in.DB)
	if err != nil {
		return nil, err
	}
	ts, err := in.DB.TerritoryNames(ctx)
	if err != nil {
		return nil, err
	}
	byCode := map[string]aldyn.Territory{}
	var country string
	var regions []string
	districts := map[string][]string{} // region code → its districts' codes
	byPath := map[string]string{}
	for _, t := range ts {
		byCode[t.Code] = t
		byPath[t.Path] = t.Code
	}
	for _, t := range ts {
		switch {
		case t.Level == aldyn.LevelCountry:
			country = t.Code
		case t.Level == aldyn.LevelRegion:
			regions = append(regions, t.Code)
		case (t.Level == aldyn.LevelDistrict || t.Level == aldyn.LevelCity) && strings.Count(t.Path, "/") == 4:
			r := byPath[t.Path[:31]]
			districts[r] = append(districts[r], t.Code)
		}
	}
	// Whole years before the current one.
	last := strconv.Itoa(in.Now.Year() - 1)
	type key struct{ element, combo, territory, year string }
	sums := map[key]float64{}
	combos := map[string][]string{}
	seenCombo := map[string]bool{}
	years := map[string]bool{}
	for _, level := range []string{aldyn.LevelCountry, aldyn.LevelRegion, aldyn.LevelDistrict, aldyn.LevelCity} {
		rows, err := in.DB.FindRollup(ctx, store.RollupFilter{Elements: order, Level: level})
		if err != nil {
			return nil, err
		}
		for _, r := range rows {
			y := r.Period[:4]
			if y > last {
				continue
			}
			years[y] = true
			sums[key{r.Element, r.Combo, r.Territory, y}] += r.Value
			if !seenCombo[r.Element+"|"+r.Combo] {
				seenCombo[r.Element+"|"+r.Combo] = true
				combos[r.Element] = append(combos[r.Element], r.Combo)
			}
		}
	}
	c := opendata.NewCube()
	for y := range in.Now.Year() {
		ys := strconv.Itoa(y)
		if !years[ys] {
			continue
		}
		for _, el := range order {
			for _, combo := range combos[el] {
				add := func(code, level string) int {
					t := byCode[code]
					return c.Add(fmt.Sprintf("%s|%s|%s|%s", ys, el, combo, code),
						[]any{int64(y), level, t.Code, t.NameKy, t.NameRu, t.NameEn, elems[el], el, combo},
						int64(math.Round(sums[key{el, combo, code, ys}])))
				}
				// unallocated adds, beside parts, the part of total that
				// reaches no part (forms of bodies above them), if any.
				unallocated := func(total int, parts []int, code string) []int {
					rest := c.Count(total)
					for _, p := range parts {
						rest -= c.Count(p)
					}
					if rest == 0 {
						return parts
					}
					t := byCode[code]
					return append(parts, c.Add(fmt.Sprintf("%s|%s|%s|%s|unallocated", ys, el, combo, code),
						[]any{int64(y), opendata.LevelUnallocated, code, t.NameKy, t.NameRu, t.NameEn, elems[el], el, combo}, rest))
				}
				total := add(country, opendata.LevelCountry)
				var parts []int
				for _, rc := range regions {
					ri := add(rc, opendata.LevelRegion)
					parts = append(parts, ri)
					var ds []int
					for _, dc := range districts[rc] {
						ds = append(ds, add(dc, opendata.LevelDistrict))
					}
					if len(ds) > 0 {
						c.Sum(ri, unallocated(ri, ds, rc))
					}
				}
				c.Sum(total, unallocated(total, parts, country))
			}
		}
	}
	keys := append(append([]opendata.Field{opendata.MessageField("datasets.open.field.", "year", "year")}, opendata.TerritoryFields...),
		opendata.MessageField("datasets.open.field.", "data_set", "string"), opendata.MessageField("datasets.open.field.", "element", "string"), opendata.MessageField("datasets.open.field.", "options", "string"))
	t, err := c.Table("values", opendata.Message("datasets.open.table"), keys, opendata.MessageField("datasets.open.field.", "value", "integer"), opendata.Derived{}, in.K, false)
	if err != nil {
		return nil, err
	}
	return []*opendata.Table{t}, nil
}

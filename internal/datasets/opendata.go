package datasets

import (
	"context"
	"fmt"
	"math"
	"strconv"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/opendata"
	"github.com/aldyn-kg/aldyn/internal/store"
)

// Reported figures are published as yearly sums of accepted values: the
// non-sensitive shipped data sets only, by element × disaggregation option
// × country and region × calendar year, under the disclosure policy.
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
	for _, t := range ts {
		byCode[t.Code] = t
		switch t.Level {
		case aldyn.LevelCountry:
			country = t.Code
		case aldyn.LevelRegion:
			regions = append(regions, t.Code)
		}
	}
	// Whole years before the current one.
	last := strconv.Itoa(in.Now.Year() - 1)
	type key struct{ element, combo, territory, year string }
	sums := map[key]float64{}
	combos := map[string][]string{}
	seenCombo := map[string]bool{}
	years := map[string]bool{}
	for _, level := range []string{aldyn.LevelCountry, aldyn.LevelRegion} {
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
				total := add(country, opendata.LevelCountry)
				var parts []int
				for _, rc := range regions {
					parts = append(parts, add(rc, opendata.LevelRegion))
				}
				// Forms of bodies above the regions reach only the country.
				if rest := c.Count(total); rest != 0 {
					for _, p := range parts {
						rest -= c.Count(p)
					}
					if rest != 0 {
						parts = append(parts, c.Add(fmt.Sprintf("%s|%s|%s|unallocated", ys, el, combo),
							[]any{int64(y), opendata.LevelUnallocated, country, byCode[country].NameKy, byCode[country].NameRu, byCode[country].NameEn, elems[el], el, combo}, rest))
					}
				}
				c.Sum(total, parts)
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

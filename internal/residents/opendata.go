package residents

import (
	"context"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/opendata"
)

// The residents' channel publishes its reports as coarse counts: public
// categories only, by country, region and district × calendar quarter,
// under the disclosure policy (a region's districts, and its reports coded
// to no district, add up to it); no text, contact or point.
func init() {
	opendata.Register(opendata.Dataset{
		Slug: "resident-reports-quarterly", Theme: opendata.ThemeOffenses, Frequency: opendata.Quarterly,
		Keywords:    []string{"residents", "reports", "open311", "kyrgyzstan"},
		Title:       opendata.Message("residents.open.title"),
		Description: opendata.Message("residents.open.description"),
		Source:      opendata.WritesSource, Build: buildReportsQuarterly,
		Chart: &opendata.ChartSpec{Table: "counts", X: "category", Y: "count", Where: map[string]string{"level": opendata.LevelCountry}},
	})
}

// quarterStart is the first day of t's calendar quarter.
func quarterStart(t time.Time) time.Time {
	return time.Date(t.Year(), time.Month((int(t.Month())-1)/3*3+1), 1, 0, 0, 0, 0, time.UTC)
}

func buildReportsQuarterly(ctx context.Context, in opendata.Input) ([]*opendata.Table, error) {
	ts, err := in.DB.TerritoryNames(ctx)
	if err != nil {
		return nil, err
	}
	byPath := map[string]aldyn.Territory{}
	var country string
	var regions []string
	districts := map[string][]string{} // region → its districts
	for _, t := range ts {
		if t.Level == aldyn.LevelPrecinct {
			continue
		}
		byPath[t.Path] = t
		switch strings.Count(t.Path, "/") {
		case 2:
			country = t.Path
		case 3:
			regions = append(regions, t.Path)
		case 4:
			districts[t.Path[:31]] = append(districts[t.Path[:31]], t.Path)
		}
	}
	cats, err := in.DB.FindResidentCategories(ctx, false)
	if err != nil {
		return nil, err
	}
	var codes []string
	for _, c := range cats {
		if c.Public && !c.Sensitive {
			codes = append(codes, c.Code)
		}
	}
	until := quarterStart(in.Now)
	reports, err := in.DB.ResidentReportTallies(ctx, until)
	if err != nil {
		return nil, err
	}
	type cell struct{ level, path, cat, quarter string }
	counts, onTime := map[cell]int64{}, map[cell]int64{}
	unalloc := map[string]bool{}      // quarter: reports coded to the country only
	unallocIn := map[[2]string]bool{} // quarter, region: reports coded to the region only
	first := until
	for _, r := range reports {
		q := quarterStart(r.CreatedAt)
		if q.Before(first) {
			first = q
		}
		qk := q.Format("2006-01")
		keys := []cell{{opendata.LevelCountry, country, r.CategoryCode, qk}}
		if p := r.TerritoryPath; len(p) >= 31 {
			keys = append(keys, cell{opendata.LevelRegion, p[:31], r.CategoryCode, qk})
			if len(p) >= 46 {
				keys = append(keys, cell{opendata.LevelDistrict, p[:46], r.CategoryCode, qk})
			} else {
				unallocIn[[2]string{qk, p[:31]}] = true
				keys = append(keys, cell{opendata.LevelUnallocated, p[:31], r.CategoryCode, qk})
			}
		} else {
			unalloc[qk] = true
			keys = append(keys, cell{opendata.LevelUnallocated, country, r.CategoryCode, qk})
		}
		for _, k := range keys {
			counts[k]++
			if r.OnTime {
				onTime[k]++
			}
		}
	}
	c := opendata.NewCube()
	share := map[int]float64{}
	for q := first; q.Before(until); q = q.AddDate(0, 3, 0) {
		qk := q.Format("2006-01")
		for _, code := range codes {
			add := func(level, path string) int {
				k := cell{level, path, code, qk}
				t := byPath[path]
				i := c.Add(fmt.Sprintf("%s|%s|%s|%s", qk, level, path, code),
					[]any{int64(q.Year()), int64(q.Month()-1)/3 + 1, level, t.Code, t.NameKy, t.NameRu, t.NameEn, code}, counts[k])
				if n := counts[k]; n > 0 {
					share[i] = math.Round(float64(onTime[k])/float64(n)*1000) / 1000
				}
				return i
			}
			total := add(opendata.LevelCountry, country)
			var parts []int
			for _, rp := range regions {
				ri := add(opendata.LevelRegion, rp)
				parts = append(parts, ri)
				var ds []int
				for _, dp := range districts[rp] {
					ds = append(ds, add(opendata.LevelDistrict, dp))
				}
				if unallocIn[[2]string{qk, rp}] {
					ds = append(ds, add(opendata.LevelUnallocated, rp))
				}
				if len(ds) > 0 {
					c.Sum(ri, ds)
				}
			}
			if unalloc[qk] {
				parts = append(parts, add(opendata.LevelUnallocated, country))
			}
			c.Sum(total, parts)
		}
	}
	keys := append(append([]opendata.Field{opendata.MessageField("residents.open.field.", "year", "year"), opendata.MessageField("residents.open.field.", "quarter", "integer")}, opendata.TerritoryFields...), opendata.MessageField("residents.open.field.", "category", "string"))
	t, err := c.Table("counts", opendata.Message("residents.open.table"), keys, opendata.MessageField("residents.open.field.", "count", "integer"), opendata.Derived{
		Fields: []opendata.Field{opendata.MessageField("residents.open.field.", "answered_on_time_share", "number")},
		Values: func(i int, n int64) []any {
			if n == 0 {
				return []any{nil}
			}
			return []any{share[i]}
		},
	}, in.K, false)
	if err != nil {
		return nil, err
	}
	return []*opendata.Table{t}, nil
}

package residents_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/demo"
	"github.com/aldyn-kg/aldyn/internal/disclosure/disclosuretest"
	"github.com/aldyn-kg/aldyn/internal/opendata"
	_ "github.com/aldyn-kg/aldyn/internal/residents"
	"github.com/aldyn-kg/aldyn/internal/store"
	"github.com/aldyn-kg/aldyn/internal/store/storetest"
)

// mustReportsDB opens a database with the demo bodies and a sparse year
// of residents' reports in every category, some coded to the country,
// some answered (on time or late), some merged into others; it returns
// the reports as made.
func mustReportsDB(tb testing.TB) (*store.DB, []*aldyn.ResidentReport, map[int64]*aldyn.ResidentCategory) {
	tb.Helper()
	ctx := context.Background()
	db := storetest.MustOpenDB(tb)
	db.Now = func() time.Time { return time.Date(2026, 2, 10, 10, 0, 0, 0, time.UTC) }
	ts, err := db.TerritoryNames(ctx)
	if err != nil {
		tb.Fatal(err)
	}
	var places []string
	for _, t := range ts {
		if strings.Count(t.Path, "/") <= 4 {
			places = append(places, t.Code)
		}
	}
	cats, err := db.FindResidentCategories(ctx, false)
	if err != nil {
		tb.Fatal(err)
	}
	byID := map[int64]*aldyn.ResidentCategory{}
	made := map[string]bool{}
	var filed []*aldyn.ResidentCategory // the categories a report can be filed in
	for _, c := range cats {
		byID[c.ID] = c
		if len(c.BodyTypes) > 0 {
			filed = append(filed, c)
		}
		// One body of each type for the whole country takes the reports.
		for _, typ := range c.BodyTypes {
			if !made[typ] {
				made[typ] = true
				b := &aldyn.Body{TerritoryCode: demo.Country, Type: typ, NameKy: typ, NameRu: typ, NameEn: typ}
				if err := db.CreateBody(ctx, aldyn.System, b); err != nil {
					tb.Fatal(err)
				}
			}
		}
	}
	rng := rand.New(rand.NewPCG(7, 11))
	var rs []*aldyn.ResidentReport
	for range 400 {
		c := filed[rng.IntN(len(filed))]
		created := time.Date(2025, 1, 1, 9, 0, 0, 0, time.UTC).Add(time.Duration(rng.IntN(400*24)) * time.Hour)
		r := &aldyn.ResidentReport{CategoryID: c.ID, TerritoryCode: places[rng.IntN(len(places))], CreatedAt: created,
			Description: "Көчөдө жарык жок, түнкүсүн коркунучтуу", Lang: "ky", Status: aldyn.ResidentReceived, Source: aldyn.SourceWeb}
		if rng.IntN(3) > 0 {
			at := created.AddDate(0, 0, rng.IntN(40))
			r.Status, r.Answer, r.AnsweredAt = aldyn.ResidentAnswered, "Чара көрүлдү", &at
		}
		rs = append(rs, r)
	}
	if err := db.LoadResidentReports(ctx, aldyn.System, rs); err != nil {
		tb.Fatal(err)
	}
	// Two duplicates merged: they count once, in the report kept.
	merged := 0
	for i := 1; i < len(rs) && merged < 2; i++ {
		dup, into := rs[i], rs[i-1]
		if into.CategoryID != dup.CategoryID || into.DuplicateOf != nil {
			continue
		}
		merged++
		if err := db.MergeResidentReports(ctx, aldyn.System, dup.ID, into.ID); err != nil {
			tb.Fatal(err)
		}
		dup.DuplicateOf = &into.ID
	}
	if merged == 0 {
		tb.Fatal("no duplicate merged")
	}
	return db, rs, byID
}

// TestResidentReportsDataset builds the dataset, checks its CSV against
// counts made here from the fixture, and checks its suppression as a
// reader holding the table would.
func TestResidentReportsDataset(t *testing.T) {
	db, rs, cats := mustReportsDB(t)
	ctx := context.Background()
	paths, err := db.TerritoryPaths(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// The truth: public categories, no merged duplicate, quarters before
	// the current one.
	truth, onTime := map[string]int64{}, map[string]int64{}
	until := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, r := range rs {
		c := cats[r.CategoryID]
		if !c.Public || c.Sensitive || r.DuplicateOf != nil || !r.CreatedAt.Before(until) {
			continue
		}
		q := fmt.Sprintf("%d-Q%d", r.CreatedAt.Year(), (int(r.CreatedAt.Month())-1)/3+1)
		p := paths[r.TerritoryCode]
		country := p[1:15]
		keys := []string{"country|" + country}
		if len(p) >= 31 {
			keys = append(keys, "region|"+p[16:30])
			if len(p) >= 46 {
				keys = append(keys, "district|"+p[31:45])
			} else {
				keys = append(keys, "unallocated|"+p[16:30])
			}
		} else {
			keys = append(keys, "unallocated|"+country)
		}
		for _, k := range keys {
			k += "|" + c.Code + "|" + q
			truth[k]++
			if r.AnsweredAt != nil && r.AnsweredAt.Before(r.DueOn.AddDate(0, 0, 1)) {
				onTime[k]++
			}
		}
	}
	for _, k := range []int{3, 5} {
		b := opendata.BuildDataset(ctx, db, opendata.Lookup("resident-reports-quarterly"), opendata.Input{K: k})
		if b.Err != nil {
			t.Fatal(b.Err)
		}
		res := b.Resource("counts.csv")
		if res == nil {
			t.Fatal("no counts.csv")
		}
		recs, err := csv.NewReader(bytes.NewReader(res.Body)).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		want := []string{"year", "quarter", "level", "territory_code", "territory_ky", "territory_ru", "territory_en", "category", "count", "answered_on_time_share", "suppressed"}
		if !slices.Equal(recs[0], want) {
			t.Fatalf("header %v, want %v", recs[0], want)
		}
		if strings.Contains(string(res.Body), "Көчөдө") || strings.Contains(string(res.Body), "Чара") {
			t.Fatal("report text in the dataset")
		}
		var cells []disclosuretest.Cell
		idx := map[string]int{}
		groups := map[string][]int{}
		seen := map[string]bool{}
		withheld, districtRows := 0, 0
		for _, r := range recs[1:] {
			id := fmt.Sprintf("%s|%s|%s|%s-Q%s", r[2], r[3], r[7], r[0], r[1])
			c := disclosuretest.Cell{Key: id, Suppressed: r[10] == "true", True: truth[id]}
			if c.Suppressed {
				withheld++
				if r[8] != "" || r[9] != "" {
					t.Errorf("%s: withheld row shows %q %q", id, r[8], r[9])
				}
			} else {
				n, err := strconv.ParseInt(r[8], 10, 64)
				if err != nil {
					t.Fatalf("%s: count %q", id, r[8])
				}
				c.Published = n
				if n > 0 {
					share, err := strconv.ParseFloat(r[9], 64)
					wantShare := float64(onTime[id]) / float64(n)
					if err != nil || share < wantShare-0.0005 || share > wantShare+0.0005 {
						t.Errorf("%s: share %q, want %.3f", id, r[9], wantShare)
					}
				}
			}
			idx[id] = len(cells)
			cells = append(cells, c)
			seen[id] = true
			// The row's parent: the country above a region (or above
			// reports coded to no region), the region above a district
			// (or above its reports coded to no district).
			var parent string
			switch p := paths[r[3]]; {
			case r[2] == opendata.LevelCountry:
			case r[2] == opendata.LevelRegion, r[2] == opendata.LevelUnallocated && len(p) == 16:
				parent = "country|" + p[1:15]
			case r[2] == opendata.LevelDistrict:
				parent = "region|" + p[16:30]
			case r[2] == opendata.LevelUnallocated:
				parent = "region|" + p[16:30]
			}
			if parent != "" {
				g := parent + "|" + r[7] + "|" + r[0] + "-Q" + r[1]
				groups[g] = append(groups[g], idx[id])
			}
			if r[2] == opendata.LevelDistrict {
				districtRows++
			}
		}
		for id, n := range truth {
			if n > 0 && !seen[id] {
				t.Errorf("%s: %d reports, no row", id, n)
			}
		}
		var sums []disclosuretest.Sum
		for g, parts := range groups {
			total, ok := idx[g]
			if !ok {
				t.Fatalf("no row for %s", g)
			}
			sums = append(sums, disclosuretest.Sum{Total: total, Parts: parts})
		}
		if districtRows == 0 {
			t.Errorf("k%d: no district rows", k)
		}
		if len(sums) == 0 || withheld == 0 {
			t.Fatalf("k%d: %d sums, %d withheld: the check proves nothing", k, len(sums), withheld)
		}
		t.Logf("k%d: %d rows, %d withheld, %d sums", k, len(cells), withheld, len(sums))
		for _, msg := range disclosuretest.Check(cells, sums, k) {
			t.Errorf("k%d: %s", k, msg)
		}
	}
}

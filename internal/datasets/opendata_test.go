package datasets_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/datasets"
	"github.com/aldyn-kg/aldyn/internal/disclosure/disclosuretest"
	"github.com/aldyn-kg/aldyn/internal/opendata"
	"github.com/aldyn-kg/aldyn/internal/store"
	"github.com/aldyn-kg/aldyn/internal/store/storetest"
)

// TestReportedFiguresDataset: the police of three districts report
// complaints (a non-sensitive set) and protection orders (a sensitive one)
// for 2025, accepted; the open dataset carries the complaints' yearly sums
// by region and country, computed here from the entries, never the
// protection orders, and its suppression holds against a reader.
func TestReportedFiguresDataset(t *testing.T) {
	db, ctx := storetest.MustOpenDB(t), context.Background()
	db.Now = func() time.Time { return time.Date(2026, 2, 1, 9, 0, 0, 0, time.UTC) }
	if _, err := datasets.Install(ctx, db, nationalAdmin); err != nil {
		t.Fatal(err)
	}
	council := &aldyn.Body{TerritoryCode: kg, Type: "coordination_council", NameKy: "Кеңеш", NameRu: "Совет", NameEn: "Council"}
	if err := db.CreateBody(ctx, aldyn.System, council); err != nil {
		t.Fatal(err)
	}
	coord := &aldyn.Actor{UserID: 500, Role: aldyn.RoleCoordinator, BodyID: council.ID, TerritoryPath: "/" + kg + "/"}
	truth := map[string]int64{} // level|code|element|options → the year's sum
	for b, d := range []struct{ region, district string }{{chuy, alamudun}, {chuy, ysykAta}, {jalalAbad, suzak}} {
		body := &aldyn.Body{TerritoryCode: d.district, Type: "police", NameKy: "ИИБ " + d.district, NameRu: "ОВД", NameEn: "Police"}
		if err := db.CreateBody(ctx, aldyn.System, body); err != nil {
			t.Fatal(err)
		}
		rep := &aldyn.Actor{UserID: int64(100 + b), Role: aldyn.RoleReporter, BodyID: body.ID, TerritoryPath: "/" + kg + "/" + d.region + "/" + d.district + "/"}
		for q := 1; q <= 4; q++ {
			upheld := 0
			if q == 1 && b == 2 {
				upheld = 1 // one complaint upheld in Jalal-Abad: withheld
			}
			cells := map[string]map[string]int{
				"cm_received": {"female": q + b, "male": 3 * b},
				"cm_resolved": {"": q},
				"cm_upheld":   {"": upheld},
			}
			entry := map[string]map[string]string{}
			for el, byCombo := range cells {
				entry[el] = map[string]string{}
				for combo, n := range byCombo {
					entry[el][combo] = strconv.Itoa(n)
					truth["country|"+kg+"|"+el+"|"+combo] += int64(n)
					truth["region|"+d.region+"|"+el+"|"+combo] += int64(n)
					truth["district|"+d.district+"|"+el+"|"+combo] += int64(n)
				}
			}
			for code, cs := range map[string]map[string]map[string]string{
				"complaints":        entry,
				"protection_orders": {"po_issued": {"female,age_18_29": "2"}},
			} {
				f, err := db.EnterDataForm(ctx, rep, store.FormEntry{DataSetCode: code, BodyID: body.ID, Period: fmt.Sprintf("2025Q%d", q), Cells: cs}, true)
				if err != nil {
					t.Fatal(code, err)
				}
				if _, err := db.DecideDataForm(ctx, coord, f.ID, true, ""); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	regionOf := map[string]string{}
	ts, err := db.TerritoryNames(ctx)
	if err != nil {
		t.Fatal(err)
	}
	pathCode := map[string]string{}
	for _, tr := range ts {
		pathCode[tr.Path] = tr.Code
	}
	for _, tr := range ts {
		if len(tr.Path) == 46 {
			regionOf[tr.Code] = pathCode[tr.Path[:31]]
		}
	}
	for _, k := range []int{3, 5} {
		b := opendata.BuildDataset(ctx, db, opendata.Lookup("reported-figures-yearly"), opendata.Input{K: k})
		if b.Err != nil {
			t.Fatal(b.Err)
		}
		res := b.Resource("values.csv")
		if res == nil {
			t.Fatal("no values.csv")
		}
		recs, err := csv.NewReader(bytes.NewReader(res.Body)).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		want := []string{"year", "level", "territory_code", "territory_ky", "territory_ru", "territory_en", "data_set", "element", "options", "value", "suppressed"}
		if !slices.Equal(recs[0], want) {
			t.Fatalf("header %v, want %v", recs[0], want)
		}
		var cells []disclosuretest.Cell
		idx := map[string]int{}
		groups := map[string][]int{}
		withheld, districtRows := 0, 0
		for _, r := range recs[1:] {
			if r[6] != "complaints" || r[0] != "2025" {
				t.Fatalf("row %v: only the complaints of 2025 are public", r)
			}
			id := r[1] + "|" + r[2] + "|" + r[7] + "|" + r[8]
			c := disclosuretest.Cell{Key: id, Suppressed: r[10] == "true", True: truth[id]}
			if c.Suppressed {
				withheld++
			} else if c.Published, err = strconv.ParseInt(r[9], 10, 64); err != nil {
				t.Fatalf("%s: value %q", id, r[9])
			}
			idx[id] = len(cells)
			cells = append(cells, c)
			// The row's parent: the country above a region, the region
			// above its districts (and its unallocated row).
			switch {
			case r[1] == opendata.LevelRegion, r[1] == opendata.LevelUnallocated && r[2] == kg:
				g := "country|" + kg + "|" + r[7] + "|" + r[8]
				groups[g] = append(groups[g], idx[id])
			case r[1] == opendata.LevelDistrict:
				g := "region|" + regionOf[r[2]] + "|" + r[7] + "|" + r[8]
				groups[g] = append(groups[g], idx[id])
				districtRows++
			case r[1] == opendata.LevelUnallocated:
				g := "region|" + r[2] + "|" + r[7] + "|" + r[8]
				groups[g] = append(groups[g], idx[id])
			}
		}
		for id, n := range truth {
			if _, ok := idx[id]; !ok && n > 0 {
				t.Errorf("%s: %d, no row", id, n)
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
		if len(sums) == 0 || withheld == 0 {
			t.Fatalf("k%d: %d sums, %d withheld: the check proves nothing", k, len(sums), withheld)
		}
		if districtRows == 0 {
			t.Errorf("k%d: no district rows", k)
		}
		t.Logf("k%d: %d rows, %d withheld", k, len(cells), withheld)
		for _, msg := range disclosuretest.Check(cells, sums, k) {
			t.Errorf("k%d: %s", k, msg)
		}
	}
}

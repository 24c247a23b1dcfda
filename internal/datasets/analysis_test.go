package datasets_test

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"testing"
	"time"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/datasets"
	"github.com/aldyn-kg/aldyn/internal/store"
	"github.com/aldyn-kg/aldyn/internal/store/storetest"
)

const (
	kg, chuy, jalalAbad      = "41700000000000", "41708000000000", "41703000000000"
	alamudun, ysykAta, suzak = "41708203000000", "41708206000000", "41703220000000"
)

// mustAcceptedProtection installs the Concept's data sets and has the
// police of three districts (two in Chüy, one in Jalal-Abad) report the
// four quarters of 2025, each accepted by a national coordinator. Body b
// (0, 1, 2) issues q+b+1 orders to women aged 18–29 and 2(q+b) to men
// aged 30–59 in quarter q (1–4), one of them breached.
func mustAcceptedProtection(tb testing.TB) (*store.DB, map[string]*aldyn.DataElement) {
	tb.Helper()
	db, ctx := storetest.MustOpenDB(tb), context.Background()
	db.Now = func() time.Time { return time.Date(2026, 2, 1, 9, 0, 0, 0, time.UTC) }
	if _, err := datasets.Install(ctx, db, nationalAdmin); err != nil {
		tb.Fatal(err)
	}
	council := &aldyn.Body{TerritoryCode: kg, Type: "coordination_council", NameKy: "Кеңеш", NameRu: "Совет", NameEn: "Council"}
	if err := db.CreateBody(ctx, aldyn.System, council); err != nil {
		tb.Fatal(err)
	}
	coord := &aldyn.Actor{UserID: 500, Role: aldyn.RoleCoordinator, BodyID: council.ID, TerritoryPath: "/" + kg + "/"}
	for b, d := range []struct{ region, district string }{{chuy, alamudun}, {chuy, ysykAta}, {jalalAbad, suzak}} {
		body := &aldyn.Body{TerritoryCode: d.district, Type: "police", NameKy: "ИИБ " + d.district, NameRu: "ОВД", NameEn: "Police"}
		if err := db.CreateBody(ctx, aldyn.System, body); err != nil {
			tb.Fatal(err)
		}
		rep := &aldyn.Actor{UserID: int64(100 + b), Role: aldyn.RoleReporter, BodyID: body.ID, TerritoryPath: "/" + kg + "/" + d.region + "/" + d.district + "/"}
		for q := 1; q <= 4; q++ {
			f, err := db.EnterDataForm(ctx, rep, store.FormEntry{DataSetCode: "protection_orders", BodyID: body.ID, Period: fmt.Sprintf("2025Q%d", q),
				Cells: map[string]map[string]string{
					"po_issued":   {"female,age_18_29": strconv.Itoa(q + b + 1), "male,age_30_59": strconv.Itoa(2 * (q + b))},
					"po_breached": {"female,age_18_29": "1"},
				}}, true)
			if err != nil {
				tb.Fatal(err)
			}
			if _, err := db.DecideDataForm(ctx, coord, f.ID, true, ""); err != nil {
				tb.Fatal(err)
			}
		}
	}
	es, _, err := db.FindDataElements(ctx, aldyn.DataElementFilter{Page: aldyn.Page{Limit: aldyn.MaxLimit}})
	if err != nil {
		tb.Fatal(err)
	}
	elems := map[string]*aldyn.DataElement{}
	for _, e := range es {
		elems[e.Code] = e
	}
	return db, elems
}

func cellMap(cells []datasets.Cell) map[string]float64 {
	out := map[string]float64{}
	for _, c := range cells {
		if c.Value != nil {
			out[c.Element+"|"+c.Combo+"|"+c.Territory+"|"+c.Period] = *c.Value
		}
	}
	return out
}

// TestRollupSumsParts checks, for every period type and territory level,
// that a territory's total is the sum of its parts, and one figure
// against a hand count.
func TestRollupSumsParts(t *testing.T) {
	db, elems := mustAcceptedProtection(t)
	ctx := context.Background()
	children := map[string][]string{kg: {chuy, jalalAbad}, chuy: {alamudun, ysykAta}, jalalAbad: {suzak}}
	for _, pt := range []string{aldyn.PeriodQuarter, aldyn.PeriodHalfYear, aldyn.PeriodYear} {
		for _, byCombo := range []bool{false, true} {
			rows, err := db.FindRollup(ctx, store.RollupFilter{Elements: []string{"po_issued", "po_breached"}})
			if err != nil {
				t.Fatal(err)
			}
			got := cellMap(datasets.Pivot(rows, datasets.PivotSpec{Elements: elems, PeriodType: pt, ByCombo: byCombo}))
			checked := 0
			for key, v := range got {
				parts := splitKey(key)
				el, combo, terr, period := parts[0], parts[1], parts[2], parts[3]
				kids, ok := children[terr]
				if !ok {
					continue
				}
				sum := 0.0
				for _, k := range kids {
					sum += got[el+"|"+combo+"|"+k+"|"+period]
				}
				if math.Abs(sum-v) > 1e-9 {
					t.Errorf("%s by combo %v: %s = %v, its parts sum to %v", pt, byCombo, key, v, sum)
				}
				checked++
			}
			if checked == 0 {
				t.Fatalf("%s: nothing checked", pt)
			}
		}
	}
	// By hand: Chüy's 2025 orders are Alamüdün's Σq (q+1 + 2q) = 14 + 20 =
	// 34 and Ysyk-Ata's Σq (q+2 + 2(q+1)) = 18 + 28 = 46: 80.
	rows, err := db.FindRollup(ctx, store.RollupFilter{Elements: []string{"po_issued"}, Territories: []string{chuy}})
	if err != nil {
		t.Fatal(err)
	}
	cells := datasets.Pivot(rows, datasets.PivotSpec{Elements: elems, PeriodType: aldyn.PeriodYear})
	if len(cells) != 1 || *cells[0].Value != 80 || cells[0].Period != "2025" {
		t.Fatalf("Chüy 2025: %+v", cells)
	}
	// Quarter 4 against quarter 3 in Alamüdün: 5 + 8 = 13 after 4 + 6 = 10.
	rows, _ = db.FindRollup(ctx, store.RollupFilter{Elements: []string{"po_issued"}, Territories: []string{alamudun}})
	q := cellMap(datasets.Pivot(rows, datasets.PivotSpec{Elements: elems}))
	if q["po_issued||"+alamudun+"|2025Q4"] != 13 || q["po_issued||"+alamudun+"|2025Q3"] != 10 {
		t.Errorf("Alamüdün quarters: %v", q)
	}
	for _, c := range datasets.Pivot(rows, datasets.PivotSpec{Elements: elems}) {
		if c.Period == "2025Q4" && (c.Previous == nil || *c.Previous != 10) {
			t.Errorf("previous of 2025Q4: %v", c.Previous)
		}
	}
}

func splitKey(k string) []string {
	var out []string
	start := 0
	for i := 0; i < len(k); i++ {
		if k[i] == '|' {
			out = append(out, k[start:i])
			start = i + 1
		}
	}
	return append(out, k[start:])
}

// TestSuppressSmallCells checks that no sensitive cell between 1 and k−1
// survives suppression, while zeros and larger counts do.
func TestSuppressSmallCells(t *testing.T) {
	db, elems := mustAcceptedProtection(t)
	rows, err := db.FindRollup(context.Background(), store.RollupFilter{Elements: []string{"po_issued", "po_breached"}, Level: aldyn.LevelDistrict})
	if err != nil {
		t.Fatal(err)
	}
	cells := datasets.Pivot(rows, datasets.PivotSpec{Elements: elems, ByCombo: true})
	datasets.Suppress(cells, 5)
	kept, hidden := 0, 0
	for _, c := range cells {
		switch {
		case c.Suppressed:
			hidden++
			if c.Value != nil || c.Rate != nil {
				t.Errorf("suppressed cell shows %v", c)
			}
		case *c.Value > 0 && *c.Value < 5:
			t.Errorf("cell %+v shows a small number", c)
		default:
			kept++
		}
		if c.Previous != nil && *c.Previous > 0 && *c.Previous < 5 {
			t.Errorf("previous value %v shown", *c.Previous)
		}
	}
	if kept == 0 || hidden == 0 {
		t.Errorf("kept %d, hidden %d: the fixture should have both", kept, hidden)
	}
}

// TestRatesPer100k checks the annualised rate of a quarter against a hand
// computation from the territory's population.
func TestRatesPer100k(t *testing.T) {
	db, elems := mustAcceptedProtection(t)
	ctx := context.Background()
	rows, _ := db.FindRollup(ctx, store.RollupFilter{Elements: []string{"po_issued"}, Territories: []string{alamudun}, From: "2025Q4", To: "2025Q4"})
	cells := datasets.Pivot(rows, datasets.PivotSpec{Elements: elems})
	pops, err := db.AllPopulations(ctx)
	if err != nil {
		t.Fatal(err)
	}
	datasets.AddRates(cells, elems, pops)
	p, _, ok := aldyn.PopulationFor(pops[alamudun], 2025)
	if !ok || len(cells) != 1 || cells[0].Rate == nil {
		t.Fatalf("cells %+v population %v", cells, ok)
	}
	// 13 orders in a quarter of 92 days out of 365.
	want := math.Round(13*1e5/(float64(p.Population)*92/365)*100) / 100
	if *cells[0].Rate != want {
		t.Errorf("rate %v, want %v", *cells[0].Rate, want)
	}
}

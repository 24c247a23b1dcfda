package store_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/datasets"
	"github.com/aldyn-kg/aldyn/internal/store"
	"github.com/aldyn-kg/aldyn/internal/store/storetest"
)

// BenchmarkDataValuesPivot measures the analysis of reported figures over
// 1,000,000 accepted values: 10 yearly data sets of one element broken
// down 2 × 5, reported by 2,000 district bodies for 5 years. The values
// and their roll-up along the territory tree are written in bulk (what
// accepting 100,000 forms one by one would leave); each iteration reads
// the roll-up of every element by oblast and pivots it by element × oblast
// × year, as /data-sets/{code}/analysis and /api/v1/data-values do.
func BenchmarkDataValuesPivot(b *testing.B) {
	ctx := context.Background()
	db := storetest.MustOpenDB(b)
	const nSets, nBodies, nYears = 10, 2000, 5
	admin := &aldyn.Actor{UserID: 1, Role: aldyn.RoleAdministrator, TerritoryPath: "/41700000000000/"}
	d := &aldyn.Disaggregation{Code: "sex_band", Name: aldyn.Text{KY: "a", RU: "b", EN: "c"}, Categories: []aldyn.Category{
		{Code: "sex", Name: aldyn.Text{KY: "a", RU: "b", EN: "c"}, Options: []aldyn.CategoryOption{
			{Code: "female", Name: aldyn.Text{KY: "a", RU: "b", EN: "c"}}, {Code: "male", Name: aldyn.Text{KY: "a", RU: "b", EN: "c"}}}},
		{Code: "band", Name: aldyn.Text{KY: "a", RU: "b", EN: "c"}, Options: []aldyn.CategoryOption{
			{Code: "b1", Name: aldyn.Text{KY: "1", RU: "1", EN: "1"}}, {Code: "b2", Name: aldyn.Text{KY: "2", RU: "2", EN: "2"}},
			{Code: "b3", Name: aldyn.Text{KY: "3", RU: "3", EN: "3"}}, {Code: "b4", Name: aldyn.Text{KY: "4", RU: "4", EN: "4"}},
			{Code: "b5", Name: aldyn.Text{KY: "5", RU: "5", EN: "5"}}}},
	}}
	if err := db.CreateDisaggregation(ctx, admin, d); err != nil {
		b.Fatal(err)
	}
	var codes []string
	elems := map[string]*aldyn.DataElement{}
	for i := range nSets {
		e := &aldyn.DataElement{Code: fmt.Sprintf("e%d", i), Name: aldyn.Text{KY: "a", RU: "b", EN: "c"}, ValueType: aldyn.ValueInteger, DisaggregationID: d.ID}
		if err := db.CreateDataElement(ctx, admin, e); err != nil {
			b.Fatal(err)
		}
		s := &aldyn.DataSet{Code: fmt.Sprintf("s%d", i), Name: aldyn.Text{KY: "a", RU: "b", EN: "c"}, PeriodType: aldyn.PeriodYear,
			BodyTypes: []string{"police"}, Level: aldyn.LevelDistrict, ElementIDs: []int64{e.ID}}
		if err := db.CreateDataSet(ctx, admin, s); err != nil {
			b.Fatal(err)
		}
		if _, err := db.ActivateDataSet(ctx, admin, s.ID); err != nil {
			b.Fatal(err)
		}
		codes = append(codes, e.Code)
		elems[e.Code] = e
	}
	district := aldyn.LevelDistrict
	ts, _, err := db.FindTerritories(ctx, aldyn.TerritoryFilter{Level: &district, Page: aldyn.Page{Limit: aldyn.MaxLimit}})
	if err != nil || len(ts) == 0 {
		b.Fatalf("districts: %v", err)
	}
	exec := func(q string) {
		if err := db.Update(ctx, aldyn.System, func(tx *store.Tx) error { return tx.ExecForTest(ctx, q) }); err != nil {
			b.Fatalf("%v: %.300s", err, q)
		}
	}
	start := time.Now()
	const stamp = "'2026-01-01T00:00:00Z'"
	var rows []string
	for i := range nBodies {
		t := ts[i%len(ts)]
		rows = append(rows, fmt.Sprintf("('%s', 'police', 'Body %d', 'Body %d', 'Body %d', 'body %d', %s, %s)", t.Code, i, i, i, i, stamp, stamp))
	}
	exec("INSERT INTO bodies (territory_code, type, name_ky, name_ru, name_en, search_text, created_at, updated_at) VALUES " + strings.Join(rows, ", "))
	for y := range nYears {
		year := 2021 + y
		exec(fmt.Sprintf(`INSERT INTO data_forms (data_set_id, data_set_code, body_id, period, period_start, status, version, created_at, updated_at)
			SELECT s.id, s.code, b.id, '%d', '%d-01-01', 'accepted', 1, %s, %s FROM data_sets s CROSS JOIN bodies b WHERE b.name_en LIKE 'Body %%'`,
			year, year, stamp, stamp))
	}
	var combos []string
	for _, c := range d.Combos() {
		combos = append(combos, "SELECT '"+c.Key+"' AS combo")
	}
	exec(`INSERT INTO data_values (form_id, element_id, combo, value)
		SELECT f.id, se.element_id, c.combo, (f.id % 7) + 1 FROM data_forms f JOIN data_set_elements se ON se.data_set_id = f.data_set_id
		CROSS JOIN (` + strings.Join(combos, " UNION ALL ") + `) c`)
	// Summed per body's territory first, then up the tree.
	exec(`INSERT INTO data_rollup (element_id, combo, territory_code, period, value, reports)
		SELECT o.element_id, o.combo, a.code, o.period, SUM(o.value), SUM(o.reports)
		FROM (SELECT v.element_id, v.combo, b.territory_code, f.period, SUM(v.value) AS value, COUNT(*) AS reports
			FROM data_values v JOIN data_forms f ON f.id = v.form_id JOIN bodies b ON b.id = f.body_id
			GROUP BY v.element_id, v.combo, b.territory_code, f.period) o
		JOIN territories t ON t.code = o.territory_code JOIN territories a ON t.path LIKE a.path || '%'
		GROUP BY o.element_id, o.combo, a.code, o.period`)
	b.Logf("1,000,000 values and their roll-up written in %s", time.Since(start).Round(time.Millisecond))
	var cells []datasets.Cell
	for b.Loop() {
		rs, err := db.FindRollup(ctx, store.RollupFilter{Elements: codes, Level: aldyn.LevelRegion})
		if err != nil {
			b.Fatal(err)
		}
		cells = datasets.Pivot(rs, datasets.PivotSpec{Elements: elems, PeriodType: aldyn.PeriodYear})
	}
	total := 0.0
	for _, c := range cells {
		total += *c.Value
	}
	b.ReportMetric(float64(len(cells)), "cells")
	// Every value counted once: the oblasts' totals add up to the sum of
	// the 1,000,000 values.
	var want float64
	for f := 1; f <= nSets*nBodies*nYears; f++ {
		want += float64((f%7)+1) * 10
	}
	if total != want {
		b.Errorf("pivot total %v, want %v", total, want)
	}
}

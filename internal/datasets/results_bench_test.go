package datasets_test

import (
	"context"
	"testing"
	"time"

	"github.com/aldyn-kg/aldyn/internal/concept"
	"github.com/aldyn-kg/aldyn/internal/datasets"
	"github.com/aldyn-kg/aldyn/internal/demo"
	"github.com/aldyn-kg/aldyn/internal/store/storetest"
)

// BenchmarkConceptResults computes the /concept page's figures on the demo
// data: its plans (the National Action Plan and the joint plans) and two
// years of reported figures.
func BenchmarkConceptResults(b *testing.B) {
	ctx := context.Background()
	db := storetest.MustOpenDB(b)
	db.Now = func() time.Time { return time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC) }
	pw := func() string { return "x" }
	hash := func(s string) (string, error) { return "h" + s, nil }
	if _, err := demo.Load(ctx, db, hash, pw); err != nil {
		b.Fatal(err)
	}
	if err := demo.LoadPlans(ctx, db, hash, pw); err != nil {
		b.Fatal(err)
	}
	if err := demo.LoadDataSets(ctx, db, hash, pw); err != nil {
		b.Fatal(err)
	}
	c, err := concept.Load()
	if err != nil {
		b.Fatal(err)
	}
	c.Index()
	var res *datasets.ConceptResults
	for b.Loop() {
		if res, err = datasets.ComputeConceptResults(ctx, db, c, db.Now()); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(42-len(res.TasksWithoutMeasures)), "tasks_with_measures")
}

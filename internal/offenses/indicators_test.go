package offenses_test

import (
	"context"
	"math"
	"testing"
	"time"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/demo"
	"github.com/aldyn-kg/aldyn/internal/offenses"
	"github.com/aldyn-kg/aldyn/internal/synth"
)

// TestIndicatorValues computes the National Action Plan's "registered
// thefts per 100,000 residents" from the synthetic records and checks it
// against the generator's own count and the country's population.
func TestIndicatorValues(t *testing.T) {
	ctx := context.Background()
	db := mustDB(t)
	pw := func() string { return "x" }
	hash := func(s string) (string, error) { return "h" + s, nil }
	if _, err := demo.Load(ctx, db, hash, pw); err != nil {
		t.Fatal(err)
	}
	if err := demo.LoadPlans(ctx, db, hash, pw); err != nil {
		t.Fatal(err)
	}
	const scale = 0.02
	years := []int{2025, 2026}
	if _, err := demo.LoadOffenses(ctx, db, scale, years); err != nil {
		t.Fatal(err)
	}
	sum, err := synth.Generate(ctx, synth.Config{Seed: demo.OffenseSeed, Scale: scale, Years: years}, nil, func(*aldyn.Offense) error { return nil })
	if err != nil {
		t.Fatal(err)
	}
	kind := aldyn.PlanNational
	plans, _, err := db.FindPlans(ctx, aldyn.PlanFilter{Under: "/", Kind: &kind})
	if err != nil || len(plans) != 1 {
		t.Fatalf("national plan: %v %v", plans, err)
	}
	inds, _, err := db.FindIndicators(ctx, aldyn.IndicatorFilter{PlanID: &plans[0].ID, Under: "/"})
	if err != nil {
		t.Fatal(err)
	}
	var theft *aldyn.Indicator
	for _, i := range inds {
		if i.Source == aldyn.IndicatorOffenses {
			theft = i
		}
	}
	if theft == nil {
		t.Fatal("the national plan has no indicator computed from the statistics")
	}
	vals, err := offenses.IndicatorValues(ctx, db, plans[0], theft, time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	// 2025 is over on 1 December 2026; 2026 and 2027 are not.
	if len(vals) != 1 || vals[0].Period != "2025" {
		t.Fatalf("values %+v, want 2025 only", vals)
	}
	pops, err := db.Populations(ctx, "41700000000000")
	if err != nil {
		t.Fatal(err)
	}
	pop, _, _ := aldyn.PopulationFor(pops, 2025)
	want := math.Round(float64(sum.ByYearCategory[2025]["theft"])*1e5/float64(pop.Population)*100) / 100
	if vals[0].Value != want || want == 0 {
		t.Errorf("thefts per 100,000 in 2025: %v, want %v (%d thefts, population %d)", vals[0].Value, want, sum.ByYearCategory[2025]["theft"], pop.Population)
	}
	manual := *theft
	manual.Source = aldyn.IndicatorManual
	if _, err := offenses.IndicatorValues(ctx, db, plans[0], &manual, time.Now()); aldyn.ErrorCode(err) != aldyn.EINVALID {
		t.Errorf("a manual indicator: %v, want EINVALID", err)
	}
}

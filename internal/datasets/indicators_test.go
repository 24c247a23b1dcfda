package datasets_test

import (
	"context"
	"math"
	"testing"
	"time"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/datasets"
)

// TestIndicatorValues computes plan indicators of Chüy from the accepted
// protection orders and checks each against a hand count (see
// mustAcceptedProtection).
func TestIndicatorValues(t *testing.T) {
	db, _ := mustAcceptedProtection(t)
	ctx := context.Background()
	plan := &aldyn.Plan{TerritoryCode: chuy, StartYear: 2025, EndYear: 2026}
	now := time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)
	pops, err := db.Populations(ctx, chuy)
	if err != nil {
		t.Fatal(err)
	}
	p, _, _ := aldyn.PopulationFor(pops, 2025)
	for _, c := range []struct {
		name                 string
		kind, freq, num, den string
		want                 map[string]float64
	}{
		// Alamüdün 14 + 20, Ysyk-Ata 18 + 28.
		{"count", aldyn.IndicatorNumber, aldyn.FrequencyAnnual, "data:po_issued", "", map[string]float64{"2025": 80}},
		// Quarter q: Alamüdün (q+1) + 2q, Ysyk-Ata (q+2) + 2(q+1).
		{"quarterly", aldyn.IndicatorNumber, aldyn.FrequencyQuarterly, "data:po_issued", "", map[string]float64{"2025-Q1": 11, "2025-Q2": 17, "2025-Q3": 23, "2025-Q4": 29}},
		// Women: 14 + 18 of 80.
		{"percent", aldyn.IndicatorPercent, aldyn.FrequencyAnnual, "data:po_issued[female]", "data:po_issued", map[string]float64{"2025": 40}},
		{"rate", aldyn.IndicatorRate, aldyn.FrequencyAnnual, "data:po_issued", "", map[string]float64{"2025": math.Round(80*1e5/float64(p.Population)*100) / 100}},
		// Breached: one a quarter in each district.
		{"breached", aldyn.IndicatorNumber, aldyn.FrequencyAnnual, "data:po_breached[age_18_29]", "", map[string]float64{"2025": 8}},
	} {
		t.Run(c.name, func(t *testing.T) {
			ind := &aldyn.Indicator{ID: 1, Source: aldyn.IndicatorDataSets, Kind: c.kind, Frequency: c.freq, Numerator: c.num, Denominator: c.den}
			vals, err := datasets.IndicatorValues(ctx, db, plan, ind, now)
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]float64{}
			for _, v := range vals {
				got[v.Period] = v.Value
			}
			if len(got) != len(c.want) {
				t.Fatalf("got %v, want %v", got, c.want)
			}
			for k, w := range c.want {
				if got[k] != w {
					t.Errorf("%s: got %v, want %v", k, got[k], w)
				}
			}
		})
	}
	bad := &aldyn.Indicator{Source: aldyn.IndicatorDataSets, Kind: aldyn.IndicatorNumber, Numerator: "po_issued"}
	if err := bad.Validate(); err == nil || err.(*aldyn.Error).Fields["numerator"] != "datasets.error.indicator_ref" {
		t.Errorf("a numerator without data: validated: %v", err)
	}
}

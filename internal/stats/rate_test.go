package stats

import (
	"math"
	"testing"
	"time"

	"github.com/aldyn-kg/aldyn"
)

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// TestAnnualRate checks that a count over several years is divided by the
// person-years of the period, each year with its own population or the
// nearest earlier one, not by one year's population.
func TestAnnualRate(t *testing.T) {
	figs := []aldyn.Population{
		{Year: 2009, Population: 865100, Citation: "National census 2009 (NSC KR)"},
		{Year: 2021, Population: 1100000, Citation: "NSC KR estimate, 1 January 2021"},
		{Year: 2022, Population: 1200000, Citation: "National census 2022 (NSC KR)"},
	}
	// 2019–2025: 2019, 2020 use 2009; 2021 its own; 2022–2025 use 2022.
	personYears := 2*865100.0 + 1100000 + 4*1200000
	tests := []struct {
		name     string
		count    int64
		from, to time.Time
		want     float64
		years    []int
	}{
		{"seven years", 169733, day(2019, 1, 1), day(2026, 1, 1), 169733 * 1e5 / personYears, []int{2009, 2021, 2022}},
		{"one year", 12000, day(2022, 1, 1), day(2023, 1, 1), 1000, []int{2022}},
		{"one month is annualised", 1000, day(2022, 1, 1), day(2022, 2, 1), 1000 * 1e5 / (1200000 * 31.0 / 365), []int{2022}},
		{"before any figure uses the first", 865, day(2000, 1, 1), day(2001, 1, 1), 865 * 1e5 / 865100.0, []int{2009}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, ok := AnnualRate(tt.count, tt.from, tt.to, figs)
			if !ok {
				t.Fatal("no rate")
			}
			if want := math.Round(tt.want*100) / 100; r.PerYear != want {
				t.Errorf("got %v, want %v", r.PerYear, want)
			}
			if len(r.PopulationYears) != len(tt.years) {
				t.Fatalf("got population years %v, want %v", r.PopulationYears, tt.years)
			}
			for i := range tt.years {
				if r.PopulationYears[i] != tt.years[i] {
					t.Errorf("got population years %v, want %v", r.PopulationYears, tt.years)
				}
			}
			if len(r.Citations) != len(tt.years) {
				t.Errorf("got citations %v, want one per figure", r.Citations)
			}
		})
	}
	if _, ok := AnnualRate(5, day(2022, 1, 1), day(2022, 1, 1), figs); ok {
		t.Error("an empty period has a rate")
	}
	if _, ok := AnnualRate(5, day(2022, 1, 1), day(2023, 1, 1), nil); ok {
		t.Error("a rate without a population")
	}
}

// TestCountsRateOverPeriod checks Counts: a territory's row without a year
// is rated over the whole period, a year's row over its year.
func TestCountsRateOverPeriod(t *testing.T) {
	pop := func(string) []aldyn.Population {
		return []aldyn.Population{{Year: 2009, Population: 100000}, {Year: 2022, Population: 200000}}
	}
	rows := []aldyn.CountRow{{TerritoryCode: "41711000000000", Count: 7000}}
	got := Counts(rows, nil, []string{aldyn.ByTerritory}, day(2019, 1, 1), day(2026, 1, 1), pop)
	// 3 years at 100,000 and 4 at 200,000: 1.1 million person-years.
	if got[0].RatePer100k == nil || *got[0].RatePer100k != 636.36 {
		t.Errorf("got rate %v, want 636.36 per 100,000 a year", got[0].RatePer100k)
	}
	rows = []aldyn.CountRow{{TerritoryCode: "41711000000000", Year: 2023, Count: 1000}}
	got = Counts(rows, nil, []string{aldyn.ByTerritory, aldyn.ByYear}, day(2019, 1, 1), day(2026, 1, 1), pop)
	if got[0].RatePer100k == nil || *got[0].RatePer100k != 500 || got[0].PopulationYears[0] != 2022 {
		t.Errorf("got rate %v (%v), want 500 from 2022's population", got[0].RatePer100k, got[0].PopulationYears)
	}
}

// TestPartialYearChange: the current year, recorded up to its last complete
// month, is compared with the same months of the year before, not with the
// whole year; a year the period covers only in part is marked.
func TestPartialYearChange(t *testing.T) {
	by := []string{aldyn.ByCategory, aldyn.ByYear}
	rows := []aldyn.CountRow{
		{Category: "theft", Year: 2024, Count: 900},  // March–December only
		{Category: "theft", Year: 2025, Count: 1200}, // whole
		{Category: "theft", Year: 2026, Count: 1100}, // January–November
	}
	from, to := day(2024, 3, 1), day(2026, 12, 1)
	ef, et, ok := EarlierWindow(by, from, to)
	if !ok || !ef.Equal(day(2025, 1, 1)) || !et.Equal(day(2025, 12, 1)) {
		t.Fatalf("EarlierWindow = %v, %v, %v; want 2025-01-01, 2025-12-01, true", ef, et, ok)
	}
	// January–November 2025 held 1,000 of the year's 1,200.
	earlier := []aldyn.CountRow{{Category: "theft", Year: 2025, Count: 1000}}
	got := Counts(rows, earlier, by, from, to, nil)
	if got[0].YoY != nil || !got[0].Partial || got[0].PeriodFrom != "2024-03-01" {
		t.Errorf("2024 (from March): change %v, partial %v from %q; want no change, partial from 2024-03-01", got[0].YoY, got[0].Partial, got[0].PeriodFrom)
	}
	if got[1].YoY == nil || got[1].Partial {
		t.Errorf("2025: change %v, partial %v; want a change on 2024, whole", got[1].YoY, got[1].Partial)
	}
	if got[2].YoY == nil || math.Abs(*got[2].YoY-0.1) > 1e-9 || !got[2].Partial || got[2].PeriodTo != "2026-11-30" {
		t.Errorf("2026 (to November): change %v, partial %v to %q; want +10 %% on January–November 2025, partial to 2026-11-30", got[2].YoY, got[2].Partial, got[2].PeriodTo)
	}
	// Without the earlier months there is no change rather than a wrong one.
	if got := Counts(rows, nil, by, from, to, nil); got[2].YoY != nil {
		t.Errorf("2026 without earlier rows: change %v, want none", *got[2].YoY)
	}
	// Whole years compare whole years.
	whole := Counts(rows[1:], nil, by, day(2025, 1, 1), day(2027, 1, 1), nil)
	if whole[1].YoY == nil || math.Abs(*whole[1].YoY-(1100.0-1200)/1200) > 1e-9 {
		t.Errorf("whole 2026 on whole 2025: change %v", whole[1].YoY)
	}
	if _, _, ok := EarlierWindow(by, day(2025, 1, 1), day(2027, 1, 1)); ok {
		t.Error("EarlierWindow of whole years")
	}
	// By quarter, the quarter cut short is compared with the same months.
	if ef, et, ok := EarlierWindow([]string{aldyn.ByYear, aldyn.ByQuarter}, from, to); !ok || !ef.Equal(day(2025, 10, 1)) || !et.Equal(day(2025, 12, 1)) {
		t.Errorf("EarlierWindow by quarter = %v, %v, %v; want 2025-10-01, 2025-12-01", ef, et, ok)
	}
}

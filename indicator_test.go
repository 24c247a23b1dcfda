package aldyn_test

import (
	"math"
	"testing"
	"time"

	"github.com/aldyn-kg/aldyn"
)

func validIndicator() *aldyn.Indicator {
	return &aldyn.Indicator{
		ID: 21, PlanID: 1, Code: "1", Name: aldyn.Text{EN: "Theft per 100,000"}, Unit: "per 100k",
		Kind: aldyn.IndicatorRate, Source: aldyn.IndicatorOffenses, OffenseCategory: aldyn.CategoryTheft,
		Verification: aldyn.Text{EN: "ERP"}, Frequency: aldyn.FrequencyAnnual,
		BaselineValue: 100, BaselineYear: 2023, Targets: []aldyn.IndicatorTarget{{2026, 70}, {2025, 80}},
	}
}

func TestIndicatorValidate(t *testing.T) {
	for _, tc := range []struct {
		name  string
		edit  func(i *aldyn.Indicator)
		field string
	}{
		{"valid computed rate", func(i *aldyn.Indicator) {}, ""},
		{"valid manual percent", func(i *aldyn.Indicator) {
			i.Kind, i.Source, i.OffenseCategory, i.BaselineValue = aldyn.IndicatorPercent, aldyn.IndicatorManual, "", 47
		}, ""},
		{"percent over 100", func(i *aldyn.Indicator) {
			i.Kind, i.Source, i.OffenseCategory, i.Targets[0].Value = aldyn.IndicatorPercent, aldyn.IndicatorManual, "", 120
		}, "targets"},
		{"computed percent", func(i *aldyn.Indicator) { i.Kind = aldyn.IndicatorPercent }, "kind"},
		{"unknown category", func(i *aldyn.Indicator) { i.OffenseCategory = "cattle" }, "offense_category"},
		{"manual rate without denominator", func(i *aldyn.Indicator) { i.Source, i.OffenseCategory = aldyn.IndicatorManual, "" }, "denominator"},
		{"unknown source", func(i *aldyn.Indicator) { i.Source = "poll" }, "source"},
		{"survey source with a bad measure", func(i *aldyn.Indicator) {
			i.Source, i.OffenseCategory, i.Kind, i.Numerator = aldyn.IndicatorSurvey, "", aldyn.IndicatorPercent, "survey:x"
		}, "numerator"},
		{"survey source, not a percentage", func(i *aldyn.Indicator) { i.Source, i.OffenseCategory = aldyn.IndicatorSurvey, "" }, "kind"},
		{"unknown frequency", func(i *aldyn.Indicator) { i.Frequency = "weekly" }, "frequency"},
		{"unknown disaggregation", func(i *aldyn.Indicator) { i.Disaggregation = "sex" }, "disaggregation"},
		{"no verification", func(i *aldyn.Indicator) { i.Verification = aldyn.Text{} }, "verification"},
		{"no targets", func(i *aldyn.Indicator) { i.Targets = nil }, "targets"},
		{"target at baseline year", func(i *aldyn.Indicator) { i.Targets[0].Year = 2023 }, "targets"},
		{"duplicate target year", func(i *aldyn.Indicator) { i.Targets[0].Year = 2025 }, "targets"},
		{"NaN baseline", func(i *aldyn.Indicator) { i.BaselineValue = math.NaN() }, "baseline_value"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ind := validIndicator()
			tc.edit(ind)
			MustValidation(t, ind.Validate(), tc.field)
		})
	}
	ind := validIndicator()
	if err := ind.Validate(); err != nil {
		t.Fatal(err)
	}
	if ind.Numerator != "offenses:theft" || ind.Denominator != aldyn.DenominatorPopulation {
		t.Errorf("computed rate: got %q / %q, want offenses:theft / population", ind.Numerator, ind.Denominator)
	}
	if ind.Targets[0].Year != 2025 {
		t.Errorf("targets not sorted: %v", ind.Targets)
	}
	for _, tc := range []struct {
		year, want int
	}{{2024, 2025}, {2025, 2025}, {2026, 2026}, {2028, 2026}} {
		if got, ok := ind.TargetFor(tc.year); !ok || got.Year != tc.want {
			t.Errorf("TargetFor(%d): got %v %v, want %d", tc.year, got, ok, tc.want)
		}
	}
	if err := ind.ValidateValue(&aldyn.IndicatorValue{IndicatorID: 21, Period: "2024", Value: 90}); err != nil {
		t.Errorf("ValidateValue: got %v", err)
	}
	MustField(t, ind.ValidateValue(&aldyn.IndicatorValue{IndicatorID: 21, Period: "2024-Q1", Value: 90}), "period")
	MustField(t, ind.ValidateValue(&aldyn.IndicatorValue{IndicatorID: 21, Period: "2024", Value: -1}), "value")
}

func TestPeriods(t *testing.T) {
	for _, tc := range []struct {
		period, freq string
		end          time.Time
		ok           bool
	}{
		{"2024", aldyn.FrequencyAnnual, date(2025, 1, 1), true},
		{"2024-Q2", aldyn.FrequencyQuarterly, date(2024, 7, 1), true},
		{"2024-Q4", aldyn.FrequencyQuarterly, date(2025, 1, 1), true},
		{"2024-05", aldyn.FrequencyMonthly, date(2024, 6, 1), true},
		{"2024-12", aldyn.FrequencyMonthly, date(2025, 1, 1), true},
		{"2024-13", aldyn.FrequencyMonthly, time.Time{}, false},
		{"2024-Q5", aldyn.FrequencyQuarterly, time.Time{}, false},
		{"2024-+5", aldyn.FrequencyMonthly, time.Time{}, false},
		{"24", aldyn.FrequencyAnnual, time.Time{}, false},
		{"", aldyn.FrequencyAnnual, time.Time{}, false},
	} {
		end, ok := aldyn.PeriodEnd(tc.period)
		if ok != tc.ok || !end.Equal(tc.end) {
			t.Errorf("PeriodEnd(%q): got %v %v, want %v %v", tc.period, end, ok, tc.end, tc.ok)
		}
		if got := aldyn.ValidPeriod(tc.freq, tc.period); got != tc.ok {
			t.Errorf("ValidPeriod(%s, %q): got %v, want %v", tc.freq, tc.period, got, tc.ok)
		}
	}
	if aldyn.ValidPeriod(aldyn.FrequencyMonthly, "2024-Q1") || aldyn.ValidPeriod(aldyn.FrequencyAnnual, "2024-05") {
		t.Error("ValidPeriod accepted a period of another frequency")
	}
}

func TestProgress(t *testing.T) {
	for _, tc := range []struct {
		name                     string
		baseline, target, actual float64
		higher                   bool
		want                     float64
	}{
		{"halfway up", 40, 60, 50, true, 0.5},
		{"halfway down", 100, 80, 90, false, 0.5},
		{"at baseline", 100, 80, 100, false, 0},
		{"target reached", 100, 80, 80, false, 1},
		{"overachieved", 40, 60, 70, true, 1.5},
		{"capped", 40, 60, 200, true, aldyn.MaxProgress},
		{"worse than baseline clamps to 0", 100, 80, 120, false, 0},
		{"keep level, held", 50, 50, 55, true, 1},
		{"keep level, fell", 50, 50, 45, true, 0},
		{"keep level low, held", 5, 5, 4, false, 1},
		{"keep level low, rose", 5, 5, 6, false, 0},
		{"NaN", 5, 10, math.NaN(), true, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := aldyn.Progress(tc.baseline, tc.target, tc.actual, tc.higher); math.Abs(got-tc.want) > 1e-9 {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
	for _, tc := range []struct {
		progress, expected float64
		want               string
	}{
		{0.5, 0.5, aldyn.IndicatorOnTrack},
		{0.41, 0.5, aldyn.IndicatorOnTrack},
		{0.3, 0.5, aldyn.IndicatorAtRisk},
		{0.2, 0.5, aldyn.IndicatorOffTrack},
		{1.5, 1, aldyn.IndicatorOnTrack},
	} {
		if got := aldyn.IndicatorState(tc.progress, tc.expected); got != tc.want {
			t.Errorf("IndicatorState(%v, %v): got %s, want %s", tc.progress, tc.expected, got, tc.want)
		}
	}
	if got := aldyn.ExpectedShare(2023, 2025, date(2025, 1, 1)); math.Abs(got-366.0/731) > 1e-9 {
		t.Errorf("ExpectedShare: got %v, want %v", got, 366.0/731)
	}
	if got := aldyn.ExpectedShare(2023, 2025, date(2020, 1, 1)); got != 0 {
		t.Errorf("ExpectedShare before: got %v, want 0", got)
	}
	if got := aldyn.ExpectedShare(2023, 2025, date(2030, 1, 1)); got != 1 {
		t.Errorf("ExpectedShare after: got %v, want 1", got)
	}
}

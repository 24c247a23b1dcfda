package aldyn

import (
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Indicator kinds.
const (
	IndicatorNumber  = "number"
	IndicatorPercent = "percent"
	IndicatorRate    = "rate_per_100k" // Numerator per 100,000 of Denominator
)

// Indicator sources: entered by reporters, or computed from the offense
// registers or from the accepted values of reported figures (data sets).
const (
	IndicatorManual    = "manual"
	IndicatorOffenses  = "offenses"
	IndicatorDataSets  = "data_sets"
	IndicatorSurvey    = "survey"    // a weighted share from a survey, per wave (Numerator holds the SurveyMeasure)
	IndicatorResidents = "residents" // the share of residents' reports made in the territory answered on time, per year
)

// ResidentMeasureReportBack is the Numerator of a residents' indicator
// that counts report-back meetings of precinct inspectors held per
// precinct of the territory (a number, per year or quarter) instead of
// the share of reports answered on time.
const ResidentMeasureReportBack = "residents:report_back_per_precinct"

// Indicator disaggregations.
const (
	DisaggregationNone      = "none"
	DisaggregationTerritory = "territory"
)

// Frequencies of indicator values and their period labels.
const (
	FrequencyMonthly   = "monthly"   // "2024-05"
	FrequencyQuarterly = "quarterly" // "2024-Q2"
	FrequencyAnnual    = "annual"    // "2024"
)

// DenominatorPopulation is the denominator of rates per resident.
const DenominatorPopulation = "population"

// Indicator measures the achievement of a plan's results (§6, §7): a
// baseline, yearly targets and a means of verification.
type Indicator struct {
	ID              int64             `json:"id"`
	PlanID          int64             `json:"plan_id"`
	Code            string            `json:"code"`
	Name            Text              `json:"name"`
	Unit            string            `json:"unit"`
	HigherIsBetter  bool              `json:"higher_is_better"`
	Kind            string            `json:"kind"`
	Numerator       string            `json:"numerator,omitempty"`   // "offenses:theft" for computed ones
	Denominator     string            `json:"denominator,omitempty"` // "population" for rates
	Source          string            `json:"source"`
	OffenseCategory string            `json:"offense_category,omitempty"` // for Source offenses
	Disaggregation  string            `json:"disaggregation"`
	Verification    Text              `json:"verification"`
	Frequency       string            `json:"frequency"`
	BaselineValue   float64           `json:"baseline_value"`
	BaselineYear    int               `json:"baseline_year"`
	Targets         []IndicatorTarget `json:"targets"`
	CreatedAt       time.Time         `json:"created_at"`
	UpdatedAt       time.Time         `json:"updated_at"`
}

// IndicatorTarget is the value an indicator should reach by the end of a year.
type IndicatorTarget struct {
	Year  int     `json:"year"`
	Value float64 `json:"value"`
}

// IndicatorValue is an observed value of an indicator for a period
// (see the Frequency constants) and a territory; TerritoryCode is empty or
// the plan's territory for the plan-wide value.
type IndicatorValue struct {
	IndicatorID   int64   `json:"indicator_id"`
	Period        string  `json:"period"`
	TerritoryCode string  `json:"territory_code,omitempty"`
	Value         float64 `json:"value"`
}

// IndicatorFilter selects indicators. Under limits them to plans of a
// territory path prefix; Query matches codes and names.
type IndicatorFilter struct {
	ID     *int64
	PlanID *int64
	Under  string
	Query  string
	Page   Page
}

// Validate checks an indicator's fields. Computed indicators get their
// Numerator (and, for rates, Denominator) set from the category.
func (ind *Indicator) Validate() error {
	ind.Code, ind.Unit = strings.TrimSpace(ind.Code), strings.TrimSpace(ind.Unit)
	ind.Name, ind.Verification = ind.Name.TrimSpace(), ind.Verification.TrimSpace()
	ind.Numerator, ind.Denominator = strings.TrimSpace(ind.Numerator), strings.TrimSpace(ind.Denominator)
	if ind.Disaggregation == "" {
		ind.Disaggregation = DisaggregationNone
	}
	v := Validation{}
	v.requireValid("code", ind.Code, codeRe.MatchString(ind.Code), "plan.error.code")
	requireText(v, "name", ind.Name, 1000)
	if len([]rune(ind.Unit)) > 50 {
		v.Add("unit", "error.too_long")
	}
	if !slices.Contains([]string{IndicatorNumber, IndicatorPercent, IndicatorRate}, ind.Kind) {
		v.Add("kind", "indicator.error.kind")
	}
	switch ind.Source {
	case IndicatorManual:
		if ind.OffenseCategory != "" {
			v.Add("offense_category", "indicator.error.category_manual")
		}
	case IndicatorOffenses:
		switch {
		case !slices.Contains(OffenseCategories, ind.OffenseCategory):
			v.Add("offense_category", "indicator.error.category")
		case ind.Kind == IndicatorPercent:
			v.Add("kind", "indicator.error.computed_kind")
		default:
			ind.Numerator = "offenses:" + ind.OffenseCategory
			if ind.Kind == IndicatorRate {
				ind.Denominator = DenominatorPopulation
			}
		}
	case IndicatorDataSets:
		validateDataRefs(v, ind)
	case IndicatorSurvey:
		if sharePercent(v, ind, "indicator.error.survey_kind") {
			if _, err := ParseSurveyMeasure(ind.Numerator); err != nil {
				v.Add("numerator", "indicator.error.survey_measure")
			}
		}
	case IndicatorResidents:
		if ind.Numerator == ResidentMeasureReportBack {
			switch {
			case ind.OffenseCategory != "":
				v.Add("offense_category", "indicator.error.category_manual")
			case ind.Kind != IndicatorNumber:
				v.Add("kind", "reportback.indicator.error.kind")
			case ind.Frequency == FrequencyMonthly:
				v.Add("frequency", "indicator.error.frequency")
			default:
				ind.Denominator = "residents:precincts"
			}
		} else if sharePercent(v, ind, "indicator.error.residents_kind") {
			ind.Numerator, ind.Denominator = "residents:answered_on_time", "residents:due"
		}
	default:
		v.Add("source", "indicator.error.source")
	}
	if ind.Kind == IndicatorRate && ind.Denominator == "" {
		v.Add("denominator", "error.required")
	}
	if !slices.Contains([]string{DisaggregationNone, DisaggregationTerritory}, ind.Disaggregation) {
		v.Add("disaggregation", "indicator.error.disaggregation")
	}
	requireText(v, "verification", ind.Verification, 2000)
	if !slices.Contains([]string{FrequencyMonthly, FrequencyQuarterly, FrequencyAnnual}, ind.Frequency) {
		v.Add("frequency", "indicator.error.frequency")
	}
	badValue := func(x float64) bool {
		return math.IsNaN(x) || math.IsInf(x, 0) || x < 0 || (ind.Kind == IndicatorPercent && x > 100)
	}
	if badValue(ind.BaselineValue) {
		v.Add("baseline_value", "indicator.error.value")
	}
	// The baseline may predate the Concept (e.g. the 2019 survey) but
	// not the records the platform holds.
	if ind.BaselineYear < 2010 || ind.BaselineYear > ConceptEndYear {
		v.Add("baseline_year", "indicator.error.baseline_year")
	}
	if len(ind.Targets) == 0 {
		v.Add("targets", "error.required")
	}
	slices.SortFunc(ind.Targets, func(a, b IndicatorTarget) int { return a.Year - b.Year })
	for i, t := range ind.Targets {
		switch {
		case t.Year <= ind.BaselineYear || t.Year > ConceptEndYear:
			v.Add("targets", "indicator.error.target_year")
		case i > 0 && ind.Targets[i-1].Year == t.Year:
			v.Add("targets", "indicator.error.target_duplicate")
		case badValue(t.Value):
			v.Add("targets", "indicator.error.value")
		}
	}
	return v.Err()
}

// ValidateValue checks a value observed for the indicator.
func (ind *Indicator) ValidateValue(x *IndicatorValue) error {
	x.Period, x.TerritoryCode = strings.TrimSpace(x.Period), strings.TrimSpace(x.TerritoryCode)
	v := Validation{}
	if x.IndicatorID != ind.ID {
		v.Add("indicator_id", "error.invalid")
	}
	if !ValidPeriod(ind.Frequency, x.Period) {
		v.Add("period", "indicator.error.period")
	}
	if x.TerritoryCode != "" && !ValidTerritoryCode(x.TerritoryCode) {
		v.Add("territory_code", "error.territory_code")
	}
	if math.IsNaN(x.Value) || math.IsInf(x.Value, 0) || x.Value < 0 || (ind.Kind == IndicatorPercent && x.Value > 100) {
		v.Add("value", "indicator.error.value")
	}
	return v.Err()
}

// TargetFor returns the target an indicator is measured against in year:
// that year's target, else the last one before it (the plan's period is
// over), else the first one after it (the first target year is ahead).
func (ind *Indicator) TargetFor(year int) (IndicatorTarget, bool) {
	var before, after *IndicatorTarget
	for i := range ind.Targets {
		t := &ind.Targets[i]
		switch {
		case t.Year == year:
			return *t, true
		case t.Year < year && (before == nil || t.Year > before.Year):
			before = t
		case t.Year > year && (after == nil || t.Year < after.Year):
			after = t
		}
	}
	if before != nil {
		return *before, true
	}
	if after != nil {
		return *after, true
	}
	return IndicatorTarget{}, false
}

// ValidPeriod reports whether period is a label of the frequency:
// "2024", "2024-Q2" or "2024-05".
func ValidPeriod(frequency, period string) bool {
	if _, ok := PeriodEnd(period); !ok {
		return false
	}
	switch frequency {
	case FrequencyAnnual:
		return len(period) == 4
	case FrequencyQuarterly:
		return len(period) == 7 && period[5] == 'Q'
	case FrequencyMonthly:
		return len(period) == 7 && period[5] != 'Q'
	}
	return false
}

// PeriodEnd returns the first instant (UTC) after a period label
// "2024", "2024-Q2" or "2024-05".
func PeriodEnd(period string) (time.Time, bool) {
	if len(period) < 4 {
		return time.Time{}, false
	}
	y, err := strconv.Atoi(period[:4])
	if err != nil || y < 1900 || y > 2200 {
		return time.Time{}, false
	}
	switch {
	case len(period) == 4:
		return time.Date(y+1, 1, 1, 0, 0, 0, 0, time.UTC), true
	case len(period) == 7 && period[4] == '-' && period[5] == 'Q' && period[6] >= '1' && period[6] <= '4':
		q := int(period[6] - '0')
		return time.Date(y, time.Month(3*q+1), 1, 0, 0, 0, 0, time.UTC), true
	case len(period) == 7 && period[4] == '-':
		m, err := strconv.Atoi(period[5:])
		if err != nil || m < 1 || m > 12 || period[5] == '+' || period[5] == '-' {
			return time.Time{}, false
		}
		return time.Date(y, time.Month(m+1), 1, 0, 0, 0, 0, time.UTC), true
	}
	return time.Time{}, false
}

// MaxProgress caps Progress so that one overachieved indicator does not
// dominate averages and charts.
const MaxProgress = 2.0

// Progress is the share of the way from baseline to target that actual
// has covered: 0 at the baseline, 1 at the target, clamped to
// [0, MaxProgress]. It works for targets above and below the baseline;
// higherIsBetter decides only when target equals baseline (keep the
// level): 1 if actual is at least as good, else 0.
func Progress(baseline, target, actual float64, higherIsBetter bool) float64 {
	if math.IsNaN(baseline) || math.IsNaN(target) || math.IsNaN(actual) {
		return 0
	}
	if target == baseline {
		if (higherIsBetter && actual >= target) || (!higherIsBetter && actual <= target) {
			return 1
		}
		return 0
	}
	p := (actual - baseline) / (target - baseline)
	return min(max(p, 0), MaxProgress)
}

// Indicator progress states, the colours of the dashboard.
const (
	IndicatorOnTrack  = "on_track"  // green
	IndicatorAtRisk   = "at_risk"   // amber
	IndicatorOffTrack = "off_track" // red
	IndicatorNoData   = "no_data"   // grey: no value observed yet
)

// Tolerances of IndicatorState, in shares of the baseline–target distance.
const (
	indicatorOnTrackGap = 0.10
	indicatorAtRiskGap  = 0.25
)

// ExpectedShare is the share of the way from baseline to target an
// indicator should have covered by at: time runs from the end of the
// baseline year to the end of the target year.
func ExpectedShare(baselineYear, targetYear int, at time.Time) float64 {
	from := time.Date(baselineYear+1, 1, 1, 0, 0, 0, 0, time.UTC)
	to := time.Date(targetYear+1, 1, 1, 0, 0, 0, 0, time.UTC)
	if !to.After(from) {
		return 1
	}
	return min(max(float64(at.Sub(from))/float64(to.Sub(from)), 0), 1)
}

// IndicatorState compares progress with the expected share: on track when
// it lags by at most 10 points, at risk by at most 25, off track beyond.
func IndicatorState(progress, expected float64) string {
	switch gap := expected - progress; {
	case gap <= indicatorOnTrackGap:
		return IndicatorOnTrack
	case gap <= indicatorAtRiskGap:
		return IndicatorAtRisk
	}
	return IndicatorOffTrack
}

// sharePercent checks that an indicator computed as a share (from a survey
// or residents' reports) names no offense category and is a percentage,
// kindKey being the message when it is not; it reports whether both hold.
func sharePercent(v Validation, ind *Indicator, kindKey string) bool {
	switch {
	case ind.OffenseCategory != "":
		v.Add("offense_category", "indicator.error.category_manual")
	case ind.Kind != IndicatorPercent:
		v.Add("kind", kindKey)
	default:
		return true
	}
	return false
}

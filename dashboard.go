package aldyn

import (
	"slices"
	"time"
)

// MeasureState is the derived implementation status of a measure.
type MeasureState string

// Measure states.
const (
	MeasureNotStarted MeasureState = "not_started"
	MeasureOnTrack    MeasureState = "on_track"
	MeasureAtRisk     MeasureState = "at_risk"
	MeasureOverdue    MeasureState = "overdue"
	MeasureDone       MeasureState = "done"
	MeasureCancelled  MeasureState = "cancelled"
)

// MeasureStates lists the states in display order.
var MeasureStates = []MeasureState{MeasureNotStarted, MeasureOnTrack, MeasureAtRisk, MeasureOverdue, MeasureDone, MeasureCancelled}

// Thresholds of MeasureStatus.
const (
	atRiskLagPoints     = 25 // elapsed-time share ahead of progress, in points
	atRiskDueWithin     = 30 * 24 * time.Hour
	atRiskDueProgress   = 75  // progress below which a close due date is a risk
	MeasureDoneProgress = 100 // accepted progress that makes a measure done
)

// MeasureStatus derives a measure's status at now from its latest
// accepted report (nil when none; reports not accepted are ignored).
// Start and Due are dates: the measure runs from the start of Start to the
// end of Due. The first rule that applies wins:
//
//  1. cancelled: the measure is cancelled;
//  2. done: the accepted progress is 100 %;
//  3. overdue: Due has passed;
//  4. not_started: Start has not come;
//  5. at_risk: the share of the Start–Due time elapsed exceeds the
//     accepted progress by more than 25 points, or Due is within 30 days
//     and progress is below 75 %;
//  6. not_started: no progress has been accepted yet;
//  7. on_track otherwise.
func MeasureStatus(m *Measure, latestAccepted *Report, now time.Time) MeasureState {
	progress := 0
	if latestAccepted != nil && latestAccepted.Status == ReportAccepted {
		progress = latestAccepted.Progress
	}
	start, end := dayStart(m.Start), dayEnd(m.Due)
	switch {
	case m.Cancelled:
		return MeasureCancelled
	case progress >= MeasureDoneProgress:
		return MeasureDone
	case !now.Before(end):
		return MeasureOverdue
	case now.Before(start):
		return MeasureNotStarted
	}
	elapsed := 100 * float64(now.Sub(start)) / float64(end.Sub(start))
	if elapsed-float64(progress) > atRiskLagPoints || (end.Sub(now) <= atRiskDueWithin && progress < atRiskDueProgress) {
		return MeasureAtRisk
	}
	if progress == 0 {
		return MeasureNotStarted
	}
	return MeasureOnTrack
}

func dayStart(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, t.Location())
}

func dayEnd(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d+1, 0, 0, 0, 0, t.Location())
}

// StatusCounts counts measures by state.
type StatusCounts struct {
	Total      int `json:"total"`
	NotStarted int `json:"not_started"`
	OnTrack    int `json:"on_track"`
	AtRisk     int `json:"at_risk"`
	Overdue    int `json:"overdue"`
	Done       int `json:"done"`
	Cancelled  int `json:"cancelled"`
	// DoneOnTime are done measures whose first accepted 100 % report is for
	// a cycle that began no later than Due.
	DoneOnTime int `json:"done_on_time"`
}

func (c *StatusCounts) add(s MeasureState) {
	c.Total++
	switch s {
	case MeasureNotStarted:
		c.NotStarted++
	case MeasureOnTrack:
		c.OnTrack++
	case MeasureAtRisk:
		c.AtRisk++
	case MeasureOverdue:
		c.Overdue++
	case MeasureDone:
		c.Done++
	case MeasureCancelled:
		c.Cancelled++
	}
}

// Add adds the counts of o, for totals over several plans.
func (c *StatusCounts) Add(o StatusCounts) {
	c.Total += o.Total
	c.NotStarted += o.NotStarted
	c.OnTrack += o.OnTrack
	c.AtRisk += o.AtRisk
	c.Overdue += o.Overdue
	c.Done += o.Done
	c.Cancelled += o.Cancelled
	c.DoneOnTime += o.DoneOnTime
}

// State is the state of the one measure whose counts c are.
func (c StatusCounts) State() MeasureState {
	switch {
	case c.Cancelled > 0:
		return MeasureCancelled
	case c.Done > 0:
		return MeasureDone
	case c.Overdue > 0:
		return MeasureOverdue
	case c.AtRisk > 0:
		return MeasureAtRisk
	case c.OnTrack > 0:
		return MeasureOnTrack
	}
	return MeasureNotStarted
}

// LatestAccepted picks, of one measure's reports, the one its status rests
// on by ComputeDashboard's rule: the latest accepted by the end of its
// cycle, then by decision time.
func LatestAccepted(reports []Report, cycles map[int64]*ReportingCycle) *Report {
	var best *Report
	var bestTo time.Time
	for i := range reports {
		r := &reports[i]
		if r.Status != ReportAccepted {
			continue
		}
		if _, to := reportSpan(r, cycles[r.CycleID]); laterAccepted(r, to, best, bestTo) {
			best, bestTo = r, to
		}
	}
	return best
}

// reportSpan is the time a report covers: its cycle's, else (a cycle not
// given) the moment it was submitted.
func reportSpan(r *Report, c *ReportingCycle) (from, to time.Time) {
	if c != nil {
		return c.From, c.To
	}
	if r.SubmittedAt != nil {
		return *r.SubmittedAt, *r.SubmittedAt
	}
	return time.Time{}, time.Time{}
}

// laterAccepted reports whether accepted report r, whose span ends at to,
// comes after best (ending at bestTo) by LatestAccepted's rule: the later
// end, then the later decision.
func laterAccepted(r *Report, to time.Time, best *Report, bestTo time.Time) bool {
	return best == nil || to.After(bestTo) || to.Equal(bestTo) && laterDecision(r, best)
}

// LatestCycle returns the cycle latest begun at at: the one with the
// latest From not after at; nil if none has begun.
func LatestCycle(cycles []ReportingCycle, at time.Time) *ReportingCycle {
	var latest *ReportingCycle
	for i := range cycles {
		c := &cycles[i]
		if !c.From.After(at) && (latest == nil || c.From.After(latest.From)) {
			latest = c
		}
	}
	return latest
}

// StatusShares are StatusCounts as shares (0–1) of the total; DoneOnTime
// is a share of the measures not cancelled.
type StatusShares struct {
	NotStarted float64 `json:"not_started"`
	OnTrack    float64 `json:"on_track"`
	AtRisk     float64 `json:"at_risk"`
	Overdue    float64 `json:"overdue"`
	Done       float64 `json:"done"`
	Cancelled  float64 `json:"cancelled"`
	DoneOnTime float64 `json:"done_on_time"`
}

// Shares returns the counts as shares.
func (c StatusCounts) Shares() StatusShares {
	share := func(n, of int) float64 {
		if of == 0 {
			return 0
		}
		return float64(n) / float64(of)
	}
	return StatusShares{
		NotStarted: share(c.NotStarted, c.Total), OnTrack: share(c.OnTrack, c.Total), AtRisk: share(c.AtRisk, c.Total),
		Overdue: share(c.Overdue, c.Total), Done: share(c.Done, c.Total), Cancelled: share(c.Cancelled, c.Total),
		DoneOnTime: share(c.DoneOnTime, c.Total-c.Cancelled),
	}
}

// SourceBudget is the planned and spent amounts of one budget source.
type SourceBudget struct {
	Source     string `json:"source"`
	PlannedKGS int64  `json:"planned_kgs"`
	SpentKGS   int64  `json:"spent_kgs"`
}

// BudgetSummary compares planned with spent amounts. Planned counts the
// measures not cancelled; Spent counts accepted reports of all measures.
type BudgetSummary struct {
	Sources    []SourceBudget `json:"sources"` // in BudgetSources order
	PlannedKGS int64          `json:"planned_kgs"`
	SpentKGS   int64          `json:"spent_kgs"`
	SpentShare float64        `json:"spent_share"` // spent / planned; 0 when nothing is planned
}

// GroupSummary is the breakdown of the measures of one Concept component
// (ComponentCode, "" for measures not traced) or one responsible body.
type GroupSummary struct {
	ComponentCode string       `json:"component_code,omitempty"`
	BodyID        int64        `json:"body_id,omitempty"`
	Measures      StatusCounts `json:"measures"`
	PlannedKGS    int64        `json:"planned_kgs"`
	SpentKGS      int64        `json:"spent_kgs"`
}

// IndicatorProgress is an indicator's way from baseline to target.
type IndicatorProgress struct {
	IndicatorID    int64    `json:"indicator_id"`
	Code           string   `json:"code"`
	Name           Text     `json:"name"`
	Unit           string   `json:"unit"`
	HigherIsBetter bool     `json:"higher_is_better"`
	BaselineValue  float64  `json:"baseline_value"`
	BaselineYear   int      `json:"baseline_year"`
	TargetValue    *float64 `json:"target_value,omitempty"`
	TargetYear     int      `json:"target_year,omitempty"`
	ActualValue    *float64 `json:"actual_value,omitempty"`
	ActualPeriod   string   `json:"actual_period,omitempty"`
	Progress       *float64 `json:"progress,omitempty"` // see Progress
	Expected       *float64 `json:"expected,omitempty"` // see ExpectedShare, at the end of ActualPeriod
	State          string   `json:"state"`              // IndicatorOnTrack …
}

// IndicatorCounts counts indicators by state.
type IndicatorCounts struct {
	Total    int `json:"total"`
	OnTrack  int `json:"on_track"`
	AtRisk   int `json:"at_risk"`
	OffTrack int `json:"off_track"`
	NoData   int `json:"no_data"`
}

// BodyReporting is one body's reporting in a cycle.
type BodyReporting struct {
	BodyID    int64 `json:"body_id"`
	Expected  int   `json:"expected"`  // measures of the body running during the cycle, less those done in an earlier cycle
	Submitted int   `json:"submitted"` // reports submitted at least once
	Accepted  int   `json:"accepted"`
	Returned  int   `json:"returned"` // awaiting resubmission
	OnTime    int   `json:"on_time"`  // first submitted by the deadline
	Late      int   `json:"late"`     // first submitted after the deadline
	Missing   int   `json:"missing"`  // not submitted, deadline passed
	Pending   int   `json:"pending"`  // not submitted, deadline not yet passed
}

func (b *BodyReporting) addTo(t *BodyReporting) {
	t.Expected += b.Expected
	t.Submitted += b.Submitted
	t.Accepted += b.Accepted
	t.Returned += b.Returned
	t.OnTime += b.OnTime
	t.Late += b.Late
	t.Missing += b.Missing
	t.Pending += b.Pending
}

// CycleSummary is the completeness of reporting in the latest cycle.
type CycleSummary struct {
	CycleID  int64           `json:"cycle_id"`
	Period   string          `json:"period"`
	Deadline time.Time       `json:"deadline"`
	Totals   BodyReporting   `json:"totals"` // BodyID 0
	Bodies   []BodyReporting `json:"bodies"` // by body id
}

// Dashboard is the monitoring summary of a plan at a moment.
type Dashboard struct {
	PlanID          int64               `json:"plan_id"`
	At              time.Time           `json:"at"`
	Measures        StatusCounts        `json:"measures"`
	Shares          StatusShares        `json:"shares"`
	Budget          BudgetSummary       `json:"budget"`
	Components      []GroupSummary      `json:"components"` // by component code, untraced ("") first
	Bodies          []GroupSummary      `json:"bodies"`     // by responsible body id
	Indicators      []IndicatorProgress `json:"indicators"` // in the order given
	IndicatorCounts IndicatorCounts     `json:"indicator_counts"`
	Cycle           *CycleSummary       `json:"cycle,omitempty"` // the latest cycle begun by At; nil if none
}

// DashboardInput is what ComputeDashboard computes on: a plan, its
// measures, indicators and cycles, the current version of every report on
// its measures (one per cycle and measure), and the observed indicator
// values (from accepted reports and computed sources). The store loads it
// whole (LoadPlanInput) or with only what the current dashboard reads
// (LoadDashboardInput), which gives the same dashboard for any now from At
// on.
type DashboardInput struct {
	Plan       *Plan
	Measures   []Measure
	Indicators []Indicator
	Values     []IndicatorValue
	Reports    []Report
	Cycles     []ReportingCycle
	At         time.Time // when it was loaded (the database clock)
}

// ComputeDashboard summarises a plan at now. Reports and values of
// measures and indicators not in the input are ignored. It runs in time
// linear in the input.
//
// A measure's status uses its latest accepted report (by cycle end, then
// decision time); it is done on time when its first accepted 100 % report
// is for a cycle that began by the end of Due. Spending sums the Spent of
// accepted reports. An indicator's actual value is its latest period's
// plan-wide value (empty territory or the plan's), later values of the same
// period winning. The reporting summary is for the cycle with the latest
// From not after now.
func ComputeDashboard(in DashboardInput, now time.Time) Dashboard {
	d := Dashboard{PlanID: in.Plan.ID, At: now}
	latest := LatestCycle(in.Cycles, now)
	accs := accumulateReports(in.Measures, in.Reports, in.Cycles, latest)
	var planned, spent [4]int64
	d.Components, d.Bodies = d.countMeasures(accs, now, &planned, &spent)
	d.Shares = d.Measures.Shares()
	d.Budget = budgetSummary(planned, spent)
	d.Indicators, d.IndicatorCounts = indicatorProgress(in.Plan, in.Indicators, in.Values, now)
	if latest != nil {
		d.Cycle = cycleSummary(latest, accs, now)
	}
	return d
}

// accumulateReports gathers, per measure (in the order of measures), the
// latest accepted report, the first accepted 100 % report, the spending
// and the report of the latest cycle.
func accumulateReports(measures []Measure, reports []Report, cycles []ReportingCycle, latest *ReportingCycle) []measureAcc {
	cycleByID := make(map[int64]*ReportingCycle, len(cycles))
	for i := range cycles {
		cycleByID[cycles[i].ID] = &cycles[i]
	}
	acc := make(map[int64]*measureAcc, len(measures))
	accs := make([]measureAcc, len(measures))
	for i := range measures {
		accs[i].m = &measures[i]
		acc[measures[i].ID] = &accs[i]
	}
	for i := range reports {
		r := &reports[i]
		a := acc[r.MeasureID]
		if a == nil {
			continue
		}
		c := cycleByID[r.CycleID]
		if latest != nil && r.CycleID == latest.ID {
			a.current = r
		}
		if r.Status != ReportAccepted {
			continue
		}
		for _, l := range r.Spent {
			if k := slices.Index(BudgetSources, l.Source); k >= 0 {
				a.spent[k] += l.AmountKGS
			}
		}
		cFrom, cTo := reportSpan(r, c)
		if laterAccepted(r, cTo, a.accepted, a.acceptedTo) {
			a.accepted, a.acceptedTo = r, cTo
		}
		if r.Progress >= MeasureDoneProgress && (a.done == nil || cFrom.Before(a.doneFrom)) {
			a.done, a.doneFrom = r, cFrom
		}
	}
	return accs
}

// countMeasures counts the measures by status into d.Measures and by
// component and responsible body into the groups it returns (by component
// code, then by body id), adding each measure's planned budget (when not
// cancelled) and spending by source into planned and spent.
func (d *Dashboard) countMeasures(accs []measureAcc, now time.Time, planned, spent *[4]int64) (components, bodies []GroupSummary) {
	byComponent := map[string]*GroupSummary{}
	byBody := map[int64]*GroupSummary{}
	for i := range accs {
		a := &accs[i]
		m := a.m
		st := MeasureStatus(m, a.accepted, now)
		onTime := st == MeasureDone && a.done != nil && a.doneFrom.Before(dayEnd(m.Due))
		var mPlanned, mSpent int64
		if !m.Cancelled {
			for _, l := range m.Budget {
				if k := slices.Index(BudgetSources, l.Source); k >= 0 {
					planned[k] += l.AmountKGS
					mPlanned += l.AmountKGS
				}
			}
		}
		for k, x := range a.spent {
			spent[k] += x
			mSpent += x
		}
		g := byComponent[m.ComponentCode]
		if g == nil {
			g = &GroupSummary{ComponentCode: m.ComponentCode}
			byComponent[m.ComponentCode] = g
		}
		b := byBody[m.ResponsibleBodyID]
		if b == nil {
			b = &GroupSummary{BodyID: m.ResponsibleBodyID}
			byBody[m.ResponsibleBodyID] = b
		}
		for _, c := range []*StatusCounts{&d.Measures, &g.Measures, &b.Measures} {
			c.add(st)
			if onTime {
				c.DoneOnTime++
			}
		}
		g.PlannedKGS += mPlanned
		g.SpentKGS += mSpent
		b.PlannedKGS += mPlanned
		b.SpentKGS += mSpent
	}
	components = make([]GroupSummary, 0, len(byComponent))
	for _, g := range byComponent {
		components = append(components, *g)
	}
	slices.SortFunc(components, func(a, b GroupSummary) int { return CompareCodes(a.ComponentCode, b.ComponentCode) })
	bodies = make([]GroupSummary, 0, len(byBody))
	for _, g := range byBody {
		bodies = append(bodies, *g)
	}
	slices.SortFunc(bodies, func(a, b GroupSummary) int { return cmpInt64(a.BodyID, b.BodyID) })
	return components, bodies
}

// budgetSummary sums the planned and spent amounts by source.
func budgetSummary(planned, spent [4]int64) BudgetSummary {
	b := BudgetSummary{Sources: make([]SourceBudget, len(BudgetSources))}
	for k, s := range BudgetSources {
		b.Sources[k] = SourceBudget{Source: s, PlannedKGS: planned[k], SpentKGS: spent[k]}
		b.PlannedKGS += planned[k]
		b.SpentKGS += spent[k]
	}
	if b.PlannedKGS > 0 {
		b.SpentShare = float64(b.SpentKGS) / float64(b.PlannedKGS)
	}
	return b
}

// measureAcc gathers what ComputeDashboard needs of one measure's reports.
type measureAcc struct {
	m          *Measure
	accepted   *Report   // latest accepted
	acceptedTo time.Time // end of its cycle
	done       *Report   // first accepted with 100 %
	doneFrom   time.Time // start of its cycle
	spent      [4]int64  // by BudgetSources index
	current    *Report   // in the latest cycle
}

func laterDecision(r, than *Report) bool {
	return r.DecidedAt != nil && (than.DecidedAt == nil || r.DecidedAt.After(*than.DecidedAt))
}

func indicatorProgress(plan *Plan, indicators []Indicator, values []IndicatorValue, now time.Time) ([]IndicatorProgress, IndicatorCounts) {
	type latestValue struct {
		end   time.Time
		value IndicatorValue
		ok    bool
	}
	idx := make(map[int64]int, len(indicators))
	for i := range indicators {
		idx[indicators[i].ID] = i
	}
	latest := make([]latestValue, len(indicators))
	for _, x := range values {
		i, ok := idx[x.IndicatorID]
		if !ok || (x.TerritoryCode != "" && x.TerritoryCode != plan.TerritoryCode) {
			continue
		}
		end, ok := PeriodEnd(x.Period)
		if !ok {
			continue
		}
		// Later values of the same period replace earlier ones.
		if l := &latest[i]; !l.ok || !end.Before(l.end) {
			*l = latestValue{end: end, value: x, ok: true}
		}
	}
	out := make([]IndicatorProgress, len(indicators))
	var counts IndicatorCounts
	for i := range indicators {
		ind := &indicators[i]
		p := IndicatorProgress{
			IndicatorID: ind.ID, Code: ind.Code, Name: ind.Name, Unit: ind.Unit, HigherIsBetter: ind.HigherIsBetter,
			BaselineValue: ind.BaselineValue, BaselineYear: ind.BaselineYear, State: IndicatorNoData,
		}
		t, hasTarget := ind.TargetFor(now.Year())
		if hasTarget {
			p.TargetValue, p.TargetYear = &t.Value, t.Year
		}
		if l := latest[i]; l.ok {
			v := l.value.Value
			p.ActualValue, p.ActualPeriod = &v, l.value.Period
			if hasTarget {
				prog := Progress(ind.BaselineValue, t.Value, v, ind.HigherIsBetter)
				exp := ExpectedShare(ind.BaselineYear, t.Year, l.end)
				p.Progress, p.Expected = &prog, &exp
				p.State = IndicatorState(prog, exp)
			}
		}
		counts.Total++
		switch p.State {
		case IndicatorOnTrack:
			counts.OnTrack++
		case IndicatorAtRisk:
			counts.AtRisk++
		case IndicatorOffTrack:
			counts.OffTrack++
		default:
			counts.NoData++
		}
		out[i] = p
	}
	return out, counts
}

func cycleSummary(c *ReportingCycle, accs []measureAcc, now time.Time) *CycleSummary {
	s := &CycleSummary{CycleID: c.ID, Period: c.Period, Deadline: c.Deadline}
	byBody := map[int64]*BodyReporting{}
	deadlinePassed := now.After(c.Deadline)
	for i := range accs {
		a := &accs[i]
		// Measures completed in an earlier cycle need no more reports.
		if !c.Covers(a.m) || (a.done != nil && a.doneFrom.Before(c.From)) {
			continue
		}
		b := byBody[a.m.ResponsibleBodyID]
		if b == nil {
			b = &BodyReporting{BodyID: a.m.ResponsibleBodyID}
			byBody[a.m.ResponsibleBodyID] = b
		}
		b.Expected++
		r := a.current
		switch {
		case r == nil || r.Status == ReportDraft || r.firstSubmitted() == nil:
			if deadlinePassed {
				b.Missing++
			} else {
				b.Pending++
			}
			continue
		case r.IsLate(c):
			b.Late++
		default:
			b.OnTime++
		}
		b.Submitted++
		switch r.Status {
		case ReportAccepted:
			b.Accepted++
		case ReportReturned:
			b.Returned++
		}
	}
	s.Bodies = make([]BodyReporting, 0, len(byBody))
	for _, b := range byBody {
		s.Bodies = append(s.Bodies, *b)
		b.addTo(&s.Totals)
	}
	slices.SortFunc(s.Bodies, func(a, b BodyReporting) int { return cmpInt64(a.BodyID, b.BodyID) })
	return s
}

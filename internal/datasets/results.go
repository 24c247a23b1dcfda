package datasets

import (
	"context"
	"slices"
	"time"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/store"
)

// The Concept's results computed from what Aldyn holds (issue 19, item 8):
// for each of the eight overall results (§7) the indicators the platform
// can compute nationally from accepted reported figures and plans, and for
// each of the Concept's tasks the measures that serve it in the plans,
// naming the tasks no plan serves.

// YearValue is an indicator's value for a year.
type YearValue struct {
	Year  int     `json:"year"`
	Value float64 `json:"value"`
}

// ResultIndicator is an indicator of a result with its yearly values: the
// first year is the baseline, the last the latest, and the trend their
// latest change.
type ResultIndicator struct {
	Code     string      `json:"code"`
	Name     aldyn.Text  `json:"name"`
	Unit     aldyn.Text  `json:"unit"`
	Source   string      `json:"source"` // data_sets, plans, offenses, survey, residents or meetings
	Values   []YearValue `json:"values"`
	Baseline *YearValue  `json:"baseline,omitempty"`
	Latest   *YearValue  `json:"latest,omitempty"`
	// Trend is the latest value minus the year before's.
	Trend *float64 `json:"trend,omitempty"`
}

// ConceptResult is an overall result with its indicators.
type ConceptResult struct {
	N            int               `json:"n"`
	Title        aldyn.Text        `json:"title"`
	Verification aldyn.Text        `json:"verification"`
	Indicators   []ResultIndicator `json:"indicators"`
}

// TaskMeasures are the measures serving a Concept task in the current
// plans (not superseded), with their planned budget.
type TaskMeasures struct {
	Code      string     `json:"code"`
	Component string     `json:"component"`
	Title     aldyn.Text `json:"title"`
	Measures  int        `json:"measures"`
	Cancelled int        `json:"cancelled"`
	Plans     int        `json:"plans"`
	BudgetKGS int64      `json:"budget_kgs"`
}

// ConceptResults is the answer of /concept and /api/v1/concept/results.
type ConceptResults struct {
	Results              []ConceptResult `json:"results"`
	Tasks                []TaskMeasures  `json:"tasks"`
	TasksWithoutMeasures []string        `json:"tasks_without_measures"`
}

// resultIndicatorSpec is an indicator of a result computed from reported
// figures, as a plan indicator of source data_sets would be.
type resultIndicatorSpec struct {
	result     int
	code       string
	name, unit aldyn.Text
	kind       string
	num, den   string
}

var resultIndicators = []resultIndicatorSpec{
	{2, "campaign_reach", aldyn.Text{KY: "Маалымат өнөктүктөрү камтыган адамдар", RU: "Охват информационных кампаний", EN: "People reached by information campaigns"},
		aldyn.Text{KY: "адам", RU: "человек", EN: "persons"}, aldyn.IndicatorNumber, "data:ic_reach", ""},
	{3, "legal_acts_adopted", aldyn.Text{KY: "Кабыл алынган алдын алуу актылары", RU: "Принято актов по профилактике", EN: "Legal acts on prevention adopted"},
		aldyn.Text{KY: "акт", RU: "актов", EN: "acts"}, aldyn.IndicatorNumber, "data:la_adopted", ""},
	{6, "women_police_staff", aldyn.Text{KY: "Ички иштер органдарынын кызматкерлеринин ичиндеги аялдардын үлүшү", RU: "Доля женщин среди сотрудников ОВД", EN: "Women among police staff"},
		aldyn.Text{KY: "%", RU: "%", EN: "%"}, aldyn.IndicatorPercent, "data:staff[female]", "data:staff"},
	{6, "women_police_senior", aldyn.Text{KY: "Жетекчи курамдагы аялдардын үлүшү", RU: "Доля женщин в руководящем составе ОВД", EN: "Women in police senior command"},
		aldyn.Text{KY: "%", RU: "%", EN: "%"}, aldyn.IndicatorPercent, "data:staff[senior]", "data:staff"},
	{7, "officials_trained", aldyn.Text{KY: "Алдын алуу боюнча окутулган кызмат адамдары", RU: "Обучено должностных лиц по профилактике", EN: "Officials trained in prevention"},
		aldyn.Text{KY: "адам", RU: "человек", EN: "persons"}, aldyn.IndicatorNumber, "data:tr_participants", ""},
}

// ComputeConceptResults computes the Concept's results at now from the
// accepted values of the whole country and the plans.
func ComputeConceptResults(ctx context.Context, db *store.DB, c *aldyn.Concept, now time.Time) (*ConceptResults, error) {
	out := &ConceptResults{TasksWithoutMeasures: []string{}}
	country := &aldyn.Plan{TerritoryCode: "41700000000000", StartYear: aldyn.ConceptStartYear, EndYear: aldyn.ConceptEndYear}
	for _, r := range c.Results {
		cr := ConceptResult{N: r.N, Title: r.Title, Verification: r.Verification, Indicators: []ResultIndicator{}}
		for _, spec := range resultIndicators {
			if spec.result != r.N {
				continue
			}
			ind := &aldyn.Indicator{Source: aldyn.IndicatorDataSets, Kind: spec.kind, Frequency: aldyn.FrequencyAnnual, Numerator: spec.num, Denominator: spec.den}
			vals, err := IndicatorValues(ctx, db, country, ind, now)
			if err != nil && aldyn.ErrorMessage(err) != "datasets.error.element_not_found" {
				return nil, err
			}
			ri := ResultIndicator{Code: spec.code, Name: spec.name, Unit: spec.unit, Source: aldyn.IndicatorDataSets, Values: []YearValue{}}
			for _, v := range vals {
				y, _ := time.Parse("2006", v.Period)
				ri.Values = append(ri.Values, YearValue{Year: y.Year(), Value: v.Value})
			}
			summarise(&ri)
			cr.Indicators = append(cr.Indicators, ri)
		}
		out.Results = append(out.Results, cr)
	}
	if err := out.addPlans(ctx, db, c, now); err != nil {
		return nil, err
	}
	if err := out.addOffenses(ctx, db, now); err != nil {
		return nil, err
	}
	if err := out.addSurveys(ctx, db); err != nil {
		return nil, err
	}
	if err := out.addResidents(ctx, db, now); err != nil {
		return nil, err
	}
	if err := out.addCoordination(ctx, db, now); err != nil {
		return nil, err
	}
	return out, nil
}

// summarise sets the baseline, latest value and trend from the values.
func summarise(ri *ResultIndicator) {
	n := len(ri.Values)
	if n == 0 {
		return
	}
	ri.Baseline, ri.Latest = &ri.Values[0], &ri.Values[n-1]
	if n > 1 {
		t := ri.Values[n-1].Value - ri.Values[n-2].Value
		ri.Trend = &t
	}
}

// addPlans counts the measures of the current plans by task, and adds the
// indicator of result 5: the share of districts and cities with an
// approved joint plan.
func (out *ConceptResults) addPlans(ctx context.Context, db *store.DB, c *aldyn.Concept, now time.Time) error {
	plans, err := aldyn.AllPages(aldyn.Page{}, func(p aldyn.Page) ([]*aldyn.Plan, int, error) {
		return db.FindPlans(ctx, aldyn.PlanFilter{Under: "/", Page: p})
	})
	if err != nil {
		return err
	}
	byTask := map[string]*TaskMeasures{}
	plansOf := map[string]map[int64]bool{}
	jointByYear := map[int]map[string]bool{}
	// Joint plans whose situation analysis rests on both the offense
	// statistics and a survey of residents' needs (result 5).
	analysedByYear := map[int]map[string]bool{}
	for _, p := range plans {
		if p.Status == aldyn.PlanSuperseded {
			continue
		}
		if p.Kind == aldyn.PlanJoint && (p.Status == aldyn.PlanApproved || p.Status == aldyn.PlanClosed) {
			for y := p.StartYear; y <= p.EndYear; y++ {
				if jointByYear[y] == nil {
					jointByYear[y] = map[string]bool{}
				}
				jointByYear[y][p.TerritoryCode] = true
				if analysed(p) {
					if analysedByYear[y] == nil {
						analysedByYear[y] = map[string]bool{}
					}
					analysedByYear[y][p.TerritoryCode] = true
				}
			}
		}
		ms, err := aldyn.AllPages(aldyn.Page{}, func(pg aldyn.Page) ([]*aldyn.Measure, int, error) {
			return db.FindMeasures(ctx, p.ID, aldyn.MeasureFilter{Under: "/", Page: pg})
		})
		if err != nil {
			return err
		}
		for _, m := range ms {
			if m.TaskCode == "" {
				continue
			}
			t := byTask[m.TaskCode]
			if t == nil {
				t = &TaskMeasures{}
				byTask[m.TaskCode] = t
				plansOf[m.TaskCode] = map[int64]bool{}
			}
			if m.Cancelled {
				t.Cancelled++
				continue
			}
			t.Measures++
			t.BudgetKGS += m.BudgetTotal()
			plansOf[m.TaskCode][p.ID] = true
		}
	}
	for _, comp := range c.Components {
		for _, task := range comp.Tasks {
			t := TaskMeasures{Code: task.Code, Component: comp.Code, Title: task.Title}
			if x := byTask[task.Code]; x != nil {
				t.Measures, t.Cancelled, t.BudgetKGS, t.Plans = x.Measures, x.Cancelled, x.BudgetKGS, len(plansOf[task.Code])
			}
			if t.Measures == 0 {
				out.TasksWithoutMeasures = append(out.TasksWithoutMeasures, task.Code)
			}
			out.Tasks = append(out.Tasks, t)
		}
	}
	// Result 5: districts and cities (of regional significance) with an
	// approved joint plan covering the year, among all of them.
	total := 0
	for _, level := range []string{aldyn.LevelDistrict, aldyn.LevelCity} {
		_, n, err := db.FindTerritories(ctx, aldyn.TerritoryFilter{Level: &level, Page: aldyn.Page{Limit: 1}})
		if err != nil {
			return err
		}
		total += n
	}
	ri := ResultIndicator{Code: "joint_plan_share", Source: "plans", Values: []YearValue{},
		Name: aldyn.Text{KY: "Бекитилген биргелешкен планы бар райондордун жана шаарлардын үлүшү", RU: "Доля районов и городов с утверждённым совместным планом",
			EN: "Districts and cities with an approved joint plan"}, Unit: aldyn.Text{KY: "%", RU: "%", EN: "%"}}
	var years []int
	for y := range jointByYear {
		if y <= now.Year() {
			years = append(years, y)
		}
	}
	slices.Sort(years)
	analysis := ResultIndicator{Code: "joint_plan_analysis_share", Source: "plans", Values: []YearValue{},
		Name: aldyn.Text{KY: "Кылмыштуулукту талдоого жана тургундардын муктаждыктарын сурамжылоого негизделген биргелешкен планы бар райондордун жана шаарлардын үлүшү",
			RU: "Доля районов и городов с совместным планом на основе анализа преступности и опроса о потребностях жителей",
			EN: "Districts and cities with a joint plan based on a crime analysis and a survey of residents' needs"}, Unit: aldyn.Text{KY: "%", RU: "%", EN: "%"}}
	levels := map[string]string{}
	local := func(codes map[string]bool) (int, error) {
		n := 0
		for code := range codes {
			if _, ok := levels[code]; !ok {
				t, err := db.FindTerritoryByCode(ctx, code)
				if err != nil && aldyn.ErrorCode(err) != aldyn.ENOTFOUND {
					return 0, err
				}
				if t != nil {
					levels[code] = t.Level
				}
			}
			if l := levels[code]; l == aldyn.LevelDistrict || l == aldyn.LevelCity {
				n++
			}
		}
		return n, nil
	}
	for _, y := range years {
		n, err := local(jointByYear[y])
		if err != nil {
			return err
		}
		a, err := local(analysedByYear[y])
		if err != nil {
			return err
		}
		if total > 0 {
			ri.Values = append(ri.Values, YearValue{Year: y, Value: float64(int(float64(n)*10000/float64(total)+0.5)) / 100})
			analysis.Values = append(analysis.Values, YearValue{Year: y, Value: float64(int(float64(a)*10000/float64(total)+0.5)) / 100})
		}
	}
	summarise(&analysis)
	summarise(&ri)
	for i := range out.Results {
		if out.Results[i].N == 5 {
			out.Results[i].Indicators = append(out.Results[i].Indicators, ri, analysis)
		}
	}
	return nil
}

// analysed reports whether a plan's situation analysis rests on both the
// offense statistics and a survey of residents (result 5: "a joint plan
// based on a crime analysis and a community needs survey").
func analysed(p *aldyn.Plan) bool {
	var stats, survey bool
	for _, e := range p.Evidence {
		stats = stats || e.Kind == aldyn.EvidenceStatistics
		survey = survey || e.Kind == aldyn.EvidenceSurvey
	}
	return stats && survey
}

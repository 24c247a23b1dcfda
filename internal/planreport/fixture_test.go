package planreport

import (
	"testing"
	"time"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/concept"
)

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func at(y int, m time.Month, d, h int) *time.Time {
	t := time.Date(y, m, d, h, 0, 0, 0, time.UTC)
	return &t
}

// Evidence names of the fixture; none may reach a report.
var fixtureEvidence = []string{"protocol-police-17.pdf", "photo-sports-club.jpg", "returned-scan.pdf", "draft-notes.docx", "late-minutes.pdf"}

// MustFixture returns a joint plan at 20 July 2025 with 6 measures in 3
// components, 2 bodies, 4 indicators, a closed cycle 2025-Q1 and the
// current cycle 2025-Q2 (deadline 10 July). By hand, at that moment:
//
//	1.1  4.1 body 10  Q1 accepted 100 %             done (on time); not expected in Q2
//	1.2  4.1 body 20  Q1 40 %, Q2 60 % accepted     on track (54.8 % of time elapsed)
//	2.1  4.3 body 10  Q1 50 % accepted, Q2 returned overdue (due 30 June)
//	2.2  4.3 body 20  Q2 draft only                 at risk (40 % elapsed, 0 %); Q2 missing
//	3.1  5.1 body 10  Q2 30 % accepted, sent 15 July on track (29.2 % elapsed); Q2 late
//	3.2  5.1 body 20  cancelled
//
// Done or on track: 3 of 6 = 50.0 %; done on time 1 of 5 = 20.0 %.
// Planned (not cancelled): republican 100 000, local 80 000, partners
// 200 000, other 10 000 = 390 000; spent (accepted): 90 000, 30 000,
// 50 000, 5 000 = 175 000, 44.9 %.
// Q2 reporting: body 10 due 2, submitted 2, accepted 1, returned 1, late 1;
// body 20 due 2, submitted 1, accepted 1, missing 1.
func MustFixture(tb testing.TB) Input {
	tb.Helper()
	c, err := concept.Load()
	if err != nil {
		tb.Fatal(err)
	}
	c.Index()
	plan := &aldyn.Plan{
		ID: 7, Kind: aldyn.PlanJoint, TerritoryCode: "41702", OwnerBodyID: 1, StartYear: 2025, EndYear: 2027,
		Status: aldyn.PlanApproved, Version: 1,
		Title: aldyn.Text{KY: "Ысык-Көл районунун биргелешкен планы", RU: "Совместный план Иссык-Кульского района", EN: "Issyk-Kul District Joint Plan"},
	}
	q1 := aldyn.ReportingCycle{ID: 1, PlanID: 7, Period: "2025-Q1", From: day(2025, 1, 1), To: day(2025, 3, 31), Deadline: day(2025, 4, 10), Status: aldyn.CycleClosed}
	q2 := aldyn.ReportingCycle{ID: 2, PlanID: 7, Period: "2025-Q2", From: day(2025, 4, 1), To: day(2025, 6, 30), Deadline: day(2025, 7, 10), Status: aldyn.CycleOpen}
	title := func(ky, ru, en string) aldyn.Text { return aldyn.Text{KY: ky, RU: ru, EN: en} }
	budget := func(src string, n int64) []aldyn.BudgetLine {
		l := aldyn.BudgetLine{Source: src, AmountKGS: n}
		if src == aldyn.BudgetPartners {
			l.Funder = "UNDP"
		}
		return []aldyn.BudgetLine{l}
	}
	measures := []aldyn.Measure{
		// Out of code order on purpose: the report sorts them.
		{ID: 16, PlanID: 7, Code: "3.2", ComponentCode: "5.1", Title: title("Түнкү рейддер", "Ночные рейды", "Night patrols"),
			ResponsibleBodyID: 20, Start: day(2025, 1, 1), Due: day(2025, 12, 31), Budget: budget(aldyn.BudgetRepublican, 40000), Cancelled: true},
		{ID: 11, PlanID: 7, Code: "1.1", ComponentCode: "4.1", TaskCode: "4.1.1", Title: title("Участкалык инспекторлорду окутуу", "Обучение участковых инспекторов", "Training of district inspectors"),
			ResponsibleBodyID: 10, Start: day(2025, 1, 1), Due: day(2025, 6, 30), Budget: budget(aldyn.BudgetRepublican, 100000)},
		{ID: 12, PlanID: 7, Code: "1.2", ComponentCode: "4.1", Title: title("Жаштар спорт клубдары", "Молодёжные спортивные клубы", "Youth sports clubs"),
			ResponsibleBodyID: 20, Start: day(2025, 1, 1), Due: day(2025, 12, 31), Budget: budget(aldyn.BudgetLocal, 50000)},
		{ID: 13, PlanID: 7, Code: "2.1", ComponentCode: "4.3", Title: title("Көчө жарыгы", "Уличное освещение", "Street lighting"),
			ResponsibleBodyID: 10, Start: day(2025, 1, 1), Due: day(2025, 6, 30), Budget: budget(aldyn.BudgetPartners, 200000)},
		{ID: 14, PlanID: 7, Code: "2.2", ComponentCode: "4.3", Title: title("Ата-энелер үчүн семинарлар", "Семинары для родителей", "Seminars for parents"),
			ResponsibleBodyID: 20, Start: day(2025, 4, 1), Due: day(2025, 12, 31), Budget: budget(aldyn.BudgetLocal, 30000)},
		{ID: 15, PlanID: 7, Code: "3.1", ComponentCode: "5.1", Title: title("Мектептердеги профилактика", "Профилактика в школах", "Prevention in schools"),
			ResponsibleBodyID: 10, Start: day(2025, 3, 1), Due: day(2026, 6, 30), Budget: budget(aldyn.BudgetOther, 10000)},
	}
	spent := func(src string, n int64) []aldyn.BudgetLine { return budget(src, n) }
	reports := []aldyn.Report{
		{ID: 101, CycleID: 1, MeasureID: 11, BodyID: 10, Status: aldyn.ReportAccepted, Progress: 100,
			Narrative: "All 24 inspectors trained.", Evidence: []string{fixtureEvidence[0]}, Spent: spent(aldyn.BudgetRepublican, 90000),
			Comment: "Accepted.", Version: 1, SubmittedAt: at(2025, 4, 5, 9), FirstSubmittedAt: at(2025, 4, 5, 9), DecidedAt: at(2025, 4, 6, 9)},
		{ID: 102, CycleID: 1, MeasureID: 12, BodyID: 20, Status: aldyn.ReportAccepted, Progress: 40,
			Narrative: "Two clubs opened.", Evidence: []string{fixtureEvidence[1]}, Spent: spent(aldyn.BudgetLocal, 10000),
			Version: 1, SubmittedAt: at(2025, 4, 8, 9), FirstSubmittedAt: at(2025, 4, 8, 9), DecidedAt: at(2025, 4, 9, 9)},
		{ID: 103, CycleID: 1, MeasureID: 13, BodyID: 10, Status: aldyn.ReportAccepted, Progress: 50,
			Narrative: "Half the lamps installed.", Spent: spent(aldyn.BudgetPartners, 50000),
			Version: 1, SubmittedAt: at(2025, 4, 9, 9), FirstSubmittedAt: at(2025, 4, 9, 9), DecidedAt: at(2025, 4, 10, 9)},
		{ID: 202, CycleID: 2, MeasureID: 12, BodyID: 20, Status: aldyn.ReportAccepted, Progress: 60,
			Narrative: "Third club opened in Karakol.", Spent: spent(aldyn.BudgetLocal, 20000),
			Comment: "Good progress.", Version: 1, SubmittedAt: at(2025, 7, 5, 9), FirstSubmittedAt: at(2025, 7, 5, 9), DecidedAt: at(2025, 7, 6, 9)},
		{ID: 203, CycleID: 2, MeasureID: 13, BodyID: 10, Status: aldyn.ReportReturned, Progress: 80,
			Narrative: "Lamps on two more streets.", Evidence: []string{fixtureEvidence[2]}, Spent: spent(aldyn.BudgetPartners, 70000),
			Comment: "Attach the acceptance act.", Version: 1, SubmittedAt: at(2025, 7, 8, 9), FirstSubmittedAt: at(2025, 7, 8, 9), DecidedAt: at(2025, 7, 9, 9)},
		{ID: 204, CycleID: 2, MeasureID: 14, BodyID: 20, Status: aldyn.ReportDraft, Progress: 10,
			Narrative: "Unfinished draft text.", Evidence: []string{fixtureEvidence[3]}},
		{ID: 205, CycleID: 2, MeasureID: 15, BodyID: 10, Status: aldyn.ReportAccepted, Progress: 30,
			Narrative: "Lessons in 6 schools.", Evidence: []string{fixtureEvidence[4]}, Spent: spent(aldyn.BudgetOther, 5000),
			Version: 1, SubmittedAt: at(2025, 7, 15, 9), FirstSubmittedAt: at(2025, 7, 15, 9), DecidedAt: at(2025, 7, 16, 9)},
	}
	targets := func(t ...aldyn.IndicatorTarget) []aldyn.IndicatorTarget { return t }
	indicators := []aldyn.Indicator{
		{ID: 31, PlanID: 7, Code: "1", Name: title("Уурулуктар саны", "Число краж", "Number of thefts"), Unit: "cases",
			Kind: aldyn.IndicatorNumber, Frequency: aldyn.FrequencyQuarterly, BaselineValue: 200, BaselineYear: 2023,
			Targets: targets(aldyn.IndicatorTarget{Year: 2025, Value: 180}, aldyn.IndicatorTarget{Year: 2027, Value: 150})},
		{ID: 32, PlanID: 7, Code: "2", Name: title("Өзүн коопсуз сезген тургундар", "Жители, чувствующие себя в безопасности", "Residents who feel safe"), Unit: "%",
			HigherIsBetter: true, Kind: aldyn.IndicatorPercent, Frequency: aldyn.FrequencyAnnual, BaselineValue: 40, BaselineYear: 2023,
			Targets: targets(aldyn.IndicatorTarget{Year: 2025, Value: 60})},
		{ID: 33, PlanID: 7, Code: "3", Name: title("Профилактикалык кеңештер", "Советы профилактики", "Prevention councils"), Unit: "councils",
			HigherIsBetter: true, Kind: aldyn.IndicatorNumber, Frequency: aldyn.FrequencyAnnual, BaselineValue: 5, BaselineYear: 2024,
			Targets: targets(aldyn.IndicatorTarget{Year: 2026, Value: 10})},
		{ID: 34, PlanID: 7, Code: "4", Name: title("Жаштар иш-чаралары", "Молодёжные мероприятия", "Youth events"), Unit: "events",
			HigherIsBetter: true, Kind: aldyn.IndicatorNumber, Frequency: aldyn.FrequencyQuarterly, BaselineValue: 10, BaselineYear: 2024,
			Targets: targets(aldyn.IndicatorTarget{Year: 2025, Value: 20})},
	}
	values := []aldyn.IndicatorValue{
		{IndicatorID: 31, Period: "2025-Q1", Value: 185}, // progress 15/20 = 75 %, on track
		{IndicatorID: 32, Period: "2024", Value: 42},     // progress 2/20 = 10 %, half the time gone: off track
		{IndicatorID: 34, Period: "2025-Q2", Value: 15},  // progress 50 %, 49.6 % expected: on track
	}
	return Input{
		Plan: plan, Cycle: &q2, Measures: measures, Indicators: indicators, Values: values, Reports: reports,
		Cycles:  []aldyn.ReportingCycle{q1, q2},
		Bodies:  map[int64]string{10: "Ysyk-Kol district police", 20: "Tamga ayil okmotu"},
		Concept: c, Now: time.Date(2025, 7, 20, 12, 0, 0, 0, time.UTC),
	}
}

package planreport

import (
	"fmt"
	"io"
	"strconv"
	"testing"
	"time"

	"github.com/aldyn-kg/aldyn"
)

// MustLargeInput generates a plan of 2,000 measures in 13 components and
// 20 bodies, 4,000 indicators with a value each, 10 quarterly cycles from
// 2025-Q1 and 20,000 reports (one per measure and cycle), seen in the
// tenth cycle's reporting.
func MustLargeInput(tb testing.TB) Input {
	tb.Helper()
	in := MustFixture(tb)
	components := []string{"4.1", "4.2", "4.3", "4.4", "4.5", "4.6", "4.7", "5.1", "5.2", "5.3", "5.4", "5.5", "5.6"}
	in.Cycles = nil
	for q := range 10 {
		y, m := 2025+q/4, time.Month(3*(q%4)+1)
		from := day(y, m, 1)
		to := from.AddDate(0, 3, -1)
		in.Cycles = append(in.Cycles, aldyn.ReportingCycle{
			ID: int64(q + 1), PlanID: 7, Period: fmt.Sprintf("%d-Q%d", y, q%4+1),
			From: from, To: to, Deadline: to.AddDate(0, 0, 10), Status: aldyn.CycleClosed,
		})
	}
	in.Cycle = nil
	in.Now = in.Cycles[9].To.AddDate(0, 0, 20)
	in.Bodies = map[int64]string{}
	for b := range 20 {
		in.Bodies[int64(100+b)] = "Body " + strconv.Itoa(b)
	}
	in.Measures, in.Indicators, in.Values, in.Reports = nil, nil, nil, nil
	for i := range 2000 {
		id := int64(1000 + i)
		c := components[i%len(components)]
		in.Measures = append(in.Measures, aldyn.Measure{
			ID: id, PlanID: 7, Code: fmt.Sprintf("%d.%d", i/100+1, i%100+1), ComponentCode: c, TaskCode: c + ".1",
			Title:             aldyn.Text{KY: "Иш-чара " + strconv.Itoa(i), RU: "Мероприятие " + strconv.Itoa(i), EN: "Measure " + strconv.Itoa(i)},
			ResponsibleBodyID: int64(100 + i%20), Start: day(2025, 1, 1), Due: day(2026, time.Month(1+i%24), 1).AddDate(0, 0, -1),
			Budget:    []aldyn.BudgetLine{{Source: aldyn.BudgetSources[i%3], Funder: "UNDP", AmountKGS: int64(10000 + i)}},
			Cancelled: i%50 == 49,
		})
		for k := range 2 {
			iid := int64(10000 + 2*i + k)
			in.Indicators = append(in.Indicators, aldyn.Indicator{
				ID: iid, PlanID: 7, Code: fmt.Sprintf("%d.%d", i+1, k+1),
				Name: aldyn.Text{EN: "Indicator " + strconv.Itoa(2*i+k)}, Unit: "cases", HigherIsBetter: k == 0,
				Kind: aldyn.IndicatorNumber, Frequency: aldyn.FrequencyAnnual, BaselineValue: 100, BaselineYear: 2024,
				Targets: []aldyn.IndicatorTarget{{Year: 2026, Value: float64(100 + 40*(1-2*k))}},
			})
			in.Values = append(in.Values, aldyn.IndicatorValue{IndicatorID: iid, Period: "2025", Value: float64(90 + i%30)})
		}
		for q := range 10 {
			c := &in.Cycles[q]
			sent := c.Deadline.AddDate(0, 0, i%13-9)
			status := aldyn.ReportAccepted
			switch i % 7 {
			case 3:
				status = aldyn.ReportReturned
			case 5:
				status = aldyn.ReportSubmitted
			}
			in.Reports = append(in.Reports, aldyn.Report{
				ID: int64(100000 + 10*i + q), CycleID: c.ID, MeasureID: id, BodyID: int64(100 + i%20), Status: status,
				Progress: min(100, 10*(q+1)+i%9), Narrative: "Work done in " + c.Period + ".", Comment: "Noted.",
				Evidence: []string{"scan.pdf"}, Spent: []aldyn.BudgetLine{{Source: aldyn.BudgetSources[i%3], Funder: "UNDP", AmountKGS: 500}},
				Version: 1, SubmittedAt: &sent, FirstSubmittedAt: &sent,
			})
		}
	}
	return in
}

func BenchmarkXLSX2000(b *testing.B) {
	r := MustBuild(b, MustLargeInput(b), "ru")
	b.ResetTimer()
	for b.Loop() {
		if err := r.WriteXLSX(io.Discard); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkBuild2000(b *testing.B) {
	in := MustLargeInput(b)
	for b.Loop() {
		if _, err := Build(in, "ru"); err != nil {
			b.Fatal(err)
		}
	}
}

package datasets_test

import (
	"context"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/concept"
	"github.com/aldyn-kg/aldyn/internal/datasets"
	"github.com/aldyn-kg/aldyn/internal/offenses"
	"github.com/aldyn-kg/aldyn/internal/store/storetest"
	"github.com/aldyn-kg/aldyn/internal/surveys"
)

// TestConceptResultsFromOtherSources checks the Concept's results that
// come from offense records, survey waves and residents' reports against
// values counted by hand from a small fixture, on 10 January 2026.
func TestConceptResultsFromOtherSources(t *testing.T) {
	db, ctx := storetest.MustOpenDB(t), context.Background()
	clock := time.Date(2026, 1, 10, 9, 0, 0, 0, time.UTC)
	db.Now = func() time.Time { return clock }
	police := &aldyn.Body{TerritoryCode: alamudun, Type: "police", NameKy: "Аламүдүн РИИБ", NameRu: "ОВД Аламудун", NameEn: "Alamüdün police"}
	if err := db.CreateBody(ctx, aldyn.System, police); err != nil {
		t.Fatal(err)
	}

	// Offense records, imported through the offense import as a register's
	// file. A year counts a record by the day it happened (the day it was
	// registered when that is unknown), as every offense count does.
	var csv strings.Builder
	csv.WriteString("registration_number,source,category,registered_on,occurred_on,territory_code\n")
	n := 0
	row := func(registered, occurred, territory string) {
		n++
		fmt.Fprintf(&csv, "R-%03d,crimes,theft,%s,%s,%s\n", n, registered, occurred, territory)
	}
	row("2021-06-01", "2021-06-01", alamudun) // before the Concept: never listed
	row("2024-01-03", "2023-12-31", suzak)    // happened in 2023
	for i := range 20 {                       // 2024: 20 records
		row(fmt.Sprintf("2024-%02d-10", 1+i%12), "", []string{alamudun, suzak}[i%2])
	}
	for i := range 30 { // 2025: 30 records
		row(fmt.Sprintf("2025-%02d-%02d", 1+i%12, 1+i%28), "", []string{alamudun, suzak, ysykAta}[i%3])
	}
	row("2026-01-05", "2026-01-05", alamudun) // the year is not over
	rep, err := offenses.Import(ctx, db, aldyn.System, strings.NewReader(csv.String()), offenses.Input{FileName: "register.csv"})
	if err != nil || rep.Inserted != int64(n) {
		t.Fatalf("import: %v, %+v; want %d records", err, rep, n)
	}

	// A national survey: wave 2025 with 40 respondents in five groups of
	// known weights and answers; wave 2024 with 29 respondents only.
	sv := surveys.Standard("national", kg)
	sv.Status = aldyn.SurveyRunning
	if err := db.CreateSurvey(ctx, aldyn.System, sv); err != nil {
		t.Fatal(err)
	}
	var rs []*aldyn.SurveyResponse
	for _, g := range []struct {
		n           int
		weight      float64
		safe, trust string
	}{
		{10, 2, "very_safe", "fully_trust"},
		{10, 1, "rather_safe", "rather_trust"},
		{10, 1, "rather_unsafe", "neutral"},
		{5, 1, "rather_unsafe", "rather_distrust"},
		{5, 2, "very_unsafe", "dont_know"},
	} {
		for range g.n {
			rs = append(rs, &aldyn.SurveyResponse{Wave: "2025", TerritoryCode: []string{alamudun, suzak}[len(rs)%2], Weight: g.weight,
				Source: aldyn.ResponseInterview, Answers: map[string]string{"sex": "f", "safe_night": g.safe, "trust_police": g.trust}})
		}
	}
	for range 29 { // too few respondents: withheld, never 100 %
		rs = append(rs, &aldyn.SurveyResponse{Wave: "2024", TerritoryCode: alamudun, Weight: 1, Source: aldyn.ResponseInterview,
			Answers: map[string]string{"sex": "m", "safe_night": "very_safe", "trust_police": "fully_trust"}})
	}
	if _, err := db.AddResponses(ctx, aldyn.System, sv.ID, rs); err != nil {
		t.Fatal(err)
	}
	// A survey of Alamüdün alone, wave 2023: 30 residents who all feel
	// safe and trust the police. It speaks for the district, not the
	// country, so no national value comes from it.
	local := surveys.Standard("alamudun", alamudun)
	local.Status = aldyn.SurveyRunning
	if err := db.CreateSurvey(ctx, aldyn.System, local); err != nil {
		t.Fatal(err)
	}
	rs = nil
	for range 30 {
		rs = append(rs, &aldyn.SurveyResponse{Wave: "2023", TerritoryCode: alamudun, Weight: 1, Source: aldyn.ResponseInterview,
			Answers: map[string]string{"sex": "f", "safe_night": "very_safe", "trust_police": "fully_trust"}})
	}
	if _, err := db.AddResponses(ctx, aldyn.System, local.ID, rs); err != nil {
		t.Fatal(err)
	}

	// Residents' reports of public disorder (10 working days to answer),
	// routed to the police of Alamüdün. Made on Monday 15 September 2025,
	// they are due on Monday 29 September.
	cat, err := db.FindResidentCategoryByCode(ctx, "disorder_public")
	if err != nil {
		t.Fatal(err)
	}
	made := time.Date(2025, 9, 15, 9, 0, 0, 0, time.UTC)
	report := func(created time.Time, answered *time.Time) *aldyn.ResidentReport {
		r := &aldyn.ResidentReport{CategoryID: cat.ID, TerritoryCode: alamudun, Description: "Кечинде бакта ызы-чуу", Lang: "ky", Source: "web",
			CreatedAt: created, Status: aldyn.ResidentReceived}
		if answered != nil {
			r.Status, r.Answer, r.AnsweredAt = aldyn.ResidentAnswered, "Текшерилди", answered
		}
		return r
	}
	onDueDay, dayAfter := time.Date(2025, 9, 29, 17, 0, 0, 0, time.UTC), time.Date(2025, 9, 30, 1, 0, 0, 0, time.UTC)
	var reports []*aldyn.ResidentReport
	for range 20 { // answered on the due day: on time
		reports = append(reports, report(made, &onDueDay))
	}
	for range 6 { // answered the day after: late
		reports = append(reports, report(made, &dayAfter))
	}
	for range 4 { // never answered, overdue since October: late
		reports = append(reports, report(made, nil))
	}
	for range 2 { // made on 30 December, due after 10 January: not counted yet
		reports = append(reports, report(time.Date(2025, 12, 30, 9, 0, 0, 0, time.UTC), nil))
	}
	for range 29 { // 2024: all on time, but fewer than 30: withheld
		r := report(time.Date(2024, 9, 16, 9, 0, 0, 0, time.UTC), nil)
		r.Status, r.Answer, r.AnsweredAt = aldyn.ResidentAnswered, "Текшерилди", ptr(time.Date(2024, 9, 17, 9, 0, 0, 0, time.UTC))
		reports = append(reports, r)
	}
	if err := db.LoadResidentReports(ctx, aldyn.System, reports); err != nil {
		t.Fatal(err)
	}
	if due := reports[0].DueOn.Format(time.DateOnly); due != "2025-09-29" {
		t.Fatalf("due day %s, want 2025-09-29 (the fixture's hand count rests on it)", due)
	}
	if due := reports[30].DueOn; !due.After(clock) {
		t.Fatalf("a report of 30 December is due on %s, want after the clock", due.Format(time.DateOnly))
	}

	c, err := concept.Load()
	if err != nil {
		t.Fatal(err)
	}
	res, err := datasets.ComputeConceptResults(ctx, db, c, clock)
	if err != nil {
		t.Fatal(err)
	}
	ind := map[string]datasets.ResultIndicator{}
	in := map[string]int{}
	for _, r := range res.Results {
		for _, i := range r.Indicators {
			ind[i.Code], in[i.Code] = i, r.N
			// The page shows "name (unit)": a name that already says its
			// unit ("на 100 000 жителей") would show it twice. A unit of
			// one word ("адам", "acts") is a noun a name may use.
			for _, lang := range []string{"ky", "ru", "en"} {
				if name, unit := i.Name.In(lang), i.Unit.In(lang); strings.Contains(unit, " ") && strings.Contains(strings.ToLower(name), strings.ToLower(unit)) {
					t.Errorf("%s (%s): the name %q repeats its unit %q", i.Code, lang, name, unit)
				}
			}
		}
	}
	for _, tc := range []struct {
		code   string
		result int
		want   []datasets.YearValue
	}{
		// Offenses per 100,000 residents a year, divided by the country's
		// population figure of the year or the nearest earlier one (the
		// reference data: 6,936,000 in the 2022 census, 7,282,000 on
		// 1 January 2025), to two decimals:
		//   2023:  1 × 100,000 / 6,936,000 = 0.0144… → 0.01
		//   2024: 20 × 100,000 / 6,936,000 = 0.2883… → 0.29
		//   2025: 30 × 100,000 / 7,282,000 = 0.4119… → 0.41
		// 2021 is before the Concept, 2022 has no record, 2026 is not over.
		{"offense_rate", 1, []datasets.YearValue{{2023, 0.01}, {2024, 0.29}, {2025, 0.41}}},
		// Weighted share feeling very or rather safe after dark:
		//   safe (10 × 2) + (10 × 1) = 30; unsafe (15 × 1) + (5 × 2) = 25;
		//   30 / 55 = 54.545… % → 54.5. Wave 2024 has 29 respondents:
		//   withheld; the district survey's 2023 is not the country's.
		{"feel_safe_after_dark", 1, []datasets.YearValue{{2025, 54.5}}},
		// Weighted share trusting the police fully or rather, "don't
		// know" left out: trust 20 + 10 = 30; neutral or distrust 10 + 5
		// = 15; 30 / 45 = 66.666… % → 66.7.
		{"police_trust_index", 1, []datasets.YearValue{{2025, 66.7}}},
		// Reports made in 2025 answered by the end of their due day, of
		// those answered or overdue on 10 January 2026: 20 / (20 + 6 + 4)
		// = 66.666… % → 66.7. The two December reports are not due yet;
		// 2024 has 29 reports: withheld.
		{"resident_reports_on_time", 4, []datasets.YearValue{{2025, 66.7}}},
	} {
		i, ok := ind[tc.code]
		if !ok || in[tc.code] != tc.result {
			t.Errorf("%s: under result %d, want result %d", tc.code, in[tc.code], tc.result)
			continue
		}
		if fmt.Sprint(i.Values) != fmt.Sprint(tc.want) {
			t.Errorf("%s: got %v, want %v", tc.code, i.Values, tc.want)
			continue
		}
		if *i.Baseline != tc.want[0] || *i.Latest != tc.want[len(tc.want)-1] {
			t.Errorf("%s: baseline %v, latest %v; want %v and %v", tc.code, *i.Baseline, *i.Latest, tc.want[0], tc.want[len(tc.want)-1])
		}
		if len(tc.want) == 1 && i.Trend != nil {
			t.Errorf("%s: a trend %v from one value", tc.code, *i.Trend)
		}
	}
	// The trend is the latest change: 0.41 − 0.29.
	if i := ind["offense_rate"]; i.Trend == nil || math.Abs(*i.Trend-0.12) > 1e-9 {
		t.Errorf("offense rate trend: %v, want 0.12", i.Trend)
	}
}

func ptr[T any](v T) *T { return &v }

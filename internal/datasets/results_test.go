package datasets_test

import (
	"context"
	"math"
	"slices"
	"testing"
	"time"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/concept"
	"github.com/aldyn-kg/aldyn/internal/datasets"
	"github.com/aldyn-kg/aldyn/internal/store"
	"github.com/aldyn-kg/aldyn/internal/store/storetest"
)

// TestConceptResults computes the Concept's results from a fixture counted
// by hand: the police of Alamüdün and Suzak report their 2025 staff, and
// Alamüdün has an approved joint plan with two measures.
func TestConceptResults(t *testing.T) {
	db, ctx := storetest.MustOpenDB(t), context.Background()
	clock := time.Date(2026, 1, 10, 9, 0, 0, 0, time.UTC)
	db.Now = func() time.Time { return clock }
	if _, err := datasets.Install(ctx, db, nationalAdmin); err != nil {
		t.Fatal(err)
	}
	body := func(code, typ string) *aldyn.Body {
		b := &aldyn.Body{TerritoryCode: code, Type: typ, NameKy: typ + code, NameRu: typ, NameEn: typ}
		if err := db.CreateBody(ctx, aldyn.System, b); err != nil {
			t.Fatal(err)
		}
		return b
	}
	council := body(kg, "coordination_council")
	coordKG := &aldyn.Actor{UserID: 50, Role: aldyn.RoleCoordinator, BodyID: council.ID, TerritoryPath: "/" + kg + "/"}
	var signer *aldyn.Actor
	var police *aldyn.Body
	for i, c := range []struct {
		district, region string
		cells            map[string]string
	}{
		// 12 women (2 senior) and 38 men (8 senior) of 50.
		{alamudun, chuy, map[string]string{"female,senior": "2", "female,middle": "10", "male,senior": "8", "male,middle": "30"}},
		// 5 women and 45 men, all junior.
		{suzak, jalalAbad, map[string]string{"female,junior": "5", "male,junior": "45"}},
	} {
		b := body(c.district, "police")
		rep := &aldyn.Actor{UserID: int64(60 + i), Role: aldyn.RoleReporter, BodyID: b.ID, TerritoryPath: "/" + kg + "/" + c.region + "/" + c.district + "/"}
		if i == 0 {
			signer, police = rep, b
		}
		f, err := db.EnterDataForm(ctx, rep, store.FormEntry{DataSetCode: "police_staff", BodyID: b.ID, Period: "2025",
			Cells: map[string]map[string]string{"staff": c.cells, "staff_vacancies": {"": "3"}}}, true)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.DecideDataForm(ctx, coordKG, f.ID, true, ""); err != nil {
			t.Fatal(err)
		}
	}
	comm := body(alamudun, "coordination_commission")
	coordA := &aldyn.Actor{UserID: 70, Role: aldyn.RoleCoordinator, BodyID: comm.ID, TerritoryPath: "/" + kg + "/" + chuy + "/" + alamudun + "/"}
	p := &aldyn.Plan{Kind: aldyn.PlanJoint, Title: aldyn.Text{KY: "План", RU: "План", EN: "Plan"}, TerritoryCode: alamudun, OwnerBodyID: comm.ID,
		StartYear: 2025, EndYear: 2026, Evidence: []aldyn.PlanEvidence{{Kind: aldyn.EvidenceSurvey, Note: "Survey 2024"}},
		RequiredSignatures: []int64{police.ID}}
	if err := db.CreatePlan(ctx, coordA, p); err != nil {
		t.Fatal(err)
	}
	for _, m := range []struct {
		code, component, task string
		budget                int64
	}{{"1", "4.3", "4.3.1", 150000}, {"2", "4.3", "4.3.1", 50000}, {"3", "5.5", "5.5.1", 20000}} {
		x := &aldyn.Measure{PlanID: p.ID, Code: m.code, ComponentCode: m.component, TaskCode: m.task, Title: aldyn.Text{KY: "a", RU: "b", EN: "c"},
			ResponsibleBodyID: comm.ID, Start: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), Due: time.Date(2025, 12, 31, 0, 0, 0, 0, time.UTC),
			Budget: []aldyn.BudgetLine{{Source: aldyn.BudgetLocal, AmountKGS: m.budget}}, ExpectedResult: aldyn.Text{EN: "x"}}
		if err := db.CreateMeasure(ctx, coordA, x); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.SignPlan(ctx, signer, p.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ApprovePlan(ctx, coordA, p.ID); err != nil {
		t.Fatal(err)
	}

	// Two meetings of the commission held in 2025, one with an NGO:
	// 50 %. Two questions asked in January 2026, one answered: 50 %.
	ngo := body(alamudun, "ngo")
	for _, parts := range [][]int64{{police.ID, ngo.ID}, {police.ID}} {
		m := &aldyn.Meeting{BodyID: comm.ID, Date: time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC), Agenda: aldyn.Text{KY: "a", RU: "b", EN: "c"},
			Status: aldyn.MeetingHeld, Participants: parts, Minutes: "Протокол"}
		if err := db.CreateMeeting(ctx, coordA, m); err != nil {
			t.Fatal(err)
		}
	}
	var asked []*aldyn.Question
	for _, subject := range []string{"Жарык", "Камера"} {
		q := &aldyn.Question{Kind: aldyn.QuestionQuestion, FromBodyID: comm.ID, ToBodyID: council.ID, Subject: subject, Text: "?"}
		if err := db.CreateQuestion(ctx, coordA, q); err != nil {
			t.Fatal(err)
		}
		asked = append(asked, q)
	}
	if _, err := db.AnswerQuestion(ctx, coordKG, asked[0].ID, "Ооба"); err != nil {
		t.Fatal(err)
	}

	c, err := concept.Load()
	if err != nil {
		t.Fatal(err)
	}
	res, err := datasets.ComputeConceptResults(ctx, db, c, clock)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Results) != 8 {
		t.Fatalf("%d results, want 8", len(res.Results))
	}
	ind := map[string]datasets.ResultIndicator{}
	for _, r := range res.Results {
		for _, i := range r.Indicators {
			ind[i.Code] = i
		}
	}
	// (12 + 5) women of 100; (2 + 8) senior of 100.
	for code, want := range map[string]float64{"women_police_staff": 17, "women_police_senior": 10} {
		if i := ind[code]; i.Latest == nil || i.Latest.Year != 2025 || i.Latest.Value != want || i.Baseline.Value != want {
			t.Errorf("%s: %+v, want 2025 = %v", code, i, want)
		}
	}
	if i := ind["officials_trained"]; len(i.Values) != 0 || i.Latest != nil {
		t.Errorf("training without reports: %+v", i)
	}
	// One district with a joint plan, of all districts and cities.
	n := 0
	for _, level := range []string{aldyn.LevelDistrict, aldyn.LevelCity} {
		_, k, _ := db.FindTerritories(ctx, aldyn.TerritoryFilter{Level: &level, Page: aldyn.Page{Limit: 1}})
		n += k
	}
	want := math.Round(100*100/float64(n)) / 100
	if i := ind["joint_plan_share"]; len(i.Values) != 2 || i.Values[0] != (datasets.YearValue{Year: 2025, Value: want}) || *i.Trend != 0 {
		t.Errorf("joint plan share: %+v, want 2025 and 2026 = %v", i, want)
	}
	// The plan rests on a survey only, not on a crime analysis too: no
	// territory passes the situation-analysis check.
	if i := ind["joint_plan_analysis_share"]; len(i.Values) != 2 || i.Values[0] != (datasets.YearValue{Year: 2025, Value: 0}) {
		t.Errorf("joint plans with a situation analysis: %+v, want 2025 and 2026 = 0", i)
	}
	if i := ind["meetings_with_ngo"]; i.Latest == nil || *i.Latest != (datasets.YearValue{Year: 2025, Value: 50}) {
		t.Errorf("meetings with NGOs: %+v, want 2025 = 50", i)
	}
	if i := ind["questions_answered"]; i.Latest == nil || *i.Latest != (datasets.YearValue{Year: 2026, Value: 50}) {
		t.Errorf("questions answered: %+v, want 2026 = 50", i)
	}
	// No offense records, surveys or residents' reports: shown, empty.
	for _, code := range []string{"offense_rate", "feel_safe_after_dark", "police_trust_index", "resident_reports_on_time"} {
		if i, ok := ind[code]; !ok || len(i.Values) != 0 {
			t.Errorf("%s: %+v, want listed without values", code, i)
		}
	}
	var t431, t551 datasets.TaskMeasures
	total := 0
	for _, x := range res.Tasks {
		total++
		switch x.Code {
		case "4.3.1":
			t431 = x
		case "5.5.1":
			t551 = x
		}
	}
	if t431.Measures != 2 || t431.BudgetKGS != 200000 || t431.Plans != 1 || t551.Measures != 1 || t551.BudgetKGS != 20000 {
		t.Errorf("tasks: 4.3.1 %+v, 5.5.1 %+v", t431, t551)
	}
	if len(res.TasksWithoutMeasures) != total-2 || slices.Contains(res.TasksWithoutMeasures, "4.3.1") || slices.Contains(res.TasksWithoutMeasures, "5.5.1") ||
		!slices.Contains(res.TasksWithoutMeasures, "4.1.1") {
		t.Errorf("tasks without measures (%d of %d): %v", len(res.TasksWithoutMeasures), total, res.TasksWithoutMeasures)
	}
	if total != 42 {
		t.Errorf("%d tasks, want the Concept's 42", total)
	}
}

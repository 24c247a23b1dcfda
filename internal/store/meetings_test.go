package store_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/concept"
	"github.com/aldyn-kg/aldyn/internal/store"
	"github.com/aldyn-kg/aldyn/internal/store/storetest"
)

const kyrgyzstan = "41700000000000"

type meetingFixture struct {
	db                    *store.DB
	ctx                   context.Context
	clock                 time.Time
	council, commA, commB *aldyn.Body // the Council, the Alamüdün and Suzak commissions
	policeA               *aldyn.Body
	national, coordA      *aldyn.Actor // coordinators of the Council and of Alamüdün
	coordB, repA          *aldyn.Actor // a Suzak coordinator, an Alamüdün police reporter
}

func mustMeetingFixture(tb testing.TB) *meetingFixture {
	tb.Helper()
	db := storetest.MustOpenDB(tb)
	f := &meetingFixture{db: db, ctx: context.Background(), clock: time.Date(2025, 3, 10, 9, 0, 0, 0, time.UTC)}
	db.Now = func() time.Time { return f.clock }
	body := func(code, typ, name string) *aldyn.Body { return mustTypedBody(tb, db, code, typ, name) }
	path := func(code string) string {
		t, err := db.FindTerritoryByCode(f.ctx, code)
		if err != nil {
			tb.Fatal(err)
		}
		return t.Path
	}
	f.council = body(kyrgyzstan, "coordination_council", "Координациялык кеңеш")
	f.commA = body(alamudun, "coordination_commission", "Аламүдүн комиссиясы")
	f.commB = body(suzak, "coordination_commission", "Сузак комиссиясы")
	f.policeA = body(alamudun, "police", "Аламүдүн ИИБ")
	actor := func(id int64, role string, b *aldyn.Body) *aldyn.Actor {
		return &aldyn.Actor{UserID: id, Login: "u" + string(rune('0'+id)), Role: role, BodyID: b.ID, TerritoryCode: b.TerritoryCode, TerritoryPath: path(b.TerritoryCode)}
	}
	f.national = actor(1, aldyn.RoleCoordinator, f.council)
	f.coordA = actor(2, aldyn.RoleCoordinator, f.commA)
	f.coordB = actor(3, aldyn.RoleCoordinator, f.commB)
	f.repA = actor(4, aldyn.RoleReporter, f.policeA)
	return f
}

func meetingDay(y int, m time.Month, d int) time.Time {
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

func (f *meetingFixture) auditCount(tb testing.TB, entity string) int {
	return mustAuditCount(tb, f.db, entity)
}

func TestMeetingRoundTripAndScope(t *testing.T) {
	f := mustMeetingFixture(t)
	m := &aldyn.Meeting{BodyID: f.commA.ID, Date: meetingDay(2025, 3, 20), Agenda: aldyn.Text{KY: "Күн тартиби", RU: "Повестка"},
		Participants: []int64{f.policeA.ID}}
	if err := f.db.CreateMeeting(f.ctx, f.coordA, m); err != nil {
		t.Fatal(err)
	}
	got, err := f.db.FindMeetingByID(f.ctx, m.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !got.Date.Equal(m.Date) || got.Agenda != m.Agenda || got.Status != aldyn.MeetingPlanned || !reflect.DeepEqual(got.Participants, []int64{f.policeA.ID}) {
		t.Errorf("got %+v, want %+v", got, m)
	}
	if got.TerritoryCode != alamudun {
		t.Errorf("territory: got %q, want %q", got.TerritoryCode, alamudun)
	}

	t.Run("another district's commission is forbidden", func(t *testing.T) {
		other := &aldyn.Meeting{BodyID: f.commB.ID, Date: meetingDay(2025, 3, 20), Agenda: aldyn.Text{EN: "Agenda"}}
		mustCode(t, "create for B", f.db.CreateMeeting(f.ctx, f.coordA, other), aldyn.EFORBIDDEN)
		upd := *got
		mustCode(t, "update by B", f.db.UpdateMeeting(f.ctx, f.coordB, m.ID, &upd), aldyn.EFORBIDDEN)
		mustCode(t, "reporter creates", f.db.CreateMeeting(f.ctx, f.repA, other), aldyn.EFORBIDDEN)
	})
	t.Run("only coordination bodies meet", func(t *testing.T) {
		police := &aldyn.Meeting{BodyID: f.policeA.ID, Date: meetingDay(2025, 3, 20), Agenda: aldyn.Text{EN: "Agenda"}}
		mustCode(t, "police meeting", f.db.CreateMeeting(f.ctx, f.coordA, police), aldyn.EINVALID)
	})
	t.Run("filters", func(t *testing.T) {
		pathA := f.coordA.TerritoryPath
		for _, c := range []struct {
			name string
			f    aldyn.MeetingFilter
			want int
		}{
			{"scope A", aldyn.MeetingFilter{Under: pathA}, 1},
			{"scope B", aldyn.MeetingFilter{Under: f.coordB.TerritoryPath}, 0},
			{"from after", aldyn.MeetingFilter{From: meetingPtr(meetingDay(2025, 3, 21))}, 0},
			{"to inclusive", aldyn.MeetingFilter{To: meetingPtr(meetingDay(2025, 3, 20))}, 1},
			{"body B", aldyn.MeetingFilter{BodyID: &f.commB.ID}, 0},
		} {
			if _, n, err := f.db.FindMeetings(f.ctx, c.f); err != nil || n != c.want {
				t.Errorf("%s: got %d (%v), want %d", c.name, n, err, c.want)
			}
		}
	})
	t.Run("held needs minutes and stays held", func(t *testing.T) {
		upd := *got
		upd.Status = aldyn.MeetingHeld
		mustCode(t, "held without minutes", f.db.UpdateMeeting(f.ctx, f.coordA, m.ID, &upd), aldyn.EINVALID)
		upd.Minutes = "Протокол №1"
		if err := f.db.UpdateMeeting(f.ctx, f.coordA, m.ID, &upd); err != nil {
			t.Fatal(err)
		}
		back := upd
		back.Status = aldyn.MeetingPlanned
		mustCode(t, "held → planned", f.db.UpdateMeeting(f.ctx, f.coordA, m.ID, &back), aldyn.ECONFLICT)
	})
	if n := f.auditCount(t, "meeting"); n != 2 {
		t.Errorf("audit entries: got %d, want 2", n)
	}
}

func meetingPtr[T any](v T) *T { return &v }

func TestDecisionTasks(t *testing.T) {
	f := mustMeetingFixture(t)
	m := &aldyn.Meeting{BodyID: f.commA.ID, Date: meetingDay(2025, 2, 1), Agenda: aldyn.Text{RU: "Повестка"}}
	if err := f.db.CreateMeeting(f.ctx, f.coordA, m); err != nil {
		t.Fatal(err)
	}
	late := &aldyn.Decision{MeetingID: m.ID, Text: "Провести рейды", ResponsibleBodyID: f.policeA.ID, Deadline: meetingPtr(meetingDay(2025, 3, 1))}
	soon := &aldyn.Decision{MeetingID: m.ID, Text: "Отчитаться", ResponsibleBodyID: f.policeA.ID, Deadline: meetingPtr(meetingDay(2025, 4, 1))}
	plain := &aldyn.Decision{MeetingID: m.ID, Text: "Принять к сведению"}
	for _, d := range []*aldyn.Decision{soon, plain, late} {
		if err := f.db.CreateDecision(f.ctx, f.coordA, d); err != nil {
			t.Fatal(err)
		}
	}
	mustCode(t, "decision by B", f.db.CreateDecision(f.ctx, f.coordB, &aldyn.Decision{MeetingID: m.ID, Text: "x"}), aldyn.EFORBIDDEN)

	ds, _, err := f.db.FindDecisions(f.ctx, aldyn.DecisionFilter{TasksOnly: true, Under: f.coordA.TerritoryPath})
	if err != nil {
		t.Fatal(err)
	}
	if len(ds) != 2 || ds[0].ID != late.ID || !ds[0].Overdue || ds[1].Overdue {
		t.Fatalf("tasks: got %+v, want the overdue one first", ds)
	}
	if _, n, _ := f.db.FindDecisions(f.ctx, aldyn.DecisionFilter{OverdueOnly: true}); n != 1 {
		t.Errorf("overdue: got %d, want 1", n)
	}

	t.Run("the responsible body reports progress", func(t *testing.T) {
		upd := *late
		upd.Status, upd.Progress = aldyn.DecisionDone, "Проведено 12 рейдов"
		if err := f.db.UpdateDecision(f.ctx, f.repA, late.ID, &upd); err != nil {
			t.Fatal(err)
		}
		got, err := f.db.FindDecisionByID(f.ctx, late.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Status != aldyn.DecisionDone || got.Progress != upd.Progress || got.Overdue {
			t.Errorf("got %+v", got)
		}
	})
	// update saves, as a, decision d changed by change.
	update := func(a *aldyn.Actor, d *aldyn.Decision, change func(*aldyn.Decision)) error {
		upd := *d
		change(&upd)
		return f.db.UpdateDecision(f.ctx, a, d.ID, &upd)
	}
	t.Run("the responsible body cannot rewrite or cancel", func(t *testing.T) {
		mustCode(t, "rewrite", update(f.repA, soon, func(d *aldyn.Decision) { d.Text = "Другое" }), aldyn.EFORBIDDEN)
		mustCode(t, "cancel", update(f.repA, soon, func(d *aldyn.Decision) { d.Status = aldyn.DecisionCancelled }), aldyn.EFORBIDDEN)
	})
	t.Run("illegal status changes are refused", func(t *testing.T) {
		mustCode(t, "done → open", update(f.coordA, late, func(d *aldyn.Decision) { d.Status = aldyn.DecisionOpen }), aldyn.ECONFLICT)
		mustCode(t, "plain decision done", update(f.coordA, plain, func(d *aldyn.Decision) { d.Status = aldyn.DecisionDone }), aldyn.EINVALID)
	})
	t.Run("out of scope is not found", func(t *testing.T) {
		mustCode(t, "B reports", update(f.coordB, soon, func(d *aldyn.Decision) { d.Progress = "x" }), aldyn.ENOTFOUND)
	})
	if n := f.auditCount(t, "decision"); n != 4 {
		t.Errorf("audit entries: got %d, want 4", n)
	}
}

func TestQuestionsGoUp(t *testing.T) {
	f := mustMeetingFixture(t)
	q := &aldyn.Question{FromBodyID: f.commA.ID, ToBodyID: f.council.ID, Subject: "Каражат", Text: "Кантип каржылайбыз?"}
	mustCode(t, "sent by B", f.db.CreateQuestion(f.ctx, f.coordB, q), aldyn.EFORBIDDEN)
	down := &aldyn.Question{FromBodyID: f.council.ID, ToBodyID: f.commA.ID, Subject: "s", Text: "t"}
	mustCode(t, "sent down", f.db.CreateQuestion(f.ctx, f.national, down), aldyn.EINVALID)
	sideways := &aldyn.Question{FromBodyID: f.commA.ID, ToBodyID: f.commB.ID, Subject: "s", Text: "t"}
	mustCode(t, "sent sideways", f.db.CreateQuestion(f.ctx, f.coordA, sideways), aldyn.EINVALID)
	if err := f.db.CreateQuestion(f.ctx, f.coordA, q); err != nil {
		t.Fatal(err)
	}
	in, _, err := f.db.FindQuestions(f.ctx, aldyn.QuestionFilter{Under: f.national.TerritoryPath, Box: aldyn.BoxIn})
	if err != nil || len(in) != 1 || in[0].ID != q.ID {
		t.Fatalf("council inbox: got %v %v", in, err)
	}
	if _, n, _ := f.db.FindQuestions(f.ctx, aldyn.QuestionFilter{Under: f.coordB.TerritoryPath}); n != 0 {
		t.Errorf("B sees %d questions, want 0", n)
	}
	_, err = f.db.AnswerQuestion(f.ctx, f.coordA, q.ID, "Өзүбүз")
	mustCode(t, "sender answers", err, aldyn.EFORBIDDEN)
	if _, err := f.db.AnswerQuestion(f.ctx, f.national, q.ID, "Жергиликтүү бюджеттен"); err != nil {
		t.Fatal(err)
	}
	_, err = f.db.AnswerQuestion(f.ctx, f.national, q.ID, "Дагы")
	mustCode(t, "answer twice", err, aldyn.ECONFLICT)
	out, _, err := f.db.FindQuestions(f.ctx, aldyn.QuestionFilter{Under: f.coordA.TerritoryPath, Box: aldyn.BoxOut})
	if err != nil || len(out) != 1 || out[0].Answer != "Жергиликтүү бюджеттен" || out[0].AnsweredAt == nil {
		t.Fatalf("outbox of A: got %+v %v", out, err)
	}
	if n := f.auditCount(t, "question"); n != 2 {
		t.Errorf("audit entries: got %d, want 2", n)
	}
}

func TestPlanRisksPrefilledFromConcept(t *testing.T) {
	f := mustMeetingFixture(t)
	c, err := concept.Load()
	if err != nil {
		t.Fatal(err)
	}
	p := &aldyn.Plan{Kind: aldyn.PlanJoint, Title: aldyn.Text{KY: "План", RU: "План", EN: "Plan"}, TerritoryCode: alamudun, OwnerBodyID: f.commA.ID,
		StartYear: 2025, EndYear: 2026}
	if err := f.db.CreatePlan(f.ctx, f.coordA, p); err != nil {
		t.Fatal(err)
	}
	for range 2 { // the second call adds nothing
		if _, err := f.db.EnsurePlanRisks(f.ctx, f.repA, p.ID, c); err != nil {
			t.Fatal(err)
		}
	}
	rs, err := f.db.FindPlanRisks(f.ctx, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != len(c.Risks) || len(rs) == 0 {
		t.Fatalf("got %d risks, want %d", len(rs), len(c.Risks))
	}
	for i, r := range rs {
		if r.ConceptN != c.Risks[i].N || r.Text != c.Risks[i].Risk || r.Mitigation != c.Risks[i].Mitigation || !r.Text.Complete() {
			t.Errorf("risk %d: got %+v, want %+v", i, r, c.Risks[i])
		}
	}
	upd := *rs[0]
	upd.Likelihood, upd.Impact, upd.Status, upd.OwnerBodyID = 5, 4, aldyn.RiskMitigated, f.policeA.ID
	mustCode(t, "reporter rates", f.db.UpdateRisk(f.ctx, f.repA, upd.ID, &upd), aldyn.EFORBIDDEN)
	mustCode(t, "B rates", f.db.UpdateRisk(f.ctx, f.coordB, upd.ID, &upd), aldyn.EFORBIDDEN)
	if err := f.db.UpdateRisk(f.ctx, f.coordA, upd.ID, &upd); err != nil {
		t.Fatal(err)
	}
	got, err := f.db.FindRiskByID(f.ctx, upd.ID)
	if err != nil || got.Score() != 20 || got.Level() != aldyn.RiskHigh || got.OwnerBodyID != f.policeA.ID || got.ConceptN != 1 {
		t.Errorf("got %+v %v", got, err)
	}
	added := &aldyn.Risk{PlanID: p.ID, Text: aldyn.Text{RU: "Паводок"}, Likelihood: 2, Impact: 2}
	if err := f.db.CreateRisk(f.ctx, f.coordA, added); err != nil {
		t.Fatal(err)
	}
	bad := &aldyn.Risk{PlanID: p.ID, Text: aldyn.Text{RU: "x"}, Likelihood: 6, Impact: 0}
	mustCode(t, "scale", f.db.CreateRisk(f.ctx, f.coordA, bad), aldyn.EINVALID)
	if n := f.auditCount(t, "risk"); n != len(c.Risks)+2 {
		t.Errorf("audit entries: got %d, want %d", n, len(c.Risks)+2)
	}
}

// TestMeetingDemoCalls is what a demo loader does: a meeting with a task
// and a question with its answer, all as the System actor.
func TestMeetingDemoCalls(t *testing.T) {
	f := mustMeetingFixture(t)
	m := &aldyn.Meeting{BodyID: f.council.ID, Date: meetingDay(2025, 2, 20), Agenda: aldyn.Text{KY: "Күн тартиби", RU: "Повестка", EN: "Agenda"},
		Minutes: "Протокол", Status: aldyn.MeetingHeld, Participants: []int64{f.commA.ID, f.commB.ID}}
	if err := f.db.CreateMeeting(f.ctx, aldyn.System, m); err != nil {
		t.Fatal(err)
	}
	if err := f.db.CreateDecision(f.ctx, aldyn.System, &aldyn.Decision{MeetingID: m.ID, Text: "Тапшырма", ResponsibleBodyID: f.commA.ID,
		Deadline: meetingPtr(meetingDay(2025, 6, 30))}); err != nil {
		t.Fatal(err)
	}
	q := &aldyn.Question{Kind: aldyn.QuestionReport, FromBodyID: f.commB.ID, ToBodyID: f.council.ID, Subject: "Отчет", Text: "Текст"}
	if err := f.db.CreateQuestion(f.ctx, aldyn.System, q); err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.AnswerQuestion(f.ctx, aldyn.System, q.ID, "Кабыл алынды"); err != nil {
		t.Fatal(err)
	}
}

package aldyn_test

import (
	"testing"
	"time"

	"github.com/aldyn-kg/aldyn"
)

func meetingDay(y int, m time.Month, d int) time.Time {
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

func meetingFields(err error) map[string]string {
	if e, ok := err.(*aldyn.Error); ok {
		return e.Fields
	}
	return nil
}

func TestMeetingValidate(t *testing.T) {
	ok := func() aldyn.Meeting {
		return aldyn.Meeting{BodyID: 1, Date: meetingDay(2025, 3, 1), Agenda: aldyn.Text{KY: "Күн тартиби"}, Participants: []int64{2, 3}}
	}
	for _, c := range []struct {
		name  string
		edit  func(*aldyn.Meeting)
		field string // "" when valid
	}{
		{"valid, one language", func(*aldyn.Meeting) {}, ""},
		{"no body", func(m *aldyn.Meeting) { m.BodyID = 0 }, "body_id"},
		{"no date", func(m *aldyn.Meeting) { m.Date = time.Time{} }, "date"},
		{"date out of range", func(m *aldyn.Meeting) { m.Date = meetingDay(1999, 1, 1) }, "date"},
		{"no agenda", func(m *aldyn.Meeting) { m.Agenda = aldyn.Text{RU: "  "} }, "agenda"},
		{"unknown status", func(m *aldyn.Meeting) { m.Status = "postponed" }, "status"},
		{"held without minutes", func(m *aldyn.Meeting) { m.Status = aldyn.MeetingHeld }, "minutes"},
		{"held with minutes", func(m *aldyn.Meeting) { m.Status, m.Minutes = aldyn.MeetingHeld, "Протокол" }, ""},
		{"body among participants", func(m *aldyn.Meeting) { m.Participants = []int64{1} }, "participants"},
		{"duplicate participant", func(m *aldyn.Meeting) { m.Participants = []int64{2, 2} }, "participants"},
	} {
		t.Run(c.name, func(t *testing.T) {
			m := ok()
			c.edit(&m)
			err := m.Validate()
			if c.field == "" && err != nil {
				t.Fatalf("got %v, want valid", err)
			}
			if c.field != "" && meetingFields(err)[c.field] == "" {
				t.Fatalf("got %v, want an error on %s", err, c.field)
			}
		})
	}
	m := ok()
	if m.Validate(); m.Status != aldyn.MeetingPlanned {
		t.Errorf("default status: got %q, want planned", m.Status)
	}
}

func TestMeetingTransitions(t *testing.T) {
	for _, c := range []struct {
		from, to aldyn.MeetingStatus
		ok       bool
	}{
		{aldyn.MeetingPlanned, aldyn.MeetingHeld, true},
		{aldyn.MeetingPlanned, aldyn.MeetingPlanned, true},
		{aldyn.MeetingHeld, aldyn.MeetingHeld, true},
		{aldyn.MeetingHeld, aldyn.MeetingPlanned, false},
	} {
		m := aldyn.Meeting{Status: c.from}
		err := m.Transition(c.to)
		if (err == nil) != c.ok {
			t.Errorf("%s → %s: got %v, want ok=%v", c.from, c.to, err, c.ok)
		}
		if err != nil && aldyn.ErrorCode(err) != aldyn.ECONFLICT {
			t.Errorf("%s → %s: got code %s, want conflict", c.from, c.to, aldyn.ErrorCode(err))
		}
	}
}

func TestDecisionRules(t *testing.T) {
	deadline := meetingDay(2025, 3, 31)
	task := func() aldyn.Decision {
		return aldyn.Decision{Text: "Рейддерди өткөрүү", ResponsibleBodyID: 7, Deadline: &deadline, Status: aldyn.DecisionOpen}
	}
	t.Run("validate", func(t *testing.T) {
		for _, c := range []struct {
			name  string
			edit  func(*aldyn.Decision)
			field string
		}{
			{"task", func(*aldyn.Decision) {}, ""},
			{"plain decision", func(d *aldyn.Decision) { d.ResponsibleBodyID, d.Deadline = 0, nil }, ""},
			{"no text", func(d *aldyn.Decision) { d.Text = " " }, "text"},
			{"task without deadline", func(d *aldyn.Decision) { d.Deadline = nil }, "deadline"},
			{"deadline without body", func(d *aldyn.Decision) { d.ResponsibleBodyID = 0 }, "responsible_body_id"},
			{"plain decision done", func(d *aldyn.Decision) { d.ResponsibleBodyID, d.Deadline, d.Status = 0, nil, aldyn.DecisionDone }, "status"},
			{"unknown status", func(d *aldyn.Decision) { d.Status = "late" }, "status"},
		} {
			t.Run(c.name, func(t *testing.T) {
				d := task()
				c.edit(&d)
				err := d.Validate()
				if (c.field == "") != (err == nil) || (c.field != "" && meetingFields(err)[c.field] == "") {
					t.Fatalf("got %v, want error on %q", err, c.field)
				}
			})
		}
	})
	t.Run("overdue", func(t *testing.T) {
		for _, c := range []struct {
			name   string
			status aldyn.DecisionStatus
			now    time.Time
			want   bool
		}{
			{"on the deadline day", aldyn.DecisionOpen, time.Date(2025, 3, 31, 23, 0, 0, 0, time.UTC), false},
			{"the day after", aldyn.DecisionOpen, meetingDay(2025, 4, 1), true},
			{"done late", aldyn.DecisionDone, meetingDay(2025, 5, 1), false},
			{"cancelled", aldyn.DecisionCancelled, meetingDay(2025, 5, 1), false},
		} {
			d := task()
			d.Status = c.status
			if got := d.IsOverdue(c.now); got != c.want {
				t.Errorf("%s: got %v, want %v", c.name, got, c.want)
			}
		}
		plain := aldyn.Decision{Text: "x", Status: aldyn.DecisionOpen}
		if plain.IsOverdue(meetingDay(2030, 1, 1)) {
			t.Error("a decision without a task is never overdue")
		}
	})
	t.Run("transitions", func(t *testing.T) {
		for _, c := range []struct {
			from, to aldyn.DecisionStatus
			ok       bool
		}{
			{aldyn.DecisionOpen, aldyn.DecisionDone, true},
			{aldyn.DecisionOpen, aldyn.DecisionCancelled, true},
			{aldyn.DecisionDone, aldyn.DecisionOpen, false},
			{aldyn.DecisionDone, aldyn.DecisionCancelled, false},
			{aldyn.DecisionCancelled, aldyn.DecisionDone, false},
			{aldyn.DecisionCancelled, aldyn.DecisionOpen, false},
		} {
			d := task()
			d.Status = c.from
			if err := d.Transition(c.to); (err == nil) != c.ok {
				t.Errorf("%s → %s: got %v, want ok=%v", c.from, c.to, err, c.ok)
			}
		}
	})
	t.Run("who reports", func(t *testing.T) {
		d := task()
		for _, c := range []struct {
			a    aldyn.Actor
			want bool
		}{
			{aldyn.Actor{Role: aldyn.RoleReporter, BodyID: 7}, true},
			{aldyn.Actor{Role: aldyn.RoleCoordinator, BodyID: 7}, true},
			{aldyn.Actor{Role: aldyn.RoleAnalyst, BodyID: 7}, false},
			{aldyn.Actor{Role: aldyn.RoleReporter, BodyID: 8}, false},
		} {
			if got := c.a.CanReportOnDecision(&d); got != c.want {
				t.Errorf("%s of body %d: got %v, want %v", c.a.Role, c.a.BodyID, got, c.want)
			}
		}
	})
}

func TestQuestionRules(t *testing.T) {
	council := &aldyn.Body{ID: 1, Type: "coordination_council"}
	oblast := &aldyn.Body{ID: 2, Type: "coordination_commission"}
	district := &aldyn.Body{ID: 3, Type: "coordination_commission"}
	police := &aldyn.Body{ID: 4, Type: "police"}
	const kg, chuy, alamudun, suzak = "/417/", "/417/41708/", "/417/41708/41708203/", "/417/41703/41703225/"
	for _, c := range []struct {
		name             string
		from, to         *aldyn.Body
		fromPath, toPath string
		ok               bool
	}{
		{"district to council", district, council, alamudun, kg, true},
		{"district to oblast", district, oblast, alamudun, chuy, true},
		{"to another oblast's district", district, district, alamudun, suzak, false},
		{"to the same level", district, district, alamudun, alamudun, false},
		{"down", oblast, district, chuy, alamudun, false},
		{"from the council", council, council, kg, kg, false},
		{"to the police", district, police, alamudun, chuy, false},
	} {
		if err := aldyn.QuestionRoute(c.from, c.to, c.fromPath, c.toPath); (err == nil) != c.ok {
			t.Errorf("%s: got %v, want ok=%v", c.name, err, c.ok)
		}
	}
	q := aldyn.Question{FromBodyID: 3, ToBodyID: 1, Subject: "Суроо", Text: "Текст"}
	if err := q.Validate(); err != nil || q.Kind != aldyn.QuestionQuestion {
		t.Fatalf("got %v, kind %q", err, q.Kind)
	}
	if err := q.SetAnswer("  ", meetingDay(2025, 1, 1)); meetingFields(err)["answer"] == "" {
		t.Errorf("empty answer: got %v", err)
	}
	if err := q.SetAnswer("Жооп", meetingDay(2025, 1, 1)); err != nil || !q.Answered() {
		t.Fatalf("answer: got %v", err)
	}
	if err := q.SetAnswer("Экинчи", meetingDay(2025, 1, 2)); aldyn.ErrorCode(err) != aldyn.ECONFLICT {
		t.Errorf("second answer: got %v, want conflict", err)
	}
	a := aldyn.Actor{Role: aldyn.RoleCoordinator, BodyID: 9, TerritoryPath: kg}
	if !a.ActsFor(1, kg) || a.ActsFor(3, alamudun) {
		t.Error("a national coordinator speaks for the Council, not for district commissions")
	}
}

func TestRiskRules(t *testing.T) {
	r := aldyn.Risk{Text: aldyn.Text{EN: "Funding"}, Likelihood: 3, Impact: 5}
	if err := r.Validate(); err != nil || r.Status != aldyn.RiskOpen {
		t.Fatalf("got %v, status %q", err, r.Status)
	}
	for _, c := range []struct {
		l, i int
		want string
	}{{1, 1, aldyn.RiskLow}, {2, 2, aldyn.RiskLow}, {1, 5, aldyn.RiskMedium}, {3, 4, aldyn.RiskMedium}, {3, 5, aldyn.RiskHigh}, {5, 5, aldyn.RiskHigh}} {
		if got := aldyn.RiskLevel(c.l, c.i); got != c.want {
			t.Errorf("level %d×%d: got %s, want %s", c.l, c.i, got, c.want)
		}
	}
	for _, bad := range []aldyn.Risk{
		{Text: aldyn.Text{EN: "x"}, Likelihood: 0, Impact: 3},
		{Text: aldyn.Text{EN: "x"}, Likelihood: 3, Impact: 6},
		{Likelihood: 3, Impact: 3},
		{Text: aldyn.Text{EN: "x"}, Likelihood: 3, Impact: 3, Status: "gone"},
	} {
		if err := bad.Validate(); aldyn.ErrorCode(err) != aldyn.EINVALID {
			t.Errorf("%+v: got %v, want invalid", bad, err)
		}
	}
	c := &aldyn.Concept{Risks: []aldyn.ConceptRisk{{N: 1, Risk: aldyn.Text{KY: "к", RU: "р", EN: "e"}, Mitigation: aldyn.Text{EN: "m"}}}}
	reg := aldyn.ConceptRiskRegister(5, c)
	if len(reg) != 1 || reg[0].PlanID != 5 || reg[0].ConceptN != 1 || reg[0].Validate() != nil {
		t.Errorf("register: got %+v", reg)
	}
}

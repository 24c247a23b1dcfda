package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/concept"
)

// meetingData is what the meeting tests work on: the Council, a
// commission in each fixture district with a meeting and a task, a
// question sent up from each, and a plan of each district.
type meetingData struct {
	council, commA, commB *aldyn.Body
	meetA, meetB          *aldyn.Meeting
	taskA, taskB          *aldyn.Decision
	qA, qA2, qB           *aldyn.Question
	planA, planB          *aldyn.Plan
	riskA                 *aldyn.Risk
}

func mustMeetingData(tb testing.TB, f *fixture) *meetingData {
	tb.Helper()
	ctx := context.Background()
	d := &meetingData{}
	body := func(code, typ, name string) *aldyn.Body {
		b := &aldyn.Body{TerritoryCode: code, Type: typ, NameKy: name, NameRu: name, NameEn: name}
		if err := f.db.CreateBody(ctx, aldyn.System, b); err != nil {
			tb.Fatal(err)
		}
		return b
	}
	d.council = body("41700000000000", "coordination_council", "Координациялык кеңеш")
	d.commA = body(codeA, "coordination_commission", "Аламүдүн райондук комиссиясы")
	d.commB = body(codeB, "coordination_commission", "Сузак райондук комиссиясы")
	// The coordinators of each commission, as the store sees them.
	coord := func(b *aldyn.Body) *aldyn.Actor {
		t, err := f.db.FindTerritoryByCode(ctx, b.TerritoryCode)
		if err != nil {
			tb.Fatal(err)
		}
		return &aldyn.Actor{UserID: 0, Login: "setup", Role: aldyn.RoleCoordinator, BodyID: b.ID, TerritoryCode: b.TerritoryCode, TerritoryPath: t.Path}
	}
	cA, cB := coord(d.commA), coord(d.commB)
	deadline := time.Now().UTC().AddDate(0, 1, 0)
	for _, x := range []struct {
		a    *aldyn.Actor
		comm *aldyn.Body
		resp *aldyn.Body
		meet **aldyn.Meeting
		task **aldyn.Decision
		plan **aldyn.Plan
	}{{cA, d.commA, f.bodyA, &d.meetA, &d.taskA, &d.planA}, {cB, d.commB, f.bodyB, &d.meetB, &d.taskB, &d.planB}} {
		m := &aldyn.Meeting{BodyID: x.comm.ID, Date: time.Date(2025, 5, 14, 0, 0, 0, 0, time.UTC), Agenda: aldyn.Text{KY: "Жаштар арасындагы укук бузуулар"},
			Participants: []int64{x.resp.ID}}
		if err := f.db.CreateMeeting(ctx, x.a, m); err != nil {
			tb.Fatal(err)
		}
		task := &aldyn.Decision{MeetingID: m.ID, Text: "Мектептерде профилактикалык сабактарды өткөрүү", ResponsibleBodyID: x.resp.ID, Deadline: &deadline}
		if err := f.db.CreateDecision(ctx, x.a, task); err != nil {
			tb.Fatal(err)
		}
		p := &aldyn.Plan{Kind: aldyn.PlanJoint, Title: aldyn.Text{KY: "Биргелешкен план", RU: "Совместный план", EN: "Joint plan"},
			TerritoryCode: x.comm.TerritoryCode, OwnerBodyID: x.comm.ID, StartYear: 2025, EndYear: 2026}
		if err := f.db.CreatePlan(ctx, x.a, p); err != nil {
			tb.Fatal(err)
		}
		*x.meet, *x.task, *x.plan = m, task, p
	}
	ask := func(a *aldyn.Actor, from *aldyn.Body, subject string) *aldyn.Question {
		q := &aldyn.Question{FromBodyID: from.ID, ToBodyID: d.council.ID, Subject: subject, Text: "Каржылоо жетишсиз."}
		if err := f.db.CreateQuestion(ctx, a, q); err != nil {
			tb.Fatal(err)
		}
		return q
	}
	d.qA, d.qA2, d.qB = ask(cA, d.commA, "Каржылоо"), ask(cA, d.commA, "Кадрлар"), ask(cB, d.commB, "Каржылоо")
	c, err := concept.Load()
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := f.db.EnsurePlanRisks(ctx, aldyn.System, d.planA.ID, c); err != nil {
		tb.Fatal(err)
	}
	rs, err := f.db.FindPlanRisks(ctx, d.planA.ID)
	if err != nil || len(rs) == 0 {
		tb.Fatalf("risks of plan A: %v %v", rs, err)
	}
	d.riskA = rs[0]
	return d
}

func mtID(n int64) string { return strconv.FormatInt(n, 10) }

func init() {
	moduleCases = append(moduleCases, func(tb testing.TB, f *fixture) []matrixCase {
		d := mustMeetingData(tb, f)
		const see, unauth, forbid, notFound = http.StatusSeeOther, http.StatusUnauthorized, http.StatusForbidden, http.StatusNotFound
		const form, js = "application/x-www-form-urlencoded", "application/json"
		// coordinators and administrators of district A (and the national administrator) may act.
		coordinates := func(anonStatus, ok int) expect {
			return expect{def: ok, byRole: map[string]int{anon: anonStatus, reporterA: forbid, analystA: forbid}}
		}
		// only the national administrator reaches district B's records.
		onlyKG := func(anonStatus, ok int) expect {
			return expect{def: notFound, byRole: map[string]int{anon: anonStatus, adminKG: ok}}
		}
		// only coordinatorA manages district A's plan.
		managesPlanA := func(anonStatus, ok int) expect {
			return expect{def: forbid, byRole: map[string]int{anon: anonStatus, coordinator: ok}}
		}
		meetingForm := func(b *aldyn.Body) string {
			return url.Values{"body_id": {mtID(b.ID)}, "date": {"2025-06-01"}, "agenda_ru": {"Повестка"}, "status": {"planned"}}.Encode()
		}
		meetingJSON := func(b *aldyn.Body) string {
			return `{"body_id":` + mtID(b.ID) + `,"date":"2025-06-01","agenda":{"ru":"Повестка"},"participants":[` + mtID(f.bodyA.ID) + `]}`
		}
		questionForm := func(from *aldyn.Body) string {
			return url.Values{"kind": {"report"}, "from_body_id": {mtID(from.ID)}, "to_body_id": {mtID(d.council.ID)}, "subject": {"Отчет"}, "text": {"Текст"}}.Encode()
		}
		riskForm := "text_ru=Паводок&likelihood=2&impact=4&status=open"
		riskJSON := `{"text":{"ru":"Паводок"},"likelihood":2,"impact":4}`
		mA, mB := mtID(d.meetA.ID), mtID(d.meetB.ID)
		pA, pB := mtID(d.planA.ID), mtID(d.planB.ID)
		return []matrixCase{
			{method: "GET", path: "/meetings", want: signedIn(see, 200)},
			{method: "GET", path: "/meetings?format=csv", route: "/meetings", want: signedIn(see, 200)},
			{method: "GET", path: "/meetings/new", want: coordinates(see, 200)},
			{method: "POST", path: "/meetings", ctype: form, body: meetingForm(d.commA), want: coordinates(unauth, see)},
			// A district coordinator cannot create meetings for another district's commission.
			{method: "POST", path: "/meetings", ctype: form, body: meetingForm(d.commB), want: expect{def: forbid, byRole: map[string]int{anon: unauth, adminKG: see}}},
			{method: "GET", path: "/meetings/" + mA, route: "/meetings/{id}", want: signedIn(see, 200)},
			{method: "GET", path: "/meetings/" + mB, route: "/meetings/{id}", want: onlyKG(see, 200)},
			{method: "GET", path: "/meetings/" + mA + "/edit", route: "/meetings/{id}/edit", want: coordinates(see, 200)},
			{method: "GET", path: "/meetings/" + mB + "/edit", route: "/meetings/{id}/edit", want: onlyKG(see, 200)},
			{method: "POST", path: "/meetings/" + mA, route: "/meetings/{id}", ctype: form, body: meetingForm(d.commA), want: coordinates(unauth, see)},
			{method: "POST", path: "/meetings/" + mB, route: "/meetings/{id}", ctype: form, body: meetingForm(d.commB), want: onlyKG(unauth, see)},
			{method: "POST", path: "/meetings/" + mA + "/decisions", route: "/meetings/{id}/decisions", ctype: form, body: "text=Решение", want: coordinates(unauth, see)},
			{method: "POST", path: "/meetings/" + mB + "/decisions", route: "/meetings/{id}/decisions", ctype: form, body: "text=Решение", want: onlyKG(unauth, see)},
			{method: "GET", path: "/decisions", want: signedIn(see, 200)},
			{method: "GET", path: "/decisions?scope=mine", route: "/decisions", want: signedIn(see, 200)},
			// The responsible body's reporter reports progress; an analyst may not.
			{method: "POST", path: "/decisions/" + mtID(d.taskA.ID), route: "/decisions/{id}", ctype: form, body: "progress=Өткөрүлдү",
				want: expect{def: see, byRole: map[string]int{anon: unauth, analystA: forbid}}},
			{method: "POST", path: "/decisions/" + mtID(d.taskB.ID), route: "/decisions/{id}", ctype: form, body: "progress=x", want: onlyKG(unauth, see)},
			{method: "GET", path: "/questions", want: signedIn(see, 200)},
			{method: "GET", path: "/questions?box=out", route: "/questions", want: signedIn(see, 200)},
			{method: "POST", path: "/questions", ctype: form, body: questionForm(d.commA),
				want: expect{def: forbid, byRole: map[string]int{anon: unauth, coordinator: see, adminA: see}}},
			{method: "POST", path: "/questions", ctype: form, body: questionForm(d.commB), want: expect{def: forbid, byRole: map[string]int{anon: unauth}}},
			{method: "GET", path: "/questions/" + mtID(d.qA.ID), route: "/questions/{id}", want: signedIn(see, 200)},
			{method: "GET", path: "/questions/" + mtID(d.qB.ID), route: "/questions/{id}", want: onlyKG(see, 200)},
			// Only the Council (the national administrator here) answers.
			{method: "POST", path: "/questions/" + mtID(d.qA.ID) + "/answer", route: "/questions/{id}/answer", ctype: form, body: "answer=Жооп",
				want: expect{def: forbid, byRole: map[string]int{anon: unauth, adminKG: see}}},
			{method: "GET", path: "/plans/" + pA + "/risks", route: "/plans/{id}/risks", want: signedIn(see, 200)},
			{method: "GET", path: "/plans/" + pB + "/risks", route: "/plans/{id}/risks", want: onlyKG(see, 200)},
			{method: "GET", path: "/plans/" + pA + "/risks/new", route: "/plans/{id}/risks/new", want: managesPlanA(see, 200)},
			{method: "POST", path: "/plans/" + pA + "/risks", route: "/plans/{id}/risks", ctype: form, body: riskForm, want: managesPlanA(unauth, see)},
			{method: "POST", path: "/plans/" + pB + "/risks", route: "/plans/{id}/risks", ctype: form, body: riskForm,
				want: expect{def: notFound, byRole: map[string]int{anon: unauth, adminKG: forbid}}},
			{method: "GET", path: "/risks/" + mtID(d.riskA.ID) + "/edit", route: "/risks/{id}/edit", want: managesPlanA(see, 200)},
			{method: "POST", path: "/risks/" + mtID(d.riskA.ID), route: "/risks/{id}", ctype: form, body: riskForm, want: managesPlanA(unauth, see)},

			{method: "GET", path: "/api/v1/meetings", want: signedIn(unauth, 200)},
			{method: "POST", path: "/api/v1/meetings", ctype: js, body: meetingJSON(d.commA), want: coordinates(unauth, 201)},
			{method: "POST", path: "/api/v1/meetings", ctype: js, body: meetingJSON(d.commB), want: expect{def: forbid, byRole: map[string]int{anon: unauth, adminKG: 201}}},
			{method: "GET", path: "/api/v1/meetings/" + mA, route: "/api/v1/meetings/{id}", want: signedIn(unauth, 200)},
			{method: "GET", path: "/api/v1/meetings/" + mB, route: "/api/v1/meetings/{id}", want: onlyKG(unauth, 200)},
			{method: "PUT", path: "/api/v1/meetings/" + mA, route: "/api/v1/meetings/{id}", ctype: js, body: meetingJSON(d.commA), want: coordinates(unauth, 200)},
			{method: "PUT", path: "/api/v1/meetings/" + mB, route: "/api/v1/meetings/{id}", ctype: js, body: meetingJSON(d.commB), want: onlyKG(unauth, 200)},
			{method: "POST", path: "/api/v1/meetings/" + mA + "/decisions", route: "/api/v1/meetings/{id}/decisions", ctype: js,
				body: `{"text":"Решение","responsible_body_id":` + mtID(f.bodyA.ID) + `,"deadline":"2025-12-31"}`, want: coordinates(unauth, 201)},
			{method: "PUT", path: "/api/v1/decisions/" + mtID(d.taskA.ID), route: "/api/v1/decisions/{id}", ctype: js, body: `{"progress":"Жарым-жартылай"}`,
				want: expect{def: 200, byRole: map[string]int{anon: unauth, analystA: forbid}}},
			{method: "PUT", path: "/api/v1/decisions/" + mtID(d.taskB.ID), route: "/api/v1/decisions/{id}", ctype: js, body: `{"progress":"x"}`, want: onlyKG(unauth, 200)},
			{method: "GET", path: "/api/v1/questions?box=in", route: "/api/v1/questions", want: signedIn(unauth, 200)},
			{method: "POST", path: "/api/v1/questions", ctype: js,
				body: `{"kind":"question","from_body_id":` + mtID(d.commA.ID) + `,"to_body_id":` + mtID(d.council.ID) + `,"subject":"Суроо","text":"Текст"}`,
				want: expect{def: forbid, byRole: map[string]int{anon: unauth, coordinator: 201, adminA: 201}}},
			{method: "POST", path: "/api/v1/questions/" + mtID(d.qA2.ID) + "/answer", route: "/api/v1/questions/{id}/answer", ctype: js, body: `{"answer":"Жооп"}`,
				want: expect{def: forbid, byRole: map[string]int{anon: unauth, adminKG: 200}}},
			{method: "POST", path: "/api/v1/questions/" + mtID(d.qB.ID) + "/answer", route: "/api/v1/questions/{id}/answer", ctype: js, body: `{"answer":"Жооп"}`,
				want: onlyKG(unauth, 200)},
			{method: "GET", path: "/api/v1/plans/" + pA + "/risks", route: "/api/v1/plans/{id}/risks", want: signedIn(unauth, 200)},
			{method: "GET", path: "/api/v1/plans/" + pB + "/risks", route: "/api/v1/plans/{id}/risks", want: onlyKG(unauth, 200)},
			{method: "POST", path: "/api/v1/plans/" + pA + "/risks", route: "/api/v1/plans/{id}/risks", ctype: js, body: riskJSON, want: managesPlanA(unauth, 201)},
			{method: "PUT", path: "/api/v1/risks/" + mtID(d.riskA.ID), route: "/api/v1/risks/{id}", ctype: js, body: riskJSON, want: managesPlanA(unauth, 200)},
		}
	})
}

// TestMeetingScope checks that a district coordinator neither creates
// meetings for another district's commission nor sees them.
func TestMeetingScope(t *testing.T) {
	f := mustFixture(t)
	d := mustMeetingData(t, f)
	body := `{"body_id":` + mtID(d.commB.ID) + `,"date":"2025-06-01","agenda":{"ky":"Күн тартиби"}}`
	if got := f.do(t, coordinator, "POST", "/api/v1/meetings", "application/json", body).StatusCode; got != http.StatusForbidden {
		t.Errorf("create for B: got %d, want 403", got)
	}
	if got := f.do(t, coordinator, "GET", "/api/v1/meetings/"+mtID(d.meetB.ID), "", "").StatusCode; got != http.StatusNotFound {
		t.Errorf("read B: got %d, want 404", got)
	}
	var list struct {
		Items []aldyn.Meeting `json:"items"`
		Total int             `json:"total"`
	}
	if err := json.Unmarshal([]byte(readBody(t, f.do(t, coordinator, "GET", "/api/v1/meetings", "", ""))), &list); err != nil {
		t.Fatal(err)
	}
	if list.Total != 1 || list.Items[0].ID != d.meetA.ID {
		t.Errorf("coordinator A's meetings: got %+v, want only meeting %d", list.Items, d.meetA.ID)
	}
	csv := readBody(t, f.do(t, coordinator, "GET", "/meetings?format=csv", "", ""))
	if !strings.Contains(csv, "Жаштар арасындагы") || strings.Count(csv, "\n") != 2 {
		t.Errorf("CSV export of A: %q", csv)
	}
}

// TestQuestionReachesCouncil follows a question from a district commission
// to the Council's coordinator and its answer back to the commission.
func TestQuestionReachesCouncil(t *testing.T) {
	f := mustFixture(t)
	d := mustMeetingData(t, f)
	ctx := context.Background()
	u := &aldyn.User{Login: "council", Name: "Council coordinator", Role: aldyn.RoleCoordinator, BodyID: d.council.ID}
	if err := f.auth.CreateUser(ctx, aldyn.System, u, "correct horse battery"); err != nil {
		t.Fatal(err)
	}
	tok, err := f.auth.IssueAPIToken(ctx, aldyn.System, u.ID, "test")
	if err != nil {
		t.Fatal(err)
	}
	f.tokens["council"] = tok

	sent := readBody(t, f.do(t, coordinator, "POST", "/api/v1/questions", "application/json",
		`{"kind":"question","from_body_id":`+mtID(d.commA.ID)+`,"to_body_id":`+mtID(d.council.ID)+`,"subject":"Жаштар борбору","text":"Каражат кайдан табылат?"}`))
	var q aldyn.Question
	if err := json.Unmarshal([]byte(sent), &q); err != nil || q.ID == 0 {
		t.Fatalf("send: %s", sent)
	}
	inbox := readBody(t, f.do(t, "council", "GET", "/questions?box=in", "", ""))
	if !strings.Contains(inbox, "Жаштар борбору") {
		t.Errorf("the Council's inbox does not list the question")
	}
	if other := readBody(t, f.do(t, "analystB", "GET", "/api/v1/questions", "", "")); strings.Contains(other, "Жаштар борбору") {
		t.Errorf("district B sees district A's question: %s", other)
	}
	if got := f.do(t, coordinator, "POST", "/api/v1/questions/"+mtID(q.ID)+"/answer", "application/json", `{"answer":"Өзүбүз"}`).StatusCode; got != http.StatusForbidden {
		t.Errorf("the sender answers: got %d, want 403", got)
	}
	form := url.Values{"answer": {"Жергиликтүү бюджеттен жана гранттан."}}.Encode()
	if got := f.do(t, "council", "POST", "/questions/"+mtID(q.ID)+"/answer", "application/x-www-form-urlencoded", form).StatusCode; got != http.StatusSeeOther {
		t.Fatalf("answer: got %d, want 303", got)
	}
	page := readBody(t, f.do(t, coordinator, "GET", "/questions/"+mtID(q.ID), "", ""))
	if !strings.Contains(page, "Жергиликтүү бюджеттен жана гранттан.") {
		t.Errorf("the commission does not see the answer")
	}
	if got := f.do(t, "council", "POST", "/api/v1/questions/"+mtID(q.ID)+"/answer", "application/json", `{"answer":"Дагы"}`).StatusCode; got != http.StatusConflict {
		t.Errorf("second answer: got %d, want 409", got)
	}
	n := 0
	entity := "question"
	if _, n, err = f.db.FindAuditEntries(ctx, aldyn.AuditFilter{Entity: &entity}); err != nil || n != 5 { // 3 set up, 1 sent, 1 answered
		t.Errorf("audit entries of questions: got %d (%v), want 5", n, err)
	}
}

// TestDecisionTaskReporting checks the decisions list puts overdue tasks
// first and that a reporter of the responsible body closes its task.
func TestDecisionTaskReporting(t *testing.T) {
	f := mustFixture(t)
	d := mustMeetingData(t, f)
	resp := f.do(t, coordinator, "POST", "/api/v1/meetings/"+mtID(d.meetA.ID)+"/decisions", "application/json",
		`{"text":"Кечиккен тапшырма","responsible_body_id":`+mtID(f.bodyA.ID)+`,"deadline":"2025-01-31"}`)
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("create: got %d: %s", resp.StatusCode, readBody(t, resp))
	}
	var late aldyn.Decision
	if err := json.NewDecoder(resp.Body).Decode(&late); err != nil || !late.Overdue {
		t.Fatalf("late task: %+v %v", late, err)
	}
	page := readBody(t, f.do(t, reporterA, "GET", "/decisions?scope=mine", "", ""))
	if i, j := strings.Index(page, "Кечиккен тапшырма"), strings.Index(page, "Мектептерде"); i < 0 || j < 0 || i > j {
		t.Errorf("overdue task not listed first (%d, %d)", i, j)
	}
	for _, c := range []struct {
		who, body string
		want      int
	}{
		{reporterA, `{"text":"Башка текст"}`, http.StatusForbidden},
		{reporterA, `{"status":"cancelled"}`, http.StatusForbidden},
		{reporterA, `{"status":"done","progress":"Аткарылды"}`, http.StatusOK},
		{coordinator, `{"status":"open"}`, http.StatusConflict},
		{coordinator, `{"status":"late"}`, http.StatusBadRequest},
	} {
		if got := f.do(t, c.who, "PUT", "/api/v1/decisions/"+mtID(late.ID), "application/json", c.body).StatusCode; got != c.want {
			t.Errorf("%s %s: got %d, want %d", c.who, c.body, got, c.want)
		}
	}
}

// TestRiskRegisterPrefilled checks a plan's register starts with the
// Concept's §8 risks in three languages and shows its matrix.
func TestRiskRegisterPrefilled(t *testing.T) {
	f := mustFixture(t)
	d := mustMeetingData(t, f)
	c, err := concept.Load()
	if err != nil {
		t.Fatal(err)
	}
	// Plan B has not been opened yet: the first view fills it.
	var reg struct {
		Items []struct {
			aldyn.Risk
			Score int    `json:"score"`
			Level string `json:"level"`
		} `json:"items"`
	}
	if err := json.Unmarshal([]byte(readBody(t, f.do(t, adminKG, "GET", "/api/v1/plans/"+mtID(d.planB.ID)+"/risks", "", ""))), &reg); err != nil {
		t.Fatal(err)
	}
	if len(reg.Items) != len(c.Risks) {
		t.Fatalf("got %d risks, want %d", len(reg.Items), len(c.Risks))
	}
	for i, r := range reg.Items {
		if r.Text != c.Risks[i].Risk || r.Mitigation != c.Risks[i].Mitigation || !r.Text.Complete() || !r.Mitigation.Complete() || r.Score != 9 {
			t.Errorf("risk %d: got %+v, want %+v", i+1, r, c.Risks[i])
		}
	}
	for lang, text := range map[string]string{"ky": c.Risks[0].Risk.KY, "ru": c.Risks[0].Risk.RU, "en": c.Risks[0].Risk.EN} {
		_, page := f.getAs(t, coordinator, lang, "/plans/"+mtID(d.planA.ID)+"/risks")
		if !strings.Contains(page, text) || !strings.Contains(page, `class="risk-matrix"`) {
			t.Errorf("%s page lacks the first risk or the matrix", lang)
		}
	}
	if got := f.do(t, coordinator, "PUT", "/api/v1/risks/"+mtID(d.riskA.ID), "application/json", `{"text":{"ru":"x"},"likelihood":6,"impact":1}`).StatusCode; got != http.StatusBadRequest {
		t.Errorf("likelihood 6: got %d, want 400", got)
	}
}

// TestMeetingFormsShowErrors checks refused forms come back with their
// fields' errors inline.
func TestMeetingFormsShowErrors(t *testing.T) {
	f := mustFixture(t)
	d := mustMeetingData(t, f)
	const form = "application/x-www-form-urlencoded"
	for _, c := range []struct {
		path, body, field string
	}{
		{"/meetings", "body_id=" + mtID(d.commA.ID) + "&date=&status=held", "e-date"},
		{"/meetings/" + mtID(d.meetA.ID), "body_id=" + mtID(d.commA.ID) + "&date=2025-06-01&agenda_ky=А&status=held", "e-minutes"},
		{"/meetings/" + mtID(d.meetA.ID) + "/decisions", "text=Чечим&responsible_body_id=" + mtID(f.bodyA.ID), "e-deadline"},
		{"/questions", "from_body_id=" + mtID(d.commA.ID) + "&to_body_id=" + mtID(d.council.ID) + "&subject=&text=x", "e-subject"},
		{"/plans/" + mtID(d.planA.ID) + "/risks", "text_ru=Риск&likelihood=9&impact=1", "e-likelihood"},
		{"/risks/" + mtID(d.riskA.ID), "text_ru=&likelihood=2&impact=1", `role="alert"`},
	} {
		resp := f.do(t, coordinator, "POST", c.path, form, c.body)
		body := readBody(t, resp)
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, c.field) {
			t.Errorf("POST %s: got %d, want 400 with %s; %.300s", c.path, resp.StatusCode, c.field, body)
		}
	}
}

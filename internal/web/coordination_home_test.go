package web_test

import (
	"context"
	"html"
	"io"
	"log/slog"
	"mime/quotedprintable"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/mail"
	"github.com/aldyn-kg/aldyn/internal/mail/mailtest"
	"github.com/aldyn-kg/aldyn/internal/store"
	"github.com/aldyn-kg/aldyn/internal/web"
)

// homeReport is one report the coordinator's home fixture owes: the
// cycle, the measure, and what happened to it (status "" = not started;
// submittedAt the day of its first submission).
type homeReport struct {
	cycle       string // "Q1" or "Q2"
	code        string
	status      aldyn.ReportStatus
	submittedAt time.Time
}

// homeFixture is district A's plan with two cycles (Q1's deadline passed,
// Q2's to come) and reports in every state; a meeting to come and a
// decision overdue. The clock stands at 2025-07-05.
type homeFixture struct {
	*fixture
	now     time.Time
	cycles  map[string]*aldyn.ReportingCycle
	bodyOf  map[string]*aldyn.Body // measure code → responsible body
	reports []homeReport
	meeting *aldyn.Meeting
	task    *aldyn.Decision
}

func mustHomeFixture(tb testing.TB, cfg web.Config) *homeFixture {
	tb.Helper()
	ctx := context.Background()
	f, _ := repServer(tb)
	if cfg != (web.Config{}) {
		s, err := web.New(cfg, f.db, f.auth, slog.New(slog.NewTextHandler(tbWriter{tb}, &slog.HandlerOptions{Level: slog.LevelError})))
		if err != nil {
			tb.Fatal(err)
		}
		f.web, f.srv = s, httptest.NewServer(s.Handler())
		tb.Cleanup(f.srv.Close)
	}
	h := &homeFixture{fixture: f, now: time.Date(2025, 7, 5, 10, 0, 0, 0, time.UTC), cycles: map[string]*aldyn.ReportingCycle{},
		bodyOf: map[string]*aldyn.Body{"1.1": f.bodyA, "1.2": f.bodyA, "2.1": f.bodyB, "2.2": f.bodyB, "3.1": f.bodyA}}
	f.repSetNow(h.now)
	p, ms, _ := repPlan(tb, f, "Home plan", nil, []repMeasureSpec{
		{code: "1.1", body: f.bodyA, start: "2025-01-01", due: "2025-12-31"},
		{code: "1.2", body: f.bodyA, start: "2025-01-01", due: "2025-12-31"},
		{code: "2.1", body: f.bodyB, start: "2025-01-01", due: "2025-12-31"},
		{code: "2.2", body: f.bodyB, start: "2025-01-01", due: "2025-12-31"},
		{code: "3.1", body: f.bodyA, start: "2025-05-01", due: "2025-12-31"}, // not in Q1
	})
	h.cycles["Q1"] = repCycle(tb, f, p.ID, "2025-Q1", "2025-01-01", "2025-03-31", time.Date(2025, 4, 10, 17, 59, 59, 0, time.UTC))
	h.cycles["Q2"] = repCycle(tb, f, p.ID, "2025-Q2", "2025-04-01", "2025-06-30", time.Date(2025, 7, 10, 17, 59, 59, 0, time.UTC))
	onTime, late := time.Date(2025, 4, 5, 9, 0, 0, 0, time.UTC), h.now
	h.reports = []homeReport{
		{"Q1", "1.1", aldyn.ReportAccepted, onTime},
		{"Q1", "1.2", aldyn.ReportSubmitted, late},
		{"Q1", "2.1", "", time.Time{}},
		{"Q1", "2.2", aldyn.ReportDraft, time.Time{}},
		{"Q2", "1.1", aldyn.ReportSubmitted, onTime.AddDate(0, 3, 0)},
		{"Q2", "1.2", aldyn.ReportDraft, time.Time{}},
		{"Q2", "2.1", "", time.Time{}},
		{"Q2", "2.2", aldyn.ReportReturned, onTime.AddDate(0, 3, 0)},
		{"Q2", "3.1", "", time.Time{}},
	}
	for _, x := range h.reports {
		if x.status == "" {
			continue
		}
		who := reporterA
		if h.bodyOf[x.code] == f.bodyB {
			who = repReporterB
		}
		if !x.submittedAt.IsZero() {
			f.repSetNow(x.submittedAt)
		}
		repReport(tb, f, who, &aldyn.Report{CycleID: h.cycles[x.cycle].ID, MeasureID: ms[x.code].ID, Progress: 50}, x.status)
		f.repSetNow(h.now)
	}
	comm := &aldyn.Body{TerritoryCode: codeA, Type: "coordination_commission", NameKy: "Аламүдүн комиссиясы", NameRu: "Аламудунская комиссия", NameEn: "Alamüdün commission"}
	if err := f.db.CreateBody(ctx, aldyn.System, comm); err != nil {
		tb.Fatal(err)
	}
	coord := f.repActor(coordinator)
	held := &aldyn.Meeting{BodyID: comm.ID, Date: repDay("2025-06-02"), Agenda: aldyn.Text{RU: "Итоги полугодия"}, Status: aldyn.MeetingHeld, Minutes: "Протокол"}
	h.meeting = &aldyn.Meeting{BodyID: comm.ID, Date: repDay("2025-07-20"), Agenda: aldyn.Text{KY: "Жаштар арасындагы укук бузуулар", RU: "Правонарушения среди молодёжи", EN: "Youth offending"}}
	for _, m := range []*aldyn.Meeting{held, h.meeting} {
		if err := f.db.CreateMeeting(ctx, coord, m); err != nil {
			tb.Fatal(err)
		}
	}
	deadline := repDay("2025-06-30")
	h.task = &aldyn.Decision{MeetingID: held.ID, Text: "Мектептерде профилактикалык сабактарды өткөрүү", ResponsibleBodyID: f.bodyB.ID, Deadline: &deadline}
	if err := f.db.CreateDecision(ctx, coord, h.task); err != nil {
		tb.Fatal(err)
	}
	return h
}

// want computes the figures of the home from the fixture's reports, by
// the definitions the cycle page uses.
func (h *homeFixture) want() (figures map[string]int, missingByBody map[int64]int, lateByBody map[int64]int) {
	figures = map[string]int{}
	missingByBody, lateByBody = map[int64]int{}, map[int64]int{}
	for _, x := range h.reports {
		c := h.cycles[x.cycle]
		submitted := !x.submittedAt.IsZero()
		late := submitted && x.submittedAt.After(c.Deadline)
		missing := !submitted && h.now.After(c.Deadline)
		done := x.status == aldyn.ReportSubmitted || x.status == aldyn.ReportAccepted
		figures["home-expected"]++
		if !done && !missing {
			figures["home-due"]++
		}
		if x.status == aldyn.ReportSubmitted {
			figures["home-review"]++
		}
		if late {
			figures["home-late"]++
			lateByBody[h.bodyOf[x.code].ID]++
		}
		if missing {
			figures["home-missing"]++
			missingByBody[h.bodyOf[x.code].ID]++
		}
	}
	return
}

// TestCoordinatorHome: the coordinator's home shows the figures of the
// open cycles of the coordinator's territory, the late and missing
// reports by body, the coming meeting and the overdue decision; another
// district's coordinator sees none of them; other roles keep the public
// home.
func TestCoordinatorHome(t *testing.T) {
	h := mustHomeFixture(t, web.Config{})
	figures, missing, late := h.want()
	page := readBody(t, h.do(t, coordinator, "GET", "/", "", ""))
	for id, n := range figures {
		if got := repFigure(page, id); got != strconv.Itoa(n) {
			t.Errorf("%s: got %q, want %d", id, got, n)
		}
	}
	for _, b := range []*aldyn.Body{h.bodyA, h.bodyB} {
		row := between(page, `data-body="`+strconv.FormatInt(b.ID, 10)+`"`, "</tr>")
		if missing[b.ID]+late[b.ID] == 0 {
			if row != "" {
				t.Errorf("body %d without late or missing reports listed: %s", b.ID, row)
			}
			continue
		}
		cells := cellsOf(row)
		if len(cells) < 4 || cells[2] != strconv.Itoa(late[b.ID]) || cells[3] != strconv.Itoa(missing[b.ID]) {
			t.Errorf("body %d: got cells %q, want late %d, missing %d", b.ID, cells, late[b.ID], missing[b.ID])
		}
		if hasRemind := strings.Contains(row, `action="/reminders"`); hasRemind != (missing[b.ID] > 0) {
			t.Errorf("body %d: remind button %v, want %v", b.ID, hasRemind, missing[b.ID] > 0)
		}
	}
	for _, want := range []string{h.meeting.Agenda.KY, h.task.Text, "2025-Q1", "2025-Q2"} {
		if !strings.Contains(html.UnescapeString(page), want) {
			t.Errorf("home lacks %q", want)
		}
	}
	// /tasks lists every report still owed in the open cycles.
	var owed int
	for _, x := range h.reports {
		if x.status != aldyn.ReportSubmitted && x.status != aldyn.ReportAccepted {
			owed++
		}
	}
	tasks := readBody(t, h.do(t, coordinator, "GET", "/tasks", "", ""))
	if got := strings.Count(tasks, "data-outstanding="); got != owed {
		t.Errorf("/tasks: got %d outstanding reports, want %d", got, owed)
	}
	other := readBody(t, h.do(t, repCoordinatorB, "GET", "/", "", ""))
	if got := repFigure(other, "home-expected"); got != "0" {
		t.Errorf("coordinator of district B: got %q reports expected, want 0", got)
	}
	if strings.Contains(html.UnescapeString(other), h.meeting.Agenda.KY) {
		t.Error("coordinator of district B sees district A's meeting")
	}
	// The overdue task is body B's: its district's coordinator follows it.
	if !strings.Contains(html.UnescapeString(other), h.task.Text) {
		t.Error("coordinator of district B does not see the overdue task of body B")
	}
	for _, who := range []string{anon, reporterA, analystA} {
		if p := readBody(t, h.do(t, who, "GET", "/", "", "")); strings.Contains(p, `id="home-figures"`) {
			t.Errorf("%s gets the coordinator's home", who)
		}
	}
}

// TestReminders: reminding a body with missing reports notifies its
// users, is audited, and cannot be repeated within a day; a body with
// nothing missing cannot be reminded; a reporter cannot remind.
func TestReminders(t *testing.T) {
	h := mustHomeFixture(t, web.Config{})
	ctx := context.Background()
	_, missing, _ := h.want()
	form := func(b *aldyn.Body) string { return url.Values{"body_id": {strconv.FormatInt(b.ID, 10)}}.Encode() }
	const ctype = "application/x-www-form-urlencoded"
	if missing[h.bodyA.ID] != 0 || missing[h.bodyB.ID] == 0 {
		t.Fatalf("fixture: want body B, not body A, with missing reports: %v", missing)
	}
	if resp := h.do(t, reporterA, "POST", "/reminders", ctype, form(h.bodyB)); resp.StatusCode != http.StatusForbidden {
		t.Errorf("reporter: got %d, want 403", resp.StatusCode)
	}
	if resp := h.do(t, coordinator, "POST", "/reminders", ctype, form(h.bodyA)); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("body without missing reports: got %d, want 400", resp.StatusCode)
	}
	resp := h.do(t, coordinator, "POST", "/reminders", ctype, form(h.bodyB))
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("remind: got %d, want 303: %s", resp.StatusCode, readBody(t, resp))
	}
	reminders := func(u *aldyn.User) []*store.Notification {
		ns, _, err := h.db.FindNotifications(ctx, store.NotificationFilter{UserID: u.ID, BodyID: u.BodyID, Page: aldyn.Page{Limit: 100}})
		if err != nil {
			t.Fatal(err)
		}
		var out []*store.Notification
		for _, n := range ns {
			if n.Kind == store.ReminderKind {
				out = append(out, n)
			}
		}
		return out
	}
	got := reminders(h.users[repReporterB])
	if len(got) != 1 {
		t.Fatalf("reporter B: got %d reminders, want 1", len(got))
	}
	if c, _ := got[0].Args["count"].(float64); int(c) != missing[h.bodyB.ID] {
		t.Errorf("reminder count: got %v, want %d", got[0].Args["count"], missing[h.bodyB.ID])
	}
	if n := len(reminders(h.users[reporterA])); n != 0 {
		t.Errorf("reporter A: got %d reminders, want 0", n)
	}
	entity, id := "notification", strconv.FormatInt(got[0].ID, 10)
	es, _, err := h.db.FindAuditEntries(ctx, aldyn.AuditFilter{Entity: &entity, EntityID: &id, Page: aldyn.Page{Limit: 10}})
	if err != nil || len(es) != 1 || es[0].Actor != h.users[coordinator].Login {
		t.Errorf("audit of the reminder: got %v %v, want one entry by %s", es, err, h.users[coordinator].Login)
	}
	// Again within a day: refused with a clear message, nothing sent.
	h.repSetNow(h.now.Add(23 * time.Hour))
	resp = h.do(t, coordinator, "POST", "/reminders", ctype, form(h.bodyB))
	body := html.UnescapeString(readBody(t, resp))
	if resp.StatusCode != http.StatusTooManyRequests || !strings.Contains(body, h.bodyB.NameKy) {
		t.Errorf("second reminder: got %d, want 429 naming the body", resp.StatusCode)
	}
	if n := len(reminders(h.users[repReporterB])); n != 1 {
		t.Errorf("after the refused reminder: got %d reminders, want 1", n)
	}
	// A day later it goes.
	h.repSetNow(h.now.Add(25 * time.Hour))
	if resp := h.do(t, coordinator, "POST", "/reminders", ctype, form(h.bodyB)); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("reminder a day later: got %d, want 303", resp.StatusCode)
	}
	if n := len(reminders(h.users[repReporterB])); n != 2 {
		t.Errorf("a day later: got %d reminders, want 2", n)
	}
}

// TestReminderEmail: with an SMTP server configured, a reminder also goes
// by e-mail to the body's address, in Kyrgyz and Russian.
func TestReminderEmail(t *testing.T) {
	srv := mailtest.MustStart(t)
	sender, err := mail.New(srv.URL(), "aldyn@example.kg")
	if err != nil {
		t.Fatal(err)
	}
	h := mustHomeFixture(t, web.Config{Mail: sender})
	b := *h.bodyB
	b.Email = "suzak@example.kg"
	if err := h.db.UpdateBody(context.Background(), aldyn.System, b.ID, &b); err != nil {
		t.Fatal(err)
	}
	_, missing, _ := h.want()
	resp := h.do(t, coordinator, "POST", "/reminders", "application/x-www-form-urlencoded", "body_id="+strconv.FormatInt(b.ID, 10))
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("remind: got %d, want 303", resp.StatusCode)
	}
	msgs := srv.Messages()
	if len(msgs) != 1 || len(msgs[0].To) != 1 || msgs[0].To[0] != b.Email {
		t.Fatalf("got messages %+v, want one to %s", msgs, b.Email)
	}
	text := decodeQP(t, msgs[0].Data)
	for _, want := range []string{"тапшырылбаган отчеттор — " + strconv.Itoa(missing[b.ID]), "несданных отчётов — " + strconv.Itoa(missing[b.ID]), "/tasks"} {
		if !strings.Contains(text, want) {
			t.Errorf("e-mail lacks %q:\n%s", want, text)
		}
	}
}

// between returns the text of s from the first from to the next to after
// it, or "".
func between(s, from, to string) string {
	i := strings.Index(s, from)
	if i < 0 {
		return ""
	}
	j := strings.Index(s[i:], to)
	if j < 0 {
		return s[i:]
	}
	return s[i : i+j]
}

var tagRe = regexp.MustCompile(`<[^>]*>`)

// cellsOf returns the text of the <td> cells of a table row.
func cellsOf(row string) []string {
	var out []string
	for _, c := range strings.Split(row, "<td")[1:] {
		c = c[strings.IndexByte(c, '>')+1:]
		out = append(out, strings.TrimSpace(html.UnescapeString(tagRe.ReplaceAllString(c, ""))))
	}
	return out
}

// decodeQP decodes the quoted-printable body of a message.
func decodeQP(tb testing.TB, data string) string {
	tb.Helper()
	_, body, _ := strings.Cut(data, "\r\n\r\n")
	b, err := io.ReadAll(quotedprintable.NewReader(strings.NewReader(body)))
	if err != nil {
		tb.Fatal(err)
	}
	return string(b)
}

func init() {
	moduleCases = append(moduleCases, coordinationHomeCases)
}

// coordinationHomeCases: only a coordinator reminds, here body A whose
// report of a cycle past its deadline is missing.
func coordinationHomeCases(tb testing.TB, f *fixture) []matrixCase {
	f.repSetNow(time.Date(2025, 7, 5, 10, 0, 0, 0, time.UTC))
	p, _, _ := repPlan(tb, f, "Reminder plan", nil, []repMeasureSpec{{code: "1.1", body: f.bodyA, start: "2025-01-01", due: "2025-12-31"}})
	repCycle(tb, f, p.ID, "R-Q1", "2025-01-01", "2025-03-31", time.Date(2025, 4, 10, 0, 0, 0, 0, time.UTC))
	return []matrixCase{
		{method: "POST", path: "/reminders", ctype: "application/x-www-form-urlencoded", body: "body_id=" + strconv.FormatInt(f.bodyA.ID, 10),
			want: expect{def: http.StatusForbidden, byRole: map[string]int{anon: http.StatusUnauthorized, coordinator: http.StatusSeeOther}}},
	}
}

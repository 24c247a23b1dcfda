package web_test

import (
	"context"
	"encoding/json"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/i18n"
)

// reportBackData is a precinct in each fixture district with a scheduled
// meeting, and a held one in A with two issues: the first carries personal
// data and a name and is published with the name blanked, the second
// (rbPending) awaits moderation.
type reportBackData struct {
	precinctA, precinctB string
	mA, mB, heldA        *aldyn.ReportBackMeeting
}

const (
	rbPhone, rbEmail, rbPIN = "0555 987 654", "resident.rb@example.kg", "21203199001234"
	rbName                  = "Бекболотов Эрмек"
	rbPending               = "Модерациядан өтө элек маселе: Жумабаев Талант 0700 111 333 pending.rb@example.kg"
)

func mustReportBackData(tb testing.TB, f *fixture) *reportBackData {
	tb.Helper()
	ctx := context.Background()
	d := &reportBackData{precinctA: codeA + "-RB1", precinctB: codeB + "-RB1"}
	for _, code := range []string{d.precinctA, d.precinctB} {
		parent := code[:14]
		t := &aldyn.Territory{Code: code, ParentCode: parent, NameKy: "Отчет участогу " + parent, NameRu: "Участок отчётов " + parent, NameEn: "Report-back precinct " + parent}
		if _, err := f.db.FindTerritoryByCode(ctx, code); err == nil {
			continue
		}
		if err := f.db.CreatePrecinct(ctx, aldyn.System, t, nil); err != nil {
			tb.Fatal(err)
		}
	}
	now := f.db.Now()
	mk := func(precinct string, body *aldyn.Body, at time.Time) *aldyn.ReportBackMeeting {
		m := &aldyn.ReportBackMeeting{PrecinctCode: precinct, BodyID: body.ID, InspectorName: "Токтосунов Азамат", InspectorRole: aldyn.InspectorPrecinct,
			StartsAt: at, Place: "Мектептин чоң залы, Ленин көчөсү 12"}
		return m
	}
	d.mA, d.mB = mk(d.precinctA, f.bodyA, now.Add(30*24*time.Hour)), mk(d.precinctB, f.bodyB, now.Add(31*24*time.Hour))
	d.heldA = mk(d.precinctA, f.bodyA, now.Add(-40*24*time.Hour))
	n := 54
	d.heldA.Status, d.heldA.Attendance = aldyn.ReportBackHeld, &n
	d.heldA.Issues = []aldyn.ReportBackIssue{{Text: "Тургун " + rbName + " " + rbPhone + " жана " + rbEmail + " аркылуу даттанды, ПИН " + rbPIN, Answer: "Рейд өткөрүлөт"},
		{Text: rbPending, Answer: "Жооп " + rbPending}}
	for _, m := range []*aldyn.ReportBackMeeting{d.mA, d.mB, d.heldA} {
		if err := f.db.CreateReportBackMeeting(ctx, aldyn.System, m); err != nil {
			tb.Fatal(err)
		}
	}
	if _, err := f.db.ModerateReportBackIssue(ctx, aldyn.System, d.heldA.ID, d.heldA.Issues[0].ID, aldyn.IssueModeration{Published: true, Redactions: []string{rbName}}); err != nil {
		tb.Fatal(err)
	}
	return d
}

func reportBackFormBody(precinct string, body int64, at time.Time) string {
	v := url.Values{"precinct_code": {precinct}, "body_id": {mtID(body)}, "inspector_name": {"Садыкова Айгүл"},
		"inspector_role": {aldyn.InspectorJuvenile}, "starts_at": {at.In(i18n.Bishkek).Format("2006-01-02T15:04")}, "place": {"Айылдык клуб"},
		"status": {"scheduled"}}
	return v.Encode()
}

func init() {
	moduleCases = append(moduleCases, func(tb testing.TB, f *fixture) []matrixCase {
		d := mustReportBackData(tb, f)
		const see, unauth, forbid, notFound = http.StatusSeeOther, http.StatusUnauthorized, http.StatusForbidden, http.StatusNotFound
		const form, js = "application/x-www-form-urlencoded", "application/json"
		future := f.db.Now().Add(20 * 24 * time.Hour)
		a, b := mtID(d.mA.ID), mtID(d.mB.ID)
		held, issue := mtID(d.heldA.ID), mtID(d.heldA.Issues[0].ID)
		// Moderators: coordinators and administrators covering the precinct.
		moderators := func(anonStatus, ok int) expect {
			return expect{def: ok, byRole: map[string]int{anon: anonStatus, analystA: forbid, reporterA: forbid}}
		}
		// Staff who schedule: the police body's reporter, coordinators and
		// administrators; the analyst reads only.
		staff := func(anonStatus, ok int) expect {
			return expect{def: ok, byRole: map[string]int{anon: anonStatus, analystA: forbid}}
		}
		onlyKG := func(anonStatus, other, ok int) expect {
			return expect{def: other, byRole: map[string]int{anon: anonStatus, analystA: forbid, adminKG: ok}}
		}
		jsonA := `{"precinct_code":"` + d.precinctA + `","body_id":` + mtID(f.bodyA.ID) + `,"inspector_name":"Садыкова Айгүл","inspector_role":"juvenile_inspector","starts_at":"` +
			future.UTC().Format(time.RFC3339) + `","place":"Айылдык клуб"}`
		return []matrixCase{
			{method: "GET", path: "/report-back-meetings", want: all(200)},
			{method: "GET", path: "/report-back-meetings?territory=" + codeA, route: "/report-back-meetings", want: all(200)},
			{method: "GET", path: "/report-back-meetings/manage", want: signedIn(see, 200)},
			{method: "GET", path: "/report-back-meetings/manage?format=xlsx", route: "/report-back-meetings/manage", want: signedIn(see, 200)},
			{method: "GET", path: "/report-back-meetings/manage?format=csv&table=counts", route: "/report-back-meetings/manage", want: signedIn(see, 200)},
			{method: "GET", path: "/report-back-meetings/new", want: staff(see, 200)},
			{method: "POST", path: "/report-back-meetings", ctype: form, body: reportBackFormBody(d.precinctA, f.bodyA.ID, future), want: staff(unauth, see)},
			{method: "POST", path: "/report-back-meetings", ctype: form, body: reportBackFormBody(d.precinctB, f.bodyB.ID, future), want: onlyKG(unauth, forbid, see)},
			{method: "GET", path: "/report-back-meetings/" + a + "/edit", route: "/report-back-meetings/{id}/edit", want: staff(see, 200)},
			{method: "GET", path: "/report-back-meetings/" + b + "/edit", route: "/report-back-meetings/{id}/edit", want: onlyKG(see, notFound, 200)},
			{method: "POST", path: "/report-back-meetings/" + a, route: "/report-back-meetings/{id}", ctype: form,
				body: reportBackFormBody(d.precinctA, f.bodyA.ID, d.mA.StartsAt), want: staff(unauth, see)},
			{method: "POST", path: "/report-back-meetings/" + b, route: "/report-back-meetings/{id}", ctype: form,
				body: reportBackFormBody(d.precinctB, f.bodyB.ID, d.mB.StartsAt), want: onlyKG(unauth, notFound, see)},
			{method: "GET", path: "/api/v1/report-back-meetings", want: all(200)},
			{method: "GET", path: "/api/v1/report-back-meetings/" + b, route: "/api/v1/report-back-meetings/{id}", want: all(200)},
			{method: "POST", path: "/api/v1/report-back-meetings", ctype: js, body: jsonA, want: staff(unauth, http.StatusCreated)},
			{method: "PUT", path: "/api/v1/report-back-meetings/" + a, route: "/api/v1/report-back-meetings/{id}", ctype: js, body: `{"place":"Мечиттин жанындагы зал"}`,
				want: staff(unauth, 200)},
			{method: "PUT", path: "/api/v1/report-back-meetings/" + b, route: "/api/v1/report-back-meetings/{id}", ctype: js, body: `{"place":"Мечиттин жанындагы зал"}`,
				want: onlyKG(unauth, notFound, 200)},
			{method: "GET", path: "/report-back-meetings/" + held + "/issues", route: "/report-back-meetings/{id}/issues", want: moderators(see, 200)},
			{method: "POST", path: "/report-back-meetings/" + held + "/issues/" + issue, route: "/report-back-meetings/{id}/issues/{issue}", ctype: form,
				body: "published=1&redactions=" + url.QueryEscape(rbName), want: moderators(unauth, see)},
			{method: "GET", path: "/api/v1/report-back-meetings/" + held + "/issues", route: "/api/v1/report-back-meetings/{id}/issues", want: moderators(unauth, 200)},
			{method: "PUT", path: "/api/v1/report-back-meetings/" + held + "/issues/" + issue, route: "/api/v1/report-back-meetings/{id}/issues/{issue}", ctype: js,
				body: `{"published":true,"redactions":["` + rbName + `"]}`, want: moderators(unauth, 200)},
		}
	})
}

// TestReportBackPublic: the calendar and the API show upcoming and past
// meetings with the inspector, place and outcome, but never the personal
// data written into an issue; the territory filter keeps its district's.
func TestReportBackPublic(t *testing.T) {
	f := mustFixture(t)
	d := mustReportBackData(t, f)
	for _, lang := range []string{"ky", "ru", "en"} {
		status, body := f.getAs(t, anon, lang, "/report-back-meetings")
		if status != 200 {
			t.Fatalf("%s: status %d", lang, status)
		}
		for _, want := range []string{"Токтосунов Азамат", "Мектептин чоң залы", "Рейд өткөрүлөт", "54"} {
			if !strings.Contains(body, want) {
				t.Errorf("%s: calendar lacks %q", lang, want)
			}
		}
		for _, bad := range []string{rbPhone, rbEmail, rbPIN, rbName, rbPending, "0700 111 333", "pending.rb@example.kg"} {
			if strings.Contains(body, bad) {
				t.Errorf("%s: calendar shows personal data or unmoderated text %q", lang, bad)
			}
		}
	}
	_, ru := f.getAs(t, anon, "ru", "/report-back-meetings")
	if !strings.Contains(ru, "Предстоящие встречи") || !strings.Contains(ru, "участковый инспектор милиции") {
		t.Error("the Russian calendar is not in Russian")
	}
	_, body := f.getAs(t, anon, "en", "/api/v1/report-back-meetings?territory="+codeB)
	var list struct {
		Items []struct {
			ID       int64 `json:"id"`
			Upcoming bool  `json:"upcoming"`
		} `json:"items"`
		Total int `json:"total"`
	}
	if err := json.Unmarshal([]byte(body), &list); err != nil {
		t.Fatal(err)
	}
	if list.Total != 1 || list.Items[0].ID != d.mB.ID || !list.Items[0].Upcoming {
		t.Errorf("district B: got %+v, want only meeting %d, upcoming", list, d.mB.ID)
	}
	_, all := f.getAs(t, anon, "en", "/api/v1/report-back-meetings?limit=100")
	_, body = f.getAs(t, anon, "en", "/api/v1/report-back-meetings/"+mtID(d.heldA.ID))
	for _, bad := range []string{rbPhone, rbEmail, rbPIN, rbName, "Модерациядан", "0700 111 333", "pending.rb@example.kg"} {
		if strings.Contains(body, bad) || strings.Contains(all, bad) {
			t.Errorf("API shows personal data or unmoderated text %q: %s", bad, body)
		}
	}
	if !strings.Contains(body, "Рейд өткөрүлөт") || !strings.Contains(all, "Рейд өткөрүлөт") {
		t.Errorf("API lacks the published answer: %s", body)
	}
	if !strings.Contains(body, `"attendance":54`) {
		t.Errorf("API lacks the attendance: %s", body)
	}
	if status, _ := f.getAs(t, anon, "en", "/api/v1/report-back-meetings?status=cancelled"); status != http.StatusBadRequest {
		t.Errorf("unknown status: got %d, want 400", status)
	}
}

// TestReportBackStaff: the reporter schedules in its precinct, a bad form
// comes back with every error, the outcome is recorded with an issue sent
// on as a routed residents' report, and the counts show it.
func TestReportBackStaff(t *testing.T) {
	f := mustFixture(t)
	d := mustReportBackData(t, f)
	ctx := context.Background()

	resp := f.do(t, reporterA, "POST", "/report-back-meetings", "application/x-www-form-urlencoded",
		"precinct_code=&body_id="+mtID(f.bodyA.ID)+"&inspector_name=&inspector_role=chief&starts_at=2020-01-01T10:00&place=&status=scheduled")
	page := readBody(t, resp)
	if resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("bad form: status %d", resp.StatusCode)
	}
	for _, f := range []string{"f-precinct_code", "f-inspector_name", "f-inspector_role", "f-starts_at", "f-place"} {
		if !strings.Contains(page, `href="#`+f+`"`) {
			t.Errorf("error summary lacks %s", f)
		}
	}

	// The outcome of the meeting, after its time.
	f.db.Now = func() time.Time { return d.mA.StartsAt.Add(2 * time.Hour) }
	cats, err := f.db.FindResidentCategories(ctx, true)
	if err != nil {
		t.Fatal(err)
	}
	var catID int64
	for _, c := range cats {
		if c.Code == "disorder_public" {
			catID = c.ID
		}
	}
	body := url.Values{"precinct_code": {d.precinctA}, "body_id": {mtID(f.bodyA.ID)}, "inspector_name": {d.mA.InspectorName},
		"inspector_role": {d.mA.InspectorRole}, "starts_at": {d.mA.StartsAt.In(i18n.Bishkek).Format("2006-01-02T15:04")}, "place": {d.mA.Place},
		"status": {"held"}, "attendance": {"31"}, "not_held_reason": {""},
		"issues_text":        {"Паркта кечинде жаштар спирт ичишет", "Көчө жарыгы жок", ""},
		"issues_answer":      {"Патрулдук кароо күчөтүлөт", "", ""},
		"issues_category_id": {mtID(catID), "", ""},
		"issues_report_id":   {"", "", ""}}
	resp = f.do(t, reporterA, "POST", "/report-back-meetings/"+mtID(d.mA.ID), "application/x-www-form-urlencoded", body.Encode())
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("outcome: status %d: %s", resp.StatusCode, readBody(t, resp))
	}
	m, err := f.db.FindReportBackMeetingByID(ctx, d.mA.ID)
	if err != nil {
		t.Fatal(err)
	}
	if m.Status != aldyn.ReportBackHeld || m.Attendance == nil || *m.Attendance != 31 || len(m.Issues) != 2 {
		t.Fatalf("outcome stored: %+v", m)
	}
	if m.Issues[0].ReportID == nil {
		t.Fatal("the issue with a category made no report")
	}
	r, err := f.db.FindResidentReportByID(ctx, *m.Issues[0].ReportID)
	if err != nil {
		t.Fatal(err)
	}
	if r.BodyID != f.bodyA.ID || r.TerritoryCode != d.precinctA {
		t.Errorf("report routed to body %d in %s, want %d in %s", r.BodyID, r.TerritoryCode, f.bodyA.ID, d.precinctA)
	}
	// The edit page shows the issue as sent on, and the counts count it.
	status, page := f.getAs(t, reporterA, "en", "/report-back-meetings/"+mtID(d.mA.ID)+"/edit")
	if status != 200 || !strings.Contains(page, "Sent on as residents’ report No. "+mtID(r.ID)) && !strings.Contains(page, "residents&#39; report No. "+mtID(r.ID)) {
		t.Errorf("edit page: status %d, lacks the report number %d", status, r.ID)
	}
	resp = f.do(t, coordinator, "GET", "/report-back-meetings/manage?format=csv&table=counts", "", "")
	csv := readBody(t, resp)
	y, q := aldyn.QuarterOf(d.mA.StartsAt)
	if !strings.Contains(csv, d.precinctA) || !strings.Contains(csv, aldyn.ReportBackCount{Year: y, Quarter: q}.Period()) {
		t.Errorf("counts CSV lacks the precinct's quarter:\n%s", csv)
	}
}

// A plan indicator counts report-back meetings held per precinct of the
// plan's territory, per ended year, computed from the meetings recorded.
func TestIndicatorComputedFromReportBack(t *testing.T) {
	w, p := mustIndicatorPlan(t, "Report-back commission", "Report-back indicators")
	ctx := context.Background()
	y := p.StartYear
	var precincts []string
	for _, local := range []string{"IND1", "IND2"} {
		code := codeA + "-" + local
		if err := w.db.CreatePrecinct(ctx, aldyn.System, &aldyn.Territory{Code: code, ParentCode: codeA, NameKy: local, NameRu: local, NameEn: local}, nil); err != nil {
			t.Fatal(err)
		}
		precincts = append(precincts, code)
	}
	n := 20
	for i, at := range []time.Time{time.Date(y, 2, 10, 9, 0, 0, 0, time.UTC), time.Date(y, 5, 10, 9, 0, 0, 0, time.UTC), time.Date(y, 11, 10, 9, 0, 0, 0, time.UTC),
		time.Date(y, 12, 1, 9, 0, 0, 0, time.UTC), time.Date(y+1, 2, 1, 9, 0, 0, 0, time.UTC)} {
		m := &aldyn.ReportBackMeeting{PrecinctCode: precincts[i%2], BodyID: w.bodyA.ID, InspectorName: "Инспектор", InspectorRole: aldyn.InspectorPrecinct,
			StartsAt: at, Place: "Клуб", Status: aldyn.ReportBackHeld, Attendance: &n}
		if i == 3 { // not held: does not count
			m.Status, m.Attendance, m.NotHeldReason = aldyn.ReportBackNotHeld, nil, "Жаан"
		}
		if err := w.db.CreateReportBackMeeting(ctx, aldyn.System, m); err != nil {
			t.Fatal(err)
		}
	}
	ind := &aldyn.Indicator{PlanID: p.ID, Code: "7", Name: aldyn.Text{EN: "Report-back meetings held per precinct"}, Unit: "", Kind: aldyn.IndicatorNumber,
		Numerator: aldyn.ResidentMeasureReportBack, Source: aldyn.IndicatorResidents, Disaggregation: aldyn.DisaggregationNone, Frequency: aldyn.FrequencyAnnual,
		BaselineValue: 1, BaselineYear: y, HigherIsBetter: true, Verification: aldyn.Text{EN: "Report-back meetings recorded"},
		Targets: []aldyn.IndicatorTarget{{Year: p.EndYear, Value: 4}}}
	bad := *ind
	bad.Code, bad.Kind = "8", aldyn.IndicatorPercent
	vals := mustComputeIndicator(t, w, ind, &bad, "a percentage of report-back meetings")
	// Three held in year y in the two precincts (any other precinct of A
	// counts in the denominator too).
	total, err := w.db.CountPrecincts(ctx, mustPath(t, w.fixture, codeA))
	if err != nil {
		t.Fatal(err)
	}
	want := math.Round(100*3/float64(total)) / 100
	if len(vals) != 1 || vals[0].Period != strconv.Itoa(y) || vals[0].Value != want {
		t.Fatalf("values %+v, want %d = %.2f only (the next year is not over)", vals, y, want)
	}
}

func mustPath(tb testing.TB, f *fixture, code string) string {
	tb.Helper()
	t, err := f.db.FindTerritoryByCode(context.Background(), code)
	if err != nil {
		tb.Fatal(err)
	}
	return t.Path
}

// TestReportBackModeration: the moderator sees each issue as typed and as
// the public would read it; a blanked word too long comes back with its
// error, an issue not of the meeting is not found, and publishing makes
// the pending issue public with its name blanked, never its phone or
// e-mail; the API withdraws it again.
func TestReportBackModeration(t *testing.T) {
	f := mustFixture(t)
	d := mustReportBackData(t, f)
	held, pending := mtID(d.heldA.ID), d.heldA.Issues[1]
	status, page := f.getAs(t, coordinator, "ru", "/report-back-meetings/"+held+"/issues")
	if status != 200 || !strings.Contains(page, "Ждёт модерации") || !strings.Contains(page, "Жумабаев Талант") {
		t.Fatalf("moderation page: status %d, lacks the pending issue as typed", status)
	}
	const form = "application/x-www-form-urlencoded"
	long := url.Values{"published": {"1"}, "redactions": {strings.Repeat("ы", aldyn.MaxRedactionWord+1)}}
	resp := f.do(t, coordinator, "POST", "/report-back-meetings/"+held+"/issues/"+mtID(pending.ID), form, long.Encode())
	if page := readBody(t, resp); resp.StatusCode != http.StatusBadRequest || !strings.Contains(page, `href="#f-redactions"`) {
		t.Errorf("a blanked word too long: status %d, want 400 with the error linked to its field", resp.StatusCode)
	}
	resp = f.do(t, coordinator, "POST", "/report-back-meetings/"+mtID(d.mA.ID)+"/issues/"+mtID(pending.ID), form, "published=1")
	if readBody(t, resp); resp.StatusCode != http.StatusNotFound {
		t.Errorf("an issue of another meeting: status %d, want 404", resp.StatusCode)
	}
	resp = f.do(t, coordinator, "POST", "/report-back-meetings/"+held+"/issues/x", form, "published=1")
	if readBody(t, resp); resp.StatusCode != http.StatusNotFound {
		t.Errorf("an issue id that is not a number: status %d, want 404", resp.StatusCode)
	}
	_, before := f.getAs(t, anon, "ky", "/report-back-meetings")
	if strings.Contains(before, "Модерациядан") {
		t.Fatal("the pending issue is public before moderation")
	}
	resp = f.do(t, coordinator, "POST", "/report-back-meetings/"+held+"/issues/"+mtID(pending.ID), form, "published=1&redactions=Жумабаев+Талант")
	if readBody(t, resp); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("publish: status %d", resp.StatusCode)
	}
	for _, lang := range []string{"ky", "ru"} {
		_, after := f.getAs(t, anon, lang, "/report-back-meetings")
		if !strings.Contains(after, "Модерациядан өтө элек маселе") {
			t.Errorf("%s: the published issue is not on the calendar", lang)
		}
		for _, bad := range []string{"Жумабаев", "0700 111 333", "pending.rb@example.kg"} {
			if strings.Contains(after, bad) {
				t.Errorf("%s: the calendar shows %q", lang, bad)
			}
		}
	}
	resp = f.do(t, coordinator, "PUT", "/api/v1/report-back-meetings/"+held+"/issues/"+mtID(pending.ID), "application/json", `{"published":false}`)
	if readBody(t, resp); resp.StatusCode != 200 {
		t.Fatalf("withdraw: status %d", resp.StatusCode)
	}
	resp = f.do(t, coordinator, "PUT", "/api/v1/report-back-meetings/"+held+"/issues/"+mtID(pending.ID), "application/json", `{"published":"yes"}`)
	if readBody(t, resp); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("published not a boolean: status %d, want 400", resp.StatusCode)
	}
	if _, api := f.getAs(t, anon, "en", "/api/v1/report-back-meetings/"+held); strings.Contains(api, "Модерациядан") {
		t.Error("the withdrawn issue is still in the API")
	}
}

// TestReportBackLinks: the top menu offers the calendar to everyone in
// every language, and a district's and a precinct's pages link to their
// meetings.
func TestReportBackLinks(t *testing.T) {
	f := mustFixture(t)
	d := mustReportBackData(t, f)
	for lang, want := range map[string]string{"ky": "Отчеттук жолугушуулар", "ru": "Отчётные встречи", "en": "Report-back meetings"} {
		_, home := f.getAs(t, anon, lang, "/")
		if got := navLinks(home)["/report-back-meetings"]; got != want {
			t.Errorf("%s menu: got %q, want %q", lang, got, want)
		}
	}
	for path, link := range map[string]string{"/territories/" + codeA: "/report-back-meetings?territory=" + codeA,
		"/territories/" + d.precinctA: "/report-back-meetings?precinct=" + d.precinctA} {
		if _, page := f.getAs(t, anon, "ru", path); !strings.Contains(page, `href="`+link+`"`) {
			t.Errorf("%s lacks the link %s", path, link)
		}
	}
}

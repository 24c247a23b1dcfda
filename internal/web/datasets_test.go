package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/datasets"
	"github.com/aldyn-kg/aldyn/internal/store"
)

// dataSetFixture installs the Concept's data sets in a web fixture and
// returns the actors of district A's police reporter and coordinator and
// the protection orders periods the tests use: quarters before the
// current one, all open.
type dataSetFixture struct {
	rep, coord *aldyn.Actor
	periods    []string // newest first
}

func mustDataSets(tb testing.TB, f *fixture) *dataSetFixture {
	tb.Helper()
	ctx := context.Background()
	admin := &aldyn.Actor{UserID: f.users[adminKG].ID, Role: aldyn.RoleAdministrator, TerritoryPath: "/41700000000000/"}
	if _, err := datasets.Install(ctx, f.db, admin); err != nil {
		tb.Fatal(err)
	}
	path := "/41700000000000/41708000000000/" + codeA + "/"
	d := &dataSetFixture{
		rep:   &aldyn.Actor{UserID: f.users[reporterA].ID, Role: aldyn.RoleReporter, BodyID: f.bodyA.ID, TerritoryPath: path, Lang: "ky"},
		coord: &aldyn.Actor{UserID: f.users[coordinator].ID, Role: aldyn.RoleCoordinator, BodyID: f.bodyA.ID, TerritoryPath: path},
	}
	p := aldyn.PeriodOf(aldyn.PeriodQuarter, f.db.Now())
	for i := 0; i < 8; i++ {
		p = aldyn.PeriodOf(aldyn.PeriodQuarter, p.Start().AddDate(0, 0, -1))
		d.periods = append(d.periods, p.String())
	}
	return d
}

// submit enters and submits a valid protection orders form of body A.
func (d *dataSetFixture) submit(tb testing.TB, f *fixture, period string, issued string) *aldyn.DataForm {
	tb.Helper()
	form, err := f.db.EnterDataForm(context.Background(), d.rep, store.FormEntry{DataSetCode: "protection_orders", BodyID: f.bodyA.ID, Period: period,
		Cells: map[string]map[string]string{"po_issued": {"female,age_18_29": issued}, "po_breached": {"female,age_18_29": "1"}}}, true)
	if err != nil {
		tb.Fatal(err)
	}
	return form
}

func formPath(body *aldyn.Body, period string) string {
	return "/data-sets/protection_orders/forms/" + strconv.FormatInt(body.ID, 10) + "/" + period
}

func init() {
	moduleCases = append(moduleCases, func(tb testing.TB, f *fixture) []matrixCase {
		d := mustDataSets(tb, f)
		const see, unauth, forbid, notFound, conflict = http.StatusSeeOther, http.StatusUnauthorized, http.StatusForbidden, http.StatusNotFound, http.StatusConflict
		const form, js = "application/x-www-form-urlencoded", "application/json"
		p := d.periods
		// p[2] and p[3] are submitted, for the API's accept and return;
		// p[6] and p[7] for the pages'.
		for _, i := range []int{2, 3, 6, 7} {
			d.submit(tb, f, p[i], "5")
		}
		formRoute, apiRoute := "/data-sets/{code}/forms/{body}/{period}", "/api/v1/data-sets/{code}/forms/{body}/{period}"
		api := func(b *aldyn.Body, period string) string { return "/api" + "/v1" + formPath(b, period) }
		// Forms of body A: its users and district A's coordinator,
		// analyst and administrators see them; body B's only the nation.
		seesA := func(anonStatus int) expect { return signedIn(anonStatus, 200) }
		seesB := func(anonStatus int) expect {
			return expect{def: notFound, byRole: map[string]int{anon: anonStatus, adminKG: 200}}
		}
		// Body A's reporter enters; the coordinator of the same body then
		// holds a stale revision (or a submitted form); others may not.
		enters := func(anonStatus, ok, second int) expect {
			return expect{def: forbid, byRole: map[string]int{anon: anonStatus, reporterA: ok, coordinator: second}}
		}
		// Only district A's coordinator decides on body A's forms.
		decides := func(anonStatus, ok int) expect {
			return expect{def: forbid, byRole: map[string]int{anon: anonStatus, coordinator: ok}}
		}
		design := mustDesignCases(tb, f)
		values := `{"values":{"po_issued":{"female,age_18_29":"4"},"po_breached":{"female,age_18_29":"1"}},"revision":%d}`
		return append(design, []matrixCase{
			{method: "GET", path: "/data-sets", want: signedIn(see, 200)},
			{method: "GET", path: "/data-sets/protection_orders", route: "/data-sets/{code}", want: signedIn(see, 200)},
			{method: "GET", path: formPath(f.bodyA, p[0]), route: formRoute, want: seesA(see)},
			{method: "GET", path: formPath(f.bodyB, p[0]), route: formRoute, want: seesB(see)},
			{method: "POST", path: formPath(f.bodyA, p[4]), route: formRoute, ctype: form,
				body: url.Values{"revision": {"0"}, "cell:po_issued:male,age_30_59": {"2"}, "action": {"save"}}.Encode(), want: enters(unauth, see, conflict)},
			{method: "POST", path: formPath(f.bodyB, p[4]), route: formRoute, ctype: form,
				body: url.Values{"revision": {"0"}, "cell:po_issued:male,age_30_59": {"2"}}.Encode(), want: expect{def: notFound, byRole: map[string]int{anon: unauth, adminKG: forbid}}},
			{method: "POST", path: formPath(f.bodyA, p[6]) + "/accept", route: formRoute + "/accept", ctype: form, want: decides(unauth, see)},
			{method: "POST", path: formPath(f.bodyA, p[7]) + "/return", route: formRoute + "/return", ctype: form, body: "comment=Текшериңиз", want: decides(unauth, see)},

			{method: "GET", path: "/data-sets/protection_orders/analysis?level=district", route: "/data-sets/{code}/analysis", want: signedIn(see, 200)},
			{method: "GET", path: "/data-sets/protection_orders/analysis?format=xlsx", route: "/data-sets/{code}/analysis", want: signedIn(see, 200)},
			{method: "GET", path: "/api/v1/data-values?element=po_issued&level=region", route: "/api/v1/data-values", want: all(200)},
			{method: "GET", path: formPath(f.bodyA, p[0]) + "/xlsx", route: formRoute + "/xlsx", want: seesA(see)},
			{method: "GET", path: formPath(f.bodyB, p[0]) + "/xlsx", route: formRoute + "/xlsx", want: seesB(see)},
			// An upload without a file is refused with the form shown again
			// to those who may enter it.
			{method: "POST", path: formPath(f.bodyA, p[5]) + "/xlsx", route: formRoute + "/xlsx", ctype: form, body: "",
				want: expect{def: forbid, byRole: map[string]int{anon: unauth, reporterA: 400, coordinator: 400}}},
			{method: "POST", path: formPath(f.bodyA, p[1]) + "/remind", route: formRoute + "/remind", ctype: form, want: decides(unauth, see)},
			{method: "POST", path: formPath(f.bodyB, p[1]) + "/remind", route: formRoute + "/remind", ctype: form,
				want: expect{def: notFound, byRole: map[string]int{anon: unauth, adminKG: forbid}}},
			{method: "GET", path: "/concept", want: all(200)},
			{method: "GET", path: "/api/v1/concept/results", want: all(200)},
			{method: "GET", path: "/api/v1/data-elements", want: all(200)},
			{method: "GET", path: "/api/v1/data-sets", want: all(200)},
			{method: "GET", path: "/api/v1/validation-rules?data_set=protection_orders", route: "/api/v1/validation-rules", want: all(200)},
			{method: "GET", path: api(f.bodyA, p[0]), route: apiRoute, want: seesA(unauth)},
			{method: "GET", path: api(f.bodyB, p[0]), route: apiRoute, want: seesB(unauth)},
			{method: "PUT", path: api(f.bodyA, p[0]), route: apiRoute, ctype: js, body: strings.Replace(values, "%d", "0", 1), want: enters(unauth, 200, conflict)},
			{method: "PUT", path: api(f.bodyB, p[0]), route: apiRoute, ctype: js, body: strings.Replace(values, "%d", "0", 1),
				want: expect{def: notFound, byRole: map[string]int{anon: unauth, adminKG: forbid}}},
			{method: "POST", path: api(f.bodyA, p[0]) + "/submit", route: apiRoute + "/submit", ctype: js, body: strings.Replace(values, "%d", "1", 1),
				want: enters(unauth, 200, conflict)},
			{method: "POST", path: api(f.bodyA, p[2]) + "/accept", route: apiRoute + "/accept", want: decides(unauth, 200)},
			{method: "POST", path: api(f.bodyA, p[3]) + "/return", route: apiRoute + "/return", ctype: js, body: `{"comment":"Текшериңиз"}`, want: decides(unauth, 200)},
		}...)
	})
}

// TestDataFormHardRuleInReadersLanguage submits a form breaking a hard
// rule through the page: it is refused with the rule's Kyrgyz message,
// nothing is saved, and the corrected form is submitted with the soft
// rule it breaks listed.
func TestDataFormHardRuleInReadersLanguage(t *testing.T) {
	f := mustFixture(t)
	d := mustDataSets(t, f)
	path := formPath(f.bodyA, d.periods[0])
	post := func(cells url.Values) *http.Response {
		cells.Set("revision", "0")
		cells.Set("action", "submit")
		req, _ := http.NewRequest("POST", f.srv.URL+path, strings.NewReader(cells.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Authorization", "Bearer "+f.tokens[reporterA])
		req.Header.Set("Accept-Language", "ky")
		resp, err := noRedirect().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		return resp
	}
	resp := post(url.Values{"cell:po_issued:female,age_18_29": {"2"}, "cell:po_breached:female,age_18_29": {"3"}})
	body := readBody(t, resp)
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "Бузулган ордерлер берилген ордерлерден көп болушу мүмкүн эмес") {
		t.Fatalf("hard rule: status %d; %.2000s", resp.StatusCode, body)
	}
	if !strings.Contains(body, `value="3"`) {
		t.Error("the refused form did not keep what was typed")
	}
	if got, err := f.db.FindDataForm(context.Background(), "protection_orders", f.bodyA.ID, d.periods[0]); err != nil || got != nil {
		t.Fatalf("a refused submission left a form: %+v %v", got, err)
	}
	resp = post(url.Values{"cell:po_issued:female,age_18_29": {"2"}, "cell:po_breached:female,age_18_29": {"х"}})
	if body := readBody(t, resp); resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "Сан жазыңыз.") {
		t.Errorf("bad cell: status %d", resp.StatusCode)
	}
	resp = post(url.Values{"cell:po_issued:female,age_18_29": {"3"}, "cell:po_breached:female,age_18_29": {"1"}, "cell:po_repeat:female,age_18_29": {"4"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("corrected form: status %d %.1000s", resp.StatusCode, readBody(t, resp))
	}
	got, err := f.db.FindDataForm(context.Background(), "protection_orders", f.bodyA.ID, d.periods[0])
	if err != nil || got == nil || got.Status != aldyn.ReportSubmitted || len(got.Warnings) != 1 || got.Warnings[0].Code != "repeat_le_issued" {
		t.Fatalf("submitted: %+v %v", got, err)
	}
	// The coordinator sees the warning and accepts.
	page := readBody(t, f.do(t, coordinator, "GET", path, "", ""))
	if !strings.Contains(page, `id="form-warnings"`) || !strings.Contains(page, `id="form-accept"`) {
		t.Errorf("coordinator's view lacks the warning or the decision: %.3000s", page)
	}
	if resp := f.do(t, coordinator, "POST", path+"/accept", "application/x-www-form-urlencoded", ""); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("accept: %d", resp.StatusCode)
	}
}

// TestDataValuesSuppressed accepts a form with small numbers: the national
// administrator reads them from /api/v1/data-values, a district analyst
// and the public get them suppressed, and the pivot page shows the
// national figure.
func TestDataValuesSuppressed(t *testing.T) {
	f := mustFixture(t)
	d := mustDataSets(t, f)
	form := d.submit(t, f, d.periods[0], "3") // 3 orders, 1 breached
	if _, err := f.db.DecideDataForm(context.Background(), d.coord, form.ID, true, ""); err != nil {
		t.Fatal(err)
	}
	q := "/api/v1/data-values?element=po_issued,po_breached&territory=" + codeA + "&period=" + d.periods[0]
	type answer struct {
		Rows [][]any `json:"rows"`
	}
	read := func(who string) map[string][]any {
		var a answer
		resp := f.do(t, who, "GET", q, "", "")
		if body := readBody(t, resp); resp.StatusCode != 200 || json.Unmarshal([]byte(body), &a) != nil {
			t.Fatalf("%s: %d %s", who, resp.StatusCode, body)
		}
		out := map[string][]any{}
		for _, r := range a.Rows {
			out[r[0].(string)] = r
		}
		return out
	}
	if got := read(adminKG); len(got) != 2 || got["po_issued"][4] != "3" || got["po_breached"][4] != "1" {
		t.Errorf("national administrator: %v", got)
	}
	for _, who := range []string{analystA, anon} {
		got := read(who)
		if len(got) != 2 || got["po_issued"][4] != nil || got["po_issued"][5] != true || got["po_breached"][4] != nil {
			t.Errorf("%s sees small numbers: %v", who, got)
		}
	}
	page := readBody(t, f.do(t, adminKG, "GET", "/data-sets/protection_orders/analysis?level=district&element=po_issued&from="+d.periods[0], "", ""))
	if !strings.Contains(page, `id="pivot"`) || !strings.Contains(page, "Аламүдүн") {
		t.Errorf("pivot lacks Alamüdün: %.3000s", page)
	}
	// The chart: a line per district with the national administrator's
	// figure 3 in the period.
	m := regexp.MustCompile(`id="analysis-chart" data-chart data-chart-option="([^"]*)"`).FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no chart on the pivot page")
	}
	var opt struct {
		Series []struct {
			Name string `json:"name"`
			Data []any  `json:"data"`
		} `json:"series"`
	}
	if err := json.Unmarshal([]byte(html.UnescapeString(m[1])), &opt); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, s := range opt.Series {
		if strings.Contains(s.Name, "Аламүдүн") && len(s.Data) == 1 && s.Data[0] == 3.0 {
			found = true
		}
	}
	if !found {
		t.Errorf("chart series lack Alamüdün's 3: %+v", opt.Series)
	}
}

// TestDataFormXLSXUpload downloads a body's form, fills it in, uploads it
// (saved), uploads it again (nothing changes), and uploads a broken one
// (refused, every bad cell named, nothing saved).
func TestDataFormXLSXUpload(t *testing.T) {
	f := mustFixture(t)
	d := mustDataSets(t, f)
	path := formPath(f.bodyA, d.periods[1])
	resp := f.do(t, reporterA, "GET", path+"/xlsx", "", "")
	file := []byte(readBody(t, resp))
	if resp.StatusCode != 200 {
		t.Fatalf("download: %d", resp.StatusCode)
	}
	x, err := excelize.OpenReader(bytes.NewReader(file))
	if err != nil {
		t.Fatal(err)
	}
	x.SetCellValue("data", "F3", "7") // po_issued female,age_18_29
	var filled bytes.Buffer
	x.Write(&filled)
	upload := func(data []byte) *http.Response {
		ctype, body := multipartFile(t, "form.xlsx", data, nil)
		return f.do(t, reporterA, "POST", path+"/xlsx", ctype, body)
	}
	if resp := upload(filled.Bytes()); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("upload: %d %.2000s", resp.StatusCode, readBody(t, resp))
	}
	saved, err := f.db.FindDataForm(context.Background(), "protection_orders", f.bodyA.ID, d.periods[1])
	if err != nil || saved == nil || saved.Value("po_issued", "female,age_18_29") == nil || *saved.Value("po_issued", "female,age_18_29").Value != 7 {
		t.Fatalf("saved: %+v %v", saved, err)
	}
	if resp := upload(filled.Bytes()); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("upload again: %d", resp.StatusCode)
	}
	again, _ := f.db.FindDataForm(context.Background(), "protection_orders", f.bodyA.ID, d.periods[1])
	if again.Revision != saved.Revision || !again.UpdatedAt.Equal(saved.UpdatedAt) {
		t.Errorf("the same file changed the form: revision %d → %d", saved.Revision, again.Revision)
	}
	x.SetCellValue("data", "F3", "9")
	x.SetCellValue("data", "F4", "x")
	var broken bytes.Buffer
	x.Write(&broken)
	resp = upload(broken.Bytes())
	body := readBody(t, resp)
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "«data» барагы, 4-сап, F мамычасы: Сан жазыңыз. x") {
		t.Errorf("broken upload: %d %.3000s", resp.StatusCode, body)
	}
	after, _ := f.db.FindDataForm(context.Background(), "protection_orders", f.bodyA.ID, d.periods[1])
	if *after.Value("po_issued", "female,age_18_29").Value != 7 || after.Revision != saved.Revision {
		t.Errorf("a refused upload changed the form")
	}
}

// TestDataFormTasks: the body's reporter finds its forms to fill in on the
// task list; district A's coordinator finds the submitted form to review
// and body A's form of the latest closed period as missing, and sends a
// reminder that reaches the body.
func TestDataFormTasks(t *testing.T) {
	f := mustFixture(t)
	d := mustDataSets(t, f)
	d.submit(t, f, d.periods[3], "6")
	rep := readBody(t, f.do(t, reporterA, "GET", "/tasks", "", ""))
	if !strings.Contains(rep, `data-kind="enter"`) || !strings.Contains(rep, formPath(f.bodyA, d.periods[0])) {
		t.Errorf("reporter's tasks lack the forms to fill in: %.3000s", rep)
	}
	coord := readBody(t, f.do(t, coordinator, "GET", "/tasks", "", ""))
	if !strings.Contains(coord, `data-kind="review"`) || !strings.Contains(coord, `data-kind="missing"`) {
		t.Errorf("coordinator's tasks lack review or missing forms: %.3000s", coord)
	}
	if strings.Contains(coord, formPath(f.bodyB, d.periods[0])) {
		t.Error("district A's coordinator is shown district B's form")
	}
	missing := ""
	for _, p := range d.periods {
		if strings.Contains(coord, formPath(f.bodyA, p)+"/remind") {
			missing = p
		}
	}
	if missing == "" {
		t.Fatal("no reminder to send")
	}
	if resp := f.do(t, coordinator, "POST", formPath(f.bodyA, missing)+"/remind", "application/x-www-form-urlencoded", ""); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("remind: %d", resp.StatusCode)
	}
	ns, _, err := f.db.FindNotifications(context.Background(), store.NotificationFilter{BodyID: f.bodyA.ID})
	if err != nil || len(ns) == 0 || ns[0].TextKey != "datasets.tasks.reminder" {
		t.Errorf("reminder: %+v %v", ns, err)
	}
}

// TestConceptResultsPage: the public page and API list the eight results
// and the tasks without measures (all 42 in the empty fixture).
func TestConceptResultsPage(t *testing.T) {
	f := mustFixture(t)
	mustDataSets(t, f)
	var res struct {
		Results              []any    `json:"results"`
		TasksWithoutMeasures []string `json:"tasks_without_measures"`
	}
	resp := f.do(t, anon, "GET", "/api/v1/concept/results", "", "")
	if body := readBody(t, resp); resp.StatusCode != 200 || json.Unmarshal([]byte(body), &res) != nil {
		t.Fatalf("%d %s", resp.StatusCode, body)
	}
	if len(res.Results) != 8 || len(res.TasksWithoutMeasures) != 42 {
		t.Errorf("%d results, %d tasks without measures", len(res.Results), len(res.TasksWithoutMeasures))
	}
	page := readBody(t, f.do(t, anon, "GET", "/concept", "", ""))
	if !strings.Contains(page, `id="result-8"`) || !strings.Contains(page, `data-indicator="women_police_staff"`) || !strings.Contains(page, `data-task="4.1.1"`) {
		t.Errorf("page: %.2000s", page)
	}
}

// TestConceptResultsFigures: the page says each indicator's unit once
// ("… (на 100 000 жителей)", not "… на 100 000 жителей (на 100 000
// жителей)") and shows shares to one decimal: one of the three questions
// asked this year answered is 33,3 %, not 33,33.
func TestConceptResultsFigures(t *testing.T) {
	f := mustFixture(t)
	mustDataSets(t, f)
	d := mustMeetingData(t, f)
	if _, err := f.db.AnswerQuestion(context.Background(), aldyn.System, d.qA.ID, "Жооп"); err != nil {
		t.Fatal(err)
	}
	row := func(page, code string) string {
		_, rest, ok := strings.Cut(page, `data-indicator="`+code+`"`)
		row, _, _ := strings.Cut(rest, "</tr>")
		if !ok {
			t.Fatalf("no row %s", code)
		}
		return row
	}
	for _, c := range []struct{ lang, unit, share string }{
		{"ky", "100 000 тургунга", "33,3"},
		{"ru", "на 100 000 жителей", "33,3"},
		{"en", "per 100,000 residents", "33.3"},
	} {
		_, page := f.getAs(t, anon, c.lang, "/concept")
		if r := row(page, "offense_rate"); strings.Count(r, c.unit) != 1 {
			t.Errorf("%s: the offense rate's row says %q %d times, want once: %s", c.lang, c.unit, strings.Count(r, c.unit), r)
		}
		r := row(page, "questions_answered")
		if !strings.Contains(r, c.share+" <small>") || strings.Contains(r, c.share+"3") {
			t.Errorf("%s: questions answered, want %s %%: %s", c.lang, c.share, r)
		}
	}
}

// mustDesignCases are the access matrix cases of the design API: only the
// national administrator designs (201 or 200), on records made for it.
func mustDesignCases(tb testing.TB, f *fixture) []matrixCase {
	tb.Helper()
	ctx := context.Background()
	admin := &aldyn.Actor{UserID: f.users[adminKG].ID, Role: aldyn.RoleAdministrator, TerritoryPath: "/41700000000000/"}
	code := "po_issued"
	es, _, err := f.db.FindDataElements(ctx, aldyn.DataElementFilter{Code: &code, Page: aldyn.Page{Limit: 1}})
	if err != nil || len(es) != 1 {
		tb.Fatalf("po_issued: %v", err)
	}
	el := strconv.FormatInt(es[0].ID, 10)
	draft := func(c string) string {
		ds := &aldyn.DataSet{Code: c, Name: aldyn.Text{KY: "a", RU: "b", EN: "c"}, PeriodType: aldyn.PeriodYear, BodyTypes: []string{"police"},
			Level: aldyn.LevelDistrict, ElementIDs: []int64{es[0].ID}}
		if err := f.db.CreateDataSet(ctx, admin, ds); err != nil {
			tb.Fatal(err)
		}
		return strconv.FormatInt(ds.ID, 10)
	}
	toEdit, toActivate := draft("matrix_edit"), draft("matrix_activate")
	active, err := f.db.FindActiveDataSet(ctx, "protection_orders")
	if err != nil {
		tb.Fatal(err)
	}
	pc := "protection_orders"
	rules, _, err := f.db.FindValidationRules(ctx, aldyn.ValidationRuleFilter{DataSetCode: &pc})
	if err != nil || len(rules) == 0 {
		tb.Fatal(err)
	}
	const js = "application/json"
	designs := func(ok int) expect {
		return expect{def: http.StatusForbidden, byRole: map[string]int{anon: http.StatusUnauthorized, adminKG: ok}}
	}
	text := `{"ky":"Сыноо","ru":"Проверка","en":"Test"}`
	set := `{"code":"%s","name":` + text + `,"period_type":"year","body_types":["police"],"level":"district","element_ids":[` + el + `]}`
	rule := `{"data_set_code":"protection_orders","code":"%s","expression":"po_breached <= po_issued * 2","severity":"soft","message":` + text + `}`
	// The design pages: a fresh element and rule to edit, the campaigns
	// data set (in use) to make a new version of.
	pageEl := &aldyn.DataElement{Code: "matrix_page_el", Name: aldyn.Text{KY: "а", RU: "б", EN: "в"}, ValueType: aldyn.ValueInteger}
	if err := f.db.CreateDataElement(ctx, admin, pageEl); err != nil {
		tb.Fatal(err)
	}
	pageRule := &aldyn.ValidationRule{DataSetCode: "protection_orders", Code: "matrix_page_rule", Expression: "po_breached >= 0", Severity: aldyn.RuleSoft,
		Message: aldyn.Text{KY: "а", RU: "б", EN: "в"}}
	if err := f.db.CreateValidationRule(ctx, admin, pageRule); err != nil {
		tb.Fatal(err)
	}
	campaigns, err := f.db.FindActiveDataSet(ctx, "campaigns")
	if err != nil {
		tb.Fatal(err)
	}
	pageEdit, pageActivate := draft("matrix_page_edit"), draft("matrix_page_activate")
	pages := func(ok int) expect {
		return expect{def: http.StatusForbidden, byRole: map[string]int{anon: http.StatusSeeOther, adminKG: ok}}
	}
	const form = "application/x-www-form-urlencoded"
	elForm := func(code string) string {
		return url.Values{"code": {code}, "name_ky": {"Сыноо"}, "name_ru": {"Проверка"}, "name_en": {"Test"}, "value_type": {"integer"}, "aggregation": {"sum"}}.Encode()
	}
	setForm := func(code string) string {
		return url.Values{"code": {code}, "name_ky": {"Сыноо"}, "name_ru": {"Проверка"}, "name_en": {"Test"}, "period_type": {"year"}, "level": {"district"},
			"body_types": {"police"}, "deadline_days": {"10"}, "element_ids": {el}}.Encode()
	}
	ruleForm := func(code string) string {
		return url.Values{"data_set_code": {"protection_orders"}, "code": {code}, "expression": {"po_repeat >= 0"}, "severity": {"soft"},
			"message_ky": {"Сыноо"}, "message_ru": {"Проверка"}, "message_en": {"Test"}}.Encode()
	}
	pageID := func(id int64) string { return strconv.FormatInt(id, 10) }
	// A breakdown no data set uses, to edit by page and by the API.
	pageBreakdown := &aldyn.Disaggregation{Code: "matrix_page_bd", Name: aldyn.Text{KY: "а", RU: "б", EN: "в"}, Categories: []aldyn.Category{{Code: "sex",
		Name: aldyn.Text{KY: "а", RU: "б", EN: "в"}, Options: []aldyn.CategoryOption{{Code: "f", Name: aldyn.Text{KY: "а", RU: "б", EN: "в"}},
			{Code: "m", Name: aldyn.Text{KY: "а", RU: "б", EN: "в"}}}}}}
	if err := f.db.CreateDisaggregation(ctx, admin, pageBreakdown); err != nil {
		tb.Fatal(err)
	}
	breakdownForm := func(code string) string {
		v := url.Values{"code": {code}, "name_ky": {"Жынысы"}, "name_ru": {"Пол"}, "name_en": {"Sex"},
			"categories.0.code": {"sex"}, "categories.0.name_ky": {"Жынысы"}, "categories.0.name_ru": {"Пол"}, "categories.0.name_en": {"Sex"}}
		for j, o := range [][4]string{{"f", "Аял", "Женщины", "Women"}, {"m", "Эркек", "Мужчины", "Men"}} {
			p := "categories.0.options." + strconv.Itoa(j) + "."
			v.Set(p+"code", o[0])
			v.Set(p+"name_ky", o[1])
			v.Set(p+"name_ru", o[2])
			v.Set(p+"name_en", o[3])
		}
		return v.Encode()
	}
	return []matrixCase{
		{method: "GET", path: "/data-design/breakdowns/new", want: pages(200)},
		{method: "POST", path: "/data-design/breakdowns", ctype: form, body: breakdownForm("matrix_page_bd_new"), want: designs(http.StatusSeeOther)},
		{method: "GET", path: "/data-design/breakdowns/" + pageID(pageBreakdown.ID), route: "/data-design/breakdowns/{id}", want: pages(200)},
		{method: "POST", path: "/data-design/breakdowns/" + pageID(pageBreakdown.ID), route: "/data-design/breakdowns/{id}", ctype: form,
			body: breakdownForm("matrix_page_bd"), want: designs(http.StatusSeeOther)},
		{method: "PUT", path: "/api/v1/disaggregations/" + pageID(pageBreakdown.ID), route: "/api/v1/disaggregations/{id}", ctype: js, want: designs(200),
			body: `{"code":"matrix_page_bd","name":` + text + `,"categories":[{"code":"sex","name":` + text + `,"options":[{"code":"f","name":` + text + `},{"code":"m","name":` + text + `}]}]}`},
		{method: "GET", path: "/data-design", want: pages(200)},
		{method: "GET", path: "/data-design/elements/new", want: pages(200)},
		{method: "POST", path: "/data-design/elements", ctype: form, body: elForm("matrix_page_new"), want: designs(http.StatusSeeOther)},
		{method: "GET", path: "/data-design/elements/" + pageID(pageEl.ID), route: "/data-design/elements/{id}", want: pages(200)},
		{method: "POST", path: "/data-design/elements/" + pageID(pageEl.ID), route: "/data-design/elements/{id}", ctype: form, body: elForm("matrix_page_el"),
			want: designs(http.StatusSeeOther)},
		{method: "GET", path: "/data-design/sets/new", want: pages(200)},
		{method: "POST", path: "/data-design/sets", ctype: form, body: setForm("matrix_page_new"), want: designs(http.StatusSeeOther)},
		{method: "GET", path: "/data-design/sets/" + pageEdit, route: "/data-design/sets/{id}", want: pages(200)},
		{method: "POST", path: "/data-design/sets/" + pageEdit, route: "/data-design/sets/{id}", ctype: form, body: setForm("matrix_page_edit"),
			want: designs(http.StatusSeeOther)},
		{method: "POST", path: "/data-design/sets/" + pageActivate + "/activate", route: "/data-design/sets/{id}/activate", ctype: form,
			want: designs(http.StatusSeeOther)},
		{method: "POST", path: "/data-design/sets/" + pageID(campaigns.ID) + "/versions", route: "/data-design/sets/{id}/versions", ctype: form,
			want: designs(http.StatusSeeOther)},
		{method: "GET", path: "/data-design/rules/new", want: pages(200)},
		{method: "POST", path: "/data-design/rules", ctype: form, body: ruleForm("matrix_page_rule_new"), want: designs(http.StatusSeeOther)},
		{method: "GET", path: "/data-design/rules/" + pageID(pageRule.ID), route: "/data-design/rules/{id}", want: pages(200)},
		{method: "POST", path: "/data-design/rules/" + pageID(pageRule.ID), route: "/data-design/rules/{id}", ctype: form, body: ruleForm("matrix_page_rule"),
			want: designs(http.StatusSeeOther)},

		{method: "POST", path: "/api/v1/disaggregations", ctype: js, want: designs(201),
			body: `{"code":"matrix_sex","name":` + text + `,"categories":[{"code":"sex","name":` + text + `,"options":[{"code":"f","name":` + text + `},{"code":"m","name":` + text + `}]}]}`},
		{method: "POST", path: "/api/v1/data-elements", ctype: js, want: designs(201),
			body: `{"code":"matrix_el","name":` + text + `,"value_type":"integer","aggregation":"sum"}`},
		{method: "POST", path: "/api/v1/data-sets", ctype: js, want: designs(201), body: strings.Replace(set, "%s", "matrix_new", 1)},
		{method: "PUT", path: "/api/v1/data-sets/" + toEdit, route: "/api/v1/data-sets/{id}", ctype: js, want: designs(200), body: strings.Replace(set, "%s", "matrix_edit", 1)},
		{method: "POST", path: "/api/v1/data-sets/" + toActivate + "/activate", route: "/api/v1/data-sets/{id}/activate", want: designs(200)},
		{method: "POST", path: "/api/v1/data-sets/" + strconv.FormatInt(active.ID, 10) + "/versions", route: "/api/v1/data-sets/{id}/versions", want: designs(201)},
		{method: "POST", path: "/api/v1/validation-rules", ctype: js, want: designs(201), body: strings.Replace(rule, "%s", "matrix_rule", 1)},
		{method: "PUT", path: "/api/v1/validation-rules/" + strconv.FormatInt(rules[0].ID, 10), route: "/api/v1/validation-rules/{id}", ctype: js,
			want: designs(200), body: strings.Replace(rule, "%s", rules[0].Code, 1)},
	}
}

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
	"github.com/aldyn-kg/aldyn/internal/store"
)

const formType = "application/x-www-form-urlencoded"

// TestDesignFormsReportEveryBadField posts each design form empty or
// wrong: it is shown again (400) with an error on every bad field, linked
// from the summary, and nothing is stored.
func TestDesignFormsReportEveryBadField(t *testing.T) {
	f := mustFixture(t)
	mustDataSets(t, f)
	ctx := context.Background()
	cases := []struct {
		path   string
		body   url.Values
		fields []string
	}{
		{"/data-design/elements", url.Values{"code": {"1bad"}, "value_type": {"colour"}, "aggregation": {"median"}, "disaggregation_id": {"x"}},
			[]string{"code", "name_ky", "name_ru", "name_en", "value_type", "aggregation", "disaggregation_id"}},
		{"/data-design/elements", url.Values{"code": {"memo"}, "name_ky": {"Эскертме"}, "name_ru": {"Примечание"}, "name_en": {"Note"},
			"value_type": {"text"}, "aggregation": {"sum"}, "disaggregation_id": {"999999"}}, []string{"disaggregation_id"}},
		{"/data-design/sets", url.Values{"code": {"Bad code"}, "period_type": {"week"}, "level": {"street"}, "open_days": {"-1"},
			"deadline_days": {"400"}, "close_days": {"x"}, "body_types": {"bank"}},
			[]string{"code", "name_ky", "name_ru", "name_en", "period_type", "level", "open_days", "deadline_days", "close_days", "body_types", "element_ids"}},
		{"/data-design/rules", url.Values{"code": {""}, "expression": {"po_issued +"}, "severity": {"fatal"}},
			[]string{"data_set_code", "code", "expression", "severity", "message_ky", "message_ru", "message_en"}},
		{"/data-design/rules", url.Values{"data_set_code": {"protection_orders"}, "code": {"r_unknown"}, "expression": {"nothing_such <= po_issued"},
			"severity": {"soft"}, "message_ky": {"Ката"}, "message_ru": {"Ошибка"}, "message_en": {"Error"}}, []string{"expression"}},
	}
	before := designCounts(t, f)
	for _, c := range cases {
		resp := f.do(t, adminKG, "POST", c.path, formType, c.body.Encode())
		body := readBody(t, resp)
		if resp.StatusCode != http.StatusBadRequest {
			t.Errorf("%s %v: status %d, want 400", c.path, c.body, resp.StatusCode)
			continue
		}
		for _, name := range c.fields {
			if !strings.Contains(body, `href="#f-`+name+`"`) || !strings.Contains(body, `id="e-`+name+`"`) {
				t.Errorf("%s %v: no error on %s", c.path, c.body, name)
			}
		}
	}
	if after := designCounts(t, f); after != before {
		t.Errorf("refused forms stored something: %v → %v", before, after)
	}
	_ = ctx
}

func designCounts(t *testing.T, f *fixture) [3]int {
	t.Helper()
	ctx := context.Background()
	_, e, err1 := f.db.FindDataElements(ctx, aldyn.DataElementFilter{Page: aldyn.Page{Limit: 1}})
	_, s, err2 := f.db.FindDataSets(ctx, aldyn.DataSetFilter{Page: aldyn.Page{Limit: 1}})
	_, r, err3 := f.db.FindValidationRules(ctx, aldyn.ValidationRuleFilter{Page: aldyn.Page{Limit: 1}})
	if err1 != nil || err2 != nil || err3 != nil {
		t.Fatal(err1, err2, err3)
	}
	return [3]int{e, s, r}
}

// TestDesignDataSetVersions designs a data set through the pages: an
// element, a draft set, a rule; the draft changes, is put into use, and
// then refuses changes (409, nothing changed) until a new version is made,
// changed and put into use; a form entered with the first version keeps
// it and its values.
func TestDesignDataSetVersions(t *testing.T) {
	f := mustFixture(t)
	d := mustDataSets(t, f)
	ctx := context.Background()
	post := func(path string, v url.Values, want int) string {
		t.Helper()
		resp := f.do(t, adminKG, "POST", path, formType, v.Encode())
		body := readBody(t, resp)
		if resp.StatusCode != want {
			t.Fatalf("POST %s: status %d, want %d; %.1500s", path, resp.StatusCode, want, body)
		}
		return resp.Header.Get("Location")
	}
	elPath := post("/data-design/elements", url.Values{"code": {"campaigns_held"}, "name_ky": {"Өткөрүлгөн кампаниялар"}, "name_ru": {"Проведённые кампании"},
		"name_en": {"Campaigns held"}, "value_type": {"integer"}, "aggregation": {"sum"}, "disaggregation_id": {"0"}}, http.StatusSeeOther)
	elID := strings.TrimPrefix(elPath, "/data-design/elements/")
	set := url.Values{"code": {"campaigns_test"}, "name_ky": {"Кампаниялар"}, "name_ru": {"Кампании"}, "name_en": {"Campaigns"}, "period_type": {"year"},
		"level": {"district"}, "body_types": {"police", "local_government"}, "deadline_days": {"20"}, "open_days": {"0"}, "close_days": {"0"}, "element_ids": {elID}}
	setPath := post("/data-design/sets", set, http.StatusSeeOther)
	id, _ := strconv.ParseInt(strings.TrimPrefix(setPath, "/data-design/sets/"), 10, 64)
	set.Set("deadline_days", "25")
	post(setPath, set, http.StatusSeeOther)
	ds, err := f.db.FindDataSetByID(ctx, id)
	if err != nil || ds.DeadlineDays != 25 || ds.Status != aldyn.DataSetDraft || len(ds.BodyTypes) != 2 {
		t.Fatalf("draft after edit: %+v %v", ds, err)
	}
	post("/data-design/rules", url.Values{"data_set_code": {"campaigns_test"}, "code": {"held_nonneg"}, "expression": {"campaigns_held >= 0"},
		"severity": {"hard"}, "message_ky": {"Терс сан болбойт."}, "message_ru": {"Число не может быть отрицательным."}, "message_en": {"Cannot be negative."}}, http.StatusSeeOther)
	post(setPath+"/activate", nil, http.StatusSeeOther)

	// In use: the page offers a new version instead of saving, and a post
	// is refused without a change.
	page := readBody(t, f.do(t, adminKG, "GET", setPath, "", ""))
	if !strings.Contains(page, `id="new-version"`) || strings.Contains(page, `id="design-save"`) {
		t.Errorf("the page of a version in use offers saving: %.2000s", page)
	}
	set.Set("deadline_days", "5")
	post(setPath, set, http.StatusConflict)
	if ds, _ := f.db.FindDataSetByID(ctx, id); ds.DeadlineDays != 25 || ds.Status != aldyn.DataSetActive {
		t.Errorf("a version in use changed: %+v", ds)
	}

	// The shipped protection orders: a form entered with version 1, then
	// version 2 drops an element; the old form keeps version 1 and values.
	form := d.submit(t, f, d.periods[0], "5")
	active, err := f.db.FindActiveDataSet(ctx, "protection_orders")
	if err != nil {
		t.Fatal(err)
	}
	v2Path := post("/data-design/sets/"+strconv.FormatInt(active.ID, 10)+"/versions", nil, http.StatusSeeOther)
	v2 := readBody(t, f.do(t, adminKG, "GET", v2Path, "", ""))
	if !strings.Contains(v2, `id="design-save"`) || !strings.Contains(v2, `value="protection_orders"`) {
		t.Fatalf("new version page: %.2000s", v2)
	}
	edit := url.Values{"code": {"protection_orders"}, "name_ky": {active.Name.KY}, "name_ru": {active.Name.RU}, "name_en": {active.Name.EN},
		"period_type": {active.PeriodType}, "level": {active.Level}, "body_types": active.BodyTypes, "deadline_days": {"30"},
		"open_days": {"0"}, "close_days": {"0"}, "sensitive": {"1"}}
	for _, e := range active.Elements {
		if e.Code != "cp_completed" {
			edit.Add("element_ids", strconv.FormatInt(e.ID, 10))
		}
	}
	post(v2Path, edit, http.StatusSeeOther)
	post(v2Path+"/activate", nil, http.StatusSeeOther)
	now, err := f.db.FindActiveDataSet(ctx, "protection_orders")
	if err != nil || now.Version != active.Version+1 || now.DeadlineDays != 30 || len(now.Elements) != len(active.Elements)-1 {
		t.Fatalf("version 2: %+v %v", now, err)
	}
	if old, _ := f.db.FindDataSetByID(ctx, active.ID); old.Status != aldyn.DataSetRetired {
		t.Errorf("version 1 is %s, want retired", old.Status)
	}
	var got struct {
		Version int `json:"data_set_version"`
		Values  []struct {
			Element string   `json:"element"`
			Value   *float64 `json:"value"`
		} `json:"values"`
	}
	resp := f.do(t, adminKG, "GET", "/api/v1"+formPath(f.bodyA, form.Period), "", "")
	if body := readBody(t, resp); resp.StatusCode != 200 || json.Unmarshal([]byte(body), &got) != nil {
		t.Fatalf("old form: %d %s", resp.StatusCode, body)
	}
	if got.Version != active.Version || len(got.Values) == 0 {
		t.Errorf("the old form reads version %d with %d values, want version %d with its values", got.Version, len(got.Values), active.Version)
	}
}

// TestDesignPagesOnlyNational: the design pages are the national
// administrators'; others are refused.
func TestDesignPagesShowDesign(t *testing.T) {
	f := mustFixture(t)
	mustDataSets(t, f)
	page := readBody(t, f.do(t, adminKG, "GET", "/data-design", "", ""))
	for _, want := range []string{"protection_orders", "po_issued", `id="new-element"`, `aria-labelledby="design-sets"`} {
		if !strings.Contains(page, want) {
			t.Errorf("design page lacks %s", want)
		}
	}
	if resp := f.do(t, adminA, "GET", "/data-design", "", ""); resp.StatusCode != http.StatusForbidden {
		t.Errorf("district administrator: %d", resp.StatusCode)
	}
}

// TestDataFormReminders runs the reminders on a fixed clock: three days
// before the protection orders deadline both district police bodies are
// reminded that their form is due, once however often it runs; body A
// then submits, and after the deadline only body B is reminded that its
// form is late, once.
func TestDataFormReminders(t *testing.T) {
	f := mustFixture(t)
	d := mustDataSets(t, f)
	ctx := context.Background()
	// 2026Q3 ends on 30 September; its deadline is 15 October.
	at := func(day string) {
		now, _ := time.Parse(time.DateOnly, day)
		f.db.Now = func() time.Time { return now.Add(10 * time.Hour) }
	}
	// remind runs the reminders twice: the second run sends nothing.
	remind := func() {
		t.Helper()
		if _, err := f.web.RemindDataForms(ctx); err != nil {
			t.Fatal(err)
		}
		if n, err := f.web.RemindDataForms(ctx); err != nil || n != 0 {
			t.Fatalf("the same reminders ran again: %d sent, %v", n, err)
		}
	}
	kinds := func(b *aldyn.Body) map[string]int {
		ns, _, err := f.db.FindNotifications(ctx, store.NotificationFilter{BodyID: b.ID, Page: aldyn.Page{Limit: 100}})
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]int{}
		for _, n := range ns {
			if n.Link == formPath(b, "2026Q3") {
				out[n.Kind]++
			}
		}
		return out
	}
	at("2026-10-11")
	remind() // four days before: nothing for 2026Q3 yet
	for _, b := range []*aldyn.Body{f.bodyA, f.bodyB} {
		if got := kinds(b); len(got) != 0 {
			t.Errorf("body %d four days before the deadline: %v", b.ID, got)
		}
	}
	at("2026-10-12")
	remind()
	at("2026-10-14")
	remind()
	for _, b := range []*aldyn.Body{f.bodyA, f.bodyB} {
		if got := kinds(b); got["data_form_due"] != 1 || got["data_form_overdue"] != 0 {
			t.Errorf("body %d before the deadline: %v", b.ID, got)
		}
	}
	d.submit(t, f, "2026Q3", "4")
	at("2026-10-16")
	remind()
	if got := kinds(f.bodyA); got["data_form_overdue"] != 0 {
		t.Errorf("body A submitted on time and was reminded it is late: %v", got)
	}
	if got := kinds(f.bodyB); got["data_form_overdue"] != 1 {
		t.Errorf("body B after the deadline: %v", got)
	}
	// The reminder reads in the body's language among its notifications, linked from the task list.
	page := readBody(t, f.do(t, reporterA, "GET", "/notifications", "", ""))
	if !strings.Contains(page, "2026 Q3") || !strings.Contains(page, "2026-10-15") {
		t.Errorf("the due reminder is not among body A's notifications: %.3000s", page)
	}
}

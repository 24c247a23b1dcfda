package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/aldyn-kg/aldyn"
)

// breakdownValues is a valid breakdown form: sex (women, men) × age group
// (under 18, 18 and over).
func breakdownValues(code string) url.Values {
	v := url.Values{"code": {code}, "name_ky": {"Жынысы жана жашы"}, "name_ru": {"Пол и возраст"}, "name_en": {"Sex and age"}}
	cats := []struct {
		code, ky, ru, en string
		options          [][4]string
	}{
		{"bd_sex", "Жынысы", "Пол", "Sex", [][4]string{{"bd_f", "Аял", "Женщины", "Women"}, {"bd_m", "Эркек", "Мужчины", "Men"}}},
		{"bd_age", "Жашы", "Возраст", "Age", [][4]string{{"bd_0_17", "0–17", "0–17", "0–17"}, {"bd_18", "18 жана андан улуу", "18 и старше", "18 and over"}}},
	}
	for i, c := range cats {
		p := "categories." + strconv.Itoa(i) + "."
		v.Set(p+"code", c.code)
		v.Set(p+"name_ky", c.ky)
		v.Set(p+"name_ru", c.ru)
		v.Set(p+"name_en", c.en)
		for j, o := range c.options {
			setOption(v, i, j, o)
		}
	}
	return v
}

func setOption(v url.Values, i, j int, o [4]string) {
	p := "categories." + strconv.Itoa(i) + ".options." + strconv.Itoa(j) + "."
	v.Set(p+"code", o[0])
	v.Set(p+"name_ky", o[1])
	v.Set(p+"name_ru", o[2])
	v.Set(p+"name_en", o[3])
}

// TestBreakdownFormReportsEveryRule breaks each rule of a breakdown in
// its form: the form comes back (400) with the error at the field that
// breaks it, linked from the summary, and nothing is stored. A form
// breaking many rules at once reports each.
func TestBreakdownFormReportsEveryRule(t *testing.T) {
	f := mustFixture(t)
	mustDataSets(t, f)
	ctx := context.Background()
	with := func(change func(v url.Values)) url.Values {
		v := breakdownValues("bd_test")
		change(v)
		return v
	}
	cases := []struct {
		name   string
		body   url.Values
		fields []string
	}{
		{"bad code", with(func(v url.Values) { v.Set("code", "1 Bad") }), []string{"code"}},
		{"code taken", with(func(v url.Values) { v.Set("code", "sex_age") }), []string{"code"}},
		{"name missing", with(func(v url.Values) { v.Del("name_ky"); v.Set("name_en", " ") }), []string{"name_ky", "name_en"}},
		{"no category", url.Values{"code": {"bd_test"}, "name_ky": {"а"}, "name_ru": {"б"}, "name_en": {"в"}}, []string{"categories"}},
		{"four categories", with(func(v url.Values) {
			for i := 2; i < 4; i++ {
				c := "categories." + strconv.Itoa(i) + "."
				v.Set(c+"code", "extra"+strconv.Itoa(i))
				v.Set(c+"name_ky", "а")
				v.Set(c+"name_ru", "б")
				v.Set(c+"name_en", "в")
				setOption(v, i, 0, [4]string{"x" + strconv.Itoa(i), "а", "б", "в"})
				setOption(v, i, 1, [4]string{"y" + strconv.Itoa(i), "а", "б", "в"})
			}
		}), []string{"categories"}},
		{"bad category code", with(func(v url.Values) { v.Set("categories.0.code", "Sex!") }), []string{"categories.0.code"}},
		{"category code twice", with(func(v url.Values) { v.Set("categories.1.code", "bd_sex") }), []string{"categories.1.code"}},
		{"category name missing", with(func(v url.Values) { v.Set("categories.0.name_ru", "") }), []string{"categories.0.name_ru"}},
		{"one option", with(func(v url.Values) {
			for _, c := range []string{"code", "name_ky", "name_ru", "name_en"} {
				v.Del("categories.1.options.1." + c)
			}
		}), []string{"categories.1.options"}},
		{"31 options", with(func(v url.Values) {
			for j := range 31 {
				setOption(v, 0, j, [4]string{"o" + strconv.Itoa(j), "а", "б", "в"})
			}
		}), []string{"categories.0.options"}},
		{"bad option code", with(func(v url.Values) { v.Set("categories.0.options.1.code", "Men") }), []string{"categories.0.options.1.code"}},
		{"option code in two categories", with(func(v url.Values) { v.Set("categories.1.options.0.code", "bd_f") }), []string{"categories.1.options.0.code"}},
		{"option name missing", with(func(v url.Values) { v.Set("categories.1.options.1.name_en", "") }), []string{"categories.1.options.1.name_en"}},
		{"over 200 cells", with(func(v url.Values) {
			// 15 × 15 = 225 combinations.
			for i := range 2 {
				for j := range 15 {
					setOption(v, i, j, [4]string{"c" + strconv.Itoa(i) + "_" + strconv.Itoa(j), "а", "б", "в"})
				}
			}
		}), []string{"categories"}},
		{"everything at once", url.Values{"code": {"Bad"}, "categories.0.code": {"1"}, "categories.0.options.0.code": {"Ы"}, "categories.0.options.0.name_ky": {"а"}},
			[]string{"code", "name_ky", "name_ru", "name_en", "categories.0.code", "categories.0.name_ky", "categories.0.name_ru", "categories.0.name_en",
				"categories.0.options", "categories.0.options.0.code", "categories.0.options.0.name_ru", "categories.0.options.0.name_en"}},
	}
	count := func() int {
		ds, err := f.db.FindDisaggregations(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return len(ds)
	}
	before := count()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			resp := f.do(t, adminKG, "POST", "/data-design/breakdowns", formType, c.body.Encode())
			body := readBody(t, resp)
			if resp.StatusCode != http.StatusBadRequest {
				t.Fatalf("status %d, want 400", resp.StatusCode)
			}
			for _, name := range c.fields {
				if !strings.Contains(body, `href="#f-`+name+`"`) || !strings.Contains(body, `id="e-`+name+`"`) || !strings.Contains(body, `id="f-`+name+`"`) {
					t.Errorf("no error on %s", name)
				}
			}
			if n := strings.Count(body, `data-field="`); n != len(c.fields) {
				t.Errorf("%d errors in the summary, want %d", n, len(c.fields))
			}
		})
	}
	if after := count(); after != before {
		t.Errorf("refused forms stored %d breakdowns", after-before)
	}
}

// TestBreakdownPages makes a breakdown by its page (blank rows left out),
// changes it while no data set uses it, lists it; a shipped breakdown
// used by a data set in use is read-only: its page offers a new breakdown
// made from it instead of saving, and a post or a PUT is refused (409)
// without a change.
func TestBreakdownPages(t *testing.T) {
	f := mustFixture(t)
	mustDataSets(t, f)
	ctx := context.Background()
	v := breakdownValues("bd_pages")
	// A blank row between the options and a blank third category.
	setOption(v, 0, 3, [4]string{"bd_x", "Башка", "Другое", "Other"})
	v.Set("categories.2.code", " ")
	resp := f.do(t, adminKG, "POST", "/data-design/breakdowns", formType, v.Encode())
	if body := readBody(t, resp); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("create: %d %.2000s", resp.StatusCode, body)
	}
	path := resp.Header.Get("Location")
	id, err := strconv.ParseInt(strings.TrimPrefix(path, "/data-design/breakdowns/"), 10, 64)
	if err != nil {
		t.Fatalf("location %q", path)
	}
	d, err := f.db.FindDisaggregationByID(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range d.Combos() {
		got = append(got, c.Key)
	}
	if want := "bd_f,bd_0_17 bd_f,bd_18 bd_m,bd_0_17 bd_m,bd_18 bd_x,bd_0_17 bd_x,bd_18"; strings.Join(got, " ") != want || d.Categories[0].Options[2].Name.RU != "Другое" {
		t.Errorf("stored cells %v, want %s", got, want)
	}
	page := readBody(t, f.do(t, adminKG, "GET", path, "", ""))
	if !strings.Contains(page, `value="Другое"`) || !strings.Contains(page, `id="design-save"`) || strings.Contains(page, `id="in-use"`) {
		t.Errorf("edit page: %.3000s", page)
	}
	v.Set("name_en", "Sex and age group")
	if resp := f.do(t, adminKG, "POST", path, formType, v.Encode()); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("edit: %d", resp.StatusCode)
	}
	if d, _ := f.db.FindDisaggregationByID(ctx, id); d.Name.EN != "Sex and age group" {
		t.Errorf("edited name %q", d.Name.EN)
	}
	// An element with it in a draft data set: still free to change. Once
	// the data set is in use, it is not.
	admin := &aldyn.Actor{UserID: f.users[adminKG].ID, Role: aldyn.RoleAdministrator, TerritoryPath: "/41700000000000/"}
	el := &aldyn.DataElement{Code: "bd_pages_el", Name: aldyn.Text{KY: "а", RU: "б", EN: "в"}, ValueType: aldyn.ValueInteger,
		Aggregation: aldyn.AggregateSum, DisaggregationID: id}
	if err := f.db.CreateDataElement(ctx, admin, el); err != nil {
		t.Fatal(err)
	}
	ds := &aldyn.DataSet{Code: "bd_pages_set", Name: aldyn.Text{KY: "а", RU: "б", EN: "в"}, PeriodType: aldyn.PeriodYear, BodyTypes: []string{"police"},
		Level: aldyn.LevelDistrict, ElementIDs: []int64{el.ID}}
	if err := f.db.CreateDataSet(ctx, admin, ds); err != nil {
		t.Fatal(err)
	}
	v.Set("name_ru", "Пол и возрастная группа")
	if resp := f.do(t, adminKG, "POST", path, formType, v.Encode()); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("edit with a draft data set: %d", resp.StatusCode)
	}
	if _, err := f.db.ActivateDataSet(ctx, admin, ds.ID); err != nil {
		t.Fatal(err)
	}
	v.Set("name_ru", "Пол")
	if resp := f.do(t, adminKG, "POST", path, formType, v.Encode()); resp.StatusCode != http.StatusConflict {
		t.Errorf("edit with the data set in use: %d, want 409", resp.StatusCode)
	}
	if d, _ := f.db.FindDisaggregationByID(ctx, id); d.Name.RU != "Пол и возрастная группа" {
		t.Errorf("a breakdown in use changed: name %q", d.Name.RU)
	}
	list := readBody(t, f.do(t, adminKG, "GET", "/data-design", "", ""))
	if !strings.Contains(list, `data-breakdown="bd_pages"`) || !strings.Contains(list, `href="`+path+`"`) || !strings.Contains(list, `aria-labelledby="design-breakdowns"`) {
		t.Errorf("the design page does not list the breakdown")
	}

	// The protection orders data set is in use: its breakdown is read-only.
	active, err := f.db.FindActiveDataSet(ctx, "protection_orders")
	if err != nil {
		t.Fatal(err)
	}
	var used int64
	for _, e := range active.Elements {
		if e.DisaggregationID != 0 {
			used = e.DisaggregationID
		}
	}
	if used == 0 {
		t.Fatal("protection orders without a breakdown")
	}
	before, err := f.db.FindDisaggregationByID(ctx, used)
	if err != nil {
		t.Fatal(err)
	}
	usedPath := "/data-design/breakdowns/" + strconv.FormatInt(used, 10)
	page = readBody(t, f.do(t, adminKG, "GET", usedPath, "", ""))
	if !strings.Contains(page, `id="in-use"`) || strings.Contains(page, `id="design-save"`) || !strings.Contains(page, `href="/data-design/breakdowns/new?from=`+strconv.FormatInt(used, 10)+`"`) {
		t.Errorf("the page of a breakdown in use offers saving: %.3000s", page)
	}
	edit := breakdownValues(before.Code)
	if resp := f.do(t, adminKG, "POST", usedPath, formType, edit.Encode()); resp.StatusCode != http.StatusConflict {
		t.Errorf("post to a breakdown in use: %d, want 409", resp.StatusCode)
	}
	js := `{"code":"` + before.Code + `","name":{"ky":"а","ru":"б","en":"в"},"categories":[{"code":"s","name":{"ky":"а","ru":"б","en":"в"},` +
		`"options":[{"code":"a","name":{"ky":"а","ru":"б","en":"в"}},{"code":"b","name":{"ky":"а","ru":"б","en":"в"}}]}]}`
	if resp := f.do(t, adminKG, "PUT", "/api/v1/disaggregations/"+strconv.FormatInt(used, 10), "application/json", js); resp.StatusCode != http.StatusConflict {
		t.Errorf("PUT to a breakdown in use: %d, want 409", resp.StatusCode)
	}
	if after, _ := f.db.FindDisaggregationByID(ctx, used); after.Name != before.Name || len(after.Combos()) != len(before.Combos()) {
		t.Errorf("a breakdown in use changed: %+v → %+v", before, after)
	}
	// A new breakdown made from it starts as its copy without a code.
	page = readBody(t, f.do(t, adminKG, "GET", "/data-design/breakdowns/new?from="+strconv.FormatInt(used, 10), "", ""))
	opt := before.Categories[0].Options[0]
	if !strings.Contains(page, `value="`+opt.Code+`"`) || !strings.Contains(page, `id="f-code" name="code" type="text" value=""`) {
		t.Errorf("the copy page: %.3000s", page)
	}
}

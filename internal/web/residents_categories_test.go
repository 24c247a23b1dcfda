package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/aldyn-kg/aldyn"
)

func init() {
	moduleCases = append(moduleCases, func(tb testing.TB, f *fixture) []matrixCase {
		const see, unauth, forbid = http.StatusSeeOther, http.StatusUnauthorized, http.StatusForbidden
		const form = "application/x-www-form-urlencoded"
		cat := mustResidentCategory(tb, f, "other")
		id := mtID(cat.ID)
		// Everyone but the national administrator is turned away; the
		// district administrator too (the categories are national).
		national := func(anonStatus, ok int) expect { return adminOnly(anonStatus, forbid, ok) }
		valid := url.Values{"name_ky": {"Башка"}, "name_ru": {"Другое"}, "name_en": {"Other"}, "body_types": {"police", "local_government"},
			"deadline_days": {"15"}, "public": {"1"}, "active": {"1"}, "position": {"90"}}
		return []matrixCase{
			{method: "GET", path: "/resident-categories", want: national(see, 200)},
			{method: "GET", path: "/resident-categories/new", want: national(see, 200)},
			{method: "GET", path: "/resident-categories/" + id, route: "/resident-categories/{id}", want: national(see, 200)},
			// A blank form: the national administrator is shown its errors.
			{method: "POST", path: "/resident-categories", ctype: form, body: "code=", want: national(unauth, http.StatusBadRequest)},
			{method: "POST", path: "/resident-categories/" + id, route: "/resident-categories/{id}", ctype: form, body: valid.Encode(), want: national(unauth, see)},
		}
	})
}

// TestResidentCategoriesAdmin: a national administrator adds a category
// on the page and edits it; every rule of the form is broken once and
// named next to its field; the code stays; a sensitive category routes
// to no one; every change is audited; a district administrator may not.
func TestResidentCategoriesAdmin(t *testing.T) {
	f := mustFixture(t)
	ctx := context.Background()
	const form = "application/x-www-form-urlencoded"
	good := func() url.Values {
		return url.Values{"code": {"noise_at_night"}, "name_ky": {"Түнкү ызы-чуу"}, "name_ru": {"Шум ночью"}, "name_en": {"Noise at night"},
			"description_ru": {"Громкая музыка после 23:00"}, "body_types": {"local_government", "police"},
			"deadline_days": {"12"}, "public": {"1"}, "active": {"1"}, "position": {"95"}}
	}
	cases := []struct {
		name, field string
		change      func(url.Values)
	}{
		{"no code", "code", func(v url.Values) { v.Set("code", "") }},
		{"code with capitals and spaces", "code", func(v url.Values) { v.Set("code", "Noise At Night") }},
		{"no Kyrgyz name", "name_ky", func(v url.Values) { v.Set("name_ky", " ") }},
		{"no Russian name", "name_ru", func(v url.Values) { v.Del("name_ru") }},
		{"no body type", "body_types", func(v url.Values) { v.Del("body_types") }},
		{"a coordination body handles no reports", "body_types", func(v url.Values) { v["body_types"] = []string{"coordination_commission"} }},
		{"an unknown body type", "body_types", func(v url.Values) { v["body_types"] = []string{"ministry_of_magic"} }},
		{"deadline zero", "deadline_days", func(v url.Values) { v.Set("deadline_days", "0") }},
		{"deadline over 60", "deadline_days", func(v url.Values) { v.Set("deadline_days", "61") }},
		{"deadline not a number", "deadline_days", func(v url.Values) { v.Set("deadline_days", "ten") }},
		{"position not a number", "position", func(v url.Values) { v.Set("position", "1.5") }},
		{"a code already taken", "", func(v url.Values) { v.Set("code", "other") }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			v := good()
			c.change(v)
			resp := f.do(t, adminKG, "POST", "/resident-categories", form, v.Encode())
			body := readBody(t, resp)
			if c.field == "" {
				if resp.StatusCode != http.StatusBadRequest && resp.StatusCode != http.StatusConflict {
					t.Fatalf("status %d, want refused", resp.StatusCode)
				}
				return
			}
			if resp.StatusCode != http.StatusBadRequest {
				t.Fatalf("status %d, want 400", resp.StatusCode)
			}
			if !strings.Contains(body, `id="e-`+c.field+`"`) {
				t.Errorf("no error shown at %s", c.field)
			}
		})
	}
	cats, err := f.db.FindResidentCategories(ctx, false)
	if err != nil {
		t.Fatal(err)
	}
	before := len(cats)

	resp := f.do(t, adminA, "POST", "/resident-categories", form, good().Encode())
	if resp.StatusCode != http.StatusForbidden {
		t.Fatalf("district administrator: status %d, want 403", resp.StatusCode)
	}
	resp = f.do(t, adminKG, "POST", "/resident-categories", form, good().Encode())
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("create: status %d %s", resp.StatusCode, readBody(t, resp))
	}
	c, err := f.db.FindResidentCategoryByCode(ctx, "noise_at_night")
	if err != nil {
		t.Fatal(err)
	}
	if cats, _ = f.db.FindResidentCategories(ctx, false); len(cats) != before+1 {
		t.Fatalf("%d categories, want %d", len(cats), before+1)
	}
	if c.Name.KY != "Түнкү ызы-чуу" || c.Description.RU != "Громкая музыка после 23:00" || c.DeadlineDays != 12 || !c.Public || c.Sensitive || !c.Active ||
		!slices.Equal(c.BodyTypes, []string{"local_government", "police"}) {
		t.Fatalf("created %+v", c)
	}
	page := readBody(t, f.do(t, adminKG, "GET", "/resident-categories", "", ""))
	if !strings.Contains(page, "Түнкү ызы-чуу") || !strings.Contains(page, "noise_at_night") {
		t.Error("the list does not show the new category")
	}

	// Edit: the code posted is ignored; the type order of preference stays.
	v := good()
	v.Set("code", "renamed")
	v.Set("name_ru", "Шум по ночам")
	v.Set("deadline_days", "20")
	v.Del("public")
	resp = f.do(t, adminKG, "POST", "/resident-categories/"+mtID(c.ID), form, v.Encode())
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("update: status %d %s", resp.StatusCode, readBody(t, resp))
	}
	got, err := f.db.FindResidentCategoryByID(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Code != "noise_at_night" || got.Name.RU != "Шум по ночам" || got.DeadlineDays != 20 || got.Public {
		t.Fatalf("updated %+v", got)
	}
	// A sensitive category takes no reports: no body types, no deadline.
	v.Set("sensitive", "1")
	resp = f.do(t, adminKG, "POST", "/resident-categories/"+mtID(c.ID), form, v.Encode())
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("sensitive: status %d %s", resp.StatusCode, readBody(t, resp))
	}
	if got, _ = f.db.FindResidentCategoryByID(ctx, c.ID); !got.Sensitive || len(got.BodyTypes) != 0 || got.DeadlineDays != 0 {
		t.Fatalf("sensitive %+v", got)
	}
	// The report form now sends residents to help for it.
	formPage := readBody(t, f.do(t, anon, "GET", "/report?category=noise_at_night", "", ""))
	if !strings.Contains(formPage, "Түнкү ызы-чуу") {
		t.Error("the sensitive category is not offered help on the report form")
	}

	entity := "resident_category"
	entries, _, err := f.db.FindAuditEntries(ctx, aldyn.AuditFilter{Entity: &entity, Page: aldyn.Page{Limit: 100}})
	if err != nil {
		t.Fatal(err)
	}
	var creates, updates int
	for _, e := range entries {
		if e.EntityID != mtID(c.ID) {
			continue
		}
		switch e.Action {
		case aldyn.AuditCreate:
			creates++
		case aldyn.AuditUpdate:
			updates++
			if len(e.Before) == 0 || len(e.After) == 0 {
				t.Error("an update audited without before and after")
			}
		}
	}
	if creates != 1 || updates != 2 {
		t.Errorf("audited %d creations and %d updates, want 1 and 2", creates, updates)
	}
}

// TestResidentCategoriesAPI: the API reads the same form as JSON; an
// unknown field, a wrong type and a broken rule are refused.
func TestResidentCategoriesAPI(t *testing.T) {
	f := mustFixture(t)
	const js = "application/json"
	body := `{"code":"graffiti","name":{"ky":"Дубалдагы жазуулар","ru":"Граффити","en":"Graffiti"},"body_types":["local_government"],"deadline_days":15,"public":true,"active":true,"position":99}`
	resp := f.do(t, adminKG, "POST", "/api/v1/resident-categories", js, body)
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("status %d %s", resp.StatusCode, readBody(t, resp))
	}
	var c aldyn.ResidentCategory
	if err := json.Unmarshal([]byte(readBody(t, resp)), &c); err != nil {
		t.Fatal(err)
	}
	if c.ID == 0 || c.Code != "graffiti" || c.Name.RU != "Граффити" || !slices.Equal(c.BodyTypes, []string{"local_government"}) {
		t.Fatalf("created %+v", c)
	}
	for name, bad := range map[string]string{
		"unknown field":  `{"code":"x1","colour":"red"}`,
		"wrong type":     `{"code":"x2","deadline_days":"ten"}`,
		"rule broken":    `{"code":"x3","name":{"ky":"a","ru":"b","en":"c"},"body_types":["police"],"deadline_days":90}`,
		"no body types":  `{"code":"x4","name":{"ky":"a","ru":"b","en":"c"},"deadline_days":5}`,
		"malformed json": `{"code":`,
	} {
		t.Run(name, func(t *testing.T) {
			resp := f.do(t, adminKG, "POST", "/api/v1/resident-categories", js, bad)
			if resp.StatusCode != http.StatusBadRequest {
				t.Errorf("status %d, want 400: %s", resp.StatusCode, readBody(t, resp))
			}
		})
	}
	resp = f.do(t, adminKG, "PUT", "/api/v1/resident-categories/"+mtID(c.ID), js,
		`{"code":"other_code","name":{"ky":"Жазуулар","ru":"Надписи","en":"Graffiti"},"body_types":["local_government"],"deadline_days":7,"public":false,"active":true}`)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("PUT status %d %s", resp.StatusCode, readBody(t, resp))
	}
	got, err := f.db.FindResidentCategoryByID(context.Background(), c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Code != "graffiti" || got.DeadlineDays != 7 || got.Public || got.Name.RU != "Надписи" {
		t.Fatalf("after PUT %+v", got)
	}
	if resp := f.do(t, "analystB", "PUT", "/api/v1/resident-categories/"+mtID(c.ID), js, `{}`); resp.StatusCode != http.StatusForbidden {
		t.Errorf("analyst PUT: status %d, want 403", resp.StatusCode)
	}
}

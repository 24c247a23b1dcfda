package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/aldyn-kg/aldyn"
)

// mustVictimServiceIn creates an active service in the territory with the
// given code.
func mustVictimServiceIn(tb testing.TB, f *fixture, code, kind, name string, active bool) *aldyn.VictimService {
	tb.Helper()
	v := &aldyn.VictimService{TerritoryCode: code, Kind: kind, Name: aldyn.Text{KY: name + " (ky)", RU: name + " (ru)", EN: name},
		Phones: []string{"+996 312 000 401"}, Serves: []string{"women", "children"}, Hours: "24/7", Free: true, Active: active}
	if err := f.db.CreateVictimService(context.Background(), aldyn.System, v); err != nil {
		tb.Fatal(err)
	}
	return v
}

// victimServiceForm is a valid form posting of a service in territory code.
func victimServiceForm(code, name string) string {
	return url.Values{"name_ky": {name + " ky"}, "name_ru": {name + " ru"}, "name_en": {name}, "kind": {"shelter"},
		"territory_code": {code}, "phones": {"+996 312 000 402"}, "serves": {"women"}, "active": {"1"}}.Encode()
}

// uploadFile is a multipart body with the file under "file".
func uploadFile(tb testing.TB, filename string, content []byte) (string, string) {
	tb.Helper()
	return mustMultipart(tb, nil, formFile{"file", filename, content})
}

func init() {
	moduleCases = append(moduleCases, func(tb testing.TB, f *fixture) []matrixCase {
		const see, unauth, forbid, notFound, bad = http.StatusSeeOther, http.StatusUnauthorized, http.StatusForbidden, http.StatusNotFound, http.StatusBadRequest
		const form, js = "application/x-www-form-urlencoded", "application/json"
		svcA := mustVictimServiceIn(tb, f, codeA, "shelter", "Matrix shelter A", true)
		retiredA := mustVictimServiceIn(tb, f, codeA, "hotline", "Matrix retired A", false)
		svcB := mustVictimServiceIn(tb, f, codeB, "legal_aid", "Matrix legal aid B", true)
		delB := mustVictimServiceIn(tb, f, codeB, "legal_aid", "Matrix to delete B", true)
		delB2 := mustVictimServiceIn(tb, f, codeB, "legal_aid", "Matrix to delete B by API", true)
		a, retired, b := mtID(svcA.ID), mtID(retiredA.ID), mtID(svcB.ID)
		// Editors of A: its coordinator, its administrator and the
		// national one; of B: the national administrator only.
		editA := func(anonStatus, ok int) expect {
			return expect{def: forbid, byRole: map[string]int{anon: anonStatus, coordinator: ok, adminA: ok, adminKG: ok}}
		}
		editB := func(anonStatus, ok int) expect {
			return expect{def: forbid, byRole: map[string]int{anon: anonStatus, adminKG: ok}}
		}
		upType, upBody := uploadFile(tb, "services.csv", []byte("name_ky,name_ru,name_en,kind,territory_code,phones,serves\n"+
			"Матрица,Матрица,Matrix import,hotline,"+codeA+",+996 312 000 403,everyone\n"))
		jsonA := `{"name":{"ky":"Жаңы","ru":"Новая","en":"New"},"kind":"hotline","territory_code":"` + codeA + `","phones":["+996 312 000 404"],"serves":["everyone"]}`
		return []matrixCase{
			{method: "GET", path: "/victim-services", want: all(200)},
			{method: "GET", path: "/victim-services?territory=" + codeA + "&kind=shelter", route: "/victim-services", want: all(200)},
			{method: "GET", path: "/victim-services?kind=spa", route: "/victim-services", want: all(bad)},
			{method: "GET", path: "/victim-services?territory=nowhere", route: "/victim-services", want: all(bad)},
			{method: "GET", path: "/victim-services?format=xlsx", route: "/victim-services", want: all(200)},
			{method: "GET", path: "/victim-services/new", want: editA(see, 200)},
			{method: "POST", path: "/victim-services", ctype: form, body: victimServiceForm(codeA, "Matrix new A"), want: editA(unauth, see)},
			{method: "POST", path: "/victim-services", ctype: form, body: victimServiceForm(codeB, "Matrix new B"), want: editB(unauth, see)},
			{method: "GET", path: "/victim-services/import", want: editA(see, 200)},
			{method: "POST", path: "/victim-services/import", ctype: upType, body: upBody, want: editA(unauth, 200)},
			{method: "GET", path: "/victim-services/" + a, route: "/victim-services/{id}", want: all(200)},
			// A service not operating: those who may manage it only.
			{method: "GET", path: "/victim-services/" + retired, route: "/victim-services/{id}", want: expect{def: notFound,
				byRole: map[string]int{coordinator: 200, adminA: 200, adminKG: 200}}},
			{method: "GET", path: "/victim-services/999999", route: "/victim-services/{id}", want: all(notFound)},
			{method: "GET", path: "/victim-services/" + a + "/edit", route: "/victim-services/{id}/edit", want: editA(see, 200)},
			{method: "GET", path: "/victim-services/" + b + "/edit", route: "/victim-services/{id}/edit", want: editB(see, 200)},
			{method: "POST", path: "/victim-services/" + a, route: "/victim-services/{id}", ctype: form, body: victimServiceForm(codeA, "Matrix shelter A"), want: editA(unauth, see)},
			{method: "POST", path: "/victim-services/" + b, route: "/victim-services/{id}", ctype: form, body: victimServiceForm(codeB, "Matrix legal aid B"), want: editB(unauth, see)},
			// A form with a field missing is shown again to those who may edit.
			{method: "POST", path: "/victim-services/" + a, route: "/victim-services/{id}", ctype: form, body: victimServiceForm(codeA, ""), want: editA(unauth, bad)},
			{method: "POST", path: "/victim-services/" + mtID(delB.ID) + "/delete", route: "/victim-services/{id}/delete", want: editB(unauth, see)},
			{method: "GET", path: "/api/v1/victim-services", want: all(200)},
			{method: "GET", path: "/api/v1/victim-services?territory=" + codeA, route: "/api/v1/victim-services", want: all(200)},
			{method: "GET", path: "/api/v1/victim-services/map?territory=" + codeA, route: "/api/v1/victim-services/map", want: all(200)},
			{method: "GET", path: "/api/v1/victim-services/" + a, route: "/api/v1/victim-services/{id}", want: all(200)},
			{method: "GET", path: "/api/v1/victim-services/" + retired, route: "/api/v1/victim-services/{id}", want: expect{def: notFound,
				byRole: map[string]int{coordinator: 200, adminA: 200, adminKG: 200}}},
			{method: "POST", path: "/api/v1/victim-services", ctype: js, body: jsonA, want: editA(unauth, 201)},
			{method: "PUT", path: "/api/v1/victim-services/" + b, route: "/api/v1/victim-services/{id}", ctype: js, body: `{"hours":"9:00–18:00"}`, want: editB(unauth, 200)},
			{method: "DELETE", path: "/api/v1/victim-services/" + mtID(delB2.ID), route: "/api/v1/victim-services/{id}", want: editB(unauth, 204)},
			{method: "POST", path: "/api/v1/victim-services/import", ctype: upType, body: upBody, want: editA(unauth, 200)},
		}
	})
}

// importAs posts a file to the import API as who and returns the status
// and the answer.
func importAs(tb testing.TB, f *fixture, who, filename string, content []byte) (int, map[string]any) {
	tb.Helper()
	ctype, body := uploadFile(tb, filename, content)
	resp := f.do(tb, who, "POST", "/api/v1/victim-services/import", ctype, body)
	var out map[string]any
	if err := json.Unmarshal([]byte(readBody(tb, resp)), &out); err != nil {
		tb.Fatalf("import answer: %v", err)
	}
	return resp.StatusCode, out
}

type cellIssue struct {
	Row    int
	Column string
}

func issuesOf(out map[string]any) map[cellIssue]string {
	got := map[cellIssue]string{}
	es, _ := out["errors"].([]any)
	for _, e := range es {
		m := e.(map[string]any)
		got[cellIssue{int(m["row"].(float64)), m["column"].(string)}] = m["reason"].(string)
	}
	return got
}

// TestVictimServiceImportReportsEveryBadCell: each rule of a service and
// of the file, broken once, is reported with its row, column and reason,
// and nothing is written.
func TestVictimServiceImportReportsEveryBadCell(t *testing.T) {
	f := mustFixture(t)
	ctx := context.Background()
	t.Run("header", func(t *testing.T) {
		status, out := importAs(t, f, coordinator, "bad-header.csv",
			[]byte("name_ky,name_ru,name_en,kind,kind,territory_code,phones,fax\nА,Б,C,shelter,shelter,"+codeA+",+996 312 000 405,0\n"))
		want := map[cellIssue]string{{1, "fax"}: "fax", {1, "kind"}: "kind", {1, "serves"}: "serves"}
		got := issuesOf(out)
		if status != http.StatusUnprocessableEntity || len(got) != len(want) {
			t.Fatalf("got %d %v, want 422 %v", status, got, want)
		}
		for k, word := range want {
			if !strings.Contains(got[k], word) {
				t.Errorf("row %d column %s: got %q, want a reason naming %q", k.Row, k.Column, got[k], word)
			}
		}
	})
	t.Run("cells", func(t *testing.T) {
		long := strings.Repeat("ж", 301)
		rows := []struct {
			cells  string // name_ky,name_ru,name_en,kind,territory_code,phones,serves,lat,lon,free,address,hours
			column string // "" for the good row
		}{
			{"Жай,Приют,Shelter,shelter," + codeA + ",+996 312 000 406,women;children,42.88,74.69,1,,24/7", ""},
			{",Приют 2,Shelter 2,shelter," + codeA + ",+996 312 000 406,women,,,,,", "name_ky"},
			{"Жай 3,Приют 3,Shelter 3,spa," + codeA + ",+996 312 000 406,women,,,,,", "kind"},
			{"Жай 4,Приют 4,Shelter 4,shelter,123,+996 312 000 406,women,,,,,", "territory_code"},
			{"Жай 5,Приют 5,Shelter 5,shelter,41799999999999,+996 312 000 406,women,,,,,", "territory_code"},
			{"Жай 6,Приют 6,Shelter 6,shelter," + codeB + ",+996 312 000 406,women,,,,,", "territory_code"},
			{"Жай 7,Приют 7,Shelter 7,shelter," + codeA + ",,women,,,,,", "phones"},
			{"Жай 8,Приют 8,Shelter 8,shelter," + codeA + ",call me,women,,,,,", "phones"},
			{"Жай 9,Приют 9,Shelter 9,shelter," + codeA + ",+996 312 000 406,aliens,,,,,", "serves"},
			{"Жай 10,Приют 10,Shelter 10,shelter," + codeA + ",+996 312 000 406,,,,,,", "serves"},
			{"Жай 11,Приют 11,Shelter 11,shelter," + codeA + ",+996 312 000 406,women,north,74.6,,,", "lat"},
			{"Жай 12,Приют 12,Shelter 12,shelter," + codeA + ",+996 312 000 406,women,10,74.6,,,", "lat"},
			{"Жай 13,Приют 13,Shelter 13,shelter," + codeA + ",+996 312 000 406,women,42.8,,,,", "lat"},
			{"Жай 14,Приют 14,Shelter 14,shelter," + codeA + ",+996 312 000 406,women,,,maybe,,", "free"},
			{"жай,Другой,Other,hotline," + codeA + ",+996 312 000 406,women,,,,,", "name_ky"},
			{"Жай 16,Приют 16,Shelter 16,shelter," + codeA + ",+996 312 000 406,women,,,," + long + ",", "address"},
			{"Жай 17,Приют 17,Shelter 17,shelter," + codeA + ",+996 312 000 406,women,,,,," + long, "hours"},
			{"Жай 18,Приют 18,Shelter 18,shelter," + codeA + ",\"1111111, 2222222, 3333333, 4444444, 5555555, 6666666\",women,,,,,", "phones"},
		}
		var buf strings.Builder
		buf.WriteString("name_ky,name_ru,name_en,kind,territory_code,phones,serves,lat,lon,free,address,hours\n")
		want := map[cellIssue]bool{}
		for i, r := range rows {
			buf.WriteString(r.cells + "\n")
			if r.column != "" {
				want[cellIssue{i + 2, r.column}] = true
			}
		}
		status, out := importAs(t, f, coordinator, "services.csv", []byte(buf.String()))
		got := issuesOf(out)
		if status != http.StatusUnprocessableEntity {
			t.Fatalf("got status %d, want 422", status)
		}
		for k := range want {
			if got[k] == "" {
				t.Errorf("row %d column %s: not reported (got %v)", k.Row, k.Column, got)
			}
		}
		for k, reason := range got {
			if !want[k] {
				t.Errorf("row %d column %s: reported %q, which breaks no rule", k.Row, k.Column, reason)
			}
		}
		if r := got[cellIssue{16, "name_ky"}]; !strings.Contains(r, "2") {
			t.Errorf("the repeated name: got %q, want the first row named", r)
		}
		if _, n, _ := f.db.FindVictimServices(ctx, aldyn.VictimServiceFilter{}); n != 0 {
			t.Errorf("a refused file wrote %d services", n)
		}
	})
	t.Run("not a table", func(t *testing.T) {
		status, out := importAs(t, f, coordinator, "services.pdf", []byte("%PDF-1.4"))
		if status != http.StatusBadRequest || out["fields"] == nil {
			t.Errorf("got %d %v, want 400 with the file's error", status, out)
		}
	})
}

// TestVictimServiceReimportChangesNothing: a file imported twice, as CSV
// and again as XLSX, and the export read back in, change nothing after
// the first import.
func TestVictimServiceReimportChangesNothing(t *testing.T) {
	f := mustFixture(t)
	ctx := context.Background()
	csv := "name_ky;name_ru;name_en;kind;territory_code;phones;serves;lat;lon;free;active\n" +
		"Жай;Приют;Shelter;shelter;" + codeA + ";+996 312 000 406, +996 555 000 407;women, children;42,88;74,69;да;1\n" +
		"Ишеним телефону;Телефон доверия;Hotline;hotline;" + codeA + ";+996 312 000 408;everyone;;;ооба;\n"
	status, out := importAs(t, f, coordinator, "services.csv", []byte(csv))
	if status != 200 || out["created"] != 2.0 {
		t.Fatalf("first import: got %d %v", status, out)
	}
	entity := "victim_service"
	_, audited, _ := f.db.FindAuditEntries(ctx, aldyn.AuditFilter{Entity: &entity})
	status, out = importAs(t, f, coordinator, "services.csv", []byte(csv))
	if status != 200 || out["unchanged"] != 2.0 || out["created"] != 0.0 || out["updated"] != 0.0 {
		t.Errorf("second import: got %d %v, want 2 unchanged", status, out)
	}
	// The same rows in a workbook.
	x := excelize.NewFile()
	for i, line := range strings.Split(strings.TrimSpace(csv), "\n") {
		for j, cell := range strings.Split(line, ";") {
			name, _ := excelize.CoordinatesToCellName(j+1, i+1)
			if j == 7 || j == 8 {
				cell = strings.ReplaceAll(cell, ",", ".")
			}
			x.SetCellValue("Sheet1", name, cell)
		}
	}
	var book bytes.Buffer
	if err := x.Write(&book); err != nil {
		t.Fatal(err)
	}
	status, out = importAs(t, f, coordinator, "services.xlsx", book.Bytes())
	if status != 200 || out["unchanged"] != 2.0 {
		t.Errorf("the workbook: got %d %v, want 2 unchanged", status, out)
	}
	// The list exported in Russian (headers are labels) and read back.
	resp := f.send(t, coordinator, "GET", "/victim-services?format=csv&territory="+codeA, nil, map[string]string{"Accept-Language": "ru"})
	exported := readBody(t, resp)
	if resp.StatusCode != 200 || !strings.Contains(exported, "Телефоны") {
		t.Fatalf("export: %d %.200s", resp.StatusCode, exported)
	}
	status, out = importAs(t, f, coordinator, "export.csv", []byte(exported))
	if status != 200 || out["unchanged"] != 2.0 {
		t.Errorf("the export read back: got %d %v, want 2 unchanged", status, out)
	}
	if _, n, _ := f.db.FindAuditEntries(ctx, aldyn.AuditFilter{Entity: &entity}); n != audited {
		t.Errorf("re-imports wrote %d audit entries", n-audited)
	}
	vs, _, err := f.db.FindVictimServices(ctx, aldyn.VictimServiceFilter{Page: aldyn.Page{Sort: "name_en"}})
	if err != nil || len(vs) != 2 {
		t.Fatalf("services: %v %v", vs, err)
	}
	if s := vs[1]; !slices.Equal(s.Phones, []string{"+996 312 000 406", "+996 555 000 407"}) || s.Lat == nil || *s.Lat != 42.88 || !s.Free || !s.Active ||
		!slices.Equal(s.Serves, []string{"women", "children"}) {
		t.Errorf("the shelter: got %+v", s)
	}
	// A changed kind updates the one service it names.
	status, out = importAs(t, f, coordinator, "services.csv", []byte(strings.Replace(csv, "hotline;", "child_helpline;", 1)))
	if status != 200 || out["updated"] != 1.0 || out["unchanged"] != 1.0 {
		t.Errorf("a changed row: got %d %v, want 1 updated", status, out)
	}
}

// TestVictimServiceFormListsEveryBadField: a form with every field wrong
// comes back with an error for each.
func TestVictimServiceFormListsEveryBadField(t *testing.T) {
	f := mustFixture(t)
	body := url.Values{"name_ky": {""}, "name_ru": {""}, "name_en": {""}, "kind": {"spa"}, "territory_code": {"x"},
		"phones": {"call me"}, "lat": {"north"}, "lon": {"1"}}.Encode()
	resp := f.do(t, coordinator, "POST", "/victim-services", "application/x-www-form-urlencoded", body)
	page := readBody(t, resp)
	if resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("got %d, want 400", resp.StatusCode)
	}
	for _, field := range []string{"name_ky", "name_ru", "name_en", "kind", "territory_code", "phones", "serves", "lat"} {
		if !strings.Contains(page, `id="e-`+field+`"`) {
			t.Errorf("no error shown for %s", field)
		}
	}
	// The API names the fields too.
	resp = f.do(t, adminKG, "POST", "/api/v1/victim-services", "application/json", `{"kind":"shelter","phones":["+996 312 000 409"],"serves":["nobody"]}`)
	var e struct {
		Error struct {
			Fields map[string]string `json:"fields"`
		} `json:"error"`
	}
	json.Unmarshal([]byte(readBody(t, resp)), &e)
	if resp.StatusCode != http.StatusBadRequest || e.Error.Fields["serves"] == "" || e.Error.Fields["territory_code"] == "" || e.Error.Fields["name_ky"] == "" {
		t.Errorf("API: got %d %v", resp.StatusCode, e.Error.Fields)
	}
}

// TestVictimServicesShownWhereNeeded: the report form's sensitive view,
// the territory page and the directory show the services of the place,
// those of the territories above it, and not those elsewhere; the API
// agrees.
func TestVictimServicesShownWhereNeeded(t *testing.T) {
	f := mustFixture(t)
	mustVictimServiceIn(t, f, "41700000000000", "child_helpline", "National child line", true)
	mustVictimServiceIn(t, f, codeA, "shelter", "Shelter in A", true)
	mustVictimServiceIn(t, f, codeB, "legal_aid", "Legal aid in B", true)
	mustVictimServiceIn(t, f, codeA, "hotline", "Closed line in A", false)
	for _, c := range []struct {
		path      string
		want, not []string
	}{
		{"/report?category=violence_home&territory=" + codeA, []string{"National child line", "Shelter in A", "/victim-services?territory=" + codeA},
			[]string{"Legal aid in B", "Closed line in A"}},
		{"/report?category=sexual_violence", []string{"National child line"}, []string{"Shelter in A", "Legal aid in B"}},
		{"/territories/" + codeA, []string{"National child line", "Shelter in A"}, []string{"Legal aid in B", "Closed line in A"}},
		{"/victim-services?territory=" + codeB, []string{"National child line", "Legal aid in B"}, []string{"Shelter in A"}},
		{"/victim-services?kind=shelter", []string{"Shelter in A"}, []string{"National child line", "Legal aid in B"}},
	} {
		status, body := f.getAs(t, anon, "en", c.path)
		if status != 200 {
			t.Errorf("%s: got %d", c.path, status)
			continue
		}
		for _, w := range c.want {
			if !strings.Contains(body, w) {
				t.Errorf("%s: %q not shown", c.path, w)
			}
		}
		for _, n := range c.not {
			if strings.Contains(body, n) {
				t.Errorf("%s: %q shown", c.path, n)
			}
		}
	}
	// A category taken through the form shows no services.
	if _, body := f.getAs(t, anon, "en", "/report?territory="+codeA); strings.Contains(body, "Shelter in A") {
		t.Error("/report without a sensitive category lists services")
	}
	status, body := f.getAs(t, anon, "en", "/api/v1/victim-services?territory="+codeA)
	var list struct {
		Items []aldyn.VictimService `json:"items"`
		Total int                   `json:"total"`
	}
	if err := json.Unmarshal([]byte(body), &list); err != nil || status != 200 || list.Total != 2 {
		t.Errorf("API list: got %d %+v (%v)", status, list, err)
	}
	_, body = f.getAs(t, anon, "en", "/api/v1/victim-services/map?territory="+codeA)
	if !strings.Contains(body, `"FeatureCollection"`) {
		t.Errorf("map: %s", body)
	}
}

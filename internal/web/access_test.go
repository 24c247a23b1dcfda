package web_test

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/aldyn-kg/aldyn"
)

// expect gives the status each actor gets; roles not listed get def.
type expect struct {
	def    int
	byRole map[string]int
}

func (e expect) for_(who string) int {
	if s, ok := e.byRole[who]; ok {
		return s
	}
	return e.def
}

func all(status int) expect { return expect{def: status} }

// signedIn: anonymous gets anon, everyone else ok.
func signedIn(anonStatus, ok int) expect {
	return expect{def: ok, byRole: map[string]int{anon: anonStatus}}
}

// adminOnly: anonymous gets anonStatus, non-administrators 403, the
// district A administrator adminAStatus, the national one ok.
func adminOnly(anonStatus, adminAStatus, ok int) expect {
	return expect{def: http.StatusForbidden, byRole: map[string]int{anon: anonStatus, adminA: adminAStatus, adminKG: ok}}
}

// moduleCases lets a module's test file add its routes' cases to the
// access matrix (from an init function), next to its own tests.
var moduleCases []func(tb testing.TB, f *fixture) []matrixCase

type matrixCase struct {
	method, path string
	route        string // the registered pattern this case covers
	ctype, body  string
	want         expect
}

func multipartBody(tb testing.TB, kind, filename, content string) (string, string) {
	return mustMultipart(tb, map[string]string{"kind": kind}, formFile{"file", filename, []byte(content)})
}

// TestAccessMatrix sends every route as every role (and anonymous) and
// checks the outcome, including territory scope: the administrator of
// district A may not change district B.
func TestAccessMatrix(t *testing.T) {
	f := mustFixture(t)
	ctx := context.Background()
	idA, idB := strconv.FormatInt(f.bodyA.ID, 10), strconv.FormatInt(f.bodyB.ID, 10)
	userB := strconv.FormatInt(f.users["analystB"].ID, 10)
	// A body in B each deleting actor may try to delete.
	victim := &aldyn.Body{TerritoryCode: codeB, Type: "ngo", NameKy: "Жок кылынуучу", NameRu: "Удаляемая", NameEn: "To delete"}
	if err := f.db.CreateBody(ctx, aldyn.System, victim); err != nil {
		t.Fatal(err)
	}
	victimID := strconv.FormatInt(victim.ID, 10)
	toks, err := f.db.FindAPITokens(ctx, f.users["analystB"].ID)
	if err != nil || len(toks) != 1 {
		t.Fatalf("tokens of analystB: %v %v", toks, err)
	}
	tokB := strconv.FormatInt(toks[0].ID, 10)
	const form = "application/x-www-form-urlencoded"
	const js = "application/json"
	validBodyForm := "type=ngo&territory_code=" + codeB + "&name_ky=Жаңы&name_ru=Новый&name_en=New"
	validBodyJSON := `{"type":"ngo","territory_code":"` + codeB + `","name_ky":"Жаңы","name_ru":"Новый","name_en":"New"}`
	popType, popBody := multipartBody(t, "populations", "pop.csv", "territory_code,year,population,source\n"+codeB+",2024,300000,NSC\n")
	precinctA := &aldyn.Territory{Code: codeA + "-P9", ParentCode: codeA, Level: aldyn.LevelPrecinct, NameKy: "9-участок", NameRu: "Участок 9", NameEn: "Precinct 9"}
	if err := f.db.CreatePrecinct(ctx, aldyn.System, precinctA, nil); err != nil {
		t.Fatal(err)
	}
	const offenseCSV = "registration_number,source,category,registered_on,territory_code\nM-1,crimes,theft,2024-03-02," + codeA + "\n"
	uploadType, uploadBody := multipartBody(t, "offenses", "offenses.csv", offenseCSV)
	// Redirects to the login page are 303; HTML form posts by the anonymous are 401.
	const see, unauth, forbid, notFound = http.StatusSeeOther, http.StatusUnauthorized, http.StatusForbidden, http.StatusNotFound
	cases := []matrixCase{
		{method: "GET", path: "/healthz", want: all(200)},
		{method: "GET", path: "/readyz", want: all(200)},
		{method: "GET", path: "/about", want: all(200)},
		{method: "GET", path: "/", route: "/{$}", want: all(200)},
		{method: "GET", path: "/lang/ru?next=/bodies", route: "/lang/{lang}", want: all(see)},
		{method: "GET", path: "/login", want: all(200)},
		// Six failures for one login: the sixth is rate-limited.
		{method: "POST", path: "/login", ctype: form, body: "login=nobody&password=wrong-password", want: expect{def: unauth, byRole: map[string]int{adminKG: http.StatusTooManyRequests}}},
		{method: "POST", path: "/logout", want: all(see)},
		{method: "GET", path: "/profile", want: signedIn(see, 200)},
		{method: "POST", path: "/profile/password", ctype: form, body: "password=wrong&new_password=x", want: signedIn(unauth, 400)},
		{method: "POST", path: "/profile/tokens", ctype: form, body: "name=", want: signedIn(unauth, 400)},
		// Renewed before it is revoked: a revoked token cannot be renewed.
		{method: "POST", path: "/profile/tokens/" + tokB + "/renew", route: "/profile/tokens/{id}/renew",
			want: expect{def: forbid, byRole: map[string]int{anon: unauth, adminKG: see}}},
		{method: "POST", path: "/profile/tokens/" + tokB + "/revoke", route: "/profile/tokens/{id}/revoke",
			want: expect{def: forbid, byRole: map[string]int{anon: unauth, adminKG: see}}},
		{method: "GET", path: "/modules/road-safety", route: "/modules/{module}", want: all(200)},

		{method: "GET", path: "/territories", want: all(200)},
		{method: "GET", path: "/territories/" + codeA, route: "/territories/{code}", want: all(200)},
		{method: "GET", path: "/territories/" + codeB + "/precincts/new", route: "/territories/{code}/precincts/new", want: adminOnly(see, forbid, 200)},
		{method: "POST", path: "/territories/" + codeB + "/precincts", route: "/territories/{code}/precincts", ctype: form,
			body: "code=" + codeB + "-P1&name_ky=1-участок&name_ru=Участок 1&name_en=Precinct 1", want: adminOnly(unauth, forbid, see)},
		{method: "GET", path: "/territories-import", want: adminOnly(see, 200, 200)},
		{method: "POST", path: "/territories-import", ctype: popType, body: popBody, want: adminOnly(unauth, 200, 200)},

		{method: "GET", path: "/bodies", want: all(200)},
		{method: "GET", path: "/bodies/new", want: adminOnly(see, 200, 200)},
		{method: "POST", path: "/bodies", ctype: form, body: validBodyForm, want: adminOnly(unauth, forbid, see)},
		{method: "GET", path: "/bodies/" + idA, route: "/bodies/{id}", want: all(200)},
		{method: "GET", path: "/bodies/" + idB + "/edit", route: "/bodies/{id}/edit", want: adminOnly(see, forbid, 200)},
		{method: "POST", path: "/bodies/" + idB, route: "/bodies/{id}", ctype: form, body: "type=police&territory_code=" + codeB + "&name_ky=Сузак ИИБ&name_ru=Сузак ОВД&name_en=Suzak police",
			want: adminOnly(unauth, forbid, see)},
		{method: "POST", path: "/bodies/" + victimID + "/delete", route: "/bodies/{id}/delete", want: adminOnly(unauth, forbid, see)},

		{method: "GET", path: "/users", want: adminOnly(see, 200, 200)},
		{method: "GET", path: "/users/new", want: adminOnly(see, 200, 200)},
		{method: "POST", path: "/users", ctype: form, body: "login=newb&name=New B&role=analyst&lang=ru&body_id=" + idB, want: adminOnly(unauth, forbid, 201)},
		{method: "GET", path: "/users/" + userB, route: "/users/{id}", want: adminOnly(see, notFound, 200)},
		{method: "POST", path: "/users/" + userB, route: "/users/{id}", ctype: form, body: "name=Analyst B&role=analyst&lang=ky&body_id=" + idB,
			want: adminOnly(unauth, notFound, see)},
		{method: "POST", path: "/users/" + userB + "/reset-password", route: "/users/{id}/reset-password", want: adminOnly(unauth, notFound, 200)},
		{method: "GET", path: "/audit", want: adminOnly(see, 200, 200)},

		{method: "GET", path: "/api/v1/openapi.json", want: all(200)},
		{method: "GET", path: "/api/v1/me", want: signedIn(unauth, 200)},
		{method: "GET", path: "/api/v1/territories", want: all(200)},
		{method: "GET", path: "/api/v1/territories/" + codeA, route: "/api/v1/territories/{code}", want: all(200)},
		{method: "GET", path: "/api/v1/boundaries", want: all(200)},
		{method: "GET", path: "/api/v1/settlements", want: all(200)},
		{method: "POST", path: "/api/v1/territories", ctype: js,
			body: `{"code":"` + codeB + `-P2","parent_code":"` + codeB + `","name_ky":"2-участок","name_ru":"Участок 2","name_en":"Precinct 2"}`,
			want: adminOnly(unauth, forbid, 201)},
		{method: "POST", path: "/api/v1/territories/import/populations", route: "/api/v1/territories/import/{kind}", ctype: "text/csv",
			body: "territory_code,year,population,source\n" + codeB + ",2024,300000,NSC\n", want: adminOnly(unauth, 200, 200)},
		{method: "GET", path: "/api/v1/bodies", want: all(200)},
		{method: "GET", path: "/api/v1/bodies/" + idB, route: "/api/v1/bodies/{id}", want: all(200)},
		{method: "POST", path: "/api/v1/bodies", ctype: js, body: validBodyJSON, want: adminOnly(unauth, forbid, 201)},
		{method: "PUT", path: "/api/v1/bodies/" + idB, route: "/api/v1/bodies/{id}", ctype: js,
			body: `{"type":"police","territory_code":"` + codeB + `","name_ky":"Сузак ИИБ","name_ru":"Сузак ОВД","name_en":"Suzak police"}`, want: adminOnly(unauth, forbid, 200)},
		{method: "DELETE", path: "/api/v1/bodies/" + victimID, route: "/api/v1/bodies/{id}",
			want: expect{def: forbid, byRole: map[string]int{anon: unauth, adminA: notFound, adminKG: notFound}}}, // the HTML case deleted it already
		{method: "GET", path: "/api/v1/users", want: adminOnly(unauth, 200, 200)},
		{method: "GET", path: "/api/v1/users/" + userB, route: "/api/v1/users/{id}", want: adminOnly(unauth, notFound, 200)},
		{method: "POST", path: "/api/v1/users", ctype: js, body: `{"login":"apib","name":"API B","role":"reporter","body_id":` + idB + `}`, want: adminOnly(unauth, forbid, 201)},
		{method: "PATCH", path: "/api/v1/users/" + userB, route: "/api/v1/users/{id}", ctype: js, body: `{"name":"Analyst B"}`, want: adminOnly(unauth, notFound, 200)},
		{method: "GET", path: "/api/v1/audit", want: adminOnly(unauth, 200, 200)},

		{method: "GET", path: "/stats", want: signedIn(see, 200)},
		{method: "GET", path: "/stats/map", want: signedIn(see, 200)},
		{method: "GET", path: "/stats/official", want: all(200)},
		{method: "GET", path: "/stats/precincts/" + precinctA.Code, route: "/stats/precincts/{code}", want: signedIn(see, 200)},
		{method: "GET", path: "/api/v1/stats/counts?by=category,territory,year", route: "/api/v1/stats/counts", want: signedIn(unauth, 200)},
		{method: "GET", path: "/api/v1/stats/timeprofile", want: signedIn(unauth, 200)},
		{method: "GET", path: "/api/v1/stats/hotspots", want: signedIn(unauth, 200)},
		{method: "GET", path: "/api/v1/stats/points", want: expect{def: forbid, byRole: map[string]int{anon: unauth, analystA: 200, adminA: 200, adminKG: 200}}},
		{method: "GET", path: "/api/v1/stats/forecast", want: signedIn(unauth, 200)},
		{method: "GET", path: "/api/v1/stats/official", want: all(200)},
		// Only national analysts and administrators import offense records.
		{method: "GET", path: "/stats/imports", want: expect{def: forbid, byRole: map[string]int{anon: see, adminKG: 200}}},
		{method: "POST", path: "/stats/imports", ctype: uploadType, body: uploadBody, want: expect{def: forbid, byRole: map[string]int{anon: unauth, adminKG: see}}},
		{method: "GET", path: "/stats/imports/jobs/1", route: "/stats/imports/jobs/{id}", want: expect{def: forbid, byRole: map[string]int{anon: see, adminKG: 200}}},
		{method: "GET", path: "/stats/imports/jobs/1/errors.csv", route: "/stats/imports/jobs/{id}/errors.csv", want: expect{def: forbid, byRole: map[string]int{anon: see, adminKG: 200}}},
		{method: "GET", path: "/api/v1/stats/imports", want: expect{def: forbid, byRole: map[string]int{anon: unauth, adminKG: 200}}},
		{method: "POST", path: "/api/v1/stats/imports", ctype: "text/csv", body: offenseCSV, want: expect{def: forbid, byRole: map[string]int{anon: unauth, adminKG: 200}}},
		{method: "GET", path: "/api/v1/stats/imports/jobs/1", route: "/api/v1/stats/imports/jobs/{id}", want: expect{def: forbid, byRole: map[string]int{anon: unauth, adminKG: 200}}},
		{method: "POST", path: "/stats/import-profiles", ctype: form, body: `name=erp&profile_json={"source":"crimes","columns":{"registration_number":"N","registered_on":"D","territory_code":"T","category":"C"}}`,
			want: expect{def: forbid, byRole: map[string]int{anon: unauth, adminKG: see}}},
		{method: "GET", path: "/api/v1/stats/import-profiles", want: expect{def: forbid, byRole: map[string]int{anon: unauth, adminKG: 200}}},
		{method: "PUT", path: "/api/v1/stats/import-profiles/erp2", route: "/api/v1/stats/import-profiles/{name}", ctype: js,
			body: `{"source":"crimes","columns":{"registration_number":"N","registered_on":"D","territory_code":"T","category":"C"}}`,
			want: expect{def: forbid, byRole: map[string]int{anon: unauth, adminKG: 200}}},
	}

	for _, more := range moduleCases {
		cases = append(cases, more(t, f)...)
	}
	covered := map[string]bool{}
	for _, c := range cases {
		route := c.route
		if route == "" {
			route = strings.SplitN(c.path, "?", 2)[0]
		}
		covered[c.method+" "+route] = true
	}
	for _, rt := range f.web.Routes() {
		if !covered[rt.Method+" "+rt.Pattern] {
			t.Errorf("route %s %s has no case in the access matrix", rt.Method, rt.Pattern)
		}
	}
	for _, c := range cases {
		for _, who := range actorNames {
			t.Run(fmt.Sprintf("%s %s as %s", c.method, c.path, who), func(t *testing.T) {
				resp := f.do(t, who, c.method, c.path, c.ctype, c.body)
				if got, want := resp.StatusCode, c.want.for_(who); got != want {
					t.Errorf("got status %d, want %d; body: %.300s", got, want, readBody(t, resp))
				}
			})
		}
	}
}

// TestBodyInternalFieldsFollowScope checks that internal contact fields are
// shown to users whose territory covers the body and to no one else.
func TestBodyInternalFieldsFollowScope(t *testing.T) {
	f := mustFixture(t)
	idA, idB := strconv.FormatInt(f.bodyA.ID, 10), strconv.FormatInt(f.bodyB.ID, 10)
	for _, c := range []struct {
		who, id string
		want    bool
	}{
		{analystA, idA, true}, {analystA, idB, false}, {anon, idA, false}, {reporterA, idA, true}, {adminKG, idB, true}, {"analystB", idA, false},
	} {
		t.Run(c.who+" body "+c.id, func(t *testing.T) {
			body := readBody(t, f.do(t, c.who, "GET", "/api/v1/bodies/"+c.id, "", ""))
			if got := strings.Contains(body, "contact_person"); got != c.want {
				t.Errorf("contact_person shown: got %v, want %v; body %s", got, c.want, body)
			}
		})
	}
	// The user list of an administrator holds only users of its territory.
	body := readBody(t, f.do(t, adminA, "GET", "/api/v1/users?limit=500", "", ""))
	if strings.Contains(body, `"analystb"`) || !strings.Contains(body, `"analysta"`) {
		t.Errorf("district A administrator's user list: %s", body)
	}
}

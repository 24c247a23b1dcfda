package web_test

import (
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/auth"
	"github.com/aldyn-kg/aldyn/internal/demo"
	"github.com/aldyn-kg/aldyn/internal/disclosure"
	"github.com/aldyn-kg/aldyn/internal/i18n"
	"github.com/aldyn-kg/aldyn/internal/opendata"
	"github.com/aldyn-kg/aldyn/internal/web"
)

// mustOpenData loads a sparse year of demo offenses and publishes every
// dataset but coordination, as the national administrator would.
func mustOpenData(tb testing.TB, f *fixture) {
	tb.Helper()
	ctx := context.Background()
	if _, err := demo.LoadOffenses(ctx, f.db, 0.01, []int{2025}); err != nil {
		tb.Fatal(err)
	}
	for _, d := range opendata.Datasets() {
		if d.Slug == "coordination" {
			continue
		}
		resp := f.do(tb, adminKG, "POST", "/open/admin/"+d.Slug, "application/x-www-form-urlencoded", "published=on&licence=CC-BY-4.0")
		if resp.StatusCode != http.StatusSeeOther {
			tb.Fatalf("publish %s: %d %s", d.Slug, resp.StatusCode, readBody(tb, resp))
		}
	}
}

func init() {
	moduleCases = append(moduleCases, func(tb testing.TB, f *fixture) []matrixCase {
		mustOpenData(tb, f)
		var cases []matrixCase
		admin := func(method, path, route, ctype, body string, ok int) matrixCase {
			anonStatus := http.StatusUnauthorized
			if method == "GET" {
				anonStatus = http.StatusSeeOther // to the sign-in page
			}
			return matrixCase{method: method, path: path, route: route, ctype: ctype, body: body,
				want: expect{def: http.StatusForbidden, byRole: map[string]int{anon: anonStatus, adminA: http.StatusForbidden, adminKG: ok}}}
		}
		var orgs ckanEnvelope
		getJSON(tb, f, "/api/3/action/organization_list", &orgs)
		var org []string
		if json.Unmarshal(orgs.Result, &org); len(org) != 1 {
			tb.Fatalf("organization_list: %s", orgs.Result)
		}
		cases = append(cases,
			matrixCase{method: "GET", path: "/open", want: all(200)},
			matrixCase{method: "GET", path: "/open/policy", want: all(200)},
			matrixCase{method: "GET", path: "/open/offenses-monthly", route: "/open/{slug}", want: all(200)},
			// Not published: a preview for national administrators only.
			matrixCase{method: "GET", path: "/open/coordination", route: "/open/{slug}",
				want: expect{def: http.StatusNotFound, byRole: map[string]int{adminKG: 200}}},
			matrixCase{method: "GET", path: "/open/offenses-monthly/counts.csv", route: "/open/{slug}/{file}", want: all(200)},
			matrixCase{method: "GET", path: "/open/coordination/meetings-decisions.csv", route: "/open/{slug}/{file}",
				want: expect{def: http.StatusNotFound, byRole: map[string]int{adminKG: 200}}},
			matrixCase{method: "GET", path: "/catalog.jsonld", want: all(200)},
			matrixCase{method: "GET", path: "/catalog.ttl", want: all(200)},
			admin("GET", "/open/admin", "", "", "", 200),
			admin("GET", "/open/admin/offenses-monthly", "/open/admin/{slug}", "", "", 200),
			admin("POST", "/open/admin/offenses-monthly", "/open/admin/{slug}", "application/x-www-form-urlencoded", "published=on&licence=CC-BY-4.0", http.StatusSeeOther),
			admin("POST", "/open/admin/sensitive", "", "application/x-www-form-urlencoded", "", http.StatusSeeOther),
		)
		for _, prefix := range []string{"/api/3/action/", "/api/action/"} {
			for _, a := range []string{"package_list", "package_search", "organization_list", "group_list", "tag_list", "status_show"} {
				cases = append(cases, matrixCase{method: "GET", path: prefix + a, want: all(200)},
					matrixCase{method: "POST", path: prefix + a, ctype: "application/json", body: "{}", want: all(200)})
			}
			for a, q := range map[string]string{"package_show": "id=offenses-monthly", "organization_show": "id=" + org[0],
				"resource_show": "id=offenses-monthly.counts.csv", "group_show": "id=offenses", "help_show": "name=package_search"} {
				cases = append(cases, matrixCase{method: "GET", path: prefix + a + "?" + q, route: prefix + a, want: all(200)},
					matrixCase{method: "POST", path: prefix + a, ctype: "application/json", body: `{"` + strings.Replace(q, "=", `":"`, 1) + `"}`, want: all(200)})
			}
			cases = append(cases, matrixCase{method: "GET", path: prefix + "package_create", route: prefix + "{action}", want: all(400)},
				matrixCase{method: "POST", path: prefix + "package_create", route: prefix + "{action}", ctype: "application/json", body: "{}", want: all(400)})
		}
		return cases
	})
}

func getJSON(tb testing.TB, f *fixture, path string, v any) *http.Response {
	tb.Helper()
	resp := f.do(tb, anon, "GET", path, "", "")
	if err := json.Unmarshal([]byte(readBody(tb, resp)), v); err != nil {
		tb.Fatalf("%s: %v", path, err)
	}
	return resp
}

// ckanEnvelope is the envelope of every CKAN action answer.
type ckanEnvelope struct {
	Help    string          `json:"help"`
	Success bool            `json:"success"`
	Result  json.RawMessage `json:"result"`
	Error   map[string]any  `json:"error"`
}

// TestCKANShapes checks the answers against the shapes CKAN 2.10
// documents (ckan.logic.action.get): the envelope, package and resource
// dictionaries, search with fq/rows/start/sort, and the error answers.
func TestCKANShapes(t *testing.T) {
	f := mustFixture(t)
	mustOpenData(t, f)
	call := func(path string, status int) ckanEnvelope {
		t.Helper()
		var e ckanEnvelope
		resp := getJSON(t, f, path, &e)
		if resp.StatusCode != status {
			t.Fatalf("%s: status %d, want %d", path, resp.StatusCode, status)
		}
		if !strings.Contains(e.Help, "/api/3/action/help_show?name=") {
			t.Errorf("%s: help %q", path, e.Help)
		}
		if e.Success != (status == 200) {
			t.Errorf("%s: success %v with status %d", path, e.Success, status)
		}
		if resp.Header.Get("Access-Control-Allow-Origin") != "*" {
			t.Errorf("%s: no CORS header", path)
		}
		return e
	}
	var names []string
	json.Unmarshal(call("/api/3/action/package_list", 200).Result, &names)
	want := []string{"concept-official-statistics", "offenses-grid-quarterly", "offenses-monthly", "plan-progress", "reported-figures-yearly", "resident-reports-quarterly", "sensitive-offenses-quarterly", "survey-trust-index"}
	if !slices.Equal(names, want) {
		t.Errorf("package_list: got %v, want %v (unpublished coordination left out)", names, want)
	}
	var pkg map[string]any
	json.Unmarshal(call("/api/3/action/package_show?id=offenses-monthly", 200).Result, &pkg)
	for _, k := range []string{"id", "name", "title", "notes", "license_id", "license_title", "license_url", "metadata_created",
		"metadata_modified", "organization", "owner_org", "groups", "tags", "resources", "num_resources", "num_tags", "state", "type", "private", "extras"} {
		if _, ok := pkg[k]; !ok {
			t.Errorf("package_show: no %s", k)
		}
	}
	if pkg["license_id"] != "CC-BY-4.0" || pkg["type"] != "dataset" || pkg["state"] != "active" || pkg["private"] != false {
		t.Errorf("package_show: %v %v %v %v", pkg["license_id"], pkg["type"], pkg["state"], pkg["private"])
	}
	var formats []string
	for _, r := range pkg["resources"].([]any) {
		res := r.(map[string]any)
		for _, k := range []string{"id", "package_id", "url", "format", "name", "mimetype", "size", "created", "last_modified", "position"} {
			if _, ok := res[k]; !ok {
				t.Errorf("resource: no %s", k)
			}
		}
		formats = append(formats, res["format"].(string))
		// Every resource URL answers.
		u, _ := url.Parse(res["url"].(string))
		if resp := f.do(t, anon, "GET", u.Path, "", ""); resp.StatusCode != 200 {
			t.Errorf("%s: %d", u.Path, resp.StatusCode)
		}
	}
	for _, fm := range []string{"CSV", "XLSX", "JSON"} {
		if !slices.Contains(formats, fm) {
			t.Errorf("package_show: no %s resource in %v", fm, formats)
		}
	}
	if n, _ := pkg["num_resources"].(float64); int(n) != len(formats) {
		t.Errorf("num_resources %v, resources %d", pkg["num_resources"], len(formats))
	}
	if !slices.ContainsFunc(pkg["resources"].([]any), func(r any) bool { return r.(map[string]any)["name"] == "datapackage.json" }) {
		t.Error("the data package is not among the resources")
	}

	type search struct {
		Count   int              `json:"count"`
		Results []map[string]any `json:"results"`
		Sort    string           `json:"sort"`
		Facets  map[string]any   `json:"facets"`
	}
	var s search
	json.Unmarshal(call("/api/3/action/package_search", 200).Result, &s)
	if s.Count != len(want) || len(s.Results) != len(want) || s.Facets == nil {
		t.Errorf("package_search: count %d, %d results", s.Count, len(s.Results))
	}
	json.Unmarshal(call("/api/3/action/package_search?q=victim&fq="+url.QueryEscape("tags:crime AND res_format:CSV"), 200).Result, &s)
	if s.Count != 1 || s.Results[0]["name"] != "sensitive-offenses-quarterly" {
		t.Errorf("package_search q=victim fq: %d %v", s.Count, s.Results)
	}
	json.Unmarshal(call("/api/3/action/package_search?fq=groups:plans", 200).Result, &s)
	if s.Count != 1 || s.Results[0]["name"] != "plan-progress" {
		t.Errorf("package_search fq=groups:plans: %d", s.Count)
	}
	json.Unmarshal(call("/api/3/action/package_search?sort=name+desc&rows=2&start=1", 200).Result, &s)
	if s.Count != len(want) || len(s.Results) != 2 || s.Results[0]["name"] != want[len(want)-2] {
		t.Errorf("package_search sort/rows/start: %d %v", s.Count, s.Results)
	}
	var orgs []string
	json.Unmarshal(call("/api/3/action/organization_list", 200).Result, &orgs)
	if len(orgs) != 1 {
		t.Fatalf("organization_list: %v", orgs)
	}
	var org map[string]any
	json.Unmarshal(call("/api/3/action/organization_show?id="+orgs[0]+"&include_datasets=true", 200).Result, &org)
	if org["is_organization"] != true || org["package_count"].(float64) != float64(len(want)) || len(org["packages"].([]any)) != len(want) {
		t.Errorf("organization_show: %v", org)
	}
	var groups []string
	json.Unmarshal(call("/api/3/action/group_list", 200).Result, &groups)
	if !slices.Equal(groups, []string{"offenses", "official", "plans"}) {
		t.Errorf("group_list: %v", groups)
	}
	var tags []string
	json.Unmarshal(call("/api/3/action/tag_list?query=crim", 200).Result, &tags)
	if !slices.Equal(tags, []string{"crime"}) {
		t.Errorf("tag_list query=crim: %v", tags)
	}
	var res map[string]any
	json.Unmarshal(call("/api/3/action/resource_show?id=offenses-monthly.counts.csv", 200).Result, &res)
	if res["format"] != "CSV" || res["package_id"] != "offenses-monthly" {
		t.Errorf("resource_show: %v", res)
	}
	var st map[string]any
	json.Unmarshal(call("/api/3/action/status_show", 200).Result, &st)
	if st["ckan_version"] == nil || st["site_url"] == nil {
		t.Errorf("status_show: %v", st)
	}
	var group map[string]any
	json.Unmarshal(call("/api/3/action/group_show?id=plans&include_datasets=true", 200).Result, &group)
	if group["name"] != "plans" || group["is_organization"] != false || group["package_count"].(float64) != 1 || len(group["packages"].([]any)) != 1 {
		t.Errorf("group_show: %v", group)
	}
	for _, a := range []string{"package_list", "package_show", "package_search", "organization_list", "organization_show", "group_list",
		"group_show", "tag_list", "resource_show", "status_show", "help_show"} {
		var help string
		json.Unmarshal(call("/api/3/action/help_show?name="+a, 200).Result, &help)
		if help == "" || (a != "status_show" && a != "help_show" && a != "package_list" && !strings.Contains(help, ":param ")) {
			t.Errorf("help_show %s: %q", a, help)
		}
	}
	// The unversioned path ckanapi calls, with a JSON body as it posts.
	resp := f.do(t, anon, "POST", "/api/action/package_show", "application/json", `{"id": "offenses-monthly"}`)
	var alias ckanEnvelope
	if err := json.Unmarshal([]byte(readBody(t, resp)), &alias); err != nil || resp.StatusCode != 200 || !alias.Success {
		t.Errorf("POST /api/action/package_show: %d %v %v", resp.StatusCode, err, alias.Error)
	}
	var aliasPkg map[string]any
	if json.Unmarshal(alias.Result, &aliasPkg); aliasPkg["name"] != "offenses-monthly" {
		t.Errorf("POST /api/action/package_show: %v", aliasPkg["name"])
	}
	// Errors, as CKAN answers them: the error's type, the field a
	// validation error names, and no result for an unpublished package.
	for _, c := range []struct {
		path     string
		status   int
		typ      string
		field    string
		noResult bool
	}{
		{"/api/3/action/package_show?id=coordination", 404, "Not Found Error", "", true},
		{"/api/3/action/package_show", 409, "Validation Error", "id", false},
		{"/api/3/action/resource_show?id=nope", 404, "Not Found Error", "", false},
		{"/api/3/action/help_show?name=package_create", 404, "Not Found Error", "", false},
		{"/api/3/action/help_show", 409, "Validation Error", "name", false},
		{"/api/3/action/group_show?id=coordination", 404, "Not Found Error", "", false}, // a theme with nothing published
	} {
		e := call(c.path, c.status)
		if e.Error["__type"] != c.typ || (c.field != "" && e.Error[c.field] == nil) {
			t.Errorf("%s: error %v, want type %q naming %q", c.path, e.Error, c.typ, c.field)
		}
		if c.noResult && e.Result != nil {
			t.Errorf("%s: result %s, want none", c.path, e.Result)
		}
	}
	for _, path := range []string{"/api/3/action/package_create", "/api/action/datastore_search"} {
		e := call(path, 400)
		if e.Error["__type"] != "Bad Request" || !strings.Contains(e.Error["message"].(string), "Action name not known") {
			t.Errorf("%s: %v", path, e.Error)
		}
	}
	if e := call("/api/3/action/package_search?fq=tags", 409); e.Error["__type"] != "Search Query Error" {
		t.Errorf("bad fq: %v", e.Error)
	}
}

// TestOpenDataCaching: validators, 304, Cache-Control; unpublished files
// cached privately only.
func TestOpenDataCaching(t *testing.T) {
	f := mustFixture(t)
	mustOpenData(t, f)
	for _, path := range []string{"/open/offenses-monthly/counts.csv", "/api/3/action/package_list", "/catalog.jsonld", "/open/offenses-monthly/datapackage.json"} {
		resp := f.do(t, anon, "GET", path, "", "")
		body := readBody(t, resp)
		etag, lm := resp.Header.Get("ETag"), resp.Header.Get("Last-Modified")
		if resp.StatusCode != 200 || etag == "" || lm == "" || !strings.Contains(resp.Header.Get("Cache-Control"), "public") || body == "" {
			t.Fatalf("%s: %d etag %q last-modified %q cache %q", path, resp.StatusCode, etag, lm, resp.Header.Get("Cache-Control"))
		}
		req, _ := http.NewRequest("GET", f.srv.URL+path, nil)
		req.Header.Set("If-None-Match", etag)
		r2, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		r2.Body.Close()
		if r2.StatusCode != http.StatusNotModified {
			t.Errorf("%s If-None-Match: %d, want 304", path, r2.StatusCode)
		}
		req.Header.Del("If-None-Match")
		req.Header.Set("If-Modified-Since", lm)
		r3, _ := http.DefaultClient.Do(req)
		r3.Body.Close()
		if r3.StatusCode != http.StatusNotModified {
			t.Errorf("%s If-Modified-Since: %d, want 304", path, r3.StatusCode)
		}
	}
	// Compressed once, sent to clients that take gzip, under its own ETag.
	plain := readBody(t, f.do(t, anon, "GET", "/open/offenses-monthly/counts.csv", "", ""))
	req, _ := http.NewRequest("GET", f.srv.URL+"/open/offenses-monthly/counts.csv", nil)
	req.Header.Set("Accept-Encoding", "gzip")
	gzResp, err := (&http.Transport{DisableCompression: true}).RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	defer gzResp.Body.Close()
	zr, err := gzip.NewReader(gzResp.Body)
	if err != nil || gzResp.Header.Get("Content-Encoding") != "gzip" || !strings.HasSuffix(gzResp.Header.Get("ETag"), `-gz"`) {
		t.Fatalf("gzip: %v %q %q", err, gzResp.Header.Get("Content-Encoding"), gzResp.Header.Get("ETag"))
	}
	if unz, _ := io.ReadAll(zr); string(unz) != plain {
		t.Error("the gzipped CSV differs from the plain one")
	}
	// A validator of another version, a range, a HEAD.
	for _, c := range []struct {
		method string
		hdr    map[string]string
		status int
		body   string
	}{
		{"GET", map[string]string{"If-None-Match": `"not-this-one"`}, 200, plain},
		{"GET", map[string]string{"If-None-Match": `"a", W/"b"`}, 200, plain},
		{"GET", map[string]string{"Range": "bytes=0-9"}, http.StatusPartialContent, plain[:10]},
		{"HEAD", nil, 200, ""},
	} {
		req, _ := http.NewRequest(c.method, f.srv.URL+"/open/offenses-monthly/counts.csv", nil)
		for k, v := range c.hdr {
			req.Header.Set(k, v)
		}
		resp, err := (&http.Transport{DisableCompression: true}).RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		got, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != c.status || string(got) != c.body {
			t.Errorf("%s %v: %d with %d bytes, want %d with %d", c.method, c.hdr, resp.StatusCode, len(got), c.status, len(c.body))
		}
		if c.method == "HEAD" && resp.Header.Get("Content-Length") != strconv.Itoa(len(plain)) {
			t.Errorf("HEAD: Content-Length %q, want %d", resp.Header.Get("Content-Length"), len(plain))
		}
	}
	resp := f.do(t, adminKG, "GET", "/open/coordination/meetings-decisions.csv", "", "")
	if cc := resp.Header.Get("Cache-Control"); !strings.Contains(cc, "private") {
		t.Errorf("preview of an unpublished file: Cache-Control %q", cc)
	}
}

// TestOpenDataRateLimit: past its rate, an address gets 429 with
// Retry-After, on files and the API alike.
func TestOpenDataRateLimit(t *testing.T) {
	f := mustFixture(t)
	mustOpenData(t, f)
	srv := mustServer(t, f, web.Config{OpenDataRate: 1})
	var last *http.Response
	for i := 0; i < 10; i++ {
		resp, err := http.Get(srv.URL + "/api/3/action/package_list")
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		last = resp
		if resp.StatusCode == http.StatusTooManyRequests {
			break
		}
	}
	if last.StatusCode != http.StatusTooManyRequests || last.Header.Get("Retry-After") == "" {
		t.Fatalf("after 10 requests at 1/s: %d, Retry-After %q", last.StatusCode, last.Header.Get("Retry-After"))
	}
	// Pages for people are not limited.
	if resp, _ := http.Get(srv.URL + "/open"); resp.StatusCode != 200 {
		t.Errorf("/open: %d", resp.StatusCode)
	}
}

// TestCatalogJSONLDIsRDF reads /catalog.jsonld as RDF — expanding compact
// IRIs through its @context into triples, with this test's own reading of
// JSON-LD — and checks what DCAT-AP makes mandatory, and that the Turtle
// has the same subjects.
func TestCatalogJSONLDIsRDF(t *testing.T) {
	f := mustFixture(t)
	mustOpenData(t, f)
	var doc struct {
		Context map[string]string `json:"@context"`
		Graph   []map[string]any  `json:"@graph"`
	}
	getJSON(t, f, "/catalog.jsonld", &doc)
	expand := func(s string) string {
		if i := strings.IndexByte(s, ':'); i > 0 {
			if ns, ok := doc.Context[s[:i]]; ok {
				return ns + s[i+1:]
			}
		}
		return s
	}
	type triple struct{ s, p, o string }
	var triples []triple
	for _, n := range doc.Graph {
		id, _ := n["@id"].(string)
		if id == "" || !(strings.HasPrefix(id, "http") || strings.HasPrefix(id, "_:")) {
			t.Fatalf("node without an absolute @id: %v", n)
		}
		for k, v := range n {
			switch k {
			case "@id":
			case "@type":
				for _, ty := range v.([]any) {
					triples = append(triples, triple{id, "http://www.w3.org/1999/02/22-rdf-syntax-ns#type", expand(ty.(string))})
				}
			default:
				p := expand(k)
				if !strings.HasPrefix(p, "http") {
					t.Fatalf("property %q is not an IRI", k)
				}
				for _, o := range v.([]any) {
					om := o.(map[string]any)
					if ref, ok := om["@id"].(string); ok {
						triples = append(triples, triple{id, p, ref})
					} else if val, ok := om["@value"].(string); ok {
						triples = append(triples, triple{id, p, "\"" + val})
					} else {
						t.Fatalf("object %v of %s is neither a node nor a literal", om, k)
					}
				}
			}
		}
	}
	const dcat, dct = "http://www.w3.org/ns/dcat#", "http://purl.org/dc/terms/"
	has := func(s, p string) bool {
		return slices.ContainsFunc(triples, func(t triple) bool { return t.s == s && t.p == p })
	}
	ofType := func(ty string) []string {
		var out []string
		for _, tr := range triples {
			if tr.p == "http://www.w3.org/1999/02/22-rdf-syntax-ns#type" && tr.o == ty {
				out = append(out, tr.s)
			}
		}
		return out
	}
	cats, sets, dists := ofType(dcat+"Catalog"), ofType(dcat+"Dataset"), ofType(dcat+"Distribution")
	// Every dataset but the unpublished coordination.
	if len(cats) != 1 || len(sets) != len(opendata.Datasets())-1 || len(dists) < 15 {
		t.Fatalf("catalogs %d, datasets %d, distributions %d", len(cats), len(sets), len(dists))
	}
	for _, p := range []string{dct + "title", dct + "description", dct + "publisher", dcat + "dataset"} {
		if !has(cats[0], p) {
			t.Errorf("catalog: no %s", p)
		}
	}
	for _, d := range sets {
		for _, p := range []string{dct + "title", dct + "description", dcat + "distribution", dcat + "keyword", dcat + "theme", dct + "publisher", dct + "accrualPeriodicity"} {
			if !has(d, p) {
				t.Errorf("%s: no %s", d, p)
			}
		}
	}
	for _, d := range dists {
		for _, p := range []string{dcat + "accessURL", dct + "format", dct + "license"} {
			if !has(d, p) {
				t.Errorf("%s: no %s", d, p)
			}
		}
	}
	ttl := readBody(t, f.do(t, anon, "GET", "/catalog.ttl", "", ""))
	for _, d := range append(sets, dists...) {
		if !strings.Contains(ttl, "<"+d+">") {
			t.Errorf("turtle lacks %s", d)
		}
	}
	if !strings.HasPrefix(ttl, "@prefix ") || strings.Count(ttl, " .\n") < len(triples)/20 {
		t.Errorf("turtle does not look like Turtle:\n%.300s", ttl)
	}
}

// TestOpenDataPortal: the list, search and filters, a dataset page with
// its preview and downloads, the policy page, in three languages; a
// publication is audited.
func TestOpenDataPortal(t *testing.T) {
	f := mustFixture(t)
	mustOpenData(t, f)
	titles := map[string]string{"ky": "Ачык маалыматтар", "ru": "Открытые данные", "en": "Open data"}
	for _, lang := range aldyn.Languages {
		req, _ := http.NewRequest("GET", f.srv.URL+"/open", nil)
		req.Header.Set("Accept-Language", lang)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body := readBody(t, resp)
		if !strings.Contains(body, "<h1>"+titles[lang]+"</h1>") {
			t.Errorf("%s: /open lacks its title %q", lang, titles[lang])
		}
		for _, slug := range []string{"offenses-monthly", "plan-progress"} {
			if !strings.Contains(body, "/open/"+slug) {
				t.Errorf("%s: /open lacks %s", lang, slug)
			}
		}
		if strings.Contains(body, "/open/coordination\"") {
			t.Errorf("%s: unpublished dataset listed", lang)
		}
	}
	body := readBody(t, f.do(t, anon, "GET", "/open?theme=plans", "", ""))
	if strings.Contains(body, "/open/offenses-monthly\"") || !strings.Contains(body, "/open/plan-progress") {
		t.Error("theme filter")
	}
	body = readBody(t, f.do(t, anon, "GET", "/open?q=nothing-like-this", "", ""))
	if strings.Contains(body, "/open/plan-progress\"") {
		t.Error("search")
	}
	page := readBody(t, f.do(t, anon, "GET", "/open/offenses-monthly?lang=ru", "", ""))
	for _, want := range []string{"counts.csv", "counts.xlsx", "counts.json", "datapackage.json", "open-preview", "rate_per_100k", "CC-BY-4.0", "<svg"} {
		if !strings.Contains(page, want) {
			t.Errorf("dataset page lacks %q", want)
		}
	}
	// Marking a category sensitive moves it out of the monthly table.
	if resp := f.do(t, adminKG, "POST", "/open/admin/sensitive", "application/x-www-form-urlencoded", "sensitive=extortion"); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("mark extortion: %d", resp.StatusCode)
	}
	if csv := readBody(t, f.do(t, anon, "GET", "/open/offenses-monthly/counts.csv", "", "")); strings.Contains(csv, ",extortion,") {
		t.Error("extortion still in the monthly CSV after it was marked sensitive")
	}
	if resp := f.do(t, adminKG, "POST", "/open/admin/sensitive", "application/x-www-form-urlencoded", "sensitive=nope"); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("unknown category: %d, want 400", resp.StatusCode)
	}
	entries, _, err := f.db.FindAuditEntries(context.Background(), aldyn.AuditFilter{Entity: ptr("open_dataset"), Under: "/"})
	if err != nil || len(entries) < 4 {
		t.Errorf("publications audited: %d, %v", len(entries), err)
	}
}

func ptr[T any](v T) *T { return &v }

// TestOpenAdminWithheldPages: the withheld cells of a dataset are listed a
// page at a time, every one reachable, filtered by table and reason; a
// bad filter is refused.
func TestOpenAdminWithheldPages(t *testing.T) {
	f := mustFixture(t)
	mustOpenData(t, f)
	const slug = "offenses-monthly"
	rowRe := regexp.MustCompile(`<tr><td><code>([a-z0-9_-]+)</code></td><td>([^<]*)</td><td>([^<]*)</td></tr>`)
	totalRe := regexp.MustCompile(`rel="next"`)
	seen := map[string]bool{}
	pages := 0
	for pg := 1; ; pg++ {
		resp := f.do(t, adminKG, "GET", fmt.Sprintf("/open/admin/%s?page=%d&per_page=50", slug, pg), "", "")
		body := readBody(t, resp)
		if resp.StatusCode != 200 {
			t.Fatalf("page %d: %d", pg, resp.StatusCode)
		}
		rows := rowRe.FindAllStringSubmatch(body, -1)
		if len(rows) > 50 {
			t.Fatalf("page %d lists %d cells, more than its 50", pg, len(rows))
		}
		for _, r := range rows {
			k := r[1] + " " + r[2]
			if seen[k] {
				t.Errorf("%s listed twice", k)
			}
			seen[k] = true
		}
		pages++
		if !totalRe.MatchString(body) {
			break
		}
		if pg > 1000 {
			t.Fatal("no last page")
		}
	}
	k, err := disclosure.MinCellCount(context.Background(), f.db)
	if err != nil {
		t.Fatal(err)
	}
	b := opendata.BuildDataset(context.Background(), f.db, opendata.Lookup(slug), opendata.Input{K: k})
	if b.Err != nil {
		t.Fatal(b.Err)
	}
	want := b.Suppressed()
	if len(seen) != want || want <= 50 || pages < 2 {
		t.Errorf("%d cells over %d pages, want all %d withheld on more than one page", len(seen), pages, want)
	}
	// One reason: only its cells, and fewer than all.
	body := readBody(t, f.do(t, adminKG, "GET", "/open/admin/"+slug+"?reason=secondary&per_page=500", "", ""))
	rows := rowRe.FindAllStringSubmatch(body, -1)
	if len(rows) == 0 || len(rows) >= want {
		t.Errorf("reason=secondary: %d of %d", len(rows), want)
	}
	for _, r := range rows {
		if r[3] != i18n.For("ky").T("opendata.reason.secondary") {
			t.Errorf("reason=secondary lists %q", r[3])
		}
	}
	for _, q := range []string{"table=nope", "reason=both", "page=x"} {
		if resp := f.do(t, adminKG, "GET", "/open/admin/"+slug+"?"+q, "", ""); resp.StatusCode != http.StatusBadRequest {
			t.Errorf("%s: %d, want 400", q, resp.StatusCode)
		}
	}
}

// TestOpenDataSkipsSessionLookup: open data for programs is the same for
// everyone, so a session cookie is not looked up there (an unknown one is
// neither refused nor cleared), while the portal's pages still check it;
// an unpublished dataset's files still need a national administrator's
// session (the access matrix signs in as each role).
func TestOpenDataSkipsSessionLookup(t *testing.T) {
	f := mustFixture(t)
	mustOpenData(t, f)
	get := func(path string) *http.Response {
		req, _ := http.NewRequest("GET", f.srv.URL+path, nil)
		req.AddCookie(&http.Cookie{Name: auth.CookieName, Value: "not-a-session"})
		resp, err := (&http.Transport{}).RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp
	}
	for _, path := range []string{"/open/offenses-monthly/counts.csv", "/api/3/action/package_list", "/api/action/package_list", "/catalog.jsonld"} {
		resp := get(path)
		if resp.StatusCode != 200 || resp.Header.Get("Set-Cookie") != "" {
			t.Errorf("%s with an unknown session: %d, Set-Cookie %q", path, resp.StatusCode, resp.Header.Get("Set-Cookie"))
		}
	}
	if resp := get("/open/coordination/meetings-decisions.csv"); resp.StatusCode != http.StatusNotFound {
		t.Errorf("unpublished file with an unknown session: %d, want 404", resp.StatusCode)
	}
	if resp := get("/open"); !strings.Contains(resp.Header.Get("Set-Cookie"), auth.CookieName+"=") {
		t.Errorf("the portal page did not clear the unknown session: %q", resp.Header.Get("Set-Cookie"))
	}
}

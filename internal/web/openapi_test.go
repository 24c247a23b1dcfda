package web_test

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestOpenAPIMatchesRoutes checks every API route is in the served OpenAPI
// document with its method, and the document names no route that is not
// registered.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	f := mustFixture(t)
	var doc struct {
		OpenAPI string                                `json:"openapi"`
		Paths   map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal([]byte(readBody(t, f.do(t, anon, "GET", "/api/v1/openapi.json", "", ""))), &doc); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(doc.OpenAPI, "3.") {
		t.Errorf("openapi version %q", doc.OpenAPI)
	}
	registered := map[string]bool{}
	for _, rt := range f.web.Routes() {
		if !strings.HasPrefix(rt.Pattern, "/api/") {
			continue
		}
		key := strings.ToLower(rt.Method) + " " + rt.Pattern
		registered[key] = true
		if _, ok := doc.Paths[rt.Pattern][strings.ToLower(rt.Method)]; !ok {
			t.Errorf("route %s %s is not in the OpenAPI document", rt.Method, rt.Pattern)
		}
	}
	for path, ops := range doc.Paths {
		for method := range ops {
			if !registered[method+" "+path] {
				t.Errorf("the OpenAPI document names %s %s, which is not a route", method, path)
			}
		}
	}
	if len(registered) < 15 {
		t.Errorf("only %d API routes found", len(registered))
	}
}

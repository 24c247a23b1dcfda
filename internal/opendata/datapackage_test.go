package opendata_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/planar"

	"github.com/aldyn-kg/aldyn/internal/country"
	"github.com/aldyn-kg/aldyn/internal/opendata"
)

// validate checks v against a JSON Schema (draft-04) node: the keywords
// the Frictionless schemas use (type, enum, required, properties, items,
// minItems, uniqueItems, oneOf, anyOf, pattern). Go's regexp has no
// look-ahead; the one pattern that needs it (the path pattern: no leading
// ".", "/" or "~" and no "..") is checked by what it says.
func validate(schema map[string]any, v any, at string) []string {
	var errs []string
	fail := func(format string, args ...any) { errs = append(errs, at+": "+fmt.Sprintf(format, args...)) }
	if t, ok := schema["type"]; ok {
		var types []string
		switch x := t.(type) {
		case string:
			types = []string{x}
		case []any:
			for _, y := range x {
				types = append(types, y.(string))
			}
		}
		okType := false
		for _, ty := range types {
			okType = okType || isType(v, ty)
		}
		if !okType {
			fail("type %T is not %v", v, types)
			return errs
		}
	}
	if e, ok := schema["enum"].([]any); ok {
		found := false
		for _, x := range e {
			found = found || fmt.Sprint(x) == fmt.Sprint(v)
		}
		if !found {
			fail("%v not in %v", v, e)
		}
	}
	if p, ok := schema["pattern"].(string); ok {
		if s, isStr := v.(string); isStr {
			if strings.Contains(p, "(?=") {
				if s == "" || strings.ContainsAny(s[:1], "./~") || strings.Contains(s, "..") {
					fail("path %q breaks %s", s, p)
				}
			} else if !regexp.MustCompile(p).MatchString(s) {
				fail("%q does not match %s", s, p)
			}
		}
	}
	if obj, ok := v.(map[string]any); ok {
		if req, ok := schema["required"].([]any); ok {
			for _, r := range req {
				if _, has := obj[r.(string)]; !has {
					fail("missing %s", r)
				}
			}
		}
		if props, ok := schema["properties"].(map[string]any); ok {
			for k, sub := range props {
				if x, has := obj[k]; has {
					errs = append(errs, validate(sub.(map[string]any), x, at+"."+k)...)
				}
			}
		}
	}
	if arr, ok := v.([]any); ok {
		if m, ok := schema["minItems"].(float64); ok && float64(len(arr)) < m {
			fail("%d items, want at least %g", len(arr), m)
		}
		if u, _ := schema["uniqueItems"].(bool); u {
			seen := map[string]bool{}
			for _, x := range arr {
				k := fmt.Sprint(x)
				if seen[k] {
					fail("repeated item %v", x)
				}
				seen[k] = true
			}
		}
		if items, ok := schema["items"].(map[string]any); ok {
			for i, x := range arr {
				errs = append(errs, validate(items, x, fmt.Sprintf("%s[%d]", at, i))...)
			}
		}
	}
	if one, ok := schema["oneOf"].([]any); ok {
		n := 0
		for _, s := range one {
			if len(validate(s.(map[string]any), v, at)) == 0 {
				n++
			}
		}
		if n != 1 {
			fail("matches %d of oneOf, want 1", n)
		}
	}
	if anyOf, ok := schema["anyOf"].([]any); ok {
		n := 0
		for _, s := range anyOf {
			if len(validate(s.(map[string]any), v, at)) == 0 {
				n++
			}
		}
		if n == 0 {
			fail("matches none of anyOf")
		}
	}
	return errs
}

func isType(v any, t string) bool {
	switch t {
	case "object":
		_, ok := v.(map[string]any)
		return ok
	case "array":
		_, ok := v.([]any)
		return ok
	case "string":
		_, ok := v.(string)
		return ok
	case "number":
		_, ok := v.(float64)
		return ok
	case "integer":
		f, ok := v.(float64)
		return ok && f == float64(int64(f))
	case "boolean":
		_, ok := v.(bool)
		return ok
	case "null":
		return v == nil
	}
	return false
}

func mustSchema(tb testing.TB) map[string]any {
	b, err := os.ReadFile("testdata/frictionless/tabular-data-package.json")
	if err != nil {
		tb.Fatal(err)
	}
	var s map[string]any
	if err := json.Unmarshal(b, &s); err != nil {
		tb.Fatal(err)
	}
	return s
}

// The validator must reject what the schema forbids, or its silence proves
// nothing.
func TestSchemaValidatorRejects(t *testing.T) {
	s := mustSchema(t)
	for name, doc := range map[string]string{
		"no resources":  `{"profile":"tabular-data-package"}`,
		"bad name":      `{"profile":"tabular-data-package","name":"Bad Name","resources":[{"profile":"tabular-data-resource","name":"a","path":"a.csv","schema":{"fields":[{"name":"x","type":"string"}]}}]}`,
		"bad path":      `{"profile":"tabular-data-package","resources":[{"profile":"tabular-data-resource","name":"a","path":"../a.csv","schema":{"fields":[{"name":"x","type":"string"}]}}]}`,
		"bad type":      `{"profile":"tabular-data-package","resources":[{"profile":"tabular-data-resource","name":"a","path":"a.csv","schema":{"fields":[{"name":"x","type":"text"}]}}]}`,
		"no schema":     `{"profile":"tabular-data-package","resources":[{"profile":"tabular-data-resource","name":"a","path":"a.csv"}]}`,
		"wrong profile": `{"profile":"data-package","resources":[{"profile":"tabular-data-resource","name":"a","path":"a.csv","schema":{"fields":[{"name":"x","type":"string"}]}}]}`,
	} {
		var v any
		if err := json.Unmarshal([]byte(doc), &v); err != nil {
			t.Fatal(err)
		}
		if errs := validate(s, v, "$"); len(errs) == 0 {
			t.Errorf("%s: accepted", name)
		}
	}
}

// checkCSV reads a CSV against its Table Schema: the header names the
// fields in order; every value is missing ("") or of its field's type;
// constraints (minimum, required) hold; a withheld row has no count.
func checkCSV(body []byte, schema map[string]any) []string {
	var errs []string
	if bytes.HasPrefix(body, []byte("\ufeff")) {
		return []string{"byte-order mark"}
	}
	recs, err := csv.NewReader(bytes.NewReader(body)).ReadAll()
	if err != nil {
		return []string{err.Error()}
	}
	fields := schema["fields"].([]any)
	if len(recs) == 0 || len(recs[0]) != len(fields) {
		return []string{"header does not match the fields"}
	}
	for i, f := range fields {
		if recs[0][i] != f.(map[string]any)["name"] {
			errs = append(errs, fmt.Sprintf("column %d is %q, want %q", i+1, recs[0][i], f.(map[string]any)["name"]))
		}
	}
	for r, rec := range recs[1:] {
		for i, f := range fields {
			fd := f.(map[string]any)
			v := rec[i]
			cons, _ := fd["constraints"].(map[string]any)
			if v == "" {
				if req, _ := cons["required"].(bool); req {
					errs = append(errs, fmt.Sprintf("row %d %s: required", r+2, fd["name"]))
				}
				continue
			}
			var bad bool
			switch fd["type"] {
			case "integer":
				n, err := strconv.ParseInt(v, 10, 64)
				bad = err != nil
				if m, ok := cons["minimum"].(float64); ok && float64(n) < m {
					bad = true
				}
			case "number":
				_, err := strconv.ParseFloat(v, 64)
				bad = err != nil
			case "boolean":
				bad = v != "true" && v != "false"
			case "year":
				_, err := strconv.Atoi(v)
				bad = err != nil || len(v) != 4
			case "yearmonth":
				_, err := time.Parse("2006-01", v)
				bad = err != nil
			case "date":
				_, err := time.Parse(time.DateOnly, v)
				bad = err != nil
			}
			if bad {
				errs = append(errs, fmt.Sprintf("row %d %s: %q is not a valid %s", r+2, fd["name"], v, fd["type"]))
			}
		}
		if len(errs) > 20 {
			break
		}
	}
	return errs
}

// TestDataPackagesValid: every dataset's datapackage.json validates
// against the Frictionless Tabular Data Package schema, and each CSV
// against its Table Schema, with byte count and hash right.
func TestDataPackagesValid(t *testing.T) {
	db := MustDemoDB(t)
	schema := mustSchema(t)
	for _, d := range opendata.Datasets() {
		t.Run(d.Slug, func(t *testing.T) {
			b := opendata.BuildDataset(context.Background(), db, d, opendata.Input{K: 5})
			if b.Err != nil {
				t.Fatal(b.Err)
			}
			b.Version.Version, b.Version.CreatedAt = 1, time.Now()
			dp, err := opendata.DataPackage(b, "CC-BY-4.0")
			if err != nil {
				t.Fatal(err)
			}
			var v map[string]any
			if err := json.Unmarshal(dp.Body, &v); err != nil {
				t.Fatal(err)
			}
			for _, e := range validate(schema, v, "$") {
				t.Error(e)
			}
			for _, r := range v["resources"].([]any) {
				res := r.(map[string]any)
				file := b.Resource(res["path"].(string))
				if file == nil {
					t.Fatalf("no file %s", res["path"])
				}
				if int(res["bytes"].(float64)) != len(file.Body) {
					t.Errorf("%s: bytes %v, file %d", res["path"], res["bytes"], len(file.Body))
				}
				for _, e := range checkCSV(file.Body, res["schema"].(map[string]any)) {
					t.Errorf("%s: %s", res["path"], e)
				}
			}
		})
	}
}

func TestCSVCheckerRejects(t *testing.T) {
	schema := map[string]any{"fields": []any{
		map[string]any{"name": "count", "type": "integer", "constraints": map[string]any{"minimum": 0.0}},
		map[string]any{"name": "suppressed", "type": "boolean", "constraints": map[string]any{"required": true}},
	}}
	for name, body := range map[string]string{
		"negative": "count,suppressed\n-1,false\n", "text count": "count,suppressed\nabc,false\n",
		"no flag": "count,suppressed\n3,\n", "bad header": "n,suppressed\n3,false\n", "bom": "\ufeffcount,suppressed\n3,false\n",
	} {
		if errs := checkCSV([]byte(body), schema); len(errs) == 0 {
			t.Errorf("%s: accepted", name)
		}
	}
	if errs := checkCSV([]byte("count,suppressed\n,true\n7,false\n"), schema); len(errs) != 0 {
		t.Errorf("valid CSV: %v", errs)
	}
}

// TestGridGeoJSON: the grid's GeoJSON is a FeatureCollection (RFC 7946)
// of closed polygons, one per CSV row, with the row's values as
// properties: each a grid square cut by its territory's boundary (the
// demo has oblast boundaries only), so inside the country and never
// larger than a square.
func TestGridGeoJSON(t *testing.T) {
	db := MustDemoDB(t)
	b := opendata.BuildDataset(context.Background(), db, opendata.Lookup("offenses-grid-quarterly"), opendata.Input{K: 5})
	if b.Err != nil {
		t.Fatal(b.Err)
	}
	res := b.Resource("cells.geojson")
	if res == nil || res.MediaType != "application/geo+json" {
		t.Fatalf("no GeoJSON resource: %v", res)
	}
	var raw struct {
		Type     string `json:"type"`
		Features []struct {
			Type string `json:"type"`
		} `json:"features"`
	}
	if err := json.Unmarshal(res.Body, &raw); err != nil {
		t.Fatal(err)
	}
	fc, err := geojson.UnmarshalFeatureCollection(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	if raw.Type != "FeatureCollection" || len(fc.Features) != len(b.Tables[0].Rows) || len(fc.Features) == 0 {
		t.Fatalf("%s with %d features for %d rows", raw.Type, len(fc.Features), len(b.Tables[0].Rows))
	}
	square := 0.0
	clipped := 0
	for i, f := range fc.Features {
		mp := asMulti(f.Geometry)
		if raw.Features[i].Type != "Feature" || len(mp) == 0 {
			t.Fatalf("feature %d: %s %s", i, raw.Features[i].Type, f.Geometry.GeoJSONType())
		}
		for _, p := range mp {
			for _, r := range p {
				if len(r) < 4 || r[0] != r[len(r)-1] {
					t.Fatalf("feature %d: open ring %v", i, r)
				}
			}
		}
		if !country.Contains(f.Geometry, 1e-4) {
			t.Errorf("feature %d: %v reaches outside the country", i, f.Geometry.Bound())
		}
		box := f.Geometry.Bound()
		a := planar.Area(f.Geometry)
		square = max(square, planar.Area(box.ToPolygon()))
		if a < 0.999*planar.Area(box.ToPolygon()) {
			clipped++
		}
		if _, ok := f.Properties["suppressed"].(bool); !ok {
			t.Fatalf("feature %d: no suppressed flag: %v", i, f.Properties)
		}
	}
	for i, f := range fc.Features {
		if a := planar.Area(f.Geometry); a > square*1.01 {
			t.Errorf("feature %d: area %.5f, more than a square (%.5f)", i, a, square)
		}
	}
	if clipped == 0 {
		t.Error("no square on an oblast boundary was cut")
	}
}

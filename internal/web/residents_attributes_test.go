package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/aldyn-kg/aldyn"
)

// TestResidentCategoryAttributesForm: a national administrator gives a
// category questions on its page and in the API; every bad question is an
// error at the field, in the page and in the API.
func TestResidentCategoryAttributesForm(t *testing.T) {
	f := mustFixture(t)
	ctx := context.Background()
	cat := mustResidentCategory(t, f, "other")
	const form, js = "application/x-www-form-urlencoded", "application/json"
	good := `[{"code": "noise_kind", "datatype": "singlevaluelist", "required": true, "order": 1,
	  "description": {"ky": "Кандай ызы-чуу?", "ru": "Какой шум?", "en": "What kind of noise?"},
	  "values": [{"key": "music", "name": {"ky": "Музыка", "ru": "Музыка", "en": "Music"}},
	             {"key": "works", "name": {"ky": "Курулуш иштери", "ru": "Строительные работы", "en": "Building works"}}]}]`
	page := func(attrs string) url.Values {
		return url.Values{"name_ky": {"Башка"}, "name_ru": {"Другое"}, "name_en": {"Other"}, "body_types": {"police"},
			"deadline_days": {"15"}, "public": {"1"}, "active": {"1"}, "position": {"90"}, "attributes": {attrs}}
	}
	broken := map[string]string{
		"not JSON":                  `[{"code": "noise_kind",`,
		"an unknown name":           `[{"code": "noise_kind", "datatype": "string", "widget": "slider"}]`,
		"unknown datatype":          strings.Replace(good, "singlevaluelist", "dropdown", 1),
		"list type without values":  `[{"code": "noise_kind", "datatype": "multivaluelist", "description": {"ky": "Кандай?", "ru": "Какой?", "en": "Which?"}, "values": []}]`,
		"duplicate code":            "[" + good[1:len(good)-1] + "," + good[1:len(good)-1] + "]",
		"duplicate key":             strings.Replace(good, `"key": "works"`, `"key": "music"`, 1),
		"bad code shape":            strings.Replace(good, `"code": "noise_kind"`, `"code": "Noise kind"`, 1),
		"a question without Kyrgyz": strings.Replace(good, `"ky": "Кандай ызы-чуу?"`, `"ky": ""`, 1),
	}
	for name, attrs := range broken {
		t.Run(name, func(t *testing.T) {
			resp := f.do(t, adminKG, "POST", "/resident-categories/"+mtID(cat.ID), form, page(attrs).Encode())
			body := readBody(t, resp)
			if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, `id="e-attributes"`) {
				t.Fatalf("page: got %d, want 400 with an error at attributes", resp.StatusCode)
			}
			var in map[string]any
			json.Unmarshal([]byte(`{"name": {"ky": "Башка", "ru": "Другое", "en": "Other"}, "body_types": ["police"], "deadline_days": 15}`), &in)
			var list any
			if err := json.Unmarshal([]byte(attrs), &list); err != nil {
				return // not JSON: the API's body would not be either
			}
			in["attributes"] = list
			b, _ := json.Marshal(in)
			resp = f.do(t, adminKG, "PUT", "/api/v1/resident-categories/"+mtID(cat.ID), js, string(b))
			body = readBody(t, resp)
			want := "attributes"
			if name == "an unknown name" {
				want = "widget" // the API names the unknown name itself
			}
			if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, want) {
				t.Errorf("API: got %d, want 400 naming %s: %s", resp.StatusCode, want, body)
			}
		})
	}
	resp := f.do(t, adminKG, "POST", "/resident-categories/"+mtID(cat.ID), form, page(good).Encode())
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: %d %s", resp.StatusCode, readBody(t, resp))
	}
	c, err := f.db.FindResidentCategoryByID(ctx, cat.ID)
	if err != nil || len(c.Attributes) != 1 || c.Attributes[0].Values[1].Name.RU != "Строительные работы" || !c.Attributes[0].Required {
		t.Fatalf("saved %+v %v", c, err)
	}
	// The page shows the questions back as they are stored.
	if body := readBody(t, f.do(t, adminKG, "GET", "/resident-categories/"+mtID(cat.ID), "", "")); !strings.Contains(body, "Строительные работы") {
		t.Error("the edit page does not show the questions")
	}
	// The API replaces them: an empty list takes them away.
	resp = f.do(t, adminKG, "PUT", "/api/v1/resident-categories/"+mtID(cat.ID), js,
		`{"name": {"ky": "Башка", "ru": "Другое", "en": "Other"}, "body_types": ["police"], "deadline_days": 15, "active": true, "public": true, "attributes": []}`)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("API: %d %s", resp.StatusCode, readBody(t, resp))
	}
	if c, _ = f.db.FindResidentCategoryByID(ctx, cat.ID); len(c.Attributes) != 0 {
		t.Errorf("after the API's empty list: %+v", c.Attributes)
	}
}

func formMultipart(v url.Values) (string, string) {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, xs := range v {
		for _, x := range xs {
			mw.WriteField(k, x)
		}
	}
	mw.Close()
	return mw.FormDataContentType(), buf.String()
}

// TestResidentFormAttributes: /report asks the chosen category's
// questions, refuses bad answers at their fields, stores good ones; the
// staff page shows every answer, the public page the list answers only,
// never what the resident typed.
func TestResidentFormAttributes(t *testing.T) {
	f := mustFixture(t)
	ctx := context.Background()
	cat := mustResidentCategory(t, f, "other")
	cat.Attributes = []aldyn.CategoryAttribute{
		{Code: "noise_kind", Datatype: aldyn.AttributeSingleValueList, Required: true, Order: 1,
			Description: aldyn.Text{KY: "Кандай ызы-чуу?", RU: "Какой шум?", EN: "What kind of noise?"},
			Values: []aldyn.AttributeValue{{Key: "music", Name: aldyn.Text{KY: "Катуу музыка", RU: "Громкая музыка", EN: "Loud music"}},
				{Key: "works", Name: aldyn.Text{KY: "Курулуш иштери", RU: "Строительные работы", EN: "Building works"}}}},
		{Code: "where_exactly", Datatype: aldyn.AttributeString, Order: 2,
			Description: aldyn.Text{KY: "Так кай жерде?", RU: "Где именно?", EN: "Where exactly?"}},
	}
	if err := f.db.UpdateResidentCategory(ctx, aldyn.System, cat); err != nil {
		t.Fatal(err)
	}
	body := readBody(t, f.do(t, anon, "GET", "/report", "", ""))
	for _, want := range []string{`data-attributes-for="` + mtID(cat.ID) + `"`, `name="attribute[noise_kind]"`, `value="works"`, `name="attribute[where_exactly]"`} {
		if !strings.Contains(body, want) {
			t.Errorf("/report lacks %s", want)
		}
	}
	report := url.Values{"category_id": {mtID(cat.ID)}, "territory_code": {codeA}, "description": {"Түн ичинде короодо катуу ызы-чуу болот"}}
	// A required question left out, then an answer not in the list.
	for name, v := range map[string]string{"required missing": "", "unknown key": "fireworks"} {
		r := url.Values{}
		for k, x := range report {
			r[k] = x
		}
		if v != "" {
			r.Set("attribute[noise_kind]", v)
		}
		ctype, b := formMultipart(r)
		resp := f.do(t, anon, "POST", "/report", ctype, b)
		body := readBody(t, resp)
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, `id="e-attr-`+mtID(cat.ID)+`-noise_kind"`) {
			t.Errorf("%s: got %d, want 400 with the error at the question", name, resp.StatusCode)
		}
	}
	report.Set("attribute[noise_kind]", "music")
	report.Set("attribute[where_exactly]", "Бакыттын үйүнүн жанында")
	ctype, b := formMultipart(report)
	resp := f.do(t, anon, "POST", "/report", ctype, b)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("send: %d %s", resp.StatusCode, readBody(t, resp))
	}
	code := strings.TrimPrefix(strings.SplitN(resp.Header.Get("Location"), "?", 2)[0], "/reports/track/")
	rr, err := f.db.FindResidentReportByCode(ctx, code)
	if err != nil || rr.Attributes["noise_kind"][0] != "music" || rr.Attributes["where_exactly"][0] != "Бакыттын үйүнүн жанында" {
		t.Fatalf("stored %+v %v", rr, err)
	}
	staff := readBody(t, f.do(t, adminKG, "GET", "/residents/"+mtID(rr.ID), "", ""))
	for _, want := range []string{"Катуу музыка", "Бакыттын үйүнүн жанында"} {
		if !strings.Contains(staff, want) {
			t.Errorf("staff page lacks %q", want)
		}
	}
	if err := f.db.ModerateResidentReport(ctx, aldyn.System, rr.ID, true, nil); err != nil {
		t.Fatal(err)
	}
	public := readBody(t, f.do(t, anon, "GET", "/reports/public/"+mtID(rr.ID), "", ""))
	if !strings.Contains(public, "Катуу музыка") || strings.Contains(public, "Бакыттын") || strings.Contains(public, "Так кай жерде") {
		t.Errorf("public page: list answer shown %v, free answer hidden %v", strings.Contains(public, "Катуу музыка"), !strings.Contains(public, "Бакыттын"))
	}
	api := readBody(t, f.do(t, anon, "GET", "/api/v1/public-reports", "", ""))
	if strings.Contains(api, "Бакыттын") {
		t.Error("the public API shows a free answer")
	}
}

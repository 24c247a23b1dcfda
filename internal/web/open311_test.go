package web_test

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/aldyn-kg/aldyn"
)

// The fields GeoReport v2 lists for each element, to check the XML
// independently of the server's types: every child must be one of them,
// and the required ones present.
var open311Fields = map[string]struct{ allowed, required []string }{
	"discovery": {[]string{"changeset", "contact", "key_service", "endpoints"}, []string{"changeset", "contact", "key_service", "endpoints"}},
	"endpoint":  {[]string{"specification", "url", "changeset", "type", "formats"}, []string{"specification", "url", "changeset", "type", "formats"}},
	"service": {[]string{"service_code", "service_name", "description", "metadata", "type", "keywords", "group"},
		[]string{"service_code", "service_name", "metadata", "type"}},
	"service_definition": {[]string{"service_code", "attributes"}, []string{"service_code", "attributes"}},
	"request": {[]string{"service_request_id", "status", "status_notes", "service_name", "service_code", "description",
		"agency_responsible", "service_notice", "requested_datetime", "updated_datetime", "expected_datetime", "address", "address_id",
		"zipcode", "lat", "long", "media_url", "token", "account_id"}, []string{"service_request_id"}},
	"error": {[]string{"code", "description"}, []string{"code", "description"}},
	"attribute": {[]string{"variable", "code", "datatype", "required", "datatype_description", "order", "description", "values"},
		[]string{"variable", "code", "datatype", "required", "datatype_description", "order", "description"}},
	"value": {[]string{"key", "name"}, []string{"key", "name"}},
}

// xmlNode is any element with its children, for the check.
type xmlNode struct {
	XMLName  xml.Name
	Text     string    `xml:",chardata"`
	Children []xmlNode `xml:",any"`
}

func checkOpen311XML(t *testing.T, body, root string) xmlNode {
	t.Helper()
	if !strings.HasPrefix(body, `<?xml version="1.0" encoding="utf-8"?>`) {
		t.Errorf("no XML declaration with encoding utf-8: %.80s", body)
	}
	var n xmlNode
	if err := xml.Unmarshal([]byte(body), &n); err != nil {
		t.Fatalf("XML does not parse: %v\n%s", err, body)
	}
	if n.XMLName.Local != root {
		t.Fatalf("root <%s>, want <%s>", n.XMLName.Local, root)
	}
	var walk func(xmlNode)
	walk = func(e xmlNode) {
		if spec, ok := open311Fields[e.XMLName.Local]; ok {
			seen := map[string]bool{}
			for _, c := range e.Children {
				seen[c.XMLName.Local] = true
				if !slices.Contains(spec.allowed, c.XMLName.Local) {
					t.Errorf("<%s> has <%s>, which GeoReport v2 does not list", e.XMLName.Local, c.XMLName.Local)
				}
			}
			for _, r := range spec.required {
				if !seen[r] {
					t.Errorf("<%s> lacks <%s>", e.XMLName.Local, r)
				}
			}
		}
		for _, c := range e.Children {
			walk(c)
		}
	}
	walk(n)
	return n
}

type open311Client struct {
	t *testing.T
	f *fixture
	// bodies collects every answer, to scan for planted personal data.
	bodies []string
}

func (c *open311Client) do(method, path string, form url.Values) (int, string, string) {
	c.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, _ := http.NewRequest(method, c.f.srv.URL+path, body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	b := readBody(c.t, resp)
	c.bodies = append(c.bodies, b)
	return resp.StatusCode, resp.Header.Get("Content-Type"), b
}

// errorOf checks an error answer is in the specification's format.
func (c *open311Client) errorOf(format, body string, code int) {
	c.t.Helper()
	if format == "xml" {
		n := checkOpen311XML(c.t, body, "errors")
		if len(n.Children) == 0 || n.Children[0].XMLName.Local != "error" {
			c.t.Errorf("error XML: %s", body)
		}
		return
	}
	var es []struct {
		Code        int    `json:"code"`
		Description string `json:"description"`
	}
	if err := json.Unmarshal([]byte(body), &es); err != nil || len(es) != 1 || es[0].Code != code || es[0].Description == "" {
		c.t.Errorf("error JSON: %s (%v)", body, err)
	}
}

// mustOpen311Key issues an Open311 API key for the application named app.
func mustOpen311Key(t *testing.T, f *fixture, app string) string {
	t.Helper()
	_, key, err := f.db.CreateOpen311Key(context.Background(), aldyn.System, app)
	if err != nil {
		t.Fatal(err)
	}
	return key
}

func TestOpen311Conformance(t *testing.T) {
	f := mustFixture(t)
	ctx := context.Background()
	key := mustOpen311Key(t, f, "FixMyStreet test")
	revoked, badKey, err := f.db.CreateOpen311Key(ctx, aldyn.System, "old app")
	if err != nil {
		t.Fatal(err)
	}
	if err := f.db.RevokeOpen311Key(ctx, aldyn.System, revoked.ID); err != nil {
		t.Fatal(err)
	}
	c := &open311Client{t: t, f: f}
	planted := []string{"21203199012345", "0555 987 654", "bakyt@example.kg", "700 111 222", "planted@example.kg", "Жаныл", "42.973456", "74.701234"}
	post := func(format string, extra url.Values) url.Values {
		v := url.Values{"api_key": {key}, "jurisdiction_id": {"kg"}, "service_code": {"disorder_public"}, "lat": {"42.973456"}, "long": {"74.701234"},
			"description": {"Ночью у магазина драки; сосед (ПИН 21203199012345, тел. 0555 987 654, bakyt@example.kg) всё видел"},
			"email":       {"planted@example.kg"}, "phone": {"+996 700 111 222"}, "first_name": {"Жаныл"}, "last_name": {"Т."}}
		for k, x := range extra {
			v[k] = x
		}
		return v
	}
	var ids []int64
	for _, format := range []string{"xml", "json"} {
		t.Run(format, func(t *testing.T) {
			c.t = t
			ctype := map[string]string{"xml": "text/xml; charset=utf-8", "json": "application/json; charset=utf-8"}[format]
			ok := func(status int, ct, body string) {
				t.Helper()
				if status != 200 || ct != ctype {
					t.Fatalf("got %d %s, want 200 %s: %s", status, ct, ctype, body)
				}
			}
			// Discovery.
			st, ct, body := c.do("GET", "/open311/v2/discovery."+format, nil)
			ok(st, ct, body)
			if format == "xml" {
				checkOpen311XML(t, body, "discovery")
			} else {
				var d struct {
					Endpoints []struct {
						Specification string   `json:"specification"`
						URL           string   `json:"url"`
						Formats       []string `json:"formats"`
					} `json:"endpoints"`
				}
				if err := json.Unmarshal([]byte(body), &d); err != nil || len(d.Endpoints) != 1 || !strings.Contains(d.Endpoints[0].Specification, "GeoReport_v2") ||
					!slices.Contains(d.Endpoints[0].Formats, "text/xml") || !strings.HasSuffix(d.Endpoints[0].URL, "/open311/v2") {
					t.Errorf("discovery: %s", body)
				}
			}
			// Services: the public channel's categories, not the sensitive ones.
			st, ct, body = c.do("GET", "/open311/v2/services."+format+"?jurisdiction_id=kg", nil)
			ok(st, ct, body)
			if !strings.Contains(body, "disorder_public") || strings.Contains(body, "violence_home") {
				t.Errorf("services: %s", body)
			}
			if format == "xml" {
				checkOpen311XML(t, body, "services")
			} else {
				var ss []map[string]any
				if err := json.Unmarshal([]byte(body), &ss); err != nil || len(ss) != 9 || ss[0]["metadata"] != false || ss[0]["type"] != "realtime" {
					t.Errorf("services JSON: %s", body)
				}
				// metadata: true where the category asks questions.
				for _, x := range ss {
					if want := x["service_code"] == "dangerous_road" || x["service_code"] == "traffic_violation" || x["service_code"] == "unsafe_place"; x["metadata"] != want {
						t.Errorf("%s: metadata %v, want %v", x["service_code"], x["metadata"], want)
					}
				}
			}
			st, ct, body = c.do("GET", "/open311/v2/services/disorder_public."+format, nil)
			ok(st, ct, body)
			if format == "xml" {
				checkOpen311XML(t, body, "service_definition")
			} else if !strings.Contains(body, `"attributes":[]`) {
				t.Errorf("definition: %s", body)
			}
			st, _, body = c.do("GET", "/open311/v2/services/violence_home."+format, nil)
			if st != 404 {
				t.Errorf("a sensitive category's definition: %d", st)
			}
			c.errorOf(format, body, 404)
			st, _, body = c.do("GET", "/open311/v2/services."+format+"?jurisdiction_id=sf", nil)
			if st != 404 {
				t.Errorf("another jurisdiction: %d", st)
			}
			c.errorOf(format, body, 404)

			// POST: api_key required, revocable; fields checked.
			for name, v := range map[string]url.Values{"no key": post(format, url.Values{"api_key": {""}}), "revoked key": post(format, url.Values{"api_key": {badKey}})} {
				st, _, body = c.do("POST", "/open311/v2/requests."+format, v)
				if st != 403 {
					t.Errorf("%s: %d", name, st)
				}
				c.errorOf(format, body, 403)
			}
			for name, v := range map[string]url.Values{
				"no service_code":      post(format, url.Values{"service_code": {""}}),
				"unknown service_code": post(format, url.Values{"service_code": {"potholes"}}),
				"sensitive category":   post(format, url.Values{"service_code": {"violence_home"}}),
				"no location":          post(format, url.Values{"lat": {""}, "long": {""}}),
				"point abroad":         post(format, url.Values{"lat": {"51.5"}, "long": {"-0.1"}}),
				"bad e-mail":           post(format, url.Values{"email": {"not an address"}}),
				"long description":     post(format, url.Values{"description": {strings.Repeat("ы", 4001)}}),
			} {
				st, _, body = c.do("POST", "/open311/v2/requests."+format, v)
				if st != 400 {
					t.Errorf("%s: got %d, want 400: %s", name, st, body)
				}
				c.errorOf(format, body, 400)
			}
			st, ct, body = c.do("POST", "/open311/v2/requests."+format, post(format, nil))
			if st != 201 || ct != ctype {
				t.Fatalf("POST: %d %s %s", st, ct, body)
			}
			id, token := createdRequest(t, format, body)
			ids = append(ids, id)
			rr, err := f.db.FindResidentReportByID(ctx, id)
			if err != nil || rr.BodyID != f.bodyA.ID || rr.Source != aldyn.SourceOpen311 || rr.ContactEmail != "planted@example.kg" {
				t.Fatalf("stored: %+v %v", rr, err)
			}
			// Unmoderated: the request exists, with its status only.
			st, ct, body = c.do("GET", "/open311/v2/requests/"+mtID(id)+"."+format, nil)
			ok(st, ct, body)
			if !strings.Contains(body, "open") || strings.Contains(body, "драки") {
				t.Errorf("unmoderated request: %s", body)
			}
			// Moderated and answered: description (redacted), notes, point.
			if err := f.db.ModerateResidentReport(ctx, aldyn.System, id, true, []string{"Жаныл"}); err != nil {
				t.Fatal(err)
			}
			if _, err := f.db.TransitionResidentReport(ctx, aldyn.System, id, aldyn.ResidentAnswered, "Патруль усилен; звоните 0555 987 654"); err != nil {
				t.Fatal(err)
			}
			st, ct, body = c.do("GET", "/open311/v2/requests/"+mtID(id)+"."+format+"?jurisdiction_id=kg", nil)
			ok(st, ct, body)
			if format == "xml" {
				checkOpen311XML(t, body, "service_requests")
			}
			for _, want := range []string{"closed", "Патруль усилен", "драки", "disorder_public", "42.973", "74.701"} {
				if !strings.Contains(body, want) {
					t.Errorf("request: %q missing in %s", want, body)
				}
			}
			// Tokens.
			st, ct, body = c.do("GET", "/open311/v2/tokens/"+token+"."+format, nil)
			ok(st, ct, body)
			if !strings.Contains(body, mtID(id)) {
				t.Errorf("token: %s", body)
			}
			if format == "xml" {
				checkOpen311XML(t, body, "service_requests")
			}
			st, _, body = c.do("GET", "/open311/v2/tokens/nosuchtoken."+format, nil)
			if st != 404 {
				t.Errorf("unknown token: %d", st)
			}
			c.errorOf(format, body, 404)
			st, _, body = c.do("GET", "/open311/v2/requests/99999."+format, nil)
			if st != 404 {
				t.Errorf("unknown request: %d", st)
			}
			c.errorOf(format, body, 404)
		})
	}
	c.t = t
	// GET requests with the specification's filters.
	count := func(q string) int {
		t.Helper()
		st, _, body := c.do("GET", "/open311/v2/requests.json"+q, nil)
		if st != 200 {
			t.Fatalf("%s: %d %s", q, st, body)
		}
		var rs []map[string]any
		if err := json.Unmarshal([]byte(body), &rs); err != nil {
			t.Fatal(err)
		}
		return len(rs)
	}
	for q, want := range map[string]int{
		"":                                    2,
		"?jurisdiction_id=kg&status=closed":   2,
		"?status=open":                        0,
		"?status=open,closed":                 2,
		"?service_code=disorder_public":       2,
		"?service_code=municipal,other":       0,
		"?service_request_id=" + mtID(ids[0]): 1,
		"?service_request_id=" + mtID(ids[0]) + "," + mtID(ids[1]) + "&status=open": 2, // ids override the rest
		"?start_date=2020-01-01T00:00:00Z&end_date=2020-03-01T00:00:00Z":            0,
	} {
		if got := count(q); got != want {
			t.Errorf("requests%s: %d, want %d", q, got, want)
		}
	}
	for _, q := range []string{"?status=pending", "?start_date=2020-01-01T00:00:00Z&end_date=2021-01-01T00:00:00Z", "?start_date=yesterday",
		"?service_code=potholes", "?service_request_id=abc"} {
		st, _, body := c.do("GET", "/open311/v2/requests.xml"+q, nil)
		if st != 400 {
			t.Errorf("requests%s: %d, want 400", q, st)
		}
		c.errorOf("xml", body, 400)
	}
	st, _, body := c.do("GET", "/open311/v2/requests.xml?status=closed", nil)
	if st != 200 {
		t.Fatal(st)
	}
	checkOpen311XML(t, body, "service_requests")
	// Nothing personal left in any answer.
	for _, b := range c.bodies {
		for _, p := range planted {
			if strings.Contains(b, p) {
				t.Errorf("an Open311 answer holds %q: %.300s", p, b)
			}
		}
	}
}

// TestOpen311ServiceDefinitions: a category's questions come as the
// specification's service definition, in JSON and in XML (its element
// names checked by checkOpen311XML), in the language the locale asks for;
// POST requests takes attribute[code]=value and attribute[code][]=value,
// stores the answers, and refuses each bad answer with a 400 in the
// specification's error format naming the attribute.
func TestOpen311ServiceDefinitions(t *testing.T) {
	f := mustFixture(t)
	ctx := context.Background()
	key := mustOpen311Key(t, f, "attributes test")
	// A category with a number, a date and time and a free text too.
	mun := mustResidentCategory(t, f, "other")
	q := func(ky, ru, en string) aldyn.Text { return aldyn.Text{KY: ky, RU: ru, EN: en} }
	mun.Attributes = []aldyn.CategoryAttribute{
		{Code: "animals", Datatype: aldyn.AttributeNumber, Required: true, Order: 1, Description: q("Канча ит?", "Сколько собак?", "How many dogs?")},
		{Code: "seen_at", Datatype: aldyn.AttributeDatetime, Order: 2, Description: q("Качан көрдүңүз?", "Когда вы их видели?", "When did you see them?"),
			DatatypeDescription: q("Күнү жана убактысы", "Дата и время", "Date and time")},
		{Code: "details", Datatype: aldyn.AttributeText, Order: 3, Description: q("Кошумча", "Подробности", "Details")},
	}
	if err := f.db.UpdateResidentCategory(ctx, aldyn.System, mun); err != nil {
		t.Fatal(err)
	}
	c := &open311Client{t: t, f: f}
	post := func(format string, v url.Values) (int, string) {
		t.Helper()
		base := url.Values{"api_key": {key}, "lat": {"42.973456"}, "long": {"74.701234"}, "description": {"Бул жерде көп кырсык болот, жардам бериңиздер"}}
		for k, x := range v {
			base[k] = x
		}
		st, _, body := c.do("POST", "/open311/v2/requests."+format, base)
		return st, body
	}
	for _, format := range []string{"json", "xml"} {
		t.Run(format, func(t *testing.T) {
			c.t = t
			st, _, body := c.do("GET", "/open311/v2/services/dangerous_road."+format+"?locale=ru_KG", nil)
			if st != 200 {
				t.Fatalf("definition: %d %s", st, body)
			}
			type value struct {
				Key  string `json:"key" xml:"key"`
				Name string `json:"name" xml:"name"`
			}
			var def struct {
				ServiceCode string `json:"service_code" xml:"service_code"`
				Attributes  []struct {
					Variable            bool    `json:"variable" xml:"variable"`
					Code                string  `json:"code" xml:"code"`
					Datatype            string  `json:"datatype" xml:"datatype"`
					Required            bool    `json:"required" xml:"required"`
					DatatypeDescription *string `json:"datatype_description" xml:"datatype_description"`
					Order               int     `json:"order" xml:"order"`
					Description         string  `json:"description" xml:"description"`
					Values              []value `json:"values" xml:"values>value"`
				} `json:"attributes" xml:"attributes>attribute"`
			}
			var err error
			if format == "xml" {
				checkOpen311XML(t, body, "service_definition")
				err = xml.Unmarshal([]byte(body), &def)
			} else {
				err = json.Unmarshal([]byte(body), &def)
				if !strings.Contains(body, `"datatype_description":null`) {
					t.Errorf("an empty datatype_description is not null: %s", body)
				}
			}
			if err != nil || def.ServiceCode != "dangerous_road" || len(def.Attributes) != 2 {
				t.Fatalf("definition %+v %v: %s", def, err, body)
			}
			a := def.Attributes[0]
			if !a.Variable || a.Code != "hazard_kind" || a.Datatype != "singlevaluelist" || !a.Required || a.Order != 10 ||
				a.Description != "Вид опасности" || len(a.Values) != 6 || a.Values[0] != (value{"no_crossing", "Нет пешеходного перехода"}) {
				t.Errorf("first attribute: %+v", a)
			}
			// Kyrgyz by Accept-Language when no locale is given.
			req, _ := http.NewRequest("GET", f.srv.URL+"/open311/v2/services/traffic_violation."+format, nil)
			req.Header.Set("Accept-Language", "ky")
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			if b := readBody(t, resp); !strings.Contains(b, "Бузуунун түрү") || !strings.Contains(b, "multivaluelist") || !strings.Contains(b, "Бир нечесин тандасаңыз болот") {
				t.Errorf("Kyrgyz definition: %s", b)
			}

			// The answers are stored.
			st, body = post(format, url.Values{"service_code": {"traffic_violation"}, "attribute[violation_kind]": {"red_light"},
				"attribute[time_of_day][]": {"evening", "night"}, "attribute[how_often]": {"daily"}})
			if st != http.StatusCreated {
				t.Fatalf("POST with attributes: %d %s", st, body)
			}
			id, _ := createdRequest(t, format, body)
			rr, err := f.db.FindResidentReportByID(ctx, id)
			if err != nil || !slices.Equal(rr.Attributes["violation_kind"], []string{"red_light"}) ||
				!slices.Equal(rr.Attributes["time_of_day"], []string{"evening", "night"}) || !slices.Equal(rr.Attributes["how_often"], []string{"daily"}) {
				t.Fatalf("stored answers %v %v", rr.Attributes, err)
			}
			st, body = post(format, url.Values{"service_code": {"other"}, "attribute[animals]": {"4"}, "attribute[seen_at]": {"2026-03-01T18:30:00+06:00"}})
			if st != http.StatusCreated {
				t.Fatalf("POST number and datetime: %d %s", st, body)
			}
			id, _ = createdRequest(t, format, body)
			if rr, err = f.db.FindResidentReportByID(ctx, id); err != nil || rr.Attributes["animals"][0] != "4" ||
				rr.Attributes["seen_at"][0] != "2026-03-01T18:30:00+06:00" {
				t.Fatalf("stored answers %v %v", rr.Attributes, err)
			}
			// Each rule broken once: 400, naming the attribute.
			for name, v := range map[string]url.Values{
				"required missing": {"service_code": {"traffic_violation"}, "attribute[time_of_day][]": {"night"}},
				"unknown key":      {"service_code": {"traffic_violation"}, "attribute[violation_kind]": {"drunk_driver"}},
				"unknown key in a multivaluelist": {"service_code": {"traffic_violation"}, "attribute[violation_kind]": {"speeding"},
					"attribute[time_of_day][]": {"night", "teatime"}},
				"two values of a singlevaluelist": {"service_code": {"traffic_violation"}, "attribute[violation_kind][]": {"speeding", "parking"}},
				"not a number":                    {"service_code": {"other"}, "attribute[animals]": {"a lot"}},
				"bad datetime":                    {"service_code": {"other"}, "attribute[animals]": {"2"}, "attribute[seen_at]": {"01.03.2026"}},
			} {
				st, body := post(format, v)
				if st != http.StatusBadRequest {
					t.Errorf("%s: got %d, want 400: %s", name, st, body)
					continue
				}
				c.errorOf(format, body, 400)
				attr := "attribute[" + map[string]string{"required missing": "violation_kind", "unknown key": "violation_kind",
					"unknown key in a multivaluelist": "time_of_day", "two values of a singlevaluelist": "violation_kind",
					"not a number": "animals", "bad datetime": "seen_at"}[name] + "]"
				if !strings.Contains(body, attr) {
					t.Errorf("%s: the error does not name %s: %s", name, attr, body)
				}
			}
		})
	}
}

// createdRequest reads the id and token of the request POST requests made.
func createdRequest(t *testing.T, format, body string) (int64, string) {
	t.Helper()
	type request struct {
		ID    int64  `json:"service_request_id" xml:"service_request_id"`
		Token string `json:"token" xml:"token"`
	}
	var created []request
	var err error
	if format == "xml" {
		checkOpen311XML(t, body, "service_requests")
		var x struct {
			Requests []request `xml:"request"`
		}
		err = xml.Unmarshal([]byte(body), &x)
		created = x.Requests
	} else {
		err = json.Unmarshal([]byte(body), &created)
	}
	if err != nil || len(created) != 1 || created[0].ID == 0 || created[0].Token == "" {
		t.Fatalf("POST answer %s (%v)", body, err)
	}
	return created[0].ID, created[0].Token
}

package web_test

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/aldyn-kg/aldyn"
)

// TestOpen311ServiceDefinitions: a category's questions come as the
// specification's service definition, in JSON and in XML (its element
// names checked by checkOpen311XML), in the language the locale asks for;
// POST requests takes attribute[code]=value and attribute[code][]=value,
// stores the answers, and refuses each bad answer with a 400 in the
// specification's error format naming the attribute.
func TestOpen311ServiceDefinitions(t *testing.T) {
	f := mustFixture(t)
	ctx := context.Background()
	_, key, err := f.db.CreateOpen311Key(ctx, aldyn.System, "attributes test")
	if err != nil {
		t.Fatal(err)
	}
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

package web

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/i18n"
	"github.com/aldyn-kg/aldyn/internal/residents"
	"github.com/aldyn-kg/aldyn/internal/web/static"
)

// Open311 GeoReport v2 (http://wiki.open311.org/GeoReport_v2) at
// /open311/v2/, jurisdiction "kg": service discovery, the list of services
// (the residents' report categories taken through the public channel),
// service definitions, POST requests with an api_key, GET requests with
// the specification's filters, GET one request, and tokens. Every method
// answers XML (.xml, the specification's required format) and JSON
// (.json); errors come in the specification's format, with its codes.
//
// What a request shows follows the residents' channel's rules: lists hold
// only moderated reports of public categories; any other request answers
// its status alone. Contact details, notes and the exact pin never leave.

const (
	open311Jurisdiction = "kg"
	open311Spec         = "http://wiki.open311.org/GeoReport_v2"
	open311MaxResults   = 1000
	open311MaxDays      = 90
	open311KeyPerHour   = 600
	open311MaxDesc      = 4000
)

// o311Error is an error as the specification writes it.
type o311Error struct {
	XMLName     xml.Name `xml:"error" json:"-"`
	Code        int      `xml:"code" json:"code"`
	Description string   `xml:"description" json:"description"`
}

// o311List is a list as the specification writes it in XML: the root
// element (XMLName) holds the items, each under its own element name.
type o311List[T any] struct {
	XMLName xml.Name
	Items   []T
}

// open311XMLList is items in XML under the root element root.
func open311XMLList[T any](root string, items []T) o311List[T] {
	return o311List[T]{XMLName: xml.Name{Local: root}, Items: items}
}

// open311WriteList writes items as a JSON array, or in XML under the
// root element root.
func open311WriteList[T any](w http.ResponseWriter, format string, status int, root string, items []T) error {
	return open311Write(w, format, status, items, open311XMLList(root, items))
}

// open311Write writes v as XML (wrapped in its root, xmlRoot) or JSON.
func open311Write(w http.ResponseWriter, format string, status int, jsonValue, xmlValue any) error {
	b, err := open311Encode(format, jsonValue, xmlValue)
	if err != nil {
		return err
	}
	return open311WriteBytes(w, format, status, b)
}

// open311Encode encodes an answer: jsonValue as JSON, or xmlValue as XML
// with its declaration.
func open311Encode(format string, jsonValue, xmlValue any) ([]byte, error) {
	if format == "json" {
		b, err := json.Marshal(jsonValue)
		return append(b, '\n'), err
	}
	b, err := xml.MarshalIndent(xmlValue, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(append([]byte(`<?xml version="1.0" encoding="utf-8"?>`+"\n"), b...), '\n'), nil
}

// open311WriteBytes writes an encoded answer.
func open311WriteBytes(w http.ResponseWriter, format string, status int, b []byte) error {
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Access-Control-Allow-Origin", "*")
	if format == "json" {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
	} else {
		w.Header().Set("Content-Type", "text/xml; charset=utf-8")
	}
	w.WriteHeader(status)
	_, err := w.Write(b)
	return err
}

func open311Fail(w http.ResponseWriter, format string, status int, desc string) error {
	e := o311Error{Code: status, Description: desc}
	return open311WriteList(w, format, status, "errors", []o311Error{e})
}

// open311File splits "requests.json" into its name and format; a name
// without a known format is answered in XML, the required one.
func open311File(file string) (name, format string, ok bool) {
	i := strings.LastIndexByte(file, '.')
	if i < 0 {
		return file, "xml", false
	}
	name, format = file[:i], file[i+1:]
	if format != "json" && format != "xml" {
		return name, "xml", false
	}
	return name, format, true
}

// open311WrongJurisdiction checks the optional jurisdiction_id: it says
// why the request is not found, or "".
func open311WrongJurisdiction(r *http.Request) string {
	if j := r.FormValue("jurisdiction_id"); j != "" && j != open311Jurisdiction {
		return "jurisdiction_id not found: this server serves " + open311Jurisdiction
	}
	return ""
}

// open311Target reads the path's file as a name and a format and checks
// the jurisdiction; bad, when not "", says why the request is not found.
func open311Target(r *http.Request) (name, format, bad string) {
	name, format, ok := open311File(r.PathValue("file"))
	if !ok {
		return name, format, "unknown format: use .xml or .json"
	}
	return name, format, open311WrongJurisdiction(r)
}

func (s *Server) open311Get(w http.ResponseWriter, r *http.Request) error {
	name, format, bad := open311Target(r)
	if bad != "" {
		return open311Fail(w, format, http.StatusNotFound, bad)
	}
	switch name {
	case "discovery":
		return s.open311Discovery(w, r, format)
	case "services":
		return s.open311Services(w, r, format)
	case "requests":
		return s.open311Requests(w, r, format)
	}
	return open311Fail(w, format, http.StatusNotFound, "no such resource: "+name)
}

// Discovery.

type o311Endpoint struct {
	XMLName       xml.Name `xml:"endpoint" json:"-"`
	Specification string   `xml:"specification" json:"specification"`
	URL           string   `xml:"url" json:"url"`
	Changeset     string   `xml:"changeset" json:"changeset"`
	Type          string   `xml:"type" json:"type"`
	Formats       []string `xml:"formats>format" json:"formats"`
}

type o311Discovery struct {
	XMLName    xml.Name       `xml:"discovery" json:"-"`
	Changeset  string         `xml:"changeset" json:"changeset"`
	Contact    string         `xml:"contact" json:"contact"`
	KeyService string         `xml:"key_service" json:"key_service"`
	Endpoints  []o311Endpoint `xml:"endpoints>endpoint" json:"endpoints"`
}

// open311Changeset is when the services last changed (the categories).
func (s *Server) open311Changeset(ctx context.Context) (string, error) {
	cats, err := s.db.FindResidentCategories(ctx, false)
	if err != nil {
		return "", err
	}
	var last time.Time
	for _, c := range cats {
		if c.UpdatedAt.After(last) {
			last = c.UpdatedAt
		}
	}
	return last.UTC().Format(time.RFC3339), nil
}

func (s *Server) open311Discovery(w http.ResponseWriter, r *http.Request, format string) error {
	cs, err := s.open311Changeset(r.Context())
	if err != nil {
		return err
	}
	base := siteURL(r)
	d := o311Discovery{Changeset: cs, Contact: base + "/about",
		KeyService: "api_key values are issued by the operator of this server (aldyn open311 key create NAME)",
		Endpoints: []o311Endpoint{{Specification: open311Spec, URL: base + "/open311/v2", Changeset: cs, Type: "production",
			Formats: []string{"text/xml", "application/json"}}}}
	return open311Write(w, format, http.StatusOK, d, d)
}

// Services.

type o311Service struct {
	XMLName     xml.Name `xml:"service" json:"-"`
	ServiceCode string   `xml:"service_code" json:"service_code"`
	ServiceName string   `xml:"service_name" json:"service_name"`
	Description string   `xml:"description" json:"description"`
	Metadata    bool     `xml:"metadata" json:"metadata"`
	Type        string   `xml:"type" json:"type"`
	Keywords    string   `xml:"keywords" json:"keywords"`
	Group       string   `xml:"group" json:"group"`
}

// open311Categories are the categories taken through the public channel.
func (s *Server) open311Categories(ctx context.Context) ([]*aldyn.ResidentCategory, error) {
	cats, err := s.db.FindResidentCategories(ctx, true)
	if err != nil {
		return nil, err
	}
	out := cats[:0]
	for _, c := range cats {
		if !c.Sensitive {
			out = append(out, c)
		}
	}
	return out, nil
}

// open311Category is the category taken through the public channel whose
// service code is code, or nil.
func (s *Server) open311Category(ctx context.Context, code string) (*aldyn.ResidentCategory, error) {
	cats, err := s.open311Categories(ctx)
	if err != nil {
		return nil, err
	}
	for _, c := range cats {
		if c.Code == code {
			return c, nil
		}
	}
	return nil, nil
}

func (s *Server) open311Services(w http.ResponseWriter, r *http.Request, format string) error {
	cats, err := s.open311Categories(r.Context())
	if err != nil {
		return err
	}
	lang := open311Lang(r)
	list := make([]o311Service, 0, len(cats))
	for _, c := range cats {
		list = append(list, o311Service{ServiceCode: c.Code, ServiceName: c.Name.In(lang), Description: c.Description.In(lang),
			Metadata: len(c.Attributes) > 0, Type: "realtime", Keywords: strings.Join(c.BodyTypes, ","), Group: "residents"})
	}
	return open311WriteList(w, format, http.StatusOK, "services", list)
}

type o311Definition struct {
	XMLName     xml.Name        `xml:"service_definition" json:"-"`
	ServiceCode string          `xml:"service_code" json:"service_code"`
	Attributes  []o311Attribute `xml:"attributes>attribute" json:"attributes"`
}

// o311Attribute is an attribute of a service definition, with the
// specification's elements in its order.
type o311Attribute struct {
	Variable            bool        `xml:"variable" json:"variable"`
	Code                string      `xml:"code" json:"code"`
	Datatype            string      `xml:"datatype" json:"datatype"`
	Required            bool        `xml:"required" json:"required"`
	DatatypeDescription o311Null    `xml:"datatype_description" json:"datatype_description"`
	Order               int         `xml:"order" json:"order"`
	Description         string      `xml:"description" json:"description"`
	Values              []o311Value `xml:"values>value,omitempty" json:"values,omitempty"`
}

// o311Null is a text that JSON gives as null when empty, as the
// specification's examples do; XML as an empty element.
type o311Null string

func (n o311Null) MarshalJSON() ([]byte, error) {
	if n == "" {
		return []byte("null"), nil
	}
	return json.Marshal(string(n))
}

type o311Value struct {
	Key  string `xml:"key" json:"key"`
	Name string `xml:"name" json:"name"`
}

// open311Lang is the language of an Open311 answer: the locale parameter
// (ky, ru_KG, en-US …) when it names one of ours, else the request's.
func open311Lang(r *http.Request) string {
	if l := strings.ToLower(r.FormValue("locale")); len(l) >= 2 {
		if i18n.Supported(l[:2]) {
			return l[:2]
		}
	}
	return info(r).lang
}

// open311Definition is a category's service definition in lang.
func open311Definition(c *aldyn.ResidentCategory, lang string) o311Definition {
	d := o311Definition{ServiceCode: c.Code, Attributes: make([]o311Attribute, 0, len(c.Attributes))}
	for _, a := range c.Attributes {
		x := o311Attribute{Variable: true, Code: a.Code, Datatype: a.Datatype, Required: a.Required, Order: a.Order,
			Description: a.Description.In(lang)}
		x.DatatypeDescription = o311Null(a.DatatypeDescription.In(lang))
		for _, v := range a.Values {
			x.Values = append(x.Values, o311Value{Key: v.Key, Name: v.Name.In(lang)})
		}
		d.Attributes = append(d.Attributes, x)
	}
	return d
}

// open311Service is a service definition: the category's attributes,
// the questions it asks beyond the request's standard fields.
func (s *Server) open311Service(w http.ResponseWriter, r *http.Request) error {
	code, format, bad := open311Target(r)
	if bad != "" {
		return open311Fail(w, format, http.StatusNotFound, bad)
	}
	c, err := s.open311Category(r.Context(), code)
	if err != nil {
		return err
	}
	if c == nil {
		return open311Fail(w, format, http.StatusNotFound, "service_code not found: "+code)
	}
	d := open311Definition(c, open311Lang(r))
	return open311Write(w, format, http.StatusOK, d, d)
}

// Requests.

type o311Request struct {
	XMLName           xml.Name `xml:"request" json:"-"`
	ServiceRequestID  int64    `xml:"service_request_id" json:"service_request_id"`
	Status            string   `xml:"status" json:"status"`
	StatusNotes       string   `xml:"status_notes" json:"status_notes"`
	ServiceName       string   `xml:"service_name" json:"service_name"`
	ServiceCode       string   `xml:"service_code" json:"service_code"`
	Description       string   `xml:"description" json:"description"`
	AgencyResponsible string   `xml:"agency_responsible" json:"agency_responsible"`
	ServiceNotice     string   `xml:"service_notice" json:"service_notice"`
	RequestedDatetime string   `xml:"requested_datetime" json:"requested_datetime"`
	UpdatedDatetime   string   `xml:"updated_datetime" json:"updated_datetime"`
	ExpectedDatetime  string   `xml:"expected_datetime" json:"expected_datetime"`
	Address           string   `xml:"address" json:"address"`
	AddressID         string   `xml:"address_id" json:"address_id"`
	Zipcode           string   `xml:"zipcode" json:"zipcode"`
	Lat               *float64 `xml:"lat" json:"lat"`
	Long              *float64 `xml:"long" json:"long"`
	MediaURL          string   `xml:"media_url" json:"media_url"`
}

// open311Status maps the report's status onto the specification's two.
func open311Status(st aldyn.ResidentStatus) string {
	if st.Closed() {
		return "closed"
	}
	return "open"
}

// open311Views renders reports as requests; full says the reports are
// public (moderated, public category), else only their status is shown.
func (s *Server) open311Views(ctx context.Context, r *http.Request, rs []*aldyn.ResidentReport) ([]o311Request, error) {
	lang := open311Lang(r)
	n, err := s.residentNames(ctx, lang, rs)
	if err != nil {
		return nil, err
	}
	cats, bodies, names := n.cats, n.bodies, n.territories
	base := siteURL(r)
	public := func(x *aldyn.ResidentReport) bool {
		c := cats[x.CategoryID]
		return c != nil && c.Public && x.Published && x.DuplicateOf == nil
	}
	// The first photo of every public report, in one query: media_url.
	var shown []int64
	for _, x := range rs {
		if public(x) {
			shown = append(shown, x.ID)
		}
	}
	photos, err := s.db.FirstResidentPhotos(ctx, "report", shown)
	if err != nil {
		return nil, err
	}
	out := make([]o311Request, 0, len(rs))
	for _, x := range rs {
		c := cats[x.CategoryID]
		v := o311Request{ServiceRequestID: x.ID, Status: open311Status(x.Status),
			RequestedDatetime: x.CreatedAt.UTC().Format(time.RFC3339), UpdatedDatetime: x.UpdatedAt.UTC().Format(time.RFC3339)}
		if !public(x) {
			out = append(out, v)
			continue
		}
		v.ServiceCode, v.ServiceName = c.Code, c.Name.In(lang)
		v.Description = x.PublicText()
		if b := bodies[x.BodyID]; b != nil {
			v.AgencyResponsible = b.Name(lang)
		}
		switch x.Status {
		case aldyn.ResidentAnswered, aldyn.ResidentReferred:
			v.StatusNotes = x.PublicAnswer()
		case aldyn.ResidentRejected:
			v.StatusNotes = aldyn.RedactPersonalData(x.RejectReason)
		}
		if !x.Status.Closed() {
			// The whole due day, Bishkek time.
			due := time.Date(x.DueOn.Year(), x.DueOn.Month(), x.DueOn.Day(), 23, 59, 59, 0, bishkek)
			v.ExpectedDatetime = due.Format(time.RFC3339)
		}
		v.Address = names[x.TerritoryCode]
		v.Lat, v.Long = x.PublicLat, x.PublicLon
		if id, ok := photos[x.ID]; ok {
			v.MediaURL = base + "/reports/media/" + strconv.FormatInt(id, 10)
		}
		out = append(out, v)
	}
	return out, nil
}

// open311Filter reads GET requests' filters: service_request_id (a comma
// list, which overrides the others), service_code (a comma list),
// start_date and end_date (ISO 8601, at most 90 days apart; the last 90
// days by default), status (open, closed or both).
func (s *Server) open311Filter(ctx context.Context, r *http.Request) (aldyn.ResidentReportFilter, string) {
	f := aldyn.ResidentReportFilter{Public: true}
	if v := strings.TrimSpace(r.FormValue("service_request_id")); v != "" {
		for _, p := range strings.Split(v, ",") {
			id, err := strconv.ParseInt(strings.TrimSpace(p), 10, 64)
			if err != nil || id <= 0 {
				return f, "service_request_id must be a comma-separated list of request ids"
			}
			f.IDs = append(f.IDs, id)
		}
		return f, ""
	}
	if v := strings.TrimSpace(r.FormValue("service_code")); v != "" {
		f.CategoryIDs = []int64{}
		for _, p := range strings.Split(v, ",") {
			c, err := s.db.FindResidentCategoryByCode(ctx, strings.TrimSpace(p))
			if err != nil {
				return f, "service_code not found: " + strings.TrimSpace(p)
			}
			f.CategoryIDs = append(f.CategoryIDs, c.ID)
		}
	}
	if v := strings.TrimSpace(r.FormValue("status")); v != "" {
		for _, p := range strings.Split(v, ",") {
			switch strings.TrimSpace(p) {
			case "open":
				f.Statuses = append(f.Statuses, aldyn.ResidentReceived, aldyn.ResidentInProgress)
			case "closed":
				f.Statuses = append(f.Statuses, aldyn.ResidentAnswered, aldyn.ResidentReferred, aldyn.ResidentRejected)
			default:
				return f, "status must be open, closed or both, comma-separated"
			}
		}
	}
	var start, end time.Time
	for _, d := range []struct {
		name string
		t    *time.Time
	}{{"start_date", &start}, {"end_date", &end}} {
		if v := strings.TrimSpace(r.FormValue(d.name)); v != "" {
			t, err := time.Parse(time.RFC3339, v)
			if err != nil {
				return f, d.name + " must be an ISO 8601 date and time with a time zone, such as 2026-03-01T00:00:00Z"
			}
			*d.t = t
		}
	}
	span := open311MaxDays * 24 * time.Hour
	switch {
	case start.IsZero() && end.IsZero():
		end = s.db.Now()
		start = end.Add(-span)
	case start.IsZero():
		start = end.Add(-span)
	case end.IsZero():
		end = start.Add(span)
	}
	if end.Before(start) {
		return f, "end_date is before start_date"
	}
	if end.Sub(start) > span {
		return f, fmt.Sprintf("start_date and end_date may not be more than %d days apart", open311MaxDays)
	}
	// end_date is inclusive.
	end = end.Add(time.Nanosecond)
	f.From, f.To = &start, &end
	return f, ""
}

// open311Requests answers GET requests. Answers are kept while the
// residents' data stays at one version (store.ResidentsVersion), as the
// public map's are, by format, language, address (media_url holds it) and
// query; a query whose window ends now also by the minute, so the window
// slides.
func (s *Server) open311Requests(w http.ResponseWriter, r *http.Request, format string) error {
	ctx := r.Context()
	version, err := s.db.ResidentsVersion(ctx)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	key := format + "|" + open311Lang(r) + "|" + siteURL(r) + "|" + q.Encode()
	if q.Get("service_request_id") == "" && q.Get("end_date") == "" && q.Get("start_date") == "" {
		key += "|" + s.db.Now().UTC().Truncate(time.Minute).Format(time.RFC3339)
	}
	gz := static.Accepts(r.Header.Get("Accept-Encoding"), "gzip")
	if gz {
		if b, ok := s.residents.open311Answers.get(version, key+"|gzip"); ok {
			return open311WriteGzip(w, format, b)
		}
	} else if b, ok := s.residents.open311Answers.get(version, key); ok {
		return open311WriteBytes(w, format, http.StatusOK, b)
	}
	f, bad := s.open311Filter(ctx, r)
	if bad != "" {
		return open311Fail(w, format, http.StatusBadRequest, bad)
	}
	rs, err := s.db.FindOpen311Requests(ctx, f, open311MaxResults)
	if err != nil {
		return err
	}
	views, err := s.open311Views(ctx, r, rs)
	if err != nil {
		return err
	}
	b, err := open311Encode(format, views, open311XMLList("service_requests", views))
	if err != nil {
		return err
	}
	// Kept compressed too: a thousand requests are some 500 KB, which
	// gzip would otherwise squeeze again on every answer.
	var zb bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&zb, 5)
	zw.Write(b)
	if err := zw.Close(); err != nil {
		return err
	}
	s.residents.open311Answers.put(version, key, b)
	s.residents.open311Answers.put(version, key+"|gzip", zb.Bytes())
	if gz {
		return open311WriteGzip(w, format, zb.Bytes())
	}
	return open311WriteBytes(w, format, http.StatusOK, b)
}

// open311WriteGzip writes an answer compressed already (the compress
// middleware leaves an encoded answer alone).
func open311WriteGzip(w http.ResponseWriter, format string, b []byte) error {
	w.Header().Set("Content-Encoding", "gzip")
	w.Header().Add("Vary", "Accept-Encoding")
	return open311WriteBytes(w, format, http.StatusOK, b)
}

func (s *Server) open311Request(w http.ResponseWriter, r *http.Request) error {
	name, format, bad := open311Target(r)
	if bad != "" {
		return open311Fail(w, format, http.StatusNotFound, bad)
	}
	id, err := strconv.ParseInt(name, 10, 64)
	if err != nil || id <= 0 {
		return open311Fail(w, format, http.StatusNotFound, "service_request_id not found: "+name)
	}
	x, err := s.db.FindResidentReportByID(r.Context(), id)
	if aldyn.ErrorCode(err) == aldyn.ENOTFOUND {
		return open311Fail(w, format, http.StatusNotFound, "service_request_id not found: "+name)
	} else if err != nil {
		return err
	}
	// A merged duplicate answers as the request it was merged into does,
	// under its own id.
	shown, err := s.handledReport(r.Context(), x)
	if err != nil {
		return err
	}
	views, err := s.open311Views(r.Context(), r, []*aldyn.ResidentReport{shown})
	if err != nil {
		return err
	}
	views[0].ServiceRequestID = x.ID
	return open311WriteList(w, format, http.StatusOK, "service_requests", views)
}

// Tokens: requests are created at once, so a token is the request's
// tracking code, which the POST answer gives beside its id.

type o311Token struct {
	XMLName          xml.Name `xml:"request" json:"-"`
	ServiceRequestID int64    `xml:"service_request_id" json:"service_request_id"`
	Token            string   `xml:"token" json:"token"`
}

func (s *Server) open311Token(w http.ResponseWriter, r *http.Request) error {
	token, format, ok := open311File(r.PathValue("file"))
	if !ok {
		return open311Fail(w, format, http.StatusNotFound, "unknown format: use .xml or .json")
	}
	x, err := s.db.FindResidentReportByCode(r.Context(), token)
	if aldyn.ErrorCode(err) == aldyn.ENOTFOUND {
		return open311Fail(w, format, http.StatusNotFound, "token not found")
	} else if err != nil {
		return err
	}
	list := []o311Token{{ServiceRequestID: x.ID, Token: token}}
	return open311WriteList(w, format, http.StatusOK, "service_requests", list)
}

// POST requests.

type o311Created struct {
	XMLName          xml.Name `xml:"request" json:"-"`
	ServiceRequestID int64    `xml:"service_request_id" json:"service_request_id"`
	Token            string   `xml:"token" json:"token"`
	ServiceNotice    string   `xml:"service_notice" json:"service_notice"`
	AccountID        *string  `xml:"account_id" json:"account_id"`
}

func (s *Server) open311Post(w http.ResponseWriter, r *http.Request) error {
	name, format, ok := open311File(r.PathValue("file"))
	if !ok || name != "requests" {
		return open311Fail(w, format, http.StatusNotFound, "POST is accepted on requests.xml and requests.json only")
	}
	if err := r.ParseForm(); err != nil {
		return open311Fail(w, format, http.StatusBadRequest, "the body must be application/x-www-form-urlencoded")
	}
	if bad := open311WrongJurisdiction(r); bad != "" {
		return open311Fail(w, format, http.StatusNotFound, bad)
	}
	ctx := r.Context()
	key, err := s.db.Open311KeyFor(ctx, r.PostFormValue("api_key"))
	if aldyn.ErrorCode(err) == aldyn.EUNAUTHORIZED {
		return open311Fail(w, format, http.StatusForbidden, "api_key is missing or invalid")
	} else if err != nil {
		return err
	}
	if !s.residents.open311.Allow("key:" + strconv.FormatInt(key.ID, 10)) {
		return open311Fail(w, format, http.StatusTooManyRequests, fmt.Sprintf("this api_key sent more than %d requests in the last hour", open311KeyPerHour))
	}
	code := strings.TrimSpace(r.PostFormValue("service_code"))
	if code == "" {
		return open311Fail(w, format, http.StatusBadRequest, "service_code is required")
	}
	cat, err := s.open311Category(ctx, code)
	if err != nil {
		return err
	}
	if cat == nil {
		return open311Fail(w, format, http.StatusBadRequest, "service_code not found: "+code)
	}
	desc := strings.TrimSpace(r.PostFormValue("description"))
	if len([]rune(desc)) > open311MaxDesc {
		return open311Fail(w, format, http.StatusBadRequest, fmt.Sprintf("description is longer than %d characters", open311MaxDesc))
	}
	if len([]rune(desc)) < 10 {
		desc = strings.TrimSpace(cat.Name.In("ru") + ". " + desc)
	}
	answers, err := cat.CheckAnswers(attributeAnswers(r.PostForm))
	if err != nil {
		return open311Fail(w, format, http.StatusBadRequest, open311Describe(r, err))
	}
	name2 := strings.TrimSpace(r.PostFormValue("first_name") + " " + r.PostFormValue("last_name"))
	rr := &aldyn.ResidentReport{CategoryID: cat.ID, Description: desc, Address: r.PostFormValue("address_string"), Attributes: answers,
		ContactName: name2, ContactEmail: r.PostFormValue("email"), ContactPhone: r.PostFormValue("phone"),
		Source: aldyn.SourceOpen311, Lang: info(r).lang}
	latS, lonS := strings.TrimSpace(r.PostFormValue("lat")), strings.TrimSpace(r.PostFormValue("long"))
	switch {
	case latS != "" || lonS != "":
		lat, err1 := strconv.ParseFloat(latS, 64)
		lon, err2 := strconv.ParseFloat(lonS, 64)
		if err1 != nil || err2 != nil || math.IsNaN(lat) || math.IsNaN(lon) {
			return open311Fail(w, format, http.StatusBadRequest, "lat and long must both be decimal degrees (WGS84)")
		}
		if lat < aldyn.MinLat || lat > aldyn.MaxLat || lon < aldyn.MinLon || lon > aldyn.MaxLon {
			return open311Fail(w, format, http.StatusBadRequest, "lat and long are outside the Kyrgyz Republic")
		}
		rr.Lat, rr.Lon = &lat, &lon
		if rr.TerritoryCode, err = s.territoryAt(ctx, lat, lon); err != nil {
			return err
		}
	case strings.TrimSpace(rr.Address) != "":
		t, err := s.territoryNamed(ctx, rr.Address)
		if err != nil {
			return err
		}
		if t == "" {
			return open311Fail(w, format, http.StatusBadRequest, "address_string must name one district or city; or send lat and long")
		}
		rr.TerritoryCode = t
	case r.PostFormValue("address_id") != "":
		return open311Fail(w, format, http.StatusBadRequest, "address_id is not supported here; send lat and long or address_string")
	default:
		return open311Fail(w, format, http.StatusBadRequest, "a location is required: lat and long, or address_string")
	}
	if err := s.placeByPrecinct(ctx, rr); err != nil {
		return open311Fail(w, format, http.StatusBadRequest, open311Describe(r, err))
	}
	if err := s.db.CreateResidentReport(ctx, aldyn.Public, rr, nil); err != nil {
		if aldyn.ErrorCode(err) == aldyn.EINVALID {
			return open311Fail(w, format, http.StatusBadRequest, open311Describe(r, err))
		}
		return err
	}
	notice := "Received; the answer is due by " + rr.DueOn.Format(time.DateOnly) + ". It is shown publicly after moderation."
	list := []o311Created{{ServiceRequestID: rr.ID, Token: rr.TrackingCode, ServiceNotice: notice}}
	return open311WriteList(w, format, http.StatusCreated, "service_requests", list)
}

// attributeAnswers reads the answers to attributes as the specification
// sends them (and the residents' form too): attribute[code]=value, and attribute[code][]=value once per
// value of a multivaluelist.
func attributeAnswers(form url.Values) aldyn.AttributeAnswers {
	out := aldyn.AttributeAnswers{}
	for name, vals := range form {
		code, ok := strings.CutPrefix(name, "attribute[")
		if !ok {
			continue
		}
		code = strings.TrimSuffix(code, "[]")
		if code, ok = strings.CutSuffix(code, "]"); ok && code != "" {
			out[code] = append(out[code], vals...)
		}
	}
	return out
}

// open311Describe puts a validation error in one sentence naming the
// fields, an attribute's problem in the request's language.
func open311Describe(r *http.Request, err error) string {
	e, ok := err.(*aldyn.Error)
	if !ok {
		return "the request is invalid"
	}
	if len(e.Fields) == 0 {
		return e.Message
	}
	var parts []string
	for f, k := range e.Fields {
		if strings.HasPrefix(f, "attribute[") {
			parts = append(parts, f+": "+i18n.For(open311Lang(r)).T(k))
			continue
		}
		name := map[string]string{"contact_email": "email", "contact_phone": "phone", "contact_name": "first_name/last_name",
			"territory_code": "location", "lat": "lat/long", "category_id": "service_code", "address": "address_string"}[f]
		if name == "" {
			name = f
		}
		parts = append(parts, name+": "+k)
	}
	sort.Strings(parts)
	return "invalid " + strings.Join(parts, "; ")
}

// territoryAt finds the district or city holding a point: the deepest
// boundary that holds it where boundaries are known, else the territory
// whose centre is nearest within the region that holds it (or anywhere).
func (s *Server) territoryAt(ctx context.Context, lat, lon float64) (string, error) {
	bs, err := s.db.FindBoundaries(ctx, "/")
	if err != nil {
		return "", err
	}
	var best *aldyn.Territory
	for _, b := range bs {
		if (best == nil || len(b.Territory.Path) > len(best.Path)) && residents.Contains(b.Geometry, lat, lon) {
			best = b.Territory
		}
	}
	if best != nil && (best.Level == aldyn.LevelDistrict || best.Level == aldyn.LevelCity || best.Level == aldyn.LevelPrecinct ||
		best.Kind == aldyn.KindCityRepublican) {
		return best.Code, nil
	}
	under := "/"
	if best != nil {
		under = best.Path
	}
	ts, err := aldyn.AllPages(aldyn.Page{}, func(p aldyn.Page) ([]*aldyn.Territory, int, error) {
		return s.db.FindTerritories(ctx, aldyn.TerritoryFilter{Under: under, Page: p})
	})
	if err != nil {
		return "", err
	}
	code, nearest := "", math.Inf(1)
	for _, t := range ts {
		if t.Lat == nil || t.Lon == nil || !(t.Level == aldyn.LevelDistrict || t.Level == aldyn.LevelCity || t.Kind == aldyn.KindCityRepublican) {
			continue
		}
		dy, dx := *t.Lat-lat, (*t.Lon-lon)*math.Cos(lat*math.Pi/180)
		if d := dx*dx + dy*dy; d < nearest {
			code, nearest = t.Code, d
		}
	}
	return code, nil
}

// territoryNamed finds the one district or city an address names.
func (s *Server) territoryNamed(ctx context.Context, address string) (string, error) {
	q := strings.TrimSpace(address)
	if len([]rune(q)) > aldyn.MaxSearchLength {
		q = string([]rune(q)[:aldyn.MaxSearchLength])
	}
	ts, _, err := s.db.FindTerritories(ctx, aldyn.TerritoryFilter{Query: q, Page: aldyn.Page{Limit: 10}})
	if err != nil {
		return "", err
	}
	var found []string
	for _, t := range ts {
		if t.Level == aldyn.LevelDistrict || t.Level == aldyn.LevelCity || t.Kind == aldyn.KindCityRepublican {
			found = append(found, t.Code)
		}
	}
	if len(found) != 1 {
		return "", nil
	}
	return found[0], nil
}

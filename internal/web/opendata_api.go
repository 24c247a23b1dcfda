package web

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/aldyn-kg/aldyn/internal/opendata"
	"github.com/aldyn-kg/aldyn/internal/web/static"
)

// gzipIfLarge is b gzipped when compressing pays, else nil.
func gzipIfLarge(b []byte) []byte {
	if len(b) < minCompressSize {
		return nil
	}
	return gzipAnswer(b)
}

// gzipped is a resource's body gzipped, made on first use and kept with
// the build (nil for formats already compressed, such as XLSX).
func (st *openDataState) gzipped(res *opendata.Resource) []byte {
	if res.Format == "XLSX" {
		return nil
	}
	if v, ok := st.gz.Load(res); ok {
		return v.([]byte)
	}
	gz := gzipIfLarge(res.Body)
	st.gz.Store(res, gz)
	return gz
}

// The machine side of open data: the built files, the CKAN action API
// (a read-only subset, shaped as CKAN 2.10 answers), the DCAT-AP
// catalogue and the Frictionless data packages. Everything is answered
// from the catalogue's builds in memory; every answer carries CORS,
// caching headers and validators, and each client address is held to a
// request rate.

// openRate is the default request rate per client address (requests a
// second, with a burst of openBurst).
const (
	openRate  = 50
	openBurst = 200
)

// rateLimiter is a token bucket per client address.
type rateLimiter struct {
	mu      sync.Mutex
	rate    float64
	burst   float64
	buckets map[string]*bucket
	swept   time.Time
}

type bucket struct {
	tokens float64
	at     time.Time
}

func newRateLimiter(rate, burst float64) *rateLimiter {
	return &rateLimiter{rate: rate, burst: burst, buckets: map[string]*bucket{}}
}

// allow takes a token for key, or says how long until one is there.
func (l *rateLimiter) allow(key string, now time.Time) (bool, time.Duration) {
	if l.rate <= 0 {
		return true, 0
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if now.Sub(l.swept) > time.Minute {
		// Forget full buckets, so that addresses seen once do not pile up.
		for k, b := range l.buckets {
			if b.tokens+now.Sub(b.at).Seconds()*l.rate >= l.burst {
				delete(l.buckets, k)
			}
		}
		l.swept = now
	}
	b := l.buckets[key]
	if b == nil {
		b = &bucket{tokens: l.burst, at: now}
		l.buckets[key] = b
	}
	b.tokens = min(l.burst, b.tokens+now.Sub(b.at).Seconds()*l.rate)
	b.at = now
	if b.tokens >= 1 {
		b.tokens--
		return true, 0
	}
	return false, time.Duration((1 - b.tokens) / l.rate * float64(time.Second))
}

func clientAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

var (
	corsAnyOrigin = []string{"*"}
	corsExpose    = []string{"ETag, Last-Modified, Retry-After"}
)

// machine wraps a handler of open data for programs: CORS for GET, and the
// rate limit per client address (429 with Retry-After).
func (s *Server) machine(h func(http.ResponseWriter, *http.Request) error) func(http.ResponseWriter, *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		w.Header()["Access-Control-Allow-Origin"] = corsAnyOrigin
		w.Header()["Access-Control-Expose-Headers"] = corsExpose
		if ok, wait := s.open.limit.allow(clientAddr(r), time.Now()); !ok {
			secs := int(wait/time.Second) + 1
			w.Header().Set("Retry-After", strconv.Itoa(secs))
			if strings.HasPrefix(r.URL.Path, "/api/3/") || strings.HasPrefix(r.URL.Path, "/api/action/") {
				ckanError(w, r, http.StatusTooManyRequests, "Rate Limit Error", "Too many requests; retry after "+strconv.Itoa(secs)+" s")
				return nil
			}
			http.Error(w, "Too many requests", http.StatusTooManyRequests)
			return nil
		}
		return h(w, r)
	}
}

// serveBytes answers with body, its validators and caching headers.
// Published files may be cached by anyone for a minute; previews of
// unpublished ones only privately.
//
// gz, when not nil, is body gzipped, made once: it is sent to clients that
// accept gzip (under its own validator), so that no request compresses.
//
// The answer is built from bytes already in memory, so the common cases
// are written here directly (a 304 on a matching validator, else the whole
// body in one write); http.ServeContent, which copies through a buffer,
// answers only requests for ranges.
func serveBytes(w http.ResponseWriter, r *http.Request, body, gz []byte, etag, ctype string, modified time.Time, public bool) {
	h := w.Header()
	h["Content-Type"] = []string{ctype}
	if gz != nil {
		h["Vary"] = append(h["Vary"], "Accept-Encoding")
		if static.Accepts(r.Header.Get("Accept-Encoding"), "gzip") {
			h["Content-Encoding"] = contentEncodingGzip
			body, etag = gz, strings.TrimSuffix(etag, `"`)+`-gz"`
		}
	}
	h["Etag"] = []string{etag}
	if public {
		h["Cache-Control"] = cachePublic
	} else {
		h["Cache-Control"] = cachePrivate
	}
	modified = modified.Truncate(time.Second)
	if r.Header.Get("Range") != "" {
		http.ServeContent(w, r, "", modified, bytes.NewReader(body))
		return
	}
	if !modified.IsZero() {
		h["Last-Modified"] = []string{modified.UTC().Format(http.TimeFormat)}
	}
	if unchanged(r, etag, modified) {
		delete(h, "Content-Type")
		delete(h, "Content-Encoding")
		w.WriteHeader(http.StatusNotModified)
		return
	}
	h["Content-Length"] = []string{strconv.Itoa(len(body))}
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		w.Write(body)
	}
}

// Header values set on every open-data answer, shared (never modified in
// place: a header is replaced, and appending to a full slice copies it).
var (
	contentEncodingGzip = []string{"gzip"}
	cachePublic         = []string{"public, max-age=60"}
	cachePrivate        = []string{"private, no-cache"}
)

// unchanged reports whether a GET or HEAD may be answered 304 (RFC 9110
// §13.1): If-None-Match, compared weakly, when the request has it, else
// If-Modified-Since.
func unchanged(r *http.Request, etag string, modified time.Time) bool {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		return false
	}
	if inm := r.Header.Get("If-None-Match"); inm != "" {
		for _, t := range strings.Split(inm, ",") {
			t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
			if t == "*" || t == strings.TrimPrefix(etag, "W/") {
				return true
			}
		}
		return false
	}
	if ims := r.Header.Get("If-Modified-Since"); ims != "" && !modified.IsZero() {
		t, err := http.ParseTime(ims)
		return err == nil && !modified.After(t)
	}
	return false
}

// openFile serves a file of a built dataset: a table in a format, or
// datapackage.json.
func (s *Server) openFile(w http.ResponseWriter, r *http.Request) error {
	snap, b, err := s.openBuild(r)
	if err != nil {
		return err
	}
	name := r.PathValue("file")
	res := b.Resource(name)
	if name == "datapackage.json" {
		res = snap.Packages[b.Dataset.Slug]
	}
	if res == nil {
		return notFoundErr()
	}
	ctype := res.MediaType
	if strings.HasPrefix(ctype, "text/") || strings.HasSuffix(ctype, "json") {
		ctype += "; charset=utf-8"
	}
	if res.Format == "CSV" || res.Format == "XLSX" {
		w.Header().Set("Content-Disposition", `attachment; filename="`+b.Dataset.Slug+"-"+res.Name+`"`)
	}
	serveBytes(w, r, res.Body, s.open.gzipped(res), res.ETag, ctype, b.Version.CreatedAt, snap.Settings[b.Dataset.Slug].Published)
	return nil
}

// baseURL is the scheme and host the request came to, for the absolute
// links catalogues need.
func baseURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil || r.Header.Get("X-Forwarded-Proto") == "https" {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// --- CKAN action API -------------------------------------------------------

// ckanActions are the actions answered, each at GET and POST
// /api/3/action/<name> and /api/action/<name> (the unversioned path
// ckanapi and other clients call, CKAN's alias of version 3).
var ckanActions = []string{"package_list", "package_show", "package_search", "organization_list", "organization_show",
	"group_list", "group_show", "tag_list", "resource_show", "status_show", "help_show"}

// ckanPrefixes are the paths the action API answers under.
var ckanPrefixes = []string{"/api/3/action/", "/api/action/"}

// ckanDoc is what help_show says of an action (CKAN answers with the
// action function's docstring) and the OpenAPI document lists.
type ckanDoc struct {
	Summary string
	Params  []apiParam
}

var ckanDocs = map[string]ckanDoc{
	"package_list": {"Return a list of the names of the site's datasets (packages).",
		[]apiParam{{Name: "limit", In: "query", Type: "integer", Description: "if given, the list of datasets will be broken into pages of at most limit datasets per page"},
			{Name: "offset", In: "query", Type: "integer", Description: "when limit is given, the offset to start returning packages from"}}},
	"package_show": {"Return the metadata of a dataset (package) and its resources.",
		[]apiParam{{Name: "id", In: "query", Type: "string", Required: true, Description: "the id or name of the dataset (its slug)"}}},
	"package_search": {"Searches for packages satisfying the given search criteria.",
		[]apiParam{{Name: "q", In: "query", Type: "string", Description: "words of the title, description and tags, all of which must match"},
			{Name: "fq", In: "query", Type: "string", Description: "filters field:value joined by spaces or AND; fields tags, organization, groups, res_format, name, license_id"},
			{Name: "rows", In: "query", Type: "integer", Description: "the maximum number of matching rows (datasets) to return (default 10, at most 1000)"},
			{Name: "start", In: "query", Type: "integer", Description: "the offset in the complete result for where the set of returned datasets should begin"},
			{Name: "sort", In: "query", Type: "string", Description: "name, title_string, metadata_modified or metadata_created, asc or desc (default: score desc, metadata_modified desc)"}}},
	"organization_list": {"Return a list of the names of the site's organizations.",
		[]apiParam{{Name: "all_fields", In: "query", Type: "boolean", Description: "return group dictionaries instead of just names"}}},
	"organization_show": {"Return the details of an organization.",
		[]apiParam{{Name: "id", In: "query", Type: "string", Required: true, Description: "the id or name of the organization"},
			{Name: "include_datasets", In: "query", Type: "boolean", Description: "include a list of the organization's datasets"}}},
	"group_list": {"Return a list of the names of the site's groups (the catalogue's themes).",
		[]apiParam{{Name: "all_fields", In: "query", Type: "boolean", Description: "return group dictionaries instead of just names"}}},
	"group_show": {"Return the details of a group (a theme of the catalogue).",
		[]apiParam{{Name: "id", In: "query", Type: "string", Required: true, Description: "the id or name of the group"},
			{Name: "include_datasets", In: "query", Type: "boolean", Description: "include a list of the group's datasets"}}},
	"tag_list": {"Return a list of the site's tags.",
		[]apiParam{{Name: "query", In: "query", Type: "string", Description: "a tag name query to search for, if given only tags whose names contain this string will be returned"},
			{Name: "all_fields", In: "query", Type: "boolean", Description: "return full tag dictionaries instead of just names"}}},
	"resource_show": {"Return the metadata of a resource.",
		[]apiParam{{Name: "id", In: "query", Type: "string", Required: true, Description: "the id of the resource"}}},
	"status_show": {"Return a dictionary with information about the site's configuration.", nil},
	"help_show": {"Return the help string for a particular API action.",
		[]apiParam{{Name: "name", In: "query", Type: "string", Required: true, Description: "action function name (eg `package_create`, `package_search`)"}}},
}

// ckanDocstring is an action's help, in the reStructuredText CKAN's
// docstrings use.
func ckanDocstring(action string) string {
	d := ckanDocs[action]
	var b strings.Builder
	b.WriteString(d.Summary)
	b.WriteString("\n")
	for _, p := range d.Params {
		fmt.Fprintf(&b, "\n:param %s: %s", p.Name, p.Description)
		if !p.Required {
			b.WriteString(" (optional)")
		}
		t := p.Type
		if t == "boolean" {
			t = "bool"
		} else if t == "integer" {
			t = "int"
		}
		fmt.Fprintf(&b, "\n:type %s: %s", p.Name, t)
	}
	b.WriteString("\n\nRead-only subset of CKAN's action API, answered by Aldyn as CKAN " + ckanVersion + " answers.\n")
	return b.String()
}

// ckanVersion is the CKAN release whose answers these copy.
const ckanVersion = "2.10.4"

func ckanHelp(r *http.Request, action string) string {
	return baseURL(r) + "/api/3/action/help_show?name=" + action
}

// ckanActionOf is the action a request names (the last path segment).
func ckanActionOf(r *http.Request) string {
	return r.URL.Path[strings.LastIndexByte(r.URL.Path, '/')+1:]
}

// ckanError writes CKAN's error envelope.
func ckanError(w http.ResponseWriter, r *http.Request, status int, typ, msg string, fields ...map[string][]string) {
	action := ckanActionOf(r)
	e := map[string]any{"__type": typ}
	if msg != "" {
		e["message"] = msg
	}
	for _, f := range fields {
		for k, v := range f {
			e[k] = v
		}
	}
	w.Header().Set("Content-Type", "application/json;charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]any{"help": ckanHelp(r, action), "success": false, "error": e})
}

// ckanParams reads an action's parameters from the query string, or from
// a JSON object posted (as ckanapi and other clients send them).
func ckanParams(r *http.Request) (map[string]string, error) {
	out := map[string]string{}
	for k, v := range r.URL.Query() {
		out[k] = v[0]
	}
	if r.Method == http.MethodPost && r.ContentLength != 0 {
		var body map[string]any
		if err := json.NewDecoder(http.MaxBytesReader(nil, r.Body, 1<<16)).Decode(&body); err != nil {
			return nil, err
		}
		for k, v := range body {
			switch x := v.(type) {
			case string:
				out[k] = x
			case float64, bool:
				out[k] = fmt.Sprint(x)
			}
		}
	}
	return out, nil
}

// ckanUnknownAction answers any other action: CKAN's "Bad request - Action
// name not known" in the error envelope, so a client reports it as CKAN would.
func (s *Server) ckanUnknownAction(w http.ResponseWriter, r *http.Request) error {
	ckanError(w, r, http.StatusBadRequest, "Bad Request", "Bad request - Action name not known: "+r.PathValue("action"))
	return nil
}

func (s *Server) ckanAction(action string) func(http.ResponseWriter, *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		p, err := ckanParams(r)
		if err != nil {
			ckanError(w, r, http.StatusBadRequest, "Validation Error", "", map[string][]string{"body": {"Bad request - JSON Error: " + err.Error()}})
			return nil
		}
		snap, err := s.open.cat.Current(r.Context())
		if err != nil {
			return err
		}
		keys := make([]string, 0, len(p))
		for k, v := range p {
			keys = append(keys, k+"="+v)
		}
		slices.Sort(keys)
		key := baseURL(r) + "\x00" + action + "\x00" + strings.Join(keys, "&")
		var fail struct {
			typ, msg string
			fields   map[string][]string
		}
		a, err := s.open.cachedAnswer(snap, key, func() (openAnswer, error) {
			c := &ckanView{r: r, snap: snap, base: baseURL(r), publisher: s.openPublisher(r)}
			result, status, typ, msg, fields := c.answer(action, p)
			if status != http.StatusOK {
				fail.typ, fail.msg, fail.fields = typ, msg, fields
				return openAnswer{status: status}, nil
			}
			b, err := json.Marshal(map[string]any{"help": ckanHelp(r, action), "success": true, "result": result})
			if err != nil {
				return openAnswer{}, err
			}
			b = append(b, '\n')
			return openAnswer{body: b, gz: gzipIfLarge(b), etag: `"` + shortHash(b) + `"`, ctype: "application/json;charset=utf-8",
				status: http.StatusOK, modified: c.modified()}, nil
		})
		if err != nil {
			return err
		}
		if a.status != http.StatusOK {
			ckanError(w, r, a.status, fail.typ, fail.msg, fail.fields)
			return nil
		}
		serveBytes(w, r, a.body, a.gz, a.etag, a.ctype, a.modified, true)
		return nil
	}
}

// ckanView renders the published part of a snapshot as CKAN dictionaries.
type ckanView struct {
	r         *http.Request
	snap      *opendata.Snapshot
	base      string
	publisher openPublisher
}

func (c *ckanView) modified() time.Time {
	var t time.Time
	for _, b := range c.snap.Published() {
		if b.Version.CreatedAt.After(t) {
			t = b.Version.CreatedAt
		}
	}
	return t
}

func ckanTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000000") }

func (c *ckanView) organization(withCount bool) map[string]any {
	o := map[string]any{
		"id": c.publisher.Name, "name": c.publisher.Name, "title": c.publisher.Title, "display_name": c.publisher.Title,
		"description": c.publisher.Description, "image_url": "", "image_display_url": "", "type": "organization",
		"is_organization": true, "approval_status": "approved", "state": "active",
	}
	if !c.publisher.Created.IsZero() {
		o["created"] = ckanTime(c.publisher.Created)
	}
	if withCount {
		o["package_count"] = len(c.snap.Published())
	}
	return o
}

func (c *ckanView) group(theme string, n int) map[string]any {
	t := themeTitle(theme)
	return map[string]any{"id": theme, "name": theme, "title": t, "display_name": t, "description": "", "image_url": "",
		"image_display_url": "", "type": "group", "is_organization": false, "approval_status": "approved", "state": "active",
		"package_count": n}
}

// themeTitle is a theme's English title (CKAN's dictionaries carry one
// language; the portal has all three).
func themeTitle(theme string) string {
	switch theme {
	case opendata.ThemeOffenses:
		return "Offenses"
	case opendata.ThemeOfficial:
		return "Official statistics"
	case opendata.ThemePlans:
		return "Plans"
	}
	return "Coordination"
}

func (c *ckanView) resource(b *opendata.Build, res *opendata.Resource, pos int) map[string]any {
	desc := "Frictionless Data Package: the tables' schemas"
	if res.Table != nil {
		desc = res.Table.Title.EN
	}
	return map[string]any{
		"id": res.ID, "package_id": b.Dataset.Slug, "name": res.Name, "description": desc, "format": res.Format,
		"url": c.base + "/open/" + b.Dataset.Slug + "/" + res.Name, "mimetype": res.MediaType, "size": len(res.Body),
		"hash": "sha256:" + res.SHA256, "created": ckanTime(b.Version.CreatedAt), "last_modified": ckanTime(b.Version.CreatedAt),
		"metadata_modified": ckanTime(b.Version.BuiltAt), "position": pos, "state": "active", "datastore_active": false,
		"url_type": nil, "resource_type": nil, "cache_url": nil, "mimetype_inner": nil, "cache_last_updated": nil,
	}
}

func (c *ckanView) resources(b *opendata.Build) []*opendata.Resource {
	out := slices.Clone(b.Resources)
	if dp := c.snap.Packages[b.Dataset.Slug]; dp != nil {
		out = append(out, dp)
	}
	return out
}

func (c *ckanView) pkg(b *opendata.Build) map[string]any {
	d := b.Dataset
	li := opendata.LicenceInfos[c.snap.Licence(d.Slug)]
	var tags []map[string]any
	for _, k := range d.Keywords {
		tags = append(tags, map[string]any{"id": k, "name": k, "display_name": k, "state": "active", "vocabulary_id": nil})
	}
	var res []map[string]any
	for i, r := range c.resources(b) {
		res = append(res, c.resource(b, r, i))
	}
	extras := []map[string]any{
		{"key": "frequency", "value": d.Frequency},
		{"key": "built_at", "value": b.Version.BuiltAt.UTC().Format(time.RFC3339)},
		{"key": "min_cell_count", "value": strconv.Itoa(c.snap.K)},
		{"key": "title_ky", "value": d.Title.KY}, {"key": "title_ru", "value": d.Title.RU},
		{"key": "notes_ky", "value": d.Description.KY}, {"key": "notes_ru", "value": d.Description.RU},
	}
	if !b.From.IsZero() {
		extras = append(extras, map[string]any{"key": "temporal_start", "value": b.From.Format(time.DateOnly)},
			map[string]any{"key": "temporal_end", "value": b.To.AddDate(0, 0, -1).Format(time.DateOnly)})
	}
	return map[string]any{
		"id": d.Slug, "name": d.Slug, "title": d.Title.EN, "notes": d.Description.EN, "type": "dataset", "state": "active",
		"private": false, "isopen": true, "license_id": li.ID, "license_title": li.Title, "license_url": li.URL,
		"author": c.publisher.Title, "author_email": nil, "maintainer": c.publisher.Title, "maintainer_email": nil,
		"url": c.base + "/open/" + d.Slug, "version": strconv.Itoa(b.Version.Version),
		"metadata_created": ckanTime(b.Version.CreatedAt), "metadata_modified": ckanTime(b.Version.BuiltAt),
		"owner_org": c.publisher.Name, "organization": c.organization(false),
		"groups": []map[string]any{c.group(d.Theme, 0)}, "tags": tags, "num_tags": len(tags),
		"resources": res, "num_resources": len(res), "extras": extras, "relationships_as_object": []any{},
		"relationships_as_subject": []any{},
	}
}

func (c *ckanView) find(slug string) *opendata.Build {
	for _, b := range c.snap.Published() {
		if b.Dataset.Slug == slug {
			return b
		}
	}
	return nil
}

func missing(field string) map[string][]string { return map[string][]string{field: {"Missing value"}} }

// answer computes an action's result, or its error.
func (c *ckanView) answer(action string, p map[string]string) (result any, status int, typ, msg string, fields map[string][]string) {
	notFound := func(what string) (any, int, string, string, map[string][]string) {
		return nil, http.StatusNotFound, "Not Found Error", what + " not found", nil
	}
	switch action {
	case "package_list":
		var names []string
		for _, b := range c.snap.Published() {
			names = append(names, b.Dataset.Slug)
		}
		slices.Sort(names)
		limit, offset := intParam(p, "limit", len(names)), intParam(p, "offset", 0)
		names = pageOf(names, offset, limit)
		return nonNil(names), http.StatusOK, "", "", nil
	case "package_show":
		if p["id"] == "" {
			return nil, http.StatusConflict, "Validation Error", "", missing("id")
		}
		b := c.find(p["id"])
		if b == nil {
			return notFound("Dataset")
		}
		return c.pkg(b), http.StatusOK, "", "", nil
	case "package_search":
		return c.search(p)
	case "organization_list":
		if p["all_fields"] == "true" || p["all_fields"] == "True" {
			return []any{c.organization(true)}, http.StatusOK, "", "", nil
		}
		return []string{c.publisher.Name}, http.StatusOK, "", "", nil
	case "organization_show":
		if p["id"] == "" {
			return nil, http.StatusConflict, "Validation Error", "", missing("id")
		}
		if p["id"] != c.publisher.Name {
			return notFound("Organization")
		}
		o := c.organization(true)
		if p["include_datasets"] == "true" || p["include_datasets"] == "True" {
			var pkgs []map[string]any
			for _, b := range c.snap.Published() {
				pkgs = append(pkgs, c.pkg(b))
			}
			o["packages"] = nonNil(pkgs)
		}
		o["users"] = []any{}
		o["extras"] = []any{}
		o["groups"] = []any{}
		o["tags"] = []any{}
		return o, http.StatusOK, "", "", nil
	case "group_list":
		counts := map[string]int{}
		for _, b := range c.snap.Published() {
			counts[b.Dataset.Theme]++
		}
		var names []string
		var dicts []map[string]any
		for _, t := range opendata.Themes {
			if counts[t] > 0 {
				names = append(names, t)
				dicts = append(dicts, c.group(t, counts[t]))
			}
		}
		if p["all_fields"] == "true" || p["all_fields"] == "True" {
			return nonNil(dicts), http.StatusOK, "", "", nil
		}
		return nonNil(names), http.StatusOK, "", "", nil
	case "group_show":
		if p["id"] == "" {
			return nil, http.StatusConflict, "Validation Error", "", missing("id")
		}
		var pkgs []map[string]any
		for _, b := range c.snap.Published() {
			if b.Dataset.Theme == p["id"] {
				pkgs = append(pkgs, c.pkg(b))
			}
		}
		if len(pkgs) == 0 {
			// group_list lists only themes with a published dataset.
			return notFound("Group")
		}
		g := c.group(p["id"], len(pkgs))
		if p["include_datasets"] == "true" || p["include_datasets"] == "True" {
			g["packages"] = pkgs
		}
		g["users"], g["extras"], g["groups"], g["tags"] = []any{}, []any{}, []any{}, []any{}
		return g, http.StatusOK, "", "", nil
	case "help_show":
		if p["name"] == "" {
			return nil, http.StatusConflict, "Validation Error", "", missing("name")
		}
		if _, ok := ckanDocs[p["name"]]; !ok {
			return nil, http.StatusNotFound, "Not Found Error", "Action function not found", nil
		}
		return ckanDocstring(p["name"]), http.StatusOK, "", "", nil
	case "tag_list":
		seen := map[string]bool{}
		var tags []string
		for _, b := range c.snap.Published() {
			for _, k := range b.Dataset.Keywords {
				if !seen[k] && strings.Contains(k, strings.ToLower(p["query"])) {
					seen[k] = true
					tags = append(tags, k)
				}
			}
		}
		slices.Sort(tags)
		if p["all_fields"] == "true" || p["all_fields"] == "True" {
			var out []map[string]any
			for _, t := range tags {
				out = append(out, map[string]any{"id": t, "name": t, "vocabulary_id": nil})
			}
			return nonNil(out), http.StatusOK, "", "", nil
		}
		return nonNil(tags), http.StatusOK, "", "", nil
	case "resource_show":
		if p["id"] == "" {
			return nil, http.StatusConflict, "Validation Error", "", missing("id")
		}
		for _, b := range c.snap.Published() {
			for i, res := range c.resources(b) {
				if res.ID == p["id"] {
					return c.resource(b, res, i), http.StatusOK, "", "", nil
				}
			}
		}
		return notFound("Resource")
	case "status_show":
		return map[string]any{"ckan_version": ckanVersion, "site_url": c.base, "site_title": "Aldyn",
			"site_description": "Open data of the Kyrgyz Republic's offense-prevention platform", "locale_default": "ky",
			"error_emails_to": nil, "extensions": []string{}}, http.StatusOK, "", "", nil
	}
	return nil, http.StatusBadRequest, "Bad Request", "Action name not known: " + action, nil
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

func intParam(p map[string]string, k string, def int) int {
	if v, err := strconv.Atoi(p[k]); err == nil && v >= 0 {
		return v
	}
	return def
}

func pageOf[T any](s []T, offset, limit int) []T {
	if offset > len(s) {
		return nil
	}
	s = s[offset:]
	if limit < len(s) {
		s = s[:limit]
	}
	return s
}

// search is package_search: q matches words of the title, description and
// tags (all of them); fq filters on tags, organization, groups, res_format
// and name (Solr's field:value, joined by spaces or AND); rows (default
// 10, at most 1000), start, and sort by name, title_string,
// metadata_modified or metadata_created, asc or desc.
func (c *ckanView) search(p map[string]string) (any, int, string, string, map[string][]string) {
	rows := intParam(p, "rows", 10)
	if rows > 1000 {
		rows = 1000
	}
	start := intParam(p, "start", 0)
	filters, err := parseFQ(p["fq"])
	if err != nil {
		return nil, http.StatusConflict, "Search Query Error", "Search error: " + err.Error(), nil
	}
	words := strings.Fields(strings.ToLower(p["q"]))
	if len(words) == 1 && words[0] == "*:*" {
		words = nil
	}
	var found []*opendata.Build
builds:
	for _, b := range c.snap.Published() {
		d := b.Dataset
		hay := strings.ToLower(strings.Join([]string{d.Slug, d.Title.KY, d.Title.RU, d.Title.EN, d.Description.KY, d.Description.RU,
			d.Description.EN, strings.Join(d.Keywords, " ")}, " "))
		for _, w := range words {
			if !strings.Contains(hay, strings.Trim(w, `"`)) {
				continue builds
			}
		}
		for _, f := range filters {
			if !c.matches(b, f[0], f[1]) {
				continue builds
			}
		}
		found = append(found, b)
	}
	sortSpec := p["sort"]
	if sortSpec == "" {
		sortSpec = "score desc, metadata_modified desc"
	}
	key, desc := "", false
	for _, part := range strings.Split(sortSpec, ",") {
		f := strings.Fields(part)
		if len(f) == 0 || f[0] == "score" {
			continue
		}
		key, desc = f[0], len(f) > 1 && strings.EqualFold(f[1], "desc")
		break
	}
	slices.SortStableFunc(found, func(a, b *opendata.Build) int {
		var x int
		switch key {
		case "name":
			x = strings.Compare(a.Dataset.Slug, b.Dataset.Slug)
		case "title_string":
			x = strings.Compare(a.Dataset.Title.EN, b.Dataset.Title.EN)
		case "metadata_created":
			x = a.Version.CreatedAt.Compare(b.Version.CreatedAt)
		default:
			x = a.Version.BuiltAt.Compare(b.Version.BuiltAt)
		}
		if desc {
			return -x
		}
		return x
	})
	var results []map[string]any
	for _, b := range pageOf(found, start, rows) {
		results = append(results, c.pkg(b))
	}
	return map[string]any{"count": len(found), "results": nonNil(results), "sort": sortSpec, "facets": map[string]any{},
		"search_facets": map[string]any{}}, http.StatusOK, "", "", nil
}

func (c *ckanView) matches(b *opendata.Build, field, value string) bool {
	switch field {
	case "tags":
		return slices.Contains(b.Dataset.Keywords, value)
	case "organization", "owner_org":
		return value == c.publisher.Name
	case "groups":
		return value == b.Dataset.Theme
	case "res_format":
		for _, r := range c.resources(b) {
			if strings.EqualFold(r.Format, value) {
				return true
			}
		}
		return false
	case "name", "id":
		return value == b.Dataset.Slug
	case "license_id":
		return value == c.snap.Licence(b.Dataset.Slug)
	}
	return false
}

// parseFQ reads Solr filter terms field:value (value maybe quoted),
// joined by spaces or AND, each maybe prefixed with +.
func parseFQ(fq string) ([][2]string, error) {
	var out [][2]string
	rest := strings.TrimSpace(fq)
	for rest != "" {
		if strings.HasPrefix(rest, "AND ") {
			rest = strings.TrimSpace(rest[4:])
			continue
		}
		rest = strings.TrimPrefix(rest, "+")
		i := strings.IndexByte(rest, ':')
		if i <= 0 {
			return nil, fmt.Errorf("cannot parse fq %q", fq)
		}
		field := rest[:i]
		rest = rest[i+1:]
		var value string
		if strings.HasPrefix(rest, `"`) {
			j := strings.IndexByte(rest[1:], '"')
			if j < 0 {
				return nil, fmt.Errorf("unterminated quote in fq %q", fq)
			}
			value, rest = rest[1:j+1], rest[j+2:]
		} else {
			j := strings.IndexAny(rest, " \t")
			if j < 0 {
				j = len(rest)
			}
			value, rest = rest[:j], rest[j:]
		}
		out = append(out, [2]string{field, value})
		rest = strings.TrimSpace(rest)
	}
	return out, nil
}

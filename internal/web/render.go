package web

import (
	"bytes"
	"context"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"math"
	"net/http"
	"net/url"
	"path"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/i18n"
	"github.com/aldyn-kg/aldyn/internal/importer"
	"github.com/aldyn-kg/aldyn/internal/web/static"
)

//go:embed templates/*.html
var templateFS embed.FS

// templates holds one parsed set per page: the layout plus the page, and
// the optional script bundles each page needs.
type templates struct {
	pages   map[string]*template.Template
	bundles map[string][]bundle
}

var funcs = template.FuncMap{
	"asset": static.Path,
	"json": func(v any) (string, error) {
		b, err := json.Marshal(v)
		return string(b), err
	},
	"add": func(a, b int) int { return a + b },
	// maxSearch is the maxlength of the lists' search fields.
	"maxSearch": func() int { return aldyn.MaxSearchLength },
	"divf": func(a, b int64) float64 {
		if b == 0 {
			return 0
		}
		return float64(a) / float64(b)
	},
	"int64":       func(n int) int64 { return int64(n) },
	"periodLabel": periodLabel,
	"years":       joinYears,
	"list3":       func(a, b, c string) []string { return []string{a, b, c} },
	// lower is the lower end of an interval as pages show it: every
	// figure with an interval (a share, a rate, a count) is at least 0,
	// so a normal-approximation end below 0 reads 0 (the API keeps the
	// estimator's value).
	"lower": func(p *float64) float64 {
		if p == nil {
			return 0
		}
		return max(0, *p)
	},
	"deref": func(p any) any {
		switch v := p.(type) {
		case *float64:
			if v == nil {
				return ""
			}
			return *v
		case *int64:
			if v == nil {
				return ""
			}
			return *v
		case *int:
			if v == nil {
				return ""
			}
			return *v
		}
		return p
	},
	"dict": func(kv ...any) map[string]any {
		m := map[string]any{}
		for i := 0; i+1 < len(kv); i += 2 {
			m[fmt.Sprint(kv[i])] = kv[i+1]
		}
		return m
	},
}

// shareTemplates is a test hook, set only by this package's tests
// (templates_hook_test.go): New then parses the embedded templates once per
// process instead of once per server, as the tests start a server per test.
// The parsed templates are only read, so servers can share them.
var shareTemplates bool

var sharedTemplates struct {
	once sync.Once
	t    *templates
	err  error
}

// serverTemplates are the parsed templates for a new server.
func serverTemplates() (*templates, error) {
	if !shareTemplates {
		return parseTemplates()
	}
	sharedTemplates.once.Do(func() { sharedTemplates.t, sharedTemplates.err = parseTemplates() })
	return sharedTemplates.t, sharedTemplates.err
}

func parseTemplates() (*templates, error) {
	t := &templates{pages: map[string]*template.Template{}, bundles: map[string][]bundle{}}
	partials, err := fs.Glob(templateFS, "templates/_*.html")
	if err != nil {
		return nil, err
	}
	files, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		return nil, err
	}
	for _, f := range files {
		name := strings.TrimSuffix(path.Base(f), ".html")
		if strings.HasPrefix(name, "_") {
			continue
		}
		set := append([]string{}, partials...)
		set = append(set, f)
		tm, err := template.New(name).Funcs(funcs).ParseFS(templateFS, set...)
		if err != nil {
			return nil, fmt.Errorf("parse template %s: %w", name, err)
		}
		t.pages[name] = tm
		t.bundles[name] = bundlesOf(tm)
	}
	return t, nil
}

// page is what every template receives.
type page struct {
	Title string
	Data  any
	Flash string
	// Errors maps form fields to translated messages.
	Errors map[string]string
	Form   url.Values
	// bundles are the optional scripts the page's template needs.
	bundles []bundle
	ri      *reqInfo
	r       *http.Request
	s       *Server
}

func (p *page) T(key string, args ...any) string { return p.ri.loc.T(key, args...) }
func (p *page) Bundles() []bundle                { return p.bundles }
func (p *page) BundleURLs() string               { return bundleURLs }
func (p *page) Lang() string                     { return p.ri.lang }
func (p *page) Actor() *aldyn.Actor              { return p.ri.actor }
func (p *page) User() *aldyn.User                { return p.ri.user }
func (p *page) Path() string                     { return p.r.URL.RequestURI() }
func (p *page) Languages() []string              { return aldyn.Languages }
func (p *page) LanguageName(l string) string     { return i18n.LanguageName(l) }
func (p *page) Is(roles ...string) bool          { return p.ri.actor.Is(roles...) }
func (p *page) TileURL() string                  { return p.s.cfg.TileURL }
func (p *page) TileAttribution() string          { return p.s.cfg.TileAttribution }
func (p *page) Demo() bool                       { return p.s.cfg.Demo }
func (p *page) Citation(c string) string         { return citation(p.ri.loc, c) }
func (p *page) Citations(cs []string) string     { return citations(p.ri.loc, cs) }
func (p *page) Num(n int64) string               { return p.ri.loc.Number(n) }
func (p *page) Date(t time.Time) string          { return p.ri.loc.Date(t) }
func (p *page) DateTime(t time.Time) string      { return p.ri.loc.DateTime(t) }

// Share formats a fraction (0.2565) as a percentage with one decimal.
func (p *page) Share(f float64) string { return p.ri.loc.Percent(f*100, 1) }

// Change formats a relative change (-0.0787) as a signed percentage, or a
// dash when there is nothing to compare with.
func (p *page) Change(f *float64) string {
	if f == nil {
		return "—"
	}
	s := p.ri.loc.Percent(*f*100, 1)
	if *f > 0 {
		s = "+" + s
	}
	return s
}

// Dec formats a number with digits decimals.
func (p *page) Dec(f float64, digits int) string { return p.ri.loc.Decimal(f, digits) }

// Fig formats a figure to one decimal ("55,2", not "55,20"), a whole
// number without decimals ("164", never "164,0").
func (p *page) Fig(f float64) string {
	if r := math.Round(f*10) / 10; r == math.Trunc(r) {
		return p.ri.loc.Decimal(r, 0)
	}
	return p.ri.loc.Decimal(f, 1)
}

// IndicatorValue formats an indicator's value, target or baseline to at
// most two decimals without trailing zeros: "47", "216,3", "8,06" (never
// "47,00").
func (p *page) IndicatorValue(f float64) string {
	_, frac, _ := strings.Cut(strconv.FormatFloat(math.Round(f*100)/100, 'f', -1, 64), ".")
	return p.ri.loc.Decimal(f, len(frac))
}

// SignedFig formats a change as Fig does, with its sign as Change does:
// "+0,7", "-2,2", "0".
func (p *page) SignedFig(f float64) string {
	if s := p.Fig(f); f <= 0 || s == p.Fig(0) {
		return s
	}
	return "+" + p.Fig(f)
}

// Capital is s with its first letter upper-case, for titles kept in the
// source's lower case ("жарандар…" → "Жарандар…").
func Capital(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 {
		return s
	}
	return string(unicode.ToUpper(r)) + s[n:]
}

func (p *page) Capital(s string) string { return Capital(s) }

// Category names an offense category in the page's language.
func (p *page) Category(code string) string { return importer.CategoryName(code, p.ri.lang) }

// Name picks the name of a territory or body in the page's language.
func (p *page) Name(v interface{ Name(string) string }) string { return v.Name(p.ri.lang) }

// Value returns the submitted form value of a field.
func (p *page) Value(field string) string { return p.Form.Get(field) }

// Has reports whether the form's repeated field (checkboxes) holds v.
func (p *page) Has(field, v string) bool { return slices.Contains(p.Form[field], v) }

// URL returns the current URL with query parameters replaced.
func (p *page) URL(kv ...string) string {
	u := *p.r.URL
	q := u.Query()
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] == "" {
			q.Del(kv[i])
		} else {
			q.Set(kv[i], kv[i+1])
		}
	}
	u.RawQuery = q.Encode()
	return u.RequestURI()
}

// SortURL returns the URL that sorts a list by col, toggling direction.
func (p *page) SortURL(col string) string {
	q := p.r.URL.Query()
	desc := "1"
	if q.Get("sort") == col && q.Get("desc") == "1" {
		desc = ""
	}
	return p.URL("sort", col, "desc", desc, "page", "")
}

// SortMark returns an arrow for the current sort column.
func (p *page) SortMark(col string) string {
	q := p.r.URL.Query()
	if q.Get("sort") != col {
		return ""
	}
	if q.Get("desc") == "1" {
		return "↓"
	}
	return "↑"
}

// render writes a page template into a buffer, so no half page reaches
// the browser when a template fails.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, p *page) error {
	tm, ok := s.tmpl.pages[name]
	if !ok {
		return fmt.Errorf("no template %q", name)
	}
	p.ri, p.r, p.s = info(r), r, s
	p.bundles = s.tmpl.bundles[name]
	if p.Form == nil {
		p.Form = url.Values{}
	}
	if p.Flash == "" {
		if c, err := r.Cookie("aldyn_flash"); err == nil {
			if v, err := url.QueryUnescape(c.Value); err == nil {
				p.Flash = p.T(v)
			}
			http.SetCookie(w, &http.Cookie{Name: "aldyn_flash", Path: "/", MaxAge: -1})
		}
	}
	var buf bytes.Buffer
	if err := tm.ExecuteTemplate(&buf, "layout", p); err != nil {
		return fmt.Errorf("render %s: %w", name, err)
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, err := w.Write(buf.Bytes())
	return err
}

// redirect sends the browser on after a successful form, with a flash
// message key shown on the next page.
func redirect(w http.ResponseWriter, r *http.Request, to, flashKey string) error {
	if flashKey != "" {
		http.SetCookie(w, &http.Cookie{Name: "aldyn_flash", Value: url.QueryEscape(flashKey), Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode, MaxAge: 60})
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
	return nil
}

// deleted answers a deletion: no content to the API, the list at list
// with a flash to a browser.
func deleted(w http.ResponseWriter, r *http.Request, list string) error {
	if isAPI(r) {
		w.WriteHeader(http.StatusNoContent)
		return nil
	}
	return redirect(w, r, list, "common.deleted")
}

// localTarget returns next when it is a path on this site, else "/"; every
// route that sends the browser on to a target it was given uses it. The
// target is judged raw, decoded and cleaned as http.Redirect cleans it:
// "/x/../\\evil.example" becomes "/\\evil.example", which browsers read as
// "//evil.example", and they drop tabs and newlines, so "/\t/evil" is "//evil".
func localTarget(next string) string {
	if !strings.HasPrefix(next, "/") || len(next) > 2048 {
		return "/"
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" {
		return "/"
	}
	for _, s := range []string{next, u.Path, path.Clean(next), path.Clean(u.Path)} {
		if strings.HasPrefix(s, "//") || strings.ContainsFunc(s, func(r rune) bool { return r == '\\' || unicode.IsControl(r) }) {
			return "/"
		}
	}
	return next
}

// writeJSON writes v as JSON with status, as application/json unless the
// handler set another JSON type (GeoJSON).
func writeJSON(w http.ResponseWriter, status int, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	if w.Header().Get("Content-Type") == "" {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
	}
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, err = w.Write(append(b, '\n'))
	return err
}

// list is the envelope of every paginated JSON list.
type list[T any] struct {
	Items  []T `json:"items"`
	Total  int `json:"total"`
	Limit  int `json:"limit"`
	Offset int `json:"offset"`
}

func newList[T any](items []T, total int, p aldyn.Page) list[T] {
	p = p.Normalize()
	if items == nil {
		items = []T{}
	}
	return list[T]{Items: items, Total: total, Limit: p.Limit, Offset: p.Offset}
}

// writeFound answers with x, or returns err, loading x's error.
func writeFound[T any](w http.ResponseWriter, x T, err error) error {
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, x)
}

// writeList answers an API list: guard (if any) checks the caller, filter
// reads the filter from the request, and the answer is the page of it
// that find finds, paged by the filter's page.
func writeList[F, T any](w http.ResponseWriter, r *http.Request, guard func(*http.Request) error, filter func(*http.Request) (F, error),
	page func(F) aldyn.Page, find func(context.Context, F) ([]T, int, error)) error {
	if guard != nil {
		if err := guard(r); err != nil {
			return err
		}
	}
	f, err := filter(r)
	if err != nil {
		return err
	}
	items, total, err := find(r.Context(), f)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, newList(items, total, page(f)))
}

// fromQuery is a filter read from the request's query.
func fromQuery[F any](filter func(url.Values) (F, error)) func(*http.Request) (F, error) {
	return func(r *http.Request) (F, error) { return filter(r.URL.Query()) }
}

var statusByCode = map[string]int{
	aldyn.EINVALID:       http.StatusBadRequest,
	aldyn.ENOTFOUND:      http.StatusNotFound,
	aldyn.ECONFLICT:      http.StatusConflict,
	aldyn.EFORBIDDEN:     http.StatusForbidden,
	aldyn.EUNAUTHORIZED:  http.StatusUnauthorized,
	aldyn.ETOOLARGE:      http.StatusRequestEntityTooLarge,
	aldyn.ETOOMANY:       http.StatusTooManyRequests,
	aldyn.EINTERNAL:      http.StatusInternalServerError,
	"method_not_allowed": http.StatusMethodNotAllowed,
}

// apiError is the JSON error body: {"error":{"code","message","fields"}}.
type apiError struct {
	Error struct {
		Code    string            `json:"code"`
		Message string            `json:"message"`
		Fields  map[string]string `json:"fields,omitempty"`
	} `json:"error"`
}

// writeError maps an error to its status and writes it as JSON for the API
// and as a page otherwise. Internal errors are logged here, once.
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		err = aldyn.Errorf(aldyn.ETOOLARGE, "error.too_large", "limit", byteSize(mbe.Limit))
	}
	code := aldyn.ErrorCode(err)
	status, ok := statusByCode[code]
	if !ok {
		status = http.StatusInternalServerError
	}
	ri := info(r)
	if status == http.StatusInternalServerError {
		s.log.Error("internal error", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	var e *aldyn.Error
	if !errors.As(err, &e) || code == aldyn.EINTERNAL {
		e = aldyn.Errorf(aldyn.EINTERNAL, "error.internal")
	}
	var body apiError
	body.Error.Code = e.Code
	body.Error.Message = ri.loc.T(e.Message, e.Args)
	if len(e.Fields) > 0 {
		body.Error.Fields = map[string]string{}
		for f, k := range e.Fields {
			body.Error.Fields[f] = ri.loc.T(k)
		}
	}
	if isAPI(r) || wantsJSON(r) {
		writeJSON(w, status, body)
		return
	}
	if status == http.StatusUnauthorized && r.Method == http.MethodGet {
		http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
		return
	}
	if rerr := s.render(w, r, status, "error", &page{Title: body.Error.Message, Data: body}); rerr != nil {
		s.log.Error("render error page", "err", rerr)
		http.Error(w, body.Error.Message, status)
	}
}

func wantsJSON(r *http.Request) bool {
	return strings.Contains(r.Header.Get("Accept"), "application/json") && !strings.Contains(r.Header.Get("Accept"), "text/html")
}

func byteSize(n int64) string {
	switch {
	case n >= 1<<20:
		return strconv.FormatInt(n>>20, 10) + " MB"
	case n >= 1<<10:
		return strconv.FormatInt(n>>10, 10) + " KB"
	}
	return strconv.FormatInt(n, 10) + " B"
}

// saveJSON answers an API create or update: it reads the JSON body into
// an In, makes the item from it with make (which may refuse it), stores it
// with save and answers status with the item as stored.
func saveJSON[In, T any](w http.ResponseWriter, r *http.Request, status int, make func(In) (T, error), save func(context.Context, *aldyn.Actor, T) error) error {
	var in In
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	item, err := make(in)
	if err != nil {
		return err
	}
	if err := save(r.Context(), actor(r), item); err != nil {
		return err
	}
	return writeJSON(w, status, item)
}

// saveFormJSON reads the API's JSON into v through its one form, saves v
// and answers with it.
func saveFormJSON[T any](w http.ResponseWriter, r *http.Request, status int, v T, form entityForm, save func(context.Context, *aldyn.Actor, T) error) error {
	if err := readJSON(r, form); err != nil {
		return err
	}
	if err := save(r.Context(), actor(r), v); err != nil {
		return err
	}
	return writeJSON(w, status, v)
}

// infallible is a conversion from an input that cannot fail, as saveJSON's
// make.
func infallible[In, T any](f func(In) T) func(In) (T, error) {
	return func(in In) (T, error) { return f(in), nil }
}

// decodeJSON reads a JSON request body strictly: unknown fields, wrong
// types, trailing data and oversized bodies are client errors with a
// translated message naming the problem.
func decodeJSON(r *http.Request, v any) error {
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	if err == nil {
		if _, terr := dec.Token(); terr != io.EOF {
			return aldyn.Errorf(aldyn.EINVALID, "error.malformed_json", "detail", "trailing data after the JSON value")
		}
		return nil
	}
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	var mbe *http.MaxBytesError
	switch {
	case errors.As(err, &mbe):
		return aldyn.Errorf(aldyn.ETOOLARGE, "error.too_large", "limit", byteSize(mbe.Limit))
	case errors.As(err, &syn):
		return aldyn.Errorf(aldyn.EINVALID, "error.malformed_json", "detail", fmt.Sprintf("syntax error at byte %d", syn.Offset))
	case errors.As(err, &typ):
		field := typ.Field
		if field == "" {
			field = "(body)"
		}
		return &aldyn.Error{Code: aldyn.EINVALID, Message: "error.wrong_type", Args: map[string]any{"field": field, "type": typ.Type.String()},
			Fields: map[string]string{field: "error.wrong_type_short"}}
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return aldyn.Errorf(aldyn.EINVALID, "error.malformed_json", "detail", "empty or truncated body")
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		f := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return &aldyn.Error{Code: aldyn.EINVALID, Message: "error.unknown_field", Args: map[string]any{"field": f}}
	}
	return aldyn.Errorf(aldyn.EINVALID, "error.malformed_json", "detail", err.Error())
}

// pageFromQuery reads pagination and sorting from the query: the API uses
// limit/offset, pages use page/per_page; both use sort and desc.
// sortedPage is the page a list's query asks for, sorted by one of the
// sorts the store knows for it.
func sortedPage(q url.Values, sorts map[string]string) (aldyn.Page, error) {
	p, err := pageFromQuery(q)
	if _, ok := sorts[p.Sort]; err == nil && p.Sort != "" && !ok {
		err = badParam("sort")
	}
	return p, err
}

func pageFromQuery(q url.Values) (aldyn.Page, error) {
	var p aldyn.Page
	num := func(name string) (int, error) {
		v := q.Get(name)
		if v == "" {
			return 0, nil
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return 0, badParam(name)
		}
		return n, nil
	}
	var err error
	if p.Limit, err = num("limit"); err != nil {
		return p, err
	}
	if p.Offset, err = num("offset"); err != nil {
		return p, err
	}
	per, err := num("per_page")
	if err != nil {
		return p, err
	}
	if per > 0 {
		p.Limit = per
	}
	pg, err := num("page")
	if err != nil {
		return p, err
	}
	p = p.Normalize()
	if pg > 1 {
		p.Offset = (pg - 1) * p.Limit
	}
	p.Sort = q.Get("sort")
	if strings.HasPrefix(p.Sort, "-") {
		p.Sort, p.Desc = p.Sort[1:], true
	}
	p.Desc = p.Desc || q.Get("desc") == "1" || q.Get("desc") == "true"
	// Every list that searches reads its page here, so the search text of
	// all of them is checked here once.
	return p, aldyn.CheckSearch(q.Get("q"))
}

func badParam(name string) error {
	return &aldyn.Error{Code: aldyn.EINVALID, Message: "error.bad_param", Args: map[string]any{"param": name}, Fields: map[string]string{name: "error.bad_param_short"}}
}

// The filters lists share, read from the query; each leaves its target
// unset when the parameter is absent and refuses a bad value by name.

// territoryParam reads territory (a code) as the territory's path.
func (s *Server) territoryParam(ctx context.Context, q url.Values, path *string) error {
	if v := q.Get("territory"); v != "" {
		t, err := s.db.FindTerritoryByCode(ctx, v)
		if err != nil {
			return badParam("territory")
		}
		*path = t.Path
	}
	return nil
}

// statusParam reads status, one of the values of its type.
func statusParam[S interface {
	~string
	Valid() bool
}](q url.Values, p **S) error {
	if v := q.Get("status"); v != "" {
		st := S(v)
		if !st.Valid() {
			return badParam("status")
		}
		*p = &st
	}
	return nil
}

// dayRange reads from and to (YYYY-MM-DD, to inclusive) as the bounds of
// the days in loc: from's midnight and the midnight after to.
func dayRange(q url.Values, loc *time.Location, from, to **time.Time) error {
	for _, d := range []struct {
		name string
		p    **time.Time
		add  int
	}{{"from", from, 0}, {"to", to, 1}} {
		if v := q.Get(d.name); v != "" {
			t, ok := parseDay(v)
			if !ok {
				return badParam(d.name)
			}
			t = time.Date(t.Year(), t.Month(), t.Day()+d.add, 0, 0, 0, 0, loc)
			*d.p = &t
		}
	}
	return nil
}

// pager is the template data of a pagination bar.
type pager struct {
	Page, Pages, Total int
}

func newPager(p aldyn.Page, total int) pager {
	p = p.Normalize()
	return pager{Page: p.Offset/p.Limit + 1, Pages: int(math.Max(1, math.Ceil(float64(total)/float64(p.Limit)))), Total: total}
}

// formErrors translates the field errors of a validation error for a form;
// other errors are returned as they are.
// submitForm ends a form post. form and readErr are what reading the form
// gave: no form means the request itself was refused, and readErr is
// returned. When the form read cleanly, save stores it. When reading or
// saving found errors in fields, show renders the form again with them,
// translated (with status 400); other errors are returned. Otherwise the
// browser goes to next(), the stored item's page, with the flash message.
func submitForm(w http.ResponseWriter, r *http.Request, form url.Values, readErr error, save func() error,
	show func(errs map[string]string) error, next func() string, flash string) error {
	if form == nil {
		return readErr
	}
	var saveErr error
	if readErr == nil {
		saveErr = save()
	}
	if readErr != nil || saveErr != nil {
		errs, err := formErrors(info(r).loc, saveErr)
		if err != nil {
			return err
		}
		return show(mergeErrors(info(r).loc, readErr, errs))
	}
	return redirect(w, r, next(), flash)
}

// mergeErrors joins the field errors of reading a form with those of
// saving it, the reading ones first.
func mergeErrors(loc interface{ T(string, ...any) string }, read error, save map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range save {
		out[k] = v
	}
	if e, ok := read.(*aldyn.Error); ok {
		for f, k := range e.Fields {
			out[f] = loc.T(k)
		}
	}
	return out
}

func formErrors(loc *i18n.Localizer, err error) (map[string]string, error) {
	var e *aldyn.Error
	if !errors.As(err, &e) || len(e.Fields) == 0 {
		return nil, err
	}
	m := map[string]string{}
	for f, k := range e.Fields {
		m[f] = loc.T(k)
	}
	return m, nil
}

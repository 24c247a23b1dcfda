package web_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/auth"
	"github.com/aldyn-kg/aldyn/internal/store"
	"github.com/aldyn-kg/aldyn/internal/store/storetest"
	"github.com/aldyn-kg/aldyn/internal/web"
)

// Territory codes of the fixture: district A is Alamüdün (Chüy), district
// B is Suzak (Jalal-Abad).
const (
	codeA = "41708203000000"
	codeB = "41703220000000"
)

// fixture is a running server with bodies and users of every role.
type fixture struct {
	srv    *httptest.Server
	web    *web.Server
	db     *store.DB
	auth   *auth.Service
	bodyA  *aldyn.Body
	bodyB  *aldyn.Body
	users  map[string]*aldyn.User // by actor name
	tokens map[string]string      // API tokens by actor name
}

// Actor names of the access matrix.
const (
	anon        = "anonymous"
	reporterA   = "reporterA"
	coordinator = "coordinatorA"
	analystA    = "analystA"
	adminA      = "adminA"
	adminKG     = "adminKG"
)

var actorNames = []string{anon, reporterA, coordinator, analystA, adminA, adminKG}

func mustFixture(tb testing.TB) *fixture {
	tb.Helper()
	return mustFixtureWith(tb, auth.Options{})
}

// mustFixtureWith is mustFixture with the sign-in service configured by
// opts; cheap hash parameters unless opts sets some.
func mustFixtureWith(tb testing.TB, opts auth.Options) *fixture {
	tb.Helper()
	ctx := context.Background()
	db := storetest.MustOpenDB(tb)
	if opts.Params == nil {
		opts.Params = &auth.Params{Memory: 1024, Time: 1, Threads: 1}
	}
	svc := auth.NewService(db, opts)
	f := &fixture{db: db, auth: svc, users: map[string]*aldyn.User{}, tokens: map[string]string{}}
	mustBody := func(code, name string) *aldyn.Body {
		b := &aldyn.Body{TerritoryCode: code, Type: "police", NameKy: name + " ИИБ", NameRu: name + " ОВД", NameEn: name + " police",
			ContactPerson: "Duty officer " + name, DirectPhone: "+996 312 000 000"}
		if err := db.CreateBody(ctx, aldyn.System, b); err != nil {
			tb.Fatal(err)
		}
		return b
	}
	f.bodyA, f.bodyB = mustBody(codeA, "Аламүдүн"), mustBody(codeB, "Сузак")
	national := mustBody("41700000000000", "Republic")
	for name, spec := range map[string]struct {
		role string
		body *aldyn.Body
	}{
		reporterA: {aldyn.RoleReporter, f.bodyA}, coordinator: {aldyn.RoleCoordinator, f.bodyA}, analystA: {aldyn.RoleAnalyst, f.bodyA},
		adminA: {aldyn.RoleAdministrator, f.bodyA}, adminKG: {aldyn.RoleAdministrator, national}, "analystB": {aldyn.RoleAnalyst, f.bodyB},
	} {
		f.mustUser(tb, name, spec.role, spec.body)
	}
	// No open-data rate limit: the access matrix sends hundreds of CKAN
	// calls from one address (TestOpenDataRateLimit has its own server).
	s, err := web.New(web.Config{OpenDataRate: -1}, db, svc, slog.New(slog.NewTextHandler(tbWriter{tb}, &slog.HandlerOptions{Level: slog.LevelError})))
	if err != nil {
		tb.Fatal(err)
	}
	f.web = s
	f.srv = httptest.NewServer(s.Handler())
	tb.Cleanup(f.srv.Close)
	return f
}

// mustUser adds a user of role in body (its login is name in lower case,
// its password "correct horse battery") with an API token, the actor
// named name in requests.
func (f *fixture) mustUser(tb testing.TB, name, role string, body *aldyn.Body) *aldyn.User {
	tb.Helper()
	ctx := context.Background()
	u := &aldyn.User{Login: strings.ToLower(name), Name: name, Role: role, BodyID: body.ID}
	if err := f.auth.CreateUser(ctx, aldyn.System, u, "correct horse battery"); err != nil {
		tb.Fatal(err)
	}
	tok, err := f.auth.IssueAPIToken(ctx, aldyn.System, u.ID, "test")
	if err != nil {
		tb.Fatal(err)
	}
	f.users[name], f.tokens[name] = u, tok
	return u
}

// do sends a request as the named actor (by API token) without following
// redirects.
func (f *fixture) do(tb testing.TB, who, method, path, contentType, body string) *http.Response {
	tb.Helper()
	return f.send(tb, who, method, path, strings.NewReader(body), map[string]string{"Content-Type": contentType})
}

// send sends a request as who (by API token; without one for anonymous)
// with the headers that are not empty, following no redirect; the answer's
// body is closed when the test ends.
func (f *fixture) send(tb testing.TB, who, method, path string, body io.Reader, header map[string]string) *http.Response {
	tb.Helper()
	req, err := http.NewRequest(method, f.srv.URL+path, body)
	if err != nil {
		tb.Fatal(err)
	}
	for k, v := range header {
		if v != "" {
			req.Header.Set(k, v)
		}
	}
	if tok, ok := f.tokens[who]; ok {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	resp, err := noRedirect().Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { resp.Body.Close() })
	return resp
}

func noRedirect() *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

func readBody(tb testing.TB, resp *http.Response) string {
	tb.Helper()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		tb.Fatal(err)
	}
	return string(b)
}

// formFile is a file in a multipart form: its field, file name and content.
type formFile struct {
	field, name string
	content     []byte
}

// mustMultipart is a multipart/form-data body of fields and files: its
// content type and the body.
func mustMultipart(tb testing.TB, fields map[string]string, files ...formFile) (string, string) {
	tb.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, v := range fields {
		if err := mw.WriteField(k, v); err != nil {
			tb.Fatal(err)
		}
	}
	for _, f := range files {
		fw, err := mw.CreateFormFile(f.field, f.name)
		if err != nil {
			tb.Fatal(err)
		}
		fw.Write(f.content)
	}
	if err := mw.Close(); err != nil {
		tb.Fatal(err)
	}
	return mw.FormDataContentType(), buf.String()
}

// tbWriter sends server logs to the test's log, so internal errors show.
type tbWriter struct{ tb testing.TB }

func (w tbWriter) Write(b []byte) (int, error) {
	w.tb.Log(strings.TrimSpace(string(b)))
	return len(b), nil
}

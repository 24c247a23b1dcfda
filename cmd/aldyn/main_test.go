package main

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aldyn-kg/aldyn/internal/store/storetest"
)

// dbArgs points a command at the test database: the SQLite file in dir,
// or a fresh PostgreSQL schema in the PostgreSQL run.
func dbArgs(tb testing.TB, dir string) []string {
	args := []string{"--data", dir, "--log-level", "error"}
	if os.Getenv(storetest.PostgresEnv) != "" {
		args = append(args, "--db", storetest.MustDSN(tb))
	}
	return args
}

func mustRun(tb testing.TB, args ...string) string {
	tb.Helper()
	var out, errb bytes.Buffer
	if code := run(context.Background(), args, &out, &errb); code != 0 {
		tb.Fatalf("aldyn %s: exit %d: %s", strings.Join(args, " "), code, errb.String())
	}
	return out.String()
}

// TestServeDemo starts `aldyn serve --demo` on a fresh database, reads the
// URL and the administrator's one-time password it prints, signs in, and
// stops it with a cancelled context (what SIGTERM does).
func TestServeDemo(t *testing.T) {
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, append([]string{"serve", "--demo", "--addr", "127.0.0.1:0"}, dbArgs(t, dir)...), pw, io.Discard)
		pw.Close()
	}()
	var base, password string
	sc := bufio.NewScanner(pr)
	for (base == "" || password == "") && sc.Scan() {
		line := sc.Text()
		if m := regexp.MustCompile(`running at (\S+)`).FindStringSubmatch(line); m != nil {
			base = m[1]
		}
		if m := regexp.MustCompile(`login admin, one-time password (\S+)`).FindStringSubmatch(line); m != nil {
			password = m[1]
		}
	}
	go io.Copy(io.Discard, pr)
	if base == "" || password == "" {
		t.Fatalf("serve --demo printed no URL or password (url %q)", base)
	}
	client := noRedirect()
	resp, err := client.PostForm(base+"/login", url.Values{"login": {"admin"}, "password": {password}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("login with the printed password: got %d, want 303", resp.StatusCode)
	}
	var session *http.Cookie
	for _, c := range resp.Cookies() {
		if c.Name == "aldyn_session" {
			session = c
		}
	}
	if session == nil || !session.HttpOnly || session.SameSite != http.SameSiteLaxMode {
		t.Fatalf("session cookie: got %+v", session)
	}
	req, _ := http.NewRequest("GET", base+"/api/v1/users?limit=100", nil)
	req.AddCookie(session)
	resp, err = client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(body), `"login":"alamudun.analyst"`) {
		t.Errorf("demo users: got %d %s", resp.StatusCode, body)
	}
	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Errorf("serve exited with %d after shutdown, want 0", code)
		}
	case <-time.After(25 * time.Second):
		t.Fatal("serve did not shut down")
	}
}

func noRedirect() *http.Client {
	return &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

func TestUserCommands(t *testing.T) {
	dir := t.TempDir()
	args := dbArgs(t, dir)
	mustRun(t, append([]string{"demo"}, args...)...)
	out := mustRun(t, append([]string{"user", "list"}, args...)...)
	if !strings.Contains(out, "alamudun.reporter") {
		t.Errorf("user list: %s", out)
	}
	tok := strings.TrimSpace(mustRun(t, append([]string{"user", "token", "alamudun.analyst"}, args...)...))
	if !strings.HasPrefix(tok, "aldyn_") || len(tok) < 40 {
		t.Errorf("token: got %q", tok)
	}
	out = mustRun(t, append([]string{"user", "disable", "alamudun.analyst"}, args...)...)
	if !strings.Contains(out, "disabled alamudun.analyst") {
		t.Errorf("disable: %s", out)
	}
	var errb bytes.Buffer
	if code := run(context.Background(), append([]string{"user", "create", "--login", "Bad Login", "--name", "x", "--role", "analyst", "--body", "1"}, args...), io.Discard, &errb); code == 0 ||
		!strings.Contains(errb.String(), "login") {
		t.Errorf("create with a bad login: exit %d, %s", code, errb.String())
	}
	out = mustRun(t, append([]string{"user", "create", "--login", "new.analyst", "--name", "New Analyst", "--role", "analyst", "--body", "1"}, args...)...)
	if !strings.Contains(out, "one-time password") {
		t.Errorf("create: %s", out)
	}
}

func TestBackupCommand(t *testing.T) {
	dir := t.TempDir()
	mustRun(t, "demo", "--data", dir, "--log-level", "error")
	file := filepath.Join(t.TempDir(), "aldyn-backup.db")
	mustRun(t, "backup", file, "--data", dir)
	other := t.TempDir()
	mustRun(t, "backup", "restore", file, "--data", other)
	a := mustRun(t, "user", "list", "--data", dir)
	b := mustRun(t, "user", "list", "--data", other)
	if a != b || !strings.Contains(b, "admin") {
		t.Errorf("users after restore differ:\n%s\n%s", a, b)
	}
}

func TestHelp(t *testing.T) {
	for _, cmd := range []string{"serve", "migrate", "demo", "user", "backup", "version"} {
		var errb bytes.Buffer
		if code := run(context.Background(), []string{cmd, "--help"}, io.Discard, &errb); code != 0 || !strings.Contains(errb.String(), "Usage") && cmd != "version" {
			t.Errorf("%s --help: exit %d, %q", cmd, code, errb.String())
		}
	}
}

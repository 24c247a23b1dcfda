package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/aldyn-kg/aldyn/internal/store"
	"github.com/aldyn-kg/aldyn/internal/store/storetest"
	"github.com/aldyn-kg/aldyn/internal/workbook/workbooktest"
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
		done <- run(ctx, append([]string{"serve", "--demo", "--demo-offenses", "0.01", "--addr", "127.0.0.1:0"}, dbArgs(t, dir)...), pw, io.Discard)
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
	// The synthetic offense records are loaded and counted as synthetic.
	req, _ = http.NewRequest("GET", base+"/api/v1/stats/counts?by=year", nil)
	req.AddCookie(session)
	resp, err = client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var counts struct{ Total, Synthetic int64 }
	err = json.NewDecoder(resp.Body).Decode(&counts)
	resp.Body.Close()
	if err != nil || counts.Total == 0 || counts.Synthetic != counts.Total {
		t.Errorf("demo offense counts: %+v, %v; want synthetic records only", counts, err)
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
	mustRun(t, append([]string{"demo", "--demo-offenses", "0"}, args...)...)
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
	mustRun(t, "demo", "--data", dir, "--log-level", "error", "--demo-offenses", "0.01")
	file := filepath.Join(t.TempDir(), "aldyn-backup.db")
	mustRun(t, "backup", file, "--data", dir)
	other := t.TempDir()
	// The records in memory a server saved for the database a restore
	// replaces are not read for the restored one.
	saved := filepath.Join(other, store.OffenseIndexFile)
	if err := os.WriteFile(saved, []byte("records of the replaced database"), 0o600); err != nil {
		t.Fatal(err)
	}
	mustRun(t, "backup", "restore", file, "--data", other)
	if _, err := os.Stat(saved); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("saved records in memory after a restore: %v", err)
	}
	a := mustRun(t, "user", "list", "--data", dir)
	b := mustRun(t, "user", "list", "--data", other)
	if a != b || !strings.Contains(b, "admin") {
		t.Errorf("users after restore differ:\n%s\n%s", a, b)
	}
}

func TestHelp(t *testing.T) {
	for _, cmd := range []string{"serve", "migrate", "demo", "user", "backup", "import", "version"} {
		var errb bytes.Buffer
		if code := run(context.Background(), []string{cmd, "--help"}, io.Discard, &errb); code != 0 || !strings.Contains(errb.String(), "Usage") && cmd != "version" {
			t.Errorf("%s --help: exit %d, %q", cmd, code, errb.String())
		}
	}
}

// TestImportOffensesCommand imports a file with a bad row (refused whole,
// the rejected rows written with row, column and reason), then the good
// rows, then the same file again (nothing new), and a file with a personal
// number (refused, naming the column).
func TestImportOffensesCommand(t *testing.T) {
	dir := t.TempDir()
	db := dbArgs(t, dir)
	const header = "registration_number,source,category,registered_on,occurred_on,occurred_time,territory_code,lat,lon,place_type,solved\n"
	good := "A-1,crimes,theft,2024-03-02,2024-03-01,22:15,41711000000000,42.87,74.6,street,0\n" +
		"A-2,crimes,fraud,2024-03-05,,,41711000000000,,,other,1\n"
	bad := "A-3,crimes,nonsense,2024-03-05,,,41799999999999,,,other,1\n"
	file := filepath.Join(dir, "offenses.csv")
	if err := os.WriteFile(file, []byte(header+good+bad), 0o600); err != nil {
		t.Fatal(err)
	}
	errFile := filepath.Join(dir, "rejected.csv")
	var out, errb bytes.Buffer
	args := append(append([]string{"import", "offenses"}, db...), "--errors", errFile, file)
	if code := run(context.Background(), args, &out, &errb); code != 1 {
		t.Fatalf("bad file: exit %d, want 1: %s", code, errb.String())
	}
	rejected, err := os.ReadFile(errFile)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"4,category,Unknown category", "4,territory_code,No territory has this SOATE code,41799999999999"} {
		if !strings.Contains(string(rejected), want) {
			t.Errorf("rejected rows %q lack %q", rejected, want)
		}
	}
	if !strings.Contains(errb.String(), "nothing was imported") {
		t.Errorf("stderr %q does not say nothing was imported", errb.String())
	}

	if err := os.WriteFile(file, []byte(header+good), 0o600); err != nil {
		t.Fatal(err)
	}
	first := mustRun(t, append(append([]string{"import", "offenses"}, db...), file)...)
	if !strings.Contains(first, "2 rows read, 2 new, 0 already stored") {
		t.Errorf("first import: %q", first)
	}
	again := mustRun(t, append(append([]string{"import", "offenses"}, db...), file)...)
	if !strings.Contains(again, "2 rows read, 0 new, 2 already stored") {
		t.Errorf("re-import: %q", again)
	}

	pin := filepath.Join(dir, "pin.csv")
	if err := os.WriteFile(pin, []byte("registration_number,registered_on,territory_code,category,инн\nB-1,2024-03-02,41711000000000,theft,21203199001234\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	errb.Reset()
	if code := run(context.Background(), append(append([]string{"import", "offenses"}, db...), pin), io.Discard, &errb); code != 1 || !strings.Contains(errb.String(), "инн") {
		t.Errorf("personal number: exit %d, stderr %q; want a refusal naming the column", code, errb.String())
	}
}

// TestImportOffensesXLSXBomb imports a workbook of 1 MB whose one cell
// unpacks to 1 GB: it is refused, naming the cell in the language asked
// for, within memory of the order of the file.
func TestImportOffensesXLSXBomb(t *testing.T) {
	dir := t.TempDir()
	db := dbArgs(t, dir)
	mustRun(t, append([]string{"migrate"}, db...)...)
	header := strings.Split("registration_number,source,category,registered_on,territory_code", ",")
	for _, tc := range []struct {
		name string
		data []byte
		want string
	}{
		{"huge cell", workbooktest.MustHugeCell(t, header, 1_000_000_000, false), "Строка 2, столбец B: ячейка длиннее 32767 символов"},
		{"lying sizes", workbooktest.MustManyCells(t, header, 1_000_000, 4096), "Книга Excel повреждена"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			file := filepath.Join(dir, "bomb.xlsx")
			if err := os.WriteFile(file, tc.data, 0o600); err != nil {
				t.Fatal(err)
			}
			var errb bytes.Buffer
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			code := run(context.Background(), append(append([]string{"import", "offenses", "--lang", "ru"}, db...), file), io.Discard, &errb)
			runtime.ReadMemStats(&after)
			if code != 1 || !strings.Contains(errb.String(), tc.want) {
				t.Errorf("exit %d, stderr %q; want 1 and %q", code, errb.String(), tc.want)
			}
			// The database's reference data, and the file read twice over.
			if alloc, limit := after.TotalAlloc-before.TotalAlloc, 4*uint64(len(tc.data))+96<<20; alloc > limit {
				t.Errorf("allocated %d MB refusing a %d KB file, want at most %d MB", alloc>>20, len(tc.data)>>10, limit>>20)
			}
		})
	}
}

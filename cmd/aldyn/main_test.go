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
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/auth"
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

// dsnOf is the database that args from dbArgs point at.
func dsnOf(args []string) string {
	var c config
	for i := 0; i+1 < len(args); i++ {
		switch args[i] {
		case "--data":
			c.data = args[i+1]
		case "--db":
			c.db = args[i+1]
		}
	}
	return c.dsn()
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
	signIn := func(password, wantLocation string) *http.Cookie {
		t.Helper()
		resp, err := client.PostForm(base+"/login", url.Values{"login": {"admin"}, "password": {password}})
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != wantLocation {
			t.Fatalf("login: got %d to %q, want 303 to %s", resp.StatusCode, resp.Header.Get("Location"), wantLocation)
		}
		for _, c := range resp.Cookies() {
			if c.Name == "aldyn_session" {
				if !c.HttpOnly || c.SameSite != http.SameSiteLaxMode {
					t.Fatalf("session cookie: got %+v", c)
				}
				return c
			}
		}
		t.Fatal("login: no session cookie")
		return nil
	}
	// The printed password is one-time: the profile asks for a new one first.
	session := signIn(password, "/profile")
	req, _ := http.NewRequest("POST", base+"/profile/password",
		strings.NewReader(url.Values{"password": {password}, "new_password": {"the demo's own passphrase"}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.AddCookie(session)
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("password change: got %d, want 303", resp.StatusCode)
	}
	session = signIn("the demo's own passphrase", "/")
	req, _ = http.NewRequest("GET", base+"/api/v1/users?limit=100", nil)
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
	t.Run("token expiry, renewal and reset", func(t *testing.T) {
		var out, errb bytes.Buffer
		if code := run(context.Background(), append([]string{"user", "token", "alamudun.analyst", "--token-name", "etl"}, args...), &out, &errb); code != 0 {
			t.Fatalf("token: exit %d: %s", code, errb.String())
		}
		etl := strings.TrimSpace(out.String())
		want := time.Now().UTC().Add(90 * 24 * time.Hour).Format("2006-01-02")
		if !strings.HasPrefix(etl, "aldyn_") || !strings.Contains(errb.String(), "valid until "+want) || !strings.Contains(errb.String(), "--renew") {
			t.Errorf("token: got stdout %q, stderr %q, want the token alone and its expiry on %s", etl, errb.String(), want)
		}
		list := mustRun(t, append([]string{"user", "tokens", "alamudun.analyst"}, args...)...)
		if !strings.Contains(list, "etl") || strings.Count(list, want) != 2 || strings.Count(list, "active") != 2 {
			t.Errorf("tokens: got\n%s\nwant cli and etl active until %s", list, want)
		}
		// Expire the token in the database, then renew it.
		db, err := store.Open(context.Background(), dsnOf(args))
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		db.Now = func() time.Time { return time.Now().UTC().Add(91 * 24 * time.Hour) }
		if _, err := db.FindTokenUser(context.Background(), auth.HashToken(etl)); aldyn.ErrorCode(err) != aldyn.EUNAUTHORIZED {
			t.Errorf("token 91 days on: got %v, want unauthorized", err)
		}
		out2 := mustRun(t, append([]string{"user", "token", "alamudun.analyst", "--token-name", "etl", "--renew"}, args...)...)
		if !strings.Contains(out2, `renewed token "etl"`) || !strings.Contains(out2, "valid until "+want) {
			t.Errorf("renew: got %q, want etl renewed until %s", out2, want)
		}
		db.Now = func() time.Time { return time.Now().UTC().Add(89 * 24 * time.Hour) }
		if _, err := db.FindTokenUser(context.Background(), auth.HashToken(etl)); err != nil {
			t.Errorf("renewed token 89 days on: got %v, want the user", err)
		}
		var errc bytes.Buffer
		if code := run(context.Background(), append([]string{"user", "token", "alamudun.analyst", "--token-name", "none", "--renew"}, args...), io.Discard, &errc); code == 0 ||
			!strings.Contains(errc.String(), `no unrevoked token named "none"`) {
			t.Errorf("renewing a missing token: exit %d, %s", code, errc.String())
		}
		out3 := mustRun(t, append([]string{"user", "reset-password", "alamudun.analyst"}, args...)...)
		if !strings.Contains(out3, "API tokens revoked") {
			t.Errorf("reset-password: %s", out3)
		}
		db.Now = func() time.Time { return time.Now().UTC() }
		if _, err := db.FindTokenUser(context.Background(), auth.HashToken(etl)); aldyn.ErrorCode(err) != aldyn.EUNAUTHORIZED {
			t.Errorf("token after reset-password: got %v, want unauthorized", err)
		}
		if list := mustRun(t, append([]string{"user", "tokens", "alamudun.analyst"}, args...)...); strings.Count(list, "revoked") != 2 {
			t.Errorf("tokens after reset-password: got\n%s\nwant both revoked", list)
		}
		errc.Reset()
		if code := run(context.Background(), append([]string{"user", "token", "alamudun.analyst"}, args...), io.Discard, &errc); code == 0 ||
			!strings.Contains(errc.String(), "one-time password") {
			t.Errorf("token for a one-time password: exit %d, %s, want refused", code, errc.String())
		}
	})
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
	for _, cmd := range []string{"serve", "migrate", "init", "demo", "user", "backup", "import", "version"} {
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

// TestFlagsAfterArguments: every command takes its flags after its
// positional arguments as well as before them, and "--" ends the flags.
func TestFlagsAfterArguments(t *testing.T) {
	dir := t.TempDir()
	db := dbArgs(t, dir)
	mustRun(t, append([]string{"migrate"}, db...)...)
	file := filepath.Join(dir, "offenses.csv")
	if err := os.WriteFile(file, []byte("registration_number,source,category,registered_on,territory_code\nA-1,crimes,theft,2024-03-02,41711000000000\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	out := mustRun(t, append([]string{"import", "offenses", file}, db...)...)
	if !strings.Contains(out, "1 rows read, 1 new") {
		t.Errorf("import offenses FILE --data DIR: %q", out)
	}
	out = mustRun(t, append([]string{"user", "list"}, db...)...)
	if !strings.Contains(out, "LOGIN") {
		t.Errorf("user list --data DIR: %q", out)
	}
	// After "--" a name that looks like a flag is a file name.
	var errb bytes.Buffer
	code := run(context.Background(), append(append([]string{"import", "offenses"}, db...), "--", "--no-such-file"), io.Discard, &errb)
	if code != 1 || !strings.Contains(errb.String(), "--no-such-file") || strings.Contains(errb.String(), "flag provided but not defined") {
		t.Errorf("import offenses -- --no-such-file: exit %d, %q; want the file not found", code, errb.String())
	}
}

// TestInit starts a production instance from an empty data directory (or
// an empty PostgreSQL schema): the administrator it prints signs in with
// the one-time password, has the national scope, and a second init is
// refused without touching anything.
func TestInit(t *testing.T) {
	dir := t.TempDir()
	args := dbArgs(t, dir)
	var errb bytes.Buffer
	if code := run(context.Background(), append([]string{"init"}, args...), io.Discard, &errb); code == 0 || !strings.Contains(errb.String(), "--admin") {
		t.Errorf("init without --admin: exit %d, %q", code, errb.String())
	}
	out := mustRun(t, append([]string{"init", "--admin", "chief", "--name", "Chief Administrator"}, args...)...)
	m := regexp.MustCompile(`administrator chief; one-time password (\S+)`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("init printed %q, want the administrator's one-time password", out)
	}
	list := mustRun(t, append([]string{"user", "list"}, args...)...)
	if !regexp.MustCompile(`chief\s+Chief Administrator\s+administrator\s+\d+\s+41700000000000`).MatchString(list) {
		t.Errorf("user list after init: %q; want chief, a national administrator", list)
	}
	// The first administrator can create the next users.
	out = mustRun(t, append([]string{"user", "create", "--login", "oblast.analyst", "--name", "Analyst", "--role", "analyst", "--body", "1"}, args...)...)
	if !strings.Contains(out, "one-time password") {
		t.Errorf("user create after init: %q", out)
	}

	errb.Reset()
	if code := run(context.Background(), append([]string{"init", "--admin", "second", "--lang", "ru"}, args...), io.Discard, &errb); code != 1 ||
		!strings.Contains(errb.String(), "База данных уже настроена (органов: 1, пользователей: 2)") {
		t.Errorf("second init: exit %d, %q; want a refusal in Russian", code, errb.String())
	}
	if list := mustRun(t, append([]string{"user", "list"}, args...)...); strings.Contains(list, "second") {
		t.Errorf("second init created a user: %q", list)
	}

	// A password that signs in: the one printed.
	db, err := store.Open(context.Background(), dsnOf(args))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	_, u, err := auth.NewService(db, auth.Options{}).Login(context.Background(), "chief", m[1], "127.0.0.1")
	if err != nil || !u.MustChangePassword {
		t.Errorf("chief: sign-in with the printed password: %v (user %+v); want a user who must change it", err, u)
	}
}

// TestImportProfileSave saves a profile from a JSON file and imports a file
// with its headers; a profile that maps an unknown field is refused.
func TestImportProfileSave(t *testing.T) {
	dir := t.TempDir()
	db := dbArgs(t, dir)
	prof := filepath.Join(dir, "profile.json")
	if err := os.WriteFile(prof, []byte(`{"source": "crimes", "columns": {"registration_number": "Номер", "category": "Вид", "registered_on": "Дата", "territory_code": "Район"}, "date_formats": ["D.M.YYYY"]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	out := mustRun(t, append([]string{"import", "profile", "save", "район-2024", prof}, db...)...)
	if !strings.Contains(out, "profile район-2024 saved") {
		t.Errorf("profile save: %q", out)
	}
	file := filepath.Join(dir, "export.csv")
	if err := os.WriteFile(file, []byte("Номер;Вид;Дата;Район\nN-1;Кража;02.03.2024;Аламудунский район\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	out = mustRun(t, append([]string{"import", "offenses", file, "--profile", "район-2024"}, db...)...)
	if !strings.Contains(out, "1 rows read, 1 new") {
		t.Errorf("import with the saved profile: %q", out)
	}
	bad := filepath.Join(dir, "bad.json")
	if err := os.WriteFile(bad, []byte(`{"columns": {"victim": "ФИО"}}`), 0o600); err != nil {
		t.Fatal(err)
	}
	var errb bytes.Buffer
	if code := run(context.Background(), append([]string{"import", "profile", "save", "bad", bad}, db...), io.Discard, &errb); code != 1 || !strings.Contains(errb.String(), "columns.victim: Unknown field") {
		t.Errorf("bad profile: exit %d, %q", code, errb.String())
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

func TestOpen311KeyCommands(t *testing.T) {
	dir := t.TempDir()
	args := dbArgs(t, dir)
	mustRun(t, append([]string{"migrate"}, args...)...)
	key := strings.TrimSpace(mustRun(t, append([]string{"open311", "key", "create", "City", "app"}, args...)...))
	if !strings.HasPrefix(key, "o311_") || len(key) < 40 {
		t.Fatalf("key: %q", key)
	}
	list := mustRun(t, append([]string{"open311", "key", "list"}, args...)...)
	if !strings.Contains(list, "City app") || strings.Contains(list, key) {
		t.Errorf("list: %s", list)
	}
	db, err := store.Open(context.Background(), dsnOf(args))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	k, err := db.Open311KeyFor(context.Background(), key)
	if err != nil {
		t.Fatal(err)
	}
	mustRun(t, append([]string{"open311", "key", "revoke", strconv.FormatInt(k.ID, 10)}, args...)...)
	if _, err := db.Open311KeyFor(context.Background(), key); aldyn.ErrorCode(err) != aldyn.EUNAUTHORIZED {
		t.Errorf("a revoked key still works: %v", err)
	}
}

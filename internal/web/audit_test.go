package web_test

import (
	"context"
	"html"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aldyn-kg/aldyn/internal/i18n"
)

// getAs sends GET path as who (by API token) in language lang.
func (f *fixture) getAs(tb testing.TB, who, lang, path string) (int, string) {
	tb.Helper()
	resp := f.send(tb, who, "GET", path, nil, map[string]string{"Accept-Language": lang})
	return resp.StatusCode, readBody(tb, resp)
}

// TestAuditLogReadable: the audit log names who by name, what and the
// action in the reader's language, and shows a change field by field as
// old → new with translated labels, not JSON; newest first; sign-ins
// are there.
func TestAuditLogReadable(t *testing.T) {
	f := mustFixture(t)
	ctx := context.Background()
	admin := f.auth.Actor(f.users[adminKG])
	b := *f.bodyB
	b.NameRu, b.Phone = "Сузакский РОВД", "+996 3722 5 00 00"
	f.db.Now = func() time.Time { return time.Now().Add(time.Minute) } // after the fixture's writes
	if err := f.db.UpdateBody(ctx, admin, b.ID, &b); err != nil {
		t.Fatal(err)
	}
	if _, _, err := f.auth.Login(ctx, "nobody", "not the password", "192.0.2.7"); err == nil {
		t.Fatal("unknown login signed in")
	}
	for _, tc := range []struct {
		lang                                          string
		entity, action, field, phone, failed, unknown string
	}{
		{"ky", "Орган", "өзгөртүү", "Аталышы (орусча)", "Телефону", "кире алган жок", "мындай логин жок"},
		{"ru", "Орган", "изменение", "Название (рус.)", "Телефон", "неудачный вход", "неизвестный логин"},
		{"en", "Body", "changed", "Name (Russian)", "Phone", "sign-in failed", "unknown login"},
	} {
		t.Run(tc.lang, func(t *testing.T) {
			status, page := f.getAs(t, adminKG, tc.lang, "/audit")
			if status != 200 {
				t.Fatalf("got %d", status)
			}
			page = html.UnescapeString(page)
			// The entries, not the layout (whose script tag carries the
			// bundles' URLs as JSON).
			main := page[strings.Index(page, "<main"):]
			if strings.Contains(main, `{"`) {
				t.Error("the page shows raw JSON")
			}
			rows := strings.Split(page, "data-audit=")[1:]
			if len(rows) < 2 {
				t.Fatalf("got %d rows", len(rows))
			}
			// Newest first: the failed sign-in, then the body's change.
			signin, change := rows[0], rows[1]
			for _, want := range []string{tc.failed, tc.unknown, "192.0.2.7", "nobody"} {
				if !strings.Contains(signin, want) {
					t.Errorf("sign-in row lacks %q: %s", want, signin)
				}
			}
			cells := cellsOf(change)
			if len(cells) < 5 {
				t.Fatalf("change row: got cells %q", cells)
			}
			if cells[1] != f.users[adminKG].Name || cells[2] != tc.action || !strings.HasPrefix(cells[3], tc.entity+" ") {
				t.Errorf("change row: got who %q, action %q, what %q; want %q, %q, %q …", cells[1], cells[2], cells[3], f.users[adminKG].Name, tc.action, tc.entity)
			}
			for _, want := range []string{tc.field + ": Сузак ОВД → Сузакский РОВД", tc.phone + ": — → +996 3722 5 00 00"} {
				if !strings.Contains(cells[4], want) {
					t.Errorf("changes %q lack %q", cells[4], want)
				}
			}
			if strings.Contains(cells[4], "NameKy") || strings.Contains(cells[4], "name_ky") {
				t.Errorf("an unchanged field is listed: %q", cells[4])
			}
		})
	}
	// Filters by the new actions, and exports carry the readable changes.
	if status, page := f.getAs(t, adminKG, "en", "/audit?action=login_failed"); status != 200 || strings.Count(page, "data-audit=") != 1 {
		t.Errorf("filter by failed sign-ins: got %d with %d rows, want 200 with 1", status, strings.Count(page, "data-audit="))
	}
	if _, csv := f.getAs(t, adminKG, "en", "/audit?entity=body&format=csv"); !strings.Contains(csv, "Name (Russian): Сузак ОВД → Сузакский РОВД") {
		t.Errorf("CSV lacks the readable change:\n%s", csv)
	}
}

// TestAuditEntitiesNamed: every kind of record the store writes to the
// audit log has a name in the reader's language (audit.entity.*), so the
// log never shows "open_dataset_version" or "resident_report". The kinds
// are read from the store's calls to Audit.
func TestAuditEntitiesNamed(t *testing.T) {
	files, err := filepath.Glob("../store/*.go")
	if err != nil || len(files) == 0 {
		t.Fatalf("store sources: %v", err)
	}
	call := regexp.MustCompile(`\.Audit\(ctx, aldyn\.Audit[A-Za-z]+, "([a-z_]+)"`)
	n := 0
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range call.FindAllStringSubmatch(string(src), -1) {
			n++
			if !i18n.Has("audit.entity." + m[1]) {
				t.Errorf("%s: the audit log would show %q untranslated: no message audit.entity.%s", filepath.Base(f), m[1], m[1])
			}
		}
	}
	if n < 20 {
		t.Errorf("found %d calls to Audit in the store, want the store's dozens", n)
	}
}

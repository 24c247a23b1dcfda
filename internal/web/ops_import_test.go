package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/store"
)

// TestReadyAndLoginDuringOffenseImport: while an offense import is under
// way (batches committed, more to come), /readyz answers 200 and a login,
// which writes a session, goes through; both used to wait for the whole
// import (readiness gave up after 2 s with 503). The waits are logged.
func TestReadyAndLoginDuringOffenseImport(t *testing.T) {
	f := mustFixture(t)
	ctx := context.Background()
	imp, err := f.db.BeginOffenseImport(ctx, aldyn.System, store.OffenseImportMeta{FileName: "busy.csv"})
	if err != nil {
		t.Fatal(err)
	}
	defer imp.Rollback(ctx, "test")
	// Enough for several batches: PostgreSQL's hold 50,000 records.
	n := 5000
	if f.db.Dialect == store.Postgres {
		n = 60000
	}
	day := time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC)
	codes := []string{"41711000000000", "41708000000000", codeA}
	var offs []aldyn.Offense
	for i := range n {
		offs = append(offs, aldyn.Offense{ID: fmt.Sprintf("busy-%d", i), Source: aldyn.SourceCrimes, Category: aldyn.CategoryTheft,
			RegisteredOn: day, OccurredOn: day, OccurredMinute: i % 1440, TerritoryCode: codes[i%len(codes)]})
	}
	for part := range slices.Chunk(offs, 5000) {
		if err := imp.Add(ctx, part); err != nil {
			t.Fatal(err)
		}
	}
	if ins, _ := imp.Inserted(); ins == 0 {
		t.Fatal("no batch was written: the test would prove nothing")
	}
	client := noRedirect()
	client.Timeout = 10 * time.Second

	start := time.Now()
	resp, err := client.Get(f.srv.URL + "/readyz")
	if err != nil {
		t.Fatalf("readyz during the import: %v", err)
	}
	body := readBody(t, resp)
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, `"status":"ok"`) {
		t.Errorf("readyz during the import: got %d %s, want 200 ok", resp.StatusCode, body)
	}
	ready := time.Since(start)

	start = time.Now()
	resp, err = client.PostForm(f.srv.URL+"/login", url.Values{"login": {"analysta"}, "password": {"correct horse battery"}})
	if err != nil {
		t.Fatalf("login during the import: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || len(resp.Cookies()) == 0 {
		t.Errorf("login during the import: got %d, cookies %v; want 303 with a session", resp.StatusCode, resp.Cookies())
	}
	t.Logf("during the import: /readyz took %v, a login %v", ready.Round(time.Microsecond), time.Since(start).Round(time.Microsecond))
	if err := imp.Commit(ctx, store.OffenseImportCounts{}); err != nil {
		t.Fatal(err)
	}
}

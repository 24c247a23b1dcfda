// Package storetest opens real databases for tests: an SQLite file in the
// test's temporary directory, or a fresh schema in the PostgreSQL server
// named by ALDYN_TEST_POSTGRES. When that variable is set and the server
// does not answer, tests fail rather than skip.
//
// On SQLite, MustOpenDB does not migrate and seed every test's database:
// each test binary migrates and seeds one template file once
// (template.go), and every test gets a copy of it, opened with store.Open
// and seeded again as a restarted server is. MustDSN still gives an empty
// database.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	"github.com/aldyn-kg/aldyn/internal/store"
)

// PostgresEnv names the variable holding the test server's URL.
const PostgresEnv = "ALDYN_TEST_POSTGRES"

// MustOpenDB opens a migrated, reference-seeded database that is removed
// when the test ends.
func MustOpenDB(tb testing.TB) *store.DB {
	tb.Helper()
	db, err := store.Open(context.Background(), mustOpenDSN(tb))
	if err != nil {
		tb.Fatalf("open database: %v", err)
	}
	tb.Cleanup(func() { db.Close() })
	if err := db.SeedReference(context.Background()); err != nil {
		tb.Fatalf("seed reference data: %v", err)
	}
	return db
}

// MustDSN returns the DSN of a new empty database: an SQLite file path or
// a PostgreSQL URL whose search_path is a schema created for this test.
func MustDSN(tb testing.TB) string {
	tb.Helper()
	pg := os.Getenv(PostgresEnv)
	if pg == "" {
		return filepath.Join(tb.TempDir(), "aldyn.db")
	}
	b := make([]byte, 6)
	rand.Read(b)
	schema := "t_" + hex.EncodeToString(b)
	admin, err := sql.Open("pgx", pg)
	if err != nil {
		tb.Fatalf("postgres %s: %v", store.Redacted(pg), err)
	}
	defer admin.Close()
	if _, err := admin.Exec("CREATE SCHEMA " + schema); err != nil {
		tb.Fatalf("postgres at %s does not answer (%s is set, so PostgreSQL tests must run): %v", store.Redacted(pg), PostgresEnv, err)
	}
	tb.Cleanup(func() {
		a, err := sql.Open("pgx", pg)
		if err == nil {
			a.Exec("DROP SCHEMA " + schema + " CASCADE")
			a.Close()
		}
	})
	u, err := url.Parse(pg)
	if err != nil {
		tb.Fatalf("parse %s: %v", PostgresEnv, err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// PsqlURL is a PostgreSQL DSN from MustDSN written for psql, which does not
// know the search_path parameter and takes it as a server option instead.
func PsqlURL(dsn string) (string, error) {
	u, err := url.Parse(dsn)
	if err != nil {
		return "", err
	}
	q := u.Query()
	q.Set("options", "-csearch_path="+q.Get("search_path"))
	q.Del("search_path")
	u.RawQuery = q.Encode()
	return u.String(), nil
}

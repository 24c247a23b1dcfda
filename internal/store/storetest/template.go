package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aldyn-kg/aldyn/internal/store"
)

// The template is built once per test binary, on first use.
var tmpl struct {
	once sync.Once
	err  error
	// SQLite: the migrated, seeded file's bytes, by file suffix ("" for
	// the database, "-wal" for a write-ahead log left behind).
	files map[string][]byte
	// PostgreSQL: the server's URL and the template database's name.
	pg, name string
}

// staleAfter is the age after which a test database left behind by a
// killed test binary is dropped: far beyond any package's -timeout.
const staleAfter = 3 * time.Hour

// mustTemplateCopy returns the DSN of a fresh copy of the migrated,
// seeded template database, removed when the test ends.
func mustTemplateCopy(tb testing.TB) string {
	tb.Helper()
	pg := os.Getenv(PostgresEnv)
	tmpl.once.Do(func() { tmpl.err = buildTemplate(pg) })
	if tmpl.err != nil {
		tb.Fatalf("template database: %v", tmpl.err)
	}
	if pg == "" {
		path := filepath.Join(tb.TempDir(), "aldyn.db")
		for suffix, b := range tmpl.files {
			if err := os.WriteFile(path+suffix, b, 0o600); err != nil {
				tb.Fatalf("copy the template database: %v", err)
			}
		}
		return path
	}
	name := dbName("aldyn_t_")
	admin, err := sql.Open("pgx", pg)
	if err != nil {
		tb.Fatalf("postgres %s: %v", store.Redacted(pg), err)
	}
	defer admin.Close()
	if _, err := admin.Exec("CREATE DATABASE " + name + " TEMPLATE " + tmpl.name); err != nil {
		tb.Fatalf("postgres at %s: copy the template database: %v", store.Redacted(pg), err)
	}
	tb.Cleanup(func() {
		if a, err := sql.Open("pgx", pg); err == nil {
			a.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)")
			a.Close()
		}
	})
	return databaseURL(tb, pg, name)
}

// buildTemplate migrates and seeds the template: in a temporary file whose
// bytes it keeps (SQLite) or in a database of its own (PostgreSQL).
func buildTemplate(pg string) error {
	ctx := context.Background()
	if pg == "" {
		dir, err := os.MkdirTemp("", "aldyn-template-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		path := filepath.Join(dir, "aldyn.db")
		if err := migrateAndSeed(ctx, path); err != nil {
			return err
		}
		tmpl.files = map[string][]byte{}
		for _, suffix := range []string{"", "-wal"} {
			b, err := os.ReadFile(path + suffix)
			if err == nil && len(b) > 0 {
				tmpl.files[suffix] = b
			} else if suffix == "" {
				return fmt.Errorf("read the template file: %v", err)
			}
		}
		return nil
	}
	admin, err := sql.Open("pgx", pg)
	if err != nil {
		return err
	}
	defer admin.Close()
	dropStale(ctx, admin)
	tmpl.pg, tmpl.name = pg, dbName("aldyn_tpl_")
	if _, err := admin.Exec("CREATE DATABASE " + tmpl.name); err != nil {
		return fmt.Errorf("postgres at %s does not answer (%s is set, so PostgreSQL tests must run): %v", store.Redacted(pg), PostgresEnv, err)
	}
	// Dropped as soon as the test binary no longer runs: by the next
	// binary that builds a template after staleAfter (dropStale).
	u, err := url.Parse(pg)
	if err != nil {
		return err
	}
	u.Path = "/" + tmpl.name
	return migrateAndSeed(ctx, u.String())
}

func migrateAndSeed(ctx context.Context, dsn string) error {
	db, err := store.Open(ctx, dsn)
	if err != nil {
		return err
	}
	if err := db.SeedReference(ctx); err != nil {
		db.Close()
		return fmt.Errorf("seed reference data: %w", err)
	}
	return db.Close()
}

// dbName is prefix, the time in seconds and a random part, so that
// dropStale can tell the age of a database left behind.
func dbName(prefix string) string {
	b := make([]byte, 5)
	rand.Read(b)
	return prefix + strconv.FormatInt(time.Now().Unix(), 10) + "_" + hex.EncodeToString(b)
}

// dropStale drops templates and copies older than staleAfter: those of
// test binaries that were killed before their clean-up ran.
func dropStale(ctx context.Context, admin *sql.DB) {
	rows, err := admin.QueryContext(ctx, `SELECT datname FROM pg_database WHERE datname LIKE 'aldyn\_t%'`)
	if err != nil {
		return
	}
	var stale []string
	for rows.Next() {
		var name string
		if rows.Scan(&name) != nil {
			continue
		}
		parts := strings.Split(name, "_")
		if len(parts) < 4 {
			continue
		}
		if sec, err := strconv.ParseInt(parts[len(parts)-2], 10, 64); err == nil && time.Since(time.Unix(sec, 0)) > staleAfter {
			stale = append(stale, name)
		}
	}
	rows.Close()
	for _, name := range stale {
		admin.ExecContext(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
	}
}

// databaseURL is pg's URL naming database name, with the default schema
// spelt out for PsqlURL.
func databaseURL(tb testing.TB, pg, name string) string {
	u, err := url.Parse(pg)
	if err != nil {
		tb.Fatalf("parse %s: %v", PostgresEnv, err)
	}
	u.Path = "/" + name
	q := u.Query()
	q.Set("search_path", "public")
	u.RawQuery = q.Encode()
	return u.String()
}

package storetest

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/aldyn-kg/aldyn/internal/store"
)

// sqliteTemplate is the migrated, seeded SQLite database each test binary
// builds once, kept as the bytes of its file.
var sqliteTemplate struct {
	once sync.Once
	file []byte
	err  error
}

// mustOpenDSN returns the DSN of a new migrated, seeded database. On
// SQLite it is a copy of the template file; on PostgreSQL it is an empty
// schema that store.Open migrates: copying a database (CREATE DATABASE ...
// TEMPLATE) cost more than migrating a schema when measured (see
// BenchmarkMustOpenDB).
func mustOpenDSN(tb testing.TB) string {
	tb.Helper()
	if os.Getenv(PostgresEnv) != "" {
		return MustDSN(tb)
	}
	sqliteTemplate.once.Do(func() { sqliteTemplate.file, sqliteTemplate.err = buildSQLiteTemplate() })
	if sqliteTemplate.err != nil {
		tb.Fatalf("template database: %v", sqliteTemplate.err)
	}
	path := filepath.Join(tb.TempDir(), "aldyn.db")
	if err := os.WriteFile(path, sqliteTemplate.file, 0o600); err != nil {
		tb.Fatalf("copy the template database: %v", err)
	}
	return path
}

// buildSQLiteTemplate migrates and seeds a database in a temporary file
// and returns the file's bytes; closing the database folded its
// write-ahead log into the file.
func buildSQLiteTemplate() ([]byte, error) {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "aldyn-template-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "aldyn.db")
	db, err := store.Open(ctx, path)
	if err != nil {
		return nil, err
	}
	if err := db.SeedReference(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("seed reference data: %w", err)
	}
	if err := db.Close(); err != nil {
		return nil, err
	}
	if wal, err := os.Stat(path + "-wal"); err == nil && wal.Size() > 0 {
		return nil, fmt.Errorf("the template's write-ahead log was not folded into the file")
	}
	return os.ReadFile(path)
}

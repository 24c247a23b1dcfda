package storetest_test

import (
	"context"
	"io"
	"log/slog"
	"testing"

	"github.com/aldyn-kg/aldyn/internal/store"
	"github.com/aldyn-kg/aldyn/internal/store/storetest"
)

// BenchmarkMustOpenDB is the cost of a test's database as tests get it: a
// copy of the binary's migrated, seeded template, opened and seeded again
// (its removal, at the end, is not counted).
func BenchmarkMustOpenDB(b *testing.B) {
	slog.SetDefault(slog.New(slog.NewTextHandler(io.Discard, nil)))
	storetest.MustOpenDB(b).Close() // builds the template, once per binary
	for b.Loop() {
		storetest.MustOpenDB(b).Close()
	}
}

// BenchmarkMigrateAndSeed is what a test's database cost before the
// template: an empty database (file or schema) migrated and seeded.
func BenchmarkMigrateAndSeed(b *testing.B) {
	slog.SetDefault(slog.New(slog.NewTextHandler(io.Discard, nil)))
	ctx := context.Background()
	for b.Loop() {
		db, err := store.Open(ctx, storetest.MustDSN(b))
		if err != nil {
			b.Fatal(err)
		}
		if err := db.SeedReference(ctx); err != nil {
			b.Fatal(err)
		}
		db.Close()
	}
}

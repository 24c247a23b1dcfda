// Command killimport starts an offense import and never finishes it: it
// opens the database named by its first argument, adds as many records as
// its second argument says (ids kill-0, kill-1 …), prints "ready" and
// blocks until it is killed, its batches committed but never published.
// TestOffenseImportKilled uses it.
package main

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"time"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/store"
)

func main() {
	if err := run(os.Args[1], os.Args[2]); err != nil {
		fmt.Fprintln(os.Stderr, "killimport:", err)
		os.Exit(1)
	}
	select {}
}

func run(dsn, count string) error {
	n, err := strconv.Atoi(count)
	if err != nil {
		return err
	}
	ctx := context.Background()
	db, err := store.Open(ctx, dsn)
	if err != nil {
		return err
	}
	imp, err := db.BeginOffenseImport(ctx, aldyn.System, store.OffenseImportMeta{FileName: "killed.csv", CacheMiB: 1})
	if err != nil {
		return err
	}
	codes := []string{"41708206000000", "41711000000000", "41706207000000"}
	day := time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC)
	batch := make([]aldyn.Offense, 0, 5000)
	for i := 0; i < n; i++ {
		batch = append(batch, aldyn.Offense{ID: fmt.Sprintf("kill-%d", i), Source: aldyn.SourceCrimes, Category: aldyn.CategoryTheft,
			RegisteredOn: day, OccurredOn: day, OccurredMinute: i % 1440, TerritoryCode: codes[i%len(codes)]})
		if len(batch) == cap(batch) || i == n-1 {
			if err := imp.Add(ctx, batch); err != nil {
				return err
			}
			batch = batch[:0]
		}
	}
	ins, ex := imp.Inserted()
	fmt.Printf("ready: %d inserted, %d existing\n", ins, ex)
	return nil
}

package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/aldyn-kg/aldyn/internal/store"
)

const backupUsage = `Usage:
  aldyn backup FILE [--data DIR]             copy the running embedded database to FILE
  aldyn backup restore FILE [--data DIR] [--force]
                                             restore FILE as the database of DIR
                                             (the server must be stopped)`

func runBackup(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var cfg config
	var force bool
	fs := newFlags("backup", backupUsage, stderr, &cfg)
	fs.Usage = func() {
		fmt.Fprintln(stderr, backupUsage+"\n\nFlags:")
		fs.PrintDefaults()
	}
	fs.BoolVar(&force, "force", false, "replace an existing database when restoring")
	if err := parse(fs, args); err != nil {
		return err
	}
	pos := fs.Args()
	if cfg.db != "" {
		return errors.New("backup works on the embedded SQLite database; back up PostgreSQL with pg_dump")
	}
	switch {
	case len(pos) == 1 && pos[0] != "restore":
		db, err := store.Open(ctx, cfg.dsn())
		if err != nil {
			return err
		}
		defer db.Close()
		db.Log = cfg.logger(io.Discard)
		if err := db.Backup(ctx, pos[0]); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "backup written to %s\n", pos[0])
	case len(pos) == 2 && pos[0] == "restore":
		if err := store.Restore(ctx, pos[1], cfg.dsn(), force); err != nil {
			return err
		}
		// The records in memory saved by the server were those of the
		// database replaced: the next start reads them from the restored one.
		if err := os.Remove(filepath.Join(cfg.data, store.OffenseIndexFile)); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
		fmt.Fprintf(stdout, "restored %s into %s\n", pos[1], cfg.dsn())
	default:
		fs.Usage()
		return errors.New("expected FILE or restore FILE")
	}
	return nil
}

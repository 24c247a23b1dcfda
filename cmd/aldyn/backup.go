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
  aldyn backup FILE [--data DIR]             write the database and the evidence files
                                             it refers to into the new file FILE (mode 0600)
  aldyn backup restore FILE [--data DIR] [--force]
                                             check FILE and restore its database and
                                             evidence files into DIR (the server must be stopped)
With --db postgres://…, FILE holds the evidence files alone: dump the database
with pg_dump and restore it with pg_restore.`

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
	evidence := cfg.evidenceDir()
	switch {
	case len(pos) == 1 && pos[0] != "restore":
		db, err := store.Open(ctx, cfg.dsn())
		if err != nil {
			return err
		}
		defer db.Close()
		db.Log = cfg.logger(io.Discard)
		m, err := db.Backup(ctx, pos[0], evidence)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "backup written to %s: %d files\n", pos[0], len(m.Files))
		if !m.Database {
			fmt.Fprintln(stdout, "it holds the evidence files alone: back up the PostgreSQL database with pg_dump")
		}
		for _, k := range m.Missing {
			fmt.Fprintf(stderr, "warning: evidence file %s is in the database but not in %s\n", k, evidence)
		}
	case len(pos) == 2 && pos[0] == "restore":
		dst := cfg.dsn()
		if cfg.db != "" {
			dst = "" // PostgreSQL: the files alone
		}
		m, err := store.Restore(ctx, pos[1], dst, evidence, force)
		if err != nil {
			return err
		}
		// The records in memory saved by the server were those of the
		// database replaced: the next start reads them from the restored one.
		if err := os.Remove(filepath.Join(cfg.data, store.OffenseIndexFile)); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
		fmt.Fprintf(stdout, "restored %s into %s: %d files\n", pos[1], cfg.data, len(m.Files))
		if !m.Database {
			fmt.Fprintln(stdout, "it held the evidence files alone: restore the PostgreSQL database with pg_restore")
		}
	default:
		fs.Usage()
		return errors.New("expected FILE or restore FILE")
	}
	return nil
}

package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// Backup writes a consistent copy of the embedded database to path while
// the database stays online (SQLite's VACUUM INTO reads one snapshot).
// PostgreSQL installations use pg_dump instead.
func (db *DB) Backup(ctx context.Context, path string) error {
	if db.Dialect != SQLite {
		return errors.New("backup copies the embedded SQLite database; back up PostgreSQL with pg_dump")
	}
	if _, err := os.Stat(path); err == nil {
		return fmt.Errorf("%s exists; choose a new file name", path)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return err
	}
	// The read pool is query_only, which forbids VACUUM INTO; use the writer.
	if _, err := db.w.ExecContext(ctx, `VACUUM INTO ?`, path); err != nil {
		return fmt.Errorf("backup to %s: %w", path, err)
	}
	return nil
}

// Restore copies a backup made by Backup to dst (the database file of a
// data directory) after checking the backup's integrity. It refuses to
// overwrite an existing database unless force is set; the server must not
// be running on dst.
func Restore(ctx context.Context, backup, dst string, force bool) error {
	if _, err := os.Stat(backup); err != nil {
		return err
	}
	if _, err := os.Stat(dst); err == nil && !force {
		return fmt.Errorf("%s exists; stop the server and pass --force to replace it", dst)
	}
	chk, err := sql.Open("sqlite", "file:"+backup+"?mode=ro")
	if err != nil {
		return err
	}
	var res string
	err = chk.QueryRowContext(ctx, `PRAGMA integrity_check`).Scan(&res)
	chk.Close()
	if err != nil {
		return fmt.Errorf("read backup %s: %w", backup, err)
	}
	if res != "ok" {
		return fmt.Errorf("backup %s fails the integrity check: %s", backup, res)
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o750); err != nil {
		return err
	}
	tmp := dst + ".restoring"
	if err := copyFile(backup, tmp); err != nil {
		return err
	}
	for _, suffix := range []string{"-wal", "-shm"} {
		if err := os.Remove(dst + suffix); err != nil && !os.IsNotExist(err) {
			return err
		}
	}
	return os.Rename(tmp, dst)
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o640)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	if err := out.Sync(); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

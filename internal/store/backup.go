package store

import (
	"archive/tar"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"
)

// A backup is one gzip-compressed tar file holding the database (an SQLite
// VACUUM INTO copy), every evidence file the database refers to
// (evidence/KEY, KEY being report_evidence.storage_key) and, last,
// manifest.json with the size and SHA-256 of each. A PostgreSQL
// installation backs up its database with pg_dump; its backup holds the
// evidence files alone.

// BackupFormat names the layout of a backup file.
const BackupFormat = "aldyn-backup/1"

const (
	backupDatabase = "aldyn.db"
	backupManifest = "manifest.json"
	backupEvidence = "evidence/"
)

// BackupManifest lists what a backup holds.
type BackupManifest struct {
	Format    string       `json:"format"`
	CreatedAt time.Time    `json:"created_at"`
	Database  bool         `json:"database"` // false for PostgreSQL: its database is dumped with pg_dump
	Files     []BackupFile `json:"files"`
	// Missing lists evidence files the database refers to that were not on
	// disk when the backup was made.
	Missing []string `json:"missing,omitempty"`
}

// BackupFile is one file of a backup.
type BackupFile struct {
	Name   string `json:"name"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

// storageKey is the shape of an evidence file's name (see the web layer).
var storageKey = regexp.MustCompile(`^[0-9a-f]{32}$`)

// Backup writes a backup of the database and of the evidence files in
// evidenceDir that it refers to into the new file path (mode 0600), while
// the database stays online: VACUUM INTO reads one snapshot, and the files
// are those that snapshot names.
func (db *DB) Backup(ctx context.Context, path, evidenceDir string) (*BackupManifest, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return nil, err
	}
	out, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		if errors.Is(err, os.ErrExist) {
			return nil, fmt.Errorf("%s exists; choose a new file name", path)
		}
		return nil, err
	}
	m, err := db.writeBackup(ctx, out, path, evidenceDir)
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path)
		return nil, err
	}
	return m, nil
}

func (db *DB) writeBackup(ctx context.Context, out *os.File, path, evidenceDir string) (*BackupManifest, error) {
	m := &BackupManifest{Format: BackupFormat, CreatedAt: db.Now().UTC(), Files: []BackupFile{}}
	gz := gzip.NewWriter(out)
	tw := tar.NewWriter(gz)
	keysFrom := db.r
	if db.Dialect == SQLite {
		// The copy sits beside the backup file, readable by no one else.
		dir, err := os.MkdirTemp(filepath.Dir(path), ".aldyn-backup-")
		if err != nil {
			return nil, err
		}
		defer os.RemoveAll(dir)
		snap := filepath.Join(dir, backupDatabase)
		// The read pool is query_only, which forbids VACUUM INTO; use the writer.
		if _, err := db.w.ExecContext(ctx, `VACUUM INTO ?`, snap); err != nil {
			return nil, fmt.Errorf("backup: %w", err)
		}
		f, err := addBackupFile(tw, backupDatabase, snap)
		if err != nil {
			return nil, err
		}
		m.Database, m.Files = true, append(m.Files, *f)
		chk, err := sql.Open("sqlite", "file:"+snap+"?mode=ro")
		if err != nil {
			return nil, err
		}
		defer chk.Close()
		keysFrom = chk
	}
	keys, err := evidenceKeys(ctx, keysFrom)
	if err != nil {
		return nil, err
	}
	for _, k := range keys {
		f, err := addBackupFile(tw, backupEvidence+k, filepath.Join(evidenceDir, k))
		if errors.Is(err, os.ErrNotExist) {
			m.Missing = append(m.Missing, k)
			continue
		} else if err != nil {
			return nil, err
		}
		m.Files = append(m.Files, *f)
	}
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return nil, err
	}
	if err := tw.WriteHeader(&tar.Header{Name: backupManifest, Mode: 0o600, Size: int64(len(b)), ModTime: m.CreatedAt, Typeflag: tar.TypeReg}); err != nil {
		return nil, err
	}
	if _, err := tw.Write(b); err != nil {
		return nil, err
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	if err := gz.Close(); err != nil {
		return nil, err
	}
	return m, out.Sync()
}

// evidenceKeys lists the storage keys of evidence files in the database q
// reads: plan reports' evidence and residents' photos and videos.
func evidenceKeys(ctx context.Context, q *sql.DB) ([]string, error) {
	rows, err := q.QueryContext(ctx, `SELECT storage_key FROM report_evidence UNION SELECT storage_key FROM resident_media ORDER BY 1`)
	if err != nil {
		return nil, fmt.Errorf("backup: evidence files: %w", err)
	}
	defer rows.Close()
	var keys []string
	for rows.Next() {
		var k string
		if err := rows.Scan(&k); err != nil {
			return nil, err
		}
		if !storageKey.MatchString(k) {
			return nil, fmt.Errorf("backup: evidence file name %q is not a storage key", k)
		}
		keys = append(keys, k)
	}
	return keys, rows.Err()
}

func addBackupFile(tw *tar.Writer, name, src string) (*BackupFile, error) {
	in, err := os.Open(src)
	if err != nil {
		return nil, err
	}
	defer in.Close()
	st, err := in.Stat()
	if err != nil {
		return nil, err
	}
	if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o600, Size: st.Size(), ModTime: st.ModTime(), Typeflag: tar.TypeReg}); err != nil {
		return nil, err
	}
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(tw, h), in)
	if err != nil {
		return nil, fmt.Errorf("backup %s: %w", src, err)
	}
	return &BackupFile{Name: name, Size: n, SHA256: hex.EncodeToString(h.Sum(nil))}, nil
}

// ErrBackupDamaged is a backup file that fails its checks.
var ErrBackupDamaged = errors.New("backup damaged")

// Restore restores a backup made by Backup: the database to dst (the
// SQLite file of a data directory; "" for a PostgreSQL installation, whose
// backup holds no database) and the evidence files to evidenceDir. Nothing
// is replaced until every file of the backup matches its manifest and the
// database passes SQLite's integrity check. It refuses to overwrite an
// existing database unless force is set; the server must not be running.
func Restore(ctx context.Context, backup, dst, evidenceDir string, force bool) (*BackupManifest, error) {
	if dst != "" {
		if _, err := os.Stat(dst); err == nil && !force {
			return nil, fmt.Errorf("%s exists; stop the server and pass --force to replace it", dst)
		}
	}
	if err := os.MkdirAll(evidenceDir, 0o750); err != nil {
		return nil, err
	}
	// Staged beside the evidence, so that moving into place is a rename.
	stage, err := os.MkdirTemp(filepath.Dir(evidenceDir), ".aldyn-restore-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(stage)
	m, got, err := unpackBackup(backup, stage)
	if err != nil {
		return nil, err
	}
	damaged := func(format string, args ...any) error {
		return fmt.Errorf("%w: %s: %s", ErrBackupDamaged, backup, fmt.Sprintf(format, args...))
	}
	if m.Format != BackupFormat {
		return nil, damaged("unknown format %q", m.Format)
	}
	if len(got) != len(m.Files) {
		return nil, damaged("it holds %d files, its manifest lists %d", len(got), len(m.Files))
	}
	for _, f := range m.Files {
		if g, ok := got[f.Name]; !ok || g != f {
			return nil, damaged("%s does not match its manifest", f.Name)
		}
	}
	switch {
	case m.Database && dst == "":
		return nil, fmt.Errorf("%s holds an SQLite database; restore it into a data directory without --db", backup)
	case !m.Database && dst != "":
		return nil, fmt.Errorf("%s holds no database (it was made from PostgreSQL); restore the database with pg_restore and the files with --db", backup)
	}
	if m.Database {
		keys, err := checkBackupDatabase(ctx, filepath.Join(stage, backupDatabase))
		if err != nil {
			return nil, damaged("%v", err)
		}
		for _, k := range keys {
			if _, ok := got[backupEvidence+k]; !ok && !slices.Contains(m.Missing, k) {
				return nil, damaged("evidence file %s is missing", k)
			}
		}
	}
	for name := range got {
		if k, ok := strings.CutPrefix(name, backupEvidence); ok {
			if err := os.Rename(filepath.Join(stage, name), filepath.Join(evidenceDir, k)); err != nil {
				return nil, err
			}
		}
	}
	if m.Database {
		if err := os.MkdirAll(filepath.Dir(dst), 0o750); err != nil {
			return nil, err
		}
		for _, suffix := range []string{"-wal", "-shm"} {
			if err := os.Remove(dst + suffix); err != nil && !os.IsNotExist(err) {
				return nil, err
			}
		}
		if err := moveFile(filepath.Join(stage, backupDatabase), dst); err != nil {
			return nil, err
		}
	}
	return m, nil
}

// unpackBackup writes the files of a backup into dir and returns its
// manifest and what each file really is.
func unpackBackup(backup, dir string) (*BackupManifest, map[string]BackupFile, error) {
	in, err := os.Open(backup)
	if err != nil {
		return nil, nil, err
	}
	defer in.Close()
	damaged := func(err error) error { return fmt.Errorf("%w: %s: %v", ErrBackupDamaged, backup, err) }
	gz, err := gzip.NewReader(in)
	if err != nil {
		return nil, nil, damaged(err)
	}
	if err := os.Mkdir(filepath.Join(dir, "evidence"), 0o700); err != nil {
		return nil, nil, err
	}
	tr := tar.NewReader(gz)
	got := map[string]BackupFile{}
	var manifest []byte
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		} else if err != nil {
			return nil, nil, damaged(err)
		}
		k, isEvidence := strings.CutPrefix(h.Name, backupEvidence)
		switch {
		case h.Typeflag != tar.TypeReg:
			return nil, nil, damaged(fmt.Errorf("%s is not a file", h.Name))
		case h.Name == backupManifest:
			if manifest, err = io.ReadAll(io.LimitReader(tr, 64<<20)); err != nil {
				return nil, nil, damaged(err)
			}
			continue
		case h.Name == backupDatabase, isEvidence && storageKey.MatchString(k):
		default:
			return nil, nil, damaged(fmt.Errorf("unexpected file %q", h.Name))
		}
		if _, dup := got[h.Name]; dup {
			return nil, nil, damaged(fmt.Errorf("%s appears twice", h.Name))
		}
		out, err := os.OpenFile(filepath.Join(dir, filepath.FromSlash(h.Name)), os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err != nil {
			return nil, nil, err
		}
		hash := sha256.New()
		n, err := io.Copy(io.MultiWriter(out, hash), tr)
		if cerr := out.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return nil, nil, damaged(err)
		}
		got[h.Name] = BackupFile{Name: h.Name, Size: n, SHA256: hex.EncodeToString(hash.Sum(nil))}
	}
	if manifest == nil {
		return nil, nil, damaged(errors.New("no manifest"))
	}
	var m BackupManifest
	if err := json.Unmarshal(manifest, &m); err != nil {
		return nil, nil, damaged(err)
	}
	return &m, got, nil
}

// checkBackupDatabase runs SQLite's integrity check on a restored database
// and lists the evidence files it refers to.
func checkBackupDatabase(ctx context.Context, path string) ([]string, error) {
	chk, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		return nil, err
	}
	defer chk.Close()
	var res string
	if err := chk.QueryRowContext(ctx, `PRAGMA integrity_check`).Scan(&res); err != nil {
		return nil, err
	}
	if res != "ok" {
		return nil, fmt.Errorf("the database fails the integrity check: %s", res)
	}
	return evidenceKeys(ctx, chk)
}

// moveFile renames src to dst, or copies it where they lie on different
// file systems.
func moveFile(src, dst string) error {
	if err := os.Rename(src, dst); err == nil {
		return nil
	}
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	tmp := dst + ".restoring"
	out, err := os.OpenFile(tmp, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
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
	if err := out.Close(); err != nil {
		return err
	}
	return os.Rename(tmp, dst)
}

package web_test

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/auth"
	"github.com/aldyn-kg/aldyn/internal/store"
	"github.com/aldyn-kg/aldyn/internal/web"
)

// TestBackupRestoresEvidence uploads evidence as a reporter does, backs the
// installation up, restores the backup into a fresh data directory and
// downloads the evidence from a server on the restored data; damaged
// backups are refused before anything is written.
func TestBackupRestoresEvidence(t *testing.T) {
	ctx := context.Background()
	rf := repSimplePlan(t)
	f := rf.fixture
	r := repReport(t, f, reporterA, &aldyn.Report{CycleID: rf.cycle.ID, MeasureID: rf.measures["1.1"].ID, Progress: 20}, aldyn.ReportDraft)
	ct, body := repUpload(t, map[string][]byte{"act.pdf": []byte(repTinyPDF)})
	if resp := f.do(t, reporterA, "POST", "/api/v1/reports/"+repID(r.ID)+"/evidence", ct, body); resp.StatusCode != http.StatusCreated {
		t.Fatalf("upload: %d %s", resp.StatusCode, readBody(t, resp))
	}
	es, err := f.db.FindEvidence(ctx, r.ID)
	if err != nil || len(es) != 1 {
		t.Fatalf("evidence: %v %v", es, err)
	}
	file := filepath.Join(t.TempDir(), "aldyn-backup.tar.gz")
	m, err := f.db.Backup(ctx, file, rf.evidenceDir)
	if err != nil {
		t.Fatal(err)
	}
	if st, err := os.Stat(file); err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("backup file mode %v (%v), want 0600", st.Mode().Perm(), err)
	}
	if m.Database != (f.db.Dialect == store.SQLite) || len(m.Files) != map[bool]int{true: 2, false: 1}[m.Database] {
		t.Errorf("manifest %+v, want the database (SQLite only) and one evidence file", m)
	}

	// restore restores file into a fresh data directory and returns it with
	// the database to serve: the restored SQLite file, or for PostgreSQL
	// (restored with pg_restore) the same database.
	restore := func(t *testing.T, file string) (string, *store.DB, error) {
		t.Helper()
		data := t.TempDir()
		dst := ""
		if f.db.Dialect == store.SQLite {
			dst = filepath.Join(data, "aldyn.db")
		}
		if _, err := store.Restore(ctx, file, dst, filepath.Join(data, "evidence"), false); err != nil {
			return data, nil, err
		}
		if dst == "" {
			return data, f.db, nil
		}
		db, err := store.Open(ctx, dst)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		return data, db, nil
	}

	t.Run("restored evidence is served", func(t *testing.T) {
		data, db, err := restore(t, file)
		if err != nil {
			t.Fatal(err)
		}
		svc := auth.NewService(db, auth.Options{Params: &auth.Params{Memory: 1024, Time: 1, Threads: 1}})
		s, err := web.New(web.Config{EvidenceDir: filepath.Join(data, "evidence")}, db, svc, slog.New(slog.NewTextHandler(tbWriter{t}, &slog.HandlerOptions{Level: slog.LevelError})))
		if err != nil {
			t.Fatal(err)
		}
		srv := httptest.NewServer(s.Handler())
		defer srv.Close()
		req, _ := http.NewRequest("GET", srv.URL+"/evidence/"+repID(es[0].ID), nil)
		req.Header.Set("Authorization", "Bearer "+f.tokens[reporterA])
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		if b, _ := io.ReadAll(resp.Body); resp.StatusCode != http.StatusOK || string(b) != repTinyPDF {
			t.Errorf("evidence after restore: %d, %d bytes; want 200 and the uploaded file", resp.StatusCode, len(b))
		}
	})

	orig, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	for name, damage := range map[string]func([]byte) []byte{
		"a flipped byte": func(b []byte) []byte {
			b = bytes.Clone(b)
			b[len(b)/2] ^= 0xff
			return b
		},
		"cut short": func(b []byte) []byte { return b[:len(b)*2/3] },
		"evidence changed, manifest kept": func(b []byte) []byte {
			return rewriteBackup(t, b, func(name string, data []byte) []byte {
				if strings.HasPrefix(name, "evidence/") {
					return bytes.Replace(data, []byte("Catalog"), []byte("Katalog"), 1)
				}
				return data
			})
		},
		"evidence left out": func(b []byte) []byte {
			return rewriteBackup(t, b, func(name string, data []byte) []byte {
				if strings.HasPrefix(name, "evidence/") {
					return nil
				}
				return data
			})
		},
	} {
		t.Run(name, func(t *testing.T) {
			bad := filepath.Join(t.TempDir(), "bad.tar.gz")
			if err := os.WriteFile(bad, damage(orig), 0o600); err != nil {
				t.Fatal(err)
			}
			data, _, err := restore(t, bad)
			if !errors.Is(err, store.ErrBackupDamaged) {
				t.Fatalf("got %v, want the backup refused as damaged", err)
			}
			if left, _ := os.ReadDir(filepath.Join(data, "evidence")); len(left) > 0 {
				t.Errorf("a refused restore left %d evidence files", len(left))
			}
			if _, err := os.Stat(filepath.Join(data, "aldyn.db")); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("a refused restore wrote the database: %v", err)
			}
		})
	}
}

// rewriteBackup rewrites the files of a backup through fn (nil drops a
// file), keeping its manifest as it was.
func rewriteBackup(tb testing.TB, b []byte, fn func(name string, data []byte) []byte) []byte {
	tb.Helper()
	gz, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		tb.Fatal(err)
	}
	tr := tar.NewReader(gz)
	var out bytes.Buffer
	gw := gzip.NewWriter(&out)
	tw := tar.NewWriter(gw)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		} else if err != nil {
			tb.Fatal(err)
		}
		data, _ := io.ReadAll(tr)
		if data = fn(h.Name, data); data == nil {
			continue
		}
		h.Size = int64(len(data))
		tw.WriteHeader(h)
		tw.Write(data)
	}
	tw.Close()
	gw.Close()
	return out.Bytes()
}

package aldyn_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestNoLookalikeKyrgyzLetters: no shipped text (locales, templates,
// reference data, demo data, any source) spells ң with the Khanty or
// Chukchi letters ӊ (U+04CA), ӈ (U+04C8) or their capitals, which look
// alike but sort and search differently. Tests and the importer's
// normaliser, which maps them to ң on purpose, name them.
func TestNoLookalikeKyrgyzLetters(t *testing.T) {
	const lookalikes = "\u04ca\u04c9\u04c8\u04c7"
	allowed := map[string]bool{filepath.Join("internal", "importer", "categories.go"): true}
	skipDirs := map[string]bool{".git": true, "node_modules": true, "dist": true}
	exts := map[string]bool{".go": true, ".toml": true, ".html": true, ".json": true, ".yaml": true, ".csv": true, ".md": true, ".js": true, ".css": true, ".txt": true}
	var checked int
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if skipDirs[d.Name()] {
				return filepath.SkipDir
			}
			return nil
		}
		if !exts[filepath.Ext(path)] || strings.HasSuffix(path, "_test.go") || allowed[path] {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		checked++
		for i, line := range strings.Split(string(b), "\n") {
			if strings.ContainsAny(line, lookalikes) {
				t.Errorf("%s:%d: a look-alike of ң: %s", path, i+1, strings.TrimSpace(line))
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if checked < 100 {
		t.Fatalf("checked %d files, want the repository's text files", checked)
	}
}

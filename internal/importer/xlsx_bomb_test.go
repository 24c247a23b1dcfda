package importer_test

import (
	"bytes"
	"context"
	"errors"
	"runtime"
	"strings"
	"testing"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/importer"
	wt "github.com/aldyn-kg/aldyn/internal/workbook/workbooktest"
)

// TestRunRefusesXLSXBombs imports hostile workbooks as an offense file:
// each is refused with its reason, and the refusal costs memory of the
// order of the file, not of what it would unpack to.
func TestRunRefusesXLSXBombs(t *testing.T) {
	header := strings.Split(canonicalHeader, ",")
	for _, tc := range []struct {
		name string
		data []byte
		want string
		args map[string]any
	}{
		{"one cell of 1 GB", wt.MustHugeCell(t, header, 1_000_000_000, false), "import.error.xlsx_cell_too_long", map[string]any{"row": 2, "column": "B"}},
		{"one shared text of 512 MB", wt.MustHugeCell(t, header, 512<<20, true), "import.error.xlsx_text_too_long", nil},
		{"a cell of 40,000 characters", wt.MustHugeCell(t, header, 40_000, false), "import.error.xlsx_cell_too_long", map[string]any{"row": 2, "column": "B"}},
		{"3 GB of small cells", wt.MustManyCells(t, header, 10_000_000, 0), "import.error.xlsx_unpacked_too_large", map[string]any{"limit": "1 GB"}},
		{"a sheet that says it holds 4 KB", wt.MustManyCells(t, header, 1_000_000, 4096), "import.error.xlsx_damaged", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			_, err := importer.Run(context.Background(), bytes.NewReader(tc.data), importer.XLSX, importer.DefaultProfile(), testOptions(), &memSink{}, testTerritories)
			runtime.ReadMemStats(&after)
			var ae *aldyn.Error
			if !errors.As(err, &ae) || ae.Code != aldyn.EINVALID || ae.Message != tc.want {
				t.Fatalf("got %v, want EINVALID %s", err, tc.want)
			}
			for k, v := range tc.args {
				if ae.Args[k] != v {
					t.Errorf("%s = %v, want %v", k, ae.Args[k], v)
				}
			}
			if alloc, limit := after.TotalAlloc-before.TotalAlloc, 4*uint64(len(tc.data))+32<<20; alloc > limit {
				t.Errorf("allocated %d MB refusing a %d KB file, want at most %d MB", alloc>>20, len(tc.data)>>10, limit>>20)
			}
		})
	}
}

package workbook_test

import (
	"bytes"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/workbook"
	wt "github.com/aldyn-kg/aldyn/internal/workbook/workbooktest"
)

var (
	header = []string{"registration_number", "category"}
	limits = workbook.Limits{File: 16 << 20, Unpacked: 256 << 20}
)

// MustAllocated returns the bytes fn allocates, over all garbage
// collections.
func MustAllocated(tb testing.TB, fn func()) uint64 {
	tb.Helper()
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	fn()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

func TestOpenRefusesBombs(t *testing.T) {
	for _, tc := range []struct {
		name string
		data []byte
		lim  workbook.Limits
		want string
		args map[string]any
	}{
		{name: "one huge cell in the sheet", data: wt.MustHugeCell(t, header, 200<<20, false),
			want: "import.error.xlsx_cell_too_long", args: map[string]any{"row": 2, "column": "B"}},
		{name: "one huge shared text", data: wt.MustHugeCell(t, header, 200<<20, true),
			want: "import.error.xlsx_text_too_long"},
		{name: "many cells, more than the limit unpacked", data: wt.MustManyCells(t, header, 3_000_000, 0),
			want: "import.error.xlsx_unpacked_too_large", args: map[string]any{"limit": "256 MB"}},
		{name: "a sheet that says it is small", data: wt.MustManyCells(t, header, 1_000_000, 4096),
			want: "import.error.xlsx_damaged"},
		{name: "a sheet that says it is small, beyond the limit", data: wt.MustManyCells(t, header, 3_000_000, 1<<20),
			want: "import.error.xlsx_damaged"},
		{name: "one row referring to a long shared text many times", data: wt.MustRepeatedSharedText(t, header, 512<<10, 200),
			want: "import.error.xlsx_row_too_large", args: map[string]any{"row": 2, "limit": "16 MB"}},
		{name: "a file larger than its limit", data: wt.MustManyCells(t, header, 10, 0), lim: workbook.Limits{File: 512, Unpacked: 1 << 20},
			want: "import.error.xlsx_file_too_large"},
		{name: "a document type declaration", data: wt.MustZip(t, append(wt.Skeleton(), wt.SharedStrings(), wt.Part{
			Name: "xl/worksheets/sheet1.xml", Segments: []wt.Segment{{Text: `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "`}, {Repeat: "A", Times: 8 << 20}, {Text: `">]><worksheet/>`}},
		})...), want: "import.error.xlsx_damaged"},
		{name: "a comment longer than a token", data: wt.MustZip(t, append(wt.Skeleton(), wt.SharedStrings(), wt.Part{
			Name: "xl/worksheets/sheet1.xml", Segments: []wt.Segment{{Text: `<?xml version="1.0"?><worksheet><!--`}, {Repeat: "<", Times: 8 << 20}, {Text: `--></worksheet>`}},
		})...), want: "import.error.xlsx_text_too_long"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			lim := limits
			if tc.lim.File != 0 {
				lim = tc.lim
			}
			var err error
			alloc := MustAllocated(t, func() {
				var f *excelize.File
				if f, err = workbook.Open(bytes.NewReader(tc.data), lim); err == nil {
					f.Close()
				}
			})
			var ae *aldyn.Error
			if !errors.As(err, &ae) || ae.Code != aldyn.EINVALID || ae.Message != tc.want {
				t.Fatalf("got %v, want EINVALID %s", err, tc.want)
			}
			for k, v := range tc.args {
				if ae.Args[k] != v {
					t.Errorf("%s = %v, want %v", k, ae.Args[k], v)
				}
			}
			// What the file weighs, read twice over, and a few buffers.
			if limit := 4*uint64(len(tc.data)) + 16<<20; alloc > limit {
				t.Errorf("allocated %d MB refusing a %d KB file, want at most %d MB", alloc>>20, len(tc.data)>>10, limit>>20)
			}
		})
	}
}

func TestOpenReadsWorkbooks(t *testing.T) {
	t.Run("written by excelize", func(t *testing.T) {
		f := excelize.NewFile()
		long := strings.Repeat("ң&<", workbook.MaxCellChars/3)
		for i, v := range []any{"registration_number", "category", "KUI-1", "theft", 42, long} {
			cell, _ := excelize.CoordinatesToCellName(1+i%2, 1+i/2)
			if err := f.SetCellValue("Sheet1", cell, v); err != nil {
				t.Fatal(err)
			}
		}
		var b bytes.Buffer
		if err := f.Write(&b); err != nil {
			t.Fatal(err)
		}
		got, err := workbook.Open(&b, limits)
		if err != nil {
			t.Fatal(err)
		}
		defer got.Close()
		rows, err := got.GetRows("Sheet1")
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != 3 || rows[1][0] != "KUI-1" || rows[2][1] != long {
			t.Errorf("got %d rows, want the three written", len(rows))
		}
		for i, r := range rows {
			if err := workbook.CheckRow(i+1, r); err != nil {
				t.Errorf("row %d: %v", i+1, err)
			}
		}
	})
	t.Run("many rows within the limits", func(t *testing.T) {
		f, err := workbook.Open(bytes.NewReader(wt.MustManyCells(t, header, 20_000, 0)), limits)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		rows, err := f.Rows("Sheet1")
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for rows.Next() {
			n++
		}
		if n != 20_001 {
			t.Errorf("got %d rows, want 20001", n)
		}
	})
}

func TestCheckRow(t *testing.T) {
	ok := strings.Repeat("ө", workbook.MaxCellChars)
	if err := workbook.CheckRow(7, []string{"a", ok}); err != nil {
		t.Errorf("a cell of %d characters: %v", workbook.MaxCellChars, err)
	}
	err := workbook.CheckRow(7, []string{"a", "b", ok + "ө"})
	var ae *aldyn.Error
	if !errors.As(err, &ae) || ae.Message != "import.error.xlsx_cell_too_long" || fmt.Sprintf("%v %v", ae.Args["row"], ae.Args["column"]) != "7 C" {
		t.Errorf("got %v, want import.error.xlsx_cell_too_long at row 7, column C", err)
	}
}

// BenchmarkCheck measures what the checks add to opening a large, honest
// workbook: 300,000 rows of ten cells, about 100 MB unpacked.
func BenchmarkCheck(b *testing.B) {
	data := wt.MustManyCells(b, header, 300_000, 0)
	lim := workbook.Limits{File: 64 << 20, Unpacked: 1 << 30}
	b.SetBytes(int64(len(wt.ManyCellsRow)) * 300_000)
	for b.Loop() {
		if err := workbook.Check(data, lim); err != nil {
			b.Fatal(err)
		}
	}
}

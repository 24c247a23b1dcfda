package web_test

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// TestDecisionsExport downloads the demo's tasks from decisions as CSV and
// XLSX: a row each, with the meeting's body, the responsible body and the
// status, overdue ones marked.
func TestDecisionsExport(t *testing.T) {
	f := mustFixture(t)
	mustLoadDemo(t, f, fakeHash, "x")
	raw := readBody(t, f.do(t, adminKG, "GET", "/decisions?format=csv&sep=comma", "", ""))
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(raw, "\ufeff"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1+5 || len(rows[0]) != 8 {
		t.Fatalf("CSV has %d rows of %d columns, want a header and the 5 demo tasks: %q", len(rows), len(rows[0]), raw)
	}
	overdue := 0
	for _, r := range rows[1:] {
		if r[1] == "" || r[3] == "" || r[5] == "" {
			t.Errorf("row without body or status: %q", r)
		}
		if r[6] != "" {
			overdue++
		}
	}
	if overdue == 0 {
		t.Errorf("no overdue task marked: %q", raw)
	}
	resp := f.do(t, adminKG, "GET", "/decisions?format=xlsx&status=done", "", "")
	x, err := excelize.OpenReader(bytes.NewReader([]byte(readBody(t, resp))))
	if err != nil {
		t.Fatal(err)
	}
	sheet := x.GetSheetList()[0]
	xr, err := x.GetRows(sheet)
	if err != nil || len(xr) != 1+2 {
		t.Errorf("XLSX of done tasks: %d rows, %v; want a header and 2", len(xr), err)
	}
}

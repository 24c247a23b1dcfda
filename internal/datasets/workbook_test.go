package datasets_test

import (
	"bytes"
	"context"
	"reflect"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/datasets"
	"github.com/aldyn-kg/aldyn/internal/store/storetest"
)

func mustProtectionSet(tb testing.TB) *aldyn.DataSet {
	tb.Helper()
	db, ctx := storetest.MustOpenDB(tb), context.Background()
	if _, err := datasets.Install(ctx, db, nationalAdmin); err != nil {
		tb.Fatal(err)
	}
	ds, err := db.FindActiveDataSet(ctx, "protection_orders")
	if err != nil {
		tb.Fatal(err)
	}
	return ds
}

var labels = datasets.Labels{Title: "Форма", Body: "Орган", Version: "Версия", Element: "Показатель", Breakdown: "Разбивка", Unit: "Ед."}

// TestFormXLSXRoundTrip writes a filled form and reads it back unchanged.
func TestFormXLSXRoundTrip(t *testing.T) {
	ds := mustProtectionSet(t)
	f := &aldyn.DataForm{Period: "2025Q2"}
	want := map[string]map[string]string{
		"po_issued":   {"female,age_18_29": "12", "male,age_60": "1"},
		"po_breached": {"female,age_18_29": "2"},
		"cp_started":  {"": "7"},
		"po_comment":  {"": "ордерлер үй-бүлөлүк зомбулук боюнча"},
	}
	if bad := f.SetValues(ds, want); len(bad) != 0 {
		t.Fatal(bad)
	}
	var buf bytes.Buffer
	if err := datasets.WriteFormXLSX(&buf, ds, f, "Аламүдүн ИИБ", "ru", labels); err != nil {
		t.Fatal(err)
	}
	got, errs, err := datasets.ReadFormXLSX(bytes.NewReader(buf.Bytes()), ds, "2025Q2")
	if err != nil || len(errs) != 0 {
		t.Fatalf("read back: %v %v", err, errs)
	}
	// Every cell comes back; empty ones as "".
	for code, cells := range got {
		for combo, v := range cells {
			if v != want[code][combo] {
				t.Errorf("%s[%s] = %q, want %q", code, combo, v, want[code][combo])
			}
		}
	}
	g := &aldyn.DataForm{}
	if bad := g.SetValues(ds, got); len(bad) != 0 || !reflect.DeepEqual(g.Values, f.Values) {
		t.Errorf("values after the round trip: %v, want %v (%v)", g.Values, f.Values, bad)
	}
}

// TestFormXLSXBadCells breaks every rule a row must satisfy and checks
// each is reported with its sheet, row and column, and no cells returned.
func TestFormXLSXBadCells(t *testing.T) {
	ds := mustProtectionSet(t)
	var buf bytes.Buffer
	if err := datasets.WriteFormXLSX(&buf, ds, &aldyn.DataForm{Period: "2025Q2"}, "ИИБ", "ky", labels); err != nil {
		t.Fatal(err)
	}
	x, err := excelize.OpenReader(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	set := func(sheet, cell string, v any) {
		if err := x.SetCellValue(sheet, cell, v); err != nil {
			t.Fatal(err)
		}
	}
	set("data", "F2", "бир")           // po_issued female,age_0_17: not a number
	set("data", "F3", "2.5")           // not whole
	set("data", "A4", "po_unknown")    // no such element
	set("data", "B5", "female,age_99") // no such combination
	set("data", "A6", "po_issued")     // a duplicate of row 2
	set("data", "B6", "female,age_0_17")
	last := 1 + len(ds.Elements[0].Combos())*3 + 2 + 1 // the comment row: after the header, 3 grids and 2 totals
	set("data", "F"+itoa(last), "Асанов Бакыт, тел. 0555 123 456")
	set("Форма", "B3", "juvenile") // the cover of another data set
	var out bytes.Buffer
	if err := x.Write(&out); err != nil {
		t.Fatal(err)
	}
	cells, errs, err := datasets.ReadFormXLSX(bytes.NewReader(out.Bytes()), ds, "2025Q2")
	if err != nil {
		t.Fatal(err)
	}
	want := []datasets.SheetError{
		{Sheet: "Форма", Row: 3, Column: "B", Reason: "datasets.xlsx.error.other_form", Value: "juvenile"},
		{Sheet: "data", Row: 2, Column: "F", Reason: "datasets.error.value_number", Value: "бир"},
		{Sheet: "data", Row: 3, Column: "F", Reason: "datasets.error.value_integer", Value: "2.5"},
		{Sheet: "data", Row: 4, Column: "A", Reason: "datasets.xlsx.error.element", Value: "po_unknown"},
		{Sheet: "data", Row: 5, Column: "B", Reason: "datasets.xlsx.error.combo", Value: "female,age_99"},
		{Sheet: "data", Row: 6, Column: "A", Reason: "datasets.xlsx.error.duplicate", Value: "po_issued female,age_0_17"},
		{Sheet: "data", Row: last, Column: "F", Reason: "datasets.error.text_phone", Value: "Асанов Бакыт, тел. 0555 123 456"},
	}
	if cells != nil || !reflect.DeepEqual(errs, want) {
		t.Errorf("got %v %+v\nwant %+v", cells, errs, want)
	}

	// A workbook without the data sheet, and one with a wrong header.
	y := excelize.NewFile()
	y.SetCellValue("Sheet1", "A1", "x")
	var b2 bytes.Buffer
	y.Write(&b2)
	if _, errs, _ := datasets.ReadFormXLSX(bytes.NewReader(b2.Bytes()), ds, "2025Q2"); len(errs) != 1 || errs[0].Reason != "datasets.xlsx.error.no_sheet" {
		t.Errorf("no data sheet: %+v", errs)
	}
	y.SetSheetName("Sheet1", "data")
	y.SetCellValue("data", "A1", "код")
	b2.Reset()
	y.Write(&b2)
	if _, errs, _ := datasets.ReadFormXLSX(bytes.NewReader(b2.Bytes()), ds, "2025Q2"); len(errs) != 3 || errs[0].Row != 1 {
		t.Errorf("bad header: %+v", errs)
	}
}

func itoa(n int) string { return string(rune('0'+n/10)) + string(rune('0'+n%10)) }

package datasets_test

import (
	"bytes"
	"context"
	"fmt"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/datasets"
	"github.com/aldyn-kg/aldyn/internal/store"
	"github.com/aldyn-kg/aldyn/internal/store/storetest"
)

// BenchmarkFormXLSXImport measures the upload of a filled form of 5,000
// cells (25 elements broken down 10 × 20): reading and checking the
// workbook, then saving the values, as the form page's upload does.
func BenchmarkFormXLSXImport(b *testing.B) {
	ctx := context.Background()
	db := storetest.MustOpenDB(b)
	db.Now = func() time.Time { return time.Date(2026, 2, 1, 9, 0, 0, 0, time.UTC) }
	admin := nationalAdmin
	opts := func(prefix string, n int) []aldyn.CategoryOption {
		var out []aldyn.CategoryOption
		for i := range n {
			c := fmt.Sprintf("%s%d", prefix, i)
			out = append(out, aldyn.CategoryOption{Code: c, Name: aldyn.Text{KY: c, RU: c, EN: c}})
		}
		return out
	}
	d := &aldyn.Disaggregation{Code: "wide", Name: aldyn.Text{KY: "a", RU: "b", EN: "c"}, Categories: []aldyn.Category{
		{Code: "a", Name: aldyn.Text{KY: "a", RU: "a", EN: "a"}, Options: opts("a", 10)},
		{Code: "b", Name: aldyn.Text{KY: "b", RU: "b", EN: "b"}, Options: opts("b", 20)},
	}}
	if err := db.CreateDisaggregation(ctx, admin, d); err != nil {
		b.Fatal(err)
	}
	s := &aldyn.DataSet{Code: "big", Name: aldyn.Text{KY: "a", RU: "b", EN: "c"}, PeriodType: aldyn.PeriodYear, BodyTypes: []string{"police"},
		Level: aldyn.LevelDistrict}
	for i := range 25 {
		e := &aldyn.DataElement{Code: "x" + strconv.Itoa(i), Name: aldyn.Text{KY: "a", RU: "b", EN: "c"}, ValueType: aldyn.ValueInteger, DisaggregationID: d.ID}
		if err := db.CreateDataElement(ctx, admin, e); err != nil {
			b.Fatal(err)
		}
		s.ElementIDs = append(s.ElementIDs, e.ID)
	}
	if err := db.CreateDataSet(ctx, admin, s); err != nil {
		b.Fatal(err)
	}
	s, err := db.ActivateDataSet(ctx, admin, s.ID)
	if err != nil {
		b.Fatal(err)
	}
	body := &aldyn.Body{TerritoryCode: alamudun, Type: "police", NameKy: "ИИБ", NameRu: "ОВД", NameEn: "Police"}
	if err := db.CreateBody(ctx, aldyn.System, body); err != nil {
		b.Fatal(err)
	}
	rep := &aldyn.Actor{UserID: 9, Role: aldyn.RoleReporter, BodyID: body.ID, TerritoryPath: "/" + kg + "/" + chuy + "/" + alamudun + "/"}
	cells := map[string]map[string]string{}
	n := 0
	for _, e := range s.Elements {
		cells[e.Code] = map[string]string{}
		for _, c := range e.Combos() {
			n++
			cells[e.Code][c.Key] = strconv.Itoa(n % 97)
		}
	}
	f := &aldyn.DataForm{Period: "2025"}
	if bad := f.SetValues(s, cells); len(bad) > 0 || n != 5000 {
		b.Fatalf("%d cells, %v", n, bad)
	}
	var file bytes.Buffer
	if err := datasets.WriteFormXLSX(&file, s, f, "ОВД", "ru", labels); err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(file.Len()), "bytes")
	rev := 0
	// CPU time per import beside the wall time: on a machine shared by
	// many processes the wall time is mostly waiting for a core.
	cpu := func() time.Duration {
		var ru syscall.Rusage
		syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
		return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	start := cpu()
	for b.Loop() {
		got, errs, err := datasets.ReadFormXLSX(bytes.NewReader(file.Bytes()), s, "2025")
		if err != nil || len(errs) > 0 {
			b.Fatal(err, errs)
		}
		// Alternate the first cell, so that every save writes.
		got["x0"]["a0,b0"] = strconv.Itoa(rev % 2)
		saved, err := db.EnterDataForm(ctx, rep, store.FormEntry{DataSetCode: "big", BodyID: body.ID, Period: "2025", Cells: got, Revision: rev}, false)
		if err != nil {
			b.Fatal(err)
		}
		rev = saved.Revision
	}
	b.ReportMetric(float64(cpu()-start)/float64(b.N)/1e6, "cpu-ms/op")
}

package offenses_test

import (
	"bytes"
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/importer"
	"github.com/aldyn-kg/aldyn/internal/offenses"
	"github.com/aldyn-kg/aldyn/internal/store"
	"github.com/aldyn-kg/aldyn/internal/store/storetest"
)

func mustDB(tb testing.TB) *store.DB {
	tb.Helper()
	db := storetest.MustOpenDB(tb)
	if err := db.SeedReference(context.Background()); err != nil {
		tb.Fatal(err)
	}
	return db
}

func total(tb testing.TB, db *store.DB) int64 {
	tb.Helper()
	rows, err := db.OffenseCounts(context.Background(), aldyn.CountsQuery{})
	if err != nil {
		tb.Fatal(err)
	}
	if len(rows) == 0 {
		return 0
	}
	return rows[0].Count
}

// TestImportSkipBadAndProfiles: a saved profile maps a register's own
// headers and category words; all or nothing refuses a file with a bad row
// and stores nothing; --skip-bad stores the good rows; the same file again
// adds nothing; a phone column refuses the file and names it.
func TestImportSkipBadAndProfiles(t *testing.T) {
	ctx := context.Background()
	db := mustDB(t)
	p := importer.Profile{Name: "erp-2024", Source: "crimes", Columns: map[string]string{
		"registration_number": "Рег. номер", "category": "Вид", "registered_on": "Дата регистрации", "territory_code": "СОАТЕ",
	}, Categories: map[string]string{"кража (ст.205)": "theft"}}
	if err := offenses.SaveProfile(ctx, db, aldyn.System, p); err != nil {
		t.Fatal(err)
	}
	ps, err := offenses.Profiles(ctx, db)
	var names []string
	for _, p := range ps {
		names = append(names, p.Name)
	}
	if err != nil || strings.Join(names, " ") != "default ern-ky ern-ru erp-2024 erp-ky erp-ru" {
		t.Fatalf("profiles %q, %v; want default, erp-2024 and the built-in ones", names, err)
	}
	if err := offenses.SaveProfile(ctx, db, aldyn.System, importer.Profile{Name: " "}); aldyn.ErrorCode(err) != aldyn.EINVALID {
		t.Errorf("a profile without a name: %v, want EINVALID", err)
	}
	file := "Рег. номер;Вид;Дата регистрации;СОАТЕ\n" +
		"1-24;Кража (ст.205);05.03.2024;41711000000000\n" +
		"2-24;кража (ст.205);06.03.2024;41799999999999\n" +
		"3-24;Кража (ст.205);07.03.2024;41711000000000\n"
	rep, err := offenses.Import(ctx, db, aldyn.System, strings.NewReader(file), offenses.Input{FileName: "erp.csv", Profile: "erp-2024"})
	if aldyn.ErrorCode(err) != aldyn.EINVALID || rep.Committed || len(rep.Errors) != 1 || rep.Errors[0].Row != 3 || rep.Errors[0].Column != "СОАТЕ" {
		t.Fatalf("all or nothing: %v, %+v", err, rep)
	}
	if n := total(t, db); n != 0 {
		t.Fatalf("a refused file left %d records", n)
	}
	rep, err = offenses.Import(ctx, db, aldyn.System, strings.NewReader(file), offenses.Input{FileName: "erp.csv", Profile: "erp-2024", SkipBad: true})
	if err != nil || rep.Inserted != 2 || rep.Rejected != 1 {
		t.Fatalf("skip bad: %v, %+v", err, rep)
	}
	rep, err = offenses.Import(ctx, db, aldyn.System, strings.NewReader(file), offenses.Input{FileName: "erp.csv", Profile: "erp-2024", SkipBad: true})
	if err != nil || rep.Inserted != 0 || rep.Existing != 2 {
		t.Fatalf("the same file again: %v, %+v", err, rep)
	}
	if n := total(t, db); n != 2 {
		t.Errorf("records %d, want 2", n)
	}
	_, err = offenses.Import(ctx, db, aldyn.System, strings.NewReader("registration_number,registered_on,territory_code,category,contact\n9,2024-03-05,41711000000000,theft,+996 555 123 456\n"),
		offenses.Input{FileName: "phones.csv"})
	var ref *importer.Refusal
	if !errors.As(err, &ref) || ref.Column != "contact" {
		t.Errorf("phone numbers: %v, want a refusal naming the column contact", err)
	}
	if _, err := offenses.Import(ctx, db, aldyn.System, strings.NewReader(file), offenses.Input{FileName: "erp.csv", Profile: "nope"}); aldyn.ErrorCode(err) != aldyn.ENOTFOUND {
		t.Errorf("unknown profile: %v, want ENOTFOUND", err)
	}
	log, n, err := db.FindOffenseImports(ctx, aldyn.Page{})
	if err != nil || n < 4 {
		t.Fatalf("import log: %d entries, %v", n, err)
	}
	for _, e := range log {
		if e.Status == aldyn.ImportDone && (e.SHA256 == "" || e.Actor == "") {
			t.Errorf("log entry without its file's SHA-256 or actor: %+v", e)
		}
	}
}

// TestClassification: administrators map articles to subgroups; rows
// without a category take the category of their article's subgroup, and
// records of a sensitive subgroup never give their location away. The
// sensitive subgroups cannot be removed or moved, and an article belongs
// to one subgroup of its register.
func TestClassification(t *testing.T) {
	ctx := context.Background()
	db := mustDB(t)
	dv := importer.Subgroup{Code: "domestic_violence", Category: "other", Source: "crimes", NameKy: "Үй-бүлөлүк зомбулук",
		NameRu: "Семейное насилие", NameEn: "Domestic violence", Articles: []string{"ст. 177 ч.1"}}
	if err := offenses.SaveSubgroup(ctx, db, aldyn.System, dv); err != nil {
		t.Fatal(err)
	}
	hool := importer.Subgroup{Code: "hooliganism", Category: "hooliganism", Source: "crimes", NameKy: "Бейбаштык",
		NameRu: "Хулиганство", NameEn: "Hooliganism", Articles: []string{"282"}}
	if err := offenses.SaveSubgroup(ctx, db, aldyn.System, hool); err != nil {
		t.Fatal(err)
	}
	taken := hool
	taken.Code, taken.Articles = "hooliganism_2", []string{"177"}
	if err := offenses.SaveSubgroup(ctx, db, aldyn.System, taken); aldyn.ErrorCode(err) != aldyn.EINVALID {
		t.Errorf("an article of another subgroup: %v, want EINVALID", err)
	}
	moved := dv
	moved.Category = "hooliganism"
	if err := offenses.SaveSubgroup(ctx, db, aldyn.System, moved); aldyn.ErrorCode(err) != aldyn.EINVALID {
		t.Errorf("moving a sensitive subgroup: %v, want EINVALID", err)
	}
	if err := offenses.DeleteSubgroup(ctx, db, aldyn.System, "domestic_violence"); aldyn.ErrorCode(err) != aldyn.ECONFLICT {
		t.Errorf("deleting a sensitive subgroup: %v, want ECONFLICT", err)
	}
	sgs, err := offenses.Classification(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	var found bool
	for _, s := range sgs {
		if s.Code == "domestic_violence" {
			found = s.Sensitive && len(s.Articles) == 1 && s.Articles[0] == "177"
		}
	}
	if !found {
		t.Errorf("classification %+v lacks domestic violence with article 177", sgs)
	}
	file := "registration_number,source,article,registered_on,territory_code,lat,lon\n" +
		"D-1,crimes,ст.177 ч.2,2024-03-05,41711000000000,42.87,74.6\n" +
		"H-1,crimes,282,2024-03-06,41711000000000,42.88,74.61\n"
	if _, err := offenses.Import(ctx, db, aldyn.System, strings.NewReader(file), offenses.Input{FileName: "articles.csv"}); err != nil {
		t.Fatal(err)
	}
	rows, err := db.OffenseCounts(ctx, aldyn.CountsQuery{By: []string{aldyn.ByCategory}})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]int64{}
	for _, r := range rows {
		got[r.Category] = r.Count
	}
	if got["other"] != 1 || got["hooliganism"] != 1 {
		t.Errorf("categories from articles: %v, want other 1 and hooliganism 1", got)
	}
	for _, exclude := range []bool{false, true} {
		n, err := db.OffensePoints(ctx, aldyn.OffenseFilter{Under: "/", ExcludeSensitive: exclude}, nil, 0, func(aldyn.OffensePoint) error { return nil })
		if err != nil {
			t.Fatal(err)
		}
		if want := map[bool]int{false: 2, true: 1}[exclude]; n != want {
			t.Errorf("points with ExcludeSensitive %v: %d, want %d", exclude, n, want)
		}
	}
}

// TestImportFailingLateLeavesNothing: a file whose bad row comes after many
// committed batches, imported all or nothing, leaves the counts exactly as
// they were, records an earlier import stored included, and leaves none
// of its own rows behind: the same file without the bad row then stores
// every new record.
func TestImportFailingLateLeavesNothing(t *testing.T) {
	ctx := context.Background()
	db := mustDB(t)
	if _, err := offenses.Import(ctx, db, aldyn.System, bytes.NewReader(csvFile(2000)), offenses.Input{FileName: "first.csv"}); err != nil {
		t.Fatal(err)
	}
	before := total(t, db)
	// More than a batch of PostgreSQL's (16,384) before the bad row.
	good := csvFile(62000)
	bad := append(slices.Clone(good), "KBR-BAD,crimes,theft,2024-03-05,2024-03-05,10:00,41799999999999,42.8,74.5,street,0\n"...)
	rep, err := offenses.Import(ctx, db, aldyn.System, bytes.NewReader(bad), offenses.Input{FileName: "late.csv"})
	if aldyn.ErrorCode(err) != aldyn.EINVALID || rep.Committed || rep.Rejected != 1 {
		t.Fatalf("a file with a bad last row: got %v, committed %v, %d rejected; want EINVALID, nothing committed, 1 rejected", err, rep.Committed, rep.Rejected)
	}
	if got := total(t, db); got != before {
		t.Errorf("records after the failed import: got %d, want %d", got, before)
	}
	rep, err = offenses.Import(ctx, db, aldyn.System, bytes.NewReader(good), offenses.Input{FileName: "late.csv"})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Inserted != 60000 || rep.Existing != 2000 {
		t.Errorf("the file without its bad row: got %d inserted, %d existing; want 60000, 2000", rep.Inserted, rep.Existing)
	}
	if got := total(t, db); got != 62000 {
		t.Errorf("records: got %d, want 62000", got)
	}
}

// TestImportCancelledWhileStoring: an import cancelled while its batches
// are being stored (the store works in a goroutine of its own, behind the
// reading) fails, returns, and leaves the counts as they were; its log row
// says failed; the same file then imports whole.
func TestImportCancelledWhileStoring(t *testing.T) {
	db := mustDB(t)
	file := csvFile(40000)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	rep, err := offenses.Import(ctx, db, aldyn.System, bytes.NewReader(file), offenses.Input{FileName: "cancelled.csv",
		Progress: func(rows, _ int64) {
			if rows >= 12000 {
				cancel()
			}
		}})
	if !errors.Is(err, context.Canceled) || rep.Committed {
		t.Fatalf("cancelled import: got %v, committed %v; want context.Canceled, nothing committed", err, rep.Committed)
	}
	if got := total(t, db); got != 0 {
		t.Errorf("records after the cancelled import: got %d, want 0", got)
	}
	log, _, err := db.FindOffenseImports(context.Background(), aldyn.Page{})
	if err != nil || len(log) != 1 || log[0].Status != aldyn.ImportFailed {
		t.Fatalf("import log: %v, %v; want one failed import", log, err)
	}
	rep, err = offenses.Import(context.Background(), db, aldyn.System, bytes.NewReader(file), offenses.Input{FileName: "again.csv"})
	if err != nil || rep.Inserted != 40000 || total(t, db) != 40000 {
		t.Fatalf("the same file again: %v, %d inserted, %d counted; want 40000", err, rep.Inserted, total(t, db))
	}
}

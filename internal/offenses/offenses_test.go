package offenses_test

import (
	"context"
	"errors"
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
	if err != nil || len(ps) != 2 || ps[0].Name != "default" || ps[1].Name != "erp-2024" {
		t.Fatalf("profiles %+v, %v; want default and erp-2024", ps, err)
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

package offenses_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/i18n"
	"github.com/aldyn-kg/aldyn/internal/importer"
	"github.com/aldyn-kg/aldyn/internal/offenses"
	"github.com/aldyn-kg/aldyn/internal/store"
	"github.com/aldyn-kg/aldyn/internal/store/storetest"
	"golang.org/x/text/encoding/charmap"
)

// policeExport is a Windows-1251, semicolon-separated export of the crimes
// register with Russian headers, districts by name, "Грабеж" without ё,
// precincts as "уч. 4", and exactly 20 bad rows, one per rule.
const policeExport = "../importer/testdata/police-export-cp1251.csv"

// policeExportErrors are the bad rows of policeExport: row, column, reason.
var policeExportErrors = []importer.RowError{
	{Row: 4, Column: "Широта", Reason: "import.error.row_short", Value: ""},
	{Row: 7, Column: "column 14", Reason: "import.error.row_long", Value: ""},
	{Row: 10, Column: "Статья УК", Reason: "import.error.article_unknown", Value: "9999"},
	{Row: 13, Column: "Категория", Reason: "import.error.article_category", Value: "Кража"},
	{Row: 16, Column: "Район", Reason: "import.error.territory_ambiguous", Value: "Нарын"},
	{Row: 19, Column: "Район", Reason: "import.error.territory_name", Value: "Хогвартский район"},
	{Row: 20, Column: "Дата регистрации", Reason: "import.error.date", Value: "31.02.2024"},
	{Row: 21, Column: "Широта", Reason: "error.lat_range", Value: "55,7558"},
	{Row: 22, Column: "Дата регистрации", Reason: "import.error.date_future", Value: "14.03.2030"},
	{Row: 23, Column: "Категория", Reason: "import.error.category", Value: "Кража велосипеда"},
	{Row: 24, Column: "Участок", Reason: "import.error.precinct_ambiguous", Value: "уч. 7"},
	{Row: 25, Column: "Участок", Reason: "import.error.precinct_name", Value: "уч. 9"},
	{Row: 26, Column: "Время совершения", Reason: "import.error.time", Value: "25:70"},
	{Row: 27, Column: "Дата совершения", Reason: "import.error.occurred_after_registered", Value: "15.03.2024"},
	{Row: 28, Column: "Раскрыто", Reason: "import.error.solved", Value: "может быть"},
	{Row: 29, Column: "Ущерб, сом", Reason: "import.error.damage_negative", Value: "-100"},
	{Row: 30, Column: "Место совершения", Reason: "import.error.place_type", Value: "огород"},
	{Row: 31, Column: "Широта", Reason: "import.error.latlon_swapped", Value: "74,6801"},
	{Row: 32, Column: "Регистрационный номер", Reason: "error.required", Value: ""},
	{Row: 33, Column: "Дата регистрации", Reason: "import.error.date_range", Value: "01.01.1949"},
}

// mustPoliceSetup gives the database what the export refers to: precincts
// of Alamüdün (№4, №5), Leninsky (№4) and Sverdlovsky (№7 and №7а, which
// "уч. 7" cannot tell apart), and article 206 in the classification (the
// test's own: the built-in one leaves robbery's article out until it is
// confirmed).
func mustPoliceSetup(tb testing.TB, db *store.DB) {
	tb.Helper()
	ctx := context.Background()
	err := offenses.SaveSubgroup(ctx, db, aldyn.System, importer.Subgroup{Code: "robbery", Category: importer.CategoryRobbery,
		Source: importer.SourceCrimes, Articles: []string{"206"}, NameKy: "Тоноо", NameRu: "Грабёж", NameEn: "Robbery"})
	if err != nil {
		tb.Fatal(err)
	}
	for _, p := range []aldyn.Territory{
		{Code: "41708203000000-P04", ParentCode: "41708203000000", NameKy: "Аламүдүн району, 4-участок", NameRu: "Аламудунский район, участок №4", NameEn: "Alamüdün District, precinct No. 4"},
		{Code: "41708203000000-P05", ParentCode: "41708203000000", NameKy: "Аламүдүн району, 5-участок", NameRu: "Аламудунский район, участок №5", NameEn: "Alamüdün District, precinct No. 5"},
		{Code: "41711201000000-P04", ParentCode: "41711201000000", NameKy: "4-участок", NameRu: "Участок №4", NameEn: "Precinct No. 4"},
		{Code: "41711204000000-P07", ParentCode: "41711204000000", NameKy: "7-участок", NameRu: "Участок №7", NameEn: "Precinct No. 7"},
		{Code: "41711204000000-P07A", ParentCode: "41711204000000", NameKy: "7а-участок", NameRu: "Участок №7а", NameEn: "Precinct No. 7a"},
	} {
		if err := db.CreatePrecinct(ctx, aldyn.System, &p, nil); err != nil {
			tb.Fatalf("precinct %s: %v", p.Code, err)
		}
	}
}

var exportNow = func() time.Time { return time.Date(2024, 6, 1, 9, 0, 0, 0, time.UTC) }

// TestImportPoliceExport imports the police export without a profile
// chosen: the built-in Russian crimes profile reads it; each of the 20 bad
// rows is refused with its row, column and reason, in the reader's
// language; the good rows get the right codes; with --skip-bad the good
// rows are stored, and importing the file again changes nothing.
func TestImportPoliceExport(t *testing.T) {
	ctx := context.Background()
	db := mustDB(t)
	mustPoliceSetup(t, db)
	data, err := os.ReadFile(policeExport)
	if err != nil {
		t.Fatal(err)
	}

	rep, err := offenses.Import(ctx, db, aldyn.System, bytes.NewReader(data), offenses.Input{FileName: "export.csv", Now: exportNow})
	if aldyn.ErrorMessage(err) != "import.error.rejected" {
		t.Fatalf("got %v, want import.error.rejected", err)
	}
	if rep.Profile != "erp-ru" || rep.Charset != "windows-1251" || rep.Rows != 32 || rep.Rejected != 20 || rep.Accepted != 12 || rep.Committed {
		t.Errorf("got profile %q, charset %q, %d rows, %d rejected, %d accepted, committed %v; want erp-ru, windows-1251, 32, 20, 12, false",
			rep.Profile, rep.Charset, rep.Rows, rep.Rejected, rep.Accepted, rep.Committed)
	}
	var got []importer.RowError
	for _, e := range rep.Errors {
		e.Args = nil
		got = append(got, e)
	}
	if !reflect.DeepEqual(got, policeExportErrors) {
		t.Errorf("row errors:\n got %+v\nwant %+v", got, policeExportErrors)
	}
	// The messages name what the reader needs, in the reader's language.
	ru, ky := i18n.For("ru"), i18n.For("ky")
	message := func(tr *i18n.Localizer, row int) string {
		for _, e := range rep.Errors {
			if e.Row == row {
				return tr.T(e.Reason, e.MessageArgs(tr.Lang()))
			}
		}
		return ""
	}
	for _, c := range []struct {
		tr   *i18n.Localizer
		row  int
		want []string
	}{
		{ru, 13, []string{"Статья 209 относится к категории «Мошенничество», а в строке указано «Кража»"}},
		{ky, 13, []string{"209-берене «Алдамчылык» категориясына кирет", "«Уурулук»"}},
		{ru, 16, []string{"41704000000000 Нарынская область", "41704245000000 Нарынский район", "41704400000000 город Нарын"}},
		{ky, 16, []string{"41704000000000 Нарын облусу", "41704245000000 Нарын району", "41704400000000 Нарын шаары"}},
		{ru, 24, []string{"41711204000000-P07 Участок №7", "41711204000000-P07A Участок №7а"}},
		{ru, 4, []string{"начиная со столбца «Широта» ячеек нет"}},
	} {
		m := message(c.tr, c.row)
		for _, w := range c.want {
			if !strings.Contains(m, w) {
				t.Errorf("row %d in %s: got %q, want it to contain %q", c.row, c.tr.Lang(), m, w)
			}
		}
	}

	rep, err = offenses.Import(ctx, db, aldyn.System, bytes.NewReader(data), offenses.Input{FileName: "export.csv", SkipBad: true, Now: exportNow})
	if err != nil || rep.Inserted != 12 || rep.Rejected != 20 {
		t.Fatalf("skip bad: %v, %d inserted, %d rejected; want 12 and 20", err, rep.Inserted, rep.Rejected)
	}
	rep, err = offenses.Import(ctx, db, aldyn.System, bytes.NewReader(data), offenses.Input{FileName: "export.csv", SkipBad: true, Now: exportNow})
	if err != nil || rep.Inserted != 0 || rep.Existing != 12 {
		t.Errorf("re-import: %v, %d inserted, %d existing; want 0 and 12", err, rep.Inserted, rep.Existing)
	}
	if n := total(t, db); n != 12 {
		t.Errorf("%d records stored, want 12", n)
	}
}

// TestPoliceExportRecords checks what the good rows of the export become:
// territory and precinct codes from names and numbers, categories from
// words spelt any way and from articles, numbers with decimal commas.
func TestPoliceExportRecords(t *testing.T) {
	ctx := context.Background()
	db := mustDB(t)
	mustPoliceSetup(t, db)
	f, err := os.Open(policeExport)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	terr, err := db.TerritoryNames(ctx)
	if err != nil {
		t.Fatal(err)
	}
	sgs, err := offenses.Classification(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	sink := &keepSink{}
	opts := importer.Options{Key: []byte("test-installation-secret-32-byte"), Now: exportNow, SkipBad: true, Subgroups: sgs}
	var prof importer.Profile
	for _, p := range importer.BuiltinProfiles {
		if p.Name == "erp-ru" {
			prof = p
		}
	}
	if _, err := importer.Run(ctx, f, importer.CSV, prof, opts, sink, importer.NewCodeSet(terr)); err != nil {
		t.Fatal(err)
	}
	type brief struct {
		Category, Territory, Precinct, Place string
		Solved                               bool
		Damage                               float64
	}
	var got []brief
	for _, o := range sink.got {
		b := brief{o.Category, o.TerritoryCode, o.PrecinctCode, o.PlaceType, o.Solved, 0}
		if o.DamageKGS != nil {
			b.Damage = *o.DamageKGS
		}
		got = append(got, b)
	}
	want := []brief{
		{"theft", "41708203000000", "41708203000000-P04", "street", true, 1500.5},
		{"robbery", "41708203000000", "41708203000000-P04", "street", false, 0},
		{"robbery", "41711201000000", "41711201000000-P04", "shop", true, 12000},
		{"fraud", "41711000000000", "", "other", false, 250000},
		{"murder", "41708222000000", "", "dwelling", true, 0},
		{"theft", "41708223000000", "", "other", false, 85000},
		{"theft", "41708206000000", "", "street", false, 3200},
		{"theft", "41706242000000", "", "other", false, 0},
		{"fraud", "41708209000000", "", "other", true, 40000},
		{"theft", "41702215000000", "", "public_transport", false, 0},
		{"theft", "41708203000000", "41708203000000-P05", "school", false, 700},
		{"robbery", "41711204000000", "", "street", false, 5000},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("records:\n got %+v\nwant %+v", got, want)
	}
	if o := sink.got[0]; o.Lat == nil || *o.Lat != 42.8901 || *o.Lon != 74.6801 {
		t.Errorf("first record's location: got %v, %v; want 42.8901, 74.6801", o.Lat, o.Lon)
	}
}

// TestPoliceExportPersonalData: the export with a personal number, a phone
// number or a name column is refused whole, naming the column and row.
func TestPoliceExportPersonalData(t *testing.T) {
	ctx := context.Background()
	db := mustDB(t)
	mustPoliceSetup(t, db)
	data, err := os.ReadFile(policeExport)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ name, from, to, column string }{
		{"personal number", ";улица;да;1 500,50", ";21203199001234;да;1 500,50", "Место совершения"},
		{"phone number", ";улица;да;1 500,50", ";+996 555 123 456;да;1 500,50", "Место совершения"},
		{"name column", "Ущерб, сом", "ФИО потерпевшего", "ФИО потерпевшего"},
	} {
		t.Run(c.name, func(t *testing.T) {
			from, _ := cp1251(c.from)
			to, _ := cp1251(c.to)
			bad := bytes.Replace(data, from, to, 1)
			if bytes.Equal(bad, data) {
				t.Fatal("nothing replaced")
			}
			rep, err := offenses.Import(ctx, db, aldyn.System, bytes.NewReader(bad), offenses.Input{FileName: "export.csv", SkipBad: true, Now: exportNow})
			var refusal *importer.Refusal
			if !errorsAs(err, &refusal) || refusal.Column != c.column || rep.Committed {
				t.Errorf("got %v (committed %v), want a refusal naming %q", err, rep.Committed, c.column)
			}
		})
	}
	if n := total(t, db); n != 0 {
		t.Errorf("%d records stored from refused files, want 0", n)
	}
}

type keepSink struct{ got []importer.Offense }

func (s *keepSink) Add(_ context.Context, batch []importer.Offense) error {
	s.got = append(s.got, batch...)
	return nil
}

func cp1251(s string) ([]byte, error) { return charmap.Windows1251.NewEncoder().Bytes([]byte(s)) }

func errorsAs(err error, target any) bool { return errors.As(err, target) }

// TestFailedImportLog: a rejected file is logged failed with its SHA-256,
// its counts, and its error as a message the log shows in the reader's
// language.
func TestFailedImportLog(t *testing.T) {
	ctx := context.Background()
	db := mustDB(t)
	mustPoliceSetup(t, db)
	data, err := os.ReadFile(policeExport)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := offenses.Import(ctx, db, aldyn.System, bytes.NewReader(data), offenses.Input{FileName: "export.csv", Now: exportNow}); err == nil {
		t.Fatal("the export with bad rows was accepted")
	}
	es, _, err := db.FindOffenseImports(ctx, aldyn.Page{Limit: 10})
	if err != nil || len(es) != 1 {
		t.Fatalf("import log: %v, %d entries", err, len(es))
	}
	e := es[0]
	sum := sha256.Sum256(data)
	if e.Status != aldyn.ImportFailed || e.SHA256 != hex.EncodeToString(sum[:]) || e.RowsRead != 32 || e.Rejected != 20 || e.Accepted != 12 {
		t.Errorf("failed import logged as %+v; want failed, the file's SHA-256, 32 rows, 20 rejected, 12 accepted", e)
	}
	if got := i18n.For("ru").T(e.Error, e.ErrorArgs); !strings.Contains(got, "20") || !strings.Contains(got, "ничего не импортировано") {
		t.Errorf("logged error in Russian: %q", got)
	}
}

// TestRecoverInterrupted: an import whose process died is logged as
// running; at the next start it is marked failed and its upload deleted.
func TestRecoverInterrupted(t *testing.T) {
	ctx := context.Background()
	dsn := storetest.MustDSN(t)
	db, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.SeedReference(ctx); err != nil {
		t.Fatal(err)
	}
	// The dying process: its own connection, its transaction gone with it.
	dying, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	dctx, kill := context.WithCancel(ctx)
	if _, err := dying.BeginOffenseImport(dctx, aldyn.System, store.OffenseImportMeta{FileName: "big.csv", Format: "csv"}); err != nil {
		t.Fatal(err)
	}
	kill()
	dying.Close() // a dead process beats no more
	uploads := t.TempDir()
	upload := filepath.Join(uploads, "offense-import-123")
	if err := os.WriteFile(upload, []byte("registration_number"), 0o600); err != nil {
		t.Fatal(err)
	}
	n, err := offenses.RecoverInterrupted(ctx, db, uploads)
	if err != nil || n != 1 {
		t.Fatalf("recover: %d, %v; want 1 import", n, err)
	}
	es, _, err := db.FindOffenseImports(ctx, aldyn.Page{Limit: 10})
	if err != nil || len(es) != 1 || es[0].Status != aldyn.ImportFailed || es[0].Error != "import.error.interrupted" {
		t.Errorf("log after recovery: %+v, %v; want the import failed as interrupted", es, err)
	}
	if _, err := os.Stat(upload); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the interrupted upload is still there: %v", err)
	}
}

package importer_test

import (
	"bytes"
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/importer"
)

func ptr(f float64) *float64 { return &f }

func TestRunImportsCanonicalFile(t *testing.T) {
	in := canonicalHeader + "\n" +
		validRow(1) + "\n" +
		"KUI-2,offenses,hooliganism,,05.03.2024,,,41708203000000,,,,,нет,\n" +
		"KUI-3,crimes,,122,2024-05-31,2024-05-30T23:10:00+06:00,,41705214000000,,39.9,70.8,Үй,ооба,0\n"
	res, sink, err := MustRun(t, in, testOptions())
	if err != nil {
		t.Fatalf("got %v, want nil; errors %+v", err, res.Errors)
	}
	day := func(y, m, d int) time.Time { return time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC) }
	want := []importer.Offense{
		{ID: importer.OffenseID(testKey, "crimes", "KUI-0000001"), Source: "crimes", Category: "theft", Article: "205",
			RegisteredOn: day(2024, 3, 2), OccurredAt: importer.OccurredAt{Date: day(2024, 3, 1), TimeOfDay: 14*time.Hour + 30*time.Minute, HasTime: true},
			TerritoryCode: "41711201000000", PrecinctCode: "41711201000000-P01", Lat: ptr(42.87), Lon: ptr(74.59),
			PlaceType: "street", Solved: true, DamageKGS: ptr(1500.5)},
		{ID: importer.OffenseID(testKey, "offenses", "KUI-2"), Source: "offenses", Category: "hooliganism",
			RegisteredOn: day(2024, 3, 5), TerritoryCode: "41708203000000", PlaceType: "other"},
		{ID: importer.OffenseID(testKey, "crimes", "KUI-3"), Source: "crimes", Category: "murder", Article: "122",
			RegisteredOn: day(2024, 5, 31), OccurredAt: importer.OccurredAt{Date: day(2024, 5, 30), TimeOfDay: 23*time.Hour + 10*time.Minute, HasTime: true},
			TerritoryCode: "41705214000000", Lat: ptr(39.9), Lon: ptr(70.8), PlaceType: "dwelling", Solved: true, DamageKGS: ptr(0)},
	}
	if !reflect.DeepEqual(sink.got, want) {
		t.Errorf("got\n%+v\nwant\n%+v", sink.got, want)
	}
	wantRes := importer.Result{Rows: 3, Accepted: 3}
	if res.Rows != wantRes.Rows || res.Accepted != wantRes.Accepted || res.Rejected != 0 || res.Duplicates != 0 || len(res.Errors) != 0 {
		t.Errorf("got %+v, want 3 rows accepted", res)
	}
	if len(res.SHA256) != 64 || res.Bytes != int64(len(in)) {
		t.Errorf("got sha %q over %d bytes, want a checksum of %d bytes", res.SHA256, res.Bytes, len(in))
	}
}

func TestRunRowErrors(t *testing.T) {
	in := canonicalHeader + "\n" +
		validRow(1) + "\n" +
		",crimes,thft,,2024-06-02,,,123,,,,,maybe,-5\n" + // row 3
		"KUI-4,police,theft,,2024-02-30,2024-01-01,9h,4171120100000x,41711201000000-P99,42.8,,beach,,12abc\n" + // row 4
		"KUI-5,crimes,,ст. 205 ч.2,2024-03-01,2024-03-02,,41711201000000,P01,74.6,42.9,street,1,\n" + // row 5
		"KUI-6,crimes,fraud,,1949-12-31,,12:00,41700000000000,,38.0,74.0,,1,\n" + // row 6
		"KUI-7,crimes,fraud,,2024-01-10,,,41708203000000,41711201000000-P01,,,,1,\n" // row 7: a Bishkek precinct in Alamüdün
	res, sink, err := MustRun(t, in, testOptions())
	if aldyn.ErrorMessage(err) != "import.error.rejected" || aldyn.ErrorCode(err) != aldyn.EINVALID {
		t.Fatalf("got %v, want EINVALID import.error.rejected", err)
	}
	want := []importer.RowError{
		{Row: 3, Column: "registration_number", Reason: "error.required"},
		{Row: 3, Column: "category", Reason: "import.error.category", Value: "thft"},
		{Row: 3, Column: "registered_on", Reason: "import.error.date_future", Value: "2024-06-02"},
		{Row: 3, Column: "territory_code", Reason: "error.territory_code", Value: "123"},
		{Row: 3, Column: "solved", Reason: "import.error.solved", Value: "maybe"},
		{Row: 3, Column: "damage_kgs", Reason: "import.error.damage_negative", Value: "-5"},
		{Row: 4, Column: "source", Reason: "import.error.source", Value: "police"},
		{Row: 4, Column: "registered_on", Reason: "import.error.date", Value: "2024-02-30"},
		{Row: 4, Column: "occurred_time", Reason: "import.error.time", Value: "9h"},
		{Row: 4, Column: "territory_code", Reason: "error.territory_code", Value: "4171120100000x"},
		{Row: 4, Column: "precinct_code", Reason: "import.error.precinct_unknown", Value: "41711201000000-P99"},
		{Row: 4, Column: "lat", Reason: "error.latlon_pair"},
		{Row: 4, Column: "place_type", Reason: "import.error.place_type", Value: "beach"},
		{Row: 4, Column: "damage_kgs", Reason: "import.error.number", Value: "12abc"},
		{Row: 5, Column: "occurred_on", Reason: "import.error.occurred_after_registered", Value: "2024-03-02"},
		{Row: 5, Column: "precinct_code", Reason: "import.error.precinct_name", Value: "P01"},
		{Row: 5, Column: "lat", Reason: "import.error.latlon_swapped", Value: "74.6"},
		{Row: 6, Column: "registered_on", Reason: "import.error.date_range", Value: "1949-12-31"},
		{Row: 6, Column: "occurred_time", Reason: "import.error.time_without_date", Value: "12:00"},
		{Row: 6, Column: "territory_code", Reason: "import.error.territory_unknown", Value: "41700000000000"},
		{Row: 6, Column: "lat", Reason: "error.lat_range", Value: "38.0"},
		{Row: 7, Column: "precinct_code", Reason: "import.error.precinct_territory", Value: "41711201000000-P01"},
	}
	if !reflect.DeepEqual(res.Errors, want) {
		t.Errorf("got\n%+v\nwant\n%+v", res.Errors, want)
	}
	if res.Rows != 6 || res.Accepted != 1 || res.Rejected != 5 {
		t.Errorf("got rows %d accepted %d rejected %d, want 6, 1, 5", res.Rows, res.Accepted, res.Rejected)
	}
	if len(sink.got) != 0 {
		t.Errorf("got %d records in the sink, want none: the import failed", len(sink.got))
	}
}

func TestRunRegistrationNumberNeverEchoed(t *testing.T) {
	long := strings.Repeat("9", 101)
	in := canonicalHeader + "\n" + strings.Replace(validRow(1), "KUI-0000001", long, 1) + "\n"
	res, _, _ := MustRun(t, in, testOptions())
	want := []importer.RowError{{Row: 2, Column: "registration_number", Reason: "import.error.registration_number"}}
	if !reflect.DeepEqual(res.Errors, want) {
		t.Errorf("got %+v, want %+v", res.Errors, want)
	}
}

func TestRunSkipBad(t *testing.T) {
	in := canonicalHeader + "\n" + validRow(1) + "\n" + ",crimes,theft,,2024-01-01,,,41711201000000,,,,,,\n" + validRow(2) + "\n"
	tests := []struct {
		name     string
		skipBad  bool
		wantErr  string
		wantSink int
	}{
		{"all or nothing", false, "import.error.rejected", 0},
		{"skip bad", true, "", 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := testOptions()
			opts.SkipBad = tt.skipBad
			res, sink, err := MustRun(t, in, opts)
			if got := aldyn.ErrorMessage(err); err != nil && got != tt.wantErr || err == nil && tt.wantErr != "" {
				t.Errorf("got error %v, want %q", err, tt.wantErr)
			}
			if len(sink.got) != tt.wantSink {
				t.Errorf("got %d records stored, want %d", len(sink.got), tt.wantSink)
			}
			if res.Rows != 3 || res.Accepted != 2 || res.Rejected != 1 || len(res.Errors) != 1 || res.Errors[0].Row != 3 {
				t.Errorf("got %+v, want 3 rows, 2 accepted, 1 rejected at row 3", res)
			}
		})
	}
}

func TestRunAllOrNothingStopsFeedingTheSink(t *testing.T) {
	// A bad row after several batches: the sink got the earlier batches
	// (the caller rolls them back) and nothing after the bad row.
	var b bytes.Buffer
	b.WriteString(canonicalHeader + "\n")
	for i := range 3000 {
		if i == 2500 {
			b.WriteString("KUI-bad,crimes,theft,,not a date,,,41711201000000,,,,,,\n")
			continue
		}
		b.WriteString(validRow(i) + "\n")
	}
	opts := testOptions()
	opts.BatchSize = 100
	res, sink, err := MustRun(t, b.String(), opts)
	if aldyn.ErrorMessage(err) != "import.error.rejected" {
		t.Fatalf("got %v, want import.error.rejected", err)
	}
	if len(sink.got) > 2500 {
		t.Errorf("got %d records stored, want at most the 2500 before the bad row", len(sink.got))
	}
	if res.Accepted != 2999 || res.Rejected != 1 {
		t.Errorf("got %d accepted %d rejected, want 2999 and 1", res.Accepted, res.Rejected)
	}
}

func TestRunIDs(t *testing.T) {
	otherKey := []byte("another-installation-secret-0001")
	id := importer.OffenseID(testKey, "crimes", "KUI-17")
	tests := []struct {
		name string
		got  string
		same bool
	}{
		{"same number", importer.OffenseID(testKey, "crimes", "KUI-17"), true},
		{"spaces and case", importer.OffenseID(testKey, "crimes", "  kui-17 "), true},
		{"another number", importer.OffenseID(testKey, "crimes", "KUI-18"), false},
		{"another register", importer.OffenseID(testKey, "offenses", "KUI-17"), false},
		{"another installation", importer.OffenseID(otherKey, "crimes", "KUI-17"), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if (tt.got == id) != tt.same {
				t.Errorf("got %s vs %s, want same=%v", tt.got, id, tt.same)
			}
		})
	}
	if len(id) != 64 || strings.Contains(id, "17") && strings.Contains(id, "KUI") {
		t.Errorf("got %q, want 64 hex digits", id)
	}
}

func TestRunReimportIsIdempotent(t *testing.T) {
	data := generateCSV(2000)
	first, sink1, err := MustRun(t, string(data), testOptions())
	if err != nil {
		t.Fatal(err)
	}
	second, sink2, err := MustRun(t, string(data), testOptions())
	if err != nil {
		t.Fatal(err)
	}
	if first.SHA256 != second.SHA256 || !reflect.DeepEqual(sink1.got, sink2.got) {
		t.Error("got different records or checksums for the same file")
	}
	ids := map[string]bool{}
	for _, o := range sink1.got {
		if ids[o.ID] {
			t.Fatalf("got ID %s twice in one import", o.ID)
		}
		ids[o.ID] = true
	}
	if len(ids) != 2000 {
		t.Errorf("got %d distinct IDs, want 2000", len(ids))
	}
}

func TestRunDuplicatesWithinFile(t *testing.T) {
	in := canonicalHeader + "\n" + validRow(1) + "\n" + validRow(2) + "\n" +
		strings.Replace(validRow(1), "KUI-0000001", " kui-0000001 ", 1) + "\n" + validRow(1) + "\n"
	res, sink, err := MustRun(t, in, testOptions())
	if err != nil {
		t.Fatal(err)
	}
	if res.Rows != 4 || res.Accepted != 2 || res.Duplicates != 2 || len(sink.got) != 2 {
		t.Errorf("got %+v with %d stored, want 4 rows, 2 accepted, 2 duplicates", res, len(sink.got))
	}
}

func TestRunFileErrors(t *testing.T) {
	tests := []struct {
		name string
		in   string
		key  string
	}{
		{"missing territory", "registration_number,category,registered_on\n1,theft,2024-01-01\n", "import.error.no_column"},
		{"missing category and article", "registration_number,registered_on,territory_code\n1,2024-01-01,41711201000000\n", "import.error.no_column"},
		{"duplicate column", "registration_number,category,registered_on,territory_code,Category\n", "import.error.duplicate_column"},
		{"empty", "", "import.error.empty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, sink, err := MustRun(t, tt.in, testOptions())
			if got := aldyn.ErrorMessage(err); got != tt.key {
				t.Errorf("got %v, want %q", err, tt.key)
			}
			if len(sink.got) != 0 {
				t.Errorf("got %d records stored, want none", len(sink.got))
			}
		})
	}
}

func TestRunKey(t *testing.T) {
	opts := testOptions()
	opts.Key = []byte("short")
	_, _, err := MustRun(t, canonicalHeader+"\n", opts)
	if aldyn.ErrorCode(err) != aldyn.EINTERNAL {
		t.Errorf("got %v, want EINTERNAL for a short key", err)
	}
}

func TestRunProfile(t *testing.T) {
	// A Russian-locale Excel export: semicolons, Windows-1251, day-first
	// dates, decimal commas, the register's own words.
	prof := importer.Profile{
		Name:   "ЕРП, выгрузка района",
		Source: importer.SourceCrimes,
		Columns: map[string]string{
			importer.FieldRegistrationNumber: "Рег. номер",
			importer.FieldCategory:           "Вид",
			importer.FieldArticle:            "Статья УК",
			importer.FieldRegisteredOn:       "Дата регистрации",
			importer.FieldTerritoryCode:      "СОАТЕ",
			importer.FieldLat:                "Широта",
			importer.FieldLon:                "Долгота",
			importer.FieldPlaceType:          "Место",
			importer.FieldDamageKGS:          "Ущерб",
		},
		DateFormats: []string{"D.M.YYYY"},
		Decimal:     ",",
		Categories:  map[string]string{"КРАЖА ЛИЧНОГО ИМУЩЕСТВА": importer.CategoryTheft},
		Articles:    map[string]string{"206": importer.CategoryRobbery},
		PlaceTypes:  map[string]string{"Подъезд": importer.PlaceDwelling},
	}
	text := "Рег. номер;Вид;Статья УК;Дата регистрации;СОАТЕ;Широта;Долгота;Место;Ущерб;Статья (наименование)\r\n" +
		"1;Кража личного имущества;205;01.03.2024;41711201000000;42,87;74,59;Подъезд;1 500,50;Кража\r\n" +
		"2;;ст. 206 ч.1;2.3.2024;41711201000000;;;улица;;Грабеж\r\n" +
		"3;;205-1;3.3.2024;41711201000000;;;;;Кража скота\r\n"
	sink := &memSink{}
	res, err := importer.Run(context.Background(), strings.NewReader(cp1251(t, text)), importer.CSV, prof, testOptions(), sink, testTerritories)
	if err != nil {
		t.Fatalf("got %v, want nil; errors %+v", err, res.Errors)
	}
	if res.Charset != "windows-1251" {
		t.Errorf("got charset %q, want windows-1251", res.Charset)
	}
	type brief struct {
		Category, Article, Place string
		Lat, Damage              float64
	}
	var got []brief
	for _, o := range sink.got {
		b := brief{Category: o.Category, Article: o.Article, Place: o.PlaceType}
		if o.Lat != nil {
			b.Lat = *o.Lat
		}
		if o.DamageKGS != nil {
			b.Damage = *o.DamageKGS
		}
		got = append(got, b)
	}
	want := []brief{
		{"theft", "205", "dwelling", 42.87, 1500.5},
		{"robbery", "206", "street", 0, 0},
		{"theft", "205-1", "other", 0, 0},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v, want %+v", got, want)
	}
}

func TestRunJSONL(t *testing.T) {
	in := `{"registration_number": "A-1", "source": "crimes", "category": "fraud", "registered_on": "2024-01-10", "territory_code": "41711201000000", "lat": 42.8, "lon": 74.6, "solved": false}
{"registration_number": "A-2", "source": "crimes", "category": "fraud", "registered_on": "2024-01-10", "territory_code": 41711201000000}
{broken
`
	sink := &memSink{}
	opts := testOptions()
	opts.SkipBad = true
	res, err := importer.Run(context.Background(), strings.NewReader(in), importer.JSONL, importer.DefaultProfile(), opts, sink, testTerritories)
	if err != nil {
		t.Fatal(err)
	}
	if len(sink.got) != 2 || *sink.got[0].Lat != 42.8 || sink.got[1].TerritoryCode != "41711201000000" {
		t.Errorf("got %+v, want two records", sink.got)
	}
	want := []importer.RowError{{Row: 3, Reason: "import.error.json"}}
	if !reflect.DeepEqual(res.Errors, want) {
		t.Errorf("got %+v, want %+v", res.Errors, want)
	}
}

func TestRunXLSX(t *testing.T) {
	data := MustXLSX(t, [][]any{
		{"registration_number", "category", "registered_on", "occurred_on", "occurred_time", "territory_code", "damage_kgs"},
		{"X-1", "theft", 45356, 45355.5, nil, "41711201000000", 1200},
		{"X-2", "theft", "2024-03-05", nil, nil, 41711201000000, nil},
		{"X-3", "theft", 45356, 45356, 0.25, "41711201000000", nil},
	})
	sink := &memSink{}
	prof := importer.DefaultProfile()
	prof.Source = importer.SourceCrimes // the file has no source column
	res, err := importer.Run(context.Background(), bytes.NewReader(data), importer.XLSX, prof, testOptions(), sink, testTerritories)
	if err != nil {
		t.Fatalf("got %v, want nil; errors %+v", err, res.Errors)
	}
	mar5 := time.Date(2024, 3, 5, 0, 0, 0, 0, time.UTC)
	if len(sink.got) != 3 {
		t.Fatalf("got %d records, want 3", len(sink.got))
	}
	if o := sink.got[0]; !o.RegisteredOn.Equal(mar5) || !o.OccurredAt.Date.Equal(mar5.AddDate(0, 0, -1)) || o.OccurredAt.TimeOfDay != 12*time.Hour || *o.DamageKGS != 1200 {
		t.Errorf("got %+v, want registered 2024-03-05, occurred 2024-03-04 12:00, damage 1200", o)
	}
	if o := sink.got[2]; !o.OccurredAt.HasTime || o.OccurredAt.TimeOfDay != 6*time.Hour {
		t.Errorf("got %+v, want occurred at 06:00", o.OccurredAt)
	}
	if res.Bytes != int64(len(data)) {
		t.Errorf("got %d bytes read, want %d", res.Bytes, len(data))
	}
}

func TestRunSinkError(t *testing.T) {
	sink := &memSink{failAt: 1}
	_, err := importer.Run(context.Background(), bytes.NewReader(generateCSV(10)), importer.CSV, importer.DefaultProfile(), testOptions(), sink, testTerritories)
	if err == nil || !strings.Contains(err.Error(), "sink full") {
		t.Errorf("got %v, want the sink's error", err)
	}
}

func TestRunCanceled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := importer.Run(ctx, bytes.NewReader(generateCSV(5000)), importer.CSV, importer.DefaultProfile(), testOptions(), &memSink{}, testTerritories)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("got %v, want context.Canceled", err)
	}
}

func TestRunErrorCapAndProgress(t *testing.T) {
	var b strings.Builder
	b.WriteString(canonicalHeader + "\n")
	for range 30 {
		b.WriteString(",crimes,theft,,2024-01-01,,,41711201000000,,,,,,\n")
	}
	opts := testOptions()
	opts.MaxRowErrors = 10
	var lastRows, lastBytes int64
	opts.Progress = func(rows, bytes int64) { lastRows, lastBytes = rows, bytes }
	res, _, _ := MustRun(t, b.String(), opts)
	if len(res.Errors) != 10 || res.ErrorsOmitted != 20 || res.Rejected != 30 {
		t.Errorf("got %d errors kept, %d omitted, %d rejected; want 10, 20, 30", len(res.Errors), res.ErrorsOmitted, res.Rejected)
	}
	if lastRows != 30 || lastBytes != int64(b.Len()) {
		t.Errorf("got last progress %d rows %d bytes, want 30 and %d", lastRows, lastBytes, b.Len())
	}
}

func TestRunDryRunWithoutTerritories(t *testing.T) {
	// Without a lookup only the shape of codes is checked.
	in := canonicalHeader + "\n" + strings.Replace(validRow(1), "41711201000000,41711201000000-P01", "41799999000000,41799999000000-X", 1) + "\n"
	res, err := importer.Run(context.Background(), strings.NewReader(in), importer.CSV, importer.DefaultProfile(), testOptions(), importer.Discard, nil)
	if err != nil || res.Accepted != 1 {
		t.Errorf("got %v and %+v, want 1 accepted", err, res)
	}
}

// TestRunXLSXNumbers: a workbook's numeric cells are numbers, whatever the
// profile's decimal separator says about text: with a decimal comma,
// 42.86069 is a latitude, not 4 286 069, and 1500.5 som is not 15 005.
// Text cells still follow the profile.
func TestRunXLSXNumbers(t *testing.T) {
	prof := importer.DefaultProfile()
	prof.Decimal = ","
	data := MustXLSX(t, [][]any{
		{"registration_number", "source", "category", "registered_on", "territory_code", "lat", "lon", "damage_kgs"},
		{"X-1", "crimes", "theft", "2024-03-01", "41711201000000", 42.86069, 74.60121, 1500.5},
		{"X-2", "crimes", "theft", "2024-03-01", "41711201000000", "42,87", "74,59", "2 000,25"},
		{"X-3", "crimes", "theft", "2024-03-01", "41711201000000", 42.8, 74.6, 1.5e15},
	})
	sink := &memSink{}
	res, err := importer.Run(context.Background(), bytes.NewReader(data), importer.XLSX, prof, testOptions(), sink, testTerritories)
	if err != nil {
		t.Fatalf("got %v, want nil; errors %+v", err, res.Errors)
	}
	type brief struct{ Lat, Lon, Damage float64 }
	var got []brief
	for _, o := range sink.got {
		got = append(got, brief{*o.Lat, *o.Lon, *o.DamageKGS})
	}
	want := []brief{{42.86069, 74.60121, 1500.5}, {42.87, 74.59, 2000.25}, {42.8, 74.6, 1.5e15}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v, want %+v", got, want)
	}
}

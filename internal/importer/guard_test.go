package importer_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/importer"
)

// withColumn adds a column to a canonical file: its header, and value(i)
// in data row i (0-based).
func withColumn(rows int, header string, value func(i int) string) string {
	var b strings.Builder
	b.WriteString(canonicalHeader + "," + header + "\n")
	for i := range rows {
		b.WriteString(validRow(i) + "," + value(i) + "\n")
	}
	return b.String()
}

func TestRunRefusesPersonalData(t *testing.T) {
	plain := func(i int) string { return fmt.Sprintf("R%d", i) }
	tests := []struct {
		name   string
		in     string
		column string
		row    int
		reason string
		secret string // must not appear in the error
	}{
		{"PIN-shaped column", withColumn(10, "ref", func(i int) string {
			if i == 4 {
				return "21501199012345"
			}
			return plain(i)
		}), "ref", 6, importer.GuardPIN, "21501199012345"},
		{"phone column", withColumn(10, "contact", func(i int) string { return fmt.Sprintf("+996 555 12%02d 34", i) }),
			"contact", 2, importer.GuardPhone, "+996 555"},
		{"national phone", withColumn(3, "ref_code", func(i int) string { return "0555 123 456" }),
			"ref_code", 2, importer.GuardPhone, "0555"},
		{"name header ky", withColumn(3, "Аты-жөнү", plain), "Аты-жөнү", 1, importer.GuardNameHeader, ""},
		{"name header ru", withColumn(3, "ФИО", plain), "ФИО", 1, importer.GuardNameHeader, ""},
		{"name header en", withColumn(3, "Last Name", plain), "Last Name", 1, importer.GuardNameHeader, ""},
		{"address header", withColumn(3, "Адрес происшествия", plain), "Адрес происшествия", 1, importer.GuardAddress, ""},
		{"phone header", withColumn(3, "Телефон", plain), "Телефон", 1, importer.GuardPhoneHeader, ""},
		{"narrative text", withColumn(20, "circumstances", func(i int) string {
			return fmt.Sprintf("Гражданин %d вечером возле магазина отобрал у потерпевшей сумку и скрылся", i)
		}), "circumstances", 2, importer.GuardFreeText, "сумку"},
		{"file without a header", validRow(1) + ",21501199012345\n" + validRow(2) + ",21501199012346\n",
			"column 15", 1, importer.GuardPIN, "21501199012345"},
		{"PIN in a mapped column", canonicalHeader + "\n" + validRow(1) + "\n" +
			strings.Replace(validRow(2), "KUI-0000002", "21501199012345", 1) + "\n", "registration_number", 3, importer.GuardPIN, "21501199012345"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := testOptions()
			opts.SkipBad = true // the guard does not care
			_, sink, err := MustRun(t, tt.in, opts)
			var r *importer.Refusal
			if !errors.As(err, &r) {
				t.Fatalf("got %v, want a refusal", err)
			}
			if r.Column != tt.column || r.Row != tt.row || r.Reason != tt.reason {
				t.Errorf("got column %q row %d reason %q, want %q %d %q", r.Column, r.Row, r.Reason, tt.column, tt.row, tt.reason)
			}
			if aldyn.ErrorCode(err) != aldyn.EINVALID || aldyn.ErrorMessage(err) != tt.reason {
				t.Errorf("got code %q message %q, want invalid %q", aldyn.ErrorCode(err), aldyn.ErrorMessage(err), tt.reason)
			}
			if tt.secret != "" && strings.Contains(err.Error(), tt.secret) {
				t.Errorf("the error %q repeats the personal data", err)
			}
			if len(sink.got) != 0 {
				t.Errorf("got %d records stored, want none: small files are checked before anything is stored", len(sink.got))
			}
		})
	}
}

func TestRunAcceptsLookalikes(t *testing.T) {
	// Columns that look numeric but are not personal: an article title that
	// repeats, long coordinates, a street-level place column.
	in := withColumn(30, "article_title,street,precise_lat", func(i int) string {
		return "Нарушение правил дорожного движения и эксплуатации транспортных средств,Чуй проспектиси,42.87462187462187"
	})
	res, _, err := MustRun(t, in, testOptions())
	if err != nil || res.Accepted != 30 {
		t.Errorf("got %v and %d accepted, want all 30", err, res.Accepted)
	}
}

func TestRunFindsPINInRow50000(t *testing.T) {
	// The sink has long been fed when the PIN turns up: Run must still
	// refuse, and the caller rolls back.
	const rows = 50_000
	in := withColumn(rows-1, "extra_ref", func(i int) string {
		if i == rows-2 { // file row 50,000: the header is row 1
			return "ref 12902200000001"
		}
		return fmt.Sprintf("R%d", i)
	})
	res, sink, err := MustRun(t, in, testOptions())
	var r *importer.Refusal
	if !errors.As(err, &r) || r.Row != rows || r.Column != "extra_ref" || r.Reason != importer.GuardPIN {
		t.Fatalf("got %v, want a PIN refusal of extra_ref at row %d", err, rows)
	}
	if len(sink.got) == 0 {
		t.Error("got nothing stored before the refusal; the test no longer shows that late rows are checked after writes began")
	}
	if res.Rows != rows-1 {
		t.Errorf("got %d rows read, want %d", res.Rows, rows-1)
	}
}

func TestRunJSONLNestedName(t *testing.T) {
	in := `{"registration_number": "A-1", "category": "theft", "registered_on": "2024-01-10", "territory_code": "41711201000000"}
{"registration_number": "A-2", "category": "theft", "registered_on": "2024-01-10", "territory_code": "41711201000000", "victim": {"name": "x"}}
`
	prof := importer.DefaultProfile()
	prof.Source = importer.SourceCrimes
	_, err := importer.Run(context.Background(), strings.NewReader(in), importer.JSONL, prof, testOptions(), &memSink{}, testTerritories)
	var r *importer.Refusal
	if !errors.As(err, &r) || r.Column != "victim.name" || r.Row != 2 || r.Reason != importer.GuardNameHeader {
		t.Errorf("got %v, want a name refusal of victim.name at line 2", err)
	}
}

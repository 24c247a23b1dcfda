package importer_test

import (
	"context"
	"errors"
	"math"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/importer"
)

// FuzzRun feeds arbitrary bytes to a CSV import (go test -fuzz=FuzzRun).
// Whatever the input, Run must not panic, its counts must add up, and the
// sink may only ever have received valid, distinct records free of
// personal data; the caller discards them when Run fails.
func FuzzRun(f *testing.F) {
	f.Add([]byte(canonicalHeader+"\n"+validRow(1)+"\n"+validRow(2)+"\n"), false)
	f.Add([]byte(canonicalHeader+"\n"+validRow(1)+"\n,crimes,thft,,2030-01-01,,,123,,,,,maybe,-5\n"+validRow(1)+"\n"), true)
	f.Add([]byte(strings.ReplaceAll(canonicalHeader+"\r\n"+validRow(3)+"\r\n", ",", ";")), false)
	f.Add([]byte(canonicalHeader+",ref\n"+validRow(1)+",21501199012345\n"), true)
	f.Add([]byte(canonicalHeader+",ФИО\n"+validRow(1)+",x\n"), true)
	f.Add([]byte("registration_number,category,registered_on,territory_code\n\"a\nb\",theft,05.03.2024,41711201000000\n\"open"), true)
	f.Add([]byte("\xef\xbb\xbfregistration_number;source;article;registered_on;territory_code;lat;lon\n1;crimes;ст. 205;1.3.2024;41711201000000;42,8;74,6\n"), false)
	f.Add([]byte("registration_number,source,category,registered_on,territory_code\n\xca\xf0\xe0\xe6\xe0,crimes,\xca\xf0\xe0\xe6\xe0,2024-01-01,41711201000000\n"), true)
	f.Add([]byte(""), false)
	f.Fuzz(func(t *testing.T, data []byte, skipBad bool) {
		sink := &memSink{}
		opts := testOptions()
		opts.SkipBad = skipBad
		opts.BatchSize = 3 // many batches, to see what reaches the sink before a failure
		res, err := importer.Run(context.Background(), strings.NewReader(string(data)), importer.CSV, importer.DefaultProfile(), opts, sink, testTerritories)

		var refusal *importer.Refusal
		rejectedErr := aldyn.ErrorMessage(err) == "import.error.rejected"
		done := err == nil || rejectedErr
		if sum := res.Accepted + res.Rejected + res.Duplicates; done && sum != res.Rows || sum > res.Rows {
			t.Fatalf("counts: %+v", res)
		}
		if int64(len(res.Errors))+res.ErrorsOmitted < res.Rejected {
			t.Fatalf("%d rejected rows but %d errors", res.Rejected, len(res.Errors))
		}
		if rejectedErr != (!skipBad && res.Rejected > 0 && done) {
			t.Fatalf("got %v with %d rejected rows, skipBad %v", err, res.Rejected, skipBad)
		}
		if err == nil && int64(len(sink.got)) != res.Accepted {
			t.Fatalf("stored %d, accepted %d", len(sink.got), res.Accepted)
		}
		if int64(len(sink.got)) > res.Accepted && !errors.As(err, &refusal) {
			t.Fatalf("stored %d, more than the %d accepted", len(sink.got), res.Accepted)
		}
		for _, e := range res.Errors {
			if r := importer.ValueReason(e.Value, testNow.Year()) + importer.ValueReason(e.Column, testNow.Year()); r != "" {
				t.Fatalf("row error %+v echoes a value the guard objects to (%s)", e, r)
			}
			if utf8.RuneCountInString(e.Value) > 61 {
				t.Fatalf("row error value not shortened: %q", e.Value)
			}
		}
		seen := map[string]bool{}
		for _, o := range sink.got {
			checkStored(t, o)
			if seen[o.ID] {
				t.Fatalf("ID %s stored twice", o.ID)
			}
			seen[o.ID] = true
		}
	})
}

// checkStored fails unless o is a record Run may hand to a sink.
func checkStored(tb testing.TB, o importer.Offense) {
	tb.Helper()
	today := time.Date(testNow.Year(), testNow.Month(), testNow.Day(), 0, 0, 0, 0, time.UTC)
	bad := func(what string) { tb.Fatalf("stored record with %s: %+v", what, o) }
	if len(o.ID) != 64 || strings.Trim(o.ID, "0123456789abcdef") != "" {
		bad("a malformed ID")
	}
	if o.Source != importer.SourceCrimes && o.Source != importer.SourceOffenses {
		bad("an unknown source")
	}
	if !importer.ValidCategory(o.Category) {
		bad("an unknown category")
	}
	if o.Article != "" && importer.NormalizeArticle(o.Article) != o.Article {
		bad("an unnormalized article")
	}
	if !testTerritories.TerritoryExists(o.TerritoryCode) {
		bad("an unknown territory")
	}
	if _, within := testTerritories.PrecinctWithin(o.PrecinctCode, o.TerritoryCode); o.PrecinctCode != "" && !within {
		bad("a precinct outside its territory")
	}
	if o.RegisteredOn.After(today) || o.RegisteredOn.Year() < 1950 {
		bad("a registration date out of range")
	}
	if !o.OccurredAt.Date.IsZero() && o.OccurredAt.Date.After(o.RegisteredOn) || o.OccurredAt.HasTime && o.OccurredAt.Date.IsZero() {
		bad("an impossible occurrence")
	}
	if o.OccurredAt.TimeOfDay < 0 || o.OccurredAt.TimeOfDay >= 24*time.Hour {
		bad("a time of day out of range")
	}
	if (o.Lat == nil) != (o.Lon == nil) || o.Lat != nil && (*o.Lat < aldyn.MinLat || *o.Lat > aldyn.MaxLat || *o.Lon < aldyn.MinLon || *o.Lon > aldyn.MaxLon) {
		bad("coordinates outside Kyrgyzstan")
	}
	if o.DamageKGS != nil && (*o.DamageKGS < 0 || math.IsInf(*o.DamageKGS, 0) || math.IsNaN(*o.DamageKGS)) {
		bad("a negative damage")
	}
	switch o.PlaceType {
	case "street", "dwelling", "public_transport", "shop", "school", "other":
	default:
		bad("an unknown place type")
	}
	for _, s := range []string{o.Article, o.TerritoryCode, o.PrecinctCode} {
		if importer.ValueReason(s, testNow.Year()) != "" {
			bad("personal data")
		}
	}
}

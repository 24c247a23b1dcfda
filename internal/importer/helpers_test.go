package importer_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aldyn-kg/aldyn/internal/importer"
)

var (
	testKey         = []byte("test-installation-secret-32-byte")
	testNow         = time.Date(2024, 6, 1, 12, 0, 0, 0, time.UTC)
	testTerritories = importer.CodeSet{
		Territories: map[string]string{
			"41711201000000": "/41700000000000/41711000000000/41711201000000/",
			"41708203000000": "/41700000000000/41708000000000/41708203000000/",
			"41705214000000": "/41700000000000/41705000000000/41705214000000/",
		},
		Precincts: map[string]string{"41711201000000-P01": "/41700000000000/41711000000000/41711201000000/41711201000000-P01/"},
	}
)

// memSink keeps copies of what Run hands it; only tests use it, to see what
// an import would have written.
type memSink struct {
	got     []importer.Offense
	batches int
	failAt  int // fail the n-th Add when > 0
}

func (s *memSink) Add(_ context.Context, batch []importer.Offense) error {
	s.batches++
	if s.failAt > 0 && s.batches == s.failAt {
		return fmt.Errorf("sink full")
	}
	s.got = append(s.got, batch...)
	return nil
}

func testOptions() importer.Options {
	return importer.Options{Key: testKey, Now: func() time.Time { return testNow }}
}

// MustRun imports a CSV text with the default profile.
func MustRun(tb testing.TB, csv string, opts importer.Options) (importer.Result, *memSink, error) {
	tb.Helper()
	sink := &memSink{}
	res, err := importer.Run(context.Background(), strings.NewReader(csv), importer.CSV, importer.DefaultProfile(), opts, sink, testTerritories)
	return res, sink, err
}

const canonicalHeader = "registration_number,source,category,article,registered_on,occurred_on,occurred_time,territory_code,precinct_code,lat,lon,place_type,solved,damage_kgs"

// validRow is a good canonical row whose registration number is n.
func validRow(n int) string {
	return fmt.Sprintf("KUI-%07d,crimes,theft,205,2024-03-%02d,2024-03-01,14:30,41711201000000,41711201000000-P01,42.87,74.59,street,1,1500.50", n, 1+n%28)
}

// generateCSV writes a canonical file of n good rows.
func generateCSV(n int) []byte {
	var b bytes.Buffer
	b.WriteString(canonicalHeader + "\n")
	for i := range n {
		b.WriteString(validRow(i))
		b.WriteByte('\n')
	}
	return b.Bytes()
}

func errorsAs(err error, target any) bool { return errors.As(err, target) }

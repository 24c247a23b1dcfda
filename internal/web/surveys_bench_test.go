package web_test

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aldyn-kg/aldyn"
)

// BenchmarkSurveySubmissions posts 500 web-form responses at once to the
// standard survey and reports the 99th percentile of their latency; every
// response must be stored (none lost).
func BenchmarkSurveySubmissions(b *testing.B) {
	f := mustFixture(b)
	ctx := context.Background()
	sv := mustRunningSurvey(b, f, "bench-2026", aldyn.OnePerNone)
	form := url.Values{"district": {codeA}, "sex": {"f"}, "age_group": {"25-34"}, "settlement_type": {"rural"}, "safe_day": {"very_safe"},
		"safe_night": {"rather_unsafe"}, "victim_12m": {"none"}, "domestic_violence": {"no"}, "trust_police": {"rather_trust"},
		"trust_courts": {"neutral"}, "trust_prosecutors": {"neutral"}, "trust_lsg": {"neutral"}, "trust_ayil_okmotu": {"neutral"}, "inspector_known": {"no"}}
	body := form.Encode()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 500}, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	const n = 500
	var all []time.Duration
	sent := 0
	for b.Loop() {
		lat := make([]time.Duration, n)
		var wg sync.WaitGroup
		errs := make(chan error, n)
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				start := time.Now()
				resp, err := client.Post(f.srv.URL+"/surveys/bench-2026", "application/x-www-form-urlencoded", strings.NewReader(body))
				if err != nil {
					errs <- err
					return
				}
				resp.Body.Close()
				lat[i] = time.Since(start)
				if resp.StatusCode != http.StatusSeeOther {
					errs <- &statusError{resp.StatusCode}
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			b.Fatal(err)
		}
		sent += n
		all = append(all, lat...)
	}
	_, total, err := f.db.FindResponses(ctx, aldyn.ResponseFilter{SurveyID: sv.ID})
	if err != nil || total != sent {
		b.Fatalf("stored %d responses of %d sent (%v)", total, sent, err)
	}
	slices.Sort(all)
	b.ReportMetric(float64(all[len(all)*99/100].Microseconds())/1000, "p99-ms")
	b.ReportMetric(float64(all[len(all)/2].Microseconds())/1000, "p50-ms")
}

type statusError struct{ code int }

func (e *statusError) Error() string { return http.StatusText(e.code) }

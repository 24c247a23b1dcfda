package web_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/aldyn-kg/aldyn"
)

// offenseRows makes n CSV rows of one category at one place and time.
func offenseRows(prefix, category, territory, lat, lon string, n int) string {
	var b strings.Builder
	for i := range n {
		b.WriteString(prefix + "-" + string(rune('a'+i/26)) + string(rune('a'+i%26)) + ",crimes," + category + ",2024-03-05,2024-03-04,10:00," + territory + "," + lat + "," + lon + ",street,0\n")
	}
	return b.String()
}

const offenseHeader = "registration_number,source,category,registered_on,occurred_on,occurred_time,territory_code,lat,lon,place_type,solved\n"

type hotspotCounts struct {
	Features []struct {
		Properties struct {
			Count int `json:"count"`
		} `json:"properties"`
	} `json:"features"`
}

func (h hotspotCounts) total() (n int) {
	for _, f := range h.Features {
		n += f.Properties.Count
	}
	return n
}

// TestStatsCache: statistics answers are kept until the data they are
// computed from changes, and never cross from one actor to another who
// would be given a different answer.
func TestStatsCache(t *testing.T) {
	f := mustFixture(t)
	mustImportOffenses(t, f, offenseHeader+offenseRows("A", "theft", codeA, "42.90", "74.60", 3)+offenseRows("B", "theft", codeB, "40.90", "73.00", 2))
	const counts = "/api/v1/stats/counts?by=category"

	t.Run("an import changes the answer", func(t *testing.T) {
		var before, again, after countsBody
		mustGetJSON(t, f, analystA, counts, http.StatusOK, &before)
		mustGetJSON(t, f, analystA, counts, http.StatusOK, &again)
		if before.Total != 3 || again.Total != 3 {
			t.Fatalf("before the import: totals %d and %d, want 3", before.Total, again.Total)
		}
		mustImportOffenses(t, f, offenseHeader+offenseRows("A2", "theft", codeA, "42.90", "74.60", 4))
		mustGetJSON(t, f, analystA, counts, http.StatusOK, &after)
		if after.Total != 7 {
			t.Errorf("after importing 4 more: total %d, want 7", after.Total)
		}
	})

	t.Run("actors of other territories do not share answers", func(t *testing.T) {
		var a, b countsBody
		mustGetJSON(t, f, analystA, counts, http.StatusOK, &a)
		mustGetJSON(t, f, "analystB", counts, http.StatusOK, &b)
		if a.Total != 7 || b.Total != 2 {
			t.Errorf("same request: analyst A total %d (want 7), analyst B total %d (want 2)", a.Total, b.Total)
		}
		// Out of scope stays out of scope, though the answer is kept.
		mustGetJSON(t, f, analystA, counts+"&territory="+codeA, http.StatusOK, nil)
		mustGetJSON(t, f, "analystB", counts+"&territory="+codeA, http.StatusNotFound, nil)
	})

	t.Run("roles of one territory do not share answers", func(t *testing.T) {
		// Six rape records in one cell: at least the minimum cell count
		// (5), so an analyst's map counts them and a coordinator's never.
		mustImportOffenses(t, f, offenseHeader+offenseRows("S", "rape", codeA, "42.95", "74.65", 6))
		const hot = "/api/v1/stats/hotspots?cell_m=1000&bbox=74.5,42.8,74.8,43.0"
		var an, co hotspotCounts
		mustGetJSON(t, f, analystA, hot, http.StatusOK, &an)
		mustGetJSON(t, f, coordinator, hot, http.StatusOK, &co)
		if an.total() != 7+6 || co.total() != 7 {
			t.Errorf("same request: analyst counts %d (want 13), coordinator %d (want 7, no sensitive records)", an.total(), co.total())
		}
		// Points reach analysts only, whoever asked first.
		const points = "/api/v1/stats/points?bbox=74.5,42.8,74.8,43.0"
		mustGetJSON(t, f, analystA, points, http.StatusOK, nil)
		mustGetJSON(t, f, reporterA, points, http.StatusForbidden, nil)
		mustGetJSON(t, f, coordinator, points, http.StatusForbidden, nil)

		// A higher minimum cell count hides them from the analyst too.
		resp := f.do(t, adminKG, "PUT", "/api/v1/stats/disclosure", "application/json", `{"min_cell_count":8}`)
		if body := readBody(t, resp); resp.StatusCode != http.StatusOK {
			t.Fatalf("PUT minimum: status %d: %s", resp.StatusCode, body)
		}
		mustGetJSON(t, f, analystA, hot, http.StatusOK, &an)
		if an.total() != 7 {
			t.Errorf("after raising the minimum to 8: analyst counts %d, want 7", an.total())
		}
	})

	t.Run("new populations change the rates", func(t *testing.T) {
		const rates = "/api/v1/stats/counts?by=territory,year&depth=district&territory=" + codeA
		rate := func() float64 {
			t.Helper()
			var c countsBody
			mustGetJSON(t, f, analystA, rates, http.StatusOK, &c)
			for _, r := range c.Rows {
				if r.TerritoryCode == codeA && r.Year == 2024 && r.Rate != nil {
					return *r.Rate
				}
			}
			t.Fatalf("no 2024 rate of %s: %+v", codeA, c.Rows)
			return 0
		}
		before := rate()
		if _, err := f.db.ImportPopulations(context.Background(), aldyn.System, []aldyn.Population{{TerritoryCode: codeA, Year: 2024, Population: 10}}, []int{2}); err != nil {
			t.Fatal(err)
		}
		if after := rate(); after == before {
			t.Errorf("after a population of 10: rate still %v, want it changed", after)
		}
	})

	t.Run("kept gzipped, served plain to clients without gzip", func(t *testing.T) {
		mustImportOffenses(t, f, offenseHeader+offenseRows("P", "fraud", codeA, "42.91", "74.61", 30))
		const path = "/api/v1/stats/points?bbox=74.5,42.8,74.8,43.0"
		resp, gz := f.get(t, analystA, path, map[string]string{"Accept-Encoding": "gzip"})
		if resp.Header.Get("Content-Encoding") != "gzip" {
			t.Fatalf("gzip client: Content-Encoding %q, want gzip", resp.Header.Get("Content-Encoding"))
		}
		resp, plain := f.get(t, analystA, path, map[string]string{"Accept-Encoding": "identity"})
		if resp.Header.Get("Content-Encoding") != "" || !strings.Contains(resp.Header.Get("Vary"), "Accept-Encoding") {
			t.Errorf("plain client: Content-Encoding %q, Vary %q; want none and Accept-Encoding", resp.Header.Get("Content-Encoding"), resp.Header.Get("Vary"))
		}
		if got := gunzip(t, gz); string(got) != string(plain) || !strings.Contains(string(plain), `"fraud"`) {
			t.Errorf("gzipped answer inflates to %d bytes, plain answer %d bytes; want the same answer", len(got), len(plain))
		}
	})

	t.Run("languages do not share answers", func(t *testing.T) {
		name := func(lang string) string {
			t.Helper()
			_, body := f.getAs(t, analystA, lang, counts)
			return body
		}
		if ru, en := name("ru"), name("en"); ru == en {
			t.Errorf("Russian and English answers are the same: %.200s", ru)
		}
	})
}

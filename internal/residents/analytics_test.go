package residents

import (
	"testing"
	"time"

	"github.com/aldyn-kg/aldyn"
)

func day(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestMedian(t *testing.T) {
	for _, c := range []struct {
		in   []time.Duration
		want time.Duration
		ok   bool
	}{
		{nil, 0, false},
		{[]time.Duration{5 * time.Hour}, 5 * time.Hour, true},
		{[]time.Duration{9 * time.Hour, time.Hour, 3 * time.Hour}, 3 * time.Hour, true},
		{[]time.Duration{10 * time.Hour, time.Hour, 3 * time.Hour, 4 * time.Hour}, 3*time.Hour + 30*time.Minute, true},
	} {
		got, ok := Median(c.in)
		if got != c.want || ok != c.ok {
			t.Errorf("Median(%v) = %v, %v; want %v, %v", c.in, got, ok, c.want, c.ok)
		}
	}
}

// TestSummarize sums five reports of two bodies at a fixed now: exact
// volumes, medians and shares on time.
func TestSummarize(t *testing.T) {
	now := day("2026-06-20").Add(12 * time.Hour)
	at := func(s string, h int) *time.Time { v := day(s).Add(time.Duration(h) * time.Hour); return &v }
	dup := int64(1)
	rs := []*aldyn.ResidentReport{
		// Body 1: answered after 2 days, in time; answered after 6 days, late;
		// open and past its due day (counted, late).
		{BodyID: 1, Status: aldyn.ResidentAnswered, CreatedAt: day("2026-06-01"), AnsweredAt: at("2026-06-03", 0), DueOn: day("2026-06-05")},
		{BodyID: 1, Status: aldyn.ResidentRejected, CreatedAt: day("2026-06-01"), AnsweredAt: at("2026-06-07", 0), DueOn: day("2026-06-05")},
		{BodyID: 1, Status: aldyn.ResidentInProgress, CreatedAt: day("2026-06-02"), DueOn: day("2026-06-10")},
		// Body 2: answered after 12 hours on its due day (in time); open,
		// not yet due (not counted).
		{BodyID: 2, Status: aldyn.ResidentReferred, CreatedAt: day("2026-06-10"), AnsweredAt: at("2026-06-10", 12), DueOn: day("2026-06-10")},
		{BodyID: 2, Status: aldyn.ResidentReceived, CreatedAt: day("2026-06-19"), DueOn: day("2026-07-01")},
		// A merged duplicate counts nowhere.
		{BodyID: 2, Status: aldyn.ResidentReceived, CreatedAt: day("2026-06-19"), DueOn: day("2026-06-01"), DuplicateOf: &dup},
	}
	all, groups := Summarize(rs, now, func(r *aldyn.ResidentReport) string { return map[int64]string{1: "b1", 2: "b2"}[r.BodyID] })
	check := func(name string, f Figures, reports, answered, counted, onTime int, median float64) {
		t.Helper()
		if f.Reports != reports || f.Answered != answered || f.Counted != counted || f.OnTime != onTime {
			t.Errorf("%s: got reports %d answered %d counted %d on time %d, want %d %d %d %d", name, f.Reports, f.Answered, f.Counted, f.OnTime, reports, answered, counted, onTime)
		}
		if f.MedianDays == nil || *f.MedianDays != median {
			t.Errorf("%s: median %v, want %v", name, f.MedianDays, median)
		}
	}
	// Waits 2, 6 and 0.5 days: median 2.
	check("all", all, 5, 3, 4, 2, 2)
	if len(groups) != 2 || groups[0].Key != "b1" || groups[1].Key != "b2" {
		t.Fatalf("groups %+v", groups)
	}
	check("b1", groups[0], 3, 2, 3, 1, 4) // median of 2 and 6 days
	check("b2", groups[1], 2, 1, 1, 1, 0.5)
	if s, ok := groups[0].OnTimeShare(); !ok || s != 1.0/3 {
		t.Errorf("b1 share %v %v, want 1/3", s, ok)
	}
	if _, ok := (Figures{}).OnTimeShare(); ok {
		t.Error("a share of nothing counted")
	}
	if _, groups := Summarize(nil, now, nil); len(groups) != 0 {
		t.Errorf("groups of nothing: %v", groups)
	}
}

func TestWindows(t *testing.T) {
	qf, qt, yf, yt := Windows(time.Date(2026, 12, 6, 16, 0, 0, 0, time.UTC))
	for _, c := range []struct {
		got  time.Time
		want string
	}{{qf, "2026-07-01"}, {qt, "2026-10-01"}, {yf, "2025-12-07"}, {yt, "2026-12-07"}} {
		if c.got != day(c.want) {
			t.Errorf("got %v, want %s", c.got, c.want)
		}
	}
	if qf, qt, _, _ := Windows(time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)); qf != day("2025-10-01") || qt != day("2026-01-01") {
		t.Errorf("Q4 of the year before: %v %v", qf, qt)
	}
}

// TestInPrecinctAndCount keeps the reports made in the precinct or with a
// point in its square, and counts them by category and status.
func TestInPrecinctAndCount(t *testing.T) {
	square := []byte(`{"type":"Polygon","coordinates":[[[74,42],[75,42],[75,43],[74,43],[74,42]]]}`)
	f := func(v float64) *float64 { return &v }
	dup := int64(9)
	rs := []*aldyn.ResidentReport{
		{ID: 1, CategoryID: 7, Status: aldyn.ResidentReceived, TerritoryPath: "/kg/d/p/"},                           // made in the precinct
		{ID: 2, CategoryID: 7, Status: aldyn.ResidentAnswered, TerritoryPath: "/kg/d/", Lat: f(42.5), Lon: f(74.5)}, // pin inside
		{ID: 3, CategoryID: 3, Status: aldyn.ResidentAnswered, TerritoryPath: "/kg/d/", Lat: f(41.5), Lon: f(74.5), // pin outside,
			PublicLat: f(42.5), PublicLon: f(74.5)}, // public point inside: the pin decides
		{ID: 4, CategoryID: 3, Status: aldyn.ResidentRejected, TerritoryPath: "/kg/d/", PublicLat: f(42.1), PublicLon: f(74.9)}, // public point inside
		{ID: 5, CategoryID: 3, Status: aldyn.ResidentReceived, TerritoryPath: "/kg/d/"},                                         // no point
		{ID: 6, CategoryID: 3, Status: aldyn.ResidentReceived, TerritoryPath: "/kg/d/p/", DuplicateOf: &dup},                    // merged
	}
	in := InPrecinct(rs, "/kg/d/p/", square)
	var ids []int64
	for _, r := range in {
		ids = append(ids, r.ID)
	}
	if len(ids) != 4 || ids[0] != 1 || ids[1] != 2 || ids[2] != 4 || ids[3] != 6 {
		t.Fatalf("in precinct %v, want [1 2 4 6]", ids)
	}
	if got := InPrecinct(rs, "/kg/d/p/", nil); len(got) != 2 {
		t.Errorf("without a boundary: %d reports, want 2 (made there)", len(got))
	}
	cats, total := CountByCategory(in, []int64{3, 7})
	if len(cats) != 2 || cats[0].CategoryID != 3 || cats[0].Total != 1 || cats[0].ByStatus[aldyn.ResidentRejected] != 1 ||
		cats[1].CategoryID != 7 || cats[1].Total != 2 || cats[1].ByStatus[aldyn.ResidentReceived] != 1 || cats[1].ByStatus[aldyn.ResidentAnswered] != 1 {
		t.Errorf("by category %+v", cats)
	}
	if total.Total != 3 || total.ByStatus[aldyn.ResidentAnswered] != 1 {
		t.Errorf("total %+v, want 3 with 1 answered", total)
	}
}

package residents

import (
	"cmp"
	"slices"
	"time"

	"github.com/aldyn-kg/aldyn"
)

// This file sums residents' reports for the analysts and the coordination
// commissions, on slices: the commission dashboard (volume, median time to
// the first answer, share answered on time, by body and by territory) and
// the counts of a precinct profile (reports in the precinct by category
// and status).

// Figures sum the reports of one group (a body, a territory, or all).
type Figures struct {
	Key      string // the group: a body id or a territory code; "" for all
	Reports  int    // made in the window, merged duplicates left out
	Answered int    // of those, closed with a first answer
	// MedianDays is the median time from the report to its first answer
	// (answer, referral or rejection), in days; nil when none was answered.
	MedianDays *float64
	// Counted are the reports that count towards timeliness at now
	// (closed, or past their due day), OnTime those closed by the end of
	// their due day (aldyn.ResidentReport.Timeliness).
	Counted, OnTime int
}

// OnTimeShare is OnTime over Counted, and false when nothing counted.
func (f Figures) OnTimeShare() (float64, bool) {
	if f.Counted == 0 {
		return 0, false
	}
	return float64(f.OnTime) / float64(f.Counted), true
}

// Summarize sums the reports at now, overall and per group (key gives a
// report's group; "" leaves it out of the groups). Groups come sorted by
// their volume, largest first, then by key.
func Summarize(rs []*aldyn.ResidentReport, now time.Time, key func(*aldyn.ResidentReport) string) (Figures, []Figures) {
	var all figuresAcc
	groups := map[string]*figuresAcc{}
	for _, r := range rs {
		if r.DuplicateOf != nil {
			continue
		}
		all.add(r, now)
		if key == nil {
			continue
		}
		k := key(r)
		if k == "" {
			continue
		}
		g := groups[k]
		if g == nil {
			g = &figuresAcc{}
			g.Key = k
			groups[k] = g
		}
		g.add(r, now)
	}
	out := make([]Figures, 0, len(groups))
	for _, g := range groups {
		out = append(out, g.figures())
	}
	slices.SortFunc(out, func(a, b Figures) int {
		if a.Reports != b.Reports {
			return b.Reports - a.Reports
		}
		return cmp.Compare(a.Key, b.Key)
	})
	return all.figures(), out
}

type figuresAcc struct {
	Figures
	waits []time.Duration
}

func (a *figuresAcc) add(r *aldyn.ResidentReport, now time.Time) {
	a.Reports++
	if r.Status.Closed() && r.AnsweredAt != nil {
		a.Answered++
		a.waits = append(a.waits, max(r.AnsweredAt.Sub(r.CreatedAt), 0))
	}
	if counted, ok := r.Timeliness(now); counted {
		a.Counted++
		if ok {
			a.OnTime++
		}
	}
}

func (a *figuresAcc) figures() Figures {
	f := a.Figures
	if m, ok := Median(a.waits); ok {
		d := m.Hours() / 24
		f.MedianDays = &d
	}
	return f
}

// Median is the median of ds (the mean of the two middle values of an
// even count), and false for none.
func Median(ds []time.Duration) (time.Duration, bool) {
	if len(ds) == 0 {
		return 0, false
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2], true
	}
	return s[n/2-1] + (s[n/2]-s[n/2-1])/2, true
}

// InPrecinct keeps the reports located in a precinct: made in it (its
// path or below; a pin in a drawn precinct makes it the report's
// territory), or with a point inside its boundary (the exact pin, else the
// public point). boundary may be nil when the precinct is not drawn.
func InPrecinct(rs []*aldyn.ResidentReport, path string, boundary []byte) []*aldyn.ResidentReport {
	var out []*aldyn.ResidentReport
	for _, r := range rs {
		switch {
		case aldyn.PathContains(path, r.TerritoryPath):
			out = append(out, r)
		case boundary == nil:
		case r.Lat != nil && r.Lon != nil:
			if Contains(boundary, *r.Lat, *r.Lon) {
				out = append(out, r)
			}
		case r.PublicLat != nil && r.PublicLon != nil:
			if Contains(boundary, *r.PublicLat, *r.PublicLon) {
				out = append(out, r)
			}
		}
	}
	return out
}

// CategoryCounts are the reports of one category by status.
type CategoryCounts struct {
	CategoryID int64
	ByStatus   map[aldyn.ResidentStatus]int
	Total      int
}

// CountByCategory counts reports by category and status, merged
// duplicates left out, categories in the order of first appearance in
// order (category ids), then any other by id; the second value sums all
// categories.
func CountByCategory(rs []*aldyn.ResidentReport, order []int64) ([]CategoryCounts, CategoryCounts) {
	byCat := map[int64]*CategoryCounts{}
	total := CategoryCounts{ByStatus: map[aldyn.ResidentStatus]int{}}
	for _, r := range rs {
		if r.DuplicateOf != nil {
			continue
		}
		c := byCat[r.CategoryID]
		if c == nil {
			c = &CategoryCounts{CategoryID: r.CategoryID, ByStatus: map[aldyn.ResidentStatus]int{}}
			byCat[r.CategoryID] = c
		}
		c.ByStatus[r.Status]++
		c.Total++
		total.ByStatus[r.Status]++
		total.Total++
	}
	rank := func(id int64) int {
		if i := slices.Index(order, id); i >= 0 {
			return i
		}
		return len(order)
	}
	out := make([]CategoryCounts, 0, len(byCat))
	for _, c := range byCat {
		out = append(out, *c)
	}
	slices.SortFunc(out, func(a, b CategoryCounts) int {
		if ra, rb := rank(a.CategoryID), rank(b.CategoryID); ra != rb {
			return ra - rb
		}
		return cmp.Compare(a.CategoryID, b.CategoryID)
	})
	return out, total
}

// Windows returns the last calendar quarter ended by now ([from, to), in
// UTC days) and the 12 months up to now's day (the day included).
func Windows(now time.Time) (qFrom, qTo, yFrom, yTo time.Time) {
	q := (int(now.Month()) - 1) / 3 // this quarter, 0-based
	qTo = time.Date(now.Year(), time.Month(q*3+1), 1, 0, 0, 0, 0, time.UTC)
	qFrom = qTo.AddDate(0, -3, 0)
	yTo = time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC).AddDate(0, 0, 1)
	yFrom = yTo.AddDate(-1, 0, 0)
	return
}

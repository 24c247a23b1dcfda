package synth

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"hash"
	"math"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/importer"
)

// MustGenerate runs Generate and returns every record it handed over.
func MustGenerate(tb testing.TB, cfg Config) ([]*aldyn.Offense, Summary) {
	tb.Helper()
	var out []*aldyn.Offense
	sum, err := Generate(context.Background(), cfg, nil, func(o *aldyn.Offense) error {
		out = append(out, o)
		return nil
	})
	if err != nil {
		tb.Fatalf("Generate: %v", err)
	}
	return out, sum
}

// all is the default generation, shared by the tests that only read it.
var all = sync.OnceValues(func() ([]*aldyn.Offense, Summary) {
	var out []*aldyn.Offense
	sum, err := Generate(context.Background(), Config{Seed: 1}, nil, func(o *aldyn.Offense) error {
		out = append(out, o)
		return nil
	})
	if err != nil {
		panic(err)
	}
	return out, sum
})

func bishkekChuy(code string) bool { return code[:5] == bishkekPrefix || code[:5] == chuyPrefix }

func TestTable1Exact(t *testing.T) {
	want, err := OfficialTotals()
	if err != nil {
		t.Fatal(err)
	}
	if len(want) != 3 {
		t.Fatalf("official years: got %d, want 3 (2019–2021)", len(want))
	}
	recs, sum := all()
	got := map[int]map[string]int{}
	for _, o := range recs {
		y := o.OccurredOn.Year()
		if got[y] == nil {
			got[y] = map[string]int{}
		}
		got[y][o.Category]++
	}
	for year, cats := range want {
		total := 0
		for _, cat := range aldyn.OffenseCategories {
			if got[year][cat] != cats[cat] {
				t.Errorf("%d %s: got %d records, want %d", year, cat, got[year][cat], cats[cat])
			}
			if sum.ByYearCategory[year][cat] != cats[cat] {
				t.Errorf("%d %s: summary says %d, want %d", year, cat, sum.ByYearCategory[year][cat], cats[cat])
			}
			total += got[year][cat]
		}
		t.Logf("%d: %d records", year, total)
	}
	// The figures are those of Table 1 as published, not of §5.2.
	if want[2020][aldyn.CategoryFraud] != 6736 || want[2019][aldyn.CategoryOther] != 78405-(169+197+279+202+1818+15128+7007+109+917+3349+562) {
		t.Errorf("official totals misread: %v", want)
	}
	if sum.Records != len(recs) {
		t.Errorf("summary records: got %d, want %d", sum.Records, len(recs))
	}
	for y := 2022; y <= 2025; y++ {
		for _, cat := range aldyn.OffenseCategories {
			n, base := got[y][cat], want[2021][cat]
			if math.Abs(float64(n)/float64(base)-1) > 0.3 {
				t.Errorf("%d %s: %d records, too far from 2021's %d", y, cat, n, base)
			}
		}
	}
}

func TestBishkekChuyShare(t *testing.T) {
	recs, sum := all()
	bc := 0
	for _, o := range recs {
		if bishkekChuy(o.TerritoryCode) {
			bc++
		}
	}
	share := float64(bc) / float64(len(recs))
	if share < 0.575 || share > 0.585 {
		t.Errorf("Bishkek and Chüy share: got %.4f, want 0.58 ± 0.005", share)
	}
	if math.Abs(sum.BishkekChuyShare-share) > 1e-12 {
		t.Errorf("summary share: got %.6f, want %.6f", sum.BishkekChuyShare, share)
	}
	t.Logf("Bishkek and Chüy: %.4f of %d records", share, len(recs))
}

func hashRecord(h hash.Hash, o *aldyn.Offense) {
	fmt.Fprintf(h, "%s|%s|%s|%s|%s|%s|%s|%d|%s|%v|%v|%s|%v|%v|%v\n", o.ID, o.Source, o.Category, o.Subgroup, o.Article,
		o.RegisteredOn.Format(time.DateOnly), o.OccurredOn.Format(time.DateOnly), o.OccurredMinute, o.TerritoryCode,
		deref(o.Lat), deref(o.Lon), o.PlaceType, o.Solved, deref(o.DamageKGS), o.Synthetic)
}

func deref[T any](p *T) any {
	if p == nil {
		return nil
	}
	return *p
}

func streamHash(tb testing.TB, cfg Config) [32]byte {
	tb.Helper()
	h := sha256.New()
	if _, err := Generate(context.Background(), cfg, nil, func(o *aldyn.Offense) error {
		hashRecord(h, o)
		return nil
	}); err != nil {
		tb.Fatal(err)
	}
	return [32]byte(h.Sum(nil))
}

func TestDeterministic(t *testing.T) {
	cfg := Config{Seed: 42, Years: []int{2020, 2023}}
	a, b := streamHash(t, cfg), streamHash(t, cfg)
	if a != b {
		t.Errorf("same seed: streams differ")
	}
	if c := streamHash(t, Config{Seed: 43, Years: cfg.Years}); c == a {
		t.Errorf("different seeds: same stream")
	}
	// A year's records do not depend on the other years generated.
	whole, _ := all()
	h := sha256.New()
	for _, o := range whole {
		if o.OccurredOn.Year() == 2021 {
			hashRecord(h, o)
		}
	}
	if got, want := streamHash(t, Config{Seed: 1, Years: []int{2021}}), [32]byte(h.Sum(nil)); got != want {
		t.Errorf("2021 alone differs from 2021 within the default years")
	}
}

func TestRecordsValid(t *testing.T) {
	terr, err := RefTerritories()
	if err != nil {
		t.Fatal(err)
	}
	leaves := map[string]bool{}
	for _, u := range leafUnits(terr) {
		leaves[u.code] = true
	}
	// 66 reference territories less the country and the 8 regions with
	// districts or cities below them.
	if len(leaves) != 57 {
		t.Fatalf("leaf units: got %d, want 57", len(leaves))
	}
	recs, _ := all()
	ids := make(map[string]struct{}, len(recs))
	var noTime, noPoint int
	for i, o := range recs {
		fail := func(format string, args ...any) {
			t.Helper()
			t.Fatalf("record %d (%+v): "+format, append([]any{i, *o}, args...)...)
		}
		if !o.Synthetic || o.Source != aldyn.SourceCrimes {
			fail("not a synthetic crime record")
		}
		if len(o.ID) != 64 || !isHex(o.ID) {
			fail("ID %q is not 64 hex digits", o.ID)
		}
		if _, dup := ids[o.ID]; dup {
			fail("ID repeats")
		}
		ids[o.ID] = struct{}{}
		if !leaves[o.TerritoryCode] {
			fail("territory %s is not a known district or city", o.TerritoryCode)
		}
		if !slices.Contains(aldyn.OffenseCategories, o.Category) || !importer.ValidCategory(o.Category) {
			fail("category")
		}
		if !slices.Contains(importer.PlaceTypes, o.PlaceType) {
			fail("place type %q", o.PlaceType)
		}
		switch o.Subgroup {
		case "":
		case aldyn.SubgroupDomesticViolence:
			if !slices.Contains([]string{aldyn.CategoryGraveHarm, aldyn.CategoryHooliganism, aldyn.CategoryOther}, o.Category) {
				fail("domestic violence in %s", o.Category)
			}
		case aldyn.SubgroupCrimesAgainstChildren:
			if o.Category != aldyn.CategoryOther && o.Category != aldyn.CategoryRape {
				fail("crimes against children in %s", o.Category)
			}
		default:
			fail("subgroup %q", o.Subgroup)
		}
		if o.OccurredOn.IsZero() || o.OccurredOn.Location() != time.UTC || o.OccurredOn.Hour() != 0 {
			fail("occurrence date")
		}
		if lag := o.RegisteredOn.Sub(o.OccurredOn); lag < 0 || lag > 10*24*time.Hour || lag%(24*time.Hour) != 0 {
			fail("registered %v after the offense", lag)
		}
		if o.OccurredMinute == aldyn.UnknownMinute {
			noTime++
		} else if o.OccurredMinute < 0 || o.OccurredMinute >= 24*60 {
			fail("minute %d", o.OccurredMinute)
		}
		if (o.Lat == nil) != (o.Lon == nil) {
			fail("half a point")
		}
		if o.Lat == nil {
			noPoint++
		} else if *o.Lat < aldyn.MinLat || *o.Lat > aldyn.MaxLat || *o.Lon < aldyn.MinLon || *o.Lon > aldyn.MaxLon {
			fail("point %v,%v outside Kyrgyzstan", *o.Lat, *o.Lon)
		}
		if o.DamageKGS != nil && *o.DamageKGS <= 0 {
			fail("damage %d", *o.DamageKGS)
		}
	}
	if s := float64(noTime) / float64(len(recs)); math.Abs(s-noTimeShare) > 0.005 {
		t.Errorf("records without time: got %.4f, want %.2f", s, noTimeShare)
	}
	if s := float64(noPoint) / float64(len(recs)); math.Abs(s-noPointShare) > 0.005 {
		t.Errorf("records without point: got %.4f, want %.2f", s, noPointShare)
	}
}

func isHex(s string) bool {
	for _, c := range []byte(s) {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

// TestPatterns checks the shapes in time, place and outcome that make the
// records look real.
func TestPatterns(t *testing.T) {
	recs, _ := all()
	type tally struct {
		n, night, day, evening, weekend, weekday, jan, jul, solved, damage int
		places                                                             map[string]int
	}
	by := map[string]*tally{}
	for _, o := range recs {
		keys := []string{o.Category}
		if o.Category == aldyn.CategoryTheft && o.PlaceType == importer.PlaceDwelling {
			keys = append(keys, "theft_dwelling")
		}
		for _, k := range keys {
			c := by[k]
			if c == nil {
				c = &tally{places: map[string]int{}}
				by[k] = c
			}
			c.n++
			switch h := o.Hour(); {
			case h < 0:
			case h < 5:
				c.night++
			case h >= 9 && h < 17:
				c.day++
			case h >= 18 && h < 23:
				c.evening++
			}
			switch wd := o.Weekday(); {
			case wd >= 5:
				c.weekend++
			case wd <= 3:
				c.weekday++
			}
			switch o.OccurredOn.Month() {
			case time.January:
				c.jan++
			case time.July:
				c.jul++
			}
			if o.Solved {
				c.solved++
			}
			if o.DamageKGS != nil {
				c.damage++
			}
			c.places[o.PlaceType]++
		}
	}
	perHour := func(n, hours int) float64 { return float64(n) / float64(hours) }
	perDay := func(n, days int) float64 { return float64(n) / float64(days) }
	t.Run("hours", func(t *testing.T) {
		for _, c := range []struct {
			key   string
			night bool // night above day, else day above night
		}{{"theft_dwelling", true}, {aldyn.CategoryFraud, false}, {aldyn.CategoryTheft, false}} {
			s := by[c.key]
			n, d := perHour(s.night, 5), perHour(s.day, 8)
			if hi, lo := max(n, d), min(n, d); c.night != (n > d) || hi < 1.5*lo {
				t.Errorf("%s: %.0f records an hour at night, %.0f by day", c.key, n, d)
			}
		}
		s := by[aldyn.CategoryHooliganism]
		if e, d := perHour(s.evening, 5), perHour(s.day, 8); e < 1.5*d {
			t.Errorf("hooliganism: %.0f records an hour in the evening, %.0f by day", e, d)
		}
	})
	t.Run("weekdays", func(t *testing.T) {
		for _, cat := range []string{aldyn.CategoryHooliganism, aldyn.CategoryGraveHarm} {
			s := by[cat]
			if we, wd := perDay(s.weekend, 2), perDay(s.weekday, 4); we < 1.2*wd {
				t.Errorf("%s: %.0f a weekend day, %.0f a weekday", cat, we, wd)
			}
		}
		s := by[aldyn.CategoryFraud]
		if we, wd := perDay(s.weekend, 2), perDay(s.weekday, 4); wd < 1.2*we {
			t.Errorf("fraud: %.0f a weekend day, %.0f a weekday", we, wd)
		}
	})
	t.Run("seasons", func(t *testing.T) {
		for _, cat := range []string{aldyn.CategoryTheft, aldyn.CategoryHooliganism, aldyn.CategoryOther, aldyn.CategoryDrugs} {
			if s := by[cat]; float64(s.jul) < 1.2*float64(s.jan) {
				t.Errorf("%s: %d in July, %d in January", cat, s.jul, s.jan)
			}
		}
	})
	t.Run("solved", func(t *testing.T) {
		for cat, want := range map[string]float64{aldyn.CategoryMurder: 0.90, aldyn.CategoryTheft: 0.35, aldyn.CategoryFraud: 0.30} {
			s := by[cat]
			if got := float64(s.solved) / float64(s.n); math.Abs(got-want) > 0.03 {
				t.Errorf("%s solved: got %.3f, want %.2f", cat, got, want)
			}
		}
	})
	t.Run("damage", func(t *testing.T) {
		if by[aldyn.CategoryFraud].damage == 0 || by[aldyn.CategoryMurder].damage != 0 {
			t.Errorf("damage: %d fraud records with, %d murders with", by[aldyn.CategoryFraud].damage, by[aldyn.CategoryMurder].damage)
		}
	})
	t.Run("places", func(t *testing.T) {
		if s := by[aldyn.CategoryTraffic]; s.places[importer.PlaceStreet] < s.n*9/10 {
			t.Errorf("traffic on streets: %d of %d", s.places[importer.PlaceStreet], s.n)
		}
	})
}

func TestHotSpots(t *testing.T) {
	recs, _ := all()
	near := map[string]int{}
	located := 0
	for _, o := range recs {
		if o.Lat == nil {
			continue
		}
		located++
		for _, h := range hotSpots {
			dy, dx := *o.Lat-h.lat, (*o.Lon-h.lon)*math.Cos(h.lat*math.Pi/180)
			if dx*dx+dy*dy < 0.01*0.01 { // about 1 km
				near[h.code]++
			}
		}
	}
	for _, h := range hotSpots {
		// A 1 km disc is far less than a thousandth of the country; a
		// hot spot holds much more than that.
		if share := float64(near[h.code]) / float64(located); share < 0.002 {
			t.Errorf("hot spot in %s: %.4f of the points within 1 km", h.code, share)
		}
	}
}

func TestScaleAndYears(t *testing.T) {
	_, sum := MustGenerate(t, Config{Seed: 7, Years: []int{2021}, Scale: 2})
	off, _ := OfficialTotals()
	for _, cat := range aldyn.OffenseCategories {
		if got, want := sum.ByYearCategory[2021][cat], 2*off[2021][cat]; got != want {
			t.Errorf("scale 2, %s: got %d, want %d", cat, got, want)
		}
	}
	for _, cfg := range []Config{{Years: []int{2020, 2020}}, {Scale: -1}, {Years: []int{0}}} {
		if _, err := Generate(context.Background(), cfg, nil, func(*aldyn.Offense) error { return nil }); err == nil {
			t.Errorf("%+v: no error", cfg)
		}
	}
}

func TestStops(t *testing.T) {
	stop := errors.New("stop")
	n := 0
	sum, err := Generate(context.Background(), Config{}, nil, func(*aldyn.Offense) error {
		n++
		if n == 1000 {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) || sum.Records != 999 {
		t.Errorf("fn error: got %v after %d records, want stop after 999", err, sum.Records)
	}
	ctx, cancel := context.WithCancel(context.Background())
	n = 0
	_, err = Generate(ctx, Config{}, nil, func(*aldyn.Offense) error {
		if n++; n == 10000 {
			cancel()
		}
		return nil
	})
	if !errors.Is(err, context.Canceled) || n > 10000+4096 {
		t.Errorf("cancel: got %v after %d records", err, n)
	}
}

func TestLargestRemainder(t *testing.T) {
	for _, c := range []struct {
		name  string
		x     []float64
		total int
		want  []int
	}{
		{"exact", []float64{1, 2, 3}, 6, []int{1, 2, 3}},
		{"largest fractions", []float64{0.6, 0.3, 1.1}, 2, []int{1, 0, 1}},
		{"ties to lower index", []float64{0.5, 0.5, 1}, 2, []int{1, 0, 1}},
		{"negative part", []float64{-0.4, 0.9, 0.5}, 1, []int{0, 1, 0}},
		{"negative takes back", []float64{-0.9, 1.2, 0.7}, 1, []int{0, 1, 0}},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := make([]int, len(c.x))
			largestRemainder(c.x, c.total, got, make([]int, len(c.x)))
			if !slices.Equal(got, c.want) {
				t.Errorf("got %v, want %v", got, c.want)
			}
		})
	}
}

func TestIDsDistinctAcrossSeeds(t *testing.T) {
	r1 := &recorder{seed: 1, key: 2021 << 40, total: 1}
	r2 := &recorder{seed: 2, key: 2021 << 40, total: 1}
	if a, b := r1.id(), r2.id(); a == b {
		t.Errorf("seeds 1 and 2 give the same first ID %s", a)
	}
}

// TestUntil: records stop before Config.Until, and the months before it
// are those of the whole year.
func TestUntil(t *testing.T) {
	until := time.Date(2024, time.June, 1, 0, 0, 0, 0, time.UTC)
	count := func(cfg Config) map[time.Month]int {
		m := map[time.Month]int{}
		if _, err := Generate(context.Background(), cfg, nil, func(o *aldyn.Offense) error {
			m[o.Day().Month()]++
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		return m
	}
	whole := count(Config{Seed: 3, Scale: 0.05, Years: []int{2024}})
	part := count(Config{Seed: 3, Scale: 0.05, Years: []int{2024}, Until: until})
	for m := time.January; m <= time.December; m++ {
		want := whole[m]
		if m >= time.June {
			want = 0
		}
		if part[m] != want {
			t.Errorf("%v: %d records, want %d", m, part[m], want)
		}
	}
	years, u := YearsUntil(time.Date(2027, 1, 15, 10, 0, 0, 0, time.UTC))
	if len(years) != 8 || years[0] != 2019 || years[7] != 2026 || !u.Equal(time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("YearsUntil(15 January 2027) = %v, %v; want 2019–2026 until 1 January 2027", years, u)
	}
}

// TestMonthNoise: month counts scatter around their seasonal shape more
// than Poisson noise alone would, street crimes dip in the spring 2020
// lockdown, and level breaks last; Table 1's years stay exact
// (TestTable1Exact).
func TestMonthNoise(t *testing.T) {
	recs, _ := all()
	counts := map[string]map[int]*[12]float64{}
	for _, o := range recs {
		d := o.Day()
		c := counts[o.Category]
		if c == nil {
			c = map[int]*[12]float64{}
			counts[o.Category] = c
		}
		if c[d.Year()] == nil {
			c[d.Year()] = &[12]float64{}
		}
		c[d.Year()][d.Month()-1]++
	}
	t.Run("overdispersed", func(t *testing.T) {
		for _, cat := range []string{aldyn.CategoryTheft, aldyn.CategoryFraud, aldyn.CategoryMurder, aldyn.CategoryExtortion} {
			p := profiles[cat]
			// Each month against its expectation from the season and
			// the year's total, in units of its Poisson standard deviation.
			var z2 float64
			var k int
			for _, y := range []int{2022, 2025} {
				c := counts[cat][y]
				var tot, w float64
				for m := range 12 {
					tot += c[m]
					w += p.season[m] * float64(daysIn(y, m)) * level(p, y, m)
				}
				for m := range 12 {
					mu := tot * p.season[m] * float64(daysIn(y, m)) * level(p, y, m) / w
					z2 += (c[m] - mu) * (c[m] - mu) / mu
					k++
				}
			}
			// Largest-remainder rounding alone gives almost 0; Poisson
			// noise about 1.
			if d := z2 / float64(k); d < 0.5 {
				t.Errorf("%s: month counts vary %.2f times as much as Poisson noise, want at least 0.5", cat, d)
			} else {
				t.Logf("%s: dispersion %.2f × Poisson", cat, d)
			}
		}
	})
	t.Run("lockdown", func(t *testing.T) {
		for _, cat := range []string{aldyn.CategoryTheft, aldyn.CategoryRobbery, aldyn.CategoryHooliganism} {
			c19, c20 := counts[cat][2019], counts[cat][2020]
			var y19, y20 float64
			for m := range 12 {
				y19 += c19[m]
				y20 += c20[m]
			}
			// April and May's share of the year.
			s19, s20 := (c19[3]+c19[4])/y19, (c20[3]+c20[4])/y20
			if s20 > 0.8*s19 {
				t.Errorf("%s: April–May held %.3f of 2020, %.3f of 2019; want a lockdown dip", cat, s20, s19)
			}
		}
	})
	t.Run("breaks", func(t *testing.T) {
		sum := func(cat string, y int) (s float64) {
			for _, v := range counts[cat][y] {
				s += v
			}
			return s
		}
		if a, b := sum(aldyn.CategoryExtortion, 2022), sum(aldyn.CategoryExtortion, 2024); b > 0.85*a {
			t.Errorf("extortion: %.0f in 2022, %.0f in 2024; want the October 2023 break to last", a, b)
		}
	})
}

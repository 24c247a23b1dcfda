// Package synth generates synthetic offense records for demos and
// benchmarks; every record has Synthetic=true.
//
// The records reproduce what is officially known and invent the rest
// plausibly: the yearly national totals per category of the Concept's
// Table 1 exactly, the share of crimes in Bishkek and Chüy oblast, and
// made-up but realistic spreads over districts, months, weekdays, hours,
// places and points. Month counts are noisy (overdispersed, with a dip in
// the spring 2020 lockdown and lasting level breaks) but add up to the
// year's total exactly: counts per year, category, district and month come
// from largest-remainder rounding of noisy expected shares. Everything
// random is drawn from PCGs seeded by Config.Seed.
package synth

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/aldyn-kg/aldyn"
)

// Config says what to generate.
type Config struct {
	// Seed makes the output reproducible: the same Config gives the same
	// records in the same order.
	Seed uint64
	// Years to generate, in this order; DefaultYears when empty. Years
	// without official figures continue from the nearest official year
	// with each category's mild yearly trend (see profiles).
	Years []int
	// Scale multiplies every yearly total (1 when zero): 1 reproduces the
	// official totals, benchmarks use more.
	Scale float64
	// Until, when set, ends the records before that month: a year it falls
	// in is allocated whole, so earlier months are the same as in a full
	// year, and only its months before Until are handed over.
	Until time.Time
}

// DefaultYears are generated when Config.Years is empty.
var DefaultYears = []int{2019, 2020, 2021, 2022, 2023, 2024, 2025}

// FirstYear is the first year of the demo records: the first of Table 1.
const FirstYear = 2019

// YearsUntil are the years from FirstYear to the year of the last whole
// month before the month of now, and the first day of now's month: the
// Config.Years and Config.Until of records up to the last complete month.
func YearsUntil(now time.Time) ([]int, time.Time) {
	until := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC)
	var years []int
	for y := FirstYear; y <= until.AddDate(0, -1, 0).Year(); y++ {
		years = append(years, y)
	}
	return years, until
}

// Summary counts what Generate handed over.
type Summary struct {
	Records        int
	ByYearCategory map[int]map[string]int
	// BishkekChuyShare is the part of the records in Bishkek city and
	// Chüy oblast.
	BishkekChuyShare float64
}

// SOATE prefixes of Bishkek city and Chüy oblast: the first five digits of
// a code name its region.
const (
	bishkekPrefix = "41711"
	chuyPrefix    = "41708"
)

// Generate calls fn with each synthetic record in turn, spread over the
// lowest-level units of terr (districts and cities; the embedded reference
// territories when terr is nil). fn owns the record it is given. Generate
// stops at fn's first error or when ctx is done and returns that error with
// the summary of what was handed over before it.
func Generate(ctx context.Context, cfg Config, terr []*aldyn.Territory, fn func(*aldyn.Offense) error) (Summary, error) {
	sum := Summary{ByYearCategory: map[int]map[string]int{}}
	g, err := newGenerator(cfg, terr)
	if err != nil {
		return sum, err
	}
	var bc int
	for _, year := range g.years {
		sum.ByYearCategory[year] = map[string]int{}
		for ci, cat := range aldyn.OffenseCategories {
			n, bcn, err := g.category(ctx, year, ci, fn)
			sum.Records += n
			sum.ByYearCategory[year][cat] += n
			bc += bcn
			if err != nil {
				sum.BishkekChuyShare = ratio(bc, sum.Records)
				return sum, err
			}
		}
	}
	sum.BishkekChuyShare = ratio(bc, sum.Records)
	return sum, nil
}

func ratio(part, whole int) float64 {
	if whole == 0 {
		return 0
	}
	return float64(part) / float64(whole)
}

// unit is a lowest-level territory records are placed in.
type unit struct {
	code           string
	pop            float64
	hasPoint       bool
	lat, lon       float64
	sigLat, sigLon float64 // spread of points around the centroid, degrees
	bishkekChuy    bool
	urban          bool
	hot            *hotSpot
}

type generator struct {
	until time.Time
	seed  uint64
	years []int
	scale float64
	off   official
	units []unit
	// weights[c][u] is the share of category c's records in unit u.
	weights [][]float64
	// groups[0] are the units of Bishkek and Chüy, groups[1] the rest.
	groups [2][]int
	// Scratch reused per year and category.
	counts    []int // records per unit*12+month
	cumE      []float64
	cumA      []int
	x         []float64
	uc, order []int
}

func newGenerator(cfg Config, terr []*aldyn.Territory) (*generator, error) {
	g := &generator{seed: cfg.Seed, years: cfg.Years, scale: cfg.Scale, until: cfg.Until}
	if len(g.years) == 0 {
		g.years = DefaultYears
	}
	seen := map[int]bool{}
	for _, y := range g.years {
		if y < 1 || y > 9999 || seen[y] {
			return nil, fmt.Errorf("synth: year %d out of range or repeated", y)
		}
		seen[y] = true
	}
	if g.scale == 0 {
		g.scale = 1
	}
	if g.scale < 0 || math.IsNaN(g.scale) || math.IsInf(g.scale, 0) {
		return nil, fmt.Errorf("synth: scale %v", cfg.Scale)
	}
	var err error
	if g.off, err = parseOfficial(refDataOfficial()); err != nil {
		return nil, err
	}
	if terr == nil {
		if terr, err = RefTerritories(); err != nil {
			return nil, err
		}
	}
	g.units = leafUnits(terr)
	if len(g.units) == 0 {
		return nil, fmt.Errorf("synth: no districts or cities to place records in")
	}
	g.weights = make([][]float64, len(aldyn.OffenseCategories))
	for ci, cat := range aldyn.OffenseCategories {
		g.weights[ci] = unitWeights(g.units, profiles[cat], g.off.bishkekChuy)
	}
	for u := range g.units {
		g.groups[g.group(u)] = append(g.groups[g.group(u)], u)
	}
	nu := max(len(g.units), 12)
	g.counts = make([]int, len(g.units)*12)
	g.cumE, g.cumA = make([]float64, len(g.units)), make([]int, len(g.units))
	g.x, g.uc, g.order = make([]float64, nu), make([]int, nu), make([]int, nu)
	return g, nil
}

// leafUnits returns the districts and cities of terr that have no units
// below them, with populations and spreads filled in.
func leafUnits(terr []*aldyn.Territory) []unit {
	byCode := map[string]*aldyn.Territory{}
	parents := map[string]bool{}
	for _, t := range terr {
		if t.Level == aldyn.LevelPrecinct || !aldyn.ValidTerritoryCode(t.Code) || len(t.Code) != 14 {
			continue
		}
		byCode[t.Code] = t
		if t.ParentCode != "" {
			parents[t.ParentCode] = true
		}
	}
	var leaves []*aldyn.Territory
	for _, t := range byCode {
		if t.Level != aldyn.LevelCountry && !parents[t.Code] {
			leaves = append(leaves, t)
		}
	}
	slices.SortFunc(leaves, func(a, b *aldyn.Territory) int {
		switch {
		case a.Code < b.Code:
			return -1
		case a.Code > b.Code:
			return 1
		}
		return 0
	})
	pops := estimatePopulations(leaves, byCode)
	units := make([]unit, len(leaves))
	for i, t := range leaves {
		u := unit{code: t.Code, pop: pops[i],
			bishkekChuy: t.Code[:5] == bishkekPrefix || t.Code[:5] == chuyPrefix}
		kind := t.Kind
		if kind == "" {
			kind = map[string]string{aldyn.LevelRegion: aldyn.KindCityRepublican, aldyn.LevelCity: aldyn.KindCityRegional}[t.Level]
		}
		u.urban = kind == aldyn.KindCityDistrict || kind == aldyn.KindCityRegional || kind == aldyn.KindCityRepublican
		u.sigLat = map[string]float64{aldyn.KindCityDistrict: 0.012, aldyn.KindCityRegional: 0.015,
			aldyn.KindCityRepublican: 0.03, aldyn.KindRayon: 0.12}[kind]
		if u.sigLat == 0 {
			u.sigLat = 0.05
		}
		for p := t; p != nil; p = byCode[p.ParentCode] {
			if p.Lat != nil && p.Lon != nil {
				u.hasPoint, u.lat, u.lon = true, *p.Lat, *p.Lon
				break
			}
			if p.ParentCode == "" {
				break
			}
		}
		u.sigLon = u.sigLat / math.Cos(u.lat*math.Pi/180)
		for h := range hotSpots {
			if hotSpots[h].code == t.Code && u.hasPoint {
				u.hot = &hotSpots[h]
			}
		}
		units[i] = u
	}
	return units
}

// Populations assumed for units without a figure when the parent's figure
// does not leave a plausible remainder for them.
const (
	fallbackCityPop  = 40000
	fallbackRayonPop = 60000
)

// estimatePopulations returns each leaf's population. Where it is unknown,
// the parent's population less its known children is shared among the
// unknown ones; where that leaves too little (the reference figures are of
// different years), a typical size stands in.
func estimatePopulations(leaves []*aldyn.Territory, byCode map[string]*aldyn.Territory) []float64 {
	type parentSum struct {
		known   float64
		unknown int
	}
	sums := map[string]*parentSum{}
	for _, t := range byCode {
		if t.ParentCode == "" {
			continue
		}
		s := sums[t.ParentCode]
		if s == nil {
			s = &parentSum{}
			sums[t.ParentCode] = s
		}
		if t.Population != nil && *t.Population > 0 {
			s.known += float64(*t.Population)
		} else {
			s.unknown++
		}
	}
	out := make([]float64, len(leaves))
	for i, t := range leaves {
		if t.Population != nil && *t.Population > 0 {
			out[i] = float64(*t.Population)
			continue
		}
		fallback := float64(fallbackRayonPop)
		if t.Level == aldyn.LevelCity {
			fallback = fallbackCityPop
		}
		out[i] = fallback
		if p := byCode[t.ParentCode]; p != nil && p.Population != nil {
			s := sums[t.ParentCode]
			if rest := (float64(*p.Population) - s.known) / float64(s.unknown); rest >= fallback/2 {
				out[i] = rest
			}
		}
	}
	return out
}

// unitWeights returns a category's share per unit: population, times the
// category's urban factor in cities and the hot-spot boost, with Bishkek
// and Chüy scaled together to make up target of the whole.
func unitWeights(units []unit, p *profile, target float64) []float64 {
	w := make([]float64, len(units))
	var bc, rest float64
	for i, u := range units {
		w[i] = u.pop
		if u.urban {
			w[i] *= p.urban
		}
		if u.hot != nil {
			w[i] *= hotSpotBoost
		}
		if u.bishkekChuy {
			bc += w[i]
		} else {
			rest += w[i]
		}
	}
	f := 1.0
	if bc > 0 && rest > 0 {
		f = target * rest / ((1 - target) * bc)
	}
	var total float64
	for i, u := range units {
		if u.bishkekChuy {
			w[i] *= f
		}
		total += w[i]
	}
	for i := range w {
		w[i] /= total
	}
	return w
}

// yearTotal is a category's number of records in a year: the official
// figure, or the nearest official year's moved by the category's trend,
// times the scale.
func (g *generator) yearTotal(year int, cat string) int {
	base, dist := 0, math.MaxInt
	for y := range g.off.totals {
		d := y - year
		if d < 0 {
			d = -d
		}
		if d < dist || d == dist && y > base {
			base, dist = y, d
		}
	}
	p := profiles[cat]
	n := float64(g.off.totals[base][cat])
	if year != base {
		// The level breaks of an invented year count by the part of the
		// year they cover, weighted by season.
		var lv, w float64
		for m := range 12 {
			lv += p.season[m] * level(p, year, m)
			w += p.season[m]
		}
		n *= math.Pow(1+p.trend, float64(year-base)) * lv / w
	}
	return int(math.Round(n * g.scale))
}

// level is the product of a category's level breaks in force in month m
// (0 for January) of year.
func level(p *profile, year, m int) float64 {
	f := 1.0
	for _, b := range p.breaks {
		if year > b.year || year == b.year && m+1 >= int(b.month) {
			f *= b.factor
		}
	}
	return f
}

// noiseStream is mixed into the seed of the month-count noise so that it
// is not the stream of the records' details.
const noiseStream = 0x6e6f697365

// gamma draws from the gamma distribution with the given shape and scale
// 1/shape (mean 1) by Marsaglia and Tsang's method.
func gamma(rng *rand.Rand, shape float64) float64 {
	if shape < 1 {
		return gamma(rng, shape+1) * math.Pow(rng.Float64(), 1/shape)
	}
	d := shape - 1.0/3
	c := 1 / math.Sqrt(9*d)
	for {
		x := rng.NormFloat64()
		v := 1 + c*x
		if v <= 0 {
			continue
		}
		v = v * v * v
		u := rng.Float64()
		if math.Log(u) < 0.5*x*x+d-d*v+d*math.Log(v) {
			return d * v / shape
		}
	}
}

// allocate fills g.counts with the records of a year and category per
// unit and month (index unit*12+month). Every step is largest-remainder
// rounding of expected counts, so the year's n is met exactly: n is split
// into months, by season, level breaks, the 2020 lockdown and a
// gamma-distributed factor per month, which makes each month's count a
// negative binomial given the year's (variance μ + μ²/monthDispersion);
// each month's count into Bishkek and Chüy and the rest; each
// of those among its units. The two later steps carry each part's rounding
// residual into the next month (Hamilton's method on cumulative expected
// counts), so a unit expecting 0.3 records a month gets about one in three
// months, not none, and the Bishkek and Chüy share of the year is exact to
// one record.
func (g *generator) allocate(year, ci, n int) {
	w := g.weights[ci]
	p := profiles[aldyn.OffenseCategories[ci]]
	var months [12]int
	var msum float64
	x := g.x[:12]
	for m := range 12 {
		x[m] = p.season[m] * float64(daysIn(year, m)) * level(p, year, m)
		if year == 2020 {
			x[m] *= 1 - p.lockdown*lockdownShape[m]
		}
		msum += x[m]
	}
	// A stream of its own per year and category, as for the records.
	rng := rand.New(rand.NewPCG(g.seed^noiseStream, uint64(year)<<8|uint64(ci)))
	var nsum float64
	for m := range x {
		mu := x[m] * float64(n) / msum
		if mu > 0 {
			x[m] *= gamma(rng, 1/(1/mu+1.0/monthDispersion))
		}
		nsum += x[m]
	}
	for m := range x {
		x[m] *= float64(n) / nsum
	}
	largestRemainder(x, n, months[:], g.order)

	var gw [2]float64 // weight of Bishkek and Chüy, and of the rest
	for u := range g.units {
		gw[g.group(u)] += w[u]
	}
	var gCumE [2]float64
	var gCumA [2]int
	clear(g.cumE)
	clear(g.cumA)
	for m := range 12 {
		var gc [2]int
		gx := x[:2]
		for k := range 2 {
			gCumE[k] += float64(months[m]) * gw[k]
			gx[k] = gCumE[k] - float64(gCumA[k])
		}
		largestRemainder(gx, months[m], gc[:], g.order)
		for k := range 2 {
			gCumA[k] += gc[k]
			us := g.groups[k]
			ux, uc := g.x[:len(us)], g.uc[:len(us)]
			for i, u := range us {
				if gw[k] > 0 {
					g.cumE[u] += float64(gc[k]) * w[u] / gw[k]
				}
				ux[i] = g.cumE[u] - float64(g.cumA[u])
			}
			largestRemainder(ux, gc[k], uc, g.order)
			for i, u := range us {
				g.cumA[u] += uc[i]
				g.counts[u*12+m] = uc[i]
			}
		}
	}
}

func (g *generator) group(u int) int {
	if g.units[u].bishkekChuy {
		return 0
	}
	return 1
}

// largestRemainder sets out to whole numbers adding up to total, each the
// floor or the ceiling of x (which add up to total), the ceilings going to
// the largest fractional parts; ties go to the lower index, so the result
// depends on nothing else. A negative x (a part ahead of its cumulative
// expectation) gets zero, and what that adds is taken back from the
// smallest fractional parts. order is scratch of at least len(x).
func largestRemainder(x []float64, total int, out []int, order []int) {
	order = order[:len(x)]
	left := total
	for i, v := range x {
		out[i] = max(int(math.Floor(v)), 0)
		left -= out[i]
		order[i] = i
	}
	frac := func(i int) float64 { return x[i] - math.Floor(x[i]) }
	slices.SortFunc(order, func(a, b int) int {
		fa, fb := frac(a), frac(b)
		switch {
		case fa > fb:
			return -1
		case fa < fb:
			return 1
		}
		return a - b
	})
	for k := 0; left > 0; k = (k + 1) % len(order) {
		out[order[k]]++
		left--
	}
	for k := len(order) - 1; left < 0; k-- {
		if k < 0 {
			k = len(order) - 1
		}
		if i := order[k]; out[i] > 0 {
			out[i]--
			left++
		}
	}
}

func daysIn(year, m int) int {
	return time.Date(year, time.Month(m+2), 0, 0, 0, 0, 0, time.UTC).Day()
}

// category generates one year's records of one category and returns how
// many it handed over, how many of them in Bishkek and Chüy, and fn's
// error or the context's.
func (g *generator) category(ctx context.Context, year, ci int, fn func(*aldyn.Offense) error) (int, int, error) {
	cat := aldyn.OffenseCategories[ci]
	p := profiles[cat]
	n := g.yearTotal(year, cat)
	g.allocate(year, ci, n)
	// One stream per year and category: a year's records do not depend on
	// which other years are generated.
	rng := rand.New(rand.NewPCG(g.seed, uint64(year)<<8|uint64(ci)))
	rc := newRecorder(g.seed, year, ci, cat, p, n)
	done, bc := 0, 0
	for m := range 12 {
		if !g.until.IsZero() && !time.Date(year, time.Month(m+1), 1, 0, 0, 0, 0, time.UTC).Before(g.until) {
			break
		}
		rc.month(year, m)
		for ui := range g.units {
			u := &g.units[ui]
			c := g.counts[ui*12+m]
			for range c {
				if done&4095 == 0 {
					if err := ctx.Err(); err != nil {
						return done, bc, err
					}
				}
				o := rc.record(rng, u)
				if err := fn(o); err != nil {
					return done, bc, err
				}
				done++
				if u.bishkekChuy {
					bc++
				}
			}
		}
	}
	return done, bc, nil
}

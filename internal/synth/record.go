package synth

import (
	"math"
	"math/rand/v2"
	"time"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/importer"
)

// recorder makes the records of one year and category.
type recorder struct {
	seed      uint64
	key       uint64 // year and category, the high bits of each record's sequence key
	seq       uint64
	total     uint64 // records of the year and category
	cat       string
	p         *profile
	articles  []string
	livestock bool // theft has the livestock theft article 205-1

	hours, dwellingHours cdf24
	places, subgroups    []share // cumulative
	lag                  [len(lagWeights)]float64

	// The month being generated: its first day and the cumulative weekday
	// weights of its days.
	start   time.Time
	days    [31]float64
	numDays int

	// Records and IDs are allocated a chunk at a time: per-record
	// allocations would cost more than everything else together.
	slab []offense
	ids  string
}

const chunk = 512

type cdf24 [24]float64

func cumulative(w []float64, out []float64) {
	var s float64
	for i, x := range w {
		s += x
		out[i] = s
	}
	for i := range out[:len(w)] {
		out[i] /= s
	}
}

func cumShares(in []share) []share {
	out := make([]share, len(in))
	var s float64
	for i, x := range in {
		s += x.p
		out[i] = share{x.code, s}
	}
	return out
}

func newRecorder(seed uint64, year, ci int, cat string, p *profile, total int) *recorder {
	r := &recorder{seed: seed, key: uint64(year)<<40 | uint64(ci)<<32, total: uint64(total), cat: cat, p: p, articles: articles(cat)}
	cumulative(p.hours[:], r.hours[:])
	r.dwellingHours = r.hours
	if p.dwellingHours != nil {
		cumulative(p.dwellingHours[:], r.dwellingHours[:])
	}
	r.places = cumShares(p.places)
	// Subgroup shares are parts of the whole category, so not normalized.
	r.subgroups = cumShares(p.subgroups)
	cumulative(lagWeights[:], r.lag[:])
	if cat == aldyn.CategoryTheft {
		for _, a := range r.articles {
			r.livestock = r.livestock || a == "205-1"
		}
	}
	return r
}

// month prepares the days of month m (0-based) of year.
func (r *recorder) month(year, m int) {
	r.start = time.Date(year, time.Month(m+1), 1, 0, 0, 0, 0, time.UTC)
	r.numDays = daysIn(year, m)
	wd := (int(r.start.Weekday()) + 6) % 7
	w := make([]float64, r.numDays)
	for d := range w {
		w[d] = r.p.weekday[(wd+d)%7]
	}
	cumulative(w, r.days[:])
}

// pick returns the index of the first cumulative weight above u.
func pick(cdf []float64, u float64) int {
	for i, c := range cdf {
		if u < c {
			return i
		}
	}
	return len(cdf) - 1
}

// offense holds a record with the values its pointers point to, so that a
// record costs one allocation besides its ID.
type offense struct {
	o        aldyn.Offense
	lat, lon float64
	damage   int64
}

func (r *recorder) record(rng *rand.Rand, u *unit) *aldyn.Offense {
	if len(r.slab) == 0 {
		r.slab = make([]offense, min(chunk, max(r.total-r.seq, 1)))
	}
	x := &r.slab[0]
	r.slab = r.slab[1:]
	o := &x.o
	o.ID = r.id()
	o.Source = aldyn.SourceCrimes
	o.Category = r.cat
	o.TerritoryCode = u.code
	o.Synthetic = true

	for _, s := range r.subgroups {
		if rng.Float64() < s.p {
			o.Subgroup = s.code
			break
		}
	}
	switch {
	case o.Subgroup != "":
		// Domestic violence and crimes against children mostly happen at home.
		o.PlaceType = importer.PlaceDwelling
	default:
		o.PlaceType = r.places[pickShare(r.places, rng.Float64())].code
	}
	switch {
	case r.livestock && !u.urban && rng.Float64() < 0.15:
		o.Article = "205-1"
	case len(r.articles) > 0:
		o.Article = r.articles[0]
	}

	day := pick(r.days[:r.numDays], rng.Float64())
	o.OccurredOn = r.start.Add(time.Duration(day) * 24 * time.Hour)
	lag := pick(r.lag[:], rng.Float64())
	o.RegisteredOn = o.OccurredOn.Add(time.Duration(lag) * 24 * time.Hour)
	if rng.Float64() < noTimeShare {
		o.OccurredMinute = aldyn.UnknownMinute
	} else {
		h := &r.hours
		if o.PlaceType == importer.PlaceDwelling {
			h = &r.dwellingHours
		}
		o.OccurredMinute = pick(h[:], rng.Float64())*60 + rng.IntN(60)
	}

	if u.hasPoint && rng.Float64() >= noPointShare {
		x.lat, x.lon = r.point(rng, u)
		o.Lat, o.Lon = &x.lat, &x.lon
	}
	o.Solved = rng.Float64() < r.p.solved
	if r.p.damageMedian > 0 && rng.Float64() >= noDamageShare {
		d := r.p.damageMedian * math.Exp(r.p.damageSigma*rng.NormFloat64())
		x.damage = max(100, int64(math.Round(d/100))*100)
		o.DamageKGS = &x.damage
	}
	return o
}

func pickShare(cum []share, u float64) int {
	u *= cum[len(cum)-1].p
	for i, s := range cum {
		if u < s.p {
			return i
		}
	}
	return len(cum) - 1
}

// point draws a location around the unit's centroid or, for part of the
// records of a unit with a hot spot, close to the hot spot; it stays
// inside Kyrgyzstan's bounding box.
func (r *recorder) point(rng *rand.Rand, u *unit) (lat, lon float64) {
	cLat, cLon, sLat, sLon := u.lat, u.lon, u.sigLat, u.sigLon
	if u.hot != nil && rng.Float64() < hotSpotShare {
		cLat, cLon, sLat = u.hot.lat, u.hot.lon, hotSpotSigma
		sLon = sLat / math.Cos(cLat*math.Pi/180)
	}
	for range 4 {
		lat, lon = cLat+sLat*rng.NormFloat64(), cLon+sLon*rng.NormFloat64()
		if lat >= aldyn.MinLat && lat <= aldyn.MaxLat && lon >= aldyn.MinLon && lon <= aldyn.MaxLon {
			return lat, lon
		}
	}
	return min(max(lat, aldyn.MinLat), aldyn.MaxLat), min(max(lon, aldyn.MinLon), aldyn.MaxLon)
}

// id returns the next record's pseudonymous ID: 64 hex digits derived from
// the seed and the record's sequence key (year, category and number), so
// IDs never repeat within a seed, whichever years are generated together.
func (r *recorder) id() string {
	if len(r.ids) == 0 {
		n := min(chunk, max(r.total-r.seq, 1))
		b := make([]byte, 64*n)
		for i := range n {
			idHex(b[64*i:64*i+64], r.seed, r.key|(r.seq+i))
		}
		r.ids = string(b)
	}
	r.seq++
	id := r.ids[:64]
	r.ids = r.ids[64:]
	return id
}

func idHex(b []byte, seed, k uint64) {
	// For a fixed seed, k ↦ w0 is a bijection (xor, then an invertible
	// mixer), so distinct keys give distinct IDs.
	w0 := mix(k ^ seed*0x9e3779b97f4a7c15)
	w := [4]uint64{w0, mix(w0 + 0x9e3779b97f4a7c15), mix(w0 + 0x3c6ef372fe94f82a), mix(w0 ^ seed)}
	const digits = "0123456789abcdef"
	for i, x := range w {
		for j := 15; j >= 0; j-- {
			b[i*16+j] = digits[x&15]
			x >>= 4
		}
	}
}

// mix is SplitMix64's finalizer, a bijection of uint64.
func mix(z uint64) uint64 {
	z = (z ^ z>>30) * 0xbf58476d1ce4e5b9
	z = (z ^ z>>27) * 0x94d049bb133111eb
	return z ^ z>>31
}

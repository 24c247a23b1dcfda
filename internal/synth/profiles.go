package synth

import (
	"time"

	"github.com/aldyn-kg/aldyn"
	"github.com/aldyn-kg/aldyn/internal/importer"
)

// profile is how one category's records are spread over places and time.
// The shapes are plausible, not measured: the Concept publishes yearly
// national totals only.
type profile struct {
	season  [12]float64 // per day of each month, January first
	weekday [7]float64  // Monday first
	hours   *[24]float64
	// dwellingHours, when set, replaces hours for records in dwellings
	// (burglaries happen at night, pickpocketing by day).
	dwellingHours *[24]float64
	// urban multiplies the weight of city units: fraud and theft gather in
	// cities more than population alone says, traffic crimes less.
	urban float64
	// trend is the yearly change applied beyond the official years.
	trend     float64
	places    []share
	subgroups []share
	solved    float64
	// damageMedian (KGS) is set for property crimes; damage is log-normal.
	damageMedian, damageSigma float64
	// lockdown is the part of the category's records that the spring 2020
	// state of emergency took away in its worst month (April); negative
	// where it added (fraud moved online).
	lockdown float64
	// breaks are lasting changes of level from a month on.
	breaks []levelBreak
}

// levelBreak multiplies a category's level from the first day of Year and
// Month on, on top of the yearly trend.
type levelBreak struct {
	year   int
	month  time.Month
	factor float64
}

type share struct {
	code string
	p    float64
}

var (
	seasonMost  = [12]float64{0.82, 0.82, 0.93, 1.00, 1.07, 1.12, 1.17, 1.16, 1.07, 1.00, 0.93, 0.91}
	seasonFlat  = [12]float64{0.96, 0.95, 1.00, 1.00, 1.00, 0.98, 0.98, 1.00, 1.00, 1.02, 1.04, 1.10}
	seasonDrugs = [12]float64{0.72, 0.72, 0.80, 0.90, 1.00, 1.10, 1.22, 1.35, 1.35, 1.18, 0.90, 0.80}
	seasonRoad  = [12]float64{0.78, 0.76, 0.85, 0.95, 1.08, 1.15, 1.22, 1.22, 1.10, 1.00, 0.92, 0.97}

	weekFlat    = [7]float64{1, 1, 1, 1, 1.04, 1.06, 0.96}
	weekWeekend = [7]float64{0.82, 0.82, 0.86, 0.92, 1.12, 1.40, 1.32}
	weekOffice  = [7]float64{1.12, 1.12, 1.10, 1.10, 1.06, 0.78, 0.72}
	weekRoad    = [7]float64{0.92, 0.90, 0.92, 0.96, 1.10, 1.16, 1.04}

	//                 0     1     2     3     4     5     6     7     8     9    10    11    12    13    14    15    16    17    18    19    20    21    22    23
	hoursDay     = [24]float64{0.3, 0.2, 0.15, 0.1, 0.1, 0.15, 0.3, 0.6, 1.0, 1.4, 1.7, 1.8, 1.8, 1.8, 1.8, 1.7, 1.6, 1.5, 1.3, 1.0, 0.8, 0.6, 0.5, 0.4}
	hoursEvening = [24]float64{1.2, 1.0, 0.8, 0.6, 0.4, 0.2, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.1, 1.3, 1.6, 1.9, 2.2, 2.4, 2.4, 2.1, 1.6}
	hoursNight   = [24]float64{2.0, 2.2, 2.3, 2.2, 1.8, 1.2, 0.7, 0.5, 0.4, 0.5, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6, 0.7, 0.8, 0.9, 1.0, 1.2, 1.5, 1.8}
	hoursMixed   = [24]float64{0.8, 0.6, 0.5, 0.4, 0.3, 0.3, 0.5, 0.7, 0.9, 1.1, 1.2, 1.3, 1.3, 1.3, 1.3, 1.3, 1.4, 1.5, 1.6, 1.6, 1.5, 1.4, 1.2, 1.0}
	hoursRoad    = [24]float64{0.6, 0.5, 0.4, 0.3, 0.3, 0.4, 0.7, 1.2, 1.6, 1.3, 1.1, 1.1, 1.2, 1.2, 1.2, 1.3, 1.5, 1.8, 1.9, 1.7, 1.4, 1.2, 1.0, 0.8}
)

const (
	pStreet    = importer.PlaceStreet
	pDwelling  = importer.PlaceDwelling
	pTransport = importer.PlacePublicTransport
	pShop      = importer.PlaceShop
	pSchool    = importer.PlaceSchool
	pOther     = importer.PlaceOther
)

// profiles holds one profile per category code. Trends after 2021 follow
// the direction of the Concept's own narrative: fraud (much of it online)
// grows, street property crime slowly falls, the rest stays nearly flat.
// The lockdown of spring 2020 emptied the streets, so street crimes fall
// most then. The level breaks are invented, as real series have them (a
// camera network, a campaign, a change of law), to give forecasts
// something to miss.
var profiles = map[string]*profile{
	aldyn.CategoryMurder: {season: seasonMost, weekday: weekWeekend, hours: &hoursEvening, urban: 0.9, trend: 0,
		lockdown: 0.05, breaks: []levelBreak{{2024, time.January, 0.92}},
		places: []share{{pDwelling, 0.55}, {pStreet, 0.25}, {pOther, 0.20}}, solved: 0.90},
	aldyn.CategoryGraveHarm: {season: seasonMost, weekday: weekWeekend, hours: &hoursEvening, urban: 0.9, trend: 0.01,
		lockdown: 0.10, breaks: []levelBreak{{2024, time.March, 1.12}},
		places:    []share{{pDwelling, 0.50}, {pStreet, 0.35}, {pOther, 0.15}},
		subgroups: []share{{aldyn.SubgroupDomesticViolence, 0.30}}, solved: 0.80},
	aldyn.CategoryRape: {season: seasonMost, weekday: weekWeekend, hours: &hoursNight, urban: 1.0, trend: 0, lockdown: 0.15,
		places:    []share{{pDwelling, 0.65}, {pStreet, 0.10}, {pOther, 0.25}},
		subgroups: []share{{aldyn.SubgroupCrimesAgainstChildren, 0.25}}, solved: 0.75},
	aldyn.CategoryRobberyViolent: {season: seasonMost, weekday: weekFlat, hours: &hoursEvening, urban: 1.3, trend: -0.02,
		lockdown: 0.40, breaks: []levelBreak{{2023, time.July, 0.90}},
		places: []share{{pStreet, 0.55}, {pDwelling, 0.20}, {pShop, 0.15}, {pOther, 0.10}}, solved: 0.70,
		damageMedian: 20000, damageSigma: 1.0},
	aldyn.CategoryRobbery: {season: seasonMost, weekday: weekFlat, hours: &hoursEvening, urban: 1.6, trend: -0.02,
		lockdown: 0.50, breaks: []levelBreak{{2023, time.July, 0.88}},
		places: []share{{pStreet, 0.60}, {pTransport, 0.12}, {pShop, 0.13}, {pDwelling, 0.05}, {pOther, 0.10}}, solved: 0.50,
		damageMedian: 8000, damageSigma: 0.9},
	aldyn.CategoryTheft: {season: seasonMost, weekday: weekFlat, hours: &hoursDay, dwellingHours: &hoursNight, urban: 1.4, trend: -0.02,
		lockdown: 0.45, breaks: []levelBreak{{2023, time.July, 0.88}},
		places: []share{{pDwelling, 0.35}, {pStreet, 0.20}, {pShop, 0.18}, {pTransport, 0.07}, {pSchool, 0.03}, {pOther, 0.17}},
		solved: 0.35, damageMedian: 12000, damageSigma: 1.0},
	aldyn.CategoryFraud: {season: seasonFlat, weekday: weekOffice, hours: &hoursDay, urban: 1.6, trend: 0.06,
		lockdown: -0.15, breaks: []levelBreak{{2023, time.April, 0.88}},
		places: []share{{pOther, 0.60}, {pDwelling, 0.20}, {pShop, 0.15}, {pStreet, 0.05}}, solved: 0.30,
		damageMedian: 50000, damageSigma: 1.2},
	aldyn.CategoryExtortion: {season: seasonFlat, weekday: weekOffice, hours: &hoursDay, urban: 1.3, trend: 0,
		lockdown: 0.20, breaks: []levelBreak{{2023, time.October, 0.75}},
		places: []share{{pOther, 0.50}, {pShop, 0.25}, {pStreet, 0.15}, {pDwelling, 0.10}}, solved: 0.65,
		damageMedian: 80000, damageSigma: 1.0},
	aldyn.CategoryDrugs: {season: seasonDrugs, weekday: weekFlat, hours: &hoursMixed, urban: 1.0, trend: 0,
		lockdown: 0.30, breaks: []levelBreak{{2024, time.May, 1.20}},
		places: []share{{pStreet, 0.50}, {pDwelling, 0.25}, {pOther, 0.25}}, solved: 0.95},
	aldyn.CategoryHooliganism: {season: seasonMost, weekday: weekWeekend, hours: &hoursEvening, urban: 1.2, trend: -0.01,
		lockdown: 0.50, breaks: []levelBreak{{2024, time.January, 0.90}},
		places:    []share{{pStreet, 0.55}, {pDwelling, 0.15}, {pTransport, 0.08}, {pShop, 0.07}, {pSchool, 0.05}, {pOther, 0.10}},
		subgroups: []share{{aldyn.SubgroupDomesticViolence, 0.10}}, solved: 0.75},
	aldyn.CategoryTraffic: {season: seasonRoad, weekday: weekRoad, hours: &hoursRoad, urban: 0.9, trend: 0.01,
		lockdown: 0.45, breaks: []levelBreak{{2022, time.September, 0.90}},
		places: []share{{pStreet, 0.95}, {pOther, 0.05}}, solved: 0.85},
	aldyn.CategoryOther: {season: seasonMost, weekday: weekFlat, hours: &hoursMixed, urban: 1.0, trend: 0.01, lockdown: 0.25,
		places:    []share{{pStreet, 0.30}, {pDwelling, 0.30}, {pShop, 0.10}, {pSchool, 0.05}, {pTransport, 0.05}, {pOther, 0.20}},
		subgroups: []share{{aldyn.SubgroupDomesticViolence, 0.06}, {aldyn.SubgroupCrimesAgainstChildren, 0.02}}, solved: 0.60},
}

// articles returns the Criminal Code articles the importer maps to a
// category, so that synthetic records land in the same subgroups as real
// ones; categories without a confirmed article get none.
func articles(category string) []string {
	var out []string
	for _, s := range importer.Subgroups {
		if s.Category == category && s.Source == importer.SourceCrimes {
			out = append(out, s.Articles...)
		}
	}
	return out
}

// hotSpot is a place that draws a part of its unit's records close to it.
type hotSpot struct {
	code     string // the unit it lies in
	lat, lon float64
}

// hotSpots are well-known crowded places: central squares and bazaars.
var hotSpots = []hotSpot{
	{"41711203000000", 42.8766, 74.6036}, // Bishkek, Ala-Too Square
	{"41711201000000", 42.8747, 74.5697}, // Bishkek, Osh Bazaar
	{"41711204000000", 42.9405, 74.6208}, // Bishkek, Dordoi Bazaar
	{"41721000000000", 40.5312, 72.7935}, // Osh, Jayma Bazaar
	{"41702410000000", 42.4906, 78.3936}, // Karakol centre
	{"41703410000000", 40.9330, 73.0018}, // Jalal-Abad centre
	{"41708400000000", 42.8421, 75.2907}, // Tokmok centre
}

const (
	hotSpotBoost  = 1.25   // extra weight of a unit with a hot spot
	hotSpotShare  = 0.35   // part of its located records at the hot spot
	hotSpotSigma  = 0.0035 // degrees of latitude, about 400 m
	noTimeShare   = 0.05   // records without a time of day
	noPointShare  = 0.10   // records without coordinates
	noDamageShare = 0.15   // property crimes without a damage figure
)

// Month counts are overdispersed like real ones: given its expected
// count μ, a month's count varies as a negative binomial with variance
// μ + μ²/monthDispersion (Poisson noise plus a coefficient of variation of
// about 1/√monthDispersion that does not fade with size).
const monthDispersion = 60

// lockdownShape spreads Profile.lockdown over March to June 2020, the state
// of emergency from 25 March to 10 May and the weeks after it.
var lockdownShape = [12]float64{2: 0.3, 3: 1, 4: 0.6, 5: 0.2}

// lagWeights are the chances of registration 0, 1, … 10 days after the
// offense.
var lagWeights = [11]float64{0.45, 0.20, 0.10, 0.06, 0.05, 0.04, 0.03, 0.025, 0.02, 0.015, 0.01}

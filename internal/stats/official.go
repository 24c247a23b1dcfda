package stats

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"math/big"
	"strconv"
	"strings"
	"sync"

	"github.com/aldyn-kg/aldyn/internal/refdata"
)

// OfficialFigure is one row of official-statistics.csv: one figure the
// Concept states. A figure is identified by (Key, Territory, Year, Section):
// Table 1 (section "1") and §5.2 repeat some facts, once with a different
// value.
type OfficialFigure struct {
	Key         string `json:"key"`
	IndicatorEN string `json:"indicator_en"`
	IndicatorKY string `json:"indicator_ky"`
	Territory   string `json:"territory"`
	// Year is a year ("2020"), a period ("2018-2020") or "undated".
	Year          string  `json:"year"`
	Value         float64 `json:"value"`
	Unit          string  `json:"unit"`
	SourceEN      string  `json:"source_en"`
	Section       string  `json:"section"`
	ValueAsStated string  `json:"value_as_stated"`
}

var officialColumns = []string{
	"indicator_key", "indicator_en", "indicator_ky", "territory", "year",
	"value", "unit", "source_en", "section", "value_as_stated",
}

// ParseOfficial reads official statistics in the layout of refdata's
// official-statistics.csv. Errors name the row (the header is row 1).
func ParseOfficial(r io.Reader) ([]OfficialFigure, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = len(officialColumns)
	head, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("official statistics row 1: %w", err)
	}
	for i, name := range officialColumns {
		if strings.TrimPrefix(strings.TrimSpace(head[i]), "\ufeff") != name {
			return nil, fmt.Errorf("official statistics row 1: column %d is %q, want %q", i+1, head[i], name)
		}
	}
	var figs []OfficialFigure
	for row := 2; ; row++ {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return figs, nil
		}
		if err != nil {
			return nil, fmt.Errorf("official statistics row %d: %w", row, err)
		}
		f := OfficialFigure{
			Key: rec[0], IndicatorEN: rec[1], IndicatorKY: rec[2], Territory: rec[3],
			Year: rec[4], Unit: rec[6], SourceEN: rec[7], Section: rec[8], ValueAsStated: rec[9],
		}
		if f.Key == "" || f.Territory == "" || f.Year == "" || f.Section == "" {
			return nil, fmt.Errorf("official statistics row %d: indicator_key, territory, year and section are required", row)
		}
		f.Value, err = strconv.ParseFloat(rec[5], 64)
		if err != nil || math.IsNaN(f.Value) || math.IsInf(f.Value, 0) {
			return nil, fmt.Errorf("official statistics row %d: value %q is not a plain number", row, rec[5])
		}
		figs = append(figs, f)
	}
}

var official = sync.OnceValue(func() []OfficialFigure {
	figs, err := ParseOfficial(strings.NewReader(string(refdata.MustRead("official-statistics.csv"))))
	if err != nil {
		// The file is embedded at build time and tested.
		panic("stats: embedded " + err.Error())
	}
	return figs
})

// Official returns the figures of the embedded official-statistics.csv,
// parsed once. Callers must not modify the slice.
func Official() []OfficialFigure { return official() }

// Check is one arithmetic check of the official figures (refdata's
// checks.md): a formula, what the text states, and what the figures give.
// Its words are messages, written in the reader's language by the web
// layer: Formula names stats.official.check.<Formula> and StatedKey
// stats.official.stated.<StatedKey>, both filled from Args.
type Check struct {
	ID      string
	Formula string
	Args    map[string]string
	// Missing names the figures the check needs and did not find.
	Missing []string
	// Stated quotes what the text states (its Kyrgyz words) unless
	// StatedKey says it in a message.
	Stated    string
	StatedKey string
	Value     float64
	// Display is Value rounded half up the way checks.md writes it.
	Display string
	// OK reports that the figures agree with what the text states (or, for
	// a derived figure, with the rule checks.md gives). It is false when a
	// figure the check needs is missing and for the known disagreements.
	OK bool
}

// figureSet finds figures by key, year and section; territory KG unless
// the key says otherwise.
type figureSet struct {
	figs    []OfficialFigure
	missing []string
}

// get returns the value of the figure with the key and year, in section
// sec or, when sec is "", the only such figure (Table 1's first when it
// repeats). A missing figure is remembered and gives NaN.
func (s *figureSet) get(key, year, sec string) float64 {
	for _, f := range s.figs {
		if f.Key == key && f.Year == year && (sec == "" || f.Section == sec) {
			return f.Value
		}
	}
	where := key + " " + year
	if sec != "" {
		where += " §" + sec
	}
	s.missing = append(s.missing, where)
	return math.NaN()
}

func (s *figureSet) stated(key, year, sec string) string {
	for _, f := range s.figs {
		if f.Key == key && f.Year == year && (sec == "" || f.Section == sec) {
			return f.ValueAsStated
		}
	}
	return ""
}

// Keys of the figures the checks use.
const (
	keyTotal       = "registered_crimes_total"
	keyTheft       = "registered_crimes_theft"
	keyRobbery     = "registered_crimes_robbery"
	keyRobberyViol = "registered_crimes_robbery_with_violence"
	keyFraud       = "registered_crimes_fraud"
)

// OfficialChecks recomputes the checks of refdata's checks.md (C1–C10),
// the year-on-year changes of the registered crime total it shows for
// reference (Y2020, Y2021) and the known disagreement of the 2020 fraud
// figure between Table 1 and §5.2 (D1), from the figures given.
func OfficialChecks(figs []OfficialFigure) []Check {
	s := &figureSet{figs: figs}
	var checks []Check
	add := func(c Check, vals ...float64) {
		for _, v := range vals {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				c.OK = false
				c.Display = "—"
				c.Value = math.NaN()
			}
		}
		c.Missing, s.missing = s.missing, nil
		checks = append(checks, c)
	}

	// C1: the four property crimes of §5.2 over Table 1's total.
	{
		sum := s.get(keyTheft, "2020", "5.2") + s.get(keyRobbery, "2020", "5.2") +
			s.get(keyRobberyViol, "2020", "5.2") + s.get(keyFraud, "2020", "5.2")
		total := s.get(keyTotal, "2020", "1")
		v := 100 * sum / total
		stated := s.get("property_crimes_4types_share_of_registered", "2020", "5.2")
		d := roundHalfUp(v, 2)
		add(Check{
			ID: "C1", Formula: "c1", Args: map[string]string{"sum": num(sum), "total": num(total)},
			Stated: s.stated("property_crimes_4types_share_of_registered", "2020", "5.2"),
			Value:  v, Display: d, OK: d == roundHalfUp(stated, 2),
		}, v, stated)
	}

	// C2, C3: yearly averages of 2018–2020 road deaths.
	for _, a := range []struct{ id, key, avg string }{
		{"C2", "road_deaths", "road_deaths_avg_per_year"},
		{"C3", "road_child_deaths", "road_child_deaths_avg_per_year"},
	} {
		total := s.get(a.key, "2018-2020", "")
		v := total / 3
		stated := s.get(a.avg, "2018-2020", "")
		d := roundHalfUp(v, 0)
		add(Check{
			ID: a.id, Formula: strings.ToLower(a.id), Args: map[string]string{"total": num(total)},
			Stated: s.stated(a.avg, "2018-2020", ""),
			Value:  v, Display: d, OK: d == roundHalfUp(stated, 0),
		}, v, stated)
	}

	// C4: every registered total of 2019–2021 above the stated lower bound.
	{
		bound := s.get("registered_acts_per_year_lower_bound", "undated", "")
		var vals []string
		minV := math.Inf(1)
		ok := true
		for _, y := range []string{"2019", "2020", "2021"} {
			v := s.get(keyTotal, y, "1")
			vals = append(vals, num(v))
			minV = math.Min(minV, v)
			ok = ok && v > bound
		}
		add(Check{
			ID: "C4", Formula: "c4", Args: map[string]string{"bound": num(bound)}, StatedKey: "more_than",
			Value: minV, Display: strings.Join(vals, ", "), OK: ok,
		}, minV, bound)
	}

	// C5: the survey's wording ("less than half", "every fourth", "about a third").
	{
		safe := s.get("women_feel_safe_alone_after_dark", "2019", "")
		unsafe := s.get("women_feel_unsafe_alone_after_dark", "2019", "")
		never := s.get("women_never_walk_alone_after_dark", "2019", "")
		// "Every fourth" and "about a third" allow a few points either way.
		ok := safe < 50 && math.Abs(unsafe-100.0/4) < 2.5 && math.Abs(never-100.0/3) < 5
		add(Check{
			ID: "C5", Formula: "c5", Args: map[string]string{"safe": num(safe), "unsafe": num(unsafe), "never": num(never)}, StatedKey: "as_worded",
			Value: safe, Display: fmt.Sprintf("%s, %s, %s", num(safe), num(unsafe), num(never)), OK: ok,
		}, safe, unsafe, never)
	}

	// C6: three years of juvenile suicides within the ten-year total.
	{
		sum := s.get("juvenile_suicides", "2018", "") + s.get("juvenile_suicides", "2019", "") + s.get("juvenile_suicides", "2020", "")
		decade := s.get("juvenile_suicides", "2011-2020", "")
		add(Check{
			ID: "C6", Formula: "c6", Args: map[string]string{"decade": num(decade), "rest": num(decade - sum)}, StatedKey: "at_most",
			Value: sum, Display: roundHalfUp(sum, 0), OK: sum <= decade,
		}, sum, decade)
	}

	// C7: "twice less" crime at camera sites is a 50 % reduction.
	{
		factor := s.get("safe_city_public_place_crime_reduction_factor", "undated", "")
		v := 100 * (1 - 1/factor)
		add(Check{
			ID: "C7", Formula: "c7", Args: map[string]string{"factor": num(factor)},
			Stated: s.stated("safe_city_public_place_crime_reduction_factor", "undated", ""),
			Value:  v, Display: roundHalfUp(v, 0), OK: factor > 1,
		}, v)
	}

	// C8: homicides implied by the 2018 cost estimate; Table 1 has no 2018
	// column to compare with, so OK only says the figure is plausible.
	{
		total := s.get("state_cost_homicides_total", "2018", "")
		unit := s.get("state_cost_per_homicide_investigation", "2012", "")
		v := total / unit
		add(Check{
			ID: "C8", Formula: "c8", Args: map[string]string{"total": num(total), "unit": num(unit)}, StatedKey: "not_stated",
			Value: v, Display: roundHalfUp(v, 0), OK: v > 0,
		}, v)
	}

	// C9: the dark figure implied by the 2015 survey.
	{
		share := s.get("victims_not_reporting_share", "2015", "")
		v := 1 / (1 - share/100)
		lo := s.get("property_victimization_vs_official_factor_min", "undated", "")
		hi := s.get("property_victimization_vs_official_factor_max", "undated", "")
		add(Check{
			ID: "C9", Formula: "c9", Args: map[string]string{"share": num(share / 100), "lo": num(lo), "hi": num(hi)}, StatedKey: "times",
			Value: v, Display: roundHalfUp(v, 2), OK: v >= lo && v <= hi,
		}, v, lo, hi)
	}

	// C10: the same share from Table 1 alone, per year.
	for _, y := range []string{"2019", "2020", "2021"} {
		sum := s.get(keyTheft, y, "1") + s.get(keyRobbery, y, "1") + s.get(keyRobberyViol, y, "1") + s.get(keyFraud, y, "1")
		total := s.get(keyTotal, y, "1")
		v := 100 * sum / total
		add(Check{
			ID: "C10-" + y, Formula: "c10", Args: map[string]string{"year": y, "sum": num(sum), "total": num(total)}, StatedKey: "not_stated",
			Value: v, Display: roundHalfUp(v, 2), OK: true,
		}, v)
	}

	// Year-on-year change of the registered total, for reference.
	for _, p := range [][2]string{{"2019", "2020"}, {"2020", "2021"}} {
		from, to := s.get(keyTotal, p[0], "1"), s.get(keyTotal, p[1], "1")
		v := 100 * (to - from) / from
		d := roundHalfUp(v, 2)
		if v > 0 {
			d = "+" + d
		}
		add(Check{
			ID: "Y" + p[1], Formula: "yoy", Args: map[string]string{"from_year": p[0], "to_year": p[1], "from": num(from), "to": num(to)},
			StatedKey: "not_stated",
			Value:     v, Display: d, OK: true,
		}, v)
	}

	// D1: §5.2's 2020 fraud figure is not Table 1's.
	{
		t1 := s.get(keyFraud, "2020", "1")
		s52 := s.get(keyFraud, "2020", "5.2")
		v := s52 - t1
		add(Check{
			ID: "D1", Formula: "d1", Args: map[string]string{"s52": num(s52), "t1": num(t1)},
			Stated: s.stated(keyFraud, "2020", "5.2"),
			Value:  v, Display: roundHalfUp(v, 0), OK: v == 0,
		}, v)
	}
	return checks
}

// num writes a figure without exponent or trailing zeros.
func num(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

// roundHalfUp writes v with the given number of decimals, rounding halves
// away from zero as python's decimal.ROUND_HALF_UP does. v is first cut to
// 12 significant digits, so binary noise (2.675 stored as 2.67499…) does
// not decide the rounding.
func roundHalfUp(v float64, decimals int) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "—"
	}
	r, ok := new(big.Rat).SetString(strconv.FormatFloat(v, 'g', 12, 64))
	if !ok {
		return "—"
	}
	neg := r.Sign() < 0
	r.Abs(r)
	scale := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(decimals)), nil)
	r.Mul(r, new(big.Rat).SetInt(scale))
	r.Add(r, big.NewRat(1, 2))
	q := new(big.Int).Quo(r.Num(), r.Denom()) // floor, r ≥ 0
	s := q.String()
	if decimals > 0 {
		if len(s) <= decimals {
			s = strings.Repeat("0", decimals-len(s)+1) + s
		}
		s = s[:len(s)-decimals] + "." + s[len(s)-decimals:]
	}
	if neg && strings.Trim(s, "0.") != "" {
		s = "-" + s
	}
	return s
}

package plantemplate

import (
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/aldyn-kg/aldyn"
)

// The parsers of cells. Each takes a trimmed, non-empty cell.

// parseDate reads YYYY-MM-DD or D.M.YYYY, and with serial a spreadsheet's
// date serial number (a date cell read raw), as a UTC date.
func parseDate(s string, serial bool) (time.Time, bool) {
	for _, layout := range []string{"2006-01-02", "2.1.2006", "2006-1-2"} {
		if t, err := time.Parse(layout, s); err == nil {
			return dateOnly(t)
		}
	}
	if serial {
		if x, err := strconv.ParseFloat(s, 64); err == nil && x >= 1 && x < 2958466 {
			if t, err := excelize.ExcelDateToTime(math.Floor(x), false); err == nil {
				return dateOnly(t)
			}
		}
	}
	return time.Time{}, false
}

func dateOnly(t time.Time) (time.Time, bool) {
	if t.Year() < 1900 || t.Year() > 2200 {
		return time.Time{}, false
	}
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC), true
}

// parseNumber reads a finite number with a decimal point or comma and
// spaces between thousands.
func parseNumber(s string) (float64, bool) {
	s = strings.Map(func(r rune) rune {
		switch r {
		case ' ', '\u00a0', '\u202f', '\'':
			return -1
		}
		return r
	}, s)
	if strings.Contains(s, ",") && !strings.Contains(s, ".") {
		s = strings.Replace(s, ",", ".", 1)
	}
	// ParseFloat also takes "inf", "nan" and hex; a cell should not.
	for _, r := range s {
		if !(r >= '0' && r <= '9' || r == '.' || r == '-' || r == '+' || r == 'e' || r == 'E') {
			return 0, false
		}
	}
	x, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
		return 0, false
	}
	return x, true
}

// maxAmount keeps amounts exact in float64 and far beyond any budget.
const maxAmount = 1e15

// parseAmount reads a whole, non-negative number of soms.
func parseAmount(s string) (int64, bool) {
	x, ok := parseNumber(s)
	if !ok || x < 0 || x != math.Trunc(x) || x >= maxAmount {
		return 0, false
	}
	return int64(x), true
}

// parseYear reads a whole year.
func parseYear(s string) (int, bool) {
	x, ok := parseNumber(s)
	if !ok || x != math.Trunc(x) || x < 1000 || x > 9999 {
		return 0, false
	}
	return int(x), true
}

var yesWords = map[string]bool{
	"yes": true, "y": true, "true": true, "1": true, "да": true, "д": true, "ооба": true, "истина": true,
	"no": false, "n": false, "false": false, "0": false, "нет": false, "н": false, "жок": false, "ложь": false,
}

// parseYesNo reads yes/no in the platform's languages, true/false or 1/0.
func parseYesNo(s string) (bool, bool) {
	b, ok := yesWords[strings.ToLower(s)]
	return b, ok
}

// parseTargets reads "2025:10;2026:8".
func parseTargets(s string) ([]aldyn.IndicatorTarget, bool) {
	var out []aldyn.IndicatorTarget
	for _, item := range splitList(s) {
		y, v, ok := strings.Cut(item, ":")
		if !ok {
			y, v, ok = strings.Cut(item, "=")
		}
		if !ok {
			return nil, false
		}
		year, okY := parseYear(strings.TrimSpace(y))
		value, okV := parseNumber(strings.TrimSpace(v))
		if !okY || !okV {
			return nil, false
		}
		out = append(out, aldyn.IndicatorTarget{Year: year, Value: value})
	}
	return out, len(out) > 0
}

// splitList splits a ";"-separated cell, dropping empty items.
func splitList(s string) []string {
	var out []string
	for _, item := range strings.Split(s, ";") {
		if item = strings.TrimSpace(item); item != "" {
			out = append(out, item)
		}
	}
	return out
}

// clip shortens a value echoed in an error.
func clip(s string) string {
	const n = 100
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}

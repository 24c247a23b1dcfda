package importer

import (
	"errors"
	"math"
	"strconv"
	"strings"
	"time"
)

// Kyrgyzstan keeps UTC+6 all year (no daylight saving since 2005); dates in
// the registers are local dates.
const localOffset = 6 * time.Hour

// dateFormat is a compiled date layout such as "D.M.YYYY".
type dateFormat []dateTok

type dateTok struct {
	kind byte // 'Y' four digits, 'M'/'D' two digits, 'm'/'d' one or two, 'L' literal
	lit  byte
}

func compileDateFormat(f string) (dateFormat, error) {
	var out dateFormat
	var y, m, d int
	for i := 0; i < len(f); {
		switch {
		case strings.HasPrefix(f[i:], "YYYY"):
			out, i, y = append(out, dateTok{kind: 'Y'}), i+4, y+1
		case strings.HasPrefix(f[i:], "MM"):
			out, i, m = append(out, dateTok{kind: 'M'}), i+2, m+1
		case f[i] == 'M':
			out, i, m = append(out, dateTok{kind: 'm'}), i+1, m+1
		case strings.HasPrefix(f[i:], "DD"):
			out, i, d = append(out, dateTok{kind: 'D'}), i+2, d+1
		case f[i] == 'D':
			out, i, d = append(out, dateTok{kind: 'd'}), i+1, d+1
		case f[i] < 0x80 && !isDigit(f[i]) && !(f[i]|0x20 >= 'a' && f[i]|0x20 <= 'z'):
			out, i = append(out, dateTok{kind: 'L', lit: f[i]}), i+1
		default:
			return nil, errors.New("date format: unexpected " + strconv.Quote(f[i:i+1]))
		}
	}
	if y != 1 || m != 1 || d != 1 {
		return nil, errors.New("date format: needs YYYY, M and D once each")
	}
	return out, nil
}

// parse reads a date at the start of s and returns what follows it.
func (f dateFormat) parse(s string) (y, m, d int, rest string, ok bool) {
	i := 0
	num := func(min, max int) (int, bool) {
		n, start := 0, i
		for i < len(s) && i-start < max && isDigit(s[i]) {
			n = n*10 + int(s[i]-'0')
			i++
		}
		return n, i-start >= min
	}
	for _, t := range f {
		var good bool
		switch t.kind {
		case 'Y':
			y, good = num(4, 4)
		case 'M':
			m, good = num(2, 2)
		case 'm':
			m, good = num(1, 2)
		case 'D':
			d, good = num(2, 2)
		case 'd':
			d, good = num(1, 2)
		case 'L':
			good = i < len(s) && s[i] == t.lit
			i++
		}
		if !good {
			return 0, 0, 0, "", false
		}
	}
	if m < 1 || m > 12 || d < 1 || d > daysIn(m, y) {
		return 0, 0, 0, "", false
	}
	return y, m, d, s[i:], true
}

func daysIn(m, y int) int {
	switch m {
	case 2:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// parseDateTime reads a date with an optional time of day ("2023-05-01",
// "01.05.2023 14:30", "2023-05-01T14:30:00+06:00"); a time with a zone is
// moved to Kyrgyzstan's time. With serial, spreadsheet date numbers (days
// since 1899-12-30, the fraction being the time) are read too.
func parseDateTime(s string, formats []dateFormat, serial bool) (date time.Time, tod time.Duration, hasTime, ok bool) {
	if serial && s != "" && (isDigit(s[0])) {
		if f, err := strconv.ParseFloat(s, 64); err == nil {
			return serialDate(f)
		}
	}
	for _, f := range formats {
		y, m, d, rest, good := f.parse(s)
		if !good {
			continue
		}
		date = time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
		if rest == "" {
			return date, 0, false, true
		}
		if rest[0] != ' ' && rest[0] != 'T' {
			return time.Time{}, 0, false, false
		}
		rest = strings.TrimLeft(rest[1:], " ")
		t, zone, good := parseClock(rest)
		if !good {
			return time.Time{}, 0, false, false
		}
		if zone != "" {
			off, good := parseZone(zone)
			if !good {
				return time.Time{}, 0, false, false
			}
			at := date.Add(t - off + localOffset)
			date = time.Date(at.Year(), at.Month(), at.Day(), 0, 0, 0, 0, time.UTC)
			t = at.Sub(date)
		}
		return date, t, true, true
	}
	return time.Time{}, 0, false, false
}

// serialDate converts a spreadsheet serial in the 1900 date system; the
// time is rounded to the minute.
func serialDate(f float64) (time.Time, time.Duration, bool, bool) {
	// 61 is 1900-03-01; serials below it are skewed by the 1900 leap-year
	// bug and no register holds such dates.
	if math.IsNaN(f) || f < 61 || f >= 2958466 {
		return time.Time{}, 0, false, false
	}
	days := math.Floor(f)
	mins := math.Round((f - days) * 24 * 60)
	if mins >= 24*60 {
		days, mins = days+1, 0
	}
	date := time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC).AddDate(0, 0, int(days))
	return date, time.Duration(mins) * time.Minute, mins != 0, true
}

// parseTime reads a time of day: "9:05", "14:30", "14:30:59", or with
// serial a spreadsheet fraction of a day.
func parseTime(s string, serial bool) (time.Duration, bool) {
	if serial && strings.HasPrefix(s, "0.") {
		f, err := strconv.ParseFloat(s, 64)
		if err != nil || f < 0 || f >= 1 {
			return 0, false
		}
		m := math.Round(f * 24 * 60)
		if m >= 24*60 {
			m = 24*60 - 1
		}
		return time.Duration(m) * time.Minute, true
	}
	t, zone, ok := parseClock(s)
	if !ok || zone != "" {
		return 0, false
	}
	return t, true
}

// parseClock reads H:MM[:SS[.fff]] and returns what follows (a zone).
func parseClock(s string) (time.Duration, string, bool) {
	i := 0
	two := func(min int) (int, bool) {
		n, start := 0, i
		for i < len(s) && i-start < 2 && isDigit(s[i]) {
			n = n*10 + int(s[i]-'0')
			i++
		}
		return n, i-start >= min
	}
	h, ok := two(1)
	if !ok || h > 23 || i >= len(s) || s[i] != ':' {
		return 0, "", false
	}
	i++
	m, ok := two(2)
	if !ok || m > 59 {
		return 0, "", false
	}
	sec := 0
	if i < len(s) && s[i] == ':' {
		i++
		if sec, ok = two(2); !ok || sec > 59 {
			return 0, "", false
		}
		if i < len(s) && s[i] == '.' {
			i++
			for i < len(s) && isDigit(s[i]) {
				i++
			}
		}
	}
	return time.Duration(h)*time.Hour + time.Duration(m)*time.Minute + time.Duration(sec)*time.Second, strings.TrimSpace(s[i:]), true
}

// parseZone reads "Z", "+06:00", "+0600" or "+06".
func parseZone(z string) (time.Duration, bool) {
	if z == "Z" || z == "z" {
		return 0, true
	}
	if len(z) < 3 || (z[0] != '+' && z[0] != '-') {
		return 0, false
	}
	digits := strings.Replace(z[1:], ":", "", 1)
	if (len(digits) != 2 && len(digits) != 4) || !allDigits(digits) {
		return 0, false
	}
	h, _ := strconv.Atoi(digits[:2])
	m := 0
	if len(digits) == 4 {
		m, _ = strconv.Atoi(digits[2:])
	}
	if h > 14 || m > 59 {
		return 0, false
	}
	off := time.Duration(h)*time.Hour + time.Duration(m)*time.Minute
	if z[0] == '-' {
		off = -off
	}
	return off, true
}

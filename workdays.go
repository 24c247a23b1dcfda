package aldyn

import (
	_ "embed"
	"strings"
	"time"
)

// holidaysCSV lists the Kyrgyz Republic's non-working public holidays for
// the years deadlines are counted in (2026-2028), with their source in its
// header.
//
//go:embed holidays_kg.csv
var holidaysCSV string

// HolidayYears are the years the embedded holiday list covers; outside
// them only weekends are skipped.
var HolidayYears = [2]int{2026, 2028}

// holidays holds the days of holidaysCSV, as ISO days.
var holidays = func() map[string]string {
	m := map[string]string{}
	for _, line := range strings.Split(holidaysCSV, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		parts := strings.SplitN(line, ",", 3)
		if len(parts) != 3 {
			panic("holidays_kg.csv: bad line " + line)
		}
		if _, err := time.Parse(time.DateOnly, parts[0]); err != nil {
			panic("holidays_kg.csv: " + err.Error())
		}
		m[parts[0]] = parts[2]
	}
	return m
}()

// Holiday returns the name of the public holiday on day t, or "".
func Holiday(t time.Time) string {
	return holidays[t.Format(time.DateOnly)]
}

// IsWorkingDay reports whether day t is a working day: Monday to Friday
// and not a public holiday.
func IsWorkingDay(t time.Time) bool {
	if wd := t.Weekday(); wd == time.Saturday || wd == time.Sunday {
		return false
	}
	return Holiday(t) == ""
}

// AddWorkingDays returns the day n working days after day t: weekends and
// the Kyrgyz Republic's public holidays are skipped.
func AddWorkingDays(t time.Time, n int) time.Time {
	d := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
	for n > 0 {
		d = d.AddDate(0, 0, 1)
		if IsWorkingDay(d) {
			n--
		}
	}
	return d
}

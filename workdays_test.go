package aldyn

import (
	"testing"
	"time"
)

func day(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestAddWorkingDaysSkipsHolidays(t *testing.T) {
	cases := []struct {
		name, from string
		n          int
		want       string
	}{
		{"plain week", "2026-02-02", 5, "2026-02-09"},
		{"over a weekend", "2026-02-06", 1, "2026-02-09"},
		{"Orozo Ait 2026 (Friday)", "2026-03-19", 1, "2026-03-23"},
		{"New Year holidays extended to 12 January 2026", "2025-12-31", 1, "2026-01-13"},
		{"May holidays", "2026-04-30", 1, "2026-05-11"},
		{"Independence Day (Monday)", "2026-08-28", 1, "2026-09-01"},
		{"Nooruz on a Saturday is not moved", "2026-03-20", 1, "2026-03-23"},
		{"Women's Day 2027 (Monday) and Orozo Ait (Wednesday)", "2027-03-05", 3, "2027-03-12"},
		{"New Year 2028", "2027-12-31", 1, "2028-01-10"},
		{"zero days is the day itself", "2026-08-31", 0, "2026-08-31"},
		{"outside the list only weekends", "2030-01-01", 1, "2030-01-02"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := AddWorkingDays(day(c.from), c.n).Format(time.DateOnly); got != c.want {
				t.Errorf("AddWorkingDays(%s, %d) = %s, want %s", c.from, c.n, got, c.want)
			}
		})
	}
}

func TestHolidayList(t *testing.T) {
	// Every listed year has its fixed holidays; each day is listed once
	// (a map) and parses (the loader panics otherwise).
	for y := HolidayYears[0]; y <= HolidayYears[1]; y++ {
		for _, md := range []string{"01-01", "01-07", "03-08", "03-21", "05-01", "05-05", "05-09", "08-31"} {
			d := day(time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC).Format("2006") + "-" + md)
			if Holiday(d) == "" {
				t.Errorf("%s is not a holiday", d.Format(time.DateOnly))
			}
			if IsWorkingDay(d) {
				t.Errorf("%s is a working day", d.Format(time.DateOnly))
			}
		}
	}
	if !IsWorkingDay(day("2026-12-07")) {
		t.Error("an ordinary Monday is not a working day")
	}
	if IsWorkingDay(day("2026-12-05")) {
		t.Error("a Saturday is a working day")
	}
}

package importer

import (
	"strconv"
	"testing"
	"time"
)

func TestParseDateTime(t *testing.T) {
	iso, _ := compileDateFormat("YYYY-MM-DD")
	dmy, _ := compileDateFormat("D.M.YYYY")
	formats := []dateFormat{iso, dmy}
	day := func(y, m, d int) time.Time { return time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC) }
	tests := []struct {
		in      string
		serial  bool
		date    time.Time
		tod     time.Duration
		hasTime bool
		ok      bool
	}{
		{in: "2024-03-05", date: day(2024, 3, 5), ok: true},
		{in: "05.03.2024", date: day(2024, 3, 5), ok: true},
		{in: "5.3.2024", date: day(2024, 3, 5), ok: true},
		{in: "2024-03-05 14:30", date: day(2024, 3, 5), tod: 14*time.Hour + 30*time.Minute, hasTime: true, ok: true},
		{in: "05.03.2024 9:05:07", date: day(2024, 3, 5), tod: 9*time.Hour + 5*time.Minute + 7*time.Second, hasTime: true, ok: true},
		// 20:30 UTC is 02:30 the next day in Bishkek.
		{in: "2024-03-05T20:30:00Z", date: day(2024, 3, 6), tod: 2*time.Hour + 30*time.Minute, hasTime: true, ok: true},
		{in: "2024-03-05T14:30:00+06:00", date: day(2024, 3, 5), tod: 14*time.Hour + 30*time.Minute, hasTime: true, ok: true},
		{in: "2024-02-29", date: day(2024, 2, 29), ok: true},
		{in: "2023-02-29"},
		{in: "2024-13-01"},
		{in: "31.04.2024"},
		{in: "2024-03-05x"},
		{in: "2024-03-05 25:00"},
		{in: "03/05/2024"},
		{in: "45356", serial: false},
		{in: "45356", serial: true, date: day(2024, 3, 5), ok: true},
		{in: "45356.75", serial: true, date: day(2024, 3, 5), tod: 18 * time.Hour, hasTime: true, ok: true},
		{in: "12", serial: true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			d, tod, has, ok := parseDateTime(tt.in, formats, tt.serial)
			if ok != tt.ok || !d.Equal(tt.date) || tod != tt.tod || has != tt.hasTime {
				t.Errorf("got %v %v %v %v, want %v %v %v %v", d, tod, has, ok, tt.date, tt.tod, tt.hasTime, tt.ok)
			}
		})
	}
}

func TestCompileDateFormat(t *testing.T) {
	for _, f := range []string{"YYYY-MM-DD", "D.M.YYYY", "DD/MM/YYYY", "YYYYMMDD"} {
		if _, err := compileDateFormat(f); err != nil {
			t.Errorf("%q: got %v, want nil", f, err)
		}
	}
	for _, f := range []string{"", "YYYY-MM", "DD.MM.YY", "2006-01-02", "YYYY-MM-DD-DD"} {
		if _, err := compileDateFormat(f); err == nil {
			t.Errorf("%q: got nil, want an error", f)
		}
	}
}

func TestParseTime(t *testing.T) {
	tests := []struct {
		in     string
		serial bool
		want   time.Duration
		ok     bool
	}{
		{"14:30", false, 14*time.Hour + 30*time.Minute, true},
		{"9:05", false, 9*time.Hour + 5*time.Minute, true},
		{"23:59:59", false, 23*time.Hour + 59*time.Minute + 59*time.Second, true},
		{"24:00", false, 0, false},
		{"14.30", false, 0, false},
		{"0.5", true, 12 * time.Hour, true},
		{"0.5", false, 0, false},
	}
	for _, tt := range tests {
		got, ok := parseTime(tt.in, tt.serial)
		if got != tt.want || ok != tt.ok {
			t.Errorf("%q: got %v %v, want %v %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestParseNumber(t *testing.T) {
	tests := []struct {
		in   string
		dec  byte
		want float64
		ok   bool
	}{
		{"42.87", 0, 42.87, true},
		{"42,87", 0, 42.87, true},
		{"1 500 000,50", 0, 1500000.5, true},
		{"1\u00a0500\u00a0000", 0, 1500000, true},
		{"1,234.5", 0, 1234.5, true},
		{"1.234,5", 0, 1234.5, true},
		{"1,234,567", 0, 1234567, true},
		{"-5", 0, -5, true},
		{"42,87", '.', 4287, true},
		{"42.87", ',', 4287, true},
		{"42,87", ',', 42.87, true},
		{"NaN", 0, 0, false},
		{"Inf", 0, 0, false},
		{"1e5", 0, 0, false},
		{"0x10", 0, 0, false},
		{"1.2.3", '.', 0, false},
		{"-", 0, 0, false},
		{"", 0, 0, false},
		{"12abc", 0, 0, false},
	}
	for _, tt := range tests {
		got, ok := parseNumber(tt.in, tt.dec)
		if got != tt.want || ok != tt.ok {
			t.Errorf("%q (%q): got %v %v, want %v %v", tt.in, tt.dec, got, ok, tt.want, tt.ok)
		}
	}
}

func TestIDSet(t *testing.T) {
	var s idSet
	for i := uint64(0); i < 5000; i++ {
		if !s.add(i * 0x9e3779b97f4a7c15) {
			t.Fatalf("key %d: got duplicate, want new", i)
		}
	}
	for i := uint64(0); i < 5000; i++ {
		if s.add(i * 0x9e3779b97f4a7c15) {
			t.Fatalf("key %d again: got new, want duplicate", i)
		}
	}
	if s.n != 5000 {
		t.Errorf("got %d keys, want 5000", s.n)
	}
}

func TestTextReaderSniff(t *testing.T) {
	// A Windows-1251 "Кража" after more ASCII than one buffer holds.
	ascii := make([]byte, 100_000)
	for i := range ascii {
		ascii[i] = 'a'
	}
	in := append(ascii, 0xCA, 0xF0, 0xE0, 0xE6, 0xE0)
	tr := newTextReader(bytesReader(in))
	out := readAll(t, tr)
	if got := string(out[len(ascii):]); got != "Кража" {
		t.Errorf("got %q, want Кража", got)
	}
	if tr.charset() != "windows-1251" {
		t.Errorf("got charset %q, want windows-1251", tr.charset())
	}
}

func TestFastFloatMatchesStrconv(t *testing.T) {
	// One division of exact operands rounds like strconv; check it on
	// numbers shaped like coordinates and amounts.
	x := uint64(88172645463325252)
	for range 100_000 {
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
		digits := 1 + int(x%15)
		s := strconv.FormatUint(x%uint64(pow10[digits]), 10)
		if dot := int(x>>40) % (len(s) + 1); dot < len(s) {
			s = s[:dot] + "." + s[dot:]
		}
		if x&1 == 1 {
			s = "-" + s
		}
		want, err := strconv.ParseFloat(s, 64)
		got, ok := fastFloat(s)
		if err == nil && (!ok || got != want) {
			t.Fatalf("fastFloat(%q) = %v %v, want %v", s, got, ok, want)
		}
	}
	if _, ok := fastFloat("1234567890123456"); ok {
		t.Error("16 digits: got the fast path, want strconv")
	}
}

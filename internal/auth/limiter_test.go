package auth

import (
	"testing"
	"time"
)

func TestLimiterSlidingWindow(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	l := newLimiter(func() time.Time { return now }, 10*time.Minute)
	k := limitedKey{"login:a", 3}
	for i := 0; i < 3; i++ {
		if _, wait := l.reserve(k); wait != 0 {
			t.Fatalf("attempt %d: got wait %v, want none", i+1, wait)
		}
		now = now.Add(time.Minute)
	}
	// Minute 3: attempts at 0, 1, 2; the one at 0 leaves at 10.
	if _, wait := l.reserve(k); wait != 7*time.Minute {
		t.Errorf("fourth attempt: got wait %v, want 7m", wait)
	}
	if n := len(l.hits["login:a"]); n != 3 {
		t.Errorf("a refused attempt was recorded: got %d attempts, want 3", n)
	}
	now = now.Add(7 * time.Minute)
	if _, wait := l.reserve(k); wait != 0 {
		t.Errorf("at minute 10: got wait %v, want none", wait)
	}
}

func TestLimiterAllKeysOrNone(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	l := newLimiter(func() time.Time { return now }, time.Minute)
	ip := limitedKey{"ip:x", 1}
	l.reserve(ip)
	if _, wait := l.reserve(limitedKey{"login:b", 5}, ip); wait == 0 {
		t.Fatal("got no wait with the address over its limit")
	}
	if _, ok := l.hits["login:b"]; ok {
		t.Error("a refused attempt counted against the login")
	}
}

func TestLimiterRelease(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	l := newLimiter(func() time.Time { return now }, time.Minute)
	k := limitedKey{"ip:x", 2}
	l.reserve(k)
	at, _ := l.reserve(k)
	l.release(at, "ip:x")
	if _, wait := l.reserve(k); wait != 0 {
		t.Errorf("after a release: got wait %v, want none", wait)
	}
	at, _ = l.reserve(limitedKey{"ip:y", 2})
	l.release(at, "ip:y")
	if _, ok := l.hits["ip:y"]; ok {
		t.Error("a key with no attempts left is kept")
	}
}

func TestLimiterSweepsStaleKeys(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	l := newLimiter(func() time.Time { return now }, time.Minute)
	for i := 0; i < 1000; i++ {
		l.reserve(limitedKey{"login:" + time.Duration(i).String(), 5})
	}
	now = now.Add(time.Minute)
	l.reserve(limitedKey{"login:fresh", 5})
	if n := len(l.hits); n != 1 {
		t.Errorf("after a window: got %d keys, want only the fresh one", n)
	}
}

func TestLimitKeys(t *testing.T) {
	for _, c := range []struct{ name, got, want string }{
		{"IPv4", ipKey("192.0.2.7"), "ip:192.0.2.7"},
		{"IPv4-mapped IPv6", ipKey("::ffff:192.0.2.7"), "ip:192.0.2.7"},
		{"IPv6 counted by /64", ipKey("2001:db8:1:2:3:4:5:6"), "ip:2001:db8:1:2::/64"},
		{"IPv6 with zone", ipKey("fe80::1%eth0"), "ip:fe80::/64"},
		{"not an address", ipKey("unix"), "ip:unix"},
		{"long junk cut", ipKey(string(make([]byte, 1000))), "ip:" + string(make([]byte, 64))},
		{"login", loginKey("analyst"), "login:analyst"},
		{"long login cut", loginKey(string(make([]byte, 1000))), "login:" + string(make([]byte, 64))},
	} {
		t.Run(c.name, func(t *testing.T) {
			if c.got != c.want {
				t.Errorf("got %q, want %q", c.got, c.want)
			}
		})
	}
}

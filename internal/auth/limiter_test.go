package auth

import (
	"context"
	"errors"
	"testing"
	"time"
)

// mustFail records one failure for keys and fails the test if the
// limiter refuses or waits.
func mustFail(tb testing.TB, l *limiter, keys ...limitedKey) {
	tb.Helper()
	a, wait, err := l.begin(context.Background(), keys...)
	if err != nil || wait != 0 {
		tb.Fatalf("begin: got wait %v, %v, want none", wait, err)
	}
	a.fail()
}

func TestLimiterSlidingWindow(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	l := newLimiter(func() time.Time { return now }, 10*time.Minute)
	k := limitedKey{"login:a", 3}
	for i := 0; i < 3; i++ {
		mustFail(t, l, k)
		now = now.Add(time.Minute)
	}
	// Minute 3: failures at 0, 1, 2; the one at 0 leaves at 10.
	if _, wait, _ := l.begin(context.Background(), k); wait != 7*time.Minute {
		t.Errorf("fourth attempt: got wait %v, want 7m", wait)
	}
	if n := len(l.fails["login:a"]); n != 3 {
		t.Errorf("a refused attempt was recorded: got %d failures, want 3", n)
	}
	now = now.Add(7 * time.Minute)
	mustFail(t, l, k)
}

func TestLimiterAllKeysOrNone(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	l := newLimiter(func() time.Time { return now }, time.Minute)
	ip := limitedKey{"ip:x", 1}
	mustFail(t, l, ip)
	if _, wait, _ := l.begin(context.Background(), limitedKey{"login:b", 5}, ip); wait == 0 {
		t.Fatal("got no wait with the address over its limit")
	}
	if l.running["login:b"] != 0 {
		t.Error("a refused attempt counted against the login")
	}
}

func TestLimiterOnlyFailuresCount(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	l := newLimiter(func() time.Time { return now }, time.Minute)
	k := limitedKey{"ip:x", 2}
	for i := 0; i < 10; i++ {
		a, wait, err := l.begin(context.Background(), k)
		if err != nil || wait != 0 {
			t.Fatalf("success %d: got wait %v, %v, want none", i+1, wait, err)
		}
		a.end()
	}
	if _, ok := l.running["ip:x"]; ok {
		t.Error("a key with no check running is kept")
	}
	mustFail(t, l, k)
	mustFail(t, l, k)
	if _, wait, _ := l.begin(context.Background(), k); wait == 0 {
		t.Error("after two failures: got no wait")
	}
}

func TestLimiterWaitsForRunningChecks(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	l := newLimiter(func() time.Time { return now }, time.Minute)
	k := limitedKey{"login:a", 2}
	mustFail(t, l, k)
	running, _, _ := l.begin(context.Background(), k)
	// One failure and one check running: a third check could be the
	// failure too many, so it waits.
	got := make(chan time.Duration)
	go func() {
		a, wait, err := l.begin(context.Background(), k)
		if err != nil {
			t.Error(err)
		}
		if a != nil {
			a.end()
		}
		got <- wait
	}()
	select {
	case w := <-got:
		t.Fatalf("third check: got wait %v before the running one ended, want it to wait", w)
	case <-time.After(20 * time.Millisecond):
	}
	running.end() // a right password: the third check may go
	if w := <-got; w != 0 {
		t.Errorf("after a success: got wait %v, want none", w)
	}

	running, _, _ = l.begin(context.Background(), k)
	go func() {
		_, wait, _ := l.begin(context.Background(), k)
		got <- wait
	}()
	running.fail() // the second failure: the waiting check is refused
	if w := <-got; w != time.Minute {
		t.Errorf("after a failure: got wait %v, want 1m", w)
	}

	t.Run("cancelled while waiting", func(t *testing.T) {
		l := newLimiter(func() time.Time { return now }, time.Minute)
		k := limitedKey{"login:a", 1}
		l.begin(context.Background(), k)
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		if _, _, err := l.begin(ctx, k); !errors.Is(err, context.Canceled) {
			t.Errorf("got %v, want context.Canceled", err)
		}
	})
}

func TestLimiterSweepsStaleKeys(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	l := newLimiter(func() time.Time { return now }, time.Minute)
	for i := 0; i < 1000; i++ {
		mustFail(t, l, limitedKey{"login:" + time.Duration(i).String(), 5})
	}
	now = now.Add(time.Minute)
	mustFail(t, l, limitedKey{"login:fresh", 5})
	if n := len(l.fails); n != 1 {
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

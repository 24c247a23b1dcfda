package auth

import (
	"net/netip"
	"sync"
	"time"
)

// limiter counts sign-in attempts in a sliding window per key ("login:x",
// "ip:y") in memory. Memory is enough: a restart forgets the counts, which
// gives an attacker one more window, and a single process serves the
// application. Each key keeps at most its limit of times, and keys with
// no recent attempt are dropped once per window, so a flood of made-up
// logins cannot grow the map without bound.
type limiter struct {
	now    func() time.Time
	window time.Duration

	mu        sync.Mutex
	hits      map[string][]time.Time
	lastSweep time.Time
}

func newLimiter(now func() time.Time, window time.Duration) *limiter {
	return &limiter{now: now, window: window, hits: map[string][]time.Time{}}
}

// limitedKey is one key and the number of attempts it may make in a window.
type limitedKey struct {
	key string
	max int
}

// reserve records an attempt for every key, unless one of them has used
// up its attempts; then it records nothing and returns how long until that
// key's oldest attempt leaves the window. Recording before the password is
// checked, not after it failed, means parallel requests cannot get more
// attempts than the limit; release takes back the attempt of a sign-in
// that succeeded.
func (l *limiter) reserve(keys ...limitedKey) (at time.Time, wait time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	if now.Sub(l.lastSweep) >= l.window {
		for k := range l.hits {
			l.prune(k, now)
		}
		l.lastSweep = now
	}
	for _, k := range keys {
		if ts := l.prune(k.key, now); len(ts) >= k.max {
			wait = max(wait, l.window-now.Sub(ts[len(ts)-k.max]))
		}
	}
	if wait > 0 {
		return now, wait
	}
	for _, k := range keys {
		l.hits[k.key] = append(l.hits[k.key], now)
	}
	return now, 0
}

// prune drops the attempts of key that left the window and returns the rest.
func (l *limiter) prune(key string, now time.Time) []time.Time {
	ts := l.hits[key]
	i := 0
	for i < len(ts) && now.Sub(ts[i]) >= l.window {
		i++
	}
	if i == len(ts) {
		delete(l.hits, key)
		return nil
	}
	if i > 0 {
		ts = append(ts[:0], ts[i:]...)
		l.hits[key] = ts
	}
	return ts
}

// release takes back the attempt recorded at t for each key.
func (l *limiter) release(t time.Time, keys ...string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, k := range keys {
		ts := l.hits[k]
		for i := len(ts) - 1; i >= 0; i-- {
			if ts[i].Equal(t) {
				ts = append(ts[:i], ts[i+1:]...)
				break
			}
		}
		if len(ts) == 0 {
			delete(l.hits, k)
		} else {
			l.hits[k] = ts
		}
	}
}

// reset forgets every attempt of key.
func (l *limiter) reset(key string) {
	l.mu.Lock()
	delete(l.hits, key)
	l.mu.Unlock()
}

// maxLimitKeyLen bounds the text of a key: valid logins have at most 40
// characters, and a megabyte of login must not become a megabyte of key.
const maxLimitKeyLen = 64

func loginKey(login string) string {
	if len(login) > maxLimitKeyLen {
		login = login[:maxLimitKeyLen]
	}
	return "login:" + login
}

// ipKey counts an IPv6 client by its /64, the block one subscriber usually
// gets, so that stepping through its addresses does not reset the count.
func ipKey(ip string) string {
	if a, err := netip.ParseAddr(ip); err == nil {
		a = a.Unmap().WithZone("")
		if a.Is6() {
			p, _ := a.Prefix(64)
			return "ip:" + p.String()
		}
		return "ip:" + a.String()
	}
	if len(ip) > maxLimitKeyLen {
		ip = ip[:maxLimitKeyLen]
	}
	return "ip:" + ip
}

package auth

import (
	"context"
	"net/netip"
	"sync"
	"time"
)

// limiter counts failed password checks in a sliding window per key
// ("login:x", "ip:y") in memory. Memory is enough: a restart forgets the
// counts, which gives an attacker one more window, and a single process
// serves the application. Each key keeps at most its limit of times, and
// keys with no recent failure are dropped once per window, so a flood of
// made-up logins cannot grow the map without bound.
//
// Only failures count: a right password is never refused because other
// checks are running or succeeded. To keep parallel wrong guesses within
// the limit all the same, a check that could be the one failure too many,
// counting the checks still running, waits for those to end first.
type limiter struct {
	now    func() time.Time
	window time.Duration

	mu        sync.Mutex
	fails     map[string][]time.Time
	running   map[string]int
	ended     chan struct{} // closed and replaced when a check ends
	lastSweep time.Time
}

func newLimiter(now func() time.Time, window time.Duration) *limiter {
	return &limiter{now: now, window: window, fails: map[string][]time.Time{}, running: map[string]int{}, ended: make(chan struct{})}
}

// limitedKey is one key and the number of failures it may have in a window.
type limitedKey struct {
	key string
	max int
}

// attempt is a password check in progress, counted against its keys until
// fail or end.
type attempt struct {
	l    *limiter
	keys []string
	done bool
}

// begin starts a check for every key, unless one of them has used up its
// failures; then it returns how long until that key's oldest failure
// leaves the window. While the failures and the checks running for a key
// could reach its limit, begin waits for a running check to end, or for ctx.
func (l *limiter) begin(ctx context.Context, keys ...limitedKey) (a *attempt, wait time.Duration, err error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for {
		now := l.now()
		if now.Sub(l.lastSweep) >= l.window {
			for k := range l.fails {
				l.prune(k, now)
			}
			l.lastSweep = now
		}
		busy := false
		for _, k := range keys {
			ts := l.prune(k.key, now)
			if len(ts) >= k.max {
				wait = max(wait, l.window-now.Sub(ts[len(ts)-k.max]))
			} else if len(ts)+l.running[k.key] >= k.max {
				busy = true
			}
		}
		if wait > 0 {
			return nil, wait, nil
		}
		if !busy {
			break
		}
		ended := l.ended
		l.mu.Unlock()
		select {
		case <-ended:
			l.mu.Lock()
		case <-ctx.Done():
			l.mu.Lock()
			return nil, 0, ctx.Err()
		}
	}
	a = &attempt{l: l}
	for _, k := range keys {
		l.running[k.key]++
		a.keys = append(a.keys, k.key)
	}
	return a, 0, nil
}

// fail ends the check as a failure of every key.
func (a *attempt) fail() { a.finish(true) }

// end ends the check without counting it; for a right password and for
// errors that are not the caller's.
func (a *attempt) end() { a.finish(false) }

func (a *attempt) finish(failed bool) {
	l := a.l
	l.mu.Lock()
	defer l.mu.Unlock()
	if a.done {
		return
	}
	a.done = true
	now := l.now()
	for _, k := range a.keys {
		if l.running[k]--; l.running[k] <= 0 {
			delete(l.running, k)
		}
		if failed {
			l.fails[k] = append(l.fails[k], now)
		}
	}
	close(l.ended)
	l.ended = make(chan struct{})
}

// prune drops the failures of key that left the window and returns the rest.
func (l *limiter) prune(key string, now time.Time) []time.Time {
	ts := l.fails[key]
	i := 0
	for i < len(ts) && now.Sub(ts[i]) >= l.window {
		i++
	}
	if i == len(ts) {
		delete(l.fails, key)
		return nil
	}
	if i > 0 {
		ts = append(ts[:0], ts[i:]...)
		l.fails[key] = ts
	}
	return ts
}

// reset forgets every failure of key.
func (l *limiter) reset(key string) {
	l.mu.Lock()
	delete(l.fails, key)
	close(l.ended)
	l.ended = make(chan struct{})
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

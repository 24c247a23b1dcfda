package residents

import (
	"sync"
	"time"
)

// Limiter counts submissions per key (an address, a device) in a sliding
// window, without any third-party service. It keeps at most maxKeys keys:
// when full, keys whose window has passed are dropped first, then the
// whole table (a flood of new keys must not grow memory without bound).
type Limiter struct {
	Max    int
	Window time.Duration
	Now    func() time.Time

	mu   sync.Mutex
	hits map[string][]time.Time
}

const maxKeys = 100_000

// NewLimiter allows max submissions per key in window.
func NewLimiter(max int, window time.Duration) *Limiter {
	return &Limiter{Max: max, Window: window, Now: time.Now, hits: map[string][]time.Time{}}
}

// Allow records a submission for every key and reports whether each is
// within its limit; a refused submission is not counted.
func (l *Limiter) Allow(keys ...string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.Now()
	for _, k := range keys {
		if len(l.recent(k, now)) >= l.Max {
			return false
		}
	}
	if len(l.hits) >= maxKeys {
		for k := range l.hits {
			if len(l.recent(k, now)) == 0 {
				delete(l.hits, k)
			}
		}
		if len(l.hits) >= maxKeys {
			clear(l.hits)
		}
	}
	for _, k := range keys {
		l.hits[k] = append(l.recent(k, now), now)
	}
	return true
}

func (l *Limiter) recent(k string, now time.Time) []time.Time {
	ts := l.hits[k]
	i := 0
	for i < len(ts) && now.Sub(ts[i]) >= l.Window {
		i++
	}
	if i == len(ts) {
		delete(l.hits, k)
		return nil
	}
	ts = ts[i:]
	l.hits[k] = ts
	return ts
}

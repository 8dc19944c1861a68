// Package attempts counts failed attempts per key (a client address, an
// init code) within a sliding window, to slow down the guessing of init
// codes. The counts live in the process's memory: a gateway running as
// several instances limits each instance separately.
package attempts

import (
	"sync"
	"time"
)

// Limiter counts failures per key. It is safe for concurrent use.
type Limiter struct {
	max    int
	window time.Duration

	mu       sync.Mutex
	failures map[string][]time.Time
	sweepAt  time.Time
}

// New returns a limiter that blocks a key after max failures within window.
func New(max int, window time.Duration) *Limiter {
	return &Limiter{max: max, window: window, failures: map[string][]time.Time{}}
}

// Blocked reports whether key reached the limit at now, and for how long
// it stays blocked.
func (l *Limiter) Blocked(key string, now time.Time) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	recent := l.recent(key, now)
	if len(recent) < l.max {
		return false, 0
	}
	return true, recent[len(recent)-l.max].Add(l.window).Sub(now)
}

// Fail records a failure of key at now.
func (l *Limiter) Fail(key string, now time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.failures[key] = append(l.recent(key, now), now)
	l.sweep(now)
}

// recent drops key's failures older than the window and returns the rest.
func (l *Limiter) recent(key string, now time.Time) []time.Time {
	list := l.failures[key]
	cut := 0
	for cut < len(list) && !list[cut].After(now.Add(-l.window)) {
		cut++
	}
	if cut == len(list) {
		delete(l.failures, key)
		return nil
	}
	list = list[cut:]
	l.failures[key] = list
	return list
}

// sweep forgets keys without recent failures, once per window, so the map
// does not grow with every address ever seen.
func (l *Limiter) sweep(now time.Time) {
	if now.Before(l.sweepAt) {
		return
	}
	l.sweepAt = now.Add(l.window)
	for key := range l.failures {
		l.recent(key, now)
	}
}

// Len returns the number of keys with recent failures.
func (l *Limiter) Len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.failures)
}

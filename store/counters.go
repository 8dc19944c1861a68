package store

import (
	"context"
	"time"
)

// CounterRef names one rate-limit counter: a key (what is counted, e.g. a
// hashed client address) in one fixed window of time (the window's number,
// e.g. the Unix time divided by the window's length).
type CounterRef struct {
	// Key names what is counted; it is never empty.
	Key string
	// Window numbers the fixed window the count belongs to.
	Window int64
}

// Counters are the rate-limit counters every replica shares: one count per
// key and window, changed only by atomic additions, and forgotten once
// their expiry has passed. The caller passes its clock as now, so that
// every decision about expiry is made with the same time the caller
// computed its windows with.
type Counters interface {
	// AddToCounter atomically adds delta (negative to give back) to the
	// counter and returns its value after the addition. A counter that
	// does not exist yet, or whose expiry is not after now, starts from
	// zero; the value never goes below zero. The counter's expiry becomes
	// the later of its current one and expiresAt. Concurrent additions,
	// from any number of goroutines or replicas, are neither lost nor
	// counted twice.
	AddToCounter(ctx context.Context, c CounterRef, delta int64, now, expiresAt time.Time) (int64, error)
	// CounterValue returns the counter's value at now: zero when it does
	// not exist or has expired.
	CounterValue(ctx context.Context, c CounterRef, now time.Time) (int64, error)
	// DeleteExpiredCounters removes the counters whose expiry is not after
	// now and returns how many it removed.
	DeleteExpiredCounters(ctx context.Context, now time.Time) (int64, error)
}

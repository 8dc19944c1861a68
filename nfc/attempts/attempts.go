// Package attempts limits failed attempts per key (a client address, an
// init code) within a sliding window, to slow down the guessing of init
// codes. The counts live in the store (store.Counters), so every replica of
// the gateway adds to, and is held by, the same limit.
//
// The window slides over two fixed windows: the failures of the previous
// fixed window count in proportion to how much of it still overlaps the
// sliding window, those of the current one fully. An attempt takes its
// slot before it runs (an atomic increment that also reads the count), so
// that attempts racing on several replicas can never together exceed the
// limit, and gives it back when it did not fail.
package attempts

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"math"
	"time"

	"github.com/kycgate/kycgate/store"
)

// Limiter counts failures per key in the store. It is safe for concurrent
// use, and several limiters (in several processes) with the same name and
// store share their counts.
type Limiter struct {
	counters store.Counters
	name     string
	max      int64
	window   time.Duration
}

// New returns a limiter named name (it prefixes the stored keys, so limits
// with different names never share counts) that blocks a key after max
// failures within window.
func New(counters store.Counters, name string, max int, window time.Duration) (*Limiter, error) {
	if counters == nil || name == "" || max < 1 || window <= 0 {
		return nil, errors.New("attempts: a store, a name, a positive limit and a positive window are required")
	}
	return &Limiter{counters: counters, name: name, max: int64(max), window: window}, nil
}

// Slot is an attempt counted in advance as a failure.
type Slot struct {
	counters store.Counters
	ref      store.CounterRef
	now      time.Time
	expires  time.Time
}

// Reserve counts one attempt of key at now. When the key's failures in the
// sliding window, this attempt included, exceed the limit, the attempt is
// given back at once and Reserve returns how long to wait before the next
// one; otherwise the wait is zero and the slot stays counted until it is
// released.
func (l *Limiter) Reserve(ctx context.Context, key string, now time.Time) (Slot, time.Duration, error) {
	w := l.windowOf(now)
	slot := Slot{counters: l.counters, ref: store.CounterRef{Key: l.storedKey(key), Window: w},
		now: now, expires: l.startOf(w + 2)}
	current, err := l.counters.AddToCounter(ctx, slot.ref, 1, now, slot.expires)
	if err != nil {
		return Slot{}, 0, err
	}
	previous, err := l.counters.CounterValue(ctx, store.CounterRef{Key: slot.ref.Key, Window: w - 1}, now)
	if err != nil {
		_ = slot.Release(ctx)
		return Slot{}, 0, err
	}
	if l.estimate(previous, current, now) <= float64(l.max) {
		return slot, 0, nil
	}
	if err := slot.Release(ctx); err != nil {
		return Slot{}, 0, err
	}
	return Slot{}, l.wait(previous, current-1, now), nil
}

// Release gives the slot back: the attempt did not fail. It runs even
// when ctx was canceled, since the attempt is over either way.
func (s Slot) Release(ctx context.Context) error {
	if s.counters == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	_, err := s.counters.AddToCounter(ctx, s.ref, -1, s.now, s.expires)
	return err
}

// estimate is the number of failures in the sliding window ending at now.
func (l *Limiter) estimate(previous, current int64, now time.Time) float64 {
	return float64(previous)*(1-l.elapsed(now)) + float64(current)
}

// wait returns how long after now one more failure fits under the limit,
// when no other failure comes in meanwhile.
func (l *Limiter) wait(previous, current int64, now time.Time) time.Duration {
	w := l.windowOf(now)
	// Within this window, the previous window's weight must drop far
	// enough; past it, this window's count becomes the previous one.
	var at time.Time
	room := float64(l.max - current - 1)
	if room >= 0 {
		at = l.startOf(w).Add(time.Duration(math.Ceil((1 - room/float64(previous)) * float64(l.window))))
	} else {
		at = l.startOf(w + 1).Add(time.Duration(math.Ceil((1 - float64(l.max-1)/float64(current)) * float64(l.window))))
	}
	return max(at.Sub(now), time.Millisecond)
}

// windowOf numbers the fixed window holding t.
func (l *Limiter) windowOf(t time.Time) int64 {
	n := t.UnixNano()
	w := n / int64(l.window)
	if n < 0 && n%int64(l.window) != 0 {
		w--
	}
	return w
}

// startOf is when fixed window w starts.
func (l *Limiter) startOf(w int64) time.Time {
	return time.Unix(0, w*int64(l.window))
}

// elapsed is the share of its fixed window that has passed at t.
func (l *Limiter) elapsed(t time.Time) float64 {
	return float64(t.Sub(l.startOf(l.windowOf(t)))) / float64(l.window)
}

// storedKey is the key under which key's counts are stored: the limiter's
// name and a truncated SHA-256, so that every key has the same length and
// no client address or init code is written as it is. The hash is not
// keyed: with access to the store, a short input such as an IPv4 address
// can be found by trying them all. The rows live one window or two.
func (l *Limiter) storedKey(key string) string {
	sum := sha256.Sum256([]byte(key))
	return l.name + ":" + hex.EncodeToString(sum[:16])
}

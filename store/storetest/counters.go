package storetest

import (
	"context"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kycgate/kycgate/store"
)

// testCounters checks the rate-limit counters: atomic additions under
// concurrency, separate keys and windows, expiry and the purge.
func testCounters(t *testing.T, s store.Store) {
	t.Run("AddAndRead", func(t *testing.T) { testCounterAddAndRead(t, s) })
	t.Run("KeysAndWindowsAreSeparate", func(t *testing.T) { testCounterSeparation(t, s) })
	t.Run("Expiry", func(t *testing.T) { testCounterExpiry(t, s) })
	t.Run("ConcurrentAdditions", func(t *testing.T) { testCounterConcurrency(t, s) })
	t.Run("EmptyKey", func(t *testing.T) {
		_, err := s.AddToCounter(context.Background(), store.CounterRef{}, 1, time.Now(), time.Now().Add(time.Minute))
		assert.Error(t, err)
	})
}

// counterT0 is the tests' clock.
var counterT0 = time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)

func testCounterAddAndRead(t *testing.T, s store.Store) {
	ctx := context.Background()
	c := store.CounterRef{Key: "add-and-read", Window: 42}
	until := counterT0.Add(time.Minute)
	tests := []struct {
		name  string
		delta int64
		want  int64
	}{
		{"first addition creates the counter", 1, 1},
		{"additions accumulate", 2, 3},
		{"a negative delta gives back", -1, 2},
		{"zero reads", 0, 2},
		{"the value never goes below zero", -5, 0},
		{"and counts again from zero", 1, 1},
	}
	for _, tc := range tests {
		got, err := s.AddToCounter(ctx, c, tc.delta, counterT0, until)
		require.NoError(t, err, tc.name)
		assert.Equal(t, tc.want, got, tc.name)
		read, err := s.CounterValue(ctx, c, counterT0)
		require.NoError(t, err, tc.name)
		assert.Equal(t, tc.want, read, "%s: CounterValue agrees", tc.name)
	}
	got, err := s.AddToCounter(ctx, store.CounterRef{Key: "starts-negative", Window: 1}, -1, counterT0, until)
	require.NoError(t, err)
	assert.Zero(t, got, "a new counter never starts below zero")
	missing, err := s.CounterValue(ctx, store.CounterRef{Key: "never-added", Window: 42}, counterT0)
	require.NoError(t, err)
	assert.Zero(t, missing, "a counter never added to reads zero")
}

func testCounterSeparation(t *testing.T, s store.Store) {
	ctx := context.Background()
	until := counterT0.Add(time.Minute)
	refs := []store.CounterRef{{Key: "a", Window: 1}, {Key: "a", Window: 2}, {Key: "b", Window: 1}, {Key: "A", Window: 1}}
	for i, c := range refs {
		got, err := s.AddToCounter(ctx, c, int64(i+1), counterT0, until)
		require.NoError(t, err)
		assert.Equal(t, int64(i+1), got, "%+v starts on its own", c)
	}
	for i, c := range refs {
		got, err := s.CounterValue(ctx, c, counterT0)
		require.NoError(t, err)
		assert.Equal(t, int64(i+1), got, "%+v keeps its own count", c)
	}
}

func testCounterExpiry(t *testing.T, s store.Store) {
	ctx := context.Background()
	// A day before the other subtests' counters, whose expiries the purge
	// below must leave alone.
	t0 := counterT0.Add(-24 * time.Hour)
	c := store.CounterRef{Key: "expiry", Window: 7}
	until := t0.Add(time.Minute)
	_, err := s.AddToCounter(ctx, c, 5, t0, until)
	require.NoError(t, err)
	_, err = s.AddToCounter(ctx, c, 1, t0, t0.Add(30*time.Second))
	require.NoError(t, err)

	before, err := s.CounterValue(ctx, c, until.Add(-time.Millisecond))
	require.NoError(t, err)
	assert.Equal(t, int64(6), before, "an earlier expiry does not shorten the counter's life")
	at, err := s.CounterValue(ctx, c, until)
	require.NoError(t, err)
	assert.Zero(t, at, "a counter reads zero once its expiry is reached")
	restarted, err := s.AddToCounter(ctx, c, 1, until, until.Add(time.Minute))
	require.NoError(t, err)
	assert.Equal(t, int64(1), restarted, "an expired counter restarts from zero")

	other := store.CounterRef{Key: "expiry-purged", Window: 7}
	_, err = s.AddToCounter(ctx, other, 3, t0, until)
	require.NoError(t, err)
	n, err := s.DeleteExpiredCounters(ctx, until)
	require.NoError(t, err)
	assert.Equal(t, int64(1), n, "only the expired counter is removed")
	left, err := s.CounterValue(ctx, c, until)
	require.NoError(t, err)
	assert.Equal(t, int64(1), left, "the live counter stays")
	n, err = s.DeleteExpiredCounters(ctx, until)
	require.NoError(t, err)
	assert.Zero(t, n, "nothing left to remove")
}

// testCounterConcurrency adds to one counter from many goroutines: every
// addition returns a distinct value, none is lost and none counted twice.
func testCounterConcurrency(t *testing.T, s store.Store) {
	const workers, perWorker = 16, 25
	ctx := context.Background()
	c := store.CounterRef{Key: "concurrent", Window: 1}
	until := counterT0.Add(time.Hour)
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		seen []int64
		errs []error
	)
	for range workers {
		wg.Go(func() {
			for range perWorker {
				n, err := s.AddToCounter(ctx, c, 1, counterT0, until)
				mu.Lock()
				if err != nil {
					errs = append(errs, err)
				} else {
					seen = append(seen, n)
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	require.Empty(t, errs)
	sort.Slice(seen, func(i, j int) bool { return seen[i] < seen[j] })
	require.Len(t, seen, workers*perWorker)
	for i, n := range seen {
		require.Equal(t, int64(i+1), n, "each addition sees its own value, from 1 to %d", workers*perWorker)
	}
	total, err := s.CounterValue(ctx, c, counterT0)
	require.NoError(t, err)
	assert.Equal(t, int64(workers*perWorker), total)
}

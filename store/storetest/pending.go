package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kycgate/kycgate/store"
)

// pendingCounter is the optional outbox capability the webhook worker
// reports the outbox depth with (webhook.PendingCounter).
type pendingCounter interface {
	CountPendingEvents(ctx context.Context) (int, error)
}

// RunPendingCounterTests checks a backend's CountPendingEvents: every
// pending event counts, due or not and leased or not, across merchants,
// while delivered and failed ones do not. newStore must return a new,
// empty store that implements CountPendingEvents.
func RunPendingCounterTests(t *testing.T, newStore func(t *testing.T) store.Store) {
	s := newStore(t)
	t.Cleanup(func() { assert.NoError(t, s.Close(), "Close") })
	counter, ok := s.(pendingCounter)
	require.True(t, ok, "the store implements CountPendingEvents")
	ctx := context.Background()
	count := func() int {
		t.Helper()
		n, err := counter.CountPendingEvents(ctx)
		require.NoError(t, err)
		return n
	}
	require.Equal(t, 0, count(), "an empty outbox")

	later := eventAt(nextID("merchant"), nextID("res"), verificationEpoch.Add(time.Hour))
	events := []store.OutboxEvent{
		eventAt(nextID("merchant"), "", verificationEpoch),
		eventAt(nextID("merchant"), nextID("res"), verificationEpoch),
		eventAt(nextID("merchant"), nextID("res"), verificationEpoch),
		later,
	}
	require.NoError(t, s.EnqueueEvents(ctx, events))
	assert.Equal(t, 4, count(), "due and scheduled events of every merchant")

	claimed, err := s.ClaimEvents(ctx, verificationEpoch, time.Minute, 10)
	require.NoError(t, err)
	require.Len(t, claimed, 3)
	assert.Equal(t, 4, count(), "leased events are still pending")

	outcomes := []string{store.EventDelivered, store.EventFailed, store.EventPending}
	for i, status := range outcomes {
		attempt := store.DeliveryAttempt{EventID: claimed[i].ID, At: verificationEpoch, Duration: time.Millisecond}
		require.NoError(t, s.RecordAttempt(ctx, attempt, store.AttemptOutcome{Status: status, NextAttemptAt: verificationEpoch.Add(time.Minute)}))
	}
	assert.Equal(t, 2, count(), "delivered and failed events leave the count; a retried one stays")
}

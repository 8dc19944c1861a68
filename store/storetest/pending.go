package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kycgate/kycgate/store"
)

// testCountPendingEvents checks CountPendingEvents: every pending event
// counts, due or not and leased or not, across merchants, while delivered
// and failed ones do not.
func testCountPendingEvents(t *testing.T, s store.Store) {
	ctx := context.Background()
	count := func() int {
		t.Helper()
		n, err := s.CountPendingEvents(ctx)
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

package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kycgate/kycgate/store"
)

// finishedEvent enqueues an event and records one attempt that finishes it
// with status at finished.
func finishedEvent(t *testing.T, s store.Store, merchant, status string, finished time.Time) store.OutboxEvent {
	t.Helper()
	ctx := context.Background()
	e := eventAt(merchant, nextID("res"), finished.Add(-time.Second))
	e.Payload = []byte(`{"eventName":"nfc_completed","data":{"givenNames":"X"}}`)
	require.NoError(t, s.EnqueueEvents(ctx, []store.OutboxEvent{e}))
	a := store.DeliveryAttempt{EventID: e.ID, At: finished, StatusCode: 204}
	if status == store.EventFailed {
		a.StatusCode, a.Error = 500, "receiver answered HTTP 500"
	}
	require.NoError(t, s.RecordAttempt(ctx, a, store.AttemptOutcome{Status: status, NextAttemptAt: finished}))
	return e
}

// testPurgePayloads checks that finished events past the cutoff lose their
// payload and secret, in bounded batches, while their history stays, and
// that a purged event cannot be requeued.
func testPurgePayloads(t *testing.T, s store.Store, at time.Time) {
	ctx := context.Background()
	merchant := nextID("merchant")
	cutoff, now := at.Add(time.Hour), at.Add(3*time.Hour)
	delivered1 := finishedEvent(t, s, merchant, store.EventDelivered, at.Add(time.Minute))
	delivered2 := finishedEvent(t, s, merchant, store.EventDelivered, at.Add(time.Minute))
	failed := finishedEvent(t, s, merchant, store.EventFailed, at.Add(2*time.Minute))
	recent := finishedEvent(t, s, merchant, store.EventDelivered, at.Add(2*time.Hour))
	pending := eventAt(merchant, nextID("res"), at)
	require.NoError(t, s.EnqueueEvents(ctx, []store.OutboxEvent{pending}))

	n, err := s.PurgePayloads(ctx, cutoff, now, 0)
	require.NoError(t, err)
	assert.Zero(t, n, "a limit of 0 purges nothing")
	for _, want := range []int{2, 1, 0} {
		n, err := s.PurgePayloads(ctx, cutoff, now, 2)
		require.NoError(t, err)
		require.Equal(t, want, n, "batches of at most 2, then nothing left")
	}

	for _, e := range []store.OutboxEvent{delivered1, delivered2, failed} {
		got, attempts, err := s.GetEvent(ctx, merchant, e.ID)
		require.NoError(t, err)
		assert.JSONEq(t, `{}`, string(got.Payload), "the payload is erased")
		assert.Empty(t, got.Secret, "the secret is erased")
		assert.True(t, now.Equal(got.PurgedAt), "purged_at records when")
		assert.Equal(t, 1, got.Attempts, "the delivery history stays")
		assert.Equal(t, e.URL, got.URL)
		assert.True(t, e.CreatedAt.Equal(got.CreatedAt))
		require.Len(t, attempts, 1)
	}
	got, _, err := s.GetEvent(ctx, merchant, delivered1.ID)
	require.NoError(t, err)
	assert.Equal(t, store.EventDelivered, got.Status)
	assert.False(t, got.DeliveredAt.IsZero())
	got, _, err = s.GetEvent(ctx, merchant, failed.ID)
	require.NoError(t, err)
	assert.Equal(t, store.EventFailed, got.Status)
	assert.Equal(t, "receiver answered HTTP 500", got.LastError)

	for _, e := range []store.OutboxEvent{recent, pending} {
		got, _, err := s.GetEvent(ctx, merchant, e.ID)
		require.NoError(t, err)
		assert.Equal(t, e.Payload, got.Payload, "kept: finished after the cutoff, or not finished")
		assert.Equal(t, e.Secret, got.Secret)
		assert.True(t, got.PurgedAt.IsZero())
	}

	listed, err := s.ListEvents(ctx, merchant, store.EventQuery{ResourceID: failed.ResourceID})
	require.NoError(t, err)
	require.Len(t, listed, 1)
	assert.True(t, now.Equal(listed[0].PurgedAt), "listed with its purge time")

	_, err = s.RequeueEvent(ctx, merchant, delivered1.ID, now, now.Add(time.Hour))
	require.ErrorIs(t, err, store.ErrPayloadPurged)
	_, err = s.RequeueEvent(ctx, nextID("other"), delivered1.ID, now, now.Add(time.Hour))
	require.ErrorIs(t, err, store.ErrNotFound, "another merchant's purged event stays unknown")
	got, _, err = s.GetEvent(ctx, merchant, delivered1.ID)
	require.NoError(t, err)
	assert.Equal(t, store.EventDelivered, got.Status, "a refused requeue changes nothing")

	requeued, err := s.RequeueEvent(ctx, merchant, recent.ID, now, now.Add(time.Hour))
	require.NoError(t, err)
	assert.Equal(t, store.EventPending, requeued.Status)
	n, err = s.PurgePayloads(ctx, now, now, 10)
	require.NoError(t, err)
	assert.Zero(t, n, "a requeued event is pending again and kept")
}

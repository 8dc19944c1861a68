package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kycgate/kycgate/store"
)

// testOutbox runs the webhook outbox cases on one store. Each case works at
// its own point in time, earlier than every case before it, so that its
// claims never see the due events of the cases that ran before.
func testOutbox(t *testing.T, s store.Store) {
	cases := []struct {
		name string
		run  func(t *testing.T, s store.Store, at time.Time)
	}{
		{"EnqueueGetRoundtrip", testEventRoundtrip},
		{"ClaimKeepsResourceOrder", testClaimResourceOrder},
		{"RecordAttempts", testRecordAttempts},
		{"ListEvents", testListEvents},
		{"Requeue", testRequeue},
		{"PurgePayloads", testPurgePayloads},
	}
	for i, tc := range cases {
		at := verificationEpoch.Add(-time.Duration(10*(i+1)) * 365 * 24 * time.Hour)
		t.Run(tc.name, func(t *testing.T) { tc.run(t, s, at) })
	}
}

// eventAt returns a pending event due at.
func eventAt(merchant, resource string, at time.Time) store.OutboxEvent {
	e := newEvent(merchant, resource)
	e.CreatedAt, e.NextAttemptAt, e.DeliverBy = at, at, at.Add(time.Hour)
	return e
}

func testEventRoundtrip(t *testing.T, s store.Store, at time.Time) {
	ctx := context.Background()
	merchant := nextID("merchant")
	e := eventAt(merchant, nextID("res"), at)
	e.Payload = []byte(`{"metadata":{"ñ":"🙂"},"eventName":"verification_started"}`)
	require.NoError(t, s.EnqueueEvents(ctx, []store.OutboxEvent{e}))
	require.ErrorIs(t, s.EnqueueEvents(ctx, []store.OutboxEvent{e}), store.ErrConflict)

	got, attempts, err := s.GetEvent(ctx, merchant, e.ID)
	require.NoError(t, err)
	assert.Empty(t, attempts)
	assert.Equal(t, e.Payload, got.Payload, "the payload is kept byte for byte")
	assert.Equal(t, e.URL, got.URL)
	assert.Equal(t, e.Secret, got.Secret)
	assert.Equal(t, e.ResourceID, got.ResourceID)
	assert.Equal(t, e.EventName, got.EventName)
	assert.Equal(t, store.EventPending, got.Status)
	assert.True(t, e.CreatedAt.Equal(got.CreatedAt))
	assert.True(t, e.DeliverBy.Equal(got.DeliverBy))
	assert.True(t, got.DeliveredAt.IsZero())

	_, _, err = s.GetEvent(ctx, nextID("other"), e.ID)
	require.ErrorIs(t, err, store.ErrNotFound, "another merchant's event")
}

func testClaimResourceOrder(t *testing.T, s store.Store, at time.Time) {
	ctx := context.Background()
	merchant := nextID("merchant")
	resA, resB := nextID("res"), nextID("res")
	a1, a2 := eventAt(merchant, resA, at), eventAt(merchant, resA, at)
	b1 := eventAt(merchant, resB, at.Add(time.Second))
	future := eventAt(merchant, nextID("res"), at.Add(time.Hour))
	require.NoError(t, s.EnqueueEvents(ctx, []store.OutboxEvent{a1, a2, b1, future}))

	now := at.Add(time.Minute)
	claimed, err := s.ClaimEvents(ctx, now, 10*time.Second, 10)
	require.NoError(t, err)
	require.Len(t, claimed, 2, "one event per resource, only due ones")
	assert.Equal(t, a1.ID, claimed[0].ID)
	assert.Equal(t, b1.ID, claimed[1].ID)
	assert.True(t, now.Add(10*time.Second).Equal(claimed[0].NextAttemptAt), "leased")

	held, err := s.ClaimEvents(ctx, now.Add(5*time.Second), 10*time.Second, 10)
	require.NoError(t, err)
	assert.Empty(t, held, "a2 waits behind the leased a1")

	require.NoError(t, s.RecordAttempt(ctx, store.DeliveryAttempt{EventID: a1.ID, At: now, StatusCode: 204},
		store.AttemptOutcome{Status: store.EventDelivered, NextAttemptAt: now}))
	next, err := s.ClaimEvents(ctx, now.Add(5*time.Second), 10*time.Second, 10)
	require.NoError(t, err)
	require.Len(t, next, 1)
	assert.Equal(t, a2.ID, next[0].ID, "a2 once a1 is delivered")

	expired, err := s.ClaimEvents(ctx, now.Add(11*time.Second), 10*time.Second, 10)
	require.NoError(t, err)
	require.Len(t, expired, 1, "b1 again once its lease ran out")
	assert.Equal(t, b1.ID, expired[0].ID)
}

func testRecordAttempts(t *testing.T, s store.Store, at time.Time) {
	ctx := context.Background()
	merchant := nextID("merchant")
	e := eventAt(merchant, nextID("res"), at)
	require.NoError(t, s.EnqueueEvents(ctx, []store.OutboxEvent{e}))

	retryAt := at.Add(30 * time.Second)
	require.NoError(t, s.RecordAttempt(ctx,
		store.DeliveryAttempt{EventID: e.ID, At: at, Duration: 1500 * time.Microsecond, Error: "connection refused"},
		store.AttemptOutcome{Status: store.EventPending, NextAttemptAt: retryAt}))
	got, _, err := s.GetEvent(ctx, merchant, e.ID)
	require.NoError(t, err)
	assert.Equal(t, 1, got.Attempts)
	assert.Equal(t, store.EventPending, got.Status)
	assert.True(t, retryAt.Equal(got.NextAttemptAt))
	assert.Equal(t, "connection refused", got.LastError)

	require.NoError(t, s.RecordAttempt(ctx,
		store.DeliveryAttempt{EventID: e.ID, At: retryAt, Duration: time.Millisecond, StatusCode: 200},
		store.AttemptOutcome{Status: store.EventDelivered, NextAttemptAt: retryAt}))
	got, attempts, err := s.GetEvent(ctx, merchant, e.ID)
	require.NoError(t, err)
	assert.Equal(t, store.EventDelivered, got.Status)
	assert.Equal(t, 2, got.Attempts)
	assert.Equal(t, 200, got.LastStatusCode)
	assert.False(t, got.DeliveredAt.IsZero())
	require.Len(t, attempts, 2)
	assert.Equal(t, []int{1, 2}, []int{attempts[0].Number, attempts[1].Number})
	assert.Equal(t, 1500*time.Microsecond, attempts[0].Duration)
	assert.Equal(t, "connection refused", attempts[0].Error)
	assert.Equal(t, 200, attempts[1].StatusCode)
	assert.True(t, retryAt.Equal(attempts[1].At))

	err = s.RecordAttempt(ctx, store.DeliveryAttempt{EventID: nextID("missing"), At: at},
		store.AttemptOutcome{Status: store.EventFailed, NextAttemptAt: at})
	require.ErrorIs(t, err, store.ErrNotFound)
}

func testListEvents(t *testing.T, s store.Store, at time.Time) {
	ctx := context.Background()
	merchant := nextID("merchant")
	events := []store.OutboxEvent{eventAt(merchant, "res-1", at), eventAt(merchant, "res-2", at), eventAt(merchant, "res-1", at)}
	require.NoError(t, s.EnqueueEvents(ctx, events))
	require.NoError(t, s.EnqueueEvents(ctx, []store.OutboxEvent{eventAt(nextID("other"), "res-1", at)}))

	all, err := s.ListEvents(ctx, merchant, store.EventQuery{})
	require.NoError(t, err)
	require.Len(t, all, 3, "only the merchant's events")
	assert.Equal(t, events[2].ID, all[0].ID, "newest first")
	assert.Equal(t, events[0].ID, all[2].ID)

	one, err := s.ListEvents(ctx, merchant, store.EventQuery{ResourceID: "res-1", Limit: 1})
	require.NoError(t, err)
	require.Len(t, one, 1)
	assert.Equal(t, events[2].ID, one[0].ID)
}

func testRequeue(t *testing.T, s store.Store, at time.Time) {
	ctx := context.Background()
	merchant := nextID("merchant")
	e := eventAt(merchant, nextID("res"), at)
	require.NoError(t, s.EnqueueEvents(ctx, []store.OutboxEvent{e}))
	require.NoError(t, s.RecordAttempt(ctx, store.DeliveryAttempt{EventID: e.ID, At: at, Error: "timeout"},
		store.AttemptOutcome{Status: store.EventFailed, NextAttemptAt: at}))

	_, err := s.RequeueEvent(ctx, nextID("other"), e.ID, at, at.Add(time.Hour))
	require.ErrorIs(t, err, store.ErrNotFound, "another merchant's event")

	now := at.Add(time.Minute)
	requeued, err := s.RequeueEvent(ctx, merchant, e.ID, now, now.Add(time.Hour))
	require.NoError(t, err)
	assert.Equal(t, store.EventPending, requeued.Status)
	assert.Equal(t, 1, requeued.Attempts, "the history is kept")
	assert.True(t, now.Equal(requeued.NextAttemptAt))
	assert.True(t, now.Add(time.Hour).Equal(requeued.DeliverBy))
	claimed, err := s.ClaimEvents(ctx, now, time.Second, 10)
	require.NoError(t, err)
	require.Len(t, claimed, 1)
	assert.Equal(t, e.ID, claimed[0].ID)

	// Requeued again while a worker holds it: the lease stands, so no
	// second worker claims it and it is delivered once.
	again, err := s.RequeueEvent(ctx, merchant, e.ID, now, now.Add(2*time.Hour))
	require.NoError(t, err)
	assert.True(t, claimed[0].NextAttemptAt.Equal(again.NextAttemptAt), "the lease is kept: %v", again.NextAttemptAt)
	assert.True(t, now.Add(2*time.Hour).Equal(again.DeliverBy))
	during, err := s.ClaimEvents(ctx, now, time.Second, 10)
	require.NoError(t, err)
	for _, d := range during {
		assert.NotEqual(t, e.ID, d.ID, "a leased event is not claimed twice")
	}

	// The worker holding it gives up, deciding with the window it claimed
	// the event with: the redelivery asked meanwhile still stands.
	require.NoError(t, s.RecordAttempt(ctx, store.DeliveryAttempt{EventID: e.ID, At: now, Error: "timeout"},
		store.AttemptOutcome{Status: store.EventFailed, NextAttemptAt: now, DecidedWith: claimed[0].DeliverBy}))
	after, _, err := s.GetEvent(ctx, merchant, e.ID)
	require.NoError(t, err)
	assert.Equal(t, store.EventPending, after.Status, "redelivered during its last attempt, the event is not given up")
	assert.True(t, now.Equal(after.NextAttemptAt), "and is due at once")

	// A failure decided with the current window stands.
	require.NoError(t, s.RecordAttempt(ctx, store.DeliveryAttempt{EventID: e.ID, At: now, Error: "timeout"},
		store.AttemptOutcome{Status: store.EventFailed, NextAttemptAt: now, DecidedWith: after.DeliverBy}))
	final, _, err := s.GetEvent(ctx, merchant, e.ID)
	require.NoError(t, err)
	assert.Equal(t, store.EventFailed, final.Status)
}

package webhook_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kycgate/kycgate/store"
	"github.com/kycgate/kycgate/webhook"
)

// insertFinished writes an event that was delivered (or failed) at
// finished, as an earlier run of the worker would have left it.
func insertFinished(t *testing.T, st store.Outbox, outcome string, finished time.Time) store.OutboxEvent {
	t.Helper()
	ctx := context.Background()
	created := finished.Add(-time.Minute)
	e := store.OutboxEvent{
		ID: webhook.NewEventID(), MerchantID: testMerchant, ResourceID: webhook.NewEventID(), EventName: "nfc_completed",
		URL: "https://hooks.example/receive", Secret: testSecret,
		Payload: []byte(`{"eventName":"nfc_completed","data":{"portrait":"AAAA"}}`),
		Status:  store.EventPending, CreatedAt: created, NextAttemptAt: created, DeliverBy: created.Add(time.Hour),
	}
	require.NoError(t, st.EnqueueEvents(ctx, []store.OutboxEvent{e}))
	a := store.DeliveryAttempt{EventID: e.ID, At: finished, StatusCode: 204}
	if outcome == store.EventFailed {
		a.StatusCode, a.Error = 500, "receiver answered HTTP 500"
	}
	require.NoError(t, st.RecordAttempt(ctx, a, store.AttemptOutcome{Status: outcome, NextAttemptAt: finished}))
	return e
}

// purged reports whether the event's payload was erased.
func purged(t *testing.T, st store.Outbox, id string) bool {
	e, _ := status(t, st, id)
	return !e.PurgedAt.IsZero()
}

func TestErasesPayloadsPastTheirRetention(t *testing.T) {
	st := newStore(t)
	receiver, server := newCaptureServer(t)
	cfg := fastConfig()
	cfg.PayloadRetention = time.Hour
	cfg.PurgeInterval = 20 * time.Millisecond
	w := newWorker(t, st, cfg)
	// The finished events are in place before the worker runs: a running
	// worker would claim one between its enqueue and its finishing attempt.
	old := []store.OutboxEvent{
		insertFinished(t, st, store.EventDelivered, time.Now().Add(-2*time.Hour)),
		insertFinished(t, st, store.EventFailed, time.Now().Add(-2*time.Hour)),
	}
	runWorker(t, w)

	fresh := enqueue(t, st, w, server.URL, "ver-1", "verification_completed")
	eventually(t, func() bool { return allDelivered(t, st, fresh) }, "the fresh event is delivered")
	eventually(t, func() bool { return purged(t, st, old[0].ID) && purged(t, st, old[1].ID) },
		"events finished before the retention period are purged")

	for _, e := range old {
		got, attempts := status(t, st, e.ID)
		assert.JSONEq(t, `{}`, string(got.Payload), "the payload is erased")
		assert.Empty(t, got.Secret, "the secret is erased")
		assert.Equal(t, 1, got.Attempts, "the history stays")
		require.Len(t, attempts, 1)
		assert.NotEqual(t, store.EventPending, got.Status)
	}
	got, _ := status(t, st, fresh[0].ID)
	assert.True(t, got.PurgedAt.IsZero(), "delivered within the retention period: kept")
	assert.Equal(t, fresh[0].Payload, got.Payload)
	assert.Equal(t, testSecret, got.Secret)
	assert.Len(t, receiver.all(), 1, "purging sends nothing")
}

func TestPurgeGoesOnAfterAFullBatch(t *testing.T) {
	st := newStore(t)
	cfg := fastConfig()
	cfg.PayloadRetention = time.Hour
	cfg.PurgeInterval = time.Hour // only full batches lead to another round
	cfg.PurgeBatch = 2
	var old []store.OutboxEvent
	for range 5 {
		old = append(old, insertFinished(t, st, store.EventDelivered, time.Now().Add(-2*time.Hour)))
	}
	runWorker(t, newWorker(t, st, cfg))

	eventually(t, func() bool {
		for _, e := range old {
			if !purged(t, st, e.ID) {
				return false
			}
		}
		return true
	}, "5 events purged in rounds of 2, 2 and 1")
}

func TestRedeliverRefusesAPurgedEvent(t *testing.T) {
	st := newStore(t)
	receiver, server := newCaptureServer(t)
	cfg := fastConfig()
	cfg.PayloadRetention = time.Millisecond
	cfg.PurgeInterval = 20 * time.Millisecond
	w := newWorker(t, st, cfg)
	runWorker(t, w)

	events := enqueue(t, st, w, server.URL, "ver-1", "verification_completed")
	eventually(t, func() bool { return purged(t, st, events[0].ID) }, "delivered, then purged")

	_, err := w.Redeliver(context.Background(), testMerchant, events[0].ID)
	require.ErrorIs(t, err, store.ErrPayloadPurged)
	_, err = w.Redeliver(context.Background(), "another-merchant", events[0].ID)
	require.ErrorIs(t, err, store.ErrNotFound, "another merchant learns nothing")
	got, _ := status(t, st, events[0].ID)
	assert.Equal(t, store.EventDelivered, got.Status, "the refused redelivery changes nothing")
	assert.Len(t, receiver.all(), 1, "sent once, never with an empty body")
}

func TestConfigRefusesNegativeRetention(t *testing.T) {
	for name, change := range map[string]func(*webhook.Config){
		"retention": func(c *webhook.Config) { c.PayloadRetention = -time.Second },
		"interval":  func(c *webhook.Config) { c.PurgeInterval = -time.Second },
		"batch":     func(c *webhook.Config) { c.PurgeBatch = -1 },
	} {
		t.Run(name, func(t *testing.T) {
			cfg := fastConfig()
			change(&cfg)
			assert.Error(t, cfg.Validate(), fmt.Sprintf("negative %s", name))
		})
	}
}

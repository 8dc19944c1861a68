package postgres

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kycgate/kycgate/store"
)

// deliveredEvents enqueues n events on s and records each as delivered at
// outboxEpoch.
func deliveredEvents(t *testing.T, s *Store, n int) []store.OutboxEvent {
	t.Helper()
	ctx := context.Background()
	events := make([]store.OutboxEvent, n)
	for i := range events {
		events[i] = pendingEvent(fmt.Sprintf("evt-%03d", i), fmt.Sprintf("res-%03d", i))
	}
	require.NoError(t, s.EnqueueEvents(ctx, events))
	for _, e := range events {
		require.NoError(t, s.RecordAttempt(ctx, store.DeliveryAttempt{EventID: e.ID, At: outboxEpoch, StatusCode: 204},
			store.AttemptOutcome{Status: store.EventDelivered, NextAttemptAt: outboxEpoch}))
	}
	return events
}

func TestReplicasPurgeEachEventOnce(t *testing.T) {
	stores := replicas(t, 4)
	const n = 120
	deliveredEvents(t, stores[0], n)
	cutoff, now := outboxEpoch.Add(time.Hour), outboxEpoch.Add(2*time.Hour)

	var mu sync.Mutex
	total := 0
	var wg sync.WaitGroup
	for _, s := range stores {
		wg.Go(func() {
			for {
				got, err := s.PurgePayloads(context.Background(), cutoff, now, 7)
				if !assert.NoError(t, err) || got == 0 {
					return
				}
				mu.Lock()
				total += got
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	assert.Equal(t, n, total, "every event purged, none counted twice")
	left, err := stores[0].PurgePayloads(context.Background(), cutoff, now, n)
	require.NoError(t, err)
	assert.Zero(t, left)
}

func TestPurgeAndRequeueExcludeEachOther(t *testing.T) {
	stores := replicas(t, 2)
	const n = 80
	events := deliveredEvents(t, stores[0], n)
	cutoff, now := outboxEpoch.Add(time.Hour), outboxEpoch.Add(2*time.Hour)
	ctx := context.Background()

	requeued := make([]bool, n)
	var wg sync.WaitGroup
	wg.Go(func() {
		for {
			got, err := stores[0].PurgePayloads(ctx, cutoff, now, 3)
			if !assert.NoError(t, err) || got == 0 {
				return
			}
		}
	})
	wg.Go(func() {
		for i, e := range events {
			_, err := stores[1].RequeueEvent(ctx, "acme", e.ID, now, now.Add(time.Hour))
			if err != nil && !errors.Is(err, store.ErrPayloadPurged) {
				assert.NoError(t, err)
			}
			requeued[i] = err == nil
		}
	})
	wg.Wait()

	for i, e := range events {
		got, _, err := stores[0].GetEvent(ctx, "acme", e.ID)
		require.NoError(t, err)
		if requeued[i] {
			assert.Equal(t, store.EventPending, got.Status, "%s: requeued", e.ID)
			assert.Equal(t, e.Payload, got.Payload, "%s: a requeued event keeps its payload", e.ID)
			assert.True(t, got.PurgedAt.IsZero())
			continue
		}
		assert.Equal(t, store.EventDelivered, got.Status, "%s: refused, so still delivered", e.ID)
		assert.JSONEq(t, `{}`, string(got.Payload), "%s: purged", e.ID)
		assert.Empty(t, got.Secret)
	}
}

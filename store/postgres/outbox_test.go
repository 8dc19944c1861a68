package postgres

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kycgate/kycgate/store"
)

// outboxEpoch is the fixed clock of the replica outbox tests.
var outboxEpoch = time.Date(2025, 9, 1, 12, 0, 0, 0, time.UTC)

// pendingEvent returns an event of resource due at outboxEpoch.
func pendingEvent(id, resource string) store.OutboxEvent {
	return store.OutboxEvent{
		ID: id, MerchantID: "acme", ResourceID: resource, EventName: "step_completed",
		URL: "https://hooks.example/receive", Secret: "s", Payload: []byte(`{"n":"` + id + `"}`),
		Status: store.EventPending, CreatedAt: outboxEpoch, NextAttemptAt: outboxEpoch,
		DeliverBy: outboxEpoch.Add(time.Hour),
	}
}

// claimLog records which claimer got which event, in claim order.
type claimLog struct {
	mu         sync.Mutex
	claims     map[string]int
	byResource map[string][]string
}

func (l *claimLog) add(events []store.OutboxEvent) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, e := range events {
		l.claims[e.ID]++
		l.byResource[e.ResourceID] = append(l.byResource[e.ResourceID], e.ID)
	}
}

func (l *claimLog) total() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.claims)
}

// deliverAll claims and acknowledges events on s until want distinct
// events were claimed by all claimers together, or ctx ends.
func deliverAll(ctx context.Context, s *Store, log *claimLog, want int) error {
	for log.total() < want {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("gave up with %d of %d events claimed: %w", log.total(), want, err)
		}
		claimed, err := s.ClaimEvents(ctx, outboxEpoch.Add(time.Second), time.Hour, 5)
		if err != nil {
			return err
		}
		log.add(claimed)
		for _, e := range claimed {
			err := s.RecordAttempt(ctx, store.DeliveryAttempt{EventID: e.ID, At: outboxEpoch, StatusCode: 204},
				store.AttemptOutcome{Status: store.EventDelivered, NextAttemptAt: outboxEpoch})
			if err != nil {
				return err
			}
		}
		if len(claimed) == 0 {
			time.Sleep(time.Millisecond) // the next event of a resource waits for its predecessor
		}
	}
	return nil
}

func TestOutboxReplicasNeverClaimTheSameEvent(t *testing.T) {
	stores := replicas(t, 2)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	const resources, perResource = 40, 4
	var events []store.OutboxEvent
	for i := range perResource {
		for r := range resources {
			events = append(events, pendingEvent(fmt.Sprintf("evt-%02d-%d", r, i), fmt.Sprintf("res-%02d", r)))
		}
	}
	for i := range 40 {
		events = append(events, pendingEvent(fmt.Sprintf("evt-lone-%02d", i), ""))
	}
	require.NoError(t, stores[0].EnqueueEvents(ctx, events))

	log := &claimLog{claims: map[string]int{}, byResource: map[string][]string{}}
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for _, s := range stores {
		for range 2 {
			wg.Go(func() { errs <- deliverAll(ctx, s, log, len(events)) })
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	for _, e := range events {
		assert.Equal(t, 1, log.claims[e.ID], "event %s is claimed exactly once across the replicas", e.ID)
	}
	for r := range resources {
		res := fmt.Sprintf("res-%02d", r)
		want := make([]string, perResource)
		for i := range want {
			want[i] = fmt.Sprintf("evt-%02d-%d", r, i)
		}
		assert.Equal(t, want, log.byResource[res], "the events of %s are claimed in order", res)
	}
}

func TestOutboxClaimSkipsEventsLockedByAnotherReplica(t *testing.T) {
	stores := replicas(t, 2)
	ctx := context.Background()
	held, free := pendingEvent("evt-held", "res-a"), pendingEvent("evt-free", "res-b")
	require.NoError(t, stores[0].EnqueueEvents(ctx, []store.OutboxEvent{held, free}))

	// Replica 0 is in the middle of a claim that holds evt-held.
	tx, err := stores[0].pool.Begin(ctx)
	require.NoError(t, err)
	defer func() { _ = tx.Rollback(ctx) }()
	_, err = tx.Exec(ctx, `SELECT 1 FROM webhook_events WHERE id = $1 FOR UPDATE`, held.ID)
	require.NoError(t, err)

	wait, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	claimed, err := stores[1].ClaimEvents(wait, outboxEpoch, time.Minute, 10)
	require.NoError(t, err, "a claim does not wait for rows another transaction holds")
	require.Len(t, claimed, 1)
	assert.Equal(t, free.ID, claimed[0].ID)

	require.NoError(t, tx.Rollback(ctx))
	claimed, err = stores[1].ClaimEvents(ctx, outboxEpoch, time.Minute, 10)
	require.NoError(t, err)
	require.Len(t, claimed, 1, "released by the other replica, the event is claimable")
	assert.Equal(t, held.ID, claimed[0].ID)
}

func TestOutboxLeaseOfADeadReplicaExpires(t *testing.T) {
	stores := replicas(t, 2)
	ctx := context.Background()
	first, second := pendingEvent("evt-1", "res"), pendingEvent("evt-2", "res")
	require.NoError(t, stores[0].EnqueueEvents(ctx, []store.OutboxEvent{first, second}))

	const lease = 30 * time.Second
	claimed, err := stores[0].ClaimEvents(ctx, outboxEpoch, lease, 10)
	require.NoError(t, err)
	require.Len(t, claimed, 1)
	require.Equal(t, first.ID, claimed[0].ID)
	require.NoError(t, stores[0].Close(), "the replica dies before recording its attempt")

	during, err := stores[1].ClaimEvents(ctx, outboxEpoch.Add(lease-time.Second), lease, 10)
	require.NoError(t, err)
	assert.Empty(t, during, "neither the leased event nor the one behind it is claimable during the lease")

	after, err := stores[1].ClaimEvents(ctx, outboxEpoch.Add(lease+time.Second), lease, 10)
	require.NoError(t, err)
	require.Len(t, after, 1, "the other replica takes the event once the lease ran out")
	assert.Equal(t, first.ID, after[0].ID)
	assert.Equal(t, 0, after[0].Attempts, "no attempt was recorded by the dead replica")

	require.NoError(t, stores[1].RecordAttempt(ctx, store.DeliveryAttempt{EventID: first.ID, At: outboxEpoch, StatusCode: 200},
		store.AttemptOutcome{Status: store.EventDelivered, NextAttemptAt: outboxEpoch}))
	next, err := stores[1].ClaimEvents(ctx, outboxEpoch.Add(lease+2*time.Second), lease, 10)
	require.NoError(t, err)
	require.Len(t, next, 1)
	assert.Equal(t, second.ID, next[0].ID, "the resource's next event follows")
}

func TestOutboxConcurrentAttemptsOfOneEventAreNumbered(t *testing.T) {
	stores := replicas(t, 2)
	ctx := context.Background()
	e := pendingEvent("evt-twice", "res")
	require.NoError(t, stores[0].EnqueueEvents(ctx, []store.OutboxEvent{e}))
	// A replica whose lease ran out mid-delivery and the replica that took
	// the event over both record an attempt.
	const each = 5
	var wg sync.WaitGroup
	errs := make(chan error, 2*each)
	for _, s := range stores {
		wg.Go(func() {
			for range each {
				errs <- s.RecordAttempt(ctx, store.DeliveryAttempt{EventID: e.ID, At: outboxEpoch, StatusCode: 503, Error: "busy"},
					store.AttemptOutcome{Status: store.EventPending, NextAttemptAt: outboxEpoch})
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	got, attempts, err := stores[1].GetEvent(ctx, "acme", e.ID)
	require.NoError(t, err)
	assert.Equal(t, 2*each, got.Attempts)
	require.Len(t, attempts, 2*each)
	for i, a := range attempts {
		assert.Equal(t, i+1, a.Number)
	}
}

package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/kycgate/kycgate/store"
)

// eventColumns are the webhook_events columns read by scanEvent, in order.
const eventColumns = insertedColumns + `, purged_at`

// insertedColumns are the columns an enqueued event sets.
const insertedColumns = `id, merchant_id, resource_id, event_name, url, secret, payload, status, attempts,
    created_at, next_attempt_at, deliver_by, delivered_at, last_status_code, last_error`

const insertEvent = `INSERT INTO webhook_events (` + insertedColumns + `)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`

// claimEvents leases, in one statement, the oldest pending event of each
// resource that is due (events without a resource are not ordered).
//
// Rows another transaction holds are skipped rather than waited for (SKIP
// LOCKED), so concurrent claimers on any number of replicas each take
// different events. An event leased by a claim that committed after this
// statement's snapshot is re-checked by PostgreSQL against its new
// next_attempt_at and left out. The second event of a resource stays out
// while the first is pending, leased or not, so the events of a resource are
// delivered in order even across replicas. The UPDATE finds the claimed rows
// through an array of their keys, which keeps it on the primary key however
// large the table; the result is ordered by the due time the events had
// before the claim, then by age.
const claimEvents = `WITH due AS (
    SELECT e.seq, e.next_attempt_at FROM webhook_events e
    WHERE e.status = 'pending' AND e.next_attempt_at <= $1
      AND (e.resource_id = '' OR NOT EXISTS (
          SELECT 1 FROM webhook_events p
          WHERE p.resource_id = e.resource_id AND p.status = 'pending' AND p.seq < e.seq))
    ORDER BY e.next_attempt_at, e.seq
    LIMIT $2
    FOR UPDATE OF e SKIP LOCKED
), claimed AS (
    UPDATE webhook_events SET next_attempt_at = $3
    WHERE seq = ANY (ARRAY(SELECT seq FROM due))
    RETURNING seq, ` + eventColumns + `
)
SELECT ` + claimedEventColumns + ` FROM claimed c JOIN due d ON d.seq = c.seq ORDER BY d.next_attempt_at, c.seq`

// claimedEventColumns are eventColumns as read from the claimed rows.
const claimedEventColumns = `c.id, c.merchant_id, c.resource_id, c.event_name, c.url, c.secret, c.payload, c.status,
    c.attempts, c.created_at, c.next_attempt_at, c.deliver_by, c.delivered_at, c.last_status_code, c.last_error,
    c.purged_at`

// EnqueueEvents writes the events in one transaction.
func (s *Store) EnqueueEvents(ctx context.Context, events []store.OutboxEvent) error {
	if len(events) == 0 {
		return nil
	}
	return s.inTx(ctx, "enqueue events", func(tx pgx.Tx) error {
		return insertEvents(ctx, tx, events)
	})
}

// insertEvents writes events with tx as one batch; a duplicate id is
// store.ErrConflict.
func insertEvents(ctx context.Context, tx pgx.Tx, events []store.OutboxEvent) error {
	if len(events) == 0 {
		return nil
	}
	batch := &pgx.Batch{}
	for _, e := range events {
		status := e.Status
		if status == "" {
			status = store.EventPending
		}
		batch.Queue(insertEvent, e.ID, e.MerchantID, e.ResourceID, e.EventName, e.URL, e.Secret, e.Payload,
			status, e.Attempts, storedTime(e.CreatedAt), storedTime(e.NextAttemptAt), storedTime(e.DeliverBy),
			nullableTime(e.DeliveredAt), e.LastStatusCode, e.LastError)
	}
	results := tx.SendBatch(ctx, batch)
	for range events {
		if _, err := results.Exec(); err != nil {
			_ = results.Close()
			if violatesUniqueness(err) {
				return fmt.Errorf("event: %w", conflictOr(err))
			}
			return fmt.Errorf("insert event: %w", err)
		}
	}
	return results.Close()
}

// ClaimEvents leases due events; see claimEvents.
func (s *Store) ClaimEvents(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]store.OutboxEvent, error) {
	if limit <= 0 {
		return nil, nil
	}
	rows, err := s.pool.Query(ctx, claimEvents, storedTime(now), limit, storedTime(now.Add(lease)))
	if err != nil {
		return nil, fmt.Errorf("postgres store: claim events: %w", err)
	}
	claimed, err := pgx.CollectRows(rows, scanEventRow)
	if err != nil {
		return nil, fmt.Errorf("postgres store: claim events: %w", err)
	}
	return claimed, nil
}

// RecordAttempt appends the attempt, numbered after the event's earlier
// ones (a.Number is ignored), and applies the outcome. The event row is
// locked first, so two replicas recording attempts of one event (the second
// after the first's lease ran out) number them one after the other.
func (s *Store) RecordAttempt(ctx context.Context, a store.DeliveryAttempt, outcome store.AttemptOutcome) error {
	return s.inTx(ctx, "record attempt", func(tx pgx.Tx) error {
		var attempts int
		var deliverBy time.Time
		err := tx.QueryRow(ctx, `SELECT attempts, deliver_by FROM webhook_events WHERE id = $1 FOR UPDATE`, a.EventID).Scan(&attempts, &deliverBy)
		if errors.Is(err, pgx.ErrNoRows) {
			return store.ErrNotFound
		}
		if err != nil {
			return err
		}
		outcome = store.KeepRedelivery(outcome, deliverBy)
		const insertAttempt = `INSERT INTO webhook_attempts (event_id, number, at, duration_us, status_code, error)
VALUES ($1, $2, $3, $4, $5, $6)`
		if _, err := tx.Exec(ctx, insertAttempt, a.EventID, attempts+1, storedTime(a.At),
			a.Duration.Microseconds(), a.StatusCode, a.Error); err != nil {
			return conflictOr(err)
		}
		var delivered *time.Time
		if outcome.Status == store.EventDelivered {
			delivered = nullableTime(a.At.Add(a.Duration))
		}
		const update = `UPDATE webhook_events SET status = $1, attempts = $2, next_attempt_at = $3,
    delivered_at = COALESCE($4, delivered_at), last_status_code = $5, last_error = $6 WHERE id = $7`
		_, err = tx.Exec(ctx, update, outcome.Status, attempts+1, storedTime(outcome.NextAttemptAt),
			delivered, a.StatusCode, a.Error, a.EventID)
		return conflictOr(err)
	})
}

// GetEvent returns the merchant's event with its attempts.
func (s *Store) GetEvent(ctx context.Context, merchantID, eventID string) (store.OutboxEvent, []store.DeliveryAttempt, error) {
	const q = `SELECT ` + eventColumns + ` FROM webhook_events WHERE id = $1 AND merchant_id = $2`
	e, err := scanEvent(s.pool.QueryRow(ctx, q, eventID, merchantID))
	if errors.Is(err, pgx.ErrNoRows) {
		return store.OutboxEvent{}, nil, store.ErrNotFound
	}
	if err != nil {
		return store.OutboxEvent{}, nil, fmt.Errorf("postgres store: get event: %w", err)
	}
	attempts, err := attemptsOf(ctx, s.pool, eventID)
	if err != nil {
		return store.OutboxEvent{}, nil, fmt.Errorf("postgres store: get event: %w", err)
	}
	return e, attempts, nil
}

func attemptsOf(ctx context.Context, q queryer, eventID string) ([]store.DeliveryAttempt, error) {
	const query = `SELECT number, at, duration_us, status_code, error FROM webhook_attempts WHERE event_id = $1 ORDER BY number`
	rows, err := q.Query(ctx, query, eventID)
	if err != nil {
		return nil, fmt.Errorf("list attempts: %w", err)
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (store.DeliveryAttempt, error) {
		a := store.DeliveryAttempt{EventID: eventID}
		var micros int64
		if err := r.Scan(&a.Number, &a.At, &micros, &a.StatusCode, &a.Error); err != nil {
			return a, fmt.Errorf("scan attempt: %w", err)
		}
		a.At = a.At.UTC()
		a.Duration = time.Duration(micros) * time.Microsecond
		return a, nil
	})
}

// ListEvents returns the merchant's events, newest first.
func (s *Store) ListEvents(ctx context.Context, merchantID string, q store.EventQuery) ([]store.OutboxEvent, error) {
	limit := q.Limit
	if limit <= 0 {
		limit = 100
	}
	query := `SELECT ` + eventColumns + ` FROM webhook_events WHERE merchant_id = $1`
	args := []any{merchantID}
	if q.ResourceID != "" {
		query += ` AND resource_id = $2`
		args = append(args, q.ResourceID)
	}
	query += fmt.Sprintf(` ORDER BY seq DESC LIMIT $%d`, len(args)+1)
	rows, err := s.pool.Query(ctx, query, append(args, limit)...)
	if err != nil {
		return nil, fmt.Errorf("postgres store: list events: %w", err)
	}
	events, err := pgx.CollectRows(rows, scanEventRow)
	if err != nil {
		return nil, fmt.Errorf("postgres store: list events: %w", err)
	}
	return events, nil
}

// RequeueEvent makes the merchant's event pending again; a purged event
// is refused with store.ErrPayloadPurged. The purged_at term makes the
// update and a concurrent purge exclude each other: whichever takes the
// row first wins, and the other finds it no longer matching. An event
// still pending keeps its next attempt time, which may be a worker's
// lease (see store.Outbox.RequeueEvent).
func (s *Store) RequeueEvent(ctx context.Context, merchantID, eventID string, now, deliverBy time.Time) (store.OutboxEvent, error) {
	const update = `UPDATE webhook_events SET next_attempt_at = CASE WHEN status = 'pending' THEN next_attempt_at ELSE $1 END,
    status = 'pending', deliver_by = $2
WHERE id = $3 AND merchant_id = $4 AND purged_at IS NULL RETURNING ` + eventColumns
	e, err := scanEvent(s.pool.QueryRow(ctx, update, storedTime(now), storedTime(deliverBy), eventID, merchantID))
	if errors.Is(err, pgx.ErrNoRows) {
		err = s.whyNotRequeued(ctx, merchantID, eventID)
	}
	if err != nil {
		return store.OutboxEvent{}, fmt.Errorf("postgres store: requeue event: %w", err)
	}
	return e, nil
}

// whyNotRequeued tells a purged event (store.ErrPayloadPurged) from an
// unknown one (store.ErrNotFound). Purging is final, so the answer cannot
// go stale.
func (s *Store) whyNotRequeued(ctx context.Context, merchantID, eventID string) error {
	const q = `SELECT purged_at IS NOT NULL FROM webhook_events WHERE id = $1 AND merchant_id = $2`
	var purged bool
	err := s.pool.QueryRow(ctx, q, eventID, merchantID).Scan(&purged)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return store.ErrNotFound
	case err != nil:
		return err
	case purged:
		return store.ErrPayloadPurged
	}
	return store.ErrNotFound
}

// scanEventRow adapts scanEvent to pgx.CollectRows.
func scanEventRow(r pgx.CollectableRow) (store.OutboxEvent, error) {
	return scanEvent(r)
}

// scanEvent reads one row of eventColumns.
func scanEvent(r pgx.Row) (store.OutboxEvent, error) {
	var e store.OutboxEvent
	var delivered, purged *time.Time
	err := r.Scan(&e.ID, &e.MerchantID, &e.ResourceID, &e.EventName, &e.URL, &e.Secret, &e.Payload, &e.Status,
		&e.Attempts, &e.CreatedAt, &e.NextAttemptAt, &e.DeliverBy, &delivered, &e.LastStatusCode, &e.LastError, &purged)
	if err != nil {
		return store.OutboxEvent{}, err
	}
	e.CreatedAt, e.NextAttemptAt, e.DeliverBy = e.CreatedAt.UTC(), e.NextAttemptAt.UTC(), e.DeliverBy.UTC()
	e.DeliveredAt = readTime(delivered)
	e.PurgedAt = readTime(purged)
	return e, nil
}

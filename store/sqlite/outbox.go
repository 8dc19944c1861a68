package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/kycgate/kycgate/store"
)

// eventColumns are the webhook_events columns read by scanEvent, in order.
const eventColumns = `id, merchant_id, resource_id, event_name, url, secret, payload, status, attempts,
    created_at, next_attempt_at, deliver_by, delivered_at, last_status_code, last_error, purged_at`

const insertEvent = `INSERT INTO webhook_events (id, merchant_id, resource_id, event_name, url, secret, payload,
    status, attempts, created_at, next_attempt_at, deliver_by, delivered_at, last_status_code, last_error)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`

// selectDueEvents picks the oldest pending event of each resource that is
// due; events without a resource are not ordered.
const selectDueEvents = `SELECT ` + eventColumns + ` FROM webhook_events e
WHERE e.status = 'pending' AND e.next_attempt_at <= ?
  AND (e.resource_id = '' OR NOT EXISTS (
      SELECT 1 FROM webhook_events p
      WHERE p.resource_id = e.resource_id AND p.status = 'pending' AND p.seq < e.seq))
ORDER BY e.next_attempt_at, e.seq
LIMIT ?`

// sqlExecer is what *sql.DB and *sql.Tx share for statements.
type sqlExecer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// sqlRow is what *sql.Row and *sql.Rows share.
type sqlRow interface {
	Scan(dest ...any) error
}

// EnqueueEvents writes the events in one transaction.
func (s *Store) EnqueueEvents(ctx context.Context, events []store.OutboxEvent) error {
	if len(events) == 0 {
		return nil
	}
	return s.txWrite(ctx, "enqueue events", func(tx *sql.Tx) error {
		return insertEvents(ctx, tx, events)
	})
}

// insertEvents writes events with tx; a duplicate id is store.ErrConflict.
func insertEvents(ctx context.Context, tx sqlExecer, events []store.OutboxEvent) error {
	for _, e := range events {
		status := e.Status
		if status == "" {
			status = store.EventPending
		}
		_, err := tx.ExecContext(ctx, insertEvent, e.ID, e.MerchantID, e.ResourceID, e.EventName, e.URL, e.Secret,
			e.Payload, status, e.Attempts, formatTime(e.CreatedAt), formatTime(e.NextAttemptAt),
			formatTime(e.DeliverBy), nullableTime(e.DeliveredAt), e.LastStatusCode, e.LastError)
		if err != nil {
			if violatesUniqueness(err) {
				return fmt.Errorf("event: %w", store.ErrConflict)
			}
			return fmt.Errorf("insert event: %w", err)
		}
	}
	return nil
}

// ClaimEvents selects due events and extends their lease in one
// transaction on the single write connection, so two claims never return
// the same event.
func (s *Store) ClaimEvents(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]store.OutboxEvent, error) {
	var claimed []store.OutboxEvent
	err := s.txWrite(ctx, "claim events", func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, selectDueEvents, formatTime(now), limit)
		if err != nil {
			return err
		}
		claimed, err = scanEvents(rows)
		if err != nil {
			return err
		}
		until := now.Add(lease)
		for i := range claimed {
			const extend = `UPDATE webhook_events SET next_attempt_at = ? WHERE id = ?`
			if _, err := tx.ExecContext(ctx, extend, formatTime(until), claimed[i].ID); err != nil {
				return err
			}
			claimed[i].NextAttemptAt = until.UTC().Truncate(time.Microsecond)
		}
		return nil
	})
	return claimed, err
}

// RecordAttempt appends the attempt, numbered after the event's earlier
// ones (a.Number is ignored), and applies the outcome.
func (s *Store) RecordAttempt(ctx context.Context, a store.DeliveryAttempt, outcome store.AttemptOutcome) error {
	return s.txWrite(ctx, "record attempt", func(tx *sql.Tx) error {
		var attempts int
		var deliverBy string
		err := tx.QueryRowContext(ctx, `SELECT attempts, deliver_by FROM webhook_events WHERE id = ?`, a.EventID).Scan(&attempts, &deliverBy)
		if errors.Is(err, sql.ErrNoRows) {
			return store.ErrNotFound
		}
		if err != nil {
			return err
		}
		stored, err := parseTime(deliverBy)
		if err != nil {
			return err
		}
		outcome = store.KeepRedelivery(outcome, stored)
		const insertAttempt = `INSERT INTO webhook_attempts (event_id, number, at, duration_us, status_code, error)
VALUES (?, ?, ?, ?, ?, ?)`
		if _, err := tx.ExecContext(ctx, insertAttempt, a.EventID, attempts+1, formatTime(a.At),
			a.Duration.Microseconds(), a.StatusCode, a.Error); err != nil {
			return err
		}
		var delivered any
		if outcome.Status == store.EventDelivered {
			delivered = formatTime(a.At.Add(a.Duration))
		}
		const update = `UPDATE webhook_events SET status = ?, attempts = ?, next_attempt_at = ?,
    delivered_at = COALESCE(?, delivered_at), last_status_code = ?, last_error = ? WHERE id = ?`
		_, err = tx.ExecContext(ctx, update, outcome.Status, attempts+1, formatTime(outcome.NextAttemptAt),
			delivered, a.StatusCode, a.Error, a.EventID)
		return err
	})
}

// GetEvent returns the merchant's event with its attempts.
func (s *Store) GetEvent(ctx context.Context, merchantID, eventID string) (store.OutboxEvent, []store.DeliveryAttempt, error) {
	row := s.read.QueryRowContext(ctx, `SELECT `+eventColumns+` FROM webhook_events WHERE id = ? AND merchant_id = ?`,
		eventID, merchantID)
	e, err := scanEvent(row)
	if errors.Is(err, sql.ErrNoRows) {
		return store.OutboxEvent{}, nil, store.ErrNotFound
	}
	if err != nil {
		return store.OutboxEvent{}, nil, fmt.Errorf("sqlite store: get event: %w", err)
	}
	attempts, err := s.attemptsOf(ctx, eventID)
	if err != nil {
		return store.OutboxEvent{}, nil, err
	}
	return e, attempts, nil
}

func (s *Store) attemptsOf(ctx context.Context, eventID string) ([]store.DeliveryAttempt, error) {
	const q = `SELECT number, at, duration_us, status_code, error FROM webhook_attempts WHERE event_id = ? ORDER BY number`
	rows, err := s.read.QueryContext(ctx, q, eventID)
	if err != nil {
		return nil, fmt.Errorf("sqlite store: list attempts: %w", err)
	}
	defer func() { _ = rows.Close() }()
	var out []store.DeliveryAttempt
	for rows.Next() {
		a := store.DeliveryAttempt{EventID: eventID}
		var at string
		var micros int64
		if err := rows.Scan(&a.Number, &at, &micros, &a.StatusCode, &a.Error); err != nil {
			return nil, fmt.Errorf("sqlite store: scan attempt: %w", err)
		}
		if a.At, err = parseTime(at); err != nil {
			return nil, fmt.Errorf("sqlite store: decode attempt time: %w", err)
		}
		a.Duration = time.Duration(micros) * time.Microsecond
		out = append(out, a)
	}
	return out, rows.Err()
}

// ListEvents returns the merchant's events, newest first.
func (s *Store) ListEvents(ctx context.Context, merchantID string, q store.EventQuery) ([]store.OutboxEvent, error) {
	limit := q.Limit
	if limit <= 0 {
		limit = 100
	}
	query := `SELECT ` + eventColumns + ` FROM webhook_events WHERE merchant_id = ?`
	args := []any{merchantID}
	if q.ResourceID != "" {
		query += ` AND resource_id = ?`
		args = append(args, q.ResourceID)
	}
	query += ` ORDER BY seq DESC LIMIT ?`
	rows, err := s.read.QueryContext(ctx, query, append(args, limit)...)
	if err != nil {
		return nil, fmt.Errorf("sqlite store: list events: %w", err)
	}
	events, err := scanEvents(rows)
	if err != nil {
		return nil, fmt.Errorf("sqlite store: list events: %w", err)
	}
	return events, nil
}

// RequeueEvent makes the merchant's event pending again; a purged event
// is refused with store.ErrPayloadPurged.
func (s *Store) RequeueEvent(ctx context.Context, merchantID, eventID string, now, deliverBy time.Time) (store.OutboxEvent, error) {
	var e store.OutboxEvent
	err := s.txWrite(ctx, "requeue event", func(tx *sql.Tx) error {
		var purged sql.NullString
		const lookup = `SELECT purged_at FROM webhook_events WHERE id = ? AND merchant_id = ?`
		err := tx.QueryRowContext(ctx, lookup, eventID, merchantID).Scan(&purged)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			return store.ErrNotFound
		case err != nil:
			return err
		case purged.Valid:
			return store.ErrPayloadPurged
		}
		// An event still pending keeps its next attempt time, which may
		// be a worker's lease (see store.Outbox.RequeueEvent).
		const update = `UPDATE webhook_events SET next_attempt_at = CASE WHEN status = 'pending' THEN next_attempt_at ELSE ? END,
    status = 'pending', deliver_by = ?
WHERE id = ? AND merchant_id = ?`
		if _, err := tx.ExecContext(ctx, update, formatTime(now), formatTime(deliverBy), eventID, merchantID); err != nil {
			return err
		}
		e, err = scanEvent(tx.QueryRowContext(ctx, `SELECT `+eventColumns+` FROM webhook_events WHERE id = ?`, eventID))
		return err
	})
	return e, err
}

// scanEvents reads every row of rows and closes it.
func scanEvents(rows *sql.Rows) ([]store.OutboxEvent, error) {
	defer func() { _ = rows.Close() }()
	var out []store.OutboxEvent
	for rows.Next() {
		e, err := scanEvent(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// scanEvent reads one row of eventColumns.
func scanEvent(r sqlRow) (store.OutboxEvent, error) {
	var e store.OutboxEvent
	var created, next, deliverBy string
	var delivered, purged sql.NullString
	err := r.Scan(&e.ID, &e.MerchantID, &e.ResourceID, &e.EventName, &e.URL, &e.Secret, &e.Payload, &e.Status,
		&e.Attempts, &created, &next, &deliverBy, &delivered, &e.LastStatusCode, &e.LastError, &purged)
	if err != nil {
		return e, err
	}
	return e, parseStoredTimes(map[*time.Time]string{
		&e.CreatedAt: created, &e.NextAttemptAt: next, &e.DeliverBy: deliverBy, &e.DeliveredAt: delivered.String,
		&e.PurgedAt: purged.String,
	})
}

// parseStoredTimes decodes each stored time into its destination; an empty
// string leaves the zero time.
func parseStoredTimes(values map[*time.Time]string) error {
	for dst, s := range values {
		if s == "" {
			continue
		}
		t, err := parseTime(s)
		if err != nil {
			return fmt.Errorf("decode time: %w", err)
		}
		*dst = t
	}
	return nil
}

// nullableTime stores the zero time as NULL.
func nullableTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return formatTime(t)
}

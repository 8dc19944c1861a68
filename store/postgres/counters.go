package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/kycgate/kycgate/store"
)

// addToCounter adds $3 to a counter, restarting an expired one from zero
// and never going below zero ($4 is now and $5 the new expiry). Concurrent
// upserts of one row queue on its lock under READ COMMITTED, and the
// update re-reads the committed row, so no addition is lost.
const addToCounter = `INSERT INTO rate_counters (counter_key, window_no, count, expires_at)
VALUES ($1, $2, GREATEST($3::bigint, 0), $5)
ON CONFLICT (counter_key, window_no) DO UPDATE SET
    count = GREATEST(CASE WHEN rate_counters.expires_at <= $4 THEN 0 ELSE rate_counters.count END + $3::bigint, 0),
    expires_at = GREATEST(rate_counters.expires_at, EXCLUDED.expires_at)
RETURNING count`

// AddToCounter atomically adds delta to the counter (store.Counters).
func (s *Store) AddToCounter(ctx context.Context, c store.CounterRef, delta int64, now, expiresAt time.Time) (int64, error) {
	if c.Key == "" {
		return 0, errors.New("postgres store: add to counter: empty key")
	}
	var n int64
	err := s.pool.QueryRow(ctx, addToCounter, c.Key, c.Window, delta, storedTime(now), storedTime(expiresAt)).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("postgres store: add to counter: %w", err)
	}
	return n, nil
}

// CounterValue returns the counter's value at now (store.Counters).
func (s *Store) CounterValue(ctx context.Context, c store.CounterRef, now time.Time) (int64, error) {
	var n int64
	err := s.pool.QueryRow(ctx, `SELECT count FROM rate_counters
WHERE counter_key = $1 AND window_no = $2 AND expires_at > $3`, c.Key, c.Window, storedTime(now)).Scan(&n)
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return 0, fmt.Errorf("postgres store: read counter: %w", err)
	}
	return n, nil
}

// DeleteExpiredCounters removes the counters expired at now
// (store.Counters).
func (s *Store) DeleteExpiredCounters(ctx context.Context, now time.Time) (int64, error) {
	tag, err := s.pool.Exec(ctx, `DELETE FROM rate_counters WHERE expires_at <= $1`, storedTime(now))
	if err != nil {
		return 0, fmt.Errorf("postgres store: delete expired counters: %w", err)
	}
	return tag.RowsAffected(), nil
}

package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/kycgate/kycgate/store"
)

// addToCounter adds $3 to a counter, restarting an expired one from zero
// and never going below zero ($4 is now and $5 the new expiry, both in Unix
// microseconds).
const addToCounter = `INSERT INTO rate_counters (counter_key, window_no, count, expires_at)
VALUES (?1, ?2, max(?3, 0), ?5)
ON CONFLICT (counter_key, window_no) DO UPDATE SET
    count = max(CASE WHEN rate_counters.expires_at <= ?4 THEN 0 ELSE rate_counters.count END + ?3, 0),
    expires_at = max(rate_counters.expires_at, excluded.expires_at)
RETURNING count`

// AddToCounter atomically adds delta to the counter (store.Counters). The
// single write connection serialises the additions of this process and
// SQLite's write lock those of other processes on the same file.
func (s *Store) AddToCounter(ctx context.Context, c store.CounterRef, delta int64, now, expiresAt time.Time) (int64, error) {
	if c.Key == "" {
		return 0, errors.New("sqlite store: add to counter: empty key")
	}
	var n int64
	err := s.write.QueryRowContext(ctx, addToCounter, c.Key, c.Window, delta, now.UnixMicro(), expiresAt.UnixMicro()).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("sqlite store: add to counter: %w", err)
	}
	return n, nil
}

// CounterValue returns the counter's value at now (store.Counters).
func (s *Store) CounterValue(ctx context.Context, c store.CounterRef, now time.Time) (int64, error) {
	var n int64
	err := s.read.QueryRowContext(ctx, `SELECT count FROM rate_counters
WHERE counter_key = ? AND window_no = ? AND expires_at > ?`, c.Key, c.Window, now.UnixMicro()).Scan(&n)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return 0, fmt.Errorf("sqlite store: read counter: %w", err)
	}
	return n, nil
}

// DeleteExpiredCounters removes the counters expired at now
// (store.Counters).
func (s *Store) DeleteExpiredCounters(ctx context.Context, now time.Time) (int64, error) {
	res, err := s.write.ExecContext(ctx, `DELETE FROM rate_counters WHERE expires_at <= ?`, now.UnixMicro())
	if err != nil {
		return 0, fmt.Errorf("sqlite store: delete expired counters: %w", err)
	}
	return res.RowsAffected()
}

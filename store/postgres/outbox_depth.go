package postgres

import (
	"context"
	"fmt"
)

// countPending counts the pending events; its condition is the predicate of
// the partial index webhook_events_due, which it reads instead of the table.
const countPending = `SELECT count(*) FROM webhook_events WHERE status = 'pending'`

// CountPendingEvents returns the number of webhook events waiting for
// delivery on all replicas together.
func (s *Store) CountPendingEvents(ctx context.Context) (int, error) {
	var n int
	if err := s.pool.QueryRow(ctx, countPending).Scan(&n); err != nil {
		return 0, fmt.Errorf("postgres store: count pending events: %w", err)
	}
	return n, nil
}

package sqlite

import (
	"context"
	"fmt"
)

// CountPendingEvents returns the number of webhook events waiting for
// delivery, read from the status index.
func (s *Store) CountPendingEvents(ctx context.Context) (int, error) {
	var n int
	if err := s.read.QueryRowContext(ctx, `SELECT count(*) FROM webhook_events WHERE status = 'pending'`).Scan(&n); err != nil {
		return 0, fmt.Errorf("sqlite store: count pending events: %w", err)
	}
	return n, nil
}

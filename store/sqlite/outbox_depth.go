package sqlite

import "context"

// CountPendingEvents returns the number of webhook events waiting for
// delivery (webhook.PendingCounter), read from the status index.
func (s *Store) CountPendingEvents(ctx context.Context) (int, error) {
	var n int
	err := s.read.QueryRowContext(ctx, `SELECT count(*) FROM webhook_events WHERE status = 'pending'`).Scan(&n)
	return n, err
}

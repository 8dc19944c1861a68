package sqlite

import (
	"context"
	"database/sql"
	"time"

	"github.com/kycgate/kycgate/store"
)

// purgePayloads erases, in one statement, the payload and secret of the
// oldest finished events not yet purged. The repeated status and purged_at
// terms let SQLite use the partial index webhook_events_unpurged.
const purgePayloads = `UPDATE webhook_events SET payload = ?, secret = '', purged_at = ?
WHERE seq IN (
    SELECT seq FROM webhook_events
    WHERE purged_at IS NULL AND status IN ('delivered', 'failed')
      AND ((status = 'delivered' AND delivered_at <= ?) OR (status = 'failed' AND next_attempt_at <= ?))
    ORDER BY seq
    LIMIT ?)`

// PurgePayloads erases the payloads of finished events older than cutoff;
// see store.Outbox. It runs on the single write connection, so a requeue
// of the same event happens wholly before or after it.
func (s *Store) PurgePayloads(ctx context.Context, cutoff, now time.Time, limit int) (int, error) {
	if limit <= 0 {
		return 0, nil
	}
	var n int64
	err := s.txWrite(ctx, "purge event payloads", func(tx *sql.Tx) error {
		at := formatTime(cutoff)
		res, err := tx.ExecContext(ctx, purgePayloads, store.PurgedPayload, formatTime(now), at, at, limit)
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	return int(n), err
}

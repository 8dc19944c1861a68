package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/kycgate/kycgate/store"
)

// purgePayloads erases, in one statement, the payload and secret of the
// oldest finished events not yet purged. The rows are locked as they are
// chosen; rows another transaction holds (a requeue, another replica's
// purge) are skipped, and the outer terms are checked again on the locked
// rows. The repeated status and purged_at terms let PostgreSQL use the
// partial index webhook_events_unpurged.
const purgePayloads = `UPDATE webhook_events SET payload = $1, secret = '', purged_at = $2
WHERE seq = ANY (ARRAY(
    SELECT seq FROM webhook_events
    WHERE purged_at IS NULL AND status IN ('delivered', 'failed')
      AND ((status = 'delivered' AND delivered_at <= $3) OR (status = 'failed' AND next_attempt_at <= $3))
    ORDER BY seq
    LIMIT $4
    FOR UPDATE SKIP LOCKED))
  AND purged_at IS NULL AND status IN ('delivered', 'failed')`

// PurgePayloads erases the payloads of finished events older than cutoff;
// see store.Outbox.
func (s *Store) PurgePayloads(ctx context.Context, cutoff, now time.Time, limit int) (int, error) {
	if limit <= 0 {
		return 0, nil
	}
	tag, err := s.pool.Exec(ctx, purgePayloads, store.PurgedPayload, storedTime(now), storedTime(cutoff), limit)
	if err != nil {
		return 0, fmt.Errorf("postgres store: purge event payloads: %w", err)
	}
	return int(tag.RowsAffected()), nil
}

-- Payload retention of the webhook outbox (store.Outbox.PurgePayloads): once
-- an event is delivered or failed and the retention period has passed, its
-- payload becomes '{}', its secret '' and purged_at records when. The
-- partial index keeps the purge's search to the finished events not yet
-- purged. The twin of the SQLite migration of the same version.

-- +goose Up
ALTER TABLE webhook_events ADD COLUMN purged_at TIMESTAMPTZ;

CREATE INDEX webhook_events_unpurged ON webhook_events (seq)
    WHERE purged_at IS NULL AND status IN ('delivered', 'failed');

-- +goose Down
DROP INDEX webhook_events_unpurged;
ALTER TABLE webhook_events DROP COLUMN purged_at;

-- Payload retention of the webhook outbox (store.Outbox.PurgePayloads): once
-- an event is delivered or failed and the retention period has passed, its
-- payload becomes '{}', its secret '' and purged_at records when. The
-- partial index keeps the purge's search to the finished events not yet
-- purged.
ALTER TABLE webhook_events ADD COLUMN purged_at TEXT;

CREATE INDEX webhook_events_unpurged ON webhook_events (seq)
    WHERE purged_at IS NULL AND status IN ('delivered', 'failed');

-- Rate-limit counters (store.Counters, used by nfc/attempts): one count per
-- key and fixed window, shared by every replica and changed only by atomic
-- INSERT ... ON CONFLICT DO UPDATE statements, so that N replicas enforce
-- one limit rather than N. Expired rows are deleted by
-- DeleteExpiredCounters. Keys are hashes chosen by the caller, never a
-- client address or init code in clear. The twin of the SQLite migration of
-- the same version.

-- +goose Up
CREATE TABLE rate_counters (
    counter_key TEXT COLLATE "C" NOT NULL CHECK (counter_key <> ''),
    window_no   BIGINT NOT NULL,
    count       BIGINT NOT NULL CHECK (count >= 0),
    expires_at  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (counter_key, window_no)
);

CREATE INDEX rate_counters_expiry ON rate_counters (expires_at);

-- +goose Down
DROP TABLE rate_counters;

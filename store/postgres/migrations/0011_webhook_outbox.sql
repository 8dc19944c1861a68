-- The webhook outbox (webhook package): events written in the same
-- transaction as the state change they report, and their delivery history;
-- the twin of the SQLite migration of the same version.
--
-- seq orders the events of a resource. payload is the exact JSON body
-- delivered, kept byte for byte, and secret the HMAC key it is signed with.
-- Replicas claim due events with SELECT ... FOR UPDATE SKIP LOCKED and
-- lease them by moving next_attempt_at to the end of the lease; the partial
-- index webhook_events_due serves that claim.

-- +goose Up
CREATE TABLE webhook_events (
    seq              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id               TEXT COLLATE "C" NOT NULL UNIQUE CHECK (id <> ''),
    merchant_id      TEXT COLLATE "C" NOT NULL CHECK (merchant_id <> ''),
    resource_id      TEXT COLLATE "C" NOT NULL,
    event_name       TEXT NOT NULL CHECK (event_name <> ''),
    url              TEXT NOT NULL CHECK (url <> ''),
    secret           TEXT NOT NULL,
    payload          BYTEA NOT NULL,
    status           TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'failed')),
    attempts         INTEGER NOT NULL DEFAULT 0,
    created_at       TIMESTAMPTZ NOT NULL,
    next_attempt_at  TIMESTAMPTZ NOT NULL,
    deliver_by       TIMESTAMPTZ NOT NULL,
    delivered_at     TIMESTAMPTZ,
    last_status_code INTEGER NOT NULL DEFAULT 0,
    last_error       TEXT NOT NULL DEFAULT ''
);

CREATE INDEX webhook_events_due ON webhook_events (next_attempt_at, seq) WHERE status = 'pending';
CREATE INDEX webhook_events_resource ON webhook_events (resource_id, status, seq);
CREATE INDEX webhook_events_merchant ON webhook_events (merchant_id, seq);

CREATE TABLE webhook_attempts (
    event_id    TEXT COLLATE "C" NOT NULL REFERENCES webhook_events (id) ON DELETE CASCADE,
    number      INTEGER NOT NULL,
    at          TIMESTAMPTZ NOT NULL,
    duration_us BIGINT NOT NULL,
    status_code INTEGER NOT NULL,
    error       TEXT NOT NULL,
    PRIMARY KEY (event_id, number)
);

-- +goose Down
DROP TABLE webhook_attempts;
DROP TABLE webhook_events;

-- The webhook outbox (webhook package): events written in the same
-- transaction as the state change they report, and their delivery history.
--
-- seq orders the events of a resource; a PostgreSQL backend uses a
-- BIGSERIAL for it. payload is the exact JSON body delivered (BYTEA in
-- PostgreSQL) and secret the HMAC key it is signed with.
CREATE TABLE webhook_events (
    seq              INTEGER PRIMARY KEY AUTOINCREMENT,
    id               TEXT NOT NULL UNIQUE CHECK (id <> ''),
    merchant_id      TEXT NOT NULL CHECK (merchant_id <> ''),
    resource_id      TEXT NOT NULL,
    event_name       TEXT NOT NULL CHECK (event_name <> ''),
    url              TEXT NOT NULL CHECK (url <> ''),
    secret           TEXT NOT NULL,
    payload          BLOB NOT NULL,
    status           TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'failed')),
    attempts         INTEGER NOT NULL DEFAULT 0,
    created_at       TEXT NOT NULL,
    next_attempt_at  TEXT NOT NULL,
    deliver_by       TEXT NOT NULL,
    delivered_at     TEXT,
    last_status_code INTEGER NOT NULL DEFAULT 0,
    last_error       TEXT NOT NULL DEFAULT ''
);

CREATE INDEX webhook_events_due ON webhook_events (status, next_attempt_at);
CREATE INDEX webhook_events_resource ON webhook_events (resource_id, status, seq);
CREATE INDEX webhook_events_merchant ON webhook_events (merchant_id, seq);

CREATE TABLE webhook_attempts (
    event_id    TEXT NOT NULL REFERENCES webhook_events (id) ON DELETE CASCADE,
    number      INTEGER NOT NULL,
    at          TEXT NOT NULL,
    duration_us INTEGER NOT NULL,
    status_code INTEGER NOT NULL,
    error       TEXT NOT NULL,
    PRIMARY KEY (event_id, number)
);

-- NFC ID-document sessions (nfc package); the twin of the SQLite migration
-- of the same version. A session's init code is unique among live sessions
-- only: the partial unique index leaves terminal sessions out, so a code can
-- be drawn again once its session has ended, and every replica sees a
-- redeemed code as spent. No personal data is kept here: the upload token is
-- stored as its SHA-256 hash, the chip's EF.SOD as its SHA-256 fingerprint,
-- and the result itself only in the webhook outbox.
--
-- seq stands in for SQLite's implicit rowid: it breaks ties between
-- sessions created at the same instant, newest last.

-- +goose Up
CREATE TABLE nfc_sessions (
    id                TEXT COLLATE "C" PRIMARY KEY CHECK (id <> ''),
    seq               BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE,
    partner_id        TEXT COLLATE "C" NOT NULL CHECK (partner_id <> ''),
    ref               TEXT NOT NULL,
    method            TEXT NOT NULL,
    options           JSONB NOT NULL CHECK (jsonb_typeof(options) = 'object'),
    init_code         TEXT COLLATE "C" NOT NULL CHECK (length(init_code) = 4),
    state             TEXT NOT NULL CHECK (state IN ('created', 'redeemed', 'uploaded', 'verified',
                                                     'delivered', 'confirmed', 'errored', 'expired')),
    created_at        TIMESTAMPTZ NOT NULL,
    updated_at        TIMESTAMPTZ NOT NULL,
    deadline          TIMESTAMPTZ,
    upload_token_hash BYTEA UNIQUE,
    challenge         BYTEA,
    sod_fingerprint   TEXT COLLATE "C" NOT NULL DEFAULT '',
    result_code       INTEGER NOT NULL DEFAULT 0,
    verdict           TEXT NOT NULL DEFAULT '',
    reason            TEXT NOT NULL DEFAULT ''
);

CREATE UNIQUE INDEX nfc_sessions_live_code ON nfc_sessions (init_code)
    WHERE state NOT IN ('confirmed', 'errored', 'expired');
CREATE INDEX nfc_sessions_partner_code ON nfc_sessions (partner_id, init_code, created_at);
CREATE INDEX nfc_sessions_due ON nfc_sessions (deadline)
    WHERE state NOT IN ('confirmed', 'errored', 'expired');
CREATE INDEX nfc_sessions_state ON nfc_sessions (state, updated_at);
CREATE INDEX nfc_sessions_sod ON nfc_sessions (sod_fingerprint) WHERE sod_fingerprint <> '';

-- +goose Down
DROP TABLE nfc_sessions;

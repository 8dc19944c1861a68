-- NFC ID-document sessions (nfc package). A session's init code is unique
-- among live sessions only: the partial index leaves terminal sessions out,
-- so a code can be drawn again once its session has ended. No personal data
-- is kept here: the upload token is stored as its SHA-256 hash, the chip's
-- EF.SOD as its SHA-256 fingerprint, and the result itself only in the
-- webhook outbox.
CREATE TABLE nfc_sessions (
    id                TEXT PRIMARY KEY CHECK (id <> ''),
    partner_id        TEXT NOT NULL CHECK (partner_id <> ''),
    ref               TEXT NOT NULL,
    method            TEXT NOT NULL,
    options           TEXT NOT NULL,
    init_code         TEXT NOT NULL CHECK (length(init_code) = 4),
    state             TEXT NOT NULL CHECK (state IN ('created', 'redeemed', 'uploaded', 'verified',
                                                     'delivered', 'confirmed', 'errored', 'expired')),
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL,
    deadline          TEXT,
    upload_token_hash BLOB UNIQUE,
    challenge         BLOB,
    sod_fingerprint   TEXT NOT NULL DEFAULT '',
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

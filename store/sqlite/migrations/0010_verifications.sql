-- Verification flows, identities and verifications (identity package).
--
-- Flows and verifications keep their state whole in a JSON document owned
-- by the identity package; the other columns are what queries filter on. A
-- PostgreSQL backend mirrors the tables one to one (TEXT ids, JSONB
-- documents, TIMESTAMPTZ times, BOOLEAN flags). Times are RFC 3339 UTC
-- strings with microsecond precision, which sort correctly as text.
CREATE TABLE flows (
    merchant_id TEXT NOT NULL CHECK (merchant_id <> ''),
    id          TEXT NOT NULL CHECK (id <> ''),
    document    TEXT NOT NULL CHECK (json_valid(document) AND json_type(document) = 'object'),
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    PRIMARY KEY (merchant_id, id)
);

CREATE TABLE identities (
    id          TEXT PRIMARY KEY NOT NULL CHECK (id <> ''),
    merchant_id TEXT NOT NULL CHECK (merchant_id <> ''),
    created_at  TEXT NOT NULL
);

CREATE TABLE verifications (
    id           TEXT PRIMARY KEY NOT NULL CHECK (id <> ''),
    merchant_id  TEXT NOT NULL CHECK (merchant_id <> ''),
    identity_id  TEXT NOT NULL REFERENCES identities (id),
    flow_id      TEXT NOT NULL CHECK (flow_id <> ''),
    status       TEXT NOT NULL CHECK (status <> ''),
    biometric    INTEGER NOT NULL CHECK (biometric IN (0, 1)),
    document     TEXT NOT NULL CHECK (json_valid(document) AND json_type(document) = 'object'),
    -- NULL when no processing is pending.
    job_due_at   TEXT,
    job_attempts INTEGER NOT NULL DEFAULT 0,
    version      INTEGER NOT NULL,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
);

CREATE INDEX verifications_identity ON verifications (identity_id, biometric, created_at);
CREATE INDEX verifications_job ON verifications (job_due_at) WHERE job_due_at IS NOT NULL;

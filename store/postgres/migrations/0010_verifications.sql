-- Verification flows, identities and verifications (identity package); the
-- twin of the SQLite migration of the same version.
--
-- Flows and verifications keep their state whole in a JSONB document owned
-- by the identity package; the other columns are what queries filter on.
-- job_due_at is NULL when no processing is pending; while a processor holds
-- the job it is the end of that processor's lease.

-- +goose Up
CREATE TABLE flows (
    merchant_id TEXT COLLATE "C" NOT NULL CHECK (merchant_id <> ''),
    id          TEXT COLLATE "C" NOT NULL CHECK (id <> ''),
    document    JSONB NOT NULL CHECK (jsonb_typeof(document) = 'object'),
    created_at  TIMESTAMPTZ NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (merchant_id, id)
);

CREATE TABLE identities (
    id          TEXT COLLATE "C" PRIMARY KEY CHECK (id <> ''),
    merchant_id TEXT COLLATE "C" NOT NULL CHECK (merchant_id <> ''),
    created_at  TIMESTAMPTZ NOT NULL
);

CREATE TABLE verifications (
    id           TEXT COLLATE "C" PRIMARY KEY CHECK (id <> ''),
    merchant_id  TEXT COLLATE "C" NOT NULL CHECK (merchant_id <> ''),
    identity_id  TEXT COLLATE "C" NOT NULL REFERENCES identities (id),
    flow_id      TEXT NOT NULL CHECK (flow_id <> ''),
    status       TEXT NOT NULL CHECK (status <> ''),
    biometric    BOOLEAN NOT NULL,
    document     JSONB NOT NULL CHECK (jsonb_typeof(document) = 'object'),
    job_due_at   TIMESTAMPTZ,
    job_attempts INTEGER NOT NULL DEFAULT 0,
    version      BIGINT NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL,
    updated_at   TIMESTAMPTZ NOT NULL
);

CREATE INDEX verifications_identity ON verifications (identity_id, biometric, created_at);
CREATE INDEX verifications_job ON verifications (job_due_at, id) WHERE job_due_at IS NOT NULL;

-- +goose Down
DROP TABLE verifications;
DROP TABLE identities;
DROP TABLE flows;

-- User profiles (identity/profiles): one record per verification, the
-- sealed face templates of the 1:N search, and the imported reputation and
-- watch lists of the risk engine; the twin of the SQLite migration of the
-- same version.
--
-- face_seq is drawn from the single row of profile_face_seq, not from a
-- SEQUENCE: the UPDATE that draws a number locks the row until its
-- transaction ends, so numbers become visible in the order they were drawn
-- and the face index, which reads "everything after the last number seen",
-- never skips a record whose transaction committed late. Numbers are never
-- reused.

-- +goose Up
CREATE TABLE profile_records (
    verification_id TEXT COLLATE "C" PRIMARY KEY CHECK (verification_id <> ''),
    merchant_id     TEXT COLLATE "C" NOT NULL CHECK (merchant_id <> ''),
    profile_id      TEXT COLLATE "C" NOT NULL DEFAULT '',
    email           TEXT COLLATE "C" NOT NULL DEFAULT '',
    created_at      TIMESTAMPTZ NOT NULL,
    document        JSONB NOT NULL CHECK (jsonb_typeof(document) = 'object'),
    face_template   BYTEA,
    face_seq        BIGINT,
    version         BIGINT NOT NULL CHECK (version > 0),
    updated_at      TIMESTAMPTZ NOT NULL,
    CHECK ((face_template IS NULL) = (face_seq IS NULL))
);

CREATE INDEX profile_records_profile ON profile_records (profile_id, created_at) WHERE profile_id <> '';
CREATE INDEX profile_records_email ON profile_records (email, created_at) WHERE email <> '';
CREATE UNIQUE INDEX profile_records_face ON profile_records (face_seq) WHERE face_seq IS NOT NULL;

CREATE TABLE profile_face_seq (
    id   INTEGER PRIMARY KEY CHECK (id = 1),
    last BIGINT NOT NULL
);
INSERT INTO profile_face_seq (id, last) VALUES (1, 0);

CREATE TABLE profile_lists (
    name        TEXT COLLATE "C" PRIMARY KEY CHECK (name <> ''),
    entries     JSONB NOT NULL CHECK (jsonb_typeof(entries) = 'array'),
    entry_count INTEGER NOT NULL CHECK (entry_count >= 0),
    digest      TEXT NOT NULL,
    imported_at TIMESTAMPTZ NOT NULL
);

-- +goose Down
DROP TABLE profile_lists;
DROP TABLE profile_face_seq;
DROP TABLE profile_records;

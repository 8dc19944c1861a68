-- User profiles (identity/profiles): one record per verification, the
-- sealed face templates of the 1:N search, and the imported reputation and
-- watch lists of the risk engine.
--
-- profile_id is the normalised "COUNTRY|DOCUMENT-TYPE|NUMBER" of the
-- verified document ('' while none is known) and email the normalised
-- e-mail of the request signals ('' when none); the rest of a record is the
-- JSON document owned by the profiles package. face_template holds a
-- template sealed with AES-256-GCM (biometric.SealTemplate), never a plain
-- one. face_seq is drawn from profile_face_seq each time a record gets a
-- new template or a new profile id, so that the in-memory face index can
-- read what changed since its last look; numbers are never reused. A
-- PostgreSQL backend mirrors the tables one to one (TEXT, JSONB, BYTEA,
-- TIMESTAMPTZ, a SEQUENCE for face_seq).
CREATE TABLE profile_records (
    verification_id TEXT PRIMARY KEY NOT NULL CHECK (verification_id <> ''),
    merchant_id     TEXT NOT NULL CHECK (merchant_id <> ''),
    profile_id      TEXT NOT NULL DEFAULT '',
    email           TEXT NOT NULL DEFAULT '',
    created_at      TEXT NOT NULL,
    document        TEXT NOT NULL CHECK (json_valid(document) AND json_type(document) = 'object'),
    face_template   BLOB,
    face_seq        INTEGER,
    version         INTEGER NOT NULL CHECK (version > 0),
    updated_at      TEXT NOT NULL,
    CHECK ((face_template IS NULL) = (face_seq IS NULL))
);

CREATE INDEX profile_records_profile ON profile_records (profile_id, created_at) WHERE profile_id <> '';
CREATE INDEX profile_records_email ON profile_records (email, created_at) WHERE email <> '';
CREATE UNIQUE INDEX profile_records_face ON profile_records (face_seq) WHERE face_seq IS NOT NULL;

CREATE TABLE profile_face_seq (
    id   INTEGER PRIMARY KEY CHECK (id = 1),
    last INTEGER NOT NULL
);
INSERT INTO profile_face_seq (id, last) VALUES (1, 0);

CREATE TABLE profile_lists (
    name        TEXT PRIMARY KEY NOT NULL CHECK (name <> ''),
    entries     TEXT NOT NULL CHECK (json_valid(entries) AND json_type(entries) = 'array'),
    entry_count INTEGER NOT NULL CHECK (entry_count >= 0),
    digest      TEXT NOT NULL,
    imported_at TEXT NOT NULL
);

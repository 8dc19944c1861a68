-- The reference operator's verified subscriber records, one per phone number.
--
-- The column types are chosen so that a PostgreSQL backend can mirror the
-- table one to one: phone_number and line_type stay TEXT, attributes becomes
-- JSONB and updated_at becomes TIMESTAMPTZ. In SQLite updated_at holds an
-- RFC 3339 UTC timestamp with microsecond precision, which sorts correctly
-- as text.
CREATE TABLE subscribers (
    phone_number TEXT PRIMARY KEY NOT NULL CHECK (phone_number <> ''),
    line_type    TEXT NOT NULL CHECK (line_type <> ''),
    attributes   TEXT NOT NULL CHECK (json_valid(attributes) AND json_type(attributes) = 'object'),
    updated_at   TEXT NOT NULL
);

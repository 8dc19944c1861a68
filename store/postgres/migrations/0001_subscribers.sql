-- The reference operator's verified subscriber records, one per phone
-- number; the twin of the SQLite migration of the same version.
--
-- Text keys use the "C" collation so that they compare and sort byte by
-- byte, as SQLite's BINARY collation does, whatever the database's locale.

-- +goose Up
CREATE TABLE subscribers (
    phone_number TEXT COLLATE "C" PRIMARY KEY CHECK (phone_number <> ''),
    line_type    TEXT NOT NULL CHECK (line_type <> ''),
    attributes   JSONB NOT NULL CHECK (jsonb_typeof(attributes) = 'object'),
    updated_at   TIMESTAMPTZ NOT NULL
);

-- +goose Down
DROP TABLE subscribers;

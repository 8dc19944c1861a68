package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// txWrite runs fn in a write transaction (BEGIN IMMEDIATE on the single write
// connection) and commits it when fn succeeds. Errors are wrapped with what,
// keeping sentinel errors such as store.ErrNotFound testable.
func (s *Store) txWrite(ctx context.Context, what string, fn func(tx *sql.Tx) error) error {
	tx, err := s.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("sqlite store: %s: begin: %w", what, err)
	}
	// Rolling back after a successful Commit is a no-op.
	defer func() { _ = tx.Rollback() }()
	if err := fn(tx); err != nil {
		return fmt.Errorf("sqlite store: %s: %w", what, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("sqlite store: %s: commit: %w", what, err)
	}
	return nil
}

// violatesUniqueness reports whether err is a violated UNIQUE or PRIMARY
// KEY constraint: the write conflicts with a stored row (store.ErrConflict).
// Other violated constraints (CHECK, NOT NULL, FOREIGN KEY) are not
// conflicts but faults of the caller's input checks, and stay errors.
func violatesUniqueness(err error) bool {
	var e *sqlite.Error
	if !errors.As(err, &e) {
		return false
	}
	code := e.Code()
	return code == sqlite3.SQLITE_CONSTRAINT_UNIQUE || code == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
}

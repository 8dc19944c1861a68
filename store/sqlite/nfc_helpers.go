package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// nfcTx runs fn in a write transaction (BEGIN IMMEDIATE on the single write
// connection) and commits it when fn succeeds. Sentinel errors stay
// testable with errors.Is and errors.As.
func (s *Store) nfcTx(ctx context.Context, what string, fn func(tx *sql.Tx) error) error {
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

// isNFCConstraint reports whether err is a violated UNIQUE, PRIMARY KEY or
// CHECK constraint.
func isNFCConstraint(err error) bool {
	var e *sqlite.Error
	return errors.As(err, &e) && e.Code()&0xff == sqlite3.SQLITE_CONSTRAINT
}

// nfcNullTime stores the zero time as NULL.
func nfcNullTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return formatTime(t)
}

// nfcParseTimes decodes each stored time into its destination.
func nfcParseTimes(values map[*time.Time]string) error {
	for dst, s := range values {
		t, err := parseTime(s)
		if err != nil {
			return fmt.Errorf("decode time: %w", err)
		}
		*dst = t
	}
	return nil
}

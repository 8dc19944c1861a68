package sqlite

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/kycgate/kycgate/store"
)

// profileRecordColumns are the profile_records columns read by
// scanProfileRecord, in order.
const profileRecordColumns = `verification_id, merchant_id, profile_id, email, created_at, document,
    face_template, face_seq, version, updated_at`

// storedFace is what a write compares a record's new face with.
type storedFace struct {
	version   int64
	profileID string
	template  []byte
	seq       sql.NullInt64
}

// PutProfileRecord creates or replaces a record under optimistic locking,
// drawing a new face sequence number when the template or the profile id
// of a record with a template changes.
func (s *Store) PutProfileRecord(ctx context.Context, r store.ProfileRecord) (store.ProfileRecord, error) {
	now := time.Now().UTC().Truncate(time.Microsecond)
	if r.CreatedAt.IsZero() {
		r.CreatedAt = now
	}
	err := s.profilesTx(ctx, "put profile record", func(tx *sql.Tx) error {
		old, found, err := readStoredFace(ctx, tx, r.VerificationID)
		if err != nil {
			return err
		}
		switch {
		case r.Version == 0 && found:
			return store.ErrConflict
		case r.Version != 0 && !found:
			return store.ErrNotFound
		case r.Version != 0 && r.Version != old.version:
			return store.ErrConflict
		}
		r.FaceSeq, err = faceSeqFor(ctx, tx, r, old)
		if err != nil {
			return err
		}
		r.Version++
		r.UpdatedAt = now
		return writeProfileRecord(ctx, tx, r, found)
	})
	if err != nil {
		return store.ProfileRecord{}, err
	}
	r.CreatedAt = r.CreatedAt.UTC().Truncate(time.Microsecond)
	return r, nil
}

// readStoredFace reads the version and face columns of a record.
func readStoredFace(ctx context.Context, tx *sql.Tx, verificationID string) (storedFace, bool, error) {
	var f storedFace
	const q = `SELECT version, profile_id, face_template, face_seq FROM profile_records WHERE verification_id = ?`
	err := tx.QueryRowContext(ctx, q, verificationID).Scan(&f.version, &f.profileID, &f.template, &f.seq)
	if errors.Is(err, sql.ErrNoRows) {
		return f, false, nil
	}
	return f, err == nil, err
}

// faceSeqFor keeps the stored sequence number while the template and the
// profile id are unchanged and draws a new one otherwise; 0 means no
// template.
func faceSeqFor(ctx context.Context, tx *sql.Tx, r store.ProfileRecord, old storedFace) (int64, error) {
	if len(r.FaceTemplate) == 0 {
		return 0, nil
	}
	if old.seq.Valid && old.profileID == r.ProfileID && bytes.Equal(old.template, r.FaceTemplate) {
		return old.seq.Int64, nil
	}
	var seq int64
	err := tx.QueryRowContext(ctx, `UPDATE profile_face_seq SET last = last + 1 WHERE id = 1 RETURNING last`).Scan(&seq)
	return seq, err
}

// writeProfileRecord inserts or updates the row of r.
func writeProfileRecord(ctx context.Context, tx *sql.Tx, r store.ProfileRecord, exists bool) error {
	var face, seq any
	if len(r.FaceTemplate) > 0 {
		face, seq = r.FaceTemplate, r.FaceSeq
	}
	if exists {
		const update = `UPDATE profile_records SET merchant_id = ?, profile_id = ?, email = ?, created_at = ?,
    document = ?, face_template = ?, face_seq = ?, version = ?, updated_at = ? WHERE verification_id = ?`
		_, err := tx.ExecContext(ctx, update, r.MerchantID, r.ProfileID, r.Email, formatTime(r.CreatedAt),
			string(r.Document), face, seq, r.Version, formatTime(r.UpdatedAt), r.VerificationID)
		return profileConstraint(err)
	}
	const insert = `INSERT INTO profile_records (` + profileRecordColumns + `) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
	_, err := tx.ExecContext(ctx, insert, r.VerificationID, r.MerchantID, r.ProfileID, r.Email, formatTime(r.CreatedAt),
		string(r.Document), face, seq, r.Version, formatTime(r.UpdatedAt))
	return profileConstraint(err)
}

// GetProfileRecord returns a verification's record.
func (s *Store) GetProfileRecord(ctx context.Context, verificationID string) (store.ProfileRecord, error) {
	q := `SELECT ` + profileRecordColumns + ` FROM profile_records WHERE verification_id = ?`
	r, err := scanProfileRecord(s.read.QueryRowContext(ctx, q, verificationID))
	if errors.Is(err, sql.ErrNoRows) {
		return store.ProfileRecord{}, store.ErrNotFound
	}
	if err != nil {
		return store.ProfileRecord{}, fmt.Errorf("sqlite store: get profile record: %w", err)
	}
	return r, nil
}

// The queries of the profile searches. The repeated profile_id <> ” and
// email <> ” let SQLite use the partial indexes (TestProfileQueriesUseIndexes).
const (
	profileRecordsQuery = `SELECT ` + profileRecordColumns + ` FROM profile_records
WHERE profile_id = ? AND profile_id <> '' ORDER BY created_at, verification_id`
	profileRecordsByEmailQuery = `SELECT ` + profileRecordColumns + ` FROM profile_records
WHERE email = ? AND email <> '' AND created_at >= ? ORDER BY created_at, verification_id`
	profileFacesQuery = `SELECT face_seq, verification_id, profile_id, face_template FROM profile_records
WHERE face_seq > ? AND profile_id <> '' ORDER BY face_seq LIMIT ?`
)

// ProfileRecords returns a profile's records, oldest first.
func (s *Store) ProfileRecords(ctx context.Context, profileID string) ([]store.ProfileRecord, error) {
	if profileID == "" {
		return nil, nil
	}
	return s.queryProfileRecords(ctx, "profile records", profileRecordsQuery, profileID)
}

// ProfileRecordsByEmail returns the records of an e-mail address created at
// or after since, oldest first.
func (s *Store) ProfileRecordsByEmail(ctx context.Context, email string, since time.Time) ([]store.ProfileRecord, error) {
	if email == "" {
		return nil, nil
	}
	return s.queryProfileRecords(ctx, "profile records by email", profileRecordsByEmailQuery, email, formatTime(since))
}

func (s *Store) queryProfileRecords(ctx context.Context, what, query string, args ...any) ([]store.ProfileRecord, error) {
	rows, err := s.read.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("sqlite store: %s: %w", what, err)
	}
	defer func() { _ = rows.Close() }()
	var out []store.ProfileRecord
	for rows.Next() {
		r, err := scanProfileRecord(rows)
		if err != nil {
			return nil, fmt.Errorf("sqlite store: %s: %w", what, err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite store: %s: %w", what, err)
	}
	return out, nil
}

// DeleteProfileRecord removes a verification's record.
func (s *Store) DeleteProfileRecord(ctx context.Context, verificationID string) error {
	return s.profilesTx(ctx, "delete profile record", func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM profile_records WHERE verification_id = ?`, verificationID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return store.ErrNotFound
		}
		return nil
	})
}

// ProfileFaces returns the face templates written after the sequence
// number after.
func (s *Store) ProfileFaces(ctx context.Context, after int64, limit int) ([]store.ProfileFace, error) {
	rows, err := s.read.QueryContext(ctx, profileFacesQuery, after, limit)
	if err != nil {
		return nil, fmt.Errorf("sqlite store: profile faces: %w", err)
	}
	defer func() { _ = rows.Close() }()
	var out []store.ProfileFace
	for rows.Next() {
		var f store.ProfileFace
		if err := rows.Scan(&f.Seq, &f.VerificationID, &f.ProfileID, &f.Sealed); err != nil {
			return nil, fmt.Errorf("sqlite store: profile faces: %w", err)
		}
		out = append(out, f)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite store: profile faces: %w", err)
	}
	return out, nil
}

func scanProfileRecord(r interface{ Scan(dest ...any) error }) (store.ProfileRecord, error) {
	var rec store.ProfileRecord
	var doc, created, updated string
	var seq sql.NullInt64
	err := r.Scan(&rec.VerificationID, &rec.MerchantID, &rec.ProfileID, &rec.Email, &created, &doc,
		&rec.FaceTemplate, &seq, &rec.Version, &updated)
	if err != nil {
		return rec, err
	}
	rec.Document = []byte(doc)
	rec.FaceSeq = seq.Int64
	if rec.CreatedAt, err = parseTime(created); err != nil {
		return rec, fmt.Errorf("decode created_at: %w", err)
	}
	if rec.UpdatedAt, err = parseTime(updated); err != nil {
		return rec, fmt.Errorf("decode updated_at: %w", err)
	}
	return rec, nil
}

// profilesTx runs fn in a write transaction (BEGIN IMMEDIATE on the single
// write connection) and commits it when fn succeeds. Sentinel errors stay
// testable with errors.Is.
func (s *Store) profilesTx(ctx context.Context, what string, fn func(tx *sql.Tx) error) error {
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

// profileConstraint turns a violated constraint into store.ErrConflict.
func profileConstraint(err error) error {
	var e *sqlite.Error
	if errors.As(err, &e) && e.Code()&0xff == sqlite3.SQLITE_CONSTRAINT {
		return fmt.Errorf("%w: %v", store.ErrConflict, err)
	}
	return err
}

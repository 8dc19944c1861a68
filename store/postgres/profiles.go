package postgres

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

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
	seq       *int64
}

// PutProfileRecord creates or replaces a record under optimistic locking,
// drawing a new face sequence number when the template or the profile id
// of a record with a template changes. The stored row is locked while the
// version is compared, so of replicas writing the same version exactly one
// wins and the others get store.ErrConflict.
func (s *Store) PutProfileRecord(ctx context.Context, r store.ProfileRecord) (store.ProfileRecord, error) {
	now := storedTime(time.Now())
	if r.CreatedAt.IsZero() {
		r.CreatedAt = now
	}
	r.CreatedAt = storedTime(r.CreatedAt)
	err := s.inTx(ctx, "put profile record", func(tx pgx.Tx) error {
		old, found, err := lockStoredFace(ctx, tx, r.VerificationID)
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
		if r.FaceSeq, err = faceSeqFor(ctx, tx, r, old); err != nil {
			return err
		}
		r.Version++
		r.UpdatedAt = now
		return writeProfileRecord(ctx, tx, r, found)
	})
	if err != nil {
		return store.ProfileRecord{}, err
	}
	return r, nil
}

// lockStoredFace reads the version and face columns of a record and locks
// its row until the transaction ends.
func lockStoredFace(ctx context.Context, tx pgx.Tx, verificationID string) (storedFace, bool, error) {
	var f storedFace
	const q = `SELECT version, profile_id, face_template, face_seq FROM profile_records
WHERE verification_id = $1 FOR UPDATE`
	err := tx.QueryRow(ctx, q, verificationID).Scan(&f.version, &f.profileID, &f.template, &f.seq)
	if errors.Is(err, pgx.ErrNoRows) {
		return f, false, nil
	}
	return f, err == nil, err
}

// faceSeqFor keeps the stored sequence number while the template and the
// profile id are unchanged and draws a new one otherwise; 0 means no
// template. Drawing locks the counter row until the transaction ends, so
// numbers are committed in the order they are drawn.
func faceSeqFor(ctx context.Context, tx pgx.Tx, r store.ProfileRecord, old storedFace) (int64, error) {
	if len(r.FaceTemplate) == 0 {
		return 0, nil
	}
	if old.seq != nil && old.profileID == r.ProfileID && bytes.Equal(old.template, r.FaceTemplate) {
		return *old.seq, nil
	}
	var seq int64
	err := tx.QueryRow(ctx, `UPDATE profile_face_seq SET last = last + 1 WHERE id = 1 RETURNING last`).Scan(&seq)
	return seq, err
}

// writeProfileRecord inserts or updates the row of r.
func writeProfileRecord(ctx context.Context, tx pgx.Tx, r store.ProfileRecord, exists bool) error {
	var face []byte
	var seq *int64
	if len(r.FaceTemplate) > 0 {
		face, seq = r.FaceTemplate, &r.FaceSeq
	}
	if exists {
		const update = `UPDATE profile_records SET merchant_id = $1, profile_id = $2, email = $3, created_at = $4,
    document = $5, face_template = $6, face_seq = $7, version = $8, updated_at = $9 WHERE verification_id = $10`
		_, err := tx.Exec(ctx, update, r.MerchantID, r.ProfileID, r.Email, r.CreatedAt,
			string(r.Document), face, seq, r.Version, r.UpdatedAt, r.VerificationID)
		return conflictOr(err)
	}
	const insert = `INSERT INTO profile_records (` + profileRecordColumns + `)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`
	_, err := tx.Exec(ctx, insert, r.VerificationID, r.MerchantID, r.ProfileID, r.Email, r.CreatedAt,
		string(r.Document), face, seq, r.Version, r.UpdatedAt)
	return conflictOr(err)
}

// GetProfileRecord returns a verification's record.
func (s *Store) GetProfileRecord(ctx context.Context, verificationID string) (store.ProfileRecord, error) {
	const q = `SELECT ` + profileRecordColumns + ` FROM profile_records WHERE verification_id = $1`
	r, err := scanProfileRecord(s.pool.QueryRow(ctx, q, verificationID))
	if errors.Is(err, pgx.ErrNoRows) {
		return store.ProfileRecord{}, store.ErrNotFound
	}
	if err != nil {
		return store.ProfileRecord{}, fmt.Errorf("postgres store: get profile record: %w", err)
	}
	return r, nil
}

// The queries of the profile searches. Each repeats its partial index's
// predicate (a non-empty profile_id or email) so that PostgreSQL can use the
// index in the generic plan of a prepared statement, where $1 is unknown.
const (
	profileRecordsQuery = `SELECT ` + profileRecordColumns + ` FROM profile_records
WHERE profile_id = $1 AND profile_id <> '' ORDER BY created_at, verification_id`
	profileRecordsByEmailQuery = `SELECT ` + profileRecordColumns + ` FROM profile_records
WHERE email = $1 AND email <> '' AND created_at >= $2 ORDER BY created_at, verification_id`
	profileFacesQuery = `SELECT face_seq, verification_id, profile_id, face_template FROM profile_records
WHERE face_seq > $1 AND profile_id <> '' ORDER BY face_seq LIMIT $2`
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
	return s.queryProfileRecords(ctx, "profile records by email", profileRecordsByEmailQuery, email, storedTime(since))
}

func (s *Store) queryProfileRecords(ctx context.Context, what, query string, args ...any) ([]store.ProfileRecord, error) {
	rows, err := s.pool.Query(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("postgres store: %s: %w", what, err)
	}
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (store.ProfileRecord, error) { return scanProfileRecord(r) })
	if err != nil {
		return nil, fmt.Errorf("postgres store: %s: %w", what, err)
	}
	return list, nil
}

// DeleteProfileRecord removes a verification's record.
func (s *Store) DeleteProfileRecord(ctx context.Context, verificationID string) error {
	tag, err := s.pool.Exec(ctx, `DELETE FROM profile_records WHERE verification_id = $1`, verificationID)
	if err != nil {
		return fmt.Errorf("postgres store: delete profile record: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("postgres store: delete profile record: %w", store.ErrNotFound)
	}
	return nil
}

// ProfileFaces returns the face templates written after the sequence
// number after.
func (s *Store) ProfileFaces(ctx context.Context, after int64, limit int) ([]store.ProfileFace, error) {
	rows, err := s.pool.Query(ctx, profileFacesQuery, after, max(limit, 0))
	if err != nil {
		return nil, fmt.Errorf("postgres store: profile faces: %w", err)
	}
	faces, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (store.ProfileFace, error) {
		var f store.ProfileFace
		err := r.Scan(&f.Seq, &f.VerificationID, &f.ProfileID, &f.Sealed)
		return f, err
	})
	if err != nil {
		return nil, fmt.Errorf("postgres store: profile faces: %w", err)
	}
	return faces, nil
}

func scanProfileRecord(r pgx.Row) (store.ProfileRecord, error) {
	var rec store.ProfileRecord
	var doc []byte
	var seq *int64
	err := r.Scan(&rec.VerificationID, &rec.MerchantID, &rec.ProfileID, &rec.Email, &rec.CreatedAt, &doc,
		&rec.FaceTemplate, &seq, &rec.Version, &rec.UpdatedAt)
	if err != nil {
		return store.ProfileRecord{}, err
	}
	rec.Document = doc
	if seq != nil {
		rec.FaceSeq = *seq
	}
	rec.CreatedAt, rec.UpdatedAt = rec.CreatedAt.UTC(), rec.UpdatedAt.UTC()
	return rec, nil
}

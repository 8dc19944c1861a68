package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/kycgate/kycgate/store"
)

// verificationColumns are the verifications columns read by
// scanVerification, in order.
const verificationColumns = `id, merchant_id, identity_id, flow_id, status, biometric, document,
    job_due_at, job_attempts, version, created_at, updated_at`

// CreateFlow writes a new flow.
func (s *Store) CreateFlow(ctx context.Context, f store.Flow) (store.Flow, error) {
	now := time.Now()
	f.CreatedAt, f.UpdatedAt = now, now
	err := s.txWrite(ctx, "create flow", func(tx *sql.Tx) error {
		const insert = `INSERT INTO flows (merchant_id, id, document, created_at, updated_at) VALUES (?, ?, ?, ?, ?)`
		_, err := tx.ExecContext(ctx, insert, f.MerchantID, f.ID, string(f.Document), formatTime(now), formatTime(now))
		if violatesUniqueness(err) {
			return store.ErrConflict
		}
		return err
	})
	return roundFlowTimes(f), err
}

// UpdateFlow replaces an existing flow's document.
func (s *Store) UpdateFlow(ctx context.Context, f store.Flow) (store.Flow, error) {
	err := s.txWrite(ctx, "update flow", func(tx *sql.Tx) error {
		const update = `UPDATE flows SET document = ?, updated_at = ? WHERE merchant_id = ? AND id = ?`
		now := time.Now()
		res, err := tx.ExecContext(ctx, update, string(f.Document), formatTime(now), f.MerchantID, f.ID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return store.ErrNotFound
		}
		f, err = scanFlow(tx.QueryRowContext(ctx, `SELECT merchant_id, id, document, created_at, updated_at
FROM flows WHERE merchant_id = ? AND id = ?`, f.MerchantID, f.ID))
		return err
	})
	return f, err
}

// GetFlow returns the merchant's flow.
func (s *Store) GetFlow(ctx context.Context, merchantID, flowID string) (store.Flow, error) {
	const q = `SELECT merchant_id, id, document, created_at, updated_at FROM flows WHERE merchant_id = ? AND id = ?`
	f, err := scanFlow(s.read.QueryRowContext(ctx, q, merchantID, flowID))
	if errors.Is(err, sql.ErrNoRows) {
		return store.Flow{}, store.ErrNotFound
	}
	if err != nil {
		return store.Flow{}, fmt.Errorf("sqlite store: get flow: %w", err)
	}
	return f, nil
}

// ListFlows returns the merchant's flows ordered by id.
func (s *Store) ListFlows(ctx context.Context, merchantID string) ([]store.Flow, error) {
	const q = `SELECT merchant_id, id, document, created_at, updated_at FROM flows WHERE merchant_id = ? ORDER BY id`
	rows, err := s.read.QueryContext(ctx, q, merchantID)
	if err != nil {
		return nil, fmt.Errorf("sqlite store: list flows: %w", err)
	}
	defer func() { _ = rows.Close() }()
	var out []store.Flow
	for rows.Next() {
		f, err := scanFlow(rows)
		if err != nil {
			return nil, fmt.Errorf("sqlite store: list flows: %w", err)
		}
		out = append(out, f)
	}
	return out, rows.Err()
}

func scanFlow(r sqlRow) (store.Flow, error) {
	var f store.Flow
	var doc, created, updated string
	if err := r.Scan(&f.MerchantID, &f.ID, &doc, &created, &updated); err != nil {
		return f, err
	}
	f.Document = []byte(doc)
	return f, parseStoredTimes(map[*time.Time]string{&f.CreatedAt: created, &f.UpdatedAt: updated})
}

func roundFlowTimes(f store.Flow) store.Flow {
	f.CreatedAt = f.CreatedAt.UTC().Truncate(time.Microsecond)
	f.UpdatedAt = f.UpdatedAt.UTC().Truncate(time.Microsecond)
	return f
}

// GetIdentity returns the merchant's identity.
func (s *Store) GetIdentity(ctx context.Context, merchantID, identityID string) (store.Identity, error) {
	const q = `SELECT id, merchant_id, created_at FROM identities WHERE id = ? AND merchant_id = ?`
	var id store.Identity
	var created string
	err := s.read.QueryRowContext(ctx, q, identityID, merchantID).Scan(&id.ID, &id.MerchantID, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return store.Identity{}, store.ErrNotFound
	}
	if err != nil {
		return store.Identity{}, fmt.Errorf("sqlite store: get identity: %w", err)
	}
	id.CreatedAt, err = parseTime(created)
	return id, err
}

// CreateVerification writes v, its identity when new, and events.
func (s *Store) CreateVerification(ctx context.Context, v store.Verification, events []store.OutboxEvent) (store.Verification, error) {
	now := time.Now().UTC().Truncate(time.Microsecond)
	v.CreatedAt, v.UpdatedAt, v.Version = now, now, 1
	err := s.txWrite(ctx, "create verification", func(tx *sql.Tx) error {
		if err := ensureIdentity(ctx, tx, v.MerchantID, v.IdentityID, now); err != nil {
			return err
		}
		const insert = `INSERT INTO verifications (id, merchant_id, identity_id, flow_id, status, biometric, document,
    job_due_at, job_attempts, version, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
		_, err := tx.ExecContext(ctx, insert, v.ID, v.MerchantID, v.IdentityID, v.FlowID, v.Status, v.Biometric,
			string(v.Document), nullableTime(v.JobDueAt), v.JobAttempts, v.Version, formatTime(now), formatTime(now))
		if violatesUniqueness(err) {
			return store.ErrConflict
		}
		if err != nil {
			return err
		}
		return insertEvents(ctx, tx, events)
	})
	v.JobDueAt = storedTime(v.JobDueAt)
	return v, err
}

// ensureIdentity creates the identity row unless it exists for merchantID;
// an identity of another merchant is store.ErrConflict.
func ensureIdentity(ctx context.Context, tx *sql.Tx, merchantID, identityID string, now time.Time) error {
	var owner string
	err := tx.QueryRowContext(ctx, `SELECT merchant_id FROM identities WHERE id = ?`, identityID).Scan(&owner)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		const insert = `INSERT INTO identities (id, merchant_id, created_at) VALUES (?, ?, ?)`
		_, err = tx.ExecContext(ctx, insert, identityID, merchantID, formatTime(now))
		if violatesUniqueness(err) {
			return store.ErrConflict
		}
		return err
	case err != nil:
		return err
	case owner != merchantID:
		return store.ErrConflict
	}
	return nil
}

// GetVerification returns the merchant's verification.
func (s *Store) GetVerification(ctx context.Context, merchantID, verificationID string) (store.Verification, error) {
	q := `SELECT ` + verificationColumns + ` FROM verifications WHERE id = ? AND merchant_id = ?`
	v, err := scanVerification(s.read.QueryRowContext(ctx, q, verificationID, merchantID))
	if errors.Is(err, sql.ErrNoRows) {
		return store.Verification{}, store.ErrNotFound
	}
	if err != nil {
		return store.Verification{}, fmt.Errorf("sqlite store: get verification: %w", err)
	}
	return v, nil
}

// UpdateVerification replaces the mutable columns of v when its version is
// current and writes events.
func (s *Store) UpdateVerification(ctx context.Context, v store.Verification, events []store.OutboxEvent) (store.Verification, error) {
	now := time.Now().UTC().Truncate(time.Microsecond)
	err := s.txWrite(ctx, "update verification", func(tx *sql.Tx) error {
		const update = `UPDATE verifications SET status = ?, biometric = ?, document = ?, job_due_at = ?,
    job_attempts = ?, version = version + 1, updated_at = ?
WHERE id = ? AND merchant_id = ? AND version = ?`
		res, err := tx.ExecContext(ctx, update, v.Status, v.Biometric, string(v.Document), nullableTime(v.JobDueAt),
			v.JobAttempts, formatTime(now), v.ID, v.MerchantID, v.Version)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return missingOrStale(ctx, tx, v)
		}
		return insertEvents(ctx, tx, events)
	})
	if err != nil {
		return store.Verification{}, err
	}
	v.Version++
	v.UpdatedAt = now
	v.JobDueAt = storedTime(v.JobDueAt)
	return v, nil
}

// missingOrStale tells a missing verification (ErrNotFound) from one at
// another version (ErrConflict).
func missingOrStale(ctx context.Context, tx *sql.Tx, v store.Verification) error {
	var one int
	err := tx.QueryRowContext(ctx, `SELECT 1 FROM verifications WHERE id = ? AND merchant_id = ?`, v.ID, v.MerchantID).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return store.ErrNotFound
	}
	if err != nil {
		return err
	}
	return store.ErrConflict
}

// LatestBiometricVerification returns the identity's newest verification
// with a selfie reference.
func (s *Store) LatestBiometricVerification(ctx context.Context, merchantID, identityID string) (store.Verification, error) {
	q := `SELECT ` + verificationColumns + ` FROM verifications
WHERE identity_id = ? AND merchant_id = ? AND biometric = 1 ORDER BY created_at DESC, id DESC LIMIT 1`
	v, err := scanVerification(s.read.QueryRowContext(ctx, q, identityID, merchantID))
	if errors.Is(err, sql.ErrNoRows) {
		return store.Verification{}, store.ErrNotFound
	}
	if err != nil {
		return store.Verification{}, fmt.Errorf("sqlite store: latest biometric verification: %w", err)
	}
	return v, nil
}

// DeleteVerification removes the verification, its events and, when it was
// the last one, its identity.
func (s *Store) DeleteVerification(ctx context.Context, merchantID, verificationID string) error {
	return s.txWrite(ctx, "delete verification", func(tx *sql.Tx) error {
		var identityID string
		err := tx.QueryRowContext(ctx, `SELECT identity_id FROM verifications WHERE id = ? AND merchant_id = ?`,
			verificationID, merchantID).Scan(&identityID)
		if errors.Is(err, sql.ErrNoRows) {
			return store.ErrNotFound
		}
		if err != nil {
			return err
		}
		for _, stmt := range []string{
			`DELETE FROM webhook_events WHERE resource_id = ? AND merchant_id = ?`,
			`DELETE FROM verifications WHERE id = ? AND merchant_id = ?`,
		} {
			if _, err := tx.ExecContext(ctx, stmt, verificationID, merchantID); err != nil {
				return err
			}
		}
		const orphan = `DELETE FROM identities WHERE id = ? AND NOT EXISTS (SELECT 1 FROM verifications WHERE identity_id = ?)`
		_, err = tx.ExecContext(ctx, orphan, identityID, identityID)
		return err
	})
}

// ClaimVerificationJobs leases due jobs on the single write connection.
func (s *Store) ClaimVerificationJobs(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]store.Verification, error) {
	var claimed []store.Verification
	err := s.txWrite(ctx, "claim verification jobs", func(tx *sql.Tx) error {
		q := `SELECT ` + verificationColumns + ` FROM verifications
WHERE job_due_at IS NOT NULL AND job_due_at <= ? ORDER BY job_due_at, id LIMIT ?`
		rows, err := tx.QueryContext(ctx, q, formatTime(now), limit)
		if err != nil {
			return err
		}
		claimed, err = scanVerifications(rows)
		if err != nil {
			return err
		}
		until := storedTime(now.Add(lease))
		stamp := formatTime(time.Now())
		for i := range claimed {
			const update = `UPDATE verifications SET job_due_at = ?, job_attempts = job_attempts + 1,
    version = version + 1, updated_at = ? WHERE id = ?`
			if _, err := tx.ExecContext(ctx, update, formatTime(until), stamp, claimed[i].ID); err != nil {
				return err
			}
			claimed[i].JobDueAt = until
			claimed[i].JobAttempts++
			claimed[i].Version++
			claimed[i].UpdatedAt, _ = parseTime(stamp)
		}
		return nil
	})
	return claimed, err
}

func scanVerifications(rows *sql.Rows) ([]store.Verification, error) {
	defer func() { _ = rows.Close() }()
	var out []store.Verification
	for rows.Next() {
		v, err := scanVerification(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

func scanVerification(r sqlRow) (store.Verification, error) {
	var v store.Verification
	var doc, created, updated string
	var due sql.NullString
	err := r.Scan(&v.ID, &v.MerchantID, &v.IdentityID, &v.FlowID, &v.Status, &v.Biometric, &doc,
		&due, &v.JobAttempts, &v.Version, &created, &updated)
	if err != nil {
		return v, err
	}
	v.Document = []byte(doc)
	return v, parseStoredTimes(map[*time.Time]string{&v.JobDueAt: due.String, &v.CreatedAt: created, &v.UpdatedAt: updated})
}

// storedTime gives t the precision and zone it has once stored.
func storedTime(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	return t.UTC().Truncate(time.Microsecond)
}

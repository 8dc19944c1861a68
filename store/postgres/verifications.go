package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/kycgate/kycgate/store"
)

// verificationColumns are the verifications columns read by
// scanVerification, in order.
const verificationColumns = `id, merchant_id, identity_id, flow_id, status, biometric, document,
    job_due_at, job_attempts, version, created_at, updated_at`

// flowColumns are the flows columns read by scanFlow, in order.
const flowColumns = `merchant_id, id, document, created_at, updated_at`

// claimVerificationJobs leases due jobs that no other transaction holds:
// rows locked by a concurrent claim are skipped, not waited for, so
// replicas claiming together never share a job. The UPDATE finds the rows
// through an array of their keys, which keeps it on the primary key; the
// result is ordered by the due time the jobs had before the claim.
const claimVerificationJobs = `WITH due AS (
    SELECT id, job_due_at FROM verifications
    WHERE job_due_at IS NOT NULL AND job_due_at <= $1
    ORDER BY job_due_at, id
    LIMIT $2
    FOR UPDATE SKIP LOCKED
), claimed AS (
    UPDATE verifications
    SET job_due_at = $3, job_attempts = job_attempts + 1, version = version + 1, updated_at = $4
    WHERE id = ANY (ARRAY(SELECT id FROM due))
    RETURNING ` + verificationColumns + `
)
SELECT c.id, c.merchant_id, c.identity_id, c.flow_id, c.status, c.biometric, c.document,
    c.job_due_at, c.job_attempts, c.version, c.created_at, c.updated_at
FROM claimed c JOIN due d ON d.id = c.id ORDER BY d.job_due_at, c.id`

// CreateFlow writes a new flow.
func (s *Store) CreateFlow(ctx context.Context, f store.Flow) (store.Flow, error) {
	now := storedTime(time.Now())
	f.CreatedAt, f.UpdatedAt = now, now
	err := s.inTx(ctx, "create flow", func(tx pgx.Tx) error {
		const insert = `INSERT INTO flows (merchant_id, id, document, created_at, updated_at) VALUES ($1, $2, $3, $4, $5)`
		_, err := tx.Exec(ctx, insert, f.MerchantID, f.ID, string(f.Document), now, now)
		return conflictOr(err)
	})
	return f, err
}

// UpdateFlow replaces an existing flow's document.
func (s *Store) UpdateFlow(ctx context.Context, f store.Flow) (store.Flow, error) {
	const update = `UPDATE flows SET document = $1, updated_at = $2 WHERE merchant_id = $3 AND id = $4
RETURNING ` + flowColumns
	out, err := scanFlow(s.pool.QueryRow(ctx, update, string(f.Document), storedTime(time.Now()), f.MerchantID, f.ID))
	if errors.Is(err, pgx.ErrNoRows) {
		return store.Flow{}, fmt.Errorf("postgres store: update flow: %w", store.ErrNotFound)
	}
	if err != nil {
		return store.Flow{}, fmt.Errorf("postgres store: update flow: %w", conflictOr(err))
	}
	return out, nil
}

// GetFlow returns the merchant's flow.
func (s *Store) GetFlow(ctx context.Context, merchantID, flowID string) (store.Flow, error) {
	const q = `SELECT ` + flowColumns + ` FROM flows WHERE merchant_id = $1 AND id = $2`
	f, err := scanFlow(s.pool.QueryRow(ctx, q, merchantID, flowID))
	if errors.Is(err, pgx.ErrNoRows) {
		return store.Flow{}, store.ErrNotFound
	}
	if err != nil {
		return store.Flow{}, fmt.Errorf("postgres store: get flow: %w", err)
	}
	return f, nil
}

// ListFlows returns the merchant's flows ordered by id.
func (s *Store) ListFlows(ctx context.Context, merchantID string) ([]store.Flow, error) {
	const q = `SELECT ` + flowColumns + ` FROM flows WHERE merchant_id = $1 ORDER BY id`
	rows, err := s.pool.Query(ctx, q, merchantID)
	if err != nil {
		return nil, fmt.Errorf("postgres store: list flows: %w", err)
	}
	flows, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (store.Flow, error) { return scanFlow(r) })
	if err != nil {
		return nil, fmt.Errorf("postgres store: list flows: %w", err)
	}
	return flows, nil
}

func scanFlow(r pgx.Row) (store.Flow, error) {
	var f store.Flow
	var doc []byte
	if err := r.Scan(&f.MerchantID, &f.ID, &doc, &f.CreatedAt, &f.UpdatedAt); err != nil {
		return store.Flow{}, err
	}
	f.Document = doc
	f.CreatedAt, f.UpdatedAt = f.CreatedAt.UTC(), f.UpdatedAt.UTC()
	return f, nil
}

// GetIdentity returns the merchant's identity.
func (s *Store) GetIdentity(ctx context.Context, merchantID, identityID string) (store.Identity, error) {
	const q = `SELECT id, merchant_id, created_at FROM identities WHERE id = $1 AND merchant_id = $2`
	var id store.Identity
	err := s.pool.QueryRow(ctx, q, identityID, merchantID).Scan(&id.ID, &id.MerchantID, &id.CreatedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return store.Identity{}, store.ErrNotFound
	}
	if err != nil {
		return store.Identity{}, fmt.Errorf("postgres store: get identity: %w", err)
	}
	id.CreatedAt = id.CreatedAt.UTC()
	return id, nil
}

// CreateVerification writes v, its identity when new, and events.
func (s *Store) CreateVerification(ctx context.Context, v store.Verification, events []store.OutboxEvent) (store.Verification, error) {
	now := storedTime(time.Now())
	v.CreatedAt, v.UpdatedAt, v.Version = now, now, 1
	v.JobDueAt = storedTime(v.JobDueAt)
	err := s.inTx(ctx, "create verification", func(tx pgx.Tx) error {
		if err := ensureIdentity(ctx, tx, v.MerchantID, v.IdentityID, now); err != nil {
			return err
		}
		const insert = `INSERT INTO verifications (` + verificationColumns + `)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`
		_, err := tx.Exec(ctx, insert, v.ID, v.MerchantID, v.IdentityID, v.FlowID, v.Status, v.Biometric,
			string(v.Document), nullableTime(v.JobDueAt), v.JobAttempts, v.Version, now, now)
		if err != nil {
			return conflictOr(err)
		}
		return insertEvents(ctx, tx, events)
	})
	return v, err
}

// ensureIdentity creates the identity row unless it exists for merchantID;
// an identity of another merchant is store.ErrConflict. The insert waits
// for a concurrent transaction creating the same identity, so two first
// verifications of one person never both fail or both insert.
func ensureIdentity(ctx context.Context, tx pgx.Tx, merchantID, identityID string, now time.Time) error {
	const insert = `INSERT INTO identities (id, merchant_id, created_at) VALUES ($1, $2, $3) ON CONFLICT (id) DO NOTHING`
	if _, err := tx.Exec(ctx, insert, identityID, merchantID, now); err != nil {
		return conflictOr(err)
	}
	var owner string
	err := tx.QueryRow(ctx, `SELECT merchant_id FROM identities WHERE id = $1 FOR SHARE`, identityID).Scan(&owner)
	if errors.Is(err, pgx.ErrNoRows) {
		// Deleted with its last verification between the two statements.
		return store.ErrConflict
	}
	if err != nil {
		return err
	}
	if owner != merchantID {
		return store.ErrConflict
	}
	return nil
}

// GetVerification returns the merchant's verification.
func (s *Store) GetVerification(ctx context.Context, merchantID, verificationID string) (store.Verification, error) {
	const q = `SELECT ` + verificationColumns + ` FROM verifications WHERE id = $1 AND merchant_id = $2`
	v, err := scanVerification(s.pool.QueryRow(ctx, q, verificationID, merchantID))
	if errors.Is(err, pgx.ErrNoRows) {
		return store.Verification{}, store.ErrNotFound
	}
	if err != nil {
		return store.Verification{}, fmt.Errorf("postgres store: get verification: %w", err)
	}
	return v, nil
}

// UpdateVerification replaces the mutable columns of v when its version is
// current and writes events. The version check is part of the UPDATE, so
// of two replicas writing the same version one wins and the other gets
// store.ErrConflict.
func (s *Store) UpdateVerification(ctx context.Context, v store.Verification, events []store.OutboxEvent) (store.Verification, error) {
	now := storedTime(time.Now())
	v.JobDueAt = storedTime(v.JobDueAt)
	err := s.inTx(ctx, "update verification", func(tx pgx.Tx) error {
		const update = `UPDATE verifications SET status = $1, biometric = $2, document = $3, job_due_at = $4,
    job_attempts = $5, version = version + 1, updated_at = $6
WHERE id = $7 AND merchant_id = $8 AND version = $9`
		tag, err := tx.Exec(ctx, update, v.Status, v.Biometric, string(v.Document), nullableTime(v.JobDueAt),
			v.JobAttempts, now, v.ID, v.MerchantID, v.Version)
		if err != nil {
			return conflictOr(err)
		}
		if tag.RowsAffected() == 0 {
			return missingOrStale(ctx, tx, v)
		}
		return insertEvents(ctx, tx, events)
	})
	if err != nil {
		return store.Verification{}, err
	}
	v.Version++
	v.UpdatedAt = now
	return v, nil
}

// missingOrStale tells a missing verification (ErrNotFound) from one at
// another version (ErrConflict).
func missingOrStale(ctx context.Context, tx pgx.Tx, v store.Verification) error {
	var exists bool
	const q = `SELECT EXISTS (SELECT 1 FROM verifications WHERE id = $1 AND merchant_id = $2)`
	if err := tx.QueryRow(ctx, q, v.ID, v.MerchantID).Scan(&exists); err != nil {
		return err
	}
	if !exists {
		return store.ErrNotFound
	}
	return store.ErrConflict
}

// LatestBiometricVerification returns the identity's newest verification
// with a selfie reference.
func (s *Store) LatestBiometricVerification(ctx context.Context, merchantID, identityID string) (store.Verification, error) {
	const q = `SELECT ` + verificationColumns + ` FROM verifications
WHERE identity_id = $1 AND merchant_id = $2 AND biometric ORDER BY created_at DESC, id DESC LIMIT 1`
	v, err := scanVerification(s.pool.QueryRow(ctx, q, identityID, merchantID))
	if errors.Is(err, pgx.ErrNoRows) {
		return store.Verification{}, store.ErrNotFound
	}
	if err != nil {
		return store.Verification{}, fmt.Errorf("postgres store: latest biometric verification: %w", err)
	}
	return v, nil
}

// DeleteVerification removes the verification, its events (their attempts
// follow by cascade) and, when it was the last one, its identity.
func (s *Store) DeleteVerification(ctx context.Context, merchantID, verificationID string) error {
	return s.inTx(ctx, "delete verification", func(tx pgx.Tx) error {
		var identityID string
		const remove = `DELETE FROM verifications WHERE id = $1 AND merchant_id = $2 RETURNING identity_id`
		err := tx.QueryRow(ctx, remove, verificationID, merchantID).Scan(&identityID)
		if errors.Is(err, pgx.ErrNoRows) {
			return store.ErrNotFound
		}
		if err != nil {
			return err
		}
		const events = `DELETE FROM webhook_events WHERE resource_id = $1 AND merchant_id = $2`
		if _, err := tx.Exec(ctx, events, verificationID, merchantID); err != nil {
			return err
		}
		const orphan = `DELETE FROM identities WHERE id = $1 AND NOT EXISTS (SELECT 1 FROM verifications WHERE identity_id = $1)`
		_, err = tx.Exec(ctx, orphan, identityID)
		return err
	})
}

// ClaimVerificationJobs leases due jobs in one statement.
func (s *Store) ClaimVerificationJobs(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]store.Verification, error) {
	if limit <= 0 {
		return nil, nil
	}
	until := storedTime(now.Add(lease))
	rows, err := s.pool.Query(ctx, claimVerificationJobs, storedTime(now), limit, until, storedTime(time.Now()))
	if err != nil {
		return nil, fmt.Errorf("postgres store: claim verification jobs: %w", err)
	}
	claimed, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (store.Verification, error) { return scanVerification(r) })
	if err != nil {
		return nil, fmt.Errorf("postgres store: claim verification jobs: %w", err)
	}
	return claimed, nil
}

func scanVerification(r pgx.Row) (store.Verification, error) {
	var v store.Verification
	var doc []byte
	var due *time.Time
	err := r.Scan(&v.ID, &v.MerchantID, &v.IdentityID, &v.FlowID, &v.Status, &v.Biometric, &doc,
		&due, &v.JobAttempts, &v.Version, &v.CreatedAt, &v.UpdatedAt)
	if err != nil {
		return store.Verification{}, err
	}
	v.Document = doc
	v.JobDueAt = readTime(due)
	v.CreatedAt, v.UpdatedAt = v.CreatedAt.UTC(), v.UpdatedAt.UTC()
	return v, nil
}

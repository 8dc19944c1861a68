package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/kycgate/kycgate/nfc/session"
	"github.com/kycgate/kycgate/store"
)

// nfcColumns are the nfc_sessions columns read by scanNFCSession, in order.
const nfcColumns = `id, partner_id, ref, method, options, init_code, state, created_at, updated_at,
    deadline, upload_token_hash, challenge, sod_fingerprint, result_code, verdict, reason`

const insertNFCSession = `INSERT INTO nfc_sessions (id, partner_id, ref, method, options, init_code, state,
    created_at, updated_at, deadline)
VALUES ($1, $2, $3, $4, $5, $6, 'created', $7, $7, $8)`

// notTerminal selects the live sessions, those that hold their init code,
// in the words of the partial indexes' predicate, so that PostgreSQL can
// prove the indexes apply.
const notTerminal = `state NOT IN ('confirmed', 'errored', 'expired')`

const (
	selectNFCByID          = `SELECT ` + nfcColumns + ` FROM nfc_sessions WHERE id = $1`
	selectNFCLiveByCode    = `SELECT ` + nfcColumns + ` FROM nfc_sessions WHERE init_code = $1 AND ` + notTerminal
	selectNFCByPartnerCode = `SELECT ` + nfcColumns + ` FROM nfc_sessions WHERE partner_id = $1 AND init_code = $2
ORDER BY created_at DESC, seq DESC LIMIT 1`
	selectNFCByToken = `SELECT ` + nfcColumns + ` FROM nfc_sessions WHERE upload_token_hash = $1`
	selectNFCDue     = `SELECT ` + nfcColumns + ` FROM nfc_sessions
WHERE ` + notTerminal + ` AND deadline IS NOT NULL AND deadline <= $1
ORDER BY deadline, seq LIMIT $2`
	selectNFCInState = `SELECT ` + nfcColumns + ` FROM nfc_sessions WHERE state = $1 ORDER BY updated_at, seq LIMIT $2`
	selectNFCSODSeen = `SELECT EXISTS (SELECT 1 FROM nfc_sessions WHERE sod_fingerprint = $1 AND id <> $2)`
	// lockNFCState reads the state and locks the row until the transaction
	// ends: a concurrent transition on any replica waits, then reads the
	// state this one wrote.
	lockNFCState = `SELECT state FROM nfc_sessions WHERE id = $1 FOR UPDATE`
)

// updateNFCSession writes a transition. The WHERE clause repeats the state
// read under the row lock, so the update stays a compare-and-set on its
// own.
const updateNFCSession = `UPDATE nfc_sessions SET
    state             = $1,
    updated_at        = $2,
    deadline          = $3,
    upload_token_hash = COALESCE($4, upload_token_hash),
    challenge         = COALESCE($5, challenge),
    sod_fingerprint   = CASE WHEN $6 <> '' THEN $6 ELSE sod_fingerprint END,
    result_code       = COALESCE($7, result_code),
    verdict           = CASE WHEN $8 <> '' THEN $8 ELSE verdict END,
    reason            = CASE WHEN $9 <> '' THEN $9 ELSE reason END
WHERE id = $10 AND state = $11
RETURNING ` + nfcColumns

// CreateNFCSession stores a new session in state created. A live session
// holding the code on any replica, or a taken id, is store.ErrConflict.
func (s *Store) CreateNFCSession(ctx context.Context, sess session.Session, now time.Time) error {
	options, err := json.Marshal(sess.Options)
	if err != nil {
		return fmt.Errorf("postgres store: encode nfc session options: %w", err)
	}
	_, err = s.pool.Exec(ctx, insertNFCSession, sess.ID, sess.PartnerID, sess.Ref, sess.Method, options,
		sess.InitCode, storedTime(now), nullableTime(sess.Deadline))
	if err != nil {
		return fmt.Errorf("postgres store: create nfc session: %w", conflictOr(err))
	}
	return nil
}

// GetNFCSession returns the session with the ID.
func (s *Store) GetNFCSession(ctx context.Context, id string) (session.Session, error) {
	return s.queryNFCSession(ctx, "get nfc session", selectNFCByID, id)
}

// FindLiveNFCSessionByCode returns the live session holding code.
func (s *Store) FindLiveNFCSessionByCode(ctx context.Context, code string) (session.Session, error) {
	return s.queryNFCSession(ctx, "find nfc session by code", selectNFCLiveByCode, code)
}

// FindNFCSessionByPartnerCode returns the partner's latest session with code.
func (s *Store) FindNFCSessionByPartnerCode(ctx context.Context, partnerID, code string) (session.Session, error) {
	return s.queryNFCSession(ctx, "find nfc session by partner code", selectNFCByPartnerCode, partnerID, code)
}

// FindNFCSessionByUploadToken returns the session with the token hash.
func (s *Store) FindNFCSessionByUploadToken(ctx context.Context, tokenHash []byte) (session.Session, error) {
	if len(tokenHash) == 0 {
		return session.Session{}, store.ErrNotFound
	}
	return s.queryNFCSession(ctx, "find nfc session by upload token", selectNFCByToken, tokenHash)
}

func (s *Store) queryNFCSession(ctx context.Context, what, query string, args ...any) (session.Session, error) {
	sess, err := scanNFCSession(s.pool.QueryRow(ctx, query, args...))
	if errors.Is(err, pgx.ErrNoRows) {
		return session.Session{}, store.ErrNotFound
	}
	if err != nil {
		return session.Session{}, fmt.Errorf("postgres store: %s: %w", what, err)
	}
	return sess, nil
}

// TransitionNFCSession applies t as a compare-and-set on the state, with its
// webhook events, in one transaction. The session row is locked while the
// move is checked, so of replicas redeeming one init code together exactly
// one succeeds and the others get a *session.TransitionError.
func (s *Store) TransitionNFCSession(ctx context.Context, t store.NFCTransition) (session.Session, error) {
	var out session.Session
	err := s.inTx(ctx, "transition nfc session", func(tx pgx.Tx) error {
		var current string
		if err := tx.QueryRow(ctx, lockNFCState, t.ID).Scan(&current); err != nil {
			if errors.Is(err, pgx.ErrNoRows) {
				return store.ErrNotFound
			}
			return err
		}
		from := session.State(current)
		if !session.CanTransition(from, t.To) || (len(t.From) > 0 && !slices.Contains(t.From, from)) {
			return &session.TransitionError{From: from, To: t.To}
		}
		var err error
		if out, err = applyNFCUpdate(ctx, tx, t, from); err != nil {
			return err
		}
		return insertEvents(ctx, tx, t.Events)
	})
	if err != nil {
		return session.Session{}, err
	}
	return out, nil
}

// applyNFCUpdate writes the new state and the update's fields and returns
// the updated session.
func applyNFCUpdate(ctx context.Context, tx pgx.Tx, t store.NFCTransition, from session.State) (session.Session, error) {
	u := t.Update
	var resultCode *int
	if u.ResultCode != nil {
		code := *u.ResultCode
		resultCode = &code
	}
	row := tx.QueryRow(ctx, updateNFCSession, string(t.To), storedTime(t.Now), nullableTime(u.Deadline),
		nullBytes(u.UploadTokenHash), nullBytes(u.Challenge), u.SODFingerprint, resultCode, u.Verdict, u.Reason,
		t.ID, string(from))
	sess, err := scanNFCSession(row)
	if errors.Is(err, pgx.ErrNoRows) {
		return session.Session{}, &session.TransitionError{From: from, To: t.To}
	}
	if err != nil {
		if violatesUniqueness(err) {
			return session.Session{}, fmt.Errorf("nfc session: %w", conflictOr(err))
		}
		return session.Session{}, err
	}
	return sess, nil
}

// DueNFCSessions returns live sessions whose deadline has passed.
func (s *Store) DueNFCSessions(ctx context.Context, now time.Time, limit int) ([]session.Session, error) {
	return s.listNFCSessions(ctx, "due nfc sessions", selectNFCDue, storedTime(now), max(limit, 0))
}

// NFCSessionsInState returns sessions in state, least recently updated first.
func (s *Store) NFCSessionsInState(ctx context.Context, state session.State, limit int) ([]session.Session, error) {
	return s.listNFCSessions(ctx, "nfc sessions in state", selectNFCInState, string(state), max(limit, 0))
}

// listNFCSessions runs a query returning sessions.
func (s *Store) listNFCSessions(ctx context.Context, what, query string, args ...any) ([]session.Session, error) {
	rows, err := s.pool.Query(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("postgres store: %s: %w", what, err)
	}
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (session.Session, error) { return scanNFCSession(r) })
	if err != nil {
		return nil, fmt.Errorf("postgres store: %s: %w", what, err)
	}
	return list, nil
}

// NFCSODSeenElsewhere reports whether another session recorded fingerprint.
func (s *Store) NFCSODSeenElsewhere(ctx context.Context, fingerprint, id string) (bool, error) {
	if fingerprint == "" {
		return false, nil
	}
	var seen bool
	if err := s.pool.QueryRow(ctx, selectNFCSODSeen, fingerprint, id).Scan(&seen); err != nil {
		return false, fmt.Errorf("postgres store: nfc sod lookup: %w", err)
	}
	return seen, nil
}

// scanNFCSession reads one row of nfcColumns.
func scanNFCSession(r pgx.Row) (session.Session, error) {
	var (
		sess     session.Session
		options  []byte
		state    string
		deadline *time.Time
	)
	err := r.Scan(&sess.ID, &sess.PartnerID, &sess.Ref, &sess.Method, &options, &sess.InitCode, &state,
		&sess.CreatedAt, &sess.UpdatedAt, &deadline, &sess.UploadTokenHash, &sess.Challenge, &sess.SODFingerprint,
		&sess.ResultCode, &sess.Verdict, &sess.Reason)
	if err != nil {
		return session.Session{}, err
	}
	sess.State = session.State(state)
	sess.CreatedAt, sess.UpdatedAt = sess.CreatedAt.UTC(), sess.UpdatedAt.UTC()
	sess.Deadline = readTime(deadline)
	if err := json.Unmarshal(options, &sess.Options); err != nil {
		return session.Session{}, fmt.Errorf("decode nfc session options: %w", err)
	}
	return sess, nil
}

// nullBytes stores an empty slice as NULL, which COALESCE keeps unchanged.
func nullBytes(b []byte) []byte {
	if len(b) == 0 {
		return nil
	}
	return b
}

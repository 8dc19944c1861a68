package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/kycgate/kycgate/nfc/session"
	"github.com/kycgate/kycgate/store"
)

// nfcColumns are the nfc_sessions columns read by scanNFCSession, in order.
const nfcColumns = `id, partner_id, ref, method, options, init_code, state, created_at, updated_at,
    deadline, upload_token_hash, challenge, sod_fingerprint, result_code, verdict, reason`

const insertNFCSession = `INSERT INTO nfc_sessions (id, partner_id, ref, method, options, init_code, state,
    created_at, updated_at, deadline)
VALUES (?, ?, ?, ?, ?, ?, 'created', ?, ?, ?)`

// liveStates is the SQL list of the states that hold their init code.
const liveStates = `('created', 'redeemed', 'uploaded', 'verified', 'delivered')`

const (
	selectNFCByID          = `SELECT ` + nfcColumns + ` FROM nfc_sessions WHERE id = ?`
	selectNFCLiveByCode    = `SELECT ` + nfcColumns + ` FROM nfc_sessions WHERE init_code = ? AND state IN ` + liveStates
	selectNFCByPartnerCode = `SELECT ` + nfcColumns + ` FROM nfc_sessions WHERE partner_id = ? AND init_code = ?
ORDER BY created_at DESC, rowid DESC LIMIT 1`
	selectNFCByToken = `SELECT ` + nfcColumns + ` FROM nfc_sessions WHERE upload_token_hash = ?`
	selectNFCDue     = `SELECT ` + nfcColumns + ` FROM nfc_sessions
WHERE state IN ` + liveStates + ` AND deadline IS NOT NULL AND deadline <= ?
ORDER BY deadline LIMIT ?`
	selectNFCInState = `SELECT ` + nfcColumns + ` FROM nfc_sessions WHERE state = ? ORDER BY updated_at LIMIT ?`
	selectNFCSODSeen = `SELECT EXISTS (SELECT 1 FROM nfc_sessions WHERE sod_fingerprint = ? AND id <> ?)`
	selectNFCState   = `SELECT state FROM nfc_sessions WHERE id = ?`
)

// updateNFCSession writes a transition; the WHERE clause repeats the state
// read in the same transaction, so the update is a compare-and-set even on
// a backend without BEGIN IMMEDIATE.
const updateNFCSession = `UPDATE nfc_sessions SET
    state             = ?,
    updated_at        = ?,
    deadline          = ?,
    upload_token_hash = COALESCE(?, upload_token_hash),
    challenge         = COALESCE(?, challenge),
    sod_fingerprint   = CASE WHEN ? <> '' THEN ? ELSE sod_fingerprint END,
    result_code       = COALESCE(?, result_code),
    verdict           = CASE WHEN ? <> '' THEN ? ELSE verdict END,
    reason            = CASE WHEN ? <> '' THEN ? ELSE reason END
WHERE id = ? AND state = ?`

// CreateNFCSession stores a new session in state created.
func (s *Store) CreateNFCSession(ctx context.Context, sess session.Session, now time.Time) error {
	options, err := json.Marshal(sess.Options)
	if err != nil {
		return fmt.Errorf("sqlite store: encode nfc session options: %w", err)
	}
	return s.nfcTx(ctx, "create nfc session", func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, insertNFCSession, sess.ID, sess.PartnerID, sess.Ref, sess.Method,
			string(options), sess.InitCode, formatTime(now), formatTime(now), nfcNullTime(sess.Deadline))
		if isNFCConstraint(err) {
			return fmt.Errorf("nfc session: %w", store.ErrConflict)
		}
		return err
	})
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
	sess, err := scanNFCSession(s.read.QueryRowContext(ctx, query, args...))
	if errors.Is(err, sql.ErrNoRows) {
		return session.Session{}, store.ErrNotFound
	}
	if err != nil {
		return session.Session{}, fmt.Errorf("sqlite store: %s: %w", what, err)
	}
	return sess, nil
}

// TransitionNFCSession applies t as a compare-and-set on the state, with its
// webhook events, in one write transaction.
func (s *Store) TransitionNFCSession(ctx context.Context, t store.NFCTransition) (session.Session, error) {
	var out session.Session
	err := s.nfcTx(ctx, "transition nfc session", func(tx *sql.Tx) error {
		var current string
		if err := tx.QueryRowContext(ctx, selectNFCState, t.ID).Scan(&current); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return store.ErrNotFound
			}
			return err
		}
		from := session.State(current)
		if !session.CanTransition(from, t.To) || (len(t.From) > 0 && !slices.Contains(t.From, from)) {
			return &session.TransitionError{From: from, To: t.To}
		}
		if err := applyNFCUpdate(ctx, tx, t, from); err != nil {
			return err
		}
		if err := insertEvents(ctx, tx, t.Events); err != nil {
			return err
		}
		var err error
		out, err = scanNFCSession(tx.QueryRowContext(ctx, selectNFCByID, t.ID))
		return err
	})
	return out, err
}

// applyNFCUpdate writes the new state and the update's fields.
func applyNFCUpdate(ctx context.Context, tx *sql.Tx, t store.NFCTransition, from session.State) error {
	u := t.Update
	var resultCode any
	if u.ResultCode != nil {
		resultCode = *u.ResultCode
	}
	res, err := tx.ExecContext(ctx, updateNFCSession, string(t.To), formatTime(t.Now), nfcNullTime(u.Deadline),
		nullBytes(u.UploadTokenHash), nullBytes(u.Challenge), u.SODFingerprint, u.SODFingerprint,
		resultCode, u.Verdict, u.Verdict, u.Reason, u.Reason, t.ID, string(from))
	if err != nil {
		if isNFCConstraint(err) {
			return fmt.Errorf("nfc session: %w", store.ErrConflict)
		}
		return err
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return &session.TransitionError{From: from, To: t.To}
	}
	return nil
}

// DueNFCSessions returns live sessions whose deadline has passed.
func (s *Store) DueNFCSessions(ctx context.Context, now time.Time, limit int) ([]session.Session, error) {
	return s.listNFCSessions(ctx, "due nfc sessions", selectNFCDue, formatTime(now), limit)
}

// NFCSessionsInState returns sessions in state, least recently updated first.
func (s *Store) NFCSessionsInState(ctx context.Context, state session.State, limit int) ([]session.Session, error) {
	return s.listNFCSessions(ctx, "nfc sessions in state", selectNFCInState, string(state), limit)
}

// listNFCSessions runs a query returning sessions.
func (s *Store) listNFCSessions(ctx context.Context, what, query string, args ...any) ([]session.Session, error) {
	rows, err := s.read.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("sqlite store: %s: %w", what, err)
	}
	defer rows.Close()
	var out []session.Session
	for rows.Next() {
		sess, err := scanNFCSession(rows)
		if err != nil {
			return nil, fmt.Errorf("sqlite store: %s: %w", what, err)
		}
		out = append(out, sess)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite store: %s: %w", what, err)
	}
	return out, nil
}

// NFCSODSeenElsewhere reports whether another session recorded fingerprint.
func (s *Store) NFCSODSeenElsewhere(ctx context.Context, fingerprint, id string) (bool, error) {
	if fingerprint == "" {
		return false, nil
	}
	var seen bool
	if err := s.read.QueryRowContext(ctx, selectNFCSODSeen, fingerprint, id).Scan(&seen); err != nil {
		return false, fmt.Errorf("sqlite store: nfc sod lookup: %w", err)
	}
	return seen, nil
}

// scanNFCSession reads one row of nfcColumns.
func scanNFCSession(r interface{ Scan(dest ...any) error }) (session.Session, error) {
	var (
		sess                 session.Session
		options, state       string
		created, updated     string
		deadline             sql.NullString
		tokenHash, challenge []byte
	)
	err := r.Scan(&sess.ID, &sess.PartnerID, &sess.Ref, &sess.Method, &options, &sess.InitCode, &state,
		&created, &updated, &deadline, &tokenHash, &challenge, &sess.SODFingerprint, &sess.ResultCode,
		&sess.Verdict, &sess.Reason)
	if err != nil {
		return session.Session{}, err
	}
	sess.State = session.State(state)
	sess.UploadTokenHash, sess.Challenge = tokenHash, challenge
	if err := json.Unmarshal([]byte(options), &sess.Options); err != nil {
		return session.Session{}, fmt.Errorf("decode nfc session options: %w", err)
	}
	times := map[*time.Time]string{&sess.CreatedAt: created, &sess.UpdatedAt: updated}
	if deadline.Valid {
		times[&sess.Deadline] = deadline.String
	}
	if err := nfcParseTimes(times); err != nil {
		return session.Session{}, err
	}
	return sess, nil
}

// nullBytes stores an empty slice as NULL, which COALESCE keeps unchanged.
func nullBytes(b []byte) any {
	if len(b) == 0 {
		return nil
	}
	return b
}

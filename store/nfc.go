package store

import (
	"context"
	"time"

	"github.com/kycgate/kycgate/nfc/session"
)

// NFCTransition is one atomic state change of an NFC session.
type NFCTransition struct {
	// ID is the session.
	ID string
	// From, when not empty, restricts the states the session may be in;
	// session.CanTransition must allow the move in any case.
	From []session.State
	// To is the new state.
	To session.State
	// Update is written together with the state.
	Update session.Update
	// Events are webhook events written in the same transaction, so that a
	// result is queued if and only if the state change happened.
	Events []OutboxEvent
	// Now is the time of the change (UpdatedAt).
	Now time.Time
}

// NFCSessions holds the NFC ID-document sessions.
type NFCSessions interface {
	// CreateNFCSession stores a new session in state created. It returns
	// ErrConflict when a live session already holds the init code or the
	// ID is taken. CreatedAt and UpdatedAt are set to now.
	CreateNFCSession(ctx context.Context, s session.Session, now time.Time) error
	// GetNFCSession returns the session with the ID, or ErrNotFound.
	GetNFCSession(ctx context.Context, id string) (session.Session, error)
	// FindLiveNFCSessionByCode returns the live session holding the init
	// code, or ErrNotFound.
	FindLiveNFCSessionByCode(ctx context.Context, code string) (session.Session, error)
	// FindNFCSessionByPartnerCode returns the partner's most recent session
	// created with the init code, live or not, or ErrNotFound.
	FindNFCSessionByPartnerCode(ctx context.Context, partnerID, code string) (session.Session, error)
	// FindNFCSessionByUploadToken returns the session whose upload token
	// has the SHA-256 hash, or ErrNotFound.
	FindNFCSessionByUploadToken(ctx context.Context, tokenHash []byte) (session.Session, error)
	// TransitionNFCSession applies t atomically as a compare-and-set on
	// the state: it succeeds only when session.CanTransition allows the
	// move from the stored state (and, when t.From is set, the stored state
	// is one of t.From). Otherwise it writes nothing and returns a
	// *session.TransitionError naming the stored state, or ErrNotFound.
	// The updated session is returned.
	TransitionNFCSession(ctx context.Context, t NFCTransition) (session.Session, error)
	// DueNFCSessions returns up to limit live sessions whose deadline is
	// at or before now, earliest deadline first.
	DueNFCSessions(ctx context.Context, now time.Time, limit int) ([]session.Session, error)
	// NFCSessionsInState returns up to limit sessions in state, least
	// recently updated first.
	NFCSessionsInState(ctx context.Context, state session.State, limit int) ([]session.Session, error)
	// NFCSODSeenElsewhere reports whether a session other than id recorded
	// the same EF.SOD fingerprint.
	NFCSODSeenElsewhere(ctx context.Context, fingerprint, id string) (bool, error)
}

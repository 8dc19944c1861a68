package service

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"log/slog"
	"time"

	"github.com/kycgate/kycgate/nfc/seal"
	"github.com/kycgate/kycgate/nfc/session"
	"github.com/kycgate/kycgate/store"
)

// ChallengeSize is the size of the Active Authentication challenge.
const ChallengeSize = 8

// Steps are what the app asks the user to do, from the partner's steps.
type Steps struct {
	// MRZConsent shows the consent screen: the consent data scanned from
	// the MRZ. Without it the upload's consent data is optional.
	MRZConsent bool `json:"mrz_consent"`
	// ForceMRZConsent lets the user type the consent data when scanning
	// fails.
	ForceMRZConsent bool `json:"force_mrz_consent"`
	// ChipRead reads the chip; always true, as reading the chip is the
	// point of every session.
	ChipRead bool `json:"chip_read"`
	// NumImagesLiveness is the number of selfie images to take; 0 when the
	// partner asks for no selfie.
	NumImagesLiveness int `json:"num_images_liveness"`
}

// UploadKey tells the app how to seal its upload.
type UploadKey struct {
	// Suite names the HPKE cipher suite.
	Suite string `json:"suite"`
	// KEM, KDF and AEAD are the RFC 9180 identifiers of the suite.
	KEM  uint16 `json:"kem_id"`
	KDF  uint16 `json:"kdf_id"`
	AEAD uint16 `json:"aead_id"`
	// PublicKey is the server's X25519 public key.
	PublicKey []byte `json:"public_key"`
	// KeyID fingerprints the public key.
	KeyID string `json:"key_id"`
	// Info is the HPKE info string binding the upload to the session.
	Info string `json:"info"`
}

// Redemption is what the app receives for a valid init code.
type Redemption struct {
	// SessionID names the session.
	SessionID string `json:"session_id"`
	// UploadToken authorises the upload and the status poll.
	UploadToken string `json:"upload_token"`
	// ExpiresAt is the upload deadline.
	ExpiresAt time.Time `json:"expires_at"`
	// Steps are the steps to run.
	Steps Steps `json:"steps"`
	// Challenge is the 8-byte Active Authentication challenge.
	Challenge []byte `json:"aa_challenge"`
	// UploadKey is the sealing key.
	UploadKey UploadKey `json:"upload_key"`
}

// Redeem exchanges an init code for an upload token. Failed attempts are
// counted per client address (its /64 prefix for IPv6) and per code value,
// in the store so that every replica shares the counts; past either limit
// every attempt is refused with a *BlockedError until the window moves on.
func (s *Service) Redeem(ctx context.Context, code, clientAddr string) (Redemption, error) {
	now := s.now()
	var r Redemption
	err := s.codeGuard.Do(ctx, clientAddr, code, now, func() error {
		var err error
		r, err = s.redeem(ctx, code, now)
		return err
	}, func(err error) bool { return errors.Is(err, ErrInitCode) })
	if err != nil {
		return Redemption{}, err
	}
	return r, nil
}

// redeem moves the code's live session from created to redeemed.
func (s *Service) redeem(ctx context.Context, code string, now time.Time) (Redemption, error) {
	if !session.ValidCode(code) {
		return Redemption{}, ErrInitCode
	}
	sess, err := s.store.FindLiveNFCSessionByCode(ctx, code)
	if errors.Is(err, store.ErrNotFound) || (err == nil && sess.State != session.Created) {
		return Redemption{}, ErrInitCode
	}
	if err != nil {
		return Redemption{}, err
	}
	if !now.Before(sess.Deadline) {
		s.expire(ctx, sess, ReasonCodeExpired)
		return Redemption{}, ErrInitCode
	}
	token, hash, challenge, err := newSecrets()
	if err != nil {
		return Redemption{}, err
	}
	deadline := now.Add(s.cfg.UploadTimeout)
	sess, err = s.store.TransitionNFCSession(ctx, store.NFCTransition{
		ID: sess.ID, From: []session.State{session.Created}, To: session.Redeemed, Now: now,
		Update: session.Update{Deadline: deadline, UploadTokenHash: hash, Challenge: challenge},
	})
	var te *session.TransitionError
	if errors.As(err, &te) {
		return Redemption{}, ErrInitCode
	}
	if err != nil {
		return Redemption{}, err
	}
	s.logger.Info("nfc code redeemed", slog.String("session_id", sess.ID))
	return s.redemption(sess, token, deadline), nil
}

// redemption describes the redeemed session to the app.
func (s *Service) redemption(sess session.Session, token string, deadline time.Time) Redemption {
	return Redemption{
		SessionID: sess.ID, UploadToken: token, ExpiresAt: deadline, Challenge: sess.Challenge,
		Steps: Steps{MRZConsent: !sess.Options.NoMRZConsent, ForceMRZConsent: sess.Options.ForceMRZConsent, ChipRead: true,
			NumImagesLiveness: sess.Options.NumImagesLiveness},
		UploadKey: UploadKey{Suite: seal.Suite, KEM: seal.KEMID, KDF: seal.KDFID, AEAD: seal.AEADID,
			PublicKey: s.key.PublicKey(), KeyID: s.key.ID(), Info: string(seal.Info(sess.ID))},
	}
}

// newSecrets draws an upload token (256 bits, URL-safe base64), its
// SHA-256 and an AA challenge.
func newSecrets() (token string, hash, challenge []byte, err error) {
	raw := make([]byte, 32)
	challenge = make([]byte, ChallengeSize)
	if _, err = rand.Read(raw); err != nil {
		return "", nil, nil, err
	}
	if _, err = rand.Read(challenge); err != nil {
		return "", nil, nil, err
	}
	token = base64.RawURLEncoding.EncodeToString(raw)
	return token, hashToken(token), challenge, nil
}

// hashToken is how upload tokens are stored and looked up.
func hashToken(token string) []byte {
	sum := sha256.Sum256([]byte(token))
	return sum[:]
}

// sessionByToken finds the session of an upload token.
func (s *Service) sessionByToken(ctx context.Context, token string) (session.Session, error) {
	if token == "" {
		return session.Session{}, ErrUploadToken
	}
	sess, err := s.store.FindNFCSessionByUploadToken(ctx, hashToken(token))
	if errors.Is(err, store.ErrNotFound) {
		return session.Session{}, ErrUploadToken
	}
	return sess, err
}

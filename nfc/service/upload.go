package service

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"

	"github.com/kycgate/kycgate/nfc/partner"
	"github.com/kycgate/kycgate/nfc/result"
	"github.com/kycgate/kycgate/nfc/session"
	"github.com/kycgate/kycgate/nfc/upload"
	"github.com/kycgate/kycgate/store"
	"github.com/kycgate/kycgate/webhook"
)

// Upload opens and verifies a sealed upload, queues the result webhook and
// returns the session's status. A second upload of the same session, a
// wrong key, another session's upload and a tampered one are refused and
// leave the session as it was.
func (s *Service) Upload(ctx context.Context, token string, sealed []byte) (Status, error) {
	sess, err := s.sessionByToken(ctx, token)
	if err != nil {
		return Status{}, err
	}
	now := s.now()
	if sess.State != session.Redeemed {
		return Status{}, ErrUploadState
	}
	if !now.Before(sess.Deadline) {
		s.expire(ctx, sess, ReasonUploadExpired)
		return Status{}, ErrSessionExpired
	}
	plain, err := s.key.Open(sess.ID, sealed)
	if err != nil {
		s.logger.Warn("nfc upload refused", slog.String("session_id", sess.ID), slog.String("reason", "does not open"))
		return Status{}, ErrUploadSealed
	}
	up, err := upload.ParseExpecting(plain, upload.Expect{
		Selfies: sess.Options.NumImagesLiveness, ConsentOptional: sess.Options.NoMRZConsent,
	})
	if err != nil {
		return Status{}, detail(ErrUploadContent, "%s", err.Error())
	}
	sum := sha256.Sum256(up.SOD)
	sess, err = s.store.TransitionNFCSession(ctx, store.NFCTransition{
		ID: sess.ID, From: []session.State{session.Redeemed}, To: session.Uploaded, Now: now,
		Update: session.Update{Deadline: now.Add(s.cfg.UploadTimeout), SODFingerprint: hex.EncodeToString(sum[:])},
	})
	var te *session.TransitionError
	if errors.As(err, &te) {
		return Status{}, ErrUploadState
	}
	if err != nil {
		return Status{}, err
	}
	if err := s.verify(ctx, sess, up); err != nil {
		return Status{}, err
	}
	return s.Status(ctx, token)
}

// verify runs the pipeline and moves the session to verified with its
// result event; a failing pipeline errors the session with a
// VERIFICATION_FAILED result.
func (s *Service) verify(ctx context.Context, sess session.Session, up *upload.Upload) error {
	now := s.now()
	outcome, err := s.pipeline.Run(ctx, sess, up, now)
	if err != nil {
		s.logger.Error("nfc verification failed", slog.String("session_id", sess.ID), slog.String("error", err.Error()))
		payload := result.New(result.VerificationFailed, sess.Ref)
		return s.finish(ctx, sess, session.Errored, payload, ReasonVerificationFailed)
	}
	s.logger.Info("nfc session verified", slog.String("session_id", sess.ID),
		slog.String("verdict", string(outcome.Verdict)), slog.Int("code", outcome.Payload.Code),
		slog.Any("flags", outcome.Payload.Flags))
	return s.finish(ctx, sess, session.Verified, outcome.Payload, "")
}

// finish moves sess to state to, writing the result webhook event in the
// same transaction, wakes the webhook worker and counts the verdict. The
// verified state waits for the partner's confirmation until the
// confirmation timeout.
func (s *Service) finish(ctx context.Context, sess session.Session, to session.State, payload result.Payload, reason string) error {
	now := s.now()
	u := session.Update{ResultCode: &payload.Code, Verdict: payload.Verdict, Reason: reason}
	if to == session.Verified {
		u.Deadline = now.Add(sess.Options.ConfirmationTimeout)
	}
	events, err := s.resultEvents(sess, payload)
	if err != nil {
		return err
	}
	_, err = s.store.TransitionNFCSession(ctx, store.NFCTransition{ID: sess.ID, To: to, Update: u, Events: events, Now: now})
	if err != nil {
		return fmt.Errorf("nfc: record result: %w", err)
	}
	if len(events) > 0 {
		s.outbox.Notify()
	}
	if s.observer != nil {
		s.observer.CountNFCVerdict(payload.Verdict)
	}
	if s.onVerdict != nil && sess.Options.VerificationID != "" {
		s.onVerdict(ctx, sess, payload, now)
	}
	return nil
}

// resultEvents returns the webhook event carrying payload, none when the
// partner is no longer configured.
func (s *Service) resultEvents(sess session.Session, payload result.Payload) ([]store.OutboxEvent, error) {
	p, ok := s.partners.Get(sess.PartnerID)
	if !ok || sess.Options.Webhook == "" {
		return nil, nil
	}
	body, err := payload.Marshal()
	if err != nil {
		return nil, fmt.Errorf("nfc: encode result: %w", err)
	}
	return []store.OutboxEvent{s.outbox.NewEvent(resultMessage(p, sess, body))}, nil
}

// resultMessage addresses a result to the session's webhook.
func resultMessage(p partner.Partner, sess session.Session, body []byte) webhook.Message {
	return webhook.Message{
		MerchantID: p.ID, ResourceID: sess.ID, EventName: EventName,
		URL: sess.Options.Webhook, Secret: p.WebhookSecret, Payload: body,
	}
}

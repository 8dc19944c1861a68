package service

import (
	"context"
	"errors"
	"log/slog"

	"github.com/kycgate/kycgate/nfc/result"
	"github.com/kycgate/kycgate/nfc/session"
	"github.com/kycgate/kycgate/store"
)

// sweepBatch bounds the sessions handled per sweep and kind.
const sweepBatch = 100

// Sweep ends the sessions whose deadline passed (unredeemed codes and
// missing uploads expire with a "Session expired" webhook, unconfirmed
// results error), marks verified sessions delivered once the partner's
// endpoint accepted their result, and deletes expired failed-attempt
// counters.
func (s *Service) Sweep(ctx context.Context) error {
	due, err := s.store.DueNFCSessions(ctx, s.now(), sweepBatch)
	if err != nil {
		return err
	}
	for _, sess := range due {
		switch sess.State {
		case session.Created:
			s.expire(ctx, sess, ReasonCodeExpired)
		case session.Redeemed, session.Uploaded:
			s.expire(ctx, sess, ReasonUploadExpired)
		case session.Verified, session.Delivered:
			s.timeOut(ctx, sess)
		}
	}
	if err := s.markDelivered(ctx); err != nil {
		return err
	}
	// Expired failed-attempt counters (nfc/attempts) are never read again;
	// deleting them here keeps the redeem path free of the clean-up.
	_, err = s.store.DeleteExpiredCounters(ctx, s.now())
	return err
}

// expire ends a session that ran out of time and tells the partner.
func (s *Service) expire(ctx context.Context, sess session.Session, reason string) {
	err := s.finish(ctx, sess, session.Expired, result.New(result.SessionExpired, sess.Ref), reason)
	s.logTransition(sess, session.Expired, reason, err)
}

// timeOut errors a session whose result the partner did not confirm.
func (s *Service) timeOut(ctx context.Context, sess session.Session) {
	_, err := s.store.TransitionNFCSession(ctx, store.NFCTransition{
		ID: sess.ID, From: []session.State{session.Verified, session.Delivered}, To: session.Errored,
		Update: session.Update{Reason: ReasonConfirmationTimeout}, Now: s.now(),
	})
	s.logTransition(sess, session.Errored, ReasonConfirmationTimeout, err)
}

// markDelivered moves verified sessions whose result event was delivered.
func (s *Service) markDelivered(ctx context.Context) error {
	verified, err := s.store.NFCSessionsInState(ctx, session.Verified, sweepBatch)
	if err != nil {
		return err
	}
	for _, sess := range verified {
		events, err := s.store.ListEvents(ctx, sess.PartnerID, store.EventQuery{ResourceID: sess.ID})
		if err != nil {
			return err
		}
		for _, e := range events {
			if e.EventName == EventName && e.Status == store.EventDelivered {
				_, err := s.store.TransitionNFCSession(ctx, store.NFCTransition{
					ID: sess.ID, From: []session.State{session.Verified}, To: session.Delivered,
					Update: session.Update{Deadline: sess.Deadline}, Now: s.now(),
				})
				s.logTransition(sess, session.Delivered, "", err)
				break
			}
		}
	}
	return nil
}

// logTransition records a sweep's state change; a lost race (the session
// moved meanwhile) is not an error.
func (s *Service) logTransition(sess session.Session, to session.State, reason string, err error) {
	var te *session.TransitionError
	switch {
	case errors.As(err, &te):
		return
	case err != nil:
		s.logger.Warn("nfc transition failed", slog.String("session_id", sess.ID), slog.String("to", string(to)),
			slog.String("error", err.Error()))
	default:
		s.logger.Info("nfc session "+string(to), slog.String("session_id", sess.ID), slog.String("reason", reason))
	}
}

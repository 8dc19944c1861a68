package profiles

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/kycgate/kycgate/store"
)

// maxRecordAttempts bounds the optimistic retries of a record write that
// lost a race with a concurrent one.
const maxRecordAttempts = 8

// ErrInvalidFacts is wrapped by the errors of facts the recorder cannot
// use (missing ids, another merchant's verification, a template that does
// not open). Messages never hold personal data.
var ErrInvalidFacts = errors.New("profiles: invalid facts")

// RecordVerification merges a verification's facts into its record,
// recomputes the verification's risk assessment with what is known now,
// and stores both.
func (s *Service) RecordVerification(ctx context.Context, f VerificationFacts) error {
	if f.MerchantID == "" || f.VerificationID == "" || f.CreatedAt.IsZero() {
		return fmt.Errorf("%w: merchant id, verification id and creation time are required", ErrInvalidFacts)
	}
	if len(f.FaceTemplate) > 0 {
		if _, err := s.faces.probeVector(f.FaceTemplate); err != nil {
			return fmt.Errorf("%w: the face template does not open with the template key or is of another model: %v", ErrInvalidFacts, err)
		}
	}
	return s.update(ctx, f.VerificationID, func(rec *record) error {
		if rec.Version > 0 && rec.MerchantID != f.MerchantID {
			if rec.doc.HasVerification {
				return fmt.Errorf("%w: the verification is recorded for another merchant", ErrInvalidFacts)
			}
			// An NFC result claimed this id for another merchant: the
			// verification's own facts win and the claim is dropped.
			rec.doc.NFC = nil
		}
		return rec.applyVerification(f, s.merchants[f.MerchantID])
	})
}

// RecordNFCResult records the verdict of an NFC session linked to a
// verification and recomputes the verification's assessment.
func (s *Service) RecordNFCResult(ctx context.Context, f NFCFacts) error {
	if f.MerchantID == "" || f.VerificationID == "" || f.Verdict == "" || f.At.IsZero() {
		return fmt.Errorf("%w: merchant id, verification id, verdict and time are required", ErrInvalidFacts)
	}
	return s.update(ctx, f.VerificationID, func(rec *record) error {
		if rec.Version > 0 && rec.MerchantID != f.MerchantID {
			return fmt.Errorf("%w: the verification belongs to another merchant", ErrInvalidFacts)
		}
		return rec.applyNFC(f)
	})
}

// ForgetVerification deletes a verification's record and drops its face
// template from memory.
func (s *Service) ForgetVerification(ctx context.Context, merchantID, verificationID string) error {
	got, err := s.store.GetProfileRecord(ctx, verificationID)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if got.MerchantID != merchantID {
		return fmt.Errorf("%w: the verification belongs to another merchant", ErrInvalidFacts)
	}
	if err := s.store.DeleteProfileRecord(ctx, verificationID); err != nil && !errors.Is(err, store.ErrNotFound) {
		return err
	}
	s.faces.remove(verificationID)
	return nil
}

// update reads a verification's record (a new one when none exists),
// applies change, reassesses it and writes it, retrying when a concurrent
// write came first.
func (s *Service) update(ctx context.Context, verificationID string, change func(*record) error) error {
	for attempt := 1; ; attempt++ {
		rec, err := s.loadOrNew(ctx, verificationID)
		if err != nil {
			return err
		}
		if err := change(rec); err != nil {
			return err
		}
		if err := s.reassess(ctx, rec); err != nil {
			return err
		}
		enc, err := rec.encode()
		if err != nil {
			return err
		}
		_, err = s.store.PutProfileRecord(ctx, enc)
		if errors.Is(err, store.ErrConflict) && attempt < maxRecordAttempts {
			continue
		}
		if err != nil {
			s.logger.LogAttrs(ctx, slog.LevelWarn, "profile record not written", slog.String("error", err.Error()))
		}
		return err
	}
}

// loadOrNew reads a record or starts a new one.
func (s *Service) loadOrNew(ctx context.Context, verificationID string) (*record, error) {
	got, err := s.store.GetProfileRecord(ctx, verificationID)
	if errors.Is(err, store.ErrNotFound) {
		return &record{ProfileRecord: store.ProfileRecord{VerificationID: verificationID}}, nil
	}
	if err != nil {
		return nil, err
	}
	return decodeRecord(got)
}

// reassess recomputes the verification's own assessment: its signals,
// its profile's decisions and velocity, and its face, as known now.
func (s *Service) reassess(ctx context.Context, rec *record) error {
	enc, err := rec.encode()
	if err != nil {
		return err
	}
	rec.ProfileID = enc.ProfileID
	profile, err := s.profileRecords(ctx, rec.ProfileID)
	if err != nil {
		return err
	}
	profile = withRecord(profile, rec)
	a, err := s.assess(ctx, []*record{rec}, profile)
	if err != nil {
		return err
	}
	rec.doc.Risk = &a
	return nil
}

// withRecord returns records with rec in place of its stored version
// (left out while rec has no verification facts).
func withRecord(records []*record, rec *record) []*record {
	out := make([]*record, 0, len(records)+1)
	for _, r := range records {
		if r.VerificationID != rec.VerificationID {
			out = append(out, r)
		}
	}
	if rec.doc.HasVerification {
		out = append(out, rec)
	}
	return out
}

// profileRecords reads and decodes a profile's records; verifications
// whose own facts have not arrived yet are left out.
func (s *Service) profileRecords(ctx context.Context, profileID string) ([]*record, error) {
	if profileID == "" {
		return nil, nil
	}
	stored, err := s.store.ProfileRecords(ctx, profileID)
	if err != nil {
		return nil, err
	}
	return decodeVerified(stored)
}

// decodeVerified decodes the records that hold a verification's facts.
func decodeVerified(stored []store.ProfileRecord) ([]*record, error) {
	out := make([]*record, 0, len(stored))
	for _, r := range stored {
		rec, err := decodeRecord(r)
		if err != nil {
			return nil, err
		}
		if rec.doc.HasVerification {
			out = append(out, rec)
		}
	}
	return out, nil
}

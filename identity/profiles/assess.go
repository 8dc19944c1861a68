package profiles

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/kycgate/kycgate/store"
)

// assess computes an assessment now: the signal indicators of every
// subject (newest first, so that the evidence of an indicator raised by
// several verifications comes from the newest), the decisions and
// velocity of the profile, the e-mail velocity of each subject's address,
// and the face search of the newest subjects with a template.
func (s *Service) assess(ctx context.Context, subjects, profile []*record) (Assessment, error) {
	now := s.now()
	lists, err := s.lists.get(ctx)
	if err != nil {
		return Assessment{}, err
	}
	var indicators []Indicator
	screen := newNameScreen(ctx, lists.watch, s.rules.watchlistThreshold)
	for i := len(subjects) - 1; i >= 0; i-- {
		indicators = append(indicators, s.rules.signalIndicators(subjects[i], lists, screen)...)
	}
	if err := ctx.Err(); err != nil {
		// The screening stopped early: its verdicts are incomplete.
		return Assessment{}, err
	}
	if in, ok := s.rules.repeatedDecisions(profile, now); ok {
		indicators = append(indicators, in)
	}
	if in, ok := s.rules.documentVelocity(profile, now); ok {
		indicators = append(indicators, in)
	}
	emailIndicators, err := s.emailVelocity(ctx, subjects, now)
	if err != nil {
		return Assessment{}, err
	}
	indicators = append(indicators, emailIndicators...)
	if in, ok, err := s.faceLink(ctx, subjects); err != nil {
		return Assessment{}, err
	} else if ok {
		indicators = append(indicators, in)
	}
	return newAssessment(indicators, s.rules.threshold, now), nil
}

// emailVelocity checks each distinct e-mail address of the subjects.
func (s *Service) emailVelocity(ctx context.Context, subjects []*record, now time.Time) ([]Indicator, error) {
	var out []Indicator
	seen := map[string]bool{}
	for i := len(subjects) - 1; i >= 0; i-- {
		rec := subjects[i]
		if rec.Email == "" || seen[rec.Email] {
			continue
		}
		seen[rec.Email] = true
		stored, err := s.store.ProfileRecordsByEmail(ctx, rec.Email, now.Add(-s.rules.velocityWindow))
		if err != nil {
			return nil, err
		}
		byEmail, err := decodeVerified(stored)
		if err != nil {
			return nil, err
		}
		if in, ok := s.rules.emailVelocity(withRecord(byEmail, rec), now); ok {
			out = append(out, in)
		}
	}
	return out, nil
}

// faceLink searches the faces of the newest subjects (at most
// risk.max_face_probes) among the stored templates and raises
// FACE_OTHER_DOCUMENT for a match recorded with another document.
func (s *Service) faceLink(ctx context.Context, subjects []*record) (Indicator, bool, error) {
	probes := 0
	for i := len(subjects) - 1; i >= 0 && probes < s.cfg.Risk.MaxFaceProbes; i-- {
		rec := subjects[i]
		if rec.ProfileID == "" || len(rec.FaceTemplate) == 0 {
			continue
		}
		probes++
		hit, ok, err := s.otherDocumentFace(ctx, rec)
		if err != nil || ok {
			return s.rules.faceIndicator(hit, s.calibration.SelfieSelfieThreshold), ok, err
		}
	}
	return Indicator{}, false, nil
}

// otherDocumentFace returns the best match of rec's face among the
// templates of other verifications whose current profile id differs.
func (s *Service) otherDocumentFace(ctx context.Context, rec *record) (faceHit, bool, error) {
	probe, err := s.faces.probeVector(rec.FaceTemplate)
	if err != nil {
		s.logger.LogAttrs(ctx, slog.LevelWarn, "stored face template skipped", slog.String("error", err.Error()))
		return faceHit{}, false, nil
	}
	hits, err := s.faces.search(ctx, probe, float32(s.calibration.SelfieSelfieThreshold))
	if err != nil {
		return faceHit{}, false, err
	}
	for _, h := range hits {
		if h.verificationID == rec.VerificationID || h.profileID == rec.ProfileID {
			continue
		}
		other, err := s.store.GetProfileRecord(ctx, h.verificationID)
		if errors.Is(err, store.ErrNotFound) {
			continue
		}
		if err != nil {
			return faceHit{}, false, fmt.Errorf("profiles: confirm face match: %w", err)
		}
		if other.ProfileID != "" && other.ProfileID != rec.ProfileID {
			return h, true, nil
		}
	}
	return faceHit{}, false, nil
}

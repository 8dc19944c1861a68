package identity

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/kycgate/kycgate/biometric"
)

// errTimeout is a step that outlived its time limit.
var errTimeout = errors.New("identity: step timeout")

// withTimeout runs fn under the step time limit. It returns errTimeout as
// soon as the limit passes, even when fn does not watch its context (the
// late result is then dropped), and the parent's error when it ends first.
func withTimeout[T any](ctx context.Context, limit time.Duration, fn func(ctx context.Context) (T, error)) (T, error) {
	stepCtx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	type result struct {
		value T
		err   error
	}
	done := make(chan result, 1)
	go func() {
		v, err := fn(stepCtx)
		done <- result{v, err}
	}()
	var zero T
	select {
	case r := <-done:
		if r.err != nil && ctx.Err() == nil && errors.Is(stepCtx.Err(), context.DeadlineExceeded) {
			return zero, errTimeout
		}
		return r.value, r.err
	case <-stepCtx.Done():
		if ctx.Err() != nil {
			return zero, ctx.Err()
		}
		return zero, errTimeout
	}
}

// systemError is the step error of an engine or store failure; a step or
// an engine stage (such as ffmpeg) past its time limit is "Step timeout".
func systemError(err error) StepError {
	if errors.Is(err, errTimeout) || errors.Is(err, biometric.ErrVideoTimeout) {
		return errStepTimeout
	}
	return errInternal
}

// captureProblem reports whether err is about the person's capture (no
// usable face, an unreadable file) rather than the system.
func captureProblem(err error) bool {
	return errors.Is(err, biometric.ErrNoFace) || errors.Is(err, biometric.ErrMultipleFaces) ||
		errors.Is(err, biometric.ErrFaceTooSmall) || errors.Is(err, biometric.ErrUnreadableImage) ||
		errors.Is(err, biometric.ErrUnreadableVideo)
}

// readMedia loads a stored file, capped at limit bytes.
func (s *Service) readMedia(ctx context.Context, key string, limit int64) ([]byte, error) {
	r, size, err := s.media.Open(ctx, key)
	if err != nil {
		return nil, err
	}
	defer func() { _ = r.Close() }()
	if size > limit {
		return nil, fmt.Errorf("identity: stored file exceeds %d bytes", limit)
	}
	return io.ReadAll(io.LimitReader(r, limit))
}

// seal turns an assessment into a capture with a sealed template.
func (s *Service) seal(t biometric.Template, hash biometric.PerceptualHash) (capture, error) {
	sealed, err := biometric.SealTemplate(s.templateKey, t)
	if err != nil {
		return capture{}, err
	}
	return capture{SealedTemplate: sealed, PerceptualHash: hash}, nil
}

// keepCapture records a capture of an input in v's state.
func (v *verification) keepCapture(inputType string, c capture) {
	if v.state.Captures == nil {
		v.state.Captures = map[string]capture{}
	}
	v.state.Captures[inputType] = c
}

// bestCapture returns v's face capture: the selfie photo's, else the
// video's best frame's.
func bestCapture(v *verification) (capture, bool) {
	for _, in := range []string{InputSelfiePhoto, InputSelfieVideo} {
		if c, ok := v.state.Captures[in]; ok {
			return c, true
		}
	}
	return capture{}, false
}

// openCapture decrypts a capture's template.
func (s *Service) openCapture(c capture) (biometric.Template, error) {
	return biometric.OpenTemplate(s.templateKey, c.SealedTemplate)
}

// maxPriorVerifications bounds how far back along the identity's chain of
// verifications the replay check looks.
const maxPriorVerifications = 16

// priorCaptures returns the captures of the identity's earlier
// verifications, for the engine's replay check: the previous one, its
// previous one and so on, up to maxPriorVerifications back, so that an
// image seen in any earlier verification (not only the latest) is
// recognised. None for a first verification; the walk stops where an
// earlier verification is gone (deleted).
func (s *Service) priorCaptures(ctx context.Context, v *verification) []biometric.PriorCapture {
	var out []biometric.PriorCapture
	seen := map[string]bool{v.ID: true}
	current := v
	for range maxPriorVerifications {
		prev, err := s.previous(ctx, current)
		if err != nil || prev == nil || seen[prev.ID] {
			break
		}
		seen[prev.ID] = true
		out = append(out, s.openCaptures(prev)...)
		current = prev
	}
	return out
}

// openCaptures decrypts the templates of v's captures; a capture that
// cannot be opened is left out.
func (s *Service) openCaptures(v *verification) []biometric.PriorCapture {
	var out []biometric.PriorCapture
	for _, c := range v.state.Captures {
		t, err := s.openCapture(c)
		if err != nil {
			continue
		}
		out = append(out, biometric.PriorCapture{Template: t, PerceptualHash: c.PerceptualHash})
	}
	return out
}

// previous loads the verification v re-verifies; nil for a first one.
func (s *Service) previous(ctx context.Context, v *verification) (*verification, error) {
	if v.state.PreviousVerificationID == "" {
		return nil, nil
	}
	rec, err := s.store.GetVerification(ctx, v.MerchantID, v.state.PreviousVerificationID)
	if err != nil {
		return nil, err
	}
	return decodeVerification(rec)
}

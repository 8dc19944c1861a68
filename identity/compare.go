package identity

import (
	"context"

	"github.com/kycgate/kycgate/biometric"
)

// runFacematch compares the person's selfie capture with the face on the
// document photo.
func (s *Service) runFacematch(ctx context.Context, v *verification) stepState {
	docKey := v.state.mediaKey(InputDocumentPhoto)
	if docKey == "" {
		return errorStep(StepFacematch, errInputFailed)
	}
	selfie, ok := bestCapture(v)
	if !ok {
		return errorStep(StepFacematch, errNodeFailed)
	}
	cmp, err := withTimeout(ctx, s.cfg.StepTimeout, func(ctx context.Context) (biometric.Comparison, error) {
		current, err := s.openCapture(selfie)
		if err != nil {
			return biometric.Comparison{}, err
		}
		data, err := s.readMedia(ctx, docKey, s.cfg.MaxPhotoBytes)
		if err != nil {
			return biometric.Comparison{}, err
		}
		document, err := s.engine.Extract(ctx, data)
		if err != nil {
			return biometric.Comparison{}, err
		}
		return s.engine.Compare(current, document, biometric.SelfieDocument)
	})
	if err != nil {
		// A document photo without a usable face cannot meet the input.
		return stepState{ID: StepFacematch, Status: stepDone, Error: s.failure(StepFacematch, err, errInputFailed)}
	}
	score := cmp.Score
	step := stepState{ID: StepFacematch, Status: stepDone, Output: stepOutput{Score: &score}}
	if score < threshold(v.state.Flow, cmp) {
		step.Error = &errFaceMismatch
	}
	return step
}

// runReFacematch compares the person's selfie capture with the selfie of
// the identity's previous verification.
func (s *Service) runReFacematch(ctx context.Context, v *verification) stepState {
	current, ok := bestCapture(v)
	if !ok {
		return errorStep(StepReFacematch, errNodeFailed)
	}
	prev, err := s.previous(ctx, v)
	if err != nil || prev == nil {
		return errorStep(StepReFacematch, errInputFailed)
	}
	reference, ok := bestCapture(prev)
	if !ok {
		return errorStep(StepReFacematch, errInputFailed)
	}
	cmp, err := withTimeout(ctx, s.cfg.StepTimeout, func(context.Context) (biometric.Comparison, error) {
		a, err := s.openCapture(current)
		if err != nil {
			return biometric.Comparison{}, err
		}
		b, err := s.openCapture(reference)
		if err != nil {
			return biometric.Comparison{}, err
		}
		return s.engine.Compare(a, b, biometric.SelfieSelfie)
	})
	step := stepState{ID: StepReFacematch, Status: stepDone, Output: stepOutput{
		PhotoKey:               v.state.mediaKey(InputSelfiePhoto),
		VideoKey:               v.state.mediaKey(InputSelfieVideo),
		PreviousVerificationID: prev.ID,
		PreviousPhotoKey:       prev.state.mediaKey(InputSelfiePhoto),
		PreviousVideoKey:       prev.state.mediaKey(InputSelfieVideo),
	}}
	if err != nil {
		step.Error = s.failure(StepReFacematch, err, errInternal)
		return step
	}
	score := cmp.Score
	step.Output.Score = &score
	if score < threshold(v.state.Flow, cmp) {
		step.Error = &errNotConfident
	}
	return step
}

// threshold is the flow's score threshold, or the engine's calibrated one
// for the comparison's kind.
func threshold(flow flowSnapshot, cmp biometric.Comparison) float64 {
	if flow.FacematchThreshold != nil {
		return *flow.FacematchThreshold
	}
	return cmp.ThresholdScore
}

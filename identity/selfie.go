package identity

import (
	"context"

	"github.com/kycgate/kycgate/biometric"
)

// qualitySignals are the capture-quality signals: a flagged one means the
// selfie was taken carelessly (negligence), not an attack.
var qualitySignals = []string{
	biometric.SignalSharpness, biometric.SignalExposure, biometric.SignalClipping,
	biometric.SignalFaceCount, biometric.SignalFaceSize, biometric.SignalPose,
}

// runSelfie assesses the selfie photo and keeps its face capture.
func (s *Service) runSelfie(ctx context.Context, v *verification) stepState {
	key := v.state.mediaKey(InputSelfiePhoto)
	if key == "" {
		return errorStep(StepSelfie, errInputFailed)
	}
	step := stepState{ID: StepSelfie, Status: stepDone, Output: stepOutput{PhotoKey: key}}
	prior := s.priorCaptures(ctx, v)
	a, err := withTimeout(ctx, s.cfg.StepTimeout, func(ctx context.Context) (biometric.SelfieAssessment, error) {
		data, err := s.readMedia(ctx, key, s.cfg.MaxPhotoBytes)
		if err != nil {
			return biometric.SelfieAssessment{}, err
		}
		return s.engine.AssessSelfie(ctx, data, prior)
	})
	if err != nil {
		step.Error = s.failure(StepSelfie, err, errNegligence)
		return step
	}
	c, err := s.seal(a.Template, a.PerceptualHash)
	if err != nil {
		step.Error = s.failure(StepSelfie, err, errInternal)
		return step
	}
	v.keepCapture(InputSelfiePhoto, c)
	step.Error = selfieVerdict(a.Signals)
	return step
}

// failure maps a step's error: a problem of the person's capture becomes
// onCapture, anything else a logged system error.
func (s *Service) failure(step string, err error, onCapture StepError) *StepError {
	if captureProblem(err) {
		return &onCapture
	}
	e := systemError(err)
	s.logger.Warn("step failed", "step", step, "code", e.Code, "reason", e.Message, "error", err.Error())
	return &e
}

// selfieVerdict maps the engine's signals to the seed's selfie errors, the
// most severe first:
//
//   - replay (the same image as an earlier capture of the identity) →
//     fraudAttempt;
//   - metadata (editing software or tampering traces) → tampered;
//   - moiré (a photographed screen) together with a flagged liveness model
//     → digitalSpoofAttackCritical;
//   - moiré alone, or the liveness model alone (an unevaluated
//     presentation-attack model) → digitalSpoofAttackMedium;
//   - a quality signal (blur, exposure, clipping, face count, face size,
//     pose) → negligence.
//
// faceEvasionAttack* and underage are never raised: the engine has no
// occlusion, mask or age signal to support them.
func selfieVerdict(signals biometric.Signals) *StepError {
	flagged := func(name string) bool {
		sig, ok := signals.Get(name)
		return ok && sig.Measured && sig.Flagged
	}
	var e StepError
	switch {
	case flagged(biometric.SignalReplay):
		e = errFraudAttempt
	case flagged(biometric.SignalMetadata):
		e = errTampered
	case flagged(biometric.SignalMoire) && flagged(biometric.SignalLivenessModel):
		e = errDigitalSpoofCritical
	case flagged(biometric.SignalMoire), flagged(biometric.SignalLivenessModel):
		e = errDigitalSpoofMedium
	case anyFlagged(flagged, qualitySignals):
		e = errNegligence
	default:
		return nil
	}
	return &e
}

func anyFlagged(flagged func(string) bool, names []string) bool {
	for _, n := range names {
		if flagged(n) {
			return true
		}
	}
	return false
}

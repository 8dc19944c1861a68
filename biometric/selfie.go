package biometric

import (
	"context"
	"fmt"
	"math"
	"strings"
)

// AssessSelfie extracts the selfie's template and computes its signals.
func (e *onnxEngine) AssessSelfie(ctx context.Context, data []byte, prior []PriorCapture) (SelfieAssessment, error) {
	a, err := e.analyse(ctx, data)
	if err != nil {
		return SelfieAssessment{}, err
	}
	return e.assess(ctx, a, prior)
}

// assess computes the signals of an analysed capture.
func (e *onnxEngine) assess(ctx context.Context, a *faceAnalysis, prior []PriorCapture) (SelfieAssessment, error) {
	th := e.cfg.Signals
	hash := computePerceptualHash(a.image.rgba)
	signals := newSignals()
	live, err := e.livenessSignal(ctx, a)
	if err != nil {
		return SelfieAssessment{}, err
	}
	q := a.template.Quality
	_, clipped := exposure(faceGrey(a.image.rgba, a.face.box))
	signals.add(live)
	signals.add(thresholdBelow(SignalSharpness, q.Sharpness, th.MinSharpness, "variance of the Laplacian over the face"))
	signals.add(exposureSignal(q.Brightness, th))
	signals.add(thresholdAbove(SignalClipping, clipped, th.MaxClipping, "fraction of face pixels clipped to black or white"))
	signals.add(faceCountSignal(q.FaceCount))
	signals.add(thresholdBelow(SignalFaceSize, q.FaceSize, th.MinFaceSize, "shorter side of the face box in pixels"))
	signals.add(poseSignal(q.Pose, th.MaxPose))
	signals.add(thresholdAbove(SignalMoire, moireStrength(a.image.rgba, a.face.box), th.MaxMoire,
		"strongest isolated peak in the face's frequency spectrum relative to its ring"))
	signals.add(metadataSignal(a.image.meta))
	signals.add(replaySignal(a.template, hash, prior, th))
	return SelfieAssessment{Template: a.template, PerceptualHash: hash, Signals: signals}, nil
}

// livenessSignal runs the liveness model, or reports it as not measured
// when the model is disabled.
func (e *onnxEngine) livenessSignal(ctx context.Context, a *faceAnalysis) (Signal, error) {
	if e.liveness == nil {
		return Signal{Name: SignalLivenessModel, Reason: "liveness model disabled: not measured"}, nil
	}
	release, err := e.acquire(ctx)
	if err != nil {
		return Signal{}, err
	}
	defer release()
	score, err := e.liveness.score(a.image.rgba, a.face.box)
	if err != nil {
		return Signal{}, err
	}
	sig := thresholdBelow(SignalLivenessModel, score, e.cfg.Signals.MinLiveness,
		"live-class probability of an unevaluated third-party model")
	return sig, nil
}

// thresholdBelow flags a value under min.
func thresholdBelow(name string, value, min float64, what string) Signal {
	s := Signal{Name: name, Value: value, Measured: true, Flagged: value < min}
	if s.Flagged {
		s.Reason = fmt.Sprintf("%s %.3g is below %.3g", what, value, min)
	} else {
		s.Reason = fmt.Sprintf("%s %.3g is at least %.3g", what, value, min)
	}
	return s
}

// thresholdAbove flags a value over max.
func thresholdAbove(name string, value, max float64, what string) Signal {
	s := Signal{Name: name, Value: value, Measured: true, Flagged: value > max}
	if s.Flagged {
		s.Reason = fmt.Sprintf("%s %.3g is above %.3g", what, value, max)
	} else {
		s.Reason = fmt.Sprintf("%s %.3g is at most %.3g", what, value, max)
	}
	return s
}

func exposureSignal(brightness float64, th SignalThresholds) Signal {
	s := Signal{Name: SignalExposure, Value: brightness, Measured: true}
	switch {
	case brightness < th.MinBrightness:
		s.Flagged, s.Reason = true, fmt.Sprintf("face is under-exposed: mean grey %.0f below %.0f", brightness, th.MinBrightness)
	case brightness > th.MaxBrightness:
		s.Flagged, s.Reason = true, fmt.Sprintf("face is over-exposed: mean grey %.0f above %.0f", brightness, th.MaxBrightness)
	default:
		s.Reason = fmt.Sprintf("mean grey %.0f within %.0f–%.0f", brightness, th.MinBrightness, th.MaxBrightness)
	}
	return s
}

func faceCountSignal(count int) Signal {
	s := Signal{Name: SignalFaceCount, Value: float64(count), Measured: true, Flagged: count != 1}
	if s.Flagged {
		s.Reason = fmt.Sprintf("%d faces detected; smaller or weaker ones were ignored", count)
	} else {
		s.Reason = "exactly one face detected"
	}
	return s
}

func poseSignal(p Pose, max float64) Signal {
	v := poseValue(p)
	s := Signal{Name: SignalPose, Value: v, Measured: true, Flagged: v > max}
	s.Reason = fmt.Sprintf("roll %.0f°, yaw %.2f, pitch %.2f (limit %.2g)", p.RollDegrees, p.Yaw, p.Pitch, max)
	return s
}

func metadataSignal(m imageMetadata) Signal {
	traces := m.editingTraces()
	s := Signal{Name: SignalMetadata, Value: float64(len(traces)), Measured: true, Flagged: len(traces) > 0}
	if s.Flagged {
		s.Reason = "metadata shows " + strings.Join(traces, ", ")
	} else {
		s.Reason = "no editing traces in metadata (absence proves nothing: metadata is easy to strip)"
	}
	return s
}

// replaySignal compares the capture with earlier ones: a template almost
// identical to an earlier one, or a perceptual hash a few bits away, means
// the same image was submitted again.
func replaySignal(t Template, hash PerceptualHash, prior []PriorCapture, th SignalThresholds) Signal {
	s := Signal{Name: SignalReplay, Measured: true}
	if len(prior) == 0 {
		s.Reason = "no earlier capture to compare with"
		return s
	}
	bestCosine, bestDistance := -1.0, 65
	for _, p := range prior {
		if p.Template.ModelID == t.ModelID && len(p.Template.Vector) == len(t.Vector) && validateVector(p.Template.Vector, 0) == nil {
			bestCosine = math.Max(bestCosine, cosineSimilarity(p.Template.Vector, t.Vector))
		}
		if p.PerceptualHash != 0 {
			bestDistance = min(bestDistance, hash.Distance(p.PerceptualHash))
		}
	}
	s.Value = math.Max(bestCosine, 1-float64(bestDistance)/64)
	s.Flagged = bestCosine >= th.ReplayCosine || bestDistance <= th.ReplayHashDistance
	s.Reason = fmt.Sprintf("closest earlier capture: template cosine %.3f (limit %.2f), image hash distance %d bits (limit %d)",
		bestCosine, th.ReplayCosine, bestDistance, th.ReplayHashDistance)
	if bestDistance == 65 {
		s.Reason = fmt.Sprintf("closest earlier capture: template cosine %.3f (limit %.2f); no image hash to compare",
			bestCosine, th.ReplayCosine)
	}
	return s
}

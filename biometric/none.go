package biometric

import (
	"context"
	"fmt"
)

// noneEngine is the engine used when no face model is available: every call
// answers ErrEngineUnavailable and no score is ever produced.
type noneEngine struct {
	reason string
}

// NewNoneEngine returns the engine that refuses every call. reason is added
// to its errors (for example "face models not installed").
func NewNoneEngine(reason string) Engine {
	return noneEngine{reason: reason}
}

func (e noneEngine) err() error {
	if e.reason == "" {
		return ErrEngineUnavailable
	}
	return fmt.Errorf("%w: %s", ErrEngineUnavailable, e.reason)
}

// Name returns "none".
func (noneEngine) Name() string { return EngineNone }

// ModelID returns "".
func (noneEngine) ModelID() string { return "" }

// Extract answers ErrEngineUnavailable.
func (e noneEngine) Extract(context.Context, []byte) (Template, error) { return Template{}, e.err() }

// Compare answers ErrEngineUnavailable: the none engine never scores.
func (e noneEngine) Compare(Template, Template, CompareKind) (Comparison, error) {
	return Comparison{}, e.err()
}

// AssessSelfie answers ErrEngineUnavailable.
func (e noneEngine) AssessSelfie(context.Context, []byte, []PriorCapture) (SelfieAssessment, error) {
	return SelfieAssessment{}, e.err()
}

// AssessVideo answers ErrEngineUnavailable.
func (e noneEngine) AssessVideo(context.Context, []byte, []PriorCapture) (VideoAssessment, error) {
	return VideoAssessment{}, e.err()
}

// Close does nothing.
func (noneEngine) Close() error { return nil }

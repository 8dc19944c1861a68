package biometric

import (
	"context"
	"fmt"
)

// vectorEngine compares templates computed by a client (for example an
// on-device SDK). It cannot read images.
type vectorEngine struct {
	modelID string
	dims    int
	cal     Calibration
}

// NewVectorEngine returns the engine that compares client-supplied
// templates of one model. The calibration must belong to that model.
func NewVectorEngine(cfg VectorConfig, cal Calibration) (Engine, error) {
	if cfg.ModelID == "" {
		return nil, fmt.Errorf("biometric: vector engine needs a model id")
	}
	if cfg.Dimensions <= 0 {
		return nil, fmt.Errorf("biometric: vector engine needs a positive dimension")
	}
	if err := cal.Validate(); err != nil {
		return nil, err
	}
	if cal.ModelID != cfg.ModelID {
		return nil, fmt.Errorf("%w: calibration is for another model", ErrModelMismatch)
	}
	return &vectorEngine{modelID: cfg.ModelID, dims: cfg.Dimensions, cal: cal}, nil
}

// Name returns "vector".
func (e *vectorEngine) Name() string { return EngineVector }

// ModelID returns the accepted model.
func (e *vectorEngine) ModelID() string { return e.modelID }

// Extract answers ErrEngineUnavailable: the vector engine reads no images.
func (e *vectorEngine) Extract(context.Context, []byte) (Template, error) {
	return Template{}, fmt.Errorf("%w: the vector engine only compares client-supplied templates", ErrEngineUnavailable)
}

// Compare validates both templates (model, dimension, finite non-zero
// values) and compares them.
func (e *vectorEngine) Compare(a, b Template, kind CompareKind) (Comparison, error) {
	if a.ModelID != b.ModelID {
		return Comparison{}, ErrModelMismatch
	}
	if a.ModelID != e.modelID {
		return Comparison{}, fmt.Errorf("%w: engine accepts only its configured model", ErrModelMismatch)
	}
	if err := validateVector(a.Vector, e.dims); err != nil {
		return Comparison{}, err
	}
	if err := validateVector(b.Vector, e.dims); err != nil {
		return Comparison{}, err
	}
	return CompareTemplates(a, b, kind, e.cal)
}

// AssessSelfie answers ErrEngineUnavailable.
func (e *vectorEngine) AssessSelfie(context.Context, []byte, []PriorCapture) (SelfieAssessment, error) {
	return SelfieAssessment{}, fmt.Errorf("%w: the vector engine reads no images", ErrEngineUnavailable)
}

// AssessVideo answers ErrEngineUnavailable.
func (e *vectorEngine) AssessVideo(context.Context, []byte, []PriorCapture) (VideoAssessment, error) {
	return VideoAssessment{}, fmt.Errorf("%w: the vector engine reads no videos", ErrEngineUnavailable)
}

// Close does nothing.
func (e *vectorEngine) Close() error { return nil }

package biometric

import (
	"fmt"
	"image"

	ort "github.com/yalue/onnxruntime_go"
)

// embedder turns an aligned face into an embedding vector.
type embedder struct {
	model *onnxModel
	cfg   EmbedderConfig
}

func newEmbedder(path string, cfg EmbedderConfig, opts *ort.SessionOptions) (*embedder, error) {
	m, err := loadModel(path, ort.NewShape(1, 3, int64(cfg.InputSize), int64(cfg.InputSize)), opts)
	if err != nil {
		return nil, err
	}
	if len(m.outputShapes) != 1 || m.outputShapes[0].FlattenedSize() != int64(cfg.Dimensions) {
		m.close()
		return nil, fmt.Errorf("%w: embedding model must output %d values", ErrEngineUnavailable, cfg.Dimensions)
	}
	return &embedder{model: m, cfg: cfg}, nil
}

// embed returns the L2-normalised embedding of an aligned face.
func (e *embedder) embed(aligned *image.RGBA) ([]float32, error) {
	out, err := e.model.run(planarRGB(aligned, e.cfg.Mean, e.cfg.Scale))
	if err != nil {
		return nil, err
	}
	vec := out[e.model.outputNames[0]]
	if err := validateVector(vec, e.cfg.Dimensions); err != nil {
		return nil, fmt.Errorf("biometric: model produced an invalid embedding: %w", err)
	}
	return l2Normalise(vec), nil
}

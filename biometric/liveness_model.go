package biometric

import (
	"fmt"
	"image"
	"math"

	ort "github.com/yalue/onnxruntime_go"
)

// livenessModel scores a crop around the face, enlarged to include its
// surroundings, with a classifier whose LiveClass logit means "live".
type livenessModel struct {
	model *onnxModel
	cfg   LivenessConfig
}

func newLivenessModel(path string, cfg LivenessConfig, opts *ort.SessionOptions) (*livenessModel, error) {
	m, err := loadModel(path, ort.NewShape(1, 3, int64(cfg.InputSize), int64(cfg.InputSize)), opts)
	if err != nil {
		return nil, err
	}
	if len(m.outputShapes) != 1 || int64(cfg.LiveClass) >= m.outputShapes[0].FlattenedSize() {
		m.close()
		return nil, fmt.Errorf("%w: liveness model output has no class %d", ErrEngineUnavailable, cfg.LiveClass)
	}
	return &livenessModel{model: m, cfg: cfg}, nil
}

// score returns the softmax probability of the live class.
func (l *livenessModel) score(img *image.RGBA, box Box) (float64, error) {
	crop := squareCrop(box, l.cfg.CropScale, img.Bounds())
	if crop.Empty() {
		return 0, fmt.Errorf("%w: empty face crop", ErrFaceTooSmall)
	}
	n := l.cfg.InputSize
	scaled := image.NewRGBA(image.Rect(0, 0, n, n))
	resample(scaled, img, crop)
	out, err := l.model.run(planarRGB(scaled, 0, 1))
	if err != nil {
		return 0, err
	}
	return softmax(out[l.model.outputNames[0]])[l.cfg.LiveClass], nil
}

func softmax(logits []float32) []float64 {
	maxLogit := math.Inf(-1)
	for _, v := range logits {
		maxLogit = math.Max(maxLogit, float64(v))
	}
	out := make([]float64, len(logits))
	var sum float64
	for i, v := range logits {
		out[i] = math.Exp(float64(v) - maxLogit)
		sum += out[i]
	}
	for i := range out {
		out[i] /= sum
	}
	return out
}

package biometric

import (
	"fmt"
	"image"

	ort "github.com/yalue/onnxruntime_go"
)

// landmarkCount is the number of points of the 68-point (iBUG 300-W)
// landmark scheme.
const landmarkCount = 68

// landmarker predicts 68 landmarks, as fractions of a square grey crop of
// the face box.
type landmarker struct {
	model *onnxModel
	cfg   LandmarkConfig
}

func newLandmarker(path string, cfg LandmarkConfig, opts *ort.SessionOptions) (*landmarker, error) {
	m, err := loadModel(path, ort.NewShape(1, 1, int64(cfg.InputSize), int64(cfg.InputSize)), opts)
	if err != nil {
		return nil, err
	}
	if len(m.outputShapes) != 1 || m.outputShapes[0].FlattenedSize() != 2*landmarkCount {
		m.close()
		return nil, fmt.Errorf("%w: landmark model must output %d values", ErrEngineUnavailable, 2*landmarkCount)
	}
	return &landmarker{model: m, cfg: cfg}, nil
}

// locate returns the landmarks of the face in box, in source pixels.
func (l *landmarker) locate(img *image.RGBA, box Box) ([]Point, error) {
	crop := squareCrop(box, 1, img.Bounds())
	if crop.Empty() {
		return nil, fmt.Errorf("%w: empty face crop", ErrFaceTooSmall)
	}
	n := l.cfg.InputSize
	grey := image.NewGray(image.Rect(0, 0, n, n))
	resample(grey, img, crop)
	input := make([]float32, n*n)
	for i, p := range grey.Pix {
		input[i] = float32(p) / l.cfg.Scale
	}
	out, err := l.model.run(input)
	if err != nil {
		return nil, err
	}
	values := out[l.model.outputNames[0]]
	points := make([]Point, landmarkCount)
	cw, ch := float64(crop.Dx()), float64(crop.Dy())
	for i := range points {
		points[i] = Point{
			X: float64(crop.Min.X) + float64(values[2*i])*cw,
			Y: float64(crop.Min.Y) + float64(values[2*i+1])*ch,
		}
	}
	return points, nil
}

// Indices of the 68-point scheme used for alignment and pose.
const (
	lmRightEyeFirst = 36 // subject's right eye, image left: 36–41
	lmLeftEyeFirst  = 42 // subject's left eye, image right: 42–47
	lmNoseTip       = 30
	lmMouthRight    = 48 // subject's right mouth corner, image left
	lmMouthLeft     = 54
)

// fivePoints reduces 68 landmarks to the eye centres, the nose tip and the
// mouth corners, in image left-to-right order.
func fivePoints(lm []Point) [5]Point {
	return [5]Point{
		meanPoint(lm[lmRightEyeFirst : lmRightEyeFirst+6]),
		meanPoint(lm[lmLeftEyeFirst : lmLeftEyeFirst+6]),
		lm[lmNoseTip],
		lm[lmMouthRight],
		lm[lmMouthLeft],
	}
}

func meanPoint(ps []Point) Point {
	var m Point
	for _, p := range ps {
		m.X += p.X
		m.Y += p.Y
	}
	n := float64(len(ps))
	return Point{X: m.X / n, Y: m.Y / n}
}

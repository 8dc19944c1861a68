package biometric

import (
	"fmt"
	"image"
	"math"
	"sort"

	ort "github.com/yalue/onnxruntime_go"
)

// faceDetection is one face found by the detector, in source pixels.
type faceDetection struct {
	box   Box
	score float64
}

func (f faceDetection) size() float64 { return math.Min(f.box.Width, f.box.Height) }

// detector runs a detection model whose outputs are per-anchor "scores"
// (background, face) and already decoded "boxes" (x1, y1, x2, y2 as
// fractions of the input).
type detector struct {
	model *onnxModel
	cfg   DetectorConfig
}

func newDetector(path string, cfg DetectorConfig, opts *ort.SessionOptions) (*detector, error) {
	m, err := loadModel(path, ort.NewShape(1, 3, int64(cfg.InputHeight), int64(cfg.InputWidth)), opts)
	if err != nil {
		return nil, err
	}
	if !hasOutputs(m, "scores", "boxes") {
		m.close()
		return nil, fmt.Errorf("%w: detector model must have outputs scores and boxes", ErrEngineUnavailable)
	}
	return &detector{model: m, cfg: cfg}, nil
}

func hasOutputs(m *onnxModel, names ...string) bool {
	for _, want := range names {
		found := false
		for _, have := range m.outputNames {
			found = found || have == want
		}
		if !found {
			return false
		}
	}
	return true
}

// detect returns the faces in img, strongest first, after non-maximum
// suppression.
func (d *detector) detect(img *image.RGBA) ([]faceDetection, error) {
	scaled, fit := letterbox(img, d.cfg.InputWidth, d.cfg.InputHeight, d.cfg.Mean)
	out, err := d.model.run(planarRGB(scaled, d.cfg.Mean, d.cfg.Scale))
	if err != nil {
		return nil, err
	}
	scores, boxes := out["scores"], out["boxes"]
	if len(scores)*2 != len(boxes) {
		return nil, fmt.Errorf("biometric: detector outputs disagree in length")
	}
	inW, inH := float64(d.cfg.InputWidth), float64(d.cfg.InputHeight)
	imgW, imgH := float64(img.Bounds().Dx()), float64(img.Bounds().Dy())
	var found []faceDetection
	for i := 0; i < len(scores)/2; i++ {
		score := float64(scores[2*i+1])
		if score < d.cfg.ScoreThreshold {
			continue
		}
		b := boxes[4*i : 4*i+4]
		x1, y1 := clamp(float64(b[0])*inW/fit, 0, imgW), clamp(float64(b[1])*inH/fit, 0, imgH)
		x2, y2 := clamp(float64(b[2])*inW/fit, 0, imgW), clamp(float64(b[3])*inH/fit, 0, imgH)
		if x2 <= x1 || y2 <= y1 {
			continue
		}
		found = append(found, faceDetection{box: Box{X: x1, Y: y1, Width: x2 - x1, Height: y2 - y1}, score: score})
	}
	return suppressOverlaps(found, d.cfg.NMSThreshold), nil
}

// suppressOverlaps keeps the strongest of every group of boxes overlapping
// by more than threshold (intersection over union).
func suppressOverlaps(faces []faceDetection, threshold float64) []faceDetection {
	sort.SliceStable(faces, func(i, j int) bool { return faces[i].score > faces[j].score })
	var kept []faceDetection
	for _, f := range faces {
		overlaps := false
		for _, k := range kept {
			if intersectionOverUnion(f.box, k.box) > threshold {
				overlaps = true
				break
			}
		}
		if !overlaps {
			kept = append(kept, f)
		}
	}
	return kept
}

func intersectionOverUnion(a, b Box) float64 {
	ix := math.Min(a.X+a.Width, b.X+b.Width) - math.Max(a.X, b.X)
	iy := math.Min(a.Y+a.Height, b.Y+b.Height) - math.Max(a.Y, b.Y)
	if ix <= 0 || iy <= 0 {
		return 0
	}
	inter := ix * iy
	return inter / (a.Width*a.Height + b.Width*b.Height - inter)
}

// planarRGB lays out an RGBA image as normalised planar R, G, B floats.
func planarRGB(img *image.RGBA, mean, scale float32) []float32 {
	w, h := img.Bounds().Dx(), img.Bounds().Dy()
	out := make([]float32, 3*w*h)
	plane := w * h
	for y := 0; y < h; y++ {
		row := img.Pix[y*img.Stride:]
		for x := 0; x < w; x++ {
			i := y*w + x
			p := row[4*x:]
			out[i] = (float32(p[0]) - mean) / scale
			out[plane+i] = (float32(p[1]) - mean) / scale
			out[2*plane+i] = (float32(p[2]) - mean) / scale
		}
	}
	return out
}

func clamp(v, lo, hi float64) float64 { return math.Max(lo, math.Min(hi, v)) }

// squareCrop returns the integer rectangle of side max(box)·scale (capped
// so that it fits) centred on the box and shifted inside the image.
func squareCrop(box Box, scale float64, bounds image.Rectangle) image.Rectangle {
	w, h := float64(bounds.Dx()), float64(bounds.Dy())
	side := math.Max(box.Width, box.Height) * scale
	side = math.Min(side, math.Min(w, h))
	cx, cy := box.X+box.Width/2, box.Y+box.Height/2
	x0 := clamp(cx-side/2, 0, w-side)
	y0 := clamp(cy-side/2, 0, h-side)
	r := image.Rect(int(math.Round(x0)), int(math.Round(y0)), int(math.Round(x0+side)), int(math.Round(y0+side)))
	return r.Intersect(bounds)
}

// letterbox scales img to fit inside w×h without distortion, placed at the
// top-left corner on a background of grey level fill. It returns the image
// and the scale factor applied.
func letterbox(img *image.RGBA, w, h int, fill float32) (*image.RGBA, float64) {
	b := img.Bounds()
	fit := math.Min(float64(w)/float64(b.Dx()), float64(h)/float64(b.Dy()))
	sw := max(1, int(math.Round(float64(b.Dx())*fit)))
	sh := max(1, int(math.Round(float64(b.Dy())*fit)))
	out := image.NewRGBA(image.Rect(0, 0, w, h))
	g := uint8(clamp(float64(fill), 0, 255))
	for i := 0; i < len(out.Pix); i += 4 {
		out.Pix[i], out.Pix[i+1], out.Pix[i+2], out.Pix[i+3] = g, g, g, 255
	}
	placed, ok := out.SubImage(image.Rect(0, 0, sw, sh)).(*image.RGBA)
	if ok {
		resample(placed, img, b)
	}
	return out, fit
}

package biometric

import (
	"context"
	"fmt"
	"image"
	"sync"
)

// onnxEngine runs detection, landmarks, alignment and embedding with ONNX
// Runtime. Sessions are created once; a semaphore bounds the images in
// flight.
type onnxEngine struct {
	cfg       Config
	cal       Calibration
	detector  *detector
	landmarks *landmarker
	embedder  *embedder
	liveness  *livenessModel // nil when disabled
	ffmpeg    string         // resolved ffmpeg path, "" when unavailable
	inFlight  chan struct{}

	mu     sync.RWMutex
	closed bool
}

// newONNXEngine loads the runtime and every model named by cfg (with
// defaults applied).
func newONNXEngine(cfg Config, cal Calibration) (_ *onnxEngine, err error) {
	if err := ensureRuntime(cfg.modelPath(cfg.RuntimeLibrary)); err != nil {
		return nil, err
	}
	opts, err := newSessionOptions(cfg.IntraOpThreads)
	if err != nil {
		return nil, fmt.Errorf("%w: session options: %v", ErrEngineUnavailable, err)
	}
	defer func() { _ = opts.Destroy() }()
	e := &onnxEngine{cfg: cfg, cal: cal, inFlight: make(chan struct{}, cfg.MaxInFlight)}
	defer func() {
		if err != nil {
			e.closeModels()
		}
	}()
	if e.detector, err = newDetector(cfg.modelPath(cfg.Detector.Model), cfg.Detector, opts); err != nil {
		return nil, err
	}
	if e.landmarks, err = newLandmarker(cfg.modelPath(cfg.Landmarks.Model), cfg.Landmarks, opts); err != nil {
		return nil, err
	}
	if e.embedder, err = newEmbedder(cfg.modelPath(cfg.Embedder.Model), cfg.Embedder, opts); err != nil {
		return nil, err
	}
	if !cfg.Liveness.Disabled {
		if e.liveness, err = newLivenessModel(cfg.modelPath(cfg.Liveness.Model), cfg.Liveness, opts); err != nil {
			return nil, err
		}
	}
	e.ffmpeg = findFFmpeg(cfg.Video)
	return e, nil
}

// Name returns "onnx".
func (e *onnxEngine) Name() string { return EngineONNX }

// ModelID returns the embedding model's id.
func (e *onnxEngine) ModelID() string { return e.cfg.Embedder.ModelID }

// Compare compares two templates of the engine's model.
func (e *onnxEngine) Compare(a, b Template, kind CompareKind) (Comparison, error) {
	if a.ModelID != b.ModelID {
		return Comparison{}, ErrModelMismatch
	}
	if err := validateVector(a.Vector, e.cfg.Embedder.Dimensions); err != nil {
		return Comparison{}, err
	}
	if err := validateVector(b.Vector, e.cfg.Embedder.Dimensions); err != nil {
		return Comparison{}, err
	}
	return CompareTemplates(a, b, kind, e.cal)
}

// Extract returns the template of the single face in the image.
func (e *onnxEngine) Extract(ctx context.Context, data []byte) (Template, error) {
	a, err := e.analyse(ctx, data)
	if err != nil {
		return Template{}, err
	}
	return a.template, nil
}

// Close destroys the sessions once no call is in progress.
func (e *onnxEngine) Close() error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if !e.closed {
		e.closed = true
		e.closeModels()
	}
	return nil
}

func (e *onnxEngine) closeModels() {
	if e.detector != nil {
		e.detector.model.close()
	}
	if e.landmarks != nil {
		e.landmarks.model.close()
	}
	if e.embedder != nil {
		e.embedder.model.close()
	}
	if e.liveness != nil {
		e.liveness.model.close()
	}
}

// checkOpen fails once the engine is closed.
func (e *onnxEngine) checkOpen() error {
	e.mu.RLock()
	defer e.mu.RUnlock()
	if e.closed {
		return fmt.Errorf("%w: engine closed", ErrEngineUnavailable)
	}
	return nil
}

// acquire waits for an inference slot and a read lock that keeps the
// sessions open; release undoes both.
func (e *onnxEngine) acquire(ctx context.Context) (release func(), err error) {
	select {
	case e.inFlight <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	e.mu.RLock()
	if e.closed {
		e.mu.RUnlock()
		<-e.inFlight
		return nil, fmt.Errorf("%w: engine closed", ErrEngineUnavailable)
	}
	return func() {
		e.mu.RUnlock()
		<-e.inFlight
	}, nil
}

// faceAnalysis is the intermediate result of the pipeline for one image.
type faceAnalysis struct {
	image    *decodedImage
	faces    []faceDetection
	face     faceDetection
	template Template
}

// analyse decodes the image and runs detect → largest face → landmarks →
// alignment → embedding.
func (e *onnxEngine) analyse(ctx context.Context, data []byte) (*faceAnalysis, error) {
	if err := e.checkOpen(); err != nil {
		return nil, err
	}
	img, err := decodeImage(data, e.cfg.MaxImageBytes, e.cfg.MaxImagePixels)
	if err != nil {
		return nil, err
	}
	return e.analyseDecoded(ctx, img)
}

func (e *onnxEngine) analyseDecoded(ctx context.Context, img *decodedImage) (*faceAnalysis, error) {
	bounds := img.rgba.Bounds()
	if min(bounds.Dx(), bounds.Dy()) < e.cfg.MinFaceSize {
		return nil, fmt.Errorf("%w: image is %dx%d, smaller than the minimum face size %d",
			ErrFaceTooSmall, bounds.Dx(), bounds.Dy(), e.cfg.MinFaceSize)
	}
	release, err := e.acquire(ctx)
	if err != nil {
		return nil, err
	}
	defer release()
	faces, err := e.detector.detect(img.rgba)
	if err != nil {
		return nil, err
	}
	face, err := e.chooseFace(faces)
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	tmpl, err := e.describeFace(img.rgba, face, len(faces))
	if err != nil {
		return nil, err
	}
	return &faceAnalysis{image: img, faces: faces, face: face, template: tmpl}, nil
}

// chooseFace returns the largest face, or the error for none, several
// confident faces of comparable size, or a face below the minimum size.
func (e *onnxEngine) chooseFace(faces []faceDetection) (faceDetection, error) {
	if len(faces) == 0 {
		return faceDetection{}, ErrNoFace
	}
	largest := 0
	for i, f := range faces {
		if f.size() > faces[largest].size() {
			largest = i
		}
	}
	for i, f := range faces {
		comparable := f.size() >= e.cfg.Detector.SecondaryFaceRatio*faces[largest].size()
		if i != largest && comparable && f.score >= e.cfg.Detector.SecondaryFaceScore {
			return faceDetection{}, fmt.Errorf("%w: %d faces", ErrMultipleFaces, len(faces))
		}
	}
	if faces[largest].size() < float64(e.cfg.MinFaceSize) {
		return faceDetection{}, fmt.Errorf("%w: %.0f pixels, minimum %d", ErrFaceTooSmall, faces[largest].size(), e.cfg.MinFaceSize)
	}
	return faces[largest], nil
}

// describeFace computes the landmarks, the embedding and the quality of one
// face.
func (e *onnxEngine) describeFace(img *image.RGBA, face faceDetection, faceCount int) (Template, error) {
	lm, err := e.landmarks.locate(img, face.box)
	if err != nil {
		return Template{}, err
	}
	vec, err := e.embedder.embed(alignFace(img, lm, e.cfg.Embedder.InputSize))
	if err != nil {
		return Template{}, err
	}
	grey := faceGrey(img, face.box)
	brightness, _ := exposure(grey)
	b := img.Bounds()
	return Template{
		ModelID:      e.cfg.Embedder.ModelID,
		ModelVersion: e.cfg.Embedder.ModelVersion,
		Vector:       vec,
		Box:          face.box,
		Landmarks:    lm,
		Quality: Quality{
			DetectionScore: face.score,
			FaceSize:       face.size(),
			FaceAreaRatio:  face.box.Width * face.box.Height / float64(b.Dx()*b.Dy()),
			ImageWidth:     b.Dx(),
			ImageHeight:    b.Dy(),
			FaceCount:      faceCount,
			Sharpness:      laplacianVariance(grey),
			Brightness:     brightness,
			Pose:           estimatePose(lm),
		},
	}, nil
}

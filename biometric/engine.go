package biometric

import "context"

// Engine extracts, compares and assesses faces. Implementations are safe
// for concurrent use.
type Engine interface {
	// Name is the implementation: onnx, vector or none.
	Name() string
	// ModelID is the embedding model whose templates the engine produces
	// or accepts; empty for the none engine.
	ModelID() string
	// Extract detects the single face in an encoded image (JPEG, PNG, GIF
	// WebP or BMP) and returns its template. It fails with ErrNoFace,
	// ErrMultipleFaces, ErrFaceTooSmall, ErrUnreadableImage or
	// ErrEngineUnavailable.
	Extract(ctx context.Context, image []byte) (Template, error)
	// Compare compares two templates of the engine's model with the
	// threshold of kind. It refuses templates of different models.
	Compare(a, b Template, kind CompareKind) (Comparison, error)
	// AssessSelfie extracts the template of a selfie and computes its
	// liveness and fraud signals. prior lists earlier captures of the same
	// session or subject, used to detect near-duplicate replays.
	AssessSelfie(ctx context.Context, image []byte, prior []PriorCapture) (SelfieAssessment, error)
	// AssessVideo samples a selfie video with ffmpeg, picks its best frame
	// as the selfie, checks that every frame shows the same face and that
	// there is motion, and renders a sprite of the frames. It fails with
	// ErrVideoUnavailable when ffmpeg is absent.
	AssessVideo(ctx context.Context, video []byte, prior []PriorCapture) (VideoAssessment, error)
	// Close releases the engine's resources; later calls answer
	// ErrEngineUnavailable.
	Close() error
}

// PriorCapture is what is kept of an earlier selfie to recognise a replay
// of it: its template and its perceptual hash (either may be zero).
type PriorCapture struct {
	// Template is the earlier selfie's template.
	Template Template `json:"template"`
	// PerceptualHash is the earlier selfie's image hash.
	PerceptualHash PerceptualHash `json:"perceptual_hash"`
}

// SelfieAssessment is the result of AssessSelfie.
type SelfieAssessment struct {
	// Template is the selfie's face template.
	Template Template `json:"template"`
	// PerceptualHash fingerprints the image for later replay checks.
	PerceptualHash PerceptualHash `json:"perceptual_hash"`
	// Signals are the liveness and fraud signals.
	Signals Signals `json:"signals"`
}

// VideoAssessment is the result of AssessVideo.
type VideoAssessment struct {
	// Selfie is the assessment of the best frame, with the video signals
	// (frame consistency, motion) added to its signals.
	Selfie SelfieAssessment `json:"selfie"`
	// BestFrame is the index of the frame used as the selfie.
	BestFrame int `json:"best_frame"`
	// FramesSampled is the number of frames ffmpeg produced.
	FramesSampled int `json:"frames_sampled"`
	// FramesWithFace is the number of frames with exactly one usable face.
	FramesWithFace int `json:"frames_with_face"`
	// Sprite is a JPEG grid of the sampled frames, for a webhook's
	// spriteUrl. It shows the face: store and serve it as personal data.
	Sprite Sprite `json:"-"`
}

// Sprite is a grid image of video frames.
type Sprite struct {
	// JPEG is the encoded image.
	JPEG []byte
	// Columns, Rows, TileWidth and TileHeight describe the grid.
	Columns, Rows, TileWidth, TileHeight int
	// Frames is the number of tiles in use.
	Frames int
}

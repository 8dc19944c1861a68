package biometric

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"time"
)

// Engine names accepted in Config.Engine.
const (
	// EngineAuto picks onnx when its assets are present, none otherwise.
	EngineAuto = "auto"
	// EngineONNX runs the face models with ONNX Runtime.
	EngineONNX = "onnx"
	// EngineVector only compares templates supplied by clients.
	EngineVector = "vector"
	// EngineNone answers every call with ErrEngineUnavailable.
	EngineNone = "none"
)

// ModelsDirEnv is the environment variable that names the models folder
// when Config.ModelsDir is empty.
const ModelsDirEnv = "KYCGATE_MODELS_DIR"

// DefaultModelsDir is the models folder, relative to the working directory,
// used when neither Config.ModelsDir nor KYCGATE_MODELS_DIR is set. The
// setup script scripts/install-face-models.sh fills it.
const DefaultModelsDir = ".models"

// Config configures the biometric engine. The gateway embeds it under the
// `biometric:` key. Zero values take the defaults of DefaultConfig.
type Config struct {
	// Engine is one of auto, onnx, vector or none.
	Engine string `json:"engine" yaml:"engine"`
	// ModelsDir holds the models and the ONNX Runtime library.
	ModelsDir string `json:"models_dir" yaml:"models_dir"`
	// RuntimeLibrary is the ONNX Runtime shared library; relative paths are
	// resolved against ModelsDir.
	RuntimeLibrary string `json:"runtime_library" yaml:"runtime_library"`
	// MaxImageBytes caps the encoded size of an image.
	MaxImageBytes int64 `json:"max_image_bytes" yaml:"max_image_bytes"`
	// MaxImagePixels caps width × height of a decoded image.
	MaxImagePixels int64 `json:"max_image_pixels" yaml:"max_image_pixels"`
	// MinFaceSize is the smallest usable face (shorter box side) in pixels.
	MinFaceSize int `json:"min_face_size" yaml:"min_face_size"`
	// MaxInFlight bounds the images processed at once by the onnx engine.
	MaxInFlight int `json:"max_in_flight" yaml:"max_in_flight"`
	// IntraOpThreads is the number of threads ONNX Runtime uses inside one
	// inference.
	IntraOpThreads int `json:"intra_op_threads" yaml:"intra_op_threads"`
	// Detector configures the face detection model.
	Detector DetectorConfig `json:"detector" yaml:"detector"`
	// Landmarks configures the 68-point landmark model.
	Landmarks LandmarkConfig `json:"landmarks" yaml:"landmarks"`
	// Embedder configures the face embedding model.
	Embedder EmbedderConfig `json:"embedder" yaml:"embedder"`
	// Liveness configures the still-image liveness model.
	Liveness LivenessConfig `json:"liveness" yaml:"liveness"`
	// Calibration overrides the built-in calibration of the embedding
	// model (or supplies one for the vector engine's model).
	Calibration *Calibration `json:"calibration,omitempty" yaml:"calibration,omitempty"`
	// Vector configures the vector engine.
	Vector VectorConfig `json:"vector" yaml:"vector"`
	// Signals holds the thresholds of the liveness and fraud signals.
	Signals SignalThresholds `json:"signals" yaml:"signals"`
	// Video configures video liveness through ffmpeg.
	Video VideoConfig `json:"video" yaml:"video"`
}

// DetectorConfig describes the face detector model and its pre- and
// post-processing. The model takes one 1×3×H×W float input (RGB, planar)
// and has two outputs: "scores" (per anchor: background, face) and "boxes"
// (per anchor: x1, y1, x2, y2 as fractions of the input, already decoded).
// The image is letterboxed into the input without distortion.
type DetectorConfig struct {
	// Model is the model file, relative to ModelsDir unless absolute.
	Model string `json:"model" yaml:"model"`
	// InputWidth and InputHeight are the model's input size.
	InputWidth  int `json:"input_width" yaml:"input_width"`
	InputHeight int `json:"input_height" yaml:"input_height"`
	// Mean and Scale normalise pixels as (x − Mean) / Scale.
	Mean  float32 `json:"mean" yaml:"mean"`
	Scale float32 `json:"scale" yaml:"scale"`
	// ScoreThreshold is the minimum face confidence.
	ScoreThreshold float64 `json:"score_threshold" yaml:"score_threshold"`
	// NMSThreshold is the overlap above which a weaker box is suppressed.
	NMSThreshold float64 `json:"nms_threshold" yaml:"nms_threshold"`
	// SecondaryFaceRatio: a second face whose size is at least this fraction
	// of the largest face's makes the image ambiguous (ErrMultipleFaces).
	SecondaryFaceRatio float64 `json:"secondary_face_ratio" yaml:"secondary_face_ratio"`
	// SecondaryFaceScore is the confidence a second face needs to make the
	// image ambiguous; weaker detections (faces in paintings, patterns) are
	// counted in the quality report only.
	SecondaryFaceScore float64 `json:"secondary_face_score" yaml:"secondary_face_score"`
}

// LandmarkConfig describes the landmark model.
type LandmarkConfig struct {
	// Model is the model file, relative to ModelsDir unless absolute.
	Model string `json:"model" yaml:"model"`
	// InputSize is the side of the square grey input.
	InputSize int `json:"input_size" yaml:"input_size"`
	// Scale divides grey levels before inference.
	Scale float32 `json:"scale" yaml:"scale"`
}

// EmbedderConfig describes the embedding model.
type EmbedderConfig struct {
	// Model is the model file, relative to ModelsDir unless absolute.
	Model string `json:"model" yaml:"model"`
	// ModelID and ModelVersion are written into every template.
	ModelID      string `json:"model_id" yaml:"model_id"`
	ModelVersion string `json:"model_version" yaml:"model_version"`
	// InputSize is the side of the aligned square RGB face.
	InputSize int `json:"input_size" yaml:"input_size"`
	// Mean and Scale normalise pixels as (x − Mean) / Scale.
	Mean  float32 `json:"mean" yaml:"mean"`
	Scale float32 `json:"scale" yaml:"scale"`
	// Dimensions is the embedding length.
	Dimensions int `json:"dimensions" yaml:"dimensions"`
}

// LivenessConfig describes the still-image liveness model.
type LivenessConfig struct {
	// Disabled skips the liveness model (its signal then reports "not
	// evaluated").
	Disabled bool `json:"disabled" yaml:"disabled"`
	// Model is the model file, relative to ModelsDir unless absolute.
	Model string `json:"model" yaml:"model"`
	// InputSize is the side of the square RGB input (raw 0–255 values).
	InputSize int `json:"input_size" yaml:"input_size"`
	// CropScale enlarges the face box before cropping.
	CropScale float64 `json:"crop_scale" yaml:"crop_scale"`
	// LiveClass is the index of the "live" class among the model's logits.
	LiveClass int `json:"live_class" yaml:"live_class"`
}

// VectorConfig configures the vector engine, which compares embeddings
// computed by a client-side SDK.
type VectorConfig struct {
	// ModelID is the only model whose templates the engine accepts.
	ModelID string `json:"model_id" yaml:"model_id"`
	// Dimensions is the required vector length.
	Dimensions int `json:"dimensions" yaml:"dimensions"`
}

// VideoConfig configures video liveness.
type VideoConfig struct {
	// Disabled turns video liveness off (ErrVideoUnavailable).
	Disabled bool `json:"disabled" yaml:"disabled"`
	// FFmpegPath is the ffmpeg executable, looked up in PATH when bare.
	FFmpegPath string `json:"ffmpeg_path" yaml:"ffmpeg_path"`
	// Timeout bounds one ffmpeg run.
	Timeout Duration `json:"timeout" yaml:"timeout"`
	// MaxBytes caps the encoded video size.
	MaxBytes int64 `json:"max_bytes" yaml:"max_bytes"`
	// MaxDuration caps the part of the video that is decoded.
	MaxDuration Duration `json:"max_duration" yaml:"max_duration"`
	// FramesPerSecond is the frame sampling rate.
	FramesPerSecond float64 `json:"frames_per_second" yaml:"frames_per_second"`
	// MaxFrames caps the number of sampled frames.
	MaxFrames int `json:"max_frames" yaml:"max_frames"`
	// FrameWidth is the width frames are scaled down to (height follows).
	FrameWidth int `json:"frame_width" yaml:"frame_width"`
	// SpriteColumns and SpriteTileWidth shape the sprite grid.
	SpriteColumns   int `json:"sprite_columns" yaml:"sprite_columns"`
	SpriteTileWidth int `json:"sprite_tile_width" yaml:"sprite_tile_width"`
}

// DefaultConfig returns the configuration for the models installed by
// scripts/install-face-models.sh.
func DefaultConfig() Config {
	return Config{
		Engine:         EngineAuto,
		RuntimeLibrary: "libonnxruntime.so.1",
		MaxImageBytes:  15 << 20,
		MaxImagePixels: 40_000_000,
		MinFaceSize:    48,
		MaxInFlight:    runtime.NumCPU(),
		IntraOpThreads: 1,
		Detector: DetectorConfig{
			Model: "fr_detect.onnx", InputWidth: 320, InputHeight: 240,
			Mean: 127, Scale: 128, ScoreThreshold: 0.65, NMSThreshold: 0.4,
			SecondaryFaceRatio: 0.4, SecondaryFaceScore: 0.9,
		},
		Landmarks: LandmarkConfig{Model: "fr_landmark.onnx", InputSize: 64, Scale: 256},
		Embedder: EmbedderConfig{
			Model: "fr_feature.onnx", ModelID: FacepluginModelID, ModelVersion: FacepluginModelVersion,
			InputSize: 112, Mean: 127.5, Scale: 128, Dimensions: 512,
		},
		Liveness: LivenessConfig{Model: "fr_liveness.onnx", InputSize: 128, CropScale: 2.7, LiveClass: 0},
		Vector:   VectorConfig{Dimensions: 512},
		Signals:  DefaultSignalThresholds(),
		Video: VideoConfig{
			FFmpegPath: "ffmpeg", Timeout: Duration(30 * time.Second), MaxBytes: 50 << 20,
			MaxDuration: Duration(15 * time.Second), FramesPerSecond: 4, MaxFrames: 24,
			FrameWidth: 640, SpriteColumns: 4, SpriteTileWidth: 160,
		},
	}
}

// withDefaults fills every zero field of c from DefaultConfig and resolves
// the models folder.
func (c Config) withDefaults() Config {
	d := DefaultConfig()
	c.Engine = orDefault(c.Engine, d.Engine)
	if c.ModelsDir == "" {
		c.ModelsDir = orDefault(os.Getenv(ModelsDirEnv), DefaultModelsDir)
	}
	c.RuntimeLibrary = orDefault(c.RuntimeLibrary, d.RuntimeLibrary)
	c.MaxImageBytes = orDefault(c.MaxImageBytes, d.MaxImageBytes)
	c.MaxImagePixels = orDefault(c.MaxImagePixels, d.MaxImagePixels)
	c.MinFaceSize = orDefault(c.MinFaceSize, d.MinFaceSize)
	c.MaxInFlight = orDefault(c.MaxInFlight, d.MaxInFlight)
	c.IntraOpThreads = orDefault(c.IntraOpThreads, d.IntraOpThreads)
	c.Detector = c.Detector.withDefaults(d.Detector)
	c.Landmarks = c.Landmarks.withDefaults(d.Landmarks)
	c.Embedder = c.Embedder.withDefaults(d.Embedder)
	c.Liveness = c.Liveness.withDefaults(d.Liveness)
	c.Vector.Dimensions = orDefault(c.Vector.Dimensions, d.Vector.Dimensions)
	c.Signals = c.Signals.withDefaults(d.Signals)
	c.Video = c.Video.withDefaults(d.Video)
	return c
}

func (c DetectorConfig) withDefaults(d DetectorConfig) DetectorConfig {
	c.Model = orDefault(c.Model, d.Model)
	c.InputWidth = orDefault(c.InputWidth, d.InputWidth)
	c.InputHeight = orDefault(c.InputHeight, d.InputHeight)
	c.Mean = orDefault(c.Mean, d.Mean)
	c.Scale = orDefault(c.Scale, d.Scale)
	c.ScoreThreshold = orDefault(c.ScoreThreshold, d.ScoreThreshold)
	c.NMSThreshold = orDefault(c.NMSThreshold, d.NMSThreshold)
	c.SecondaryFaceRatio = orDefault(c.SecondaryFaceRatio, d.SecondaryFaceRatio)
	c.SecondaryFaceScore = orDefault(c.SecondaryFaceScore, d.SecondaryFaceScore)
	return c
}

func (c LandmarkConfig) withDefaults(d LandmarkConfig) LandmarkConfig {
	c.Model = orDefault(c.Model, d.Model)
	c.InputSize = orDefault(c.InputSize, d.InputSize)
	c.Scale = orDefault(c.Scale, d.Scale)
	return c
}

func (c EmbedderConfig) withDefaults(d EmbedderConfig) EmbedderConfig {
	c.Model = orDefault(c.Model, d.Model)
	c.ModelID = orDefault(c.ModelID, d.ModelID)
	c.ModelVersion = orDefault(c.ModelVersion, d.ModelVersion)
	c.InputSize = orDefault(c.InputSize, d.InputSize)
	c.Mean = orDefault(c.Mean, d.Mean)
	c.Scale = orDefault(c.Scale, d.Scale)
	c.Dimensions = orDefault(c.Dimensions, d.Dimensions)
	return c
}

func (c LivenessConfig) withDefaults(d LivenessConfig) LivenessConfig {
	c.Model = orDefault(c.Model, d.Model)
	c.InputSize = orDefault(c.InputSize, d.InputSize)
	c.CropScale = orDefault(c.CropScale, d.CropScale)
	return c
}

func (c VideoConfig) withDefaults(d VideoConfig) VideoConfig {
	c.FFmpegPath = orDefault(c.FFmpegPath, d.FFmpegPath)
	c.Timeout = orDefault(c.Timeout, d.Timeout)
	c.MaxBytes = orDefault(c.MaxBytes, d.MaxBytes)
	c.MaxDuration = orDefault(c.MaxDuration, d.MaxDuration)
	c.FramesPerSecond = orDefault(c.FramesPerSecond, d.FramesPerSecond)
	c.MaxFrames = orDefault(c.MaxFrames, d.MaxFrames)
	c.FrameWidth = orDefault(c.FrameWidth, d.FrameWidth)
	c.SpriteColumns = orDefault(c.SpriteColumns, d.SpriteColumns)
	c.SpriteTileWidth = orDefault(c.SpriteTileWidth, d.SpriteTileWidth)
	return c
}

// Validate reports every invalid setting at once. It checks c as given,
// after defaults are applied.
func (c Config) Validate() error {
	c = c.withDefaults()
	var errs []error
	switch c.Engine {
	case EngineAuto, EngineONNX, EngineVector, EngineNone:
	default:
		errs = append(errs, fmt.Errorf("biometric: engine %q is not one of auto, onnx, vector, none", c.Engine))
	}
	if c.MaxImageBytes < 0 || c.MaxImagePixels < 0 || c.MinFaceSize < 0 || c.MaxInFlight < 0 || c.IntraOpThreads < 0 {
		errs = append(errs, errors.New("biometric: limits must not be negative"))
	}
	if c.Engine == EngineVector && c.Vector.ModelID == "" {
		errs = append(errs, errors.New("biometric: vector.model_id is required for the vector engine"))
	}
	if c.Calibration != nil {
		if err := c.Calibration.Validate(); err != nil {
			errs = append(errs, err)
		}
	}
	if c.Liveness.LiveClass < 0 {
		errs = append(errs, errors.New("biometric: liveness.live_class must not be negative"))
	}
	if c.Video.FramesPerSecond < 0 || c.Video.MaxFrames < 0 || c.Video.MaxBytes < 0 {
		errs = append(errs, errors.New("biometric: video limits must not be negative"))
	}
	if c.Video.Timeout < 0 || c.Video.MaxDuration < 0 {
		errs = append(errs, errors.New("biometric: video.timeout and video.max_duration must not be negative"))
	}
	for _, f := range []struct {
		key   string
		value float64
	}{
		{"detector.score_threshold", c.Detector.ScoreThreshold},
		{"detector.nms_threshold", c.Detector.NMSThreshold},
		{"signals.min_liveness", c.Signals.MinLiveness},
		{"signals.max_clipping", c.Signals.MaxClipping},
	} {
		if f.value < 0 || f.value > 1 {
			errs = append(errs, fmt.Errorf("biometric: %s is a fraction: it must be between 0 and 1", f.key))
		}
	}
	return errors.Join(errs...)
}

// modelPath resolves a model file name against the models folder.
func (c Config) modelPath(name string) string {
	if filepath.IsAbs(name) {
		return name
	}
	return filepath.Join(c.ModelsDir, name)
}

func orDefault[T comparable](v, d T) T {
	var zero T
	if v == zero {
		return d
	}
	return v
}

// Duration is a time.Duration that reads and writes as a Go duration string
// such as "30s" in JSON and YAML.
type Duration time.Duration

// MarshalText writes the duration as a string such as "30s".
func (d Duration) MarshalText() ([]byte, error) {
	return []byte(time.Duration(d).String()), nil
}

// UnmarshalText parses a duration string such as "30s" or "1m".
func (d *Duration) UnmarshalText(text []byte) error {
	v, err := time.ParseDuration(string(text))
	if err != nil {
		return fmt.Errorf("biometric: invalid duration %q: %w", text, err)
	}
	*d = Duration(v)
	return nil
}

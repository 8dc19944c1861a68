package biometric

import (
	"fmt"
	"log/slog"
	"math"
)

// Template is the biometric reference extracted from one face image. It is
// personal data: never log it and store it only sealed (see SealTemplate).
// Its String, Format and LogValue methods reveal only the model and the
// vector's dimension.
type Template struct {
	// ModelID names the embedding model, e.g. "faceplugin-fr-feature".
	// Templates of different models are never comparable.
	ModelID string `json:"model_id" yaml:"model_id"`
	// ModelVersion is the version of the embedding model's package.
	ModelVersion string `json:"model_version" yaml:"model_version"`
	// Vector is the L2-normalised embedding.
	Vector []float32 `json:"vector" yaml:"vector"`
	// Box is the face's bounding box in the source image, in pixels.
	Box Box `json:"box" yaml:"box"`
	// Landmarks are the facial landmarks in source-image pixels (68 points
	// for the onnx engine, empty for client-supplied templates).
	Landmarks []Point `json:"landmarks,omitempty" yaml:"landmarks,omitempty"`
	// Quality holds measurements of the capture that produced the template.
	Quality Quality `json:"quality" yaml:"quality"`
}

// Box is an axis-aligned rectangle in image pixels.
type Box struct {
	X      float64 `json:"x" yaml:"x"`
	Y      float64 `json:"y" yaml:"y"`
	Width  float64 `json:"width" yaml:"width"`
	Height float64 `json:"height" yaml:"height"`
}

// Point is a 2-D position in image pixels.
type Point struct {
	X float64 `json:"x" yaml:"x"`
	Y float64 `json:"y" yaml:"y"`
}

// Quality describes the capture a template was extracted from.
type Quality struct {
	// DetectionScore is the detector's confidence for the chosen face (0–1).
	DetectionScore float64 `json:"detection_score" yaml:"detection_score"`
	// FaceSize is the shorter side of the face box in pixels.
	FaceSize float64 `json:"face_size" yaml:"face_size"`
	// FaceAreaRatio is the face box area divided by the image area.
	FaceAreaRatio float64 `json:"face_area_ratio" yaml:"face_area_ratio"`
	// ImageWidth and ImageHeight are the decoded image's dimensions.
	ImageWidth  int `json:"image_width" yaml:"image_width"`
	ImageHeight int `json:"image_height" yaml:"image_height"`
	// FaceCount is the number of faces the detector reported, including
	// small background faces that did not make the image ambiguous.
	FaceCount int `json:"face_count" yaml:"face_count"`
	// Sharpness is the variance of the Laplacian over the face region.
	Sharpness float64 `json:"sharpness" yaml:"sharpness"`
	// Brightness is the mean grey level of the face region (0–255).
	Brightness float64 `json:"brightness" yaml:"brightness"`
	// Pose is the head pose estimated from the landmarks.
	Pose Pose `json:"pose" yaml:"pose"`
}

// Pose is a coarse head pose estimated from 2-D landmarks.
type Pose struct {
	// RollDegrees is the in-plane rotation of the eye line.
	RollDegrees float64 `json:"roll_degrees" yaml:"roll_degrees"`
	// Yaw is the horizontal asymmetry of the nose between the eyes, from
	// −1 (turned fully one way) to 1 (the other); 0 is frontal.
	Yaw float64 `json:"yaw" yaml:"yaw"`
	// Pitch is the nose tip's vertical position between the eye line and the
	// mouth, relative to a frontal face; 0 is frontal.
	Pitch float64 `json:"pitch" yaml:"pitch"`
}

// String describes the template without revealing its content.
func (t Template) String() string {
	return fmt.Sprintf("Template{model=%s, dims=%d}", t.ModelID, len(t.Vector))
}

// Format makes every fmt verb (including %v, %+v and %#v) print the redacted
// String form, so a template cannot leak into logs or errors by accident.
func (t Template) Format(f fmt.State, _ rune) {
	_, _ = fmt.Fprint(f, t.String())
}

// LogValue makes slog record only the model and the dimension.
func (t Template) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("model_id", t.ModelID),
		slog.Int("dims", len(t.Vector)),
	)
}

// validateVector reports why a vector cannot be a template: empty, a
// dimension other than want (when want > 0), a NaN or Inf element, or zero
// length.
func validateVector(v []float32, want int) error {
	if len(v) == 0 {
		return fmt.Errorf("%w: empty vector", ErrInvalidTemplate)
	}
	if want > 0 && len(v) != want {
		return fmt.Errorf("%w: %d dimensions, want %d", ErrInvalidTemplate, len(v), want)
	}
	var sum float64
	for _, x := range v {
		f := float64(x)
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return fmt.Errorf("%w: vector holds NaN or Inf", ErrInvalidTemplate)
		}
		sum += f * f
	}
	if sum == 0 || math.IsInf(sum, 0) {
		return fmt.Errorf("%w: zero or unbounded vector", ErrInvalidTemplate)
	}
	return nil
}

// l2Normalise returns a copy of v scaled to unit length. It assumes v passed
// validateVector.
func l2Normalise(v []float32) []float32 {
	var sum float64
	for _, x := range v {
		sum += float64(x) * float64(x)
	}
	norm := math.Sqrt(sum)
	out := make([]float32, len(v))
	for i, x := range v {
		out[i] = float32(float64(x) / norm)
	}
	return out
}

// NewVectorTemplate validates a client-supplied embedding and returns a
// template holding its L2-normalised copy. dims is the expected dimension
// (0 accepts any).
func NewVectorTemplate(modelID, modelVersion string, vector []float32, dims int) (Template, error) {
	if modelID == "" {
		return Template{}, fmt.Errorf("%w: missing model id", ErrInvalidTemplate)
	}
	if err := validateVector(vector, dims); err != nil {
		return Template{}, err
	}
	return Template{ModelID: modelID, ModelVersion: modelVersion, Vector: l2Normalise(vector)}, nil
}

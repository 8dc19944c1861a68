package biometric

import (
	"fmt"
	"math"
)

// CompareKind says which two captures are compared; each kind has its own
// decision threshold because document portraits are older, smaller and
// printed.
type CompareKind int

const (
	// SelfieSelfie compares two live captures (re-authentication).
	SelfieSelfie CompareKind = iota + 1
	// SelfieDocument compares a live capture with an identity-document
	// portrait (printed page photo or chip image).
	SelfieDocument
)

// String returns the kind's wire name.
func (k CompareKind) String() string {
	switch k {
	case SelfieSelfie:
		return "selfie_selfie"
	case SelfieDocument:
		return "selfie_document"
	default:
		return fmt.Sprintf("compare_kind(%d)", int(k))
	}
}

// Comparison is the outcome of comparing two templates.
type Comparison struct {
	// Kind is the comparison kind whose threshold was applied.
	Kind CompareKind `json:"kind"`
	// ModelID is the model both templates come from.
	ModelID string `json:"model_id"`
	// Cosine is the raw cosine similarity of the two vectors (−1 to 1).
	Cosine float64 `json:"cosine"`
	// Score is Cosine mapped to 0–100 through the model's logistic
	// calibration (see Calibration). It is a similarity scale, not a
	// probability of identity.
	Score float64 `json:"score"`
	// Threshold is the cosine threshold applied for Kind.
	Threshold float64 `json:"threshold"`
	// ThresholdScore is Threshold on the 0–100 scale.
	ThresholdScore float64 `json:"threshold_score"`
	// Match is true when Cosine is at least Threshold.
	Match bool `json:"match"`
}

// Calibration maps a model's cosine similarity onto a 0–100 score and holds
// the decision thresholds. The score is 100 / (1 + exp(−Slope·(cos −
// Midpoint))).
type Calibration struct {
	// ModelID names the model the calibration belongs to.
	ModelID string `json:"model_id" yaml:"model_id"`
	// Midpoint is the cosine that maps to a score of 50.
	Midpoint float64 `json:"midpoint" yaml:"midpoint"`
	// Slope is the logistic steepness per unit of cosine.
	Slope float64 `json:"slope" yaml:"slope"`
	// SelfieSelfieThreshold is the cosine at or above which two selfies
	// match.
	SelfieSelfieThreshold float64 `json:"selfie_selfie_threshold" yaml:"selfie_selfie_threshold"`
	// SelfieDocumentThreshold is the cosine at or above which a selfie and
	// a document portrait match.
	SelfieDocumentThreshold float64 `json:"selfie_document_threshold" yaml:"selfie_document_threshold"`
}

// Validate reports a calibration that cannot produce meaningful scores.
func (c Calibration) Validate() error {
	switch {
	case c.ModelID == "":
		return fmt.Errorf("biometric: calibration without model id")
	case !(c.Slope > 0) || math.IsInf(c.Slope, 0):
		return fmt.Errorf("biometric: calibration slope must be positive")
	case !inCosineRange(c.Midpoint), !inCosineRange(c.SelfieSelfieThreshold), !inCosineRange(c.SelfieDocumentThreshold):
		return fmt.Errorf("biometric: calibration midpoint and thresholds must lie in [-1, 1]")
	}
	return nil
}

func inCosineRange(x float64) bool { return x >= -1 && x <= 1 }

// Score maps a cosine similarity to the calibrated 0–100 scale.
func (c Calibration) Score(cosine float64) float64 {
	return 100 / (1 + math.Exp(-c.Slope*(cosine-c.Midpoint)))
}

// Threshold returns the cosine threshold for kind.
func (c Calibration) Threshold(kind CompareKind) (float64, error) {
	switch kind {
	case SelfieSelfie:
		return c.SelfieSelfieThreshold, nil
	case SelfieDocument:
		return c.SelfieDocumentThreshold, nil
	default:
		return 0, fmt.Errorf("biometric: unknown comparison kind %d", int(kind))
	}
}

// CompareTemplates compares a and b under calibration cal. It refuses
// templates of different models or of a model other than cal's, and invalid
// vectors; the vectors are normalised before the cosine is taken.
func CompareTemplates(a, b Template, kind CompareKind, cal Calibration) (Comparison, error) {
	threshold, err := cal.Threshold(kind)
	if err != nil {
		return Comparison{}, err
	}
	if a.ModelID != b.ModelID {
		return Comparison{}, ErrModelMismatch
	}
	if a.ModelID != cal.ModelID {
		return Comparison{}, fmt.Errorf("%w: engine is calibrated for another model", ErrModelMismatch)
	}
	if err := validateVector(a.Vector, 0); err != nil {
		return Comparison{}, err
	}
	if err := validateVector(b.Vector, len(a.Vector)); err != nil {
		return Comparison{}, err
	}
	cosine := cosineSimilarity(a.Vector, b.Vector)
	return Comparison{
		Kind:           kind,
		ModelID:        a.ModelID,
		Cosine:         cosine,
		Score:          cal.Score(cosine),
		Threshold:      threshold,
		ThresholdScore: cal.Score(threshold),
		Match:          cosine >= threshold,
	}, nil
}

// cosineSimilarity returns the cosine of the angle between two non-zero
// vectors of equal length.
func cosineSimilarity(a, b []float32) float64 {
	var dot, na, nb float64
	for i := range a {
		x, y := float64(a[i]), float64(b[i])
		dot += x * y
		na += x * x
		nb += y * y
	}
	c := dot / math.Sqrt(na*nb)
	return math.Max(-1, math.Min(1, c))
}

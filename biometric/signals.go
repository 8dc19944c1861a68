package biometric

// Names of the liveness and fraud signals.
const (
	// SignalLivenessModel is the still-image liveness model's probability
	// for the "live" class.
	SignalLivenessModel = "liveness_model"
	// SignalSharpness is the variance of the Laplacian over the face.
	SignalSharpness = "sharpness"
	// SignalExposure is the mean grey level of the face (0–255).
	SignalExposure = "exposure"
	// SignalClipping is the fraction of face pixels at pure black or white.
	SignalClipping = "clipping"
	// SignalFaceCount is the number of faces detected in the image.
	SignalFaceCount = "face_count"
	// SignalFaceSize is the shorter side of the face box in pixels.
	SignalFaceSize = "face_size"
	// SignalPose is the largest of |roll|/45°, |yaw| and |pitch|.
	SignalPose = "pose"
	// SignalMoire is the strength of isolated peaks in the face's 2-D
	// frequency spectrum, typical of a photographed screen.
	SignalMoire = "moire"
	// SignalMetadata is 1 when the image metadata shows editing software or
	// tampering traces.
	SignalMetadata = "metadata"
	// SignalReplay is the highest similarity to an earlier capture.
	SignalReplay = "replay"
	// SignalFrameConsistency is the lowest cosine between a video frame's
	// face and the best frame's.
	SignalFrameConsistency = "frame_consistency"
	// SignalMotion is the mean change between consecutive video frames.
	SignalMotion = "motion"
)

// PADStatement is the statement every Signals carries: the signals are not
// an evaluated presentation-attack detection.
const PADStatement = "presentation-attack detection not evaluated: no ISO/IEC 30107-3 conformance is claimed; signals are indicators for review, not a liveness decision"

// Signal is one named liveness or fraud indicator.
type Signal struct {
	// Name is one of the Signal* constants.
	Name string `json:"name"`
	// Value is the measurement; its unit depends on Name.
	Value float64 `json:"value"`
	// Measured is false when the engine could not judge (the value is then
	// zero and meaningless).
	Measured bool `json:"measured"`
	// Flagged is true when Value crosses the configured threshold in the
	// risky direction.
	Flagged bool `json:"flagged"`
	// Reason explains the value in words, without personal data.
	Reason string `json:"reason"`
}

// Signals is the set of indicators for one capture.
type Signals struct {
	// Evaluated is always false: presentation-attack detection has not
	// been evaluated against ISO/IEC 30107-3.
	Evaluated bool `json:"evaluated"`
	// Statement says so in words (PADStatement).
	Statement string `json:"statement"`
	// Items are the individual signals.
	Items []Signal `json:"signals"`
}

// newSignals returns an empty set carrying the PAD statement.
func newSignals() Signals {
	return Signals{Evaluated: false, Statement: PADStatement}
}

// Get returns the signal called name.
func (s Signals) Get(name string) (Signal, bool) {
	for _, item := range s.Items {
		if item.Name == name {
			return item, true
		}
	}
	return Signal{}, false
}

// Flagged lists the names of the flagged signals.
func (s Signals) Flagged() []string {
	var names []string
	for _, item := range s.Items {
		if item.Flagged {
			names = append(names, item.Name)
		}
	}
	return names
}

func (s *Signals) add(sig Signal) {
	s.Items = append(s.Items, sig)
}

// SignalThresholds are the values at which signals are flagged.
type SignalThresholds struct {
	// MinLiveness flags a liveness model score below it.
	MinLiveness float64 `json:"min_liveness" yaml:"min_liveness"`
	// MinSharpness flags a Laplacian variance below it.
	MinSharpness float64 `json:"min_sharpness" yaml:"min_sharpness"`
	// MinBrightness and MaxBrightness bound the face's mean grey level.
	MinBrightness float64 `json:"min_brightness" yaml:"min_brightness"`
	MaxBrightness float64 `json:"max_brightness" yaml:"max_brightness"`
	// MaxClipping flags a larger fraction of clipped face pixels.
	MaxClipping float64 `json:"max_clipping" yaml:"max_clipping"`
	// MinFaceSize flags a smaller face (pixels) in a selfie.
	MinFaceSize float64 `json:"min_face_size" yaml:"min_face_size"`
	// MaxPose flags a larger pose value.
	MaxPose float64 `json:"max_pose" yaml:"max_pose"`
	// MaxMoire flags a larger moiré peak strength.
	MaxMoire float64 `json:"max_moire" yaml:"max_moire"`
	// ReplayCosine flags a template at least this close to an earlier one.
	ReplayCosine float64 `json:"replay_cosine" yaml:"replay_cosine"`
	// ReplayHashDistance flags a perceptual hash at most this many bits
	// from an earlier one.
	ReplayHashDistance int `json:"replay_hash_distance" yaml:"replay_hash_distance"`
	// MinFrameConsistency flags a video frame whose face is further from
	// the best frame's.
	MinFrameConsistency float64 `json:"min_frame_consistency" yaml:"min_frame_consistency"`
	// MinMotion flags a video with less mean change between frames.
	MinMotion float64 `json:"min_motion" yaml:"min_motion"`
}

// DefaultSignalThresholds returns thresholds chosen on the shared test
// photos (see the package documentation); they are review heuristics.
func DefaultSignalThresholds() SignalThresholds {
	return SignalThresholds{
		MinLiveness:         0.5,
		MinSharpness:        20,
		MinBrightness:       50,
		MaxBrightness:       210,
		MaxClipping:         0.1,
		MinFaceSize:         96,
		MaxPose:             0.7,
		MaxMoire:            20,
		ReplayCosine:        0.97,
		ReplayHashDistance:  8,
		MinFrameConsistency: 0.5,
		MinMotion:           0.5,
	}
}

func (t SignalThresholds) withDefaults(d SignalThresholds) SignalThresholds {
	t.MinLiveness = orDefault(t.MinLiveness, d.MinLiveness)
	t.MinSharpness = orDefault(t.MinSharpness, d.MinSharpness)
	t.MinBrightness = orDefault(t.MinBrightness, d.MinBrightness)
	t.MaxBrightness = orDefault(t.MaxBrightness, d.MaxBrightness)
	t.MaxClipping = orDefault(t.MaxClipping, d.MaxClipping)
	t.MinFaceSize = orDefault(t.MinFaceSize, d.MinFaceSize)
	t.MaxPose = orDefault(t.MaxPose, d.MaxPose)
	t.MaxMoire = orDefault(t.MaxMoire, d.MaxMoire)
	t.ReplayCosine = orDefault(t.ReplayCosine, d.ReplayCosine)
	t.ReplayHashDistance = orDefault(t.ReplayHashDistance, d.ReplayHashDistance)
	t.MinFrameConsistency = orDefault(t.MinFrameConsistency, d.MinFrameConsistency)
	t.MinMotion = orDefault(t.MinMotion, d.MinMotion)
	return t
}

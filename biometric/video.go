package biometric

import (
	"context"
	"os/exec"
)

// findFFmpeg resolves the ffmpeg executable, or returns "" when video is
// disabled or ffmpeg is not installed.
func findFFmpeg(cfg VideoConfig) string {
	if cfg.Disabled {
		return ""
	}
	path, err := exec.LookPath(cfg.FFmpegPath)
	if err != nil {
		return ""
	}
	return path
}

// AssessVideo is not implemented yet.
func (e *onnxEngine) AssessVideo(ctx context.Context, video []byte, prior []PriorCapture) (VideoAssessment, error) {
	return VideoAssessment{}, ErrVideoUnavailable
}


package identity

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/jpeg"

	"github.com/kycgate/kycgate/biometric"
)

// livenessSignals are the video signals that fail the liveness step: a
// frame whose face differs from the best frame's (a swapped face), no
// motion between frames (a still image turned into a video) and a replay of
// an earlier capture of the identity.
var livenessSignals = []string{biometric.SignalFrameConsistency, biometric.SignalMotion, biometric.SignalReplay}

// videoOutcome is what the liveness step keeps of a video.
type videoOutcome struct {
	assessment biometric.VideoAssessment
	spriteKey  string
	frameKey   string
}

// runLiveness assesses the selfie video, stores its sprite and best frame
// and keeps the best frame's face capture.
func (s *Service) runLiveness(ctx context.Context, v *verification) stepState {
	key := v.state.mediaKey(InputSelfieVideo)
	if key == "" {
		return errorStep(StepLiveness, errInputFailed)
	}
	step := stepState{ID: StepLiveness, Status: stepDone, Output: stepOutput{VideoKey: key}}
	prior := s.priorCaptures(ctx, v)
	out, err := withTimeout(ctx, s.cfg.StepTimeout, func(ctx context.Context) (videoOutcome, error) {
		return s.assessVideo(ctx, v.ID, key, prior)
	})
	if err != nil {
		step.Error = s.failure(StepLiveness, err, errLivenessFailed)
		return step
	}
	step.Output.SpriteKey, step.Output.FrameKey = out.spriteKey, out.frameKey
	a := out.assessment.Selfie
	c, err := s.seal(a.Template, a.PerceptualHash)
	if err != nil {
		step.Error = s.failure(StepLiveness, err, errInternal)
		return step
	}
	v.keepCapture(InputSelfieVideo, c)
	for _, name := range livenessSignals {
		if sig, ok := a.Signals.Get(name); ok && sig.Measured && sig.Flagged {
			step.Error = &errLivenessFailed
			break
		}
	}
	return step
}

// assessVideo runs the engine on the stored video and stores the sprite
// and the best frame beside it.
func (s *Service) assessVideo(ctx context.Context, verificationID, key string, prior []biometric.PriorCapture) (videoOutcome, error) {
	data, err := s.readMedia(ctx, key, s.cfg.MaxVideoBytes)
	if err != nil {
		return videoOutcome{}, err
	}
	a, err := s.engine.AssessVideo(ctx, data, prior)
	if err != nil {
		return videoOutcome{}, err
	}
	out := videoOutcome{assessment: a, spriteKey: verificationID + "/liveness-sprite.jpg"}
	if err := s.media.Put(ctx, out.spriteKey, a.Sprite.JPEG); err != nil {
		return videoOutcome{}, err
	}
	frame, err := spriteTile(a.Sprite, a.BestFrame)
	if err != nil {
		return videoOutcome{}, err
	}
	out.frameKey = verificationID + "/liveness-frame.jpg"
	if err := s.media.Put(ctx, out.frameKey, frame); err != nil {
		return videoOutcome{}, err
	}
	return out, nil
}

// spriteTile cuts the tile of frame index out of the sprite and encodes it
// as JPEG: the liveness step's selfie image.
func spriteTile(sprite biometric.Sprite, index int) ([]byte, error) {
	if sprite.Columns <= 0 || index < 0 || index >= sprite.Frames {
		return nil, errors.New("identity: the sprite has no tile for the best frame")
	}
	img, err := jpeg.Decode(bytes.NewReader(sprite.JPEG))
	if err != nil {
		return nil, fmt.Errorf("identity: decode sprite: %w", err)
	}
	x, y := (index%sprite.Columns)*sprite.TileWidth, (index/sprite.Columns)*sprite.TileHeight
	rect := image.Rect(x, y, x+sprite.TileWidth, y+sprite.TileHeight)
	sub, ok := img.(interface {
		SubImage(image.Rectangle) image.Image
	})
	if !ok || !rect.In(img.Bounds()) {
		return nil, errors.New("identity: the best frame's tile is outside the sprite")
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, sub.SubImage(rect), &jpeg.Options{Quality: 90}); err != nil {
		return nil, fmt.Errorf("identity: encode best frame: %w", err)
	}
	return buf.Bytes(), nil
}

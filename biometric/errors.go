package biometric

import (
	"context"
	"errors"
	"fmt"
)

// The errors below are the distinct outcomes a caller must tell apart. They
// are returned wrapped with context, so test them with errors.Is. None of the
// wrapped messages contain image content, templates or personal data.
var (
	// ErrNoFace means the image was decoded but no face was detected.
	ErrNoFace = errors.New("biometric: no face detected")
	// ErrMultipleFaces means more than one face of comparable size was
	// detected, so the subject is ambiguous.
	ErrMultipleFaces = errors.New("biometric: several faces detected")
	// ErrFaceTooSmall means the face (or the whole image) is below the
	// configured minimum face size in pixels.
	ErrFaceTooSmall = errors.New("biometric: face too small")
	// ErrUnreadableImage means the bytes are not a supported image, are
	// corrupt, or exceed the configured size limits.
	ErrUnreadableImage = errors.New("biometric: unreadable image")
	// ErrEngineUnavailable means the configured engine cannot process images
	// (the none engine, the vector engine, or an engine that was closed).
	ErrEngineUnavailable = errors.New("biometric: engine unavailable")
	// ErrModelMismatch means two templates come from different models, or a
	// template does not belong to the engine's model.
	ErrModelMismatch = errors.New("biometric: templates come from different models")
	// ErrInvalidTemplate means a template vector is empty, of the wrong
	// dimension, contains NaN or Inf, or has zero length.
	ErrInvalidTemplate = errors.New("biometric: invalid template")
	// ErrVideoUnavailable means video liveness cannot run because ffmpeg is
	// not installed or video processing is disabled.
	ErrVideoUnavailable = errors.New("biometric: video processing unavailable")
	// ErrUnreadableVideo means ffmpeg could not decode the video, it exceeds
	// the size limit, or it yields no frames.
	ErrUnreadableVideo = errors.New("biometric: unreadable video")
	// ErrVideoTimeout means ffmpeg ran past its time limit (or the
	// caller's deadline). It is a failure of the system, not of the
	// person's capture, and it wraps context.DeadlineExceeded.
	ErrVideoTimeout = fmt.Errorf("biometric: video processing exceeded its time limit: %w", context.DeadlineExceeded)
	// ErrSealing means a sealed template could not be created or opened: a
	// wrong key, a corrupt blob or an unknown format version.
	ErrSealing = errors.New("biometric: template sealing failed")
)

package biometric

import (
	"context"
	"errors"
	"fmt"
	"image"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"time"
)

// videoDemuxers are the only container formats ffmpeg may open: playlists
// and concat scripts, which could make it read other files, are excluded.
const videoDemuxers = "mov,mp4,m4a,3gp,3g2,mj2,matroska,webm,avi"

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

// AssessVideo samples frames with ffmpeg, assesses the best frame as the
// selfie, and adds the frame-consistency and motion signals.
func (e *onnxEngine) AssessVideo(ctx context.Context, video []byte, prior []PriorCapture) (VideoAssessment, error) {
	if err := e.checkOpen(); err != nil {
		return VideoAssessment{}, err
	}
	if e.ffmpeg == "" {
		return VideoAssessment{}, fmt.Errorf("%w: ffmpeg is not installed or video is disabled", ErrVideoUnavailable)
	}
	frames, err := extractFrames(ctx, e.ffmpeg, video, e.cfg.Video, e.cfg.MaxImagePixels)
	if err != nil {
		return VideoAssessment{}, err
	}
	analyses, err := e.analyseFrames(ctx, frames)
	if err != nil {
		return VideoAssessment{}, err
	}
	best, err := bestFrame(analyses)
	if err != nil {
		return VideoAssessment{}, err
	}
	selfie, err := e.assess(ctx, analyses[best], prior)
	if err != nil {
		return VideoAssessment{}, err
	}
	selfie.Signals.add(consistencySignal(analyses, best, e.cfg.Signals.MinFrameConsistency))
	selfie.Signals.add(motionSignal(frames, e.cfg.Signals.MinMotion))
	sprite, err := renderSprite(frames, e.cfg.Video.SpriteColumns, e.cfg.Video.SpriteTileWidth)
	if err != nil {
		return VideoAssessment{}, err
	}
	return VideoAssessment{
		Selfie:         selfie,
		BestFrame:      best,
		FramesSampled:  len(frames),
		FramesWithFace: countFaces(analyses),
		Sprite:         sprite,
	}, nil
}

// extractFrames runs ffmpeg on the video in a private temporary folder,
// bounded in input size, decoded duration, frame count, frame width and
// run time, and returns the sampled frames in order.
func extractFrames(ctx context.Context, ffmpeg string, video []byte, cfg VideoConfig, maxPixels int64) ([]*image.RGBA, error) {
	if len(video) == 0 {
		return nil, fmt.Errorf("%w: empty input", ErrUnreadableVideo)
	}
	if int64(len(video)) > cfg.MaxBytes {
		return nil, fmt.Errorf("%w: %d bytes exceeds the limit of %d", ErrUnreadableVideo, len(video), cfg.MaxBytes)
	}
	dir, err := os.MkdirTemp("", "kycgate-video-")
	if err != nil {
		return nil, fmt.Errorf("biometric: temporary folder: %w", err)
	}
	defer func() { _ = os.RemoveAll(dir) }()
	input := filepath.Join(dir, "input")
	if err := os.WriteFile(input, video, 0o600); err != nil {
		return nil, fmt.Errorf("biometric: write video: %w", err)
	}
	if err := runFFmpeg(ctx, ffmpeg, input, filepath.Join(dir, "frame-%04d.bmp"), cfg); err != nil {
		return nil, err
	}
	return readFrames(dir, maxPixels)
}

// runFFmpeg samples frames from input into the output pattern.
func runFFmpeg(ctx context.Context, ffmpeg, input, output string, cfg VideoConfig) error {
	ctx, cancel := context.WithTimeout(ctx, time.Duration(cfg.Timeout))
	defer cancel()
	filter := fmt.Sprintf("fps=%s,scale='min(%d,iw)':-2", strconv.FormatFloat(cfg.FramesPerSecond, 'f', -1, 64), cfg.FrameWidth)
	args := []string{
		"-nostdin", "-hide_banner", "-loglevel", "error",
		"-protocol_whitelist", "file", "-format_whitelist", videoDemuxers,
		"-t", strconv.FormatFloat(time.Duration(cfg.MaxDuration).Seconds(), 'f', 3, 64),
		"-i", input,
		"-an", "-sn", "-dn", "-vf", filter, "-frames:v", strconv.Itoa(cfg.MaxFrames),
		"-f", "image2", "-c:v", "bmp", "-pix_fmt", "bgr24", output,
	}
	cmd := exec.CommandContext(ctx, ffmpeg, args...)
	cmd.Env = []string{}
	cmd.WaitDelay = time.Second
	if err := cmd.Run(); err != nil {
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return fmt.Errorf("%w (ffmpeg limit %s)", ErrVideoTimeout, time.Duration(cfg.Timeout))
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return fmt.Errorf("%w: ffmpeg could not decode the video (%v)", ErrUnreadableVideo, exitStatus(err))
	}
	return nil
}

func exitStatus(err error) string {
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		return "exit status " + strconv.Itoa(exit.ExitCode())
	}
	return "ffmpeg did not run"
}

// readFrames decodes the BMP frames ffmpeg wrote, in name order (BMP is
// uncompressed, so decoding costs a copy).
func readFrames(dir string, maxPixels int64) ([]*image.RGBA, error) {
	names, err := filepath.Glob(filepath.Join(dir, "frame-*.bmp"))
	if err != nil {
		return nil, fmt.Errorf("biometric: list frames: %w", err)
	}
	sort.Strings(names)
	if len(names) == 0 {
		return nil, fmt.Errorf("%w: no video frames", ErrUnreadableVideo)
	}
	frames := make([]*image.RGBA, 0, len(names))
	for _, name := range names {
		data, err := os.ReadFile(name)
		if err != nil {
			return nil, fmt.Errorf("biometric: read frame: %w", err)
		}
		img, err := decodeImage(data, 0, maxPixels)
		if err != nil {
			return nil, fmt.Errorf("%w: frame: %v", ErrUnreadableVideo, err)
		}
		frames = append(frames, img.rgba)
	}
	return frames, nil
}

// analyseFrames runs the face pipeline on every frame; frames without a
// usable single face get a nil entry.
func (e *onnxEngine) analyseFrames(ctx context.Context, frames []*image.RGBA) ([]*faceAnalysis, error) {
	out := make([]*faceAnalysis, len(frames))
	for i, frame := range frames {
		a, err := e.analyseDecoded(ctx, &decodedImage{rgba: frame, format: "bmp"})
		switch {
		case err == nil:
			out[i] = a
		case errors.Is(err, ErrNoFace), errors.Is(err, ErrMultipleFaces), errors.Is(err, ErrFaceTooSmall):
		default:
			return nil, err
		}
	}
	return out, nil
}

// bestFrame picks the sharpest, most frontal frame with a face.
func bestFrame(analyses []*faceAnalysis) (int, error) {
	best, bestScore := -1, math.Inf(-1)
	for i, a := range analyses {
		if a == nil {
			continue
		}
		q := a.template.Quality
		score := math.Log1p(q.Sharpness) * (1 - math.Min(poseValue(q.Pose), 0.9)) * q.DetectionScore
		if score > bestScore {
			best, bestScore = i, score
		}
	}
	if best < 0 {
		return 0, fmt.Errorf("%w: in any video frame", ErrNoFace)
	}
	return best, nil
}

func countFaces(analyses []*faceAnalysis) int {
	n := 0
	for _, a := range analyses {
		if a != nil {
			n++
		}
	}
	return n
}

// consistencySignal is the lowest cosine between a frame's face and the
// best frame's; a frame without a usable face counts as inconsistent.
func consistencySignal(analyses []*faceAnalysis, best int, minCosine float64) Signal {
	lowest, missing := 1.0, 0
	for _, a := range analyses {
		if a == nil {
			missing++
			continue
		}
		lowest = math.Min(lowest, cosineSimilarity(a.template.Vector, analyses[best].template.Vector))
	}
	s := Signal{Name: SignalFrameConsistency, Value: lowest, Measured: true}
	s.Flagged = lowest < minCosine || missing > 0
	s.Reason = fmt.Sprintf("lowest cosine to the best frame %.3f (limit %.2f); %d of %d frames without a usable single face",
		lowest, minCosine, missing, len(analyses))
	return s
}

// motionThumb is the side of the grey thumbnails compared for motion.
const motionThumb = 64

// motionSignal is the mean absolute grey-level change between consecutive
// frames; a still image turned into a video has almost none.
func motionSignal(frames []*image.RGBA, minMotion float64) Signal {
	s := Signal{Name: SignalMotion}
	if len(frames) < 2 {
		s.Reason = "fewer than two frames: motion not measured"
		return s
	}
	var total float64
	prev := thumbnail(frames[0])
	for _, f := range frames[1:] {
		cur := thumbnail(f)
		var diff float64
		for i := range cur.Pix {
			diff += math.Abs(float64(cur.Pix[i]) - float64(prev.Pix[i]))
		}
		total += diff / float64(len(cur.Pix))
		prev = cur
	}
	s.Value = total / float64(len(frames)-1)
	s.Measured = true
	s.Flagged = s.Value < minMotion
	s.Reason = fmt.Sprintf("mean grey-level change between frames %.2f (limit %.2f)", s.Value, minMotion)
	return s
}

func thumbnail(img *image.RGBA) *image.Gray {
	g := image.NewGray(image.Rect(0, 0, motionThumb, motionThumb))
	resample(g, img, img.Bounds())
	return g
}

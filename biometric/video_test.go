package biometric

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	xdraw "golang.org/x/image/draw"

	"github.com/kycgate/kycgate/internal/testassets"
)

// encodeVideo writes frames as an MPEG-4 video at fps frames per second.
func encodeVideo(t *testing.T, frames []*image.RGBA, fps int) []byte {
	t.Helper()
	ffmpeg := testassets.FFmpeg(t)
	dir := t.TempDir()
	for i, f := range frames {
		require.NoError(t, os.WriteFile(filepath.Join(dir, fmt.Sprintf("f%03d.jpg", i)), encodeJPEGForTest(t, f, 95), 0o600))
	}
	out := filepath.Join(dir, "video.mp4")
	cmd := exec.Command(ffmpeg, "-nostdin", "-loglevel", "error", "-framerate", fmt.Sprint(fps),
		"-i", filepath.Join(dir, "f%03d.jpg"), "-c:v", "mpeg4", "-q:v", "3", "-pix_fmt", "yuv420p", out)
	output, err := cmd.CombinedOutput()
	require.NoError(t, err, string(output))
	data, err := os.ReadFile(out)
	require.NoError(t, err)
	return data
}

// scaledPhoto loads a shared photo scaled to the given width (even height).
func scaledPhoto(t *testing.T, name string, width int) *image.RGBA {
	t.Helper()
	src := decodedPhoto(t, name)
	h := width * src.Bounds().Dy() / src.Bounds().Dx() / 2 * 2
	out := image.NewRGBA(image.Rect(0, 0, width, h))
	resample(out, src, src.Bounds())
	return out
}

// shifted draws src moved by (dx, dy) on a grey canvas of the same size.
func shifted(src *image.RGBA, dx, dy int) *image.RGBA {
	out := image.NewRGBA(src.Bounds())
	xdraw.Draw(out, out.Bounds(), image.NewUniform(color.Gray{Y: 128}), image.Point{}, xdraw.Src)
	xdraw.Draw(out, out.Bounds().Add(image.Pt(dx, dy)), src, image.Point{}, xdraw.Src)
	return out
}

// placed draws src at the top-left of a w×h grey canvas.
func placed(src *image.RGBA, w, h int) *image.RGBA {
	out := image.NewRGBA(image.Rect(0, 0, w, h))
	xdraw.Draw(out, out.Bounds(), image.NewUniform(color.Gray{Y: 128}), image.Point{}, xdraw.Src)
	xdraw.Draw(out, src.Bounds(), src, image.Point{}, xdraw.Src)
	return out
}

func TestVideoOfMovingFace(t *testing.T) {
	e := onnxTestEngine(t)
	base := scaledPhoto(t, "kit@3.jpg", 400)
	var frames []*image.RGBA
	for i := range 12 {
		frames = append(frames, shifted(base, 3*i-18, 2*(i%4)-3))
	}
	video := encodeVideo(t, frames, 8)

	result, err := e.AssessVideo(context.Background(), video, nil)
	require.NoError(t, err)
	assert.Equal(t, 6, result.FramesSampled, "1.5 s sampled at 4 frames per second")
	assert.Equal(t, result.FramesSampled, result.FramesWithFace)
	assert.GreaterOrEqual(t, result.BestFrame, 0)
	assert.Less(t, result.BestFrame, result.FramesSampled)

	consistency := signalOf(t, result.Selfie.Signals, SignalFrameConsistency)
	assert.False(t, consistency.Flagged, consistency.Reason)
	assert.Greater(t, consistency.Value, 0.8)
	motion := signalOf(t, result.Selfie.Signals, SignalMotion)
	assert.False(t, motion.Flagged, motion.Reason)
	t.Logf("moving face: %s; %s", motion.Reason, consistency.Reason)
	assert.False(t, result.Selfie.Signals.Evaluated)

	still, err := e.Extract(context.Background(), readFace(t, "kit@3.jpg"))
	require.NoError(t, err)
	cmp, err := e.Compare(still, result.Selfie.Template, SelfieSelfie)
	require.NoError(t, err)
	assert.True(t, cmp.Match, "the best frame is the photo's person (cosine %.3f)", cmp.Cosine)

	sprite, err := jpeg.Decode(bytes.NewReader(result.Sprite.JPEG))
	require.NoError(t, err)
	assert.Equal(t, 4, result.Sprite.Columns)
	assert.Equal(t, 2, result.Sprite.Rows)
	assert.Equal(t, 6, result.Sprite.Frames)
	assert.Equal(t, image.Pt(4*160, 2*result.Sprite.TileHeight), sprite.Bounds().Size())
}

func TestVideoOfStillImageHasNoMotion(t *testing.T) {
	e := onnxTestEngine(t)
	base := scaledPhoto(t, "rose@2.jpg", 320)
	frames := []*image.RGBA{base, base, base, base, base, base, base, base}
	result, err := e.AssessVideo(context.Background(), encodeVideo(t, frames, 4), nil)
	require.NoError(t, err)
	motion := signalOf(t, result.Selfie.Signals, SignalMotion)
	assert.True(t, motion.Flagged, motion.Reason)
	t.Logf("still image: %s", motion.Reason)
}

func TestVideoWithAnotherFaceIsInconsistent(t *testing.T) {
	e := onnxTestEngine(t)
	a := scaledPhoto(t, "rose@1.jpg", 320)
	b := scaledPhoto(t, "obama@1.jpg", 320)
	w, h := max(a.Bounds().Dx(), b.Bounds().Dx()), max(a.Bounds().Dy(), b.Bounds().Dy())
	pa, pb := placed(a, w, h), placed(b, w, h)
	frames := []*image.RGBA{pa, pa, pa, pa, pb, pb, pb, pb}
	result, err := e.AssessVideo(context.Background(), encodeVideo(t, frames, 4), nil)
	require.NoError(t, err)
	consistency := signalOf(t, result.Selfie.Signals, SignalFrameConsistency)
	assert.True(t, consistency.Flagged, consistency.Reason)
	assert.Less(t, consistency.Value, 0.5)
}

func TestVideoErrors(t *testing.T) {
	e := onnxTestEngine(t)
	testassets.FFmpeg(t)
	_, err := e.AssessVideo(context.Background(), []byte("definitely not a video container"), nil)
	assert.ErrorIs(t, err, ErrUnreadableVideo)
	_, err = e.AssessVideo(context.Background(), nil, nil)
	assert.ErrorIs(t, err, ErrUnreadableVideo)
	playlist := []byte("#EXTM3U\n#EXTINF:1,\nfile:///etc/hostname\n")
	_, err = e.AssessVideo(context.Background(), playlist, nil)
	assert.ErrorIs(t, err, ErrUnreadableVideo, "playlists are not accepted")

	noise := encodeVideo(t, []*image.RGBA{noiseImage(320, 240), noiseImage(320, 240)}, 2)
	_, err = e.AssessVideo(context.Background(), noise, nil)
	assert.ErrorIs(t, err, ErrNoFace)
}

func TestVideoLimits(t *testing.T) {
	ffmpeg := testassets.FFmpeg(t)
	base := scaledPhoto(t, "kit@3.jpg", 200)
	video := encodeVideo(t, []*image.RGBA{base, base}, 2)
	cfg := DefaultConfig().Video

	small := cfg
	small.MaxBytes = int64(len(video) - 1)
	_, err := extractFrames(context.Background(), ffmpeg, video, small, 0)
	assert.ErrorIs(t, err, ErrUnreadableVideo)

	hurried := cfg
	hurried.Timeout = Duration(time.Nanosecond)
	_, err = extractFrames(context.Background(), ffmpeg, video, hurried, 0)
	assert.ErrorIs(t, err, ErrVideoTimeout, "a time limit is the system's failure")
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	assert.NotErrorIs(t, err, ErrUnreadableVideo, "not the person's unreadable video")

	deadline, cancel := context.WithDeadline(context.Background(), time.Now().Add(-time.Second))
	defer cancel()
	_, err = extractFrames(deadline, ffmpeg, video, cfg, 0)
	assert.ErrorIs(t, err, ErrVideoTimeout, "the caller's deadline passed while ffmpeg ran")

	few := cfg
	few.MaxFrames = 1
	frames, err := extractFrames(context.Background(), ffmpeg, video, few, 0)
	require.NoError(t, err)
	assert.Len(t, frames, 1)
}

func TestVideoWithoutFFmpegIsUnavailable(t *testing.T) {
	dir := testModelsDir(t)
	onnxTestEngine(t)
	cfg := DefaultConfig()
	cfg.Engine, cfg.ModelsDir = EngineONNX, dir
	cfg.Video.FFmpegPath = filepath.Join(t.TempDir(), "no-ffmpeg-here")
	e, err := Open(cfg, slog.New(slog.DiscardHandler))
	require.NoError(t, err)
	defer func() { _ = e.Close() }()
	_, err = e.AssessVideo(context.Background(), []byte("video"), nil)
	assert.ErrorIs(t, err, ErrVideoUnavailable)
}

func signalOf(t *testing.T, s Signals, name string) Signal {
	t.Helper()
	sig, ok := s.Get(name)
	require.True(t, ok, "signal %s missing", name)
	return sig
}

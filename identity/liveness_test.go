package identity_test

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	xdraw "golang.org/x/image/draw"

	"github.com/kycgate/kycgate/internal/testassets"

	"github.com/kycgate/kycgate/biometric"
	"github.com/kycgate/kycgate/identity"
)

// scaled decodes a shared photo scaled to width (even height).
func scaled(t *testing.T, name string, width int) *image.RGBA {
	t.Helper()
	src, _, err := image.Decode(bytes.NewReader(face(t, name)))
	require.NoError(t, err)
	h := width * src.Bounds().Dy() / src.Bounds().Dx() / 2 * 2
	out := image.NewRGBA(image.Rect(0, 0, width, h))
	xdraw.BiLinear.Scale(out, out.Bounds(), src, src.Bounds(), xdraw.Src, nil)
	return out
}

// shifted draws src moved by (dx, dy) on a grey canvas of the same size.
func shifted(src *image.RGBA, dx, dy int) *image.RGBA {
	out := image.NewRGBA(src.Bounds())
	xdraw.Draw(out, out.Bounds(), image.NewUniform(color.Gray{Y: 128}), image.Point{}, xdraw.Src)
	xdraw.Draw(out, out.Bounds().Add(image.Pt(dx, dy)), src, image.Point{}, xdraw.Src)
	return out
}

// encodeVideo writes frames as an MPEG-4 video at fps.
func encodeVideo(t *testing.T, frames []*image.RGBA, fps int) []byte {
	t.Helper()
	ffmpeg := testassets.FFmpeg(t)
	dir := t.TempDir()
	for i, f := range frames {
		var buf bytes.Buffer
		require.NoError(t, png.Encode(&buf, f))
		require.NoError(t, os.WriteFile(filepath.Join(dir, fmt.Sprintf("f%03d.png", i)), buf.Bytes(), 0o600))
	}
	out := filepath.Join(dir, "video.mp4")
	cmd := exec.Command(ffmpeg, "-nostdin", "-loglevel", "error", "-framerate", fmt.Sprint(fps),
		"-i", filepath.Join(dir, "f%03d.png"), "-c:v", "mpeg4", "-q:v", "3", "-pix_fmt", "yuv420p", out)
	output, err := cmd.CombinedOutput()
	require.NoError(t, err, string(output))
	data, err := os.ReadFile(out)
	require.NoError(t, err)
	return data
}

// movingFaceVideo is 1.5 s of a face moving across the frame.
func movingFaceVideo(t *testing.T, name string) []byte {
	base := scaled(t, name, 320)
	var frames []*image.RGBA
	for i := range 6 {
		frames = append(frames, shifted(base, 6*i-15, 2*(i%3)-2))
	}
	return encodeVideo(t, frames, 4)
}

// stillVideo is 1.5 s of one unchanging photo.
func stillVideo(t *testing.T, name string) []byte {
	base := scaled(t, name, 320)
	return encodeVideo(t, []*image.RGBA{base, base, base, base, base, base}, 4)
}

// fetch downloads a media URL of the resource with merchant A's token.
func (e *env) fetch(raw string) response {
	e.t.Helper()
	u, err := url.Parse(raw)
	require.NoError(e.t, err)
	return e.call(http.MethodGet, u.RequestURI(), e.token(merchantA), nil, "")
}

func TestVideoLivenessAndReVerificationFromAVideo(t *testing.T) {
	testassets.FFmpeg(t)
	e := newEnv(t, envOptions{})
	first := e.createFlow(merchantA, identity.StepSelfie)
	byVideo := e.createFlow(merchantA, identity.StepLiveness, identity.StepReFacematch)
	original, _ := e.verifySelfie(first, "", nil, face(t, personFirst))
	require.Equal(t, identity.StatusVerified, original["status"])

	v := e.start(merchantA, byVideo, original["identity"].(string), nil)
	id := v["id"].(string)
	video := movingFaceVideo(t, personLater)
	requireError(t, e.sendInput(e.token(merchantA), id, file{inputType: identity.InputSelfieVideo, name: "v.mp4", data: face(t, personLater)}),
		http.StatusUnsupportedMediaType, "UNSUPPORTED_MEDIA_TYPE")
	r := e.sendInput(e.token(merchantA), id, file{inputType: identity.InputSelfieVideo, name: "v.mp4", data: video})
	require.Equal(t, http.StatusOK, r.status, "body: %s", r.body)

	done := e.waitEnded(merchantA, id)
	assert.Equal(t, identity.StatusVerified, done["status"], "resource: %v", done)
	steps := requireStepWebhooks(t, e, id)
	liveness := steps[identity.StepLiveness]
	assert.Nil(t, liveness["error"])
	data := liveness["data"].(map[string]any)
	selfie := data["selfieUrl"].(map[string]any)
	assert.Equal(t, true, selfie["isUrl"])

	got := e.fetch(data["videoUrl"].(string))
	require.Equal(t, http.StatusOK, got.status)
	assert.Equal(t, video, got.body, "the uploaded video")
	assert.Equal(t, "video/mp4", got.header.Get("Content-Type"))
	for _, raw := range []string{data["spriteUrl"].(string), selfie["media"].(string)} {
		img := e.fetch(raw)
		require.Equal(t, http.StatusOK, img.status)
		_, err := jpeg.Decode(bytes.NewReader(img.body))
		require.NoError(t, err, "a JPEG image")
	}

	again := steps[identity.StepReFacematch]
	assert.Nil(t, again["error"])
	againData := again["data"].(map[string]any)
	assert.Greater(t, againData["facematchScore"].(float64), 50.0, "the video's best frame is the same person")
	assert.Contains(t, againData["currentSelfieVideoUrl"], "/media/file?location=")
	assert.Nil(t, againData["currentSelfiePhotoUrl"])
	assert.Contains(t, againData["previousSelfiePhotoUrl"], "/media/file?location=")
}

func TestStillImageVideoFailsLiveness(t *testing.T) {
	testassets.FFmpeg(t)
	e := newEnv(t, envOptions{})
	flow := e.createFlow(merchantA, identity.StepLiveness)
	id := e.start(merchantA, flow, "", nil)["id"].(string)
	r := e.sendInput(e.token(merchantA), id, file{inputType: identity.InputSelfieVideo, name: "v.mp4", data: stillVideo(t, personLater)})
	require.Equal(t, http.StatusOK, r.status, "body: %s", r.body)

	done := e.waitEnded(merchantA, id)
	assert.Equal(t, identity.StatusRejected, done["status"])
	assert.Equal(t, map[string]any{"type": "LegacyError", "code": "legacy.error", "message": "User did not pass liveness"},
		stepError(t, done, identity.StepLiveness))
	requireStepWebhooks(t, e, id)
}

// hurriedVideoEngine opens an onnx engine whose ffmpeg time limit is too
// short for any video, while the step limit stays generous.
func hurriedVideoEngine(t *testing.T) biometric.Engine {
	t.Helper()
	sharedEngine(t) // skips (or fails in CI) when the models are missing
	cfg := biometric.DefaultConfig()
	cfg.Engine = biometric.EngineONNX
	cfg.ModelsDir = os.Getenv(biometric.ModelsDirEnv)
	if cfg.ModelsDir == "" {
		cfg.ModelsDir = filepath.Join(testassets.ModuleRoot(t), biometric.DefaultModelsDir)
	}
	cfg.Video.Timeout = biometric.Duration(time.Nanosecond)
	engine, err := biometric.Open(cfg, slog.New(slog.DiscardHandler))
	require.NoError(t, err)
	t.Cleanup(func() { _ = engine.Close() })
	return engine
}

func TestFFmpegPastItsTimeLimitIsAStepTimeout(t *testing.T) {
	testassets.FFmpeg(t)
	e := newEnv(t, envOptions{engine: hurriedVideoEngine(t), stepTimeout: time.Minute})
	flow := e.createFlow(merchantA, identity.StepLiveness)
	id := e.start(merchantA, flow, "", nil)["id"].(string)
	r := e.sendInput(e.token(merchantA), id, file{inputType: identity.InputSelfieVideo, name: "v.mp4", data: movingFaceVideo(t, personLater)})
	require.Equal(t, http.StatusOK, r.status, "body: %s", r.body)

	done := e.waitEnded(merchantA, id)
	assert.Equal(t, identity.StatusReviewNeeded, done["status"], "a system error is not the person's failure")
	assert.Equal(t, map[string]any{"type": "SystemError", "code": "system.internalError", "message": "Step timeout"},
		stepError(t, done, identity.StepLiveness))
	steps := requireStepWebhooks(t, e, id)
	assert.Equal(t, "Step timeout", steps[identity.StepLiveness]["error"].(map[string]any)["message"])
}
